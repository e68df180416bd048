/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Governance rows (migration 021): violations and measures, the queries by
 * app, provider, in force and due, and the apps' market columns kept in
 * step with the measures in force (GOV-1 … GOV-7). Every function runs in
 * the caller's transaction; KF_EDB on a storage error.
 */
#ifndef KF_STORE_GOVERNANCE_H
#define KF_STORE_GOVERNANCE_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "core/governance.h"

struct kf_db;

struct kf_gov_violation_new {
	int64_t app, org;
	const char *kind; /* general | plugin */
	int level, requested_level; /* general; 0 = NULL */
	bool escalated, severe;
	int64_t step; /* plugin; 0 = NULL */
	const char *rule, *evidence, *evidence_files; /* files: JSON array text */
	int64_t created_by; /* 0 = NULL */
	int64_t now;
};
enum kf_err kf_store_gov_violation_insert(struct kf_db *db, const struct kf_gov_violation_new *v,
					  int64_t *id) KF_MUST_CHECK;
/* GOV-4: the provider's general violations applied at level. */
enum kf_err kf_store_gov_violations_at_level(struct kf_db *db, int64_t org, int level, int64_t *n) KF_MUST_CHECK;
/* GOV-5: the provider's plug-in violations so far. */
enum kf_err kf_store_gov_plugin_count(struct kf_db *db, int64_t org, int64_t *n) KF_MUST_CHECK;
/* One violation / an app's violations, newest first, as the API shows
 * them ({"id", "app_id", "kind", "level", "requested_level", "escalated",
 * "severe", "step", "rule", "evidence", "evidence_files", "created_at"});
 * new references, NULL on a storage error (or no such row). */
json_t *kf_store_gov_violation_json(struct kf_db *db, int64_t id);
json_t *kf_store_gov_violations_of_app(struct kf_db *db, int64_t app);

struct kf_gov_measure_new {
	int64_t app; /* 0 = the whole provider */
	int64_t org, violation;
	const struct kf_gov_spec *spec;
	const char *rule, *reason;
	int64_t created_by, now;
};
enum kf_err kf_store_gov_measure_insert(struct kf_db *db, const struct kf_gov_measure_new *m,
					int64_t *id) KF_MUST_CHECK;

struct kf_gov_measure_row {
	int64_t id, app, org, violation;
	enum kf_gov_kind kind;
	char rule[20];
	int64_t weight, started_at, ends_at, min_until, rectified_at, applied_at, ended_at;
	bool needs_rectification, permanent;
	char end_reason[16];
};
enum kf_err kf_store_gov_measure_get(struct kf_db *db, int64_t id, struct kf_gov_measure_row *out) KF_MUST_CHECK;

/* A measure as the API shows it: {"id", "app_id" (null: provider-wide),
 * "provider_id", "violation_id", "kind", "rule", "reason", "weight",
 * "starts_at", "ends_at", "min_until", "needs_rectification",
 * "rectified_at", "applied_at", "ended_at", "end_reason", "created_at",
 * "in_force"}. */
json_t *kf_store_gov_measure_json(struct kf_db *db, int64_t id, int64_t now);

struct kf_gov_measure_filter {
	int in_force;      /* -1 any, 0 not in force, 1 in force */
	const char *kind;  /* NULL any */
	int64_t app;       /* 0 any; the app's own measures and its provider's */
	int64_t org;       /* 0 any */
	int64_t before_id; /* 0: from the newest; else ids below (cursor) */
	int limit;
};
/* Newest first; *next_before (0: no more) for the cursor. */
json_t *kf_store_gov_measures_list(struct kf_db *db, const struct kf_gov_measure_filter *f, int64_t now,
				   int64_t *next_before);

/* The measures in force at now on the app (its own and its provider's),
 * or only the provider-wide ones with app 0. */
enum kf_err kf_store_gov_in_force(struct kf_db *db, int64_t app, int64_t org, int64_t now, struct kf_gov_force *out,
				  size_t cap, size_t *n) KF_MUST_CHECK;

/* The app's market columns as stored, for the doors. */
struct kf_gov_app_flags {
	bool not_recommended, search_banned, new_auth_closed, users_blocked, access_refused;
	int64_t rank_penalty, withdrawn_at;
};
enum kf_err kf_store_gov_app_flags(struct kf_db *db, int64_t app, struct kf_gov_app_flags *out) KF_MUST_CHECK;
enum kf_err kf_store_gov_set_app_flags(struct kf_db *db, int64_t app, const struct kf_gov_effects *e) KF_MUST_CHECK;
enum kf_err kf_store_gov_org_banned(struct kf_db *db, int64_t org, bool *banned) KF_MUST_CHECK;
enum kf_err kf_store_gov_set_org_banned(struct kf_db *db, int64_t org, bool banned) KF_MUST_CHECK;
/* GOV-2: set or clear (at 0) withdrawn_at with the state. */
enum kf_err kf_store_gov_set_withdrawn(struct kf_db *db, int64_t app, enum kf_app_state state, int64_t at,
				       int64_t now) KF_MUST_CHECK;

/* Mark started (applied_at) / ended. KF_ECONFLICT when it already was. */
enum kf_err kf_store_gov_measure_applied(struct kf_db *db, int64_t id, int64_t now) KF_MUST_CHECK;
enum kf_err kf_store_gov_measure_end(struct kf_db *db, int64_t id, const char *reason, bool rectified,
				     int64_t now) KF_MUST_CHECK;

/* Measures whose start has come and are not applied yet, and measures
 * whose end has passed and are not ended yet: [{"id", "due": "start"|"end"}],
 * at most limit. */
json_t *kf_store_gov_due(struct kf_db *db, int64_t now, int limit);

#endif
