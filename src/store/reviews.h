/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The generic review mechanism (REV-1, REV-5) shared by qualification,
 * creation, release, change and listing reviews, and the operator calendar
 * that sets their deadlines.
 */
#ifndef KF_STORE_REVIEWS_H
#define KF_STORE_REVIEWS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/calendar.h"
#include "core/err.h"
#include "core/review.h"

struct kf_db;
struct json_t;

struct kf_review_row {
	int64_t id;
	enum kf_review_kind kind;   /* stored text: kf_review_kind_name; out of range when unknown */
	char subject_type[32];
	int64_t subject_id;
	int64_t org_id;
	enum kf_review_state state; /* stored text: kf_review_state_name; out of range when unknown */
	int64_t due_at;
	int64_t assignee_id; /* REV-1: 0 = unassigned */
};

enum kf_err kf_store_review_insert(struct kf_db *db, enum kf_review_kind kind, const char *subject_type,
				   int64_t subject_id, int64_t org_id, int64_t now, int64_t due_at,
				   int64_t *id) KF_MUST_CHECK;
enum kf_err kf_store_review_get(struct kf_db *db, int64_t id, struct kf_review_row *out) KF_MUST_CHECK;
/* Record the decision (state from kf_review_decide); KF_ECONFLICT if the
 * review was already decided. */
enum kf_err kf_store_review_decide(struct kf_db *db, int64_t id, enum kf_review_state state, int64_t reviewer,
				   const char *reasons_json, int64_t now) KF_MUST_CHECK;
/* Close the pending reviews of a subject that went away (an app deleted
 * during its review): they end "withdrawn". */
enum kf_err kf_store_reviews_withdraw(struct kf_db *db, const char *subject_type, int64_t subject_id,
				      int64_t now) KF_MUST_CHECK;
/* A review as JSON (reasons and detail parsed; new reference) or NULL. */
struct json_t *kf_store_review_json(struct kf_db *db, int64_t id);

/* The other reviews of a provider, newest first (at most limit), each with
 * kind, subject, state, times, reviewer_id, reviewer_email, reasons (parsed)
 * and app_id for an app's: what a reviewer reads as the provider's history
 * and the earlier decisions on the same subject. NULL on error. */
struct json_t *kf_store_reviews_of_provider_json(struct kf_db *db, int64_t org_id, int64_t except_id, int limit);
/* The open reviews before and after review id in the queue's order
 * (REV-1: pending, by (due_at, id)); 0 when there is none. When the review
 * is not pending itself, next is the queue's first. KF_EDB. */
enum kf_err kf_store_review_neighbours(struct kf_db *db, int64_t id, int64_t due_at, bool pending, int64_t *prev,
				       int64_t *next) KF_MUST_CHECK;
/* The email of a user (who decided a review); KF_ENOTFOUND when none. */
enum kf_err kf_store_user_email(struct kf_db *db, int64_t user_id, char *out, size_t cap) KF_MUST_CHECK;

/* The review queue (REV-1): ordered by (due_at, id), keyset paginated. */
enum kf_review_assignee_filter {
	KF_REVIEW_ASSIGNEE_ANY,
	KF_REVIEW_ASSIGNEE_USER, /* assignee_id = assignee */
	KF_REVIEW_ASSIGNEE_NONE, /* unassigned */
};
struct kf_review_filter {
	const enum kf_review_kind *kind;   /* NULL = any */
	const enum kf_review_state *state; /* NULL = any */
	enum kf_review_assignee_filter assignee_mode;
	int64_t assignee;
	bool overdue_only;               /* pending and due_at < now */
	int64_t now;
	bool has_after;                  /* strictly after (after_due, after_id) */
	int64_t after_due, after_id;
	int limit;
	int64_t provider_id;             /* 0 = any */
	const char *app_id;              /* an app's public id; NULL = any */
	int64_t app;                     /* an app's row id; 0 = any */
};
/* A page of the queue as a JSON array (new reference) or NULL on error.
 * Items carry assignee_id and detail; the caller adds what needs now. */
struct json_t *kf_store_reviews_json(struct kf_db *db, const struct kf_review_filter *f);

/* Open (pending) reviews per kind at now, for the queue's navigation:
 * {"kinds": [{kind, open, overdue, unassigned, mine, mine_overdue}], and
 * the same totals}, "mine" being assigned to user_id. NULL on error. */
struct json_t *kf_store_review_counts_json(struct kf_db *db, int64_t user_id, int64_t now);

/* REV-1: set (assignee > 0) or clear (0) the assignee of a pending review
 * whose assignee is still current (0 = none); KF_ECONFLICT when the review
 * is no longer pending or someone else changed its assignee meanwhile. */
enum kf_err kf_store_review_set_assignee(struct kf_db *db, int64_t id, int64_t assignee,
					 int64_t current) KF_MUST_CHECK;
/* Operator role of an active user (admin, reviewer, ops), NONE when the
 * user is not operator staff (or does not exist). */
enum kf_err kf_store_operator_role(struct kf_db *db, int64_t user_id, enum kf_role *role) KF_MUST_CHECK;

/* Pending and overdue reviews per kind, for the metrics (REV-1). */
struct kf_review_gauge {
	char kind[32];
	int64_t pending, overdue;
};
/* Fills at most cap gauges of the kinds that have pending reviews, ordered
 * by kind; *n is how many were written. */
enum kf_err kf_store_review_gauges(struct kf_db *db, int64_t now, struct kf_review_gauge *out, size_t cap,
				   size_t *n) KF_MUST_CHECK;

/* Load the operator calendar (holidays and make-up working days); free with
 * kf_calendar_clear. utc_offset comes from the configuration. */
enum kf_err kf_store_calendar_load(struct kf_db *db, int32_t utc_offset, struct kf_calendar *cal) KF_MUST_CHECK;
/* Replace the calendar days of the years present in cal. */
enum kf_err kf_store_calendar_replace(struct kf_db *db, const struct kf_calendar *cal) KF_MUST_CHECK;

#endif
