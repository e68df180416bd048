/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Apps: registration by a certified provider (ONB-7, APP-1, APP-13),
 * versioned configuration (an edit is a new draft version; the live version
 * is what the platform uses), credentials (APP-10), the creation review
 * (APP-5), ICP filings (APP-2) and the permission-set catalog (APP-3).
 * Rules are judged by core/app.c; this file gathers facts and stores.
 */
#include "api/apps.h"

#include <jansson.h>
#include <stdatomic.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "api/api.h"
#include "api/appconfig.h"
#include "api/common.h"
#include "pipeline/terms_cache.h"
#include "core/app.h"
#include "core/checks.h"
#include "core/netpolicy.h"
#include "core/provider.h"
#include "ctx.h"
#include "http/request.h"
#include "notify/notify.h"
#include "proto/wxcrypt.h"
#include "push/push.h"
#include "push/request.h"
#include "api/tokens.h"
#include "store/apps.h"
#include "store/auth.h"
#include "store/checks.h"
#include "store/db.h"
#include "store/governance.h"
#include "store/files.h"
#include "store/hosts.h"
#include "store/outbox.h"
#include "store/permsets.h"
#include "store/providers.h"
#include "store/release.h"
#include "store/reviews.h"
#include "util/crypto.h"
#include "util/mem.h"

/* ---- loading and access ---- */

/* The caller's role in the provider (owner, member) or NONE for
 * operators; false (after replying 404) when the caller may not see it. */
static bool provider_access(struct kf_req *r, int64_t provider_id, enum kf_role *role)
{
	if (kf_store_member_role(kf_req_db(r), provider_id, r->user_id, role) != KF_OK) {
		kf_reply_db_error(r);
		return false;
	}
	if (*role == KF_ROLE_NONE && r->operator_role == KF_ROLE_NONE) {
		kf_reply_fail(r, KF_ENOTFOUND, "provider_not_found", NULL, "id", "no such provider");
		return false;
	}
	return true;
}

/* The app named by {id} (its public app id) that the caller may see. */
bool kf_api_load_app(struct kf_req *r, struct kf_app_row *app, enum kf_role *role)
{
	const char *id = kf_req_param(r, "id");
	enum kf_err rc = id && kf_app_id_valid(id) ? kf_store_app_by_appid(kf_req_db(r), id, app) : KF_ENOTFOUND;
	if (rc == KF_EDB) {
		kf_reply_db_error(r);
		return false;
	}
	if (rc == KF_OK && kf_store_member_role(kf_req_db(r), app->provider_id, r->user_id, role) != KF_OK) {
		kf_reply_db_error(r);
		return false;
	}
	if (rc != KF_OK || (*role == KF_ROLE_NONE && r->operator_role == KF_ROLE_NONE)) {
		kf_reply_fail(r, KF_ENOTFOUND, "app_not_found", NULL, "id", "no such app");
		return false;
	}
	return true;
}

bool kf_api_require_member(struct kf_req *r, enum kf_role role, const char *doing)
{
	if (role != KF_ROLE_NONE)
		return true;
	kf_reply_fail(r, KF_EFORBIDDEN, "provider_member_required", NULL, NULL,
		      "only members of the app's provider %s", doing);
	return false;
}

static bool require_member(struct kf_req *r, enum kf_role role)
{
	return kf_api_require_member(r, role, "may change it");
}

static bool require_owner(struct kf_req *r, enum kf_role role)
{
	if (role == KF_ROLE_OWNER)
		return true;
	kf_reply_fail(r, KF_EFORBIDDEN, "owner_required", "APP-10", NULL,
		      "only the owner of the provider account may do this");
	return false;
}

/* ONB-7: new submissions need a certified provider in good standing. */
bool kf_api_provider_may_submit(struct kf_req *r, int64_t provider_id, struct kf_org_row *org)
{
	if (kf_store_org_get(kf_req_db(r), provider_id, org) != KF_OK) {
		kf_reply_db_error(r);
		return false;
	}
	enum kf_provider_state st = org->state;
	struct kf_error err = {0};
	if (kf_provider_check_submission(st, &err) != KF_OK) {
		kf_reply_error(r, &err);
		return false;
	}
	return true;
}

/* ---- validation context ---- */

struct vctx {
	struct kf_app_policy policy;
	struct kf_app_context ctx;
};

static bool validation_context(struct kf_req *r, const struct kf_org_row *org, struct vctx *v)
{
	struct kf_db *db = kf_req_db(r);
	v->policy = kf_app_policy_default();
	v->policy.max_apps = (int)r->ctx->cfg.max_apps;
	v->policy.max_test_accounts = (int)r->ctx->cfg.max_test_accounts;
	memset(&v->ctx, 0, sizeof(v->ctx));
	/* APP-11: the protected marks of the operator's term list, the matcher
	 * the listing rules use too, held until the request ends */
	struct kf_termset *terms = kf_terms_cache_get(r->ctx->terms_cache, db);
	if (!terms)
		return false;
	kf_arena_defer(r->arena, (void (*)(void *))kf_termset_put, terms);
	v->policy.marks = terms->lists[KF_TERMLIST_PROTECTED_MARKS];
	/* APP-3 catalog */
	int64_t *ids = kf_arena_alloc(r->arena, 256 * sizeof(*ids));
	size_t ni = 0;
	if (kf_store_permission_set_catalog(db, ids, NULL, 256, &ni) != KF_OK)
		return false;
	v->ctx.catalog_ids = ids;
	v->ctx.n_catalog_ids = ni;
	/* APP-2/APP-4 ICP filings of the provider's entity */
	const char **domains = NULL;
	size_t nd = 0;
	if (org->entity_id && kf_store_icp_domains(db, r->arena, org->entity_id, &domains, &nd) != KF_OK)
		return false;
	v->ctx.icp_domains = domains;
	v->ctx.n_icp_domains = nd;
	v->ctx.http_ok = kf_netpolicy_http_ok;
	v->ctx.http_ok_arg = &r->ctx->callback_allow;
	return true;
}

/* SSRF check when a callback URL is saved: every address its host resolves
 * to must be public or inside push.allow_networks. A host that does not
 * resolve yet is accepted (it is checked again before every delivery). */
static bool callback_allowed(struct kf_req *r, const char *url, const char *field)
{
	if (!url[0])
		return true;
	const char *p = strstr(url, "://");
	if (!p)
		return true; /* core validation reports the malformed URL */
	p += 3;
	char host[300];
	size_t n = 0;
	if (*p == '[') {
		p++;
		while (*p && *p != ']' && n + 1 < sizeof(host))
			host[n++] = *p++;
	} else {
		while (*p && *p != ':' && *p != '/' && *p != '?' && *p != '#' && n + 1 < sizeof(host))
			host[n++] = *p++;
	}
	host[n] = '\0';
	struct addrinfo hints = {.ai_socktype = SOCK_STREAM}, *res = NULL;
	if (getaddrinfo(host, NULL, &hints, &res) != 0)
		return true;
	bool ok = true;
	for (struct addrinfo *ai = res; ai && ok; ai = ai->ai_next) {
		unsigned char a[16];
		int fam = ai->ai_family;
		if (fam == AF_INET)
			memcpy(a, &((struct sockaddr_in *)(void *)ai->ai_addr)->sin_addr, 4);
		else if (fam == AF_INET6)
			memcpy(a, &((struct sockaddr_in6 *)(void *)ai->ai_addr)->sin6_addr, 16);
		else
			continue;
		if (!kf_addr_allowed(fam, a, &r->ctx->callback_allow)) {
			ok = false;
			struct kf_error err;
			kf_error_set(&err, KF_EINVAL, "callback_address_refused", "APP-4", NULL,
				     "%s resolves to a %s address, which callbacks may not reach unless the operator "
				     "allows it (push.allow_networks / KAIFANG_CALLBACK_ALLOW)",
				     field, kf_addr_class_name(kf_addr_classify(fam, a)));
			err.field = field;
			kf_reply_error(r, &err);
		}
	}
	freeaddrinfo(res);
	return ok;
}

/* APP-5: the test allowlist names host accounts that exist. */
static bool test_accounts_exist(struct kf_req *r, const struct kf_app_config *c)
{
	for (size_t i = 0; i < c->dev.n_test_allowlist && i < KF_APP_TEST_ALLOWLIST_CAP; i++) {
		struct kf_host_row h;
		enum kf_err rc = kf_store_host_get(kf_req_db(r), c->dev.test_allowlist[i], &h);
		if (rc == KF_EDB) {
			kf_reply_db_error(r);
			return false;
		}
		if (rc != KF_OK) {
			kf_reply_fail(r, KF_EINVAL, "invalid_test_account", "APP-5", "dev.test_allowlist",
				      "dev.test_allowlist[%zu]: no host account has id %lld", i,
				      (long long)c->dev.test_allowlist[i]);
			return false;
		}
	}
	return true;
}

/* APP-2: the icon is an image uploaded by a member of the provider. */
static bool icon_ok(struct kf_req *r, const struct kf_org_row *org, int64_t file_id)
{
	if (!file_id)
		return true;
	struct kf_file_row f;
	enum kf_role role = KF_ROLE_NONE;
	enum kf_err rc = kf_store_file_get(kf_req_db(r), file_id, &f);
	if (rc == KF_OK && kf_store_member_role(kf_req_db(r), org->id, f.owner_user_id, &role) != KF_OK)
		rc = KF_EDB;
	if (rc == KF_EDB) {
		kf_reply_db_error(r);
		return false;
	}
	if (rc != KF_OK || role == KF_ROLE_NONE) {
		kf_reply_fail(r, KF_EINVAL, "file_not_found", "APP-2", "icon_file",
			      "icon_file must be a file uploaded by a member of this provider");
		return false;
	}
	if (strcmp(f.content_type, "image/png") && strcmp(f.content_type, "image/jpeg")) {
		kf_reply_fail(r, KF_EINVAL, "invalid_icon", "APP-2", "icon_file", "the icon must be a PNG or JPEG image");
		return false;
	}
	return true;
}

/* Validate a configuration about to be stored: full validation for what
 * goes live, draft validation otherwise; then the duplicate rule (APP-13)
 * and the SSRF rule. Replies on failure. */
static bool check_config(struct kf_req *r, const struct kf_org_row *org, struct kf_app_config *c, bool full,
			 int64_t except_app)
{
	struct vctx v;
	if (!validation_context(r, org, &v)) {
		kf_reply_db_error(r);
		return false;
	}
	kf_app_normalize(c);
	struct kf_error err = {0};
	if ((full ? kf_app_validate(c, &v.policy, &v.ctx, &err) : kf_app_validate_draft(c, &v.policy, &v.ctx, &err)) !=
	    KF_OK) {
		kf_reply_error(r, &err);
		return false;
	}
	json_t *others = kf_store_provider_app_configs(kf_req_db(r), org->id, except_app);
	if (!others) {
		kf_reply_db_error(r);
		return false;
	}
	size_t n = json_array_size(others);
	struct kf_app_config *oc = kf_arena_alloc(r->arena, (n ? n : 1) * sizeof(*oc));
	const struct kf_app_config **op = kf_arena_alloc(r->arena, (n ? n : 1) * sizeof(*op));
	for (size_t i = 0; i < n; i++)
		op[i] = kf_appconfig_load(json_array_get(others, i), &oc[i]) ? &oc[i] : NULL;
	json_decref(others);
	if (kf_app_check_duplicate(c, op, n, &err) != KF_OK) {
		kf_reply_error(r, &err);
		return false;
	}
	return icon_ok(r, org, c->icon_file) && test_accounts_exist(r, c) &&
	       callback_allowed(r, c->dev.auth_receive_url, "dev.auth_receive_url") &&
	       callback_allowed(r, c->dev.message_url, "dev.message_url");
}

/* ---- replies ---- */

static json_t *app_json(struct kf_req *r, const struct kf_app_row *a)
{
	struct kf_db *db = kf_req_db(r);
	json_t *live = a->live_config_id ? kf_store_app_config_json(db, a->live_config_id) : json_null();
	json_t *draft = a->draft_config_id ? kf_store_app_config_json(db, a->draft_config_id) : json_null();
	/* the creation review's outcome and reasons (APP-5): reviews are the
	 * operators', so the provider reads the decision on its app here */
	json_t *review = kf_store_app_review_json(db, a->id, "creation");
	return json_pack("{s:s, s:I, s:s, s:s, s:o, s:o, s:o}", "app_id", a->app_id, "provider_id",
			 (json_int_t)a->provider_id, "state", kf_app_state_name(a->state), "audience", kf_app_audience_name(a->audience), "live_config",
			 live ? live : json_null(), "draft_config", draft ? draft : json_null(), "creation_review",
			 review ? review : json_null());
}

static void reply_app(struct kf_req *r, int status, const char *app_id, const char *secret)
{
	struct kf_app_row a;
	if (kf_store_app_by_appid(kf_req_db(r), app_id, &a) != KF_OK) {
		kf_reply_db_error(r);
		return;
	}
	json_t *o = app_json(r, &a);
	if (secret)
		json_object_set_new(o, "app_secret", json_string(secret));
	kf_reply_json(r, status, o);
}

/* A new secret: shown once, stored as its SHA-256 (APP-10). */
static void new_secret(char out[80], char hash[65])
{
	kf_token_new("", out, 80);
	kf_sha256_hex(out, strlen(out), hash);
}

static char *config_text(struct kf_req *r, const struct kf_app_config *c)
{
	json_t *j = kf_appconfig_encode(c);
	char *s = json_dumps(j, JSON_COMPACT);
	json_decref(j);
	char *a = kf_arena_strdup(r->arena, s);
	free(s);
	return a;
}

/* ---- routes ---- */

static void api_apps_create(struct kf_req *r)
{
	int64_t pid = kf_req_param_id(r, "id");
	enum kf_role role;
	json_t *j = kf_req_json(r);
	struct kf_app_config *c = kf_arena_alloc(r->arena, sizeof(*c));
	struct kf_org_row org;
	if (!j || !kf_appconfig_decode(r, j, c))
		return;
	if (!pid) {
		kf_reply_fail(r, KF_ENOTFOUND, "provider_not_found", NULL, "id", "no such provider");
		return;
	}
	if (!provider_access(r, pid, &role) || !require_member(r, role) ||
	    !kf_api_provider_may_submit(r, pid, &org))
		return;
	if (org.kind != KF_ORG_PROVIDER) {
		kf_reply_fail(r, KF_ENOTFOUND, "provider_not_found", NULL, "id", "no such provider");
		return;
	}
	struct kf_db *db = kf_req_db(r);
	int count;
	struct kf_error err = {0};
	struct vctx v;
	if (kf_store_apps_count(db, pid, &count) != KF_OK || !validation_context(r, &org, &v)) {
		kf_reply_db_error(r);
		return;
	}
	bool banned = false;
	if (kf_store_gov_org_banned(db, pid, &banned) != KF_OK) {
		kf_reply_db_error(r);
		return;
	}
	/* GOV-7: a provider banned from new apps creates none */
	if (kf_gov_check_new_app(banned, &err) != KF_OK || kf_app_check_create(count, &v.policy, &err) != KF_OK) {
		kf_reply_error(r, &err);
		return;
	}
	if (!c->audience[0])
		KF_APP_SET(c->audience, "public");
	if (!check_config(r, &org, c, false, 0) || !kf_api_begin(r))
		return;
	unsigned char rnd[8];
	char app_id[KF_APP_ID_LEN + 1], secret[80], hash[65];
	kf_random_bytes(rnd, sizeof(rnd));
	kf_app_id_format(rnd, app_id);
	new_secret(secret, hash);
	int64_t id, cfg;
	int version;
	if (kf_store_app_insert(db, app_id, pid, c->audience, r->now, &id) != KF_OK ||
	    kf_store_app_config_insert(db, id, config_text(r, c), r->user_id, r->now, &cfg, &version) != KF_OK ||
	    kf_store_app_set_configs(db, id, 0, cfg, NULL, r->now) != KF_OK ||
	    kf_store_app_secret_add(db, id, hash, r->now, r->now, r->now) != KF_OK ||
	    !kf_api_audit(r, "app.create", kf_arena_printf(r->arena, "app:%s", app_id), c->name)) {
		kf_api_abort_db(r);
		return;
	}
	if (kf_api_commit(r))
		reply_app(r, 201, app_id, secret);
}

static void api_apps_list(struct kf_req *r)
{
	int64_t pid = kf_req_param_id(r, "id");
	enum kf_role role;
	struct kf_org_row org;
	enum kf_err rc = pid ? kf_store_org_get(kf_req_db(r), pid, &org) : KF_ENOTFOUND;
	if (rc == KF_OK && org.kind != KF_ORG_PROVIDER)
		rc = KF_ENOTFOUND;
	if (rc != KF_OK) {
		if (rc == KF_EDB)
			kf_reply_db_error(r);
		else
			kf_reply_fail(r, KF_ENOTFOUND, "provider_not_found", NULL, "id", "no such provider");
		return;
	}
	if (!provider_access(r, pid, &role))
		return;
	json_t *items = kf_store_apps_json(kf_req_db(r), pid);
	if (!items) {
		kf_reply_db_error(r);
		return;
	}
	kf_reply_json(r, 200, json_pack("{s:o}", "items", items));
}

/* GET /v1/apps: the apps of every provider the caller is a member of,
 * newest first, filtered by provider and state; after is the app_id of the
 * previous page's last app. */
static void api_apps_mine(struct kf_req *r)
{
	const char *state = kf_req_query(r, "state"), *after = kf_req_query(r, "after");
	const char *prov = kf_req_query(r, "provider"), *lim = kf_req_query(r, "limit");
	enum kf_app_state st;
	int64_t pid = 0, v;
	int limit = 50;
	if (state && (!kf_app_state_parse(state, &st) || st == KF_APP_DELETED)) {
		kf_reply_fail(r, KF_EINVAL, "invalid_value", NULL, "state", "state is one of the app states (not deleted)");
		return;
	}
	if (prov && (!kf_api_uint_parse(prov, &pid) || pid < 1)) {
		kf_reply_fail(r, KF_EINVAL, "invalid_value", NULL, "provider", "provider is a provider id");
		return;
	}
	if (after && !kf_app_id_valid(after)) {
		kf_reply_fail(r, KF_EINVAL, "invalid_value", NULL, "after", "after is the next_after of the previous page");
		return;
	}
	if (lim) {
		if (!kf_api_uint_parse(lim, &v) || v < 1 || v > 200) {
			kf_reply_fail(r, KF_EINVAL, "invalid_value", NULL, "limit", "limit must be between 1 and 200");
			return;
		}
		limit = (int)v;
	}
	json_t *items = kf_store_apps_of_user_json(kf_req_db(r), r->user_id, pid, state, after, limit);
	if (!items) {
		kf_reply_db_error(r);
		return;
	}
	size_t n = json_array_size(items);
	json_t *next = n == (size_t)limit ? json_incref(json_object_get(json_array_get(items, n - 1), "app_id"))
					  : json_null();
	kf_reply_json(r, 200, json_pack("{s:o, s:o}", "items", items, "next_after", next));
}

/* GET /v1/apps/{id}/secrets: when each secret was made and until when a
 * rotated one still works (APP-10); never the secrets or their hashes. */
static void api_apps_secrets(struct kf_req *r)
{
	struct kf_app_row a;
	enum kf_role role;
	if (!kf_api_load_app(r, &a, &role))
		return;
	json_t *items = kf_store_app_secrets_json(kf_req_db(r), a.id);
	if (!items) {
		kf_reply_db_error(r);
		return;
	}
	size_t i;
	json_t *it;
	json_array_foreach(items, i, it) {
		json_int_t rev = json_integer_value(json_object_get(it, "revoked_at"));
		json_int_t until = json_integer_value(json_object_get(it, "valid_until"));
		const char *st = !json_is_integer(json_object_get(it, "revoked_at")) ? "current"
				 : until > r->now && rev                             ? "grace"
										     : "revoked";
		json_object_set_new(it, "state", json_string(st));
	}
	kf_reply_json(r, 200, json_pack("{s:o}", "items", items));
}

/* The app's message token and AES key verify and decrypt what the platform
 * pushes to it: its provider's members read them; operator staff, who may
 * read any app (to review it), see that they are set but not their values. */
static void hide_keys(json_t *cfg)
{
	static const char *const keys[] = {"message_token", "aes_key"};
	json_t *dev = json_object_get(cfg, "dev");
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		if (json_is_string(json_object_get(dev, keys[i])))
			json_object_set_new(dev, keys[i], json_string(KF_APP_KEY_HIDDEN));
}

static void api_apps_get(struct kf_req *r)
{
	struct kf_app_row a;
	enum kf_role role;
	if (!kf_api_load_app(r, &a, &role))
		return;
	json_t *o = app_json(r, &a);
	if (role == KF_ROLE_NONE) {
		hide_keys(json_object_get(o, "live_config"));
		hide_keys(json_object_get(o, "draft_config"));
	}
	kf_reply_json(r, 200, o);
}

/* PATCH: a JSON merge patch on the current configuration (the draft, else
 * the live one) stored as a new draft version. */
static void api_apps_update(struct kf_req *r)
{
	struct kf_app_row a;
	enum kf_role role;
	json_t *patch = kf_req_json(r);
	if (!patch || !kf_api_load_app(r, &a, &role) || !require_member(r, role))
		return;
	struct kf_org_row org;
	if (!kf_api_provider_may_submit(r, a.provider_id, &org))
		return;
	struct kf_error err = {0};
	if (kf_app_check_edit(a.state, &err) != KF_OK) {
		kf_reply_error(r, &err);
		return;
	}
	struct kf_db *db = kf_req_db(r);
	json_t *cur = kf_store_app_config_json(db, a.draft_config_id ? a.draft_config_id : a.live_config_id);
	if (!cur) {
		kf_reply_db_error(r);
		return;
	}
	kf_json_merge_patch(cur, patch);
	struct kf_app_config *c = kf_arena_alloc(r->arena, sizeof(*c));
	bool ok = kf_appconfig_decode(r, cur, c);
	json_decref(cur);
	if (!ok || !check_config(r, &org, c, false, a.id) || !kf_api_begin(r))
		return;
	int64_t cfg;
	int version;
	if (kf_store_app_config_insert(db, a.id, config_text(r, c), r->user_id, r->now, &cfg, &version) != KF_OK ||
	    kf_store_app_set_configs(db, a.id, a.live_config_id, cfg, NULL, r->now) != KF_OK ||
	    !kf_api_audit(r, "app.update", kf_arena_printf(r->arena, "app:%s", a.app_id),
			  kf_arena_printf(r->arena, "version %d", version))) {
		kf_api_abort_db(r);
		return;
	}
	if (kf_api_commit(r))
		reply_app(r, 200, a.app_id, NULL);
}

static void api_apps_configs(struct kf_req *r)
{
	struct kf_app_row a;
	enum kf_role role;
	if (!kf_api_load_app(r, &a, &role))
		return;
	json_t *items = kf_store_app_configs_json(kf_req_db(r), a.id);
	if (!items) {
		kf_reply_db_error(r);
		return;
	}
	if (role == KF_ROLE_NONE) {
		size_t i;
		json_t *it;
		json_array_foreach(items, i, it) hide_keys(json_object_get(it, "config"));
	}
	kf_reply_json(r, 200, json_pack("{s:o}", "items", items));
}

/* In test mode the provider puts a draft live itself; a released app's
 * change goes through a change review (APP-7) instead. */
static void api_apps_activate(struct kf_req *r)
{
	struct kf_app_row a;
	enum kf_role role;
	if (!kf_api_load_app(r, &a, &role) || !require_member(r, role))
		return;
	struct kf_error err = {0};
	if (kf_app_check_activate(a.state, &err) != KF_OK) {
		kf_reply_error(r, &err);
		return;
	}
	if (!a.draft_config_id) {
		kf_reply_fail(r, KF_ECONFLICT, "no_draft", NULL, NULL, "there is no draft configuration to put live");
		return;
	}
	struct kf_org_row org;
	if (!kf_api_provider_may_submit(r, a.provider_id, &org))
		return;
	json_t *cur = kf_store_app_config_json(kf_req_db(r), a.draft_config_id);
	struct kf_app_config *c = kf_arena_alloc(r->arena, sizeof(*c));
	bool ok = cur && kf_appconfig_load(cur, c);
	json_decref(cur);
	if (!ok) {
		kf_reply_db_error(r);
		return;
	}
	if (!check_config(r, &org, c, true, a.id) || !kf_api_begin(r))
		return;
	/* the live sets change what authorizer tokens cover: cached checks go */
	if (kf_store_app_set_configs(kf_req_db(r), a.id, a.draft_config_id, 0, c->audience, r->now) != KF_OK ||
	    kf_store_revocation_note(kf_req_db(r), r->now, "app config") != KF_OK ||
	    !kf_api_audit(r, "app.activate", kf_arena_printf(r->arena, "app:%s", a.app_id), NULL)) {
		kf_api_abort_db(r);
		return;
	}
	if (!kf_api_commit(r))
		return;
	kf_api_tokens_changed(r);
	reply_app(r, 200, a.app_id, NULL);
}

static void api_apps_rotate_secret(struct kf_req *r)
{
	static const struct kf_field f[] = {{"grace_seconds", KF_F_INT, false, 0, "APP-10"}};
	struct kf_app_row a;
	enum kf_role role;
	json_t *j = r->body_len ? kf_req_json(r) : json_object();
	if (!r->body_len)
		kf_arena_defer(r->arena, (void (*)(void *))json_decref, j);
	if (!j || !kf_req_check(r, j, f, KF_NFIELDS(f)) || !kf_api_load_app(r, &a, &role) ||
	    !require_owner(r, role))
		return;
	json_int_t grace = json_integer_value(json_object_get(j, "grace_seconds"));
	struct kf_error err = {0};
	if (kf_app_check_rotation_grace(grace, &err) != KF_OK) {
		kf_reply_error(r, &err);
		return;
	}
	char secret[80], hash[65];
	new_secret(secret, hash);
	if (!kf_api_begin(r))
		return;
	struct kf_app_rotation rot;
	kf_app_secret_rotation(r->now, grace, &rot);
	int64_t until = rot.previous_valid_until;
	if (kf_store_app_secret_add(kf_req_db(r), a.id, hash, r->now, until, rot.earlier_valid_until) != KF_OK ||
	    !kf_api_audit(r, "app.secret_rotate", kf_arena_printf(r->arena, "app:%s", a.app_id),
			  kf_arena_printf(r->arena, "grace %lld", (long long)grace))) {
		kf_api_abort_db(r);
		return;
	}
	if (kf_api_commit(r))
		kf_reply_json(r, 200, json_pack("{s:s, s:s, s:I}", "app_id", a.app_id, "app_secret", secret,
						"previous_valid_until", (json_int_t)until));
}

static void api_apps_generate_key(struct kf_req *r)
{
	char key[KF_WXCRYPT_KEY_LEN + 1];
	if (kf_wxcrypt_generate_key(key) != KF_OK) {
		kf_reply_fail(r, KF_EINTERNAL, "internal", NULL, NULL, "cannot generate a key");
		return;
	}
	kf_reply_json(r, 200, json_pack("{s:s}", "aes_key", key));
}

static void api_apps_submit_creation(struct kf_req *r)
{
	struct kf_app_row a;
	enum kf_role role;
	if (!kf_api_load_app(r, &a, &role) || !require_member(r, role))
		return;
	struct kf_org_row org;
	if (!kf_api_provider_may_submit(r, a.provider_id, &org))
		return;
	json_t *cur = a.draft_config_id ? kf_store_app_config_json(kf_req_db(r), a.draft_config_id) : NULL;
	struct kf_app_config *c = kf_arena_alloc(r->arena, sizeof(*c));
	bool ok = cur && kf_appconfig_load(cur, c);
	json_decref(cur);
	enum kf_app_state st = a.state, next;
	struct vctx v;
	struct kf_error err = {0};
	if (!ok) {
		kf_reply_fail(r, KF_ECONFLICT, "invalid_state", "APP-5", NULL,
			      "the creation review needs a draft app (this app is %s)",
			      kf_app_state_name(a.state));
		return;
	}
	if (!validation_context(r, &org, &v)) {
		kf_reply_db_error(r);
		return;
	}
	kf_app_normalize(c);
	if (kf_app_submit_creation(st, c, &v.policy, &v.ctx, &next, &err) != KF_OK) {
		kf_reply_error(r, &err);
		return;
	}
	if (!check_config(r, &org, c, true, a.id))
		return;
	int64_t due, review;
	struct kf_db *db = kf_req_db(r);
	char *body = kf_arena_printf(r->arena, "The app \"%s\" (%s) was submitted for its creation review.\n", c->name,
				     a.app_id);
	if (!kf_api_review_due(r, &due) ||
	    kf_store_review_insert(db, KF_REVIEW_CREATION, "app", a.id, a.provider_id, r->now, due, &review) != KF_OK ||
	    kf_store_app_set_review(db, a.id, review) != KF_OK ||
	    kf_store_app_set_state(db, a.id, next, r->now) != KF_OK ||
	    kf_notify_org_app(db, r->now, a.provider_id, a.app_id, "app.creation_submitted", "App submitted for review", body) != KF_OK ||
	    !kf_api_audit(r, "app.submit_creation", kf_arena_printf(r->arena, "app:%s", a.app_id), NULL)) {
		kf_api_abort_db(r);
		return;
	}
	if (!kf_api_commit(r))
		return;
	json_t *o = kf_store_review_json(db, review);
	if (!o) {
		kf_reply_db_error(r);
		return;
	}
	kf_reply_json(r, 201, o);
}

bool kf_api_app_creation_decided(struct kf_req *r, const struct kf_review_row *rv, bool approve, size_t n_reasons,
				 const char *reasons_text, bool *replied)
{
	struct kf_db *db = kf_req_db(r);
	struct kf_app_row a;
	*replied = false;
	enum kf_err grc = kf_store_app_get(db, rv->subject_id, &a);
	if (grc == KF_ENOTFOUND) {
		kf_reply_fail(r, KF_ECONFLICT, "app_deleted", "APP-5", NULL, "the app was deleted during its review");
		*replied = true;
	}
	if (grc != KF_OK)
		return false;
	enum kf_app_state st = a.state, next;
	struct kf_error err = {0};
	if (kf_app_creation_decided(st, approve, n_reasons, &next, &err) != KF_OK) {
		kf_reply_error(r, &err);
		*replied = true;
		return false;
	}
	json_t *cfg = a.draft_config_id ? kf_store_app_config_json(db, a.draft_config_id) : NULL;
	const char *name = kf_arena_strdup(r->arena, cfg ? json_string_value(json_object_get(cfg, "name")) : a.app_id);
	const char *audience = kf_arena_strdup(r->arena, cfg ? json_string_value(json_object_get(cfg, "audience")) : NULL);
	json_decref(cfg);
	/* approved: the reviewed draft goes live and the app enters test mode */
	if (approve && kf_store_app_set_configs(db, a.id, a.draft_config_id, 0, audience, r->now) != KF_OK)
		return false;
	const char *body = approve ? kf_arena_printf(r->arena,
						     "The app \"%s\" (%s) passed its creation review. It is in test "
						     "mode: the host accounts on its test allowlist may authorize it.\n",
						     name, a.app_id)
				   : kf_arena_printf(r->arena,
						     "The app \"%s\" (%s) did not pass its creation review. Reasons: %s\n"
						     "Fix the configuration and submit it again.\n",
						     name, a.app_id, reasons_text);
	return kf_store_app_set_state(db, a.id, next, r->now) == KF_OK &&
	       kf_notify_org_app(db, r->now, a.provider_id, a.app_id, approve ? "app.creation_approved" : "app.creation_rejected",
			     approve ? "App creation approved" : "App creation rejected", body) == KF_OK;
}

static void api_apps_delete(struct kf_req *r)
{
	struct kf_app_row a;
	enum kf_role role;
	if (!kf_api_load_app(r, &a, &role) || !require_owner(r, role))
		return;
	enum kf_app_state next;
	struct kf_error err = {0};
	if (kf_app_delete(a.state, &next, &err) != KF_OK) {
		kf_reply_error(r, &err);
		return;
	}
	if (!kf_api_begin(r))
		return;
	/* DATA-3: nothing more is pushed, and an open review closes */
	if (kf_store_app_set_state(kf_req_db(r), a.id, next, r->now) != KF_OK ||
	    kf_store_outbox_drop_app(kf_req_db(r), a.id, r->now) != KF_OK ||
	    kf_store_app_end_grants(kf_req_db(r), a.id, r->now) != KF_OK ||
	    kf_store_reviews_withdraw(kf_req_db(r), "app", a.id, r->now) != KF_OK ||
	    kf_store_app_withdraw_applications(kf_req_db(r), a.id, r->now) != KF_OK ||
	    !kf_api_audit(r, "app.delete", kf_arena_printf(r->arena, "app:%s", a.app_id), NULL)) {
		kf_api_abort_db(r);
		return;
	}
	if (!kf_api_commit(r))
		return;
	kf_api_tokens_changed(r);
	kf_reply_raw(r, 204, "application/json", "", 0);
}

struct verify_job {
	const char *which, *url, *token;
};

static void run_verify(struct kf_req *r, void *arg)
{
	struct verify_job *job = arg;
	struct kf_verify_result res;
	struct kf_error err = {0};
	if (kf_push_verify_url(r->ctx, job->url, job->token, &res, &err) != KF_OK) {
		kf_reply_error(r, &err);
		return;
	}
	kf_reply_json(r, 200, json_pack("{s:s, s:s, s:b, s:s?, s:s, s:I, s:I, s:s}", "endpoint", job->which, "url",
					job->url, "ok", res.ok, "failure", res.failure, "message", res.message,
					"http_status", (json_int_t)res.http_status, "latency_ms",
					(json_int_t)res.latency_ms, "excerpt", res.excerpt));
}

/* The echo handshake against one of the app's callback URLs, from the
 * configuration being prepared (the draft, else the live one); answers
 * exactly what failed. Nothing is stored. */
static void api_apps_verify_endpoint(struct kf_req *r)
{
	static const struct kf_field f[] = {{"endpoint", KF_F_STRING, true, 32, "APP-8"}};
	struct kf_app_row a;
	enum kf_role role;
	if (!kf_api_load_app(r, &a, &role) || !require_member(r, role))
		return;
	json_t *j = kf_req_json(r);
	if (!j || !kf_req_check(r, j, f, KF_NFIELDS(f)))
		return;
	const char *which = kf_json_str(j, "endpoint");
	if (strcmp(which, "message_url") && strcmp(which, "auth_receive_url")) {
		kf_reply_fail(r, KF_EINVAL, "invalid_value", "APP-8", "endpoint",
			      "endpoint is message_url or auth_receive_url");
		return;
	}
	json_t *cfg = kf_store_app_config_json(kf_req_db(r), a.draft_config_id ? a.draft_config_id : a.live_config_id);
	json_t *dev = json_object_get(cfg, "dev");
	const char *url = json_string_value(json_object_get(dev, which));
	const char *token = json_string_value(json_object_get(dev, "message_token"));
	if (!url || !token) {
		json_decref(cfg);
		kf_reply_fail(r, KF_ECONFLICT, "endpoint_not_configured", "APP-8", which,
			      "set dev.%s and dev.message_token before verifying", which);
		return;
	}
	struct verify_job *job = kf_arena_alloc(r->arena, sizeof(*job));
	job->which = which;
	char *target = !strcmp(which, "message_url") ? kf_push_url_substitute(url, a.app_id) : kf_xstrdup(url);
	job->url = kf_arena_strdup(r->arena, target);
	free(target);
	job->token = kf_arena_strdup(r->arena, token);
	json_decref(cfg);
	/* the handshake waits on the app's server: not on an API thread */
	kf_req_defer(r, run_verify, job);
}

/* ---- ICP filings (APP-2) ---- */

static bool filing_provider(struct kf_req *r, struct kf_org_row *org, enum kf_role *role)
{
	int64_t pid = kf_req_param_id(r, "id");
	enum kf_err rc = pid ? kf_store_org_get(kf_req_db(r), pid, org) : KF_ENOTFOUND;
	if (rc == KF_OK && org->kind != KF_ORG_PROVIDER)
		rc = KF_ENOTFOUND;
	if (rc == KF_EDB) {
		kf_reply_db_error(r);
		return false;
	}
	if (rc != KF_OK) {
		kf_reply_fail(r, KF_ENOTFOUND, "provider_not_found", NULL, "id", "no such provider");
		return false;
	}
	return provider_access(r, pid, role);
}

static void api_apps_icp_list(struct kf_req *r)
{
	struct kf_org_row org;
	enum kf_role role;
	if (!filing_provider(r, &org, &role))
		return;
	json_t *items = org.entity_id ? kf_store_icp_json(kf_req_db(r), org.entity_id) : json_array();
	if (!items) {
		kf_reply_db_error(r);
		return;
	}
	kf_reply_json(r, 200, json_pack("{s:o}", "items", items));
}

static void api_apps_icp_add(struct kf_req *r)
{
	static const struct kf_field f[] = {
		{"domain", KF_F_STRING, true, 253, "APP-2"},
		{"icp_no", KF_F_STRING, true, 64, "APP-2"},
	};
	struct kf_org_row org;
	enum kf_role role;
	if (!filing_provider(r, &org, &role) || !require_owner(r, role))
		return;
	json_t *j = kf_req_json(r);
	if (!j || !kf_req_check(r, j, f, KF_NFIELDS(f)))
		return;
	if (!org.entity_id) {
		kf_reply_fail(r, KF_ECONFLICT, "no_entity", "APP-2", NULL,
			      "ICP filings belong to the verified entity; finish the qualification first");
		return;
	}
	/* Validate through the app rules: a config holding just this website
	 * and filing number uses the same host and number checks. */
	struct kf_app_config *c = kf_arena_alloc(r->arena, sizeof(*c));
	memset(c, 0, sizeof(*c));
	char *domain = kf_arena_strdup(r->arena, kf_json_str(j, "domain"));
	for (char *p = domain; *p; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
	KF_APP_SET(c->name, "icp");
	KF_APP_SET(c->icp_no, kf_json_str(j, "icp_no"));
	KF_APP_SET(c->website, kf_arena_printf(r->arena, "https://%s/", domain));
	const char *doms[1] = {domain};
	struct kf_app_context ctx = {.icp_domains = doms, .n_icp_domains = 1};
	struct kf_error err = {0};
	if (kf_app_validate_draft(c, NULL, &ctx, &err) != KF_OK) {
		if (err.field && !strcmp(err.field, "website"))
			err.field = "domain";
		kf_reply_error(r, &err);
		return;
	}
	if (!kf_api_begin(r))
		return;
	if (kf_store_icp_add(kf_req_db(r), org.entity_id, domain, kf_json_str(j, "icp_no"), r->now) != KF_OK ||
	    !kf_api_audit(r, "entity.icp_add", kf_arena_printf(r->arena, "entity:%lld", (long long)org.entity_id),
			  domain)) {
		kf_api_abort_db(r);
		return;
	}
	if (kf_api_commit(r))
		kf_reply_json(r, 201, json_pack("{s:s, s:s}", "domain", domain, "icp_no", kf_json_str(j, "icp_no")));
}

/* ---- permission-set catalog (APP-3) ---- */

static void api_apps_catalog(struct kf_req *r)
{
	struct kf_permset_row *sets = NULL;
	size_t n = 0;
	if (kf_store_permsets_list(kf_req_db(r), r->arena, &sets, &n) != KF_OK) {
		kf_reply_db_error(r);
		return;
	}
	json_t *items = json_array();
	for (size_t i = 0; i < n; i++) {
		json_t *apis = json_loads(sets[i].apis, 0, NULL);
		/* name, description and data_entrusted keep their old languages
		 * (zh, en, en); the _zh and _en twins say which is which */
		json_t *o = json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:o, s:b, s:b}", "id", (json_int_t)sets[i].id,
				      "key", sets[i].key, "name", sets[i].name, "name_en", sets[i].name_en,
				      "description", sets[i].description, "data_entrusted", sets[i].data_entrusted,
				      "apis", apis ? apis : json_array(), "optional", sets[i].optional,
				      "member_data", sets[i].member_data);
		json_object_set_new(o, "name_zh", json_string(sets[i].name));
		json_object_set_new(o, "description_en", json_string(sets[i].description));
		json_object_set_new(o, "description_zh", json_string(sets[i].description_zh));
		json_object_set_new(o, "data_entrusted_en", json_string(sets[i].data_entrusted));
		json_object_set_new(o, "data_entrusted_zh", json_string(sets[i].data_entrusted_zh));
		json_object_set_new(o, "capability_check", json_string(sets[i].capability_check));
		json_array_append_new(items, o);
	}
	kf_reply_json(r, 200, json_pack("{s:o}", "items", items));
}

static void api_apps_catalog_add(struct kf_req *r)
{
	static const struct kf_field f[] = {
		{"id", KF_F_INT, true, 0, "APP-3"},
		{"key", KF_F_STRING, true, 64, "APP-3"},
		{"name", KF_F_STRING, true, 100, "APP-3"},
		{"name_en", KF_F_STRING, true, 100, "APP-3"},
		{"description", KF_F_STRING, true, 1000, "APP-3"},
		{"data_entrusted", KF_F_STRING, true, 1000, "APP-3"},
		{"description_zh", KF_F_STRING, false, 1000, "APP-3"},
		{"data_entrusted_zh", KF_F_STRING, false, 1000, "APP-3"},
		{"apis", KF_F_ARRAY, false, 200, "APP-3"},
		{"optional", KF_F_BOOL, false, 0, "APP-3"},
		{"member_data", KF_F_BOOL, false, 0, "DATA-1"},
		{"capability_check", KF_F_STRING, false, 200, "APP-9"},
	};
	json_t *j = kf_req_json(r);
	if (!j || !kf_req_check(r, j, f, KF_NFIELDS(f)))
		return;
	enum kf_check_kind checks[KF_CHECKS_PER_SET_MAX];
	size_t n_checks;
	struct kf_error cerr = {0};
	if (kf_checks_parse(kf_json_str(j, "capability_check"), checks, KF_CHECKS_PER_SET_MAX, &n_checks, &cerr) !=
	    KF_OK) {
		cerr.field = "capability_check";
		kf_reply_error(r, &cerr);
		return;
	}
	json_int_t id = json_integer_value(json_object_get(j, "id"));
	if (id < 1 || id > 1000000) {
		kf_reply_fail(r, KF_EINVAL, "invalid_value", "APP-3", "id", "id is a number from 1 to 1000000 (func_info id)");
		return;
	}
	json_t *apis = json_object_get(j, "apis");
	char *apis_s = apis ? json_dumps(apis, JSON_COMPACT) : strdup("[]");
	struct kf_permset_row row = {
		.id = id,
		.key = kf_json_str(j, "key"),
		.name = kf_json_str(j, "name"),
		.name_en = kf_json_str(j, "name_en"),
		.description = kf_json_str(j, "description"),
		.data_entrusted = kf_json_str(j, "data_entrusted"),
		.apis = apis_s,
		.optional = !json_is_false(json_object_get(j, "optional")),
		.description_zh = kf_json_str(j, "description_zh"),
		.data_entrusted_zh = kf_json_str(j, "data_entrusted_zh"),
		.member_data = json_is_true(json_object_get(j, "member_data")),
		.capability_check = kf_json_str(j, "capability_check"),
	};
	enum kf_err rc = kf_store_permset_insert(kf_req_db(r), &row);
	free(apis_s);
	if (rc != KF_OK) {
		kf_api_rollback(r);
		if (rc == KF_ECONFLICT)
			kf_reply_fail(r, KF_ECONFLICT, "permission_set_exists", "APP-3", "id",
				      "a permission set with this id or key exists");
		else
			kf_reply_db_error(r);
		return;
	}
	if (!kf_api_audit(r, "permission_set.create", kf_arena_printf(r->arena, "permission_set:%lld", (long long)id),
			  kf_json_str(j, "key"))) {
		kf_api_abort_db(r);
		return;
	}
	if (kf_api_commit(r))
		kf_reply_json(r, 201, json_pack("{s:I, s:s}", "id", id, "key", kf_json_str(j, "key")));
}

const struct kf_route kf_api_apps_routes[] = {
	{"POST", "/v1/providers/{id}/apps", api_apps_create, KF_AUTH_USER, 0, "Register an app (ONB-7, APP-1, APP-13)"},
	{"GET", "/v1/providers/{id}/apps", api_apps_list, KF_AUTH_USER, 0, "List a provider's apps"},
	{"GET", "/v1/providers/{id}/icp-filings", api_apps_icp_list, KF_AUTH_USER, 0, "ICP filings of the entity (APP-2)"},
	{"POST", "/v1/providers/{id}/icp-filings", api_apps_icp_add, KF_AUTH_USER, 0, "Record an ICP filing (APP-2)"},
	{"GET", "/v1/apps", api_apps_mine, KF_AUTH_USER, 0, "The apps of the caller's providers (filters, pages)"},
	{"GET", "/v1/apps/{id}/secrets", api_apps_secrets, KF_AUTH_USER, 0,
	 "When the app's secrets were made and until when they work (APP-10)"},
	{"GET", "/v1/apps/{id}", api_apps_get, KF_AUTH_USER, 0, "Read an app with its live and draft configuration"},
	{"PATCH", "/v1/apps/{id}", api_apps_update, KF_AUTH_USER, 0, "Edit the configuration (a new draft version)"},
	{"DELETE", "/v1/apps/{id}", api_apps_delete, KF_AUTH_USER, 0, "Delete an app"},
	{"GET", "/v1/apps/{id}/configs", api_apps_configs, KF_AUTH_USER, 0, "Configuration versions"},
	{"POST", "/v1/apps/{id}/configs:activate", api_apps_activate, KF_AUTH_USER, 0,
	 "Put the draft live (apps in development)"},
	{"POST", "/v1/apps/{id}/secret:rotate", api_apps_rotate_secret, KF_AUTH_USER, 0, "Rotate the app secret (APP-10)"},
	{"POST", "/v1/apps/{id}/creation-review", api_apps_submit_creation, KF_AUTH_USER, 0,
	 "Submit the app for its creation review (APP-5)"},
	{"POST", "/v1/apps/{id}/endpoints:verify", api_apps_verify_endpoint, KF_AUTH_USER, 0,
	 "Verify a callback URL with the echo handshake (APP-8)"},
	{"POST", "/v1/aes-keys", api_apps_generate_key, KF_AUTH_USER, 0, "Generate a message encryption key"},
	{"GET", "/v1/permission-sets", api_apps_catalog, KF_AUTH_USER, 0, "The permission-set catalog (APP-3)"},
	{"POST", "/v1/permission-sets", api_apps_catalog_add, KF_AUTH_ADMIN, 0, "Add a permission set (APP-3)"},
};
const size_t kf_api_apps_nroutes = sizeof(kf_api_apps_routes) / sizeof(kf_api_apps_routes[0]);
