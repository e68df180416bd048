/* SPDX-License-Identifier: Apache-2.0 */
/* SQL of the release pipeline: submissions, review details, going live. */
#include "store/release.h"

#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "store/db.h"
#include "store/search.h"

#define COPY(dst, src) snprintf((dst), sizeof(dst), "%s", (src) ? (src) : "")

enum kf_err kf_store_app_release_get(struct kf_db *db, int64_t app, struct kf_app_release_row *out)
{
	struct kf_stmt *st = kf_db_prepare(db, "SELECT draft_listing_id, live_listing_id, released_version, released_at"
					       " FROM apps WHERE id = ? AND deleted_at IS NULL");
	if (!st)
		return KF_EDB;
	kf_stmt_bind_int(st, 1, app);
	enum kf_err found = kf_stmt_first(st);
	if (found != KF_OK)
		return found;
	out->draft_listing_id = kf_stmt_int(st, 0);
	out->live_listing_id = kf_stmt_int(st, 1);
	COPY(out->released_version, kf_stmt_text(st, 2));
	out->released_at = kf_stmt_int(st, 3);
	kf_stmt_done(st);
	return KF_OK;
}

enum kf_err kf_store_submission_times(struct kf_db *db, int64_t app, const char *kind, int64_t since,
				      int64_t *times, size_t cap, size_t *n)
{
	struct kf_stmt *st = kf_db_prepare(db, "SELECT submitted_at FROM submissions WHERE app = ? AND kind = ?"
					       " AND submitted_at >= ? ORDER BY submitted_at, id");
	if (!st)
		return KF_EDB;
	kf_stmt_bind_int(st, 1, app);
	kf_stmt_bind_text(st, 2, kind);
	kf_stmt_bind_int(st, 3, since);
	enum kf_step s;
	*n = 0;
	while ((s = kf_stmt_step(st)) == KF_STEP_ROW)
		if (*n < cap)
			times[(*n)++] = kf_stmt_int(st, 0);
	kf_stmt_done(st);
	return s == KF_STEP_DONE ? KF_OK : KF_EDB;
}

enum kf_err kf_store_submission_running(struct kf_db *db, int64_t app, int64_t since, bool *running)
{
	struct kf_stmt *st = kf_db_prepare(db, "SELECT 1 FROM submissions WHERE app = ? AND outcome = 'running'"
					       " AND submitted_at > ? LIMIT 1");
	if (!st)
		return KF_EDB;
	kf_stmt_bind_int(st, 1, app);
	kf_stmt_bind_int(st, 2, since);
	return kf_stmt_exists(st, running);
}

enum kf_err kf_store_submission_insert(struct kf_db *db, int64_t app, const char *kind, int64_t user, int64_t now,
				       int64_t *id)
{
	struct kf_stmt *st = kf_db_prepare(db, "INSERT INTO submissions (app, kind, outcome, submitted_by, submitted_at)"
					       " VALUES (?, ?, 'running', ?, ?)");
	if (!st)
		return KF_EDB;
	kf_stmt_bind_int(st, 1, app);
	kf_stmt_bind_text(st, 2, kind);
	if (user)
		kf_stmt_bind_int(st, 3, user);
	else
		kf_stmt_bind_null(st, 3);
	kf_stmt_bind_int(st, 4, now);
	if (kf_stmt_exec(st) != KF_OK)
		return KF_EDB;
	*id = kf_db_last_id(db);
	return KF_OK;
}

enum kf_err kf_store_submission_finish(struct kf_db *db, int64_t id, const char *outcome, const char *stage,
				       const char *findings_json, int64_t review, int64_t now)
{
	struct kf_stmt *st = kf_db_prepare(db, "UPDATE submissions SET outcome = ?, stage = ?, findings = ?,"
					       " review_id = ?, finished_at = ? WHERE id = ?");
	if (!st)
		return KF_EDB;
	kf_stmt_bind_text(st, 1, outcome);
	if (stage)
		kf_stmt_bind_text(st, 2, stage);
	else
		kf_stmt_bind_null(st, 2);
	kf_stmt_bind_text(st, 3, findings_json ? findings_json : "[]");
	if (review)
		kf_stmt_bind_int(st, 4, review);
	else
		kf_stmt_bind_null(st, 4);
	kf_stmt_bind_int(st, 5, now);
	kf_stmt_bind_int(st, 6, id);
	return kf_stmt_exec(st);
}

enum kf_err kf_store_submission_review(struct kf_db *db, int64_t app, int64_t id, char kind[16], int64_t *review,
				       bool *pending)
{
	struct kf_stmt *st = kf_db_prepare(db, "SELECT s.kind, s.review_id, r.state FROM submissions s"
					       " LEFT JOIN reviews r ON r.id = s.review_id WHERE s.id = ? AND s.app = ?");
	if (!st)
		return KF_EDB;
	kf_stmt_bind_int(st, 1, id);
	kf_stmt_bind_int(st, 2, app);
	enum kf_step s = kf_stmt_step(st);
	if (s == KF_STEP_ROW) {
		snprintf(kind, 16, "%s", kf_stmt_text(st, 0) ? kf_stmt_text(st, 0) : "");
		*review = kf_stmt_is_null(st, 1) ? 0 : kf_stmt_int(st, 1);
		*pending = !kf_stmt_is_null(st, 2) && !strcmp(kf_stmt_text(st, 2), "pending");
	}
	kf_stmt_done(st);
	return s == KF_STEP_ROW ? KF_OK : s == KF_STEP_DONE ? KF_ENOTFOUND : KF_EDB;
}

enum kf_err kf_store_review_withdraw(struct kf_db *db, int64_t review, int64_t now)
{
	struct kf_stmt *st =
		kf_db_prepare(db, "UPDATE reviews SET state = 'withdrawn', decided_at = ? WHERE id = ? AND state = 'pending'");
	if (!st)
		return KF_EDB;
	kf_stmt_bind_int(st, 1, now);
	kf_stmt_bind_int(st, 2, review);
	if (kf_stmt_exec(st) != KF_OK)
		return KF_EDB;
	return kf_db_changes(db) ? KF_OK : KF_ECONFLICT;
}

json_t *kf_store_submissions_json(struct kf_db *db, int64_t app, int limit)
{
	/* the review a queued submission opened, so its provider reads the
	 * outcome and the reasons (REV-5) where it submitted */
	struct kf_stmt *st = kf_db_prepare(
		db, "SELECT s.id, s.kind, s.outcome, s.stage, s.findings, s.review_id, s.submitted_at, s.finished_at,"
		    " r.state, r.due_at, r.decided_at, r.reasons FROM submissions s LEFT JOIN reviews r ON r.id = s.review_id"
		    " WHERE s.app = ? ORDER BY s.id DESC LIMIT ?");
	if (!st)
		return NULL;
	kf_stmt_bind_int(st, 1, app);
	kf_stmt_bind_int(st, 2, limit);
	json_t *rows = json_array();
	enum kf_step s;
	while ((s = kf_stmt_step(st)) == KF_STEP_ROW) {
		json_t *f = json_loads(kf_stmt_text(st, 4), 0, NULL);
		json_t *o = json_pack("{s:I, s:s, s:s, s:o, s:o, s:o, s:I, s:o, s:o}", "id", (json_int_t)kf_stmt_int(st, 0),
				      "kind", kf_stmt_text(st, 1), "outcome", kf_stmt_text(st, 2), "stage",
				      kf_stmt_is_null(st, 3) ? json_null() : json_string(kf_stmt_text(st, 3)), "findings",
				      json_is_array(f) ? f : (json_decref(f), json_array()), "review_id",
				      kf_stmt_is_null(st, 5) ? json_null() : json_integer(kf_stmt_int(st, 5)), "submitted_at",
				      (json_int_t)kf_stmt_int(st, 6), "finished_at",
				      kf_stmt_is_null(st, 7) ? json_null() : json_integer(kf_stmt_int(st, 7)), "review",
				      json_null());
		if (!kf_stmt_is_null(st, 5) && !kf_stmt_is_null(st, 8)) {
			json_t *reasons = json_loads(kf_stmt_text(st, 11), 0, NULL);
			json_object_set_new(
				o, "review",
				json_pack("{s:I, s:s, s:I, s:o, s:o}", "id", (json_int_t)kf_stmt_int(st, 5), "state",
					  kf_stmt_text(st, 8), "due_at", (json_int_t)kf_stmt_int(st, 9), "decided_at",
					  kf_stmt_is_null(st, 10) ? json_null() : json_integer(kf_stmt_int(st, 10)), "reasons",
					  json_is_array(reasons) ? reasons : (json_decref(reasons), json_array())));
		}
		json_array_append_new(rows, o);
	}
	kf_stmt_done(st);
	if (s == KF_STEP_ERROR) {
		json_decref(rows);
		return NULL;
	}
	return rows;
}

enum kf_err kf_store_review_set_detail(struct kf_db *db, int64_t review, const char *detail_json)
{
	struct kf_stmt *st = kf_db_prepare(db, "UPDATE reviews SET detail = ? WHERE id = ?");
	if (!st)
		return KF_EDB;
	kf_stmt_bind_text(st, 1, detail_json);
	kf_stmt_bind_int(st, 2, review);
	return kf_stmt_exec(st);
}

json_t *kf_store_review_detail(struct kf_db *db, int64_t review)
{
	struct kf_stmt *st = kf_db_prepare(db, "SELECT detail FROM reviews WHERE id = ?");
	if (!st)
		return NULL;
	kf_stmt_bind_int(st, 1, review);
	enum kf_step s = kf_stmt_step(st);
	json_t *o = NULL;
	if (s == KF_STEP_ROW) {
		o = json_loads(kf_stmt_text(st, 0), 0, NULL);
		if (o && !json_is_object(o)) {
			json_decref(o);
			o = NULL;
		}
		if (!o)
			o = json_object();
	}
	kf_stmt_done(st);
	return o;
}

enum kf_err kf_store_app_review_pending(struct kf_db *db, int64_t app, const char *kind, bool *pending)
{
	struct kf_stmt *st = kf_db_prepare(db, "SELECT 1 FROM reviews WHERE subject_type = 'app' AND subject_id = ?"
					       " AND kind = ? AND state = 'pending' LIMIT 1");
	if (!st)
		return KF_EDB;
	kf_stmt_bind_int(st, 1, app);
	kf_stmt_bind_text(st, 2, kind);
	return kf_stmt_exists(st, pending);
}

enum kf_err kf_store_app_listing_live(struct kf_db *db, int64_t app, int64_t listing, const char *version, int64_t now)
{
	struct kf_stmt *st = kf_db_prepare(
		db, "UPDATE apps SET live_listing_id = CASE WHEN ?1 > 0 THEN ?1 ELSE live_listing_id END,"
		    " draft_listing_id = CASE WHEN draft_listing_id = ?1 THEN NULL ELSE draft_listing_id END,"
		    " released_version = COALESCE(?2, released_version), released_at = COALESCE(released_at, ?3),"
		    " updated_at = ?3 WHERE id = ?4");
	if (!st)
		return KF_EDB;
	kf_stmt_bind_int(st, 1, listing);
	if (version)
		kf_stmt_bind_text(st, 2, version);
	else
		kf_stmt_bind_null(st, 2);
	kf_stmt_bind_int(st, 3, now);
	kf_stmt_bind_int(st, 4, app);
	if (kf_stmt_exec(st) != KF_OK)
		return KF_EDB;
	/* the marketplace search reads the live listing: same transaction */
	return kf_store_search_index(db, app);
}

enum kf_err kf_store_app_config_live(struct kf_db *db, int64_t app, int64_t config, const char *audience,
				     int64_t now)
{
	struct kf_stmt *st = kf_db_prepare(
		db, "UPDATE apps SET live_config_id = ?1,"
		    " draft_config_id = CASE WHEN draft_config_id = ?1 THEN NULL ELSE draft_config_id END,"
		    " audience = ?4, updated_at = ?2 WHERE id = ?3");
	if (!st)
		return KF_EDB;
	kf_stmt_bind_int(st, 1, config);
	kf_stmt_bind_int(st, 2, now);
	kf_stmt_bind_int(st, 3, app);
	kf_stmt_bind_text(st, 4, audience);
	return kf_stmt_exec(st);
}

enum kf_err kf_store_app_withdraw_applications(struct kf_db *db, int64_t app, int64_t now)
{
	struct kf_stmt *st = kf_db_prepare(db, "UPDATE listing_applications SET state = 'withdrawn', decided_at = ?"
					       " WHERE app = ? AND state = 'pending'");
	if (!st)
		return KF_EDB;
	kf_stmt_bind_int(st, 1, now);
	kf_stmt_bind_int(st, 2, app);
	return kf_stmt_exec(st);
}

enum kf_err kf_store_submission_delete(struct kf_db *db, int64_t id)
{
	struct kf_stmt *st = kf_db_prepare(db, "DELETE FROM submissions WHERE id = ? AND outcome = 'running'");
	if (!st)
		return KF_EDB;
	kf_stmt_bind_int(st, 1, id);
	return kf_stmt_exec(st);
}
