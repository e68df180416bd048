/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Storage of people and their credentials: users, sessions, personal API
 * tokens, email verification codes and failed-login counters. Tokens and
 * codes arrive here already hashed (util/crypto.h); nothing in this module
 * sees a secret.
 */
#ifndef KF_STORE_ACCOUNTS_H
#define KF_STORE_ACCOUNTS_H

#include <stdbool.h>
#include <stdint.h>

#include "core/err.h"
#include "core/ratelimit.h"

struct kf_db;

struct kf_principal {
	int64_t user_id;
	char email[256];
	char name[256];
	bool email_verified;
	char operator_role[16]; /* "" when not operator staff */
	int64_t session_id;
	int64_t api_token_id;
};

struct kf_user_row {
	int64_t id;
	char email[256];
	char mobile[32];
	char name[256];
	char password_hash[160];
	char status[16];
	bool email_verified;
};

/* Resolve a session or API token hash valid at now. KF_ENOTFOUND if none. */
enum kf_err kf_store_auth(struct kf_db *db, const char *token_hash, bool is_session, int64_t now,
			  struct kf_principal *out) KF_MUST_CHECK;

/* Insert a user; KF_ECONFLICT with *conflict = "email" | "mobile" when taken. */
enum kf_err kf_store_user_insert(struct kf_db *db, const char *email, const char *mobile, const char *name,
				 const char *pw_hash, int64_t now, int64_t *id, const char **conflict) KF_MUST_CHECK;
/* By id, or by login (email or E.164 mobile). */
enum kf_err kf_store_user_get(struct kf_db *db, int64_t id, struct kf_user_row *out) KF_MUST_CHECK;
enum kf_err kf_store_user_by_login(struct kf_db *db, const char *login, struct kf_user_row *out) KF_MUST_CHECK;
enum kf_err kf_store_user_by_email(struct kf_db *db, const char *email, struct kf_user_row *out) KF_MUST_CHECK;
enum kf_err kf_store_user_set_verified(struct kf_db *db, int64_t id, int64_t now) KF_MUST_CHECK;

enum kf_err kf_store_session_insert(struct kf_db *db, int64_t user_id, const char *hash, int64_t now,
				    int64_t expires_at, const char *address, int64_t *id) KF_MUST_CHECK;
enum kf_err kf_store_session_revoke(struct kf_db *db, int64_t id, int64_t now) KF_MUST_CHECK;

enum kf_err kf_store_api_token_insert(struct kf_db *db, int64_t user_id, const char *name, const char *hash,
				      int64_t now, int64_t expires_at, int64_t *id) KF_MUST_CHECK;
/* Revoke the user's token; KF_ENOTFOUND when it is not theirs or gone. */
enum kf_err kf_store_api_token_revoke(struct kf_db *db, int64_t user_id, int64_t id, int64_t now) KF_MUST_CHECK;

/* Email codes: a new code replaces the user's earlier unused ones. */
enum kf_err kf_store_email_code_insert(struct kf_db *db, int64_t user_id, const char *code_hash, int64_t now,
				       int64_t expires_at) KF_MUST_CHECK;
/* Codes sent to the user since `since`: how many, and when the last was. */
enum kf_err kf_store_email_codes_recent(struct kf_db *db, int64_t user_id, int64_t since, int *count,
					int64_t *last_at) KF_MUST_CHECK;
/* Check a code: KF_OK (and marks it used), KF_EINVAL wrong/expired,
 * KF_ELIMIT too many attempts. */
enum kf_err kf_store_email_code_use(struct kf_db *db, int64_t user_id, const char *code_hash,
				    int64_t now) KF_MUST_CHECK;

/* Failed-login counters keyed "u:<id>" / "a:<address>". */
enum kf_err kf_store_backoff_get(struct kf_db *db, const char *key, struct kf_backoff *out) KF_MUST_CHECK;
enum kf_err kf_store_backoff_put(struct kf_db *db, const char *key, const struct kf_backoff *b) KF_MUST_CHECK;

#endif
