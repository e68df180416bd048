/* SPDX-License-Identifier: Apache-2.0 */
/* SQL of announcements and of the notice to every account (see announcements.h). */
#include "store/announcements.h"

#include <string.h>

#include "store/db.h"
#include "util/mem.h"

enum kf_err kf_store_announcement_insert(struct kf_db *db, const struct kf_announcement_row *a, int64_t by,
					 int64_t now, int64_t *id)
{
	struct kf_stmt *st = kf_db_prepare(
		db, "INSERT INTO announcements (kind, title_zh, title_en, body_zh, body_en, agreement_key,"
		    " agreement_version, published_at, ends_at, published_by, created_at)"
		    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
	if (!st)
		return KF_EDB;
	kf_stmt_bind_text(st, 1, a->agreement_key ? "agreement" : "general");
	kf_stmt_bind_text(st, 2, a->title_zh);
	kf_stmt_bind_text(st, 3, a->title_en);
	kf_stmt_bind_text(st, 4, a->body_zh ? a->body_zh : "");
	kf_stmt_bind_text(st, 5, a->body_en ? a->body_en : "");
	if (a->agreement_key) {
		kf_stmt_bind_text(st, 6, a->agreement_key);
		kf_stmt_bind_int(st, 7, a->agreement_version);
	} else {
		kf_stmt_bind_null(st, 6);
		kf_stmt_bind_null(st, 7);
	}
	kf_stmt_bind_int(st, 8, a->published_at ? a->published_at : now);
	if (a->ends_at)
		kf_stmt_bind_int(st, 9, a->ends_at);
	else
		kf_stmt_bind_null(st, 9);
	if (by)
		kf_stmt_bind_int(st, 10, by);
	else
		kf_stmt_bind_null(st, 10);
	kf_stmt_bind_int(st, 11, now);
	if (kf_stmt_exec(st) != KF_OK)
		return kf_db_is_constraint_error(db) ? KF_ECONFLICT : KF_EDB;
	*id = kf_db_last_id(db);
	return KF_OK;
}

enum kf_err kf_store_announcement_withdraw(struct kf_db *db, int64_t id, int64_t now)
{
	struct kf_stmt *st =
		kf_db_prepare(db, "UPDATE announcements SET withdrawn_at = ? WHERE id = ? AND withdrawn_at IS NULL");
	if (!st)
		return KF_EDB;
	kf_stmt_bind_int(st, 1, now);
	kf_stmt_bind_int(st, 2, id);
	if (kf_stmt_exec(st) != KF_OK)
		return KF_EDB;
	return kf_db_changes(db) == 1 ? KF_OK : KF_ENOTFOUND;
}

enum kf_err kf_store_announcements_list(struct kf_db *db, struct kf_arena *a, int64_t now, int all, size_t max,
					struct kf_announcement_row **out, size_t *n)
{
	*out = NULL;
	*n = 0;
	struct kf_stmt *st = kf_db_prepare(
		db, "SELECT id, kind, title_zh, title_en, body_zh, body_en, agreement_key,"
		    " COALESCE(agreement_version, 0), published_at, COALESCE(ends_at, 0), COALESCE(withdrawn_at, 0)"
		    " FROM announcements WHERE ? = 1 OR (published_at <= ? AND withdrawn_at IS NULL"
		    " AND (ends_at IS NULL OR ends_at > ?)) ORDER BY published_at DESC, id DESC LIMIT ?");
	if (!st)
		return KF_EDB;
	kf_stmt_bind_int(st, 1, all ? 1 : 0);
	kf_stmt_bind_int(st, 2, now);
	kf_stmt_bind_int(st, 3, now);
	kf_stmt_bind_int(st, 4, (int64_t)max);
	struct kf_announcement_row *v = kf_arena_alloc(a, (max ? max : 1) * sizeof(*v));
	size_t cnt = 0;
	enum kf_step s;
	while ((s = kf_stmt_step(st)) == KF_STEP_ROW && cnt < max) {
		const char *key = kf_stmt_text(st, 6);
		v[cnt++] = (struct kf_announcement_row){
			.id = kf_stmt_int(st, 0),
			.kind = kf_arena_strdup(a, kf_stmt_text(st, 1)),
			.title_zh = kf_arena_strdup(a, kf_stmt_text(st, 2)),
			.title_en = kf_arena_strdup(a, kf_stmt_text(st, 3)),
			.body_zh = kf_arena_strdup(a, kf_stmt_text(st, 4)),
			.body_en = kf_arena_strdup(a, kf_stmt_text(st, 5)),
			.agreement_key = key ? kf_arena_strdup(a, key) : NULL,
			.agreement_version = kf_stmt_int(st, 7),
			.published_at = kf_stmt_int(st, 8),
			.ends_at = kf_stmt_int(st, 9),
			.withdrawn_at = kf_stmt_int(st, 10),
		};
	}
	kf_stmt_done(st);
	if (s == KF_STEP_ERROR)
		return KF_EDB;
	*out = v;
	*n = cnt;
	return KF_OK;
}

/* Active accounts that are not the operator's staff (staff work under
 * their employment terms, as the dispatcher's consent rule says). */
#define ACCOUNTS_TOLD                                                                                          \
	" FROM users u WHERE u.status = 'active' AND NOT EXISTS (SELECT 1 FROM memberships m JOIN orgs o"      \
	" ON o.id = m.org_id WHERE m.user_id = u.id AND o.kind = 'operator')"

/* Every member of a provider organisation that is not banned, cancelled
 * or purged, once however many such organisations the person is in. */
#define PROVIDERS_TOLD                                                                                         \
	" FROM users u WHERE u.status = 'active' AND EXISTS (SELECT 1 FROM memberships m JOIN orgs o"          \
	" ON o.id = m.org_id WHERE m.user_id = u.id AND o.kind = 'provider'"                                   \
	" AND o.state NOT IN ('banned', 'cancelled', 'purged'))"

/* The three statements of a bulk notice: inbox rows, then the mails of
 * Chinese and of other accounts. Each is one INSERT … SELECT, so the cost
 * is three statements whatever the number of accounts. */
struct audience {
	const char *inbox, *mail_zh, *mail_other;
};

#define INBOX_SQL(who)                                                                                         \
	"INSERT INTO notifications (user_id, kind, title, body, created_at)"                                    \
	" SELECT u.id, CAST(? AS TEXT), CAST(? AS TEXT), CAST(? AS TEXT), CAST(? AS BIGINT)" who
#define MAIL_SQL(who, lang)                                                                                    \
	"INSERT INTO emails (to_addr, subject, body, next_attempt_at, created_at)"                              \
	" SELECT u.email, CAST(? AS TEXT), CAST(? AS TEXT), CAST(? AS BIGINT), CAST(? AS BIGINT)" who lang

static const struct audience all_accounts = {INBOX_SQL(ACCOUNTS_TOLD), MAIL_SQL(ACCOUNTS_TOLD, " AND u.language = 'zh'"),
					     MAIL_SQL(ACCOUNTS_TOLD, " AND u.language <> 'zh'")};
static const struct audience providers = {INBOX_SQL(PROVIDERS_TOLD), MAIL_SQL(PROVIDERS_TOLD, " AND u.language = 'zh'"),
					  MAIL_SQL(PROVIDERS_TOLD, " AND u.language <> 'zh'")};

static enum kf_err notify_audience(struct kf_db *db, const struct audience *who, const char *kind, const char *title,
				   const char *body, const char *subject_zh, const char *text_zh,
				   const char *subject_en, const char *text_en, int64_t now, int64_t *accounts)
{
	struct kf_stmt *st = kf_db_prepare(db, who->inbox);
	if (!st)
		return KF_EDB;
	kf_stmt_bind_text(st, 1, kind);
	kf_stmt_bind_text(st, 2, title);
	kf_stmt_bind_text(st, 3, body);
	kf_stmt_bind_int(st, 4, now);
	if (kf_stmt_exec(st) != KF_OK)
		return KF_EDB;
	if (accounts)
		*accounts = kf_db_changes(db);
	for (int zh = 0; zh <= 1; zh++) {
		st = kf_db_prepare(db, zh ? who->mail_zh : who->mail_other);
		if (!st)
			return KF_EDB;
		kf_stmt_bind_text(st, 1, zh ? subject_zh : subject_en);
		kf_stmt_bind_text(st, 2, zh ? text_zh : text_en);
		kf_stmt_bind_int(st, 3, now);
		kf_stmt_bind_int(st, 4, now);
		if (kf_stmt_exec(st) != KF_OK)
			return KF_EDB;
	}
	return KF_OK;
}

enum kf_err kf_store_notify_all_accounts(struct kf_db *db, const char *kind, const char *title, const char *body,
					 const char *subject_zh, const char *text_zh, const char *subject_en,
					 const char *text_en, int64_t now, int64_t *accounts)
{
	return notify_audience(db, &all_accounts, kind, title, body, subject_zh, text_zh, subject_en, text_en, now,
			       accounts);
}

enum kf_err kf_store_notify_providers(struct kf_db *db, const char *kind, const char *title, const char *body,
				      const char *subject_zh, const char *text_zh, const char *subject_en,
				      const char *text_en, int64_t now, int64_t *accounts)
{
	return notify_audience(db, &providers, kind, title, body, subject_zh, text_zh, subject_en, text_en, now,
			       accounts);
}
