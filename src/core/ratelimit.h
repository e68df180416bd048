/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Attempt limiting as a pure value type: failed sign-ins, failed client
 * authentications, and counted actions (registrations, mails, pre-auth
 * codes). The store keeps one struct kf_backoff per key (account, client
 * address, ...) and the handler calls these functions with `now`; nothing
 * here reads a clock or allocates. A lock is never extended by attempts made
 * while it is in force, so an attacker cannot keep an account locked longer
 * than by guessing each lock period anew. Times are unix seconds and assumed
 * >= 0: the all-zero state means "no failures, not locked".
 *
 * Where checking an attempt is slow (a password hash), the attempt is
 * claimed first (kf_backoff_claim, stored in the same write transaction as
 * the read) and given back when it succeeded (kf_backoff_release): counting
 * after the check lets every concurrent request see the same stale count.
 */
#ifndef KF_CORE_RATELIMIT_H
#define KF_CORE_RATELIMIT_H

#include <stdbool.h>
#include <stdint.h>

struct kf_backoff {
	int failures;         /* failures (claimed attempts) in the current window */
	int64_t window_start; /* unix seconds of the window's first failure */
	int64_t locked_until; /* attempts refused while now < locked_until; a
			       * lock that is over ends the window with it */
};

struct kf_backoff_policy {
	int max_failures;       /* failures within the window that lock; >= 1 */
	int64_t window_seconds; /* length of the counting window */
	int64_t lock_seconds;   /* how long a lock lasts */
	bool until_window_end;  /* a quota: the lock lasts until the window
				 * ends instead of lock_seconds */
};

/* 5 failures within 15 minutes lock for 15 minutes. */
struct kf_backoff_policy kf_backoff_policy_default(void);

/* A fresh, unlocked state (all zero). */
void kf_backoff_init(struct kf_backoff *b);

/*
 * Record a failed attempt at `now` and return kf_backoff_retry_after
 * afterwards. A failure while locked changes nothing. A failure when the
 * window has expired (now - window_start >= window_seconds), a lock has ended
 * or the clock went back starts a new window. Reaching max_failures locks
 * until now + lock_seconds (saturating; with until_window_end, until
 * window_start + window_seconds) and keeps the count, so that
 * kf_backoff_release can lift the lock again. policy NULL means the default;
 * max_failures < 1 is treated as 1 and negative durations as 0.
 */
int64_t kf_backoff_fail(struct kf_backoff *b, int64_t now, const struct kf_backoff_policy *policy);

/* Seconds until the next attempt is allowed; 0 when allowed now. */
int64_t kf_backoff_retry_after(const struct kf_backoff *b, int64_t now);

/* A successful attempt: back to the fresh state. Call only when allowed. */
void kf_backoff_success(struct kf_backoff *b);

/*
 * Claim one attempt before checking it: 0 when the attempt may go ahead (it
 * is then counted as kf_backoff_fail counts a failure, and may lock further
 * attempts), else the seconds to wait and b is unchanged. The caller stores b
 * in the same write transaction it read it in, before the slow check.
 */
int64_t kf_backoff_claim(struct kf_backoff *b, int64_t now, const struct kf_backoff_policy *policy);

/*
 * Give back an attempt claimed at or before `now` that succeeded: one failure
 * less, and the lock lifted if that claim was the one that set it. Does
 * nothing when the claim's window or lock is already over.
 */
void kf_backoff_release(struct kf_backoff *b, int64_t now, const struct kf_backoff_policy *policy);

#endif
