/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The keyed audit chain (issue 9 defect 7): every way an attacker with the
 * database (but not the key file) could alter the log is seen by
 * kf_audit_verify, the anchor outside the database only moves on commits,
 * the table refuses UPDATE and DELETE, and the key file is created and
 * checked as documented. The attacker first drops the triggers, as anyone
 * with the database file can.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "store/audit.h"
#include "store/db.h"
#include "store/migrate.h"
#include "util/crypto.h"
#include "util/mem.h"

struct fixture {
	char dir[64];
	char path[96];
	struct kf_db *db;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	snprintf(f->dir, sizeof(f->dir), "/tmp/kf-audit-test-XXXXXX");
	if (!mkdtemp(f->dir))
		return -1;
	snprintf(f->path, sizeof(f->path), "%s/kaifang.db", f->dir);
	struct kf_error err = {0};
	if (kf_crypto_init() != KF_OK || kf_db_open(f->path, &f->db, &err) != KF_OK ||
	    kf_migrate(f->db, 1700000000, NULL, &err) != KF_OK)
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

static void start(struct fixture *f)
{
	struct kf_error err = {0};
	assert_int_equal(kf_audit_start(f->db, f->dir, true, &err), KF_OK);
	assert_true(kf_audit_has_key());
}

static void sql(struct kf_db *db, const char *q)
{
	struct kf_stmt *st = kf_db_prepare(db, q);
	assert_non_null(st);
	assert_int_equal(kf_stmt_exec(st), KF_OK);
}

static enum kf_err try_sql(struct kf_db *db, const char *q)
{
	struct kf_stmt *st = kf_db_prepare(db, q);
	return st ? kf_stmt_exec(st) : KF_EDB;
}

static void append_n(struct kf_db *db, int n)
{
	assert_int_equal(kf_db_begin(db), KF_OK);
	for (int i = 0; i < n; i++)
		assert_int_equal(kf_audit_append(db, 1700000000 + i, "user:1", "test.action", "subject", "detail"), KF_OK);
	assert_int_equal(kf_db_commit(db), KF_OK);
}

/* The id the anchor file holds (-1 when there is none). */
static long long anchor_id(struct fixture *f)
{
	char path[128];
	snprintf(path, sizeof(path), "%s/audit.anchor", f->dir);
	FILE *fp = fopen(path, "r");
	if (!fp)
		return -1;
	long long id = -1;
	if (fscanf(fp, "{\"id\":%lld", &id) != 1)
		id = -2;
	fclose(fp);
	return id;
}

static void drop_triggers(struct kf_db *db)
{
	sql(db, "DROP TRIGGER audit_log_no_update");
	sql(db, "DROP TRIGGER audit_log_no_delete");
}

static void expect_broken(struct kf_db *db, const char *msg_part, int64_t broken)
{
	struct kf_audit_report rep;
	assert_int_equal(kf_audit_verify(db, &rep), KF_ECONFLICT);
	if (!strstr(rep.msg, msg_part))
		fail_msg("verify said \"%s\", expected it to mention \"%s\"", rep.msg, msg_part);
	assert_int_equal(rep.broken_id, broken);
}

static void test_intact_chain_verifies_and_is_anchored(void **state)
{
	struct fixture *f = *state;
	start(f);
	assert_int_equal(anchor_id(f), 0); /* an empty log is anchored at row 0 */
	append_n(f->db, 5);
	assert_int_equal(anchor_id(f), 5);
	/* an append outside a transaction commits (and anchors) on its own */
	assert_int_equal(kf_audit_append(f->db, 1700000100, "system", "x", "y", NULL), KF_OK);
	assert_int_equal(anchor_id(f), 6);
	struct kf_audit_report rep;
	assert_int_equal(kf_audit_verify(f->db, &rep), KF_OK);
	assert_int_equal(rep.rows, 6);
	assert_int_equal(rep.head_id, 6);
	assert_int_equal(rep.anchor_id, 6);
	/* the key file: 32 bytes, owner only */
	char path[128];
	struct stat sb;
	snprintf(path, sizeof(path), "%s/audit.key", f->dir);
	assert_int_equal(stat(path, &sb), 0);
	assert_int_equal(sb.st_size, KF_AUDIT_KEY_BYTES);
	assert_int_equal(sb.st_mode & 0777, 0600);
}

static void test_rolled_back_append_does_not_move_the_anchor(void **state)
{
	struct fixture *f = *state;
	start(f);
	append_n(f->db, 2);
	assert_int_equal(kf_db_begin(f->db), KF_OK);
	assert_int_equal(kf_audit_append(f->db, 1700000050, "user:1", "rolled.back", "s", NULL), KF_OK);
	assert_int_equal(anchor_id(f), 2); /* not before the commit */
	kf_db_rollback(f->db);
	assert_int_equal(anchor_id(f), 2);
	/* the next commit of another connection's work moves it on */
	append_n(f->db, 1);
	assert_int_equal(anchor_id(f), 3);
	struct kf_audit_report rep;
	assert_int_equal(kf_audit_verify(f->db, &rep), KF_OK);
}

static void test_triggers_refuse_update_and_delete(void **state)
{
	struct fixture *f = *state;
	start(f);
	append_n(f->db, 3);
	assert_int_equal(try_sql(f->db, "UPDATE audit_log SET actor = 'user:2' WHERE id = 2"), KF_EDB);
	assert_int_equal(try_sql(f->db, "DELETE FROM audit_log WHERE id = 3"), KF_EDB);
	assert_int_equal(try_sql(f->db, "DELETE FROM audit_log"), KF_EDB);
	struct kf_audit_report rep;
	assert_int_equal(kf_audit_verify(f->db, &rep), KF_OK);
	assert_int_equal(rep.rows, 3);
}

static void test_truncation_is_detected(void **state)
{
	struct fixture *f = *state;
	start(f);
	append_n(f->db, 6);
	drop_triggers(f->db);
	sql(f->db, "DELETE FROM audit_log WHERE id > 4");
	expect_broken(f->db, "removed from the end", 0);
	/* every row gone */
	sql(f->db, "DELETE FROM audit_log");
	expect_broken(f->db, "removed from the end", 0);
}

/* Rows cut off the end and then outgrown by new appends: the anchor does
 * not follow the new rows past the cut, so the cut stays visible. */
static void test_truncation_outgrown_by_new_rows_is_detected(void **state)
{
	struct fixture *f = *state;
	start(f);
	append_n(f->db, 6);
	drop_triggers(f->db);
	sql(f->db, "DELETE FROM audit_log WHERE id > 3");
	append_n(f->db, 5); /* ids 4 to 8, properly keyed */
	assert_int_equal(anchor_id(f), 6);
	expect_broken(f->db, "row 6 is not the row the anchor records", 6);
}

static void test_rewrite_is_detected(void **state)
{
	struct fixture *f = *state;
	start(f);
	append_n(f->db, 5);
	drop_triggers(f->db);
	sql(f->db, "UPDATE audit_log SET actor = 'user:2' WHERE id = 3");
	expect_broken(f->db, "row 3 was changed", 3);
}

/* Without the key, the best an attacker can do is recompute the old
 * unkeyed chain over every row: the anchor still names the real head. */
static void test_recomputed_unkeyed_chain_is_detected(void **state)
{
	struct fixture *f = *state;
	start(f);
	append_n(f->db, 4);
	drop_triggers(f->db);
	sql(f->db, "UPDATE audit_log SET actor = 'user:2' WHERE id = 2");
	char prev[65] = "0000000000000000000000000000000000000000000000000000000000000000";
	for (int id = 1; id <= 4; id++) {
		struct kf_stmt *st = kf_db_prepare(f->db, "SELECT at, actor, action, subject, digest FROM audit_log WHERE id = ?");
		kf_stmt_bind_int(st, 1, id);
		assert_int_equal(kf_stmt_step(st), KF_STEP_ROW);
		char buf[512], h[65];
		snprintf(buf, sizeof(buf), "%s|%lld|%s|%s|%s|%s", prev, (long long)kf_stmt_int(st, 0), kf_stmt_text(st, 1),
			 kf_stmt_text(st, 2), kf_stmt_text(st, 3), kf_stmt_text(st, 4));
		kf_stmt_done(st);
		kf_sha256_hex(buf, strlen(buf), h);
		st = kf_db_prepare(f->db, "UPDATE audit_log SET prev_hash = ?, hash = ?, mac_version = 0 WHERE id = ?");
		kf_stmt_bind_text(st, 1, prev);
		kf_stmt_bind_text(st, 2, h);
		kf_stmt_bind_int(st, 3, id);
		assert_int_equal(kf_stmt_exec(st), KF_OK);
		snprintf(prev, sizeof(prev), "%s", h);
	}
	expect_broken(f->db, "rewritten", 4);
	/* keeping the keyed rows' version does not help either */
	sql(f->db, "UPDATE audit_log SET mac_version = 1");
	expect_broken(f->db, "row 1 was changed", 1);
}

static void test_middle_deletion_is_detected(void **state)
{
	struct fixture *f = *state;
	start(f);
	append_n(f->db, 5);
	drop_triggers(f->db);
	sql(f->db, "DELETE FROM audit_log WHERE id = 3");
	expect_broken(f->db, "row 4 follows row 2", 4);
}

static void test_reordering_is_detected(void **state)
{
	struct fixture *f = *state;
	start(f);
	append_n(f->db, 5);
	drop_triggers(f->db);
	sql(f->db, "UPDATE audit_log SET id = -1 WHERE id = 2");
	sql(f->db, "UPDATE audit_log SET id = 2 WHERE id = 3");
	sql(f->db, "UPDATE audit_log SET id = 3 WHERE id = -1");
	expect_broken(f->db, "reordered", 2);
}

/* A row added by the attacker at the end, unkeyed, is refused. */
static void test_forged_unkeyed_row_is_detected(void **state)
{
	struct fixture *f = *state;
	start(f);
	append_n(f->db, 2);
	struct kf_stmt *st = kf_db_prepare(f->db, "SELECT hash FROM audit_log WHERE id = 2");
	assert_int_equal(kf_stmt_step(st), KF_STEP_ROW);
	char prev[65], buf[256], h[65];
	snprintf(prev, sizeof(prev), "%s", kf_stmt_text(st, 0));
	kf_stmt_done(st);
	snprintf(buf, sizeof(buf), "%s|1700000009|user:9|forged|s|d", prev);
	kf_sha256_hex(buf, strlen(buf), h);
	st = kf_db_prepare(f->db, "INSERT INTO audit_log (id, at, actor, action, subject, digest, prev_hash, hash,"
				  " mac_version) VALUES (3, 1700000009, 'user:9', 'forged', 's', 'd', ?, ?, 0)");
	kf_stmt_bind_text(st, 1, prev);
	kf_stmt_bind_text(st, 2, h);
	assert_int_equal(kf_stmt_exec(st), KF_OK);
	expect_broken(f->db, "forged", 3);
}

static void test_missing_anchor_is_reported_and_not_recreated(void **state)
{
	struct fixture *f = *state;
	start(f);
	append_n(f->db, 3);
	char path[128];
	snprintf(path, sizeof(path), "%s/audit.anchor", f->dir);
	assert_int_equal(unlink(path), 0);
	expect_broken(f->db, "missing", 0);
	/* neither a restart nor the next append quietly anchors a shorter log */
	start(f);
	append_n(f->db, 1);
	assert_int_equal(anchor_id(f), -1);
	expect_broken(f->db, "missing", 0);
	/* the operator's re-anchor, after checking the chain */
	struct kf_audit_report rep;
	assert_int_equal(kf_audit_reanchor(f->db, &rep), KF_OK);
	assert_int_equal(anchor_id(f), 4);
	assert_int_equal(kf_audit_verify(f->db, &rep), KF_OK);
}

static void test_key_file_checks(void **state)
{
	struct fixture *f = *state;
	start(f);
	append_n(f->db, 1);
	kf_audit_stop();
	char path[128];
	snprintf(path, sizeof(path), "%s/audit.key", f->dir);
	struct kf_error err = {0};
	/* readable by others: refused with a message that says what to do */
	assert_int_equal(chmod(path, 0644), 0);
	assert_int_equal(kf_audit_start(f->db, f->dir, true, &err), KF_EINVAL);
	assert_string_equal(err.name, "audit_key_mode");
	assert_non_null(strstr(err.msg, "chmod 600"));
	assert_int_equal(chmod(path, 0600), 0);
	/* no key: nothing is appended unkeyed */
	assert_int_equal(kf_audit_append(f->db, 1, "system", "x", "y", NULL), KF_EDB);
	/* a short key */
	assert_int_equal(truncate(path, 16), 0);
	assert_int_equal(kf_audit_start(f->db, f->dir, true, &err), KF_EINVAL);
	assert_string_equal(err.name, "audit_key_invalid");
	/* a missing key while keyed rows exist: no new key is made */
	assert_int_equal(unlink(path), 0);
	assert_int_equal(kf_audit_start(f->db, f->dir, true, &err), KF_EINVAL);
	assert_string_equal(err.name, "audit_key_missing");
	assert_int_equal(access(path, F_OK), -1);
	/* verify without the key names the problem */
	assert_int_equal(kf_audit_start(f->db, f->dir, false, &err), KF_EINVAL);
}

/* A log written before the chain was keyed: its rows stay, the first
 * start anchors them, and the first keyed row links to their head. */
static void test_old_unkeyed_rows_are_continued(void **state)
{
	struct fixture *f = *state;
	char prev[65] = "0000000000000000000000000000000000000000000000000000000000000000";
	for (int id = 1; id <= 3; id++) {
		char buf[256], h[65];
		snprintf(buf, sizeof(buf), "%s|%d|system|old.action|s|d", prev, 1600000000 + id);
		kf_sha256_hex(buf, strlen(buf), h);
		struct kf_stmt *st = kf_db_prepare(f->db, "INSERT INTO audit_log (at, actor, action, subject, digest, prev_hash,"
							  " hash) VALUES (?, 'system', 'old.action', 's', 'd', ?, ?)");
		kf_stmt_bind_int(st, 1, 1600000000 + id);
		kf_stmt_bind_text(st, 2, prev);
		kf_stmt_bind_text(st, 3, h);
		assert_int_equal(kf_stmt_exec(st), KF_OK);
		snprintf(prev, sizeof(prev), "%s", h);
	}
	struct kf_audit_report rep;
	assert_int_equal(kf_audit_verify(f->db, &rep), KF_OK); /* no key, no anchor yet: old rows check */
	start(f);
	assert_int_equal(anchor_id(f), 3);
	append_n(f->db, 2);
	struct kf_stmt *st = kf_db_prepare(f->db, "SELECT prev_hash, mac_version FROM audit_log WHERE id = 4");
	assert_int_equal(kf_stmt_step(st), KF_STEP_ROW);
	assert_string_equal(kf_stmt_text(st, 0), prev);
	assert_int_equal(kf_stmt_int(st, 1), 1);
	kf_stmt_done(st);
	assert_int_equal(kf_audit_verify(f->db, &rep), KF_OK);
	assert_int_equal(rep.rows, 5);
	/* an old row changed: its hash no longer matches */
	drop_triggers(f->db);
	sql(f->db, "UPDATE audit_log SET actor = 'user:7' WHERE id = 2");
	expect_broken(f->db, "row 2 was changed", 2);
}

/* The staff's reading of the log (GET /v1/audit): each filter, the action's
 * group before a dot (not any prefix), LIKE's wildcards taken literally,
 * the time bounds included, and the cursor. */
static void test_list_filters(void **state)
{
	struct fixture *f = *state;
	start(f);
	static const struct {
		int64_t at;
		const char *actor, *action, *subject;
	} rows[] = {
		{100, "user:1", "operator.create", "user:2"}, {200, "user:1", "operator.disable", "user:2"},
		{300, "user:2", "session.create", "user:2"},  {400, "system", "operator_x.create", "user:3"},
		{500, "user:1", "operator", "user:3"},
	};
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
		assert_int_equal(kf_audit_append(f->db, rows[i].at, rows[i].actor, rows[i].action, rows[i].subject, NULL), KF_OK);
	struct kf_arena *a = kf_arena_new();
	struct kf_audit_row *out;
	size_t n;
	struct kf_audit_filter flt = {0};
	assert_int_equal(kf_store_audit_list(f->db, a, &flt, 10, &out, &n), KF_OK);
	assert_int_equal(n, 5);
	assert_int_equal(out[0].at, 500); /* newest first */
	flt = (struct kf_audit_filter){.actor = "user:1"};
	assert_int_equal(kf_store_audit_list(f->db, a, &flt, 10, &out, &n), KF_OK);
	assert_int_equal(n, 3);
	/* "operator" is the group: operator.create, operator.disable and the exact "operator", not operator_x.create */
	flt = (struct kf_audit_filter){.action = "operator"};
	assert_int_equal(kf_store_audit_list(f->db, a, &flt, 10, &out, &n), KF_OK);
	assert_int_equal(n, 3);
	for (size_t i = 0; i < n; i++)
		assert_string_not_equal(out[i].action, "operator_x.create");
	/* the underscore is a character, not LIKE's wildcard */
	flt = (struct kf_audit_filter){.action = "operator_"};
	assert_int_equal(kf_store_audit_list(f->db, a, &flt, 10, &out, &n), KF_OK);
	assert_int_equal(n, 0);
	flt = (struct kf_audit_filter){.action = "operat"};
	assert_int_equal(kf_store_audit_list(f->db, a, &flt, 10, &out, &n), KF_OK);
	assert_int_equal(n, 0);
	flt = (struct kf_audit_filter){.subject = "user:3", .from = 400, .to = 500};
	assert_int_equal(kf_store_audit_list(f->db, a, &flt, 10, &out, &n), KF_OK);
	assert_int_equal(n, 2);
	flt = (struct kf_audit_filter){.from = 200, .to = 300};
	assert_int_equal(kf_store_audit_list(f->db, a, &flt, 10, &out, &n), KF_OK);
	assert_int_equal(n, 2);
	/* a page of two, then the rest after the cursor */
	flt = (struct kf_audit_filter){0};
	assert_int_equal(kf_store_audit_list(f->db, a, &flt, 2, &out, &n), KF_OK);
	assert_int_equal(n, 2);
	flt.before = out[1].id;
	assert_int_equal(kf_store_audit_list(f->db, a, &flt, 10, &out, &n), KF_OK);
	assert_int_equal(n, 3);
	assert_int_equal(out[0].at, 300);
	kf_arena_free(a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_intact_chain_verifies_and_is_anchored, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rolled_back_append_does_not_move_the_anchor, setup, teardown),
		cmocka_unit_test_setup_teardown(test_triggers_refuse_update_and_delete, setup, teardown),
		cmocka_unit_test_setup_teardown(test_truncation_is_detected, setup, teardown),
		cmocka_unit_test_setup_teardown(test_truncation_outgrown_by_new_rows_is_detected, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rewrite_is_detected, setup, teardown),
		cmocka_unit_test_setup_teardown(test_recomputed_unkeyed_chain_is_detected, setup, teardown),
		cmocka_unit_test_setup_teardown(test_middle_deletion_is_detected, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reordering_is_detected, setup, teardown),
		cmocka_unit_test_setup_teardown(test_forged_unkeyed_row_is_detected, setup, teardown),
		cmocka_unit_test_setup_teardown(test_missing_anchor_is_reported_and_not_recreated, setup, teardown),
		cmocka_unit_test_setup_teardown(test_key_file_checks, setup, teardown),
		cmocka_unit_test_setup_teardown(test_old_unkeyed_rows_are_continued, setup, teardown),
		cmocka_unit_test_setup_teardown(test_list_filters, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
