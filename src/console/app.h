/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The frame of one app's pages, shared by the app pages (console/apps.c:
 * overview, basic info, permission sets, development settings,
 * credentials, versions, ICP filings, develop locally) and the release
 * pages (console/app_release.c: listing, checks, submissions,
 * deliveries). An app is named by its public app_id in every URL and
 * every text; internal numbers never appear.
 */
#ifndef KF_CONSOLE_APP_H
#define KF_CONSOLE_APP_H

#include <jansson.h>
#include <stdbool.h>

#include "console/console.h"

/*
 * GET /v1/apps/{app_id} as the signed-in person. True with *app set (a
 * borrowed reference, valid until the request ends). False after showing
 * the 404 page (the API answered 404 or 403: another provider's app, an
 * id that is not an app id, a deleted app) or an error page: the caller
 * just returns.
 */
bool kf_con_app_load(struct kf_con *c, const char *app_id, json_t **app);

/*
 * Open an app's page: section "apps", crumbs Apps / <app name> (the name
 * of the draft configuration, else the live one, else the app_id), the
 * page title, and the app's tabs with `tab` current. Tab keys and their
 * pages (all under /console/apps/{app_id}):
 *   "overview"     ""             state, what to do next, creation review
 *   "info"         "/info"        basic info (name, intro, website, icon)
 *   "permissions"  "/permissions" permission sets the app asks for
 *   "dev"          "/dev"         development settings
 *   "credentials"  "/credentials" app secret and its rotation
 *   "versions"     "/versions"    configuration versions, diff, activation
 *   "icp"          "/icp"         ICP filings of the provider's entity
 *   "listing"      "/listing"     listing editor            (app_release.c)
 *   "checks"       "/checks"      capability checks, authenticity (app_release.c)
 *   "submissions"  "/submissions" release and change reviews (app_release.c)
 *   "deliveries"   "/deliveries"  pushed events and replay  (app_release.c)
 *   "governance"   "/governance"  measures, objections, withdrawal (app_governance.c)
 *   "campaigns"    "/campaigns"   marketing campaigns, GOV-8 (app_campaigns.c)
 * A page that is no tab (develop locally, a confirmation) passes NULL.
 * Then write the content and kf_con_finish(c).
 */
void kf_con_app_open(struct kf_con *c, json_t *app, const char *tab, const char *title);

/* The app's name as above (borrowed from app, or its app_id). */
const char *kf_con_app_name(struct kf_con *c, json_t *app);
/* The app's public id (borrowed). */
const char *kf_con_app_id(json_t *app);
/* "/console/apps/{app_id}" followed by suffix (may be ""), in the arena. */
const char *kf_con_app_href(struct kf_con *c, json_t *app, const char *suffix);

#endif
