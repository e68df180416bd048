/* SPDX-License-Identifier: Apache-2.0 */
/* SQL for authorizations (see authz.h). */
#include "store/authz.h"

#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "store/db.h"

#define COPY(dst, src) snprintf((dst), sizeof(dst), "%s", (src) ? (src) : "")
#define AUTHZ_COLS "SELECT id, host_account, app, state, granted, pending, data_scope, created_at, updated_at, offered FROM authorizations "

static enum kf_err row(struct kf_stmt *st, struct kf_authz_row *out)
{
	enum kf_step s = kf_stmt_step(st);
	if (s == KF_STEP_ROW) {
		out->id = kf_stmt_int(st, 0);
		out->host_account = kf_stmt_int(st, 1);
		out->app = kf_stmt_int(st, 2);
		out->state = KF_AUTH_STATE_NONE;
		(void)kf_auth_state_parse(kf_stmt_text(st, 3), &out->state);
		COPY(out->granted, kf_stmt_text(st, 4));
		COPY(out->pending, kf_stmt_text(st, 5));
		COPY(out->data_scope, kf_stmt_text(st, 6));
		out->created_at = kf_stmt_int(st, 7);
		out->updated_at = kf_stmt_int(st, 8);
		COPY(out->offered, kf_stmt_text(st, 9));
	}
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

enum kf_err kf_store_authz_put(struct kf_db *db, int64_t host_account, int64_t app, const char *granted,
			       const char *offered, const char *data_scope, int64_t now, int64_t *id, bool *created)
{
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
		return KF_OK;
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
	return KF_OK;
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
	return kf_db_changes(db) ? KF_OK : KF_ENOTFOUND;
}

enum kf_err kf_store_authz_history(struct kf_db *db, int64_t id, int64_t now, const char *action, const char *granted,
				   const char *actor)
{
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

json_t *kf_store_authz_live_of_host(struct kf_db *db, int64_t host_account)
{
	struct kf_stmt *st = kf_db_prepare(db, "SELECT id, app, state, granted FROM authorizations"
					       " WHERE host_account = ? AND state = 'active' ORDER BY id");
	if (!st)
		return NULL;
	kf_stmt_bind_int(st, 1, host_account);
	return kf_stmt_rows_json(st);
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
		for (int c = 3; c <= 5; c++) {
			json_t *v = json_loads(kf_stmt_text(st, c), 0, NULL);
			static const char *const names[] = {"granted", "pending", "data_scope"};
			json_object_set_new(o, names[c - 3], v ? v : json_null());
		}
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
