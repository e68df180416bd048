/* SPDX-License-Identifier: Apache-2.0 */
/* Hooks the review mechanism calls when a provider's review is decided. */
#ifndef KF_API_PROVIDERS_H
#define KF_API_PROVIDERS_H

#include <stdbool.h>
#include <stddef.h>

struct kf_req;
struct kf_review_row;

/* Apply an operator's decision on a qualification review inside the open
 * transaction. On a rule failure it replies and returns false (the caller
 * rolls back); on a storage failure it returns false without replying. */
bool kf_api_provider_qualification_decided(struct kf_req *r, const struct kf_review_row *rv, bool approve,
					   size_t n_reasons, const char *reasons_text, bool *replied);

#endif
