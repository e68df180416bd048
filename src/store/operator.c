/* SPDX-License-Identifier: Apache-2.0 */
/* SQL of the operator organisation (see operator.h). */
#include "store/operator.h"

#include <string.h>

#include "store/db.h"
#include "util/mem.h"

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

#define OPERATOR_COLS                                                                                          \
	"SELECT u.id, u.email, u.name, m.role, u.status, u.created_at,"                                       \
	" (SELECT MAX(s.created_at) FROM sessions s WHERE s.user_id = u.id)"                                  \
	" FROM memberships m JOIN orgs o ON o.id = m.org_id AND o.kind = 'operator' JOIN users u ON u.id = m.user_id"

static void operator_row(struct kf_stmt *st, struct kf_arena *a, struct kf_operator_row *row)
{
	row->id = kf_stmt_int(st, 0);
	row->email = kf_arena_strdup(a, kf_stmt_text(st, 1));
	row->name = kf_arena_strdup(a, kf_stmt_text(st, 2));
	row->role = kf_arena_strdup(a, kf_stmt_text(st, 3));
	row->status = kf_arena_strdup(a, kf_stmt_text(st, 4));
	row->created_at = kf_stmt_int(st, 5);
	row->last_sign_in_at = kf_stmt_is_null(st, 6) ? 0 : kf_stmt_int(st, 6);
}

enum kf_err kf_store_operator_list(struct kf_db *db, struct kf_arena *a, struct kf_operator_row **out, size_t *n)
{
	*out = NULL;
	*n = 0;
	struct kf_stmt *st = kf_db_prepare(db, OPERATOR_COLS " ORDER BY u.id LIMIT ?");
	if (!st)
		return KF_EDB;
	kf_stmt_bind_int(st, 1, KF_OPERATORS_MAX);
	size_t cap = 8;
	struct kf_operator_row *rows = kf_arena_alloc(a, cap * sizeof(*rows));
	enum kf_step s;
	while ((s = kf_stmt_step(st)) == KF_STEP_ROW) {
		if (*n == cap) {
			struct kf_operator_row *bigger = kf_arena_alloc(a, 2 * cap * sizeof(*rows));
			memcpy(bigger, rows, cap * sizeof(*rows));
			rows = bigger;
			cap *= 2;
		}
		operator_row(st, a, &rows[(*n)++]);
	}
	kf_stmt_done(st);
	if (s == KF_STEP_ERROR)
		return KF_EDB;
	*out = rows;
	return KF_OK;
}

enum kf_err kf_store_operator_get(struct kf_db *db, struct kf_arena *a, int64_t id, struct kf_operator_row *out)
{
	struct kf_stmt *st = kf_db_prepare(db, OPERATOR_COLS " WHERE u.id = ? ORDER BY o.id LIMIT 1");
	if (!st)
		return KF_EDB;
	kf_stmt_bind_int(st, 1, id);
	enum kf_step s = kf_stmt_step(st);
	if (s == KF_STEP_ROW)
		operator_row(st, a, out);
	kf_stmt_done(st);
	return s == KF_STEP_ROW ? KF_OK : s == KF_STEP_DONE ? KF_ENOTFOUND : KF_EDB;
}

enum kf_err kf_store_operator_set_role(struct kf_db *db, int64_t id, const char *role)
{
	struct kf_stmt *st = kf_db_prepare(db, "UPDATE memberships SET role = ? WHERE user_id = ? AND org_id IN"
					       " (SELECT id FROM orgs WHERE kind = 'operator')");
	if (!st)
		return KF_EDB;
	kf_stmt_bind_text(st, 1, role);
	kf_stmt_bind_int(st, 2, id);
	if (kf_stmt_exec(st) != KF_OK)
		return KF_EDB;
	return kf_db_changes(db) > 0 ? KF_OK : KF_ENOTFOUND;
}

enum kf_err kf_store_operator_admin_count(struct kf_db *db, int64_t *n)
{
	struct kf_stmt *st = kf_db_prepare(db, "SELECT COUNT(*) FROM memberships m JOIN orgs o ON o.id = m.org_id"
					       " JOIN users u ON u.id = m.user_id"
					       " WHERE o.kind = 'operator' AND m.role = 'admin' AND u.status = 'active'");
	if (!st)
		return KF_EDB;
	enum kf_step s = kf_stmt_step(st);
	if (s == KF_STEP_ROW)
		*n = kf_stmt_int(st, 0);
	kf_stmt_done(st);
	return s == KF_STEP_ROW ? KF_OK : KF_EDB;
}

enum kf_err kf_store_operator_set_status(struct kf_db *db, int64_t id, const char *status, int64_t now)
{
	struct kf_stmt *st = kf_db_prepare(db, "UPDATE users SET status = ?, updated_at = ? WHERE id = ? AND id IN"
					       " (SELECT m.user_id FROM memberships m JOIN orgs o ON o.id = m.org_id"
					       " WHERE o.kind = 'operator')");
	if (!st)
		return KF_EDB;
	kf_stmt_bind_text(st, 1, status);
	kf_stmt_bind_int(st, 2, now);
	kf_stmt_bind_int(st, 3, id);
	if (kf_stmt_exec(st) != KF_OK)
		return KF_EDB;
	if (kf_db_changes(db) == 0)
		return KF_ENOTFOUND;
	if (strcmp(status, "active")) {
		st = kf_db_prepare(db, "UPDATE sessions SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL");
		if (!st)
			return KF_EDB;
		kf_stmt_bind_int(st, 1, now);
		kf_stmt_bind_int(st, 2, id);
		if (kf_stmt_exec(st) != KF_OK)
			return KF_EDB;
		st = kf_db_prepare(db, "UPDATE api_tokens SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL");
		if (!st)
			return KF_EDB;
		kf_stmt_bind_int(st, 1, now);
		kf_stmt_bind_int(st, 2, id);
		if (kf_stmt_exec(st) != KF_OK)
			return KF_EDB;
	}
	return KF_OK;
}
