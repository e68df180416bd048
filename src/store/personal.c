/* SPDX-License-Identifier: Apache-2.0 */
/* SQL of one person's own data: export and account deletion (personal.h). */
#include "store/personal.h"

#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "store/db.h"
#include "store/providers.h"

/* The rows of sql (one parameter: the user id) as an array, into o[key]. */
static bool section(struct kf_db *db, json_t *o, const char *key, const char *sql, int64_t user_id)
{
	struct kf_stmt *st = kf_db_prepare(db, sql);
	if (!st)
		return false;
	kf_stmt_bind_int(st, 1, user_id);
	json_t *rows = kf_stmt_rows_json(st);
	if (!rows)
		return false;
	json_object_set_new(o, key, rows);
	return true;
}

json_t *kf_store_user_export_json(struct kf_db *db, int64_t user_id)
{
	struct kf_stmt *st = kf_db_prepare(
		db, "SELECT id, email, mobile, name, language, status, email_verified_at, created_at, updated_at"
		    " FROM users WHERE id = ?");
	if (!st)
		return NULL;
	kf_stmt_bind_int(st, 1, user_id);
	if (kf_stmt_first(st) != KF_OK)
		return NULL;
	json_t *user = kf_stmt_row_json(st);
	kf_stmt_done(st);
	json_t *o = json_pack("{s:o}", "user", user);
	json_t *members = kf_store_memberships_json(db, user_id);
	if (!members)
		goto fail;
	json_object_set_new(o, "memberships", members);
	/* Secrets never leave: no password hash, no token hashes. */
	char subject[32];
	snprintf(subject, sizeof(subject), "user:%lld", (long long)user_id);
	if (!section(db, o, "agreement_consents",
		     "SELECT agreement_key AS key, version, consented_at FROM consents WHERE user_id = ?"
		     " ORDER BY consented_at, agreement_key, version",
		     user_id) ||
	    !section(db, o, "sessions",
		     "SELECT id, created_at, expires_at, revoked_at, last_used_at, address, user_agent FROM sessions"
		     " WHERE user_id = ? ORDER BY id",
		     user_id) ||
	    !section(db, o, "api_tokens",
		     "SELECT id, name, created_at, expires_at, last_used_at, revoked_at FROM api_tokens"
		     " WHERE user_id = ? ORDER BY id",
		     user_id) ||
	    !section(db, o, "inbox",
		     "SELECT id, org_id, kind, title, body, created_at, read_at FROM notifications"
		     " WHERE user_id = ? ORDER BY id",
		     user_id) ||
	    !section(db, o, "files",
		     "SELECT id, name, content_type, size, sha256, created_at FROM files WHERE owner_user_id = ?"
		     " ORDER BY id",
		     user_id) ||
	    !section(db, o, "host_accounts",
		     "SELECT h.id, h.external_id, h.kind, o.name, h.created_at, h.deleted_at FROM host_accounts h"
		     " JOIN orgs o ON o.id = h.org_id WHERE h.owner_user_id = ? ORDER BY h.id",
		     user_id))
		goto fail;
	/* what the audit log records the person did or had done to them */
	st = kf_db_prepare(db, "SELECT at, actor, action, subject FROM audit_log WHERE actor = ? OR subject = ?"
			       " ORDER BY id LIMIT 10000");
	if (!st)
		goto fail;
	kf_stmt_bind_text(st, 1, subject);
	kf_stmt_bind_text(st, 2, subject);
	json_t *audit = kf_stmt_rows_json(st);
	if (!audit)
		goto fail;
	json_object_set_new(o, "activity", audit);
	return o;
fail:
	json_decref(o);
	return NULL;
}

/* One integer of sql with the user id bound to each of its n parameters. */
static enum kf_err count(struct kf_db *db, const char *sql, int64_t user_id, int n, int *out)
{
	struct kf_stmt *st = kf_db_prepare(db, sql);
	if (!st)
		return KF_EDB;
	for (int i = 1; i <= n; i++)
		kf_stmt_bind_int(st, i, user_id);
	if (kf_stmt_first(st) != KF_OK)
		return KF_EDB;
	*out = (int)kf_stmt_int(st, 0);
	kf_stmt_done(st);
	return KF_OK;
}

enum kf_err kf_store_user_deletion_facts(struct kf_db *db, int64_t user_id, struct kf_account_deletion_facts *out)
{
	memset(out, 0, sizeof(*out));
	struct kf_stmt *st = kf_db_prepare(db, "SELECT status FROM users WHERE id = ?");
	if (!st)
		return KF_EDB;
	kf_stmt_bind_int(st, 1, user_id);
	enum kf_err rc = kf_stmt_first(st);
	if (rc != KF_OK)
		return rc;
	if (!kf_user_status_parse(kf_stmt_text(st, 0), &out->status))
		out->status = KF_USER_DISABLED;
	kf_stmt_done(st);
	int staff = 0;
	if (count(db,
		  "SELECT COUNT(*) FROM memberships m JOIN orgs o ON o.id = m.org_id WHERE m.user_id = ?"
		  " AND o.kind = 'provider' AND m.role = 'owner' AND o.state NOT IN ('cancelled', 'purged')",
		  user_id, 1, &out->providers_owned) != KF_OK ||
	    count(db, "SELECT COUNT(*) FROM host_accounts WHERE owner_user_id = ? AND deleted_at IS NULL", user_id, 1,
		  &out->host_accounts_owned) != KF_OK ||
	    count(db,
		  "SELECT COUNT(*) FROM memberships m JOIN orgs o ON o.id = m.org_id WHERE m.user_id = ?"
		  " AND o.kind = 'operator'",
		  user_id, 1, &staff) != KF_OK)
		return KF_EDB;
	out->operator_staff = staff > 0;
	return KF_OK;
}

int kf_store_user_delete(struct kf_db *db, int64_t user_id, int64_t now, int64_t purge_at)
{
	struct kf_stmt *st = kf_db_prepare(db, "UPDATE users SET status = 'deleted', deleted_at = ?, purge_at = ?,"
					       " updated_at = ? WHERE id = ? AND status = 'active'");
	if (!st)
		return -1;
	kf_stmt_bind_int(st, 1, now);
	kf_stmt_bind_int(st, 2, purge_at);
	kf_stmt_bind_int(st, 3, now);
	kf_stmt_bind_int(st, 4, user_id);
	if (kf_stmt_exec(st) != KF_OK || kf_db_changes(db) != 1)
		return -1;
	st = kf_db_prepare(db, "UPDATE sessions SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL");
	if (!st)
		return -1;
	kf_stmt_bind_int(st, 1, now);
	kf_stmt_bind_int(st, 2, user_id);
	if (kf_stmt_exec(st) != KF_OK)
		return -1;
	int ended = kf_db_changes(db);
	st = kf_db_prepare(db, "UPDATE api_tokens SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL");
	if (!st)
		return -1;
	kf_stmt_bind_int(st, 1, now);
	kf_stmt_bind_int(st, 2, user_id);
	if (kf_stmt_exec(st) != KF_OK)
		return -1;
	/* a member leaves the providers; an owner was refused before this */
	st = kf_db_prepare(db, "DELETE FROM memberships WHERE user_id = ? AND org_id IN"
			       " (SELECT id FROM orgs WHERE kind = 'provider')");
	if (!st)
		return -1;
	kf_stmt_bind_int(st, 1, user_id);
	if (kf_stmt_exec(st) != KF_OK)
		return -1;
	return ended;
}

int kf_store_user_purge_one(struct kf_db *db, int64_t now, int64_t *user_id)
{
	struct kf_stmt *st = kf_db_prepare(db, "SELECT id, email FROM users WHERE status = 'deleted' AND purge_at <= ?"
					       " ORDER BY purge_at, id LIMIT 1");
	if (!st)
		return -1;
	kf_stmt_bind_int(st, 1, now);
	enum kf_err rc = kf_stmt_first(st);
	if (rc == KF_ENOTFOUND)
		return 0;
	if (rc != KF_OK)
		return -1;
	*user_id = kf_stmt_int(st, 0);
	char email[256], counter[300], gone[64];
	snprintf(email, sizeof(email), "%s", kf_stmt_text(st, 1) ? kf_stmt_text(st, 1) : "");
	kf_stmt_done(st);
	snprintf(counter, sizeof(counter), "u:%s", email);
	/* unique, and no address anyone can receive mail at (RFC 2606) */
	snprintf(gone, sizeof(gone), "deleted-%lld@deleted.invalid", (long long)*user_id);
	static const char *const by_user[] = {
		"DELETE FROM sessions WHERE user_id = ?",
		"DELETE FROM api_tokens WHERE user_id = ?",
		"DELETE FROM email_codes WHERE user_id = ?",
		"DELETE FROM password_resets WHERE user_id = ?",
		"DELETE FROM second_factors WHERE user_id = ?",
		"DELETE FROM recovery_codes WHERE user_id = ?",
		"DELETE FROM signin_challenges WHERE user_id = ?",
		"DELETE FROM invitations WHERE user_id = ?",
		"DELETE FROM notifications WHERE user_id = ?",
		"DELETE FROM idempotency_keys WHERE user_id = ?",
	};
	for (size_t i = 0; i < sizeof(by_user) / sizeof(by_user[0]); i++) {
		st = kf_db_prepare(db, by_user[i]);
		if (!st)
			return -1;
		kf_stmt_bind_int(st, 1, *user_id);
		if (kf_stmt_exec(st) != KF_OK)
			return -1;
	}
	static const char *const by_text[] = {
		"DELETE FROM emails WHERE to_addr = ?",
		"DELETE FROM login_failures WHERE key = ?",
	};
	const char *vals[] = {email, counter};
	for (size_t i = 0; i < sizeof(by_text) / sizeof(by_text[0]); i++) {
		st = kf_db_prepare(db, by_text[i]);
		if (!st)
			return -1;
		kf_stmt_bind_text(st, 1, vals[i]);
		if (kf_stmt_exec(st) != KF_OK)
			return -1;
	}
	st = kf_db_prepare(db, "UPDATE users SET email = ?, mobile = NULL, name = '', password_hash = '',"
			       " email_verified_at = NULL, language = 'en', status = 'anonymised', purge_at = NULL,"
			       " updated_at = ? WHERE id = ?");
	if (!st)
		return -1;
	kf_stmt_bind_text(st, 1, gone);
	kf_stmt_bind_int(st, 2, now);
	kf_stmt_bind_int(st, 3, *user_id);
	return kf_stmt_exec(st) == KF_OK ? 1 : -1;
}
