/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Fixed-window failure counter with a lock. The state is three integers so it
 * can live in a database row; every transition is a function of the state,
 * the policy and `now` only. A lock keeps the window's count (a claim that
 * succeeded can then lift it); the lock's end also ends the window.
 */
#include "core/ratelimit.h"

#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#define DEFAULT_MAX_FAILURES 5
#define DEFAULT_WINDOW_SECONDS (15 * 60)
#define DEFAULT_LOCK_SECONDS (15 * 60)

struct kf_backoff_policy kf_backoff_policy_default(void)
{
	struct kf_backoff_policy p = {
		.max_failures = DEFAULT_MAX_FAILURES,
		.window_seconds = DEFAULT_WINDOW_SECONDS,
		.lock_seconds = DEFAULT_LOCK_SECONDS,
	};
	return p;
}

void kf_backoff_init(struct kf_backoff *b)
{
	memset(b, 0, sizeof(*b));
}

static int64_t nonneg(int64_t v)
{
	return v < 0 ? 0 : v;
}

int64_t kf_backoff_retry_after(const struct kf_backoff *b, int64_t now)
{
	if (now >= b->locked_until)
		return 0;
	/* now < locked_until: the difference is positive and fits in uint64. */
	uint64_t left = (uint64_t)b->locked_until - (uint64_t)now;
	return left > (uint64_t)INT64_MAX ? INT64_MAX : (int64_t)left;
}

struct limits {
	int max;
	int64_t window, lock;
	bool until_window_end;
};

static struct limits limits_of(const struct kf_backoff_policy *policy)
{
	struct kf_backoff_policy def = kf_backoff_policy_default();
	if (!policy)
		policy = &def;
	struct limits l = {
		.max = policy->max_failures < 1 ? 1 : policy->max_failures,
		.window = nonneg(policy->window_seconds),
		.lock = nonneg(policy->lock_seconds),
		.until_window_end = policy->until_window_end,
	};
	return l;
}

static int64_t add_sat(int64_t a, int64_t b)
{
	return a > INT64_MAX - b ? INT64_MAX : a + b;
}

/* The window of b is over at now: no failures, a lock that has ended, the
 * window's time passed, or the clock went back. */
static bool window_over(const struct kf_backoff *b, int64_t now, const struct limits *l)
{
	return b->failures <= 0 || (b->locked_until != 0 && now >= b->locked_until) || now < b->window_start ||
	       (uint64_t)now - (uint64_t)b->window_start >= (uint64_t)l->window;
}

int64_t kf_backoff_fail(struct kf_backoff *b, int64_t now, const struct kf_backoff_policy *policy)
{
	struct limits l = limits_of(policy);
	if (now < b->locked_until)
		return kf_backoff_retry_after(b, now);
	if (window_over(b, now, &l)) {
		b->failures = 1;
		b->window_start = now;
		b->locked_until = 0;
	} else {
		b->failures++;
	}
	if (b->failures >= l.max)
		b->locked_until = l.until_window_end ? add_sat(b->window_start, l.window) : add_sat(now, l.lock);
	return kf_backoff_retry_after(b, now);
}

void kf_backoff_success(struct kf_backoff *b)
{
	kf_backoff_init(b);
}

int64_t kf_backoff_claim(struct kf_backoff *b, int64_t now, const struct kf_backoff_policy *policy)
{
	int64_t wait = kf_backoff_retry_after(b, now);
	if (wait > 0)
		return wait;
	(void)kf_backoff_fail(b, now, policy);
	return 0;
}

void kf_backoff_release(struct kf_backoff *b, int64_t now, const struct kf_backoff_policy *policy)
{
	struct limits l = limits_of(policy);
	if (window_over(b, now, &l))
		return;
	b->failures--;
	if (b->failures < l.max)
		b->locked_until = 0;
	if (b->failures == 0)
		kf_backoff_init(b);
}
