/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Capability check rules (see checks.h). Every judgement names the first
 * thing that is wrong, in the words a developer needs to fix it, and quotes
 * what the app sent only after making it printable and short.
 */
#include "core/checks.h"

#include <stdio.h>
#include <string.h>

static const char *const names[KF_CHECK_KIND_COUNT] = {"ticket", "authorization", "text_reply", "api_reply",
							"event_reply"};

const char *kf_check_name(enum kf_check_kind k)
{
	return (unsigned)k < KF_CHECK_KIND_COUNT ? names[k] : NULL;
}

bool kf_check_parse(const char *name, enum kf_check_kind *out)
{
	for (int i = 0; name && i < KF_CHECK_KIND_COUNT; i++)
		if (!strcmp(name, names[i])) {
			*out = (enum kf_check_kind)i;
			return true;
		}
	return false;
}

enum kf_err kf_checks_parse(const char *spec, enum kf_check_kind *out, size_t max, size_t *n, struct kf_error *err)
{
	*n = 0;
	const char *p = spec ? spec : "";
	for (;;) {
		p += strspn(p, " \t,");
		size_t len = strcspn(p, " \t,");
		if (!len)
			return KF_OK;
		char name[32];
		enum kf_check_kind k;
		snprintf(name, sizeof(name), "%.*s", (int)(len < sizeof(name) ? len : sizeof(name) - 1), p);
		if (len >= sizeof(name) || !kf_check_parse(name, &k) || k == KF_CHECK_TICKET || k == KF_CHECK_AUTHORIZATION) {
			char q[64];
			kf_checks_quote(p, len, 40, q, sizeof(q));
			return kf_error_set(err, KF_EINVAL, "unknown_check", "APP-9", NULL,
					    "unknown capability check '%s' (known: text_reply, api_reply, event_reply)",
					    q);
		}
		bool seen = false;
		for (size_t i = 0; i < *n; i++)
			seen = seen || out[i] == k;
		if (!seen) {
			if (*n == max)
				return kf_error_set(err, KF_ELIMIT, "too_many_checks", "APP-9", NULL,
						    "a permission set names more than %zu checks", max);
			out[(*n)++] = k;
		}
		p += len;
	}
}

enum kf_err kf_checks_may_run(enum kf_app_state state, struct kf_error *err)
{
	switch (state) {
	case KF_APP_DEVELOPING:
	case KF_APP_RELEASE_REVIEW:
	case KF_APP_RELEASED:
	case KF_APP_SUSPENDED:
	case KF_APP_WITHDRAWN:
		return KF_OK;
	case KF_APP_DRAFT:
	case KF_APP_CREATION_REVIEW:
		return kf_error_set(err, KF_ECONFLICT, "invalid_state", "APP-9", NULL,
				    "the capability check needs an app that passed its creation review (this app is %s)",
				    kf_app_state_name(state));
	case KF_APP_DELISTED:
	case KF_APP_DELETED:
		break;
	}
	const char *name = kf_app_state_name(state);
	return kf_error_set(err, KF_ECONFLICT, "invalid_state", "APP-9", NULL,
			    "the capability check cannot run for an app that is %s", name ? name : "unknown");
}

int64_t kf_checks_config_under_test(enum kf_app_state state, int64_t live_config_id, int64_t draft_config_id)
{
	if (state == KF_APP_RELEASED && draft_config_id)
		return draft_config_id;
	return live_config_id ? live_config_id : 0;
}

bool kf_checks_purpose_valid(const char *purpose)
{
	return purpose && (!strcmp(purpose, "manual") || !strcmp(purpose, "release") || !strcmp(purpose, "change"));
}

static bool print_to(char *out, size_t len, const char *a, const char *b)
{
	int n = snprintf(out, len, "%s%s", a, b);
	if (n < 0 || (size_t)n >= len) {
		if (len)
			out[0] = '\0';
		return false;
	}
	return true;
}

bool kf_checks_query_text(const char *code, char *out, size_t len)
{
	return print_to(out, len, KF_CHECK_QUERY_PREFIX, code ? code : "");
}

bool kf_checks_api_content(const char *code, char *out, size_t len)
{
	return print_to(out, len, code ? code : "", KF_CHECK_API_SUFFIX);
}

bool kf_checks_event_content(const char *event, char *out, size_t len)
{
	return print_to(out, len, event ? event : "", KF_CHECK_EVENT_REPLY_SUFFIX);
}

/* Length of the valid UTF-8 sequence at s[0..left), or 0 when invalid. */
static size_t utf8_seq(const unsigned char *s, size_t left)
{
	unsigned char c = s[0];
	size_t n;
	unsigned min;
	unsigned cp;
	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		n = 2, min = 0x80, cp = c & 0x1f;
	else if (c >= 0xe0 && c <= 0xef)
		n = 3, min = 0x800, cp = c & 0x0f;
	else if (c >= 0xf0 && c <= 0xf4)
		n = 4, min = 0x10000, cp = c & 0x07;
	else
		return 0;
	if (n > left)
		return 0;
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return n;
}

void kf_checks_quote(const char *s, size_t slen, size_t max, char *out, size_t outlen)
{
	if (!outlen)
		return;
	static const char ell[] = "\xe2\x80\xa6"; /* … */
	const unsigned char *u = (const unsigned char *)(s ? s : "");
	if (!s)
		slen = 0;
	size_t o = 0, i = 0;
	/* room for the ellipsis and the NUL */
	size_t cap = outlen > sizeof(ell) ? outlen - sizeof(ell) : 0;
	if (max < cap)
		cap = max;
	while (i < slen) {
		size_t n = utf8_seq(u + i, slen - i);
		bool printable = n > 1 || (n == 1 && u[i] >= 0x20 && u[i] != 0x7f);
		size_t w = printable ? n : 1;
		if (o + w > cap)
			break;
		if (printable)
			memcpy(out + o, u + i, n);
		else
			out[o] = '?';
		o += w;
		i += n ? n : 1;
	}
	if (i < slen && o + sizeof(ell) <= outlen) {
		memcpy(out + o, ell, sizeof(ell) - 1);
		o += sizeof(ell) - 1;
	}
	out[o] = '\0';
}

/* The body without surrounding white space (space, tab, CR, LF). */
static void trim(const char *body, size_t len, const char **start, size_t *n)
{
	const char *b = body ? body : "";
	if (!body)
		len = 0;
	while (len && strchr(" \t\r\n", *b) && *b)
		b++, len--;
	while (len && strchr(" \t\r\n", b[len - 1]) && b[len - 1])
		len--;
	*start = b;
	*n = len;
}

/* Transport and status: false (with the reason) when there is no HTTP 200. */
static bool answered_200(const struct kf_check_push *p, const char *expected, char *reason, size_t len)
{
	if (p->timed_out) {
		snprintf(reason, len, "no answer within %lld ms", (long long)p->timeout_ms);
		return false;
	}
	if (p->error || p->http_status <= 0) {
		char q[300];
		kf_checks_quote(p->error ? p->error : "no HTTP answer", p->error ? strlen(p->error) : 14, 256, q, sizeof(q));
		snprintf(reason, len, "the push failed: %s", q);
		return false;
	}
	if (p->http_status != 200) {
		snprintf(reason, len, "HTTP status %ld (expected 200 with %s)", p->http_status, expected);
		return false;
	}
	return true;
}

bool kf_checks_judge_push(const struct kf_check_push *p, bool empty_ok, char *reason, size_t reason_len)
{
	const char *expected = empty_ok ? "an empty body or \"success\"" : "\"success\"";
	if (!answered_200(p, expected, reason, reason_len))
		return false;
	const char *b;
	size_t n;
	trim(p->body, p->body_len, &b, &n);
	if ((n == 7 && !memcmp(b, "success", 7)) || (empty_ok && n == 0))
		return true;
	char q[160];
	kf_checks_quote(b, n, 100, q, sizeof(q));
	snprintf(reason, reason_len, "the answer was '%s' (expected %s)", q, expected);
	return false;
}

static bool same(const char *a, const char *b)
{
	return a && b && !strcmp(a, b);
}

static void quoted(const char *s, char *out, size_t len)
{
	kf_checks_quote(s, s ? strlen(s) : 0, 100, out, len);
}

bool kf_checks_judge_reply(const struct kf_check_reply *r, const struct kf_check_expect *want, char *reason,
			   size_t reason_len)
{
	const struct kf_check_push *p = &r->push;
	char q[160], e[160];
	if (p->timed_out) {
		snprintf(reason, reason_len, "no reply within %lld ms", (long long)p->timeout_ms);
		return false;
	}
	if (!answered_200(p, "the passive reply", reason, reason_len))
		return false;
	const char *b;
	size_t n;
	trim(p->body, p->body_len, &b, &n);
	if (n == 0 || (n == 7 && !memcmp(b, "success", 7))) {
		snprintf(reason, reason_len, "the app answered %s instead of the passive reply with content '%s'",
			 n ? "\"success\"" : "an empty body", want->content);
		return false;
	}
	if (!r->xml) {
		kf_checks_quote(b, n, 100, q, sizeof(q));
		snprintf(reason, reason_len, "the reply is not an XML document: '%s'", q);
		return false;
	}
	if (!r->encrypt) {
		snprintf(reason, reason_len, "the reply is not encrypted (no Encrypt field)");
		return false;
	}
	const char *missing = !r->msg_signature ? "MsgSignature" : !r->timestamp ? "TimeStamp" : !r->nonce ? "Nonce" : NULL;
	if (missing) {
		snprintf(reason, reason_len, "the encrypted reply has no %s field", missing);
		return false;
	}
	if (!r->signature_ok) {
		snprintf(reason, reason_len, "signature mismatch");
		return false;
	}
	if (r->decrypt_error) {
		quoted(r->decrypt_error, q, sizeof(q));
		snprintf(reason, reason_len, "the reply does not decrypt with the app's key (%s)", q);
		return false;
	}
	if (!same(r->appid, want->app_id)) {
		quoted(r->appid, q, sizeof(q));
		snprintf(reason, reason_len, "the reply was encrypted for '%s', expected the app id '%s'", q, want->app_id);
		return false;
	}
	if (!r->message_xml) {
		snprintf(reason, reason_len, "the decrypted reply is not an XML message");
		return false;
	}
	if (!same(r->msg_type, "text")) {
		quoted(r->msg_type, q, sizeof(q));
		snprintf(reason, reason_len, "reply MsgType was '%s', expected 'text'", q);
		return false;
	}
	if (!same(r->content, want->content)) {
		quoted(r->content, q, sizeof(q));
		snprintf(reason, reason_len, "reply content was '%s', expected '%s'", q, want->content);
		return false;
	}
	if (!same(r->to_user, want->user)) {
		quoted(r->to_user, q, sizeof(q));
		quoted(want->user, e, sizeof(e));
		snprintf(reason, reason_len, "reply ToUserName was '%s', expected the sender '%s'", q, e);
		return false;
	}
	if (!same(r->from_user, want->account)) {
		quoted(r->from_user, q, sizeof(q));
		quoted(want->account, e, sizeof(e));
		snprintf(reason, reason_len, "reply FromUserName was '%s', expected the account '%s'", q, e);
		return false;
	}
	return true;
}

static bool call_matches(const struct kf_check_call *c, const struct kf_check_expect *want)
{
	return same(c->content, want->content) && same(c->touser, want->user) && same(c->msgtype, "text");
}

enum kf_check_verdict kf_checks_judge_api(const struct kf_check_call *calls, size_t n, bool code_exchanged,
					  const struct kf_check_expect *want, bool final, int64_t timeout_ms,
					  char *reason, size_t reason_len)
{
	char q[160], e[160];
	for (size_t i = 0; i < n; i++) {
		if (!call_matches(&calls[i], want))
			continue;
		if (code_exchanged)
			return KF_CHECK_PASS;
		snprintf(reason, reason_len,
			 "custom/send came, but the code was never exchanged with api_query_auth (the authorizer token "
			 "must come from the code of QUERY_AUTH_CODE)");
		return KF_CHECK_FAIL;
	}
	if (!final)
		return KF_CHECK_WAIT;
	if (n == 0) {
		if (!code_exchanged)
			snprintf(reason, reason_len,
				 "the code was never exchanged with api_query_auth and no /cgi-bin/message/custom/send call "
				 "came within %lld ms",
				 (long long)timeout_ms);
		else
			snprintf(reason, reason_len, "no /cgi-bin/message/custom/send call within %lld ms",
				 (long long)timeout_ms);
		return KF_CHECK_FAIL;
	}
	/* the latest call says what the app did instead */
	const struct kf_check_call *c = &calls[n - 1];
	if (!same(c->msgtype, "text")) {
		quoted(c->msgtype, q, sizeof(q));
		snprintf(reason, reason_len, "custom/send msgtype was '%s', expected 'text'", q);
	} else if (!same(c->content, want->content)) {
		quoted(c->content, q, sizeof(q));
		quoted(want->content, e, sizeof(e));
		snprintf(reason, reason_len, "custom/send content was '%s', expected '%s'", q, e);
	} else {
		quoted(c->touser, q, sizeof(q));
		quoted(want->user, e, sizeof(e));
		snprintf(reason, reason_len, "custom/send went to '%s', expected the sender '%s'", q, e);
	}
	return KF_CHECK_FAIL;
}
