/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The capability check engine (see checks.h). It runs on a thread of its
 * own and waits on the app, which calls back into this server
 * (api_component_token, api_query_auth, custom/send); so a database
 * connection is taken from the pool only around each read or write and
 * never across a network wait, or the app's own calls could starve.
 * What the answers mean is judged by core/checks.c.
 */
#include "push/checks.h"

#include <curl/curl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/app.h"
#include "core/auth.h"
#include "core/checks.h"
#include "core/push.h"
#include "ctx.h"
#include "proto/envelope.h"
#include "proto/wxcrypt.h"
#include "push/http.h"
#include "push/push.h"
#include "push/request.h"
#include "store/apps.h"
#include "store/auth.h"
#include "store/authz.h"
#include "store/checks.h"
#include "store/db.h"
#include "store/outbox.h"
#include "store/permsets.h"
#include "util/crypto.h"
#include "util/mem.h"

#define POLL_MS 100          /* how often api_reply looks for the app's calls */
#define CALLS_PER_POLL 100
#define ACTOR "system:capability-check"

struct run {
	struct kf_ctx *ctx;
	struct kf_app_row app;
	int64_t config_id;
	char *config_json;          /* the configuration under test */
	json_t *config;
	struct kf_push_settings s;
	int64_t host;               /* the test account */
	char account[128];          /* its external id: the authorizer id the app sees */
	char user[48];              /* the test user (openid) of this run */
	int64_t authz;              /* the test account's authorization, once made */
	json_t *results;
	bool passed;
	bool db_failed;
	long push_ms, reply_ms, api_ms;
};

static int64_t mono_ms(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (int64_t)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

static void sleep_ms(long ms)
{
	struct timespec t = {.tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000L};
	nanosleep(&t, NULL);
}

static void add_result(struct run *rn, enum kf_check_kind k, const char *set, const char *check_name, bool ok,
		       const char *reason, int64_t ms)
{
	json_t *o = json_pack("{s:s, s:s?, s:s, s:s?, s:I}", "check", check_name ? check_name : kf_check_name(k),
			      "permission_set", set, "status", ok ? "passed" : "failed", "reason", ok ? NULL : reason,
			      "ms", (json_int_t)ms);
	if (!o) /* a reason that is not UTF-8 cannot happen (core quotes), but never lose the verdict */
		o = json_pack("{s:s, s:s?, s:s, s:s, s:I}", "check", kf_check_name(k), "permission_set", set, "status",
			      ok ? "passed" : "failed", "reason", ok ? "" : "(reason not representable)", "ms",
			      (json_int_t)ms);
	json_array_append_new(rn->results, o);
	if (!ok)
		rn->passed = false;
}

/* A new code or token of kind and the SHA-256 it is stored as. */
static void mint(enum kf_auth_kind kind, char out[KF_AUTH_TOKEN_SIZE], char hash[65])
{
	unsigned char rnd[KF_AUTH_RANDOM_LEN];
	kf_random_bytes(rnd, sizeof(rnd));
	if (!kf_auth_token_format(kind, rnd, out))
		abort(); /* a kind out of range is a programming error */
	explicit_bzero(rnd, sizeof(rnd));
	kf_sha256_hex(out, strlen(out), hash);
}

/* ---- one synchronous push ---- */

struct pushed {
	struct kf_push_http h;
	struct kf_check_push facts;
	char error[384];
	char config_error[400]; /* the push could not be built: the configuration is unusable */
};

static void pushed_clear(struct pushed *p)
{
	kf_push_http_clear(&p->h);
}

/* Encrypt payload with the configuration under test and POST it to the
 * target's URL (message pushes: $APPID$ = the test account), waiting at
 * most timeout_ms. Fills p (release with pushed_clear). */
static void push(struct run *rn, enum kf_push_target target, const char *kind, const char *payload,
		 const char *check, long timeout_ms, struct pushed *p)
{
	memset(p, 0, sizeof(*p));
	kf_push_http_init(&p->h, &rn->ctx->callback_allow);
	p->facts.timeout_ms = timeout_ms;
	struct kf_outbox_item it = {.app = rn->app.id, .payload = (char *)(uintptr_t)payload,
				    .config_json = rn->config_json, .created_at = kf_ctx_now(rn->ctx)};
	kf_random_hex(it.event_id, 32);
	it.event_id[32] = '\0';
	snprintf(it.kind, sizeof(it.kind), "%s", kind);
	snprintf(it.target, sizeof(it.target), "%s", kf_push_target_name(target));
	snprintf(it.app_id, sizeof(it.app_id), "%s", rn->app.app_id);
	if (target == KF_PUSH_MESSAGE)
		snprintf(it.authorizer, sizeof(it.authorizer), "%.63s", rn->account); /* kaifang-test-N */
	struct kf_push_request req;
	struct kf_error err = {0};
	if (kf_push_request_build(&it, it.created_at, NULL, NULL, &req, &err) != KF_OK) {
		/* request.c speaks of the live configuration; here it is the one under test */
		const char *m = err.msg[0] ? err.msg : "invalid configuration";
		bool live = !strncmp(m, "live configuration", 18);
		snprintf(p->config_error, sizeof(p->config_error), "the configuration cannot be pushed to: %s%s",
			 live ? "the configuration" : "", live ? m + 18 : m);
		p->facts.error = p->config_error;
		return;
	}
	struct curl_slist *hdr = NULL;
	char h[96];
	hdr = curl_slist_append(hdr, "Content-Type: text/xml; charset=utf-8");
	snprintf(h, sizeof(h), "X-Kaifang-Event-Id: %s", it.event_id);
	hdr = curl_slist_append(hdr, h);
	hdr = curl_slist_append(hdr, "X-Kaifang-Attempt: 1");
	snprintf(h, sizeof(h), "X-Kaifang-Check: %s", check);
	hdr = curl_slist_append(hdr, h);
	hdr = curl_slist_append(hdr, "Expect:");
	CURL *c = curl_easy_init();
	if (!c || !hdr) {
		snprintf(p->error, sizeof(p->error), "cannot set up the request (libcurl)");
		p->facts.error = p->error;
		goto out;
	}
	kf_push_http_setopt(c, &p->h, timeout_ms);
	curl_easy_setopt(c, CURLOPT_URL, req.url);
	curl_easy_setopt(c, CURLOPT_POST, 1L);
	curl_easy_setopt(c, CURLOPT_POSTFIELDS, req.body);
	curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)strlen(req.body));
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdr);
	CURLcode rc = curl_easy_perform(c);
	enum kf_push_failure f = kf_push_http_classify(rc, &p->h, timeout_ms, p->error, sizeof(p->error));
	if (f == KF_PUSH_FAIL_TIMEOUT) {
		p->facts.timed_out = true;
	} else if (f != KF_PUSH_FAIL_NONE) {
		p->facts.error = p->error;
	} else {
		curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &p->facts.http_status);
		p->facts.body = p->h.body;
		p->facts.body_len = p->h.len;
	}
out:
	if (c)
		curl_easy_cleanup(c);
	curl_slist_free_all(hdr);
	kf_push_request_clear(&req);
}

/* ---- the checks ---- */

static void check_ticket(struct run *rn)
{
	int64_t t0 = mono_ms(), now = kf_ctx_now(rn->ctx);
	char ticket[KF_PUSH_TICKET_LEN + 1], reason[KF_CHECK_REASON_SIZE];
	struct kf_db *db = kf_dbpool_get(rn->ctx->pool);
	enum kf_err rc = kf_push_ticket_issue(db, rn->app.id, now, ticket);
	kf_dbpool_put(rn->ctx->pool, db);
	if (rc != KF_OK) {
		rn->db_failed = true;
		return;
	}
	char *payload = NULL;
	struct kf_error err = {0};
	bool ok = false;
	if (kf_envelope_build_ticket(rn->app.app_id, now, ticket, &payload, &err) != KF_OK) {
		snprintf(reason, sizeof(reason), "cannot build the ticket push: %s", err.msg);
	} else {
		struct pushed p;
		push(rn, KF_PUSH_AUTH_RECEIVE, "component_verify_ticket", payload, "ticket", rn->push_ms, &p);
		ok = kf_checks_judge_push(&p.facts, false, reason, sizeof(reason));
		pushed_clear(&p);
	}
	explicit_bzero(ticket, sizeof(ticket));
	if (payload) {
		explicit_bzero(payload, strlen(payload));
		free(payload);
	}
	add_result(rn, KF_CHECK_TICKET, NULL, NULL, ok, reason, mono_ms() - t0);
}

/* A fresh authorization code of the test account's authorization, stored
 * in its own transaction (the authorization itself when `grant`). */
static bool new_code(struct run *rn, bool grant, char code[KF_AUTH_TOKEN_SIZE], char hash[65], int64_t *expires)
{
	int64_t now = kf_ctx_now(rn->ctx);
	*expires = kf_auth_code_expires_at(&rn->ctx->auth_policy, now, false);
	mint(KF_AUTH_KIND_AUTH_CODE, code, hash);
	struct kf_db *db = kf_dbpool_get(rn->ctx->pool);
	bool ok = kf_db_begin(db) == KF_OK;
	if (ok && grant) {
		/* every permission set of the configuration under test */
		json_t *sets = json_object_get(rn->config, "permission_sets"), *v;
		struct kf_auth_sets granted = {.n = 0};
		size_t i;
		json_array_foreach(sets, i, v) /* at most KF_AUTH_SETS_MAX, no duplicates (APP-3) */
			if (granted.n < KF_AUTH_SETS_MAX && !kf_auth_sets_contains(&granted, json_integer_value(v)))
				granted.ids[granted.n++] = json_integer_value(v);
		bool created = false;
		ok = kf_store_authz_put(db, rn->host, rn->app.id, &granted, &granted, "{\"members\":\"all\"}", now,
					&rn->authz, &created) == KF_OK &&
		     kf_store_authz_history(db, rn->authz, now, created ? "authorized" : "updated", &granted, ACTOR) == KF_OK;
	}
	ok = ok && rn->authz &&
	     kf_store_code_insert(db, hash, KF_AUTH_KIND_AUTH_CODE, false, rn->app.id, rn->authz, NULL, NULL, NULL, now, *expires, NULL) == KF_OK &&
	     kf_db_commit(db) == KF_OK;
	kf_db_rollback(db);
	kf_dbpool_put(rn->ctx->pool, db);
	if (!ok)
		rn->db_failed = true;
	return ok;
}

static void check_authorization(struct run *rn)
{
	int64_t t0 = mono_ms();
	char code[KF_AUTH_TOKEN_SIZE], hash[65], reason[KF_CHECK_REASON_SIZE];
	int64_t expires;
	if (!new_code(rn, true, code, hash, &expires))
		return;
	struct kf_envelope_auth_event ev = {
		.info_type = "authorized",
		.appid = rn->app.app_id,
		.create_time = kf_ctx_now(rn->ctx),
		.authorizer_appid = rn->account,
		.authorization_code = code,
		.code_expired_time = expires,
		.pre_auth_code = "",
	};
	char *payload = NULL;
	struct kf_error err = {0};
	bool ok = false;
	if (kf_envelope_build_auth_event(&ev, &payload, &err) != KF_OK) {
		snprintf(reason, sizeof(reason), "cannot build the authorized event: %s", err.msg);
	} else {
		struct pushed p;
		push(rn, KF_PUSH_AUTH_RECEIVE, "authorized", payload, "authorization", rn->push_ms, &p);
		ok = kf_checks_judge_push(&p.facts, false, reason, sizeof(reason));
		pushed_clear(&p);
	}
	free(payload);
	explicit_bzero(code, sizeof(code));
	add_result(rn, KF_CHECK_AUTHORIZATION, NULL, NULL, ok, reason, mono_ms() - t0);
}

/* The plaintext of a text message from the test user to the test account
 * (§7), malloc'd; NULL when it cannot be built. */
static char *text_message(struct run *rn, const char *content)
{
	char created[24], msgid[24];
	uint64_t id;
	kf_random_bytes(&id, sizeof(id));
	snprintf(created, sizeof(created), "%" PRId64, kf_ctx_now(rn->ctx));
	snprintf(msgid, sizeof(msgid), "%" PRIu64, (uint64_t)(id % 9000000000000000000ull + 1000000000000000000ull));
	const struct kf_envelope_field f[] = {
		{"ToUserName", rn->account, true}, {"FromUserName", rn->user, true}, {"CreateTime", created, false},
		{"MsgType", "text", true},         {"Content", content, true},       {"MsgId", msgid, false},
	};
	char *xml = NULL;
	return kf_envelope_build(f, sizeof(f) / sizeof(f[0]), &xml, NULL, NULL) == KF_OK ? xml : NULL;
}

/* The plaintext of a LOCATION event from the test user to the test
 * account (§8.5), malloc'd; NULL when it cannot be built. */
static char *event_message(struct run *rn)
{
	char created[24];
	snprintf(created, sizeof(created), "%" PRId64, kf_ctx_now(rn->ctx));
	const struct kf_envelope_field f[] = {
		{"ToUserName", rn->account, true}, {"FromUserName", rn->user, true}, {"CreateTime", created, false},
		{"MsgType", "event", true},        {"Event", KF_CHECK_EVENT, true},  {"Latitude", "31.230416", false},
		{"Longitude", "121.473701", false}, {"Precision", "65.000000", false},
	};
	char *xml = NULL;
	return kf_envelope_build(f, sizeof(f) / sizeof(f[0]), &xml, NULL, NULL) == KF_OK ? xml : NULL;
}

/* §8.3 and §8.5: push msg (taken) and judge the passive reply, which must
 * be a text message with content `expect` from the account to the user. */
static void check_passive(struct run *rn, const char *set, enum kf_check_kind kind, const char *what, char *msg,
			  const char *expect)
{
	int64_t t0 = mono_ms();
	char reason[KF_CHECK_REASON_SIZE];
	const char *name = kf_check_name(kind);
	if (!msg) {
		snprintf(reason, sizeof(reason), "cannot build the %s message", what);
		add_result(rn, kind, set, NULL, false, reason, mono_ms() - t0);
		return;
	}
	struct pushed p;
	push(rn, KF_PUSH_MESSAGE, what, msg, name, rn->reply_ms, &p);
	free(msg);

	/* take the answer apart for the judge */
	struct kf_check_reply r = {.push = p.facts};
	struct kf_envelope env = {0}, plain = {0};
	struct kf_wxcrypt wx;
	memset(&wx, 0, sizeof(wx));
	char *dec = NULL, *appid = NULL;
	size_t declen = 0;
	char derr[300] = "";
	if (!p.facts.timed_out && !p.facts.error && p.facts.http_status == 200 && p.facts.body_len &&
	    kf_envelope_parse(p.facts.body, p.facts.body_len, &env, NULL) == KF_OK) {
		r.xml = true;
		r.encrypt = kf_envelope_get(&env, "Encrypt");
		r.msg_signature = kf_envelope_get(&env, "MsgSignature");
		r.timestamp = kf_envelope_get(&env, "TimeStamp");
		r.nonce = kf_envelope_get(&env, "Nonce");
		r.signature_ok = r.encrypt && r.msg_signature && r.timestamp && r.nonce &&
				 kf_wxcrypt_verify(rn->s.message_token, r.timestamp, r.nonce, r.encrypt, r.msg_signature);
		struct kf_error err = {0};
		if (r.signature_ok) {
			if (kf_wxcrypt_init(&wx, rn->s.message_token, rn->s.aes_key, rn->app.app_id, &err) != KF_OK ||
			    kf_wxcrypt_decrypt_any(&wx, r.encrypt, &dec, &declen, &appid, &err) != KF_OK) {
				snprintf(derr, sizeof(derr), "%s", err.msg[0] ? err.msg : "cannot decrypt");
				r.decrypt_error = derr;
			} else {
				r.appid = appid;
				if (kf_envelope_parse(dec, declen, &plain, NULL) == KF_OK) {
					r.message_xml = true;
					r.msg_type = kf_envelope_get(&plain, "MsgType");
					r.content = kf_envelope_get(&plain, "Content");
					r.to_user = kf_envelope_get(&plain, "ToUserName");
					r.from_user = kf_envelope_get(&plain, "FromUserName");
				}
			}
		}
	}
	struct kf_check_expect want = {.app_id = rn->app.app_id, .account = rn->account, .user = rn->user,
				       .content = expect};
	bool ok = kf_checks_judge_reply(&r, &want, reason, sizeof(reason));
	kf_envelope_clear(&env);
	kf_envelope_clear(&plain);
	kf_wxcrypt_clear(&wx);
	free(dec);
	free(appid);
	pushed_clear(&p);
	add_result(rn, kind, set, NULL, ok, reason, mono_ms() - t0);
}

static void check_text_reply(struct run *rn, const char *set)
{
	check_passive(rn, set, KF_CHECK_TEXT_REPLY, "text", text_message(rn, KF_CHECK_TEXT),
		      KF_CHECK_TEXT_REPLY_CONTENT);
}

static void check_event_reply(struct run *rn, const char *set)
{
	char expect[64];
	(void)kf_checks_event_content(KF_CHECK_EVENT, expect, sizeof(expect));
	check_passive(rn, set, KF_CHECK_EVENT_REPLY, "event", event_message(rn), expect);
}

/* One look at what the app did: its calls since `after` are appended to
 * calls, *exchanged tells whether the code was used. False on a storage
 * error. */
static bool look(struct run *rn, const char *hash, int64_t *after, json_t *calls, bool *exchanged)
{
	struct kf_db *db = kf_dbpool_get(rn->ctx->pool);
	json_t *rows = kf_store_test_calls_after(db, rn->app.id, rn->host, *after, CALLS_PER_POLL);
	struct kf_code_row c;
	enum kf_err rc = kf_store_code_get(db, hash, &c);
	kf_dbpool_put(rn->ctx->pool, db);
	if (!rows || rc != KF_OK) {
		json_decref(rows);
		return false;
	}
	*exchanged = c.used_at != 0;
	size_t i;
	json_t *v;
	json_array_foreach(rows, i, v) {
		*after = json_integer_value(json_object_get(v, "id"));
		json_array_append(calls, v);
	}
	json_decref(rows);
	return true;
}

static void check_api_reply(struct run *rn, const char *set)
{
	int64_t t0 = mono_ms();
	char code[KF_AUTH_TOKEN_SIZE], hash[65], reason[KF_CHECK_REASON_SIZE];
	char text[KF_AUTH_TOKEN_SIZE + 32], content[KF_AUTH_TOKEN_SIZE + 32];
	int64_t expires, after = 0;
	if (!rn->authz) {
		add_result(rn, KF_CHECK_API_REPLY, set, NULL, false, "the test account has no authorization of the app",
			   mono_ms() - t0);
		return;
	}
	struct kf_db *db = kf_dbpool_get(rn->ctx->pool);
	enum kf_err rc = kf_store_test_calls_last_id(db, rn->app.id, &after);
	kf_dbpool_put(rn->ctx->pool, db);
	if (rc != KF_OK || !new_code(rn, false, code, hash, &expires)) {
		rn->db_failed = true;
		return;
	}
	(void)kf_checks_query_text(code, text, sizeof(text));
	(void)kf_checks_api_content(code, content, sizeof(content));
	char *msg = text_message(rn, text);
	if (!msg) {
		add_result(rn, KF_CHECK_API_REPLY, set, NULL, false, "cannot build the text message", mono_ms() - t0);
		return;
	}
	struct pushed p;
	push(rn, KF_PUSH_MESSAGE, "text", msg, "api_reply", rn->reply_ms, &p);
	free(msg);
	bool ok = kf_checks_judge_push(&p.facts, true, reason, sizeof(reason));
	pushed_clear(&p);
	if (!ok) {
		add_result(rn, KF_CHECK_API_REPLY, set, NULL, false, reason, mono_ms() - t0);
		return;
	}
	/* now the app works through the API: watch for its call */
	struct kf_check_expect want = {.app_id = rn->app.app_id, .account = rn->account, .user = rn->user,
				       .content = content};
	json_t *calls = json_array();
	int64_t start = mono_ms();
	enum kf_check_verdict v = KF_CHECK_WAIT;
	while (v == KF_CHECK_WAIT) {
		bool stopping = atomic_load(&rn->ctx->stopping);
		bool final = stopping || mono_ms() - start >= rn->api_ms;
		bool exchanged = false;
		if (!look(rn, hash, &after, calls, &exchanged)) {
			rn->db_failed = true;
			break;
		}
		size_t n = json_array_size(calls);
		struct kf_check_call *cv = kf_xcalloc(n ? n : 1, sizeof(*cv));
		for (size_t i = 0; i < n; i++) {
			json_t *o = json_array_get(calls, i);
			cv[i] = (struct kf_check_call){json_string_value(json_object_get(o, "touser")),
						       json_string_value(json_object_get(o, "msgtype")),
						       json_string_value(json_object_get(o, "content"))};
		}
		v = kf_checks_judge_api(cv, n, exchanged, &want, final, rn->api_ms, reason, sizeof(reason));
		free(cv);
		if (v == KF_CHECK_FAIL && stopping && mono_ms() - start < rn->api_ms)
			snprintf(reason, sizeof(reason), "the check was cut short: the server is stopping");
		if (v == KF_CHECK_WAIT)
			sleep_ms(POLL_MS);
	}
	json_decref(calls);
	explicit_bzero(code, sizeof(code));
	if (!rn->db_failed)
		add_result(rn, KF_CHECK_API_REPLY, set, NULL, v == KF_CHECK_PASS, reason, mono_ms() - t0);
}

/* The checks of one permission set, as its catalog entry names them. */
static void check_set(struct run *rn, int64_t set_id)
{
	char key[64], spec[256], reason[KF_CHECK_REASON_SIZE];
	struct kf_db *db = kf_dbpool_get(rn->ctx->pool);
	enum kf_err rc = kf_store_permission_set_checks(db, set_id, key, spec);
	kf_dbpool_put(rn->ctx->pool, db);
	if (rc == KF_EDB) {
		rn->db_failed = true;
		return;
	}
	if (rc != KF_OK) {
		snprintf(key, sizeof(key), "%lld", (long long)set_id);
		snprintf(reason, sizeof(reason), "the permission set %lld is not in the catalog", (long long)set_id);
		add_result(rn, KF_CHECK_TICKET, key, "permission_set", false, reason, 0);
		return;
	}
	enum kf_check_kind kinds[KF_CHECKS_PER_SET_MAX];
	size_t n = 0;
	struct kf_error err = {0};
	bool parsed = kf_checks_parse(spec, kinds, KF_CHECKS_PER_SET_MAX, &n, &err) == KF_OK;
	for (size_t i = 0; i < n && !rn->db_failed; i++) {
		if (kinds[i] == KF_CHECK_TEXT_REPLY)
			check_text_reply(rn, key);
		else if (kinds[i] == KF_CHECK_API_REPLY)
			check_api_reply(rn, key);
		else if (kinds[i] == KF_CHECK_EVENT_REPLY)
			check_event_reply(rn, key);
	}
	/* a catalog entry naming a check this server does not know fails
	 * closed: the set cannot be shown to work */
	if (!parsed && !rn->db_failed)
		add_result(rn, KF_CHECK_TICKET, key, "capability_check", false, err.msg, 0);
}

/* Load the app, the configuration and the test account. false (nothing to
 * run) on a storage error or arguments that name nothing. */
static bool prepare(struct run *rn, int64_t app, int64_t config_id)
{
	struct kf_db *db = kf_dbpool_get(rn->ctx->pool);
	enum kf_err rc = kf_store_app_get(db, app, &rn->app);
	if (rc == KF_OK)
		rc = kf_store_check_config(db, app, config_id, &rn->config_json);
	if (rc == KF_OK) {
		rc = kf_store_test_account(db, &rn->host, rn->account);
		if (rc == KF_ENOTFOUND) {
			/* the host product may have deleted it: make another */
			char kind[32];
			snprintf(kind, sizeof(kind), "%.*s", (int)strcspn(rn->ctx->cfg.host_kinds, ", "),
				 rn->ctx->cfg.host_kinds);
			rc = kf_store_test_accounts_ensure(db, kf_ctx_now(rn->ctx), kind, NULL);
			if (rc == KF_OK)
				rc = kf_store_test_account(db, &rn->host, rn->account);
		}
	}
	kf_dbpool_put(rn->ctx->pool, db);
	if (rc != KF_OK)
		return false;
	rn->config = json_loads(rn->config_json, 0, NULL);
	/* unusable settings are reported by each push, not here */
	if (kf_push_settings_parse(rn->config_json, &rn->s, NULL) != KF_OK)
		memset(&rn->s, 0, sizeof(rn->s));
	return rn->config != NULL;
}

json_t *kf_checks_run_ex(struct kf_ctx *ctx, int64_t app, int64_t config_id, const char *purpose, bool *passed,
			 int64_t *run_id)
{
	*passed = false;
	if (!kf_checks_purpose_valid(purpose))
		return NULL;
	struct run rn = {
		.ctx = ctx,
		.config_id = config_id,
		.results = json_array(),
		.passed = true,
		.push_ms = (long)(ctx->cfg.push_timeout > 0 ? ctx->cfg.push_timeout : 5) * 1000,
		.reply_ms = (long)(ctx->cfg.check_reply_timeout > 0 ? ctx->cfg.check_reply_timeout : 5) * 1000,
		.api_ms = (long)(ctx->cfg.check_api_timeout > 0 ? ctx->cfg.check_api_timeout : 60) * 1000,
	};
	json_t *out = NULL;
	int64_t started = kf_ctx_now(ctx);
	if (!prepare(&rn, app, config_id))
		goto done;
	/* a random test user per run, so one run's messages are not taken for another's */
	char hex[17];
	kf_random_hex(hex, 16);
	hex[16] = '\0';
	snprintf(rn.user, sizeof(rn.user), "kaifang-test-user-%s", hex);

	check_ticket(&rn);
	if (!rn.db_failed)
		check_authorization(&rn);
	json_t *sets = json_object_get(rn.config, "permission_sets");
	size_t i;
	json_t *v;
	json_array_foreach(sets, i, v) {
		if (rn.db_failed)
			break;
		if (json_is_integer(v))
			check_set(&rn, json_integer_value(v));
	}
	if (rn.db_failed)
		goto done;
	char *text = json_dumps(rn.results, JSON_COMPACT);
	int64_t id = 0;
	struct kf_db *db = kf_dbpool_get(ctx->pool);
	enum kf_err rc = text ? kf_store_check_run_insert(db, app, config_id, purpose, rn.passed, text, started,
							  kf_ctx_now(ctx), &id)
			      : KF_EDB;
	kf_dbpool_put(ctx->pool, db);
	free(text);
	if (rc != KF_OK)
		goto done;
	if (run_id)
		*run_id = id;
	*passed = rn.passed;
	out = json_incref(rn.results);
	fprintf(stderr,
		"{\"level\":\"info\",\"source\":\"checks\",\"msg\":\"capability check\",\"app\":\"%s\",\"purpose\":\"%s\","
		"\"run_id\":%lld,\"passed\":%s}\n",
		rn.app.app_id, purpose, (long long)id, rn.passed ? "true" : "false");
done:
	if (!out)
		fprintf(stderr, "{\"level\":\"error\",\"source\":\"checks\",\"msg\":\"capability check not stored\",\"app\":%lld}\n",
			(long long)app);
	json_decref(rn.results);
	json_decref(rn.config);
	free(rn.config_json);
	return out;
}

json_t *kf_checks_run(struct kf_ctx *ctx, int64_t app, int64_t config_id, const char *purpose, bool *passed)
{
	return kf_checks_run_ex(ctx, app, config_id, purpose, passed, NULL);
}
