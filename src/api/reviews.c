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
#include "api/providers.h"
#include "ctx.h"
#include "http/request.h"
#include "store/db.h"
#include "store/reviews.h"
#include "util/mem.h"

static const char *const kinds[] = {"qualification", "creation", "release", "change", "search_listing",
				    "display_listing"};
static const char *const states[] = {"pending", "approved", "rejected", "withdrawn"};

static bool one_of(const char *v, const char *const *set, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(v, set[i]))
			return true;
	return false;
}

static void api_reviews_list(struct kf_req *r)
{
	const char *kind = kf_req_query(r, "kind"), *state = kf_req_query(r, "state");
	if (kind && !one_of(kind, kinds, sizeof(kinds) / sizeof(kinds[0]))) {
		kf_reply_fail(r, KF_EINVAL, "invalid_value", NULL, "kind", "unknown review kind '%.40s'", kind);
		return;
	}
	if (state && !one_of(state, states, 4)) {
		kf_reply_fail(r, KF_EINVAL, "invalid_value", NULL, "state", "state is pending, approved, rejected or withdrawn");
		return;
	}
	int64_t after;
	int limit;
	if (!kf_api_page(r, &after, &limit))
		return;
	json_t *items = kf_store_reviews_json(kf_req_db(r), kind, state, after, limit);
	if (!items) {
		kf_reply_db_error(r);
		return;
	}
	json_t *o = json_pack("{s:o}", "items", items);
	size_t n = json_array_size(items);
	json_object_set_new(o, "next_after", n == (size_t)limit
						     ? json_incref(json_object_get(json_array_get(items, n - 1), "id"))
						     : json_null());
	for (size_t i = 0; i < n; i++) {
		json_t *it = json_array_get(items, i);
		bool overdue = !strcmp(json_string_value(json_object_get(it, "state")), "pending") &&
			       json_integer_value(json_object_get(it, "due_at")) < r->now;
		json_object_set_new(it, "overdue", json_boolean(overdue));
	}
	kf_reply_json(r, 200, o);
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
	char *rj = json_dumps(reasons ? reasons : json_array(), JSON_COMPACT);
	rc = rc == KF_OK ? kf_store_review_decide(db, id, approve ? "approved" : "rejected", r->user_id, rj, r->now)
			 : rc;
	free(rj);
	bool replied = false, ok = rc == KF_OK;
	if (ok && !strcmp(rv.kind, "qualification"))
		ok = kf_api_provider_qualification_decided(r, &rv, approve, n_reasons, text ? text : "", &replied);
	else if (ok && !strcmp(rv.kind, "creation"))
		ok = kf_api_app_creation_decided(r, &rv, approve, n_reasons, text ? text : "", &replied);
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
