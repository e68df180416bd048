/* SPDX-License-Identifier: Apache-2.0 */
/* SQL for reviews and the operator calendar. */
#include "store/reviews.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/db.h"

#define COPY(dst, src) snprintf((dst), sizeof(dst), "%s", (src) ? (src) : "")

enum kf_err kf_store_review_insert(struct kf_db *db, enum kf_review_kind kind, const char *subject_type,
				   int64_t subject_id, int64_t org_id, int64_t now, int64_t due_at, int64_t *id)
{
	if (!kf_review_kind_name(kind))
		return KF_EINVAL;
	struct kf_stmt *st = kf_db_prepare(
		db, "INSERT INTO reviews (kind, subject_type, subject_id, org_id, state, submitted_at, due_at)"
		    " VALUES (?, ?, ?, ?, 'pending', ?, ?)");
	if (!st)
		return KF_EDB;
	kf_stmt_bind_text(st, 1, kf_review_kind_name(kind));
	kf_stmt_bind_text(st, 2, subject_type);
	kf_stmt_bind_int(st, 3, subject_id);
	kf_stmt_bind_int(st, 4, org_id);
	kf_stmt_bind_int(st, 5, now);
	kf_stmt_bind_int(st, 6, due_at);
	if (kf_stmt_exec(st) != KF_OK)
		return KF_EDB;
	*id = kf_db_last_id(db);
	return KF_OK;
}

enum kf_err kf_store_review_get(struct kf_db *db, int64_t id, struct kf_review_row *out)
{
	struct kf_stmt *st = kf_db_prepare(
		db, "SELECT id, kind, subject_type, subject_id, org_id, state, due_at, assignee_id FROM reviews"
		    " WHERE id = ?");
	if (!st)
		return KF_EDB;
	kf_stmt_bind_int(st, 1, id);
	enum kf_err found = kf_stmt_first(st);
	if (found != KF_OK)
		return found;
	out->id = kf_stmt_int(st, 0);
	out->kind = (enum kf_review_kind)KF_REVIEW_KIND_COUNT;
	(void)kf_review_kind_parse(kf_stmt_text(st, 1), &out->kind);
	COPY(out->subject_type, kf_stmt_text(st, 2));
	out->subject_id = kf_stmt_int(st, 3);
	out->org_id = kf_stmt_int(st, 4);
	out->state = (enum kf_review_state)KF_REVIEW_STATE_COUNT;
	(void)kf_review_state_parse(kf_stmt_text(st, 5), &out->state);
	out->due_at = kf_stmt_int(st, 6);
	out->assignee_id = kf_stmt_int(st, 7);
	kf_stmt_done(st);
	return KF_OK;
}

enum kf_err kf_store_review_decide(struct kf_db *db, int64_t id, enum kf_review_state state, int64_t reviewer,
				   const char *reasons_json, int64_t now)
{
	if (state != KF_REVIEW_APPROVED && state != KF_REVIEW_REJECTED)
		return KF_EINVAL;
	struct kf_stmt *st = kf_db_prepare(
		db, "UPDATE reviews SET state = ?, reviewer_id = ?, reasons = ?, decided_at = ?"
		    " WHERE id = ? AND state = 'pending'");
	if (!st)
		return KF_EDB;
	kf_stmt_bind_text(st, 1, kf_review_state_name(state));
	kf_stmt_bind_int(st, 2, reviewer);
	kf_stmt_bind_text(st, 3, reasons_json);
	kf_stmt_bind_int(st, 4, now);
	kf_stmt_bind_int(st, 5, id);
	if (kf_stmt_exec(st) != KF_OK)
		return KF_EDB;
	return kf_db_changes(db) ? KF_OK : KF_ECONFLICT;
}

enum kf_err kf_store_reviews_withdraw(struct kf_db *db, const char *subject_type, int64_t subject_id, int64_t now)
{
	struct kf_stmt *st = kf_db_prepare(
		db, "UPDATE reviews SET state = 'withdrawn', decided_at = ? WHERE subject_type = ? AND subject_id = ?"
		    " AND state = 'pending'");
	if (!st)
		return KF_EDB;
	kf_stmt_bind_int(st, 1, now);
	kf_stmt_bind_text(st, 2, subject_type);
	kf_stmt_bind_int(st, 3, subject_id);
	return kf_stmt_exec(st);
}

#define REVIEW_COLS                                                                                       \
	"SELECT r.id, r.kind, r.subject_type, r.subject_id, r.org_id AS provider_id, o.name AS provider_name," \
	" r.state, r.submitted_at, r.due_at, r.reviewer_id, r.decided_at, r.reasons, r.assignee_id,"      \
	" r.detail, a.app_id, u.name AS assignee_name, c.config FROM reviews r JOIN orgs o ON o.id = r.org_id" \
	" LEFT JOIN apps a ON r.subject_type = 'app' AND a.id = r.subject_id"                            \
	" LEFT JOIN users u ON u.id = r.assignee_id"                                                      \
	" LEFT JOIN app_configs c ON c.id = COALESCE(a.draft_config_id, a.live_config_id) "

/* reasons (column 11) and detail (column 13) are JSON text: parsed here.
 * app_id (column 14) is the public id of the app a review of an app is
 * about (null for other subjects): subject_id is an internal number no
 * route takes. */
static json_t *review_row(struct kf_stmt *st)
{
	json_t *o = kf_stmt_row_json(st);
	json_t *reasons = json_loads(kf_stmt_text(st, 11), 0, NULL);
	json_object_set_new(o, "reasons", reasons ? reasons : json_array());
	const char *dt = kf_stmt_text(st, 13);
	json_t *detail = dt ? json_loads(dt, 0, NULL) : NULL;
	if (detail && !json_is_object(detail)) {
		json_decref(detail);
		detail = NULL;
	}
	json_object_set_new(o, "detail", detail ? detail : json_object());
	/* the subject's display name (REV-1 queue): an app's name from its
	 * newest configuration, else the provider's name; the configuration
	 * itself (column 16) is not part of the review */
	const char *ct = kf_stmt_text(st, 16);
	json_t *cfg = ct ? json_loads(ct, 0, NULL) : NULL;
	const char *name = json_string_value(json_object_get(cfg, "name"));
	json_object_set_new(o, "subject_name",
			    json_string(name && *name ? name : kf_stmt_text(st, 5) ? kf_stmt_text(st, 5) : ""));
	json_decref(cfg);
	json_object_del(o, "config");
	return o;
}

json_t *kf_store_review_json(struct kf_db *db, int64_t id)
{
	struct kf_stmt *st = kf_db_prepare(db, REVIEW_COLS "WHERE r.id = ?");
	if (!st)
		return NULL;
	kf_stmt_bind_int(st, 1, id);
	json_t *o = kf_stmt_step(st) == KF_STEP_ROW ? review_row(st) : NULL;
	kf_stmt_done(st);
	return o;
}

json_t *kf_store_reviews_json(struct kf_db *db, const struct kf_review_filter *f)
{
	/* REV-1: oldest deadline first; (due_at, id) is unique, so the keyset
	 * cursor neither skips nor repeats a review between pages. */
	struct kf_stmt *st = kf_db_prepare(
		db, REVIEW_COLS "WHERE (CAST(?1 AS TEXT) IS NULL OR r.kind = ?1) AND (CAST(?2 AS TEXT) IS NULL OR r.state = ?2)"
				" AND (?3 = 0 OR (?3 = 1 AND r.assignee_id = ?4) OR (?3 = 2 AND r.assignee_id IS NULL))"
				" AND (?5 = 0 OR (r.state = 'pending' AND r.due_at < ?6))"
				" AND (?7 = 0 OR r.due_at > ?8 OR (r.due_at = ?8 AND r.id > ?9))"
				" AND (?11 = 0 OR r.org_id = ?11)"
				" AND (CAST(?12 AS TEXT) IS NULL OR (r.subject_type = 'app' AND r.subject_id ="
				" (SELECT x.id FROM apps x WHERE x.app_id = ?12)))"
				" AND (?13 = 0 OR (r.subject_type = 'app' AND r.subject_id = ?13))"
				" ORDER BY r.due_at, r.id LIMIT ?10");
	if (!st)
		return NULL;
	kf_stmt_bind_text(st, 1, f->kind ? kf_review_kind_name(*f->kind) : NULL);
	kf_stmt_bind_text(st, 2, f->state ? kf_review_state_name(*f->state) : NULL);
	kf_stmt_bind_int(st, 3, (int64_t)f->assignee_mode);
	kf_stmt_bind_int(st, 4, f->assignee);
	kf_stmt_bind_int(st, 5, f->overdue_only);
	kf_stmt_bind_int(st, 6, f->now);
	kf_stmt_bind_int(st, 7, f->has_after);
	kf_stmt_bind_int(st, 8, f->after_due);
	kf_stmt_bind_int(st, 9, f->after_id);
	kf_stmt_bind_int(st, 10, f->limit);
	kf_stmt_bind_int(st, 11, f->provider_id);
	kf_stmt_bind_text(st, 12, f->app_id);
	kf_stmt_bind_int(st, 13, f->app);
	json_t *arr = json_array();
	enum kf_step s;
	while ((s = kf_stmt_step(st)) == KF_STEP_ROW)
		json_array_append_new(arr, review_row(st));
	kf_stmt_done(st);
	if (s == KF_STEP_ERROR) {
		json_decref(arr);
		return NULL;
	}
	return arr;
}

enum kf_err kf_store_review_set_assignee(struct kf_db *db, int64_t id, int64_t assignee, int64_t current)
{
	struct kf_stmt *st = kf_db_prepare(
		db, "UPDATE reviews SET assignee_id = ? WHERE id = ? AND state = 'pending' AND COALESCE(assignee_id, 0) = ?");
	if (!st)
		return KF_EDB;
	if (assignee > 0)
		kf_stmt_bind_int(st, 1, assignee);
	else
		kf_stmt_bind_null(st, 1);
	kf_stmt_bind_int(st, 2, id);
	kf_stmt_bind_int(st, 3, current);
	if (kf_stmt_exec(st) != KF_OK)
		return KF_EDB;
	return kf_db_changes(db) ? KF_OK : KF_ECONFLICT;
}

enum kf_err kf_store_operator_role(struct kf_db *db, int64_t user_id, enum kf_role *role)
{
	struct kf_stmt *st = kf_db_prepare(db, "SELECT m.role FROM memberships m JOIN orgs o ON o.id = m.org_id"
					       " JOIN users u ON u.id = m.user_id"
					       " WHERE o.kind = 'operator' AND m.user_id = ? AND u.status = 'active'"
					       " LIMIT 1");
	if (!st)
		return KF_EDB;
	kf_stmt_bind_int(st, 1, user_id);
	enum kf_step s = kf_stmt_step(st);
	*role = KF_ROLE_NONE;
	if (s == KF_STEP_ROW && !kf_role_parse(kf_stmt_text(st, 0), role))
		*role = KF_ROLE_NONE;
	kf_stmt_done(st);
	return s == KF_STEP_ERROR ? KF_EDB : KF_OK;
}

enum kf_err kf_store_review_gauges(struct kf_db *db, int64_t now, struct kf_review_gauge *out, size_t cap,
				   size_t *n)
{
	struct kf_stmt *st = kf_db_prepare(db, "SELECT kind, COUNT(*), COUNT(CASE WHEN due_at < ? THEN 1 END) FROM reviews"
					       " WHERE state = 'pending' GROUP BY kind ORDER BY kind");
	if (!st)
		return KF_EDB;
	kf_stmt_bind_int(st, 1, now);
	*n = 0;
	enum kf_step s;
	while ((s = kf_stmt_step(st)) == KF_STEP_ROW) {
		if (*n >= cap)
			continue;
		COPY(out[*n].kind, kf_stmt_text(st, 0));
		out[*n].pending = kf_stmt_int(st, 1);
		out[*n].overdue = kf_stmt_int(st, 2);
		(*n)++;
	}
	kf_stmt_done(st);
	return s == KF_STEP_DONE ? KF_OK : KF_EDB;
}

json_t *kf_store_review_counts_json(struct kf_db *db, int64_t user_id, int64_t now)
{
	struct kf_stmt *st = kf_db_prepare(
		db, "SELECT kind, COUNT(*), COUNT(CASE WHEN due_at < ? THEN 1 END),"
		    " COUNT(CASE WHEN assignee_id IS NULL THEN 1 END), COUNT(CASE WHEN assignee_id = ? THEN 1 END),"
		    " COUNT(CASE WHEN assignee_id = ? AND due_at < ? THEN 1 END)"
		    " FROM reviews WHERE state = 'pending' GROUP BY kind ORDER BY kind");
	if (!st)
		return NULL;
	kf_stmt_bind_int(st, 1, now);
	kf_stmt_bind_int(st, 2, user_id);
	kf_stmt_bind_int(st, 3, user_id);
	kf_stmt_bind_int(st, 4, now);
	json_t *kinds = json_array();
	json_int_t tot[5] = {0};
	enum kf_step s;
	while ((s = kf_stmt_step(st)) == KF_STEP_ROW) {
		json_int_t v[5];
		for (int i = 0; i < 5; i++)
			tot[i] += v[i] = kf_stmt_int(st, i + 1);
		json_array_append_new(kinds, json_pack("{s:s, s:I, s:I, s:I, s:I, s:I}", "kind", kf_stmt_text(st, 0),
						       "open", v[0], "overdue", v[1], "unassigned", v[2], "mine", v[3],
						       "mine_overdue", v[4]));
	}
	kf_stmt_done(st);
	if (s == KF_STEP_ERROR) {
		json_decref(kinds);
		return NULL;
	}
	return json_pack("{s:o, s:I, s:I, s:I, s:I, s:I}", "kinds", kinds, "open", tot[0], "overdue", tot[1],
			 "unassigned", tot[2], "mine", tot[3], "mine_overdue", tot[4]);
}

static int parse_day(const char *s, int32_t *day)
{
	int y, m, d;
	if (!s || sscanf(s, "%4d-%2d-%2d", &y, &m, &d) != 3 || !kf_calendar_date_valid(y, m, d))
		return -1;
	*day = kf_calendar_days_from_civil(y, m, d);
	return 0;
}

static int cmp_day(const void *a, const void *b)
{
	int32_t x = *(const int32_t *)a, y = *(const int32_t *)b;
	return (x > y) - (x < y);
}

enum kf_err kf_store_calendar_load(struct kf_db *db, int32_t utc_offset, struct kf_calendar *cal)
{
	kf_calendar_init(cal);
	cal->utc_offset = utc_offset;
	struct kf_stmt *st = kf_db_prepare(db, "SELECT day, kind FROM calendar_days ORDER BY day");
	if (!st)
		return KF_EDB;
	size_t cap = 0, n_h = 0, n_w = 0;
	int32_t *h = NULL, *w = NULL;
	enum kf_step s;
	while ((s = kf_stmt_step(st)) == KF_STEP_ROW) {
		int32_t day;
		if (parse_day(kf_stmt_text(st, 0), &day) < 0)
			continue;
		if (n_h + n_w >= cap) {
			cap = cap ? cap * 2 : 64;
			h = realloc(h, cap * sizeof(*h));
			w = realloc(w, cap * sizeof(*w));
			if (!h || !w)
				abort();
		}
		if (!strcmp(kf_stmt_text(st, 1), "holiday"))
			h[n_h++] = day;
		else
			w[n_w++] = day;
	}
	kf_stmt_done(st);
	if (n_h)
		qsort(h, n_h, sizeof(*h), cmp_day);
	if (n_w)
		qsort(w, n_w, sizeof(*w), cmp_day);
	cal->holidays = h;
	cal->n_holidays = n_h;
	cal->workdays = w;
	cal->n_workdays = n_w;
	return s == KF_STEP_ERROR ? KF_EDB : KF_OK;
}

static enum kf_err put_days(struct kf_db *db, const int32_t *days, size_t n, const char *kind)
{
	for (size_t i = 0; i < n; i++) {
		int y, m, d;
		kf_calendar_civil_from_days(days[i], &y, &m, &d);
		char buf[16];
		snprintf(buf, sizeof(buf), "%04d-%02d-%02d", y, m, d);
		struct kf_stmt *st = kf_db_prepare(
			db, "INSERT INTO calendar_days (day, kind) VALUES (?, ?)"
			    " ON CONFLICT (day) DO UPDATE SET kind = excluded.kind");
		if (!st)
			return KF_EDB;
		kf_stmt_bind_text(st, 1, buf);
		kf_stmt_bind_text(st, 2, kind);
		if (kf_stmt_exec(st) != KF_OK)
			return KF_EDB;
	}
	return KF_OK;
}

static enum kf_err clear_year(struct kf_db *db, int32_t day)
{
	int y, m, d;
	kf_calendar_civil_from_days(day, &y, &m, &d);
	char prefix[8];
	snprintf(prefix, sizeof(prefix), "%04d-", y);
	struct kf_stmt *st = kf_db_prepare(db, "DELETE FROM calendar_days WHERE substr(day, 1, 5) = ?");
	if (!st)
		return KF_EDB;
	kf_stmt_bind_text(st, 1, prefix);
	return kf_stmt_exec(st);
}

enum kf_err kf_store_calendar_replace(struct kf_db *db, const struct kf_calendar *cal)
{
	for (size_t i = 0; i < cal->n_holidays; i++)
		if (clear_year(db, cal->holidays[i]) != KF_OK)
			return KF_EDB;
	for (size_t i = 0; i < cal->n_workdays; i++)
		if (clear_year(db, cal->workdays[i]) != KF_OK)
			return KF_EDB;
	if (put_days(db, cal->holidays, cal->n_holidays, "holiday") != KF_OK)
		return KF_EDB;
	return put_days(db, cal->workdays, cal->n_workdays, "workday");
}

json_t *kf_store_reviews_of_provider_json(struct kf_db *db, int64_t org_id, int64_t except_id, int limit)
{
	/* the provider's reviews, newest first, with who decided (REV-5) */
	struct kf_stmt *st = kf_db_prepare(
		db, "SELECT r.id, r.kind, r.subject_type, r.subject_id, r.state, r.submitted_at, r.decided_at,"
		    " r.reviewer_id, u.email AS reviewer_email, r.reasons, a.app_id FROM reviews r"
		    " LEFT JOIN users u ON u.id = r.reviewer_id"
		    " LEFT JOIN apps a ON r.subject_type = 'app' AND a.id = r.subject_id"
		    " WHERE r.org_id = ? AND r.id <> ? ORDER BY r.submitted_at DESC, r.id DESC LIMIT ?");
	if (!st)
		return NULL;
	kf_stmt_bind_int(st, 1, org_id);
	kf_stmt_bind_int(st, 2, except_id);
	kf_stmt_bind_int(st, 3, limit);
	json_t *arr = json_array();
	enum kf_step s;
	while ((s = kf_stmt_step(st)) == KF_STEP_ROW) {
		json_t *o = kf_stmt_row_json(st);
		json_t *reasons = kf_stmt_is_null(st, 9) ? NULL : json_loads(kf_stmt_text(st, 9), 0, NULL);
		json_object_set_new(o, "reasons", json_is_array(reasons) ? reasons : json_array());
		if (reasons && !json_is_array(reasons))
			json_decref(reasons);
		json_array_append_new(arr, o);
	}
	kf_stmt_done(st);
	if (s == KF_STEP_ERROR) {
		json_decref(arr);
		return NULL;
	}
	return arr;
}

/* The first id a query answers (0 when none); binds due_at, id when
 * keyed. */
static enum kf_err first_id(struct kf_db *db, const char *sql, bool keyed, int64_t due_at, int64_t id, int64_t *out)
{
	*out = 0;
	struct kf_stmt *st = kf_db_prepare(db, sql);
	if (!st)
		return KF_EDB;
	if (keyed) {
		kf_stmt_bind_int(st, 1, due_at);
		kf_stmt_bind_int(st, 2, id);
	}
	enum kf_err rc = kf_stmt_first(st);
	if (rc != KF_OK)
		return rc == KF_ENOTFOUND ? KF_OK : rc;
	*out = kf_stmt_int(st, 0);
	kf_stmt_done(st);
	return KF_OK;
}

enum kf_err kf_store_review_neighbours(struct kf_db *db, int64_t id, int64_t due_at, bool pending, int64_t *prev,
				       int64_t *next)
{
	*prev = *next = 0;
	if (!pending)
		return first_id(db, "SELECT id FROM reviews WHERE state = 'pending' ORDER BY due_at, id LIMIT 1", false, 0,
				0, next);
	if (first_id(db,
		     "SELECT id FROM reviews WHERE state = 'pending' AND (due_at < ?1 OR (due_at = ?1 AND id < ?2))"
		     " ORDER BY due_at DESC, id DESC LIMIT 1",
		     true, due_at, id, prev) != KF_OK)
		return KF_EDB;
	return first_id(db,
			"SELECT id FROM reviews WHERE state = 'pending' AND (due_at > ?1 OR (due_at = ?1 AND id > ?2))"
			" ORDER BY due_at, id LIMIT 1",
			true, due_at, id, next);
}

enum kf_err kf_store_user_email(struct kf_db *db, int64_t user_id, char *out, size_t cap)
{
	struct kf_stmt *st = kf_db_prepare(db, "SELECT email FROM users WHERE id = ?");
	if (!st)
		return KF_EDB;
	kf_stmt_bind_int(st, 1, user_id);
	enum kf_err rc = kf_stmt_first(st);
	if (rc != KF_OK)
		return rc;
	snprintf(out, cap, "%s", kf_stmt_text(st, 0) ? kf_stmt_text(st, 0) : "");
	kf_stmt_done(st);
	return KF_OK;
}
