/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Marketplace governance (GOV-1 … GOV-7) as pure functions, time passed
 * in: which measures a violation causes (GOV-3 levels, GOV-4 escalation,
 * GOV-5's plug-in ladder), the further measures of GOV-7 and their
 * validation, when a measure may end ("until rectified" only after its
 * minimum period), what the measures in force mean for an app (its
 * market columns and its state), and the checks the front doors make.
 * Errors name the rule and the request's field.
 */
#ifndef KF_CORE_GOVERNANCE_H
#define KF_CORE_GOVERNANCE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/app.h"
#include "core/err.h"

#define KF_GOV_DAY 86400
#define KF_GOV_L3_MIN_DAYS 15      /* GOV-3 level 3: not recommended at least 15 days */
#define KF_GOV_L2_MIN_DAYS 30      /* GOV-3 level 2: at least 30 days */
#define KF_GOV_PLUGIN_LEAD_DAYS 15 /* GOV-5: the delisting starts 15 days after the warning */
#define KF_GOV_PLUGIN_STEP1_DAYS 90  /* GOV-5: 3 months (counted as 90 days) */
#define KF_GOV_PLUGIN_STEP2_DAYS 180 /* GOV-5: a repeat, 6 months (180 days) */
#define KF_GOV_WEIGHT_MAX 1000     /* GOV-7: points of a ranking adjustment or down-weighting */

enum kf_gov_kind {
	KF_GOV_WARNING,
	KF_GOV_NOT_RECOMMENDED,
	KF_GOV_DELISTED,
	KF_GOV_RANKING_ADJUSTMENT,
	KF_GOV_DOWN_WEIGHT,
	KF_GOV_SEARCH_BAN,
	KF_GOV_REFUSE_ACCESS,
	KF_GOV_CLOSE_NEW_AUTH,
	KF_GOV_BLOCK_USERS,
	KF_GOV_BAN_NEW_APPS,
	KF_GOV_KIND_COUNT
};

/* "warning", "not_recommended", "delisted", "ranking_adjustment",
 * "down_weight", "search_ban", "refuse_access", "close_new_authorizations",
 * "block_existing_users", "ban_new_apps"; NULL out of range. */
const char *kf_gov_kind_name(enum kf_gov_kind k);
bool kf_gov_kind_parse(const char *s, enum kf_gov_kind *out);

/* A measure to record: on the app (provider_wide false) or on every app of
 * its provider. Times in unix seconds; 0 = none. */
struct kf_gov_spec {
	enum kf_gov_kind kind;
	bool provider_wide;
	int64_t starts_at;
	int64_t ends_at;   /* 0: no fixed end */
	int64_t min_until; /* until rectified: the earliest confirmation */
	bool needs_rectification;
	int64_t weight;
	bool permanent;    /* GOV-5 third offence: DATA-3 when it starts */
};

/* GOV-3: 1..3, else KF_EINVAL "invalid_level" (GOV-3, "level"). */
KF_MUST_CHECK enum kf_err kf_gov_level_check(int64_t level, struct kf_error *err);

/*
 * GOV-4: the level applied to a violation asked at requested (1..3) when
 * the same provider already has prior violations applied at that level: a
 * second one is raised one level (3 -> 2, 2 -> 1); level 1 stays 1.
 * *escalated tells whether it was raised.
 */
int kf_gov_escalate(int requested, int64_t prior_at_level, bool *escalated);

/*
 * GOV-3: the measure of a violation at level (1..3) recorded at now:
 * level 3 not_recommended until rectified, at least 15 days (min_until);
 * level 2 the same for 30 days; level 1 delisted without a fixed end.
 */
struct kf_gov_spec kf_gov_level_measure(int level, int64_t now);

/*
 * GOV-5: the measures of the provider's step-th (1, 2, 3, …) plug-in
 * offence recorded at now into out[0..3); returns how many. Not severe: a
 * warning from now, then the delisting from now + 15 days (step 1: 90
 * days; step 2: 180 days; step 3 and later: permanent, DATA-3), with a
 * provider-wide search ban over the same period (for a permanent delisting
 * 180 days). Severe: no warning, the delisting starts at once.
 */
size_t kf_gov_plugin_measures(int64_t step, bool severe, int64_t now, struct kf_gov_spec out[3]);

/*
 * GOV-7: a further measure asked by an operator. kind must be one of
 * ranking_adjustment, down_weight, search_ban, refuse_access,
 * close_new_authorizations, block_existing_users (on an app) or
 * ban_new_apps (on a provider; search_ban may be on either). weight is
 * required for ranking_adjustment (-1000..1000, not 0) and down_weight
 * (1..1000) and refused for the others. starts_at 0 = now, not before
 * now; ends_at 0 = none, else after the start. Errors, KF_EINVAL, rule
 * GOV-7: invalid_kind ("kind"), target_required ("app_id"), invalid_target
 * ("app_id" or "provider_id": the wrong one or both), invalid_weight
 * ("weight"), invalid_start ("starts_at"), invalid_end ("ends_at").
 */
struct kf_gov_request {
	const char *kind;
	bool has_app;
	bool has_provider;
	bool has_weight;
	int64_t weight;
	int64_t starts_at;
	int64_t ends_at;
};
KF_MUST_CHECK enum kf_err kf_gov_measure_check(const struct kf_gov_request *q, int64_t now, struct kf_gov_spec *out,
					       struct kf_error *err);

/* Is a measure in force at now? Started, not ended, and its end (0: none)
 * not yet come. */
bool kf_gov_in_force(int64_t started_at, int64_t ends_at, int64_t ended_at, int64_t now);

enum kf_gov_end { KF_GOV_END_EXPIRED, KF_GOV_END_LIFTED, KF_GOV_END_RECTIFIED, KF_GOV_END_OBJECTION };
/* "expired", "lifted", "rectified", "objection"; NULL out of range. */
const char *kf_gov_end_name(enum kf_gov_end e);

/*
 * May an operator end a measure now for reason ("lifted", "rectified",
 * "objection")? KF_EINVAL "invalid_reason" (GOV-6, "reason");
 * KF_ECONFLICT "measure_ended" (GOV-6) when it already ended;
 * KF_ECONFLICT "not_rectifiable" (GOV-3, "reason") for "rectified" on a
 * measure that does not wait for rectification; KF_ECONFLICT
 * "rectification_too_early" (GOV-3, "reason") before min_until, the
 * message naming the date (UTC).
 */
KF_MUST_CHECK enum kf_err kf_gov_end_check(const char *reason, bool ended, bool needs_rectification,
					   int64_t min_until, int64_t now, enum kf_gov_end *out,
					   struct kf_error *err);

/* A measure in force, as the effects need it. */
struct kf_gov_force {
	enum kf_gov_kind kind;
	int64_t weight;
	int64_t ends_at; /* 0: none */
	bool permanent;
};

/* What the measures in force mean for an app (and its provider). */
struct kf_gov_effects {
	bool delisted;         /* GOV-1: state delisted, tokens end, not installable */
	bool permanent;        /* GOV-5 third offence: DATA-3 */
	int64_t delisted_until; /* 0: no fixed end */
	bool not_recommended;  /* GOV-1: out of lists and search, installable by link */
	bool search_banned;    /* GOV-5, GOV-7 */
	int64_t rank_penalty;  /* GOV-7: points taken off its rank */
	bool new_auth_closed;  /* GOV-7 */
	bool users_blocked;    /* GOV-7 */
	bool access_refused;   /* GOV-7 */
	bool new_apps_banned;  /* GOV-7, on the provider */
};
void kf_gov_effects(const struct kf_gov_force *m, size_t n, struct kf_gov_effects *out);

/*
 * The app's state for its effects: a released or withdrawn app that is to
 * be delisted becomes delisted; a delisted app no longer delisted goes back
 * to released (withdrawn when it had been withdrawn). Other states stay
 * (a suspension or a review is not governance's). Returns the state.
 */
enum kf_app_state kf_gov_next_state(enum kf_app_state cur, bool delisted, bool was_withdrawn);

/*
 * GOV-2: the provider withdraws a released app (-> withdrawn) or puts a
 * withdrawn one back (-> released). KF_ECONFLICT "invalid_state" (GOV-2)
 * otherwise ("already_withdrawn" / "not_withdrawn" for the repeat).
 */
KF_MUST_CHECK enum kf_err kf_gov_withdraw(enum kf_app_state cur, enum kf_app_state *next, struct kf_error *err);
KF_MUST_CHECK enum kf_err kf_gov_relist(enum kf_app_state cur, enum kf_app_state *next, struct kf_error *err);

/* GOV-7 checks at the doors; KF_OK or KF_EFORBIDDEN with rule GOV-7:
 * new_apps_banned (the provider may not create apps), access_refused (the
 * app gets no component token), users_blocked (no authorizer tokens),
 * new_authorizations_closed (no new host accounts; existing ones go on). */
KF_MUST_CHECK enum kf_err kf_gov_check_new_app(bool banned, struct kf_error *err);
KF_MUST_CHECK enum kf_err kf_gov_check_component_token(bool access_refused, struct kf_error *err);
KF_MUST_CHECK enum kf_err kf_gov_check_authorizer_token(bool users_blocked, struct kf_error *err);
KF_MUST_CHECK enum kf_err kf_gov_check_new_authorization(bool closed, bool has_live_authorization,
							 struct kf_error *err);

/* "YYYY-MM-DD" (UTC) of t into buf[11]. */
void kf_gov_date(int64_t t, char buf[11]);

#endif
