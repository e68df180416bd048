/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The public app directory (APP-6): released apps, newest release first,
 * from each app's live listing. Browsing shows every released public app;
 * a text query finds only search-listed apps (REV-2) and featured=true
 * keeps the display-listed ones (REV-3). Suspended, delisted and withdrawn
 * apps are not released, so they never appear (GOV-1, GOV-2).
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "api/common.h"
#include "core/validate.h"
#include "http/request.h"
#include "store/db.h"
#include "store/listing_apps.h"
#include "store/listings.h"
#include "core/app.h"
#include "ctx.h"
#include "store/apps.h"
#include "store/files.h"
#include "util/mem.h"

#define DIRECTORY_LIMIT_DEFAULT 20
#define DIRECTORY_LIMIT_MAX 100
#define DIRECTORY_Q_MAX 100
#define DIRECTORY_CATEGORY_MAX 64

/* A text parameter of 1..max bytes of UTF-8, or absent. */
static bool text_param(struct kf_req *r, const char *name, size_t max, const char **out)
{
	const char *v = kf_req_query(r, name);
	*out = v;
	if (!v)
		return true;
	size_t n = strlen(v);
	if (n == 0 || n > max || !kf_validate_utf8(v, n)) {
		kf_reply_fail(r, KF_EINVAL, "invalid_value", NULL, name, "%s must be 1 to %zu bytes of text", name, max);
		return false;
	}
	return true;
}

static json_t *str_or_null(json_t *v)
{
	return json_is_string(v) ? json_incref(v) : json_null();
}

/* One directory entry from a store row (the listing body is JSON text). */
static json_t *entry(json_t *row)
{
	json_t *body = json_loads(json_string_value(json_object_get(row, "body")), 0, NULL);
	json_t *version = json_object_get(body, "version");
	json_t *company = json_object_get(body, "company_name");
	json_t *logo = json_object_get(body, "logo_file");
	json_t *o = json_pack(
		"{s:O, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:O, s:b}", "app_id", json_object_get(row, "app_id"), "name",
		str_or_null(json_object_get(body, "name")), "intro", str_or_null(json_object_get(body, "intro")),
		"category", str_or_null(json_object_get(body, "category")), "logo_file",
		json_is_integer(logo) ? json_incref(logo) : json_null(), "version",
		str_or_null(json_is_string(version) ? version : json_object_get(row, "released_version")),
		"company_name", str_or_null(json_is_string(company) ? company : json_object_get(row, "entity_name")),
		"website", str_or_null(json_object_get(body, "website")), "released_at",
		json_object_get(row, "released_at"), "featured",
		json_integer_value(json_object_get(row, "display_listed")) != 0);
	json_decref(body);
	return o;
}

static void api_directory_list(struct kf_req *r)
{
	struct kf_directory_query q = {0};
	const char *featured = kf_req_query(r, "featured");
	struct kf_page_key after;
	if (!text_param(r, "category", DIRECTORY_CATEGORY_MAX, &q.category) ||
	    !text_param(r, "q", DIRECTORY_Q_MAX, &q.q))
		return;
	if (featured && strcmp(featured, "true") && strcmp(featured, "false")) {
		kf_reply_fail(r, KF_EINVAL, "invalid_value", "REV-3", "featured", "featured is true or false");
		return;
	}
	q.featured = featured && !strcmp(featured, "true");
	if (!kf_api_page_keyset(r, DIRECTORY_LIMIT_DEFAULT, DIRECTORY_LIMIT_MAX, &after, &q.limit))
		return;
	q.has_after = after.set;
	q.after_at = after.key;
	q.after_id = after.id;
	json_t *rows = kf_store_directory_json(kf_req_db(r), &q);
	if (!rows) {
		kf_reply_db_error(r);
		return;
	}
	json_t *items = json_array();
	size_t i;
	json_t *row;
	json_array_foreach(rows, i, row)
		json_array_append_new(items, entry(row));
	size_t n = json_array_size(rows);
	json_t *last = json_array_get(rows, n - 1);
	json_t *next = n == (size_t)q.limit
			       ? json_string(kf_api_cursor(r, json_integer_value(json_object_get(last, "released_at")),
							   json_integer_value(json_object_get(last, "id"))))
			       : json_null();
	json_decref(rows);
	kf_reply_json(r, 200, json_pack("{s:o, s:o}", "items", items, "next_after", next));
}

/* The category catalog (REV-6, LST-7): public, because a provider picks a
 * category before it has an app and the marketplace lists them. Each
 * category with its Chinese and English names and the special
 * qualifications (document keys) an app in it must submit. */
static void api_categories_list(struct kf_req *r)
{
	struct kf_category_row *rows = NULL;
	size_t n = 0;
	if (kf_store_categories_list(kf_req_db(r), r->arena, &rows, &n) != KF_OK) {
		kf_reply_db_error(r);
		return;
	}
	json_t *items = json_array();
	for (size_t i = 0; i < n; i++) {
		/* the operators' catalog: keep only strings of a list */
		json_t *stored = json_loads(rows[i].qualifications, 0, NULL), *q = json_array(), *d;
		size_t k;
		json_array_foreach(stored, k, d)
			if (json_is_string(d))
				json_array_append(q, d);
		json_decref(stored);
		json_array_append_new(items, json_pack("{s:s, s:s, s:s, s:s, s:o}", "id", rows[i].key, "name",
						       rows[i].name, "name_zh", rows[i].name, "name_en", rows[i].name_en,
						       "qualifications", q));
	}
	kf_reply_json(r, 200, json_pack("{s:o}", "items", items));
}

/* The logo of a released app's live listing (LST-6), public like the
 * directory entry that names it: the consent page and the marketplace show
 * it to people who are not the uploader. Anything else is 404. */
static void api_directory_logo(struct kf_req *r)
{
	const char *app_id = kf_req_param(r, "app_id");
	struct kf_app_row app;
	struct kf_listing_row l = {0};
	struct kf_file_row f;
	struct kf_db *db = kf_req_db(r);
	bool found = app_id && kf_app_id_valid(app_id) && kf_store_app_by_appid(db, app_id, &app) == KF_OK &&
		     app.state == KF_APP_RELEASED && app.live_listing_id &&
		     kf_store_listing_get(db, app.live_listing_id, &l) == KF_OK;
	json_t *logo = found ? json_object_get(l.body, "logo_file") : NULL;
	found = found && json_is_integer(logo) && kf_store_file_get(db, json_integer_value(logo), &f) == KF_OK;
	if (l.body)
		kf_store_listing_row_clear(&l);
	if (!found) {
		kf_reply_fail(r, KF_ENOTFOUND, "not_found", NULL, "app_id", "no released app with a logo by this id");
		return;
	}
	kf_api_reply_file(r, &f);
}

const struct kf_route kf_api_directory_routes[] = {
	{"GET", "/v1/directory/{app_id}/logo", api_directory_logo, KF_AUTH_NONE, 0,
	 "The logo of a released app's listing (LST-6)"},
	{"GET", "/v1/categories", api_categories_list, KF_AUTH_NONE, 0,
	 "The category catalog with the qualifications each requires (REV-6)"},
	{"GET", "/v1/directory", api_directory_list, KF_AUTH_NONE, 0,
	 "The public directory of released apps (APP-6, REV-2, REV-3)"},
};
const size_t kf_api_directory_nroutes = sizeof(kf_api_directory_routes) / sizeof(kf_api_directory_routes[0]);
