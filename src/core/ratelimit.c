/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Fixed-window failure counter with a lock. The state is three integers so it
 * can live in a database row; every transition is a function of the state,
 * the policy and `now` only.
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

int64_t kf_backoff_fail(struct kf_backoff *b, int64_t now, const struct kf_backoff_policy *policy)
{
	struct kf_backoff_policy def = kf_backoff_policy_default();
	if (!policy)
		policy = &def;
	int max = policy->max_failures < 1 ? 1 : policy->max_failures;
	int64_t window = nonneg(policy->window_seconds);
	int64_t lock = nonneg(policy->lock_seconds);

	if (now < b->locked_until)
		return kf_backoff_retry_after(b, now);

	bool expired = b->failures <= 0 || now < b->window_start ||
		       (uint64_t)now - (uint64_t)b->window_start >= (uint64_t)window;
	if (expired) {
		b->failures = 1;
		b->window_start = now;
	} else {
		b->failures++;
	}
	if (b->failures >= max) {
		b->locked_until = now > INT64_MAX - lock ? INT64_MAX : now + lock;
		b->failures = 0;
		b->window_start = 0;
	}
	return kf_backoff_retry_after(b, now);
}

void kf_backoff_success(struct kf_backoff *b)
{
	kf_backoff_init(b);
}
