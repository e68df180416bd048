/* SPDX-License-Identifier: Apache-2.0 */
/* Hooks the review mechanism calls when an app's review is decided. */
#ifndef KF_API_APPS_H
#define KF_API_APPS_H

#include <stdbool.h>
#include <stddef.h>

struct kf_req;
struct kf_review_row;

/* Apply a decision on a creation review inside the open transaction (see
 * kf_api_provider_qualification_decided for the contract). */
bool kf_api_app_creation_decided(struct kf_req *r, const struct kf_review_row *rv, bool approve, size_t n_reasons,
				 const char *reasons_text, bool *replied);

#endif
