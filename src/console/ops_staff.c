/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The operator's staff, for admins: the list with a form for a new
 * operator, and one operator's page where an admin changes the role or
 * disables and enables the account (behind a confirmation). Every change
 * goes through /v1/operators, which keeps the last active admin and
 * writes the audit log.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "console/console.h"

#define OPERATORS "/console/ops/operators"

static const char *role_hint(struct kf_con *c, const char *role)
{
	if (!strcmp(role, "admin"))
		return CL(c, "Everything, including staff and the platform's rules.", "全部权限，包括人员和平台规则。");
	if (!strcmp(role, "reviewer"))
		return CL(c, "Reviews and decides; reads the platform pages.", "审核并作出决定；可查看平台页面。");
	if (!strcmp(role, "auditor"))
		return CL(c, "Reads everything, changes nothing.", "可查看全部内容，不能做任何修改。");
	return CL(c, "Runs the platform's daily work (older role).", "负责平台日常运营（旧角色）。");
}

/* The role choices of the forms; ops only when the person has it already. */
static size_t role_options(struct kf_con *c, struct kf_page_option *o, const char *current)
{
	size_t n = 0;
	o[n++] = (struct kf_page_option){"reviewer", kf_role_label(c->lang, "reviewer")};
	o[n++] = (struct kf_page_option){"auditor", kf_role_label(c->lang, "auditor")};
	o[n++] = (struct kf_page_option){"admin", kf_role_label(c->lang, "admin")};
	if (current && !strcmp(current, "ops"))
		o[n++] = (struct kf_page_option){"ops", kf_role_label(c->lang, "ops")};
	return n;
}

static void list_page(struct kf_con *c)
{
	struct kf_html *h = &c->h;
	c->section = "ops";
	struct kf_page_link crumbs[] = {{"/console/ops", CL(c, "Platform", "平台管理"), false}};
	json_t *list = kf_con_get(c, "/v1/operators");
	kf_con_open(c, CL(c, "Operators", "运营人员"), crumbs, 1);
	kf_con_para(c, "muted",
		    CL(c, "The platform's staff. Admins manage staff and rules, reviewers decide reviews, auditors only read.",
		       "平台的员工账号。管理员管理人员和规则，审核员处理审核，审计员只读。"));
	json_t *items = list ? json_object_get(list, "items") : NULL;
	kf_html_raw(h, "<div class=\"table\"><table><thead><tr><th>");
	kf_html_text(h, CL(c, "Name", "姓名"));
	kf_html_raw(h, "</th><th>");
	kf_html_text(h, CL(c, "Email", "邮箱"));
	kf_html_raw(h, "</th><th>");
	kf_html_text(h, CL(c, "Role", "角色"));
	kf_html_raw(h, "</th><th>");
	kf_html_text(h, CL(c, "State", "状态"));
	kf_html_raw(h, "</th><th>");
	kf_html_text(h, CL(c, "Last sign-in", "最近登录"));
	kf_html_raw(h, "</th></tr></thead><tbody>");
	size_t i;
	json_t *o;
	json_array_foreach(items, i, o)
	{
		kf_html_raw(h, "<tr><td><a");
		kf_html_url_attr(h, "href", kf_con_fmt(c, OPERATORS "/%s", kf_con_str(c, o, "id")));
		kf_html_raw(h, ">");
		kf_html_text(h, kf_con_str(c, o, "name"));
		kf_html_raw(h, "</a></td><td>");
		kf_html_text(h, kf_con_str(c, o, "email"));
		kf_html_raw(h, "</td><td>");
		kf_html_text(h, kf_role_label(c->lang, kf_con_str(c, o, "role")));
		kf_html_raw(h, "</td><td>");
		kf_page_badge(h, c->lang, kf_con_str(c, o, "status"));
		kf_html_raw(h, "</td><td>");
		json_t *ls = json_object_get(o, "last_sign_in_at");
		if (json_is_integer(ls))
			kf_con_time(c, json_integer_value(ls));
		else
			kf_html_text(h, CL(c, "Never", "从未"));
		kf_html_raw(h, "</td></tr>");
	}
	kf_html_raw(h, "</tbody></table></div>");

	kf_html_raw(h, "<section class=\"card\">");
	kf_con_h2(c, CL(c, "New operator", "新建运营人员"));
	kf_con_form(c, OPERATORS, false);
	kf_con_input(c, "email", CL(c, "Email", "邮箱"), "email", kf_con_keep(c, "email", ""), NULL, true);
	kf_con_input(c, "name", CL(c, "Name", "姓名"), "text", kf_con_keep(c, "name", ""), NULL, true);
	struct kf_page_option opts[4];
	size_t n = role_options(c, opts, NULL);
	const char *role = kf_con_keep(c, "role", "reviewer");
	kf_con_field(c, &(struct kf_page_field){.name = "role",
						 .label = CL(c, "Role", "角色"),
						 .type = "select",
						 .value = role,
						 .hint = CL(c, "Administrator: everything, staff and rules included. Reviewer: decides reviews. Auditor: reads everything, changes nothing.",
							    "管理员：全部权限，包括人员和规则。审核员：处理审核。审计员：可查看全部，不能修改。"),
						 .required = true,
						 .options = opts,
						 .n_options = n});
	kf_con_field(c, &(struct kf_page_field){
				.name = "password",
				.label = CL(c, "Initial password (optional)", "初始密码（可选）"),
				.type = "password",
				.value = "",
				.hint = CL(c, "Leave empty and we mail the person a link to set their own password (better).",
					   "留空则向对方发送设置密码的链接（推荐）。"),
				.autocomplete = "new-password"});
	kf_page_button(h, "primary", CL(c, "Create operator", "创建运营人员"), NULL, NULL);
	kf_page_form_close(h);
	kf_html_raw(h, "</section>");
	kf_con_finish(c);
}

static void operators_list(struct kf_req *r)
{
	struct kf_con c;
	if (!kf_con_start(r, &c, true))
		return;
	list_page(&c);
}

static void operators_create(struct kf_req *r)
{
	struct kf_con c;
	if (!kf_con_start(r, &c, true))
		return;
	json_t *body = json_pack("{s:s, s:s, s:s}", "email", kf_con_keep(&c, "email", ""), "name",
				 kf_con_keep(&c, "name", ""), "role", kf_con_keep(&c, "role", ""));
	const char *pw = kf_con_val(&c, "password");
	if (pw && *pw)
		json_object_set_new(body, "password", json_string(pw));
	json_t *ok = kf_con_send(&c, "POST", body, "/v1/operators");
	json_decref(body);
	if (!ok) {
		if (c.err.status == 403) {
			kf_con_forbidden(&c);
			return;
		}
		c.status = c.err.status;
		list_page(&c);
		return;
	}
	kf_con_redirect(&c, kf_con_fmt(&c, OPERATORS "/%s?ok=%s", kf_con_str(&c, ok, "id"),
				       json_is_true(json_object_get(ok, "set_password_mailed")) ? "operator_mailed"
												: "created"));
}

static void detail_page(struct kf_con *c, json_t *o)
{
	struct kf_html *h = &c->h;
	const char *id = kf_con_str(c, o, "id"), *role = kf_con_str(c, o, "role"), *status = kf_con_str(c, o, "status");
	c->section = "ops";
	struct kf_page_link crumbs[] = {{"/console/ops", CL(c, "Platform", "平台管理"), false},
					{OPERATORS, CL(c, "Operators", "运营人员"), false}};
	kf_con_open(c, kf_con_str(c, o, "name"), crumbs, 2);
	bool disabled = status && !strcmp(status, "disabled");
	kf_con_para(c, "muted",
		    disabled ? CL(c, "This account is disabled: the person cannot sign in. Enable it to let them back.",
				  "该账号已停用，无法登录。启用后可恢复登录。")
			     : role_hint(c, role));
	kf_html_raw(h, "<section class=\"card\"><dl class=\"props\">");
	kf_page_dl_row(h, CL(c, "Email", "邮箱"), kf_con_str(c, o, "email"));
	kf_page_dl_row(h, CL(c, "Role", "角色"), kf_role_label(c->lang, role));
	kf_html_raw(h, "<dt>");
	kf_html_text(h, CL(c, "State", "状态"));
	kf_html_raw(h, "</dt><dd>");
	kf_page_badge(h, c->lang, status);
	kf_html_raw(h, "</dd><dt>");
	kf_html_text(h, CL(c, "Created", "创建时间"));
	kf_html_raw(h, "</dt><dd>");
	kf_con_time(c, json_integer_value(json_object_get(o, "created_at")));
	kf_html_raw(h, "</dd><dt>");
	kf_html_text(h, CL(c, "Last sign-in", "最近登录"));
	kf_html_raw(h, "</dt><dd>");
	json_t *ls = json_object_get(o, "last_sign_in_at");
	if (json_is_integer(ls))
		kf_con_time(c, json_integer_value(ls));
	else
		kf_html_text(h, CL(c, "Never", "从未"));
	kf_html_raw(h, "</dd></dl>");
	kf_con_link(c, NULL, kf_con_fmt(c, "/console/ops/audit?actor=user%%3A%s", id),
		    CL(c, "What this person did (audit log)", "此人的操作记录（审计日志）"));
	kf_html_raw(h, "</section>");

	kf_html_raw(h, "<section class=\"card\">");
	kf_con_h2(c, CL(c, "Role", "角色"));
	kf_con_form(c, kf_con_fmt(c, OPERATORS "/%s/role", id), false);
	struct kf_page_option opts[4];
	size_t n = role_options(c, opts, role);
	kf_con_field(c, &(struct kf_page_field){.name = "role",
						 .label = CL(c, "Role", "角色"),
						 .type = "select",
						 .value = kf_con_keep(c, "role", role),
						 .hint = CL(c, "The platform keeps at least one active admin.",
							    "平台至少保留一名在用的管理员。"),
						 .required = true,
						 .options = opts,
						 .n_options = n});
	kf_page_button(h, "primary", CL(c, "Change role", "修改角色"), NULL, NULL);
	kf_page_form_close(h);
	kf_html_raw(h, "</section>");

	kf_html_raw(h, "<section class=\"card\">");
	kf_con_h2(c, disabled ? CL(c, "Enable", "启用") : CL(c, "Disable", "停用"));
	kf_con_para(c, NULL,
		    disabled ? CL(c, "The person can sign in again with their password.", "对方可以再次用密码登录。")
			     : CL(c, "The person is signed out everywhere at once and cannot sign in until enabled again.",
				  "对方会立即在所有设备上退出登录，重新启用前无法登录。"));
	kf_con_form(c, kf_con_fmt(c, OPERATORS "/%s/status", id), false);
	kf_page_hidden(h, "status", disabled ? "active" : "disabled");
	kf_page_button(h, disabled ? "primary" : "danger",
		       disabled ? CL(c, "Enable account", "启用账号") : CL(c, "Disable account", "停用账号"), NULL, NULL);
	kf_page_form_close(h);
	kf_html_raw(h, "</section>");
	kf_con_finish(c);
}

static json_t *load(struct kf_con *c, long long *id)
{
	*id = kf_req_param_id(c->r, "id");
	json_t *o = *id ? kf_con_get(c, "/v1/operators/%lld", *id) : NULL;
	if (!o)
		kf_con_not_found(c);
	return o;
}

static void operator_show(struct kf_req *r)
{
	struct kf_con c;
	if (!kf_con_start(r, &c, true))
		return;
	long long id;
	json_t *o = load(&c, &id);
	if (o)
		detail_page(&c, o);
}

static void operator_role(struct kf_req *r)
{
	struct kf_con c;
	if (!kf_con_start(r, &c, true))
		return;
	long long id;
	json_t *o = load(&c, &id);
	if (!o)
		return;
	json_t *body = json_pack("{s:s}", "role", kf_con_keep(&c, "role", ""));
	json_t *ok = kf_con_send(&c, "PATCH", body, "/v1/operators/%lld", id);
	json_decref(body);
	if (!ok) {
		if (c.err.status == 403) {
			kf_con_forbidden(&c);
			return;
		}
		c.status = c.err.status;
		detail_page(&c, o);
		return;
	}
	kf_con_redirect(&c, kf_con_fmt(&c, OPERATORS "/%lld?ok=saved", id));
}

static void operator_status(struct kf_req *r)
{
	struct kf_con c;
	if (!kf_con_start(r, &c, true))
		return;
	long long id;
	json_t *o = load(&c, &id);
	if (!o)
		return;
	const char *status = kf_con_val(&c, "status");
	bool disable = !status || strcmp(status, "active");
	if (!kf_con_val(&c, "confirm")) {
		const char *const hidden[] = {"status", disable ? "disabled" : "active"};
		c.section = "ops";
		const char *who = kf_con_fmt(&c, "%s (%s)", kf_con_str(&c, o, "name"), kf_con_str(&c, o, "email"));
		kf_con_confirm(&c,
			       disable ? CL(&c, "Disable this operator?", "停用该运营人员？")
				       : CL(&c, "Enable this operator?", "启用该运营人员？"),
			       disable ? kf_con_fmt(&c,
						    CL(&c, "%s is signed out everywhere at once and cannot sign in until enabled again.",
						       "%s 将立即在所有设备上退出登录，重新启用前无法登录。"),
						    who)
				       : kf_con_fmt(&c, CL(&c, "%s can sign in again.", "%s 将可以再次登录。"), who),
			       kf_con_fmt(&c, OPERATORS "/%lld/status", id),
			       disable ? CL(&c, "Disable account", "停用账号") : CL(&c, "Enable account", "启用账号"),
			       kf_con_fmt(&c, OPERATORS "/%lld", id), hidden, 1);
		return;
	}
	json_t *body = json_pack("{s:s}", "status", disable ? "disabled" : "active");
	json_t *ok = kf_con_send(&c, "PATCH", body, "/v1/operators/%lld", id);
	json_decref(body);
	if (!ok) {
		if (c.err.status == 403) {
			kf_con_forbidden(&c);
			return;
		}
		c.status = c.err.status;
		c.post = false;
		detail_page(&c, o);
		return;
	}
	kf_con_redirect(&c, kf_con_fmt(&c, OPERATORS "/%lld?ok=%s", id, disable ? "disabled" : "enabled"));
}

#define FORM (KF_RF_PAGE | KF_RF_FORM_CSRF | KF_RF_OWN_TX)
const struct kf_route kf_console_ops_staff_routes[] = {
	{"GET", "/console/ops/operators", operators_list, KF_AUTH_ADMIN, KF_RF_PAGE, "The operator's staff and a form for a new one (HTML)"},
	{"POST", "/console/ops/operators", operators_create, KF_AUTH_ADMIN, FORM, "Create an operator (HTML form)"},
	{"GET", "/console/ops/operators/{id}", operator_show, KF_AUTH_ADMIN, KF_RF_PAGE, "One operator: role, disable, enable (HTML)"},
	{"POST", "/console/ops/operators/{id}/role", operator_role, KF_AUTH_ADMIN, FORM, "Change an operator's role (HTML form)"},
	{"POST", "/console/ops/operators/{id}/status", operator_status, KF_AUTH_ADMIN, FORM,
	 "Disable or enable an operator, after a confirmation (HTML form)"},
};
const size_t kf_console_ops_staff_nroutes = sizeof(kf_console_ops_staff_routes) / sizeof(kf_console_ops_staff_routes[0]);
