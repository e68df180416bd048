/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The provider's side of governance (GOV-1, GOV-2, GOV-6): the app's
 * governance tab lists the measures in force against the app and against
 * its whole provider, each with its rule, start and end, the objections
 * and their decisions, and the form to object with text and files; the
 * withdrawal page takes the app out of the marketplace (GOV-2) or puts it
 * back. The console home lists the measures against the person's apps.
 * Everything is read and written through the API as the signed-in member.
 */
#include <string.h>

#include "console/app.h"
#include "console/console.h"
#include "console/governance.h"
#include "util/mem.h"

#define MAX_OBJECTION_FILES 10

static const struct {
	const char *kind, *en, *zh;
} kind_words[] = {
	{"warning", "Warning", "警告"},
	{"not_recommended", "Not recommended", "不推荐"},
	{"delisted", "Delisted", "下架"},
	{"ranking_adjustment", "Ranking adjustment", "排名调整"},
	{"down_weight", "Down-weighting", "降权"},
	{"search_ban", "Search ban", "禁止搜索"},
	{"refuse_access", "Access refused", "拒绝接入"},
	{"close_new_authorizations", "New authorizations closed", "关闭新授权"},
	{"block_existing_users", "Existing users blocked", "封禁存量用户"},
	{"ban_new_apps", "No new apps", "禁止创建新应用"},
};

const char *const kf_con_measure_kinds[] = {"ranking_adjustment", "down_weight", "search_ban", "refuse_access",
					    "close_new_authorizations", "block_existing_users", "ban_new_apps"};
const size_t kf_con_n_measure_kinds = sizeof(kf_con_measure_kinds) / sizeof(kf_con_measure_kinds[0]);

const char *kf_con_measure_kind(struct kf_con *c, const char *kind)
{
	for (size_t i = 0; kind && i < sizeof(kind_words) / sizeof(kind_words[0]); i++)
		if (!strcmp(kind, kind_words[i].kind))
			return CL(c, kind_words[i].en, kind_words[i].zh);
	return kind ? kind : "";
}

void kf_con_rule_link(struct kf_con *c, const char *rule)
{
	if (!rule || !*rule)
		return;
	kf_con_link(c, "rule", kf_con_fmt(c, "/console/rules/%s", kf_con_qenc(c, rule)), rule);
}

void kf_con_measure_end(struct kf_con *c, json_t *m)
{
	struct kf_html *h = &c->h;
	json_t *ends = json_object_get(m, "ends_at"), *min = json_object_get(m, "min_until");
	if (json_is_true(json_object_get(m, "permanent"))) {
		kf_html_text(h, CL(c, "Permanent", "永久"));
	} else if (json_is_integer(ends)) {
		kf_con_time(c, json_integer_value(ends));
	} else if (json_is_true(json_object_get(m, "needs_rectification"))) {
		kf_html_text(h, CL(c, "Until rectified", "整改完成为止"));
		if (json_is_integer(min)) {
			kf_html_raw(h, "<br><span class=\"muted\">");
			kf_html_text(h, CL(c, "the operator may confirm from ", "运营人员最早可于以下时间确认："));
			kf_html_raw(h, "</span>");
			kf_con_time(c, json_integer_value(min));
		}
	} else {
		kf_html_text(h, CL(c, "No fixed end", "无固定结束时间"));
	}
}

void kf_con_file_links(struct kf_con *c, json_t *ids)
{
	size_t i;
	json_t *v;
	json_array_foreach(ids, i, v) {
		if (!json_is_integer(v))
			continue;
		if (i)
			kf_html_text(&c->h, " · ");
		json_int_t id = json_integer_value(v);
		kf_con_link(c, NULL, kf_con_fmt(c, "/v1/files/%lld/content", (long long)id),
			    kf_con_fmt(c, CL(c, "File %lld", "文件 %lld"), (long long)id));
	}
}

static const char *objection_state(struct kf_con *c, const char *st)
{
	if (st && !strcmp(st, "upheld"))
		return CL(c, "Upheld: the measure ended", "已支持：措施已结束");
	if (st && !strcmp(st, "rejected"))
		return CL(c, "Rejected: the measure stays", "已驳回：措施继续有效");
	return CL(c, "Waiting for a decision", "等待处理");
}

void kf_con_objection(struct kf_con *c, json_t *o)
{
	struct kf_html *h = &c->h;
	const char *st = kf_con_str(c, o, "state");
	kf_html_raw(h, "<article class=\"objection\"");
	kf_html_attr(h, "id", kf_con_fmt(c, "objection-%s", kf_con_str(c, o, "id")));
	kf_html_raw(h, "><h3>");
	kf_html_text(h, kf_con_fmt(c, CL(c, "Objection %s", "异议 %s"), kf_con_str(c, o, "id")));
	kf_html_raw(h, " ");
	kf_page_badge(h, c->lang, st);
	kf_html_raw(h, "</h3><dl class=\"props\"><dt>");
	kf_html_text(h, CL(c, "Sent", "提交时间"));
	kf_html_raw(h, "</dt><dd>");
	kf_con_time(c, json_integer_value(json_object_get(o, "submitted_at")));
	kf_html_raw(h, "</dd>");
	kf_page_dl_row(h, CL(c, "Text", "异议内容"), kf_con_str(c, o, "text"));
	if (json_array_size(json_object_get(o, "files"))) {
		kf_html_raw(h, "<dt>");
		kf_html_text(h, CL(c, "Files", "附件"));
		kf_html_raw(h, "</dt><dd>");
		kf_con_file_links(c, json_object_get(o, "files"));
		kf_html_raw(h, "</dd>");
	}
	kf_page_dl_row(h, CL(c, "Decision", "处理结果"), objection_state(c, st));
	if (json_is_integer(json_object_get(o, "decided_at"))) {
		kf_html_raw(h, "<dt>");
		kf_html_text(h, CL(c, "Decided", "处理时间"));
		kf_html_raw(h, "</dt><dd>");
		kf_con_time(c, json_integer_value(json_object_get(o, "decided_at")));
		kf_html_raw(h, "</dd>");
		const char *note = kf_con_str(c, o, "decision_note");
		if (note && *note)
			kf_page_dl_row(h, CL(c, "Operator's note", "运营人员说明"), note);
	}
	kf_html_raw(h, "</dl></article>");
}

/* The measures in force against the person's providers (GET /v1/me/measures). */
static json_t *my_measures(struct kf_con *c)
{
	/* a side list of the page: its failure must not replace the page's
	 * own refusal (shown after the header), as kf_con_unread keeps it */
	bool had = c->has_err;
	struct kf_con_err saved = c->err;
	json_t *items = json_object_get(kf_con_get(c, "/v1/me/measures"), "items");
	c->has_err = had;
	c->err = saved;
	return items;
}

/* Staff who decide objections: how many wait, linking to the governance
 * page (an auditor reads the count too). */
static size_t staff_objections(struct kf_con *c)
{
	if (!kf_con_staff_role(c))
		return 0;
	struct kf_form q = {0};
	kf_form_set(&q, "state", "pending");
	kf_form_set(&q, "limit", "1");
	bool had = c->has_err;
	struct kf_con_err saved = c->err;
	json_int_t total = json_integer_value(json_object_get(kf_con_getq(c, &q, "/v1/objections"), "total"));
	c->has_err = had;
	c->err = saved;
	if (total <= 0)
		return 0;
	kf_html_raw(&c->h, "<li>");
	kf_con_link(c, NULL, "/console/ops/governance",
		    kf_con_fmt(c, CL(c, "%lld objection(s) to measures wait for a decision", "%lld 条异议等待处理"),
			       (long long)total));
	kf_html_raw(&c->h, "</li>");
	return 1;
}

size_t kf_con_governance_todos(struct kf_con *c)
{
	struct kf_html *h = &c->h;
	size_t i, n = staff_objections(c);
	json_t *m;
	json_array_foreach(my_measures(c), i, m) {
		/* NULL for a provider-wide measure: shown on each app's tab; here under the provider's name */
		const char *app = kf_con_str(c, m, "app_id");
		n++;
		kf_html_raw(h, "<li>");
		kf_html_text(h, CL(c, "Measure against ", "针对"));
		if (app)
			kf_con_link(c, NULL, kf_con_fmt(c, "/console/apps/%s/governance", app), app);
		else
			kf_con_link(c, NULL, kf_con_fmt(c, "/console/orgs/%s", kf_con_str(c, m, "provider_id")),
				    kf_con_str(c, m, "provider_name"));
		kf_html_text(h, CL(c, ": ", "的措施："));
		kf_html_text(h, kf_con_measure_kind(c, kf_con_str(c, m, "kind")));
		kf_html_text(h, " (");
		kf_html_text(h, kf_con_str(c, m, "rule"));
		kf_html_text(h, ")");
		if (json_is_true(json_object_get(m, "objection_pending")))
			kf_html_text(h, CL(c, " — your objection is waiting for a decision", " —— 你的异议正在等待处理"));
		else if (app)
			kf_html_text(h, CL(c, " — see it or object", " —— 查看或提出异议"));
		kf_html_raw(h, "</li>");
	}
	return n;
}

/* Does measure m concern the app (or, provider-wide, its provider)? */
static bool concerns(json_t *m, const char *app_id, json_int_t provider)
{
	const char *a = json_string_value(json_object_get(m, "app_id"));
	if (a)
		return !strcmp(a, app_id);
	return json_integer_value(json_object_get(m, "provider_id")) == provider;
}

void kf_con_app_market_badges(struct kf_con *c, json_t *app)
{
	const char *app_id = kf_con_app_id(app);
	json_int_t provider = json_integer_value(json_object_get(app, "provider_id"));
	bool not_rec = false;
	size_t i, n = 0;
	json_t *m;
	json_array_foreach(my_measures(c), i, m) {
		if (!concerns(m, app_id, provider))
			continue;
		n++;
		const char *k = json_string_value(json_object_get(m, "kind"));
		not_rec = not_rec || (k && !strcmp(k, "not_recommended"));
	}
	if (not_rec) {
		kf_html_raw(&c->h, " ");
		kf_page_badge(&c->h, c->lang, "not_recommended");
	}
	if (n) {
		kf_html_raw(&c->h, " ");
		kf_con_link(c, NULL, kf_con_app_href(c, app, "/governance"),
			    kf_con_fmt(c, CL(c, "%zu measure(s) in force", "%zu 项措施生效中"), n));
	}
}

static void objection_form(struct kf_con *c, json_t *app, json_t *m)
{
	struct kf_html *h = &c->h;
	const char *mid = kf_con_str(c, m, "id");
	const char *posted = kf_con_val(c, "measure_id");
	bool this_one = posted && mid && !strcmp(posted, mid);
	kf_html_raw(h, "<details");
	if (this_one && c->has_err)
		kf_html_raw(h, " open");
	kf_html_raw(h, "><summary>");
	kf_html_text(h, CL(c, "Object to this measure", "对此措施提出异议"));
	kf_html_raw(h, "</summary>");
	kf_con_form(c, kf_con_app_href(c, app, "/governance"), true);
	kf_page_hidden(h, "measure_id", mid);
	struct kf_page_field t = {.name = "text", .label = CL(c, "Why the measure is wrong", "异议理由"),
				  .type = "textarea", .value = this_one ? kf_con_val(c, "text") : "", .required = true,
				  .hint = CL(c, "An operator reads this and decides; you are told by inbox and email (GOV-6).",
					     "运营人员会阅读并处理，结果通过站内信和邮件通知你（GOV-6）。")};
	struct kf_page_field f = {.name = "files", .label = CL(c, "Supporting files (optional)", "证明材料（可选）"),
				  .type = "file", .accept = "application/pdf,image/png,image/jpeg",
				  .hint = CL(c, "PDF, PNG or JPEG.", "PDF、PNG 或 JPEG。")};
	if (this_one) {
		kf_con_field(c, &t);
		kf_con_field(c, &f);
	} else { /* another measure's form: the error belongs to the posted one */
		kf_page_field(h, c->lang, &t);
		kf_page_field(h, c->lang, &f);
	}
	kf_page_button(h, "primary", CL(c, "Send the objection", "提交异议"), NULL, NULL);
	kf_page_form_close(h);
	kf_html_raw(h, "</details>");
}

static const char *end_reason(struct kf_con *c, const char *r)
{
	static const struct {
		const char *key, *en, *zh;
	} w[] = {
		{"expired", "its time ran out", "到期结束"},
		{"rectified", "rectification confirmed", "已确认整改"},
		{"lifted", "lifted by the platform", "平台解除"},
		{"objection", "your objection was upheld", "异议获支持"},
	};
	for (size_t i = 0; r && i < sizeof(w) / sizeof(w[0]); i++)
		if (!strcmp(r, w[i].key))
			return CL(c, w[i].en, w[i].zh);
	return r;
}

static void measure_card(struct kf_con *c, json_t *app, json_t *m)
{
	struct kf_html *h = &c->h;
	const char *mid = kf_con_str(c, m, "id");
	bool ended = json_is_integer(json_object_get(m, "ended_at"));
	kf_html_raw(h, "<section class=\"card\"><h2>");
	kf_html_text(h, kf_con_measure_kind(c, kf_con_str(c, m, "kind")));
	kf_html_raw(h, " ");
	kf_page_badge(h, c->lang, ended ? "ended" : "measure_in_force");
	kf_html_raw(h, "</h2><dl class=\"props\"><dt>");
	kf_html_text(h, CL(c, "Against", "对象"));
	kf_html_raw(h, "</dt><dd>");
	kf_html_text(h, kf_con_str(c, m, "app_id") ? CL(c, "This app", "本应用")
						    : CL(c, "Your whole provider", "整个服务商"));
	kf_html_raw(h, "</dd><dt>");
	kf_html_text(h, CL(c, "Rule", "依据的规则"));
	kf_html_raw(h, "</dt><dd>");
	kf_con_rule_link(c, kf_con_str(c, m, "rule"));
	kf_html_raw(h, "</dd>");
	const char *reason = kf_con_str(c, m, "reason");
	if (reason && *reason)
		kf_page_dl_row(h, CL(c, "Reason", "原因"), reason);
	kf_html_raw(h, "<dt>");
	kf_html_text(h, CL(c, "Since", "开始时间"));
	kf_html_raw(h, "</dt><dd>");
	kf_con_time(c, json_integer_value(json_object_get(m, "starts_at")));
	kf_html_raw(h, "</dd><dt>");
	kf_html_text(h, CL(c, "Ends", "结束时间"));
	kf_html_raw(h, "</dt><dd>");
	kf_con_measure_end(c, m);
	kf_html_raw(h, "</dd>");
	if (ended) {
		kf_html_raw(h, "<dt>");
		kf_html_text(h, CL(c, "Ended", "已结束"));
		kf_html_raw(h, "</dt><dd>");
		kf_con_time(c, json_integer_value(json_object_get(m, "ended_at")));
		const char *er = end_reason(c, kf_con_str(c, m, "end_reason"));
		if (er)
			kf_html_text(h, kf_con_fmt(c, CL(c, " (%s)", "（%s）"), er));
		kf_html_raw(h, "</dd>");
	}
	kf_html_raw(h, "</dl>");
	json_t *hist = kf_con_get(c, "/v1/measures/%s/objections", mid);
	json_t *items = json_object_get(hist, "items");
	kf_con_h2(c, CL(c, "Objections", "异议记录"));
	if (!json_array_size(items))
		kf_con_para(c, "muted", CL(c, "No objection yet.", "尚未提出异议。"));
	size_t i;
	json_t *o;
	json_array_foreach(items, i, o) kf_con_objection(c, o);
	if (json_is_true(json_object_get(hist, "may_object")))
		objection_form(c, app, m);
	kf_html_raw(h, "</section>");
}

static bool send_objection(struct kf_con *c, json_t *app)
{
	const char *mid = kf_con_val(c, "measure_id");
	json_t *files = json_array();
	json_t *body = json_pack("{s:s, s:o}", "text", kf_con_val(c, "text") ? kf_con_val(c, "text") : "", "files", files);
	kf_arena_defer(c->r->arena, (void (*)(void *))json_decref, body);
	if (!mid || !*mid) {
		c->has_err = true;
		c->err = (struct kf_con_err){.status = 400, .code = "missing_field", .field = "measure_id",
					     .message = CL(c, "Choose the measure to object to.", "请选择要提出异议的措施。")};
		return false;
	}
	if (!kf_con_upload_files(c, "files", "files", MAX_OBJECTION_FILES, files))
		return false;
	if (!kf_con_send(c, "POST", body, "/v1/measures/%s/objections", kf_con_qenc(c, mid)))
		return false;
	kf_con_redirect(c, kf_con_fmt(c, "%s?ok=objection_sent", kf_con_app_href(c, app, "/governance")));
	return true;
}

static void market_card(struct kf_con *c, json_t *app)
{
	struct kf_html *h = &c->h;
	const char *st = kf_con_str(c, app, "state");
	kf_html_raw(h, "<section class=\"card\">");
	kf_con_h2(c, CL(c, "In the marketplace", "在应用市场中"));
	kf_html_raw(h, "<p class=\"state\">");
	kf_page_badge(h, c->lang, st);
	kf_con_app_market_badges(c, app);
	kf_html_raw(h, "</p>");
	if (st && !strcmp(st, "released")) {
		kf_con_para(c, NULL, CL(c, "Host accounts find and install it in the marketplace.",
					"授权方可以在应用市场中找到并安装它。"));
		kf_con_link(c, "button", kf_con_app_href(c, app, "/withdraw"), CL(c, "Withdraw from the marketplace", "从应用市场撤回"));
	} else if (st && !strcmp(st, "withdrawn")) {
		kf_con_para(c, NULL, CL(c, "Withdrawn (GOV-2): nobody finds or newly installs it; existing installs keep working.",
					"已撤回（GOV-2）：不能被搜索到或新安装；已有的安装继续有效。"));
		kf_con_link(c, "button", kf_con_app_href(c, app, "/withdraw"), CL(c, "Put it back in the marketplace", "重新上架"));
	} else if (st && !strcmp(st, "delisted")) {
		kf_con_para(c, NULL, CL(c, "Delisted by the platform (GOV-1): not found, not installable, and existing installs stop working until the measure ends.",
					"已被平台下架（GOV-1）：不能被搜索到、不能安装，已有的安装在措施结束前停止工作。"));
	} else {
		kf_con_para(c, "muted", CL(c, "Not in the marketplace yet: it is listed once released.", "尚未进入应用市场：全网发布后上架。"));
	}
	kf_html_raw(h, "</section>");
}

/* GET, POST /console/apps/{id}/governance */
static void app_governance(struct kf_req *r)
{
	struct kf_con c;
	json_t *app;
	if (!kf_con_start(r, &c, true) || !kf_con_app_load(&c, kf_req_param(r, "id"), &app))
		return;
	if (c.post && send_objection(&c, app))
		return;
	if (c.post) {
		c.has_err = true;
		c.status = c.err.status ? c.err.status : 400;
	}
	kf_con_app_open(&c, app, "governance", NULL);
	struct kf_html *h = &c.h;
	const char *app_id = kf_con_app_id(app);
	json_int_t provider = json_integer_value(json_object_get(app, "provider_id"));
	market_card(&c, app);
	size_t i, n = 0;
	json_t *m;
	json_array_foreach(my_measures(&c), i, m) {
		if (!concerns(m, app_id, provider))
			continue;
		n++;
		measure_card(&c, app, m);
	}
	if (!n) {
		kf_html_raw(h, "<section class=\"card\">");
		kf_con_h2(&c, CL(&c, "Measures", "处理措施"));
		kf_con_para(&c, "muted", CL(&c, "No measure is in force against this app or its provider.",
					    "目前没有针对本应用或其服务商的处理措施。"));
		kf_html_raw(h, "</section>");
	}
	/* the measures that have ended, newest first, with their objections:
	 * the restoration and the history stay readable */
	json_t *all = json_object_get(kf_con_get(&c, "/v1/apps/%s/measures", kf_con_qenc(&c, app_id)), "items");
	bool heading = false;
	for (size_t k = json_array_size(all); k-- > 0;) {
		json_t *x = json_array_get(all, k);
		if (!json_is_integer(json_object_get(x, "ended_at")))
			continue;
		if (!heading) {
			kf_con_h2(&c, CL(&c, "Ended measures", "已结束的措施"));
			heading = true;
		}
		measure_card(&c, app, x);
	}
	kf_con_finish(&c);
}

/* GET, POST /console/apps/{id}/withdraw: GOV-2 withdrawal, or the way back. */
static void app_withdraw(struct kf_req *r)
{
	struct kf_con c;
	json_t *app;
	if (!kf_con_start(r, &c, true) || !kf_con_app_load(&c, kf_req_param(r, "id"), &app))
		return;
	const char *st = kf_con_str(&c, app, "state");
	bool back = st && !strcmp(st, "withdrawn");
	const char *name = kf_con_app_name(&c, app);
	const char *tab = kf_con_app_href(&c, app, "/governance");
	if (c.post && kf_con_val(&c, "confirm")) {
		if (kf_con_send(&c, back ? "DELETE" : "POST", NULL, "/v1/apps/%s/withdrawal", kf_con_app_id(app))) {
			kf_con_redirect(&c, kf_con_fmt(&c, "%s?ok=%s", tab, back ? "relisted" : "withdrawn"));
			return;
		}
		c.status = c.err.status;
	}
	c.section = "apps";
	if (back)
		kf_con_confirm(&c, kf_con_fmt(&c, CL(&c, "Put %s back in the marketplace?", "将 %s 重新上架？"), name),
			       kf_con_fmt(&c, CL(&c, "%s can be found and installed in the marketplace again.",
						 "%s 将重新可以在应用市场中被找到和安装。"), name),
			       NULL, CL(&c, "Put it back", "重新上架"), tab, NULL, 0);
	else
		kf_con_confirm(&c, kf_con_fmt(&c, CL(&c, "Withdraw %s from the marketplace?", "将 %s 从应用市场撤回？"), name),
			       kf_con_fmt(&c, CL(&c, "%s is no longer found or newly installable; existing installs, renewals and expansions keep working, and you can put it back here at any time.",
						 "%s 将不能再被搜索到或新安装；已有的安装、续期和扩展权限继续有效，你可以随时在此重新上架。"), name),
			       NULL, CL(&c, "Withdraw", "撤回"), tab, NULL, 0);
}

#define POST_PAGE (KF_RF_PAGE | KF_RF_FORM_CSRF | KF_RF_OWN_TX)

const struct kf_route kf_console_app_governance_routes[] = {
	{"GET", "/console/apps/{id}/governance", app_governance, KF_AUTH_USER, KF_RF_PAGE,
	 "An app's measures and objections (HTML)"},
	{"POST", "/console/apps/{id}/governance", app_governance, KF_AUTH_USER, POST_PAGE | KF_RF_UPLOAD,
	 "Object to a measure (HTML form)"},
	{"GET", "/console/apps/{id}/withdraw", app_withdraw, KF_AUTH_USER, KF_RF_PAGE,
	 "Withdraw an app from the marketplace or put it back: confirmation (HTML)"},
	{"POST", "/console/apps/{id}/withdraw", app_withdraw, KF_AUTH_USER, POST_PAGE,
	 "Withdraw an app or put it back (HTML form)"},
};
const size_t kf_console_app_governance_nroutes =
	sizeof(kf_console_app_governance_routes) / sizeof(kf_console_app_governance_routes[0]);
