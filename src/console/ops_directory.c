/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The staff's pages for operating providers and apps (issue 12): find a
 * provider (by name, entity, licence number or member email) or an app (by
 * name, app_id or provider), read its whole record on one page, and act
 * on it: ban or lift a ban (GOV-7, GOV-6), ask for re-verification
 * (ONB-7), suspend or lift a suspension (AUTH-5). The read pages are for
 * every staff role; the action pages' routes declare KF_AUTH_ADMIN and the
 * read pages show their buttons to administrators only. Every action
 * takes a written reason on a page that states its consequence.
 */
#include <stdio.h>
#include <string.h>

#include "console/appform.h"
#include "console/console.h"
#include "util/mem.h"

static bool is_admin(struct kf_con *c)
{
	const char *role = kf_con_staff_role(c);
	return role && !strcmp(role, "admin");
}

static bool digits(const char *s)
{
	return s && *s && strlen(s) < 19 && strspn(s, "0123456789") == strlen(s);
}

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

static void td_time(struct kf_con *c, json_t *o, const char *key)
{
	kf_html_raw(&c->h, "<td>");
	kf_con_time(c, json_integer_value(json_object_get(o, key)));
	kf_html_raw(&c->h, "</td>");
}

/* The search box above a list: one text field named q. */
static void search_form(struct kf_con *c, const char *action, const char *label, const char *hint, const char *q)
{
	kf_html_raw(&c->h, "<form class=\"filters\" method=\"get\"");
	kf_html_url_attr(&c->h, "action", action);
	kf_html_raw(&c->h, " role=\"search\">");
	struct kf_page_field f = {.name = "q", .label = label, .type = "text", .value = q ? q : "", .hint = hint};
	kf_page_field(&c->h, c->lang, &f);
	kf_html_raw(&c->h, "<div class=\"field\">");
	kf_page_button(&c->h, "secondary", CL(c, "Search", "搜索"), NULL, NULL);
	kf_html_raw(&c->h, "</div></form>");
}

static void pager(struct kf_con *c, const char *base, const char *after, json_t *next)
{
	if (!after && json_is_null(next))
		return;
	kf_html_raw(&c->h, "<nav class=\"actions\"");
	kf_html_attr(&c->h, "aria-label", CL(c, "Pages", "分页"));
	kf_html_raw(&c->h, ">");
	if (after)
		kf_con_link(c, NULL, base, CL(c, "First page", "第一页"));
	if (json_is_integer(next))
		kf_con_link(c, NULL, kf_con_fmt(c, "%s&after=%lld", base, (long long)json_integer_value(next)),
			    CL(c, "Next page", "下一页"));
	kf_html_raw(&c->h, "</nav>");
}

/* --------------------------------------------------------- providers list */

static void providers_list(struct kf_req *r)
{
	struct kf_con c;
	if (!kf_con_start(r, &c, true))
		return;
	c.section = "ops";
	struct kf_html *h = &c.h;
	const char *q = kf_con_q(&c, "q"), *after = kf_con_q(&c, "after");
	q = q && *q && strlen(q) <= 200 ? q : NULL;
	after = digits(after) ? after : NULL;
	struct kf_form f = {0};
	if (q)
		kf_form_set(&f, "q", q);
	if (after)
		kf_form_set(&f, "after", after);
	kf_form_set(&f, "limit", "20");
	json_t *page = kf_con_getq(&c, &f, "/v1/providers");
	struct kf_page_link crumbs[] = {{"/console/ops", CL(&c, "Platform", "平台管理"), false}};
	kf_con_open(&c, CL(&c, "Providers", "服务商"), crumbs, 1);
	search_form(&c, "/console/ops/providers", CL(&c, "Find a provider", "查找服务商"),
		    CL(&c, "Name, entity name, licence number or a member's email.", "名称、主体名称、营业执照号或成员邮箱。"),
		    q);
	json_t *items = json_object_get(page, "items");
	if (!page) {
		/* the refusal is shown by kf_con_finish */
	} else if (!json_array_size(items)) {
		if (q || after)
			kf_page_empty(h,
				      kf_con_fmt(&c, CL(&c, "No provider matches \"%s\". Try part of the name, the licence "
							    "number or a member's full email.",
							"没有服务商匹配“%s”。可以试试名称的一部分、营业执照号或成员的完整邮箱。"),
						 q ? q : ""),
				      "/console/ops/providers", CL(&c, "Show all providers", "显示全部服务商"));
		else
			kf_page_empty(h,
				      CL(&c, "No provider has registered yet. Providers appear here as soon as a developer "
					     "registers one.",
					 "还没有服务商注册。开发者注册服务商后会显示在这里。"),
				      NULL, NULL);
	} else {
		kf_html_raw(h, "<div class=\"table\"><table><thead><tr>");
		th(&c, "Provider", "服务商");
		th(&c, "State", "状态");
		th(&c, "Entity", "主体");
		th(&c, "Licence number", "营业执照号");
		th(&c, "Registered", "注册时间");
		kf_html_raw(h, "</tr></thead><tbody>");
		json_t *p;
		size_t i;
		json_array_foreach(items, i, p) {
			kf_html_raw(h, "<tr><td>");
			kf_con_link(&c, NULL, kf_con_fmt(&c, "/console/ops/providers/%s", kf_con_str(&c, p, "id")),
				    kf_con_str(&c, p, "name"));
			kf_html_raw(h, "</td><td>");
			kf_page_badge(h, c.lang, kf_con_str(&c, p, "state"));
			kf_html_raw(h, "</td>");
			td_text(&c, kf_con_str(&c, p, "entity_name"));
			td_text(&c, kf_con_str(&c, p, "licence_no"));
			td_time(&c, p, "created_at");
			kf_html_raw(h, "</tr>");
		}
		kf_html_raw(h, "</tbody></table></div>");
	}
	pager(&c, kf_con_fmt(&c, "/console/ops/providers?q=%s", kf_con_qenc(&c, q ? q : "")), after,
	      json_object_get(page, "next_after"));
	kf_con_finish(&c);
}

/* --------------------------------------------------------- one provider */

/* GET /v1/staff/providers/{id} for the page; NULL after sending the 404
 * (or 403) page. */
static json_t *load_provider(struct kf_con *c, const char *id)
{
	json_t *p = digits(id) ? kf_con_get(c, "/v1/staff/providers/%s", id) : NULL;
	if (!p) {
		if (c->err.status == 403)
			kf_con_forbidden(c);
		else
			kf_con_not_found(c);
	}
	return p;
}

static const char *provider_next_step(struct kf_con *c, const char *st)
{
	static const struct {
		const char *state, *en, *zh;
	} steps[] = {
		{"draft", "The provider has not applied for qualification yet.", "服务商尚未提交资质申请。"},
		{"qualification_review", "Its qualification application waits for a reviewer.", "其资质申请正在等待审核。"},
		{"rejected", "Its qualification was rejected; the owner may apply again.", "其资质审核未通过，所有者可重新申请。"},
		{"certification", "Qualified; the owner still has to certify the entity.", "资质已通过，所有者尚需完成主体认证。"},
		{"certified", "Certified: it may create and submit apps.", "已认证：可以创建和提交应用。"},
		{"reverify_required", "Re-verification was asked: new submissions wait; live apps keep working.",
		 "已要求重新验证：新的提交须等待，已上线的应用照常运行。"},
		{"banned", "Banned: it cannot change anything or submit apps until the ban is lifted.",
		 "已封禁：在解除封禁前不能做任何修改或提交应用。"},
		{"cancelled", "Cancelled by its owner; its data is deleted after the retention period.",
		 "已由所有者注销；数据将在保留期后删除。"},
	};
	for (size_t i = 0; st && i < sizeof(steps) / sizeof(steps[0]); i++)
		if (!strcmp(st, steps[i].state))
			return CL(c, steps[i].en, steps[i].zh);
	return NULL;
}

static void provider_members(struct kf_con *c, json_t *members)
{
	struct kf_html *h = &c->h;
	kf_html_raw(h, "<section class=\"card\">");
	kf_con_h2(c, CL(c, "Members", "成员"));
	if (!json_array_size(members)) {
		kf_con_para(c, "muted", CL(c, "No members: the account was cancelled.", "没有成员：账号已注销。"));
	} else {
		kf_html_raw(h, "<div class=\"table\"><table><thead><tr>");
		th(c, "Name", "姓名");
		th(c, "Email", "邮箱");
		th(c, "Role", "角色");
		th(c, "Since", "加入时间");
		kf_html_raw(h, "</tr></thead><tbody>");
		json_t *m;
		size_t i;
		json_array_foreach(members, i, m) {
			kf_html_raw(h, "<tr>");
			td_text(c, kf_con_str(c, m, "name"));
			td_text(c, kf_con_str(c, m, "email"));
			td_text(c, kf_role_label(c->lang, kf_con_str(c, m, "role")));
			td_time(c, m, "created_at");
			kf_html_raw(h, "</tr>");
		}
		kf_html_raw(h, "</tbody></table></div>");
	}
	kf_html_raw(h, "</section>");
}

static void provider_apps(struct kf_con *c, json_t *apps)
{
	struct kf_html *h = &c->h;
	kf_html_raw(h, "<section class=\"card\">");
	kf_con_h2(c, CL(c, "Apps", "应用"));
	if (!json_array_size(apps)) {
		kf_con_para(c, "muted", CL(c, "The provider has no apps.", "该服务商没有应用。"));
	} else {
		kf_html_raw(h, "<div class=\"table\"><table><thead><tr>");
		th(c, "App", "应用");
		th(c, "App ID", "应用 ID");
		th(c, "State", "状态");
		kf_html_raw(h, "</tr></thead><tbody>");
		json_t *a;
		size_t i;
		json_array_foreach(apps, i, a) {
			const char *id = kf_con_str(c, a, "app_id"), *name = kf_con_str(c, a, "name");
			kf_html_raw(h, "<tr><td>");
			kf_con_link(c, NULL, kf_con_fmt(c, "/console/ops/apps/%s", id), name && *name ? name : id);
			kf_html_raw(h, "</td><td>");
			kf_page_id(h, c->lang, id);
			kf_html_raw(h, "</td><td>");
			kf_page_badge(h, c->lang, kf_con_str(c, a, "state"));
			kf_html_raw(h, "</td></tr>");
		}
		kf_html_raw(h, "</tbody></table></div>");
	}
	kf_html_raw(h, "</section>");
}

static void provider_reviews(struct kf_con *c, json_t *reviews)
{
	struct kf_html *h = &c->h;
	kf_html_raw(h, "<section class=\"card\">");
	kf_con_h2(c, CL(c, "Reviews", "审核"));
	if (!json_array_size(reviews)) {
		kf_con_para(c, "muted", CL(c, "Nothing of this provider was reviewed yet.", "该服务商还没有审核记录。"));
	} else {
		kf_html_raw(h, "<div class=\"table\"><table><thead><tr>");
		th(c, "Review", "审核");
		th(c, "State", "状态");
		th(c, "Submitted", "提交时间");
		th(c, "Due", "截止时间");
		kf_html_raw(h, "</tr></thead><tbody>");
		json_t *v;
		size_t i;
		json_array_foreach(reviews, i, v) {
			kf_html_raw(h, "<tr><td>");
			kf_con_link(c, NULL, kf_con_fmt(c, "/console/reviews/%s", kf_con_str(c, v, "id")),
				    kf_con_fmt(c, "%s #%s", kf_page_review_kind(c->lang, kf_con_str(c, v, "kind")),
					       kf_con_str(c, v, "id")));
			kf_html_raw(h, "</td><td>");
			kf_page_badge(h, c->lang, kf_con_str(c, v, "state"));
			kf_html_raw(h, "</td>");
			td_time(c, v, "submitted_at");
			td_time(c, v, "due_at");
			kf_html_raw(h, "</tr>");
		}
		kf_html_raw(h, "</tbody></table></div>");
	}
	kf_html_raw(h, "</section>");
}

static void provider_notices(struct kf_con *c, json_t *notices)
{
	struct kf_html *h = &c->h;
	kf_html_raw(h, "<section class=\"card\">");
	kf_con_h2(c, CL(c, "Notices sent", "已发送的通知"));
	if (!json_array_size(notices)) {
		kf_con_para(c, "muted", CL(c, "No notice was sent to this provider.", "尚未向该服务商发送通知。"));
	} else {
		kf_html_raw(h, "<div class=\"table\"><table><thead><tr>");
		th(c, "Notice", "通知");
		th(c, "Sent", "发送时间");
		th(c, "Recipients", "收件人数");
		kf_html_raw(h, "</tr></thead><tbody>");
		json_t *n;
		size_t i;
		json_array_foreach(notices, i, n) {
			kf_html_raw(h, "<tr><td><details><summary>");
			kf_html_text(h, kf_con_str(c, n, "title"));
			kf_html_raw(h, "</summary><p class=\"lines\">");
			kf_html_text(h, kf_con_str(c, n, "body"));
			kf_html_raw(h, "</p></details></td>");
			td_time(c, n, "created_at");
			td_text(c, kf_con_str(c, n, "recipients"));
			kf_html_raw(h, "</tr>");
		}
		kf_html_raw(h, "</tbody></table></div>");
	}
	kf_html_raw(h, "</section>");
}

static void provider_page(struct kf_req *r)
{
	struct kf_con c;
	if (!kf_con_start(r, &c, true))
		return;
	c.section = "ops";
	struct kf_html *h = &c.h;
	const char *id = kf_req_param(r, "id");
	json_t *p = load_provider(&c, id);
	if (!p)
		return;
	const char *st = kf_con_str(&c, p, "state");
	struct kf_page_link crumbs[] = {{"/console/ops", CL(&c, "Platform", "平台管理"), false},
					{"/console/ops/providers", CL(&c, "Providers", "服务商"), false}};
	kf_con_open(&c, kf_con_str(&c, p, "name"), crumbs, 2);
	kf_html_raw(h, "<p class=\"state\">");
	kf_page_badge(h, c.lang, st);
	kf_html_raw(h, " ");
	kf_html_text(h, provider_next_step(&c, st));
	kf_html_raw(h, "</p>");
	bool banned = st && !strcmp(st, "banned"), closed = st && (!strcmp(st, "cancelled") || !strcmp(st, "purged"));
	if (banned) {
		json_t *ban = json_object_get(p, "ban");
		const char *from = kf_con_str(&c, ban, "from");
		kf_html_raw(h, "<p>");
		kf_html_text(h, CL(&c, "Banned ", "封禁时间："));
		kf_con_time(&c, json_integer_value(json_object_get(ban, "at")));
		if (from) {
			kf_html_text(h, CL(&c, "; before the ban it was ", "；封禁前状态："));
			kf_html_text(h, kf_page_state_word(c.lang, from));
		}
		kf_html_raw(h, "</p>");
	}
	if (is_admin(&c) && !closed) {
		kf_html_raw(h, "<div class=\"actions\">");
		const char *base = kf_con_fmt(&c, "/console/ops/providers/%s", id);
		if (banned) {
			kf_con_link(&c, "button primary", kf_con_fmt(&c, "%s/unban", base), CL(&c, "Lift the ban", "解除封禁"));
		} else {
			if (st && !strcmp(st, "certified"))
				kf_con_link(&c, "button secondary", kf_con_fmt(&c, "%s/reverify", base),
					    CL(&c, "Request re-verification", "要求重新验证"));
			kf_con_link(&c, "button danger", kf_con_fmt(&c, "%s/ban", base), CL(&c, "Ban", "封禁"));
		}
		kf_html_raw(h, "</div>");
	}
	kf_html_raw(h, "<div class=\"grid\"><section class=\"card\">");
	kf_con_h2(&c, CL(&c, "Profile", "基本信息"));
	kf_html_raw(h, "<dl class=\"props\">");
	kf_page_dl_row(h, CL(&c, "Provider ID", "服务商 ID"), kf_con_str(&c, p, "id"));
	kf_page_dl_row(h, CL(&c, "Contact", "联系人"), kf_con_str(&c, p, "contact_name"));
	kf_page_dl_row(h, CL(&c, "Contact email", "联系邮箱"), kf_con_str(&c, p, "contact_email"));
	kf_page_dl_row(h, CL(&c, "Contact phone", "联系电话"), kf_con_str(&c, p, "contact_phone"));
	kf_page_dl_row(h, CL(&c, "Address", "地址"), kf_con_str(&c, p, "address"));
	kf_html_raw(h, "<dt>");
	kf_html_text(h, CL(&c, "Registered", "注册时间"));
	kf_html_raw(h, "</dt><dd>");
	kf_con_time(&c, json_integer_value(json_object_get(p, "created_at")));
	kf_html_raw(h, "</dd></dl></section><section class=\"card\">");
	kf_con_h2(&c, CL(&c, "Entity and verification", "主体与认证"));
	json_t *ent = json_object_get(p, "entity"), *app = json_object_get(p, "application");
	kf_html_raw(h, "<dl class=\"props\">");
	if (json_is_object(ent)) {
		kf_page_dl_row(h, CL(&c, "Legal name", "主体名称"), kf_con_str(&c, ent, "legal_name"));
		kf_page_dl_row(h, CL(&c, "Licence number", "营业执照号"), kf_con_str(&c, ent, "licence_no"));
		kf_page_dl_row(h, CL(&c, "Entity kind", "主体类型"),
			       !strcmp(kf_con_str(&c, ent, "kind") ? kf_con_str(&c, ent, "kind") : "", "individual")
				       ? CL(&c, "Individual", "个人")
				       : CL(&c, "Company", "企业"));
		kf_page_dl_row(h, CL(&c, "Qualification", "资质"),
			       json_is_true(json_object_get(ent, "verified")) ? CL(&c, "Verified", "已通过")
									  : CL(&c, "Not verified", "未通过"));
		kf_page_dl_row(h, CL(&c, "Entity certification", "主体认证"),
			       json_is_true(json_object_get(ent, "certified")) ? CL(&c, "Certified", "已认证")
									   : CL(&c, "Not certified", "未认证"));
	} else if (json_is_object(app)) {
		kf_page_dl_row(h, CL(&c, "Legal name (applied)", "申请的主体名称"), kf_con_str(&c, app, "legal_name"));
		kf_page_dl_row(h, CL(&c, "Licence number (applied)", "申请的营业执照号"), kf_con_str(&c, app, "licence_no"));
	}
	if (json_is_object(app)) {
		kf_html_raw(h, "<dt>");
		kf_html_text(h, CL(&c, "Latest application", "最近一次资质申请"));
		kf_html_raw(h, "</dt><dd>");
		kf_page_badge(h, c.lang, kf_con_str(&c, app, "state"));
		kf_html_raw(h, "</dd>");
	}
	kf_html_raw(h, "</dl>");
	if (!json_is_object(ent) && !json_is_object(app))
		kf_con_para(&c, "muted", CL(&c, "No qualification application yet.", "尚无资质申请。"));
	kf_html_raw(h, "</section></div>");
	provider_members(&c, json_object_get(p, "members"));
	provider_apps(&c, json_object_get(p, "apps"));
	provider_reviews(&c, json_object_get(p, "reviews"));
	provider_notices(&c, json_object_get(p, "notices"));
	kf_con_finish(&c);
}

/* ------------------------------------------------------ reasoned actions */

/* A confirmation page whose form carries a written reason (and, when
 * check_name is set, one checkbox): the consequence in one sentence, the
 * reason field (its error under it), confirm=1, the button and a way back. */
static void reason_confirm(struct kf_con *c, const char *title, const char *consequence, const char *button,
			   const char *back, const char *reason_hint, bool reason_required, const char *check_name,
			   const char *check_label)
{
	kf_con_open(c, title, NULL, 0);
	kf_page_notice(&c->h, "warn", consequence);
	kf_con_form(c, NULL, false);
	struct kf_page_field f = {.name = "reason", .label = CL(c, "Reason", "原因"), .type = "textarea",
				  .value = kf_con_val(c, "reason"), .hint = reason_hint, .required = reason_required};
	kf_con_field(c, &f);
	if (check_name) {
		struct kf_page_field cf = {.name = check_name, .label = check_label, .type = "checkbox", .value = "1",
					   .checked = kf_con_val(c, check_name) != NULL};
		kf_con_field(c, &cf);
	}
	kf_page_hidden(&c->h, "confirm", "1");
	kf_html_raw(&c->h, "<div class=\"actions\">");
	kf_page_button(&c->h, "danger", button, NULL, NULL);
	kf_html_raw(&c->h, "<a");
	kf_html_url_attr(&c->h, "href", back);
	kf_html_raw(&c->h, ">");
	kf_html_text(&c->h, CL(c, "Cancel", "取消"));
	kf_html_raw(&c->h, "</a></div>");
	kf_page_form_close(&c->h);
	kf_con_finish(c);
}

/* The posted reason as the API's body (NULL when none was typed and
 * required: the page then shows the field's error itself). */
static json_t *reason_body(struct kf_con *c, bool required)
{
	const char *reason = kf_con_val(c, "reason");
	if (reason && reason[strspn(reason, " \t\r\n")])
		return json_pack("{s:s}", "reason", reason);
	if (!required)
		return json_object();
	c->has_err = true;
	c->err = (struct kf_con_err){.status = 400, .code = "missing_field", .field = "reason",
				     .message = CL(c, "Write the reason: the provider reads it.",
						   "请填写原因：服务商会看到它。")};
	return NULL;
}

enum provider_action { BAN, UNBAN, REVERIFY };

static void provider_action(struct kf_req *r, enum provider_action what)
{
	struct kf_con c;
	if (!kf_con_start(r, &c, true))
		return;
	c.section = "ops";
	const char *id = kf_req_param(r, "id");
	json_t *p = load_provider(&c, id);
	if (!p)
		return;
	const char *name = kf_con_str(&c, p, "name");
	const char *back = kf_con_fmt(&c, "/console/ops/providers/%s", id);
	static const char *const paths[] = {"ban", "unban", "reverification"};
	static const char *const oks[] = {"banned", "unbanned", "reverify"};
	if (c.post && kf_con_val(&c, "confirm")) {
		json_t *body = reason_body(&c, true);
		if (body) {
			if (what == BAN && kf_con_val(&c, "suspend_apps"))
				json_object_set_new(body, "suspend_apps", json_true());
			kf_arena_defer(r->arena, (void (*)(void *))json_decref, body);
			if (kf_con_send(&c, "POST", body, "/v1/providers/%s/%s", id, paths[what])) {
				kf_con_redirect(&c, kf_con_fmt(&c, "%s?ok=%s", back, oks[what]));
				return;
			}
			if (c.err.status == 403) {
				kf_con_forbidden(&c);
				return;
			}
		}
		c.status = c.err.status;
	}
	switch (what) {
	case BAN:
		reason_confirm(&c, kf_con_fmt(&c, CL(&c, "Ban %s?", "封禁 %s？"), name),
			       kf_con_fmt(&c,
					  CL(&c, "%s can no longer change anything or submit apps, and its members are told "
						 "why at once; tick the box to also stop its apps now.",
					     "%s 将不能再做任何修改或提交应用，其成员会立即收到封禁原因；勾选下方选项可同时立即暂停其全部应用。"),
					  name),
			       CL(&c, "Ban the provider", "封禁服务商"), back,
			       CL(&c, "The provider's members read this in their inbox and email (GOV-6).",
				  "服务商成员会在站内信和邮件中看到这段原因（GOV-6）。"),
			       true, "suspend_apps",
			       CL(&c, "Also suspend its apps: their tokens stop working at once (AUTH-5)",
				  "同时暂停其全部应用：应用令牌立即失效（AUTH-5）"));
		break;
	case UNBAN:
		reason_confirm(&c, kf_con_fmt(&c, CL(&c, "Lift the ban on %s?", "解除对 %s 的封禁？"), name),
			       kf_con_fmt(&c,
					  CL(&c, "%s goes back to the state the ban found it in, the apps suspended with the "
						 "ban work again, and its members are told why.",
					     "%s 将恢复到封禁前的状态，随封禁一起暂停的应用恢复运行，其成员会收到解除原因。"),
					  name),
			       CL(&c, "Lift the ban", "解除封禁"), back,
			       CL(&c, "The provider's members read this in their inbox and email (GOV-6).",
				  "服务商成员会在站内信和邮件中看到这段原因（GOV-6）。"),
			       true, NULL, NULL);
		break;
	case REVERIFY:
		reason_confirm(&c, kf_con_fmt(&c, CL(&c, "Ask %s to verify again?", "要求 %s 重新验证？"), name),
			       kf_con_fmt(&c,
					  CL(&c, "%s must certify its entity again: until then its new submissions wait, while "
						 "its live apps keep working.",
					     "%s 须重新完成主体认证：在此之前其新的提交须等待，已上线的应用照常运行。"),
					  name),
			       CL(&c, "Request re-verification", "要求重新验证"), back,
			       CL(&c, "The provider's members read this in their inbox and email (ONB-7).",
				  "服务商成员会在站内信和邮件中看到这段原因（ONB-7）。"),
			       true, NULL, NULL);
		break;
	}
}

static void provider_ban(struct kf_req *r)
{
	provider_action(r, BAN);
}

static void provider_unban(struct kf_req *r)
{
	provider_action(r, UNBAN);
}

static void provider_reverify(struct kf_req *r)
{
	provider_action(r, REVERIFY);
}

/* ------------------------------------------------------------- apps list */

static const char *const app_states[] = {"draft",    "creation_review", "developing", "release_review",
					 "released", "suspended",       "delisted",   "withdrawn"};
#define N_APP_STATES (sizeof(app_states) / sizeof(app_states[0]))

static void apps_list(struct kf_req *r)
{
	struct kf_con c;
	if (!kf_con_start(r, &c, true))
		return;
	c.section = "ops";
	struct kf_html *h = &c.h;
	const char *q = kf_con_q(&c, "q"), *after = kf_con_q(&c, "after"), *state = kf_con_q(&c, "state");
	q = q && *q && strlen(q) <= 200 ? q : NULL;
	after = digits(after) ? after : NULL;
	bool known = false;
	for (size_t i = 0; state && i < N_APP_STATES; i++)
		known = known || !strcmp(state, app_states[i]);
	state = known ? state : NULL;
	struct kf_form f = {0};
	if (q)
		kf_form_set(&f, "q", q);
	if (state)
		kf_form_set(&f, "state", state);
	if (after)
		kf_form_set(&f, "after", after);
	kf_form_set(&f, "limit", "20");
	json_t *page = kf_con_getq(&c, &f, "/v1/staff/apps");
	struct kf_page_link crumbs[] = {{"/console/ops", CL(&c, "Platform", "平台管理"), false}};
	kf_con_open(&c, CL(&c, "Apps", "应用"), crumbs, 1);
	kf_html_raw(h, "<form class=\"filters\" method=\"get\" action=\"/console/ops/apps\" role=\"search\">");
	struct kf_page_field qf = {.name = "q", .label = CL(&c, "Find an app", "查找应用"), .type = "text",
				   .value = q ? q : "",
				   .hint = CL(&c, "Name, app_id or provider name.", "应用名称、应用 ID 或服务商名称。")};
	kf_page_field(h, c.lang, &qf);
	struct kf_page_option so[N_APP_STATES + 1];
	so[0] = (struct kf_page_option){"", CL(&c, "All states", "全部状态")};
	for (size_t i = 0; i < N_APP_STATES; i++)
		so[i + 1] = (struct kf_page_option){app_states[i], kf_page_state_word(c.lang, app_states[i])};
	struct kf_page_field sf = {.name = "state", .label = CL(&c, "State", "状态"), .type = "select",
				   .value = state ? state : "", .options = so, .n_options = N_APP_STATES + 1};
	kf_page_field(h, c.lang, &sf);
	kf_html_raw(h, "<div class=\"field\">");
	kf_page_button(h, "secondary", CL(&c, "Search", "搜索"), NULL, NULL);
	kf_html_raw(h, "</div></form>");
	json_t *items = json_object_get(page, "items");
	if (!page) {
	} else if (!json_array_size(items)) {
		if (q || state || after)
			kf_page_empty(h,
				      CL(&c, "No app matches on this page. Try part of the name, the whole app_id, or the "
					     "next page.",
					 "本页没有匹配的应用。可以试试名称的一部分、完整的应用 ID，或查看下一页。"),
				      "/console/ops/apps", CL(&c, "Show all apps", "显示全部应用"));
		else
			kf_page_empty(h, CL(&c, "No app has been registered yet.", "还没有注册任何应用。"), NULL, NULL);
	} else {
		kf_html_raw(h, "<div class=\"table\"><table><thead><tr>");
		th(&c, "App", "应用");
		th(&c, "App ID", "应用 ID");
		th(&c, "State", "状态");
		th(&c, "Provider", "服务商");
		th(&c, "Last change", "最近更新");
		kf_html_raw(h, "</tr></thead><tbody>");
		json_t *a;
		size_t i;
		json_array_foreach(items, i, a) {
			const char *id = kf_con_str(&c, a, "app_id"), *name = kf_con_str(&c, a, "name");
			kf_html_raw(h, "<tr><td>");
			kf_con_link(&c, NULL, kf_con_fmt(&c, "/console/ops/apps/%s", id), name && *name ? name : id);
			kf_html_raw(h, "</td><td>");
			kf_page_id(h, c.lang, id);
			kf_html_raw(h, "</td><td>");
			kf_page_badge(h, c.lang, kf_con_str(&c, a, "state"));
			kf_html_raw(h, "</td><td>");
			kf_con_link(&c, NULL, kf_con_fmt(&c, "/console/ops/providers/%s", kf_con_str(&c, a, "provider_id")),
				    kf_con_str(&c, a, "provider_name"));
			kf_html_raw(h, "</td>");
			td_time(&c, a, "updated_at");
			kf_html_raw(h, "</tr>");
		}
		kf_html_raw(h, "</tbody></table></div>");
	}
	pager(&c, kf_con_fmt(&c, "/console/ops/apps?q=%s&state=%s", kf_con_qenc(&c, q ? q : ""), state ? state : ""), after,
	      json_object_get(page, "next_after"));
	kf_con_finish(&c);
}

/* --------------------------------------------------------------- one app */

static json_t *load_app(struct kf_con *c, const char *id)
{
	json_t *a = id && strlen(id) < 24 && strspn(id, "kf0123456789abcdef") == strlen(id)
			    ? kf_con_get(c, "/v1/staff/apps/%s", id)
			    : NULL;
	if (!a) {
		if (c->err.status == 403)
			kf_con_forbidden(c);
		else
			kf_con_not_found(c);
	}
	return a;
}

static const char *history_action(struct kf_con *c, const char *action)
{
	static const struct {
		const char *action, *en, *zh;
	} words[] = {
		{"app.create", "Created", "创建"},
		{"app.update", "Configuration edited", "修改配置"},
		{"app.activate", "Draft put live", "草稿生效"},
		{"app.submit_creation", "Submitted for creation review", "提交创建审核"},
		{"app.creation_submitted", "Creation review opened", "创建审核开始"},
		{"app.creation_approved", "Creation approved", "创建审核通过"},
		{"app.creation_rejected", "Creation rejected", "创建审核驳回"},
		{"app.submit_release", "Submitted for release", "提交发布审核"},
		{"app.release_submitted", "Release review opened", "发布审核开始"},
		{"app.release_queued", "Release queued", "发布排队"},
		{"app.release_approved", "Released", "发布审核通过"},
		{"app.release_rejected", "Release rejected", "发布审核驳回"},
		{"app.withdraw_release", "Release withdrawn", "撤回发布"},
		{"app.submit_change", "Change submitted", "提交变更"},
		{"app.change_submitted", "Change review opened", "变更审核开始"},
		{"app.change_queued", "Change queued", "变更排队"},
		{"app.change_approved", "Change approved", "变更审核通过"},
		{"app.change_rejected", "Change rejected", "变更审核驳回"},
		{"app.withdraw_change", "Change withdrawn", "撤回变更"},
		{"app.suspend", "Suspended", "暂停"},
		{"app.suspended", "Suspended", "暂停"},
		{"app.unsuspend", "Suspension lifted", "解除暂停"},
		{"app.unsuspended", "Suspension lifted", "解除暂停"},
		{"app.secret_rotate", "Secret rotated", "重置密钥"},
		{"app.delete", "Deleted", "删除"},
		{"review.approve", "Review approved", "审核通过"},
		{"review.reject", "Review rejected", "审核驳回"},
		{"review.assign", "Review assigned", "审核已分配"},
	};
	for (size_t i = 0; action && i < sizeof(words) / sizeof(words[0]); i++)
		if (!strcmp(action, words[i].action))
			return CL(c, words[i].en, words[i].zh);
	return action;
}

/* The configuration as a table of the console's own field names; the
 * push secrets are only said to be set. */
static void app_config(struct kf_con *c, json_t *cfg)
{
	struct kf_html *h = &c->h;
	if (!json_is_object(cfg)) {
		kf_con_para(c, "muted", CL(c, "No configuration yet.", "尚无配置。"));
		return;
	}
	kf_html_raw(h, "<dl class=\"props\">");
	const struct kf_appform_field *groups[] = {kf_appform_info, kf_appform_dev};
	size_t ns[] = {kf_appform_n_info, kf_appform_n_dev};
	for (size_t g = 0; g < 2; g++)
		for (size_t i = 0; i < ns[g]; i++) {
			const struct kf_appform_field *f = &groups[g][i];
			json_t *v = kf_appform_member(cfg, f->name);
			const char *shown;
			if (kf_appform_empty(v))
				shown = "—";
			else if (!strcmp(f->name, "dev.message_token") || !strcmp(f->name, "dev.aes_key"))
				shown = CL(c, "Set (not shown)", "已设置（不显示）");
			else if (json_is_boolean(v))
				shown = json_is_true(v) ? CL(c, "Yes", "是") : CL(c, "No", "否");
			else if (f->kind == KF_APPFORM_AUDIENCE)
				shown = !strcmp(json_string_value(v) ? json_string_value(v) : "", "public")
						? CL(c, "Every host account", "所有授权账号")
						: CL(c, "Own host accounts only (self-use)", "仅自己的授权账号（自用）");
			else
				shown = kf_appform_value(c, v);
			kf_html_raw(h, "<dt>");
			kf_html_text(h, CL(c, f->en, f->zh));
			kf_html_raw(h, "</dt><dd class=\"lines\">");
			kf_html_text(h, shown);
			kf_html_raw(h, "</dd>");
		}
	/* the sets by their names in the page's language, as providers and owners read them */
	json_t *sets = json_object_get(cfg, "permission_sets"), *cat = kf_appform_quiet_get(c, "/v1/permission-sets");
	kf_html_raw(h, "<dt>");
	kf_html_text(h, CL(c, "Permission sets", "权限集"));
	kf_html_raw(h, "</dt><dd class=\"lines\">");
	if (!json_array_size(sets))
		kf_html_text(h, "—");
	json_t *id, *s;
	size_t i, k;
	json_array_foreach(sets, i, id) {
		const char *name = NULL;
		json_array_foreach(json_object_get(cat, "items"), k, s)
			if (json_equal(json_object_get(s, "id"), id))
				name = kf_con_str(c, s, c->lang == KF_LANG_ZH ? "name" : "name_en");
		const char *num = kf_con_fmt(c, "#%lld", (long long)json_integer_value(id));
		kf_html_text(h, kf_con_fmt(c, "%s%s%s%s", i ? "\n" : "", name ? name : num, name ? " " : "", name ? num : ""));
	}
	kf_html_raw(h, "</dd></dl>");
}

static void app_health(struct kf_con *c, json_t *d, json_t *authz)
{
	struct kf_html *h = &c->h;
	json_t *by = json_object_get(d, "by_state");
	kf_html_raw(h, "<section class=\"card\">");
	kf_con_h2(c, CL(c, "Authorizations and deliveries", "授权与推送"));
	kf_html_raw(h, "<dl class=\"props\">");
	kf_page_dl_row(h, CL(c, "Active authorizations", "有效授权数"), kf_con_str(c, authz, "active"));
	kf_page_dl_row(h, CL(c, "Revoked authorizations", "已撤销授权数"), kf_con_str(c, authz, "revoked"));
	static const struct {
		const char *state, *en, *zh;
	} rows[] = {
		{"delivered", "Delivered (last 24 hours)", "已送达（近 24 小时）"},
		{"pending", "Waiting (last 24 hours)", "待推送（近 24 小时）"},
		{"dead", "Given up (last 24 hours)", "已放弃（近 24 小时）"},
		{"superseded", "Superseded (last 24 hours)", "已被替代（近 24 小时）"},
	};
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		json_t *n = json_object_get(by, rows[i].state);
		kf_page_dl_row(h, CL(c, rows[i].en, rows[i].zh),
			       kf_con_fmt(c, "%lld", (long long)(n ? json_integer_value(n) : 0)));
	}
	kf_html_raw(h, "<dt>");
	kf_html_text(h, CL(c, "Oldest waiting event", "最早的待推送事件"));
	kf_html_raw(h, "</dt><dd>");
	if (json_is_integer(json_object_get(d, "oldest_pending_at")))
		kf_con_time(c, json_integer_value(json_object_get(d, "oldest_pending_at")));
	else
		kf_html_text(h, CL(c, "None", "无"));
	kf_html_raw(h, "</dd>");
	kf_page_dl_row(h, CL(c, "Dead events (all time)", "死信事件（累计）"), kf_con_str(c, d, "dead"));
	kf_html_raw(h, "</dl></section>");
}

static void app_page(struct kf_req *r)
{
	struct kf_con c;
	if (!kf_con_start(r, &c, true))
		return;
	c.section = "ops";
	struct kf_html *h = &c.h;
	const char *id = kf_req_param(r, "id");
	json_t *a = load_app(&c, id);
	if (!a)
		return;
	const char *st = kf_con_str(&c, a, "state"), *name = kf_con_str(&c, a, "name");
	struct kf_page_link crumbs[] = {{"/console/ops", CL(&c, "Platform", "平台管理"), false},
					{"/console/ops/apps", CL(&c, "Apps", "应用"), false}};
	kf_con_open(&c, name && *name ? name : id, crumbs, 2);
	kf_html_raw(h, "<p class=\"state\">");
	kf_page_badge(h, c.lang, st);
	kf_html_raw(h, " ");
	kf_page_id(h, c.lang, id);
	kf_html_raw(h, "</p>");
	json_t *sp = json_object_get(a, "suspension");
	bool suspended = st && !strcmp(st, "suspended");
	if (suspended && json_is_object(sp)) {
		kf_page_notice_rule(h, "warn",
				    kf_con_fmt(&c,
					       CL(&c, "Suspended: it cannot obtain tokens, be authorized or receive pushes. "
						      "Reason: %s",
						  "已暂停：不能获取令牌、不能被授权、不接收推送。原因：%s"),
					       kf_con_str(&c, sp, "reason")),
				    kf_con_str(&c, sp, "rule"));
	}
	kf_html_raw(h, "<p class=\"actions\">");
	kf_con_link(&c, NULL, kf_con_fmt(&c, "/console/ops/governance?app_id=%s", kf_con_qenc(&c, id)),
		    CL(&c, "Measures in force", "生效中的措施"));
	const char *role = kf_con_staff_role(&c);
	if (role && strcmp(role, "auditor")) {
		kf_html_raw(h, " · ");
		kf_con_link(&c, NULL, kf_con_fmt(&c, "/console/ops/apps/%s/violations/new", id),
			    CL(&c, "Record a violation", "记录违规"));
		kf_html_raw(h, " · ");
		kf_con_link(&c, NULL, kf_con_fmt(&c, "/console/ops/measures/new?app_id=%s", kf_con_qenc(&c, id)),
			    CL(&c, "New measure", "新建措施"));
	}
	kf_html_raw(h, "</p>");
	if (is_admin(&c)) {
		kf_html_raw(h, "<div class=\"actions\">");
		if (suspended)
			kf_con_link(&c, "button primary", kf_con_fmt(&c, "/console/ops/apps/%s/unsuspend", id),
				    CL(&c, "Lift the suspension", "解除暂停"));
		else if (st && (!strcmp(st, "developing") || !strcmp(st, "release_review") || !strcmp(st, "released") ||
				!strcmp(st, "withdrawn")))
			kf_con_link(&c, "button danger", kf_con_fmt(&c, "/console/ops/apps/%s/suspend", id),
				    CL(&c, "Suspend", "暂停"));
		kf_html_raw(h, "</div>");
	}
	kf_html_raw(h, "<div class=\"grid\"><section class=\"card\">");
	kf_con_h2(&c, CL(&c, "Overview", "概况"));
	kf_html_raw(h, "<dl class=\"props\"><dt>");
	kf_html_text(h, CL(&c, "Provider", "服务商"));
	kf_html_raw(h, "</dt><dd>");
	kf_con_link(&c, NULL, kf_con_fmt(&c, "/console/ops/providers/%s", kf_con_str(&c, a, "provider_id")),
		    kf_con_str(&c, a, "provider_name"));
	kf_html_raw(h, "</dd><dt>");
	kf_html_text(h, CL(&c, "Who may authorize it", "可授权范围"));
	kf_html_raw(h, "</dt><dd>");
	const char *aud = kf_con_str(&c, a, "audience");
	kf_html_text(h, aud && !strcmp(aud, "public") ? CL(&c, "Every host account", "所有授权账号")
						      : CL(&c, "Own host accounts only (self-use)", "仅自己的授权账号（自用）"));
	kf_html_raw(h, "</dd></dl></section>");
	app_health(&c, json_object_get(a, "deliveries"), json_object_get(a, "authorizations"));
	kf_html_raw(h, "</div><section class=\"card\">");
	kf_con_h2(&c, CL(&c, "Configuration in use", "生效中的配置"));
	app_config(&c, json_object_get(a, "live_config"));
	if (json_is_object(json_object_get(a, "draft_config"))) {
		kf_html_raw(h, "<details><summary>");
		kf_html_text(h, CL(&c, "Draft configuration (not live yet)", "草稿配置（尚未生效）"));
		kf_html_raw(h, "</summary>");
		app_config(&c, json_object_get(a, "draft_config"));
		kf_html_raw(h, "</details>");
	}
	kf_html_raw(h, "</section><section class=\"card\">");
	kf_con_h2(&c, CL(&c, "State history", "状态历史"));
	json_t *hist = json_object_get(a, "history");
	if (!json_array_size(hist)) {
		kf_con_para(&c, "muted", CL(&c, "Nothing recorded yet.", "尚无记录。"));
	} else {
		kf_html_raw(h, "<div class=\"table\"><table><thead><tr>");
		th(&c, "When", "时间");
		th(&c, "What", "事件");
		th(&c, "By", "操作人");
		kf_html_raw(h, "</tr></thead><tbody>");
		json_t *e;
		size_t i;
		json_array_foreach(hist, i, e) {
			kf_html_raw(h, "<tr>");
			td_time(&c, e, "at");
			const char *what = history_action(&c, kf_con_str(&c, e, "action"));
			const char *kind = kf_con_str(&c, e, "review_kind");
			td_text(&c, kind ? kf_con_fmt(&c, "%s (%s)", what, kf_page_review_kind(c.lang, kind)) : what);
			const char *who = kf_con_str(&c, e, "actor_email");
			td_text(&c, who ? who : kf_con_str(&c, e, "actor"));
			kf_html_raw(h, "</tr>");
		}
		kf_html_raw(h, "</tbody></table></div>");
	}
	kf_html_raw(h, "</section>");
	kf_con_finish(&c);
}

static void app_action(struct kf_req *r, bool suspend)
{
	struct kf_con c;
	if (!kf_con_start(r, &c, true))
		return;
	c.section = "ops";
	const char *id = kf_req_param(r, "id");
	json_t *a = load_app(&c, id);
	if (!a)
		return;
	const char *name = kf_con_str(&c, a, "name");
	name = name && *name ? name : id;
	const char *back = kf_con_fmt(&c, "/console/ops/apps/%s", id);
	if (c.post && kf_con_val(&c, "confirm")) {
		json_t *body = reason_body(&c, true);
		if (body) {
			if (suspend)
				json_object_set_new(body, "rule", json_string(kf_con_val(&c, "rule") ? kf_con_val(&c, "rule") : ""));
			kf_arena_defer(r->arena, (void (*)(void *))json_decref, body);
			if (kf_con_send(&c, "POST", body, "/v1/apps/%s/%s", id, suspend ? "suspend" : "unsuspend")) {
				kf_con_redirect(&c, kf_con_fmt(&c, "%s?ok=%s", back, suspend ? "suspended" : "unsuspended"));
				return;
			}
			if (c.err.status == 403) {
				kf_con_forbidden(&c);
				return;
			}
		}
		c.status = c.err.status;
	}
	if (!suspend) {
		reason_confirm(&c, kf_con_fmt(&c, CL(&c, "Lift the suspension of %s?", "解除对 %s 的暂停？"), name),
			       kf_con_fmt(&c,
					  CL(&c, "%s works again in the state it was stopped in: held events are delivered, "
						 "its authorizations get fresh codes, and its provider is told why.",
					     "%s 将恢复到暂停前的状态：积压的事件会推送，授权会获得新的授权码，服务商会收到原因。"),
					  name),
			       CL(&c, "Lift the suspension", "解除暂停"), back,
			       CL(&c, "The provider reads this in its inbox and email (GOV-6).",
				  "服务商会在站内信和邮件中看到这段原因（GOV-6）。"),
			       true, NULL, NULL);
		return;
	}
	/* suspend: the reason and the rule it is suspended under */
	kf_con_open(&c, kf_con_fmt(&c, CL(&c, "Suspend %s?", "暂停 %s？"), name), NULL, 0);
	kf_page_notice(&c.h, "warn",
		       kf_con_fmt(&c,
				  CL(&c, "%s stops at once: its tokens and unused codes are revoked, nobody can authorize "
					 "it and its events are held until the suspension is lifted.",
				     "%s 将立即停止：其令牌和未使用的授权码全部作废，不能再被授权，事件将暂存到解除暂停为止。"),
				  name));
	kf_con_form(&c, NULL, false);
	struct kf_page_field rf = {.name = "reason", .label = CL(&c, "Reason", "原因"), .type = "textarea",
				   .value = kf_con_val(&c, "reason"), .required = true,
				   .hint = CL(&c, "The provider reads this in its inbox and email (GOV-6).",
					      "服务商会在站内信和邮件中看到这段原因（GOV-6）。")};
	kf_con_field(&c, &rf);
	struct kf_page_field ru = {.name = "rule", .label = CL(&c, "Rule", "依据的规则"), .type = "text",
				   .value = kf_con_keep(&c, "rule", "AUTH-5"), .required = true,
				   .hint = CL(&c, "The rule id the measure rests on, such as AUTH-5, GOV-3 or GOV-7.",
					      "本措施依据的规则编号，例如 AUTH-5、GOV-3 或 GOV-7。")};
	kf_con_field(&c, &ru);
	kf_page_hidden(&c.h, "confirm", "1");
	kf_html_raw(&c.h, "<div class=\"actions\">");
	kf_page_button(&c.h, "danger", CL(&c, "Suspend the app", "暂停应用"), NULL, NULL);
	kf_html_raw(&c.h, "<a");
	kf_html_url_attr(&c.h, "href", back);
	kf_html_raw(&c.h, ">");
	kf_html_text(&c.h, CL(&c, "Cancel", "取消"));
	kf_html_raw(&c.h, "</a></div>");
	kf_page_form_close(&c.h);
	kf_con_finish(&c);
}

static void app_suspend(struct kf_req *r)
{
	app_action(r, true);
}

static void app_unsuspend(struct kf_req *r)
{
	app_action(r, false);
}

#define POST_PAGE (KF_RF_PAGE | KF_RF_FORM_CSRF | KF_RF_OWN_TX)

const struct kf_route kf_console_ops_directory_routes[] = {
	{"GET", "/console/ops/providers", providers_list, KF_AUTH_OPERATOR, KF_RF_PAGE,
	 "Find a provider (staff; HTML)"},
	{"GET", "/console/ops/providers/{id}", provider_page, KF_AUTH_OPERATOR, KF_RF_PAGE,
	 "One provider for the staff (HTML)"},
	{"GET", "/console/ops/providers/{id}/ban", provider_ban, KF_AUTH_ADMIN, KF_RF_PAGE,
	 "Ban a provider: reason and confirmation (HTML)"},
	{"POST", "/console/ops/providers/{id}/ban", provider_ban, KF_AUTH_ADMIN, POST_PAGE, "Ban a provider (HTML form)"},
	{"GET", "/console/ops/providers/{id}/unban", provider_unban, KF_AUTH_ADMIN, KF_RF_PAGE,
	 "Lift a provider's ban: reason and confirmation (HTML)"},
	{"POST", "/console/ops/providers/{id}/unban", provider_unban, KF_AUTH_ADMIN, POST_PAGE,
	 "Lift a provider's ban (HTML form)"},
	{"GET", "/console/ops/providers/{id}/reverify", provider_reverify, KF_AUTH_ADMIN, KF_RF_PAGE,
	 "Ask a provider to verify again: reason and confirmation (HTML)"},
	{"POST", "/console/ops/providers/{id}/reverify", provider_reverify, KF_AUTH_ADMIN, POST_PAGE,
	 "Ask a provider to verify again (HTML form)"},
	{"GET", "/console/ops/apps", apps_list, KF_AUTH_OPERATOR, KF_RF_PAGE, "Find an app (staff; HTML)"},
	{"GET", "/console/ops/apps/{id}", app_page, KF_AUTH_OPERATOR, KF_RF_PAGE, "One app for the staff (HTML)"},
	{"GET", "/console/ops/apps/{id}/suspend", app_suspend, KF_AUTH_ADMIN, KF_RF_PAGE,
	 "Suspend an app: reason and confirmation (HTML)"},
	{"POST", "/console/ops/apps/{id}/suspend", app_suspend, KF_AUTH_ADMIN, POST_PAGE, "Suspend an app (HTML form)"},
	{"GET", "/console/ops/apps/{id}/unsuspend", app_unsuspend, KF_AUTH_ADMIN, KF_RF_PAGE,
	 "Lift an app's suspension: reason and confirmation (HTML)"},
	{"POST", "/console/ops/apps/{id}/unsuspend", app_unsuspend, KF_AUTH_ADMIN, POST_PAGE,
	 "Lift an app's suspension (HTML form)"},
};
const size_t kf_console_ops_directory_nroutes =
	sizeof(kf_console_ops_directory_routes) / sizeof(kf_console_ops_directory_routes[0]);
