/* SPDX-License-Identifier: Apache-2.0 */
/* SQL of the scheduled-work leases (see leases.h). */
#include "store/leases.h"

#include <stdio.h>

#include "store/db.h"

enum kf_err kf_store_lease_get(struct kf_db *db, const char *name, struct kf_lease *out)
{
	out->holder[0] = '\0';
	out->until = 0;
	struct kf_stmt *st = kf_db_prepare(db, "SELECT holder, until FROM leases WHERE name = ?");
	if (!st)
		return KF_EDB;
	kf_stmt_bind_text(st, 1, name);
	enum kf_err rc = kf_stmt_first(st);
	if (rc == KF_ENOTFOUND)
		return KF_OK;
	if (rc != KF_OK)
		return rc;
	const char *h = kf_stmt_text(st, 0);
	snprintf(out->holder, sizeof(out->holder), "%s", h ? h : "");
	out->until = kf_stmt_int(st, 1);
	kf_stmt_done(st);
	return KF_OK;
}

enum kf_err kf_store_lease_acquire(struct kf_db *db, const char *name, const char *holder, int64_t now, int64_t ttl,
				   struct kf_lease *out)
{
	/* an empty or odd holder could match another's row or nobody's */
	if (!kf_lease_holder_valid(holder))
		return KF_EINVAL;
	if (kf_db_begin(db) != KF_OK)
		return KF_EDB;
	/* The WHERE is kf_lease_may_take: an existing row changes hands only
	 * when it ran out, or is renewed by its own holder. The upsert is one
	 * statement, so two claimants never both see it free. */
	struct kf_stmt *st = kf_db_prepare(
		db, "INSERT INTO leases (name, holder, until) VALUES (?, ?, ?) ON CONFLICT (name) DO UPDATE SET"
		    " holder = excluded.holder, until = excluded.until WHERE leases.until <= ? OR leases.holder = ?");
	if (!st)
		goto fail;
	kf_stmt_bind_text(st, 1, name);
	kf_stmt_bind_text(st, 2, holder);
	kf_stmt_bind_int(st, 3, now + ttl);
	kf_stmt_bind_int(st, 4, now);
	kf_stmt_bind_text(st, 5, holder);
	if (kf_stmt_exec(st) != KF_OK || kf_store_lease_get(db, name, out) != KF_OK || kf_db_commit(db) != KF_OK)
		goto fail;
	return KF_OK;
fail:
	kf_db_rollback(db);
	return KF_EDB;
}

enum kf_err kf_store_lease_release(struct kf_db *db, const char *name, const char *holder)
{
	struct kf_stmt *st = kf_db_prepare(db, "UPDATE leases SET until = 0 WHERE name = ? AND holder = ?");
	if (!st)
		return KF_EDB;
	kf_stmt_bind_text(st, 1, name);
	kf_stmt_bind_text(st, 2, holder);
	return kf_stmt_exec(st);
}
