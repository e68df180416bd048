/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Notices to staff about reviews (REV-1, issue 12), run by the worker with
 * the time passed in: a new review, a review due tomorrow (one working day
 * left, or less) and an overdue review reach the assignee, or every active
 * reviewer and admin when nobody has it, in the inbox, each once; and a
 * daily digest mail lists what each person was told since their last one
 * (at most one mail per person per local day), unless an admin switched
 * their digest off.
 */
#ifndef KF_STAFF_NOTICES_H
#define KF_STAFF_NOTICES_H

#include <stdint.h>

struct kf_ctx;
struct kf_db;

/* One pass: inbox notices, then digests. Returns how many inbox notices and
 * mails it wrote, or -1 when the database failed. */
int kf_staff_notice_pass(struct kf_ctx *ctx, struct kf_db *db, int64_t now);

#endif
