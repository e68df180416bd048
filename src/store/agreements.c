/* SPDX-License-Identifier: Apache-2.0 */
/* SQL for agreements and consents. */
#include "store/agreements.h"

#include <jansson.h>
#include <string.h>

#include "store/db.h"
#include "util/mem.h"

static bool required_for(const char *json_list, const char *audience)
{
	json_t *j = json_loads(json_list ? json_list : "[]", 0, NULL);
	bool req = false;
	size_t i;
	json_t *v;
	json_array_foreach(j, i, v) {
		const char *s = json_string_value(v);
		if (s && (!strcmp(s, "all") || (audience && !strcmp(s, audience))))
			req = true;
	}
	json_decref(j);
	return req;
}

enum kf_err kf_store_agreements_load(struct kf_db *db, struct kf_arena *a, const char *audience,
				     struct kf_agreement **out, size_t *n)
{
	struct kf_stmt *st = kf_db_prepare(
		db, "SELECT key, version, effective_at, notice_days, required_for FROM agreements ORDER BY key, version");
	if (!st)
		return KF_EDB;
	size_t cap = 16, cnt = 0;
	struct kf_agreement *v = kf_arena_alloc(a, cap * sizeof(*v));
	enum kf_step s;
	while ((s = kf_stmt_step(st)) == KF_STEP_ROW) {
		if (cnt == cap) {
			struct kf_agreement *nv = kf_arena_alloc(a, 2 * cap * sizeof(*v));
			memcpy(nv, v, cnt * sizeof(*v));
			v = nv;
			cap *= 2;
		}
		v[cnt].key = kf_arena_strdup(a, kf_stmt_text(st, 0));
		v[cnt].version = (int)kf_stmt_int(st, 1);
		v[cnt].effective_at = kf_stmt_int(st, 2);
		v[cnt].notice_days = (int)kf_stmt_int(st, 3);
		v[cnt].required = required_for(kf_stmt_text(st, 4), audience);
		cnt++;
	}
	kf_stmt_done(st);
	*out = v;
	*n = cnt;
	return s == KF_STEP_ERROR ? KF_EDB : KF_OK;
}

enum kf_err kf_store_consents_load(struct kf_db *db, struct kf_arena *a, int64_t user_id,
				   struct kf_consent **out, size_t *n)
{
	struct kf_stmt *st = kf_db_prepare(db, "SELECT agreement_key, version FROM consents WHERE user_id = ?");
	if (!st)
		return KF_EDB;
	kf_stmt_bind_int(st, 1, user_id);
	size_t cap = 16, cnt = 0;
	struct kf_consent *v = kf_arena_alloc(a, cap * sizeof(*v));
	enum kf_step s;
	while ((s = kf_stmt_step(st)) == KF_STEP_ROW) {
		if (cnt == cap) {
			struct kf_consent *nv = kf_arena_alloc(a, 2 * cap * sizeof(*v));
			memcpy(nv, v, cnt * sizeof(*v));
			v = nv;
			cap *= 2;
		}
		v[cnt].key = kf_arena_strdup(a, kf_stmt_text(st, 0));
		v[cnt].version = (int)kf_stmt_int(st, 1);
		cnt++;
	}
	kf_stmt_done(st);
	*out = v;
	*n = cnt;
	return s == KF_STEP_ERROR ? KF_EDB : KF_OK;
}

enum kf_err kf_store_agreement_latest(struct kf_db *db, const char *key, int *version)
{
	struct kf_stmt *st = kf_db_prepare(db, "SELECT COALESCE(MAX(version), 0) FROM agreements WHERE key = ?");
	if (!st)
		return KF_EDB;
	kf_stmt_bind_text(st, 1, key);
	enum kf_step s = kf_stmt_step(st);
	*version = s == KF_STEP_ROW ? (int)kf_stmt_int(st, 0) : 0;
	kf_stmt_done(st);
	return s == KF_STEP_ROW ? KF_OK : KF_EDB;
}

enum kf_err kf_store_agreement_insert(struct kf_db *db, const char *key, int version, const char *title,
				      const char *body, int64_t effective_at, int notice_days,
				      const char *required_for_json, const char *change_kind, int64_t by, int64_t now,
				      int64_t *id)
{
	struct kf_stmt *st = kf_db_prepare(
		db, "INSERT INTO agreements (key, version, title, body, effective_at, notice_days, required_for,"
		    " published_by, created_at, change_kind) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
	if (!st)
		return KF_EDB;
	kf_stmt_bind_text(st, 1, key);
	kf_stmt_bind_int(st, 2, version);
	kf_stmt_bind_text(st, 3, title);
	kf_stmt_bind_text(st, 4, body);
	kf_stmt_bind_int(st, 5, effective_at);
	kf_stmt_bind_int(st, 6, notice_days);
	kf_stmt_bind_text(st, 7, required_for_json);
	if (by)
		kf_stmt_bind_int(st, 8, by);
	else
		kf_stmt_bind_null(st, 8);
	kf_stmt_bind_int(st, 9, now);
	kf_stmt_bind_text(st, 10, change_kind);
	if (kf_stmt_exec(st) != KF_OK)
		return kf_db_is_constraint_error(db) ? KF_ECONFLICT : KF_EDB;
	*id = kf_db_last_id(db);
	return KF_OK;
}

enum kf_err kf_store_consent_insert(struct kf_db *db, int64_t user_id, const char *key, int version, int64_t now)
{
	struct kf_stmt *st = kf_db_prepare(
		db, "INSERT INTO consents (user_id, agreement_key, version, consented_at) VALUES (?, ?, ?, ?)"
		    " ON CONFLICT DO NOTHING");
	if (!st)
		return KF_EDB;
	kf_stmt_bind_int(st, 1, user_id);
	kf_stmt_bind_text(st, 2, key);
	kf_stmt_bind_int(st, 3, version);
	kf_stmt_bind_int(st, 4, now);
	return kf_stmt_exec(st);
}

json_t *kf_store_agreements_json(struct kf_db *db, const char *key, int with_body)
{
	static const char q_all[] =
		"SELECT key, version, title, effective_at, notice_days, required_for, created_at, body, change_kind"
		" FROM agreements WHERE (CAST(? AS TEXT) IS NULL OR key = ?) ORDER BY key, version DESC";
	struct kf_stmt *st = kf_db_prepare(db, q_all);
	if (!st)
		return NULL;
	kf_stmt_bind_text(st, 1, key);
	kf_stmt_bind_text(st, 2, key);
	json_t *arr = json_array();
	enum kf_step s;
	while ((s = kf_stmt_step(st)) == KF_STEP_ROW) {
		json_t *o = kf_stmt_row_json(st);
		json_t *rf = json_loads(kf_stmt_text(st, 5), 0, NULL);
		json_object_set_new(o, "required_for", rf ? rf : json_array());
		if (!with_body)
			json_object_del(o, "body");
		json_array_append_new(arr, o);
	}
	kf_stmt_done(st);
	if (s == KF_STEP_ERROR) {
		json_decref(arr);
		return NULL;
	}
	return arr;
}

enum kf_err kf_store_consent_all(struct kf_db *db, int64_t user_id, int64_t now)
{
	/* WHERE 1 = 1: SQLite needs a WHERE before an upsert's ON CONFLICT
	 * after INSERT … SELECT, to tell it from a join's ON. */
	struct kf_stmt *st = kf_db_prepare(db, "INSERT INTO consents (user_id, agreement_key, version, consented_at)"
					       " SELECT CAST(? AS BIGINT), key, version, CAST(? AS BIGINT) FROM agreements"
					       " WHERE 1 = 1 ON CONFLICT (user_id, agreement_key, version) DO NOTHING");
	if (!st)
		return KF_EDB;
	kf_stmt_bind_int(st, 1, user_id);
	kf_stmt_bind_int(st, 2, now);
	return kf_stmt_exec(st) == KF_OK ? KF_OK : KF_EDB;
}
