/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Unit tests for src/core/review.c: the review queue (REV-1) and the search
 * and display listing applications (REV-2, REV-3).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "core/review.h"

#define NOW INT64_C(1772416800) /* 2026-03-02 02:00 UTC */

static void assert_error(const struct kf_error *err, enum kf_err code, const char *name, const char *rule,
			 const char *field)
{
	assert_int_equal(err->code, code);
	assert_string_equal(err->name, name);
	if (rule)
		assert_string_equal(err->rule, rule);
	else
		assert_null(err->rule);
	if (field)
		assert_string_equal(err->field, field);
	else
		assert_null(err->field);
}

static void test_overdue_REV_1(void **state)
{
	(void)state;
	assert_true(kf_review_overdue(true, NOW - 1, NOW));
	assert_false(kf_review_overdue(true, NOW, NOW));
	assert_false(kf_review_overdue(true, NOW + 1, NOW));
	/* a decided review is never overdue, however late it was */
	assert_false(kf_review_overdue(false, NOW - 86400, NOW));
}

static void test_assign_roles_REV_1(void **state)
{
	(void)state;
	struct kf_error err = {0};
	/* a reviewer takes an unassigned review, or clears their own */
	assert_int_equal(kf_review_check_assign(KF_ROLE_REVIEWER, 7, true, 0, 7, KF_ROLE_REVIEWER, &err), KF_OK);
	assert_int_equal(kf_review_check_assign(KF_ROLE_REVIEWER, 7, true, 7, 0, KF_ROLE_NONE, &err), KF_OK);
	assert_int_equal(kf_review_check_assign(KF_ROLE_REVIEWER, 7, true, 7, 7, KF_ROLE_REVIEWER, &err), KF_OK);
	/* but does not assign someone else */
	assert_int_equal(kf_review_check_assign(KF_ROLE_REVIEWER, 7, true, 0, 8, KF_ROLE_REVIEWER, &err), KF_EFORBIDDEN);
	assert_error(&err, KF_EFORBIDDEN, "assign_self_only", "REV-1", "assignee_id");
	/* nor takes or clears a review another reviewer holds */
	assert_int_equal(kf_review_check_assign(KF_ROLE_REVIEWER, 7, true, 8, 7, KF_ROLE_REVIEWER, &err), KF_ECONFLICT);
	assert_error(&err, KF_ECONFLICT, "already_assigned", "REV-1", "assignee_id");
	assert_int_equal(kf_review_check_assign(KF_ROLE_REVIEWER, 7, true, 8, 0, KF_ROLE_NONE, &err), KF_ECONFLICT);
	assert_error(&err, KF_ECONFLICT, "already_assigned", "REV-1", "assignee_id");
	/* an admin assigns any reviewer or admin, reassigns and clears */
	assert_int_equal(kf_review_check_assign(KF_ROLE_ADMIN, 1, true, 0, 8, KF_ROLE_REVIEWER, &err), KF_OK);
	assert_int_equal(kf_review_check_assign(KF_ROLE_ADMIN, 1, true, 8, 9, KF_ROLE_ADMIN, &err), KF_OK);
	assert_int_equal(kf_review_check_assign(KF_ROLE_ADMIN, 1, true, 8, 0, KF_ROLE_NONE, &err), KF_OK);
	assert_int_equal(kf_review_check_assign(KF_ROLE_ADMIN, 1, true, 0, 1, KF_ROLE_ADMIN, &err), KF_OK);
	/* only to people who review */
	const enum kf_role not_reviewers[] = {KF_ROLE_OPS, KF_ROLE_NONE, KF_ROLE_MEMBER, KF_ROLE_OWNER};
	for (size_t i = 0; i < 4; i++) {
		assert_int_equal(kf_review_check_assign(KF_ROLE_ADMIN, 1, true, 0, 8, not_reviewers[i], &err), KF_EINVAL);
		assert_error(&err, KF_EINVAL, "invalid_assignee", "REV-1", "assignee_id");
		assert_int_equal(kf_review_check_assign(KF_ROLE_REVIEWER, 8, true, 0, 8, not_reviewers[i], &err), KF_EINVAL);
	}
	/* ops staff and people do not assign */
	assert_int_equal(kf_review_check_assign(KF_ROLE_OPS, 5, true, 0, 5, KF_ROLE_OPS, &err), KF_EFORBIDDEN);
	assert_error(&err, KF_EFORBIDDEN, "reviewer_required", NULL, NULL);
	assert_int_equal(kf_review_check_assign(KF_ROLE_NONE, 5, true, 0, 0, KF_ROLE_NONE, &err), KF_EFORBIDDEN);
}

static void test_assign_pending_only_REV_1(void **state)
{
	(void)state;
	struct kf_error err = {0};
	assert_int_equal(kf_review_check_assign(KF_ROLE_ADMIN, 1, false, 0, 8, KF_ROLE_REVIEWER, &err), KF_ECONFLICT);
	assert_error(&err, KF_ECONFLICT, "already_decided", "REV-1", NULL);
	assert_int_equal(kf_review_check_assign(KF_ROLE_REVIEWER, 8, false, 0, 8, KF_ROLE_REVIEWER, &err), KF_ECONFLICT);
}

static void test_kind_names(void **state)
{
	(void)state;
	enum kf_listing_kind k = KF_LISTING_DISPLAY;
	assert_string_equal(kf_listing_kind_name(KF_LISTING_SEARCH), "search_listing");
	assert_string_equal(kf_listing_kind_name(KF_LISTING_DISPLAY), "display_listing");
	assert_null(kf_listing_kind_name((enum kf_listing_kind)5));
	assert_true(kf_listing_kind_parse("search_listing", &k));
	assert_int_equal(k, KF_LISTING_SEARCH);
	assert_false(kf_listing_kind_parse("release", &k));
	assert_false(kf_listing_kind_parse(NULL, &k));
	assert_int_equal(k, KF_LISTING_SEARCH);
}

static void test_apply_after_release_REV_2(void **state)
{
	(void)state;
	struct kf_error err = {0};
	const enum kf_app_state not_released[] = {KF_APP_DRAFT,     KF_APP_CREATION_REVIEW, KF_APP_DEVELOPING,
						  KF_APP_RELEASE_REVIEW, KF_APP_SUSPENDED,  KF_APP_DELISTED,
						  KF_APP_WITHDRAWN, KF_APP_DELETED};
	for (size_t i = 0; i < sizeof(not_released) / sizeof(not_released[0]); i++) {
		for (int k = KF_LISTING_SEARCH; k <= KF_LISTING_DISPLAY; k++) {
			assert_int_equal(kf_listing_check_apply(not_released[i], (enum kf_listing_kind)k, false, false,
								&err),
					 KF_ECONFLICT);
			assert_error(&err, KF_ECONFLICT, "app_not_released", "REV-2", NULL);
		}
	}
	assert_int_equal(kf_listing_check_apply(KF_APP_RELEASED, KF_LISTING_SEARCH, false, false, &err), KF_OK);
	assert_int_equal(kf_listing_check_apply(KF_APP_RELEASED, KF_LISTING_DISPLAY, false, false, &err), KF_OK);
}

static void test_apply_once_REV_2(void **state)
{
	(void)state;
	struct kf_error err = {0};
	assert_int_equal(kf_listing_check_apply(KF_APP_RELEASED, KF_LISTING_SEARCH, true, false, &err), KF_ECONFLICT);
	assert_error(&err, KF_ECONFLICT, "already_listed", "REV-2", NULL);
	assert_int_equal(kf_listing_check_apply(KF_APP_RELEASED, KF_LISTING_DISPLAY, false, true, &err),
			 KF_ECONFLICT);
	assert_error(&err, KF_ECONFLICT, "application_pending", "REV-2", NULL);
	/* listed wins over pending: nothing more to apply for */
	assert_int_equal(kf_listing_check_apply(KF_APP_RELEASED, KF_LISTING_DISPLAY, true, true, &err), KF_ECONFLICT);
	assert_error(&err, KF_ECONFLICT, "already_listed", "REV-2", NULL);
}

static void test_attestations_REV_3(void **state)
{
	(void)state;
	struct kf_error err = {0};
	struct kf_display_attestations ok = {.established_in_field = true, .has_team_size = true, .team_size = 11,
					     .n_evidence = 1};
	assert_int_equal(kf_listing_check_attestations(&ok, &err), KF_OK);

	struct kf_display_attestations a = ok;
	a.established_in_field = false;
	assert_int_equal(kf_listing_check_attestations(&a, &err), KF_EINVAL);
	assert_error(&err, KF_EINVAL, "attestation_required", "REV-3", "attestations.established_in_field");

	a = ok;
	a.has_team_size = false;
	assert_int_equal(kf_listing_check_attestations(&a, &err), KF_EINVAL);
	assert_error(&err, KF_EINVAL, "attestation_required", "REV-3", "attestations.team_size");

	/* "more than 10 people": 10 is not enough, 11 is */
	const int64_t small[] = {10, 1, 0, -5, INT64_MIN};
	for (size_t i = 0; i < sizeof(small) / sizeof(small[0]); i++) {
		a = ok;
		a.team_size = small[i];
		assert_int_equal(kf_listing_check_attestations(&a, &err), KF_EINVAL);
		assert_error(&err, KF_EINVAL, "team_too_small", "REV-3", "attestations.team_size");
	}
	a = ok;
	a.team_size = INT64_MAX;
	assert_int_equal(kf_listing_check_attestations(&a, &err), KF_OK);

	a = ok;
	a.n_evidence = 0;
	assert_int_equal(kf_listing_check_attestations(&a, &err), KF_EINVAL);
	assert_error(&err, KF_EINVAL, "missing_field", "REV-3", "attestations.evidence");
	a.n_evidence = KF_DISPLAY_MAX_EVIDENCE + 1;
	assert_int_equal(kf_listing_check_attestations(&a, &err), KF_EINVAL);
	assert_error(&err, KF_EINVAL, "too_many_items", "REV-3", "attestations.evidence");

	/* both attestations missing: the first one is named */
	struct kf_display_attestations none = {0};
	assert_int_equal(kf_listing_check_attestations(&none, &err), KF_EINVAL);
	assert_error(&err, KF_EINVAL, "attestation_required", "REV-3", "attestations.established_in_field");
}

static void test_display_decision_records_evidence_REV_3(void **state)
{
	(void)state;
	struct kf_error err = {0};
	assert_int_equal(kf_listing_check_decision(KF_LISTING_DISPLAY, true, KF_EVIDENCE_HOLDS, &err), KF_OK);
	assert_int_equal(kf_listing_check_decision(KF_LISTING_DISPLAY, false, KF_EVIDENCE_HOLDS, &err), KF_OK);
	assert_int_equal(kf_listing_check_decision(KF_LISTING_DISPLAY, false, KF_EVIDENCE_FAILS, &err), KF_OK);
	/* the finding is required either way */
	for (int approve = 0; approve <= 1; approve++) {
		assert_int_equal(kf_listing_check_decision(KF_LISTING_DISPLAY, approve, KF_EVIDENCE_ABSENT, &err),
				 KF_EINVAL);
		assert_error(&err, KF_EINVAL, "evidence_holds_required", "REV-3", "evidence_holds");
	}
	/* approving needs the evidence to hold */
	assert_int_equal(kf_listing_check_decision(KF_LISTING_DISPLAY, true, KF_EVIDENCE_FAILS, &err), KF_EINVAL);
	assert_error(&err, KF_EINVAL, "evidence_not_held", "REV-3", "evidence_holds");
}

static void test_search_decision_takes_no_evidence_REV_3(void **state)
{
	(void)state;
	struct kf_error err = {0};
	assert_int_equal(kf_listing_check_decision(KF_LISTING_SEARCH, true, KF_EVIDENCE_ABSENT, &err), KF_OK);
	assert_int_equal(kf_listing_check_decision(KF_LISTING_SEARCH, false, KF_EVIDENCE_ABSENT, &err), KF_OK);
	assert_int_equal(kf_listing_check_decision(KF_LISTING_SEARCH, true, KF_EVIDENCE_HOLDS, &err), KF_EINVAL);
	assert_error(&err, KF_EINVAL, "invalid_field", "REV-3", "evidence_holds");
}

static void test_review_kind_and_state_names(void **state)
{
	(void)state;
	static const char *const kinds[KF_REVIEW_KIND_COUNT] = {
		"qualification", "authenticity", "creation", "release",
		"change", "search_listing", "display_listing",
	};
	for (int i = 0; i < KF_REVIEW_KIND_COUNT; i++) {
		enum kf_review_kind k;
		assert_string_equal(kf_review_kind_name((enum kf_review_kind)i), kinds[i]);
		assert_true(kf_review_kind_parse(kinds[i], &k));
		assert_int_equal(k, i);
	}
	static const char *const states[KF_REVIEW_STATE_COUNT] = { "pending", "approved", "rejected",
								   "withdrawn" };
	for (int i = 0; i < KF_REVIEW_STATE_COUNT; i++) {
		enum kf_review_state s;
		assert_string_equal(kf_review_state_name((enum kf_review_state)i), states[i]);
		assert_true(kf_review_state_parse(states[i], &s));
		assert_int_equal(s, i);
	}
	enum kf_review_kind k = KF_REVIEW_CHANGE;
	enum kf_review_state s = KF_REVIEW_PENDING;
	assert_false(kf_review_kind_parse("listing", &k));
	assert_false(kf_review_kind_parse(NULL, &k));
	assert_false(kf_review_state_parse("decided", &s));
	assert_int_equal(k, KF_REVIEW_CHANGE);
	assert_int_equal(s, KF_REVIEW_PENDING);
	assert_null(kf_review_kind_name((enum kf_review_kind)KF_REVIEW_KIND_COUNT));
	assert_null(kf_review_state_name((enum kf_review_state)KF_REVIEW_STATE_COUNT));
	/* listing reviews and listing kinds map both ways */
	enum kf_listing_kind lk;
	assert_int_equal(kf_listing_review_kind(KF_LISTING_DISPLAY), KF_REVIEW_DISPLAY_LISTING);
	assert_int_equal(kf_listing_review_kind(KF_LISTING_SEARCH), KF_REVIEW_SEARCH_LISTING);
	assert_true(kf_review_listing_kind(KF_REVIEW_DISPLAY_LISTING, &lk));
	assert_int_equal(lk, KF_LISTING_DISPLAY);
	assert_false(kf_review_listing_kind(KF_REVIEW_RELEASE, &lk));
}

/* Every allowed transition: pending -> approved | rejected, for every kind. */
static void test_review_decide_allowed_REV_5(void **state)
{
	(void)state;
	struct kf_error err;
	for (int k = 0; k < KF_REVIEW_KIND_COUNT; k++) {
		enum kf_review_state next = KF_REVIEW_PENDING;
		assert_int_equal(kf_review_decide(KF_REVIEW_PENDING, (enum kf_review_kind)k, true, 0, false, &next,
						  &err),
				 KF_OK);
		assert_int_equal(next, KF_REVIEW_APPROVED);
		assert_int_equal(kf_review_decide(KF_REVIEW_PENDING, (enum kf_review_kind)k, false, 2, false, &next,
						  &err),
				 KF_OK);
		assert_int_equal(next, KF_REVIEW_REJECTED);
	}
	enum kf_review_state next = KF_REVIEW_PENDING;
	assert_int_equal(kf_review_decide(KF_REVIEW_PENDING, KF_REVIEW_DISPLAY_LISTING, true, 0, true, &next, &err),
			 KF_OK);
	assert_int_equal(next, KF_REVIEW_APPROVED);
}

/* Refused transitions, each naming its rule. */
static void test_review_decide_refused_REV_5(void **state)
{
	(void)state;
	struct kf_error err;
	enum kf_review_state next = KF_REVIEW_PENDING;
	static const enum kf_review_state closed[] = { KF_REVIEW_APPROVED, KF_REVIEW_REJECTED,
						       KF_REVIEW_WITHDRAWN };
	for (size_t i = 0; i < 3; i++) {
		assert_int_equal(kf_review_decide(closed[i], KF_REVIEW_CREATION, true, 0, false, &next, &err),
				 KF_ECONFLICT);
		assert_error(&err, KF_ECONFLICT, "already_decided", "REV-5", "decision");
		assert_non_null(strstr(err.msg, kf_review_state_name(closed[i])));
	}
	assert_int_equal(next, KF_REVIEW_PENDING); /* untouched on refusal */
	/* a rejection needs a reason, before anything else */
	assert_int_equal(kf_review_check_decision(false, 0, &err), KF_EINVAL);
	assert_error(&err, KF_EINVAL, "reasons_required", "REV-5", "reasons");
	assert_int_equal(kf_review_check_decision(true, 0, &err), KF_OK);
	assert_int_equal(kf_review_decide(KF_REVIEW_APPROVED, KF_REVIEW_CREATION, false, 0, false, &next, &err),
			 KF_EINVAL);
	assert_error(&err, KF_EINVAL, "reasons_required", "REV-5", "reasons");
	/* REV-3: an evidence finding only for a display listing */
	assert_int_equal(kf_review_decide(KF_REVIEW_PENDING, KF_REVIEW_SEARCH_LISTING, true, 0, true, &next, &err),
			 KF_EINVAL);
	assert_error(&err, KF_EINVAL, "invalid_field", "REV-3", "evidence_holds");
	assert_int_equal(kf_review_decide(KF_REVIEW_PENDING, (enum kf_review_kind)KF_REVIEW_KIND_COUNT, true, 0,
					  false, &next, &err),
			 KF_EINVAL);
	assert_error(&err, KF_EINVAL, "invalid_kind", NULL, NULL);
}

/* End of a local (UTC+8) day, d days after NOW's day (Monday 2026-03-02). */
static int64_t end_of_day(int d)
{
	return NOW - 2 * 3600 + 16 * 3600 - 1 + (int64_t)d * 86400; /* NOW is 10:00 local */
}

static void test_working_days_left_REV_1(void **state)
{
	(void)state;
	struct kf_calendar cal;
	kf_calendar_init(&cal);
	/* the deadline of a Monday submission is the next Monday: 5 working days */
	assert_int_equal(kf_review_working_days_left(&cal, kf_calendar_add_workdays(&cal, NOW, 5), NOW), 5);
	assert_int_equal(kf_review_working_days_left(&cal, end_of_day(0), NOW), 0);
	assert_int_equal(kf_review_working_days_left(&cal, end_of_day(1), NOW), 1);
	assert_int_equal(kf_review_working_days_left(&cal, end_of_day(2), NOW), 2);
	/* Friday to Monday: Saturday and Sunday do not count */
	assert_int_equal(kf_review_working_days_left(&cal, end_of_day(7), NOW + 4 * 86400), 1);
	/* a holiday on Tuesday: Wednesday is one working day away */
	int32_t tue = kf_calendar_local_day(&cal, NOW) + 1;
	cal.holidays = &tue;
	cal.n_holidays = 1;
	assert_int_equal(kf_review_working_days_left(&cal, end_of_day(2), NOW), 1);
	assert_int_equal(kf_review_working_days_left(&cal, end_of_day(1), NOW), 0);
	cal.holidays = NULL;
	cal.n_holidays = 0;
}

static void test_working_days_overdue_REV_1(void **state)
{
	(void)state;
	struct kf_calendar cal;
	kf_calendar_init(&cal);
	int64_t friday = end_of_day(-3); /* Friday 2026-02-27, 23:59:59 local */
	/* overdue on the Saturday after: by 1, never by 0 */
	assert_int_equal(kf_review_working_days_left(&cal, friday, friday + 3600), -1);
	assert_int_equal(kf_review_working_days_left(&cal, friday, NOW), -1);
	assert_int_equal(kf_review_working_days_left(&cal, friday, NOW + 86400), -2);
	/* a make-up working day on Sunday counts */
	int32_t sun = kf_calendar_local_day(&cal, NOW) - 1;
	cal.workdays = &sun;
	cal.n_workdays = 1;
	assert_int_equal(kf_review_working_days_left(&cal, friday, NOW), -2);
	cal.workdays = NULL;
	cal.n_workdays = 0;
	/* one second past the deadline is overdue */
	assert_int_equal(kf_review_working_days_left(&cal, NOW - 1, NOW), -1);
	/* a span of centuries is clamped, not walked */
	assert_true(kf_review_working_days_left(&cal, KF_CALENDAR_MIN_TIME, NOW) < -2000);
}

static void test_deadline_notice_REV_1(void **state)
{
	(void)state;
	struct kf_calendar cal;
	kf_calendar_init(&cal);
	assert_int_equal(kf_review_deadline_notice(&cal, end_of_day(2), NOW), KF_STAFF_NOTICE_NONE);
	assert_int_equal(kf_review_deadline_notice(&cal, end_of_day(1), NOW), KF_STAFF_NOTICE_DUE_SOON);
	assert_int_equal(kf_review_deadline_notice(&cal, end_of_day(0), NOW), KF_STAFF_NOTICE_DUE_SOON);
	assert_int_equal(kf_review_deadline_notice(&cal, NOW - 1, NOW), KF_STAFF_NOTICE_OVERDUE);
	/* Friday's review, seen on Thursday, is due tomorrow */
	assert_int_equal(kf_review_deadline_notice(&cal, end_of_day(4), NOW + 3 * 86400), KF_STAFF_NOTICE_DUE_SOON);
}

/* REV-5: the reason templates of a kind concern that kind only, and each
 * names a rule id, a field and a text in both languages. */
static void test_reason_templates_REV_5(void **state)
{
	(void)state;
	const struct kf_reason_template *t[64];
	for (int k = 0; k < KF_REVIEW_KIND_COUNT; k++) {
		size_t n = kf_review_reason_templates((enum kf_review_kind)k, t, 64);
		assert_true(n > 0 && n <= 64);
		for (size_t i = 0; i < n; i++) {
			assert_true(t[i]->kinds & (1u << k));
			assert_true(strlen(t[i]->rule) > 0 && strlen(t[i]->rule) <= 16);
			assert_true(strlen(t[i]->field) > 0 && strlen(t[i]->en) > 0 && strlen(t[i]->zh) > 0);
		}
	}
	size_t n = kf_review_reason_templates(KF_REVIEW_QUALIFICATION, t, 64);
	bool onb3 = false;
	for (size_t i = 0; i < n; i++) {
		assert_null(strstr(t[i]->rule, "LST-"));
		onb3 |= !strcmp(t[i]->rule, "ONB-3");
	}
	assert_true(onb3);
	n = kf_review_reason_templates(KF_REVIEW_RELEASE, t, 64);
	bool lst21 = false;
	for (size_t i = 0; i < n; i++) {
		assert_null(strstr(t[i]->rule, "ONB-"));
		lst21 |= !strcmp(t[i]->rule, "LST-21");
	}
	assert_true(lst21);
	/* cap: counts all, writes at most cap */
	const struct kf_reason_template *one[1] = {NULL};
	assert_int_equal(kf_review_reason_templates(KF_REVIEW_RELEASE, one, 1), n);
	assert_non_null(one[0]);
	assert_int_equal(kf_review_reason_templates((enum kf_review_kind)KF_REVIEW_KIND_COUNT, t, 64), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_overdue_REV_1),
		cmocka_unit_test(test_working_days_left_REV_1),
		cmocka_unit_test(test_working_days_overdue_REV_1),
		cmocka_unit_test(test_deadline_notice_REV_1),
		cmocka_unit_test(test_assign_roles_REV_1),
		cmocka_unit_test(test_assign_pending_only_REV_1),
		cmocka_unit_test(test_kind_names),
		cmocka_unit_test(test_review_kind_and_state_names),
		cmocka_unit_test(test_review_decide_allowed_REV_5),
		cmocka_unit_test(test_review_decide_refused_REV_5),
		cmocka_unit_test(test_apply_after_release_REV_2),
		cmocka_unit_test(test_apply_once_REV_2),
		cmocka_unit_test(test_attestations_REV_3),
		cmocka_unit_test(test_display_decision_records_evidence_REV_3),
		cmocka_unit_test(test_search_decision_takes_no_evidence_REV_3),
		cmocka_unit_test(test_reason_templates_REV_5),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
