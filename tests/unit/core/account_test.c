/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests for src/core/account.c: user account status names and who
 * signs in. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "core/account.h"

static void test_user_status_names(void **state)
{
	(void)state;
	static const char *const names[KF_USER_STATUS_COUNT] = { "active", "invited", "disabled", "anonymised" };
	for (int i = 0; i < KF_USER_STATUS_COUNT; i++) {
		enum kf_user_status s = KF_USER_ANONYMISED;
		assert_string_equal(kf_user_status_name((enum kf_user_status)i), names[i]);
		assert_true(kf_user_status_parse(names[i], &s));
		assert_int_equal(s, i);
	}
	enum kf_user_status s = KF_USER_INVITED;
	assert_false(kf_user_status_parse("Active", &s));
	assert_false(kf_user_status_parse(NULL, &s));
	assert_int_equal(s, KF_USER_INVITED);
	assert_null(kf_user_status_name((enum kf_user_status)KF_USER_STATUS_COUNT));
}

static void test_only_active_signs_in(void **state)
{
	(void)state;
	assert_true(kf_user_may_sign_in(KF_USER_ACTIVE));
	assert_false(kf_user_may_sign_in(KF_USER_INVITED));
	assert_false(kf_user_may_sign_in(KF_USER_DISABLED));
	assert_false(kf_user_may_sign_in(KF_USER_ANONYMISED));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_user_status_names),
		cmocka_unit_test(test_only_active_signs_in),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
