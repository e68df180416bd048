/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The app listing (LST-*): PUT/GET /v1/apps/{id}/listing, the category
 * qualification documents (REV-6), the listing stage of the release
 * pipeline and the URL check worker pass (see listing.h).
 *
 * A save is refused only for its shape (wrong JSON types, unknown fields,
 * file ids that are not the provider's); everything the rules find is
 * answered as findings and the listing is stored anyway, as a new version
 * the app's draft points at. The rules themselves are core/listing.c,
 * core/image.c and core/termlist.c; this file gathers the facts they need
 * (term lists, the verified entity, the released version, the catalog,
 * the uploaded files) and stores.
 */
#include "api/listing.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "api/apps.h"
#include "api/common.h"
#include "api/terms_cache.h"
#include "core/image.h"
#include "core/listing.h"
#include "core/termlist.h"
#include "ctx.h"
#include "http/request.h"
#include "notify/notify.h"
#include "push/urlcheck.h"
#include "store/apps.h"
#include "store/db.h"
#include "store/files.h"
#include "store/listings.h"
#include "store/providers.h"
#include "util/mem.h"
#include "worker.h"

/* ---- the body ---- */

/* Shape limits: far above what the rules allow (those are findings), low
 * enough that no field costs much to check. */
#define KEYWORDS_SHAPE_MAX 64
#define KEYWORD_SHAPE_BYTES 256
#define PREVIEWS_SHAPE_MAX 20
/* The first bytes read of a file over its byte limit: enough for any
 * header; the rest is never read. */
#define PREFIX_BYTES (256u * 1024)

static const struct kf_field LISTING_FIELDS[] = {
	{"name", KF_F_STRING, false, 1024, "LST-1"},
	{"logo_file", KF_F_INT, false, 0, "LST-6"},
	{"category", KF_F_STRING, false, 256, "LST-7"},
	{"intro", KF_F_STRING, false, 1024, "LST-8"},
	{"description", KF_F_STRING, false, 16384, "LST-9"},
	{"previews_desktop", KF_F_ARRAY, false, PREVIEWS_SHAPE_MAX, "LST-10"},
	{"previews_mobile", KF_F_ARRAY, false, PREVIEWS_SHAPE_MAX, "LST-10"},
	{"version", KF_F_STRING, false, 64, "LST-12"},
	{"update_notes", KF_F_STRING, false, 16384, "LST-13"},
	{"privacy_url", KF_F_STRING, false, 4096, "LST-14"},
	{"terms_url", KF_F_STRING, false, 4096, "LST-14"},
	{"company_name", KF_F_STRING, false, 1024, "LST-15"},
	{"company_logo_file", KF_F_INT, false, 0, "LST-15"},
	{"website", KF_F_STRING, false, 4096, "LST-16"},
	{"support_phone", KF_F_STRING, false, 256, "LST-17"},
	{"keywords", KF_F_ARRAY, false, KEYWORDS_SHAPE_MAX, "LST-4"},
	{"offers_accounts", KF_F_BOOL, false, 0, "APP-12"},
	{"account_deletion", KF_F_STRING, false, 4096, "APP-12"},
};

/* The URL fields and their rules, in the order they are reported. */
static const struct {
	const char *field, *rule;
} URL_FIELDS[] = {{"privacy_url", "LST-14"}, {"terms_url", "LST-14"}, {"website", "LST-16"}};
#define N_URL_FIELDS (sizeof(URL_FIELDS) / sizeof(URL_FIELDS[0]))

/* The stored form: every field present, absent scalars null, absent lists []. */
static json_t *normalized(json_t *j)
{
	json_t *o = json_object();
	for (size_t i = 0; i < KF_NFIELDS(LISTING_FIELDS); i++) {
		const char *k = LISTING_FIELDS[i].name;
		json_t *v = json_object_get(j, k);
		if (v && !json_is_null(v))
			json_object_set(o, k, v);
		else
			json_object_set_new(o, k, LISTING_FIELDS[i].type == KF_F_ARRAY ? json_array() : json_null());
	}
	return o;
}

/* Items of the arrays: previews are file ids, keywords strings. Replies
 * 400 naming the item ("keywords[2]") and returns false otherwise. */
static bool items_ok(struct kf_req *r, json_t *j)
{
	static const char *const previews[] = {"previews_desktop", "previews_mobile"};
	for (size_t p = 0; p < 2; p++) {
		json_t *a = json_object_get(j, previews[p]), *v;
		size_t i;
		json_array_foreach(a, i, v) {
			if (!json_is_integer(v)) {
				struct kf_error err;
				kf_error_set(&err, KF_EINVAL, "invalid_type", "LST-10", NULL,
					     "%s[%zu] must be a file id (an integer)", previews[p], i);
				err.field = kf_arena_printf(r->arena, "%s[%zu]", previews[p], i);
				kf_reply_error(r, &err);
				return false;
			}
		}
	}
	json_t *kw = json_object_get(j, "keywords"), *v;
	size_t i;
	json_array_foreach(kw, i, v) {
		struct kf_error err;
		if (!json_is_string(v))
			kf_error_set(&err, KF_EINVAL, "invalid_type", "LST-4", NULL, "keywords[%zu] must be a string", i);
		else if (json_string_length(v) > KEYWORD_SHAPE_BYTES)
			kf_error_set(&err, KF_EINVAL, "too_long", "LST-4", NULL, "keywords[%zu] is longer than %d bytes", i,
				     KEYWORD_SHAPE_BYTES);
		else if (strlen(json_string_value(v)) != json_string_length(v))
			kf_error_set(&err, KF_EINVAL, "invalid_value", "LST-4", NULL,
				     "keywords[%zu] must not contain NUL characters", i);
		else
			continue;
		err.field = kf_arena_printf(r->arena, "keywords[%zu]", i);
		kf_reply_error(r, &err);
		return false;
	}
	return true;
}

/* A file that exists and was uploaded by a member of the provider. */
static enum kf_err provider_file(struct kf_db *db, int64_t provider_id, json_int_t id, struct kf_file_row *f)
{
	enum kf_role role = KF_ROLE_NONE;
	if (id <= 0)
		return KF_ENOTFOUND;
	enum kf_err rc = kf_store_file_get(db, (int64_t)id, f);
	if (rc == KF_OK && kf_store_member_role(db, provider_id, f->owner_user_id, &role) != KF_OK)
		rc = KF_EDB;
	return rc == KF_OK && role == KF_ROLE_NONE ? KF_ENOTFOUND : rc;
}

/* Every file id of the body names a file of the provider's members; replies
 * 400 file_not_found (or 500) naming the field otherwise. */
static bool files_ok(struct kf_req *r, const struct kf_app_row *a, json_t *j)
{
	static const struct {
		const char *field, *rule;
	} fields[] = {{"logo_file", "LST-6"}, {"company_logo_file", "LST-15"},
		      {"previews_desktop", "LST-10"}, {"previews_mobile", "LST-10"}};
	for (size_t k = 0; k < sizeof(fields) / sizeof(fields[0]); k++) {
		json_t *v = json_object_get(j, fields[k].field);
		bool list = json_is_array(v);
		size_t n = list ? json_array_size(v) : v && json_is_integer(v) ? 1 : 0;
		for (size_t i = 0; i < n; i++) {
			json_t *id = list ? json_array_get(v, i) : v;
			struct kf_file_row f;
			enum kf_err rc = provider_file(kf_req_db(r), a->provider_id, json_integer_value(id), &f);
			if (rc == KF_EDB) {
				kf_reply_db_error(r);
				return false;
			}
			if (rc != KF_OK) {
				struct kf_error err;
				kf_error_set(&err, KF_EINVAL, "file_not_found", fields[k].rule, NULL,
					     "%s: no file %lld uploaded by a member of this provider", fields[k].field,
					     (long long)json_integer_value(id));
				err.field = list ? kf_arena_printf(r->arena, "%s[%zu]", fields[k].field, i) : fields[k].field;
				kf_reply_error(r, &err);
				return false;
			}
		}
	}
	return true;
}

/* ---- the checks ---- */

/* Borrowed string member, NULL when absent or not a string. */
static const char *str(json_t *body, const char *k)
{
	return json_string_value(json_object_get(body, k));
}

/* The listing text of a stored body; strings borrowed from body, the
 * keyword array from a. */
static void listing_text(json_t *body, struct kf_arena *a, struct kf_listing_text *l)
{
	memset(l, 0, sizeof(*l));
	l->name = str(body, "name");
	l->category = str(body, "category");
	l->intro = str(body, "intro");
	l->description = str(body, "description");
	l->version = str(body, "version");
	l->update_notes = str(body, "update_notes");
	l->privacy_url = str(body, "privacy_url");
	l->terms_url = str(body, "terms_url");
	l->company_name = str(body, "company_name");
	l->website = str(body, "website");
	l->support_phone = str(body, "support_phone");
	l->offers_accounts = json_is_true(json_object_get(body, "offers_accounts"));
	l->account_deletion = str(body, "account_deletion");
	json_t *kw = json_object_get(body, "keywords");
	size_t n = json_array_size(kw);
	const char **v = kf_arena_alloc(a, (n ? n : 1) * sizeof(*v));
	for (size_t i = 0; i < n; i++)
		v[i] = json_string_value(json_array_get(kw, i));
	l->keywords = v;
	l->n_keywords = n;
}

/* Load one uploaded file for an image rule: the whole file when it is
 * within limit, else only PREFIX_BYTES of it (the rule reports the size
 * and decodes nothing). A file gone from disk reads as empty. data is
 * allocated in a. */
static void load_blob(const char *files_dir, struct kf_db *db, json_int_t id, size_t limit, struct kf_arena *a,
		      struct kf_image_blob *b)
{
	struct kf_file_row f;
	memset(b, 0, sizeof(*b));
	if (id <= 0 || kf_store_file_get(db, (int64_t)id, &f) != KF_OK || f.size <= 0)
		return;
	size_t size = (size_t)f.size, want = size <= limit ? size : PREFIX_BYTES < size ? PREFIX_BYTES : size;
	char *path = kf_files_blob_path(files_dir, f.sha256);
	FILE *fp = fopen(path, "rb");
	free(path);
	if (!fp)
		return;
	unsigned char *data = kf_arena_alloc(a, want);
	size_t got = fread(data, 1, want, fp);
	fclose(fp);
	b->data = data;
	b->n = got;
	b->size = got == want ? size : got; /* a short read is what the file is */
}

/* LST-6 / LST-15 on a logo; the app's icon (icon set) also LST-21. */
static void check_logo(struct kf_ctx *ctx, struct kf_db *db, json_t *body, const char *field, const char *rule,
		       bool icon, struct kf_arena *a, struct kf_findings *out)
{
	json_t *id = json_object_get(body, field);
	if (!json_is_integer(id)) {
		kf_findings_add(out, rule, field, KF_SEVERITY_REJECT, "%s is required: a 128x128 PNG of at most 20 KB",
				field);
		return;
	}
	struct kf_image_blob b;
	load_blob(ctx->files_dir, db, json_integer_value(id), KF_IMAGE_LOGO_MAX_BYTES, a, &b);
	kf_image_check_logo(&b, rule, field, out);
	if (icon)
		kf_image_check_icon_codes(&b, field, out);
}

static struct kf_image_blob *load_previews(struct kf_ctx *ctx, struct kf_db *db, json_t *ids, size_t limit,
					   struct kf_arena *a, size_t *n)
{
	*n = json_array_size(ids);
	struct kf_image_blob *v = kf_arena_alloc(a, (*n ? *n : 1) * sizeof(*v));
	memset(v, 0, (*n ? *n : 1) * sizeof(*v));
	/* core/image.c examines the first KF_IMAGE_PREVIEWS_MAX of a set */
	for (size_t i = 0; i < *n && i < KF_IMAGE_PREVIEWS_MAX; i++)
		load_blob(ctx->files_dir, db, json_integer_value(json_array_get(ids, i)), limit, a, &v[i]);
	return v;
}

/* The provider's verified entity (LST-15, LST-20), read into *ent: *name is
 * its legal name, or NULL when the provider has none verified. */
static enum kf_err verified_entity(struct kf_db *db, int64_t provider, struct kf_entity_row *ent, const char **name)
{
	struct kf_org_row org;
	*name = NULL;
	if (kf_store_org_get(db, provider, &org) != KF_OK)
		return KF_EDB;
	enum kf_err rc = org.entity_id ? kf_store_entity_get(db, org.entity_id, ent) : KF_ENOTFOUND;
	if (rc == KF_EDB)
		return KF_EDB;
	if (rc == KF_OK && ent->verified)
		*name = ent->legal_name;
	return KF_OK;
}

/*
 * Every automated check that needs no network, on a stored body, appended
 * to out: text rules with the current term lists (APP-11, LST-1..5, 7..9,
 * 12..19), logos (LST-6, LST-15), previews (LST-10, LST-11). Returns KF_EDB
 * when a fact could not be read.
 */
static enum kf_err run_checks(struct kf_ctx *ctx, struct kf_db *db, const struct kf_app_row *app, json_t *body,
			      struct kf_arena *a, struct kf_findings *out)
{
	struct kf_listing_ctx lc;
	struct kf_listing_text lt;
	struct kf_entity_row ent;
	memset(&lc, 0, sizeof(lc));
	const char **cats = NULL;
	size_t ncats = 0;
	struct kf_termset *terms = kf_terms_cache_get(ctx->terms_cache, db);
	if (!terms || verified_entity(db, app->provider_id, &ent, &lc.entity_name) != KF_OK || /* LST-15 */
	    kf_store_category_keys(db, a, &cats, &ncats) != KF_OK) {
		kf_termset_put(terms);
		return KF_EDB;
	}
	lc.categories = cats; /* LST-7 */
	lc.n_categories = ncats;
	kf_termlist_listing_ctx(terms->lists, &lc);
	lc.last_version = app->released_version[0] ? app->released_version : NULL; /* LST-12 */
	listing_text(body, a, &lt);
	kf_listing_check_text(&lt, &lc, out);
	kf_termset_put(terms);

	check_logo(ctx, db, body, "logo_file", "LST-6", true, a, out);
	check_logo(ctx, db, body, "company_logo_file", "LST-15", false, a, out);
	size_t nd, nm;
	struct kf_image_blob *d = load_previews(ctx, db, json_object_get(body, "previews_desktop"),
						KF_IMAGE_DESKTOP_MAX_BYTES, a, &nd);
	struct kf_image_blob *m = load_previews(ctx, db, json_object_get(body, "previews_mobile"),
						KF_IMAGE_MOBILE_MAX_BYTES, a, &nm);
	kf_image_check_previews(d, nd, m, nm, out);
	return KF_OK;
}

/* Findings as JSON: all of them, or only the rejects. */
static json_t *findings_json(const struct kf_findings *f, bool rejects_only)
{
	json_t *arr = json_array();
	for (size_t i = 0; i < f->n; i++) {
		const struct kf_finding *x = &f->v[i];
		if (rejects_only && x->severity != KF_SEVERITY_REJECT)
			continue;
		json_array_append_new(arr, json_pack("{s:s, s:s, s:s, s:s}", "rule", x->rule, "field", x->field,
						     "severity", kf_severity_name(x->severity), "message", x->message));
	}
	return arr;
}

static char *dump(json_t *j)
{
	return json_dumps(j, JSON_COMPACT | JSON_ENSURE_ASCII);
}

/* The listing URLs worth opening: syntactically valid, each once. */
static size_t listing_urls(json_t *body, const char **urls)
{
	size_t n = 0;
	for (size_t i = 0; i < N_URL_FIELDS; i++) {
		const char *u = str(body, URL_FIELDS[i].field);
		bool seen = false;
		for (size_t k = 0; k < n && !seen; k++)
			seen = !strcmp(urls[k], u);
		if (u && kf_listing_url_valid(u) && !seen)
			urls[n++] = u;
	}
	return n;
}

/* ---- the view ---- */

/* url_checks of a body: one entry per URL field holding a valid URL. */
static json_t *url_checks_json(struct kf_db *db, json_t *body)
{
	json_t *arr = json_array();
	for (size_t i = 0; body && i < N_URL_FIELDS; i++) {
		const char *u = str(body, URL_FIELDS[i].field);
		if (!u || !kf_listing_url_valid(u))
			continue;
		enum kf_err rc;
		json_t *o = kf_store_url_check_json(db, u, &rc);
		if (rc == KF_EDB) {
			json_decref(arr);
			return NULL;
		}
		if (!o) /* not queued yet (a listing saved before its URL was) */
			o = json_pack("{s:s, s:s}", "url", u, "state", "pending");
		json_object_set_new(o, "field", json_string(URL_FIELDS[i].field));
		json_object_set_new(o, "rule", json_string(URL_FIELDS[i].rule));
		json_array_append_new(arr, o);
	}
	return arr;
}


/* LST-20 before a submission: the opened privacy_url entry of checks says
 * whether its page names the provider's verified entity ("names_entity"
 * true or false; null when the page could not be read as text or there is
 * no verified entity), so a provider need not wait for the review stage. */
static enum kf_err note_privacy_entity(struct kf_db *db, int64_t provider, json_t *checks)
{
	size_t i;
	json_t *c;
	json_array_foreach(checks, i, c) {
		const char *field = json_string_value(json_object_get(c, "field"));
		const char *state = json_string_value(json_object_get(c, "state"));
		const char *url = json_string_value(json_object_get(c, "url"));
		if (!field || strcmp(field, "privacy_url") || !state || strcmp(state, "ok") || !url)
			continue;
		struct kf_entity_row ent;
		const char *entity;
		char *text = NULL;
		if (verified_entity(db, provider, &ent, &entity) != KF_OK ||
		    kf_store_url_check_page_text(db, url, &text) == KF_EDB)
			return KF_EDB;
		struct kf_findings *f = kf_xcalloc(1, sizeof(*f));
		kf_listing_check_privacy_entity(url, text, entity, f);
		json_object_set_new(c, "names_entity", !entity || !text ? json_null() : json_boolean(f->n == 0));
		free(f);
		free(text);
	}
	return KF_OK;
}

json_t *kf_listing_url_checks_json(struct kf_db *db, int64_t listing_id, int64_t provider)
{
	json_t *body = listing_id ? kf_store_listing_json(db, listing_id) : NULL;
	json_t *out = url_checks_json(db, body);
	json_decref(body);
	if (out && note_privacy_entity(db, provider, out) != KF_OK) {
		json_decref(out);
		return NULL;
	}
	return out;
}

/* {id, listing, findings, url_checks, created_at, live_id, live} of the
 * app's draft and live listings; NULL on a storage error. */
static json_t *listing_view(struct kf_db *db, const struct kf_app_row *a)
{
	struct kf_listing_row d = {0}, l = {0};
	json_t *out = NULL;
	if ((a->draft_listing_id && kf_store_listing_get(db, a->draft_listing_id, &d) != KF_OK) ||
	    (a->live_listing_id && kf_store_listing_get(db, a->live_listing_id, &l) != KF_OK))
		goto done;
	json_t *checks = url_checks_json(db, d.body);
	if (!checks)
		goto done;
	if (note_privacy_entity(db, a->provider_id, checks) != KF_OK) {
		json_decref(checks);
		goto done;
	}
	out = json_pack("{s:o, s:o, s:o, s:o, s:o, s:o, s:o}", "id", d.id ? json_integer(d.id) : json_null(),
			"listing", d.body ? json_incref(d.body) : json_null(), "findings",
			d.findings ? json_incref(d.findings) : json_array(), "url_checks", checks, "created_at",
			d.id ? json_integer(d.created_at) : json_null(), "live_id", l.id ? json_integer(l.id) : json_null(),
			"live", l.body ? json_incref(l.body) : json_null());
done:
	kf_store_listing_row_clear(&d);
	kf_store_listing_row_clear(&l);
	return out;
}

static bool require_member(struct kf_req *r, enum kf_role role)
{
	return kf_api_require_member(r, role, "may change its listing");
}

static void reply_view(struct kf_req *r, const struct kf_app_row *a)
{
	struct kf_app_row fresh;
	if (kf_store_app_get(kf_req_db(r), a->id, &fresh) != KF_OK) {
		kf_reply_db_error(r);
		return;
	}
	json_t *v = listing_view(kf_req_db(r), &fresh);
	if (!v) {
		kf_reply_db_error(r);
		return;
	}
	kf_reply_json(r, 200, v);
}

/* ---- routes: the listing ---- */

static void api_listing_get(struct kf_req *r)
{
	struct kf_app_row a;
	enum kf_role role;
	if (kf_api_load_app(r, &a, &role))
		reply_view(r, &a);
}

/*
 * Save a listing: shape errors answer 400 and store nothing; otherwise the
 * checks run at once (outside any transaction: decoding previews takes a
 * moment), the version is stored with its findings, the app's draft points
 * at it and its URLs are queued for the worker (LST-14, LST-16).
 */
static void api_listing_put(struct kf_req *r)
{
	struct kf_app_row a;
	enum kf_role role;
	json_t *j = kf_req_json(r);
	if (!j || !kf_req_check(r, j, LISTING_FIELDS, KF_NFIELDS(LISTING_FIELDS)) || !items_ok(r, j) ||
	    !kf_api_load_app(r, &a, &role) || !require_member(r, role) || !files_ok(r, &a, j))
		return;
	struct kf_db *db = kf_req_db(r);
	json_t *body = normalized(j);
	kf_arena_defer(r->arena, (void (*)(void *))json_decref, body);
	struct kf_findings *f = kf_arena_alloc(r->arena, sizeof(*f));
	memset(f, 0, sizeof(*f));
	if (run_checks(r->ctx, db, &a, body, r->arena, f) != KF_OK) {
		kf_reply_db_error(r);
		return;
	}
	json_t *fj = findings_json(f, false);
	char *body_s = dump(body), *find_s = dump(fj);
	json_decref(fj);
	const char *urls[N_URL_FIELDS];
	size_t nu = listing_urls(body, urls);
	int64_t id = 0;
	bool ok = kf_api_begin(r);
	if (ok) {
		ok = kf_store_listing_insert(db, a.id, body_s, find_s, r->user_id, r->now, &id) == KF_OK &&
		     kf_store_app_set_draft_listing(db, a.id, id, r->now) == KF_OK;
		for (size_t i = 0; ok && i < nu; i++)
			ok = kf_store_url_check_queue(db, urls[i], r->now) == KF_OK;
		ok = ok && kf_api_audit(r, "listing.save", kf_arena_printf(r->arena, "app:%s", a.app_id),
					kf_arena_printf(r->arena, "listing %lld, %zu findings", (long long)id, f->n));
		if (!ok)
			kf_api_abort_db(r);
		else
			ok = kf_api_commit(r);
	}
	free(body_s);
	free(find_s);
	if (!ok)
		return;
	if (nu)
		kf_worker_wake(atomic_load(&r->ctx->worker));
	reply_view(r, &a);
}

/* ---- routes: category qualifications (REV-6) ---- */

/* The category of the app's listing (the draft, else the live one), in
 * the arena; NULL when there is none. false after replying 500. */
static bool listing_category(struct kf_req *r, const struct kf_app_row *a, const char **category)
{
	int64_t id = a->draft_listing_id ? a->draft_listing_id : a->live_listing_id;
	*category = NULL;
	if (!id)
		return true;
	json_t *body = kf_store_listing_json(kf_req_db(r), id);
	if (!body) {
		kf_reply_db_error(r);
		return false;
	}
	const char *c = str(body, "category");
	*category = c ? kf_arena_strdup(r->arena, c) : NULL;
	json_decref(body);
	return true;
}

/* The documents category requires (new array; [] for none or an unknown
 * category), or NULL after replying 500. */
static json_t *required_docs(struct kf_req *r, const char *category)
{
	json_t *docs = NULL;
	enum kf_err rc = category ? kf_store_category_docs(kf_req_db(r), category, &docs) : KF_ENOTFOUND;
	if (rc == KF_EDB) {
		kf_reply_db_error(r);
		return NULL;
	}
	return rc == KF_OK ? docs : json_array();
}

static json_t *qualification_item(const char *doc, bool required, json_t *sub)
{
	json_t *o = sub ? json_deep_copy(sub) : json_pack("{s:s, s:n}", "state", "missing", "file_id");
	json_object_set_new(o, "doc", json_string(doc));
	json_object_set_new(o, "required", json_boolean(required));
	return o;
}

static void api_qualifications_list(struct kf_req *r)
{
	struct kf_app_row a;
	enum kf_role role;
	const char *category;
	if (!kf_api_load_app(r, &a, &role) || !listing_category(r, &a, &category))
		return;
	json_t *docs = required_docs(r, category);
	if (!docs)
		return;
	json_t *subs = kf_store_qualifications_json(kf_req_db(r), a.id);
	if (!subs) {
		json_decref(docs);
		kf_reply_db_error(r);
		return;
	}
	json_t *items = json_array(), *v;
	size_t i;
	bool complete = true;
	json_array_foreach(docs, i, v) {
		const char *doc = json_string_value(v);
		json_t *sub = json_object_get(subs, doc);
		complete = complete && sub && !strcmp(json_string_value(json_object_get(sub, "state")), "accepted");
		json_array_append_new(items, qualification_item(doc, true, sub));
	}
	/* documents submitted for an earlier category stay visible */
	const char *doc;
	json_object_foreach(subs, doc, v) {
		bool req = false;
		json_t *d;
		json_array_foreach(docs, i, d) req = req || !strcmp(json_string_value(d), doc);
		if (!req)
			json_array_append_new(items, qualification_item(doc, false, v));
	}
	json_decref(docs);
	json_decref(subs);
	kf_reply_json(r, 200, json_pack("{s:s?, s:o, s:b}", "category", category, "items", items, "complete", complete));
}

/* The {doc} of the path when the listing's category requires it; replies
 * and returns NULL otherwise. */
static const char *required_doc(struct kf_req *r, const struct kf_app_row *a)
{
	const char *doc = kf_req_param(r, "doc"), *category;
	if (!listing_category(r, a, &category))
		return NULL;
	if (!category) {
		kf_reply_fail(r, KF_ECONFLICT, "listing_required", "REV-6", "category",
			      "save a listing with its category first: the category decides the documents");
		return NULL;
	}
	json_t *docs = required_docs(r, category), *v;
	if (!docs)
		return NULL;
	size_t i;
	bool found = false;
	json_array_foreach(docs, i, v) found = found || (doc && !strcmp(json_string_value(v), doc));
	json_decref(docs);
	if (!found || !kf_listing_doc_key_valid(doc)) {
		kf_reply_fail(r, KF_ENOTFOUND, "qualification_not_required", "REV-6", "doc",
			      "the category of the app's listing does not require a document called %s",
			      doc && kf_listing_doc_key_valid(doc) ? doc : "like that");
		return NULL;
	}
	return doc;
}

static void reply_qualification(struct kf_req *r, const struct kf_app_row *a, const char *doc, int status)
{
	json_t *subs = kf_store_qualifications_json(kf_req_db(r), a->id);
	if (!subs) {
		kf_reply_db_error(r);
		return;
	}
	json_t *o = qualification_item(doc, true, json_object_get(subs, doc));
	json_decref(subs);
	kf_reply_json(r, status, o);
}

static void api_qualifications_put(struct kf_req *r)
{
	static const struct kf_field f[] = {{"file_id", KF_F_INT, true, 0, "REV-6"}};
	struct kf_app_row a;
	enum kf_role role;
	json_t *j = kf_req_json(r);
	if (!j || !kf_req_check(r, j, f, KF_NFIELDS(f)) || !kf_api_load_app(r, &a, &role) ||
	    !require_member(r, role))
		return;
	const char *doc = required_doc(r, &a);
	if (!doc)
		return;
	struct kf_file_row file;
	json_int_t fid = json_integer_value(json_object_get(j, "file_id"));
	enum kf_err rc = provider_file(kf_req_db(r), a.provider_id, fid, &file);
	if (rc == KF_EDB) {
		kf_reply_db_error(r);
		return;
	}
	if (rc != KF_OK) {
		kf_reply_fail(r, KF_EINVAL, "file_not_found", "REV-6", "file_id",
			      "file_id: no file %lld uploaded by a member of this provider", (long long)fid);
		return;
	}
	if (!kf_api_begin(r))
		return;
	if (kf_store_qualification_submit(kf_req_db(r), a.id, doc, file.id, r->user_id, r->now) != KF_OK ||
	    !kf_api_audit(r, "qualification.submit", kf_arena_printf(r->arena, "app:%s", a.app_id),
			  kf_arena_printf(r->arena, "%s: file %lld", doc, (long long)file.id))) {
		kf_api_abort_db(r);
		return;
	}
	if (kf_api_commit(r))
		reply_qualification(r, &a, doc, 200);
}

static void api_qualifications_decide(struct kf_req *r)
{
	static const struct kf_field f[] = {
		{"decision", KF_F_STRING, true, 16, "REV-6"},
		{"reason", KF_F_STRING, false, 1000, "REV-5"},
	};
	/* REV-6: documents are judged by those who judge reviews */
	if (!kf_role_reviews(r->operator_role)) {
		kf_reply_fail(r, KF_EFORBIDDEN, "reviewer_required", NULL, NULL,
			      "only reviewers and admins decide qualification documents");
		return;
	}
	json_t *j = kf_req_json(r);
	if (!j || !kf_req_check(r, j, f, KF_NFIELDS(f)))
		return;
	const char *decision = kf_json_str(j, "decision"), *reason = kf_json_str(j, "reason");
	bool accept = !strcmp(decision, "accept");
	if (!accept && strcmp(decision, "reject")) {
		kf_reply_fail(r, KF_EINVAL, "invalid_value", "REV-6", "decision", "decision is accept or reject");
		return;
	}
	if (!accept && (!reason || !*reason)) {
		kf_reply_fail(r, KF_EINVAL, "reason_required", "REV-5", "reason",
			      "a rejection says why, so the provider can submit a better document");
		return;
	}
	struct kf_app_row a;
	enum kf_role role;
	if (!kf_api_load_app(r, &a, &role))
		return;
	const char *doc = kf_req_param(r, "doc");
	if (!kf_listing_doc_key_valid(doc)) {
		kf_reply_fail(r, KF_ENOTFOUND, "qualification_not_found", "REV-6", "doc", "no such document");
		return;
	}
	if (!kf_api_begin(r))
		return;
	struct kf_db *db = kf_req_db(r);
	enum kf_err rc = kf_store_qualification_decide(db, a.id, doc, accept ? "accepted" : "rejected",
						       accept ? NULL : reason, r->user_id, r->now);
	if (rc == KF_ENOTFOUND || rc == KF_ECONFLICT) {
		kf_api_rollback(r);
		if (rc == KF_ENOTFOUND)
			kf_reply_fail(r, KF_ENOTFOUND, "qualification_not_found", "REV-6", "doc",
				      "the app has no document %s to decide", doc);
		else
			kf_reply_fail(r, KF_ECONFLICT, "already_decided", "REV-6", "decision",
				      "the document %s was already decided; the provider submits a new one", doc);
		return;
	}
	char *text = accept ? kf_arena_printf(r->arena, "The document %s of the app %s was accepted.\n", doc, a.app_id)
			    : kf_arena_printf(r->arena,
					      "The document %s of the app %s was rejected (REV-6). Reason: %s\n"
					      "Upload a new one from the app's qualifications page.\n",
					      doc, a.app_id, reason);
	if (rc != KF_OK ||
	    kf_notify_org(db, r->now, a.provider_id, accept ? "app.qualification_accepted" : "app.qualification_rejected",
			  accept ? "Qualification document accepted" : "Qualification document rejected", text) != KF_OK ||
	    !kf_api_audit(r, accept ? "qualification.accept" : "qualification.reject",
			  kf_arena_printf(r->arena, "app:%s", a.app_id), kf_arena_printf(r->arena, "%s%s%s", doc,
											 accept ? "" : ": ", accept ? "" : reason))) {
		kf_api_abort_db(r);
		return;
	}
	if (kf_api_commit(r))
		reply_qualification(r, &a, doc, 200);
}

const struct kf_route kf_api_listing_routes[] = {
	{"GET", "/v1/apps/{id}/listing", api_listing_get, KF_AUTH_USER, 0, "The draft and live listing (LST-*)"},
	{"PUT", "/v1/apps/{id}/listing", api_listing_put, KF_AUTH_USER, KF_RF_OWN_TX,
	 "Save the listing; every automated check answers at once (LST-*, APP-11)"},
	{"GET", "/v1/apps/{id}/qualifications", api_qualifications_list, KF_AUTH_USER, 0,
	 "Documents the listing's category requires (REV-6)"},
	{"PUT", "/v1/apps/{id}/qualifications/{doc}", api_qualifications_put, KF_AUTH_USER, 0,
	 "Submit a qualification document (REV-6)"},
	{"POST", "/v1/apps/{id}/qualifications/{doc}/decision", api_qualifications_decide, KF_AUTH_OPERATOR, 0,
	 "Accept or reject a qualification document (REV-6)"},
};
const size_t kf_api_listing_nroutes = sizeof(kf_api_listing_routes) / sizeof(kf_api_listing_routes[0]);

/* ---- the release pipeline's stage ---- */

static void url_result_of(const struct kf_url_check_row *row, struct kf_listing_url_result *out)
{
	out->checked = strcmp(row->state, "pending") != 0 && row->checked_at > 0;
	out->status = row->status;
	out->redirects = row->redirects;
	out->error = row->error[0] ? row->error : NULL;
}

static void record_of(const struct kf_urlcheck *c, struct kf_url_check_result *out)
{
	out->ok = c->ok;
	out->status = c->status;
	out->redirects = c->redirects;
	out->ms = c->ms;
	out->error = c->error[0] ? c->error : NULL;
	out->final_url = c->final_url[0] ? c->final_url : NULL;
	out->page_text = c->page_text;
}

/* Record the results got[0..n) of urls in one transaction. KF_EUNAVAIL
 * (nothing recorded) when *cancel was set meanwhile: the fetches were cut
 * short, so their failures say nothing about the URLs. */
static enum kf_err record_all(struct kf_db *db, const char *const *urls, const struct kf_urlcheck *got, size_t n,
			      int64_t now, const atomic_bool *cancel)
{
	if (cancel && atomic_load(cancel))
		return KF_EUNAVAIL;
	if (kf_db_begin(db) != KF_OK)
		return KF_EDB;
	for (size_t k = 0; k < n; k++) {
		struct kf_url_check_result rec;
		record_of(&got[k], &rec);
		if (kf_store_url_check_record(db, urls[k], &rec, now) != KF_OK) {
			kf_db_rollback(db);
			return KF_EDB;
		}
	}
	return kf_db_commit(db) == KF_OK ? KF_OK : KF_EDB;
}

static long url_timeout_ms(struct kf_ctx *ctx)
{
	long t = (long)ctx->cfg.url_check_timeout * 1000;
	return t > 0 ? t : 10000;
}

/* LST-14, LST-16 for the stage: open what has no fresh result, record it,
 * judge all; then LST-20 on the privacy policy page that opened. Gives db
 * back to the pool while it waits (*db is replaced). */
static enum kf_err stage_urls(struct kf_ctx *ctx, struct kf_db **db, const struct kf_app_row *app, json_t *body,
			      int64_t now, struct kf_findings *out)
{
	const char *urls[N_URL_FIELDS], *fetch[N_URL_FIELDS];
	struct kf_url_check_row rows[N_URL_FIELDS];
	struct kf_listing_url_result res[N_URL_FIELDS];
	struct kf_urlcheck got[N_URL_FIELDS];
	size_t nu = listing_urls(body, urls), nf = 0, idx[N_URL_FIELDS];
	for (size_t i = 0; i < nu; i++) {
		enum kf_err rc = kf_store_url_check_get(*db, urls[i], &rows[i]);
		if (rc == KF_EDB)
			return KF_EDB;
		url_result_of(&rows[i], &res[i]);
		if (rc == KF_ENOTFOUND || !res[i].checked || !kf_listing_url_result_fresh(rows[i].checked_at, now)) {
			idx[nf] = i;
			fetch[nf++] = urls[i];
		}
	}
	if (nf) {
		kf_dbpool_put(ctx->pool, *db); /* never hold a connection while waiting */
		*db = NULL;
		kf_urlcheck_run(&ctx->callback_allow, fetch, nf, url_timeout_ms(ctx), KF_LISTING_STAGE_URL_MS,
				&ctx->stopping, got);
		*db = kf_dbpool_get(ctx->pool);
		enum kf_err rc = record_all(*db, fetch, got, nf, now, &ctx->stopping);
		for (size_t k = 0; k < nf; k++) {
			res[idx[k]] = (struct kf_listing_url_result){true, got[k].status, got[k].redirects,
								      got[k].error[0] ? got[k].error : NULL};
			kf_urlcheck_clear(&got[k]);
		}
		if (rc != KF_OK)
			return rc;
	}
	for (size_t i = 0; i < N_URL_FIELDS; i++) {
		const char *u = str(body, URL_FIELDS[i].field);
		for (size_t k = 0; u && k < nu; k++)
			if (!strcmp(urls[k], u))
				kf_listing_check_url_result(URL_FIELDS[i].field, u, &res[k], out);
	}
	const char *privacy = str(body, "privacy_url");
	for (size_t k = 0; privacy && k < nu; k++) {
		if (strcmp(urls[k], privacy) || !kf_listing_url_opened(&res[k]))
			continue;
		struct kf_entity_row ent;
		const char *entity;
		char *text = NULL;
		if (verified_entity(*db, app->provider_id, &ent, &entity) != KF_OK ||
		    kf_store_url_check_page_text(*db, privacy, &text) == KF_EDB)
			return KF_EDB;
		kf_listing_check_privacy_entity(privacy, text, entity, out);
		free(text);
	}
	return KF_OK;
}

/* REV-6 for the stage: the documents the listing's category requires. */
static enum kf_err stage_qualifications(struct kf_db *db, int64_t app, json_t *body, struct kf_arena *a,
					struct kf_findings *out)
{
	const char *category = str(body, "category");
	json_t *docs = NULL;
	enum kf_err rc = category ? kf_store_category_docs(db, category, &docs) : KF_ENOTFOUND;
	if (rc == KF_ENOTFOUND)
		return KF_OK; /* no or an unknown category: LST-7 reports it */
	if (rc != KF_OK)
		return rc;
	json_t *subs = kf_store_qualifications_json(db, app);
	if (!subs) {
		json_decref(docs);
		return KF_EDB;
	}
	size_t n = json_array_size(docs);
	struct kf_qualification *q = kf_arena_alloc(a, (n ? n : 1) * sizeof(*q));
	for (size_t i = 0; i < n; i++) {
		const char *doc = json_string_value(json_array_get(docs, i));
		json_t *sub = json_object_get(subs, doc);
		q[i].doc = kf_arena_strdup(a, doc);
		q[i].state = KF_QUALIFICATION_MISSING;
		q[i].reason = NULL;
		if (sub) {
			(void)kf_qualification_state_parse(json_string_value(json_object_get(sub, "state")), &q[i].state);
			const char *reason = json_string_value(json_object_get(sub, "reason"));
			q[i].reason = reason ? kf_arena_strdup(a, reason) : NULL;
		}
	}
	kf_listing_check_qualifications(category, q, n, out);
	json_decref(subs);
	json_decref(docs);
	return KF_OK;
}

json_t *kf_listing_stage(struct kf_ctx *ctx, int64_t app, int64_t listing_id, int64_t now)
{
	struct kf_findings *f = kf_xcalloc(1, sizeof(*f));
	struct kf_arena *arena = kf_arena_new();
	struct kf_listing_row row = {0};
	struct kf_app_row a;
	json_t *out = NULL;
	struct kf_db *db = kf_dbpool_get(ctx->pool);
	enum kf_err rc = kf_store_app_get(db, app, &a);
	if (rc != KF_OK) {
		fprintf(stderr, "{\"level\":\"error\",\"source\":\"listing\",\"msg\":\"stage: app %lld %s\"}\n",
			(long long)app, rc == KF_ENOTFOUND ? "not found" : "unreadable");
		goto done;
	}
	rc = listing_id ? kf_store_listing_get(db, listing_id, &row) : KF_ENOTFOUND;
	if (rc == KF_EDB)
		goto done;
	if (rc == KF_ENOTFOUND || row.app != app) {
		/* APP-12: an app declares its listing before release */
		kf_findings_add(f, "APP-12", "listing", KF_SEVERITY_REJECT,
				"the app has no listing: save its name, version, description, developer, user "
				"agreement and privacy policy first");
		out = findings_json(f, true);
		goto done;
	}
	if (run_checks(ctx, db, &a, row.body, arena, f) != KF_OK ||
	    stage_urls(ctx, &db, &a, row.body, now, f) != KF_OK ||
	    stage_qualifications(db, app, row.body, arena, f) != KF_OK)
		goto done;
	out = findings_json(f, false);
done:
	if (db)
		kf_dbpool_put(ctx->pool, db);
	kf_store_listing_row_clear(&row);
	kf_arena_free(arena);
	free(f);
	return out;
}

/* ---- the worker's pass ---- */

int kf_listing_url_pass(struct kf_ctx *ctx, int64_t now, const atomic_bool *cancel)
{
	struct kf_db *db = kf_dbpool_get(ctx->pool);
	json_t *claimed = kf_store_url_checks_claim(db, now, KF_LISTING_URL_PASS_MAX);
	kf_dbpool_put(ctx->pool, db);
	if (!claimed)
		return -1;
	size_t n = json_array_size(claimed);
	if (n == 0) {
		json_decref(claimed);
		return 0;
	}
	const char *urls[KF_LISTING_URL_PASS_MAX];
	struct kf_urlcheck got[KF_LISTING_URL_PASS_MAX];
	for (size_t i = 0; i < n; i++)
		urls[i] = json_string_value(json_array_get(claimed, i));
	long t = url_timeout_ms(ctx);
	kf_urlcheck_run(&ctx->callback_allow, urls, n, t, t + 1000, cancel, got);
	db = kf_dbpool_get(ctx->pool);
	/* cut short by cancel: nothing is kept, the claims lapse and are taken again */
	enum kf_err rc = record_all(db, urls, got, n, kf_ctx_now(ctx), cancel);
	kf_dbpool_put(ctx->pool, db);
	for (size_t i = 0; i < n; i++)
		kf_urlcheck_clear(&got[i]);
	json_decref(claimed);
	return rc == KF_OK ? (int)n : rc == KF_EUNAVAIL ? 0 : -1;
}
