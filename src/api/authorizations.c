/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Authorizations as their owners and apps see them: the owner lists and
 * revokes the apps a host account authorized (AUTH-2: tokens stop working
 * at once and the app is told with an unauthorized event), and an app asks
 * GET /v1/authorizer which authorizer a token acts for — the smallest
 * authorized call, answered from the token cache.
 */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "api/authorizations.h"
#include "api/api.h"
#include "api/common.h"
#include "api/tokens.h"
#include "core/app.h"
#include "core/auth.h"
#include "ctx.h"
#include "http/request.h"
#include "proto/envelope.h"
#include "push/push.h"
#include "store/apps.h"
#include "store/auth.h"
#include "store/authz.h"
#include "store/db.h"
#include "store/hosts.h"
#include "store/outbox.h"
#include "store/providers.h"
#include "util/mem.h"

/* The host account {id} the caller owns (or administers). */
static bool owned_host(struct kf_req *r, struct kf_host_row *h)
{
	int64_t id = kf_req_param_id(r, "id");
	enum kf_err rc = id ? kf_store_host_get(kf_req_db(r), id, h) : KF_ENOTFOUND;
	enum kf_role role = KF_ROLE_NONE;
	if (rc == KF_OK && kf_store_member_role(kf_req_db(r), h->org_id, r->user_id, &role) != KF_OK)
		rc = KF_EDB;
	if (rc == KF_EDB) {
		kf_reply_db_error(r);
		return false;
	}
	if (rc != KF_OK || !kf_role_manages(role)) {
		kf_reply_fail(r, KF_ENOTFOUND, "host_account_not_found", "AUTH-1", "id",
			      "no such host account among the accounts you own");
		return false;
	}
	return true;
}

static void api_authz_list(struct kf_req *r)
{
	struct kf_host_row h;
	if (!owned_host(r, &h))
		return;
	json_t *items = kf_store_authz_of_host(kf_req_db(r), h.id);
	if (!items) {
		kf_reply_db_error(r);
		return;
	}
	kf_reply_json(r, 200, json_pack("{s:o}", "items", items));
}

/* Who made a change in an account's log, as its owner may see it: the
 * caller, another person, the host product (an API key), the platform. */
static const char *log_actor(struct kf_req *r, const char *actor)
{
	if (!strncmp(actor, "user:", 5))
		return strtoll(actor + 5, NULL, 10) == r->user_id ? "you" : "person";
	if (!strncmp(actor, "apikey:", 7))
		return "host_product";
	return "platform";
}

/* GET /v1/host-accounts/{id}/access-log: the account's access log,
 * every authorization, change and revocation, newest first. */
static void api_authz_log(struct kf_req *r)
{
	struct kf_host_row h;
	if (!owned_host(r, &h))
		return;
	int64_t before = 0, limit = 50;
	const char *b = kf_req_query(r, "before"), *l = kf_req_query(r, "limit");
	if ((b && !kf_api_uint_parse(b, &before)) || (l && (!kf_api_uint_parse(l, &limit) || limit < 1 || limit > 200))) {
		kf_reply_fail(r, KF_EINVAL, "invalid_value", NULL, b && !kf_api_uint_parse(b, &before) ? "before" : "limit",
			      "before is a log entry id; limit is 1 to 200");
		return;
	}
	struct kf_authz_log_row *rows;
	size_t n;
	if (kf_store_authz_log_of_host(kf_req_db(r), r->arena, h.id, before, (int)limit, &rows, &n) != KF_OK) {
		kf_reply_db_error(r);
		return;
	}
	json_t *items = json_array();
	for (size_t i = 0; i < n; i++) {
		json_t *sets = json_array();
		for (size_t k = 0; k < rows[i].granted.n; k++)
			json_array_append_new(sets, json_integer(rows[i].granted.ids[k]));
		json_array_append_new(items, json_pack("{s:I, s:I, s:s, s:s, s:o, s:s}", "id", (json_int_t)rows[i].id, "at",
						       (json_int_t)rows[i].at, "app_id", rows[i].app_id, "action",
						       rows[i].action, "granted", sets, "by", log_actor(r, rows[i].actor)));
	}
	json_t *next = n == (size_t)limit ? json_integer(rows[n - 1].id) : json_null();
	kf_reply_json(r, 200, json_pack("{s:o, s:o}", "items", items, "next_before", next));
}

bool kf_api_push_auth_event(struct kf_req *r, const struct kf_app_row *app, const char *info_type,
			    const char *authorizer, const char *code, int64_t code_expires, const char *pre_auth_code)
{
	struct kf_envelope_auth_event ev = {
		.info_type = info_type,
		.appid = app->app_id,
		.create_time = r->now,
		.authorizer_appid = authorizer,
		.authorization_code = code,
		.code_expired_time = code_expires,
		.pre_auth_code = pre_auth_code,
	};
	char *xml = NULL, event_id[33];
	struct kf_error err = {0};
	if (kf_envelope_build_auth_event(&ev, &xml, &err) != KF_OK)
		return false;
	enum kf_err rc = kf_store_outbox_insert(kf_req_db(r), app->id, info_type, "auth_receive", NULL, xml, r->now,
						event_id);
	free(xml);
	return rc == KF_OK;
}

bool kf_api_authz_end(struct kf_req *r, const struct kf_app_row *app, int64_t zid, enum kf_auth_state cur,
		      const struct kf_auth_sets *granted, const char *authorizer)
{
	struct kf_db *db = kf_req_db(r);
	struct kf_auth_change ch;
	struct kf_error err = {0};
	if (kf_auth_revoke(cur, &ch, &err) != KF_OK)
		return true; /* not live: nothing to end */
	return kf_store_authz_revoke(db, zid, r->now) == KF_OK &&
	       (!(ch.revoke_access || ch.revoke_refresh) ||
		kf_store_tokens_revoke_authorization(db, zid, r->now) == KF_OK) &&
	       (!ch.revoke_codes || kf_store_codes_revoke_authorization(db, zid, r->now) == KF_OK) &&
	       kf_store_authz_history(db, zid, r->now, "revoked", granted, kf_api_actor(r)) == KF_OK &&
	       (ch.event == KF_AUTH_EVENT_NONE ||
		kf_api_push_auth_event(r, app, kf_auth_event_name(ch.event), authorizer, NULL, 0, NULL));
}

/* AUTH-2: revoke; tokens stop at once; the app is notified. */
static void api_authz_revoke(struct kf_req *r)
{
	struct kf_host_row h;
	if (!owned_host(r, &h))
		return;
	const char *app_id = kf_req_param(r, "app_id");
	struct kf_app_row app;
	struct kf_authz_row z;
	struct kf_db *db = kf_req_db(r);
	enum kf_err rc = app_id && kf_app_id_valid(app_id) ? kf_store_app_by_appid(db, app_id, &app) : KF_ENOTFOUND;
	if (rc == KF_OK)
		rc = kf_store_authz_get(db, h.id, app.id, &z);
	if (rc == KF_OK && !kf_auth_state_live(z.state))
		rc = KF_ENOTFOUND;
	if (rc == KF_EDB) {
		kf_reply_db_error(r);
		return;
	}
	if (rc != KF_OK) {
		kf_reply_fail(r, KF_ENOTFOUND, "authorization_not_found", "AUTH-2", "app_id",
			      "this host account has no active authorization for that app");
		return;
	}
	if (!kf_api_begin(r))
		return;
	if (!kf_api_authz_end(r, &app, z.id, z.state, &z.granted, h.external_id) ||
	    !kf_api_audit(r, "authorization.revoke", kf_arena_printf(r->arena, "host:%lld", (long long)h.id), app_id)) {
		kf_api_abort_db(r);
		return;
	}
	if (!kf_api_commit(r))
		return;
	kf_api_tokens_changed(r);
	kf_push_wake(r->ctx->pusher);
	kf_reply_raw(r, 204, "application/json", "", 0);
}

/* A set list as the API shows it: [3,7] (new reference). */
static json_t *sets_json(const struct kf_auth_sets *s)
{
	json_t *a = json_array();
	for (size_t i = 0; i < s->n; i++)
		json_array_append_new(a, json_integer(s->ids[i]));
	return a;
}

/* GET /v1/authorizer with "Authorization: Bearer <authorizer access token>"
 * or ?access_token=. */
static void api_authz_whoami(struct kf_req *r)
{
	const char *tok = kf_req_query(r, "access_token");
	const char *h = kf_req_header(r, "Authorization");
	if (!tok && h && !strncasecmp(h, "Bearer ", 7))
		tok = h + 7;
	struct kf_authorizer_view v;
	switch (kf_api_authorizer_check(r, tok, &v)) {
	case KF_TOKEN_VALID:
		break;
	case KF_TOKEN_EXPIRED:
		kf_reply_fail(r, KF_EAUTH, "token_expired", "AUTH-2", "access_token", "the authorizer token has expired");
		kf_reply_header(r, "WWW-Authenticate", "Bearer error=\"invalid_token\"");
		return;
	case KF_TOKEN_ERROR:
		kf_reply_db_error(r);
		return;
	case KF_TOKEN_INVALID:
		kf_reply_fail(r, KF_EAUTH, "invalid_token", "AUTH-2", "access_token",
			      "the token is unknown, revoked, or its authorization was withdrawn");
		kf_reply_header(r, "WWW-Authenticate", "Bearer error=\"invalid_token\"");
		return;
	}
	kf_reply_json(r, 200, json_pack("{s:s, s:s, s:o, s:o, s:I}", "authorizer_appid", v.authorizer, "app_id", v.app_id,
					"permission_sets", sets_json(&v.granted), "pending_permission_sets",
					sets_json(&v.pending), "expires_at", (json_int_t)v.expires_at));
}

const struct kf_route kf_api_authorizations_routes[] = {
	{"GET", "/v1/host-accounts/{id}/access-log", api_authz_log, KF_AUTH_USER, 0,
	 "The access log of an owned host account: every authorization, change and revocation (AUTH-2)"},
	{"GET", "/v1/host-accounts/{id}/authorizations", api_authz_list, KF_AUTH_USER, 0,
	 "Apps this host account authorized"},
	{"DELETE", "/v1/host-accounts/{id}/authorizations/{app_id}", api_authz_revoke, KF_AUTH_USER,
	 KF_RF_CONSENT_EXEMPT, "Revoke an authorization (AUTH-2)"},
	{"GET", "/v1/authorizer", api_authz_whoami, KF_AUTH_NONE, 0, "Which authorizer an authorizer token acts for"},
};
const size_t kf_api_authorizations_nroutes = sizeof(kf_api_authorizations_routes) / sizeof(kf_api_authorizations_routes[0]);
