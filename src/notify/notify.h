/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Notices (NOTE-1): an inbox row per person and an email through the
 * `emails` outbox, both written inside the caller's transaction so a notice
 * exists exactly when the change that caused it committed.
 */
#ifndef KF_NOTIFY_NOTIFY_H
#define KF_NOTIFY_NOTIFY_H

#include <stdbool.h>
#include <stdint.h>

#include "core/err.h"

struct kf_db;
struct kf_ctx;

/* Queue one email (sent later by the mail worker). */
enum kf_err kf_mail_enqueue(struct kf_db *db, int64_t now, const char *to, const char *subject,
			    const char *body) KF_MUST_CHECK;
/* The base URL the mails' console links start with (public-url, or
 * http://<listen>); copied. Set once at start-up, before any request. */
void kf_notify_set_console_base(const char *base);
/* The base as set ("" before). */
const char *kf_notify_console_base(void);

/* The Chinese title of a notice kind (static), or NULL when it has none. */
const char *kf_notify_title_zh(const char *kind);

/* Inbox message + email to one user. org_id may be 0. The mail is framed
 * in the account's language (zh or en) and links to the console's inbox. */
enum kf_err kf_notify_user(struct kf_db *db, int64_t now, int64_t user_id, int64_t org_id, const char *kind,
			   const char *title, const char *body) KF_MUST_CHECK;
/* The same to every member of an organisation. */
enum kf_err kf_notify_org(struct kf_db *db, int64_t now, int64_t org_id, const char *kind, const char *title,
			  const char *body) KF_MUST_CHECK;
/* A notice about an app to every member of its provider: the inbox row
 * names the app by app_id, its public id. */
enum kf_err kf_notify_org_app(struct kf_db *db, int64_t now, int64_t org_id, const char *app_id, const char *kind,
			      const char *title, const char *body) KF_MUST_CHECK;

/* An inbox message and a mail to every active account that is not the
 * operator's staff (store/announcements.h), framed as kf_notify_user frames
 * one; title_zh is the Chinese title of the mail (may be NULL: then
 * kf_notify_title_zh(kind)). *accounts (may be NULL) how many were told. */
enum kf_err kf_notify_all_accounts(struct kf_db *db, int64_t now, const char *kind, const char *title,
				   const char *title_zh, const char *body, int64_t *accounts) KF_MUST_CHECK;

/* An announcement (NOTE-1) to every member of every provider that is not
 * banned or cancelled (store/announcements.h): an inbox message with both
 * languages' texts, and a mail in the person's language. *accounts (may be
 * NULL) how many people were told. */
enum kf_err kf_notify_providers_announcement(struct kf_db *db, int64_t now, const char *title_zh,
					     const char *title_en, const char *body_zh, const char *body_en,
					     int64_t *accounts) KF_MUST_CHECK;

/* One pass of the mail worker: send what is due. keep (may be NULL) is
 * asked before each mail whether the pass may go on (the worker still holds
 * its lease); when it says no, the rest stays pending. Returns how many were
 * handled (sent or failed), or -1 when the database failed. */
int kf_mail_worker_pass(struct kf_ctx *ctx, struct kf_db *db, int64_t now, bool (*keep)(void *arg), void *arg);

#endif
