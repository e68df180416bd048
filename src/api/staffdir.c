/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Operating providers and apps (issue 12): the staff's search over every
 * app, one provider's and one app's record on one answer, and lifting a
 * provider's ban (GOV-6, GOV-7). Providers are searched through GET
 * /v1/providers?q= (api/providers.c); banning, re-verification and app
 * suspension have their own routes (api/providers.c, api/suspension.c).
 * Reads are for every staff role; lifting a ban for administrators.
 */
#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "api/api.h"
#include "api/apps.h"
#include "api/common.h"
#include "api/providers.h"
#include "api/suspension.h"
#include "api/tokens.h"
#include "core/app.h"
#include "core/provider.h"
#include "ctx.h"
#include "http/request.h"
#include "notify/notify.h"
#include "push/push.h"
#include "store/apps.h"
#include "store/db.h"
#include "store/providers.h"
#include "store/staffdir.h"
#include "util/mem.h"

#define STAFF_APPS_LIMIT_DEFAULT 50
#define STAFF_APPS_LIMIT_MAX 200
#define DOSSIER_ROWS 100
#define HEALTH_WINDOW (24 * 3600)

/* GET /v1/staff/apps?q=&provider=&state=&after=&limit=: every provider's
 * apps, newest first. next_after continues the scan; a page may hold
 * fewer rows than limit (the name is matched after the page is read). */
static void api_staff_apps(struct kf_req *r)
{
	const char *q = kf_req_query(r, "q"), *state = kf_req_query(r, "state");
	const char *prov = kf_req_query(r, "provider"), *after = kf_req_query(r, "after");
	const char *lim = kf_req_query(r, "limit");
	int64_t pid = 0, after_id = 0, v;
	int limit = STAFF_APPS_LIMIT_DEFAULT;
	enum kf_app_state st;
	if (q && strlen(q) > KF_STAFFDIR_Q_MAX) {
		kf_reply_fail(r, KF_EINVAL, "too_long", NULL, "q", "q is at most %d bytes", KF_STAFFDIR_Q_MAX);
		return;
	}
	if (state && *state && (!kf_app_state_parse(state, &st) || st == KF_APP_DELETED)) {
		kf_reply_fail(r, KF_EINVAL, "invalid_value", NULL, "state", "state is one of the app states (not deleted)");
		return;
	}
	if (prov && *prov && (!kf_api_uint_parse(prov, &pid) || pid < 1)) {
		kf_reply_fail(r, KF_EINVAL, "invalid_value", NULL, "provider", "provider is a provider id");
		return;
	}
	if (after && (!kf_api_uint_parse(after, &after_id) || after_id < 1)) {
		kf_reply_fail(r, KF_EINVAL, "invalid_value", NULL, "after", "after is the next_after of the previous page");
		return;
	}
	if (lim) {
		if (!kf_api_uint_parse(lim, &v) || v < 1 || v > STAFF_APPS_LIMIT_MAX) {
			kf_reply_fail(r, KF_EINVAL, "invalid_value", NULL, "limit", "limit must be between 1 and %d",
				      STAFF_APPS_LIMIT_MAX);
			return;
		}
		limit = (int)v;
	}
	json_t *items = NULL;
	int64_t last = 0;
	if (kf_store_staff_apps(kf_req_db(r), q && *q ? q : NULL, pid, state && *state ? state : NULL, after_id, limit,
				&items, &last) != KF_OK) {
		kf_reply_db_error(r);
		return;
	}
	kf_reply_json(r, 200,
		      json_pack("{s:o, s:o}", "items", items, "next_after", last ? json_integer(last) : json_null()));
}

/* GET /v1/staff/providers/{id}: the provider with its entity, latest
 * application, members, apps, reviews, notices and recorded ban. */
static void api_staff_provider(struct kf_req *r)
{
	struct kf_org_row org;
	enum kf_role role;
	if (!kf_api_load_provider(r, &org, &role))
		return;
	struct kf_db *db = kf_req_db(r);
	json_t *o = kf_store_org_json(db, org.id);
	json_t *members = kf_store_members_json(db, org.id);
	json_t *apps = kf_store_apps_json(db, org.id);
	json_t *reviews = kf_store_org_reviews_json(db, org.id, DOSSIER_ROWS);
	json_t *notices = kf_store_org_notices_json(db, org.id, DOSSIER_ROWS);
	json_t *entity = json_null(), *application = json_null();
	struct kf_entity_row ent;
	struct kf_application_row a;
	char from[32];
	int64_t at;
	bool ok = o && members && apps && reviews && notices && kf_store_org_ban_get(db, org.id, from, &at) == KF_OK;
	if (ok && org.entity_id) {
		ok = kf_store_entity_get(db, org.entity_id, &ent) == KF_OK;
		if (ok) {
			json_decref(entity);
			entity = json_pack("{s:s, s:s, s:s, s:b, s:b}", "kind", ent.kind, "legal_name", ent.legal_name,
					   "licence_no", ent.licence_no, "verified", ent.verified, "certified",
					   ent.certified);
		}
	}
	enum kf_err rc = ok ? kf_store_application_latest(db, org.id, &a) : KF_EDB;
	if (rc == KF_OK) {
		application = kf_store_application_json(db, a.id);
		ok = application != NULL;
	} else if (rc != KF_ENOTFOUND)
		ok = false;
	if (!ok) {
		json_decref(o);
		json_decref(members);
		json_decref(apps);
		json_decref(reviews);
		json_decref(notices);
		json_decref(entity);
		json_decref(application);
		kf_reply_db_error(r);
		return;
	}
	json_object_set_new(o, "entity", entity);
	json_object_set_new(o, "application", application ? application : json_null());
	json_object_set_new(o, "members", members);
	json_object_set_new(o, "apps", apps);
	json_object_set_new(o, "reviews", reviews);
	json_object_set_new(o, "notices", notices);
	json_object_set_new(o, "ban", org.state == KF_PROVIDER_BANNED
					      ? json_pack("{s:o, s:o}", "from", from[0] ? json_string(from) : json_null(),
							  "at", at ? json_integer(at) : json_null())
					      : json_null());
	kf_reply_json(r, 200, o);
}

/* GET /v1/staff/apps/{id}: the app's state and suspension, its
 * configuration (live and draft), its history from the audit log, its
 * authorizations and the health of its deliveries. */
static void api_staff_app(struct kf_req *r)
{
	struct kf_app_row a;
	enum kf_role role;
	if (!kf_api_load_app(r, &a, &role))
		return;
	struct kf_db *db = kf_req_db(r);
	struct kf_org_row org;
	struct kf_app_suspension sp;
	json_t *live = a.live_config_id ? kf_store_app_config_json(db, a.live_config_id) : json_null();
	json_t *draft = a.draft_config_id ? kf_store_app_config_json(db, a.draft_config_id) : json_null();
	json_t *history = kf_store_app_history_json(db, a.id, a.app_id, DOSSIER_ROWS);
	json_t *authz = kf_store_app_authz_counts(db, a.id);
	json_t *health = kf_store_app_delivery_health(db, a.id, r->now - HEALTH_WINDOW);
	if (!live || !draft || !history || !authz || !health || kf_store_org_get(db, a.provider_id, &org) != KF_OK ||
	    kf_store_app_suspension_get(db, a.id, &sp) != KF_OK) {
		json_decref(live);
		json_decref(draft);
		json_decref(history);
		json_decref(authz);
		json_decref(health);
		kf_reply_db_error(r);
		return;
	}
	json_t *cfg = json_is_object(draft) ? draft : live;
	json_t *name = json_object_get(cfg, "name");
	json_t *o = json_pack("{s:s, s:I, s:s, s:s, s:s, s:o, s:o, s:o, s:o, s:o, s:o}", "app_id", a.app_id,
			      "provider_id", (json_int_t)a.provider_id, "provider_name", org.name, "state",
			      kf_app_state_name(a.state), "audience", kf_app_audience_name(a.audience), "name", name ? json_incref(name) : json_null(),
			      "live_config", live, "draft_config", draft, "history", history, "authorizations", authz,
			      "deliveries", health);
	json_object_set_new(o, "suspension",
			    sp.set ? json_pack("{s:s, s:s, s:s, s:I}", "from", kf_app_state_name(sp.from), "reason",
					       sp.reason, "rule", sp.rule, "at", (json_int_t)sp.at)
				   : json_null());
	kf_reply_json(r, 200, o);
}

/* POST /v1/providers/{id}/unban {"reason"} (admin): lift a ban (GOV-6,
 * GOV-7). The provider goes back to the state the ban found it in (core
 * kf_provider_check_lift), the apps the ban suspended with it are
 * unsuspended (and only those: a suspension of its own stays), the
 * provider is told in writing and the log gets an audit row. */
static void api_providers_unban(struct kf_req *r)
{
	static const struct kf_field f[] = {{"reason", KF_F_STRING, true, 1000, "GOV-6"}};
	struct kf_org_row org;
	enum kf_role role;
	json_t *j = kf_req_json(r);
	if (!j || !kf_req_check(r, j, f, KF_NFIELDS(f)) || !kf_api_load_provider(r, &org, &role))
		return;
	const char *reason = kf_json_str(j, "reason");
	if (!reason[strspn(reason, " \t\r\n")]) {
		kf_reply_fail(r, KF_EINVAL, "missing_field", "GOV-6", "reason", "say why the ban is lifted");
		return;
	}
	struct kf_db *db = kf_req_db(r);
	char from[32];
	int64_t at;
	struct kf_lift_facts facts = {0};
	int open = 0;
	if (kf_store_org_ban_get(db, org.id, from, &at) != KF_OK || kf_store_org_open_reviews(db, org.id, &open) != KF_OK) {
		kf_reply_db_error(r);
		return;
	}
	facts.has_from = from[0] && kf_provider_state_parse(from, &facts.from);
	facts.review_open = open > 0;
	facts.has_entity = org.entity_id != 0;
	enum kf_provider_state next;
	struct kf_error err = {0};
	if (kf_provider_check_lift(org.state, &facts, &next, &err) != KF_OK) {
		kf_reply_error(r, &err);
		return;
	}
	json_t *apps = at ? kf_store_ban_suspended_apps(db, org.id, at) : json_array();
	if (!apps) {
		kf_reply_db_error(r);
		return;
	}
	kf_arena_defer(r->arena, (void (*)(void *))json_decref, apps);
	if (!kf_api_begin(r))
		return;
	char *body = kf_arena_printf(r->arena,
				     "The ban of the provider account \"%s\" was lifted (GOV-6, GOV-7); the account is %s "
				     "again. Reason: %s\n",
				     org.name, kf_provider_state_name(next), reason);
	if (kf_store_org_set_state(db, org.id, next, r->now) != KF_OK ||
	    kf_store_org_mark_ban(db, org.id, NULL, 0) != KF_OK ||
	    kf_notify_org(db, r->now, org.id, "provider.unbanned", "Provider ban lifted", body) != KF_OK ||
	    !kf_api_audit(r, "provider.unban", kf_arena_printf(r->arena, "provider:%lld", (long long)org.id),
			  kf_arena_printf(r->arena, "back to %s: %s", kf_provider_state_name(next), reason))) {
		kf_api_abort_db(r);
		return;
	}
	size_t i;
	json_t *v;
	json_array_foreach(apps, i, v) {
		struct kf_app_row a;
		if (kf_store_app_get(db, json_integer_value(json_object_get(v, "id")), &a) != KF_OK) {
			kf_api_abort_db(r);
			return;
		}
		enum kf_err rc = kf_api_app_unsuspend(r, &a, reason, &err);
		if (rc == KF_EDB) {
			kf_api_abort_db(r);
			return;
		}
		/* another change of the app meanwhile: its own state stands */
	}
	if (!kf_api_commit(r))
		return;
	if (json_array_size(apps))
		kf_push_wake(r->ctx->pusher);
	json_t *o = kf_store_org_json(db, org.id);
	if (!o) {
		kf_reply_db_error(r);
		return;
	}
	json_t *ids = json_array();
	json_array_foreach(apps, i, v)
		json_array_append(ids, json_object_get(v, "app_id"));
	json_object_set_new(o, "unsuspended_apps", ids);
	kf_reply_json(r, 200, o);
}

const struct kf_route kf_api_staffdir_routes[] = {
	{"GET", "/v1/staff/apps", api_staff_apps, KF_AUTH_OPERATOR, 0,
	 "Every provider's apps for the staff: search by name, app_id, provider"},
	{"GET", "/v1/staff/apps/{id}", api_staff_app, KF_AUTH_OPERATOR, 0,
	 "One app for the staff: state history, configuration, authorizations, deliveries health"},
	{"GET", "/v1/staff/providers/{id}", api_staff_provider, KF_AUTH_OPERATOR, 0,
	 "One provider for the staff: entity, members, apps, reviews, notices"},
	{"POST", "/v1/providers/{id}/unban", api_providers_unban, KF_AUTH_ADMIN, KF_RF_STEP_UP,
	 "Lift a provider's ban (GOV-6, GOV-7)"},
};
const size_t kf_api_staffdir_nroutes = sizeof(kf_api_staffdir_routes) / sizeof(kf_api_staffdir_routes[0]);
