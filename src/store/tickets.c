/* SPDX-License-Identifier: Apache-2.0 */
/* SQL of the component verify tickets (see tickets.h). */
#include "store/tickets.h"

#include <stdio.h>
#include <stdlib.h>

#include "store/db.h"
#include "util/mem.h"

enum kf_err kf_store_ticket_insert(struct kf_db *db, int64_t app, const char *hash, int64_t now, int keep)
{
	struct kf_stmt *st = kf_db_prepare(db, "INSERT INTO verify_tickets (app, ticket_hash, created_at) VALUES (?, ?, ?)");
	if (!st)
		return KF_EDB;
	kf_stmt_bind_int(st, 1, app);
	kf_stmt_bind_text(st, 2, hash);
	kf_stmt_bind_int(st, 3, now);
	if (kf_stmt_exec(st) != KF_OK)
		return KF_EDB;
	st = kf_db_prepare(db, "DELETE FROM verify_tickets WHERE app = ? AND id NOT IN"
			       " (SELECT id FROM verify_tickets WHERE app = ? ORDER BY id DESC LIMIT ?)");
	if (!st)
		return KF_EDB;
	kf_stmt_bind_int(st, 1, app);
	kf_stmt_bind_int(st, 2, app);
	kf_stmt_bind_int(st, 3, keep);
	return kf_stmt_exec(st) == KF_OK ? KF_OK : KF_EDB;
}

enum kf_err kf_store_tickets_newest(struct kf_db *db, int64_t app, struct kf_ticket_row *out, size_t max, size_t *n)
{
	*n = 0;
	struct kf_stmt *st = kf_db_prepare(db, "SELECT ticket_hash, created_at FROM verify_tickets WHERE app = ?"
					       " ORDER BY id DESC LIMIT ?");
	if (!st)
		return KF_EDB;
	kf_stmt_bind_int(st, 1, app);
	kf_stmt_bind_int(st, 2, (int64_t)max);
	enum kf_step s = KF_STEP_DONE;
	while (*n < max && (s = kf_stmt_step(st)) == KF_STEP_ROW) {
		const char *h = kf_stmt_text(st, 0);
		snprintf(out[*n].hash, sizeof(out[*n].hash), "%s", h ? h : "");
		out[*n].created_at = kf_stmt_int(st, 1);
		(*n)++;
	}
	kf_stmt_done(st);
	return s == KF_STEP_ERROR ? KF_EDB : KF_OK;
}

enum kf_err kf_store_ticket_newest_at(struct kf_db *db, int64_t app, int64_t *created)
{
	struct kf_stmt *st = kf_db_prepare(db, "SELECT COALESCE(MAX(created_at), -1) FROM verify_tickets WHERE app = ?");
	if (!st)
		return KF_EDB;
	kf_stmt_bind_int(st, 1, app);
	enum kf_step s = kf_stmt_step(st);
	if (s == KF_STEP_ROW)
		*created = kf_stmt_int(st, 0);
	kf_stmt_done(st);
	return s == KF_STEP_ROW ? KF_OK : KF_EDB;
}

enum kf_err kf_store_tickets_due(struct kf_db *db, int64_t after, int64_t threshold, struct kf_ticket_due_row *out,
				 size_t max, size_t *n)
{
	*n = 0;
	struct kf_stmt *st = kf_db_prepare(
		db, "SELECT a.id, a.app_id, c.config FROM apps a JOIN app_configs c ON c.id = a.live_config_id"
		    " WHERE a.id > ? AND a.deleted_at IS NULL AND a.state IN (?, ?, ?, ?)"
		    " AND COALESCE((SELECT MAX(t.created_at) FROM verify_tickets t WHERE t.app = a.id), -1) <= ?"
		    " ORDER BY a.id LIMIT ?");
	if (!st)
		return KF_EDB;
	kf_stmt_bind_int(st, 1, after);
	kf_stmt_bind_text(st, 2, "developing");
	kf_stmt_bind_text(st, 3, "release_review");
	kf_stmt_bind_text(st, 4, "released");
	kf_stmt_bind_text(st, 5, "withdrawn"); /* not suspended: AUTH-5 stops its pushes */
	kf_stmt_bind_int(st, 6, threshold);
	kf_stmt_bind_int(st, 7, (int64_t)max);
	enum kf_step s = KF_STEP_DONE;
	while (*n < max && (s = kf_stmt_step(st)) == KF_STEP_ROW) {
		out[*n].id = kf_stmt_int(st, 0);
		snprintf(out[*n].app_id, sizeof(out[*n].app_id), "%s", kf_stmt_text(st, 1));
		const char *cfg = kf_stmt_text(st, 2);
		out[*n].config = kf_xstrdup(cfg ? cfg : "");
		(*n)++;
	}
	kf_stmt_done(st);
	return s == KF_STEP_ERROR ? KF_EDB : KF_OK;
}

void kf_store_ticket_due_clear(struct kf_ticket_due_row *rows, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(rows[i].config);
		rows[i].config = NULL;
	}
}
