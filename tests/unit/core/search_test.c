/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Unit tests for src/core/search.c: normalisation (NFKC, case folding,
 * spacing), grams, pinyin from the Unihan readings, relevance points.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/search.h"

#define TIANQI_ZHUSHOU "\xe5\xa4\xa9\xe6\xb0\x94\xe5\x8a\xa9\xe6\x89\x8b" /* 天气助手 */
#define TIAN "\xe5\xa4\xa9"                                               /* 天 */
#define TIANQI "\xe5\xa4\xa9\xe6\xb0\x94"                                 /* 天气 */
#define LV "\xe7\xbb\xbf"                                                 /* 绿 */
/* ＷＥＡＴＨＥＲ (full-width) */
#define FW_WEATHER "\xef\xbc\xb7\xef\xbc\xa5\xef\xbc\xa1\xef\xbc\xb4\xef\xbc\xa8\xef\xbc\xa5\xef\xbc\xb2"
#define IDEO_SPACE "\xe3\x80\x80"

static void expect_norm(const char *in, const char *want)
{
	char *got = kf_search_normalize(in);
	assert_non_null(got);
	assert_string_equal(got, want);
	free(got);
}

static void test_normalize_width_case_spacing(void **state)
{
	(void)state;
	expect_norm(FW_WEATHER, "weather");
	expect_norm("Weather", "weather");
	expect_norm("WEATHER", "weather");
	expect_norm("  weather  ", "weather");
	expect_norm("weather" IDEO_SPACE "\t pro", "weather pro");
	expect_norm("Stra\xc3\x9f" "e", "strasse"); /* case folding, not lower-casing */
	expect_norm("\xef\xac\x81" "le", "file");   /* ﬁ ligature: NFKC */
	expect_norm("a\xe2\x80\x8b" "b", "ab");     /* zero-width space (Cf) dropped */
	expect_norm(TIANQI_ZHUSHOU, TIANQI_ZHUSHOU);
	expect_norm("   ", "");
	assert_null(kf_search_normalize("\xff"));
}

static void test_len(void **state)
{
	(void)state;
	assert_int_equal(kf_search_len(TIANQI_ZHUSHOU), 4);
	assert_int_equal(kf_search_len("abc"), 3);
	assert_int_equal(kf_search_len(""), 0);
}

static void test_pinyin_from_unihan(void **state)
{
	(void)state;
	assert_string_equal(kf_pinyin_of(0x5929), "tian");
	assert_string_equal(kf_pinyin_of(0x6C14), "qi");
	assert_string_equal(kf_pinyin_of(0x7EFF), "lv"); /* lǜ: ü typed as v */
	assert_null(kf_pinyin_of('a'));
	assert_true(kf_pinyin_nchars > 40000); /* the whole kMandarin field, not a hand-made list */
	char *full, *ini;
	assert_true(kf_search_pinyin(TIANQI_ZHUSHOU, &full, &ini));
	assert_string_equal(full, "tianqizhushou");
	assert_string_equal(ini, "tqzs");
	free(full);
	free(ini);
	assert_true(kf_search_pinyin(TIANQI " pro", &full, &ini));
	assert_string_equal(full, "tianqipro");
	assert_string_equal(ini, "tqpro");
	free(full);
	free(ini);
	assert_false(kf_search_pinyin("weather", &full, &ini));
	assert_null(full);
	assert_null(ini);
}

static bool has_gram(const struct kf_search_gram *g, size_t n, const char *s, int *score)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(g[i].gram, s)) {
			*score = g[i].score;
			return true;
		}
	return false;
}

static void test_grams_of_a_listing(void **state)
{
	(void)state;
	struct kf_search_doc d = {TIANQI_ZHUSHOU, "tianqizhushou", "tqzs", "forecast" KF_SEARCH_SEP "rain", "hourly", "acme"};
	struct kf_search_gram *g;
	size_t n;
	assert_true(kf_search_grams(&d, &g, &n));
	int score = 0;
	/* 1-, 2- and 3-character grams of the name, name prefix bonus */
	assert_true(has_gram(g, n, TIAN, &score));
	assert_int_equal(score, 500 + KF_SEARCH_PREFIX_BONUS);
	assert_true(has_gram(g, n, TIANQI, &score));
	assert_int_equal(score, 500 + KF_SEARCH_PREFIX_BONUS);
	assert_false(has_gram(g, n, TIANQI_ZHUSHOU, &score)); /* 4 characters: no gram */
	assert_true(has_gram(g, n, "\xe6\xb0\x94\xe5\x8a\xa9", &score));                    /* 气助 */
	assert_int_equal(score, 500);
	/* pinyin and initials */
	assert_true(has_gram(g, n, "tq", &score));
	assert_int_equal(score, 400 + KF_SEARCH_PREFIX_BONUS);
	assert_true(has_gram(g, n, "nqi", &score));
	assert_int_equal(score, 400);
	/* keywords (never across two), introduction, developer */
	assert_true(has_gram(g, n, "cas", &score));
	assert_int_equal(score, 300);
	assert_false(has_gram(g, n, "str", &score)); /* forecast|rain */
	assert_true(has_gram(g, n, "our", &score));
	assert_int_equal(score, 200);
	assert_true(has_gram(g, n, "acm", &score));
	assert_int_equal(score, 100);
	/* distinct */
	for (size_t i = 1; i < n; i++)
		for (size_t j = 0; j < i; j++)
			assert_string_not_equal(g[i].gram, g[j].gram);
	free(g);
}

static void test_match_points(void **state)
{
	(void)state;
	struct kf_search_doc d = {TIANQI_ZHUSHOU, "tianqizhushou", "tqzs", "forecast", "hourly weather", "acme"};
	assert_int_equal(kf_search_match(&d, TIANQI), 532);
	assert_int_equal(kf_search_match(&d, "\xe5\x8a\xa9\xe6\x89\x8b"), 500); /* 助手 */
	assert_int_equal(kf_search_match(&d, "tianqi"), 432);
	assert_int_equal(kf_search_match(&d, "zhushou"), 400);
	assert_int_equal(kf_search_match(&d, "tq"), 432);
	assert_int_equal(kf_search_match(&d, "fore"), 300);
	assert_int_equal(kf_search_match(&d, "weather"), 200);
	assert_int_equal(kf_search_match(&d, "acme"), 100);
	assert_int_equal(kf_search_match(&d, "nothing"), 0);
	assert_int_equal(kf_search_match(&d, ""), 0);
	/* relevance levels stay apart whatever the installs */
	assert_true(kf_search_pop(INT64_MAX) + KF_SEARCH_PREFIX_BONUS < 100);
	assert_int_equal(kf_search_pop(0), 0);
	assert_int_equal(kf_search_pop(1), 1);
	assert_int_equal(kf_search_pop(3), 2);
	assert_int_equal(kf_search_pop(4), 3);
}

static void test_query_grams(void **state)
{
	(void)state;
	struct kf_search_gram *g;
	size_t n;
	assert_true(kf_search_query_grams(TIAN, &g, &n));
	assert_int_equal(n, 1);
	assert_string_equal(g[0].gram, TIAN);
	free(g);
	assert_true(kf_search_query_grams("abcabc", &g, &n));
	/* abc first (the prefix), then bca, cab; abc not twice */
	assert_int_equal(n, 3);
	assert_string_equal(g[0].gram, "abc");
	free(g);
	assert_true(kf_search_query_grams(TIANQI_ZHUSHOU, &g, &n));
	assert_int_equal(n, 2);
	assert_string_equal(g[0].gram, "\xe5\xa4\xa9\xe6\xb0\x94\xe5\x8a\xa9");
	free(g);
	(void)LV;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_normalize_width_case_spacing),
		cmocka_unit_test(test_len),
		cmocka_unit_test(test_pinyin_from_unihan),
		cmocka_unit_test(test_grams_of_a_listing),
		cmocka_unit_test(test_match_points),
		cmocka_unit_test(test_query_grams),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
