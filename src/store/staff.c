/* SPDX-License-Identifier: Apache-2.0 */
/* SQL of the notices to staff about reviews (see staff.h). */
#include "store/staff.h"

#include <jansson.h>
#include <string.h>

#include "store/db.h"

const char *const kf_staff_notice_kinds[KF_STAFF_NOTICE_KINDS] = {"new", "due_soon", "overdue"};

static enum kf_err ids_of(struct kf_stmt *st, int64_t *ids, size_t max, size_t *n)
{
	*n = 0;
	enum kf_step s;
	while ((s = kf_stmt_step(st)) == KF_STEP_ROW)
		if (*n < max)
			ids[(*n)++] = kf_stmt_int(st, 0);
	kf_stmt_done(st);
	return s == KF_STEP_DONE ? KF_OK : KF_EDB;
}

enum kf_err kf_store_staff_due_reviews(struct kf_db *db, const char *kind, int64_t now, int64_t until, int64_t *ids,
				       size_t max, size_t *n)
{
	/* mode 0 new, 1 due soon, 2 overdue */
	int mode = !strcmp(kind, "due_soon") ? 1 : !strcmp(kind, "overdue") ? 2 : 0;
	struct kf_stmt *st = kf_db_prepare(
		db, "SELECT r.id FROM reviews r WHERE r.state = 'pending'"
		    " AND ((?1 = 0 AND r.submitted_at >= ?6) OR (?1 = 1 AND r.due_at >= ?2 AND r.due_at <= ?3)"
		    " OR (?1 = 2 AND r.due_at < ?2 AND r.due_at >= ?7))"
		    " AND NOT EXISTS (SELECT 1 FROM review_notices n WHERE n.review_id = r.id AND n.kind = ?4)"
		    " ORDER BY r.due_at, r.id LIMIT ?5");
	if (!st)
		return KF_EDB;
	kf_stmt_bind_int(st, 1, mode);
	kf_stmt_bind_int(st, 2, now);
	kf_stmt_bind_int(st, 3, until);
	kf_stmt_bind_text(st, 4, kind);
	kf_stmt_bind_int(st, 5, (int64_t)max);
	kf_stmt_bind_int(st, 6, now - KF_STAFF_NOTICE_NEW_WINDOW);
	kf_stmt_bind_int(st, 7, now - KF_STAFF_NOTICE_OVERDUE_WINDOW);
	return ids_of(st, ids, max, n);
}

enum kf_err kf_store_review_notice_mark(struct kf_db *db, int64_t review_id, const char *kind, int64_t now,
					bool *first)
{
	struct kf_stmt *st = kf_db_prepare(db, "INSERT INTO review_notices (review_id, kind, sent_at) VALUES (?, ?, ?)"
					       " ON CONFLICT (review_id, kind) DO NOTHING");
	if (!st)
		return KF_EDB;
	kf_stmt_bind_int(st, 1, review_id);
	kf_stmt_bind_text(st, 2, kind);
	kf_stmt_bind_int(st, 3, now);
	if (kf_stmt_exec(st) != KF_OK)
		return KF_EDB;
	*first = kf_db_changes(db) > 0;
	return KF_OK;
}

enum kf_err kf_store_staff_reviewer_ids(struct kf_db *db, int64_t *ids, size_t max, size_t *n)
{
	struct kf_stmt *st = kf_db_prepare(db, "SELECT u.id FROM users u JOIN memberships m ON m.user_id = u.id"
					       " JOIN orgs o ON o.id = m.org_id WHERE o.kind = 'operator'"
					       " AND m.role IN ('reviewer', 'admin') AND u.status = 'active'"
					       " ORDER BY u.id");
	if (!st)
		return KF_EDB;
	return ids_of(st, ids, max, n);
}

enum kf_err kf_store_staff_notice_add(struct kf_db *db, int64_t user_id, int64_t review_id, const char *kind,
				      int64_t now, bool *first)
{
	struct kf_stmt *st = kf_db_prepare(db, "INSERT INTO staff_notices (user_id, review_id, kind, created_at)"
					       " VALUES (?, ?, ?, ?) ON CONFLICT (user_id, review_id, kind) DO NOTHING");
	if (!st)
		return KF_EDB;
	kf_stmt_bind_int(st, 1, user_id);
	kf_stmt_bind_int(st, 2, review_id);
	kf_stmt_bind_text(st, 3, kind);
	kf_stmt_bind_int(st, 4, now);
	if (kf_stmt_exec(st) != KF_OK)
		return KF_EDB;
	*first = kf_db_changes(db) > 0;
	return KF_OK;
}

enum kf_err kf_store_staff_digest_users(struct kf_db *db, int64_t *ids, size_t max, size_t *n)
{
	struct kf_stmt *st = kf_db_prepare(
		db, "SELECT DISTINCT user_id FROM staff_notices WHERE mailed_at IS NULL ORDER BY user_id LIMIT ?");
	if (!st)
		return KF_EDB;
	kf_stmt_bind_int(st, 1, (int64_t)max);
	return ids_of(st, ids, max, n);
}

enum kf_err kf_store_staff_settings(struct kf_db *db, int64_t user_id, bool *digest, int64_t *last_day)
{
	*digest = true;
	*last_day = 0;
	struct kf_stmt *st = kf_db_prepare(db, "SELECT digest, last_digest_day FROM staff_settings WHERE user_id = ?");
	if (!st)
		return KF_EDB;
	kf_stmt_bind_int(st, 1, user_id);
	enum kf_step s = kf_stmt_step(st);
	if (s == KF_STEP_ROW) {
		*digest = kf_stmt_int(st, 0) == 1;
		*last_day = kf_stmt_int(st, 1);
	}
	kf_stmt_done(st);
	return s == KF_STEP_ERROR ? KF_EDB : KF_OK;
}

json_t *kf_store_staff_digest_items(struct kf_db *db, int64_t user_id)
{
	struct kf_stmt *st = kf_db_prepare(
		db, "SELECT n.review_id, n.kind AS notice, r.kind, r.subject_type, o.name AS provider_name, r.due_at,"
		    " c.config FROM staff_notices n JOIN reviews r ON r.id = n.review_id JOIN orgs o ON o.id = r.org_id"
		    " LEFT JOIN apps a ON r.subject_type = 'app' AND a.id = r.subject_id"
		    " LEFT JOIN app_configs c ON c.id = COALESCE(a.draft_config_id, a.live_config_id)"
		    " WHERE n.user_id = ? AND n.mailed_at IS NULL ORDER BY n.id LIMIT 200");
	if (!st)
		return NULL;
	kf_stmt_bind_int(st, 1, user_id);
	json_t *arr = json_array();
	enum kf_step s;
	while ((s = kf_stmt_step(st)) == KF_STEP_ROW) {
		const char *ct = kf_stmt_text(st, 6);
		json_t *cfg = ct ? json_loads(ct, 0, NULL) : NULL;
		const char *name = json_string_value(json_object_get(cfg, "name"));
		const char *prov = kf_stmt_text(st, 4);
		json_array_append_new(arr, json_pack("{s:I, s:s, s:s, s:s, s:s, s:I}", "review_id",
						     (json_int_t)kf_stmt_int(st, 0), "notice", kf_stmt_text(st, 1),
						     "kind", kf_stmt_text(st, 2), "subject_name",
						     name && *name ? name : prov ? prov : "", "provider_name",
						     prov ? prov : "", "due_at", (json_int_t)kf_stmt_int(st, 5)));
		json_decref(cfg);
	}
	kf_stmt_done(st);
	if (s == KF_STEP_ERROR) {
		json_decref(arr);
		return NULL;
	}
	return arr;
}

enum kf_err kf_store_staff_digest_done(struct kf_db *db, int64_t user_id, int64_t now, int64_t day)
{
	struct kf_stmt *st =
		kf_db_prepare(db, "UPDATE staff_notices SET mailed_at = ? WHERE user_id = ? AND mailed_at IS NULL");
	if (!st)
		return KF_EDB;
	kf_stmt_bind_int(st, 1, now);
	kf_stmt_bind_int(st, 2, user_id);
	if (kf_stmt_exec(st) != KF_OK)
		return KF_EDB;
	if (!day)
		return KF_OK;
	st = kf_db_prepare(db, "INSERT INTO staff_settings (user_id, digest, last_digest_day, updated_at)"
			       " VALUES (?, 1, ?, ?) ON CONFLICT (user_id) DO UPDATE SET"
			       " last_digest_day = excluded.last_digest_day");
	if (!st)
		return KF_EDB;
	kf_stmt_bind_int(st, 1, user_id);
	kf_stmt_bind_int(st, 2, day);
	kf_stmt_bind_int(st, 3, now);
	return kf_stmt_exec(st) == KF_OK ? KF_OK : KF_EDB;
}

enum kf_err kf_store_staff_set_digest(struct kf_db *db, int64_t user_id, bool on, int64_t now)
{
	struct kf_stmt *st = kf_db_prepare(db, "INSERT INTO staff_settings (user_id, digest, last_digest_day, updated_at)"
					       " VALUES (?, ?, 0, ?) ON CONFLICT (user_id) DO UPDATE SET"
					       " digest = excluded.digest, updated_at = excluded.updated_at");
	if (!st)
		return KF_EDB;
	kf_stmt_bind_int(st, 1, user_id);
	kf_stmt_bind_int(st, 2, on ? 1 : 0);
	kf_stmt_bind_int(st, 3, now);
	return kf_stmt_exec(st) == KF_OK ? KF_OK : KF_EDB;
}

json_t *kf_store_staff_list_json(struct kf_db *db)
{
	struct kf_stmt *st = kf_db_prepare(
		db, "SELECT u.id AS user_id, u.name, u.email, m.role, u.status,"
		    " CASE WHEN COALESCE(s.digest, 1) = 1 THEN 1 ELSE 0 END AS digest"
		    " FROM users u JOIN memberships m ON m.user_id = u.id JOIN orgs o ON o.id = m.org_id"
		    " LEFT JOIN staff_settings s ON s.user_id = u.id WHERE o.kind = 'operator' ORDER BY u.id LIMIT 1000");
	if (!st)
		return NULL;
	json_t *arr = kf_stmt_rows_json(st);
	size_t i;
	json_t *v;
	json_array_foreach(arr, i, v)
		json_object_set_new(v, "digest", json_boolean(json_integer_value(json_object_get(v, "digest")) == 1));
	return arr;
}
