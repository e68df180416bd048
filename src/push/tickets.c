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
#include "store/tickets.h"
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

	if (kf_store_ticket_insert(db, app, hash, now, KF_PUSH_TICKETS_VALID) != KF_OK)
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
	struct kf_ticket_row rows[KF_PUSH_TICKETS_VALID];
	size_t n = 0;
	if (kf_store_tickets_newest(db, app, rows, KF_PUSH_TICKETS_VALID, &n) != KF_OK)
		return KF_EDB;
	bool found = false, known = false;
	for (size_t i = 0; i < n; i++) {
		/* Look at every row, so the time taken does not say which matched. */
		bool same = kf_str_ct_equal(rows[i].hash, hash);
		int64_t created = rows[i].created_at;
		found |= same && created <= now && now - created < KF_PUSH_TICKET_TTL;
		known |= same;
	}
	explicit_bzero(rows, sizeof(rows));
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

int kf_push_ticket_pass(struct kf_ctx *ctx, struct kf_db *db, int64_t now)
{
	int64_t interval = ctx->cfg.ticket_interval > 0 ? ctx->cfg.ticket_interval : 600;
	int64_t threshold = now - interval; /* due when the newest ticket is at or before this */
	int64_t after = 0;
	int issued = 0;
	for (;;) {
		struct kf_ticket_due_row due[PASS_BATCH];
		size_t n = 0;
		if (kf_store_tickets_due(db, after, threshold, due, PASS_BATCH, &n) != KF_OK) {
			kf_store_ticket_due_clear(due, n);
			return -1;
		}
		bool ok[PASS_BATCH];
		for (size_t i = 0; i < n; i++)
			ok[i] = can_receive(due[i].config);
		kf_store_ticket_due_clear(due, n);
		for (size_t i = 0; i < n; i++) {
			if (!ok[i])
				continue;
			int64_t newest = -1;
			if (kf_db_begin(db) != KF_OK)
				return -1;
			enum kf_err rc = kf_store_ticket_newest_at(db, due[i].id, &newest);
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
