/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The generic review queue (REV-1, REV-5): operators list reviews by kind
 * and state and decide them. The decision is recorded here; what it means
 * for the subject is applied by the subject's module in the same
 * transaction.
 */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "api/common.h"
#include "api/apps.h"
#include "api/authenticity.h"
#include "api/listing_apps.h"
#include "api/providers.h"
#include "api/tokens.h"
#include "core/names.h"

#include "core/calendar.h"
#include "core/review.h"
#include "ctx.h"
#include "http/request.h"
#include "store/apps.h"
#include "store/authenticity.h"
#include "store/db.h"
#include "store/files.h"
#include "store/listings.h"
#include "store/providers.h"
#include "store/release.h"
#include "store/reviews.h"
#include "util/mem.h"

/* What a decision means for its subject, applied by the subject's module
 * in the decision's transaction; one row per review kind. */
typedef bool (*decided_fn)(struct kf_req *r, const struct kf_review_row *rv, bool approve, size_t n_reasons,
			   const char *reasons_text, json_t *body, bool *replied);

static bool qualification_decided(struct kf_req *r, const struct kf_review_row *rv, bool approve, size_t n,
				  const char *text, json_t *body, bool *replied)
{
	(void)body;
	return kf_api_provider_qualification_decided(r, rv, approve, n, text, replied);
}

static bool authenticity_decided(struct kf_req *r, const struct kf_review_row *rv, bool approve, size_t n,
				 const char *text, json_t *body, bool *replied)
{
	(void)body;
	return kf_api_authenticity_decided(r, rv, approve, n, text, replied);
}

static bool creation_decided(struct kf_req *r, const struct kf_review_row *rv, bool approve, size_t n,
			     const char *text, json_t *body, bool *replied)
{
	(void)body;
	return kf_api_app_creation_decided(r, rv, approve, n, text, replied);
}

static bool release_decided(struct kf_req *r, const struct kf_review_row *rv, bool approve, size_t n,
			    const char *text, json_t *body, bool *replied)
{
	(void)body;
	return kf_api_app_release_decided(r, rv, approve, n, text, replied);
}

static bool change_decided(struct kf_req *r, const struct kf_review_row *rv, bool approve, size_t n,
			   const char *text, json_t *body, bool *replied)
{
	(void)body;
	return kf_api_app_change_decided(r, rv, approve, n, text, replied);
}

static const struct {
	decided_fn decided;
	bool moves_live; /* an approval puts configs live: cached token checks go */
} by_kind[KF_REVIEW_KIND_COUNT] = {
	[KF_REVIEW_QUALIFICATION] = {qualification_decided, false},
	[KF_REVIEW_AUTHENTICITY] = {authenticity_decided, false},
	[KF_REVIEW_CREATION] = {creation_decided, false},
	[KF_REVIEW_RELEASE] = {release_decided, true},
	[KF_REVIEW_CHANGE] = {change_decided, true},
	[KF_REVIEW_SEARCH_LISTING] = {kf_api_listing_application_decided, false},
	[KF_REVIEW_DISPLAY_LISTING] = {kf_api_listing_application_decided, false},
};

/* ?assignee=<user id> | me | none (REV-1). */
static bool assignee_filter(struct kf_req *r, struct kf_review_filter *f)
{
	const char *a = kf_req_query(r, "assignee");
	if (!a)
		return true;
	if (!strcmp(a, "me")) {
		f->assignee_mode = KF_REVIEW_ASSIGNEE_USER;
		f->assignee = r->user_id;
		return true;
	}
	if (!strcmp(a, "none")) {
		f->assignee_mode = KF_REVIEW_ASSIGNEE_NONE;
		return true;
	}
	char *end = NULL;
	long long v = *a >= '1' && *a <= '9' && strlen(a) <= 18 ? strtoll(a, &end, 10) : 0;
	if (v <= 0 || !end || *end) {
		kf_reply_fail(r, KF_EINVAL, "invalid_value", "REV-1", "assignee", "assignee is a user id, me or none");
		return false;
	}
	f->assignee_mode = KF_REVIEW_ASSIGNEE_USER;
	f->assignee = v;
	return true;
}

/* A positive id of at most 18 digits, or 0. */
static int64_t query_id(const char *a)
{
	char *end = NULL;
	long long v = a && *a >= '1' && *a <= '9' && strlen(a) <= 18 ? strtoll(a, &end, 10) : 0;
	return v > 0 && end && !*end ? (int64_t)v : 0;
}

/* REV-1: a review is overdue when it is pending past its deadline, at the
 * request's now; the list and the single review say it alike, with the
 * working days left by the operator's calendar (null once decided). */
static void set_overdue(struct kf_req *r, const struct kf_calendar *cal, json_t *it)
{
	enum kf_review_state st = KF_REVIEW_WITHDRAWN;
	bool pending = kf_review_state_parse(json_string_value(json_object_get(it, "state")), &st) &&
		       st == KF_REVIEW_PENDING;
	int64_t due = json_integer_value(json_object_get(it, "due_at"));
	bool overdue_now = kf_review_overdue(pending, due, r->now);
	json_object_set_new(it, "overdue", json_boolean(overdue_now));
	json_object_set_new(it, "working_days_left",
			    pending ? json_integer(kf_review_working_days_left(cal, due, r->now)) : json_null());
}

static bool load_calendar(struct kf_req *r, struct kf_calendar *cal)
{
	if (kf_store_calendar_load(kf_req_db(r), r->ctx->cfg.utc_offset_seconds, cal) != KF_OK) {
		kf_calendar_clear(cal);
		kf_reply_db_error(r);
		return false;
	}
	return true;
}

/* GET /v1/reviews: the queue (REV-1), oldest deadline first, with the
 * overdue flag computed at the request's now. */
static void api_reviews_list(struct kf_req *r)
{
	struct kf_review_filter f = {.now = r->now};
	const char *kind = kf_req_query(r, "kind"), *state = kf_req_query(r, "state");
	const char *overdue = kf_req_query(r, "overdue");
	enum kf_review_kind k;
	enum kf_review_state s;
	if (kind && !kf_review_kind_parse(kind, &k)) {
		kf_reply_fail(r, KF_EINVAL, "invalid_value", NULL, "kind", "unknown review kind '%.40s'", kind);
		return;
	}
	f.kind = kind ? &k : NULL;
	f.state = state && kf_review_state_parse(state, &s) ? &s : NULL;
	if (state && !f.state) {
		kf_reply_fail(r, KF_EINVAL, "invalid_value", NULL, "state", "state is pending, approved, rejected or withdrawn");
		return;
	}
	if (overdue && strcmp(overdue, "true") && strcmp(overdue, "false") && strcmp(overdue, "1") &&
	    strcmp(overdue, "0")) {
		kf_reply_fail(r, KF_EINVAL, "invalid_value", "REV-1", "overdue", "overdue is 1, 0, true or false");
		return;
	}
	f.overdue_only = overdue && (!strcmp(overdue, "true") || !strcmp(overdue, "1"));
	/* ?provider=<provider id>, ?app=<app_id or app row id> */
	const char *prov = kf_req_query(r, "provider"), *app = kf_req_query(r, "app");
	if (prov && *prov && !(f.provider_id = query_id(prov))) {
		kf_reply_fail(r, KF_EINVAL, "invalid_value", NULL, "provider", "provider is a provider id");
		return;
	}
	if (app && *app) {
		f.app = query_id(app);
		if (!f.app) {
			if (strlen(app) > 64) {
				kf_reply_fail(r, KF_EINVAL, "invalid_value", NULL, "app", "app is an app_id or an app's id");
				return;
			}
			f.app_id = app;
		}
	}
	struct kf_page_key after;
	if (!assignee_filter(r, &f) || !kf_api_page_keyset(r, 50, 200, &after, &f.limit))
		return;
	f.has_after = after.set;
	f.after_due = after.key;
	f.after_id = after.id;
	json_t *items = kf_store_reviews_json(kf_req_db(r), &f);
	if (!items) {
		kf_reply_db_error(r);
		return;
	}
	struct kf_calendar cal;
	if (!load_calendar(r, &cal)) {
		json_decref(items);
		return;
	}
	size_t n = json_array_size(items);
	for (size_t i = 0; i < n; i++)
		set_overdue(r, &cal, json_array_get(items, i));
	kf_calendar_clear(&cal);
	json_t *last = json_array_get(items, n - 1);
	json_t *next = n == (size_t)f.limit
			       ? json_string(kf_api_cursor(r, json_integer_value(json_object_get(last, "due_at")),
							   json_integer_value(json_object_get(last, "id"))))
			       : json_null();
	kf_reply_json(r, 200, json_pack("{s:o, s:o}", "items", items, "next_after", next));
}

static void api_reviews_get(struct kf_req *r)
{
	int64_t id = kf_req_param_id(r, "id");
	json_t *o = id ? kf_store_review_json(kf_req_db(r), id) : NULL;
	if (!o) {
		kf_reply_fail(r, KF_ENOTFOUND, "review_not_found", NULL, "id", "no such review");
		return;
	}
	struct kf_calendar cal;
	if (!load_calendar(r, &cal)) {
		json_decref(o);
		return;
	}
	set_overdue(r, &cal, o);
	kf_calendar_clear(&cal);
	kf_reply_json(r, 200, o);
}

/* GET /v1/reviews/counts: open reviews per kind, overdue, unassigned and
 * assigned to the caller, for the queue's navigation (REV-1). */
static void api_reviews_counts(struct kf_req *r)
{
	json_t *o = kf_store_review_counts_json(kf_req_db(r), r->user_id, r->now);
	if (!o) {
		kf_reply_db_error(r);
		return;
	}
	kf_reply_json(r, 200, o);
}

/* ------------------------------------------------------------ context */

/* A file as a reviewer opens it: id, kind, name, content type, size; a
 * file that went away says so. */
static json_t *file_meta(struct kf_db *db, json_int_t id, const char *kind)
{
	struct kf_file_row f;
	if (kf_store_file_get(db, id, &f) != KF_OK)
		return json_pack("{s:I, s:s, s:b}", "file_id", id, "kind", kind, "missing", 1);
	return json_pack("{s:I, s:s, s:s, s:s, s:I, s:b}", "file_id", (json_int_t)f.id, "kind", kind, "name", f.name,
			 "content_type", f.content_type, "size", (json_int_t)f.size, "missing", 0);
}

static json_t *files_meta(struct kf_db *db, json_t *ids, const char *kind)
{
	json_t *arr = json_array(), *v;
	size_t i;
	json_array_foreach(ids, i, v) if (json_is_integer(v))
		json_array_append_new(arr, file_meta(db, json_integer_value(v), kind));
	return arr;
}

/* A configuration as the reviewer reads it: the message keys are the
 * provider's secrets and decide nothing in a review. */
static json_t *config_for_review(struct kf_db *db, int64_t config_id)
{
	json_t *c = config_id ? kf_store_app_config_json(db, config_id) : NULL;
	json_t *dev = json_object_get(c, "dev");
	if (json_is_object(dev)) {
		json_object_del(dev, "message_token");
		json_object_del(dev, "aes_key");
	}
	return c ? c : json_null();
}

/* The fields whose values differ between two objects (APP-7: what a change
 * review decides on), one level deep, in the "after" object's key order
 * then removed keys: [{part, field, before, after}]. */
static void diff_into(struct kf_req *r, json_t *out, const char *part, json_t *before, json_t *after)
{
	const char *k;
	json_t *v;
	if (!json_is_object(before) || !json_is_object(after))
		return;
	json_object_foreach(after, k, v) {
		json_t *b = json_object_get(before, k);
		if (json_is_object(v) && json_is_object(b)) {
			const char *k2;
			json_t *v2;
			json_object_foreach(v, k2, v2) {
				json_t *b2 = json_object_get(b, k2);
				if (!b2 || !json_equal(b2, v2))
					json_array_append_new(out, json_pack("{s:s, s:s, s:O, s:O}", "part", part, "field",
									     kf_arena_printf(r->arena, "%s.%s", k, k2), "before",
									     b2 ? b2 : json_null(), "after", v2));
			}
			continue;
		}
		if (!b || !json_equal(b, v))
			json_array_append_new(out, json_pack("{s:s, s:s, s:O, s:O}", "part", part, "field", k, "before",
							     b ? b : json_null(), "after", v));
	}
	json_object_foreach(before, k, v) if (!json_object_get(after, k))
		json_array_append_new(out, json_pack("{s:s, s:s, s:O, s:n}", "part", part, "field", k, "before", v, "after"));
}

/* ONB-3, ONB-4, ONB-6: what a machine can tell about the entity name of a
 * qualification application. */
static json_t *name_checks(struct kf_req *r, json_t *app, json_t *provider)
{
	const char *legal = json_string_value(json_object_get(app, "legal_name"));
	char *norm = legal ? kf_name_normalize(legal) : NULL;
	const char *pname = json_string_value(json_object_get(provider, "name"));
	json_t *o = json_pack("{s:s, s:b, s:b, s:b}", "normalized", norm ? norm : "", "valid_text", norm && *norm,
			      "entity_reused", json_is_true(json_object_get(app, "entity_reused")),
			      "same_as_provider_name", legal && pname && kf_name_equal(legal, pname));
	free(norm);
	(void)r;
	return o;
}

/* The first about max bytes of text, cut at a character boundary and at
 * most at its end (in place; returns text). */
static char *excerpt(char *text, size_t max)
{
	size_t n = strlen(text);
	if (n <= max)
		return text;
	while (max > 0 && ((unsigned char)text[max] & 0xC0) == 0x80)
		max--;
	text[max] = '\0';
	return text;
}

/* Everything one review's decision needs, per kind. */
static bool review_context(struct kf_req *r, json_t *rv, json_t *out)
{
	struct kf_db *db = kf_req_db(r);
	const char *kind_s = json_string_value(json_object_get(rv, "kind"));
	enum kf_review_kind kind;
	if (!kf_review_kind_parse(kind_s, &kind))
		return true;
	int64_t subject = json_integer_value(json_object_get(rv, "subject_id"));
	int64_t org_id = json_integer_value(json_object_get(rv, "provider_id"));
	json_t *detail = json_object_get(rv, "detail");
	json_t *provider = kf_store_org_json(db, org_id);
	if (!provider)
		return false;
	json_object_set_new(out, "provider", provider);

	if (kind == KF_REVIEW_QUALIFICATION) {
		json_t *app = kf_store_application_json(db, subject);
		if (!app)
			return false;
		json_object_set_new(out, "documents", files_meta(db, json_object_get(app, "documents"), "licence"));
		json_object_set_new(out, "name_checks", name_checks(r, app, provider));
		json_object_set_new(out, "application", app);
		return true;
	}
	if (kind == KF_REVIEW_AUTHENTICITY) {
		json_t *ev = json_object_get(detail, "evidence");
		json_object_set_new(out, "documents", files_meta(db, json_object_get(ev, "documents"), "evidence"));
		json_object_set(out, "statement", json_object_get(ev, "statement") ? json_object_get(ev, "statement")
									   : json_null());
		return true;
	}
	struct kf_app_row a;
	struct kf_app_release_row rel = {0};
	if (kf_store_app_get(db, subject, &a) != KF_OK || kf_store_app_release_get(db, subject, &rel) == KF_EDB)
		return false;
	json_object_set_new(out, "app", json_pack("{s:s, s:s}", "app_id", a.app_id, "state", kf_app_state_name(a.state)));
	json_t *auth = NULL;
	if (kf_store_authenticity_latest_json(db, org_id, &auth) == KF_EDB)
		return false;
	json_object_set_new(out, "authenticity", auth ? auth : json_null());
	json_t *quals = kf_store_qualifications_json(db, subject);
	if (!quals)
		return false;
	json_object_set_new(out, "qualifications", quals);

	if (kind == KF_REVIEW_CREATION) {
		json_object_set_new(out, "config", config_for_review(db, a.draft_config_id ? a.draft_config_id
											: a.live_config_id));
		return true;
	}
	if (kind == KF_REVIEW_SEARCH_LISTING || kind == KF_REVIEW_DISPLAY_LISTING) {
		json_t *att = json_object_get(detail, "attestations");
		json_object_set(out, "attestations", att ? att : json_null());
		json_object_set_new(out, "documents", files_meta(db, json_object_get(att, "evidence"), "evidence"));
		int64_t lid = json_integer_value(json_object_get(detail, "live_listing_id"));
		json_t *l = kf_store_listing_json(db, lid ? lid : rel.live_listing_id);
		json_object_set_new(out, "listing", l ? l : json_null());
		json_object_set_new(out, "config", config_for_review(db, a.live_config_id));
		return true;
	}
	/* release and change: what the pipeline found (reviews.detail) */
	int64_t config_id = json_integer_value(json_object_get(detail, "config_id"));
	int64_t listing_id = json_integer_value(json_object_get(detail, "listing_id"));
	json_t *findings = json_object_get(detail, "findings"), *checks = json_object_get(detail, "checks");
	json_t *urls = json_object_get(detail, "url_checks");
	json_object_set_new(out, "findings", json_is_array(findings) ? json_incref(findings) : json_array());
	json_object_set_new(out, "checks", json_is_array(checks) ? json_incref(checks) : json_array());
	json_t *uc = json_is_array(urls) ? json_deep_copy(urls) : json_array(), *u;
	json_object_set_new(out, "url_checks", uc);
	size_t ui;
	json_array_foreach(uc, ui, u) {
		/* LST-14, LST-20: the start of the text the check read, for the
		 * reviewer to see what the page is */
		const char *url = json_string_value(json_object_get(u, "url"));
		char *text = NULL;
		if (url && kf_store_url_check_page_text(db, url, &text) == KF_EDB)
			return false;
		json_object_set_new(u, "excerpt", text ? json_string(excerpt(text, 300)) : json_null());
		free(text);
	}
	json_t *cfg = config_for_review(db, config_id ? config_id : a.live_config_id);
	json_t *listing = kf_store_listing_json(db, listing_id ? listing_id : rel.live_listing_id);
	if (!listing)
		listing = json_null();
	json_t *previews = json_array();
	json_t *pd = files_meta(db, json_object_get(listing, "previews_desktop"), "desktop");
	json_t *pm = files_meta(db, json_object_get(listing, "previews_mobile"), "mobile");
	json_array_extend(previews, pd);
	json_array_extend(previews, pm);
	json_decref(pd);
	json_decref(pm);
	json_object_set_new(out, "previews", previews);
	/* LST-11: the automated finding of two previews being the same picture */
	json_t *dups = json_array(), *f;
	size_t i;
	json_array_foreach(json_object_get(out, "findings"), i, f) {
		const char *rule = json_string_value(json_object_get(f, "rule"));
		if (rule && !strcmp(rule, "LST-11"))
			json_array_append(dups, f);
	}
	json_object_set_new(out, "near_duplicates", dups);
	if (kind == KF_REVIEW_CHANGE) {
		/* APP-7: what is live now against what was submitted */
		json_t *bcfg = config_id && a.live_config_id != config_id ? config_for_review(db, a.live_config_id)
									   : json_null();
		json_t *blst = listing_id && rel.live_listing_id != listing_id
				       ? kf_store_listing_json(db, rel.live_listing_id)
				       : NULL;
		json_t *changes = json_array();
		diff_into(r, changes, "config", bcfg, config_id ? cfg : NULL);
		diff_into(r, changes, "listing", blst, listing_id ? listing : NULL);
		json_object_set_new(out, "before", json_pack("{s:o, s:o}", "config", bcfg, "listing",
							     blst ? blst : json_null()));
		json_object_set_new(out, "changes", changes);
	}
	json_object_set_new(out, "config", cfg);
	json_object_set_new(out, "listing", listing);
	return true;
}

/* GET /v1/reviews/{id}/context: one review with everything its decision
 * needs (REV-1, REV-5): the subject per kind, the provider and its other
 * reviews, the earlier decisions on the same subject, the working days
 * left and the reasons a rejection may start from. */
static void api_reviews_context(struct kf_req *r)
{
	int64_t id = kf_req_param_id(r, "id");
	struct kf_db *db = kf_req_db(r);
	json_t *rv = id ? kf_store_review_json(db, id) : NULL;
	if (!rv) {
		kf_reply_fail(r, KF_ENOTFOUND, "review_not_found", NULL, "id", "no such review");
		return;
	}
	char email[256] = "";
	int64_t reviewer = json_integer_value(json_object_get(rv, "reviewer_id"));
	int64_t assignee = json_integer_value(json_object_get(rv, "assignee_id"));
	if (reviewer && kf_store_user_email(db, reviewer, email, sizeof(email)) == KF_EDB)
		goto fail_rv;
	json_object_set_new(rv, "reviewer_email", reviewer ? json_string(email) : json_null());
	if (assignee && kf_store_user_email(db, assignee, email, sizeof(email)) == KF_EDB)
		goto fail_rv;
	json_object_set_new(rv, "assignee_email", assignee ? json_string(email) : json_null());
	struct kf_calendar cal;
	if (kf_store_calendar_load(db, r->ctx->cfg.utc_offset_seconds, &cal) != KF_OK) {
		kf_calendar_clear(&cal);
		goto fail_rv;
	}
	set_overdue(r, &cal, rv); /* overdue and working days left, as the queue shows them */
	kf_calendar_clear(&cal);

	json_t *out = json_pack("{s:o}", "review", rv);
	if (!review_context(r, rv, out))
		goto fail;
	json_t *hist = kf_store_reviews_of_provider_json(db, json_integer_value(json_object_get(rv, "provider_id")), id, 50);
	if (!hist)
		goto fail;
	/* the earlier decisions on the same subject (REV-5): the same app; for
	 * a provider's own reviews (a new application after a rejection is a
	 * new row) the provider's earlier reviews of the same kind */
	json_t *earlier = json_array(), *h;
	size_t i;
	const char *st = json_string_value(json_object_get(rv, "subject_type"));
	bool by_app = st && !strcmp(st, "app");
	json_array_foreach(hist, i, h) {
		bool same = by_app ? json_equal(json_object_get(h, "subject_type"), json_object_get(rv, "subject_type")) &&
					     json_equal(json_object_get(h, "subject_id"), json_object_get(rv, "subject_id"))
				   : json_equal(json_object_get(h, "kind"), json_object_get(rv, "kind"));
		if (same && json_is_integer(json_object_get(h, "decided_at")))
			json_array_append(earlier, h);
	}
	/* the pager of the desk: the open reviews around this one (REV-1 order) */
	int64_t prev_id, next_id;
	if (kf_store_review_neighbours(db, id, json_integer_value(json_object_get(rv, "due_at")),
				       json_is_integer(json_object_get(rv, "working_days_left")), &prev_id,
				       &next_id) != KF_OK) {
		json_decref(hist);
		json_decref(earlier);
		goto fail;
	}
	json_object_set_new(out, "queue_prev", prev_id ? json_integer(prev_id) : json_null());
	json_object_set_new(out, "queue_next", next_id ? json_integer(next_id) : json_null());
	json_object_set_new(out, "history", hist);
	json_object_set_new(out, "earlier_decisions", earlier);
	enum kf_review_kind kind;
	json_t *tpl = json_array();
	if (kf_review_kind_parse(json_string_value(json_object_get(rv, "kind")), &kind)) {
		const struct kf_reason_template *t[64];
		size_t n = kf_review_reason_templates(kind, t, 64);
		for (size_t k = 0; k < n && k < 64; k++)
			json_array_append_new(tpl, json_pack("{s:s, s:s, s:s, s:s}", "rule", t[k]->rule, "field",
							     t[k]->field, "en", t[k]->en, "zh", t[k]->zh));
	}
	json_object_set_new(out, "reason_templates", tpl);
	kf_reply_json(r, 200, out);
	return;
fail:
	json_decref(out);
	kf_reply_db_error(r);
	return;
fail_rv:
	json_decref(rv);
	kf_reply_db_error(r);
}

/* REV-5: every reason names a rule id, the field and a message. */
static bool check_reasons(struct kf_req *r, json_t *reasons, char **text)
{
	size_t i;
	json_t *v;
	char *acc = kf_arena_strdup(r->arena, "");
	json_array_foreach(reasons, i, v) {
		const char *rule = json_string_value(json_object_get(v, "rule"));
		const char *field = json_string_value(json_object_get(v, "field"));
		const char *msg = json_string_value(json_object_get(v, "message"));
		if (!json_is_object(v) || json_object_size(v) != 3 || !rule || !field || !msg || !*rule || !*field || !*msg ||
		    strlen(rule) > 16 || strlen(field) > 64 || strlen(msg) > 1000) {
			kf_reply_fail(r, KF_EINVAL, "invalid_reason", "REV-5", "reasons",
				      "reason %zu must be {\"rule\", \"field\", \"message\"} with a rule id and a message",
				      i);
			return false;
		}
		acc = kf_arena_printf(r->arena, "%s%s[%s] %s: %s", acc, i ? "; " : "", rule, field, msg);
	}
	*text = acc;
	return true;
}

static void api_reviews_decide(struct kf_req *r)
{
	static const struct kf_field f[] = {
		{"decision", KF_F_STRING, true, 16, "REV-5"},
		{"reasons", KF_F_ARRAY, false, 50, "REV-5"},
		{"evidence_holds", KF_F_BOOL, false, 0, "REV-3"},
	};
	if (!kf_role_reviews(r->operator_role)) {
		kf_reply_fail(r, KF_EFORBIDDEN, "reviewer_required", NULL, NULL, "only reviewers and admins decide reviews");
		return;
	}
	json_t *j = kf_req_json(r);
	if (!j || !kf_req_check(r, j, f, KF_NFIELDS(f)))
		return;
	const char *decision = kf_json_str(j, "decision");
	bool approve = !strcmp(decision, "approve");
	if (!approve && strcmp(decision, "reject")) {
		kf_reply_fail(r, KF_EINVAL, "invalid_value", "REV-5", "decision", "decision is approve or reject");
		return;
	}
	json_t *reasons = json_object_get(j, "reasons");
	char *text = NULL;
	if (reasons && !check_reasons(r, reasons, &text))
		return;
	size_t n_reasons = json_array_size(reasons);
	struct kf_error err = {0};
	if (kf_review_check_decision(approve, n_reasons, &err) != KF_OK) {
		kf_reply_error(r, &err);
		return;
	}
	int64_t id = kf_req_param_id(r, "id");
	struct kf_review_row rv;
	if (!kf_api_begin(r))
		return;
	struct kf_db *db = kf_req_db(r);
	enum kf_err rc = id ? kf_store_review_get(db, id, &rv) : KF_ENOTFOUND;
	if (rc == KF_ENOTFOUND) {
		kf_api_rollback(r);
		kf_reply_fail(r, KF_ENOTFOUND, "review_not_found", NULL, "id", "no such review");
		return;
	}
	/* REV-5, REV-3: core decides the review's state change */
	enum kf_review_state next = KF_REVIEW_PENDING;
	if (rc == KF_OK && kf_review_decide(rv.state, rv.kind, approve, n_reasons,
					    json_is_boolean(json_object_get(j, "evidence_holds")), &next, &err) != KF_OK) {
		kf_api_rollback(r);
		kf_reply_error(r, &err);
		return;
	}
	char *rj = reasons ? json_dumps(reasons, JSON_COMPACT) : strdup("[]");
	rc = rc == KF_OK ? kf_store_review_decide(db, id, next, r->user_id, rj, r->now) : rc;
	free(rj);
	if (rc == KF_ECONFLICT) {
		/* REV-5: another reviewer decided it between our read and our
		 * write (PostgreSQL runs both at once): theirs stands */
		kf_api_rollback(r);
		kf_reply_fail(r, KF_ECONFLICT, "already_decided", "REV-5", "decision",
			      "another reviewer decided this review first");
		return;
	}
	bool replied = false, ok = rc == KF_OK;
	if (ok)
		ok = by_kind[rv.kind].decided(r, &rv, approve, n_reasons, text ? text : "", j, &replied);
	if (ok)
		ok = kf_api_audit(r, approve ? "review.approve" : "review.reject",
				  kf_arena_printf(r->arena, "review:%lld", (long long)id), text);
	if (!ok) {
		if (replied)
			kf_api_rollback(r);
		else
			kf_api_abort_db(r);
		return;
	}
	if (!kf_api_commit(r))
		return;
	/* a change or a release moved live configs: cached token checks go */
	if (approve && by_kind[rv.kind].moves_live)
		kf_api_tokens_changed(r);
	json_t *o = kf_store_review_json(db, id);
	if (!o) {
		kf_reply_db_error(r);
		return;
	}
	kf_reply_json(r, 200, o);
}

const struct kf_route kf_api_reviews_routes[] = {
	{"GET", "/v1/reviews", api_reviews_list, KF_AUTH_OPERATOR, 0, "Review queue (REV-1)"},
	{"GET", "/v1/reviews/counts", api_reviews_counts, KF_AUTH_OPERATOR, 0,
	 "Open, overdue, unassigned and own reviews per kind (REV-1)"},
	{"GET", "/v1/reviews/{id}", api_reviews_get, KF_AUTH_OPERATOR, 0, "Read a review"},
	{"GET", "/v1/reviews/{id}/context", api_reviews_context, KF_AUTH_OPERATOR, 0,
	 "One review with everything its decision needs (REV-1, REV-5)"},
	{"POST", "/v1/reviews/{id}/decision", api_reviews_decide, KF_AUTH_OPERATOR, 0,
	 "Approve or reject a review (REV-5)"},
};
const size_t kf_api_reviews_nroutes = sizeof(kf_api_reviews_routes) / sizeof(kf_api_reviews_routes[0]);
