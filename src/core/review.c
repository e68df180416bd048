/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Review queue and listing application rules (REV-1, REV-2, REV-3). Pure:
 * no clock, no storage; every refusal names the rule it enforces.
 */
#include "core/review.h"

#include <string.h>

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

static const char *const review_kind_names[] = {
	[KF_REVIEW_QUALIFICATION] = "qualification",
	[KF_REVIEW_AUTHENTICITY] = "authenticity",
	[KF_REVIEW_CREATION] = "creation",
	[KF_REVIEW_RELEASE] = "release",
	[KF_REVIEW_CHANGE] = "change",
	[KF_REVIEW_SEARCH_LISTING] = "search_listing",
	[KF_REVIEW_DISPLAY_LISTING] = "display_listing",
};
_Static_assert(ARRAY_LEN(review_kind_names) == KF_REVIEW_KIND_COUNT, "one name per review kind");

static const char *const review_state_names[] = {
	[KF_REVIEW_PENDING] = "pending",
	[KF_REVIEW_APPROVED] = "approved",
	[KF_REVIEW_REJECTED] = "rejected",
	[KF_REVIEW_WITHDRAWN] = "withdrawn",
};
_Static_assert(ARRAY_LEN(review_state_names) == KF_REVIEW_STATE_COUNT, "one name per review state");

static bool name_parse(const char *const *names, size_t n, const char *s, int *out)
{
	for (size_t i = 0; s && i < n; i++) {
		if (!strcmp(s, names[i])) {
			*out = (int)i;
			return true;
		}
	}
	return false;
}

const char *kf_review_kind_name(enum kf_review_kind k)
{
	return (unsigned)k < KF_REVIEW_KIND_COUNT ? review_kind_names[k] : NULL;
}

bool kf_review_kind_parse(const char *s, enum kf_review_kind *out)
{
	int i;
	if (!name_parse(review_kind_names, KF_REVIEW_KIND_COUNT, s, &i))
		return false;
	*out = (enum kf_review_kind)i;
	return true;
}

const char *kf_review_state_name(enum kf_review_state s)
{
	return (unsigned)s < KF_REVIEW_STATE_COUNT ? review_state_names[s] : NULL;
}

bool kf_review_state_parse(const char *s, enum kf_review_state *out)
{
	int i;
	if (!name_parse(review_state_names, KF_REVIEW_STATE_COUNT, s, &i))
		return false;
	*out = (enum kf_review_state)i;
	return true;
}

enum kf_err kf_review_check_decision(bool approve, size_t n_reasons, struct kf_error *err)
{
	if (!approve && n_reasons == 0)
		return kf_error_set(err, KF_EINVAL, "reasons_required", "REV-5", "reasons",
				    "a rejection lists at least one reason naming a rule and a field");
	return KF_OK;
}

enum kf_err kf_review_decide(enum kf_review_state state, enum kf_review_kind kind, bool approve,
			     size_t n_reasons, bool evidence_given, enum kf_review_state *next,
			     struct kf_error *err)
{
	enum kf_err rc = kf_review_check_decision(approve, n_reasons, err);
	if (rc != KF_OK)
		return rc;
	if (state != KF_REVIEW_PENDING)
		return kf_error_set(err, KF_ECONFLICT, "already_decided", "REV-5", "decision",
				    "this review was already %s",
				    kf_review_state_name(state) ? kf_review_state_name(state) : "closed");
	/* REV-3: only a display listing decision records an evidence finding */
	if (evidence_given && kind != KF_REVIEW_DISPLAY_LISTING)
		return kf_error_set(err, KF_EINVAL, "invalid_field", "REV-3", "evidence_holds",
				    "evidence_holds is recorded for display listing reviews only");
	if (!kf_review_kind_name(kind))
		return kf_error_set(err, KF_EINVAL, "invalid_kind", NULL, NULL, "unknown review kind");
	*next = approve ? KF_REVIEW_APPROVED : KF_REVIEW_REJECTED;
	return KF_OK;
}

bool kf_review_overdue(bool pending, int64_t due_at, int64_t now)
{
	return pending && due_at < now;
}

int kf_review_working_days_left(const struct kf_calendar *cal, int64_t due_at, int64_t now)
{
	bool late = due_at < now;
	int32_t lo = kf_calendar_local_day(cal, late ? due_at : now);
	int32_t hi = kf_calendar_local_day(cal, late ? now : due_at);
	if (hi - lo > KF_CALENDAR_MAX_WORKDAYS)
		lo = hi - KF_CALENDAR_MAX_WORKDAYS;
	int n = 0;
	for (int32_t d = lo + 1; d <= hi; d++)
		n += kf_calendar_is_workday(cal, d);
	if (!late)
		return n;
	return n ? -n : -1;
}

enum kf_staff_notice kf_review_deadline_notice(const struct kf_calendar *cal, int64_t due_at, int64_t now)
{
	if (kf_review_overdue(true, due_at, now))
		return KF_STAFF_NOTICE_OVERDUE;
	return kf_review_working_days_left(cal, due_at, now) <= 1 ? KF_STAFF_NOTICE_DUE_SOON : KF_STAFF_NOTICE_NONE;
}

enum kf_err kf_review_check_assign(enum kf_role caller_role, int64_t caller_id, bool pending, int64_t current,
				   int64_t assignee_id, enum kf_role assignee_role, struct kf_error *err)
{
	if (!kf_role_reviews(caller_role))
		return kf_error_set(err, KF_EFORBIDDEN, "reviewer_required", NULL, NULL,
				    "only reviewers and admins take or assign reviews");
	/* REV-1: the queue assigns open work; a decided review stays as it was. */
	if (!pending)
		return kf_error_set(err, KF_ECONFLICT, "already_decided", "REV-1", NULL,
				    "this review is no longer pending");
	bool admin = caller_role == KF_ROLE_ADMIN;
	if (assignee_id && !kf_role_reviews(assignee_role))
		return kf_error_set(err, KF_EINVAL, "invalid_assignee", "REV-1", "assignee_id",
				    "the assignee must be operator staff with the role reviewer or admin");
	if (admin)
		return KF_OK;
	if (assignee_id && assignee_id != caller_id)
		return kf_error_set(err, KF_EFORBIDDEN, "assign_self_only", "REV-1", "assignee_id",
				    "reviewers assign reviews to themselves; an admin assigns others");
	if (current && current != caller_id)
		return kf_error_set(err, KF_ECONFLICT, "already_assigned", "REV-1", "assignee_id",
				    "this review is assigned to another reviewer; an admin may reassign it");
	return KF_OK;
}

static const char *const kind_names[] = {
	[KF_LISTING_SEARCH] = "search_listing",
	[KF_LISTING_DISPLAY] = "display_listing",
};
#define N_KINDS (sizeof(kind_names) / sizeof(kind_names[0]))

const char *kf_listing_kind_name(enum kf_listing_kind k)
{
	return (unsigned)k < N_KINDS ? kind_names[k] : NULL;
}

bool kf_listing_kind_parse(const char *s, enum kf_listing_kind *out)
{
	for (size_t i = 0; s && i < N_KINDS; i++) {
		if (!strcmp(s, kind_names[i])) {
			*out = (enum kf_listing_kind)i;
			return true;
		}
	}
	return false;
}

enum kf_review_kind kf_listing_review_kind(enum kf_listing_kind k)
{
	return k == KF_LISTING_DISPLAY ? KF_REVIEW_DISPLAY_LISTING : KF_REVIEW_SEARCH_LISTING;
}

bool kf_review_listing_kind(enum kf_review_kind k, enum kf_listing_kind *out)
{
	if (k != KF_REVIEW_SEARCH_LISTING && k != KF_REVIEW_DISPLAY_LISTING)
		return false;
	*out = k == KF_REVIEW_DISPLAY_LISTING ? KF_LISTING_DISPLAY : KF_LISTING_SEARCH;
	return true;
}

static const char *what(enum kf_listing_kind k)
{
	return k == KF_LISTING_DISPLAY ? "display listing" : "search listing";
}

enum kf_err kf_listing_check_apply(enum kf_app_state state, enum kf_listing_kind kind, bool already_listed,
				   bool pending, struct kf_error *err)
{
	/* REV-2: both listings are applied for after the release. */
	if (state != KF_APP_RELEASED) {
		const char *n = kf_app_state_name(state);
		return kf_error_set(err, KF_ECONFLICT, "app_not_released", "REV-2", NULL,
				    "a %s is applied for after the app is released (the app is %s)", what(kind),
				    n ? n : "unknown");
	}
	if (already_listed)
		return kf_error_set(err, KF_ECONFLICT, "already_listed", "REV-2", NULL, "the app already has its %s",
				    what(kind));
	if (pending)
		return kf_error_set(err, KF_ECONFLICT, "application_pending", "REV-2", NULL,
				    "a %s application of this app is already under review", what(kind));
	return KF_OK;
}

enum kf_err kf_listing_check_attestations(const struct kf_display_attestations *a, struct kf_error *err)
{
	if (!a->established_in_field)
		return kf_error_set(err, KF_EINVAL, "attestation_required", "REV-3",
				    "attestations.established_in_field",
				    "a display listing needs the attestation that the provider is established in "
				    "its field (established_in_field: true)");
	if (!a->has_team_size)
		return kf_error_set(err, KF_EINVAL, "attestation_required", "REV-3", "attestations.team_size",
				    "a display listing needs the size of the stable product team (team_size)");
	if (a->team_size < KF_DISPLAY_MIN_TEAM)
		return kf_error_set(err, KF_EINVAL, "team_too_small", "REV-3", "attestations.team_size",
				    "a display listing needs a stable product team of more than 10 people");
	if (a->n_evidence == 0)
		return kf_error_set(err, KF_EINVAL, "missing_field", "REV-3", "attestations.evidence",
				    "attach the evidence of the attestations as uploaded file ids");
	if (a->n_evidence > KF_DISPLAY_MAX_EVIDENCE)
		return kf_error_set(err, KF_EINVAL, "too_many_items", "REV-3", "attestations.evidence",
				    "attach at most %d evidence files", KF_DISPLAY_MAX_EVIDENCE);
	return KF_OK;
}

enum kf_err kf_listing_check_decision(enum kf_listing_kind kind, bool approve, enum kf_evidence_finding evidence,
				      struct kf_error *err)
{
	if (kind != KF_LISTING_DISPLAY) {
		if (evidence != KF_EVIDENCE_ABSENT)
			return kf_error_set(err, KF_EINVAL, "invalid_field", "REV-3", "evidence_holds",
					    "evidence_holds is recorded for display listing reviews only");
		return KF_OK;
	}
	/* REV-3: the reviewer records whether the evidence holds. */
	if (evidence == KF_EVIDENCE_ABSENT)
		return kf_error_set(err, KF_EINVAL, "evidence_holds_required", "REV-3", "evidence_holds",
				    "a display listing decision records whether the evidence holds (evidence_holds)");
	if (approve && evidence != KF_EVIDENCE_HOLDS)
		return kf_error_set(err, KF_EINVAL, "evidence_not_held", "REV-3", "evidence_holds",
				    "a display listing is approved only when its evidence holds");
	return KF_OK;
}
