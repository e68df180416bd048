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
#include "api/limits.h"
#include "api/tokens.h"
#include "core/app.h"
#include "core/auth.h"
#include "ctx.h"
#include "http/request.h"
#include "push/push.h"
#include "store/apps.h"
#include "store/auth.h"
#include "store/authz.h"
#include "store/hosts.h"
#include "store/outbox.h"
#include "proto/envelope.h"
#include "store/db.h"
#include "store/governance.h"
#include "util/crypto.h"
#include "util/mem.h"

/* lifetimes: PROTOCOL.md §1, configurable (ctx->auth_policy) */
#define COMPONENT_TOKEN_TTL ((int)r->ctx->auth_policy.app_access_ttl)
#define PRE_AUTH_CODE_TTL ((int)r->ctx->auth_policy.pre_auth_code_ttl)
#define AUTHORIZER_TOKEN_TTL ((int)r->ctx->auth_policy.authorizer_access_ttl)

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
	/* the app's state (AUTH-5) and IP allowlist (APP-4) on every call (§2),
	 * decided by the check /oauth/token runs too */
	struct kf_error err = {0};
	if (kf_api_front_door(r, app->state, *live, &err) != KF_OK) {
		int code;
		const char *msg;
		kf_api_cgi_errcode(r, err.name, &code, &msg);
		cgi_error(r, code, msg);
		return false;
	}
	return true;
}

static bool cgi_secret_ok(struct kf_req *r, const struct kf_app_row *app, json_t *body, const char *field)
{
	json_t *v = json_object_get(body, field);
	if (!v || json_is_null(v)) {
		cgi_error(r, 41004, "appsecret missing");
		return false;
	}
	/* secret guessing is limited per app and per address, on the same
	 * counters as /oauth/token; only failures count (issue 9) */
	int64_t wait = kf_api_client_auth_wait(r, app->app_id);
	if (wait != 0) {
		if (wait > 0)
			kf_api_limit_retry_after(r, wait);
		cgi_error(r, wait > 0 ? 45009 : -1, wait > 0 ? "reach max api daily quota limit" : "system error");
		return false;
	}
	bool valid = false;
	if (kf_api_secret_valid(r, app->id, json_string_value(v), &valid) != KF_OK) {
		cgi_error(r, -1, "system error");
		return false;
	}
	if (!valid) {
		kf_api_client_auth_failed(r, app->app_id);
		cgi_error(r, 40125, "invalid appsecret");
		return false;
	}
	return true;
}

/* A refusal of core (kf_auth_check_token, kf_auth_check_code) as the
 * component API's errcode (PROTOCOL.md §4). */
static void cgi_refuse(struct kf_req *r, const struct kf_error *err)
{
	int code;
	const char *msg;
	kf_auth_errcode(err->name, &code, &msg);
	cgi_error(r, code, msg);
}

/* Look a presented token up and let core decide whether it serves want. */
/* GOV-7: refuse_access (no component token) and block_existing_users (no
 * authorizer tokens) while such a measure is in force. Replies and returns
 * false when refused. */
static bool cgi_gov_ok(struct kf_req *r, const struct kf_app_row *app, bool authorizer)
{
	struct kf_gov_app_flags g;
	if (kf_store_gov_app_flags(kf_req_db(r), app->id, &g) != KF_OK) {
		cgi_error(r, -1, "system error");
		return false;
	}
	struct kf_error err = {0};
	if (kf_gov_check_component_token(g.access_refused, &err) == KF_OK &&
	    (!authorizer || kf_gov_check_authorizer_token(g.users_blocked, &err) == KF_OK))
		return true;
	int code;
	const char *msg;
	kf_api_cgi_errcode(r, err.name, &code, &msg);
	cgi_error(r, code, msg);
	return false;
}

static bool cgi_token_check(struct kf_req *r, const char *tok, const struct kf_auth_token_want *want,
			    struct kf_auth_token *t)
{
	char hash[65];
	kf_sha256_hex(tok, strlen(tok), hash);
	enum kf_err rc = kf_store_token_get(kf_req_db(r), hash, t);
	if (rc == KF_EDB) {
		cgi_error(r, -1, "system error");
		return false;
	}
	struct kf_error err = {0};
	if (kf_auth_check_token(rc == KF_OK ? t : NULL, want, r->now, &err) != KF_OK) {
		cgi_refuse(r, &err);
		return false;
	}
	return true;
}

/* The component access token of the query string, valid for the app. */
static bool cgi_component_token(struct kf_req *r, const struct kf_app_row *app, struct kf_auth_token *t)
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
	const struct kf_auth_token_want want = {.kind = KF_AUTH_KIND_APP_ACCESS, .app = app->id};
	return cgi_token_check(r, tok, &want, t);
}

static void api_component_token(struct kf_req *r)
{
	json_t *body = cgi_body(r), *live;
	struct kf_app_row app;
	if (!body || !cgi_app(r, body, &app, &live) ||
	    !cgi_secret_ok(r, &app, body, "component_appsecret") || !cgi_gov_ok(r, &app, false))
		return;
	const char *ticket = json_string_value(json_object_get(body, "component_verify_ticket"));
	bool valid = false, stale = false;
	if (ticket && kf_push_ticket_check(kf_req_db(r), app.id, ticket, r->now, &valid, &stale) != KF_OK) {
		cgi_error(r, -1, "system error");
		return;
	}
	if (!valid) {
		cgi_error(r, stale ? 61005 : 61006, stale ? "component ticket is expired" : "component ticket is invalid");
		return;
	}
	char token[KF_AUTH_TOKEN_SIZE], hash[65];
	kf_api_mint(KF_AUTH_KIND_APP_ACCESS, token, hash);
	if (!kf_api_begin(r) ||
	    kf_store_token_insert(kf_req_db(r), hash, KF_AUTH_KIND_APP_ACCESS, app.id, 0, NULL, 0, r->now,
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
	struct kf_auth_token t;
	if (!body || !cgi_app(r, body, &app, &live) ||
	    !cgi_component_token(r, &app, &t))
		return;
	/* pre-auth codes per app and window; the claim is in the write
	 * transaction of the code itself */
	if (!kf_api_begin(r))
		return;
	int64_t wait = kf_api_limit_claim(r, KF_LIMIT_PRE_AUTH_APP, app.app_id);
	if (wait != 0) {
		if (wait > 0)
			kf_api_limit_retry_after(r, wait);
		cgi_error(r, wait > 0 ? 45009 : -1, wait > 0 ? "reach max api daily quota limit" : "system error");
		return;
	}
	char code[KF_AUTH_TOKEN_SIZE], hash[65];
	kf_api_mint(KF_AUTH_KIND_PRE_AUTH_CODE, code, hash);
	if (
	    kf_store_code_insert(kf_req_db(r), hash, KF_AUTH_KIND_PRE_AUTH_CODE, false, app.id, 0, NULL, NULL, NULL, r->now,
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
	if (!body || !cgi_app(r, body, &app, &live) ||
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

/* func_info: one {"funcscope_category":{"id":N}} per granted set (§3). */
static json_t *func_info(const struct kf_auth_sets *granted)
{
	json_t *out = json_array();
	for (size_t i = 0; i < granted->n; i++)
		json_array_append_new(out, json_pack("{s:{s:I}}", "funcscope_category", "id", (json_int_t)granted->ids[i]));
	return out;
}

/* Issue an authorizer access token, and a refresh token when refresh is
 * NULL (kept otherwise: SDKs store whatever comes back). */
static bool issue_authorizer_tokens(struct kf_req *r, int64_t app, int64_t authz, int64_t code, char access[80],
				    char refresh[80])
{
	struct kf_db *db = kf_req_db(r);
	char hash[65];
	kf_api_mint(KF_AUTH_KIND_AUTHORIZER_ACCESS, access, hash);
	if (kf_store_token_insert(db, hash, KF_AUTH_KIND_AUTHORIZER_ACCESS, app, authz, NULL, code, r->now,
				  r->now + AUTHORIZER_TOKEN_TTL, NULL) != KF_OK)
		return false;
	if (!refresh)
		return true;
	/* a new refresh token replaces the old one (re-authorization) */
	if (kf_store_tokens_revoke_kind(db, authz, KF_AUTH_KIND_AUTHORIZER_REFRESH, r->now) != KF_OK)
		return false;
	kf_api_mint(KF_AUTH_KIND_AUTHORIZER_REFRESH, refresh, hash);
	return kf_store_token_insert(db, hash, KF_AUTH_KIND_AUTHORIZER_REFRESH, app, authz, NULL, code, r->now, 0, NULL) == KF_OK;
}

/* api_query_auth: the authorization code for the authorizer's tokens.
 * Codes are single-use (AUTH-3): a replay revokes every token issued from
 * the code. */
static void api_component_query_auth(struct kf_req *r)
{
	json_t *body = cgi_body(r), *live;
	struct kf_app_row app;
	struct kf_auth_token t;
	if (!body || !cgi_app(r, body, &app, &live) ||
	    !cgi_component_token(r, &app, &t) || !cgi_gov_ok(r, &app, true))
		return;
	const char *code = json_string_value(json_object_get(body, "authorization_code"));
	if (!code || strlen(code) > 200) {
		cgi_error(r, 61009, "code is invalid");
		return;
	}
	char hash[65];
	kf_sha256_hex(code, strlen(code), hash);
	struct kf_db *db = kf_req_db(r);
	struct kf_code_row c;
	enum kf_err rc = kf_store_code_get(db, hash, &c);
	if (rc == KF_EDB) {
		cgi_error(r, -1, "system error");
		return;
	}
	if (rc != KF_OK || c.kind != KF_AUTH_KIND_AUTH_CODE || c.oauth || c.app != app.id || !c.authorization) {
		cgi_error(r, 61009, "code is invalid");
		return;
	}
	bool revoke = false;
	struct kf_error err = {0};
	if (kf_auth_check_code(c.created_at, c.used_at, c.expires_at, r->now, &revoke, &err) != KF_OK) {
		/* AUTH-3: a replayed code revokes what it issued */
		if (revoke && kf_api_begin(r) && kf_store_tokens_revoke_code(db, c.id, r->now) == KF_OK &&
		    kf_db_commit(db) == KF_OK)
			kf_api_tokens_changed(r);
		cgi_refuse(r, &err);
		return;
	}
	struct kf_authz_row z;
	if (kf_store_authz_by_id(db, c.authorization, &z) != KF_OK || !kf_auth_state_live(z.state)) {
		cgi_error(r, 61003, "component is not authorized by this account");
		return;
	}
	struct kf_host_row h;
	if (kf_store_host_get(db, z.host_account, &h) != KF_OK) {
		cgi_error(r, 61003, "component is not authorized by this account");
		return;
	}
	char access[80], refresh[80];
	if (!kf_api_begin(r) || kf_store_code_use(db, c.id, r->now) != KF_OK ||
	    !issue_authorizer_tokens(r, app.id, z.id, c.id, access, refresh) || kf_db_commit(db) != KF_OK) {
		cgi_error(r, -1, "system error");
		return;
	}
	cgi_ok(r, json_pack("{s:{s:s, s:s, s:i, s:s, s:o}}", "authorization_info", "authorizer_appid", h.external_id,
			    "authorizer_access_token", access, "expires_in", AUTHORIZER_TOKEN_TTL,
			    "authorizer_refresh_token", refresh, "func_info", func_info(&z.granted)));
}

/* The active authorization of authorizer_appid for this app. */
static bool cgi_authorization(struct kf_req *r, json_t *body, const struct kf_app_row *app, struct kf_authz_row *z,
			      struct kf_host_row *h)
{
	const char *who = json_string_value(json_object_get(body, "authorizer_appid"));
	if (!who) {
		cgi_error(r, 41002, "appid missing");
		return false;
	}
	struct kf_db *db = kf_req_db(r);
	json_t *hosts = kf_store_hosts_json(db, who, 0, 0, 1, true);
	int64_t hid = json_integer_value(json_object_get(json_array_get(hosts, 0), "id"));
	json_decref(hosts);
	if (!hid || kf_store_host_get(db, hid, h) != KF_OK || kf_store_authz_get(db, hid, app->id, z) != KF_OK ||
	    !kf_auth_state_live(z->state)) {
		cgi_error(r, 61003, "component is not authorized by this account");
		return false;
	}
	return true;
}

static void api_component_authorizer_token(struct kf_req *r)
{
	json_t *body = cgi_body(r), *live;
	struct kf_app_row app;
	struct kf_auth_token t, rt;
	struct kf_authz_row z;
	struct kf_host_row h;
	if (!body || !cgi_app(r, body, &app, &live) ||
	    !cgi_component_token(r, &app, &t) || !cgi_authorization(r, body, &app, &z, &h) ||
	    !cgi_gov_ok(r, &app, true))
		return;
	const char *refresh = json_string_value(json_object_get(body, "authorizer_refresh_token"));
	if (!refresh || strlen(refresh) > 200) {
		cgi_error(r, 61023, "refresh_token is invalid");
		return;
	}
	const struct kf_auth_token_want want = {
		.kind = KF_AUTH_KIND_AUTHORIZER_REFRESH, .app = app.id, .authorization = z.id};
	if (!cgi_token_check(r, refresh, &want, &rt))
		return;
	char access[80];
	if (!kf_api_begin(r) || !issue_authorizer_tokens(r, app.id, z.id, rt.code, access, NULL) ||
	    kf_db_commit(kf_req_db(r)) != KF_OK) {
		cgi_error(r, -1, "system error");
		return;
	}
	cgi_ok(r, json_pack("{s:s, s:i, s:s}", "authorizer_access_token", access, "expires_in", AUTHORIZER_TOKEN_TTL,
			    "authorizer_refresh_token", refresh));
}

static void api_component_authorizer_info(struct kf_req *r)
{
	json_t *body = cgi_body(r), *live;
	struct kf_app_row app;
	struct kf_auth_token t;
	struct kf_authz_row z;
	struct kf_host_row h;
	if (!body || !cgi_app(r, body, &app, &live) ||
	    !cgi_component_token(r, &app, &t) || !cgi_authorization(r, body, &app, &z, &h))
		return;
	json_t *info = json_pack("{s:s, s:s, s:s, s:s, s:s, s:{s:s}, s:{s:i}, s:{s:i}, s:i}", "nick_name", h.name,
				 "head_img", "", "user_name", h.external_id, "principal_name", h.name, "signature", "",
				 "account_kind", "kind", h.kind, "service_type_info", "id", 0, "verify_type_info", "id",
				 0, "account_status", 1);
	/* Refresh tokens are stored only as hashes, so they cannot be read
	 * back here; the one from api_query_auth stays valid. */
	cgi_ok(r, json_pack("{s:o, s:{s:s, s:o}}", "authorizer_info", info, "authorization_info", "authorizer_appid",
			    h.external_id, "func_info", func_info(&z.granted)));
}

static void api_component_authorizer_list(struct kf_req *r)
{
	json_t *body = cgi_body(r), *live;
	struct kf_app_row app;
	struct kf_auth_token t;
	if (!body || !cgi_app(r, body, &app, &live) ||
	    !cgi_component_token(r, &app, &t))
		return;
	json_int_t offset = json_integer_value(json_object_get(body, "offset"));
	json_int_t count = json_object_get(body, "count") ? json_integer_value(json_object_get(body, "count")) : 500;
	if (offset < 0 || count < 1 || count > 500) {
		cgi_error(r, 47001, "data format error");
		return;
	}
	int64_t total = 0;
	json_t *rows = kf_store_authz_of_app(kf_req_db(r), app.id, offset, count, &total);
	if (!rows) {
		cgi_error(r, -1, "system error");
		return;
	}
	json_t *list = json_array();
	size_t i;
	json_t *v;
	json_array_foreach(rows, i, v)
		json_array_append_new(list, json_pack("{s:O, s:s, s:O}", "authorizer_appid", json_object_get(v, "external_id"),
						      "refresh_token", "", "auth_time", json_object_get(v, "updated_at")));
	json_decref(rows);
	cgi_ok(r, json_pack("{s:I, s:o}", "total_count", (json_int_t)total, "list", list));
}

static const char *const option_names[] = {"location_report", "voice_recognize", "customer_service"};

static bool option_valid(const char *name, const char *value)
{
	for (size_t i = 0; i < 3; i++)
		if (name && !strcmp(name, option_names[i]))
			return !value || !strcmp(value, "0") || !strcmp(value, "1") ||
			       (i == 0 && !strcmp(value, "2"));
	return false;
}

static void api_component_option(struct kf_req *r, bool set)
{
	json_t *body = cgi_body(r), *live;
	struct kf_app_row app;
	struct kf_auth_token t;
	struct kf_authz_row z;
	struct kf_host_row h;
	if (!body || !cgi_app(r, body, &app, &live) ||
	    !cgi_component_token(r, &app, &t) || !cgi_authorization(r, body, &app, &z, &h))
		return;
	const char *name = json_string_value(json_object_get(body, "option_name"));
	json_t *vj = json_object_get(body, "option_value");
	const char *value = json_is_integer(vj) ? kf_arena_printf(r->arena, "%lld", (long long)json_integer_value(vj))
						: json_string_value(vj);
	if (!option_valid(name, set ? (value ? value : "x") : NULL)) {
		cgi_error(r, 47001, "data format error");
		return;
	}
	if (set) {
		if (!kf_api_begin(r) || kf_store_authz_option_set(kf_req_db(r), z.id, name, value) != KF_OK ||
		    kf_db_commit(kf_req_db(r)) != KF_OK) {
			cgi_error(r, -1, "system error");
			return;
		}
		cgi_ok(r, json_pack("{s:i, s:s}", "errcode", 0, "errmsg", "ok"));
		return;
	}
	char v[32];
	if (kf_store_authz_option_get(kf_req_db(r), z.id, name, v, sizeof(v)) != KF_OK) {
		cgi_error(r, -1, "system error");
		return;
	}
	cgi_ok(r, json_pack("{s:s, s:s, s:s}", "authorizer_appid", h.external_id, "option_name", name, "option_value", v));
}

static void api_component_get_option(struct kf_req *r)
{
	api_component_option(r, false);
}

static void api_component_set_option(struct kf_req *r)
{
	api_component_option(r, true);
}

const struct kf_route kf_api_component_routes[] = {
	{"POST", "/cgi-bin/component/api_component_token", api_component_token, KF_AUTH_NONE, 0,
	 "Component access token from app id, secret and verify ticket"},
	{"POST", "/cgi-bin/component/api_create_preauthcode", api_component_preauthcode, KF_AUTH_NONE, 0,
	 "Pre-authorization code"},
	{"POST", "/cgi-bin/component/api_start_push_ticket", api_component_start_push_ticket, KF_AUTH_NONE, 0,
	 "Push a verify ticket now"},
	{"POST", "/cgi-bin/component/api_query_auth", api_component_query_auth, KF_AUTH_NONE, 0,
	 "Exchange an authorization code for the authorizer's tokens (AUTH-3)"},
	{"POST", "/cgi-bin/component/api_authorizer_token", api_component_authorizer_token, KF_AUTH_NONE, 0,
	 "Refresh an authorizer access token"},
	{"POST", "/cgi-bin/component/api_get_authorizer_info", api_component_authorizer_info, KF_AUTH_NONE, 0,
	 "Authorizer account and granted permission sets"},
	{"POST", "/cgi-bin/component/api_get_authorizer_list", api_component_authorizer_list, KF_AUTH_NONE, 0,
	 "Authorizers of the app"},
	{"POST", "/cgi-bin/component/api_get_authorizer_option", api_component_get_option, KF_AUTH_NONE, 0,
	 "Read an authorizer option"},
	{"POST", "/cgi-bin/component/api_set_authorizer_option", api_component_set_option, KF_AUTH_NONE, 0,
	 "Set an authorizer option"},
};
const size_t kf_api_component_nroutes = sizeof(kf_api_component_routes) / sizeof(kf_api_component_routes[0]);
