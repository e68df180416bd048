/* SPDX-License-Identifier: Apache-2.0 */
/* An app's configuration in the console's forms: see appform.h. */
#include "console/appform.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/app.h"
#include "util/mem.h"

/* The configuration being prepared: the draft, else the live one. */
json_t *kf_appform_cfg(json_t *app)
{
	json_t *d = json_object_get(app, "draft_config");
	return json_is_object(d) ? d : json_object_get(app, "live_config");
}

/* The member at a form name ("name", "dev.message_url") of a config. */
json_t *kf_appform_member(json_t *cfg, const char *path)
{
	const char *dot = strchr(path, '.');
	if (!dot)
		return json_object_get(cfg, path);
	char head[32];
	snprintf(head, sizeof(head), "%.*s", (int)(dot - path), path);
	return json_object_get(json_object_get(cfg, head), dot + 1);
}

/* Set the member at a form name, making "dev" when needed; steals v. */
void kf_appform_set(json_t *obj, const char *path, json_t *v)
{
	const char *dot = strchr(path, '.');
	if (!dot) {
		json_object_set_new(obj, path, v);
		return;
	}
	char head[32];
	snprintf(head, sizeof(head), "%.*s", (int)(dot - path), path);
	json_t *sub = json_object_get(obj, head);
	if (!json_is_object(sub)) {
		sub = json_object();
		json_object_set_new(obj, head, sub);
	}
	json_object_set_new(sub, dot + 1, v);
}

bool kf_appform_digits(const char *s)
{
	if (!s || !*s)
		return false;
	for (; *s; s++)
		if (*s < '0' || *s > '9')
			return false;
	return true;
}

/* GET that leaves the page's pending refusal (c->err) as it is: for what
 * a form shows around the error of the write that failed. NULL when the
 * read failed. */
json_t *kf_appform_quiet_get(struct kf_con *c, const char *path)
{
	struct kf_con_err saved = c->err;
	bool had = c->has_err;
	json_t *j = kf_con_get(c, "%s", path);
	c->err = saved;
	c->has_err = had;
	return j;
}

/* --------------------------------------------------- configuration fields */

const struct kf_appform_field kf_appform_info[] = {
	{"name", KF_APPFORM_TEXT, "App name", "应用名称", "2 to 64 characters, not the name of another of your apps.",
	 "2 到 64 个字符，不能与你的其他应用重名。", true},
	{"intro", KF_APPFORM_AREA, "Introduction", "应用简介", "What the app does for a host account, at most 400 bytes.",
	 "说明应用为授权方做什么，最多 400 字节。", true},
	{"website", KF_APPFORM_URL, "Official website", "官方网站",
	 "An https URL on a domain with an ICP filing of your entity (see ICP filings).",
	 "https 地址，所在域名须已有主体的 ICP备案（见“ICP备案”）。", true},
	{"icp_no", KF_APPFORM_TEXT, "ICP filing number", "ICP备案号", "Such as 京ICP备12345678号 or 京ICP备12345678号-1.",
	 "例如 京ICP备12345678号 或 京ICP备12345678号-1。", true},
	{"audience", KF_APPFORM_AUDIENCE, "Who may authorize it", "可授权范围",
	 "Self-use apps may be authorized only by your own host accounts.", "自用应用只能由你自己的授权账号授权。", true},
};
const size_t kf_appform_n_info = sizeof(kf_appform_info) / sizeof(kf_appform_info[0]);

const struct kf_appform_field kf_appform_dev[] = {
	{"dev.auth_domain", KF_APPFORM_TEXT, "Authorization page domain", "授权发起页域名",
	 "The host name of your page that opens the authorization page.", "发起授权的页面所在的域名。", true},
	{"dev.auth_receive_url", KF_APPFORM_URL, "Authorization event URL", "授权事件接收URL",
	 "Where verify tickets and authorization events are pushed (https).", "接收验证票据和授权事件的地址（https）。", true},
	{"dev.message_url", KF_APPFORM_URL, "Message and event URL", "消息与事件接收URL",
	 "Where the messages and events of authorizers are pushed; $APPID$ becomes the authorizer's id.",
	 "接收授权方消息与事件的地址；$APPID$ 会替换为授权方的 ID。", true},
	{"dev.message_token", KF_APPFORM_TEXT, "Message token", "消息校验Token", "3 to 32 letters and digits; signs every push.",
	 "3 到 32 个字母或数字，用于每次推送的签名。", true},
	{"dev.aes_key", KF_APPFORM_TEXT, "Message AES key", "消息加解密Key",
	 "Exactly 43 characters of A-Z a-z 0-9 + /; encrypts every push.", "43 个字符（A-Z a-z 0-9 + /），用于加密每次推送。",
	 true},
	{"dev.server_domains", KF_APPFORM_LINES, "Server domains", "服务器域名",
	 "One host name or IP address a line; both URLs above must lie on them.",
	 "每行一个域名或 IP 地址；上面两个接收 URL 都必须在其中。", true},
	{"dev.business_domains", KF_APPFORM_LINES, "Business domains", "业务域名", "One ICP-filed host name a line.",
	 "每行一个已备案的域名。", false},
	{"dev.ip_allowlist", KF_APPFORM_LINES, "IP allowlist", "白名单IP地址列表",
	 "Addresses or CIDR blocks that may call the platform's APIs as this app, one a line; empty: every address.",
	 "允许以本应用身份调用平台接口的 IP 地址或网段，每行一个；留空表示不限。", false},
	{"dev.test_allowlist", KF_APPFORM_IDS, "Test allowlist (host account ids)", "授权测试白名单（授权账号 ID）",
	 "Host accounts that may authorize the app before its release, one id a line.",
	 "发布前可以授权本应用的授权账号，每行一个 ID。", false},
	{"dev.redirect_uris", KF_APPFORM_LINES, "OAuth redirect URIs", "OAuth 回调地址",
	 "Exact https URIs, one a line (plain http only on a loopback address).", "完整的 https 地址，每行一个（仅回环地址可用 http）。",
	 false},
	{"dev.public_client", KF_APPFORM_BOOL, "OAuth public client (no secret, PKCE required)", "OAuth 公开客户端（无密钥，须使用 PKCE）",
	 NULL, NULL, false},
};
const size_t kf_appform_n_dev = sizeof(kf_appform_dev) / sizeof(kf_appform_dev[0]);

/* A config value as the form shows it: lists one entry a line. */
const char *kf_appform_value(struct kf_con *c, json_t *v)
{
	if (json_is_string(v))
		return json_string_value(v);
	if (json_is_integer(v))
		return kf_con_fmt(c, "%lld", (long long)json_integer_value(v));
	if (json_is_boolean(v))
		return json_is_true(v) ? "true" : "false";
	if (!json_is_array(v))
		return "";
	size_t n = 0, i;
	json_t *e;
	char *out = kf_arena_strdup(c->r->arena, "");
	json_array_foreach(v, i, e) {
		const char *s = kf_appform_value(c, e);
		out = kf_arena_printf(c->r->arena, "%s%s%s", out, n++ ? "\n" : "", s);
	}
	return out;
}

void kf_appform_input(struct kf_con *c, const struct kf_appform_field *f, json_t *cfg)
{
	json_t *v = kf_appform_member(cfg, f->name);
	struct kf_page_field pf = {
		.name = f->name,
		.label = CL(c, f->en, f->zh),
		.hint = f->hint_en ? CL(c, f->hint_en, f->hint_zh) : NULL,
		.value = kf_appform_value(c, v),
		.required = !strcmp(f->name, "name"),
	};
	static const char *const types[] = {[KF_APPFORM_TEXT] = "text", [KF_APPFORM_AREA] = "textarea", [KF_APPFORM_URL] = "url",
					    [KF_APPFORM_LINES] = "textarea", [KF_APPFORM_IDS] = "textarea", [KF_APPFORM_BOOL] = "checkbox",
					    [KF_APPFORM_AUDIENCE] = "select"};
	pf.type = types[f->kind];
	struct kf_page_option aud[] = {
		{"public", CL(c, "Every host account (public)", "所有授权账号（公开）")},
		{"self_use", CL(c, "Only my own host accounts (self-use)", "仅自己的授权账号（自用）")},
	};
	if (f->kind == KF_APPFORM_AUDIENCE) {
		pf.options = aud;
		pf.n_options = 2;
		if (!*pf.value)
			pf.value = "public";
	}
	if (f->kind == KF_APPFORM_BOOL) {
		pf.value = "true";
		pf.checked = c->post ? kf_con_val(c, f->name) != NULL : json_is_true(v);
	}
	kf_con_field(c, &pf);
}

/* The posted value of a field as JSON (new reference), or NULL when empty. */
static json_t *posted_value(struct kf_con *c, const struct kf_appform_field *f)
{
	const char *v = kf_con_val(c, f->name);
	if (f->kind == KF_APPFORM_BOOL)
		return json_boolean(v != NULL);
	if (!v || !*v)
		return NULL;
	if (f->kind != KF_APPFORM_LINES && f->kind != KF_APPFORM_IDS)
		return json_string(v);
	json_t *arr = json_array();
	const char *p = v;
	while (*p) {
		const char *e = p + strcspn(p, "\r\n,");
		while (p < e && (*p == ' ' || *p == '\t'))
			p++;
		const char *t = e;
		while (t > p && (t[-1] == ' ' || t[-1] == '\t'))
			t--;
		if (t > p) {
			char *item = kf_arena_printf(c->r->arena, "%.*s", (int)(t - p), p);
			/* an id that is no number goes as typed: the API names the field */
			json_array_append_new(arr, f->kind == KF_APPFORM_IDS && kf_appform_digits(item) && strlen(item) < 16
							   ? json_integer(strtoll(item, NULL, 10))
							   : json_string(item));
		}
		p = *e ? e + 1 : e;
	}
	if (!json_array_size(arr)) {
		json_decref(arr);
		return NULL;
	}
	return arr;
}

/* The posted fields as a request body: for a new app the filled ones, for
 * an edit (a JSON merge patch) every field of the form, an empty one as
 * null (removed). New reference. */
json_t *kf_appform_body(struct kf_con *c, const struct kf_appform_field *fs, size_t n, bool patch, json_t *into)
{
	json_t *body = into ? into : json_object();
	for (size_t i = 0; i < n; i++) {
		json_t *v = posted_value(c, &fs[i]);
		if (v)
			kf_appform_set(body, fs[i].name, v);
		else if (patch)
			kf_appform_set(body, fs[i].name, json_null());
	}
	return body;
}

/* The permission sets ticked in the form. New reference. */
json_t *kf_appform_sets_posted(struct kf_con *c)
{
	const char *v[KF_APP_PERMISSION_SETS_MAX * 2];
	size_t n = c->post ? kf_form_all(&c->form, "permission_sets", v, sizeof(v) / sizeof(v[0])) : 0;
	json_t *arr = json_array();
	for (size_t i = 0; i < n; i++)
		if (kf_appform_digits(v[i]) && strlen(v[i]) < 16)
			json_array_append_new(arr, json_integer(strtoll(v[i], NULL, 10)));
	return arr;
}

static bool set_in(json_t *ids, json_int_t id)
{
	size_t i;
	json_t *e;
	json_array_foreach(ids, i, e) {
		if (json_integer_value(e) == id)
			return true;
	}
	return false;
}

/* The checkboxes: see appform.h. */
void kf_appform_sets(struct kf_con *c, json_t *stored)
{
	json_t *chosen = c->post ? kf_appform_sets_posted(c) : json_incref(stored);
	struct kf_html *h = &c->h;
	json_t *cat = kf_appform_quiet_get(c, "/v1/permission-sets");
	const char *rule = NULL;
	const char *err = kf_con_field_err(c, "permission_sets", &rule);
	kf_html_raw(h, err ? "<fieldset class=\"field bad\"" : "<fieldset class=\"field\"");
	kf_html_raw(h, " id=\"f-permission_sets\"><legend class=\"label\">");
	kf_html_text(h, CL(c, "Permission sets the app asks for", "应用申请的权限集"));
	kf_html_raw(h, "</legend>");
	if (err) {
		kf_html_raw(h, "<div class=\"err\">");
		kf_html_text(h, err);
		if (rule) {
			kf_html_raw(h, " ");
			kf_page_rule(h, rule);
		}
		kf_html_raw(h, "</div>");
	}
	kf_html_raw(h, "<div class=\"hint\">");
	kf_html_text(h, CL(c, "A host account's owner sees each set and what data it entrusts to you before authorizing.",
			   "授权方在授权前会看到每个权限集及其委托给你的数据。"));
	kf_html_raw(h, "</div>");
	json_t *items = json_object_get(cat, "items"), *s;
	size_t i;
	json_array_foreach(items, i, s) {
		json_int_t id = json_integer_value(json_object_get(s, "id"));
		const char *ids = kf_con_fmt(c, "%lld", (long long)id);
		const char *name = kf_con_str(c, s, c->lang == KF_LANG_ZH ? "name" : "name_en");
		kf_html_raw(h, "<div class=\"check\"><input type=\"checkbox\" name=\"permission_sets\"");
		kf_html_attr(h, "id", kf_con_fmt(c, "ps-%lld", (long long)id));
		kf_html_attr(h, "value", ids);
		if (set_in(chosen, id))
			kf_html_raw(h, " checked");
		kf_html_raw(h, "><label");
		kf_html_attr(h, "for", kf_con_fmt(c, "ps-%lld", (long long)id));
		kf_html_raw(h, ">");
		kf_html_text(h, name ? name : ids);
		kf_html_raw(h, " <span class=\"muted small\">");
		kf_html_text(h, kf_con_fmt(c, "#%s · %s", ids,
					   json_is_true(json_object_get(s, "optional")) ? CL(c, "optional", "可选")
											: CL(c, "required", "必选")));
		kf_html_raw(h, "</span><br><span class=\"small\">");
		const char *desc = kf_con_str(c, s, c->lang == KF_LANG_ZH ? "description_zh" : "description_en");
		kf_html_text(h, desc && *desc ? desc : kf_con_str(c, s, "description"));
		kf_html_raw(h, "</span></label></div>");
	}
	if (!json_array_size(items)) {
		kf_html_raw(h, "<p class=\"muted\">");
		kf_html_text(h, CL(c, "The platform has no permission sets yet.", "平台尚未设置权限集。"));
		kf_html_raw(h, "</p>");
	}
	kf_html_raw(h, "</fieldset>");
	json_decref(chosen);
}
bool kf_appform_empty(json_t *v)
{
	return !v || json_is_null(v) || (json_is_string(v) && !*json_string_value(v)) ||
	       (json_is_array(v) && !json_array_size(v));
}

/* ------------------------------------------------------------- versions */

struct lines {
	const char **v;
	size_t n, cap;
};

static void line_add(struct kf_con *c, struct lines *l, const char *s)
{
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 64;
		const char **nv = kf_arena_alloc(c->r->arena, cap * sizeof(*nv));
		if (l->n)
			memcpy(nv, l->v, l->n * sizeof(*nv));
		l->v = nv;
		l->cap = cap;
	}
	l->v[l->n++] = s;
}

/* A configuration as lines "field: value", one a list entry, in the order
 * of the forms, so that two versions compare line by line. */
static void flatten(struct kf_con *c, json_t *cfg, struct lines *out)
{
	static const char *const extra[] = {"icon_file", "permission_sets"};
	for (size_t k = 0; k < kf_appform_n_info + 2 + kf_appform_n_dev; k++) {
		const char *name = k < kf_appform_n_info ? kf_appform_info[k].name
				 : k < kf_appform_n_info + 2 ? extra[k - kf_appform_n_info]
						  : kf_appform_dev[k - kf_appform_n_info - 2].name;
		json_t *v = kf_appform_member(cfg, name), *e;
		size_t i;
		if (json_is_array(v)) {
			json_array_foreach(v, i, e) {
				line_add(c, out, kf_con_fmt(c, "%s: %s", name, kf_appform_value(c, e)));
			}
		} else if (!kf_appform_empty(v)) {
			/* a line break inside a value (the intro) stays on its line */
			char *t = kf_arena_strdup(c->r->arena, kf_con_fmt(c, "%s: %s", name, kf_appform_value(c, v)));
			for (char *p = t; *p; p++)
				if (*p == '\n' || *p == '\r')
					*p = ' ';
			line_add(c, out, t);
		}
	}
}

/* A line diff (longest common subsequence) of a against b as "- " / "+ "
 * / "  " lines; changed lines carry their class for colour, the sign for
 * everyone. */
static void render_diff(struct kf_con *c, const struct lines *a, const struct lines *b)
{
	struct kf_html *h = &c->h;
	size_t n = a->n, m = b->n;
	unsigned short *t = kf_arena_alloc(c->r->arena, (n + 1) * (m + 1) * sizeof(*t));
#define T(i, j) t[(i) * (m + 1) + (j)]
	for (size_t i = n + 1; i-- > 0;)
		for (size_t j = m + 1; j-- > 0;)
			T(i, j) = i == n || j == m ? 0
				  : !strcmp(a->v[i], b->v[j]) ? (unsigned short)(T(i + 1, j + 1) + 1)
				  : T(i + 1, j) > T(i, j + 1) ? T(i + 1, j)
							      : T(i, j + 1);
	size_t i = 0, j = 0, changes = 0;
	kf_html_raw(h, "<pre class=\"diff\" tabindex=\"0\">");
	while (i < n || j < m) {
		if (i < n && j < m && !strcmp(a->v[i], b->v[j])) {
			kf_html_raw(h, "<span>  ");
			kf_html_text(h, a->v[i]);
			i++, j++;
		} else if (i < n && (j == m || T(i + 1, j) >= T(i, j + 1))) {
			kf_html_raw(h, "<span class=\"del\">- ");
			kf_html_text(h, a->v[i++]);
			changes++;
		} else {
			kf_html_raw(h, "<span class=\"add\">+ ");
			kf_html_text(h, b->v[j++]);
			changes++;
		}
		kf_html_raw(h, "</span>\n");
	}
#undef T
	kf_html_raw(h, "</pre>");
	if (!changes) {
		kf_html_raw(h, "<p class=\"muted\">");
		kf_html_text(h, CL(c, "The two versions are the same.", "两个版本内容相同。"));
		kf_html_raw(h, "</p>");
	}
}

void kf_appform_diff(struct kf_con *c, json_t *from, json_t *to)
{
	struct lines la = {0}, lb = {0};
	if (from)
		flatten(c, from, &la);
	flatten(c, to, &lb);
	render_diff(c, &la, &lb);
}

