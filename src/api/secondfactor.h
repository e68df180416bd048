/* SPDX-License-Identifier: Apache-2.0 */
/* The second factor of staff: enrolment, recovery codes, step-up. */
#ifndef KF_API_SECONDFACTOR_H
#define KF_API_SECONDFACTOR_H

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

#endif
