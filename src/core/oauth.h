/* SPDX-License-Identifier: Apache-2.0 */
/*
 * OAuth 2.0 rules over the grant model of core/auth.h, as pure functions:
 * PKCE S256 (RFC 7636), redirect URIs (registration per RFC 8252 and exact
 * matching per RFC 9700 §4.1.3), scope strings (RFC 6749 §3.3) mapped to
 * permission-set keys, client authentication (RFC 6749 §2.3), the checks
 * of an authorization request and of a code redemption, and the RFC 6749
 * §5.2 error names with their HTTP statuses.
 *
 * Functions fill struct kf_error with a fine-grained name
 * ("redirect_uri_mismatch"); kf_oauth_error_for turns any error into the
 * RFC 6749 error to send. Messages never quote the caller's text.
 *
 * No I/O: URLs are taken apart with libcurl's URL API (no network), SHA-256
 * comes from OpenSSL.
 */
#ifndef KF_CORE_OAUTH_H
#define KF_CORE_OAUTH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/auth.h"
#include "core/err.h"
#include "core/redirect.h"

/* ---- errors (RFC 6749 §4.1.2.1, §5.2; RFC 7009 §2.2.1) ------------------- */

enum kf_oauth_error {
	KF_OAUTH_INVALID_REQUEST,
	KF_OAUTH_INVALID_CLIENT,
	KF_OAUTH_INVALID_GRANT,
	KF_OAUTH_UNAUTHORIZED_CLIENT,
	KF_OAUTH_UNSUPPORTED_GRANT_TYPE,
	KF_OAUTH_INVALID_SCOPE,
	KF_OAUTH_ACCESS_DENIED,
	KF_OAUTH_UNSUPPORTED_RESPONSE_TYPE,
	KF_OAUTH_SERVER_ERROR,
	KF_OAUTH_TEMPORARILY_UNAVAILABLE,
	KF_OAUTH_UNSUPPORTED_TOKEN_TYPE,
};

/* The RFC name ("invalid_request", ...); NULL when out of range. */
const char *kf_oauth_error_name(enum kf_oauth_error e);

/* HTTP status for a JSON error response: invalid_client 401 (send
 * WWW-Authenticate when the client used HTTP Basic), access_denied 403,
 * server_error 500, temporarily_unavailable 503, everything else 400.
 * 500 when out of range. */
int kf_oauth_error_status(enum kf_oauth_error e);

/*
 * The RFC 6749 error for a filled kf_error: by err->name from a table that
 * covers every name returned here and in core/auth.h (code_used ->
 * invalid_grant, unknown_scope -> invalid_scope, app_suspended ->
 * access_denied, ...); otherwise by err->code: KF_EINVAL invalid_request,
 * KF_EAUTH invalid_grant, KF_EFORBIDDEN access_denied, KF_EUNAVAIL
 * temporarily_unavailable, anything else (and NULL) server_error.
 */
enum kf_oauth_error kf_oauth_error_for(const struct kf_error *err);

/* ---- PKCE (RFC 7636) -------------------------------------------------------- */

#define KF_OAUTH_VERIFIER_MIN 43
#define KF_OAUTH_VERIFIER_MAX 128
#define KF_OAUTH_CHALLENGE_LEN 43 /* BASE64URL(SHA256(verifier)), no padding */

/* True for 43..128 characters of [A-Za-z0-9-._~] (RFC 7636 §4.1). */
bool kf_oauth_pkce_verifier_valid(const char *verifier);

/*
 * challenge = BASE64URL(SHA256(ASCII(verifier))) without padding, and a
 * NUL, into out. KF_OK; KF_EINVAL "invalid_code_verifier" (field
 * "code_verifier") when the verifier is not valid; KF_EINTERNAL
 * "digest_failed". out = "" on error.
 */
KF_MUST_CHECK enum kf_err kf_oauth_pkce_challenge(const char *verifier,
						  char out[KF_OAUTH_CHALLENGE_LEN + 1],
						  struct kf_error *err);

/*
 * The PKCE parameters of an authorization request. Only S256 is accepted.
 * challenge NULL/"" means none: KF_OK unless required; KF_EINVAL (all
 * invalid_request):
 *   pkce_required            (field "code_challenge") required and none given
 *   pkce_method_unsupported  (field "code_challenge_method") a challenge with
 *                            a method other than "S256", or with none (RFC
 *                            7636 §4.3 makes that "plain", which is refused)
 *   invalid_code_challenge   (field "code_challenge") not 43 base64url chars
 *   pkce_method_unsupported  a method without a challenge
 */
KF_MUST_CHECK enum kf_err kf_oauth_pkce_check_request(const char *challenge, const char *method,
						      bool required, struct kf_error *err);

/*
 * At the token endpoint: challenge is what the code stored (NULL/"" =
 * none), verifier what the client sent (NULL/"" = none).
 *   none and none         -> KF_OK
 *   challenge, no verifier -> KF_EAUTH "code_verifier_missing"
 *   verifier, no challenge -> KF_EAUTH "code_verifier_unexpected" (RFC 9700
 *                            §4.8.2: a downgrade attempt)
 *   malformed verifier    -> KF_EINVAL "invalid_code_verifier"
 *   mismatch              -> KF_EAUTH "pkce_mismatch" (constant-time compare)
 * Field "code_verifier".
 */
KF_MUST_CHECK enum kf_err kf_oauth_pkce_verify(const char *verifier, const char *challenge,
					       struct kf_error *err);

/* ---- redirect URIs ----------------------------------------------------------- */

/* The registration rule of redirect URIs (APP-4) is in core/redirect.h
 * (kf_redirect_register_check), where app validation reaches it without
 * depending on the OAuth flows. */
#define KF_OAUTH_REDIRECT_URIS_MAX KF_REDIRECT_URIS_MAX
#define KF_OAUTH_REDIRECT_URI_MAX KF_REDIRECT_URI_MAX


/*
 * Find the registered URI the request names. Comparison is byte for byte:
 * no case folding, no normalisation, no prefix or wildcard (RFC 9700
 * §4.1.3). With loopback_any_port, a registered http loopback URI also
 * matches the same URI with another port or none (RFC 8252 §7.3: native
 * apps listen on an ephemeral port); nothing else differs.
 * presented NULL/"" is allowed only when exactly one URI is registered
 * (RFC 6749 §3.1.2.3): that one is chosen.
 * KF_OK with *index; or KF_EINVAL (invalid_request; never redirect these to
 * the client, RFC 6749 §4.1.2.1), field "redirect_uri":
 *   redirect_uri_required  none given and zero or several registered
 *   redirect_uri_mismatch  no registered URI matches
 * and, before any comparison, the errors of kf_redirect_check
 * (core/redirect.h; rule APP-4) for a presented URI a browser could read
 * differently (backslash, user info, control characters, %00, ...).
 */
KF_MUST_CHECK enum kf_err kf_oauth_redirect_uri_match(const char *presented,
						      const char *const *registered, size_t n,
						      bool loopback_any_port, size_t *index,
						      struct kf_error *err);

/* ---- scope -------------------------------------------------------------------- */

#define KF_OAUTH_SCOPE_MAX 1024 /* bytes */

/*
 * Parse a scope string: permission-set keys separated by spaces (RFC 6749
 * §3.3; runs of spaces are tolerated, duplicates ignored). offered: the
 * app's live sets with their catalog keys. out gets the named sets (copies
 * of the offered entries, keys borrowed from offered) in request order; a
 * NULL, empty or all-space scope names every offered set with a key (the
 * default scope). KF_EINVAL (invalid_scope), field "scope":
 *   invalid_scope  over 1024 bytes, or a character outside %x21 / %x23-5B /
 *                  %x5D-7E
 *   unknown_scope  a key that is not among the offered sets
 * *n_out = 0 on error.
 */
KF_MUST_CHECK enum kf_err kf_oauth_scope_parse(const char *scope, const struct kf_auth_set *offered,
					       size_t n_offered,
					       struct kf_auth_set out[KF_AUTH_SETS_MAX],
					       size_t *n_out, struct kf_error *err);

/* The scope string of granted sets (keys from catalog, space-separated, in
 * the order of sets) into out. False (out = "" when outsize > 0) when out is
 * too small or a set has no key in catalog. */
bool kf_oauth_scope_format(const struct kf_auth_sets *sets, const struct kf_auth_set *catalog,
			   size_t n_catalog, char *out, size_t outsize);

/* ---- clients -------------------------------------------------------------- */

enum kf_oauth_client_type {
	KF_OAUTH_CLIENT_CONFIDENTIAL, /* has a secret */
	KF_OAUTH_CLIENT_PUBLIC,       /* no secret; PKCE required */
};

/* Token endpoint authentication methods (RFC 8414 / RFC 7591 names). */
enum kf_oauth_auth_method {
	KF_OAUTH_AUTH_NONE,
	KF_OAUTH_AUTH_SECRET_BASIC,
	KF_OAUTH_AUTH_SECRET_POST,
};

/* "none", "client_secret_basic", "client_secret_post"; NULL when out of range. */
const char *kf_oauth_auth_method_name(enum kf_oauth_auth_method m);

#define KF_OAUTH_CLIENT_ID_MAX 64
#define KF_OAUTH_CLIENT_SECRET_MAX 128
#define KF_OAUTH_AUTHORIZATION_MAX 1024 /* bytes of an Authorization header value */

/* The client credentials of a token, introspection or revocation request.
 * Wipe with kf_oauth_client_auth_clear once the secret is checked. */
struct kf_oauth_client_auth {
	enum kf_oauth_auth_method method;
	char client_id[KF_OAUTH_CLIENT_ID_MAX + 1];
	char client_secret[KF_OAUTH_CLIENT_SECRET_MAX + 1]; /* "" for none */
};

/*
 * Collect the client's credentials from the Authorization header value
 * (NULL = absent) and the body's client_id and client_secret (NULL or "" =
 * absent). HTTP Basic carries form-urlencoded id and secret, base64-encoded
 * (RFC 6749 §2.3.1); the scheme name is case-insensitive.
 *   KF_EINVAL "multiple_client_auth"  Basic and a body client_secret (§2.3)
 *   KF_EINVAL "client_id_mismatch"    Basic and a different body client_id
 *   KF_EAUTH  "client_auth_invalid"   an Authorization header that is not a
 *                                     well-formed Basic credential, or an id
 *                                     or secret that is empty (id only),
 *                                     too long or has control characters
 *   KF_EAUTH  "client_auth_missing"   no client_id anywhere
 * On KF_OK: Basic -> SECRET_BASIC; body secret -> SECRET_POST; only a
 * client_id -> NONE. out is zeroed on error.
 */
KF_MUST_CHECK enum kf_err kf_oauth_client_auth_parse(const char *authorization,
						     const char *body_client_id,
						     const char *body_client_secret,
						     struct kf_oauth_client_auth *out,
						     struct kf_error *err);

/* Wipe the secret (OPENSSL_cleanse) and zero the struct. a may be NULL. */
void kf_oauth_client_auth_clear(struct kf_oauth_client_auth *a);

/*
 * Does the method suit the client? Confidential: client_secret_basic or
 * client_secret_post, else KF_EAUTH "client_secret_required". Public: none,
 * else KF_EAUTH "public_client_secret" (a public client has no secret to
 * send). Both invalid_client. The caller then checks the secret
 * (kf_app_secret_valid_at, constant-time comparison of hashes).
 */
KF_MUST_CHECK enum kf_err kf_oauth_client_auth_check(enum kf_oauth_client_type type,
						     enum kf_oauth_auth_method m,
						     struct kf_error *err);

/* ---- the authorization endpoint ------------------------------------------------ */

#define KF_OAUTH_STATE_MAX 512 /* bytes of the state parameter */

/* The query of GET /oauth/authorize (NULL = absent); client_id was already
 * used to find the client. */
struct kf_oauth_authorize_request {
	const char *response_type;
	const char *redirect_uri;
	const char *scope;
	const char *state;
	const char *code_challenge;
	const char *code_challenge_method;
};

/* What is registered for the client (the app). Borrowed. */
struct kf_oauth_client {
	enum kf_oauth_client_type type;
	const char *const *redirect_uris;
	size_t n_redirect_uris;
	const struct kf_auth_set *sets; /* the app's live permission sets, with keys */
	size_t n_sets;
	bool loopback_any_port; /* see kf_oauth_redirect_uri_match */
};

struct kf_oauth_authorize {
	size_t redirect_index;   /* the registered URI to send the browser back to */
	bool redirect_uri_given; /* the request named it: the token request must repeat it */
	bool redirectable;       /* on error: the error may go to the redirect URI */
	struct kf_auth_set sets[KF_AUTH_SETS_MAX]; /* asked for: show these on the consent page */
	size_t n_sets;
};

/*
 * Check an authorization request (RFC 6749 §4.1.1, RFC 7636, RFC 9700) in
 * the order that decides where an error goes:
 *   1. redirect URI (kf_oauth_redirect_uri_match): on error redirectable is
 *      false: show the error page, never redirect.
 *   2. then redirectable is true and, KF_EINVAL:
 *      unsupported_response_type  response_type is not "code" (field
 *                                 "response_type"; missing: invalid_request
 *                                 "response_type_missing")
 *      invalid_state              state over KF_OAUTH_STATE_MAX bytes or with
 *                                 a character outside printable ASCII
 *      PKCE (kf_oauth_pkce_check_request): required for public clients
 *      scope (kf_oauth_scope_parse)
 * On KF_OK out holds everything; on error out->redirectable (and
 * redirect_index when redirectable) are set.
 */
KF_MUST_CHECK enum kf_err kf_oauth_authorize_check(const struct kf_oauth_authorize_request *r,
						   const struct kf_oauth_client *c,
						   struct kf_oauth_authorize *out,
						   struct kf_error *err);

/* ---- the token endpoint ------------------------------------------------------- */

enum kf_oauth_grant {
	KF_OAUTH_GRANT_AUTHORIZATION_CODE,
	KF_OAUTH_GRANT_REFRESH_TOKEN,
	KF_OAUTH_GRANT_CLIENT_CREDENTIALS, /* issues an app access token */
};

/* "authorization_code", "refresh_token", "client_credentials"; NULL when
 * out of range. */
const char *kf_oauth_grant_name(enum kf_oauth_grant g);

/*
 * The grant_type of a token request, for a client of this type:
 *   KF_EINVAL "grant_type_missing"      (invalid_request) NULL or ""
 *   KF_EINVAL "unsupported_grant_type"  anything else than the three
 *   KF_EAUTH  "unauthorized_client"     client_credentials for a public
 *                                       client (it cannot authenticate)
 * Field "grant_type".
 */
KF_MUST_CHECK enum kf_err kf_oauth_grant_parse(const char *grant_type,
					       enum kf_oauth_client_type type,
					       enum kf_oauth_grant *out, struct kf_error *err);

/* An authorization code as stored (borrowed strings). */
struct kf_oauth_code {
	const char *client_id;      /* the app it was issued to */
	const char *redirect_uri;   /* as the authorization request named it; NULL/"" if not */
	const char *code_challenge; /* NULL/"" when the request had none */
	int64_t created_at;
	int64_t used_at; /* 0 = unused */
	int64_t expires_at;
};

/*
 * May the authenticated client redeem this code (grant_type
 * authorization_code)? In this order:
 *   kf_auth_check_code: code_used (sets *revoke_issued: revoke every token
 *     issued from the code), code_expired
 *   KF_EAUTH "code_client_mismatch"  issued to another client (RFC 6749 §4.1.3)
 *   KF_EAUTH "redirect_uri_changed"  the code recorded a redirect_uri and the
 *                                    request does not repeat it byte for byte
 *   kf_oauth_pkce_verify
 * All invalid_grant except invalid_code_verifier (invalid_request).
 * revoke_issued may be NULL.
 */
KF_MUST_CHECK enum kf_err kf_oauth_code_redeem_check(const struct kf_oauth_code *code,
						     const char *client_id,
						     const char *redirect_uri,
						     const char *code_verifier, int64_t now,
						     bool *revoke_issued, struct kf_error *err);

#endif
