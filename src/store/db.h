/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The tiny SQL layer over two engines: SQLite (store/sqlite.c) and
 * PostgreSQL (store/pg.c, libpq). The SQL is written once for both: `?` or
 * `?N` placeholders (the PostgreSQL engine rewrites them to $n), bound
 * parameters only, no engine-specific functions (docs/architecture.md lists
 * the subset), and every command runs inside kf_db_begin/kf_db_commit. A
 * struct kf_db is one connection, owned by one thread at a time; a struct
 * kf_dbpool hands connections out to request threads and workers.
 */
#ifndef KF_STORE_DB_H
#define KF_STORE_DB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"

struct kf_db;
struct kf_stmt;
struct kf_dbpool;

enum kf_step { KF_STEP_ROW = 1, KF_STEP_DONE = 2, KF_STEP_ERROR = 3 };

/* Open one connection. target is a libpq connection URI (postgresql://… or
 * postgres://…) for PostgreSQL, otherwise the path of a SQLite file (WAL with
 * group commit, busy timeout, foreign keys). */
enum kf_err kf_db_open(const char *target, struct kf_db **out, struct kf_error *err) KF_MUST_CHECK;
void kf_db_close(struct kf_db *db);
/* Does target name a PostgreSQL database? */
bool kf_db_target_is_pg(const char *target);
/* "sqlite" or "postgresql": which migrations apply, for instance. */
const char *kf_db_engine_name(const struct kf_db *db);
/* The text for db's engine of a query that must look inside a stored JSON
 * document, which each engine does with its own functions (json_extract and
 * json_each on SQLite, ->> and jsonb_array_elements_text on PostgreSQL).
 * Only for that: every other query is written once for both. */
const char *kf_db_dialect(const struct kf_db *db, const char *sqlite, const char *pg);

/* Prepared statements are cached per connection by the address of the SQL
 * text, so sql must be a string literal (or otherwise never change while
 * the connection lives): text built at run time in a reused buffer would
 * find another statement's cache entry. The returned statement is
 * borrowed, reset and unbound; it stays valid until the next kf_db_prepare
 * of the same text or kf_db_close. Call kf_stmt_done when
 * finished so the statement is reset. Returns NULL on a syntax error
 * (logged); a programming error, so callers treat it as KF_EDB. */
struct kf_stmt *kf_db_prepare(struct kf_db *db, const char *sql);
void kf_stmt_done(struct kf_stmt *st);

/* Parameters are 1-based. Text is copied. NULL text binds SQL NULL. */
void kf_stmt_bind_text(struct kf_stmt *st, int idx, const char *s);
void kf_stmt_bind_blob(struct kf_stmt *st, int idx, const void *p, size_t n);
void kf_stmt_bind_int(struct kf_stmt *st, int idx, int64_t v);
void kf_stmt_bind_null(struct kf_stmt *st, int idx);

enum kf_step kf_stmt_step(struct kf_stmt *st);
/* Columns are 0-based; text is valid until the next step/done. NULL → NULL. */
const char *kf_stmt_text(struct kf_stmt *st, int col);
int64_t kf_stmt_int(struct kf_stmt *st, int col);
bool kf_stmt_is_null(struct kf_stmt *st, int col);
size_t kf_stmt_bytes(struct kf_stmt *st, int col);
/* The current row as a JSON object keyed by column name (integers, text,
 * NULL); a new reference. */
struct json_t;
struct json_t *kf_stmt_row_json(struct kf_stmt *st);
/* Every remaining row as a JSON array of kf_stmt_row_json objects (a new
 * reference), then kf_stmt_done; NULL when a step failed. */
struct json_t *kf_stmt_rows_json(struct kf_stmt *st);
/* Was the last failed step a uniqueness violation? */
bool kf_db_is_constraint_error(struct kf_db *db);
const char *kf_db_errmsg(struct kf_db *db);
int64_t kf_db_last_id(struct kf_db *db);
int kf_db_changes(struct kf_db *db);

/* Write transaction. Write transactions run one at a time, as the code
 * relies on: BEGIN IMMEDIATE on SQLite; on PostgreSQL a transaction-level
 * advisory lock taken first, so processes sharing the database serialise
 * their writes too (docs/architecture.md says why). kf_db_commit returns
 * KF_OK only once the commit is durable (on SQLite through group commit,
 * store/groupcommit.h); KF_EDB when it failed (rolled back) or its sync
 * failed (then the rows may be visible yet not vouched for). */
enum kf_err kf_db_begin(struct kf_db *db) KF_MUST_CHECK;
enum kf_err kf_db_commit(struct kf_db *db) KF_MUST_CHECK;
/* Make durable every commit this connection can see, whoever made it (for
 * a reader about to publish what it read outside the database, such as the
 * audit anchor). KF_OK or KF_EDB. */
enum kf_err kf_db_sync(struct kf_db *db) KF_MUST_CHECK;
void kf_db_rollback(struct kf_db *db);
/* Is a transaction open on this connection? */
bool kf_db_in_tx(struct kf_db *db);
/* The audit row (id, MAC) appended in the open transaction: kf_db_commit
 * hands it to kf_audit_committed once the commit succeeded, so the anchor
 * outside the database never names a row that rolled back; a rollback
 * forgets it. (store/audit.c only.) */
void kf_db_audit_pending(struct kf_db *db, int64_t id, const char *mac);
/* Who is told of that row after the commit: store/audit.c sets it when the
 * audit key is loaded (a function rather than an include, so the SQL layer
 * does not depend on the audit module built on it). */
void kf_db_on_audit_commit(void (*fn)(struct kf_db *db, int64_t id, const char *mac));
/* Run a script of several statements (migrations only). */
enum kf_err kf_db_exec_script(struct kf_db *db, const char *sql, struct kf_error *err) KF_MUST_CHECK;

/* Convenience: run a statement expecting no rows / one integer. */
enum kf_err kf_stmt_exec(struct kf_stmt *st) KF_MUST_CHECK;
/* Step st (prepared and bound) to its first row: KF_OK with st on that row,
 * for the caller to read and then kf_stmt_done; otherwise st is finished
 * and the answer is KF_ENOTFOUND (no row) or KF_EDB (also for a NULL st). */
enum kf_err kf_stmt_first(struct kf_stmt *st) KF_MUST_CHECK;
/* Step once and finish: *found tells whether the query gave a row (for
 * "SELECT 1 … LIMIT 1" questions). KF_EDB (found false) when st is NULL
 * or the step failed. */
enum kf_err kf_stmt_exists(struct kf_stmt *st, bool *found) KF_MUST_CHECK;

/* A retention pass's deletion: run sql, whose one parameter is bound to
 * before, and return the number of rows it deleted, or -1. */
int kf_db_delete_before(struct kf_db *db, const char *sql, int64_t before);

/* Online backup (`kaifang backup`): copy the whole database as it is at
 * one moment into a new file `dest`, while other connections and
 * processes go on reading and writing. SQLite: the online backup API in
 * one step (one read transaction, so one consistent snapshot; in WAL mode
 * writers are not held up), written to dest.tmp, synced and renamed, so
 * `dest` is either complete or absent. *bytes receives the copy's size.
 * KF_EDB (err filled) when the copy failed. An engine with its own tool
 * (PostgreSQL: pg_dump) answers KF_EINVAL. */
enum kf_err kf_db_backup(struct kf_db *db, const char *dest, int64_t *bytes, struct kf_error *err) KF_MUST_CHECK;

/* Test hook: make the n-th statement step from now fail (0 = off). Used by
 * the unit test proving that a failed command leaves nothing written. */
void kf_db_fail_after(struct kf_db *db, int n);

/* Connection pool. */
enum kf_err kf_dbpool_new(const char *target, int size, struct kf_dbpool **out,
			  struct kf_error *err) KF_MUST_CHECK;
void kf_dbpool_free(struct kf_dbpool *p);
/* Blocks until a connection is free. */
struct kf_db *kf_dbpool_get(struct kf_dbpool *p);
void kf_dbpool_put(struct kf_dbpool *p, struct kf_db *db);

#endif
