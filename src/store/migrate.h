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

extern const struct kf_migration kf_migrations[];
extern const size_t kf_n_migrations;

/* Apply every migration newer than the recorded version, each in its own
 * transaction. *applied (may be NULL) receives how many ran. */
enum kf_err kf_migrate(struct kf_db *db, int64_t now, int *applied, struct kf_error *err) KF_MUST_CHECK;
/* Current recorded schema version (0 for an empty database). */
int kf_schema_version(struct kf_db *db);

#endif
