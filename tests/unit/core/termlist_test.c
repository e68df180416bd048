/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Unit tests for src/core/termlist.c: the term list catalog and what a
 * valid term is (APP-11, LST-3, LST-4, LST-5, LST-18, LST-19), and that a
 * set of built lists drives the listing checks.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/listing.h"
#include "core/termlist.h"
#include "core/terms.h"

static void test_catalog_names_and_rules(void **state)
{
	(void)state;
	static const char *const names[] = { "protected_marks", "generic_names", "hot_words",
					     "gambling_names", "superlatives", "banned_terms" };
	static const char *const rules[] = { "APP-11", "LST-3", "LST-4", "LST-5", "LST-18", "LST-19" };
	for (int i = 0; i < KF_TERMLIST_COUNT; i++) {
		enum kf_termlist l;
		assert_true(kf_termlist_parse(names[i], &l));
		assert_int_equal(l, i);
		assert_string_equal(kf_termlist_name(l), names[i]);
		assert_string_equal(kf_termlist_rule(l), rules[i]);
	}
	enum kf_termlist l;
	assert_false(kf_termlist_parse("Hot_Words", &l));
	assert_false(kf_termlist_parse("", &l));
	assert_false(kf_termlist_parse(NULL, &l));
	assert_string_equal(kf_termlist_name(KF_TERMLIST_COUNT), "");
}

static enum kf_err term(enum kf_termlist l, const char *s, struct kf_error *err)
{
	return kf_termlist_check_term(l, s, s ? strlen(s) : 0, err);
}

static void test_term_validity_LST_4(void **state)
{
	(void)state;
	struct kf_error err;
	char buf[512];
	assert_int_equal(term(KF_TERMLIST_HOT_WORDS, "ＨＯＴ", &err), KF_OK);
	assert_int_equal(term(KF_TERMLIST_HOT_WORDS, "免费领取", &err), KF_OK);
	/* 64 characters at most, counted in code points */
	buf[0] = '\0';
	for (int i = 0; i < 64; i++)
		strcat(buf, "热");
	assert_int_equal(term(KF_TERMLIST_HOT_WORDS, buf, &err), KF_OK);
	strcat(buf, "热");
	assert_int_equal(term(KF_TERMLIST_HOT_WORDS, buf, &err), KF_EINVAL);
	assert_string_equal(err.name, "invalid_term");
	assert_string_equal(err.rule, "LST-4");
	assert_string_equal(err.field, "terms");
	/* empty, blank, punctuation only, invalid UTF-8, embedded NUL */
	assert_int_equal(term(KF_TERMLIST_HOT_WORDS, "", &err), KF_EINVAL);
	assert_int_equal(term(KF_TERMLIST_HOT_WORDS, NULL, &err), KF_EINVAL);
	assert_int_equal(term(KF_TERMLIST_HOT_WORDS, " \u3000 ", &err), KF_EINVAL);
	assert_int_equal(term(KF_TERMLIST_HOT_WORDS, "-・!", &err), KF_EINVAL);
	assert_int_equal(term(KF_TERMLIST_HOT_WORDS, "h\xffot", &err), KF_EINVAL);
	assert_int_equal(kf_termlist_check_term(KF_TERMLIST_HOT_WORDS, "a\0b", 3, &err), KF_EINVAL);
}

static void test_term_error_names_rule_APP_11_LST_19(void **state)
{
	(void)state;
	struct kf_error err;
	assert_int_equal(term(KF_TERMLIST_PROTECTED_MARKS, "", &err), KF_EINVAL);
	assert_string_equal(err.rule, "APP-11");
	assert_int_equal(term(KF_TERMLIST_BANNED_TERMS, "  ", &err), KF_EINVAL);
	assert_string_equal(err.rule, "LST-19");
}

static void test_lists_drive_listing_checks_LST_3_LST_5_LST_18(void **state)
{
	(void)state;
	static const char *const generic[] = { "电话" }, *const gambling[] = { "六合" },
				 *const superl[] = { "第一" };
	struct kf_terms *lists[KF_TERMLIST_COUNT] = { 0 };
	lists[KF_TERMLIST_GENERIC_NAMES] = kf_terms_build(generic, 1);
	lists[KF_TERMLIST_GAMBLING_NAMES] = kf_terms_build(gambling, 1);
	lists[KF_TERMLIST_SUPERLATIVES] = kf_terms_build(superl, 1);
	struct kf_listing_ctx ctx = { 0 };
	kf_termlist_listing_ctx(lists, &ctx);
	assert_null(ctx.hot_words);
	static struct kf_findings f;
	kf_listing_check_name("电话", &ctx, &f);
	kf_listing_check_name("六合第一", &ctx, &f);
	kf_listing_check_name("天气", &ctx, &f);
	size_t lst3 = 0, lst5 = 0, lst18 = 0;
	for (size_t i = 0; i < f.n; i++) {
		lst3 += !strcmp(f.v[i].rule, "LST-3");
		lst5 += !strcmp(f.v[i].rule, "LST-5");
		lst18 += !strcmp(f.v[i].rule, "LST-18");
	}
	assert_int_equal(lst3, 1);
	assert_int_equal(lst5, 1);
	assert_int_equal(lst18, 1);
	for (int i = 0; i < KF_TERMLIST_COUNT; i++)
		kf_terms_free(lists[i]);
}

/* `kaifang terms load`'s file reader: comments and blank lines skipped,
 * CRLF taken, the first bad line named. */
static void test_split_file_lines_LST_4(void **state)
{
	(void)state;
	char text[] = "# hot words\r\n热门\r\n\n  # indented is a term\nlast";
	const char **terms = NULL;
	size_t n = 0;
	int line = -1;
	struct kf_error err = {0};
	assert_int_equal(kf_termlist_split(KF_TERMLIST_HOT_WORDS, text, strlen(text), &terms, &n, &line, &err), KF_OK);
	assert_int_equal(n, 3);
	assert_string_equal(terms[0], "热门");
	assert_string_equal(terms[1], "  # indented is a term");
	assert_string_equal(terms[2], "last");
	assert_int_equal(line, 0);
	free(terms);

	char bad[] = "ok\n!!!\nnever";
	assert_int_equal(kf_termlist_split(KF_TERMLIST_HOT_WORDS, bad, strlen(bad), &terms, &n, &line, &err), KF_EINVAL);
	assert_null(terms);
	assert_int_equal(n, 0);
	assert_int_equal(line, 2);
	assert_string_equal(err.rule, "LST-4");

	char nul[] = "a\0b\n";
	assert_int_equal(kf_termlist_split(KF_TERMLIST_HOT_WORDS, nul, 4, &terms, &n, &line, &err), KF_EINVAL);
	assert_int_equal(line, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_catalog_names_and_rules),
		cmocka_unit_test(test_term_validity_LST_4),
		cmocka_unit_test(test_term_error_names_rule_APP_11_LST_19),
		cmocka_unit_test(test_lists_drive_listing_checks_LST_3_LST_5_LST_18),
		cmocka_unit_test(test_split_file_lines_LST_4),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
