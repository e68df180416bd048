/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The push outbox and its attempt log. Events are inserted in the
 * transaction of the change that causes them; the delivery worker leases
 * due events (so a killed worker's events come back when the lease ends:
 * at-least-once) and records every attempt.
 */
#ifndef KF_STORE_OUTBOX_H
#define KF_STORE_OUTBOX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "core/push.h"

struct kf_db;
struct json_t;

/* Queue an event for app (row id). event_id (33 bytes) receives its id.
 * authorizer names the authorizer a message event is for (NULL if none). */
enum kf_err kf_store_outbox_insert(struct kf_db *db, int64_t app, const char *kind, const char *target,
				   const char *authorizer, const char *payload, int64_t now,
				   char event_id[33]) KF_MUST_CHECK;
/* A new ticket makes the app's undelivered older tickets pointless: they
 * end as "superseded" instead of piling up while a receiver is down. */
enum kf_err kf_store_outbox_supersede(struct kf_db *db, int64_t app, const char *kind, int64_t now) KF_MUST_CHECK;
/* An app that is deleted gets nothing more (DATA-3): its pending events
 * end dead. */
enum kf_err kf_store_outbox_drop_app(struct kf_db *db, int64_t app, int64_t now) KF_MUST_CHECK;
/* Retention: delete delivered and superseded events (and their attempt
 * logs) created before `before`. Returns the number deleted or -1. */
int kf_store_outbox_expire(struct kf_db *db, int64_t before);

struct kf_outbox_item {
	int64_t id;
	char event_id[33];
	int64_t app;
	char kind[40];
	char target[16];
	char authorizer[64]; /* "" when the event is not for one authorizer */
	char *payload;     /* malloc'd */
	int attempts;
	int64_t created_at;
	char app_id[24];
	char *config_json; /* live config of the app, malloc'd; NULL when none */
};

/* Lease up to max due events until now + lease seconds; events of a
 * suspended app are held (left pending, attempts untouched) until the
 * suspension is lifted (AUTH-5). Returns how many
 * were written to items (each to be released with kf_outbox_item_clear),
 * or -1 on a storage error. One transaction. */
int kf_store_outbox_lease(struct kf_db *db, int64_t now, int64_t lease, struct kf_outbox_item *items, int max);
void kf_outbox_item_clear(struct kf_outbox_item *it);

struct kf_attempt {
	int64_t at;
	int http_status;        /* 0 when no response */
	const char *error;      /* NULL on success */
	int64_t latency_ms;
	const char *excerpt;    /* first 512 bytes of the response */
};

/* Record an attempt; delivered, or retried at next_at, or dead when
 * next_at is 0. Its own transaction, or part of the caller's when one is
 * open (the delivery thread commits a batch of attempts at once). */
enum kf_err kf_store_outbox_record(struct kf_db *db, int64_t id, const struct kf_attempt *a, bool delivered,
				   int64_t next_at) KF_MUST_CHECK;

/* Which events of an app to list: each member NULL/0 = any. */
struct kf_outbox_filter {
	const enum kf_outbox_state *state;
	const char *kind;   /* the event's kind, e.g. component_verify_ticket */
	int64_t since;      /* created at or after (unix seconds) */
	int64_t until;      /* created before */
};
/* Events of an app, newest first, older than the id before (0 = from the
 * newest), at most limit; NULL on a storage error. */
struct json_t *kf_store_outbox_json(struct kf_db *db, int64_t app, const struct kf_outbox_filter *f, int64_t before,
				    int limit);
/* One event with its attempts. */
struct json_t *kf_store_outbox_event_json(struct kf_db *db, int64_t app, const char *event_id);
/* Put a dead (or delivered) event back in the queue; KF_ENOTFOUND when the
 * app has no such event, KF_ECONFLICT when it is still pending. */
enum kf_err kf_store_outbox_replay(struct kf_db *db, int64_t app, const char *event_id, int64_t now) KF_MUST_CHECK;

/* Metrics: counts by state and the oldest pending event's age. */
enum kf_err kf_store_outbox_stats(struct kf_db *db, int64_t now, int64_t *pending, int64_t *delivered,
				  int64_t *dead, int64_t *oldest_pending_age) KF_MUST_CHECK;

#endif
