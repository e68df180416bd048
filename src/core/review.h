/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Rules of the review queue (REV-1) and of the search and display listing
 * applications (REV-2, REV-3, REV-5) as pure functions. Handlers load the
 * facts, call one check here with `now`, and store what it allows in the
 * same transaction.
 */
#ifndef KF_CORE_REVIEW_H
#define KF_CORE_REVIEW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/app.h"
#include "core/calendar.h"
#include "core/err.h"
#include "core/roles.h"

/* What a review decides on. The names are the stored and the API's text. */
enum kf_review_kind {
	KF_REVIEW_QUALIFICATION,   /* "qualification": a provider's application (ONB) */
	KF_REVIEW_AUTHENTICITY,    /* "authenticity": a provider's authenticity check */
	KF_REVIEW_CREATION,        /* "creation": an app's creation review (APP-5) */
	KF_REVIEW_RELEASE,         /* "release": an app's release review (APP-6) */
	KF_REVIEW_CHANGE,          /* "change": a released app's change (APP-7) */
	KF_REVIEW_SEARCH_LISTING,  /* "search_listing" (REV-2) */
	KF_REVIEW_DISPLAY_LISTING, /* "display_listing" (REV-2, REV-3) */
};
#define KF_REVIEW_KIND_COUNT 7

/* Static name; NULL if out of range. */
const char *kf_review_kind_name(enum kf_review_kind k);
/* false (out untouched) for NULL or an unknown name. */
bool kf_review_kind_parse(const char *s, enum kf_review_kind *out);

enum kf_review_state {
	KF_REVIEW_PENDING,   /* "pending" */
	KF_REVIEW_APPROVED,  /* "approved" */
	KF_REVIEW_REJECTED,  /* "rejected" */
	KF_REVIEW_WITHDRAWN, /* "withdrawn": its subject went away */
};
#define KF_REVIEW_STATE_COUNT 4

/* Static name; NULL if out of range. */
const char *kf_review_state_name(enum kf_review_state s);
/* false (out untouched) for NULL or an unknown name. */
bool kf_review_state_parse(const char *s, enum kf_review_state *out);

/*
 * REV-5: is this a decision a reviewer can give? A rejection lists at least
 * one reason: else KF_EINVAL "reasons_required" (rule REV-5, field
 * "reasons"). Checked on the request before the review is read.
 */
KF_MUST_CHECK enum kf_err kf_review_check_decision(bool approve, size_t n_reasons,
						   struct kf_error *err);

/*
 * REV-5: the one state change of a review, a reviewer's decision. In order:
 *   kf_review_check_decision's error;
 *   KF_ECONFLICT "already_decided" (rule REV-5, field "decision") unless
 *       state is pending;
 *   KF_EINVAL "invalid_field" (rule REV-3, field "evidence_holds") when an
 *       evidence finding is given for a review that is not a display
 *       listing's;
 *   KF_EINVAL "invalid_kind" for a kind out of range.
 * On KF_OK *next is approved or rejected.
 */
KF_MUST_CHECK enum kf_err kf_review_decide(enum kf_review_state state, enum kf_review_kind kind,
					   bool approve, size_t n_reasons, bool evidence_given,
					   enum kf_review_state *next, struct kf_error *err);

/* REV-1: a review is overdue when it is still pending and its deadline
 * has passed (due_at < now). */
bool kf_review_overdue(bool pending, int64_t due_at, int64_t now);

/*
 * REV-1: the time left until a deadline in working days of the operator's
 * calendar, as the queue shows it. Counted by local days: the working days
 * after today's up to and including the deadline's day (due at the end of
 * today: 0; at the end of the next working day: 1). Once the deadline has
 * passed (due_at < now) it is negative: minus the working days after the
 * deadline's day up to and including today, at least 1 (overdue by 1 on the
 * weekend after a Friday deadline). Spans above KF_CALENDAR_MAX_WORKDAYS
 * calendar days are clamped.
 */
int kf_review_working_days_left(const struct kf_calendar *cal, int64_t due_at, int64_t now);

/* The staff notices of a pending review (REV-1): "review.new" once it is
 * there, "review.due_soon" when one working day or less is left and
 * "review.overdue" once it is overdue. KF_STAFF_NOTICE_NONE when none is
 * due (only new is ever due for a review with time left above 1). */
enum kf_staff_notice {
	KF_STAFF_NOTICE_NONE,
	KF_STAFF_NOTICE_DUE_SOON,
	KF_STAFF_NOTICE_OVERDUE,
};
enum kf_staff_notice kf_review_deadline_notice(const struct kf_calendar *cal, int64_t due_at, int64_t now);

/*
 * REV-1: may an operator set the assignee of a review? caller_role is the
 * caller's operator role (admin, reviewer, ops; NONE for others);
 * assignee_id 0 clears the assignee; assignee_role is the operator role of
 * the person to assign (NONE when they are not operator staff);
 * current is the review's assignee now (0 = none). Checked in order:
 *   KF_EFORBIDDEN "reviewer_required" unless the caller is a reviewer or
 *       an admin;
 *   REV-1 KF_ECONFLICT "already_decided" when the review is not pending;
 *   REV-1 KF_EINVAL "invalid_assignee" (field assignee_id) when the
 *       assignee is not a reviewer or an admin;
 *   REV-1 KF_EFORBIDDEN "assign_self_only" (field assignee_id) when a
 *       reviewer assigns someone else;
 *   REV-1 KF_ECONFLICT "already_assigned" (field assignee_id) when a
 *       reviewer takes or clears a review assigned to someone else.
 * Admins assign anyone who reviews, and clear any assignee.
 */
KF_MUST_CHECK enum kf_err kf_review_check_assign(enum kf_role caller_role, int64_t caller_id,
						 bool pending, int64_t current, int64_t assignee_id,
						 enum kf_role assignee_role, struct kf_error *err);

/* The two listing applications of a released app (REV-2). */
enum kf_listing_kind {
	KF_LISTING_SEARCH,  /* "search_listing": found by search */
	KF_LISTING_DISPLAY, /* "display_listing": featured (REV-3) */
};

/* Static review kind name ("search_listing", "display_listing"); NULL if
 * out of range. */
const char *kf_listing_kind_name(enum kf_listing_kind k);
/* false (out untouched) for NULL or another name. */
bool kf_listing_kind_parse(const char *s, enum kf_listing_kind *out);
/* The review kind of a listing application, and back (false, out untouched,
 * for a review kind that is not a listing's). */
enum kf_review_kind kf_listing_review_kind(enum kf_listing_kind k);
bool kf_review_listing_kind(enum kf_review_kind k, enum kf_listing_kind *out);

/*
 * REV-2: may the app apply for this listing now? Checked in order:
 *   REV-2 KF_ECONFLICT "app_not_released" unless the app is released;
 *   REV-2 KF_ECONFLICT "already_listed" when the app already has it;
 *   REV-2 KF_ECONFLICT "application_pending" when one of that kind is
 *       under review.
 */
KF_MUST_CHECK enum kf_err kf_listing_check_apply(enum kf_app_state state, enum kf_listing_kind kind,
						 bool already_listed, bool pending,
						 struct kf_error *err);

#define KF_DISPLAY_MIN_TEAM 11     /* REV-3: "more than 10 people" */
#define KF_DISPLAY_MAX_EVIDENCE 10

/* What a provider attests for a display listing (REV-3). */
struct kf_display_attestations {
	bool established_in_field; /* must be true */
	bool has_team_size;
	int64_t team_size;         /* must be > 10 */
	size_t n_evidence;         /* uploaded file ids, 1..KF_DISPLAY_MAX_EVIDENCE */
};

/*
 * REV-3: the attestations of a display listing. KF_EINVAL, rule REV-3, in
 * order: "attestation_required" (field attestations.established_in_field)
 * unless it is true; "attestation_required" (field attestations.team_size)
 * without a team size; "team_too_small" (field attestations.team_size) for
 * 10 people or fewer; "missing_field" (field attestations.evidence) without
 * evidence; "too_many_items" (same field) above KF_DISPLAY_MAX_EVIDENCE.
 */
KF_MUST_CHECK enum kf_err kf_listing_check_attestations(const struct kf_display_attestations *a,
							struct kf_error *err);

/* The reviewer's finding on a display listing's evidence (REV-3). */
enum kf_evidence_finding {
	KF_EVIDENCE_ABSENT = -1, /* not given */
	KF_EVIDENCE_FAILS = 0,
	KF_EVIDENCE_HOLDS = 1,
};

/*
 * REV-3: the decision of a display listing review records whether the
 * evidence holds (KF_EINVAL "evidence_holds_required", field
 * evidence_holds, when absent) and is approved only when it holds
 * (KF_EINVAL "evidence_not_held", same field). A search listing decision
 * takes no finding (KF_EINVAL "invalid_field", field evidence_holds, when
 * one is given).
 */
KF_MUST_CHECK enum kf_err kf_listing_check_decision(enum kf_listing_kind kind, bool approve,
						    enum kf_evidence_finding evidence,
						    struct kf_error *err);

/*
 * REV-5: a reason a reviewer may start from when rejecting: the rule it
 * names, the field concerned and the text in both languages (the reviewer
 * edits it before sending). kinds is a mask of (1u << enum kf_review_kind)
 * the template concerns.
 */
struct kf_reason_template {
	const char *rule;
	const char *field;
	unsigned kinds;
	const char *en, *zh;
};
/* The templates that concern reviews of kind, in the table's order: at most
 * cap written to out; returns how many concern the kind. */
size_t kf_review_reason_templates(enum kf_review_kind kind, const struct kf_reason_template **out, size_t cap);

#endif
