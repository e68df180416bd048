/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The listing's automated checks off the request path (see listing.h): the
 * checks that need no network (shared with the listing save of
 * api/listing.c), the release pipeline's listing stage and the URL check
 * worker pass. The rules are core/listing.c, core/image.c and
 * core/termlist.c; this file gathers the facts they need (term lists, the
 * verified entity, the released version, the catalog, the uploaded files,
 * the opened pages) from store/ and push/urlcheck.h.
 */
#include "pipeline/listing.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/image.h"
#include "core/listing.h"
#include "core/termlist.h"
#include "ctx.h"
#include "pipeline/terms_cache.h"
#include "push/urlcheck.h"
#include "store/apps.h"
#include "store/db.h"
#include "store/files.h"
#include "store/listings.h"
#include "store/providers.h"
#include "util/mem.h"

/* The first bytes read of a file over its byte limit: enough for any
 * header; the rest is never read. */
#define PREFIX_BYTES (256u * 1024)

/* The URL fields and their rules, in the order they are reported. */
static const struct {
	const char *field, *rule;
} URL_FIELDS[KF_LISTING_URL_FIELDS] = {{"privacy_url", "LST-14"}, {"terms_url", "LST-14"}, {"website", "LST-16"}};

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

enum kf_err kf_listing_offline_checks(struct kf_ctx *ctx, struct kf_db *db, const struct kf_app_row *app,
				       json_t *body, struct kf_arena *a, struct kf_findings *out)
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

json_t *kf_listing_findings_json(const struct kf_findings *f, bool rejects_only)
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

size_t kf_listing_urls(json_t *body, const char **urls)
{
	size_t n = 0;
	for (size_t i = 0; i < KF_LISTING_URL_FIELDS; i++) {
		const char *u = str(body, URL_FIELDS[i].field);
		bool seen = false;
		for (size_t k = 0; k < n && !seen; k++)
			seen = !strcmp(urls[k], u);
		if (u && kf_listing_url_valid(u) && !seen)
			urls[n++] = u;
	}
	return n;
}

/* url_checks of a body: one entry per URL field holding a valid URL. */
static json_t *url_checks_json(struct kf_db *db, json_t *body)
{
	json_t *arr = json_array();
	for (size_t i = 0; body && i < KF_LISTING_URL_FIELDS; i++) {
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

json_t *kf_listing_body_url_checks_json(struct kf_db *db, json_t *body, int64_t provider)
{
	json_t *out = url_checks_json(db, body);
	if (out && note_privacy_entity(db, provider, out) != KF_OK) {
		json_decref(out);
		return NULL;
	}
	return out;
}

json_t *kf_listing_url_checks_json(struct kf_db *db, int64_t listing_id, int64_t provider)
{
	json_t *body = listing_id ? kf_store_listing_json(db, listing_id) : NULL;
	json_t *out = kf_listing_body_url_checks_json(db, body, provider);
	json_decref(body);
	return out;
}

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
	const char *urls[KF_LISTING_URL_FIELDS], *fetch[KF_LISTING_URL_FIELDS];
	struct kf_url_check_row rows[KF_LISTING_URL_FIELDS];
	struct kf_listing_url_result res[KF_LISTING_URL_FIELDS];
	struct kf_urlcheck got[KF_LISTING_URL_FIELDS];
	size_t nu = kf_listing_urls(body, urls), nf = 0, idx[KF_LISTING_URL_FIELDS];
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
	for (size_t i = 0; i < KF_LISTING_URL_FIELDS; i++) {
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
		out = kf_listing_findings_json(f, true);
		goto done;
	}
	if (kf_listing_offline_checks(ctx, db, &a, row.body, arena, f) != KF_OK ||
	    stage_urls(ctx, &db, &a, row.body, now, f) != KF_OK ||
	    stage_qualifications(db, app, row.body, arena, f) != KF_OK)
		goto done;
	out = kf_listing_findings_json(f, false);
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
