/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Storage of apps: the app row (state, audience, live and draft config
 * versions), versioned configurations kept as the API's JSON, secrets
 * (hashes only) and the ICP filings of entities that app websites and
 * business domains are checked against (APP-2, APP-4).
 */
#ifndef KF_STORE_APPS_H
#define KF_STORE_APPS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/app.h"
#include "core/err.h"

struct kf_db;
struct kf_arena;
struct json_t;

struct kf_app_row {
	int64_t id;
	char app_id[24];
	int64_t provider_id;
	enum kf_app_state state; /* stored text: kf_app_state_name; unknown text reads as deleted */
	enum kf_app_audience audience; /* stored text: kf_app_audience_name; unknown reads as self_use */
	int64_t live_config_id;  /* 0 = none yet */
	int64_t draft_config_id; /* 0 = no pending draft */
	int64_t review_id;
	int64_t draft_listing_id;   /* 0 = none (LST-*, store/listings.h) */
	int64_t live_listing_id;    /* 0 = none */
	char released_version[32];  /* LST-12: "" before the first release */
};

enum kf_err kf_store_app_insert(struct kf_db *db, const char *app_id, int64_t provider_id, const char *audience,
				int64_t now, int64_t *id) KF_MUST_CHECK;
/* By row id, or by public app id (kf…). Deleted apps are not found. */
enum kf_err kf_store_app_get(struct kf_db *db, int64_t id, struct kf_app_row *out) KF_MUST_CHECK;
enum kf_err kf_store_app_by_appid(struct kf_db *db, const char *app_id, struct kf_app_row *out) KF_MUST_CHECK;
/* The state core's transition chose (deleted also sets deleted_at);
 * KF_EINVAL for a state out of range. */
enum kf_err kf_store_app_set_state(struct kf_db *db, int64_t id, enum kf_app_state to, int64_t now) KF_MUST_CHECK;
/* AUTH-5: suspend the app if it is still in state from (remembered as the
 * state to restore), with the measure's reason and rule. KF_ECONFLICT when
 * its state changed meanwhile. */
enum kf_err kf_store_app_suspend(struct kf_db *db, int64_t id, enum kf_app_state from, const char *reason,
				 const char *rule, int64_t now) KF_MUST_CHECK;
/* An app's suspension as recorded by kf_store_app_suspend; all empty (set
 * false) when it is not suspended or none was recorded. */
struct kf_app_suspension {
	bool set;
	enum kf_app_state from; /* the state to restore */
	char reason[1004]; /* up to 1000 bytes */
	char rule[20];
	int64_t at;
};
enum kf_err kf_store_app_suspension_get(struct kf_db *db, int64_t id, struct kf_app_suspension *out) KF_MUST_CHECK;
/* Lift the suspension: state to, suspension columns cleared. KF_ECONFLICT
 * when the app is no longer suspended. */
enum kf_err kf_store_app_unsuspend(struct kf_db *db, int64_t id, enum kf_app_state to, int64_t now) KF_MUST_CHECK;
/* Apps of a provider (not deleted) as [{"id", "app_id", "state"}] (new
 * reference, NULL on a database error). */
struct json_t *kf_store_provider_app_states(struct kf_db *db, int64_t provider_id);
enum kf_err kf_store_app_set_review(struct kf_db *db, int64_t id, int64_t review_id) KF_MUST_CHECK;
/* Point the app at config versions (0 = NULL) and set its audience. */
enum kf_err kf_store_app_set_configs(struct kf_db *db, int64_t id, int64_t live, int64_t draft,
				     const char *audience, int64_t now) KF_MUST_CHECK;
/* Non-deleted apps of a provider (APP-1). */
enum kf_err kf_store_apps_count(struct kf_db *db, int64_t provider_id, int *n) KF_MUST_CHECK;

/* Insert the next version of an app's configuration. */
enum kf_err kf_store_app_config_insert(struct kf_db *db, int64_t app, const char *config_json, int64_t by,
				       int64_t now, int64_t *id, int *version) KF_MUST_CHECK;
/* The config JSON of a version (new reference) or NULL. */
struct json_t *kf_store_app_config_json(struct kf_db *db, int64_t config_id);
/* Current configurations (draft if any, else live) of the provider's other
 * apps, for the duplicate check (APP-13). New reference: array. */
struct json_t *kf_store_provider_app_configs(struct kf_db *db, int64_t provider_id, int64_t except_app);
/* All versions with their role (live, draft, old). */
struct json_t *kf_store_app_configs_json(struct kf_db *db, int64_t app);
/* Apps of a provider as JSON summaries. */
struct json_t *kf_store_apps_json(struct kf_db *db, int64_t provider_id);

/* The apps of every provider user_id is a member of (not deleted), newest
 * first, for the apps list: [{"app_id", "provider_id", "provider_name",
 * "state", "audience", "name", "created_at", "updated_at"}] (no row ids).
 * provider_id 0 = every provider; state NULL = every state; after_app_id
 * (NULL = from the start) continues after that app; at most limit rows.
 * New reference, NULL on a database error. */
struct json_t *kf_store_apps_of_user_json(struct kf_db *db, int64_t user_id, int64_t provider_id,
					   const char *state, const char *after_app_id, int limit);
/* The newest review of kind (e.g. "creation") of the app: {"state",
 * "submitted_at", "due_at", "decided_at", "reasons"} (reasons parsed), or
 * JSON null when none. New reference, NULL on a database error. */
struct json_t *kf_store_app_review_json(struct kf_db *db, int64_t app, const char *kind);
/* The app's secrets without their hashes, newest first: [{"created_at",
 * "revoked_at", "valid_until"}] (null when not set). New reference, NULL on
 * a database error. */
struct json_t *kf_store_app_secrets_json(struct kf_db *db, int64_t app);

/* Secrets (APP-10): the new one is live; the one live until now stays
 * valid until grace_until (the rotation grace); secrets revoked by earlier
 * rotations and still in their grace end at earlier_until (see
 * kf_app_secret_rotation). */
enum kf_err kf_store_app_secret_add(struct kf_db *db, int64_t app, const char *hash, int64_t now,
				    int64_t grace_until, int64_t earlier_until) KF_MUST_CHECK;
/* The secret of the app with this hash, for kf_app_secret_valid_at to
 * judge: created_at, revoked_at (0 = live) and valid_until (its grace end, 0
 * when none). KF_ENOTFOUND when the app has no such secret. */
struct kf_app_secret_row {
	int64_t created_at, revoked_at, valid_until;
};
enum kf_err kf_store_app_secret_get(struct kf_db *db, int64_t app, const char *hash,
				    struct kf_app_secret_row *out) KF_MUST_CHECK;

/* ICP filings recorded for an entity (APP-2). */
enum kf_err kf_store_icp_add(struct kf_db *db, int64_t entity_id, const char *domain, const char *icp_no,
			     int64_t now) KF_MUST_CHECK;
/* Domains as strings allocated in the arena. */
enum kf_err kf_store_icp_domains(struct kf_db *db, struct kf_arena *a, int64_t entity_id, const char ***out,
				 size_t *n) KF_MUST_CHECK;
struct json_t *kf_store_icp_json(struct kf_db *db, int64_t entity_id);

#endif
