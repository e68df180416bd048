/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Store tests of the mailed links of issue 11: password resets (one live
 * link per person, single use, expiry, retention) and the verification
 * link kept next to the email code; and the account's language.
 */
#include "store_fixture.h"

#include "store/accounts.h"

static int64_t user(struct kf_db *db, const char *email)
{
	int64_t id;
	const char *conflict;
	assert_int_equal(kf_store_user_insert(db, email, NULL, "U", "x", 1000, &id, &conflict), KF_OK);
	return id;
}

static void test_password_reset_single_use_and_expiry(void **state)
{
	struct store_fixture *f = *state;
	int64_t u = user(f->db, "a@example.com");
	assert_int_equal(kf_store_password_reset_insert(f->db, u, "h1", 1000, 4600), KF_OK);
	int64_t id = 0, uid = 0;
	enum kf_link_state st;
	assert_int_equal(kf_store_password_reset_get(f->db, "nope", 1001, &id, &uid, &st), KF_ENOTFOUND);
	assert_int_equal(kf_store_password_reset_get(f->db, "h1", 1001, &id, &uid, &st), KF_OK);
	assert_int_equal(uid, u);
	assert_int_equal(st, KF_LINK_USABLE);
	assert_int_equal(kf_store_password_reset_get(f->db, "h1", 4600, &id, &uid, &st), KF_OK);
	assert_int_equal(st, KF_LINK_EXPIRED);
	assert_int_equal(kf_store_password_reset_use(f->db, id, 1002), KF_OK);
	assert_int_equal(kf_store_password_reset_use(f->db, id, 1003), KF_ECONFLICT);
	assert_int_equal(kf_store_password_reset_get(f->db, "h1", 1004, &id, &uid, &st), KF_OK);
	assert_int_equal(st, KF_LINK_USED);
}

static void test_password_reset_newer_replaces_older(void **state)
{
	struct store_fixture *f = *state;
	int64_t u = user(f->db, "b@example.com"), v = user(f->db, "c@example.com");
	assert_int_equal(kf_store_password_reset_insert(f->db, u, "old", 1000, 9000), KF_OK);
	assert_int_equal(kf_store_password_reset_insert(f->db, v, "other", 1000, 9000), KF_OK);
	assert_int_equal(kf_store_password_reset_insert(f->db, u, "new", 1100, 9000), KF_OK);
	int64_t id, uid;
	enum kf_link_state st;
	assert_int_equal(kf_store_password_reset_get(f->db, "old", 1200, &id, &uid, &st), KF_OK);
	assert_int_equal(st, KF_LINK_USED);
	assert_int_equal(kf_store_password_reset_get(f->db, "new", 1200, &id, &uid, &st), KF_OK);
	assert_int_equal(st, KF_LINK_USABLE);
	/* another person's link is untouched */
	assert_int_equal(kf_store_password_reset_get(f->db, "other", 1200, &id, &uid, &st), KF_OK);
	assert_int_equal(st, KF_LINK_USABLE);
	/* retention: rows created before the cut go */
	assert_int_equal(kf_store_password_resets_expire(f->db, 1050), 2);
	assert_int_equal(store_q(f->db, "SELECT COUNT(*) FROM password_resets", 0), 1);
}

static void test_email_link_used_once_and_replaced(void **state)
{
	struct store_fixture *f = *state;
	int64_t u = user(f->db, "d@example.com");
	assert_int_equal(kf_store_email_code_insert(f->db, u, "c1", "l1", 1000, 2800), KF_OK);
	assert_int_equal(kf_store_email_code_insert(f->db, u, "c2", "l2", 1100, 2900), KF_OK);
	int64_t uid = 0;
	enum kf_link_state st;
	assert_int_equal(kf_store_email_link_use(f->db, "l0", 1200, &uid, &st), KF_ENOTFOUND);
	assert_int_equal(kf_store_email_link_use(f->db, "l1", 1200, &uid, &st), KF_OK);
	assert_int_equal(st, KF_LINK_USED); /* replaced by the newer mail */
	assert_int_equal(kf_store_email_link_use(f->db, "l2", 2900, &uid, &st), KF_OK);
	assert_int_equal(st, KF_LINK_EXPIRED);
	assert_int_equal(kf_store_email_link_use(f->db, "l2", 1200, &uid, &st), KF_OK);
	assert_int_equal(st, KF_LINK_USABLE);
	assert_int_equal(uid, u);
	assert_int_equal(kf_store_email_link_use(f->db, "l2", 1201, &uid, &st), KF_OK);
	assert_int_equal(st, KF_LINK_USED);
	/* the code mailed with the link is used up with it */
	assert_int_equal(kf_store_email_code_use(f->db, u, "c2", 1202), KF_EINVAL);
	/* a code without a link (mailed before migration 013) still inserts */
	assert_int_equal(kf_store_email_code_insert(f->db, u, "c3", NULL, 1300, 3100), KF_OK);
	assert_int_equal(kf_store_email_code_use(f->db, u, "c3", 1301), KF_OK);
}

static void test_user_language(void **state)
{
	struct store_fixture *f = *state;
	int64_t u = user(f->db, "e@example.com");
	struct kf_user_row row;
	assert_int_equal(kf_store_user_get(f->db, u, &row), KF_OK);
	assert_string_equal(row.language, "en");
	assert_int_equal(kf_store_user_set_language(f->db, u, "zh", 1100), KF_OK);
	assert_int_equal(kf_store_user_get(f->db, u, &row), KF_OK);
	assert_string_equal(row.language, "zh");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_password_reset_single_use_and_expiry, store_setup, store_teardown),
		cmocka_unit_test_setup_teardown(test_password_reset_newer_replaces_older, store_setup, store_teardown),
		cmocka_unit_test_setup_teardown(test_email_link_used_once_and_replaced, store_setup, store_teardown),
		cmocka_unit_test_setup_teardown(test_user_language, store_setup, store_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
