/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Component verify tickets (PROTOCOL.md §6): issued to every app that can
 * receive them every ticket_interval, pushed through the outbox like any
 * event, and checked when an app presents one. Only SHA-256 digests are
 * kept in verify_tickets, at most the newest KF_PUSH_TICKETS_VALID per app
 * (the current and the previous one stay valid, so an app that missed one
 * push, or is still using the last ticket while the new one arrives, keeps
 * working). Issuing re-checks the newest ticket inside its transaction, so
 * several worker processes never issue twice for one interval.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/push.h"
#include "ctx.h"
#include "proto/envelope.h"
#include "push/push.h"
#include "push/request.h"
#include "store/db.h"
#include "store/outbox.h"
#include "util/crypto.h"
#include "util/mem.h"

#define PASS_BATCH 64

/* A new ticket's hash stored (the older ones beyond the newest
 * KF_PUSH_TICKETS_VALID deleted); the plaintext in ticket. */
static enum kf_err store_ticket(struct kf_db *db, int64_t app, int64_t now, char ticket[KF_PUSH_TICKET_LEN + 1])
{
	unsigned char rnd[KF_PUSH_TICKET_RANDOM];
	char hash[KF_SHA256_HEXLEN + 1];
	enum kf_err rc = KF_EDB;
	kf_random_bytes(rnd, sizeof(rnd));
	kf_push_ticket_format(rnd, ticket);
	kf_sha256_hex(ticket, strlen(ticket), hash);
	explicit_bzero(rnd, sizeof(rnd));

	struct kf_stmt *st = kf_db_prepare(db, "INSERT INTO verify_tickets (app, ticket_hash, created_at) VALUES (?, ?, ?)");
	if (!st)
		goto out;
	kf_stmt_bind_int(st, 1, app);
	kf_stmt_bind_text(st, 2, hash);
	kf_stmt_bind_int(st, 3, now);
	if (kf_stmt_exec(st) != KF_OK)
		goto out;
	st = kf_db_prepare(db, "DELETE FROM verify_tickets WHERE app = ? AND id NOT IN"
			       " (SELECT id FROM verify_tickets WHERE app = ? ORDER BY id DESC LIMIT ?)");
	if (!st)
		goto out;
	kf_stmt_bind_int(st, 1, app);
	kf_stmt_bind_int(st, 2, app);
	kf_stmt_bind_int(st, 3, KF_PUSH_TICKETS_VALID);
	if (kf_stmt_exec(st) != KF_OK)
		goto out;
	rc = KF_OK;
out:
	if (rc != KF_OK)
		explicit_bzero(ticket, KF_PUSH_TICKET_LEN + 1);
	return rc;
}

enum kf_err kf_push_ticket_issue(struct kf_db *db, int64_t app, int64_t now, char ticket[KF_PUSH_TICKET_LEN + 1])
{
	bool own = !kf_db_in_tx(db);
	if (own && kf_db_begin(db) != KF_OK)
		return KF_EDB;
	enum kf_err rc = store_ticket(db, app, now, ticket);
	if (own && rc == KF_OK && kf_db_commit(db) != KF_OK)
		rc = KF_EDB;
	if (own && rc != KF_OK)
		kf_db_rollback(db);
	return rc;
}

static enum kf_err issue(struct kf_db *db, int64_t app, const char *app_id, int64_t now)
{
	char ticket[KF_PUSH_TICKET_LEN + 1], event_id[33];
	char *payload = NULL;
	enum kf_err rc = store_ticket(db, app, now, ticket);
	if (rc != KF_OK)
		goto out;
	struct kf_error err = {0};
	if (kf_envelope_build_ticket(app_id, now, ticket, &payload, &err) != KF_OK) {
		fprintf(stderr, "{\"level\":\"error\",\"source\":\"push\",\"msg\":\"cannot build a ticket payload\"}\n");
		rc = KF_EINTERNAL;
		goto out;
	}
	/* the older tickets still waiting are pointless now */
	rc = kf_store_outbox_supersede(db, app, "component_verify_ticket", now);
	if (rc == KF_OK)
		rc = kf_store_outbox_insert(db, app, "component_verify_ticket",
					    kf_push_target_name(KF_PUSH_AUTH_RECEIVE), NULL, payload, now, event_id);
out:
	explicit_bzero(ticket, sizeof(ticket));
	if (payload) {
		explicit_bzero(payload, strlen(payload));
		free(payload);
	}
	return rc;
}

enum kf_err kf_push_ticket_now(struct kf_db *db, int64_t app_row_id, const char *app_id, int64_t now)
{
	bool own = !kf_db_in_tx(db);
	if (own && kf_db_begin(db) != KF_OK)
		return KF_EDB;
	enum kf_err rc = issue(db, app_row_id, app_id, now);
	if (!own)
		return rc;
	if (rc == KF_OK && kf_db_commit(db) != KF_OK)
		rc = KF_EDB;
	if (rc != KF_OK)
		kf_db_rollback(db);
	return rc;
}

enum kf_err kf_push_ticket_check(struct kf_db *db, int64_t app, const char *ticket, int64_t now, bool *valid,
				 bool *stale)
{
	*valid = false;
	if (stale)
		*stale = false;
	if (!kf_push_ticket_well_formed(ticket))
		return KF_OK;
	char hash[KF_SHA256_HEXLEN + 1];
	kf_sha256_hex(ticket, strlen(ticket), hash);
	struct kf_stmt *st = kf_db_prepare(db, "SELECT ticket_hash, created_at FROM verify_tickets WHERE app = ?"
					       " ORDER BY id DESC LIMIT ?");
	if (!st)
		return KF_EDB;
	kf_stmt_bind_int(st, 1, app);
	kf_stmt_bind_int(st, 2, KF_PUSH_TICKETS_VALID);
	enum kf_step s;
	bool found = false, known = false;
	while ((s = kf_stmt_step(st)) == KF_STEP_ROW) {
		/* Look at every row, so the time taken does not say which matched. */
		bool same = kf_str_ct_equal(kf_stmt_text(st, 0), hash);
		int64_t created = kf_stmt_int(st, 1);
		found |= same && created <= now && now - created < KF_PUSH_TICKET_TTL;
		known |= same;
	}
	kf_stmt_done(st);
	if (s == KF_STEP_ERROR)
		return KF_EDB;
	*valid = found;
	if (stale)
		*stale = known && !found;
	return KF_OK;
}

/* Can the app receive a ticket push at all? (Else the event could only die.) */
static bool can_receive(const char *config_json)
{
	struct kf_push_settings s;
	if (kf_push_settings_parse(config_json, &s, NULL) != KF_OK)
		return false;
	return s.auth_receive_url[0] && s.message_token[0] && s.aes_key[0];
}

/* Newest ticket of the app, inside the issuing transaction. */
static enum kf_err newest_ticket(struct kf_db *db, int64_t app, int64_t *created)
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

struct due_app {
	int64_t id;
	char app_id[24];
	bool ok;
};

int kf_push_ticket_pass(struct kf_ctx *ctx, struct kf_db *db, int64_t now)
{
	int64_t interval = ctx->cfg.ticket_interval > 0 ? ctx->cfg.ticket_interval : 600;
	int64_t threshold = now - interval; /* due when the newest ticket is at or before this */
	int64_t after = 0;
	int issued = 0;
	for (;;) {
		struct kf_stmt *st = kf_db_prepare(
			db, "SELECT a.id, a.app_id, c.config FROM apps a JOIN app_configs c ON c.id = a.live_config_id"
			    " WHERE a.id > ? AND a.deleted_at IS NULL AND a.state IN (?, ?, ?, ?)"
			    " AND COALESCE((SELECT MAX(t.created_at) FROM verify_tickets t WHERE t.app = a.id), -1) <= ?"
			    " ORDER BY a.id LIMIT ?");
		if (!st)
			return -1;
		kf_stmt_bind_int(st, 1, after);
		kf_stmt_bind_text(st, 2, "developing");
		kf_stmt_bind_text(st, 3, "release_review");
		kf_stmt_bind_text(st, 4, "released");
		kf_stmt_bind_text(st, 5, "withdrawn"); /* not suspended: AUTH-5 stops its pushes */
		kf_stmt_bind_int(st, 6, threshold);
		kf_stmt_bind_int(st, 7, PASS_BATCH);
		struct due_app due[PASS_BATCH];
		int n = 0;
		enum kf_step s = KF_STEP_DONE;
		while (n < PASS_BATCH && (s = kf_stmt_step(st)) == KF_STEP_ROW) {
			due[n].id = kf_stmt_int(st, 0);
			snprintf(due[n].app_id, sizeof(due[n].app_id), "%s", kf_stmt_text(st, 1));
			due[n].ok = can_receive(kf_stmt_text(st, 2));
			n++;
		}
		kf_stmt_done(st);
		if (n < PASS_BATCH && s == KF_STEP_ERROR)
			return -1;
		for (int i = 0; i < n; i++) {
			if (!due[i].ok)
				continue;
			int64_t newest = -1;
			if (kf_db_begin(db) != KF_OK)
				return -1;
			enum kf_err rc = newest_ticket(db, due[i].id, &newest);
			bool still_due = rc == KF_OK && newest <= threshold;
			if (rc == KF_OK && still_due)
				rc = issue(db, due[i].id, due[i].app_id, now);
			if (rc != KF_OK || !still_due || kf_db_commit(db) != KF_OK) {
				kf_db_rollback(db);
				if (rc != KF_OK || still_due)
					return -1;
				continue;
			}
			issued++;
		}
		if (n < PASS_BATCH)
			break;
		after = due[n - 1].id;
	}
	return issued;
}
