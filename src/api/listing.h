/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The app listing (an app's public marketplace page, LST-*) beyond its HTTP
 * routes: the automated listing stage the release pipeline runs (APP-9,
 * REV-6) and the pass of the worker that opens queued listing URLs
 * (LST-14, LST-16). Both run off the request threads and take their own
 * database connections from ctx->pool, never holding one while they wait
 * on someone else's server.
 */
#ifndef KF_API_LISTING_H
#define KF_API_LISTING_H

#include <jansson.h>
#include <stdatomic.h>
#include <stdint.h>

struct kf_ctx;
struct kf_db;

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

#endif
