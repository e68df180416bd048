/* SPDX-License-Identifier: Apache-2.0 */
/* SQL of objections (see objections.h). */
#include "store/objections.h"

#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "store/db.h"

enum kf_err kf_store_objection_measure(struct kf_db *db, int64_t id, int64_t now, struct kf_objection_measure *out)
{
	struct kf_stmt *st = kf_db_prepare(
		db, "SELECT m.id, m.org, COALESCE(a.app_id, ''), m.kind, m.rule,"
		    " CASE WHEN m.ended_at IS NULL AND m.started_at <= ? AND (m.ends_at IS NULL OR m.ends_at > ?)"
		    " THEN 1 ELSE 0 END"
		    " FROM measures m LEFT JOIN apps a ON a.id = m.app WHERE m.id = ?");
	if (!st)
		return KF_EDB;
	kf_stmt_bind_int(st, 1, now);
	kf_stmt_bind_int(st, 2, now);
	kf_stmt_bind_int(st, 3, id);
	enum kf_err rc = kf_stmt_first(st);
	if (rc != KF_OK)
		return rc;
	memset(out, 0, sizeof(*out));
	out->id = kf_stmt_int(st, 0);
	out->org = kf_stmt_int(st, 1);
	snprintf(out->app_id, sizeof(out->app_id), "%s", kf_stmt_text(st, 2) ? kf_stmt_text(st, 2) : "");
	snprintf(out->kind, sizeof(out->kind), "%s", kf_stmt_text(st, 3) ? kf_stmt_text(st, 3) : "");
	snprintf(out->rule, sizeof(out->rule), "%s", kf_stmt_text(st, 4) ? kf_stmt_text(st, 4) : "");
	out->in_force = kf_stmt_int(st, 5) == 1;
	kf_stmt_done(st);
	return KF_OK;
}

enum kf_err kf_store_objection_pending_exists(struct kf_db *db, int64_t measure, bool *found)
{
	struct kf_stmt *st =
		kf_db_prepare(db, "SELECT 1 FROM objections WHERE measure = ? AND state = 'pending' LIMIT 1");
	if (!st)
		return KF_EDB;
	kf_stmt_bind_int(st, 1, measure);
	return kf_stmt_exists(st, found);
}

enum kf_err kf_store_objection_insert(struct kf_db *db, int64_t measure, int64_t org, const char *text,
				      const char *files, int64_t user, int64_t now, int64_t *id)
{
	struct kf_stmt *st = kf_db_prepare(db, "INSERT INTO objections (measure, org, text, files, state, submitted_by,"
					       " submitted_at) VALUES (?, ?, ?, ?, 'pending', ?, ?)");
	if (!st)
		return KF_EDB;
	kf_stmt_bind_int(st, 1, measure);
	kf_stmt_bind_int(st, 2, org);
	kf_stmt_bind_text(st, 3, text);
	kf_stmt_bind_text(st, 4, files ? files : "[]");
	kf_stmt_bind_int(st, 5, user);
	kf_stmt_bind_int(st, 6, now);
	if (kf_stmt_exec(st) != KF_OK)
		return KF_EDB;
	*id = kf_db_last_id(db);
	return KF_OK;
}

enum kf_err kf_store_objection_get(struct kf_db *db, int64_t id, struct kf_objection_row *out)
{
	struct kf_stmt *st = kf_db_prepare(db, "SELECT id, measure, org, state FROM objections WHERE id = ?");
	if (!st)
		return KF_EDB;
	kf_stmt_bind_int(st, 1, id);
	enum kf_err rc = kf_stmt_first(st);
	if (rc != KF_OK)
		return rc;
	out->id = kf_stmt_int(st, 0);
	out->measure = kf_stmt_int(st, 1);
	out->org = kf_stmt_int(st, 2);
	snprintf(out->state, sizeof(out->state), "%s", kf_stmt_text(st, 3) ? kf_stmt_text(st, 3) : "");
	kf_stmt_done(st);
	return KF_OK;
}

enum kf_err kf_store_objection_decide(struct kf_db *db, int64_t id, const char *state, int64_t by, const char *note,
				      int64_t now)
{
	struct kf_stmt *st = kf_db_prepare(db, "UPDATE objections SET state = ?, decided_by = ?, decided_at = ?,"
					       " decision_note = ? WHERE id = ? AND state = 'pending'");
	if (!st)
		return KF_EDB;
	kf_stmt_bind_text(st, 1, state);
	kf_stmt_bind_int(st, 2, by);
	kf_stmt_bind_int(st, 3, now);
	kf_stmt_bind_text(st, 4, note ? note : "");
	kf_stmt_bind_int(st, 5, id);
	if (kf_stmt_exec(st) != KF_OK)
		return KF_EDB;
	return kf_db_changes(db) == 1 ? KF_OK : KF_ECONFLICT;
}

#define OBJ_COLS                                                                                                   \
	"SELECT o.id, o.measure, o.org, COALESCE(a.app_id, ''), m.kind, m.rule, o.text, o.files, o.state,"        \
	" o.submitted_by, o.submitted_at, o.decided_by, o.decided_at, o.decision_note, g.name"                    \
	" FROM objections o JOIN measures m ON m.id = o.measure LEFT JOIN apps a ON a.id = m.app"                  \
	" JOIN orgs g ON g.id = o.org"

static json_t *opt_int(struct kf_stmt *st, int col)
{
	return kf_stmt_is_null(st, col) ? json_null() : json_integer(kf_stmt_int(st, col));
}

static json_t *text_or_null(struct kf_stmt *st, int col)
{
	const char *s = kf_stmt_text(st, col);
	return s ? json_string(s) : json_null();
}

/* The current row of OBJ_COLS as the API shows it. */
static json_t *row_json(struct kf_stmt *st)
{
	const char *files = kf_stmt_text(st, 7);
	json_t *fa = files ? json_loads(files, 0, NULL) : NULL;
	if (!json_is_array(fa)) {
		json_decref(fa);
		fa = json_array();
	}
	const char *app = kf_stmt_text(st, 3);
	return json_pack("{s:I, s:I, s:I, s:o, s:s, s:s, s:s, s:o, s:s, s:o, s:I, s:o, s:o, s:o, s:o}", "id",
			 (json_int_t)kf_stmt_int(st, 0), "measure_id", (json_int_t)kf_stmt_int(st, 1), "provider_id",
			 (json_int_t)kf_stmt_int(st, 2), "app_id", app && *app ? json_string(app) : json_null(),
			 "measure_kind", kf_stmt_text(st, 4) ? kf_stmt_text(st, 4) : "", "rule",
			 kf_stmt_text(st, 5) ? kf_stmt_text(st, 5) : "", "text",
			 kf_stmt_text(st, 6) ? kf_stmt_text(st, 6) : "", "files", fa, "state",
			 kf_stmt_text(st, 8) ? kf_stmt_text(st, 8) : "", "submitted_by", opt_int(st, 9), "submitted_at",
			 (json_int_t)kf_stmt_int(st, 10), "decided_by", opt_int(st, 11), "decided_at", opt_int(st, 12),
			 "decision_note", text_or_null(st, 13), "provider_name", text_or_null(st, 14));
}

static json_t *rows_json(struct kf_stmt *st)
{
	json_t *out = json_array();
	enum kf_step s;
	while ((s = kf_stmt_step(st)) == KF_STEP_ROW)
		json_array_append_new(out, row_json(st));
	kf_stmt_done(st);
	if (s != KF_STEP_DONE) {
		json_decref(out);
		return NULL;
	}
	return out;
}

json_t *kf_store_objection_json(struct kf_db *db, int64_t id)
{
	struct kf_stmt *st = kf_db_prepare(db, OBJ_COLS " WHERE o.id = ?");
	if (!st)
		return NULL;
	kf_stmt_bind_int(st, 1, id);
	if (kf_stmt_first(st) != KF_OK)
		return NULL;
	json_t *o = row_json(st);
	kf_stmt_done(st);
	return o;
}

json_t *kf_store_objections_of_measure(struct kf_db *db, int64_t measure)
{
	struct kf_stmt *st = kf_db_prepare(db, OBJ_COLS " WHERE o.measure = ? ORDER BY o.id");
	if (!st)
		return NULL;
	kf_stmt_bind_int(st, 1, measure);
	return rows_json(st);
}

json_t *kf_store_objections_list(struct kf_db *db, const char *state, int64_t after, int limit, int64_t *total)
{
	struct kf_stmt *st = kf_db_prepare(
		db, OBJ_COLS " WHERE (CAST(? AS TEXT) IS NULL OR o.state = CAST(? AS TEXT)) AND o.id > ? ORDER BY o.id LIMIT ?");
	if (!st)
		return NULL;
	kf_stmt_bind_text(st, 1, state);
	kf_stmt_bind_text(st, 2, state);
	kf_stmt_bind_int(st, 3, after);
	kf_stmt_bind_int(st, 4, limit);
	json_t *rows = rows_json(st);
	if (!rows || !total)
		return rows;
	st = kf_db_prepare(db, "SELECT COUNT(*) FROM objections WHERE (CAST(? AS TEXT) IS NULL OR state = CAST(? AS TEXT))");
	if (!st || (kf_stmt_bind_text(st, 1, state), kf_stmt_bind_text(st, 2, state), kf_stmt_first(st)) != KF_OK) {
		json_decref(rows);
		return NULL;
	}
	*total = kf_stmt_int(st, 0);
	kf_stmt_done(st);
	return rows;
}

enum kf_err kf_store_objection_deciders(struct kf_db *db, int64_t *ids, size_t max, size_t *n)
{
	struct kf_stmt *st = kf_db_prepare(db, "SELECT u.id FROM users u JOIN memberships m ON m.user_id = u.id"
					       " JOIN orgs o ON o.id = m.org_id WHERE o.kind = 'operator'"
					       " AND m.role IN ('ops', 'admin') AND u.status = 'active' ORDER BY u.id");
	if (!st)
		return KF_EDB;
	*n = 0;
	enum kf_step s;
	while ((s = kf_stmt_step(st)) == KF_STEP_ROW)
		if (*n < max)
			ids[(*n)++] = kf_stmt_int(st, 0);
	kf_stmt_done(st);
	return s == KF_STEP_DONE ? KF_OK : KF_EDB;
}

json_t *kf_store_measures_of_user(struct kf_db *db, int64_t user, int64_t now, int limit)
{
	struct kf_stmt *st = kf_db_prepare(
		db, "SELECT m.id, COALESCE(a.app_id, ''), m.org, g.name, m.kind, m.rule, m.reason, m.started_at,"
		    " m.ends_at, m.min_until, m.needs_rectification,"
		    " CASE WHEN EXISTS (SELECT 1 FROM objections o WHERE o.measure = m.id AND o.state = 'pending')"
		    " THEN 1 ELSE 0 END"
		    " FROM measures m JOIN memberships ms ON ms.org_id = m.org AND ms.user_id = ?"
		    " JOIN orgs g ON g.id = m.org LEFT JOIN apps a ON a.id = m.app"
		    " WHERE m.ended_at IS NULL AND m.started_at <= ? AND (m.ends_at IS NULL OR m.ends_at > ?)"
		    " ORDER BY m.id DESC LIMIT ?");
	if (!st)
		return NULL;
	kf_stmt_bind_int(st, 1, user);
	kf_stmt_bind_int(st, 2, now);
	kf_stmt_bind_int(st, 3, now);
	kf_stmt_bind_int(st, 4, limit);
	json_t *out = json_array();
	enum kf_step s;
	while ((s = kf_stmt_step(st)) == KF_STEP_ROW) {
		const char *app = kf_stmt_text(st, 1);
		json_array_append_new(
			out, json_pack("{s:I, s:o, s:I, s:o, s:s, s:s, s:o, s:I, s:o, s:o, s:b, s:b}", "id",
				       (json_int_t)kf_stmt_int(st, 0), "app_id", app && *app ? json_string(app) : json_null(),
				       "provider_id", (json_int_t)kf_stmt_int(st, 2), "provider_name", text_or_null(st, 3),
				       "kind", kf_stmt_text(st, 4) ? kf_stmt_text(st, 4) : "", "rule",
				       kf_stmt_text(st, 5) ? kf_stmt_text(st, 5) : "", "reason", text_or_null(st, 6),
				       "starts_at", (json_int_t)kf_stmt_int(st, 7), "ends_at", opt_int(st, 8), "min_until",
				       opt_int(st, 9), "needs_rectification", kf_stmt_int(st, 10) == 1, "objection_pending",
				       kf_stmt_int(st, 11) == 1));
	}
	kf_stmt_done(st);
	if (s != KF_STEP_DONE) {
		json_decref(out);
		return NULL;
	}
	return out;
}
