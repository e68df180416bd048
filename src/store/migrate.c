/* SPDX-License-Identifier: Apache-2.0 */
/* Applies the embedded migrations in order; each one and its version row
 * commit together, so a crash never leaves a half-applied schema. */
#include "store/migrate.h"

#include <string.h>

#include "store/db.h"

static enum kf_err ensure_table(struct kf_db *db, struct kf_error *err)
{
	return kf_db_exec_script(db,
				 "CREATE TABLE IF NOT EXISTS schema_version ("
				 " version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)",
				 err);
}

const struct kf_migration *kf_migrations_of(const struct kf_db *db, size_t *n)
{
	if (!strcmp(kf_db_engine_name(db), "postgresql")) {
		*n = kf_migrations_pg_count;
		return kf_migrations_pg;
	}
	*n = kf_migrations_sqlite_count;
	return kf_migrations_sqlite;
}

/* The recorded version; the table exists. */
static int read_version(struct kf_db *db)
{
	struct kf_stmt *st = kf_db_prepare(db, "SELECT COALESCE(MAX(version), 0) FROM schema_version");
	if (!st)
		return -1;
	int v = kf_stmt_step(st) == KF_STEP_ROW ? (int)kf_stmt_int(st, 0) : -1;
	kf_stmt_done(st);
	return v;
}

int kf_schema_version(struct kf_db *db)
{
	struct kf_error err;
	return ensure_table(db, &err) == KF_OK ? read_version(db) : -1;
}

enum kf_err kf_migrate(struct kf_db *db, int64_t now, int *applied, struct kf_error *err)
{
	int n = 0;
	if (applied)
		*applied = 0;
	/* the version table is made in a write transaction too: processes
	 * starting at once on an empty PostgreSQL database would otherwise
	 * race on CREATE TABLE IF NOT EXISTS */
	if (kf_db_begin(db) != KF_OK)
		return kf_error_set(err, KF_EDB, "migrate_failed", NULL, NULL, "cannot begin");
	int seen = kf_schema_version(db);
	if (seen < 0 || kf_db_commit(db) != KF_OK) {
		kf_db_rollback(db);
		return kf_error_set(err, KF_EDB, "migrate_failed", NULL, NULL, "cannot read schema version");
	}
	size_t count;
	const struct kf_migration *all = kf_migrations_of(db, &count);
	for (size_t i = 0; i < count; i++) {
		const struct kf_migration *m = &all[i];
		if (m->version <= seen)
			continue; /* applied before this start: no transaction needed */
		if (kf_db_begin(db) != KF_OK)
			return kf_error_set(err, KF_EDB, "migrate_failed", NULL, NULL, "cannot begin");
		/* read inside the write transaction: another process starting at
		 * the same time may have applied it while this one waited */
		int current = read_version(db);
		if (current < 0 || m->version <= current) {
			kf_db_rollback(db);
			if (current < 0)
				return kf_error_set(err, KF_EDB, "migrate_failed", NULL, NULL,
						    "cannot read schema version");
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
