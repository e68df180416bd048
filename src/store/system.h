/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Process-wide state kept in the database: the settings table (key/value
 * text shared by every process on the database, such as the server key)
 * and the readiness probe.
 */
#ifndef KF_STORE_SYSTEM_H
#define KF_STORE_SYSTEM_H

#include <stddef.h>
#include <stdint.h>

#include "core/err.h"

struct kf_db;

/* The value of setting key into out[len], storing value first when the
 * key has none (the first writer wins, also across processes). KF_EDB,
 * also when the stored value does not fit out. */
enum kf_err kf_store_setting_ensure(struct kf_db *db, const char *key, const char *value, char *out,
				    size_t len) KF_MUST_CHECK;

/* Does the database answer a trivial query? KF_OK or KF_EDB. */
enum kf_err kf_store_ping(struct kf_db *db) KF_MUST_CHECK;

/* The work queues besides the push outbox (whose figures are
 * kf_store_outbox_stats): the listing URLs waiting to be opened and the
 * mail outbox. /metrics and GET /v1/system both read them here. */
struct kf_system_queues {
	int64_t url_checks_pending;    /* url_checks in state pending */
	int64_t url_checks_oldest_age; /* seconds the oldest of them waits (0: none) */
	int64_t mail_pending;          /* emails not sent yet (retries included) */
	int64_t mail_dead;             /* emails given up on */
	int64_t mail_oldest_age;       /* seconds the oldest pending email waits (0: none) */
};
enum kf_err kf_store_system_queues(struct kf_db *db, int64_t now, struct kf_system_queues *out) KF_MUST_CHECK;

/* The applied migrations, oldest first (strings in arena a). KF_EDB. */
struct kf_arena;
struct kf_migration_row {
	int64_t version, applied_at;
	const char *name;
};
#define KF_MIGRATIONS_MAX 1000
enum kf_err kf_store_migrations_applied(struct kf_db *db, struct kf_arena *a, struct kf_migration_row **out,
					size_t *n) KF_MUST_CHECK;

#endif
