/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Storage of the notices to staff about reviews (REV-1, issue 12): which
 * notice of a review went out (once each), what each staff member was told
 * (their daily digest), and each staff member's digest switch.
 */
#ifndef KF_STORE_STAFF_H
#define KF_STORE_STAFF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"

struct kf_db;
struct json_t;

/* The notice kinds, as stored: "new", "due_soon", "overdue". */
#define KF_STAFF_NOTICE_KINDS 3
extern const char *const kf_staff_notice_kinds[KF_STAFF_NOTICE_KINDS];

/* A notice whose moment is long past is not sent late (nor in a flood when
 * a platform with a full queue upgrades): "new" only for reviews submitted
 * within the last 2 days, "overdue" only within 7 days of the deadline. */
#define KF_STAFF_NOTICE_NEW_WINDOW (2 * 86400)
#define KF_STAFF_NOTICE_OVERDUE_WINDOW (7 * 86400)

/* Pending reviews that have not had notice `kind` yet, oldest deadline
 * first, at most max ids into ids[] (*n how many): for "new" those
 * submitted within KF_STAFF_NOTICE_NEW_WINDOW; for "due_soon" those due in
 * [now, until]; for "overdue" those due before now, within
 * KF_STAFF_NOTICE_OVERDUE_WINDOW. KF_EDB. */
enum kf_err kf_store_staff_due_reviews(struct kf_db *db, const char *kind, int64_t now, int64_t until, int64_t *ids,
				       size_t max, size_t *n) KF_MUST_CHECK;

/* Record that notice kind of a review went out at now; *first is false
 * when it already had (nothing changes then). KF_EDB. */
enum kf_err kf_store_review_notice_mark(struct kf_db *db, int64_t review_id, const char *kind, int64_t now,
					bool *first) KF_MUST_CHECK;

/* Active operator staff with the role reviewer or admin, by id, at most
 * max into ids[]. KF_EDB. */
enum kf_err kf_store_staff_reviewer_ids(struct kf_db *db, int64_t *ids, size_t max, size_t *n) KF_MUST_CHECK;

/* Remember that user_id was told notice kind of a review at now (for the
 * digest); *first false when already told. KF_EDB. */
enum kf_err kf_store_staff_notice_add(struct kf_db *db, int64_t user_id, int64_t review_id, const char *kind,
				      int64_t now, bool *first) KF_MUST_CHECK;

/* Staff with notices not yet in a digest, by id, at most max. KF_EDB. */
enum kf_err kf_store_staff_digest_users(struct kf_db *db, int64_t *ids, size_t max, size_t *n) KF_MUST_CHECK;

/* A staff member's switch (true when no row: the default) and the local
 * day number of their last digest (0: none). KF_EDB. */
enum kf_err kf_store_staff_settings(struct kf_db *db, int64_t user_id, bool *digest, int64_t *last_day) KF_MUST_CHECK;

/* The notices of user_id not yet in a digest, oldest first, as a JSON
 * array of {review_id, notice, kind, subject_name, provider_name, due_at}
 * (new reference) or NULL. */
struct json_t *kf_store_staff_digest_items(struct kf_db *db, int64_t user_id);

/* Mark user_id's undigested notices as mailed at now; when day is not 0,
 * remember it as the day of their last digest. KF_EDB. */
enum kf_err kf_store_staff_digest_done(struct kf_db *db, int64_t user_id, int64_t now, int64_t day) KF_MUST_CHECK;

/* Switch a staff member's daily digest on or off. KF_EDB. */
enum kf_err kf_store_staff_set_digest(struct kf_db *db, int64_t user_id, bool on, int64_t now) KF_MUST_CHECK;

/* Operator staff (active and disabled), by id: [{user_id, name, email,
 * role, status, digest}] (new reference) or NULL. */
struct json_t *kf_store_staff_list_json(struct kf_db *db);

#endif
