/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Working-day calendar for review deadlines (REV-1). A calendar is a fixed
 * UTC offset plus the operator's list of public holidays and make-up working
 * days. Days are int32_t counts of days since 1970-01-01 in local time
 * (negative before it). Everything is pure arithmetic on proleptic Gregorian
 * dates: no mktime/timegm/localtime, which read the process environment.
 *
 * Calendar file format (kf_calendar_parse), UTF-8 text, one entry a line:
 *
 *     # comment line; blank lines are ignored
 *     2026-10-01 holiday   National Day
 *     2026-10-10 workday   make-up working day for National Day
 *
 * - a line is DATE, white space (spaces or tabs), KIND, then optionally white
 *   space or '#' and a free comment; leading/trailing white space and a
 *   trailing CR are ignored;
 * - DATE is YYYY-MM-DD, a valid date in years 0001..9999;
 * - KIND is "holiday" (a day off, even if it is Monday to Friday) or
 *   "workday" (a make-up working day; must fall on a Saturday or Sunday);
 * - a date may appear only once in the file, whatever its kind;
 * - lines may come in any order; the parsed arrays are sorted.
 * Errors name the 1-based line number.
 */
#ifndef KF_CORE_CALENDAR_H
#define KF_CORE_CALENDAR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"

#define KF_CALENDAR_DEFAULT_UTC_OFFSET (8 * 3600) /* China Standard Time */
#define KF_CALENDAR_MAX_ENTRIES 100000            /* cap on parsed lines with a date */
#define KF_CALENDAR_MAX_WORKDAYS 3650             /* larger n is clamped */
/* Timestamps outside 0001-01-01..9999-12-31 (UTC) are clamped into it. */
#define KF_CALENDAR_MIN_TIME INT64_C(-62135596800)
#define KF_CALENDAR_MAX_TIME INT64_C(253402300799)

/*
 * holidays and workdays are sorted ascending (binary search relies on it)
 * and owned by the caller, except after kf_calendar_parse, whose arrays are
 * released with kf_calendar_clear. A date in both arrays counts as a holiday.
 */
struct kf_calendar {
	int32_t utc_offset; /* seconds east of UTC */
	int32_t *holidays;
	size_t n_holidays;
	int32_t *workdays;
	size_t n_workdays;
};

/* Empty calendar (weekends only) at KF_CALENDAR_DEFAULT_UTC_OFFSET. */
void kf_calendar_init(struct kf_calendar *cal);

/* Free the arrays kf_calendar_parse allocated and empty them; keeps
 * utc_offset. Do not call on caller-owned arrays. */
void kf_calendar_clear(struct kf_calendar *cal);

/*
 * Parse text (NUL-terminated, format above) into cal->holidays/workdays.
 * On success the two arrays are replaced by newly allocated ones (old
 * pointers are overwritten, not freed: clear a previously parsed calendar
 * first); utc_offset is left as it is. On failure cal is unchanged.
 * Returns KF_OK or KF_EINVAL "invalid_calendar" (rule REV-1, field
 * "calendar") with "line N: ..." in the message. Aborts when memory runs out.
 */
KF_MUST_CHECK enum kf_err kf_calendar_parse(struct kf_calendar *cal, const char *text,
					    struct kf_error *err);

/* Monday to Friday unless a holiday; Saturday and Sunday only when listed as
 * a make-up working day. */
bool kf_calendar_is_workday(const struct kf_calendar *cal, int32_t day);

/*
 * Review deadline: the last second (23:59:59 local time) of the n-th working
 * day strictly after the local day of `from`, as unix seconds UTC. The day of
 * submission never counts, even when submitted at 00:00 on a working day, so
 * a Friday or Saturday submission with n = 5 is due at the end of the next
 * Friday. n <= 0 gives the end of the day of `from`; n above
 * KF_CALENDAR_MAX_WORKDAYS is clamped.
 */
int64_t kf_calendar_add_workdays(const struct kf_calendar *cal, int64_t from, int n);

/* Local day number of the unix time t under cal's UTC offset. */
int32_t kf_calendar_local_day(const struct kf_calendar *cal, int64_t t);

/* ISO weekday of a day number: 1 = Monday ... 7 = Sunday. */
int kf_calendar_weekday(int32_t day);

/* Day number of a proleptic Gregorian date; the date must be valid
 * (kf_calendar_date_valid). */
int32_t kf_calendar_days_from_civil(int year, int month, int mday);

/* Inverse of kf_calendar_days_from_civil. */
void kf_calendar_civil_from_days(int32_t day, int *year, int *month, int *mday);

/* True for a real date in years 1..9999. */
bool kf_calendar_date_valid(int year, int month, int mday);

#endif
