/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The pages everyone meets first (the marketplace's home at / is in
 * market.c): sign-in, sign-up,
 * sign-out, the language switch, the console home (what needs me now, then
 * my organisations and accounts), the rule pages, and the static files.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "api/common.h"
#include "console/console.h"
#include "console/governance.h"
#include "ctx.h"
#include "util/mem.h"

extern const char kf_rules_md[];

static void static_file(struct kf_req *r, const char *type, const char *body)
{
	kf_reply_raw(r, 200, type, body, strlen(body));
	kf_reply_header(r, "Cache-Control", "public, max-age=3600");
	kf_reply_header(r, "X-Content-Type-Options", "nosniff");
}

static void page_css(struct kf_req *r)
{
	static_file(r, "text/css; charset=utf-8", kf_page_css);
}

static void page_js(struct kf_req *r)
{
	static_file(r, "text/javascript; charset=utf-8", kf_page_js);
}

/* -------------------------------------------------------------- sign-in */

static void session_cookie(struct kf_req *r, const char *token, int64_t expires)
{
	long max_age = expires > r->now ? (long)(expires - r->now) : 3600;
	kf_reply_header(r, "Set-Cookie",
			kf_arena_printf(r->arena, "kf_session=%s; %s; Max-Age=%ld", token, kf_api_cookie_attrs(r), max_age));
}

static const char *next_target(struct kf_con *c)
{
	const char *n = kf_con_val(&*c, "next");
	if (!n)
		n = kf_con_q(c, "next");
	return n && n[0] == '/' && n[1] != '/' && n[1] != '\\' && strlen(n) < 512 && !strpbrk(n, "\r\n\t\\") ? n
													   : "/console/";
}

/* The lock of a sign-in (429 too_many_attempts): when it ends, as a time
 * in the platform's zone and how long from now, in the page's language. */
static void signin_locked(struct kf_con *c)
{
	json_t *e = json_object_get(c->err.body, "error");
	json_int_t at = json_integer_value(json_object_get(e, "retry_at"));
	c->has_err = false;
	kf_html_raw(&c->h, "<div class=\"notice error\" role=\"alert\" id=\"signin-locked\"><p>");
	kf_html_text(&c->h, CL(c, "Too many failed sign-ins: signing in to this account from here is paused.",
			       "登录失败次数过多：此账号暂时无法在此登录。"));
	kf_html_raw(&c->h, "</p><p>");
	kf_html_text(&c->h, CL(c, "You can try again from ", "可再次尝试的时间："));
	if (at > 0)
		kf_con_time(c, (int64_t)at);
	else
		kf_html_text(&c->h, CL(c, "a few minutes from now", "几分钟后"));
	kf_html_raw(&c->h, "</p></div>");
}

/* The second step of a sign-in: the code from the authenticator app, or a
 * recovery code, for the challenge the password step answered. */
static void signin_code_form(struct kf_con *c, const char *challenge, const char *next)
{
	kf_con_open(c, CL(c, "Enter your code", "输入验证码"), NULL, 0);
	if (c->has_err && c->err.code && !strcmp(c->err.code, "too_many_attempts"))
		signin_locked(c);
	kf_con_para(c, NULL,
		    CL(c, "Your password is right. Open your authenticator app and type the 6-digit code it shows for this platform.",
		       "密码正确。请打开身份验证器应用，输入它为本平台显示的 6 位验证码。"));
	kf_con_form(c, "/console/signin", false);
	kf_page_hidden(&c->h, "next", next);
	kf_page_hidden(&c->h, "challenge", challenge);
	struct kf_page_field code = {.name = "code", .label = CL(c, "Code", "验证码"), .type = "text",
				     .autocomplete = "one-time-code",
				     .hint = CL(c, "6 digits; a code works once.", "6 位数字；每个验证码只能使用一次。")};
	kf_con_field(c, &code);
	struct kf_page_field rec = {.name = "recovery_code", .label = CL(c, "Or a recovery code", "或输入恢复码"),
				    .type = "text", .autocomplete = "off",
				    .hint = CL(c, "If you have lost your phone: one of the codes you saved when you set up the second factor.",
					       "如手机丢失，请输入设置第二重验证时保存的恢复码之一。")};
	kf_con_field(c, &rec);
	kf_html_raw(&c->h, "<div class=\"actions\">");
	kf_page_button(&c->h, "primary", CL(c, "Sign in", "登录"), NULL, NULL);
	kf_html_raw(&c->h, "<a href=\"/console/signin\">");
	kf_html_text(&c->h, CL(c, "Start again", "重新登录"));
	kf_html_raw(&c->h, "</a></div>");
	kf_page_form_close(&c->h);
	kf_con_finish(c);
}

static void signin(struct kf_req *r)
{
	struct kf_con c;
	if (!kf_con_start(r, &c, false))
		return;
	const char *next = next_target(&c);
	const char *challenge = kf_con_val(&c, "challenge");
	if (c.post) {
		json_t *body;
		if (challenge) {
			const char *code = kf_con_val(&c, "code"), *rec = kf_con_val(&c, "recovery_code");
			bool use_code = code && *code;
			body = json_pack("{s:s, s:s}", "challenge", challenge, use_code ? "code" : "recovery_code",
					 use_code ? code : rec ? rec : "");
		} else {
			body = json_pack("{s:s, s:s}", "login", kf_con_val(&c, "login") ? kf_con_val(&c, "login") : "",
					 "password", kf_con_val(&c, "password") ? kf_con_val(&c, "password") : "");
		}
		json_t *ok = kf_con_send(&c, "POST", body, "/v1/sessions");
		json_decref(body);
		const char *step = ok ? json_string_value(json_object_get(ok, "second_factor")) : NULL;
		if (ok && step && !strcmp(step, "required")) {
			signin_code_form(&c, json_string_value(json_object_get(ok, "challenge")), next);
			return;
		}
		if (ok) {
			session_cookie(r, json_string_value(json_object_get(ok, "token")),
				       json_integer_value(json_object_get(ok, "expires_at")));
			/* staff who must have a second factor set it up first */
			kf_con_redirect(&c, step && !strcmp(step, "enrolment_required") ? "/console/account/security" : next);
			return;
		}
		c.status = c.err.status;
		if (challenge && c.err.code && strcmp(c.err.code, "challenge_expired")) {
			signin_code_form(&c, challenge, next);
			return;
		}
		if (c.err.code && !strcmp(c.err.code, "invalid_credentials"))
			c.err.field = "password";
	}
	kf_con_open(&c, CL(&c, "Sign in", "登录"), NULL, 0);
	if (c.has_err && c.err.code && !strcmp(c.err.code, "too_many_attempts"))
		signin_locked(&c);
	kf_con_form(&c, "/console/signin", false);
	kf_page_hidden(&c.h, "next", next);
	struct kf_page_field login = {.name = "login", .label = CL(&c, "Email or mobile number", "邮箱或手机号"),
				      .type = "text", .required = true, .autocomplete = "username"};
	kf_con_field(&c, &login);
	struct kf_page_field pw = {.name = "password", .label = CL(&c, "Password", "密码"), .type = "password",
				   .required = true, .autocomplete = "current-password"};
	kf_con_field(&c, &pw);
	kf_html_raw(&c.h, "<div class=\"actions\">");
	kf_page_button(&c.h, "primary", CL(&c, "Sign in", "登录"), NULL, NULL);
	kf_html_raw(&c.h, "<a href=\"/console/forgot\">");
	kf_html_text(&c.h, CL(&c, "Forgot your password?", "忘记密码？"));
	kf_html_raw(&c.h, "</a></div>");
	kf_page_form_close(&c.h);
	kf_html_raw(&c.h, "<p>");
	kf_html_text(&c.h, CL(&c, "New here? ", "还没有账号？"));
	kf_html_raw(&c.h, "<a href=\"/console/signup\">");
	kf_html_text(&c.h, CL(&c, "Create an account", "注册账号"));
	kf_html_raw(&c.h, "</a></p>");
	kf_con_finish(&c);
}

static void signup(struct kf_req *r)
{
	struct kf_con c;
	if (!kf_con_start(r, &c, false))
		return;
	if (c.post) {
		json_t *body = json_object();
		static const char *const fields[] = {"name", "email", "mobile", "password"};
		for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
			json_object_set_new(body, fields[i], json_string(kf_con_val(&c, fields[i]) ? kf_con_val(&c, fields[i]) : ""));
		const char *pw2 = kf_con_val(&c, "password_again");
		json_t *ok = NULL;
		if (!pw2 || strcmp(pw2, kf_con_val(&c, "password") ? kf_con_val(&c, "password") : "")) {
			c.has_err = true;
			c.err = (struct kf_con_err){.status = 400, .code = "password_mismatch", .field = "password_again",
						    .message = CL(&c, "The two passwords differ.", "两次输入的密码不一致。")};
		} else {
			ok = kf_con_send(&c, "POST", body, "/v1/users");
		}
		if (ok) {
			json_t *s = json_pack("{s:O, s:O}", "login", json_object_get(body, "email"), "password",
					      json_object_get(body, "password"));
			json_t *sess = kf_con_send(&c, "POST", s, "/v1/sessions");
			json_decref(s);
			json_decref(body);
			if (sess) {
				session_cookie(r, json_string_value(json_object_get(sess, "token")),
					       json_integer_value(json_object_get(sess, "expires_at")));
				kf_con_redirect(&c, "/console/?ok=signed_up");
			} else {
				kf_con_redirect(&c, "/console/signin");
			}
			return;
		}
		json_decref(body);
		c.status = c.err.status ? c.err.status : 400;
	}
	kf_con_open(&c, CL(&c, "Create an account", "注册账号"), NULL, 0);
	kf_con_form(&c, "/console/signup", false);
	struct kf_page_field f[] = {
		{.name = "name", .label = CL(&c, "Your name", "姓名"), .required = true, .autocomplete = "name"},
		{.name = "email", .label = CL(&c, "Email", "邮箱"), .type = "email", .required = true, .autocomplete = "email",
		 .hint = CL(&c, "We send a link to confirm it.", "我们会发送确认链接。")},
		{.name = "mobile", .label = CL(&c, "Mobile number", "手机号"), .type = "tel", .required = true,
		 .autocomplete = "tel", .hint = CL(&c, "One email and one mobile number belong to one account.",
						     "一个邮箱和一个手机号只能注册一个账号。")},
		{.name = "password", .label = CL(&c, "Password", "密码"), .type = "password", .required = true,
		 .autocomplete = "new-password",
		 .hint = CL(&c, "At least 10 characters.", "至少 10 个字符。")},
		{.name = "password_again", .label = CL(&c, "Password again", "再次输入密码"), .type = "password",
		 .required = true, .autocomplete = "new-password"},
	};
	for (size_t i = 0; i < sizeof(f) / sizeof(f[0]); i++)
		kf_con_field(&c, &f[i]);
	kf_html_raw(&c.h, "<div class=\"actions\">");
	kf_page_button(&c.h, "primary", CL(&c, "Create account", "注册"), NULL, NULL);
	kf_html_raw(&c.h, "<a href=\"/console/signin\">");
	kf_html_text(&c.h, CL(&c, "I have an account", "已有账号，去登录"));
	kf_html_raw(&c.h, "</a></div>");
	kf_page_form_close(&c.h);
	kf_con_finish(&c);
}

static void signout(struct kf_req *r)
{
	struct kf_con c;
	if (!kf_con_start(r, &c, false))
		return;
	if (r->user_id)
		kf_con_send(&c, "DELETE", NULL, "/v1/sessions/current");
	kf_reply_header(r, "Set-Cookie", kf_arena_printf(r->arena, "kf_session=; %s; Max-Age=0", kf_api_cookie_attrs(r)));
	kf_con_redirect(&c, "/console/signin?ok=signed_out");
}

static void switch_lang(struct kf_req *r)
{
	struct kf_con c;
	if (!kf_con_start(r, &c, false))
		return;
	const char *to = kf_con_q(&c, "to");
	const char *v = to && !strcmp(to, "zh") ? "zh" : "en";
	kf_reply_header(r, "Set-Cookie",
			kf_arena_printf(r->arena, "kf_lang=%s; Path=/; SameSite=Lax; Max-Age=31536000", v));
	kf_con_redirect(&c, next_target(&c));
}

/* ----------------------------------------------------------------- home */

/* The person's organisations by kind, from /v1/me's memberships. */
static void memberships_list(struct kf_con *c, const char *kind, const char *base)
{
	struct kf_html *h = &c->h;
	json_t *ms = kf_con_memberships(c), *m;
	size_t i, shown = 0;
	json_array_foreach(ms, i, m) {
		const char *k = kf_con_str(c, m, "kind");
		if (!k || strcmp(k, kind))
			continue;
		if (!shown++)
			kf_html_raw(h, "<ul>");
		const char *id = kf_con_str(c, m, "id");
		if (!id)
			id = kf_con_str(c, m, "org_id");
		kf_html_raw(h, "<li><a");
		kf_html_url_attr(h, "href", kf_con_fmt(c, "%s/%s", base, id ? id : ""));
		kf_html_raw(h, ">");
		kf_html_text(h, kf_con_str(c, m, "name"));
		kf_html_raw(h, "</a> <span class=\"muted small\">");
		kf_html_text(h, kf_con_str(c, m, "role"));
		kf_html_raw(h, "</span></li>");
	}
	if (shown)
		kf_html_raw(h, "</ul>");
	else
		kf_html_raw(h, "<p class=\"muted\">"), kf_html_text(h, CL(c, "None yet.", "暂无。")), kf_html_raw(h, "</p>");
}

/* The providers whose owner must act now (apply, fix and resubmit,
 * certify, verify again), each linking to its page; answers how many. */
static size_t provider_todos(struct kf_con *c)
{
	static const struct {
		const char *state, *en, *zh;
	} acts[] = {
		{"draft", "apply for qualification", "申请资质审核"},
		{"rejected", "the application was rejected: fix it and submit it again", "申请已被驳回：请修改后重新提交"},
		{"certification", "qualification approved: certify the entity", "资质审核已通过：请进行主体认证"},
		{"reverify_required", "the platform asks you to verify the entity again", "平台要求重新进行主体认证"},
	};
	size_t i, n = 0;
	json_t *m;
	json_array_foreach(kf_con_memberships(c), i, m) {
		const char *kind = kf_con_str(c, m, "kind"), *state = kf_con_str(c, m, "state");
		const char *role = kf_con_str(c, m, "role");
		if (!kind || strcmp(kind, "provider") || !state || !role || strcmp(role, "owner"))
			continue;
		for (size_t k = 0; k < sizeof(acts) / sizeof(acts[0]); k++) {
			if (strcmp(state, acts[k].state))
				continue;
			const char *id = kf_con_str(c, m, "id");
			if (!id)
				id = kf_con_str(c, m, "org_id");
			n++;
			kf_html_raw(&c->h, "<li><a");
			kf_html_url_attr(&c->h, "href", kf_con_fmt(c, "/console/orgs/%s", id ? id : ""));
			kf_html_raw(&c->h, ">");
			kf_html_text(&c->h, kf_con_str(c, m, "name"));
			kf_html_raw(&c->h, "</a>");
			kf_html_text(&c->h, CL(c, ": ", "："));
			kf_html_text(&c->h, CL(c, acts[k].en, acts[k].zh));
			kf_html_raw(&c->h, "</li>");
		}
	}
	return n;
}

static void home(struct kf_req *r)
{
	struct kf_con c;
	if (!kf_con_start(r, &c, true))
		return;
	c.section = "home";
	kf_con_open(&c, CL(&c, "Console", "控制台"), NULL, 0);
	struct kf_html *h = &c.h;
	kf_con_announcements(&c);
	json_t *user = json_object_get(c.me, "user");
	kf_html_raw(h, "<section class=\"card\"><h2>");
	kf_html_text(h, CL(&c, "Needs you now", "待办"));
	kf_html_raw(h, "</h2><ul>");
	size_t todo = 0;
	if (!json_is_true(json_object_get(user, "email_verified"))) {
		todo++;
		kf_html_raw(h, "<li>");
		kf_html_text(h, CL(&c, "Confirm your email: open the link we mailed you, or ",
				   "确认邮箱：打开我们发给你的邮件中的链接，或"));
		kf_html_raw(h, "<a href=\"/console/account/verify\">");
		kf_html_text(h, CL(&c, "enter the code", "输入验证码"));
		kf_html_raw(h, "</a>.</li>");
	}
	json_t *pending = json_object_get(c.me, "agreements_pending");
	if (json_array_size(pending)) {
		todo++;
		kf_html_raw(h, "<li><a href=\"/console/account/agreements\">");
		kf_html_text(h, CL(&c, "Read and accept the agreements in force", "阅读并同意现行协议"));
		kf_html_raw(h, "</a> ");
		kf_html_text(h, CL(&c, "(you cannot change anything until you do)", "（同意前无法进行任何更改）"));
		kf_html_raw(h, "</li>");
	}
	long n = kf_con_unread(&c);
	if (n > 0) {
		todo++;
		kf_html_raw(h, "<li><a href=\"/console/inbox\">");
		kf_html_text(h, kf_con_fmt(&c, CL(&c, "%ld unread messages in your inbox", "站内信中有 %ld 条未读"), n));
		kf_html_raw(h, "</a></li>");
	}
	todo += provider_todos(&c);
	todo += kf_con_governance_todos(&c);
	todo += kf_con_campaign_todos(&c);
	if (kf_con_staff_role(&c))
		todo += kf_con_staff_todos(&c);
	kf_html_raw(h, "</ul>");
	if (!todo) {
		kf_html_raw(h, "<p class=\"muted\">");
		kf_html_text(h, CL(&c, "Nothing needs you right now.", "目前没有待办事项。"));
		kf_html_raw(h, "</p>");
	}
	kf_html_raw(h, "</section><div class=\"grid\"><section class=\"card\"><h2>");
	kf_html_text(h, CL(&c, "My providers", "我的服务商"));
	kf_html_raw(h, "</h2>");
	memberships_list(&c, "provider", "/console/orgs");
	kf_html_raw(h, "<p><a href=\"/console/orgs/new\">");
	kf_html_text(h, CL(&c, "Register a provider", "注册服务商"));
	kf_html_raw(h, "</a> · <a href=\"/console/apps\">");
	kf_html_text(h, CL(&c, "My apps", "我的应用"));
	kf_html_raw(h, "</a></p></section><section class=\"card\"><h2>");
	kf_html_text(h, CL(&c, "My host accounts", "我的授权账号"));
	kf_html_raw(h, "</h2>");
	memberships_list(&c, "host", "/console/hosts");
	kf_html_raw(h, "</section></div>");
	kf_con_finish(&c);
}

/* ---------------------------------------------------------------- rules */

/* The rule's row in docs/rules.md: "| ID | text |". */
static const char *rule_text(struct kf_arena *a, const char *id)
{
	char pat[80];
	snprintf(pat, sizeof(pat), "\n| %.60s | ", id);
	const char *p = strstr(kf_rules_md, pat);
	if (!p)
		return NULL;
	p += strlen(pat);
	const char *e = strstr(p, " |\n");
	return e ? kf_arena_strndup(a, p, (size_t)(e - p)) : NULL;
}

static void rule_page(struct kf_req *r)
{
	struct kf_con c;
	if (!kf_con_start(r, &c, false))
		return;
	const char *id = kf_req_param(r, "id");
	const char *text = id && strlen(id) < 20 ? rule_text(r->arena, id) : NULL;
	if (!text) {
		kf_con_not_found(&c);
		return;
	}
	kf_con_open(&c, kf_con_fmt(&c, "%s %s", CL(&c, "Rule", "规则"), id), NULL, 0);
	kf_html_raw(&c.h, "<section class=\"card\"><p lang=\"en\">");
	kf_html_text(&c.h, text);
	kf_html_raw(&c.h, "</p>");
	if (c.lang == KF_LANG_ZH) {
		kf_html_raw(&c.h, "<p class=\"muted small\">");
		kf_html_text(&c.h, "规则原文为英文。标注 (policy) 的数值可由平台运营方在配置中调整。");
		kf_html_raw(&c.h, "</p>");
	}
	kf_html_raw(&c.h, "</section>");
	kf_con_finish(&c);
}

const struct kf_route kf_console_base_routes[] = {
	{"GET", "/static/console.css", page_css, KF_AUTH_NONE, KF_RF_PAGE, "The console's stylesheet"},
	{"GET", "/static/console.js", page_js, KF_AUTH_NONE, KF_RF_PAGE, "The console's script (progressive enhancement)"},
	{"GET", "/console/", home, KF_AUTH_USER, KF_RF_PAGE, "Console home (HTML)"},
	{"GET", "/console/signin", signin, KF_AUTH_NONE, KF_RF_PAGE, "Sign-in page (HTML)"},
	{"POST", "/console/signin", signin, KF_AUTH_NONE, KF_RF_PAGE | KF_RF_FORM_CSRF | KF_RF_OWN_TX, "Sign in (HTML form)"},
	{"GET", "/console/signup", signup, KF_AUTH_NONE, KF_RF_PAGE, "Sign-up page (HTML)"},
	{"POST", "/console/signup", signup, KF_AUTH_NONE, KF_RF_PAGE | KF_RF_FORM_CSRF | KF_RF_OWN_TX, "Sign up (HTML form)"},
	{"POST", "/console/signout", signout, KF_AUTH_NONE, KF_RF_PAGE | KF_RF_FORM_CSRF | KF_RF_OWN_TX, "Sign out (HTML form)"},
	{"GET", "/console/lang", switch_lang, KF_AUTH_NONE, KF_RF_PAGE, "Switch the pages' language"},
	{"GET", "/console/rules/{id}", rule_page, KF_AUTH_NONE, KF_RF_PAGE, "One platform rule (HTML)"},
};
const size_t kf_console_base_nroutes = sizeof(kf_console_base_routes) / sizeof(kf_console_base_routes[0]);
