/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The operator's catalogs as the admins edit them, and the announcements
 * (NOTE-1): categories with the special qualifications they require
 * (REV-6), permission sets with the texts providers and host owners read
 * on the app forms and the consent page (APP-3), and the web notices of
 * the console and the landing page. Reading the catalogs is where it was
 * (GET /v1/categories in directory.c, GET /v1/permission-sets in apps.c);
 * every change here is an admin's and audit-logged.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "api/common.h"
#include "core/catalog.h"
#include "core/checks.h"
#include "ctx.h"
#include "http/request.h"
#include "notify/notify.h"
#include "store/agreements.h"
#include "store/announcements.h"
#include "store/categories.h"
#include "store/db.h"
#include "store/permsets.h"
#include "util/mem.h"

/* ------------------------------------------------------------ categories */

/* The documents of a request's "qualifications" as a JSON array text (new,
 * the caller frees), checked (REV-6); NULL with the reply set otherwise. */
static char *docs_json(struct kf_req *r, json_t *arr)
{
	size_t n = json_array_size(arr), i;
	const char **docs = kf_arena_alloc(r->arena, (n ? n : 1) * sizeof(*docs));
	json_t *v;
	struct kf_error err = {0};
	json_array_foreach(arr, i, v)
		docs[i] = json_string_value(v);
	for (i = 0; i < n; i++)
		if (!docs[i]) {
			kf_reply_fail(r, KF_EINVAL, "invalid_type", "REV-6", "qualifications",
				      "qualifications[%zu] must be a string", i);
			return NULL;
		}
	if (kf_catalog_check_docs(docs, n, &err) != KF_OK) {
		kf_reply_error(r, &err);
		return NULL;
	}
	return json_dumps(arr, JSON_COMPACT);
}

static bool check_names(struct kf_req *r, json_t *j, bool required)
{
	struct kf_error err = {0};
	if (kf_catalog_check_text(kf_json_str(j, "name_zh"), required, KF_CATEGORY_NAME_MAX_CHARS, true, "name_zh",
				  "REV-6", &err) != KF_OK ||
	    kf_catalog_check_text(kf_json_str(j, "name_en"), required, KF_CATEGORY_NAME_MAX_CHARS, true, "name_en",
				  "REV-6", &err) != KF_OK) {
		kf_reply_error(r, &err);
		return false;
	}
	return true;
}

static const struct kf_field category_fields[] = {
	{"id", KF_F_STRING, true, 64, "REV-6"},
	{"name_zh", KF_F_STRING, true, 200, "REV-6"},
	{"name_en", KF_F_STRING, true, 200, "REV-6"},
	{"qualifications", KF_F_ARRAY, false, 64, "REV-6"},
};

static void reply_category(struct kf_req *r, int status, const char *id, json_t *j, const char *docs)
{
	json_t *q = json_loads(docs ? docs : "[]", 0, NULL);
	kf_reply_json(r, status, json_pack("{s:s, s:s?, s:s?, s:o}", "id", id, "name_zh", kf_json_str(j, "name_zh"),
					   "name_en", kf_json_str(j, "name_en"), "qualifications",
					   q ? q : json_array()));
}

static void api_categories_create(struct kf_req *r)
{
	json_t *j = kf_req_json(r);
	struct kf_error err = {0};
	if (!j || !kf_req_check(r, j, category_fields, KF_NFIELDS(category_fields)))
		return;
	const char *id = kf_json_str(j, "id");
	if (kf_catalog_check_category_id(id, &err) != KF_OK) {
		kf_reply_error(r, &err);
		return;
	}
	if (!check_names(r, j, true))
		return;
	json_t *qa = json_object_get(j, "qualifications");
	char *docs = qa ? docs_json(r, qa) : strdup("[]");
	if (!docs)
		return;
	enum kf_err rc = kf_store_category_insert(kf_req_db(r), id, kf_json_str(j, "name_zh"),
						  kf_json_str(j, "name_en"), docs);
	if (rc == KF_ECONFLICT) {
		free(docs);
		kf_api_rollback(r);
		kf_reply_fail(r, KF_ECONFLICT, "category_exists", "REV-6", "id", "a category with this id exists");
		return;
	}
	if (rc != KF_OK || !kf_api_audit(r, "category.create", kf_arena_printf(r->arena, "category:%s", id), docs)) {
		free(docs);
		kf_api_abort_db(r);
		return;
	}
	if (kf_api_commit(r))
		reply_category(r, 201, id, j, docs);
	free(docs);
}

static void api_categories_update(struct kf_req *r)
{
	static const struct kf_field f[] = {
		{"name_zh", KF_F_STRING, false, 200, "REV-6"},
		{"name_en", KF_F_STRING, false, 200, "REV-6"},
		{"qualifications", KF_F_ARRAY, false, 64, "REV-6"},
	};
	json_t *j = kf_req_json(r);
	if (!j || !kf_req_check(r, j, f, KF_NFIELDS(f)) || !check_names(r, j, false))
		return;
	const char *id = kf_req_param(r, "id");
	json_t *qa = json_object_get(j, "qualifications");
	char *docs = NULL;
	if (qa && !(docs = docs_json(r, qa)))
		return;
	enum kf_err rc = kf_store_category_update(kf_req_db(r), id, kf_json_str(j, "name_zh"), kf_json_str(j, "name_en"),
						  docs);
	if (rc == KF_ENOTFOUND) {
		free(docs);
		kf_api_rollback(r);
		kf_reply_fail(r, KF_ENOTFOUND, "category_not_found", "REV-6", "id", "no category with this id");
		return;
	}
	if (rc != KF_OK ||
	    !kf_api_audit(r, "category.update", kf_arena_printf(r->arena, "category:%s", id), docs ? docs : "names")) {
		free(docs);
		kf_api_abort_db(r);
		return;
	}
	free(docs);
	if (kf_api_commit(r))
		kf_reply_json(r, 200, json_pack("{s:s}", "id", id));
}

/* ------------------------------------------------------- permission sets */

static void api_permsets_update(struct kf_req *r)
{
	static const struct kf_field f[] = {
		{"name", KF_F_STRING, false, 400, "APP-3"},
		{"name_en", KF_F_STRING, false, 400, "APP-3"},
		{"description", KF_F_STRING, false, 4000, "APP-3"},
		{"description_zh", KF_F_STRING, false, 4000, "APP-3"},
		{"data_entrusted", KF_F_STRING, false, 4000, "APP-3"},
		{"data_entrusted_zh", KF_F_STRING, false, 4000, "APP-3"},
		{"apis", KF_F_ARRAY, false, 200, "APP-3"},
		{"optional", KF_F_BOOL, false, 0, "APP-3"},
		{"member_data", KF_F_BOOL, false, 0, "DATA-1"},
		{"capability_check", KF_F_STRING, false, 200, "APP-9"},
	};
	static const struct {
		const char *field;
		size_t max;
		bool one_line;
	} texts[] = {
		{"name", KF_PERMSET_NAME_MAX_CHARS, true},
		{"name_en", KF_PERMSET_NAME_MAX_CHARS, true},
		{"description", KF_PERMSET_TEXT_MAX_CHARS, false},
		{"description_zh", KF_PERMSET_TEXT_MAX_CHARS, false},
		{"data_entrusted", KF_PERMSET_TEXT_MAX_CHARS, false},
		{"data_entrusted_zh", KF_PERMSET_TEXT_MAX_CHARS, false},
	};
	json_t *j = kf_req_json(r);
	struct kf_error err = {0};
	if (!j || !kf_req_check(r, j, f, KF_NFIELDS(f)))
		return;
	int64_t id = kf_req_param_id(r, "id");
	/* the Chinese texts may stay empty (the English is shown then); every
	 * other text, when sent, must say something */
	for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
		const char *v = kf_json_str(j, texts[i].field);
		bool may_clear = strstr(texts[i].field, "_zh") && texts[i].field[0] != 'n';
		if (v && !(may_clear && !v[0]) &&
		    kf_catalog_check_text(v, false, texts[i].max, texts[i].one_line, texts[i].field, "APP-3", &err) !=
			    KF_OK) {
			kf_reply_error(r, &err);
			return;
		}
	}
	enum kf_check_kind checks[KF_CHECKS_PER_SET_MAX];
	size_t n_checks;
	if (kf_checks_parse(kf_json_str(j, "capability_check"), checks, KF_CHECKS_PER_SET_MAX, &n_checks, &err) !=
	    KF_OK) {
		err.field = "capability_check";
		kf_reply_error(r, &err);
		return;
	}
	struct kf_db *db = kf_req_db(r);
	struct kf_permset_row cur, *all = NULL;
	size_t n_all = 0;
	if (kf_store_permsets_list(db, r->arena, &all, &n_all) != KF_OK) {
		kf_api_abort_db(r);
		return;
	}
	bool found = false;
	for (size_t i = 0; i < n_all && !found; i++)
		if (all[i].id == id) {
			cur = all[i];
			found = true;
		}
	if (!found) {
		kf_api_rollback(r);
		kf_reply_fail(r, KF_ENOTFOUND, "permission_set_not_found", "APP-3", "id", "no permission set with this id");
		return;
	}
	json_t *apis = json_object_get(j, "apis"), *v;
	size_t i;
	json_array_foreach(apis, i, v) {
		if (!json_is_string(v)) {
			kf_reply_fail(r, KF_EINVAL, "invalid_type", "APP-3", "apis", "apis[%zu] must be a string", i);
			return;
		}
	}
	char *apis_s = apis ? json_dumps(apis, JSON_COMPACT) : NULL;
	json_t *opt = json_object_get(j, "optional"), *md = json_object_get(j, "member_data");
	struct kf_permset_row row = {
		.id = id,
		.name = kf_json_str(j, "name"),
		.name_en = kf_json_str(j, "name_en"),
		.description = kf_json_str(j, "description"),
		.data_entrusted = kf_json_str(j, "data_entrusted"),
		.description_zh = kf_json_str(j, "description_zh"),
		.data_entrusted_zh = kf_json_str(j, "data_entrusted_zh"),
		.apis = apis_s,
		.capability_check = kf_json_str(j, "capability_check"),
		.optional = opt ? json_is_true(opt) : cur.optional,
		.member_data = md ? json_is_true(md) : cur.member_data,
	};
	enum kf_err rc = kf_store_permset_update(db, &row);
	free(apis_s);
	char *keys = json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS);
	bool ok = rc == KF_OK && kf_api_audit(r, "permission_set.update",
					      kf_arena_printf(r->arena, "permission_set:%lld", (long long)id), keys);
	free(keys);
	if (!ok) {
		kf_api_abort_db(r);
		return;
	}
	if (kf_api_commit(r))
		kf_reply_json(r, 200, json_pack("{s:I, s:s}", "id", (json_int_t)id, "key", cur.key));
}

/* ---------------------------------------------------------- announcements */

#define ANNOUNCEMENTS_SHOWN 20

/* effective_at: of the agreement version announced (0 when unknown). */
static json_t *announcement_json(const struct kf_announcement_row *a, int64_t effective_at)
{
	json_t *o = json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:I, s:o, s:o}", "id", (json_int_t)a->id, "kind", a->kind,
			      "title_zh", a->title_zh, "title_en", a->title_en, "body_zh", a->body_zh, "body_en",
			      a->body_en, "published_at", (json_int_t)a->published_at, "ends_at",
			      a->ends_at ? json_integer(a->ends_at) : json_null(), "withdrawn_at",
			      a->withdrawn_at ? json_integer(a->withdrawn_at) : json_null());
	json_object_set_new(o, "agreement",
			    a->agreement_key ? json_pack("{s:s, s:I, s:o}", "key", a->agreement_key, "version",
							 (json_int_t)a->agreement_version, "effective_at",
							 effective_at ? json_integer(effective_at) : json_null())
					     : json_null());
	return o;
}

/* Public: what the console and the landing page show now (NOTE-1). */
static void api_announcements_list(struct kf_req *r)
{
	struct kf_announcement_row *rows = NULL;
	struct kf_agreement *ags = NULL;
	size_t n = 0, na = 0;
	if (kf_store_announcements_list(kf_req_db(r), r->arena, r->now, 0, ANNOUNCEMENTS_SHOWN, &rows, &n) != KF_OK ||
	    kf_store_agreements_load(kf_req_db(r), r->arena, NULL, &ags, &na) != KF_OK) {
		kf_reply_db_error(r);
		return;
	}
	json_t *items = json_array();
	for (size_t i = 0; i < n; i++) {
		int64_t eff = 0;
		for (size_t k = 0; rows[i].agreement_key && k < na; k++)
			if (!strcmp(ags[k].key, rows[i].agreement_key) && ags[k].version == rows[i].agreement_version)
				eff = ags[k].effective_at;
		json_array_append_new(items, announcement_json(&rows[i], eff));
	}
	kf_reply_json(r, 200, json_pack("{s:o}", "items", items));
}

static void api_announcements_create(struct kf_req *r)
{
	static const struct kf_field f[] = {
		{"title_zh", KF_F_STRING, true, 400, "NOTE-1"}, {"title_en", KF_F_STRING, true, 400, "NOTE-1"},
		{"body_zh", KF_F_STRING, false, 4000, "NOTE-1"}, {"body_en", KF_F_STRING, false, 4000, "NOTE-1"},
		{"ends_at", KF_F_INT, false, 0, "NOTE-1"}, {"notify_providers", KF_F_BOOL, false, 0, "NOTE-1"},
	};
	json_t *j = kf_req_json(r);
	struct kf_error err = {0};
	if (!j || !kf_req_check(r, j, f, KF_NFIELDS(f)))
		return;
	if (kf_catalog_check_text(kf_json_str(j, "title_zh"), true, 100, true, "title_zh", "NOTE-1", &err) != KF_OK ||
	    kf_catalog_check_text(kf_json_str(j, "title_en"), true, 100, true, "title_en", "NOTE-1", &err) != KF_OK ||
	    kf_catalog_check_text(kf_json_str(j, "body_zh"), false, 1000, false, "body_zh", "NOTE-1", &err) != KF_OK ||
	    kf_catalog_check_text(kf_json_str(j, "body_en"), false, 1000, false, "body_en", "NOTE-1", &err) != KF_OK) {
		kf_reply_error(r, &err);
		return;
	}
	json_t *ends = json_object_get(j, "ends_at");
	if (ends && json_integer_value(ends) <= r->now) {
		kf_reply_fail(r, KF_EINVAL, "invalid_value", "NOTE-1", "ends_at", "ends_at must be in the future");
		return;
	}
	struct kf_announcement_row a = {
		.title_zh = kf_json_str(j, "title_zh"),
		.title_en = kf_json_str(j, "title_en"),
		.body_zh = kf_json_str(j, "body_zh") ? kf_json_str(j, "body_zh") : "",
		.body_en = kf_json_str(j, "body_en") ? kf_json_str(j, "body_en") : "",
		.published_at = r->now,
		.ends_at = ends ? json_integer_value(ends) : 0,
	};
	/* NOTE-1: optionally also by inbox and mail to every provider's
	 * members, in this transaction (three INSERT … SELECT statements,
	 * whatever the number of providers) */
	bool notify = json_is_true(json_object_get(j, "notify_providers"));
	int64_t id = 0, told = 0;
	if (kf_store_announcement_insert(kf_req_db(r), &a, r->user_id, r->now, &id) != KF_OK ||
	    (notify && kf_notify_providers_announcement(kf_req_db(r), r->now, a.title_zh, a.title_en, a.body_zh,
							 a.body_en, &told) != KF_OK) ||
	    !kf_api_audit(r, "announcement.create", kf_arena_printf(r->arena, "announcement:%lld", (long long)id),
			  notify ? kf_arena_printf(r->arena, "%s (sent to %lld provider members)", a.title_en,
						   (long long)told)
				 : a.title_en)) {
		kf_api_abort_db(r);
		return;
	}
	a.id = id;
	a.kind = "general";
	if (kf_api_commit(r)) {
		json_t *o = announcement_json(&a, 0);
		json_object_set_new(o, "providers_notified", notify ? json_integer(told) : json_null());
		kf_reply_json(r, 201, o);
	}
}

static void api_announcements_withdraw(struct kf_req *r)
{
	int64_t id = kf_req_param_id(r, "id");
	enum kf_err rc = id > 0 ? kf_store_announcement_withdraw(kf_req_db(r), id, r->now) : KF_ENOTFOUND;
	if (rc == KF_ENOTFOUND) {
		kf_api_rollback(r);
		kf_reply_fail(r, KF_ENOTFOUND, "announcement_not_found", "NOTE-1", "id",
			      "no announcement shown by this id");
		return;
	}
	if (rc != KF_OK ||
	    !kf_api_audit(r, "announcement.withdraw", kf_arena_printf(r->arena, "announcement:%lld", (long long)id),
			  NULL)) {
		kf_api_abort_db(r);
		return;
	}
	if (kf_api_commit(r))
		kf_reply_json(r, 200, json_pack("{s:I, s:I}", "id", (json_int_t)id, "withdrawn_at", (json_int_t)r->now));
}

const struct kf_route kf_api_catalog_routes[] = {
	{"POST", "/v1/categories", api_categories_create, KF_AUTH_ADMIN, 0,
	 "Add a category with the qualifications it requires (REV-6)"},
	{"PATCH", "/v1/categories/{id}", api_categories_update, KF_AUTH_ADMIN, 0,
	 "Change a category's names or required qualifications (REV-6)"},
	{"PATCH", "/v1/permission-sets/{id}", api_permsets_update, KF_AUTH_ADMIN, 0,
	 "Change a permission set's texts, data entrusted and automated check (APP-3)"},
	{"GET", "/v1/announcements", api_announcements_list, KF_AUTH_NONE, 0,
	 "The announcements shown on the console and the landing page (NOTE-1)"},
	{"POST", "/v1/announcements", api_announcements_create, KF_AUTH_ADMIN, 0, "Post an announcement (NOTE-1)"},
	{"DELETE", "/v1/announcements/{id}", api_announcements_withdraw, KF_AUTH_ADMIN, 0,
	 "Withdraw an announcement (NOTE-1)"},
};
const size_t kf_api_catalog_nroutes = sizeof(kf_api_catalog_routes) / sizeof(kf_api_catalog_routes[0]);
