/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The marketplace's pages (issue 13), public: the home page at / (search
 * box, categories, featured apps of REV-3, announcements of NOTE-1, the
 * newest apps), search results at /apps?q=, a category at
 * /categories/{id} and one app at /apps/{app_id} with its Install button.
 * They live with the console because they are the same kind of page: thin
 * clients of the API in the same process (GET /v1/market/apps,
 * /v1/market/apps/{app_id}, /v1/categories, /v1/announcements), with the
 * console's header, stylesheet and language switch, no script. Installing
 * is the consent page at /apps/{app_id}/install (api/consent.c): it signs
 * the owner in, lets them pick a host account and shows what each
 * permission set entrusts (AUTH-1).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "api/common.h"
#include "console/console.h"
#include "util/mem.h"

#define LIST_LIMIT "20"
#define HOME_LIMIT "8"

/* A category's name in the page's language, from the catalog (NULL when the
 * catalog has no such key). */
static const char *category_name(struct kf_con *c, json_t *cats, const char *key)
{
	size_t i;
	json_t *ct;
	json_array_foreach(json_object_get(cats, "items"), i, ct) {
		const char *id = kf_con_str(c, ct, "id");
		if (key && id && !strcmp(id, key))
			return kf_con_str(c, ct, c->lang == KF_LANG_ZH ? "name_zh" : "name_en");
	}
	return NULL;
}

/* The catalog, read once per page; a failure reads as no categories. */
static json_t *categories(struct kf_con *c)
{
	bool had = c->has_err;
	json_t *cats = kf_con_get(c, "/v1/categories");
	c->has_err = had;
	return cats;
}

/* The developer line: the name and, when the entity is certified, a badge
 * in words (never colour alone). */
static void developer(struct kf_con *c, json_t *app, const char *key)
{
	struct kf_html *h = &c->h;
	kf_html_text(h, kf_con_str(c, app, key));
	if (json_is_true(json_object_get(app, "verified"))) {
		kf_html_raw(h, " <span class=\"badge good\">");
		kf_html_text(h, CL(c, "Verified developer", "已认证开发者"));
		kf_html_raw(h, "</span>");
	}
}

static void installs_text(struct kf_con *c, json_t *app)
{
	json_int_t n = json_integer_value(json_object_get(app, "installs"));
	kf_html_text(&c->h, kf_con_fmt(c, CL(c, "%lld installs", "%lld 次安装"), (long long)n));
}

/* The logo as an <img> (decorative: the name is next to it) or a blank
 * square of the same size. */
static void logo(struct kf_con *c, json_t *app, bool big)
{
	struct kf_html *h = &c->h;
	const char *url = kf_con_str(c, app, "logo_url");
	if (url) {
		kf_html_raw(h, big ? "<img class=\"logo big\" alt=\"\"" : "<img class=\"logo\" alt=\"\"");
		kf_html_url_attr(h, "src", url);
		kf_html_raw(h, ">");
	} else {
		kf_html_raw(h, big ? "<span class=\"logo big none\"></span>" : "<span class=\"logo none\"></span>");
	}
}

/* A list of apps as cards; the empty text when there is none. */
static void app_cards(struct kf_con *c, json_t *list, json_t *cats, const char *empty, const char *empty_href,
		      const char *empty_link)
{
	struct kf_html *h = &c->h;
	json_t *items = json_object_get(list, "items");
	if (!json_array_size(items)) {
		kf_page_empty(h, empty, empty_href, empty_link);
		return;
	}
	kf_html_raw(h, "<ul class=\"apps\">");
	size_t i;
	json_t *it;
	json_array_foreach(items, i, it) {
		const char *id = kf_con_str(c, it, "app_id");
		const char *name = kf_con_str(c, it, "name");
		kf_html_raw(h, "<li>");
		logo(c, it, false);
		kf_html_raw(h, "<div><strong><a");
		kf_html_url_attr(h, "href", kf_con_fmt(c, "/apps/%s", id ? id : ""));
		kf_html_raw(h, ">");
		kf_html_text(h, name ? name : id);
		kf_html_raw(h, "</a></strong><p class=\"small\">");
		kf_html_text(h, kf_con_str(c, it, "intro"));
		kf_html_raw(h, "</p><p class=\"muted small\">");
		developer(c, it, "company_name");
		const char *cat = category_name(c, cats, kf_con_str(c, it, "category"));
		if (cat) {
			kf_html_text(h, " · ");
			kf_html_text(h, cat);
		}
		kf_html_text(h, " · ");
		installs_text(c, it);
		kf_html_raw(h, "</p></div></li>");
	}
	kf_html_raw(h, "</ul>");
}

/* "Next page" when the list has more; the query keeps q and category. */
static void next_link(struct kf_con *c, json_t *list, const char *base, const char *q)
{
	const char *next = kf_con_str(c, list, "next_cursor");
	if (!next)
		return;
	kf_html_raw(&c->h, "<p class=\"pager\">");
	kf_con_link(c, NULL,
		    kf_con_fmt(c, "%s?%s%s%scursor=%s", base, q ? "q=" : "", q ? kf_con_qenc(c, q) : "", q ? "&" : "",
			       kf_con_qenc(c, next)),
		    CL(c, "Next page", "下一页"));
	kf_html_raw(&c->h, "</p>");
}

/* The search box (GET /apps?q=), on every marketplace page. */
static void search_box(struct kf_con *c, const char *q)
{
	struct kf_html *h = &c->h;
	kf_html_raw(h, "<form class=\"search\" method=\"get\" action=\"/apps\" role=\"search\"><label>"
		       "<span class=\"label\">");
	kf_html_text(h, CL(c, "Search apps", "搜索应用"));
	kf_html_raw(h, "</span><input type=\"search\" name=\"q\" maxlength=\"100\"");
	kf_html_attr(h, "value", q ? q : "");
	kf_html_attr(h, "placeholder", CL(c, "Name, keyword, developer or pinyin", "名称、关键词、开发者或拼音"));
	kf_html_raw(h, "></label>");
	kf_page_button(h, "primary", CL(c, "Search", "搜索"), NULL, NULL);
	kf_html_raw(h, "</form>");
}

/* A list from GET /v1/market/apps with the given filters; a refusal (a
 * bad cursor) is shown as a notice, and the list reads as empty. */
static json_t *market_list(struct kf_con *c, const char *q, const char *category, bool featured, const char *limit)
{
	struct kf_form f = {0};
	if (q)
		kf_form_set(&f, "q", q);
	if (category)
		kf_form_set(&f, "category", category);
	if (featured)
		kf_form_set(&f, "featured", "true");
	kf_form_set(&f, "limit", limit);
	const char *cursor = kf_con_q(c, "cursor");
	if (cursor && !featured)
		kf_form_set(&f, "cursor", cursor);
	return kf_con_getq(c, &f, "/v1/market/apps");
}

/* ---------------------------------------------------------------- home */

static void home(struct kf_req *r)
{
	struct kf_con c;
	if (!kf_con_start(r, &c, false))
		return;
	c.section = "market";
	kf_con_open(&c, CL(&c, "App marketplace", "应用市场"), NULL, 0);
	struct kf_html *h = &c.h;
	search_box(&c, NULL);
	kf_con_announcements(&c);
	json_t *cats = categories(&c);
	kf_html_raw(h, "<section class=\"card\" aria-labelledby=\"cats-h\"><h2 id=\"cats-h\">");
	kf_html_text(h, CL(&c, "Categories", "类目"));
	kf_html_raw(h, "</h2>");
	json_t *items = json_object_get(cats, "items");
	if (!json_array_size(items)) {
		kf_page_empty(h, CL(&c, "No category yet: the platform's operators add them.", "暂无类目，由平台运营人员添加。"),
			      NULL, NULL);
	} else {
		kf_html_raw(h, "<ul class=\"cats\">");
		size_t i;
		json_t *ct;
		json_array_foreach(items, i, ct) {
			kf_html_raw(h, "<li><a");
			kf_html_url_attr(h, "href", kf_con_fmt(&c, "/categories/%s", kf_con_qenc(&c, kf_con_str(&c, ct, "id"))));
			kf_html_raw(h, ">");
			kf_html_text(h, kf_con_str(&c, ct, c.lang == KF_LANG_ZH ? "name_zh" : "name_en"));
			kf_html_raw(h, "</a></li>");
		}
		kf_html_raw(h, "</ul>");
	}
	kf_html_raw(h, "</section>");
	/* REV-3: the display list */
	json_t *featured = market_list(&c, NULL, NULL, true, HOME_LIMIT);
	c.has_err = false;
	if (json_array_size(json_object_get(featured, "items"))) {
		kf_con_h2(&c, CL(&c, "Featured apps", "精选应用"));
		app_cards(&c, featured, cats, "", NULL, NULL);
	}
	json_t *all = market_list(&c, NULL, NULL, false, HOME_LIMIT);
	c.has_err = false;
	kf_con_h2(&c, CL(&c, "New in the marketplace", "最新上架"));
	app_cards(&c, all, cats,
		  CL(&c, "No app is in the marketplace yet. Developers: create an app in the console and release it.",
		     "应用市场暂无应用。开发者可在控制台创建应用并发布。"),
		  "/console/", CL(&c, "Open the console", "进入控制台"));
	if (kf_con_str(&c, all, "next_cursor"))
		kf_con_link(&c, NULL, "/apps", CL(&c, "All apps", "全部应用"));
	/* the old landing page's ways in: providers and owners sign in here */
	kf_html_raw(h, "<section class=\"card\"><h2>");
	kf_html_text(h, CL(&c, "Build apps for our users", "为我们的用户开发应用"));
	kf_html_raw(h, "</h2><p>");
	kf_html_text(h, CL(&c,
			   "Register as a provider, create an app, and release it to every host account after review. "
			   "The API reference describes every route.",
			   "注册成为服务商，创建应用，审核通过后全网发布给所有授权账号。API 参考列出了所有接口。"));
	kf_html_raw(h, "</p><div class=\"actions\">");
	if (r->user_id) {
		kf_html_raw(h, "<a class=\"button primary\" href=\"/console/\">");
		kf_html_text(h, CL(&c, "Open the console", "进入控制台"));
		kf_html_raw(h, "</a>");
	} else {
		kf_html_raw(h, "<a class=\"button primary\" href=\"/console/signup\">");
		kf_html_text(h, CL(&c, "Create an account", "注册账号"));
		kf_html_raw(h, "</a><a class=\"button\" href=\"/console/signin\">");
		kf_html_text(h, CL(&c, "Sign in", "登录"));
		kf_html_raw(h, "</a>");
	}
	kf_html_raw(h, "<a href=\"/v1/openapi.json\">");
	kf_html_text(h, CL(&c, "API description (OpenAPI)", "API 描述（OpenAPI）"));
	kf_html_raw(h, "</a></div></section>");
	kf_con_finish(&c);
}

/* --------------------------------------------------------------- search */

static void search(struct kf_req *r)
{
	struct kf_con c;
	if (!kf_con_start(r, &c, false))
		return;
	c.section = "market";
	const char *q = kf_con_q(&c, "q");
	if (q && !*q)
		q = NULL;
	struct kf_page_link crumbs[] = {{"/", CL(&c, "Marketplace", "应用市场"), false}};
	const char *title = q ? kf_con_fmt(&c, CL(&c, "Apps matching “%s”", "“%s”的搜索结果"), q)
			      : CL(&c, "All apps", "全部应用");
	kf_con_open(&c, title, crumbs, 1);
	search_box(&c, q);
	json_t *cats = categories(&c);
	json_t *list = market_list(&c, q, NULL, false, LIST_LIMIT);
	kf_con_error_notice(&c);
	app_cards(&c, list, cats,
		  q ? CL(&c, "No app matches. Try fewer words, another spelling, pinyin, or browse the categories.",
			 "没有匹配的应用。请减少关键词、换一种写法或用拼音，或浏览类目。")
		    : CL(&c, "No app is in the marketplace yet.", "应用市场暂无应用。"),
		  "/", CL(&c, "Back to the marketplace", "返回应用市场"));
	next_link(&c, list, "/apps", q);
	kf_con_finish(&c);
}

/* ------------------------------------------------------------- category */

static void category(struct kf_req *r)
{
	struct kf_con c;
	if (!kf_con_start(r, &c, false))
		return;
	c.section = "market";
	const char *id = kf_req_param(r, "id");
	json_t *cats = categories(&c);
	const char *name = category_name(&c, cats, id);
	if (!name) {
		kf_con_not_found(&c);
		return;
	}
	struct kf_page_link crumbs[] = {{"/", CL(&c, "Marketplace", "应用市场"), false}};
	kf_con_open(&c, name, crumbs, 1);
	search_box(&c, NULL);
	json_t *list = market_list(&c, NULL, id, false, LIST_LIMIT);
	kf_con_error_notice(&c);
	app_cards(&c, list, cats,
		  CL(&c, "No app in this category yet. Browse the others or search.", "该类目暂无应用。请浏览其他类目或搜索。"),
		  "/", CL(&c, "Back to the marketplace", "返回应用市场"));
	next_link(&c, list, kf_con_fmt(&c, "/categories/%s", kf_con_qenc(&c, id)), NULL);
	kf_con_finish(&c);
}

/* -------------------------------------------------------------- one app */

static void link_row(struct kf_con *c, const char *term, const char *url)
{
	struct kf_html *h = &c->h;
	if (!url)
		return;
	kf_html_raw(h, "<dt>");
	kf_html_text(h, term);
	kf_html_raw(h, "</dt><dd><a rel=\"noopener noreferrer\"");
	if (!kf_html_url_attr(h, "href", url))
		kf_html_raw(h, " aria-disabled=\"true\"");
	kf_html_raw(h, ">");
	kf_html_text(h, url);
	kf_html_raw(h, "</a></dd>");
}

static void permission_sets(struct kf_con *c, json_t *app)
{
	struct kf_html *h = &c->h;
	bool zh = c->lang == KF_LANG_ZH;
	kf_con_h2(c, CL(c, "What it asks for", "申请的权限"));
	json_t *sets = json_object_get(app, "permission_sets");
	if (!json_array_size(sets)) {
		kf_page_empty(h, CL(c, "This app asks for no permission set: it receives no data of your account.",
				   "该应用未申请任何权限集，不会获取你账号的数据。"),
			      NULL, NULL);
		return;
	}
	kf_html_raw(h, "<div class=\"table\"><table><thead><tr><th scope=\"col\">");
	kf_html_text(h, CL(c, "Permission set", "权限集"));
	kf_html_raw(h, "</th><th scope=\"col\">");
	kf_html_text(h, CL(c, "What it allows", "用途"));
	kf_html_raw(h, "</th><th scope=\"col\">");
	kf_html_text(h, CL(c, "Data entrusted to the app", "交给应用的数据"));
	kf_html_raw(h, "</th></tr></thead><tbody>");
	size_t i;
	json_t *s;
	json_array_foreach(sets, i, s) {
		kf_html_raw(h, "<tr><td><strong>");
		kf_html_text(h, kf_con_str(c, s, zh ? "name_zh" : "name"));
		kf_html_raw(h, "</strong>");
		if (!json_is_true(json_object_get(s, "required"))) {
			kf_html_raw(h, " <span class=\"badge\">");
			kf_html_text(h, CL(c, "Optional", "可选"));
			kf_html_raw(h, "</span>");
		}
		kf_html_raw(h, "</td><td>");
		kf_html_text(h, kf_con_str(c, s, zh ? "description_zh" : "description"));
		kf_html_raw(h, "</td><td>");
		kf_html_text(h, kf_con_str(c, s, zh ? "data_zh" : "data"));
		kf_html_raw(h, "</td></tr>");
	}
	kf_html_raw(h, "</tbody></table></div>");
}

/* The install action: the button to the consent page, or why not. */
static void install_box(struct kf_con *c, json_t *app, const char *id)
{
	struct kf_html *h = &c->h;
	kf_html_raw(h, "<div class=\"actions\">");
	if (json_is_true(json_object_get(app, "installable"))) {
		kf_html_raw(h, "<a class=\"button primary\"");
		kf_html_url_attr(h, "href", kf_con_fmt(c, "/apps/%s/install", id));
		kf_html_raw(h, ">");
		kf_html_text(h, CL(c, "Install", "安装"));
		kf_html_raw(h, "</a><span class=\"muted small\">");
		kf_html_text(h, c->r->user_id ? CL(c, "Next: pick one of your host accounts and confirm what it may see.",
					       "下一步：选择你的一个授权账号，并确认应用可获取的数据。")
					  : CL(c, "You sign in first, then pick one of your host accounts.",
					       "请先登录，再选择你的一个授权账号。"));
		kf_html_raw(h, "</span>");
	} else {
		json_t *why = json_object_get(app, "not_installable");
		kf_page_notice_rule(h, "warn",
				    CL(c, "The platform has closed this app to new installs for now; accounts that installed "
					  "it keep it.",
				       "平台已暂时关闭该应用的新安装，已安装的账号可继续使用。"),
				    kf_con_str(c, why, "rule"));
	}
	kf_html_raw(h, "</div>");
}

static void app_page(struct kf_req *r)
{
	struct kf_con c;
	if (!kf_con_start(r, &c, false))
		return;
	c.section = "market";
	const char *id = kf_req_param(r, "app_id");
	json_t *app = kf_con_get(&c, "/v1/market/apps/%s", kf_con_qenc(&c, id));
	if (!app) {
		kf_con_not_found(&c);
		return;
	}
	id = kf_con_str(&c, app, "app_id");
	json_t *cats = categories(&c);
	const char *name = kf_con_str(&c, app, "name");
	const char *cat_key = kf_con_str(&c, app, "category");
	const char *cat = category_name(&c, cats, cat_key);
	struct kf_page_link crumbs[2] = {{"/", CL(&c, "Marketplace", "应用市场"), false}};
	size_t nc = 1;
	if (cat)
		crumbs[nc++] = (struct kf_page_link){kf_con_fmt(&c, "/categories/%s", kf_con_qenc(&c, cat_key)), cat, false};
	kf_con_open(&c, name ? name : id, crumbs, nc);
	struct kf_html *h = &c.h;
	kf_html_raw(h, "<div class=\"app-head\">");
	logo(&c, app, true);
	kf_html_raw(h, "<div><p>");
	kf_html_text(h, kf_con_str(&c, app, "intro"));
	kf_html_raw(h, "</p><p class=\"muted\">");
	developer(&c, app, "developer");
	kf_html_raw(h, "</p><p class=\"muted small\">");
	installs_text(&c, app);
	kf_html_raw(h, "</p></div></div>");
	install_box(&c, app, id);
	json_t *prev = json_object_get(app, "preview_urls");
	if (json_array_size(prev)) {
		kf_con_h2(&c, CL(&c, "Previews", "预览图"));
		kf_html_raw(h, "<div class=\"previews\">");
		size_t i;
		json_t *u;
		json_array_foreach(prev, i, u) {
			kf_html_raw(h, "<figure><img");
			kf_html_url_attr(h, "src", json_string_value(u));
			kf_html_attr(h, "alt", kf_con_fmt(&c, CL(&c, "Preview %zu of %s", "%2$s 预览图 %1$zu"), i + 1,
							  name ? name : id));
			kf_html_raw(h, "></figure>");
		}
		kf_html_raw(h, "</div>");
	}
	const char *desc = kf_con_str(&c, app, "description");
	if (desc) {
		kf_con_h2(&c, CL(&c, "Description", "应用介绍"));
		kf_con_para(&c, "prewrap", desc);
	}
	kf_con_h2(&c, CL(&c, "Version", "版本"));
	kf_html_raw(h, "<section class=\"card\"><dl class=\"props\">");
	kf_page_dl_row(h, CL(&c, "Version", "版本号"), kf_con_str(&c, app, "version"));
	if (json_is_integer(json_object_get(app, "released_at"))) {
		kf_html_raw(h, "<dt>");
		kf_html_text(h, CL(&c, "Released", "发布时间"));
		kf_html_raw(h, "</dt><dd>");
		kf_con_time(&c, json_integer_value(json_object_get(app, "released_at")));
		kf_html_raw(h, "</dd>");
	}
	kf_page_dl_row(h, CL(&c, "What's new", "更新说明"), kf_con_str(&c, app, "update_notes"));
	kf_page_dl_row(h, CL(&c, "Category", "类目"), cat ? cat : cat_key);
	kf_html_raw(h, "</dl></section>");
	permission_sets(&c, app);
	kf_con_h2(&c, CL(&c, "Developer", "开发者"));
	kf_html_raw(h, "<section class=\"card\"><dl class=\"props\">");
	kf_html_raw(h, "<dt>");
	kf_html_text(h, CL(&c, "Developer", "开发者"));
	kf_html_raw(h, "</dt><dd>");
	developer(&c, app, "developer");
	kf_html_raw(h, "</dd>");
	link_row(&c, CL(&c, "Privacy policy", "隐私政策"), kf_con_str(&c, app, "privacy_url"));
	link_row(&c, CL(&c, "Terms of service", "服务条款"), kf_con_str(&c, app, "terms_url"));
	link_row(&c, CL(&c, "Website", "网站"), kf_con_str(&c, app, "website"));
	kf_html_raw(h, "<dt>");
	kf_html_text(h, CL(&c, "App id", "应用 ID"));
	kf_html_raw(h, "</dt><dd>");
	kf_page_id(h, c.lang, id);
	kf_html_raw(h, "</dd></dl></section>");
	kf_con_finish(&c);
}

const struct kf_route kf_console_market_routes[] = {
	{"GET", "/", home, KF_AUTH_NONE, KF_RF_PAGE, "The marketplace's home (HTML)"},
	{"GET", "/apps", search, KF_AUTH_NONE, KF_RF_PAGE, "Marketplace search results and all apps (HTML)"},
	{"GET", "/categories/{id}", category, KF_AUTH_NONE, KF_RF_PAGE, "One marketplace category (HTML)"},
	{"GET", "/apps/{app_id}", app_page, KF_AUTH_NONE, KF_RF_PAGE, "One app of the marketplace (HTML)"},
};
const size_t kf_console_market_nroutes = sizeof(kf_console_market_routes) / sizeof(kf_console_market_routes[0]);
