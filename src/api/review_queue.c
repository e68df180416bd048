/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Work on the review queue (REV-1): who a review is assigned to, and the
 * pending and overdue gauges that let an operator see the queue fall
 * behind its working-day deadlines. The queue itself is listed in
 * reviews.c.
 */
#include "api/review_queue.h"

#include <inttypes.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "api/common.h"
#include "core/review.h"
#include "http/request.h"
#include "store/db.h"
#include "store/reviews.h"
#include "store/staff.h"
#include "util/mem.h"

/* Kinds always exported (every review kind of core, in its order), so a
 * dashboard sees 0 rather than no series. */
#define N_KNOWN KF_REVIEW_KIND_COUNT
#define MAX_GAUGES 64

static void gauge(FILE *f, const char *name, const struct kf_review_gauge *g, size_t n, bool overdue)
{
	for (size_t k = 0; k < N_KNOWN; k++) {
		int64_t v = 0;
		for (size_t i = 0; i < n; i++)
			if (!strcmp(g[i].kind, kf_review_kind_name((enum kf_review_kind)k)))
				v = overdue ? g[i].overdue : g[i].pending;
		fprintf(f, "%s{kind=\"%s\"} %" PRId64 "\n", name, kf_review_kind_name((enum kf_review_kind)k), v);
	}
	for (size_t i = 0; i < n; i++) {
		bool known = false;
		for (size_t k = 0; k < N_KNOWN && !known; k++)
			known = !strcmp(g[i].kind, kf_review_kind_name((enum kf_review_kind)k));
		/* kinds come from our own inserts; skip anything unfit for a label */
		if (!known && g[i].kind[0] && strspn(g[i].kind, "abcdefghijklmnopqrstuvwxyz_") == strlen(g[i].kind))
			fprintf(f, "%s{kind=\"%s\"} %" PRId64 "\n", name, g[i].kind,
				overdue ? g[i].overdue : g[i].pending);
	}
}

char *kf_api_review_metrics_text(struct kf_db *db, int64_t now)
{
	struct kf_review_gauge g[MAX_GAUGES];
	size_t n = 0;
	if (kf_store_review_gauges(db, now, g, MAX_GAUGES, &n) != KF_OK)
		return NULL;
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	if (!f)
		return NULL;
	fputs("# HELP kaifang_reviews_pending Reviews waiting for a decision (REV-1).\n"
	      "# TYPE kaifang_reviews_pending gauge\n",
	      f);
	gauge(f, "kaifang_reviews_pending", g, n, false);
	fputs("# HELP kaifang_reviews_overdue Pending reviews past their working-day deadline (REV-1).\n"
	      "# TYPE kaifang_reviews_overdue gauge\n",
	      f);
	gauge(f, "kaifang_reviews_overdue", g, n, true);
	if (fclose(f) != 0) {
		free(buf);
		return NULL;
	}
	return buf;
}

/* Set (assignee > 0) or clear (0) the assignee of review {id} as core
 * allows it (REV-1), audited as action; answers the review. */
static void set_assignee(struct kf_req *r, int64_t assignee, const char *action)
{
	struct kf_db *db = kf_req_db(r);
	int64_t id = kf_req_param_id(r, "id");
	struct kf_review_row rv;
	enum kf_err rc = id ? kf_store_review_get(db, id, &rv) : KF_ENOTFOUND;
	if (rc == KF_ENOTFOUND) {
		kf_reply_fail(r, KF_ENOTFOUND, "review_not_found", NULL, "id", "no such review");
		return;
	}
	enum kf_role arole = KF_ROLE_NONE;
	if (rc != KF_OK || (assignee && kf_store_operator_role(db, assignee, &arole) != KF_OK)) {
		kf_reply_db_error(r);
		return;
	}
	struct kf_error err = {0};
	if (kf_review_check_assign(r->operator_role, r->user_id, rv.state == KF_REVIEW_PENDING, rv.assignee_id,
				   assignee, arole, &err) != KF_OK) {
		kf_reply_error(r, &err);
		return;
	}
	if (!kf_api_begin(r))
		return;
	const char *who = assignee ? kf_arena_printf(r->arena, "user:%lld", (long long)assignee) : "none";
	rc = kf_store_review_set_assignee(db, id, assignee, rv.assignee_id);
	if (rc == KF_ECONFLICT) {
		/* decided, or taken by someone else since it was read: one wins */
		kf_api_rollback(r);
		kf_reply_fail(r, KF_ECONFLICT, "review_changed", "REV-1", NULL,
			      "this review was decided or assigned meanwhile; reload the queue");
		return;
	}
	if (rc != KF_OK ||
	    !kf_api_audit(r, action, kf_arena_printf(r->arena, "review:%lld", (long long)id), who)) {
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
	json_object_set_new(o, "overdue", json_boolean(kf_review_overdue(true, rv.due_at, r->now)));
	kf_reply_json(r, 200, o);
}

/* POST /v1/reviews/{id}/assignee {"assignee_id": user id | null} (REV-1). */
static void api_review_queue_assign(struct kf_req *r)
{
	static const struct kf_field f[] = {{"assignee_id", KF_F_ANY, false, 0, "REV-1"}};
	json_t *j = kf_req_json(r);
	if (!j || !kf_req_check(r, j, f, KF_NFIELDS(f)))
		return;
	/* null clears the assignee, so the member must be present */
	json_t *v = json_object_get(j, "assignee_id");
	if (!v) {
		kf_reply_fail(r, KF_EINVAL, "missing_field", "REV-1", "assignee_id",
			      "assignee_id is required (null clears the assignee)");
		return;
	}
	if (!json_is_null(v) && !json_is_integer(v)) {
		kf_reply_fail(r, KF_EINVAL, "invalid_type", "REV-1", "assignee_id",
			      "assignee_id must be a user id or null");
		return;
	}
	int64_t assignee = json_is_integer(v) ? json_integer_value(v) : 0;
	if (json_is_integer(v) && assignee <= 0) {
		kf_reply_fail(r, KF_EINVAL, "invalid_assignee", "REV-1", "assignee_id", "assignee_id must be a user id");
		return;
	}
	set_assignee(r, assignee, "review.assign");
}

/* POST /v1/reviews/{id}/claim: take a review (REV-1): an unassigned one for
 * a reviewer; an admin takes any. */
static void api_review_queue_claim(struct kf_req *r)
{
	set_assignee(r, r->user_id, "review.claim");
}

/* POST /v1/reviews/{id}/release: give a review back to the queue (REV-1):
 * a reviewer releases their own claim only; an admin any. */
static void api_review_queue_release(struct kf_req *r)
{
	set_assignee(r, 0, "review.release");
}

/* GET /v1/staff/notices: operator staff with their daily digest switch. */
static void api_staff_notices_list(struct kf_req *r)
{
	json_t *items = kf_store_staff_list_json(kf_req_db(r));
	if (!items) {
		kf_reply_db_error(r);
		return;
	}
	kf_reply_json(r, 200, json_pack("{s:o}", "items", items));
}

/* PUT /v1/staff/{user_id}/notices {"digest": bool}: an admin switches a
 * staff member's daily review digest mail on or off (the inbox notices
 * stay). */
static void api_staff_notices_set(struct kf_req *r)
{
	static const struct kf_field f[] = {{"digest", KF_F_BOOL, true, 0, NULL}};
	json_t *j = kf_req_json(r);
	if (!j || !kf_req_check(r, j, f, KF_NFIELDS(f)))
		return;
	bool on = json_is_true(json_object_get(j, "digest"));
	struct kf_db *db = kf_req_db(r);
	int64_t uid = kf_req_param_id(r, "user_id");
	enum kf_role role = KF_ROLE_NONE;
	if (uid && kf_store_operator_role(db, uid, &role) != KF_OK) {
		kf_reply_db_error(r);
		return;
	}
	if (!uid || role == KF_ROLE_NONE) {
		kf_reply_fail(r, KF_ENOTFOUND, "staff_not_found", NULL, "user_id", "no such active staff member");
		return;
	}
	if (!kf_api_begin(r))
		return;
	if (kf_store_staff_set_digest(db, uid, on, r->now) != KF_OK ||
	    !kf_api_audit(r, on ? "staff.digest_on" : "staff.digest_off",
			  kf_arena_printf(r->arena, "user:%lld", (long long)uid), NULL)) {
		kf_api_abort_db(r);
		return;
	}
	if (!kf_api_commit(r))
		return;
	kf_reply_json(r, 200, json_pack("{s:I, s:b}", "user_id", (json_int_t)uid, "digest", on));
}

const struct kf_route kf_api_review_queue_routes[] = {
	{"POST", "/v1/reviews/{id}/assignee", api_review_queue_assign, KF_AUTH_OPERATOR, 0,
	 "Assign a review to a reviewer or clear its assignee (REV-1)"},
	{"POST", "/v1/reviews/{id}/claim", api_review_queue_claim, KF_AUTH_OPERATOR, 0,
	 "Take a review: assign it to yourself (REV-1)"},
	{"POST", "/v1/reviews/{id}/release", api_review_queue_release, KF_AUTH_OPERATOR, 0,
	 "Give your review back to the queue (REV-1)"},
	{"GET", "/v1/staff/notices", api_staff_notices_list, KF_AUTH_ADMIN, 0,
	 "Operator staff and their daily review digest switch"},
	{"PUT", "/v1/staff/{user_id}/notices", api_staff_notices_set, KF_AUTH_ADMIN, 0,
	 "Switch a staff member's daily review digest mail on or off"},
};
const size_t kf_api_review_queue_nroutes = sizeof(kf_api_review_queue_routes) / sizeof(kf_api_review_queue_routes[0]);
