/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A user account's status as a pure rule: the names are the stored and
 * the API's text (one table, account.c). No I/O.
 *
 *   invited -> active (the invitation is accepted)
 *   active  -> disabled | anonymised
 */
#ifndef KF_CORE_ACCOUNT_H
#define KF_CORE_ACCOUNT_H

#include <stdbool.h>
#include <stdint.h>

enum kf_user_status {
	KF_USER_ACTIVE,     /* "active" */
	KF_USER_INVITED,    /* "invited": created for a host account, not signed up yet */
	KF_USER_DISABLED,   /* "disabled" */
	KF_USER_ANONYMISED, /* "anonymised" */
};
#define KF_USER_STATUS_COUNT 4

/* Static name; NULL if out of range. */
const char *kf_user_status_name(enum kf_user_status s);
/* false (out untouched) for NULL or an unknown name. */
bool kf_user_status_parse(const char *s, enum kf_user_status *out);

/* Only an active account signs in (a password alone never opens another). */
bool kf_user_may_sign_in(enum kf_user_status s);

/* The languages an account's mail and console are written in. */
bool kf_account_language_valid(const char *language);

/* A token mailed as a link (password reset, email verification) when it
 * comes back: usable until expires_at (exclusive) and only once. */
enum kf_link_state { KF_LINK_USABLE = 0, KF_LINK_USED, KF_LINK_EXPIRED };
enum kf_link_state kf_link_state_at(int64_t expires_at, bool used, int64_t now);

#endif
