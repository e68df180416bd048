/* SPDX-License-Identifier: Apache-2.0 */
/* SQL of the permission-set catalog (see permsets.h). */
#include "store/permsets.h"

#include <stdio.h>
#include <string.h>

#include "store/db.h"
#include "util/mem.h"

enum kf_err kf_store_permsets_list(struct kf_db *db, struct kf_arena *a, struct kf_permset_row **out, size_t *n)
{
	*out = NULL;
	*n = 0;
	struct kf_stmt *st = kf_db_prepare(db,
		"SELECT id, key, name, name_en, description, data_entrusted, apis, optional, description_zh,"
		" data_entrusted_zh, member_data, COALESCE(capability_check, '') FROM permission_sets ORDER BY id");
	if (!st)
		return KF_EDB;
	size_t cap = 16, cnt = 0;
	struct kf_permset_row *v = kf_arena_alloc(a, cap * sizeof(*v));
	enum kf_step s;
	while ((s = kf_stmt_step(st)) == KF_STEP_ROW) {
		if (cnt == cap) {
			struct kf_permset_row *nv = kf_arena_alloc(a, 2 * cap * sizeof(*v));
			memcpy(nv, v, cnt * sizeof(*v));
			v = nv;
			cap *= 2;
		}
		v[cnt] = (struct kf_permset_row){
			.id = kf_stmt_int(st, 0),
			.key = kf_arena_strdup(a, kf_stmt_text(st, 1)),
			.name = kf_arena_strdup(a, kf_stmt_text(st, 2)),
			.name_en = kf_arena_strdup(a, kf_stmt_text(st, 3)),
			.description = kf_arena_strdup(a, kf_stmt_text(st, 4)),
			.data_entrusted = kf_arena_strdup(a, kf_stmt_text(st, 5)),
			.apis = kf_arena_strdup(a, kf_stmt_text(st, 6)),
			.optional = kf_stmt_int(st, 7) != 0,
			.description_zh = kf_arena_strdup(a, kf_stmt_text(st, 8)),
			.data_entrusted_zh = kf_arena_strdup(a, kf_stmt_text(st, 9)),
			.member_data = kf_stmt_int(st, 10) == 1,
			.capability_check = kf_arena_strdup(a, kf_stmt_text(st, 11)),
		};
		cnt++;
	}
	kf_stmt_done(st);
	if (s == KF_STEP_ERROR)
		return KF_EDB;
	*out = v;
	*n = cnt;
	return KF_OK;
}

enum kf_err kf_store_permsets_get(struct kf_db *db, struct kf_arena *a, const int64_t *ids, size_t n_ids,
				  struct kf_permset_row *out, size_t max, size_t *n)
{
	*n = 0;
	struct kf_permset_row *all = NULL;
	size_t n_all = 0;
	enum kf_err rc = kf_store_permsets_list(db, a, &all, &n_all);
	if (rc != KF_OK)
		return rc;
	for (size_t i = 0; i < n_ids && *n < max; i++)
		for (size_t k = 0; k < n_all; k++)
			if (all[k].id == ids[i]) {
				out[(*n)++] = all[k];
				break;
			}
	return KF_OK;
}

enum kf_err kf_store_permset_insert(struct kf_db *db, const struct kf_permset_row *row)
{
	struct kf_stmt *st = kf_db_prepare(db,
		"INSERT INTO permission_sets (id, key, name, name_en, description, data_entrusted, apis, optional,"
		" description_zh, data_entrusted_zh, member_data, capability_check)"
		" VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
	if (!st)
		return KF_EDB;
	kf_stmt_bind_int(st, 1, row->id);
	kf_stmt_bind_text(st, 2, row->key);
	kf_stmt_bind_text(st, 3, row->name);
	kf_stmt_bind_text(st, 4, row->name_en);
	kf_stmt_bind_text(st, 5, row->description);
	kf_stmt_bind_text(st, 6, row->data_entrusted);
	kf_stmt_bind_text(st, 7, row->apis ? row->apis : "[]");
	kf_stmt_bind_int(st, 8, row->optional ? 1 : 0);
	kf_stmt_bind_text(st, 9, row->description_zh ? row->description_zh : "");
	kf_stmt_bind_text(st, 10, row->data_entrusted_zh ? row->data_entrusted_zh : "");
	kf_stmt_bind_int(st, 11, row->member_data ? 1 : 0);
	if (row->capability_check && row->capability_check[0])
		kf_stmt_bind_text(st, 12, row->capability_check);
	else
		kf_stmt_bind_null(st, 12);
	if (kf_stmt_exec(st) == KF_OK)
		return KF_OK;
	return kf_db_is_constraint_error(db) ? KF_ECONFLICT : KF_EDB;
}

enum kf_err kf_store_permset_update(struct kf_db *db, const struct kf_permset_row *row)
{
	struct kf_stmt *st = kf_db_prepare(db,
		"UPDATE permission_sets SET name = COALESCE(CAST(? AS TEXT), name),"
		" name_en = COALESCE(CAST(? AS TEXT), name_en), description = COALESCE(CAST(? AS TEXT), description),"
		" data_entrusted = COALESCE(CAST(? AS TEXT), data_entrusted),"
		" description_zh = COALESCE(CAST(? AS TEXT), description_zh),"
		" data_entrusted_zh = COALESCE(CAST(? AS TEXT), data_entrusted_zh), apis = COALESCE(CAST(? AS TEXT), apis),"
		" capability_check = CASE WHEN CAST(? AS TEXT) IS NULL THEN capability_check"
		" WHEN CAST(? AS TEXT) = '' THEN NULL ELSE CAST(? AS TEXT) END,"
		" optional = ?, member_data = ? WHERE id = ?");
	if (!st)
		return KF_EDB;
	kf_stmt_bind_text(st, 1, row->name);
	kf_stmt_bind_text(st, 2, row->name_en);
	kf_stmt_bind_text(st, 3, row->description);
	kf_stmt_bind_text(st, 4, row->data_entrusted);
	kf_stmt_bind_text(st, 5, row->description_zh);
	kf_stmt_bind_text(st, 6, row->data_entrusted_zh);
	kf_stmt_bind_text(st, 7, row->apis);
	kf_stmt_bind_text(st, 8, row->capability_check);
	kf_stmt_bind_text(st, 9, row->capability_check);
	kf_stmt_bind_text(st, 10, row->capability_check);
	kf_stmt_bind_int(st, 11, row->optional ? 1 : 0);
	kf_stmt_bind_int(st, 12, row->member_data ? 1 : 0);
	kf_stmt_bind_int(st, 13, row->id);
	if (kf_stmt_exec(st) != KF_OK)
		return KF_EDB;
	return kf_db_changes(db) == 1 ? KF_OK : KF_ENOTFOUND;
}

enum kf_err kf_store_permission_set_checks(struct kf_db *db, int64_t id, char key[64], char checks[256])
{
	struct kf_stmt *st = kf_db_prepare(db, "SELECT key, COALESCE(capability_check, '') FROM permission_sets WHERE id = ?");
	if (!st)
		return KF_EDB;
	kf_stmt_bind_int(st, 1, id);
	enum kf_step s = kf_stmt_step(st);
	if (s == KF_STEP_ROW) {
		snprintf(key, 64, "%s", kf_stmt_text(st, 0));
		snprintf(checks, 256, "%s", kf_stmt_text(st, 1));
	}
	kf_stmt_done(st);
	return s == KF_STEP_ROW ? KF_OK : s == KF_STEP_DONE ? KF_ENOTFOUND : KF_EDB;
}

enum kf_err kf_store_permission_set_catalog(struct kf_db *db, int64_t *ids, char (*keys)[64], size_t max,
					    size_t *n)
{
	*n = 0;
	struct kf_stmt *st = kf_db_prepare(db, "SELECT id, key FROM permission_sets ORDER BY id");
	if (!st)
		return KF_EDB;
	enum kf_step s = KF_STEP_DONE;
	while (*n < max && (s = kf_stmt_step(st)) == KF_STEP_ROW) {
		ids[*n] = kf_stmt_int(st, 0);
		if (keys)
			snprintf(keys[*n], 64, "%s", kf_stmt_text(st, 1));
		(*n)++;
	}
	kf_stmt_done(st);
	return *n < max && s == KF_STEP_ERROR ? KF_EDB : KF_OK;
}
