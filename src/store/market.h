/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The marketplace's reads of one app (issue 13): the app with its live
 * listing, its provider's developer name and entity certification, its
 * market columns (GOV-1, GOV-2, GOV-7) and its current installs. Runs on
 * the caller's connection.
 */
#ifndef KF_STORE_MARKET_H
#define KF_STORE_MARKET_H

#include <stdint.h>

#include "core/err.h"

struct kf_db;
struct json_t;

/*
 * The app whose public id is app_id, not deleted, with a live listing:
 * *out = a new reference to {"id", "app_id", "state", "audience",
 * "live_config_id", "live_listing_id", "released_version", "released_at",
 * "not_recommended", "new_auth_closed", "withdrawn_at", "display_listed",
 * "org_name", "entity_name", "certified" (0/1: the entity's certification),
 * "installs" (live authorizations of real host accounts), "body" (the listing's JSON
 * text)}. KF_ENOTFOUND when there is no such app or it has no live
 * listing; KF_EDB.
 */
enum kf_err kf_store_market_app(struct kf_db *db, const char *app_id, struct json_t **out) KF_MUST_CHECK;

#endif
