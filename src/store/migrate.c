/* SPDX-License-Identifier: Apache-2.0 */
/* Applies the embedded migrations in order; each one and its version row
 * commit together, so a crash never leaves a half-applied schema. */
#include "store/migrate.h"

#include <stdbool.h>

#include "store/db.h"

static enum kf_err ensure_table(struct kf_db *db, struct kf_error *err)
{
	return kf_db_exec_script(db,
				 "CREATE TABLE IF NOT EXISTS schema_version ("
				 " version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)",
				 err);
}

int kf_schema_version(struct kf_db *db)
{
	struct kf_error err;
	if (ensure_table(db, &err) != KF_OK)
		return -1;
	struct kf_stmt *st = kf_db_prepare(db, "SELECT COALESCE(MAX(version), 0) FROM schema_version");
	if (!st)
		return -1;
	int v = kf_stmt_step(st) == KF_STEP_ROW ? (int)kf_stmt_int(st, 0) : -1;
	kf_stmt_done(st);
	return v;
}

enum kf_err kf_migrate(struct kf_db *db, int64_t now, int *applied, struct kf_error *err)
{
	int n = 0;
	if (applied)
		*applied = 0;
	int current = kf_schema_version(db);
	if (current < 0)
		return kf_error_set(err, KF_EDB, "migrate_failed", NULL, NULL, "cannot read schema version");
	for (size_t i = 0; i < kf_n_migrations; i++) {
		const struct kf_migration *m = &kf_migrations[i];
		if (m->version <= current)
			continue;
		if (kf_db_begin(db) != KF_OK)
			return kf_error_set(err, KF_EDB, "migrate_failed", NULL, NULL, "cannot begin");
		/* Several kaifangd started at once on one database all read the
		 * old version; the write transaction lets one apply each step, and
		 * the others find it recorded here and go on. */
		bool done = false;
		struct kf_stmt *chk = kf_db_prepare(db, "SELECT 1 FROM schema_version WHERE version = ?");
		if (chk)
			kf_stmt_bind_int(chk, 1, m->version);
		if (kf_stmt_exists(chk, &done) != KF_OK) {
			kf_db_rollback(db);
			return kf_error_set(err, KF_EDB, "migrate_failed", NULL, NULL, "cannot read schema version");
		}
		if (done) {
			kf_db_rollback(db);
			continue;
		}
		struct kf_error e2 = {0};
		if (kf_db_exec_script(db, m->sql, &e2) != KF_OK) {
			kf_db_rollback(db);
			return kf_error_set(err, KF_EDB, "migrate_failed", NULL, NULL, "migration %s: %s",
					    m->name, e2.msg);
		}
		struct kf_stmt *st = kf_db_prepare(
			db, "INSERT INTO schema_version (version, name, applied_at) VALUES (?, ?, ?)");
		if (!st) {
			kf_db_rollback(db);
			return KF_EDB;
		}
		kf_stmt_bind_int(st, 1, m->version);
		kf_stmt_bind_text(st, 2, m->name);
		kf_stmt_bind_int(st, 3, now);
		if (kf_stmt_exec(st) != KF_OK || kf_db_commit(db) != KF_OK) {
			kf_db_rollback(db);
			return kf_error_set(err, KF_EDB, "migrate_failed", NULL, NULL,
					    "cannot record migration %s", m->name);
		}
		n++;
	}
	if (applied)
		*applied = n;
	return KF_OK;
}
