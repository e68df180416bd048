/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Storage of objections (GOV-6): a provider's answer to a measure in force
 * and the operator's decision on it (table objections of migration 021).
 * One pending objection per measure at a time: the write path checks it
 * inside its write transaction, and write transactions run one at a time
 * (store/db.h), so the check and the insert cannot be raced.
 */
#ifndef KF_STORE_OBJECTIONS_H
#define KF_STORE_OBJECTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"

struct kf_db;
struct json_t;

/* What an objection needs to know about its measure. */
struct kf_objection_measure {
	int64_t id;
	int64_t org;          /* the provider the measure concerns */
	char app_id[40];      /* the app's public id; "" for a provider-wide measure */
	char kind[40];
	char rule[24];
	bool in_force;        /* started, not ended, not past its end at now */
};

/* The measure id at now. KF_ENOTFOUND, KF_EDB. */
enum kf_err kf_store_objection_measure(struct kf_db *db, int64_t id, int64_t now,
				       struct kf_objection_measure *out) KF_MUST_CHECK;

/* Is an objection against the measure pending? KF_EDB. */
enum kf_err kf_store_objection_pending_exists(struct kf_db *db, int64_t measure, bool *found) KF_MUST_CHECK;

/* A new pending objection; files is a JSON array text of file ids. KF_EDB. */
enum kf_err kf_store_objection_insert(struct kf_db *db, int64_t measure, int64_t org, const char *text,
				      const char *files, int64_t user, int64_t now, int64_t *id) KF_MUST_CHECK;

struct kf_objection_row {
	int64_t id, measure, org;
	char state[16]; /* pending | upheld | rejected */
};
/* KF_ENOTFOUND, KF_EDB. */
enum kf_err kf_store_objection_get(struct kf_db *db, int64_t id, struct kf_objection_row *out) KF_MUST_CHECK;

/* Decide a pending objection: state "upheld" or "rejected". KF_ECONFLICT
 * when it is no longer pending; KF_EDB. */
enum kf_err kf_store_objection_decide(struct kf_db *db, int64_t id, const char *state, int64_t by,
				      const char *note, int64_t now) KF_MUST_CHECK;

/* One objection as JSON {id, measure_id, provider_id, app_id, measure_kind,
 * rule, text, files: [ids], state, submitted_by, submitted_at, decided_by,
 * decided_at, decision_note} (new reference) or NULL. */
struct json_t *kf_store_objection_json(struct kf_db *db, int64_t id);

/* The objections against a measure, oldest first (the history), as an
 * array of kf_store_objection_json objects (new reference) or NULL. */
struct json_t *kf_store_objections_of_measure(struct kf_db *db, int64_t measure);

/* Objections in state (NULL: every state), oldest first, ids after `after`,
 * at most limit, with provider_name; a new reference or NULL. *total (may
 * be NULL) how many there are in that state. */
struct json_t *kf_store_objections_list(struct kf_db *db, const char *state, int64_t after, int limit,
					int64_t *total);

/* The measures in force at now against the providers user belongs to
 * (on one of their apps or on the whole provider), newest first, at most
 * limit: {id, app_id (null: provider-wide), provider_id, provider_name,
 * kind, rule, reason, starts_at, ends_at, min_until,
 * needs_rectification, objection_pending} (new reference) or NULL. */
struct json_t *kf_store_measures_of_user(struct kf_db *db, int64_t user, int64_t now, int limit);

/* Active operator staff with the role admin or ops, by id, at most max
 * into ids[] (they decide objections). KF_EDB. */
enum kf_err kf_store_objection_deciders(struct kf_db *db, int64_t *ids, size_t max, size_t *n) KF_MUST_CHECK;

#endif
