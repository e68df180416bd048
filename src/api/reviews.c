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
#include "core/review.h"
#include "ctx.h"
#include "http/request.h"
#include "store/db.h"
#include "store/reviews.h"
#include "util/mem.h"

static const char *const kinds[] = {"qualification", "creation", "release", "change", "search_listing",
				    "display_listing", "authenticity"};
static const char *const states[] = {"pending", "approved", "rejected", "withdrawn"};

static bool one_of(const char *v, const char *const *set, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(v, set[i]))
			return true;
	return false;
}

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

/* GET /v1/reviews: the queue (REV-1), oldest deadline first, with the
 * overdue flag computed at the request's now. */
static void api_reviews_list(struct kf_req *r)
{
	struct kf_review_filter f = {.kind = kf_req_query(r, "kind"), .state = kf_req_query(r, "state"), .now = r->now};
	const char *overdue = kf_req_query(r, "overdue");
	if (f.kind && !one_of(f.kind, kinds, sizeof(kinds) / sizeof(kinds[0]))) {
		kf_reply_fail(r, KF_EINVAL, "invalid_value", NULL, "kind", "unknown review kind '%.40s'", f.kind);
		return;
	}
	if (f.state && !one_of(f.state, states, 4)) {
		kf_reply_fail(r, KF_EINVAL, "invalid_value", NULL, "state", "state is pending, approved, rejected or withdrawn");
		return;
	}
	if (overdue && strcmp(overdue, "true") && strcmp(overdue, "false")) {
		kf_reply_fail(r, KF_EINVAL, "invalid_value", "REV-1", "overdue", "overdue is true or false");
		return;
	}
	f.overdue_only = overdue && !strcmp(overdue, "true");
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
	size_t n = json_array_size(items);
	for (size_t i = 0; i < n; i++) {
		json_t *it = json_array_get(items, i);
		/* REV-1: pending past its deadline */
		bool pending = !strcmp(json_string_value(json_object_get(it, "state")), "pending");
		bool overdue_now = kf_review_overdue(pending, json_integer_value(json_object_get(it, "due_at")), r->now);
		json_object_set_new(it, "overdue", json_boolean(overdue_now));
	}
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
	if (strcmp(r->operator_role, "reviewer") && strcmp(r->operator_role, "admin")) {
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
	if (!approve && n_reasons == 0) {
		kf_reply_fail(r, KF_EINVAL, "reasons_required", "REV-5", "reasons",
			      "a rejection lists at least one reason naming a rule and a field");
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
	if (rc == KF_OK && strcmp(rv.state, "pending")) {
		kf_api_rollback(r);
		kf_reply_fail(r, KF_ECONFLICT, "already_decided", "REV-5", "decision", "this review was already %s",
			      rv.state);
		return;
	}
	/* REV-3: only a display listing decision records an evidence finding */
	json_t *evidence = json_object_get(j, "evidence_holds");
	if (rc == KF_OK && json_is_boolean(evidence) && strcmp(rv.kind, "display_listing")) {
		kf_api_rollback(r);
		kf_reply_fail(r, KF_EINVAL, "invalid_field", "REV-3", "evidence_holds",
			      "evidence_holds is recorded for display listing reviews only");
		return;
	}
	char *rj = reasons ? json_dumps(reasons, JSON_COMPACT) : strdup("[]");
	rc = rc == KF_OK ? kf_store_review_decide(db, id, approve ? "approved" : "rejected", r->user_id, rj, r->now)
			 : rc;
	free(rj);
	bool replied = false, ok = rc == KF_OK;
	if (ok && !strcmp(rv.kind, "qualification"))
		ok = kf_api_provider_qualification_decided(r, &rv, approve, n_reasons, text ? text : "", &replied);
	else if (ok && !strcmp(rv.kind, "creation"))
		ok = kf_api_app_creation_decided(r, &rv, approve, n_reasons, text ? text : "", &replied);
	else if (ok && !strcmp(rv.kind, "authenticity"))
		ok = kf_api_authenticity_decided(r, &rv, approve, n_reasons, text ? text : "", &replied);
	else if (ok && !strcmp(rv.kind, "release"))
		ok = kf_api_app_release_decided(r, &rv, approve, n_reasons, text ? text : "", &replied);
	else if (ok && !strcmp(rv.kind, "change"))
		ok = kf_api_app_change_decided(r, &rv, approve, n_reasons, text ? text : "", &replied);
	else if (ok && (!strcmp(rv.kind, "search_listing") || !strcmp(rv.kind, "display_listing")))
		ok = kf_api_listing_application_decided(r, &rv, approve, n_reasons, text ? text : "", j, &replied);
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
	if (approve && (!strcmp(rv.kind, "change") || !strcmp(rv.kind, "release")))
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
	{"GET", "/v1/reviews/{id}", api_reviews_get, KF_AUTH_OPERATOR, 0, "Read a review"},
	{"POST", "/v1/reviews/{id}/decision", api_reviews_decide, KF_AUTH_OPERATOR, 0,
	 "Approve or reject a review (REV-5)"},
};
const size_t kf_api_reviews_nroutes = sizeof(kf_api_reviews_routes) / sizeof(kf_api_reviews_routes[0]);
