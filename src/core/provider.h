/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Provider onboarding rules (ONB-1..7, ONB-10, REV-5) as a pure state
 * machine. Handlers load the provider, call one check here with `now`, and
 * store the state it returns in the same transaction.
 *
 *   draft -> qualification_review -> certification -> certified
 *                  |                                   |    ^
 *                  v                                   v    |
 *               rejected -> draft (or re-apply)     reverify_required
 *   any state except banned/cancelled -> banned
 *   any state except banned/cancelled -> cancelled (ONB-10 conditions met)
 *   cancelled -> purged (the retention pass, never a request; final)
 */
#ifndef KF_CORE_PROVIDER_H
#define KF_CORE_PROVIDER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"

enum kf_provider_state {
	KF_PROVIDER_DRAFT,
	KF_PROVIDER_QUALIFICATION_REVIEW,
	KF_PROVIDER_REJECTED,
	KF_PROVIDER_CERTIFICATION,
	KF_PROVIDER_CERTIFIED,
	KF_PROVIDER_REVERIFY_REQUIRED,
	KF_PROVIDER_BANNED,
	KF_PROVIDER_CANCELLED,
	KF_PROVIDER_PURGED, /* ONB-10: a cancelled account's data deleted after retention; final */
};

/* What an organisation is; the names ("provider", "host", "operator") are
 * the stored text. Host and operator organisations are stored "active"
 * (host ones "deleted" when their account goes); the provider states above
 * are a provider's. */
enum kf_org_kind {
	KF_ORG_PROVIDER,
	KF_ORG_HOST,
	KF_ORG_OPERATOR,
};
/* Static name; NULL if out of range. */
const char *kf_org_kind_name(enum kf_org_kind k);
/* false (out untouched) for NULL or an unknown name. */
bool kf_org_kind_parse(const char *s, enum kf_org_kind *out);

/* ONB-10: cancelled or purged: nothing more is done on the account. */
bool kf_provider_closed(enum kf_provider_state s);

#define KF_ONB_LOCK_SECONDS_DEFAULT (INT64_C(180) * 86400)     /* ONB-5 */
#define KF_ONB_RETENTION_SECONDS_DEFAULT (INT64_C(30) * 86400) /* ONB-10 */

/* Operator policy for onboarding. Borrowed pointers must outlive the use. */
struct kf_onb_policy {
	const char *const *excluded_kinds; /* ONB-2, entity kinds refused */
	size_t n_excluded;
	bool individuals_allowed;          /* ONB-2 */
	int64_t lock_seconds;              /* ONB-5, default 180 days */
	int64_t retention_seconds;         /* ONB-10, default 30 days */
};

/* No excluded kinds, individuals not allowed, 180-day lock, 30-day retention. */
struct kf_onb_policy kf_onb_policy_default(void);

/* Static lower-case name of a state ("draft", ...); NULL if out of range. */
const char *kf_provider_state_name(enum kf_provider_state s);

/* Parse a state name; false (out untouched) when s is NULL or unknown. */
bool kf_provider_state_parse(const char *s, enum kf_provider_state *out);

/* Known entity kinds: "company", "individual". */
bool kf_provider_entity_kind_valid(const char *kind);

/* True when the state machine has an edge from -> to (see diagram). */
bool kf_provider_transition_allowed(enum kf_provider_state from, enum kf_provider_state to);

/*
 * May this caller apply (or re-apply) to become a provider? Checked in order:
 *   ONB-1 KF_EFORBIDDEN "owner_required" when the caller is not the owner;
 *   ONB-2 KF_EFORBIDDEN "entity_kind_excluded" (field entity_kind) when the
 *         kind is in policy->excluded_kinds (checked before the known-kind
 *         test, so an operator may exclude kinds this build does not know);
 *   ONB-2 KF_EINVAL "invalid_entity_kind" (field entity_kind) for an unknown
 *         kind;
 *   ONB-2 KF_EFORBIDDEN "individual_not_allowed" (field entity_kind) and
 *         "adult_required" (field adult_with_capacity) for individuals;
 *   ONB-3 KF_ECONFLICT "invalid_state" unless state is draft or rejected.
 * policy NULL means kf_onb_policy_default().
 */
KF_MUST_CHECK enum kf_err kf_provider_check_apply(enum kf_provider_state state,
						  bool caller_is_owner, const char *entity_kind,
						  bool adult_with_capacity,
						  const struct kf_onb_policy *policy,
						  struct kf_error *err);

/* Where the entity data of an application comes from. */
enum kf_provider_entity_source {
	KF_PROVIDER_ENTITY_FROM_APPLICATION, /* ONB-3: name as typed, from licence */
	KF_PROVIDER_ENTITY_REUSE_VERIFIED,   /* ONB-4: reuse the verified entity */
};

struct kf_provider_apply_result {
	enum kf_provider_state next; /* always qualification_review */
	enum kf_provider_entity_source entity_source;
};

/* Outcome of a successful kf_provider_check_apply (ONB-3, ONB-4). */
struct kf_provider_apply_result kf_provider_after_apply(bool entity_already_verified);

struct kf_provider_decision {
	enum kf_provider_state next; /* certification or rejected */
	int64_t bound_until;         /* ONB-5 lock end when approved, else 0 */
	bool resubmittable;          /* true when rejected (REV-1) */
};

/*
 * Qualification review decision. Only from qualification_review (else
 * KF_ECONFLICT "invalid_state", rule REV-5). Approve -> certification with
 * bound_until = now + policy->lock_seconds (ONB-5, saturating). Reject ->
 * rejected, resubmittable; n_reasons must be >= 1 (else KF_EINVAL
 * "reasons_required", rule REV-5, field reasons). policy NULL = default.
 * out is written only on KF_OK.
 */
KF_MUST_CHECK enum kf_err kf_provider_decide(enum kf_provider_state state, bool approve,
					     size_t n_reasons, int64_t now,
					     const struct kf_onb_policy *policy,
					     struct kf_provider_decision *out,
					     struct kf_error *err);

/*
 * Entity certification (ONB-6), from certification or reverify_required
 * (else KF_ECONFLICT "invalid_state", rule ONB-6). From certification with
 * entity_already_certified the step is skipped and the names are not
 * compared. Otherwise kf_name_equal(applied_name, certified_name) must hold,
 * else KF_EINVAL "legal_name_mismatch" (rule ONB-6, field legal_name); a
 * re-verification always compares. On KF_OK *next = certified.
 */
KF_MUST_CHECK enum kf_err kf_provider_certify(enum kf_provider_state state,
					      const char *applied_name,
					      const char *certified_name,
					      bool entity_already_certified,
					      enum kf_provider_state *next, struct kf_error *err);

/* Operator demands re-verification (ONB-7): only from certified, else
 * KF_ECONFLICT "invalid_state" (rule ONB-7). On KF_OK *next =
 * reverify_required. */
KF_MUST_CHECK enum kf_err kf_provider_check_reverify(enum kf_provider_state state,
						     enum kf_provider_state *next,
						     struct kf_error *err);

/* Ban (GOV-7): from any state except banned and cancelled (KF_ECONFLICT
 * "invalid_state", rule GOV-7). On KF_OK *next = banned. */
KF_MUST_CHECK enum kf_err kf_provider_check_ban(enum kf_provider_state state,
						enum kf_provider_state *next,
						struct kf_error *err);

/* What lifting a ban needs to know, gathered by the caller. */
struct kf_lift_facts {
	bool has_from;                 /* the state the ban found is recorded */
	enum kf_provider_state from;   /* that state, when has_from */
	bool review_open;              /* a qualification review is still pending */
	bool has_entity;               /* the account is bound to a verified entity */
};

/*
 * Lift a ban (GOV-6, GOV-7): only from banned, else KF_ECONFLICT
 * "not_banned" (rule GOV-7). The provider goes back to the state the ban
 * found it in, with two exceptions: a qualification_review whose review
 * ended meanwhile (review_open false) becomes rejected, so the owner may
 * apply again; and when the earlier state is unknown (a ban recorded
 * before the state was kept, or a recorded state that cannot be returned
 * to: banned, cancelled, purged), an account bound to an entity goes to
 * reverify_required (live apps keep working, new submissions wait for the
 * entity to be confirmed again, ONB-7) and any other goes to draft. On
 * KF_OK *next is written.
 */
KF_MUST_CHECK enum kf_err kf_provider_check_lift(enum kf_provider_state state, const struct kf_lift_facts *f,
						 enum kf_provider_state *next, struct kf_error *err);

/* ONB-7: only a certified provider may create apps. */
bool kf_provider_may_create_apps(enum kf_provider_state state);

/* ONB-7 gate for new apps and new review submissions: KF_OK when certified;
 * KF_EFORBIDDEN "reverification_pending" in reverify_required; KF_EFORBIDDEN
 * "not_certified" otherwise. Live apps are not affected by this check. */
KF_MUST_CHECK enum kf_err kf_provider_check_submission(enum kf_provider_state state,
						       struct kf_error *err);

/* ONB-5: KF_OK when now >= bound_until, else KF_EFORBIDDEN "entity_locked"
 * (field entity) naming the remaining days. */
KF_MUST_CHECK enum kf_err kf_provider_check_unbind(int64_t bound_until, int64_t now,
						   struct kf_error *err);

/* Facts the store gathers before a cancellation (ONB-10). */
struct kf_cancel_facts {
	bool banned;
	bool under_investigation;
	int open_reviews;
	int unresolved_violations;
	int live_apps_with_authorizations;
	int open_disputes;
};

/*
 * Unmet ONB-10 conditions as static codes, in this order: "banned",
 * "under_investigation", "open_reviews", "unresolved_violations",
 * "live_apps_with_authorizations", "open_disputes". Writes at most max codes
 * (codes may be NULL when max is 0) and returns how many conditions are
 * unmet, which may exceed max. 0 means cancellation may proceed.
 */
size_t kf_provider_cancel_blockers(const struct kf_cancel_facts *facts, const char **codes,
				   size_t max);

/*
 * Cancellation check (ONB-10): KF_ECONFLICT "invalid_state" when already
 * cancelled; KF_ECONFLICT "cancel_blocked" (rule ONB-10, message lists the
 * blocker codes) when kf_provider_cancel_blockers is non-zero or the state is
 * banned (reported as the "banned" blocker). On KF_OK *next = cancelled.
 */
KF_MUST_CHECK enum kf_err kf_provider_check_cancel(enum kf_provider_state state,
						   const struct kf_cancel_facts *facts,
						   enum kf_provider_state *next,
						   struct kf_error *err);

/* When a cancelled account's data is deleted or anonymised (ONB-10):
 * cancelled_at + policy->retention_seconds (saturating; NULL = default). */
int64_t kf_provider_purge_at(int64_t cancelled_at, const struct kf_onb_policy *policy);

/* ---- Authenticity certification (APP-9, the first release stage) ---- */

#define KF_AUTHENTICITY_VALID_DAYS_DEFAULT 365 /* APP-9 (policy) */
#define KF_AUTHENTICITY_MAX_DOCUMENTS 10

/*
 * May this caller submit an authenticity certification (APP-9)? Checked in
 * order:
 *   APP-9 KF_EFORBIDDEN "owner_required" when the caller is not the owner;
 *   ONB-7 the submission gate of kf_provider_check_submission (certified);
 *   APP-9 KF_EINVAL "missing_field" (field documents) without documents, or
 *         "too_many_items" above KF_AUTHENTICITY_MAX_DOCUMENTS;
 *   APP-9 KF_ECONFLICT "authenticity_pending" when one is under review.
 * A still valid certification does not block a renewal.
 */
KF_MUST_CHECK enum kf_err kf_provider_check_authenticity(enum kf_provider_state state,
							 bool caller_is_owner, size_t n_documents,
							 bool pending, struct kf_error *err);

/* APP-9: end of the validity of a certification approved at approved_at:
 * approved_at + valid_days days (saturating; valid_days < 1 counts as 0). */
int64_t kf_provider_authenticity_until(int64_t approved_at, int64_t valid_days);

/* APP-9: is a certification valid at t? Only an approved one, and only
 * while t < valid_until (so it lapses at valid_until itself). */
bool kf_provider_authenticity_valid(bool approved, int64_t valid_until, int64_t t);

#endif
