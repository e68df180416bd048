/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The PostgreSQL engine of db.h (store/engine.h), over libpq.
 *
 * - SQL text: `?` and `?N` become `$n` once, when a statement is first
 *   prepared on a connection; prepared statements are cached per connection
 *   by SQL text, as on SQLite. Parameters go as text (an integer in decimal)
 *   with their types left to the server, which infers them from the SQL.
 * - Write transactions run one at a time across every process sharing the
 *   database: kf_db_begin takes a transaction-level advisory lock. They
 *   commit without waiting for the flush, then wait for it after the lock
 *   is released (group commit, see pg_commit). The code
 *   was written for SQLite's single writer (check, then write, in one
 *   transaction), and this keeps exactly that guarantee under READ COMMITTED
 *   without retry loops; docs/architecture.md says what it costs.
 * - A failed statement aborts a PostgreSQL transaction, while the SQLite code
 *   may go on after, say, a uniqueness violation: each INSERT, UPDATE or
 *   DELETE inside a transaction runs under a savepoint that a failure rolls
 *   back to, so only the failed statement is undone, as on SQLite.
 * - A connection that broke (the server restarted) is reset on next use; its
 *   prepared statements are prepared again.
 */
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/db.h"
#include "store/engine.h"
#include "util/mem.h"

#define CACHE_SLOTS 512
/* The advisory lock key of write transactions ("kaifang" in ASCII). */
#define WRITE_LOCK "6b616966616e67"
/* Every connection, also one re-opened: a commit is acknowledged once it
 * is on disk, whatever the server's default; text is UTF-8. */
#define SESSION_SETTINGS "SET synchronous_commit = on; SET client_encoding = 'UTF8'"

struct pg_stmt {
	struct kf_stmt base;
	const char *sql; /* the caller's text: the cache key */
	char name[16];   /* prepared statement name on the server */
	char *text;      /* with $n placeholders */
	bool dml;        /* INSERT, UPDATE or DELETE: a savepoint inside a transaction */
	int nparams;
	char **values;
	int *lengths, *formats;
	PGresult *res;
	int row, nrows;
};

struct pg_db {
	struct kf_db base;
	PGconn *c;
	struct pg_stmt cache[CACHE_SLOTS];
	unsigned next_name;
	char sqlstate[6];
	char errmsg[256];
	int changes;
	bool tx;      /* between kf_db_begin and its commit or rollback */
	bool tx_lost; /* the connection broke inside it: it cannot commit */
};

#define PDB(db) ((struct pg_db *)(db))
#define PST(st) ((struct pg_stmt *)(st))

static void log_error(const char *what, const char *msg, const char *sql)
{
	/* one line of JSON: the server's message without its newlines */
	char m[256];
	snprintf(m, sizeof(m), "%s", msg ? msg : "?");
	for (char *p = m; *p; p++)
		if (*p == '\n' || *p == '"' || *p == '\\')
			*p = ' ';
	fprintf(stderr, "{\"level\":\"error\",\"msg\":\"postgresql %s failed\",\"error\":\"%s\",\"sql\":\"%.80s\"}\n",
		what, m, sql ? sql : "");
}

/* Remember the error of res (or of the connection when res is NULL). */
static void note_error(struct pg_db *db, const PGresult *res)
{
	const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
	snprintf(db->sqlstate, sizeof(db->sqlstate), "%s", state ? state : "08000");
	const char *m = res ? PQresultErrorMessage(res) : PQerrorMessage(db->c);
	snprintf(db->errmsg, sizeof(db->errmsg), "%s", m && *m ? m : "connection failure");
	size_t n = strlen(db->errmsg);
	while (n && (db->errmsg[n - 1] == '\n' || db->errmsg[n - 1] == ' '))
		db->errmsg[--n] = '\0';
}

/* Run a command without parameters and results; KF_OK when it succeeded. */
static enum kf_err command(struct pg_db *db, const char *sql, bool quiet)
{
	PGresult *res = PQexec(db->c, sql);
	ExecStatusType s = PQresultStatus(res);
	bool ok = s == PGRES_COMMAND_OK || s == PGRES_TUPLES_OK;
	if (!ok) {
		note_error(db, res);
		if (!quiet)
			log_error("command", db->errmsg, sql);
	}
	PQclear(res);
	return ok ? KF_OK : KF_EDB;
}

static void clear_params(struct pg_stmt *st)
{
	for (int i = 0; i < st->nparams; i++) {
		free(st->values[i]);
		st->values[i] = NULL;
		st->lengths[i] = 0;
		st->formats[i] = 0;
	}
}

static void stmt_reset(struct pg_stmt *st)
{
	PQclear(st->res);
	st->res = NULL;
	st->row = -1;
	st->nrows = 0;
	clear_params(st);
}

static void stmt_free(struct pg_stmt *st)
{
	stmt_reset(st);
	free(st->text);
	free(st->values);
	free(st->lengths);
	free(st->formats);
	memset(st, 0, sizeof(*st));
}

static void pg_close(struct kf_db *kdb)
{
	struct pg_db *db = PDB(kdb);
	for (int i = 0; i < CACHE_SLOTS; i++)
		stmt_free(&db->cache[i]);
	PQfinish(db->c);
	free(db);
}

static void quiet_notices(void *arg, const char *msg)
{
	(void)arg;
	(void)msg; /* "relation … already exists, skipping" and the like */
}

static enum kf_err pg_open(const char *uri, struct kf_db **out, struct kf_error *err)
{
	struct pg_db *db = kf_xcalloc(1, sizeof(*db));
	db->c = PQconnectdb(uri);
	if (PQstatus(db->c) != CONNECTION_OK) {
		kf_error_set(err, KF_EDB, "db_open_failed", NULL, NULL, "cannot connect to PostgreSQL: %s",
			     db->c ? PQerrorMessage(db->c) : "out of memory");
		pg_close(&db->base);
		return KF_EDB;
	}
	PQsetNoticeProcessor(db->c, quiet_notices, NULL);
	if (command(db, SESSION_SETTINGS, false) != KF_OK) {
		kf_error_set(err, KF_EDB, "db_open_failed", NULL, NULL, "cannot configure the connection: %s",
			     db->errmsg);
		pg_close(&db->base);
		return KF_EDB;
	}
	*out = &db->base;
	return KF_OK;
}

/* After a connection broke: reconnect and forget what was prepared on it. */
static bool ensure_connected(struct pg_db *db)
{
	if (PQstatus(db->c) == CONNECTION_OK)
		return true;
	PQreset(db->c);
	db->tx_lost = db->tx;
	if (PQstatus(db->c) != CONNECTION_OK) {
		note_error(db, NULL);
		return false;
	}
	for (int i = 0; i < CACHE_SLOTS; i++)
		if (db->cache[i].sql)
			stmt_free(&db->cache[i]);
	(void)command(db, SESSION_SETTINGS, false);
	return true;
}

/* SQLite's placeholders as PostgreSQL's: `?N` → `$N`, `?` → the next
 * number; quoted strings and identifiers are left alone. */
static char *rewrite(const char *sql, int *nparams)
{
	size_t n = strlen(sql);
	char *out = kf_xmalloc(n * 4 + 1); /* "?" → "$123" at most */
	char *o = out;
	int max = 0;
	char quote = 0;
	for (const char *p = sql; *p; p++) {
		if (quote) {
			if (*p == quote)
				quote = 0;
			*o++ = *p;
			continue;
		}
		if (*p == '\'' || *p == '"') {
			quote = *p;
			*o++ = *p;
			continue;
		}
		if (*p != '?') {
			*o++ = *p;
			continue;
		}
		int num = 0;
		if (p[1] >= '0' && p[1] <= '9') {
			while (p[1] >= '0' && p[1] <= '9' && num < 10000)
				num = num * 10 + (*++p - '0');
		} else {
			num = max + 1;
		}
		if (num > max)
			max = num;
		o += sprintf(o, "$%d", num);
	}
	*o = '\0';
	*nparams = max;
	return out;
}

static bool is_dml(const char *sql)
{
	while (*sql == ' ' || *sql == '\n' || *sql == '\t')
		sql++;
	return !strncasecmp(sql, "INSERT", 6) || !strncasecmp(sql, "UPDATE", 6) || !strncasecmp(sql, "DELETE", 6);
}

static size_t slot_of(const char *sql)
{
	uintptr_t p = (uintptr_t)sql;
	return (size_t)((p >> 3) ^ (p >> 11)) % CACHE_SLOTS;
}

static struct kf_stmt *pg_prepare(struct kf_db *kdb, const char *sql)
{
	struct pg_db *db = PDB(kdb);
	if (!ensure_connected(db)) {
		log_error("connect", db->errmsg, sql);
		return NULL;
	}
	size_t start = slot_of(sql), i = start;
	struct pg_stmt *st = NULL;
	for (size_t k = 0; k < CACHE_SLOTS; k++, i = (i + 1) % CACHE_SLOTS) {
		struct pg_stmt *c = &db->cache[i];
		if (!c->sql) {
			st = c;
			break;
		}
		if (c->sql == sql) {
			stmt_reset(c);
			return &c->base;
		}
	}
	if (!st) {
		st = &db->cache[start];
		char dealloc[40];
		snprintf(dealloc, sizeof(dealloc), "DEALLOCATE %s", st->name);
		(void)command(db, dealloc, true);
		stmt_free(st);
	}
	int nparams = 0;
	char *text = rewrite(sql, &nparams);
	char name[16];
	snprintf(name, sizeof(name), "k%u", db->next_name++);
	PGresult *res = PQprepare(db->c, name, text, nparams, NULL);
	if (PQresultStatus(res) != PGRES_COMMAND_OK) {
		note_error(db, res);
		log_error("prepare", db->errmsg, sql);
		PQclear(res);
		free(text);
		return NULL;
	}
	PQclear(res);
	st->base.db = kdb;
	st->sql = sql;
	memcpy(st->name, name, sizeof(name));
	st->text = text;
	st->dml = is_dml(sql);
	st->nparams = nparams;
	size_t np = nparams ? (size_t)nparams : 1;
	st->values = kf_xcalloc(np, sizeof(char *));
	st->lengths = kf_xcalloc(np, sizeof(int));
	st->formats = kf_xcalloc(np, sizeof(int));
	st->row = -1;
	return &st->base;
}

static void pg_reset(struct kf_stmt *kst)
{
	stmt_reset(PST(kst));
}

static void set_param(struct pg_stmt *st, int idx, char *v, int len, int format)
{
	if (idx < 1 || idx > st->nparams) {
		free(v);
		return;
	}
	free(st->values[idx - 1]);
	st->values[idx - 1] = v;
	st->lengths[idx - 1] = len;
	st->formats[idx - 1] = format;
}

static void pg_bind_text(struct kf_stmt *kst, int idx, const char *s)
{
	set_param(PST(kst), idx, s ? kf_xstrdup(s) : NULL, 0, 0);
}

static void pg_bind_blob(struct kf_stmt *kst, int idx, const void *p, size_t n)
{
	char *v = kf_xmalloc(n ? n : 1);
	if (n)
		memcpy(v, p, n);
	set_param(PST(kst), idx, v, (int)n, 1);
}

static void pg_bind_int(struct kf_stmt *kst, int idx, int64_t v)
{
	char buf[24];
	snprintf(buf, sizeof(buf), "%lld", (long long)v);
	set_param(PST(kst), idx, kf_xstrdup(buf), 0, 0);
}

static void pg_bind_null(struct kf_stmt *kst, int idx)
{
	set_param(PST(kst), idx, NULL, 0, 0);
}

static int execute(struct pg_stmt *st)
{
	struct pg_db *db = PDB(st->base.db);
	bool savepoint = st->dml && PQtransactionStatus(db->c) == PQTRANS_INTRANS;
	if (savepoint && command(db, "SAVEPOINT kf_stmt", false) != KF_OK)
		return KF_STEP_ERROR;
	st->res = PQexecPrepared(db->c, st->name, st->nparams, (const char *const *)st->values, st->lengths,
				 st->formats, 0);
	ExecStatusType s = PQresultStatus(st->res);
	if (s != PGRES_TUPLES_OK && s != PGRES_COMMAND_OK) {
		note_error(db, st->res);
		PQclear(st->res);
		st->res = NULL;
		if (strncmp(db->sqlstate, "23", 2))
			log_error("step", db->errmsg, st->sql);
		if (savepoint) {
			char keep[sizeof(db->sqlstate)];
			char keepmsg[sizeof(db->errmsg)];
			memcpy(keep, db->sqlstate, sizeof(keep));
			memcpy(keepmsg, db->errmsg, sizeof(keepmsg));
			(void)command(db, "ROLLBACK TO SAVEPOINT kf_stmt; RELEASE SAVEPOINT kf_stmt", false);
			memcpy(db->sqlstate, keep, sizeof(keep));
			memcpy(db->errmsg, keepmsg, sizeof(keepmsg));
		}
		return KF_STEP_ERROR;
	}
	if (savepoint && command(db, "RELEASE SAVEPOINT kf_stmt", false) != KF_OK) {
		PQclear(st->res);
		st->res = NULL;
		return KF_STEP_ERROR;
	}
	db->sqlstate[0] = '\0'; /* the last statement succeeded */
	const char *n = PQcmdTuples(st->res);
	db->changes = n && *n ? atoi(n) : 0;
	st->nrows = s == PGRES_TUPLES_OK ? PQntuples(st->res) : 0;
	st->row = -1;
	return KF_STEP_DONE;
}

static int pg_step(struct kf_stmt *kst)
{
	struct pg_stmt *st = PST(kst);
	if (!st->res && execute(st) == KF_STEP_ERROR)
		return KF_STEP_ERROR;
	if (st->row + 1 < st->nrows) {
		st->row++;
		return KF_STEP_ROW;
	}
	st->row = st->nrows;
	return KF_STEP_DONE;
}

static bool cell_null(struct pg_stmt *st, int col)
{
	return !st->res || st->row < 0 || st->row >= st->nrows || col >= PQnfields(st->res) ||
	       PQgetisnull(st->res, st->row, col);
}

static const char *pg_text(struct kf_stmt *kst, int col)
{
	struct pg_stmt *st = PST(kst);
	return cell_null(st, col) ? NULL : PQgetvalue(st->res, st->row, col);
}

static int64_t pg_int(struct kf_stmt *kst, int col)
{
	const char *v = pg_text(kst, col);
	if (!v)
		return 0;
	if (!strcmp(v, "t"))
		return 1; /* a boolean expression, which SQLite answers as 1/0 */
	if (!strcmp(v, "f"))
		return 0;
	return strtoll(v, NULL, 10);
}

static double pg_real(struct kf_stmt *kst, int col)
{
	const char *v = pg_text(kst, col);
	return v ? strtod(v, NULL) : 0;
}

static size_t pg_bytes(struct kf_stmt *kst, int col)
{
	struct pg_stmt *st = PST(kst);
	return cell_null(st, col) ? 0 : (size_t)PQgetlength(st->res, st->row, col);
}

static int pg_columns(struct kf_stmt *kst)
{
	return PST(kst)->res ? PQnfields(PST(kst)->res) : 0;
}

static const char *pg_column_name(struct kf_stmt *kst, int col)
{
	return PQfname(PST(kst)->res, col);
}

/* type oids of pg_type.h */
enum { BOOLOID = 16, INT8OID = 20, INT2OID = 21, INT4OID = 23, OIDOID = 26, FLOAT4OID = 700,
       FLOAT8OID = 701, NUMERICOID = 1700 };

static enum kf_coltype pg_column_type(struct kf_stmt *kst, int col)
{
	struct pg_stmt *st = PST(kst);
	if (cell_null(st, col))
		return KF_COL_NULL;
	switch (PQftype(st->res, col)) {
	case BOOLOID:
	case INT8OID:
	case INT2OID:
	case INT4OID:
	case OIDOID:
		return KF_COL_INT;
	case FLOAT4OID:
	case FLOAT8OID:
		return KF_COL_REAL;
	case NUMERICOID:
		/* SUM() of integers is numeric on PostgreSQL, an integer on SQLite */
		return strchr(PQgetvalue(st->res, st->row, col), '.') ? KF_COL_REAL : KF_COL_INT;
	default:
		return KF_COL_TEXT;
	}
}

static bool pg_is_constraint_error(struct kf_db *db)
{
	return !strncmp(PDB(db)->sqlstate, "23", 2);
}

static const char *pg_errmsg(struct kf_db *db)
{
	return PDB(db)->errmsg;
}

static int64_t pg_last_id(struct kf_db *kdb)
{
	struct pg_db *db = PDB(kdb);
	PGresult *res = PQexec(db->c, "SELECT lastval()");
	int64_t id = 0;
	if (PQresultStatus(res) == PGRES_TUPLES_OK && PQntuples(res) == 1)
		id = strtoll(PQgetvalue(res, 0, 0), NULL, 10);
	else
		note_error(db, res);
	PQclear(res);
	return id;
}

static int pg_changes(struct kf_db *db)
{
	return PDB(db)->changes;
}

/* A transaction that writes one WAL record (a logical decoding message,
 * which any role may emit at any wal_level and which touches no table) and
 * commits synchronously: when it returns, the WAL is on disk up to it, so
 * every commit before it is. (A transaction that only took an xid would
 * not wait: PostgreSQL flushes only after WAL was written.) */
static enum kf_err flush_wal(struct pg_db *db)
{
	return command(db, "SELECT pg_logical_emit_message(true, 'kaifang', 'flush')", false);
}

static enum kf_err pg_begin(struct kf_db *kdb)
{
	struct pg_db *db = PDB(kdb);
	if (!ensure_connected(db))
		return KF_EDB;
	db->tx_lost = false;
	if (command(db,
		    "BEGIN; SET LOCAL synchronous_commit = off; SELECT pg_advisory_xact_lock(x'" WRITE_LOCK "'::bigint)",
		    false) != KF_OK) {
		(void)command(db, "ROLLBACK", true);
		return KF_EDB;
	}
	db->tx = true;
	return KF_OK;
}

static enum kf_err pg_commit(struct kf_db *kdb)
{
	struct pg_db *db = PDB(kdb);
	bool lost = db->tx_lost;
	db->tx = db->tx_lost = false;
	if (lost) {
		snprintf(db->errmsg, sizeof(db->errmsg), "the connection broke during the transaction");
		log_error("commit", db->errmsg, "COMMIT");
		return KF_EDB;
	}
	PGresult *res = PQexec(db->c, "COMMIT");
	/* COMMIT of a failed transaction "succeeds" as a ROLLBACK */
	bool ok = PQresultStatus(res) == PGRES_COMMAND_OK && !strcmp(PQcmdStatus(res), "COMMIT");
	if (!ok) {
		note_error(db, res);
		log_error("commit", db->errmsg, "COMMIT");
	}
	PQclear(res);
	if (!ok)
		return KF_EDB;
	/* Group commit: the transaction committed without waiting for its WAL
	 * flush (synchronous_commit off for it), so the write lock passed on at
	 * once. Now a tiny transaction that writes WAL and commits
	 * synchronously flushes the WAL up to a point after ours; concurrent
	 * flushes are merged by PostgreSQL, so one flush serves many commits,
	 * and the caller still answers only once its write is on disk. */
	return flush_wal(db);
}

static bool pg_in_tx(struct kf_db *db);

static void pg_rollback(struct kf_db *db)
{
	bool open = pg_in_tx(db);
	PDB(db)->tx = PDB(db)->tx_lost = false;
	if (open)
		(void)command(PDB(db), "ROLLBACK", false);
}

/* Make durable whatever this connection can see: a commit of another
 * connection may be visible before its flush (group commit), and a
 * synchronous commit of our own flushes the WAL past it. */
static enum kf_err pg_sync(struct kf_db *db)
{
	return pg_in_tx(db) ? KF_OK : flush_wal(PDB(db));
}

static bool pg_in_tx(struct kf_db *db)
{
	PGTransactionStatusType s = PQtransactionStatus(PDB(db)->c);
	return PDB(db)->tx || s == PQTRANS_INTRANS || s == PQTRANS_INERROR || s == PQTRANS_ACTIVE;
}

static enum kf_err pg_exec_script(struct kf_db *kdb, const char *sql, struct kf_error *err)
{
	struct pg_db *db = PDB(kdb);
	if (!ensure_connected(db) || command(db, sql, true) != KF_OK) {
		kf_error_set(err, KF_EDB, "sql_failed", NULL, NULL, "%s", db->errmsg);
		return KF_EDB;
	}
	return KF_OK;
}

static enum kf_err pg_backup(struct kf_db *db, const char *dest, int64_t *bytes, struct kf_error *err)
{
	(void)db;
	(void)dest;
	*bytes = 0;
	return kf_error_set(err, KF_EINVAL, "backup_engine", NULL, NULL,
			    "the database is PostgreSQL: back it up with pg_dump (operator guide, section 21)");
}

const struct kf_engine kf_engine_pg = {
	.name = "postgresql",
	.open = pg_open,
	.close = pg_close,
	.prepare = pg_prepare,
	.reset = pg_reset,
	.bind_text = pg_bind_text,
	.bind_blob = pg_bind_blob,
	.bind_int = pg_bind_int,
	.bind_null = pg_bind_null,
	.step = pg_step,
	.text = pg_text,
	.integer = pg_int,
	.real = pg_real,
	.bytes = pg_bytes,
	.columns = pg_columns,
	.column_name = pg_column_name,
	.column_type = pg_column_type,
	.is_constraint_error = pg_is_constraint_error,
	.errmsg = pg_errmsg,
	.last_id = pg_last_id,
	.changes = pg_changes,
	.begin = pg_begin,
	.commit = pg_commit,
	.rollback = pg_rollback,
	.in_tx = pg_in_tx,
	.exec_script = pg_exec_script,
	.backup = pg_backup,
	.sync = pg_sync,
};
