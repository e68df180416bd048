/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The second factor's rows. Single use holds in SQL, not in a read-then-
 * write: a step is recorded only when it is later than the stored one, a
 * recovery code or a challenge is used only while unused, so two requests
 * racing with one code cannot both succeed.
 */
#include "store/secondfactor.h"

#include <stdio.h>
#include <string.h>

#include "store/db.h"

enum kf_err kf_store_second_factor_get(struct kf_db *db, int64_t user, struct kf_second_factor_row *out)
{
	struct kf_stmt *st = kf_db_prepare(
		db, "SELECT secret, created_at, COALESCE(confirmed_at, 0), last_step FROM second_factors WHERE user_id = ?");
	if (!st)
		return KF_EDB;
	kf_stmt_bind_int(st, 1, user);
	enum kf_err rc = kf_stmt_first(st);
	if (rc != KF_OK)
		return rc;
	memset(out, 0, sizeof(*out));
	snprintf(out->secret, sizeof(out->secret), "%s", kf_stmt_text(st, 0) ? kf_stmt_text(st, 0) : "");
	out->created_at = kf_stmt_int(st, 1);
	out->confirmed_at = kf_stmt_int(st, 2);
	out->last_step = kf_stmt_int(st, 3);
	kf_stmt_done(st);
	return KF_OK;
}

enum kf_err kf_store_second_factor_start(struct kf_db *db, int64_t user, const char *secret, int64_t now)
{
	struct kf_stmt *st = kf_db_prepare(
		db, "INSERT INTO second_factors (user_id, secret, created_at, confirmed_at, last_step) VALUES (?, ?, ?, NULL, 0)"
		    " ON CONFLICT (user_id) DO UPDATE SET secret = excluded.secret, created_at = excluded.created_at,"
		    " confirmed_at = NULL, last_step = 0");
	if (!st)
		return KF_EDB;
	kf_stmt_bind_int(st, 1, user);
	kf_stmt_bind_text(st, 2, secret);
	kf_stmt_bind_int(st, 3, now);
	return kf_stmt_exec(st);
}

enum kf_err kf_store_second_factor_confirm(struct kf_db *db, int64_t user, int64_t now, int64_t step,
					   const char *const *code_hashes, int n)
{
	struct kf_stmt *st = kf_db_prepare(db, "UPDATE second_factors SET confirmed_at = ?, last_step = ?"
					       " WHERE user_id = ? AND confirmed_at IS NULL");
	if (!st)
		return KF_EDB;
	kf_stmt_bind_int(st, 1, now);
	kf_stmt_bind_int(st, 2, step);
	kf_stmt_bind_int(st, 3, user);
	if (kf_stmt_exec(st) != KF_OK)
		return KF_EDB;
	if (kf_db_changes(db) != 1)
		return KF_ECONFLICT;
	st = kf_db_prepare(db, "DELETE FROM recovery_codes WHERE user_id = ?");
	if (!st)
		return KF_EDB;
	kf_stmt_bind_int(st, 1, user);
	if (kf_stmt_exec(st) != KF_OK)
		return KF_EDB;
	for (int i = 0; i < n; i++) {
		st = kf_db_prepare(db, "INSERT INTO recovery_codes (user_id, code_hash, created_at) VALUES (?, ?, ?)");
		if (!st)
			return KF_EDB;
		kf_stmt_bind_int(st, 1, user);
		kf_stmt_bind_text(st, 2, code_hashes[i]);
		kf_stmt_bind_int(st, 3, now);
		if (kf_stmt_exec(st) != KF_OK)
			return KF_EDB;
	}
	return KF_OK;
}

enum kf_err kf_store_second_factor_use_step(struct kf_db *db, int64_t user, int64_t step)
{
	struct kf_stmt *st = kf_db_prepare(db, "UPDATE second_factors SET last_step = ?"
					       " WHERE user_id = ? AND last_step < ? AND confirmed_at IS NOT NULL");
	if (!st)
		return KF_EDB;
	kf_stmt_bind_int(st, 1, step);
	kf_stmt_bind_int(st, 2, user);
	kf_stmt_bind_int(st, 3, step);
	if (kf_stmt_exec(st) != KF_OK)
		return KF_EDB;
	return kf_db_changes(db) == 1 ? KF_OK : KF_ECONFLICT;
}

enum kf_err kf_store_second_factor_delete(struct kf_db *db, int64_t user)
{
	static const char *const q[] = {"DELETE FROM recovery_codes WHERE user_id = ?",
					"DELETE FROM second_factors WHERE user_id = ?"};
	for (size_t i = 0; i < sizeof(q) / sizeof(q[0]); i++) {
		struct kf_stmt *st = kf_db_prepare(db, q[i]);
		if (!st)
			return KF_EDB;
		kf_stmt_bind_int(st, 1, user);
		if (kf_stmt_exec(st) != KF_OK)
			return KF_EDB;
	}
	return KF_OK;
}

enum kf_err kf_store_recovery_code_use(struct kf_db *db, int64_t user, const char *hash, int64_t now)
{
	struct kf_stmt *st = kf_db_prepare(db, "UPDATE recovery_codes SET used_at = ?"
					       " WHERE user_id = ? AND code_hash = ? AND used_at IS NULL");
	if (!st)
		return KF_EDB;
	kf_stmt_bind_int(st, 1, now);
	kf_stmt_bind_int(st, 2, user);
	kf_stmt_bind_text(st, 3, hash);
	if (kf_stmt_exec(st) != KF_OK)
		return KF_EDB;
	return kf_db_changes(db) >= 1 ? KF_OK : KF_ENOTFOUND;
}

enum kf_err kf_store_recovery_codes_left(struct kf_db *db, int64_t user, int64_t *n)
{
	struct kf_stmt *st =
		kf_db_prepare(db, "SELECT COUNT(*) FROM recovery_codes WHERE user_id = ? AND used_at IS NULL");
	if (!st)
		return KF_EDB;
	kf_stmt_bind_int(st, 1, user);
	enum kf_err rc = kf_stmt_first(st);
	if (rc != KF_OK)
		return KF_EDB;
	*n = kf_stmt_int(st, 0);
	kf_stmt_done(st);
	return KF_OK;
}

enum kf_err kf_store_challenge_insert(struct kf_db *db, const char *hash, int64_t user, int64_t now,
				      int64_t expires_at)
{
	struct kf_stmt *st = kf_db_prepare(
		db, "INSERT INTO signin_challenges (token_hash, user_id, created_at, expires_at) VALUES (?, ?, ?, ?)");
	if (!st)
		return KF_EDB;
	kf_stmt_bind_text(st, 1, hash);
	kf_stmt_bind_int(st, 2, user);
	kf_stmt_bind_int(st, 3, now);
	kf_stmt_bind_int(st, 4, expires_at);
	return kf_stmt_exec(st);
}

enum kf_err kf_store_challenge_get(struct kf_db *db, const char *hash, int64_t now, int64_t *user)
{
	struct kf_stmt *st = kf_db_prepare(db, "SELECT user_id FROM signin_challenges WHERE token_hash = ?"
					       " AND used_at IS NULL AND expires_at > ?");
	if (!st)
		return KF_EDB;
	kf_stmt_bind_text(st, 1, hash);
	kf_stmt_bind_int(st, 2, now);
	enum kf_err rc = kf_stmt_first(st);
	if (rc != KF_OK)
		return rc;
	*user = kf_stmt_int(st, 0);
	kf_stmt_done(st);
	return KF_OK;
}

enum kf_err kf_store_challenge_use(struct kf_db *db, const char *hash, int64_t now)
{
	struct kf_stmt *st = kf_db_prepare(
		db, "UPDATE signin_challenges SET used_at = ? WHERE token_hash = ? AND used_at IS NULL");
	if (!st)
		return KF_EDB;
	kf_stmt_bind_int(st, 1, now);
	kf_stmt_bind_text(st, 2, hash);
	if (kf_stmt_exec(st) != KF_OK)
		return KF_EDB;
	return kf_db_changes(db) == 1 ? KF_OK : KF_ECONFLICT;
}

int kf_store_challenges_expire(struct kf_db *db, int64_t before)
{
	return kf_db_delete_before(db, "DELETE FROM signin_challenges WHERE created_at < ?", before);
}

enum kf_err kf_store_session_set_factor(struct kf_db *db, int64_t session, bool enrol_only, int64_t verified_at)
{
	struct kf_stmt *st = kf_db_prepare(db, "UPDATE sessions SET enrol_only = ?, verified_at = ? WHERE id = ?");
	if (!st)
		return KF_EDB;
	kf_stmt_bind_int(st, 1, enrol_only ? 1 : 0);
	kf_stmt_bind_int(st, 2, verified_at);
	kf_stmt_bind_int(st, 3, session);
	return kf_stmt_exec(st);
}

