/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The app listing (LST-*): PUT/GET /v1/apps/{id}/listing and the category
 * qualification documents (REV-6). The checks themselves, the release
 * pipeline's listing stage and the URL check worker pass are
 * pipeline/listing.c.
 *
 * A save is refused only for its shape (wrong JSON types, unknown fields,
 * file ids that are not the provider's); everything the rules find is
 * answered as findings and the listing is stored anyway, as a new version
 * the app's draft points at.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "api/apps.h"
#include "api/common.h"
#include "core/listing.h"
#include "ctx.h"
#include "http/request.h"
#include "notify/notify.h"
#include "pipeline/listing.h"
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

/* ---- the view ---- */

/* Borrowed string member, NULL when absent or not a string. */
static const char *str(json_t *body, const char *k)
{
	return json_string_value(json_object_get(body, k));
}

static char *dump(json_t *j)
{
	return json_dumps(j, JSON_COMPACT | JSON_ENSURE_ASCII);
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
	json_t *checks = kf_listing_body_url_checks_json(db, d.body, a->provider_id);
	if (!checks)
		goto done;
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
	if (kf_listing_offline_checks(r->ctx, db, &a, body, r->arena, f) != KF_OK) {
		kf_reply_db_error(r);
		return;
	}
	json_t *fj = kf_listing_findings_json(f, false);
	char *body_s = dump(body), *find_s = dump(fj);
	json_decref(fj);
	const char *urls[KF_LISTING_URL_FIELDS];
	size_t nu = kf_listing_urls(body, urls);
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

/*
 * Check a listing without saving it: the same shape checks and the same
 * automated rules as a save, answered as findings; nothing is stored (the
 * console's editor shows them while the person types).
 */
static void api_listing_check(struct kf_req *r)
{
	struct kf_app_row a;
	enum kf_role role;
	json_t *j = kf_req_json(r);
	if (!j || !kf_req_check(r, j, LISTING_FIELDS, KF_NFIELDS(LISTING_FIELDS)) || !items_ok(r, j) ||
	    !kf_api_load_app(r, &a, &role) || !require_member(r, role) || !files_ok(r, &a, j))
		return;
	json_t *body = normalized(j);
	kf_arena_defer(r->arena, (void (*)(void *))json_decref, body);
	struct kf_findings *f = kf_arena_alloc(r->arena, sizeof(*f));
	memset(f, 0, sizeof(*f));
	if (kf_listing_offline_checks(r->ctx, kf_req_db(r), &a, body, r->arena, f) != KF_OK) {
		kf_reply_db_error(r);
		return;
	}
	kf_reply_json(r, 200, json_pack("{s:o}", "findings", kf_listing_findings_json(f, false)));
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
	if (!kf_api_load_app(r, &a, &role) || !require_member(r, role))
		return;
	json_t *j = kf_req_json(r);
	if (!j || !kf_req_check(r, j, f, KF_NFIELDS(f)))
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
	    kf_notify_org_app(db, r->now, a.provider_id, a.app_id, accept ? "app.qualification_accepted" : "app.qualification_rejected",
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
	{"POST", "/v1/apps/{id}/listing:check", api_listing_check, KF_AUTH_USER, KF_RF_OWN_TX,
	 "Check a listing without saving it: the findings a save would answer (LST-*)"},
	{"GET", "/v1/apps/{id}/qualifications", api_qualifications_list, KF_AUTH_USER, 0,
	 "Documents the listing's category requires (REV-6)"},
	{"PUT", "/v1/apps/{id}/qualifications/{doc}", api_qualifications_put, KF_AUTH_USER, 0,
	 "Submit a qualification document (REV-6)"},
	{"POST", "/v1/apps/{id}/qualifications/{doc}/decision", api_qualifications_decide, KF_AUTH_OPERATOR, 0,
	 "Accept or reject a qualification document (REV-6)"},
};
const size_t kf_api_listing_nroutes = sizeof(kf_api_listing_routes) / sizeof(kf_api_listing_routes[0]);
