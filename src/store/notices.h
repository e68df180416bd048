/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Storage of notices: the inbox rows of a user (notifications, NOTE-1) and
 * the mail outbox (emails) the mail worker drains. Both are written inside
 * the transaction of the change they report, so a change that rolls back
 * sends nothing.
 */
#ifndef KF_STORE_NOTICES_H
#define KF_STORE_NOTICES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"

struct kf_arena;
struct kf_db;

/* An inbox row; org_id 0 for a notice about no organisation, app_id (the
 * app's public id) NULL for a notice about no app. */
enum kf_err kf_store_notification_insert(struct kf_db *db, int64_t user_id, int64_t org_id, const char *app_id,
					 const char *kind, const char *title, const char *body,
					 int64_t now) KF_MUST_CHECK;

/* The address to mail a user's notices to: the email of an active user
 * into to[len], and the account's language ("zh" | "en") into lang.
 * KF_ENOTFOUND when the user is not active (or not there); KF_EDB also
 * when the address does not fit. */
enum kf_err kf_store_notice_recipient(struct kf_db *db, int64_t user_id, char *to, size_t len,
				      char lang[4]) KF_MUST_CHECK;

/* The members of an organisation, by user id ascending, at most max into
 * ids[]; *n how many. KF_EDB. */
enum kf_err kf_store_org_member_ids(struct kf_db *db, int64_t org_id, int64_t *ids, size_t max,
				    size_t *n) KF_MUST_CHECK;

struct kf_notification_row {
	int64_t id;
	int64_t org_id;      /* 0: none */
	const char *app_id;  /* the app's public id; NULL: none */
	const char *kind;
	const char *title;
	const char *body;
	int64_t created_at;
	bool read;
	int64_t read_at;     /* when read */
};

/* A page of user_id's inbox, newest first: ids below after (after 0: from
 * the newest), at most limit rows into *out (arena a); *n how many. */
enum kf_err kf_store_inbox_page(struct kf_db *db, struct kf_arena *a, int64_t user_id, int64_t after, int limit,
				struct kf_notification_row **out, size_t *n) KF_MUST_CHECK;

/* Mark user_id's notice id read at now (a second time keeps the first
 * time). KF_ENOTFOUND when the user has no such notice; KF_EDB. */
enum kf_err kf_store_inbox_mark_read(struct kf_db *db, int64_t user_id, int64_t id, int64_t now) KF_MUST_CHECK;

/* Queue a mail, due now. */
enum kf_err kf_store_mail_insert(struct kf_db *db, const char *to, const char *subject, const char *body,
				 int64_t now) KF_MUST_CHECK;

/* A pending mail due for a delivery attempt; strings malloc'd (free with
 * kf_store_mail_rows_clear). */
struct kf_mail_row {
	int64_t id;
	int64_t attempts;
	char *to;
	char *subject;
	char *body;
};

/* The pending mails due at now, oldest due first, at most max into out[];
 * *n how many. The rows are durable when it returns (kf_db_sync), since the
 * mail goes out next. KF_EDB (with *n rows read before the failure, to
 * clear). */
enum kf_err kf_store_mail_due(struct kf_db *db, int64_t now, struct kf_mail_row *out, size_t max,
			      size_t *n) KF_MUST_CHECK;
void kf_store_mail_rows_clear(struct kf_mail_row *rows, size_t n);

/* Record a delivery: sent at now after attempts attempts. */
enum kf_err kf_store_mail_sent(struct kf_db *db, int64_t id, int64_t attempts, int64_t now) KF_MUST_CHECK;
/* Record a failed attempt: pending again at next_attempt_at, or dead from
 * the 10th attempt on; error is kept. */
enum kf_err kf_store_mail_failed(struct kf_db *db, int64_t id, int64_t attempts, int64_t next_attempt_at,
				 const char *error) KF_MUST_CHECK;

#endif
