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
	static const char *const names[KF_USER_STATUS_COUNT] = { "active", "invited", "disabled", "anonymised", "deleted" };
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
	assert_false(kf_user_may_sign_in(KF_USER_DELETED));
}

/* DATA-2 under ONB-10: a person deletes their account only when nothing
 * runs in their name any more; every unmet condition is named. */
static void test_account_deletion_blockers_DATA_2_ONB_10(void **state)
{
	(void)state;
	const char *codes[4] = {0};
	struct kf_account_deletion_facts f = {.status = KF_USER_ACTIVE};
	assert_int_equal(kf_account_deletion_blockers(&f, codes, 4), 0);
	f.providers_owned = 1;
	assert_int_equal(kf_account_deletion_blockers(&f, codes, 4), 1);
	assert_string_equal(codes[0], "provider_owner");
	f = (struct kf_account_deletion_facts){.status = KF_USER_DISABLED, .host_accounts_owned = 2,
					       .operator_staff = true};
	assert_int_equal(kf_account_deletion_blockers(&f, codes, 4), 3);
	assert_string_equal(codes[0], "not_active");
	assert_string_equal(codes[1], "host_account_owner");
	assert_string_equal(codes[2], "operator_staff");
	/* more unmet than room: counted, not written past max */
	f.providers_owned = 1;
	codes[1] = NULL;
	assert_int_equal(kf_account_deletion_blockers(&f, codes, 1), 4);
	assert_null(codes[1]);
}

/* The retention window (ONB-10 policy) before the data goes for good. */
static void test_account_purge_at_ONB_10(void **state)
{
	(void)state;
	assert_int_equal(kf_account_purge_at(1000, 30 * 86400), 1000 + 30 * 86400);
	assert_int_equal(kf_account_purge_at(1000, 0), 1000);
	assert_int_equal(kf_account_purge_at(1000, -5), 1000);
	assert_true(kf_account_purge_at(INT64_MAX - 10, 100) == INT64_MAX);
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
		cmocka_unit_test(test_account_deletion_blockers_DATA_2_ONB_10),
		cmocka_unit_test(test_account_purge_at_ONB_10),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
