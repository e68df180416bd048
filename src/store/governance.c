/* SPDX-License-Identifier: Apache-2.0 */
/* Governance rows (see governance.h). */
#include "store/governance.h"

#include <stdio.h>
#include <string.h>

#include "store/db.h"

static void bind_opt(struct kf_stmt *st, int i, int64_t v)
{
	if (v)
		kf_stmt_bind_int(st, i, v);
	else
		kf_stmt_bind_null(st, i);
}

enum kf_err kf_store_gov_violation_insert(struct kf_db *db, const struct kf_gov_violation_new *v, int64_t *id)
{
	struct kf_stmt *st = kf_db_prepare(
		db, "INSERT INTO violations (app, org, kind, level, requested_level, escalated, severe, step, rule, evidence,"
		    " evidence_files, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
	if (!st)
		return KF_EDB;
	kf_stmt_bind_int(st, 1, v->app);
	kf_stmt_bind_int(st, 2, v->org);
	kf_stmt_bind_text(st, 3, v->kind);
	bind_opt(st, 4, v->level);
	bind_opt(st, 5, v->requested_level);
	kf_stmt_bind_int(st, 6, v->escalated ? 1 : 0);
	kf_stmt_bind_int(st, 7, v->severe ? 1 : 0);
	bind_opt(st, 8, v->step);
	kf_stmt_bind_text(st, 9, v->rule);
	kf_stmt_bind_text(st, 10, v->evidence);
	kf_stmt_bind_text(st, 11, v->evidence_files ? v->evidence_files : "[]");
	bind_opt(st, 12, v->created_by);
	kf_stmt_bind_int(st, 13, v->now);
	if (kf_stmt_exec(st) != KF_OK)
		return KF_EDB;
	*id = kf_db_last_id(db);
	return KF_OK;
}

static enum kf_err count(struct kf_stmt *st, int64_t *n)
{
	if (!st)
		return KF_EDB;
	enum kf_step s = kf_stmt_step(st);
	*n = s == KF_STEP_ROW ? kf_stmt_int(st, 0) : 0;
	kf_stmt_done(st);
	return s == KF_STEP_ROW ? KF_OK : KF_EDB;
}

enum kf_err kf_store_gov_violations_at_level(struct kf_db *db, int64_t org, int level, int64_t *n)
{
	struct kf_stmt *st =
		kf_db_prepare(db, "SELECT COUNT(*) FROM violations WHERE org = ? AND kind = 'general' AND level = ?");
	if (st) {
		kf_stmt_bind_int(st, 1, org);
		kf_stmt_bind_int(st, 2, level);
	}
	return count(st, n);
}

enum kf_err kf_store_gov_plugin_count(struct kf_db *db, int64_t org, int64_t *n)
{
	struct kf_stmt *st = kf_db_prepare(db, "SELECT COUNT(*) FROM violations WHERE org = ? AND kind = 'plugin'");
	if (st)
		kf_stmt_bind_int(st, 1, org);
	return count(st, n);
}

#define VIOLATION_COLS                                                                                            \
	"SELECT v.id, a.app_id, v.kind, v.level, v.requested_level, v.escalated, v.severe, v.step, v.rule,"       \
	" v.evidence, v.evidence_files, v.created_at FROM violations v JOIN apps a ON a.id = v.app"

static json_t *violation_row(struct kf_stmt *st)
{
	json_t *files = json_loads(kf_stmt_text(st, 10) ? kf_stmt_text(st, 10) : "[]", 0, NULL);
	return json_pack("{s:I, s:s, s:s, s:o, s:o, s:b, s:b, s:o, s:s, s:s, s:o, s:I}", "id", (json_int_t)kf_stmt_int(st, 0),
			 "app_id", kf_stmt_text(st, 1), "kind", kf_stmt_text(st, 2), "level",
			 kf_stmt_is_null(st, 3) ? json_null() : json_integer(kf_stmt_int(st, 3)), "requested_level",
			 kf_stmt_is_null(st, 4) ? json_null() : json_integer(kf_stmt_int(st, 4)), "escalated",
			 kf_stmt_int(st, 5) == 1, "severe", kf_stmt_int(st, 6) == 1, "step",
			 kf_stmt_is_null(st, 7) ? json_null() : json_integer(kf_stmt_int(st, 7)), "rule", kf_stmt_text(st, 8),
			 "evidence", kf_stmt_text(st, 9), "evidence_files", files ? files : json_array(), "created_at",
			 (json_int_t)kf_stmt_int(st, 11));
}

json_t *kf_store_gov_violation_json(struct kf_db *db, int64_t id)
{
	struct kf_stmt *st = kf_db_prepare(db, VIOLATION_COLS " WHERE v.id = ?");
	if (!st)
		return NULL;
	kf_stmt_bind_int(st, 1, id);
	json_t *o = kf_stmt_step(st) == KF_STEP_ROW ? violation_row(st) : NULL;
	kf_stmt_done(st);
	return o;
}

json_t *kf_store_gov_violations_of_app(struct kf_db *db, int64_t app)
{
	struct kf_stmt *st = kf_db_prepare(db, VIOLATION_COLS " WHERE v.app = ? ORDER BY v.id DESC LIMIT 500");
	if (!st)
		return NULL;
	kf_stmt_bind_int(st, 1, app);
	json_t *arr = json_array();
	enum kf_step s;
	while ((s = kf_stmt_step(st)) == KF_STEP_ROW)
		json_array_append_new(arr, violation_row(st));
	kf_stmt_done(st);
	if (s != KF_STEP_DONE) {
		json_decref(arr);
		return NULL;
	}
	return arr;
}

enum kf_err kf_store_gov_measure_insert(struct kf_db *db, const struct kf_gov_measure_new *m, int64_t *id)
{
	const struct kf_gov_spec *s = m->spec;
	struct kf_stmt *st = kf_db_prepare(
		db, "INSERT INTO measures (app, org, violation, kind, rule, reason, weight, started_at, ends_at, min_until,"
		    " needs_rectification, permanent, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
	if (!st)
		return KF_EDB;
	bind_opt(st, 1, m->app);
	kf_stmt_bind_int(st, 2, m->org);
	bind_opt(st, 3, m->violation);
	kf_stmt_bind_text(st, 4, kf_gov_kind_name(s->kind));
	kf_stmt_bind_text(st, 5, m->rule);
	kf_stmt_bind_text(st, 6, m->reason ? m->reason : "");
	kf_stmt_bind_int(st, 7, s->weight);
	kf_stmt_bind_int(st, 8, s->starts_at);
	bind_opt(st, 9, s->ends_at);
	bind_opt(st, 10, s->min_until);
	kf_stmt_bind_int(st, 11, s->needs_rectification ? 1 : 0);
	kf_stmt_bind_int(st, 12, s->permanent ? 1 : 0);
	bind_opt(st, 13, m->created_by);
	kf_stmt_bind_int(st, 14, m->now);
	if (kf_stmt_exec(st) != KF_OK)
		return KF_EDB;
	*id = kf_db_last_id(db);
	return KF_OK;
}

#define MEASURE_COLS                                                                                              \
	"SELECT m.id, COALESCE(m.app, 0), m.org, COALESCE(m.violation, 0), m.kind, m.rule, m.weight, m.started_at," \
	" COALESCE(m.ends_at, 0), COALESCE(m.min_until, 0), COALESCE(m.rectified_at, 0), COALESCE(m.applied_at, 0),"  \
	" COALESCE(m.ended_at, 0), m.needs_rectification, m.permanent, COALESCE(m.end_reason, ''), m.reason,"         \
	" m.created_at, a.app_id FROM measures m LEFT JOIN apps a ON a.id = m.app"

static void measure_row(struct kf_stmt *st, struct kf_gov_measure_row *o)
{
	memset(o, 0, sizeof(*o));
	o->id = kf_stmt_int(st, 0);
	o->app = kf_stmt_int(st, 1);
	o->org = kf_stmt_int(st, 2);
	o->violation = kf_stmt_int(st, 3);
	o->kind = KF_GOV_KIND_COUNT;
	(void)kf_gov_kind_parse(kf_stmt_text(st, 4), &o->kind);
	snprintf(o->rule, sizeof(o->rule), "%s", kf_stmt_text(st, 5) ? kf_stmt_text(st, 5) : "");
	o->weight = kf_stmt_int(st, 6);
	o->started_at = kf_stmt_int(st, 7);
	o->ends_at = kf_stmt_int(st, 8);
	o->min_until = kf_stmt_int(st, 9);
	o->rectified_at = kf_stmt_int(st, 10);
	o->applied_at = kf_stmt_int(st, 11);
	o->ended_at = kf_stmt_int(st, 12);
	o->needs_rectification = kf_stmt_int(st, 13) == 1;
	o->permanent = kf_stmt_int(st, 14) == 1;
	snprintf(o->end_reason, sizeof(o->end_reason), "%s", kf_stmt_text(st, 15) ? kf_stmt_text(st, 15) : "");
}

static json_t *opt_int(int64_t v)
{
	return v ? json_integer(v) : json_null();
}

static json_t *measure_json(struct kf_stmt *st, int64_t now)
{
	struct kf_gov_measure_row m;
	measure_row(st, &m);
	const char *app_id = kf_stmt_is_null(st, 18) ? NULL : kf_stmt_text(st, 18);
	return json_pack("{s:I, s:o, s:I, s:o, s:s, s:s, s:s, s:I, s:I, s:o, s:o, s:b, s:o, s:o, s:o, s:o, s:b, s:I, s:b}",
			 "id", (json_int_t)m.id, "app_id", app_id ? json_string(app_id) : json_null(), "provider_id",
			 (json_int_t)m.org, "violation_id", opt_int(m.violation), "kind", kf_gov_kind_name(m.kind) ? kf_gov_kind_name(m.kind) : "unknown",
			 "rule", m.rule, "reason", kf_stmt_text(st, 16) ? kf_stmt_text(st, 16) : "", "weight", (json_int_t)m.weight,
			 "starts_at", (json_int_t)m.started_at, "ends_at", opt_int(m.ends_at), "min_until", opt_int(m.min_until),
			 "needs_rectification", m.needs_rectification, "rectified_at", opt_int(m.rectified_at), "applied_at",
			 opt_int(m.applied_at), "ended_at", opt_int(m.ended_at), "end_reason",
			 m.end_reason[0] ? json_string(m.end_reason) : json_null(), "permanent", m.permanent, "created_at",
			 (json_int_t)kf_stmt_int(st, 17), "in_force", kf_gov_in_force(m.started_at, m.ends_at, m.ended_at, now));
}

enum kf_err kf_store_gov_measure_get(struct kf_db *db, int64_t id, struct kf_gov_measure_row *out)
{
	struct kf_stmt *st = kf_db_prepare(db, MEASURE_COLS " WHERE m.id = ?");
	if (!st)
		return KF_EDB;
	kf_stmt_bind_int(st, 1, id);
	enum kf_step s = kf_stmt_step(st);
	if (s == KF_STEP_ROW)
		measure_row(st, out);
	kf_stmt_done(st);
	return s == KF_STEP_ROW ? KF_OK : s == KF_STEP_DONE ? KF_ENOTFOUND : KF_EDB;
}

json_t *kf_store_gov_measure_json(struct kf_db *db, int64_t id, int64_t now)
{
	struct kf_stmt *st = kf_db_prepare(db, MEASURE_COLS " WHERE m.id = ?");
	if (!st)
		return NULL;
	kf_stmt_bind_int(st, 1, id);
	json_t *o = kf_stmt_step(st) == KF_STEP_ROW ? measure_json(st, now) : NULL;
	kf_stmt_done(st);
	return o;
}

json_t *kf_store_gov_measures_list(struct kf_db *db, const struct kf_gov_measure_filter *f, int64_t now,
				   int64_t *next_before)
{
	struct kf_stmt *st = kf_db_prepare(
		db, MEASURE_COLS " WHERE (CAST(?1 AS BIGINT) = 0 OR m.id < ?1)"
				 " AND (CAST(?2 AS TEXT) IS NULL OR m.kind = ?2)"
				 " AND (CAST(?3 AS BIGINT) = 0 OR m.app = ?3 OR (m.app IS NULL AND m.org ="
				 " (SELECT provider_id FROM apps WHERE id = ?3)))"
				 " AND (CAST(?4 AS BIGINT) = 0 OR m.org = ?4)"
				 " AND (CAST(?5 AS BIGINT) < 0 OR (CASE WHEN m.started_at <= ?6 AND m.ended_at IS NULL"
				 " AND (m.ends_at IS NULL OR m.ends_at > ?6) THEN 1 ELSE 0 END) = ?5)"
				 " ORDER BY m.id DESC LIMIT ?7");
	if (!st)
		return NULL;
	kf_stmt_bind_int(st, 1, f->before_id);
	kf_stmt_bind_text(st, 2, f->kind);
	kf_stmt_bind_int(st, 3, f->app);
	kf_stmt_bind_int(st, 4, f->org);
	kf_stmt_bind_int(st, 5, f->in_force);
	kf_stmt_bind_int(st, 6, now);
	kf_stmt_bind_int(st, 7, f->limit + 1);
	json_t *arr = json_array();
	enum kf_step s;
	int64_t last = 0;
	*next_before = 0;
	while ((s = kf_stmt_step(st)) == KF_STEP_ROW) {
		if ((int)json_array_size(arr) == f->limit) {
			*next_before = last;
			continue;
		}
		last = kf_stmt_int(st, 0);
		json_array_append_new(arr, measure_json(st, now));
	}
	kf_stmt_done(st);
	if (s != KF_STEP_DONE) {
		json_decref(arr);
		return NULL;
	}
	return arr;
}

enum kf_err kf_store_gov_in_force(struct kf_db *db, int64_t app, int64_t org, int64_t now, struct kf_gov_force *out,
				  size_t cap, size_t *n)
{
	struct kf_stmt *st = kf_db_prepare(
		db, "SELECT kind, weight, COALESCE(ends_at, 0), permanent FROM measures"
		    " WHERE ((CAST(?1 AS BIGINT) <> 0 AND app = ?1) OR (app IS NULL AND org = ?2))"
		    " AND started_at <= ?3 AND ended_at IS NULL AND (ends_at IS NULL OR ends_at > ?3) ORDER BY id");
	if (!st)
		return KF_EDB;
	kf_stmt_bind_int(st, 1, app);
	kf_stmt_bind_int(st, 2, org);
	kf_stmt_bind_int(st, 3, now);
	*n = 0;
	enum kf_step s;
	while ((s = kf_stmt_step(st)) == KF_STEP_ROW) {
		enum kf_gov_kind k;
		if (*n >= cap || !kf_gov_kind_parse(kf_stmt_text(st, 0), &k))
			continue;
		out[(*n)++] = (struct kf_gov_force){
			.kind = k, .weight = kf_stmt_int(st, 1), .ends_at = kf_stmt_int(st, 2), .permanent = kf_stmt_int(st, 3) == 1};
	}
	kf_stmt_done(st);
	return s == KF_STEP_DONE ? KF_OK : KF_EDB;
}

enum kf_err kf_store_gov_app_flags(struct kf_db *db, int64_t app, struct kf_gov_app_flags *out)
{
	memset(out, 0, sizeof(*out));
	struct kf_stmt *st = kf_db_prepare(db, "SELECT not_recommended, search_banned, new_auth_closed, users_blocked,"
					       " access_refused, rank_penalty, COALESCE(withdrawn_at, 0) FROM apps WHERE id = ?");
	if (!st)
		return KF_EDB;
	kf_stmt_bind_int(st, 1, app);
	enum kf_step s = kf_stmt_step(st);
	if (s == KF_STEP_ROW) {
		out->not_recommended = kf_stmt_int(st, 0) == 1;
		out->search_banned = kf_stmt_int(st, 1) == 1;
		out->new_auth_closed = kf_stmt_int(st, 2) == 1;
		out->users_blocked = kf_stmt_int(st, 3) == 1;
		out->access_refused = kf_stmt_int(st, 4) == 1;
		out->rank_penalty = kf_stmt_int(st, 5);
		out->withdrawn_at = kf_stmt_int(st, 6);
	}
	kf_stmt_done(st);
	return s == KF_STEP_ROW ? KF_OK : s == KF_STEP_DONE ? KF_ENOTFOUND : KF_EDB;
}

enum kf_err kf_store_gov_set_app_flags(struct kf_db *db, int64_t app, const struct kf_gov_effects *e)
{
	struct kf_stmt *st = kf_db_prepare(db, "UPDATE apps SET not_recommended = ?, search_banned = ?, rank_penalty = ?,"
					       " new_auth_closed = ?, users_blocked = ?, access_refused = ? WHERE id = ?");
	if (!st)
		return KF_EDB;
	kf_stmt_bind_int(st, 1, e->not_recommended ? 1 : 0);
	kf_stmt_bind_int(st, 2, e->search_banned ? 1 : 0);
	kf_stmt_bind_int(st, 3, e->rank_penalty);
	kf_stmt_bind_int(st, 4, e->new_auth_closed ? 1 : 0);
	kf_stmt_bind_int(st, 5, e->users_blocked ? 1 : 0);
	kf_stmt_bind_int(st, 6, e->access_refused ? 1 : 0);
	kf_stmt_bind_int(st, 7, app);
	return kf_stmt_exec(st);
}

enum kf_err kf_store_gov_org_banned(struct kf_db *db, int64_t org, bool *banned)
{
	struct kf_stmt *st = kf_db_prepare(db, "SELECT new_apps_banned FROM orgs WHERE id = ?");
	if (!st)
		return KF_EDB;
	kf_stmt_bind_int(st, 1, org);
	enum kf_step s = kf_stmt_step(st);
	*banned = s == KF_STEP_ROW && kf_stmt_int(st, 0) == 1;
	kf_stmt_done(st);
	return s == KF_STEP_ROW ? KF_OK : s == KF_STEP_DONE ? KF_ENOTFOUND : KF_EDB;
}

enum kf_err kf_store_gov_set_org_banned(struct kf_db *db, int64_t org, bool banned)
{
	struct kf_stmt *st = kf_db_prepare(db, "UPDATE orgs SET new_apps_banned = ? WHERE id = ?");
	if (!st)
		return KF_EDB;
	kf_stmt_bind_int(st, 1, banned ? 1 : 0);
	kf_stmt_bind_int(st, 2, org);
	return kf_stmt_exec(st);
}

enum kf_err kf_store_gov_set_withdrawn(struct kf_db *db, int64_t app, enum kf_app_state state, int64_t at, int64_t now)
{
	struct kf_stmt *st = kf_db_prepare(db, "UPDATE apps SET state = ?, withdrawn_at = ?, updated_at = ? WHERE id = ?");
	if (!st)
		return KF_EDB;
	kf_stmt_bind_text(st, 1, kf_app_state_name(state));
	bind_opt(st, 2, at);
	kf_stmt_bind_int(st, 3, now);
	kf_stmt_bind_int(st, 4, app);
	return kf_stmt_exec(st);
}

enum kf_err kf_store_gov_measure_applied(struct kf_db *db, int64_t id, int64_t now)
{
	struct kf_stmt *st = kf_db_prepare(db, "UPDATE measures SET applied_at = ? WHERE id = ? AND applied_at IS NULL");
	if (!st)
		return KF_EDB;
	kf_stmt_bind_int(st, 1, now);
	kf_stmt_bind_int(st, 2, id);
	if (kf_stmt_exec(st) != KF_OK)
		return KF_EDB;
	return kf_db_changes(db) ? KF_OK : KF_ECONFLICT;
}

enum kf_err kf_store_gov_measure_end(struct kf_db *db, int64_t id, const char *reason, bool rectified, int64_t now)
{
	struct kf_stmt *st = kf_db_prepare(
		db, "UPDATE measures SET ended_at = ?, end_reason = ?,"
		    " rectified_at = CASE WHEN CAST(? AS BIGINT) = 1 THEN ? ELSE rectified_at END"
		    " WHERE id = ? AND ended_at IS NULL");
	if (!st)
		return KF_EDB;
	kf_stmt_bind_int(st, 1, now);
	kf_stmt_bind_text(st, 2, reason);
	kf_stmt_bind_int(st, 3, rectified ? 1 : 0);
	kf_stmt_bind_int(st, 4, now);
	kf_stmt_bind_int(st, 5, id);
	if (kf_stmt_exec(st) != KF_OK)
		return KF_EDB;
	return kf_db_changes(db) ? KF_OK : KF_ECONFLICT;
}

json_t *kf_store_gov_due(struct kf_db *db, int64_t now, int limit)
{
	struct kf_stmt *st = kf_db_prepare(
		db, "SELECT id, CASE WHEN ends_at IS NOT NULL AND ends_at <= ?1 THEN 'end' ELSE 'start' END FROM measures"
		    " WHERE ended_at IS NULL AND ((applied_at IS NULL AND started_at <= ?1)"
		    " OR (ends_at IS NOT NULL AND ends_at <= ?1)) ORDER BY started_at, id LIMIT ?2");
	if (!st)
		return NULL;
	kf_stmt_bind_int(st, 1, now);
	kf_stmt_bind_int(st, 2, limit);
	json_t *arr = json_array();
	enum kf_step s;
	while ((s = kf_stmt_step(st)) == KF_STEP_ROW)
		json_array_append_new(arr, json_pack("{s:I, s:s}", "id", (json_int_t)kf_stmt_int(st, 0), "due", kf_stmt_text(st, 1)));
	kf_stmt_done(st);
	if (s != KF_STEP_DONE) {
		json_decref(arr);
		return NULL;
	}
	return arr;
}
