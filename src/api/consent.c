/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The consent page (AUTH-1), served at /cgi-bin/componentloginpage and
 * /safe/bindcomponent (PROTOCOL.md §5): the host owner signs in, picks an
 * account, sees the app and each permission set with the data it entrusts,
 * narrows the grant, and confirms; the browser then goes to the app's
 * redirect URI with the authorization code, and the authorized (or
 * updateauthorized) event is queued in the same transaction. Every refusal
 * is a page that says why. Forms carry a signed token (CSRF) bound to the
 * browser before sign-in and to the session after it.
 *
 * Installing from the marketplace (issue 13) is the same page at
 * /apps/{app_id}/install: no pre-auth code and no redirect (the owner came
 * from the app's page, not from the app), only released public apps open
 * to new installs (GOV-1, GOV-2, GOV-7); the app is told by the same
 * authorized event with its authorization code, and the owner lands on the
 * account's connected apps.
 *
 * The same page serves OAuth 2.0 at /oauth/authorize (RFC 6749 §4.1 with
 * PKCE, RFC 9700): the client is the app, its redirect URI must equal a
 * registered one byte for byte, and the code goes back with the state.
 */
#include <curl/curl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/accounts.h"
#include "api/api.h"
#include "api/authorizations.h"
#include "api/common.h"
#include "api/tokens.h"
#include "core/app.h"
#include "core/auth.h"
#include "core/oauth.h"
#include "core/redirect.h"
#include "ctx.h"
#include "http/form.h"
#include "http/request.h"
#include "push/push.h"
#include "store/apps.h"
#include "store/auth.h"
#include "store/authz.h"
#include "store/db.h"
#include "store/governance.h"
#include "store/hosts.h"
#include "store/listings.h"
#include "store/market.h"
#include "store/accounts.h"
#include "store/permsets.h"
#include "store/providers.h"
#include "util/crypto.h"
#include "util/mem.h"
#include "web/consent.h"

#define FORM_MAX_AGE 600 /* the pre-auth code's lifetime */
#define PRE_COOKIE "kf_pre"

struct flow {
	enum kf_lang lang;
	bool oauth;
	bool market; /* installing from the marketplace (/apps/{app_id}/install) */
	const char *appid, *pre_auth_code, *redirect_uri, *auth_type, *biz_appid;
	/* OAuth */
	const char *state, *scope, *challenge;
	bool redirect_given;
	struct kf_oauth_authorize oa;
	struct kf_hidden hidden[8];
	size_t n_hidden;
	struct kf_form form;
	bool post;
	struct kf_app_row app;
	json_t *cfg; /* live config, owned by the arena */
	struct kf_code_row pre;
	const char *app_name;
	const char *developer;
	const char *nul_param; /* a query parameter whose value held an encoded NUL */
};

static void send_page(struct kf_req *r, int status, const char *html)
{
	if (!html) {
		kf_reply_fail(r, KF_EINTERNAL, "internal", NULL, NULL, "the page could not be rendered");
		return;
	}
	kf_reply_raw(r, status, "text/html; charset=utf-8", html, strlen(html));
	kf_reply_header(r, "Content-Security-Policy", kf_consent_csp(r->arena));
	kf_reply_header(r, "X-Frame-Options", "DENY");
	kf_reply_header(r, "Referrer-Policy", "same-origin");
}

static void refuse(struct kf_req *r, struct flow *f, enum kf_refusal why)
{
	kf_db_rollback(kf_req_db(r));
	struct kf_refusal_view v = {.lang = f->lang, .site_name = r->ctx->cfg.platform_name, .reason = why,
				    .app_name = f->app_name, .request_id = r->id};
	send_page(r, kf_consent_refusal_status(why), kf_consent_render_refusal(r->arena, &v));
}

/* A flow parameter from the form or the query. The form parser refuses a
 * NUL byte outright; in the query one would cut the value short ("%00" made
 * "https://ok%00.evil" read as "https://ok"), so it is remembered and the
 * flow refused (issue 9 defect 1). */
static const char *param(struct kf_req *r, struct flow *f, const char *name)
{
	if (f->post)
		return kf_form_get(&f->form, name);
	bool nul;
	const char *v = kf_req_query_text(r, name, &nul);
	if (nul && !f->nul_param)
		f->nul_param = name;
	return v;
}

/* Refuse a flow whose query held an encoded NUL; true when it did. */
static bool refused_nul(struct kf_req *r, struct flow *f)
{
	if (!f->nul_param)
		return false;
	refuse(r, f, !strcmp(f->nul_param, "redirect_uri") ? KF_REFUSAL_BAD_REDIRECT : KF_REFUSAL_BAD_STATE);
	return true;
}

/* The host of an absolute http(s) URL, lower-cased, or NULL. */
static char *url_host(struct kf_req *r, const char *url)
{
	if (!url)
		return NULL;
	CURLU *u = curl_url();
	char *host = NULL, *scheme = NULL, *res = NULL;
	if (curl_url_set(u, CURLUPART_URL, url, 0) == CURLUE_OK &&
	    curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) == CURLUE_OK &&
	    (!strcmp(scheme, "https") || !strcmp(scheme, "http")) &&
	    curl_url_get(u, CURLUPART_HOST, &host, 0) == CURLUE_OK) {
		res = kf_arena_strdup(r->arena, host);
		for (char *p = res; *p; p++)
			if (*p >= 'A' && *p <= 'Z')
				*p = (char)(*p - 'A' + 'a');
	}
	curl_free(host);
	curl_free(scheme);
	curl_url_cleanup(u);
	return res;
}

/* host equals domain or is one of its subdomains */
static bool on_domain(const char *host, const char *domain)
{
	if (!host || !domain || !*domain)
		return false;
	size_t hl = strlen(host), dl = strlen(domain);
	return !strcmp(host, domain) || (hl > dl && host[hl - dl - 1] == '.' && !strcmp(host + hl - dl, domain));
}

static size_t app_sets(struct kf_req *r, struct flow *f, struct kf_consent_set *view, struct kf_auth_set *asked,
		       size_t max, bool *member_data);

/* Send the browser back to the OAuth client with query parameters (each
 * value escaped); state is added when the request had one. */
static void oauth_redirect(struct kf_req *r, struct flow *f, const char *name, const char *value,
			   const char *description)
{
	kf_db_rollback(kf_req_db(r));
	char *v = curl_easy_escape(NULL, value, 0);
	char *loc = kf_arena_printf(r->arena, "%s%s%s=%s", f->redirect_uri, strchr(f->redirect_uri, '?') ? "&" : "?", name, v);
	curl_free(v);
	if (description) {
		char *d = curl_easy_escape(NULL, description, 0);
		loc = kf_arena_printf(r->arena, "%s&error_description=%s", loc, d);
		curl_free(d);
	}
	if (f->state) {
		char *s = curl_easy_escape(NULL, f->state, 0);
		loc = kf_arena_printf(r->arena, "%s&state=%s", loc, s);
		curl_free(s);
	}
	/* RFC 9207: the client learns which server answered (mix-up attacks) */
	char *iss = curl_easy_escape(NULL, r->ctx->cfg.issuer, 0);
	loc = kf_arena_printf(r->arena, "%s&iss=%s", loc, iss);
	curl_free(iss);
	kf_reply_raw(r, 302, "text/plain; charset=utf-8", "", 0);
	kf_reply_header(r, "Location", loc);
}

/* /oauth/authorize: check the request against what the app registered. */
static bool load_oauth(struct kf_req *r, struct flow *f)
{
	json_t *dev = json_object_get(f->cfg, "dev");
	json_t *ru = json_object_get(dev, "redirect_uris");
	size_t nr = json_array_size(ru);
	const char **uris = kf_arena_alloc(r->arena, (nr ? nr : 1) * sizeof(*uris));
	for (size_t i = 0; i < nr; i++)
		uris[i] = json_string_value(json_array_get(ru, i));
	struct kf_consent_set view[KF_CONSENT_MAX_SETS];
	struct kf_auth_set sets[KF_CONSENT_MAX_SETS];
	size_t ns = app_sets(r, f, view, sets, KF_CONSENT_MAX_SETS, NULL);
	struct kf_oauth_client c = {
		.type = json_is_true(json_object_get(dev, "public_client")) ? KF_OAUTH_CLIENT_PUBLIC : KF_OAUTH_CLIENT_CONFIDENTIAL,
		.redirect_uris = uris,
		.n_redirect_uris = nr,
		.sets = sets,
		.n_sets = ns,
	};
	struct kf_oauth_authorize_request q = {
		.response_type = param(r, f, "response_type"),
		.redirect_uri = f->redirect_uri,
		.scope = f->scope,
		.state = f->state,
		.code_challenge = f->challenge,
		.code_challenge_method = param(r, f, "code_challenge_method"),
	};
	struct kf_error err = {0};
	if (kf_oauth_authorize_check(&q, &c, &f->oa, &err) != KF_OK) {
		if (!f->oa.redirectable) {
			refuse(r, f, KF_REFUSAL_BAD_REDIRECT);
			return false;
		}
		f->redirect_uri = uris[f->oa.redirect_index];
		oauth_redirect(r, f, "error", kf_oauth_error_name(kf_oauth_error_for(&err)), err.msg);
		return false;
	}
	f->redirect_given = f->oa.redirect_uri_given;
	f->redirect_uri = uris[f->oa.redirect_index];
	return true;
}

/* The app the flow names (component_appid or client_id) with its live
 * configuration, name and developer; refuses unknown apps and, AUTH-5,
 * suspended or delisted ones. */
static bool load_app_of_flow(struct kf_req *r, struct flow *f)
{
	struct kf_db *db = kf_req_db(r);
	if (!f->appid || !kf_app_id_valid(f->appid) || kf_store_app_by_appid(db, f->appid, &f->app) != KF_OK ||
	    !f->app.live_config_id || !(f->cfg = kf_store_app_config_json(db, f->app.live_config_id))) {
		refuse(r, f, KF_REFUSAL_UNKNOWN_APP);
		return false;
	}
	kf_arena_defer(r->arena, (void (*)(void *))json_decref, f->cfg);
	f->app_name = kf_arena_strdup(r->arena, json_string_value(json_object_get(f->cfg, "name")));
	json_t *prov = kf_store_org_json(db, f->app.provider_id);
	const char *dev = json_string_value(json_object_get(prov, "entity_name"));
	f->developer = kf_arena_strdup(r->arena, dev ? dev : json_string_value(json_object_get(prov, "name")));
	json_decref(prov);
	if (f->app.state == KF_APP_SUSPENDED || f->app.state == KF_APP_DELISTED) {
		refuse(r, f, KF_REFUSAL_APP_UNAVAILABLE);
		return false;
	}
	return true;
}

/* The marketplace's install (issue 13): only an app the marketplace shows
 * (released to every host account, not withdrawn) and open to new
 * authorizations; not recommended ones install by their link (GOV-1). */
static bool load_market(struct kf_req *r, struct flow *f)
{
	json_t *row = NULL;
	enum kf_err rc = kf_store_market_app(kf_req_db(r), f->app.app_id, &row);
	if (rc == KF_EDB) {
		kf_reply_db_error(r);
		return false;
	}
	bool withdrawn = f->app.state == KF_APP_WITHDRAWN ||
			 (row && !json_is_null(json_object_get(row, "withdrawn_at")));
	bool closed = row && json_integer_value(json_object_get(row, "new_auth_closed")) != 0;
	json_decref(row);
	if (withdrawn) {
		refuse(r, f, KF_REFUSAL_WITHDRAWN);
		return false;
	}
	if (rc != KF_OK || f->app.state != KF_APP_RELEASED || f->app.audience != KF_APP_AUDIENCE_PUBLIC) {
		refuse(r, f, KF_REFUSAL_NOT_IN_MARKET);
		return false;
	}
	if (closed) {
		refuse(r, f, KF_REFUSAL_NEW_AUTH_CLOSED);
		return false;
	}
	return true;
}

/* Load and check the flow parameters; refuses and returns false on failure. */
static bool load_flow(struct kf_req *r, struct flow *f)
{
	memset(f, 0, sizeof(*f));
	f->lang = kf_lang_from_accept(kf_req_header(r, "Accept-Language"));
	f->post = !strcmp(r->method, "POST");
	f->oauth = !strncmp(r->path, "/oauth/", 7);
	f->market = !strncmp(r->path, "/apps/", 6);
	if (f->post && (!r->body || kf_form_parse(r->arena, r->body, r->body_len, &f->form) < 0)) {
		refuse(r, f, KF_REFUSAL_BAD_STATE);
		return false;
	}
	if (f->oauth) {
		static const char *const onames[] = {"client_id", "redirect_uri", "response_type", "scope", "state",
						     "code_challenge", "code_challenge_method"};
		for (size_t i = 0; i < 7; i++) {
			const char *v = param(r, f, onames[i]);
			if (v)
				f->hidden[f->n_hidden++] = (struct kf_hidden){onames[i], v};
		}
		f->appid = param(r, f, "client_id");
		f->redirect_uri = param(r, f, "redirect_uri");
		f->state = param(r, f, "state");
		f->scope = param(r, f, "scope");
		f->challenge = param(r, f, "code_challenge");
		if (refused_nul(r, f) || !load_app_of_flow(r, f))
			return false;
		return load_oauth(r, f);
	}
	if (f->market) {
		f->appid = kf_req_param(r, "app_id");
		if (f->appid)
			f->hidden[f->n_hidden++] = (struct kf_hidden){"app_id", f->appid};
		return load_app_of_flow(r, f) && load_market(r, f);
	}
	f->appid = param(r, f, "component_appid");
	f->pre_auth_code = param(r, f, "pre_auth_code");
	f->redirect_uri = param(r, f, "redirect_uri");
	f->auth_type = param(r, f, "auth_type");
	f->biz_appid = param(r, f, "biz_appid");
	const char *names[] = {"component_appid", "pre_auth_code", "redirect_uri", "auth_type", "biz_appid"};
	const char *values[] = {f->appid, f->pre_auth_code, f->redirect_uri, f->auth_type, f->biz_appid};
	for (size_t i = 0; i < 5; i++)
		if (values[i])
			f->hidden[f->n_hidden++] = (struct kf_hidden){names[i], values[i]};
	if (refused_nul(r, f) || !load_app_of_flow(r, f))
		return false;
	struct kf_db *db = kf_req_db(r);
	/* AUTH-3: the pre-auth code is single-use and short-lived */
	char hash[65];
	if (!f->pre_auth_code || strlen(f->pre_auth_code) > 200) {
		refuse(r, f, KF_REFUSAL_CODE_INVALID);
		return false;
	}
	kf_sha256_hex(f->pre_auth_code, strlen(f->pre_auth_code), hash);
	/* core decides use and expiry; a used pre-auth code issued nothing to revoke */
	if (kf_store_code_get(db, hash, &f->pre) != KF_OK || f->pre.kind != KF_AUTH_KIND_PRE_AUTH_CODE || f->pre.app != f->app.id ||
	    kf_auth_check_code(f->pre.created_at, f->pre.used_at, f->pre.expires_at, r->now, NULL, NULL) != KF_OK) {
		refuse(r, f, KF_REFUSAL_CODE_INVALID);
		return false;
	}
	const char *domain = json_string_value(json_object_get(json_object_get(f->cfg, "dev"), "auth_domain"));
	/* §5, APP-4: the redirect lies on the authorization-initiation domain,
	 * as the browser will read it (issue 9 defect 1) */
	const char *domains[] = {domain};
	if (kf_redirect_check(f->redirect_uri, domains, domain ? 1 : 0, NULL) != KF_OK) {
		refuse(r, f, KF_REFUSAL_BAD_REDIRECT);
		return false;
	}
	/* §5 / APP-4: the page is reached from a page on that domain. A form
	 * posted back comes from this page itself. */
	if (!f->post && !on_domain(url_host(r, kf_req_header(r, "Referer")), domain)) {
		refuse(r, f, KF_REFUSAL_WRONG_REFERER);
		return false;
	}
	return true;
}

/* The browser binding before sign-in: a random cookie (double submit). */
static const char *pre_binding(struct kf_req *r)
{
	const char *c = kf_req_cookie(r, PRE_COOKIE);
	if (c && strlen(c) == 64 && strspn(c, "0123456789abcdef") == 64)
		return c;
	char *v = kf_arena_alloc(r->arena, 65);
	kf_random_hex(v, 64);
	kf_reply_header(r, "Set-Cookie", kf_arena_printf(r->arena, "%s=%s; %s", PRE_COOKIE, v, kf_api_cookie_attrs(r)));
	return v;
}

/* The binding after sign-in: the session token's hash (never the id). */
static const char *session_binding(struct kf_req *r, const char *token)
{
	if (!token)
		token = kf_req_cookie(r, "kf_session");
	if (!token)
		return NULL;
	char *h = kf_arena_alloc(r->arena, 65);
	kf_sha256_hex(token, strlen(token), h);
	return h;
}

static void show_signin(struct kf_req *r, struct flow *f, enum kf_signin_error e, const char *login)
{
	const char *csrf = kf_consent_csrf_new(r->arena, r->ctx->server_key, "signin", pre_binding(r), f->hidden,
					       f->n_hidden, r->now);
	struct kf_signin_view v = {.lang = f->lang, .site_name = r->ctx->cfg.platform_name, .action_url = r->path,
				   .csrf = csrf, .hidden = f->hidden, .n_hidden = f->n_hidden, .app_name = f->app_name,
				   .login = login, .forgot_url = "/console/forgot", .error = e};
	send_page(r, e == KF_SIGNIN_ERR_CREDENTIALS ? 401 : e == KF_SIGNIN_ERR_LOCKED ? 429 : 200,
		  kf_consent_render_signin(r->arena, &v));
}

/* Kinds accepted for auth_type (configuration "auth-type-kinds":
 * "1:mini_program 2:enterprise,shop 3:*"); NULL = every kind. */
static const char *kinds_for(struct kf_req *r, const char *auth_type)
{
	if (!auth_type || !*auth_type)
		return NULL;
	char *spec = kf_arena_strdup(r->arena, r->ctx->cfg.auth_type_kinds);
	for (char *save = NULL, *t = strtok_r(spec, " ", &save); t; t = strtok_r(NULL, " ", &save)) {
		char *colon = strchr(t, ':');
		if (!colon)
			continue;
		*colon = '\0';
		if (!strcmp(t, auth_type))
			return strcmp(colon + 1, "*") ? colon + 1 : NULL;
	}
	return ""; /* an unknown auth_type accepts nothing */
}

static bool kind_in(const char *kinds, const char *kind)
{
	if (!kinds)
		return true;
	size_t n = strlen(kind);
	for (const char *p = kinds; (p = strstr(p, kind)); p += n)
		if ((p == kinds || p[-1] == ',') && (p[n] == ',' || p[n] == '\0'))
			return true;
	return false;
}

struct account {
	int64_t id, owner_user_id;
	const char *external_id, *name, *kind;
	bool authorized;
};

/* The host accounts the signed-in user owns or administers, of accepted
 * kinds, pinned to biz_appid when given. */
static size_t accounts_for(struct kf_req *r, struct flow *f, struct account *out, size_t max, bool *not_admin)
{
	*not_admin = false;
	/* the signed-in user's own accounts; with biz_appid, that one account
	 * whoever owns it (so a non-owner is told why) */
	json_t *hosts = kf_store_hosts_json(kf_req_db(r), f->biz_appid, f->biz_appid ? 0 : r->user_id, 0, 200, true);
	const char *kinds = f->biz_appid ? NULL : kinds_for(r, f->auth_type);
	size_t n = 0, i;
	json_t *h;
	bool pinned_seen = false;
	json_array_foreach(hosts, i, h) {
		int64_t id = json_integer_value(json_object_get(h, "id"));
		struct kf_host_row row;
		enum kf_role role = KF_ROLE_NONE;
		if (kf_store_host_get(kf_req_db(r), id, &row) != KF_OK ||
		    kf_store_member_role(kf_req_db(r), row.org_id, r->user_id, &role) != KF_OK)
			continue;
		pinned_seen = true;
		if (!kf_role_manages(role))
			continue;
		if (!kind_in(kinds, row.kind) || n == max)
			continue;
		struct kf_authz_row z;
		out[n].id = id;
		out[n].owner_user_id = row.owner_user_id;
		out[n].external_id = kf_arena_strdup(r->arena, row.external_id);
		out[n].name = kf_arena_strdup(r->arena, row.name);
		out[n].kind = kf_arena_strdup(r->arena, row.kind);
		out[n].authorized = kf_store_authz_get(kf_req_db(r), id, f->app.id, &z) == KF_OK && kf_auth_state_live(z.state);
		n++;
	}
	json_decref(hosts);
	if (f->biz_appid && pinned_seen && n == 0)
		*not_admin = true;
	return n;
}

/* The app's live permission sets with the catalog's words. */
/* The text of the page's language; the English one when the operator gave
 * no Chinese. */
static const char *in_lang(const struct flow *f, const char *en, const char *zh)
{
	return f->lang == KF_LANG_ZH && zh && *zh ? zh : en;
}

static size_t app_sets(struct kf_req *r, struct flow *f, struct kf_consent_set *view, struct kf_auth_set *asked,
		       size_t max, bool *member_data)
{
	/* one store call for all of the app's sets, in the order it lists them */
	json_t *ids = json_object_get(f->cfg, "permission_sets");
	size_t n_ids = json_array_size(ids), n = 0, i;
	int64_t *want = kf_arena_alloc(r->arena, (n_ids ? n_ids : 1) * sizeof(*want));
	json_t *v;
	json_array_foreach(ids, i, v)
		want[i] = json_integer_value(v);
	struct kf_permset_row *rows = kf_arena_alloc(r->arena, (max ? max : 1) * sizeof(*rows));
	if (kf_store_permsets_get(kf_req_db(r), r->arena, want, n_ids, rows, max, &n) != KF_OK)
		n = 0;
	bool *members = kf_arena_alloc(r->arena, (max ? max : 1) * sizeof(*members));
	for (size_t m = 0; m < n; m++) {
		view[m] = (struct kf_consent_set){
			.id = rows[m].id,
			.name = f->lang == KF_LANG_ZH ? rows[m].name : rows[m].name_en,
			.description = in_lang(f, rows[m].description, rows[m].description_zh),
			.data_entrusted = in_lang(f, rows[m].data_entrusted, rows[m].data_entrusted_zh),
			.required = !rows[m].optional,
		};
		asked[m] = (struct kf_auth_set){.id = rows[m].id, .key = rows[m].key, .required = view[m].required};
		members[m] = rows[m].member_data;
	}
	if (f->oauth && f->oa.n_sets) {
		/* only the sets the scope asked for */
		size_t k = 0;
		for (size_t m = 0; m < n; m++) {
			bool keep = false;
			for (size_t j = 0; j < f->oa.n_sets; j++)
				keep = keep || f->oa.sets[j].id == asked[m].id;
			if (keep) {
				view[k] = view[m];
				asked[k] = asked[m];
				members[k] = members[m];
				k++;
			}
		}
		n = k;
	}
	if (member_data) {
		*member_data = false;
		for (size_t m = 0; m < n; m++)
			*member_data = *member_data || members[m];
	}
	return n;
}

static bool on_allowlist(json_t *cfg, int64_t host_id);

/* Whether the app would take this account (AUTH-4, APP-10, AUTH-5), by the
 * rule confirm() applies (kf_app_may_authorize), so the page offers only
 * what confirming can accept and says why for the rest. */
static enum kf_consent_unavailable account_fit(struct kf_req *r, struct flow *f, const struct account *acc)
{
	enum kf_role role = KF_ROLE_NONE;
	if (kf_store_member_role(kf_req_db(r), f->app.provider_id, acc->owner_user_id, &role) != KF_OK)
		role = KF_ROLE_NONE;
	struct kf_error err = {0};
	/* GOV-2, GOV-7: an account that already installed the app may go on
	 * (renew, expand) while the app is withdrawn or closed to new ones */
	struct kf_authz_row z;
	bool live = kf_store_authz_get(kf_req_db(r), acc->id, f->app.id, &z) == KF_OK && kf_auth_state_live(z.state);
	struct kf_gov_app_flags gf;
	bool closed = kf_store_gov_app_flags(kf_req_db(r), f->app.id, &gf) == KF_OK && gf.new_auth_closed;
	enum kf_app_state st = f->app.state == KF_APP_WITHDRAWN && live ? KF_APP_RELEASED : f->app.state;
	if (kf_app_may_authorize(st, on_allowlist(f->cfg, acc->id), f->app.audience, role != KF_ROLE_NONE, &err) == KF_OK &&
	    kf_gov_check_new_authorization(closed, live, &err) == KF_OK)
		return KF_ACCOUNT_AVAILABLE;
	if (err.rule && !strcmp(err.rule, "AUTH-4"))
		return KF_ACCOUNT_NOT_ON_TEST_LIST;
	if (err.rule && !strcmp(err.rule, "APP-10"))
		return KF_ACCOUNT_SELF_USE;
	return KF_ACCOUNT_APP_UNAVAILABLE;
}

/* The released listing's name and logo URL (NULL when the app has no live
 * listing or it has no logo): what the owner saw in the marketplace. */
static void released_listing(struct kf_req *r, struct flow *f, const char **name, const char **icon)
{
	*name = *icon = NULL;
	struct kf_listing_row l;
	if (!f->app.live_listing_id || kf_store_listing_get(kf_req_db(r), f->app.live_listing_id, &l) != KF_OK)
		return;
	const char *n = json_string_value(json_object_get(l.body, "name"));
	*name = n ? kf_arena_strdup(r->arena, n) : NULL;
	if (json_is_integer(json_object_get(l.body, "logo_file")))
		*icon = kf_arena_printf(r->arena, "/v1/directory/%s/logo", f->app.app_id);
	kf_store_listing_row_clear(&l);
}

static void show_consent(struct kf_req *r, struct flow *f, const char *session_token)
{
	struct account acc[64];
	bool not_admin;
	size_t na = accounts_for(r, f, acc, 64, &not_admin);
	if (not_admin) {
		refuse(r, f, KF_REFUSAL_NOT_ACCOUNT_ADMIN);
		return;
	}
	if (!na) {
		refuse(r, f, KF_REFUSAL_KIND_NOT_ACCEPTED);
		return;
	}
	struct kf_consent_account *va = kf_arena_alloc(r->arena, na * sizeof(*va));
	for (size_t i = 0; i < na; i++)
		va[i] = (struct kf_consent_account){.id = kf_arena_printf(r->arena, "%lld", (long long)acc[i].id),
						    .name = acc[i].name, .kind = acc[i].kind,
						    .already_authorized = acc[i].authorized,
						    .unavailable = account_fit(r, f, &acc[i])};
	struct kf_consent_set sets[KF_CONSENT_MAX_SETS];
	struct kf_auth_set asked[KF_CONSENT_MAX_SETS];
	bool member_data = false;
	size_t ns = app_sets(r, f, sets, asked, KF_CONSENT_MAX_SETS, &member_data);
	const char *listing_name, *listing_icon;
	released_listing(r, f, &listing_name, &listing_icon);
	const char *csrf = kf_consent_csrf_new(r->arena, r->ctx->server_key, "consent", session_binding(r, session_token),
					       f->hidden, f->n_hidden, r->now);
	struct kf_consent_view v = {
		.lang = f->lang,
		.site_name = r->ctx->cfg.platform_name,
		.action_url = r->path,
		.csrf = csrf,
		.hidden = f->hidden,
		.n_hidden = f->n_hidden,
		.app_name = f->app_name ? f->app_name : f->app.app_id,
		.app_intro = json_string_value(json_object_get(f->cfg, "intro")),
		.app_website = json_string_value(json_object_get(f->cfg, "website")),
		.developer = f->developer ? f->developer : "",
		.listing_name = listing_name,
		.listing_icon_url = listing_icon,
		.in_testing = f->app.state != KF_APP_RELEASED,
		.user_label = r->user_email,
		.accounts = va,
		.n_accounts = na,
		.pinned = f->biz_appid != NULL,
		.sets = sets,
		.n_sets = ns,
		/* DATA-1: the member scope only for a set that hands over members' data */
		.scope = {.show = member_data},
	};
	send_page(r, 200, kf_consent_render(r->arena, &v));
}

static bool on_allowlist(json_t *cfg, int64_t host_id)
{
	json_t *list = json_object_get(json_object_get(cfg, "dev"), "test_allowlist");
	size_t i;
	json_t *v;
	json_array_foreach(list, i, v)
		if (json_integer_value(v) == host_id)
			return true;
	return false;
}

static enum kf_refusal refusal_for(const struct kf_error *err)
{
	if (err->rule && !strcmp(err->rule, "AUTH-4"))
		return KF_REFUSAL_NOT_ON_ALLOWLIST;
	if (err->rule && !strcmp(err->rule, "APP-10"))
		return KF_REFUSAL_SELF_USE;
	if (err->rule && !strcmp(err->rule, "GOV-2"))
		return KF_REFUSAL_WITHDRAWN;
	if (err->name && !strcmp(err->name, "new_authorizations_closed"))
		return KF_REFUSAL_NEW_AUTH_CLOSED;
	return KF_REFUSAL_APP_UNAVAILABLE;
}

static void confirm(struct kf_req *r, struct flow *f)
{
	struct kf_db *db = kf_req_db(r);
	if (kf_consent_csrf_verify(r->ctx->server_key, "consent", session_binding(r, NULL), f->hidden, f->n_hidden,
				   kf_form_get(&f->form, KF_CONSENT_F_CSRF), r->now, FORM_MAX_AGE) != KF_OK) {
		refuse(r, f, KF_REFUSAL_BAD_STATE);
		return;
	}
	/* issue 9 defect 9: only an explicit confirm confirms; a missing or
	 * unknown decision is refused, not taken as consent */
	const char *decision = kf_form_get(&f->form, KF_CONSENT_F_DECISION);
	bool cancel = decision && !strcmp(decision, KF_CONSENT_DECISION_CANCEL);
	if (!cancel && !(decision && !strcmp(decision, KF_CONSENT_DECISION_CONFIRM))) {
		refuse(r, f, KF_REFUSAL_BAD_DECISION);
		return;
	}
	if (cancel) {
		if (f->oauth) {
			oauth_redirect(r, f, "error", "access_denied", "the owner declined");
			return;
		}
		if (f->market) {
			/* back to the app's page in the marketplace */
			kf_reply_raw(r, 303, "text/plain; charset=utf-8", "", 0);
			kf_reply_header(r, "Location", kf_arena_printf(r->arena, "/apps/%s", f->app.app_id));
			return;
		}
		struct kf_result_view v = {.lang = f->lang, .site_name = r->ctx->cfg.platform_name,
					   .outcome = KF_RESULT_CANCELLED, .app_name = f->app_name,
					   .continue_url = f->redirect_uri};
		send_page(r, 200, kf_consent_render_result(r->arena, &v));
		return;
	}
	/* the page is a proposal: check the account again */
	struct account acc[64];
	bool not_admin;
	size_t na = accounts_for(r, f, acc, 64, &not_admin);
	const char *picked = kf_form_get(&f->form, KF_CONSENT_F_ACCOUNT);
	struct account *a = NULL;
	for (size_t i = 0; picked && i < na; i++)
		if (!strcmp(kf_arena_printf(r->arena, "%lld", (long long)acc[i].id), picked))
			a = &acc[i];
	if (!a) {
		refuse(r, f, not_admin ? KF_REFUSAL_NOT_ACCOUNT_ADMIN : KF_REFUSAL_BAD_STATE);
		return;
	}
	/* AUTH-4, APP-10, AUTH-5 */
	struct kf_host_row host;
	enum kf_role role = KF_ROLE_NONE;
	if (kf_store_host_get(db, a->id, &host) != KF_OK ||
	    kf_store_member_role(db, f->app.provider_id, host.owner_user_id, &role) != KF_OK) {
		kf_reply_db_error(r);
		return;
	}
	struct kf_auth_app_facts facts = {.host_on_test_allowlist = on_allowlist(f->cfg, a->id),
					  .host_is_providers_own = role != KF_ROLE_NONE};
	facts.state = f->app.state;
	facts.audience = f->app.audience;
	struct kf_gov_app_flags gflags;
	if (kf_store_gov_app_flags(db, f->app.id, &gflags) != KF_OK) {
		kf_reply_db_error(r);
		return;
	}
	facts.new_auth_closed = gflags.new_auth_closed;
	/* the sets: required ones plus the optional ones left checked */
	struct kf_consent_set view[KF_CONSENT_MAX_SETS];
	struct kf_auth_set asked[KF_CONSENT_MAX_SETS];
	size_t ns = app_sets(r, f, view, asked, KF_CONSENT_MAX_SETS, NULL);
	const char *posted[KF_CONSENT_MAX_SETS];
	size_t np = kf_form_all(&f->form, KF_CONSENT_F_SET, posted, KF_CONSENT_MAX_SETS);
	int64_t selected[KF_CONSENT_MAX_SETS];
	for (size_t i = 0; i < np; i++)
		selected[i] = strtoll(posted[i], NULL, 10);
	struct kf_auth_sets granted, old = {0};
	struct kf_error err = {0};
	if (kf_auth_grant_sets(asked, ns, selected, np, &granted, &err) != KF_OK) {
		refuse(r, f, KF_REFUSAL_BAD_STATE);
		return;
	}
	/* DATA-1 data scope */
	const char *scope_kind = kf_form_get(&f->form, KF_CONSENT_F_SCOPE);
	const char **members = NULL;
	size_t nm = 0;
	bool some = scope_kind && !strcmp(scope_kind, KF_CONSENT_SCOPE_SOME);
	if (some && kf_consent_parse_members(r->arena, kf_form_get(&f->form, KF_CONSENT_F_SCOPE_MEMBERS), KF_AUTH_MEMBERS_MAX,
					     &members, &nm, &err) != KF_OK) {
		refuse(r, f, KF_REFUSAL_BAD_STATE);
		return;
	}
	struct kf_auth_data_scope ds = {.all_members = !some, .member_ids = members, .n_member_ids = nm};
	if (kf_auth_data_scope_check(&ds, NULL, 0, &err) != KF_OK) {
		refuse(r, f, KF_REFUSAL_BAD_STATE);
		return;
	}
	struct kf_authz_row cur;
	enum kf_auth_state st = KF_AUTH_STATE_NONE;
	if (kf_store_authz_get(db, a->id, f->app.id, &cur) == KF_OK) {
		st = kf_auth_state_live(cur.state) ? KF_AUTH_STATE_ACTIVE : KF_AUTH_STATE_REVOKED;
		old = cur.granted;
	}
	struct kf_auth_change ch;
	if (kf_auth_authorize(st, &old, &facts, &granted, &ch, &err) != KF_OK) {
		refuse(r, f, refusal_for(&err));
		return;
	}
	json_t *sj = some ? json_pack("{s:[]}", "members") : json_pack("{s:s}", "members", "all");
	for (size_t i = 0; some && i < nm; i++)
		json_array_append_new(json_object_get(sj, "members"), json_string(members[i]));
	char *scope_s = json_dumps(sj, JSON_COMPACT);
	json_decref(sj);
	/* the sets shown (APP-7); kf_auth_grant_sets refused more than fit */
	struct kf_auth_sets offered = {.n = 0};
	for (size_t i = 0; i < ns && offered.n < KF_AUTH_SETS_MAX; i++)
		offered.ids[offered.n++] = asked[i].id;
	const char *scope_a = kf_arena_strdup(r->arena, scope_s);
	free(scope_s);

	/* one transaction: the grant, its history, the codes, the event */
	char code[KF_AUTH_TOKEN_SIZE], hash[65];
	kf_api_mint(KF_AUTH_KIND_AUTH_CODE, code, hash);
	int64_t authz, code_id, expires = kf_auth_code_expires_at(&r->ctx->auth_policy, r->now, f->oauth);
	bool created;
	/* OAuth clients learn of the grant from the token endpoint; the
	 * protocol's events go to component apps only */
	const char *event = f->oauth ? NULL : kf_auth_event_name(ch.event);
	if (!kf_api_begin(r))
		return;
	enum kf_err rc = f->oauth || f->market ? KF_OK : kf_store_code_use(db, f->pre.id, r->now);
	if (rc == KF_ECONFLICT) {
		refuse(r, f, KF_REFUSAL_CODE_INVALID);
		return;
	}
	bool ok = rc == KF_OK && kf_store_authz_put(db, a->id, f->app.id, &granted, &offered, scope_a, r->now, &authz, &created) == KF_OK &&
		  kf_store_authz_history(db, authz, r->now, created ? "authorized" : "updated", &granted, kf_api_actor(r)) == KF_OK &&
		  (!ch.revoke_refresh || kf_store_tokens_revoke_kind(db, authz, KF_AUTH_KIND_AUTHORIZER_REFRESH, r->now) == KF_OK) &&
		  (!ch.revoke_access || kf_store_tokens_revoke_kind(db, authz, KF_AUTH_KIND_AUTHORIZER_ACCESS, r->now) == KF_OK) &&
		  kf_store_code_insert(db, hash, KF_AUTH_KIND_AUTH_CODE, f->oauth, f->app.id, authz,
				       f->market || (f->oauth && !f->redirect_given) ? NULL : f->redirect_uri,
				       f->oauth ? f->challenge : NULL, f->oauth ? f->scope : NULL, r->now, expires,
				       &code_id) == KF_OK &&
		  (!event || kf_api_push_auth_event(r, &f->app, event, a->external_id, code, expires,
						    f->pre_auth_code ? f->pre_auth_code : "")) &&
		  kf_api_audit(r, created ? "authorization.create" : "authorization.update",
			       kf_arena_printf(r->arena, "host:%lld", (long long)a->id), f->app.app_id);
	if (!ok) {
		kf_api_abort_db(r);
		return;
	}
	if (!kf_api_commit(r))
		return;
	if (ch.revoke_access || ch.revoke_refresh)
		kf_api_tokens_changed(r);
	kf_push_wake(r->ctx->pusher);
	if (f->oauth) {
		oauth_redirect(r, f, "code", code, NULL);
		return;
	}
	if (f->market) {
		/* installed: the account's connected apps, where it shows */
		kf_reply_raw(r, 303, "text/plain; charset=utf-8", "", 0);
		kf_reply_header(r, "Location", kf_arena_printf(r->arena, "/console/hosts/%lld?ok=installed", (long long)a->id));
		return;
	}
	/* §5: to redirect_uri with the code */
	char *ecode = curl_easy_escape(NULL, code, 0);
	const char *sep = strchr(f->redirect_uri, '?') ? "&" : "?";
	char *loc = kf_arena_printf(r->arena, "%s%sauth_code=%s&expires_in=%lld", f->redirect_uri, sep, ecode,
				    (long long)kf_auth_ttl(&r->ctx->auth_policy, KF_AUTH_KIND_AUTH_CODE));
	curl_free(ecode);
	kf_reply_raw(r, 302, "text/plain; charset=utf-8", "", 0);
	kf_reply_header(r, "Location", loc);
}

/* "Not you? Switch account": end this browser's session (the form's token
 * proves it came from the consent page of this session) and show the
 * sign-in form again with the same flow. Without a session there is
 * nothing to end. */
static void switch_account(struct kf_req *r, struct flow *f)
{
	if (r->user_id && r->session_id) {
		if (kf_consent_csrf_verify(r->ctx->server_key, "consent", session_binding(r, NULL), f->hidden,
					   f->n_hidden, kf_form_get(&f->form, KF_CONSENT_F_CSRF), r->now,
					   FORM_MAX_AGE) != KF_OK) {
			refuse(r, f, KF_REFUSAL_BAD_STATE);
			return;
		}
		if (!kf_api_begin(r))
			return;
		if (kf_store_session_revoke(kf_req_db(r), r->session_id, r->now) != KF_OK ||
		    !kf_api_audit(r, "session.revoke", kf_api_actor(r), "consent page: switch account")) {
			kf_api_abort_db(r);
			return;
		}
		if (!kf_api_commit(r))
			return;
		kf_reply_header(r, "Set-Cookie",
				kf_arena_printf(r->arena, "kf_session=; %s; Max-Age=0", kf_api_cookie_attrs(r)));
		r->user_id = 0;
		r->session_id = 0;
		r->user_email = NULL;
	}
	show_signin(r, f, KF_SIGNIN_OK, NULL);
}

static void api_consent_page(struct kf_req *r)
{
	struct flow f;
	if (!load_flow(r, &f))
		return;
	const char *step = f.post ? kf_form_get(&f.form, KF_CONSENT_F_STEP) : NULL;
	if (step && !strcmp(step, KF_CONSENT_STEP_SIGNIN)) {
		if (kf_consent_csrf_verify(r->ctx->server_key, "signin", pre_binding(r), f.hidden, f.n_hidden,
					   kf_form_get(&f.form, KF_CONSENT_F_CSRF), r->now, FORM_MAX_AGE) != KF_OK) {
			show_signin(r, &f, KF_SIGNIN_ERR_EXPIRED, NULL);
			return;
		}
		const char *login = kf_form_get(&f.form, KF_CONSENT_F_LOGIN), *pw = kf_form_get(&f.form, KF_CONSENT_F_PASSWORD);
		if (!login || !*login || !pw || !*pw) {
			show_signin(r, &f, KF_SIGNIN_ERR_MISSING, login);
			return;
		}
		char token[80];
		int64_t expires, wait;
		struct kf_user_row u;
		switch (kf_api_password_login(r, login, pw, token, &expires, &wait, &u)) {
		case KF_LOGIN_OK:
			r->user_email = kf_arena_strdup(r->arena, u.email);
			show_consent(r, &f, token);
			return;
		case KF_LOGIN_LOCKED:
			show_signin(r, &f, KF_SIGNIN_ERR_LOCKED, login);
			return;
		case KF_LOGIN_FAILED:
			show_signin(r, &f, KF_SIGNIN_ERR_CREDENTIALS, login);
			return;
		case KF_LOGIN_SECOND_FACTOR:
		case KF_LOGIN_CHALLENGE_GONE:
			/* the consent page has no code step: staff sign in on the
			 * console, whose session this page then uses */
			show_signin(r, &f, KF_SIGNIN_ERR_SECOND_FACTOR, login);
			return;
		case KF_LOGIN_ERROR:
			kf_reply_db_error(r);
			return;
		}
	}
	if (step && !strcmp(step, KF_CONSENT_STEP_SWITCH)) {
		switch_account(r, &f);
		return;
	}
	if (!r->user_id || !r->session_id) {
		show_signin(r, &f, KF_SIGNIN_OK, NULL);
		return;
	}
	if (step && !strcmp(step, KF_CONSENT_STEP_CONSENT)) {
		confirm(r, &f);
		return;
	}
	show_consent(r, &f, NULL);
}

const struct kf_route kf_api_consent_routes[] = {
	{"GET", "/cgi-bin/componentloginpage", api_consent_page, KF_AUTH_NONE, 0, "Consent page (AUTH-1)"},
	{"POST", "/cgi-bin/componentloginpage", api_consent_page, KF_AUTH_NONE, KF_RF_OWN_TX | KF_RF_FORM_CSRF, "Consent page form"},
	{"GET", "/safe/bindcomponent", api_consent_page, KF_AUTH_NONE, 0, "Consent page, mobile form (AUTH-1)"},
	{"POST", "/safe/bindcomponent", api_consent_page, KF_AUTH_NONE, KF_RF_OWN_TX | KF_RF_FORM_CSRF, "Consent page form"},
	{"GET", "/oauth/authorize", api_consent_page, KF_AUTH_NONE, 0, "OAuth 2.0 authorization endpoint (consent page)"},
	{"POST", "/oauth/authorize", api_consent_page, KF_AUTH_NONE, KF_RF_OWN_TX | KF_RF_FORM_CSRF, "OAuth 2.0 consent form"},
	{"GET", "/apps/{app_id}/install", api_consent_page, KF_AUTH_NONE, 0, "Install from the marketplace: the consent page (AUTH-1)"},
	{"POST", "/apps/{app_id}/install", api_consent_page, KF_AUTH_NONE, KF_RF_OWN_TX | KF_RF_FORM_CSRF, "Install from the marketplace: consent form"},
};
const size_t kf_api_consent_nroutes = sizeof(kf_api_consent_routes) / sizeof(kf_api_consent_routes[0]);
