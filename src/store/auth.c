/* SPDX-License-Identifier: Apache-2.0 */
/* SQL for tokens, codes and revocations (see auth.h). */
#include "store/auth.h"

#include <stdio.h>
#include <string.h>

#include "store/db.h"
#include "store/search.h"

#define COPY(dst, src) snprintf((dst), sizeof(dst), "%s", (src) ? (src) : "")
#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* The one mapping between stored kind text and core's enum. */
static const struct {
	const char *text;
	enum kf_auth_kind kind;
	bool code, oauth;
} kinds[] = {
	{"component_access", KF_AUTH_KIND_APP_ACCESS, false, false},
	{"authorizer_access", KF_AUTH_KIND_AUTHORIZER_ACCESS, false, false},
	{"authorizer_refresh", KF_AUTH_KIND_AUTHORIZER_REFRESH, false, false},
	{"oauth_access", KF_AUTH_KIND_OAUTH_ACCESS, false, false},
	{"oauth_refresh", KF_AUTH_KIND_OAUTH_REFRESH, false, false},
	{"pre_auth", KF_AUTH_KIND_PRE_AUTH_CODE, true, false},
	{"auth", KF_AUTH_KIND_AUTH_CODE, true, false},
	{"oauth", KF_AUTH_KIND_AUTH_CODE, true, true},
};

const char *kf_store_token_kind_text(enum kf_auth_kind kind)
{
	for (size_t i = 0; i < ARRAY_LEN(kinds); i++)
		if (!kinds[i].code && kinds[i].kind == kind)
			return kinds[i].text;
	return NULL;
}

bool kf_store_token_kind_parse(const char *text, enum kf_auth_kind *out)
{
	for (size_t i = 0; text && i < ARRAY_LEN(kinds); i++)
		if (!kinds[i].code && !strcmp(text, kinds[i].text)) {
			*out = kinds[i].kind;
			return true;
		}
	return false;
}

const char *kf_store_code_kind_text(enum kf_auth_kind kind, bool oauth)
{
	for (size_t i = 0; i < ARRAY_LEN(kinds); i++)
		if (kinds[i].code && kinds[i].kind == kind && kinds[i].oauth == oauth)
			return kinds[i].text;
	return NULL;
}

bool kf_store_code_kind_parse(const char *text, enum kf_auth_kind *out, bool *oauth)
{
	for (size_t i = 0; text && i < ARRAY_LEN(kinds); i++)
		if (kinds[i].code && !strcmp(text, kinds[i].text)) {
			*out = kinds[i].kind;
			*oauth = kinds[i].oauth;
			return true;
		}
	return false;
}

/* A kind no table row names: core refuses it as out of range. */
#define KIND_UNKNOWN ((enum kf_auth_kind)KF_AUTH_KIND_COUNT)

enum kf_err kf_store_token_insert(struct kf_db *db, const char *hash, enum kf_auth_kind kind, int64_t app,
				  int64_t authorization, const char *family, int64_t code, int64_t now,
				  int64_t expires_at, int64_t *id)
{
	const char *text = kf_store_token_kind_text(kind);
	if (!text)
		return KF_EINVAL;
	struct kf_stmt *st = kf_db_prepare(
		db, "INSERT INTO tokens (hash, kind, app, authorization_id, family, code, created_at, expires_at)"
		    " VALUES (?, ?, ?, NULLIF(?, 0), ?, NULLIF(?, 0), ?, NULLIF(?, 0))");
	if (!st)
		return KF_EDB;
	kf_stmt_bind_text(st, 1, hash);
	kf_stmt_bind_text(st, 2, text);
	kf_stmt_bind_int(st, 3, app);
	kf_stmt_bind_int(st, 4, authorization);
	kf_stmt_bind_text(st, 5, family);
	kf_stmt_bind_int(st, 6, code);
	kf_stmt_bind_int(st, 7, now);
	kf_stmt_bind_int(st, 8, expires_at);
	if (kf_stmt_exec(st) != KF_OK)
		return KF_EDB;
	if (id)
		*id = kf_db_last_id(db);
	return KF_OK;
}

enum kf_err kf_store_token_get(struct kf_db *db, const char *hash, struct kf_auth_token *out)
{
	struct kf_stmt *st = kf_db_prepare(
		db, "SELECT t.id, t.kind, t.app, a.app_id, a.state, COALESCE(t.authorization_id, 0), h.external_id, z.state,"
		    " COALESCE(t.expires_at, 0), t.revoked_at IS NOT NULL, t.superseded_at IS NOT NULL, t.family,"
		    " COALESCE(t.code, 0) FROM tokens t JOIN apps a ON a.id = t.app"
		    " LEFT JOIN authorizations z ON z.id = t.authorization_id"
		    " LEFT JOIN host_accounts h ON h.id = z.host_account WHERE t.hash = ?");
	if (!st)
		return KF_EDB;
	kf_stmt_bind_text(st, 1, hash);
	enum kf_step s = kf_stmt_step(st);
	if (s == KF_STEP_ROW) {
		memset(out, 0, sizeof(*out));
		out->id = kf_stmt_int(st, 0);
		if (!kf_store_token_kind_parse(kf_stmt_text(st, 1), &out->kind))
			out->kind = KIND_UNKNOWN;
		out->app = kf_stmt_int(st, 2);
		COPY(out->app_id, kf_stmt_text(st, 3));
		out->app_state = KF_APP_DELETED;
		(void)kf_app_state_parse(kf_stmt_text(st, 4), &out->app_state);
		out->authorization = kf_stmt_int(st, 5);
		COPY(out->authorizer, kf_stmt_text(st, 6));
		out->auth_state = KF_AUTH_STATE_NONE;
		(void)kf_auth_state_parse(kf_stmt_text(st, 7), &out->auth_state);
		out->expires_at = kf_stmt_int(st, 8);
		out->revoked = kf_stmt_int(st, 9) != 0;
		out->superseded = kf_stmt_int(st, 10) != 0;
		COPY(out->family, kf_stmt_text(st, 11));
		out->code = kf_stmt_int(st, 12);
	}
	kf_stmt_done(st);
	return s == KF_STEP_ROW ? KF_OK : s == KF_STEP_DONE ? KF_ENOTFOUND : KF_EDB;
}

static enum kf_err note_revocation(struct kf_db *db, int64_t now, const char *what)
{
	if (!kf_db_changes(db))
		return KF_OK;
	struct kf_stmt *st = kf_db_prepare(db, "INSERT INTO revocations (at, what) VALUES (?, ?)");
	if (!st)
		return KF_EDB;
	kf_stmt_bind_int(st, 1, now);
	kf_stmt_bind_text(st, 2, what);
	return kf_stmt_exec(st);
}

static enum kf_err revoke_where(struct kf_db *db, const char *sql, int64_t key, const char *kind_text, int64_t now,
				const char *what)
{
	struct kf_stmt *st = kf_db_prepare(db, sql);
	if (!st)
		return KF_EDB;
	kf_stmt_bind_int(st, 1, now);
	kf_stmt_bind_int(st, 2, key);
	if (kind_text)
		kf_stmt_bind_text(st, 3, kind_text);
	if (kf_stmt_exec(st) != KF_OK)
		return KF_EDB;
	return note_revocation(db, now, what);
}

enum kf_err kf_store_token_revoke(struct kf_db *db, int64_t id, int64_t now)
{
	return revoke_where(db, "UPDATE tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL", id, NULL, now,
			    "token");
}

enum kf_err kf_store_tokens_revoke_authorization(struct kf_db *db, int64_t authorization, int64_t now)
{
	return revoke_where(db, "UPDATE tokens SET revoked_at = ? WHERE authorization_id = ? AND revoked_at IS NULL",
			    authorization, NULL, now, "authorization");
}

enum kf_err kf_store_tokens_revoke_code(struct kf_db *db, int64_t code, int64_t now)
{
	return revoke_where(db, "UPDATE tokens SET revoked_at = ? WHERE code = ? AND revoked_at IS NULL", code, NULL,
			    now, "code");
}

enum kf_err kf_store_codes_revoke_authorization(struct kf_db *db, int64_t authorization, int64_t now)
{
	struct kf_stmt *st =
		kf_db_prepare(db, "UPDATE codes SET used_at = ? WHERE authorization_id = ? AND used_at IS NULL");
	if (!st)
		return KF_EDB;
	kf_stmt_bind_int(st, 1, now);
	kf_stmt_bind_int(st, 2, authorization);
	return kf_stmt_exec(st);
}

enum kf_err kf_store_app_suspend_grants(struct kf_db *db, int64_t app, int64_t now)
{
	struct kf_stmt *st = kf_db_prepare(db, "UPDATE codes SET used_at = ? WHERE app = ? AND used_at IS NULL");
	if (!st)
		return KF_EDB;
	kf_stmt_bind_int(st, 1, now);
	kf_stmt_bind_int(st, 2, app);
	if (kf_stmt_exec(st) != KF_OK)
		return KF_EDB;
	return revoke_where(db, "UPDATE tokens SET revoked_at = ? WHERE app = ? AND revoked_at IS NULL", app, NULL, now,
			    "app suspended");
}

enum kf_err kf_store_app_end_grants(struct kf_db *db, int64_t app, int64_t now)
{
	struct kf_stmt *st = kf_db_prepare(
		db, "UPDATE authorizations SET state = 'revoked', revoked_at = ?, updated_at = ? WHERE app = ? AND state = 'active'");
	if (!st)
		return KF_EDB;
	kf_stmt_bind_int(st, 1, now);
	kf_stmt_bind_int(st, 2, now);
	kf_stmt_bind_int(st, 3, app);
	if (kf_stmt_exec(st) != KF_OK || kf_store_search_installs(db, app, 0, 0) != KF_OK)
		return KF_EDB;
	return revoke_where(db, "UPDATE tokens SET revoked_at = ? WHERE app = ? AND revoked_at IS NULL", app, NULL, now,
			    "app ended");
}

int kf_store_tokens_expire(struct kf_db *db, int64_t before)
{
	static const char *const steps[] = {
		"DELETE FROM tokens WHERE (revoked_at IS NOT NULL AND revoked_at < ?1) OR (expires_at IS NOT NULL AND expires_at < ?1)",
		"DELETE FROM codes WHERE expires_at < ?1",
	};
	int n = 0;
	for (size_t i = 0; i < 2; i++) {
		struct kf_stmt *st = kf_db_prepare(db, steps[i]);
		if (!st)
			return -1;
		kf_stmt_bind_int(st, 1, before);
		if (kf_stmt_exec(st) != KF_OK)
			return -1;
		n += kf_db_changes(db);
	}
	return n;
}

enum kf_err kf_store_tokens_revoke_kind(struct kf_db *db, int64_t authorization, enum kf_auth_kind kind,
				       int64_t now)
{
	const char *text = kf_store_token_kind_text(kind);
	if (!text)
		return KF_EINVAL;
	return revoke_where(db, "UPDATE tokens SET revoked_at = ? WHERE authorization_id = ? AND kind = ?"
				" AND revoked_at IS NULL",
			    authorization, text, now, "replaced");
}

enum kf_err kf_store_token_supersede(struct kf_db *db, int64_t id, int64_t now)
{
	struct kf_stmt *st = kf_db_prepare(db, "UPDATE tokens SET superseded_at = ? WHERE id = ? AND superseded_at IS NULL");
	if (!st)
		return KF_EDB;
	kf_stmt_bind_int(st, 1, now);
	kf_stmt_bind_int(st, 2, id);
	if (kf_stmt_exec(st) != KF_OK)
		return KF_EDB;
	return kf_db_changes(db) ? KF_OK : KF_ECONFLICT;
}

enum kf_err kf_store_tokens_revoke_family(struct kf_db *db, const char *family, int64_t now)
{
	struct kf_stmt *st = kf_db_prepare(db, "UPDATE tokens SET revoked_at = ? WHERE family = ? AND revoked_at IS NULL");
	if (!st)
		return KF_EDB;
	kf_stmt_bind_int(st, 1, now);
	kf_stmt_bind_text(st, 2, family);
	if (kf_stmt_exec(st) != KF_OK)
		return KF_EDB;
	return note_revocation(db, now, "family");
}

enum kf_err kf_store_revocation_note(struct kf_db *db, int64_t now, const char *what)
{
	struct kf_stmt *st = kf_db_prepare(db, "INSERT INTO revocations (at, what) VALUES (?, ?)");
	if (!st)
		return KF_EDB;
	kf_stmt_bind_int(st, 1, now);
	kf_stmt_bind_text(st, 2, what);
	return kf_stmt_exec(st);
}

enum kf_err kf_store_revocation_mark(struct kf_db *db, int64_t *mark)
{
	struct kf_stmt *st = kf_db_prepare(db, "SELECT COALESCE(MAX(id), 0) FROM revocations");
	if (!st)
		return KF_EDB;
	enum kf_step s = kf_stmt_step(st);
	*mark = s == KF_STEP_ROW ? kf_stmt_int(st, 0) : 0;
	kf_stmt_done(st);
	return s == KF_STEP_ROW ? KF_OK : KF_EDB;
}

enum kf_err kf_store_code_insert(struct kf_db *db, const char *hash, enum kf_auth_kind kind, bool oauth, int64_t app,
				 int64_t authorization, const char *redirect_uri, const char *challenge,
				 const char *scope, int64_t now, int64_t expires_at, int64_t *id)
{
	const char *text = kf_store_code_kind_text(kind, oauth);
	if (!text)
		return KF_EINVAL;
	struct kf_stmt *st = kf_db_prepare(
		db, "INSERT INTO codes (hash, kind, app, authorization_id, redirect_uri, code_challenge, scope, created_at,"
		    " expires_at) VALUES (?, ?, ?, NULLIF(?, 0), ?, ?, ?, ?, ?)");
	if (!st)
		return KF_EDB;
	kf_stmt_bind_text(st, 1, hash);
	kf_stmt_bind_text(st, 2, text);
	kf_stmt_bind_int(st, 3, app);
	kf_stmt_bind_int(st, 4, authorization);
	kf_stmt_bind_text(st, 5, redirect_uri);
	kf_stmt_bind_text(st, 6, challenge);
	kf_stmt_bind_text(st, 7, scope);
	kf_stmt_bind_int(st, 8, now);
	kf_stmt_bind_int(st, 9, expires_at);
	if (kf_stmt_exec(st) != KF_OK)
		return KF_EDB;
	if (id)
		*id = kf_db_last_id(db);
	return KF_OK;
}

enum kf_err kf_store_code_get(struct kf_db *db, const char *hash, struct kf_code_row *out)
{
	struct kf_stmt *st = kf_db_prepare(
		db, "SELECT id, kind, app, COALESCE(authorization_id, 0), created_at, expires_at, COALESCE(used_at, 0),"
		    " redirect_uri, code_challenge, scope FROM codes WHERE hash = ?");
	if (!st)
		return KF_EDB;
	kf_stmt_bind_text(st, 1, hash);
	enum kf_step s = kf_stmt_step(st);
	if (s == KF_STEP_ROW) {
		memset(out, 0, sizeof(*out));
		out->id = kf_stmt_int(st, 0);
		if (!kf_store_code_kind_parse(kf_stmt_text(st, 1), &out->kind, &out->oauth))
			out->kind = KIND_UNKNOWN;
		out->app = kf_stmt_int(st, 2);
		out->authorization = kf_stmt_int(st, 3);
		out->created_at = kf_stmt_int(st, 4);
		out->expires_at = kf_stmt_int(st, 5);
		out->used_at = kf_stmt_int(st, 6);
		COPY(out->redirect_uri, kf_stmt_text(st, 7));
		COPY(out->code_challenge, kf_stmt_text(st, 8));
		COPY(out->scope, kf_stmt_text(st, 9));
	}
	kf_stmt_done(st);
	return s == KF_STEP_ROW ? KF_OK : s == KF_STEP_DONE ? KF_ENOTFOUND : KF_EDB;
}

enum kf_err kf_store_code_use(struct kf_db *db, int64_t id, int64_t now)
{
	struct kf_stmt *st = kf_db_prepare(db, "UPDATE codes SET used_at = ? WHERE id = ? AND used_at IS NULL");
	if (!st)
		return KF_EDB;
	kf_stmt_bind_int(st, 1, now);
	kf_stmt_bind_int(st, 2, id);
	if (kf_stmt_exec(st) != KF_OK)
		return KF_EDB;
	return kf_db_changes(db) ? KF_OK : KF_ECONFLICT;
}

enum kf_err kf_store_code_bind(struct kf_db *db, int64_t id, int64_t authorization)
{
	struct kf_stmt *st = kf_db_prepare(db, "UPDATE codes SET authorization_id = ? WHERE id = ?");
	if (!st)
		return KF_EDB;
	kf_stmt_bind_int(st, 1, authorization);
	kf_stmt_bind_int(st, 2, id);
	return kf_stmt_exec(st);
}
