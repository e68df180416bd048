/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Group commit (store/groupcommit.h, store/sqlite.c): a commit returns only
 * after a sync that began after its write, concurrent commits share syncs,
 * a rollback or failed command takes no ticket, and a failed sync fails
 * the commit, every later one, and keeps the audit anchor where it was.
 * (Durability across a real power loss cannot be shown here; the crash
 * suite in tests/crash kills the server instead.)
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <pthread.h>

#include <cmocka.h>

#include "store/audit.h"
#include "store/db.h"
#include "store/groupcommit.h"
#include "store/migrate.h"
#include "util/crypto.h"

/* ------------------------------------------------ the barrier alone */

#define THREADS 8
#define ROUNDS 200

/* A fake log: a commit "writes" by setting written[k]; a sync makes
 * durable what was written when it began. */
static struct {
	pthread_mutex_t mu;
	bool written[THREADS * ROUNDS], durable[THREADS * ROUNDS];
	int syncs;
} fake = {.mu = PTHREAD_MUTEX_INITIALIZER};

static int fake_sync(void *arg)
{
	(void)arg;
	static bool snap[THREADS * ROUNDS];
	pthread_mutex_lock(&fake.mu);
	memcpy(snap, fake.written, sizeof(snap));
	fake.syncs++;
	pthread_mutex_unlock(&fake.mu);
	usleep(200); /* the disk; the test does not depend on how long */
	pthread_mutex_lock(&fake.mu);
	for (size_t i = 0; i < THREADS * ROUNDS; i++)
		fake.durable[i] = fake.durable[i] || snap[i];
	pthread_mutex_unlock(&fake.mu);
	return 0;
}

struct worker {
	struct kf_gc *gc;
	int id;
	int not_durable; /* commits that returned before their write was synced */
	pthread_barrier_t *start;
};

static void *barrier_worker(void *arg)
{
	struct worker *w = arg;
	pthread_barrier_wait(w->start);
	for (int r = 0; r < ROUNDS; r++) {
		int k = w->id * ROUNDS + r;
		pthread_mutex_lock(&fake.mu);
		fake.written[k] = true;
		pthread_mutex_unlock(&fake.mu);
		uint64_t t = kf_gc_ticket(w->gc);
		if (kf_gc_wait(w->gc, t, fake_sync, NULL) != KF_OK)
			w->not_durable++;
		pthread_mutex_lock(&fake.mu);
		if (!fake.durable[k])
			w->not_durable++;
		pthread_mutex_unlock(&fake.mu);
	}
	return NULL;
}

static void test_every_commit_returns_after_a_sync_that_began_after_it(void **state)
{
	(void)state;
	struct kf_gc *gc = kf_gc_get("/test/barrier-alone");
	pthread_t th[THREADS];
	struct worker w[THREADS];
	pthread_barrier_t start;
	pthread_barrier_init(&start, NULL, THREADS);
	for (int i = 0; i < THREADS; i++) {
		w[i] = (struct worker){.gc = gc, .id = i, .start = &start};
		assert_int_equal(pthread_create(&th[i], NULL, barrier_worker, &w[i]), 0);
	}
	for (int i = 0; i < THREADS; i++)
		pthread_join(th[i], NULL);
	for (int i = 0; i < THREADS; i++)
		assert_int_equal(w[i].not_durable, 0);
	pthread_barrier_destroy(&start);
	struct kf_gc_stats s;
	kf_gc_stats(gc, &s);
	assert_int_equal(s.tickets, THREADS * ROUNDS);
	assert_true(s.durable >= s.tickets);
	assert_int_equal(s.syncs, (uint64_t)fake.syncs);
	assert_true(s.syncs <= s.tickets);
	assert_false(s.failed);
	kf_gc_put(gc);
}

/* Commits that finished writing before a sync began share it: N tickets
 * taken before anyone waits are made durable by exactly one sync. */
static int counting_sync(void *arg)
{
	(*(int *)arg)++;
	return 0;
}

static void test_commits_written_before_a_sync_share_it(void **state)
{
	(void)state;
	struct kf_gc *gc = kf_gc_get("/test/share");
	int syncs = 0;
	uint64_t t[5];
	for (int i = 0; i < 5; i++)
		t[i] = kf_gc_ticket(gc);
	for (int i = 0; i < 5; i++)
		assert_int_equal(kf_gc_wait(gc, t[i], counting_sync, &syncs), KF_OK);
	assert_int_equal(syncs, 1);
	/* a ticket taken after that sync needs a sync of its own */
	uint64_t later = kf_gc_ticket(gc);
	assert_int_equal(kf_gc_wait(gc, later, counting_sync, &syncs), KF_OK);
	assert_int_equal(syncs, 2);
	kf_gc_put(gc);
}

static void test_a_failed_sync_is_sticky(void **state)
{
	(void)state;
	struct kf_gc *gc = kf_gc_get("/test/sticky");
	int syncs = 0;
	kf_gc_fail_syncs(gc, 1);
	assert_int_equal(kf_gc_wait(gc, kf_gc_ticket(gc), counting_sync, &syncs), KF_EDB);
	/* the next sync would succeed, but nothing vouches for the pages the
	 * failed one lost: every later commit fails too */
	assert_int_equal(kf_gc_wait(gc, kf_gc_ticket(gc), counting_sync, &syncs), KF_EDB);
	assert_int_equal(syncs, 0);
	kf_gc_clear_failure(gc);
	assert_int_equal(kf_gc_wait(gc, kf_gc_ticket(gc), counting_sync, &syncs), KF_OK);
	assert_int_equal(syncs, 1);
	kf_gc_put(gc);
}

/* ------------------------------------------------ through sqlite.c */

struct fixture {
	char dir[64];
	char path[96];
	struct kf_db *db;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	snprintf(f->dir, sizeof(f->dir), "/tmp/kf-gc-test-XXXXXX");
	if (!mkdtemp(f->dir))
		return -1;
	snprintf(f->path, sizeof(f->path), "%s/t.db", f->dir);
	struct kf_error err = {0};
	if (kf_crypto_init() != KF_OK || kf_db_open(f->path, &f->db, &err) != KF_OK ||
	    kf_migrate(f->db, 1700000000, NULL, &err) != KF_OK ||
	    kf_db_exec_script(f->db, "CREATE TABLE gc_rows (id INTEGER PRIMARY KEY, who INTEGER NOT NULL,"
				     " n INTEGER NOT NULL, UNIQUE (who, n))",
			      &err) != KF_OK)
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

static enum kf_err insert(struct kf_db *db, int who, int n)
{
	struct kf_stmt *st = kf_db_prepare(db, "INSERT INTO gc_rows (who, n) VALUES (?, ?)");
	kf_stmt_bind_int(st, 1, who);
	kf_stmt_bind_int(st, 2, n);
	return kf_stmt_exec(st);
}

static struct kf_gc_stats stats(struct kf_db *db)
{
	struct kf_gc_stats s;
	kf_gc_stats(kf_db_gc(db), &s);
	return s;
}

static void test_wal_with_normal_sync_under_the_barrier(void **state)
{
	struct fixture *f = *state;
	assert_non_null(kf_db_gc(f->db));
	assert_int_equal(count(f->db, "PRAGMA synchronous"), 1); /* NORMAL: the barrier syncs */
	/* an in-memory database has no WAL: no barrier, synchronous=FULL */
	struct kf_db *mem = NULL;
	struct kf_error err = {0};
	assert_int_equal(kf_db_open(":memory:", &mem, &err), KF_OK);
	assert_null(kf_db_gc(mem));
	assert_int_equal(count(mem, "PRAGMA synchronous"), 2);
	assert_int_equal(kf_db_begin(mem), KF_OK);
	assert_int_equal(kf_db_commit(mem), KF_OK);
	kf_db_close(mem);
}

struct committer {
	const char *path;
	int id, bad, failed;
};

static void *committer(void *arg)
{
	struct committer *c = arg;
	struct kf_db *db = NULL;
	struct kf_error err = {0};
	if (kf_db_open(c->path, &db, &err) != KF_OK) {
		c->failed = ROUNDS;
		return NULL;
	}
	uint64_t prev = 0;
	for (int r = 0; r < ROUNDS / 4; r++) {
		if (kf_db_begin(db) != KF_OK || insert(db, c->id, r) != KF_OK || kf_db_commit(db) != KF_OK) {
			kf_db_rollback(db);
			c->failed++;
			continue;
		}
		/* its own ticket, newer than the last; and durable on return */
		uint64_t t = kf_db_last_ticket(db);
		struct kf_gc_stats s = stats(db);
		if (t <= prev || s.durable < t)
			c->bad++;
		prev = t;
	}
	kf_db_close(db);
	return NULL;
}

static void test_concurrent_commits_each_return_durable(void **state)
{
	struct fixture *f = *state;
	struct kf_gc_stats before = stats(f->db);
	pthread_t th[THREADS];
	struct committer c[THREADS];
	for (int i = 0; i < THREADS; i++) {
		c[i] = (struct committer){.path = f->path, .id = i};
		assert_int_equal(pthread_create(&th[i], NULL, committer, &c[i]), 0);
	}
	/* join them all before asserting: a failed assertion leaves the test */
	for (int i = 0; i < THREADS; i++)
		pthread_join(th[i], NULL);
	for (int i = 0; i < THREADS; i++) {
		assert_int_equal(c[i].failed, 0);
		assert_int_equal(c[i].bad, 0);
	}
	/* every row is there, every commit took a ticket, all are durable, and
	 * never more syncs than commits */
	assert_int_equal(count(f->db, "SELECT COUNT(*) FROM gc_rows"), THREADS * (ROUNDS / 4));
	struct kf_gc_stats after = stats(f->db);
	assert_int_equal(after.tickets - before.tickets, THREADS * (ROUNDS / 4));
	assert_true(after.durable >= after.tickets);
	assert_true(after.syncs - before.syncs <= after.tickets - before.tickets);
	assert_false(after.failed);
}

static void test_rollback_and_failed_command_take_no_ticket(void **state)
{
	struct fixture *f = *state;
	struct kf_gc_stats before = stats(f->db);
	assert_int_equal(kf_db_begin(f->db), KF_OK);
	assert_int_equal(insert(f->db, 100, 1), KF_OK);
	kf_db_rollback(f->db);
	/* a command failing at its second statement */
	assert_int_equal(kf_db_begin(f->db), KF_OK);
	kf_db_fail_after(f->db, 2);
	assert_int_equal(insert(f->db, 100, 2), KF_OK);
	assert_int_equal(insert(f->db, 100, 3), KF_EDB);
	kf_db_rollback(f->db);
	/* a commit the database refuses (a deferred constraint) */
	assert_int_equal(kf_db_exec_script(f->db,
					   "CREATE TABLE gc_parent (id INTEGER PRIMARY KEY);"
					   "CREATE TABLE gc_child (p INTEGER REFERENCES gc_parent (id)"
					   " DEFERRABLE INITIALLY DEFERRED)",
					   &(struct kf_error){0}),
			 KF_OK);
	struct kf_gc_stats mid = stats(f->db);
	assert_int_equal(kf_db_begin(f->db), KF_OK);
	struct kf_stmt *st = kf_db_prepare(f->db, "INSERT INTO gc_child (p) VALUES (42)");
	assert_int_equal(kf_stmt_exec(st), KF_OK);
	assert_int_equal(kf_db_commit(f->db), KF_EDB);
	assert_false(kf_db_in_tx(f->db));
	struct kf_gc_stats after = stats(f->db);
	assert_int_equal(count(f->db, "SELECT COUNT(*) FROM gc_rows WHERE who = 100"), 0);
	assert_int_equal(count(f->db, "SELECT COUNT(*) FROM gc_child"), 0);
	/* only the script (two commits, waited for once) took tickets */
	assert_int_equal(mid.tickets - before.tickets, 2);
	assert_int_equal(after.tickets, mid.tickets);
	/* and the write lock was handed on each time: another connection can
	 * write at once */
	struct kf_db *other = NULL;
	struct kf_error err = {0};
	assert_int_equal(kf_db_open(f->path, &other, &err), KF_OK);
	assert_int_equal(kf_db_begin(other), KF_OK);
	assert_int_equal(insert(other, 101, 1), KF_OK);
	assert_int_equal(kf_db_commit(other), KF_OK);
	kf_db_close(other);
}

/* A write outside a transaction is a commit too: durable before the step
 * returns. */
static void test_autocommit_write_waits_for_its_sync(void **state)
{
	struct fixture *f = *state;
	struct kf_gc_stats before = stats(f->db);
	assert_int_equal(insert(f->db, 200, 1), KF_OK);
	struct kf_gc_stats after = stats(f->db);
	assert_int_equal(after.tickets, before.tickets + 1);
	assert_int_equal(kf_db_last_ticket(f->db), after.tickets);
	assert_true(after.durable >= after.tickets);
	assert_true(after.syncs > before.syncs);
	/* one with RETURNING finished after its first row commits in the
	 * reset: kf_stmt_done syncs for it */
	struct kf_stmt *st = kf_db_prepare(f->db, "INSERT INTO gc_rows (who, n) VALUES (200, 2) RETURNING id");
	assert_int_equal(kf_stmt_step(st), KF_STEP_ROW);
	kf_stmt_done(st);
	struct kf_gc_stats last = stats(f->db);
	assert_true(last.tickets > after.tickets);
	assert_true(last.durable >= last.tickets);
	assert_true(last.syncs > after.syncs);
	assert_int_equal(count(f->db, "SELECT COUNT(*) FROM gc_rows WHERE who = 200"), 2);
}

/* The writer that holds the lock while another connection begins: the
 * second waits (no SQLITE_BUSY) and goes on when the first commits. */
struct waiter {
	const char *path;
	enum kf_err rc;
};

static void *second_writer(void *arg)
{
	struct waiter *w = arg;
	struct kf_db *db = NULL;
	struct kf_error err = {0};
	w->rc = kf_db_open(w->path, &db, &err);
	if (w->rc != KF_OK)
		return NULL;
	w->rc = kf_db_begin(db);
	if (w->rc == KF_OK)
		w->rc = insert(db, 300, 2);
	if (w->rc == KF_OK)
		w->rc = kf_db_commit(db);
	else
		kf_db_rollback(db);
	kf_db_close(db);
	return NULL;
}

static void test_a_waiting_writer_gets_the_lock_when_it_is_handed_on(void **state)
{
	struct fixture *f = *state;
	assert_int_equal(kf_db_begin(f->db), KF_OK);
	assert_int_equal(insert(f->db, 300, 1), KF_OK);
	struct waiter w = {.path = f->path, .rc = KF_EINTERNAL};
	pthread_t th;
	assert_int_equal(pthread_create(&th, NULL, second_writer, &w), 0);
	usleep(20000); /* give it time to start waiting; passes either way */
	enum kf_err rc = kf_db_commit(f->db);
	pthread_join(th, NULL);
	assert_int_equal(rc, KF_OK);
	assert_int_equal(w.rc, KF_OK);
	assert_int_equal(count(f->db, "SELECT COUNT(*) FROM gc_rows WHERE who = 300"), 2);
}

/* A sync that fails: the commit is reported failed, the audit anchor does
 * not move to the row it appended, later commits fail too. */
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

static void test_failed_sync_fails_the_commit_and_keeps_the_anchor(void **state)
{
	struct fixture *f = *state;
	struct kf_error err = {0};
	assert_int_equal(kf_audit_start(f->db, f->dir, true, &err), KF_OK);
	assert_int_equal(kf_db_begin(f->db), KF_OK);
	assert_int_equal(kf_audit_append(f->db, 1700000000, "user:1", "gc.test", "s", NULL), KF_OK);
	assert_int_equal(kf_db_commit(f->db), KF_OK);
	long long anchored = anchor_id(f);
	assert_true(anchored >= 1);

	struct kf_gc *gc = kf_db_gc(f->db);
	kf_gc_fail_syncs(gc, 1);
	assert_int_equal(kf_db_begin(f->db), KF_OK);
	assert_int_equal(kf_audit_append(f->db, 1700000001, "user:1", "gc.test", "s", NULL), KF_OK);
	assert_int_equal(kf_db_commit(f->db), KF_EDB);
	assert_int_equal(anchor_id(f), anchored);
	/* sticky: the next commit and an explicit sync fail as well */
	assert_int_equal(kf_db_begin(f->db), KF_OK);
	assert_int_equal(insert(f->db, 400, 1), KF_OK);
	assert_int_equal(kf_db_commit(f->db), KF_EDB);
	assert_int_equal(kf_db_sync(f->db), KF_EDB);
	kf_audit_anchor_pass(f->db, "test");
	assert_int_equal(anchor_id(f), anchored);
	/* (a test-only reset; a real failure needs a restart) */
	kf_gc_clear_failure(gc);
	assert_int_equal(kf_db_sync(f->db), KF_OK);
	kf_audit_anchor_pass(f->db, "test");
	assert_true(anchor_id(f) > anchored);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_commit_returns_after_a_sync_that_began_after_it),
		cmocka_unit_test(test_commits_written_before_a_sync_share_it),
		cmocka_unit_test(test_a_failed_sync_is_sticky),
		cmocka_unit_test_setup_teardown(test_wal_with_normal_sync_under_the_barrier, setup, teardown),
		cmocka_unit_test_setup_teardown(test_concurrent_commits_each_return_durable, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rollback_and_failed_command_take_no_ticket, setup, teardown),
		cmocka_unit_test_setup_teardown(test_autocommit_write_waits_for_its_sync, setup, teardown),
		cmocka_unit_test_setup_teardown(test_a_waiting_writer_gets_the_lock_when_it_is_handed_on, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_failed_sync_fails_the_commit_and_keeps_the_anchor, setup,
						teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
