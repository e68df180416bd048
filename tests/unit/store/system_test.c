/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests for settings and the readiness probe, the operator
 * organisation, consenting an operator to every agreement, and the API
 * token list (the store functions the process and the CLI share). */
#include "store_fixture.h"

#include "core/provider.h"
#include "core/roles.h"
#include "store/accounts.h"
#include "store/agreements.h"
#include "store/operator.h"
#include "store/providers.h"
#include "store/system.h"

static void test_setting_first_writer_wins(void **state)
{
	struct store_fixture *f = *state;
	char v[65];
	assert_int_equal(kf_store_setting_ensure(f->db, "server_key", "first", v, sizeof(v)), KF_OK);
	assert_string_equal(v, "first");
	assert_int_equal(kf_store_setting_ensure(f->db, "server_key", "second", v, sizeof(v)), KF_OK);
	assert_string_equal(v, "first");
	char small[4];
	assert_int_equal(kf_store_setting_ensure(f->db, "server_key", "x", small, sizeof(small)), KF_EDB);
	assert_int_equal(kf_store_ping(f->db), KF_OK);
}

static void test_operator_org_and_staff(void **state)
{
	struct store_fixture *f = *state;
	int64_t org = 0, n = -1, uid = 0, prov = 0;
	assert_int_equal(kf_store_operator_org(f->db, &org), KF_ENOTFOUND);
	assert_int_equal(kf_store_operator_staff_count(f->db, &n), KF_OK);
	assert_int_equal(n, 0);
	const char *conflict = NULL;
	assert_int_equal(kf_store_user_insert(f->db, "op@example.com", NULL, "Op", "x", 1, &uid, &conflict), KF_OK);
	assert_int_equal(kf_store_org_insert(f->db, KF_ORG_PROVIDER, "P", KF_PROVIDER_CERTIFIED, 1, &prov), KF_OK);
	assert_int_equal(kf_store_member_add(f->db, prov, uid, KF_ROLE_OWNER, 1), KF_OK);
	assert_int_equal(kf_store_org_insert(f->db, KF_ORG_OPERATOR, "Platform operator", KF_PROVIDER_DRAFT, 1, &org), KF_OK);
	int64_t found = 0;
	assert_int_equal(kf_store_operator_org(f->db, &found), KF_OK);
	assert_int_equal(found, org);
	assert_int_equal(kf_store_operator_staff_count(f->db, &n), KF_OK);
	assert_int_equal(n, 0); /* a provider's member is not staff */
	assert_int_equal(kf_store_member_add(f->db, org, uid, KF_ROLE_ADMIN, 1), KF_OK);
	assert_int_equal(kf_store_operator_staff_count(f->db, &n), KF_OK);
	assert_int_equal(n, 1);
}

static void test_consent_all_keeps_first_time_ONB_12(void **state)
{
	struct store_fixture *f = *state;
	int64_t uid = 0, id = 0;
	const char *conflict = NULL;
	assert_int_equal(kf_store_user_insert(f->db, "op@example.com", NULL, "Op", "x", 1, &uid, &conflict), KF_OK);
	assert_int_equal(kf_store_agreement_insert(f->db, "terms", 1, "T", "b", 10, 0, "[\"all\"]", "major", uid, 10, &id),
			 KF_OK);
	assert_int_equal(kf_store_agreement_insert(f->db, "privacy", 1, "P", "b", 10, 0, "[\"all\"]", "major", uid, 10, &id),
			 KF_OK);
	assert_int_equal(kf_store_consent_insert(f->db, uid, "terms", 1, 50), KF_OK);
	assert_int_equal(kf_store_consent_all(f->db, uid, 100), KF_OK);
	assert_int_equal(kf_store_consent_all(f->db, uid, 200), KF_OK);
	assert_int_equal(store_q(f->db, "SELECT COUNT(*) FROM consents WHERE user_id = ?", uid), 2);
	assert_int_equal(store_q(f->db, "SELECT consented_at FROM consents WHERE agreement_key = 'terms' AND user_id = ?", uid),
			 50);
	assert_int_equal(
		store_q(f->db, "SELECT consented_at FROM consents WHERE agreement_key = 'privacy' AND user_id = ?", uid), 100);
}

static void test_api_tokens_of_user_live_only(void **state)
{
	struct store_fixture *f = *state;
	int64_t a = 0, b = 0, t1 = 0, t2 = 0, t3 = 0;
	const char *conflict = NULL;
	assert_int_equal(kf_store_user_insert(f->db, "a@example.com", NULL, "A", "x", 1, &a, &conflict), KF_OK);
	assert_int_equal(kf_store_user_insert(f->db, "b@example.com", NULL, "B", "x", 1, &b, &conflict), KF_OK);
	assert_int_equal(kf_store_api_token_insert(f->db, a, "ci", "h1", 10, 0, &t1), KF_OK);
	assert_int_equal(kf_store_api_token_insert(f->db, a, "deploy", "h2", 20, 9999, &t2), KF_OK);
	assert_int_equal(kf_store_api_token_insert(f->db, b, "theirs", "h3", 20, 0, &t3), KF_OK);
	assert_int_equal(kf_store_api_token_revoke(f->db, a, t1, 30), KF_OK);
	struct kf_api_token_row *rows = NULL;
	size_t n = 0;
	assert_int_equal(kf_store_api_tokens_of_user(f->db, f->arena, a, &rows, &n), KF_OK);
	assert_int_equal(n, 1);
	assert_int_equal(rows[0].id, t2);
	assert_string_equal(rows[0].name, "deploy");
	assert_int_equal(rows[0].created_at, 20);
	assert_true(rows[0].expires);
	assert_int_equal(rows[0].expires_at, 9999);
	assert_false(rows[0].used);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_setting_first_writer_wins, store_setup, store_teardown),
		cmocka_unit_test_setup_teardown(test_operator_org_and_staff, store_setup, store_teardown),
		cmocka_unit_test_setup_teardown(test_consent_all_keeps_first_time_ONB_12, store_setup, store_teardown),
		cmocka_unit_test_setup_teardown(test_api_tokens_of_user_live_only, store_setup, store_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
