/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Failed-login limiting as a pure value type. The store keeps one
 * struct kf_backoff per key (account, client address, ...) and the handler
 * calls these functions with `now`; nothing here reads a clock or allocates.
 * A lock is never extended by failures made while it is in force, so an
 * attacker cannot keep an account locked longer than by guessing each
 * lock period anew. Times are unix seconds and assumed >= 0: the all-zero
 * state means "no failures, not locked".
 */
#ifndef KF_CORE_RATELIMIT_H
#define KF_CORE_RATELIMIT_H

#include <stdint.h>

struct kf_backoff {
	int failures;         /* failures in the current window */
	int64_t window_start; /* unix seconds of the window's first failure */
	int64_t locked_until; /* attempts refused while now < locked_until */
};

struct kf_backoff_policy {
	int max_failures;       /* failures within the window that lock; >= 1 */
	int64_t window_seconds; /* length of the counting window */
	int64_t lock_seconds;   /* how long a lock lasts */
};

/* 5 failures within 15 minutes lock for 15 minutes. */
struct kf_backoff_policy kf_backoff_policy_default(void);

/* A fresh, unlocked state (all zero). */
void kf_backoff_init(struct kf_backoff *b);

/*
 * Record a failed attempt at `now` and return kf_backoff_retry_after
 * afterwards. A failure while locked changes nothing. A failure when the
 * window has expired (now - window_start >= window_seconds) or the clock went
 * back starts a new window. Reaching max_failures locks until
 * now + lock_seconds (saturating) and resets the count. policy NULL means
 * the default; max_failures < 1 is treated as 1 and negative durations as 0.
 */
int64_t kf_backoff_fail(struct kf_backoff *b, int64_t now, const struct kf_backoff_policy *policy);

/* Seconds until the next attempt is allowed; 0 when allowed now. */
int64_t kf_backoff_retry_after(const struct kf_backoff *b, int64_t now);

/* A successful attempt: back to the fresh state. Call only when allowed. */
void kf_backoff_success(struct kf_backoff *b);

#endif
