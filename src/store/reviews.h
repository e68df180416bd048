/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The generic review mechanism (REV-1, REV-5) shared by qualification,
 * creation, release, change and listing reviews, and the operator calendar
 * that sets their deadlines.
 */
#ifndef KF_STORE_REVIEWS_H
#define KF_STORE_REVIEWS_H

#include <stdint.h>

#include "core/calendar.h"
#include "core/err.h"

struct kf_db;
struct json_t;

struct kf_review_row {
	int64_t id;
	char kind[32];
	char subject_type[32];
	int64_t subject_id;
	int64_t org_id;
	char state[16];
	int64_t due_at;
};

enum kf_err kf_store_review_insert(struct kf_db *db, const char *kind, const char *subject_type,
				   int64_t subject_id, int64_t org_id, int64_t now, int64_t due_at,
				   int64_t *id) KF_MUST_CHECK;
enum kf_err kf_store_review_get(struct kf_db *db, int64_t id, struct kf_review_row *out) KF_MUST_CHECK;
/* Record the decision; KF_ECONFLICT if the review was already decided. */
enum kf_err kf_store_review_decide(struct kf_db *db, int64_t id, const char *state, int64_t reviewer,
				   const char *reasons_json, int64_t now) KF_MUST_CHECK;
/* Close the pending reviews of a subject that went away (an app deleted
 * during its review): they end "withdrawn". */
enum kf_err kf_store_reviews_withdraw(struct kf_db *db, const char *subject_type, int64_t subject_id,
				      int64_t now) KF_MUST_CHECK;
struct json_t *kf_store_review_json(struct kf_db *db, int64_t id);
/* kind/state may be NULL; cursor pagination by id. */
struct json_t *kf_store_reviews_json(struct kf_db *db, const char *kind, const char *state, int64_t after,
				     int limit);

/* Load the operator calendar (holidays and make-up working days); free with
 * kf_calendar_clear. utc_offset comes from the configuration. */
enum kf_err kf_store_calendar_load(struct kf_db *db, int32_t utc_offset, struct kf_calendar *cal) KF_MUST_CHECK;
/* Replace the calendar days of the years present in cal. */
enum kf_err kf_store_calendar_replace(struct kf_db *db, const struct kf_calendar *cal) KF_MUST_CHECK;

#endif
