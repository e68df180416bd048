/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Marketing campaigns (GOV-8), table `campaigns` of migration 021: a
 * provider's registration, its list per app and for the operator's staff,
 * and the state changes (decision, cancellation), each made only from the
 * state the caller read in the same transaction.
 */
#ifndef KF_STORE_CAMPAIGNS_H
#define KF_STORE_CAMPAIGNS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/campaign.h"
#include "core/err.h"

struct kf_db;
struct kf_arena;

struct kf_campaign_row {
	int64_t id, app, org;
	const char *app_id;   /* the app's public id */
	const char *org_name; /* the provider's name */
	enum kf_campaign_kind kind;
	enum kf_campaign_state state;
	const char *title, *description;
	int64_t starts_at, ends_at;
	int64_t submitted_by, submitted_at;
	int64_t decided_by, decided_at; /* 0: not decided (nor cancelled) */
	const char *decision_note;      /* NULL: none */
};

/* A new pending campaign; *id its id. KF_EDB. */
enum kf_err kf_store_campaign_insert(struct kf_db *db, const struct kf_campaign_row *c, int64_t now,
				     int64_t *id) KF_MUST_CHECK;

/* One campaign by id, strings in arena a. KF_ENOTFOUND, KF_EDB. */
enum kf_err kf_store_campaign_get(struct kf_db *db, struct kf_arena *a, int64_t id,
				  struct kf_campaign_row *out) KF_MUST_CHECK;

/* An app's campaigns, newest first, after the id `before` (0: from the
 * newest), at most limit. *out in arena a. KF_EDB. */
enum kf_err kf_store_campaigns_of_app(struct kf_db *db, struct kf_arena *a, int64_t app, int64_t before, int limit,
				      struct kf_campaign_row **out, size_t *n) KF_MUST_CHECK;

/* Every provider's campaigns for the staff, by start then id, after the
 * keyset (after_start, after_id) when after is true, at most limit;
 * state < 0 any state; running: approved ones whose window holds now.
 * *out in arena a. KF_EDB. */
enum kf_err kf_store_campaigns_list(struct kf_db *db, struct kf_arena *a, int state, bool running, int64_t now,
				    bool after, int64_t after_start, int64_t after_id, int limit,
				    struct kf_campaign_row **out, size_t *n) KF_MUST_CHECK;

/* Move a campaign from `from` to `to`, recording who, when and the note
 * (NULL: none). KF_ECONFLICT when it is no longer in `from`; KF_EDB. */
enum kf_err kf_store_campaign_set_state(struct kf_db *db, int64_t id, enum kf_campaign_state from,
					enum kf_campaign_state to, int64_t by, const char *note,
					int64_t now) KF_MUST_CHECK;

#endif
