/* SPDX-License-Identifier: Apache-2.0 */
/* SQL of the inbox and the mail outbox (see notices.h). */
#include "store/notices.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/db.h"
#include "util/mem.h"

enum kf_err kf_store_notification_insert(struct kf_db *db, int64_t user_id, int64_t org_id, const char *app_id,
					 const char *kind, const char *title, const char *body, int64_t now)
{
	struct kf_stmt *st = kf_db_prepare(db, "INSERT INTO notifications (user_id, org_id, kind, title, body, created_at,"
					       " app_id) VALUES (?, ?, ?, ?, ?, ?, ?)");
	if (!st)
		return KF_EDB;
	kf_stmt_bind_int(st, 1, user_id);
	if (org_id)
		kf_stmt_bind_int(st, 2, org_id);
	else
		kf_stmt_bind_null(st, 2);
	kf_stmt_bind_text(st, 3, kind);
	kf_stmt_bind_text(st, 4, title);
	kf_stmt_bind_text(st, 5, body);
	kf_stmt_bind_int(st, 6, now);
	if (app_id)
		kf_stmt_bind_text(st, 7, app_id);
	else
		kf_stmt_bind_null(st, 7);
	return kf_stmt_exec(st) == KF_OK ? KF_OK : KF_EDB;
}

enum kf_err kf_store_notice_recipient(struct kf_db *db, int64_t user_id, char *to, size_t len, char lang[4])
{
	snprintf(lang, 4, "en");
	struct kf_stmt *st = kf_db_prepare(db, "SELECT email, language FROM users WHERE id = ? AND status = 'active'");
	if (!st)
		return KF_EDB;
	kf_stmt_bind_int(st, 1, user_id);
	enum kf_step s = kf_stmt_step(st);
	bool fits = true;
	if (s == KF_STEP_ROW) {
		const char *email = kf_stmt_text(st, 0);
		fits = email && strlen(email) < len;
		snprintf(to, len, "%s", fits ? email : "");
		const char *l = kf_stmt_text(st, 1);
		if (l && !strcmp(l, "zh"))
			snprintf(lang, 4, "zh");
	}
	kf_stmt_done(st);
	if (!fits)
		return KF_EDB; /* never a cut address */
	return s == KF_STEP_ROW ? KF_OK : s == KF_STEP_DONE ? KF_ENOTFOUND : KF_EDB;
}

enum kf_err kf_store_org_member_ids(struct kf_db *db, int64_t org_id, int64_t *ids, size_t max, size_t *n)
{
	*n = 0;
	struct kf_stmt *st = kf_db_prepare(db, "SELECT user_id FROM memberships WHERE org_id = ? ORDER BY user_id");
	if (!st)
		return KF_EDB;
	kf_stmt_bind_int(st, 1, org_id);
	enum kf_step s = KF_STEP_DONE;
	while (*n < max && (s = kf_stmt_step(st)) == KF_STEP_ROW)
		ids[(*n)++] = kf_stmt_int(st, 0);
	kf_stmt_done(st);
	return s == KF_STEP_ERROR ? KF_EDB : KF_OK;
}

enum kf_err kf_store_inbox_page(struct kf_db *db, struct kf_arena *a, int64_t user_id, int64_t after, int limit,
				struct kf_notification_row **out, size_t *n)
{
	*out = NULL;
	*n = 0;
	if (limit < 1)
		return KF_OK;
	struct kf_stmt *st = kf_db_prepare(db,
		"SELECT id, org_id, kind, title, body, created_at, read_at, app_id FROM notifications"
		" WHERE user_id = ? AND (? = 0 OR id < ?) ORDER BY id DESC LIMIT ?");
	if (!st)
		return KF_EDB;
	kf_stmt_bind_int(st, 1, user_id);
	kf_stmt_bind_int(st, 2, after);
	kf_stmt_bind_int(st, 3, after);
	kf_stmt_bind_int(st, 4, limit);
	struct kf_notification_row *v = kf_arena_alloc(a, (size_t)limit * sizeof(*v));
	size_t cnt = 0;
	enum kf_step s;
	while ((s = kf_stmt_step(st)) == KF_STEP_ROW && cnt < (size_t)limit) {
		v[cnt] = (struct kf_notification_row){
			.id = kf_stmt_int(st, 0),
			.org_id = kf_stmt_is_null(st, 1) ? 0 : kf_stmt_int(st, 1),
			.kind = kf_arena_strdup(a, kf_stmt_text(st, 2)),
			.title = kf_arena_strdup(a, kf_stmt_text(st, 3)),
			.body = kf_arena_strdup(a, kf_stmt_text(st, 4)),
			.created_at = kf_stmt_int(st, 5),
			.read = !kf_stmt_is_null(st, 6),
			.read_at = kf_stmt_is_null(st, 6) ? 0 : kf_stmt_int(st, 6),
			.app_id = kf_stmt_is_null(st, 7) ? NULL : kf_arena_strdup(a, kf_stmt_text(st, 7)),
		};
		cnt++;
	}
	kf_stmt_done(st);
	if (s == KF_STEP_ERROR)
		return KF_EDB;
	*out = v;
	*n = cnt;
	return KF_OK;
}

enum kf_err kf_store_inbox_mark_read(struct kf_db *db, int64_t user_id, int64_t id, int64_t now)
{
	struct kf_stmt *st = kf_db_prepare(db,
		"UPDATE notifications SET read_at = COALESCE(read_at, ?) WHERE id = ? AND user_id = ?");
	if (!st)
		return KF_EDB;
	kf_stmt_bind_int(st, 1, now);
	kf_stmt_bind_int(st, 2, id);
	kf_stmt_bind_int(st, 3, user_id);
	if (kf_stmt_exec(st) != KF_OK)
		return KF_EDB;
	return kf_db_changes(db) ? KF_OK : KF_ENOTFOUND;
}

enum kf_err kf_store_mail_insert(struct kf_db *db, const char *to, const char *subject, const char *body, int64_t now)
{
	struct kf_stmt *st = kf_db_prepare(
		db, "INSERT INTO emails (to_addr, subject, body, next_attempt_at, created_at) VALUES (?, ?, ?, ?, ?)");
	if (!st)
		return KF_EDB;
	kf_stmt_bind_text(st, 1, to);
	kf_stmt_bind_text(st, 2, subject);
	kf_stmt_bind_text(st, 3, body);
	kf_stmt_bind_int(st, 4, now);
	kf_stmt_bind_int(st, 5, now);
	return kf_stmt_exec(st) == KF_OK ? KF_OK : KF_EDB;
}

enum kf_err kf_store_mail_due(struct kf_db *db, int64_t now, struct kf_mail_row *out, size_t max, size_t *n)
{
	*n = 0;
	struct kf_stmt *st = kf_db_prepare(
		db, "SELECT id, to_addr, subject, body, attempts FROM emails WHERE state = 'pending'"
		    " AND next_attempt_at <= ? ORDER BY next_attempt_at, id LIMIT ?");
	if (!st)
		return KF_EDB;
	kf_stmt_bind_int(st, 1, now);
	kf_stmt_bind_int(st, 2, (int64_t)max);
	enum kf_step s = KF_STEP_DONE;
	while (*n < max && (s = kf_stmt_step(st)) == KF_STEP_ROW) {
		out[*n] = (struct kf_mail_row){
			.id = kf_stmt_int(st, 0),
			.to = kf_xstrdup(kf_stmt_text(st, 1)),
			.subject = kf_xstrdup(kf_stmt_text(st, 2)),
			.body = kf_xstrdup(kf_stmt_text(st, 3)),
			.attempts = kf_stmt_int(st, 4),
		};
		(*n)++;
	}
	kf_stmt_done(st);
	if (s == KF_STEP_ERROR)
		return KF_EDB;
	/* a mail leaves the process: its row must be durable first (under
	 * group commit a reader can see a commit one sync before it is) */
	return *n && kf_db_sync(db) != KF_OK ? KF_EDB : KF_OK;
}

void kf_store_mail_rows_clear(struct kf_mail_row *rows, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(rows[i].to);
		free(rows[i].subject);
		free(rows[i].body);
		rows[i].to = rows[i].subject = rows[i].body = NULL;
	}
}

enum kf_err kf_store_mail_sent(struct kf_db *db, int64_t id, int64_t attempts, int64_t now)
{
	struct kf_stmt *st = kf_db_prepare(db, "UPDATE emails SET state = 'sent', sent_at = ?, attempts = ? WHERE id = ?");
	if (!st)
		return KF_EDB;
	kf_stmt_bind_int(st, 1, now);
	kf_stmt_bind_int(st, 2, attempts);
	kf_stmt_bind_int(st, 3, id);
	return kf_stmt_exec(st) == KF_OK ? KF_OK : KF_EDB;
}

enum kf_err kf_store_mail_failed(struct kf_db *db, int64_t id, int64_t attempts, int64_t next_attempt_at,
				 const char *error)
{
	struct kf_stmt *st = kf_db_prepare(db, "UPDATE emails SET state = CASE WHEN CAST(? AS BIGINT) >= 10 THEN 'dead'"
					       " ELSE 'pending' END, attempts = ?, next_attempt_at = ?, last_error = ?"
					       " WHERE id = ?");
	if (!st)
		return KF_EDB;
	kf_stmt_bind_int(st, 1, attempts);
	kf_stmt_bind_int(st, 2, attempts);
	kf_stmt_bind_int(st, 3, next_attempt_at);
	kf_stmt_bind_text(st, 4, error);
	kf_stmt_bind_int(st, 5, id);
	return kf_stmt_exec(st) == KF_OK ? KF_OK : KF_EDB;
}
