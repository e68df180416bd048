/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Storage of the providers' authenticity certifications (APP-9): the
 * evidence submitted, the review that decides it and, once approved, the
 * end of its validity.
 */
#ifndef KF_STORE_AUTHENTICITY_H
#define KF_STORE_AUTHENTICITY_H

#include <stdbool.h>
#include <stdint.h>

#include "core/err.h"
#include "core/review.h"

struct kf_db;
struct json_t;

struct kf_authenticity_row {
	int64_t id;
	int64_t org_id;
	char state[16];      /* pending | approved | rejected */
	int64_t review_id;
	int64_t valid_until; /* 0 until approved */
};

/* evidence_json: {"documents": [file ids], "statement": "..."}. */
enum kf_err kf_store_authenticity_insert(struct kf_db *db, int64_t org_id, const char *evidence_json, int64_t by,
					 int64_t now, int64_t *id) KF_MUST_CHECK;
enum kf_err kf_store_authenticity_set_review(struct kf_db *db, int64_t id, int64_t review_id) KF_MUST_CHECK;
/* Is a certification of the provider under review? */
enum kf_err kf_store_authenticity_pending(struct kf_db *db, int64_t org_id, bool *pending) KF_MUST_CHECK;
/* The certification a review decides; KF_ENOTFOUND when none. */
enum kf_err kf_store_authenticity_by_review(struct kf_db *db, int64_t review_id,
					    struct kf_authenticity_row *out) KF_MUST_CHECK;
/* Record the outcome (valid_until 0 stores NULL) of a pending one;
 * KF_ECONFLICT when it is no longer pending. */
/* state: what the review decided (pending again for a resubmission); stored
 * as kf_review_state_name. */
enum kf_err kf_store_authenticity_decide(struct kf_db *db, int64_t id, enum kf_review_state state, int64_t valid_until,
					 int64_t now) KF_MUST_CHECK;
/* The latest end of validity among the provider's approved certifications
 * (0 when it has none). */
enum kf_err kf_store_authenticity_valid_until(struct kf_db *db, int64_t org_id, int64_t *until) KF_MUST_CHECK;
/* The provider's latest certification as JSON (new reference, documents
 * and statement unpacked); KF_ENOTFOUND when it never submitted one. */
enum kf_err kf_store_authenticity_latest_json(struct kf_db *db, int64_t org_id, struct json_t **out) KF_MUST_CHECK;

#endif
