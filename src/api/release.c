/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The release pipeline (APP-6, APP-9, REV-4) and change reviews (APP-7).
 *
 * POST /v1/apps/{id}/release-review runs the stages of APP-9 in order:
 *   1. authenticity  the provider's authenticity certification is valid;
 *   2. capability    every check the app's permission sets name passes
 *                    against its live configuration (PROTOCOL.md §8);
 *   3. listing       every automated listing check passes, the listing's
 *                    URLs open and the category's qualification documents
 *                    are accepted (LST-*, REV-6);
 *   4. review        a release review is queued for a person (REV-1).
 * It stops at the first stage that fails and answers 422 with that stage
 * and all its findings. Every submission counts towards REV-4's limit,
 * passed or not, and is kept with its outcome (GET /v1/apps/{id}/submissions).
 *
 * Stages 2 and 3 wait on the app's servers (up to a minute), so they run
 * off the request threads (kf_req_defer); the submission row is committed
 * before, so a second submission meanwhile is refused rather than run
 * twice.
 *
 * POST /v1/apps/{id}/change-review does the same for a released app's
 * draft configuration and/or draft listing (APP-7): the capability stage
 * runs when the configuration changed, the listing stage when the listing
 * did. The live version keeps serving until the change is approved; the
 * decision puts exactly the submitted versions live.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "api/apps.h"
#include "api/common.h"
#include "api/authenticity.h"
#include "api/providers.h"
#include "api/tokens.h"
#include "core/app.h"
#include "ctx.h"
#include "govern.h"
#include "http/request.h"
#include "notify/notify.h"
#include "pipeline/listing.h"
#include "push/checks.h"
#include "store/apps.h"
#include "store/auth.h"
#include "store/db.h"
#include "store/providers.h"
#include "store/listings.h"
#include "store/release.h"
#include "store/reviews.h"
#include "util/mem.h"

#define DAY 86400

struct job {
	int64_t app, provider, submission, config_id, listing_id;
	int64_t expect_live_config, expect_draft_config, expect_draft_listing;
	bool release, checks, listing;
	enum kf_app_state next; /* a release: the state core's submission chose */
	char app_id[24];
};

static const char *kind_of(const struct job *j)
{
	return j->release ? "release" : "change";
}

static const char *str_or(const char *s, const char *dflt)
{
	return s ? s : dflt;
}

/* j, released with the request. */
static json_t *owned(struct kf_req *r, json_t *j)
{
	kf_arena_defer(r->arena, (void (*)(void *))json_decref, j);
	return j;
}

/* A reject finding of the pipeline itself. */
static json_t *finding(const char *rule, const char *field, const char *msg)
{
	return json_pack("{s:s, s:s, s:s, s:s}", "rule", rule, "field", field, "severity", "reject", "message", msg);
}

static bool is_reject(json_t *finding_)
{
	return !strcmp(str_or(json_string_value(json_object_get(finding_, "severity")), ""), "reject");
}

static bool has_reject(json_t *findings)
{
	size_t i;
	json_t *v;
	json_array_foreach(findings, i, v) {
		if (is_reject(v))
			return true;
	}
	return false;
}

/* The reject findings of findings (a new array): what a stopped
 * submission answers, so the provider sees what blocks it. */
static json_t *rejects_of(json_t *findings)
{
	json_t *out = json_array();
	size_t i;
	json_t *v;
	json_array_foreach(findings, i, v) {
		if (is_reject(v))
			json_array_append(out, v);
	}
	return out;
}

/* The answer to a submission stopped at a stage: 422 naming the stage and
 * the rule of its first finding, with every finding. */
static void reply_stopped(struct kf_req *r, const struct job *j, const char *stage, json_t *findings, json_t *checks)
{
	const char *rule = json_string_value(json_object_get(json_array_get(findings, 0), "rule"));
	struct kf_error err = {.code = KF_EINVAL,
			       .status = 422,
			       .name = "submission_failed",
			       .rule = rule ? kf_arena_strdup(r->arena, rule) : "APP-9"};
	size_t n = json_array_size(findings);
	snprintf(err.msg, sizeof(err.msg), "the %s submission stopped at the %s stage with %zu finding%s; fix %s and "
		 "submit again", kind_of(j), stage, n, n == 1 ? "" : "s", n == 1 ? "it" : "them all");
	json_t *extra = json_pack("{s:s, s:I, s:O}", "stage", stage, "submission_id", (json_int_t)j->submission,
				  "findings", findings);
	if (checks)
		json_object_set(extra, "checks", checks);
	kf_reply_error_with(r, &err, extra);
}

/* Record a stopped submission and answer: in the transaction the caller
 * has open (committing it), else in one of its own. */
static void stop(struct kf_req *r, const struct job *j, const char *stage, json_t *findings, json_t *checks)
{
	struct kf_db *db = kf_req_db(r);
	char *text = json_dumps(findings, JSON_COMPACT);
	bool ok = text && (kf_db_in_tx(db) || kf_db_begin(db) == KF_OK) &&
		  kf_store_submission_finish(db, j->submission, "failed", stage, text, 0, r->now) == KF_OK &&
		  kf_db_commit(db) == KF_OK;
	free(text);
	if (!ok) {
		kf_db_rollback(db);
		kf_reply_db_error(r);
		return;
	}
	reply_stopped(r, j, stage, findings, checks);
}

/* The failed capability checks as findings (APP-9), one per check. */
static json_t *check_findings(struct kf_req *r, json_t *checks)
{
	json_t *out = json_array();
	size_t i;
	json_t *c;
	json_array_foreach(checks, i, c) {
		const char *status = json_string_value(json_object_get(c, "status"));
		if (status && !strcmp(status, "passed"))
			continue;
		const char *name = str_or(json_string_value(json_object_get(c, "check")), "check");
		const char *reason = str_or(json_string_value(json_object_get(c, "reason")), "failed");
		json_array_append_new(out, finding("APP-9", kf_arena_printf(r->arena, "checks.%s", name),
						   kf_arena_printf(r->arena, "capability check %s failed: %s", name, reason)));
	}
	return out;
}

/* Did the app move on while its checks ran (a new draft put live, another
 * listing saved, a state change)? Then what was checked is not what would
 * be reviewed. */
static bool app_unchanged(const struct job *j, const struct kf_app_row *a, const struct kf_app_release_row *rel)
{
	if (a->state != (j->release ? KF_APP_DEVELOPING : KF_APP_RELEASED))
		return false;
	return a->live_config_id == j->expect_live_config && a->draft_config_id == j->expect_draft_config &&
	       rel->draft_listing_id == j->expect_draft_listing;
}

static const char *app_name(struct kf_req *r, struct kf_db *db, int64_t config_id, const char *fallback)
{
	json_t *cfg = config_id ? kf_store_app_config_json(db, config_id) : NULL;
	const char *name = json_string_value(json_object_get(cfg, "name"));
	const char *out = kf_arena_strdup(r->arena, name ? name : fallback);
	json_decref(cfg);
	return out;
}

/* Stages 2 to 4, off the request threads. */
static void run_pipeline(struct kf_req *r, void *arg)
{
	struct job *j = arg;
	json_t *checks = json_null(), *findings;
	if (j->checks) {
		bool passed = false;
		json_t *c = kf_checks_run(r->ctx, j->app, j->config_id, kind_of(j), &passed);
		r->now = kf_ctx_now(r->ctx);
		if (!c) {
			stop(r, j, "capability",
			     owned(r, json_pack("[o]", finding("APP-9", "checks",
							       "the capability checks could not be run or stored; "
							       "try again"))),
			     NULL);
			return;
		}
		checks = owned(r, c);
		if (!passed) {
			stop(r, j, "capability", owned(r, check_findings(r, c)), checks);
			return;
		}
	}
	findings = j->listing ? kf_listing_stage(r->ctx, j->app, j->listing_id, kf_ctx_now(r->ctx)) : json_array();
	r->now = kf_ctx_now(r->ctx);
	if (!findings) {
		stop(r, j, "listing",
		     owned(r, json_pack("[o]", finding("APP-9", "listing",
						       "the listing checks could not be run; try again"))),
		     NULL);
		return;
	}
	owned(r, findings);
	if (has_reject(findings)) {
		stop(r, j, "listing", owned(r, rejects_of(findings)), json_is_null(checks) ? NULL : checks);
		return;
	}

	/* every automated stage passed: queue the review (REV-1) */
	struct kf_db *db = kf_req_db(r);
	if (!kf_api_begin(r))
		return;
	struct kf_app_row a;
	struct kf_app_release_row rel;
	enum kf_err rc = kf_store_app_get(db, j->app, &a);
	if (rc == KF_OK)
		rc = kf_store_app_release_get(db, j->app, &rel);
	if (rc == KF_ENOTFOUND || (rc == KF_OK && !app_unchanged(j, &a, &rel))) {
		kf_api_rollback(r);
		stop(r, j, "review",
		     owned(r, json_pack("[o]", finding(j->release ? "APP-9" : "APP-7", "app",
						       rc == KF_ENOTFOUND ? "the app was deleted while it was checked"
									  : "the app changed while it was checked; "
									    "submit again to check what it is now"))),
		     NULL);
		return;
	}
	int64_t due, review;
	/* what the reviewer sees beside the listing: the check results and
	 * timings, the remaining (warning) findings and the URL results */
	json_t *urls = j->listing ? kf_listing_url_checks_json(db, j->listing_id, j->provider) : json_array();
	if (!urls) {
		kf_api_abort_db(r);
		return;
	}
	json_t *detail = json_pack("{s:I, s:I, s:I, s:O, s:O, s:o}", "submission_id", (json_int_t)j->submission,
				   "config_id", (json_int_t)(j->checks || j->release ? j->config_id : 0), "listing_id",
				   (json_int_t)(j->listing ? j->listing_id : 0), "checks", checks, "findings", findings,
				   "url_checks", urls);
	char *dtext = json_dumps(detail, JSON_COMPACT);
	json_decref(detail);
	char *ftext = json_dumps(findings, JSON_COMPACT);
	const char *name = app_name(r, db, j->config_id, j->app_id);
	const char *body = kf_arena_printf(r->arena,
					   "The %s of the app \"%s\" (%s) passed the automated checks and is queued "
					   "for review.\n",
					   kind_of(j), name, j->app_id);
	bool ok = rc == KF_OK && dtext && ftext && kf_api_review_due(r, &due) &&
		  kf_store_review_insert(db, j->release ? KF_REVIEW_RELEASE : KF_REVIEW_CHANGE, "app", j->app, j->provider, r->now, due, &review) == KF_OK &&
		  kf_store_review_set_detail(db, review, dtext) == KF_OK &&
		  kf_store_submission_finish(db, j->submission, "queued", NULL, ftext, review, r->now) == KF_OK &&
		  kf_notify_org_app(db, r->now, j->provider, j->app_id, j->release ? "app.release_submitted" : "app.change_submitted",
				j->release ? "App submitted for release" : "App change submitted", body) == KF_OK &&
		  kf_api_audit(r, j->release ? "app.release_queued" : "app.change_queued",
			       kf_arena_printf(r->arena, "app:%s", j->app_id),
			       kf_arena_printf(r->arena, "review:%lld", (long long)review));
	if (ok && j->release)
		ok = kf_store_app_set_review(db, j->app, review) == KF_OK &&
		     kf_store_app_set_state(db, j->app, j->next, r->now) == KF_OK;
	free(dtext);
	free(ftext);
	if (!ok) {
		kf_api_abort_db(r);
		return;
	}
	if (!kf_api_commit(r))
		return;
	json_t *rv = kf_store_review_json(db, review);
	if (!rv) {
		kf_reply_db_error(r);
		return;
	}
	kf_reply_json(r, 202, json_pack("{s:I, s:o, s:O, s:O}", "submission_id", (json_int_t)j->submission, "review", rv,
					"checks", checks, "findings", findings));
}

/* The server was too busy to start the stages: the submission did not
 * happen (it neither counts nor blocks the next one). */
static void never_ran(struct kf_req *r, void *arg)
{
	const struct job *j = arg;
	struct kf_db *db = kf_req_db(r);
	kf_db_rollback(db);
	if (kf_store_submission_delete(db, j->submission) != KF_OK)
		fprintf(stderr, "{\"event\":\"submission_cleanup_failed\",\"submission\":%lld}\n",
			(long long)j->submission);
}

/* The synchronous part: who may submit, REV-4, stage 1, and the
 * submission row; then the rest runs deferred. */
static void submit(struct kf_req *r, bool release)
{
	struct kf_app_row a;
	enum kf_role role;
	if (!kf_api_load_app(r, &a, &role))
		return;
	if (!kf_api_require_member(r, role, "submit it"))
		return;
	struct kf_org_row org;
	if (!kf_api_provider_may_submit(r, a.provider_id, &org) || !kf_api_begin(r))
		return;
	struct kf_db *db = kf_req_db(r);
	struct kf_app_release_row rel;
	enum kf_err rc = kf_store_app_get(db, a.id, &a);
	if (rc == KF_OK)
		rc = kf_store_app_release_get(db, a.id, &rel);
	if (rc != KF_OK) {
		kf_api_abort_db(r);
		return;
	}
	enum kf_app_state st = a.state;
	struct kf_error err = {0};
	struct job *j = kf_arena_alloc(r->arena, sizeof(*j));
	memset(j, 0, sizeof(*j));
	j->app = a.id;
	j->provider = a.provider_id;
	j->release = release;
	snprintf(j->app_id, sizeof(j->app_id), "%s", a.app_id);
	j->expect_live_config = a.live_config_id;
	j->expect_draft_config = a.draft_config_id;
	j->expect_draft_listing = rel.draft_listing_id;
	if (release) {
		rc = kf_app_submit_release(st, a.draft_config_id != 0, &j->next, &err);
		j->config_id = a.live_config_id;
		j->listing_id = rel.draft_listing_id ? rel.draft_listing_id : rel.live_listing_id;
		j->checks = j->listing = true;
	} else {
		bool pending = false;
		if (kf_store_app_review_pending(db, a.id, "change", &pending) != KF_OK) {
			kf_api_abort_db(r);
			return;
		}
		bool listing_changed = rel.draft_listing_id && rel.draft_listing_id != rel.live_listing_id;
		rc = kf_app_submit_change(st, a.draft_config_id || listing_changed, pending, &err);
		j->config_id = a.draft_config_id ? a.draft_config_id : a.live_config_id;
		j->checks = a.draft_config_id != 0;
		j->listing_id = listing_changed ? rel.draft_listing_id : rel.live_listing_id;
		j->listing = listing_changed;
	}
	if (rc != KF_OK) {
		kf_api_rollback(r);
		kf_reply_error(r, &err);
		return;
	}
	bool running = false;
	if (kf_store_submission_running(db, a.id, r->now - KF_SUBMISSION_STALE_SECONDS, &running) != KF_OK) {
		kf_api_abort_db(r);
		return;
	}
	if (running) {
		kf_api_rollback(r);
		kf_reply_fail(r, KF_ECONFLICT, "submission_running", "REV-4", NULL,
			      "a submission of this app is being checked; wait for its answer");
		return;
	}
	/* REV-4: at most N submissions of a kind per app in any 24 hours */
	int64_t times[1024], retry_at = 0;
	size_t n = 0;
	if (kf_store_submission_times(db, a.id, kind_of(j), r->now - DAY + 1, times, 1024, &n) != KF_OK) {
		kf_api_abort_db(r);
		return;
	}
	int limit = (int)r->ctx->cfg.release_submissions_per_day;
	if (!kf_app_submission_allowed(times, n, limit, DAY, r->now, &retry_at)) {
		kf_api_rollback(r);
		struct kf_error e = {.code = KF_ELIMIT, .status = 429, .name = "too_many_submissions", .rule = "REV-4"};
		snprintf(e.msg, sizeof(e.msg), "at most %d %s submissions per app in 24 hours; the next is allowed at %lld",
			 limit, kind_of(j), (long long)retry_at);
		kf_reply_header(r, "Retry-After", kf_arena_printf(r->arena, "%lld", (long long)(retry_at - r->now)));
		kf_reply_error_with(r, &e, json_pack("{s:I}", "retry_at", (json_int_t)retry_at));
		return;
	}
	if (kf_store_submission_insert(db, a.id, kind_of(j), r->user_id, r->now, &j->submission) != KF_OK ||
	    !kf_api_audit(r, release ? "app.submit_release" : "app.submit_change",
			  kf_arena_printf(r->arena, "app:%s", a.app_id), NULL)) {
		kf_api_abort_db(r);
		return;
	}
	/* stage 1 (APP-9): the provider's authenticity certification */
	int64_t valid_until = 0;
	if (release && !kf_api_authenticity_valid(db, a.provider_id, r->now, &valid_until)) {
		stop(r, j, "authenticity",
		     owned(r, json_pack("[o]",
					finding("APP-9", "authenticity",
						valid_until ? "the provider's authenticity certification has expired; "
							      "submit new evidence (POST /v1/providers/{id}/authenticity)"
							    : "the provider has no authenticity certification; submit "
							      "evidence (POST /v1/providers/{id}/authenticity) and wait "
							      "for its approval"))),
		     NULL);
		return;
	}
	if (!kf_api_commit(r))
		return;
	kf_req_defer_or(r, run_pipeline, never_ran, j);
}

static void api_release_submit(struct kf_req *r)
{
	submit(r, true);
}

static void api_change_submit(struct kf_req *r)
{
	submit(r, false);
}

static void api_submissions_list(struct kf_req *r)
{
	struct kf_app_row a;
	enum kf_role role;
	if (!kf_api_load_app(r, &a, &role))
		return;
	json_t *items = kf_store_submissions_json(kf_req_db(r), a.id, 50);
	if (!items) {
		kf_reply_db_error(r);
		return;
	}
	kf_reply_json(r, 200, json_pack("{s:o}", "items", items));
}

/* Withdraw a submission whose review still waits (APP-6, APP-7): the
 * review leaves the queue as withdrawn; a release goes back to
 * development so it can be fixed and submitted again. */
static void api_submission_withdraw(struct kf_req *r)
{
	struct kf_app_row a;
	enum kf_role role;
	if (!kf_api_load_app(r, &a, &role) || !kf_api_require_member(r, role, "withdraw its submissions"))
		return;
	int64_t sid = kf_req_param_id(r, "submission");
	if (!kf_api_begin(r))
		return;
	struct kf_db *db = kf_req_db(r);
	char kind[16] = "";
	int64_t review = 0;
	bool pending = false;
	enum kf_err rc = sid ? kf_store_submission_review(db, a.id, sid, kind, &review, &pending) : KF_ENOTFOUND;
	if (rc == KF_OK)
		rc = kf_store_app_get(db, a.id, &a); /* the state inside the transaction */
	if (rc == KF_ENOTFOUND) {
		kf_api_rollback(r);
		kf_reply_fail(r, KF_ENOTFOUND, "submission_not_found", NULL, "submission", "the app has no such submission");
		return;
	}
	if (rc != KF_OK) {
		kf_api_abort_db(r);
		return;
	}
	if (!review) {
		kf_api_rollback(r);
		kf_reply_fail(r, KF_ECONFLICT, "no_review", "REV-1", NULL,
			      "the submission opened no review (it stopped at an automated stage or is still running)");
		return;
	}
	bool release = !strcmp(kind, "release");
	enum kf_app_state next;
	struct kf_error err = {0};
	if (kf_app_withdraw_submission(a.state, release, pending, &next, &err) != KF_OK) {
		kf_api_rollback(r);
		kf_reply_error(r, &err);
		return;
	}
	rc = kf_store_review_withdraw(db, review, r->now);
	if (rc == KF_ECONFLICT) {
		kf_api_rollback(r);
		kf_reply_fail(r, KF_ECONFLICT, "review_decided", "REV-1", NULL, "the review was decided meanwhile");
		return;
	}
	if (rc != KF_OK || (next != a.state && kf_store_app_set_state(db, a.id, next, r->now) != KF_OK) ||
	    !kf_api_audit(r, release ? "app.withdraw_release" : "app.withdraw_change",
			  kf_arena_printf(r->arena, "app:%s", a.app_id),
			  kf_arena_printf(r->arena, "submission %lld, review %lld", (long long)sid, (long long)review))) {
		kf_api_abort_db(r);
		return;
	}
	if (!kf_api_commit(r))
		return;
	json_t *items = kf_store_submissions_json(db, a.id, 50), *v, *found = NULL;
	size_t i;
	json_array_foreach(items, i, v) if (json_integer_value(json_object_get(v, "id")) == sid) found = v;
	if (!found) {
		json_decref(items);
		kf_reply_db_error(r);
		return;
	}
	kf_reply_json(r, 200, json_incref(found));
	json_decref(items);
}

/* ---- decisions (called by the review queue inside its transaction) ---- */

static int64_t detail_int(json_t *d, const char *k)
{
	return (int64_t)json_integer_value(json_object_get(d, k));
}

/* The version of a listing (LST-12), copied into the arena, or NULL. */
static const char *listing_version(struct kf_req *r, struct kf_db *db, int64_t listing)
{
	json_t *l = listing ? kf_store_listing_json(db, listing) : NULL;
	const char *v = json_string_value(json_object_get(l, "version"));
	const char *out = v ? kf_arena_strdup(r->arena, v) : NULL;
	json_decref(l);
	return out;
}

bool kf_api_app_release_decided(struct kf_req *r, const struct kf_review_row *rv, bool approve, size_t n_reasons,
				const char *reasons_text, bool *replied)
{
	struct kf_db *db = kf_req_db(r);
	struct kf_app_row a;
	*replied = false;
	enum kf_err grc = kf_store_app_get(db, rv->subject_id, &a);
	if (grc == KF_ENOTFOUND) {
		kf_reply_fail(r, KF_ECONFLICT, "app_deleted", "APP-6", NULL, "the app was deleted during its review");
		*replied = true;
	}
	if (grc != KF_OK)
		return false;
	enum kf_app_state st = a.state, next;
	struct kf_error err = {0};
	if (kf_app_release_decided(st, approve, n_reasons, &next, &err) != KF_OK) {
		kf_reply_error(r, &err);
		*replied = true;
		return false;
	}
	json_t *d = kf_store_review_detail(db, rv->id);
	if (!d)
		return false;
	int64_t listing = detail_int(d, "listing_id");
	json_decref(d);
	const char *name = app_name(r, db, a.live_config_id, a.app_id);
	const char *body;
	if (approve) {
		/* APP-6: open to every host account and in the public directory */
		const char *version = listing_version(r, db, listing);
		if (kf_store_app_listing_live(db, a.id, listing, version, r->now) != KF_OK)
			return false;
		body = kf_arena_printf(r->arena,
				       "The app \"%s\" (%s) passed its release review and is released%s%s: every "
				       "host account may authorize it, and it is listed in the directory.\n",
				       name, a.app_id, version ? " as version " : "", version ? version : "");
	} else {
		body = kf_arena_printf(r->arena,
				       "The app \"%s\" (%s) did not pass its release review. Reasons: %s\n"
				       "Fix them and submit the release again.\n",
				       name, a.app_id, reasons_text);
	}
	/* GOV-1: a measure recorded while the app was in development (a
	 * delisting, say) takes hold the moment it is released */
	return kf_store_app_set_state(db, a.id, next, r->now) == KF_OK &&
	       (!approve || kf_gov_sync_app(r->ctx, db, r->now, a.id, NULL) == KF_OK) &&
	       kf_notify_org_app(db, r->now, a.provider_id, a.app_id, approve ? "app.release_approved" : "app.release_rejected",
			     approve ? "App released" : "App release rejected", body) == KF_OK;
}

bool kf_api_app_change_decided(struct kf_req *r, const struct kf_review_row *rv, bool approve, size_t n_reasons,
			       const char *reasons_text, bool *replied)
{
	struct kf_db *db = kf_req_db(r);
	struct kf_app_row a;
	*replied = false;
	enum kf_err grc = kf_store_app_get(db, rv->subject_id, &a);
	if (grc == KF_ENOTFOUND) {
		kf_reply_fail(r, KF_ECONFLICT, "app_deleted", "APP-7", NULL, "the app was deleted during its review");
		*replied = true;
	}
	if (grc != KF_OK)
		return false;
	if (!approve && n_reasons == 0) {
		kf_reply_fail(r, KF_EINVAL, "reasons_required", "REV-5", "reasons",
			      "a rejection must list at least one reason");
		*replied = true;
		return false;
	}
	json_t *d = kf_store_review_detail(db, rv->id);
	if (!d)
		return false;
	int64_t config = detail_int(d, "config_id"), listing = detail_int(d, "listing_id");
	json_decref(d);
	const char *name = app_name(r, db, config ? config : a.live_config_id, a.app_id);
	const char *body;
	if (approve) {
		/* APP-7: the submitted versions go live; the authorizers' tokens
		 * follow the new permission sets (added ones wait for re-consent) */
		if (config) {
			json_t *cfg = kf_store_app_config_json(db, config);
			const char *aud = json_string_value(json_object_get(cfg, "audience"));
			char audience[16];
			snprintf(audience, sizeof(audience), "%s", aud ? aud : kf_app_audience_name(a.audience));
			json_decref(cfg);
			if (kf_store_app_config_live(db, a.id, config, audience, r->now) != KF_OK ||
			    kf_store_revocation_note(db, r->now, "app change") != KF_OK)
				return false;
		}
		if (listing && kf_store_app_listing_live(db, a.id, listing, listing_version(r, db, listing), r->now) != KF_OK)
			return false;
		body = kf_arena_printf(r->arena,
				       "The change of the app \"%s\" (%s) was approved and is live. Authorizers "
				       "re-authorize before permission sets the change added take effect for them.\n",
				       name, a.app_id);
	} else {
		body = kf_arena_printf(r->arena,
				       "The change of the app \"%s\" (%s) was not approved; the live version keeps "
				       "serving. Reasons: %s\nFix them and submit the change again.\n",
				       name, a.app_id, reasons_text);
	}
	return kf_notify_org_app(db, r->now, a.provider_id, a.app_id, approve ? "app.change_approved" : "app.change_rejected",
			     approve ? "App change approved" : "App change rejected", body) == KF_OK;
}

const struct kf_route kf_api_release_routes[] = {
	{"POST", "/v1/apps/{id}/release-review", api_release_submit, KF_AUTH_USER, KF_RF_OWN_TX,
	 "Submit a developed app for release: the automated stages, then a review (APP-9, REV-4)"},
	{"POST", "/v1/apps/{id}/change-review", api_change_submit, KF_AUTH_USER, KF_RF_OWN_TX,
	 "Submit a released app's draft configuration or listing for review (APP-7)"},
	{"GET", "/v1/apps/{id}/submissions", api_submissions_list, KF_AUTH_USER, 0,
	 "Release and change submissions with their outcome and findings"},
	{"POST", "/v1/apps/{id}/submissions/{submission}:withdraw", api_submission_withdraw, KF_AUTH_USER, 0,
	 "Withdraw a submission whose review is pending (APP-6, APP-7)"},
};
const size_t kf_api_release_nroutes = sizeof(kf_api_release_routes) / sizeof(kf_api_release_routes[0]);
