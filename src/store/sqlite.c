/* SPDX-License-Identifier: Apache-2.0 */
/*
 * SQLite backend of db.h. Durability: WAL with group commit. Connections
 * run with synchronous=NORMAL, so COMMIT writes the WAL frames without a
 * sync; every commit (COMMIT, or a write statement outside a transaction)
 * then waits on the file's durability barrier (store/groupcommit.h) until a
 * sync of the WAL that began after it has finished, so an acknowledged
 * commit survives a power loss as with synchronous=FULL, and concurrent
 * commits share one sync. Checkpoints run from the WAL hook (as SQLite's
 * own auto-checkpoint would), after the write lock is handed on. A database
 * that is not in WAL mode (":memory:") keeps synchronous=FULL.
 * Statements are prepared once per connection and cached by their SQL text
 * (the SQL strings are literals, so the pointer identifies them; the text
 * is compared as a fallback).
 */
#include "store/db.h"

#include <jansson.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "store/audit.h"
#include "store/groupcommit.h"
#include "util/mem.h"

#define CACHE_SLOTS 512
#define BUSY_TIMEOUT_MS 10000
#define CHECKPOINT_FRAMES 1000 /* SQLite's default auto-checkpoint */

struct kf_stmt {
	sqlite3_stmt *s;
	struct kf_db *db;
	const char *sql;
	bool open_write; /* a write that gave a row and has not finished */
};

struct kf_db {
	sqlite3 *h;
	struct kf_stmt cache[CACHE_SLOTS];
	int last_rc;
	int fail_after;
	int64_t audit_id; /* the audit head appended in the open transaction (0: none) */
	char audit_mac[65];
	struct kf_gc *gc;      /* group commit; NULL when not in WAL mode */
	uint64_t ticket;       /* a commit not yet waited for (0: none) */
	uint64_t last_ticket;  /* the last commit waited for (test hook) */
	int wal_frames;        /* frames in the WAL after the last commit */
	bool writer;           /* holds the write lock (kf_db_begin) */
	struct timespec busy_since;
};

static void log_sql_error(struct kf_db *db, const char *what, const char *sql)
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
	struct kf_db *db = arg;
	db->ticket = kf_gc_ticket(db->gc);
	db->wal_frames = frames;
	return SQLITE_OK;
}

/* The leader's sync: the WAL through this connection's own handle of it,
 * so it is always the file SQLite writes (SQLITE_FCNTL_JOURNAL_POINTER;
 * SQLite syncs the directory too the first time a new WAL is synced). */
static int sync_wal(void *arg)
{
	struct kf_db *db = arg;
	sqlite3_file *f = NULL;
	if (sqlite3_file_control(db->h, "main", SQLITE_FCNTL_JOURNAL_POINTER, &f) != SQLITE_OK || !f ||
	    !f->pMethods)
		return -1;
	return f->pMethods->xSync(f, SQLITE_SYNC_NORMAL) == SQLITE_OK ? 0 : -1;
}

/* After a commit on this connection: checkpoint when the WAL is long, then
 * wait until the commit is durable. */
static enum kf_err settle(struct kf_db *db)
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
	struct kf_db *db = arg;
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
static bool use_group_commit(struct kf_db *db)
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

enum kf_err kf_db_open(const char *path, struct kf_db **out, struct kf_error *err)
{
	struct kf_db *db = kf_xcalloc(1, sizeof(*db));
	int rc = sqlite3_open_v2(path, &db->h,
				 SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL);
	if (rc != SQLITE_OK) {
		kf_error_set(err, KF_EDB, "db_open_failed", NULL, NULL, "cannot open database %s: %s",
			     path, db->h ? sqlite3_errmsg(db->h) : sqlite3_errstr(rc));
		kf_db_close(db);
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
		kf_db_close(db);
		return KF_EDB;
	}
	*out = db;
	return KF_OK;
}

void kf_db_close(struct kf_db *db)
{
	if (!db)
		return;
	for (int i = 0; i < CACHE_SLOTS; i++)
		sqlite3_finalize(db->cache[i].s);
	sqlite3_close(db->h);
	kf_gc_put(db->gc);
	free(db);
}

static void reset(struct kf_stmt *st)
{
	sqlite3_reset(st->s);
	sqlite3_clear_bindings(st->s);
	/* a write with RETURNING outside a transaction, finished before its
	 * last row, commits in the reset, where SQLite does not call the WAL
	 * hook: sync for it here (a failed sync is sticky and fails the next
	 * commit) */
	if (st->open_write && sqlite3_get_autocommit(st->db->h) && kf_db_sync(st->db) != KF_OK)
		log_sql_error(st->db, "sync after", sqlite3_sql(st->s));
	st->open_write = false;
}

static size_t slot_of(const char *sql)
{
	uintptr_t p = (uintptr_t)sql;
	return (size_t)((p >> 3) ^ (p >> 11)) % CACHE_SLOTS;
}

struct kf_stmt *kf_db_prepare(struct kf_db *db, const char *sql)
{
	/* Open addressing by pointer; a statement is evicted only when every
	 * slot is taken, so two statements in use at once never collide. */
	size_t start = slot_of(sql), i = start;
	struct kf_stmt *st = NULL;
	for (size_t k = 0; k < CACHE_SLOTS; k++, i = (i + 1) % CACHE_SLOTS) {
		struct kf_stmt *c = &db->cache[i];
		if (!c->s) {
			st = c;
			break;
		}
		if (c->sql == sql) {
			reset(c);
			return c;
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
	st->db = db;
	st->sql = sql;
	st->open_write = false;
	return st;
}

void kf_stmt_done(struct kf_stmt *st)
{
	if (st)
		reset(st);
}

void kf_stmt_bind_text(struct kf_stmt *st, int idx, const char *s)
{
	if (s)
		sqlite3_bind_text(st->s, idx, s, -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(st->s, idx);
}

void kf_stmt_bind_blob(struct kf_stmt *st, int idx, const void *p, size_t n)
{
	sqlite3_bind_blob64(st->s, idx, p, n, SQLITE_TRANSIENT);
}

void kf_stmt_bind_int(struct kf_stmt *st, int idx, int64_t v)
{
	sqlite3_bind_int64(st->s, idx, v);
}

void kf_stmt_bind_null(struct kf_stmt *st, int idx)
{
	sqlite3_bind_null(st->s, idx);
}

enum kf_step kf_stmt_step(struct kf_stmt *st)
{
	struct kf_db *db = st->db;
	if (db->fail_after > 0 && --db->fail_after == 0) {
		db->last_rc = SQLITE_IOERR;
		return KF_STEP_ERROR;
	}
	int rc = sqlite3_step(st->s);
	st->open_write = rc == SQLITE_ROW && !sqlite3_stmt_readonly(st->s);
	/* a write outside a transaction committed: durable before it returns */
	if (db->ticket && sqlite3_get_autocommit(db->h) && settle(db) != KF_OK)
		rc = SQLITE_IOERR;
	db->last_rc = rc;
	if (rc == SQLITE_ROW)
		return KF_STEP_ROW;
	if (rc == SQLITE_DONE)
		return KF_STEP_DONE;
	if ((rc & 0xff) != SQLITE_CONSTRAINT)
		log_sql_error(db, "step", sqlite3_sql(st->s));
	return KF_STEP_ERROR;
}

enum kf_err kf_stmt_exec(struct kf_stmt *st)
{
	if (!st)
		return KF_EDB;
	enum kf_step s = kf_stmt_step(st);
	kf_stmt_done(st);
	return s == KF_STEP_ERROR ? KF_EDB : KF_OK;
}

enum kf_err kf_stmt_first(struct kf_stmt *st)
{
	if (!st)
		return KF_EDB;
	enum kf_step s = kf_stmt_step(st);
	if (s == KF_STEP_ROW)
		return KF_OK;
	kf_stmt_done(st);
	return s == KF_STEP_DONE ? KF_ENOTFOUND : KF_EDB;
}

enum kf_err kf_stmt_exists(struct kf_stmt *st, bool *found)
{
	*found = false;
	if (!st)
		return KF_EDB;
	enum kf_step s = kf_stmt_step(st);
	kf_stmt_done(st);
	*found = s == KF_STEP_ROW;
	return s == KF_STEP_ERROR ? KF_EDB : KF_OK;
}

int kf_db_delete_before(struct kf_db *db, const char *sql, int64_t before)
{
	struct kf_stmt *st = kf_db_prepare(db, sql);
	if (!st)
		return -1;
	kf_stmt_bind_int(st, 1, before);
	if (kf_stmt_exec(st) != KF_OK)
		return -1;
	return kf_db_changes(db);
}

const char *kf_stmt_text(struct kf_stmt *st, int col)
{
	return (const char *)sqlite3_column_text(st->s, col);
}

int64_t kf_stmt_int(struct kf_stmt *st, int col)
{
	return sqlite3_column_int64(st->s, col);
}

bool kf_stmt_is_null(struct kf_stmt *st, int col)
{
	return sqlite3_column_type(st->s, col) == SQLITE_NULL;
}

size_t kf_stmt_bytes(struct kf_stmt *st, int col)
{
	return (size_t)sqlite3_column_bytes(st->s, col);
}

json_t *kf_stmt_row_json(struct kf_stmt *st)
{
	json_t *o = json_object();
	int n = sqlite3_column_count(st->s);
	for (int i = 0; i < n; i++) {
		const char *name = sqlite3_column_name(st->s, i);
		switch (sqlite3_column_type(st->s, i)) {
		case SQLITE_INTEGER:
			json_object_set_new(o, name, json_integer(sqlite3_column_int64(st->s, i)));
			break;
		case SQLITE_NULL:
			json_object_set_new(o, name, json_null());
			break;
		case SQLITE_FLOAT:
			json_object_set_new(o, name, json_real(sqlite3_column_double(st->s, i)));
			break;
		default:
			json_object_set_new(o, name, json_string((const char *)sqlite3_column_text(st->s, i)));
			break;
		}
	}
	return o;
}

json_t *kf_stmt_rows_json(struct kf_stmt *st)
{
	json_t *arr = json_array();
	enum kf_step s;
	while ((s = kf_stmt_step(st)) == KF_STEP_ROW)
		json_array_append_new(arr, kf_stmt_row_json(st));
	kf_stmt_done(st);
	if (s == KF_STEP_ERROR) {
		json_decref(arr);
		return NULL;
	}
	return arr;
}

bool kf_db_is_constraint_error(struct kf_db *db)
{
	return (db->last_rc & 0xff) == SQLITE_CONSTRAINT;
}

const char *kf_db_errmsg(struct kf_db *db)
{
	return sqlite3_errmsg(db->h);
}

int64_t kf_db_last_id(struct kf_db *db)
{
	return sqlite3_last_insert_rowid(db->h);
}

int kf_db_changes(struct kf_db *db)
{
	return sqlite3_changes(db->h);
}

static enum kf_err simple(struct kf_db *db, const char *sql)
{
	char *msg = NULL;
	int rc = sqlite3_exec(db->h, sql, NULL, NULL, &msg);
	if (rc != SQLITE_OK) {
		fprintf(stderr, "{\"level\":\"error\",\"msg\":\"%s failed\",\"error\":\"%s\"}\n", sql,
			msg ? msg : "?");
		sqlite3_free(msg);
		return KF_EDB;
	}
	return KF_OK;
}

enum kf_err kf_db_begin(struct kf_db *db)
{
	if (simple(db, "BEGIN IMMEDIATE") != KF_OK)
		return KF_EDB;
	if (db->gc && !db->writer) {
		db->writer = true;
		kf_gc_writer_enter(db->gc);
	}
	return KF_OK;
}

static void writer_leave(struct kf_db *db)
{
	if (db->writer) {
		db->writer = false;
		kf_gc_writer_leave(db->gc);
	}
}

/* COMMIT writes the frames and hands the write lock on (writer_leave) at
 * once; then the wait for the sync, shared with whoever committed
 * meanwhile. The audit anchor moves only after that wait, so it never names
 * a row a power loss could take back. */
enum kf_err kf_db_commit(struct kf_db *db)
{
	if (simple(db, "COMMIT") != KF_OK) {
		kf_db_rollback(db);
		return KF_EDB;
	}
	writer_leave(db);
	if (settle(db) != KF_OK) {
		db->audit_id = 0;
		return KF_EDB;
	}
	if (db->audit_id) {
		int64_t id = db->audit_id;
		db->audit_id = 0;
		kf_audit_committed(db, id, db->audit_mac);
	}
	return KF_OK;
}

void kf_db_rollback(struct kf_db *db)
{
	db->audit_id = 0;
	if (!sqlite3_get_autocommit(db->h))
		(void)simple(db, "ROLLBACK");
	writer_leave(db);
}

enum kf_err kf_db_sync(struct kf_db *db)
{
	if (!db->gc)
		return KF_OK;
	uint64_t t = kf_gc_ticket(db->gc);
	return kf_gc_wait(db->gc, t, sync_wal, db);
}

struct kf_gc *kf_db_gc(struct kf_db *db)
{
	return db->gc;
}

uint64_t kf_db_last_ticket(struct kf_db *db)
{
	return db->last_ticket;
}

void kf_db_audit_pending(struct kf_db *db, int64_t id, const char *mac)
{
	db->audit_id = id;
	snprintf(db->audit_mac, sizeof(db->audit_mac), "%s", mac);
}

bool kf_db_in_tx(struct kf_db *db)
{
	return !sqlite3_get_autocommit(db->h);
}

enum kf_err kf_db_exec_script(struct kf_db *db, const char *sql, struct kf_error *err)
{
	char *msg = NULL;
	int rc = sqlite3_exec(db->h, sql, NULL, NULL, &msg);
	/* what the script committed (even when a later statement failed) is
	 * durable before it returns */
	bool synced = !sqlite3_get_autocommit(db->h) || settle(db) == KF_OK;
	if (rc != SQLITE_OK) {
		kf_error_set(err, KF_EDB, "sql_failed", NULL, NULL, "%s", msg ? msg : "?");
		sqlite3_free(msg);
		return KF_EDB;
	}
	if (!synced)
		return kf_error_set(err, KF_EDB, "sql_failed", NULL, NULL, "cannot sync the database log");
	return KF_OK;
}

void kf_db_fail_after(struct kf_db *db, int n)
{
	db->fail_after = n;
}

struct kf_dbpool {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct kf_db **free_list;
	int n_free, size;
};

enum kf_err kf_dbpool_new(const char *path, int size, struct kf_dbpool **out, struct kf_error *err)
{
	struct kf_dbpool *p = kf_xcalloc(1, sizeof(*p));
	pthread_mutex_init(&p->mu, NULL);
	pthread_cond_init(&p->cv, NULL);
	p->free_list = kf_xcalloc((size_t)size, sizeof(struct kf_db *));
	p->size = size;
	for (int i = 0; i < size; i++) {
		struct kf_db *db;
		if (kf_db_open(path, &db, err) != KF_OK) {
			kf_dbpool_free(p);
			return KF_EDB;
		}
		p->free_list[p->n_free++] = db;
	}
	*out = p;
	return KF_OK;
}

void kf_dbpool_free(struct kf_dbpool *p)
{
	if (!p)
		return;
	for (int i = 0; i < p->n_free; i++)
		kf_db_close(p->free_list[i]);
	free(p->free_list);
	pthread_mutex_destroy(&p->mu);
	pthread_cond_destroy(&p->cv);
	free(p);
}

struct kf_db *kf_dbpool_get(struct kf_dbpool *p)
{
	pthread_mutex_lock(&p->mu);
	while (p->n_free == 0)
		pthread_cond_wait(&p->cv, &p->mu);
	struct kf_db *db = p->free_list[--p->n_free];
	pthread_mutex_unlock(&p->mu);
	return db;
}

void kf_dbpool_put(struct kf_dbpool *p, struct kf_db *db)
{
	kf_db_rollback(db); /* a handler that forgot to finish leaves nothing open */
	pthread_mutex_lock(&p->mu);
	p->free_list[p->n_free++] = db;
	pthread_cond_signal(&p->cv);
	pthread_mutex_unlock(&p->mu);
}
