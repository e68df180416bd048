/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Marketplace governance over JSON (GOV-1 … GOV-7): operators record
 * violations (GOV-3 levels with GOV-4's escalation, GOV-5's plug-in
 * ladder) and further measures (GOV-7), end them (lifted, or rectified
 * after the minimum period); providers read their app's violations and
 * measures and withdraw an app from the marketplace (GOV-2). The effects
 * (state, market columns, tokens, pushes) are govern.c's, shared with the
 * worker's governance pass that starts and ends timed measures; every
 * measure and restoration reaches the provider in writing (GOV-6).
 *
 * Who may act: any operator staff who may write (admin, reviewer, ops;
 * the auditor is read-only) records violations and measures and ends them,
 * like the review desk; the emergency stop (suspension) stays the admins'.
 */
#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "api/apps.h"
#include "api/common.h"
#include "api/governance.h"
#include "api/tokens.h"
#include "core/app.h"
#include "core/governance.h"
#include "core/roles.h"
#include "ctx.h"
#include "govern.h"
#include "http/request.h"
#include "push/push.h"
#include "store/apps.h"
#include "store/db.h"
#include "store/files.h"
#include "store/governance.h"
#include "store/providers.h"
#include "util/mem.h"

static enum kf_err load_app(struct kf_req *r, const char *app_id, struct kf_app_row *a, struct kf_error *err)
{
	enum kf_err rc = app_id && kf_app_id_valid(app_id) ? kf_store_app_by_appid(kf_req_db(r), app_id, a) : KF_ENOTFOUND;
	if (rc == KF_ENOTFOUND)
		return kf_error_set(err, KF_ENOTFOUND, "app_not_found", NULL, "app_id", "no such app");
	return rc == KF_OK ? KF_OK : KF_EDB;
}

static bool rule_ok(const char *rule, struct kf_error *err, const char *rule_of)
{
	if (rule && kf_app_rule_id_valid(rule))
		return true;
	kf_error_set(err, KF_EINVAL, "invalid_rule", rule_of, "rule",
		     "rule is a rule id of the catalog, such as GOV-3");
	return false;
}

/* A measure of spec recorded now (applied at once when it starts now),
 * with its effects and its notice; its id into *id. */
static enum kf_err record_measure(struct kf_req *r, int64_t app, int64_t org, int64_t violation,
				  const struct kf_gov_spec *s, const char *rule, const char *reason, int64_t *id)
{
	struct kf_db *db = kf_req_db(r);
	const struct kf_gov_measure_new m = {.app = s->provider_wide ? 0 : app,
					     .org = org,
					     .violation = violation,
					     .spec = s,
					     .rule = rule,
					     .reason = reason,
					     .created_by = r->user_id,
					     .now = r->now};
	if (kf_store_gov_measure_insert(db, &m, id) != KF_OK)
		return KF_EDB;
	if (s->starts_at <= r->now && kf_store_gov_measure_applied(db, *id, r->now) != KF_OK)
		return KF_EDB;
	return kf_gov_notify(db, r->now, *id, true);
}

enum kf_err kf_api_violation_record(struct kf_req *r, const char *app_id, json_t *body, json_t **out,
				    struct kf_error *err)
{
	struct kf_db *db = kf_req_db(r);
	struct kf_app_row a;
	enum kf_err rc = load_app(r, app_id, &a, err);
	if (rc != KF_OK)
		return rc;
	const char *kind = kf_json_str(body, "kind") ? kf_json_str(body, "kind") : "general";
	bool plugin = !strcmp(kind, "plugin");
	if (!plugin && strcmp(kind, "general"))
		return kf_error_set(err, KF_EINVAL, "invalid_kind", "GOV-3", "kind", "kind is general or plugin");
	const char *rule = kf_json_str(body, "rule"), *evidence = kf_json_str(body, "evidence");
	if (!rule_ok(rule, err, "GOV-3"))
		return KF_EINVAL;
	if (!evidence || !*evidence)
		return kf_error_set(err, KF_EINVAL, "missing_field", "GOV-3", "evidence", "describe the evidence");
	json_t *files = json_object_get(body, "evidence_files");
	size_t i;
	json_t *v;
	if (files && !json_is_array(files))
		return kf_error_set(err, KF_EINVAL, "invalid_value", "GOV-3", "evidence_files", "a list of file ids");
	json_array_foreach(files, i, v) {
		if (!json_is_integer(v) || json_integer_value(v) <= 0)
			return kf_error_set(err, KF_EINVAL, "invalid_value", "GOV-3", "evidence_files",
					    "evidence_files[%zu]: a file id", i);
		/* evidence the provider will be shown must exist */
		struct kf_file_row f;
		enum kf_err frc = kf_store_file_get(kf_req_db(r), json_integer_value(v), &f);
		if (frc == KF_EDB)
			return kf_error_set(err, KF_EDB, "storage_error", NULL, NULL, "storage error");
		if (frc != KF_OK)
			return kf_error_set(err, KF_EINVAL, "file_not_found", "GOV-3", "evidence_files",
					    "evidence_files[%zu]: no file with id %lld", i, (long long)json_integer_value(v));
	}
	json_t *sev = json_object_get(body, "severe");
	if (sev && !json_is_boolean(sev))
		return kf_error_set(err, KF_EINVAL, "invalid_value", "GOV-5", "severe", "severe is true or false");
	bool severe = json_is_true(sev);
	json_t *lv = json_object_get(body, "level");
	int64_t level = json_is_integer(lv) ? json_integer_value(lv) : 0;
	struct kf_gov_violation_new vn = {.app = a.id, .org = a.provider_id, .kind = kind, .severe = severe, .rule = rule,
					  .evidence = evidence, .created_by = r->user_id, .now = r->now};
	char *ftext = files ? json_dumps(files, JSON_COMPACT) : NULL;
	vn.evidence_files = ftext ? kf_arena_strdup(r->arena, ftext) : "[]";
	free(ftext);
	struct kf_gov_spec specs[3];
	size_t n = 0;
	if (!plugin) {
		if ((rc = kf_gov_level_check(lv && !json_is_integer(lv) ? 0 : level, err)) != KF_OK)
			return rc;
		int64_t prior = 0;
		if (kf_store_gov_violations_at_level(db, a.provider_id, (int)level, &prior) != KF_OK)
			return KF_EDB;
		vn.requested_level = (int)level;
		vn.level = kf_gov_escalate((int)level, prior, &vn.escalated); /* GOV-4 */
		specs[n++] = kf_gov_level_measure(vn.level, r->now);
	} else {
		int64_t prior = 0;
		if (kf_store_gov_plugin_count(db, a.provider_id, &prior) != KF_OK)
			return KF_EDB;
		vn.step = prior + 1;
		n = kf_gov_plugin_measures(vn.step, severe, r->now, specs); /* GOV-5 */
	}
	int64_t vid = 0;
	if (kf_store_gov_violation_insert(db, &vn, &vid) != KF_OK)
		return KF_EDB;
	json_t *ids = json_array();
	kf_arena_defer(r->arena, (void (*)(void *))json_decref, ids);
	for (i = 0; i < n; i++) {
		int64_t mid = 0;
		if (record_measure(r, a.id, a.provider_id, vid, &specs[i], rule, evidence, &mid) != KF_OK)
			return KF_EDB;
		json_array_append_new(ids, json_integer(mid));
	}
	if (kf_gov_sync_org(r->ctx, db, r->now, a.provider_id, NULL) != KF_OK ||
	    !kf_api_audit(r, "violation.record", kf_arena_printf(r->arena, "app:%s", a.app_id),
			  kf_arena_printf(r->arena, "%s %s level %d (asked %d)%s step %lld", rule, kind, vn.level, vn.requested_level,
					  vn.escalated ? " escalated GOV-4" : "", (long long)vn.step)))
		return KF_EDB;
	json_t *measures = json_array();
	json_array_foreach(ids, i, v) {
		json_t *m = kf_store_gov_measure_json(db, json_integer_value(v), r->now);
		if (!m) {
			json_decref(measures);
			return KF_EDB;
		}
		json_array_append_new(measures, m);
	}
	json_t *vj = kf_store_gov_violation_json(db, vid);
	if (!vj) {
		json_decref(measures);
		return KF_EDB;
	}
	*out = json_pack("{s:o, s:o}", "violation", vj, "measures", measures);
	return KF_OK;
}

enum kf_err kf_api_measure_create(struct kf_req *r, json_t *body, json_t **out, struct kf_error *err)
{
	struct kf_db *db = kf_req_db(r);
	const char *rule = kf_json_str(body, "rule"), *reason = kf_json_str(body, "reason");
	const char *app_id = kf_json_str(body, "app_id");
	json_t *pv = json_object_get(body, "provider_id"), *wv = json_object_get(body, "weight");
	json_t *sv = json_object_get(body, "starts_at"), *ev = json_object_get(body, "ends_at");
	if ((pv && !json_is_integer(pv)) || (wv && !json_is_integer(wv)) || (sv && !json_is_integer(sv)) ||
	    (ev && !json_is_integer(ev)))
		return kf_error_set(err, KF_EINVAL, "invalid_value", "GOV-7",
				    pv && !json_is_integer(pv) ? "provider_id" : wv && !json_is_integer(wv) ? "weight"
									   : sv && !json_is_integer(sv) ? "starts_at" : "ends_at",
				    "an integer is expected");
	const struct kf_gov_request q = {.kind = kf_json_str(body, "kind"),
					 .has_app = app_id != NULL,
					 .has_provider = pv != NULL,
					 .has_weight = wv != NULL,
					 .weight = json_integer_value(wv),
					 .starts_at = json_integer_value(sv),
					 .ends_at = json_integer_value(ev)};
	struct kf_gov_spec s;
	enum kf_err rc = kf_gov_measure_check(&q, r->now, &s, err);
	if (rc != KF_OK)
		return rc;
	if (!rule_ok(rule, err, "GOV-7"))
		return KF_EINVAL;
	if (!reason || !*reason)
		return kf_error_set(err, KF_EINVAL, "missing_field", "GOV-7", "reason", "give the reason");
	struct kf_app_row a = {0};
	int64_t org;
	if (app_id) {
		if ((rc = load_app(r, app_id, &a, err)) != KF_OK)
			return rc;
		org = a.provider_id;
	} else {
		org = json_integer_value(pv);
		bool banned;
		rc = org > 0 ? kf_store_gov_org_banned(db, org, &banned) : KF_ENOTFOUND;
		if (rc == KF_ENOTFOUND)
			return kf_error_set(err, KF_ENOTFOUND, "provider_not_found", NULL, "provider_id", "no such provider");
		if (rc != KF_OK)
			return KF_EDB;
	}
	int64_t id = 0;
	bool tokens = false;
	if (record_measure(r, a.id, org, 0, &s, rule, reason, &id) != KF_OK ||
	    kf_gov_sync_measure(r->ctx, db, r->now, id, &tokens) != KF_OK ||
	    !kf_api_audit(r, "measure.create", kf_arena_printf(r->arena, "measure:%lld", (long long)id),
			  kf_arena_printf(r->arena, "%s %s on %s: %s", rule, kf_gov_kind_name(s.kind),
					  app_id ? app_id : kf_arena_printf(r->arena, "provider %lld", (long long)org), reason)))
		return KF_EDB;
	*out = kf_store_gov_measure_json(db, id, r->now);
	return *out ? KF_OK : KF_EDB;
}

enum kf_err kf_api_measure_end(struct kf_req *r, int64_t measure_id, const char *reason, const char *note, json_t **out,
			       struct kf_error *err)
{
	struct kf_db *db = kf_req_db(r);
	struct kf_gov_measure_row m;
	enum kf_err rc = kf_store_gov_measure_get(db, measure_id, &m);
	if (rc == KF_ENOTFOUND)
		return kf_error_set(err, KF_ENOTFOUND, "measure_not_found", NULL, NULL, "no such measure");
	if (rc != KF_OK)
		return KF_EDB;
	enum kf_gov_end e;
	if ((rc = kf_gov_end_check(reason, m.ended_at != 0, m.needs_rectification, m.min_until, r->now, &e, err)) != KF_OK)
		return rc;
	rc = kf_store_gov_measure_end(db, measure_id, kf_gov_end_name(e), e == KF_GOV_END_RECTIFIED, r->now);
	if (rc == KF_ECONFLICT)
		return kf_error_set(err, KF_ECONFLICT, "measure_ended", "GOV-6", NULL, "the measure has already ended");
	if (rc != KF_OK || kf_gov_sync_measure(r->ctx, db, r->now, measure_id, NULL) != KF_OK ||
	    kf_gov_notify(db, r->now, measure_id, false) != KF_OK ||
	    !kf_api_audit(r, "measure.end", kf_arena_printf(r->arena, "measure:%lld", (long long)measure_id),
			  kf_arena_printf(r->arena, "%s%s%s", kf_gov_end_name(e), note ? ": " : "", note ? note : "")))
		return KF_EDB;
	*out = kf_store_gov_measure_json(db, measure_id, r->now);
	return *out ? KF_OK : KF_EDB;
}

json_t *kf_api_measure_json(struct kf_req *r, int64_t measure_id)
{
	return kf_store_gov_measure_json(kf_req_db(r), measure_id, r->now);
}

static json_t *market_state(struct kf_req *r, int64_t app)
{
	struct kf_app_row a;
	struct kf_gov_app_flags f;
	if (kf_store_app_get(kf_req_db(r), app, &a) != KF_OK || kf_store_gov_app_flags(kf_req_db(r), app, &f) != KF_OK)
		return NULL;
	return json_pack("{s:s, s:s, s:o}", "app_id", a.app_id, "state", kf_app_state_name(a.state), "withdrawn_at",
			 f.withdrawn_at ? json_integer(f.withdrawn_at) : json_null());
}

/* GOV-2: only members of the app's provider withdraw it or put it back. */
static enum kf_err member_app(struct kf_req *r, const char *app_id, struct kf_app_row *a, struct kf_error *err)
{
	enum kf_err rc = load_app(r, app_id, a, err);
	if (rc != KF_OK)
		return rc;
	enum kf_role role = KF_ROLE_NONE;
	rc = kf_store_member_role(kf_req_db(r), a->provider_id, r->user_id, &role);
	if (rc == KF_EDB)
		return KF_EDB;
	if (rc != KF_OK || role == KF_ROLE_NONE)
		return kf_error_set(err, KF_EFORBIDDEN, "provider_member_required", "GOV-2", NULL,
				    "only members of the app's provider withdraw it");
	return KF_OK;
}

enum kf_err kf_api_app_withdraw(struct kf_req *r, const char *app_id, json_t **out, struct kf_error *err)
{
	struct kf_app_row a;
	enum kf_err rc = member_app(r, app_id, &a, err);
	if (rc != KF_OK)
		return rc;
	enum kf_app_state next;
	if ((rc = kf_gov_withdraw(a.state, &next, err)) != KF_OK)
		return rc;
	if (kf_store_gov_set_withdrawn(kf_req_db(r), a.id, next, r->now, r->now) != KF_OK ||
	    !kf_api_audit(r, "app.withdraw", kf_arena_printf(r->arena, "app:%s", a.app_id), "GOV-2"))
		return KF_EDB;
	*out = market_state(r, a.id);
	return *out ? KF_OK : KF_EDB;
}

enum kf_err kf_api_app_relist(struct kf_req *r, const char *app_id, json_t **out, struct kf_error *err)
{
	struct kf_app_row a;
	enum kf_err rc = member_app(r, app_id, &a, err);
	if (rc != KF_OK)
		return rc;
	enum kf_app_state next;
	if ((rc = kf_gov_relist(a.state, &next, err)) != KF_OK)
		return rc;
	if (kf_store_gov_set_withdrawn(kf_req_db(r), a.id, next, 0, r->now) != KF_OK ||
	    !kf_api_audit(r, "app.relist", kf_arena_printf(r->arena, "app:%s", a.app_id), "GOV-2"))
		return KF_EDB;
	*out = market_state(r, a.id);
	return *out ? KF_OK : KF_EDB;
}

/* ---- routes ---------------------------------------------------------------- */

/* Run op inside a transaction and reply status with its answer. */
static void finish(struct kf_req *r, enum kf_err rc, struct kf_error *err, json_t *out, int status, bool tokens)
{
	if (rc != KF_OK) {
		if (rc == KF_EDB)
			kf_api_abort_db(r);
		else {
			kf_api_rollback(r);
			kf_reply_error(r, err);
		}
		return;
	}
	if (!kf_api_commit(r)) {
		json_decref(out);
		return;
	}
	if (tokens)
		kf_api_tokens_changed(r);
	kf_push_wake(r->ctx->pusher);
	kf_reply_json(r, status, out);
}

static void api_violation_record(struct kf_req *r)
{
	static const struct kf_field f[] = {{"level", KF_F_INT, false, 0, "GOV-3"},
					    {"rule", KF_F_STRING, true, 16, "GOV-3"},
					    {"evidence", KF_F_STRING, true, 4000, "GOV-3"},
					    {"evidence_files", KF_F_ARRAY, false, 20, "GOV-3"},
					    {"kind", KF_F_STRING, false, 16, "GOV-5"},
					    {"severe", KF_F_BOOL, false, 0, "GOV-5"}};
	json_t *j = kf_req_json(r);
	if (!j || !kf_req_check(r, j, f, KF_NFIELDS(f)) || !kf_api_begin(r))
		return;
	struct kf_error err = {0};
	json_t *out = NULL;
	enum kf_err rc = kf_api_violation_record(r, kf_req_param(r, "id"), j, &out, &err);
	finish(r, rc, &err, out, 201, true);
}

/* The app {id} for its provider's members or operator staff (404 else). */
static bool readable_app(struct kf_req *r, struct kf_app_row *a)
{
	enum kf_role role;
	return kf_api_load_app(r, a, &role);
}

static void api_app_violations(struct kf_req *r)
{
	struct kf_app_row a;
	if (!readable_app(r, &a))
		return;
	json_t *items = kf_store_gov_violations_of_app(kf_req_db(r), a.id);
	if (!items) {
		kf_reply_db_error(r);
		return;
	}
	kf_reply_json(r, 200, json_pack("{s:o}", "items", items));
}

static void api_app_measures(struct kf_req *r)
{
	struct kf_app_row a;
	if (!readable_app(r, &a))
		return;
	struct kf_gov_measure_filter f = {.in_force = -1, .app = a.id, .limit = 500};
	int64_t next = 0;
	json_t *items = kf_store_gov_measures_list(kf_req_db(r), &f, r->now, &next);
	if (!items) {
		kf_reply_db_error(r);
		return;
	}
	kf_reply_json(r, 200, json_pack("{s:o}", "items", items));
}

static void api_measure_create(struct kf_req *r)
{
	static const struct kf_field f[] = {{"kind", KF_F_STRING, true, 32, "GOV-7"},
					    {"app_id", KF_F_STRING, false, 24, "GOV-7"},
					    {"provider_id", KF_F_INT, false, 0, "GOV-7"},
					    {"rule", KF_F_STRING, true, 16, "GOV-7"},
					    {"reason", KF_F_STRING, true, 2000, "GOV-7"},
					    {"weight", KF_F_INT, false, 0, "GOV-7"},
					    {"starts_at", KF_F_INT, false, 0, "GOV-7"},
					    {"ends_at", KF_F_INT, false, 0, "GOV-7"}};
	json_t *j = kf_req_json(r);
	if (!j || !kf_req_check(r, j, f, KF_NFIELDS(f)) || !kf_api_begin(r))
		return;
	struct kf_error err = {0};
	json_t *out = NULL;
	enum kf_err rc = kf_api_measure_create(r, j, &out, &err);
	finish(r, rc, &err, out, 201, true);
}

static bool parse_bool_q(struct kf_req *r, const char *name, int *out)
{
	const char *v = kf_req_query(r, name);
	*out = -1;
	if (!v)
		return true;
	if (!strcmp(v, "true") || !strcmp(v, "1"))
		*out = 1;
	else if (!strcmp(v, "false") || !strcmp(v, "0"))
		*out = 0;
	else {
		kf_reply_fail(r, KF_EINVAL, "invalid_value", NULL, name, "true or false");
		return false;
	}
	return true;
}

/* GET /v1/measures?in_force=&kind=&app_id=&provider_id=&cursor=&limit= */
static void api_measures_list(struct kf_req *r)
{
	struct kf_gov_measure_filter f = {.limit = 50};
	if (!parse_bool_q(r, "in_force", &f.in_force))
		return;
	f.kind = kf_req_query(r, "kind");
	enum kf_gov_kind k;
	if (f.kind && !kf_gov_kind_parse(f.kind, &k)) {
		kf_reply_fail(r, KF_EINVAL, "invalid_value", "GOV-7", "kind", "unknown measure kind");
		return;
	}
	const char *app_id = kf_req_query(r, "app_id"), *prov = kf_req_query(r, "provider_id");
	const char *cursor = kf_req_query(r, "cursor"), *limit = kf_req_query(r, "limit");
	int64_t v = 0;
	if (prov && (!kf_api_uint_parse(prov, &f.org) || f.org <= 0)) {
		kf_reply_fail(r, KF_EINVAL, "invalid_value", NULL, "provider_id", "a provider id");
		return;
	}
	if (cursor && (!kf_api_uint_parse(cursor, &f.before_id) || f.before_id <= 0)) {
		kf_reply_fail(r, KF_EINVAL, "invalid_value", NULL, "cursor", "the next_cursor of an earlier answer");
		return;
	}
	if (limit && (!kf_api_uint_parse(limit, &v) || v < 1 || v > 200)) {
		kf_reply_fail(r, KF_EINVAL, "invalid_value", NULL, "limit", "1..200");
		return;
	}
	if (limit)
		f.limit = (int)v;
	if (app_id) {
		struct kf_app_row a;
		struct kf_error err = {0};
		enum kf_err rc = load_app(r, app_id, &a, &err);
		if (rc == KF_EDB) {
			kf_reply_db_error(r);
			return;
		}
		if (rc != KF_OK) { /* an unknown app has no measures */
			kf_reply_json(r, 200, json_pack("{s:[], s:n}", "items", "next_cursor"));
			return;
		}
		f.app = a.id;
	}
	int64_t next = 0;
	json_t *items = kf_store_gov_measures_list(kf_req_db(r), &f, r->now, &next);
	if (!items) {
		kf_reply_db_error(r);
		return;
	}
	kf_reply_json(r, 200, json_pack("{s:o, s:o}", "items", items, "next_cursor",
					next ? json_string(kf_arena_printf(r->arena, "%lld", (long long)next)) : json_null()));
}

static bool measure_id(struct kf_req *r, int64_t *id)
{
	const char *s = kf_req_param(r, "id");
	if (s && kf_api_uint_parse(s, id) && *id > 0)
		return true;
	kf_reply_fail(r, KF_ENOTFOUND, "measure_not_found", NULL, NULL, "no such measure");
	return false;
}

/* GET /v1/measures/{id}: operator staff, or a member of its provider. */
static void api_measure_get(struct kf_req *r)
{
	int64_t id;
	if (!measure_id(r, &id))
		return;
	struct kf_gov_measure_row m;
	enum kf_err rc = kf_store_gov_measure_get(kf_req_db(r), id, &m);
	enum kf_role role = KF_ROLE_NONE;
	if (rc == KF_OK && r->operator_role == KF_ROLE_NONE)
		rc = kf_store_member_role(kf_req_db(r), m.org, r->user_id, &role) == KF_EDB ? KF_EDB
		     : role == KF_ROLE_NONE						    ? KF_ENOTFOUND
											    : KF_OK;
	if (rc == KF_EDB) {
		kf_reply_db_error(r);
		return;
	}
	json_t *o = rc == KF_OK ? kf_api_measure_json(r, id) : NULL;
	if (!o) {
		kf_reply_fail(r, KF_ENOTFOUND, "measure_not_found", NULL, NULL, "no such measure");
		return;
	}
	kf_reply_json(r, 200, o);
}

static void api_measure_end(struct kf_req *r)
{
	static const struct kf_field f[] = {{"reason", KF_F_STRING, true, 16, "GOV-6"},
					    {"note", KF_F_STRING, false, 2000, "GOV-6"}};
	int64_t id;
	json_t *j = kf_req_json(r);
	if (!j || !kf_req_check(r, j, f, KF_NFIELDS(f)) || !measure_id(r, &id) || !kf_api_begin(r))
		return;
	struct kf_error err = {0};
	json_t *out = NULL;
	enum kf_err rc = kf_api_measure_end(r, id, kf_json_str(j, "reason"), kf_json_str(j, "note"), &out, &err);
	finish(r, rc, &err, out, 200, true);
}

static void api_withdraw(struct kf_req *r)
{
	if (!kf_api_begin(r))
		return;
	struct kf_error err = {0};
	json_t *out = NULL;
	enum kf_err rc = kf_api_app_withdraw(r, kf_req_param(r, "id"), &out, &err);
	finish(r, rc, &err, out, 200, false);
}

static void api_relist(struct kf_req *r)
{
	if (!kf_api_begin(r))
		return;
	struct kf_error err = {0};
	json_t *out = NULL;
	enum kf_err rc = kf_api_app_relist(r, kf_req_param(r, "id"), &out, &err);
	finish(r, rc, &err, out, 200, false);
}

const struct kf_route kf_api_governance_routes[] = {
	{"POST", "/v1/apps/{id}/violations", api_violation_record, KF_AUTH_OPERATOR, 0,
	 "Record a violation and the measures it causes (GOV-3, GOV-4, GOV-5)"},
	{"GET", "/v1/apps/{id}/violations", api_app_violations, KF_AUTH_USER, 0,
	 "An app's violations (operator staff or the provider's members)"},
	{"GET", "/v1/apps/{id}/measures", api_app_measures, KF_AUTH_USER, 0,
	 "An app's measures and its provider's (GOV-6)"},
	{"POST", "/v1/apps/{id}/withdrawal", api_withdraw, KF_AUTH_USER, 0,
	 "Withdraw an app from the marketplace (GOV-2)"},
	{"DELETE", "/v1/apps/{id}/withdrawal", api_relist, KF_AUTH_USER, 0,
	 "Put a withdrawn app back in the marketplace (GOV-2)"},
	{"POST", "/v1/measures", api_measure_create, KF_AUTH_OPERATOR, 0, "Apply a further measure (GOV-7)"},
	{"GET", "/v1/measures", api_measures_list, KF_AUTH_OPERATOR, 0, "Measures, filtered (GOV-7)"},
	{"GET", "/v1/measures/{id}", api_measure_get, KF_AUTH_USER, 0, "One measure (GOV-6)"},
	{"POST", "/v1/measures/{id}/end", api_measure_end, KF_AUTH_OPERATOR, 0,
	 "End a measure: lifted, or rectified after its minimum period (GOV-3, GOV-6)"},
};
const size_t kf_api_governance_nroutes = sizeof(kf_api_governance_routes) / sizeof(kf_api_governance_routes[0]);
