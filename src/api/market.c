/* SPDX-License-Identifier: Apache-2.0 */
/*
 * One app of the marketplace (issue 13): GET /v1/market/apps/{app_id}, the
 * public page data of an app installable by its link, and its public media
 * (logo, previews) with strong ETags and cache headers. An app is shown
 * while it is released to every host account, also when not recommended
 * (GOV-1: absent from lists and search, reachable by its link); withdrawn
 * (GOV-2), delisted, suspended (AUTH-5), unreleased, self-use and deleted
 * apps are not found. The lists and the search are in market_search.c.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "api/common.h"
#include "api/market.h"
#include "core/app.h"
#include "ctx.h"
#include "http/request.h"
#include "store/apps.h"
#include "store/files.h"
#include "store/market.h"
#include "store/permsets.h"
#include "util/mem.h"

/* Media change only with a new listing, which names new files (a new URL
 * content, a new ETag): an hour's freshness, then a cheap revalidation. */
#define MEDIA_MAX_AGE "public, max-age=3600"

static json_t *str_or_null(json_t *v)
{
	return json_is_string(v) ? json_incref(v) : json_null();
}

/* The stored row of an app shown in the marketplace: released, public, its
 * live listing parsed into *body (new reference). NULL when there is none
 * (err filled) or storage failed (err KF_EDB). */
static json_t *market_row(struct kf_req *r, const char *app_id, json_t **body, struct kf_error *err)
{
	json_t *row = NULL;
	*body = NULL;
	enum kf_err rc = app_id && kf_app_id_valid(app_id) ? kf_store_market_app(kf_req_db(r), app_id, &row)
							   : KF_ENOTFOUND;
	if (rc == KF_EDB) {
		kf_error_set(err, KF_EDB, "storage_error", NULL, NULL, "the app could not be read");
		return NULL;
	}
	const char *state = rc == KF_OK ? json_string_value(json_object_get(row, "state")) : NULL;
	const char *aud = rc == KF_OK ? json_string_value(json_object_get(row, "audience")) : NULL;
	/* GOV-1, GOV-2, AUTH-5: only a released public app; withdrawn_at is
	 * checked too, for a withdrawal recorded before the state moved */
	bool shown = state && !strcmp(state, "released") && aud && !strcmp(aud, "public") &&
		     json_is_null(json_object_get(row, "withdrawn_at"));
	if (shown)
		*body = json_loads(json_string_value(json_object_get(row, "body")), 0, NULL);
	if (!shown || !json_is_object(*body)) {
		json_decref(*body);
		*body = NULL;
		json_decref(row);
		kf_error_set(err, KF_ENOTFOUND, "app_not_found", NULL, "app_id",
			     "no app by this id is available in the marketplace");
		return NULL;
	}
	return row;
}

/* The listing's preview file ids, desktop ones first: the n of
 * /previews/{n} counts from 0 over this list. */
static json_t *previews(json_t *body)
{
	json_t *out = json_array(), *v;
	static const char *const keys[] = {"previews_desktop", "previews_mobile"};
	for (size_t k = 0; k < 2; k++) {
		size_t i;
		json_array_foreach(json_object_get(body, keys[k]), i, v)
			if (json_is_integer(v))
				json_array_append(out, v);
	}
	return out;
}

/* The permission sets of the app's live configuration, in its order, with
 * the data each entrusts to the app, in both languages (AUTH-1: what the
 * consent page will show). */
static json_t *sets_json(struct kf_req *r, int64_t config_id)
{
	json_t *out = json_array();
	json_t *cfg = config_id ? kf_store_app_config_json(kf_req_db(r), config_id) : NULL;
	json_t *ids = json_object_get(cfg, "permission_sets"), *v;
	size_t n_ids = json_array_size(ids), n = 0, i;
	int64_t *want = kf_arena_alloc(r->arena, (n_ids ? n_ids : 1) * sizeof(*want));
	json_array_foreach(ids, i, v)
		want[i] = json_integer_value(v);
	struct kf_permset_row *rows = kf_arena_alloc(r->arena, (n_ids ? n_ids : 1) * sizeof(*rows));
	if (n_ids && kf_store_permsets_get(kf_req_db(r), r->arena, want, n_ids, rows, n_ids, &n) != KF_OK)
		n = 0;
	for (size_t m = 0; m < n; m++) {
		const struct kf_permset_row *p = &rows[m];
		json_array_append_new(
			out, json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:b}", "id", (json_int_t)p->id,
				       "key", p->key, "name", p->name_en, "name_zh", p->name, "description",
				       p->description, "description_zh",
				       *p->description_zh ? p->description_zh : p->description, "data",
				       p->data_entrusted, "data_zh",
				       *p->data_entrusted_zh ? p->data_entrusted_zh : p->data_entrusted, "required",
				       !p->optional));
	}
	json_decref(cfg);
	return out;
}

enum kf_err kf_api_market_app(struct kf_req *r, const char *app_id, json_t **out, struct kf_error *err)
{
	*out = NULL;
	json_t *body;
	json_t *row = market_row(r, app_id, &body, err);
	if (!row)
		return err->code;
	const char *id = json_string_value(json_object_get(row, "app_id"));
	json_t *prev = previews(body), *urls = json_array(), *v;
	size_t i;
	json_array_foreach(prev, i, v)
		json_array_append_new(urls, json_string(kf_arena_printf(r->arena, "/v1/market/apps/%s/previews/%zu", id, i)));
	json_decref(prev);
	json_t *version = json_object_get(body, "version"), *company = json_object_get(body, "company_name");
	const char *entity = json_string_value(json_object_get(row, "entity_name"));
	bool nr = json_integer_value(json_object_get(row, "not_recommended")) != 0;
	*out = json_pack(
		"{s:s, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:O, s:o, s:o, s:b, s:o, s:o, s:o, s:o, s:O, s:s, s:b,"
		" s:b}",
		"app_id", id, "name", str_or_null(json_object_get(body, "name")), "intro",
		str_or_null(json_object_get(body, "intro")), "description",
		str_or_null(json_object_get(body, "description")), "category",
		str_or_null(json_object_get(body, "category")), "logo_url",
		json_is_integer(json_object_get(body, "logo_file"))
			? json_string(kf_arena_printf(r->arena, "/v1/market/apps/%s/logo", id))
			: json_null(),
		"preview_urls", urls, "version",
		str_or_null(json_is_string(version) ? version : json_object_get(row, "released_version")),
		"update_notes", str_or_null(json_object_get(body, "update_notes")), "released_at",
		json_object_get(row, "released_at"), "company_name",
		str_or_null(json_is_string(company) ? company : json_object_get(row, "entity_name")), "developer",
		entity ? json_string(entity) : str_or_null(json_object_get(row, "org_name")), "verified",
		json_integer_value(json_object_get(row, "certified")) != 0, "permission_sets",
		sets_json(r, json_integer_value(json_object_get(row, "live_config_id"))), "privacy_url",
		str_or_null(json_object_get(body, "privacy_url")), "terms_url",
		str_or_null(json_object_get(body, "terms_url")), "website",
		str_or_null(json_object_get(body, "website")), "installs", json_object_get(row, "installs"),
		"listing_state", nr ? "not_recommended" : "listed", "featured",
		!nr && json_integer_value(json_object_get(row, "display_listed")) != 0, "installable",
		json_integer_value(json_object_get(row, "new_auth_closed")) == 0);
	if (json_integer_value(json_object_get(row, "new_auth_closed")) != 0)
		json_object_set_new(*out, "not_installable",
				    json_pack("{s:s, s:s}", "code", "new_authorizations_closed", "rule", "GOV-7"));
	json_decref(body);
	json_decref(row);
	return KF_OK;
}

/* JSON as UTF-8 text, not \u escapes (issue 13): Chinese names stay
 * readable and the answer is a third shorter. */
static void reply_utf8(struct kf_req *r, json_t *j)
{
	char *s = json_dumps(j, JSON_COMPACT);
	json_decref(j);
	if (!s) {
		kf_reply_fail(r, KF_EINTERNAL, "internal", NULL, NULL, "cannot encode response");
		return;
	}
	kf_reply_raw(r, 200, "application/json; charset=utf-8", s, strlen(s));
	free(s);
}

static void api_market_app(struct kf_req *r)
{
	json_t *out;
	struct kf_error err = {0};
	if (kf_api_market_app(r, kf_req_param(r, "app_id"), &out, &err) != KF_OK) {
		kf_reply_error(r, &err);
		return;
	}
	reply_utf8(r, out);
}

/* Whether If-None-Match names etag ("*", or a list holding it; a weak
 * validator matches too, RFC 9110 §13.1.2 uses the weak comparison). */
static bool etag_matches(const char *inm, const char *etag)
{
	if (!inm)
		return false;
	size_t n = strlen(etag);
	for (const char *p = inm; *p;) {
		while (*p == ' ' || *p == ',' || *p == '\t')
			p++;
		if (*p == '*')
			return true;
		if (!strncmp(p, "W/", 2))
			p += 2;
		if (!strncmp(p, etag, n) && (p[n] == '\0' || p[n] == ',' || p[n] == ' ' || p[n] == '\t'))
			return true;
		while (*p && *p != ',')
			p++;
	}
	return false;
}

/* Send file id with its content type, a strong ETag (its SHA-256) and
 * public caching, or 304 when the client holds it already. */
static void send_media(struct kf_req *r, json_t *file_id)
{
	struct kf_file_row f;
	if (!json_is_integer(file_id) || kf_store_file_get(kf_req_db(r), json_integer_value(file_id), &f) != KF_OK) {
		kf_reply_fail(r, KF_ENOTFOUND, "not_found", NULL, NULL, "no such image in the app's listing");
		return;
	}
	const char *etag = kf_arena_printf(r->arena, "\"%s\"", f.sha256);
	if (etag_matches(kf_req_header(r, "If-None-Match"), etag)) {
		kf_reply_raw(r, 304, kf_arena_strdup(r->arena, f.content_type), "", 0);
	} else if (!kf_api_reply_file(r, &f)) {
		return; /* an error is not cached */
	}
	kf_reply_header(r, "ETag", etag);
	kf_reply_header(r, "Cache-Control", MEDIA_MAX_AGE);
}

static void api_market_logo(struct kf_req *r)
{
	struct kf_error err = {0};
	json_t *body;
	json_t *row = market_row(r, kf_req_param(r, "app_id"), &body, &err);
	if (!row) {
		kf_reply_error(r, &err);
		return;
	}
	send_media(r, json_object_get(body, "logo_file"));
	json_decref(body);
	json_decref(row);
}

static void api_market_preview(struct kf_req *r)
{
	struct kf_error err = {0};
	const char *ns = kf_req_param(r, "n");
	char *end = NULL;
	long n = ns && *ns >= '0' && *ns <= '9' && strlen(ns) <= 3 ? strtol(ns, &end, 10) : -1;
	if (n < 0 || !end || *end) {
		kf_reply_fail(r, KF_ENOTFOUND, "not_found", NULL, "n", "no such preview");
		return;
	}
	json_t *body;
	json_t *row = market_row(r, kf_req_param(r, "app_id"), &body, &err);
	if (!row) {
		kf_reply_error(r, &err);
		return;
	}
	json_t *p = previews(body);
	send_media(r, json_array_get(p, (size_t)n));
	json_decref(p);
	json_decref(body);
	json_decref(row);
}

const struct kf_route kf_api_market_routes[] = {
	{"GET", "/v1/market/apps/{app_id}", api_market_app, KF_AUTH_NONE, 0,
	 "One app of the marketplace (GOV-1, GOV-2, AUTH-1)"},
	{"GET", "/v1/market/apps/{app_id}/logo", api_market_logo, KF_AUTH_NONE, 0,
	 "The logo of a marketplace app, cacheable (LST-6)"},
	{"GET", "/v1/market/apps/{app_id}/previews/{n}", api_market_preview, KF_AUTH_NONE, 0,
	 "A preview image of a marketplace app, cacheable (LST-10)"},
};
const size_t kf_api_market_nroutes = sizeof(kf_api_market_routes) / sizeof(kf_api_market_routes[0]);
