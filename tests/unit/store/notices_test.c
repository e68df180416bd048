/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests for the inbox and mail outbox store (NOTE-1). */
#include "store_fixture.h"

#include "core/provider.h"
#include "core/roles.h"
#include "store/accounts.h"
#include "store/notices.h"
#include "store/providers.h"

static int64_t user(struct store_fixture *f, const char *email)
{
	int64_t id = 0;
	const char *conflict = NULL;
	assert_int_equal(kf_store_user_insert(f->db, email, NULL, "U", "x", 1700000000, &id, &conflict), KF_OK);
	return id;
}

static void test_inbox_page_newest_first_and_mark_read_NOTE_1(void **state)
{
	struct store_fixture *f = *state;
	int64_t u = user(f, "a@example.com"), other = user(f, "b@example.com"), org = 0;
	assert_int_equal(kf_store_org_insert(f->db, KF_ORG_PROVIDER, "P", KF_PROVIDER_CERTIFIED, 1, &org), KF_OK);
	assert_int_equal(kf_store_notification_insert(f->db, u, 0, "kf0123456789abcdef", "k1", "t1", "b1", 100), KF_OK);
	assert_int_equal(kf_store_notification_insert(f->db, u, org, NULL, "k2", "t2", "b2", 200), KF_OK);
	assert_int_equal(kf_store_notification_insert(f->db, u, 0, NULL, "k3", "t3", "b3", 300), KF_OK);
	assert_int_equal(kf_store_notification_insert(f->db, other, 0, NULL, "k", "t", "b", 300), KF_OK);

	struct kf_notification_row *rows = NULL;
	size_t n = 0;
	assert_int_equal(kf_store_inbox_page(f->db, f->arena, u, 0, 2, &rows, &n), KF_OK);
	assert_int_equal(n, 2);
	assert_string_equal(rows[0].kind, "k3");
	assert_int_equal(rows[0].org_id, 0);
	assert_false(rows[0].read);
	assert_string_equal(rows[1].title, "t2");
	assert_int_equal(rows[1].org_id, org);
	assert_int_equal(rows[1].created_at, 200);
	int64_t second = rows[1].id;
	assert_int_equal(kf_store_inbox_page(f->db, f->arena, u, second, 50, &rows, &n), KF_OK);
	assert_int_equal(n, 1);
	assert_string_equal(rows[0].body, "b1");
	assert_string_equal(rows[0].app_id, "kf0123456789abcdef"); /* a notice about an app names it */
	assert_int_equal(kf_store_inbox_page(f->db, f->arena, u, 0, 1, &rows, &n), KF_OK);
	assert_null(rows[0].app_id);

	/* read once keeps the first time; another user's notice is not found */
	assert_int_equal(kf_store_inbox_mark_read(f->db, u, second, 400), KF_OK);
	assert_int_equal(kf_store_inbox_mark_read(f->db, u, second, 500), KF_OK);
	assert_int_equal(kf_store_inbox_page(f->db, f->arena, u, 0, 50, &rows, &n), KF_OK);
	assert_int_equal(n, 3);
	assert_true(rows[1].read);
	assert_int_equal(rows[1].read_at, 400);
	int64_t theirs = store_q(f->db, "SELECT id FROM notifications WHERE user_id = ?", other);
	assert_int_equal(kf_store_inbox_mark_read(f->db, u, theirs, 400), KF_ENOTFOUND);
	assert_int_equal(kf_store_inbox_mark_read(f->db, u, 999999, 400), KF_ENOTFOUND);
}

static void test_recipient_only_active_and_members(void **state)
{
	struct store_fixture *f = *state;
	int64_t a = user(f, "a@example.com"), b = user(f, "b@example.com"), org = 0;
	char to[320], lang[4];
	assert_int_equal(kf_store_notice_recipient(f->db, a, to, sizeof(to), lang), KF_OK);
	assert_string_equal(to, "a@example.com");
	assert_string_equal(lang, "en");
	assert_int_equal(kf_store_user_set_language(f->db, a, "zh", 2), KF_OK);
	assert_int_equal(kf_store_notice_recipient(f->db, a, to, sizeof(to), lang), KF_OK);
	assert_string_equal(lang, "zh");
	char small[8];
	assert_int_equal(kf_store_notice_recipient(f->db, a, small, sizeof(small), lang), KF_EDB); /* never a cut address */
	struct kf_error err = {0};
	char sql[96];
	snprintf(sql, sizeof(sql), "UPDATE users SET status = 'disabled' WHERE id = %lld;", (long long)b);
	assert_int_equal(kf_db_exec_script(f->db, sql, &err), KF_OK);
	assert_int_equal(kf_store_notice_recipient(f->db, b, to, sizeof(to), lang), KF_ENOTFOUND);
	assert_int_equal(kf_store_notice_recipient(f->db, 999999, to, sizeof(to), lang), KF_ENOTFOUND);

	assert_int_equal(kf_store_org_insert(f->db, KF_ORG_PROVIDER, "P", KF_PROVIDER_CERTIFIED, 1, &org), KF_OK);
	assert_int_equal(kf_store_member_add(f->db, org, b, KF_ROLE_OWNER, 1), KF_OK);
	assert_int_equal(kf_store_member_add(f->db, org, a, KF_ROLE_MEMBER, 1), KF_OK);
	int64_t ids[4];
	size_t n = 0;
	assert_int_equal(kf_store_org_member_ids(f->db, org, ids, 4, &n), KF_OK);
	assert_int_equal(n, 2);
	assert_int_equal(ids[0], a);
	assert_int_equal(ids[1], b);
	assert_int_equal(kf_store_org_member_ids(f->db, org, ids, 1, &n), KF_OK);
	assert_int_equal(n, 1);
}

static void test_mail_due_sent_failed_dead(void **state)
{
	struct store_fixture *f = *state;
	assert_int_equal(kf_store_mail_insert(f->db, "a@example.com", "s1", "b1", 100), KF_OK);
	assert_int_equal(kf_store_mail_insert(f->db, "b@example.com", "s2", "b2", 200), KF_OK);
	struct kf_mail_row d[4];
	size_t n = 0;
	assert_int_equal(kf_store_mail_due(f->db, 150, d, 4, &n), KF_OK);
	assert_int_equal(n, 1);
	assert_string_equal(d[0].to, "a@example.com");
	assert_string_equal(d[0].subject, "s1");
	assert_int_equal(d[0].attempts, 0);
	int64_t first = d[0].id;
	kf_store_mail_rows_clear(d, n);

	assert_int_equal(kf_store_mail_due(f->db, 300, d, 4, &n), KF_OK);
	assert_int_equal(n, 2);
	int64_t second = d[1].id;
	kf_store_mail_rows_clear(d, n);
	assert_int_equal(kf_store_mail_sent(f->db, first, 1, 300), KF_OK);
	assert_int_equal(kf_store_mail_failed(f->db, second, 1, 1000, "refused"), KF_OK);
	assert_int_equal(kf_store_mail_due(f->db, 999, d, 4, &n), KF_OK);
	assert_int_equal(n, 0); /* sent one gone, failed one waits */
	assert_int_equal(kf_store_mail_due(f->db, 1000, d, 4, &n), KF_OK);
	assert_int_equal(n, 1);
	assert_int_equal(d[0].attempts, 1);
	kf_store_mail_rows_clear(d, n);
	/* the 10th failed attempt is the last */
	assert_int_equal(kf_store_mail_failed(f->db, second, 10, 2000, "refused"), KF_OK);
	assert_int_equal(kf_store_mail_due(f->db, 99999, d, 4, &n), KF_OK);
	assert_int_equal(n, 0);
	assert_int_equal(store_q(f->db, "SELECT COUNT(*) FROM emails WHERE state = 'dead' AND id = ?", second), 1);
	assert_int_equal(store_q(f->db, "SELECT sent_at FROM emails WHERE id = ?", first), 300);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_inbox_page_newest_first_and_mark_read_NOTE_1, store_setup,
						store_teardown),
		cmocka_unit_test_setup_teardown(test_recipient_only_active_and_members, store_setup, store_teardown),
		cmocka_unit_test_setup_teardown(test_mail_due_sent_failed_dead, store_setup, store_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
