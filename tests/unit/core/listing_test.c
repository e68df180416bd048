/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Unit tests for src/core/listing.c: the text and field rules of a listing
 * (LST-1 … LST-19 except images, APP-11). For every rule a passing and a
 * failing case, with full-width and spaced variants and at-limit /
 * just-over-limit lengths.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/listing.h"
#include "core/validate.h"

#define N_OF(a) (sizeof(a) / sizeof((a)[0]))

static const char *const generic[] = { "电话", "邮件", "日历", "mail" };
static const char *const hot[] = { "抖音", "热门", "hot" };
static const char *const gambling[] = { "六合", "心水", "白小姐", "曾道人", "xiaojie" };
static const char *const superl[] = { "最", "第一", "百分百", "No.1" };
static const char *const banned[] = { "彩票", "博彩", "赌博", "赌场", "梭哈" };
static const char *const marks[] = { "kaifang", "开放平台" };
static const char *const catalog[] = { "office", "education", "tools", "ai" };

static struct kf_listing_ctx ctx;

static int setup(void **state)
{
	(void)state;
	ctx.generic_names = kf_terms_build(generic, N_OF(generic));
	ctx.hot_words = kf_terms_build(hot, N_OF(hot));
	ctx.gambling_names = kf_terms_build(gambling, N_OF(gambling));
	ctx.superlatives = kf_terms_build(superl, N_OF(superl));
	ctx.banned = kf_terms_build(banned, N_OF(banned));
	ctx.marks = kf_terms_build(marks, N_OF(marks));
	ctx.entity_name = "示例科技有限公司";
	ctx.last_version = "1.1.9";
	ctx.categories = catalog;
	ctx.n_categories = N_OF(catalog);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	kf_terms_free((struct kf_terms *)(uintptr_t)ctx.generic_names);
	kf_terms_free((struct kf_terms *)(uintptr_t)ctx.hot_words);
	kf_terms_free((struct kf_terms *)(uintptr_t)ctx.gambling_names);
	kf_terms_free((struct kf_terms *)(uintptr_t)ctx.superlatives);
	kf_terms_free((struct kf_terms *)(uintptr_t)ctx.banned);
	kf_terms_free((struct kf_terms *)(uintptr_t)ctx.marks);
	return 0;
}

static const char *const good_keywords[] = { "日程", "会议", "团队" };

static struct kf_listing_text good(void)
{
	return (struct kf_listing_text){
		.name = "开放日程",
		.category = "tools",
		.intro = "团队日程与会议安排",
		.description = "为团队提供日程、会议室预订与提醒。",
		.version = "1.2.0",
		.update_notes = "修复提醒时间错误。",
		.privacy_url = "https://example.com/privacy",
		.terms_url = "https://example.com/terms",
		.company_name = "示例科技有限公司",
		.website = "https://www.example.com",
		.support_phone = "010-12345678",
		.keywords = good_keywords,
		.n_keywords = N_OF(good_keywords),
	};
}

/* Number of findings with this rule and field (and severity). */
static size_t count(const struct kf_findings *f, const char *rule, const char *field,
		    enum kf_severity sev)
{
	size_t c = 0;
	for (size_t i = 0; i < f->n; i++) {
		assert_true(kf_validate_utf8(f->v[i].message, strlen(f->v[i].message)));
		if (!strcmp(f->v[i].rule, rule) && !strcmp(f->v[i].field, field) &&
		    f->v[i].severity == sev)
			c++;
	}
	return c;
}

static struct kf_findings check(const struct kf_listing_text *l)
{
	struct kf_findings f = { .n = 0 };
	kf_listing_check_text(l, &ctx, &f);
	return f;
}

static struct kf_findings check_name(const char *name)
{
	struct kf_listing_text l = good();
	l.name = name;
	return check(&l);
}

/* str repeated n times into buf (caller's size) */
static const char *rep(char *buf, const char *s, int n)
{
	buf[0] = '\0';
	for (int i = 0; i < n; i++)
		strcat(buf, s);
	return buf;
}

#define REJ KF_SEVERITY_REJECT
#define WARN KF_SEVERITY_WARN

static void test_good_listing_has_no_findings(void **state)
{
	(void)state;
	struct kf_listing_text l = good();
	struct kf_findings f = check(&l);
	for (size_t i = 0; i < f.n; i++)
		print_message("unexpected: %s %s %s\n", f.v[i].rule, f.v[i].field,
			      f.v[i].message);
	assert_int_equal(f.n, 0);
	assert_false(kf_findings_has_reject(&f));
}

static void test_cjk_len_LST_1(void **state)
{
	(void)state;
	assert_int_equal(kf_listing_cjk_len(""), 0);
	assert_int_equal(kf_listing_cjk_len("abc"), 3);
	assert_int_equal(kf_listing_cjk_len("中文"), 4);
	assert_int_equal(kf_listing_cjk_len("ＡＢ"), 4); /* full-width displays wide */
	assert_int_equal(kf_listing_cjk_len("日程a"), 5);
	assert_int_equal(kf_listing_cjk_len(NULL), SIZE_MAX);
	assert_int_equal(kf_listing_cjk_len("a\xff"), SIZE_MAX);
}

static void test_name_too_long_LST_1(void **state)
{
	(void)state;
	char buf[256];
	struct kf_findings f = check_name(rep(buf, "日", 10)); /* exactly at limit */
	assert_int_equal(count(&f, "LST-1", "name", REJ), 0);
	assert_int_equal(count(&f, "LST-1", "name", WARN), 1);
	f = check_name(rep(buf, "日", 11));                     /* just over */
	assert_int_equal(count(&f, "LST-1", "name", REJ), 1);
	assert_true(kf_findings_has_reject(&f));
	f = check_name(rep(buf, "a", 20));
	assert_int_equal(count(&f, "LST-1", "name", REJ), 0);
	f = check_name(rep(buf, "a", 21));
	assert_int_equal(count(&f, "LST-1", "name", REJ), 1);
	rep(buf, "a", 19);
	f = check_name(strcat(buf, "日")); /* 19 + 2 = 21 half-units */
	assert_int_equal(count(&f, "LST-1", "name", REJ), 1);
	f = check_name(rep(buf, "Ａ", 11));                     /* full-width counts 2 */
	assert_int_equal(count(&f, "LST-1", "name", REJ), 1);
}

/* issue 11: the warning fired for 5 and 6 CJK characters, inside the
 * recommended 2 to 6; it fires only past 6. */
static void test_name_recommended_range_LST_1(void **state)
{
	(void)state;
	char buf[64];
	struct kf_findings f = check_name(rep(buf, "日", 4));
	assert_int_equal(count(&f, "LST-1", "name", WARN), 0);
	f = check_name(rep(buf, "日", 5));
	assert_int_equal(count(&f, "LST-1", "name", WARN), 0);
	f = check_name(rep(buf, "日", 6));
	assert_int_equal(count(&f, "LST-1", "name", WARN), 0);
	f = check_name(rep(buf, "日", 7));
	assert_int_equal(count(&f, "LST-1", "name", WARN), 1);
	assert_false(kf_findings_has_reject(&f));
	f = check_name("abcdefghijkl"); /* 12 half-units = 6 CJK */
	assert_int_equal(count(&f, "LST-1", "name", WARN), 0);
	f = check_name("abcdefghijklm");
	assert_int_equal(count(&f, "LST-1", "name", WARN), 1);
}

static void test_name_required_LST_1(void **state)
{
	(void)state;
	struct kf_findings f = check_name(NULL);
	assert_int_equal(count(&f, "LST-1", "name", REJ), 1);
	f = check_name(" \u3000 ");
	assert_int_equal(count(&f, "LST-1", "name", REJ), 1);
	f = check_name("开放\xff");
	assert_int_equal(count(&f, "LST-1", "name", REJ), 1);
}

static void test_name_special_symbols_LST_2(void **state)
{
	(void)state;
	static const char *const bad[] = {
		"开放-日程", "开放、日程", "开放（日程）", "开放 日程", "开放\u3000日程",
		"开放·日程", "开放日程!", "开放\u200b日程", "开放★日程", "开放日程™",
	};
	for (size_t i = 0; i < N_OF(bad); i++) {
		struct kf_findings f = check_name(bad[i]);
		assert_int_equal(count(&f, "LST-2", "name", REJ), 1);
	}
	struct kf_findings f = check_name("开放日程2");
	assert_int_equal(count(&f, "LST-2", "name", REJ), 0);
	f = check_name("KaiCal");
	assert_int_equal(count(&f, "LST-2", "name", REJ), 0);
}

static void test_name_generic_LST_3(void **state)
{
	(void)state;
	struct kf_findings f = check_name("电话");
	assert_int_equal(count(&f, "LST-3", "name", REJ), 1);
	f = check_name("ＭＡＩＬ");
	assert_int_equal(count(&f, "LST-3", "name", REJ), 1);
	f = check_name("电 话"); /* also LST-2 */
	assert_int_equal(count(&f, "LST-3", "name", REJ), 1);
	f = check_name("邮件助手"); /* exact match only */
	assert_int_equal(count(&f, "LST-3", "name", REJ), 0);
}

static void test_hot_words_LST_4(void **state)
{
	(void)state;
	struct kf_findings f = check_name("抖音日程");
	assert_int_equal(count(&f, "LST-4", "name", REJ), 1);
	struct kf_listing_text l = good();
	l.intro = "ＨＯＴ 日程安排";
	f = check(&l);
	assert_int_equal(count(&f, "LST-4", "intro", REJ), 1);
	static const char *const kw[] = { "日程", "h-o-t", "热 门" };
	l = good();
	l.keywords = kw;
	l.n_keywords = N_OF(kw);
	f = check(&l);
	assert_int_equal(count(&f, "LST-4", "keywords", REJ), 2);
	l = good();
	f = check(&l);
	assert_int_equal(count(&f, "LST-4", "keywords", REJ), 0);
	assert_int_equal(count(&f, "LST-4", "intro", REJ), 0);
}

static void test_gambling_names_LST_5(void **state)
{
	(void)state;
	struct kf_findings f = check_name("六合助手");
	assert_int_equal(count(&f, "LST-5", "name", REJ), 1);
	f = check_name("白 小 姐");
	assert_int_equal(count(&f, "LST-5", "name", REJ), 1);
	f = check_name("合六助手");
	assert_int_equal(count(&f, "LST-5", "name", REJ), 0);
	/* spaced and hyphenated Latin, full-width */
	f = check_name("x-i-a-o-j-i-e");
	assert_int_equal(count(&f, "LST-5", "name", REJ), 1);
	f = check_name("ＸＩＡＯ ＪＩＥ");
	assert_int_equal(count(&f, "LST-5", "name", REJ), 1);
	f = check_name("xiaoji");
	assert_int_equal(count(&f, "LST-5", "name", REJ), 0);
	/* NULL matcher: rule skipped */
	struct kf_listing_ctx c = ctx;
	c.gambling_names = NULL;
	struct kf_findings g = { .n = 0 };
	kf_listing_check_name("六合助手", &c, &g);
	assert_int_equal(count(&g, "LST-5", "name", REJ), 0);
}

static void test_category_LST_7(void **state)
{
	(void)state;
	struct kf_listing_text l = good();
	struct kf_findings f;
	l.category = NULL;
	f = check(&l);
	assert_int_equal(count(&f, "LST-7", "category", REJ), 1);
	l.category = "games";
	f = check(&l);
	assert_int_equal(count(&f, "LST-7", "category", REJ), 1);
	l.category = "TOOLS"; /* ids are exact */
	f = check(&l);
	assert_int_equal(count(&f, "LST-7", "category", REJ), 1);
	l.category = "ai";
	f = check(&l);
	assert_int_equal(count(&f, "LST-7", "category", REJ), 0);
	struct kf_findings g = { .n = 0 };
	kf_listing_check_category("anything", NULL, 0, &g);
	assert_int_equal(g.n, 0);
}

static void test_intro_LST_8(void **state)
{
	(void)state;
	char buf[128];
	struct kf_listing_text l = good();
	struct kf_findings f;
	l.intro = rep(buf, "日", 15);
	f = check(&l);
	assert_int_equal(count(&f, "LST-8", "intro", REJ), 0);
	l.intro = rep(buf, "日", 16);
	f = check(&l);
	assert_int_equal(count(&f, "LST-8", "intro", REJ), 1);
	l.intro = rep(buf, "a", 30);
	f = check(&l);
	assert_int_equal(count(&f, "LST-8", "intro", REJ), 0);
	l.intro = rep(buf, "a", 31);
	f = check(&l);
	assert_int_equal(count(&f, "LST-8", "intro", REJ), 1);
	static const char *const bad[] = { "省钱50%", "¥9.9 日程", "#日程", "日程*", "省钱５０％",
					   "日程-安排", "日程，安排" };
	for (size_t i = 0; i < N_OF(bad); i++) {
		l.intro = bad[i];
		f = check(&l);
		assert_int_equal(count(&f, "LST-8", "intro", REJ), 1);
	}
	l.intro = "Plan your team day"; /* spaces between words are fine */
	f = check(&l);
	assert_int_equal(count(&f, "LST-8", "intro", REJ), 0);
	l.intro = "";
	f = check(&l);
	assert_int_equal(count(&f, "LST-8", "intro", REJ), 1);
	l.intro = NULL;
	f = check(&l);
	assert_int_equal(count(&f, "LST-8", "intro", REJ), 1);
}

static void test_description_required_and_length_LST_9_APP_12(void **state)
{
	(void)state;
	char *buf = malloc(4096);
	assert_non_null(buf);
	struct kf_listing_text l = good();
	struct kf_findings f;
	l.description = rep(buf, "日", 500);
	f = check(&l);
	assert_int_equal(count(&f, "LST-9", "description", REJ), 0);
	l.description = rep(buf, "日", 501);
	f = check(&l);
	assert_int_equal(count(&f, "LST-9", "description", REJ), 1);
	l.description = rep(buf, "a", 1001);
	f = check(&l);
	assert_int_equal(count(&f, "LST-9", "description", REJ), 1);
	l.description = "";
	f = check(&l);
	assert_int_equal(count(&f, "LST-9", "description", REJ), 1);
	free(buf);
}

static void test_keywords_count_and_empty_LST_4(void **state)
{
	(void)state;
	static const char *const eight[] = { "a1", "a2", "a3", "a4", "a5", "a6", "a7", "a8" };
	static const char *const nine[] = { "a1", "a2", "a3", "a4", "a5", "a6", "a7", "a8", "a9" };
	static const char *const empty[] = { "日程", "", " ", NULL };
	struct kf_listing_text l = good();
	struct kf_findings f;
	l.keywords = eight;
	l.n_keywords = 8;
	f = check(&l);
	assert_int_equal(count(&f, "LST-4", "keywords", REJ), 0);
	l.keywords = nine;
	l.n_keywords = 9;
	f = check(&l);
	assert_int_equal(count(&f, "LST-4", "keywords", REJ), 1);
	l.keywords = empty;
	l.n_keywords = N_OF(empty);
	f = check(&l);
	assert_int_equal(count(&f, "LST-4", "keywords", REJ), 3);
	char buf[64];
	const char *kw[1] = { rep(buf, "日", 10) };
	l.keywords = kw;
	l.n_keywords = 1;
	f = check(&l);
	assert_int_equal(count(&f, "LST-4", "keywords", REJ), 0);
	kw[0] = rep(buf, "日", 11);
	f = check(&l);
	assert_int_equal(count(&f, "LST-4", "keywords", REJ), 1);
	l.keywords = NULL;
	l.n_keywords = 0;
	f = check(&l);
	assert_int_equal(f.n, 0);
}

static void test_version_syntax_LST_12(void **state)
{
	(void)state;
	static const char *const ok[] = { "1", "1.0", "1.0.0", "0.0.1", "99999.0.0.1", "10.20.30" };
	static const char *const bad[] = { "", "01.0", "1..0", "1.0.", ".1", "1.0.0.0.0",
					   "100000", "1.a", "v1.0", " 1.0", "-1", "1.0-beta",
					   "１.０", "1.00" };
	for (size_t i = 0; i < N_OF(ok); i++)
		assert_true(kf_listing_version_valid(ok[i]));
	for (size_t i = 0; i < N_OF(bad); i++)
		assert_false(kf_listing_version_valid(bad[i]));
	assert_false(kf_listing_version_valid(NULL));
}

static void test_version_cmp_LST_12(void **state)
{
	(void)state;
	assert_true(kf_listing_version_cmp("1.10", "1.9") > 0);
	assert_true(kf_listing_version_cmp("1.9", "1.10") < 0);
	assert_int_equal(kf_listing_version_cmp("1.0", "1.0.0"), 0);
	assert_true(kf_listing_version_cmp("2", "1.99999.99999") > 0);
	assert_true(kf_listing_version_cmp("1.0.0.1", "1.0") > 0);
	assert_int_equal(kf_listing_version_cmp(NULL, "0"), 0);
}

static void test_version_greater_than_released_LST_12(void **state)
{
	(void)state;
	struct kf_findings f = { .n = 0 };
	kf_listing_check_version("1.0.1", "1.0.0", &f);
	assert_int_equal(f.n, 0);
	kf_listing_check_version("1.0.0", "1.0.0", &f);
	assert_int_equal(count(&f, "LST-12", "version", REJ), 1);
	kf_listing_check_version("1.0", "1.0.0", &f);
	assert_int_equal(count(&f, "LST-12", "version", REJ), 2);
	kf_listing_check_version("0.9", "1.0", &f);
	assert_int_equal(count(&f, "LST-12", "version", REJ), 3);
	kf_listing_check_version("1.0", NULL, &f); /* first release */
	assert_int_equal(count(&f, "LST-12", "version", REJ), 3);
	kf_listing_check_version("1.0beta", NULL, &f);
	assert_int_equal(count(&f, "LST-12", "version", REJ), 4);
	kf_listing_check_version(NULL, NULL, &f);
	assert_int_equal(count(&f, "LST-12", "version", REJ), 5);
}

static void test_account_deletion_APP_12(void **state)
{
	(void)state;
	char *buf = malloc(4096);
	assert_non_null(buf);
	struct kf_listing_text l = good();
	struct kf_findings f;
	/* no accounts of its own: nothing to declare */
	f = check(&l);
	assert_int_equal(count(&f, "APP-12", "account_deletion", REJ), 0);
	/* accounts: the declaration is required, blank counts as missing */
	l.offers_accounts = true;
	f = check(&l);
	assert_int_equal(count(&f, "APP-12", "account_deletion", REJ), 1);
	l.account_deletion = "  ";
	f = check(&l);
	assert_int_equal(count(&f, "APP-12", "account_deletion", REJ), 1);
	l.account_deletion = "在“设置-账号”中申请注销，7日内删除全部数据。";
	f = check(&l);
	assert_int_equal(f.n, 0);
	/* exactly 500 CJK characters pass, 501 do not */
	l.account_deletion = rep(buf, "删", 500);
	f = check(&l);
	assert_int_equal(count(&f, "APP-12", "account_deletion", REJ), 0);
	l.account_deletion = rep(buf, "删", 501);
	f = check(&l);
	assert_int_equal(count(&f, "APP-12", "account_deletion", REJ), 1);
	/* judged like other text: a spaced banned term is caught (LST-19) */
	l.account_deletion = "注销后可参与赌 博活动";
	f = check(&l);
	assert_int_equal(count(&f, "LST-19", "account_deletion", REJ), 1);
	free(buf);
}

static void test_update_notes_optional_LST_13(void **state)
{
	(void)state;
	char *buf = malloc(4096);
	assert_non_null(buf);
	struct kf_listing_text l = good();
	struct kf_findings f;
	l.update_notes = NULL;
	f = check(&l);
	assert_int_equal(f.n, 0);
	l.update_notes = "";
	f = check(&l);
	assert_int_equal(f.n, 0);
	l.update_notes = rep(buf, "日", 500);
	f = check(&l);
	assert_int_equal(count(&f, "LST-13", "update_notes", REJ), 0);
	l.update_notes = rep(buf, "日", 501);
	f = check(&l);
	assert_int_equal(count(&f, "LST-13", "update_notes", REJ), 1);
	free(buf);
}

static void test_urls_LST_14(void **state)
{
	(void)state;
	static const char *const ok[] = {
		"https://example.com/privacy", "http://example.com", "HTTPS://EXAMPLE.COM",
		"https://a.example.co.uk:8443/p?x=1#y", "https://example.com?q", "https://x-y.cn/",
	};
	static const char *const bad[] = {
		"", "example.com", "//example.com", "ftp://example.com", "https://",
		"https://example", "https://user@example.com", "https://exa mple.com",
		"https://example.com:0", "https://example.com:65536", "https://example.com:x",
		"https://1.2.3.4/", "https://[::1]/", "https://-a.com", "https://a-.com",
		"https://a..com", "https://example.com/a b", "https://例子.中国",
		"javascript:alert(1)", "https://example.com/\xe4\xbe\x8b",
	};
	for (size_t i = 0; i < N_OF(ok); i++)
		assert_true(kf_listing_url_valid(ok[i]));
	for (size_t i = 0; i < N_OF(bad); i++)
		assert_false(kf_listing_url_valid(bad[i]));
	assert_false(kf_listing_url_valid(NULL));

	struct kf_listing_text l = good();
	l.privacy_url = NULL;
	l.terms_url = "ftp://example.com/terms";
	struct kf_findings f = check(&l);
	assert_int_equal(count(&f, "LST-14", "privacy_url", REJ), 1);
	assert_int_equal(count(&f, "LST-14", "terms_url", REJ), 1);
}

static void test_company_name_LST_15(void **state)
{
	(void)state;
	struct kf_listing_text l = good();
	struct kf_findings f;
	l.company_name = " 示例科技有限公司\u3000"; /* trimmed */
	f = check(&l);
	assert_int_equal(count(&f, "LST-15", "company_name", REJ), 0);
	struct kf_findings g = { .n = 0 };
	kf_listing_check_company("ＡＢＣ科技有限公司", "ABC科技有限公司", &g); /* NFKC */
	assert_int_equal(g.n, 0);
	kf_listing_check_company("ABC科技（北京）有限公司", "ABC科技(北京)有限公司", &g);
	assert_int_equal(g.n, 0);
	l.company_name = "示例网络有限公司";
	f = check(&l);
	assert_int_equal(count(&f, "LST-15", "company_name", REJ), 1);
	l.company_name = "";
	f = check(&l);
	assert_int_equal(count(&f, "LST-15", "company_name", REJ), 1);
	kf_listing_check_company("示例科技有限公司", NULL, &g);
	assert_int_equal(count(&g, "LST-15", "company_name", REJ), 1);
}

static void test_website_LST_16(void **state)
{
	(void)state;
	struct kf_listing_text l = good();
	struct kf_findings f;
	l.website = NULL;
	f = check(&l);
	assert_int_equal(count(&f, "LST-16", "website", REJ), 1);
	l.website = "www.example.com";
	f = check(&l);
	assert_int_equal(count(&f, "LST-16", "website", REJ), 1);
	l.website = "https://example.com";
	f = check(&l);
	assert_int_equal(count(&f, "LST-16", "website", REJ), 0);
}

/* LST-20: a separate document (not the terms page or the website, also
 * not with another fragment, a trailing slash or upper-case host) ... */
static void test_privacy_separate_document_LST_20(void **state)
{
	(void)state;
	struct kf_listing_text l = good();
	struct kf_findings f = check(&l);
	assert_int_equal(count(&f, "LST-20", "privacy_url", REJ), 0);
	l.privacy_url = "https://example.com/terms";
	f = check(&l);
	assert_int_equal(count(&f, "LST-20", "privacy_url", REJ), 1);
	l.privacy_url = "HTTPS://Example.COM/terms/#privacy";
	f = check(&l);
	assert_int_equal(count(&f, "LST-20", "privacy_url", REJ), 1);
	l.privacy_url = "https://www.example.com/";
	f = check(&l);
	assert_int_equal(count(&f, "LST-20", "privacy_url", REJ), 1);
	/* another path, query, port or scheme is another document */
	static const char *const other[] = {
		"https://example.com/Terms", "https://example.com/terms?doc=privacy",
		"https://example.com:8443/terms", "https://example.com/terms/privacy", "https://ex.com/terms",
	};
	for (size_t i = 0; i < N_OF(other); i++) {
		l.privacy_url = other[i];
		f = check(&l);
		assert_int_equal(count(&f, "LST-20", "privacy_url", REJ), 0);
	}
	assert_true(kf_listing_same_document("http://a.cn/p#x", "HTTP://A.CN/p/"));
	assert_false(kf_listing_same_document("http://a.cn/p", "https://a.cn/p"));
	assert_false(kf_listing_same_document("http://a.cn/p", "not a url"));
}

/* ... whose operating entity is the provider's: a page that does not name
 * it (after NFKC, case folding and without spaces and punctuation), or
 * whose text could not be read, is a warning for the reviewer. */
static void test_privacy_entity_LST_20(void **state)
{
	(void)state;
	const char *u = "https://example.com/privacy";
	struct kf_findings f = {.n = 0};
	char *page = kf_terms_skeleton("本政策由 示例科技（有限）公司 运营. © 2026 Kai-Fang Ltd.");
	kf_listing_check_privacy_entity(u, page, "示例科技(有限)公司", &f);
	kf_listing_check_privacy_entity(u, page, "ＫＡＩ ＦＡＮＧ LTD", &f);
	assert_int_equal(f.n, 0);
	kf_listing_check_privacy_entity(u, page, "示例网络有限公司", &f);
	assert_int_equal(count(&f, "LST-20", "privacy_url", WARN), 1);
	assert_non_null(strstr(f.v[0].message, "示例网络有限公司"));
	kf_listing_check_privacy_entity(u, NULL, "示例科技有限公司", &f);
	assert_int_equal(count(&f, "LST-20", "privacy_url", WARN), 2);
	assert_non_null(strstr(f.v[1].message, "could not be read"));
	kf_listing_check_privacy_entity(u, page, NULL, &f); /* LST-15 reports it */
	assert_int_equal(f.n, 2);
	assert_int_equal(count(&f, "LST-20", "privacy_url", REJ), 0);
	free(page);
}

static void test_support_phone_LST_17(void **state)
{
	(void)state;
	static const char *const ok[] = {
		"13812345678", "+86 138 1234 5678", "8613812345678", "010-12345678",
		"021 87654321", "0755-1234567", "07551234567", "(010)12345678", "(0755)12345678",
		"400-123-4567", "4001234567", "800 123 4567", "95588", "95105888",
		"+14155552671", "+44 20 7946 0958",
	};
	static const char *const bad[] = {
		"", "12345", "010-0123456", "0101234567x", "abc", "(075)512345678",
		"(010)", "400123456", "40012345678", "9558", "955881234", "12345678901",
		"010-123456789", "0001234567", "011-12345678", "+86 010 12345678", "1381234567",
		"010 1234 5678 0000 0000 0000 00000",
	};
	for (size_t i = 0; i < N_OF(ok); i++) {
		if (!kf_listing_phone_valid(ok[i]))
			fail_msg("should accept %s", ok[i]);
	}
	for (size_t i = 0; i < N_OF(bad); i++) {
		if (kf_listing_phone_valid(bad[i]))
			fail_msg("should refuse %s", bad[i]);
	}
	assert_false(kf_listing_phone_valid(NULL));
	struct kf_listing_text l = good();
	l.support_phone = NULL;
	struct kf_findings f = check(&l);
	assert_int_equal(count(&f, "LST-17", "support_phone", REJ), 1);
	l.support_phone = "12345";
	f = check(&l);
	assert_int_equal(count(&f, "LST-17", "support_phone", REJ), 1);
}

static void test_superlatives_all_text_LST_18(void **state)
{
	(void)state;
	struct kf_listing_text l = good();
	struct kf_findings f;
	l.description = "全网最好用的日程工具";
	l.intro = "第 一 日程工具";
	l.update_notes = "百分百稳定";
	static const char *const kw[] = { "ＮＯ１" };
	l.keywords = kw;
	l.n_keywords = 1;
	f = check(&l);
	assert_int_equal(count(&f, "LST-18", "description", REJ), 1);
	assert_int_equal(count(&f, "LST-18", "intro", REJ), 1);
	assert_int_equal(count(&f, "LST-18", "update_notes", REJ), 1);
	assert_int_equal(count(&f, "LST-18", "keywords", REJ), 1);
	f = check_name("第一日程");
	assert_int_equal(count(&f, "LST-18", "name", REJ), 1);
	l = good();
	f = check(&l);
	assert_int_equal(count(&f, "LST-18", "description", REJ), 0);
}

static void test_banned_terms_all_text_LST_19(void **state)
{
	(void)state;
	struct kf_listing_text l = good();
	struct kf_findings f;
	l.description = "提供在线赌 博服务";
	static const char *const kw[] = { "博-彩" };
	l.keywords = kw;
	l.n_keywords = 1;
	l.update_notes = "新增彩\u3000票功能";
	f = check(&l);
	assert_int_equal(count(&f, "LST-19", "description", REJ), 1);
	assert_int_equal(count(&f, "LST-19", "keywords", REJ), 1);
	assert_int_equal(count(&f, "LST-19", "update_notes", REJ), 1);
	f = check_name("梭哈助手");
	assert_int_equal(count(&f, "LST-19", "name", REJ), 1);
	l = good();
	l.description = "提供博物馆预约服务"; /* 博 alone is fine */
	f = check(&l);
	assert_int_equal(count(&f, "LST-19", "description", REJ), 0);
}

static void test_protected_marks_APP_11(void **state)
{
	(void)state;
	struct kf_findings f = check_name("ＫａｉＦａｎｇ日程");
	assert_int_equal(count(&f, "APP-11", "name", REJ), 1);
	f = check_name("k-a-i-f-a-n-g");
	assert_int_equal(count(&f, "APP-11", "name", REJ), 1);
	f = check_name("开放日程"); /* 开放 alone is not the mark 开放平台 */
	assert_int_equal(count(&f, "APP-11", "name", REJ), 0);
	struct kf_listing_text l = good();
	l.description = "基于 Kai Fang 开放 平台";
	l.website = "https://kai-fang-apps.com/";
	f = check(&l);
	assert_int_equal(count(&f, "APP-11", "description", REJ), 1);
	assert_int_equal(count(&f, "APP-11", "website", REJ), 1);
	l = good();
	l.website = "https://example.com/kaifang"; /* only the host is a domain */
	f = check(&l);
	assert_int_equal(count(&f, "APP-11", "website", REJ), 0);
	assert_int_equal(f.n, 0);
}

static void test_all_findings_at_once(void **state)
{
	(void)state;
	struct kf_listing_text l = { .name = "最-热门赌博电话应用程序超级好用的日程工具" };
	struct kf_findings f = check(&l);
	/* name: LST-1, LST-2, LST-4, LST-18, LST-19; every required field */
	assert_int_equal(count(&f, "LST-1", "name", REJ), 1);
	assert_int_equal(count(&f, "LST-2", "name", REJ), 1);
	assert_int_equal(count(&f, "LST-4", "name", REJ), 1);
	assert_int_equal(count(&f, "LST-18", "name", REJ), 1);
	assert_int_equal(count(&f, "LST-19", "name", REJ), 1);
	assert_int_equal(count(&f, "LST-7", "category", REJ), 1);
	assert_int_equal(count(&f, "LST-8", "intro", REJ), 1);
	assert_int_equal(count(&f, "LST-9", "description", REJ), 1);
	assert_int_equal(count(&f, "LST-12", "version", REJ), 1);
	assert_int_equal(count(&f, "LST-14", "privacy_url", REJ), 1);
	assert_int_equal(count(&f, "LST-14", "terms_url", REJ), 1);
	assert_int_equal(count(&f, "LST-15", "company_name", REJ), 1);
	assert_int_equal(count(&f, "LST-16", "website", REJ), 1);
	assert_int_equal(count(&f, "LST-17", "support_phone", REJ), 1);
	assert_int_equal(f.n, 14);
	/* NULL ctx: term rules skipped, the rest still run */
	struct kf_findings g = { .n = 0 };
	kf_listing_check_text(&l, NULL, &g);
	assert_int_equal(count(&g, "LST-19", "name", REJ), 0);
	assert_int_equal(count(&g, "LST-1", "name", REJ), 1);
}

static void test_findings_cap_and_utf8_truncation(void **state)
{
	(void)state;
	static const char *kw[200];
	for (size_t i = 0; i < N_OF(kw); i++)
		kw[i] = "";
	static struct kf_findings f;
	kf_listing_check_keywords(kw, N_OF(kw), &ctx, &f);
	assert_int_equal(f.n, KF_FINDINGS_MAX);
	assert_int_equal(f.dropped, 200 + 1 - KF_FINDINGS_MAX); /* one per keyword, one for the count */
	char buf[512];
	struct kf_findings g = { .n = 0 };
	for (int shift = 0; shift < 3; shift++) {
		rep(buf, "日", 100);
		kf_findings_add(&g, "LST-9", "description", REJ, "%.*s%s", shift, "ab", buf);
		size_t len = strlen(g.v[g.n - 1].message);
		assert_true(len < 200 && len >= 196);
		assert_true(kf_validate_utf8(g.v[g.n - 1].message, len));
	}
}

static void test_banned_terms_variants_LST_19(void **state)
{
	(void)state;
	static const char *const bad[] = { "赌 博", "赌\u3000博", "赌-博", "赌\u200b博", "ＸＸ赌博ＸＸ" };
	for (size_t i = 0; i < N_OF(bad); i++) {
		struct kf_listing_text l = good();
		l.description = bad[i];
		struct kf_findings f = check(&l);
		assert_int_equal(count(&f, "LST-19", "description", REJ), 1);
	}
	struct kf_listing_text l = good();
	l.description = "赌一把博物馆"; /* 赌 … 博 with a word between: no match */
	struct kf_findings f = check(&l);
	assert_int_equal(count(&f, "LST-19", "description", REJ), 0);
}

static void test_hot_words_full_width_LST_4(void **state)
{
	(void)state;
	static const char *const bad[] = { "ＨＯＴ", "Ｈｏｔ", "H O T", "h.o.t" };
	for (size_t i = 0; i < N_OF(bad); i++) {
		static const char *kw[1];
		kw[0] = bad[i];
		struct kf_listing_text l = good();
		l.keywords = kw;
		l.n_keywords = 1;
		struct kf_findings f = check(&l);
		assert_int_equal(count(&f, "LST-4", "keywords", REJ), 1);
	}
	static const char *const ok[] = { "hoe", "shot" /* contains hot: substring */ };
	static const char *kw[1];
	kw[0] = ok[0];
	struct kf_listing_text l = good();
	l.keywords = kw;
	l.n_keywords = 1;
	struct kf_findings f = check(&l);
	assert_int_equal(count(&f, "LST-4", "keywords", REJ), 0);
	kw[0] = ok[1]; /* terms match as substrings (core/terms.h): keep them specific */
	f = check(&l);
	assert_int_equal(count(&f, "LST-4", "keywords", REJ), 1);
}

static void test_url_opened_LST_14(void **state)
{
	(void)state;
	struct kf_findings f = { .n = 0 };
	struct kf_listing_url_result ok = { .checked = true, .status = 200, .redirects = 0 };
	kf_listing_check_url_result("privacy_url", "https://example.com/p", &ok, &f);
	ok.redirects = 5; /* exactly the limit */
	kf_listing_check_url_result("terms_url", "https://example.com/t", &ok, &f);
	assert_int_equal(f.n, 0);
	assert_true(kf_listing_url_opened(&ok));

	struct kf_listing_url_result r = ok;
	r.redirects = 6; /* just over */
	kf_listing_check_url_result("privacy_url", "https://example.com/p", &r, &f);
	assert_int_equal(count(&f, "LST-14", "privacy_url", REJ), 1);
	assert_non_null(strstr(f.v[f.n - 1].message, "more than 5 redirects"));
	r = ok;
	r.status = 404;
	kf_listing_check_url_result("terms_url", "https://example.com/t", &r, &f);
	assert_int_equal(count(&f, "LST-14", "terms_url", REJ), 1);
	assert_non_null(strstr(f.v[f.n - 1].message, "HTTP 404"));
	r = ok;
	r.status = 0;
	r.error = "no answer within 5000 ms";
	kf_listing_check_url_result("privacy_url", "https://example.com/p", &r, &f);
	assert_int_equal(count(&f, "LST-14", "privacy_url", REJ), 2);
	r = (struct kf_listing_url_result){ .checked = false };
	kf_listing_check_url_result("terms_url", "https://例子.com/t", &r, &f);
	assert_int_equal(count(&f, "LST-14", "terms_url", REJ), 2);
	assert_non_null(strstr(f.v[f.n - 1].message, "not been opened"));
	kf_listing_check_url_result("terms_url", NULL, NULL, &f);
	assert_int_equal(count(&f, "LST-14", "terms_url", REJ), 3);
	/* a 200 with an error (body cut off, …) did not open */
	r = ok;
	r.error = "network error";
	assert_false(kf_listing_url_opened(&r));
}

static void test_website_opened_LST_16(void **state)
{
	(void)state;
	struct kf_findings f = { .n = 0 };
	struct kf_listing_url_result r = { .checked = true, .status = 200, .redirects = 2 };
	kf_listing_check_url_result("website", "https://www.example.com", &r, &f);
	assert_int_equal(f.n, 0);
	r.status = 503;
	kf_listing_check_url_result("website", "https://www.example.com", &r, &f);
	assert_int_equal(count(&f, "LST-16", "website", REJ), 1);
	r.status = 301; /* a redirect that was not followed further is not an answer */
	kf_listing_check_url_result("website", "https://www.example.com", &r, &f);
	assert_int_equal(count(&f, "LST-16", "website", REJ), 2);
	/* a long error text is cut without breaking UTF-8 */
	char err[400];
	rep(err, "错", 120);
	r.error = err;
	kf_listing_check_url_result("website", "https://www.example.com", &r, &f);
	assert_int_equal(count(&f, "LST-16", "website", REJ), 3);
}

static void test_url_result_freshness_LST_14(void **state)
{
	(void)state;
	const int64_t now = 1700000000;
	assert_true(kf_listing_url_result_fresh(now - 3599, now));
	assert_false(kf_listing_url_result_fresh(now - 3600, now)); /* exactly an hour: stale */
	assert_true(kf_listing_url_result_fresh(now, now));
	assert_false(kf_listing_url_result_fresh(0, now));
	assert_false(kf_listing_url_result_fresh(now + 10, now)); /* from the future */
}

static void test_qualifications_REV_6(void **state)
{
	(void)state;
	struct kf_findings f = { .n = 0 };
	struct kf_qualification q[4] = {
		{ "financial_licence", KF_QUALIFICATION_ACCEPTED, NULL },
		{ "payment_licence", KF_QUALIFICATION_PENDING, NULL },
	};
	kf_listing_check_qualifications("finance", q, 1, &f); /* accepted: passes */
	assert_int_equal(f.n, 0);
	kf_listing_check_qualifications("finance", NULL, 0, &f); /* nothing required */
	assert_int_equal(f.n, 0);
	/* uploaded but not accepted yet: still blocks the release */
	kf_listing_check_qualifications("finance", q, 2, &f);
	assert_int_equal(count(&f, "REV-6", "qualifications", REJ), 1);
	assert_non_null(strstr(f.v[0].message, "payment_licence"));
	f.n = 0;
	q[2] = (struct kf_qualification){ "icp_licence", KF_QUALIFICATION_MISSING, NULL };
	q[3] = (struct kf_qualification){ "news_licence", KF_QUALIFICATION_REJECTED, "扫描件不清晰" };
	kf_listing_check_qualifications("finance", q, 4, &f);
	assert_int_equal(count(&f, "REV-6", "qualifications", REJ), 3);
	assert_non_null(strstr(f.v[1].message, "icp_licence"));
	assert_non_null(strstr(f.v[2].message, "扫描件不清晰"));

	enum kf_qualification_state st;
	assert_true(kf_qualification_state_parse("pending", &st));
	assert_int_equal(st, KF_QUALIFICATION_PENDING);
	assert_false(kf_qualification_state_parse("approved", &st));
	assert_string_equal(kf_qualification_state_name(KF_QUALIFICATION_REJECTED), "rejected");
	assert_true(kf_listing_doc_key_valid("financial_licence"));
	assert_true(kf_listing_doc_key_valid("a"));
	char key[80];
	assert_true(kf_listing_doc_key_valid(rep(key, "a", 64)));
	assert_false(kf_listing_doc_key_valid(rep(key, "a", 65)));
	static const char *const bad[] = { "", "Financial", "1abc", "a-b", "a b", "_a", "a.b", "证书" };
	for (size_t i = 0; i < N_OF(bad); i++)
		assert_false(kf_listing_doc_key_valid(bad[i]));
	assert_false(kf_listing_doc_key_valid(NULL));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good_listing_has_no_findings),
		cmocka_unit_test(test_cjk_len_LST_1),
		cmocka_unit_test(test_name_too_long_LST_1),
		cmocka_unit_test(test_name_recommended_range_LST_1),
		cmocka_unit_test(test_name_required_LST_1),
		cmocka_unit_test(test_name_special_symbols_LST_2),
		cmocka_unit_test(test_name_generic_LST_3),
		cmocka_unit_test(test_hot_words_LST_4),
		cmocka_unit_test(test_gambling_names_LST_5),
		cmocka_unit_test(test_category_LST_7),
		cmocka_unit_test(test_intro_LST_8),
		cmocka_unit_test(test_description_required_and_length_LST_9_APP_12),
		cmocka_unit_test(test_keywords_count_and_empty_LST_4),
		cmocka_unit_test(test_version_syntax_LST_12),
		cmocka_unit_test(test_version_cmp_LST_12),
		cmocka_unit_test(test_version_greater_than_released_LST_12),
		cmocka_unit_test(test_update_notes_optional_LST_13),
		cmocka_unit_test(test_account_deletion_APP_12),
		cmocka_unit_test(test_urls_LST_14),
		cmocka_unit_test(test_company_name_LST_15),
		cmocka_unit_test(test_website_LST_16),
		cmocka_unit_test(test_privacy_separate_document_LST_20),
		cmocka_unit_test(test_privacy_entity_LST_20),
		cmocka_unit_test(test_support_phone_LST_17),
		cmocka_unit_test(test_superlatives_all_text_LST_18),
		cmocka_unit_test(test_banned_terms_all_text_LST_19),
		cmocka_unit_test(test_protected_marks_APP_11),
		cmocka_unit_test(test_all_findings_at_once),
		cmocka_unit_test(test_findings_cap_and_utf8_truncation),
		cmocka_unit_test(test_banned_terms_variants_LST_19),
		cmocka_unit_test(test_hot_words_full_width_LST_4),
		cmocka_unit_test(test_url_opened_LST_14),
		cmocka_unit_test(test_website_opened_LST_16),
		cmocka_unit_test(test_url_result_freshness_LST_14),
		cmocka_unit_test(test_qualifications_REV_6),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
