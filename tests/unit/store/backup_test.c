/* SPDX-License-Identifier: Apache-2.0 */
/*
 * kf_store_backup (`kaifang backup`): the copy holds the committed rows
 * (those still in the WAL included) and not an open transaction's, the
 * audit anchor, key and uploads come along, the copy's audit chain
 * verifies against its anchor, and an existing backup is never
 * overwritten.
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
#include "store/backup.h"
#include "store/db.h"
#include "store/files.h"
#include "store/migrate.h"
#include "util/crypto.h"

struct fixture {
	char dir[64];  /* the data directory */
	char dest[96]; /* where the backup goes */
	char path[96];
	struct kf_db *db;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	snprintf(f->dir, sizeof(f->dir), "/tmp/kf-backup-test-XXXXXX");
	if (!mkdtemp(f->dir))
		return -1;
	snprintf(f->path, sizeof(f->path), "%s/kaifang.db", f->dir);
	snprintf(f->dest, sizeof(f->dest), "%s/backup", f->dir);
	struct kf_error err = {0};
	if (kf_crypto_init() != KF_OK || kf_db_open(f->path, &f->db, &err) != KF_OK ||
	    kf_migrate(f->db, 1700000000, NULL, &err) != KF_OK || kf_audit_start(f->db, f->dir, true, &err) != KF_OK)
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

static int64_t count(struct kf_db *db, const char *q)
{
	struct kf_stmt *st = kf_db_prepare(db, q);
	assert_non_null(st);
	assert_int_equal(kf_stmt_step(st), KF_STEP_ROW);
	int64_t n = kf_stmt_int(st, 0);
	kf_stmt_done(st);
	return n;
}

static void append(struct kf_db *db, int n)
{
	assert_int_equal(kf_db_begin(db), KF_OK);
	for (int i = 0; i < n; i++)
		assert_int_equal(kf_audit_append(db, 1700000000 + i, "user:1", "test.action", "subject", NULL), KF_OK);
	assert_int_equal(kf_db_commit(db), KF_OK);
}

static void test_backup_copies_committed_rows_anchor_key_and_files(void **state)
{
	struct fixture *f = *state;
	append(f->db, 5);
	char files[96], sha[65];
	snprintf(files, sizeof(files), "%s/files", f->dir);
	assert_int_equal(mkdir(files, 0750), 0);
	kf_sha256_hex("licence", 7, sha);
	assert_int_equal(kf_files_write_blob(files, sha, "licence", 7), KF_OK);
	/* a second connection holds a write open: not in the copy */
	struct kf_db *other = NULL;
	struct kf_error err = {0};
	assert_int_equal(kf_db_open(f->path, &other, &err), KF_OK);
	assert_int_equal(kf_db_begin(other), KF_OK);
	struct kf_stmt *st = kf_db_prepare(other, "INSERT INTO settings (key, value) VALUES ('uncommitted', 'x')");
	assert_int_equal(kf_stmt_exec(st), KF_OK);

	struct kf_backup_report rep;
	assert_int_equal(kf_store_backup(f->db, f->dir, f->dest, &rep, &err), KF_OK);
	kf_db_rollback(other);
	kf_db_close(other);
	assert_true(rep.db_bytes > 0);
	assert_true(rep.anchor);
	assert_int_equal(rep.anchor_id, 5);
	assert_true(rep.key);
	assert_int_equal(rep.files, 1);
	assert_int_equal(rep.file_bytes, 7);

	char p[256];
	struct stat sb;
	snprintf(p, sizeof(p), "%s/audit.key", f->dest);
	assert_int_equal(stat(p, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0600);
	snprintf(p, sizeof(p), "%s/files/%.2s/%s", f->dest, sha, sha);
	assert_int_equal(stat(p, &sb), 0);
	assert_int_equal(sb.st_size, 7);
	snprintf(p, sizeof(p), "%s/kaifang.db.tmp", f->dest);
	assert_int_not_equal(access(p, F_OK), 0);

	/* the copy: the committed rows, not the open write, and a chain
	 * that verifies against the copied anchor and key */
	kf_db_close(f->db);
	f->db = NULL;
	kf_audit_stop();
	snprintf(p, sizeof(p), "%s/kaifang.db", f->dest);
	assert_int_equal(kf_db_open(p, &f->db, &err), KF_OK);
	assert_int_equal(count(f->db, "SELECT COUNT(*) FROM audit_log"), 5);
	assert_int_equal(count(f->db, "SELECT COUNT(*) FROM settings WHERE key = 'uncommitted'"), 0);
	assert_int_equal(kf_audit_start(f->db, f->dest, false, &err), KF_OK);
	struct kf_audit_report ar;
	assert_int_equal(kf_audit_verify(f->db, &ar), KF_OK);
	assert_int_equal(ar.anchor_id, 5);
}

static void test_backup_never_overwrites_a_backup(void **state)
{
	struct fixture *f = *state;
	append(f->db, 1);
	struct kf_backup_report rep;
	struct kf_error err = {0};
	assert_int_equal(kf_store_backup(f->db, f->dir, f->dest, &rep, &err), KF_OK);
	append(f->db, 1);
	assert_int_equal(kf_store_backup(f->db, f->dir, f->dest, &rep, &err), KF_ECONFLICT);
	assert_string_equal(err.name, "backup_exists");
	/* the data directory itself holds a kaifang.db: refused too */
	assert_int_equal(kf_store_backup(f->db, f->dir, f->dir, &rep, &err), KF_ECONFLICT);
}

static void test_backup_into_a_missing_parent_fails_cleanly(void **state)
{
	struct fixture *f = *state;
	char dest[160];
	snprintf(dest, sizeof(dest), "%s/no/such/dir", f->dir);
	struct kf_backup_report rep;
	struct kf_error err = {0};
	assert_int_equal(kf_store_backup(f->db, f->dir, dest, &rep, &err), KF_EINTERNAL);
	assert_non_null(strstr(err.msg, "cannot create"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_backup_copies_committed_rows_anchor_key_and_files, setup, teardown),
		cmocka_unit_test_setup_teardown(test_backup_never_overwrites_a_backup, setup, teardown),
		cmocka_unit_test_setup_teardown(test_backup_into_a_missing_parent_fails_cleanly, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
