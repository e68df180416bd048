/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The platform pages' index for the operator's staff: one link to each
 * part of running the platform, grouped as a person looks for them. Each
 * page's route declares the staff role it needs (KF_AUTH_OPERATOR or
 * KF_AUTH_ADMIN; kf_con_start answers others with a 403 page); the index
 * only marks what needs an administrator to change.
 */
#include <string.h>

#include "console/console.h"

struct ops_link {
	const char *href;
	const char *en, *zh;         /* the link */
	const char *en_hint, *zh_hint; /* one line on what it is for */
	bool admin;                  /* changes need the admin role */
};

static const struct ops_link directory[] = {
	{"/console/ops/providers", "Providers", "服务商", "Find a provider; its members, apps, reviews; ban or lift.",
	 "查找服务商，查看成员、应用、审核；封禁或解封。", false},
	{"/console/ops/apps", "Apps", "应用", "Find an app; its state history, configuration, authorizations, deliveries.",
	 "查找应用，查看状态历史、配置、授权和推送情况。", false},
	{"/console/ops/governance", "Violations and measures", "违规与措施",
	 "Measures in force, objections waiting; record a violation from an app's page.",
	 "生效中的措施、待处理的异议；在应用页面记录违规。", false},
	{"/console/ops/campaigns", "Campaigns", "营销活动", "Marketing pushes and pop-ups to decide; what runs now.",
	 "待审核的营销推送和弹窗；正在进行的活动。", false},
};

static const struct ops_link rules[] = {
	{"/console/ops/term-lists", "Term lists", "词表", "Banned and reserved terms, with a test box.",
	 "禁用词和保留词，可试测文本。", true},
	{"/console/ops/categories", "Categories", "类目", "Marketplace categories and the qualifications they need.",
	 "应用类目及其所需的特殊资质。", true},
	{"/console/ops/permission-sets", "Permission sets", "权限集", "What apps may ask for, as providers and owners read it.",
	 "应用可申请的权限，以及服务商和授权方看到的说明。", true},
	{"/console/ops/agreements", "Agreements", "协议", "Publish a new version; accounts are told and consent again.",
	 "发布新版本协议；通知所有账号并要求重新同意。", true},
	{"/console/ops/announcements", "Announcements", "公告", "What the console and the landing page announce.",
	 "控制台和平台首页显示的公告。", true},
};

static const struct ops_link staff[] = {
	{"/console/ops/operators", "Operators", "运营人员", "Staff accounts and their roles.", "员工账号及其角色。",
	 true},
	{"/console/ops/notices", "Notices to staff", "员工通知", "Who gets the daily review digest mail.",
	 "谁会收到每日审核摘要邮件。", true},
	{"/console/ops/audit", "Audit log", "审计日志", "Who did what, when; verify the chain.",
	 "谁在何时做了什么；校验哈希链。", false},
	{"/console/ops/system", "System", "系统状态", "Backlogs, dead events, mail queue, version.",
	 "积压、死信事件、邮件队列和版本。", false},
};

static void group(struct kf_con *c, const char *title, const struct ops_link *l, size_t n, bool is_admin)
{
	struct kf_html *h = &c->h;
	kf_html_raw(h, "<section class=\"card\"><h2>");
	kf_html_text(h, title);
	kf_html_raw(h, "</h2><ul class=\"links\">");
	for (size_t i = 0; i < n; i++) {
		kf_html_raw(h, "<li><a");
		kf_html_url_attr(h, "href", l[i].href);
		kf_html_raw(h, ">");
		kf_html_text(h, CL(c, l[i].en, l[i].zh));
		kf_html_raw(h, "</a>");
		if (l[i].admin && !is_admin) {
			kf_html_raw(h, " <span class=\"muted\">");
			kf_html_text(h, CL(c, "(read only: changes need an administrator)", "（只读：修改需管理员）"));
			kf_html_raw(h, "</span>");
		}
		kf_html_raw(h, "<br><span class=\"muted\">");
		kf_html_text(h, CL(c, l[i].en_hint, l[i].zh_hint));
		kf_html_raw(h, "</span></li>");
	}
	kf_html_raw(h, "</ul></section>");
}

static void ops_index(struct kf_req *r)
{
	struct kf_con c;
	if (!kf_con_start(r, &c, true))
		return;
	c.section = "ops";
	kf_con_open(&c, CL(&c, "Platform", "平台管理"), NULL, 0);
	bool is_admin = !strcmp(kf_con_staff_role(&c), "admin");
	kf_con_para(&c, "muted",
		    kf_con_fmt(&c, CL(&c, "You are signed in as %s.", "你的身份：%s。"),
			       kf_role_label(c.lang, kf_con_staff_role(&c))));
	kf_html_raw(&c.h, "<div class=\"grid\">");
	group(&c, CL(&c, "Providers and apps", "服务商与应用"), directory, sizeof(directory) / sizeof(directory[0]),
	      is_admin);
	group(&c, CL(&c, "Rules and catalogs", "规则与目录"), rules, sizeof(rules) / sizeof(rules[0]), is_admin);
	group(&c, CL(&c, "Staff and system", "人员与系统"), staff, sizeof(staff) / sizeof(staff[0]), is_admin);
	kf_html_raw(&c.h, "</div>");
	kf_con_finish(&c);
}

const struct kf_route kf_console_ops_routes[] = {
	{"GET", "/console/ops", ops_index, KF_AUTH_OPERATOR, KF_RF_PAGE, "The platform pages for the operator's staff (HTML)"},
};
const size_t kf_console_ops_nroutes = sizeof(kf_console_ops_routes) / sizeof(kf_console_ops_routes[0]);
