/* SPDX-License-Identifier: Apache-2.0 */
/*
 * What the platform's staff read to operate providers and apps (issue 12,
 * "Operating the platform"): search across every provider and app, one
 * provider's or app's record for a decision, and what a ban keeps so that
 * lifting it restores what it took (GOV-6, GOV-7). Every JSON result is a
 * new reference, NULL on a database error.
 */
#ifndef KF_STORE_STAFFDIR_H
#define KF_STORE_STAFFDIR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"

struct kf_db;
struct json_t;

/* Longest search text accepted (bytes), checked by the caller. */
#define KF_STAFFDIR_Q_MAX 200

/*
 * Providers matching q (case-insensitive substring of the name, the
 * entity's or any application's legal name or licence number, or a
 * member's email), of the user's memberships (all providers when all),
 * by id after `after`, at most limit; the columns of the providers list
 * plus the caller's role. q must not be NULL.
 */
struct json_t *kf_store_provider_search_json(struct kf_db *db, int64_t user_id, bool all, const char *q,
					     int64_t after, int limit);

/*
 * Apps (not deleted) for the staff's search, newest first: q NULL or a
 * case-insensitive substring of the name (draft or live configuration),
 * the app_id, or the provider's name; provider_id 0 = every provider;
 * state NULL = every state; after_id 0 = from the start, else rows with a
 * smaller id. Scans at most limit rows: [{"id", "app_id", "provider_id",
 * "provider_name", "state", "audience", "name", "created_at",
 * "updated_at"}] in *items and the last scanned row id in *last (0 when
 * the scan ended), so a page may hold fewer rows than limit and still
 * have a next one.
 */
enum kf_err kf_store_staff_apps(struct kf_db *db, const char *q, int64_t provider_id, const char *state,
				int64_t after_id, int limit, struct json_t **items, int64_t *last) KF_MUST_CHECK;

/* Reviews of an organisation, newest first (at most limit): [{"id",
 * "kind", "subject_type", "subject_id", "state", "submitted_at", "due_at",
 * "decided_at"}]. */
struct json_t *kf_store_org_reviews_json(struct kf_db *db, int64_t org_id, int limit);
/* Notices sent to an organisation's members, one row per notice (not per
 * member), newest first: [{"kind", "title", "body", "created_at",
 * "recipients"}]. */
struct json_t *kf_store_org_notices_json(struct kf_db *db, int64_t org_id, int limit);

/* GOV-7: the ban of a provider remembers the state it found (text, NULL
 * to forget) and when (0 to forget). */
enum kf_err kf_store_org_mark_ban(struct kf_db *db, int64_t id, const char *from, int64_t at) KF_MUST_CHECK;
/* The recorded ban: from ("" when none recorded) and at (0 when none). */
enum kf_err kf_store_org_ban_get(struct kf_db *db, int64_t id, char from[32], int64_t *at) KF_MUST_CHECK;
/* The apps a ban at `at` suspended with it (rule GOV-7, suspended at that
 * very time): [{"id", "app_id"}]. */
struct json_t *kf_store_ban_suspended_apps(struct kf_db *db, int64_t provider_id, int64_t at);

/* The history of an app from the audit log: the rows about it ("app:kf…")
 * and about its reviews ("review:N", with review_kind), newest first, at
 * most limit: [{"at", "action", "actor", "actor_email", "review_kind"}]
 * (actor_email null unless the actor is a person). */
struct json_t *kf_store_app_history_json(struct kf_db *db, int64_t app, const char *app_id, int limit);
/* Authorizations of an app by state: {"active": n, "revoked": n}. */
struct json_t *kf_store_app_authz_counts(struct kf_db *db, int64_t app);
/* Delivery health of an app: {"since", "by_state": {state: n} for events
 * created since `since`, "oldest_pending_at" (null when none), "dead"
 * (every dead event)}. */
struct json_t *kf_store_app_delivery_health(struct kf_db *db, int64_t app, int64_t since);

#endif
