/* SPDX-License-Identifier: Apache-2.0 */
/* Provider routes' pieces other routes use, and the hooks the review
 * mechanism calls when a provider's review is decided. */
#ifndef KF_API_PROVIDERS_H
#define KF_API_PROVIDERS_H

#include <stdbool.h>
#include <stddef.h>

#include "core/roles.h"

struct kf_org_row;
struct kf_req;
struct kf_review_row;

/* Load the provider named by the {id} path parameter that the caller may
 * see (a member with *role set, or operator staff with role NONE). Anything
 * else answers 404 provider_not_found, as if it did not exist; a storage
 * failure answers 500. False when it replied. */
bool kf_api_load_provider(struct kf_req *r, struct kf_org_row *org, enum kf_role *role);

/* Apply an operator's decision on a qualification review inside the open
 * transaction. On a rule failure it replies and returns false (the caller
 * rolls back); on a storage failure it returns false without replying. */
bool kf_api_provider_qualification_decided(struct kf_req *r, const struct kf_review_row *rv, bool approve,
					   size_t n_reasons, const char *reasons_text, bool *replied);

#endif
