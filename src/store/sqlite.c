/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The SQLite engine of db.h (store/engine.h). Durability: WAL with
 * synchronous=FULL, so an acknowledged commit survives a crash. Statements
 * are prepared once per connection and cached by their SQL text (the SQL
 * strings are literals, so the pointer identifies them).
 */
#include <errno.h>
#include <fcntl.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "store/db.h"
#include "store/engine.h"
#include "util/mem.h"

#define CACHE_SLOTS 512

struct lite_stmt {
	struct kf_stmt base;
	sqlite3_stmt *s;
	const char *sql;
};

struct lite_db {
	struct kf_db base;
	sqlite3 *h;
	struct lite_stmt cache[CACHE_SLOTS];
	int last_rc;
};

#define LDB(db) ((struct lite_db *)(db))
#define LST(st) (((struct lite_stmt *)(st))->s)

static void log_sql_error(struct lite_db *db, const char *what, const char *sql)
{
	fprintf(stderr, "{\"level\":\"error\",\"msg\":\"sqlite %s failed\",\"error\":\"%s\",\"sql\":\"%.80s\"}\n",
		what, sqlite3_errmsg(db->h), sql ? sql : "");
}

static void lite_close(struct kf_db *kdb)
{
	struct lite_db *db = LDB(kdb);
	for (int i = 0; i < CACHE_SLOTS; i++)
		sqlite3_finalize(db->cache[i].s);
	sqlite3_close(db->h);
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
	sqlite3_busy_timeout(db->h, 10000);
	static const char *const pragmas =
		"PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;"
		"PRAGMA temp_store=MEMORY;";
	char *msg = NULL;
	if (sqlite3_exec(db->h, pragmas, NULL, NULL, &msg) != SQLITE_OK) {
		kf_error_set(err, KF_EDB, "db_open_failed", NULL, NULL, "cannot configure %s: %s", path,
			     msg ? msg : "?");
		sqlite3_free(msg);
		lite_close(&db->base);
		return KF_EDB;
	}
	*out = &db->base;
	return KF_OK;
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
			sqlite3_reset(c->s);
			sqlite3_clear_bindings(c->s);
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
	sqlite3_finalize(st->s);
	st->s = s;
	st->base.db = kdb;
	st->sql = sql;
	return &st->base;
}

static void lite_reset(struct kf_stmt *st)
{
	sqlite3_reset(LST(st));
	sqlite3_clear_bindings(LST(st));
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

static enum kf_err lite_begin(struct kf_db *db)
{
	return simple(db, "BEGIN IMMEDIATE");
}

static enum kf_err lite_commit(struct kf_db *db)
{
	return simple(db, "COMMIT");
}

static void lite_rollback(struct kf_db *db)
{
	(void)simple(db, "ROLLBACK");
}

static bool lite_in_tx(struct kf_db *db)
{
	return !sqlite3_get_autocommit(LDB(db)->h);
}

static enum kf_err lite_exec_script(struct kf_db *db, const char *sql, struct kf_error *err)
{
	char *msg = NULL;
	if (sqlite3_exec(LDB(db)->h, sql, NULL, NULL, &msg) != SQLITE_OK) {
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
};
