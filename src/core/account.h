/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A user account's status as a pure rule: the names are the stored and
 * the API's text (one table, account.c). No I/O.
 *
 *   invited -> active (the invitation is accepted)
 *   active  -> disabled | anonymised
 *   active  -> deleted (its holder asked, DATA-2) -> anonymised (after
 *              the retention window, by the worker; final)
 */
#ifndef KF_CORE_ACCOUNT_H
#define KF_CORE_ACCOUNT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum kf_user_status {
	KF_USER_ACTIVE,     /* "active" */
	KF_USER_INVITED,    /* "invited": created for a host account, not signed up yet */
	KF_USER_DISABLED,   /* "disabled" */
	KF_USER_ANONYMISED, /* "anonymised" */
	KF_USER_DELETED,    /* "deleted": deletion asked (DATA-2); anonymised at purge_at */
};
#define KF_USER_STATUS_COUNT 5

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

/*
 * Deleting one's own account (DATA-2) under ONB-10's conditions as they
 * apply to a person: what is still running in the person's name must be
 * ended or handed over first, since deleting the person would leave it
 * without anyone answerable for it.
 */
struct kf_account_deletion_facts {
	enum kf_user_status status;
	int providers_owned;     /* provider organisations the person owns, not cancelled */
	int host_accounts_owned; /* host accounts the person owns, not deleted */
	bool operator_staff;     /* operator staff are managed by the operators (CLI) */
};
/* The unmet conditions as stable codes ("not_active", "provider_owner",
 * "host_account_owner", "operator_staff") into codes[max]; returns how many
 * are unmet (may exceed max). 0: the account may be deleted. */
size_t kf_account_deletion_blockers(const struct kf_account_deletion_facts *f, const char **codes, size_t max);
/* When a deleted account's data is anonymised for good: now + retention
 * seconds (saturating). */
int64_t kf_account_purge_at(int64_t now, int64_t retention_seconds);

#endif
