/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The staff's campaigns page (GOV-8): the registrations waiting for a
 * decision, each with its approve/reject form (a rejection says why; the
 * provider is told either way), what runs now, and the approved campaigns
 * still ahead. Auditors read it; the dispatcher refuses them the decision.
 */
#include <string.h>

#include "console/console.h"
#include "console/governance.h"
#include "console/ops_settings.h"

static void campaign_cells(struct kf_con *c, json_t *it)
{
	struct kf_html *h = &c->h;
	const char *app_id = kf_con_str(c, it, "app_id");
	kf_html_raw(h, "<td><strong>");
	kf_html_text(h, kf_con_str(c, it, "title"));
	kf_html_raw(h, "</strong><br><span class=\"muted small\">");
	const char *kind = kf_con_str(c, it, "kind");
	kf_html_text(h, kind && !strcmp(kind, "popup") ? CL(c, "Pop-up", "弹窗") : CL(c, "Push", "推送"));
	const char *desc = kf_con_str(c, it, "description");
	if (desc && *desc) {
		kf_html_text(h, " · ");
		kf_html_text(h, desc);
	}
	kf_html_raw(h, "</span></td><td><a");
	kf_html_url_attr(h, "href", kf_con_fmt(c, "/console/ops/apps/%s", app_id ? app_id : ""));
	kf_html_raw(h, "><code>");
	kf_html_text(h, app_id);
	kf_html_raw(h, "</code></a><br><span class=\"small\">");
	kf_html_text(h, kf_con_str(c, json_object_get(it, "provider"), "name"));
	kf_html_raw(h, "</span></td><td>");
	kf_con_time(c, json_integer_value(json_object_get(it, "starts_at")));
	kf_html_raw(h, "<br>");
	kf_html_text(h, CL(c, "until ", "至 "));
	kf_con_time(c, json_integer_value(json_object_get(it, "ends_at")));
	kf_html_raw(h, "</td>");
}

static void table_open(struct kf_con *c, const char *label, bool action)
{
	struct kf_html *h = &c->h;
	kf_ops_table_open(c, label);
	kf_html_raw(h, "<table class=\"wide\"><thead><tr><th scope=\"col\">");
	kf_html_text(h, CL(c, "Campaign", "活动"));
	kf_html_raw(h, "</th><th scope=\"col\">");
	kf_html_text(h, CL(c, "App and provider", "应用与服务商"));
	kf_html_raw(h, "</th><th scope=\"col\">");
	kf_html_text(h, CL(c, "Runs", "时间"));
	kf_html_raw(h, "</th><th scope=\"col\">");
	kf_html_text(h, action ? CL(c, "Decision", "审核") : CL(c, "Registered", "登记时间"));
	kf_html_raw(h, "</th></tr></thead><tbody>");
}

static void decision_form(struct kf_con *c, json_t *it)
{
	struct kf_html *h = &c->h;
	const char *id = kf_con_str(c, it, "id");
	kf_con_form(c, kf_con_fmt(c, "/console/ops/campaigns/%s/decision", id ? id : "0"), false);
	/* one note field per row: its id must be unique on the page */
	const char *fid = kf_con_fmt(c, "note-%s", id ? id : "0");
	kf_html_raw(h, "<div class=\"field\"><div class=\"lab\"><label");
	kf_html_attr(h, "for", fid);
	kf_html_raw(h, ">");
	kf_html_text(h, CL(c, "Note to the provider", "给服务商的说明"));
	kf_html_raw(h, "</label></div><textarea name=\"note\" rows=\"2\"");
	kf_html_attr(h, "id", fid);
	kf_html_raw(h, "></textarea></div><div class=\"actions\">");
	kf_page_button(h, "primary", CL(c, "Approve", "通过"), "decision", "approve");
	kf_page_button(h, "danger", CL(c, "Reject", "驳回"), "decision", "reject");
	kf_html_raw(h, "</div>");
	kf_page_form_close(h);
}

static void render(struct kf_con *c)
{
	bool had_err = c->has_err;
	struct kf_con_err saved = c->err;
	struct kf_form q = {0};
	kf_form_set(&q, "state", "pending");
	kf_form_set(&q, "after", kf_con_q(c, "after"));
	json_t *pending = kf_con_getq(c, &q, "/v1/campaigns");
	struct kf_form qr = {0};
	kf_form_set(&qr, "running", "true");
	json_t *running = kf_con_getq(c, &qr, "/v1/campaigns");
	struct kf_form qa = {0};
	kf_form_set(&qa, "state", "approved");
	json_t *approved = kf_con_getq(c, &qa, "/v1/campaigns");
	c->has_err = had_err;
	c->err = saved;
	kf_ops_open(c, CL(c, "Campaigns", "营销活动"), NULL, NULL);
	struct kf_html *h = &c->h;
	kf_html_raw(h, "<p class=\"muted\">");
	kf_html_text(h, CL(c, "Providers register marketing pushes and pop-ups at least 3 working days before they "
			      "start. Decide each before its start; the provider is told by inbox message and mail.",
			   "服务商须在营销推送和弹窗开始前至少 3 个工作日登记。请在活动开始前审核；审核结果将通过站内信和邮件通知服务商。"));
	kf_html_raw(h, " ");
	kf_page_rule(h, "GOV-8");
	kf_html_raw(h, "</p>");
	const char *role = kf_con_staff_role(c);
	bool may_decide = role && strcmp(role, "auditor");
	if (!may_decide)
		kf_con_para(c, "muted", CL(c, "Read only: auditors do not decide campaigns.", "只读：审计员不审核营销活动。"));

	kf_con_h2(c, CL(c, "Waiting for a decision", "待审核"));
	json_t *items = json_object_get(pending, "items");
	if (!json_array_size(items)) {
		kf_page_empty(h, CL(c, "No campaign waits for a decision.", "没有待审核的营销活动。"), NULL, NULL);
	} else {
		table_open(c, CL(c, "Waiting for a decision", "待审核"), may_decide);
		size_t i;
		json_t *it;
		json_array_foreach(items, i, it) {
			kf_html_raw(h, "<tr>");
			campaign_cells(c, it);
			kf_html_raw(h, "<td>");
			if (may_decide)
				decision_form(c, it);
			else
				kf_con_time(c, json_integer_value(json_object_get(it, "submitted_at")));
			kf_html_raw(h, "</td></tr>");
		}
		kf_html_raw(h, "</tbody></table></div>");
		json_t *next = json_object_get(pending, "next_after");
		if (json_is_string(next))
			kf_con_link(c, NULL, kf_con_fmt(c, "/console/ops/campaigns?after=%s", kf_con_qenc(c, json_string_value(next))),
				    CL(c, "More waiting", "更多待审核"));
	}

	kf_con_h2(c, CL(c, "Running now", "正在进行"));
	items = json_object_get(running, "items");
	if (!json_array_size(items)) {
		kf_page_empty(h, CL(c, "No approved campaign is running now.", "当前没有正在进行的营销活动。"), NULL, NULL);
	} else {
		table_open(c, CL(c, "Running now", "正在进行"), false);
		size_t i;
		json_t *it;
		json_array_foreach(items, i, it) {
			kf_html_raw(h, "<tr>");
			campaign_cells(c, it);
			kf_html_raw(h, "<td>");
			kf_con_time(c, json_integer_value(json_object_get(it, "submitted_at")));
			kf_html_raw(h, "</td></tr>");
		}
		kf_html_raw(h, "</tbody></table></div>");
	}

	kf_con_h2(c, CL(c, "Approved, not started yet", "已通过，尚未开始"));
	items = json_object_get(approved, "items");
	size_t shown = 0;
	size_t i;
	json_t *it;
	json_array_foreach(items, i, it) {
		if (json_integer_value(json_object_get(it, "starts_at")) <= (json_int_t)c->r->now)
			continue;
		if (!shown++)
			table_open(c, CL(c, "Approved, not started yet", "已通过，尚未开始"), false);
		kf_html_raw(h, "<tr>");
		campaign_cells(c, it);
		kf_html_raw(h, "<td>");
		kf_con_time(c, json_integer_value(json_object_get(it, "submitted_at")));
		kf_html_raw(h, "</td></tr>");
	}
	if (shown)
		kf_html_raw(h, "</tbody></table></div>");
	else
		kf_page_empty(h, CL(c, "No approved campaign is ahead.", "没有即将开始的已通过活动。"), NULL, NULL);
	kf_con_finish(c);
}

static void campaigns_page(struct kf_req *r)
{
	struct kf_con c;
	if (!kf_con_start(r, &c, true))
		return;
	render(&c);
}

static void campaign_decision(struct kf_req *r)
{
	struct kf_con c;
	if (!kf_con_start(r, &c, true))
		return;
	const char *id = kf_req_param(r, "id");
	const char *d = kf_con_val(&c, "decision"), *note = kf_con_val(&c, "note");
	json_t *b = json_pack("{s:s}", "decision", d ? d : "");
	if (note && *note)
		json_object_set_new(b, "note", json_string(note));
	json_t *ok = kf_con_send(&c, "POST", b, "/v1/campaigns/%s/decision", id ? id : "0");
	json_decref(b);
	if (ok) {
		kf_con_redirect(&c, d && !strcmp(d, "approve") ? "/console/ops/campaigns?ok=campaign_approved"
							      : "/console/ops/campaigns?ok=campaign_rejected");
		return;
	}
	if (c.err.status == 404) {
		kf_con_not_found(&c);
		return;
	}
	if (c.err.status == 403) {
		kf_con_forbidden(&c);
		return;
	}
	/* the refusal (a rejection without a note, a start date passed) as a
	 * notice above the lists: the page has one note field per row */
	c.status = c.err.status;
	c.err.field = NULL;
	render(&c);
}

const struct kf_route kf_console_ops_campaigns_routes[] = {
	{"GET", "/console/ops/campaigns", campaigns_page, KF_AUTH_OPERATOR, KF_RF_PAGE,
	 "Campaigns waiting for a decision and running now, for the staff (HTML, GOV-8)"},
	{"POST", "/console/ops/campaigns/{id}/decision", campaign_decision, KF_AUTH_OPERATOR,
	 KF_RF_PAGE | KF_RF_FORM_CSRF | KF_RF_OWN_TX, "Approve or reject a campaign (HTML form, GOV-8)"},
};
const size_t kf_console_ops_campaigns_nroutes =
	sizeof(kf_console_ops_campaigns_routes) / sizeof(kf_console_ops_campaigns_routes[0]);

size_t kf_con_campaign_todos(struct kf_con *c)
{
	if (!kf_con_staff_role(c))
		return 0;
	struct kf_form q = {0};
	kf_form_set(&q, "state", "pending");
	kf_form_set(&q, "limit", "100");
	/* a refusal here must not become the home page's error */
	bool had = c->has_err;
	struct kf_con_err saved = c->err;
	json_t *res = kf_con_getq(c, &q, "/v1/campaigns");
	c->has_err = had;
	c->err = saved;
	size_t n = json_array_size(json_object_get(res, "items"));
	if (!n)
		return 0;
	bool more = json_is_string(json_object_get(res, "next_after"));
	kf_html_raw(&c->h, "<li>");
	kf_con_link(c, NULL, "/console/ops/campaigns",
		    kf_con_fmt(c, CL(c, "%zu%s marketing campaign(s) wait for a decision (GOV-8)", "%zu%s 个营销活动等待审核（GOV-8）"),
			       n, more ? "+" : ""));
	kf_html_raw(&c->h, "</li>");
	return 1;
}
