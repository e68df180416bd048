/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Marketing campaigns (GOV-8). A member of the app's provider registers a
 * push or a pop-up inside a released app at least 3 working days of the
 * operator's calendar before it starts (core/campaign.h); the staff
 * approve or reject it before its start, and the provider is told in
 * writing (inbox and mail); the member may cancel it until it starts.
 * Every change is an audit row in the same transaction. The staff's list
 * shows what is pending and what runs now; the public app page lists none
 * of this.
 */
#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "api/api.h"
#include "api/apps.h"
#include "api/common.h"
#include "core/app.h"
#include "core/calendar.h"
#include "core/campaign.h"
#include "core/catalog.h"
#include "ctx.h"
#include "http/request.h"
#include "notify/notify.h"
#include "store/apps.h"
#include "store/campaigns.h"
#include "store/providers.h"
#include "store/reviews.h"
#include "util/mem.h"

static json_t *campaign_json(const struct kf_campaign_row *c, int64_t now)
{
	return json_pack("{s:I, s:s, s:{s:I, s:s}, s:s, s:s, s:s, s:I, s:I, s:s, s:b, s:I, s:o, s:o}", "id",
			 (json_int_t)c->id, "app_id", c->app_id, "provider", "id", (json_int_t)c->org, "name",
			 c->org_name, "kind", kf_campaign_kind_name(c->kind), "title", c->title, "description",
			 c->description, "starts_at", (json_int_t)c->starts_at, "ends_at", (json_int_t)c->ends_at,
			 "state", kf_campaign_state_name(c->state), "running",
			 kf_campaign_running(c->state, c->starts_at, c->ends_at, now), "submitted_at",
			 (json_int_t)c->submitted_at, "decided_at",
			 c->decided_at ? json_integer(c->decided_at) : json_null(), "decision_note",
			 c->decision_note ? json_string(c->decision_note) : json_null());
}

/* "YYYY-MM-DD HH:MM UTC" of t, for the notices' text. */
static void utc_text(int64_t t, char *buf, size_t size)
{
	struct tm tm;
	time_t tt = (time_t)t;
	if (!gmtime_r(&tt, &tm) || !strftime(buf, size, "%Y-%m-%d %H:%M UTC", &tm))
		snprintf(buf, size, "%lld", (long long)t);
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

/* POST /v1/apps/{id}/campaigns {"kind", "title", "description"?,
 * "starts_at", "ends_at"} (a member of the app's provider). */
static void api_campaigns_create(struct kf_req *r)
{
	static const struct kf_field f[] = {
		{"kind", KF_F_STRING, true, 16, "GOV-8"},      {"title", KF_F_STRING, true, 400, "GOV-8"},
		{"description", KF_F_STRING, false, 8000, "GOV-8"}, {"starts_at", KF_F_INT, true, 0, "GOV-8"},
		{"ends_at", KF_F_INT, true, 0, "GOV-8"},
	};
	struct kf_app_row a;
	enum kf_role role;
	if (!kf_api_load_app(r, &a, &role) || !kf_api_require_member(r, role, "may register its campaigns"))
		return;
	json_t *j = kf_req_json(r);
	if (!j || !kf_req_check(r, j, f, KF_NFIELDS(f)))
		return;
	struct kf_error err = {0};
	struct kf_campaign_row c = {
		.app = a.id,
		.org = a.provider_id,
		.title = kf_json_str(j, "title"),
		.description = kf_json_str(j, "description") ? kf_json_str(j, "description") : "",
		.starts_at = json_integer_value(json_object_get(j, "starts_at")),
		.ends_at = json_integer_value(json_object_get(j, "ends_at")),
		.submitted_by = r->user_id,
	};
	if (!kf_campaign_kind_parse(kf_json_str(j, "kind"), &c.kind)) {
		kf_reply_fail(r, KF_EINVAL, "invalid_value", "GOV-8", "kind", "kind must be push or popup");
		return;
	}
	if (kf_catalog_check_text(c.title, true, KF_CAMPAIGN_TITLE_MAX, true, "title", "GOV-8", &err) != KF_OK ||
	    kf_catalog_check_text(kf_json_str(j, "description"), false, KF_CAMPAIGN_DESCRIPTION_MAX, false,
				  "description", "GOV-8", &err) != KF_OK) {
		kf_reply_error(r, &err);
		return;
	}
	if (a.state != KF_APP_RELEASED) {
		kf_reply_fail(r, KF_ECONFLICT, "campaign_app_not_released", "GOV-8", NULL,
			      "campaigns run inside a released app; this app is %s", kf_app_state_name(a.state));
		return;
	}
	struct kf_calendar cal;
	if (!load_calendar(r, &cal))
		return;
	enum kf_err rc = kf_campaign_check_window(&cal, r->now, c.starts_at, c.ends_at, &err);
	kf_calendar_clear(&cal);
	if (rc != KF_OK) {
		kf_reply_error(r, &err);
		return;
	}
	int64_t id = 0;
	struct kf_db *db = kf_req_db(r);
	if (kf_store_campaign_insert(db, &c, r->now, &id) != KF_OK ||
	    kf_store_campaign_get(db, r->arena, id, &c) != KF_OK ||
	    !kf_api_audit(r, "campaign.register", kf_arena_printf(r->arena, "campaign:%lld", (long long)id),
			  kf_arena_printf(r->arena, "app:%s %s \"%s\"", a.app_id, kf_campaign_kind_name(c.kind), c.title))) {
		kf_api_abort_db(r);
		return;
	}
	if (kf_api_commit(r))
		kf_reply_json(r, 201, campaign_json(&c, r->now));
}

/* GET /v1/apps/{id}/campaigns?after=&limit= (a member or the staff):
 * newest first; after is the id of the last campaign of the page before. */
static void api_campaigns_of_app(struct kf_req *r)
{
	struct kf_app_row a;
	enum kf_role role;
	int64_t after;
	int limit;
	if (!kf_api_page(r, &after, &limit) || !kf_api_load_app(r, &a, &role))
		return;
	struct kf_campaign_row *rows = NULL;
	size_t n = 0;
	if (kf_store_campaigns_of_app(kf_req_db(r), r->arena, a.id, after, limit, &rows, &n) != KF_OK) {
		kf_reply_db_error(r);
		return;
	}
	/* the earliest start a registration now may ask for (GOV-8), for the
	 * provider's form */
	struct kf_calendar cal;
	if (!load_calendar(r, &cal))
		return;
	int64_t earliest = kf_campaign_earliest_start(&cal, r->now);
	kf_calendar_clear(&cal);
	json_t *items = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(items, campaign_json(&rows[i], r->now));
	kf_reply_json(r, 200,
		      json_pack("{s:o, s:o, s:I}", "items", items, "next_after",
				n == (size_t)limit ? json_integer(rows[n - 1].id) : json_null(), "earliest_start",
				(json_int_t)earliest));
}

/* GET /v1/campaigns?state=&running=true&after=&limit= (the staff): by start
 * date; running: approved campaigns whose window holds now. */
static void api_campaigns_list(struct kf_req *r)
{
	struct kf_page_key after;
	int limit;
	if (!kf_api_page_keyset(r, 50, 200, &after, &limit))
		return;
	const char *st = kf_req_query(r, "state"), *run = kf_req_query(r, "running");
	enum kf_campaign_state state;
	if (st && !kf_campaign_state_parse(st, &state)) {
		kf_reply_fail(r, KF_EINVAL, "invalid_value", "GOV-8", "state",
			      "state must be pending, approved, rejected or cancelled");
		return;
	}
	if (run && strcmp(run, "true") && strcmp(run, "false")) {
		kf_reply_fail(r, KF_EINVAL, "invalid_value", "GOV-8", "running", "running must be true or false");
		return;
	}
	struct kf_campaign_row *rows = NULL;
	size_t n = 0;
	if (kf_store_campaigns_list(kf_req_db(r), r->arena, st ? (int)state : -1, run && !strcmp(run, "true"), r->now,
				    after.set, after.key, after.id, limit, &rows, &n) != KF_OK) {
		kf_reply_db_error(r);
		return;
	}
	json_t *items = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(items, campaign_json(&rows[i], r->now));
	json_t *next = n == (size_t)limit && rows[n - 1].starts_at >= 0
			       ? json_string(kf_api_cursor(r, rows[n - 1].starts_at, rows[n - 1].id))
			       : json_null();
	kf_reply_json(r, 200, json_pack("{s:o, s:o}", "items", items, "next_after", next));
}

/* The campaign {id}: for a member of its provider (who) or the staff; 404
 * for anyone else, as for another provider's app. */
static bool load_campaign(struct kf_req *r, struct kf_campaign_row *c, enum kf_role *role)
{
	int64_t id = kf_req_param_id(r, "id");
	enum kf_err rc = id > 0 ? kf_store_campaign_get(kf_req_db(r), r->arena, id, c) : KF_ENOTFOUND;
	*role = KF_ROLE_NONE;
	if (rc == KF_OK && kf_store_member_role(kf_req_db(r), c->org, r->user_id, role) != KF_OK)
		rc = KF_EDB;
	if (rc == KF_EDB) {
		kf_reply_db_error(r);
		return false;
	}
	if (rc != KF_OK || (*role == KF_ROLE_NONE && r->operator_role == KF_ROLE_NONE)) {
		kf_reply_fail(r, KF_ENOTFOUND, "campaign_not_found", "GOV-8", "id", "no such campaign");
		return false;
	}
	return true;
}

/* The answer of a refused change: the transaction is rolled back. */
static void refuse(struct kf_req *r, const struct kf_error *err)
{
	kf_api_rollback(r);
	kf_reply_error(r, err);
}

/* POST /v1/campaigns/{id}/cancel (a member of its provider, before it starts). */
static void api_campaigns_cancel(struct kf_req *r)
{
	struct kf_campaign_row c;
	enum kf_role role;
	if (!load_campaign(r, &c, &role) || !kf_api_require_member(r, role, "may cancel its campaigns"))
		return;
	struct kf_error err = {0};
	if (kf_campaign_may_cancel(c.state, c.starts_at, r->now, &err) != KF_OK) {
		refuse(r, &err);
		return;
	}
	struct kf_db *db = kf_req_db(r);
	enum kf_err rc = kf_store_campaign_set_state(db, c.id, c.state, KF_CAMPAIGN_CANCELLED, r->user_id, NULL, r->now);
	if (rc == KF_ECONFLICT) {
		kf_error_set(&err, KF_ECONFLICT, "state_changed", "GOV-8", NULL,
			     "the campaign changed meanwhile; read it again");
		refuse(r, &err);
		return;
	}
	if (rc != KF_OK || kf_store_campaign_get(db, r->arena, c.id, &c) != KF_OK ||
	    !kf_api_audit(r, "campaign.cancel", kf_arena_printf(r->arena, "campaign:%lld", (long long)c.id),
			  kf_arena_printf(r->arena, "app:%s \"%s\"", c.app_id, c.title))) {
		kf_api_abort_db(r);
		return;
	}
	if (kf_api_commit(r))
		kf_reply_json(r, 200, campaign_json(&c, r->now));
}

/* POST /v1/campaigns/{id}/decision {"decision": "approve"|"reject",
 * "note"} (the staff; a rejection says why). The provider's members are
 * told in writing. */
static void api_campaigns_decide(struct kf_req *r)
{
	static const struct kf_field f[] = {{"decision", KF_F_STRING, true, 16, "GOV-8"},
					    {"note", KF_F_STRING, false, 4000, "GOV-8"}};
	json_t *j = kf_req_json(r);
	struct kf_campaign_row c;
	enum kf_role role;
	if (!j || !kf_req_check(r, j, f, KF_NFIELDS(f)) || !load_campaign(r, &c, &role))
		return;
	const char *d = kf_json_str(j, "decision"), *note = kf_json_str(j, "note");
	bool approve = !strcmp(d, "approve");
	struct kf_error err = {0};
	if (!approve && strcmp(d, "reject")) {
		kf_reply_fail(r, KF_EINVAL, "invalid_value", "GOV-8", "decision", "decision must be approve or reject");
		return;
	}
	if (note && !*note)
		note = NULL;
	if (kf_catalog_check_text(note, !approve, 1000, false, "note", "GOV-8", &err) != KF_OK) {
		if (!note)
			kf_error_set(&err, KF_EINVAL, "missing_field", "GOV-8", "note",
				     "a rejection says why in note: the provider reads it");
		kf_reply_error(r, &err);
		return;
	}
	if (kf_campaign_may_decide(c.state, c.starts_at, r->now, &err) != KF_OK) {
		refuse(r, &err);
		return;
	}
	struct kf_db *db = kf_req_db(r);
	enum kf_campaign_state to = approve ? KF_CAMPAIGN_APPROVED : KF_CAMPAIGN_REJECTED;
	enum kf_err rc = kf_store_campaign_set_state(db, c.id, c.state, to, r->user_id, note, r->now);
	if (rc == KF_ECONFLICT) {
		kf_error_set(&err, KF_ECONFLICT, "campaign_decided", "GOV-8", NULL, "the campaign was decided meanwhile");
		refuse(r, &err);
		return;
	}
	char from[40], to_s[40];
	utc_text(c.starts_at, from, sizeof(from));
	utc_text(c.ends_at, to_s, sizeof(to_s));
	char *body = approve ? kf_arena_printf(r->arena,
					       "The %s campaign \"%s\" of the app %s was approved (GOV-8). It may run "
					       "from %s to %s, as registered.%s%s\n",
					       kf_campaign_kind_name(c.kind), c.title, c.app_id, from, to_s,
					       note ? " Note: " : "", note ? note : "")
			     : kf_arena_printf(r->arena,
					       "The %s campaign \"%s\" of the app %s (from %s) was rejected (GOV-8); it "
					       "may not run.\nReason: %s\n"
					       "You may register it again, at least 3 working days before it starts.\n",
					       kf_campaign_kind_name(c.kind), c.title, c.app_id, from, note);
	if (rc != KF_OK ||
	    kf_notify_org_app(db, r->now, c.org, c.app_id, approve ? "campaign.approved" : "campaign.rejected",
			      approve ? "Campaign approved" : "Campaign rejected", body) != KF_OK ||
	    kf_store_campaign_get(db, r->arena, c.id, &c) != KF_OK ||
	    !kf_api_audit(r, approve ? "campaign.approve" : "campaign.reject",
			  kf_arena_printf(r->arena, "campaign:%lld", (long long)c.id),
			  kf_arena_printf(r->arena, "app:%s \"%s\"%s%s", c.app_id, c.title, note ? ": " : "",
					  note ? note : ""))) {
		kf_api_abort_db(r);
		return;
	}
	if (kf_api_commit(r))
		kf_reply_json(r, 200, campaign_json(&c, r->now));
}

const struct kf_route kf_api_campaigns_routes[] = {
	{"POST", "/v1/apps/{id}/campaigns", api_campaigns_create, KF_AUTH_USER, 0,
	 "Register a marketing push or pop-up in a released app, 3 working days ahead (GOV-8)"},
	{"GET", "/v1/apps/{id}/campaigns", api_campaigns_of_app, KF_AUTH_USER, 0,
	 "An app's registered campaigns, newest first (GOV-8)"},
	{"POST", "/v1/campaigns/{id}/cancel", api_campaigns_cancel, KF_AUTH_USER, 0,
	 "Cancel a campaign before it starts (GOV-8)"},
	{"GET", "/v1/campaigns", api_campaigns_list, KF_AUTH_OPERATOR, 0,
	 "Every provider's campaigns for the staff: pending, approved, running now (GOV-8)"},
	{"POST", "/v1/campaigns/{id}/decision", api_campaigns_decide, KF_AUTH_OPERATOR, 0,
	 "Approve or reject a campaign before it starts (GOV-8)"},
};
const size_t kf_api_campaigns_nroutes = sizeof(kf_api_campaigns_routes) / sizeof(kf_api_campaigns_routes[0]);
