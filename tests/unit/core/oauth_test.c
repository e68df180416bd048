/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Unit tests for src/core/oauth.c: RFC 6749 errors, PKCE (RFC 7636 with
 * its Appendix B vector), redirect URI registration (RFC 8252) and exact
 * matching with its traps (RFC 9700 §4.1.3), scope parsing, client
 * authentication (RFC 6749 §2.3), the authorization request and the code
 * redemption (AUTH-3, RFC 9700 §4.8.2).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/oauth.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* RFC 7636 Appendix B. */
#define RFC_VERIFIER "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
#define RFC_CHALLENGE "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"

static void assert_error(const struct kf_error *err, enum kf_err code, const char *name,
			 const char *rule, const char *field)
{
	assert_int_equal(err->code, code);
	if (strcmp(err->name, name) != 0)
		fail_msg("error %s (%s), expected %s", err->name, err->msg, name);
	if (rule)
		assert_string_equal(err->rule, rule);
	else
		assert_null(err->rule);
	if (field)
		assert_string_equal(err->field, field);
	else
		assert_null(err->field);
}

static void assert_oauth(const struct kf_error *err, const char *rfc_name)
{
	const char *got = kf_oauth_error_name(kf_oauth_error_for(err));
	if (strcmp(got, rfc_name) != 0)
		fail_msg("%s maps to %s, expected %s", err->name, got, rfc_name);
}

/* ---- errors ------------------------------------------------------------------ */

static void test_error_names_and_statuses(void **state)
{
	(void)state;
	static const struct {
		enum kf_oauth_error e;
		const char *name;
		int status;
	} v[] = {
		{ KF_OAUTH_INVALID_REQUEST, "invalid_request", 400 },
		{ KF_OAUTH_INVALID_CLIENT, "invalid_client", 401 },
		{ KF_OAUTH_INVALID_GRANT, "invalid_grant", 400 },
		{ KF_OAUTH_UNAUTHORIZED_CLIENT, "unauthorized_client", 400 },
		{ KF_OAUTH_UNSUPPORTED_GRANT_TYPE, "unsupported_grant_type", 400 },
		{ KF_OAUTH_INVALID_SCOPE, "invalid_scope", 400 },
		{ KF_OAUTH_ACCESS_DENIED, "access_denied", 403 },
		{ KF_OAUTH_UNSUPPORTED_RESPONSE_TYPE, "unsupported_response_type", 400 },
		{ KF_OAUTH_SERVER_ERROR, "server_error", 500 },
		{ KF_OAUTH_TEMPORARILY_UNAVAILABLE, "temporarily_unavailable", 503 },
		{ KF_OAUTH_UNSUPPORTED_TOKEN_TYPE, "unsupported_token_type", 400 },
	};
	for (size_t i = 0; i < N(v); i++) {
		assert_string_equal(kf_oauth_error_name(v[i].e), v[i].name);
		assert_int_equal(kf_oauth_error_status(v[i].e), v[i].status);
	}
	assert_null(kf_oauth_error_name((enum kf_oauth_error)99));
	assert_int_equal(kf_oauth_error_status((enum kf_oauth_error)-1), 500);
}

static void test_error_for(void **state)
{
	(void)state;
	static const struct {
		const char *name;
		enum kf_err code;
		const char *rfc;
	} v[] = {
		{ "code_used", KF_EAUTH, "invalid_grant" },
		{ "code_expired", KF_EAUTH, "invalid_grant" },
		{ "refresh_token_reused", KF_EAUTH, "invalid_grant" },
		{ "pkce_mismatch", KF_EAUTH, "invalid_grant" },
		{ "redirect_uri_mismatch", KF_EINVAL, "invalid_request" },
		{ "pkce_method_unsupported", KF_EINVAL, "invalid_request" },
		{ "client_auth_missing", KF_EAUTH, "invalid_client" },
		{ "client_secret_required", KF_EAUTH, "invalid_client" },
		{ "unauthorized_client", KF_EAUTH, "unauthorized_client" },
		{ "unsupported_grant_type", KF_EINVAL, "unsupported_grant_type" },
		{ "unknown_scope", KF_EINVAL, "invalid_scope" },
		{ "unsupported_response_type", KF_EINVAL, "unsupported_response_type" },
		{ "not_on_test_allowlist", KF_EFORBIDDEN, "access_denied" },
		{ "app_suspended", KF_EFORBIDDEN, "access_denied" },
		{ "digest_failed", KF_EINTERNAL, "server_error" },
		/* Unknown names fall back on the code. */
		{ "something_new", KF_EINVAL, "invalid_request" },
		{ "something_new", KF_EAUTH, "invalid_grant" },
		{ "something_new", KF_EFORBIDDEN, "access_denied" },
		{ "something_new", KF_EUNAVAIL, "temporarily_unavailable" },
		{ "something_new", KF_EDB, "server_error" },
	};
	for (size_t i = 0; i < N(v); i++) {
		struct kf_error err = { .code = v[i].code, .name = v[i].name };
		assert_oauth(&err, v[i].rfc);
	}
	assert_int_equal(kf_oauth_error_for(NULL), KF_OAUTH_SERVER_ERROR);
	struct kf_error unnamed = { .code = KF_EINVAL };
	assert_int_equal(kf_oauth_error_for(&unnamed), KF_OAUTH_INVALID_REQUEST);
}

/* ---- PKCE -------------------------------------------------------------------- */

static void test_pkce_rfc7636_appendix_b(void **state)
{
	(void)state;
	struct kf_error err;
	char ch[KF_OAUTH_CHALLENGE_LEN + 1];
	assert_true(kf_oauth_pkce_verifier_valid(RFC_VERIFIER));
	assert_int_equal(kf_oauth_pkce_challenge(RFC_VERIFIER, ch, &err), KF_OK);
	assert_string_equal(ch, RFC_CHALLENGE);
	assert_int_equal(kf_oauth_pkce_check_request(RFC_CHALLENGE, "S256", true, &err), KF_OK);
	assert_int_equal(kf_oauth_pkce_verify(RFC_VERIFIER, RFC_CHALLENGE, &err), KF_OK);
	/* found by the OAuth fuzz harness: a byte above 0x7f in place of a
	 * base64url character made a challenge of 43 "characters" pass */
	assert_int_equal(kf_oauth_pkce_check_request("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1g\262WFOEjXk", "S256", true, &err),
			 KF_EINVAL);
}

static void test_pkce_verifier_syntax(void **state)
{
	(void)state;
	struct kf_error err;
	char v[200];
	memset(v, 'a', sizeof(v));
	v[42] = '\0';
	assert_false(kf_oauth_pkce_verifier_valid(v)); /* 42: too short */
	v[42] = 'a';
	v[43] = '\0';
	assert_true(kf_oauth_pkce_verifier_valid(v));
	memset(v, 'a', sizeof(v));
	v[128] = '\0';
	assert_true(kf_oauth_pkce_verifier_valid(v));
	v[128] = 'a';
	v[129] = '\0';
	assert_false(kf_oauth_pkce_verifier_valid(v)); /* 129: too long */
	assert_true(kf_oauth_pkce_verifier_valid("AZaz09-._~AZaz09-._~AZaz09-._~AZaz09-._~AZa"));
	static const char *const bad[] = {
		"dBjftJeZ4CVP+mB92K27uhbUJU1p1r_wW1gFWFOEjXk", /* '+' */
		"dBjftJeZ4CVP/mB92K27uhbUJU1p1r_wW1gFWFOEjXk", /* '/' */
		"dBjftJeZ4CVP mB92K27uhbUJU1p1r_wW1gFWFOEjXk", /* space */
		"dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk=",
		"dBjftJeZ4CVP%mB92K27uhbUJU1p1r_wW1gFWFOEjXk",
		"",
	};
	for (size_t i = 0; i < N(bad); i++)
		assert_false(kf_oauth_pkce_verifier_valid(bad[i]));
	assert_false(kf_oauth_pkce_verifier_valid(NULL));
	char ch[KF_OAUTH_CHALLENGE_LEN + 1];
	assert_int_equal(kf_oauth_pkce_challenge(bad[0], ch, &err), KF_EINVAL);
	assert_error(&err, KF_EINVAL, "invalid_code_verifier", NULL, "code_verifier");
	assert_string_equal(ch, "");
}

static void test_pkce_request_plain_refused(void **state)
{
	(void)state;
	struct kf_error err;
	/* plain, explicitly or by default (RFC 7636 §4.3), is refused. */
	assert_int_equal(kf_oauth_pkce_check_request(RFC_VERIFIER, "plain", false, &err), KF_EINVAL);
	assert_error(&err, KF_EINVAL, "pkce_method_unsupported", NULL, "code_challenge_method");
	assert_oauth(&err, "invalid_request");
	assert_int_equal(kf_oauth_pkce_check_request(RFC_CHALLENGE, NULL, false, &err), KF_EINVAL);
	assert_error(&err, KF_EINVAL, "pkce_method_unsupported", NULL, "code_challenge_method");
	assert_int_equal(kf_oauth_pkce_check_request(RFC_CHALLENGE, "s256", false, &err), KF_EINVAL);
	assert_error(&err, KF_EINVAL, "pkce_method_unsupported", NULL, "code_challenge_method");
	assert_int_equal(kf_oauth_pkce_check_request(NULL, "S256", false, &err), KF_EINVAL);
	assert_error(&err, KF_EINVAL, "pkce_method_unsupported", NULL, "code_challenge_method");
}

static void test_pkce_request_required_and_syntax(void **state)
{
	(void)state;
	struct kf_error err;
	assert_int_equal(kf_oauth_pkce_check_request(NULL, NULL, true, &err), KF_EINVAL);
	assert_error(&err, KF_EINVAL, "pkce_required", NULL, "code_challenge");
	assert_int_equal(kf_oauth_pkce_check_request("", "", true, &err), KF_EINVAL);
	assert_error(&err, KF_EINVAL, "pkce_required", NULL, "code_challenge");
	assert_int_equal(kf_oauth_pkce_check_request(NULL, NULL, false, &err), KF_OK);
	static const char *const bad[] = {
		"E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-c",   /* 42 */
		"E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM=", /* padded */
		"E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw+cM",  /* '+' */
		"E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cN",  /* stray bits */
		RFC_VERIFIER "AAAA",
	};
	for (size_t i = 0; i < N(bad); i++) {
		assert_int_equal(kf_oauth_pkce_check_request(bad[i], "S256", true, &err), KF_EINVAL);
		assert_error(&err, KF_EINVAL, "invalid_code_challenge", NULL, "code_challenge");
	}
}

static void test_pkce_verify(void **state)
{
	(void)state;
	struct kf_error err;
	assert_int_equal(kf_oauth_pkce_verify(NULL, NULL, &err), KF_OK);
	assert_int_equal(kf_oauth_pkce_verify("", "", &err), KF_OK);
	/* One character off. */
	assert_int_equal(kf_oauth_pkce_verify("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXl",
					      RFC_CHALLENGE, &err),
			 KF_EAUTH);
	assert_error(&err, KF_EAUTH, "pkce_mismatch", NULL, "code_verifier");
	assert_oauth(&err, "invalid_grant");
	/* The verifier itself sent as the challenge (plain) does not match. */
	assert_int_equal(kf_oauth_pkce_verify(RFC_VERIFIER, RFC_VERIFIER, &err), KF_EAUTH);
	assert_error(&err, KF_EAUTH, "pkce_mismatch", NULL, "code_verifier");
	assert_int_equal(kf_oauth_pkce_verify(NULL, RFC_CHALLENGE, &err), KF_EAUTH);
	assert_error(&err, KF_EAUTH, "code_verifier_missing", NULL, "code_verifier");
	assert_oauth(&err, "invalid_grant");
	/* RFC 9700 §4.8.2: a verifier for a code without challenge is a downgrade. */
	assert_int_equal(kf_oauth_pkce_verify(RFC_VERIFIER, NULL, &err), KF_EAUTH);
	assert_error(&err, KF_EAUTH, "code_verifier_unexpected", NULL, "code_verifier");
	assert_oauth(&err, "invalid_grant");
	assert_int_equal(kf_oauth_pkce_verify("short", RFC_CHALLENGE, &err), KF_EINVAL);
	assert_error(&err, KF_EINVAL, "invalid_code_verifier", NULL, "code_verifier");
	assert_oauth(&err, "invalid_request");
}

/* ---- redirect URIs --------------------------------------------------------------- */

static void test_redirect_uri_registration_APP_4(void **state)
{
	(void)state;
	struct kf_error err;
	static const char *const good[] = {
		"https://app.example.com/cb",
		"https://app.example.com/cb?tenant=1",
		"https://app.example.com:8443/oauth/callback",
		"https://app.example.com",
		"HTTPS://app.example.com/cb",
		"https://203.0.113.5/cb",
		"https://[2001:db8::1]/cb",
		"http://127.0.0.1/cb",          /* RFC 8252 §7.3 */
		"http://127.0.0.1:51004/cb",
		"http://127.9.8.7:8080/",
		"http://[::1]:8080/cb",
	};
	for (size_t i = 0; i < N(good); i++) {
		if (kf_redirect_register_check(good[i], &err) != KF_OK)
			fail_msg("refused good[%zu]: %s", i, err.msg);
	}
	static const char *const bad[] = {
		"http://app.example.com/cb",        /* http off loopback */
		"http://localhost:8080/cb",         /* RFC 8252 §8.3: an IP literal, not a name */
		"http://10.0.0.1/cb",
		"http://[::ffff:10.0.0.1]/cb",
		"https://app.example.com/cb#frag",  /* RFC 6749 §3.1.2 */
		"https://app.example.com/cb#",
		"https://user@app.example.com/cb",  /* user info */
		"https://user:pw@app.example.com/cb",
		"/cb",                              /* relative */
		"app.example.com/cb",
		"com.example.app:/oauth2redirect",  /* custom schemes are not offered */
		"ftp://app.example.com/cb",
		"javascript:alert(1)",
		"https:///cb",
		"https://",
		"https://app.example.com/c b",
		"https://app.example.com/c\\b",
		"https://app.example.com/c\tb",
		"https://app.exa mple.com/cb",
		"https://例子.example.com/cb",
		"https://-bad-.example.com/cb",
		"https://app.example.com:99999/cb",
		"https://[fe80::1%25eth0]/cb",       /* zone id */
		"",
	};
	for (size_t i = 0; i < N(bad); i++) {
		if (kf_redirect_register_check(bad[i], &err) == KF_OK)
			fail_msg("accepted bad[%zu] %s", i, bad[i]);
		assert_error(&err, KF_EINVAL, "invalid_redirect_uri", "APP-4", "dev.redirect_uris");
	}
	assert_int_equal(kf_redirect_register_check(NULL, &err), KF_EINVAL);
	char longuri[KF_OAUTH_REDIRECT_URI_MAX + 2];
	strcpy(longuri, "https://app.example.com/");
	size_t n = strlen(longuri);
	memset(longuri + n, 'a', KF_OAUTH_REDIRECT_URI_MAX - n);
	longuri[KF_OAUTH_REDIRECT_URI_MAX] = '\0';
	assert_int_equal(kf_redirect_register_check(longuri, &err), KF_OK);
	longuri[KF_OAUTH_REDIRECT_URI_MAX] = 'a';
	longuri[KF_OAUTH_REDIRECT_URI_MAX + 1] = '\0';
	assert_int_equal(kf_redirect_register_check(longuri, &err), KF_EINVAL);
}

static void test_redirect_uri_list_APP_4(void **state)
{
	(void)state;
	struct kf_error err;
	const char *const ok[] = { "https://a.example.com/cb", "http://127.0.0.1:9000/cb" };
	assert_int_equal(kf_redirect_register_list_check(ok, 2, &err), KF_OK);
	assert_int_equal(kf_redirect_register_list_check(NULL, 0, &err), KF_OK);
	const char *const dup[] = { "https://a.example.com/cb", "https://a.example.com/cb" };
	assert_int_equal(kf_redirect_register_list_check(dup, 2, &err), KF_EINVAL);
	assert_error(&err, KF_EINVAL, "duplicate_item", "APP-4", "dev.redirect_uris");
	const char *const bad[] = { "https://a.example.com/cb", "http://a.example.com/cb" };
	assert_int_equal(kf_redirect_register_list_check(bad, 2, &err), KF_EINVAL);
	assert_error(&err, KF_EINVAL, "invalid_redirect_uri", "APP-4", "dev.redirect_uris");
	assert_non_null(strstr(err.msg, "dev.redirect_uris[1]"));
	assert_null(strstr(err.msg, "http://a.example.com")); /* never quotes input */
	const char *many[KF_OAUTH_REDIRECT_URIS_MAX + 1];
	for (size_t i = 0; i < N(many); i++)
		many[i] = "https://a.example.com/cb";
	assert_int_equal(kf_redirect_register_list_check(many, N(many), &err), KF_EINVAL);
	assert_error(&err, KF_EINVAL, "too_many_items", "APP-4", "dev.redirect_uris");
	assert_int_equal(kf_redirect_register_list_check(NULL, 1, &err), KF_EINVAL);
}

static const char *const registered[] = {
	"https://app.example.com/oauth/callback",
	"https://app.example.com/cb?tenant=1",
	"http://127.0.0.1:8080/native/cb",
};

static void expect_match(const char *presented, bool any_port, size_t want)
{
	struct kf_error err;
	size_t idx = 99;
	if (kf_oauth_redirect_uri_match(presented, registered, N(registered), any_port, &idx, &err) !=
	    KF_OK)
		fail_msg("refused %s: %s", presented, err.msg);
	assert_int_equal(idx, want);
}

static void expect_mismatch(const char *presented, bool any_port)
{
	struct kf_error err;
	size_t idx = 99;
	if (kf_oauth_redirect_uri_match(presented, registered, N(registered), any_port, &idx, &err) ==
	    KF_OK)
		fail_msg("matched %s to %zu", presented, idx);
	/* text the redirect rule refuses is refused before any comparison */
	if (strcmp(err.name, "invalid_redirect_uri") == 0 || strcmp(err.name, "redirect_uri_https_required") == 0)
		assert_error(&err, KF_EINVAL, err.name, "APP-4", "redirect_uri");
	else
		assert_error(&err, KF_EINVAL, "redirect_uri_mismatch", NULL, "redirect_uri");
	assert_oauth(&err, "invalid_request");
	assert_int_equal(idx, 99);
}

static void test_redirect_match_exact(void **state)
{
	(void)state;
	expect_match("https://app.example.com/oauth/callback", false, 0);
	expect_match("https://app.example.com/cb?tenant=1", false, 1);
	expect_match("http://127.0.0.1:8080/native/cb", false, 2);
}

/* RFC 9700 §4.1.3: every one of these is a different URI. */
static void test_redirect_match_traps(void **state)
{
	(void)state;
	static const char *const traps[] = {
		"https://app.example.com/oauth/callback/",            /* trailing slash */
		"https://app.example.com/OAuth/callback",             /* case of the path */
		"https://APP.example.com/oauth/callback",             /* case of the host */
		"HTTPS://app.example.com/oauth/callback",             /* case of the scheme */
		"https://app.example.com/oauth/callback?x=1",         /* extra query */
		"https://app.example.com/cb?tenant=1&x=1",
		"https://app.example.com/cb?tenant=2",
		"https://app.example.com/cb",                         /* query dropped */
		"https://app.example.com/oauth/callback#x",           /* fragment */
		"https://evil@app.example.com/oauth/callback",        /* userinfo */
		"https://app.example.com@evil.example/oauth/callback",
		"https://app.example.com:443/oauth/callback",         /* port, even the default */
		"https://app.example.com:8443/oauth/callback",
		"http://app.example.com/oauth/callback",              /* scheme */
		"https://app.example.com/oauth/callback/../callback", /* dot segments */
		"https://app.example.com/oauth/%63allback",           /* percent-encoding */
		"https://app.example.com/oauth/callbackx",            /* prefix */
		"https://app.example.com/oauth/",
		"https://app.example.com.evil.example/oauth/callback", /* suffix of host */
		"https://evil.app.example.com/oauth/callback",        /* subdomain */
		" https://app.example.com/oauth/callback",
		"https://app.example.com/oauth/callback ",
		"http://127.0.0.1:8081/native/cb",                    /* port, loopback, strict */
		"http://localhost:8080/native/cb",
		"*",
	};
	for (size_t i = 0; i < N(traps); i++)
		expect_mismatch(traps[i], false);
}

static void test_redirect_match_omitted(void **state)
{
	(void)state;
	struct kf_error err;
	size_t idx = 99;
	const char *const one[] = { "https://app.example.com/cb" };
	assert_int_equal(kf_oauth_redirect_uri_match(NULL, one, 1, false, &idx, &err), KF_OK);
	assert_int_equal(idx, 0);
	assert_int_equal(kf_oauth_redirect_uri_match("", one, 1, false, &idx, &err), KF_OK);
	assert_int_equal(kf_oauth_redirect_uri_match(NULL, registered, N(registered), false, &idx,
						     &err),
			 KF_EINVAL);
	assert_error(&err, KF_EINVAL, "redirect_uri_required", NULL, "redirect_uri");
	assert_oauth(&err, "invalid_request");
	assert_int_equal(kf_oauth_redirect_uri_match(NULL, NULL, 0, false, &idx, &err), KF_EINVAL);
	assert_error(&err, KF_EINVAL, "redirect_uri_required", NULL, "redirect_uri");
	assert_int_equal(kf_oauth_redirect_uri_match("https://app.example.com/cb", NULL, 0, false,
						     &idx, &err),
			 KF_EINVAL);
	assert_error(&err, KF_EINVAL, "redirect_uri_mismatch", NULL, "redirect_uri");
}

/* Issue 9 defect 1: a presented URI is judged by the redirect rule before
 * the comparison, whatever is registered. */
static void test_redirect_match_refuses_ambiguous_issue9_APP_4(void **state)
{
	(void)state;
	static const char *const bad[] = {
		"https://evil.com\\@app.example.com/cb",
		"https://evil.com@app.example.com/cb",
		"https://app.example.com/cb%00",
		"https://app.example.com/cb?x=%0d%0a",
	};
	for (size_t i = 0; i < N(bad); i++) {
		struct kf_error err;
		size_t idx = 99;
		const char *const reg[] = { bad[i] }; /* even if it had been stored */
		assert_int_equal(kf_oauth_redirect_uri_match(bad[i], reg, 1, true, &idx, &err), KF_EINVAL);
		assert_error(&err, KF_EINVAL, "invalid_redirect_uri", "APP-4", "redirect_uri");
		assert_int_equal(idx, 99);
		/* nor is it chosen when the request leaves redirect_uri out */
		assert_int_equal(kf_oauth_redirect_uri_match(NULL, reg, 1, false, &idx, &err), KF_EINVAL);
		assert_error(&err, KF_EINVAL, "invalid_redirect_uri", "APP-4", "redirect_uri");
		assert_int_equal(idx, 99);
	}
}

/* RFC 8252 §7.3, only when asked for: a loopback URI on another port. */
static void test_redirect_match_loopback_port(void **state)
{
	(void)state;
	expect_match("http://127.0.0.1:51234/native/cb", true, 2);
	expect_match("http://127.0.0.1/native/cb", true, 2);
	expect_match("http://127.0.0.1:8080/native/cb", true, 2);
	expect_mismatch("http://127.0.0.1:51234/native/cb", false);
	static const char *const still_wrong[] = {
		"http://127.0.0.1:51234/native/cb/",
		"http://127.0.0.1:51234/native/CB",
		"http://127.0.0.1:51234/native/cb?x=1",
		"http://127.0.0.2:51234/native/cb",       /* another address */
		"http://[::1]:51234/native/cb",
		"https://127.0.0.1:51234/native/cb",
		"http://127.0.0.1:51234@evil.example/native/cb",
		"http://127.0.0.1:8080@evil.example/native/cb",
		"http://127.0.0.1:x/native/cb",
		"http://127.0.0.1:/native/cb",
		"http://127.0.0.1:123456/native/cb",
		"http://localhost:51234/native/cb",
		"https://app.example.com:9999/oauth/callback", /* not loopback: exact only */
	};
	for (size_t i = 0; i < N(still_wrong); i++)
		expect_mismatch(still_wrong[i], true);

	const char *const v6[] = { "http://[::1]:8080/cb" };
	struct kf_error err;
	size_t idx = 9;
	assert_int_equal(kf_oauth_redirect_uri_match("http://[::1]:1234/cb", v6, 1, true, &idx, &err),
			 KF_OK);
	assert_int_equal(idx, 0);
	assert_int_equal(kf_oauth_redirect_uri_match("http://[::1]:1234/cb", v6, 1, false, &idx,
						     &err),
			 KF_EINVAL);
}

/* ---- scope ------------------------------------------------------------------------ */

static const struct kf_auth_set app_sets[] = {
	{ 1, "messages", true },
	{ 2, "members", false },
	{ 4, "calendar", false },
};

static void test_scope_parse(void **state)
{
	(void)state;
	struct kf_error err;
	struct kf_auth_set out[KF_AUTH_SETS_MAX];
	size_t n = 99;
	assert_int_equal(kf_oauth_scope_parse("calendar messages", app_sets, 3, out, &n, &err), KF_OK);
	assert_int_equal(n, 2);
	assert_int_equal(out[0].id, 4);
	assert_string_equal(out[0].key, "calendar");
	assert_false(out[0].required);
	assert_int_equal(out[1].id, 1);
	assert_true(out[1].required);
	/* Runs of spaces and duplicates are tolerated. */
	assert_int_equal(kf_oauth_scope_parse("  members   members ", app_sets, 3, out, &n, &err),
			 KF_OK);
	assert_int_equal(n, 1);
	assert_int_equal(out[0].id, 2);
	/* No scope: every set the app uses. */
	static const char *const defaults[] = { NULL, "", "   " };
	for (size_t i = 0; i < N(defaults); i++) {
		n = 0;
		assert_int_equal(kf_oauth_scope_parse(defaults[i], app_sets, 3, out, &n, &err), KF_OK);
		assert_int_equal(n, 3);
		assert_int_equal(out[2].id, 4);
	}
}

static void test_scope_parse_errors(void **state)
{
	(void)state;
	struct kf_error err;
	struct kf_auth_set out[KF_AUTH_SETS_MAX];
	size_t n = 99;
	/* orders is in the catalog but not among the app's sets; openid is not ours. */
	static const char *const unknown[] = { "messages orders", "openid", "Messages", "message" };
	for (size_t i = 0; i < N(unknown); i++) {
		n = 99;
		assert_int_equal(kf_oauth_scope_parse(unknown[i], app_sets, 3, out, &n, &err),
				 KF_EINVAL);
		assert_error(&err, KF_EINVAL, "unknown_scope", NULL, "scope");
		assert_oauth(&err, "invalid_scope");
		assert_int_equal(n, 0);
	}
	static const char *const malformed[] = { "messages\tmembers", "\"messages\"", "a\\b",
						 "messages\nmembers", "成员" };
	for (size_t i = 0; i < N(malformed); i++) {
		assert_int_equal(kf_oauth_scope_parse(malformed[i], app_sets, 3, out, &n, &err),
				 KF_EINVAL);
		assert_error(&err, KF_EINVAL, "invalid_scope", NULL, "scope");
		assert_oauth(&err, "invalid_scope");
	}
	char longs[KF_OAUTH_SCOPE_MAX + 2];
	memset(longs, ' ', sizeof(longs) - 1);
	longs[sizeof(longs) - 1] = '\0';
	assert_int_equal(kf_oauth_scope_parse(longs, app_sets, 3, out, &n, &err), KF_EINVAL);
	assert_error(&err, KF_EINVAL, "invalid_scope", NULL, "scope");
	assert_int_equal(kf_oauth_scope_parse("messages", NULL, 0, out, &n, &err), KF_EINVAL);
}

static void test_scope_format(void **state)
{
	(void)state;
	char out[64];
	struct kf_auth_sets s = { .ids = { 4, 1 }, .n = 2 };
	assert_true(kf_oauth_scope_format(&s, app_sets, 3, out, sizeof(out)));
	assert_string_equal(out, "calendar messages");
	assert_false(kf_oauth_scope_format(&s, app_sets, 3, out, 17));
	assert_string_equal(out, "");
	assert_true(kf_oauth_scope_format(&s, app_sets, 3, out, 18));
	struct kf_auth_sets unknown = { .ids = { 9 }, .n = 1 };
	assert_false(kf_oauth_scope_format(&unknown, app_sets, 3, out, sizeof(out)));
	struct kf_auth_sets none = { .n = 0 };
	assert_true(kf_oauth_scope_format(&none, app_sets, 3, out, sizeof(out)));
	assert_string_equal(out, "");
}

/* ---- client authentication -------------------------------------------------------- */

static void test_client_auth_basic(void **state)
{
	(void)state;
	struct kf_error err;
	struct kf_oauth_client_auth a;
	/* base64("kf0123456789abcdef:s3cr%3At%2Bx"): form-encoded id and secret. */
	assert_int_equal(kf_oauth_client_auth_parse(
				 "Basic a2YwMTIzNDU2Nzg5YWJjZGVmOnMzY3IlM0F0JTJCeA==", NULL, NULL, &a,
				 &err),
			 KF_OK);
	assert_int_equal(a.method, KF_OAUTH_AUTH_SECRET_BASIC);
	assert_string_equal(a.client_id, "kf0123456789abcdef");
	assert_string_equal(a.client_secret, "s3cr:t+x");
	/* Scheme name in any case, extra spaces, the same client_id in the body. */
	assert_int_equal(kf_oauth_client_auth_parse(
				 "bAsIc   a2YwMTIzNDU2Nzg5YWJjZGVmOnMzY3IlM0F0JTJCeA== ",
				 "kf0123456789abcdef", "", &a, &err),
			 KF_OK);
	assert_int_equal(a.method, KF_OAUTH_AUTH_SECRET_BASIC);
	kf_oauth_client_auth_clear(&a);
	assert_string_equal(a.client_secret, "");
	/* "id:" names a public client. */
	assert_int_equal(kf_oauth_client_auth_parse("Basic a2YwMTIzNDU2Nzg5YWJjZGVmOg==", NULL, NULL,
						    &a, &err),
			 KF_OK);
	assert_int_equal(a.method, KF_OAUTH_AUTH_NONE);
	assert_string_equal(a.client_id, "kf0123456789abcdef");
	kf_oauth_client_auth_clear(NULL);
}

static void test_client_auth_basic_malformed(void **state)
{
	(void)state;
	struct kf_error err;
	struct kf_oauth_client_auth a;
	static const char *const bad[] = {
		"Basic a2YwMTIzNDU2Nzg5YWJjZGVm",     /* no colon */
		"Basic OnNlY3JldA==",                 /* empty id */
		"Basic a2YwMTpzZSVaWg==",             /* bad percent escape */
		"Basic a2YwMTphJTI=",                 /* truncated percent escape */
		"Basic a2YwMTpzZQF4",                 /* control character */
		"Basic a2YwMTphIGI=",                 /* a space */
		"Basic a2YwMTphIGI",                  /* unpadded */
		"Basic a2YwMTph=GI=",                 /* padding inside */
		"Basic !!!!",
		"Basic ",
		"Basic",
		"Basica2YwMTphIGI=",
		"Bearer a2YwMTIzNDU2Nzg5YWJjZGVmOg==",
		"",
	};
	for (size_t i = 0; i < N(bad); i++) {
		memset(&a, 0x55, sizeof(a));
		if (kf_oauth_client_auth_parse(bad[i], NULL, NULL, &a, &err) == KF_OK)
			fail_msg("accepted bad[%zu]", i);
		assert_error(&err, KF_EAUTH, "client_auth_invalid", NULL, NULL);
		assert_oauth(&err, "invalid_client");
		assert_string_equal(a.client_id, ""); /* wiped */
		assert_string_equal(a.client_secret, "");
	}
	char huge[KF_OAUTH_AUTHORIZATION_MAX + 10];
	strcpy(huge, "Basic ");
	memset(huge + 6, 'Q', sizeof(huge) - 7);
	huge[sizeof(huge) - 1] = '\0';
	assert_int_equal(kf_oauth_client_auth_parse(huge, NULL, NULL, &a, &err), KF_EAUTH);
	/* A secret longer than the cap. */
	char body[300];
	memset(body, 's', sizeof(body) - 1);
	body[sizeof(body) - 1] = '\0';
	assert_int_equal(kf_oauth_client_auth_parse(NULL, "kf01", body, &a, &err), KF_EAUTH);
	assert_error(&err, KF_EAUTH, "client_auth_invalid", NULL, NULL);
}

static void test_client_auth_post_and_none(void **state)
{
	(void)state;
	struct kf_error err;
	struct kf_oauth_client_auth a;
	assert_int_equal(kf_oauth_client_auth_parse(NULL, "kf0123456789abcdef", "secret", &a, &err),
			 KF_OK);
	assert_int_equal(a.method, KF_OAUTH_AUTH_SECRET_POST);
	assert_string_equal(a.client_id, "kf0123456789abcdef");
	assert_string_equal(a.client_secret, "secret");
	assert_int_equal(kf_oauth_client_auth_parse(NULL, "kf0123456789abcdef", "", &a, &err), KF_OK);
	assert_int_equal(a.method, KF_OAUTH_AUTH_NONE);
	assert_string_equal(a.client_secret, "");
	assert_int_equal(kf_oauth_client_auth_parse(NULL, "kf01 x", NULL, &a, &err), KF_EAUTH);
	assert_error(&err, KF_EAUTH, "client_auth_invalid", NULL, NULL);
	assert_string_equal(kf_oauth_auth_method_name(KF_OAUTH_AUTH_NONE), "none");
	assert_string_equal(kf_oauth_auth_method_name(KF_OAUTH_AUTH_SECRET_BASIC),
			    "client_secret_basic");
	assert_string_equal(kf_oauth_auth_method_name(KF_OAUTH_AUTH_SECRET_POST),
			    "client_secret_post");
	assert_null(kf_oauth_auth_method_name((enum kf_oauth_auth_method)7));
}

static void test_client_auth_conflicts(void **state)
{
	(void)state;
	struct kf_error err;
	struct kf_oauth_client_auth a;
	const char *basic = "Basic a2YwMTIzNDU2Nzg5YWJjZGVmOnMzY3IlM0F0JTJCeA==";
	/* RFC 6749 §2.3: one method per request. */
	assert_int_equal(kf_oauth_client_auth_parse(basic, NULL, "other", &a, &err), KF_EINVAL);
	assert_error(&err, KF_EINVAL, "multiple_client_auth", NULL, "client_secret");
	assert_oauth(&err, "invalid_request");
	assert_int_equal(kf_oauth_client_auth_parse(basic, "kf9999999999999999", NULL, &a, &err),
			 KF_EINVAL);
	assert_error(&err, KF_EINVAL, "client_id_mismatch", NULL, "client_id");
	assert_string_equal(a.client_secret, ""); /* wiped on error */
	assert_int_equal(kf_oauth_client_auth_parse(NULL, NULL, "secret", &a, &err), KF_EAUTH);
	assert_error(&err, KF_EAUTH, "client_auth_missing", NULL, "client_id");
	assert_oauth(&err, "invalid_client");
	assert_int_equal(kf_oauth_client_auth_parse(NULL, "", NULL, &a, &err), KF_EAUTH);
	assert_error(&err, KF_EAUTH, "client_auth_missing", NULL, "client_id");
}

static void test_client_auth_rules(void **state)
{
	(void)state;
	struct kf_error err;
	assert_int_equal(kf_oauth_client_auth_check(KF_OAUTH_CLIENT_CONFIDENTIAL,
						    KF_OAUTH_AUTH_SECRET_BASIC, &err),
			 KF_OK);
	assert_int_equal(kf_oauth_client_auth_check(KF_OAUTH_CLIENT_CONFIDENTIAL,
						    KF_OAUTH_AUTH_SECRET_POST, &err),
			 KF_OK);
	assert_int_equal(kf_oauth_client_auth_check(KF_OAUTH_CLIENT_CONFIDENTIAL, KF_OAUTH_AUTH_NONE,
						    &err),
			 KF_EAUTH);
	assert_error(&err, KF_EAUTH, "client_secret_required", NULL, NULL);
	assert_oauth(&err, "invalid_client");
	assert_int_equal(kf_oauth_client_auth_check(KF_OAUTH_CLIENT_PUBLIC, KF_OAUTH_AUTH_NONE, &err),
			 KF_OK);
	assert_int_equal(kf_oauth_client_auth_check(KF_OAUTH_CLIENT_PUBLIC,
						    KF_OAUTH_AUTH_SECRET_POST, &err),
			 KF_EAUTH);
	assert_error(&err, KF_EAUTH, "public_client_secret", NULL, NULL);
	assert_int_equal(kf_oauth_client_auth_check((enum kf_oauth_client_type)5,
						    KF_OAUTH_AUTH_SECRET_POST, &err),
			 KF_EAUTH);
}

/* ---- authorization request ------------------------------------------------------- */

static struct kf_oauth_client public_client(void)
{
	return (struct kf_oauth_client){
		.type = KF_OAUTH_CLIENT_PUBLIC,
		.redirect_uris = registered,
		.n_redirect_uris = N(registered),
		.sets = app_sets,
		.n_sets = N(app_sets),
	};
}

static struct kf_oauth_authorize_request good_request(void)
{
	return (struct kf_oauth_authorize_request){
		.response_type = "code",
		.redirect_uri = "https://app.example.com/cb?tenant=1",
		.scope = "messages members",
		.state = "af0ifjsldkj",
		.code_challenge = RFC_CHALLENGE,
		.code_challenge_method = "S256",
	};
}

static void test_authorize_request_ok(void **state)
{
	(void)state;
	struct kf_error err;
	struct kf_oauth_authorize out;
	struct kf_oauth_client c = public_client();
	struct kf_oauth_authorize_request r = good_request();
	assert_int_equal(kf_oauth_authorize_check(&r, &c, &out, &err), KF_OK);
	assert_int_equal(out.redirect_index, 1);
	assert_true(out.redirect_uri_given);
	assert_int_equal(out.n_sets, 2);
	assert_int_equal(out.sets[0].id, 1);
	assert_int_equal(out.sets[1].id, 2);

	/* A confidential client may skip PKCE; with one redirect URI it may omit it. */
	const char *const one[] = { "https://app.example.com/oauth/callback" };
	c.type = KF_OAUTH_CLIENT_CONFIDENTIAL;
	c.redirect_uris = one;
	c.n_redirect_uris = 1;
	r.redirect_uri = NULL;
	r.code_challenge = NULL;
	r.code_challenge_method = NULL;
	r.scope = NULL;
	r.state = NULL;
	assert_int_equal(kf_oauth_authorize_check(&r, &c, &out, &err), KF_OK);
	assert_int_equal(out.redirect_index, 0);
	assert_false(out.redirect_uri_given);
	assert_int_equal(out.n_sets, 3);
}

static void test_authorize_request_not_redirectable(void **state)
{
	(void)state;
	struct kf_error err;
	struct kf_oauth_authorize out;
	struct kf_oauth_client c = public_client();
	struct kf_oauth_authorize_request r = good_request();
	/* Everything else wrong too: the redirect URI is judged first. */
	r.redirect_uri = "https://evil.example/cb";
	r.response_type = "token";
	assert_int_equal(kf_oauth_authorize_check(&r, &c, &out, &err), KF_EINVAL);
	assert_error(&err, KF_EINVAL, "redirect_uri_mismatch", NULL, "redirect_uri");
	assert_false(out.redirectable);
	r.redirect_uri = NULL;
	assert_int_equal(kf_oauth_authorize_check(&r, &c, &out, &err), KF_EINVAL);
	assert_error(&err, KF_EINVAL, "redirect_uri_required", NULL, "redirect_uri");
	assert_false(out.redirectable);
	assert_int_equal(kf_oauth_authorize_check(NULL, &c, &out, &err), KF_EINTERNAL);
	assert_false(out.redirectable);
}

static void expect_redirectable(const struct kf_oauth_authorize_request *r,
				const struct kf_oauth_client *c, const char *name,
				const char *rfc_name)
{
	struct kf_error err;
	struct kf_oauth_authorize out;
	assert_int_not_equal(kf_oauth_authorize_check(r, c, &out, &err), KF_OK);
	if (strcmp(err.name, name) != 0)
		fail_msg("got %s (%s), expected %s", err.name, err.msg, name);
	assert_oauth(&err, rfc_name);
	assert_true(out.redirectable);
	assert_int_equal(out.redirect_index, 1);
}

static void test_authorize_request_redirectable_errors(void **state)
{
	(void)state;
	struct kf_oauth_client c = public_client();
	struct kf_oauth_authorize_request r = good_request();
	r.response_type = "token"; /* the implicit grant is not offered (RFC 9700 §2.1.2) */
	expect_redirectable(&r, &c, "unsupported_response_type", "unsupported_response_type");
	r.response_type = "code id_token";
	expect_redirectable(&r, &c, "unsupported_response_type", "unsupported_response_type");
	r.response_type = NULL;
	expect_redirectable(&r, &c, "response_type_missing", "invalid_request");

	r = good_request();
	r.code_challenge = NULL;
	r.code_challenge_method = NULL;
	expect_redirectable(&r, &c, "pkce_required", "invalid_request"); /* public client */
	r = good_request();
	r.code_challenge_method = "plain";
	expect_redirectable(&r, &c, "pkce_method_unsupported", "invalid_request");

	r = good_request();
	r.scope = "messages orders";
	expect_redirectable(&r, &c, "unknown_scope", "invalid_scope");

	r = good_request();
	char longstate[KF_OAUTH_STATE_MAX + 2];
	memset(longstate, 's', sizeof(longstate) - 1);
	longstate[sizeof(longstate) - 1] = '\0';
	r.state = longstate;
	expect_redirectable(&r, &c, "invalid_state", "invalid_request");
	r.state = "a\nb";
	expect_redirectable(&r, &c, "invalid_state", "invalid_request");
	r.state = "with spaces and ~!@#$%^&*() is fine";
	struct kf_error err;
	struct kf_oauth_authorize out;
	assert_int_equal(kf_oauth_authorize_check(&r, &c, &out, &err), KF_OK);
}

/* ---- token request ---------------------------------------------------------------- */

static void test_grant_parse(void **state)
{
	(void)state;
	struct kf_error err;
	enum kf_oauth_grant g;
	assert_int_equal(kf_oauth_grant_parse("authorization_code", KF_OAUTH_CLIENT_PUBLIC, &g, &err),
			 KF_OK);
	assert_int_equal(g, KF_OAUTH_GRANT_AUTHORIZATION_CODE);
	assert_int_equal(kf_oauth_grant_parse("refresh_token", KF_OAUTH_CLIENT_PUBLIC, &g, &err),
			 KF_OK);
	assert_int_equal(g, KF_OAUTH_GRANT_REFRESH_TOKEN);
	assert_int_equal(kf_oauth_grant_parse("client_credentials", KF_OAUTH_CLIENT_CONFIDENTIAL, &g,
					      &err),
			 KF_OK);
	assert_int_equal(g, KF_OAUTH_GRANT_CLIENT_CREDENTIALS);
	assert_int_equal(kf_oauth_grant_parse("client_credentials", KF_OAUTH_CLIENT_PUBLIC, &g, &err),
			 KF_EAUTH);
	assert_error(&err, KF_EAUTH, "unauthorized_client", NULL, "grant_type");
	assert_oauth(&err, "unauthorized_client");
	static const char *const unsupported[] = { "password", "implicit", "Authorization_code",
						   "urn:ietf:params:oauth:grant-type:device_code" };
	for (size_t i = 0; i < N(unsupported); i++) {
		assert_int_equal(kf_oauth_grant_parse(unsupported[i], KF_OAUTH_CLIENT_CONFIDENTIAL, &g,
						      &err),
				 KF_EINVAL);
		assert_error(&err, KF_EINVAL, "unsupported_grant_type", NULL, "grant_type");
		assert_oauth(&err, "unsupported_grant_type");
	}
	assert_int_equal(kf_oauth_grant_parse(NULL, KF_OAUTH_CLIENT_PUBLIC, &g, &err), KF_EINVAL);
	assert_error(&err, KF_EINVAL, "grant_type_missing", NULL, "grant_type");
	assert_oauth(&err, "invalid_request");
	assert_string_equal(kf_oauth_grant_name(KF_OAUTH_GRANT_REFRESH_TOKEN), "refresh_token");
	assert_null(kf_oauth_grant_name((enum kf_oauth_grant)3));
}

static struct kf_oauth_code stored_code(void)
{
	return (struct kf_oauth_code){
		.client_id = "kf0123456789abcdef",
		.redirect_uri = "https://app.example.com/cb?tenant=1",
		.code_challenge = RFC_CHALLENGE,
		.created_at = 1000,
		.used_at = 0,
		.expires_at = 1600,
	};
}

static void test_code_redeem_ok(void **state)
{
	(void)state;
	struct kf_error err;
	bool revoke = true;
	struct kf_oauth_code c = stored_code();
	assert_int_equal(kf_oauth_code_redeem_check(&c, "kf0123456789abcdef",
						    "https://app.example.com/cb?tenant=1", RFC_VERIFIER,
						    1200, &revoke, &err),
			 KF_OK);
	assert_false(revoke);
	/* Neither request named a redirect_uri; no PKCE (confidential client). */
	c.redirect_uri = NULL;
	c.code_challenge = NULL;
	assert_int_equal(kf_oauth_code_redeem_check(&c, "kf0123456789abcdef", NULL, NULL, 1200,
						    &revoke, &err),
			 KF_OK);
}

static void test_code_replay_AUTH_3(void **state)
{
	(void)state;
	struct kf_error err;
	bool revoke = false;
	struct kf_oauth_code c = stored_code();
	c.used_at = 1100;
	/* Even with a perfect request, a second use is refused and revokes. */
	assert_int_equal(kf_oauth_code_redeem_check(&c, "kf0123456789abcdef",
						    "https://app.example.com/cb?tenant=1", RFC_VERIFIER,
						    1200, &revoke, &err),
			 KF_EAUTH);
	assert_error(&err, KF_EAUTH, "code_used", "AUTH-3", NULL);
	assert_true(revoke);
	assert_oauth(&err, "invalid_grant");
	/* Replay by another client: still a replay first. */
	revoke = false;
	assert_int_equal(kf_oauth_code_redeem_check(&c, "kfother", NULL, NULL, 1200, &revoke, &err),
			 KF_EAUTH);
	assert_string_equal(err.name, "code_used");
	assert_true(revoke);
}

static void test_code_expired_AUTH_3(void **state)
{
	(void)state;
	struct kf_error err;
	bool revoke = true;
	struct kf_oauth_code c = stored_code();
	assert_int_equal(kf_oauth_code_redeem_check(&c, "kf0123456789abcdef",
						    "https://app.example.com/cb?tenant=1", RFC_VERIFIER,
						    1600, &revoke, &err),
			 KF_EAUTH);
	assert_error(&err, KF_EAUTH, "code_expired", "AUTH-3", NULL);
	assert_false(revoke);
	assert_oauth(&err, "invalid_grant");
}

static void test_code_redeem_binding(void **state)
{
	(void)state;
	struct kf_error err;
	struct kf_oauth_code c = stored_code();
	const char *uri = "https://app.example.com/cb?tenant=1";
	assert_int_equal(kf_oauth_code_redeem_check(&c, "kf9999999999999999", uri, RFC_VERIFIER, 1200,
						    NULL, &err),
			 KF_EAUTH);
	assert_error(&err, KF_EAUTH, "code_client_mismatch", NULL, "code");
	assert_oauth(&err, "invalid_grant");
	assert_int_equal(kf_oauth_code_redeem_check(&c, NULL, uri, RFC_VERIFIER, 1200, NULL, &err),
			 KF_EAUTH);
	assert_error(&err, KF_EAUTH, "code_client_mismatch", NULL, "code");
	/* RFC 6749 §4.1.3: the same redirect_uri, byte for byte. */
	assert_int_equal(kf_oauth_code_redeem_check(&c, "kf0123456789abcdef",
						    "https://app.example.com/cb?tenant=1/",
						    RFC_VERIFIER, 1200, NULL, &err),
			 KF_EAUTH);
	assert_error(&err, KF_EAUTH, "redirect_uri_changed", NULL, "redirect_uri");
	assert_oauth(&err, "invalid_grant");
	assert_int_equal(kf_oauth_code_redeem_check(&c, "kf0123456789abcdef", NULL, RFC_VERIFIER, 1200,
						    NULL, &err),
			 KF_EAUTH);
	assert_error(&err, KF_EAUTH, "redirect_uri_changed", NULL, "redirect_uri");
	/* PKCE last. */
	assert_int_equal(kf_oauth_code_redeem_check(&c, "kf0123456789abcdef", uri, NULL, 1200, NULL,
						    &err),
			 KF_EAUTH);
	assert_error(&err, KF_EAUTH, "code_verifier_missing", NULL, "code_verifier");
	assert_int_equal(kf_oauth_code_redeem_check(&c, "kf0123456789abcdef", uri,
						    "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXl", 1200,
						    NULL, &err),
			 KF_EAUTH);
	assert_error(&err, KF_EAUTH, "pkce_mismatch", NULL, "code_verifier");
	c.code_challenge = "";
	assert_int_equal(kf_oauth_code_redeem_check(&c, "kf0123456789abcdef", uri, RFC_VERIFIER, 1200,
						    NULL, &err),
			 KF_EAUTH);
	assert_error(&err, KF_EAUTH, "code_verifier_unexpected", NULL, "code_verifier");
	assert_int_equal(kf_oauth_code_redeem_check(NULL, "x", NULL, NULL, 1, NULL, &err),
			 KF_EINTERNAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_error_names_and_statuses),
		cmocka_unit_test(test_error_for),
		cmocka_unit_test(test_pkce_rfc7636_appendix_b),
		cmocka_unit_test(test_pkce_verifier_syntax),
		cmocka_unit_test(test_pkce_request_plain_refused),
		cmocka_unit_test(test_pkce_request_required_and_syntax),
		cmocka_unit_test(test_pkce_verify),
		cmocka_unit_test(test_redirect_uri_registration_APP_4),
		cmocka_unit_test(test_redirect_uri_list_APP_4),
		cmocka_unit_test(test_redirect_match_exact),
		cmocka_unit_test(test_redirect_match_traps),
		cmocka_unit_test(test_redirect_match_omitted),
		cmocka_unit_test(test_redirect_match_loopback_port),
		cmocka_unit_test(test_redirect_match_refuses_ambiguous_issue9_APP_4),
		cmocka_unit_test(test_scope_parse),
		cmocka_unit_test(test_scope_parse_errors),
		cmocka_unit_test(test_scope_format),
		cmocka_unit_test(test_client_auth_basic),
		cmocka_unit_test(test_client_auth_basic_malformed),
		cmocka_unit_test(test_client_auth_post_and_none),
		cmocka_unit_test(test_client_auth_conflicts),
		cmocka_unit_test(test_client_auth_rules),
		cmocka_unit_test(test_authorize_request_ok),
		cmocka_unit_test(test_authorize_request_not_redirectable),
		cmocka_unit_test(test_authorize_request_redirectable_errors),
		cmocka_unit_test(test_grant_parse),
		cmocka_unit_test(test_code_redeem_ok),
		cmocka_unit_test(test_code_replay_AUTH_3),
		cmocka_unit_test(test_code_expired_AUTH_3),
		cmocka_unit_test(test_code_redeem_binding),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
