/* SPDX-License-Identifier: Apache-2.0 */
/* Numbered schema migrations, embedded at build time; the applied version is
 * recorded in schema_version. */
#ifndef KF_STORE_MIGRATE_H
#define KF_STORE_MIGRATE_H

#include <stddef.h>
#include <stdint.h>

#include "core/err.h"

struct kf_db;

struct kf_migration {
	int version;
	const char *name;
	const char *sql;
};

/* One table per engine (src/store/migrations/<engine>/NNN_name.sql): the
 * same versions, each written in its engine's dialect. */
extern const struct kf_migration kf_migrations_sqlite[];
extern const size_t kf_migrations_sqlite_count;
extern const struct kf_migration kf_migrations_pg[];
extern const size_t kf_migrations_pg_count;
/* The migrations of db's engine; *n receives how many. */
const struct kf_migration *kf_migrations_of(const struct kf_db *db, size_t *n);

/* Apply every migration newer than the recorded version, each in its own
 * transaction. *applied (may be NULL) receives how many ran. */
enum kf_err kf_migrate(struct kf_db *db, int64_t now, int *applied, struct kf_error *err) KF_MUST_CHECK;
/* Current recorded schema version (0 for an empty database). */
int kf_schema_version(struct kf_db *db);

#endif
