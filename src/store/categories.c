/* SPDX-License-Identifier: Apache-2.0 */
/* SQL of the admins' category edits (see categories.h). */
#include "store/categories.h"

#include "store/db.h"

enum kf_err kf_store_category_insert(struct kf_db *db, const char *key, const char *name_zh, const char *name_en,
				     const char *qualifications_json)
{
	struct kf_stmt *st =
		kf_db_prepare(db, "INSERT INTO categories (key, name, name_en, qualifications) VALUES (?, ?, ?, ?)");
	if (!st)
		return KF_EDB;
	kf_stmt_bind_text(st, 1, key);
	kf_stmt_bind_text(st, 2, name_zh);
	kf_stmt_bind_text(st, 3, name_en);
	kf_stmt_bind_text(st, 4, qualifications_json);
	if (kf_stmt_exec(st) == KF_OK)
		return KF_OK;
	return kf_db_is_constraint_error(db) ? KF_ECONFLICT : KF_EDB;
}

enum kf_err kf_store_category_update(struct kf_db *db, const char *key, const char *name_zh, const char *name_en,
				     const char *qualifications_json)
{
	struct kf_stmt *st = kf_db_prepare(
		db, "UPDATE categories SET name = COALESCE(CAST(? AS TEXT), name), name_en = COALESCE(CAST(? AS TEXT),"
		    " name_en), qualifications = COALESCE(CAST(? AS TEXT), qualifications) WHERE key = ?");
	if (!st)
		return KF_EDB;
	kf_stmt_bind_text(st, 1, name_zh);
	kf_stmt_bind_text(st, 2, name_en);
	kf_stmt_bind_text(st, 3, qualifications_json);
	kf_stmt_bind_text(st, 4, key);
	if (kf_stmt_exec(st) != KF_OK)
		return KF_EDB;
	return kf_db_changes(db) == 1 ? KF_OK : KF_ENOTFOUND;
}
