/* SPDX-License-Identifier: Apache-2.0 */
/*
 * One person's own data (DATA-2): everything the platform holds about a
 * person, as they may export it, and the deletion of their account: closed
 * at once, anonymised by the worker after the retention window (ONB-10).
 * Inside the caller's transaction where it writes.
 */
#ifndef KF_STORE_PERSONAL_H
#define KF_STORE_PERSONAL_H

#include <stdint.h>

#include "core/account.h"
#include "core/err.h"

struct kf_db;
struct json_t;

/* Everything held about user_id, for its holder to take away: profile,
 * memberships, agreement consents, sessions, API tokens (never their
 * secrets or hashes), inbox, uploaded files (metadata), host accounts owned
 * and the sign-in and change history of the audit log naming the person.
 * A new reference, or NULL on a storage error. */
struct json_t *kf_store_user_export_json(struct kf_db *db, int64_t user_id);

/* The facts ONB-10 asks about before user_id's account may be deleted.
 * KF_ENOTFOUND when there is no such user; KF_EDB. */
enum kf_err kf_store_user_deletion_facts(struct kf_db *db, int64_t user_id,
					 struct kf_account_deletion_facts *out) KF_MUST_CHECK;

/* Close user_id's account at now (status 'deleted', to be purged at
 * purge_at): every session and API token ends, its memberships of provider
 * organisations (as a member: owners are refused before) end. Returns the
 * number of sessions ended, or -1 on a storage error. */
int kf_store_user_delete(struct kf_db *db, int64_t user_id, int64_t now, int64_t purge_at);

/* The retention pass: anonymise one deleted account whose purge_at passed
 * (the row stays, so what others did with the person keeps its number;
 * email, mobile, name and password go, with the person's sessions, tokens,
 * codes, links, inbox, idempotency records, mails and sign-in counters).
 * 1 (*user_id purged), 0 (none due) or -1 on a storage error. */
int kf_store_user_purge_one(struct kf_db *db, int64_t now, int64_t *user_id);

#endif
