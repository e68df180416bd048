/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Storage of the second factor of staff: the TOTP secret and the last step
 * used, recovery codes (SHA-256 digests only), the sign-in challenge
 * between password and code (digest only), and what a session records of
 * it (enrol-only, last verification).
 */
#ifndef KF_STORE_SECONDFACTOR_H
#define KF_STORE_SECONDFACTOR_H

#include <stdbool.h>
#include <stdint.h>

#include "core/err.h"
#include "core/totp.h"

struct kf_db;

struct kf_second_factor_row {
	char secret[KF_TOTP_B32_LEN + 8]; /* base32 */
	int64_t created_at;
	int64_t confirmed_at; /* 0: enrolment not confirmed yet */
	int64_t last_step;
};

#define KF_RECOVERY_CODES 10

/* KF_ENOTFOUND when the person has none (not even a pending one). */
enum kf_err kf_store_second_factor_get(struct kf_db *db, int64_t user, struct kf_second_factor_row *out) KF_MUST_CHECK;
/* Start (or restart) an enrolment: the secret replaces any pending one,
 * unconfirmed; the caller has checked there is no confirmed one. */
enum kf_err kf_store_second_factor_start(struct kf_db *db, int64_t user, const char *secret, int64_t now) KF_MUST_CHECK;
/* Confirm a pending enrolment with the step of its first code, and store
 * the recovery codes' digests (replacing any). KF_ECONFLICT when it was
 * confirmed meanwhile. */
enum kf_err kf_store_second_factor_confirm(struct kf_db *db, int64_t user, int64_t now, int64_t step,
					   const char *const *code_hashes, int n) KF_MUST_CHECK;
/* A code of step was accepted: record it, unless a code of this or a later
 * step was used meanwhile (then KF_ECONFLICT: a code is good once). */
enum kf_err kf_store_second_factor_use_step(struct kf_db *db, int64_t user, int64_t step) KF_MUST_CHECK;
/* Remove the second factor and its recovery codes. */
enum kf_err kf_store_second_factor_delete(struct kf_db *db, int64_t user) KF_MUST_CHECK;
/* Use a recovery code by its digest: KF_ENOTFOUND when none unused
 * matches. */
enum kf_err kf_store_recovery_code_use(struct kf_db *db, int64_t user, const char *hash, int64_t now) KF_MUST_CHECK;
/* Unused recovery codes left. */
enum kf_err kf_store_recovery_codes_left(struct kf_db *db, int64_t user, int64_t *n) KF_MUST_CHECK;

/* Sign-in challenges (digest of the token). get: the user of a live,
 * unused challenge (KF_ENOTFOUND otherwise); use: mark it used
 * (KF_ECONFLICT when it was already). */
enum kf_err kf_store_challenge_insert(struct kf_db *db, const char *hash, int64_t user, int64_t now,
				      int64_t expires_at) KF_MUST_CHECK;
enum kf_err kf_store_challenge_get(struct kf_db *db, const char *hash, int64_t now, int64_t *user) KF_MUST_CHECK;
enum kf_err kf_store_challenge_use(struct kf_db *db, const char *hash, int64_t now) KF_MUST_CHECK;
/* Retention: challenges created before `before`; rows deleted or -1. */
int kf_store_challenges_expire(struct kf_db *db, int64_t before);

/* The session's second-factor state: enrol_only, and verified_at (the
 * last time the person proved who they are in it). */
enum kf_err kf_store_session_set_factor(struct kf_db *db, int64_t session, bool enrol_only,
					int64_t verified_at) KF_MUST_CHECK;

#endif
