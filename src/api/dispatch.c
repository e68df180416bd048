/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The dispatcher: route lookup (404/405), authentication by bearer token or
 * session cookie, role checks, the agreement-consent rule on write actions
 * (ONB-12), Idempotency-Key replay for POSTs, then the handler. Deny by
 * default: a route without an auth level is unreachable.
 */
#include "api/api.h"
#include "api/common.h"

#include <curl/curl.h>
#include <jansson.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/tokens.h"
#include "core/agreement.h"
#include "ctx.h"
#include "http/request.h"
#include "push/push.h"
#include "store/accounts.h"
#include "store/agreements.h"
#include "store/db.h"
#include "store/hosts.h"
#include "store/idempotency.h"
#include "util/crypto.h"
#include "util/mem.h"

#define SESSION_PREFIX "kfs_"
#define APITOKEN_PREFIX "kfp_"
#define APIKEY_PREFIX "kfk_"

static const struct {
	const struct kf_route *routes;
	const size_t *n;
} groups[] = {
	{kf_api_system_routes, &kf_api_system_nroutes},
	{kf_api_accounts_routes, &kf_api_accounts_nroutes},
	{kf_api_agreements_routes, &kf_api_agreements_nroutes},
	{kf_api_providers_routes, &kf_api_providers_nroutes},
	{kf_api_reviews_routes, &kf_api_reviews_nroutes},
	{kf_api_files_routes, &kf_api_files_nroutes},
	{kf_api_inbox_routes, &kf_api_inbox_nroutes},
	{kf_api_hosts_routes, &kf_api_hosts_nroutes},
	{kf_api_apps_routes, &kf_api_apps_nroutes},
	{kf_api_deliveries_routes, &kf_api_deliveries_nroutes},
	{kf_api_component_routes, &kf_api_component_nroutes},
	{kf_api_consent_routes, &kf_api_consent_nroutes},
	{kf_api_oauth_routes, &kf_api_oauth_nroutes},
	{kf_api_authorizations_routes, &kf_api_authorizations_nroutes},
	{kf_api_listing_routes, &kf_api_listing_nroutes},
	{kf_api_termlists_routes, &kf_api_termlists_nroutes},
	{kf_api_release_routes, &kf_api_release_nroutes},
	{kf_api_checks_routes, &kf_api_checks_nroutes},
	{kf_api_messages_routes, &kf_api_messages_nroutes},
	{kf_api_authenticity_routes, &kf_api_authenticity_nroutes},
	{kf_api_review_queue_routes, &kf_api_review_queue_nroutes},
	{kf_api_listing_apps_routes, &kf_api_listing_apps_nroutes},
	{kf_api_directory_routes, &kf_api_directory_nroutes},
	{kf_api_market_routes, &kf_api_market_nroutes},
	{kf_api_market_search_routes, &kf_api_market_search_nroutes},
	{kf_api_suspension_routes, &kf_api_suspension_nroutes},
	{kf_api_governance_routes, &kf_api_governance_nroutes},
	{kf_api_staff_routes, &kf_api_staff_nroutes},
	{kf_api_staffdir_routes, &kf_api_staffdir_nroutes},
	{kf_api_secondfactor_routes, &kf_api_secondfactor_nroutes},
	{kf_console_base_routes, &kf_console_base_nroutes},
	{kf_console_apps_routes, &kf_console_apps_nroutes},
	{kf_console_orgs_routes, &kf_console_orgs_nroutes},
	{kf_console_account_routes, &kf_console_account_nroutes},
	{kf_console_release_routes, &kf_console_release_nroutes},
	{kf_console_hosts_routes, &kf_console_hosts_nroutes},
	{kf_console_ops_routes, &kf_console_ops_nroutes},
	{kf_console_ops_staff_routes, &kf_console_ops_staff_nroutes},
	{kf_console_ops_audit_routes, &kf_console_ops_audit_nroutes},
	{kf_console_review_routes, &kf_console_review_nroutes},
	{kf_console_ops_directory_routes, &kf_console_ops_directory_nroutes},
	{kf_console_security_routes, &kf_console_security_nroutes},
	{kf_api_catalog_routes, &kf_api_catalog_nroutes},
	{kf_console_ops_settings_routes, &kf_console_ops_settings_nroutes},
	{kf_console_reviews_routes, &kf_console_reviews_nroutes},
	{kf_api_objections_routes, &kf_api_objections_nroutes},
	{kf_console_ops_governance_routes, &kf_console_ops_governance_nroutes},
	{kf_console_app_governance_routes, &kf_console_app_governance_nroutes},
	{kf_console_market_routes, &kf_console_market_nroutes},
	{kf_api_campaigns_routes, &kf_api_campaigns_nroutes},
	{kf_console_campaigns_routes, &kf_console_campaigns_nroutes},
	{kf_console_ops_campaigns_routes, &kf_console_ops_campaigns_nroutes},
};

static struct kf_route *all_routes;
static size_t n_all_routes;
static struct kf_route *live_routes; /* without the test-only routes */
static size_t n_live_routes;

/* Built once: the server's threads all ask for the table from their first
 * request on, so it must not be built by two of them at once. */
static pthread_once_t routes_once = PTHREAD_ONCE_INIT;
static void build_routes(void)
{
	{
		size_t total = 0;
		for (size_t i = 0; i < sizeof(groups) / sizeof(groups[0]); i++)
			total += *groups[i].n;
		struct kf_route *v = kf_xcalloc(total, sizeof(*v));
		size_t k = 0;
		for (size_t i = 0; i < sizeof(groups) / sizeof(groups[0]); i++)
			for (size_t j = 0; j < *groups[i].n; j++)
				v[k++] = groups[i].routes[j];
		n_all_routes = total;
		all_routes = v;
		live_routes = kf_xcalloc(total, sizeof(*v));
		for (size_t i = 0; i < total; i++)
			if (!(v[i].flags & KF_RF_TEST_ONLY))
				live_routes[n_live_routes++] = v[i];
	}
}

const struct kf_route *kf_api_routes(size_t *n)
{
	pthread_once(&routes_once, build_routes);
	*n = n_all_routes;
	return all_routes;
}

const char *kf_api_actor(struct kf_req *r)
{
	if (r->api_key_id)
		return kf_arena_printf(r->arena, "apikey:%lld", (long long)r->api_key_id);
	return r->user_id ? kf_arena_printf(r->arena, "user:%lld", (long long)r->user_id) : "anonymous";
}

/* The routes this process serves: test-only routes exist only with the
 * test clock enabled, so without it they answer 404 like any unknown path. */
static const struct kf_route *served_routes(struct kf_ctx *ctx, size_t *n)
{
	const struct kf_route *all = kf_api_routes(n);
	if (ctx->test_clock)
		return all;
	*n = n_live_routes;
	return live_routes;
}

static size_t body_limit(struct kf_ctx *ctx, const char *method, const char *path)
{
	size_t n;
	const struct kf_route *routes = served_routes(ctx, &n), *route = NULL;
	if (kf_route_match(routes, n, method, path, NULL, &route) == KF_MATCH_OK && (route->flags & KF_RF_UPLOAD))
		return (size_t)ctx->cfg.max_upload;
	return (size_t)ctx->cfg.max_body;
}

/* Token from "Authorization: Bearer …" or the console's session cookie
 * (which only ever carries a session); *by_cookie tells which. */
static const char *credential(struct kf_req *r, bool *by_cookie)
{
	*by_cookie = false;
	const char *h = kf_req_header(r, "Authorization");
	if (h && !strncasecmp(h, "Bearer ", 7))
		return h + 7;
	const char *c = kf_req_cookie(r, "kf_session");
	*by_cookie = c && !strncmp(c, SESSION_PREFIX, 4);
	return *by_cookie ? c : NULL;
}

static bool authenticate(struct kf_req *r, bool *by_cookie)
{
	const char *tok = credential(r, by_cookie);
	if (!tok || !*tok)
		return true;
	char hash[65];
	kf_sha256_hex(tok, strlen(tok), hash);
	if (!strncmp(tok, APIKEY_PREFIX, 4)) {
		char scope[16];
		enum kf_err rc = kf_store_apikey_auth(kf_req_db(r), hash, &r->api_key_id, scope, sizeof(scope));
		if (rc == KF_EDB) {
			kf_reply_db_error(r);
			return false;
		}
		if (rc == KF_OK)
			r->api_key_scope = kf_arena_strdup(r->arena, scope);
		return true;
	}
	bool is_session = !strncmp(tok, SESSION_PREFIX, 4);
	if (!is_session && strncmp(tok, APITOKEN_PREFIX, 4))
		return true;
	struct kf_principal p;
	enum kf_err rc = kf_store_auth(kf_req_db(r), hash, is_session, r->now, r->ctx->cfg.operator_idle_timeout, &p);
	if (rc == KF_EDB) {
		kf_reply_db_error(r);
		return false;
	}
	if (rc != KF_OK)
		return true; /* unknown or expired: treated as anonymous */
	r->user_id = p.user_id;
	r->user_email = kf_arena_strdup(r->arena, p.email);
	r->user_name = kf_arena_strdup(r->arena, p.name);
	r->email_verified = p.email_verified;
	r->operator_role = p.operator_role;
	r->session_id = p.session_id;
	r->api_token_id = p.api_token_id;
	r->enrol_only = p.enrol_only;
	r->verified_at = p.verified_at;
	return true;
}

/* ONB-12: a user who has not consented to the current version of every
 * required agreement may not write. The reply lists what to accept. */
static bool consent_ok(struct kf_req *r)
{
	struct kf_agreement *ags;
	struct kf_consent *cons;
	size_t na, nc;
	if (kf_store_agreements_load(kf_req_db(r), r->arena, "provider", &ags, &na) != KF_OK ||
	    kf_store_consents_load(kf_req_db(r), r->arena, r->user_id, &cons, &nc) != KF_OK) {
		kf_reply_db_error(r);
		return false;
	}
	if (!na)
		return true;
	const struct kf_agreement **pending = kf_arena_alloc(r->arena, na * sizeof(*pending));
	size_t np = kf_agreement_pending(ags, na, cons, nc, r->now, pending, na);
	if (!np)
		return true;
	json_t *list = json_array();
	for (size_t i = 0; i < np; i++)
		json_array_append_new(list, json_pack("{s:s, s:i}", "key", pending[i]->key, "version",
						      pending[i]->version));
	json_t *e = json_pack("{s:s, s:s, s:s, s:o, s:s}", "code", "consent_required", "message",
			      "consent to the current version of each listed agreement before this action",
			      "rule", "ONB-12", "pending", list, "request_id", r->id);
	kf_reply_json(r, 403, json_pack("{s:o}", "error", e));
	return false;
}

static bool is_write(const char *method)
{
	return strcmp(method, "GET") && strcmp(method, "HEAD");
}

/* Idempotency-Key: a POST repeated with the same key by the same caller gets
 * the first answer again instead of creating a second resource. */
/* Idempotency keys are scoped to the caller: a user, or (negative ids) an
 * operator API key. */
static int64_t caller_id(struct kf_req *r)
{
	return r->user_id ? r->user_id : -r->api_key_id;
}

/* A claim older than this is taken to belong to a crashed request. */
#define IDEMPOTENCY_CLAIM_SECONDS 60

enum idem { IDEM_RUN, IDEM_DONE };

/*
 * Idempotency-Key: the first request with a key claims it before running;
 * a repeat while it runs gets 409, a repeat after it succeeded gets the
 * stored answer, a key reused for another request 422.
 */
static enum idem idempotency_claim(struct kf_req *r, const char *key)
{
	char hash[65];
	kf_sha256_hex(r->body ? r->body : "", r->body_len, hash);
	const struct kf_idem_request req = {caller_id(r), key, r->method, r->path, hash};
	enum kf_idem_claim found;
	int status;
	char *body = NULL;
	if (kf_store_idempotency_claim(kf_req_db(r), &req, r->now, r->now - IDEMPOTENCY_CLAIM_SECONDS, &found,
				       &status, &body) != KF_OK) {
		kf_reply_db_error(r);
		return IDEM_DONE;
	}
	switch (found) {
	case KF_IDEM_CLAIMED:
		return IDEM_RUN;
	case KF_IDEM_MISMATCH:
		kf_reply_fail(r, KF_EINVAL, "idempotency_key_reused", NULL, "Idempotency-Key",
			      "this Idempotency-Key was used for a different request");
		r->status = 422;
		break;
	case KF_IDEM_RUNNING:
		kf_reply_fail(r, KF_ECONFLICT, "idempotency_in_progress", NULL, "Idempotency-Key",
			      "a request with this Idempotency-Key is still running; retry shortly");
		kf_reply_header(r, "Retry-After", "1");
		break;
	case KF_IDEM_ANSWERED:
		kf_reply_raw(r, status, "application/json", body, strlen(body));
		kf_reply_header(r, "Idempotent-Replayed", "true");
		break;
	}
	free(body);
	return IDEM_DONE;
}

/* Keep a successful answer for replay; release the claim otherwise so the
 * caller may retry with the same key. */
static void idempotency_finish(struct kf_req *r, const char *key)
{
	bool ok = r->status >= 200 && r->status < 300;
	if (kf_store_idempotency_finish(kf_req_db(r), caller_id(r), key, r->status,
					ok ? (r->resp_body ? r->resp_body : "") : NULL) != KF_OK)
		fprintf(stderr, "{\"level\":\"warn\",\"msg\":\"idempotency key not finished\",\"request_id\":\"%s\"}\n", r->id);
}

/*
 * Commit a write whose handler asked for its commit (kf_api_commit with
 * hold_commit) together with its answer for the Idempotency-Key. Two
 * commits, the write's and then the answer's, would leave a window where a
 * crash (kill -9, power) keeps the write but not the answer: the client,
 * whose request was cut off, repeats it with the same key, the claim of
 * the dead request is taken over after IDEMPOTENCY_CLAIM_SECONDS and the
 * write is made a second time (found by tests/crash). A commit that fails
 * turns the answer into a storage error and releases the key.
 */
static void commit_with_answer(struct kf_req *r, const char *key)
{
	struct kf_db *db = kf_req_db(r);
	r->hold_commit = false;
	bool ok = r->status >= 200 && r->status < 300;
	if ((!ok || kf_store_idempotency_finish(db, caller_id(r), key, r->status,
						 r->resp_body ? r->resp_body : "") == KF_OK) &&
	    kf_db_commit(db) == KF_OK) {
		if (!ok)
			idempotency_finish(r, key); /* release the claim, as without a held commit */
		/* what the handler did after "its" commit (a token cache flush,
		 * waking the push thread) ran before this one: again, now that
		 * the rows are there */
		kf_api_tokens_changed(r);
		kf_push_wake(r->ctx->pusher);
		return;
	}
	kf_db_rollback(db);
	kf_reply_db_error(r);
	idempotency_finish(r, key);
}

/* ----------------------------------------------------- cross-site writes */

/* An origin: scheme, host and port (the default port filled in). */
struct origin {
	char scheme[8];
	char host[256];
	long port;
};

/* Parse url (an Origin header value, the public URL, or http://ADDR:PORT)
 * into its origin. An Origin header is "scheme://host[:port]" and nothing
 * more: with strict, a path, user info, query or fragment refuses it. */
static bool origin_parse(const char *url, bool strict, struct origin *o)
{
	CURLU *u = curl_url();
	char *scheme = NULL, *host = NULL, *port = NULL, *path = NULL, *user = NULL, *query = NULL, *frag = NULL;
	bool ok = u && strlen(url) < 512 && curl_url_set(u, CURLUPART_URL, url, 0) == CURLUE_OK &&
		  curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) == CURLUE_OK &&
		  curl_url_get(u, CURLUPART_HOST, &host, 0) == CURLUE_OK &&
		  curl_url_get(u, CURLUPART_PORT, &port, CURLU_DEFAULT_PORT) == CURLUE_OK &&
		  (!strcasecmp(scheme, "http") || !strcasecmp(scheme, "https")) && strlen(host) < sizeof(o->host);
	if (ok && strict) {
		ok = curl_url_get(u, CURLUPART_USER, &user, 0) == CURLUE_NO_USER &&
		     curl_url_get(u, CURLUPART_QUERY, &query, 0) == CURLUE_NO_QUERY &&
		     curl_url_get(u, CURLUPART_FRAGMENT, &frag, 0) == CURLUE_NO_FRAGMENT &&
		     curl_url_get(u, CURLUPART_PATH, &path, 0) == CURLUE_OK && !strcmp(path, "/") &&
		     url[strlen(url) - 1] != '/';
	}
	if (ok) {
		snprintf(o->scheme, sizeof(o->scheme), "%s", scheme);
		snprintf(o->host, sizeof(o->host), "%s", host);
		o->port = strtol(port, NULL, 10);
	}
	curl_free(scheme);
	curl_free(host);
	curl_free(port);
	curl_free(path);
	curl_free(user);
	curl_free(query);
	curl_free(frag);
	curl_url_cleanup(u);
	return ok;
}

static bool origin_equal(const struct origin *a, const struct origin *b)
{
	return !strcasecmp(a->scheme, b->scheme) && !strcasecmp(a->host, b->host) && a->port == b->port;
}

/* Is the Origin header value the platform's own origin? That is the
 * public URL's when one is configured; otherwise http:// and the listen
 * address, or the Host the browser addressed (a cross-site page cannot
 * make a browser send another site's name as Origin). */
static bool own_origin(struct kf_req *r, const char *value)
{
	struct origin given, want;
	if (!origin_parse(value, true, &given))
		return false;
	const char *pub = r->ctx->cfg.public_url;
	if (pub && *pub)
		return origin_parse(pub, false, &want) && origin_equal(&given, &want);
	if (origin_parse(kf_arena_printf(r->arena, "http://%s", r->ctx->cfg.listen), false, &want) &&
	    origin_equal(&given, &want))
		return true;
	const char *host = kf_req_header(r, "Host");
	return host && *host && !strpbrk(host, "/\\@?# ") &&
	       origin_parse(kf_arena_printf(r->arena, "http://%s", host), false, &want) && origin_equal(&given, &want);
}

static bool json_content_type(const char *ct)
{
	size_t n = strlen("application/json");
	return ct && !strncasecmp(ct, "application/json", n) && (ct[n] == '\0' || ct[n] == ';' || ct[n] == ' ');
}

static void cross_site(struct kf_req *r, const char *field, const char *why)
{
	kf_reply_fail(r, KF_EFORBIDDEN, "cross_site_request", NULL, field,
		      "a write signed in by the session cookie must come from the platform's own pages: %s; "
		      "scripts and other sites send an Authorization: Bearer token instead",
		      why);
}

/*
 * Cross-site request forgery: the browser attaches the session cookie to
 * any site's request, so a write the cookie authenticates must show that it
 * comes from the platform's own origin (Sec-Fetch-Site: same-origin, or a
 * matching Origin) and be JSON, which another site cannot send without a
 * CORS preflight. The consent page's form (KF_RF_FORM_CSRF) is checked by
 * its own signed token instead: there a missing Origin and a form body are
 * fine, a foreign Origin is not. Bearer tokens are never sent by a browser
 * on its own, so they are not concerned.
 */
static bool same_origin_write(struct kf_req *r, const struct kf_route *route)
{
	bool form = route->flags & KF_RF_FORM_CSRF;
	const char *site = kf_req_header(r, "Sec-Fetch-Site"), *origin = kf_req_header(r, "Origin");
	if (site && strcmp(site, "same-origin")) {
		cross_site(r, "Sec-Fetch-Site", kf_arena_printf(r->arena, "the browser calls this request %.32s", site));
		return false;
	}
	if (!site && origin && !own_origin(r, origin)) {
		cross_site(r, "Origin", "the Origin is another site");
		return false;
	}
	if (!site && !origin && !form) {
		cross_site(r, "Origin", "the request has neither an Origin nor a Sec-Fetch-Site header");
		return false;
	}
	if (form || (route->flags & KF_RF_UPLOAD))
		return true;
	const char *ct = kf_req_header(r, "Content-Type");
	if ((ct || r->body_len) && !json_content_type(ct)) {
		cross_site(r, "Content-Type", "the body must be application/json");
		return false;
	}
	return true;
}

/* The authentication level the route asks for; replies and answers false
 * when the caller lacks it. */
static bool caller_may(struct kf_req *r, const struct kf_route *route)
{
	/* A page declares who may see it like any route, but answers a caller
	 * who may not with a page (kf_con_start), not with JSON. */
	if (route->flags & KF_RF_PAGE) {
		r->page_auth = (int)route->auth;
		r->page_enrol_ok = route->flags & KF_RF_ENROL_OK;
		return true;
	}
	/* A staff member who must have a second factor and has none reaches
	 * enrolment (and /v1/me, sign-out) only: public routes see nobody
	 * signed in, the others refuse. */
	if (r->enrol_only && !(route->flags & KF_RF_ENROL_OK)) {
		if (route->auth == KF_AUTH_NONE) {
			r->user_id = r->session_id = 0;
			r->user_email = r->user_name = NULL;
			r->operator_role = KF_ROLE_NONE;
			r->enrol_only = false;
			return true;
		}
		kf_reply_fail(r, KF_EFORBIDDEN, "second_factor_enrolment_required", NULL, NULL,
			      "set up a second factor first: POST /v1/me/second-factor, then confirm it with a code");
		return false;
	}
	switch (route->auth) {
	case KF_AUTH_NONE:
		break;
	case KF_AUTH_HOSTKEY:
		if (!r->api_key_id || strcmp(r->api_key_scope, "host")) {
			kf_reply_fail(r, KF_EAUTH, "api_key_required", NULL, NULL,
				      "this route is for the host product: send an operator API key of scope host");
			kf_reply_header(r, "WWW-Authenticate", "Bearer");
			return false;
		}
		break;
	case KF_AUTH_USER:
	case KF_AUTH_OPERATOR:
	case KF_AUTH_ADMIN:
		if (!r->user_id) {
			kf_reply_fail(r, KF_EAUTH, "unauthenticated", NULL, NULL,
				      "sign in first: the session or token is missing, expired or revoked");
			kf_reply_header(r, "WWW-Authenticate", "Bearer");
			return false;
		}
		if (route->auth == KF_AUTH_OPERATOR && r->operator_role == KF_ROLE_NONE) {
			kf_reply_fail(r, KF_EFORBIDDEN, "operator_required", NULL, NULL,
				      "only platform operators may do this");
			return false;
		}
		/* an auditor reads everything staff may read and writes nothing */
		if (route->auth == KF_AUTH_OPERATOR && kf_role_read_only(r->operator_role) && is_write(r->method) &&
		    !(route->flags & KF_RF_SELF)) {
			kf_reply_fail(r, KF_EFORBIDDEN, "auditor_read_only", NULL, NULL,
				      "an auditor may read but not change anything");
			return false;
		}
		if (route->auth == KF_AUTH_ADMIN && r->operator_role != KF_ROLE_ADMIN) {
			kf_reply_fail(r, KF_EFORBIDDEN, "admin_required", NULL, NULL,
				      "only operator admins may do this");
			return false;
		}
		/* Step-up: a sensitive action needs a recent proof of who is at
		 * the keyboard, not only a session someone may have left open. */
		if ((route->flags & KF_RF_STEP_UP) && r->session_id &&
		    r->now - r->verified_at > r->ctx->cfg.operator_step_up) {
			kf_reply_fail(r, KF_EFORBIDDEN, "reauth_required", NULL, NULL,
				      "enter your password or second-factor code again (POST /v1/sessions/current/reauth): "
				      "this action needs a check made within the last %lld minutes",
				      (long long)(r->ctx->cfg.operator_step_up / 60));
			return false;
		}
		break;
	}
	return true;
}

/* The route's work once the caller is known: the consent rule, the
 * Idempotency-Key (with_idem), the write transaction and the handler. */
static void run(struct kf_req *r, const struct kf_route *route, bool with_idem)
{
	/* a page is a client of the API: the API's routes it calls apply the
	 * consent rule and keys; the page's own route only declares who may see it */
	bool api = !(route->flags & KF_RF_PAGE);
	/* Operator staff work under their employment terms, not the platform
	 * agreements, so the consent rule applies to everyone else. */
	if (api && route->auth != KF_AUTH_NONE && r->user_id && r->operator_role == KF_ROLE_NONE && is_write(r->method) &&
	    !(route->flags & KF_RF_CONSENT_EXEMPT) && !consent_ok(r))
		return;
	/* Idempotency keys belong to a signed-in caller: anonymous callers
	 * (registration, sign-in) share no key space, so none is kept. */
	const char *idem = NULL;
	if (api && with_idem && !strcmp(r->method, "POST") && route->auth != KF_AUTH_NONE) {
		idem = kf_req_header(r, "Idempotency-Key");
		if (idem && (strlen(idem) == 0 || strlen(idem) > 255)) {
			kf_reply_fail(r, KF_EINVAL, "invalid_idempotency_key", NULL, "Idempotency-Key",
				      "Idempotency-Key must be 1 to 255 characters");
			return;
		}
		if (idem && idempotency_claim(r, idem) == IDEM_DONE)
			return;
	}
	/* A write request runs inside one write transaction taken before the
	 * handler reads anything, so a decision made on what it read cannot
	 * be overtaken by a concurrent request (two applications, two
	 * certifications). The handler commits; whatever it leaves open is
	 * rolled back. */
	struct kf_db *db = kf_req_db(r);
	/* With an Idempotency-Key, the write and its answer commit together
	 * (commit_with_answer). A route with its own transactions commits
	 * them itself, and its answer after them. */
	r->hold_commit = idem && !(route->flags & KF_RF_OWN_TX);
	if (is_write(r->method) && !(route->flags & KF_RF_OWN_TX) && kf_db_begin(db) != KF_OK) {
		kf_reply_db_error(r);
	} else {
		route->handler(r);
	}
	if (r->commit_held && !r->defer_fn)
		commit_with_answer(r, idem);
	else if (r->commit_held && kf_db_commit(db) != KF_OK) /* a deferred request: as without a key */
		kf_reply_db_error(r);
	r->hold_commit = false;
	kf_db_rollback(db);
	/* a deferred request has no answer yet: its key is finished with it */
	if (idem && r->defer_fn)
		r->idempotency_key = idem;
	else if (idem && !r->commit_held)
		idempotency_finish(r, idem);
}


static void handle(struct kf_req *r)
{
	size_t n;
	const struct kf_route *routes = served_routes(r->ctx, &n), *route = NULL;
	/* HEAD is GET without the body (libmicrohttpd drops it). */
	const char *method = strcmp(r->method, "HEAD") ? r->method : "GET";
	enum kf_match m = kf_route_match(routes, n, method, r->path, r, &route);
	if (m == KF_MATCH_NO_PATH) {
		kf_reply_fail(r, KF_ENOTFOUND, "not_found", NULL, NULL, "no such resource: %s", r->path);
		return;
	}
	if (m == KF_MATCH_NO_METHOD) {
		char allow[128];
		kf_route_allow(routes, n, r->path, allow, sizeof(allow));
		kf_reply_fail(r, KF_EINVAL, "method_not_allowed", NULL, NULL, "%s is not allowed on %s (allowed: %s)",
			      r->method, r->path, allow);
		kf_reply_header(r, "Allow", allow);
		r->status = 405;
		return;
	}
	bool by_cookie;
	if (!authenticate(r, &by_cookie))
		return;
	if (!caller_may(r, route))
		return;
	if (by_cookie && r->user_id && is_write(r->method) &&
	    (route->auth != KF_AUTH_NONE || (route->flags & KF_RF_FORM_CSRF)) && !same_origin_write(r, route))
		return;
	run(r, route, true);
}

static void json_release(void *p)
{
	json_decref(p);
}

void kf_api_take_reply(struct kf_req *r, struct kf_call *out)
{
	out->status = r->status;
	out->raw = r->resp_body;
	out->raw_len = r->resp_len;
	out->type = r->resp_type;
	out->body = NULL;
	if (r->resp_body && r->resp_type && !strncmp(r->resp_type, "application/json", 16)) {
		out->body = json_loadb(r->resp_body, r->resp_len, 0, NULL);
		if (out->body)
			kf_arena_defer(r->arena, json_release, out->body);
	}
}

void kf_api_call_raw(struct kf_req *r, const char *method, const char *path, const struct kf_form *query,
		     const char *ctype, const void *data, size_t len, struct kf_call *out)
{
	/* the page's own request, put back afterwards */
	struct kf_req saved = *r;
	r->method = method;
	r->path = path;
	r->n_params = 0;
	r->body = data ? kf_arena_strndup(r->arena, data, len) : NULL;
	r->body_len = data ? len : 0;
	r->inner = true;
	r->query_over = query;
	r->n_over = 0;
	if (ctype) {
		r->over_names[0] = "Content-Type";
		r->over_values[0] = ctype;
		r->n_over = 1;
	}
	r->status = 0;
	r->resp_body = NULL;
	r->resp_len = 0;
	r->resp_type = NULL;
	r->defer_fn = NULL;

	size_t n;
	const struct kf_route *routes = served_routes(r->ctx, &n), *route = NULL;
	enum kf_match m = kf_route_match(routes, n, method, path, r, &route);
	if (m == KF_MATCH_NO_PATH)
		kf_reply_fail(r, KF_ENOTFOUND, "not_found", NULL, NULL, "no such resource: %s", path);
	else if (m == KF_MATCH_NO_METHOD)
		kf_reply_fail(r, KF_EINVAL, "method_not_allowed", NULL, NULL, "%s is not allowed on %s", method, path);
	else if (caller_may(r, route))
		run(r, route, false);
	out->deferred = r->defer_fn != NULL;
	if (!out->deferred)
		kf_api_take_reply(r, out);
	else
		*out = (struct kf_call){.deferred = true};
	void (*defer_fn)(struct kf_req *, void *) = r->defer_fn;
	void (*defer_refused)(struct kf_req *, void *) = r->defer_refused;
	void *defer_arg = r->defer_arg;
	/* the call's headers (Location, Set-Cookie of a session) are not the
	 * page's: the page sets its own */
	void *store = r->store; /* the connection the call may have taken stays the page's */
	*r = saved;
	r->store = store;
	if (out->deferred) {
		r->defer_fn = defer_fn;
		r->defer_refused = defer_refused;
		r->defer_arg = defer_arg;
	}
}

void kf_api_call(struct kf_req *r, const char *method, const char *path, const struct kf_form *query,
		 json_t *json, struct kf_call *out)
{
	char *s = json ? json_dumps(json, JSON_COMPACT) : NULL;
	kf_api_call_raw(r, method, path, query, s ? "application/json" : NULL, s, s ? strlen(s) : 0, out);
	free(s);
}

static void deferred_done(struct kf_req *r)
{
	if (r->idempotency_key)
		idempotency_finish(r, r->idempotency_key);
}

/* The dispatcher owns the request's connection (api/common.h): http/ only
 * calls release when the request no longer needs it. */
const struct kf_dispatch kf_api_dispatch = {body_limit, handle, deferred_done, kf_api_release};
