/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The marketplace's lists (issue 13): GET /v1/market/apps browses the
 * released public apps (installs, then recency, minus GOV-7's penalty),
 * by category or featured (REV-3), and searches them with q (Chinese and
 * Latin text, pinyin and its initials; core/search.h, store/search.h).
 * Not-recommended, withdrawn, delisted and suspended apps never appear
 * (GOV-1, GOV-2); a search finds only search-listed apps (REV-2) without
 * a search ban (GOV-5, GOV-7). The answer is JSON with unescaped UTF-8.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "api/common.h"
#include "api/market.h"
#include "core/search.h"
#include "core/validate.h"
#include "http/request.h"
#include "store/search.h"
#include "util/mem.h"

#define MARKET_LIMIT_DEFAULT 20
#define MARKET_LIMIT_MAX 100
#define MARKET_Q_MAX 100
#define MARKET_CATEGORY_MAX 64
/* A search ranks at most this many matches (deeper pages end the list). */
#define MARKET_SEARCH_DEPTH 1000
#define MARKET_BROWSE_DEPTH 100000

/* The check part of a cursor: a hash of what the list is of, so that a
 * cursor of another list or an edited one is refused. */
static int64_t cursor_check(const char *nq, const struct kf_market_query *q)
{
	uint32_t h = 2166136261u;
	const char *parts[] = {nq ? nq : "\x01", q->category ? q->category : "\x01", q->featured ? "f" : "a"};
	for (size_t i = 0; i < 3; i++) {
		for (const unsigned char *p = (const unsigned char *)parts[i]; *p; p++)
			h = (h ^ *p) * 16777619u;
		h = (h ^ 0xff) * 16777619u;
	}
	return (int64_t)(h & 0x7fffffff);
}

static json_t *str_or_null(json_t *v)
{
	return json_is_string(v) ? json_incref(v) : json_null();
}

/* One item of the list from a store row (the listing body is JSON text). */
static json_t *item(struct kf_req *r, json_t *row)
{
	json_t *body = json_loads(json_string_value(json_object_get(row, "body")), 0, NULL);
	json_t *version = json_object_get(body, "version");
	json_t *company = json_object_get(body, "company_name");
	const char *app_id = json_string_value(json_object_get(row, "app_id"));
	json_t *logo = json_is_integer(json_object_get(body, "logo_file"))
			       ? json_string(kf_arena_printf(r->arena, "/v1/market/apps/%s/logo", app_id))
			       : json_null();
	json_t *o = json_pack(
		"{s:s, s:o, s:o, s:o, s:o, s:o, s:b, s:O, s:o, s:O, s:b}", "app_id", app_id, "name",
		str_or_null(json_object_get(body, "name")), "intro", str_or_null(json_object_get(body, "intro")),
		"category", str_or_null(json_object_get(body, "category")), "logo_url", logo, "company_name",
		str_or_null(json_is_string(company) ? company : json_object_get(row, "entity_name")), "verified",
		!json_is_null(json_object_get(row, "verified_at")) && json_object_get(row, "verified_at"), "installs",
		json_object_get(row, "installs"), "version",
		str_or_null(json_is_string(version) ? version : json_object_get(row, "released_version")), "released_at",
		json_object_get(row, "released_at"), "featured",
		json_integer_value(json_object_get(row, "display_listed")) != 0);
	json_decref(body);
	return o;
}

static bool text_ok(const char *v, size_t max)
{
	size_t n = strlen(v);
	return n > 0 && n <= max && kf_validate_utf8(v, n);
}

enum kf_err kf_api_market_apps(struct kf_req *r, const struct kf_market_query *q, json_t **out,
			       struct kf_error *err)
{
	*out = NULL;
	if (q->limit < 1 || q->limit > MARKET_LIMIT_MAX)
		return kf_error_set(err, KF_EINVAL, "invalid_value", NULL, "limit", "limit is 1 to %d",
				    MARKET_LIMIT_MAX);
	if (q->category && !text_ok(q->category, MARKET_CATEGORY_MAX))
		return kf_error_set(err, KF_EINVAL, "invalid_value", NULL, "category",
				    "category must be 1 to %d bytes of text", MARKET_CATEGORY_MAX);
	char *nq = NULL;
	if (q->q) {
		if (!text_ok(q->q, MARKET_Q_MAX))
			return kf_error_set(err, KF_EINVAL, "invalid_value", NULL, "q",
					    "q must be 1 to %d bytes of text", MARKET_Q_MAX);
		nq = kf_search_normalize(q->q);
		if (!nq || !*nq) {
			free(nq);
			return kf_error_set(err, KF_EINVAL, "invalid_value", NULL, "q",
					    "q has nothing to search for (only spaces or control characters)");
		}
	}
	int64_t check = cursor_check(nq, q), skip = 0;
	if (q->cursor) {
		struct kf_page_key k;
		if (!kf_api_cursor_parse(q->cursor, &k) || k.id != check ||
		    k.key > (nq ? MARKET_SEARCH_DEPTH : MARKET_BROWSE_DEPTH)) {
			free(nq);
			return kf_error_set(err, KF_EINVAL, "invalid_value", NULL, "cursor",
					    "cursor is not the next_cursor of this list");
		}
		skip = k.key;
	}
	struct kf_market_filter f = {q->category, q->featured};
	int want = q->limit + 1, n = 0;
	int64_t *ids = kf_arena_alloc(r->arena, sizeof(int64_t) * (size_t)want);
	enum kf_err rc = nq ? kf_store_search_query(kf_req_db(r), nq, &f, (int)skip, want, ids, &n)
			    : kf_store_market_browse(kf_req_db(r), &f, (int)skip, want, ids, &n);
	free(nq);
	json_t *rows = rc == KF_OK ? kf_store_market_rows(kf_req_db(r), ids, n < q->limit ? n : q->limit) : NULL;
	if (!rows)
		return kf_error_set(err, KF_EDB, "storage_error", NULL, NULL, "the marketplace could not be read");
	json_t *items = json_array(), *row;
	size_t i;
	json_array_foreach(rows, i, row)
		json_array_append_new(items, item(r, row));
	json_decref(rows);
	int64_t next = skip + q->limit;
	bool more = n > q->limit && next <= (q->q ? MARKET_SEARCH_DEPTH : MARKET_BROWSE_DEPTH);
	*out = json_pack("{s:o, s:o}", "items", items, "next_cursor",
			 more ? json_string(kf_api_cursor(r, next, check)) : json_null());
	return KF_OK;
}

static void api_market_apps(struct kf_req *r)
{
	struct kf_market_query q = {.q = kf_req_query(r, "q"), .category = kf_req_query(r, "category"),
				    .cursor = kf_req_query(r, "cursor"), .limit = MARKET_LIMIT_DEFAULT};
	const char *featured = kf_req_query(r, "featured"), *limit = kf_req_query(r, "limit");
	if (featured && strcmp(featured, "true") && strcmp(featured, "false")) {
		kf_reply_fail(r, KF_EINVAL, "invalid_value", "REV-3", "featured", "featured is true or false");
		return;
	}
	q.featured = featured && !strcmp(featured, "true");
	int64_t lim;
	if (limit) {
		if (!kf_api_uint_parse(limit, &lim) || lim < 1 || lim > MARKET_LIMIT_MAX) {
			kf_reply_fail(r, KF_EINVAL, "invalid_value", NULL, "limit", "limit is 1 to %d",
				      MARKET_LIMIT_MAX);
			return;
		}
		q.limit = (int)lim;
	}
	json_t *out;
	struct kf_error err = {0};
	if (kf_api_market_apps(r, &q, &out, &err) != KF_OK) {
		kf_reply_error(r, &err);
		return;
	}
	/* unescaped UTF-8: 天气助手, not \u5929\u6c14… */
	char *s = json_dumps(out, JSON_COMPACT);
	json_decref(out);
	if (!s) {
		kf_reply_fail(r, KF_EINTERNAL, "internal", NULL, NULL, "cannot encode response");
		return;
	}
	kf_reply_raw(r, 200, "application/json", s, strlen(s));
	free(s);
}

const struct kf_route kf_api_market_search_routes[] = {
	{"GET", "/v1/market/apps", api_market_apps, KF_AUTH_NONE, 0,
	 "The marketplace's apps: browse, category, featured and search (GOV-1, GOV-7, REV-2, REV-3)"},
};
const size_t kf_api_market_search_nroutes =
	sizeof(kf_api_market_search_routes) / sizeof(kf_api_market_search_routes[0]);
