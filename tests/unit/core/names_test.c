/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Unit tests for src/core/names.c: legal-name canonicalisation and
 * comparison for ONB-6.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/names.h"

/* ＡＢＣ科技有限公司 (full-width Latin letters) */
#define FW_ABC_CO "\xef\xbc\xa1\xef\xbc\xa2\xef\xbc\xa3" "\xe7\xa7\x91\xe6\x8a\x80\xe6\x9c\x89\xe9\x99\x90\xe5\x85\xac\xe5\x8f\xb8"
/* ABC科技有限公司 */
#define HW_ABC_CO "ABC" "\xe7\xa7\x91\xe6\x8a\x80\xe6\x9c\x89\xe9\x99\x90\xe5\x85\xac\xe5\x8f\xb8"
/* 科技有限公司 */
#define KEJI "\xe7\xa7\x91\xe6\x8a\x80\xe6\x9c\x89\xe9\x99\x90\xe5\x85\xac\xe5\x8f\xb8"
#define IDEO_SPACE "\xe3\x80\x80" /* U+3000 */
#define NBSP "\xc2\xa0"           /* U+00A0 */
#define FW_LPAREN "\xef\xbc\x88"  /* （ */
#define FW_RPAREN "\xef\xbc\x89"  /* ） */
#define SHANGHAI "\xe4\xb8\x8a\xe6\xb5\xb7" /* 上海 */
#define BEIJING "\xe5\x8c\x97\xe4\xba\xac"  /* 北京 */

static void expect_normal(const char *in, const char *want)
{
	char *got = kf_name_normalize(in);
	assert_non_null(got);
	assert_string_equal(got, want);
	free(got);
}

static void test_normalize_full_width_letters_ONB_6(void **state)
{
	(void)state;
	expect_normal(FW_ABC_CO, HW_ABC_CO);
	expect_normal("\xef\xbc\x91\xef\xbc\x92\xef\xbc\x93", "123"); /* １２３ */
}

static void test_normalize_whitespace_ONB_6(void **state)
{
	(void)state;
	expect_normal("  ABC   Ltd  ", "ABC Ltd");
	expect_normal("\tABC\r\n Ltd\n", "ABC Ltd");
	expect_normal(IDEO_SPACE HW_ABC_CO IDEO_SPACE IDEO_SPACE, HW_ABC_CO);
	expect_normal("ABC" IDEO_SPACE NBSP " " KEJI, "ABC " KEJI);
	expect_normal("A\xe2\x80\xa8" "B", "A B"); /* U+2028 line separator */
	expect_normal("A\xe1\x9a\x80" "B", "A B"); /* U+1680 ogham space (not NFKC-mapped) */
	expect_normal("   ", "");
	expect_normal("", "");
}

static void test_normalize_composes_ONB_6(void **state)
{
	(void)state;
	/* "e" + combining acute composes to U+00E9. */
	expect_normal("Caf" "e\xcc\x81", "Caf\xc3\xa9");
	/* U+FB01 ligature fi decomposes under compatibility mapping. */
	expect_normal("\xef\xac\x81" "nance", "finance");
}

static void test_normalize_invalid_utf8_ONB_6(void **state)
{
	(void)state;
	assert_null(kf_name_normalize(NULL));
	assert_null(kf_name_normalize("ABC\xff"));
	assert_null(kf_name_normalize("\xc0\xaf"));
	assert_null(kf_name_normalize("\xed\xa0\x80"));
}

static void test_full_width_equals_half_width_ONB_6(void **state)
{
	(void)state;
	assert_true(kf_name_equal(FW_ABC_CO, HW_ABC_CO));
}

static void test_full_width_parentheses_ONB_6(void **state)
{
	(void)state;
	assert_true(kf_name_equal(SHANGHAI "ABC" FW_LPAREN BEIJING FW_RPAREN KEJI,
				  SHANGHAI "ABC(" BEIJING ")" KEJI));
}

static void test_trailing_spaces_ONB_6(void **state)
{
	(void)state;
	assert_true(kf_name_equal(HW_ABC_CO "   ", HW_ABC_CO));
	assert_true(kf_name_equal(HW_ABC_CO IDEO_SPACE, HW_ABC_CO));
	assert_true(kf_name_equal(IDEO_SPACE " " FW_ABC_CO, HW_ABC_CO "\t"));
	assert_true(kf_name_equal("ABC  Holdings", "ABC" IDEO_SPACE "Holdings"));
}

static void test_different_names_not_equal_ONB_6(void **state)
{
	(void)state;
	assert_false(kf_name_equal(HW_ABC_CO, "ABD" KEJI));
	assert_false(kf_name_equal(SHANGHAI HW_ABC_CO, BEIJING HW_ABC_CO));
	/* Case is significant, as on a licence. */
	assert_false(kf_name_equal("ABC Ltd", "abc Ltd"));
	/* Internal white space is collapsed, not removed. */
	assert_false(kf_name_equal("AB C", "ABC"));
}

static void test_invalid_or_blank_never_equal_ONB_6(void **state)
{
	(void)state;
	assert_false(kf_name_equal("ABC\xff", "ABC\xff"));
	assert_false(kf_name_equal("ABC\xff", "ABC"));
	assert_false(kf_name_equal(NULL, NULL));
	assert_false(kf_name_equal(NULL, "ABC"));
	assert_false(kf_name_equal("", ""));
	assert_false(kf_name_equal("  ", IDEO_SPACE));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_normalize_full_width_letters_ONB_6),
		cmocka_unit_test(test_normalize_whitespace_ONB_6),
		cmocka_unit_test(test_normalize_composes_ONB_6),
		cmocka_unit_test(test_normalize_invalid_utf8_ONB_6),
		cmocka_unit_test(test_full_width_equals_half_width_ONB_6),
		cmocka_unit_test(test_full_width_parentheses_ONB_6),
		cmocka_unit_test(test_trailing_spaces_ONB_6),
		cmocka_unit_test(test_different_names_not_equal_ONB_6),
		cmocka_unit_test(test_invalid_or_blank_never_equal_ONB_6),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
