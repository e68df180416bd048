/* SPDX-License-Identifier: Apache-2.0 */
/* SQL of the operator organisation (see operator.h). */
#include "store/operator.h"

#include "store/db.h"

enum kf_err kf_store_operator_org(struct kf_db *db, int64_t *id)
{
	struct kf_stmt *st = kf_db_prepare(db, "SELECT id FROM orgs WHERE kind = 'operator' ORDER BY id LIMIT 1");
	if (!st)
		return KF_EDB;
	enum kf_step s = kf_stmt_step(st);
	if (s == KF_STEP_ROW)
		*id = kf_stmt_int(st, 0);
	kf_stmt_done(st);
	return s == KF_STEP_ROW ? KF_OK : s == KF_STEP_DONE ? KF_ENOTFOUND : KF_EDB;
}

enum kf_err kf_store_operator_staff_count(struct kf_db *db, int64_t *n)
{
	struct kf_stmt *st = kf_db_prepare(db, "SELECT COUNT(*) FROM memberships m JOIN orgs o ON o.id = m.org_id"
					       " WHERE o.kind = 'operator'");
	if (!st)
		return KF_EDB;
	enum kf_step s = kf_stmt_step(st);
	if (s == KF_STEP_ROW)
		*n = kf_stmt_int(st, 0);
	kf_stmt_done(st);
	return s == KF_STEP_ROW ? KF_OK : KF_EDB;
}
