/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Marketing campaigns (GOV-8): a provider registers a push or a pop-up
 * inside a released app at least KF_CAMPAIGN_LEAD_WORKDAYS working days
 * before it starts; an operator approves or rejects it before its start.
 * Pure rules: the caller passes the operator's calendar and `now`.
 *
 * Lead time: the day of registration never counts (as for review
 * deadlines, REV-1); the earliest start is 00:00 local time of the third
 * working day after the registration day. Registered on a Monday, a
 * campaign may start on Thursday; registered on a Friday, on the next
 * Wednesday (holidays skipped, make-up working days counted).
 */
#ifndef KF_CORE_CAMPAIGN_H
#define KF_CORE_CAMPAIGN_H

#include <stdbool.h>
#include <stdint.h>

#include "core/calendar.h"
#include "core/err.h"

#define KF_CAMPAIGN_LEAD_WORKDAYS 3          /* GOV-8 */
#define KF_CAMPAIGN_MAX_SECONDS (90 * 86400) /* longest window one registration covers */
#define KF_CAMPAIGN_MAX_AHEAD (365 * 86400)  /* latest start: a year ahead */
#define KF_CAMPAIGN_TITLE_MAX 100            /* characters */
#define KF_CAMPAIGN_DESCRIPTION_MAX 2000     /* characters */

enum kf_campaign_kind { KF_CAMPAIGN_PUSH, KF_CAMPAIGN_POPUP };

enum kf_campaign_state {
	KF_CAMPAIGN_PENDING,
	KF_CAMPAIGN_APPROVED,
	KF_CAMPAIGN_REJECTED,
	KF_CAMPAIGN_CANCELLED,
};

/* Stored names ("push", "popup"; "pending", "approved", "rejected",
 * "cancelled"). Parsers return false for anything else (s may be NULL). */
const char *kf_campaign_kind_name(enum kf_campaign_kind k);
bool kf_campaign_kind_parse(const char *s, enum kf_campaign_kind *out);
const char *kf_campaign_state_name(enum kf_campaign_state s);
bool kf_campaign_state_parse(const char *s, enum kf_campaign_state *out);

/* GOV-8: the earliest allowed start of a campaign registered at now
 * (unix seconds, 00:00 local time of the third working day after the
 * registration day). */
int64_t kf_campaign_earliest_start(const struct kf_calendar *cal, int64_t now);

/*
 * The window of a campaign registered at now: KF_EINVAL "campaign_too_soon"
 * (GOV-8, field starts_at, the earliest allowed date YYYY-MM-DD in the
 * message) when it starts before kf_campaign_earliest_start;
 * "invalid_value" (field ends_at) unless it ends after it starts and lasts
 * at most KF_CAMPAIGN_MAX_SECONDS; "invalid_value" (field starts_at) when
 * it starts more than KF_CAMPAIGN_MAX_AHEAD from now.
 */
KF_MUST_CHECK enum kf_err kf_campaign_check_window(const struct kf_calendar *cal, int64_t now, int64_t starts_at,
						   int64_t ends_at, struct kf_error *err);

/* The provider cancels: a pending or approved campaign before it starts.
 * KF_ECONFLICT "campaign_closed" (decided against or cancelled) or
 * "campaign_started" (GOV-8). */
KF_MUST_CHECK enum kf_err kf_campaign_may_cancel(enum kf_campaign_state s, int64_t starts_at, int64_t now,
						 struct kf_error *err);

/* An operator decides: a pending campaign before it starts. KF_ECONFLICT
 * "campaign_decided" (not pending) or "campaign_started" (GOV-8). */
KF_MUST_CHECK enum kf_err kf_campaign_may_decide(enum kf_campaign_state s, int64_t starts_at, int64_t now,
						 struct kf_error *err);

/* Approved and its window [starts_at, ends_at) contains now. */
bool kf_campaign_running(enum kf_campaign_state s, int64_t starts_at, int64_t ends_at, int64_t now);

#endif
