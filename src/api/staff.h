/* SPDX-License-Identifier: Apache-2.0 */
/* The operator's staff, audit log and system figures (staff.c). */
#ifndef KF_API_STAFF_H
#define KF_API_STAFF_H

#include <stdint.h>

struct kf_db;

/* The lines /metrics adds for the URL-check and mail queues, the schema
 * version and the build (Prometheus text; malloc'd, the caller frees;
 * NULL on a storage error). GET /v1/system reads the same store functions. */
char *kf_api_system_metrics_text(struct kf_db *db, int64_t now);

#endif
