/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Authenticity certification (APP-9), the first stage of a release: the
 * provider's owner submits documents and a statement, an operator reviews
 * them like any other review (REV-1, REV-5), and an approval is valid for
 * authenticity-valid-days. Rules are in core/provider.c.
 */
#include "api/authenticity.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "api/api.h"
#include "api/providers.h"
#include "api/common.h"
#include "core/provider.h"
#include "ctx.h"
#include "http/request.h"
#include "notify/notify.h"
#include "store/authenticity.h"
#include "store/db.h"
#include "store/files.h"
#include "store/providers.h"
#include "store/release.h"
#include "store/reviews.h"
#include "util/mem.h"

bool kf_api_authenticity_valid(struct kf_db *db, int64_t org_id, int64_t now, int64_t *valid_until)
{
	int64_t until = 0;
	bool ok = kf_store_authenticity_valid_until(db, org_id, &until) == KF_OK;
	if (valid_until)
		*valid_until = ok ? until : 0;
	/* APP-9: the latest approved certification counts, while it lasts */
	return ok && kf_provider_authenticity_valid(until > 0, until, now);
}

/* The latest certification with whether the provider holds a valid one
 * now: valid and certified_until (the end of the latest approved one,
 * which may be an earlier certification while a renewal is reviewed). */
static void reply_latest(struct kf_req *r, int status, int64_t org_id)
{
	json_t *o = NULL;
	enum kf_err rc = kf_store_authenticity_latest_json(kf_req_db(r), org_id, &o);
	if (rc == KF_ENOTFOUND) {
		kf_reply_fail(r, KF_ENOTFOUND, "authenticity_not_found", "APP-9", NULL,
			      "this provider has not submitted an authenticity certification");
		return;
	}
	int64_t until = 0;
	if (rc != KF_OK || kf_store_authenticity_valid_until(kf_req_db(r), org_id, &until) != KF_OK) {
		json_decref(o);
		kf_reply_db_error(r);
		return;
	}
	json_object_set_new(o, "valid", json_boolean(kf_provider_authenticity_valid(until > 0, until, r->now)));
	json_object_set_new(o, "certified_until", until > 0 ? json_integer(until) : json_null());
	kf_reply_json(r, status, o);
}

/* Documents are files the caller uploaded. */
static bool documents_ok(struct kf_req *r, json_t *docs)
{
	size_t i;
	json_t *v;
	json_array_foreach(docs, i, v) {
		struct kf_file_row f;
		if (!json_is_integer(v)) {
			kf_reply_fail(r, KF_EINVAL, "invalid_type", "APP-9", "documents", "documents must be file ids");
			return false;
		}
		enum kf_err rc = kf_store_file_get(kf_req_db(r), json_integer_value(v), &f);
		if (rc == KF_EDB) {
			kf_reply_db_error(r);
			return false;
		}
		if (rc != KF_OK || f.owner_user_id != r->user_id) {
			kf_reply_fail(r, KF_EINVAL, "file_not_found", "APP-9", "documents",
				      "document %lld is not a file you uploaded", (long long)json_integer_value(v));
			return false;
		}
	}
	return true;
}

static void api_authenticity_submit(struct kf_req *r)
{
	static const struct kf_field f[] = {
		{"documents", KF_F_ARRAY, true, KF_AUTHENTICITY_MAX_DOCUMENTS, "APP-9"},
		{"statement", KF_F_STRING, true, 2000, "APP-9"},
	};
	struct kf_org_row org;
	enum kf_role role;
	if (!kf_api_load_provider(r, &org, &role))
		return;
	/* APP-9: only the owner, refused before the body is looked at (staff
	 * may read a provider, not speak for it) */
	if (role != KF_ROLE_OWNER) {
		kf_reply_fail(r, KF_EFORBIDDEN, "owner_required", "APP-9", NULL,
			      "only the owner of the provider account may certify its authenticity");
		return;
	}
	json_t *j = kf_req_json(r);
	if (!j || !kf_req_check(r, j, f, KF_NFIELDS(f)))
		return;
	struct kf_db *db = kf_req_db(r);
	bool pending;
	if (kf_store_authenticity_pending(db, org.id, &pending) != KF_OK) {
		kf_reply_db_error(r);
		return;
	}
	enum kf_provider_state st = org.state;
	json_t *docs = json_object_get(j, "documents");
	struct kf_error err = {0};
	if (kf_provider_check_authenticity(st, role == KF_ROLE_OWNER, json_array_size(docs), pending, &err) != KF_OK) {
		kf_reply_error(r, &err);
		return;
	}
	if (!documents_ok(r, docs) || !kf_api_begin(r))
		return;
	json_t *ev = json_pack("{s:O, s:s}", "documents", docs, "statement", kf_json_str(j, "statement"));
	char *evidence = json_dumps(ev, JSON_COMPACT);
	json_decref(ev);
	int64_t id = 0, review = 0, due = 0;
	char *body = kf_arena_printf(r->arena,
				     "The authenticity certification of \"%s\" was submitted (APP-9). Review is due "
				     "within %lld working days.\n",
				     org.name, (long long)r->ctx->cfg.review_workdays);
	bool ok = evidence && kf_api_review_due(r, &due) &&
		  kf_store_authenticity_insert(db, org.id, evidence, r->user_id, r->now, &id) == KF_OK;
	/* the review shows what was submitted (reviews.detail) */
	const char *detail = ok ? kf_arena_printf(r->arena, "{\"authenticity_id\":%lld,\"evidence\":%s}",
						  (long long)id, evidence)
				: NULL;
	ok = ok &&
	     kf_store_review_insert(db, KF_REVIEW_AUTHENTICITY, "authenticity", id, org.id, r->now, due, &review) == KF_OK &&
	     kf_store_authenticity_set_review(db, id, review) == KF_OK &&
	     kf_store_review_set_detail(db, review, detail) == KF_OK &&
	     kf_notify_org(db, r->now, org.id, "provider.authenticity_submitted",
			   "Authenticity certification submitted", body) == KF_OK &&
	     kf_api_audit(r, "provider.authenticity_submit",
			  kf_arena_printf(r->arena, "provider:%lld", (long long)org.id), evidence);
	free(evidence);
	if (!ok) {
		kf_api_abort_db(r);
		return;
	}
	if (kf_api_commit(r))
		reply_latest(r, 201, org.id);
}

static void api_authenticity_get(struct kf_req *r)
{
	struct kf_org_row org;
	enum kf_role role;
	if (kf_api_load_provider(r, &org, &role))
		reply_latest(r, 200, org.id);
}

static const char *utc_time(struct kf_req *r, int64_t t)
{
	struct tm tm;
	time_t tt = (time_t)t;
	char buf[32];
	if (!gmtime_r(&tt, &tm) || !strftime(buf, sizeof(buf), "%Y-%m-%d %H:%M UTC", &tm))
		return kf_arena_printf(r->arena, "%lld", (long long)t);
	return kf_arena_strdup(r->arena, buf);
}

bool kf_api_authenticity_decided(struct kf_req *r, const struct kf_review_row *rv, bool approve, size_t n_reasons,
				 const char *reasons_text, bool *replied)
{
	(void)n_reasons; /* REV-5: a rejection's reasons were checked by the caller */
	struct kf_db *db = kf_req_db(r);
	struct kf_authenticity_row a;
	struct kf_org_row org;
	*replied = false;
	if (kf_store_authenticity_by_review(db, rv->id, &a) != KF_OK || kf_store_org_get(db, a.org_id, &org) != KF_OK)
		return false;
	/* APP-9: valid for the configured period from the approval */
	int64_t until = approve ? kf_provider_authenticity_until(r->now, r->ctx->cfg.authenticity_valid_days) : 0;
	const char *body =
		approve ? kf_arena_printf(r->arena,
					  "The authenticity certification of \"%s\" was approved (APP-9). It is valid "
					  "until %s; certify again before then to keep releasing apps.\n",
					  org.name, utc_time(r, until))
			: kf_arena_printf(r->arena,
					  "The authenticity certification of \"%s\" was rejected. Reasons: %s\n"
					  "Fix the documents and submit the certification again.\n",
					  org.name, reasons_text);
	return kf_store_authenticity_decide(db, a.id, approve ? KF_REVIEW_APPROVED : KF_REVIEW_REJECTED, until, r->now) == KF_OK &&
	       kf_notify_org(db, r->now, org.id,
			     approve ? "provider.authenticity_approved" : "provider.authenticity_rejected",
			     approve ? "Authenticity certified" : "Authenticity certification rejected", body) == KF_OK;
}

const struct kf_route kf_api_authenticity_routes[] = {
	{"POST", "/v1/providers/{id}/authenticity", api_authenticity_submit, KF_AUTH_USER, 0,
	 "Submit the authenticity certification (APP-9)"},
	{"GET", "/v1/providers/{id}/authenticity", api_authenticity_get, KF_AUTH_USER, 0,
	 "The latest authenticity certification and whether it is valid (APP-9)"},
};
const size_t kf_api_authenticity_nroutes = sizeof(kf_api_authenticity_routes) / sizeof(kf_api_authenticity_routes[0]);
