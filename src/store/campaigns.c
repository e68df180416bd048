/* SPDX-License-Identifier: Apache-2.0 */
/* SQL of GOV-8's campaigns (see campaigns.h). States and kinds are text in
 * the table and enums above it. */
#include "store/campaigns.h"

#include <string.h>

#include "store/db.h"
#include "util/mem.h"

#define COLS                                                                                                   \
	"SELECT c.id, c.app, c.org, a.app_id, o.name, c.kind, c.state, c.title, c.description, c.starts_at,"  \
	" c.ends_at, c.submitted_by, c.submitted_at, c.decided_by, c.decided_at, c.decision_note"              \
	" FROM campaigns c JOIN apps a ON a.id = c.app JOIN orgs o ON o.id = c.org"

static const char *dup_or_null(struct kf_arena *a, struct kf_stmt *st, int col)
{
	return kf_stmt_is_null(st, col) ? NULL : kf_arena_strdup(a, kf_stmt_text(st, col));
}

static void read_row(struct kf_arena *a, struct kf_stmt *st, struct kf_campaign_row *r)
{
	*r = (struct kf_campaign_row){
		.id = kf_stmt_int(st, 0),
		.app = kf_stmt_int(st, 1),
		.org = kf_stmt_int(st, 2),
		.app_id = kf_arena_strdup(a, kf_stmt_text(st, 3)),
		.org_name = kf_arena_strdup(a, kf_stmt_text(st, 4)),
		.title = kf_arena_strdup(a, kf_stmt_text(st, 7)),
		.description = kf_arena_strdup(a, kf_stmt_text(st, 8)),
		.starts_at = kf_stmt_int(st, 9),
		.ends_at = kf_stmt_int(st, 10),
		.submitted_by = kf_stmt_int(st, 11),
		.submitted_at = kf_stmt_int(st, 12),
		.decided_by = kf_stmt_int(st, 13),
		.decided_at = kf_stmt_int(st, 14),
		.decision_note = dup_or_null(a, st, 15),
	};
	if (!kf_campaign_kind_parse(kf_stmt_text(st, 5), &r->kind))
		r->kind = KF_CAMPAIGN_PUSH;
	if (!kf_campaign_state_parse(kf_stmt_text(st, 6), &r->state))
		r->state = KF_CAMPAIGN_PENDING;
}

/* Every row of st into an arena array of at most max. */
static enum kf_err read_rows(struct kf_arena *a, struct kf_stmt *st, size_t max, struct kf_campaign_row **out,
			     size_t *n)
{
	struct kf_campaign_row *v = kf_arena_alloc(a, (max ? max : 1) * sizeof(*v));
	size_t cnt = 0;
	enum kf_step s;
	while ((s = kf_stmt_step(st)) == KF_STEP_ROW && cnt < max)
		read_row(a, st, &v[cnt++]);
	kf_stmt_done(st);
	if (s == KF_STEP_ERROR)
		return KF_EDB;
	*out = v;
	*n = cnt;
	return KF_OK;
}

enum kf_err kf_store_campaign_insert(struct kf_db *db, const struct kf_campaign_row *c, int64_t now, int64_t *id)
{
	struct kf_stmt *st = kf_db_prepare(
		db, "INSERT INTO campaigns (app, org, kind, title, description, starts_at, ends_at, state,"
		    " submitted_by, submitted_at) VALUES (?, ?, ?, ?, ?, ?, ?, 'pending', ?, ?)");
	if (!st)
		return KF_EDB;
	kf_stmt_bind_int(st, 1, c->app);
	kf_stmt_bind_int(st, 2, c->org);
	kf_stmt_bind_text(st, 3, kf_campaign_kind_name(c->kind));
	kf_stmt_bind_text(st, 4, c->title);
	kf_stmt_bind_text(st, 5, c->description ? c->description : "");
	kf_stmt_bind_int(st, 6, c->starts_at);
	kf_stmt_bind_int(st, 7, c->ends_at);
	if (c->submitted_by)
		kf_stmt_bind_int(st, 8, c->submitted_by);
	else
		kf_stmt_bind_null(st, 8);
	kf_stmt_bind_int(st, 9, now);
	if (kf_stmt_exec(st) != KF_OK)
		return KF_EDB;
	*id = kf_db_last_id(db);
	return KF_OK;
}

enum kf_err kf_store_campaign_get(struct kf_db *db, struct kf_arena *a, int64_t id, struct kf_campaign_row *out)
{
	struct kf_stmt *st = kf_db_prepare(db, COLS " WHERE c.id = ?");
	if (!st)
		return KF_EDB;
	kf_stmt_bind_int(st, 1, id);
	struct kf_campaign_row *v = NULL;
	size_t n = 0;
	if (read_rows(a, st, 1, &v, &n) != KF_OK)
		return KF_EDB;
	if (!n)
		return KF_ENOTFOUND;
	*out = v[0];
	return KF_OK;
}

enum kf_err kf_store_campaigns_of_app(struct kf_db *db, struct kf_arena *a, int64_t app, int64_t before, int limit,
				      struct kf_campaign_row **out, size_t *n)
{
	struct kf_stmt *st = kf_db_prepare(db, COLS " WHERE c.app = ? AND c.id < ? ORDER BY c.id DESC LIMIT ?");
	if (!st)
		return KF_EDB;
	kf_stmt_bind_int(st, 1, app);
	kf_stmt_bind_int(st, 2, before > 0 ? before : INT64_MAX);
	kf_stmt_bind_int(st, 3, limit);
	return read_rows(a, st, (size_t)limit, out, n);
}

enum kf_err kf_store_campaigns_list(struct kf_db *db, struct kf_arena *a, int state, bool running, int64_t now,
				    bool after, int64_t after_start, int64_t after_id, int limit,
				    struct kf_campaign_row **out, size_t *n)
{
	/* running: approved, started, not ended (core kf_campaign_running) */
	struct kf_stmt *st = kf_db_prepare(
		db, COLS " WHERE (CAST(? AS TEXT) IS NULL OR c.state = CAST(? AS TEXT))"
			 " AND (CAST(? AS BIGINT) = 0 OR (c.state = 'approved' AND c.starts_at <= CAST(? AS BIGINT)"
			 " AND c.ends_at > CAST(? AS BIGINT)))"
			 " AND (c.starts_at > CAST(? AS BIGINT) OR (c.starts_at = CAST(? AS BIGINT) AND c.id > CAST(? AS BIGINT)))"
			 " ORDER BY c.starts_at, c.id LIMIT ?");
	if (!st)
		return KF_EDB;
	const char *sn = state >= 0 ? kf_campaign_state_name((enum kf_campaign_state)state) : NULL;
	for (int i = 1; i <= 2; i++)
		if (sn)
			kf_stmt_bind_text(st, i, sn);
		else
			kf_stmt_bind_null(st, i);
	kf_stmt_bind_int(st, 3, running ? 1 : 0);
	kf_stmt_bind_int(st, 4, now);
	kf_stmt_bind_int(st, 5, now);
	kf_stmt_bind_int(st, 6, after ? after_start : INT64_MIN);
	kf_stmt_bind_int(st, 7, after ? after_start : INT64_MIN);
	kf_stmt_bind_int(st, 8, after ? after_id : 0);
	kf_stmt_bind_int(st, 9, limit);
	return read_rows(a, st, (size_t)limit, out, n);
}

enum kf_err kf_store_campaign_set_state(struct kf_db *db, int64_t id, enum kf_campaign_state from,
					enum kf_campaign_state to, int64_t by, const char *note, int64_t now)
{
	struct kf_stmt *st = kf_db_prepare(db, "UPDATE campaigns SET state = ?, decided_by = ?, decided_at = ?,"
					       " decision_note = ? WHERE id = ? AND state = ?");
	if (!st)
		return KF_EDB;
	kf_stmt_bind_text(st, 1, kf_campaign_state_name(to));
	if (by)
		kf_stmt_bind_int(st, 2, by);
	else
		kf_stmt_bind_null(st, 2);
	kf_stmt_bind_int(st, 3, now);
	if (note)
		kf_stmt_bind_text(st, 4, note);
	else
		kf_stmt_bind_null(st, 4);
	kf_stmt_bind_int(st, 5, id);
	kf_stmt_bind_text(st, 6, kf_campaign_state_name(from));
	if (kf_stmt_exec(st) != KF_OK)
		return KF_EDB;
	return kf_db_changes(db) == 1 ? KF_OK : KF_ECONFLICT;
}
