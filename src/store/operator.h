/* SPDX-License-Identifier: Apache-2.0 */
/* Storage of the platform operator's organisation and its staff, for the
 * bootstrap of the first operator (ops.h). */
#ifndef KF_STORE_OPERATOR_H
#define KF_STORE_OPERATOR_H

#include <stdint.h>

#include "core/err.h"

struct kf_db;

/* The operator organisation (the oldest org of kind operator).
 * KF_ENOTFOUND when there is none yet; KF_EDB. */
enum kf_err kf_store_operator_org(struct kf_db *db, int64_t *id) KF_MUST_CHECK;

/* Number of memberships in operator organisations. KF_EDB. */
enum kf_err kf_store_operator_staff_count(struct kf_db *db, int64_t *n) KF_MUST_CHECK;

#endif
