/* SPDX-License-Identifier: Apache-2.0 */
/* The providers' authenticity certification (APP-9): the check the release
 * pipeline asks and the hook the review mechanism calls. */
#ifndef KF_API_AUTHENTICITY_H
#define KF_API_AUTHENTICITY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct kf_db;
struct kf_req;
struct kf_review_row;

/* APP-9: does the provider org_id hold an authenticity certification that
 * is valid at now? *valid_until (may be NULL) gets the end of the latest
 * approved one (0 when it has none), also when that end has passed. False
 * when there is none, when it expired, and when the database failed (the
 * check fails closed). Runs inside or outside a transaction. */
bool kf_api_authenticity_valid(struct kf_db *db, int64_t org_id, int64_t now, int64_t *valid_until);

/* Apply a decision on an authenticity review inside the open transaction:
 * approval makes the certification valid for authenticity-valid-days
 * (APP-9); the provider is notified either way (REV-5). Contract as
 * kf_api_provider_qualification_decided. */
bool kf_api_authenticity_decided(struct kf_req *r, const struct kf_review_row *rv, bool approve, size_t n_reasons,
				 const char *reasons_text, bool *replied);

#endif
