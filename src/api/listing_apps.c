/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Search and display listing applications (REV-2, REV-3): separate
 * applications a released app makes to be found by search and to be
 * featured. Each opens a review with a working-day deadline (REV-1); a
 * display listing carries the provider's attestations and the reviewer
 * records whether the evidence holds. Rules are in core/review.c.
 */
#include "api/listing_apps.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "api/apps.h"
#include "api/common.h"
#include "core/app.h"
#include "core/provider.h"
#include "core/review.h"
#include "ctx.h"
#include "http/request.h"
#include "notify/notify.h"
#include "store/apps.h"
#include "store/db.h"
#include "store/files.h"
#include "store/listing_apps.h"
#include "store/providers.h"
#include "store/release.h"
#include "store/reviews.h"
#include "util/mem.h"

/* ONB-7: a new submission needs a certified provider in good standing. */
/* REV-3: evidence files were uploaded by a member of the app's provider. */
static bool evidence_ok(struct kf_req *r, int64_t provider_id, json_t *evidence)
{
	size_t i;
	json_t *v;
	json_array_foreach(evidence, i, v) {
		struct kf_file_row f;
		enum kf_role role = KF_ROLE_NONE;
		if (!json_is_integer(v)) {
			kf_reply_fail(r, KF_EINVAL, "invalid_type", "REV-3", "attestations.evidence",
				      "attestations.evidence must be file ids");
			return false;
		}
		enum kf_err rc = kf_store_file_get(kf_req_db(r), json_integer_value(v), &f);
		if (rc == KF_OK &&
		    kf_store_member_role(kf_req_db(r), provider_id, f.owner_user_id, &role) != KF_OK)
			rc = KF_EDB;
		if (rc == KF_EDB) {
			kf_reply_db_error(r);
			return false;
		}
		if (rc != KF_OK || role == KF_ROLE_NONE) {
			kf_reply_fail(r, KF_EINVAL, "file_not_found", "REV-3", "attestations.evidence",
				      "evidence %lld is not a file uploaded by a member of this provider",
				      (long long)json_integer_value(v));
			return false;
		}
	}
	return true;
}

/* The application just created, as its list item. */
static void reply_application(struct kf_req *r, int64_t app, int64_t id)
{
	json_t *items = kf_store_listing_apps_json(kf_req_db(r), app);
	size_t i;
	json_t *v, *found = NULL;
	json_array_foreach(items, i, v) {
		if (json_integer_value(json_object_get(v, "id")) == id)
			found = json_incref(v);
	}
	json_decref(items);
	if (!found) {
		kf_reply_db_error(r);
		return;
	}
	kf_reply_json(r, 201, found);
}

/* Both applications: load and check the app, then one transaction that
 * writes the application, its review and the notice. */
static void apply(struct kf_req *r, enum kf_listing_kind kind, json_t *attestations)
{
	struct kf_app_row a;
	enum kf_role role;
	if (!kf_api_load_app(r, &a, &role))
		return;
	if (!kf_api_require_member(r, role, "apply for its listings"))
		return;
	struct kf_org_row org;
	if (!kf_api_provider_may_submit(r, a.provider_id, &org))
		return;
	struct kf_db *db = kf_req_db(r);
	const char *kname = kf_listing_kind_name(kind);
	bool search = false, display = false, pending = false;
	if (kf_store_app_listed(db, a.id, &search, &display) != KF_OK ||
	    kf_store_listing_app_pending(db, a.id, kname, &pending) != KF_OK) {
		kf_reply_db_error(r);
		return;
	}
	enum kf_app_state st = a.state;
	struct kf_error err = {0};
	if (kf_listing_check_apply(st, kind, kind == KF_LISTING_DISPLAY ? display : search, pending, &err) != KF_OK) {
		kf_reply_error(r, &err);
		return;
	}
	if (attestations && !evidence_ok(r, a.provider_id, json_object_get(attestations, "evidence")))
		return;
	struct kf_app_release_row rel = {0};
	if (kf_store_app_release_get(db, a.id, &rel) != KF_OK) {
		kf_reply_db_error(r);
		return;
	}
	if (!kf_api_begin(r))
		return;
	char *att = attestations ? json_dumps(attestations, JSON_COMPACT | JSON_SORT_KEYS) : strdup("{}");
	int64_t id = 0, review = 0, due = 0;
	bool ok = att && kf_api_review_due(r, &due) &&
		  kf_store_listing_app_insert(db, a.id, kname, att, r->user_id, r->now, &id) == KF_OK;
	/* what the reviewer decides on (reviews.detail) */
	json_t *detail = json_pack("{s:I, s:s, s:I, s:o}", "application_id", (json_int_t)id, "app_id", a.app_id,
				   "live_listing_id", (json_int_t)rel.live_listing_id, "attestations",
				   attestations ? json_incref(attestations) : json_object());
	char *dtext = json_dumps(detail, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(detail);
	const char *what = kind == KF_LISTING_DISPLAY ? "display listing" : "search listing";
	char *body = kf_arena_printf(r->arena,
				     "The %s application of the app %s was submitted. Review is due within %lld "
				     "working days.\n",
				     what, a.app_id, (long long)r->ctx->cfg.review_workdays);
	ok = ok && dtext &&
	     kf_store_review_insert(db, kf_listing_review_kind(kind), "app", a.id, a.provider_id, r->now, due, &review) == KF_OK &&
	     kf_store_listing_app_set_review(db, id, review) == KF_OK &&
	     kf_store_review_set_detail(db, review, dtext) == KF_OK &&
	     kf_notify_org_app(db, r->now, a.provider_id, a.app_id,
			   kind == KF_LISTING_DISPLAY ? "app.display_listing_submitted" : "app.search_listing_submitted",
			   kind == KF_LISTING_DISPLAY ? "Display listing submitted" : "Search listing submitted",
			   body) == KF_OK &&
	     kf_api_audit(r, kind == KF_LISTING_DISPLAY ? "app.display_listing_apply" : "app.search_listing_apply",
			  kf_arena_printf(r->arena, "app:%s", a.app_id), att);
	free(att);
	free(dtext);
	if (!ok) {
		kf_api_abort_db(r);
		return;
	}
	if (kf_api_commit(r))
		reply_application(r, a.id, id);
}

static void api_listing_apps_search(struct kf_req *r)
{
	/* no body, or an empty object */
	if (r->body_len) {
		json_t *j = kf_req_json(r);
		if (!j || !kf_req_check(r, j, NULL, 0))
			return;
	}
	apply(r, KF_LISTING_SEARCH, NULL);
}

static void api_listing_apps_display(struct kf_req *r)
{
	static const struct kf_field f[] = {{"attestations", KF_F_OBJECT, true, 0, "REV-3"}};
	/* REV-3: types here; whether each attestation is made, in core */
	static const struct kf_field af[] = {
		{"established_in_field", KF_F_BOOL, false, 0, "REV-3"},
		{"team_size", KF_F_INT, false, 0, "REV-3"},
		{"evidence", KF_F_ARRAY, false, KF_DISPLAY_MAX_EVIDENCE, "REV-3"},
		{"statement", KF_F_STRING, false, 2000, "REV-3"},
	};
	/* who may apply before what they sent (apply() loads the app again) */
	struct kf_app_row a;
	enum kf_role role;
	if (!kf_api_load_app(r, &a, &role) || !kf_api_require_member(r, role, "apply for its listings"))
		return;
	json_t *j = kf_req_json(r);
	if (!j || !kf_req_check(r, j, f, KF_NFIELDS(f)))
		return;
	json_t *att = json_object_get(j, "attestations");
	if (!kf_req_check_in(r, att, "attestations", af, KF_NFIELDS(af)))
		return;
	json_t *team = json_object_get(att, "team_size");
	struct kf_display_attestations da = {
		.established_in_field = json_is_true(json_object_get(att, "established_in_field")),
		.has_team_size = json_is_integer(team),
		.team_size = json_integer_value(team),
		.n_evidence = json_array_size(json_object_get(att, "evidence")),
	};
	struct kf_error err = {0};
	if (kf_listing_check_attestations(&da, &err) != KF_OK) {
		kf_reply_error(r, &err);
		return;
	}
	apply(r, KF_LISTING_DISPLAY, att);
}

static void api_listing_apps_list(struct kf_req *r)
{
	struct kf_app_row a;
	enum kf_role role;
	if (!kf_api_load_app(r, &a, &role))
		return;
	json_t *items = kf_store_listing_apps_json(kf_req_db(r), a.id);
	if (!items) {
		kf_reply_db_error(r);
		return;
	}
	bool search = false, display = false;
	if (kf_store_app_listed(kf_req_db(r), a.id, &search, &display) != KF_OK) {
		json_decref(items);
		kf_reply_db_error(r);
		return;
	}
	kf_reply_json(r, 200, json_pack("{s:o, s:b, s:b}", "items", items, "search_listed", search, "display_listed",
					display));
}

/* REV-3: keep the reviewer's finding with what the review was about. */
static bool record_finding(struct kf_db *db, int64_t review, bool holds)
{
	json_t *d = kf_store_review_detail(db, review);
	if (!d)
		return false;
	json_object_set_new(d, "evidence_holds", json_boolean(holds));
	char *text = json_dumps(d, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(d);
	bool ok = text && kf_store_review_set_detail(db, review, text) == KF_OK;
	free(text);
	return ok;
}

bool kf_api_listing_application_decided(struct kf_req *r, const struct kf_review_row *rv, bool approve,
					size_t n_reasons, const char *reasons_text, json_t *decision, bool *replied)
{
	(void)n_reasons; /* REV-5: a rejection's reasons were checked by the caller */
	struct kf_db *db = kf_req_db(r);
	struct kf_listing_app_row la;
	*replied = false;
	enum kf_listing_kind kind;
	if (kf_store_listing_app_by_review(db, rv->id, &la) != KF_OK || !kf_listing_kind_parse(la.kind, &kind))
		return false;
	json_t *eh = json_object_get(decision, "evidence_holds");
	enum kf_evidence_finding ev = json_is_boolean(eh) ? (json_is_true(eh) ? KF_EVIDENCE_HOLDS : KF_EVIDENCE_FAILS)
							 : KF_EVIDENCE_ABSENT;
	struct kf_error err = {0};
	if (kf_listing_check_decision(kind, approve, ev, &err) != KF_OK) {
		kf_reply_error(r, &err);
		*replied = true;
		return false;
	}
	struct kf_app_row a;
	enum kf_err rc = kf_store_app_get(db, la.app, &a);
	if (rc == KF_EDB)
		return false;
	enum kf_app_state st = rc == KF_OK ? a.state : KF_APP_DELETED;
	if (approve && st != KF_APP_RELEASED) {
		/* REV-2: the listing is for released apps; reject it instead */
		kf_reply_fail(r, KF_ECONFLICT, "app_not_released", "REV-2", "decision",
			      "the app is no longer released (%s); the application can only be rejected",
			      kf_app_state_name(st));
		*replied = true;
		return false;
	}
	const char *what = kind == KF_LISTING_DISPLAY ? "display listing" : "search listing";
	const char *app_id = rc == KF_OK ? a.app_id : "(deleted)";
	const char *finding = ev == KF_EVIDENCE_ABSENT ? ""
			      : ev == KF_EVIDENCE_HOLDS ? "The reviewer found that the evidence holds (REV-3).\n"
							 : "The reviewer found that the evidence does not hold (REV-3).\n";
	const char *body =
		approve ? kf_arena_printf(r->arena, "The %s application of the app %s was approved.\n%s", what, app_id,
					  finding)
			: kf_arena_printf(r->arena,
					  "The %s application of the app %s was rejected. Reasons: %s\n%s"
					  "Fix what the reasons name and apply again.\n",
					  what, app_id, reasons_text, finding);
	char title[64];
	snprintf(title, sizeof(title), "%s %s", kind == KF_LISTING_DISPLAY ? "Display listing" : "Search listing",
		 approve ? "approved" : "rejected");
	char nkind[64];
	snprintf(nkind, sizeof(nkind), "app.%s_%s", la.kind, approve ? "approved" : "rejected");
	return kf_store_listing_app_decide(db, la.id, approve ? KF_REVIEW_APPROVED : KF_REVIEW_REJECTED,
					   ev == KF_EVIDENCE_ABSENT ? -1 : ev == KF_EVIDENCE_HOLDS, r->now) == KF_OK &&
	       (ev == KF_EVIDENCE_ABSENT || record_finding(db, rv->id, ev == KF_EVIDENCE_HOLDS)) &&
	       (!approve || kf_store_app_set_listed(db, la.app, la.kind, r->now) == KF_OK) &&
	       kf_notify_org_app(db, r->now, rv->org_id, rc == KF_OK ? a.app_id : NULL, nkind, title, body) == KF_OK;
}

const struct kf_route kf_api_listing_apps_routes[] = {
	{"POST", "/v1/apps/{id}/search-listing", api_listing_apps_search, KF_AUTH_USER, 0,
	 "Apply for the search listing of a released app (REV-2)"},
	{"POST", "/v1/apps/{id}/display-listing", api_listing_apps_display, KF_AUTH_USER, 0,
	 "Apply for the display listing of a released app (REV-2, REV-3)"},
	{"GET", "/v1/apps/{id}/listing-applications", api_listing_apps_list, KF_AUTH_USER, 0,
	 "The app's search and display listing applications"},
};
const size_t kf_api_listing_apps_nroutes = sizeof(kf_api_listing_apps_routes) / sizeof(kf_api_listing_apps_routes[0]);
