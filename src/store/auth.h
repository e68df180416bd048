/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Storage of authorizations, tokens and codes (hashes only), and the
 * revocation counter that lets every process drop cached token checks
 * within a second of a revocation anywhere.
 */
#ifndef KF_STORE_AUTH_H
#define KF_STORE_AUTH_H

#include <stdbool.h>
#include <stdint.h>

#include "core/auth.h"
#include "core/err.h"

struct kf_db;

/*
 * Token kinds are stored as text; this is the one mapping between the text
 * and core's enum kf_auth_kind (codes: kf_store_code_kind_*):
 *   KF_AUTH_KIND_APP_ACCESS "component_access", AUTHORIZER_ACCESS
 *   "authorizer_access", AUTHORIZER_REFRESH "authorizer_refresh", OAUTH_ACCESS
 *   "oauth_access", OAUTH_REFRESH "oauth_refresh".
 * Static text, NULL for a code kind or out of range; parse is false (out
 * untouched) for NULL or unknown text.
 */
const char *kf_store_token_kind_text(enum kf_auth_kind kind);
bool kf_store_token_kind_parse(const char *text, enum kf_auth_kind *out);
/* Codes: KF_AUTH_KIND_PRE_AUTH_CODE "pre_auth", KF_AUTH_KIND_AUTH_CODE
 * "auth" (component API) or, with oauth, "oauth". */
const char *kf_store_code_kind_text(enum kf_auth_kind kind, bool oauth);
bool kf_store_code_kind_parse(const char *text, enum kf_auth_kind *out, bool *oauth);

/* KF_EINVAL for a kind that is not a token kind. */
enum kf_err kf_store_token_insert(struct kf_db *db, const char *hash, enum kf_auth_kind kind, int64_t app,
				  int64_t authorization, const char *family, int64_t code, int64_t now,
				  int64_t expires_at, int64_t *id) KF_MUST_CHECK;
/* KF_ENOTFOUND when no token has this hash. */
/* The token with its app's and authorization's state, as core's type: an
 * unknown stored kind, app state or authorization state reads as a token
 * core refuses (kind out of range, app KF_APP_DELETED, authorization
 * KF_AUTH_STATE_NONE). */
enum kf_err kf_store_token_get(struct kf_db *db, const char *hash, struct kf_auth_token *out) KF_MUST_CHECK;
/* Revoke tokens: by id, every token of an authorization, or every token
 * issued from a code (AUTH-3 replay); each appends to revocations. */
enum kf_err kf_store_token_revoke(struct kf_db *db, int64_t id, int64_t now) KF_MUST_CHECK;
enum kf_err kf_store_tokens_revoke_authorization(struct kf_db *db, int64_t authorization, int64_t now) KF_MUST_CHECK;
enum kf_err kf_store_tokens_revoke_code(struct kf_db *db, int64_t code, int64_t now) KF_MUST_CHECK;
/* Unused codes bound to an authorization are used up (marked used at now),
 * so they can never be redeemed (AUTH-2: its grants end). */
enum kf_err kf_store_codes_revoke_authorization(struct kf_db *db, int64_t authorization, int64_t now) KF_MUST_CHECK;
/* AUTH-5 suspension: every live token of the app (app, authorizer and
 * OAuth, access and refresh) is revoked and every unused code (pre-auth,
 * authorization, OAuth) used up; the authorizations stay. */
enum kf_err kf_store_app_suspend_grants(struct kf_db *db, int64_t app, int64_t now) KF_MUST_CHECK;
/* DATA-3: an app that ends loses every authorization and token. */
enum kf_err kf_store_app_end_grants(struct kf_db *db, int64_t app, int64_t now) KF_MUST_CHECK;
/* Retention: delete tokens and codes that expired or were revoked or used
 * before `before`. Returns the rows deleted or -1. */
int kf_store_tokens_expire(struct kf_db *db, int64_t before);
/* Revoke the other live tokens of this kind for the authorization (a new
 * authorizer access token replaces the old one). */
enum kf_err kf_store_tokens_revoke_kind(struct kf_db *db, int64_t authorization, enum kf_auth_kind kind,
				       int64_t now) KF_MUST_CHECK;
/* OAuth refresh rotation: mark a refresh token rotated away; revoke every
 * token of a family (reuse detected, or the client revoked it). */
enum kf_err kf_store_token_supersede(struct kf_db *db, int64_t id, int64_t now) KF_MUST_CHECK;
enum kf_err kf_store_tokens_revoke_family(struct kf_db *db, const char *family, int64_t now) KF_MUST_CHECK;
/* Record that what tokens stand for changed (e.g. an app's live sets), so
 * every process drops its cached token checks. */
enum kf_err kf_store_revocation_note(struct kf_db *db, int64_t now, const char *what) KF_MUST_CHECK;
/* The highest revocation id (0 when none). */
enum kf_err kf_store_revocation_mark(struct kf_db *db, int64_t *mark) KF_MUST_CHECK;

struct kf_code_row {
	int64_t id;
	enum kf_auth_kind kind; /* PRE_AUTH_CODE or AUTH_CODE; out of range for unknown text */
	bool oauth;             /* an OAuth authorization code */
	int64_t app;
	int64_t authorization;
	int64_t created_at, expires_at, used_at;
	char redirect_uri[1100];
	char code_challenge[130];
	char scope[512];
};

/* KF_EINVAL for a kind that is not a code kind. */
enum kf_err kf_store_code_insert(struct kf_db *db, const char *hash, enum kf_auth_kind kind, bool oauth, int64_t app,
				 int64_t authorization, const char *redirect_uri, const char *challenge,
				 const char *scope, int64_t now, int64_t expires_at, int64_t *id) KF_MUST_CHECK;
enum kf_err kf_store_code_get(struct kf_db *db, const char *hash, struct kf_code_row *out) KF_MUST_CHECK;
/* Mark used; KF_ECONFLICT when it already was (a replay). */
enum kf_err kf_store_code_use(struct kf_db *db, int64_t id, int64_t now) KF_MUST_CHECK;
enum kf_err kf_store_code_bind(struct kf_db *db, int64_t id, int64_t authorization) KF_MUST_CHECK;

#endif
