/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The marketplace's lists (browse, category, featured, search) as the JSON
 * of GET /v1/market/apps, shared by that route and the marketplace pages.
 */
#ifndef KF_API_MARKET_H
#define KF_API_MARKET_H

#include <jansson.h>
#include <stdbool.h>

#include "core/err.h"

struct kf_req;

struct kf_market_query {
	const char *q;        /* NULL: browse; else search text (1..100 bytes of UTF-8) */
	const char *category; /* NULL or a category key */
	bool featured;        /* only display-listed apps (REV-3) */
	const char *cursor;   /* NULL or the next_cursor of an earlier answer */
	int limit;            /* 1..100 */
};

/*
 * *out = {"items": [{"app_id", "name", "intro", "category", "logo_url",
 * "company_name", "verified", "installs", "version", "released_at",
 * "featured"}], "next_cursor": string|null}. Only released apps listed in
 * the marketplace appear: never not-recommended, withdrawn, delisted or
 * suspended ones (GOV-1, GOV-2); a search finds only search-listed apps
 * (REV-2) without a search ban (GOV-5, GOV-7). KF_EINVAL for a bad cursor
 * or text (field named); KF_EDB on a storage error.
 */
enum kf_err kf_api_market_apps(struct kf_req *r, const struct kf_market_query *q, json_t **out,
			       struct kf_error *err) KF_MUST_CHECK;

/*
 * GET /v1/market/apps/{app_id}: one app's public page data, for any app
 * installable by its link (released, also not recommended); *out = {"app_id",
 * "name", "intro", "description", "category", "logo_url", "preview_urls",
 * "version", "update_notes", "released_at", "company_name", "verified",
 * "permission_sets": [{"id", "name", "description", "data"}],
 * "privacy_url", "terms_url", "website", "installs", "listing_state"}.
 * KF_ENOTFOUND "app_not_found" otherwise.
 */
enum kf_err kf_api_market_app(struct kf_req *r, const char *app_id, json_t **out,
			      struct kf_error *err) KF_MUST_CHECK;

#endif
