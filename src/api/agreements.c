/* SPDX-License-Identifier: Apache-2.0 */
/* Agreements (ONB-12): operators publish versions; users read and consent. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "api/api.h"
#include "api/common.h"
#include "core/agreement.h"
#include "ctx.h"
#include "http/request.h"
#include "notify/notify.h"
#include "store/agreements.h"
#include "store/announcements.h"
#include "store/db.h"
#include "util/mem.h"

static bool valid_audience(json_t *arr)
{
	size_t i;
	json_t *v;
	if (json_array_size(arr) == 0)
		return false;
	json_array_foreach(arr, i, v) {
		const char *s = json_string_value(v);
		if (!s || (strcmp(s, "all") && strcmp(s, "provider") && strcmp(s, "host")))
			return false;
	}
	return true;
}

/* An agreement's announcement stays up this long after the version takes
 * effect, so an account that was away still sees why it is asked again. */
#define ANNOUNCEMENT_AFTER_EFFECT (30 * 86400)

/* NOTE-1, ONB-12: a published version is told to every account at once, in
 * the publishing transaction: an announcement on the console and the
 * landing page, an inbox message and a mail per account (staff excepted).
 * When it takes effect the consent rule asks each account again. */
static bool announce_version(struct kf_req *r, const struct kf_agreement *a, const char *title)
{
	char when[40];
	struct tm tm;
	time_t t = (time_t)a->effective_at;
	if (!gmtime_r(&t, &tm) || !strftime(when, sizeof(when), "%Y-%m-%d %H:%M UTC", &tm))
		snprintf(when, sizeof(when), "%lld", (long long)a->effective_at);
	struct kf_announcement_row row = {
		.title_zh = kf_arena_printf(r->arena, "《%s》第 %d 版已发布", title, a->version),
		.title_en = kf_arena_printf(r->arena, "Version %d of “%s” is published", a->version, title),
		.body_zh = kf_arena_printf(r->arena,
					   "新版本将于 %s 生效（提前 %d 天通知）。生效后，您需要在控制台阅读并同意新版本，"
					   "才能继续进行更改。",
					   when, a->notice_days),
		.body_en = kf_arena_printf(r->arena,
					   "It takes effect on %s (%d days' notice). From then on, read and accept it in the "
					   "console before you change anything.",
					   when, a->notice_days),
		.agreement_key = a->key,
		.agreement_version = a->version,
		.published_at = r->now,
		.ends_at = a->effective_at > r->now ? a->effective_at + ANNOUNCEMENT_AFTER_EFFECT
						    : r->now + ANNOUNCEMENT_AFTER_EFFECT,
	};
	int64_t id;
	struct kf_db *db = kf_req_db(r);
	return kf_store_announcement_insert(db, &row, r->user_id, r->now, &id) == KF_OK &&
	       kf_notify_all_accounts(db, r->now, "agreement.published", row.title_en, row.title_zh, row.body_en,
				      NULL) == KF_OK;
}

static void api_agreements_publish(struct kf_req *r)
{
	static const struct kf_field f[] = {
		{"key", KF_F_STRING, true, 64, "ONB-12"},
		{"version", KF_F_INT, true, 0, "ONB-12"},
		{"title", KF_F_STRING, true, 200, NULL},
		{"body", KF_F_STRING, true, 200000, NULL},
		{"effective_at", KF_F_INT, true, 0, "ONB-12"},
		{"notice_days", KF_F_INT, true, 0, "ONB-12"},
		{"required_for", KF_F_ARRAY, false, 3, NULL},
		{"change_kind", KF_F_STRING, false, 16, "ONB-12"},
	};
	json_t *j = kf_req_json(r);
	if (!j || !kf_req_check(r, j, f, KF_NFIELDS(f)))
		return;
	json_t *rf = json_object_get(j, "required_for");
	if (rf && !valid_audience(rf)) {
		kf_reply_fail(r, KF_EINVAL, "invalid_value", NULL, "required_for",
			      "required_for lists one or more of \"all\", \"provider\", \"host\"");
		return;
	}
	json_int_t version = json_integer_value(json_object_get(j, "version"));
	json_int_t notice = json_integer_value(json_object_get(j, "notice_days"));
	struct kf_agreement a = {
		.key = kf_json_str(j, "key"),
		.version = version > 0 && version < 1000000 ? (int)version : -1,
		.effective_at = json_integer_value(json_object_get(j, "effective_at")),
		.notice_days = notice >= 0 && notice <= 100000 ? (int)notice : -1,
		.required = true,
	};
	struct kf_error err = {0};
	if (!kf_api_begin(r))
		return;
	struct kf_db *db = kf_req_db(r);
	int latest;
	if (kf_store_agreement_latest(db, a.key, &latest) != KF_OK) {
		kf_api_abort_db(r);
		return;
	}
	const char *kind = kf_json_str(j, "change_kind") ? kf_json_str(j, "change_kind") : "rules";
	if (kf_agreement_check_publish(&a, latest, r->now, &err) != KF_OK ||
	    kf_agreement_check_notice(kind, a.notice_days, latest, NULL, &err) != KF_OK) {
		kf_api_rollback(r);
		kf_reply_error(r, &err);
		return;
	}
	char *rf_json = rf ? json_dumps(rf, JSON_COMPACT) : NULL;
	int64_t id;
	enum kf_err rc = kf_store_agreement_insert(db, a.key, a.version, kf_json_str(j, "title"),
						   kf_json_str(j, "body"), a.effective_at, a.notice_days,
						   rf_json ? rf_json : "[\"all\"]", kind, r->user_id, r->now, &id);
	free(rf_json);
	if (rc == KF_ECONFLICT) {
		kf_api_rollback(r);
		kf_reply_fail(r, KF_ECONFLICT, "version_not_next", "ONB-12", "version",
			      "version %d of '%s' was published at the same moment; publish the next one", a.version,
			      a.key);
		return;
	}
	char *subject = kf_arena_printf(r->arena, "agreement:%s:%d", a.key, a.version);
	if (rc != KF_OK || !announce_version(r, &a, kf_json_str(j, "title")) ||
	    !kf_api_audit(r, "agreement.publish", subject, kf_json_str(j, "body"))) {
		kf_api_abort_db(r);
		return;
	}
	if (!kf_api_commit(r))
		return;
	json_t *list = kf_store_agreements_json(db, a.key, 1);
	json_t *first = list ? json_incref(json_array_get(list, 0)) : NULL;
	json_decref(list);
	if (!first) {
		kf_reply_db_error(r);
		return;
	}
	kf_reply_json(r, 201, first);
}

static void api_agreements_list(struct kf_req *r)
{
	const char *key = kf_req_query(r, "key");
	json_t *list = kf_store_agreements_json(kf_req_db(r), key, key != NULL);
	if (!list) {
		kf_reply_db_error(r);
		return;
	}
	/* Mark which version of each key is current now. */
	const char *last_key = NULL;
	bool marked = false;
	size_t i;
	json_t *v;
	json_array_foreach(list, i, v) {
		const char *k = json_string_value(json_object_get(v, "key"));
		if (!last_key || strcmp(k, last_key)) {
			last_key = k;
			marked = false;
		}
		bool effective = json_integer_value(json_object_get(v, "effective_at")) <= r->now;
		json_object_set_new(v, "current", json_boolean(effective && !marked));
		json_object_set_new(v, "upcoming", json_boolean(!effective));
		if (effective)
			marked = true;
	}
	kf_reply_json(r, 200, json_pack("{s:o}", "items", list));
}

static void api_agreements_consent(struct kf_req *r)
{
	static const struct kf_field f[] = {{"version", KF_F_INT, true, 0, "ONB-12"}};
	json_t *j = kf_req_json(r);
	if (!j || !kf_req_check(r, j, f, KF_NFIELDS(f)))
		return;
	const char *key = kf_req_param(r, "key");
	json_int_t v = json_integer_value(json_object_get(j, "version"));
	struct kf_agreement *ags;
	size_t na;
	struct kf_error err = {0};
	if (!kf_api_begin(r))
		return;
	struct kf_db *db = kf_req_db(r);
	if (kf_store_agreements_load(db, r->arena, "provider", &ags, &na) != KF_OK) {
		kf_api_abort_db(r);
		return;
	}
	if (kf_agreement_check_consent(ags, na, key, v > 0 && v < 1000000 ? (int)v : -1, r->now, &err) != KF_OK) {
		kf_api_rollback(r);
		kf_reply_error(r, &err);
		return;
	}
	char *subject = kf_arena_printf(r->arena, "agreement:%s:%lld", key, (long long)v);
	if (kf_store_consent_insert(db, r->user_id, key, (int)v, r->now) != KF_OK ||
	    !kf_api_audit(r, "agreement.consent", subject, NULL)) {
		kf_api_abort_db(r);
		return;
	}
	if (kf_api_commit(r))
		kf_reply_json(r, 201, json_pack("{s:s, s:I, s:I}", "key", key, "version", v, "consented_at",
						(json_int_t)r->now));
}

const struct kf_route kf_api_agreements_routes[] = {
	{"GET", "/v1/agreements", api_agreements_list, KF_AUTH_NONE, 0, "List agreement versions"},
	{"POST", "/v1/agreements", api_agreements_publish, KF_AUTH_ADMIN, KF_RF_STEP_UP, "Publish an agreement version (ONB-12)"},
	{"POST", "/v1/agreements/{key}/consents", api_agreements_consent, KF_AUTH_USER, KF_RF_CONSENT_EXEMPT,
	 "Consent to an agreement version (ONB-12)"},
};
const size_t kf_api_agreements_nroutes = sizeof(kf_api_agreements_routes) / sizeof(kf_api_agreements_routes[0]);
