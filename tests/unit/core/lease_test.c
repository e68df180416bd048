/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Unit tests for src/core/lease.c: when a process may take, keeps, renews
 * or waits for the lease of a scheduled pass.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "core/lease.h"

#define T0 INT64_C(1772416800)
#define A "0123456789abcdef0123456789abcdef"
#define B "fedcba9876543210fedcba9876543210"

static struct kf_lease lease(const char *holder, int64_t until)
{
	struct kf_lease l = {.until = until};
	strcpy(l.holder, holder);
	return l;
}

static void test_ttl_three_intervals_at_least_the_minimum(void **state)
{
	(void)state;
	assert_int_equal(kf_lease_ttl(1), KF_LEASE_MIN_SECONDS);
	assert_int_equal(kf_lease_ttl(10), KF_LEASE_MIN_SECONDS);
	assert_int_equal(kf_lease_ttl(60), 180);
	assert_int_equal(kf_lease_ttl(0), KF_LEASE_MIN_SECONDS);
	assert_int_equal(kf_lease_ttl(-5), KF_LEASE_MIN_SECONDS);
	assert_int_equal(kf_lease_ttl(INT64_MAX), KF_LEASE_MIN_SECONDS);
}

static void test_never_held_is_free(void **state)
{
	(void)state;
	struct kf_lease l = lease("", 0);
	assert_true(kf_lease_may_take(&l, A, T0));
	assert_false(kf_lease_held(&l, A, T0));
	assert_int_equal(kf_lease_action(&l, A, T0, 30), KF_LEASE_TRY);
}

static void test_another_holder_blocks_until_expiry(void **state)
{
	(void)state;
	struct kf_lease l = lease(A, T0 + 30);
	assert_false(kf_lease_may_take(&l, B, T0));
	assert_false(kf_lease_may_take(&l, B, T0 + 29));
	assert_false(kf_lease_held(&l, B, T0));
	assert_int_equal(kf_lease_action(&l, B, T0 + 29, 30), KF_LEASE_WAIT);
	/* a dead holder's lease is taken over the second it runs out */
	assert_true(kf_lease_may_take(&l, B, T0 + 30));
	assert_int_equal(kf_lease_action(&l, B, T0 + 30, 30), KF_LEASE_TRY);
}

static void test_own_lease_is_held_until_it_runs_out(void **state)
{
	(void)state;
	struct kf_lease l = lease(A, T0 + 30);
	assert_true(kf_lease_held(&l, A, T0));
	assert_true(kf_lease_held(&l, A, T0 + 29));
	assert_false(kf_lease_held(&l, A, T0 + 30));
	/* its own holder may always renew, also after it ran out */
	assert_true(kf_lease_may_take(&l, A, T0 + 10));
	assert_true(kf_lease_may_take(&l, A, T0 + 100));
}

static void test_renewal_once_half_is_used(void **state)
{
	(void)state;
	struct kf_lease l = lease(A, T0 + 30);
	assert_int_equal(kf_lease_action(&l, A, T0, 30), KF_LEASE_KEEP);
	assert_int_equal(kf_lease_action(&l, A, T0 + 14, 30), KF_LEASE_KEEP);
	assert_int_equal(kf_lease_action(&l, A, T0 + 15, 30), KF_LEASE_TRY);
	assert_int_equal(kf_lease_action(&l, A, T0 + 31, 30), KF_LEASE_TRY);
}

static void test_empty_holder_never_matches(void **state)
{
	(void)state;
	struct kf_lease l = lease("", T0 + 30);
	assert_false(kf_lease_held(&l, "", T0));
	assert_false(kf_lease_may_take(&l, "", T0));
	assert_false(kf_lease_held(&l, NULL, T0));
	assert_int_equal(kf_lease_action(&l, "", T0, 30), KF_LEASE_WAIT);
}

static void test_clock_behind_the_holders_keeps_waiting(void **state)
{
	(void)state;
	/* a process whose clock is behind sees the lease as longer, never as free */
	struct kf_lease l = lease(A, T0 + 30);
	assert_int_equal(kf_lease_action(&l, B, T0 - 100, 30), KF_LEASE_WAIT);
}

static void test_holder_valid(void **state)
{
	(void)state;
	assert_true(kf_lease_holder_valid(A));
	assert_false(kf_lease_holder_valid(""));
	assert_false(kf_lease_holder_valid(NULL));
	assert_false(kf_lease_holder_valid("0123456789ABCDEF0123456789abcdef"));
	assert_false(kf_lease_holder_valid("0123456789abcdef0123456789abcde"));
	assert_false(kf_lease_holder_valid("0123456789abcdef0123456789abcdef0"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ttl_three_intervals_at_least_the_minimum),
		cmocka_unit_test(test_never_held_is_free),
		cmocka_unit_test(test_another_holder_blocks_until_expiry),
		cmocka_unit_test(test_own_lease_is_held_until_it_runs_out),
		cmocka_unit_test(test_renewal_once_half_is_used),
		cmocka_unit_test(test_empty_holder_never_matches),
		cmocka_unit_test(test_clock_behind_the_holders_keeps_waiting),
		cmocka_unit_test(test_holder_valid),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
