/* SPDX-License-Identifier: Apache-2.0 */
/* Checking a second factor (TOTP code or recovery code). */
#ifndef KF_API_FACTOR_H
#define KF_API_FACTOR_H

#include <stdbool.h>
#include <stdint.h>

#include "core/err.h"

struct kf_req;

/*
 * Check user's TOTP code (or, when code is NULL, recovery code) inside the
 * caller's open transaction, using it up: KF_OK, KF_EAUTH (wrong, used, or
 * no confirmed second factor), KF_EDB.
 */
enum kf_err kf_api_second_factor_check(struct kf_req *r, int64_t user, const char *code,
				       const char *recovery) KF_MUST_CHECK;
/* SHA-256 hex of a recovery code as stored (normalised first); false for a
 * code of the wrong shape. */
bool kf_api_recovery_hash(const char *code, char hash[65]);

#endif
