/* SPDX-License-Identifier: Apache-2.0 */
/* The review queue's gauges for /metrics (REV-1). */
#ifndef KF_API_REVIEW_QUEUE_H
#define KF_API_REVIEW_QUEUE_H

#include <stdint.h>

struct kf_db;

/* Prometheus text of kaifang_reviews_pending{kind} and
 * kaifang_reviews_overdue{kind} at now, one sample per known kind (0 when
 * none) and per other kind that has pending reviews. malloc'd (the caller
 * frees); NULL when the database failed. */
char *kf_api_review_metrics_text(struct kf_db *db, int64_t now);

#endif
