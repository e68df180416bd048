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
#include "console/governance.h"

#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#include "api/api.h"
#include "api/common.h"
#include "console/appform.h"
#include "console/console.h"
#include "core/app.h"
#include "core/netpolicy.h"
#include "ctx.h"
#include "util/mem.h"

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
		{"governance", "/governance", "Governance", "违规与措施"},
		{"campaigns", "/campaigns", "Campaigns", "营销活动"},
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

/* --------------------------------------------------------------- helpers */

static bool app_is(json_t *app, const char *state)
{
	const char *s = json_string_value(json_object_get(app, "state"));
	return s && !strcmp(s, state);
}

/* The provider's name from the person's memberships (NULL when none). */
static const char *provider_name(struct kf_con *c, json_int_t id)
{
	json_t *m;
	size_t i;
	json_array_foreach(kf_con_memberships(c), i, m) {
		if (json_integer_value(json_object_get(m, "org_id")) == id)
			return json_string_value(json_object_get(m, "name"));
	}
	return NULL;
}

/* A value with a copy button (ids, tokens, keys: monospace). */
static void copyable(struct kf_con *c, const char *v)
{
	kf_page_id(&c->h, c->lang, v && *v ? v : "—");
}

/* ------------------------------------------------------------ apps list */

static const char *const app_states[] = {"draft",    "creation_review", "developing", "release_review",
					 "released", "suspended",       "delisted",   "withdrawn"};
#define N_STATES (sizeof(app_states) / sizeof(app_states[0]))

static json_t *my_providers(struct kf_con *c)
{
	json_t *out = json_array(), *m;
	size_t i;
	json_array_foreach(kf_con_memberships(c), i, m) {
		const char *k = json_string_value(json_object_get(m, "kind"));
		if (k && !strcmp(k, "provider"))
			json_array_append(out, m);
	}
	kf_arena_defer(c->r->arena, (void (*)(void *))json_decref, out);
	return out;
}

static void apps_list(struct kf_req *r)
{
	struct kf_con c;
	if (!kf_con_start(r, &c, true))
		return;
	c.section = "apps";
	struct kf_html *h = &c.h;
	json_t *provs = my_providers(&c);
	const char *prov = kf_con_q(&c, "provider"), *state = kf_con_q(&c, "state"), *after = kf_con_q(&c, "after");
	/* only values this page could have written go on to the API and into links */
	prov = kf_appform_digits(prov) && strlen(prov) < 16 ? prov : NULL;
	bool known = false;
	for (size_t i = 0; state && i < N_STATES; i++)
		known = known || !strcmp(state, app_states[i]);
	state = known ? state : NULL;
	after = after && kf_app_id_valid(after) ? after : NULL;
	struct kf_form q = {0};
	if (prov)
		kf_form_set(&q, "provider", prov);
	if (state)
		kf_form_set(&q, "state", state);
	if (after)
		kf_form_set(&q, "after", after);
	kf_form_set(&q, "limit", "20");
	json_t *page = kf_con_getq(&c, &q, "/v1/apps");
	kf_con_open(&c, CL(&c, "Apps", "应用"), NULL, 0);
	if (json_array_size(provs)) {
		kf_html_raw(h, "<div class=\"actions\"><a class=\"button primary\" href=\"/console/apps/new\">");
		kf_html_text(h, CL(&c, "Create an app", "创建应用"));
		kf_html_raw(h, "</a></div>");
	}
	/* filters */
	kf_html_raw(h, "<form class=\"filters\" method=\"get\" action=\"/console/apps\">");
	if (json_array_size(provs) > 1) {
		struct kf_page_option *o = kf_arena_alloc(r->arena, (json_array_size(provs) + 1) * sizeof(*o));
		o[0] = (struct kf_page_option){"", CL(&c, "All providers", "全部服务商")};
		json_t *m;
		size_t i;
		json_array_foreach(provs, i, m) {
			o[i + 1].value = kf_con_str(&c, m, "org_id");
			o[i + 1].label = kf_con_str(&c, m, "name");
		}
		struct kf_page_field f = {.name = "provider", .label = CL(&c, "Provider", "服务商"), .type = "select",
					  .value = prov ? prov : "", .options = o, .n_options = json_array_size(provs) + 1};
		kf_page_field(h, c.lang, &f);
	}
	struct kf_page_option so[N_STATES + 1];
	so[0] = (struct kf_page_option){"", CL(&c, "All states", "全部状态")};
	for (size_t i = 0; i < N_STATES; i++)
		so[i + 1] = (struct kf_page_option){app_states[i], kf_page_state_word(c.lang, app_states[i])};
	struct kf_page_field sf = {.name = "state", .label = CL(&c, "State", "状态"), .type = "select",
				   .value = state ? state : "", .options = so, .n_options = N_STATES + 1};
	kf_page_field(h, c.lang, &sf);
	kf_html_raw(h, "<div class=\"field\">");
	kf_page_button(h, "secondary", CL(&c, "Filter", "筛选"), NULL, NULL);
	kf_html_raw(h, "</div></form>");

	json_t *items = json_object_get(page, "items");
	if (!json_array_size(provs)) {
		kf_page_empty(h,
			      CL(&c, "Apps belong to a provider. Register your company as a provider first; once it is "
				     "certified you can create apps here.",
				 "应用属于服务商。请先将你的公司注册为服务商，认证通过后即可在这里创建应用。"),
			      "/console/orgs/new", CL(&c, "Register a provider", "注册服务商"));
	} else if (!json_array_size(items)) {
		if (prov || state || after)
			kf_page_empty(h, CL(&c, "No app matches these filters.", "没有符合筛选条件的应用。"), "/console/apps",
				      CL(&c, "Show all apps", "显示全部应用"));
		else
			kf_page_empty(h,
				      CL(&c, "You have no apps yet. Create one: it starts as a draft that you can "
					     "complete and submit for review.",
					 "你还没有应用。创建一个应用：它先作为草稿，补全后提交审核。"),
				      "/console/apps/new", CL(&c, "Create an app", "创建应用"));
	} else {
		kf_html_raw(h, "<div class=\"table\"><table><thead><tr><th scope=\"col\">");
		kf_html_text(h, CL(&c, "App", "应用"));
		kf_html_raw(h, "</th><th scope=\"col\">");
		kf_html_text(h, CL(&c, "App ID", "应用 ID"));
		kf_html_raw(h, "</th><th scope=\"col\">");
		kf_html_text(h, CL(&c, "State", "状态"));
		kf_html_raw(h, "</th><th scope=\"col\">");
		kf_html_text(h, CL(&c, "Provider", "服务商"));
		kf_html_raw(h, "</th><th scope=\"col\">");
		kf_html_text(h, CL(&c, "Last change", "最近更新"));
		kf_html_raw(h, "</th></tr></thead><tbody>");
		json_t *a;
		size_t i;
		json_array_foreach(items, i, a) {
			const char *id = kf_con_str(&c, a, "app_id");
			const char *name = kf_con_str(&c, a, "name");
			kf_html_raw(h, "<tr><td>");
			kf_con_link(&c, NULL, kf_con_fmt(&c, "/console/apps/%s", id), name && *name ? name : id);
			kf_html_raw(h, "</td><td>");
			copyable(&c, id);
			kf_html_raw(h, "</td><td>");
			kf_page_badge(h, c.lang, kf_con_str(&c, a, "state"));
			kf_html_raw(h, "</td><td>");
			kf_html_text(h, kf_con_str(&c, a, "provider_name"));
			kf_html_raw(h, "</td><td>");
			kf_con_time(&c, json_integer_value(json_object_get(a, "updated_at")));
			kf_html_raw(h, "</td></tr>");
		}
		kf_html_raw(h, "</tbody></table></div>");
	}
	const char *next = json_string_value(json_object_get(page, "next_after"));
	if (next || after) {
		kf_html_raw(h, "<nav class=\"actions\"");
		kf_html_attr(h, "aria-label", CL(&c, "Pages", "分页"));
		kf_html_raw(h, ">");
		const char *base = kf_con_fmt(&c, "/console/apps?provider=%s&state=%s", prov ? prov : "", state ? state : "");
		if (after)
			kf_con_link(&c, NULL, base, CL(&c, "First page", "第一页"));
		if (next)
			kf_con_link(&c, NULL, kf_con_fmt(&c, "%s&after=%s", base, next), CL(&c, "Next page", "下一页"));
		kf_html_raw(h, "</nav>");
	}
	kf_con_finish(&c);
}

/* ---------------------------------------------------------- create an app */

/* The page that shows a new secret: once, with a copy button. Not stored
 * by the browser (no-store) and not reachable again. */
static void show_secret(struct kf_con *c, json_t *app, const char *secret, const char *title, const char *lead)
{
	/* every answer of the server is no-store already (http/): the secret
	 * stays out of the browser's cache without more */
	kf_con_app_open(c, app, NULL, title);
	struct kf_html *h = &c->h;
	kf_page_notice(h, "ok", lead);
	kf_html_raw(h, "<section class=\"card\">");
	kf_con_h2(c, CL(c, "App secret", "应用密钥"));
	kf_page_notice(h, "warn",
		       CL(c, "Copy the secret now and keep it on your servers only. It will not be shown again: the "
			     "platform keeps only its hash. If you lose it, rotate it on the Credentials tab.",
			  "请立即复制密钥，并只保存在你的服务器上。它不会再次显示：平台只保存其哈希值。如果遗失，请在“凭据”页轮换。"));
	kf_html_raw(h, "<p class=\"secret\" id=\"secret\">");
	kf_html_text(h, secret);
	kf_html_raw(h, "</p><p><button type=\"button\" class=\"copy\" hidden");
	kf_html_attr(h, "data-copy", secret);
	kf_html_attr(h, "data-done", CL(c, "Copied", "已复制"));
	kf_html_raw(h, ">");
	kf_html_text(h, CL(c, "Copy the secret", "复制密钥"));
	kf_html_raw(h, "</button></p><dl class=\"props\">");
	kf_html_raw(h, "<dt>");
	kf_html_text(h, CL(c, "App ID", "应用 ID"));
	kf_html_raw(h, "</dt><dd>");
	copyable(c, kf_con_app_id(app));
	kf_html_raw(h, "</dd></dl></section><p>");
	kf_con_link(c, NULL, kf_con_app_href(c, app, ""), CL(c, "I have stored it: go to the app", "我已保存：前往应用"));
	kf_html_raw(h, "</p>");
	kf_con_finish(c);
}

static void app_new(struct kf_req *r)
{
	struct kf_con c;
	if (!kf_con_start(r, &c, true))
		return;
	c.section = "apps";
	json_t *provs = my_providers(&c);
	const char *pid = kf_con_keep(&c, "provider_id", kf_con_q(&c, "provider"));
	if (!pid && json_array_size(provs))
		pid = kf_con_str(&c, json_array_get(provs, 0), "org_id");
	if (c.post) {
		json_t *body = kf_appform_body(&c, kf_appform_info, kf_appform_n_info, false, NULL);
		kf_appform_body(&c, kf_appform_dev, kf_appform_n_dev, false, body);
		json_object_set_new(body, "permission_sets", kf_appform_sets_posted(&c));
		if (!json_is_true(kf_appform_member(body, "dev.public_client")))
			json_object_del(json_object_get(body, "dev"), "public_client");
		if (!json_object_size(json_object_get(body, "dev")))
			json_object_del(body, "dev");
		json_t *made = kf_appform_digits(pid) ? kf_con_send(&c, "POST", body, "/v1/providers/%s/apps", pid) : NULL;
		json_decref(body);
		if (!made && !c.has_err) {
			c.has_err = true;
			c.err = (struct kf_con_err){.status = 400, .code = "missing_field", .field = "provider_id",
						    .message = CL(&c, "Choose a provider.", "请选择服务商。")};
		}
		if (made) {
			c.status = 201;
			show_secret(&c, made, kf_con_str(&c, made, "app_secret"), CL(&c, "App created", "应用已创建"),
				    CL(&c, "The app is a draft. Complete it, then submit it for the creation review on its "
					   "Overview.",
				       "应用已创建为草稿。补全信息后，在“概览”页提交创建审核。"));
			return;
		}
		c.status = c.err.status ? c.err.status : 400;
		if (c.err.field && !strcmp(c.err.field, "id"))
			c.err.field = "provider_id";
	}
	kf_con_open(&c, CL(&c, "Create an app", "创建应用"),
		    (struct kf_page_link[]){{"/console/apps", CL(&c, "Apps", "应用"), false}}, 1);
	struct kf_html *h = &c.h;
	if (!json_array_size(provs)) {
		kf_page_empty(h,
			      CL(&c, "Apps belong to a certified provider. Register your company as a provider first.",
				 "应用属于已认证的服务商。请先将你的公司注册为服务商。"),
			      "/console/orgs/new", CL(&c, "Register a provider", "注册服务商"));
		kf_con_finish(&c);
		return;
	}
	kf_con_para(&c, NULL,
	     CL(&c, "Only the name is needed now: the app is saved as a draft. Everything else you fill in is checked at "
		    "once, and everything is needed before the creation review.",
		"现在只需填写名称：应用会保存为草稿。你填写的其他内容会立即校验；提交创建审核前需全部填写。"));
	kf_con_form(&c, "/console/apps/new", false);
	struct kf_page_option *o = kf_arena_alloc(r->arena, json_array_size(provs) * sizeof(*o));
	json_t *m;
	size_t i;
	json_array_foreach(provs, i, m) {
		o[i].value = kf_con_str(&c, m, "org_id");
		o[i].label = kf_con_str(&c, m, "name");
	}
	struct kf_page_field pf = {.name = "provider_id", .label = CL(&c, "Provider", "服务商"), .type = "select",
				   .value = pid, .options = o, .n_options = json_array_size(provs), .required = true,
				   .hint = CL(&c, "The provider must be certified.", "服务商须已通过认证。")};
	kf_con_field(&c, &pf);
	/* a fresh key, so that nobody has to make one by hand */
	json_t *blank = json_object();
	kf_arena_defer(r->arena, (void (*)(void *))json_decref, blank);
	json_t *key = c.post ? NULL : kf_con_send(&c, "POST", NULL, "/v1/aes-keys");
	c.has_err = c.post ? c.has_err : false;
	if (key)
		kf_appform_set(blank, "dev.aes_key", json_incref(json_object_get(key, "aes_key")));
	kf_html_raw(h, "<h2>");
	kf_html_text(h, CL(&c, "Basic info", "基本信息"));
	kf_html_raw(h, "</h2>");
	for (i = 0; i < kf_appform_n_info; i++)
		kf_appform_input(&c, &kf_appform_info[i], blank);
	kf_html_raw(h, "<h2>");
	kf_html_text(h, CL(&c, "Permission sets", "权限集"));
	kf_html_raw(h, "</h2>");
	kf_appform_sets(&c, NULL);
	kf_html_raw(h, "<h2>");
	kf_html_text(h, CL(&c, "Development settings", "开发配置"));
	kf_html_raw(h, "</h2>");
	kf_con_para(&c, "muted",
	     CL(&c, "Developing on your own computer? Create the app first, then follow \"Develop locally\" on its page.",
		"在自己的电脑上开发？先创建应用，再按应用页面上的“本地开发”操作。"));
	for (i = 0; i < kf_appform_n_dev; i++)
		kf_appform_input(&c, &kf_appform_dev[i], blank);
	kf_html_raw(h, "<div class=\"actions\">");
	kf_page_button(h, "primary", CL(&c, "Create the app", "创建应用"), NULL, NULL);
	kf_con_link(&c, NULL, "/console/apps", CL(&c, "Cancel", "取消"));
	kf_html_raw(h, "</div>");
	kf_page_form_close(h);
	kf_con_finish(&c);
}
/* ------------------------------------------------------------- overview */

/* What the state means and what to do next, in one or two sentences. */
static const char *state_text(struct kf_con *c, const char *st)
{
	static const struct {
		const char *state, *en, *zh;
	} t[] = {
		{"draft", "A draft: nobody can authorize it yet. Complete the settings below, then submit it for the creation review.",
		 "草稿：还不能被授权。补全下列设置后，提交创建审核。"},
		{"creation_review", "In the creation review: a reviewer checks the app. You are told in your inbox when it is decided; settings cannot be changed meanwhile.",
		 "创建审核中：审核人员正在检查应用。审核结果会发到你的站内信；审核期间不能修改设置。"},
		{"developing", "In development (test mode): it receives verify tickets, and the host accounts on its test allowlist may authorize it. Next: prepare the listing and submit the full release.",
		 "开发中（测试模式）：应用会收到验证票据，授权测试白名单中的授权账号可以授权它。下一步：准备上架信息并提交全网发布。"},
		{"release_review", "In the release review. You are told in your inbox when it is decided.",
		 "全网发布审核中。审核结果会发到你的站内信。"},
		{"released", "Released to every host account.", "已全网发布，所有授权账号均可授权。"},
		{"suspended", "Suspended by the platform: it cannot be authorized and its tokens do not work. See your inbox for why and what to do.",
		 "已被平台暂停：不能被授权，令牌不可用。原因和处理方法见站内信。"},
		{"delisted", "Delisted from the marketplace.", "已从应用市场下架。"},
		{"withdrawn", "Withdrawn.", "已撤回。"},
	};
	for (size_t i = 0; st && i < sizeof(t) / sizeof(t[0]); i++)
		if (!strcmp(t[i].state, st))
			return CL(c, t[i].en, t[i].zh);
	return "";
}

/* The fields the creation review needs that the draft lacks, as links to
 * the tab that has them. Returns how many are missing. */
static size_t missing_list(struct kf_con *c, json_t *app, bool render)
{
	json_t *cfg = kf_appform_cfg(app);
	size_t n = 0;
	struct kf_html scratch, *h = &c->h;
	if (!render) {
		kf_html_init(&scratch, c->r->arena);
		h = &scratch;
	}
	for (size_t k = 0; k < 3; k++) {
		const struct kf_appform_field *fs = k == 0 ? kf_appform_info : kf_appform_dev;
		size_t nf = k == 0 ? kf_appform_n_info : k == 1 ? kf_appform_n_dev : 0;
		for (size_t i = 0; i < nf; i++) {
			if (!fs[i].review || !kf_appform_empty(kf_appform_member(cfg, fs[i].name)) || !strcmp(fs[i].name, "audience"))
				continue;
			if (!n++)
				kf_html_raw(h, "<ul>");
			kf_html_raw(h, "<li>");
			kf_html_raw(h, "<a");
			kf_html_url_attr(h, "href", kf_con_app_href(c, app, kf_con_fmt(c, "%s#f-%s", k == 0 ? "/info" : "/dev", fs[i].name)));
			kf_html_raw(h, ">");
			kf_html_text(h, CL(c, fs[i].en, fs[i].zh));
			kf_html_raw(h, "</a>");
			kf_html_raw(h, "</li>");
		}
		if (k == 2 && kf_appform_empty(kf_appform_member(cfg, "permission_sets"))) {
			if (!n++)
				kf_html_raw(h, "<ul>");
			kf_html_raw(h, "<li>");
			kf_html_raw(h, "<a");
			kf_html_url_attr(h, "href", kf_con_app_href(c, app, "/permissions"));
			kf_html_raw(h, ">");
			kf_html_text(h, CL(c, "Permission sets", "权限集"));
			kf_html_raw(h, "</a></li>");
		}
	}
	if (n)
		kf_html_raw(h, "</ul>");
	return n;
}

static void review_card(struct kf_con *c, json_t *rv)
{
	struct kf_html *h = &c->h;
	if (!json_is_object(rv))
		return;
	const char *st = kf_con_str(c, rv, "state");
	kf_html_raw(h, "<section class=\"card\">");
	kf_con_h2(c, CL(c, "Creation review", "创建审核"));
	kf_html_raw(h, "<dl class=\"props\"><dt>");
	kf_html_text(h, CL(c, "Outcome", "结果"));
	kf_html_raw(h, "</dt><dd>");
	kf_page_badge(h, c->lang, st && !strcmp(st, "pending") ? "in_review" : st);
	kf_html_raw(h, "</dd><dt>");
	kf_html_text(h, CL(c, "Submitted", "提交时间"));
	kf_html_raw(h, "</dt><dd>");
	kf_con_time(c, json_integer_value(json_object_get(rv, "submitted_at")));
	kf_html_raw(h, "</dd><dt>");
	bool pending = st && !strcmp(st, "pending");
	kf_html_text(h, pending ? CL(c, "Due", "预计完成") : CL(c, "Decided", "审核时间"));
	kf_html_raw(h, "</dt><dd>");
	kf_con_time(c, json_integer_value(json_object_get(rv, pending ? "due_at" : "decided_at")));
	kf_html_raw(h, "</dd></dl>");
	json_t *reasons = json_object_get(rv, "reasons"), *x;
	size_t i;
	if (json_array_size(reasons)) {
		kf_html_raw(h, "<h3>");
		kf_html_text(h, CL(c, "Reasons to fix", "需要修改的问题"));
		kf_html_raw(h, "</h3><ul>");
		json_array_foreach(reasons, i, x) {
			const char *rule = kf_con_str(c, x, "rule"), *field = kf_con_str(c, x, "field");
			kf_html_raw(h, "<li>");
			if (rule && *rule) {
				kf_page_rule(h, rule);
				kf_html_raw(h, " ");
			}
			if (field && *field) {
				kf_html_raw(h, "<code>");
				kf_html_text(h, field);
				kf_html_raw(h, "</code>: ");
			}
			kf_html_text(h, kf_con_str(c, x, "message"));
			kf_html_raw(h, "</li>");
		}
		kf_html_raw(h, "</ul>");
	}
	kf_html_raw(h, "</section>");
}

static void overview_page(struct kf_con *c, json_t *app)
{
	struct kf_html *h = &c->h;
	const char *st = kf_con_str(c, app, "state");
	kf_con_app_open(c, app, "overview", NULL);
	kf_html_raw(h, "<section class=\"card\"><p>");
	kf_page_badge(h, c->lang, st);
	kf_con_app_market_badges(c, app); /* GOV-1: not recommended, measures in force */
	kf_html_raw(h, " ");
	kf_html_text(h, state_text(c, st));
	kf_html_raw(h, "</p>");
	if (app_is(app, "draft")) {
		kf_con_h2(c, CL(c, "Next step", "下一步"));
		if (missing_list(c, app, false)) {
			kf_con_para(c, NULL, CL(c, "The creation review needs these fields; fill them in first:",
					 "提交创建审核前，请先填写以下字段："));
			missing_list(c, app, true);
		} else {
			kf_con_para(c, NULL, CL(c, "Everything the creation review needs is filled in.", "创建审核所需的内容已全部填写。"));
			kf_con_form(c, kf_con_app_href(c, app, "/creation-review"), false);
			kf_page_button(h, "primary", CL(c, "Submit for the creation review", "提交创建审核"), NULL, NULL);
			kf_page_form_close(h);
		}
	} else if (app_is(app, "developing")) {
		kf_html_raw(h, "<ul><li>");
		kf_con_link(c, NULL, kf_con_app_href(c, app, "/local"), CL(c, "Develop locally: point the app at a receiver on your computer",
							      "本地开发：让应用推送到你电脑上的接收服务"));
		kf_html_raw(h, "</li><li>");
		kf_con_link(c, NULL, kf_con_app_href(c, app, "/listing"), CL(c, "Prepare the listing", "准备上架信息"));
		kf_html_raw(h, "</li><li>");
		kf_con_link(c, NULL, kf_con_app_href(c, app, "/submissions"), CL(c, "Submit the full release", "提交全网发布"));
		kf_html_raw(h, "</li></ul>");
		if (json_is_object(json_object_get(app, "draft_config"))) {
			kf_page_notice(h, "info",
				       CL(c, "There is a draft configuration that is not live yet: review and activate it on "
					     "the Versions tab.",
					  "有尚未生效的草稿配置：请在“配置版本”页查看并使其生效。"));
		}
	}
	kf_html_raw(h, "</section><section class=\"card\">");
	kf_con_h2(c, CL(c, "The app", "应用信息"));
	kf_html_raw(h, "<dl class=\"props\"><dt>");
	kf_html_text(h, CL(c, "App ID", "应用 ID"));
	kf_html_raw(h, "</dt><dd>");
	copyable(c, kf_con_app_id(app));
	kf_html_raw(h, "</dd>");
	json_int_t pid = json_integer_value(json_object_get(app, "provider_id"));
	const char *pn = provider_name(c, pid);
	kf_html_raw(h, "<dt>");
	kf_html_text(h, CL(c, "Provider", "服务商"));
	kf_html_raw(h, "</dt><dd>");
	kf_con_link(c, NULL, kf_con_fmt(c, "/console/orgs/%lld", (long long)pid), pn ? pn : CL(c, "Provider", "服务商"));
	kf_html_raw(h, "</dd>");
	const char *aud = kf_con_str(c, app, "audience");
	kf_page_dl_row(h, CL(c, "Who may authorize it", "可授权范围"),
		       aud && !strcmp(aud, "self_use") ? CL(c, "Only your own host accounts", "仅自己的授权账号")
						       : CL(c, "Every host account", "所有授权账号"));
	json_t *live = json_object_get(app, "live_config");
	kf_page_dl_row(h, CL(c, "Live configuration", "生效配置"),
		       json_is_object(live) ? CL(c, "yes: the platform pushes to its URLs", "有：平台按其地址推送")
					    : CL(c, "none yet (it goes live when the creation review passes)",
						 "暂无（创建审核通过后生效）"));
	kf_html_raw(h, "</dl></section>");
	review_card(c, json_object_get(app, "creation_review"));
	kf_html_raw(h, "<p class=\"small\">");
	kf_con_link(c, NULL, kf_con_app_href(c, app, "/delete"), CL(c, "Delete this app", "删除此应用"));
	kf_html_raw(h, "</p>");
	kf_con_finish(c);
}

static void app_overview(struct kf_req *r)
{
	struct kf_con c;
	json_t *app;
	if (!kf_con_start(r, &c, true) || !kf_con_app_load(&c, kf_req_param(r, "id"), &app))
		return;
	overview_page(&c, app);
}

static void app_submit_creation(struct kf_req *r)
{
	struct kf_con c;
	json_t *app;
	if (!kf_con_start(r, &c, true) || !kf_con_app_load(&c, kf_req_param(r, "id"), &app))
		return;
	if (kf_con_send(&c, "POST", NULL, "/v1/apps/%s/creation-review", kf_con_app_id(app))) {
		kf_con_redirect(&c, kf_con_app_href(&c, app, "?ok=submitted"));
		return;
	}
	c.status = c.err.status;
	overview_page(&c, app);
}

static void app_delete(struct kf_req *r)
{
	struct kf_con c;
	json_t *app;
	if (!kf_con_start(r, &c, true) || !kf_con_app_load(&c, kf_req_param(r, "id"), &app))
		return;
	c.section = "apps";
	const char *name = kf_con_app_name(&c, app);
	if (c.post && kf_con_val(&c, "confirm")) {
		if (kf_con_send(&c, "DELETE", NULL, "/v1/apps/%s", kf_con_app_id(app))) {
			kf_con_redirect(&c, "/console/apps?ok=deleted");
			return;
		}
		c.status = c.err.status;
	}
	kf_con_confirm(&c, kf_con_fmt(&c, CL(&c, "Delete %s?", "删除 %s？"), name),
		       CL(&c, "The app stops at once and for good: nothing more is pushed to it, every host account's "
			      "authorization ends, and an open review is withdrawn.",
			  "应用会立即永久停用：不再向它推送任何消息，所有授权方的授权结束，进行中的审核被撤回。"),
		       kf_con_app_href(&c, app, "/delete"), CL(&c, "Delete the app", "删除应用"),
		       kf_con_app_href(&c, app, ""), NULL, 0);
}
/* ------------------------------------------------- editing the configuration */

/* Where the page's values come from, said above the form. */
static void version_note(struct kf_con *c, json_t *app)
{
	if (json_is_object(json_object_get(app, "draft_config")))
		kf_page_notice(&c->h, "info",
			       json_is_object(json_object_get(app, "live_config"))
				       ? CL(c, "You are editing the draft. The live configuration stays in force until the "
					       "draft is activated (Versions tab).",
					    "你正在编辑草稿。在草稿生效前（“配置版本”页），平台继续使用生效配置。")
				       : CL(c, "You are editing the draft. It goes live when the creation review passes.",
					    "你正在编辑草稿。创建审核通过后它将生效。"));
	else
		kf_page_notice(&c->h, "info",
			       CL(c, "Saving makes a new draft version; the live configuration stays in force until you "
				     "activate it (Versions tab).",
				  "保存会生成新的草稿版本；在你使其生效前（“配置版本”页），平台继续使用生效配置。"));
}

/* PATCH the app with body (borrowed); on success redirect back to the tab. */
static bool save_patch(struct kf_con *c, json_t *app, json_t *body, const char *tab_suffix)
{
	if (kf_con_send(c, "PATCH", body, "/v1/apps/%s", kf_con_app_id(app))) {
		kf_con_redirect(c, kf_con_app_href(c, app, kf_con_fmt(c, "%s?ok=draft_saved", tab_suffix)));
		return true;
	}
	c->status = c->err.status;
	return false;
}

/* An icon file posted with basic info: uploaded (POST /v1/files), its id
 * put into body as icon_file. False with the refusal at the field. */
static bool icon_posted(struct kf_con *c, json_t *body)
{
	int i = kf_form_index(&c->form, "icon_file");
	if (i < 0 || !c->form.lens[i])
		return true;
	struct kf_form q = {0};
	if (c->form.filenames[i] && *c->form.filenames[i] && !strpbrk(c->form.filenames[i], "/\\"))
		kf_form_set(&q, "name", c->form.filenames[i]);
	struct kf_call call;
	kf_con_call(c, "POST", "/v1/files", &q, c->form.types[i] ? c->form.types[i] : "application/octet-stream",
		    c->form.values[i], c->form.lens[i], &call);
	json_t *id = json_object_get(call.body, "id");
	if (call.status != 201 || !json_is_integer(id)) {
		kf_con_take_err(c, &call);
		c->err.field = "icon_file";
		c->status = c->err.status ? c->err.status : 400;
		return false;
	}
	kf_appform_set(body, "icon_file", json_incref(id));
	return true;
}

static void fields_page(struct kf_req *r, const char *tab, const struct kf_appform_field *fs, size_t n, const char *suffix)
{
	struct kf_con c;
	json_t *app;
	if (!kf_con_start(r, &c, true) || !kf_con_app_load(&c, kf_req_param(r, "id"), &app))
		return;
	bool dev = !strcmp(tab, "dev");
	if (c.post && dev && kf_con_val(&c, "generate_key")) {
		/* a fresh key into the form, nothing saved yet */
		json_t *k = kf_con_send(&c, "POST", NULL, "/v1/aes-keys");
		int i = kf_form_index(&c.form, "dev.aes_key");
		if (k && i >= 0)
			c.form.values[i] = kf_arena_strdup(r->arena, json_string_value(json_object_get(k, "aes_key")));
	} else if (c.post) {
		json_t *body = kf_appform_body(&c, fs, n, true, NULL);
		bool ok = dev || icon_posted(&c, body);
		ok = ok && save_patch(&c, app, body, suffix);
		json_decref(body);
		if (ok)
			return;
	}
	kf_con_app_open(&c, app, tab, dev ? CL(&c, "Development settings", "开发配置") : CL(&c, "Basic info", "基本信息"));
	struct kf_html *h = &c.h;
	version_note(&c, app);
	if (dev) {
		kf_html_raw(h, "<p>");
		kf_con_link(&c, NULL, kf_con_app_href(&c, app, "/local"),
		     CL(&c, "Developing on your computer? How to point the app at a local receiver",
			"在自己的电脑上开发？如何把应用指向本地接收服务"));
		kf_html_raw(h, "</p>");
	}
	kf_con_form(&c, kf_con_app_href(&c, app, suffix), !dev);
	json_t *cfg = kf_appform_cfg(app);
	if (!dev) {
		bool has = json_is_integer(kf_appform_member(cfg, "icon_file"));
		struct kf_page_field icon = {
			.name = "icon_file",
			.label = CL(&c, "Icon", "应用图标"),
			.type = "file",
			.accept = "image/png,image/jpeg",
			.hint = has ? CL(&c, "An icon is set. Choose a PNG or JPEG file to replace it.",
					  "已设置图标。选择 PNG 或 JPEG 文件可替换。")
				    : CL(&c, "A PNG or JPEG file; optional.", "PNG 或 JPEG 文件；可选。"),
		};
		kf_con_field(&c, &icon);
	}
	for (size_t i = 0; i < n; i++) {
		kf_appform_input(&c, &fs[i], cfg);
		if (dev && !strcmp(fs[i].name, "dev.aes_key")) {
			kf_html_raw(h, "<div class=\"actions\">");
			kf_page_button(h, "secondary", CL(&c, "Generate a new key into the field", "生成新 Key 填入"),
				       "generate_key", "1");
			kf_html_raw(h, "</div>");
		}
	}
	kf_html_raw(h, "<div class=\"actions\">");
	kf_page_button(h, "primary", CL(&c, "Save as a new version", "保存为新版本"), NULL, NULL);
	kf_html_raw(h, "</div>");
	kf_page_form_close(h);
	if (dev && json_is_object(cfg)) {
		kf_html_raw(h, "<section class=\"card\">");
		kf_con_h2(&c, CL(&c, "Check a callback URL", "检测接收地址"));
		kf_con_para(&c, NULL,
		     CL(&c, "The platform sends the echo handshake (GET with signature, timestamp, nonce and echostr) to the "
			    "URL of the saved draft, else the live one; your receiver answers the echostr.",
			"平台向已保存的草稿（无草稿时为生效配置）中的地址发送回显校验（带 signature、timestamp、nonce、echostr 的 GET 请求），"
			"你的接收服务应原样返回 echostr。"));
		static const char *const eps[] = {"auth_receive_url", "message_url"};
		for (size_t i = 0; i < 2; i++) {
			kf_con_form(&c, kf_con_app_href(&c, app, "/verify"), false);
			kf_page_hidden(h, "endpoint", eps[i]);
			kf_page_button(h, "secondary",
				       i ? CL(&c, "Check the message and event URL", "检测消息与事件接收URL")
					 : CL(&c, "Check the authorization event URL", "检测授权事件接收URL"),
				       NULL, NULL);
			kf_page_form_close(h);
		}
		kf_html_raw(h, "</section>");
	}
	kf_con_finish(&c);
}

static void app_info(struct kf_req *r)
{
	fields_page(r, "info", kf_appform_info, kf_appform_n_info, "/info");
}

static void app_dev(struct kf_req *r)
{
	fields_page(r, "dev", kf_appform_dev, kf_appform_n_dev, "/dev");
}

static void app_permissions(struct kf_req *r)
{
	struct kf_con c;
	json_t *app;
	if (!kf_con_start(r, &c, true) || !kf_con_app_load(&c, kf_req_param(r, "id"), &app))
		return;
	if (c.post) {
		json_t *body = json_pack("{s:o}", "permission_sets", kf_appform_sets_posted(&c));
		bool ok = save_patch(&c, app, body, "/permissions");
		json_decref(body);
		if (ok)
			return;
	}
	kf_con_app_open(&c, app, "permissions", CL(&c, "Permission sets", "权限集"));
	version_note(&c, app);
	json_t *live = json_object_get(json_object_get(app, "live_config"), "permission_sets");
	if (json_array_size(live)) {
		kf_html_raw(&c.h, "<p class=\"muted\">");
		kf_html_text(&c.h, CL(&c, "In force now (live): ", "当前生效："));
		kf_html_text(&c.h, kf_appform_value(&c, live));
		kf_html_raw(&c.h, "</p>");
	}
	kf_con_form(&c, NULL, false);
	kf_appform_sets(&c, kf_appform_member(kf_appform_cfg(app), "permission_sets"));
	kf_html_raw(&c.h, "<div class=\"actions\">");
	kf_page_button(&c.h, "primary", CL(&c, "Save as a new version", "保存为新版本"), NULL, NULL);
	kf_html_raw(&c.h, "</div>");
	kf_page_form_close(&c.h);
	kf_con_para(&c, "muted",
	     CL(&c, "Host accounts that authorized the app keep the sets they granted; sets added later are asked for when "
		    "they authorize again.",
		"已授权的授权方保留其授予的权限集；新增的权限集在其再次授权时申请。"));
	kf_con_finish(&c);
}

/* ---- checking a callback URL (the API's handshake runs on a thread) ---- */

struct verify_job {
	struct kf_con *c;
	json_t *app;
	void (*fn)(struct kf_req *r, void *arg);
	void *arg;
};

static void verify_page(struct kf_con *c, json_t *app, const struct kf_call *call)
{
	struct kf_html *h = &c->h;
	if (call->status != 200)
		kf_con_take_err(c, call);
	kf_con_app_open(c, app, "dev", CL(c, "Check a callback URL", "检测接收地址"));
	json_t *b = call->status == 200 ? call->body : NULL;
	if (b) {
		bool ok = json_is_true(json_object_get(b, "ok"));
		const char *lat = kf_con_str(c, b, "latency_ms"), *st = kf_con_str(c, b, "http_status");
		kf_page_notice(h, ok ? "ok" : "error",
			       ok ? kf_con_fmt(c, CL(c, "It works: the URL answered the handshake (HTTP %s in %s ms).",
						     "检测通过：该地址正确响应了校验（HTTP %s，耗时 %s 毫秒）。"),
					       st ? st : "200", lat ? lat : "?")
				  : kf_con_fmt(c, CL(c, "It does not work yet (%s): %s", "检测未通过（%s）：%s"),
					       kf_con_str(c, b, "failure"), kf_con_str(c, b, "message")));
		kf_html_raw(h, "<dl class=\"props\">");
		kf_page_dl_row(h, "URL", kf_con_str(c, b, "url"));
		kf_page_dl_row(h, CL(c, "HTTP status", "HTTP 状态"), st);
		kf_page_dl_row(h, CL(c, "Start of the answer", "响应开头"), kf_con_str(c, b, "excerpt"));
		kf_html_raw(h, "</dl>");
	}
	kf_html_raw(h, "<p>");
	kf_con_link(c, NULL, kf_con_app_href(c, app, "/dev"), CL(c, "Back to the development settings", "返回开发配置"));
	kf_html_raw(h, " · ");
	kf_con_link(c, NULL, kf_con_app_href(c, app, "/local"), CL(c, "Develop locally", "本地开发"));
	kf_html_raw(h, "</p>");
	kf_con_finish(c);
}

static void verify_finish(struct kf_req *r, void *arg)
{
	struct verify_job *j = arg;
	j->fn(r, j->arg);
	struct kf_call call;
	kf_api_take_reply(r, &call);
	verify_page(j->c, j->app, &call);
	/* the page's reads on this thread took a connection: give it back */
	kf_api_release(r);
}

static void app_verify(struct kf_req *r)
{
	struct kf_con *c = kf_arena_alloc(r->arena, sizeof(*c));
	json_t *app;
	if (!kf_con_start(r, c, true) || !kf_con_app_load(c, kf_req_param(r, "id"), &app))
		return;
	const char *ep = kf_con_val(c, "endpoint");
	json_t *body = json_pack("{s:s}", "endpoint", ep && !strcmp(ep, "message_url") ? "message_url" : "auth_receive_url");
	struct kf_call call;
	kf_api_call(r, "POST", kf_con_fmt(c, "/v1/apps/%s/endpoints:verify", kf_con_app_id(app)), NULL, body, &call);
	json_decref(body);
	if (call.deferred) {
		struct verify_job *j = kf_arena_alloc(r->arena, sizeof(*j));
		*j = (struct verify_job){c, app, r->defer_fn, r->defer_arg};
		kf_req_defer(r, verify_finish, j);
		return;
	}
	verify_page(c, app, &call);
}
/* ------------------------------------------------------------- versions */

static const char *role_word(struct kf_con *c, const char *role)
{
	return !strcmp(role, "live") ? CL(c, "Live", "生效中") : !strcmp(role, "draft") ? CL(c, "Draft", "草稿") : CL(c, "Earlier", "历史版本");
}

static json_t *version_of(json_t *items, long v)
{
	size_t i;
	json_t *e;
	json_array_foreach(items, i, e) {
		if (json_integer_value(json_object_get(e, "version")) == v)
			return e;
	}
	return NULL;
}

static long role_version(json_t *items, const char *role)
{
	size_t i;
	json_t *e;
	json_array_foreach(items, i, e) {
		const char *r = json_string_value(json_object_get(e, "role"));
		if (r && !strcmp(r, role))
			return (long)json_integer_value(json_object_get(e, "version"));
	}
	return 0;
}

static void app_versions(struct kf_req *r)
{
	struct kf_con c;
	json_t *app;
	if (!kf_con_start(r, &c, true) || !kf_con_app_load(&c, kf_req_param(r, "id"), &app))
		return;
	if (c.post) {
		if (kf_con_send(&c, "POST", NULL, "/v1/apps/%s/configs:activate", kf_con_app_id(app))) {
			kf_con_redirect(&c, kf_con_app_href(&c, app, "/versions?ok=activated"));
			return;
		}
		c.status = c.err.status;
	}
	json_t *list = kf_appform_quiet_get(&c, kf_con_fmt(&c, "/v1/apps/%s/configs", kf_con_app_id(app)));
	json_t *items = json_object_get(list, "items");
	struct kf_html *h = &c.h;
	kf_con_app_open(&c, app, "versions", CL(&c, "Configuration versions", "配置版本"));
	long live = role_version(items, "live"), draft = role_version(items, "draft");
	long newest = json_array_size(items) ? (long)json_integer_value(json_object_get(json_array_get(items, 0), "version")) : 0;
	/* which two to compare: ?v= against ?against=, else the draft against the live one */
	const char *qv = kf_con_q(&c, "v"), *qa = kf_con_q(&c, "against");
	long v = kf_appform_digits(qv) && strlen(qv) < 9 ? atol(qv) : draft ? draft : newest;
	long against = kf_appform_digits(qa) && strlen(qa) < 9 ? atol(qa) : (v == draft && live) ? live : v - 1;
	if (draft) {
		kf_html_raw(h, "<section class=\"card\">");
		kf_con_h2(&c, kf_con_fmt(&c, CL(&c, "Version %ld is a draft", "版本 %ld 是草稿"), draft));
		if (app_is(app, "developing")) {
			kf_con_para(&c, NULL,
			     CL(&c, "In development you put a draft live yourself: the whole configuration is checked again, "
				    "then the platform pushes to its URLs and uses its settings at once.",
				"开发中的应用可以自行使草稿生效：平台会再次检查完整配置，随后立即按新配置推送并使用其设置。"));
			kf_con_form(&c, NULL, false);
			kf_page_button(h, "primary", kf_con_fmt(&c, CL(&c, "Activate version %ld", "使版本 %ld 生效"), draft),
				       NULL, NULL);
			kf_page_form_close(h);
		} else if (app_is(app, "draft") || app_is(app, "creation_review")) {
			kf_con_para(&c, NULL, CL(&c, "It goes live when the creation review passes.", "创建审核通过后它将生效。"));
		} else {
			kf_con_para(&c, NULL,
			     CL(&c, "A released app's draft goes live through a change review (Submissions tab).",
				"已发布应用的草稿需通过变更审核生效（“提交审核”页）。"));
		}
		kf_html_raw(h, "</section>");
	}
	if (!json_array_size(items)) {
		kf_page_empty(h, CL(&c, "No versions yet.", "暂无版本。"), NULL, NULL);
		kf_con_finish(&c);
		return;
	}
	kf_html_raw(h, "<div class=\"table\"><table><thead><tr><th scope=\"col\">");
	kf_html_text(h, CL(&c, "Version", "版本"));
	kf_html_raw(h, "</th><th scope=\"col\">");
	kf_html_text(h, CL(&c, "Role", "状态"));
	kf_html_raw(h, "</th><th scope=\"col\">");
	kf_html_text(h, CL(&c, "Saved", "保存时间"));
	kf_html_raw(h, "</th><th scope=\"col\">");
	kf_html_text(h, CL(&c, "Changes", "变更"));
	kf_html_raw(h, "</th></tr></thead><tbody>");
	json_t *e;
	size_t i;
	json_array_foreach(items, i, e) {
		long ver = (long)json_integer_value(json_object_get(e, "version"));
		const char *role = kf_con_str(&c, e, "role");
		kf_html_raw(h, "<tr><td>");
		kf_html_text(h, kf_con_fmt(&c, "%ld", ver));
		kf_html_raw(h, "</td><td>");
		kf_html_raw(h, !strcmp(role, "live") ? "<span class=\"badge good\">" : !strcmp(role, "draft") ? "<span class=\"badge wait\">" : "<span class=\"badge\">");
		kf_html_text(h, role_word(&c, role));
		kf_html_raw(h, "</span></td><td>");
		kf_con_time(&c, json_integer_value(json_object_get(e, "created_at")));
		kf_html_raw(h, "</td><td>");
		if (ver > 1)
			kf_con_link(&c, NULL, kf_con_fmt(&c, "%s?v=%ld&against=%ld#diff", kf_con_app_href(&c, app, "/versions"), ver, ver - 1),
			     kf_con_fmt(&c, CL(&c, "Compare with version %ld", "与版本 %ld 比较"), ver - 1));
		else
			kf_html_text(h, CL(&c, "The first version", "第一个版本"));
		kf_html_raw(h, "</td></tr>");
	}
	kf_html_raw(h, "</tbody></table></div>");
	json_t *vb = version_of(items, v), *va = version_of(items, against);
	if (vb) {
		kf_html_raw(h, "<section class=\"card\" id=\"diff\">");
		kf_con_h2(&c, va ? kf_con_fmt(&c, CL(&c, "Changes from version %ld to version %ld", "从版本 %ld 到版本 %ld 的变更"), against, v)
			  : kf_con_fmt(&c, CL(&c, "Version %ld", "版本 %ld"), v));
		kf_con_para(&c, "muted", CL(&c, "Lines starting with - were removed, lines starting with + were added.",
				     "以 - 开头的行被删除，以 + 开头的行被新增。"));
		kf_appform_diff(&c, va ? json_object_get(va, "config") : NULL, json_object_get(vb, "config"));
		kf_html_raw(h, "</section>");
	}
	kf_con_finish(&c);
}

/* ---------------------------------------------------------- credentials */

static void credentials_page(struct kf_con *c, json_t *app)
{
	struct kf_html *h = &c->h;
	json_t *secrets = kf_appform_quiet_get(c, kf_con_fmt(c, "/v1/apps/%s/secrets", kf_con_app_id(app)));
	kf_con_app_open(c, app, "credentials", CL(c, "Credentials", "凭据"));
	kf_html_raw(h, "<section class=\"card\"><dl class=\"props\"><dt>");
	kf_html_text(h, CL(c, "App ID", "应用 ID"));
	kf_html_raw(h, "</dt><dd>");
	copyable(c, kf_con_app_id(app));
	kf_html_raw(h, "</dd></dl>");
	kf_con_para(c, "muted",
	     CL(c, "The app secret was shown once, when it was made. The platform keeps only its hash, so it cannot show "
		   "it again: if it is lost or leaked, rotate it.",
		"应用密钥只在生成时显示一次。平台只保存其哈希值，无法再次显示：如遗失或泄露，请轮换密钥。"));
	json_t *items = json_object_get(secrets, "items"), *s;
	size_t i;
	if (json_array_size(items)) {
		kf_html_raw(h, "<div class=\"table\"><table><thead><tr><th scope=\"col\">");
		kf_html_text(h, CL(c, "Secret made", "密钥生成时间"));
		kf_html_raw(h, "</th><th scope=\"col\">");
		kf_html_text(h, CL(c, "State", "状态"));
		kf_html_raw(h, "</th><th scope=\"col\">");
		kf_html_text(h, CL(c, "Accepted until", "有效期至"));
		kf_html_raw(h, "</th></tr></thead><tbody>");
		json_array_foreach(items, i, s) {
			const char *st = kf_con_str(c, s, "state");
			kf_html_raw(h, "<tr><td>");
			kf_con_time(c, json_integer_value(json_object_get(s, "created_at")));
			kf_html_raw(h, "</td><td>");
			kf_html_raw(h, !strcmp(st, "current") ? "<span class=\"badge good\">" : !strcmp(st, "grace") ? "<span class=\"badge wait\">" : "<span class=\"badge\">");
			kf_html_text(h, !strcmp(st, "current") ? CL(c, "In use", "使用中")
					: !strcmp(st, "grace") ? CL(c, "Replaced, still accepted", "已替换，宽限期内仍可用")
							       : CL(c, "Refused", "已失效"));
			kf_html_raw(h, "</span></td><td>");
			if (!strcmp(st, "current"))
				kf_html_text(h, CL(c, "until it is rotated", "直到轮换"));
			else
				kf_con_time(c, json_integer_value(json_object_get(s, "valid_until")));
			kf_html_raw(h, "</td></tr>");
		}
		kf_html_raw(h, "</tbody></table></div>");
	}
	kf_html_raw(h, "</section><section class=\"card\">");
	kf_con_h2(c, CL(c, "Rotate the secret", "轮换密钥"));
	kf_con_para(c, NULL,
	     CL(c, "A new secret is made and shown once. During the grace period the current secret still works, so your "
		   "servers can switch over; any older secret stops at once. Only the provider's owner may rotate.",
		"生成新密钥并只显示一次。宽限期内当前密钥仍然可用，便于你的服务器切换；更早的密钥立即失效。只有服务商的所有者可以轮换。"));
	kf_con_form(c, kf_con_app_href(c, app, "/credentials"), false);
	struct kf_page_option o[] = {
		{"3600", CL(c, "1 hour", "1 小时")},
		{"300", CL(c, "5 minutes", "5 分钟")},
		{"86400", CL(c, "24 hours (the longest)", "24 小时（最长）")},
		{"0", CL(c, "None: the current secret stops at once (after a leak)", "无：当前密钥立即失效（泄露时使用）")},
	};
	struct kf_page_field f = {.name = "grace_seconds", .label = CL(c, "Grace period", "宽限期"), .type = "select",
				  .value = "3600", .options = o, .n_options = 4};
	kf_con_field(c, &f);
	kf_html_raw(h, "<div class=\"actions\">");
	kf_page_button(h, "primary", CL(c, "Rotate the secret", "轮换密钥"), NULL, NULL);
	kf_html_raw(h, "</div>");
	kf_page_form_close(h);
	kf_html_raw(h, "</section>");
	kf_con_finish(c);
}

static void app_credentials(struct kf_req *r)
{
	struct kf_con c;
	json_t *app;
	if (!kf_con_start(r, &c, true) || !kf_con_app_load(&c, kf_req_param(r, "id"), &app))
		return;
	if (c.post) {
		const char *g = kf_con_val(&c, "grace_seconds");
		long grace = kf_appform_digits(g) && strlen(g) < 9 ? atol(g) : -1;
		if (grace == 0 && !kf_con_val(&c, "confirm")) {
			c.section = "apps";
			kf_con_confirm(&c, CL(&c, "Rotate the secret with no grace period?", "不设宽限期轮换密钥？"),
				       CL(&c, "Every secret but the new one stops working at once: your servers are refused "
					      "until they use the new secret.",
					  "除新密钥外的所有密钥立即失效：你的服务器在换用新密钥前，调用都会被拒绝。"),
				       kf_con_app_href(&c, app, "/credentials"), CL(&c, "Rotate now", "立即轮换"),
				       kf_con_app_href(&c, app, "/credentials"),
				       (const char *const[]){"grace_seconds", "0"}, 1);
			return;
		}
		json_t *body = json_pack("{s:I}", "grace_seconds", (json_int_t)grace);
		json_t *ok = kf_con_send(&c, "POST", body, "/v1/apps/%s/secret:rotate", kf_con_app_id(app));
		json_decref(body);
		if (ok) {
			show_secret(&c, app, kf_con_str(&c, ok, "app_secret"), CL(&c, "New app secret", "新的应用密钥"),
				    grace ? kf_con_fmt(&c,
						       CL(&c, "The secret was rotated. The previous one works for %ld more seconds.",
							  "密钥已轮换。原密钥在 %ld 秒内仍然可用。"),
						       grace)
					  : CL(&c, "The secret was rotated. Every earlier secret stopped working.",
					       "密钥已轮换。此前的所有密钥均已失效。"));
			return;
		}
		c.status = c.err.status;
	}
	credentials_page(&c, app);
}

/* ---------------------------------------------------------- ICP filings */

/* Does a host lie on one of the filed domains (or a subdomain of one)? */
static bool filed(json_t *filings, const char *host)
{
	size_t i, hl = host ? strlen(host) : 0;
	json_t *f;
	json_array_foreach(filings, i, f) {
		const char *d = json_string_value(json_object_get(f, "domain"));
		size_t dl = d ? strlen(d) : 0;
		if (dl && hl >= dl && !strcasecmp(host + hl - dl, d) && (hl == dl || host[hl - dl - 1] == '.'))
			return true;
	}
	return false;
}

static const char *url_host(struct kf_con *c, const char *url)
{
	const char *p = url ? strstr(url, "://") : NULL;
	if (!p)
		return NULL;
	p += 3;
	size_t n = strcspn(p, ":/?#");
	return kf_con_fmt(c, "%.*s", (int)n, p);
}

static void app_icp(struct kf_req *r)
{
	struct kf_con c;
	json_t *app;
	if (!kf_con_start(r, &c, true) || !kf_con_app_load(&c, kf_req_param(r, "id"), &app))
		return;
	long long pid = (long long)json_integer_value(json_object_get(app, "provider_id"));
	if (c.post) {
		const char *d = kf_con_val(&c, "domain"), *no = kf_con_val(&c, "icp_no");
		json_t *body = json_pack("{s:s, s:s}", "domain", d ? d : "", "icp_no", no ? no : "");
		json_t *ok = kf_con_send(&c, "POST", body, "/v1/providers/%lld/icp-filings", pid);
		json_decref(body);
		if (ok) {
			kf_con_redirect(&c, kf_con_app_href(&c, app, "/icp?ok=saved"));
			return;
		}
		c.status = c.err.status;
	}
	json_t *list = kf_appform_quiet_get(&c, kf_con_fmt(&c, "/v1/providers/%lld/icp-filings", pid));
	json_t *items = json_object_get(list, "items"), *f;
	struct kf_html *h = &c.h;
	kf_con_app_open(&c, app, "icp", CL(&c, "ICP filings", "ICP备案"));
	kf_con_para(&c, NULL,
	     CL(&c, "The app's official website and business domains must lie on a domain with an ICP filing of your "
		    "provider's entity (a filing covers its subdomains). Filings belong to the entity, so every app of the "
		    "provider shares them.",
		"应用的官方网站和业务域名必须位于服务商主体已完成 ICP备案的域名（含其子域名）上。备案属于主体，服务商的所有应用共用。"));
	size_t i;
	if (json_array_size(items)) {
		kf_html_raw(h, "<div class=\"table\"><table><thead><tr><th scope=\"col\">");
		kf_html_text(h, CL(&c, "Domain", "域名"));
		kf_html_raw(h, "</th><th scope=\"col\">");
		kf_html_text(h, CL(&c, "ICP filing number", "ICP备案号"));
		kf_html_raw(h, "</th><th scope=\"col\">");
		kf_html_text(h, CL(&c, "Recorded", "登记时间"));
		kf_html_raw(h, "</th></tr></thead><tbody>");
		json_array_foreach(items, i, f) {
			kf_html_raw(h, "<tr><td><code>");
			kf_html_text(h, kf_con_str(&c, f, "domain"));
			kf_html_raw(h, "</code></td><td>");
			kf_html_text(h, kf_con_str(&c, f, "icp_no"));
			kf_html_raw(h, "</td><td>");
			kf_con_time(&c, json_integer_value(json_object_get(f, "created_at")));
			kf_html_raw(h, "</td></tr>");
		}
		kf_html_raw(h, "</tbody></table></div>");
	} else {
		kf_page_empty(h, CL(&c, "No ICP filing is recorded yet. Record the filed domain of your website below.",
				    "尚未登记 ICP备案。请在下方登记你网站的备案域名。"),
			      NULL, NULL);
	}
	/* what of this app needs a filing, and whether it has one */
	json_t *cfg = kf_appform_cfg(app);
	kf_html_raw(h, "<section class=\"card\">");
	kf_con_h2(&c, CL(&c, "This app's domains", "本应用的域名"));
	kf_html_raw(h, "<ul>");
	const char *web = url_host(&c, json_string_value(json_object_get(cfg, "website")));
	json_t *bd = kf_appform_member(cfg, "dev.business_domains");
	size_t shown = 0;
	for (i = 0; i <= json_array_size(bd); i++) {
		const char *host = i == 0 ? web : json_string_value(json_array_get(bd, i - 1));
		if (!host || !*host)
			continue;
		shown++;
		kf_html_raw(h, "<li><code>");
		kf_html_text(h, host);
		kf_html_raw(h, "</code> ");
		kf_page_badge(h, c.lang, filed(items, host) ? "filed" : "not_filed");
		kf_html_raw(h, "</li>");
	}
	kf_html_raw(h, "</ul>");
	if (!shown)
		kf_con_para(&c, "muted", CL(&c, "The app has no website or business domain yet.", "应用尚未设置官方网站或业务域名。"));
	kf_html_raw(h, "</section><section class=\"card\">");
	kf_con_h2(&c, CL(&c, "Record a filing", "登记备案"));
	kf_con_form(&c, kf_con_app_href(&c, app, "/icp"), false);
	kf_con_input(&c, "domain", CL(&c, "Filed domain", "备案域名"), "text", NULL,
		     CL(&c, "Such as example.com; recording a domain again replaces its number.", "例如 example.com；再次登记同一域名会替换其备案号。"),
		     true);
	kf_con_input(&c, "icp_no", CL(&c, "ICP filing number", "ICP备案号"), "text", NULL,
		     CL(&c, "Such as 京ICP备12345678号.", "例如 京ICP备12345678号。"), true);
	kf_html_raw(h, "<div class=\"actions\">");
	kf_page_button(h, "primary", CL(&c, "Record the filing", "登记备案"), NULL, NULL);
	kf_html_raw(h, "</div>");
	kf_page_form_close(h);
	kf_con_para(&c, "muted", CL(&c, "Only the provider's owner may record filings, after the qualification has passed.",
			     "只有服务商的所有者可以登记备案，且须在资质审核通过后。"));
	kf_html_raw(h, "</section>");
	kf_con_finish(&c);
}
/* ------------------------------------------------------- develop locally */

/* Would a callback to 127.0.0.1 be allowed on this platform? */
static bool loopback_allowed(struct kf_con *c)
{
	const unsigned char lo[4] = {127, 0, 0, 1};
	return kf_addr_allowed(AF_INET, lo, &c->r->ctx->callback_allow);
}

static void pre(struct kf_con *c, const char *text)
{
	kf_html_raw(&c->h, "<pre tabindex=\"0\"><code>");
	kf_html_text(&c->h, text);
	kf_html_raw(&c->h, "</code></pre>");
}

static void step(struct kf_con *c, const char *title)
{
	kf_html_raw(&c->h, "</section><section class=\"card\">");
	kf_con_h2(c, title);
}

static void app_local(struct kf_req *r)
{
	struct kf_con c;
	json_t *app;
	if (!kf_con_start(r, &c, true) || !kf_con_app_load(&c, kf_req_param(r, "id"), &app))
		return;
	const char *id = kf_con_app_id(app);
	const char *port = kf_con_keep(&c, "port", "8080");
	bool port_ok = kf_appform_digits(port) && strlen(port) <= 5 && atol(port) >= 1 && atol(port) <= 65535;
	const char *base = kf_con_fmt(&c, "http://127.0.0.1:%s", port_ok ? port : "8080");
	const char *auth_url = kf_con_fmt(&c, "%s/kaifang/auth", base);
	const char *msg_url = kf_con_fmt(&c, "%s/kaifang/msg/$APPID$", base);
	json_t *cfg = kf_appform_cfg(app);
	if (c.post) {
		if (!port_ok) {
			c.has_err = true;
			c.err = (struct kf_con_err){.status = 400, .code = "invalid_value", .field = "port",
						    .message = CL(&c, "A port is a number from 1 to 65535.", "端口是 1 到 65535 之间的数字。")};
		} else {
			/* the URLs, and 127.0.0.1 added to the lists that must hold it */
			json_t *dev = json_pack("{s:s, s:s}", "auth_receive_url", auth_url, "message_url", msg_url);
			json_t *sd = json_copy(kf_appform_member(cfg, "dev.server_domains"));
			if (!json_is_array(sd)) {
				json_decref(sd);
				sd = json_array();
			}
			json_t *ip = json_copy(kf_appform_member(cfg, "dev.ip_allowlist"));
			bool has = false;
			size_t i;
			json_t *e;
			json_array_foreach(sd, i, e) {
				has = has || !strcmp(json_string_value(e) ? json_string_value(e) : "", "127.0.0.1");
			}
			if (!has)
				json_array_append_new(sd, json_string("127.0.0.1"));
			json_object_set_new(dev, "server_domains", sd);
			if (json_array_size(ip)) {
				has = false;
				json_array_foreach(ip, i, e) {
					const char *s = json_string_value(e);
					has = has || (s && (!strcmp(s, "127.0.0.1/32") || !strcmp(s, "127.0.0.1") ||
							    !strcmp(s, "127.0.0.0/8")));
				}
				if (!has)
					json_array_append_new(ip, json_string("127.0.0.1"));
				json_object_set_new(dev, "ip_allowlist", ip);
			} else {
				json_decref(ip);
			}
			json_t *body = json_pack("{s:o}", "dev", dev);
			bool ok = save_patch(&c, app, body, "/local");
			json_decref(body);
			if (ok)
				return;
		}
		c.status = c.err.status ? c.err.status : 400;
	}
	struct kf_html *h = &c.h;
	kf_con_app_open(&c, app, NULL, CL(&c, "Develop locally", "本地开发"));
	kf_con_para(&c, NULL,
	     CL(&c, "How to let this platform push to a receiver running on your own computer, and how to open what it "
		    "pushes. The values below are this app's.",
		"如何让平台推送到你电脑上运行的接收服务，以及如何解开推送内容。下面的值都是本应用的。"));
	kf_html_raw(h, "<section class=\"card\">");
	kf_con_h2(&c, CL(&c, "1. Can this platform reach a loopback receiver?", "1. 平台能否访问回环地址上的接收服务？"));
	if (loopback_allowed(&c))
		kf_page_notice(h, "ok",
			       CL(&c, "Yes: this platform allows callbacks to 127.0.0.1, so a receiver on the computer that "
				      "runs the platform can get pushes, over plain http.",
				  "可以：本平台允许回调到 127.0.0.1，运行平台的电脑上的接收服务可以通过 http 收到推送。"));
	else
		kf_page_notice(h, "warn",
			       CL(&c, "No: this platform pushes only to public addresses, so a loopback URL is refused "
				      "(callback_address_refused, APP-4). Loopback receivers are allowed only when the "
				      "operator turns them on for local development: the demo configuration does, or start "
				      "kaifangd with --callback-allow 127.0.0.0/8,::1 (KAIFANG_CALLBACK_ALLOW). Never on a "
				      "platform that serves real users. Otherwise expose your receiver at a public https URL "
				      "(a tunnel) and use that below.",
				  "不能：本平台只向公网地址推送，回环地址会被拒绝（callback_address_refused，APP-4）。只有运营方为本地开发开启后才允许回环地址："
				  "演示配置会开启，或以 --callback-allow 127.0.0.0/8,::1（KAIFANG_CALLBACK_ALLOW）启动 kaifangd。"
				  "切勿在服务真实用户的平台上开启。否则请把接收服务暴露在公网 https 地址（如隧道）上，并在下面使用该地址。"));
	kf_con_para(&c, "muted",
	     CL(&c, "Use the address 127.0.0.1, not localhost: plain http is accepted only on an IP address the operator "
		    "allows.",
		"请使用 127.0.0.1 而不是 localhost：只有运营方允许的 IP 地址才能使用 http。"));

	step(&c, CL(&c, "2. Point the app at your receiver", "2. 把应用指向你的接收服务"));
	kf_con_para(&c, NULL, CL(&c, "Run your receiver on a port of this computer. Saving sets these development settings as a new "
			      "draft version:",
			  "在本机的某个端口运行接收服务。保存后，以下开发配置会保存为新的草稿版本："));
	kf_html_raw(h, "<dl class=\"props\"><dt>");
	kf_html_text(h, CL(&c, "Authorization event URL", "授权事件接收URL"));
	kf_html_raw(h, "</dt><dd>");
	copyable(&c, auth_url);
	kf_html_raw(h, "</dd><dt>");
	kf_html_text(h, CL(&c, "Message and event URL", "消息与事件接收URL"));
	kf_html_raw(h, "</dt><dd>");
	copyable(&c, msg_url);
	kf_html_raw(h, "</dd><dt>");
	kf_html_text(h, CL(&c, "Server domains", "服务器域名"));
	kf_html_raw(h, "</dt><dd>");
	kf_html_text(h, CL(&c, "127.0.0.1 is added", "添加 127.0.0.1"));
	kf_html_raw(h, "</dd><dt>");
	kf_html_text(h, CL(&c, "IP allowlist", "白名单IP地址列表"));
	kf_html_raw(h, "</dt><dd>");
	kf_html_text(h, CL(&c, "127.0.0.1 is added when the list is not empty (an empty list allows every address), so "
			       "that your computer may call the component API as the app",
			   "列表非空时添加 127.0.0.1（空列表表示不限），以便你的电脑以本应用身份调用平台接口"));
	kf_html_raw(h, "</dd></dl>");
	kf_con_form(&c, NULL, false);
	kf_con_input(&c, "port", CL(&c, "Port of your receiver", "接收服务端口"), "number", port, NULL, true);
	kf_html_raw(h, "<div class=\"actions\">");
	kf_page_button(h, "primary", CL(&c, "Use this receiver", "使用此接收服务"), NULL, NULL);
	kf_html_raw(h, "</div>");
	kf_page_form_close(h);
	kf_con_para(&c, "muted",
	     app_is(app, "developing")
		     ? CL(&c, "Then activate the new draft on the Versions tab: pushes go to the live configuration's URLs.",
			  "然后在“配置版本”页使新草稿生效：平台按生效配置中的地址推送。")
		     : CL(&c, "The draft goes live when the creation review passes; pushes start then.",
			  "创建审核通过后草稿生效，推送随之开始。"));

	step(&c, CL(&c, "3. The verify ticket arrives", "3. 接收验证票据"));
	long iv = (long)c.r->ctx->cfg.ticket_interval, to = (long)c.r->ctx->cfg.push_timeout;
	kf_con_para(&c, NULL,
	     kf_con_fmt(&c,
			CL(&c, "Once the creation review has passed, the platform POSTs a component_verify_ticket to the "
			       "authorization event URL every %ld minutes (the first right after the approval). The URL "
			       "carries signature, timestamp, nonce, encrypt_type=aes and msg_signature; the body is "
			       "<xml><AppId>…</AppId><Encrypt>…</Encrypt></xml>. Answer HTTP 200 with the body success within "
			       "%ld seconds, or the push is retried. Keep the newest ticket: with it, the app id and the app "
			       "secret you get the component access token (POST /cgi-bin/component/api_component_token).",
			   "创建审核通过后，平台每 %ld 分钟向授权事件接收URL POST 一次 component_verify_ticket（审核通过后立即推送第一次）。"
			   "URL 带有 signature、timestamp、nonce、encrypt_type=aes 和 msg_signature；请求体为 "
			   "<xml><AppId>…</AppId><Encrypt>…</Encrypt></xml>。请在 %ld 秒内以 HTTP 200 和正文 success 应答，否则会重试。"
			   "保存最新的票据：用它和应用 ID、应用密钥换取第三方平台 access token（POST /cgi-bin/component/api_component_token）。"),
			iv / 60 > 0 ? iv / 60 : 1, to));

	step(&c, CL(&c, "4. Open a push with this app's token and key", "4. 用本应用的 Token 和 Key 解开推送"));
	const char *tok = json_string_value(kf_appform_member(json_object_get(app, "live_config"), "dev.message_token"));
	const char *key = json_string_value(kf_appform_member(json_object_get(app, "live_config"), "dev.aes_key"));
	bool from_draft = false;
	if (!tok || !key) {
		tok = json_string_value(kf_appform_member(cfg, "dev.message_token"));
		key = json_string_value(kf_appform_member(cfg, "dev.aes_key"));
		from_draft = true;
	}
	kf_html_raw(h, "<dl class=\"props\"><dt>");
	kf_html_text(h, CL(&c, "App ID", "应用 ID"));
	kf_html_raw(h, "</dt><dd>");
	copyable(&c, id);
	kf_html_raw(h, "</dd><dt>");
	kf_html_text(h, CL(&c, "Message token", "消息校验Token"));
	kf_html_raw(h, "</dt><dd>");
	copyable(&c, tok);
	kf_html_raw(h, "</dd><dt>");
	kf_html_text(h, CL(&c, "Message AES key", "消息加解密Key"));
	kf_html_raw(h, "</dt><dd>");
	copyable(&c, key);
	kf_html_raw(h, "</dd></dl>");
	if (from_draft)
		kf_con_para(&c, "muted", CL(&c, "(From the draft: the app has no live configuration yet.)", "（来自草稿：应用尚无生效配置。）"));
	kf_html_raw(h, "<ol><li>");
	kf_html_text(h, CL(&c, "msg_signature is the hex SHA-1 of the message token, timestamp, nonce and the Encrypt text, "
			       "sorted and joined: refuse a push whose signature differs.",
			   "msg_signature 是消息校验Token、timestamp、nonce 和 Encrypt 文本排序拼接后的 SHA-1（十六进制）：签名不符的推送应拒绝。"));
	kf_html_raw(h, "</li><li>");
	kf_html_text(h, CL(&c, "The AES-256 key is the base64 decoding of the AES key followed by \"=\"; its first 16 bytes "
			       "are the IV. Decrypt the base64-decoded Encrypt with AES-256-CBC and remove the PKCS#7 "
			       "padding (1 to 32 bytes).",
			   "AES-256 密钥是消息加解密Key 加上“=”后的 base64 解码；其前 16 字节为 IV。用 AES-256-CBC 解密 base64 解码后的 Encrypt，"
			   "去掉 PKCS#7 填充（1 到 32 字节）。"));
	kf_html_raw(h, "</li><li>");
	kf_html_text(h, CL(&c, "The plaintext is 16 random bytes, the message length (4 bytes, big-endian), the XML message "
			       "and the app id: check that the app id is this app's.",
			   "明文依次为 16 字节随机数、消息长度（4 字节，大端）、XML 消息和应用 ID：请核对应用 ID 是否为本应用。"));
	kf_html_raw(h, "</li></ol>");
	kf_con_para(&c, NULL, CL(&c, "With the kaifang command (the Encrypt text on standard input):",
			  "使用 kaifang 命令（Encrypt 文本从标准输入读入）："));
	pre(&c, kf_con_fmt(&c,
			   "kaifang msg decrypt --token '%s' --key '%s' --appid %s \\\n"
			   "  --timestamp <timestamp> --nonce <nonce> --signature <msg_signature> < encrypt.txt",
			   tok ? tok : "", key ? key : "", id));
	kf_con_para(&c, NULL, CL(&c, "In Node.js with @wecom/crypto:", "在 Node.js 中使用 @wecom/crypto："));
	pre(&c, kf_con_fmt(&c,
			   "import { getSignature, decrypt } from '@wecom/crypto';\n"
			   "const TOKEN = '%s', AES_KEY = '%s', APP_ID = '%s';\n"
			   "// query: the URL's parameters; body: the request body as text\n"
			   "const encrypt = /<Encrypt><!\\[CDATA\\[(.*?)\\]\\]><\\/Encrypt>/.exec(body)[1];\n"
			   "if (getSignature(TOKEN, query.timestamp, query.nonce, encrypt) !== query.msg_signature) throw new Error('bad signature');\n"
			   "const { message, id } = decrypt(AES_KEY, encrypt);\n"
			   "if (id !== APP_ID) throw new Error('not for this app');\n"
			   "// answer: res.end('success')",
			   tok ? tok : "", key ? key : "", id));
	kf_con_para(&c, NULL, CL(&c, "In Python with wechatpy:", "在 Python 中使用 wechatpy："));
	pre(&c, kf_con_fmt(&c, "WeChatCrypto('%s', '%s', '%s').decrypt_message(body, msg_signature, timestamp, nonce)",
			   tok ? tok : "", key ? key : "", id));

	step(&c, CL(&c, "5. Check it", "5. 检测"));
	if (json_is_object(cfg)) {
		kf_con_form(&c, kf_con_app_href(&c, app, "/verify"), false);
		kf_page_hidden(h, "endpoint", "auth_receive_url");
		kf_page_button(h, "secondary", CL(&c, "Check the authorization event URL now", "立即检测授权事件接收URL"), NULL,
			       NULL);
		kf_page_form_close(h);
	}
	kf_html_raw(h, "<p>");
	kf_con_link(&c, NULL, kf_con_app_href(&c, app, "/deliveries"),
	     CL(&c, "See every push and its attempts (Deliveries)", "查看每次推送及其尝试记录（消息推送）"));
	kf_html_raw(h, "</p></section>");
	kf_con_finish(&c);
}

/* ---------------------------------------------------------------- routes */

#define PAGE KF_RF_PAGE
#define FORM (KF_RF_PAGE | KF_RF_FORM_CSRF | KF_RF_OWN_TX)

const struct kf_route kf_console_apps_routes[] = {
	{"GET", "/console/apps", apps_list, KF_AUTH_USER, PAGE, "My apps (HTML)"},
	{"GET", "/console/apps/new", app_new, KF_AUTH_USER, PAGE, "Create an app (HTML)"},
	{"POST", "/console/apps/new", app_new, KF_AUTH_USER, FORM, "Create an app (HTML form)"},
	{"GET", "/console/apps/{id}", app_overview, KF_AUTH_USER, PAGE, "One app: overview (HTML)"},
	{"POST", "/console/apps/{id}/creation-review", app_submit_creation, KF_AUTH_USER, FORM,
	 "Submit the app for its creation review (HTML form)"},
	{"GET", "/console/apps/{id}/delete", app_delete, KF_AUTH_USER, PAGE, "Delete an app: confirmation (HTML)"},
	{"POST", "/console/apps/{id}/delete", app_delete, KF_AUTH_USER, FORM, "Delete an app (HTML form)"},
	{"GET", "/console/apps/{id}/info", app_info, KF_AUTH_USER, PAGE, "An app's basic info (HTML)"},
	{"POST", "/console/apps/{id}/info", app_info, KF_AUTH_USER, FORM | KF_RF_UPLOAD,
	 "Edit an app's basic info and icon (HTML form)"},
	{"GET", "/console/apps/{id}/permissions", app_permissions, KF_AUTH_USER, PAGE, "An app's permission sets (HTML)"},
	{"POST", "/console/apps/{id}/permissions", app_permissions, KF_AUTH_USER, FORM,
	 "Choose an app's permission sets (HTML form)"},
	{"GET", "/console/apps/{id}/dev", app_dev, KF_AUTH_USER, PAGE, "An app's development settings (HTML)"},
	{"POST", "/console/apps/{id}/dev", app_dev, KF_AUTH_USER, FORM, "Edit an app's development settings (HTML form)"},
	{"POST", "/console/apps/{id}/verify", app_verify, KF_AUTH_USER, FORM, "Check a callback URL (HTML form)"},
	{"GET", "/console/apps/{id}/versions", app_versions, KF_AUTH_USER, PAGE,
	 "An app's configuration versions and their changes (HTML)"},
	{"POST", "/console/apps/{id}/versions", app_versions, KF_AUTH_USER, FORM, "Activate the draft (HTML form)"},
	{"GET", "/console/apps/{id}/credentials", app_credentials, KF_AUTH_USER, PAGE, "An app's credentials (HTML)"},
	{"POST", "/console/apps/{id}/credentials", app_credentials, KF_AUTH_USER, FORM, "Rotate the app secret (HTML form)"},
	{"GET", "/console/apps/{id}/icp", app_icp, KF_AUTH_USER, PAGE, "ICP filings for an app (HTML)"},
	{"POST", "/console/apps/{id}/icp", app_icp, KF_AUTH_USER, FORM, "Record an ICP filing (HTML form)"},
	{"GET", "/console/apps/{id}/local", app_local, KF_AUTH_USER, PAGE, "Develop locally (HTML)"},
	{"POST", "/console/apps/{id}/local", app_local, KF_AUTH_USER, FORM,
	 "Point the app at a local receiver (HTML form)"},
};
const size_t kf_console_apps_nroutes = sizeof(kf_console_apps_routes) / sizeof(kf_console_apps_routes[0]);
