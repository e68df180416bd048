/* SPDX-License-Identifier: Apache-2.0 */
/* Sign-in shared by the API and the consent page. */
#ifndef KF_API_ACCOUNTS_H
#define KF_API_ACCOUNTS_H

#include <stdint.h>

#include "store/accounts.h"

struct kf_req;

enum kf_login { KF_LOGIN_OK, KF_LOGIN_FAILED, KF_LOGIN_LOCKED, KF_LOGIN_ERROR };

/* Check a login (email or mobile) and password with the failed-login
 * limits (per account, and more widely per address); on success create a
 * session (its token in token, also set as the kf_session cookie on r) and
 * make r signed in as the user. Runs its own transactions. */
enum kf_login kf_api_password_login(struct kf_req *r, const char *login, const char *pw, char token[80],
				    int64_t *expires, int64_t *retry_after, struct kf_user_row *u);

#endif
