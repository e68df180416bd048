/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The third-party-platform (component) API of PROTOCOL.md §2–§4, the front
 * door existing SDKs speak: every call is a POST whose body is JSON
 * whatever the Content-Type, tokens travel in the query string as
 * component_access_token= or access_token=, and every answer is HTTP 200
 * JSON with errcode/errmsg on failure. This file holds the app-level calls
 * (app token, pre-auth code, ticket on demand).
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "api/common.h"
#include "core/app.h"
#include "core/netpolicy.h"
#include "ctx.h"
#include "http/request.h"
#include "push/push.h"
#include "store/apps.h"
#include "store/auth.h"
#include "store/db.h"
#include "util/crypto.h"
#include "util/mem.h"

#define COMPONENT_TOKEN_TTL 7200 /* PROTOCOL.md §1 */
#define PRE_AUTH_CODE_TTL 600

/* PROTOCOL.md §4 */
static void cgi_error(struct kf_req *r, int errcode, const char *errmsg)
{
	kf_db_rollback(kf_req_db(r));
	json_t *o = json_pack("{s:i, s:s}", "errcode", errcode, "errmsg",
			      kf_arena_printf(r->arena, "%s rid: %s", errmsg, r->id));
	kf_reply_json(r, 200, o);
}

static void cgi_ok(struct kf_req *r, json_t *o)
{
	kf_reply_json(r, 200, o);
}

/* The body as a JSON object, parsed whatever the Content-Type (§2). */
static json_t *cgi_body(struct kf_req *r)
{
	json_error_t e;
	json_t *j = r->body_len ? json_loadb(r->body, r->body_len, 0, &e) : NULL;
	if (!json_is_object(j)) {
		json_decref(j);
		cgi_error(r, 47001, "data format error");
		return NULL;
	}
	kf_arena_defer(r->arena, (void (*)(void *))json_decref, j);
	return j;
}

/* The app named by component_appid, usable through this API: it exists
 * and has passed its creation review. Replies and returns false otherwise. */
static bool cgi_app(struct kf_req *r, json_t *body, struct kf_app_row *app, json_t **live)
{
	json_t *v = json_object_get(body, "component_appid");
	const char *id = json_string_value(v);
	if (!v || json_is_null(v)) {
		cgi_error(r, 41002, "appid missing");
		return false;
	}
	if (!id || !kf_app_id_valid(id)) {
		cgi_error(r, 40013, "invalid appid");
		return false;
	}
	enum kf_err rc = kf_store_app_by_appid(kf_req_db(r), id, app);
	if (rc == KF_EDB) {
		cgi_error(r, -1, "system error");
		return false;
	}
	if (rc != KF_OK || !app->live_config_id) {
		cgi_error(r, 61011, "invalid component");
		return false;
	}
	*live = kf_store_app_config_json(kf_req_db(r), app->live_config_id);
	if (!*live) {
		cgi_error(r, -1, "system error");
		return false;
	}
	kf_arena_defer(r->arena, (void (*)(void *))json_decref, *live);
	return true;
}

/* APP-4: only listed addresses may call; an empty list restricts nothing. */
static bool cgi_ip_allowed(struct kf_req *r, json_t *live)
{
	json_t *list = json_object_get(json_object_get(live, "dev"), "ip_allowlist");
	if (json_array_size(list) == 0)
		return true;
	int fam;
	unsigned char addr[16];
	if (kf_addr_parse(r->client_ip, &fam, addr)) {
		size_t i;
		json_t *e;
		json_array_foreach(list, i, e) {
			struct kf_cidr c;
			if (kf_cidr_parse(json_string_value(e), &c, NULL) == KF_OK && kf_cidr_contains(&c, fam, addr))
				return true;
		}
	}
	cgi_error(r, 61004, "access clientip is not registered");
	return false;
}

static bool cgi_secret_ok(struct kf_req *r, const struct kf_app_row *app, json_t *body, const char *field)
{
	json_t *v = json_object_get(body, field);
	if (!v || json_is_null(v)) {
		cgi_error(r, 41004, "appsecret missing");
		return false;
	}
	const char *secret = json_string_value(v);
	char hash[65];
	bool valid = false;
	if (secret) {
		kf_sha256_hex(secret, strlen(secret), hash);
		if (kf_store_app_secret_check(kf_req_db(r), app->id, hash, r->now, &valid) != KF_OK) {
			cgi_error(r, -1, "system error");
			return false;
		}
	}
	if (!valid) {
		cgi_error(r, 40125, "invalid appsecret");
		return false;
	}
	return true;
}

/* The component access token of the query string, valid for app_id. */
static bool cgi_component_token(struct kf_req *r, const char *app_id, struct kf_token_row *t)
{
	const char *tok = kf_req_query(r, "component_access_token");
	if (!tok)
		tok = kf_req_query(r, "access_token");
	if (!tok || !*tok) {
		cgi_error(r, 41001, "access_token missing");
		return false;
	}
	if (strlen(tok) > 200) {
		cgi_error(r, 40014, "invalid access_token");
		return false;
	}
	char hash[65];
	kf_sha256_hex(tok, strlen(tok), hash);
	enum kf_err rc = kf_store_token_get(kf_req_db(r), hash, t);
	if (rc == KF_EDB) {
		cgi_error(r, -1, "system error");
		return false;
	}
	if (rc != KF_OK || strcmp(t->kind, "component_access") || t->revoked) {
		cgi_error(r, 40001, "invalid credential, access_token is invalid or not latest");
		return false;
	}
	if (t->expires_at && t->expires_at <= r->now) {
		cgi_error(r, 42001, "access_token expired");
		return false;
	}
	if (strcmp(t->app_id, app_id)) {
		cgi_error(r, 40013, "invalid appid");
		return false;
	}
	return true;
}

static void api_component_token(struct kf_req *r)
{
	json_t *body = cgi_body(r), *live;
	struct kf_app_row app;
	if (!body || !cgi_app(r, body, &app, &live) || !cgi_ip_allowed(r, live) ||
	    !cgi_secret_ok(r, &app, body, "component_appsecret"))
		return;
	const char *ticket = json_string_value(json_object_get(body, "component_verify_ticket"));
	bool valid = false;
	if (ticket && kf_push_ticket_check(kf_req_db(r), app.id, ticket, r->now, &valid) != KF_OK) {
		cgi_error(r, -1, "system error");
		return;
	}
	if (!valid) {
		cgi_error(r, 61006, "component ticket is invalid");
		return;
	}
	char token[80], hash[65];
	kf_token_new("kfc_", token, sizeof(token));
	kf_sha256_hex(token, strlen(token), hash);
	if (!kf_api_begin(r) ||
	    kf_store_token_insert(kf_req_db(r), hash, "component_access", app.id, 0, NULL, 0, r->now,
				  r->now + COMPONENT_TOKEN_TTL, NULL) != KF_OK ||
	    kf_db_commit(kf_req_db(r)) != KF_OK) {
		cgi_error(r, -1, "system error");
		return;
	}
	cgi_ok(r, json_pack("{s:s, s:i}", "component_access_token", token, "expires_in", COMPONENT_TOKEN_TTL));
}

static void api_component_preauthcode(struct kf_req *r)
{
	json_t *body = cgi_body(r), *live;
	struct kf_app_row app;
	struct kf_token_row t;
	if (!body || !cgi_app(r, body, &app, &live) || !cgi_ip_allowed(r, live) ||
	    !cgi_component_token(r, app.app_id, &t))
		return;
	char code[120], hash[65];
	kf_token_new("preauthcode@@@", code, sizeof(code));
	kf_sha256_hex(code, strlen(code), hash);
	if (!kf_api_begin(r) ||
	    kf_store_code_insert(kf_req_db(r), hash, "pre_auth", app.id, 0, NULL, NULL, NULL, r->now,
				 r->now + PRE_AUTH_CODE_TTL, NULL) != KF_OK ||
	    kf_db_commit(kf_req_db(r)) != KF_OK) {
		cgi_error(r, -1, "system error");
		return;
	}
	cgi_ok(r, json_pack("{s:s, s:i}", "pre_auth_code", code, "expires_in", PRE_AUTH_CODE_TTL));
}

static void api_component_start_push_ticket(struct kf_req *r)
{
	json_t *body = cgi_body(r), *live;
	struct kf_app_row app;
	if (!body || !cgi_app(r, body, &app, &live) || !cgi_ip_allowed(r, live) ||
	    !cgi_secret_ok(r, &app, body, "component_secret"))
		return;
	if (!kf_api_begin(r) || kf_push_ticket_now(kf_req_db(r), app.id, app.app_id, r->now) != KF_OK ||
	    kf_db_commit(kf_req_db(r)) != KF_OK) {
		cgi_error(r, -1, "system error");
		return;
	}
	kf_push_wake(r->ctx->pusher);
	cgi_ok(r, json_pack("{s:i, s:s}", "errcode", 0, "errmsg", "ok"));
}

const struct kf_route kf_api_component_routes[] = {
	{"POST", "/cgi-bin/component/api_component_token", api_component_token, KF_AUTH_NONE, 0,
	 "Component access token from app id, secret and verify ticket"},
	{"POST", "/cgi-bin/component/api_create_preauthcode", api_component_preauthcode, KF_AUTH_NONE, 0,
	 "Pre-authorization code"},
	{"POST", "/cgi-bin/component/api_start_push_ticket", api_component_start_push_ticket, KF_AUTH_NONE, 0,
	 "Push a verify ticket now"},
};
const size_t kf_api_component_nroutes = sizeof(kf_api_component_routes) / sizeof(kf_api_component_routes[0]);
