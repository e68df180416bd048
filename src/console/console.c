/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The console's frame (see console.h): language, sign-in state, CSRF,
 * calls into the API, the page layout, and the pages every visitor meets:
 * the landing page, sign-in, sign-up, sign-out, the language switch, the
 * console home, the rule pages and the static stylesheet and script.
 */
#include "console/console.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "api/api.h"
#include "api/common.h"
#include "core/calendar.h"
#include "core/roles.h"
#include "ctx.h"
#include "util/crypto.h"
#include "util/mem.h"
#include "web/consent.h"
#include "web/errtext.h"

#define PRE_COOKIE "kf_cpre"
#define LANG_COOKIE "kf_lang"
#define CSRF_MAX_AGE (12 * 3600)

/* ------------------------------------------------------------ language */

static enum kf_lang pick_lang(struct kf_req *r, json_t *me)
{
	const char *c = kf_req_cookie(r, LANG_COOKIE);
	if (c && !strcmp(c, "zh"))
		return KF_LANG_ZH;
	if (c && !strcmp(c, "en"))
		return KF_LANG_EN;
	const char *ul = json_string_value(json_object_get(json_object_get(me, "user"), "language"));
	if (ul && !strncmp(ul, "zh", 2))
		return KF_LANG_ZH;
	if (ul && !strncmp(ul, "en", 2))
		return KF_LANG_EN;
	return kf_lang_from_accept(kf_req_header(r, "Accept-Language"));
}

/* ---------------------------------------------------------------- CSRF */

/* The browser's binding: the session token's hash when signed in, else a
 * random cookie of its own (double submit). */
static const char *binding(struct kf_req *r)
{
	const char *tok = r->user_id ? kf_req_cookie(r, "kf_session") : NULL;
	if (tok) {
		char *h = kf_arena_alloc(r->arena, 65);
		kf_sha256_hex(tok, strlen(tok), h);
		return h;
	}
	const char *c = kf_req_cookie(r, PRE_COOKIE);
	if (c && strlen(c) == 64 && strspn(c, "0123456789abcdef") == 64)
		return c;
	char *v = kf_arena_alloc(r->arena, 65);
	kf_random_hex(v, 64);
	kf_reply_header(r, "Set-Cookie", kf_arena_printf(r->arena, "%s=%s; %s", PRE_COOKIE, v, kf_api_cookie_attrs(r)));
	return v;
}

static bool parse_form(struct kf_req *r, struct kf_form *f)
{
	const char *ct = kf_req_header(r, "Content-Type");
	if (ct && !strncasecmp(ct, "multipart/form-data", 19))
		return kf_req_multipart(r, f) == 0;
	return kf_form_parse(r->arena, r->body ? r->body : "", r->body_len, f) == 0;
}

/* ------------------------------------------------------------- calling */

static void json_release(void *p)
{
	json_decref(p);
}

void kf_con_take_err(struct kf_con *c, const struct kf_call *call)
{
	json_t *e = json_object_get(call->body, "error");
	c->has_err = true;
	c->err.status = call->status;
	c->err.body = call->body;
	c->err.code = json_string_value(json_object_get(e, "code"));
	c->err.field = json_string_value(json_object_get(e, "field"));
	c->err.rule = json_string_value(json_object_get(e, "rule"));
	const char *t = c->err.code ? kf_errtext(c->lang, c->err.code) : NULL;
	const char *api = json_string_value(json_object_get(e, "message"));
	if (t)
		c->err.message = t;
	else if (api)
		c->err.message = api;
	else
		c->err.message = CL(c, "The request failed.", "请求未成功。");
	if (!c->err.code)
		c->err.code = "error";
}

void kf_con_call(struct kf_con *c, const char *method, const char *path, const struct kf_form *q,
		 const char *ctype, const void *data, size_t len, struct kf_call *out)
{
	kf_api_call_raw(c->r, method, path, q, ctype, data, len, out);
}

static json_t *vcall(struct kf_con *c, const char *method, json_t *body, const struct kf_form *q, const char *fmt,
		     va_list ap)
{
	char path[1024];
	vsnprintf(path, sizeof(path), fmt, ap);
	struct kf_call call;
	kf_api_call(c->r, method, kf_arena_strdup(c->r->arena, path), q, body, &call);
	if (call.status >= 200 && call.status < 300) {
		if (call.body)
			return call.body;
		json_t *o = json_object();
		kf_arena_defer(c->r->arena, json_release, o);
		return o;
	}
	kf_con_take_err(c, &call);
	return NULL;
}

json_t *kf_con_get(struct kf_con *c, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	json_t *j = vcall(c, "GET", NULL, NULL, fmt, ap);
	va_end(ap);
	return j;
}

json_t *kf_con_getq(struct kf_con *c, const struct kf_form *q, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	json_t *j = vcall(c, "GET", NULL, q, fmt, ap);
	va_end(ap);
	return j;
}

json_t *kf_con_send(struct kf_con *c, const char *method, json_t *body, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	json_t *j = vcall(c, method, body, NULL, fmt, ap);
	va_end(ap);
	return j;
}

/* ------------------------------------------------------------- starting */

static void send_html(struct kf_req *r, int status, const char *html, size_t len)
{
	kf_reply_raw(r, status, "text/html; charset=utf-8", html, len);
	kf_reply_header(r, "Content-Security-Policy", kf_page_csp);
	kf_reply_header(r, "Referrer-Policy", "same-origin");
}

void kf_con_redirect(struct kf_con *c, const char *url)
{
	struct kf_req *r = c->r;
	r->status = 303;
	r->resp_type = "text/plain; charset=utf-8";
	r->resp_body = kf_arena_strdup(r->arena, "");
	r->resp_len = 0;
	kf_reply_header(r, "Location", url);
}

static void expired_form(struct kf_con *c)
{
	c->status = 403;
	c->post = false;
	kf_con_open(c, CL(c, "This form has expired", "表单已过期"), NULL, 0);
	kf_page_notice(&c->h, "error",
		       CL(c, "The form was open too long or came from another site, so nothing was changed. "
			     "Go back, reload the page and send it again.",
			  "表单打开时间过长或来自其他网站，因此没有做任何更改。请返回，刷新页面后重新提交。"));
	kf_con_finish(c);
}

bool kf_con_start(struct kf_req *r, struct kf_con *c, bool need_user)
{
	memset(c, 0, sizeof(*c));
	c->r = r;
	c->status = 200;
	c->unread = -1;
	kf_html_init(&c->h, r->arena);
	if (r->user_id) {
		struct kf_call call;
		kf_api_call(r, "GET", "/v1/me", NULL, NULL, &call);
		if (call.status == 200)
			c->me = call.body;
	}
	c->lang = pick_lang(r, c->me);
	/* the route's declared level (api/dispatch.c leaves pages to answer) */
	need_user = need_user || r->page_auth != KF_AUTH_NONE;
	if (need_user && !r->user_id) {
		const char *next = kf_arena_printf(r->arena, "/console/signin?next=%s", r->path);
		kf_con_redirect(c, next);
		return false;
	}
	/* staff who must set up a second factor reach that page only */
	if (need_user && r->enrol_only && !r->page_enrol_ok) {
		kf_con_redirect(c, "/console/account/security");
		return false;
	}
	if ((r->page_auth == KF_AUTH_OPERATOR || r->page_auth == KF_AUTH_ADMIN) &&
	    !kf_con_staff(c, r->page_auth == KF_AUTH_ADMIN))
		return false;
	/* an auditor reads every staff page and posts no staff form, as the
	 * dispatcher refuses it every staff write (auditor_read_only) */
	if (r->page_auth == KF_AUTH_OPERATOR && !strcmp(r->method, "POST") && kf_role_read_only(r->operator_role)) {
		kf_con_forbidden(c);
		return false;
	}
	const char *b = binding(r);
	c->csrf = kf_consent_csrf_new(r->arena, r->ctx->server_key, "console", b, NULL, 0, r->now);
	if (!strcmp(r->method, "POST")) {
		if (!parse_form(r, &c->form) ||
		    kf_consent_csrf_verify(r->ctx->server_key, "console", b, NULL, 0, kf_form_get(&c->form, "csrf_token"),
					   r->now, CSRF_MAX_AGE) != KF_OK) {
			expired_form(c);
			return false;
		}
		c->post = true;
	}
	return true;
}

/* ---------------------------------------------------------------- values */

const char *kf_con_val(struct kf_con *c, const char *name)
{
	return c->post ? kf_form_get(&c->form, name) : NULL;
}

const char *kf_con_keep(struct kf_con *c, const char *name, const char *def)
{
	const char *v = kf_con_val(c, name);
	return c->post && v ? v : def;
}

const char *kf_con_q(struct kf_con *c, const char *name)
{
	bool nul;
	const char *v = kf_req_query_text(c->r, name, &nul);
	return nul ? NULL : v;
}

void kf_con_para(struct kf_con *c, const char *cls, const char *text)
{
	kf_html_raw(&c->h, "<p");
	kf_html_attr(&c->h, "class", cls);
	kf_html_raw(&c->h, ">");
	kf_html_text(&c->h, text);
	kf_html_raw(&c->h, "</p>");
}

void kf_con_link(struct kf_con *c, const char *cls, const char *href, const char *label)
{
	kf_html_raw(&c->h, "<a");
	kf_html_attr(&c->h, "class", cls);
	kf_html_url_attr(&c->h, "href", href);
	kf_html_raw(&c->h, ">");
	kf_html_text(&c->h, label);
	kf_html_raw(&c->h, "</a>");
}

void kf_con_h2(struct kf_con *c, const char *text)
{
	kf_html_raw(&c->h, "<h2>");
	kf_html_text(&c->h, text);
	kf_html_raw(&c->h, "</h2>");
}

const char *kf_con_fmt(struct kf_con *c, const char *fmt, ...)
{
	char buf[4096];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	return kf_arena_strdup(c->r->arena, buf);
}

const char *kf_con_str(struct kf_con *c, json_t *obj, const char *key)
{
	json_t *v = json_object_get(obj, key);
	if (json_is_string(v))
		return json_string_value(v);
	if (json_is_integer(v))
		return kf_con_fmt(c, "%lld", (long long)json_integer_value(v));
	if (json_is_true(v))
		return CL(c, "yes", "是");
	if (json_is_false(v))
		return CL(c, "no", "否");
	return NULL;
}

int kf_con_tz(struct kf_con *c)
{
	return c->r->ctx->cfg.utc_offset_seconds;
}

void kf_con_time(struct kf_con *c, int64_t t)
{
	kf_page_time(&c->h, c->lang, t, c->r->now, kf_con_tz(c));
}

json_t *kf_con_memberships(struct kf_con *c)
{
	return json_object_get(c->me, "memberships");
}

/* ---------------------------------------------------------------- layout */

static const char *ok_text(struct kf_con *c, const char *key)
{
	static const struct {
		const char *key, *en, *zh;
	} oks[] = {
		{"saved", "Saved.", "已保存。"},
		{"claimed", "The review is yours now.", "你已认领该审核。"},
		{"released", "The review is back in the queue.", "该审核已退回队列。"},
		{"created", "Created.", "已创建。"},
		{"deleted", "Deleted.", "已删除。"},
		{"sent", "Sent.", "已发送。"},
		{"signed_up", "Your account is ready. We sent a link to your email: open it to confirm the address.",
		 "账号已创建。我们已向你的邮箱发送确认链接，请打开链接确认邮箱。"},
		{"verified", "Your email is confirmed.", "邮箱已确认。"},
		{"password", "Password changed. Your other sessions were signed out.", "密码已修改，其他会话已退出登录。"},
		{"revoked", "Revoked.", "已撤销。"},
		{"installed", "Installed: the app is connected to this account.", "安装成功：该应用已授权给此账号。"},
		{"uninstalled", "Uninstalled: the app lost its access to this account.", "已卸载：该应用已失去对此账号的访问权限。"},
		{"submitted", "Submitted for review.", "已提交审核。"},
		{"accepted", "Accepted.", "已接受。"},
		{"invited", "Invitation sent.", "邀请已发送。"},
		{"activated", "Activated.", "已生效。"},
		{"draft_saved", "Saved as a new draft version.", "已保存为新的草稿版本。"},
		{"removed", "Removed.", "已移除。"},
		{"certified", "The entity is certified: you can create apps now.", "主体认证已完成，现在可以创建应用。"},
		{"cancelled", "The provider is cancelled.", "服务商已注销。"},
		{"signed_out", "You are signed out.", "你已退出登录。"},
		{"second_factor_off", "The second factor is removed.", "第二重验证已移除。"},
		{"reauthed", "Thank you: you can go on for the next minutes without being asked again.",
		 "验证成功：接下来一段时间内不会再次询问。"},
		{"checked", "The checks ran: the results are below.", "检测已运行，结果见下方。"},
		{"stopped", "The submission stopped at an automated stage: fix what it lists and submit again.",
		 "提交未通过自动检测：请按列出的问题修改后重新提交。"},
		{"replayed", "The event is being sent again.", "事件正在重新推送。"},
		{"withdrawn", "Withdrawn: the review stopped.", "已撤回，审核已停止。"},
		{"decided", "Decided: the provider is told.", "已处理，服务商将收到通知。"},
		{"reset", "Your password is set. Sign in with it.", "新密码已设置，请用它登录。"},
		{"reset_sent", "If an account uses that login, we sent it a link to set a new password.",
		 "如果该登录名对应一个账号，我们已发送设置新密码的链接。"},
		{"operator_mailed", "Created. We mailed the person a link to set their password.",
		 "已创建。我们已向对方发送设置密码的链接。"},
		{"disabled", "Disabled: the person is signed out and cannot sign in.", "已停用：对方已退出登录且无法登录。"},
		{"enabled", "Enabled: the person can sign in again.", "已启用：对方可以再次登录。"},
		{"banned", "The provider is banned; its members were told why.", "服务商已被封禁，已通知其成员原因。"},
		{"unbanned", "The ban is lifted; the provider's members were told.", "封禁已解除，已通知服务商成员。"},
		{"reverify", "Re-verification requested; the provider was told.", "已要求重新验证，并已通知服务商。"},
		{"suspended", "The app is suspended; its provider was told why.", "应用已暂停，已通知服务商原因。"},
		{"unsuspended", "The suspension is lifted; the provider was told.", "暂停已解除，已通知服务商。"},
		{"objection_sent", "Your objection is sent; an operator decides it and you are told by inbox and email.",
		 "异议已提交；运营人员处理后会通过站内信和邮件通知你。"},
		{"objection_upheld", "Objection upheld: the measure has ended and the provider is told.",
		 "已支持异议：措施已结束，并已通知服务商。"},
		{"objection_rejected", "Objection rejected: the measure stays; the provider is told.",
		 "已驳回异议：措施继续有效，并已通知服务商。"},
		{"measure_created", "The measure is in place; the provider is told with its rule and end (GOV-6).",
		 "措施已生效，已将依据的规则和结束时间通知服务商（GOV-6）。"},
		{"measure_ended", "The measure has ended and its effects are undone; the provider is told.",
		 "措施已结束，其影响已撤销，并已通知服务商。"},
		{"withdrawn", "The app is withdrawn from the marketplace; existing installs keep working.",
		 "应用已从应用市场撤回；已有的安装继续有效。"},
		{"relisted", "The app is back in the marketplace.", "应用已重新上架到应用市场。"},
		{"published", "Published: every account is told by inbox message, mail and an announcement.",
		 "已发布：已通过站内信、邮件和公告通知所有账号。"},
		{"announcement_withdrawn", "The announcement is withdrawn.", "公告已撤下。"},
		{"announcement_posted", "Published: the announcement shows on the console and the landing page.",
		 "已发布：公告显示在控制台和平台首页。"},
		{"announcement_sent", "Published, and sent to every provider's members by inbox message and mail.",
		 "已发布，并已通过站内信和邮件发送给所有服务商的成员。"},
		{"campaign_registered", "Registered: the platform reviews the campaign before it starts.",
		 "已登记：平台将在活动开始前审核。"},
		{"campaign_cancelled", "The campaign is cancelled.", "营销活动已取消。"},
		{"campaign_approved", "Approved; the provider is told.", "已通过，已通知服务商。"},
		{"campaign_rejected", "Rejected; the provider is told why.", "已驳回，已将原因告知服务商。"},
		{"account_deleted", "Your account is deleted. We mailed you what happens to its data and when.",
		 "你的账号已注销。我们已通过邮件告知其数据的处理方式和时间。"},
	};
	for (size_t i = 0; key && i < sizeof(oks) / sizeof(oks[0]); i++)
		if (!strcmp(oks[i].key, key))
			return CL(c, oks[i].en, oks[i].zh);
	return NULL;
}

static const char *lang_href(struct kf_con *c)
{
	return kf_con_fmt(c, "/console/lang?to=%s&next=%s", c->lang == KF_LANG_ZH ? "en" : "zh", c->r->path);
}

long kf_con_unread(struct kf_con *c)
{
	if (c->unread >= 0)
		return c->unread;
	/* the page's own refusal (shown after the header) must survive */
	bool had = c->has_err;
	struct kf_con_err saved = c->err;
	json_t *u = kf_con_get(c, "/v1/inbox/unread-count");
	c->has_err = had;
	c->err = saved;
	c->unread = json_is_integer(json_object_get(u, "unread")) ? (long)json_integer_value(json_object_get(u, "unread")) : 0;
	return c->unread;
}

void kf_con_open(struct kf_con *c, const char *title, const struct kf_page_link *crumbs, size_t n_crumbs)
{
	struct kf_req *r = c->r;
	const char *sec = c->section ? c->section : "";
	struct kf_page_link nav[] = {
		{"/console/", CL(c, "Home", "首页"), !strcmp(sec, "home")},
		{"/console/apps", CL(c, "Apps", "应用"), !strcmp(sec, "apps")},
		{"/console/orgs", CL(c, "Providers", "服务商"), !strcmp(sec, "orgs")},
		{"/console/hosts", CL(c, "Host accounts", "授权账号"), !strcmp(sec, "hosts")},
		{"/console/account", CL(c, "My account", "我的账号"), !strcmp(sec, "account")},
	};
	/* the platform's staff work from the review desk and the platform pages */
	struct kf_page_link staff_nav[] = {
		{"/console/", CL(c, "Home", "首页"), !strcmp(sec, "home")},
		{"/console/reviews", CL(c, "Reviews", "审核"), !strcmp(sec, "reviews")},
		{"/console/ops", CL(c, "Platform", "平台管理"), !strcmp(sec, "ops")},
		{"/console/account", CL(c, "My account", "我的账号"), !strcmp(sec, "account")},
	};
	bool staff = kf_con_staff_role(c) != NULL;
	const char *name = json_string_value(json_object_get(json_object_get(c->me, "user"), "name"));
	struct kf_page_head v = {
		.lang = c->lang,
		.title = title,
		.platform = r->ctx->cfg.platform_name && *r->ctx->cfg.platform_name ? r->ctx->cfg.platform_name : "Kaifang",
		.user_name = r->user_id ? (name && *name ? name : CL(c, "Me", "我")) : NULL,
		.unread = r->user_id ? kf_con_unread(c) : 0,
		.lang_href = lang_href(c),
		.csrf = r->user_id ? c->csrf : NULL,
		.nav = !r->user_id ? NULL : staff ? staff_nav : nav,
		.n_nav = !r->user_id ? 0 : staff ? sizeof(staff_nav) / sizeof(staff_nav[0]) : sizeof(nav) / sizeof(nav[0]),
		.crumbs = crumbs,
		.n_crumbs = n_crumbs,
	};
	kf_page_open(&c->h, &v);
	c->opened = true;
	const char *ok = ok_text(c, kf_con_q(c, "ok"));
	if (ok && !c->post)
		kf_page_notice(&c->h, "ok", ok);
}

void kf_con_tabs(struct kf_con *c, const struct kf_page_link *tabs, size_t n)
{
	kf_page_tabs(&c->h, c->lang, tabs, n);
}

void kf_con_finish(struct kf_con *c)
{
	if (c->has_err)
		kf_con_error_notice(c);
	kf_page_close(&c->h, c->lang);
	size_t len;
	const char *html = kf_html_finish(&c->h, &len);
	if (!html) {
		kf_reply_fail(c->r, KF_EINTERNAL, "page_too_large", NULL, NULL, "the page is too large to show");
		return;
	}
	send_html(c->r, c->status, html, len);
}

void kf_con_not_found(struct kf_con *c)
{
	c->status = 404;
	c->has_err = false;
	kf_con_open(c, CL(c, "Not found", "页面不存在"), NULL, 0);
	kf_page_empty(&c->h,
		      CL(c, "There is nothing here, or it is not yours to see.", "这里没有内容，或者你无权查看。"),
		      "/console/", CL(c, "Go to the console home", "返回控制台首页"));
	kf_con_finish(c);
}

bool kf_con_date(struct kf_con *c, const char *s, int64_t *start)
{
	int y, m, d;
	char tail;
	if (!s || strlen(s) != 10 || sscanf(s, "%4d-%2d-%2d%c", &y, &m, &d, &tail) != 3 || y < 1970 ||
	    !kf_calendar_date_valid(y, m, d))
		return false;
	*start = (int64_t)kf_calendar_days_from_civil(y, m, d) * 86400 - kf_con_tz(c);
	return true;
}

const char *kf_con_date_text(struct kf_con *c, int64_t t)
{
	int y, m, d;
	int64_t local = t + kf_con_tz(c);
	kf_calendar_civil_from_days((int32_t)((local - (((local % 86400) + 86400) % 86400)) / 86400), &y, &m, &d);
	return kf_con_fmt(c, "%04d-%02d-%02d", y, m, d);
}

const char *kf_con_qenc(struct kf_con *c, const char *v)
{
	static const char hex[] = "0123456789ABCDEF";
	if (!v)
		return "";
	char *out = kf_arena_alloc(c->r->arena, 3 * strlen(v) + 1), *w = out;
	for (const unsigned char *p = (const unsigned char *)v; *p; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || strchr("-._~", *p)) {
			*w++ = (char)*p;
		} else {
			*w++ = '%';
			*w++ = hex[*p >> 4];
			*w++ = hex[*p & 15];
		}
	}
	*w = '\0';
	return out;
}

const char *kf_con_staff_role(struct kf_con *c)
{
	const char *role = json_string_value(json_object_get(c->me, "operator_role"));
	return role && *role ? role : NULL;
}

void kf_con_forbidden(struct kf_con *c)
{
	c->status = 403;
	c->has_err = false;
	kf_con_open(c, CL(c, "Not allowed", "无权访问"), NULL, 0);
	kf_page_empty(&c->h,
		      CL(c, "Your role does not allow this page. Ask a platform administrator if you need it.",
			 "你的角色无权访问此页面。如需使用，请联系平台管理员。"),
		      "/console/", CL(c, "Go to the console home", "返回控制台首页"));
	kf_con_finish(c);
}

bool kf_con_staff(struct kf_con *c, bool admin)
{
	const char *role = kf_con_staff_role(c);
	if (role && (!admin || !strcmp(role, "admin")))
		return true;
	kf_con_forbidden(c);
	return false;
}

const char *kf_con_here(struct kf_con *c)
{
	const char *v = c->r->path ? c->r->path : "/console/";
	return strlen(v) > 400 ? "%2Fconsole%2F" : kf_con_qenc(c, v);
}

void kf_con_error_notice(struct kf_con *c)
{
	if (!c->has_err)
		return;
	c->has_err = false;
	const char *msg = c->err.message;
	if (c->err.field) {
		const char *fname = kf_fieldname(c->lang, c->err.field);
		msg = kf_con_fmt(c, "%s%s%s", fname ? fname : c->err.field, CL(c, ": ", "："), msg);
	}
	kf_page_notice_rule(&c->h, "error", msg, c->err.rule);
	/* ONB-12: the way out of this refusal is one page away */
	if (c->err.code && !strcmp(c->err.code, "consent_required")) {
		kf_html_raw(&c->h, "<p><a class=\"button primary\" href=\"/console/account/agreements\">");
		kf_html_text(&c->h, CL(c, "Read and accept the agreements", "阅读并同意协议"));
		kf_html_raw(&c->h, "</a></p>");
	}
	/* step-up: the password or a code again, then back to this page */
	if (c->err.code && !strcmp(c->err.code, "reauth_required")) {
		kf_html_raw(&c->h, "<p><a class=\"button primary\"");
		kf_html_url_attr(&c->h, "href", kf_con_fmt(c, "/console/account/reauth?next=%s", kf_con_here(c)));
		kf_html_raw(&c->h, ">");
		kf_html_text(&c->h, CL(c, "Confirm it is you", "验证身份"));
		kf_html_raw(&c->h, "</a></p>");
	}
}

const char *kf_con_field_err(struct kf_con *c, const char *name, const char **rule)
{
	if (!c->has_err || !c->err.field || strcmp(c->err.field, name))
		return NULL;
	if (rule)
		*rule = c->err.rule;
	c->has_err = false; /* shown at its field */
	return c->err.message;
}

void kf_con_field(struct kf_con *c, const struct kf_page_field *f)
{
	struct kf_page_field v = *f;
	if (c->post && strcmp(f->type ? f->type : "text", "checkbox") && strcmp(f->type ? f->type : "", "file")) {
		const char *typed = kf_con_val(c, f->name);
		if (typed)
			v.value = typed;
	}
	const char *rule = NULL;
	const char *e = kf_con_field_err(c, f->name, &rule);
	if (e) {
		v.error = e;
		v.rule = rule;
	}
	kf_page_field(&c->h, c->lang, &v);
}

void kf_con_input(struct kf_con *c, const char *name, const char *label, const char *type, const char *value,
		  const char *hint, bool required)
{
	struct kf_page_field f = {.name = name, .label = label, .type = type, .value = value, .hint = hint,
				  .required = required};
	kf_con_field(c, &f);
}

void kf_con_form(struct kf_con *c, const char *action, bool multipart)
{
	kf_page_form_open(&c->h, action ? action : c->r->path, c->csrf, multipart);
}

void kf_con_confirm(struct kf_con *c, const char *title, const char *consequence, const char *action,
		    const char *button, const char *back, const char *const *hidden, size_t n_hidden)
{
	kf_con_open(c, title, NULL, 0);
	kf_page_notice(&c->h, "warn", consequence);
	kf_con_form(c, action, false);
	for (size_t i = 0; i + 1 < n_hidden * 2; i += 2)
		kf_page_hidden(&c->h, hidden[i], hidden[i + 1]);
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

bool kf_con_upload_files(struct kf_con *c, const char *input, const char *field, size_t max, json_t *ids)
{
	const struct kf_form *f = &c->form;
	for (size_t i = 0; i < f->n; i++) {
		if (strcmp(f->names[i], input) || !f->filenames[i] || !f->filenames[i][0] || !f->lens[i])
			continue;
		if (max && json_array_size(ids) >= max)
			break;
		struct kf_form q = {0};
		kf_form_set(&q, "name", f->filenames[i]);
		struct kf_call call;
		kf_con_call(c, "POST", "/v1/files", &q, f->types[i] && *f->types[i] ? f->types[i] : "application/octet-stream",
			    f->values[i], f->lens[i], &call);
		json_t *id = json_object_get(call.body, "id");
		if ((call.status != 201 && call.status != 200) || !json_is_integer(id)) {
			kf_con_take_err(c, &call);
			c->err.field = field;
			return false;
		}
		json_array_append_new(ids, json_integer(json_integer_value(id)));
	}
	return true;
}
