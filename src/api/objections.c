/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Objections (GOV-6): the provider answers a measure in force from its
 * console, with text and files; an operator upholds (the measure ends
 * through kf_api_measure_end, reason "objection", and its effects are
 * undone) or rejects it. One pending objection per measure at a time.
 * Each submission tells the staff who decide (admins and ops, inbox);
 * each decision tells the provider in writing (inbox and email) and writes
 * an audit row; both sides read the measure's whole history.
 */
#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "api/common.h"
#include "api/governance.h"
#include "core/roles.h"
#include "ctx.h"
#include "http/request.h"
#include "notify/notify.h"
#include "push/push.h"
#include "store/db.h"
#include "store/files.h"
#include "store/notices.h"
#include "store/objections.h"
#include "store/providers.h"
#include "util/mem.h"

#define MAX_FILES 10
#define MAX_DECIDERS 256

/* The measure {id} the caller may see: operator staff, or a member of the
 * provider it concerns (*member set). Anyone else gets 404, as if it did
 * not exist (a provider never learns of another's measures). */
static bool load_measure(struct kf_req *r, struct kf_objection_measure *m, bool *member)
{
	int64_t id = kf_req_param_id(r, "id");
	struct kf_db *db = kf_req_db(r);
	enum kf_err rc = id ? kf_store_objection_measure(db, id, r->now, m) : KF_ENOTFOUND;
	enum kf_role role = KF_ROLE_NONE;
	if (rc == KF_OK)
		rc = kf_store_member_role(db, m->org, r->user_id, &role);
	if (rc == KF_EDB) {
		kf_reply_db_error(r);
		return false;
	}
	*member = rc == KF_OK && role != KF_ROLE_NONE;
	if (rc != KF_OK || (!*member && r->operator_role == KF_ROLE_NONE)) {
		kf_reply_fail(r, KF_ENOTFOUND, "measure_not_found", "GOV-6", "id", "no such measure");
		return false;
	}
	return true;
}

/* The files array as stored: each a file the caller uploaded. Replies and
 * returns NULL otherwise. */
static const char *files_text(struct kf_req *r, json_t *files)
{
	size_t i;
	json_t *v;
	json_array_foreach(files, i, v) {
		struct kf_file_row f;
		if (!json_is_integer(v)) {
			kf_reply_fail(r, KF_EINVAL, "invalid_type", NULL, "files", "files must be file ids");
			return NULL;
		}
		enum kf_err rc = kf_store_file_get(kf_req_db(r), json_integer_value(v), &f);
		if (rc == KF_EDB) {
			kf_reply_db_error(r);
			return NULL;
		}
		if (rc != KF_OK || f.owner_user_id != r->user_id) {
			kf_reply_fail(r, KF_EINVAL, "file_not_found", NULL, "files", "file %lld is not a file you uploaded",
				      (long long)json_integer_value(v));
			return NULL;
		}
	}
	char *s = files ? json_dumps(files, JSON_COMPACT) : NULL;
	char *copy = kf_arena_strdup(r->arena, s ? s : "[]");
	free(s);
	return copy;
}

static bool blank(const char *s)
{
	for (; s && *s; s++)
		if (!strchr(" \t\r\n", *s))
			return false;
	return true;
}

/* Tell the staff who decide objections, in their inbox (as new reviews
 * are told), inside the open transaction. */
static bool tell_deciders(struct kf_req *r, const struct kf_objection_measure *m, int64_t objection)
{
	int64_t ids[MAX_DECIDERS];
	size_t n = 0;
	struct kf_db *db = kf_req_db(r);
	if (kf_store_objection_deciders(db, ids, MAX_DECIDERS, &n) != KF_OK)
		return false;
	const char *title = kf_arena_printf(r->arena, "New objection to measure %lld", (long long)m->id);
	const char *body = kf_arena_printf(
		r->arena, "The provider of %s objects to the %s measure %lld (%s). Decide it: %s/console/ops/measures/%lld#objection-%lld",
		*m->app_id ? m->app_id : "a provider-wide measure", m->kind, (long long)m->id, m->rule,
		kf_notify_console_base(), (long long)m->id, (long long)objection);
	for (size_t i = 0; i < n; i++)
		if (kf_store_notification_insert(db, ids[i], 0, NULL, "objection.new", title, body, r->now) != KF_OK)
			return false;
	return true;
}

/* POST /v1/measures/{id}/objections {"text", "files"?} (GOV-6). */
static void api_objection_create(struct kf_req *r)
{
	static const struct kf_field f[] = {{"text", KF_F_STRING, true, 4000, "GOV-6"},
					    {"files", KF_F_ARRAY, false, MAX_FILES, "GOV-6"}};
	json_t *j = kf_req_json(r);
	struct kf_objection_measure m;
	bool member = false;
	if (!j || !kf_req_check(r, j, f, KF_NFIELDS(f)) || !load_measure(r, &m, &member))
		return;
	if (!member) {
		kf_reply_fail(r, KF_EFORBIDDEN, "provider_member_required", "GOV-6", NULL,
			      "only members of the measure's provider may object to it");
		return;
	}
	const char *text = kf_json_str(j, "text");
	if (blank(text)) {
		kf_reply_fail(r, KF_EINVAL, "missing_field", "GOV-6", "text", "say why the measure is wrong");
		return;
	}
	const char *files = files_text(r, json_object_get(j, "files"));
	if (!files || !kf_api_begin(r))
		return;
	struct kf_db *db = kf_req_db(r);
	bool pending = false;
	int64_t id = 0;
	if (kf_store_objection_pending_exists(db, m.id, &pending) != KF_OK) {
		kf_api_abort_db(r);
		return;
	}
	if (!m.in_force || pending) {
		kf_api_rollback(r);
		if (!m.in_force)
			kf_reply_fail(r, KF_ECONFLICT, "measure_not_in_force", "GOV-6", NULL,
				      "the measure is not in force: there is nothing to object to");
		else
			kf_reply_fail(r, KF_ECONFLICT, "objection_pending", "GOV-6", NULL,
				      "an objection to this measure is already waiting for a decision");
		return;
	}
	if (kf_store_objection_insert(db, m.id, m.org, text, files, r->user_id, r->now, &id) != KF_OK ||
	    !tell_deciders(r, &m, id) ||
	    !kf_api_audit(r, "objection.submit", kf_arena_printf(r->arena, "measure:%lld", (long long)m.id),
			  kf_arena_printf(r->arena, "objection %lld", (long long)id))) {
		kf_api_abort_db(r);
		return;
	}
	json_t *o = kf_store_objection_json(db, id);
	if (!o) {
		kf_api_abort_db(r);
		return;
	}
	if (!kf_api_commit(r)) {
		json_decref(o);
		return;
	}
	kf_reply_json(r, 201, o);
}

/* GET /v1/measures/{id}/objections: the history (operator or the
 * provider's member). */
static void api_objections_of_measure(struct kf_req *r)
{
	struct kf_objection_measure m;
	bool member = false;
	if (!load_measure(r, &m, &member))
		return;
	json_t *items = kf_store_objections_of_measure(kf_req_db(r), m.id);
	if (!items) {
		kf_reply_db_error(r);
		return;
	}
	bool pending = false;
	size_t i;
	json_t *v;
	json_array_foreach(items, i, v) pending = pending || !strcmp(json_string_value(json_object_get(v, "state")), "pending");
	kf_reply_json(r, 200,
		      json_pack("{s:o, s:b, s:b}", "items", items, "in_force", m.in_force, "may_object",
				member && m.in_force && !pending));
}

/* GET /v1/objections?state=pending|upheld|rejected&after&limit (operator). */
static void api_objections_list(struct kf_req *r)
{
	const char *state = kf_req_query(r, "state");
	if (state && strcmp(state, "pending") && strcmp(state, "upheld") && strcmp(state, "rejected")) {
		kf_reply_fail(r, KF_EINVAL, "invalid_value", NULL, "state", "state is pending, upheld or rejected");
		return;
	}
	int64_t after = 0;
	int limit = 50;
	if (!kf_api_page(r, &after, &limit))
		return;
	int64_t total = 0;
	json_t *items = kf_store_objections_list(kf_req_db(r), state, after, limit + 1, &total);
	if (!items) {
		kf_reply_db_error(r);
		return;
	}
	json_t *next = json_null();
	if (json_array_size(items) > (size_t)limit) {
		json_array_remove(items, (size_t)limit);
		next = json_integer(json_integer_value(json_object_get(json_array_get(items, (size_t)limit - 1), "id")));
	}
	kf_reply_json(r, 200, json_pack("{s:o, s:o, s:I}", "items", items, "next_after", next, "total", (json_int_t)total));
}

/* Tell the provider the decision (GOV-6), inside the open transaction. */
static bool tell_provider(struct kf_req *r, const struct kf_objection_measure *m, int64_t id, bool upheld,
			  const char *note)
{
	const char *title = upheld ? "Objection upheld" : "Objection rejected";
	const char *body = kf_arena_printf(
		r->arena,
		"%s: your objection %lld to the %s measure %lld (%s)%s%s was %s.%s%s\n%s\nSee it in the console: "
		"%s/console/apps/%s/governance\n",
		title, (long long)id, m->kind, (long long)m->id, m->rule, *m->app_id ? " against " : "", m->app_id,
		upheld ? "upheld: the measure has ended and its effects are undone" : "rejected: the measure stays in force",
		note && *note ? " Note: " : "", note && *note ? note : "",
		upheld ? "" : "You may object again with new facts.", kf_notify_console_base(), m->app_id);
	struct kf_db *db = kf_req_db(r);
	const char *kind = upheld ? "objection.upheld" : "objection.rejected";
	if (*m->app_id)
		return kf_notify_org_app(db, r->now, m->org, m->app_id, kind, title, body) == KF_OK;
	return kf_notify_org(db, r->now, m->org, kind, title, body) == KF_OK;
}

/* POST /v1/objections/{id}/decision {"decision": "uphold"|"reject", "note"}
 * (operator staff). */
static void api_objection_decide(struct kf_req *r)
{
	static const struct kf_field f[] = {{"decision", KF_F_STRING, true, 16, "GOV-6"},
					    {"note", KF_F_STRING, false, 2000, "GOV-6"}};
	json_t *j = kf_req_json(r);
	if (!j || !kf_req_check(r, j, f, KF_NFIELDS(f)))
		return;
	const char *decision = kf_json_str(j, "decision"), *note = kf_json_str(j, "note");
	bool uphold = !strcmp(decision, "uphold");
	if (!uphold && strcmp(decision, "reject")) {
		kf_reply_fail(r, KF_EINVAL, "invalid_value", "GOV-6", "decision", "decision is uphold or reject");
		return;
	}
	struct kf_db *db = kf_req_db(r);
	struct kf_objection_row o;
	int64_t id = kf_req_param_id(r, "id");
	enum kf_err rc = id ? kf_store_objection_get(db, id, &o) : KF_ENOTFOUND;
	if (rc == KF_EDB) {
		kf_reply_db_error(r);
		return;
	}
	if (rc != KF_OK) {
		kf_reply_fail(r, KF_ENOTFOUND, "objection_not_found", "GOV-6", "id", "no such objection");
		return;
	}
	if (!kf_api_begin(r))
		return;
	struct kf_objection_measure m;
	struct kf_error err = {0};
	json_t *ended = NULL;
	if (kf_store_objection_measure(db, o.measure, r->now, &m) != KF_OK) {
		kf_api_abort_db(r);
		return;
	}
	rc = kf_store_objection_decide(db, o.id, uphold ? "upheld" : "rejected", r->user_id, note, r->now);
	if (rc == KF_ECONFLICT || (rc == KF_OK && uphold && !m.in_force)) {
		kf_api_rollback(r);
		if (rc == KF_ECONFLICT)
			kf_reply_fail(r, KF_ECONFLICT, "objection_decided", "GOV-6", NULL, "the objection was already decided");
		else
			kf_reply_fail(r, KF_ECONFLICT, "measure_not_in_force", "GOV-6", NULL,
				      "the measure has already ended: reject the objection instead");
		return;
	}
	if (rc == KF_OK && uphold) {
		rc = kf_api_measure_end(r, m.id, "objection", note, &ended, &err);
		json_decref(ended);
		if (rc != KF_OK && rc != KF_EDB) {
			kf_api_rollback(r);
			kf_reply_error(r, &err);
			return;
		}
	}
	if (rc != KF_OK || !tell_provider(r, &m, o.id, uphold, note) ||
	    !kf_api_audit(r, uphold ? "objection.uphold" : "objection.reject",
			  kf_arena_printf(r->arena, "measure:%lld", (long long)m.id),
			  kf_arena_printf(r->arena, "objection %lld%s%s", (long long)o.id, note && *note ? ": " : "",
					  note && *note ? note : ""))) {
		kf_api_abort_db(r);
		return;
	}
	json_t *out = kf_store_objection_json(db, o.id);
	if (!out) {
		kf_api_abort_db(r);
		return;
	}
	if (!kf_api_commit(r)) {
		json_decref(out);
		return;
	}
	if (uphold) /* the restoration's pushes (GOV-6) */
		kf_push_wake(r->ctx->pusher);
	kf_reply_json(r, 200, out);
}

/* GET /v1/me/measures: the measures in force against the caller's
 * providers and their apps (GOV-6: what the console home lists). */
static void api_my_measures(struct kf_req *r)
{
	json_t *items = kf_store_measures_of_user(kf_req_db(r), r->user_id, r->now, 200);
	if (!items) {
		kf_reply_db_error(r);
		return;
	}
	kf_reply_json(r, 200, json_pack("{s:o}", "items", items));
}

const struct kf_route kf_api_objections_routes[] = {
	{"GET", "/v1/me/measures", api_my_measures, KF_AUTH_USER, 0,
	 "The measures in force against the caller's providers and their apps (GOV-6)"},
	{"POST", "/v1/measures/{id}/objections", api_objection_create, KF_AUTH_USER, 0,
	 "Object to a measure in force (GOV-6; a member of the measure's provider)"},
	{"GET", "/v1/measures/{id}/objections", api_objections_of_measure, KF_AUTH_USER, 0,
	 "The objections to a measure and their decisions (operator or the provider's member)"},
	{"GET", "/v1/objections", api_objections_list, KF_AUTH_OPERATOR, 0, "Objections, e.g. ?state=pending (operator)"},
	{"POST", "/v1/objections/{id}/decision", api_objection_decide, KF_AUTH_OPERATOR, 0,
	 "Uphold (ends the measure) or reject an objection (GOV-6; operator)"},
};
const size_t kf_api_objections_nroutes = sizeof(kf_api_objections_routes) / sizeof(kf_api_objections_routes[0]);
