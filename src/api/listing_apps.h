/* SPDX-License-Identifier: Apache-2.0 */
/* Search and display listing applications (REV-2, REV-3): the hook the
 * review mechanism calls when one is decided. */
#ifndef KF_API_LISTING_APPS_H
#define KF_API_LISTING_APPS_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

struct kf_req;
struct kf_review_row;

/* Apply a decision on a search_listing or display_listing review inside
 * the open transaction. decision is the decision body (borrowed): a display
 * listing's carries evidence_holds (REV-3). Approval sets the app's
 * search_listed / display_listed flag; the provider is notified with the
 * reasons (REV-5). Contract as kf_api_provider_qualification_decided: on a
 * rule failure it replies (400 REV-3, 409 REV-2) and sets *replied. */
bool kf_api_listing_application_decided(struct kf_req *r, const struct kf_review_row *rv, bool approve,
					size_t n_reasons, const char *reasons_text, json_t *decision,
					bool *replied);

#endif
