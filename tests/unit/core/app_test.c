/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Unit tests for src/core/app.c: app configuration (APP-2..5, APP-10,
 * APP-11), the provider's app limit (APP-1), duplicates (APP-13), the app
 * state machine (APP-5, REV-5), who may authorize (AUTH-4, AUTH-5, APP-10,
 * GOV-2), secret rotation and app ids (APP-10).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/app.h"
#include "core/netpolicy.h"

#define SET(buf, s) KF_APP_SET(buf, s)

static const char *const icp_domains[] = { "example.com", "example.org" };
static const int64_t catalog[] = { 1, 2, 3, 4, 5, 6 };
static const char *const marks[] = { "kaifang", "开放平台" };
static struct kf_terms *marks_matcher;
static struct kf_cidr_list allow; /* the operator's push.allow_networks */

static struct kf_app_context ctx;
static struct kf_app_policy policy;

static int setup(void **state)
{
	(void)state;
	if (kf_cidr_list_parse("127.0.0.0/8, ::1", &allow, NULL) != KF_OK)
		return -1;
	ctx = (struct kf_app_context){
		.icp_domains = icp_domains,
		.n_icp_domains = 2,
		.catalog_ids = catalog,
		.n_catalog_ids = 6,
		.http_ok = kf_netpolicy_http_ok,
		.http_ok_arg = &allow,
	};
	policy = kf_app_policy_default();
	policy.marks = marks_matcher = kf_terms_build(marks, 2);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	kf_cidr_list_clear(&allow);
	kf_terms_free(marks_matcher);
	return 0;
}

/* A complete, valid configuration; callers break one field at a time. */
static struct kf_app_config *good(void)
{
	static struct kf_app_config c;
	memset(&c, 0, sizeof(c));
	SET(c.name, "Demo Helper");
	c.icon_file = 7;
	SET(c.intro, "Helps shops answer their customers' messages.");
	SET(c.website, "https://www.example.com/about");
	SET(c.icp_no, "京ICP备12345678号-1");
	SET(c.audience, "public");
	c.permission_sets[0] = 1;
	c.permission_sets[1] = 2;
	c.n_permission_sets = 2;
	SET(c.dev.auth_domain, "auth.example.com");
	c.dev.test_allowlist[0] = 11;
	c.dev.test_allowlist[1] = 12;
	c.dev.n_test_allowlist = 2;
	SET(c.dev.auth_receive_url, "https://api.example.com/kf/auth");
	SET(c.dev.message_token, "Token123");
	SET(c.dev.aes_key, "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG");
	SET(c.dev.message_url, "https://api.example.com/kf/$APPID$/msg");
	SET(c.dev.server_domains[0], "api.example.com");
	SET(c.dev.server_domains[1], "127.0.0.1");
	c.dev.n_server_domains = 2;
	SET(c.dev.business_domains[0], "www.example.com");
	c.dev.n_business_domains = 1;
	SET(c.dev.ip_allowlist[0], "203.0.113.5");
	SET(c.dev.ip_allowlist[1], "10.0.0.0/8");
	SET(c.dev.ip_allowlist[2], "2001:db8::/32");
	c.dev.n_ip_allowlist = 3;
	return &c;
}

static void assert_error(const struct kf_error *err, enum kf_err code, const char *name,
			 const char *rule, const char *field)
{
	assert_int_equal(err->code, code);
	assert_string_equal(err->name, name);
	if (rule)
		assert_string_equal(err->rule, rule);
	else
		assert_null(err->rule);
	if (field)
		assert_string_equal(err->field, field);
	else
		assert_null(err->field);
}

static void assert_valid(const struct kf_app_config *c)
{
	struct kf_error err;
	memset(&err, 0, sizeof(err));
	enum kf_err rc = kf_app_validate(c, &policy, &ctx, &err);
	if (rc != KF_OK)
		fail_msg("refused: %s (%s, %s): %s", err.name, err.rule ? err.rule : "-",
			 err.field ? err.field : "-", err.msg);
}

static void assert_invalid(const struct kf_app_config *c, const char *name, const char *rule,
			   const char *field)
{
	struct kf_error err;
	memset(&err, 0, sizeof(err));
	enum kf_err rc = kf_app_validate(c, &policy, &ctx, &err);
	if (rc == KF_OK)
		fail_msg("accepted, expected %s on %s", name, field);
	assert_int_equal(rc, KF_EINVAL);
	if (strcmp(err.name, name) != 0 || (field && strcmp(err.field, field) != 0))
		fail_msg("got %s on %s (%s), expected %s on %s", err.name,
			 err.field ? err.field : "-", err.msg, name, field);
	assert_error(&err, KF_EINVAL, name, rule, field);
}

static void assert_msg_has(const struct kf_app_config *c, const char *part)
{
	struct kf_error err;
	assert_int_not_equal(kf_app_validate(c, &policy, &ctx, &err), KF_OK);
	if (!strstr(err.msg, part))
		fail_msg("message '%s' lacks '%s'", err.msg, part);
}

/* ---- configuration ------------------------------------------------------ */

static void test_valid_config_passes(void **state)
{
	(void)state;
	assert_valid(good());
	struct kf_error err;
	assert_int_equal(kf_app_validate_draft(good(), &policy, &ctx, &err), KF_OK);
	assert_int_equal(kf_app_validate(good(), NULL, &ctx, &err), KF_OK);
}

static void test_policy_default_APP_1_APP_5(void **state)
{
	(void)state;
	struct kf_app_policy p = kf_app_policy_default();
	assert_int_equal(p.max_apps, 5);
	assert_int_equal(p.max_test_accounts, 10);
	assert_null(p.marks);
}

static void test_name_required_APP_2(void **state)
{
	(void)state;
	struct kf_app_config *c = good();
	SET(c->name, "");
	assert_invalid(c, "missing_field", "APP-2", "name");
	struct kf_error err;
	/* A draft needs a name too. */
	assert_int_equal(kf_app_validate_draft(c, &policy, &ctx, &err), KF_EINVAL);
	assert_error(&err, KF_EINVAL, "missing_field", "APP-2", "name");
}

static void test_name_length_APP_2(void **state)
{
	(void)state;
	struct kf_app_config *c = good();
	char s[200];

	SET(c->name, "A");
	assert_invalid(c, "invalid_name", "APP-2", "name");
	SET(c->name, "AB");
	assert_valid(c);
	memset(s, 'x', 64);
	s[64] = '\0';
	SET(c->name, s);
	assert_valid(c);
	s[64] = 'x';
	s[65] = '\0';
	SET(c->name, s);
	assert_invalid(c, "invalid_name", "APP-2", "name");
	/* A decoder truncating longer text keeps it refusable. */
	memset(s, 'y', sizeof(s) - 1);
	s[sizeof(s) - 1] = '\0';
	SET(c->name, s);
	assert_int_equal(strlen(c->name), KF_APP_NAME_MAX + 1);
	assert_invalid(c, "invalid_name", "APP-2", "name");
	/* 21 CJK characters = 63 bytes: fine; 22 = 66 bytes: too long. */
	SET(c->name, "一二三四五六七八九十一二三四五六七八九十一");
	assert_valid(c);
	SET(c->name, "一二三四五六七八九十一二三四五六七八九十一二");
	assert_invalid(c, "invalid_name", "APP-2", "name");
}

static void test_name_text_APP_2(void **state)
{
	(void)state;
	struct kf_app_config *c = good();
	static const char *const bad[] = {
		"Bad\xff\xfeName", "Over\xc0\xafLong", "Ctl\x01Name", "Tab\tName", "Line\nName",
		" Leading", "Trailing ", "Ideographic\xe3\x80\x80", "\xe3\x80\x80Space",
		"C1\xc2\x85Next", "Sur\xed\xa0\x80rogate",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		SET(c->name, bad[i]);
		assert_invalid(c, "invalid_name", "APP-2", "name");
	}
	SET(c->name, "客服 助手 Pro");
	assert_valid(c);
}

static void test_protected_marks_APP_11(void **state)
{
	(void)state;
	struct kf_app_config *c = good();
	static const char *const variants[] = {
		"Kaifang Tools",
		"KAIFANG",
		"\xef\xbc\xab\xef\xbc\xa1\xef\xbc\xa9\xef\xbc\xa6\xef\xbc\xa1\xef\xbc\xae\xef\xbc\xa7"
		"助手", /* full-width ＫＡＩＦＡＮＧ */
		"Kai-Fang helper",
		"K.a.i f_a_n_g",
		"Kai\xe2\x80\x8b" "fang", /* zero-width space inside */
		"Kai\xe2\x80\x94" "fang", /* em dash */
		"Kai\xe3\x83\xbb" "fang", /* katakana middle dot */
		"我的开 放 平 台",
		"开放·平台助手",
	};
	for (size_t i = 0; i < sizeof(variants) / sizeof(variants[0]); i++) {
		SET(c->name, variants[i]);
		assert_invalid(c, "protected_mark", "APP-11", "name");
	}
	SET(c->name, "Kaifa Tools");
	assert_valid(c);
	SET(c->name, "开放助手");
	assert_valid(c);

	c = good();
	SET(c->intro, "The best Kai Fang companion.");
	assert_invalid(c, "protected_mark", "APP-11", "intro");

	c = good();
	SET(c->dev.auth_domain, "kai-fang.example.com");
	assert_invalid(c, "protected_mark", "APP-11", "dev.auth_domain");

	c = good();
	SET(c->dev.server_domains[1], "kaifang-cdn.net");
	assert_invalid(c, "protected_mark", "APP-11", "dev.server_domains");
	assert_msg_has(c, "dev.server_domains[1]");

	c = good();
	SET(c->dev.business_domains[0], "kaifang.example.com");
	assert_invalid(c, "protected_mark", "APP-11", "dev.business_domains");

	c = good();
	SET(c->website, "https://kaifang.example.org/");
	assert_invalid(c, "protected_mark", "APP-11", "website");

	/* No marks, no refusal; empty and NULL marks are ignored. */
	static const char *const odd_marks[] = { NULL, "", " - " };
	struct kf_app_policy p = kf_app_policy_default();
	struct kf_terms *odd = kf_terms_build(odd_marks, 3);
	p.marks = odd;
	c = good();
	SET(c->name, "Kaifang Tools");
	struct kf_error err;
	assert_int_equal(kf_app_validate(c, &p, &ctx, &err), KF_OK);
	assert_int_equal(kf_app_validate(c, NULL, &ctx, &err), KF_OK);
	kf_terms_free(odd);

	/* every mark of a long list counts, the last one too */
	const char *many[3000];
	char bufs[3000][16];
	for (size_t i = 0; i < 3000; i++) {
		snprintf(bufs[i], sizeof(bufs[i]), "mark%zux", i);
		many[i] = bufs[i];
	}
	struct kf_terms *long_list = kf_terms_build(many, 3000);
	p.marks = long_list;
	SET(c->name, "Tools Mark2999x");
	assert_int_equal(kf_app_validate(c, &p, &ctx, &err), KF_EINVAL);
	assert_string_equal(err.rule, "APP-11");
	assert_non_null(strstr(err.msg, "mark2999x"));
	kf_terms_free(long_list);
}

static void test_icon_file_APP_2(void **state)
{
	(void)state;
	struct kf_app_config *c = good();
	c->icon_file = 0; /* optional */
	assert_valid(c);
	c->icon_file = -3;
	assert_invalid(c, "invalid_icon_file", "APP-2", "icon_file");
}

static void test_intro_APP_2(void **state)
{
	(void)state;
	struct kf_app_config *c = good();
	char s[500];

	SET(c->intro, "");
	assert_invalid(c, "missing_field", "APP-2", "intro");
	memset(s, 'i', 400);
	s[400] = '\0';
	SET(c->intro, s);
	assert_valid(c);
	s[400] = 'i';
	s[401] = '\0';
	SET(c->intro, s);
	assert_invalid(c, "invalid_intro", "APP-2", "intro");
	SET(c->intro, "Line one.\nLine two.\r\n\tIndented.");
	assert_valid(c);
	SET(c->intro, "Bell\x07");
	assert_invalid(c, "invalid_intro", "APP-2", "intro");
	SET(c->intro, "Broken \xe4\xb8");
	assert_invalid(c, "invalid_intro", "APP-2", "intro");
}

static void test_website_https_APP_2(void **state)
{
	(void)state;
	struct kf_app_config *c = good();
	static const char *const bad[] = {
		"http://www.example.com/",     "ftp://www.example.com/",
		"www.example.com",             "https://",
		"https:///www.example.com",    "https://user:pw@www.example.com/",
		"https://93.184.216.34/",      "https://[2001:db8::1]/",
		"https://www exam.com/",       "https://www.example.com/a b",
		"https://www.example.com./",   "https://exa_mple.com/",
		"//www.example.com/",          "https://www.example.com/\xe4\xb8\xad",
		"javascript:alert(1)",         "https://www.example.com:99999/",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		SET(c->website, bad[i]);
		assert_invalid(c, "invalid_website", "APP-2", "website");
	}
	SET(c->website, "");
	assert_invalid(c, "missing_field", "APP-2", "website");
	SET(c->website, "HTTPS://WWW.EXAMPLE.COM");
	assert_valid(c);
	SET(c->website, "https://www.example.com:8443/path?q=1#top");
	assert_valid(c);
	char s[1100];
	snprintf(s, sizeof(s), "https://www.example.com/%01001d", 0); /* 1025 bytes */
	SET(c->website, s);
	assert_invalid(c, "invalid_website", "APP-2", "website");
}

static void test_website_not_filed_APP_2(void **state)
{
	(void)state;
	struct kf_app_config *c = good();
	SET(c->website, "https://example.com/");
	assert_valid(c);
	SET(c->website, "https://a.b.example.org/x"); /* subdomains of a filed domain */
	assert_valid(c);
	static const char *const bad[] = {
		"https://other.com/", "https://notexample.com/", "https://example.com.evil.cn/",
		"https://example.co/", "https://com/",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		SET(c->website, bad[i]);
		struct kf_error err;
		assert_int_equal(kf_app_validate(c, &policy, &ctx, &err), KF_EINVAL);
		if (strcmp(err.name, "website_not_filed") != 0 && strcmp(err.name, "invalid_website"))
			fail_msg("%s: %s", bad[i], err.name);
		assert_string_equal(err.rule, "APP-2");
		assert_string_equal(err.field, "website");
	}
	SET(c->website, "https://other.com/");
	assert_invalid(c, "website_not_filed", "APP-2", "website");
	/* No context: nothing is filed. */
	struct kf_error err;
	assert_int_equal(kf_app_validate(good(), &policy, NULL, &err), KF_EINVAL);
	assert_error(&err, KF_EINVAL, "website_not_filed", "APP-2", "website");
}

static void test_icp_no_APP_2(void **state)
{
	(void)state;
	struct kf_app_config *c = good();
	static const char *const ok[] = {
		"京ICP备12345678号", "京ICP备12345678号-1", "粤ICP备123456号-12",
		"沪ICP备1234567890号", "琼ICP备2021000001号-9999", "蒙ICP备000001号",
	};
	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		SET(c->icp_no, ok[i]);
		assert_valid(c);
	}
	static const char *const bad[] = {
		"京ICP证12345678号",  "京ICP备12345号",      "京ICP备12345678901号",
		"京ICP备12345678",     "京ICP备12345678号-",  "京ICP备12345678号-0",
		"京ICP备12345678号-12345", "京ICP备12345678号-1a", "北ICP备12345678号",
		"京icp备12345678号",   "京ICP备12345678号 ",  " 京ICP备12345678号",
		"京ICP备１２３４５６７８号", "ICP备12345678号", "京ICP备-12345678号",
		"京ICP备12345678号1",  "12345678",           "京公网安备11010502030143号",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		SET(c->icp_no, bad[i]);
		assert_invalid(c, "invalid_icp_no", "APP-2", "icp_no");
	}
	SET(c->icp_no, "");
	assert_invalid(c, "missing_field", "APP-2", "icp_no");
}

static void test_audience_APP_10(void **state)
{
	(void)state;
	struct kf_app_config *c = good();
	enum kf_app_audience a = KF_APP_AUDIENCE_PUBLIC;
	SET(c->audience, "self_use");
	assert_valid(c);
	SET(c->audience, "Public");
	assert_invalid(c, "invalid_audience", "APP-10", "audience");
	SET(c->audience, "private");
	assert_invalid(c, "invalid_audience", "APP-10", "audience");
	SET(c->audience, "");
	assert_invalid(c, "missing_field", "APP-10", "audience");

	assert_true(kf_app_audience_parse("self_use", &a));
	assert_int_equal(a, KF_APP_AUDIENCE_SELF_USE);
	assert_true(kf_app_audience_parse("public", &a));
	assert_int_equal(a, KF_APP_AUDIENCE_PUBLIC);
	assert_false(kf_app_audience_parse("self-use", &a));
	assert_false(kf_app_audience_parse(NULL, &a));
	assert_int_equal(a, KF_APP_AUDIENCE_PUBLIC);
	assert_string_equal(kf_app_audience_name(KF_APP_AUDIENCE_SELF_USE), "self_use");
	assert_string_equal(kf_app_audience_name(KF_APP_AUDIENCE_PUBLIC), "public");
	assert_null(kf_app_audience_name((enum kf_app_audience)9));
}

static void test_permission_sets_APP_3(void **state)
{
	(void)state;
	struct kf_app_config *c = good();
	c->n_permission_sets = 0;
	assert_invalid(c, "missing_field", "APP-3", "permission_sets");
	c->permission_sets[0] = 6;
	c->n_permission_sets = 1;
	assert_valid(c);
	c->permission_sets[1] = 7;
	c->n_permission_sets = 2;
	assert_invalid(c, "unknown_permission_set", "APP-3", "permission_sets");
	assert_msg_has(c, "permission_sets[1]");
	c->permission_sets[1] = 6;
	assert_invalid(c, "duplicate_item", "APP-3", "permission_sets");
	for (size_t i = 0; i < KF_APP_PERMISSION_SETS_MAX; i++)
		c->permission_sets[i] = 1 + (int64_t)(i % 6);
	/* A count above the array is refused before any entry is read. */
	c->n_permission_sets = KF_APP_PERMISSION_SETS_MAX + 1;
	assert_invalid(c, "too_many_items", "APP-3", "permission_sets");
	c->n_permission_sets = SIZE_MAX;
	assert_invalid(c, "too_many_items", "APP-3", "permission_sets");
	/* Nothing is in an empty catalog. */
	c = good();
	struct kf_app_context empty = ctx;
	empty.catalog_ids = NULL;
	empty.n_catalog_ids = 0;
	struct kf_error err;
	assert_int_equal(kf_app_validate(c, &policy, &empty, &err), KF_EINVAL);
	assert_error(&err, KF_EINVAL, "unknown_permission_set", "APP-3", "permission_sets");
}

static void test_auth_domain_APP_4(void **state)
{
	(void)state;
	struct kf_app_config *c = good();
	static const char *const ok[] = {
		"auth.example.com", "AUTH.Example.COM", "localhost", "127.0.0.1", "::1",
		"xn--fiqs8s.example.com", "a-b.c-d.example", "x.io",
	};
	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		SET(c->dev.auth_domain, ok[i]);
		assert_valid(c);
	}
	char label64[80], long254[300];
	memset(label64, 'a', 64);
	snprintf(label64 + 64, sizeof(label64) - 64, ".com");
	memset(long254, 'a', sizeof(long254));
	for (int i = 63; i < 254; i += 64)
		long254[i] = '.';
	snprintf(long254 + 250, sizeof(long254) - 250, ".com"); /* 254 bytes */
	const char *const bad[] = {
		"https://auth.example.com", "auth.example.com/login", "auth.example.com:8080",
		"-auth.example.com",        "auth-.example.com",      "auth..example.com",
		".example.com",             "example.com.",           "com",
		"a.123",                    "exa mple.com",           "例子.com",
		"auth_x.example.com",       "[::1]",                  label64,
		long254,                    "1.2.3",
		/* a browser reads these as IPv4 addresses, not names */
		"a.0x10",                   "auth.example.0XfF",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		SET(c->dev.auth_domain, bad[i]);
		assert_invalid(c, "invalid_auth_domain", "APP-4", "dev.auth_domain");
	}
	SET(c->dev.auth_domain, "");
	assert_invalid(c, "missing_field", "APP-4", "dev.auth_domain");
}

static void test_test_allowlist_APP_5(void **state)
{
	(void)state;
	struct kf_app_config *c = good();
	c->dev.n_test_allowlist = 0; /* optional */
	assert_valid(c);
	for (int i = 0; i < 10; i++)
		c->dev.test_allowlist[i] = 100 + i;
	c->dev.n_test_allowlist = 10;
	assert_valid(c);
	c->dev.test_allowlist[10] = 110;
	c->dev.n_test_allowlist = 11;
	assert_invalid(c, "too_many_items", "APP-5", "dev.test_allowlist");
	assert_msg_has(c, "10");

	/* The operator may lower or raise the limit, up to the storage cap. */
	struct kf_app_policy p = policy;
	struct kf_error err;
	p.max_test_accounts = 3;
	c->dev.n_test_allowlist = 4;
	assert_int_equal(kf_app_validate(c, &p, &ctx, &err), KF_EINVAL);
	assert_error(&err, KF_EINVAL, "too_many_items", "APP-5", "dev.test_allowlist");
	p.max_test_accounts = 11;
	c->dev.n_test_allowlist = 11;
	assert_int_equal(kf_app_validate(c, &p, &ctx, &err), KF_OK);
	p.max_test_accounts = 100000;
	c->dev.n_test_allowlist = KF_APP_TEST_ALLOWLIST_CAP + 1;
	assert_int_equal(kf_app_validate(c, &p, &ctx, &err), KF_EINVAL);
	assert_error(&err, KF_EINVAL, "too_many_items", "APP-5", "dev.test_allowlist");
	p.max_test_accounts = -1;
	c->dev.n_test_allowlist = 1;
	assert_int_equal(kf_app_validate(c, &p, &ctx, &err), KF_EINVAL);

	c = good();
	c->dev.test_allowlist[1] = 0;
	assert_invalid(c, "invalid_test_account", "APP-5", "dev.test_allowlist");
	assert_msg_has(c, "dev.test_allowlist[1]");
	c->dev.test_allowlist[1] = -5;
	assert_invalid(c, "invalid_test_account", "APP-5", "dev.test_allowlist");
	c->dev.test_allowlist[1] = 11;
	assert_invalid(c, "duplicate_item", "APP-5", "dev.test_allowlist");
}

static void test_message_token_APP_4(void **state)
{
	(void)state;
	struct kf_app_config *c = good();
	SET(c->dev.message_token, "abc");
	assert_valid(c);
	SET(c->dev.message_token, "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345"); /* 32 */
	assert_valid(c);
	static const char *const bad[] = {
		"ab", "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456", "abc_def", "abc-def", "abc def",
		"tökén", "abc=",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		SET(c->dev.message_token, bad[i]);
		assert_invalid(c, "invalid_message_token", "APP-4", "dev.message_token");
	}
	SET(c->dev.message_token, "");
	assert_invalid(c, "missing_field", "APP-4", "dev.message_token");
}

static void test_aes_key_APP_4(void **state)
{
	(void)state;
	struct kf_app_config *c = good();
	SET(c->dev.aes_key, "abcdefghijklmnopqrstuvwxyz0123456789+/ABCDE");
	assert_valid(c);
	static const char *const bad[] = {
		"abcdefghijklmnopqrstuvwxyz0123456789ABCDEF",   /* 42 */
		"abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGH", /* 44 */
		"abcdefghijklmnopqrstuvwxyz0123456789ABCDEF=",  /* padding */
		"abcdefghijklmnopqrstuvwxyz0123456789-_ABCDE",  /* url-safe alphabet */
		"abcdefghijklmnopqrstuvwxyz0123456789 ABCDEF",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		SET(c->dev.aes_key, bad[i]);
		assert_invalid(c, "invalid_aes_key", "APP-4", "dev.aes_key");
	}
	SET(c->dev.aes_key, "");
	assert_invalid(c, "missing_field", "APP-4", "dev.aes_key");
}

static void test_server_domains_APP_4(void **state)
{
	(void)state;
	struct kf_app_config *c = good();
	c->dev.n_server_domains = 0;
	assert_invalid(c, "missing_field", "APP-4", "dev.server_domains");

	c = good();
	SET(c->dev.server_domains[1], "bad_host.example.com");
	assert_invalid(c, "invalid_domain", "APP-4", "dev.server_domains");
	assert_msg_has(c, "dev.server_domains[1]");
	SET(c->dev.server_domains[1], "");
	assert_invalid(c, "invalid_domain", "APP-4", "dev.server_domains");
	SET(c->dev.server_domains[1], "https://api.example.com");
	assert_invalid(c, "invalid_domain", "APP-4", "dev.server_domains");
	SET(c->dev.server_domains[1], "API.Example.com");
	assert_invalid(c, "duplicate_item", "APP-4", "dev.server_domains");
	SET(c->dev.server_domains[1], "::1");
	assert_valid(c);
	SET(c->dev.server_domains[0], "0::1");
	assert_invalid(c, "duplicate_item", "APP-4", "dev.server_domains");

	c = good();
	for (int i = 0; i < KF_APP_DOMAINS_MAX; i++)
		snprintf(c->dev.server_domains[i], sizeof(c->dev.server_domains[i]), "s%d.example.com",
			 i);
	SET(c->dev.server_domains[0], "api.example.com");
	c->dev.n_server_domains = KF_APP_DOMAINS_MAX;
	assert_valid(c);
	c->dev.n_server_domains = KF_APP_DOMAINS_MAX + 1;
	assert_invalid(c, "too_many_items", "APP-4", "dev.server_domains");
}

static void test_business_domains_APP_4(void **state)
{
	(void)state;
	struct kf_app_config *c = good();
	c->dev.n_business_domains = 0; /* optional */
	assert_valid(c);
	SET(c->dev.business_domains[0], "shop.example.org");
	SET(c->dev.business_domains[1], "example.com");
	c->dev.n_business_domains = 2;
	assert_valid(c);
	SET(c->dev.business_domains[1], "unfiled.cn");
	assert_invalid(c, "business_domain_not_filed", "APP-4", "dev.business_domains");
	assert_msg_has(c, "dev.business_domains[1]");
	SET(c->dev.business_domains[1], "127.0.0.1");
	assert_invalid(c, "invalid_domain", "APP-4", "dev.business_domains");
	SET(c->dev.business_domains[1], "Shop.Example.Org");
	assert_invalid(c, "duplicate_item", "APP-4", "dev.business_domains");
	c->dev.n_business_domains = KF_APP_DOMAINS_MAX + 1;
	assert_invalid(c, "too_many_items", "APP-4", "dev.business_domains");
}

static void set_urls(struct kf_app_config *c, const char *url)
{
	SET(c->dev.auth_receive_url, url);
	SET(c->dev.message_url, url);
}

static void test_url_https_APP_4(void **state)
{
	(void)state;
	struct kf_app_config *c = good();
	SET(c->dev.auth_receive_url, "http://api.example.com/kf/auth");
	assert_invalid(c, "https_required", "APP-4", "dev.auth_receive_url");
	c = good();
	SET(c->dev.message_url, "http://api.example.com/kf/msg");
	assert_invalid(c, "https_required", "APP-4", "dev.message_url");

	/* Plain http to an address the operator allows (local development). */
	c = good();
	set_urls(c, "http://127.0.0.1:8080/cb");
	assert_valid(c);
	SET(c->dev.server_domains[1], "::1");
	set_urls(c, "http://[::1]:8080/cb");
	assert_valid(c);
	/* ... but not by name, and not without the operator's callback. */
	SET(c->dev.server_domains[1], "localhost");
	set_urls(c, "http://localhost:8080/cb");
	assert_invalid(c, "https_required", "APP-4", "dev.auth_receive_url");
	set_urls(c, "https://localhost:8080/cb");
	assert_valid(c);
	c = good();
	set_urls(c, "http://127.0.0.1/cb");
	struct kf_app_context no_http = ctx;
	no_http.http_ok = NULL;
	struct kf_error err;
	assert_int_equal(kf_app_validate(c, &policy, &no_http, &err), KF_EINVAL);
	assert_error(&err, KF_EINVAL, "https_required", "APP-4", "dev.auth_receive_url");
	set_urls(c, "https://127.0.0.1/cb");
	assert_int_equal(kf_app_validate(c, &policy, &no_http, &err), KF_OK);
}

static void test_url_syntax_APP_4(void **state)
{
	(void)state;
	struct kf_app_config *c = good();
	static const char *const bad[] = {
		"ftp://api.example.com/x",         "api.example.com/x",
		"/kf/auth",                        "https://",
		"https:///api.example.com/x",      "https://user:pw@api.example.com/x",
		"https://user@api.example.com/x",  "https://api.example.com/x#frag",
		"https://api.example.com/a b",     "https://api.example.com/\xe4\xb8\xad",
		"https://api.example.com\\@evil.com/", "https://api_x.example.com/",
		"https://api.example.com:99999/",  "https://[fe80::1%25eth0]/",
		"https://[::1/",                   "https://api.example.com./x",
		"file:///etc/passwd",              "gopher://api.example.com/",
		" https://api.example.com/x",      "https://api.example.com/\x7f",
		"https://api.example.com:443@evil.com/", "https://api.example.com%00.evil.com/",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		c = good();
		SET(c->dev.auth_receive_url, bad[i]);
		assert_invalid(c, "invalid_url", "APP-4", "dev.auth_receive_url");
		c = good();
		SET(c->dev.message_url, bad[i]);
		assert_invalid(c, "invalid_url", "APP-4", "dev.message_url");
	}
	char s[1100];
	snprintf(s, sizeof(s), "https://api.example.com/%01001d", 0); /* 1025 bytes */
	c = good();
	SET(c->dev.auth_receive_url, s);
	assert_int_equal(strlen(c->dev.auth_receive_url), KF_APP_URL_MAX + 1);
	assert_invalid(c, "invalid_url", "APP-4", "dev.auth_receive_url");
	s[KF_APP_URL_MAX] = '\0';
	SET(c->dev.auth_receive_url, s);
	assert_valid(c);

	c = good();
	SET(c->dev.auth_receive_url, "");
	assert_invalid(c, "missing_field", "APP-4", "dev.auth_receive_url");
	c = good();
	SET(c->dev.message_url, "");
	assert_invalid(c, "missing_field", "APP-4", "dev.message_url");
}

static void test_url_on_declared_domain_APP_4(void **state)
{
	(void)state;
	struct kf_app_config *c = good();
	static const char *const ok[] = {
		"https://api.example.com/cb",          "https://API.EXAMPLE.COM:8443/cb?x=1",
		"https://v2.api.example.com/cb",       "https://127.0.0.1/cb",
		"http://127.0.0.1:9000/cb",            "http://2130706433/cb", /* = 127.0.0.1 */
		"https://api.example.com",
	};
	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		set_urls(c, ok[i]);
		assert_valid(c);
	}
	static const char *const off[] = {
		"https://other.com/cb",          "https://evilapi.example.com/cb",
		"https://api.example.com.evil.cn/cb", "https://example.com/cb",
		"https://www.example.com/cb",    "https://127.0.0.2/cb",
		"https://[::1]/cb",              "https://8.8.8.8/cb",
	};
	for (size_t i = 0; i < sizeof(off) / sizeof(off[0]); i++) {
		c = good();
		SET(c->dev.auth_receive_url, off[i]);
		assert_invalid(c, "url_not_on_declared_domain", "APP-4", "dev.auth_receive_url");
		c = good();
		SET(c->dev.message_url, off[i]);
		assert_invalid(c, "url_not_on_declared_domain", "APP-4", "dev.message_url");
	}
	/* A draft with URLs but no declared domains cannot be saved either. */
	c = good();
	c->dev.n_server_domains = 0;
	struct kf_error err;
	assert_int_equal(kf_app_validate_draft(c, &policy, &ctx, &err), KF_EINVAL);
	assert_error(&err, KF_EINVAL, "url_not_on_declared_domain", "APP-4",
		     "dev.auth_receive_url");
}

static void test_message_url_appid_APP_4(void **state)
{
	(void)state;
	struct kf_app_config *c = good();
	SET(c->dev.message_url, "https://api.example.com/cb?appid=$APPID$&again=$APPID$");
	assert_valid(c);
	SET(c->dev.message_url, "https://$APPID$.api.example.com/cb");
	assert_valid(c);
	SET(c->dev.message_url, "https://api.example.com/cb");
	assert_valid(c);
	SET(c->dev.message_url, "https://$APPID$.other.com/cb");
	assert_invalid(c, "url_not_on_declared_domain", "APP-4", "dev.message_url");
	SET(c->dev.message_url, "https://api.example.com/$APPID$#x");
	assert_invalid(c, "invalid_url", "APP-4", "dev.message_url");
	/* Only message_url is a template. */
	c = good();
	SET(c->dev.auth_receive_url, "https://$APPID$.api.example.com/cb");
	assert_invalid(c, "invalid_url", "APP-4", "dev.auth_receive_url");
	/* Expansion may push a URL past the cap; the check still works. */
	char s[KF_APP_URL_MAX + 1];
	size_t n = (size_t)snprintf(s, sizeof(s), "https://api.example.com/");
	while (n + 7 <= KF_APP_URL_MAX) {
		memcpy(s + n, "$APPID$", 7);
		n += 7;
	}
	s[n] = '\0';
	c = good();
	SET(c->dev.message_url, s);
	assert_valid(c);
}

static void test_ip_allowlist_APP_4(void **state)
{
	(void)state;
	struct kf_app_config *c = good();
	c->dev.n_ip_allowlist = 0;
	assert_valid(c);
	c = good();
	SET(c->dev.ip_allowlist[2], "10.0.0.0/33");
	assert_invalid(c, "invalid_cidr", "APP-4", "dev.ip_allowlist");
	assert_msg_has(c, "dev.ip_allowlist[2]");
	SET(c->dev.ip_allowlist[2], "example.com");
	assert_invalid(c, "invalid_cidr", "APP-4", "dev.ip_allowlist");
	SET(c->dev.ip_allowlist[2], "");
	assert_invalid(c, "invalid_cidr", "APP-4", "dev.ip_allowlist");
	SET(c->dev.ip_allowlist[2], "10.1.2.3/8"); /* same block as [1] once masked */
	assert_invalid(c, "duplicate_item", "APP-4", "dev.ip_allowlist");
	assert_msg_has(c, "dev.ip_allowlist[2]");
	c = good();
	for (int i = 0; i < KF_APP_IP_ALLOWLIST_MAX; i++)
		snprintf(c->dev.ip_allowlist[i], sizeof(c->dev.ip_allowlist[i]), "192.0.2.%d", i);
	c->dev.n_ip_allowlist = KF_APP_IP_ALLOWLIST_MAX;
	assert_valid(c);
	c->dev.n_ip_allowlist = KF_APP_IP_ALLOWLIST_MAX + 1;
	assert_invalid(c, "too_many_items", "APP-4", "dev.ip_allowlist");
}

static void test_missing_fields_by_rule(void **state)
{
	(void)state;
	struct kf_app_config *c;
	struct kf_error err;
	/* Everything but the name empty: refused as a whole, fine as a draft. */
	c = good();
	struct kf_app_config *d = calloc(1, sizeof(*d));
	assert_non_null(d);
	SET(d->name, c->name);
	assert_int_equal(kf_app_validate_draft(d, &policy, &ctx, &err), KF_OK);
	assert_int_equal(kf_app_validate(d, &policy, &ctx, &err), KF_EINVAL);
	assert_error(&err, KF_EINVAL, "missing_field", "APP-2", "intro");
	/* A draft still has its given fields checked. */
	SET(d->dev.aes_key, "short");
	assert_int_equal(kf_app_validate_draft(d, &policy, &ctx, &err), KF_EINVAL);
	assert_error(&err, KF_EINVAL, "invalid_aes_key", "APP-4", "dev.aes_key");
	free(d);
	assert_int_equal(kf_app_validate(NULL, &policy, &ctx, &err), KF_EINVAL);
	assert_string_equal(err.name, "missing_field");
}

static void test_unterminated_string(void **state)
{
	(void)state;
	struct kf_app_config *c = good();
	struct kf_error err;
	memset(c->dev.message_token, 'a', sizeof(c->dev.message_token));
	assert_int_equal(kf_app_validate(c, &policy, &ctx, &err), KF_EINTERNAL);
	assert_error(&err, KF_EINTERNAL, "unterminated_string", NULL, "dev.message_token");
	c = good();
	memset(c->dev.ip_allowlist[2], '1', sizeof(c->dev.ip_allowlist[2]));
	assert_int_equal(kf_app_validate(c, &policy, &ctx, &err), KF_EINTERNAL);
	assert_error(&err, KF_EINTERNAL, "unterminated_string", NULL, "dev.ip_allowlist");
	/* Entries beyond the count are not read. */
	c = good();
	memset(c->dev.ip_allowlist[3], '1', sizeof(c->dev.ip_allowlist[3]));
	assert_valid(c);
}

static void test_normalize(void **state)
{
	(void)state;
	struct kf_app_config *c = good();
	SET(c->dev.auth_domain, "Auth.Example.COM");
	SET(c->dev.server_domains[0], "API.example.com");
	SET(c->dev.business_domains[0], "WWW.Example.com");
	SET(c->dev.ip_allowlist[1], "10.9.8.7/8");
	SET(c->dev.ip_allowlist[2], "2001:0DB8:0000::/32");
	SET(c->dev.ip_allowlist[3], "not an address");
	c->dev.n_ip_allowlist = 4;
	kf_app_normalize(c);
	assert_string_equal(c->dev.auth_domain, "auth.example.com");
	assert_string_equal(c->dev.server_domains[0], "api.example.com");
	assert_string_equal(c->dev.business_domains[0], "www.example.com");
	assert_string_equal(c->dev.ip_allowlist[0], "203.0.113.5/32");
	assert_string_equal(c->dev.ip_allowlist[1], "10.0.0.0/8");
	assert_string_equal(c->dev.ip_allowlist[2], "2001:db8::/32");
	assert_string_equal(c->dev.ip_allowlist[3], "not an address");
	c->dev.n_ip_allowlist = 3;
	assert_valid(c);
	c->dev.n_server_domains = SIZE_MAX; /* counts past the arrays are harmless */
	kf_app_normalize(c);
	kf_app_normalize(NULL);
}

/* ---- APP-1, APP-13 -------------------------------------------------------- */

static void test_limit_APP_1(void **state)
{
	(void)state;
	struct kf_error err;
	for (int n = 0; n < 5; n++)
		assert_int_equal(kf_app_check_create(n, &policy, &err), KF_OK);
	assert_int_equal(kf_app_check_create(5, &policy, &err), KF_ECONFLICT);
	assert_error(&err, KF_ECONFLICT, "app_limit_reached", "APP-1", NULL);
	assert_non_null(strstr(err.msg, "5"));
	assert_int_equal(kf_app_check_create(6, NULL, &err), KF_ECONFLICT);
	assert_int_equal(kf_app_check_create(4, NULL, &err), KF_OK);
	struct kf_app_policy p = kf_app_policy_default();
	p.max_apps = 2;
	assert_int_equal(kf_app_check_create(1, &p, &err), KF_OK);
	assert_int_equal(kf_app_check_create(2, &p, &err), KF_ECONFLICT);
	p.max_apps = 0;
	assert_int_equal(kf_app_check_create(0, &p, &err), KF_ECONFLICT);
	assert_int_equal(kf_app_check_create(9, &p, NULL), KF_ECONFLICT);
}

static void test_duplicate_name_APP_13(void **state)
{
	(void)state;
	static struct kf_app_config mine, other1, other2;
	struct kf_error err;
	mine = *good();
	other1 = *good();
	other2 = *good();
	SET(other1.name, "Something Else");
	SET(other1.dev.auth_receive_url, "https://api.example.com/one/auth");
	SET(other1.dev.message_url, "https://api.example.com/one/msg");
	SET(other2.name, "  ＤＥＭＯ   helper ");
	SET(other2.dev.auth_receive_url, "https://api.example.com/two/auth");
	SET(other2.dev.message_url, "https://api.example.com/two/msg");
	const struct kf_app_config *others[] = { &other1, NULL, &other2 };
	assert_int_equal(kf_app_check_duplicate(&mine, others, 3, &err), KF_ECONFLICT);
	assert_error(&err, KF_ECONFLICT, "duplicate_app", "APP-13", "name");
	SET(other2.name, "Demo Helper 2");
	assert_int_equal(kf_app_check_duplicate(&mine, others, 3, &err), KF_OK);
	SET(other2.name, "DemoHelper"); /* spaces are significant for duplicates */
	assert_int_equal(kf_app_check_duplicate(&mine, others, 3, &err), KF_OK);
	assert_int_equal(kf_app_check_duplicate(&mine, others, 0, &err), KF_OK);
	assert_int_equal(kf_app_check_duplicate(&mine, NULL, 3, &err), KF_OK);
	assert_int_equal(kf_app_check_duplicate(NULL, others, 3, &err), KF_OK);
}

static void test_duplicate_endpoint_APP_13(void **state)
{
	(void)state;
	static struct kf_app_config mine, other;
	struct kf_error err;
	const struct kf_app_config *others[] = { &other };
	mine = *good();
	other = *good();
	SET(other.name, "Other App");
	SET(other.dev.auth_receive_url, "HTTPS://API.Example.COM/kf/auth");
	SET(other.dev.message_url, "https://api.example.com/other/msg");
	assert_int_equal(kf_app_check_duplicate(&mine, others, 1, &err), KF_ECONFLICT);
	assert_error(&err, KF_ECONFLICT, "duplicate_app", "APP-13", "dev.auth_receive_url");

	SET(other.dev.auth_receive_url, "https://api.example.com/KF/AUTH"); /* path case counts */
	assert_int_equal(kf_app_check_duplicate(&mine, others, 1, &err), KF_OK);

	/* Our message URL is the other's auth URL: the same endpoint. */
	SET(mine.dev.message_url, "https://api.example.com/shared");
	SET(other.dev.auth_receive_url, "https://API.example.com/shared");
	assert_int_equal(kf_app_check_duplicate(&mine, others, 1, &err), KF_ECONFLICT);
	assert_error(&err, KF_ECONFLICT, "duplicate_app", "APP-13", "dev.message_url");

	/* $APPID$ templates name a different endpoint per app. */
	mine = *good();
	SET(other.dev.auth_receive_url, "https://api.example.com/other/auth");
	SET(other.dev.message_url, mine.dev.message_url);
	assert_int_equal(kf_app_check_duplicate(&mine, others, 1, &err), KF_OK);
	/* Empty URLs (drafts) never match. */
	SET(mine.dev.auth_receive_url, "");
	SET(other.dev.auth_receive_url, "");
	assert_int_equal(kf_app_check_duplicate(&mine, others, 1, &err), KF_OK);
}

/* ---- state machine --------------------------------------------------------- */

static const enum kf_app_state all_states[] = {
	KF_APP_DRAFT,    KF_APP_CREATION_REVIEW, KF_APP_DEVELOPING,
	KF_APP_RELEASE_REVIEW, KF_APP_RELEASED,  KF_APP_SUSPENDED,
	KF_APP_DELISTED, KF_APP_WITHDRAWN,       KF_APP_DELETED,
};
#define N_ALL (sizeof(all_states) / sizeof(all_states[0]))

static void test_state_names(void **state)
{
	(void)state;
	static const char *const names[] = {
		"draft", "creation_review", "developing", "release_review", "released",
		"suspended", "delisted", "withdrawn", "deleted",
	};
	for (size_t i = 0; i < N_ALL; i++) {
		enum kf_app_state parsed = KF_APP_DELETED;
		assert_string_equal(kf_app_state_name(all_states[i]), names[i]);
		assert_true(kf_app_state_parse(names[i], &parsed));
		assert_int_equal(parsed, all_states[i]);
	}
	enum kf_app_state s = KF_APP_DRAFT;
	assert_false(kf_app_state_parse("Draft", &s));
	assert_false(kf_app_state_parse("change_review", &s));
	assert_false(kf_app_state_parse(NULL, &s));
	assert_int_equal(s, KF_APP_DRAFT);
	assert_null(kf_app_state_name((enum kf_app_state)99));
	assert_null(kf_app_state_name((enum kf_app_state)-1));
}

/* The release and governance edges later modules drive: a developed app is
 * released only through its release review (APP-6); a released app can be
 * delisted (GOV-1), a suspended one escalated to delisted (GOV-4) or
 * restored (GOV-6), and a delisting can end (GOV-5). */
static void test_release_and_governance_edges_APP_6_GOV_1_GOV_4_GOV_5_GOV_6(void **state)
{
	(void)state;
	assert_true(kf_app_transition_allowed(KF_APP_DEVELOPING, KF_APP_RELEASE_REVIEW));
	assert_false(kf_app_transition_allowed(KF_APP_DEVELOPING, KF_APP_RELEASED)); /* APP-6: no shortcut */
	assert_true(kf_app_transition_allowed(KF_APP_RELEASE_REVIEW, KF_APP_RELEASED));
	assert_true(kf_app_transition_allowed(KF_APP_RELEASED, KF_APP_DELISTED));   /* GOV-1 */
	assert_true(kf_app_transition_allowed(KF_APP_SUSPENDED, KF_APP_DELISTED));  /* GOV-4 */
	assert_true(kf_app_transition_allowed(KF_APP_SUSPENDED, KF_APP_RELEASED));  /* GOV-6 */
	assert_true(kf_app_transition_allowed(KF_APP_DELISTED, KF_APP_RELEASED));   /* GOV-5 */
	assert_false(kf_app_transition_allowed(KF_APP_DRAFT, KF_APP_RELEASED));
	assert_false(kf_app_transition_allowed(KF_APP_DELETED, KF_APP_RELEASED));
}

static void test_transition_table(void **state)
{
	(void)state;
	/* The edges of DESIGN.md plus reject and restore edges. */
	static const struct {
		enum kf_app_state from, to;
	} edges[] = {
		{ KF_APP_DRAFT, KF_APP_CREATION_REVIEW },
		{ KF_APP_CREATION_REVIEW, KF_APP_DEVELOPING },
		{ KF_APP_CREATION_REVIEW, KF_APP_DRAFT },
		{ KF_APP_DEVELOPING, KF_APP_RELEASE_REVIEW },
		{ KF_APP_RELEASE_REVIEW, KF_APP_RELEASED },
		{ KF_APP_RELEASE_REVIEW, KF_APP_DEVELOPING },
		{ KF_APP_RELEASED, KF_APP_SUSPENDED },
		{ KF_APP_RELEASED, KF_APP_DELISTED },
		{ KF_APP_RELEASED, KF_APP_WITHDRAWN },
		{ KF_APP_SUSPENDED, KF_APP_RELEASED },
		{ KF_APP_SUSPENDED, KF_APP_DELISTED },
		{ KF_APP_DELISTED, KF_APP_RELEASED },
		{ KF_APP_WITHDRAWN, KF_APP_RELEASED },
		{ KF_APP_WITHDRAWN, KF_APP_SUSPENDED },
		{ KF_APP_WITHDRAWN, KF_APP_DELISTED },
		{ KF_APP_DEVELOPING, KF_APP_SUSPENDED },
		{ KF_APP_RELEASE_REVIEW, KF_APP_SUSPENDED },
		{ KF_APP_SUSPENDED, KF_APP_DEVELOPING },
		{ KF_APP_SUSPENDED, KF_APP_RELEASE_REVIEW },
		{ KF_APP_SUSPENDED, KF_APP_WITHDRAWN },
	};
	for (size_t i = 0; i < N_ALL; i++) {
		for (size_t j = 0; j < N_ALL; j++) {
			enum kf_app_state from = all_states[i], to = all_states[j];
			bool want = false;
			for (size_t k = 0; k < sizeof(edges) / sizeof(edges[0]); k++)
				want = want || (edges[k].from == from && edges[k].to == to);
			if (to == KF_APP_DELETED && from != KF_APP_DELETED)
				want = true; /* any -> deleted */
			if (kf_app_transition_allowed(from, to) != want)
				fail_msg("%s -> %s: expected %s", kf_app_state_name(from),
					 kf_app_state_name(to), want ? "allowed" : "refused");
		}
	}
	assert_false(kf_app_transition_allowed((enum kf_app_state)99, KF_APP_DELETED));
	assert_false(kf_app_transition_allowed(KF_APP_DRAFT, (enum kf_app_state)99));
}

static void test_submit_creation_APP_5(void **state)
{
	(void)state;
	struct kf_error err;
	enum kf_app_state next = KF_APP_DELETED;
	assert_int_equal(kf_app_submit_creation(KF_APP_DRAFT, good(), &policy, &ctx, &next, &err),
			 KF_OK);
	assert_int_equal(next, KF_APP_CREATION_REVIEW);
	for (size_t i = 1; i < N_ALL; i++) {
		next = KF_APP_DRAFT;
		assert_int_equal(kf_app_submit_creation(all_states[i], good(), &policy, &ctx, &next,
							&err),
				 KF_ECONFLICT);
		assert_error(&err, KF_ECONFLICT, "invalid_state", "APP-5", NULL);
		assert_int_equal(next, KF_APP_DRAFT);
	}
	/* The config must validate; its error is returned as is. */
	struct kf_app_config *c = good();
	SET(c->dev.aes_key, "");
	next = KF_APP_DRAFT;
	assert_int_equal(kf_app_submit_creation(KF_APP_DRAFT, c, &policy, &ctx, &next, &err),
			 KF_EINVAL);
	assert_error(&err, KF_EINVAL, "missing_field", "APP-4", "dev.aes_key");
	assert_int_equal(next, KF_APP_DRAFT);
}

static void test_creation_decided_APP_5_REV_5(void **state)
{
	(void)state;
	struct kf_error err;
	enum kf_app_state next = KF_APP_DELETED;
	assert_int_equal(kf_app_creation_decided(KF_APP_CREATION_REVIEW, true, 0, &next, &err),
			 KF_OK);
	assert_int_equal(next, KF_APP_DEVELOPING);
	assert_int_equal(kf_app_creation_decided(KF_APP_CREATION_REVIEW, false, 2, &next, &err),
			 KF_OK);
	assert_int_equal(next, KF_APP_DRAFT);
	next = KF_APP_DELETED;
	assert_int_equal(kf_app_creation_decided(KF_APP_CREATION_REVIEW, false, 0, &next, &err),
			 KF_EINVAL);
	assert_error(&err, KF_EINVAL, "reasons_required", "REV-5", "reasons");
	assert_int_equal(next, KF_APP_DELETED);
	for (size_t i = 0; i < N_ALL; i++) {
		if (all_states[i] == KF_APP_CREATION_REVIEW)
			continue;
		assert_int_equal(kf_app_creation_decided(all_states[i], true, 0, &next, &err),
				 KF_ECONFLICT);
		assert_error(&err, KF_ECONFLICT, "invalid_state", "REV-5", NULL);
	}
}

static void test_submit_release_APP_6_APP_9(void **state)
{
	(void)state;
	struct kf_error err;
	enum kf_app_state next = KF_APP_DELETED;
	assert_int_equal(kf_app_submit_release(KF_APP_DEVELOPING, false, &next, &err), KF_OK);
	assert_int_equal(next, KF_APP_RELEASE_REVIEW);
	next = KF_APP_DELETED;
	assert_int_equal(kf_app_submit_release(KF_APP_DEVELOPING, true, &next, &err), KF_ECONFLICT);
	assert_error(&err, KF_ECONFLICT, "draft_pending", "APP-9", "draft_config");
	assert_int_equal(next, KF_APP_DELETED);
	for (size_t i = 0; i < N_ALL; i++) {
		if (all_states[i] == KF_APP_DEVELOPING)
			continue;
		assert_int_equal(kf_app_submit_release(all_states[i], false, &next, &err), KF_ECONFLICT);
		assert_error(&err, KF_ECONFLICT, "invalid_state", "APP-6", NULL);
	}
}

static void test_release_decided_APP_6_REV_5(void **state)
{
	(void)state;
	struct kf_error err;
	enum kf_app_state next = KF_APP_DELETED;
	assert_int_equal(kf_app_release_decided(KF_APP_RELEASE_REVIEW, true, 0, &next, &err), KF_OK);
	assert_int_equal(next, KF_APP_RELEASED);
	assert_int_equal(kf_app_release_decided(KF_APP_RELEASE_REVIEW, false, 1, &next, &err), KF_OK);
	assert_int_equal(next, KF_APP_DEVELOPING);
	next = KF_APP_DELETED;
	assert_int_equal(kf_app_release_decided(KF_APP_RELEASE_REVIEW, false, 0, &next, &err), KF_EINVAL);
	assert_error(&err, KF_EINVAL, "reasons_required", "REV-5", "reasons");
	assert_int_equal(next, KF_APP_DELETED);
	for (size_t i = 0; i < N_ALL; i++) {
		if (all_states[i] == KF_APP_RELEASE_REVIEW)
			continue;
		assert_int_equal(kf_app_release_decided(all_states[i], true, 0, &next, &err), KF_ECONFLICT);
		assert_error(&err, KF_ECONFLICT, "invalid_state", "REV-5", NULL);
	}
}

static void test_submit_change_APP_7(void **state)
{
	(void)state;
	struct kf_error err;
	assert_int_equal(kf_app_submit_change(KF_APP_RELEASED, true, false, &err), KF_OK);
	assert_int_equal(kf_app_submit_change(KF_APP_RELEASED, false, false, &err), KF_ECONFLICT);
	assert_error(&err, KF_ECONFLICT, "nothing_to_review", "APP-7", NULL);
	assert_int_equal(kf_app_submit_change(KF_APP_RELEASED, true, true, &err), KF_ECONFLICT);
	assert_error(&err, KF_ECONFLICT, "change_pending", "APP-7", NULL);
	for (size_t i = 0; i < N_ALL; i++) {
		if (all_states[i] == KF_APP_RELEASED)
			continue;
		assert_int_equal(kf_app_submit_change(all_states[i], true, false, &err), KF_ECONFLICT);
		assert_error(&err, KF_ECONFLICT, "invalid_state", "APP-7", NULL);
	}
}

static void test_withdraw_submission_APP_6_APP_7(void **state)
{
	(void)state;
	struct kf_error err;
	enum kf_app_state next = KF_APP_DELETED;
	/* a release under review goes back to development */
	assert_int_equal(kf_app_withdraw_submission(KF_APP_RELEASE_REVIEW, true, true, &next, &err), KF_OK);
	assert_int_equal(next, KF_APP_DEVELOPING);
	/* a change leaves the released app as it is */
	assert_int_equal(kf_app_withdraw_submission(KF_APP_RELEASED, false, true, &next, &err), KF_OK);
	assert_int_equal(next, KF_APP_RELEASED);
	/* a decided review stays decided */
	next = KF_APP_DELETED;
	assert_int_equal(kf_app_withdraw_submission(KF_APP_RELEASE_REVIEW, true, false, &next, &err), KF_ECONFLICT);
	assert_error(&err, KF_ECONFLICT, "review_decided", "REV-1", NULL);
	assert_int_equal(next, KF_APP_DELETED);
	for (size_t i = 0; i < N_ALL; i++) {
		if (all_states[i] == KF_APP_RELEASE_REVIEW)
			continue;
		assert_int_equal(kf_app_withdraw_submission(all_states[i], true, true, &next, &err), KF_ECONFLICT);
		assert_error(&err, KF_ECONFLICT, "invalid_state", "APP-6", NULL);
	}
}

static void test_submission_allowed_REV_4(void **state)
{
	(void)state;
	const int64_t day = 86400, now = 1000000;
	int64_t retry = 0;
	/* four in the last day: the fifth is allowed */
	const int64_t four[] = {now - 5000, now - 4000, now - 3000, now - 10};
	assert_true(kf_app_submission_allowed(four, 4, 5, day, now, &retry));
	/* five: refused until the oldest is a day old */
	const int64_t five[] = {now - day, now - 5000, now - 4000, now - 3000, now - 2000, now - 10};
	assert_false(kf_app_submission_allowed(five, 6, 5, day, now, &retry));
	assert_int_equal(retry, now - 5000 + day);
	/* exactly at that moment it is allowed again */
	assert_true(kf_app_submission_allowed(five, 6, 5, day, now - 5000 + day, &retry));
	assert_false(kf_app_submission_allowed(five, 6, 5, day, now - 5000 + day - 1, &retry));
	/* a lowered limit: with 5 in the window and limit 3, the 3rd oldest must leave */
	assert_false(kf_app_submission_allowed(five + 1, 5, 3, day, now, &retry));
	assert_int_equal(retry, now - 3000 + day);
	/* none, and a limit below one */
	assert_true(kf_app_submission_allowed(NULL, 0, 5, day, now, &retry));
	assert_false(kf_app_submission_allowed(NULL, 0, 0, day, now, &retry));
	assert_true(retry == INT64_MAX);
}

static void assert_authorize(enum kf_app_state s, bool on_list, enum kf_app_audience aud,
			     bool own, const char *name, const char *rule)
{
	struct kf_error err;
	memset(&err, 0, sizeof(err));
	enum kf_err rc = kf_app_may_authorize(s, on_list, aud, own, &err);
	if (!name) {
		if (rc != KF_OK)
			fail_msg("%s: refused with %s", kf_app_state_name(s), err.name);
		return;
	}
	if (rc != KF_EFORBIDDEN)
		fail_msg("%s: expected %s", kf_app_state_name(s), name);
	assert_error(&err, KF_EFORBIDDEN, name, rule, NULL);
}

static void test_authorize_before_release_AUTH_4(void **state)
{
	(void)state;
	const enum kf_app_audience P = KF_APP_AUDIENCE_PUBLIC;
	assert_authorize(KF_APP_DEVELOPING, true, P, false, NULL, NULL);
	assert_authorize(KF_APP_RELEASE_REVIEW, true, P, false, NULL, NULL);
	assert_authorize(KF_APP_DEVELOPING, false, P, false, "not_on_test_allowlist", "AUTH-4");
	assert_authorize(KF_APP_DEVELOPING, false, P, true, "not_on_test_allowlist", "AUTH-4");
	assert_authorize(KF_APP_RELEASE_REVIEW, false, P, true, "not_on_test_allowlist", "AUTH-4");
	assert_authorize(KF_APP_RELEASED, false, P, false, NULL, NULL);
}

static void test_authorize_not_approved_APP_5(void **state)
{
	(void)state;
	const enum kf_app_audience P = KF_APP_AUDIENCE_PUBLIC;
	assert_authorize(KF_APP_DRAFT, true, P, true, "app_not_approved", "APP-5");
	assert_authorize(KF_APP_CREATION_REVIEW, true, P, true, "app_not_approved", "APP-5");
}

static void test_authorize_suspended_delisted_AUTH_5(void **state)
{
	(void)state;
	const enum kf_app_audience P = KF_APP_AUDIENCE_PUBLIC;
	assert_authorize(KF_APP_SUSPENDED, true, P, true, "app_suspended", "AUTH-5");
	assert_authorize(KF_APP_DELISTED, true, P, true, "app_delisted", "AUTH-5");
	assert_authorize(KF_APP_DELETED, true, P, true, "app_deleted", "DATA-3");
	assert_authorize((enum kf_app_state)42, true, P, true, "app_deleted", "DATA-3");
}

static void test_authorize_withdrawn_GOV_2(void **state)
{
	(void)state;
	assert_authorize(KF_APP_WITHDRAWN, true, KF_APP_AUDIENCE_PUBLIC, true, "app_withdrawn",
			 "GOV-2");
}

static void test_authorize_self_use_APP_10(void **state)
{
	(void)state;
	const enum kf_app_audience S = KF_APP_AUDIENCE_SELF_USE;
	assert_authorize(KF_APP_RELEASED, false, S, true, NULL, NULL);
	assert_authorize(KF_APP_RELEASED, true, S, false, "self_use_app", "APP-10");
	assert_authorize(KF_APP_DEVELOPING, true, S, true, NULL, NULL);
	assert_authorize(KF_APP_DEVELOPING, true, S, false, "self_use_app", "APP-10");
	assert_authorize(KF_APP_RELEASED, true, (enum kf_app_audience)7, false, "self_use_app",
			 "APP-10");
}

/* ---- secrets and ids ------------------------------------------------------- */

static void test_rotation_grace_APP_10(void **state)
{
	(void)state;
	struct kf_error err;
	assert_int_equal(kf_app_check_rotation_grace(0, &err), KF_OK);
	assert_int_equal(kf_app_check_rotation_grace(3600, &err), KF_OK);
	assert_int_equal(kf_app_check_rotation_grace(86400, &err), KF_OK);
	assert_int_equal(kf_app_check_rotation_grace(86401, &err), KF_EINVAL);
	assert_error(&err, KF_EINVAL, "invalid_grace", "APP-10", "grace_seconds");
	assert_int_equal(kf_app_check_rotation_grace(-1, &err), KF_EINVAL);
	assert_error(&err, KF_EINVAL, "invalid_grace", "APP-10", "grace_seconds");
	assert_int_equal(kf_app_check_rotation_grace(INT64_MIN, NULL), KF_EINVAL);
	assert_int_equal(kf_app_secret_grace_until(1000, 60), 1060);
	assert_int_equal(kf_app_secret_grace_until(1000, -5), 1000);
	assert_int_equal(kf_app_secret_grace_until(INT64_MAX - 10, 86400), INT64_MAX);
}

static void test_secret_valid_at_APP_10(void **state)
{
	(void)state;
	const int64_t created = 1000, revoked = 5000, grace_until = 5000 + 3600;
	assert_false(kf_app_secret_valid_at(created, 0, 0, 999));
	assert_true(kf_app_secret_valid_at(created, 0, 0, 1000));
	assert_true(kf_app_secret_valid_at(created, 0, 0, INT64_MAX));
	/* The old secret keeps working during the grace period only. */
	assert_true(kf_app_secret_valid_at(created, revoked, grace_until, 5000));
	assert_true(kf_app_secret_valid_at(created, revoked, grace_until, grace_until - 1));
	assert_false(kf_app_secret_valid_at(created, revoked, grace_until, grace_until));
	assert_false(kf_app_secret_valid_at(created, revoked, grace_until, grace_until + 1));
	/* A grace of 0 ends it at once. */
	assert_false(kf_app_secret_valid_at(created, revoked, revoked, revoked));
	assert_true(kf_app_secret_valid_at(created, revoked, revoked, revoked - 1));
}

/* issue 9 defect 3: a rotation leaves at most the previous secret in grace;
 * one with grace 0 ends every earlier secret's grace at once. */
static void test_secret_rotation_APP_10(void **state)
{
	(void)state;
	struct kf_app_rotation rot;
	kf_app_secret_rotation(5000, 86400, &rot);
	assert_int_equal(rot.previous_valid_until, 5000 + 86400);
	assert_int_equal(rot.earlier_valid_until, 5000);
	kf_app_secret_rotation(6000, 0, &rot);
	assert_int_equal(rot.previous_valid_until, 6000);
	assert_int_equal(rot.earlier_valid_until, 6000);
	/* the secret in grace from the first rotation is no longer valid */
	assert_false(kf_app_secret_valid_at(1000, 5000, rot.earlier_valid_until, 6000));
	kf_app_secret_rotation(INT64_MAX - 1, 86400, &rot);
	assert_int_equal(rot.previous_valid_until, INT64_MAX);
}

/* issue 9 defect 5: the emergency stop reaches every app that can call the
 * APIs, refuses a second suspension, and lifting restores the state. */
static void test_suspend_AUTH_5(void **state)
{
	(void)state;
	struct kf_error err;
	enum kf_app_state next = KF_APP_DRAFT;
	enum kf_app_state ok[] = { KF_APP_DEVELOPING, KF_APP_RELEASE_REVIEW, KF_APP_RELEASED, KF_APP_WITHDRAWN };
	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		assert_int_equal(kf_app_suspend(ok[i], "GOV-7", &next, &err), KF_OK);
		assert_int_equal(next, KF_APP_SUSPENDED);
		assert_true(kf_app_transition_allowed(ok[i], KF_APP_SUSPENDED));
		assert_int_equal(kf_app_unsuspend(KF_APP_SUSPENDED, ok[i], &next, &err), KF_OK);
		assert_int_equal(next, ok[i]);
		assert_true(kf_app_transition_allowed(KF_APP_SUSPENDED, ok[i]));
	}
	assert_int_equal(kf_app_suspend(KF_APP_SUSPENDED, "AUTH-5", &next, &err), KF_ECONFLICT);
	assert_error(&err, KF_ECONFLICT, "already_suspended", "AUTH-5", NULL);
	assert_int_equal(kf_app_suspend(KF_APP_DRAFT, "GOV-7", &next, &err), KF_ECONFLICT);
	assert_error(&err, KF_ECONFLICT, "invalid_state", "AUTH-5", NULL);
	assert_int_equal(kf_app_suspend(KF_APP_DELISTED, "GOV-7", &next, &err), KF_ECONFLICT);
	assert_int_equal(kf_app_suspend(KF_APP_RELEASED, "gov-7", &next, &err), KF_EINVAL);
	assert_error(&err, KF_EINVAL, "invalid_rule", NULL, "rule");
	const char *bad[] = { NULL, "", "GOV", "GOV-", "GOV-07", "GOV-1234", "XYZ-1", "GOV-7 ", "-7", "GOV-7x", "AUTH-5-1" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_false(kf_app_rule_id_valid(bad[i]));
	assert_true(kf_app_rule_id_valid("UX-2"));
	assert_true(kf_app_rule_id_valid("DATA-5"));
	assert_true(kf_app_rule_id_valid("LST-21"));
	assert_int_equal(kf_app_unsuspend(KF_APP_RELEASED, KF_APP_RELEASED, &next, &err), KF_ECONFLICT);
	assert_error(&err, KF_ECONFLICT, "not_suspended", "AUTH-5", NULL);
	assert_int_equal(kf_app_unsuspend(KF_APP_SUSPENDED, KF_APP_DELETED, &next, &err), KF_OK);
	assert_int_equal(next, KF_APP_RELEASED);
}

static void test_app_id_APP_10(void **state)
{
	(void)state;
	const unsigned char r[8] = { 0x00, 0x01, 0xab, 0xcd, 0xef, 0x10, 0x9f, 0xff };
	char id[KF_APP_ID_LEN + 1];
	memset(id, 'Z', sizeof(id));
	kf_app_id_format(r, id);
	assert_string_equal(id, "kf0001abcdef109fff");
	assert_int_equal(strlen(id), 18);
	assert_true(kf_app_id_valid(id));
	assert_true(kf_app_id_valid("kf0000000000000000"));
	static const char *const bad[] = {
		"", "kf", "kf0001abcdef109ff", "kf0001abcdef109fff0", "KF0001abcdef109fff",
		"kf0001ABCDEF109fff", "kf0001abcdef109ffg", "wx0001abcdef109fff",
		"kf0001abcdef109ff ",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_false(kf_app_id_valid(bad[i]));
	assert_false(kf_app_id_valid(NULL));
}

/* APP-5: editing waits for the creation review; every other state edits. */
static void test_check_edit_APP_5(void **state)
{
	(void)state;
	struct kf_error err;
	for (int s = 0; s <= KF_APP_DELETED; s++) {
		enum kf_err rc = kf_app_check_edit((enum kf_app_state)s, &err);
		if (s == KF_APP_CREATION_REVIEW) {
			assert_int_equal(rc, KF_ECONFLICT);
			assert_string_equal(err.name, "under_review");
			assert_string_equal(err.rule, "APP-5");
		} else {
			assert_int_equal(rc, KF_OK);
		}
	}
}

/* A draft goes live directly only in development (APP-5); a released app's
 * changes are reviewed (APP-7). */
static void test_check_activate_APP_7(void **state)
{
	(void)state;
	struct kf_error err;
	assert_int_equal(kf_app_check_activate(KF_APP_DEVELOPING, &err), KF_OK);
	assert_int_equal(kf_app_check_activate(KF_APP_RELEASED, &err), KF_ECONFLICT);
	assert_string_equal(err.name, "invalid_state");
	assert_string_equal(err.rule, "APP-7");
	assert_non_null(strstr(err.msg, "released"));
	for (int s = 0; s <= KF_APP_DELETED; s++) {
		if (s == KF_APP_DEVELOPING || s == KF_APP_RELEASED)
			continue;
		assert_int_equal(kf_app_check_activate((enum kf_app_state)s, &err), KF_ECONFLICT);
		assert_string_equal(err.rule, "APP-5");
	}
}

/* APP-1, DATA-3: every state but deleted -> deleted; deleted is refused. */
static void test_delete_APP_1(void **state)
{
	(void)state;
	struct kf_error err;
	for (int s = 0; s < KF_APP_DELETED; s++) {
		enum kf_app_state next = KF_APP_DRAFT;
		assert_int_equal(kf_app_delete((enum kf_app_state)s, &next, &err), KF_OK);
		assert_int_equal(next, KF_APP_DELETED);
	}
	enum kf_app_state next = KF_APP_DRAFT;
	assert_int_equal(kf_app_delete(KF_APP_DELETED, &next, &err), KF_ECONFLICT);
	assert_string_equal(err.name, "invalid_state");
	assert_string_equal(err.rule, "APP-1");
	assert_int_equal(next, KF_APP_DRAFT);
	assert_int_equal(kf_app_delete((enum kf_app_state)99, &next, &err), KF_ECONFLICT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_valid_config_passes),
		cmocka_unit_test(test_policy_default_APP_1_APP_5),
		cmocka_unit_test(test_name_required_APP_2),
		cmocka_unit_test(test_name_length_APP_2),
		cmocka_unit_test(test_name_text_APP_2),
		cmocka_unit_test(test_protected_marks_APP_11),
		cmocka_unit_test(test_icon_file_APP_2),
		cmocka_unit_test(test_intro_APP_2),
		cmocka_unit_test(test_website_https_APP_2),
		cmocka_unit_test(test_website_not_filed_APP_2),
		cmocka_unit_test(test_icp_no_APP_2),
		cmocka_unit_test(test_audience_APP_10),
		cmocka_unit_test(test_permission_sets_APP_3),
		cmocka_unit_test(test_auth_domain_APP_4),
		cmocka_unit_test(test_test_allowlist_APP_5),
		cmocka_unit_test(test_message_token_APP_4),
		cmocka_unit_test(test_aes_key_APP_4),
		cmocka_unit_test(test_server_domains_APP_4),
		cmocka_unit_test(test_business_domains_APP_4),
		cmocka_unit_test(test_url_https_APP_4),
		cmocka_unit_test(test_url_syntax_APP_4),
		cmocka_unit_test(test_url_on_declared_domain_APP_4),
		cmocka_unit_test(test_message_url_appid_APP_4),
		cmocka_unit_test(test_ip_allowlist_APP_4),
		cmocka_unit_test(test_missing_fields_by_rule),
		cmocka_unit_test(test_unterminated_string),
		cmocka_unit_test(test_normalize),
		cmocka_unit_test(test_limit_APP_1),
		cmocka_unit_test(test_duplicate_name_APP_13),
		cmocka_unit_test(test_duplicate_endpoint_APP_13),
		cmocka_unit_test(test_state_names),
		cmocka_unit_test(test_transition_table),
		cmocka_unit_test(test_release_and_governance_edges_APP_6_GOV_1_GOV_4_GOV_5_GOV_6),
		cmocka_unit_test(test_submit_creation_APP_5),
		cmocka_unit_test(test_creation_decided_APP_5_REV_5),
		cmocka_unit_test(test_authorize_before_release_AUTH_4),
		cmocka_unit_test(test_authorize_not_approved_APP_5),
		cmocka_unit_test(test_authorize_suspended_delisted_AUTH_5),
		cmocka_unit_test(test_authorize_withdrawn_GOV_2),
		cmocka_unit_test(test_authorize_self_use_APP_10),
		cmocka_unit_test(test_rotation_grace_APP_10),
		cmocka_unit_test(test_secret_valid_at_APP_10),
		cmocka_unit_test(test_check_edit_APP_5),
		cmocka_unit_test(test_check_activate_APP_7),
		cmocka_unit_test(test_delete_APP_1),
		cmocka_unit_test(test_secret_rotation_APP_10),
		cmocka_unit_test(test_suspend_AUTH_5),
		cmocka_unit_test(test_app_id_APP_10),
		cmocka_unit_test(test_submit_release_APP_6_APP_9),
		cmocka_unit_test(test_release_decided_APP_6_REV_5),
		cmocka_unit_test(test_submit_change_APP_7),
		cmocka_unit_test(test_withdraw_submission_APP_6_APP_7),
		cmocka_unit_test(test_submission_allowed_REV_4),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
