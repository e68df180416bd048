/* SPDX-License-Identifier: Apache-2.0 */
/* SQL of the push outbox (see outbox.h). */
#include "store/outbox.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/db.h"
#include "util/crypto.h"
#include "util/mem.h"

#define COPY(dst, src) snprintf((dst), sizeof(dst), "%s", (src) ? (src) : "")

enum kf_err kf_store_outbox_insert(struct kf_db *db, int64_t app, const char *kind, const char *target,
				   const char *authorizer, const char *payload, int64_t now, char event_id[33])
{
	kf_random_hex(event_id, 32);
	struct kf_stmt *st = kf_db_prepare(
		db, "INSERT INTO outbox (event_id, app, kind, target, authorizer, payload, next_attempt_at, created_at)"
		    " VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
	if (!st)
		return KF_EDB;
	kf_stmt_bind_text(st, 1, event_id);
	kf_stmt_bind_int(st, 2, app);
	kf_stmt_bind_text(st, 3, kind);
	kf_stmt_bind_text(st, 4, target);
	kf_stmt_bind_text(st, 5, authorizer);
	kf_stmt_bind_text(st, 6, payload);
	kf_stmt_bind_int(st, 7, now);
	kf_stmt_bind_int(st, 8, now);
	return kf_stmt_exec(st);
}

enum kf_err kf_store_outbox_supersede(struct kf_db *db, int64_t app, const char *kind, int64_t now)
{
	struct kf_stmt *st = kf_db_prepare(
		db, "UPDATE outbox SET state = 'superseded', last_error = 'superseded by a newer event', delivered_at = ?"
		    " WHERE app = ? AND kind = ? AND state = 'pending' AND lease_until <= ?");
	if (!st)
		return KF_EDB;
	kf_stmt_bind_int(st, 1, now);
	kf_stmt_bind_int(st, 2, app);
	kf_stmt_bind_text(st, 3, kind);
	kf_stmt_bind_int(st, 4, now);
	return kf_stmt_exec(st);
}

enum kf_err kf_store_outbox_drop_app(struct kf_db *db, int64_t app, int64_t now)
{
	(void)now;
	struct kf_stmt *st = kf_db_prepare(
		db, "UPDATE outbox SET state = 'dead', last_error = 'the app was deleted' WHERE app = ? AND state = 'pending'");
	if (!st)
		return KF_EDB;
	kf_stmt_bind_int(st, 1, app);
	return kf_stmt_exec(st);
}

int kf_store_outbox_expire(struct kf_db *db, int64_t before)
{
	static const char *const steps[] = {
		"DELETE FROM deliveries WHERE outbox_id IN (SELECT id FROM outbox WHERE state IN ('delivered', 'superseded')"
		" AND created_at < ?)",
		"DELETE FROM outbox WHERE state IN ('delivered', 'superseded') AND created_at < ?",
	};
	int n = -1;
	for (size_t i = 0; i < 2; i++)
		if ((n = kf_db_delete_before(db, steps[i], before)) < 0)
			return -1;
	return n; /* the events deleted */
}

void kf_outbox_item_clear(struct kf_outbox_item *it)
{
	free(it->payload);
	free(it->config_json);
	it->payload = it->config_json = NULL;
}

int kf_store_outbox_lease(struct kf_db *db, int64_t now, int64_t lease, struct kf_outbox_item *items, int max)
{
	if (kf_db_begin(db) != KF_OK)
		return -1;
	struct kf_stmt *st = kf_db_prepare(
		db, "SELECT o.id, o.event_id, o.app, o.kind, o.target, o.payload, o.attempts, o.created_at, a.app_id,"
		    " c.config, o.authorizer FROM outbox o JOIN apps a ON a.id = o.app LEFT JOIN app_configs c ON c.id = a.live_config_id"
		    " WHERE o.state = 'pending' AND o.next_attempt_at <= ? AND o.lease_until <= ? AND a.deleted_at IS NULL"
		    /* AUTH-5: a suspended app's events are held, pending, until the suspension is lifted */
		    " AND a.state <> 'suspended'"
		    " ORDER BY o.next_attempt_at, o.id LIMIT ?");
	if (!st) {
		kf_db_rollback(db);
		return -1;
	}
	kf_stmt_bind_int(st, 1, now);
	kf_stmt_bind_int(st, 2, now);
	kf_stmt_bind_int(st, 3, max);
	int n = 0;
	enum kf_step s = KF_STEP_DONE;
	while (n < max && (s = kf_stmt_step(st)) == KF_STEP_ROW) {
		struct kf_outbox_item *it = &items[n++];
		memset(it, 0, sizeof(*it));
		it->id = kf_stmt_int(st, 0);
		COPY(it->event_id, kf_stmt_text(st, 1));
		it->app = kf_stmt_int(st, 2);
		COPY(it->kind, kf_stmt_text(st, 3));
		COPY(it->target, kf_stmt_text(st, 4));
		it->payload = kf_xstrdup(kf_stmt_text(st, 5));
		it->attempts = (int)kf_stmt_int(st, 6);
		it->created_at = kf_stmt_int(st, 7);
		COPY(it->app_id, kf_stmt_text(st, 8));
		it->config_json = kf_stmt_is_null(st, 9) ? NULL : kf_xstrdup(kf_stmt_text(st, 9));
		COPY(it->authorizer, kf_stmt_text(st, 10));
	}
	kf_stmt_done(st);
	bool ok = s != KF_STEP_ERROR;
	/* The lease is taken by a conditional update that re-checks the row is
	 * still free: several kaifangd share the outbox, and where the engine
	 * lets two transactions read the same due row (PostgreSQL's READ
	 * COMMITTED; on SQLite BEGIN IMMEDIATE already serializes them), the
	 * second update finds it leased, changes nothing, and the row is
	 * dropped from this batch. So an event is sent by one process at a
	 * time. */
	int kept = 0;
	for (int i = 0; ok && i < n; i++) {
		st = kf_db_prepare(db, "UPDATE outbox SET lease_until = ? WHERE id = ? AND state = 'pending'"
				       " AND lease_until <= ?");
		ok = st != NULL;
		if (ok) {
			kf_stmt_bind_int(st, 1, now + lease);
			kf_stmt_bind_int(st, 2, items[i].id);
			kf_stmt_bind_int(st, 3, now);
			ok = kf_stmt_exec(st) == KF_OK;
		}
		if (ok && kf_db_changes(db) == 1) {
			if (kept != i) {
				items[kept] = items[i];
				memset(&items[i], 0, sizeof(items[i]));
			}
			kept++;
		} else {
			kf_outbox_item_clear(&items[i]);
		}
	}
	if (!ok || kf_db_commit(db) != KF_OK) {
		kf_db_rollback(db);
		for (int i = 0; i < n; i++)
			kf_outbox_item_clear(&items[i]);
		return -1;
	}
	return kept;
}

enum kf_err kf_store_outbox_record(struct kf_db *db, int64_t id, const struct kf_attempt *a, bool delivered,
				   int64_t next_at)
{
	/* Inside a caller's transaction (group commit of a batch) the caller
	 * commits; otherwise this is its own transaction. */
	bool own = !kf_db_in_tx(db);
	if (own && kf_db_begin(db) != KF_OK)
		return KF_EDB;
	struct kf_stmt *st = kf_db_prepare(
		db, "INSERT INTO deliveries (outbox_id, attempted_at, http_status, error, latency_ms, response_excerpt)"
		    " VALUES (?, ?, NULLIF(?, 0), ?, ?, ?)");
	if (!st)
		goto fail;
	kf_stmt_bind_int(st, 1, id);
	kf_stmt_bind_int(st, 2, a->at);
	kf_stmt_bind_int(st, 3, a->http_status);
	kf_stmt_bind_text(st, 4, a->error);
	kf_stmt_bind_int(st, 5, a->latency_ms);
	kf_stmt_bind_text(st, 6, a->excerpt);
	if (kf_stmt_exec(st) != KF_OK)
		goto fail;
	st = kf_db_prepare(
		db, "UPDATE outbox SET attempts = attempts + 1, lease_until = 0, last_error = ?,"
		    " state = CASE WHEN ? THEN 'delivered' WHEN ? = 0 THEN 'dead' ELSE 'pending' END,"
		    " delivered_at = CASE WHEN ? THEN ? ELSE delivered_at END,"
		    " next_attempt_at = CASE WHEN ? > 0 THEN ? ELSE next_attempt_at END WHERE id = ?");
	if (!st)
		goto fail;
	kf_stmt_bind_text(st, 1, a->error);
	kf_stmt_bind_int(st, 2, delivered);
	kf_stmt_bind_int(st, 3, next_at);
	kf_stmt_bind_int(st, 4, delivered);
	kf_stmt_bind_int(st, 5, a->at);
	kf_stmt_bind_int(st, 6, next_at);
	kf_stmt_bind_int(st, 7, next_at);
	kf_stmt_bind_int(st, 8, id);
	if (kf_stmt_exec(st) != KF_OK || (own && kf_db_commit(db) != KF_OK))
		goto fail;
	return KF_OK;
fail:
	if (own)
		kf_db_rollback(db);
	return KF_EDB;
}

json_t *kf_store_outbox_json(struct kf_db *db, int64_t app, const struct kf_outbox_filter *f, int64_t before,
			     int limit)
{
	const char *state = f->state ? kf_outbox_state_name(*f->state) : NULL;
	struct kf_stmt *st = kf_db_prepare(
		db, "SELECT id, event_id, kind, target, state, attempts, next_attempt_at, created_at, delivered_at,"
		    " last_error FROM outbox WHERE app = ? AND (CAST(? AS TEXT) IS NULL OR state = ?)"
		    " AND (CAST(? AS TEXT) IS NULL OR kind = ?) AND (CAST(? AS BIGINT) = 0 OR created_at >= ?)"
		    " AND (CAST(? AS BIGINT) = 0 OR created_at < ?) AND (CAST(? AS BIGINT) = 0 OR id < ?)"
		    " ORDER BY id DESC LIMIT ?");
	if (!st)
		return NULL;
	int i = 1;
	kf_stmt_bind_int(st, i++, app);
	kf_stmt_bind_text(st, i++, state);
	kf_stmt_bind_text(st, i++, state);
	kf_stmt_bind_text(st, i++, f->kind);
	kf_stmt_bind_text(st, i++, f->kind);
	kf_stmt_bind_int(st, i++, f->since);
	kf_stmt_bind_int(st, i++, f->since);
	kf_stmt_bind_int(st, i++, f->until);
	kf_stmt_bind_int(st, i++, f->until);
	kf_stmt_bind_int(st, i++, before);
	kf_stmt_bind_int(st, i++, before);
	kf_stmt_bind_int(st, i++, limit);
	return kf_stmt_rows_json(st);
}

json_t *kf_store_outbox_event_json(struct kf_db *db, int64_t app, const char *event_id)
{
	struct kf_stmt *st = kf_db_prepare(
		db, "SELECT id, event_id, kind, target, state, attempts, next_attempt_at, created_at, delivered_at,"
		    " last_error FROM outbox WHERE app = ? AND event_id = ?");
	if (!st)
		return NULL;
	kf_stmt_bind_int(st, 1, app);
	kf_stmt_bind_text(st, 2, event_id);
	json_t *o = kf_stmt_step(st) == KF_STEP_ROW ? kf_stmt_row_json(st) : NULL;
	kf_stmt_done(st);
	if (!o)
		return NULL;
	st = kf_db_prepare(db, "SELECT attempted_at, http_status, error, latency_ms, response_excerpt FROM deliveries"
			       " WHERE outbox_id = ? ORDER BY id");
	if (!st) {
		json_decref(o);
		return NULL;
	}
	kf_stmt_bind_int(st, 1, json_integer_value(json_object_get(o, "id")));
	json_t *attempts = json_array();
	while (kf_stmt_step(st) == KF_STEP_ROW)
		json_array_append_new(attempts, kf_stmt_row_json(st));
	kf_stmt_done(st);
	json_object_set_new(o, "attempt_log", attempts);
	return o;
}

enum kf_err kf_store_outbox_replay(struct kf_db *db, int64_t app, const char *event_id, int64_t now)
{
	struct kf_stmt *st = kf_db_prepare(db, "SELECT state FROM outbox WHERE app = ? AND event_id = ?");
	if (!st)
		return KF_EDB;
	kf_stmt_bind_int(st, 1, app);
	kf_stmt_bind_text(st, 2, event_id);
	enum kf_step s = kf_stmt_step(st);
	bool pending = s == KF_STEP_ROW && !strcmp(kf_stmt_text(st, 0), "pending");
	kf_stmt_done(st);
	if (s != KF_STEP_ROW)
		return s == KF_STEP_DONE ? KF_ENOTFOUND : KF_EDB;
	if (pending)
		return KF_ECONFLICT;
	st = kf_db_prepare(db, "UPDATE outbox SET state = 'pending', next_attempt_at = ?, lease_until = 0 WHERE app = ?"
			       " AND event_id = ?");
	if (!st)
		return KF_EDB;
	kf_stmt_bind_int(st, 1, now);
	kf_stmt_bind_int(st, 2, app);
	kf_stmt_bind_text(st, 3, event_id);
	return kf_stmt_exec(st);
}

enum kf_err kf_store_outbox_stats(struct kf_db *db, int64_t now, int64_t *pending, int64_t *delivered, int64_t *dead,
				  int64_t *oldest_pending_age)
{
	struct kf_stmt *st = kf_db_prepare(
		db, "SELECT COUNT(CASE WHEN state = 'pending' THEN 1 END), COUNT(CASE WHEN state = 'delivered' THEN 1 END),"
		    " COUNT(CASE WHEN state = 'dead' THEN 1 END),"
		    " COALESCE(MIN(CASE WHEN state = 'pending' THEN created_at END), CAST(? AS BIGINT))"
		    " FROM outbox");
	if (!st)
		return KF_EDB;
	kf_stmt_bind_int(st, 1, now);
	enum kf_step s = kf_stmt_step(st);
	if (s == KF_STEP_ROW) {
		*pending = kf_stmt_int(st, 0);
		*delivered = kf_stmt_int(st, 1);
		*dead = kf_stmt_int(st, 2);
		*oldest_pending_age = now - kf_stmt_int(st, 3);
	}
	kf_stmt_done(st);
	return s == KF_STEP_ROW ? KF_OK : KF_EDB;
}
