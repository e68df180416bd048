/* SPDX-License-Identifier: Apache-2.0 */
/* SQL for host accounts, operator API keys and invitations. */
#include "store/hosts.h"

#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "store/db.h"

#define COPY(dst, src) snprintf((dst), sizeof(dst), "%s", (src) ? (src) : "")

enum kf_err kf_store_apikey_insert(struct kf_db *db, const char *name, const char *scope, const char *hash,
				   int64_t now, int64_t *id)
{
	struct kf_stmt *st = kf_db_prepare(
		db, "INSERT INTO operator_api_keys (name, scope, key_hash, created_at) VALUES (?, ?, ?, ?)");
	if (!st)
		return KF_EDB;
	kf_stmt_bind_text(st, 1, name);
	kf_stmt_bind_text(st, 2, scope);
	kf_stmt_bind_text(st, 3, hash);
	kf_stmt_bind_int(st, 4, now);
	if (kf_stmt_exec(st) != KF_OK)
		return KF_EDB;
	*id = kf_db_last_id(db);
	return KF_OK;
}

enum kf_err kf_store_apikey_auth(struct kf_db *db, const char *hash, int64_t *id, char *scope, size_t scope_len)
{
	struct kf_stmt *st = kf_db_prepare(
		db, "SELECT id, scope FROM operator_api_keys WHERE key_hash = ? AND revoked_at IS NULL");
	if (!st)
		return KF_EDB;
	kf_stmt_bind_text(st, 1, hash);
	enum kf_step s = kf_stmt_step(st);
	if (s == KF_STEP_ROW) {
		*id = kf_stmt_int(st, 0);
		snprintf(scope, scope_len, "%s", kf_stmt_text(st, 1));
	}
	kf_stmt_done(st);
	return s == KF_STEP_ROW ? KF_OK : s == KF_STEP_DONE ? KF_ENOTFOUND : KF_EDB;
}

enum kf_err kf_store_apikey_revoke(struct kf_db *db, int64_t id, int64_t now)
{
	struct kf_stmt *st = kf_db_prepare(
		db, "UPDATE operator_api_keys SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL");
	if (!st)
		return KF_EDB;
	kf_stmt_bind_int(st, 1, now);
	kf_stmt_bind_int(st, 2, id);
	if (kf_stmt_exec(st) != KF_OK)
		return KF_EDB;
	return kf_db_changes(db) ? KF_OK : KF_ENOTFOUND;
}

json_t *kf_store_apikeys_json(struct kf_db *db)
{
	struct kf_stmt *st = kf_db_prepare(
		db, "SELECT id, name, scope, created_at, revoked_at FROM operator_api_keys ORDER BY id");
	return st ? kf_stmt_rows_json(st) : NULL;
}

enum kf_err kf_store_host_insert(struct kf_db *db, int64_t org_id, const char *external_id, const char *kind,
				 int64_t owner, int64_t now, int64_t *id)
{
	struct kf_stmt *st = kf_db_prepare(
		db, "INSERT INTO host_accounts (org_id, external_id, kind, owner_user_id, created_at, updated_at)"
		    " VALUES (?, ?, ?, ?, ?, ?)");
	if (!st)
		return KF_EDB;
	kf_stmt_bind_int(st, 1, org_id);
	kf_stmt_bind_text(st, 2, external_id);
	kf_stmt_bind_text(st, 3, kind);
	kf_stmt_bind_int(st, 4, owner);
	kf_stmt_bind_int(st, 5, now);
	kf_stmt_bind_int(st, 6, now);
	if (kf_stmt_exec(st) != KF_OK)
		return kf_db_is_constraint_error(db) ? KF_ECONFLICT : KF_EDB;
	*id = kf_db_last_id(db);
	return KF_OK;
}

enum kf_err kf_store_host_get(struct kf_db *db, int64_t id, struct kf_host_row *out)
{
	struct kf_stmt *st = kf_db_prepare(
		db, "SELECT h.id, h.org_id, h.external_id, h.kind, o.name, h.owner_user_id, h.platform_test FROM host_accounts h"
		    " JOIN orgs o ON o.id = h.org_id WHERE h.id = ? AND h.deleted_at IS NULL");
	if (!st)
		return KF_EDB;
	kf_stmt_bind_int(st, 1, id);
	enum kf_step s = kf_stmt_step(st);
	if (s == KF_STEP_ROW) {
		out->id = kf_stmt_int(st, 0);
		out->org_id = kf_stmt_int(st, 1);
		COPY(out->external_id, kf_stmt_text(st, 2));
		COPY(out->kind, kf_stmt_text(st, 3));
		COPY(out->name, kf_stmt_text(st, 4));
		out->owner_user_id = kf_stmt_int(st, 5);
		out->platform_test = kf_stmt_int(st, 6) != 0;
	}
	kf_stmt_done(st);
	return s == KF_STEP_ROW ? KF_OK : s == KF_STEP_DONE ? KF_ENOTFOUND : KF_EDB;
}

enum kf_err kf_store_host_update(struct kf_db *db, int64_t id, const char *kind, int64_t owner, int64_t now)
{
	struct kf_stmt *st = kf_db_prepare(
		db, "UPDATE host_accounts SET kind = COALESCE(?, kind), owner_user_id = CASE WHEN ? > 0 THEN ?"
		    " ELSE owner_user_id END, updated_at = ? WHERE id = ?");
	if (!st)
		return KF_EDB;
	kf_stmt_bind_text(st, 1, kind);
	kf_stmt_bind_int(st, 2, owner);
	kf_stmt_bind_int(st, 3, owner);
	kf_stmt_bind_int(st, 4, now);
	kf_stmt_bind_int(st, 5, id);
	return kf_stmt_exec(st);
}

enum kf_err kf_store_host_delete(struct kf_db *db, int64_t id, int64_t now)
{
	/* The external id is freed for reuse; the row stays for the audit. */
	struct kf_stmt *st = kf_db_prepare(
		db, "UPDATE host_accounts SET deleted_at = ?, external_id = external_id || '#deleted-' || id"
		    " WHERE id = ? AND deleted_at IS NULL");
	if (!st)
		return KF_EDB;
	kf_stmt_bind_int(st, 1, now);
	kf_stmt_bind_int(st, 2, id);
	if (kf_stmt_exec(st) != KF_OK)
		return KF_EDB;
	return kf_db_changes(db) ? KF_OK : KF_ENOTFOUND;
}

#define HOST_COLS                                                                                        \
	"SELECT h.id, h.external_id, h.kind, o.name, u.email AS owner_email, u.status AS owner_status,"  \
	" h.created_at, h.updated_at FROM host_accounts h JOIN orgs o ON o.id = h.org_id"                 \
	" JOIN users u ON u.id = h.owner_user_id "

json_t *kf_store_host_json(struct kf_db *db, int64_t id)
{
	struct kf_stmt *st = kf_db_prepare(db, HOST_COLS "WHERE h.id = ? AND h.deleted_at IS NULL");
	if (!st)
		return NULL;
	kf_stmt_bind_int(st, 1, id);
	json_t *o = kf_stmt_step(st) == KF_STEP_ROW ? kf_stmt_row_json(st) : NULL;
	kf_stmt_done(st);
	return o;
}

json_t *kf_store_hosts_json(struct kf_db *db, const char *external_id, int64_t owner_user_id, int64_t after,
			    int limit, bool with_tests)
{
	struct kf_stmt *st = kf_db_prepare(
		db, HOST_COLS "WHERE h.deleted_at IS NULL AND (CAST(? AS TEXT) IS NULL OR h.external_id = ?)"
			      " AND (? = 0 OR h.owner_user_id = ?) AND h.id > ? AND (? OR h.platform_test = 0)"
			      " ORDER BY h.id LIMIT ?");
	if (!st)
		return NULL;
	kf_stmt_bind_text(st, 1, external_id);
	kf_stmt_bind_text(st, 2, external_id);
	kf_stmt_bind_int(st, 3, owner_user_id);
	kf_stmt_bind_int(st, 4, owner_user_id);
	kf_stmt_bind_int(st, 5, after);
	kf_stmt_bind_int(st, 6, with_tests);
	kf_stmt_bind_int(st, 7, limit);
	return kf_stmt_rows_json(st);
}

enum kf_err kf_store_user_invite(struct kf_db *db, const char *email, const char *name, int64_t now, int64_t *id)
{
	/* '!' is no argon2 string, so no password ever matches it. */
	struct kf_stmt *st = kf_db_prepare(
		db, "INSERT INTO users (email, mobile, name, password_hash, status, created_at, updated_at)"
		    " VALUES (?, NULL, ?, '!', 'invited', ?, ?)");
	if (!st)
		return KF_EDB;
	kf_stmt_bind_text(st, 1, email);
	kf_stmt_bind_text(st, 2, name);
	kf_stmt_bind_int(st, 3, now);
	kf_stmt_bind_int(st, 4, now);
	if (kf_stmt_exec(st) != KF_OK)
		return kf_db_is_constraint_error(db) ? KF_ECONFLICT : KF_EDB;
	*id = kf_db_last_id(db);
	return KF_OK;
}

enum kf_err kf_store_invitation_insert(struct kf_db *db, int64_t user_id, const char *hash, int64_t now,
				       int64_t expires_at)
{
	struct kf_stmt *st = kf_db_prepare(
		db, "INSERT INTO invitations (user_id, token_hash, expires_at, created_at) VALUES (?, ?, ?, ?)");
	if (!st)
		return KF_EDB;
	kf_stmt_bind_int(st, 1, user_id);
	kf_stmt_bind_text(st, 2, hash);
	kf_stmt_bind_int(st, 3, expires_at);
	kf_stmt_bind_int(st, 4, now);
	return kf_stmt_exec(st);
}

enum kf_err kf_store_invitation_peek(struct kf_db *db, const char *hash, int64_t now, int64_t *user_id)
{
	struct kf_stmt *st = kf_db_prepare(
		db, "SELECT user_id FROM invitations WHERE token_hash = ? AND used_at IS NULL AND expires_at > ?");
	if (!st)
		return KF_EDB;
	kf_stmt_bind_text(st, 1, hash);
	kf_stmt_bind_int(st, 2, now);
	enum kf_step s = kf_stmt_step(st);
	if (s == KF_STEP_ROW)
		*user_id = kf_stmt_int(st, 0);
	kf_stmt_done(st);
	return s == KF_STEP_ROW ? KF_OK : s == KF_STEP_DONE ? KF_ENOTFOUND : KF_EDB;
}

enum kf_err kf_store_invitation_use(struct kf_db *db, const char *hash, int64_t now, int64_t *user_id)
{
	struct kf_stmt *st = kf_db_prepare(
		db, "UPDATE invitations SET used_at = ? WHERE token_hash = ? AND used_at IS NULL AND expires_at > ?"
		    " RETURNING user_id");
	if (!st)
		return KF_EDB;
	kf_stmt_bind_int(st, 1, now);
	kf_stmt_bind_text(st, 2, hash);
	kf_stmt_bind_int(st, 3, now);
	enum kf_step s = kf_stmt_step(st);
	if (s == KF_STEP_ROW)
		*user_id = kf_stmt_int(st, 0);
	kf_stmt_done(st);
	return s == KF_STEP_ROW ? KF_OK : s == KF_STEP_DONE ? KF_ENOTFOUND : KF_EDB;
}

enum kf_err kf_store_user_activate(struct kf_db *db, int64_t id, const char *pw_hash, const char *mobile,
				   const char *name, int64_t now)
{
	struct kf_stmt *st = kf_db_prepare(
		db, "UPDATE users SET password_hash = ?, mobile = ?, name = COALESCE(?, name), status = 'active',"
		    " email_verified_at = COALESCE(email_verified_at, ?), updated_at = ? WHERE id = ? AND status = 'invited'");
	if (!st)
		return KF_EDB;
	kf_stmt_bind_text(st, 1, pw_hash);
	kf_stmt_bind_text(st, 2, mobile);
	kf_stmt_bind_text(st, 3, name);
	kf_stmt_bind_int(st, 4, now);
	kf_stmt_bind_int(st, 5, now);
	kf_stmt_bind_int(st, 6, id);
	if (kf_stmt_exec(st) != KF_OK)
		return kf_db_is_constraint_error(db) ? KF_ECONFLICT : KF_EDB;
	return kf_db_changes(db) ? KF_OK : KF_ENOTFOUND;
}
