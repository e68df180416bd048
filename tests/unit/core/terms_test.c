/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Unit tests for src/core/terms.c: the Aho-Corasick matcher for operator
 * term lists (APP-11, LST-3, LST-4, LST-5, LST-18, LST-19), its
 * normalisation (NFKC, case folding, white space/punctuation/symbols
 * removed) and overlapping terms. Checked against a naive search too.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/terms.h"

#define N_OF(a) (sizeof(a) / sizeof((a)[0]))

static struct kf_terms *build(const char *const *terms, size_t n)
{
	struct kf_terms *t = kf_terms_build(terms, n);
	assert_non_null(t);
	return t;
}

static void expect_match(const struct kf_terms *t, const char *text, const char *want)
{
	const char *m = (const char *)1;
	assert_true(kf_terms_find(t, text, &m));
	assert_non_null(m);
	assert_string_equal(m, want);
}

static void expect_no_match(const struct kf_terms *t, const char *text)
{
	const char *m = (const char *)1;
	assert_false(kf_terms_find(t, text, &m));
	assert_null(m);
}

static void test_skeleton_LST_19(void **state)
{
	(void)state;
	char *s = kf_terms_skeleton("Ｋai-Fang 2！");
	assert_string_equal(s, "kaifang2");
	free(s);
	s = kf_terms_skeleton("赌\u3000博\u200b彩·票");
	assert_string_equal(s, "赌博彩票");
	free(s);
	assert_null(kf_terms_skeleton("bad\xff"));
	assert_null(kf_terms_skeleton(NULL));
}

static void test_full_width_and_case_LST_19(void **state)
{
	(void)state;
	const char *terms[] = { "hot", "赌博", "xiao" };
	struct kf_terms *t = build(terms, N_OF(terms));
	expect_match(t, "今日ＨＯＴ榜", "hot");
	expect_match(t, "HoT", "hot");
	expect_match(t, "ｈｏｔ", "hot");
	expect_no_match(t, "h0t");
	kf_terms_free(t);
}

static void test_spaced_and_punctuated_LST_19(void **state)
{
	(void)state;
	const char *terms[] = { "赌博", "xiao" };
	struct kf_terms *t = build(terms, N_OF(terms));
	expect_match(t, "在线赌 博", "赌博");
	expect_match(t, "赌\u3000博", "赌博");     /* ideographic space */
	expect_match(t, "赌-博", "赌博");
	expect_match(t, "赌\u200b博", "赌博");    /* zero-width space (Cf) */
	expect_match(t, "赌（博）", "赌博");
	expect_match(t, "x-i-a-o", "xiao");
	expect_match(t, "X.I.A.O!", "xiao");
	expect_no_match(t, "赌一博");             /* a letter in between is kept */
	expect_no_match(t, "xiaa");
	kf_terms_free(t);
}

static void test_protected_mark_spaced_APP_11(void **state)
{
	(void)state;
	const char *terms[] = { "kaifang" };
	struct kf_terms *t = build(terms, N_OF(terms));
	expect_match(t, "Kai Fang Calendar", "kaifang");
	expect_match(t, "ＫＡＩＦＡＮＧ助手", "kaifang");
	expect_match(t, "k_a_i_f_a_n_g", "kaifang");
	expect_no_match(t, "Kai Feng");
	kf_terms_free(t);
}

static void test_overlapping_terms_LST_19(void **state)
{
	(void)state;
	const char *terms[] = { "he", "she", "his", "hers" };
	struct kf_terms *t = build(terms, N_OF(terms));
	/* "she" and "he" end at the same place: the longer one is reported. */
	expect_match(t, "ushers", "she");
	expect_match(t, "ahishers", "his");
	expect_match(t, "xhex", "he");
	expect_no_match(t, "hxsxr");
	kf_terms_free(t);

	const char *nested[] = { "六合彩", "六合", "合彩票" };
	t = build(nested, N_OF(nested));
	expect_match(t, "买六合彩票", "六合"); /* ends first */
	expect_match(t, "合彩票", "合彩票");
	kf_terms_free(t);

	/* Needs a failure link: "abc" fails over to "bc" before "d". */
	const char *fail[] = { "abcx", "bcd" };
	t = build(fail, N_OF(fail));
	expect_match(t, "zabcd", "bcd");
	expect_match(t, "abcabcx", "abcx");
	kf_terms_free(t);

	/* A term inside a longer one is found through the output links. */
	const char *inner[] = { "abcde", "c" };
	t = build(inner, N_OF(inner));
	expect_match(t, "abcde", "c");
	kf_terms_free(t);
}

static void test_duplicates_and_empty_terms_LST_19(void **state)
{
	(void)state;
	const char *terms[] = { "HOT", "hot", "ｈ-ｏ-ｔ", "---", "", NULL, "bad\xff", "赌博" };
	struct kf_terms *t = build(terms, N_OF(terms));
	assert_int_equal(kf_terms_count(t), 2);
	expect_match(t, "hot", "HOT"); /* first of the same skeleton kept */
	kf_terms_free(t);

	t = build(NULL, 0);
	assert_int_equal(kf_terms_count(t), 0);
	expect_no_match(t, "anything");
	kf_terms_free(t);
	kf_terms_free(NULL);
	assert_int_equal(kf_terms_count(NULL), 0);
}

static void test_null_and_invalid_text_LST_19(void **state)
{
	(void)state;
	const char *terms[] = { "hot" };
	struct kf_terms *t = build(terms, N_OF(terms));
	expect_no_match(t, NULL);
	expect_no_match(t, "hot\xff");
	expect_no_match(t, "");
	assert_false(kf_terms_find(NULL, "hot", NULL));
	assert_true(kf_terms_find(t, "hot", NULL));
	kf_terms_free(t);
}

static void test_exact_generic_names_LST_3(void **state)
{
	(void)state;
	const char *terms[] = { "电话", "邮件", "日历", "mail" };
	struct kf_terms *t = build(terms, N_OF(terms));
	const char *m = NULL;
	assert_true(kf_terms_find_exact(t, "电话", &m));
	assert_string_equal(m, "电话");
	assert_true(kf_terms_find_exact(t, "电 话", &m));
	assert_true(kf_terms_find_exact(t, "ＭＡＩＬ", &m));
	assert_string_equal(m, "mail");
	assert_false(kf_terms_find_exact(t, "电话本", &m));
	assert_null(m);
	assert_false(kf_terms_find_exact(t, "电", &m));
	assert_false(kf_terms_find_exact(t, "办公电话", &m));
	assert_false(kf_terms_find_exact(t, "", &m));
	assert_false(kf_terms_find_exact(t, "--", &m));
	assert_false(kf_terms_find_exact(NULL, "电话", &m));
	kf_terms_free(t);
}

/* Naive reference: some term's skeleton is a substring of text's. */
static bool naive_find(char **sk_terms, size_t n, const char *text)
{
	char *st = kf_terms_skeleton(text);
	bool found = false;
	for (size_t i = 0; st && i < n && !found; i++)
		found = sk_terms[i][0] && strstr(st, sk_terms[i]) != NULL;
	free(st);
	return found;
}

static void test_matches_naive_search_LST_19(void **state)
{
	(void)state;
	static const char *const alpha[] = { "a", "b", "c", "赌", "博", " ", "-", "A" };
	uint32_t seed = 12345;
	char terms_buf[40][32];
	const char *terms[40];
	char *sk[40];

	for (int round = 0; round < 50; round++) {
		size_t n = 1 + round % 40;
		for (size_t i = 0; i < n; i++) {
			terms_buf[i][0] = '\0';
			size_t len = 1 + (seed = seed * 1103515245u + 12345u) % 4;
			for (size_t k = 0; k < len; k++)
				strcat(terms_buf[i],
				       alpha[(seed = seed * 1103515245u + 12345u) >> 16 & 7]);
			terms[i] = terms_buf[i];
			sk[i] = kf_terms_skeleton(terms[i]);
		}
		struct kf_terms *t = build(terms, n);
		for (int k = 0; k < 40; k++) {
			char text[200] = "";
			size_t len = (seed = seed * 1103515245u + 12345u) % 12;
			for (size_t j = 0; j < len; j++)
				strcat(text, alpha[(seed = seed * 1103515245u + 12345u) >> 16 & 7]);
			const char *m = NULL;
			bool got = kf_terms_find(t, text, &m);
			assert_int_equal(got, naive_find(sk, n, text));
			if (got) { /* the reported term really occurs */
				char *st = kf_terms_skeleton(text);
				char *sm = kf_terms_skeleton(m);
				assert_non_null(strstr(st, sm));
				free(st);
				free(sm);
			}
		}
		kf_terms_free(t);
		for (size_t i = 0; i < n; i++)
			free(sk[i]);
	}
}

static void test_many_terms_LST_19(void **state)
{
	(void)state;
	enum { N = 3000 };
	char (*buf)[16] = calloc(N, sizeof(*buf));
	const char **terms = calloc(N, sizeof(*terms));
	assert_non_null(buf);
	assert_non_null(terms);
	for (int i = 0; i < N; i++) {
		/* distinct CJK pairs: 0x4E00 + i, 0x5000 + i */
		unsigned a = 0x4E00u + (unsigned)i, b = 0x6000u + (unsigned)i;
		char *p = buf[i];
		p[0] = (char)(0xE0 | (a >> 12));
		p[1] = (char)(0x80 | ((a >> 6) & 0x3F));
		p[2] = (char)(0x80 | (a & 0x3F));
		p[3] = (char)(0xE0 | (b >> 12));
		p[4] = (char)(0x80 | ((b >> 6) & 0x3F));
		p[5] = (char)(0x80 | (b & 0x3F));
		p[6] = '\0';
		terms[i] = buf[i];
	}
	struct kf_terms *t = build(terms, N);
	assert_int_equal(kf_terms_count(t), N);
	char text[64];
	strcpy(text, "前缀 ");
	strcat(text, terms[2999]);
	expect_match(t, text, terms[2999]);
	expect_no_match(t, "没有任何词");
	kf_terms_free(t);
	free(buf);
	free(terms);
}

/* The test box (issue 12): every occurrence with its place in the
 * skeleton, overlapping ones included, the longest first where they end
 * together; the same terms kf_terms_find reports first. */
static void test_find_all_positions_LST_19(void **state)
{
	(void)state;
	const char *terms[] = {"赌博", "博彩", "casino", "sino"};
	struct kf_terms *t = build(terms, N_OF(terms));
	struct kf_terms_match m[8];
	char *sk = NULL;
	size_t n = kf_terms_find_all(t, "ＣＡＳＩＮＯ, 赌 博彩!", false, m, 8, &sk);
	assert_string_equal(sk, "casino赌博彩");
	assert_int_equal(n, 4);
	assert_string_equal(m[0].term, "casino");
	assert_int_equal(m[0].start, 0);
	assert_int_equal(m[0].end, 6);
	assert_string_equal(m[1].term, "sino");
	assert_int_equal(m[1].start, 2);
	assert_int_equal(m[1].end, 6);
	assert_string_equal(m[2].term, "赌博");
	assert_int_equal(m[2].start, 6);
	assert_int_equal(m[2].end, 8);
	assert_string_equal(m[3].term, "博彩");
	assert_int_equal(m[3].start, 7);
	assert_int_equal(m[3].end, 9);
	free(sk);
	/* max caps what is written, not the count */
	assert_int_equal(kf_terms_find_all(t, "casino casino", false, m, 1, NULL), 4);
	assert_string_equal(m[0].term, "casino");
	/* nothing, invalid text, no matcher */
	assert_int_equal(kf_terms_find_all(t, "weather", false, m, 8, &sk), 0);
	assert_string_equal(sk, "weather");
	free(sk);
	assert_int_equal(kf_terms_find_all(t, "\xff", false, m, 8, &sk), 0);
	assert_null(sk);
	assert_int_equal(kf_terms_find_all(NULL, "casino", false, m, 8, &sk), 0);
	assert_string_equal(sk, "casino");
	free(sk);
	kf_terms_free(t);
}

/* LST-3: the whole text, or nothing. */
static void test_find_all_exact_LST_3(void **state)
{
	(void)state;
	const char *terms[] = {"日历", "邮件"};
	struct kf_terms *t = build(terms, N_OF(terms));
	struct kf_terms_match m[2];
	assert_int_equal(kf_terms_find_all(t, "团队日历", true, m, 2, NULL), 0);
	assert_int_equal(kf_terms_find_all(t, " 日 历 ", true, m, 2, NULL), 1);
	assert_string_equal(m[0].term, "日历");
	assert_int_equal(m[0].start, 0);
	assert_int_equal(m[0].end, 2);
	kf_terms_free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_skeleton_LST_19),
		cmocka_unit_test(test_full_width_and_case_LST_19),
		cmocka_unit_test(test_spaced_and_punctuated_LST_19),
		cmocka_unit_test(test_protected_mark_spaced_APP_11),
		cmocka_unit_test(test_overlapping_terms_LST_19),
		cmocka_unit_test(test_duplicates_and_empty_terms_LST_19),
		cmocka_unit_test(test_null_and_invalid_text_LST_19),
		cmocka_unit_test(test_exact_generic_names_LST_3),
		cmocka_unit_test(test_matches_naive_search_LST_19),
		cmocka_unit_test(test_many_terms_LST_19),
		cmocka_unit_test(test_find_all_positions_LST_19),
		cmocka_unit_test(test_find_all_exact_LST_3),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
