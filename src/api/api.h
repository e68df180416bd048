/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The native API: route tables of each resource group and the dispatcher
 * that authenticates, applies the consent rule (ONB-12), idempotency keys,
 * and calls the handler.
 */
#ifndef KF_API_API_H
#define KF_API_API_H

#include <stddef.h>

#include "http/router.h"
#include "http/server.h"

struct kf_req;

extern const struct kf_dispatch kf_api_dispatch;

/* Every route of the process, for the OpenAPI check and the CLI. */
const struct kf_route *kf_api_routes(size_t *n);

/* Resource groups; each file defines its table and its count. */
extern const struct kf_route kf_api_system_routes[];
extern const size_t kf_api_system_nroutes;
extern const struct kf_route kf_api_accounts_routes[];
extern const size_t kf_api_accounts_nroutes;
extern const struct kf_route kf_api_agreements_routes[];
extern const size_t kf_api_agreements_nroutes;
extern const struct kf_route kf_api_providers_routes[];
extern const size_t kf_api_providers_nroutes;
extern const struct kf_route kf_api_reviews_routes[];
extern const size_t kf_api_reviews_nroutes;
extern const struct kf_route kf_api_files_routes[];
extern const size_t kf_api_files_nroutes;
extern const struct kf_route kf_api_inbox_routes[];
extern const size_t kf_api_inbox_nroutes;
extern const struct kf_route kf_api_authorizations_routes[];
extern const size_t kf_api_authorizations_nroutes;
extern const struct kf_route kf_api_oauth_routes[];
extern const size_t kf_api_oauth_nroutes;
extern const struct kf_route kf_api_consent_routes[];
extern const size_t kf_api_consent_nroutes;
extern const struct kf_route kf_api_component_routes[];
extern const size_t kf_api_component_nroutes;
extern const struct kf_route kf_api_deliveries_routes[];
extern const size_t kf_api_deliveries_nroutes;
extern const struct kf_route kf_api_apps_routes[];
extern const size_t kf_api_apps_nroutes;
extern const struct kf_route kf_api_hosts_routes[];
extern const size_t kf_api_hosts_nroutes;
extern const struct kf_route kf_api_checks_routes[];
extern const size_t kf_api_checks_nroutes;
extern const struct kf_route kf_api_messages_routes[];
extern const size_t kf_api_messages_nroutes;
extern const struct kf_route kf_api_authenticity_routes[];
extern const size_t kf_api_authenticity_nroutes;
extern const struct kf_route kf_api_review_queue_routes[];
extern const size_t kf_api_review_queue_nroutes;
extern const struct kf_route kf_api_listing_apps_routes[];
extern const size_t kf_api_listing_apps_nroutes;
extern const struct kf_route kf_api_suspension_routes[];
extern const size_t kf_api_suspension_nroutes;
extern const struct kf_route kf_api_directory_routes[];
extern const size_t kf_api_directory_nroutes;
extern const struct kf_route kf_api_listing_routes[];
extern const size_t kf_api_listing_nroutes;
extern const struct kf_route kf_api_termlists_routes[];
extern const size_t kf_api_termlists_nroutes;
extern const struct kf_route kf_api_release_routes[];
extern const size_t kf_api_release_nroutes;

/* Audit actor string of the caller ("user:12" or "anonymous"). */
const char *kf_api_actor(struct kf_req *r);

#endif
