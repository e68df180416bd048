/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The operator's emergency stop (AUTH-5, GOV-7): suspending an app ends its
 * tokens and unused codes at once, in the transaction that suspends it; from
 * then on both front doors and the consent page refuse it (core
 * kf_auth_app_may_call) and the push worker holds its events. Its
 * authorizations stay, so lifting the suspension restores the service: the
 * app is back in the state it was stopped in, gets a fresh verify ticket,
 * its held events are delivered, each kept authorization is pushed a fresh
 * code (updateauthorized) and it fetches new tokens. Every measure
 * and every restoration reaches the provider in writing (GOV-6) and the
 * audit log.
 */
#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "api/api.h"
#include "api/apps.h"
#include "api/authorizations.h"
#include "api/common.h"
#include "api/suspension.h"
#include "api/tokens.h"
#include "core/app.h"
#include "core/auth.h"
#include "ctx.h"
#include "govern.h"
#include "http/request.h"
#include "notify/notify.h"
#include "push/push.h"
#include "store/apps.h"
#include "store/auth.h"
#include "store/authz.h"
#include "store/db.h"
#include "util/mem.h"

/* The app's name from its live configuration, or its app id. */
static const char *app_name(struct kf_req *r, const struct kf_app_row *a)
{
	json_t *cfg = a->live_config_id ? kf_store_app_config_json(kf_req_db(r), a->live_config_id) : NULL;
	const char *n = json_string_value(json_object_get(cfg, "name"));
	char *out = kf_arena_strdup(r->arena, n ? n : a->app_id);
	json_decref(cfg);
	return out;
}

enum kf_err kf_api_app_suspend(struct kf_req *r, const struct kf_app_row *a, const char *reason, const char *rule,
			       struct kf_error *err)
{
	enum kf_app_state next;
	enum kf_err rc = kf_app_suspend(a->state, rule, &next, err);
	if (rc != KF_OK)
		return rc;
	struct kf_db *db = kf_req_db(r);
	char *body = kf_arena_printf(
		r->arena,
		"The platform suspended the app \"%s\" (%s) under rule %s (AUTH-5). Reason: %s\n"
		"Its access tokens, refresh tokens and unused codes were revoked. Until the suspension is lifted, "
		"it cannot obtain tokens, cannot be authorized and receives no pushes; its events are held and "
		"delivered after the suspension ends. Existing authorizations are kept.\n"
		"You may object through the console (GOV-6).\n",
		app_name(r, a), a->app_id, rule, reason);
	rc = kf_store_app_suspend(db, a->id, a->state, reason, rule, r->now);
	if (rc == KF_ECONFLICT)
		return kf_error_set(err, KF_ECONFLICT, "state_changed", "AUTH-5", NULL,
				    "the app's state changed meanwhile; read it again");
	if (rc != KF_OK || kf_store_app_suspend_grants(db, a->id, r->now) != KF_OK ||
	    kf_notify_org_app(db, r->now, a->provider_id, a->app_id, "app.suspended", "App suspended", body) != KF_OK ||
	    !kf_api_audit(r, "app.suspend", kf_arena_printf(r->arena, "app:%s", a->app_id),
			  kf_arena_printf(r->arena, "%s: %s (was %s)", rule, reason, kf_app_state_name(a->state))))
		return KF_EDB;
	return KF_OK;
}

static void reply_state(struct kf_req *r, const char *app_id)
{
	struct kf_app_row a;
	struct kf_app_suspension sp;
	if (kf_store_app_by_appid(kf_req_db(r), app_id, &a) != KF_OK ||
	    kf_store_app_suspension_get(kf_req_db(r), a.id, &sp) != KF_OK) {
		kf_reply_db_error(r);
		return;
	}
	json_t *o = json_pack("{s:s, s:s}", "app_id", a.app_id, "state", kf_app_state_name(a.state));
	if (sp.set)
		json_object_update_new(o, json_pack("{s:s, s:s, s:s, s:I}", "suspended_from", kf_app_state_name(sp.from), "reason", sp.reason,
						    "rule", sp.rule, "suspended_at", (json_int_t)sp.at));
	kf_reply_json(r, 200, o);
}

/* The app {id}: the routes here are for operator admins, who see every
 * provider's apps through the apps routes' own loader. */
static bool load_any_app(struct kf_req *r, struct kf_app_row *a)
{
	enum kf_role role;
	return kf_api_load_app(r, a, &role);
}

/* POST /v1/apps/{id}/suspend {"reason", "rule"} (operator admin). */
static void api_apps_suspend(struct kf_req *r)
{
	static const struct kf_field f[] = {{"reason", KF_F_STRING, true, 1000, "AUTH-5"},
					    {"rule", KF_F_STRING, true, 16, "AUTH-5"}};
	struct kf_app_row a;
	json_t *j = kf_req_json(r);
	if (!j || !kf_req_check(r, j, f, KF_NFIELDS(f)) || !load_any_app(r, &a))
		return;
	const char *reason = kf_json_str(j, "reason"), *rule = kf_json_str(j, "rule");
	struct kf_error err = {0};
	if (!kf_api_begin(r))
		return;
	enum kf_err rc = kf_api_app_suspend(r, &a, reason, rule, &err);
	if (rc != KF_OK) {
		if (rc == KF_EDB)
			kf_api_abort_db(r);
		else {
			kf_api_rollback(r);
			kf_reply_error(r, &err);
		}
		return;
	}
	if (!kf_api_commit(r))
		return;
	kf_api_tokens_changed(r);
	reply_state(r, a.app_id);
}

/* Lifting restores the service without the owners: each authorization the
 * suspension kept gets a fresh authorization code, pushed in an
 * updateauthorized event (PROTOCOL.md §6), which the app redeems with
 * api_query_auth for new authorizer tokens. Inside the open transaction. */
static bool reissue_codes(struct kf_req *r, const struct kf_app_row *a)
{
	struct kf_db *db = kf_req_db(r);
	int64_t total = 0;
	json_t *rows = kf_store_authz_of_app(db, a->id, 0, INT32_MAX, &total);
	if (!rows)
		return false;
	bool ok = true;
	int64_t expires = kf_auth_code_expires_at(&r->ctx->auth_policy, r->now, false);
	size_t i;
	json_t *v;
	json_array_foreach(rows, i, v) {
		char code[KF_AUTH_TOKEN_SIZE], hash[65];
		kf_api_mint(KF_AUTH_KIND_AUTH_CODE, code, hash);
		ok = kf_store_code_insert(db, hash, KF_AUTH_KIND_AUTH_CODE, false, a->id, json_integer_value(json_object_get(v, "id")), NULL, NULL,
					  NULL, r->now, expires, NULL) == KF_OK &&
		     kf_api_push_auth_event(r, a, kf_auth_event_name(KF_AUTH_EVENT_UPDATEAUTHORIZED),
					    json_string_value(json_object_get(v, "external_id")), code, expires, NULL);
		if (!ok)
			break;
	}
	json_decref(rows);
	return ok;
}

enum kf_err kf_api_app_unsuspend(struct kf_req *r, const struct kf_app_row *a, const char *reason,
				 struct kf_error *err)
{
	struct kf_db *db = kf_req_db(r);
	struct kf_app_suspension sp;
	if (kf_store_app_suspension_get(db, a->id, &sp) != KF_OK)
		return KF_EDB;
	enum kf_app_state next;
	enum kf_err rc = kf_app_unsuspend(a->state, sp.set ? sp.from : KF_APP_RELEASED, &next, err);
	if (rc != KF_OK)
		return rc;
	rc = kf_store_app_unsuspend(db, a->id, next, r->now);
	if (rc == KF_ECONFLICT)
		return kf_error_set(err, KF_ECONFLICT, "not_suspended", "AUTH-5", NULL, "the app is not suspended");
	/* GOV-1: a delisting that came while it was suspended holds now */
	struct kf_app_row after;
	if (rc != KF_OK || kf_push_ticket_now(db, a->id, a->app_id, r->now) != KF_OK || !reissue_codes(r, a) ||
	    kf_gov_sync_app(r->ctx, db, r->now, a->id, NULL) != KF_OK || kf_store_app_get(db, a->id, &after) != KF_OK)
		return KF_EDB;
	const char *to = kf_app_state_name(after.state);
	char *body = kf_arena_printf(r->arena,
				     "The suspension of the app \"%s\" (%s) was lifted; it is %s again (GOV-6).%s%s\n"
				     "Held events are being delivered; fetch new tokens (the revoked ones do not "
				     "come back).\n",
				     app_name(r, a), a->app_id, to, reason ? " Note: " : "", reason ? reason : "");
	if (kf_notify_org_app(db, r->now, a->provider_id, a->app_id, "app.unsuspended", "App suspension lifted", body) != KF_OK ||
	    !kf_api_audit(r, "app.unsuspend", kf_arena_printf(r->arena, "app:%s", a->app_id),
			  kf_arena_printf(r->arena, "back to %s%s%s", to, reason ? ": " : "", reason ? reason : "")))
		return KF_EDB;
	return KF_OK;
}

/* POST /v1/apps/{id}/unsuspend {"reason"?} (operator admin): see
 * kf_api_app_unsuspend. */
static void api_apps_unsuspend(struct kf_req *r)
{
	static const struct kf_field f[] = {{"reason", KF_F_STRING, false, 1000, "GOV-6"}};
	struct kf_app_row a;
	json_t *j = r->body_len ? kf_req_json(r) : json_object();
	if (!r->body_len)
		kf_arena_defer(r->arena, (void (*)(void *))json_decref, j);
	if (!j || !kf_req_check(r, j, f, KF_NFIELDS(f)) || !load_any_app(r, &a))
		return;
	struct kf_error err = {0};
	if (!kf_api_begin(r))
		return;
	enum kf_err rc = kf_api_app_unsuspend(r, &a, kf_json_str(j, "reason"), &err);
	if (rc != KF_OK) {
		if (rc == KF_EDB)
			kf_api_abort_db(r);
		else {
			kf_api_rollback(r);
			kf_reply_error(r, &err);
		}
		return;
	}
	if (!kf_api_commit(r))
		return;
	kf_push_wake(r->ctx->pusher);
	reply_state(r, a.app_id);
}

const struct kf_route kf_api_suspension_routes[] = {
	{"POST", "/v1/apps/{id}/suspend", api_apps_suspend, KF_AUTH_ADMIN, 0,
	 "Suspend an app: the operator's emergency stop (AUTH-5, GOV-7)"},
	{"POST", "/v1/apps/{id}/unsuspend", api_apps_unsuspend, KF_AUTH_ADMIN, 0,
	 "Lift an app's suspension (GOV-6)"},
};
const size_t kf_api_suspension_nroutes = sizeof(kf_api_suspension_routes) / sizeof(kf_api_suspension_routes[0]);
