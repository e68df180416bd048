/* SPDX-License-Identifier: Apache-2.0 */
/* Sign-in shared by the API, the console and the consent page: the
 * password, the second factor of staff, and the failed-login limits. */
#ifndef KF_API_ACCOUNTS_H
#define KF_API_ACCOUNTS_H

#include <stdbool.h>
#include <stdint.h>

#include "core/ratelimit.h"
#include "core/roles.h"
#include "store/accounts.h"

struct kf_req;
struct kf_config;

enum kf_login {
	KF_LOGIN_OK,
	KF_LOGIN_FAILED,
	KF_LOGIN_LOCKED,
	KF_LOGIN_ERROR,
	KF_LOGIN_SECOND_FACTOR, /* password right; token holds a challenge for the code step */
	KF_LOGIN_CHALLENGE_GONE, /* the code step's challenge is unknown, expired or used */
};

/* How long the challenge between password and code lives. */
#define KF_CHALLENGE_SECONDS 300

/* Check a login (email or mobile) and password with the failed-login
 * limits (per account, and more widely per address); on success create a
 * session (its token in token, also set as the kf_session cookie on r) and
 * make r signed in as the user. A person with a confirmed second factor
 * gets KF_LOGIN_SECOND_FACTOR instead, with a challenge token ("kfc_…",
 * valid until *expires) in token for kf_api_code_login. Staff who must
 * have a second factor (operator-second-factor) and have none get a
 * session that reaches enrolment only (r->enrol_only). A failed password
 * of operator staff is audited ("session.failed"). Runs its own
 * transactions. */
enum kf_login kf_api_password_login(struct kf_req *r, const char *login, const char *pw, char token[80],
				    int64_t *expires, int64_t *retry_after, struct kf_user_row *u);
/* The second step: the challenge and a TOTP code or a recovery code (one
 * of them NULL), counted with the same limits; a failure is audited
 * ("session.second_factor_failed"). */
enum kf_login kf_api_code_login(struct kf_req *r, const char *challenge, const char *code, const char *recovery,
				char token[80], int64_t *expires, int64_t *retry_after, struct kf_user_row *u);
/* Must staff of this role have a second factor under cfg? */
bool kf_api_factor_required(const struct kf_config *cfg, enum kf_role role);

/* The sign-in counters of an account (or unknown login) and the caller's
 * address, with their policies from the configuration. */
struct kf_login_limits {
	char ukey[300], akey[80];
	struct kf_backoff_policy upol, apol;
};
void kf_api_login_limits(struct kf_req *r, const char *account, struct kf_login_limits *l);
/* Claim one check on both counters (own transaction): 0 when claimed,
 * the seconds to wait when locked, -1 on a storage failure. */
int64_t kf_api_login_claim(struct kf_db *db, int64_t now, const struct kf_login_limits *l);
/* The check succeeded: reset the account's counter, give the address its
 * claim back (inside the caller's transaction). */
enum kf_err kf_api_login_succeeded(struct kf_db *db, int64_t now, const struct kf_login_limits *l) KF_MUST_CHECK;
/* Is pw u's password (u found: urc KF_OK)? Takes as long when not. */
bool kf_api_password_ok(enum kf_err urc, const struct kf_user_row *u, const char *pw);

#endif
