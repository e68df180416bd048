/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The SQLite engine of db.h (store/engine.h). Durability: WAL with group
 * commit. Connections run with synchronous=NORMAL, so COMMIT writes the WAL
 * frames without a sync; every commit (COMMIT, or a write statement outside
 * a transaction) then waits on the file's durability barrier
 * (store/groupcommit.h) until a sync of the WAL that began after it has
 * finished, so an acknowledged commit survives a power loss as with
 * synchronous=FULL, and concurrent commits share one sync. Checkpoints run
 * from the WAL hook (as SQLite's own auto-checkpoint would), after the
 * write lock is handed on. A database that is not in WAL mode (":memory:")
 * keeps synchronous=FULL. Statements are prepared once per connection and
 * cached by their SQL text (the SQL strings are literals, so the pointer
 * identifies them).
 */
#include <errno.h>
#include <fcntl.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "store/db.h"
#include "store/engine.h"
#include "store/groupcommit.h"
#include "util/mem.h"

#define CACHE_SLOTS 512
#define BUSY_TIMEOUT_MS 10000
#define CHECKPOINT_FRAMES 1000 /* SQLite's default auto-checkpoint */

struct lite_stmt {
	struct kf_stmt base;
	sqlite3_stmt *s;
	const char *sql;
	bool open_write; /* a write that gave a row and has not finished */
};

struct lite_db {
	struct kf_db base;
	sqlite3 *h;
	struct lite_stmt cache[CACHE_SLOTS];
	int last_rc;
	struct kf_gc *gc;      /* group commit; NULL when not in WAL mode */
	uint64_t ticket;       /* a commit not yet waited for (0: none) */
	uint64_t last_ticket;  /* the last commit waited for (test hook) */
	int wal_frames;        /* frames in the WAL after the last commit */
	bool writer;           /* holds the write lock (kf_db_begin) */
	struct timespec busy_since;
};

#define LDB(db) ((struct lite_db *)(db))
#define LST(st) (((struct lite_stmt *)(st))->s)

static void log_sql_error(struct lite_db *db, const char *what, const char *sql)
{
	fprintf(stderr, "{\"level\":\"error\",\"msg\":\"sqlite %s failed\",\"error\":\"%s\",\"sql\":\"%.80s\"}\n",
		what, sqlite3_errmsg(db->h), sql ? sql : "");
}

/* SQLite's WAL hook: a commit has written its frames and released the
 * write lock. Take its ticket; settle() waits for it. */
static int on_wal(void *arg, sqlite3 *h, const char *name, int frames)
{
	(void)h;
	(void)name;
	struct lite_db *db = arg;
	db->ticket = kf_gc_ticket(db->gc);
	db->wal_frames = frames;
	return SQLITE_OK;
}

/* The leader's sync: the WAL through this connection's own handle of it,
 * so it is always the file SQLite writes (SQLITE_FCNTL_JOURNAL_POINTER;
 * SQLite syncs the directory too the first time a new WAL is synced). */
static int sync_wal(void *arg)
{
	struct lite_db *db = arg;
	sqlite3_file *f = NULL;
	if (sqlite3_file_control(db->h, "main", SQLITE_FCNTL_JOURNAL_POINTER, &f) != SQLITE_OK || !f ||
	    !f->pMethods)
		return -1;
	return f->pMethods->xSync(f, SQLITE_SYNC_NORMAL) == SQLITE_OK ? 0 : -1;
}

/* After a commit on this connection: checkpoint when the WAL is long, then
 * wait until the commit is durable. */
static enum kf_err settle(struct lite_db *db)
{
	if (!db->ticket)
		return KF_OK;
	uint64_t t = db->ticket;
	db->ticket = 0;
	if (db->wal_frames >= CHECKPOINT_FRAMES) {
		/* PASSIVE, as SQLite's auto-checkpoint: it syncs the WAL before
		 * copying and the database after, so the WAL is only ever reset
		 * (reused from its start) when every frame in it is durable */
		db->wal_frames = 0;
		(void)sqlite3_wal_checkpoint_v2(db->h, "main", SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
	}
	db->last_ticket = t;
	return kf_gc_wait(db->gc, t, sync_wal, db);
}

static int on_busy(void *arg, int attempt)
{
	struct lite_db *db = arg;
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	if (attempt == 0)
		db->busy_since = now;
	else if ((now.tv_sec - db->busy_since.tv_sec) * 1000 + (now.tv_nsec - db->busy_since.tv_nsec) / 1000000 >
		 BUSY_TIMEOUT_MS)
		return 0;
	kf_gc_busy_wait(db->gc, attempt);
	return 1;
}

/* WAL mode: synchronous=NORMAL under the group commit barrier, our busy
 * handler and WAL hook. Otherwise synchronous=FULL and a plain timeout. */
static bool use_group_commit(struct lite_db *db)
{
	sqlite3_stmt *s = NULL;
	bool wal = sqlite3_prepare_v2(db->h, "PRAGMA journal_mode", -1, &s, NULL) == SQLITE_OK &&
		   sqlite3_step(s) == SQLITE_ROW && !strcmp((const char *)sqlite3_column_text(s, 0), "wal");
	sqlite3_finalize(s);
	const char *file = sqlite3_db_filename(db->h, "main");
	if (!wal || !file || !file[0]) {
		sqlite3_busy_timeout(db->h, BUSY_TIMEOUT_MS);
		return sqlite3_exec(db->h, "PRAGMA synchronous=FULL", NULL, NULL, NULL) == SQLITE_OK;
	}
	if (sqlite3_exec(db->h, "PRAGMA synchronous=NORMAL", NULL, NULL, NULL) != SQLITE_OK)
		return false;
	db->gc = kf_gc_get(file);
	sqlite3_busy_handler(db->h, on_busy, db);
	sqlite3_wal_hook(db->h, on_wal, db);
	return true;
}

static void lite_close(struct kf_db *kdb)
{
	struct lite_db *db = LDB(kdb);
	for (int i = 0; i < CACHE_SLOTS; i++)
		sqlite3_finalize(db->cache[i].s);
	sqlite3_close(db->h);
	kf_gc_put(db->gc);
	free(db);
}

static enum kf_err lite_open(const char *path, struct kf_db **out, struct kf_error *err)
{
	struct lite_db *db = kf_xcalloc(1, sizeof(*db));
	int rc = sqlite3_open_v2(path, &db->h,
				 SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL);
	if (rc != SQLITE_OK) {
		kf_error_set(err, KF_EDB, "db_open_failed", NULL, NULL, "cannot open database %s: %s",
			     path, db->h ? sqlite3_errmsg(db->h) : sqlite3_errstr(rc));
		lite_close(&db->base);
		return KF_EDB;
	}
	sqlite3_busy_timeout(db->h, BUSY_TIMEOUT_MS);
	static const char *const pragmas =
		"PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;"
		"PRAGMA temp_store=MEMORY;";
	char *msg = NULL;
	if (sqlite3_exec(db->h, pragmas, NULL, NULL, &msg) != SQLITE_OK || !use_group_commit(db)) {
		kf_error_set(err, KF_EDB, "db_open_failed", NULL, NULL, "cannot configure %s: %s", path,
			     msg ? msg : "?");
		sqlite3_free(msg);
		lite_close(&db->base);
		return KF_EDB;
	}
	*out = &db->base;
	return KF_OK;
}

static enum kf_err lite_sync(struct kf_db *kdb);

static void reset(struct lite_stmt *st)
{
	struct lite_db *db = LDB(st->base.db);
	sqlite3_reset(st->s);
	sqlite3_clear_bindings(st->s);
	/* a write with RETURNING outside a transaction, finished before its
	 * last row, commits in the reset, where SQLite does not call the WAL
	 * hook: sync for it here (a failed sync is sticky and fails the next
	 * commit) */
	if (st->open_write && sqlite3_get_autocommit(db->h) && lite_sync(&db->base) != KF_OK)
		log_sql_error(db, "sync after", sqlite3_sql(st->s));
	st->open_write = false;
}

static size_t slot_of(const char *sql)
{
	uintptr_t p = (uintptr_t)sql;
	return (size_t)((p >> 3) ^ (p >> 11)) % CACHE_SLOTS;
}

static struct kf_stmt *lite_prepare(struct kf_db *kdb, const char *sql)
{
	struct lite_db *db = LDB(kdb);
	/* Open addressing by pointer; a statement is evicted only when every
	 * slot is taken, so two statements in use at once never collide. */
	size_t start = slot_of(sql), i = start;
	struct lite_stmt *st = NULL;
	for (size_t k = 0; k < CACHE_SLOTS; k++, i = (i + 1) % CACHE_SLOTS) {
		struct lite_stmt *c = &db->cache[i];
		if (!c->s) {
			st = c;
			break;
		}
		if (c->sql == sql) {
			reset(c);
			return &c->base;
		}
	}
	if (!st)
		st = &db->cache[start];
	sqlite3_stmt *s = NULL;
	if (sqlite3_prepare_v2(db->h, sql, -1, &s, NULL) != SQLITE_OK) {
		log_sql_error(db, "prepare", sql);
		return NULL;
	}
	if (st->s)
		reset(st);
	sqlite3_finalize(st->s);
	st->s = s;
	st->base.db = kdb;
	st->sql = sql;
	st->open_write = false;
	return &st->base;
}

static void lite_reset(struct kf_stmt *st)
{
	reset((struct lite_stmt *)st);
}

static void lite_bind_text(struct kf_stmt *st, int idx, const char *s)
{
	if (s)
		sqlite3_bind_text(LST(st), idx, s, -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(LST(st), idx);
}

static void lite_bind_blob(struct kf_stmt *st, int idx, const void *p, size_t n)
{
	sqlite3_bind_blob64(LST(st), idx, p, n, SQLITE_TRANSIENT);
}

static void lite_bind_int(struct kf_stmt *st, int idx, int64_t v)
{
	sqlite3_bind_int64(LST(st), idx, v);
}

static void lite_bind_null(struct kf_stmt *st, int idx)
{
	sqlite3_bind_null(LST(st), idx);
}

static int lite_step(struct kf_stmt *st)
{
	struct lite_db *db = LDB(st->db);
	int rc = sqlite3_step(LST(st));
	((struct lite_stmt *)st)->open_write = rc == SQLITE_ROW && !sqlite3_stmt_readonly(LST(st));
	/* a write outside a transaction committed: durable before it returns */
	if (db->ticket && sqlite3_get_autocommit(db->h) && settle(db) != KF_OK)
		rc = SQLITE_IOERR;
	db->last_rc = rc;
	if (rc == SQLITE_ROW)
		return KF_STEP_ROW;
	if (rc == SQLITE_DONE)
		return KF_STEP_DONE;
	if ((rc & 0xff) != SQLITE_CONSTRAINT)
		log_sql_error(db, "step", sqlite3_sql(LST(st)));
	return KF_STEP_ERROR;
}

static const char *lite_text(struct kf_stmt *st, int col)
{
	return (const char *)sqlite3_column_text(LST(st), col);
}

static int64_t lite_int(struct kf_stmt *st, int col)
{
	return sqlite3_column_int64(LST(st), col);
}

static double lite_real(struct kf_stmt *st, int col)
{
	return sqlite3_column_double(LST(st), col);
}

static size_t lite_bytes(struct kf_stmt *st, int col)
{
	return (size_t)sqlite3_column_bytes(LST(st), col);
}

static int lite_columns(struct kf_stmt *st)
{
	return sqlite3_column_count(LST(st));
}

static const char *lite_column_name(struct kf_stmt *st, int col)
{
	return sqlite3_column_name(LST(st), col);
}

static enum kf_coltype lite_column_type(struct kf_stmt *st, int col)
{
	switch (sqlite3_column_type(LST(st), col)) {
	case SQLITE_INTEGER: return KF_COL_INT;
	case SQLITE_NULL: return KF_COL_NULL;
	case SQLITE_FLOAT: return KF_COL_REAL;
	default: return KF_COL_TEXT;
	}
}

static bool lite_is_constraint_error(struct kf_db *db)
{
	return (LDB(db)->last_rc & 0xff) == SQLITE_CONSTRAINT;
}

static const char *lite_errmsg(struct kf_db *db)
{
	return sqlite3_errmsg(LDB(db)->h);
}

static int64_t lite_last_id(struct kf_db *db)
{
	return sqlite3_last_insert_rowid(LDB(db)->h);
}

static int lite_changes(struct kf_db *db)
{
	return sqlite3_changes(LDB(db)->h);
}

static enum kf_err simple(struct kf_db *db, const char *sql)
{
	char *msg = NULL;
	int rc = sqlite3_exec(LDB(db)->h, sql, NULL, NULL, &msg);
	if (rc != SQLITE_OK) {
		fprintf(stderr, "{\"level\":\"error\",\"msg\":\"%s failed\",\"error\":\"%s\"}\n", sql,
			msg ? msg : "?");
		sqlite3_free(msg);
		return KF_EDB;
	}
	return KF_OK;
}

static enum kf_err lite_begin(struct kf_db *kdb)
{
	struct lite_db *db = LDB(kdb);
	if (simple(kdb, "BEGIN IMMEDIATE") != KF_OK)
		return KF_EDB;
	if (db->gc && !db->writer) {
		db->writer = true;
		kf_gc_writer_enter(db->gc);
	}
	return KF_OK;
}

static void writer_leave(struct lite_db *db)
{
	if (db->writer) {
		db->writer = false;
		kf_gc_writer_leave(db->gc);
	}
}

/* COMMIT writes the frames and hands the write lock on (writer_leave) at
 * once; then the wait for the sync, shared with whoever committed
 * meanwhile. kf_db_commit moves the audit anchor only after that wait, so
 * it never names a row a power loss could take back. */
static enum kf_err lite_commit(struct kf_db *kdb)
{
	struct lite_db *db = LDB(kdb);
	if (simple(kdb, "COMMIT") != KF_OK)
		return KF_EDB;
	writer_leave(db);
	return settle(db);
}

static void lite_rollback(struct kf_db *kdb)
{
	struct lite_db *db = LDB(kdb);
	if (!sqlite3_get_autocommit(db->h))
		(void)simple(kdb, "ROLLBACK");
	writer_leave(db);
}

static enum kf_err lite_sync(struct kf_db *kdb)
{
	struct lite_db *db = LDB(kdb);
	if (!db->gc)
		return KF_OK;
	uint64_t t = kf_gc_ticket(db->gc);
	return kf_gc_wait(db->gc, t, sync_wal, db);
}

struct kf_gc *kf_db_gc(struct kf_db *db)
{
	return LDB(db)->gc;
}

uint64_t kf_db_last_ticket(struct kf_db *db)
{
	return LDB(db)->last_ticket;
}

static bool lite_in_tx(struct kf_db *db)
{
	return !sqlite3_get_autocommit(LDB(db)->h);
}

static enum kf_err lite_exec_script(struct kf_db *db, const char *sql, struct kf_error *err)
{
	char *msg = NULL;
	int rc = sqlite3_exec(LDB(db)->h, sql, NULL, NULL, &msg);
	/* what the script committed (even when a later statement failed) is
	 * durable before it returns */
	bool synced = !sqlite3_get_autocommit(LDB(db)->h) || settle(LDB(db)) == KF_OK;
	if (rc != SQLITE_OK) {
		kf_error_set(err, KF_EDB, "sql_failed", NULL, NULL, "%s", msg ? msg : "?");
		sqlite3_free(msg);
		return KF_EDB;
	}
	if (!synced)
		return kf_error_set(err, KF_EDB, "sql_failed", NULL, NULL, "cannot sync the database log");
	return KF_OK;
}

/* fsync a file or directory by path; false (errno set) on failure. */
static bool sync_path(const char *path, bool dir)
{
	int fd = open(path, (dir ? O_RDONLY | O_DIRECTORY : O_RDONLY) | O_CLOEXEC);
	if (fd < 0)
		return false;
	bool ok = fsync(fd) == 0;
	int saved = errno;
	close(fd);
	errno = saved;
	return ok;
}

static enum kf_err lite_backup(struct kf_db *db, const char *dest, int64_t *bytes, struct kf_error *err)
{
	enum kf_err rc = KF_EDB;
	char *tmp = kf_xasprintf("%s.tmp", dest);
	char *dir = kf_xstrdup(dest);
	char *slash = strrchr(dir, '/');
	if (slash)
		*(slash == dir ? slash + 1 : slash) = '\0';
	else
		snprintf(dir, strlen(dir) + 1, ".");
	sqlite3 *out = NULL;
	sqlite3_backup *b = NULL;
	(void)unlink(tmp); /* left by an interrupted backup */
	if (sqlite3_open_v2(tmp, &out, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) != SQLITE_OK) {
		kf_error_set(err, KF_EDB, "backup_failed", NULL, NULL, "cannot create %s: %s", tmp,
			     out ? sqlite3_errmsg(out) : "out of memory");
		goto out;
	}
	b = sqlite3_backup_init(out, "main", LDB(db)->h, "main");
	if (!b) {
		kf_error_set(err, KF_EDB, "backup_failed", NULL, NULL, "cannot start the backup: %s", sqlite3_errmsg(out));
		goto out;
	}
	/* All pages in one step: one read transaction, one moment. A step
	 * copied in pieces would start over whenever another process writes
	 * in between, and might never finish on a busy server. BUSY/LOCKED
	 * only while a writer holds the database in a way a reader must
	 * wait for (WAL recovery): wait and try again. */
	int step, tries = 0;
	while ((step = sqlite3_backup_step(b, -1)) == SQLITE_BUSY || step == SQLITE_LOCKED) {
		if (++tries > 100)
			break;
		sqlite3_sleep(100);
	}
	int fin = sqlite3_backup_finish(b);
	b = NULL;
	if (step != SQLITE_DONE || fin != SQLITE_OK) {
		kf_error_set(err, KF_EDB, "backup_failed", NULL, NULL, "the backup did not complete: %s",
			     sqlite3_errstr(step != SQLITE_DONE ? step : fin));
		goto out;
	}
	if (sqlite3_close(out) != SQLITE_OK) {
		kf_error_set(err, KF_EDB, "backup_failed", NULL, NULL, "cannot close %s", tmp);
		out = NULL;
		goto out;
	}
	out = NULL;
	struct stat sb;
	/* as private as the data directory's own database */
	if (chmod(tmp, 0640) < 0 || !sync_path(tmp, false) || rename(tmp, dest) < 0 || !sync_path(dir, true) || stat(dest, &sb) < 0) {
		kf_error_set(err, KF_EDB, "backup_failed", NULL, NULL, "cannot write %s: %s", dest, strerror(errno));
		goto out;
	}
	*bytes = (int64_t)sb.st_size;
	rc = KF_OK;
out:
	if (b)
		sqlite3_backup_finish(b);
	if (out)
		sqlite3_close(out);
	if (rc != KF_OK)
		(void)unlink(tmp);
	free(tmp);
	free(dir);
	return rc;
}

const struct kf_engine kf_engine_sqlite = {
	.name = "sqlite",
	.open = lite_open,
	.close = lite_close,
	.prepare = lite_prepare,
	.reset = lite_reset,
	.bind_text = lite_bind_text,
	.bind_blob = lite_bind_blob,
	.bind_int = lite_bind_int,
	.bind_null = lite_bind_null,
	.step = lite_step,
	.text = lite_text,
	.integer = lite_int,
	.real = lite_real,
	.bytes = lite_bytes,
	.columns = lite_columns,
	.column_name = lite_column_name,
	.column_type = lite_column_type,
	.is_constraint_error = lite_is_constraint_error,
	.errmsg = lite_errmsg,
	.last_id = lite_last_id,
	.changes = lite_changes,
	.begin = lite_begin,
	.commit = lite_commit,
	.rollback = lite_rollback,
	.in_tx = lite_in_tx,
	.exec_script = lite_exec_script,
	.backup = lite_backup,
	.sync = lite_sync,
};
