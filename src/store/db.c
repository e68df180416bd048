/* SPDX-License-Identifier: Apache-2.0 */
/* db.h over the two engines: picks the engine from the target, forwards the
 * calls, and holds what both share (store/engine.h). */
#include "store/db.h"

#include <jansson.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/engine.h"
#include "util/mem.h"

static void (*audit_committed)(struct kf_db *db, int64_t id, const char *mac);

void kf_db_on_audit_commit(void (*fn)(struct kf_db *db, int64_t id, const char *mac))
{
	audit_committed = fn;
}

bool kf_db_target_is_pg(const char *target)
{
	return target && (!strncmp(target, "postgresql://", 13) || !strncmp(target, "postgres://", 11));
}

enum kf_err kf_db_open(const char *target, struct kf_db **out, struct kf_error *err)
{
	const struct kf_engine *e = kf_db_target_is_pg(target) ? &kf_engine_pg : &kf_engine_sqlite;
	enum kf_err rc = e->open(target, out, err);
	if (rc == KF_OK)
		(*out)->engine = e;
	return rc;
}

void kf_db_close(struct kf_db *db)
{
	if (db)
		db->engine->close(db);
}

const char *kf_db_engine_name(const struct kf_db *db)
{
	return db->engine->name;
}

const char *kf_db_dialect(const struct kf_db *db, const char *sqlite, const char *pg)
{
	return db->engine == &kf_engine_pg ? pg : sqlite;
}

struct kf_stmt *kf_db_prepare(struct kf_db *db, const char *sql)
{
	return db->engine->prepare(db, sql);
}

void kf_stmt_done(struct kf_stmt *st)
{
	if (st)
		st->db->engine->reset(st);
}

void kf_stmt_bind_text(struct kf_stmt *st, int idx, const char *s)
{
	st->db->engine->bind_text(st, idx, s);
}

void kf_stmt_bind_blob(struct kf_stmt *st, int idx, const void *p, size_t n)
{
	st->db->engine->bind_blob(st, idx, p, n);
}

void kf_stmt_bind_int(struct kf_stmt *st, int idx, int64_t v)
{
	st->db->engine->bind_int(st, idx, v);
}

void kf_stmt_bind_null(struct kf_stmt *st, int idx)
{
	st->db->engine->bind_null(st, idx);
}

enum kf_step kf_stmt_step(struct kf_stmt *st)
{
	struct kf_db *db = st->db;
	db->failed = false;
	if (db->fail_after > 0 && --db->fail_after == 0) {
		db->failed = true;
		return KF_STEP_ERROR;
	}
	return (enum kf_step)db->engine->step(st);
}

const char *kf_stmt_text(struct kf_stmt *st, int col)
{
	return st->db->engine->text(st, col);
}

int64_t kf_stmt_int(struct kf_stmt *st, int col)
{
	return st->db->engine->integer(st, col);
}

bool kf_stmt_is_null(struct kf_stmt *st, int col)
{
	return st->db->engine->column_type(st, col) == KF_COL_NULL;
}

size_t kf_stmt_bytes(struct kf_stmt *st, int col)
{
	return st->db->engine->bytes(st, col);
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

json_t *kf_stmt_row_json(struct kf_stmt *st)
{
	const struct kf_engine *e = st->db->engine;
	json_t *o = json_object();
	int n = e->columns(st);
	for (int i = 0; i < n; i++) {
		const char *name = e->column_name(st, i);
		switch (e->column_type(st, i)) {
		case KF_COL_INT:
			json_object_set_new(o, name, json_integer(e->integer(st, i)));
			break;
		case KF_COL_NULL:
			json_object_set_new(o, name, json_null());
			break;
		case KF_COL_REAL:
			json_object_set_new(o, name, json_real(e->real(st, i)));
			break;
		case KF_COL_TEXT:
			json_object_set_new(o, name, json_string(e->text(st, i)));
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
	return !db->failed && db->engine->is_constraint_error(db);
}

const char *kf_db_errmsg(struct kf_db *db)
{
	return db->failed ? "failure injected by the tests" : db->engine->errmsg(db);
}

int64_t kf_db_last_id(struct kf_db *db)
{
	return db->engine->last_id(db);
}

int kf_db_changes(struct kf_db *db)
{
	return db->engine->changes(db);
}

enum kf_err kf_db_begin(struct kf_db *db)
{
	return db->engine->begin(db);
}

enum kf_err kf_db_commit(struct kf_db *db)
{
	if (db->engine->commit(db) != KF_OK) {
		kf_db_rollback(db);
		return KF_EDB;
	}
	/* the anchor outside the database names only a committed row */
	if (db->audit_id) {
		int64_t id = db->audit_id;
		db->audit_id = 0;
		if (audit_committed)
			audit_committed(db, id, db->audit_mac);
	}
	return KF_OK;
}

void kf_db_rollback(struct kf_db *db)
{
	db->audit_id = 0;
	db->engine->rollback(db); /* each engine checks whether a transaction is open */
}

enum kf_err kf_db_sync(struct kf_db *db)
{
	return db->engine->sync(db);
}

void kf_db_audit_pending(struct kf_db *db, int64_t id, const char *mac)
{
	db->audit_id = id;
	snprintf(db->audit_mac, sizeof(db->audit_mac), "%s", mac);
}

bool kf_db_in_tx(struct kf_db *db)
{
	return db->engine->in_tx(db);
}

enum kf_err kf_db_exec_script(struct kf_db *db, const char *sql, struct kf_error *err)
{
	return db->engine->exec_script(db, sql, err);
}

enum kf_err kf_db_backup(struct kf_db *db, const char *dest, int64_t *bytes, struct kf_error *err)
{
	return db->engine->backup(db, dest, bytes, err);
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

enum kf_err kf_dbpool_new(const char *target, int size, struct kf_dbpool **out, struct kf_error *err)
{
	struct kf_dbpool *p = kf_xcalloc(1, sizeof(*p));
	pthread_mutex_init(&p->mu, NULL);
	pthread_cond_init(&p->cv, NULL);
	p->free_list = kf_xcalloc((size_t)size, sizeof(struct kf_db *));
	p->size = size;
	for (int i = 0; i < size; i++) {
		struct kf_db *db;
		if (kf_db_open(target, &db, err) != KF_OK) {
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
