/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Provider onboarding state machine. The edges live in one table
 * (transitions[]); every check function consults it, so a state change the
 * table does not allow cannot be produced here. Each refusal names the rule
 * it enforces.
 */
#include "core/provider.h"

#include <stdio.h>
#include <string.h>

#include "core/names.h"

#define N_STATES ((int)KF_PROVIDER_PURGED + 1)

static const char *const state_names[N_STATES] = {
	[KF_PROVIDER_DRAFT] = "draft",
	[KF_PROVIDER_QUALIFICATION_REVIEW] = "qualification_review",
	[KF_PROVIDER_REJECTED] = "rejected",
	[KF_PROVIDER_CERTIFICATION] = "certification",
	[KF_PROVIDER_CERTIFIED] = "certified",
	[KF_PROVIDER_REVERIFY_REQUIRED] = "reverify_required",
	[KF_PROVIDER_BANNED] = "banned",
	[KF_PROVIDER_CANCELLED] = "cancelled",
	[KF_PROVIDER_PURGED] = "purged",
};

static const char *const org_kind_names[] = {
	[KF_ORG_PROVIDER] = "provider",
	[KF_ORG_HOST] = "host",
	[KF_ORG_OPERATOR] = "operator",
};

const char *kf_org_kind_name(enum kf_org_kind k)
{
	return (unsigned)k < sizeof(org_kind_names) / sizeof(org_kind_names[0]) ? org_kind_names[k] : NULL;
}

bool kf_org_kind_parse(const char *s, enum kf_org_kind *out)
{
	for (size_t i = 0; s && i < sizeof(org_kind_names) / sizeof(org_kind_names[0]); i++) {
		if (!strcmp(s, org_kind_names[i])) {
			*out = (enum kf_org_kind)i;
			return true;
		}
	}
	return false;
}

bool kf_provider_closed(enum kf_provider_state s)
{
	return s == KF_PROVIDER_CANCELLED || s == KF_PROVIDER_PURGED;
}

/* Edges other than "-> banned" and "-> cancelled", which every state but
 * banned and cancelled has (banned -> cancelled is refused by ONB-10). */
static const struct {
	enum kf_provider_state from, to;
} transitions[] = {
	{ KF_PROVIDER_DRAFT, KF_PROVIDER_QUALIFICATION_REVIEW },         /* ONB-3/4 */
	{ KF_PROVIDER_REJECTED, KF_PROVIDER_QUALIFICATION_REVIEW },      /* REV-1 resubmit */
	{ KF_PROVIDER_REJECTED, KF_PROVIDER_DRAFT },                     /* edit again */
	{ KF_PROVIDER_QUALIFICATION_REVIEW, KF_PROVIDER_REJECTED },      /* REV-5 */
	{ KF_PROVIDER_QUALIFICATION_REVIEW, KF_PROVIDER_CERTIFICATION }, /* ONB-5 */
	{ KF_PROVIDER_CERTIFICATION, KF_PROVIDER_CERTIFIED },            /* ONB-6 */
	{ KF_PROVIDER_CERTIFIED, KF_PROVIDER_REVERIFY_REQUIRED },        /* ONB-7 */
	{ KF_PROVIDER_REVERIFY_REQUIRED, KF_PROVIDER_CERTIFIED },        /* ONB-6/7 */
};

static const char *const entity_kinds[] = { "company", "individual" };

struct kf_onb_policy kf_onb_policy_default(void)
{
	struct kf_onb_policy p = {
		.excluded_kinds = NULL,
		.n_excluded = 0,
		.individuals_allowed = false,
		.lock_seconds = KF_ONB_LOCK_SECONDS_DEFAULT,
		.retention_seconds = KF_ONB_RETENTION_SECONDS_DEFAULT,
	};
	return p;
}

static bool state_valid(enum kf_provider_state s)
{
	return (int)s >= 0 && (int)s < N_STATES;
}

const char *kf_provider_state_name(enum kf_provider_state s)
{
	return state_valid(s) ? state_names[s] : NULL;
}

bool kf_provider_state_parse(const char *s, enum kf_provider_state *out)
{
	if (!s)
		return false;
	for (int i = 0; i < N_STATES; i++) {
		if (strcmp(s, state_names[i]) == 0) {
			*out = (enum kf_provider_state)i;
			return true;
		}
	}
	return false;
}

bool kf_provider_entity_kind_valid(const char *kind)
{
	if (!kind)
		return false;
	for (size_t i = 0; i < sizeof(entity_kinds) / sizeof(entity_kinds[0]); i++) {
		if (strcmp(kind, entity_kinds[i]) == 0)
			return true;
	}
	return false;
}

bool kf_provider_transition_allowed(enum kf_provider_state from, enum kf_provider_state to)
{
	if (!state_valid(from) || !state_valid(to))
		return false;
	if (from == KF_PROVIDER_BANNED || kf_provider_closed(from))
		return false;
	if (to == KF_PROVIDER_PURGED) /* only the retention pass, from cancelled */
		return false;
	if (to == KF_PROVIDER_BANNED || to == KF_PROVIDER_CANCELLED)
		return true;
	for (size_t i = 0; i < sizeof(transitions) / sizeof(transitions[0]); i++) {
		if (transitions[i].from == from && transitions[i].to == to)
			return true;
	}
	return false;
}

static const char *state_str(enum kf_provider_state s)
{
	const char *n = kf_provider_state_name(s);
	return n ? n : "unknown";
}

static enum kf_err invalid_state(struct kf_error *err, const char *rule,
				 enum kf_provider_state from, const char *action)
{
	return kf_error_set(err, KF_ECONFLICT, "invalid_state", rule, NULL,
			    "cannot %s while the provider is %s", action, state_str(from));
}

static int64_t add_saturating(int64_t a, int64_t b)
{
	if (b < 0)
		b = 0;
	return a > INT64_MAX - b ? INT64_MAX : a + b;
}

enum kf_err kf_provider_check_apply(enum kf_provider_state state, bool caller_is_owner,
				    const char *entity_kind, bool adult_with_capacity,
				    const struct kf_onb_policy *policy, struct kf_error *err)
{
	struct kf_onb_policy def = kf_onb_policy_default();
	if (!policy)
		policy = &def;

	/* ONB-1: members and admins of someone else's account may not apply. */
	if (!caller_is_owner)
		return kf_error_set(err, KF_EFORBIDDEN, "owner_required", "ONB-1", NULL,
				    "only the account owner may apply to become a provider");
	/* ONB-2: operator-excluded kinds first, so unknown-to-us kinds read well. */
	for (size_t i = 0; entity_kind && i < policy->n_excluded; i++) {
		if (policy->excluded_kinds[i] && strcmp(entity_kind, policy->excluded_kinds[i]) == 0)
			return kf_error_set(err, KF_EFORBIDDEN, "entity_kind_excluded", "ONB-2",
					    "entity_kind",
					    "accounts of kind '%s' may not apply to become a provider",
					    entity_kind);
	}
	if (!kf_provider_entity_kind_valid(entity_kind))
		return kf_error_set(err, KF_EINVAL, "invalid_entity_kind", "ONB-2", "entity_kind",
				    "entity kind must be 'company' or 'individual'");
	if (strcmp(entity_kind, "individual") == 0) {
		if (!policy->individuals_allowed)
			return kf_error_set(err, KF_EFORBIDDEN, "individual_not_allowed", "ONB-2",
					    "entity_kind",
					    "this platform does not accept individual providers");
		if (!adult_with_capacity)
			return kf_error_set(err, KF_EFORBIDDEN, "adult_required", "ONB-2",
					    "adult_with_capacity",
					    "an individual provider must be an adult with full legal capacity");
	}
	if (!kf_provider_transition_allowed(state, KF_PROVIDER_QUALIFICATION_REVIEW))
		return invalid_state(err, "ONB-3", state, "apply");
	return KF_OK;
}

struct kf_provider_apply_result kf_provider_after_apply(bool entity_already_verified)
{
	struct kf_provider_apply_result r = {
		.next = KF_PROVIDER_QUALIFICATION_REVIEW,
		.entity_source = entity_already_verified ? KF_PROVIDER_ENTITY_REUSE_VERIFIED
							 : KF_PROVIDER_ENTITY_FROM_APPLICATION,
	};
	return r;
}

enum kf_err kf_provider_decide(enum kf_provider_state state, bool approve, size_t n_reasons,
			       int64_t now, const struct kf_onb_policy *policy,
			       struct kf_provider_decision *out, struct kf_error *err)
{
	struct kf_onb_policy def = kf_onb_policy_default();
	if (!policy)
		policy = &def;
	if (state != KF_PROVIDER_QUALIFICATION_REVIEW)
		return invalid_state(err, "REV-5", state, "decide a qualification review");
	if (!approve && n_reasons == 0)
		return kf_error_set(err, KF_EINVAL, "reasons_required", "REV-5", "reasons",
				    "a rejection must list at least one reason");
	if (approve) {
		out->next = KF_PROVIDER_CERTIFICATION;
		out->bound_until = add_saturating(now, policy->lock_seconds); /* ONB-5 */
		out->resubmittable = false;
	} else {
		out->next = KF_PROVIDER_REJECTED;
		out->bound_until = 0;
		out->resubmittable = true;
	}
	return KF_OK;
}

enum kf_err kf_provider_certify(enum kf_provider_state state, const char *applied_name,
				const char *certified_name, bool entity_already_certified,
				enum kf_provider_state *next, struct kf_error *err)
{
	if (!kf_provider_transition_allowed(state, KF_PROVIDER_CERTIFIED))
		return invalid_state(err, "ONB-6", state, "certify the entity");
	bool skip = state == KF_PROVIDER_CERTIFICATION && entity_already_certified;
	if (!skip && !kf_name_equal(applied_name, certified_name))
		return kf_error_set(err, KF_EINVAL, "legal_name_mismatch", "ONB-6", "legal_name",
				    "the certified entity name does not match the name in the "
				    "application");
	*next = KF_PROVIDER_CERTIFIED;
	return KF_OK;
}

enum kf_err kf_provider_check_reverify(enum kf_provider_state state,
				       enum kf_provider_state *next, struct kf_error *err)
{
	if (!kf_provider_transition_allowed(state, KF_PROVIDER_REVERIFY_REQUIRED))
		return invalid_state(err, "ONB-7", state, "demand re-verification");
	*next = KF_PROVIDER_REVERIFY_REQUIRED;
	return KF_OK;
}

enum kf_err kf_provider_check_ban(enum kf_provider_state state, enum kf_provider_state *next,
				  struct kf_error *err)
{
	if (!kf_provider_transition_allowed(state, KF_PROVIDER_BANNED))
		return invalid_state(err, "GOV-7", state, "ban the provider");
	*next = KF_PROVIDER_BANNED;
	return KF_OK;
}

enum kf_err kf_provider_check_lift(enum kf_provider_state state, const struct kf_lift_facts *f,
				   enum kf_provider_state *next, struct kf_error *err)
{
	if (state != KF_PROVIDER_BANNED)
		return kf_error_set(err, KF_ECONFLICT, "not_banned", "GOV-7", NULL,
				    "cannot lift a ban while the provider is %s", state_str(state));
	enum kf_provider_state to = f->has_from ? f->from : KF_PROVIDER_BANNED;
	if (!state_valid(to) || to == KF_PROVIDER_BANNED || kf_provider_closed(to))
		to = f->has_entity ? KF_PROVIDER_REVERIFY_REQUIRED : KF_PROVIDER_DRAFT;
	else if (to == KF_PROVIDER_QUALIFICATION_REVIEW && !f->review_open)
		to = KF_PROVIDER_REJECTED;
	*next = to;
	return KF_OK;
}

bool kf_provider_may_create_apps(enum kf_provider_state state)
{
	return state == KF_PROVIDER_CERTIFIED; /* ONB-7 */
}

enum kf_err kf_provider_check_submission(enum kf_provider_state state, struct kf_error *err)
{
	if (kf_provider_may_create_apps(state))
		return KF_OK;
	if (state == KF_PROVIDER_REVERIFY_REQUIRED)
		return kf_error_set(err, KF_EFORBIDDEN, "reverification_pending", "ONB-7", NULL,
				    "re-verification is pending; new submissions are blocked "
				    "until it passes");
	return kf_error_set(err, KF_EFORBIDDEN, "not_certified", "ONB-7", NULL,
			    "only a certified provider may submit apps (provider is %s)",
			    state_str(state));
}

enum kf_err kf_provider_check_unbind(int64_t bound_until, int64_t now, struct kf_error *err)
{
	if (now >= bound_until)
		return KF_OK;
	/* now < bound_until, so the difference is positive; avoid overflow by
	 * working in unsigned arithmetic. */
	uint64_t left = (uint64_t)bound_until - (uint64_t)now;
	uint64_t days = left / 86400 + (left % 86400 != 0);
	return kf_error_set(err, KF_EFORBIDDEN, "entity_locked", "ONB-5", "entity",
			    "the account is bound to its entity for another %llu day(s)",
			    (unsigned long long)days);
}

size_t kf_provider_cancel_blockers(const struct kf_cancel_facts *f, const char **codes,
				   size_t max)
{
	const struct {
		bool unmet;
		const char *code;
	} conds[] = {
		{ f->banned, "banned" },
		{ f->under_investigation, "under_investigation" },
		{ f->open_reviews > 0, "open_reviews" },
		{ f->unresolved_violations > 0, "unresolved_violations" },
		{ f->live_apps_with_authorizations > 0, "live_apps_with_authorizations" },
		{ f->open_disputes > 0, "open_disputes" },
	};
	size_t n = 0;
	for (size_t i = 0; i < sizeof(conds) / sizeof(conds[0]); i++) {
		if (!conds[i].unmet)
			continue;
		if (n < max)
			codes[n] = conds[i].code;
		n++;
	}
	return n;
}

enum kf_err kf_provider_check_cancel(enum kf_provider_state state,
				     const struct kf_cancel_facts *facts,
				     enum kf_provider_state *next, struct kf_error *err)
{
	if (kf_provider_closed(state) || !state_valid(state))
		return invalid_state(err, "ONB-10", state, "cancel the account");
	struct kf_cancel_facts f = *facts;
	if (state == KF_PROVIDER_BANNED)
		f.banned = true;
	const char *codes[6];
	size_t n = kf_provider_cancel_blockers(&f, codes, 6);
	if (n > 0) {
		char list[160];
		size_t len = 0;
		list[0] = '\0';
		for (size_t i = 0; i < n && len < sizeof(list); i++) {
			int w = snprintf(list + len, sizeof(list) - len, "%s%s", i ? ", " : "",
					 codes[i]);
			if (w < 0)
				break;
			len += (size_t)w;
		}
		return kf_error_set(err, KF_ECONFLICT, "cancel_blocked", "ONB-10", NULL,
				    "the account cannot be cancelled yet: %s", list);
	}
	*next = KF_PROVIDER_CANCELLED;
	return KF_OK;
}

int64_t kf_provider_purge_at(int64_t cancelled_at, const struct kf_onb_policy *policy)
{
	int64_t keep = policy ? policy->retention_seconds : KF_ONB_RETENTION_SECONDS_DEFAULT;
	return add_saturating(cancelled_at, keep);
}

enum kf_err kf_provider_check_authenticity(enum kf_provider_state state, bool caller_is_owner,
					   size_t n_documents, bool pending, struct kf_error *err)
{
	/* APP-9: the provider's owner speaks for its authenticity. */
	if (!caller_is_owner)
		return kf_error_set(err, KF_EFORBIDDEN, "owner_required", "APP-9", NULL,
				    "only the owner of the provider account may certify its authenticity");
	/* ONB-7: a new submission needs a certified provider. */
	enum kf_err rc = kf_provider_check_submission(state, err);
	if (rc != KF_OK)
		return rc;
	if (n_documents == 0)
		return kf_error_set(err, KF_EINVAL, "missing_field", "APP-9", "documents",
				    "attach at least one document as an uploaded file id");
	if (n_documents > KF_AUTHENTICITY_MAX_DOCUMENTS)
		return kf_error_set(err, KF_EINVAL, "too_many_items", "APP-9", "documents",
				    "attach at most %d documents", KF_AUTHENTICITY_MAX_DOCUMENTS);
	if (pending)
		return kf_error_set(err, KF_ECONFLICT, "authenticity_pending", "APP-9", NULL,
				    "an authenticity certification of this provider is already under review");
	return KF_OK;
}

int64_t kf_provider_authenticity_until(int64_t approved_at, int64_t valid_days)
{
	if (valid_days < 1)
		return approved_at;
	if (valid_days > INT64_MAX / 86400)
		return INT64_MAX;
	return add_saturating(approved_at, valid_days * 86400);
}

bool kf_provider_authenticity_valid(bool approved, int64_t valid_until, int64_t t)
{
	return approved && t < valid_until;
}
