/* SPDX-License-Identifier: Apache-2.0 */
/*
 * SQL of the release pipeline (APP-6, APP-7, APP-9, REV-4): submissions
 * with their outcome and findings, what a release or change review was
 * submitted with, and putting a reviewed listing and configuration live.
 */
#ifndef KF_STORE_RELEASE_H
#define KF_STORE_RELEASE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"

struct kf_db;
struct json_t;

/* A running submission older than this is taken as abandoned (the process
 * stopped while it ran) and no longer blocks a new one. */
#define KF_SUBMISSION_STALE_SECONDS 900

/* The listing side of an app row (0 / "" when unset). */
struct kf_app_release_row {
	int64_t draft_listing_id, live_listing_id;
	char released_version[32];
	int64_t released_at;
};

enum kf_err kf_store_app_release_get(struct kf_db *db, int64_t app, struct kf_app_release_row *out) KF_MUST_CHECK;

/* Times of the app's submissions of kind since `since`, ascending, at most
 * cap (the newest are dropped beyond it). */
enum kf_err kf_store_submission_times(struct kf_db *db, int64_t app, const char *kind, int64_t since,
				      int64_t *times, size_t cap, size_t *n) KF_MUST_CHECK;
/* Is a submission of the app (any kind) running, started after since? */
enum kf_err kf_store_submission_running(struct kf_db *db, int64_t app, int64_t since, bool *running) KF_MUST_CHECK;
enum kf_err kf_store_submission_insert(struct kf_db *db, int64_t app, const char *kind, int64_t user,
				       int64_t now, int64_t *id) KF_MUST_CHECK;
/* outcome queued | failed; stage NULL when queued; findings a JSON array
 * text; review 0 when none. */
enum kf_err kf_store_submission_finish(struct kf_db *db, int64_t id, const char *outcome, const char *stage,
				       const char *findings_json, int64_t review, int64_t now) KF_MUST_CHECK;
/* Forget a submission that never ran (the server was too busy to start
 * it): it does not count towards REV-4. */
enum kf_err kf_store_submission_delete(struct kf_db *db, int64_t id) KF_MUST_CHECK;
/* The kind ("release" | "change", at most 15 bytes) and the review of the
 * app's submission id (0 when it opened none) with whether that review is
 * pending; KF_ENOTFOUND when the app has no such submission. */
enum kf_err kf_store_submission_review(struct kf_db *db, int64_t app, int64_t id, char kind[16], int64_t *review,
				       bool *pending) KF_MUST_CHECK;
/* Withdraw one pending review; KF_ECONFLICT when it is not pending. */
enum kf_err kf_store_review_withdraw(struct kf_db *db, int64_t review, int64_t now) KF_MUST_CHECK;
/* The app's submissions, newest first (findings parsed), each with the
 * review it opened (state, due_at, decided_at, reasons) or null; NULL on a
 * storage error. */
struct json_t *kf_store_submissions_json(struct kf_db *db, int64_t app, int limit);

/* What a review was submitted with (a JSON object text) / read it back
 * (new reference; an empty object when unset; NULL on error). */
enum kf_err kf_store_review_set_detail(struct kf_db *db, int64_t review, const char *detail_json) KF_MUST_CHECK;
struct json_t *kf_store_review_detail(struct kf_db *db, int64_t review);
/* Is a review of kind pending for the app? */
enum kf_err kf_store_app_review_pending(struct kf_db *db, int64_t app, const char *kind, bool *pending) KF_MUST_CHECK;

/* Put a reviewed listing live (listing 0 keeps the live one): the draft
 * pointer is cleared when it still names that listing; version (may be
 * NULL to keep) becomes the released version; released_at is set the first
 * time. */
enum kf_err kf_store_app_listing_live(struct kf_db *db, int64_t app, int64_t listing, const char *version,
				      int64_t now) KF_MUST_CHECK;
/* Put a reviewed config live with its audience: live = config, the draft
 * cleared when it is that config (a newer draft stays). */
enum kf_err kf_store_app_config_live(struct kf_db *db, int64_t app, int64_t config, const char *audience,
				     int64_t now) KF_MUST_CHECK;

/* An app went away (DATA-3): its pending search and display listing
 * applications end "withdrawn", as their reviews do. */
enum kf_err kf_store_app_withdraw_applications(struct kf_db *db, int64_t app, int64_t now) KF_MUST_CHECK;

#endif
