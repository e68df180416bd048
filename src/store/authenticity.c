/* SPDX-License-Identifier: Apache-2.0 */
/* SQL of the authenticity certifications (APP-9). */
#include "store/authenticity.h"

#include <jansson.h>
#include <stdio.h>

#include "store/db.h"

#define COPY(dst, src) snprintf((dst), sizeof(dst), "%s", (src) ? (src) : "")

enum kf_err kf_store_authenticity_insert(struct kf_db *db, int64_t org_id, const char *evidence_json, int64_t by,
					 int64_t now, int64_t *id)
{
	struct kf_stmt *st = kf_db_prepare(db, "INSERT INTO authenticity (org_id, evidence, state, submitted_by,"
					       " submitted_at) VALUES (?, ?, 'pending', ?, ?)");
	if (!st)
		return KF_EDB;
	kf_stmt_bind_int(st, 1, org_id);
	kf_stmt_bind_text(st, 2, evidence_json);
	kf_stmt_bind_int(st, 3, by);
	kf_stmt_bind_int(st, 4, now);
	if (kf_stmt_exec(st) != KF_OK)
		return KF_EDB;
	*id = kf_db_last_id(db);
	return KF_OK;
}

enum kf_err kf_store_authenticity_set_review(struct kf_db *db, int64_t id, int64_t review_id)
{
	struct kf_stmt *st = kf_db_prepare(db, "UPDATE authenticity SET review_id = ? WHERE id = ?");
	if (!st)
		return KF_EDB;
	kf_stmt_bind_int(st, 1, review_id);
	kf_stmt_bind_int(st, 2, id);
	return kf_stmt_exec(st);
}

enum kf_err kf_store_authenticity_pending(struct kf_db *db, int64_t org_id, bool *pending)
{
	struct kf_stmt *st =
		kf_db_prepare(db, "SELECT 1 FROM authenticity WHERE org_id = ? AND state = 'pending' LIMIT 1");
	if (!st)
		return KF_EDB;
	kf_stmt_bind_int(st, 1, org_id);
	return kf_stmt_exists(st, pending);
}

enum kf_err kf_store_authenticity_by_review(struct kf_db *db, int64_t review_id, struct kf_authenticity_row *out)
{
	struct kf_stmt *st = kf_db_prepare(db, "SELECT id, org_id, state, review_id, valid_until FROM authenticity"
					       " WHERE review_id = ? ORDER BY id DESC LIMIT 1");
	if (!st)
		return KF_EDB;
	kf_stmt_bind_int(st, 1, review_id);
	enum kf_err found = kf_stmt_first(st);
	if (found != KF_OK)
		return found;
	out->id = kf_stmt_int(st, 0);
	out->org_id = kf_stmt_int(st, 1);
	COPY(out->state, kf_stmt_text(st, 2));
	out->review_id = kf_stmt_int(st, 3);
	out->valid_until = kf_stmt_int(st, 4);
	kf_stmt_done(st);
	return KF_OK;
}

enum kf_err kf_store_authenticity_decide(struct kf_db *db, int64_t id, enum kf_review_state state_enum, int64_t valid_until,
					 int64_t now)
{
	const char *state = kf_review_state_name(state_enum);
	if (!state)
		return KF_EINVAL;
	struct kf_stmt *st = kf_db_prepare(db, "UPDATE authenticity SET state = ?, decided_at = ?, valid_until = ?"
					       " WHERE id = ? AND state = 'pending'");
	if (!st)
		return KF_EDB;
	kf_stmt_bind_text(st, 1, state);
	kf_stmt_bind_int(st, 2, now);
	if (valid_until)
		kf_stmt_bind_int(st, 3, valid_until);
	else
		kf_stmt_bind_null(st, 3);
	kf_stmt_bind_int(st, 4, id);
	if (kf_stmt_exec(st) != KF_OK)
		return KF_EDB;
	return kf_db_changes(db) ? KF_OK : KF_ECONFLICT;
}

enum kf_err kf_store_authenticity_valid_until(struct kf_db *db, int64_t org_id, int64_t *until)
{
	struct kf_stmt *st = kf_db_prepare(db, "SELECT COALESCE(MAX(valid_until), 0) FROM authenticity"
					       " WHERE org_id = ? AND state = 'approved'");
	if (!st)
		return KF_EDB;
	kf_stmt_bind_int(st, 1, org_id);
	enum kf_step s = kf_stmt_step(st);
	*until = s == KF_STEP_ROW ? kf_stmt_int(st, 0) : 0;
	kf_stmt_done(st);
	return s == KF_STEP_ROW ? KF_OK : KF_EDB;
}

enum kf_err kf_store_authenticity_latest_json(struct kf_db *db, int64_t org_id, json_t **out)
{
	struct kf_stmt *st = kf_db_prepare(
		db, "SELECT id, org_id AS provider_id, state, review_id, submitted_by, submitted_at, decided_at,"
		    " valid_until, evidence FROM authenticity WHERE org_id = ? ORDER BY id DESC LIMIT 1");
	if (!st)
		return KF_EDB;
	kf_stmt_bind_int(st, 1, org_id);
	enum kf_err found = kf_stmt_first(st);
	if (found != KF_OK)
		return found;
	json_t *o = kf_stmt_row_json(st);
	json_t *ev = json_loads(kf_stmt_text(st, 8), 0, NULL);
	kf_stmt_done(st);
	json_object_del(o, "evidence");
	json_t *docs = json_object_get(ev, "documents");
	json_t *stmt = json_object_get(ev, "statement");
	json_object_set_new(o, "documents", json_is_array(docs) ? json_incref(docs) : json_array());
	json_object_set_new(o, "statement", json_is_string(stmt) ? json_incref(stmt) : json_null());
	json_decref(ev);
	*out = o;
	return KF_OK;
}
