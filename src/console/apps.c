/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The provider's app pages, part 1: the apps list, creating an app, and
 * one app's overview, basic info, permission sets, development settings,
 * credentials, configuration versions, ICP filings and "develop locally".
 * Also the app page frame (console/app.h) the release pages share.
 * Every page reads and writes through the API as the signed-in person;
 * an app is named by its public app_id everywhere.
 */
#include "console/app.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "console/console.h"
#include "core/app.h"

/* ------------------------------------------------------------ the frame */

const char *kf_con_app_id(json_t *app)
{
	return json_string_value(json_object_get(app, "app_id"));
}

const char *kf_con_app_name(struct kf_con *c, json_t *app)
{
	(void)c;
	static const char *const cfgs[] = {"draft_config", "live_config"};
	for (size_t i = 0; i < 2; i++) {
		const char *n = json_string_value(json_object_get(json_object_get(app, cfgs[i]), "name"));
		if (n && *n)
			return n;
	}
	const char *id = kf_con_app_id(app);
	return id ? id : "";
}

const char *kf_con_app_href(struct kf_con *c, json_t *app, const char *suffix)
{
	return kf_con_fmt(c, "/console/apps/%s%s", kf_con_app_id(app) ? kf_con_app_id(app) : "", suffix ? suffix : "");
}

bool kf_con_app_load(struct kf_con *c, const char *app_id, json_t **app)
{
	*app = NULL;
	/* an id that cannot be an app id is not sent on: it could carry a
	 * query or path of its own into the API's path */
	if (!app_id || !kf_app_id_valid(app_id)) {
		kf_con_not_found(c);
		return false;
	}
	json_t *a = kf_con_get(c, "/v1/apps/%s", app_id);
	if (a) {
		*app = a;
		return true;
	}
	if (c->err.status == 404 || c->err.status == 403) {
		kf_con_not_found(c);
		return false;
	}
	c->status = c->err.status ? c->err.status : 500;
	c->section = "apps";
	kf_con_open(c, CL(c, "The app could not be read", "无法读取应用"), NULL, 0);
	kf_con_finish(c);
	return false;
}

void kf_con_app_open(struct kf_con *c, json_t *app, const char *tab, const char *title)
{
	c->section = "apps";
	const char *name = kf_con_app_name(c, app);
	const char *t = tab ? tab : "";
	struct kf_page_link crumbs[] = {
		{"/console/apps", CL(c, "Apps", "应用"), false},
		{kf_con_app_href(c, app, ""), name, false},
	};
	/* the app's own page is its name's crumb: show only "Apps" there */
	bool top = !strcmp(t, "overview");
	kf_con_open(c, title ? title : name, crumbs, top ? 1 : 2);
	static const struct {
		const char *key, *suffix, *en, *zh;
	} tabs[] = {
		{"overview", "", "Overview", "概览"},
		{"info", "/info", "Basic info", "基本信息"},
		{"permissions", "/permissions", "Permission sets", "权限集"},
		{"dev", "/dev", "Development settings", "开发配置"},
		{"credentials", "/credentials", "Credentials", "凭据"},
		{"versions", "/versions", "Versions", "配置版本"},
		{"icp", "/icp", "ICP filings", "ICP备案"},
		{"listing", "/listing", "Listing", "上架信息"},
		{"checks", "/checks", "Checks", "能力检测"},
		{"submissions", "/submissions", "Submissions", "提交审核"},
		{"deliveries", "/deliveries", "Deliveries", "消息推送"},
	};
	enum { NT = sizeof(tabs) / sizeof(tabs[0]) };
	struct kf_page_link links[NT];
	for (size_t i = 0; i < NT; i++) {
		links[i].href = kf_con_app_href(c, app, tabs[i].suffix);
		links[i].label = CL(c, tabs[i].en, tabs[i].zh);
		links[i].current = !strcmp(t, tabs[i].key);
	}
	kf_con_tabs(c, links, NT);
}

/* ------------------------------------------------------------- overview */

static void app_overview(struct kf_req *r)
{
	struct kf_con c;
	json_t *app;
	if (!kf_con_start(r, &c, true) || !kf_con_app_load(&c, kf_req_param(r, "id"), &app))
		return;
	kf_con_app_open(&c, app, "overview", NULL);
	kf_con_finish(&c);
}

const struct kf_route kf_console_apps_routes[] = {
	{"GET", "/console/apps/{id}", app_overview, KF_AUTH_NONE, KF_RF_PAGE, "One app: overview (HTML)"},
};
const size_t kf_console_apps_nroutes = sizeof(kf_console_apps_routes) / sizeof(kf_console_apps_routes[0]);
