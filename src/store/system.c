/* SPDX-License-Identifier: Apache-2.0 */
/* SQL of settings and the readiness probe (see system.h). */
#include "store/system.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "store/db.h"
#include "util/mem.h"

enum kf_err kf_store_setting_ensure(struct kf_db *db, const char *key, const char *value, char *out, size_t len)
{
	struct kf_stmt *st = kf_db_prepare(db, "INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO NOTHING");
	if (!st)
		return KF_EDB;
	kf_stmt_bind_text(st, 1, key);
	kf_stmt_bind_text(st, 2, value);
	if (kf_stmt_exec(st) != KF_OK)
		return KF_EDB;
	st = kf_db_prepare(db, "SELECT value FROM settings WHERE key = ?");
	if (!st)
		return KF_EDB;
	kf_stmt_bind_text(st, 1, key);
	enum kf_err rc = KF_EDB;
	if (kf_stmt_step(st) == KF_STEP_ROW) {
		const char *v = kf_stmt_text(st, 0);
		if (v && strlen(v) < len) {
			snprintf(out, len, "%s", v);
			rc = KF_OK;
		}
	}
	kf_stmt_done(st);
	return rc;
}

enum kf_err kf_store_ping(struct kf_db *db)
{
	struct kf_stmt *st = kf_db_prepare(db, "SELECT 1");
	bool ok = st && kf_stmt_step(st) == KF_STEP_ROW;
	kf_stmt_done(st);
	return ok ? KF_OK : KF_EDB;
}

enum kf_err kf_store_system_queues(struct kf_db *db, int64_t now, struct kf_system_queues *out)
{
	*out = (struct kf_system_queues){0};
	struct kf_stmt *st = kf_db_prepare(db, "SELECT COUNT(*), COALESCE(MIN(requested_at), CAST(? AS BIGINT))"
					       " FROM url_checks WHERE state = 'pending'");
	if (!st)
		return KF_EDB;
	kf_stmt_bind_int(st, 1, now);
	enum kf_step s = kf_stmt_step(st);
	if (s == KF_STEP_ROW) {
		out->url_checks_pending = kf_stmt_int(st, 0);
		out->url_checks_oldest_age = now - kf_stmt_int(st, 1);
	}
	kf_stmt_done(st);
	if (s != KF_STEP_ROW)
		return KF_EDB;
	st = kf_db_prepare(db, "SELECT COUNT(CASE WHEN state = 'pending' THEN 1 END),"
			       " COUNT(CASE WHEN state = 'dead' THEN 1 END),"
			       " COALESCE(MIN(CASE WHEN state = 'pending' THEN created_at END), CAST(? AS BIGINT))"
			       " FROM emails WHERE state <> 'sent'");
	if (!st)
		return KF_EDB;
	kf_stmt_bind_int(st, 1, now);
	s = kf_stmt_step(st);
	if (s == KF_STEP_ROW) {
		out->mail_pending = kf_stmt_int(st, 0);
		out->mail_dead = kf_stmt_int(st, 1);
		out->mail_oldest_age = now - kf_stmt_int(st, 2);
	}
	kf_stmt_done(st);
	if (out->url_checks_oldest_age < 0)
		out->url_checks_oldest_age = 0;
	if (out->mail_oldest_age < 0)
		out->mail_oldest_age = 0;
	return s == KF_STEP_ROW ? KF_OK : KF_EDB;
}

enum kf_err kf_store_migrations_applied(struct kf_db *db, struct kf_arena *a, struct kf_migration_row **out, size_t *n)
{
	*out = NULL;
	*n = 0;
	struct kf_stmt *st =
		kf_db_prepare(db, "SELECT version, name, applied_at FROM schema_version ORDER BY version LIMIT ?");
	if (!st)
		return KF_EDB;
	kf_stmt_bind_int(st, 1, KF_MIGRATIONS_MAX);
	size_t cap = 32;
	struct kf_migration_row *rows = kf_arena_alloc(a, cap * sizeof(*rows));
	enum kf_step s;
	while ((s = kf_stmt_step(st)) == KF_STEP_ROW) {
		if (*n == cap) {
			struct kf_migration_row *bigger = kf_arena_alloc(a, 2 * cap * sizeof(*rows));
			memcpy(bigger, rows, cap * sizeof(*rows));
			rows = bigger;
			cap *= 2;
		}
		struct kf_migration_row *row = &rows[(*n)++];
		row->version = kf_stmt_int(st, 0);
		row->name = kf_arena_strdup(a, kf_stmt_text(st, 1));
		row->applied_at = kf_stmt_int(st, 2);
	}
	kf_stmt_done(st);
	if (s == KF_STEP_ERROR)
		return KF_EDB;
	*out = rows;
	return KF_OK;
}
