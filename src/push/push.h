/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Event push (PROTOCOL.md §6–§7): the delivery thread that drains the
 * outbox, the verify-ticket schedule, URL verification (the echo
 * handshake) and the push metrics.
 *
 * Delivery is at-least-once. The thread leases due events (the outbox row
 * stays until an attempt is recorded), so a process killed mid-delivery
 * loses nothing: the lease runs out and the event is sent again. Every
 * request carries X-Kaifang-Event-Id so apps can drop duplicates, and
 * X-Kaifang-Attempt (1, 2, …).
 *
 * No connection is ever opened to an address kf_addr_allowed refuses with
 * ctx->callback_allow (push.allow_networks): the check runs on every
 * resolved address right before its socket would be created.
 */
#ifndef KF_PUSH_PUSH_H
#define KF_PUSH_PUSH_H

#include <stdbool.h>
#include <stdint.h>

#include "core/err.h"
#include "core/push.h"

struct kf_ctx;
struct kf_db;
struct kf_pusher;

/* Seconds an event stays leased beyond the request timeout. */
#define KF_PUSH_LEASE_MARGIN 30
/* How often the thread looks for due events when nothing woke it (ms). */
#define KF_PUSH_POLL_MS 1000

/*
 * Start the delivery thread: one libcurl multi handle with up to
 * ctx->cfg.push_concurrency requests in flight, each with a timeout of
 * ctx->cfg.push_timeout, failures retried per kf_push_next_attempt with
 * ctx->cfg.push_max_age. The thread takes a connection from ctx->pool only
 * while it leases or records (one at a time), and reads the clock with
 * kf_ctx_now(ctx). One JSON line per attempt goes to stderr.
 * Needs curl_global_init and kf_crypto_init done. ctx must outlive the
 * pusher. Returns NULL when the thread or the multi handle cannot be
 * created.
 */
struct kf_pusher *kf_push_start(struct kf_ctx *ctx);

/* Look for due events now instead of at the next poll (e.g. right after a
 * command queued one, or after the test clock moved). Thread-safe. */
void kf_push_wake(struct kf_pusher *p);

/* Stop promptly (it does not wait for requests in flight: their events keep
 * their lease and are sent again once it has run out) and free p. p may be
 * NULL. */
void kf_push_stop(struct kf_pusher *p);

/*
 * The ticket schedule, one pass: every app in state developing,
 * release_review, released or withdrawn (not suspended, AUTH-5) whose live config has
 * dev.auth_receive_url, dev.message_token and dev.aes_key, and whose newest
 * ticket is at least ctx->cfg.ticket_interval old (or which has none), gets
 * a new ticket (kf_push_ticket_now, one transaction per app). db must not
 * be inside a transaction. Returns the number of tickets issued, or -1
 * when the storage failed (tickets issued before the failure stay).
 */
int kf_push_ticket_pass(struct kf_ctx *ctx, struct kf_db *db, int64_t now);

/*
 * Issue a ticket for an app now: a fresh "ticket@@@…" value whose SHA-256
 * is stored in verify_tickets (the app's tickets beyond the newest
 * KF_PUSH_TICKETS_VALID are deleted), and a component_verify_ticket event
 * for the auth_receive target whose payload is the plaintext ticket XML
 * (§6). Runs in its own transaction, or in the caller's when db is inside
 * one (then the caller commits or rolls back). app_id is the public id
 * (kf…). Errors: KF_EDB; KF_EINTERNAL (the XML could not be built).
 */
enum kf_err kf_push_ticket_now(struct kf_db *db, int64_t app_row_id, const char *app_id, int64_t now) KF_MUST_CHECK;

/*
 * Issue a ticket without queuing its push, for a caller that pushes it
 * itself (the capability check, push/checks.h): its hash is stored as by
 * kf_push_ticket_now and the plaintext written to ticket
 * (KF_PUSH_TICKET_LEN + 1 bytes; wipe it after use). Own transaction, or
 * the caller's when db is inside one. Errors: KF_EDB.
 */
enum kf_err kf_push_ticket_issue(struct kf_db *db, int64_t app_row_id, int64_t now,
				 char ticket[KF_PUSH_TICKET_LEN + 1]) KF_MUST_CHECK;

/*
 * Is ticket valid for app (row id) at now: one of its newest
 * KF_PUSH_TICKETS_VALID tickets and issued less than KF_PUSH_TICKET_TTL
 * seconds ago? The comparison of hashes runs in constant time. *valid is
 * false for NULL or malformed tickets; *stale (may be NULL) tells a ticket
 * that is one of the newest but too old (errcode 61005) from an unknown
 * one. Errors: KF_EDB.
 */
enum kf_err kf_push_ticket_check(struct kf_db *db, int64_t app, const char *ticket, int64_t now, bool *valid,
				 bool *stale) KF_MUST_CHECK;

/* What a URL verification found. */
struct kf_verify_result {
	bool ok;               /* HTTP 200 and the body is exactly echostr */
	const char *failure;   /* NULL when ok, else a static name: "refused_address",
				  "dns_failure", "connect_failed", "timeout", "tls_error",
				  "response_too_large", "invalid_url", "network_error",
				  "http_status", "body_mismatch" */
	char message[256];     /* what failed, for people */
	long http_status;      /* 0 when nothing answered */
	int64_t latency_ms;
	char excerpt[513];     /* the first 512 bytes of the answer, as UTF-8 text */
};

/*
 * The echo handshake of §7: GET url?signature=…&timestamp=…&nonce=…&echostr=…
 * (signature over token, timestamp and nonce; echostr random), with the
 * same SSRF guard, options and timeout (ctx->cfg.push_timeout) as a
 * delivery. url is used as given: a caller verifying dev.message_url
 * replaces $APPID$ first (kf_push_url_substitute in push/request.h).
 * Blocks for at most the timeout. Returns KF_OK whenever a verification
 * was attempted (out says how it went); KF_EINVAL "invalid_url" (field
 * "url") when url is not an http(s) URL, "invalid_token" (field "token")
 * when token is empty or longer than 63 bytes; KF_EINTERNAL when libcurl
 * could not be set up.
 */
enum kf_err kf_push_verify_url(struct kf_ctx *ctx, const char *url, const char *token, struct kf_verify_result *out,
			       struct kf_error *err) KF_MUST_CHECK;

/*
 * The push metrics as Prometheus text (a malloc'd string the caller
 * frees): kaifang_push_deliveries_total{outcome="delivered|failed|dead"}
 * and the kaifang_push_delivery_seconds histogram, counted by the delivery
 * threads of this process since it started; and from db at
 * kf_ctx_now(ctx): kaifang_push_outbox_pending, kaifang_push_outbox_dead
 * and kaifang_push_oldest_pending_seconds (left out when the query fails).
 * db NULL leaves the database gauges out too.
 */
char *kf_push_metrics_text(struct kf_ctx *ctx, struct kf_db *db);

#endif
