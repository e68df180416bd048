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

static void test_account_language(void **state)
{
	(void)state;
	assert_true(kf_account_language_valid("zh"));
	assert_true(kf_account_language_valid("en"));
	assert_false(kf_account_language_valid("zh-CN"));
	assert_false(kf_account_language_valid("EN"));
	assert_false(kf_account_language_valid(""));
	assert_false(kf_account_language_valid(NULL));
}

/* Mailed links (password reset, email verification): single use, and
 * usable strictly before their expiry. */
static void test_link_single_use_and_expiry(void **state)
{
	(void)state;
	assert_int_equal(kf_link_state_at(1000, false, 999), KF_LINK_USABLE);
	assert_int_equal(kf_link_state_at(1000, false, 1000), KF_LINK_EXPIRED);
	assert_int_equal(kf_link_state_at(1000, false, 5000), KF_LINK_EXPIRED);
	assert_int_equal(kf_link_state_at(1000, true, 999), KF_LINK_USED);
	assert_int_equal(kf_link_state_at(1000, true, 5000), KF_LINK_USED);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_user_status_names),
		cmocka_unit_test(test_only_active_signs_in),
		cmocka_unit_test(test_account_language),
		cmocka_unit_test(test_link_single_use_and_expiry),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
