/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests for the verify-ticket store (the issuing and checking rules
 * are tested in tests/unit/push/tickets_test.c). */
#include "store_fixture.h"

#include "store/tickets.h"

static void exec(struct store_fixture *f, const char *sql)
{
	struct kf_error err = {0};
	assert_int_equal(kf_db_exec_script(f->db, sql, &err), KF_OK);
}

static void test_insert_keeps_the_newest(void **state)
{
	struct store_fixture *f = *state;
	exec(f, "INSERT INTO orgs (id, kind, name, state, created_at, updated_at) VALUES (1, 'provider', 'P', 'certified', 0, 0);"
		"INSERT INTO apps (id, app_id, provider_id, state, audience, created_at, updated_at)"
		" VALUES (1, 'kf0000000000000001', 1, 'developing', 'public', 0, 0);");
	int64_t at = 0;
	assert_int_equal(kf_store_ticket_newest_at(f->db, 1, &at), KF_OK);
	assert_int_equal(at, -1);
	assert_int_equal(kf_store_ticket_insert(f->db, 1, "aa", 10, 2), KF_OK);
	assert_int_equal(kf_store_ticket_insert(f->db, 1, "bb", 20, 2), KF_OK);
	assert_int_equal(kf_store_ticket_insert(f->db, 1, "cc", 30, 2), KF_OK);
	assert_int_equal(store_q(f->db, "SELECT COUNT(*) FROM verify_tickets WHERE app = ?", 1), 2);
	struct kf_ticket_row rows[4];
	size_t n = 0;
	assert_int_equal(kf_store_tickets_newest(f->db, 1, rows, 4, &n), KF_OK);
	assert_int_equal(n, 2);
	assert_string_equal(rows[0].hash, "cc");
	assert_int_equal(rows[0].created_at, 30);
	assert_string_equal(rows[1].hash, "bb");
	assert_int_equal(kf_store_tickets_newest(f->db, 1, rows, 1, &n), KF_OK);
	assert_int_equal(n, 1);
	assert_int_equal(kf_store_ticket_newest_at(f->db, 1, &at), KF_OK);
	assert_int_equal(at, 30);
}

static void test_due_apps_by_state_and_age_AUTH_5(void **state)
{
	struct store_fixture *f = *state;
	exec(f, "INSERT INTO orgs (id, kind, name, state, created_at, updated_at) VALUES (1, 'provider', 'P', 'certified', 0, 0);"
		"INSERT INTO apps (id, app_id, provider_id, state, audience, created_at, updated_at, deleted_at) VALUES"
		" (1, 'kf01', 1, 'developing', 'public', 0, 0, NULL),"
		" (2, 'kf02', 1, 'suspended', 'public', 0, 0, NULL),"
		" (3, 'kf03', 1, 'released', 'public', 0, 0, 5),"
		" (4, 'kf04', 1, 'withdrawn', 'public', 0, 0, NULL),"
		" (5, 'kf05', 1, 'released', 'public', 0, 0, NULL),"
		" (6, 'kf06', 1, 'released', 'public', 0, 0, NULL);"
		"INSERT INTO app_configs (id, app, version, config, created_at) VALUES"
		" (1, 1, 1, '{\"n\":1}', 0), (2, 2, 1, '{}', 0), (3, 3, 1, '{}', 0), (4, 4, 1, '{\"n\":4}', 0),"
		" (5, 5, 1, '{}', 0);"
		"UPDATE apps SET live_config_id = id WHERE id <= 5;"
		"INSERT INTO verify_tickets (app, ticket_hash, created_at) VALUES (5, 'x', 500);");
	struct kf_ticket_due_row due[8];
	size_t n = 0;
	/* 2 suspended, 3 deleted, 5 has a ticket newer than the threshold, 6 no live config */
	assert_int_equal(kf_store_tickets_due(f->db, 0, 400, due, 8, &n), KF_OK);
	assert_int_equal(n, 2);
	assert_int_equal(due[0].id, 1);
	assert_string_equal(due[0].app_id, "kf01");
	assert_string_equal(due[0].config, "{\"n\":1}");
	assert_int_equal(due[1].id, 4);
	kf_store_ticket_due_clear(due, n);
	/* at the ticket's time it is due again; after and max page */
	assert_int_equal(kf_store_tickets_due(f->db, 1, 500, due, 1, &n), KF_OK);
	assert_int_equal(n, 1);
	assert_int_equal(due[0].id, 4);
	kf_store_ticket_due_clear(due, n);
	assert_int_equal(kf_store_tickets_due(f->db, 4, 500, due, 8, &n), KF_OK);
	assert_int_equal(n, 1);
	assert_int_equal(due[0].id, 5);
	kf_store_ticket_due_clear(due, n);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_insert_keeps_the_newest, store_setup, store_teardown),
		cmocka_unit_test_setup_teardown(test_due_apps_by_state_and_age_AUTH_5, store_setup, store_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
