/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Unit tests for src/core/agreement.c: publishing agreement versions,
 * current versions, pending consents and consent checks (ONB-12).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "core/agreement.h"

#define DAY INT64_C(86400)
#define T0 INT64_C(1767225600) /* 2026-01-01 00:00 UTC */

/* terms: v1 from T0, v2 from T0+30d, v3 upcoming at T0+90d.
 * privacy: v1 from T0, v2 from T0+10d. marketing: optional. fees: upcoming. */
static const struct kf_agreement all[] = {
	{ "terms", 1, T0, 0, true },
	{ "privacy", 1, T0, 0, true },
	{ "terms", 2, T0 + 30 * DAY, 15, true },
	{ "marketing", 1, T0, 0, false },
	{ "terms", 3, T0 + 90 * DAY, 15, true },
	{ "privacy", 2, T0 + 10 * DAY, 7, true },
	{ "fees", 1, T0 + 200 * DAY, 0, true },
};
#define N_ALL (sizeof(all) / sizeof(all[0]))

static void assert_error(const struct kf_error *err, enum kf_err code, const char *name,
			 const char *field)
{
	assert_int_equal(err->code, code);
	assert_string_equal(err->name, name);
	assert_string_equal(err->rule, "ONB-12");
	assert_string_equal(err->field, field);
}

static void test_key_format_ONB_12(void **state)
{
	(void)state;
	char key[80];
	assert_true(kf_agreement_key_valid("terms"));
	assert_true(kf_agreement_key_valid("developer-fees_2026"));
	assert_false(kf_agreement_key_valid(""));
	assert_false(kf_agreement_key_valid(NULL));
	assert_false(kf_agreement_key_valid("Terms"));
	assert_false(kf_agreement_key_valid("terms of use"));
	assert_false(kf_agreement_key_valid("terms/v2"));
	memset(key, 'k', 64);
	key[64] = '\0';
	assert_true(kf_agreement_key_valid(key));
	key[64] = 'k';
	key[65] = '\0';
	assert_false(kf_agreement_key_valid(key));

	struct kf_agreement a = { "Bad Key", 1, T0, 0, true };
	struct kf_error err = { 0 };
	assert_int_equal(kf_agreement_check_publish(&a, 0, T0, &err), KF_EINVAL);
	assert_error(&err, KF_EINVAL, "invalid_agreement_key", "key");
	assert_int_equal(kf_agreement_check_publish(NULL, 0, T0, &err), KF_EINVAL);
}

static void test_publish_first_version_ONB_12(void **state)
{
	(void)state;
	struct kf_error err = { 0 };
	struct kf_agreement a = { "terms", 1, T0, 15, true };
	/* The first version needs no notice: nobody consented to anything yet. */
	assert_int_equal(kf_agreement_check_publish(&a, 0, T0, &err), KF_OK);
	assert_int_equal(kf_agreement_check_publish(&a, 0, T0 + DAY, &err), KF_OK);
	a.version = 2;
	assert_int_equal(kf_agreement_check_publish(&a, 0, T0, &err), KF_ECONFLICT);
	assert_error(&err, KF_ECONFLICT, "version_not_next", "version");
}

static void test_publish_version_must_be_next_ONB_12(void **state)
{
	(void)state;
	struct kf_error err = { 0 };
	struct kf_agreement a = { "terms", 3, T0 + 20 * DAY, 15, true };
	assert_int_equal(kf_agreement_check_publish(&a, 2, T0, &err), KF_OK);
	assert_int_equal(kf_agreement_check_publish(&a, 3, T0, &err), KF_ECONFLICT);
	assert_error(&err, KF_ECONFLICT, "version_not_next", "version");
	assert_non_null(strstr(err.msg, "must be 4"));
	assert_int_equal(kf_agreement_check_publish(&a, 1, T0, &err), KF_ECONFLICT);
	assert_int_equal(kf_agreement_check_publish(&a, -1, T0, &err), KF_ECONFLICT);
	a.version = INT32_MIN;
	assert_int_equal(kf_agreement_check_publish(&a, INT32_MAX, T0, &err), KF_ECONFLICT);
}

static void test_publish_notice_days_range_ONB_12(void **state)
{
	(void)state;
	struct kf_error err = { 0 };
	struct kf_agreement a = { "terms", 2, T0 + 400 * DAY, -1, true };
	assert_int_equal(kf_agreement_check_publish(&a, 1, T0, &err), KF_EINVAL);
	assert_error(&err, KF_EINVAL, "invalid_notice_days", "notice_days");
	a.notice_days = 366;
	assert_int_equal(kf_agreement_check_publish(&a, 1, T0, &err), KF_EINVAL);
	a.notice_days = 365;
	assert_int_equal(kf_agreement_check_publish(&a, 1, T0, &err), KF_OK);
	a.notice_days = 0;
	a.effective_at = T0;
	assert_int_equal(kf_agreement_check_publish(&a, 1, T0, &err), KF_OK);
}

static void test_notice_too_short_ONB_12(void **state)
{
	(void)state;
	struct kf_error err = { 0 };
	struct kf_agreement a = { "terms", 2, T0 + 15 * DAY, 15, true };
	assert_int_equal(kf_agreement_check_publish(&a, 1, T0, &err), KF_OK);
	a.effective_at = T0 + 15 * DAY - 60; /* within the clock-skew slack */
	assert_int_equal(kf_agreement_check_publish(&a, 1, T0, &err), KF_OK);
	a.effective_at = T0 + 15 * DAY - 61;
	assert_int_equal(kf_agreement_check_publish(&a, 1, T0, &err), KF_EINVAL);
	assert_error(&err, KF_EINVAL, "notice_too_short", "effective_at");
	a.effective_at = T0 + 14 * DAY;
	assert_int_equal(kf_agreement_check_publish(&a, 1, T0, &err), KF_EINVAL);
	/* 60-day notice for ending a service, effective after 30 days: refused. */
	a.notice_days = 60;
	a.effective_at = T0 + 30 * DAY;
	assert_int_equal(kf_agreement_check_publish(&a, 1, T0, &err), KF_EINVAL);
	/* Absurd clocks saturate instead of overflowing. */
	assert_int_equal(kf_agreement_check_publish(&a, 1, INT64_MAX, &err), KF_EINVAL);
	a.notice_days = 0;
	a.effective_at = INT64_MIN;
	assert_int_equal(kf_agreement_check_publish(&a, 1, INT64_MIN, &err), KF_OK);
}

static void test_current_version_ONB_12(void **state)
{
	(void)state;
	const struct kf_agreement *c;
	assert_null(kf_agreement_current(all, N_ALL, "terms", T0 - 1));
	c = kf_agreement_current(all, N_ALL, "terms", T0);
	assert_non_null(c);
	assert_int_equal(c->version, 1);
	c = kf_agreement_current(all, N_ALL, "terms", T0 + 30 * DAY - 1);
	assert_int_equal(c->version, 1);
	c = kf_agreement_current(all, N_ALL, "terms", T0 + 30 * DAY);
	assert_int_equal(c->version, 2);
	c = kf_agreement_current(all, N_ALL, "terms", T0 + 365 * DAY);
	assert_int_equal(c->version, 3);
	assert_ptr_equal(c, &all[4]);
	assert_null(kf_agreement_current(all, N_ALL, "fees", T0 + 100 * DAY));
	assert_null(kf_agreement_current(all, N_ALL, "unknown", T0 + 100 * DAY));
	assert_null(kf_agreement_current(all, 0, "terms", T0 + 100 * DAY));

	/* A higher version taking effect earlier supersedes the lower one. */
	const struct kf_agreement odd[] = {
		{ "terms", 1, T0, 0, true },
		{ "terms", 2, T0 + 60 * DAY, 60, true },
		{ "terms", 3, T0 + 20 * DAY, 15, true },
	};
	c = kf_agreement_current(odd, 3, "terms", T0 + 30 * DAY);
	assert_int_equal(c->version, 3);
	c = kf_agreement_current(odd, 3, "terms", T0 + 70 * DAY);
	assert_int_equal(c->version, 3);
}

static void test_pending_consents_ONB_12(void **state)
{
	(void)state;
	const struct kf_agreement *out[8];
	/* A new user at T0 has consented to nothing: terms v1 and privacy v1. */
	assert_int_equal(kf_agreement_pending(all, N_ALL, NULL, 0, T0, out, 8), 2);
	assert_ptr_equal(out[0], &all[0]);
	assert_ptr_equal(out[1], &all[1]);

	/* Consented to both at T0; after privacy v2 takes effect it is pending. */
	const struct kf_consent c1[] = { { "terms", 1 }, { "privacy", 1 } };
	assert_int_equal(kf_agreement_pending(all, N_ALL, c1, 2, T0 + DAY, out, 8), 0);
	assert_int_equal(kf_agreement_pending(all, N_ALL, c1, 2, T0 + 10 * DAY, out, 8), 1);
	assert_ptr_equal(out[0], &all[5]);
	/* Later terms v2 too, in order of first appearance of the key. */
	assert_int_equal(kf_agreement_pending(all, N_ALL, c1, 2, T0 + 40 * DAY, out, 8), 2);
	assert_ptr_equal(out[0], &all[2]);
	assert_ptr_equal(out[1], &all[5]);
	/* Only max pointers are written; the count is still the total. */
	out[1] = NULL;
	assert_int_equal(kf_agreement_pending(all, N_ALL, c1, 2, T0 + 40 * DAY, out, 1), 2);
	assert_null(out[1]);
	assert_int_equal(kf_agreement_pending(all, N_ALL, c1, 2, T0 + 40 * DAY, NULL, 0), 2);
}

static void test_pending_consent_versions_ONB_12(void **state)
{
	(void)state;
	const struct kf_agreement *out[8];
	/* Consents to the current versions clear everything (marketing is optional,
	 * fees not yet in effect). */
	const struct kf_consent cur[] = { { "privacy", 2 }, { "terms", 2 } };
	assert_int_equal(kf_agreement_pending(all, N_ALL, cur, 2, T0 + 40 * DAY, out, 8), 0);
	/* Consenting early to upcoming terms v3 also covers v2. */
	const struct kf_consent early[] = { { "privacy", 2 }, { "terms", 3 } };
	assert_int_equal(kf_agreement_pending(all, N_ALL, early, 2, T0 + 40 * DAY, out, 8), 0);
	/* Once fees v1 takes effect it is pending too. */
	assert_int_equal(kf_agreement_pending(all, N_ALL, early, 2, T0 + 200 * DAY, out, 8), 1);
	assert_ptr_equal(out[0], &all[6]);
	/* A consent to an older version, or to another key, does not count. */
	const struct kf_consent old[] = { { "privacy", 1 }, { "terms", 2 }, { "fees", 0 } };
	assert_int_equal(kf_agreement_pending(all, N_ALL, old, 3, T0 + 200 * DAY, out, 8), 3);
	assert_ptr_equal(out[0], &all[4]);
	assert_ptr_equal(out[1], &all[5]);
	assert_ptr_equal(out[2], &all[6]);
	const struct kf_consent wrong_key[] = { { "terms-v2", 9 }, { NULL, 9 } };
	assert_int_equal(kf_agreement_pending(all, N_ALL, wrong_key, 2, T0 + 40 * DAY, out, 8),
			 2);
}

static void test_check_consent_ONB_12(void **state)
{
	(void)state;
	struct kf_error err = { 0 };
	int64_t now = T0 + 40 * DAY; /* terms: v1 old, v2 current, v3 upcoming */
	assert_int_equal(kf_agreement_check_consent(all, N_ALL, "terms", 2, now, &err), KF_OK);
	assert_int_equal(kf_agreement_check_consent(all, N_ALL, "terms", 3, now, &err), KF_OK);
	assert_int_equal(kf_agreement_check_consent(all, N_ALL, "terms", 1, now, &err),
			 KF_ECONFLICT);
	assert_error(&err, KF_ECONFLICT, "version_superseded", "version");
	assert_int_equal(kf_agreement_check_consent(all, N_ALL, "terms", 4, now, &err),
			 KF_ENOTFOUND);
	assert_error(&err, KF_ENOTFOUND, "agreement_not_found", "version");
	assert_int_equal(kf_agreement_check_consent(all, N_ALL, "nothing", 1, now, &err),
			 KF_ENOTFOUND);
	assert_int_equal(kf_agreement_check_consent(all, N_ALL, NULL, 1, now, &err),
			 KF_ENOTFOUND);
	/* No version in effect yet: the upcoming one may be accepted. */
	assert_int_equal(kf_agreement_check_consent(all, N_ALL, "fees", 1, now, &err), KF_OK);
	/* After v3 takes effect v2 is superseded. */
	assert_int_equal(kf_agreement_check_consent(all, N_ALL, "terms", 2, T0 + 90 * DAY, &err),
			 KF_ECONFLICT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_key_format_ONB_12),
		cmocka_unit_test(test_publish_first_version_ONB_12),
		cmocka_unit_test(test_publish_version_must_be_next_ONB_12),
		cmocka_unit_test(test_publish_notice_days_range_ONB_12),
		cmocka_unit_test(test_notice_too_short_ONB_12),
		cmocka_unit_test(test_current_version_ONB_12),
		cmocka_unit_test(test_pending_consents_ONB_12),
		cmocka_unit_test(test_pending_consent_versions_ONB_12),
		cmocka_unit_test(test_check_consent_ONB_12),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
