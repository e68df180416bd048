/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Unit tests for src/core/redirect.c: the redirect URI rule (APP-4) against
 * the strings that make a URL parser and a browser disagree (issue 9
 * defect 1), the http-only-on-loopback rule and the domain match.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/redirect.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

static const char *const auth_domain[] = {"auth.example.com"};

static void expect_ok(const char *uri, const char *const *domains, size_t n)
{
	struct kf_error err = {0};
	if (kf_redirect_check(uri, domains, n, &err) != KF_OK)
		fail_msg("refused %s: %s %s", uri, err.name, err.msg);
}

static void expect_refused(const char *uri, const char *const *domains, size_t n, const char *code)
{
	struct kf_error err = {0};
	if (kf_redirect_check(uri, domains, n, &err) == KF_OK)
		fail_msg("accepted %s", uri);
	assert_int_equal(err.code, KF_EINVAL);
	if (code && strcmp(err.name, code) != 0)
		fail_msg("%s: %s (%s), expected %s", uri, err.name, err.msg, code);
	assert_string_equal(err.rule, "APP-4");
	assert_string_equal(err.field, "redirect_uri");
	assert_true(err.msg[0] != '\0');
}

/* Issue 9 defect 1: every string a browser reads with another host, or
 * that is malformed, is refused on the component flow's domain. */
static void test_redirect_attacks_issue9_defect1_APP_4(void **state)
{
	(void)state;
	static const char *const attacks[] = {
		"https://evil.com\\@auth.example.com/",  /* the probe's string */
		"https://evil.com\\@auth.example.com/done",
		"https://auth.example.com\\.evil.com/",
		"https://auth.example.com/\\evil.com",   /* backslash anywhere */
		"https://evil.com@auth.example.com/",    /* user info */
		"https://user:pw@auth.example.com/",
		"https://@auth.example.com/",
		"https://auth.example.com:443@evil.com/", /* port trick */
		"https://auth.example.com@evil.com/",
		"https://auth.example.com%00.evil.com/",  /* percent-encoded NUL */
		"https://auth.example.com/done%00",
		"https://auth.example.com/done?x=%00",
		"https://auth.example.com/done?x=%0d%0aSet-Cookie:x",
		"https://auth.example.com/done?x=%0D%0A",
		"https://auth.example.com/done?x=%7f",
		"https://auth.example.com/done?x=%1f",
		"https://auth.example.com/done?x=%",     /* broken escapes */
		"https://auth.example.com/done?x=%2",
		"https://auth.example.com/done?x=%zz",
		"https://auth%2eexample.com/",           /* escapes in the host */
		"https://auth.example.com%2eevil.com/",
		"https://evil.com%40auth.example.com/",
		"https://evil.com\t@auth.example.com/",  /* browsers strip tab/CR/LF */
		"https://evil.com\n.auth.example.com/",
		"https://evil.com\r\n@auth.example.com/",
		"https://auth.exa\tmple.com/",
		"https://auth.example.com/do ne",
		" https://auth.example.com/",
		"https://auth.example.com/\x7f",
		"https:evil.com",                        /* slashes the browser adds */
		"https:auth.example.com/done",
		"https:/\\evil.com",
		"https:/evil.com/auth.example.com",
		"https:///evil.com",
		"https:////auth.example.com/",
		"//evil.com",
		"//auth.example.com/done",
		"/\\evil.com",
		"/done",
		"auth.example.com/done",
		"https://",
		"https://:443/",
		"https://?auth.example.com",
		"javascript://auth.example.com/%0aalert(1)",
		"data:text/html,auth.example.com",
		"ftp://auth.example.com/",
		"https://auth.example.com./done",        /* trailing dot */
		"https://auth.example.com../done",
		"https://.auth.example.com/",
		"https://auth..example.com/",
		"https://auth.example.com:/done",        /* port tricks */
		"https://auth.example.com:0/done",
		"https://auth.example.com:65536/done",
		"https://auth.example.com:99999/done",
		"https://auth.example.com:000443/done",
		"https://auth.example.com:44x3/done",
		"https://auth.example.com:-1/done",
		"https://auth.example.com:443:443/done",
		"https://auth.example.com/done#frag",    /* fragment */
		"https://auth.example.com/done#",
		"https://auth.example.com#@evil.com",
		"https://\xd0\xb0uth.example.com/",      /* Cyrillic a */
		"https://evil.com\xe3\x80\x82" "auth.example.com/", /* ideographic full stop */
		"https://auth.example.com/\xc3\xa9",
		"https://evil.com/",
		"https://EVIL.COM/auth.example.com",
		"https://auth.example.com.evil.com/",
		"https://evilauth.example.com/",
		"https://example.com/",
		"https://[::1]/done",                    /* IPv6 literals */
		"https://[::ffff:auth.example.com]/",
		"https://[fe80::1%25eth0]/",
		"https://[::1/",
		"https://::1/",
		"https://127.0.0.1/",
		"https://0x7f.0.0.1/",                   /* IPv4 in other spellings */
		"https://2130706433/",
		"https://127.1/",
		"https://0177.0.0.1/",
		"https://evil.0x10/",
		"https://auth.example.123/",
		"https://-auth.example.com/",
		"https://auth-.example.com/",
		"https://auth_x.example.com/",
		"http://auth.example.com/done",          /* plain http off loopback */
		"HTTP://auth.example.com/done",
		"",
	};
	for (size_t i = 0; i < N(attacks); i++)
		expect_refused(attacks[i], auth_domain, 1, NULL);
	expect_refused(NULL, auth_domain, 1, "invalid_redirect_uri");
}

static void test_redirect_codes_APP_4(void **state)
{
	(void)state;
	expect_refused("https://evil.com\\@auth.example.com/", auth_domain, 1, "invalid_redirect_uri");
	expect_refused("https://evil.com@auth.example.com/", auth_domain, 1, "invalid_redirect_uri");
	expect_refused("https://auth.example.com/%00", auth_domain, 1, "invalid_redirect_uri");
	expect_refused("http://auth.example.com/", auth_domain, 1, "redirect_uri_https_required");
	expect_refused("http://10.0.0.1/", NULL, 0, "redirect_uri_https_required");
	expect_refused("http://[::ffff:10.0.0.1]/", NULL, 0, "redirect_uri_https_required");
	expect_refused("http://localhost.evil.com/", NULL, 0, "redirect_uri_https_required");
	expect_refused("https://evil.com/", auth_domain, 1, "redirect_uri_not_on_domain");
	expect_refused("https://AUTH.EXAMPLE.COM.evil.com/", auth_domain, 1, "redirect_uri_not_on_domain");
	expect_refused("https://auth.example.com/", auth_domain, 0, "redirect_uri_not_on_domain");
	static const char *const none[] = {""};
	expect_refused("https://auth.example.com/", none, 1, "redirect_uri_not_on_domain");
}

static void test_redirect_accepted_APP_4(void **state)
{
	(void)state;
	static const char *const good[] = {
		"https://auth.example.com",
		"https://auth.example.com/",
		"https://auth.example.com/done",
		"https://auth.example.com/done?x=1&y=%2F%20%E4%BD%A0",
		"https://auth.example.com?x=1",
		"https://login.auth.example.com/back",
		"https://a.b.auth.example.com:8443/back",
		"https://Auth.Example.COM/done",          /* the browser lowercases */
		"HTTPS://AUTH.EXAMPLE.COM/done",
		"https://auth.example.com:443/done",
		"https://xn--fiq228c.auth.example.com/",  /* punycode */
		"https://auth.example.com/@evil.com",     /* '@' after the host is path */
		"https://auth.example.com/?next=https://evil.com",
	};
	for (size_t i = 0; i < N(good); i++)
		expect_ok(good[i], auth_domain, 1);
	char longuri[KF_REDIRECT_URI_MAX + 2];
	strcpy(longuri, "https://auth.example.com/");
	size_t n = strlen(longuri);
	memset(longuri + n, 'a', KF_REDIRECT_URI_MAX - n);
	longuri[KF_REDIRECT_URI_MAX] = '\0';
	expect_ok(longuri, auth_domain, 1);
	longuri[KF_REDIRECT_URI_MAX] = 'a';
	longuri[KF_REDIRECT_URI_MAX + 1] = '\0';
	expect_refused(longuri, auth_domain, 1, "invalid_redirect_uri");
}

/* http:// only on loopback: 127.0.0.0/8, [::1], localhost. */
static void test_redirect_loopback_http_APP_4(void **state)
{
	(void)state;
	static const char *const loop[] = {"localhost", "127.0.0.1", "::1"};
	expect_ok("http://localhost:8080/cb", loop, 1);
	expect_ok("http://LOCALHOST/cb", loop, 1);
	expect_ok("http://127.0.0.1:51004/cb", loop + 1, 1);
	expect_ok("http://[::1]:8080/cb", loop + 2, 1);
	expect_ok("http://[0:0:0:0:0:0:0:1]/cb", loop + 2, 1); /* the same address */
	expect_ok("http://127.9.8.7/", NULL, 0);
	expect_refused("http://127.0.0.2/cb", loop + 1, 1, "redirect_uri_not_on_domain");
	expect_refused("http://localhost/cb", loop + 1, 1, "redirect_uri_not_on_domain");
	expect_refused("http://127.0.0.1@evil.com/", loop + 1, 1, "invalid_redirect_uri");
	expect_refused("http://127.0.0.1:8080@evil.com/", loop + 1, 1, "invalid_redirect_uri");
	expect_refused("http://127.1/", NULL, 0, "invalid_redirect_uri");
}

/* IP literals match an IP domain exactly, by value, never as a suffix. */
static void test_redirect_ip_domain_APP_4(void **state)
{
	(void)state;
	static const char *const ip[] = {"203.0.113.5"};
	expect_ok("https://203.0.113.5/cb", ip, 1);
	expect_refused("https://1.203.0.113.5/cb", ip, 1, NULL);
	expect_refused("https://203.0.113.50/cb", ip, 1, "redirect_uri_not_on_domain");
	static const char *const v6[] = {"2001:db8::1"};
	expect_ok("https://[2001:DB8:0::1]/cb", v6, 1);
	expect_refused("https://[2001:db8::2]/cb", v6, 1, "redirect_uri_not_on_domain");
	static const char *const two[] = {"other.example.org", "AUTH.example.com"};
	expect_ok("https://x.auth.example.com/", two, 2);
	expect_ok("https://other.example.org/", two, 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_redirect_attacks_issue9_defect1_APP_4),
		cmocka_unit_test(test_redirect_codes_APP_4),
		cmocka_unit_test(test_redirect_accepted_APP_4),
		cmocka_unit_test(test_redirect_loopback_http_APP_4),
		cmocka_unit_test(test_redirect_ip_domain_APP_4),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
