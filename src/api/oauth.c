/* SPDX-License-Identifier: Apache-2.0 */
/*
 * OAuth 2.0 for apps that speak the standard: the token endpoint
 * (authorization_code with PKCE, refresh_token with rotation and reuse
 * detection per RFC 9700, client_credentials), introspection (RFC 7662),
 * revocation (RFC 7009) and the server metadata (RFC 8414). The consent
 * page behind /oauth/authorize is the one of consent.c; the grant model is
 * the same as the component API's. Rules: core/oauth.c and core/auth.c.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "api/common.h"
#include "api/tokens.h"
#include "core/auth.h"
#include "core/oauth.h"
#include "api/limits.h"
#include "ctx.h"
#include "http/form.h"
#include "http/request.h"
#include "push/push.h"
#include "store/apps.h"
#include "store/checks.h"
#include "store/auth.h"
#include "store/authz.h"
#include "store/db.h"
#include "store/governance.h"
#include "store/permsets.h"
#include "util/crypto.h"
#include "util/mem.h"

static void oauth_fail(struct kf_req *r, enum kf_oauth_error e, const char *description)
{
	kf_db_rollback(kf_req_db(r));
	json_t *o = json_pack("{s:s}", "error", kf_oauth_error_name(e));
	if (description)
		json_object_set_new(o, "error_description", json_string(description));
	kf_reply_json(r, kf_oauth_error_status(e), o);
	if (e == KF_OAUTH_INVALID_CLIENT)
		kf_reply_header(r, "WWW-Authenticate", "Basic realm=\"kaifang\"");
	kf_reply_header(r, "Pragma", "no-cache");
}

static void oauth_fail_err(struct kf_req *r, const struct kf_error *err)
{
	oauth_fail(r, kf_oauth_error_for(err), err->msg);
}

struct client {
	struct kf_app_row app;
	json_t *cfg;
	enum kf_oauth_client_type type;
	struct kf_form form;
};

/* Parse the form body and authenticate the client (RFC 6749 §2.3). At the
 * token endpoint (issuing) the client first passes the component API's own
 * front-door check (AUTH-5, APP-4); introspection and revocation only need
 * an app that may still look at its tokens (kf_auth_app_may_inspect). */
static bool client_auth(struct kf_req *r, struct client *c, bool issuing)
{
	if (!r->body || kf_form_parse(r->arena, r->body, r->body_len, &c->form) < 0) {
		oauth_fail(r, KF_OAUTH_INVALID_REQUEST, "the body must be application/x-www-form-urlencoded");
		return false;
	}
	struct kf_oauth_client_auth ca;
	struct kf_error err = {0};
	if (kf_oauth_client_auth_parse(kf_req_header(r, "Authorization"), kf_form_get(&c->form, "client_id"),
				       kf_form_get(&c->form, "client_secret"), &ca, &err) != KF_OK) {
		oauth_fail_err(r, &err);
		return false;
	}
	struct kf_db *db = kf_req_db(r);
	bool ok = kf_app_id_valid(ca.client_id) && kf_store_app_by_appid(db, ca.client_id, &c->app) == KF_OK &&
		  c->app.live_config_id && (c->cfg = kf_store_app_config_json(db, c->app.live_config_id));
	if (!ok) {
		kf_oauth_client_auth_clear(&ca);
		oauth_fail(r, KF_OAUTH_INVALID_CLIENT, "unknown client");
		return false;
	}
	kf_arena_defer(r->arena, (void (*)(void *))json_decref, c->cfg);
	if ((issuing ? kf_api_front_door(r, c->app.state, c->cfg, &err) : kf_auth_app_may_inspect(c->app.state, &err)) !=
	    KF_OK) {
		kf_oauth_client_auth_clear(&ca);
		oauth_fail(r, KF_OAUTH_UNAUTHORIZED_CLIENT, err.msg);
		return false;
	}
	c->type = json_is_true(json_object_get(json_object_get(c->cfg, "dev"), "public_client")) ? KF_OAUTH_CLIENT_PUBLIC
												   : KF_OAUTH_CLIENT_CONFIDENTIAL;
	if (kf_oauth_client_auth_check(c->type, ca.method, &err) != KF_OK) {
		kf_oauth_client_auth_clear(&ca);
		oauth_fail_err(r, &err);
		return false;
	}
	if (c->type == KF_OAUTH_CLIENT_CONFIDENTIAL) {
		/* secret guessing is limited per client and per address; only
		 * failures count (issue 9) */
		int64_t wait = kf_api_client_auth_wait(r, c->app.app_id);
		if (wait != 0) {
			kf_oauth_client_auth_clear(&ca);
			kf_db_rollback(db);
			if (wait < 0)
				kf_reply_db_error(r);
			else
				kf_api_limit_reply(r, wait, "too_many_failed_client_authentications", "client_secret",
						   "too many failed client authentications for this client or from this address");
			return false;
		}
		bool valid = false;
		enum kf_err rc = kf_api_secret_valid(r, c->app.id, ca.client_secret, &valid);
		if (rc != KF_OK || !valid) {
			kf_oauth_client_auth_clear(&ca);
			if (rc == KF_OK)
				kf_api_client_auth_failed(r, c->app.app_id);
			oauth_fail(r, KF_OAUTH_INVALID_CLIENT, "client authentication failed");
			return false;
		}
	}
	kf_oauth_client_auth_clear(&ca);
	return true;
}

/* The scope string of a grant: the keys of its permission sets. */
static const char *scope_of(struct kf_req *r, const struct kf_auth_sets *granted)
{
	char *out = kf_arena_strdup(r->arena, "");
	for (size_t i = 0; i < granted->n; i++) {
		char key[64], checks[256];
		if (kf_store_permission_set_checks(kf_req_db(r), granted->ids[i], key, checks) == KF_OK)
			out = kf_arena_printf(r->arena, "%s%s%s", out, *out ? " " : "", key);
	}
	return out;
}

/* Access + refresh tokens of one rotation family for an authorization. */
static bool issue_pair(struct kf_req *r, struct client *c, int64_t authz, int64_t code, const char *family,
		       char access[KF_AUTH_TOKEN_SIZE], char refresh[KF_AUTH_TOKEN_SIZE])
{
	char ha[65], hr[65];
	kf_api_mint(KF_AUTH_KIND_OAUTH_ACCESS, access, ha);
	kf_api_mint(KF_AUTH_KIND_OAUTH_REFRESH, refresh, hr);
	struct kf_db *db = kf_req_db(r);
	return kf_store_token_insert(db, ha, KF_AUTH_KIND_OAUTH_ACCESS, c->app.id, authz, family, code, r->now,
				     kf_auth_expires_at(&r->ctx->auth_policy, KF_AUTH_KIND_OAUTH_ACCESS, r->now), NULL) == KF_OK &&
	       kf_store_token_insert(db, hr, KF_AUTH_KIND_OAUTH_REFRESH, c->app.id, authz, family, code, r->now,
				     kf_auth_expires_at(&r->ctx->auth_policy, KF_AUTH_KIND_OAUTH_REFRESH, r->now), NULL) == KF_OK;
}

static void reply_pair(struct kf_req *r, const char *access, const char *refresh, const char *scope)
{
	kf_reply_json(r, 200, json_pack("{s:s, s:s, s:I, s:s, s:s}", "access_token", access, "token_type", "Bearer",
					"expires_in", (json_int_t)kf_auth_ttl(&r->ctx->auth_policy, KF_AUTH_KIND_OAUTH_ACCESS),
					"refresh_token", refresh, "scope", scope));
	kf_reply_header(r, "Pragma", "no-cache");
}

static void grant_code(struct kf_req *r, struct client *c)
{
	struct kf_db *db = kf_req_db(r);
	const char *code = kf_form_get(&c->form, "code");
	if (!code || !*code) {
		oauth_fail(r, KF_OAUTH_INVALID_REQUEST, "code is required");
		return;
	}
	char hash[65];
	kf_sha256_hex(code, strlen(code), hash);
	struct kf_code_row row;
	struct kf_app_row owner_app;
	if (kf_store_code_get(db, hash, &row) != KF_OK || row.kind != KF_AUTH_KIND_AUTH_CODE || !row.oauth ||
	    kf_store_app_get(db, row.app, &owner_app) != KF_OK) {
		oauth_fail(r, KF_OAUTH_INVALID_GRANT, "the code is unknown");
		return;
	}
	struct kf_oauth_code oc = {.client_id = owner_app.app_id, .redirect_uri = row.redirect_uri,
				   .code_challenge = row.code_challenge, .created_at = row.created_at,
				   .used_at = row.used_at, .expires_at = row.expires_at};
	bool revoke = false;
	struct kf_error err = {0};
	if (kf_oauth_code_redeem_check(&oc, c->app.app_id, kf_form_get(&c->form, "redirect_uri"),
				       kf_form_get(&c->form, "code_verifier"), r->now, &revoke, &err) != KF_OK) {
		if (revoke && kf_store_tokens_revoke_code(db, row.id, r->now) == KF_OK && kf_db_commit(db) == KF_OK)
			kf_api_tokens_changed(r); /* AUTH-3: a replay revokes what the code issued */
		oauth_fail_err(r, &err);
		return;
	}
	struct kf_authz_row z;
	if (kf_store_authz_by_id(db, row.authorization, &z) != KF_OK || !kf_auth_state_live(z.state)) {
		oauth_fail(r, KF_OAUTH_INVALID_GRANT, "the authorization was revoked");
		return;
	}
	char family[33], access[KF_AUTH_TOKEN_SIZE], refresh[KF_AUTH_TOKEN_SIZE];
	kf_random_hex(family, 32);
	if (kf_store_code_use(db, row.id, r->now) != KF_OK || !issue_pair(r, c, z.id, row.id, family, access, refresh) ||
	    kf_db_commit(db) != KF_OK) {
		oauth_fail(r, KF_OAUTH_SERVER_ERROR, NULL);
		return;
	}
	reply_pair(r, access, refresh, scope_of(r, &z.granted));
}

static void grant_refresh(struct kf_req *r, struct client *c)
{
	struct kf_db *db = kf_req_db(r);
	const char *tok = kf_form_get(&c->form, "refresh_token");
	if (!tok || !*tok) {
		oauth_fail(r, KF_OAUTH_INVALID_REQUEST, "refresh_token is required");
		return;
	}
	char hash[65];
	kf_sha256_hex(tok, strlen(tok), hash);
	struct kf_auth_token t;
	if (kf_store_token_get(db, hash, &t) != KF_OK || t.kind != KF_AUTH_KIND_OAUTH_REFRESH) {
		oauth_fail(r, KF_OAUTH_INVALID_GRANT, "the refresh token is unknown");
		return;
	}
	enum kf_auth_refresh_state st = t.revoked ? KF_AUTH_REFRESH_REVOKED
				       : t.superseded ? KF_AUTH_REFRESH_SUPERSEDED
						      : KF_AUTH_REFRESH_CURRENT;
	enum kf_auth_refresh_action act;
	struct kf_error err = {0};
	enum kf_err rc = kf_auth_refresh_decide(st, t.app == c->app.id, t.expires_at, r->now, &act, &err);
	if (act == KF_AUTH_REFRESH_REVOKE_FAMILY) {
		/* RFC 9700 §4.14.2: a rotated token came back; someone has a copy */
		if (kf_store_tokens_revoke_family(db, t.family, r->now) == KF_OK && kf_db_commit(db) == KF_OK)
			kf_api_tokens_changed(r);
	}
	if (rc != KF_OK || act != KF_AUTH_REFRESH_ROTATE) {
		oauth_fail_err(r, &err);
		return;
	}
	struct kf_authz_row z;
	if (kf_store_authz_by_id(db, t.authorization, &z) != KF_OK || !kf_auth_state_live(z.state)) {
		oauth_fail(r, KF_OAUTH_INVALID_GRANT, "the authorization was revoked");
		return;
	}
	char access[KF_AUTH_TOKEN_SIZE], refresh[KF_AUTH_TOKEN_SIZE];
	if (kf_store_token_supersede(db, t.id, r->now) != KF_OK ||
	    !issue_pair(r, c, z.id, t.code, t.family, access, refresh) || kf_db_commit(db) != KF_OK) {
		oauth_fail(r, KF_OAUTH_INVALID_GRANT, "the refresh token was already used");
		return;
	}
	reply_pair(r, access, refresh, scope_of(r, &z.granted));
}

/* client_credentials asks for the same proof as api_component_token: the
 * secret and a current verify ticket (the component_verify_ticket form
 * parameter, one of the newest tickets pushed to the app, PROTOCOL.md §6),
 * so a leaked secret alone does not mint app tokens. */
static void grant_client_credentials(struct kf_req *r, struct client *c)
{
	const char *ticket = kf_form_get(&c->form, "component_verify_ticket");
	if (!ticket || !*ticket) {
		oauth_fail(r, KF_OAUTH_INVALID_REQUEST,
			   "component_verify_ticket is required: the latest verify ticket pushed to the app");
		return;
	}
	bool valid = false, stale = false;
	if (kf_push_ticket_check(kf_req_db(r), c->app.id, ticket, r->now, &valid, &stale) != KF_OK) {
		oauth_fail(r, KF_OAUTH_SERVER_ERROR, NULL);
		return;
	}
	if (!valid) {
		oauth_fail(r, KF_OAUTH_INVALID_GRANT, stale ? "component ticket is expired" : "component ticket is invalid");
		return;
	}
	char token[KF_AUTH_TOKEN_SIZE], hash[65];
	kf_api_mint(KF_AUTH_KIND_APP_ACCESS, token, hash);
	int64_t ttl = kf_auth_ttl(&r->ctx->auth_policy, KF_AUTH_KIND_APP_ACCESS);
	if (kf_store_token_insert(kf_req_db(r), hash, KF_AUTH_KIND_APP_ACCESS, c->app.id, 0, NULL, 0, r->now, r->now + ttl,
				  NULL) != KF_OK ||
	    kf_db_commit(kf_req_db(r)) != KF_OK) {
		oauth_fail(r, KF_OAUTH_SERVER_ERROR, NULL);
		return;
	}
	kf_reply_json(r, 200, json_pack("{s:s, s:s, s:I}", "access_token", token, "token_type", "Bearer", "expires_in",
					(json_int_t)ttl));
}

static void api_oauth_token(struct kf_req *r)
{
	struct client c;
	if (!client_auth(r, &c, true))
		return;
	enum kf_oauth_grant g;
	struct kf_error err = {0};
	if (kf_oauth_grant_parse(kf_form_get(&c.form, "grant_type"), c.type, &g, &err) != KF_OK) {
		oauth_fail_err(r, &err);
		return;
	}
	/* GOV-7: refused access stops every grant, blocked users the two that
	 * give authorizer tokens (the component API's checks, api/component.c) */
	struct kf_gov_app_flags gov;
	if (kf_store_gov_app_flags(kf_req_db(r), c.app.id, &gov) != KF_OK) {
		kf_reply_db_error(r);
		return;
	}
	if (kf_gov_check_component_token(gov.access_refused, &err) != KF_OK ||
	    (g != KF_OAUTH_GRANT_CLIENT_CREDENTIALS && kf_gov_check_authorizer_token(gov.users_blocked, &err) != KF_OK)) {
		oauth_fail(r, KF_OAUTH_UNAUTHORIZED_CLIENT, err.msg);
		return;
	}
	switch (g) {
	case KF_OAUTH_GRANT_AUTHORIZATION_CODE:
		grant_code(r, &c);
		return;
	case KF_OAUTH_GRANT_REFRESH_TOKEN:
		grant_refresh(r, &c);
		return;
	case KF_OAUTH_GRANT_CLIENT_CREDENTIALS:
		grant_client_credentials(r, &c);
		return;
	}
}

/* The presented token if it is one of this client's, or false. */
static bool client_token(struct kf_req *r, struct client *c, struct kf_auth_token *t)
{
	const char *tok = kf_form_get(&c->form, "token");
	if (!tok || !*tok || strlen(tok) > 200)
		return false;
	char hash[65];
	kf_sha256_hex(tok, strlen(tok), hash);
	return kf_store_token_get(kf_req_db(r), hash, t) == KF_OK && t->app == c->app.id;
}

/* RFC 7662 §2.1 / RFC 7009 §2.1: token is required. */
static bool token_given(struct kf_req *r, struct client *c)
{
	const char *t = kf_form_get(&c->form, "token");
	if (t && *t)
		return true;
	oauth_fail(r, KF_OAUTH_INVALID_REQUEST, "token is required");
	return false;
}

static void api_oauth_introspect(struct kf_req *r)
{
	struct client c;
	if (!client_auth(r, &c, false) || !token_given(r, &c))
		return;
	struct kf_auth_token t;
	/* core decides, for a token of any kind: revoked or rotated away, its
	 * authorization ended, its app stopped (AUTH-5), expired */
	bool active = client_token(r, &c, &t) &&
		      kf_auth_check_token(&t, &(struct kf_auth_token_want){.kind = t.kind, .app = c.app.id}, r->now,
					  NULL) == KF_OK;
	if (!active) {
		kf_reply_json(r, 200, json_pack("{s:b}", "active", 0));
		return;
	}
	json_t *o = json_pack("{s:b, s:s, s:s}", "active", 1, "client_id", c.app.app_id, "token_type",
			      t.kind == KF_AUTH_KIND_OAUTH_REFRESH ? "refresh_token" : "Bearer");
	if (t.expires_at)
		json_object_set_new(o, "exp", json_integer(t.expires_at));
	if (t.authorization) {
		struct kf_authz_row z;
		json_object_set_new(o, "sub", json_string(t.authorizer));
		if (kf_store_authz_by_id(kf_req_db(r), t.authorization, &z) == KF_OK)
			json_object_set_new(o, "scope", json_string(scope_of(r, &z.granted)));
	}
	kf_reply_json(r, 200, o);
}

static void api_oauth_revoke(struct kf_req *r)
{
	struct client c;
	if (!client_auth(r, &c, false) || !token_given(r, &c))
		return;
	struct kf_auth_token t;
	struct kf_db *db = kf_req_db(r);
	/* RFC 7009 §2.2: an unknown or foreign token is answered 200 too */
	if (client_token(r, &c, &t) && !t.revoked) {
		enum kf_err rc = t.kind == KF_AUTH_KIND_OAUTH_REFRESH && t.family[0] ? kf_store_tokens_revoke_family(db, t.family, r->now)
										 : kf_store_token_revoke(db, t.id, r->now);
		if (rc != KF_OK || kf_db_commit(db) != KF_OK) {
			oauth_fail(r, KF_OAUTH_SERVER_ERROR, NULL);
			return;
		}
		kf_api_tokens_changed(r);
	}
	kf_reply_raw(r, 200, "application/json", "{}", 2);
}

/* RFC 8414. The issuer is configuration (public-url, or http:// and the
 * listen address), never the request's Host header: a client that
 * fetched this through a forged Host would otherwise trust another issuer
 * (issue 9 defect 10). RFC 9207: authorization responses carry iss. */
static void api_oauth_metadata(struct kf_req *r)
{
	const char *base = r->ctx->cfg.issuer;
	json_t *scopes = json_array();
	int64_t ids[256];
	char(*keys)[64] = kf_arena_alloc(r->arena, 256 * sizeof(*keys));
	size_t n = 0;
	if (kf_store_permission_set_catalog(kf_req_db(r), ids, keys, 256, &n) != KF_OK) {
		json_decref(scopes);
		kf_reply_db_error(r);
		return;
	}
	for (size_t i = 0; i < n; i++)
		json_array_append_new(scopes, json_string(keys[i]));
	json_t *auth_methods = json_pack("[s, s, s]", "client_secret_basic", "client_secret_post", "none");
	kf_reply_json(r, 200, json_pack("{s:s, s:s, s:s, s:s, s:s, s:[s], s:[s], s:[s, s, s], s:[s], s:o, s:O, s:O, s:O, s:b}",
		"issuer", base,
		"authorization_endpoint", kf_arena_printf(r->arena, "%s/oauth/authorize", base),
		"token_endpoint", kf_arena_printf(r->arena, "%s/oauth/token", base),
		"introspection_endpoint", kf_arena_printf(r->arena, "%s/oauth/introspect", base),
		"revocation_endpoint", kf_arena_printf(r->arena, "%s/oauth/revoke", base),
		"response_types_supported", "code",
		"response_modes_supported", "query",
		"grant_types_supported", "authorization_code", "refresh_token", "client_credentials",
		"code_challenge_methods_supported", "S256",
		"scopes_supported", scopes,
		"token_endpoint_auth_methods_supported", auth_methods,
		"introspection_endpoint_auth_methods_supported", auth_methods,
		"revocation_endpoint_auth_methods_supported", auth_methods,
		"authorization_response_iss_parameter_supported", 1));
	json_decref(auth_methods);
}

const struct kf_route kf_api_oauth_routes[] = {
	{"POST", "/oauth/token", api_oauth_token, KF_AUTH_NONE, 0, "OAuth 2.0 token endpoint"},
	{"POST", "/oauth/introspect", api_oauth_introspect, KF_AUTH_NONE, 0, "Token introspection (RFC 7662)"},
	{"POST", "/oauth/revoke", api_oauth_revoke, KF_AUTH_NONE, 0, "Token revocation (RFC 7009)"},
	{"GET", "/.well-known/oauth-authorization-server", api_oauth_metadata, KF_AUTH_NONE, 0,
	 "Authorization server metadata (RFC 8414)"},
};
const size_t kf_api_oauth_nroutes = sizeof(kf_api_oauth_routes) / sizeof(kf_api_oauth_routes[0]);
