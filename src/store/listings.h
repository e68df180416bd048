/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Storage of app listings (LST-*): listing versions (every save is a new
 * row; the app points at its draft and its live one), the results of
 * opening the URLs a listing names (LST-14, LST-16), the operator's term
 * lists with their generation number (APP-11, LST-3/4/5/18/19), the
 * category catalog and the documents a category requires per app (REV-6).
 * All functions run on the caller's connection and, for writes, inside the
 * caller's transaction unless stated otherwise.
 */
#ifndef KF_STORE_LISTINGS_H
#define KF_STORE_LISTINGS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"

struct kf_db;
struct kf_arena;
struct json_t;

/* ---- Listing versions ---- */

/* One row of `listings`. body and findings are new references the caller
 * releases with kf_store_listing_row_clear. */
struct kf_listing_row {
	int64_t id, app, created_by, created_at;
	struct json_t *body;     /* object with the API field names */
	struct json_t *findings; /* array [{rule, field, severity, message}] at save time */
};

/* Insert a listing version: body and findings are JSON texts (compact).
 * Sets *id. Errors: KF_EDB. */
enum kf_err kf_store_listing_insert(struct kf_db *db, int64_t app, const char *body, const char *findings,
				    int64_t by, int64_t now, int64_t *id) KF_MUST_CHECK;
/* Point apps.draft_listing_id of app at listing_id (0 = NULL). */
enum kf_err kf_store_app_set_draft_listing(struct kf_db *db, int64_t app, int64_t listing_id,
					   int64_t now) KF_MUST_CHECK;
/* The row of listing id. KF_ENOTFOUND, KF_EDB (also for stored JSON that
 * does not parse). */
enum kf_err kf_store_listing_get(struct kf_db *db, int64_t id, struct kf_listing_row *out) KF_MUST_CHECK;
void kf_store_listing_row_clear(struct kf_listing_row *row);
/* The body of listing id: a new reference to an object with the API field
 * names, or NULL when there is no such listing or storage failed. */
struct json_t *kf_store_listing_json(struct kf_db *db, int64_t listing_id);

/* ---- URL checks (LST-14, LST-16) ---- */

/* A claim on a pending check lasts this long: a worker that dies while
 * fetching leaves the row to be claimed again afterwards. */
#define KF_URL_CHECK_LEASE_SECONDS 120

/* The stored result of opening one URL. */
struct kf_url_check_row {
	char state[16];    /* pending | ok | failed */
	int status;        /* 0 = no answer */
	int redirects;
	int64_t ms;
	int64_t requested_at;
	int64_t checked_at; /* 0 = never */
	char error[256];   /* "" = none */
	char final_url[2100];
};

/* A fetch result to record. */
struct kf_url_check_result {
	bool ok;
	int status;
	int redirects;
	int64_t ms;
	const char *error;     /* NULL = none */
	const char *final_url; /* NULL = none */
	const char *page_text; /* LST-20: skeleton of the page's text; NULL = none (kept only when ok) */
};

/* Queue a check of url: a new row in state pending, or an existing row set
 * back to pending (keeping its last result) unless it already is. */
enum kf_err kf_store_url_check_queue(struct kf_db *db, const char *url, int64_t now) KF_MUST_CHECK;
/* The row of url. KF_ENOTFOUND, KF_EDB. */
enum kf_err kf_store_url_check_get(struct kf_db *db, const char *url, struct kf_url_check_row *out) KF_MUST_CHECK;
/* The row of url as JSON {url, state, status, final_url, redirects, ms,
 * error, requested_at, checked_at} (a new reference), or NULL when there is
 * none (*rc KF_ENOTFOUND) or storage failed (*rc KF_EDB). */
struct json_t *kf_store_url_check_json(struct kf_db *db, const char *url, enum kf_err *rc);
/*
 * Claim up to max pending checks requested at or before now (oldest
 * first): each claimed row's claimed_until becomes now +
 * KF_URL_CHECK_LEASE_SECONDS, so no other worker takes it meanwhile;
 * requested_at keeps the time the check was asked for (issue 11: it used to
 * move past checked_at). Runs
 * in its own transaction. Returns a new array of the claimed URLs, or NULL
 * on a storage error.
 */
struct json_t *kf_store_url_checks_claim(struct kf_db *db, int64_t now, size_t max);
/* Record a result for url (state ok or failed), creating the row if needed. */
enum kf_err kf_store_url_check_record(struct kf_db *db, const char *url, const struct kf_url_check_result *res,
				      int64_t now) KF_MUST_CHECK;

/* The page text skeleton kept for url (LST-20) in *out, a new string the
 * caller frees, or NULL when the page had none. KF_ENOTFOUND when url was
 * never checked, KF_EDB. */
enum kf_err kf_store_url_check_page_text(struct kf_db *db, const char *url, char **out) KF_MUST_CHECK;

/* ---- Retention ---- */

/* How long an unreferenced listing version or URL result is kept. */
#define KF_LISTING_RETENTION_SECONDS (90 * 86400)

/* Delete listing versions saved before `before` that nothing points at: not
 * an app's draft or live listing, and not the listing a review was (or is)
 * decided on (reviews.detail listing_id), so what a reviewer saw stays.
 * Rows deleted, or -1. */
int kf_store_listings_expire(struct kf_db *db, int64_t before);
/* Delete URL results checked before `before` (not pending) whose URL no
 * app's draft or live listing names any more. Rows deleted, or -1. */
int kf_store_url_checks_expire(struct kf_db *db, int64_t before);

/* ---- Term lists ---- */

/* The generation of the term lists: bumped by every replacement, kept in
 * `settings`, so every process notices another's change. 0 before the
 * first change. */
enum kf_err kf_store_term_lists_generation(struct kf_db *db, int64_t *gen) KF_MUST_CHECK;
/* The terms of list (ordered), as a new array of strings; NULL on error. */
struct json_t *kf_store_term_list_json(struct kf_db *db, const char *list);
/* Number of terms per list, as a new object {list: count} (lists without
 * terms are absent); NULL on error. */
struct json_t *kf_store_term_list_counts(struct kf_db *db);
/* Replace the terms of list with terms[0..n) (duplicates stored once) and
 * bump the generation; *generation (may be NULL) receives the new one. */
enum kf_err kf_store_term_list_replace(struct kf_db *db, const char *list, const char *const *terms, size_t n,
				       int64_t *generation) KF_MUST_CHECK;

/* ---- Categories and qualifications (LST-7, REV-6) ---- */

/* One row of the category catalog (REV-6). */
struct kf_category_row {
	const char *key;            /* the id listings name in "category" */
	const char *name;           /* Chinese name */
	const char *name_en;
	const char *qualifications; /* JSON text as stored: the documents required */
};
/* The whole category catalog in key order: *out (and its strings) in arena
 * a, *n rows. KF_EDB on a database failure. */
enum kf_err kf_store_categories_list(struct kf_db *db, struct kf_arena *a, struct kf_category_row **out,
				     size_t *n) KF_MUST_CHECK;
/* Keys of the category catalog, strings allocated in a. */
enum kf_err kf_store_category_keys(struct kf_db *db, struct kf_arena *a, const char ***keys,
				   size_t *n) KF_MUST_CHECK;
/* The document keys category key requires (a new array of strings; [] when
 * none or when the stored value is not an array of strings).
 * KF_ENOTFOUND for an unknown category, KF_EDB. */
enum kf_err kf_store_category_docs(struct kf_db *db, const char *key, struct json_t **docs) KF_MUST_CHECK;
/* Submit (or replace) the document doc of app: state pending, decision
 * cleared. */
enum kf_err kf_store_qualification_submit(struct kf_db *db, int64_t app, const char *doc, int64_t file_id,
					  int64_t by, int64_t now) KF_MUST_CHECK;
/* Decide a pending document: state accepted or rejected with reason (may
 * be NULL). KF_ENOTFOUND when the app has no such document, KF_ECONFLICT
 * when it is not pending. */
enum kf_err kf_store_qualification_decide(struct kf_db *db, int64_t app, const char *doc, const char *state,
					  const char *reason, int64_t by, int64_t now) KF_MUST_CHECK;
/* The app's submitted documents as a new object keyed by doc: {doc:
 * {file_id, state, reason, submitted_by, submitted_at, decided_by,
 * decided_at}}; NULL on error. */
struct json_t *kf_store_qualifications_json(struct kf_db *db, int64_t app);

#endif
