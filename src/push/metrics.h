/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Process-wide push counters, updated by the delivery thread with relaxed
 * atomics and read by kf_push_metrics_text (push.h).
 */
#ifndef KF_PUSH_METRICS_H
#define KF_PUSH_METRICS_H

#include <stdint.h>

enum kf_push_outcome {
	KF_PUSH_OUTCOME_DELIVERED,
	KF_PUSH_OUTCOME_FAILED, /* will be retried */
	KF_PUSH_OUTCOME_DEAD,   /* failed for the last time */
};

/* Count one attempt. latency_us < 0 when no request was sent (the app's
 * config was unusable): counted by outcome, kept out of the histogram. */
void kf_push_metrics_count(enum kf_push_outcome o, int64_t latency_us);

#endif
