/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests for src/core/roles.c: one name table for membership roles. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "core/roles.h"

static void test_role_names(void **state)
{
	(void)state;
	static const char *const names[KF_ROLE_COUNT] = { "", "owner", "admin", "member", "reviewer", "ops", "auditor" };
	for (int i = 0; i < KF_ROLE_COUNT; i++) {
		enum kf_role r = KF_ROLE_OPS;
		assert_string_equal(kf_role_name((enum kf_role)i), names[i]);
		assert_true(kf_role_parse(names[i], &r));
		assert_int_equal(r, i);
	}
	enum kf_role r = KF_ROLE_OWNER;
	assert_true(kf_role_parse(NULL, &r)); /* no membership row */
	assert_int_equal(r, KF_ROLE_NONE);
	r = KF_ROLE_OWNER;
	assert_false(kf_role_parse("Owner", &r));
	assert_false(kf_role_parse("superuser", &r));
	assert_int_equal(r, KF_ROLE_OWNER);
	assert_null(kf_role_name((enum kf_role)KF_ROLE_COUNT));
}

/* AUTH-1, AUTH-2: owners and admins manage a host account's grants. */
static void test_role_manages_AUTH_2(void **state)
{
	(void)state;
	assert_true(kf_role_manages(KF_ROLE_OWNER));
	assert_true(kf_role_manages(KF_ROLE_ADMIN));
	assert_false(kf_role_manages(KF_ROLE_MEMBER));
	assert_false(kf_role_manages(KF_ROLE_NONE));
	assert_false(kf_role_manages(KF_ROLE_REVIEWER));
	assert_false(kf_role_manages(KF_ROLE_OPS));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_role_names),
		cmocka_unit_test(test_role_manages_AUTH_2),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
