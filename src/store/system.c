/* SPDX-License-Identifier: Apache-2.0 */
/* SQL of settings and the readiness probe (see system.h). */
#include "store/system.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "store/db.h"

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
