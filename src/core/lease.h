/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Leases for scheduled work shared by several kaifangd on one database
 *: one row per pass (verify tickets, mail, retention) naming the
 * process that holds it and until when. A process runs a pass only while it
 * holds the pass's lease; a holder that dies stops renewing, its lease runs
 * out, and the next process to look takes it over. These are the rules as
 * pure functions; store/leases.h writes them with one conditional upsert so
 * two processes can never both take a lease.
 *
 * Times are the server clock's unix seconds, passed in. Processes on
 * several hosts compare each other's `until` against their own clock: the
 * lease length (kf_lease_ttl) is long against any sane clock skew.
 */
#ifndef KF_CORE_LEASE_H
#define KF_CORE_LEASE_H

#include <stdbool.h>
#include <stdint.h>

/* A holder id: 32 lowercase hex digits, random per process. */
#define KF_LEASE_HOLDER_LEN 32
/* No lease is shorter than this, whatever the worker interval. */
#define KF_LEASE_MIN_SECONDS 30

struct kf_lease {
	char holder[KF_LEASE_HOLDER_LEN + 1]; /* "" when nobody ever held it */
	int64_t until;                        /* held while now < until */
};

/* What a process should do about a lease before a pass. */
enum kf_lease_action {
	KF_LEASE_KEEP, /* it holds the lease with time to spare: run, no write */
	KF_LEASE_TRY,  /* free, expired, or its own and due for renewal: write
			* the claim (kf_store_lease_acquire), then run if held */
	KF_LEASE_WAIT, /* another process holds it: skip the pass */
};

/* the lease length for a pass repeated every interval seconds:
 * three intervals, at least KF_LEASE_MIN_SECONDS. A holder may miss a
 * pass or two without losing it; a dead one is replaced within one lease. */
int64_t kf_lease_ttl(int64_t interval);

/* may `me` write its claim at now? When the lease is expired (now >=
 * until) or already its own. This is the condition of the claim's
 * conditional upsert (store/leases.c); both must say the same. */
bool kf_lease_may_take(const struct kf_lease *cur, const char *me, int64_t now);

/* Does `me` hold the lease at now (its own and not expired)? */
bool kf_lease_held(const struct kf_lease *cur, const char *me, int64_t now);

/* the step before a pass. A holder renews once less than half the
 * lease is left, so a pass starts with at least ttl/2 seconds in hand and
 * the holder does not write the lease row on every pass. */
enum kf_lease_action kf_lease_action(const struct kf_lease *cur, const char *me, int64_t now, int64_t ttl);

/* Is holder a well-formed holder id (KF_LEASE_HOLDER_LEN hex digits)? */
bool kf_lease_holder_valid(const char *holder);

#endif
