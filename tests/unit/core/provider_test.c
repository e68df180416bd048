/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Unit tests for src/core/provider.c: the provider onboarding state machine
 * (ONB-1..7, ONB-10, REV-5).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "core/provider.h"

#define NOW INT64_C(1772416800) /* 2026-03-02 02:00 UTC */
#define DAY INT64_C(86400)

static const enum kf_provider_state all_states[] = {
	KF_PROVIDER_DRAFT,         KF_PROVIDER_QUALIFICATION_REVIEW, KF_PROVIDER_REJECTED,
	KF_PROVIDER_CERTIFICATION, KF_PROVIDER_CERTIFIED,            KF_PROVIDER_REVERIFY_REQUIRED,
	KF_PROVIDER_BANNED,        KF_PROVIDER_CANCELLED,
};
#define N_ALL (sizeof(all_states) / sizeof(all_states[0]))

static void assert_error(const struct kf_error *err, enum kf_err code, const char *name,
			 const char *rule, const char *field)
{
	assert_int_equal(err->code, code);
	assert_string_equal(err->name, name);
	assert_string_equal(err->rule, rule);
	if (field)
		assert_string_equal(err->field, field);
	else
		assert_null(err->field);
}

static void test_state_names(void **state)
{
	(void)state;
	static const char *const names[] = {
		"draft", "qualification_review", "rejected", "certification",
		"certified", "reverify_required", "banned", "cancelled",
	};
	for (size_t i = 0; i < N_ALL; i++) {
		enum kf_provider_state parsed = KF_PROVIDER_BANNED;
		assert_string_equal(kf_provider_state_name(all_states[i]), names[i]);
		assert_true(kf_provider_state_parse(names[i], &parsed));
		assert_int_equal(parsed, all_states[i]);
	}
	enum kf_provider_state s = KF_PROVIDER_DRAFT;
	assert_false(kf_provider_state_parse("Draft", &s));
	assert_false(kf_provider_state_parse("", &s));
	assert_false(kf_provider_state_parse(NULL, &s));
	assert_int_equal(s, KF_PROVIDER_DRAFT);
	assert_null(kf_provider_state_name((enum kf_provider_state)99));
}

static void test_policy_default_ONB_5_ONB_10(void **state)
{
	(void)state;
	struct kf_onb_policy p = kf_onb_policy_default();
	assert_int_equal(p.lock_seconds, 180 * DAY);
	assert_int_equal(p.retention_seconds, 30 * DAY);
	assert_int_equal(p.n_excluded, 0);
	assert_false(p.individuals_allowed);
}

static void test_transition_table(void **state)
{
	(void)state;
	assert_true(kf_provider_transition_allowed(KF_PROVIDER_DRAFT,
						   KF_PROVIDER_QUALIFICATION_REVIEW));
	assert_true(kf_provider_transition_allowed(KF_PROVIDER_REJECTED, KF_PROVIDER_DRAFT));
	assert_true(kf_provider_transition_allowed(KF_PROVIDER_CERTIFIED,
						   KF_PROVIDER_REVERIFY_REQUIRED));
	assert_true(kf_provider_transition_allowed(KF_PROVIDER_REVERIFY_REQUIRED,
						   KF_PROVIDER_CERTIFIED));
	assert_false(kf_provider_transition_allowed(KF_PROVIDER_DRAFT, KF_PROVIDER_CERTIFIED));
	assert_false(kf_provider_transition_allowed(KF_PROVIDER_QUALIFICATION_REVIEW,
						    KF_PROVIDER_CERTIFIED));
	assert_false(kf_provider_transition_allowed(KF_PROVIDER_CERTIFIED, KF_PROVIDER_DRAFT));
	assert_false(kf_provider_transition_allowed(KF_PROVIDER_DRAFT, KF_PROVIDER_DRAFT));
	for (size_t i = 0; i < N_ALL; i++) {
		bool terminal = all_states[i] == KF_PROVIDER_BANNED ||
				all_states[i] == KF_PROVIDER_CANCELLED;
		assert_int_equal(kf_provider_transition_allowed(all_states[i], KF_PROVIDER_BANNED),
				 !terminal);
		for (size_t j = 0; j < N_ALL; j++) {
			if (terminal)
				assert_false(kf_provider_transition_allowed(all_states[i],
									    all_states[j]));
		}
	}
	assert_false(kf_provider_transition_allowed((enum kf_provider_state)-1,
						    KF_PROVIDER_BANNED));
}

static void test_apply_requires_owner_ONB_1(void **state)
{
	(void)state;
	struct kf_error err = { 0 };
	assert_int_equal(kf_provider_check_apply(KF_PROVIDER_DRAFT, false, "company", true, NULL,
						 &err),
			 KF_EFORBIDDEN);
	assert_error(&err, KF_EFORBIDDEN, "owner_required", "ONB-1", NULL);
	assert_int_equal(kf_provider_check_apply(KF_PROVIDER_DRAFT, true, "company", false, NULL,
						 &err),
			 KF_OK);
}

static void test_apply_excluded_kind_ONB_2(void **state)
{
	(void)state;
	static const char *const excluded[] = { "government", "company" };
	struct kf_onb_policy p = kf_onb_policy_default();
	struct kf_error err = { 0 };
	p.excluded_kinds = excluded;
	p.n_excluded = 2;
	assert_int_equal(kf_provider_check_apply(KF_PROVIDER_DRAFT, true, "company", true, &p,
						 &err),
			 KF_EFORBIDDEN);
	assert_error(&err, KF_EFORBIDDEN, "entity_kind_excluded", "ONB-2", "entity_kind");
	/* An operator-excluded kind this build does not know is still excluded. */
	assert_int_equal(kf_provider_check_apply(KF_PROVIDER_DRAFT, true, "government", true, &p,
						 &err),
			 KF_EFORBIDDEN);
	assert_string_equal(err.name, "entity_kind_excluded");
	/* A kind outside the list passes that check. */
	p.individuals_allowed = true;
	assert_int_equal(kf_provider_check_apply(KF_PROVIDER_DRAFT, true, "individual", true, &p,
						 &err),
			 KF_OK);
}

static void test_apply_unknown_kind_ONB_2(void **state)
{
	(void)state;
	struct kf_error err = { 0 };
	assert_int_equal(kf_provider_check_apply(KF_PROVIDER_DRAFT, true, "government", true,
						 NULL, &err),
			 KF_EINVAL);
	assert_error(&err, KF_EINVAL, "invalid_entity_kind", "ONB-2", "entity_kind");
	assert_int_equal(kf_provider_check_apply(KF_PROVIDER_DRAFT, true, NULL, true, NULL, &err),
			 KF_EINVAL);
	assert_string_equal(err.name, "invalid_entity_kind");
	assert_int_equal(kf_provider_check_apply(KF_PROVIDER_DRAFT, true, "Company", true, NULL,
						 &err),
			 KF_EINVAL);
	assert_true(kf_provider_entity_kind_valid("company"));
	assert_true(kf_provider_entity_kind_valid("individual"));
	assert_false(kf_provider_entity_kind_valid("person"));
}

static void test_apply_individuals_ONB_2(void **state)
{
	(void)state;
	struct kf_onb_policy p = kf_onb_policy_default();
	struct kf_error err = { 0 };
	/* Default policy refuses individuals. */
	assert_int_equal(kf_provider_check_apply(KF_PROVIDER_DRAFT, true, "individual", true, &p,
						 &err),
			 KF_EFORBIDDEN);
	assert_error(&err, KF_EFORBIDDEN, "individual_not_allowed", "ONB-2", "entity_kind");
	p.individuals_allowed = true;
	assert_int_equal(kf_provider_check_apply(KF_PROVIDER_DRAFT, true, "individual", false, &p,
						 &err),
			 KF_EFORBIDDEN);
	assert_error(&err, KF_EFORBIDDEN, "adult_required", "ONB-2", "adult_with_capacity");
	assert_int_equal(kf_provider_check_apply(KF_PROVIDER_DRAFT, true, "individual", true, &p,
						 &err),
			 KF_OK);
	/* The capacity flag is irrelevant for companies. */
	assert_int_equal(kf_provider_check_apply(KF_PROVIDER_DRAFT, true, "company", false, &p,
						 &err),
			 KF_OK);
}

static void test_apply_state_ONB_3(void **state)
{
	(void)state;
	for (size_t i = 0; i < N_ALL; i++) {
		struct kf_error err = { 0 };
		enum kf_err rc = kf_provider_check_apply(all_states[i], true, "company", true, NULL,
							 &err);
		if (all_states[i] == KF_PROVIDER_DRAFT || all_states[i] == KF_PROVIDER_REJECTED) {
			assert_int_equal(rc, KF_OK);
		} else {
			assert_int_equal(rc, KF_ECONFLICT);
			assert_error(&err, KF_ECONFLICT, "invalid_state", "ONB-3", NULL);
			assert_non_null(strstr(err.msg, kf_provider_state_name(all_states[i])));
		}
	}
}

static void test_after_apply_ONB_3_ONB_4(void **state)
{
	(void)state;
	struct kf_provider_apply_result r = kf_provider_after_apply(false);
	assert_int_equal(r.next, KF_PROVIDER_QUALIFICATION_REVIEW);
	assert_int_equal(r.entity_source, KF_PROVIDER_ENTITY_FROM_APPLICATION);
	r = kf_provider_after_apply(true);
	assert_int_equal(r.next, KF_PROVIDER_QUALIFICATION_REVIEW);
	assert_int_equal(r.entity_source, KF_PROVIDER_ENTITY_REUSE_VERIFIED);
}

static void test_approve_binds_entity_ONB_5(void **state)
{
	(void)state;
	struct kf_provider_decision d = { 0 };
	struct kf_error err = { 0 };
	assert_int_equal(kf_provider_decide(KF_PROVIDER_QUALIFICATION_REVIEW, true, 0, NOW, NULL,
					    &d, &err),
			 KF_OK);
	assert_int_equal(d.next, KF_PROVIDER_CERTIFICATION);
	assert_int_equal(d.bound_until, NOW + 180 * DAY);
	assert_false(d.resubmittable);

	struct kf_onb_policy p = kf_onb_policy_default();
	p.lock_seconds = 10 * DAY;
	assert_int_equal(kf_provider_decide(KF_PROVIDER_QUALIFICATION_REVIEW, true, 0, NOW, &p,
					    &d, &err),
			 KF_OK);
	assert_int_equal(d.bound_until, NOW + 10 * DAY);
	/* Saturates instead of overflowing. */
	assert_int_equal(kf_provider_decide(KF_PROVIDER_QUALIFICATION_REVIEW, true, 0,
					    INT64_MAX - 5, NULL, &d, &err),
			 KF_OK);
	assert_int_equal(d.bound_until, INT64_MAX);
}

static void test_reject_needs_reasons_REV_5(void **state)
{
	(void)state;
	struct kf_provider_decision d = { .next = KF_PROVIDER_DRAFT, .bound_until = 7 };
	struct kf_error err = { 0 };
	assert_int_equal(kf_provider_decide(KF_PROVIDER_QUALIFICATION_REVIEW, false, 0, NOW, NULL,
					    &d, &err),
			 KF_EINVAL);
	assert_error(&err, KF_EINVAL, "reasons_required", "REV-5", "reasons");
	assert_int_equal(d.bound_until, 7); /* untouched on error */
	assert_int_equal(kf_provider_decide(KF_PROVIDER_QUALIFICATION_REVIEW, false, 2, NOW, NULL,
					    &d, &err),
			 KF_OK);
	assert_int_equal(d.next, KF_PROVIDER_REJECTED);
	assert_int_equal(d.bound_until, 0);
	assert_true(d.resubmittable);
	/* A rejected provider may apply again. */
	assert_int_equal(kf_provider_check_apply(d.next, true, "company", true, NULL, &err), KF_OK);
}

static void test_decide_only_in_review_REV_5(void **state)
{
	(void)state;
	for (size_t i = 0; i < N_ALL; i++) {
		struct kf_provider_decision d = { 0 };
		struct kf_error err = { 0 };
		if (all_states[i] == KF_PROVIDER_QUALIFICATION_REVIEW)
			continue;
		assert_int_equal(kf_provider_decide(all_states[i], true, 1, NOW, NULL, &d, &err),
				 KF_ECONFLICT);
		assert_error(&err, KF_ECONFLICT, "invalid_state", "REV-5", NULL);
	}
}

static void test_certify_compares_names_ONB_6(void **state)
{
	(void)state;
	enum kf_provider_state next = KF_PROVIDER_DRAFT;
	struct kf_error err = { 0 };
	/* ＡＢＣ科技有限公司 vs ABC科技有限公司 */
	assert_int_equal(kf_provider_certify(KF_PROVIDER_CERTIFICATION,
					     "\xef\xbc\xa1\xef\xbc\xa2\xef\xbc\xa3\xe7\xa7\x91"
					     "\xe6\x8a\x80",
					     "ABC\xe7\xa7\x91\xe6\x8a\x80 ", false, &next, &err),
			 KF_OK);
	assert_int_equal(next, KF_PROVIDER_CERTIFIED);

	next = KF_PROVIDER_DRAFT;
	assert_int_equal(kf_provider_certify(KF_PROVIDER_CERTIFICATION, "ABC Ltd", "ABD Ltd",
					     false, &next, &err),
			 KF_EINVAL);
	assert_error(&err, KF_EINVAL, "legal_name_mismatch", "ONB-6", "legal_name");
	assert_int_equal(next, KF_PROVIDER_DRAFT);
	assert_int_equal(kf_provider_certify(KF_PROVIDER_CERTIFICATION, "ABC Ltd", NULL, false,
					     &next, &err),
			 KF_EINVAL);
	assert_int_equal(kf_provider_certify(KF_PROVIDER_CERTIFICATION, "", "", false, &next,
					     &err),
			 KF_EINVAL);
}

static void test_certify_skipped_when_certified_ONB_6(void **state)
{
	(void)state;
	enum kf_provider_state next = KF_PROVIDER_DRAFT;
	struct kf_error err = { 0 };
	assert_int_equal(kf_provider_certify(KF_PROVIDER_CERTIFICATION, "ABC Ltd", NULL, true,
					     &next, &err),
			 KF_OK);
	assert_int_equal(next, KF_PROVIDER_CERTIFIED);
	/* Re-verification always compares, even for a certified entity. */
	assert_int_equal(kf_provider_certify(KF_PROVIDER_REVERIFY_REQUIRED, "ABC Ltd", "XYZ Ltd",
					     true, &next, &err),
			 KF_EINVAL);
	assert_string_equal(err.name, "legal_name_mismatch");
	assert_int_equal(kf_provider_certify(KF_PROVIDER_REVERIFY_REQUIRED, "ABC Ltd", "ABC  Ltd",
					     true, &next, &err),
			 KF_OK);
}

static void test_certify_state_ONB_6(void **state)
{
	(void)state;
	for (size_t i = 0; i < N_ALL; i++) {
		enum kf_provider_state s = all_states[i];
		enum kf_provider_state next = KF_PROVIDER_DRAFT;
		struct kf_error err = { 0 };
		enum kf_err rc = kf_provider_certify(s, "ABC Ltd", "ABC Ltd", false, &next, &err);
		if (s == KF_PROVIDER_CERTIFICATION || s == KF_PROVIDER_REVERIFY_REQUIRED) {
			assert_int_equal(rc, KF_OK);
		} else {
			assert_int_equal(rc, KF_ECONFLICT);
			assert_error(&err, KF_ECONFLICT, "invalid_state", "ONB-6", NULL);
		}
	}
}

static void test_only_certified_creates_apps_ONB_7(void **state)
{
	(void)state;
	for (size_t i = 0; i < N_ALL; i++) {
		enum kf_provider_state s = all_states[i];
		struct kf_error err = { 0 };
		enum kf_err rc = kf_provider_check_submission(s, &err);
		assert_int_equal(kf_provider_may_create_apps(s), s == KF_PROVIDER_CERTIFIED);
		if (s == KF_PROVIDER_CERTIFIED)
			assert_int_equal(rc, KF_OK);
		else if (s == KF_PROVIDER_REVERIFY_REQUIRED)
			assert_error(&err, KF_EFORBIDDEN, "reverification_pending", "ONB-7", NULL);
		else
			assert_error(&err, KF_EFORBIDDEN, "not_certified", "ONB-7", NULL);
	}
}

static void test_reverify_cycle_ONB_7(void **state)
{
	(void)state;
	enum kf_provider_state s = KF_PROVIDER_CERTIFIED;
	struct kf_error err = { 0 };
	assert_int_equal(kf_provider_check_reverify(s, &s, &err), KF_OK);
	assert_int_equal(s, KF_PROVIDER_REVERIFY_REQUIRED);
	assert_false(kf_provider_may_create_apps(s));
	assert_int_equal(kf_provider_check_reverify(s, &s, &err), KF_ECONFLICT);
	assert_error(&err, KF_ECONFLICT, "invalid_state", "ONB-7", NULL);
	assert_int_equal(kf_provider_certify(s, "ABC Ltd", "ABC Ltd", true, &s, &err), KF_OK);
	assert_int_equal(s, KF_PROVIDER_CERTIFIED);
	assert_true(kf_provider_may_create_apps(s));
	s = KF_PROVIDER_DRAFT;
	assert_int_equal(kf_provider_check_reverify(s, &s, &err), KF_ECONFLICT);
}

static void test_ban_from_any_state(void **state)
{
	(void)state;
	for (size_t i = 0; i < N_ALL; i++) {
		enum kf_provider_state s = all_states[i];
		enum kf_provider_state next = KF_PROVIDER_DRAFT;
		struct kf_error err = { 0 };
		enum kf_err rc = kf_provider_check_ban(s, &next, &err);
		if (s == KF_PROVIDER_BANNED || s == KF_PROVIDER_CANCELLED) {
			assert_int_equal(rc, KF_ECONFLICT);
			assert_error(&err, KF_ECONFLICT, "invalid_state", "GOV-7", NULL);
		} else {
			assert_int_equal(rc, KF_OK);
			assert_int_equal(next, KF_PROVIDER_BANNED);
		}
	}
}

/* GOV-6/GOV-7: a lifted ban puts the provider back where the ban found it. */
static void test_lift_restores_state_GOV_7(void **state)
{
	(void)state;
	struct kf_error err = { 0 };
	enum kf_provider_state next = KF_PROVIDER_BANNED;
	struct kf_lift_facts f = { .has_from = true, .from = KF_PROVIDER_CERTIFIED };
	assert_int_equal(kf_provider_check_lift(KF_PROVIDER_BANNED, &f, &next, &err), KF_OK);
	assert_int_equal(next, KF_PROVIDER_CERTIFIED);
	f.from = KF_PROVIDER_REVERIFY_REQUIRED;
	assert_int_equal(kf_provider_check_lift(KF_PROVIDER_BANNED, &f, &next, &err), KF_OK);
	assert_int_equal(next, KF_PROVIDER_REVERIFY_REQUIRED);
	/* a pending qualification review stays pending; one that ended meanwhile leaves it rejected */
	f.from = KF_PROVIDER_QUALIFICATION_REVIEW;
	f.review_open = true;
	assert_int_equal(kf_provider_check_lift(KF_PROVIDER_BANNED, &f, &next, &err), KF_OK);
	assert_int_equal(next, KF_PROVIDER_QUALIFICATION_REVIEW);
	f.review_open = false;
	assert_int_equal(kf_provider_check_lift(KF_PROVIDER_BANNED, &f, &next, &err), KF_OK);
	assert_int_equal(next, KF_PROVIDER_REJECTED);
}

static void test_lift_unknown_from_GOV_7(void **state)
{
	(void)state;
	struct kf_error err = { 0 };
	enum kf_provider_state next = KF_PROVIDER_BANNED;
	struct kf_lift_facts f = { .has_from = false, .has_entity = true };
	assert_int_equal(kf_provider_check_lift(KF_PROVIDER_BANNED, &f, &next, &err), KF_OK);
	assert_int_equal(next, KF_PROVIDER_REVERIFY_REQUIRED);
	f.has_entity = false;
	assert_int_equal(kf_provider_check_lift(KF_PROVIDER_BANNED, &f, &next, &err), KF_OK);
	assert_int_equal(next, KF_PROVIDER_DRAFT);
	/* a recorded state that cannot be returned to counts as unknown */
	f.has_from = true;
	f.from = KF_PROVIDER_CANCELLED;
	assert_int_equal(kf_provider_check_lift(KF_PROVIDER_BANNED, &f, &next, &err), KF_OK);
	assert_int_equal(next, KF_PROVIDER_DRAFT);
	f.from = (enum kf_provider_state)99;
	f.has_entity = true;
	assert_int_equal(kf_provider_check_lift(KF_PROVIDER_BANNED, &f, &next, &err), KF_OK);
	assert_int_equal(next, KF_PROVIDER_REVERIFY_REQUIRED);
}

static void test_lift_only_when_banned_GOV_7(void **state)
{
	(void)state;
	struct kf_lift_facts f = { .has_from = true, .from = KF_PROVIDER_CERTIFIED };
	for (size_t i = 0; i < N_ALL; i++) {
		enum kf_provider_state s = all_states[i];
		if (s == KF_PROVIDER_BANNED)
			continue;
		enum kf_provider_state next = KF_PROVIDER_DRAFT;
		struct kf_error err = { 0 };
		assert_int_equal(kf_provider_check_lift(s, &f, &next, &err), KF_ECONFLICT);
		assert_error(&err, KF_ECONFLICT, "not_banned", "GOV-7", NULL);
		assert_int_equal(next, KF_PROVIDER_DRAFT);
	}
}

static void test_unbind_locked_ONB_5(void **state)
{
	(void)state;
	struct kf_error err = { 0 };
	int64_t bound = NOW + 180 * DAY;
	assert_int_equal(kf_provider_check_unbind(bound, NOW, &err), KF_EFORBIDDEN);
	assert_error(&err, KF_EFORBIDDEN, "entity_locked", "ONB-5", "entity");
	assert_non_null(strstr(err.msg, "180 day"));
	assert_int_equal(kf_provider_check_unbind(bound, bound - DAY - 1, &err), KF_EFORBIDDEN);
	assert_non_null(strstr(err.msg, "2 day"));
	assert_int_equal(kf_provider_check_unbind(bound, bound - 1, &err), KF_EFORBIDDEN);
	assert_non_null(strstr(err.msg, "1 day"));
	assert_int_equal(kf_provider_check_unbind(bound, bound, &err), KF_OK);
	assert_int_equal(kf_provider_check_unbind(bound, bound + 1, &err), KF_OK);
	assert_int_equal(kf_provider_check_unbind(0, NOW, &err), KF_OK);
	assert_int_equal(kf_provider_check_unbind(INT64_MAX, INT64_MIN, &err), KF_EFORBIDDEN);
}

static void test_cancel_blockers_ONB_10(void **state)
{
	(void)state;
	const char *codes[8];
	struct kf_cancel_facts f = { 0 };
	assert_int_equal(kf_provider_cancel_blockers(&f, codes, 8), 0);
	assert_int_equal(kf_provider_cancel_blockers(&f, NULL, 0), 0);

	f = (struct kf_cancel_facts){ true, true, 1, 2, 3, 4 };
	assert_int_equal(kf_provider_cancel_blockers(&f, codes, 8), 6);
	assert_string_equal(codes[0], "banned");
	assert_string_equal(codes[1], "under_investigation");
	assert_string_equal(codes[2], "open_reviews");
	assert_string_equal(codes[3], "unresolved_violations");
	assert_string_equal(codes[4], "live_apps_with_authorizations");
	assert_string_equal(codes[5], "open_disputes");

	/* Only max codes are written, the total is still returned. */
	codes[2] = "sentinel";
	assert_int_equal(kf_provider_cancel_blockers(&f, codes, 2), 6);
	assert_string_equal(codes[2], "sentinel");
	assert_int_equal(kf_provider_cancel_blockers(&f, NULL, 0), 6);

	f = (struct kf_cancel_facts){ .live_apps_with_authorizations = 1 };
	assert_int_equal(kf_provider_cancel_blockers(&f, codes, 8), 1);
	assert_string_equal(codes[0], "live_apps_with_authorizations");
	f = (struct kf_cancel_facts){ .open_disputes = 1 };
	assert_int_equal(kf_provider_cancel_blockers(&f, codes, 8), 1);
	assert_string_equal(codes[0], "open_disputes");
}

static void test_check_cancel_ONB_10(void **state)
{
	(void)state;
	struct kf_cancel_facts f = { 0 };
	enum kf_provider_state next = KF_PROVIDER_DRAFT;
	struct kf_error err = { 0 };
	assert_int_equal(kf_provider_check_cancel(KF_PROVIDER_CERTIFIED, &f, &next, &err), KF_OK);
	assert_int_equal(next, KF_PROVIDER_CANCELLED);

	f.open_reviews = 1;
	f.open_disputes = 2;
	assert_int_equal(kf_provider_check_cancel(KF_PROVIDER_CERTIFIED, &f, &next, &err),
			 KF_ECONFLICT);
	assert_error(&err, KF_ECONFLICT, "cancel_blocked", "ONB-10", NULL);
	assert_non_null(strstr(err.msg, "open_reviews, open_disputes"));

	f = (struct kf_cancel_facts){ 0 };
	assert_int_equal(kf_provider_check_cancel(KF_PROVIDER_BANNED, &f, &next, &err),
			 KF_ECONFLICT);
	assert_string_equal(err.name, "cancel_blocked");
	assert_non_null(strstr(err.msg, "banned"));
	assert_int_equal(kf_provider_check_cancel(KF_PROVIDER_CANCELLED, &f, &next, &err),
			 KF_ECONFLICT);
	assert_error(&err, KF_ECONFLICT, "invalid_state", "ONB-10", NULL);

	f = (struct kf_cancel_facts){ true, true, 1, 1, 1, 1 };
	assert_int_equal(kf_provider_check_cancel(KF_PROVIDER_DRAFT, &f, &next, &err),
			 KF_ECONFLICT);
	assert_non_null(strstr(err.msg, "banned, under_investigation, open_reviews, "
					"unresolved_violations, live_apps_with_authorizations, "
					"open_disputes"));
}

static void test_purge_after_retention_ONB_10(void **state)
{
	(void)state;
	struct kf_onb_policy p = kf_onb_policy_default();
	assert_int_equal(kf_provider_purge_at(NOW, &p), NOW + 30 * DAY);
	assert_int_equal(kf_provider_purge_at(NOW, NULL), NOW + 30 * DAY);
	p.retention_seconds = 90 * DAY;
	assert_int_equal(kf_provider_purge_at(NOW, &p), NOW + 90 * DAY);
	p.retention_seconds = -5;
	assert_int_equal(kf_provider_purge_at(NOW, &p), NOW);
	assert_int_equal(kf_provider_purge_at(INT64_MAX - 1, NULL), INT64_MAX);
}

static void test_authenticity_submit_APP_9(void **state)
{
	(void)state;
	struct kf_error err = { 0 };
	/* the owner of a certified provider, with documents, none pending */
	assert_int_equal(kf_provider_check_authenticity(KF_PROVIDER_CERTIFIED, true, 1, false, &err), KF_OK);
	assert_int_equal(kf_provider_check_authenticity(KF_PROVIDER_CERTIFIED, true,
							KF_AUTHENTICITY_MAX_DOCUMENTS, false, &err),
			 KF_OK);
	/* a member may not, even with everything else in order */
	assert_int_equal(kf_provider_check_authenticity(KF_PROVIDER_CERTIFIED, false, 1, false, &err),
			 KF_EFORBIDDEN);
	assert_error(&err, KF_EFORBIDDEN, "owner_required", "APP-9", NULL);
	/* ONB-7: only a certified provider submits */
	assert_int_equal(kf_provider_check_authenticity(KF_PROVIDER_QUALIFICATION_REVIEW, true, 1, false, &err),
			 KF_EFORBIDDEN);
	assert_error(&err, KF_EFORBIDDEN, "not_certified", "ONB-7", NULL);
	assert_int_equal(kf_provider_check_authenticity(KF_PROVIDER_REVERIFY_REQUIRED, true, 1, false, &err),
			 KF_EFORBIDDEN);
	assert_error(&err, KF_EFORBIDDEN, "reverification_pending", "ONB-7", NULL);
	/* documents are required, within the cap */
	assert_int_equal(kf_provider_check_authenticity(KF_PROVIDER_CERTIFIED, true, 0, false, &err), KF_EINVAL);
	assert_error(&err, KF_EINVAL, "missing_field", "APP-9", "documents");
	assert_int_equal(kf_provider_check_authenticity(KF_PROVIDER_CERTIFIED, true,
							KF_AUTHENTICITY_MAX_DOCUMENTS + 1, false, &err),
			 KF_EINVAL);
	assert_error(&err, KF_EINVAL, "too_many_items", "APP-9", "documents");
	/* one at a time */
	assert_int_equal(kf_provider_check_authenticity(KF_PROVIDER_CERTIFIED, true, 1, true, &err), KF_ECONFLICT);
	assert_error(&err, KF_ECONFLICT, "authenticity_pending", "APP-9", NULL);
}

static void test_authenticity_validity_APP_9(void **state)
{
	(void)state;
	int64_t until = kf_provider_authenticity_until(NOW, KF_AUTHENTICITY_VALID_DAYS_DEFAULT);
	assert_int_equal(until, NOW + 365 * DAY);
	assert_int_equal(kf_provider_authenticity_until(NOW, 30), NOW + 30 * DAY);
	assert_int_equal(kf_provider_authenticity_until(NOW, 0), NOW);
	assert_int_equal(kf_provider_authenticity_until(NOW, -3), NOW);
	assert_int_equal(kf_provider_authenticity_until(INT64_MAX - DAY, 2), INT64_MAX);
	assert_int_equal(kf_provider_authenticity_until(NOW, INT64_MAX), INT64_MAX);
	/* valid from the approval until just before valid_until */
	assert_true(kf_provider_authenticity_valid(true, until, NOW));
	assert_true(kf_provider_authenticity_valid(true, until, until - 1));
	assert_false(kf_provider_authenticity_valid(true, until, until));
	assert_false(kf_provider_authenticity_valid(true, until, until + DAY));
	/* pending, rejected or missing certifications are never valid */
	assert_false(kf_provider_authenticity_valid(false, until, NOW));
	assert_false(kf_provider_authenticity_valid(false, 0, NOW));
	assert_false(kf_provider_authenticity_valid(true, 0, NOW));
}

/* ONB-10: purged is the final state after cancellation; nothing leaves it
 * and no request enters it. */
static void test_purged_final_ONB_10(void **state)
{
	(void)state;
	struct kf_error err;
	enum kf_provider_state next = KF_PROVIDER_DRAFT, s = KF_PROVIDER_DRAFT;
	assert_string_equal(kf_provider_state_name(KF_PROVIDER_PURGED), "purged");
	assert_true(kf_provider_state_parse("purged", &s));
	assert_int_equal(s, KF_PROVIDER_PURGED);
	assert_true(kf_provider_closed(KF_PROVIDER_PURGED));
	assert_true(kf_provider_closed(KF_PROVIDER_CANCELLED));
	assert_false(kf_provider_closed(KF_PROVIDER_BANNED));
	assert_false(kf_provider_closed(KF_PROVIDER_CERTIFIED));
	for (size_t i = 0; i < N_ALL; i++) {
		assert_false(kf_provider_transition_allowed(all_states[i], KF_PROVIDER_PURGED));
		assert_false(kf_provider_transition_allowed(KF_PROVIDER_PURGED, all_states[i]));
	}
	assert_int_equal(kf_provider_check_ban(KF_PROVIDER_PURGED, &next, &err), KF_ECONFLICT);
	assert_error(&err, KF_ECONFLICT, "invalid_state", "GOV-7", NULL);
	struct kf_cancel_facts facts = { 0 };
	assert_int_equal(kf_provider_check_cancel(KF_PROVIDER_PURGED, &facts, &next, &err), KF_ECONFLICT);
	assert_error(&err, KF_ECONFLICT, "invalid_state", "ONB-10", NULL);
	assert_int_equal(next, KF_PROVIDER_DRAFT);
}

static void test_org_kind_names(void **state)
{
	(void)state;
	static const char *const names[] = { "provider", "host", "operator" };
	for (int i = 0; i < 3; i++) {
		enum kf_org_kind k = KF_ORG_OPERATOR;
		assert_string_equal(kf_org_kind_name((enum kf_org_kind)i), names[i]);
		assert_true(kf_org_kind_parse(names[i], &k));
		assert_int_equal(k, i);
	}
	enum kf_org_kind k = KF_ORG_HOST;
	assert_false(kf_org_kind_parse("company", &k));
	assert_false(kf_org_kind_parse(NULL, &k));
	assert_int_equal(k, KF_ORG_HOST);
	assert_null(kf_org_kind_name((enum kf_org_kind)3));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_purged_final_ONB_10),
		cmocka_unit_test(test_org_kind_names),
		cmocka_unit_test(test_state_names),
		cmocka_unit_test(test_policy_default_ONB_5_ONB_10),
		cmocka_unit_test(test_transition_table),
		cmocka_unit_test(test_apply_requires_owner_ONB_1),
		cmocka_unit_test(test_apply_excluded_kind_ONB_2),
		cmocka_unit_test(test_apply_unknown_kind_ONB_2),
		cmocka_unit_test(test_apply_individuals_ONB_2),
		cmocka_unit_test(test_apply_state_ONB_3),
		cmocka_unit_test(test_after_apply_ONB_3_ONB_4),
		cmocka_unit_test(test_approve_binds_entity_ONB_5),
		cmocka_unit_test(test_reject_needs_reasons_REV_5),
		cmocka_unit_test(test_decide_only_in_review_REV_5),
		cmocka_unit_test(test_certify_compares_names_ONB_6),
		cmocka_unit_test(test_certify_skipped_when_certified_ONB_6),
		cmocka_unit_test(test_certify_state_ONB_6),
		cmocka_unit_test(test_only_certified_creates_apps_ONB_7),
		cmocka_unit_test(test_reverify_cycle_ONB_7),
		cmocka_unit_test(test_ban_from_any_state),
		cmocka_unit_test(test_unbind_locked_ONB_5),
		cmocka_unit_test(test_cancel_blockers_ONB_10),
		cmocka_unit_test(test_check_cancel_ONB_10),
		cmocka_unit_test(test_purge_after_retention_ONB_10),
		cmocka_unit_test(test_lift_restores_state_GOV_7),
		cmocka_unit_test(test_lift_unknown_from_GOV_7),
		cmocka_unit_test(test_lift_only_when_banned_GOV_7),
		cmocka_unit_test(test_authenticity_submit_APP_9),
		cmocka_unit_test(test_authenticity_validity_APP_9),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
