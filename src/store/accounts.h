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
#include <stddef.h>
#include <stdint.h>

#include "core/account.h"
#include "core/err.h"
#include "core/roles.h"
#include "core/ratelimit.h"

struct kf_db;
struct kf_arena;

struct kf_principal {
	int64_t user_id;
	char email[256];
	char name[256];
	bool email_verified;
	enum kf_role operator_role; /* NONE when not operator staff */
	int64_t session_id;
	int64_t api_token_id;
	/* sessions only: reaches second-factor enrolment only (a staff member
	 * who must have one and has none), and the last time the person proved
	 * who they are in it (password or code; step-up) */
	bool enrol_only;
	int64_t verified_at;
};

struct kf_user_row {
	int64_t id;
	char email[256];
	char mobile[32];
	char name[256];
	char password_hash[160];
	enum kf_user_status status; /* unknown stored text reads as disabled */
	bool email_verified;
	char language[4]; /* "zh" | "en": the language of the account's mail */
};

/* Resolve a session or API token hash valid at now. KF_ENOTFOUND if none.
 * staff_idle (seconds, 0: none): a session of operator staff unused for
 * longer is ended here and answers KF_ENOTFOUND (operator-idle-timeout). */
enum kf_err kf_store_auth(struct kf_db *db, const char *token_hash, bool is_session, int64_t now,
			  int64_t staff_idle, struct kf_principal *out) KF_MUST_CHECK;

/* Insert a user; KF_ECONFLICT with *conflict = "email" | "mobile" when taken. */
enum kf_err kf_store_user_insert(struct kf_db *db, const char *email, const char *mobile, const char *name,
				 const char *pw_hash, int64_t now, int64_t *id, const char **conflict) KF_MUST_CHECK;
/* By id, or by login (email or E.164 mobile). */
enum kf_err kf_store_user_get(struct kf_db *db, int64_t id, struct kf_user_row *out) KF_MUST_CHECK;
enum kf_err kf_store_user_by_login(struct kf_db *db, const char *login, struct kf_user_row *out) KF_MUST_CHECK;
enum kf_err kf_store_user_by_email(struct kf_db *db, const char *email, struct kf_user_row *out) KF_MUST_CHECK;
enum kf_err kf_store_user_set_verified(struct kf_db *db, int64_t id, int64_t now) KF_MUST_CHECK;

/* address and user_agent (may be NULL) are shown in the session list. */
enum kf_err kf_store_session_insert(struct kf_db *db, int64_t user_id, const char *hash, int64_t now,
				    int64_t expires_at, const char *address, const char *user_agent,
				    int64_t *id) KF_MUST_CHECK;
enum kf_err kf_store_session_revoke(struct kf_db *db, int64_t id, int64_t now) KF_MUST_CHECK;
/* End session id of user_id; KF_ENOTFOUND when it is not theirs, ended or expired. */
enum kf_err kf_store_session_end(struct kf_db *db, int64_t user_id, int64_t id, int64_t now) KF_MUST_CHECK;
/* End every live session of user_id but keep_id (0: all); how many, or -1. */
int kf_store_sessions_end_others(struct kf_db *db, int64_t user_id, int64_t keep_id, int64_t now);

#define KF_SESSIONS_LIST_MAX 500
struct kf_session_row {
	int64_t id, created_at, expires_at;
	int64_t last_used_at;   /* 0: never recorded */
	const char *address;    /* NULL when not recorded */
	const char *user_agent; /* NULL when not recorded */
};
/* The user's live sessions, oldest first, at most KF_SESSIONS_LIST_MAX;
 * rows and strings live in arena a. */
enum kf_err kf_store_sessions_list(struct kf_db *db, struct kf_arena *a, int64_t user_id, int64_t now,
				   struct kf_session_row **out, size_t *n) KF_MUST_CHECK;
enum kf_err kf_store_user_set_password(struct kf_db *db, int64_t id, const char *pw_hash,
				       int64_t now) KF_MUST_CHECK;

enum kf_err kf_store_api_token_insert(struct kf_db *db, int64_t user_id, const char *name, const char *hash,
				      int64_t now, int64_t expires_at, int64_t *id) KF_MUST_CHECK;
/* Revoke the user's token; KF_ENOTFOUND when it is not theirs or gone. */
enum kf_err kf_store_api_token_revoke(struct kf_db *db, int64_t user_id, int64_t id, int64_t now) KF_MUST_CHECK;

/* A live (unrevoked) API token of a user, as its owner sees it. */
struct kf_api_token_row {
	int64_t id;
	const char *name;
	int64_t created_at;
	bool expires;          /* false: never */
	int64_t expires_at;
	bool used;             /* false: never used */
	int64_t last_used_at;
};
/* The user's live API tokens (expired ones included) by id: *out in arena a,
 * *n rows. KF_EDB. */
enum kf_err kf_store_api_tokens_of_user(struct kf_db *db, struct kf_arena *a, int64_t user_id,
					struct kf_api_token_row **out, size_t *n) KF_MUST_CHECK;

/* Email codes: a new code replaces the user's earlier unused ones.
 * link_hash (may be NULL) is the digest of the link token mailed with it. */
enum kf_err kf_store_email_code_insert(struct kf_db *db, int64_t user_id, const char *code_hash,
				       const char *link_hash, int64_t now, int64_t expires_at) KF_MUST_CHECK;
/* Use the verification link whose digest is link_hash: KF_ENOTFOUND
 * unknown; else *user_id and *state, and when USABLE the code is marked
 * used (a new code or link replaces the old one: USED). */
enum kf_err kf_store_email_link_use(struct kf_db *db, const char *link_hash, int64_t now, int64_t *user_id,
				    enum kf_link_state *state) KF_MUST_CHECK;

/* Password resets (issue 11): one live link per user; a new one ends the
 * earlier unused ones. */
enum kf_err kf_store_password_reset_insert(struct kf_db *db, int64_t user_id, const char *token_hash, int64_t now,
					   int64_t expires_at) KF_MUST_CHECK;
/* Look up the reset whose digest is token_hash: KF_ENOTFOUND unknown; else
 * *user_id and *state (KF_LINK_USABLE, KF_LINK_USED, KF_LINK_EXPIRED). */
enum kf_err kf_store_password_reset_get(struct kf_db *db, const char *token_hash, int64_t now, int64_t *id,
					int64_t *user_id, enum kf_link_state *state) KF_MUST_CHECK;
/* Mark reset id used at now; KF_ECONFLICT when it was used meanwhile. */
enum kf_err kf_store_password_reset_use(struct kf_db *db, int64_t id, int64_t now) KF_MUST_CHECK;
/* Retention: delete resets created before `before`. Rows deleted, or -1.
 * The worker keeps them KF_PASSWORD_RESET_RETENTION seconds (a week, far
 * past the longest lifetime, so a late click still reads "expired"). */
#define KF_PASSWORD_RESET_RETENTION (7 * 86400)
int kf_store_password_resets_expire(struct kf_db *db, int64_t before);

/* The account's language ("zh" | "en"). */
enum kf_err kf_store_user_set_language(struct kf_db *db, int64_t id, const char *language,
				       int64_t now) KF_MUST_CHECK;
/* Codes sent to the user since `since`: how many, and when the last was. */
enum kf_err kf_store_email_codes_recent(struct kf_db *db, int64_t user_id, int64_t since, int *count,
					int64_t *last_at) KF_MUST_CHECK;
/* Check a code: KF_OK (and marks it used), KF_EINVAL wrong/expired,
 * KF_ELIMIT too many attempts. */
enum kf_err kf_store_email_code_use(struct kf_db *db, int64_t user_id, const char *code_hash,
				    int64_t now) KF_MUST_CHECK;

/* Attempt counters: failed sign-ins keyed "u:<login>" / "a:<address>", and
 * the other limits of api/limits.c. Read and write them in one write
 * transaction: that makes a claim atomic. */
enum kf_err kf_store_backoff_get(struct kf_db *db, const char *key, struct kf_backoff *out) KF_MUST_CHECK;
enum kf_err kf_store_backoff_put(struct kf_db *db, const char *key, const struct kf_backoff *b) KF_MUST_CHECK;
/* Retention: delete counters not locked at now whose window started more
 * than longest_window ago. Rows deleted, or -1. */
int kf_store_backoff_expire(struct kf_db *db, int64_t now, int64_t longest_window);

#endif
