/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Announcements (NOTE-1): the web notice of the console and the landing
 * page, and the bulk notice to every account that goes with a published
 * agreement version (an inbox row and a mail per account, one statement
 * each, inside the caller's transaction).
 */
#ifndef KF_STORE_ANNOUNCEMENTS_H
#define KF_STORE_ANNOUNCEMENTS_H

#include <stddef.h>
#include <stdint.h>

#include "core/err.h"

struct kf_db;
struct kf_arena;

struct kf_announcement_row {
	int64_t id;
	const char *kind; /* "general" | "agreement" */
	const char *title_zh, *title_en, *body_zh, *body_en;
	const char *agreement_key; /* NULL unless kind "agreement" */
	int64_t agreement_version;
	int64_t published_at, ends_at, withdrawn_at; /* ends_at, withdrawn_at: 0 = none */
};

/* Post an announcement (agreement_key NULL for a general one; ends_at 0 =
 * until withdrawn). *id the new row's. KF_ECONFLICT when that agreement
 * version has one already; KF_EDB. */
enum kf_err kf_store_announcement_insert(struct kf_db *db, const struct kf_announcement_row *a, int64_t by,
					 int64_t now, int64_t *id) KF_MUST_CHECK;
/* Withdraw one (at now). KF_ENOTFOUND when there is none by id or it was
 * withdrawn already; KF_EDB. */
enum kf_err kf_store_announcement_withdraw(struct kf_db *db, int64_t id, int64_t now) KF_MUST_CHECK;
/* The announcements shown at now (published, not ended, not withdrawn),
 * newest first, at most max; with all, every one ever posted (the admin's
 * list). *out and its strings in arena a. KF_EDB. */
enum kf_err kf_store_announcements_list(struct kf_db *db, struct kf_arena *a, int64_t now, int all, size_t max,
					struct kf_announcement_row **out, size_t *n) KF_MUST_CHECK;

/*
 * One inbox row (kind, title, body) for every active account that is not
 * the operator's staff, and one mail to each of them: subject_zh/text_zh
 * to accounts whose language is zh, subject_en/text_en to the others.
 * *accounts (may be NULL) is how many accounts were told. KF_EDB.
 */
enum kf_err kf_store_notify_all_accounts(struct kf_db *db, const char *kind, const char *title, const char *body,
					 const char *subject_zh, const char *text_zh, const char *subject_en,
					 const char *text_en, int64_t now, int64_t *accounts) KF_MUST_CHECK;

/*
 * The same to every active member of a provider organisation that is not
 * banned, cancelled or purged (NOTE-1's "notify providers"): one inbox row
 * and one mail per person, however many providers the person belongs to.
 * Three INSERT … SELECT statements whatever the number of people. KF_EDB.
 */
enum kf_err kf_store_notify_providers(struct kf_db *db, const char *kind, const char *title, const char *body,
				      const char *subject_zh, const char *text_zh, const char *subject_en,
				      const char *text_en, int64_t now, int64_t *accounts) KF_MUST_CHECK;

#endif
