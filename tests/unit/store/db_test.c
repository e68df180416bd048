/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Unit tests for the SQL layer, migrations and the all-or-nothing rule for
 * commands: a failure injected at every statement of a multi-statement
 * command leaves the database exactly as it was. (The audit chain has its
 * own tests, audit_test.c.)
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "ops.h"
#include "store/accounts.h"
#include "store/audit.h"
#include "store/db.h"
#include "store/groupcommit.h"
#include "store/migrate.h"
#include "util/crypto.h"

struct fixture {
	char dir[64];
	char path[96];
	struct kf_db *db;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	snprintf(f->dir, sizeof(f->dir), "/tmp/kf-db-test-XXXXXX");
	if (!mkdtemp(f->dir))
		return -1;
	snprintf(f->path, sizeof(f->path), "%s/t.db", f->dir);
	struct kf_error err = {0};
	if (kf_crypto_init() != KF_OK || kf_db_open(f->path, &f->db, &err) != KF_OK)
		return -1;
	if (kf_migrate(f->db, 1700000000, NULL, &err) != KF_OK ||
	    kf_audit_start(f->db, f->dir, true, &err) != KF_OK)
		return -1;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	kf_db_close(f->db);
	kf_audit_stop();
	char cmd[160];
	snprintf(cmd, sizeof(cmd), "rm -rf %s", f->dir);
	if (system(cmd) != 0)
		return -1;
	free(f);
	return 0;
}

static int64_t count(struct kf_db *db, const char *sql)
{
	struct kf_stmt *st = kf_db_prepare(db, sql);
	assert_non_null(st);
	assert_int_equal(kf_stmt_step(st), KF_STEP_ROW);
	int64_t n = kf_stmt_int(st, 0);
	kf_stmt_done(st);
	return n;
}

static void test_migrations_record_version(void **state)
{
	struct fixture *f = *state;
	size_t n;
	const struct kf_migration *all = kf_migrations_of(f->db, &n);
	assert_int_equal(kf_schema_version(f->db), (int)all[n - 1].version);
	int applied = -1;
	struct kf_error err = {0};
	assert_int_equal(kf_migrate(f->db, 1700000000, &applied, &err), KF_OK);
	assert_int_equal(applied, 0); /* idempotent */
	/* default catalogs exist after migration, demo users do not */
	assert_true(count(f->db, "SELECT COUNT(*) FROM permission_sets") >= 1);
	assert_true(count(f->db, "SELECT COUNT(*) FROM categories") >= 1);
	assert_true(count(f->db, "SELECT COUNT(*) FROM term_lists WHERE list = 'banned_terms'") >= 1);
	assert_int_equal(count(f->db, "SELECT COUNT(*) FROM users"), 0);
}

/* The default catalogs the migrations create, which operators then edit:
 * the term lists of the listing rules and APP-11, and the categories that
 * need special qualifications (REV-6). */
static void test_default_catalogs_LST_3_LST_4_LST_5_LST_18_LST_19_APP_11_REV_6(void **state)
{
	struct fixture *f = *state;
	struct {
		const char *list, *term;
	} want[] = {
		{"generic_names", "电话"},   /* LST-3 */
		{"hot_words", "红包"},       /* LST-4 */
		{"gambling_names", "六合"},  /* LST-5 */
		{"superlatives", "第一"},    /* LST-18 */
		{"banned_terms", "赌博"},    /* LST-19 */
		{"protected_marks", "kaifang"}, /* APP-11 */
	};
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		struct kf_stmt *st = kf_db_prepare(f->db, "SELECT COUNT(*) FROM term_lists WHERE list = ? AND term = ?");
		kf_stmt_bind_text(st, 1, want[i].list);
		kf_stmt_bind_text(st, 2, want[i].term);
		assert_int_equal(kf_stmt_step(st), KF_STEP_ROW);
		assert_int_equal(kf_stmt_int(st, 0), 1);
		kf_stmt_done(st);
	}
	assert_int_equal(count(f->db, "SELECT COUNT(*) FROM categories WHERE key IN ('finance', 'payments', 'medical',"
				      " 'news', 'education') AND qualifications != '[]'"), 5);
	assert_int_equal(count(f->db, "SELECT COUNT(*) FROM categories WHERE key = 'tools' AND qualifications = '[]'"), 1);
}

/* WAL; synchronous=NORMAL because commits wait on the group commit
 * barrier, which syncs the WAL (groupcommit_test.c). */
static void test_wal_and_group_commit(void **state)
{
	struct fixture *f = *state;
	struct kf_stmt *st = kf_db_prepare(f->db, "PRAGMA journal_mode");
	assert_int_equal(kf_stmt_step(st), KF_STEP_ROW);
	assert_string_equal(kf_stmt_text(st, 0), "wal");
	kf_stmt_done(st);
	assert_int_equal(count(f->db, "PRAGMA synchronous"), 1); /* NORMAL */
	assert_non_null(kf_db_gc(f->db));
}

/* The command kf_ops_create_operator writes a user, the operator org, a
 * membership, consents and an audit row. Fail it at every step. */
static void test_failed_command_leaves_nothing(void **state)
{
	struct fixture *f = *state;
	const char *tables[] = {"users", "orgs", "memberships", "consents", "audit_log"};
	int64_t before[5];
	for (int t = 0; t < 5; t++) {
		char sql[64];
		snprintf(sql, sizeof(sql), "SELECT COUNT(*) FROM %s", tables[t]);
		before[t] = count(f->db, sql);
	}
	int failures = 0;
	for (int k = 1; k < 40; k++) {
		struct kf_error err = {0};
		kf_db_fail_after(f->db, k);
		enum kf_err rc = kf_ops_create_operator(f->db, 1700000000, "ops@example.com", NULL, "Ops",
							"a-long-password-1", "admin", &err);
		kf_db_fail_after(f->db, 0);
		if (rc == KF_OK)
			break; /* k is past the last statement: the command completed */
		failures++;
		for (int t = 0; t < 5; t++) {
			char sql[64];
			snprintf(sql, sizeof(sql), "SELECT COUNT(*) FROM %s", tables[t]);
			assert_int_equal(count(f->db, sql), before[t]);
		}
	}
	assert_true(failures >= 5); /* the command really has several steps */
	assert_int_equal(count(f->db, "SELECT COUNT(*) FROM users"), before[0] + 1);
	assert_int_equal(count(f->db, "SELECT COUNT(*) FROM memberships"), before[2] + 1);
}

static void test_unique_email_and_mobile_ONB_8(void **state)
{
	struct fixture *f = *state;
	int64_t id;
	const char *conflict;
	assert_int_equal(kf_db_begin(f->db), KF_OK);
	assert_int_equal(kf_store_user_insert(f->db, "a@x.com", "+8613800000001", "A", "h", 1, &id, &conflict), KF_OK);
	assert_int_equal(kf_store_user_insert(f->db, "a@x.com", "+8613800000002", "B", "h", 1, &id, &conflict),
			 KF_ECONFLICT);
	assert_string_equal(conflict, "email");
	assert_int_equal(kf_store_user_insert(f->db, "b@x.com", "+8613800000001", "B", "h", 1, &id, &conflict),
			 KF_ECONFLICT);
	assert_string_equal(conflict, "mobile");
	assert_int_equal(kf_db_commit(f->db), KF_OK);
	assert_int_equal(count(f->db, "SELECT COUNT(*) FROM users"), 1);
}

static void test_rollback_discards(void **state)
{
	struct fixture *f = *state;
	assert_int_equal(kf_db_begin(f->db), KF_OK);
	assert_int_equal(kf_audit_append(f->db, 1, "system", "x", "y", NULL), KF_OK);
	kf_db_rollback(f->db);
	assert_int_equal(count(f->db, "SELECT COUNT(*) FROM audit_log"), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_migrations_record_version, setup, teardown),
		cmocka_unit_test_setup_teardown(test_wal_and_group_commit, setup, teardown),
		cmocka_unit_test_setup_teardown(test_default_catalogs_LST_3_LST_4_LST_5_LST_18_LST_19_APP_11_REV_6, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_failed_command_leaves_nothing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unique_email_and_mobile_ONB_8, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rollback_discards, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
