/* SPDX-License-Identifier: Apache-2.0 */
/* The effects of marketplace governance (see govern.h). */
#include "govern.h"

#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/app.h"
#include "core/auth.h"
#include "core/governance.h"
#include "ctx.h"
#include "notify/notify.h"
#include "proto/envelope.h"
#include "push/push.h"
#include "store/apps.h"
#include "store/audit.h"
#include "store/auth.h"
#include "store/authz.h"
#include "store/db.h"
#include "store/governance.h"
#include "store/outbox.h"
#include "util/crypto.h"

#define FORCE_MAX 64

/* The app_delisted event (PROTOCOL.md §6): AppId, CreateTime, InfoType,
 * Rule, EndTime (0: no fixed end), Permanent (1: for good, DATA-3). */
static enum kf_err push_delisted(struct kf_db *db, const struct kf_app_row *a, int64_t now, const char *rule,
				 int64_t until, bool permanent)
{
	char ct[24], et[24];
	snprintf(ct, sizeof(ct), "%lld", (long long)now);
	snprintf(et, sizeof(et), "%lld", (long long)until);
	const struct kf_envelope_field f[] = {
		{"AppId", a->app_id, true},       {"CreateTime", ct, false}, {"InfoType", "app_delisted", true},
		{"Rule", rule, true},             {"EndTime", et, false},    {"Permanent", permanent ? "1" : "0", false},
	};
	char *xml = NULL, event_id[33];
	struct kf_error err = {0};
	if (kf_envelope_build(f, sizeof(f) / sizeof(f[0]), &xml, NULL, &err) != KF_OK)
		return KF_EDB;
	enum kf_err rc = kf_store_outbox_insert(db, a->id, "app_delisted", "auth_receive", NULL, xml, now, event_id);
	free(xml);
	return rc == KF_OK ? KF_OK : KF_EDB;
}

/* After a delisting ends: each kept authorization gets a fresh code in an
 * updateauthorized event, as after a suspension (api/suspension.c). */
static enum kf_err reissue_codes(struct kf_ctx *ctx, struct kf_db *db, const struct kf_app_row *a, int64_t now)
{
	int64_t total = 0;
	json_t *rows = kf_store_authz_of_app(db, a->id, 0, INT32_MAX, &total);
	if (!rows)
		return KF_EDB;
	enum kf_err rc = KF_OK;
	int64_t expires = kf_auth_code_expires_at(&ctx->auth_policy, now, false);
	size_t i;
	json_t *v;
	json_array_foreach(rows, i, v) {
		unsigned char rnd[KF_AUTH_RANDOM_LEN];
		char code[KF_AUTH_TOKEN_SIZE], hash[65];
		kf_random_bytes(rnd, sizeof(rnd));
		if (!kf_auth_token_format(KF_AUTH_KIND_AUTH_CODE, rnd, code)) {
			rc = KF_EDB;
			break;
		}
		kf_sha256_hex(code, strlen(code), hash);
		struct kf_envelope_auth_event ev = {
			.info_type = kf_auth_event_name(KF_AUTH_EVENT_UPDATEAUTHORIZED),
			.appid = a->app_id,
			.create_time = now,
			.authorizer_appid = json_string_value(json_object_get(v, "external_id")),
			.authorization_code = code,
			.code_expired_time = expires,
		};
		char *xml = NULL, event_id[33];
		struct kf_error err = {0};
		if (kf_store_code_insert(db, hash, KF_AUTH_KIND_AUTH_CODE, false, a->id, json_integer_value(json_object_get(v, "id")),
					 NULL, NULL, NULL, now, expires, NULL) != KF_OK ||
		    kf_envelope_build_auth_event(&ev, &xml, &err) != KF_OK ||
		    kf_store_outbox_insert(db, a->id, ev.info_type, "auth_receive", NULL, xml, now, event_id) != KF_OK)
			rc = KF_EDB;
		free(xml);
		if (rc != KF_OK)
			break;
	}
	json_decref(rows);
	return rc;
}

enum kf_err kf_gov_sync_app(struct kf_ctx *ctx, struct kf_db *db, int64_t now, int64_t app, bool *tokens_ended)
{
	struct kf_app_row a;
	struct kf_gov_app_flags old;
	enum kf_err rc = kf_store_app_get(db, app, &a);
	if (rc == KF_ENOTFOUND)
		return KF_OK; /* deleted: nothing to keep in step */
	if (rc != KF_OK || kf_store_gov_app_flags(db, app, &old) != KF_OK)
		return KF_EDB;
	struct kf_gov_force m[FORCE_MAX];
	size_t n = 0;
	if (kf_store_gov_in_force(db, app, a.provider_id, now, m, FORCE_MAX, &n) != KF_OK)
		return KF_EDB;
	struct kf_gov_effects e;
	kf_gov_effects(m, n, &e);
	if (kf_store_gov_set_app_flags(db, app, &e) != KF_OK)
		return KF_EDB;
	bool ended = false;
	enum kf_app_state next = kf_gov_next_state(a.state, e.delisted, old.withdrawn_at != 0);
	if (next != a.state && kf_store_app_set_state(db, app, next, now) != KF_OK)
		return KF_EDB;
	if (next == KF_APP_DELISTED && a.state != KF_APP_DELISTED) {
		/* GOV-1, AUTH-5: existing installs stop working at once */
		if (kf_store_app_suspend_grants(db, app, now) != KF_OK ||
		    push_delisted(db, &a, now, "GOV-1", e.delisted_until, e.permanent) != KF_OK)
			return KF_EDB;
		ended = true;
	}
	if (e.delisted && e.permanent && a.state != KF_APP_DELETED) {
		/* DATA-3: delisted for good, its authorizations are revoked */
		if (kf_store_app_end_grants(db, app, now) != KF_OK)
			return KF_EDB;
		ended = true;
	}
	bool restored = next != KF_APP_DELISTED && a.state == KF_APP_DELISTED;
	if (restored) {
		a.state = next;
		if (kf_push_ticket_now(db, app, a.app_id, now) != KF_OK || reissue_codes(ctx, db, &a, now) != KF_OK)
			return KF_EDB;
	}
	/* GOV-7: blocked users and refused access lose their tokens now;
	 * the doors refuse new ones while the measure lasts */
	if ((e.users_blocked && !old.users_blocked) || (e.access_refused && !old.access_refused)) {
		if (kf_store_app_suspend_grants(db, app, now) != KF_OK)
			return KF_EDB;
		ended = true;
	}
	/* and get them back when it ends, as after a delisting */
	if (((old.users_blocked && !e.users_blocked) || (old.access_refused && !e.access_refused)) && !e.users_blocked &&
	    !e.access_refused && next != KF_APP_DELISTED && !restored) {
		if (kf_push_ticket_now(db, app, a.app_id, now) != KF_OK || reissue_codes(ctx, db, &a, now) != KF_OK)
			return KF_EDB;
	}
	if (tokens_ended && ended)
		*tokens_ended = true;
	return KF_OK;
}

enum kf_err kf_gov_sync_org(struct kf_ctx *ctx, struct kf_db *db, int64_t now, int64_t org, bool *tokens_ended)
{
	struct kf_gov_force m[FORCE_MAX];
	size_t n = 0;
	if (kf_store_gov_in_force(db, 0, org, now, m, FORCE_MAX, &n) != KF_OK)
		return KF_EDB;
	struct kf_gov_effects e;
	kf_gov_effects(m, n, &e);
	if (kf_store_gov_set_org_banned(db, org, e.new_apps_banned) != KF_OK)
		return KF_EDB;
	json_t *apps = kf_store_provider_app_states(db, org);
	if (!apps)
		return KF_EDB;
	enum kf_err rc = KF_OK;
	size_t i;
	json_t *v;
	json_array_foreach(apps, i, v) {
		if ((rc = kf_gov_sync_app(ctx, db, now, json_integer_value(json_object_get(v, "id")), tokens_ended)) != KF_OK)
			break;
	}
	json_decref(apps);
	return rc;
}

enum kf_err kf_gov_sync_measure(struct kf_ctx *ctx, struct kf_db *db, int64_t now, int64_t id, bool *tokens_ended)
{
	struct kf_gov_measure_row m;
	if (kf_store_gov_measure_get(db, id, &m) != KF_OK)
		return KF_EDB;
	return m.app ? kf_gov_sync_app(ctx, db, now, m.app, tokens_ended) : kf_gov_sync_org(ctx, db, now, m.org, tokens_ended);
}

/* Why a measure ended, in Chinese (the English notice names the reason as stored). */
static const char *end_words_zh(const char *reason)
{
	static const char *const words[][2] = {
		{"expired", "到期"}, {"rectified", "确认整改完成"}, {"lifted", "由平台解除"}, {"objection", "异议成立"}};
	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (!strcmp(reason, words[i][0]))
			return words[i][1];
	return "已结束";
}

/* What a measure does, in the notice's two languages (GOV-6). */
static const char *kind_words(enum kf_gov_kind k, bool zh)
{
	switch (k) {
	case KF_GOV_WARNING: return zh ? "警告" : "a warning";
	case KF_GOV_NOT_RECOMMENDED:
		return zh ? "不推荐（不出现在列表和搜索中，仍可通过链接安装）"
			  : "not recommended (absent from lists and search, installable by its link)";
	case KF_GOV_DELISTED:
		return zh ? "下架（不可安装，已有安装停止工作）" : "delisted (not installable; existing installs stop working)";
	case KF_GOV_RANKING_ADJUSTMENT: return zh ? "调整排名" : "a ranking adjustment";
	case KF_GOV_DOWN_WEIGHT: return zh ? "在应用市场中降权" : "down-weighted in the marketplace";
	case KF_GOV_SEARCH_BAN: return zh ? "禁止被搜索" : "absent from search";
	case KF_GOV_REFUSE_ACCESS: return zh ? "拒绝访问平台接口" : "refused access to the platform's APIs";
	case KF_GOV_CLOSE_NEW_AUTH:
		return zh ? "关闭新授权（已有用户不受影响）" : "closed to new authorizations (existing users keep working)";
	case KF_GOV_BLOCK_USERS: return zh ? "封禁已有用户" : "existing users blocked";
	case KF_GOV_BAN_NEW_APPS: return zh ? "禁止创建新应用" : "banned from creating new apps";
	case KF_GOV_KIND_COUNT: break;
	}
	return zh ? "处理措施" : "a measure";
}

enum kf_err kf_gov_notify(struct kf_db *db, int64_t now, int64_t id, bool started)
{
	struct kf_gov_measure_row m;
	struct kf_app_row a;
	if (kf_store_gov_measure_get(db, id, &m) != KF_OK)
		return KF_EDB;
	/* a warning gives way to the delisting it announced: nothing to tell */
	if (!started && m.kind == KF_GOV_WARNING && !strcmp(m.end_reason, "expired"))
		return KF_OK;
	bool has_app = m.app && kf_store_app_get(db, m.app, &a) == KF_OK;
	char target[96], target_zh[96], start[11], end[11], min[11], body[2400];
	if (has_app) {
		snprintf(target, sizeof(target), "the app %s", a.app_id);
		snprintf(target_zh, sizeof(target_zh), "应用 %s", a.app_id);
	} else {
		snprintf(target, sizeof(target), "your organisation (all its apps)");
		snprintf(target_zh, sizeof(target_zh), "你的服务商（其全部应用）");
	}
	kf_gov_date(m.started_at, start);
	kf_gov_date(m.ends_at, end);
	kf_gov_date(m.min_until, min);
	const char *title, *kind;
	if (started) {
		char until[200], until_zh[200];
		if (m.permanent) {
			snprintf(until, sizeof(until), "It is permanent: the app's authorizations are revoked and its data deleted (DATA-3).");
			snprintf(until_zh, sizeof(until_zh), "该措施为永久性：应用的授权被撤销，数据被删除（DATA-3）。");
		} else if (m.needs_rectification) {
			snprintf(until, sizeof(until), "It lasts until the platform confirms your rectification, not before %s (UTC).", min);
			snprintf(until_zh, sizeof(until_zh), "持续到平台确认整改完成为止，最早 %s（UTC）。", min);
		} else if (m.ends_at) {
			snprintf(until, sizeof(until), "It ends on %s (UTC).", end);
			snprintf(until_zh, sizeof(until_zh), "结束日期：%s（UTC）。", end);
		} else {
			snprintf(until, sizeof(until), "It has no fixed end date; it lasts until lifted.");
			snprintf(until_zh, sizeof(until_zh), "没有固定结束日期，持续到解除为止。");
		}
		bool later = m.started_at > now;
		title = later ? "Measure scheduled" : "Measure in force";
		kind = later ? "measure.scheduled" : "measure.started";
		snprintf(body, sizeof(body),
			 "平台依据规则 %s 对%s采取措施：%s。\n%s %s（UTC）。%s\n你可以在控制台提出异议（GOV-6）。\n\n"
			 "The platform applies a measure under rule %s to %s: %s.\n%s %s (UTC). %s\nYou may object through the console (GOV-6).\n",
			 m.rule, target_zh, kind_words(m.kind, true), later ? "开始日期：" : "生效日期：", start, until_zh,
			 m.rule, target, kind_words(m.kind, false), later ? "It starts on" : "It took effect on", start, until);
	} else {
		title = "Measure ended";
		kind = "measure.ended";
		snprintf(body, sizeof(body),
			 "依据规则 %s 对%s采取的措施（%s）已结束（%s）；除非另有措施仍在生效，其影响已解除（GOV-6）。\n\n"
			 "The measure under rule %s on %s (%s) ended (%s); its effects are lifted unless another measure keeps "
			 "them (GOV-6).\n",
			 m.rule, target_zh, kind_words(m.kind, true), end_words_zh(m.end_reason),
			 m.rule, target, kind_words(m.kind, false), m.end_reason[0] ? m.end_reason : "ended");
	}
	if (!has_app)
		return kf_notify_org(db, now, m.org, kind, title, body);
	return kf_notify_org_app(db, now, m.org, a.app_id, kind, title, body);
}

/* One due measure in its own transaction. */
static int one(struct kf_ctx *ctx, struct kf_db *db, int64_t now, int64_t id, bool end)
{
	if (kf_db_begin(db) != KF_OK)
		return -1;
	enum kf_err rc = end ? kf_store_gov_measure_end(db, id, "expired", false, now)
			     : kf_store_gov_measure_applied(db, id, now);
	bool tokens = false;
	char subject[40];
	snprintf(subject, sizeof(subject), "measure:%lld", (long long)id);
	if (rc == KF_ECONFLICT) { /* done by another hand meanwhile */
		kf_db_rollback(db);
		return 0;
	}
	if (rc != KF_OK || kf_gov_sync_measure(ctx, db, now, id, &tokens) != KF_OK || kf_gov_notify(db, now, id, !end) != KF_OK ||
	    kf_audit_append(db, now, "system", end ? "measure.expire" : "measure.start", subject, NULL) != KF_OK ||
	    kf_db_commit(db) != KF_OK) {
		kf_db_rollback(db);
		return -1;
	}
	return 1;
}

int kf_gov_pass(struct kf_ctx *ctx, struct kf_db *db, int64_t now)
{
	int done = 0;
	for (int round = 0; round < 10; round++) {
		json_t *due = kf_store_gov_due(db, now, 100);
		if (!due)
			return -1;
		size_t i, n = json_array_size(due);
		json_t *v;
		json_array_foreach(due, i, v) {
			int r = one(ctx, db, now, json_integer_value(json_object_get(v, "id")),
				    !strcmp(json_string_value(json_object_get(v, "due")), "end"));
			if (r < 0) {
				json_decref(due);
				return -1;
			}
			done += r;
		}
		json_decref(due);
		if (n < 100)
			break;
	}
	if (done && ctx->pusher)
		kf_push_wake(ctx->pusher);
	return done;
}
