/* SPDX-License-Identifier: Apache-2.0 */
/* SQL for apps, their configuration versions, secrets and ICP filings. */
#include "store/apps.h"

#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "store/db.h"
#include "store/search.h"
#include "util/mem.h"

#define COPY(dst, src) snprintf((dst), sizeof(dst), "%s", (src) ? (src) : "")

enum kf_err kf_store_app_insert(struct kf_db *db, const char *app_id, int64_t provider_id, const char *audience,
				int64_t now, int64_t *id)
{
	struct kf_stmt *st = kf_db_prepare(
		db, "INSERT INTO apps (app_id, provider_id, state, audience, created_at, updated_at)"
		    " VALUES (?, ?, 'draft', ?, ?, ?)");
	if (!st)
		return KF_EDB;
	kf_stmt_bind_text(st, 1, app_id);
	kf_stmt_bind_int(st, 2, provider_id);
	kf_stmt_bind_text(st, 3, audience);
	kf_stmt_bind_int(st, 4, now);
	kf_stmt_bind_int(st, 5, now);
	if (kf_stmt_exec(st) != KF_OK)
		return kf_db_is_constraint_error(db) ? KF_ECONFLICT : KF_EDB;
	*id = kf_db_last_id(db);
	return KF_OK;
}

static enum kf_err app_row(struct kf_stmt *st, struct kf_app_row *out)
{
	enum kf_step s = kf_stmt_step(st);
	if (s == KF_STEP_ROW) {
		out->id = kf_stmt_int(st, 0);
		COPY(out->app_id, kf_stmt_text(st, 1));
		out->provider_id = kf_stmt_int(st, 2);
		/* a state this build does not know reads as ended */
		out->state = KF_APP_DELETED;
		(void)kf_app_state_parse(kf_stmt_text(st, 3), &out->state);
		out->audience = KF_APP_AUDIENCE_SELF_USE;
		(void)kf_app_audience_parse(kf_stmt_text(st, 4), &out->audience);
		out->live_config_id = kf_stmt_int(st, 5);
		out->draft_config_id = kf_stmt_int(st, 6);
		out->review_id = kf_stmt_int(st, 7);
		out->draft_listing_id = kf_stmt_int(st, 8);
		out->live_listing_id = kf_stmt_int(st, 9);
		COPY(out->released_version, kf_stmt_text(st, 10));
	}
	kf_stmt_done(st);
	return s == KF_STEP_ROW ? KF_OK : s == KF_STEP_DONE ? KF_ENOTFOUND : KF_EDB;
}

#define APP_COLS                                                                                         \
	"SELECT id, app_id, provider_id, state, audience, COALESCE(live_config_id, 0),"                 \
	" COALESCE(draft_config_id, 0), COALESCE(review_id, 0), COALESCE(draft_listing_id, 0),"       \
	" COALESCE(live_listing_id, 0), COALESCE(released_version, '') FROM apps "

enum kf_err kf_store_app_get(struct kf_db *db, int64_t id, struct kf_app_row *out)
{
	struct kf_stmt *st = kf_db_prepare(db, APP_COLS "WHERE id = ? AND deleted_at IS NULL");
	if (!st)
		return KF_EDB;
	kf_stmt_bind_int(st, 1, id);
	return app_row(st, out);
}

enum kf_err kf_store_app_by_appid(struct kf_db *db, const char *app_id, struct kf_app_row *out)
{
	struct kf_stmt *st = kf_db_prepare(db, APP_COLS "WHERE app_id = ? AND deleted_at IS NULL");
	if (!st)
		return KF_EDB;
	kf_stmt_bind_text(st, 1, app_id);
	return app_row(st, out);
}

enum kf_err kf_store_app_set_state(struct kf_db *db, int64_t id, enum kf_app_state to, int64_t now)
{
	const char *state = kf_app_state_name(to);
	if (!state)
		return KF_EINVAL;
	struct kf_stmt *st = kf_db_prepare(
		db, "UPDATE apps SET state = ?, updated_at = ?,"
		    " deleted_at = CASE WHEN ? = 'deleted' THEN ? ELSE deleted_at END WHERE id = ?");
	if (!st)
		return KF_EDB;
	kf_stmt_bind_text(st, 1, state);
	kf_stmt_bind_int(st, 2, now);
	kf_stmt_bind_text(st, 3, state);
	kf_stmt_bind_int(st, 4, now);
	kf_stmt_bind_int(st, 5, id);
	if (kf_stmt_exec(st) != KF_OK)
		return KF_EDB;
	/* a deleted app leaves the search index */
	return to == KF_APP_DELETED ? kf_store_search_index(db, id) : KF_OK;
}

enum kf_err kf_store_app_suspend(struct kf_db *db, int64_t id, enum kf_app_state from, const char *reason,
				 const char *rule, int64_t now)
{
	if (!kf_app_state_name(from))
		return KF_EINVAL;
	struct kf_stmt *st = kf_db_prepare(
		db, "UPDATE apps SET state = 'suspended', suspended_from = state, suspension_reason = ?,"
		    " suspension_rule = ?, suspended_at = ?, updated_at = ? WHERE id = ? AND state = ?"
		    " AND deleted_at IS NULL");
	if (!st)
		return KF_EDB;
	kf_stmt_bind_text(st, 1, reason);
	kf_stmt_bind_text(st, 2, rule);
	kf_stmt_bind_int(st, 3, now);
	kf_stmt_bind_int(st, 4, now);
	kf_stmt_bind_int(st, 5, id);
	kf_stmt_bind_text(st, 6, kf_app_state_name(from));
	if (kf_stmt_exec(st) != KF_OK)
		return KF_EDB;
	return kf_db_changes(db) ? KF_OK : KF_ECONFLICT;
}

enum kf_err kf_store_app_suspension_get(struct kf_db *db, int64_t id, struct kf_app_suspension *out)
{
	memset(out, 0, sizeof(*out));
	struct kf_stmt *st = kf_db_prepare(db, "SELECT suspended_from, suspension_reason, suspension_rule,"
					       " COALESCE(suspended_at, 0) FROM apps WHERE id = ?");
	if (!st)
		return KF_EDB;
	kf_stmt_bind_int(st, 1, id);
	enum kf_step s = kf_stmt_step(st);
	if (s == KF_STEP_ROW && !kf_stmt_is_null(st, 0)) {
		out->set = true;
		out->from = KF_APP_DELETED; /* unknown text: kf_app_unsuspend restores released */
		(void)kf_app_state_parse(kf_stmt_text(st, 0), &out->from);
		snprintf(out->reason, sizeof(out->reason), "%s", kf_stmt_is_null(st, 1) ? "" : kf_stmt_text(st, 1));
		snprintf(out->rule, sizeof(out->rule), "%s", kf_stmt_is_null(st, 2) ? "" : kf_stmt_text(st, 2));
		out->at = kf_stmt_int(st, 3);
	}
	kf_stmt_done(st);
	return s == KF_STEP_ROW ? KF_OK : s == KF_STEP_DONE ? KF_ENOTFOUND : KF_EDB;
}

enum kf_err kf_store_app_unsuspend(struct kf_db *db, int64_t id, enum kf_app_state to, int64_t now)
{
	if (!kf_app_state_name(to))
		return KF_EINVAL;
	struct kf_stmt *st = kf_db_prepare(
		db, "UPDATE apps SET state = ?, suspended_from = NULL, suspension_reason = NULL, suspension_rule = NULL,"
		    " suspended_at = NULL, updated_at = ? WHERE id = ? AND state = 'suspended' AND deleted_at IS NULL");
	if (!st)
		return KF_EDB;
	kf_stmt_bind_text(st, 1, kf_app_state_name(to));
	kf_stmt_bind_int(st, 2, now);
	kf_stmt_bind_int(st, 3, id);
	if (kf_stmt_exec(st) != KF_OK)
		return KF_EDB;
	return kf_db_changes(db) ? KF_OK : KF_ECONFLICT;
}

json_t *kf_store_provider_app_states(struct kf_db *db, int64_t provider_id)
{
	struct kf_stmt *st = kf_db_prepare(
		db, "SELECT id, app_id, state FROM apps WHERE provider_id = ? AND deleted_at IS NULL ORDER BY id");
	if (!st)
		return NULL;
	kf_stmt_bind_int(st, 1, provider_id);
	return kf_stmt_rows_json(st);
}

enum kf_err kf_store_app_set_review(struct kf_db *db, int64_t id, int64_t review_id)
{
	struct kf_stmt *st = kf_db_prepare(db, "UPDATE apps SET review_id = ? WHERE id = ?");
	if (!st)
		return KF_EDB;
	kf_stmt_bind_int(st, 1, review_id);
	kf_stmt_bind_int(st, 2, id);
	return kf_stmt_exec(st);
}

enum kf_err kf_store_app_set_configs(struct kf_db *db, int64_t id, int64_t live, int64_t draft, const char *audience,
				     int64_t now)
{
	struct kf_stmt *st = kf_db_prepare(
		db, "UPDATE apps SET live_config_id = NULLIF(?, 0), draft_config_id = NULLIF(?, 0),"
		    " audience = COALESCE(?, audience), updated_at = ? WHERE id = ?");
	if (!st)
		return KF_EDB;
	kf_stmt_bind_int(st, 1, live);
	kf_stmt_bind_int(st, 2, draft);
	kf_stmt_bind_text(st, 3, audience);
	kf_stmt_bind_int(st, 4, now);
	kf_stmt_bind_int(st, 5, id);
	return kf_stmt_exec(st);
}

enum kf_err kf_store_apps_count(struct kf_db *db, int64_t provider_id, int *n)
{
	struct kf_stmt *st = kf_db_prepare(
		db, "SELECT COUNT(*) FROM apps WHERE provider_id = ? AND deleted_at IS NULL");
	if (!st)
		return KF_EDB;
	kf_stmt_bind_int(st, 1, provider_id);
	enum kf_step s = kf_stmt_step(st);
	*n = s == KF_STEP_ROW ? (int)kf_stmt_int(st, 0) : 0;
	kf_stmt_done(st);
	return s == KF_STEP_ROW ? KF_OK : KF_EDB;
}

enum kf_err kf_store_app_config_insert(struct kf_db *db, int64_t app, const char *config_json, int64_t by,
				       int64_t now, int64_t *id, int *version)
{
	struct kf_stmt *st = kf_db_prepare(db, "SELECT COALESCE(MAX(version), 0) + 1 FROM app_configs WHERE app = ?");
	if (!st)
		return KF_EDB;
	kf_stmt_bind_int(st, 1, app);
	if (kf_stmt_step(st) != KF_STEP_ROW) {
		kf_stmt_done(st);
		return KF_EDB;
	}
	*version = (int)kf_stmt_int(st, 0);
	kf_stmt_done(st);
	st = kf_db_prepare(db, "INSERT INTO app_configs (app, version, config, created_by, created_at) VALUES (?, ?, ?, ?, ?)");
	if (!st)
		return KF_EDB;
	kf_stmt_bind_int(st, 1, app);
	kf_stmt_bind_int(st, 2, *version);
	kf_stmt_bind_text(st, 3, config_json);
	if (by)
		kf_stmt_bind_int(st, 4, by);
	else
		kf_stmt_bind_null(st, 4);
	kf_stmt_bind_int(st, 5, now);
	if (kf_stmt_exec(st) != KF_OK)
		return KF_EDB;
	*id = kf_db_last_id(db);
	return KF_OK;
}

json_t *kf_store_app_config_json(struct kf_db *db, int64_t config_id)
{
	struct kf_stmt *st = kf_db_prepare(db, "SELECT config FROM app_configs WHERE id = ?");
	if (!st)
		return NULL;
	kf_stmt_bind_int(st, 1, config_id);
	json_t *o = kf_stmt_step(st) == KF_STEP_ROW ? json_loads(kf_stmt_text(st, 0), 0, NULL) : NULL;
	kf_stmt_done(st);
	return o;
}

json_t *kf_store_provider_app_configs(struct kf_db *db, int64_t provider_id, int64_t except_app)
{
	struct kf_stmt *st = kf_db_prepare(
		db, "SELECT c.config FROM apps a JOIN app_configs c ON c.id = COALESCE(a.draft_config_id, a.live_config_id)"
		    " WHERE a.provider_id = ? AND a.deleted_at IS NULL AND a.id != ?");
	if (!st)
		return NULL;
	kf_stmt_bind_int(st, 1, provider_id);
	kf_stmt_bind_int(st, 2, except_app);
	json_t *arr = json_array();
	enum kf_step s;
	while ((s = kf_stmt_step(st)) == KF_STEP_ROW) {
		json_t *c = json_loads(kf_stmt_text(st, 0), 0, NULL);
		if (c)
			json_array_append_new(arr, c);
	}
	kf_stmt_done(st);
	if (s == KF_STEP_ERROR) {
		json_decref(arr);
		return NULL;
	}
	return arr;
}

json_t *kf_store_app_configs_json(struct kf_db *db, int64_t app)
{
	struct kf_stmt *st = kf_db_prepare(
		db, "SELECT c.id, c.version, c.created_at, c.created_by, c.config,"
		    " CASE WHEN c.id = a.draft_config_id THEN 'draft' WHEN c.id = a.live_config_id THEN 'live'"
		    " ELSE 'old' END AS role FROM app_configs c JOIN apps a ON a.id = c.app WHERE c.app = ?"
		    " ORDER BY c.version DESC");
	if (!st)
		return NULL;
	kf_stmt_bind_int(st, 1, app);
	json_t *arr = json_array();
	enum kf_step s;
	while ((s = kf_stmt_step(st)) == KF_STEP_ROW) {
		json_t *o = kf_stmt_row_json(st);
		json_t *c = json_loads(kf_stmt_text(st, 4), 0, NULL);
		json_object_set_new(o, "config", c ? c : json_null());
		json_array_append_new(arr, o);
	}
	kf_stmt_done(st);
	if (s == KF_STEP_ERROR) {
		json_decref(arr);
		return NULL;
	}
	return arr;
}

json_t *kf_store_apps_json(struct kf_db *db, int64_t provider_id)
{
	struct kf_stmt *st = kf_db_prepare(
		db, kf_db_dialect(db,
				  "SELECT a.id, a.app_id, a.state, a.audience, a.created_at, a.updated_at,"
				  " json_extract(c.config, '$.name') AS name FROM apps a"
				  " LEFT JOIN app_configs c ON c.id = COALESCE(a.draft_config_id, a.live_config_id)"
				  " WHERE a.provider_id = ? AND a.deleted_at IS NULL ORDER BY a.id",
				  "SELECT a.id, a.app_id, a.state, a.audience, a.created_at, a.updated_at,"
				  " CAST(c.config AS jsonb) ->> 'name' AS name FROM apps a"
				  " LEFT JOIN app_configs c ON c.id = COALESCE(a.draft_config_id, a.live_config_id)"
				  " WHERE a.provider_id = ? AND a.deleted_at IS NULL ORDER BY a.id"));
	if (!st)
		return NULL;
	kf_stmt_bind_int(st, 1, provider_id);
	return kf_stmt_rows_json(st);
}

json_t *kf_store_apps_of_user_json(struct kf_db *db, int64_t user_id, int64_t provider_id, const char *state,
				   const char *after_app_id, int limit)
{
	/* keyset on the row id, named by the public app id of the last row:
	 * newest first, neither skipping nor repeating between pages. The
	 * page is chosen first on the apps' own columns; only its rows then
	 * read their name out of the configuration JSON. */
#define APPS_PAGE                                                                                                  \
	" FROM (SELECT a.id, a.app_id, a.provider_id, a.state, a.audience, a.created_at, a.updated_at,"          \
	" COALESCE(a.draft_config_id, a.live_config_id) AS config_id FROM apps a"                               \
	" WHERE a.provider_id IN (SELECT org_id FROM memberships WHERE user_id = ?1)"                            \
	" AND a.deleted_at IS NULL AND (?2 = 0 OR a.provider_id = ?2)"                                           \
	" AND (CAST(?3 AS TEXT) IS NULL OR a.state = ?3)"                                                         \
	" AND (CAST(?4 AS TEXT) IS NULL OR a.id < (SELECT id FROM apps WHERE app_id = ?4))"                       \
	" ORDER BY a.id DESC LIMIT ?5) p JOIN orgs o ON o.id = p.provider_id"                                     \
	" LEFT JOIN app_configs c ON c.id = p.config_id ORDER BY p.id DESC"
	struct kf_stmt *st = kf_db_prepare(
		db, kf_db_dialect(db,
				  "SELECT p.app_id, p.provider_id, o.name AS provider_name, p.state, p.audience,"
				  " json_extract(c.config, '$.name') AS name, p.created_at, p.updated_at" APPS_PAGE,
				  "SELECT p.app_id, p.provider_id, o.name AS provider_name, p.state, p.audience,"
				  " CAST(c.config AS jsonb) ->> 'name' AS name, p.created_at, p.updated_at" APPS_PAGE));
#undef APPS_PAGE
	if (!st)
		return NULL;
	kf_stmt_bind_int(st, 1, user_id);
	kf_stmt_bind_int(st, 2, provider_id);
	kf_stmt_bind_text(st, 3, state);
	kf_stmt_bind_text(st, 4, after_app_id);
	kf_stmt_bind_int(st, 5, limit);
	return kf_stmt_rows_json(st);
}

json_t *kf_store_app_review_json(struct kf_db *db, int64_t app, const char *kind)
{
	struct kf_stmt *st = kf_db_prepare(
		db, "SELECT state, submitted_at, due_at, decided_at, reasons FROM reviews"
		    " WHERE subject_type = 'app' AND subject_id = ? AND kind = ? ORDER BY id DESC LIMIT 1");
	if (!st)
		return NULL;
	kf_stmt_bind_int(st, 1, app);
	kf_stmt_bind_text(st, 2, kind);
	enum kf_step s = kf_stmt_step(st);
	json_t *o = NULL;
	if (s == KF_STEP_ROW) {
		o = kf_stmt_row_json(st);
		json_t *reasons = json_loads(kf_stmt_text(st, 4), 0, NULL);
		json_object_set_new(o, "reasons", reasons ? reasons : json_array());
	} else if (s == KF_STEP_DONE) {
		o = json_null();
	}
	kf_stmt_done(st);
	return o;
}

json_t *kf_store_app_secrets_json(struct kf_db *db, int64_t app)
{
	struct kf_stmt *st = kf_db_prepare(
		db, "SELECT created_at, revoked_at, valid_until FROM app_secrets WHERE app = ? ORDER BY id DESC LIMIT 20");
	if (!st)
		return NULL;
	kf_stmt_bind_int(st, 1, app);
	return kf_stmt_rows_json(st);
}

enum kf_err kf_store_app_secret_add(struct kf_db *db, int64_t app, const char *hash, int64_t now, int64_t grace_until,
				    int64_t earlier_until)
{
	/* first the secrets already in grace, so the one revoked below keeps its own */
	struct kf_stmt *st = kf_db_prepare(
		db, "UPDATE app_secrets SET valid_until = ? WHERE app = ? AND revoked_at IS NOT NULL AND valid_until > ?");
	if (!st)
		return KF_EDB;
	kf_stmt_bind_int(st, 1, earlier_until);
	kf_stmt_bind_int(st, 2, app);
	kf_stmt_bind_int(st, 3, earlier_until);
	if (kf_stmt_exec(st) != KF_OK)
		return KF_EDB;
	st = kf_db_prepare(
		db, "UPDATE app_secrets SET revoked_at = ?, valid_until = ? WHERE app = ? AND revoked_at IS NULL");
	if (!st)
		return KF_EDB;
	kf_stmt_bind_int(st, 1, now);
	kf_stmt_bind_int(st, 2, grace_until);
	kf_stmt_bind_int(st, 3, app);
	if (kf_stmt_exec(st) != KF_OK)
		return KF_EDB;
	st = kf_db_prepare(db, "INSERT INTO app_secrets (app, secret_hash, created_at) VALUES (?, ?, ?)");
	if (!st)
		return KF_EDB;
	kf_stmt_bind_int(st, 1, app);
	kf_stmt_bind_text(st, 2, hash);
	kf_stmt_bind_int(st, 3, now);
	return kf_stmt_exec(st);
}

enum kf_err kf_store_app_secret_get(struct kf_db *db, int64_t app, const char *hash, struct kf_app_secret_row *out)
{
	struct kf_stmt *st = kf_db_prepare(
		db, "SELECT created_at, COALESCE(revoked_at, 0), COALESCE(valid_until, 0) FROM app_secrets"
		    " WHERE app = ? AND secret_hash = ?");
	if (!st)
		return KF_EDB;
	kf_stmt_bind_int(st, 1, app);
	kf_stmt_bind_text(st, 2, hash);
	enum kf_step s = kf_stmt_step(st);
	if (s == KF_STEP_ROW) {
		out->created_at = kf_stmt_int(st, 0);
		out->revoked_at = kf_stmt_int(st, 1);
		out->valid_until = kf_stmt_int(st, 2);
	}
	kf_stmt_done(st);
	return s == KF_STEP_ROW ? KF_OK : s == KF_STEP_DONE ? KF_ENOTFOUND : KF_EDB;
}

enum kf_err kf_store_icp_add(struct kf_db *db, int64_t entity_id, const char *domain, const char *icp_no, int64_t now)
{
	struct kf_stmt *st = kf_db_prepare(
		db, "INSERT INTO entity_icp_filings (entity_id, domain, icp_no, created_at) VALUES (?, ?, ?, ?)"
		    " ON CONFLICT (entity_id, domain) DO UPDATE SET icp_no = excluded.icp_no");
	if (!st)
		return KF_EDB;
	kf_stmt_bind_int(st, 1, entity_id);
	kf_stmt_bind_text(st, 2, domain);
	kf_stmt_bind_text(st, 3, icp_no);
	kf_stmt_bind_int(st, 4, now);
	return kf_stmt_exec(st);
}

enum kf_err kf_store_icp_domains(struct kf_db *db, struct kf_arena *a, int64_t entity_id, const char ***out, size_t *n)
{
	struct kf_stmt *st = kf_db_prepare(db, "SELECT domain FROM entity_icp_filings WHERE entity_id = ? ORDER BY domain");
	if (!st)
		return KF_EDB;
	kf_stmt_bind_int(st, 1, entity_id);
	size_t cap = 64, cnt = 0;
	const char **v = kf_arena_alloc(a, cap * sizeof(*v));
	enum kf_step s;
	while ((s = kf_stmt_step(st)) == KF_STEP_ROW && cnt < cap)
		v[cnt++] = kf_arena_strdup(a, kf_stmt_text(st, 0));
	kf_stmt_done(st);
	*out = v;
	*n = cnt;
	return s == KF_STEP_ERROR ? KF_EDB : KF_OK;
}

json_t *kf_store_icp_json(struct kf_db *db, int64_t entity_id)
{
	struct kf_stmt *st = kf_db_prepare(
		db, "SELECT domain, icp_no, created_at FROM entity_icp_filings WHERE entity_id = ? ORDER BY domain");
	if (!st)
		return NULL;
	kf_stmt_bind_int(st, 1, entity_id);
	return kf_stmt_rows_json(st);
}
