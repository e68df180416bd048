/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Unit tests for src/core/auth.c: token kinds, lifetimes and text; codes
 * (AUTH-3); token checks and refresh rotation with reuse detection;
 * granted sets and data scope (APP-3, AUTH-1, DATA-1); pending sets
 * (APP-7); the authorization state machine (AUTH-2, AUTH-4, AUTH-5,
 * APP-10); the component errcodes (PROTOCOL.md §4).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/auth.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

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

static void assert_errcode(const char *name, int want)
{
	int code = 0;
	const char *msg = NULL;
	if (!kf_auth_errcode(name, &code, &msg))
		fail_msg("%s is not in the errcode table", name);
	if (code != want)
		fail_msg("%s maps to %d, expected %d", name, code, want);
	assert_non_null(msg);
}

/* ---- kinds, lifetimes ---------------------------------------------------------- */

static void test_policy_default_lifetimes(void **state)
{
	(void)state;
	struct kf_auth_policy p = kf_auth_policy_default();
	assert_int_equal(p.app_access_ttl, 7200);
	assert_int_equal(p.pre_auth_code_ttl, 600);
	assert_int_equal(p.auth_code_ttl, 600);
	assert_int_equal(p.auth_code_event_ttl, 3600);
	assert_int_equal(p.authorizer_access_ttl, 7200);
	assert_int_equal(p.authorizer_refresh_ttl, 0);
	assert_int_equal(p.oauth_access_ttl, 3600);
	assert_int_equal(p.oauth_refresh_ttl, 30 * 86400);
	struct kf_error err;
	assert_int_equal(kf_auth_policy_check(&p, &err), KF_OK);
}

static void test_policy_check_AUTH_3(void **state)
{
	(void)state;
	struct kf_error err;
	struct kf_auth_policy p = kf_auth_policy_default();
	p.auth_code_event_ttl = 3601;
	assert_int_equal(kf_auth_policy_check(&p, &err), KF_EINVAL);
	assert_error(&err, KF_EINVAL, "invalid_ttl", "AUTH-3", "auth_code_event_ttl");

	p = kf_auth_policy_default();
	p.pre_auth_code_ttl = 0;
	assert_int_equal(kf_auth_policy_check(&p, &err), KF_EINVAL);
	assert_error(&err, KF_EINVAL, "invalid_ttl", "AUTH-3", "pre_auth_code_ttl");

	/* The event may not announce less time than the redirect's expires_in. */
	p = kf_auth_policy_default();
	p.auth_code_ttl = 900;
	p.auth_code_event_ttl = 600;
	assert_int_equal(kf_auth_policy_check(&p, &err), KF_EINVAL);
	assert_error(&err, KF_EINVAL, "invalid_ttl", "AUTH-3", "auth_code_event_ttl");

	p = kf_auth_policy_default();
	p.app_access_ttl = 0;
	assert_int_equal(kf_auth_policy_check(&p, &err), KF_EINVAL);
	assert_error(&err, KF_EINVAL, "invalid_ttl", NULL, "app_access_ttl");

	p = kf_auth_policy_default();
	p.oauth_refresh_ttl = -1;
	assert_int_equal(kf_auth_policy_check(&p, &err), KF_EINVAL);
	assert_error(&err, KF_EINVAL, "invalid_ttl", NULL, "oauth_refresh_ttl");

	p = kf_auth_policy_default();
	p.authorizer_access_ttl = KF_AUTH_TTL_MAX + 1;
	assert_int_equal(kf_auth_policy_check(&p, &err), KF_EINVAL);
	assert_error(&err, KF_EINVAL, "invalid_ttl", NULL, "authorizer_access_ttl");

	/* Baidu's variant: app tokens of 30 days, refresh tokens of 10 years. */
	p = kf_auth_policy_default();
	p.app_access_ttl = 30 * 86400;
	p.oauth_refresh_ttl = 0;
	p.authorizer_refresh_ttl = 10LL * 365 * 86400;
	p.pre_auth_code_ttl = 1200;
	assert_int_equal(kf_auth_policy_check(&p, &err), KF_OK);
	assert_int_equal(kf_auth_policy_check(NULL, &err), KF_EINTERNAL);
}

static void test_ttl_and_expiry(void **state)
{
	(void)state;
	struct kf_auth_policy p = kf_auth_policy_default();
	const int64_t now = 1700000000;
	assert_int_equal(kf_auth_ttl(&p, KF_AUTH_KIND_APP_ACCESS), 7200);
	assert_int_equal(kf_auth_ttl(&p, KF_AUTH_KIND_PRE_AUTH_CODE), 600);
	assert_int_equal(kf_auth_ttl(&p, KF_AUTH_KIND_AUTH_CODE), 600);
	assert_int_equal(kf_auth_ttl(&p, KF_AUTH_KIND_AUTHORIZER_ACCESS), 7200);
	assert_int_equal(kf_auth_ttl(&p, KF_AUTH_KIND_AUTHORIZER_REFRESH), 0);
	assert_int_equal(kf_auth_ttl(&p, KF_AUTH_KIND_OAUTH_ACCESS), 3600);
	assert_int_equal(kf_auth_ttl(NULL, KF_AUTH_KIND_OAUTH_REFRESH), 2592000);
	assert_int_equal(kf_auth_ttl(&p, (enum kf_auth_kind)99), 0);

	assert_int_equal(kf_auth_expires_at(&p, KF_AUTH_KIND_APP_ACCESS, now), now + 7200);
	assert_int_equal(kf_auth_expires_at(&p, KF_AUTH_KIND_PRE_AUTH_CODE, now), now + 600);
	assert_int_equal(kf_auth_expires_at(&p, KF_AUTH_KIND_AUTHORIZER_REFRESH, now), 0);
	assert_int_equal(kf_auth_expires_at(NULL, KF_AUTH_KIND_OAUTH_ACCESS, now), now + 3600);
	assert_int_equal(kf_auth_expires_at(&p, KF_AUTH_KIND_APP_ACCESS, INT64_MAX - 5), INT64_MAX);

	p.authorizer_refresh_ttl = 86400;
	assert_int_equal(kf_auth_expires_at(&p, KF_AUTH_KIND_AUTHORIZER_REFRESH, now), now + 86400);
}

/* Both expiries of PROTOCOL.md §1: 600 s on the redirect, the event's
 * AuthorizationCodeExpiredTime = created + 3600. */
static void test_auth_code_expiry_redirect_and_event(void **state)
{
	(void)state;
	const int64_t created = 1413192760;
	struct kf_auth_policy p = kf_auth_policy_default();
	assert_int_equal(kf_auth_ttl(&p, KF_AUTH_KIND_AUTH_CODE), 600); /* expires_in */
	assert_int_equal(kf_auth_code_expires_at(&p, created, false), 1413196360);
	assert_int_equal(kf_auth_code_expires_at(NULL, created, false), created + 3600);
	assert_int_equal(kf_auth_code_expires_at(&p, created, true), created + 600);
	p.auth_code_event_ttl = 300; /* an unchecked policy: never shorter than the redirect */
	assert_int_equal(kf_auth_code_expires_at(&p, created, false), created + 600);
}

/* ---- token text ------------------------------------------------------------------ */

static void test_token_format_and_classify(void **state)
{
	(void)state;
	unsigned char rnd[KF_AUTH_RANDOM_LEN];
	for (int i = 0; i < KF_AUTH_RANDOM_LEN; i++)
		rnd[i] = (unsigned char)i;
	char tok[KF_AUTH_TOKEN_SIZE];
	assert_true(kf_auth_token_format(KF_AUTH_KIND_APP_ACCESS, rnd, tok));
	assert_string_equal(tok, "kfat_AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8");

	memset(rnd, 0xff, sizeof(rnd));
	assert_true(kf_auth_token_format(KF_AUTH_KIND_OAUTH_REFRESH, rnd, tok));
	assert_string_equal(tok, "kfor___________________________________________8");

	static const char *const prefixes[KF_AUTH_KIND_COUNT] = {
		"kfat_", "kfpa_", "kfcd_", "kfaa_", "kfar_", "kfoa_", "kfor_",
	};
	for (int i = 0; i < KF_AUTH_KIND_COUNT; i++) {
		enum kf_auth_kind k = (enum kf_auth_kind)i, got;
		rnd[0] = (unsigned char)(i * 37);
		assert_true(kf_auth_token_format(k, rnd, tok));
		assert_int_equal(strlen(tok), KF_AUTH_TOKEN_LEN);
		assert_int_equal(strncmp(tok, prefixes[i], 5), 0);
		/* URL-safe: nothing a query string or CDATA would need escaped. */
		assert_int_equal(strspn(tok, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
					     "0123456789-_"),
				 KF_AUTH_TOKEN_LEN);
		assert_true(kf_auth_token_classify(tok, &got));
		assert_int_equal(got, k);
	}
	assert_false(kf_auth_token_format((enum kf_auth_kind)KF_AUTH_KIND_COUNT, rnd, tok));
	assert_string_equal(tok, "");
}

/* Also the regression test of what the OAuth fuzz harness found: a code
 * challenge or token with a byte above 0x7f passed the canonical check. */
static void test_token_classify_malformed(void **state)
{
	(void)state;
	static const char *const bad[] = {
		"",
		"kfat_",
		"kfat_AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh",   /* 42 */
		"kfat_AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8A", /* 44 */
		"kfat_AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=", /* padding */
		"kfzz_AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8", /* unknown prefix */
		"KFAT_AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8", /* prefixes are lower case */
		"kfat_AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGx+dHh8", /* standard base64 '+' */
		"kfat_AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGx/dHh8",
		"kfat_AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGx dHh8",
		/* a byte above 0x7f: libsodium 1.0.18 alone decodes it as a letter */
		"kfat_AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGx\262dHh8",
		"kfat_AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh9", /* stray bits in the last char */
		"kfatXAAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8",
		"12345678901234567890123456789012345678901234567",
	};
	for (size_t i = 0; i < N(bad); i++) {
		enum kf_auth_kind k = KF_AUTH_KIND_PRE_AUTH_CODE;
		if (kf_auth_token_classify(bad[i], &k))
			fail_msg("accepted bad[%zu]", i);
		assert_int_equal(k, KF_AUTH_KIND_PRE_AUTH_CODE);
	}
	enum kf_auth_kind k;
	assert_false(kf_auth_token_classify(NULL, &k));
	/* A very long value is rejected after reading at most 49 bytes. */
	char *longv = malloc(100000);
	assert_non_null(longv);
	memset(longv, 'A', 99999);
	longv[99999] = '\0';
	memcpy(longv, "kfat_", 5);
	assert_false(kf_auth_token_classify(longv, &k));
	free(longv);
}

static void test_token_expect_errcodes(void **state)
{
	(void)state;
	struct kf_error err;
	unsigned char rnd[KF_AUTH_RANDOM_LEN] = { 1, 2, 3 };
	char app[KF_AUTH_TOKEN_SIZE], authorizer[KF_AUTH_TOKEN_SIZE], code[KF_AUTH_TOKEN_SIZE];
	char refresh[KF_AUTH_TOKEN_SIZE];
	assert_true(kf_auth_token_format(KF_AUTH_KIND_APP_ACCESS, rnd, app));
	assert_true(kf_auth_token_format(KF_AUTH_KIND_AUTHORIZER_ACCESS, rnd, authorizer));
	assert_true(kf_auth_token_format(KF_AUTH_KIND_AUTH_CODE, rnd, code));
	assert_true(kf_auth_token_format(KF_AUTH_KIND_AUTHORIZER_REFRESH, rnd, refresh));

	assert_int_equal(kf_auth_token_expect(app, KF_AUTH_KIND_APP_ACCESS, &err), KF_OK);
	assert_int_equal(kf_auth_token_expect(NULL, KF_AUTH_KIND_APP_ACCESS, &err), KF_EAUTH);
	assert_error(&err, KF_EAUTH, "access_token_missing", NULL, NULL);
	assert_errcode(err.name, 41001);
	assert_int_equal(kf_auth_token_expect("", KF_AUTH_KIND_AUTHORIZER_ACCESS, &err), KF_EAUTH);
	assert_error(&err, KF_EAUTH, "access_token_missing", NULL, NULL);
	assert_int_equal(kf_auth_token_expect("garbage", KF_AUTH_KIND_APP_ACCESS, &err), KF_EAUTH);
	assert_error(&err, KF_EAUTH, "invalid_access_token", NULL, NULL);
	assert_errcode(err.name, 40014);
	/* An authorizer token where the app token belongs: a wrong token. */
	assert_int_equal(kf_auth_token_expect(authorizer, KF_AUTH_KIND_APP_ACCESS, &err), KF_EAUTH);
	assert_error(&err, KF_EAUTH, "invalid_credential", NULL, NULL);
	assert_errcode(err.name, 40001);
	assert_int_equal(kf_auth_token_expect(app, KF_AUTH_KIND_OAUTH_ACCESS, &err), KF_EAUTH);
	assert_error(&err, KF_EAUTH, "invalid_credential", NULL, NULL);

	assert_int_equal(kf_auth_token_expect(code, KF_AUTH_KIND_AUTH_CODE, &err), KF_OK);
	assert_int_equal(kf_auth_token_expect(app, KF_AUTH_KIND_AUTH_CODE, &err), KF_EAUTH);
	assert_error(&err, KF_EAUTH, "code_invalid", "AUTH-3", NULL);
	assert_errcode(err.name, 61009);
	assert_int_equal(kf_auth_token_expect(code, KF_AUTH_KIND_PRE_AUTH_CODE, &err), KF_EAUTH);
	assert_error(&err, KF_EAUTH, "code_invalid", "AUTH-3", NULL);
	assert_int_equal(kf_auth_token_expect(NULL, KF_AUTH_KIND_AUTH_CODE, &err), KF_EAUTH);
	assert_error(&err, KF_EAUTH, "code_invalid", "AUTH-3", NULL);

	assert_int_equal(kf_auth_token_expect(refresh, KF_AUTH_KIND_AUTHORIZER_REFRESH, &err), KF_OK);
	assert_int_equal(kf_auth_token_expect(authorizer, KF_AUTH_KIND_AUTHORIZER_REFRESH, &err),
			 KF_EAUTH);
	assert_error(&err, KF_EAUTH, "refresh_token_invalid", NULL, NULL);
	assert_errcode(err.name, 61023);
	assert_int_equal(kf_auth_token_expect("x", KF_AUTH_KIND_OAUTH_REFRESH, &err), KF_EAUTH);
	assert_error(&err, KF_EAUTH, "refresh_token_invalid", NULL, NULL);

	assert_int_equal(kf_auth_token_expect(app, (enum kf_auth_kind)42, &err), KF_EINVAL);
}

static void test_base64url(void **state)
{
	(void)state;
	static const struct {
		const char *in, *out;
	} v[] = { /* RFC 4648 §10, without padding */
		  { "", "" },         { "f", "Zg" },         { "fo", "Zm8" },
		  { "foo", "Zm9v" }, { "foob", "Zm9vYg" }, { "fooba", "Zm9vYmE" },
		  { "foobar", "Zm9vYmFy" },
	};
	char out[16];
	for (size_t i = 0; i < N(v); i++) {
		size_t n = strlen(v[i].in);
		assert_int_equal(kf_auth_base64url((const unsigned char *)v[i].in, n, out, sizeof(out)),
				 strlen(v[i].out));
		assert_string_equal(out, v[i].out);
	}
	const unsigned char urlsafe[] = { 0xfb, 0xff, 0xbf };
	assert_int_equal(kf_auth_base64url(urlsafe, 3, out, sizeof(out)), 4);
	assert_string_equal(out, "-_-_");
	/* Too small: nothing written but a NUL. */
	assert_int_equal(kf_auth_base64url((const unsigned char *)"foobar", 6, out, 8), 0);
	assert_string_equal(out, "");
	assert_int_equal(kf_auth_base64url((const unsigned char *)"foobar", 6, out, 9), 8);
}

/* ---- codes (AUTH-3) ------------------------------------------------------------------ */

static void test_code_replay_AUTH_3(void **state)
{
	(void)state;
	struct kf_error err;
	bool revoke = false;
	const int64_t created = 1000, expires = 1600;
	assert_int_equal(kf_auth_check_code(created, 1100, expires, 1200, &revoke, &err), KF_EAUTH);
	assert_error(&err, KF_EAUTH, "code_used", "AUTH-3", NULL);
	assert_true(revoke); /* the caller revokes every token issued from it */
	assert_errcode(err.name, 61009);
	/* Still a replay after expiry: the tokens must die all the same. */
	revoke = false;
	assert_int_equal(kf_auth_check_code(created, 1100, expires, 99999, &revoke, &err), KF_EAUTH);
	assert_error(&err, KF_EAUTH, "code_used", "AUTH-3", NULL);
	assert_true(revoke);
	assert_int_equal(kf_auth_check_code(created, 1100, expires, 1200, NULL, &err), KF_EAUTH);
	assert_int_equal(kf_auth_check_code(created, 1100, expires, 1200, NULL, NULL), KF_EAUTH);
}

static void test_code_expired_AUTH_3(void **state)
{
	(void)state;
	struct kf_error err;
	bool revoke = true;
	struct kf_auth_policy p = kf_auth_policy_default();
	const int64_t created = 5000;
	int64_t expires = kf_auth_expires_at(&p, KF_AUTH_KIND_PRE_AUTH_CODE, created);
	assert_int_equal(kf_auth_check_code(created, 0, expires, created, &revoke, &err), KF_OK);
	assert_false(revoke);
	assert_int_equal(kf_auth_check_code(created, 0, expires, expires - 1, &revoke, &err), KF_OK);
	assert_int_equal(kf_auth_check_code(created, 0, expires, expires, &revoke, &err), KF_EAUTH);
	assert_error(&err, KF_EAUTH, "code_expired", "AUTH-3", NULL);
	assert_false(revoke);
	assert_errcode(err.name, 61009);
	/* Another process's clock may lag: a code "from the future" is fine. */
	assert_int_equal(kf_auth_check_code(created, 0, expires, created - 2, &revoke, &err), KF_OK);
	assert_int_equal(kf_auth_check_code(created, 0, created, created, &revoke, &err),
			 KF_EINTERNAL);
	assert_error(&err, KF_EINTERNAL, "invalid_code_record", NULL, NULL);
}

/* ---- stored tokens ---------------------------------------------------------------- */

/* A live token of kind for app 7 (authorization 3 for authorizer and OAuth
 * kinds), released, expiring at 20000. */
static struct kf_auth_token live_token(enum kf_auth_kind kind)
{
	bool app_token = kind == KF_AUTH_KIND_APP_ACCESS;
	return (struct kf_auth_token){
		.id = 1, .kind = kind, .app = 7, .app_state = KF_APP_RELEASED,
		.authorization = app_token ? 0 : 3,
		.auth_state = app_token ? KF_AUTH_STATE_NONE : KF_AUTH_STATE_ACTIVE,
		.expires_at = 20000,
	};
}

static void test_check_token_live(void **state)
{
	(void)state;
	struct kf_error err;
	const int64_t now = 10000;
	struct kf_auth_token t = live_token(KF_AUTH_KIND_APP_ACCESS);
	struct kf_auth_token_want w = { .kind = KF_AUTH_KIND_APP_ACCESS, .app = 7 };
	assert_int_equal(kf_auth_check_token(&t, &w, now, &err), KF_OK);
	w.app = 0; /* any app */
	assert_int_equal(kf_auth_check_token(&t, &w, now, &err), KF_OK);
	t = live_token(KF_AUTH_KIND_AUTHORIZER_ACCESS);
	t.auth_state = KF_AUTH_STATE_UPDATED; /* re-authorized is live too */
	w = (struct kf_auth_token_want){ .kind = KF_AUTH_KIND_AUTHORIZER_ACCESS, .authorization = 3 };
	assert_int_equal(kf_auth_check_token(&t, &w, now, &err), KF_OK);
	/* the authorizer refresh token does not expire */
	t = live_token(KF_AUTH_KIND_AUTHORIZER_REFRESH);
	t.expires_at = 0;
	w = (struct kf_auth_token_want){ .kind = KF_AUTH_KIND_AUTHORIZER_REFRESH, .app = 7, .authorization = 3 };
	assert_int_equal(kf_auth_check_token(&t, &w, INT64_MAX, &err), KF_OK);
	/* what a withdrawn app issued keeps working (GOV-2) */
	t = live_token(KF_AUTH_KIND_OAUTH_ACCESS);
	t.app_state = KF_APP_WITHDRAWN;
	w = (struct kf_auth_token_want){ .kind = KF_AUTH_KIND_OAUTH_ACCESS };
	assert_int_equal(kf_auth_check_token(&t, &w, now, &err), KF_OK);
}

static void test_check_token_unknown_and_kind(void **state)
{
	(void)state;
	struct kf_error err;
	struct kf_auth_token_want w = { .kind = KF_AUTH_KIND_APP_ACCESS };
	assert_int_equal(kf_auth_check_token(NULL, &w, 1, &err), KF_EAUTH);
	assert_error(&err, KF_EAUTH, "token_unknown", NULL, NULL);
	assert_errcode(err.name, 40001);
	/* an authorizer token where an app token is expected */
	struct kf_auth_token t = live_token(KF_AUTH_KIND_AUTHORIZER_ACCESS);
	assert_int_equal(kf_auth_check_token(&t, &w, 1, &err), KF_EAUTH);
	assert_error(&err, KF_EAUTH, "invalid_credential", NULL, NULL);
	assert_errcode(err.name, 40001);
	/* refresh kinds fail as the refresh token */
	w.kind = KF_AUTH_KIND_AUTHORIZER_REFRESH;
	assert_int_equal(kf_auth_check_token(NULL, &w, 1, &err), KF_EAUTH);
	assert_error(&err, KF_EAUTH, "refresh_token_invalid", NULL, NULL);
	assert_int_equal(kf_auth_check_token(&t, &w, 1, &err), KF_EAUTH);
	assert_error(&err, KF_EAUTH, "refresh_token_invalid", NULL, NULL);
	assert_errcode(err.name, 61023);
	/* a stored kind the store could not map */
	t.kind = (enum kf_auth_kind)KF_AUTH_KIND_COUNT;
	w.kind = KF_AUTH_KIND_AUTHORIZER_ACCESS;
	assert_int_equal(kf_auth_check_token(&t, &w, 1, &err), KF_EAUTH);
	assert_error(&err, KF_EAUTH, "invalid_credential", NULL, NULL);
	/* codes are not tokens: kf_auth_check_code */
	w.kind = KF_AUTH_KIND_AUTH_CODE;
	assert_int_equal(kf_auth_check_token(&t, &w, 1, &err), KF_EINVAL);
	assert_error(&err, KF_EINVAL, "invalid_kind", NULL, NULL);
	w.kind = (enum kf_auth_kind)-3;
	assert_int_equal(kf_auth_check_token(&t, &w, 1, &err), KF_EINVAL);
	assert_int_equal(kf_auth_check_token(&t, NULL, 1, &err), KF_EINVAL);
}

static void test_check_token_revoked_AUTH_2(void **state)
{
	(void)state;
	struct kf_error err;
	const int64_t now = 10000;
	struct kf_auth_token t = live_token(KF_AUTH_KIND_AUTHORIZER_ACCESS);
	struct kf_auth_token_want w = { .kind = KF_AUTH_KIND_AUTHORIZER_ACCESS };
	t.revoked = true;
	assert_int_equal(kf_auth_check_token(&t, &w, now, &err), KF_EAUTH);
	assert_error(&err, KF_EAUTH, "token_revoked", "AUTH-2", NULL);
	assert_errcode(err.name, 40001);
	/* revoked and expired: revocation wins */
	t = live_token(KF_AUTH_KIND_OAUTH_ACCESS);
	t.revoked = true;
	t.expires_at = now - 1;
	w.kind = KF_AUTH_KIND_OAUTH_ACCESS;
	assert_int_equal(kf_auth_check_token(&t, &w, now, &err), KF_EAUTH);
	assert_error(&err, KF_EAUTH, "token_revoked", "AUTH-2", NULL);
	/* its authorization ended (the token row itself not yet revoked) */
	t = live_token(KF_AUTH_KIND_AUTHORIZER_ACCESS);
	t.auth_state = KF_AUTH_STATE_REVOKED;
	w.kind = KF_AUTH_KIND_AUTHORIZER_ACCESS;
	assert_int_equal(kf_auth_check_token(&t, &w, now, &err), KF_EAUTH);
	assert_error(&err, KF_EAUTH, "token_revoked", "AUTH-2", NULL);
	t.auth_state = KF_AUTH_STATE_NONE; /* unknown stored state */
	assert_int_equal(kf_auth_check_token(&t, &w, now, &err), KF_EAUTH);
	assert_error(&err, KF_EAUTH, "token_revoked", "AUTH-2", NULL);
	/* a token of another authorization */
	t = live_token(KF_AUTH_KIND_AUTHORIZER_REFRESH);
	w = (struct kf_auth_token_want){ .kind = KF_AUTH_KIND_AUTHORIZER_REFRESH, .authorization = 4 };
	assert_int_equal(kf_auth_check_token(&t, &w, now, &err), KF_EAUTH);
	assert_error(&err, KF_EAUTH, "refresh_token_invalid", "AUTH-2", NULL);
	t.revoked = true;
	w.authorization = 3;
	assert_int_equal(kf_auth_check_token(&t, &w, now, &err), KF_EAUTH);
	assert_error(&err, KF_EAUTH, "refresh_token_invalid", "AUTH-2", NULL);
	assert_errcode(err.name, 61023);
	t = live_token(KF_AUTH_KIND_OAUTH_REFRESH);
	t.revoked = true;
	w = (struct kf_auth_token_want){ .kind = KF_AUTH_KIND_OAUTH_REFRESH };
	assert_int_equal(kf_auth_check_token(&t, &w, now, &err), KF_EAUTH);
	assert_error(&err, KF_EAUTH, "refresh_token_revoked", "AUTH-2", NULL);
	/* rotated away */
	t.revoked = false;
	t.superseded = true;
	assert_int_equal(kf_auth_check_token(&t, &w, now, &err), KF_EAUTH);
	assert_error(&err, KF_EAUTH, "refresh_token_reused", NULL, NULL);
	assert_errcode(err.name, 61023);
}

static void test_check_token_app_state_AUTH_5(void **state)
{
	(void)state;
	struct kf_error err;
	const int64_t now = 10000;
	struct kf_auth_token t = live_token(KF_AUTH_KIND_AUTHORIZER_ACCESS);
	struct kf_auth_token_want w = { .kind = KF_AUTH_KIND_AUTHORIZER_ACCESS };
	t.app_state = KF_APP_SUSPENDED;
	assert_int_equal(kf_auth_check_token(&t, &w, now, &err), KF_EFORBIDDEN);
	assert_error(&err, KF_EFORBIDDEN, "app_suspended", "AUTH-5", NULL);
	t.app_state = KF_APP_DELISTED;
	assert_int_equal(kf_auth_check_token(&t, &w, now, &err), KF_EFORBIDDEN);
	assert_error(&err, KF_EFORBIDDEN, "app_delisted", "GOV-1", NULL);
	/* an expired token of a deleted app: the app's state first */
	t.app_state = KF_APP_DELETED;
	t.expires_at = now - 1;
	assert_int_equal(kf_auth_check_token(&t, &w, now, &err), KF_EFORBIDDEN);
	assert_error(&err, KF_EFORBIDDEN, "app_deleted", "DATA-3", NULL);
}

static void test_check_token_expired(void **state)
{
	(void)state;
	struct kf_error err;
	const int64_t now = 10000;
	struct kf_auth_token t = live_token(KF_AUTH_KIND_APP_ACCESS);
	struct kf_auth_token_want w = { .kind = KF_AUTH_KIND_APP_ACCESS, .app = 7 };
	t.expires_at = now;
	assert_int_equal(kf_auth_check_token(&t, &w, now, &err), KF_EAUTH);
	assert_error(&err, KF_EAUTH, "token_expired", NULL, NULL);
	assert_errcode(err.name, 42001);
	assert_int_equal(kf_auth_check_token(&t, &w, now - 1, &err), KF_OK);
	t = live_token(KF_AUTH_KIND_AUTHORIZER_REFRESH);
	t.expires_at = now;
	w = (struct kf_auth_token_want){ .kind = KF_AUTH_KIND_AUTHORIZER_REFRESH };
	assert_int_equal(kf_auth_check_token(&t, &w, now, &err), KF_EAUTH);
	assert_error(&err, KF_EAUTH, "refresh_token_invalid", NULL, NULL);
	t = live_token(KF_AUTH_KIND_OAUTH_REFRESH);
	t.expires_at = now;
	w.kind = KF_AUTH_KIND_OAUTH_REFRESH;
	assert_int_equal(kf_auth_check_token(&t, &w, now, &err), KF_EAUTH);
	assert_error(&err, KF_EAUTH, "refresh_token_expired", NULL, NULL);
	assert_errcode(err.name, 61023);
}

static void test_check_token_wrong_app(void **state)
{
	(void)state;
	struct kf_error err;
	const int64_t now = 10000;
	struct kf_auth_token t = live_token(KF_AUTH_KIND_APP_ACCESS);
	struct kf_auth_token_want w = { .kind = KF_AUTH_KIND_APP_ACCESS, .app = 8 };
	assert_int_equal(kf_auth_check_token(&t, &w, now, &err), KF_EAUTH);
	assert_error(&err, KF_EAUTH, "app_mismatch", NULL, NULL);
	assert_errcode(err.name, 40013);
	/* expiry is reported before the app (as the component API always did) */
	t.expires_at = now;
	assert_int_equal(kf_auth_check_token(&t, &w, now, &err), KF_EAUTH);
	assert_error(&err, KF_EAUTH, "token_expired", NULL, NULL);
	t = live_token(KF_AUTH_KIND_AUTHORIZER_REFRESH);
	w.kind = KF_AUTH_KIND_AUTHORIZER_REFRESH;
	assert_int_equal(kf_auth_check_token(&t, &w, now, &err), KF_EAUTH);
	assert_error(&err, KF_EAUTH, "refresh_token_invalid", NULL, NULL);
}

/* ---- refresh rotation (RFC 9700) --------------------------------------------------- */

static void test_refresh_rotate(void **state)
{
	(void)state;
	struct kf_error err;
	enum kf_auth_refresh_action a = KF_AUTH_REFRESH_REVOKE_FAMILY;
	assert_int_equal(kf_auth_refresh_decide(KF_AUTH_REFRESH_CURRENT, true, 2000, 1000, &a, &err),
			 KF_OK);
	assert_int_equal(a, KF_AUTH_REFRESH_ROTATE);
	assert_int_equal(kf_auth_refresh_decide(KF_AUTH_REFRESH_CURRENT, true, 0, 1000, &a, &err),
			 KF_OK);
	assert_int_equal(a, KF_AUTH_REFRESH_ROTATE);
}

static void test_refresh_reuse_revokes_family(void **state)
{
	(void)state;
	struct kf_error err;
	enum kf_auth_refresh_action a = KF_AUTH_REFRESH_ROTATE;
	assert_int_equal(kf_auth_refresh_decide(KF_AUTH_REFRESH_SUPERSEDED, true, 2000, 1000, &a,
						&err),
			 KF_EAUTH);
	assert_int_equal(a, KF_AUTH_REFRESH_REVOKE_FAMILY);
	assert_error(&err, KF_EAUTH, "refresh_token_reused", NULL, NULL);
	/* Reuse of an old token that has since expired is still reuse. */
	a = KF_AUTH_REFRESH_ROTATE;
	assert_int_equal(kf_auth_refresh_decide(KF_AUTH_REFRESH_SUPERSEDED, true, 500, 1000, &a, &err),
			 KF_EAUTH);
	assert_int_equal(a, KF_AUTH_REFRESH_REVOKE_FAMILY);
	assert_errcode(err.name, 61023);
}

static void test_refresh_refusals(void **state)
{
	(void)state;
	struct kf_error err;
	enum kf_auth_refresh_action a = KF_AUTH_REFRESH_ROTATE;
	assert_int_equal(kf_auth_refresh_decide(KF_AUTH_REFRESH_REVOKED, true, 2000, 1000, &a, &err),
			 KF_EAUTH);
	assert_int_equal(a, KF_AUTH_REFRESH_REFUSE);
	assert_error(&err, KF_EAUTH, "refresh_token_revoked", "AUTH-2", NULL);

	a = KF_AUTH_REFRESH_ROTATE;
	assert_int_equal(kf_auth_refresh_decide(KF_AUTH_REFRESH_CURRENT, true, 1000, 1000, &a, &err),
			 KF_EAUTH);
	assert_int_equal(a, KF_AUTH_REFRESH_REFUSE);
	assert_error(&err, KF_EAUTH, "refresh_token_expired", NULL, NULL);

	/* Another client's token: refused, and the owner's family is left alone. */
	a = KF_AUTH_REFRESH_ROTATE;
	assert_int_equal(kf_auth_refresh_decide(KF_AUTH_REFRESH_SUPERSEDED, false, 2000, 1000, &a,
						&err),
			 KF_EAUTH);
	assert_int_equal(a, KF_AUTH_REFRESH_REFUSE);
	assert_error(&err, KF_EAUTH, "refresh_token_client_mismatch", NULL, NULL);

	a = KF_AUTH_REFRESH_ROTATE;
	assert_int_equal(kf_auth_refresh_decide((enum kf_auth_refresh_state)9, true, 0, 1, &a, &err),
			 KF_EINVAL);
	assert_int_equal(a, KF_AUTH_REFRESH_REFUSE);
}

/* ---- permission sets (APP-3, AUTH-1, DATA-1, APP-7) ----------------------------------- */

static const struct kf_auth_set asked[] = {
	{ 1, "messages", true },
	{ 2, "members", false },
	{ 4, "calendar", false },
};

static void test_grant_sets_AUTH_1(void **state)
{
	(void)state;
	struct kf_error err;
	struct kf_auth_sets g;
	const int64_t all[] = { 4, 2, 1 };
	assert_int_equal(kf_auth_grant_sets(asked, 3, all, 3, &g, &err), KF_OK);
	assert_int_equal(g.n, 3);
	/* In the app's order, not the form's. */
	assert_int_equal(g.ids[0], 1);
	assert_int_equal(g.ids[1], 2);
	assert_int_equal(g.ids[2], 4);
	/* The owner deselects an optional set (APP-3). */
	const int64_t some[] = { 1, 4 };
	assert_int_equal(kf_auth_grant_sets(asked, 3, some, 2, &g, &err), KF_OK);
	assert_int_equal(g.n, 2);
	assert_false(kf_auth_sets_contains(&g, 2));
	/* A form may send a required set twice (hidden input + checkbox). */
	const int64_t dup[] = { 1, 1, 2, 1 };
	assert_int_equal(kf_auth_grant_sets(asked, 3, dup, 4, &g, &err), KF_OK);
	assert_int_equal(g.n, 2);
}

static void test_grant_unknown_set_AUTH_1(void **state)
{
	(void)state;
	struct kf_error err;
	struct kf_auth_sets g = { .n = 7 };
	const int64_t sel[] = { 1, 6 }; /* 6: orders, which the app did not ask for */
	assert_int_equal(kf_auth_grant_sets(asked, 3, sel, 2, &g, &err), KF_EINVAL);
	assert_error(&err, KF_EINVAL, "unknown_permission_set", "AUTH-1", "permission_sets");
	assert_int_equal(g.n, 0);
}

static void test_grant_required_set_AUTH_1(void **state)
{
	(void)state;
	struct kf_error err;
	struct kf_auth_sets g;
	const int64_t sel[] = { 2, 4 };
	assert_int_equal(kf_auth_grant_sets(asked, 3, sel, 2, &g, &err), KF_EINVAL);
	assert_error(&err, KF_EINVAL, "required_permission_set", "AUTH-1", "permission_sets");
	assert_int_equal(g.n, 0);
	assert_int_equal(kf_auth_grant_sets(asked, 3, NULL, 0, &g, &err), KF_EINVAL);
	assert_error(&err, KF_EINVAL, "required_permission_set", "AUTH-1", "permission_sets");
}

static void test_grant_nothing_AUTH_1(void **state)
{
	(void)state;
	struct kf_error err;
	struct kf_auth_sets g;
	const struct kf_auth_set optional_only[] = { { 2, "members", false } };
	assert_int_equal(kf_auth_grant_sets(optional_only, 1, NULL, 0, &g, &err), KF_EINVAL);
	assert_error(&err, KF_EINVAL, "no_permission_set", "AUTH-1", "permission_sets");
	struct kf_auth_set many[KF_AUTH_SETS_MAX + 1];
	memset(many, 0, sizeof(many));
	assert_int_equal(kf_auth_grant_sets(many, KF_AUTH_SETS_MAX + 1, NULL, 0, &g, &err),
			 KF_EINTERNAL);
	assert_string_equal(err.name, "too_many_items");
}

static void test_sets_equal(void **state)
{
	(void)state;
	struct kf_auth_sets a = { .ids = { 1, 2, 3 }, .n = 3 };
	struct kf_auth_sets b = { .ids = { 3, 1, 2 }, .n = 3 };
	struct kf_auth_sets c = { .ids = { 1, 2 }, .n = 2 };
	struct kf_auth_sets e = { .n = 0 };
	assert_true(kf_auth_sets_equal(&a, &b));
	assert_false(kf_auth_sets_equal(&a, &c));
	assert_false(kf_auth_sets_equal(&c, &a));
	assert_true(kf_auth_sets_equal(&e, NULL));
	assert_true(kf_auth_sets_equal(NULL, NULL));
	assert_false(kf_auth_sets_contains(NULL, 1));
	assert_true(kf_auth_sets_contains(&b, 2));
}

static void test_pending_sets_APP_7(void **state)
{
	(void)state;
	/* Consent was given to messages + members + calendar (calendar
	 * deselected); an approved change adds meetings (5) and orders (6). */
	struct kf_auth_sets offered = { .ids = { 1, 2, 4 }, .n = 3 };
	const struct kf_auth_set live[] = {
		{ 1, "messages", true }, { 2, "members", false }, { 4, "calendar", false },
		{ 5, "meetings", false }, { 6, "orders", true },
	};
	struct kf_auth_sets pending;
	kf_auth_pending_sets(&offered, live, N(live), &pending);
	assert_int_equal(pending.n, 2);
	assert_int_equal(pending.ids[0], 5);
	assert_int_equal(pending.ids[1], 6);
	/* The deselected set is not pending: the owner already chose. */
	assert_false(kf_auth_sets_contains(&pending, 4));
	kf_auth_pending_sets(&offered, live, 3, &pending);
	assert_int_equal(pending.n, 0);
	kf_auth_pending_sets(NULL, live, 2, &pending);
	assert_int_equal(pending.n, 2);
}

static void test_effective_sets_DATA_1(void **state)
{
	(void)state;
	/* Granted 1, 2, 4; the live config no longer asks for 2. The new set 5
	 * is not effective without consent (APP-7). */
	struct kf_auth_sets granted = { .ids = { 1, 2, 4 }, .n = 3 };
	const struct kf_auth_set live[] = { { 1, "messages", true }, { 4, "calendar", false },
					    { 5, "meetings", false } };
	struct kf_auth_sets eff;
	kf_auth_effective_sets(&granted, live, N(live), &eff);
	assert_int_equal(eff.n, 2);
	assert_int_equal(eff.ids[0], 1);
	assert_int_equal(eff.ids[1], 4);
	kf_auth_effective_sets(&granted, live, N(live), &granted); /* in place */
	assert_true(kf_auth_sets_equal(&granted, &eff));
}

/* ---- data scope ------------------------------------------------------------------- */

static void test_data_scope_AUTH_1(void **state)
{
	(void)state;
	struct kf_error err;
	static const char *const known[] = { "u1", "u2", "u3" };
	static const char *const two[] = { "u1", "u3" };
	struct kf_auth_data_scope s = { .all_members = true };
	assert_int_equal(kf_auth_data_scope_check(&s, known, 3, &err), KF_OK);

	s = (struct kf_auth_data_scope){ .member_ids = two, .n_member_ids = 2 };
	assert_int_equal(kf_auth_data_scope_check(&s, known, 3, &err), KF_OK);

	/* Nobody visible is a valid narrowing. */
	s = (struct kf_auth_data_scope){ 0 };
	assert_int_equal(kf_auth_data_scope_check(&s, known, 3, &err), KF_OK);

	s = (struct kf_auth_data_scope){ .all_members = true, .member_ids = two, .n_member_ids = 2 };
	assert_int_equal(kf_auth_data_scope_check(&s, known, 3, &err), KF_EINVAL);
	assert_error(&err, KF_EINVAL, "invalid_data_scope", "AUTH-1", "data_scope");
	assert_int_equal(kf_auth_data_scope_check(NULL, known, 3, &err), KF_EINVAL);
}

static void test_data_scope_members_AUTH_1(void **state)
{
	(void)state;
	struct kf_error err;
	static const char *const known[] = { "u1", "u2" };
	static const char *const unknown[] = { "u1", "u9" };
	static const char *const dup[] = { "u1", "u2", "u1" };
	static const char *const bad_space[] = { "u 1" };
	static const char *const bad_empty[] = { "" };
	static const char *const bad_null[] = { NULL };
	static const char *const bad_utf8[] = { "用户" };
	struct kf_auth_data_scope s = { .member_ids = unknown, .n_member_ids = 2 };
	assert_int_equal(kf_auth_data_scope_check(&s, known, 2, &err), KF_EINVAL);
	assert_error(&err, KF_EINVAL, "unknown_member", "AUTH-1", "data_scope.member_ids");
	assert_non_null(strstr(err.msg, "[1]"));
	/* Without a member list only the syntax is checked. */
	assert_int_equal(kf_auth_data_scope_check(&s, NULL, 0, &err), KF_OK);

	s.member_ids = dup;
	s.n_member_ids = 3;
	assert_int_equal(kf_auth_data_scope_check(&s, known, 2, &err), KF_EINVAL);
	assert_error(&err, KF_EINVAL, "duplicate_item", "AUTH-1", "data_scope.member_ids");

	const char *const *bad[] = { bad_space, bad_empty, bad_null, bad_utf8 };
	for (size_t i = 0; i < N(bad); i++) {
		s.member_ids = bad[i];
		s.n_member_ids = 1;
		assert_int_equal(kf_auth_data_scope_check(&s, NULL, 0, &err), KF_EINVAL);
		assert_error(&err, KF_EINVAL, "invalid_member_id", "AUTH-1", "data_scope.member_ids");
	}
	char longid[KF_AUTH_MEMBER_ID_MAX + 2];
	memset(longid, 'm', sizeof(longid) - 1);
	longid[sizeof(longid) - 1] = '\0';
	const char *const one_long[] = { longid };
	s.member_ids = one_long;
	assert_int_equal(kf_auth_data_scope_check(&s, NULL, 0, &err), KF_EINVAL);
	assert_string_equal(err.name, "invalid_member_id");
	longid[KF_AUTH_MEMBER_ID_MAX] = '\0';
	assert_int_equal(kf_auth_data_scope_check(&s, NULL, 0, &err), KF_OK);

	s.member_ids = NULL;
	s.n_member_ids = KF_AUTH_MEMBERS_MAX + 1;
	assert_int_equal(kf_auth_data_scope_check(&s, NULL, 0, &err), KF_EINVAL);
	assert_error(&err, KF_EINVAL, "too_many_items", "AUTH-1", "data_scope.member_ids");
	s.n_member_ids = 1;
	assert_int_equal(kf_auth_data_scope_check(&s, NULL, 0, &err), KF_EINVAL);
	assert_string_equal(err.name, "invalid_member_id");
}

/* ---- authorization state ------------------------------------------------------------- */

static const struct kf_auth_app_facts released_public = {
	.state = KF_APP_RELEASED,
	.audience = KF_APP_AUDIENCE_PUBLIC,
};

static void test_state_and_event_names(void **state)
{
	(void)state;
	static const char *const names[] = { "none", "active", "updated", "revoked" };
	for (int i = 0; i < 4; i++) {
		enum kf_auth_state s;
		assert_string_equal(kf_auth_state_name((enum kf_auth_state)i), names[i]);
		assert_true(kf_auth_state_parse(names[i], &s));
		assert_int_equal(s, i);
	}
	enum kf_auth_state s = KF_AUTH_STATE_ACTIVE;
	assert_false(kf_auth_state_parse("Active", &s));
	assert_false(kf_auth_state_parse(NULL, &s));
	assert_int_equal(s, KF_AUTH_STATE_ACTIVE);
	assert_null(kf_auth_state_name((enum kf_auth_state)4));
	assert_true(kf_auth_state_live(KF_AUTH_STATE_ACTIVE));
	assert_true(kf_auth_state_live(KF_AUTH_STATE_UPDATED));
	assert_false(kf_auth_state_live(KF_AUTH_STATE_REVOKED));
	assert_false(kf_auth_state_live(KF_AUTH_STATE_NONE));
	assert_string_equal(kf_auth_event_name(KF_AUTH_EVENT_AUTHORIZED), "authorized");
	assert_string_equal(kf_auth_event_name(KF_AUTH_EVENT_UPDATEAUTHORIZED), "updateauthorized");
	assert_string_equal(kf_auth_event_name(KF_AUTH_EVENT_UNAUTHORIZED), "unauthorized");
	assert_null(kf_auth_event_name(KF_AUTH_EVENT_NONE));
	assert_null(kf_auth_event_name((enum kf_auth_event)17));
}

static void test_authorize_first_time(void **state)
{
	(void)state;
	struct kf_error err;
	struct kf_auth_change c;
	struct kf_auth_sets g = { .ids = { 1, 2 }, .n = 2 };
	assert_int_equal(kf_auth_authorize(KF_AUTH_STATE_NONE, NULL, &released_public, &g, &c, &err),
			 KF_OK);
	assert_int_equal(c.next, KF_AUTH_STATE_ACTIVE);
	assert_int_equal(c.event, KF_AUTH_EVENT_AUTHORIZED);
	assert_true(c.sets_changed);
	assert_false(c.revoke_access);
	assert_false(c.revoke_refresh);
	assert_false(c.revoke_codes);

	assert_int_equal(kf_auth_authorize(KF_AUTH_STATE_NONE, NULL, &released_public, NULL, &c, &err),
			 KF_EINVAL);
	assert_error(&err, KF_EINVAL, "no_permission_set", "AUTH-1", "permission_sets");
	assert_int_equal(kf_auth_authorize((enum kf_auth_state)9, NULL, &released_public, &g, &c, &err),
			 KF_EINVAL);
	assert_string_equal(err.name, "invalid_state");
	assert_int_equal(kf_auth_authorize(KF_AUTH_STATE_NONE, NULL, NULL, &g, &c, &err),
			 KF_EINTERNAL);
}

static void test_reauthorize_new_sets_APP_7(void **state)
{
	(void)state;
	struct kf_error err;
	struct kf_auth_change c;
	struct kf_auth_sets old = { .ids = { 1, 2 }, .n = 2 };
	struct kf_auth_sets grown = { .ids = { 1, 2, 5 }, .n = 3 };
	assert_int_equal(kf_auth_authorize(KF_AUTH_STATE_ACTIVE, &old, &released_public, &grown, &c,
					   &err),
			 KF_OK);
	assert_int_equal(c.next, KF_AUTH_STATE_UPDATED);
	assert_int_equal(c.event, KF_AUTH_EVENT_UPDATEAUTHORIZED);
	assert_true(c.sets_changed);
	/* PROTOCOL.md §1: the refresh token is invalid after re-authorization. */
	assert_true(c.revoke_refresh);
	assert_true(c.revoke_codes);
	assert_false(c.revoke_access); /* nothing was taken away */
	/* And again from updated. */
	assert_int_equal(kf_auth_authorize(KF_AUTH_STATE_UPDATED, &grown, &released_public, &old, &c,
					   &err),
			 KF_OK);
	assert_int_equal(c.next, KF_AUTH_STATE_UPDATED);
	assert_int_equal(c.event, KF_AUTH_EVENT_UPDATEAUTHORIZED);
}

/* PROTOCOL.md §6: updateauthorized only when the granted sets changed. */
static void test_reauthorize_same_sets_no_event(void **state)
{
	(void)state;
	struct kf_error err;
	struct kf_auth_change c;
	struct kf_auth_sets old = { .ids = { 1, 2 }, .n = 2 };
	struct kf_auth_sets same = { .ids = { 2, 1 }, .n = 2 };
	assert_int_equal(kf_auth_authorize(KF_AUTH_STATE_ACTIVE, &old, &released_public, &same, &c,
					   &err),
			 KF_OK);
	assert_int_equal(c.next, KF_AUTH_STATE_UPDATED);
	assert_int_equal(c.event, KF_AUTH_EVENT_NONE);
	assert_false(c.sets_changed);
	assert_true(c.revoke_refresh);
	assert_false(c.revoke_access);
}

static void test_reauthorize_narrowed_DATA_1(void **state)
{
	(void)state;
	struct kf_error err;
	struct kf_auth_change c;
	struct kf_auth_sets old = { .ids = { 1, 2, 4 }, .n = 3 };
	struct kf_auth_sets narrow = { .ids = { 1, 4 }, .n = 2 };
	assert_int_equal(kf_auth_authorize(KF_AUTH_STATE_UPDATED, &old, &released_public, &narrow, &c,
					   &err),
			 KF_OK);
	assert_int_equal(c.event, KF_AUTH_EVENT_UPDATEAUTHORIZED);
	/* Tokens issued under the wider grant die at once. */
	assert_true(c.revoke_access);
	assert_true(c.revoke_refresh);
}

static void test_reauthorize_after_revoke(void **state)
{
	(void)state;
	struct kf_error err;
	struct kf_auth_change c;
	struct kf_auth_sets old = { .ids = { 1, 2 }, .n = 2 };
	assert_int_equal(kf_auth_revoke(KF_AUTH_STATE_ACTIVE, &c, &err), KF_OK);
	assert_int_equal(c.next, KF_AUTH_STATE_REVOKED);
	/* old_granted of a revoked authorization is ignored. */
	assert_int_equal(kf_auth_authorize(c.next, &old, &released_public, &old, &c, &err), KF_OK);
	assert_int_equal(c.next, KF_AUTH_STATE_ACTIVE);
	assert_int_equal(c.event, KF_AUTH_EVENT_AUTHORIZED);
	assert_true(c.sets_changed);
}

/* GOV-2: a withdrawn app takes no new host account, but an existing install
 * confirms again (renewal, expansion); GOV-7: closed new authorizations
 * keep the existing ones. */
static void test_authorize_withdrawn_and_closed_GOV_2_GOV_7(void **state)
{
	(void)state;
	struct kf_error err;
	struct kf_auth_change c;
	struct kf_auth_sets g = { .ids = { 1 }, .n = 1 };
	struct kf_auth_sets grown = { .ids = { 1, 2 }, .n = 2 };
	struct kf_auth_app_facts app = released_public;
	app.state = KF_APP_WITHDRAWN;
	assert_int_equal(kf_auth_authorize(KF_AUTH_STATE_NONE, NULL, &app, &g, &c, &err), KF_EFORBIDDEN);
	assert_error(&err, KF_EFORBIDDEN, "app_withdrawn", "GOV-2", NULL);
	assert_int_equal(kf_auth_authorize(KF_AUTH_STATE_REVOKED, NULL, &app, &g, &c, &err), KF_EFORBIDDEN);
	assert_int_equal(kf_auth_authorize(KF_AUTH_STATE_ACTIVE, &g, &app, &grown, &c, &err), KF_OK);
	assert_int_equal(c.event, KF_AUTH_EVENT_UPDATEAUTHORIZED);

	app = released_public;
	app.new_auth_closed = true;
	assert_int_equal(kf_auth_authorize(KF_AUTH_STATE_NONE, NULL, &app, &g, &c, &err), KF_EFORBIDDEN);
	assert_error(&err, KF_EFORBIDDEN, "new_authorizations_closed", "GOV-7", NULL);
	assert_int_equal(kf_auth_authorize(KF_AUTH_STATE_UPDATED, &g, &app, &grown, &c, &err), KF_OK);
}

static void test_authorize_refusals_AUTH_4_AUTH_5_APP_10(void **state)
{
	(void)state;
	struct kf_error err;
	struct kf_auth_change c = { .next = KF_AUTH_STATE_NONE };
	struct kf_auth_sets g = { .ids = { 1 }, .n = 1 };
	struct kf_auth_app_facts app = released_public;

	app.state = KF_APP_DEVELOPING;
	assert_int_equal(kf_auth_authorize(KF_AUTH_STATE_NONE, NULL, &app, &g, &c, &err),
			 KF_EFORBIDDEN);
	assert_error(&err, KF_EFORBIDDEN, "not_on_test_allowlist", "AUTH-4", NULL);
	app.host_on_test_allowlist = true;
	assert_int_equal(kf_auth_authorize(KF_AUTH_STATE_NONE, NULL, &app, &g, &c, &err), KF_OK);

	app = released_public;
	app.state = KF_APP_SUSPENDED;
	assert_int_equal(kf_auth_authorize(KF_AUTH_STATE_ACTIVE, &g, &app, &g, &c, &err),
			 KF_EFORBIDDEN);
	assert_error(&err, KF_EFORBIDDEN, "app_suspended", "AUTH-5", NULL);
	app.state = KF_APP_DELISTED;
	assert_int_equal(kf_auth_authorize(KF_AUTH_STATE_NONE, NULL, &app, &g, &c, &err),
			 KF_EFORBIDDEN);
	assert_error(&err, KF_EFORBIDDEN, "app_delisted", "AUTH-5", NULL);

	app = released_public;
	app.audience = KF_APP_AUDIENCE_SELF_USE;
	assert_int_equal(kf_auth_authorize(KF_AUTH_STATE_NONE, NULL, &app, &g, &c, &err),
			 KF_EFORBIDDEN);
	assert_error(&err, KF_EFORBIDDEN, "self_use_app", "APP-10", NULL);
	app.host_is_providers_own = true;
	c.next = KF_AUTH_STATE_NONE;
	assert_int_equal(kf_auth_authorize(KF_AUTH_STATE_NONE, NULL, &app, &g, &c, &err), KF_OK);
	assert_int_equal(c.next, KF_AUTH_STATE_ACTIVE);
}

static void test_revoke_AUTH_2(void **state)
{
	(void)state;
	struct kf_error err;
	struct kf_auth_change c;
	enum kf_auth_state live[] = { KF_AUTH_STATE_ACTIVE, KF_AUTH_STATE_UPDATED };
	for (size_t i = 0; i < N(live); i++) {
		memset(&c, 0, sizeof(c));
		assert_int_equal(kf_auth_revoke(live[i], &c, &err), KF_OK);
		assert_int_equal(c.next, KF_AUTH_STATE_REVOKED);
		assert_int_equal(c.event, KF_AUTH_EVENT_UNAUTHORIZED);
		assert_true(c.revoke_access); /* tokens stop working at once */
		assert_true(c.revoke_refresh);
		assert_true(c.revoke_codes);
	}
	assert_int_equal(kf_auth_revoke(KF_AUTH_STATE_REVOKED, &c, &err), KF_ECONFLICT);
	assert_error(&err, KF_ECONFLICT, "not_authorized", "AUTH-2", NULL);
	assert_int_equal(kf_auth_revoke(KF_AUTH_STATE_NONE, &c, &err), KF_ECONFLICT);
	assert_errcode("not_authorized", 61003);
}

/* issue 9 defect 6: one check for both front doors: the app's state
 * (AUTH-5) first, then its IP allowlist (APP-4). */
static void test_front_door_APP_4_AUTH_5(void **state)
{
	(void)state;
	struct kf_error err;
	const char *list[] = { "10.0.0.0/8", "not a cidr", "2001:db8::/32" };
	struct kf_auth_door d = { .state = KF_APP_RELEASED, .client_ip = "127.0.0.1" };
	assert_int_equal(kf_auth_front_door(&d, &err), KF_OK); /* empty list: anyone */
	d.ip_allowlist = list;
	d.n_ip_allowlist = 3;
	assert_int_equal(kf_auth_front_door(&d, &err), KF_EFORBIDDEN);
	assert_error(&err, KF_EFORBIDDEN, "ip_not_allowed", "APP-4", NULL);
	assert_errcode(err.name, 61004);
	/* issue 11: the refusal names the address that was seen */
	assert_non_null(strstr(err.msg, "127.0.0.1"));
	d.client_ip = "10.1.2.3";
	assert_int_equal(kf_auth_front_door(&d, &err), KF_OK);
	d.client_ip = "2001:db8::1";
	assert_int_equal(kf_auth_front_door(&d, &err), KF_OK);
	d.client_ip = NULL;
	assert_int_equal(kf_auth_front_door(&d, &err), KF_EFORBIDDEN);
	d.client_ip = "garbage";
	assert_int_equal(kf_auth_front_door(&d, &err), KF_EFORBIDDEN);
	/* the state is refused before the address is looked at */
	d.client_ip = "10.1.2.3";
	d.state = KF_APP_SUSPENDED;
	assert_int_equal(kf_auth_front_door(&d, &err), KF_EFORBIDDEN);
	assert_error(&err, KF_EFORBIDDEN, "app_suspended", "AUTH-5", NULL);
	d.state = KF_APP_DRAFT;
	assert_int_equal(kf_auth_front_door(&d, &err), KF_EFORBIDDEN);
	assert_error(&err, KF_EFORBIDDEN, "app_not_approved", "APP-5", NULL);
}

static void test_app_may_call(void **state)
{
	(void)state;
	struct kf_error err;
	enum kf_app_state ok[] = { KF_APP_DEVELOPING, KF_APP_RELEASE_REVIEW, KF_APP_RELEASED,
				   KF_APP_WITHDRAWN };
	for (size_t i = 0; i < N(ok); i++)
		assert_int_equal(kf_auth_app_may_call(ok[i], &err), KF_OK);
	/* issue 9 defect 5: a suspended app is stopped on every door (AUTH-5) */
	assert_int_equal(kf_auth_app_may_call(KF_APP_SUSPENDED, &err), KF_EFORBIDDEN);
	assert_error(&err, KF_EFORBIDDEN, "app_suspended", "AUTH-5", NULL);
	assert_errcode(err.name, 48001);
	/* but may still introspect and revoke its own tokens */
	assert_int_equal(kf_auth_app_may_inspect(KF_APP_SUSPENDED, &err), KF_OK);
	assert_int_equal(kf_auth_app_may_inspect(KF_APP_RELEASED, &err), KF_OK);
	assert_int_equal(kf_auth_app_may_inspect(KF_APP_DELISTED, &err), KF_EFORBIDDEN);
	assert_int_equal(kf_auth_app_may_call(KF_APP_DRAFT, &err), KF_EFORBIDDEN);
	assert_error(&err, KF_EFORBIDDEN, "app_not_approved", "APP-5", NULL);
	assert_errcode(err.name, 48001);
	assert_int_equal(kf_auth_app_may_call(KF_APP_CREATION_REVIEW, &err), KF_EFORBIDDEN);
	assert_int_equal(kf_auth_app_may_call(KF_APP_DELISTED, &err), KF_EFORBIDDEN);
	assert_error(&err, KF_EFORBIDDEN, "app_delisted", "GOV-1", NULL);
	assert_errcode(err.name, 48001);
	assert_int_equal(kf_auth_app_may_call(KF_APP_DELETED, &err), KF_EFORBIDDEN);
	assert_error(&err, KF_EFORBIDDEN, "app_deleted", "DATA-3", NULL);
	assert_errcode(err.name, 61011);
	assert_int_equal(kf_auth_app_may_call((enum kf_app_state)77, &err), KF_EFORBIDDEN);
	assert_string_equal(err.name, "app_deleted");
}

/* ---- errcodes (PROTOCOL.md §4) ------------------------------------------------------- */

static void test_errcode_table(void **state)
{
	(void)state;
	static const struct {
		const char *name;
		int code;
		const char *msg;
	} v[] = {
		{ "system_error", -1, "system error" },
		{ "invalid_credential", 40001,
		  "invalid credential, access_token is invalid or not latest" },
		{ "invalid_appid", 40013, "invalid appid" },
		{ "invalid_access_token", 40014, "invalid access_token" },
		{ "invalid_appsecret", 40125, "invalid appsecret" },
		{ "access_token_missing", 41001, "access_token missing" },
		{ "appid_missing", 41002, "appid missing" },
		{ "appsecret_missing", 41004, "appsecret missing" },
		{ "access_token_expired", 42001, "access_token expired" },
		{ "quota_exceeded", 45009, "reach max api daily quota limit" },
		{ "data_format_error", 47001, "data format error" },
		{ "api_unauthorized", 48001, "api unauthorized" },
		{ "quota_reset_limit", 48006, "forbid to clear quota because of reaching the limit" },
		{ "component_not_authorized", 61003, "component is not authorized by this account" },
		{ "ip_not_allowed", 61004, "access clientip is not registered" },
		{ "ticket_expired", 61005, "component ticket is expired" },
		{ "ticket_invalid", 61006, "component ticket is invalid" },
		{ "permission_set_not_granted", 61007, "api is unauthorized to component" },
		{ "code_invalid", 61009, "code is invalid" },
		{ "invalid_component", 61011, "invalid component" },
		{ "refresh_token_invalid", 61023, "refresh_token is invalid" },
		{ "token_revoked", 40001, "invalid credential, access_token is invalid or not latest" },
		{ "token_expired", 42001, "access_token expired" },
		{ "code_used", 61009, "code is invalid" },
		{ "code_expired", 61009, "code is invalid" },
		{ "app_mismatch", 40013, "invalid appid" },
	};
	for (size_t i = 0; i < N(v); i++) {
		int code = 0;
		const char *msg = NULL;
		if (!kf_auth_errcode(v[i].name, &code, &msg))
			fail_msg("%s missing", v[i].name);
		assert_int_equal(code, v[i].code);
		assert_string_equal(msg, v[i].msg);
	}
	int code = 0;
	const char *msg = NULL;
	assert_false(kf_auth_errcode("no_such_error", &code, &msg));
	assert_int_equal(code, -1);
	assert_string_equal(msg, "system error");
	assert_false(kf_auth_errcode(NULL, &code, NULL));
	assert_true(kf_auth_errcode("code_invalid", NULL, NULL));
}

/* Clients retry on 40001, 40014 and 42001 by fetching a new token: no error
 * that a new token cannot cure may map to them (PROTOCOL.md §2). */
static void test_errcodes_not_retry_loops(void **state)
{
	(void)state;
	static const char *const not_token[] = {
		"invalid_appsecret", "appsecret_missing", "ticket_expired", "ticket_invalid",
		"ip_not_allowed", "app_not_approved", "app_delisted", "app_deleted",
		"code_used", "code_expired", "refresh_token_invalid", "refresh_token_reused",
		"not_authorized", "permission_set_not_granted", "system_error",
	};
	for (size_t i = 0; i < N(not_token); i++) {
		int code = 0;
		assert_true(kf_auth_errcode(not_token[i], &code, NULL));
		if (code == 40001 || code == 40014 || code == 42001)
			fail_msg("%s maps to the retried errcode %d", not_token[i], code);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_policy_default_lifetimes),
		cmocka_unit_test(test_policy_check_AUTH_3),
		cmocka_unit_test(test_ttl_and_expiry),
		cmocka_unit_test(test_auth_code_expiry_redirect_and_event),
		cmocka_unit_test(test_token_format_and_classify),
		cmocka_unit_test(test_token_classify_malformed),
		cmocka_unit_test(test_token_expect_errcodes),
		cmocka_unit_test(test_base64url),
		cmocka_unit_test(test_code_replay_AUTH_3),
		cmocka_unit_test(test_code_expired_AUTH_3),
		cmocka_unit_test(test_check_token_live),
		cmocka_unit_test(test_check_token_unknown_and_kind),
		cmocka_unit_test(test_check_token_revoked_AUTH_2),
		cmocka_unit_test(test_check_token_app_state_AUTH_5),
		cmocka_unit_test(test_check_token_wrong_app),
		cmocka_unit_test(test_check_token_expired),
		cmocka_unit_test(test_refresh_rotate),
		cmocka_unit_test(test_refresh_reuse_revokes_family),
		cmocka_unit_test(test_refresh_refusals),
		cmocka_unit_test(test_grant_sets_AUTH_1),
		cmocka_unit_test(test_grant_unknown_set_AUTH_1),
		cmocka_unit_test(test_grant_required_set_AUTH_1),
		cmocka_unit_test(test_grant_nothing_AUTH_1),
		cmocka_unit_test(test_sets_equal),
		cmocka_unit_test(test_pending_sets_APP_7),
		cmocka_unit_test(test_effective_sets_DATA_1),
		cmocka_unit_test(test_data_scope_AUTH_1),
		cmocka_unit_test(test_data_scope_members_AUTH_1),
		cmocka_unit_test(test_state_and_event_names),
		cmocka_unit_test(test_authorize_first_time),
		cmocka_unit_test(test_reauthorize_new_sets_APP_7),
		cmocka_unit_test(test_reauthorize_same_sets_no_event),
		cmocka_unit_test(test_reauthorize_narrowed_DATA_1),
		cmocka_unit_test(test_reauthorize_after_revoke),
		cmocka_unit_test(test_authorize_refusals_AUTH_4_AUTH_5_APP_10),
		cmocka_unit_test(test_authorize_withdrawn_and_closed_GOV_2_GOV_7),
		cmocka_unit_test(test_revoke_AUTH_2),
		cmocka_unit_test(test_app_may_call),
		cmocka_unit_test(test_front_door_APP_4_AUTH_5),
		cmocka_unit_test(test_errcode_table),
		cmocka_unit_test(test_errcodes_not_retry_loops),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
