/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The provider's campaigns tab of an app (GOV-8): the registered marketing
 * pushes and pop-ups with their state, the form that registers one (by
 * dates: a campaign runs from the start of its first day to the end of its
 * last day, platform time) and the cancellation of one that has not
 * started. The earliest start allowed today comes from the API, which
 * reads the operator's working-day calendar.
 */
#include <string.h>

#include "console/app.h"
#include "console/console.h"

#define DAY 86400

/* A campaign's state in words; cancelled is the provider's own act, not an
 * account's cancellation (the shared badge's "已注销"). */
static void state_badge(struct kf_con *c, json_t *it)
{
	const char *st = kf_con_str(c, it, "state");
	if (st && !strcmp(st, "cancelled")) {
		kf_html_raw(&c->h, "<span class=\"badge\">");
		kf_html_text(&c->h, CL(c, "Cancelled", "已取消"));
		kf_html_raw(&c->h, "</span>");
	} else {
		kf_page_badge(&c->h, c->lang, st);
	}
	if (json_is_true(json_object_get(it, "running"))) {
		kf_html_raw(&c->h, " <span class=\"badge good\">");
		kf_html_text(&c->h, CL(c, "Running now", "进行中"));
		kf_html_raw(&c->h, "</span>");
	}
}

static const char *kind_word(struct kf_con *c, const char *kind)
{
	return kind && !strcmp(kind, "popup") ? CL(c, "Pop-up", "弹窗") : CL(c, "Push", "推送");
}

/* The date input of a time: its local date. */
static const char *date_of(struct kf_con *c, json_t *it, const char *key, int64_t minus)
{
	return kf_con_date_text(c, json_integer_value(json_object_get(it, key)) - minus);
}

static void register_form(struct kf_con *c, json_t *app, int64_t earliest)
{
	struct kf_html *h = &c->h;
	kf_html_raw(h, "<section class=\"card\" aria-labelledby=\"register-h\"><h2 id=\"register-h\">");
	kf_html_text(h, CL(c, "Register a campaign", "登记营销活动"));
	kf_html_raw(h, "</h2>");
	kf_con_form(c, kf_con_app_href(c, app, "/campaigns"), false);
	struct kf_page_option kinds[] = {
		{"push", CL(c, "Push message", "推送消息")},
		{"popup", CL(c, "Pop-up", "弹窗")},
	};
	struct kf_page_field kind = {.name = "kind", .label = CL(c, "Kind", "类型"), .type = "select",
				     .options = kinds, .n_options = 2, .value = kf_con_keep(c, "kind", "push"),
				     .required = true};
	kf_con_field(c, &kind);
	kf_con_input(c, "title", CL(c, "Title", "标题"), "text", kf_con_keep(c, "title", NULL),
		     CL(c, "What users will see, in a few words.", "用户将看到的内容，简短几个字。"), true);
	kf_con_input(c, "description", CL(c, "Description", "说明"), "textarea", kf_con_keep(c, "description", NULL),
		     CL(c, "Who receives it, how often, and what it links to.", "发送对象、频率以及链接到的内容。"),
		     false);
	const char *first = kf_con_date_text(c, earliest);
	kf_con_input(c, "starts_at", CL(c, "First day", "开始日期"), "date", kf_con_keep(c, "starts_at", first),
		     kf_con_fmt(c,
				CL(c, "At least 3 working days from today: %s at the earliest. It starts at 00:00 "
				      "platform time.",
				   "须至少提前 3 个工作日登记：最早 %s。当天零点（平台时间）开始。"),
				first),
		     true);
	kf_con_input(c, "ends_at", CL(c, "Last day", "结束日期"), "date",
		     kf_con_keep(c, "ends_at", kf_con_date_text(c, earliest + 6 * DAY)),
		     CL(c, "It ends at the end of this day; 90 days at most.", "当天结束时结束；最长 90 天。"), true);
	kf_html_raw(h, "<div class=\"actions\">");
	kf_page_button(h, "primary", CL(c, "Register for review", "登记并提交审核"), NULL, NULL);
	kf_html_raw(h, "</div>");
	kf_page_form_close(h);
	kf_html_raw(h, "</section>");
}

/* POST: the form's fields as the API's request; false (with the error on
 * the field) when a date is not a date. */
static json_t *form_body(struct kf_con *c)
{
	int64_t s = 0, e = 0;
	const char *bad = !kf_con_date(c, kf_con_val(c, "starts_at"), &s)   ? "starts_at"
			  : !kf_con_date(c, kf_con_val(c, "ends_at"), &e) ? "ends_at"
									    : NULL;
	if (bad) {
		c->has_err = true;
		c->err = (struct kf_con_err){.status = 400, .code = "invalid_value", .field = bad, .rule = "GOV-8",
					     .message = CL(c, "Give a date.", "请填写日期。")};
		c->status = 400;
		return NULL;
	}
	json_t *b = json_pack("{s:s, s:s, s:I, s:I}", "kind", kf_con_val(c, "kind") ? kf_con_val(c, "kind") : "",
			      "title", kf_con_val(c, "title") ? kf_con_val(c, "title") : "", "starts_at", (json_int_t)s,
			      "ends_at", (json_int_t)(e + DAY));
	const char *d = kf_con_val(c, "description");
	if (d && *d)
		json_object_set_new(b, "description", json_string(d));
	return b;
}

static void campaigns_page(struct kf_req *r)
{
	struct kf_con c;
	if (!kf_con_start(r, &c, true))
		return;
	json_t *app = NULL;
	const char *id = kf_req_param(r, "id");
	if (!kf_con_app_load(&c, id, &app))
		return;
	if (c.post) {
		json_t *b = form_body(&c);
		if (b) {
			json_t *ok = kf_con_send(&c, "POST", b, "/v1/apps/%s/campaigns", kf_con_app_id(app));
			json_decref(b);
			if (ok) {
				kf_con_redirect(&c, kf_con_app_href(&c, app, "/campaigns?ok=campaign_registered"));
				return;
			}
			c.status = c.err.status;
		}
	}
	bool had_err = c.has_err;
	struct kf_con_err saved = c.err;
	struct kf_form q = {0};
	kf_form_set(&q, "after", kf_con_q(&c, "after"));
	json_t *list = kf_con_getq(&c, &q, "/v1/apps/%s/campaigns", kf_con_app_id(app));
	c.has_err = had_err;
	c.err = saved;
	/* GOV-8's refusal names the earliest date allowed */
	if (c.has_err && c.err.code && !strcmp(c.err.code, "campaign_too_soon"))
		c.err.message = kf_con_fmt(&c, CL(&c, "%s The earliest start is %s.", "%s最早开始日期：%s。"), c.err.message,
					   kf_con_date_text(&c, json_integer_value(json_object_get(list, "earliest_start"))));
	kf_con_app_open(&c, app, "campaigns", CL(&c, "Campaigns", "营销活动"));
	struct kf_html *h = &c.h;
	kf_html_raw(h, "<p class=\"muted\">");
	kf_html_text(h, CL(&c, "Marketing pushes and pop-ups inside the app are registered here at least 3 working "
			       "days before they start; the platform reviews each one. The app's public page shows "
			       "none of this.",
			   "应用内的营销推送和弹窗须在开始前至少 3 个工作日在此登记，平台逐一审核。应用的公开页面不会显示这些内容。"));
	kf_html_raw(h, " ");
	kf_page_rule(h, "GOV-8");
	kf_html_raw(h, "</p>");
	json_t *items = json_object_get(list, "items");
	kf_con_h2(&c, CL(&c, "Registered campaigns", "已登记的活动"));
	if (!json_array_size(items)) {
		kf_page_empty(h, CL(&c, "No campaign is registered yet. Register one below before it starts.",
				    "尚未登记任何活动。请在活动开始前于下方登记。"),
			      NULL, NULL);
	} else {
		kf_html_raw(h, "<div class=\"table\" tabindex=\"0\" role=\"region\"");
		kf_html_attr(h, "aria-label", CL(&c, "Registered campaigns", "已登记的活动"));
		kf_html_raw(h, "><table class=\"wide\"><thead><tr><th scope=\"col\">");
		kf_html_text(h, CL(&c, "Campaign", "活动"));
		kf_html_raw(h, "</th><th scope=\"col\">");
		kf_html_text(h, CL(&c, "State", "状态"));
		kf_html_raw(h, "</th><th scope=\"col\">");
		kf_html_text(h, CL(&c, "Runs", "时间"));
		kf_html_raw(h, "</th><th scope=\"col\">");
		kf_html_text(h, CL(&c, "Action", "操作"));
		kf_html_raw(h, "</th></tr></thead><tbody>");
		size_t i;
		json_t *it;
		json_array_foreach(items, i, it) {
			const char *st = kf_con_str(&c, it, "state");
			kf_html_raw(h, "<tr><td><strong>");
			kf_html_text(h, kf_con_str(&c, it, "title"));
			kf_html_raw(h, "</strong><br><span class=\"muted small\">");
			kf_html_text(h, kind_word(&c, kf_con_str(&c, it, "kind")));
			const char *desc = kf_con_str(&c, it, "description");
			if (desc && *desc) {
				kf_html_text(h, " · ");
				kf_html_text(h, desc);
			}
			kf_html_raw(h, "</span></td><td>");
			state_badge(&c, it);
			const char *note = kf_con_str(&c, it, "decision_note");
			if (note && *note) {
				kf_html_raw(h, "<br><span class=\"small\">");
				kf_html_text(h, CL(&c, "Note: ", "说明："));
				kf_html_text(h, note);
				kf_html_raw(h, "</span>");
			}
			kf_html_raw(h, "</td><td>");
			kf_html_text(h, kf_con_fmt(&c, "%s – %s", date_of(&c, it, "starts_at", 0),
						   date_of(&c, it, "ends_at", 1)));
			kf_html_raw(h, "</td><td>");
			bool open = st && (!strcmp(st, "pending") || !strcmp(st, "approved")) &&
				    json_integer_value(json_object_get(it, "starts_at")) > (json_int_t)r->now;
			if (open) {
				kf_con_form(&c,
					    kf_con_app_href(&c, app,
							    kf_con_fmt(&c, "/campaigns/%s/cancel", kf_con_str(&c, it, "id"))),
					    false);
				kf_page_button(h, "danger", CL(&c, "Cancel…", "取消…"), NULL, NULL);
				kf_page_form_close(h);
			} else {
				kf_html_text(h, "—");
			}
			kf_html_raw(h, "</td></tr>");
		}
		kf_html_raw(h, "</tbody></table></div>");
		json_t *next = json_object_get(list, "next_after");
		if (json_is_integer(next))
			kf_con_link(&c, NULL,
				    kf_con_app_href(&c, app, kf_con_fmt(&c, "/campaigns?after=%lld",
									 (long long)json_integer_value(next))),
				    CL(&c, "Older campaigns", "更早的活动"));
	}
	const char *state = kf_con_str(&c, app, "state");
	if (state && !strcmp(state, "released"))
		register_form(&c, app, json_integer_value(json_object_get(list, "earliest_start")));
	else
		kf_page_notice(h, "info",
			       CL(&c, "Campaigns run inside a released app: release the app first.",
				  "营销活动须在已发布的应用内进行：请先发布应用。"));
	kf_con_finish(&c);
}

static void campaign_cancel(struct kf_req *r)
{
	struct kf_con c;
	if (!kf_con_start(r, &c, true))
		return;
	json_t *app = NULL;
	if (!kf_con_app_load(&c, kf_req_param(r, "id"), &app))
		return;
	const char *cid = kf_req_param(r, "cid");
	const char *back = kf_con_app_href(&c, app, "/campaigns");
	if (kf_con_val(&c, "confirm")) {
		if (kf_con_send(&c, "POST", NULL, "/v1/campaigns/%s/cancel", cid ? cid : "0")) {
			kf_con_redirect(&c, kf_con_app_href(&c, app, "/campaigns?ok=campaign_cancelled"));
			return;
		}
		if (c.err.status == 404) {
			kf_con_not_found(&c);
			return;
		}
		c.status = c.err.status;
	}
	kf_con_confirm(&c, CL(&c, "Cancel the campaign?", "取消该营销活动？"),
		       CL(&c, "The campaign will not run; to run it later, register it again at least 3 working days "
			      "ahead.",
			  "该活动将不会进行；如需稍后进行，须重新登记并至少提前 3 个工作日。"),
		       kf_con_app_href(&c, app, kf_con_fmt(&c, "/campaigns/%s/cancel", cid ? cid : "0")),
		       CL(&c, "Cancel the campaign", "取消活动"), back, NULL, 0);
}

#define PAGE_POST (KF_RF_PAGE | KF_RF_FORM_CSRF | KF_RF_OWN_TX)

const struct kf_route kf_console_campaigns_routes[] = {
	{"GET", "/console/apps/{id}/campaigns", campaigns_page, KF_AUTH_USER, KF_RF_PAGE,
	 "An app's marketing campaigns (HTML, GOV-8)"},
	{"POST", "/console/apps/{id}/campaigns", campaigns_page, KF_AUTH_USER, PAGE_POST,
	 "Register a campaign (HTML form, GOV-8)"},
	{"POST", "/console/apps/{id}/campaigns/{cid}/cancel", campaign_cancel, KF_AUTH_USER, PAGE_POST,
	 "Cancel a campaign, after a confirmation (HTML form, GOV-8)"},
};
const size_t kf_console_campaigns_nroutes =
	sizeof(kf_console_campaigns_routes) / sizeof(kf_console_campaigns_routes[0]);
