/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The native API: route tables of each resource group and the dispatcher
 * that authenticates, applies the consent rule (ONB-12), idempotency keys,
 * and calls the handler.
 */
#ifndef KF_API_API_H
#define KF_API_API_H

#include <jansson.h>
#include <stdbool.h>
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
extern const struct kf_route kf_api_governance_routes[];
extern const size_t kf_api_governance_nroutes;
extern const struct kf_route kf_api_staffdir_routes[];
extern const size_t kf_api_staffdir_nroutes;
extern const struct kf_route kf_api_directory_routes[];
extern const size_t kf_api_directory_nroutes;
extern const struct kf_route kf_api_market_routes[];
extern const size_t kf_api_market_nroutes;
extern const struct kf_route kf_api_market_search_routes[];
extern const size_t kf_api_market_search_nroutes;
extern const struct kf_route kf_api_listing_routes[];
extern const size_t kf_api_listing_nroutes;
extern const struct kf_route kf_api_termlists_routes[];
extern const size_t kf_api_termlists_nroutes;
extern const struct kf_route kf_api_release_routes[];
extern const size_t kf_api_release_nroutes;
extern const struct kf_route kf_api_staff_routes[];
extern const size_t kf_api_staff_nroutes;
extern const struct kf_route kf_api_secondfactor_routes[];
extern const size_t kf_api_secondfactor_nroutes;
extern const struct kf_route kf_api_objections_routes[];
extern const size_t kf_api_objections_nroutes;
/* The console's pages (src/console/), served by the same dispatcher. */
extern const struct kf_route kf_console_base_routes[];
extern const size_t kf_console_base_nroutes;
extern const struct kf_route kf_console_apps_routes[];
extern const size_t kf_console_apps_nroutes;
extern const struct kf_route kf_console_orgs_routes[];
extern const size_t kf_console_orgs_nroutes;
extern const struct kf_route kf_console_account_routes[];
extern const size_t kf_console_account_nroutes;
extern const struct kf_route kf_console_release_routes[];
extern const size_t kf_console_release_nroutes;
extern const struct kf_route kf_console_hosts_routes[];
extern const size_t kf_console_hosts_nroutes;
extern const struct kf_route kf_console_ops_routes[];
extern const size_t kf_console_ops_nroutes;
extern const struct kf_route kf_console_ops_staff_routes[];
extern const size_t kf_console_ops_staff_nroutes;
extern const struct kf_route kf_console_ops_audit_routes[];
extern const size_t kf_console_ops_audit_nroutes;
extern const struct kf_route kf_console_review_routes[];
extern const size_t kf_console_review_nroutes;
extern const struct kf_route kf_console_ops_directory_routes[];
extern const size_t kf_console_ops_directory_nroutes;
extern const struct kf_route kf_console_security_routes[];
extern const size_t kf_console_security_nroutes;
extern const struct kf_route kf_api_catalog_routes[];
extern const size_t kf_api_catalog_nroutes;
/* GOV-8 marketing campaigns (api/campaigns.c) and their pages
 * (console/app_campaigns.c, console/ops_campaigns.c). */
extern const struct kf_route kf_api_campaigns_routes[];
extern const size_t kf_api_campaigns_nroutes;
extern const struct kf_route kf_console_campaigns_routes[];
extern const size_t kf_console_campaigns_nroutes;
extern const struct kf_route kf_console_ops_campaigns_routes[];
extern const size_t kf_console_ops_campaigns_nroutes;
extern const struct kf_route kf_console_ops_settings_routes[];
extern const size_t kf_console_ops_settings_nroutes;
extern const struct kf_route kf_console_reviews_routes[];
extern const size_t kf_console_reviews_nroutes;
extern const struct kf_route kf_console_ops_governance_routes[];
extern const size_t kf_console_ops_governance_nroutes;
extern const struct kf_route kf_console_app_governance_routes[];
extern const size_t kf_console_app_governance_nroutes;
extern const struct kf_route kf_console_market_routes[];
extern const size_t kf_console_market_nroutes;

/*
 * An in-process call of a route by a console page (src/console/): the
 * page's signed-in caller calls method path as the API would be called,
 * with query (may be NULL) and a body: JSON (json, borrowed, may be NULL)
 * or raw bytes of content type ctype (uploads). The dispatcher's own work
 * runs (route match, the route's authentication level, the consent rule,
 * the write transaction); authentication itself and the cross-site check
 * were done for the page. The answer is in out: status and, when JSON,
 * body (owned by the request arena). When the handler deferred its work
 * (kf_req_defer), out->deferred is set and r->defer_fn holds it: the page
 * must finish in a deferred function of its own that runs it first.
 */
struct kf_form;
struct kf_call {
	int status;
	json_t *body;          /* NULL when the answer is not JSON */
	const char *raw;       /* the answer's bytes (in the arena) */
	size_t raw_len;
	const char *type;      /* its content type */
	bool deferred;
};
void kf_api_call(struct kf_req *r, const char *method, const char *path, const struct kf_form *query,
		 json_t *json, struct kf_call *out);
void kf_api_call_raw(struct kf_req *r, const char *method, const char *path, const struct kf_form *query,
		     const char *ctype, const void *data, size_t len, struct kf_call *out);
/* Turn the reply a deferred handler set on r into out (as kf_api_call). */
void kf_api_take_reply(struct kf_req *r, struct kf_call *out);

/* Audit actor string of the caller ("user:12" or "anonymous"). */
const char *kf_api_actor(struct kf_req *r);

#endif
