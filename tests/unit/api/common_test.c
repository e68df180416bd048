/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests for the pagination parsers of api/common.c. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "api/common.h"

static void test_cursor_round_trip(void **state)
{
	(void)state;
	char buf[KF_API_CURSOR_SIZE];
	struct kf_page_key k;
	assert_true(kf_api_cursor_format(1750000000, 42, buf, sizeof(buf)));
	assert_string_equal(buf, "1750000000.42");
	assert_true(kf_api_cursor_parse(buf, &k));
	assert_true(k.set);
	assert_int_equal(k.key, 1750000000);
	assert_int_equal(k.id, 42);
	assert_true(kf_api_cursor_parse("999999999999999999.0", &k));
	assert_int_equal(k.key, 999999999999999999LL);
	assert_false(kf_api_cursor_format(INT64_MAX, INT64_MAX, buf, 10));
}

static void test_cursor_refusals(void **state)
{
	(void)state;
	static const char *const bad[] = {"", ".", "5", "5.", ".5", "-1.2", "+1.2", " 1.2", "1.2.3",
					  "1000000000000000000.1", "1.0x1", NULL};
	struct kf_page_key k;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		k.set = true;
		k.key = k.id = 7;
		assert_false(kf_api_cursor_parse(bad[i], &k));
		assert_false(k.set);
		assert_int_equal(k.key, 0);
	}
	int64_t v = 0;
	assert_true(kf_api_uint_parse("200", &v));
	assert_int_equal(v, 200);
	assert_false(kf_api_uint_parse("2 00", &v));
	assert_false(kf_api_uint_parse(NULL, &v));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cursor_round_trip),
		cmocka_unit_test(test_cursor_refusals),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
