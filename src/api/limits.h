/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Attempt limits of the API: which counter a request uses, its policy from
 * the configuration, and the 429 answer. The rule (window, count, lock) is
 * core/ratelimit.h; the counters are rows of login_failures, so every
 * kaifangd process sharing the database shares them. Reading, changing and
 * writing a counter happens inside the caller's write transaction (BEGIN
 * IMMEDIATE), which makes each claim atomic across threads and processes.
 */
#ifndef KF_API_LIMITS_H
#define KF_API_LIMITS_H

#include <stdbool.h>
#include <stdint.h>

#include "core/ratelimit.h"

struct kf_req;
struct kf_config;

enum kf_limit {
	KF_LIMIT_CLIENT_AUTH,         /* failed client authentications per client id */
	KF_LIMIT_CLIENT_AUTH_ADDRESS, /* failed client authentications per address */
	KF_LIMIT_REGISTER_ADDRESS,    /* registrations per address */
	KF_LIMIT_MAIL_ACCOUNT,        /* verification mails per account */
	KF_LIMIT_MAIL_ADDRESS,        /* verification mails requested per address */
	KF_LIMIT_PRE_AUTH_APP,        /* pre-auth codes per app */
};

/* The policy of a limit as configured. */
struct kf_backoff_policy kf_api_limit_policy(const struct kf_config *cfg, enum kf_limit which);

/*
 * Seconds until `subject` may try again under limit `which` (0: now), or -1
 * when the store failed. Reads only.
 */
int64_t kf_api_limit_wait(struct kf_req *r, enum kf_limit which, const char *subject);

/*
 * Claim one action for `subject` under `which`, in the caller's open write
 * transaction: 0 when allowed (and counted), the seconds to wait when
 * refused (nothing changed), or -1 when the store failed.
 */
int64_t kf_api_limit_claim(struct kf_req *r, enum kf_limit which, const char *subject);

/* Count a failure for `subject` under `which`, in the caller's open write
 * transaction. False when the store failed. */
bool kf_api_limit_fail(struct kf_req *r, enum kf_limit which, const char *subject);

/*
 * The 429 answer of a refused attempt: the native error body (code `name`,
 * the message with the wait) and Retry-After. field may be NULL.
 */
void kf_api_limit_reply(struct kf_req *r, int64_t wait, const char *name, const char *field, const char *what);

/*
 * Failed client authentication (a wrong client secret at /oauth/token,
 * /oauth/introspect, /oauth/revoke or the component API): the seconds the
 * client id or the caller's address must wait (0: go ahead, -1: store
 * failure), and counting one failure for both. kf_api_client_auth_failed
 * commits the caller's transaction, since the error answer rolls back; a
 * successful authentication counts nothing.
 */
int64_t kf_api_client_auth_wait(struct kf_req *r, const char *client_id);
void kf_api_client_auth_failed(struct kf_req *r, const char *client_id);

/* Set Retry-After to `wait` seconds (for answers in another error shape). */
void kf_api_limit_retry_after(struct kf_req *r, int64_t wait);

#endif
