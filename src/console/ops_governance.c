/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The operator's governance pages (GOV-1 … GOV-7): the measures in force
 * with filters and the objections waiting for a decision; recording a
 * violation against an app (the page says plainly when GOV-4 raised its
 * level and lists the measures it caused); a further measure of GOV-7;
 * one measure with its violation, evidence and dates, lifting it or
 * confirming rectification (each on a page that states the consequence),
 * and its objections with the form that decides them. Every read and write
 * goes through the API as the signed-in staff member; an auditor reads
 * and is refused every form (kf_con_start).
 */
#include <stdlib.h>
#include <string.h>

#include "console/console.h"
#include "console/governance.h"
#include "util/mem.h"

#define MAX_EVIDENCE_FILES 10

static void th(struct kf_con *c, const char *en, const char *zh)
{
	kf_html_raw(&c->h, "<th scope=\"col\">");
	kf_html_text(&c->h, CL(c, en, zh));
	kf_html_raw(&c->h, "</th>");
}

static void td_text(struct kf_con *c, const char *v)
{
	kf_html_raw(&c->h, "<td>");
	kf_html_text(&c->h, v && *v ? v : "—");
	kf_html_raw(&c->h, "</td>");
}

static bool may_act(struct kf_con *c)
{
	const char *role = kf_con_staff_role(c);
	return role && strcmp(role, "auditor");
}

static const struct kf_page_link *crumbs_gov(struct kf_con *c, size_t *n)
{
	struct kf_page_link *l = kf_arena_alloc(c->r->arena, 2 * sizeof(*l));
	l[0] = (struct kf_page_link){"/console/ops", CL(c, "Platform", "平台管理"), false};
	l[1] = (struct kf_page_link){"/console/ops/governance", CL(c, "Governance", "违规与措施"), false};
	*n = 2;
	return l;
}

/* The object of a measure: its app (linked) or its provider. */
static void td_target(struct kf_con *c, json_t *m)
{
	const char *app = kf_con_str(c, m, "app_id");
	kf_html_raw(&c->h, "<td>");
	if (app)
		kf_con_link(c, NULL, kf_con_fmt(c, "/console/ops/apps/%s", app), app);
	else {
		const char *pid = kf_con_str(c, m, "provider_id"), *pn = kf_con_str(c, m, "provider_name");
		kf_html_text(&c->h, CL(c, "Provider ", "服务商 "));
		kf_con_link(c, NULL, kf_con_fmt(c, "/console/ops/providers/%s", pid ? pid : ""), pn ? pn : (pid ? pid : ""));
	}
	kf_html_raw(&c->h, "</td>");
}

static void measures_table(struct kf_con *c, json_t *items)
{
	struct kf_html *h = &c->h;
	kf_html_raw(h, "<div class=\"table\"><table><thead><tr>");
	th(c, "Measure", "措施");
	th(c, "Against", "对象");
	th(c, "Rule", "规则");
	th(c, "Since", "开始时间");
	th(c, "Ends", "结束时间");
	kf_html_raw(h, "</tr></thead><tbody>");
	size_t i;
	json_t *m;
	json_array_foreach(items, i, m) {
		kf_html_raw(h, "<tr><td>");
		kf_con_link(c, NULL, kf_con_fmt(c, "/console/ops/measures/%s", kf_con_str(c, m, "id")),
			    kf_con_fmt(c, "%s #%s", kf_con_measure_kind(c, kf_con_str(c, m, "kind")), kf_con_str(c, m, "id")));
		kf_html_raw(h, "</td>");
		td_target(c, m);
		kf_html_raw(h, "<td>");
		kf_con_rule_link(c, kf_con_str(c, m, "rule"));
		kf_html_raw(h, "</td><td>");
		kf_con_time(c, json_integer_value(json_object_get(m, "starts_at")));
		kf_html_raw(h, "</td><td>");
		kf_con_measure_end(c, m);
		kf_html_raw(h, "</td></tr>");
	}
	kf_html_raw(h, "</tbody></table></div>");
}

/* GET /console/ops/governance?kind=&app_id=&provider_id= */
static void governance_index(struct kf_req *r)
{
	struct kf_con c;
	if (!kf_con_start(r, &c, true))
		return;
	c.section = "ops";
	struct kf_html *h = &c.h;
	struct kf_page_link crumbs[] = {{"/console/ops", CL(&c, "Platform", "平台管理"), false}};
	kf_con_open(&c, CL(&c, "Violations and measures", "违规与措施"), crumbs, 1);
	/* objections first: they wait for someone */
	struct kf_form oq = {0};
	kf_form_set(&oq, "state", "pending");
	json_t *obj = kf_con_getq(&c, &oq, "/v1/objections");
	json_t *oitems = json_object_get(obj, "items");
	kf_html_raw(h, "<section class=\"card\">");
	kf_con_h2(&c, kf_con_fmt(&c, CL(&c, "Objections waiting for a decision (%lld)", "待处理的异议（%lld）"),
				 (long long)json_integer_value(json_object_get(obj, "total"))));
	if (!json_array_size(oitems)) {
		kf_con_para(&c, "muted", CL(&c, "No objection is waiting.", "没有待处理的异议。"));
	} else {
		kf_html_raw(h, "<div class=\"table\"><table><thead><tr>");
		th(&c, "Objection", "异议");
		th(&c, "Measure", "措施");
		th(&c, "Provider", "服务商");
		th(&c, "Sent", "提交时间");
		kf_html_raw(h, "</tr></thead><tbody>");
		size_t i;
		json_t *o;
		json_array_foreach(oitems, i, o) {
			const char *mid = kf_con_str(&c, o, "measure_id");
			kf_html_raw(h, "<tr><td>");
			kf_con_link(&c, NULL, kf_con_fmt(&c, "/console/ops/measures/%s#objection-%s", mid, kf_con_str(&c, o, "id")),
				    kf_con_fmt(&c, CL(&c, "Objection %s", "异议 %s"), kf_con_str(&c, o, "id")));
			kf_html_raw(h, "</td>");
			td_text(&c, kf_con_fmt(&c, "%s #%s (%s)", kf_con_measure_kind(&c, kf_con_str(&c, o, "measure_kind")), mid,
					       kf_con_str(&c, o, "app_id") ? kf_con_str(&c, o, "app_id") : CL(&c, "provider-wide", "整个服务商")));
			td_text(&c, kf_con_str(&c, o, "provider_name"));
			kf_html_raw(h, "<td>");
			kf_con_time(&c, json_integer_value(json_object_get(o, "submitted_at")));
			kf_html_raw(h, "</td></tr>");
		}
		kf_html_raw(h, "</tbody></table></div>");
	}
	kf_html_raw(h, "</section><section class=\"card\">");
	kf_con_h2(&c, CL(&c, "Measures in force", "生效中的措施"));
	if (may_act(&c)) {
		kf_html_raw(h, "<p class=\"actions\">");
		kf_con_link(&c, "button", "/console/ops/measures/new", CL(&c, "New measure (GOV-7)", "新建措施（GOV-7）"));
		kf_html_raw(h, " ");
		kf_con_link(&c, NULL, "/console/ops/apps", CL(&c, "Record a violation: find the app first", "记录违规：先找到应用"));
		kf_html_raw(h, "</p>");
	}
	/* filters */
	const char *kind = kf_con_q(&c, "kind"), *app = kf_con_q(&c, "app_id"), *prov = kf_con_q(&c, "provider_id");
	kf_html_raw(h, "<form class=\"filters\" method=\"get\" action=\"/console/ops/governance\">");
	struct kf_page_option opts[16];
	size_t no = 0;
	opts[no++] = (struct kf_page_option){"", CL(&c, "Every kind", "全部类型")};
	static const char *const all[] = {"warning", "not_recommended", "delisted"};
	for (size_t i = 0; i < 3; i++)
		opts[no++] = (struct kf_page_option){all[i], kf_con_measure_kind(&c, all[i])};
	for (size_t i = 0; i < kf_con_n_measure_kinds && no < 16; i++)
		opts[no++] = (struct kf_page_option){kf_con_measure_kinds[i], kf_con_measure_kind(&c, kf_con_measure_kinds[i])};
	struct kf_page_field kf = {.name = "kind", .label = CL(&c, "Kind", "类型"), .type = "select", .value = kind ? kind : "",
				   .options = opts, .n_options = no};
	kf_page_field(h, c.lang, &kf);
	struct kf_page_field af = {.name = "app_id", .label = CL(&c, "App ID", "应用 ID"), .type = "text", .value = app ? app : ""};
	kf_page_field(h, c.lang, &af);
	struct kf_page_field pf = {.name = "provider_id", .label = CL(&c, "Provider ID", "服务商 ID"), .type = "text",
				   .value = prov ? prov : ""};
	kf_page_field(h, c.lang, &pf);
	kf_html_raw(h, "<div class=\"field\">");
	kf_page_button(h, "secondary", CL(&c, "Filter", "筛选"), NULL, NULL);
	kf_html_raw(h, "</div></form>");
	struct kf_form q = {0};
	kf_form_set(&q, "in_force", "1");
	if (kind && *kind)
		kf_form_set(&q, "kind", kind);
	if (app && *app)
		kf_form_set(&q, "app_id", app);
	if (prov && *prov)
		kf_form_set(&q, "provider_id", prov);
	if (kf_con_q(&c, "cursor"))
		kf_form_set(&q, "cursor", kf_con_q(&c, "cursor"));
	json_t *ms = kf_con_getq(&c, &q, "/v1/measures");
	json_t *items = json_object_get(ms, "items");
	if (!ms && c.has_err && c.err.status == 400) {
		kf_con_error_notice(&c);
	} else if (!json_array_size(items)) {
		kf_con_para(&c, "muted", CL(&c, "No measure in force matches.", "没有符合条件的生效措施。"));
	} else {
		measures_table(&c, items);
		const char *next = kf_con_str(&c, ms, "next_cursor");
		if (next && *next) {
			kf_html_raw(h, "<nav class=\"actions\">");
			kf_con_link(&c, NULL,
				    kf_con_fmt(&c, "/console/ops/governance?kind=%s&app_id=%s&provider_id=%s&cursor=%s",
					       kf_con_qenc(&c, kind ? kind : ""), kf_con_qenc(&c, app ? app : ""),
					       kf_con_qenc(&c, prov ? prov : ""), kf_con_qenc(&c, next)),
				    CL(&c, "Next page", "下一页"));
			kf_html_raw(h, "</nav>");
		}
	}
	kf_html_raw(h, "</section>");
	kf_con_finish(&c);
}

/* The answer of POST /v1/apps/{id}/violations: the violation and the
 * measures it caused, saying plainly when GOV-4 raised the level. */
static void violation_result(struct kf_con *c, const char *app_id, json_t *res)
{
	struct kf_html *h = &c->h;
	json_t *v = json_object_get(res, "violation");
	size_t n;
	const struct kf_page_link *cr = crumbs_gov(c, &n);
	kf_con_open(c, CL(c, "Violation recorded", "违规已记录"), cr, n);
	if (json_is_true(json_object_get(v, "escalated")))
		kf_page_notice_rule(h, "warn",
				    kf_con_fmt(c,
					       CL(c, "Raised from level %s to level %s: this provider already had a violation at level %s, so the second one counts one level higher.",
						  "已由 %s 级提高到 %s 级：该服务商此前已有一次 %s 级违规，第二次按高一级处理。"),
					       kf_con_str(c, v, "requested_level"), kf_con_str(c, v, "level"),
					       kf_con_str(c, v, "requested_level")),
				    "GOV-4");
	else
		kf_page_notice(h, "ok", CL(c, "Recorded. The provider is told in writing with the rule and the end date (GOV-6).",
					    "已记录。已书面通知服务商，并说明依据的规则和结束时间（GOV-6）。"));
	kf_html_raw(h, "<section class=\"card\"><dl class=\"props\"><dt>");
	kf_html_text(h, CL(c, "App", "应用"));
	kf_html_raw(h, "</dt><dd>");
	kf_con_link(c, NULL, kf_con_fmt(c, "/console/ops/apps/%s", app_id), app_id);
	kf_html_raw(h, "</dd>");
	const char *level = kf_con_str(c, v, "level");
	if (level)
		kf_page_dl_row(h, CL(c, "Level applied", "处理等级"), level);
	kf_html_raw(h, "<dt>");
	kf_html_text(h, CL(c, "Rule", "依据的规则"));
	kf_html_raw(h, "</dt><dd>");
	kf_con_rule_link(c, kf_con_str(c, v, "rule"));
	kf_html_raw(h, "</dd></dl>");
	kf_con_h2(c, CL(c, "Measures it caused", "由此产生的措施"));
	measures_table(c, json_object_get(res, "measures"));
	kf_html_raw(h, "</section>");
	kf_con_finish(c);
}

/* GET, POST /console/ops/apps/{id}/violations/new */
static void violation_new(struct kf_req *r)
{
	struct kf_con c;
	if (!kf_con_start(r, &c, true))
		return;
	c.section = "ops";
	const char *id = kf_req_param(r, "id");
	/* the staff view of the app: its name from the live configuration */
	json_t *a = id && strlen(id) < 24 && strspn(id, "kf0123456789abcdef") == strlen(id)
			    ? kf_con_get(&c, "/v1/staff/apps/%s", id)
			    : NULL;
	if (!a) {
		kf_con_not_found(&c);
		return;
	}
	c.has_err = false;
	if (c.post) {
		json_t *files = json_array();
		json_t *body = json_pack("{s:s, s:s, s:s, s:o}", "rule", kf_con_keep(&c, "rule", ""), "evidence",
					 kf_con_keep(&c, "evidence", ""), "kind", kf_con_keep(&c, "kind", "general"),
					 "evidence_files", files);
		kf_arena_defer(r->arena, (void (*)(void *))json_decref, body);
		const char *lv = kf_con_val(&c, "level");
		if (lv && *lv)
			json_object_set_new(body, "level", json_integer(strtoll(lv, NULL, 10)));
		if (kf_con_val(&c, "severe"))
			json_object_set_new(body, "severe", json_true());
		if (kf_con_upload_files(&c, "evidence_files", "evidence_files", MAX_EVIDENCE_FILES, files)) {
			json_t *res = kf_con_send(&c, "POST", body, "/v1/apps/%s/violations", kf_con_qenc(&c, id));
			if (res) {
				c.status = 201;
				violation_result(&c, id, res);
				return;
			}
		}
		if (c.err.status == 403) {
			kf_con_forbidden(&c);
			return;
		}
		c.status = c.err.status ? c.err.status : 400;
	}
	size_t n;
	const struct kf_page_link *cr = crumbs_gov(&c, &n);
	const char *name = kf_con_str(&c, a, "name");
	kf_con_open(&c, kf_con_fmt(&c, CL(&c, "Record a violation: %s", "记录违规：%s"), name && *name ? name : id), cr, n);
	struct kf_html *h = &c.h;
	kf_con_para(&c, "muted",
		    CL(&c, "Level 3: not recommended for at least 15 days and until you confirm rectification. Level 2: the same for at least 30 days. Level 1: delisted. A second violation at the same level by the same provider is raised one level (GOV-4).",
		       "3 级：不推荐至少 15 天，直到你确认整改完成；2 级：同上，至少 30 天；1 级：下架。同一服务商同一等级的第二次违规自动提高一级（GOV-4）。"));
	kf_con_form(&c, NULL, true);
	struct kf_page_option levels[] = {{"3", CL(&c, "Level 3 — technical failures, repeated user complaints", "3 级：技术故障、用户反复投诉")},
					  {"2", CL(&c, "Level 2 — moving users away, data security, refusing requirements", "2 级：诱导用户转移、数据安全、拒不配合要求")},
					  {"1", CL(&c, "Level 1 — breaking the law, harming the platform", "1 级：违法、损害平台声誉")}};
	struct kf_page_field lf = {.name = "level", .label = CL(&c, "Level", "违规等级"), .type = "select",
				   .value = kf_con_keep(&c, "level", "3"), .options = levels, .n_options = 3, .required = true};
	kf_con_field(&c, &lf);
	struct kf_page_option kinds[] = {{"general", CL(&c, "General (GOV-3)", "一般违规（GOV-3）")},
					 {"plugin", CL(&c, "Unauthorized plug-in (GOV-5 ladder)", "使用未授权插件（GOV-5 阶梯处理）")}};
	struct kf_page_field kf = {.name = "kind", .label = CL(&c, "Kind", "类型"), .type = "select",
				   .value = kf_con_keep(&c, "kind", "general"), .options = kinds, .n_options = 2};
	kf_con_field(&c, &kf);
	struct kf_page_field sf = {.name = "severe", .label = CL(&c, "Severe case: delist at once (plug-ins)", "情节严重：立即下架（插件）"),
				   .type = "checkbox", .value = "1", .checked = kf_con_val(&c, "severe") != NULL};
	kf_con_field(&c, &sf);
	struct kf_page_field rf = {.name = "rule", .label = CL(&c, "Rule", "依据的规则"), .type = "text",
				   .value = kf_con_keep(&c, "rule", "GOV-3"), .required = true,
				   .hint = CL(&c, "The rule id, such as GOV-3 or GOV-5.", "规则编号，例如 GOV-3 或 GOV-5。")};
	kf_con_field(&c, &rf);
	struct kf_page_field ef = {.name = "evidence", .label = CL(&c, "Evidence", "违规证据"), .type = "textarea",
				   .value = kf_con_val(&c, "evidence"), .required = true,
				   .hint = CL(&c, "What happened and when; the provider reads it (GOV-6).", "发生了什么、何时发生；服务商会看到（GOV-6）。")};
	kf_con_field(&c, &ef);
	struct kf_page_field ff = {.name = "evidence_files", .label = CL(&c, "Evidence files (optional)", "证据文件（可选）"),
				   .type = "file", .accept = "application/pdf,image/png,image/jpeg",
				   .hint = CL(&c, "PDF, PNG or JPEG.", "PDF、PNG 或 JPEG。")};
	kf_con_field(&c, &ff);
	kf_html_raw(h, "<div class=\"actions\">");
	kf_page_button(h, "danger", CL(&c, "Record the violation", "记录违规"), NULL, NULL);
	kf_html_raw(h, "<a");
	kf_html_url_attr(h, "href", kf_con_fmt(&c, "/console/ops/apps/%s", id));
	kf_html_raw(h, ">");
	kf_html_text(h, CL(&c, "Cancel", "取消"));
	kf_html_raw(h, "</a></div>");
	kf_page_form_close(h);
	kf_con_finish(&c);
}

/* GET, POST /console/ops/measures/new?app_id= : a GOV-7 measure. */
static void measure_new(struct kf_req *r)
{
	struct kf_con c;
	if (!kf_con_start(r, &c, true))
		return;
	c.section = "ops";
	if (c.post) {
		json_t *body = json_pack("{s:s, s:s, s:s}", "kind", kf_con_keep(&c, "kind", ""), "rule",
					 kf_con_keep(&c, "rule", ""), "reason", kf_con_keep(&c, "reason", ""));
		kf_arena_defer(r->arena, (void (*)(void *))json_decref, body);
		const char *app = kf_con_val(&c, "app_id"), *prov = kf_con_val(&c, "provider_id");
		const char *w = kf_con_val(&c, "weight"), *ends = kf_con_val(&c, "ends_at");
		if (app && *app)
			json_object_set_new(body, "app_id", json_string(app));
		if (prov && *prov)
			json_object_set_new(body, "provider_id", json_integer(strtoll(prov, NULL, 10)));
		if (w && *w)
			json_object_set_new(body, "weight", json_integer(strtoll(w, NULL, 10)));
		int64_t t = 0;
		bool ok = true;
		if (ends && *ends) {
			if (kf_con_date(&c, ends, &t))
				json_object_set_new(body, "ends_at", json_integer(t));
			else {
				ok = false;
				c.has_err = true;
				c.err = (struct kf_con_err){.status = 400, .code = "invalid_value", .field = "ends_at",
							    .message = CL(&c, "Enter a date as YYYY-MM-DD.", "请输入 YYYY-MM-DD 格式的日期。")};
			}
		}
		json_t *res = ok ? kf_con_send(&c, "POST", body, "/v1/measures") : NULL;
		if (res) {
			kf_con_redirect(&c, kf_con_fmt(&c, "/console/ops/measures/%s?ok=measure_created", kf_con_str(&c, res, "id")));
			return;
		}
		if (c.err.status == 403) {
			kf_con_forbidden(&c);
			return;
		}
		c.status = c.err.status ? c.err.status : 400;
	}
	size_t n;
	const struct kf_page_link *cr = crumbs_gov(&c, &n);
	kf_con_open(&c, CL(&c, "New measure (GOV-7)", "新建措施（GOV-7）"), cr, n);
	struct kf_html *h = &c.h;
	kf_con_para(&c, "muted", CL(&c, "A measure on one app, or on a whole provider (no new apps). The provider is told in writing with the rule and the end (GOV-6).",
				    "针对一个应用，或针对整个服务商（禁止创建新应用）。会书面通知服务商，并说明依据的规则和结束时间（GOV-6）。"));
	kf_con_form(&c, NULL, false);
	struct kf_page_option opts[16];
	size_t no = 0;
	for (size_t i = 0; i < kf_con_n_measure_kinds && no < 16; i++)
		opts[no++] = (struct kf_page_option){kf_con_measure_kinds[i], kf_con_measure_kind(&c, kf_con_measure_kinds[i])};
	struct kf_page_field kf = {.name = "kind", .label = CL(&c, "Measure", "措施"), .type = "select",
				   .value = kf_con_keep(&c, "kind", "down_weight"), .options = opts, .n_options = no, .required = true};
	kf_con_field(&c, &kf);
	struct kf_page_field af = {.name = "app_id", .label = CL(&c, "App ID", "应用 ID"), .type = "text",
				   .value = kf_con_keep(&c, "app_id", kf_con_q(&c, "app_id")),
				   .hint = CL(&c, "Leave empty for a measure on a whole provider.", "针对整个服务商时留空。")};
	kf_con_field(&c, &af);
	struct kf_page_field pf = {.name = "provider_id", .label = CL(&c, "Provider ID", "服务商 ID"), .type = "text",
				   .value = kf_con_keep(&c, "provider_id", kf_con_q(&c, "provider_id")),
				   .hint = CL(&c, "Only for a measure on a whole provider.", "仅在针对整个服务商时填写。")};
	kf_con_field(&c, &pf);
	struct kf_page_field wf = {.name = "weight", .label = CL(&c, "Points (ranking adjustment, down-weighting)", "分值（排名调整、降权）"),
				   .type = "number", .value = kf_con_val(&c, "weight")};
	kf_con_field(&c, &wf);
	struct kf_page_field rf = {.name = "rule", .label = CL(&c, "Rule", "依据的规则"), .type = "text",
				   .value = kf_con_keep(&c, "rule", "GOV-7"), .required = true};
	kf_con_field(&c, &rf);
	struct kf_page_field rs = {.name = "reason", .label = CL(&c, "Reason", "原因"), .type = "textarea",
				   .value = kf_con_val(&c, "reason"), .required = true,
				   .hint = CL(&c, "The provider reads this (GOV-6).", "服务商会看到这段原因（GOV-6）。")};
	kf_con_field(&c, &rs);
	struct kf_page_field ef = {.name = "ends_at", .label = CL(&c, "Ends on (optional)", "结束日期（可选）"), .type = "date",
				   .value = kf_con_val(&c, "ends_at"),
				   .hint = CL(&c, "Empty: until an operator lifts it.", "留空：直到运营人员解除。")};
	kf_con_field(&c, &ef);
	kf_html_raw(h, "<div class=\"actions\">");
	kf_page_button(h, "danger", CL(&c, "Put the measure in place", "实施措施"), NULL, NULL);
	kf_html_raw(h, "<a href=\"/console/ops/governance\">");
	kf_html_text(h, CL(&c, "Cancel", "取消"));
	kf_html_raw(h, "</a></div>");
	kf_page_form_close(h);
	kf_con_finish(&c);
}

/* The measure's violation: an object in the measure, or found in the
 * app's violations by its id. */
static json_t *measure_violation(struct kf_con *c, json_t *m)
{
	json_t *v = json_object_get(m, "violation");
	if (json_is_object(v))
		return v;
	json_t *vid = json_is_integer(v) ? v : json_object_get(m, "violation_id");
	const char *app = kf_con_str(c, m, "app_id");
	if (!json_is_integer(vid) || !app)
		return NULL;
	json_t *list = json_object_get(kf_con_get(c, "/v1/apps/%s/violations", kf_con_qenc(c, app)), "items");
	size_t i;
	json_t *x;
	json_array_foreach(list, i, x) if (json_integer_value(json_object_get(x, "id")) == json_integer_value(vid)) return x;
	return NULL;
}

static void decide_form(struct kf_con *c, json_t *o)
{
	struct kf_html *h = &c->h;
	kf_con_form(c, kf_con_fmt(c, "/console/ops/objections/%s/decision", kf_con_str(c, o, "id")), false);
	struct kf_page_field nf = {.name = "note", .label = CL(c, "Note to the provider", "给服务商的说明"), .type = "textarea",
				   .hint = CL(c, "Upholding ends the measure and undoes its effects; rejecting keeps it. The provider is told either way.",
					      "支持异议将结束措施并撤销其影响；驳回则措施继续有效。两种结果都会通知服务商。")};
	kf_page_field(h, c->lang, &nf);
	kf_html_raw(h, "<div class=\"actions\">");
	kf_page_button(h, "primary", CL(c, "Uphold: end the measure", "支持异议：结束措施"), "decision", "uphold");
	kf_page_button(h, "secondary", CL(c, "Reject", "驳回异议"), "decision", "reject");
	kf_html_raw(h, "</div>");
	kf_page_form_close(h);
}

/* GET /console/ops/measures/{id} */
static void measure_page(struct kf_req *r)
{
	struct kf_con c;
	if (!kf_con_start(r, &c, true))
		return;
	c.section = "ops";
	const char *id = kf_req_param(r, "id");
	json_t *m = kf_con_get(&c, "/v1/measures/%s", kf_con_qenc(&c, id));
	if (!m) {
		kf_con_not_found(&c);
		return;
	}
	struct kf_html *h = &c.h;
	size_t n;
	const struct kf_page_link *cr = crumbs_gov(&c, &n);
	kf_con_open(&c, kf_con_fmt(&c, "%s #%s", kf_con_measure_kind(&c, kf_con_str(&c, m, "kind")), id), cr, n);
	bool ended = json_is_integer(json_object_get(m, "ended_at"));
	kf_html_raw(h, "<p class=\"state\">");
	kf_page_badge(h, c.lang, ended ? "ended" : "measure_in_force");
	kf_html_raw(h, "</p>");
	kf_html_raw(h, "<section class=\"card\"><dl class=\"props\"><dt>");
	kf_html_text(h, CL(&c, "Against", "对象"));
	kf_html_raw(h, "</dt><dd>");
	const char *app = kf_con_str(&c, m, "app_id");
	if (app)
		kf_con_link(&c, NULL, kf_con_fmt(&c, "/console/ops/apps/%s", app), app);
	else
		kf_con_link(&c, NULL, kf_con_fmt(&c, "/console/ops/providers/%s", kf_con_str(&c, m, "provider_id")),
			    kf_con_fmt(&c, CL(&c, "Provider %s", "服务商 %s"), kf_con_str(&c, m, "provider_id")));
	kf_html_raw(h, "</dd><dt>");
	kf_html_text(h, CL(&c, "Rule", "依据的规则"));
	kf_html_raw(h, "</dt><dd>");
	kf_con_rule_link(&c, kf_con_str(&c, m, "rule"));
	kf_html_raw(h, "</dd>");
	const char *reason = kf_con_str(&c, m, "reason");
	if (reason && *reason)
		kf_page_dl_row(h, CL(&c, "Reason", "原因"), reason);
	kf_html_raw(h, "<dt>");
	kf_html_text(h, CL(&c, "Starts", "开始时间"));
	kf_html_raw(h, "</dt><dd>");
	kf_con_time(&c, json_integer_value(json_object_get(m, "starts_at")));
	kf_html_raw(h, "</dd><dt>");
	kf_html_text(h, CL(&c, "Ends", "结束时间"));
	kf_html_raw(h, "</dt><dd>");
	kf_con_measure_end(&c, m);
	kf_html_raw(h, "</dd>");
	if (ended) {
		kf_html_raw(h, "<dt>");
		kf_html_text(h, CL(&c, "Ended", "已结束"));
		kf_html_raw(h, "</dt><dd>");
		kf_con_time(&c, json_integer_value(json_object_get(m, "ended_at")));
		const char *er = kf_con_str(&c, m, "end_reason");
		if (er)
			kf_html_text(h, kf_con_fmt(&c, " (%s)", er));
		kf_html_raw(h, "</dd>");
	}
	kf_html_raw(h, "</dl></section>");
	json_t *v = measure_violation(&c, m);
	if (v) {
		kf_html_raw(h, "<section class=\"card\">");
		kf_con_h2(&c, CL(&c, "Violation", "违规记录"));
		if (json_is_true(json_object_get(v, "escalated")))
			kf_page_notice_rule(h, "warn",
					    kf_con_fmt(&c, CL(&c, "Raised from level %s to level %s (a second violation at the same level).",
							      "已由 %s 级提高到 %s 级（同一等级的第二次违规）。"),
						       kf_con_str(&c, v, "requested_level"), kf_con_str(&c, v, "level")),
					    "GOV-4");
		kf_html_raw(h, "<dl class=\"props\">");
		if (kf_con_str(&c, v, "level"))
			kf_page_dl_row(h, CL(&c, "Level", "等级"), kf_con_str(&c, v, "level"));
		kf_page_dl_row(h, CL(&c, "Evidence", "违规证据"), kf_con_str(&c, v, "evidence"));
		if (json_array_size(json_object_get(v, "evidence_files"))) {
			kf_html_raw(h, "<dt>");
			kf_html_text(h, CL(&c, "Evidence files", "证据文件"));
			kf_html_raw(h, "</dt><dd>");
			kf_con_file_links(&c, json_object_get(v, "evidence_files"));
			kf_html_raw(h, "</dd>");
		}
		kf_html_raw(h, "</dl></section>");
	}
	if (!ended && may_act(&c)) {
		kf_html_raw(h, "<div class=\"actions\">");
		if (json_is_true(json_object_get(m, "needs_rectification")))
			kf_con_link(&c, "button primary", kf_con_fmt(&c, "/console/ops/measures/%s/end?reason=rectified", id),
				    CL(&c, "Confirm rectification", "确认整改完成"));
		kf_con_link(&c, "button", kf_con_fmt(&c, "/console/ops/measures/%s/end?reason=lifted", id),
			    CL(&c, "Lift the measure", "解除措施"));
		kf_html_raw(h, "</div>");
	}
	kf_html_raw(h, "<section class=\"card\">");
	kf_con_h2(&c, CL(&c, "Objections", "异议记录"));
	json_t *items = json_object_get(kf_con_get(&c, "/v1/measures/%s/objections", kf_con_qenc(&c, id)), "items");
	if (!json_array_size(items))
		kf_con_para(&c, "muted", CL(&c, "The provider has not objected.", "服务商尚未提出异议。"));
	size_t i;
	json_t *o;
	json_array_foreach(items, i, o) {
		kf_con_objection(&c, o);
		const char *st = kf_con_str(&c, o, "state");
		if (st && !strcmp(st, "pending") && may_act(&c))
			decide_form(&c, o);
	}
	kf_html_raw(h, "</section>");
	kf_con_finish(&c);
}

/* GET, POST /console/ops/measures/{id}/end?reason=lifted|rectified */
static void measure_end(struct kf_req *r)
{
	struct kf_con c;
	if (!kf_con_start(r, &c, true))
		return;
	c.section = "ops";
	const char *id = kf_req_param(r, "id");
	json_t *m = kf_con_get(&c, "/v1/measures/%s", kf_con_qenc(&c, id));
	if (!m) {
		kf_con_not_found(&c);
		return;
	}
	const char *reason = c.post ? kf_con_val(&c, "reason") : kf_con_q(&c, "reason");
	bool rectified = reason && !strcmp(reason, "rectified");
	const char *back = kf_con_fmt(&c, "/console/ops/measures/%s", id);
	if (c.post && kf_con_val(&c, "confirm")) {
		json_t *body = json_pack("{s:s}", "reason", rectified ? "rectified" : "lifted");
		kf_arena_defer(r->arena, (void (*)(void *))json_decref, body);
		if (kf_con_send(&c, "POST", body, "/v1/measures/%s/end", kf_con_qenc(&c, id))) {
			kf_con_redirect(&c, kf_con_fmt(&c, "%s?ok=measure_ended", back));
			return;
		}
		if (c.err.status == 403) {
			kf_con_forbidden(&c);
			return;
		}
		c.status = c.err.status;
	}
	const char *what = kf_con_measure_kind(&c, kf_con_str(&c, m, "kind"));
	const char *target = kf_con_str(&c, m, "app_id") ? kf_con_str(&c, m, "app_id") : CL(&c, "the provider", "该服务商");
	const char *hidden[] = {"reason", rectified ? "rectified" : "lifted"};
	if (rectified)
		kf_con_confirm(&c, CL(&c, "Confirm rectification?", "确认整改完成？"),
			       kf_con_fmt(&c, CL(&c, "The measure \"%s\" on %s ends now, %s is back in lists and search, and its provider is told in writing.",
						 "针对 %2$s 的“%1$s”措施立即结束，%2$s 恢复出现在列表和搜索中，并书面通知其服务商。"),
					  what, target, target),
			       NULL, CL(&c, "Confirm rectification", "确认整改完成"), back, hidden, 1);
	else
		kf_con_confirm(&c, CL(&c, "Lift the measure?", "解除措施？"),
			       kf_con_fmt(&c, CL(&c, "The measure \"%s\" on %s ends now, its effects are undone and the provider is told in writing.",
						 "针对 %2$s 的“%1$s”措施立即结束，其影响撤销，并书面通知服务商。"),
					  what, target),
			       NULL, CL(&c, "Lift the measure", "解除措施"), back, hidden, 1);
}

/* POST /console/ops/objections/{id}/decision */
static void objection_decide(struct kf_req *r)
{
	struct kf_con c;
	if (!kf_con_start(r, &c, true))
		return;
	c.section = "ops";
	const char *id = kf_req_param(r, "id");
	const char *decision = kf_con_val(&c, "decision");
	json_t *body = json_pack("{s:s, s:s}", "decision", decision ? decision : "", "note", kf_con_keep(&c, "note", ""));
	kf_arena_defer(r->arena, (void (*)(void *))json_decref, body);
	json_t *res = kf_con_send(&c, "POST", body, "/v1/objections/%s/decision", kf_con_qenc(&c, id));
	if (res) {
		kf_con_redirect(&c, kf_con_fmt(&c, "/console/ops/measures/%s?ok=objection_%s", kf_con_str(&c, res, "measure_id"),
					       !strcmp(kf_con_str(&c, res, "state"), "upheld") ? "upheld" : "rejected"));
		return;
	}
	if (c.err.status == 403) {
		kf_con_forbidden(&c);
		return;
	}
	if (c.err.status == 404) {
		kf_con_not_found(&c);
		return;
	}
	c.status = c.err.status;
	size_t n;
	const struct kf_page_link *cr = crumbs_gov(&c, &n);
	kf_con_open(&c, CL(&c, "The objection was not decided", "异议未能处理"), cr, n);
	kf_con_link(&c, NULL, "/console/ops/governance", CL(&c, "Back to governance", "返回违规与措施"));
	kf_con_finish(&c);
}

#define POST_PAGE (KF_RF_PAGE | KF_RF_FORM_CSRF | KF_RF_OWN_TX)

const struct kf_route kf_console_ops_governance_routes[] = {
	{"GET", "/console/ops/governance", governance_index, KF_AUTH_OPERATOR, KF_RF_PAGE,
	 "Measures in force and objections waiting (HTML)"},
	{"GET", "/console/ops/apps/{id}/violations/new", violation_new, KF_AUTH_OPERATOR, KF_RF_PAGE,
	 "Record a violation against an app (HTML)"},
	{"POST", "/console/ops/apps/{id}/violations/new", violation_new, KF_AUTH_OPERATOR, POST_PAGE | KF_RF_UPLOAD,
	 "Record a violation against an app (HTML form)"},
	{"GET", "/console/ops/measures/new", measure_new, KF_AUTH_OPERATOR, KF_RF_PAGE, "A further measure, GOV-7 (HTML)"},
	{"POST", "/console/ops/measures/new", measure_new, KF_AUTH_OPERATOR, POST_PAGE, "A further measure, GOV-7 (HTML form)"},
	{"GET", "/console/ops/measures/{id}", measure_page, KF_AUTH_OPERATOR, KF_RF_PAGE,
	 "One measure: violation, evidence, dates, objections (HTML)"},
	{"GET", "/console/ops/measures/{id}/end", measure_end, KF_AUTH_OPERATOR, KF_RF_PAGE,
	 "Lift a measure or confirm rectification: confirmation (HTML)"},
	{"POST", "/console/ops/measures/{id}/end", measure_end, KF_AUTH_OPERATOR, POST_PAGE,
	 "Lift a measure or confirm rectification (HTML form)"},
	{"POST", "/console/ops/objections/{id}/decision", objection_decide, KF_AUTH_OPERATOR, POST_PAGE,
	 "Decide an objection (HTML form)"},
};
const size_t kf_console_ops_governance_nroutes =
	sizeof(kf_console_ops_governance_routes) / sizeof(kf_console_ops_governance_routes[0]);
