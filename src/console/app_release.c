/* SPDX-License-Identifier: Apache-2.0 */
/*
 * An app's pages on its way to the public (the "apps" section, part 2):
 * the listing editor with every finding next to its field, the capability
 * checks, the authenticity certification of its provider, release and
 * change submissions with the review's outcome and reasons, search and
 * display listing applications, and the deliveries of its pushed events
 * with their attempts and replay.
 *
 * Pages are thin clients of the API (console.h): every value shown comes
 * from a /v1 route called as the signed-in person, every refusal is the
 * API's. A person who is not a member of the app's provider gets the 404
 * page, whatever the API answered.
 *
 * The capability check and a submission make the app call back into this
 * server, so their API handlers defer their work (kf_req_defer). The page
 * that starts them defers too: its own deferred function runs the API's
 * first, then answers the page (a redirect to the results, or the form
 * with the refusal), so the person gets one answer when the work is done
 * and never a page that polls.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "api/api.h"
#include "api/common.h"
#include "console/app.h"
#include "console/console.h"
#include "ctx.h"
#include "util/mem.h"

/* ------------------------------------------------------------- helpers */

/* The app of the page (console/app.h) with what these pages use of it. */
struct rapp {
	json_t *app;
	const char *app_id;
	long long provider_id;
	const char *state;
};

static bool rapp_load(struct kf_con *c, struct rapp *a)
{
	memset(a, 0, sizeof(*a));
	if (!kf_con_app_load(c, kf_req_param(c->r, "id"), &a->app))
		return false;
	a->app_id = kf_con_app_id(a->app);
	a->provider_id = (long long)json_integer_value(json_object_get(a->app, "provider_id"));
	a->state = json_string_value(json_object_get(a->app, "state"));
	return true;
}

static void rapp_open(struct kf_con *c, const struct rapp *a, const char *title, const char *tab)
{
	kf_con_app_open(c, a->app, tab, title);
}

static const char *app_base(struct kf_con *c, const struct rapp *a)
{
	return kf_con_app_href(c, a->app, "");
}

/* The finding's field as the form names it: "previews_desktop[1]" and
 * "checks.text_reply" belong to previews_desktop and checks. */
static const char *field_root(struct kf_con *c, const char *field)
{
	if (!field)
		return "";
	size_t n = strcspn(field, "[.");
	return kf_arena_strndup(c->r->arena, field, n);
}

/* What each rule asks, in both languages, for findings shown in Chinese
 * (the API's finding messages are English). */
static const struct {
	const char *rule, *en, *zh;
} rule_texts[] = {
	{"LST-1", "Name: 2–6 CJK characters recommended; more than 10 CJK or 20 characters is refused.",
	 "名称：建议 2–6 个汉字；超过 10 个汉字或 20 个字符将被驳回。"},
	{"LST-2", "Name: no spaces and no special symbols.", "名称：不能包含空格和特殊符号。"},
	{"LST-3", "Name: not a generic, non-distinctive name.", "名称：不能使用通用、无区分度的名称。"},
	{"LST-4", "No search hot words unrelated to the app; at most 8 keywords.", "不能堆砌与应用无关的搜索热词；关键词最多 8 个。"},
	{"LST-5", "Name: no gambling names or other banned terms.", "名称：不能使用赌博类名称或其他禁用词。"},
	{"LST-6", "Icon: a PNG of exactly 128×128 px, at most 20 KB.", "图标：128×128 像素的 PNG，不超过 20 KB。"},
	{"LST-7", "Category: required, from the category catalog.", "类目：必填，须为类目目录中的类目。"},
	{"LST-8", "Intro: at most 15 CJK characters, no special symbols.", "简介：最多 15 个汉字，不能包含特殊符号。"},
	{"LST-9", "Description: at most 500 CJK characters.", "详细介绍：最多 500 个汉字。"},
	{"LST-10", "Screenshots: desktop 1920×1080 (≤ 3.5 MB), mobile 750×1628 (≤ 2.5 MB), PNG/JPEG/GIF, at most 5 each, at least one set.",
	 "截图：桌面端 1920×1080（≤ 3.5 MB），移动端 750×1628（≤ 2.5 MB），PNG/JPEG/GIF，每组最多 5 张，至少一组。"},
	{"LST-11", "Screenshots: no two may be the same picture.", "截图：不能有两张相同的图片。"},
	{"LST-12", "Version: dotted numbers, greater than the last released version.", "版本号：点分数字，须大于上次发布的版本。"},
	{"LST-14", "Privacy policy and terms URLs: required, and must open (HTTP 200).", "隐私政策和用户协议 URL：必填，且须能打开（HTTP 200）。"},
	{"LST-15", "Company: equal to the provider's verified entity name.", "开发者名称：须与服务商认证的主体名称一致。"},
	{"LST-16", "Website: required, and must open.", "官网：必填，且须能打开。"},
	{"LST-17", "Support phone: a valid phone number.", "客服电话：须为有效的电话号码。"},
	{"LST-18", "No absolute superlatives (最, 第一, 百分百, …).", "不能使用绝对化用语（最、第一、百分百等）。"},
	{"LST-19", "No banned content terms.", "不能包含禁用内容词。"},
	{"LST-20", "Privacy policy: a page of its own that names the provider's entity.", "隐私政策：须为单独页面，并写明服务商主体。"},
	{"LST-21", "Icon: no red dots, badges or QR codes.", "图标：不能有红点、角标或二维码。"},
	{"APP-11", "No variant of the platform's own marks.", "不能使用平台自身商标或其变体。"},
	{"APP-12", "An app with its own user accounts says how users delete them.", "提供自有账号的应用须说明用户如何注销账号。"},
	{"APP-9", "Every automated stage of the release must pass.", "发布的各项自动检测须全部通过。"},
	{"REV-6", "The category's qualification documents must be accepted.", "类目所需的资质文件须审核通过。"},
};

static const char *rule_text(struct kf_con *c, const char *rule)
{
	for (size_t i = 0; rule && i < sizeof(rule_texts) / sizeof(rule_texts[0]); i++)
		if (!strcmp(rule_texts[i].rule, rule))
			return CL(c, rule_texts[i].en, rule_texts[i].zh);
	return NULL;
}

/* One finding: its weight in words (not colour alone), what the rule asks
 * in the page's language, the API's own message, and the rule id. */
static void finding_item(struct kf_con *c, json_t *f, bool with_field)
{
	struct kf_html *h = &c->h;
	const char *sev = kf_con_str(c, f, "severity");
	bool blocks = !sev || !strcmp(sev, "reject");
	const char *rule = kf_con_str(c, f, "rule");
	const char *msg = kf_con_str(c, f, "message");
	kf_html_raw(h, blocks ? "<li class=\"finding reject\"><strong class=\"sev\">"
			      : "<li class=\"finding warn\"><strong class=\"sev\">");
	kf_html_text(h, blocks ? CL(c, "Error (blocks release):", "错误（阻止发布）：") : CL(c, "Warning:", "警告："));
	kf_html_raw(h, "</strong> ");
	const char *rt = rule_text(c, rule);
	if (c->lang == KF_LANG_ZH && rt) {
		kf_html_text(h, rt);
		if (msg) {
			kf_html_raw(h, " <span class=\"muted small\" lang=\"en\">");
			kf_html_text(h, msg);
			kf_html_raw(h, "</span>");
		}
	} else {
		kf_html_text(h, msg ? msg : rt ? rt : "");
	}
	if (rule) {
		kf_html_raw(h, " ");
		kf_page_rule(h, rule);
	}
	const char *field = with_field ? kf_con_str(c, f, "field") : NULL;
	if (field) {
		kf_html_raw(h, " <span class=\"muted small\">");
		kf_html_text(h, CL(c, "field ", "字段 "));
		kf_html_raw(h, "<code>");
		kf_html_text(h, field);
		kf_html_raw(h, "</code></span>");
	}
	kf_html_raw(h, "</li>");
}

/* The findings of one form field (root name), as a list under it; marks
 * each shown in used[] so the rest can be listed once. */
static void findings_for(struct kf_con *c, json_t *findings, const char *name, bool *used)
{
	size_t i, shown = 0;
	json_t *f;
	json_array_foreach(findings, i, f) {
		if (used[i] || strcmp(field_root(c, kf_con_str(c, f, "field")), name))
			continue;
		if (!shown++) {
			kf_html_raw(&c->h, "<ul class=\"findings\"");
			kf_html_attr(&c->h, "id", kf_con_fmt(c, "findings-%s", name));
			kf_html_raw(&c->h, ">");
		}
		used[i] = true;
		finding_item(c, f, false);
	}
	if (shown) {
		kf_html_raw(&c->h, "</ul>\n");
	} else {
		/* an empty list, for the findings shown while typing */
		kf_html_raw(&c->h, "<ul class=\"findings\"");
		kf_html_attr(&c->h, "id", kf_con_fmt(c, "findings-%s", name));
		kf_html_raw(&c->h, "></ul>\n");
	}
}

/* A whole list of findings (a submission's). */
static void findings_list(struct kf_con *c, json_t *findings)
{
	size_t i;
	json_t *f;
	if (!json_array_size(findings))
		return;
	kf_html_raw(&c->h, "<ul class=\"findings\">");
	json_array_foreach(findings, i, f) finding_item(c, f, true);
	kf_html_raw(&c->h, "</ul>\n");
}

/* A refusal of the API that concerns an indexed field ("keywords[2]")
 * is shown at the form's field (keywords). */
static void err_to_root(struct kf_con *c)
{
	if (c->has_err && c->err.field)
		c->err.field = field_root(c, c->err.field);
}

static json_t *body_of(struct kf_con *c)
{
	json_t *o = json_object();
	kf_arena_defer(c->r->arena, (void (*)(void *))json_decref, o);
	return o;
}

/* GET path as kf_con_get, leaving the page's refusal (a posted form's,
 * still to be shown) as it was; *status is the answer's status. */
static json_t *peek(struct kf_con *c, int *status, const char *path)
{
	struct kf_con_err kept = c->err;
	bool had = c->has_err;
	json_t *j = kf_con_get(c, "%s", path);
	*status = j ? 200 : c->err.status;
	c->err = kept;
	c->has_err = had;
	return j;
}

/* Open a table that scrolls sideways inside its box on a narrow screen:
 * the box is a labelled region a keyboard can reach and scroll. */
static void table_open(struct kf_con *c, const char *label)
{
	kf_html_raw(&c->h, "<div class=\"table\" tabindex=\"0\" role=\"region\"");
	kf_html_attr(&c->h, "aria-label", label);
	kf_html_raw(&c->h, "><table class=\"wide\"><thead><tr><th scope=\"col\">");
}

/* ---------------------------------------------------------- deferring */

/*
 * A page whose API call deferred its work: the page defers too, runs the
 * API's deferred function first on the same request, takes its answer and
 * then finishes the page with it (done), on the deferred thread.
 */
struct page_defer {
	struct kf_con *c;
	void (*inner)(struct kf_req *r, void *arg);
	void (*inner_refused)(struct kf_req *r, void *arg);
	void *inner_arg;
	void (*done)(struct kf_con *c, const struct kf_call *call, void *arg);
	void *arg;
	int n_hdrs; /* the page's own headers when it deferred */
};

static void page_deferred(struct kf_req *r, void *arg)
{
	struct page_defer *d = arg;
	r->defer_fn = NULL;
	d->inner(r, d->inner_arg);
	struct kf_call call;
	kf_api_take_reply(r, &call);
	/* the page answers: the headers the API's work added were its answer's */
	r->n_hdrs = d->n_hdrs;
	d->done(d->c, &call, d->arg);
}

static void page_refused(struct kf_req *r, void *arg)
{
	struct page_defer *d = arg;
	if (d->inner_refused)
		d->inner_refused(r, d->inner_arg);
}

/* Call method path; when the API deferred, the page defers and done runs
 * later with the answer (the page must return at once); otherwise done
 * runs now. */
static void call_then(struct kf_con *c, const char *method, const char *path, json_t *body,
		      void (*done)(struct kf_con *c, const struct kf_call *call, void *arg), void *arg)
{
	struct kf_call call;
	kf_api_call(c->r, method, path, NULL, body, &call);
	if (!call.deferred) {
		done(c, &call, arg);
		return;
	}
	struct kf_con *kept = kf_arena_alloc(c->r->arena, sizeof(*kept));
	*kept = *c;
	struct page_defer *d = kf_arena_alloc(c->r->arena, sizeof(*d));
	*d = (struct page_defer){.c = kept, .inner = c->r->defer_fn, .inner_refused = c->r->defer_refused,
				 .inner_arg = c->r->defer_arg, .done = done, .arg = arg, .n_hdrs = c->r->n_hdrs};
	c->r->defer_fn = NULL;
	kf_req_defer_or(c->r, page_deferred, page_refused, d);
}

/* ------------------------------------------------------------- listing */

struct lfield {
	const char *name, *en, *zh, *type, *hint_en, *hint_zh;
};

static const struct lfield LISTING_TEXT[] = {
	{"name", "App name", "应用名称", "text", "2–6 CJK characters display best; no spaces or symbols.",
	 "建议 2–6 个汉字；不含空格和符号。"},
	{"intro", "Intro", "简介", "text", "One line: what the app does, at most 15 CJK characters.",
	 "一句话说明应用的功能，最多 15 个汉字。"},
	{"description", "Description", "详细介绍", "textarea", "At most 500 CJK characters.", "最多 500 个汉字。"},
	{"category", "Category", "类目", "text", "The id of a category of the catalog, e.g. tools.",
	 "类目目录中的类目 ID，例如 tools。"},
	{"keywords", "Keywords", "关键词", "text", "At most 8, separated by commas.", "最多 8 个，用逗号分隔。"},
	{"version", "Version", "版本号", "text", "Dotted numbers such as 1.0.0, greater than the last released one.",
	 "点分数字，如 1.0.0，须大于上次发布的版本。"},
	{"update_notes", "Update notes", "更新说明", "textarea", NULL, NULL},
	{"privacy_url", "Privacy policy URL", "隐私政策 URL", "url",
	 "A page of its own that names your verified entity; Kaifang opens it.", "须为单独页面并写明认证主体；平台会打开检测。"},
	{"terms_url", "Terms of use URL", "用户协议 URL", "url", NULL, NULL},
	{"website", "Website", "官网", "url", NULL, NULL},
	{"company_name", "Company name", "开发者名称", "text", "Exactly your provider's verified entity name.",
	 "须与服务商认证的主体名称完全一致。"},
	{"support_phone", "Support phone", "客服电话", "tel", NULL, NULL},
	{"account_deletion", "How users delete their account", "用户注销账号的方式", "textarea",
	 "Required when the app offers accounts of its own.", "应用提供自有账号时必填。"},
};

/* The text of a stored listing member, for a form field. */
static const char *listing_value(struct kf_con *c, json_t *l, const char *name)
{
	json_t *v = json_object_get(l, name);
	if (!strcmp(name, "keywords") && json_is_array(v)) {
		const char *acc = "";
		size_t i;
		json_t *k;
		json_array_foreach(v, i, k) acc = kf_con_fmt(c, "%s%s%s", acc, i ? ", " : "", json_string_value(k) ? json_string_value(k) : "");
		return acc;
	}
	return kf_con_str(c, l, name);
}

/* The file ids of an image field, as posted (kept ones) or stored. */
static void image_ids(struct kf_con *c, json_t *l, const char *name, json_t *out)
{
	if (c->post) {
		for (size_t i = 0; i < c->form.n; i++) {
			if (strcmp(c->form.names[i], name) || c->form.filenames[i])
				continue;
			long long id = atoll(c->form.values[i]);
			if (id > 0)
				json_array_append_new(out, json_integer(id));
		}
		return;
	}
	json_t *v = json_object_get(l, name), *x;
	size_t i;
	if (json_is_integer(v))
		json_array_append(out, v);
	json_array_foreach(v, i, x) json_array_append(out, x);
}

/* The listing as the form posted it, in the API's shape. NULL with the
 * refusal in c->err when an upload failed. */
static json_t *listing_from_form(struct kf_con *c)
{
	json_t *b = body_of(c);
	for (size_t i = 0; i < sizeof(LISTING_TEXT) / sizeof(LISTING_TEXT[0]); i++) {
		const char *n = LISTING_TEXT[i].name, *v = kf_con_val(c, n);
		if (!strcmp(n, "keywords")) {
			json_t *kw = json_array();
			const char *p = v ? v : "";
			while (*p) {
				/* commas, the Chinese comma and the enumeration comma, and new lines */
				size_t len = strcspn(p, ",\n");
				const char *cut = strstr(p, "，"), *cut2 = strstr(p, "、");
				if (cut && (size_t)(cut - p) < len)
					len = (size_t)(cut - p);
				if (cut2 && (size_t)(cut2 - p) < len)
					len = (size_t)(cut2 - p);
				const char *s = p, *e = p + len;
				while (s < e && (*s == ' ' || *s == '\r' || *s == '\t'))
					s++;
				while (e > s && (e[-1] == ' ' || e[-1] == '\r' || e[-1] == '\t'))
					e--;
				if (e > s)
					json_array_append_new(kw, json_stringn(s, (size_t)(e - s)));
				p += len;
				if (!strncmp(p, "，", strlen("，")))
					p += strlen("，");
				else if (!strncmp(p, "、", strlen("、")))
					p += strlen("、");
				else if (*p)
					p++;
			}
			json_object_set_new(b, n, kw);
		} else if (v && *v) {
			json_object_set_new(b, n, json_string(v));
		}
	}
	json_object_set_new(b, "offers_accounts", json_boolean(kf_con_val(c, "offers_accounts") != NULL));
	static const struct {
		const char *field, *input;
		bool list;
	} images[] = {{"logo_file", "logo_upload", false},
		      {"company_logo_file", "company_logo_upload", false},
		      {"previews_desktop", "previews_desktop_upload", true},
		      {"previews_mobile", "previews_mobile_upload", true}};
	for (size_t k = 0; k < sizeof(images) / sizeof(images[0]); k++) {
		json_t *ids = json_array();
		image_ids(c, NULL, images[k].field, ids);
		json_t *fresh = json_array();
		if (!kf_con_upload_files(c, images[k].input, images[k].field, 0, fresh)) {
			json_decref(ids);
			json_decref(fresh);
			return NULL;
		}
		if (!images[k].list && json_array_size(fresh)) /* a new icon replaces the old one */
			json_array_clear(ids);
		json_array_extend(ids, fresh);
		json_decref(fresh);
		if (images[k].list)
			json_object_set_new(b, images[k].field, ids);
		else {
			if (json_array_size(ids))
				json_object_set(b, images[k].field, json_array_get(ids, json_array_size(ids) - 1));
			json_decref(ids);
		}
	}
	return b;
}

/* The stored pictures of an image field, each with a box to keep it. */
static void image_field(struct kf_con *c, const struct rapp *a, json_t *l, const char *field, const char *input, const char *label,
			const char *hint, bool multiple, json_t *findings, bool *used)
{
	struct kf_html *h = &c->h;
	json_t *ids = json_array();
	image_ids(c, l, field, ids);
	kf_html_raw(h, "<fieldset class=\"field images\"><legend>");
	kf_html_text(h, label);
	kf_html_raw(h, "</legend>");
	size_t i;
	json_t *v;
	json_array_foreach(ids, i, v) {
		const char *id = kf_con_fmt(c, "%lld", (long long)json_integer_value(v));
		kf_html_raw(h, "<div class=\"check\"><input type=\"checkbox\" checked");
		kf_html_attr(h, "name", field);
		kf_html_attr(h, "value", id);
		kf_html_attr(h, "id", kf_con_fmt(c, "keep-%s-%s", field, id));
		kf_html_raw(h, "><label");
		kf_html_attr(h, "for", kf_con_fmt(c, "keep-%s-%s", field, id));
		kf_html_raw(h, "><img alt=\"\" class=\"thumb\"");
		kf_html_url_attr(h, "src", kf_con_fmt(c, "%s/files/%s", app_base(c, a), id));
		kf_html_raw(h, "> ");
		kf_html_text(h, kf_con_fmt(c, CL(c, "Keep file %s", "保留文件 %s"), id));
		kf_html_raw(h, "</label></div>");
	}
	json_decref(ids);
	struct kf_page_field f = {.name = input, .label = multiple ? CL(c, "Add pictures", "添加图片")
								  : CL(c, "Upload a picture", "上传图片"),
				  .type = "file", .accept = "image/png,image/jpeg,image/gif", .hint = hint};
	const char *rule = NULL;
	const char *e = kf_con_field_err(c, field, &rule);
	if (e) {
		f.error = e;
		f.rule = rule;
	}
	kf_page_field(h, c->lang, &f);
	findings_for(c, findings, field, used);
	kf_html_raw(h, "</fieldset>\n");
}

/* URL check results under a URL field (LST-14, LST-16). */
static void url_check(struct kf_con *c, json_t *checks, const char *field)
{
	size_t i;
	json_t *u;
	json_array_foreach(checks, i, u) {
		if (strcmp(kf_con_str(c, u, "field") ? kf_con_str(c, u, "field") : "", field))
			continue;
		const char *st = kf_con_str(c, u, "state");
		kf_html_raw(&c->h, "<p class=\"small url-check\">");
		kf_html_text(&c->h, CL(c, "Opened by Kaifang: ", "平台打开检测："));
		kf_page_badge(&c->h, c->lang, st && !strcmp(st, "ok") ? "passed" : st);
		const char *status = kf_con_str(c, u, "status");
		if (status) {
			kf_html_text(&c->h, kf_con_fmt(c, " HTTP %s", status));
		}
		const char *err = kf_con_str(c, u, "error");
		if (err) {
			kf_html_raw(&c->h, " <span class=\"muted\">");
			kf_html_text(&c->h, err);
			kf_html_raw(&c->h, "</span>");
		}
		json_t *ne = json_object_get(u, "names_entity");
		if (json_is_boolean(ne)) {
			kf_html_text(&c->h, json_is_true(ne) ? CL(c, " · names your entity", " · 已写明主体")
							     : CL(c, " · does not name your entity (LST-20)",
								  " · 未写明主体（LST-20）"));
		}
		kf_html_raw(&c->h, "</p>");
	}
}

/* The category field as a choice from the catalog (GET /v1/categories),
 * with the qualification documents each needs (REV-6); a text field when
 * the catalog cannot be read. A stored category the catalog no longer has
 * stays a choice, so saving does not change it behind the person's back. */
static void category_options(struct kf_con *c, struct kf_page_field *f)
{
	int status;
	json_t *cat = peek(c, &status, "/v1/categories");
	json_t *items = json_object_get(cat, "items"), *x;
	if (!json_array_size(items))
		return;
	const char *cur = c->post ? kf_con_val(c, "category") : f->value;
	size_t n = json_array_size(items), k = 0, i;
	struct kf_page_option *opts = kf_arena_alloc(c->r->arena, (n + 2) * sizeof(*opts));
	opts[k++] = (struct kf_page_option){"", CL(c, "Choose a category", "请选择类目")};
	bool known = !cur || !*cur;
	json_array_foreach(items, i, x) {
		const char *id = kf_con_str(c, x, "id");
		const char *name = kf_con_str(c, x, c->lang == KF_LANG_ZH ? "name_zh" : "name_en");
		if (!id)
			continue;
		size_t nq = json_array_size(json_object_get(x, "qualifications"));
		opts[k++] = (struct kf_page_option){
			id, nq ? kf_con_fmt(c, CL(c, "%s (needs %zu qualification documents)", "%s（需 %zu 份资质文件）"),
					    name ? name : id, nq)
			       : (name ? name : id)};
		known = known || !strcmp(id, cur);
	}
	if (!known)
		opts[k++] = (struct kf_page_option){cur, cur};
	f->type = "select";
	f->options = opts;
	f->n_options = k;
	f->hint = CL(c, "Some categories need qualification documents before release (REV-6).",
		     "部分类目在发布前需要提交资质文件（REV-6）。");
}

static void listing_page(struct kf_req *r)
{
	struct kf_con c;
	struct rapp a;
	if (!kf_con_start(r, &c, true) || !rapp_load(&c, &a))
		return;
	json_t *view = kf_con_get(&c, "/v1/apps/%s/listing", a.app_id);
	if (!view) {
		kf_con_not_found(&c);
		return;
	}
	if (c.post) {
		json_t *body = listing_from_form(&c);
		json_t *ok = body ? kf_con_send(&c, "PUT", body, "/v1/apps/%s/listing", a.app_id) : NULL;
		if (ok) {
			kf_con_redirect(&c, kf_con_fmt(&c, "%s/listing?ok=saved", app_base(&c, &a)));
			return;
		}
		err_to_root(&c);
		c.status = c.err.status ? c.err.status : 400;
	}
	json_t *l = json_object_get(view, "listing");
	json_t *findings = c.post ? json_array() : json_object_get(view, "findings");
	if (c.post)
		kf_arena_defer(r->arena, (void (*)(void *))json_decref, findings);
	json_t *checks = json_object_get(view, "url_checks");
	size_t nf = json_array_size(findings), rejects = 0, warns = 0;
	bool *used = kf_arena_alloc(r->arena, nf + 1);
	memset(used, 0, nf + 1);
	for (size_t i = 0; i < nf; i++) {
		const char *sev = kf_con_str(&c, json_array_get(findings, i), "severity");
		if (sev && !strcmp(sev, "warn"))
			warns++;
		else
			rejects++;
	}
	rapp_open(&c, &a, CL(&c, "Listing", "上架信息"), "listing");
	struct kf_html *h = &c.h;
	/* the state first: what blocks a release and what to do */
	if (json_is_null(json_object_get(view, "id")) && !c.post) {
		kf_page_notice(h, "info",
			       CL(&c, "No listing saved yet. Fill in the page that host-account owners will see, then save: "
				      "every automated check answers at once.",
				  "尚未保存应用详情页。请填写授权方将看到的内容并保存，所有自动检测会立即给出结果。"));
	} else if (!c.post && rejects) {
		kf_page_notice(h, "error",
			       kf_con_fmt(&c,
					  CL(&c, "%zu errors block the release and %zu warnings will be shown to the reviewer. "
						 "Each is shown under its field below.",
					     "%zu 个错误会阻止发布，%zu 个警告会展示给审核人员。每一项都显示在对应字段下方。"),
					  rejects, warns));
	} else if (!c.post && warns) {
		kf_page_notice(h, "warn",
			       kf_con_fmt(&c,
					  CL(&c, "Nothing blocks the release; %zu warnings will be shown to the reviewer.",
					     "没有阻止发布的问题；%zu 个警告会展示给审核人员。"),
					  warns));
	} else if (!c.post) {
		kf_page_notice(h, "ok", CL(&c, "The automated checks found nothing. Next: submit the release.",
					   "自动检测未发现问题。下一步：提交发布审核。"));
	}
	json_t *live = json_object_get(view, "live");
	if (json_is_object(live)) {
		kf_html_raw(h, "<p class=\"muted small\">");
		kf_html_text(h, CL(&c, "A listing is live; what you save here is a draft until a change review approves it.",
				   "已有线上版本；此处保存的是草稿，变更审核通过后生效。"));
		kf_html_raw(h, "</p>");
	}
	/* with the script, the findings follow the typing (listing:check) */
	kf_html_raw(h, "<div");
	kf_html_url_attr(h, "data-live-findings", kf_con_fmt(&c, "%s/listing/findings", app_base(&c, &a)));
	kf_html_raw(h, ">");
	kf_con_form(&c, kf_con_fmt(&c, "%s/listing", app_base(&c, &a)), true);
	kf_html_raw(h, "<div class=\"stack\">");
	for (size_t i = 0; i < sizeof(LISTING_TEXT) / sizeof(LISTING_TEXT[0]); i++) {
		const struct lfield *lf = &LISTING_TEXT[i];
		if (!strcmp(lf->name, "account_deletion")) {
			struct kf_page_field oa = {.name = "offers_accounts", .type = "checkbox",
						   .label = CL(&c, "The app offers user accounts of its own",
							       "应用提供自有用户账号"),
						   .checked = c.post ? kf_con_val(&c, "offers_accounts") != NULL
								     : json_is_true(json_object_get(l, "offers_accounts"))};
			kf_con_field(&c, &oa);
			findings_for(&c, findings, "offers_accounts", used);
		}
		struct kf_page_field f = {.name = lf->name, .label = CL(&c, lf->en, lf->zh), .type = lf->type,
					  .value = listing_value(&c, l, lf->name),
					  .hint = lf->hint_en ? CL(&c, lf->hint_en, lf->hint_zh) : NULL};
		if (!strcmp(lf->name, "category"))
			category_options(&c, &f);
		kf_con_field(&c, &f);
		findings_for(&c, findings, lf->name, used);
		if (!strcmp(lf->type, "url"))
			url_check(&c, checks, lf->name);
		if (!strcmp(lf->name, "intro"))
			image_field(&c, &a, l, "logo_file", "logo_upload", CL(&c, "Icon", "图标"),
				    CL(&c, "PNG, exactly 128×128 px, at most 20 KB; no badges or QR codes.",
				       "PNG，128×128 像素，不超过 20 KB；不能有角标或二维码。"),
				    false, findings, used);
		if (!strcmp(lf->name, "description")) {
			image_field(&c, &a, l, "previews_desktop", "previews_desktop_upload",
				    CL(&c, "Desktop screenshots", "桌面端截图"),
				    CL(&c, "1920×1080, PNG/JPEG/GIF, at most 3.5 MB each, at most 5.",
				       "1920×1080，PNG/JPEG/GIF，每张不超过 3.5 MB，最多 5 张。"),
				    true, findings, used);
			image_field(&c, &a, l, "previews_mobile", "previews_mobile_upload",
				    CL(&c, "Mobile screenshots", "移动端截图"),
				    CL(&c, "750×1628, PNG/JPEG/GIF, at most 2.5 MB each, at most 5.",
				       "750×1628，PNG/JPEG/GIF，每张不超过 2.5 MB，最多 5 张。"),
				    true, findings, used);
		}
		if (!strcmp(lf->name, "company_name"))
			image_field(&c, &a, l, "company_logo_file", "company_logo_upload", CL(&c, "Company logo", "开发者图标"),
				    CL(&c, "As the icon: PNG, 128×128 px, at most 20 KB.", "同图标：PNG，128×128 像素，不超过 20 KB。"),
				    false, findings, used);
	}
	/* findings about no field of the form */
	bool other = false;
	for (size_t i = 0; i < nf; i++)
		other = other || !used[i];
	if (other) {
		kf_html_raw(h, "<h2>");
		kf_html_text(h, CL(&c, "Other findings", "其他检测结果"));
		kf_html_raw(h, "</h2><ul class=\"findings\">");
		for (size_t i = 0; i < nf; i++)
			if (!used[i])
				finding_item(&c, json_array_get(findings, i), true);
		kf_html_raw(h, "</ul>");
	}
	kf_html_raw(h, "<div class=\"actions\">");
	kf_page_button(h, "primary", CL(&c, "Save and check", "保存并检测"), NULL, NULL);
	kf_html_raw(h, "<a");
	kf_html_url_attr(h, "href", kf_con_fmt(&c, "%s/submissions", app_base(&c, &a)));
	kf_html_raw(h, ">");
	kf_html_text(h, CL(&c, "Submit for review", "提交审核"));
	kf_html_raw(h, "</a></div></div>");
	kf_page_form_close(h);
	kf_html_raw(h, "</div>");
	kf_con_finish(&c);
}

/* The findings of the form as posted, checked without saving: one list per
 * field, as the editor shows them, for its script to put in place. */
static void listing_findings(struct kf_req *r)
{
	struct kf_con c;
	struct rapp a;
	if (!kf_con_start(r, &c, true) || !rapp_load(&c, &a))
		return;
	json_t *body = listing_from_form(&c);
	struct kf_call call = {0};
	if (body)
		kf_api_call(r, "POST", kf_con_fmt(&c, "/v1/apps/%s/listing:check", a.app_id), NULL, body, &call);
	json_t *findings = json_object_get(call.body, "findings");
	if (call.status != 200 || !json_is_array(findings)) {
		/* a shape the API refuses is shown when the form is saved */
		kf_reply_raw(r, 204, "text/plain; charset=utf-8", "", 0);
		return;
	}
	size_t nf = json_array_size(findings);
	bool *used = kf_arena_alloc(r->arena, nf + 1);
	memset(used, 0, nf + 1);
	static const char *const extra[] = {"offers_accounts", "logo_file", "company_logo_file", "previews_desktop",
					    "previews_mobile"};
	for (size_t i = 0; i < sizeof(LISTING_TEXT) / sizeof(LISTING_TEXT[0]); i++)
		findings_for(&c, findings, LISTING_TEXT[i].name, used);
	for (size_t i = 0; i < sizeof(extra) / sizeof(extra[0]); i++)
		findings_for(&c, findings, extra[i], used);
	size_t len;
	const char *html = kf_html_finish(&c.h, &len);
	kf_reply_raw(r, 200, "text/html; charset=utf-8", html ? html : "", html ? len : 0);
	kf_reply_header(r, "X-Content-Type-Options", "nosniff");
	kf_reply_header(r, "Cache-Control", "no-store");
}

/* A picture of the provider, for the editor's thumbnails (the API's file
 * content: a member of the uploader's provider reads it). */
static void file_content(struct kf_req *r)
{
	struct kf_con c;
	struct rapp a;
	if (!kf_con_start(r, &c, true) || !rapp_load(&c, &a))
		return;
	const char *id = kf_req_param(r, "file");
	if (!id || !*id || strspn(id, "0123456789") != strlen(id) || strlen(id) > 18) {
		kf_con_not_found(&c);
		return;
	}
	struct kf_call call;
	kf_con_call(&c, "GET", kf_con_fmt(&c, "/v1/files/%s/content", id), NULL, NULL, NULL, 0, &call);
	if (call.status != 200 || !call.type || strncmp(call.type, "image/", 6)) {
		kf_con_not_found(&c);
		return;
	}
	kf_reply_raw(r, 200, call.type, call.raw, call.raw_len);
	kf_reply_header(r, "X-Content-Type-Options", "nosniff");
	kf_reply_header(r, "Cache-Control", "private, max-age=300");
}

/* -------------------------------------------------------------- checks */

static const char *check_name(struct kf_con *c, const char *check)
{
	static const struct {
		const char *id, *en, *zh;
	} names[] = {
		{"ticket", "Verify ticket received", "接收验证票据"},
		{"authorization", "Authorization event received", "接收授权事件"},
		{"text_reply", "Text message reply", "文本消息回复"},
		{"api_reply", "API call reply", "API 调用回复"},
		{"event_reply", "Event reply", "事件回复"},
	};
	for (size_t i = 0; check && i < sizeof(names) / sizeof(names[0]); i++)
		if (!strcmp(names[i].id, check))
			return CL(c, names[i].en, names[i].zh);
	return check;
}

static void checks_table(struct kf_con *c, json_t *checks)
{
	struct kf_html *h = &c->h;
	table_open(c, CL(c, "Check results", "检测结果"));
	kf_html_text(h, CL(c, "Check", "检测项"));
	kf_html_raw(h, "</th><th scope=\"col\">");
	kf_html_text(h, CL(c, "Result", "结果"));
	kf_html_raw(h, "</th><th scope=\"col\">");
	kf_html_text(h, CL(c, "Time", "耗时"));
	kf_html_raw(h, "</th><th scope=\"col\">");
	kf_html_text(h, CL(c, "Why", "原因"));
	kf_html_raw(h, "</th></tr></thead><tbody>");
	size_t i;
	json_t *k;
	json_array_foreach(checks, i, k) {
		kf_html_raw(h, "<tr><td>");
		kf_html_text(h, check_name(c, kf_con_str(c, k, "check")));
		kf_html_raw(h, " <code class=\"small\">");
		kf_html_text(h, kf_con_str(c, k, "check"));
		kf_html_raw(h, "</code></td><td>");
		kf_page_badge(h, c->lang, kf_con_str(c, k, "status"));
		kf_html_raw(h, "</td><td class=\"mono\">");
		const char *ms = kf_con_str(c, k, "ms");
		kf_html_text(h, ms ? kf_con_fmt(c, "%s ms", ms) : "—");
		kf_html_raw(h, "</td><td>");
		const char *reason = kf_con_str(c, k, "reason");
		kf_html_text(h, reason ? reason : "");
		const char *st = kf_con_str(c, k, "status");
		if (st && strcmp(st, "passed")) {
			kf_html_raw(h, " ");
			kf_page_rule(h, "APP-9");
		}
		kf_html_raw(h, "</td></tr>");
	}
	kf_html_raw(h, "</tbody></table></div>\n");
}

static void checks_render(struct kf_con *c, const struct rapp *a)
{
	struct kf_html *h = &c->h;
	int status;
	json_t *run = peek(c, &status, kf_con_fmt(c, "/v1/apps/%s/checks", a->app_id));
	if (!run && status != 404) { /* 404: no run yet, an empty state */
		kf_con_not_found(c);
		return;
	}
	rapp_open(c, a, CL(c, "Capability checks", "能力检测"), "checks");
	kf_html_raw(h, "<p>");
	kf_html_text(h, CL(c, "Kaifang plays a host account against your servers: it sends a verify ticket, an "
			      "authorization, a text message, an API round trip and an event, and times each answer. "
			      "The release runs the same checks (APP-9).",
			   "平台会模拟授权方调用你的服务器：推送验证票据、授权事件、文本消息、API 往返和事件，并记录每项耗时。"
			   "发布审核会运行同样的检测（APP-9）。"));
	kf_html_raw(h, "</p>");
	kf_con_form(c, kf_con_fmt(c, "%s/checks", app_base(c, a)), false);
	kf_html_raw(h, "<div class=\"actions\">");
	kf_page_button(h, "primary", CL(c, "Run the checks now", "立即运行检测"), NULL, NULL);
	kf_html_raw(h, "<span class=\"muted small\">");
	kf_html_text(h, CL(c, "Takes up to a minute: the page answers when the run is done.",
			   "最多需要一分钟，运行结束后页面才会返回。"));
	kf_html_raw(h, "</span></div>");
	kf_page_form_close(h);
	kf_con_error_notice(c); /* a refused run, under the button that asked for it */
	if (!run) {
		kf_page_empty(h, CL(c, "The checks have not run for this app yet. Run them once your servers answer.",
				    "该应用尚未运行过检测。服务器就绪后请运行检测。"),
			      NULL, NULL);
		kf_con_finish(c);
		return;
	}
	kf_html_raw(h, "<h2>");
	kf_html_text(h, CL(c, "Latest run", "最近一次运行"));
	kf_html_raw(h, "</h2><dl class=\"props\"><dt>");
	kf_html_text(h, CL(c, "Result", "结果"));
	kf_html_raw(h, "</dt><dd>");
	kf_page_badge(h, c->lang, json_is_true(json_object_get(run, "passed")) ? "passed" : "failed");
	kf_html_raw(h, "</dd><dt>");
	kf_html_text(h, CL(c, "Started", "开始时间"));
	kf_html_raw(h, "</dt><dd>");
	kf_con_time(c, json_integer_value(json_object_get(run, "started_at")));
	kf_html_raw(h, "</dd><dt>");
	kf_html_text(h, CL(c, "Took", "总耗时"));
	kf_html_raw(h, "</dt><dd class=\"mono\">");
	kf_html_text(h, kf_con_fmt(c, "%lld s", (long long)(json_integer_value(json_object_get(run, "finished_at")) -
							      json_integer_value(json_object_get(run, "started_at")))));
	kf_html_raw(h, "</dd>");
	kf_page_dl_row(h, CL(c, "Configuration version", "配置版本"), kf_con_str(c, run, "config_version"));
	kf_page_dl_row(h, CL(c, "Why it ran", "触发方式"), kf_con_str(c, run, "purpose"));
	kf_html_raw(h, "</dl>");
	checks_table(c, json_object_get(run, "checks"));
	kf_con_finish(c);
}

static void checks_done(struct kf_con *c, const struct kf_call *call, void *arg)
{
	const struct rapp *a = arg;
	if (call->status >= 200 && call->status < 300) {
		kf_con_redirect(c, kf_con_fmt(c, "%s/checks?ok=checked", app_base(c, a)));
		return;
	}
	kf_con_take_err(c, call);
	c->status = call->status;
	checks_render(c, a);
}

static void checks_page(struct kf_req *r)
{
	struct kf_con c;
	struct rapp *a = kf_arena_alloc(r->arena, sizeof(*a));
	if (!kf_con_start(r, &c, true) || !rapp_load(&c, a))
		return;
	if (c.post) {
		call_then(&c, "POST", kf_con_fmt(&c, "/v1/apps/%s/checks:run", a->app_id), NULL, checks_done, a);
		return;
	}
	checks_render(&c, a);
}

/* --------------------------------------------------------- submissions */

static void review_cell(struct kf_con *c, json_t *rv)
{
	struct kf_html *h = &c->h;
	if (!json_is_object(rv)) {
		kf_html_text(h, "—");
		return;
	}
	const char *st = kf_con_str(c, rv, "state");
	kf_page_badge(h, c->lang, st);
	if (st && !strcmp(st, "pending")) {
		kf_html_raw(h, "<div class=\"small\">");
		kf_html_text(h, CL(c, "Due ", "截止 "));
		kf_con_time(c, json_integer_value(json_object_get(rv, "due_at")));
		kf_html_raw(h, "</div>");
	} else if (json_is_integer(json_object_get(rv, "decided_at"))) {
		kf_html_raw(h, "<div class=\"small\">");
		kf_con_time(c, json_integer_value(json_object_get(rv, "decided_at")));
		kf_html_raw(h, "</div>");
	}
	json_t *reasons = json_object_get(rv, "reasons"), *x;
	size_t i;
	if (json_array_size(reasons)) {
		kf_html_raw(h, "<ul class=\"reasons\">");
		json_array_foreach(reasons, i, x) {
			kf_html_raw(h, "<li>");
			const char *field = kf_con_str(c, x, "field");
			if (field) {
				kf_html_raw(h, "<code>");
				kf_html_text(h, field);
				kf_html_raw(h, "</code>");
				kf_html_text(h, CL(c, ": ", "："));
			}
			kf_html_text(h, kf_con_str(c, x, "message"));
			const char *rule = kf_con_str(c, x, "rule");
			if (rule) {
				kf_html_raw(h, " ");
				kf_page_rule(h, rule);
			}
			kf_html_raw(h, "</li>");
		}
		kf_html_raw(h, "</ul>");
	}
}

static void authenticity_card(struct kf_con *c, const struct rapp *a)
{
	struct kf_html *h = &c->h;
	int status;
	json_t *au = peek(c, &status, kf_con_fmt(c, "/v1/providers/%lld/authenticity", a->provider_id));
	kf_html_raw(h, "<section class=\"card\"><h2>");
	kf_html_text(h, CL(c, "1. Authenticity certification of the provider", "1. 服务商真实性认证"));
	kf_html_raw(h, "</h2><p>");
	if (!au) {
		kf_page_badge(h, c->lang, "none");
		kf_html_raw(h, " ");
		kf_html_text(h, CL(c, "Not submitted. A release stops at this stage until it is approved.",
				   "尚未提交。认证通过前，发布会在此阶段停止。"));
	} else {
		bool valid = json_is_true(json_object_get(au, "valid"));
		kf_page_badge(h, c->lang, valid ? "certified" : kf_con_str(c, au, "state"));
		if (valid) {
			kf_html_raw(h, " ");
			kf_html_text(h, CL(c, "Valid until ", "有效期至 "));
			kf_con_time(c, json_integer_value(json_object_get(au, "certified_until")));
		}
	}
	kf_html_raw(h, " ");
	kf_page_rule(h, "APP-9");
	kf_html_raw(h, "</p><p><a");
	kf_html_url_attr(h, "href", kf_con_fmt(c, "%s/authenticity", app_base(c, a)));
	kf_html_raw(h, ">");
	kf_html_text(h, au ? CL(c, "See it or submit new evidence", "查看或重新提交材料") : CL(c, "Submit evidence", "提交认证材料"));
	kf_html_raw(h, "</a></p></section>\n");
}

static void listing_apps_card(struct kf_con *c, const struct rapp *a)
{
	struct kf_html *h = &c->h;
	int status;
	json_t *la = peek(c, &status, kf_con_fmt(c, "/v1/apps/%s/listing-applications", a->app_id));
	kf_html_raw(h, "<h2 id=\"listing-applications\">");
	kf_html_text(h, CL(c, "Search and display listing", "搜索与展示推荐"));
	kf_html_raw(h, "</h2>");
	if (!la)
		return;
	kf_html_raw(h, "<p>");
	kf_html_text(h, CL(c, "A released app may apply to be found by search (REV-2) and to be featured (REV-3). ",
			   "已发布的应用可以申请被搜索收录（REV-2）和展示推荐（REV-3）。"));
	kf_html_text(h, kf_con_fmt(c, CL(c, "Search: %s · Display: %s", "搜索：%s · 展示：%s"),
				   json_is_true(json_object_get(la, "search_listed")) ? CL(c, "listed", "已收录") : CL(c, "not listed", "未收录"),
				   json_is_true(json_object_get(la, "display_listed")) ? CL(c, "featured", "已推荐") : CL(c, "not featured", "未推荐")));
	kf_html_raw(h, "</p>");
	json_t *items = json_object_get(la, "items"), *x;
	size_t i;
	if (json_array_size(items)) {
		table_open(c, CL(c, "Listing applications", "推荐申请"));
		kf_html_text(h, CL(c, "Application", "申请"));
		kf_html_raw(h, "</th><th scope=\"col\">");
		kf_html_text(h, CL(c, "Submitted", "提交时间"));
		kf_html_raw(h, "</th><th scope=\"col\">");
		kf_html_text(h, CL(c, "Outcome", "结果"));
		kf_html_raw(h, "</th></tr></thead><tbody>");
		json_array_foreach(items, i, x) {
			const char *kind = kf_con_str(c, x, "kind");
			kf_html_raw(h, "<tr><td>");
			kf_html_text(h, kind && !strcmp(kind, "display_listing") ? CL(c, "Display listing", "展示推荐")
										: CL(c, "Search listing", "搜索收录"));
			kf_html_raw(h, "</td><td>");
			kf_con_time(c, json_integer_value(json_object_get(x, "submitted_at")));
			kf_html_raw(h, "</td><td>");
			json_t *rv = json_pack("{s:O?, s:O?, s:O?, s:O?}", "state", json_object_get(x, "state"), "due_at",
					       json_object_get(x, "due_at"), "decided_at", json_object_get(x, "decided_at"),
					       "reasons", json_object_get(x, "reasons"));
			review_cell(c, rv);
			json_decref(rv);
			kf_html_raw(h, "</td></tr>");
		}
		kf_html_raw(h, "</tbody></table></div>");
	}
	if (!a->state || strcmp(a->state, "released")) {
		kf_html_raw(h, "<p class=\"muted\">");
		kf_html_text(h, CL(c, "You can apply once the app is released.", "应用发布后即可申请。"));
		kf_html_raw(h, "</p>");
		return;
	}
	kf_html_raw(h, "<div class=\"grid\"><section class=\"card\"><h3>");
	kf_html_text(h, CL(c, "Apply for the search listing", "申请搜索收录"));
	kf_html_raw(h, "</h3>");
	kf_con_form(c, kf_con_fmt(c, "%s/submissions", app_base(c, a)), false);
	kf_page_hidden(h, "action", "search");
	kf_page_button(h, "secondary", CL(c, "Apply", "提交申请"), NULL, NULL);
	kf_page_form_close(h);
	kf_html_raw(h, "</section><section class=\"card\"><h3>");
	kf_html_text(h, CL(c, "Apply for the display listing", "申请展示推荐"));
	kf_html_raw(h, "</h3>");
	kf_con_form(c, kf_con_fmt(c, "%s/submissions", app_base(c, a)), true);
	kf_page_hidden(h, "action", "display");
	kf_html_raw(h, "<p class=\"small\">");
	kf_html_text(h, CL(c, "A featured app comes from a provider established in its field with a stable product team of "
			      "more than 10 people; attach the evidence (REV-3).",
			   "展示推荐要求服务商在该领域长期经营，且有 10 人以上的稳定产品团队；请附上证明材料（REV-3）。"));
	kf_html_raw(h, "</p>");
	struct kf_page_field est = {.name = "attestations.established_in_field", .type = "checkbox",
				    .label = CL(c, "We are established in the app's field", "我们在该领域长期经营"),
				    .checked = kf_con_val(c, "attestations.established_in_field") != NULL};
	kf_con_field(c, &est);
	kf_con_input(c, "attestations.team_size", CL(c, "Size of the stable product team", "稳定产品团队人数"), "number",
		     NULL, NULL, true);
	struct kf_page_field ev = {.name = "attestations.evidence", .label = CL(c, "Evidence", "证明材料"), .type = "file",
				   .required = true, .accept = "application/pdf,image/png,image/jpeg",
				   .hint = CL(c, "PDF or pictures, e.g. social insurance records of the team.",
					      "PDF 或图片，例如团队社保缴纳记录。")};
	kf_con_field(c, &ev);
	struct kf_page_field st = {.name = "attestations.statement", .label = CL(c, "Statement", "说明"), .type = "textarea",
				   .hint = CL(c, "What makes the app worth featuring.", "说明应用值得推荐的理由。")};
	kf_con_field(c, &st);
	kf_page_button(h, "secondary", CL(c, "Apply", "提交申请"), NULL, NULL);
	kf_page_form_close(h);
	kf_html_raw(h, "</section></div>\n");
}

static void submissions_render(struct kf_con *c, const struct rapp *a)
{
	struct kf_html *h = &c->h;
	json_t *subs = kf_con_get(c, "/v1/apps/%s/submissions", a->app_id);
	if (!subs) {
		kf_con_not_found(c);
		return;
	}
	rapp_open(c, a, CL(c, "Submissions", "提交审核"), "submissions");
	bool released = a->state && !strcmp(a->state, "released");
	bool developing = a->state && !strcmp(a->state, "developing");
	kf_html_raw(h, "<p>");
	kf_html_text(h, CL(c, "A release runs four stages in order: authenticity, capability checks, listing checks, "
			      "then a review by a person. It stops at the first stage that fails and lists everything "
			      "to fix (APP-9). At most 5 submissions per day (REV-4).",
			   "发布依次经过四个阶段：真实性认证、能力检测、详情页检测，然后人工审核。任一阶段未通过即停止，"
			   "并列出所有需要修改的问题（APP-9）。每天最多提交 5 次（REV-4）。"));
	kf_html_raw(h, "</p>");
	authenticity_card(c, a);
	kf_html_raw(h, "<section class=\"card\"><h2>");
	kf_html_text(h, released ? CL(c, "Submit a change", "提交变更审核") : CL(c, "Submit for release", "提交全网发布审核"));
	kf_html_raw(h, "</h2>");
	if (released || developing) {
		kf_html_raw(h, "<p>");
		kf_html_text(h, released ? CL(c, "Submits the draft configuration and/or the draft listing; the live version "
					     "keeps serving until the change is approved (APP-7).",
					     "提交草稿配置和/或草稿详情页；变更通过前线上版本继续生效（APP-7）。")
				 : CL(c, "The live configuration and the saved listing are checked. The page answers when "
					 "the automated stages are done (up to a minute).",
				      "将检测线上配置和已保存的详情页。自动检测完成后页面才会返回（最多一分钟）。"));
		kf_html_raw(h, "</p>");
		kf_con_form(c, kf_con_fmt(c, "%s/submissions", app_base(c, a)), false);
		kf_page_hidden(h, "action", released ? "change" : "release");
		kf_page_button(h, "primary", released ? CL(c, "Submit the change", "提交变更") : CL(c, "Submit for release", "提交发布审核"),
			       NULL, NULL);
		kf_page_form_close(h);
		const char *act = kf_con_val(c, "action");
		if (act && (!strcmp(act, "release") || !strcmp(act, "change") || !strcmp(act, "withdraw")))
			kf_con_error_notice(c); /* a refused submission, under its button */
	} else {
		kf_html_raw(h, "<p>");
		kf_html_text(h, CL(c, "The app's state does not allow a submission now: ", "应用当前状态不能提交审核："));
		kf_page_badge(h, c->lang, a->state);
		kf_html_raw(h, "</p>");
	}
	kf_html_raw(h, "</section>\n<h2>");
	kf_html_text(h, CL(c, "Submissions and their outcome", "提交记录与审核结果"));
	kf_html_raw(h, "</h2>");
	json_t *items = json_object_get(subs, "items"), *s;
	size_t i;
	if (!json_array_size(items)) {
		kf_page_empty(h, CL(c, "Nothing submitted yet.", "尚未提交过审核。"), NULL, NULL);
	} else {
		table_open(c, CL(c, "Submissions", "提交记录"));
		kf_html_text(h, CL(c, "Submission", "提交"));
		kf_html_raw(h, "</th><th scope=\"col\">");
		kf_html_text(h, CL(c, "Automated stages", "自动检测"));
		kf_html_raw(h, "</th><th scope=\"col\">");
		kf_html_text(h, CL(c, "Review", "审核"));
		kf_html_raw(h, "</th></tr></thead><tbody>");
		json_array_foreach(items, i, s) {
			const char *kind = kf_con_str(c, s, "kind");
			kf_html_raw(h, "<tr><td><strong>");
			kf_html_text(h, kind && !strcmp(kind, "change") ? CL(c, "Change", "变更") : CL(c, "Release", "全网发布"));
			kf_html_raw(h, "</strong><div class=\"small\">");
			kf_con_time(c, json_integer_value(json_object_get(s, "submitted_at")));
			kf_html_raw(h, "</div></td><td>");
			const char *outcome = kf_con_str(c, s, "outcome");
			kf_page_badge(h, c->lang, outcome && !strcmp(outcome, "queued") ? "passed" : outcome);
			const char *stage = kf_con_str(c, s, "stage");
			if (stage) {
				kf_html_raw(h, " <span class=\"small\">");
				kf_html_text(h, CL(c, "stopped at: ", "停止于："));
				kf_html_text(h, !strcmp(stage, "authenticity") ? CL(c, "authenticity", "真实性认证")
						: !strcmp(stage, "capability")  ? CL(c, "capability checks", "能力检测")
						: !strcmp(stage, "listing")	 ? CL(c, "listing checks", "详情页检测")
										 : stage);
				kf_html_raw(h, "</span>");
			}
			findings_list(c, json_object_get(s, "findings"));
			kf_html_raw(h, "</td><td>");
			json_t *rv = json_object_get(s, "review");
			review_cell(c, rv);
			const char *rst = kf_con_str(c, rv, "state");
			if (rst && !strcmp(rst, "pending")) {
				kf_con_form(c, kf_con_fmt(c, "%s/submissions", app_base(c, a)), false);
				kf_page_hidden(h, "action", "withdraw");
				kf_page_hidden(h, "submission", kf_con_str(c, s, "id"));
				kf_page_button(h, "secondary", CL(c, "Withdraw…", "撤回…"), NULL, NULL);
				kf_page_form_close(h);
			}
			kf_html_raw(h, "</td></tr>");
		}
		kf_html_raw(h, "</tbody></table></div>\n");
	}
	listing_apps_card(c, a);
	kf_con_finish(c);
}

static void submit_done(struct kf_con *c, const struct kf_call *call, void *arg)
{
	const struct rapp *a = arg;
	if (call->status >= 200 && call->status < 300) {
		kf_con_redirect(c, kf_con_fmt(c, "%s/submissions?ok=submitted", app_base(c, a)));
		return;
	}
	/* a stopped submission (422) is kept with its findings: the list shows it */
	if (call->status == 422) {
		kf_con_redirect(c, kf_con_fmt(c, "%s/submissions?ok=stopped", app_base(c, a)));
		return;
	}
	kf_con_take_err(c, call);
	c->status = call->status;
	submissions_render(c, a);
}

static void submissions_page(struct kf_req *r)
{
	struct kf_con c;
	struct rapp *a = kf_arena_alloc(r->arena, sizeof(*a));
	if (!kf_con_start(r, &c, true) || !rapp_load(&c, a))
		return;
	if (!c.post) {
		submissions_render(&c, a);
		return;
	}
	const char *action = kf_con_val(&c, "action");
	action = action ? action : "";
	if (!strcmp(action, "release") || !strcmp(action, "change")) {
		call_then(&c, "POST", kf_con_fmt(&c, "/v1/apps/%s/%s-review", a->app_id, action), NULL, submit_done, a);
		return;
	}
	json_t *ok = NULL;
	if (!strcmp(action, "withdraw")) {
		const char *sid = kf_con_val(&c, "submission");
		if (!sid || !*sid || strlen(sid) > 18 || strspn(sid, "0123456789") != strlen(sid)) {
			kf_con_not_found(&c);
			return;
		}
		const char *confirm = kf_con_val(&c, "confirm");
		if (!confirm || strcmp(confirm, "1")) {
			const char *hidden[] = {"action", "withdraw", "submission", sid};
			bool release = a->state && !strcmp(a->state, "release_review");
			c.section = "apps";
			kf_con_confirm(&c, CL(&c, "Withdraw this submission?", "撤回此次提交？"),
				       release ? CL(&c, "The review stops and the app goes back to development; the withdrawn "
							"submission still counts towards the 5 submissions a day.",
						    "审核将停止，应用回到开发中；撤回的提交仍计入每天 5 次的提交次数。")
					       : CL(&c, "The review of the change stops; the live version keeps serving.",
						    "变更审核将停止，线上版本继续生效。"),
				       kf_con_fmt(&c, "%s/submissions", app_base(&c, a)), CL(&c, "Withdraw", "撤回"),
				       kf_con_fmt(&c, "%s/submissions", app_base(&c, a)), hidden, 2);
			return;
		}
		ok = kf_con_send(&c, "POST", NULL, "/v1/apps/%s/submissions/%s:withdraw", a->app_id, sid);
		if (ok) {
			kf_con_redirect(&c, kf_con_fmt(&c, "%s/submissions?ok=withdrawn", app_base(&c, a)));
			return;
		}
		if (c.err.status == 404) {
			kf_con_not_found(&c);
			return;
		}
		c.status = c.err.status;
		submissions_render(&c, a);
		return;
	}
	if (!strcmp(action, "search")) {
		ok = kf_con_send(&c, "POST", NULL, "/v1/apps/%s/search-listing", a->app_id);
	} else if (!strcmp(action, "display")) {
		json_t *att = json_object(), *evidence = json_array();
		json_object_set_new(att, "established_in_field",
				    json_boolean(kf_con_val(&c, "attestations.established_in_field") != NULL));
		const char *ts = kf_con_val(&c, "attestations.team_size"), *st = kf_con_val(&c, "attestations.statement");
		if (ts && *ts)
			json_object_set_new(att, "team_size", json_integer(atoll(ts)));
		if (st && *st)
			json_object_set_new(att, "statement", json_string(st));
		json_object_set_new(att, "evidence", evidence);
		json_t *body = json_pack("{s:o}", "attestations", att);
		if (kf_con_upload_files(&c, "attestations.evidence", "attestations.evidence", 0, evidence))
			ok = kf_con_send(&c, "POST", body, "/v1/apps/%s/display-listing", a->app_id);
		json_decref(body);
	} else {
		kf_con_not_found(&c);
		return;
	}
	if (ok) {
		kf_con_redirect(&c, kf_con_fmt(&c, "%s/submissions?ok=submitted#listing-applications", app_base(&c, a)));
		return;
	}
	/* "attestations.evidence[0]" is the evidence field */
	if (c.has_err && c.err.field && strchr(c.err.field, '['))
		c.err.field = kf_arena_strndup(r->arena, c.err.field, strcspn(c.err.field, "["));
	c.status = c.err.status;
	submissions_render(&c, a);
}

/* -------------------------------------------------------- authenticity */

static void authenticity_page(struct kf_req *r)
{
	struct kf_con c;
	struct rapp a;
	if (!kf_con_start(r, &c, true) || !rapp_load(&c, &a))
		return;
	const char *papi = kf_con_fmt(&c, "/v1/providers/%lld/authenticity", (long long)a.provider_id);
	if (c.post) {
		json_t *docs = json_array();
		kf_arena_defer(r->arena, (void (*)(void *))json_decref, docs);
		bool up = kf_con_upload_files(&c, "document", "documents", 0, docs);
		json_t *ok = NULL;
		if (up && !json_array_size(docs)) {
			up = false;
			c.has_err = true;
			c.err = (struct kf_con_err){.status = 400, .code = "document_required", .field = "documents", .rule = "APP-9",
						    .message = CL(&c, "Choose a document that shows the app is yours.",
								  "请选择能证明应用由你方开发运营的文件。")};
		}
		if (up) {
			json_t *body = json_pack("{s:O, s:s}", "documents", docs, "statement",
						 kf_con_val(&c, "statement") ? kf_con_val(&c, "statement") : "");
			ok = kf_con_send(&c, "POST", body, "%s", papi);
			json_decref(body);
		}
		if (ok) {
			kf_con_redirect(&c, kf_con_fmt(&c, "%s/authenticity?ok=submitted", app_base(&c, &a)));
			return;
		}
		if (c.err.field && !strcmp(c.err.field, "documents"))
			c.err.field = "document";
		c.status = c.err.status ? c.err.status : 400;
	}
	int status;
	json_t *au = peek(&c, &status, papi);
	if (!au && status != 404) { /* 404: none submitted yet */
		kf_con_not_found(&c);
		return;
	}
	rapp_open(&c, &a, CL(&c, "Authenticity certification", "真实性认证"), "submissions");
	struct kf_html *h = &c.h;
	kf_html_raw(h, "<p>");
	kf_html_text(h, CL(&c, "The first stage of a release: the provider shows that it builds and runs its apps itself. "
			       "An approved certification counts for a year, for every app of the provider (APP-9).",
			   "发布的第一阶段：服务商证明应用由其自行开发和运营。认证通过后一年内有效，适用于该服务商的所有应用（APP-9）。"));
	kf_html_raw(h, "</p>");
	if (au) {
		kf_html_raw(h, "<section class=\"card\"><dl class=\"props\"><dt>");
		kf_html_text(h, CL(&c, "State", "状态"));
		kf_html_raw(h, "</dt><dd>");
		kf_page_badge(h, c.lang, kf_con_str(&c, au, "state"));
		kf_html_raw(h, "</dd><dt>");
		kf_html_text(h, CL(&c, "Valid now", "当前有效"));
		kf_html_raw(h, "</dt><dd>");
		kf_html_text(h, json_is_true(json_object_get(au, "valid")) ? CL(&c, "yes", "是") : CL(&c, "no", "否"));
		kf_html_raw(h, "</dd><dt>");
		kf_html_text(h, CL(&c, "Certified until", "有效期至"));
		kf_html_raw(h, "</dt><dd>");
		kf_con_time(&c, json_integer_value(json_object_get(au, "certified_until")));
		kf_html_raw(h, "</dd></dl></section>");
	} else if (!c.post) {
		kf_page_empty(h, CL(&c, "No certification submitted yet.", "尚未提交认证。"), NULL, NULL);
	}
	kf_html_raw(h, "<h2>");
	kf_html_text(h, au ? CL(&c, "Submit new evidence", "重新提交材料") : CL(&c, "Submit evidence", "提交认证材料"));
	kf_html_raw(h, "</h2>");
	kf_con_form(&c, NULL, true);
	struct kf_page_field doc = {.name = "document", .label = CL(&c, "Document", "证明文件"), .type = "file",
				    .required = true, .accept = "application/pdf,image/png,image/jpeg",
				    .hint = CL(&c, "A PDF or picture, e.g. a software copyright certificate.",
					       "PDF 或图片，例如软件著作权登记证书。")};
	kf_con_field(&c, &doc);
	struct kf_page_field st = {.name = "statement", .label = CL(&c, "Statement", "说明"), .type = "textarea",
				   .required = true};
	kf_con_field(&c, &st);
	kf_html_raw(h, "<div class=\"actions\">");
	kf_page_button(h, "primary", CL(&c, "Submit for review", "提交审核"), NULL, NULL);
	kf_html_raw(h, "</div>");
	kf_page_form_close(h);
	kf_con_finish(&c);
}

/* ---------------------------------------------------------- deliveries */

/* The events Kaifang pushes, in words. */
static const struct {
	const char *kind, *en, *zh;
} EVENT_KINDS[] = {
	{"component_verify_ticket", "Verify ticket", "验证票据"},
	{"authorized", "Authorized", "授权成功"},
	{"updateauthorized", "Authorization changed", "授权变更"},
	{"unauthorized", "Authorization revoked", "取消授权"},
};

static const char *event_word(struct kf_con *c, const char *kind)
{
	for (size_t i = 0; kind && i < sizeof(EVENT_KINDS) / sizeof(EVENT_KINDS[0]); i++)
		if (!strcmp(EVENT_KINDS[i].kind, kind))
			return CL(c, EVENT_KINDS[i].en, EVENT_KINDS[i].zh);
	return kind;
}

/* A date field (YYYY-MM-DD, the platform's time zone) as unix seconds, or
 * 0 when absent or malformed. */
static int64_t date_seconds(struct kf_con *c, const char *d)
{
	int y, m, day;
	if (!d || strlen(d) != 10 || sscanf(d, "%4d-%2d-%2d", &y, &m, &day) != 3 || m < 1 || m > 12 || day < 1 || day > 31 ||
	    y < 1970)
		return 0;
	struct tm tm = {.tm_year = y - 1900, .tm_mon = m - 1, .tm_mday = day};
	time_t t = timegm(&tm);
	return t > 0 ? (int64_t)t - kf_con_tz(c) : 0;
}

static void deliveries_page(struct kf_req *r)
{
	struct kf_con c;
	struct rapp a;
	if (!kf_con_start(r, &c, true) || !rapp_load(&c, &a))
		return;
	const char *state = kf_con_q(&c, "state"), *kind = kf_con_q(&c, "kind"), *since = kf_con_q(&c, "since"),
		   *until = kf_con_q(&c, "until"), *after = kf_con_q(&c, "after");
	struct kf_form q = {0};
	if (state && *state)
		kf_form_set(&q, "state", state);
	if (kind && *kind)
		kf_form_set(&q, "kind", kind);
	int64_t s0 = date_seconds(&c, since), u0 = date_seconds(&c, until);
	if (s0)
		kf_form_set(&q, "since", kf_con_fmt(&c, "%lld", (long long)s0));
	if (u0) /* the whole day of until */
		kf_form_set(&q, "until", kf_con_fmt(&c, "%lld", (long long)(u0 + 86400)));
	if (after && *after)
		kf_form_set(&q, "after", after);
	kf_form_set(&q, "limit", "50");
	json_t *list = kf_con_getq(&c, &q, "/v1/apps/%s/deliveries", a.app_id);
	if (!list && c.err.status != 400) {
		kf_con_not_found(&c);
		return;
	}
	if (!list)
		c.status = 400;
	rapp_open(&c, &a, CL(&c, "Deliveries", "消息推送记录"), "deliveries");
	struct kf_html *h = &c.h;
	kf_html_raw(h, "<p>");
	kf_html_text(h, CL(&c, "Every event Kaifang pushed to your servers, newest first. A failed (dead) event can be "
			       "replayed once your receiver works again.",
			   "平台推送到你的服务器的所有事件，按时间倒序。投递失败的事件可在接收服务恢复后重新推送。"));
	kf_html_raw(h, "</p><form class=\"filters\" method=\"get\">");
	struct kf_page_option states[] = {
		{"", CL(&c, "Any state", "全部状态")},	     {"pending", CL(&c, "Pending", "待处理")},
		{"delivered", CL(&c, "Delivered", "已送达")}, {"dead", CL(&c, "Failed", "投递失败")},
		{"superseded", CL(&c, "Superseded", "已被取代")},
	};
	struct kf_page_field fs = {.name = "state", .label = CL(&c, "State", "状态"), .type = "select",
				   .value = state ? state : "", .options = states,
				   .n_options = sizeof(states) / sizeof(states[0])};
	kf_con_field(&c, &fs);
	enum { NK = sizeof(EVENT_KINDS) / sizeof(EVENT_KINDS[0]) };
	struct kf_page_option kinds[NK + 2] = {{"", CL(&c, "Any event", "全部事件")}};
	size_t nk = 1;
	bool known = !kind || !*kind;
	for (size_t i = 0; i < NK; i++) {
		kinds[nk++] = (struct kf_page_option){EVENT_KINDS[i].kind, CL(&c, EVENT_KINDS[i].en, EVENT_KINDS[i].zh)};
		known = known || !strcmp(kind, EVENT_KINDS[i].kind);
	}
	if (!known) /* a kind of the URL this list does not know stays chosen */
		kinds[nk++] = (struct kf_page_option){kind, kind};
	struct kf_page_field fk = {.name = "kind", .label = CL(&c, "Event", "事件类型"), .type = "select",
				   .value = kind ? kind : "", .options = kinds, .n_options = nk};
	kf_con_field(&c, &fk);
	struct kf_page_field f1 = {.name = "since", .label = CL(&c, "From", "开始日期"), .type = "date", .value = since};
	kf_con_field(&c, &f1);
	struct kf_page_field f2 = {.name = "until", .label = CL(&c, "To", "结束日期"), .type = "date", .value = until};
	kf_con_field(&c, &f2);
	kf_page_button(h, "secondary", CL(&c, "Filter", "筛选"), NULL, NULL);
	kf_html_raw(h, "</form>");
	json_t *items = json_object_get(list, "items"), *e;
	size_t i;
	if (list && !json_array_size(items)) {
		kf_page_empty(h,
			      q.n > 1 ? CL(&c, "No event matches these filters.", "没有符合筛选条件的事件。")
				      : CL(&c, "No events yet. Kaifang pushes a verify ticket once the app's creation review passes.",
					   "暂无事件。应用创建审核通过后，平台会推送验证票据。"),
			      NULL, NULL);
	} else if (list) {
		table_open(&c, CL(&c, "Events", "事件"));
		kf_html_text(h, CL(&c, "Event", "事件"));
		kf_html_raw(h, "</th><th scope=\"col\">");
		kf_html_text(h, CL(&c, "State", "状态"));
		kf_html_raw(h, "</th><th scope=\"col\">");
		kf_html_text(h, CL(&c, "Attempts", "尝试次数"));
		kf_html_raw(h, "</th><th scope=\"col\">");
		kf_html_text(h, CL(&c, "Created", "创建时间"));
		kf_html_raw(h, "</th><th scope=\"col\">");
		kf_html_text(h, CL(&c, "Last error", "最近错误"));
		kf_html_raw(h, "</th></tr></thead><tbody>");
		json_array_foreach(items, i, e) {
			const char *ev = kf_con_str(&c, e, "event_id");
			kf_html_raw(h, "<tr><td><a");
			kf_html_url_attr(h, "href", kf_con_fmt(&c, "%s/deliveries/%s", app_base(&c, &a), ev ? ev : ""));
			kf_html_raw(h, ">");
			kf_html_text(h, event_word(&c, kf_con_str(&c, e, "kind")));
			kf_html_raw(h, "</a><div class=\"small mono\">");
			kf_html_text(h, kf_con_str(&c, e, "kind"));
			kf_html_raw(h, "</div><div class=\"small mono muted\">");
			kf_html_text(h, ev);
			kf_html_raw(h, "</div></td><td>");
			kf_page_badge(h, c.lang, kf_con_str(&c, e, "state"));
			kf_html_raw(h, "</td><td>");
			kf_html_text(h, kf_con_str(&c, e, "attempts"));
			kf_html_raw(h, "</td><td>");
			kf_con_time(&c, json_integer_value(json_object_get(e, "created_at")));
			kf_html_raw(h, "</td><td>");
			kf_html_text(h, kf_con_str(&c, e, "last_error"));
			kf_html_raw(h, "</td></tr>");
		}
		kf_html_raw(h, "</tbody></table></div>");
		const char *next = kf_con_str(&c, list, "next_after");
		if (next || (after && *after)) {
			/* the filters as they were asked, each value percent-encoded */
			const char *filters = kf_con_fmt(&c, "%s/deliveries?state=%s&kind=%s&since=%s&until=%s", app_base(&c, &a),
							 kf_con_qenc(&c, state), kf_con_qenc(&c, kind), kf_con_qenc(&c, since), kf_con_qenc(&c, until));
			kf_html_raw(h, "<nav class=\"actions\"");
			kf_html_attr(h, "aria-label", CL(&c, "Pages", "分页"));
			kf_html_raw(h, ">");
			if (after && *after) {
				kf_html_raw(h, "<a");
				kf_html_url_attr(h, "href", filters);
				kf_html_raw(h, ">");
				kf_html_text(h, CL(&c, "← Newest events", "← 最新的事件"));
				kf_html_raw(h, "</a>");
			}
			if (next) {
				kf_html_raw(h, "<a rel=\"next\"");
				kf_html_url_attr(h, "href", kf_con_fmt(&c, "%s&after=%s", filters, kf_con_qenc(&c, next)));
				kf_html_raw(h, ">");
				kf_html_text(h, CL(&c, "Older events →", "更早的事件 →"));
				kf_html_raw(h, "</a>");
			}
			kf_html_raw(h, "</nav>");
		}
	}
	kf_con_finish(&c);
}

static void delivery_page(struct kf_req *r)
{
	struct kf_con c;
	struct rapp a;
	if (!kf_con_start(r, &c, true) || !rapp_load(&c, &a))
		return;
	const char *ev = kf_req_param(r, "event");
	if (!ev || !*ev || strlen(ev) > 64 || strspn(ev, "0123456789abcdefABCDEF-") != strlen(ev)) {
		kf_con_not_found(&c);
		return;
	}
	const char *self = kf_con_fmt(&c, "%s/deliveries/%s", app_base(&c, &a), ev);
	if (c.post) {
		const char *confirm = kf_con_val(&c, "confirm");
		if (!confirm || strcmp(confirm, "1")) {
			c.section = "apps";
			kf_con_confirm(&c, CL(&c, "Replay this event?", "重新推送此事件？"),
				       CL(&c, "Kaifang sends the event to your server again at once, with the same event id; if it "
					      "fails again it is marked failed after that one attempt.",
					  "平台会立即以相同的事件 ID 再次推送此事件；如果再次失败，该事件将在这一次尝试后标记为投递失败。"),
				       self, CL(&c, "Replay", "重新推送"), self, NULL, 0);
			return;
		}
		if (kf_con_send(&c, "POST", NULL, "/v1/apps/%s/deliveries/%s:replay", a.app_id, ev)) {
			kf_con_redirect(&c, kf_con_fmt(&c, "%s?ok=replayed", self));
			return;
		}
		if (c.err.status == 404) {
			kf_con_not_found(&c);
			return;
		}
		c.status = c.err.status;
		c.err.field = NULL;
	}
	json_t *e = kf_con_get(&c, "/v1/apps/%s/deliveries/%s", a.app_id, ev);
	if (!e) {
		kf_con_not_found(&c);
		return;
	}
	rapp_open(&c, &a, CL(&c, "Delivery", "推送详情"), "deliveries");
	struct kf_html *h = &c.h;
	kf_html_raw(h, "<section class=\"card\"><dl class=\"props\"><dt>");
	kf_html_text(h, CL(&c, "Event id", "事件 ID"));
	kf_html_raw(h, "</dt><dd>");
	kf_page_id(h, c.lang, kf_con_str(&c, e, "event_id"));
	kf_html_raw(h, "</dd>");
	kf_page_dl_row(h, CL(&c, "Event", "事件类型"),
		       kf_con_fmt(&c, "%s (%s)", event_word(&c, kf_con_str(&c, e, "kind")), kf_con_str(&c, e, "kind")));
	kf_page_dl_row(h, CL(&c, "Sent to", "推送目标"), kf_con_str(&c, e, "target"));
	kf_html_raw(h, "<dt>");
	kf_html_text(h, CL(&c, "State", "状态"));
	kf_html_raw(h, "</dt><dd>");
	const char *st = kf_con_str(&c, e, "state");
	kf_page_badge(h, c.lang, st);
	kf_html_raw(h, "</dd><dt>");
	kf_html_text(h, CL(&c, "Created", "创建时间"));
	kf_html_raw(h, "</dt><dd>");
	kf_con_time(&c, json_integer_value(json_object_get(e, "created_at")));
	kf_html_raw(h, "</dd>");
	if (st && !strcmp(st, "pending")) {
		kf_html_raw(h, "<dt>");
		kf_html_text(h, CL(&c, "Next attempt", "下次尝试"));
		kf_html_raw(h, "</dt><dd>");
		kf_con_time(&c, json_integer_value(json_object_get(e, "next_attempt_at")));
		kf_html_raw(h, "</dd>");
	}
	kf_html_raw(h, "</dl></section>");
	if (st && (!strcmp(st, "dead") || !strcmp(st, "delivered"))) {
		kf_con_form(&c, self, false);
		kf_html_raw(h, "<div class=\"actions\">");
		kf_page_button(h, st && !strcmp(st, "dead") ? "primary" : "secondary", CL(&c, "Replay…", "重新推送…"), NULL,
			       NULL);
		kf_html_raw(h, "</div>");
		kf_page_form_close(h);
	}
	kf_html_raw(h, "<h2>");
	kf_html_text(h, CL(&c, "Attempts", "推送尝试"));
	kf_html_raw(h, "</h2>");
	json_t *log = json_object_get(e, "attempt_log"), *x;
	size_t i;
	if (!json_array_size(log)) {
		kf_page_empty(h, CL(&c, "Not attempted yet.", "尚未尝试推送。"), NULL, NULL);
	} else {
		table_open(&c, CL(&c, "Attempts", "推送尝试"));
		kf_html_text(h, CL(&c, "When", "时间"));
		kf_html_raw(h, "</th><th scope=\"col\">");
		kf_html_text(h, CL(&c, "Answer", "响应"));
		kf_html_raw(h, "</th><th scope=\"col\">");
		kf_html_text(h, CL(&c, "Time", "耗时"));
		kf_html_raw(h, "</th><th scope=\"col\">");
		kf_html_text(h, CL(&c, "Your server said", "你的服务器返回"));
		kf_html_raw(h, "</th></tr></thead><tbody>");
		json_array_foreach(log, i, x) {
			kf_html_raw(h, "<tr><td>");
			kf_con_time(&c, json_integer_value(json_object_get(x, "attempted_at")));
			kf_html_raw(h, "</td><td>");
			const char *hs = kf_con_str(&c, x, "http_status"), *err = kf_con_str(&c, x, "error");
			if (hs)
				kf_html_text(h, kf_con_fmt(&c, "HTTP %s", hs));
			if (err) {
				kf_html_raw(h, "<div class=\"small\">");
				kf_html_text(h, err);
				kf_html_raw(h, "</div>");
			}
			kf_html_raw(h, "</td><td class=\"mono\">");
			const char *ms = kf_con_str(&c, x, "latency_ms");
			kf_html_text(h, ms ? kf_con_fmt(&c, "%s ms", ms) : "—");
			kf_html_raw(h, "</td><td><code class=\"small\">");
			kf_html_text(h, kf_con_str(&c, x, "response_excerpt"));
			kf_html_raw(h, "</code></td></tr>");
		}
		kf_html_raw(h, "</tbody></table></div>");
	}
	kf_con_finish(&c);
}

#define PAGE_POST (KF_RF_PAGE | KF_RF_FORM_CSRF | KF_RF_OWN_TX)

const struct kf_route kf_console_release_routes[] = {
	{"GET", "/console/apps/{id}/listing", listing_page, KF_AUTH_USER, KF_RF_PAGE, "An app's listing editor (HTML)"},
	{"POST", "/console/apps/{id}/listing", listing_page, KF_AUTH_USER, PAGE_POST | KF_RF_UPLOAD,
	 "Save an app's listing (HTML form)"},
	{"POST", "/console/apps/{id}/listing/findings", listing_findings, KF_AUTH_USER, PAGE_POST,
	 "The findings of a listing form, checked without saving (HTML fragment for the editor's script)"},
	{"GET", "/console/apps/{id}/files/{file}", file_content, KF_AUTH_USER, KF_RF_PAGE,
	 "A picture of the app's provider, for the listing editor"},
	{"GET", "/console/apps/{id}/checks", checks_page, KF_AUTH_USER, KF_RF_PAGE, "An app's capability checks (HTML)"},
	{"POST", "/console/apps/{id}/checks", checks_page, KF_AUTH_USER, PAGE_POST,
	 "Run an app's capability checks (HTML form)"},
	{"GET", "/console/apps/{id}/authenticity", authenticity_page, KF_AUTH_USER, KF_RF_PAGE,
	 "The provider's authenticity certification (HTML)"},
	{"POST", "/console/apps/{id}/authenticity", authenticity_page, KF_AUTH_USER, PAGE_POST | KF_RF_UPLOAD,
	 "Submit authenticity evidence (HTML form)"},
	{"GET", "/console/apps/{id}/submissions", submissions_page, KF_AUTH_USER, KF_RF_PAGE,
	 "An app's submissions and listing applications (HTML)"},
	{"POST", "/console/apps/{id}/submissions", submissions_page, KF_AUTH_USER, PAGE_POST | KF_RF_UPLOAD,
	 "Submit an app or a listing application (HTML form)"},
	{"GET", "/console/apps/{id}/deliveries", deliveries_page, KF_AUTH_USER, KF_RF_PAGE, "An app's deliveries (HTML)"},
	{"GET", "/console/apps/{id}/deliveries/{event}", delivery_page, KF_AUTH_USER, KF_RF_PAGE,
	 "One delivery with its attempts (HTML)"},
	{"POST", "/console/apps/{id}/deliveries/{event}", delivery_page, KF_AUTH_USER, PAGE_POST,
	 "Replay a delivery (HTML form, confirmed)"},
};
const size_t kf_console_release_nroutes = sizeof(kf_console_release_routes) / sizeof(kf_console_release_routes[0]);
