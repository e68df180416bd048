/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The generic review queue (REV-1, REV-5): operators list reviews by kind
 * and state and decide them. The decision is recorded here; what it means
 * for the subject is applied by the subject's module in the same
 * transaction.
 */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "api/common.h"
#include "api/apps.h"
#include "api/authenticity.h"
#include "api/listing_apps.h"
#include "api/providers.h"
#include "api/tokens.h"
#include "core/calendar.h"
#include "core/review.h"
#include "ctx.h"
#include "http/request.h"
#include "store/db.h"
#include "store/reviews.h"
#include "util/mem.h"

/* What a decision means for its subject, applied by the subject's module
 * in the decision's transaction; one row per review kind. */
typedef bool (*decided_fn)(struct kf_req *r, const struct kf_review_row *rv, bool approve, size_t n_reasons,
			   const char *reasons_text, json_t *body, bool *replied);

static bool qualification_decided(struct kf_req *r, const struct kf_review_row *rv, bool approve, size_t n,
				  const char *text, json_t *body, bool *replied)
{
	(void)body;
	return kf_api_provider_qualification_decided(r, rv, approve, n, text, replied);
}

static bool authenticity_decided(struct kf_req *r, const struct kf_review_row *rv, bool approve, size_t n,
				 const char *text, json_t *body, bool *replied)
{
	(void)body;
	return kf_api_authenticity_decided(r, rv, approve, n, text, replied);
}

static bool creation_decided(struct kf_req *r, const struct kf_review_row *rv, bool approve, size_t n,
			     const char *text, json_t *body, bool *replied)
{
	(void)body;
	return kf_api_app_creation_decided(r, rv, approve, n, text, replied);
}

static bool release_decided(struct kf_req *r, const struct kf_review_row *rv, bool approve, size_t n,
			    const char *text, json_t *body, bool *replied)
{
	(void)body;
	return kf_api_app_release_decided(r, rv, approve, n, text, replied);
}

static bool change_decided(struct kf_req *r, const struct kf_review_row *rv, bool approve, size_t n,
			   const char *text, json_t *body, bool *replied)
{
	(void)body;
	return kf_api_app_change_decided(r, rv, approve, n, text, replied);
}

static const struct {
	decided_fn decided;
	bool moves_live; /* an approval puts configs live: cached token checks go */
} by_kind[KF_REVIEW_KIND_COUNT] = {
	[KF_REVIEW_QUALIFICATION] = {qualification_decided, false},
	[KF_REVIEW_AUTHENTICITY] = {authenticity_decided, false},
	[KF_REVIEW_CREATION] = {creation_decided, false},
	[KF_REVIEW_RELEASE] = {release_decided, true},
	[KF_REVIEW_CHANGE] = {change_decided, true},
	[KF_REVIEW_SEARCH_LISTING] = {kf_api_listing_application_decided, false},
	[KF_REVIEW_DISPLAY_LISTING] = {kf_api_listing_application_decided, false},
};

/* ?assignee=<user id> | me | none (REV-1). */
static bool assignee_filter(struct kf_req *r, struct kf_review_filter *f)
{
	const char *a = kf_req_query(r, "assignee");
	if (!a)
		return true;
	if (!strcmp(a, "me")) {
		f->assignee_mode = KF_REVIEW_ASSIGNEE_USER;
		f->assignee = r->user_id;
		return true;
	}
	if (!strcmp(a, "none")) {
		f->assignee_mode = KF_REVIEW_ASSIGNEE_NONE;
		return true;
	}
	char *end = NULL;
	long long v = *a >= '1' && *a <= '9' && strlen(a) <= 18 ? strtoll(a, &end, 10) : 0;
	if (v <= 0 || !end || *end) {
		kf_reply_fail(r, KF_EINVAL, "invalid_value", "REV-1", "assignee", "assignee is a user id, me or none");
		return false;
	}
	f->assignee_mode = KF_REVIEW_ASSIGNEE_USER;
	f->assignee = v;
	return true;
}

/* A positive id of at most 18 digits, or 0. */
static int64_t query_id(const char *a)
{
	char *end = NULL;
	long long v = a && *a >= '1' && *a <= '9' && strlen(a) <= 18 ? strtoll(a, &end, 10) : 0;
	return v > 0 && end && !*end ? (int64_t)v : 0;
}

/* REV-1: a review is overdue when it is pending past its deadline, at the
 * request's now; the list and the single review say it alike, with the
 * working days left by the operator's calendar (null once decided). */
static void set_overdue(struct kf_req *r, const struct kf_calendar *cal, json_t *it)
{
	enum kf_review_state st = KF_REVIEW_WITHDRAWN;
	bool pending = kf_review_state_parse(json_string_value(json_object_get(it, "state")), &st) &&
		       st == KF_REVIEW_PENDING;
	int64_t due = json_integer_value(json_object_get(it, "due_at"));
	bool overdue_now = kf_review_overdue(pending, due, r->now);
	json_object_set_new(it, "overdue", json_boolean(overdue_now));
	json_object_set_new(it, "working_days_left",
			    pending ? json_integer(kf_review_working_days_left(cal, due, r->now)) : json_null());
}

static bool load_calendar(struct kf_req *r, struct kf_calendar *cal)
{
	if (kf_store_calendar_load(kf_req_db(r), r->ctx->cfg.utc_offset_seconds, cal) != KF_OK) {
		kf_calendar_clear(cal);
		kf_reply_db_error(r);
		return false;
	}
	return true;
}

/* GET /v1/reviews: the queue (REV-1), oldest deadline first, with the
 * overdue flag computed at the request's now. */
static void api_reviews_list(struct kf_req *r)
{
	struct kf_review_filter f = {.now = r->now};
	const char *kind = kf_req_query(r, "kind"), *state = kf_req_query(r, "state");
	const char *overdue = kf_req_query(r, "overdue");
	enum kf_review_kind k;
	enum kf_review_state s;
	if (kind && !kf_review_kind_parse(kind, &k)) {
		kf_reply_fail(r, KF_EINVAL, "invalid_value", NULL, "kind", "unknown review kind '%.40s'", kind);
		return;
	}
	f.kind = kind ? &k : NULL;
	f.state = state && kf_review_state_parse(state, &s) ? &s : NULL;
	if (state && !f.state) {
		kf_reply_fail(r, KF_EINVAL, "invalid_value", NULL, "state", "state is pending, approved, rejected or withdrawn");
		return;
	}
	if (overdue && strcmp(overdue, "true") && strcmp(overdue, "false") && strcmp(overdue, "1") &&
	    strcmp(overdue, "0")) {
		kf_reply_fail(r, KF_EINVAL, "invalid_value", "REV-1", "overdue", "overdue is 1, 0, true or false");
		return;
	}
	f.overdue_only = overdue && (!strcmp(overdue, "true") || !strcmp(overdue, "1"));
	/* ?provider=<provider id>, ?app=<app_id or app row id> */
	const char *prov = kf_req_query(r, "provider"), *app = kf_req_query(r, "app");
	if (prov && *prov && !(f.provider_id = query_id(prov))) {
		kf_reply_fail(r, KF_EINVAL, "invalid_value", NULL, "provider", "provider is a provider id");
		return;
	}
	if (app && *app) {
		f.app = query_id(app);
		if (!f.app) {
			if (strlen(app) > 64) {
				kf_reply_fail(r, KF_EINVAL, "invalid_value", NULL, "app", "app is an app_id or an app's id");
				return;
			}
			f.app_id = app;
		}
	}
	struct kf_page_key after;
	if (!assignee_filter(r, &f) || !kf_api_page_keyset(r, 50, 200, &after, &f.limit))
		return;
	f.has_after = after.set;
	f.after_due = after.key;
	f.after_id = after.id;
	json_t *items = kf_store_reviews_json(kf_req_db(r), &f);
	if (!items) {
		kf_reply_db_error(r);
		return;
	}
	struct kf_calendar cal;
	if (!load_calendar(r, &cal)) {
		json_decref(items);
		return;
	}
	size_t n = json_array_size(items);
	for (size_t i = 0; i < n; i++)
		set_overdue(r, &cal, json_array_get(items, i));
	kf_calendar_clear(&cal);
	json_t *last = json_array_get(items, n - 1);
	json_t *next = n == (size_t)f.limit
			       ? json_string(kf_api_cursor(r, json_integer_value(json_object_get(last, "due_at")),
							   json_integer_value(json_object_get(last, "id"))))
			       : json_null();
	kf_reply_json(r, 200, json_pack("{s:o, s:o}", "items", items, "next_after", next));
}

static void api_reviews_get(struct kf_req *r)
{
	int64_t id = kf_req_param_id(r, "id");
	json_t *o = id ? kf_store_review_json(kf_req_db(r), id) : NULL;
	if (!o) {
		kf_reply_fail(r, KF_ENOTFOUND, "review_not_found", NULL, "id", "no such review");
		return;
	}
	struct kf_calendar cal;
	if (!load_calendar(r, &cal)) {
		json_decref(o);
		return;
	}
	set_overdue(r, &cal, o);
	kf_calendar_clear(&cal);
	kf_reply_json(r, 200, o);
}

/* GET /v1/reviews/counts: open reviews per kind, overdue, unassigned and
 * assigned to the caller, for the queue's navigation (REV-1). */
static void api_reviews_counts(struct kf_req *r)
{
	json_t *o = kf_store_review_counts_json(kf_req_db(r), r->user_id, r->now);
	if (!o) {
		kf_reply_db_error(r);
		return;
	}
	kf_reply_json(r, 200, o);
}

/* REV-5: every reason names a rule id, the field and a message. */
static bool check_reasons(struct kf_req *r, json_t *reasons, char **text)
{
	size_t i;
	json_t *v;
	char *acc = kf_arena_strdup(r->arena, "");
	json_array_foreach(reasons, i, v) {
		const char *rule = json_string_value(json_object_get(v, "rule"));
		const char *field = json_string_value(json_object_get(v, "field"));
		const char *msg = json_string_value(json_object_get(v, "message"));
		if (!json_is_object(v) || json_object_size(v) != 3 || !rule || !field || !msg || !*rule || !*field || !*msg ||
		    strlen(rule) > 16 || strlen(field) > 64 || strlen(msg) > 1000) {
			kf_reply_fail(r, KF_EINVAL, "invalid_reason", "REV-5", "reasons",
				      "reason %zu must be {\"rule\", \"field\", \"message\"} with a rule id and a message",
				      i);
			return false;
		}
		acc = kf_arena_printf(r->arena, "%s%s[%s] %s: %s", acc, i ? "; " : "", rule, field, msg);
	}
	*text = acc;
	return true;
}

static void api_reviews_decide(struct kf_req *r)
{
	static const struct kf_field f[] = {
		{"decision", KF_F_STRING, true, 16, "REV-5"},
		{"reasons", KF_F_ARRAY, false, 50, "REV-5"},
		{"evidence_holds", KF_F_BOOL, false, 0, "REV-3"},
	};
	if (!kf_role_reviews(r->operator_role)) {
		kf_reply_fail(r, KF_EFORBIDDEN, "reviewer_required", NULL, NULL, "only reviewers and admins decide reviews");
		return;
	}
	json_t *j = kf_req_json(r);
	if (!j || !kf_req_check(r, j, f, KF_NFIELDS(f)))
		return;
	const char *decision = kf_json_str(j, "decision");
	bool approve = !strcmp(decision, "approve");
	if (!approve && strcmp(decision, "reject")) {
		kf_reply_fail(r, KF_EINVAL, "invalid_value", "REV-5", "decision", "decision is approve or reject");
		return;
	}
	json_t *reasons = json_object_get(j, "reasons");
	char *text = NULL;
	if (reasons && !check_reasons(r, reasons, &text))
		return;
	size_t n_reasons = json_array_size(reasons);
	struct kf_error err = {0};
	if (kf_review_check_decision(approve, n_reasons, &err) != KF_OK) {
		kf_reply_error(r, &err);
		return;
	}
	int64_t id = kf_req_param_id(r, "id");
	struct kf_review_row rv;
	if (!kf_api_begin(r))
		return;
	struct kf_db *db = kf_req_db(r);
	enum kf_err rc = id ? kf_store_review_get(db, id, &rv) : KF_ENOTFOUND;
	if (rc == KF_ENOTFOUND) {
		kf_api_rollback(r);
		kf_reply_fail(r, KF_ENOTFOUND, "review_not_found", NULL, "id", "no such review");
		return;
	}
	/* REV-5, REV-3: core decides the review's state change */
	enum kf_review_state next = KF_REVIEW_PENDING;
	if (rc == KF_OK && kf_review_decide(rv.state, rv.kind, approve, n_reasons,
					    json_is_boolean(json_object_get(j, "evidence_holds")), &next, &err) != KF_OK) {
		kf_api_rollback(r);
		kf_reply_error(r, &err);
		return;
	}
	char *rj = reasons ? json_dumps(reasons, JSON_COMPACT) : strdup("[]");
	rc = rc == KF_OK ? kf_store_review_decide(db, id, next, r->user_id, rj, r->now) : rc;
	free(rj);
	bool replied = false, ok = rc == KF_OK;
	if (ok)
		ok = by_kind[rv.kind].decided(r, &rv, approve, n_reasons, text ? text : "", j, &replied);
	if (ok)
		ok = kf_api_audit(r, approve ? "review.approve" : "review.reject",
				  kf_arena_printf(r->arena, "review:%lld", (long long)id), text);
	if (!ok) {
		if (replied)
			kf_api_rollback(r);
		else
			kf_api_abort_db(r);
		return;
	}
	if (!kf_api_commit(r))
		return;
	/* a change or a release moved live configs: cached token checks go */
	if (approve && by_kind[rv.kind].moves_live)
		kf_api_tokens_changed(r);
	json_t *o = kf_store_review_json(db, id);
	if (!o) {
		kf_reply_db_error(r);
		return;
	}
	kf_reply_json(r, 200, o);
}

const struct kf_route kf_api_reviews_routes[] = {
	{"GET", "/v1/reviews", api_reviews_list, KF_AUTH_OPERATOR, 0, "Review queue (REV-1)"},
	{"GET", "/v1/reviews/counts", api_reviews_counts, KF_AUTH_OPERATOR, 0,
	 "Open, overdue, unassigned and own reviews per kind (REV-1)"},
	{"GET", "/v1/reviews/{id}", api_reviews_get, KF_AUTH_OPERATOR, 0, "Read a review"},
	{"POST", "/v1/reviews/{id}/decision", api_reviews_decide, KF_AUTH_OPERATOR, 0,
	 "Approve or reject a review (REV-5)"},
};
const size_t kf_api_reviews_nroutes = sizeof(kf_api_reviews_routes) / sizeof(kf_api_reviews_routes[0]);
