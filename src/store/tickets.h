/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Storage of component verify tickets (push/tickets.c): only SHA-256
 * digests, the newest few per app, and the question which apps are due a
 * new one. What a ticket is and when it is valid stays in push/ and core/.
 */
#ifndef KF_STORE_TICKETS_H
#define KF_STORE_TICKETS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"

struct kf_db;

/* Store a ticket's digest (hex) for app at now, then delete the app's
 * older tickets beyond the newest keep. KF_EDB. */
enum kf_err kf_store_ticket_insert(struct kf_db *db, int64_t app, const char *hash, int64_t now,
				   int keep) KF_MUST_CHECK;

struct kf_ticket_row {
	char hash[65];       /* hex SHA-256 */
	int64_t created_at;
};
/* The app's newest tickets, newest first, at most max into out[]; *n how
 * many. KF_EDB. */
enum kf_err kf_store_tickets_newest(struct kf_db *db, int64_t app, struct kf_ticket_row *out, size_t max,
				    size_t *n) KF_MUST_CHECK;

/* When the app's newest ticket was issued; -1 when it has none. KF_EDB. */
enum kf_err kf_store_ticket_newest_at(struct kf_db *db, int64_t app, int64_t *created) KF_MUST_CHECK;

/* An app due a ticket; config is its live configuration's JSON text,
 * malloc'd (free with kf_store_ticket_due_clear). */
struct kf_ticket_due_row {
	int64_t id;          /* apps.id */
	char app_id[24];
	char *config;
};
/* Apps with id above after, not deleted, in a state that receives
 * tickets (developing, release_review, released, withdrawn: not suspended,
 * AUTH-5 stops its pushes), with a live configuration, whose newest ticket
 * is at or before threshold (or who have none); by id, at most max into
 * out[]; *n how many. KF_EDB (with *n rows read before the failure, to
 * clear). */
enum kf_err kf_store_tickets_due(struct kf_db *db, int64_t after, int64_t threshold, struct kf_ticket_due_row *out,
				 size_t max, size_t *n) KF_MUST_CHECK;
void kf_store_ticket_due_clear(struct kf_ticket_due_row *rows, size_t n);

#endif
