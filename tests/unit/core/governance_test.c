/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Unit tests for src/core/governance.c: GOV-3's levels, GOV-4's escalation,
 * GOV-5's plug-in ladder, GOV-7's further measures and their validation,
 * when "until rectified" may be confirmed, the effects of the measures in
 * force, GOV-2's withdrawal and the checks at the doors.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "core/governance.h"

#define T0 INT64_C(1772416800) /* 2026-03-02 02:00:00 UTC */
#define DAY KF_GOV_DAY

static void expect_err(enum kf_err rc, const struct kf_error *e, enum kf_err code, const char *name, const char *rule,
		       const char *field)
{
	assert_int_equal(rc, code);
	assert_string_equal(e->name, name);
	if (rule)
		assert_string_equal(e->rule, rule);
	else
		assert_null(e->rule);
	if (field)
		assert_string_equal(e->field, field);
	else
		assert_null(e->field);
}

static void test_kind_names_round_trip(void **state)
{
	(void)state;
	for (int i = 0; i < KF_GOV_KIND_COUNT; i++) {
		enum kf_gov_kind k;
		assert_true(kf_gov_kind_parse(kf_gov_kind_name((enum kf_gov_kind)i), &k));
		assert_int_equal(k, i);
	}
	enum kf_gov_kind k = KF_GOV_WARNING;
	assert_false(kf_gov_kind_parse("Delisted", &k));
	assert_false(kf_gov_kind_parse(NULL, &k));
	assert_null(kf_gov_kind_name(KF_GOV_KIND_COUNT));
	assert_string_equal(kf_gov_kind_name(KF_GOV_CLOSE_NEW_AUTH), "close_new_authorizations");
}

static void test_gov3_levels(void **state)
{
	(void)state;
	struct kf_error e = {0};
	assert_int_equal(kf_gov_level_check(1, &e), KF_OK);
	assert_int_equal(kf_gov_level_check(3, &e), KF_OK);
	expect_err(kf_gov_level_check(0, &e), &e, KF_EINVAL, "invalid_level", "GOV-3", "level");
	expect_err(kf_gov_level_check(4, &e), &e, KF_EINVAL, "invalid_level", "GOV-3", "level");

	struct kf_gov_spec s = kf_gov_level_measure(3, T0);
	assert_int_equal(s.kind, KF_GOV_NOT_RECOMMENDED);
	assert_true(s.needs_rectification);
	assert_int_equal(s.starts_at, T0);
	assert_int_equal(s.ends_at, 0);
	assert_int_equal(s.min_until, T0 + 15 * DAY);

	s = kf_gov_level_measure(2, T0);
	assert_int_equal(s.kind, KF_GOV_NOT_RECOMMENDED);
	assert_int_equal(s.min_until, T0 + 30 * DAY);

	s = kf_gov_level_measure(1, T0);
	assert_int_equal(s.kind, KF_GOV_DELISTED);
	assert_false(s.needs_rectification);
	assert_int_equal(s.ends_at, 0);
	assert_false(s.permanent);
}

static void test_gov4_escalation(void **state)
{
	(void)state;
	bool esc = true;
	assert_int_equal(kf_gov_escalate(3, 0, &esc), 3);
	assert_false(esc);
	assert_int_equal(kf_gov_escalate(3, 1, &esc), 2);
	assert_true(esc);
	assert_int_equal(kf_gov_escalate(2, 4, &esc), 1);
	assert_true(esc);
	/* level 1 is the highest: nothing to raise */
	assert_int_equal(kf_gov_escalate(1, 2, &esc), 1);
	assert_false(esc);
}

static void test_gov5_first_offence_warning_then_three_months(void **state)
{
	(void)state;
	struct kf_gov_spec s[3];
	size_t n = kf_gov_plugin_measures(1, false, T0, s);
	assert_int_equal(n, 3);
	assert_int_equal(s[0].kind, KF_GOV_WARNING);
	assert_int_equal(s[0].starts_at, T0);
	assert_int_equal(s[1].kind, KF_GOV_DELISTED);
	assert_int_equal(s[1].starts_at, T0 + 15 * DAY);
	assert_int_equal(s[1].ends_at, T0 + 15 * DAY + 90 * DAY);
	assert_false(s[1].permanent);
	assert_int_equal(s[2].kind, KF_GOV_SEARCH_BAN);
	assert_true(s[2].provider_wide);
	assert_int_equal(s[2].starts_at, s[1].starts_at);
	assert_int_equal(s[2].ends_at, s[1].ends_at);
	/* the warning gives way when the delisting starts */
	assert_int_equal(s[0].ends_at, s[1].starts_at);
}

static void test_gov5_repeat_six_months_third_permanent_severe_at_once(void **state)
{
	(void)state;
	struct kf_gov_spec s[3];
	size_t n = kf_gov_plugin_measures(2, false, T0, s);
	assert_int_equal(n, 3);
	assert_int_equal(s[1].ends_at - s[1].starts_at, 180 * DAY);

	n = kf_gov_plugin_measures(3, false, T0, s);
	assert_int_equal(s[1].kind, KF_GOV_DELISTED);
	assert_true(s[1].permanent);
	assert_int_equal(s[1].ends_at, 0);
	assert_int_equal(s[2].ends_at - s[2].starts_at, 180 * DAY);

	n = kf_gov_plugin_measures(1, true, T0, s);
	assert_int_equal(n, 2);
	assert_int_equal(s[0].kind, KF_GOV_DELISTED);
	assert_int_equal(s[0].starts_at, T0);
	assert_int_equal(s[0].ends_at, T0 + 90 * DAY);
	assert_int_equal(s[1].kind, KF_GOV_SEARCH_BAN);

	n = kf_gov_plugin_measures(5, true, T0, s);
	assert_int_equal(n, 2);
	assert_true(s[0].permanent);
	assert_int_equal(s[0].starts_at, T0);
}

static void test_gov7_validation(void **state)
{
	(void)state;
	struct kf_error e = {0};
	struct kf_gov_spec s;
	struct kf_gov_request q = {.kind = "search_ban", .has_app = true};
	assert_int_equal(kf_gov_measure_check(&q, T0, &s, &e), KF_OK);
	assert_int_equal(s.kind, KF_GOV_SEARCH_BAN);
	assert_int_equal(s.starts_at, T0);
	assert_false(s.provider_wide);

	q = (struct kf_gov_request){.kind = "delisted", .has_app = true};
	expect_err(kf_gov_measure_check(&q, T0, &s, &e), &e, KF_EINVAL, "invalid_kind", "GOV-7", "kind");
	q = (struct kf_gov_request){.kind = "refuse_access"};
	expect_err(kf_gov_measure_check(&q, T0, &s, &e), &e, KF_EINVAL, "target_required", "GOV-7", "app_id");
	q = (struct kf_gov_request){.kind = "ban_new_apps"};
	expect_err(kf_gov_measure_check(&q, T0, &s, &e), &e, KF_EINVAL, "target_required", "GOV-7", "provider_id");
	q = (struct kf_gov_request){.kind = "ban_new_apps", .has_app = true};
	expect_err(kf_gov_measure_check(&q, T0, &s, &e), &e, KF_EINVAL, "invalid_target", "GOV-7", "app_id");
	q = (struct kf_gov_request){.kind = "block_existing_users", .has_provider = true};
	expect_err(kf_gov_measure_check(&q, T0, &s, &e), &e, KF_EINVAL, "invalid_target", "GOV-7", "provider_id");
	q = (struct kf_gov_request){.kind = "search_ban", .has_app = true, .has_provider = true};
	expect_err(kf_gov_measure_check(&q, T0, &s, &e), &e, KF_EINVAL, "invalid_target", "GOV-7", "provider_id");
	q = (struct kf_gov_request){.kind = "ban_new_apps", .has_provider = true};
	assert_int_equal(kf_gov_measure_check(&q, T0, &s, &e), KF_OK);
	assert_true(s.provider_wide);

	/* weights */
	q = (struct kf_gov_request){.kind = "down_weight", .has_app = true};
	expect_err(kf_gov_measure_check(&q, T0, &s, &e), &e, KF_EINVAL, "invalid_weight", "GOV-7", "weight");
	q.has_weight = true;
	q.weight = 0;
	expect_err(kf_gov_measure_check(&q, T0, &s, &e), &e, KF_EINVAL, "invalid_weight", "GOV-7", "weight");
	q.weight = KF_GOV_WEIGHT_MAX + 1;
	expect_err(kf_gov_measure_check(&q, T0, &s, &e), &e, KF_EINVAL, "invalid_weight", "GOV-7", "weight");
	q.weight = -5;
	expect_err(kf_gov_measure_check(&q, T0, &s, &e), &e, KF_EINVAL, "invalid_weight", "GOV-7", "weight");
	q.weight = 40;
	assert_int_equal(kf_gov_measure_check(&q, T0, &s, &e), KF_OK);
	assert_int_equal(s.weight, 40);
	q = (struct kf_gov_request){.kind = "ranking_adjustment", .has_app = true, .has_weight = true, .weight = -20};
	assert_int_equal(kf_gov_measure_check(&q, T0, &s, &e), KF_OK);
	q = (struct kf_gov_request){.kind = "search_ban", .has_app = true, .has_weight = true, .weight = 3};
	expect_err(kf_gov_measure_check(&q, T0, &s, &e), &e, KF_EINVAL, "invalid_weight", "GOV-7", "weight");

	/* times */
	q = (struct kf_gov_request){.kind = "search_ban", .has_app = true, .starts_at = T0 - 1};
	expect_err(kf_gov_measure_check(&q, T0, &s, &e), &e, KF_EINVAL, "invalid_start", "GOV-7", "starts_at");
	q = (struct kf_gov_request){.kind = "search_ban", .has_app = true, .starts_at = T0 + 100, .ends_at = T0 + 100};
	expect_err(kf_gov_measure_check(&q, T0, &s, &e), &e, KF_EINVAL, "invalid_end", "GOV-7", "ends_at");
	q.ends_at = T0 + 101;
	assert_int_equal(kf_gov_measure_check(&q, T0, &s, &e), KF_OK);
	assert_int_equal(s.starts_at, T0 + 100);
	assert_int_equal(s.ends_at, T0 + 101);
}

static void test_in_force(void **state)
{
	(void)state;
	assert_true(kf_gov_in_force(T0, 0, 0, T0));
	assert_false(kf_gov_in_force(T0 + 1, 0, 0, T0));
	assert_true(kf_gov_in_force(T0, T0 + 10, 0, T0 + 9));
	assert_false(kf_gov_in_force(T0, T0 + 10, 0, T0 + 10));
	assert_false(kf_gov_in_force(T0, 0, T0 + 5, T0 + 6));
}

static void test_rectification_only_after_min_until(void **state)
{
	(void)state;
	struct kf_error e = {0};
	enum kf_gov_end end;
	int64_t min = T0 + 15 * DAY;
	expect_err(kf_gov_end_check("rectified", false, true, min, min - 1, &end, &e), &e, KF_ECONFLICT,
		   "rectification_too_early", "GOV-3", "reason");
	assert_non_null(strstr(e.msg, "2026-03-17"));
	assert_int_equal(kf_gov_end_check("rectified", false, true, min, min, &end, &e), KF_OK);
	assert_int_equal(end, KF_GOV_END_RECTIFIED);
	/* lifting needs no wait */
	assert_int_equal(kf_gov_end_check("lifted", false, true, min, T0, &end, &e), KF_OK);
	assert_int_equal(end, KF_GOV_END_LIFTED);
	assert_int_equal(kf_gov_end_check("objection", false, false, 0, T0, &end, &e), KF_OK);
	expect_err(kf_gov_end_check("rectified", false, false, 0, T0, &end, &e), &e, KF_ECONFLICT, "not_rectifiable",
		   "GOV-3", "reason");
	expect_err(kf_gov_end_check("lifted", true, false, 0, T0, &end, &e), &e, KF_ECONFLICT, "measure_ended", "GOV-6",
		   NULL);
	expect_err(kf_gov_end_check("expired", false, false, 0, T0, &end, &e), &e, KF_EINVAL, "invalid_reason", "GOV-6",
		   "reason");
	expect_err(kf_gov_end_check(NULL, false, false, 0, T0, &end, &e), &e, KF_EINVAL, "invalid_reason", "GOV-6",
		   "reason");
	assert_string_equal(kf_gov_end_name(KF_GOV_END_EXPIRED), "expired");
	assert_null(kf_gov_end_name((enum kf_gov_end)9));
}

static void test_dates(void **state)
{
	(void)state;
	char d[11];
	kf_gov_date(0, d);
	assert_string_equal(d, "1970-01-01");
	kf_gov_date(T0, d);
	assert_string_equal(d, "2026-03-02");
	kf_gov_date(INT64_C(951782400), d); /* 2000-02-29 */
	assert_string_equal(d, "2000-02-29");
	kf_gov_date(-1, d);
	assert_string_equal(d, "1969-12-31");
	kf_gov_date(INT64_MAX, d); /* no end: the last day four digits hold */
	assert_string_equal(d, "9999-12-31");
	kf_gov_date(INT64_MIN, d);
	assert_string_equal(d, "0000-01-01");
}

static void test_effects_of_measures_in_force(void **state)
{
	(void)state;
	struct kf_gov_effects e;
	kf_gov_effects(NULL, 0, &e);
	assert_false(e.delisted || e.not_recommended || e.search_banned || e.new_auth_closed || e.users_blocked ||
		     e.access_refused || e.new_apps_banned);
	assert_int_equal(e.rank_penalty, 0);

	const struct kf_gov_force m[] = {
		{.kind = KF_GOV_WARNING},
		{.kind = KF_GOV_NOT_RECOMMENDED},
		{.kind = KF_GOV_RANKING_ADJUSTMENT, .weight = 30},
		{.kind = KF_GOV_DOWN_WEIGHT, .weight = 20},
		{.kind = KF_GOV_SEARCH_BAN},
		{.kind = KF_GOV_CLOSE_NEW_AUTH},
		{.kind = KF_GOV_BLOCK_USERS},
		{.kind = KF_GOV_REFUSE_ACCESS},
		{.kind = KF_GOV_BAN_NEW_APPS},
		{.kind = KF_GOV_DELISTED, .ends_at = T0 + 10},
		{.kind = KF_GOV_DELISTED, .ends_at = T0 + 50},
	};
	kf_gov_effects(m, sizeof(m) / sizeof(m[0]), &e);
	assert_true(e.delisted && e.not_recommended && e.search_banned && e.new_auth_closed && e.users_blocked &&
		    e.access_refused && e.new_apps_banned);
	assert_false(e.permanent);
	assert_int_equal(e.rank_penalty, 50);
	assert_int_equal(e.delisted_until, T0 + 50);

	/* an open-ended delisting outlasts a timed one */
	const struct kf_gov_force open[] = {{.kind = KF_GOV_DELISTED, .ends_at = T0 + 10},
					    {.kind = KF_GOV_DELISTED, .permanent = true}};
	kf_gov_effects(open, 2, &e);
	assert_int_equal(e.delisted_until, 0);
	assert_true(e.permanent);
	kf_gov_effects(&open[0], 1, &e);
	assert_int_equal(e.delisted_until, T0 + 10);
}

static void test_state_follows_the_delisting(void **state)
{
	(void)state;
	assert_int_equal(kf_gov_next_state(KF_APP_RELEASED, true, false), KF_APP_DELISTED);
	assert_int_equal(kf_gov_next_state(KF_APP_WITHDRAWN, true, true), KF_APP_DELISTED);
	assert_int_equal(kf_gov_next_state(KF_APP_DELISTED, false, false), KF_APP_RELEASED);
	assert_int_equal(kf_gov_next_state(KF_APP_DELISTED, false, true), KF_APP_WITHDRAWN);
	assert_int_equal(kf_gov_next_state(KF_APP_DELISTED, true, false), KF_APP_DELISTED);
	/* a suspension or a review is not governance's to change */
	assert_int_equal(kf_gov_next_state(KF_APP_SUSPENDED, true, false), KF_APP_SUSPENDED);
	assert_int_equal(kf_gov_next_state(KF_APP_DEVELOPING, true, false), KF_APP_DEVELOPING);
	assert_int_equal(kf_gov_next_state(KF_APP_RELEASED, false, false), KF_APP_RELEASED);
}

static void test_gov2_withdraw_and_relist(void **state)
{
	(void)state;
	struct kf_error e = {0};
	enum kf_app_state next = KF_APP_DRAFT;
	assert_int_equal(kf_gov_withdraw(KF_APP_RELEASED, &next, &e), KF_OK);
	assert_int_equal(next, KF_APP_WITHDRAWN);
	expect_err(kf_gov_withdraw(KF_APP_WITHDRAWN, &next, &e), &e, KF_ECONFLICT, "already_withdrawn", "GOV-2", NULL);
	expect_err(kf_gov_withdraw(KF_APP_DEVELOPING, &next, &e), &e, KF_ECONFLICT, "invalid_state", "GOV-2", NULL);
	expect_err(kf_gov_withdraw(KF_APP_DELISTED, &next, &e), &e, KF_ECONFLICT, "invalid_state", "GOV-2", NULL);
	assert_int_equal(kf_gov_relist(KF_APP_WITHDRAWN, &next, &e), KF_OK);
	assert_int_equal(next, KF_APP_RELEASED);
	expect_err(kf_gov_relist(KF_APP_RELEASED, &next, &e), &e, KF_ECONFLICT, "not_withdrawn", "GOV-2", NULL);
}

static void test_gov7_doors(void **state)
{
	(void)state;
	struct kf_error e = {0};
	assert_int_equal(kf_gov_check_new_app(false, &e), KF_OK);
	expect_err(kf_gov_check_new_app(true, &e), &e, KF_EFORBIDDEN, "new_apps_banned", "GOV-7", NULL);
	assert_int_equal(kf_gov_check_component_token(false, &e), KF_OK);
	expect_err(kf_gov_check_component_token(true, &e), &e, KF_EFORBIDDEN, "access_refused", "GOV-7", NULL);
	assert_int_equal(kf_gov_check_authorizer_token(false, &e), KF_OK);
	expect_err(kf_gov_check_authorizer_token(true, &e), &e, KF_EFORBIDDEN, "users_blocked", "GOV-7", NULL);
	/* closing new authorizations keeps the existing users */
	assert_int_equal(kf_gov_check_new_authorization(true, true, &e), KF_OK);
	assert_int_equal(kf_gov_check_new_authorization(false, false, &e), KF_OK);
	expect_err(kf_gov_check_new_authorization(true, false, &e), &e, KF_EFORBIDDEN, "new_authorizations_closed",
		   "GOV-7", NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kind_names_round_trip),
		cmocka_unit_test(test_gov3_levels),
		cmocka_unit_test(test_gov4_escalation),
		cmocka_unit_test(test_gov5_first_offence_warning_then_three_months),
		cmocka_unit_test(test_gov5_repeat_six_months_third_permanent_severe_at_once),
		cmocka_unit_test(test_gov7_validation),
		cmocka_unit_test(test_in_force),
		cmocka_unit_test(test_rectification_only_after_min_until),
		cmocka_unit_test(test_dates),
		cmocka_unit_test(test_effects_of_measures_in_force),
		cmocka_unit_test(test_state_follows_the_delisting),
		cmocka_unit_test(test_gov2_withdraw_and_relist),
		cmocka_unit_test(test_gov7_doors),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
