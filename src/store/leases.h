/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Named leases in the `leases` table: which process runs a scheduled pass
 * (the rules are core/lease.h). The claim is one conditional upsert, so of
 * two processes claiming at once exactly one gets an expired lease, on
 * SQLite and on PostgreSQL alike, inside or outside an explicit
 * transaction; the row is read back to learn who holds it.
 */
#ifndef KF_STORE_LEASES_H
#define KF_STORE_LEASES_H

#include <stdint.h>

#include "core/err.h"
#include "core/lease.h"

struct kf_db;

/* The lease `name` as stored into *out (holder "" and until 0 when no row).
 * KF_OK or KF_EDB. */
enum kf_err kf_store_lease_get(struct kf_db *db, const char *name, struct kf_lease *out) KF_MUST_CHECK;

/* Claim or renew the lease `name` for holder until now + ttl, if it is
 * free at now (expired, never held, or holder's own: kf_lease_may_take),
 * then read it back into *out: the caller holds it when out->holder is its
 * own (kf_lease_held). Its own transaction (no transaction may be open).
 * KF_OK (whoever holds it), KF_EINVAL for a malformed holder id, or KF_EDB. */
enum kf_err kf_store_lease_acquire(struct kf_db *db, const char *name, const char *holder, int64_t now, int64_t ttl,
				   struct kf_lease *out) KF_MUST_CHECK;

/* Give the lease up at once (a clean stop), so the next process does not
 * wait for it to run out. Does nothing unless holder holds it. */
enum kf_err kf_store_lease_release(struct kf_db *db, const char *name, const char *holder) KF_MUST_CHECK;

#endif
