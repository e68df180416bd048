/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Unit tests for store/authz.c: permission sets go in and come out as
 * core's struct kf_auth_sets, the stored text stays a JSON array of ids
 * exactly as before (no migration; readable by hand), and text that cannot
 * be read grants nothing (AUTH-1, DATA-1).
 */
#include "store_fixture.h"

#include <jansson.h>

#include "core/auth.h"
#include "store/apps.h"
#include "store/authz.h"

#define NOW 1700000000
#define HOST 41

/* An app row without its provider: these tests are about authorizations. */
static int64_t new_app(struct store_fixture *f)
{
	struct kf_error err = {0};
	int64_t app = 0;
	assert_int_equal(kf_db_exec_script(f->db, "PRAGMA foreign_keys=OFF;", &err), KF_OK);
	assert_int_equal(kf_store_app_insert(f->db, "kf00112233445566aa", 1, "public", NOW, &app), KF_OK);
	return app;
}

static struct kf_auth_sets sets_of(const int64_t *ids, size_t n)
{
	struct kf_auth_sets s = {.n = n};
	memcpy(s.ids, ids, n * sizeof(*ids));
	return s;
}

static void assert_sets(const struct kf_auth_sets *s, const int64_t *ids, size_t n)
{
	assert_int_equal(s->n, n);
	for (size_t i = 0; i < n; i++)
		assert_int_equal(s->ids[i], ids[i]);
}

/* The statement cache of the store is keyed by the SQL's address, so each
 * query here is a string literal of its own. */
static const char *select_sql(bool history, const char *col)
{
	if (history)
		return "SELECT granted FROM authorization_history WHERE authorization_id = ?";
	if (!strcmp(col, "granted"))
		return "SELECT granted FROM authorizations WHERE id = ?";
	if (!strcmp(col, "pending"))
		return "SELECT pending FROM authorizations WHERE id = ?";
	return "SELECT offered FROM authorizations WHERE id = ?";
}

static const char *update_sql(const char *col)
{
	if (!strcmp(col, "granted"))
		return "UPDATE authorizations SET granted = ? WHERE id = ?";
	if (!strcmp(col, "pending"))
		return "UPDATE authorizations SET pending = ? WHERE id = ?";
	return "UPDATE authorizations SET offered = ? WHERE id = ?";
}

/* The text stored in column col of the authorization (or the granted
 * column of its only history row when history), compared with want. */
static void assert_stored(struct kf_db *db, bool history, const char *col, int64_t id, const char *want)
{
	struct kf_stmt *st = kf_db_prepare(db, select_sql(history, col));
	assert_non_null(st);
	kf_stmt_bind_int(st, 1, id);
	assert_int_equal(kf_stmt_step(st), KF_STEP_ROW);
	assert_string_equal(kf_stmt_text(st, 0), want);
	kf_stmt_done(st);
}

static void set_column(struct kf_db *db, const char *col, int64_t id, const char *text)
{
	struct kf_stmt *st = kf_db_prepare(db, update_sql(col));
	assert_non_null(st);
	kf_stmt_bind_text(st, 1, text);
	kf_stmt_bind_int(st, 2, id);
	assert_int_equal(kf_stmt_exec(st), KF_OK);
}

static void test_sets_round_trip_in_the_stored_format_AUTH_1(void **state)
{
	struct store_fixture *f = *state;
	int64_t app = new_app(f), id = 0;
	bool created = false;
	const int64_t g[] = {7, 3}, o[] = {3, 7, 9};
	struct kf_auth_sets granted = sets_of(g, 2), offered = sets_of(o, 3);
	assert_int_equal(kf_store_authz_put(f->db, HOST, app, &granted, &offered, "{\"members\":\"all\"}", NOW, &id,
					    &created),
			 KF_OK);
	assert_true(created);
	assert_int_equal(kf_store_authz_history(f->db, id, NOW, "authorized", &granted, "user:1"), KF_OK);
	/* the text is what it always was: compact JSON arrays, in order */
	assert_stored(f->db, false, "granted", id, "[7,3]");
	assert_stored(f->db, false, "offered", id, "[3,7,9]");
	assert_stored(f->db, false, "pending", id, "[]");
	assert_stored(f->db, true, "granted", id, "[7,3]");

	struct kf_authz_row z;
	assert_int_equal(kf_store_authz_get(f->db, HOST, app, &z), KF_OK);
	assert_int_equal(z.id, id);
	assert_int_equal(z.state, KF_AUTH_STATE_ACTIVE);
	assert_sets(&z.granted, g, 2);
	assert_sets(&z.offered, o, 3);
	assert_sets(&z.pending, NULL, 0);
	assert_string_equal(z.data_scope, "{\"members\":\"all\"}");
	struct kf_authz_row byid;
	assert_int_equal(kf_store_authz_by_id(f->db, id, &byid), KF_OK);
	assert_sets(&byid.granted, g, 2);
	assert_sets(&byid.offered, o, 3);

	/* the update path: none granted (NULL), the most ids core allows offered,
	 * extreme values included */
	struct kf_auth_sets full = {.n = KF_AUTH_SETS_MAX};
	for (size_t i = 0; i < KF_AUTH_SETS_MAX; i++)
		full.ids[i] = i == 0 ? INT64_MAX : i == 1 ? INT64_MIN : (int64_t)(100 + i);
	assert_int_equal(kf_store_authz_put(f->db, HOST, app, NULL, &full, "{\"members\":\"all\"}", NOW + 1, &id, &created),
			 KF_OK);
	assert_false(created);
	assert_stored(f->db, false, "granted", id, "[]");
	assert_int_equal(kf_store_authz_by_id(f->db, id, &z), KF_OK);
	assert_sets(&z.granted, NULL, 0);
	assert_sets(&z.offered, full.ids, KF_AUTH_SETS_MAX);
}

static void test_unreadable_text_reads_as_no_sets_AUTH_1(void **state)
{
	struct store_fixture *f = *state;
	int64_t app = new_app(f), id = 0;
	bool created = false;
	const int64_t g[] = {1, 2};
	struct kf_auth_sets granted = sets_of(g, 2);
	assert_int_equal(kf_store_authz_put(f->db, HOST, app, &granted, &granted, "{\"members\":\"all\"}", NOW, &id,
					    &created),
			 KF_OK);
	/* 33 ids: more than core allows */
	char many[512] = "[";
	for (int i = 1; i <= KF_AUTH_SETS_MAX + 1; i++)
		snprintf(many + strlen(many), sizeof(many) - strlen(many), "%s%d", i > 1 ? "," : "", i);
	strcat(many, "]");
	static const char *const bad[] = {"not json", "", "{\"a\":1}", "[\"1\"]", "[1,2.5]", "[1,null]", "[[1]]", "3", NULL};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		const char *text = bad[i] ? bad[i] : many;
		set_column(f->db, "granted", id, text);
		set_column(f->db, "pending", id, text);
		set_column(f->db, "offered", id, text);
		struct kf_authz_row z;
		assert_int_equal(kf_store_authz_by_id(f->db, id, &z), KF_OK);
		assert_int_equal(z.granted.n, 0);
		assert_int_equal(z.pending.n, 0);
		assert_int_equal(z.offered.n, 0);
		assert_int_equal(z.state, KF_AUTH_STATE_ACTIVE); /* the rest of the row is read */
	}
	/* the account's list shows them as no sets as well */
	json_t *items = kf_store_authz_of_host(f->db, HOST);
	assert_non_null(items);
	assert_int_equal(json_array_size(items), 1);
	char *s = json_dumps(json_object_get(json_array_get(items, 0), "granted"), JSON_COMPACT);
	assert_string_equal(s, "[]");
	free(s);
	json_decref(items);

	/* a repeated id is kept once; the order stays */
	set_column(f->db, "granted", id, "[5, 3, 5]");
	struct kf_authz_row z;
	assert_int_equal(kf_store_authz_by_id(f->db, id, &z), KF_OK);
	const int64_t want[] = {5, 3};
	assert_sets(&z.granted, want, 2);
}

static void test_live_of_host_and_of_host_carry_the_sets_AUTH_2(void **state)
{
	struct store_fixture *f = *state;
	int64_t app = new_app(f), app2 = 0, id = 0, id2 = 0;
	assert_int_equal(kf_store_app_insert(f->db, "kf00112233445566bb", 1, "public", NOW, &app2), KF_OK);
	bool created;
	const int64_t g[] = {3, 1}, g2[] = {2};
	struct kf_auth_sets granted = sets_of(g, 2), granted2 = sets_of(g2, 1);
	assert_int_equal(kf_store_authz_put(f->db, HOST, app, &granted, &granted, "{\"members\":\"all\"}", NOW, &id,
					    &created),
			 KF_OK);
	assert_int_equal(kf_store_authz_put(f->db, HOST, app2, &granted2, &granted2, "{\"members\":\"all\"}", NOW, &id2,
					    &created),
			 KF_OK);
	json_t *items = kf_store_authz_of_host(f->db, HOST);
	assert_non_null(items);
	char *s = json_dumps(items, JSON_COMPACT);
	assert_non_null(strstr(s, "\"granted\":[3,1],\"pending\":[],\"data_scope\":{\"members\":\"all\"}"));
	free(s);
	json_decref(items);

	assert_int_equal(kf_store_authz_revoke(f->db, id2, NOW + 1), KF_OK);
	struct kf_authz_row *rows = NULL;
	size_t n = 9;
	assert_int_equal(kf_store_authz_live_of_host(f->db, f->arena, HOST, &rows, &n), KF_OK);
	assert_int_equal(n, 1); /* the revoked one is not live */
	assert_int_equal(rows[0].id, id);
	assert_int_equal(rows[0].app, app);
	assert_int_equal(rows[0].state, KF_AUTH_STATE_ACTIVE);
	assert_sets(&rows[0].granted, g, 2);
	assert_int_equal(kf_store_authz_live_of_host(f->db, f->arena, HOST + 1, &rows, &n), KF_OK);
	assert_int_equal(n, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_sets_round_trip_in_the_stored_format_AUTH_1, store_setup,
						store_teardown),
		cmocka_unit_test_setup_teardown(test_unreadable_text_reads_as_no_sets_AUTH_1, store_setup, store_teardown),
		cmocka_unit_test_setup_teardown(test_live_of_host_and_of_host_carry_the_sets_AUTH_2, store_setup,
						store_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
