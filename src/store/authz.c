/* SPDX-License-Identifier: Apache-2.0 */
/* SQL for authorizations (see authz.h). */
#include "store/authz.h"

#include <inttypes.h>
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "store/db.h"
#include "store/search.h"
#include "util/mem.h"

#define COPY(dst, src) snprintf((dst), sizeof(dst), "%s", (src) ? (src) : "")
#define AUTHZ_COLS "SELECT id, host_account, app, state, granted, pending, data_scope, created_at, updated_at, offered FROM authorizations "

/* The stored form of a set list: a JSON array of integer ids, "[3,7]"
 * (what jansson's JSON_COMPACT writes, so rows written before stay
 * byte-identical and the database stays readable by hand). */
#define SETS_TEXT_MAX (KF_AUTH_SETS_MAX * 21 + 3)

static void sets_text(const struct kf_auth_sets *s, char out[SETS_TEXT_MAX])
{
	size_t n = s ? s->n : 0, len = 0;
	out[len++] = '[';
	for (size_t i = 0; i < n && i < KF_AUTH_SETS_MAX; i++)
		len += (size_t)snprintf(out + len, SETS_TEXT_MAX - len, "%s%" PRId64, i ? "," : "", s->ids[i]);
	snprintf(out + len, SETS_TEXT_MAX - len, "]");
}

/* Stored text back to a set list. Anything but a JSON array of at most
 * KF_AUTH_SETS_MAX integers (NULL, garbage, an object, a string id, too
 * many ids) reads as no sets: a row we cannot read must not grant more
 * than it did, so the most restrictive reading wins (AUTH-1, DATA-1).
 * A repeated id is kept once (core's lists hold no duplicates). */
static void sets_parse(const char *text, struct kf_auth_sets *out)
{
	out->n = 0;
	json_t *a = text ? json_loads(text, 0, NULL) : NULL;
	if (!json_is_array(a) || json_array_size(a) > KF_AUTH_SETS_MAX)
		goto out;
	size_t i;
	json_t *v;
	json_array_foreach(a, i, v) {
		if (!json_is_integer(v)) {
			out->n = 0;
			goto out;
		}
		if (!kf_auth_sets_contains(out, json_integer_value(v)))
			out->ids[out->n++] = json_integer_value(v);
	}
out:
	json_decref(a);
}

/* One row of AUTHZ_COLS at the statement's current row. */
static void read_row(struct kf_stmt *st, struct kf_authz_row *out)
{
	memset(out, 0, sizeof(*out));
	out->id = kf_stmt_int(st, 0);
	out->host_account = kf_stmt_int(st, 1);
	out->app = kf_stmt_int(st, 2);
	out->state = KF_AUTH_STATE_NONE;
	(void)kf_auth_state_parse(kf_stmt_text(st, 3), &out->state);
	sets_parse(kf_stmt_text(st, 4), &out->granted);
	sets_parse(kf_stmt_text(st, 5), &out->pending);
	COPY(out->data_scope, kf_stmt_text(st, 6));
	out->created_at = kf_stmt_int(st, 7);
	out->updated_at = kf_stmt_int(st, 8);
	sets_parse(kf_stmt_text(st, 9), &out->offered);
}

static json_t *sets_json(const struct kf_auth_sets *s)
{
	json_t *a = json_array();
	for (size_t i = 0; i < s->n; i++)
		json_array_append_new(a, json_integer(s->ids[i]));
	return a;
}

static enum kf_err row(struct kf_stmt *st, struct kf_authz_row *out)
{
	enum kf_step s = kf_stmt_step(st);
	if (s == KF_STEP_ROW)
		read_row(st, out);
	kf_stmt_done(st);
	return s == KF_STEP_ROW ? KF_OK : s == KF_STEP_DONE ? KF_ENOTFOUND : KF_EDB;
}

enum kf_err kf_store_authz_get(struct kf_db *db, int64_t host_account, int64_t app, struct kf_authz_row *out)
{
	struct kf_stmt *st = kf_db_prepare(db, AUTHZ_COLS "WHERE host_account = ? AND app = ?");
	if (!st)
		return KF_EDB;
	kf_stmt_bind_int(st, 1, host_account);
	kf_stmt_bind_int(st, 2, app);
	return row(st, out);
}

enum kf_err kf_store_authz_by_id(struct kf_db *db, int64_t id, struct kf_authz_row *out)
{
	struct kf_stmt *st = kf_db_prepare(db, AUTHZ_COLS "WHERE id = ?");
	if (!st)
		return KF_EDB;
	kf_stmt_bind_int(st, 1, id);
	return row(st, out);
}

enum kf_err kf_store_authz_put(struct kf_db *db, int64_t host_account, int64_t app, const struct kf_auth_sets *granted_sets,
			       const struct kf_auth_sets *offered_sets, const char *data_scope, int64_t now, int64_t *id,
			       bool *created)
{
	char granted[SETS_TEXT_MAX], offered[SETS_TEXT_MAX];
	sets_text(granted_sets, granted);
	sets_text(offered_sets, offered);
	struct kf_authz_row cur;
	enum kf_err rc = kf_store_authz_get(db, host_account, app, &cur);
	if (rc == KF_EDB)
		return rc;
	struct kf_stmt *st;
	if (rc == KF_ENOTFOUND) {
		st = kf_db_prepare(db, "INSERT INTO authorizations (host_account, app, state, granted, data_scope, created_at,"
				       " updated_at, offered) VALUES (?, ?, 'active', ?, ?, ?, ?, ?)");
		if (!st)
			return KF_EDB;
		kf_stmt_bind_int(st, 1, host_account);
		kf_stmt_bind_int(st, 2, app);
		kf_stmt_bind_text(st, 3, granted);
		kf_stmt_bind_text(st, 4, data_scope);
		kf_stmt_bind_int(st, 5, now);
		kf_stmt_bind_int(st, 6, now);
		kf_stmt_bind_text(st, 7, offered);
		if (kf_stmt_exec(st) != KF_OK)
			return KF_EDB;
		*id = kf_db_last_id(db);
		*created = true;
		return kf_store_search_installs(db, app, host_account, 1); /* installs: active authorizations */
	}
	st = kf_db_prepare(db, "UPDATE authorizations SET state = 'active', granted = ?, pending = '[]', data_scope = ?,"
			       " updated_at = ?, revoked_at = NULL, offered = ? WHERE id = ?");
	if (!st)
		return KF_EDB;
	kf_stmt_bind_text(st, 1, granted);
	kf_stmt_bind_text(st, 2, data_scope);
	kf_stmt_bind_int(st, 3, now);
	kf_stmt_bind_text(st, 4, offered);
	kf_stmt_bind_int(st, 5, cur.id);
	if (kf_stmt_exec(st) != KF_OK)
		return KF_EDB;
	*id = cur.id;
	*created = !kf_auth_state_live(cur.state); /* a revoked one comes back as new */
	return *created ? kf_store_search_installs(db, app, host_account, 1) : KF_OK;
}

enum kf_err kf_store_authz_revoke(struct kf_db *db, int64_t id, int64_t now)
{
	struct kf_stmt *st = kf_db_prepare(
		db, "UPDATE authorizations SET state = 'revoked', revoked_at = ?, updated_at = ? WHERE id = ? AND state = 'active'");
	if (!st)
		return KF_EDB;
	kf_stmt_bind_int(st, 1, now);
	kf_stmt_bind_int(st, 2, now);
	kf_stmt_bind_int(st, 3, id);
	if (kf_stmt_exec(st) != KF_OK)
		return KF_EDB;
	if (!kf_db_changes(db))
		return KF_ENOTFOUND;
	st = kf_db_prepare(db, "SELECT app, host_account FROM authorizations WHERE id = ?");
	if (!st)
		return KF_EDB;
	kf_stmt_bind_int(st, 1, id);
	if (kf_stmt_first(st) != KF_OK)
		return KF_EDB;
	int64_t app = kf_stmt_int(st, 0), host = kf_stmt_int(st, 1);
	kf_stmt_done(st);
	return kf_store_search_installs(db, app, host, -1); /* installs: active authorizations */
}

enum kf_err kf_store_authz_history(struct kf_db *db, int64_t id, int64_t now, const char *action,
				   const struct kf_auth_sets *granted_sets, const char *actor)
{
	char granted[SETS_TEXT_MAX];
	sets_text(granted_sets, granted);
	struct kf_stmt *st = kf_db_prepare(
		db, "INSERT INTO authorization_history (authorization_id, at, action, granted, actor) VALUES (?, ?, ?, ?, ?)");
	if (!st)
		return KF_EDB;
	kf_stmt_bind_int(st, 1, id);
	kf_stmt_bind_int(st, 2, now);
	kf_stmt_bind_text(st, 3, action);
	kf_stmt_bind_text(st, 4, granted);
	kf_stmt_bind_text(st, 5, actor);
	return kf_stmt_exec(st);
}

enum kf_err kf_store_authz_log_of_host(struct kf_db *db, struct kf_arena *a, int64_t host_account, int64_t before,
				       int limit, struct kf_authz_log_row **out, size_t *n)
{
	*out = NULL;
	*n = 0;
	if (limit < 1)
		return KF_OK;
	struct kf_stmt *st = kf_db_prepare(
		db, "SELECT h.id, h.at, a.app_id, h.action, h.granted, h.actor FROM authorization_history h"
		    " JOIN authorizations z ON z.id = h.authorization_id JOIN apps a ON a.id = z.app"
		    " WHERE z.host_account = ? AND (? = 0 OR h.id < ?) ORDER BY h.id DESC LIMIT ?");
	if (!st)
		return KF_EDB;
	kf_stmt_bind_int(st, 1, host_account);
	kf_stmt_bind_int(st, 2, before);
	kf_stmt_bind_int(st, 3, before);
	kf_stmt_bind_int(st, 4, limit);
	struct kf_authz_log_row *v = kf_arena_alloc(a, (size_t)limit * sizeof(*v));
	size_t cnt = 0;
	enum kf_step s;
	while ((s = kf_stmt_step(st)) == KF_STEP_ROW && cnt < (size_t)limit) {
		struct kf_authz_log_row *row = &v[cnt++];
		row->id = kf_stmt_int(st, 0);
		row->at = kf_stmt_int(st, 1);
		row->app_id = kf_arena_strdup(a, kf_stmt_text(st, 2));
		row->action = kf_arena_strdup(a, kf_stmt_text(st, 3));
		sets_parse(kf_stmt_text(st, 4), &row->granted);
		row->actor = kf_arena_strdup(a, kf_stmt_text(st, 5));
	}
	kf_stmt_done(st);
	if (s == KF_STEP_ERROR)
		return KF_EDB;
	*out = v;
	*n = cnt;
	return KF_OK;
}

json_t *kf_store_authz_of_app(struct kf_db *db, int64_t app, int64_t offset, int64_t count, int64_t *total)
{
	struct kf_stmt *st = kf_db_prepare(db, "SELECT COUNT(*) FROM authorizations WHERE app = ? AND state = 'active'");
	if (!st)
		return NULL;
	kf_stmt_bind_int(st, 1, app);
	*total = kf_stmt_step(st) == KF_STEP_ROW ? kf_stmt_int(st, 0) : 0;
	kf_stmt_done(st);
	st = kf_db_prepare(db, "SELECT z.id, h.external_id, z.created_at, z.updated_at FROM authorizations z"
			       " JOIN host_accounts h ON h.id = z.host_account WHERE z.app = ? AND z.state = 'active'"
			       " ORDER BY z.id LIMIT ? OFFSET ?");
	if (!st)
		return NULL;
	kf_stmt_bind_int(st, 1, app);
	kf_stmt_bind_int(st, 2, count);
	kf_stmt_bind_int(st, 3, offset);
	return kf_stmt_rows_json(st);
}

enum kf_err kf_store_authz_live_of_host(struct kf_db *db, struct kf_arena *a, int64_t host_account,
					struct kf_authz_row **out, size_t *n)
{
	*out = NULL;
	*n = 0;
	struct kf_stmt *st = kf_db_prepare(db, AUTHZ_COLS "WHERE host_account = ? AND state = 'active' ORDER BY id");
	if (!st)
		return KF_EDB;
	kf_stmt_bind_int(st, 1, host_account);
	size_t cap = 4;
	struct kf_authz_row *rows = kf_arena_alloc(a, cap * sizeof(*rows));
	enum kf_step s;
	while ((s = kf_stmt_step(st)) == KF_STEP_ROW) {
		if (*n == cap) {
			struct kf_authz_row *bigger = kf_arena_alloc(a, 2 * cap * sizeof(*rows));
			memcpy(bigger, rows, cap * sizeof(*rows));
			rows = bigger;
			cap *= 2;
		}
		read_row(st, &rows[(*n)++]);
	}
	kf_stmt_done(st);
	if (s == KF_STEP_ERROR) {
		*n = 0;
		return KF_EDB;
	}
	*out = rows;
	return KF_OK;
}

json_t *kf_store_authz_of_host(struct kf_db *db, int64_t host_account)
{
	struct kf_stmt *st = kf_db_prepare(
		db, kf_db_dialect(db,
				  "SELECT a.app_id, json_extract(c.config, '$.name') AS app_name, z.state, z.granted,"
				  " z.pending, z.data_scope, z.created_at, z.updated_at FROM authorizations z"
				  " JOIN apps a ON a.id = z.app LEFT JOIN app_configs c ON c.id = a.live_config_id"
				  " WHERE z.host_account = ? ORDER BY z.id",
				  "SELECT a.app_id, CAST(c.config AS jsonb) ->> 'name' AS app_name, z.state, z.granted,"
				  " z.pending, z.data_scope, z.created_at, z.updated_at FROM authorizations z"
				  " JOIN apps a ON a.id = z.app LEFT JOIN app_configs c ON c.id = a.live_config_id"
				  " WHERE z.host_account = ? ORDER BY z.id"));
	if (!st)
		return NULL;
	kf_stmt_bind_int(st, 1, host_account);
	json_t *arr = json_array();
	enum kf_step s;
	while ((s = kf_stmt_step(st)) == KF_STEP_ROW) {
		json_t *o = kf_stmt_row_json(st);
		struct kf_auth_sets granted, pending;
		sets_parse(kf_stmt_text(st, 3), &granted);
		sets_parse(kf_stmt_text(st, 4), &pending);
		json_t *scope = json_loads(kf_stmt_text(st, 5), 0, NULL);
		json_object_set_new(o, "granted", sets_json(&granted));
		json_object_set_new(o, "pending", sets_json(&pending));
		json_object_set_new(o, "data_scope", scope ? scope : json_null());
		json_array_append_new(arr, o);
	}
	kf_stmt_done(st);
	if (s == KF_STEP_ERROR) {
		json_decref(arr);
		return NULL;
	}
	return arr;
}

enum kf_err kf_store_authz_option_get(struct kf_db *db, int64_t id, const char *name, char *value, size_t len)
{
	struct kf_stmt *st = kf_db_prepare(db, "SELECT value FROM authorizer_options WHERE authorization_id = ? AND name = ?");
	if (!st)
		return KF_EDB;
	kf_stmt_bind_int(st, 1, id);
	kf_stmt_bind_text(st, 2, name);
	enum kf_step s = kf_stmt_step(st);
	snprintf(value, len, "%s", s == KF_STEP_ROW ? kf_stmt_text(st, 0) : "0");
	kf_stmt_done(st);
	return s == KF_STEP_ERROR ? KF_EDB : KF_OK;
}

enum kf_err kf_store_authz_option_set(struct kf_db *db, int64_t id, const char *name, const char *value)
{
	struct kf_stmt *st = kf_db_prepare(
		db, "INSERT INTO authorizer_options (authorization_id, name, value) VALUES (?, ?, ?)"
		    " ON CONFLICT (authorization_id, name) DO UPDATE SET value = excluded.value");
	if (!st)
		return KF_EDB;
	kf_stmt_bind_int(st, 1, id);
	kf_stmt_bind_text(st, 2, name);
	kf_stmt_bind_text(st, 3, value);
	return kf_stmt_exec(st);
}
