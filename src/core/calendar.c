/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Working days for REV-1 deadlines. Civil-date conversion is Howard
 * Hinnant's days_from_civil/civil_from_days (exact for the proleptic
 * Gregorian calendar), so results never depend on TZ or the C library's
 * time zone database. Invariant: holiday and workday arrays are sorted, which
 * kf_calendar_parse guarantees and callers building their own must keep.
 */
#include "core/calendar.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SECONDS_PER_DAY 86400

static const char *const weekday_names[] = {
	"", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday",
};

static void *xrealloc(void *p, size_t size)
{
	void *q = realloc(p, size ? size : 1);
	if (!q) {
		fputs("kaifang: out of memory in kf_calendar_parse\n", stderr);
		abort();
	}
	return q;
}

static int64_t floor_div(int64_t a, int64_t b)
{
	int64_t q = a / b;
	if ((a % b != 0) && ((a < 0) != (b < 0)))
		q--;
	return q;
}

static bool is_leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

bool kf_calendar_date_valid(int year, int month, int mday)
{
	static const int mdays[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	if (year < 1 || year > 9999 || month < 1 || month > 12 || mday < 1)
		return false;
	int max = mdays[month - 1] + (month == 2 && is_leap(year));
	return mday <= max;
}

int32_t kf_calendar_days_from_civil(int year, int month, int mday)
{
	int64_t y = year - (month <= 2);
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	int64_t yoe = y - era * 400;
	int64_t doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + mday - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return (int32_t)(era * 146097 + doe - 719468);
}

void kf_calendar_civil_from_days(int32_t day, int *year, int *month, int *mday)
{
	int64_t z = (int64_t)day + 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	int64_t doe = z - era * 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t mp = (5 * doy + 2) / 153;
	int64_t d = doy - (153 * mp + 2) / 5 + 1;
	int64_t m = mp < 10 ? mp + 3 : mp - 9;
	*year = (int)(yoe + era * 400 + (m <= 2));
	*month = (int)m;
	*mday = (int)d;
}

int kf_calendar_weekday(int32_t day)
{
	/* 1970-01-01 (day 0) was a Thursday, ISO 4. */
	int64_t r = ((int64_t)day + 3) % 7;
	if (r < 0)
		r += 7;
	return (int)r + 1;
}

void kf_calendar_init(struct kf_calendar *cal)
{
	memset(cal, 0, sizeof(*cal));
	cal->utc_offset = KF_CALENDAR_DEFAULT_UTC_OFFSET;
}

void kf_calendar_clear(struct kf_calendar *cal)
{
	free(cal->holidays);
	free(cal->workdays);
	cal->holidays = NULL;
	cal->workdays = NULL;
	cal->n_holidays = 0;
	cal->n_workdays = 0;
}

static bool sorted_contains(const int32_t *a, size_t n, int32_t day)
{
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (a[mid] == day)
			return true;
		if (a[mid] < day)
			lo = mid + 1;
		else
			hi = mid;
	}
	return false;
}

bool kf_calendar_is_workday(const struct kf_calendar *cal, int32_t day)
{
	if (sorted_contains(cal->holidays, cal->n_holidays, day))
		return false;
	if (kf_calendar_weekday(day) <= 5)
		return true;
	return sorted_contains(cal->workdays, cal->n_workdays, day);
}

int32_t kf_calendar_local_day(const struct kf_calendar *cal, int64_t t)
{
	if (t < KF_CALENDAR_MIN_TIME)
		t = KF_CALENDAR_MIN_TIME;
	if (t > KF_CALENDAR_MAX_TIME)
		t = KF_CALENDAR_MAX_TIME;
	return (int32_t)floor_div(t + cal->utc_offset, SECONDS_PER_DAY);
}

int64_t kf_calendar_add_workdays(const struct kf_calendar *cal, int64_t from, int n)
{
	int32_t day = kf_calendar_local_day(cal, from);
	if (n > KF_CALENDAR_MAX_WORKDAYS)
		n = KF_CALENDAR_MAX_WORKDAYS;
	/* Terminates: at most n_holidays weekdays are skipped besides weekends. */
	while (n > 0) {
		day++;
		if (kf_calendar_is_workday(cal, day))
			n--;
	}
	return ((int64_t)day + 1) * SECONDS_PER_DAY - 1 - cal->utc_offset;
}

/* ---- parser ---- */

struct entry {
	int32_t day;
	bool holiday;
	size_t line;
};

static int entry_cmp(const void *a, const void *b)
{
	const struct entry *x = a, *y = b;
	if (x->day != y->day)
		return x->day < y->day ? -1 : 1;
	return (x->line > y->line) - (x->line < y->line);
}

static bool is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

static bool two_or_four_digits(const char *p, size_t count, int *value)
{
	int v = 0;
	for (size_t i = 0; i < count; i++) {
		if (p[i] < '0' || p[i] > '9')
			return false;
		v = v * 10 + (p[i] - '0');
	}
	*value = v;
	return true;
}

static enum kf_err parse_error(struct kf_error *err, size_t line, const char *what)
{
	return kf_error_set(err, KF_EINVAL, "invalid_calendar", "REV-1", "calendar",
			    "line %zu: %s", line, what);
}

/* Parse one line [p, end) into e. Returns false for a comment or blank line;
 * sets *rc on a syntax error. */
static bool parse_line(const char *p, const char *end, size_t line, struct entry *e,
		       enum kf_err *rc, struct kf_error *err)
{
	while (p < end && is_blank(*p))
		p++;
	if (p == end || *p == '#')
		return false;
	int y, m, d;
	if (end - p < 10 || p[4] != '-' || p[7] != '-' || !two_or_four_digits(p, 4, &y) ||
	    !two_or_four_digits(p + 5, 2, &m) || !two_or_four_digits(p + 8, 2, &d) ||
	    (p + 10 < end && !is_blank(p[10]))) {
		*rc = parse_error(err, line, "expected a date YYYY-MM-DD at the start of the line");
		return false;
	}
	if (!kf_calendar_date_valid(y, m, d)) {
		*rc = kf_error_set(err, KF_EINVAL, "invalid_calendar", "REV-1", "calendar",
				   "line %zu: %.10s is not a valid date", line, p);
		return false;
	}
	e->day = kf_calendar_days_from_civil(y, m, d);
	e->line = line;
	const char *date = p;
	p += 10;
	while (p < end && is_blank(*p))
		p++;
	const char *kind = p;
	while (p < end && *p >= 'a' && *p <= 'z')
		p++;
	size_t klen = (size_t)(p - kind);
	bool sep_ok = p == end || is_blank(*p) || *p == '#';
	if (sep_ok && klen == 7 && memcmp(kind, "holiday", 7) == 0) {
		e->holiday = true;
	} else if (sep_ok && klen == 7 && memcmp(kind, "workday", 7) == 0) {
		e->holiday = false;
	} else {
		*rc = parse_error(err, line, "expected 'holiday' or 'workday' after the date");
		return false;
	}
	int wd = kf_calendar_weekday(e->day);
	if (!e->holiday && wd <= 5) {
		*rc = kf_error_set(err, KF_EINVAL, "invalid_calendar", "REV-1", "calendar",
				   "line %zu: %.10s is a %s; only a Saturday or Sunday can be a "
				   "make-up workday", line, date, weekday_names[wd]);
		return false;
	}
	return true;
}

enum kf_err kf_calendar_parse(struct kf_calendar *cal, const char *text, struct kf_error *err)
{
	struct entry *entries = NULL;
	size_t n = 0, cap = 0;
	int32_t *hol = NULL, *work = NULL;
	size_t nh = 0, nw = 0;
	enum kf_err rc = KF_OK;

	if (!text) {
		rc = kf_error_set(err, KF_EINVAL, "invalid_calendar", "REV-1", "calendar",
				  "no calendar text");
		goto out;
	}
	size_t line = 0;
	for (const char *p = text; *p; ) {
		const char *nl = strchr(p, '\n');
		const char *end = nl ? nl : p + strlen(p);
		struct entry e;
		line++;
		if (parse_line(p, end, line, &e, &rc, err)) {
			if (n == KF_CALENDAR_MAX_ENTRIES) {
				rc = kf_error_set(err, KF_EINVAL, "invalid_calendar", "REV-1",
						  "calendar", "line %zu: more than %d dated lines",
						  line, KF_CALENDAR_MAX_ENTRIES);
				goto out;
			}
			if (n == cap) {
				cap = cap ? cap * 2 : 64;
				entries = xrealloc(entries, cap * sizeof(*entries));
			}
			entries[n++] = e;
		}
		if (rc != KF_OK)
			goto out;
		p = nl ? nl + 1 : end;
	}

	if (n > 1)
		qsort(entries, n, sizeof(*entries), entry_cmp);
	/* Report the duplicate that appears first in the file. */
	size_t dup = 0;
	for (size_t i = 1; i < n; i++) {
		if (entries[i].day == entries[i - 1].day &&
		    (dup == 0 || entries[i].line < entries[dup].line))
			dup = i;
	}
	if (dup) {
		int y, m, d;
		kf_calendar_civil_from_days(entries[dup].day, &y, &m, &d);
		size_t first = dup;
		while (first > 0 && entries[first - 1].day == entries[dup].day)
			first--;
		rc = kf_error_set(err, KF_EINVAL, "invalid_calendar", "REV-1", "calendar",
				  "line %zu: %04d-%02d-%02d is already listed on line %zu",
				  entries[dup].line, y, m, d, entries[first].line);
		goto out;
	}

	for (size_t i = 0; i < n; i++)
		nh += entries[i].holiday;
	nw = n - nh;
	hol = nh ? xrealloc(NULL, nh * sizeof(*hol)) : NULL;
	work = nw ? xrealloc(NULL, nw * sizeof(*work)) : NULL;
	for (size_t i = 0, ih = 0, iw = 0; i < n; i++) {
		if (entries[i].holiday)
			hol[ih++] = entries[i].day;
		else
			work[iw++] = entries[i].day;
	}
	cal->holidays = hol;
	cal->n_holidays = nh;
	cal->workdays = work;
	cal->n_workdays = nw;
out:
	free(entries);
	return rc;
}
