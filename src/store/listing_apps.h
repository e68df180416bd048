/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Storage of the search and display listing applications of released apps
 * (REV-2, REV-3), the listing flags they set on the app, and the public
 * directory read from the apps' live listings (APP-6).
 */
#ifndef KF_STORE_LISTING_APPS_H
#define KF_STORE_LISTING_APPS_H

#include <stdbool.h>
#include <stdint.h>

#include "core/err.h"
#include "core/review.h"

struct kf_db;
struct json_t;

struct kf_listing_app_row {
	int64_t id;
	int64_t app;       /* apps.id */
	char kind[24];     /* search_listing | display_listing */
	char state[16];    /* pending | approved | rejected */
	int64_t review_id;
};

/* attestations_json: the REV-3 attestations ("{}" for a search listing). */
enum kf_err kf_store_listing_app_insert(struct kf_db *db, int64_t app, const char *kind,
					const char *attestations_json, int64_t by, int64_t now,
					int64_t *id) KF_MUST_CHECK;
enum kf_err kf_store_listing_app_set_review(struct kf_db *db, int64_t id, int64_t review_id) KF_MUST_CHECK;
/* Is an application of this kind of the app under review? */
enum kf_err kf_store_listing_app_pending(struct kf_db *db, int64_t app, const char *kind,
					 bool *pending) KF_MUST_CHECK;
/* The application a review decides; KF_ENOTFOUND when none. */
enum kf_err kf_store_listing_app_by_review(struct kf_db *db, int64_t review_id,
					   struct kf_listing_app_row *out) KF_MUST_CHECK;
/* Record the outcome of a pending application; evidence_holds -1 stores
 * NULL (search listings). KF_ECONFLICT when it is no longer pending. */
/* state: what the review decided (pending again for a resubmission); stored
 * as kf_review_state_name. */
enum kf_err kf_store_listing_app_decide(struct kf_db *db, int64_t id, enum kf_review_state state, int evidence_holds,
					int64_t now) KF_MUST_CHECK;
/* The app's applications, newest first, with the reasons of their
 * reviews (new reference) or NULL. */
struct json_t *kf_store_listing_apps_json(struct kf_db *db, int64_t app);

/* The listing flags of an app (REV-2). */
enum kf_err kf_store_app_listed(struct kf_db *db, int64_t app, bool *search_listed,
				bool *display_listed) KF_MUST_CHECK;
/* Set the flag of kind ("search_listing" or "display_listing") to 1. */
enum kf_err kf_store_app_set_listed(struct kf_db *db, int64_t app, const char *kind, int64_t now) KF_MUST_CHECK;

/* The public directory: released public apps with a live listing. */
struct kf_directory_query {
	const char *category; /* live listing's category, or NULL */
	const char *q;        /* text in name, intro or keywords; only search-listed apps; or NULL */
	bool featured;        /* only display-listed apps */
	bool has_after;       /* strictly after (after_at, after_id) in the order below */
	int64_t after_at, after_id;
	int limit;
};
/* Newest release first ((released_at, id) descending). A JSON array (new
 * reference) of rows {id, released_at, app_id, body (the listing JSON
 * text), released_version, display_listed, entity_name}, or NULL. */
struct json_t *kf_store_directory_json(struct kf_db *db, const struct kf_directory_query *q);

#endif
