/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The automated checks of the app listing (an app's public marketplace
 * page, LST-*), apart from its HTTP routes (api/listing.c): the checks that
 * need no network, which the listing save runs too; the listing stage the
 * release pipeline runs (APP-9, REV-6); and the pass of the worker that
 * opens queued listing URLs (LST-14, LST-16). The stage and the pass run
 * off the request threads and take their own database connections from
 * ctx->pool, never holding one while they wait on someone else's server.
 * The worker (worker.c) and the handlers (api/) both use this module; it
 * uses neither.
 */
#ifndef KF_PIPELINE_LISTING_H
#define KF_PIPELINE_LISTING_H

#include <jansson.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"

struct kf_arena;
struct kf_app_row;
struct kf_ctx;
struct kf_db;
struct kf_findings;

/* The listing's URL fields (privacy_url, terms_url, website). */
#define KF_LISTING_URL_FIELDS 3

/*
 * Every automated check that needs no network, on a stored body, appended
 * to out: text rules with the current term lists (APP-11, LST-1..5, 7..9,
 * 12..19), logos (LST-6, LST-15), previews (LST-10, LST-11). db is the
 * caller's connection; what is read is allocated in a. Returns KF_EDB when
 * a fact could not be read.
 */
enum kf_err kf_listing_offline_checks(struct kf_ctx *ctx, struct kf_db *db, const struct kf_app_row *app,
				      json_t *body, struct kf_arena *a, struct kf_findings *out) KF_MUST_CHECK;

/* Findings as a JSON array [{rule, field, severity, message}] (new
 * reference): all of them, or only the rejects. */
json_t *kf_listing_findings_json(const struct kf_findings *f, bool rejects_only);

/* The listing URLs of body worth opening: syntactically valid, each once,
 * borrowed from body into urls[KF_LISTING_URL_FIELDS]; returns how many. */
size_t kf_listing_urls(json_t *body, const char **urls);

/* URL checks one worker pass claims at most. */
#define KF_LISTING_URL_PASS_MAX 16

/* The longest the stage waits for the URLs it has to open itself. */
#define KF_LISTING_STAGE_URL_MS 15000

/*
 * Runs off the request threads: takes its own connection from ctx->pool.
 * Re-runs every automated listing check on listing `listing_id` of app row
 * `app` (terms may have changed): the text rules with the current term
 * lists, the images (LST-6, LST-10, LST-11, LST-15), the version against
 * apps.released_version (LST-12), the company name against the provider's
 * verified entity (LST-15), the category against the catalog (LST-7) and
 * the phone (LST-17). Then it opens (blocking, all at once, at most
 * KF_LISTING_STAGE_URL_MS in total, each at most url-check-timeout) every
 * privacy, terms and website URL whose url_checks result is missing,
 * pending or older than one hour, records those results, and judges all
 * three (LST-14, LST-16); an opened privacy policy page that does not name
 * the provider's verified entity, or whose text could not be read, is a
 * warning for the reviewer (LST-20). Last it checks the documents the listing's
 * category requires (REV-6): missing or rejected ones are findings, pending
 * ones are left to the reviewer.
 *
 * Returns a new JSON array of the findings [{rule, field, severity, message}]
 * (passed when none is a reject; the warnings are for the reviewer), or NULL on a
 * storage error (also when the app row does not exist, or when the process
 * started stopping while URLs were being opened). A missing listing
 * (listing_id 0, or a listing of another app) gives the one finding
 * {rule "APP-12", field "listing"}. `now` is the clock of the caller
 * (kf_ctx_now), used for freshness and as the time of recorded results.
 */
json_t *kf_listing_stage(struct kf_ctx *ctx, int64_t app, int64_t listing_id, int64_t now);

/*
 * One pass of the URL check worker: claim up to KF_LISTING_URL_PASS_MAX
 * queued URL checks
 * (store/listings.h), open them at once (push/urlcheck.h, url-check-timeout
 * each) and record the results. Stops early when *cancel becomes true (the
 * claims then lapse and another pass takes them). Returns the number of
 * URLs checked, or -1 on a storage error.
 */
int kf_listing_url_pass(struct kf_ctx *ctx, int64_t now, const atomic_bool *cancel);

/* The latest URL check results (LST-14, LST-16) of a listing's privacy,
 * terms and website URLs: [{field, rule, url, state, status, final_url,
 * redirects, ms, error, checked_at}] (new reference), the opened privacy
 * URL's also with names_entity (LST-20: whether its page names the verified
 * entity of provider); an empty array for listing 0; NULL on a storage
 * error. */
json_t *kf_listing_url_checks_json(struct kf_db *db, int64_t listing_id, int64_t provider);
/* The same for a listing body (NULL: an empty array). */
json_t *kf_listing_body_url_checks_json(struct kf_db *db, json_t *body, int64_t provider);

#endif
