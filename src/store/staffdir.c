/* SPDX-License-Identifier: Apache-2.0 */
/* SQL for the staff's provider and app pages (store/staffdir.h). */
#include "store/staffdir.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/db.h"

/* A LIKE pattern "%q%" with q lowered (ASCII) and %, _ and the escape
 * character ! escaped; the statements say ESCAPE '!'. Caller frees. */
static char *like_pattern(const char *q)
{
	size_t n = strlen(q);
	char *p = malloc(2 * n + 3);
	if (!p)
		abort();
	char *w = p;
	*w++ = '%';
	for (const char *s = q; *s; s++) {
		char ch = *s;
		if (ch == '%' || ch == '_' || ch == '!')
			*w++ = '!';
		*w++ = (ch >= 'A' && ch <= 'Z') ? (char)(ch - 'A' + 'a') : ch;
	}
	*w++ = '%';
	*w = '\0';
	return p;
}

json_t *kf_store_provider_search_json(struct kf_db *db, int64_t user_id, bool all, const char *q, int64_t after,
				      int limit)
{
	struct kf_stmt *st = kf_db_prepare(
		db,
		"SELECT o.id, o.kind, o.name, o.state, o.contact_name, o.contact_email, o.contact_phone, o.address,"
		" o.bound_until, o.cancelled_at, o.purge_at, o.created_at, o.updated_at, e.legal_name AS entity_name,"
		" e.kind AS entity_kind, e.certified_at AS entity_certified_at, e.licence_no AS licence_no, m.role AS role"
		" FROM orgs o LEFT JOIN entities e ON e.id = o.entity_id"
		" LEFT JOIN memberships m ON m.org_id = o.id AND m.user_id = ?1"
		" WHERE o.kind = 'provider' AND (?2 = 1 OR m.user_id IS NOT NULL) AND o.id > ?3"
		" AND (LOWER(o.name) LIKE ?4 ESCAPE '!'"
		"  OR LOWER(COALESCE(e.legal_name, '')) LIKE ?4 ESCAPE '!'"
		"  OR LOWER(COALESCE(e.licence_no, '')) LIKE ?4 ESCAPE '!'"
		"  OR EXISTS (SELECT 1 FROM provider_applications pa WHERE pa.org_id = o.id"
		"   AND (LOWER(pa.legal_name) LIKE ?4 ESCAPE '!' OR LOWER(pa.licence_no) LIKE ?4 ESCAPE '!'))"
		"  OR EXISTS (SELECT 1 FROM memberships mm JOIN users u ON u.id = mm.user_id"
		"   WHERE mm.org_id = o.id AND LOWER(u.email) LIKE ?4 ESCAPE '!'))"
		" ORDER BY o.id LIMIT ?5");
	if (!st)
		return NULL;
	char *pat = like_pattern(q);
	kf_stmt_bind_int(st, 1, user_id);
	kf_stmt_bind_int(st, 2, all ? 1 : 0);
	kf_stmt_bind_int(st, 3, after);
	kf_stmt_bind_text(st, 4, pat);
	kf_stmt_bind_int(st, 5, limit);
	json_t *rows = kf_stmt_rows_json(st);
	free(pat);
	return rows;
}

/* ASCII-lowered copy. Caller frees. */
static char *lower_dup(const char *s)
{
	char *d = strdup(s ? s : "");
	if (!d)
		abort();
	for (char *p = d; *p; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
	return d;
}

static bool contains_ci(const char *hay, const char *lq)
{
	char *h = lower_dup(hay);
	bool in = strstr(h, lq) != NULL;
	free(h);
	return in;
}

enum kf_err kf_store_staff_apps(struct kf_db *db, const char *q, int64_t provider_id, const char *state,
				int64_t after_id, int limit, json_t **items, int64_t *last)
{
	/* The name lives in the configuration JSON: the SQL keeps the rows
	 * whose configuration text holds q at all, C keeps those whose name
	 * does (or whose app_id or provider name matched). */
	*items = NULL;
	*last = 0;
	struct kf_stmt *st = kf_db_prepare(
		db, "SELECT a.id, a.app_id, a.provider_id, o.name AS provider_name, a.state, a.audience,"
		    " a.created_at, a.updated_at, c.config AS config, d.config AS live_config"
		    " FROM apps a JOIN orgs o ON o.id = a.provider_id"
		    " LEFT JOIN app_configs c ON c.id = a.draft_config_id"
		    " LEFT JOIN app_configs d ON d.id = a.live_config_id"
		    " WHERE a.deleted_at IS NULL AND (CAST(?1 AS BIGINT) = 0 OR a.id < ?1)"
		    " AND (CAST(?2 AS BIGINT) = 0 OR a.provider_id = ?2)"
		    " AND (CAST(?3 AS TEXT) IS NULL OR a.state = ?3)"
		    " AND (CAST(?4 AS TEXT) IS NULL OR LOWER(a.app_id) LIKE ?4 ESCAPE '!'"
		    "  OR LOWER(o.name) LIKE ?4 ESCAPE '!' OR LOWER(COALESCE(c.config, '')) LIKE ?4 ESCAPE '!'"
		    "  OR LOWER(COALESCE(d.config, '')) LIKE ?4 ESCAPE '!')"
		    " ORDER BY a.id DESC LIMIT ?5");
	if (!st)
		return KF_EDB;
	char *pat = q ? like_pattern(q) : NULL;
	char *lq = q ? lower_dup(q) : NULL;
	kf_stmt_bind_int(st, 1, after_id);
	kf_stmt_bind_int(st, 2, provider_id);
	kf_stmt_bind_text(st, 3, state);
	kf_stmt_bind_text(st, 4, pat);
	kf_stmt_bind_int(st, 5, limit);
	json_t *out = json_array();
	int scanned = 0;
	int64_t last_id = 0;
	enum kf_step s;
	while ((s = kf_stmt_step(st)) == KF_STEP_ROW) {
		json_t *row = kf_stmt_row_json(st);
		scanned++;
		last_id = json_integer_value(json_object_get(row, "id"));
		const char *draft = json_string_value(json_object_get(row, "config"));
		const char *live = json_string_value(json_object_get(row, "live_config"));
		json_t *cfg = json_loads(draft ? draft : live ? live : "{}", 0, NULL);
		const char *name = json_string_value(json_object_get(cfg, "name"));
		json_t *live_cfg = draft && live ? json_loads(live, 0, NULL) : NULL;
		const char *live_name = json_string_value(json_object_get(live_cfg, "name"));
		bool keep = !lq || contains_ci(json_string_value(json_object_get(row, "app_id")), lq) ||
			    contains_ci(json_string_value(json_object_get(row, "provider_name")), lq) ||
			    (name && contains_ci(name, lq)) || (live_name && contains_ci(live_name, lq));
		json_object_set_new(row, "name", name ? json_string(name) : json_null());
		json_object_del(row, "config");
		json_object_del(row, "live_config");
		json_decref(cfg);
		json_decref(live_cfg);
		if (keep)
			json_array_append_new(out, row);
		else
			json_decref(row);
	}
	kf_stmt_done(st);
	free(pat);
	free(lq);
	if (s == KF_STEP_ERROR) {
		json_decref(out);
		return KF_EDB;
	}
	*items = out;
	*last = scanned == limit ? last_id : 0;
	return KF_OK;
}

json_t *kf_store_org_reviews_json(struct kf_db *db, int64_t org_id, int limit)
{
	struct kf_stmt *st = kf_db_prepare(
		db, "SELECT id, kind, subject_type, subject_id, state, submitted_at, due_at, decided_at FROM reviews"
		    " WHERE org_id = ? ORDER BY id DESC LIMIT ?");
	if (!st)
		return NULL;
	kf_stmt_bind_int(st, 1, org_id);
	kf_stmt_bind_int(st, 2, limit);
	return kf_stmt_rows_json(st);
}

json_t *kf_store_org_notices_json(struct kf_db *db, int64_t org_id, int limit)
{
	struct kf_stmt *st = kf_db_prepare(
		db, "SELECT kind, title, body, created_at, COUNT(*) AS recipients FROM notifications"
		    " WHERE org_id = ? GROUP BY kind, title, body, created_at ORDER BY created_at DESC, kind LIMIT ?");
	if (!st)
		return NULL;
	kf_stmt_bind_int(st, 1, org_id);
	kf_stmt_bind_int(st, 2, limit);
	return kf_stmt_rows_json(st);
}

enum kf_err kf_store_org_mark_ban(struct kf_db *db, int64_t id, const char *from, int64_t at)
{
	struct kf_stmt *st = kf_db_prepare(db, "UPDATE orgs SET banned_from = ?, banned_at = ? WHERE id = ?");
	if (!st)
		return KF_EDB;
	kf_stmt_bind_text(st, 1, from);
	if (at)
		kf_stmt_bind_int(st, 2, at);
	else
		kf_stmt_bind_null(st, 2);
	kf_stmt_bind_int(st, 3, id);
	return kf_stmt_exec(st) == KF_OK ? KF_OK : KF_EDB;
}

enum kf_err kf_store_org_ban_get(struct kf_db *db, int64_t id, char from[32], int64_t *at)
{
	from[0] = '\0';
	*at = 0;
	struct kf_stmt *st = kf_db_prepare(db, "SELECT banned_from, banned_at FROM orgs WHERE id = ?");
	if (!st)
		return KF_EDB;
	kf_stmt_bind_int(st, 1, id);
	enum kf_err rc = kf_stmt_first(st);
	if (rc != KF_OK)
		return rc;
	if (!kf_stmt_is_null(st, 0))
		snprintf(from, 32, "%s", kf_stmt_text(st, 0));
	if (!kf_stmt_is_null(st, 1))
		*at = kf_stmt_int(st, 1);
	kf_stmt_done(st);
	return KF_OK;
}

json_t *kf_store_ban_suspended_apps(struct kf_db *db, int64_t provider_id, int64_t at)
{
	struct kf_stmt *st = kf_db_prepare(
		db, "SELECT id, app_id FROM apps WHERE provider_id = ? AND state = 'suspended' AND deleted_at IS NULL"
		    " AND suspension_rule = 'GOV-7' AND suspended_at = ? ORDER BY id");
	if (!st)
		return NULL;
	kf_stmt_bind_int(st, 1, provider_id);
	kf_stmt_bind_int(st, 2, at);
	return kf_stmt_rows_json(st);
}

json_t *kf_store_app_history_json(struct kf_db *db, int64_t app, const char *app_id, int limit)
{
	char subject[64];
	snprintf(subject, sizeof(subject), "app:%s", app_id);
	struct kf_stmt *st = kf_db_prepare(
		db, "SELECT l.at, l.action, l.actor, u.email AS actor_email, r.kind AS review_kind FROM audit_log l"
		    " LEFT JOIN users u ON l.actor = 'user:' || CAST(u.id AS TEXT)"
		    " LEFT JOIN reviews r ON r.subject_type = 'app' AND r.subject_id = ?1"
		    "  AND l.subject = 'review:' || CAST(r.id AS TEXT)"
		    " WHERE l.subject = ?2 OR l.subject IN (SELECT 'review:' || CAST(id AS TEXT) FROM reviews"
		    "  WHERE subject_type = 'app' AND subject_id = ?1)"
		    " ORDER BY l.id DESC LIMIT ?3");
	if (!st)
		return NULL;
	kf_stmt_bind_int(st, 1, app);
	kf_stmt_bind_text(st, 2, subject);
	kf_stmt_bind_int(st, 3, limit);
	return kf_stmt_rows_json(st);
}

json_t *kf_store_app_authz_counts(struct kf_db *db, int64_t app)
{
	struct kf_stmt *st = kf_db_prepare(
		db, "SELECT COALESCE(SUM(CASE WHEN state = 'active' THEN 1 ELSE 0 END), 0) AS active,"
		    " COALESCE(SUM(CASE WHEN state = 'active' THEN 0 ELSE 1 END), 0) AS revoked"
		    " FROM authorizations WHERE app = ?");
	if (!st)
		return NULL;
	kf_stmt_bind_int(st, 1, app);
	if (kf_stmt_first(st) != KF_OK)
		return NULL;
	json_t *o = json_pack("{s:I, s:I}", "active", (json_int_t)kf_stmt_int(st, 0), "revoked",
			      (json_int_t)kf_stmt_int(st, 1));
	kf_stmt_done(st);
	return o;
}

json_t *kf_store_app_delivery_health(struct kf_db *db, int64_t app, int64_t since)
{
	json_t *by = json_object();
	json_t *o = json_pack("{s:I, s:o}", "since", (json_int_t)since, "by_state", by);
	struct kf_stmt *st = kf_db_prepare(
		db, "SELECT state, COUNT(*) FROM outbox WHERE app = ? AND created_at >= ? GROUP BY state ORDER BY state");
	if (!st)
		goto fail;
	kf_stmt_bind_int(st, 1, app);
	kf_stmt_bind_int(st, 2, since);
	enum kf_step s;
	while ((s = kf_stmt_step(st)) == KF_STEP_ROW)
		json_object_set_new(by, kf_stmt_text(st, 0), json_integer(kf_stmt_int(st, 1)));
	kf_stmt_done(st);
	if (s == KF_STEP_ERROR)
		goto fail;
	st = kf_db_prepare(db, "SELECT COUNT(*) FROM outbox WHERE app = ? AND state = 'dead'");
	if (!st)
		goto fail;
	kf_stmt_bind_int(st, 1, app);
	if (kf_stmt_first(st) != KF_OK)
		goto fail;
	json_object_set_new(o, "dead", json_integer(kf_stmt_int(st, 0)));
	kf_stmt_done(st);
	st = kf_db_prepare(db, "SELECT MIN(created_at) FROM outbox WHERE app = ? AND state = 'pending'");
	if (!st)
		goto fail;
	kf_stmt_bind_int(st, 1, app);
	if (kf_stmt_first(st) != KF_OK)
		goto fail;
	json_object_set_new(o, "oldest_pending_at",
			    kf_stmt_is_null(st, 0) ? json_null() : json_integer(kf_stmt_int(st, 0)));
	kf_stmt_done(st);
	return o;
fail:
	json_decref(o);
	return NULL;
}
