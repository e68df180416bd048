/* SPDX-License-Identifier: Apache-2.0 */
/* SQL for users, sessions, API tokens, email codes and login counters. */
#include "store/accounts.h"

#include <stdio.h>
#include <string.h>

#include "store/db.h"
#include "util/mem.h"
#include "util/crypto.h"

#define COPY(dst, src) snprintf((dst), sizeof(dst), "%s", (src) ? (src) : "")

enum kf_err kf_store_auth(struct kf_db *db, const char *token_hash, bool is_session, int64_t now,
			  int64_t staff_idle, struct kf_principal *out)
{
	static const char q_session[] =
		"SELECT u.id, u.email, u.name, u.email_verified_at IS NOT NULL, s.id, s.enrol_only,"
		" COALESCE(s.verified_at, s.created_at), COALESCE(s.last_used_at, s.created_at) FROM sessions s"
		" JOIN users u ON u.id = s.user_id WHERE s.token_hash = ? AND s.revoked_at IS NULL"
		" AND s.expires_at > ? AND u.status = 'active'";
	static const char q_token[] =
		"SELECT u.id, u.email, u.name, u.email_verified_at IS NOT NULL, t.id FROM api_tokens t"
		" JOIN users u ON u.id = t.user_id WHERE t.token_hash = ? AND t.revoked_at IS NULL"
		" AND (t.expires_at IS NULL OR t.expires_at > ?) AND u.status = 'active'";
	struct kf_stmt *st = kf_db_prepare(db, is_session ? q_session : q_token);
	if (!st)
		return KF_EDB;
	kf_stmt_bind_text(st, 1, token_hash);
	kf_stmt_bind_int(st, 2, now);
	enum kf_err found = kf_stmt_first(st);
	if (found != KF_OK)
		return found;
	memset(out, 0, sizeof(*out));
	out->user_id = kf_stmt_int(st, 0);
	COPY(out->email, kf_stmt_text(st, 1));
	COPY(out->name, kf_stmt_text(st, 2));
	out->email_verified = kf_stmt_int(st, 3) != 0;
	int64_t last_used = 0;
	if (is_session) {
		out->session_id = kf_stmt_int(st, 4);
		out->enrol_only = kf_stmt_int(st, 5) == 1;
		out->verified_at = kf_stmt_int(st, 6);
		last_used = kf_stmt_int(st, 7);
	} else {
		out->api_token_id = kf_stmt_int(st, 4);
	}
	kf_stmt_done(st);

	st = kf_db_prepare(db, "SELECT m.role FROM memberships m JOIN orgs o ON o.id = m.org_id"
			       " WHERE o.kind = 'operator' AND m.user_id = ? LIMIT 1");
	if (!st)
		return KF_EDB;
	kf_stmt_bind_int(st, 1, out->user_id);
	enum kf_step s = kf_stmt_step(st);
	out->operator_role = KF_ROLE_NONE;
	if (s == KF_STEP_ROW && !kf_role_parse(kf_stmt_text(st, 0), &out->operator_role))
		out->operator_role = KF_ROLE_NONE;
	kf_stmt_done(st);
	if (s == KF_STEP_ERROR)
		return KF_EDB;
	/* a staff session left unused ends (it is not refreshed by this use) */
	if (is_session && staff_idle > 0 && out->operator_role != KF_ROLE_NONE && last_used < now - staff_idle) {
		if (kf_store_session_revoke(db, out->session_id, now) != KF_OK)
			return KF_EDB;
		return KF_ENOTFOUND;
	}
	/* last use to the minute: at most one write a minute per credential */
	st = kf_db_prepare(db, is_session ? "UPDATE sessions SET last_used_at = ? WHERE id = ? AND"
					    " (last_used_at IS NULL OR last_used_at < ? - 60)"
					  : "UPDATE api_tokens SET last_used_at = ? WHERE id = ? AND"
					    " (last_used_at IS NULL OR last_used_at < ? - 60)");
	if (!st)
		return KF_EDB;
	kf_stmt_bind_int(st, 1, now);
	kf_stmt_bind_int(st, 2, is_session ? out->session_id : out->api_token_id);
	kf_stmt_bind_int(st, 3, now);
	if (kf_stmt_exec(st) != KF_OK)
		return KF_EDB;
	return KF_OK;
}

/* 1 when a row matches, 0 when none, -1 on a storage error. */
static int exists(struct kf_db *db, const char *sql, const char *v)
{
	struct kf_stmt *st = kf_db_prepare(db, sql);
	if (!st)
		return -1;
	kf_stmt_bind_text(st, 1, v);
	enum kf_step s = kf_stmt_step(st);
	kf_stmt_done(st);
	return s == KF_STEP_ROW ? 1 : s == KF_STEP_DONE ? 0 : -1;
}

enum kf_err kf_store_user_insert(struct kf_db *db, const char *email, const char *mobile, const char *name,
				 const char *pw_hash, int64_t now, int64_t *id, const char **conflict)
{
	*conflict = NULL;
	int e = exists(db, "SELECT 1 FROM users WHERE email = ?", email);
	int m = e ? 0 : exists(db, "SELECT 1 FROM users WHERE mobile = ?", mobile);
	if (e < 0 || m < 0)
		return KF_EDB;
	if (e || m) {
		*conflict = e ? "email" : "mobile";
		return KF_ECONFLICT;
	}
	struct kf_stmt *st = kf_db_prepare(
		db, "INSERT INTO users (email, mobile, name, password_hash, created_at, updated_at)"
		    " VALUES (?, ?, ?, ?, ?, ?)");
	if (!st)
		return KF_EDB;
	kf_stmt_bind_text(st, 1, email);
	kf_stmt_bind_text(st, 2, mobile);
	kf_stmt_bind_text(st, 3, name);
	kf_stmt_bind_text(st, 4, pw_hash);
	kf_stmt_bind_int(st, 5, now);
	kf_stmt_bind_int(st, 6, now);
	if (kf_stmt_exec(st) != KF_OK)
		return kf_db_is_constraint_error(db) ? (*conflict = "email", KF_ECONFLICT) : KF_EDB;
	*id = kf_db_last_id(db);
	return KF_OK;
}

static enum kf_err user_query(struct kf_db *db, const char *sql, int64_t id, const char *s1,
			      struct kf_user_row *out)
{
	struct kf_stmt *st = kf_db_prepare(db, sql);
	if (!st)
		return KF_EDB;
	if (s1) {
		kf_stmt_bind_text(st, 1, s1);
		kf_stmt_bind_text(st, 2, s1);
	} else {
		kf_stmt_bind_int(st, 1, id);
	}
	enum kf_err found = kf_stmt_first(st);
	if (found != KF_OK)
		return found;
	memset(out, 0, sizeof(*out));
	out->id = kf_stmt_int(st, 0);
	COPY(out->email, kf_stmt_text(st, 1));
	COPY(out->mobile, kf_stmt_text(st, 2));
	COPY(out->name, kf_stmt_text(st, 3));
	COPY(out->password_hash, kf_stmt_text(st, 4));
	out->status = KF_USER_DISABLED;
	(void)kf_user_status_parse(kf_stmt_text(st, 5), &out->status);
	out->email_verified = !kf_stmt_is_null(st, 6);
	COPY(out->language, kf_stmt_text(st, 7));
	if (strcmp(out->language, "zh") != 0)
		snprintf(out->language, sizeof(out->language), "en");
	kf_stmt_done(st);
	return KF_OK;
}

#define USER_COLS "SELECT id, email, mobile, name, password_hash, status, email_verified_at, language FROM users "

enum kf_err kf_store_user_get(struct kf_db *db, int64_t id, struct kf_user_row *out)
{
	return user_query(db, USER_COLS "WHERE id = ?", id, NULL, out);
}

enum kf_err kf_store_user_by_login(struct kf_db *db, const char *login, struct kf_user_row *out)
{
	return user_query(db, USER_COLS "WHERE email = ? OR mobile = ?", 0, login, out);
}

enum kf_err kf_store_user_by_email(struct kf_db *db, const char *email, struct kf_user_row *out)
{
	return user_query(db, USER_COLS "WHERE email = ? OR email = ?", 0, email, out);
}

enum kf_err kf_store_user_set_verified(struct kf_db *db, int64_t id, int64_t now)
{
	struct kf_stmt *st = kf_db_prepare(
		db, "UPDATE users SET email_verified_at = COALESCE(email_verified_at, ?), updated_at = ? WHERE id = ?");
	if (!st)
		return KF_EDB;
	kf_stmt_bind_int(st, 1, now);
	kf_stmt_bind_int(st, 2, now);
	kf_stmt_bind_int(st, 3, id);
	return kf_stmt_exec(st);
}

enum kf_err kf_store_session_insert(struct kf_db *db, int64_t user_id, const char *hash, int64_t now,
				    int64_t expires_at, const char *address, const char *user_agent, int64_t *id)
{
	struct kf_stmt *st = kf_db_prepare(
		db, "INSERT INTO sessions (token_hash, user_id, created_at, expires_at, address, user_agent, last_used_at)"
		    " VALUES (?, ?, ?, ?, ?, ?, ?)");
	if (!st)
		return KF_EDB;
	kf_stmt_bind_text(st, 1, hash);
	kf_stmt_bind_int(st, 2, user_id);
	kf_stmt_bind_int(st, 3, now);
	kf_stmt_bind_int(st, 4, expires_at);
	kf_stmt_bind_text(st, 5, address);
	if (user_agent)
		kf_stmt_bind_text(st, 6, user_agent);
	else
		kf_stmt_bind_null(st, 6);
	kf_stmt_bind_int(st, 7, now);
	if (kf_stmt_exec(st) != KF_OK)
		return KF_EDB;
	*id = kf_db_last_id(db);
	return KF_OK;
}

enum kf_err kf_store_session_revoke(struct kf_db *db, int64_t id, int64_t now)
{
	struct kf_stmt *st = kf_db_prepare(db, "UPDATE sessions SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL");
	if (!st)
		return KF_EDB;
	kf_stmt_bind_int(st, 1, now);
	kf_stmt_bind_int(st, 2, id);
	return kf_stmt_exec(st);
}

enum kf_err kf_store_session_end(struct kf_db *db, int64_t user_id, int64_t id, int64_t now)
{
	struct kf_stmt *st = kf_db_prepare(
		db, "UPDATE sessions SET revoked_at = ? WHERE id = ? AND user_id = ? AND revoked_at IS NULL"
		    " AND expires_at > ?");
	if (!st)
		return KF_EDB;
	kf_stmt_bind_int(st, 1, now);
	kf_stmt_bind_int(st, 2, id);
	kf_stmt_bind_int(st, 3, user_id);
	kf_stmt_bind_int(st, 4, now);
	if (kf_stmt_exec(st) != KF_OK)
		return KF_EDB;
	return kf_db_changes(db) ? KF_OK : KF_ENOTFOUND;
}

int kf_store_sessions_end_others(struct kf_db *db, int64_t user_id, int64_t keep_id, int64_t now)
{
	struct kf_stmt *st = kf_db_prepare(
		db, "UPDATE sessions SET revoked_at = ? WHERE user_id = ? AND id != ? AND revoked_at IS NULL");
	if (!st)
		return -1;
	kf_stmt_bind_int(st, 1, now);
	kf_stmt_bind_int(st, 2, user_id);
	kf_stmt_bind_int(st, 3, keep_id);
	if (kf_stmt_exec(st) != KF_OK)
		return -1;
	return kf_db_changes(db);
}

enum kf_err kf_store_sessions_list(struct kf_db *db, struct kf_arena *a, int64_t user_id, int64_t now,
				   struct kf_session_row **out, size_t *n)
{
	*out = NULL;
	*n = 0;
	struct kf_stmt *st = kf_db_prepare(
		db, "SELECT id, created_at, expires_at, last_used_at, address, user_agent FROM sessions"
		    " WHERE user_id = ? AND revoked_at IS NULL AND expires_at > ? ORDER BY id LIMIT ?");
	if (!st)
		return KF_EDB;
	kf_stmt_bind_int(st, 1, user_id);
	kf_stmt_bind_int(st, 2, now);
	kf_stmt_bind_int(st, 3, KF_SESSIONS_LIST_MAX);
	size_t cap = 8;
	struct kf_session_row *rows = kf_arena_alloc(a, cap * sizeof(*rows));
	enum kf_step s;
	while ((s = kf_stmt_step(st)) == KF_STEP_ROW) {
		if (*n == cap) {
			struct kf_session_row *bigger = kf_arena_alloc(a, 2 * cap * sizeof(*rows));
			memcpy(bigger, rows, cap * sizeof(*rows));
			rows = bigger;
			cap *= 2;
		}
		struct kf_session_row *row = &rows[(*n)++];
		memset(row, 0, sizeof(*row));
		row->id = kf_stmt_int(st, 0);
		row->created_at = kf_stmt_int(st, 1);
		row->expires_at = kf_stmt_int(st, 2);
		row->last_used_at = kf_stmt_is_null(st, 3) ? 0 : kf_stmt_int(st, 3);
		row->address = kf_stmt_is_null(st, 4) ? NULL : kf_arena_strdup(a, kf_stmt_text(st, 4));
		row->user_agent = kf_stmt_is_null(st, 5) ? NULL : kf_arena_strdup(a, kf_stmt_text(st, 5));
	}
	kf_stmt_done(st);
	if (s == KF_STEP_ERROR)
		return KF_EDB;
	*out = rows;
	return KF_OK;
}

enum kf_err kf_store_user_set_password(struct kf_db *db, int64_t id, const char *pw_hash, int64_t now)
{
	struct kf_stmt *st = kf_db_prepare(db, "UPDATE users SET password_hash = ?, updated_at = ? WHERE id = ?");
	if (!st)
		return KF_EDB;
	kf_stmt_bind_text(st, 1, pw_hash);
	kf_stmt_bind_int(st, 2, now);
	kf_stmt_bind_int(st, 3, id);
	return kf_stmt_exec(st);
}

enum kf_err kf_store_api_token_insert(struct kf_db *db, int64_t user_id, const char *name, const char *hash,
				      int64_t now, int64_t expires_at, int64_t *id)
{
	struct kf_stmt *st = kf_db_prepare(
		db, "INSERT INTO api_tokens (user_id, name, token_hash, created_at, expires_at) VALUES (?, ?, ?, ?, ?)");
	if (!st)
		return KF_EDB;
	kf_stmt_bind_int(st, 1, user_id);
	kf_stmt_bind_text(st, 2, name);
	kf_stmt_bind_text(st, 3, hash);
	kf_stmt_bind_int(st, 4, now);
	if (expires_at)
		kf_stmt_bind_int(st, 5, expires_at);
	else
		kf_stmt_bind_null(st, 5);
	if (kf_stmt_exec(st) != KF_OK)
		return KF_EDB;
	*id = kf_db_last_id(db);
	return KF_OK;
}

enum kf_err kf_store_api_tokens_of_user(struct kf_db *db, struct kf_arena *a, int64_t user_id,
					struct kf_api_token_row **out, size_t *n)
{
	*out = NULL;
	*n = 0;
	struct kf_stmt *st = kf_db_prepare(db, "SELECT id, name, created_at, expires_at, last_used_at FROM api_tokens"
					       " WHERE user_id = ? AND revoked_at IS NULL ORDER BY id");
	if (!st)
		return KF_EDB;
	kf_stmt_bind_int(st, 1, user_id);
	size_t cap = 8, cnt = 0;
	struct kf_api_token_row *v = kf_arena_alloc(a, cap * sizeof(*v));
	enum kf_step s;
	while ((s = kf_stmt_step(st)) == KF_STEP_ROW) {
		if (cnt == cap) {
			struct kf_api_token_row *nv = kf_arena_alloc(a, 2 * cap * sizeof(*v));
			memcpy(nv, v, cnt * sizeof(*v));
			v = nv;
			cap *= 2;
		}
		v[cnt] = (struct kf_api_token_row){
			.id = kf_stmt_int(st, 0),
			.name = kf_arena_strdup(a, kf_stmt_text(st, 1)),
			.created_at = kf_stmt_int(st, 2),
			.expires = !kf_stmt_is_null(st, 3),
			.expires_at = kf_stmt_is_null(st, 3) ? 0 : kf_stmt_int(st, 3),
			.used = !kf_stmt_is_null(st, 4),
			.last_used_at = kf_stmt_is_null(st, 4) ? 0 : kf_stmt_int(st, 4),
		};
		cnt++;
	}
	kf_stmt_done(st);
	if (s == KF_STEP_ERROR)
		return KF_EDB;
	*out = v;
	*n = cnt;
	return KF_OK;
}

enum kf_err kf_store_api_token_revoke(struct kf_db *db, int64_t user_id, int64_t id, int64_t now)
{
	struct kf_stmt *st = kf_db_prepare(
		db, "UPDATE api_tokens SET revoked_at = ? WHERE id = ? AND user_id = ? AND revoked_at IS NULL");
	if (!st)
		return KF_EDB;
	kf_stmt_bind_int(st, 1, now);
	kf_stmt_bind_int(st, 2, id);
	kf_stmt_bind_int(st, 3, user_id);
	if (kf_stmt_exec(st) != KF_OK)
		return KF_EDB;
	return kf_db_changes(db) ? KF_OK : KF_ENOTFOUND;
}

enum kf_err kf_store_email_code_insert(struct kf_db *db, int64_t user_id, const char *code_hash,
				       const char *link_hash, int64_t now, int64_t expires_at)
{
	struct kf_stmt *st = kf_db_prepare(
		db, "UPDATE email_codes SET used_at = ? WHERE user_id = ? AND used_at IS NULL");
	if (!st)
		return KF_EDB;
	kf_stmt_bind_int(st, 1, now);
	kf_stmt_bind_int(st, 2, user_id);
	if (kf_stmt_exec(st) != KF_OK)
		return KF_EDB;
	st = kf_db_prepare(db, "INSERT INTO email_codes (user_id, code_hash, link_hash, expires_at, created_at)"
			       " VALUES (?, ?, ?, ?, ?)");
	if (!st)
		return KF_EDB;
	kf_stmt_bind_int(st, 1, user_id);
	kf_stmt_bind_text(st, 2, code_hash);
	if (link_hash)
		kf_stmt_bind_text(st, 3, link_hash);
	else
		kf_stmt_bind_null(st, 3);
	kf_stmt_bind_int(st, 4, expires_at);
	kf_stmt_bind_int(st, 5, now);
	return kf_stmt_exec(st);
}

/* A link token row: its id, user, expiry and use, by the token's digest. */
static enum kf_err link_lookup(struct kf_db *db, const char *sql, const char *hash, int64_t now, int64_t *id,
			       int64_t *user_id, enum kf_link_state *state)
{
	struct kf_stmt *st = kf_db_prepare(db, sql);
	if (!st)
		return KF_EDB;
	kf_stmt_bind_text(st, 1, hash);
	enum kf_err rc = kf_stmt_first(st);
	if (rc != KF_OK)
		return rc;
	*id = kf_stmt_int(st, 0);
	*user_id = kf_stmt_int(st, 1);
	*state = kf_link_state_at(kf_stmt_int(st, 2), !kf_stmt_is_null(st, 3), now);
	kf_stmt_done(st);
	return KF_OK;
}

static enum kf_err mark_used(struct kf_db *db, const char *sql, int64_t id, int64_t now)
{
	struct kf_stmt *st = kf_db_prepare(db, sql);
	if (!st)
		return KF_EDB;
	kf_stmt_bind_int(st, 1, now);
	kf_stmt_bind_int(st, 2, id);
	if (kf_stmt_exec(st) != KF_OK)
		return KF_EDB;
	return kf_db_changes(db) ? KF_OK : KF_ECONFLICT;
}

enum kf_err kf_store_email_link_use(struct kf_db *db, const char *link_hash, int64_t now, int64_t *user_id,
				    enum kf_link_state *state)
{
	int64_t id;
	enum kf_err rc = link_lookup(db, "SELECT id, user_id, expires_at, used_at FROM email_codes WHERE link_hash = ?",
				     link_hash, now, &id, user_id, state);
	if (rc != KF_OK || *state != KF_LINK_USABLE)
		return rc;
	rc = mark_used(db, "UPDATE email_codes SET used_at = ? WHERE id = ? AND used_at IS NULL", id, now);
	if (rc == KF_ECONFLICT) {
		*state = KF_LINK_USED;
		return KF_OK;
	}
	return rc;
}

enum kf_err kf_store_password_reset_insert(struct kf_db *db, int64_t user_id, const char *token_hash, int64_t now,
					   int64_t expires_at)
{
	struct kf_stmt *st =
		kf_db_prepare(db, "UPDATE password_resets SET used_at = ? WHERE user_id = ? AND used_at IS NULL");
	if (!st)
		return KF_EDB;
	kf_stmt_bind_int(st, 1, now);
	kf_stmt_bind_int(st, 2, user_id);
	if (kf_stmt_exec(st) != KF_OK)
		return KF_EDB;
	st = kf_db_prepare(db, "INSERT INTO password_resets (user_id, token_hash, created_at, expires_at) VALUES (?, ?, ?, ?)");
	if (!st)
		return KF_EDB;
	kf_stmt_bind_int(st, 1, user_id);
	kf_stmt_bind_text(st, 2, token_hash);
	kf_stmt_bind_int(st, 3, now);
	kf_stmt_bind_int(st, 4, expires_at);
	return kf_stmt_exec(st);
}

enum kf_err kf_store_password_reset_get(struct kf_db *db, const char *token_hash, int64_t now, int64_t *id,
					int64_t *user_id, enum kf_link_state *state)
{
	return link_lookup(db, "SELECT id, user_id, expires_at, used_at FROM password_resets WHERE token_hash = ?",
			   token_hash, now, id, user_id, state);
}

enum kf_err kf_store_password_reset_use(struct kf_db *db, int64_t id, int64_t now)
{
	return mark_used(db, "UPDATE password_resets SET used_at = ? WHERE id = ? AND used_at IS NULL", id, now);
}

int kf_store_password_resets_expire(struct kf_db *db, int64_t before)
{
	return kf_db_delete_before(db, "DELETE FROM password_resets WHERE created_at < ?", before);
}

enum kf_err kf_store_user_set_language(struct kf_db *db, int64_t id, const char *language, int64_t now)
{
	struct kf_stmt *st = kf_db_prepare(db, "UPDATE users SET language = ?, updated_at = ? WHERE id = ?");
	if (!st)
		return KF_EDB;
	kf_stmt_bind_text(st, 1, language);
	kf_stmt_bind_int(st, 2, now);
	kf_stmt_bind_int(st, 3, id);
	return kf_stmt_exec(st);
}

enum kf_err kf_store_email_codes_recent(struct kf_db *db, int64_t user_id, int64_t since, int *count,
					int64_t *last_at)
{
	struct kf_stmt *st = kf_db_prepare(
		db, "SELECT COUNT(*), COALESCE(MAX(created_at), 0) FROM email_codes WHERE user_id = ? AND created_at >= ?");
	if (!st)
		return KF_EDB;
	kf_stmt_bind_int(st, 1, user_id);
	kf_stmt_bind_int(st, 2, since);
	enum kf_step s = kf_stmt_step(st);
	*count = s == KF_STEP_ROW ? (int)kf_stmt_int(st, 0) : 0;
	*last_at = s == KF_STEP_ROW ? kf_stmt_int(st, 1) : 0;
	kf_stmt_done(st);
	return s == KF_STEP_ROW ? KF_OK : KF_EDB;
}

#define MAX_CODE_ATTEMPTS 5

enum kf_err kf_store_email_code_use(struct kf_db *db, int64_t user_id, const char *code_hash, int64_t now)
{
	struct kf_stmt *st = kf_db_prepare(
		db, "SELECT id, code_hash, expires_at, attempts FROM email_codes WHERE user_id = ?"
		    " AND used_at IS NULL ORDER BY id DESC LIMIT 1");
	if (!st)
		return KF_EDB;
	kf_stmt_bind_int(st, 1, user_id);
	enum kf_step s = kf_stmt_step(st);
	if (s != KF_STEP_ROW) {
		kf_stmt_done(st);
		return s == KF_STEP_DONE ? KF_EINVAL : KF_EDB;
	}
	int64_t id = kf_stmt_int(st, 0);
	char stored[65];
	COPY(stored, kf_stmt_text(st, 1));
	int64_t expires = kf_stmt_int(st, 2);
	int64_t attempts = kf_stmt_int(st, 3);
	kf_stmt_done(st);
	if (attempts >= MAX_CODE_ATTEMPTS)
		return KF_ELIMIT;
	bool ok = expires > now && kf_str_ct_equal(stored, code_hash);
	st = kf_db_prepare(db, ok ? "UPDATE email_codes SET used_at = ? WHERE id = ?"
				  : "UPDATE email_codes SET attempts = attempts + 1 WHERE id = ? OR id = ?");
	if (!st)
		return KF_EDB;
	kf_stmt_bind_int(st, 1, ok ? now : id);
	kf_stmt_bind_int(st, 2, id);
	if (kf_stmt_exec(st) != KF_OK)
		return KF_EDB;
	return ok ? KF_OK : KF_EINVAL;
}

enum kf_err kf_store_backoff_get(struct kf_db *db, const char *key, struct kf_backoff *out)
{
	memset(out, 0, sizeof(*out));
	struct kf_stmt *st = kf_db_prepare(
		db, "SELECT failures, window_start, locked_until FROM login_failures WHERE key = ?");
	if (!st)
		return KF_EDB;
	kf_stmt_bind_text(st, 1, key);
	enum kf_step s = kf_stmt_step(st);
	if (s == KF_STEP_ROW) {
		out->failures = (int)kf_stmt_int(st, 0);
		out->window_start = kf_stmt_int(st, 1);
		out->locked_until = kf_stmt_int(st, 2);
	}
	kf_stmt_done(st);
	return s == KF_STEP_ERROR ? KF_EDB : KF_OK;
}

enum kf_err kf_store_backoff_put(struct kf_db *db, const char *key, const struct kf_backoff *b)
{
	struct kf_stmt *st;
	if (b->failures == 0 && b->locked_until == 0) {
		st = kf_db_prepare(db, "DELETE FROM login_failures WHERE key = ?");
		if (!st)
			return KF_EDB;
		kf_stmt_bind_text(st, 1, key);
		return kf_stmt_exec(st);
	}
	st = kf_db_prepare(db, "INSERT INTO login_failures (key, failures, window_start, locked_until)"
			       " VALUES (?, ?, ?, ?) ON CONFLICT (key) DO UPDATE SET failures = excluded.failures,"
			       " window_start = excluded.window_start, locked_until = excluded.locked_until");
	if (!st)
		return KF_EDB;
	kf_stmt_bind_text(st, 1, key);
	kf_stmt_bind_int(st, 2, b->failures);
	kf_stmt_bind_int(st, 3, b->window_start);
	kf_stmt_bind_int(st, 4, b->locked_until);
	return kf_stmt_exec(st);
}

int kf_store_backoff_expire(struct kf_db *db, int64_t now, int64_t longest_window)
{
	/* a counter whose window and lock are both over is the fresh state */
	struct kf_stmt *st = kf_db_prepare(
		db, "DELETE FROM login_failures WHERE locked_until <= ? AND window_start <= ?");
	if (!st)
		return -1;
	kf_stmt_bind_int(st, 1, now);
	kf_stmt_bind_int(st, 2, now - longest_window);
	if (kf_stmt_exec(st) != KF_OK)
		return -1;
	return kf_db_changes(db);
}
