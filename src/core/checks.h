/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The automated capability check of APP-9 (PROTOCOL.md §8) as pure rules:
 * which apps and which configuration may be checked, which checks a
 * permission set names (permission_sets.capability_check, e.g.
 * "text_reply api_reply"), the messages the check sends and expects, and
 * the judgement of what an app answered, with the exact reason of a
 * failure. No I/O and no clock: push/checks.c gathers the facts (HTTP
 * answers, decrypted replies, calls recorded for the test account) and
 * asks these functions what they mean.
 */
#ifndef KF_CORE_CHECKS_H
#define KF_CORE_CHECKS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/app.h"
#include "core/err.h"

/* The checks. Ticket and authorization run first for every app; the others
 * run for each permission set that names them. */
enum kf_check_kind {
	KF_CHECK_TICKET,        /* §8.1: a fresh verify ticket is answered "success" */
	KF_CHECK_AUTHORIZATION, /* §8.2: the authorized event is answered "success" */
	KF_CHECK_TEXT_REPLY,    /* §8.3: the passive, encrypted text reply */
	KF_CHECK_API_REPLY,     /* §8.4: the code exchanged, then custom/send */
	KF_CHECK_EVENT_REPLY,   /* §8.5: an event answered passively, "<Event>from_callback" */
};
#define KF_CHECK_KIND_COUNT 5

/* What the check sends and expects (§8). */
#define KF_CHECK_TEXT "TESTCOMPONENT_MSG_TYPE_TEXT"
#define KF_CHECK_TEXT_REPLY_CONTENT "TESTCOMPONENT_MSG_TYPE_TEXT_callback"
#define KF_CHECK_QUERY_PREFIX "QUERY_AUTH_CODE:"
#define KF_CHECK_API_SUFFIX "_from_api"
#define KF_CHECK_EVENT "LOCATION"                 /* §8.5: the event pushed */
#define KF_CHECK_EVENT_REPLY_SUFFIX "from_callback" /* appended to the event's name */

/* The most checks one permission set may name. */
#define KF_CHECKS_PER_SET_MAX 8
/* Reasons are cut to this many bytes (NUL included). */
#define KF_CHECK_REASON_SIZE 512

/* Static name ("ticket", "authorization", "text_reply", "api_reply",
 * "event_reply"); NULL
 * when out of range. */
const char *kf_check_name(enum kf_check_kind k);
/* false (out untouched) for NULL or an unknown name. */
bool kf_check_parse(const char *name, enum kf_check_kind *out);

/*
 * The checks a permission set names: names separated by spaces, tabs or
 * commas; NULL or blank names none (*n = 0). Only the per-set checks
 * (text_reply, api_reply, event_reply) may be named; a name given twice
 * counts once.
 * Errors (out[0..*n) holds the names read before): KF_EINVAL
 * "unknown_check" (rule APP-9) naming the first unknown name (also "ticket"
 * and "authorization", which every run has anyway); KF_ELIMIT
 * "too_many_checks" when more than max different checks are named.
 */
KF_MUST_CHECK enum kf_err kf_checks_parse(const char *spec, enum kf_check_kind *out, size_t max, size_t *n,
					  struct kf_error *err);

/*
 * APP-9: may the check run for an app in this state? KF_OK for the states
 * whose apps may use the component API (developing, release_review,
 * released, suspended, withdrawn); otherwise KF_ECONFLICT "invalid_state"
 * (rule APP-9): an app in draft or creation_review has not passed its
 * creation review, a delisted or deleted one can no longer be called.
 */
KF_MUST_CHECK enum kf_err kf_checks_may_run(enum kf_app_state state, struct kf_error *err);

/*
 * The configuration a manual run checks: the draft of a released app that
 * has one (the change to be reviewed, APP-7), else the live one (apps in
 * development: the release tests the live configuration). 0 when the app
 * has neither.
 */
int64_t kf_checks_config_under_test(enum kf_app_state state, int64_t live_config_id, int64_t draft_config_id);

/* Is purpose one of "manual", "release", "change"? */
bool kf_checks_purpose_valid(const char *purpose);

/* "QUERY_AUTH_CODE:<code>" and "<code>_from_api" into out; false when out
 * is too small (out = ""). */
bool kf_checks_query_text(const char *code, char *out, size_t len);
bool kf_checks_api_content(const char *code, char *out, size_t len);
/* §8.5: "<event>from_callback" into out; false when out is too small
 * (out = ""). */
bool kf_checks_event_content(const char *event, char *out, size_t len);

/*
 * A value quoted into a reason: at most max bytes of s (cut at a character
 * boundary, "…" appended when cut), invalid UTF-8 and control characters
 * replaced by '?'. NULL counts as "". out always NUL-terminated.
 */
void kf_checks_quote(const char *s, size_t slen, size_t max, char *out, size_t outlen);

/* What one synchronous push got back. */
struct kf_check_push {
	bool timed_out;        /* nothing within timeout_ms */
	int64_t timeout_ms;
	const char *error;     /* the transport failure (no answer), or NULL */
	long http_status;      /* 0 without an answer */
	const char *body;      /* the answer (may be NULL when body_len is 0) */
	size_t body_len;
};

/*
 * Was the push answered as the check expects: HTTP 200 with "success"
 * (surrounding white space ignored), or with empty_ok also an empty body
 * (a message the app answers later, §8.4)? On false, reason (reason_len
 * bytes, KF_CHECK_REASON_SIZE is enough) says why:
 *   "no answer within 5000 ms"
 *   "the push failed: <error>"
 *   "HTTP status 500 (expected 200 with \"success\")"
 *   "the answer was 'fail' (expected \"success\")" or
 *   "… (expected an empty body or \"success\")".
 */
bool kf_checks_judge_push(const struct kf_check_push *p, bool empty_ok, char *reason, size_t reason_len);

/* What the app answered to the text message of §8.3, taken apart by the
 * caller: the passive reply's envelope, whether its signature holds, what
 * it decrypted to. Strings may be NULL when absent. */
struct kf_check_reply {
	struct kf_check_push push;
	bool xml;                  /* the body parsed as a flat XML document */
	const char *encrypt, *msg_signature, *timestamp, *nonce;
	bool signature_ok;         /* MsgSignature signs the token, TimeStamp, Nonce and Encrypt */
	const char *decrypt_error; /* why Encrypt did not decrypt with the app's key, or NULL */
	const char *appid;         /* the id at the end of the plaintext */
	bool message_xml;          /* the plaintext parsed as a flat XML document */
	const char *msg_type, *content, *to_user, *from_user;
};

/* What the reply must say: sent to the account `account` by the user
 * `user`, so the reply goes from account to user. */
struct kf_check_expect {
	const char *app_id;
	const char *account;
	const char *user;
	const char *content;
};

/*
 * §8.3: the passive reply is HTTP 200, an envelope with Encrypt,
 * MsgSignature, TimeStamp and Nonce, correctly signed, encrypted for the
 * app id, and decrypts to a text message with the expected content,
 * ToUserName = the user and FromUserName = the account. On false, reason
 * names the first thing wrong, e.g. "no reply within 5000 ms",
 * "signature mismatch", "reply content was 'x', expected
 * 'TESTCOMPONENT_MSG_TYPE_TEXT_callback'".
 */
bool kf_checks_judge_reply(const struct kf_check_reply *r, const struct kf_check_expect *want, char *reason,
			   size_t reason_len);

/* One call the app made to custom/send for the test account. */
struct kf_check_call {
	const char *touser;
	const char *msgtype;
	const char *content;
};

enum kf_check_verdict { KF_CHECK_PASS, KF_CHECK_WAIT, KF_CHECK_FAIL };

/*
 * §8.4 after the push of QUERY_AUTH_CODE:<code>: the calls the app made
 * since (oldest first), whether the code was exchanged (api_query_auth),
 * and whether the time (waited_ms of timeout_ms) is up. PASS when a call
 * sends want->content to want->user and the code was exchanged; FAIL at
 * once when such a call came with the code unused, or, once final, with
 * the reason for what was missing:
 *   "the code was never exchanged with api_query_auth and no
 *    /cgi-bin/message/custom/send call came within 60000 ms"
 *   "no /cgi-bin/message/custom/send call within 60000 ms"
 *   "custom/send content was 'x', expected '<code>_from_api'"
 *   "custom/send went to 'x', expected the sender 'y'"
 *   "custom/send msgtype was 'x', expected 'text'"
 * WAIT otherwise.
 */
enum kf_check_verdict kf_checks_judge_api(const struct kf_check_call *calls, size_t n, bool code_exchanged,
					  const struct kf_check_expect *want, bool final, int64_t timeout_ms,
					  char *reason, size_t reason_len);

#endif
