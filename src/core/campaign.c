/* SPDX-License-Identifier: Apache-2.0 */
/*
 * GOV-8 marketing campaigns: the lead time in working days, the window's
 * bounds, and who may still cancel or decide. No I/O, no clock.
 */
#include "core/campaign.h"

#include <string.h>

static const char *const kinds[] = {"push", "popup"};
static const char *const states[] = {"pending", "approved", "rejected", "cancelled"};

const char *kf_campaign_kind_name(enum kf_campaign_kind k)
{
	return (unsigned)k < 2 ? kinds[k] : "push";
}

bool kf_campaign_kind_parse(const char *s, enum kf_campaign_kind *out)
{
	for (unsigned i = 0; s && i < 2; i++)
		if (!strcmp(s, kinds[i])) {
			*out = (enum kf_campaign_kind)i;
			return true;
		}
	return false;
}

const char *kf_campaign_state_name(enum kf_campaign_state s)
{
	return (unsigned)s < 4 ? states[s] : "pending";
}

bool kf_campaign_state_parse(const char *s, enum kf_campaign_state *out)
{
	for (unsigned i = 0; s && i < 4; i++)
		if (!strcmp(s, states[i])) {
			*out = (enum kf_campaign_state)i;
			return true;
		}
	return false;
}

int64_t kf_campaign_earliest_start(const struct kf_calendar *cal, int64_t now)
{
	/* the last second of the third working day after today, back to the
	 * first second of that day (local days are all 86400 s long) */
	return kf_calendar_add_workdays(cal, now, KF_CAMPAIGN_LEAD_WORKDAYS) - 86399;
}

enum kf_err kf_campaign_check_window(const struct kf_calendar *cal, int64_t now, int64_t starts_at, int64_t ends_at,
				     struct kf_error *err)
{
	int64_t earliest = kf_campaign_earliest_start(cal, now);
	if (starts_at < earliest) {
		int y, m, d;
		kf_calendar_civil_from_days(kf_calendar_local_day(cal, earliest), &y, &m, &d);
		enum kf_err rc = kf_error_set(err, KF_EINVAL, "campaign_too_soon", "GOV-8", "starts_at",
					      "a campaign must be registered at least %d working days before it "
					      "starts: the earliest start is %04d-%02d-%02d",
					      KF_CAMPAIGN_LEAD_WORKDAYS, y, m, d);
		err->status = 422;
		return rc;
	}
	if (starts_at - now > KF_CAMPAIGN_MAX_AHEAD)
		return kf_error_set(err, KF_EINVAL, "invalid_value", "GOV-8", "starts_at",
				    "a campaign may start at most %d days ahead", KF_CAMPAIGN_MAX_AHEAD / 86400);
	if (ends_at <= starts_at)
		return kf_error_set(err, KF_EINVAL, "invalid_value", "GOV-8", "ends_at",
				    "a campaign must end after it starts");
	if (ends_at - starts_at > KF_CAMPAIGN_MAX_SECONDS)
		return kf_error_set(err, KF_EINVAL, "invalid_value", "GOV-8", "ends_at",
				    "a campaign may last at most %d days", KF_CAMPAIGN_MAX_SECONDS / 86400);
	return KF_OK;
}

enum kf_err kf_campaign_may_cancel(enum kf_campaign_state s, int64_t starts_at, int64_t now, struct kf_error *err)
{
	if (s != KF_CAMPAIGN_PENDING && s != KF_CAMPAIGN_APPROVED)
		return kf_error_set(err, KF_ECONFLICT, "campaign_closed", "GOV-8", NULL, "the campaign is %s",
				    kf_campaign_state_name(s));
	if (now >= starts_at)
		return kf_error_set(err, KF_ECONFLICT, "campaign_started", "GOV-8", NULL,
				    "the campaign has started; it can no longer be cancelled");
	return KF_OK;
}

enum kf_err kf_campaign_may_decide(enum kf_campaign_state s, int64_t starts_at, int64_t now, struct kf_error *err)
{
	if (s != KF_CAMPAIGN_PENDING)
		return kf_error_set(err, KF_ECONFLICT, "campaign_decided", "GOV-8", NULL, "the campaign is %s already",
				    kf_campaign_state_name(s));
	if (now >= starts_at)
		return kf_error_set(err, KF_ECONFLICT, "campaign_started", "GOV-8", NULL,
				    "the campaign's start date has passed; it can no longer be decided");
	return KF_OK;
}

bool kf_campaign_running(enum kf_campaign_state s, int64_t starts_at, int64_t ends_at, int64_t now)
{
	return s == KF_CAMPAIGN_APPROVED && starts_at <= now && now < ends_at;
}
