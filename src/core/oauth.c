/* SPDX-License-Identifier: Apache-2.0 */
/*
 * OAuth 2.0 rules. Redirect URIs are compared as the bytes the client
 * registered, never normalised: two spellings of one URL are two different
 * URIs, which is what RFC 9700 §4.1.3 asks for. Registration is where
 * URIs are judged by the shared redirect rule (core/redirect.h) and
 * refused when unsafe; a presented one is judged by it again before the
 * comparison, so text a browser would read differently never matches.
 *
 * Everything that reads attacker-controlled text (the Authorization
 * header, scope, state, verifier) caps its length before looking at it.
 */
#include "core/oauth.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "core/redirect.h"
#include "core/validate.h"

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* ---- errors ------------------------------------------------------------------ */

static const struct {
	const char *name;
	int status;
} errors[] = {
	[KF_OAUTH_INVALID_REQUEST] = { "invalid_request", 400 },
	[KF_OAUTH_INVALID_CLIENT] = { "invalid_client", 401 },
	[KF_OAUTH_INVALID_GRANT] = { "invalid_grant", 400 },
	[KF_OAUTH_UNAUTHORIZED_CLIENT] = { "unauthorized_client", 400 },
	[KF_OAUTH_UNSUPPORTED_GRANT_TYPE] = { "unsupported_grant_type", 400 },
	[KF_OAUTH_INVALID_SCOPE] = { "invalid_scope", 400 },
	[KF_OAUTH_ACCESS_DENIED] = { "access_denied", 403 },
	[KF_OAUTH_UNSUPPORTED_RESPONSE_TYPE] = { "unsupported_response_type", 400 },
	[KF_OAUTH_SERVER_ERROR] = { "server_error", 500 },
	[KF_OAUTH_TEMPORARILY_UNAVAILABLE] = { "temporarily_unavailable", 503 },
	[KF_OAUTH_UNSUPPORTED_TOKEN_TYPE] = { "unsupported_token_type", 400 },
};

static bool error_valid(enum kf_oauth_error e)
{
	return (int)e >= 0 && (size_t)e < ARRAY_LEN(errors);
}

const char *kf_oauth_error_name(enum kf_oauth_error e)
{
	return error_valid(e) ? errors[e].name : NULL;
}

int kf_oauth_error_status(enum kf_oauth_error e)
{
	return error_valid(e) ? errors[e].status : 500;
}

/* Names from here and from core/auth.h (and core/app.h's refusals). */
static const struct {
	const char *name;
	enum kf_oauth_error error;
} error_map[] = {
	{ "invalid_request", KF_OAUTH_INVALID_REQUEST },
	{ "response_type_missing", KF_OAUTH_INVALID_REQUEST },
	{ "invalid_state", KF_OAUTH_INVALID_REQUEST },
	{ "pkce_required", KF_OAUTH_INVALID_REQUEST },
	{ "pkce_method_unsupported", KF_OAUTH_INVALID_REQUEST },
	{ "invalid_code_challenge", KF_OAUTH_INVALID_REQUEST },
	{ "invalid_code_verifier", KF_OAUTH_INVALID_REQUEST },
	{ "redirect_uri_required", KF_OAUTH_INVALID_REQUEST },
	{ "redirect_uri_mismatch", KF_OAUTH_INVALID_REQUEST },
	{ "grant_type_missing", KF_OAUTH_INVALID_REQUEST },
	{ "multiple_client_auth", KF_OAUTH_INVALID_REQUEST },
	{ "client_id_mismatch", KF_OAUTH_INVALID_REQUEST },
	{ "data_format_error", KF_OAUTH_INVALID_REQUEST },
	{ "invalid_client", KF_OAUTH_INVALID_CLIENT },
	{ "client_auth_missing", KF_OAUTH_INVALID_CLIENT },
	{ "client_auth_invalid", KF_OAUTH_INVALID_CLIENT },
	{ "client_secret_required", KF_OAUTH_INVALID_CLIENT },
	{ "public_client_secret", KF_OAUTH_INVALID_CLIENT },
	{ "invalid_component", KF_OAUTH_INVALID_CLIENT },
	{ "invalid_appsecret", KF_OAUTH_INVALID_CLIENT },
	{ "invalid_grant", KF_OAUTH_INVALID_GRANT },
	{ "code_invalid", KF_OAUTH_INVALID_GRANT },
	{ "code_unknown", KF_OAUTH_INVALID_GRANT },
	{ "code_used", KF_OAUTH_INVALID_GRANT },
	{ "code_expired", KF_OAUTH_INVALID_GRANT },
	{ "code_client_mismatch", KF_OAUTH_INVALID_GRANT },
	{ "redirect_uri_changed", KF_OAUTH_INVALID_GRANT },
	{ "code_verifier_missing", KF_OAUTH_INVALID_GRANT },
	{ "code_verifier_unexpected", KF_OAUTH_INVALID_GRANT },
	{ "pkce_mismatch", KF_OAUTH_INVALID_GRANT },
	{ "refresh_token_invalid", KF_OAUTH_INVALID_GRANT },
	{ "refresh_token_revoked", KF_OAUTH_INVALID_GRANT },
	{ "refresh_token_expired", KF_OAUTH_INVALID_GRANT },
	{ "refresh_token_reused", KF_OAUTH_INVALID_GRANT },
	{ "refresh_token_client_mismatch", KF_OAUTH_INVALID_GRANT },
	{ "not_authorized", KF_OAUTH_INVALID_GRANT },
	{ "unauthorized_client", KF_OAUTH_UNAUTHORIZED_CLIENT },
	{ "unsupported_grant_type", KF_OAUTH_UNSUPPORTED_GRANT_TYPE },
	{ "invalid_scope", KF_OAUTH_INVALID_SCOPE },
	{ "unknown_scope", KF_OAUTH_INVALID_SCOPE },
	{ "access_denied", KF_OAUTH_ACCESS_DENIED },
	{ "consent_denied", KF_OAUTH_ACCESS_DENIED },
	{ "app_deleted", KF_OAUTH_ACCESS_DENIED },
	{ "app_suspended", KF_OAUTH_ACCESS_DENIED },
	{ "app_delisted", KF_OAUTH_ACCESS_DENIED },
	{ "app_withdrawn", KF_OAUTH_ACCESS_DENIED },
	{ "app_not_approved", KF_OAUTH_ACCESS_DENIED },
	{ "not_on_test_allowlist", KF_OAUTH_ACCESS_DENIED },
	{ "self_use_app", KF_OAUTH_ACCESS_DENIED },
	{ "unsupported_response_type", KF_OAUTH_UNSUPPORTED_RESPONSE_TYPE },
	{ "unsupported_token_type", KF_OAUTH_UNSUPPORTED_TOKEN_TYPE },
	{ "server_error", KF_OAUTH_SERVER_ERROR },
	{ "system_error", KF_OAUTH_SERVER_ERROR },
	{ "digest_failed", KF_OAUTH_SERVER_ERROR },
	{ "invalid_code_record", KF_OAUTH_SERVER_ERROR },
	{ "temporarily_unavailable", KF_OAUTH_TEMPORARILY_UNAVAILABLE },
};

enum kf_oauth_error kf_oauth_error_for(const struct kf_error *err)
{
	if (!err)
		return KF_OAUTH_SERVER_ERROR;
	for (size_t i = 0; err->name && i < ARRAY_LEN(error_map); i++) {
		if (strcmp(err->name, error_map[i].name) == 0)
			return error_map[i].error;
	}
	switch (err->code) {
	case KF_EINVAL: return KF_OAUTH_INVALID_REQUEST;
	case KF_EAUTH: return KF_OAUTH_INVALID_GRANT;
	case KF_EFORBIDDEN: return KF_OAUTH_ACCESS_DENIED;
	case KF_EUNAVAIL: return KF_OAUTH_TEMPORARILY_UNAVAILABLE;
	default: return KF_OAUTH_SERVER_ERROR;
	}
}

/* ---- PKCE --------------------------------------------------------------------- */

static bool is_unreserved(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
	       c == '-' || c == '.' || c == '_' || c == '~';
}

static bool empty(const char *s)
{
	return !s || s[0] == '\0';
}

bool kf_oauth_pkce_verifier_valid(const char *verifier)
{
	if (!verifier)
		return false;
	size_t n = strnlen(verifier, KF_OAUTH_VERIFIER_MAX + 1);
	if (n < KF_OAUTH_VERIFIER_MIN || n > KF_OAUTH_VERIFIER_MAX)
		return false;
	for (size_t i = 0; i < n; i++) {
		if (!is_unreserved((unsigned char)verifier[i]))
			return false;
	}
	return true;
}

enum kf_err kf_oauth_pkce_challenge(const char *verifier, char out[KF_OAUTH_CHALLENGE_LEN + 1],
				    struct kf_error *err)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int len = 0;
	out[0] = '\0';
	if (!kf_oauth_pkce_verifier_valid(verifier))
		return kf_error_set(err, KF_EINVAL, "invalid_code_verifier", NULL, "code_verifier",
				    "code_verifier must be 43 to 128 characters of A-Z a-z 0-9 - . _ ~");
	if (EVP_Digest(verifier, strlen(verifier), md, &len, EVP_sha256(), NULL) != 1 || len != 32 ||
	    kf_auth_base64url(md, len, out, KF_OAUTH_CHALLENGE_LEN + 1) != KF_OAUTH_CHALLENGE_LEN) {
		out[0] = '\0';
		return kf_error_set(err, KF_EINTERNAL, "digest_failed", NULL, NULL,
				    "SHA-256 of the code verifier failed");
	}
	return KF_OK;
}

/* 43 base64url characters whose last one carries no stray bits (the
 * canonical text of 32 bytes: the only kind an S256 verifier can match). */
static bool challenge_valid(const char *s)
{
	return kf_auth_base64url_canonical(s, strnlen(s, KF_OAUTH_CHALLENGE_LEN + 1), 32);
}

enum kf_err kf_oauth_pkce_check_request(const char *challenge, const char *method, bool required,
					struct kf_error *err)
{
	if (empty(challenge)) {
		if (required)
			return kf_error_set(err, KF_EINVAL, "pkce_required", NULL, "code_challenge",
					    "this client must use PKCE: send code_challenge with "
					    "code_challenge_method=S256");
		if (!empty(method))
			return kf_error_set(err, KF_EINVAL, "pkce_method_unsupported", NULL,
					    "code_challenge_method",
					    "code_challenge_method was sent without code_challenge");
		return KF_OK;
	}
	if (empty(method) || strcmp(method, "S256") != 0)
		return kf_error_set(err, KF_EINVAL, "pkce_method_unsupported", NULL,
				    "code_challenge_method",
				    "only code_challenge_method=S256 is supported (plain is refused)");
	if (!challenge_valid(challenge))
		return kf_error_set(err, KF_EINVAL, "invalid_code_challenge", NULL, "code_challenge",
				    "code_challenge must be 43 base64url characters (S256)");
	return KF_OK;
}

enum kf_err kf_oauth_pkce_verify(const char *verifier, const char *challenge, struct kf_error *err)
{
	if (empty(challenge)) {
		if (empty(verifier))
			return KF_OK;
		return kf_error_set(err, KF_EAUTH, "code_verifier_unexpected", NULL, "code_verifier",
				    "code_verifier was sent but the authorization request had no "
				    "code_challenge");
	}
	if (empty(verifier))
		return kf_error_set(err, KF_EAUTH, "code_verifier_missing", NULL, "code_verifier",
				    "code_verifier is required for this code");
	char computed[KF_OAUTH_CHALLENGE_LEN + 1];
	enum kf_err rc = kf_oauth_pkce_challenge(verifier, computed, err);
	if (rc != KF_OK)
		return rc;
	if (strnlen(challenge, KF_OAUTH_CHALLENGE_LEN + 1) != KF_OAUTH_CHALLENGE_LEN ||
	    CRYPTO_memcmp(computed, challenge, KF_OAUTH_CHALLENGE_LEN) != 0)
		return kf_error_set(err, KF_EAUTH, "pkce_mismatch", NULL, "code_verifier",
				    "code_verifier does not match the code_challenge");
	return KF_OK;
}

/* ---- redirect URIs ---------------------------------------------------------- */

/*
 * Split "http://<host>[:<port>]<rest>" where host is a loopback IP literal:
 * *host_len covers "http://<host>", *rest points after the port. False for
 * anything else (other schemes, user info, a host name, a bad port).
 */
static bool split_loopback(const char *s, size_t *host_len, const char **rest)
{
	if (strncmp(s, "http://", 7) != 0)
		return false;
	const char *h = s + 7;
	const char *end;
	char host[64];
	if (h[0] == '[') {
		end = strchr(h, ']');
		if (!end)
			return false;
		end++;
	} else {
		end = h + strcspn(h, ":/?#");
	}
	size_t hl = (size_t)(end - h);
	if (hl == 0 || hl >= sizeof(host))
		return false;
	memcpy(host, h, hl);
	host[hl] = '\0';
	if (!kf_redirect_loopback_literal(host))
		return false;
	const char *p = end;
	if (*p == ':') {
		size_t digits = strspn(p + 1, "0123456789");
		if (digits == 0 || digits > 5)
			return false;
		p += 1 + digits;
	}
	if (*p != '\0' && *p != '/' && *p != '?' && *p != '#')
		return false;
	*host_len = (size_t)(end - s);
	*rest = p;
	return true;
}

static bool loopback_port_match(const char *presented, const char *registered)
{
	size_t hp, hr;
	const char *rp, *rr;
	if (!split_loopback(registered, &hr, &rr) || !split_loopback(presented, &hp, &rp))
		return false;
	return hp == hr && memcmp(presented, registered, hr) == 0 && strcmp(rp, rr) == 0;
}

enum kf_err kf_oauth_redirect_uri_match(const char *presented, const char *const *registered,
					size_t n, bool loopback_any_port, size_t *index,
					struct kf_error *err)
{
	if (empty(presented)) {
		if (n == 1 && registered && registered[0]) {
			/* a URI stored before the rule tightened is not followed either */
			enum kf_err rc = kf_redirect_check(registered[0], NULL, 0, err);
			if (rc != KF_OK)
				return rc;
			*index = 0;
			return KF_OK;
		}
		return kf_error_set(err, KF_EINVAL, "redirect_uri_required", NULL, "redirect_uri",
				    "redirect_uri is required: the client has %s redirect URIs",
				    n == 0 ? "no registered" : "several registered");
	}
	/* issue 9 defect 1: the same rule as registration, before comparing */
	enum kf_err rc = kf_redirect_check(presented, NULL, 0, err);
	if (rc != KF_OK)
		return rc;
	if (strnlen(presented, KF_OAUTH_REDIRECT_URI_MAX + 1) <= KF_OAUTH_REDIRECT_URI_MAX) {
		for (size_t i = 0; registered && i < n; i++) {
			if (registered[i] && strcmp(presented, registered[i]) == 0) {
				*index = i;
				return KF_OK;
			}
		}
		for (size_t i = 0; loopback_any_port && registered && i < n; i++) {
			if (registered[i] && loopback_port_match(presented, registered[i])) {
				*index = i;
				return KF_OK;
			}
		}
	}
	return kf_error_set(err, KF_EINVAL, "redirect_uri_mismatch", NULL, "redirect_uri",
			    "redirect_uri is not one of the client's registered redirect URIs "
			    "(they are compared exactly)");
}

/* ---- scope ------------------------------------------------------------------- */

static bool is_nqchar(unsigned char c)
{
	return c == 0x21 || (c >= 0x23 && c <= 0x5b) || (c >= 0x5d && c <= 0x7e);
}

static const struct kf_auth_set *set_by_key(const struct kf_auth_set *v, size_t n,
					    const char *key, size_t len)
{
	for (size_t i = 0; v && i < n; i++) {
		if (v[i].key && strlen(v[i].key) == len && memcmp(v[i].key, key, len) == 0)
			return &v[i];
	}
	return NULL;
}

static bool out_has(const struct kf_auth_set *out, size_t n, int64_t id)
{
	for (size_t i = 0; i < n; i++) {
		if (out[i].id == id)
			return true;
	}
	return false;
}

enum kf_err kf_oauth_scope_parse(const char *scope, const struct kf_auth_set *offered,
				 size_t n_offered, struct kf_auth_set out[KF_AUTH_SETS_MAX],
				 size_t *n_out, struct kf_error *err)
{
	*n_out = 0;
	size_t len = scope ? strnlen(scope, KF_OAUTH_SCOPE_MAX + 1) : 0;
	if (len > KF_OAUTH_SCOPE_MAX)
		return kf_error_set(err, KF_EINVAL, "invalid_scope", NULL, "scope",
				    "scope is longer than %d bytes", KF_OAUTH_SCOPE_MAX);
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)scope[i];
		if (c != ' ' && !is_nqchar(c))
			return kf_error_set(err, KF_EINVAL, "invalid_scope", NULL, "scope",
					    "scope has a character that is not allowed at offset %zu",
					    i);
	}
	size_t n = 0;
	bool any = false;
	for (size_t i = 0; i < len;) {
		if (scope[i] == ' ') {
			i++;
			continue;
		}
		size_t start = i;
		while (i < len && scope[i] != ' ')
			i++;
		any = true;
		const struct kf_auth_set *s = set_by_key(offered, n_offered, scope + start, i - start);
		if (!s) {
			*n_out = 0;
			return kf_error_set(err, KF_EINVAL, "unknown_scope", NULL, "scope",
					    "scope names a permission set the client does not use "
					    "(token %zu)",
					    n);
		}
		if (!out_has(out, *n_out, s->id) && *n_out < KF_AUTH_SETS_MAX)
			out[(*n_out)++] = *s;
		n++;
	}
	if (!any) {
		for (size_t i = 0; offered && i < n_offered && *n_out < KF_AUTH_SETS_MAX; i++) {
			if (offered[i].key && !out_has(out, *n_out, offered[i].id))
				out[(*n_out)++] = offered[i];
		}
	}
	return KF_OK;
}

bool kf_oauth_scope_format(const struct kf_auth_sets *sets, const struct kf_auth_set *catalog,
			   size_t n_catalog, char *out, size_t outsize)
{
	if (!out || outsize == 0)
		return false;
	out[0] = '\0';
	size_t o = 0;
	for (size_t i = 0; sets && i < sets->n && i < KF_AUTH_SETS_MAX; i++) {
		const char *key = NULL;
		for (size_t j = 0; catalog && j < n_catalog; j++) {
			if (catalog[j].id == sets->ids[i]) {
				key = catalog[j].key;
				break;
			}
		}
		if (!key) {
			out[0] = '\0';
			return false;
		}
		size_t kl = strlen(key);
		if (o + (o ? 1 : 0) + kl + 1 > outsize) {
			out[0] = '\0';
			return false;
		}
		if (o)
			out[o++] = ' ';
		memcpy(out + o, key, kl);
		o += kl;
		out[o] = '\0';
	}
	return true;
}

/* ---- clients -------------------------------------------------------------------- */

const char *kf_oauth_auth_method_name(enum kf_oauth_auth_method m)
{
	switch (m) {
	case KF_OAUTH_AUTH_NONE: return "none";
	case KF_OAUTH_AUTH_SECRET_BASIC: return "client_secret_basic";
	case KF_OAUTH_AUTH_SECRET_POST: return "client_secret_post";
	}
	return NULL;
}

static int b64_value(unsigned char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

/* Strict standard base64 with padding into out (cap bytes). Returns the
 * decoded length, or -1. */
static long b64_decode(const char *in, size_t n, unsigned char *out, size_t cap)
{
	if (n == 0 || n % 4 != 0)
		return -1;
	size_t o = 0;
	for (size_t i = 0; i < n; i += 4) {
		int v[4];
		int pad = 0;
		for (int k = 0; k < 4; k++) {
			unsigned char c = (unsigned char)in[i + k];
			if (c == '=' && i + 4 == n && k >= 2) {
				v[k] = 0;
				pad++;
				continue;
			}
			if (pad)
				return -1; /* data after '=' */
			v[k] = b64_value(c);
			if (v[k] < 0)
				return -1;
		}
		uint32_t w = (uint32_t)v[0] << 18 | (uint32_t)v[1] << 12 | (uint32_t)v[2] << 6 |
			     (uint32_t)v[3];
		size_t bytes = 3 - (size_t)pad;
		if (o + bytes > cap)
			return -1;
		out[o++] = (unsigned char)(w >> 16);
		if (bytes > 1)
			out[o++] = (unsigned char)(w >> 8);
		if (bytes > 2)
			out[o++] = (unsigned char)w;
	}
	return (long)o;
}

/* application/x-www-form-urlencoded decoding of in[0..n) into out (size
 * outsize, NUL-terminated). False when malformed, too long, or the result
 * has a byte outside 0x21..0x7e (a credential has no spaces or controls). */
static bool form_decode(const unsigned char *in, size_t n, char *out, size_t outsize)
{
	size_t o = 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = in[i];
		if (c == '+') {
			c = ' ';
		} else if (c == '%') {
			if (i + 2 >= n)
				return false;
			int hi = kf_hex_digit(in[i + 1]), lo = kf_hex_digit(in[i + 2]);
			if (hi < 0 || lo < 0)
				return false;
			c = (unsigned char)(hi << 4 | lo);
			i += 2;
		}
		if (c <= 0x20 || c >= 0x7f || o + 1 >= outsize)
			return false;
		out[o++] = (char)c;
	}
	out[o] = '\0';
	return true;
}

/* A body parameter taken as is: printable ASCII without spaces, 1..max bytes. */
static bool param_copy(const char *s, char *out, size_t outsize)
{
	size_t n = strnlen(s, outsize);
	if (n == 0 || n >= outsize)
		return false;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c <= 0x20 || c >= 0x7f)
			return false;
	}
	memcpy(out, s, n + 1);
	return true;
}

/* Parse "Basic <base64(id:secret)>" into out->client_id / client_secret. */
static bool parse_basic(const char *h, struct kf_oauth_client_auth *out)
{
	unsigned char buf[KF_OAUTH_AUTHORIZATION_MAX];
	bool ok = false;
	size_t n = strnlen(h, KF_OAUTH_AUTHORIZATION_MAX + 1);
	if (n > KF_OAUTH_AUTHORIZATION_MAX || n < 6 || strncasecmp(h, "basic", 5) != 0 ||
	    h[5] != ' ')
		return false;
	size_t i = 5;
	while (i < n && h[i] == ' ')
		i++;
	size_t end = n;
	while (end > i && h[end - 1] == ' ')
		end--;
	long dl = b64_decode(h + i, end - i, buf, sizeof(buf));
	if (dl < 0)
		goto out;
	unsigned char *colon = memchr(buf, ':', (size_t)dl);
	if (!colon)
		goto out;
	size_t il = (size_t)(colon - buf), sl = (size_t)dl - il - 1;
	ok = il > 0 && form_decode(buf, il, out->client_id, sizeof(out->client_id)) &&
	     form_decode(colon + 1, sl, out->client_secret, sizeof(out->client_secret)) &&
	     out->client_id[0] != '\0';
out:
	OPENSSL_cleanse(buf, sizeof(buf));
	return ok;
}

enum kf_err kf_oauth_client_auth_parse(const char *authorization, const char *body_client_id,
				       const char *body_client_secret,
				       struct kf_oauth_client_auth *out, struct kf_error *err)
{
	enum kf_err rc = KF_OK;
	memset(out, 0, sizeof(*out));
	if (authorization) {
		if (!empty(body_client_secret)) {
			rc = kf_error_set(err, KF_EINVAL, "multiple_client_auth", NULL,
					  "client_secret",
					  "use one client authentication method: HTTP Basic or "
					  "client_secret in the body, not both");
			goto out;
		}
		if (!parse_basic(authorization, out)) {
			rc = kf_error_set(err, KF_EAUTH, "client_auth_invalid", NULL, NULL,
					  "the Authorization header is not a valid HTTP Basic "
					  "client credential");
			goto out;
		}
		if (!empty(body_client_id) && strcmp(body_client_id, out->client_id) != 0) {
			rc = kf_error_set(err, KF_EINVAL, "client_id_mismatch", NULL, "client_id",
					  "client_id differs from the one in the Authorization "
					  "header");
			goto out;
		}
		/* "id:" (an empty password) is a public client naming itself. */
		out->method = out->client_secret[0] ? KF_OAUTH_AUTH_SECRET_BASIC : KF_OAUTH_AUTH_NONE;
		return KF_OK;
	}
	if (empty(body_client_id)) {
		rc = kf_error_set(err, KF_EAUTH, "client_auth_missing", NULL, "client_id",
				  "client authentication is required");
		goto out;
	}
	if (!param_copy(body_client_id, out->client_id, sizeof(out->client_id)) ||
	    (!empty(body_client_secret) &&
	     !param_copy(body_client_secret, out->client_secret, sizeof(out->client_secret)))) {
		rc = kf_error_set(err, KF_EAUTH, "client_auth_invalid", NULL, NULL,
				  "client_id or client_secret is malformed");
		goto out;
	}
	out->method = empty(body_client_secret) ? KF_OAUTH_AUTH_NONE : KF_OAUTH_AUTH_SECRET_POST;
	return KF_OK;
out:
	kf_oauth_client_auth_clear(out);
	return rc;
}

void kf_oauth_client_auth_clear(struct kf_oauth_client_auth *a)
{
	if (!a)
		return;
	OPENSSL_cleanse(a, sizeof(*a));
	memset(a, 0, sizeof(*a));
}

enum kf_err kf_oauth_client_auth_check(enum kf_oauth_client_type type, enum kf_oauth_auth_method m,
				       struct kf_error *err)
{
	bool secret = m == KF_OAUTH_AUTH_SECRET_BASIC || m == KF_OAUTH_AUTH_SECRET_POST;
	if (type == KF_OAUTH_CLIENT_PUBLIC) {
		if (m == KF_OAUTH_AUTH_NONE)
			return KF_OK;
		return kf_error_set(err, KF_EAUTH, "public_client_secret", NULL, NULL,
				    "a public client authenticates with none (and PKCE)");
	}
	if (type == KF_OAUTH_CLIENT_CONFIDENTIAL && secret)
		return KF_OK;
	return kf_error_set(err, KF_EAUTH, "client_secret_required", NULL, NULL,
			    "this client must authenticate with client_secret_basic or "
			    "client_secret_post");
}

/* ---- the authorization endpoint ------------------------------------------------- */

static bool state_ok(const char *s)
{
	size_t n = strnlen(s, KF_OAUTH_STATE_MAX + 1);
	if (n > KF_OAUTH_STATE_MAX)
		return false;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c < 0x20 || c > 0x7e) /* VSCHAR, RFC 6749 Appendix A.5 */
			return false;
	}
	return true;
}

enum kf_err kf_oauth_authorize_check(const struct kf_oauth_authorize_request *r,
				     const struct kf_oauth_client *c, struct kf_oauth_authorize *out,
				     struct kf_error *err)
{
	memset(out, 0, sizeof(*out));
	if (!r || !c)
		return kf_error_set(err, KF_EINTERNAL, "invalid_request", NULL, NULL,
				    "no request or client");
	size_t idx = 0;
	enum kf_err rc = kf_oauth_redirect_uri_match(r->redirect_uri, c->redirect_uris,
						     c->n_redirect_uris, c->loopback_any_port, &idx,
						     err);
	if (rc != KF_OK)
		return rc; /* not redirectable: the URI is not known to be the client's */
	out->redirect_index = idx;
	out->redirect_uri_given = !empty(r->redirect_uri);
	out->redirectable = true;

	if (empty(r->response_type))
		return kf_error_set(err, KF_EINVAL, "response_type_missing", NULL, "response_type",
				    "response_type is required");
	if (strcmp(r->response_type, "code") != 0)
		return kf_error_set(err, KF_EINVAL, "unsupported_response_type", NULL,
				    "response_type", "only response_type=code is supported");
	if (r->state && !state_ok(r->state))
		return kf_error_set(err, KF_EINVAL, "invalid_state", NULL, "state",
				    "state must be at most %d printable ASCII characters",
				    KF_OAUTH_STATE_MAX);
	rc = kf_oauth_pkce_check_request(r->code_challenge, r->code_challenge_method,
					 c->type != KF_OAUTH_CLIENT_CONFIDENTIAL, err);
	if (rc != KF_OK)
		return rc;
	return kf_oauth_scope_parse(r->scope, c->sets, c->n_sets, out->sets, &out->n_sets, err);
}

/* ---- the token endpoint -------------------------------------------------------- */

static const char *const grant_names[] = {
	[KF_OAUTH_GRANT_AUTHORIZATION_CODE] = "authorization_code",
	[KF_OAUTH_GRANT_REFRESH_TOKEN] = "refresh_token",
	[KF_OAUTH_GRANT_CLIENT_CREDENTIALS] = "client_credentials",
};

const char *kf_oauth_grant_name(enum kf_oauth_grant g)
{
	return (int)g >= 0 && (size_t)g < ARRAY_LEN(grant_names) ? grant_names[g] : NULL;
}

enum kf_err kf_oauth_grant_parse(const char *grant_type, enum kf_oauth_client_type type,
				 enum kf_oauth_grant *out, struct kf_error *err)
{
	if (empty(grant_type))
		return kf_error_set(err, KF_EINVAL, "grant_type_missing", NULL, "grant_type",
				    "grant_type is required");
	for (size_t i = 0; i < ARRAY_LEN(grant_names); i++) {
		if (strcmp(grant_type, grant_names[i]) != 0)
			continue;
		if (i == KF_OAUTH_GRANT_CLIENT_CREDENTIALS && type != KF_OAUTH_CLIENT_CONFIDENTIAL)
			return kf_error_set(err, KF_EAUTH, "unauthorized_client", NULL, "grant_type",
					    "client_credentials needs a confidential client");
		*out = (enum kf_oauth_grant)i;
		return KF_OK;
	}
	return kf_error_set(err, KF_EINVAL, "unsupported_grant_type", NULL, "grant_type",
			    "grant_type must be authorization_code, refresh_token or "
			    "client_credentials");
}

enum kf_err kf_oauth_code_redeem_check(const struct kf_oauth_code *code, const char *client_id,
				       const char *redirect_uri, const char *code_verifier,
				       int64_t now, bool *revoke_issued, struct kf_error *err)
{
	if (revoke_issued)
		*revoke_issued = false;
	if (!code)
		return kf_error_set(err, KF_EINTERNAL, "invalid_code_record", NULL, NULL, "no code");
	enum kf_err rc = kf_auth_check_code(code->created_at, code->used_at, code->expires_at, now,
					    revoke_issued, err);
	if (rc != KF_OK)
		return rc;
	if (empty(code->client_id) || empty(client_id) || strcmp(code->client_id, client_id) != 0)
		return kf_error_set(err, KF_EAUTH, "code_client_mismatch", NULL, "code",
				    "the code was issued to another client");
	if (!empty(code->redirect_uri) &&
	    (empty(redirect_uri) || strcmp(code->redirect_uri, redirect_uri) != 0))
		return kf_error_set(err, KF_EAUTH, "redirect_uri_changed", NULL, "redirect_uri",
				    "redirect_uri must repeat the one of the authorization request");
	return kf_oauth_pkce_verify(code_verifier, code->code_challenge, err);
}
