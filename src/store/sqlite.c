/* SPDX-License-Identifier: Apache-2.0 */
/*
 * SQLite backend of db.h. Durability: WAL with synchronous=FULL, so an
 * acknowledged commit survives a crash. Statements are prepared once per
 * connection and cached by their SQL text (the SQL strings are literals, so
 * the pointer identifies them; the text is compared as a fallback).
 */
#include "store/db.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "store/audit.h"
#include "util/mem.h"

#define CACHE_SLOTS 512

struct kf_stmt {
	sqlite3_stmt *s;
	struct kf_db *db;
	const char *sql;
};

struct kf_db {
	sqlite3 *h;
	struct kf_stmt cache[CACHE_SLOTS];
	int last_rc;
	int fail_after;
	int64_t audit_id; /* the audit head appended in the open transaction (0: none) */
	char audit_mac[65];
};

static void log_sql_error(struct kf_db *db, const char *what, const char *sql)
{
	fprintf(stderr, "{\"level\":\"error\",\"msg\":\"sqlite %s failed\",\"error\":\"%s\",\"sql\":\"%.80s\"}\n",
		what, sqlite3_errmsg(db->h), sql ? sql : "");
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
	sqlite3_busy_timeout(db->h, 10000);
	static const char *const pragmas =
		"PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;"
		"PRAGMA temp_store=MEMORY;";
	char *msg = NULL;
	if (sqlite3_exec(db->h, pragmas, NULL, NULL, &msg) != SQLITE_OK) {
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
	free(db);
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
			sqlite3_reset(c->s);
			sqlite3_clear_bindings(c->s);
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
	sqlite3_finalize(st->s);
	st->s = s;
	st->db = db;
	st->sql = sql;
	return st;
}

void kf_stmt_done(struct kf_stmt *st)
{
	if (st) {
		sqlite3_reset(st->s);
		sqlite3_clear_bindings(st->s);
	}
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
	return simple(db, "BEGIN IMMEDIATE");
}

enum kf_err kf_db_commit(struct kf_db *db)
{
	if (simple(db, "COMMIT") != KF_OK) {
		kf_db_rollback(db);
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
	if (sqlite3_exec(db->h, sql, NULL, NULL, &msg) != SQLITE_OK) {
		kf_error_set(err, KF_EDB, "sql_failed", NULL, NULL, "%s", msg ? msg : "?");
		sqlite3_free(msg);
		return KF_EDB;
	}
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

enum kf_err kf_db_backup(struct kf_db *db, const char *dest, int64_t *bytes, struct kf_error *err)
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
	b = sqlite3_backup_init(out, "main", db->h, "main");
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
