/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Host accounts, provisioned by the host product with an operator API key,
 * and the invitations that let their owners activate a Kaifang account.
 * A host account is an organisation of kind "host" whose owner is a user.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "api/authorizations.h"
#include "api/common.h"
#include "api/tokens.h"
#include "core/validate.h"
#include "ctx.h"
#include "http/request.h"
#include "notify/notify.h"
#include "push/push.h"
#include "store/apps.h"
#include "store/authz.h"
#include "store/accounts.h"
#include "store/db.h"
#include "store/hosts.h"
#include "store/providers.h"
#include "util/crypto.h"
#include "util/mem.h"

#define INVITATION_TTL (7 * 86400)

static bool kind_allowed(struct kf_req *r, const char *kind)
{
	char *list = kf_arena_strdup(r->arena, r->ctx->cfg.host_kinds);
	for (char *save = NULL, *t = strtok_r(list, ", ", &save); t; t = strtok_r(NULL, ", ", &save))
		if (!strcmp(t, kind))
			return true;
	return false;
}

static char *lower_email(struct kf_req *r, const char *email)
{
	char *e = kf_arena_strdup(r->arena, email);
	for (char *p = e; *p; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
	return e;
}

/* The owner: an existing user, or a new invited one with a mailed link.
 * Runs inside the caller's transaction. Returns 0 after replying. */
static int64_t owner_for(struct kf_req *r, const char *email, const char *host_name)
{
	struct kf_db *db = kf_req_db(r);
	struct kf_user_row u;
	enum kf_err rc = kf_store_user_by_email(db, email, &u);
	if (rc == KF_OK && u.status != KF_USER_INVITED)
		return u.id;
	if (rc != KF_OK && rc != KF_ENOTFOUND)
		return -1;
	int64_t id = u.id;
	char local[128];
	snprintf(local, sizeof(local), "%.*s", (int)strcspn(email, "@"), email);
	/* a person still invited gets a fresh invitation: the earlier one may
	 * have expired */
	if (rc == KF_ENOTFOUND && kf_store_user_invite(db, email, local, r->now, &id) != KF_OK)
		return -1;
	char token[80], hash[65];
	kf_token_new("kfi_", token, sizeof(token));
	kf_sha256_hex(token, strlen(token), hash);
	/* The invited person has no language yet: the inviter's, which the
	 * account keeps until its owner changes it; without a person behind
	 * the call (an operator key), both languages. */
	struct kf_user_row inviter;
	const char *lang = NULL;
	if (r->user_id && kf_store_user_get(db, r->user_id, &inviter) == KF_OK)
		lang = inviter.language;
	const char *url = kf_arena_printf(r->arena, "%s/console/invitations/accept?token=%s", r->ctx->cfg.issuer, token);
	const char *en = kf_arena_printf(r->arena,
					 "You were made the owner of \"%s\" on the Kaifang open platform.\n\n"
					 "Open this link to activate your account and choose a password "
					 "(it works once and expires in 7 days):\n\n%s\n",
					 host_name, url);
	const char *zh = kf_arena_printf(r->arena,
					 "您已成为开放平台上“%s”的所有者。\n\n"
					 "请打开下面的链接激活帐号并设置密码（链接只能使用一次，7 天后失效）：\n\n%s\n",
					 host_name, url);
	const char *body = !lang ? kf_arena_printf(r->arena, "%s\n----\n\n%s", zh, en)
			   : !strcmp(lang, "zh") ? zh : en;
	const char *subject = !lang ? "开放平台邀请 / Your Kaifang invitation"
			      : !strcmp(lang, "zh") ? "开放平台邀请" : "Your Kaifang invitation";
	if (kf_store_invitation_insert(db, id, hash, r->now, r->now + INVITATION_TTL) != KF_OK ||
	    (lang && kf_store_user_set_language(db, id, lang, r->now) != KF_OK) ||
	    kf_mail_enqueue(db, r->now, email, subject, body) != KF_OK)
		return -1;
	return id;
}

static void reply_host(struct kf_req *r, int status, int64_t id)
{
	json_t *o = kf_store_host_json(kf_req_db(r), id);
	if (!o) {
		kf_reply_db_error(r);
		return;
	}
	kf_reply_json(r, status, o);
}

static bool check_fields(struct kf_req *r, json_t *j)
{
	const char *kind = kf_json_str(j, "kind"), *email = kf_json_str(j, "owner_email");
	const char *ext = kf_json_str(j, "external_id"), *name = kf_json_str(j, "name");
	if (kind && !kind_allowed(r, kind)) {
		kf_reply_fail(r, KF_EINVAL, "invalid_value", NULL, "kind", "kind must be one of: %s",
			      r->ctx->cfg.host_kinds);
		return false;
	}
	if (email && !kf_validate_email(email)) {
		kf_reply_fail(r, KF_EINVAL, "invalid_email", NULL, "owner_email", "owner_email is not a valid address");
		return false;
	}
	if (ext && (strspn(ext, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-.:") != strlen(ext))) {
		kf_reply_fail(r, KF_EINVAL, "invalid_value", NULL, "external_id",
			      "external_id uses letters, digits and _ - . : only");
		return false;
	}
	if (name && (!kf_validate_utf8(name, strlen(name)) || kf_utf8_len(name) < 1)) {
		kf_reply_fail(r, KF_EINVAL, "invalid_value", NULL, "name", "name must be UTF-8 text");
		return false;
	}
	return true;
}

static void api_hosts_create(struct kf_req *r)
{
	static const struct kf_field f[] = {
		{"external_id", KF_F_STRING, true, 100, NULL},
		{"kind", KF_F_STRING, true, 32, NULL},
		{"name", KF_F_STRING, true, 100, NULL},
		{"owner_email", KF_F_STRING, true, 254, NULL},
	};
	json_t *j = kf_req_json(r);
	if (!j || !kf_req_check(r, j, f, KF_NFIELDS(f)) || !check_fields(r, j))
		return;
	const char *name = kf_json_str(j, "name");
	if (!kf_api_begin(r))
		return;
	struct kf_db *db = kf_req_db(r);
	int64_t owner = owner_for(r, lower_email(r, kf_json_str(j, "owner_email")), name);
	int64_t org, id;
	if (owner < 0 || kf_store_org_insert(db, KF_ORG_HOST, name, KF_PROVIDER_DRAFT, r->now, &org) != KF_OK ||
	    kf_store_member_add(db, org, owner, KF_ROLE_OWNER, r->now) != KF_OK) {
		kf_api_abort_db(r);
		return;
	}
	enum kf_err rc = kf_store_host_insert(db, org, kf_json_str(j, "external_id"), kf_json_str(j, "kind"), owner,
					      r->now, &id);
	if (rc == KF_ECONFLICT) {
		kf_api_rollback(r);
		kf_reply_fail(r, KF_ECONFLICT, "external_id_taken", NULL, "external_id",
			      "a host account with this external_id exists");
		return;
	}
	if (rc != KF_OK || !kf_api_audit(r, "host.create", kf_arena_printf(r->arena, "host:%lld", (long long)id),
					 kf_json_str(j, "external_id"))) {
		kf_api_abort_db(r);
		return;
	}
	if (kf_api_commit(r))
		reply_host(r, 201, id);
}

static bool load_host(struct kf_req *r, struct kf_host_row *h)
{
	int64_t id = kf_req_param_id(r, "id");
	enum kf_err rc = id ? kf_store_host_get(kf_req_db(r), id, h) : KF_ENOTFOUND;
	/* Kaifang's own test accounts are not the host product's to change */
	if (rc == KF_OK && h->platform_test)
		rc = KF_ENOTFOUND;
	if (rc == KF_EDB)
		kf_reply_db_error(r);
	else if (rc != KF_OK)
		kf_reply_fail(r, KF_ENOTFOUND, "host_account_not_found", NULL, "id", "no such host account");
	return rc == KF_OK;
}

static void api_hosts_get(struct kf_req *r)
{
	struct kf_host_row h;
	if (load_host(r, &h))
		reply_host(r, 200, h.id);
}

static void api_hosts_list(struct kf_req *r)
{
	int64_t after;
	int limit;
	if (!kf_api_page(r, &after, &limit))
		return;
	json_t *items = kf_store_hosts_json(kf_req_db(r), kf_req_query(r, "external_id"), 0, after, limit, false);
	if (!items) {
		kf_reply_db_error(r);
		return;
	}
	size_t n = json_array_size(items);
	json_t *next = n == (size_t)limit ? json_incref(json_object_get(json_array_get(items, n - 1), "id")) : json_null();
	kf_reply_json(r, 200, json_pack("{s:o, s:o}", "items", items, "next_after", next));
}

static void api_hosts_mine(struct kf_req *r)
{
	json_t *items = kf_store_hosts_json(kf_req_db(r), NULL, r->user_id, 0, 200, true);
	if (!items) {
		kf_reply_db_error(r);
		return;
	}
	kf_reply_json(r, 200, json_pack("{s:o}", "items", items));
}

static void api_hosts_update(struct kf_req *r)
{
	static const struct kf_field f[] = {
		{"kind", KF_F_STRING, false, 32, NULL},
		{"name", KF_F_STRING, false, 100, NULL},
		{"owner_email", KF_F_STRING, false, 254, NULL},
	};
	struct kf_host_row h;
	json_t *j = kf_req_json(r);
	if (!j || !kf_req_check(r, j, f, KF_NFIELDS(f)) || !check_fields(r, j) || !load_host(r, &h))
		return;
	if (!kf_api_begin(r))
		return;
	struct kf_db *db = kf_req_db(r);
	const char *email = kf_json_str(j, "owner_email");
	const char *name = kf_json_str(j, "name");
	int64_t owner = email ? owner_for(r, lower_email(r, email), name ? name : h.name) : 0;
	char *detail = json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS);
	bool ok = owner >= 0 && kf_store_host_update(db, h.id, kf_json_str(j, "kind"), owner, r->now) == KF_OK &&
		  kf_store_org_update(db, h.org_id, name, NULL, NULL, NULL, NULL, r->now) == KF_OK;
	if (ok && owner > 0 && owner != h.owner_user_id) {
		/* the owner changes: the membership follows */
		ok = kf_store_member_remove(db, h.org_id, h.owner_user_id) == KF_OK &&
		     kf_store_member_add(db, h.org_id, owner, KF_ROLE_OWNER, r->now) == KF_OK;
	}
	ok = ok && kf_api_audit(r, "host.update", kf_arena_printf(r->arena, "host:%lld", (long long)h.id), detail);
	free(detail);
	if (!ok) {
		kf_api_abort_db(r);
		return;
	}
	if (kf_api_commit(r))
		reply_host(r, 200, h.id);
}

/* AUTH-2, DATA-3: a deleted host account's grants end with it, in the
 * caller's transaction, each as its owner would revoke it
 * (kf_api_authz_end). h is read before the external id is freed, so the
 * event names the id the app knows. */
static bool end_host_grants(struct kf_req *r, const struct kf_host_row *h)
{
	struct kf_db *db = kf_req_db(r);
	struct kf_authz_row *rows;
	size_t n;
	if (kf_store_authz_live_of_host(db, r->arena, h->id, &rows, &n) != KF_OK)
		return false;
	for (size_t i = 0; i < n; i++) {
		struct kf_app_row app;
		if (kf_store_app_get(db, rows[i].app, &app) != KF_OK ||
		    !kf_api_authz_end(r, &app, rows[i].id, KF_AUTH_STATE_ACTIVE, /* live ones only, by the store's query */
				      &rows[i].granted, h->external_id))
			return false;
	}
	return true;
}

static void api_hosts_delete(struct kf_req *r)
{
	struct kf_host_row h;
	if (!load_host(r, &h) || !kf_api_begin(r))
		return;
	if (!end_host_grants(r, &h) || kf_store_host_delete(kf_req_db(r), h.id, r->now) != KF_OK ||
	    kf_store_org_set_deleted(kf_req_db(r), h.org_id, r->now) != KF_OK ||
	    !kf_api_audit(r, "host.delete", kf_arena_printf(r->arena, "host:%lld", (long long)h.id), h.external_id)) {
		kf_api_abort_db(r);
		return;
	}
	if (!kf_api_commit(r))
		return;
	kf_api_tokens_changed(r);
	kf_push_wake(r->ctx->pusher);
	kf_reply_raw(r, 204, "application/json", "", 0);
}

static void api_hosts_accept_invitation(struct kf_req *r)
{
	static const struct kf_field f[] = {
		{"token", KF_F_STRING, true, 100, NULL},
		{"password", KF_F_STRING, true, 256, "ONB-8"},
		{"mobile", KF_F_STRING, true, 32, "ONB-8"},
		{"name", KF_F_STRING, false, 100, NULL},
	};
	json_t *j = kf_req_json(r);
	if (!j || !kf_req_check(r, j, f, KF_NFIELDS(f)))
		return;
	const char *token = kf_json_str(j, "token"), *pw = kf_json_str(j, "password"), *name = kf_json_str(j, "name");
	if (name && (!kf_validate_utf8(name, strlen(name)) || strspn(name, " \t") == strlen(name))) {
		kf_reply_fail(r, KF_EINVAL, "invalid_value", NULL, "name", "name must be text, not only spaces");
		return;
	}
	char hash[65], mobile[32], pwhash[160];
	kf_sha256_hex(token, strlen(token), hash);
	struct kf_error err = {0};
	if (kf_validate_mobile(kf_json_str(j, "mobile"), mobile, sizeof(mobile), &err) != KF_OK) {
		kf_reply_error(r, &err);
		return;
	}
	/* Look the invitation up first and hash the password outside the write
	 * transaction; the token is consumed inside it. */
	struct kf_db *db = kf_req_db(r);
	int64_t uid;
	struct kf_user_row u;
	enum kf_err rc = kf_store_invitation_peek(db, hash, r->now, &uid);
	if (rc == KF_ENOTFOUND) {
		kf_reply_fail(r, KF_ENOTFOUND, "invitation_not_found", NULL, "token",
			      "the invitation is unknown, used or expired");
		return;
	}
	if (rc != KF_OK || kf_store_user_get(db, uid, &u) != KF_OK) {
		kf_reply_db_error(r);
		return;
	}
	if (kf_validate_password(pw, u.email, mobile, &err) != KF_OK) {
		kf_reply_error(r, &err);
		return;
	}
	if (kf_password_hash(pw, pwhash, sizeof(pwhash)) != KF_OK) {
		kf_reply_fail(r, KF_EINTERNAL, "internal", NULL, NULL, "cannot hash the password");
		return;
	}
	if (!kf_api_begin(r))
		return;
	int64_t used_by;
	rc = kf_store_invitation_use(db, hash, r->now, &used_by);
	if (rc == KF_ENOTFOUND) {
		kf_api_rollback(r);
		kf_reply_fail(r, KF_ENOTFOUND, "invitation_not_found", NULL, "token",
			      "the invitation is unknown, used or expired");
		return;
	}
	if (rc == KF_OK)
		rc = kf_store_user_activate(db, uid, pwhash, mobile, name, r->now);
	if (rc == KF_ECONFLICT) {
		kf_api_rollback(r);
		kf_reply_fail(r, KF_ECONFLICT, "mobile_taken", "ONB-8", "mobile", "this mobile number already belongs to an account");
		return;
	}
	if (rc != KF_OK || !kf_api_audit(r, "user.activate", kf_arena_printf(r->arena, "user:%lld", (long long)uid), NULL)) {
		kf_api_abort_db(r);
		return;
	}
	if (kf_api_commit(r))
		kf_reply_json(r, 200, json_pack("{s:I, s:s, s:s}", "id", (json_int_t)uid, "email", u.email, "status", "active"));
}

const struct kf_route kf_api_hosts_routes[] = {
	{"POST", "/v1/host-accounts", api_hosts_create, KF_AUTH_HOSTKEY, 0, "Provision a host account"},
	{"GET", "/v1/host-accounts", api_hosts_list, KF_AUTH_HOSTKEY, 0, "List host accounts"},
	{"GET", "/v1/host-accounts/{id}", api_hosts_get, KF_AUTH_HOSTKEY, 0, "Read a host account"},
	{"PATCH", "/v1/host-accounts/{id}", api_hosts_update, KF_AUTH_HOSTKEY, 0, "Update a host account"},
	{"DELETE", "/v1/host-accounts/{id}", api_hosts_delete, KF_AUTH_HOSTKEY, 0, "Delete a host account"},
	{"GET", "/v1/me/host-accounts", api_hosts_mine, KF_AUTH_USER, 0, "Host accounts the caller owns"},
	{"POST", "/v1/invitations:accept", api_hosts_accept_invitation, KF_AUTH_NONE, KF_RF_OWN_TX,
	 "Activate an invited account with a password"},
};
const size_t kf_api_hosts_nroutes = sizeof(kf_api_hosts_routes) / sizeof(kf_api_hosts_routes[0]);
