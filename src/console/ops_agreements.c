/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The agreements for the operator's staff (ONB-12, NOTE-1): every key's
 * versions with their state (announced, in force, superseded), and the
 * form an administrator publishes a new version with. The notice a version
 * needs depends on the kind of change (15 days for rules, 7 for fees, 60
 * for ending a service); the API checks it and its refusal is shown at the
 * field it names. Publishing tells every account at once (inbox, mail,
 * announcement); when the version comes into force the consent rule asks
 * each account again before its next change.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "console/console.h"
#include "console/ops_settings.h"

#define DAY 86400

static const char *state_of(json_t *a)
{
	if (json_is_true(json_object_get(a, "upcoming")))
		return "announced";
	if (json_is_true(json_object_get(a, "current")))
		return "in_force";
	return "superseded";
}

/* The kind of change, with the least notice it needs when with_min (the
 * form's choices; a list row says only what the version changed). */
static const char *kind_label(struct kf_con *c, const char *kind, bool with_min)
{
	if (kind && !strcmp(kind, "fees"))
		return with_min ? CL(c, "Fee change (7 days' notice at least)", "费用变更（至少提前 7 天通知）")
				: CL(c, "Fee change", "费用变更");
	if (kind && !strcmp(kind, "service_end"))
		return with_min ? CL(c, "Ending a service (60 days' notice at least)", "终止服务（至少提前 60 天通知）")
				: CL(c, "Ending a service", "终止服务");
	return with_min ? CL(c, "Rule change (15 days' notice at least)", "规则变更（至少提前 15 天通知）")
			: CL(c, "Rule change", "规则变更");
}

static void version_table_open(struct kf_con *c)
{
	struct kf_html *h = &c->h;
	kf_ops_table_open(c, CL(c, "Versions", "版本"));
	kf_html_raw(h, "<table class=\"wide\"><thead><tr><th scope=\"col\">");
	kf_html_text(h, CL(c, "Version", "版本"));
	kf_html_raw(h, "</th><th scope=\"col\">");
	kf_html_text(h, CL(c, "Title", "标题"));
	kf_html_raw(h, "</th><th scope=\"col\">");
	kf_html_text(h, CL(c, "State", "状态"));
	kf_html_raw(h, "</th><th scope=\"col\">");
	kf_html_text(h, CL(c, "In force from", "生效时间"));
	kf_html_raw(h, "</th><th scope=\"col\">");
	kf_html_text(h, CL(c, "Notice", "通知期"));
	kf_html_raw(h, "</th><th scope=\"col\">");
	kf_html_text(h, CL(c, "Published", "发布时间"));
	kf_html_raw(h, "</th></tr></thead><tbody>");
}

void kf_ops_agreements_page(struct kf_req *r)
{
	struct kf_con c;
	if (!kf_con_start(r, &c, true))
		return;
	json_t *list = kf_con_get(&c, "/v1/agreements");
	kf_ops_open(&c, CL(&c, "Agreements", "协议"), NULL, NULL);
	struct kf_html *h = &c.h;
	kf_html_raw(h, "<p class=\"muted\">");
	kf_html_text(h, CL(&c, "Using the platform needs consent to the version in force of each agreement. A new "
			       "version is announced to every account at once (inbox, mail, announcement) and each "
			       "account accepts it when it comes into force, before its next change.",
			   "使用平台须同意每份协议的现行版本。新版本发布时立即通过站内信、邮件和公告通知所有账号；"
			   "新版本生效后，各账号须先同意才能继续进行更改。"));
	kf_html_raw(h, " ");
	kf_page_rule(h, "ONB-12");
	kf_html_raw(h, "</p>");
	bool admin = kf_ops_is_admin(&c);
	if (admin) {
		kf_html_raw(h, "<div class=\"actions\"><a class=\"button primary\" href=\"/console/ops/agreements/new\">");
		kf_html_text(h, CL(&c, "Publish a new version", "发布新版本"));
		kf_html_raw(h, "</a></div>");
	} else {
		kf_ops_read_only_note(&c);
	}
	json_t *items = json_object_get(list, "items");
	if (!json_array_size(items)) {
		kf_page_empty(h, CL(&c, "No agreement is published yet.", "尚未发布任何协议。"),
			      admin ? "/console/ops/agreements/new" : NULL, admin ? CL(&c, "Publish one", "发布协议") : NULL);
		kf_con_finish(&c);
		return;
	}
	/* the list comes ordered by key, newest version first */
	const char *key = NULL;
	size_t i;
	json_t *a;
	json_array_foreach(items, i, a) {
		const char *k = kf_con_str(&c, a, "key");
		if (!key || strcmp(key, k)) {
			if (key)
				kf_html_raw(h, "</tbody></table></div></section>");
			key = k;
			const char *hid = kf_con_fmt(&c, "key-%s", k);
			kf_html_raw(h, "<section class=\"card\"");
			kf_html_attr(h, "aria-labelledby", hid);
			kf_html_raw(h, "><h2");
			kf_html_attr(h, "id", hid);
			kf_html_raw(h, "><code>");
			kf_html_text(h, k);
			kf_html_raw(h, "</code></h2>");
			if (admin) {
				kf_html_raw(h, "<p><a");
				kf_html_url_attr(h, "href", kf_con_fmt(&c, "/console/ops/agreements/new?key=%s", k));
				kf_html_raw(h, ">");
				kf_html_text(h, CL(&c, "Publish the next version of this agreement", "发布该协议的下一版本"));
				kf_html_raw(h, "</a></p>");
			}
			version_table_open(&c);
		}
		kf_html_raw(h, "<tr><td>");
		kf_html_text(h, kf_con_str(&c, a, "version"));
		kf_html_raw(h, "</td><td>");
		kf_html_text(h, kf_con_str(&c, a, "title"));
		kf_html_raw(h, "</td><td>");
		kf_page_badge(h, c.lang, state_of(a));
		kf_html_raw(h, "</td><td>");
		kf_con_time(&c, json_integer_value(json_object_get(a, "effective_at")));
		kf_html_raw(h, "</td><td>");
		kf_html_text(h, kf_con_fmt(&c, CL(&c, "%s days", "%s 天"), kf_con_str(&c, a, "notice_days")));
		kf_html_raw(h, "<br><span class=\"muted small\">");
		kf_html_text(h, kind_label(&c, kf_con_str(&c, a, "change_kind"), false));
		kf_html_raw(h, "</span></td><td>");
		kf_con_time(&c, json_integer_value(json_object_get(a, "created_at")));
		kf_html_raw(h, "</td></tr>");
	}
	kf_html_raw(h, "</tbody></table></div></section>");
	kf_con_finish(&c);
}

static json_int_t int_or(const char *s, json_int_t def)
{
	char *end = NULL;
	long long v = s && *s ? strtoll(s, &end, 10) : 0;
	return end && !*end ? (json_int_t)v : def;
}

void kf_ops_agreement_new(struct kf_req *r)
{
	struct kf_con c;
	if (!kf_con_start(r, &c, true))
		return;
	if (c.post) {
		int64_t eff = 0;
		const char *rf = kf_con_val(&c, "required_for");
		json_t *b = json_pack("{s:s, s:I, s:s, s:s, s:I, s:s, s:[s]}", "key",
				      kf_con_val(&c, "key") ? kf_con_val(&c, "key") : "", "version",
				      int_or(kf_con_val(&c, "version"), 0), "title",
				      kf_con_val(&c, "title") ? kf_con_val(&c, "title") : "", "body",
				      kf_con_val(&c, "body") ? kf_con_val(&c, "body") : "", "notice_days",
				      int_or(kf_con_val(&c, "notice_days"), -1), "change_kind",
				      kf_con_val(&c, "change_kind") ? kf_con_val(&c, "change_kind") : "rules",
				      "required_for", rf && *rf ? rf : "all");
		if (!kf_con_date(&c, kf_con_val(&c, "effective_at"), &eff)) {
			c.has_err = true;
			c.err = (struct kf_con_err){.status = 400, .code = "invalid_value", .field = "effective_at",
						    .rule = "ONB-12",
						    .message = CL(&c, "Give the date the version comes into force.",
								  "请填写新版本的生效日期。")};
			c.status = 400;
		} else {
			json_object_set_new(b, "effective_at", json_integer(eff));
			json_t *ok = kf_con_send(&c, "POST", b, "/v1/agreements");
			if (ok) {
				json_decref(b);
				kf_con_redirect(&c, "/console/ops/agreements?ok=published");
				return;
			}
			c.status = c.err.status;
		}
		json_decref(b);
	}
	/* defaults: the next version of the key asked for, its title and text
	 * to start from, 15 days' notice for a rule change */
	const char *key = c.post ? kf_con_val(&c, "key") : kf_con_q(&c, "key");
	json_t *latest = NULL;
	if (key && *key) {
		bool had_err = c.has_err;
		struct kf_con_err saved = c.err;
		struct kf_form q = {0};
		kf_form_set(&q, "key", key);
		json_t *versions = kf_con_getq(&c, &q, "/v1/agreements");
		latest = json_array_get(json_object_get(versions, "items"), 0);
		c.has_err = had_err;
		c.err = saved;
	}
	kf_ops_open(&c, CL(&c, "Publish a new agreement version", "发布协议新版本"), "/console/ops/agreements",
		    CL(&c, "Agreements", "协议"));
	struct kf_html *h = &c.h;
	kf_page_notice_rule(h, "info",
			    CL(&c, "Publishing tells every account now by inbox message, mail and an announcement. When "
				   "the version comes into force, each account must accept it before its next change.",
			       "发布后立即通过站内信、邮件和公告通知所有账号。新版本生效后，各账号须先同意才能继续进行更改。"),
			    "ONB-12");
	kf_con_form(&c, "/console/ops/agreements/new", false);
	kf_con_input(&c, "key", CL(&c, "Agreement key", "协议标识"), "text", key,
		     CL(&c, "For example terms, privacy or developer-fees: a-z, 0-9, - and _.",
			"例如 terms、privacy 或 developer-fees：a-z、0-9、- 和 _。"),
		     true);
	const char *next = latest ? kf_con_fmt(&c, "%lld", (long long)json_integer_value(json_object_get(latest, "version")) + 1)
				  : "1";
	kf_con_input(&c, "version", CL(&c, "Version", "版本号"), "number", next,
		     CL(&c, "The next number after the latest version of this key.", "该协议最新版本号加一。"), true);
	kf_con_input(&c, "title", CL(&c, "Title", "标题"), "text", kf_con_str(&c, latest, "title"), NULL, true);
	struct kf_page_field body = {.name = "body", .label = CL(&c, "Text", "正文"), .type = "textarea",
				     .value = kf_con_str(&c, latest, "body"), .required = true};
	kf_con_field(&c, &body);
	struct kf_page_option kinds[] = {
		{"rules", kind_label(&c, "rules", true)},
		{"fees", kind_label(&c, "fees", true)},
		{"service_end", kind_label(&c, "service_end", true)},
	};
	struct kf_page_field kind = {.name = "change_kind", .label = CL(&c, "Kind of change", "变更类型"), .type = "select",
				     .options = kinds, .n_options = 3, .value = "rules",
				     .hint = CL(&c, "The kind of change sets the shortest notice allowed.",
						"变更类型决定最短通知期。")};
	kf_con_field(&c, &kind);
	kf_con_input(&c, "notice_days", CL(&c, "Notice period (days)", "通知期（天）"), "number", "15",
		     CL(&c, "Days between today and the date it comes into force, as promised to accounts.",
			"从今天到生效日期之间的天数，即向账号承诺的通知期。"),
		     true);
	kf_con_input(&c, "effective_at", CL(&c, "In force from", "生效日期"), "date", kf_con_date_text(&c, r->now + 16 * DAY),
		     CL(&c, "The version comes into force at the start of this day (platform time).",
			"新版本于当天零点（平台时间）生效。"),
		     true);
	struct kf_page_option aud[] = {
		{"all", CL(&c, "Every account", "所有账号")},
		{"provider", CL(&c, "Providers", "服务商")},
		{"host", CL(&c, "Host-account owners", "授权方")},
	};
	struct kf_page_field rf = {.name = "required_for", .label = CL(&c, "Who must accept it", "须同意的账号"),
				   .type = "select", .options = aud, .n_options = 3, .value = "all"};
	kf_con_field(&c, &rf);
	kf_html_raw(h, "<div class=\"actions\">");
	kf_page_button(h, "primary", CL(&c, "Publish and tell every account", "发布并通知所有账号"), NULL, NULL);
	kf_con_link(&c, NULL, "/console/ops/agreements", CL(&c, "Cancel", "取消"));
	kf_html_raw(h, "</div>");
	kf_page_form_close(h);
	kf_con_finish(&c);
}
