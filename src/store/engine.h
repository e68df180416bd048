/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The two database engines behind db.h (store/ only). store/db.c holds what
 * both share (the convenience calls, row-to-JSON, the audit hook at commit,
 * the failure hook of the tests, the pool) and calls the engine through
 * struct kf_engine; store/sqlite.c and store/pg.c each fill one. An engine's
 * connection and statement structs start with struct kf_db / struct kf_stmt.
 */
#ifndef KF_STORE_ENGINE_H
#define KF_STORE_ENGINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"

struct kf_db;
struct kf_stmt;

/* A column's value type, as row-to-JSON needs it. */
enum kf_coltype { KF_COL_NULL, KF_COL_INT, KF_COL_REAL, KF_COL_TEXT };

struct kf_engine {
	const char *name; /* "sqlite" or "postgresql" */
	enum kf_err (*open)(const char *target, struct kf_db **out, struct kf_error *err);
	void (*close)(struct kf_db *db);
	struct kf_stmt *(*prepare)(struct kf_db *db, const char *sql);
	void (*reset)(struct kf_stmt *st);
	void (*bind_text)(struct kf_stmt *st, int idx, const char *s);
	void (*bind_blob)(struct kf_stmt *st, int idx, const void *p, size_t n);
	void (*bind_int)(struct kf_stmt *st, int idx, int64_t v);
	void (*bind_null)(struct kf_stmt *st, int idx);
	int (*step)(struct kf_stmt *st); /* an enum kf_step of db.h */
	const char *(*text)(struct kf_stmt *st, int col);
	int64_t (*integer)(struct kf_stmt *st, int col);
	double (*real)(struct kf_stmt *st, int col);
	size_t (*bytes)(struct kf_stmt *st, int col);
	int (*columns)(struct kf_stmt *st);
	const char *(*column_name)(struct kf_stmt *st, int col);
	enum kf_coltype (*column_type)(struct kf_stmt *st, int col);
	bool (*is_constraint_error)(struct kf_db *db);
	const char *(*errmsg)(struct kf_db *db);
	int64_t (*last_id)(struct kf_db *db);
	int (*changes)(struct kf_db *db);
	enum kf_err (*begin)(struct kf_db *db);
	enum kf_err (*commit)(struct kf_db *db);
	void (*rollback)(struct kf_db *db);
	bool (*in_tx)(struct kf_db *db);
	enum kf_err (*exec_script)(struct kf_db *db, const char *sql, struct kf_error *err);
	enum kf_err (*sync)(struct kf_db *db);
	enum kf_err (*backup)(struct kf_db *db, const char *dest, int64_t *bytes, struct kf_error *err);
};

struct kf_db {
	const struct kf_engine *engine;
	int fail_after;   /* kf_db_fail_after */
	bool failed;      /* the last step failed because of fail_after */
	int64_t audit_id; /* the audit head appended in the open transaction (0: none) */
	char audit_mac[65];
};

struct kf_stmt {
	struct kf_db *db;
};

extern const struct kf_engine kf_engine_sqlite;
extern const struct kf_engine kf_engine_pg;

#endif
