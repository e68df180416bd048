/* SPDX-License-Identifier: Apache-2.0 */
/*
 * /cgi-bin/message/custom/send (PROTOCOL.md §3, §8.4): an app sends a
 * text to a user of an authorizer with the authorizer access token. For
 * real host accounts the host product's gateway carries such calls, not
 * Kaifang, so they are refused with errcode 48001. For the platform's own
 * test accounts Kaifang serves the call itself: it records what the app
 * sent (test_calls), which is how the capability check sees the app's API
 * round trip. Conventions of the component API (§2, §4): the body is JSON
 * whatever the Content-Type, every answer is HTTP 200 JSON with errcode.
 */
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "api/api.h"
#include "api/common.h"
#include "api/tokens.h"
#include "core/auth.h"
#include "core/netpolicy.h"
#include "ctx.h"
#include "http/request.h"
#include "store/apps.h"
#include "store/checks.h"
#include "store/db.h"
#include "util/mem.h"

#define TOUSER_MAX 128
#define CONTENT_MAX 2048       /* bytes of text, as the protocol's custom messages */
#define TEST_CALLS_PER_DAY 1000 /* per app: errcode 45009 beyond */

/* PROTOCOL.md §4 */
static void cgi_error(struct kf_req *r, int errcode, const char *errmsg)
{
	kf_db_rollback(kf_req_db(r));
	kf_reply_json(r, 200, json_pack("{s:i, s:s}", "errcode", errcode, "errmsg",
					kf_arena_printf(r->arena, "%s rid: %s", errmsg, r->id)));
}

/* The authorizer token of ?access_token=, valid now (§2: token errors
 * only for tokens that are missing, malformed, unknown, revoked or
 * expired). */
static bool authorizer_token(struct kf_req *r, struct kf_authorizer_view *v)
{
	const char *tok = kf_req_query(r, "access_token");
	struct kf_error err = {0};
	if (kf_auth_token_expect(tok, KF_AUTH_KIND_AUTHORIZER_ACCESS, &err) != KF_OK) {
		int code;
		const char *msg;
		kf_auth_errcode(err.name, &code, &msg);
		cgi_error(r, code, msg);
		return false;
	}
	switch (kf_api_authorizer_check(r, tok, v)) {
	case KF_TOKEN_VALID:
		return true;
	case KF_TOKEN_EXPIRED:
		cgi_error(r, 42001, "access_token expired");
		return false;
	case KF_TOKEN_ERROR:
		cgi_error(r, -1, "system error");
		return false;
	case KF_TOKEN_INVALID:
		break;
	}
	cgi_error(r, 40001, "invalid credential, access_token is invalid or not latest");
	return false;
}

/* APP-4: only listed addresses may call; an empty list restricts nothing. */
static bool ip_allowed(struct kf_req *r, const struct kf_app_row *app)
{
	json_t *cfg = kf_store_app_config_json(kf_req_db(r), app->live_config_id);
	if (!cfg) {
		cgi_error(r, -1, "system error");
		return false;
	}
	json_t *list = json_object_get(json_object_get(cfg, "dev"), "ip_allowlist");
	bool ok = json_array_size(list) == 0;
	int fam;
	unsigned char addr[16];
	if (!ok && kf_addr_parse(r->client_ip, &fam, addr)) {
		size_t i;
		json_t *e;
		json_array_foreach(list, i, e) {
			struct kf_cidr c;
			if (kf_cidr_parse(json_string_value(e), &c, NULL) == KF_OK && kf_cidr_contains(&c, fam, addr))
				ok = true;
		}
	}
	json_decref(cfg);
	if (!ok)
		cgi_error(r, 61004, kf_arena_printf(r->arena, "access clientip is not registered requestIP: %s",
						  r->client_ip ? r->client_ip : "unknown"));
	return ok;
}

/* A string member of 1..max bytes without NUL, or NULL. */
static const char *text_field(json_t *obj, const char *name, size_t max)
{
	json_t *v = json_object_get(obj, name);
	const char *s = json_string_value(v);
	if (!s || !*s || json_string_length(v) > max || strlen(s) != json_string_length(v))
		return NULL;
	return s;
}

static void api_messages_custom_send(struct kf_req *r)
{
	struct kf_authorizer_view v;
	struct kf_app_row app;
	if (!authorizer_token(r, &v))
		return;
	struct kf_db *db = kf_req_db(r);
	enum kf_err rc = kf_store_app_by_appid(db, v.app_id, &app);
	if (rc != KF_OK) {
		cgi_error(r, rc == KF_EDB ? -1 : 40001,
			  rc == KF_EDB ? "system error" : "invalid credential, access_token is invalid or not latest");
		return;
	}
	if (!ip_allowed(r, &app))
		return;
	json_error_t je;
	json_t *body = r->body_len ? json_loadb(r->body, r->body_len, 0, &je) : NULL;
	if (body)
		kf_arena_defer(r->arena, (void (*)(void *))json_decref, body);
	if (!json_is_object(body)) {
		cgi_error(r, 47001, "data format error");
		return;
	}
	int64_t host;
	rc = kf_store_test_account_find(db, v.authorizer, &host);
	if (rc == KF_EDB) {
		cgi_error(r, -1, "system error");
		return;
	}
	if (rc != KF_OK) {
		/* real accounts: the host product's gateway serves this call */
		cgi_error(r, 48001,
			  "api unauthorized: Kaifang serves message/custom/send only for its test accounts; send "
			  "messages to this account through the host product's gateway");
		return;
	}
	const char *touser = text_field(body, "touser", TOUSER_MAX);
	const char *msgtype = json_string_value(json_object_get(body, "msgtype"));
	json_t *text = json_object_get(body, "text");
	const char *content = text_field(text, "content", CONTENT_MAX);
	const char *bad = !touser ? "touser must be a string of 1 to 128 bytes"
			  : !msgtype || strcmp(msgtype, "text") ? "msgtype must be \"text\""
			  : !json_is_object(text) ? "text must be an object with content"
			  : !content ? "text.content must be a string of 1 to 2048 bytes"
				     : NULL;
	if (bad) {
		cgi_error(r, 47001, kf_arena_printf(r->arena, "data format error: %s", bad));
		return;
	}
	int64_t n = 0;
	if (!kf_db_in_tx(db) && kf_db_begin(db) != KF_OK) {
		cgi_error(r, -1, "system error");
		return;
	}
	if (kf_store_test_calls_count(db, app.id, r->now - 86400, &n) != KF_OK) {
		cgi_error(r, -1, "system error");
		return;
	}
	if (n >= TEST_CALLS_PER_DAY) {
		cgi_error(r, 45009, "reach max api daily quota limit");
		return;
	}
	if (kf_store_test_call_insert(db, app.id, host, "message/custom/send", touser, msgtype, content, r->body,
				      r->now) != KF_OK ||
	    kf_db_commit(db) != KF_OK) {
		cgi_error(r, -1, "system error");
		return;
	}
	kf_reply_json(r, 200, json_pack("{s:i, s:s}", "errcode", 0, "errmsg", "ok"));
}

const struct kf_route kf_api_messages_routes[] = {
	{"POST", "/cgi-bin/message/custom/send", api_messages_custom_send, KF_AUTH_NONE, 0,
	 "Send a text to a user of an authorizer (served for Kaifang's test accounts, PROTOCOL.md §8)"},
};
const size_t kf_api_messages_nroutes = sizeof(kf_api_messages_routes) / sizeof(kf_api_messages_routes[0]);
