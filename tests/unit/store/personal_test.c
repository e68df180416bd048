/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Store tests of one person's own data (DATA-2): the export holds the
 * person's rows and no secret; deletion closes the account and ends its
 * credentials; the retention pass anonymises only accounts whose window
 * ended; ONB-10's facts about a person.
 */
#include "store_fixture.h"

#include <jansson.h>

#include "store/accounts.h"
#include "store/agreements.h"
#include "store/personal.h"
#include "store/providers.h"

static int64_t user(struct kf_db *db, const char *email, const char *mobile)
{
	int64_t id;
	const char *conflict;
	assert_int_equal(kf_store_user_insert(db, email, mobile, "Person", "$argon2id$secret-hash", 1000, &id, &conflict),
			 KF_OK);
	return id;
}

static void test_export_holds_the_person_and_no_secret_DATA_2(void **state)
{
	struct store_fixture *f = *state;
	int64_t u = user(f->db, "me@example.com", "+8613800000001"), other = user(f->db, "you@example.com", NULL);
	int64_t sid, tid;
	assert_int_equal(kf_store_session_insert(f->db, u, "sessionhash", 1000, 9000, "10.0.0.1", "Firefox", &sid), KF_OK);
	assert_int_equal(kf_store_session_insert(f->db, other, "othersession", 1000, 9000, NULL, NULL, &sid), KF_OK);
	assert_int_equal(kf_store_api_token_insert(f->db, u, "script", "tokenhash", 1000, 0, &tid), KF_OK);
	assert_int_equal(kf_store_consent_insert(f->db, u, "terms", 1, 1001), KF_OK);
	json_t *o = kf_store_user_export_json(f->db, u);
	assert_non_null(o);
	assert_string_equal(json_string_value(json_object_get(json_object_get(o, "user"), "email")), "me@example.com");
	assert_int_equal(json_array_size(json_object_get(o, "sessions")), 1);
	assert_string_equal(json_string_value(json_object_get(json_array_get(json_object_get(o, "sessions"), 0), "user_agent")),
			    "Firefox");
	assert_int_equal(json_array_size(json_object_get(o, "api_tokens")), 1);
	assert_int_equal(json_array_size(json_object_get(o, "agreement_consents")), 1);
	char *text = json_dumps(o, 0);
	assert_null(strstr(text, "secret-hash"));
	assert_null(strstr(text, "sessionhash"));
	assert_null(strstr(text, "tokenhash"));
	assert_null(strstr(text, "you@example.com"));
	free(text);
	json_decref(o);
	assert_null(kf_store_user_export_json(f->db, 999));
}

static void test_deletion_facts_ONB_10(void **state)
{
	struct store_fixture *f = *state;
	int64_t u = user(f->db, "owner@example.com", "+8613800000002");
	struct kf_account_deletion_facts facts;
	assert_int_equal(kf_store_user_deletion_facts(f->db, u, &facts), KF_OK);
	assert_int_equal(facts.status, KF_USER_ACTIVE);
	assert_int_equal(facts.providers_owned, 0);
	int64_t org;
	assert_int_equal(kf_store_org_insert(f->db, KF_ORG_PROVIDER, "Co", KF_PROVIDER_DRAFT, 1000, &org), KF_OK);
	assert_int_equal(kf_store_member_add(f->db, org, u, KF_ROLE_OWNER, 1000), KF_OK);
	assert_int_equal(kf_store_user_deletion_facts(f->db, u, &facts), KF_OK);
	assert_int_equal(facts.providers_owned, 1);
	assert_false(facts.operator_staff);
	/* a cancelled provider no longer holds the person back */
	assert_int_equal(kf_store_org_cancel(f->db, org, 1100, 5000), KF_OK);
	assert_int_equal(kf_store_user_deletion_facts(f->db, u, &facts), KF_OK);
	assert_int_equal(facts.providers_owned, 0);
	assert_int_equal(kf_store_user_deletion_facts(f->db, 999, &facts), KF_ENOTFOUND);
}

static void test_delete_then_purge_after_the_window_DATA_2(void **state)
{
	struct store_fixture *f = *state;
	int64_t u = user(f->db, "gone@example.com", "+8613800000003"), keep = user(f->db, "stay@example.com", NULL);
	int64_t sid, tid, org;
	assert_int_equal(kf_store_session_insert(f->db, u, "s1", 1000, 90000, NULL, NULL, &sid), KF_OK);
	assert_int_equal(kf_store_session_insert(f->db, u, "s2", 1000, 90000, NULL, NULL, &sid), KF_OK);
	assert_int_equal(kf_store_session_insert(f->db, keep, "s3", 1000, 90000, NULL, NULL, &sid), KF_OK);
	assert_int_equal(kf_store_api_token_insert(f->db, u, "t", "t1", 1000, 0, &tid), KF_OK);
	assert_int_equal(kf_store_org_insert(f->db, KF_ORG_PROVIDER, "Team", KF_PROVIDER_DRAFT, 1000, &org), KF_OK);
	assert_int_equal(kf_store_member_add(f->db, org, u, KF_ROLE_MEMBER, 1000), KF_OK);
	assert_int_equal(kf_store_consent_insert(f->db, u, "terms", 1, 1001), KF_OK);

	assert_int_equal(kf_store_user_delete(f->db, u, 2000, 5000), 2);
	assert_int_equal(store_q(f->db, "SELECT COUNT(*) FROM sessions WHERE user_id = ? AND revoked_at IS NULL", u), 0);
	assert_int_equal(store_q(f->db, "SELECT COUNT(*) FROM api_tokens WHERE user_id = ? AND revoked_at IS NULL", u), 0);
	assert_int_equal(store_q(f->db, "SELECT COUNT(*) FROM memberships WHERE user_id = ?", u), 0);
	assert_int_equal(store_q(f->db, "SELECT COUNT(*) FROM sessions WHERE user_id = ? AND revoked_at IS NULL", keep), 1);
	/* a second deletion finds no active account */
	assert_int_equal(kf_store_user_delete(f->db, u, 2001, 5000), -1);

	int64_t who = 0;
	assert_int_equal(kf_store_user_purge_one(f->db, 4999, &who), 0); /* the window is still open */
	assert_int_equal(kf_store_user_purge_one(f->db, 5000, &who), 1);
	assert_int_equal(who, u);
	assert_int_equal(kf_store_user_purge_one(f->db, 6000, &who), 0); /* once */
	struct kf_user_row row;
	assert_int_equal(kf_store_user_get(f->db, u, &row), KF_OK);
	assert_int_equal(row.status, KF_USER_ANONYMISED);
	assert_string_equal(row.name, "");
	assert_string_equal(row.mobile, "");
	assert_non_null(strstr(row.email, "@deleted.invalid"));
	assert_int_equal(store_q(f->db, "SELECT COUNT(*) FROM sessions WHERE user_id = ?", u), 0);
	assert_int_equal(store_q(f->db, "SELECT COUNT(*) FROM api_tokens WHERE user_id = ?", u), 0);
	assert_int_equal(store_q(f->db, "SELECT COUNT(*) FROM consents WHERE user_id = ?", u), 1);
	assert_int_equal(store_q(f->db, "SELECT COUNT(*) FROM sessions WHERE user_id = ?", keep), 1);
	/* the freed address may register again */
	int64_t again;
	const char *conflict;
	assert_int_equal(kf_store_user_insert(f->db, "gone@example.com", "+8613800000003", "New", "x", 7000, &again,
					      &conflict),
			 KF_OK);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_export_holds_the_person_and_no_secret_DATA_2, store_setup, store_teardown),
		cmocka_unit_test_setup_teardown(test_deletion_facts_ONB_10, store_setup, store_teardown),
		cmocka_unit_test_setup_teardown(test_delete_then_purge_after_the_window_DATA_2, store_setup, store_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
