/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Unit tests for src/core/campaign.c: GOV-8's lead time of 3 working days
 * across weekends and holidays, the window's bounds, and who may still
 * cancel or decide a campaign.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "core/campaign.h"

#define H 3600
#define DAY 86400

/* 00:00 local time (+08:00) of a date, as unix seconds. */
static int64_t local_midnight(int y, int m, int d)
{
	return (int64_t)kf_calendar_days_from_civil(y, m, d) * DAY - 8 * H;
}

static void test_lead_time_weekdays_GOV_8(void **state)
{
	(void)state;
	struct kf_calendar cal;
	kf_calendar_init(&cal);
	/* Monday 2026-11-02 10:00: Tue, Wed, Thu are the three working days */
	int64_t mon = local_midnight(2026, 11, 2) + 10 * H;
	assert_int_equal(kf_campaign_earliest_start(&cal, mon), local_midnight(2026, 11, 5));
	/* even at 00:00 the day of registration does not count */
	assert_int_equal(kf_campaign_earliest_start(&cal, local_midnight(2026, 11, 2)), local_midnight(2026, 11, 5));
	/* 23:59:59 local is still Monday */
	assert_int_equal(kf_campaign_earliest_start(&cal, local_midnight(2026, 11, 3) - 1), local_midnight(2026, 11, 5));
}

static void test_lead_time_across_weekend_GOV_8(void **state)
{
	(void)state;
	struct kf_calendar cal;
	kf_calendar_init(&cal);
	/* Friday 2026-11-06: Mon 9, Tue 10, Wed 11 */
	assert_int_equal(kf_campaign_earliest_start(&cal, local_midnight(2026, 11, 6) + 15 * H), local_midnight(2026, 11, 11));
	/* Saturday and Sunday registrations land on the same Wednesday */
	assert_int_equal(kf_campaign_earliest_start(&cal, local_midnight(2026, 11, 7) + 9 * H), local_midnight(2026, 11, 11));
	assert_int_equal(kf_campaign_earliest_start(&cal, local_midnight(2026, 11, 8) + 23 * H), local_midnight(2026, 11, 11));
}

static void test_lead_time_across_holiday_GOV_8(void **state)
{
	(void)state;
	struct kf_calendar cal;
	kf_calendar_init(&cal);
	/* Thursday 2026-12-31 without holidays: Fri 1, Mon 4, Tue 5 */
	int64_t thu = local_midnight(2026, 12, 31) + 11 * H;
	assert_int_equal(kf_campaign_earliest_start(&cal, thu), local_midnight(2027, 1, 5));
	/* New Year's Day a holiday: Mon 4, Tue 5, Wed 6 */
	int32_t hol[] = {kf_calendar_days_from_civil(2027, 1, 1)};
	cal.holidays = hol;
	cal.n_holidays = 1;
	assert_int_equal(kf_campaign_earliest_start(&cal, thu), local_midnight(2027, 1, 6));
	/* and a make-up working Saturday (2027-01-02) counts again */
	int32_t work[] = {kf_calendar_days_from_civil(2027, 1, 2)};
	cal.workdays = work;
	cal.n_workdays = 1;
	assert_int_equal(kf_campaign_earliest_start(&cal, thu), local_midnight(2027, 1, 5));
}

static void test_window_boundary_GOV_8(void **state)
{
	(void)state;
	struct kf_calendar cal;
	kf_calendar_init(&cal);
	int64_t now = local_midnight(2026, 11, 6) + 15 * H; /* a Friday */
	int64_t earliest = local_midnight(2026, 11, 11);
	struct kf_error err = {0};
	/* exactly 3 working days ahead: allowed */
	assert_int_equal(kf_campaign_check_window(&cal, now, earliest, earliest + DAY, &err), KF_OK);
	/* 2 working days (Tuesday, or a second before Wednesday): refused, naming the earliest date */
	assert_int_equal(kf_campaign_check_window(&cal, now, local_midnight(2026, 11, 10), earliest + DAY, &err),
			 KF_EINVAL);
	assert_string_equal(err.name, "campaign_too_soon");
	assert_string_equal(err.rule, "GOV-8");
	assert_string_equal(err.field, "starts_at");
	assert_non_null(strstr(err.msg, "2026-11-11"));
	memset(&err, 0, sizeof(err));
	assert_int_equal(kf_campaign_check_window(&cal, now, earliest - 1, earliest + DAY, &err), KF_EINVAL);
	assert_string_equal(err.name, "campaign_too_soon");
}

static void test_window_bounds_GOV_8(void **state)
{
	(void)state;
	struct kf_calendar cal;
	kf_calendar_init(&cal);
	int64_t now = local_midnight(2026, 11, 2);
	int64_t s = local_midnight(2026, 11, 20);
	struct kf_error err = {0};
	assert_int_equal(kf_campaign_check_window(&cal, now, s, s, &err), KF_EINVAL);
	assert_string_equal(err.field, "ends_at");
	assert_int_equal(kf_campaign_check_window(&cal, now, s, s - 1, &err), KF_EINVAL);
	assert_int_equal(kf_campaign_check_window(&cal, now, s, s + KF_CAMPAIGN_MAX_SECONDS, &err), KF_OK);
	assert_int_equal(kf_campaign_check_window(&cal, now, s, s + KF_CAMPAIGN_MAX_SECONDS + 1, &err), KF_EINVAL);
	assert_string_equal(err.field, "ends_at");
	assert_int_equal(kf_campaign_check_window(&cal, now, now + KF_CAMPAIGN_MAX_AHEAD + 1,
						  now + KF_CAMPAIGN_MAX_AHEAD + DAY, &err),
			 KF_EINVAL);
	assert_string_equal(err.field, "starts_at");
}

static void test_cancel_and_decide_GOV_8(void **state)
{
	(void)state;
	struct kf_error err = {0};
	int64_t start = 1000000;
	assert_int_equal(kf_campaign_may_cancel(KF_CAMPAIGN_PENDING, start, start - 1, &err), KF_OK);
	assert_int_equal(kf_campaign_may_cancel(KF_CAMPAIGN_APPROVED, start, start - 1, &err), KF_OK);
	assert_int_equal(kf_campaign_may_cancel(KF_CAMPAIGN_APPROVED, start, start, &err), KF_ECONFLICT);
	assert_string_equal(err.name, "campaign_started");
	assert_int_equal(kf_campaign_may_cancel(KF_CAMPAIGN_REJECTED, start, 0, &err), KF_ECONFLICT);
	assert_string_equal(err.name, "campaign_closed");
	assert_int_equal(kf_campaign_may_cancel(KF_CAMPAIGN_CANCELLED, start, 0, &err), KF_ECONFLICT);

	assert_int_equal(kf_campaign_may_decide(KF_CAMPAIGN_PENDING, start, start - 1, &err), KF_OK);
	assert_int_equal(kf_campaign_may_decide(KF_CAMPAIGN_PENDING, start, start, &err), KF_ECONFLICT);
	assert_string_equal(err.name, "campaign_started");
	assert_string_equal(err.rule, "GOV-8");
	assert_int_equal(kf_campaign_may_decide(KF_CAMPAIGN_APPROVED, start, 0, &err), KF_ECONFLICT);
	assert_string_equal(err.name, "campaign_decided");
}

static void test_running_and_names(void **state)
{
	(void)state;
	assert_true(kf_campaign_running(KF_CAMPAIGN_APPROVED, 10, 20, 10));
	assert_true(kf_campaign_running(KF_CAMPAIGN_APPROVED, 10, 20, 19));
	assert_false(kf_campaign_running(KF_CAMPAIGN_APPROVED, 10, 20, 20));
	assert_false(kf_campaign_running(KF_CAMPAIGN_APPROVED, 10, 20, 9));
	assert_false(kf_campaign_running(KF_CAMPAIGN_PENDING, 10, 20, 15));
	enum kf_campaign_kind k;
	enum kf_campaign_state s;
	assert_true(kf_campaign_kind_parse("popup", &k));
	assert_int_equal(k, KF_CAMPAIGN_POPUP);
	assert_false(kf_campaign_kind_parse("banner", &k));
	assert_false(kf_campaign_kind_parse(NULL, &k));
	assert_true(kf_campaign_state_parse("cancelled", &s));
	assert_string_equal(kf_campaign_state_name(s), "cancelled");
	assert_false(kf_campaign_state_parse("Pending", &s));
	assert_string_equal(kf_campaign_kind_name(KF_CAMPAIGN_PUSH), "push");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lead_time_weekdays_GOV_8),
		cmocka_unit_test(test_lead_time_across_weekend_GOV_8),
		cmocka_unit_test(test_lead_time_across_holiday_GOV_8),
		cmocka_unit_test(test_window_boundary_GOV_8),
		cmocka_unit_test(test_window_bounds_GOV_8),
		cmocka_unit_test(test_cancel_and_decide_GOV_8),
		cmocka_unit_test(test_running_and_names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
