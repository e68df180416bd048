/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Unit tests for src/core/ratelimit.c: the failed-login window and lock.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "core/ratelimit.h"

#define T0 INT64_C(1772416800)

static void fail_n(struct kf_backoff *b, int n, int64_t now, const struct kf_backoff_policy *p)
{
	for (int i = 0; i < n; i++)
		assert_int_equal(kf_backoff_fail(b, now, p), 0);
}

static void test_policy_default(void **state)
{
	(void)state;
	struct kf_backoff_policy p = kf_backoff_policy_default();
	assert_int_equal(p.max_failures, 5);
	assert_int_equal(p.window_seconds, 15 * 60);
	assert_int_equal(p.lock_seconds, 15 * 60);
}

static void test_fifth_failure_locks(void **state)
{
	(void)state;
	struct kf_backoff b;
	kf_backoff_init(&b);
	assert_int_equal(kf_backoff_retry_after(&b, T0), 0);
	fail_n(&b, 4, T0, NULL);
	assert_int_equal(kf_backoff_retry_after(&b, T0 + 10), 0);
	assert_int_equal(kf_backoff_fail(&b, T0 + 60, NULL), 900);
	assert_int_equal(kf_backoff_retry_after(&b, T0 + 60), 900);
	assert_int_equal(kf_backoff_retry_after(&b, T0 + 160), 800);
	assert_int_equal(kf_backoff_retry_after(&b, T0 + 959), 1);
	assert_int_equal(kf_backoff_retry_after(&b, T0 + 960), 0);
	assert_int_equal(kf_backoff_retry_after(&b, T0 + 100000), 0);
}

static void test_failures_while_locked_do_not_extend(void **state)
{
	(void)state;
	struct kf_backoff b;
	kf_backoff_init(&b);
	fail_n(&b, 4, T0, NULL);
	assert_int_equal(kf_backoff_fail(&b, T0, NULL), 900);
	assert_int_equal(kf_backoff_fail(&b, T0 + 500, NULL), 400);
	assert_int_equal(kf_backoff_fail(&b, T0 + 899, NULL), 1);
	assert_int_equal(b.locked_until, T0 + 900);
	/* After the lock the count starts afresh: four more failures pass. */
	fail_n(&b, 4, T0 + 900, NULL);
	assert_int_equal(kf_backoff_fail(&b, T0 + 901, NULL), 900);
}

static void test_window_expiry_resets_count(void **state)
{
	(void)state;
	struct kf_backoff b;
	kf_backoff_init(&b);
	fail_n(&b, 1, T0, NULL);
	fail_n(&b, 3, T0 + 899, NULL);
	/* 15 minutes after the window started a new window begins. */
	assert_int_equal(kf_backoff_fail(&b, T0 + 900, NULL), 0);
	assert_int_equal(b.failures, 1);
	assert_int_equal(b.window_start, T0 + 900);
	fail_n(&b, 3, T0 + 1000, NULL);
	assert_int_equal(kf_backoff_fail(&b, T0 + 1001, NULL), 900);
}

static void test_success_resets(void **state)
{
	(void)state;
	struct kf_backoff b;
	kf_backoff_init(&b);
	fail_n(&b, 4, T0, NULL);
	kf_backoff_success(&b);
	assert_int_equal(b.failures, 0);
	assert_int_equal(b.locked_until, 0);
	fail_n(&b, 4, T0 + 1, NULL);
	assert_int_equal(kf_backoff_fail(&b, T0 + 2, NULL), 900);
}

static void test_clock_going_back_starts_new_window(void **state)
{
	(void)state;
	struct kf_backoff b;
	kf_backoff_init(&b);
	fail_n(&b, 4, T0, NULL);
	assert_int_equal(kf_backoff_fail(&b, T0 - 10, NULL), 0);
	assert_int_equal(b.failures, 1);
	assert_int_equal(b.window_start, T0 - 10);
}

static void test_custom_policy(void **state)
{
	(void)state;
	struct kf_backoff_policy p = { .max_failures = 3, .window_seconds = 60,
				       .lock_seconds = 3600 };
	struct kf_backoff b;
	kf_backoff_init(&b);
	fail_n(&b, 2, T0, &p);
	assert_int_equal(kf_backoff_fail(&b, T0 + 59, &p), 3600);
	kf_backoff_init(&b);
	fail_n(&b, 2, T0, &p);
	assert_int_equal(kf_backoff_fail(&b, T0 + 60, &p), 0); /* window passed */

	/* max_failures < 1 behaves as 1; a negative lock means no lock. */
	p.max_failures = 0;
	kf_backoff_init(&b);
	assert_int_equal(kf_backoff_fail(&b, T0, &p), 3600);
	p.lock_seconds = -5;
	kf_backoff_init(&b);
	assert_int_equal(kf_backoff_fail(&b, T0, &p), 0);
	assert_int_equal(kf_backoff_retry_after(&b, T0), 0);
}

static void test_extreme_times(void **state)
{
	(void)state;
	struct kf_backoff b;
	kf_backoff_init(&b);
	fail_n(&b, 4, INT64_MAX - 10, NULL);
	assert_int_equal(kf_backoff_fail(&b, INT64_MAX - 10, NULL), 10);
	assert_int_equal(b.locked_until, INT64_MAX);
	kf_backoff_init(&b);
	b.locked_until = INT64_MAX;
	assert_int_equal(kf_backoff_retry_after(&b, INT64_MIN), INT64_MAX);
	kf_backoff_init(&b);
	fail_n(&b, 1, 0, NULL);
	fail_n(&b, 1, INT64_MAX - 2000, NULL); /* far later: new window */
	assert_int_equal(b.failures, 1);
}

/* issue 9 defect 2: attempts are claimed before the slow check; the fifth
 * claim locks, so concurrent requests after it are refused at once. */
static void test_claims_lock_at_the_fifth(void **state)
{
	(void)state;
	struct kf_backoff b;
	kf_backoff_init(&b);
	for (int i = 0; i < 5; i++)
		assert_int_equal(kf_backoff_claim(&b, T0, NULL), 0);
	assert_int_equal(kf_backoff_claim(&b, T0, NULL), 900);
	assert_int_equal(b.failures, 5);
	/* a refused claim changes nothing */
	assert_int_equal(kf_backoff_claim(&b, T0 + 100, NULL), 800);
	assert_int_equal(b.failures, 5);
	assert_int_equal(b.locked_until, T0 + 900);
	/* the lock's end ends the window: a fresh count */
	assert_int_equal(kf_backoff_claim(&b, T0 + 900, NULL), 0);
	assert_int_equal(b.failures, 1);
	assert_int_equal(b.window_start, T0 + 900);
}

static void test_release_gives_a_claim_back(void **state)
{
	(void)state;
	struct kf_backoff b;
	kf_backoff_init(&b);
	/* five claims in flight, the fifth locked; one of them succeeds */
	for (int i = 0; i < 5; i++)
		assert_int_equal(kf_backoff_claim(&b, T0, NULL), 0);
	kf_backoff_release(&b, T0 + 1, NULL);
	assert_int_equal(b.failures, 4);
	assert_int_equal(kf_backoff_retry_after(&b, T0 + 1), 0);
	/* the next failure locks again */
	assert_int_equal(kf_backoff_claim(&b, T0 + 2, NULL), 0);
	assert_int_equal(kf_backoff_retry_after(&b, T0 + 2), 900);
	/* releasing the only claim is the fresh state */
	kf_backoff_init(&b);
	assert_int_equal(kf_backoff_claim(&b, T0, NULL), 0);
	kf_backoff_release(&b, T0, NULL);
	assert_int_equal(b.failures, 0);
	assert_int_equal(b.window_start, 0);
	assert_int_equal(b.locked_until, 0);
	/* a release after the window is over changes nothing */
	assert_int_equal(kf_backoff_claim(&b, T0, NULL), 0);
	kf_backoff_release(&b, T0 + 900, NULL);
	assert_int_equal(b.failures, 1);
	kf_backoff_release(&b, T0 - 1, NULL); /* clock went back */
	assert_int_equal(b.failures, 1);
}

/* A quota: the lock lasts until the window that started with the first
 * action ends, not lock_seconds from the last one. */
static void test_quota_lasts_until_window_end(void **state)
{
	(void)state;
	struct kf_backoff_policy p = {.max_failures = 3, .window_seconds = 3600, .lock_seconds = 3600,
				      .until_window_end = true};
	struct kf_backoff b;
	kf_backoff_init(&b);
	assert_int_equal(kf_backoff_claim(&b, T0, &p), 0);
	assert_int_equal(kf_backoff_claim(&b, T0 + 1000, &p), 0);
	assert_int_equal(kf_backoff_claim(&b, T0 + 2000, &p), 0);
	assert_int_equal(kf_backoff_claim(&b, T0 + 2001, &p), 1599);
	assert_int_equal(kf_backoff_claim(&b, T0 + 3600, &p), 0);
	assert_int_equal(b.failures, 1);
	/* failures without claims follow the same quota */
	kf_backoff_init(&b);
	assert_int_equal(kf_backoff_fail(&b, T0, &p), 0);
	assert_int_equal(kf_backoff_fail(&b, T0 + 10, &p), 0);
	assert_int_equal(kf_backoff_fail(&b, T0 + 20, &p), 3580);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_policy_default),
		cmocka_unit_test(test_fifth_failure_locks),
		cmocka_unit_test(test_failures_while_locked_do_not_extend),
		cmocka_unit_test(test_window_expiry_resets_count),
		cmocka_unit_test(test_success_resets),
		cmocka_unit_test(test_clock_going_back_starts_new_window),
		cmocka_unit_test(test_custom_policy),
		cmocka_unit_test(test_extreme_times),
		cmocka_unit_test(test_claims_lock_at_the_fifth),
		cmocka_unit_test(test_release_gives_a_claim_back),
		cmocka_unit_test(test_quota_lasts_until_window_end),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
