/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Unit tests for src/web/page.c, the console's page parts: a field shows
 * its error and rule id next to it and is tied to them for screen readers,
 * keeps what was typed but never a password, escapes hostile values; state
 * badges carry words in both languages; times are absolute in the
 * platform's zone plus relative; the header links the other language.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "core/review.h"
#include "util/mem.h"
#include "web/page.h"

static const char *render_field(struct kf_arena *a, enum kf_lang lang, const struct kf_page_field *f)
{
	struct kf_html h;
	kf_html_init(&h, a);
	kf_page_field(&h, lang, f);
	return kf_html_finish(&h, NULL);
}

static void test_field_error_next_to_field_with_rule(void **state)
{
	(void)state;
	struct kf_arena *a = kf_arena_new();
	struct kf_page_field f = {.name = "name", .label = "应用名称", .value = "天气<助手>", .required = true,
				  .error = "名称过长", .rule = "LST-1", .hint = "最多 30 个字符"};
	const char *html = render_field(a, KF_LANG_ZH, &f);
	assert_non_null(strstr(html, "<div class=\"field bad\">"));
	assert_non_null(strstr(html, "aria-invalid=\"true\""));
	assert_non_null(strstr(html, "aria-describedby=\"f-name-err f-name-hint\""));
	assert_non_null(strstr(html, "id=\"f-name-err\">名称过长 <a class=\"mono rule\" href=\"/console/rules/LST-1\">LST-1</a>"));
	assert_non_null(strstr(html, "value=\"天气&lt;助手&gt;\""));
	assert_non_null(strstr(html, "（必填）"));
	assert_null(strstr(html, "天气<助手>"));
	kf_arena_free(a);
}

static void test_password_never_echoed(void **state)
{
	(void)state;
	struct kf_arena *a = kf_arena_new();
	struct kf_page_field f = {.name = "password", .label = "Password", .type = "password", .value = "secret-typed"};
	const char *html = render_field(a, KF_LANG_EN, &f);
	assert_null(strstr(html, "secret-typed"));
	assert_non_null(strstr(html, "type=\"password\""));
	kf_arena_free(a);
}

static void test_select_marks_current_value(void **state)
{
	(void)state;
	struct kf_arena *a = kf_arena_new();
	const struct kf_page_option opts[] = {{"zh", "中文"}, {"en", "English"}};
	struct kf_page_field f = {.name = "language", .label = "Language", .type = "select", .value = "en",
				  .options = opts, .n_options = 2};
	const char *html = render_field(a, KF_LANG_EN, &f);
	assert_non_null(strstr(html, "<option value=\"en\" selected>English</option>"));
	assert_non_null(strstr(html, "<option value=\"zh\">中文</option>"));
	kf_arena_free(a);
}

static void test_badges_carry_words_in_both_languages(void **state)
{
	(void)state;
	assert_string_equal(kf_page_state_word(KF_LANG_ZH, "rejected"), "已驳回");
	assert_string_equal(kf_page_state_word(KF_LANG_EN, "rejected"), "Rejected");
	assert_string_equal(kf_page_state_word(KF_LANG_ZH, "not_recommended"), "不推荐");
	assert_string_equal(kf_page_state_word(KF_LANG_ZH, "delisted"), "已下架");
	assert_null(kf_page_state_word(KF_LANG_EN, "no_such_state"));
	struct kf_arena *a = kf_arena_new();
	struct kf_html h;
	kf_html_init(&h, a);
	kf_page_badge(&h, KF_LANG_ZH, "in_review");
	kf_page_badge(&h, KF_LANG_EN, "<b>odd</b>");
	const char *html = kf_html_finish(&h, NULL);
	assert_non_null(strstr(html, "<span class=\"badge wait\">审核中</span>"));
	assert_non_null(strstr(html, "&lt;b&gt;odd&lt;/b&gt;"));
	kf_arena_free(a);
}

static void test_time_absolute_in_zone_and_relative(void **state)
{
	(void)state;
	struct kf_arena *a = kf_arena_new();
	struct kf_html h;
	kf_html_init(&h, a);
	/* 2026-12-06 00:00:00 UTC shown in UTC+8, two days before now */
	kf_page_time(&h, KF_LANG_ZH, 1796515200, 1796515200 + 2 * 86400 + 5, 8 * 3600);
	kf_page_time(&h, KF_LANG_EN, 1796515200 + 3 * 3600, 1796515200, 0);
	kf_page_time(&h, KF_LANG_EN, 0, 1, 0);
	const char *html = kf_html_finish(&h, NULL);
	assert_non_null(strstr(html, "datetime=\"2026-12-06T00:00:00Z\">2026-12-06 08:00 UTC+8</time>"));
	assert_non_null(strstr(html, "(2 天前)"));
	assert_non_null(strstr(html, "(in 3 hours)"));
	assert_non_null(strstr(html, "—"));
	kf_arena_free(a);
}

static void test_header_links_other_language_and_marks_current(void **state)
{
	(void)state;
	struct kf_arena *a = kf_arena_new();
	struct kf_html h;
	kf_html_init(&h, a);
	const struct kf_page_link nav[] = {{"/console/", "首页", false}, {"/console/apps", "应用", true}};
	struct kf_page_head v = {.lang = KF_LANG_ZH, .title = "应用", .platform = "开放平台", .user_name = "李雷",
				 .unread = 3, .lang_href = "/console/lang?to=en&next=/console/apps", .csrf = "t",
				 .nav = nav, .n_nav = 2};
	kf_page_open(&h, &v);
	kf_page_close(&h, KF_LANG_ZH);
	const char *html = kf_html_finish(&h, NULL);
	assert_non_null(strstr(html, "<html lang=\"zh-CN\">"));
	assert_non_null(strstr(html, "lang=\"en\">English</a>"));
	assert_non_null(strstr(html, "<a href=\"/console/apps\" aria-current=\"page\">应用</a>"));
	assert_non_null(strstr(html, "<main id=\"main\">"));
	assert_non_null(strstr(html, ">3</span>"));
	assert_null(strstr(html, "<script>"));
	assert_null(strstr(html, "style=\""));
	kf_arena_free(a);
}

/* Every review kind the core knows (REV-1) has its words, in the desk's
 * order, and the queue, one review and a provider's record use this one
 * table. */
static void test_review_kinds_named_in_both_languages(void **state)
{
	(void)state;
	assert_int_equal(KF_PAGE_REVIEW_KINDS, KF_REVIEW_KIND_COUNT);
	for (int k = 0; k < KF_REVIEW_KIND_COUNT; k++) {
		const char *name = kf_review_kind_name((enum kf_review_kind)k);
		bool listed = false;
		for (size_t i = 0; kf_page_review_kind_at(i); i++)
			listed |= !strcmp(kf_page_review_kind_at(i), name);
		assert_true(listed);
		assert_string_not_equal(kf_page_review_kind(KF_LANG_EN, name), name);
		assert_string_not_equal(kf_page_review_kind(KF_LANG_ZH, name), name);
	}
	assert_string_equal(kf_page_review_kind(KF_LANG_ZH, "release"), "全网发布审核");
	assert_string_equal(kf_page_review_kind(KF_LANG_EN, "unknown_kind"), "unknown_kind");
	assert_null(kf_page_review_kind_at(KF_PAGE_REVIEW_KINDS));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_field_error_next_to_field_with_rule),
		cmocka_unit_test(test_password_never_echoed),
		cmocka_unit_test(test_select_marks_current_value),
		cmocka_unit_test(test_badges_carry_words_in_both_languages),
		cmocka_unit_test(test_time_absolute_in_zone_and_relative),
		cmocka_unit_test(test_header_links_other_language_and_marks_current),
		cmocka_unit_test(test_review_kinds_named_in_both_languages),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
