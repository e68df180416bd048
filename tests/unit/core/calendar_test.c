/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Unit tests for src/core/calendar.c: civil-date arithmetic, working days
 * and review deadlines (REV-1), and the calendar file parser. Expected
 * timestamps were computed independently (Python datetime, +08:00).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "core/calendar.h"

/* China 2026 National Day: 10-01..10-07 off, Sunday 09-20 and Saturday 10-10
 * worked. Deliberately unordered, with comments, blank lines and CRLF. */
static const char national_day_2026[] =
	"# China 2026, National Day and Mid-Autumn\n"
	"\n"
	"2026-10-07 holiday\n"
	"2026-10-01 holiday National Day\n"
	"2026-10-02 holiday\r\n"
	"   2026-10-03\tholiday   # Saturday, listed anyway\n"
	"2026-10-04 holiday\n"
	"2026-10-05 holiday\n"
	"2026-10-06 holiday#no space before comment\n"
	"2026-09-20 workday make-up Sunday\n"
	"2026-10-10 workday make-up Saturday\n"
	"  # indented comment\n"
	"\t\n";

static int32_t day_of(int y, int m, int d)
{
	return kf_calendar_days_from_civil(y, m, d);
}

static void test_civil_known_values(void **state)
{
	(void)state;
	assert_int_equal(day_of(1970, 1, 1), 0);
	assert_int_equal(day_of(1969, 12, 31), -1);
	assert_int_equal(day_of(2000, 3, 1), 11017);
	assert_int_equal(day_of(2024, 2, 29), 19782);
	assert_int_equal(day_of(2026, 10, 1), 20727);
	assert_int_equal(day_of(1, 1, 1), -719162);
	assert_int_equal(day_of(9999, 12, 31), 2932896);
	assert_int_equal(kf_calendar_weekday(0), 4);      /* Thursday */
	assert_int_equal(kf_calendar_weekday(-1), 3);     /* Wednesday */
	assert_int_equal(kf_calendar_weekday(20727), 4);  /* 2026-10-01 Thursday */
	assert_int_equal(kf_calendar_weekday(-719162), 1); /* 0001-01-01 Monday */
	assert_int_equal(kf_calendar_weekday(2932896), 5); /* 9999-12-31 Friday */
}

static void test_civil_round_trip(void **state)
{
	(void)state;
	int prev_y = 0, prev_m = 12, prev_d = 31;
	for (int32_t day = day_of(1, 1, 1); day <= day_of(9999, 12, 31); day++) {
		int y, m, d;
		kf_calendar_civil_from_days(day, &y, &m, &d);
		if (!kf_calendar_date_valid(y, m, d) || day_of(y, m, d) != day)
			fail_msg("day %d -> %04d-%02d-%02d does not round-trip", day, y, m, d);
		/* consecutive days are consecutive dates */
		bool next = (y == prev_y && m == prev_m && d == prev_d + 1) ||
			    (y == prev_y && m == prev_m + 1 && d == 1) ||
			    (y == prev_y + 1 && m == 1 && d == 1 && prev_m == 12);
		if (!next)
			fail_msg("%04d-%02d-%02d does not follow %04d-%02d-%02d", y, m, d,
				 prev_y, prev_m, prev_d);
		prev_y = y;
		prev_m = m;
		prev_d = d;
	}
}

static void test_date_valid(void **state)
{
	(void)state;
	assert_true(kf_calendar_date_valid(2024, 2, 29));
	assert_false(kf_calendar_date_valid(2026, 2, 29));
	assert_true(kf_calendar_date_valid(2000, 2, 29));
	assert_false(kf_calendar_date_valid(1900, 2, 29));
	assert_false(kf_calendar_date_valid(2026, 4, 31));
	assert_false(kf_calendar_date_valid(2026, 13, 1));
	assert_false(kf_calendar_date_valid(2026, 0, 1));
	assert_false(kf_calendar_date_valid(2026, 1, 0));
	assert_false(kf_calendar_date_valid(0, 1, 1));
	assert_false(kf_calendar_date_valid(10000, 1, 1));
}

static void test_plain_week_REV_1(void **state)
{
	(void)state;
	struct kf_calendar cal;
	kf_calendar_init(&cal);
	assert_int_equal(cal.utc_offset, 8 * 3600);
	/* Monday 2026-03-02 10:00 +08 */
	assert_int_equal(kf_calendar_add_workdays(&cal, 1772416800, 5), 1773071999);
	assert_int_equal(kf_calendar_add_workdays(&cal, 1772416800, 1), 1772553599);
	assert_int_equal(kf_calendar_add_workdays(&cal, 1772416800, 2), 1772639999);
	assert_true(kf_calendar_is_workday(&cal, day_of(2026, 3, 2)));
	assert_true(kf_calendar_is_workday(&cal, day_of(2026, 3, 6)));
	assert_false(kf_calendar_is_workday(&cal, day_of(2026, 3, 7)));
	assert_false(kf_calendar_is_workday(&cal, day_of(2026, 3, 8)));
}

static void test_submission_day_never_counts_REV_1(void **state)
{
	(void)state;
	struct kf_calendar cal;
	kf_calendar_init(&cal);
	/* Tuesday 2026-03-03 00:00:00 local: Tuesday itself does not count. */
	assert_int_equal(kf_calendar_add_workdays(&cal, 1772467200, 1), 1772639999);
	/* One second earlier is Monday: the first working day is Tuesday. */
	assert_int_equal(kf_calendar_add_workdays(&cal, 1772467199, 1), 1772553599);
}

static void test_submission_on_friday_REV_1(void **state)
{
	(void)state;
	struct kf_calendar cal;
	kf_calendar_init(&cal);
	/* Friday 2026-03-06 17:30 -> end of Friday 2026-03-13 */
	assert_int_equal(kf_calendar_add_workdays(&cal, 1772789400, 5), 1773417599);
}

static void test_submission_on_saturday_REV_1(void **state)
{
	(void)state;
	struct kf_calendar cal;
	kf_calendar_init(&cal);
	/* Saturday 2026-03-07 09:00 and 04:00 local -> end of Friday 03-13 */
	assert_int_equal(kf_calendar_add_workdays(&cal, 1772845200, 5), 1773417599);
	assert_int_equal(kf_calendar_add_workdays(&cal, 1772827200, 5), 1773417599);
}

static void test_utc_offset_decides_the_day_REV_1(void **state)
{
	(void)state;
	struct kf_calendar cal;
	kf_calendar_init(&cal);
	/* 2026-03-08 20:00 UTC is Sunday in UTC but Monday 04:00 in China. */
	assert_int_equal(kf_calendar_local_day(&cal, 1773000000), day_of(2026, 3, 9));
	assert_int_equal(kf_calendar_add_workdays(&cal, 1773000000, 5), 1773676799);
	cal.utc_offset = 0;
	assert_int_equal(kf_calendar_local_day(&cal, 1773000000), day_of(2026, 3, 8));
	assert_int_equal(kf_calendar_add_workdays(&cal, 1773000000, 5), 1773446399);
	/* Before 1970 the day is floored, not truncated. */
	assert_int_equal(kf_calendar_local_day(&cal, -1), -1);
}

static void test_holiday_week_REV_1(void **state)
{
	(void)state;
	struct kf_calendar cal;
	struct kf_error err = { 0 };
	kf_calendar_init(&cal);
	assert_int_equal(kf_calendar_parse(&cal, national_day_2026, &err), KF_OK);
	/* Wednesday 2026-09-30 15:00: Oct 8, 9, 10 (make-up Sat), 12, 13. */
	assert_int_equal(kf_calendar_add_workdays(&cal, 1790751600, 5), 1791907199);
	assert_int_equal(kf_calendar_add_workdays(&cal, 1790751600, 2), 1791561599);
	for (int d = 1; d <= 7; d++)
		assert_false(kf_calendar_is_workday(&cal, day_of(2026, 10, d)));
	assert_true(kf_calendar_is_workday(&cal, day_of(2026, 10, 8)));

	/* Without the make-up day the deadline moves to Wednesday 10-14. */
	struct kf_calendar no_makeup = cal;
	no_makeup.n_workdays = 0;
	assert_int_equal(kf_calendar_add_workdays(&no_makeup, 1790751600, 5), 1791993599);
	kf_calendar_clear(&cal);
	assert_null(cal.holidays);
	assert_int_equal(cal.n_holidays, 0);
}

static void test_makeup_saturday_counted_REV_1(void **state)
{
	(void)state;
	struct kf_calendar cal;
	kf_calendar_init(&cal);
	assert_int_equal(kf_calendar_parse(&cal, national_day_2026, NULL), KF_OK);
	assert_true(kf_calendar_is_workday(&cal, day_of(2026, 10, 10)));  /* Saturday */
	assert_true(kf_calendar_is_workday(&cal, day_of(2026, 9, 20)));   /* Sunday */
	assert_false(kf_calendar_is_workday(&cal, day_of(2026, 10, 17))); /* plain Saturday */
	assert_false(kf_calendar_is_workday(&cal, day_of(2026, 10, 11))); /* plain Sunday */
	/* Friday 2026-10-09 10:00, one working day -> end of Saturday 10-10. */
	assert_int_equal(kf_calendar_add_workdays(&cal, 1791511200, 1), 1791647999);
	kf_calendar_clear(&cal);
}

static void test_caller_owned_arrays_REV_1(void **state)
{
	(void)state;
	int32_t hol[] = { day_of(2026, 3, 10), day_of(2026, 3, 11) }; /* Tue, Wed */
	struct kf_calendar cal;
	kf_calendar_init(&cal);
	cal.holidays = hol;
	cal.n_holidays = 2;
	/* Monday 03-02 10:00, n = 5: Tue 3 .. Mon 9 unaffected. */
	assert_int_equal(kf_calendar_add_workdays(&cal, 1772416800, 5), 1773071999);
	/* n = 6 skips Tue 10 and Wed 11: Thursday 03-12. */
	assert_int_equal(kf_calendar_add_workdays(&cal, 1772416800, 6),
			 1773071999 + 3 * 86400);
	/* A date both holiday and workday counts as a holiday. */
	int32_t work[] = { day_of(2026, 3, 10) };
	cal.workdays = work;
	cal.n_workdays = 1;
	assert_false(kf_calendar_is_workday(&cal, day_of(2026, 3, 10)));
}

static void test_degenerate_counts(void **state)
{
	(void)state;
	struct kf_calendar cal;
	kf_calendar_init(&cal);
	/* n <= 0: end of the day of submission. */
	assert_int_equal(kf_calendar_add_workdays(&cal, 1772416800, 0), 1772467199);
	assert_int_equal(kf_calendar_add_workdays(&cal, 1772416800, -3), 1772467199);
	/* Large n is clamped, and extreme times do not overflow. */
	assert_int_equal(kf_calendar_add_workdays(&cal, 1772416800, 1000000),
			 kf_calendar_add_workdays(&cal, 1772416800, KF_CALENDAR_MAX_WORKDAYS));
	assert_true(kf_calendar_add_workdays(&cal, INT64_MAX, 5) > KF_CALENDAR_MAX_TIME);
	assert_true(kf_calendar_add_workdays(&cal, INT64_MIN, 5) > KF_CALENDAR_MIN_TIME);
}

static void expect_parse_error(const char *text, const char *want)
{
	int32_t sentinel = 42;
	struct kf_calendar cal;
	struct kf_error err = { 0 };
	kf_calendar_init(&cal);
	cal.holidays = &sentinel;
	cal.n_holidays = 1;
	cal.utc_offset = 3600;
	if (kf_calendar_parse(&cal, text, &err) == KF_OK)
		fail_msg("accepted calendar:\n%s", text);
	assert_int_equal(err.code, KF_EINVAL);
	assert_string_equal(err.name, "invalid_calendar");
	assert_string_equal(err.rule, "REV-1");
	assert_string_equal(err.field, "calendar");
	if (!strstr(err.msg, want))
		fail_msg("message '%s' lacks '%s'", err.msg, want);
	/* On failure the calendar is untouched. */
	assert_ptr_equal(cal.holidays, &sentinel);
	assert_int_equal(cal.n_holidays, 1);
	assert_null(cal.workdays);
	assert_int_equal(cal.utc_offset, 3600);
}

static void test_parse_errors_name_line_REV_1(void **state)
{
	(void)state;
	expect_parse_error("2026-10-01 holiday\nOct 2 holiday\n", "line 2: expected a date");
	expect_parse_error("# c\n\n2026-1-01 holiday\n", "line 3: expected a date");
	expect_parse_error("2026-02-30 holiday\n", "line 1: 2026-02-30 is not a valid date");
	expect_parse_error("0000-01-01 holiday\n", "line 1: 0000-01-01 is not a valid date");
	expect_parse_error("2026-10-01 vacation\n", "line 1: expected 'holiday' or 'workday'");
	expect_parse_error("2026-10-01 holidays\n", "line 1: expected 'holiday' or 'workday'");
	expect_parse_error("2026-10-01 Holiday\n", "line 1: expected 'holiday' or 'workday'");
	expect_parse_error("2026-10-01\n", "line 1: expected 'holiday' or 'workday'");
	expect_parse_error("2026-10-01holiday\n", "line 1: expected a date");
	expect_parse_error("\n\n\n\n2026-10-12 workday\n",
			   "line 5: 2026-10-12 is a Monday; only a Saturday or Sunday");
	expect_parse_error("2026-10-03 holiday\n2026-10-02 holiday\n2026-10-03 workday\n",
			   "line 3: 2026-10-03 is already listed on line 1");
	/* The duplicate earliest in the file is reported. */
	expect_parse_error("2026-10-05 holiday\n2026-10-01 holiday\n2026-10-01 holiday\n"
			   "2026-10-05 holiday\n",
			   "line 3: 2026-10-01 is already listed on line 2");
	/* A syntax error wins over a later duplicate, and no trailing newline. */
	expect_parse_error("2026-10-01 holiday\n2026-10-01 holiday\nbad", "line 3:");
	expect_parse_error(NULL, "no calendar text");
}

static void test_parse_success(void **state)
{
	(void)state;
	struct kf_calendar cal;
	struct kf_error err = { 0 };
	kf_calendar_init(&cal);
	cal.utc_offset = -5 * 3600;
	assert_int_equal(kf_calendar_parse(&cal, national_day_2026, &err), KF_OK);
	assert_int_equal(cal.utc_offset, -5 * 3600);
	assert_int_equal(cal.n_holidays, 7);
	assert_int_equal(cal.n_workdays, 2);
	for (size_t i = 0; i < cal.n_holidays; i++)
		assert_int_equal(cal.holidays[i], day_of(2026, 10, 1) + (int32_t)i);
	assert_int_equal(cal.workdays[0], day_of(2026, 9, 20));
	assert_int_equal(cal.workdays[1], day_of(2026, 10, 10));
	kf_calendar_clear(&cal);
	assert_int_equal(cal.utc_offset, -5 * 3600);

	/* Empty and comment-only texts are valid, empty calendars. */
	assert_int_equal(kf_calendar_parse(&cal, "", &err), KF_OK);
	assert_int_equal(cal.n_holidays + cal.n_workdays, 0);
	assert_int_equal(kf_calendar_parse(&cal, "# nothing\n\n", &err), KF_OK);
	assert_int_equal(cal.n_holidays + cal.n_workdays, 0);
	kf_calendar_clear(&cal);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_civil_known_values),
		cmocka_unit_test(test_civil_round_trip),
		cmocka_unit_test(test_date_valid),
		cmocka_unit_test(test_plain_week_REV_1),
		cmocka_unit_test(test_submission_day_never_counts_REV_1),
		cmocka_unit_test(test_submission_on_friday_REV_1),
		cmocka_unit_test(test_submission_on_saturday_REV_1),
		cmocka_unit_test(test_utc_offset_decides_the_day_REV_1),
		cmocka_unit_test(test_holiday_week_REV_1),
		cmocka_unit_test(test_makeup_saturday_counted_REV_1),
		cmocka_unit_test(test_caller_owned_arrays_REV_1),
		cmocka_unit_test(test_degenerate_counts),
		cmocka_unit_test(test_parse_errors_name_line_REV_1),
		cmocka_unit_test(test_parse_success),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
