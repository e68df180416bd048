/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The account journey's pages: profile and language, email verification
 * (by code, and by the mail's link even when signed out), forgotten
 * password and reset by the mail's link, password change, sessions and
 * personal API tokens, the agreements to read and accept (ONB-12), the
 * inbox (NOTE-1), and one's own data: export and account deletion (DATA-2).
 * Every page is a thin client of the API's /v1/me, /v1/sessions,
 * /v1/password-resets, /v1/agreements and /v1/inbox routes.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "api/common.h"
#include "console/console.h"
#include "ctx.h"
#include "util/mem.h"

/* ------------------------------------------------------------- helpers */

static json_t *user_of(struct kf_con *c)
{
	return json_object_get(c->me, "user");
}

static void crumbs_account(struct kf_con *c, const char *title)
{
	struct kf_page_link crumbs[] = {{"/console/account", CL(c, "My account", "我的账号"), false}};
	c->section = "account";
	kf_con_open(c, title, crumbs, 1);
}

/* A posted value or "" (the API refuses empty values with its own words). */
static const char *val(struct kf_con *c, const char *name)
{
	const char *v = kf_con_val(c, name);
	return v ? v : "";
}

/* A positive id from a posted field, or 0. */
static long long posted_id(struct kf_con *c, const char *name)
{
	const char *v = kf_con_val(c, name);
	if (!v || !*v || strlen(v) > 18 || strspn(v, "0123456789") != strlen(v))
		return 0;
	return strtoll(v, NULL, 10);
}

/* A refusal that concerns none of the page's fields, as a notice right
 * under the title (where it is read first), not after the page. */
static void early_notice(struct kf_con *c, const char *const *fields, size_t n)
{
	if (!c->has_err)
		return;
	for (size_t i = 0; c->err.field && i < n; i++)
		if (!strcmp(c->err.field, fields[i]))
			return;
	kf_con_error_notice(c);
}
#define EARLY_NOTICE(c, ...)                                                            \
	do {                                                                            \
		static const char *const fs_[] = {__VA_ARGS__};                         \
		early_notice((c), fs_, sizeof(fs_) / sizeof(fs_[0]));                   \
	} while (0)

static void time_of(struct kf_con *c, json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);
	if (json_is_integer(v))
		kf_con_time(c, json_integer_value(v));
	else
		kf_html_text(&c->h, "—");
}

/* --------------------------------------------------------------- profile */

static void account_page(struct kf_req *r)
{
	struct kf_con c;
	if (!kf_con_start(r, &c, true))
		return;
	if (c.post) {
		const char *l = val(&c, "language");
		json_t *body = json_pack("{s:s}", "language", l);
		json_t *ok = kf_con_send(&c, "PATCH", body, "/v1/me");
		json_decref(body);
		if (ok) {
			/* the switch and the account agree from now on */
			kf_reply_header(r, "Set-Cookie",
					kf_arena_printf(r->arena, "kf_lang=%s; Path=/; SameSite=Lax; Max-Age=31536000",
							!strcmp(l, "zh") ? "zh" : "en"));
			kf_con_redirect(&c, "/console/account?ok=saved");
			return;
		}
		c.status = c.err.status;
	}
	c.section = "account";
	kf_con_open(&c, CL(&c, "My account", "我的账号"), NULL, 0);
	EARLY_NOTICE(&c, "language");
	struct kf_html *h = &c.h;
	json_t *u = user_of(&c);
	bool verified = json_is_true(json_object_get(u, "email_verified"));
	json_t *pending = json_object_get(c.me, "agreements_pending");
	if (json_array_size(pending)) {
		kf_html_raw(h, "<div class=\"notice warn\" role=\"status\">");
		kf_html_text(h, CL(&c, "New versions of agreements are in force: until you accept them, you cannot change anything. ",
				   "有新版本的协议已生效：同意之前无法进行任何更改。"));
		kf_con_link(&c, NULL, "/console/account/agreements", CL(&c, "Read and accept", "阅读并同意"));
		kf_html_raw(h, "</div>");
	}
	kf_html_raw(h, "<section class=\"card\">");
	kf_con_h2(&c, CL(&c, "Profile", "个人资料"));
	kf_html_raw(h, "<dl class=\"props\">");
	kf_page_dl_row(h, CL(&c, "Name", "姓名"), kf_con_str(&c, u, "name"));
	kf_html_raw(h, "<dt>");
	kf_html_text(h, CL(&c, "Email", "邮箱"));
	kf_html_raw(h, "</dt><dd>");
	kf_html_text(h, kf_con_str(&c, u, "email"));
	kf_html_raw(h, " ");
	kf_page_badge(h, c.lang, verified ? "email_confirmed" : "email_unconfirmed");
	if (!verified) {
		kf_html_raw(h, " ");
		kf_con_link(&c, NULL, "/console/account/verify", CL(&c, "Confirm it", "去确认"));
	}
	kf_html_raw(h, "</dd>");
	kf_page_dl_row(h, CL(&c, "Mobile number", "手机号"), kf_con_str(&c, u, "mobile"));
	kf_html_raw(h, "</dl></section>");

	kf_html_raw(h, "<section class=\"card\">");
	kf_con_h2(&c, CL(&c, "Language", "语言"));
	kf_con_form(&c, "/console/account", false);
	const char *cur = kf_con_str(&c, u, "language");
	struct kf_page_option opts[] = {{"zh", "中文"}, {"en", "English"}};
	struct kf_page_field f = {.name = "language", .label = CL(&c, "Language of pages and mail", "页面和邮件的语言"),
				  .type = "select", .value = cur ? cur : "en", .options = opts, .n_options = 2,
				  .hint = CL(&c, "We write your mail in this language too.", "我们也会用这种语言给你发邮件。")};
	kf_con_field(&c, &f);
	kf_html_raw(h, "<div class=\"actions\">");
	kf_page_button(h, "primary", CL(&c, "Save", "保存"), NULL, NULL);
	kf_html_raw(h, "</div>");
	kf_page_form_close(h);
	kf_html_raw(h, "</section>");

	kf_html_raw(h, "<section class=\"card\">");
	kf_con_h2(&c, CL(&c, "Security and data", "安全与数据"));
	static const struct {
		const char *href, *en, *zh;
	} pages[] = {
		{"/console/account/password", "Change password", "修改密码"},
		{"/console/account/sessions", "Sessions and API tokens", "会话与 API 令牌"},
		{"/console/account/agreements", "Agreements", "协议"},
		{"/console/inbox", "Inbox", "站内信"},
		{"/console/account/data", "Export my data or delete my account", "导出我的数据或注销账号"},
	};
	kf_html_raw(h, "<ul>");
	for (size_t i = 0; i < sizeof(pages) / sizeof(pages[0]); i++) {
		kf_html_raw(h, "<li>");
		kf_con_link(&c, NULL, pages[i].href, CL(&c, pages[i].en, pages[i].zh));
		kf_html_raw(h, "</li>");
	}
	if (kf_con_staff_role(&c)) {
		kf_html_raw(h, "<li>");
		kf_con_link(&c, NULL, "/console/account/security", CL(&c, "Second factor", "第二重验证"));
		kf_html_raw(h, "</li>");
	}
	if (!verified) {
		kf_html_raw(h, "<li>");
		kf_con_link(&c, NULL, "/console/account/verify", CL(&c, "Confirm your email", "确认邮箱"));
		kf_html_raw(h, "</li>");
	}
	kf_html_raw(h, "</ul></section>");
	kf_con_finish(&c);
}

/* ----------------------------------------------------- email verification */

static void verify_page(struct kf_req *r)
{
	struct kf_con c;
	if (!kf_con_start(r, &c, true))
		return;
	if (c.post) {
		const char *what = kf_con_val(&c, "do");
		json_t *ok;
		if (what && !strcmp(what, "resend")) {
			ok = kf_con_send(&c, "POST", NULL, "/v1/me/email-verification:resend");
			if (ok) {
				kf_con_redirect(&c, "/console/account/verify?ok=sent");
				return;
			}
			/* the resend's refusals concern the code's field on this page */
			if (c.err.field && !strcmp(c.err.field, "email"))
				c.err.field = NULL;
		} else {
			json_t *body = json_pack("{s:s}", "code", val(&c, "code"));
			ok = kf_con_send(&c, "POST", body, "/v1/me/email-verification");
			json_decref(body);
			if (ok) {
				kf_con_redirect(&c, "/console/account?ok=verified");
				return;
			}
		}
		c.status = c.err.status;
	}
	crumbs_account(&c, CL(&c, "Confirm your email", "确认邮箱"));
	EARLY_NOTICE(&c, "code");
	struct kf_html *h = &c.h;
	json_t *u = user_of(&c);
	if (json_is_true(json_object_get(u, "email_verified"))) {
		kf_page_notice(h, "ok", CL(&c, "Your email is confirmed. Nothing to do here.", "你的邮箱已确认，无需操作。"));
		kf_con_para(&c, NULL, kf_con_str(&c, u, "email"));
		kf_con_finish(&c);
		return;
	}
	kf_con_para(&c, NULL,
	     kf_con_fmt(&c,
			CL(&c, "We mailed a link and a 6-digit code to %s. Open the link, or enter the code here.",
			   "我们已向 %s 发送了确认链接和 6 位验证码。请打开链接，或在此输入验证码。"),
			kf_con_str(&c, u, "email")));
	kf_con_form(&c, "/console/account/verify", false);
	struct kf_page_field f = {.name = "code", .label = CL(&c, "Verification code", "验证码"), .type = "text",
				  .required = true, .autocomplete = "one-time-code"};
	kf_con_field(&c, &f);
	kf_html_raw(h, "<div class=\"actions\">");
	kf_page_button(h, "primary", CL(&c, "Confirm", "确认"), NULL, NULL);
	kf_html_raw(h, "</div>");
	kf_page_form_close(h);
	kf_con_form(&c, "/console/account/verify", false);
	kf_con_para(&c, "muted", CL(&c, "No mail? Look in the spam folder, or ask for a new one (at most one a minute).",
			     "没有收到邮件？请查看垃圾邮件箱，或重新发送（每分钟最多一次）。"));
	kf_page_button(h, "secondary", CL(&c, "Send a new code", "重新发送验证码"), "do", "resend");
	kf_page_form_close(h);
	kf_con_finish(&c);
}

/* The mail's link: confirms the address whoever opens it, signed in or
 * not (the token proves the mailbox; the API makes it single-use). */
static void verify_link(struct kf_req *r)
{
	struct kf_con c;
	if (!kf_con_start(r, &c, false))
		return;
	const char *token = kf_con_q(&c, "token");
	json_t *ok = NULL;
	if (token && *token && strlen(token) < 200) {
		json_t *body = json_pack("{s:s}", "token", token);
		ok = kf_con_send(&c, "POST", body, "/v1/email-verification:confirm");
		json_decref(body);
	}
	const char *code = ok ? NULL : c.has_err ? c.err.code : "verification_token_invalid";
	c.has_err = false;
	c.status = ok ? 200 : code && !strcmp(code, "verification_token_invalid") ? 400 : 410;
	c.section = "account";
	kf_con_open(&c, CL(&c, "Email confirmation", "邮箱确认"), NULL, 0);
	if (ok) {
		kf_page_notice(&c.h, "ok", CL(&c, "Your email is confirmed. Thank you.", "你的邮箱已确认，谢谢。"));
	} else if (code && !strcmp(code, "verification_token_used")) {
		kf_page_notice(&c.h, "info",
			       CL(&c, "This link was already used, or a newer mail replaced it. If your email is not "
				      "confirmed yet, use the newest mail or ask for a new one.",
				  "此链接已使用过，或已被更新的邮件取代。如果邮箱尚未确认，请使用最新的邮件或重新发送。"));
	} else if (code && !strcmp(code, "verification_token_expired")) {
		kf_page_notice(&c.h, "error",
			       CL(&c, "This link has expired. Sign in and ask for a new mail.",
				  "此链接已过期。请登录后重新发送确认邮件。"));
	} else {
		kf_page_notice(&c.h, "error",
			       CL(&c, "This link is not valid. Copy the whole link from the mail, or sign in and ask for a new mail.",
				  "此链接无效。请从邮件中复制完整链接，或登录后重新发送确认邮件。"));
	}
	kf_html_raw(&c.h, "<p>");
	if (r->user_id)
		kf_con_link(&c, NULL, ok ? "/console/" : "/console/account/verify",
		     ok ? CL(&c, "Go to the console", "进入控制台") : CL(&c, "Ask for a new mail", "重新发送确认邮件"));
	else
		kf_con_link(&c, NULL, ok ? "/console/signin" : "/console/signin?next=/console/account/verify",
		     CL(&c, "Sign in", "登录"));
	kf_html_raw(&c.h, "</p>");
	kf_con_finish(&c);
}

/* ------------------------------------------------------ forgotten password */

static void forgot_page(struct kf_req *r)
{
	struct kf_con c;
	if (!kf_con_start(r, &c, false))
		return;
	if (c.post) {
		json_t *body = json_pack("{s:s}", "login", val(&c, "login"));
		json_t *ok = kf_con_send(&c, "POST", body, "/v1/password-resets");
		json_decref(body);
		if (ok) {
			/* the same answer whether or not an account uses the login */
			kf_con_redirect(&c, "/console/forgot?ok=reset_sent");
			return;
		}
		c.status = c.err.status;
	}
	kf_con_open(&c, CL(&c, "Forgot your password?", "忘记密码？"), NULL, 0);
	EARLY_NOTICE(&c, "login");
	kf_con_para(&c, NULL, CL(&c, "Enter the email or mobile number you sign in with. If an account uses it, we mail that "
			      "account a link to choose a new password. The link works once, for a short time.",
			  "请输入你登录用的邮箱或手机号。如果它对应一个账号，我们会向该账号的邮箱发送设置新密码的链接。"
			  "链接只能使用一次，且很快失效。"));
	kf_con_form(&c, "/console/forgot", false);
	struct kf_page_field f = {.name = "login", .label = CL(&c, "Email or mobile number", "邮箱或手机号"),
				  .type = "text", .required = true, .autocomplete = "username"};
	kf_con_field(&c, &f);
	kf_html_raw(&c.h, "<div class=\"actions\">");
	kf_page_button(&c.h, "primary", CL(&c, "Mail me a link", "发送链接"), NULL, NULL);
	kf_con_link(&c, NULL, "/console/signin", CL(&c, "Back to sign in", "返回登录"));
	kf_html_raw(&c.h, "</div>");
	kf_page_form_close(&c.h);
	kf_con_finish(&c);
}

/* The mail's link: a new password, twice. */
static void reset_page(struct kf_req *r)
{
	struct kf_con c;
	if (!kf_con_start(r, &c, false))
		return;
	const char *token = c.post ? kf_con_val(&c, "token") : kf_con_q(&c, "token");
	if (!token)
		token = "";
	bool link_dead = false;
	if (c.post) {
		const char *pw = val(&c, "password"), *pw2 = val(&c, "password_again");
		if (strcmp(pw, pw2)) {
			c.has_err = true;
			c.err = (struct kf_con_err){.status = 400, .code = "password_mismatch", .field = "password_again",
						    .message = CL(&c, "The two passwords differ.", "两次输入的密码不一致。")};
		} else {
			json_t *body = json_pack("{s:s, s:s}", "token", token, "password", pw);
			json_t *ok = kf_con_send(&c, "POST", body, "/v1/password-resets:complete");
			json_decref(body);
			if (ok) {
				/* every session ended, this browser's too */
				kf_reply_header(r, "Set-Cookie", kf_arena_printf(r->arena, "kf_session=; %s; Max-Age=0",
										 kf_api_cookie_attrs(r)));
				kf_con_redirect(&c, "/console/signin?ok=reset");
				return;
			}
			link_dead = c.err.field && !strcmp(c.err.field, "token");
		}
		c.status = c.err.status;
	}
	if (!*token)
		link_dead = true;
	kf_con_open(&c, CL(&c, "Choose a new password", "设置新密码"), NULL, 0);
	if (link_dead) {
		const char *code = c.has_err ? c.err.code : "reset_token_invalid";
		c.has_err = false;
		if (!c.post)
			c.status = 400;
		const char *msg = !strcmp(code, "reset_token_expired")
					  ? CL(&c, "This link has expired: links to reset a password work for a short time only.",
					       "此链接已过期：重设密码的链接只在短时间内有效。")
				  : !strcmp(code, "reset_token_used")
					  ? CL(&c, "This link was already used, or a newer mail replaced it: each link works once.",
					       "此链接已使用过，或已被更新的邮件取代：每个链接只能使用一次。")
					  : CL(&c, "This link is not valid. Copy the whole link from the mail.",
					       "此链接无效。请从邮件中复制完整链接。");
		kf_page_notice(&c.h, "error", msg);
		kf_html_raw(&c.h, "<p>");
		kf_con_link(&c, NULL, "/console/forgot", CL(&c, "Ask for a new link", "重新获取链接"));
		kf_html_raw(&c.h, "</p>");
		kf_con_finish(&c);
		return;
	}
	EARLY_NOTICE(&c, "password", "password_again");
	kf_con_para(&c, NULL, CL(&c, "Setting a new password signs your account out everywhere; then sign in with the new one.",
			  "设置新密码后，你的账号会在所有设备上退出登录，请用新密码重新登录。"));
	kf_con_form(&c, "/console/reset", false);
	kf_page_hidden(&c.h, "token", token);
	struct kf_page_field f[] = {
		{.name = "password", .label = CL(&c, "New password", "新密码"), .type = "password", .required = true,
		 .autocomplete = "new-password", .hint = CL(&c, "At least 10 characters.", "至少 10 个字符。")},
		{.name = "password_again", .label = CL(&c, "New password again", "再次输入新密码"), .type = "password",
		 .required = true, .autocomplete = "new-password"},
	};
	for (size_t i = 0; i < 2; i++) {
		f[i].value = ""; /* a password is never sent back */
		struct kf_page_field v = f[i];
		const char *rule = NULL;
		const char *e = kf_con_field_err(&c, v.name, &rule);
		if (e) {
			v.error = e;
			v.rule = rule;
		}
		kf_page_field(&c.h, c.lang, &v);
	}
	kf_html_raw(&c.h, "<div class=\"actions\">");
	kf_page_button(&c.h, "primary", CL(&c, "Set the new password", "设置新密码"), NULL, NULL);
	kf_html_raw(&c.h, "</div>");
	kf_page_form_close(&c.h);
	kf_con_finish(&c);
}

/* ---------------------------------------------------------- change password */

/* Password fields never carry the typed value back into the page. */
static void password_field(struct kf_con *c, const char *name, const char *label, const char *autocomplete,
			   const char *hint)
{
	struct kf_page_field f = {.name = name, .label = label, .type = "password", .required = true,
				  .autocomplete = autocomplete, .hint = hint, .value = ""};
	const char *rule = NULL;
	const char *e = kf_con_field_err(c, name, &rule);
	if (e) {
		f.error = e;
		f.rule = rule;
	}
	kf_page_field(&c->h, c->lang, &f);
}

static void password_page(struct kf_req *r)
{
	struct kf_con c;
	if (!kf_con_start(r, &c, true))
		return;
	if (c.post) {
		const char *npw = val(&c, "new_password");
		if (strcmp(npw, val(&c, "new_password_again"))) {
			c.has_err = true;
			c.err = (struct kf_con_err){.status = 400, .code = "password_mismatch", .field = "new_password_again",
						    .message = CL(&c, "The two passwords differ.", "两次输入的密码不一致。")};
		} else {
			json_t *body = json_pack("{s:s, s:s}", "current_password", val(&c, "current_password"),
						 "new_password", npw);
			json_t *ok = kf_con_send(&c, "POST", body, "/v1/me/password");
			json_decref(body);
			if (ok) {
				json_t *n = json_object_get(ok, "other_sessions_ended");
				if (!n)
					n = json_object_get(ok, "sessions_ended");
				kf_con_redirect(&c, kf_con_fmt(&c, "/console/account/password?ok=password&ended=%lld",
							       (long long)json_integer_value(n)));
				return;
			}
		}
		c.status = c.err.status;
	}
	crumbs_account(&c, CL(&c, "Change password", "修改密码"));
	EARLY_NOTICE(&c, "current_password", "new_password", "new_password_again");
	const char *ended = kf_con_q(&c, "ended");
	if (!c.post && ended && kf_con_q(&c, "ok") && strspn(ended, "0123456789") == strlen(ended) && *ended)
		kf_con_para(&c, "muted", kf_con_fmt(&c, CL(&c, "Sessions signed out: %s.", "已退出的其他会话：%s 个。"), ended));
	kf_con_para(&c, NULL, CL(&c, "When you change your password, every other session of your account is signed out; this one stays.",
			  "修改密码后，你账号的其他所有会话都会退出登录；当前会话保持登录。"));
	kf_con_form(&c, "/console/account/password", false);
	password_field(&c, "current_password", CL(&c, "Current password", "当前密码"), "current-password", NULL);
	password_field(&c, "new_password", CL(&c, "New password", "新密码"), "new-password",
		       CL(&c, "At least 10 characters.", "至少 10 个字符。"));
	password_field(&c, "new_password_again", CL(&c, "New password again", "再次输入新密码"), "new-password", NULL);
	kf_html_raw(&c.h, "<div class=\"actions\">");
	kf_page_button(&c.h, "primary", CL(&c, "Change password", "修改密码"), NULL, NULL);
	kf_html_raw(&c.h, "</div>");
	kf_page_form_close(&c.h);
	kf_con_finish(&c);
}

/* ------------------------------------------------- sessions and API tokens */

static void token_form(struct kf_con *c)
{
	kf_con_h2(c, CL(c, "Create an API token", "创建 API 令牌"));
	kf_con_form(c, "/console/account/tokens", false);
	kf_con_input(c, "name", CL(c, "Name", "名称"), "text", "",
		     CL(c, "Say where you use it, e.g. \"deploy script\".", "写明用途，例如“部署脚本”。"), true);
	kf_con_input(c, "expires_in_days", CL(c, "Expires after (days)", "有效期（天）"), "number", "",
		     CL(c, "Leave empty for a token that does not expire; 1 to 3650.", "留空表示永不过期；1 到 3650。"),
		     false);
	kf_html_raw(&c->h, "<div class=\"actions\">");
	kf_page_button(&c->h, "primary", CL(c, "Create token", "创建令牌"), NULL, NULL);
	kf_html_raw(&c->h, "</div>");
	kf_page_form_close(&c->h);
}

/* The sessions and tokens page; created is the answer of a token just
 * created (shown once) or NULL. */
static void sessions_render(struct kf_con *c, json_t *created)
{
	struct kf_html *h = &c->h;
	crumbs_account(c, CL(c, "Sessions and API tokens", "会话与 API 令牌"));
	EARLY_NOTICE(c, "name", "expires_in_days");
	if (created) {
		kf_html_raw(h, "<section class=\"card\" aria-labelledby=\"newtok\"><h2 id=\"newtok\">");
		kf_html_text(h, kf_con_fmt(c, CL(c, "Your new API token \"%s\"", "新的 API 令牌“%s”"),
					   kf_con_str(c, created, "name")));
		kf_html_raw(h, "</h2>");
		kf_page_notice(h, "warn",
			       CL(c, "Copy it now: this is the only time it is shown. Keep it secret; whoever holds it acts as you.",
				  "请立即复制：令牌只显示这一次。请妥善保管，持有它的人可以以你的身份操作。"));
		kf_html_raw(h, "<p class=\"id\"><code class=\"secret\" id=\"token-value\">");
		kf_html_text(h, kf_con_str(c, created, "token"));
		kf_html_raw(h, "</code><button type=\"button\" class=\"copy\" hidden");
		kf_html_attr(h, "data-copy", kf_con_str(c, created, "token"));
		kf_html_attr(h, "aria-label", CL(c, "Copy the token", "复制令牌"));
		kf_html_raw(h, ">");
		kf_html_text(h, CL(c, "Copy", "复制"));
		kf_html_raw(h, "</button></p></section>");
	}
	json_t *s = kf_con_get(c, "/v1/sessions");
	kf_con_h2(c, CL(c, "Signed-in sessions", "登录会话"));
	json_t *items = json_object_get(s, "items"), *v;
	size_t i;
	kf_html_raw(h, "<div class=\"table\"><table class=\"wide\"><thead><tr><th scope=\"col\">");
	kf_html_text(h, CL(c, "Signed in", "登录时间"));
	kf_html_raw(h, "</th><th scope=\"col\">");
	kf_html_text(h, CL(c, "Last used", "最近使用"));
	kf_html_raw(h, "</th><th scope=\"col\">");
	kf_html_text(h, CL(c, "From", "来源"));
	kf_html_raw(h, "</th></tr></thead><tbody>");
	json_array_foreach(items, i, v) {
		bool current = json_is_true(json_object_get(v, "current"));
		kf_html_raw(h, "<tr><td>");
		time_of(c, v, "created_at");
		if (current) {
			kf_html_raw(h, " ");
			kf_page_badge(h, c->lang, "current");
		}
		/* the action in the first column: on a phone the rest scrolls */
		kf_con_form(c, "/console/account/sessions/end", false);
		kf_page_hidden(h, "id", kf_con_str(c, v, "id"));
		kf_page_button(h, "secondary", current ? CL(c, "Sign out here", "退出此会话") : CL(c, "End", "结束"), NULL,
			       NULL);
		kf_page_form_close(h);
		kf_html_raw(h, "</td><td>");
		time_of(c, v, "last_used_at");
		kf_html_raw(h, "</td><td>");
		const char *addr = kf_con_str(c, v, "address"), *ua = kf_con_str(c, v, "user_agent");
		kf_html_text(h, addr ? addr : "—");
		if (ua) {
			kf_html_raw(h, "<br><span class=\"muted small\">");
			kf_html_text(h, ua);
			kf_html_raw(h, "</span>");
		}
		kf_html_raw(h, "</td></tr>");
	}
	kf_html_raw(h, "</tbody></table></div>");

	kf_con_h2(c, CL(c, "Personal API tokens", "个人 API 令牌"));
	kf_con_para(c, "muted", CL(c, "A token lets a script call the API as you, without your password.",
			    "令牌可让脚本以你的身份调用 API，而无需你的密码。"));
	json_t *t = kf_con_get(c, "/v1/me/api-tokens");
	items = json_object_get(t, "items");
	if (!json_array_size(items)) {
		kf_page_empty(h, CL(c, "No API tokens. Create one below when a script needs to call the API.",
				    "还没有 API 令牌。需要脚本调用 API 时，请在下方创建。"),
			      NULL, NULL);
	} else {
		kf_html_raw(h, "<div class=\"table\"><table class=\"wide\"><thead><tr><th scope=\"col\">");
		kf_html_text(h, CL(c, "Name", "名称"));
		kf_html_raw(h, "</th><th scope=\"col\">");
		kf_html_text(h, CL(c, "Created", "创建时间"));
		kf_html_raw(h, "</th><th scope=\"col\">");
		kf_html_text(h, CL(c, "Expires", "过期时间"));
		kf_html_raw(h, "</th><th scope=\"col\">");
		kf_html_text(h, CL(c, "Last used", "最近使用"));
		kf_html_raw(h, "</th></tr></thead><tbody>");
		json_array_foreach(items, i, v) {
			kf_html_raw(h, "<tr><td>");
			kf_html_text(h, kf_con_str(c, v, "name"));
			kf_con_form(c, "/console/account/tokens/revoke", false);
			kf_page_hidden(h, "id", kf_con_str(c, v, "id"));
			kf_page_hidden(h, "name", kf_con_str(c, v, "name"));
			kf_page_button(h, "secondary", CL(c, "Revoke", "撤销"), NULL, NULL);
			kf_page_form_close(h);
			kf_html_raw(h, "</td><td>");
			time_of(c, v, "created_at");
			kf_html_raw(h, "</td><td>");
			if (json_is_integer(json_object_get(v, "expires_at")))
				time_of(c, v, "expires_at");
			else
				kf_html_text(h, CL(c, "never", "永不过期"));
			kf_html_raw(h, "</td><td>");
			if (json_is_integer(json_object_get(v, "last_used_at")))
				time_of(c, v, "last_used_at");
			else
				kf_html_text(h, CL(c, "never", "从未使用"));
			kf_html_raw(h, "</td></tr>");
		}
		kf_html_raw(h, "</tbody></table></div>");
	}
	kf_html_raw(h, "<section class=\"card\">");
	token_form(c);
	kf_html_raw(h, "</section>");
	kf_con_finish(c);
}

static void sessions_page(struct kf_req *r)
{
	struct kf_con c;
	if (!kf_con_start(r, &c, true))
		return;
	sessions_render(&c, NULL);
}

static void token_create(struct kf_req *r)
{
	struct kf_con c;
	if (!kf_con_start(r, &c, true))
		return;
	json_t *body = json_pack("{s:s}", "name", val(&c, "name"));
	const char *days = kf_con_val(&c, "expires_in_days");
	if (days && *days) {
		if (strlen(days) < 10 && strspn(days, "0123456789") == strlen(days)) {
			json_object_set_new(body, "expires_in_days", json_integer(atoll(days)));
		} else {
			json_decref(body);
			c.has_err = true;
			c.err = (struct kf_con_err){.status = 400, .code = "invalid_value", .field = "expires_in_days",
						    .message = CL(&c, "Enter a whole number of days.", "请输入整数天数。")};
			c.status = 400;
			sessions_render(&c, NULL);
			return;
		}
	}
	json_t *ok = kf_con_send(&c, "POST", body, "/v1/me/api-tokens");
	json_decref(body);
	if (!ok)
		c.status = c.err.status;
	else
		c.post = false; /* a blank form for the next token */
	/* (every answer is Cache-Control: no-store, so the token stays off disk) */
	sessions_render(&c, ok);
}

static void session_end(struct kf_req *r)
{
	struct kf_con c;
	if (!kf_con_start(r, &c, true))
		return;
	long long id = posted_id(&c, "id");
	if (!id) {
		kf_con_not_found(&c);
		return;
	}
	const char *sid = kf_con_fmt(&c, "%lld", id);
	if (!kf_con_val(&c, "confirm")) {
		const char *const hidden[] = {"id", sid};
		c.section = "account";
		kf_con_confirm(&c, CL(&c, "End this session?", "结束此会话？"),
			       CL(&c, "The browser or device using this session is signed out at once and must sign in again.",
				  "使用此会话的浏览器或设备会立即退出登录，需要重新登录。"),
			       "/console/account/sessions/end", CL(&c, "End session", "结束会话"), "/console/account/sessions",
			       hidden, 1);
		return;
	}
	/* was it this browser's own session? */
	bool own = false;
	json_t *s = kf_con_get(&c, "/v1/sessions"), *v;
	size_t i;
	json_array_foreach(json_object_get(s, "items"), i, v)
		if (json_integer_value(json_object_get(v, "id")) == id && json_is_true(json_object_get(v, "current")))
			own = true;
	if (!kf_con_send(&c, "DELETE", NULL, "/v1/sessions/%lld", id)) {
		if (c.err.status == 404) {
			kf_con_not_found(&c);
			return;
		}
		c.status = c.err.status;
		sessions_render(&c, NULL);
		return;
	}
	if (own) {
		kf_reply_header(r, "Set-Cookie",
				kf_arena_printf(r->arena, "kf_session=; %s; Max-Age=0", kf_api_cookie_attrs(r)));
		kf_con_redirect(&c, "/console/signin?ok=signed_out");
		return;
	}
	kf_con_redirect(&c, "/console/account/sessions?ok=revoked");
}

static void token_revoke(struct kf_req *r)
{
	struct kf_con c;
	if (!kf_con_start(r, &c, true))
		return;
	long long id = posted_id(&c, "id");
	if (!id) {
		kf_con_not_found(&c);
		return;
	}
	const char *sid = kf_con_fmt(&c, "%lld", id);
	if (!kf_con_val(&c, "confirm")) {
		const char *name = kf_con_val(&c, "name");
		const char *const hidden[] = {"id", sid};
		c.section = "account";
		kf_con_confirm(&c, CL(&c, "Revoke this API token?", "撤销此 API 令牌？"),
			       kf_con_fmt(&c,
					  CL(&c, "Every script using the token \"%s\" is refused from now on; this cannot be undone.",
					     "使用令牌“%s”的所有脚本将立即被拒绝访问，且无法恢复。"),
					  name ? name : sid),
			       "/console/account/tokens/revoke", CL(&c, "Revoke token", "撤销令牌"),
			       "/console/account/sessions", hidden, 1);
		return;
	}
	if (!kf_con_send(&c, "DELETE", NULL, "/v1/me/api-tokens/%lld", id)) {
		if (c.err.status == 404) {
			kf_con_not_found(&c);
			return;
		}
		c.status = c.err.status;
		sessions_render(&c, NULL);
		return;
	}
	kf_con_redirect(&c, "/console/account/sessions?ok=revoked");
}

/* ------------------------------------------------------------- agreements */

static bool key_ok(const char *k)
{
	return k && *k && strlen(k) <= 64 &&
	       strspn(k, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.") == strlen(k);
}

static bool is_pending(json_t *pending, const char *key, json_int_t version)
{
	size_t i;
	json_t *p;
	json_array_foreach(pending, i, p) {
		const char *k = json_string_value(json_object_get(p, "key"));
		if (k && !strcmp(k, key) && json_integer_value(json_object_get(p, "version")) == version)
			return true;
	}
	return false;
}

static void agreement_card(struct kf_con *c, json_t *a, bool pending)
{
	struct kf_html *h = &c->h;
	const char *key = kf_con_str(c, a, "key"), *ver = kf_con_str(c, a, "version");
	const char *hid = kf_con_fmt(c, "ag-%s-%s", key ? key : "", ver ? ver : "");
	kf_html_raw(h, "<section class=\"card\"");
	kf_html_attr(h, "aria-labelledby", hid);
	kf_html_raw(h, "><h2");
	kf_html_attr(h, "id", hid);
	kf_html_raw(h, ">");
	kf_html_text(h, kf_con_str(c, a, "title"));
	kf_html_raw(h, "</h2><p class=\"muted small\">");
	kf_html_text(h, kf_con_fmt(c, CL(c, "Version %s, in force since ", "第 %s 版，生效时间："), ver ? ver : "?"));
	time_of(c, a, "effective_at");
	kf_html_raw(h, " ");
	kf_page_badge(h, c->lang, pending ? "consent_pending" : "agreed");
	kf_html_raw(h, "</p><div class=\"doc\" tabindex=\"0\" role=\"region\"");
	kf_html_attr(h, "aria-label", kf_con_str(c, a, "title"));
	kf_html_raw(h, ">");
	/* the list leaves the texts out; one key's versions carry them */
	struct kf_form q = {0};
	kf_form_set(&q, "key", key ? key : "");
	json_t *versions = kf_con_getq(c, &q, "/v1/agreements"), *v;
	size_t i;
	json_array_foreach(json_object_get(versions, "items"), i, v)
		if (json_equal(json_object_get(v, "version"), json_object_get(a, "version")))
			kf_html_text(h, kf_con_str(c, v, "body"));
	kf_html_raw(h, "</div>");
	if (pending) {
		kf_con_form(c, "/console/account/agreements", false);
		kf_page_hidden(h, "key", key);
		kf_page_hidden(h, "version", ver);
		kf_html_raw(h, "<div class=\"actions\">");
		kf_page_button(h, "primary", CL(c, "I have read it and accept", "我已阅读并同意"), NULL, NULL);
		kf_html_raw(h, "</div>");
		kf_page_form_close(h);
	}
	kf_html_raw(h, "</section>");
}

static void agreements_page(struct kf_req *r)
{
	struct kf_con c;
	if (!kf_con_start(r, &c, true))
		return;
	if (c.post) {
		const char *key = kf_con_val(&c, "key");
		long long version = posted_id(&c, "version");
		if (!key_ok(key) || !version) {
			kf_con_not_found(&c);
			return;
		}
		json_t *body = json_pack("{s:I}", "version", (json_int_t)version);
		json_t *ok = kf_con_send(&c, "POST", body, "/v1/agreements/%s/consents", key);
		json_decref(body);
		if (ok) {
			kf_con_redirect(&c, "/console/account/agreements?ok=accepted");
			return;
		}
		c.status = c.err.status;
		/* the page lists what is pending again, from a fresh /v1/me */
	}
	crumbs_account(&c, CL(&c, "Agreements", "协议"));
	kf_con_error_notice(&c);
	json_t *pending = json_object_get(c.me, "agreements_pending");
	size_t np = json_array_size(pending);
	if (np)
		kf_page_notice_rule(&c.h, "warn",
				    CL(&c, "Read and accept the agreements marked below. Until you do, the platform refuses "
					   "every change you make (you can still read everything).",
				       "请阅读并同意下方标注的协议。同意之前，平台会拒绝你的所有更改（仍可查看所有内容）。"),
				    "ONB-12");
	else
		kf_page_notice(&c.h, "ok", CL(&c, "You have accepted every agreement in force.", "你已同意所有现行协议。"));
	json_t *list = kf_con_get(&c, "/v1/agreements");
	json_t *items = json_object_get(list, "items"), *a;
	size_t i, shown = 0;
	/* pending first, then the rest in force */
	for (int pass = 0; pass < 2; pass++) {
		json_array_foreach(items, i, a) {
			const char *key = kf_con_str(&c, a, "key");
			json_int_t ver = json_integer_value(json_object_get(a, "version"));
			bool p = key && is_pending(pending, key, ver);
			if (pass == 0 ? !p : p || !json_is_true(json_object_get(a, "current")))
				continue;
			agreement_card(&c, a, p);
			shown++;
		}
	}
	bool upcoming_title = false;
	json_array_foreach(items, i, a) {
		if (!json_is_true(json_object_get(a, "upcoming")))
			continue;
		if (!upcoming_title) {
			kf_con_h2(&c, CL(&c, "Coming into force", "即将生效"));
			kf_html_raw(&c.h, "<ul>");
			upcoming_title = true;
		}
		kf_html_raw(&c.h, "<li>");
		kf_html_text(&c.h, kf_con_fmt(&c, CL(&c, "%s, version %s, from ", "%s 第 %s 版，生效时间："),
					      kf_con_str(&c, a, "title"), kf_con_str(&c, a, "version")));
		time_of(&c, a, "effective_at");
		kf_html_raw(&c.h, "</li>");
	}
	if (upcoming_title) {
		kf_html_raw(&c.h, "</ul>");
		kf_con_para(&c, "muted small", CL(&c, "You will be asked to accept a new version when it comes into force.",
					   "新版本生效时会请你同意。"));
	}
	if (!shown && !upcoming_title)
		kf_page_empty(&c.h, CL(&c, "No agreements are published yet.", "尚未发布任何协议。"), NULL, NULL);
	kf_con_finish(&c);
}

/* ----------------------------------------------------------------- inbox */

static void inbox_page(struct kf_req *r)
{
	struct kf_con c;
	if (!kf_con_start(r, &c, true))
		return;
	const char *after = kf_con_q(&c, "after");
	if (after && (!*after || strlen(after) > 18 || strspn(after, "0123456789") != strlen(after)))
		after = NULL;
	if (c.post) {
		long long id = posted_id(&c, "id");
		const char *back = kf_con_val(&c, "after");
		back = back && *back && strlen(back) < 19 && strspn(back, "0123456789") == strlen(back) ? back : NULL;
		if (id && kf_con_send(&c, "POST", NULL, "/v1/inbox/%lld/read", id)) {
			kf_con_redirect(&c, back ? kf_con_fmt(&c, "/console/inbox?after=%s", back) : "/console/inbox");
			return;
		}
		if (!id || c.err.status == 404) {
			kf_con_not_found(&c);
			return;
		}
		c.status = c.err.status;
	}
	struct kf_form q = {0};
	kf_form_set(&q, "limit", "20");
	if (after)
		kf_form_set(&q, "after", after);
	json_t *page = kf_con_getq(&c, &q, "/v1/inbox");
	long long unread = kf_con_unread(&c);
	c.section = "account";
	kf_con_open(&c, CL(&c, "Inbox", "站内信"), NULL, 0);
	kf_con_error_notice(&c);
	struct kf_html *h = &c.h;
	kf_con_para(&c, "muted", unread ? kf_con_fmt(&c, CL(&c, "%lld unread.", "%lld 条未读。"), unread)
				 : CL(&c, "Everything is read.", "全部已读。"));
	json_t *items = json_object_get(page, "items"), *m;
	size_t i;
	if (!json_array_size(items)) {
		kf_page_empty(h, after ? CL(&c, "No older messages.", "没有更早的消息。")
				       : CL(&c, "No messages yet. Reviews, notices and measures about your organisations arrive here.",
					    "暂无消息。审核结果、通知和对你组织采取的措施会发送到这里。"),
			      after ? "/console/inbox" : NULL, after ? CL(&c, "Newest messages", "最新消息") : NULL);
		kf_con_finish(&c);
		return;
	}
	kf_html_raw(h, "<ol class=\"inbox\">");
	json_array_foreach(items, i, m) {
		bool read = json_is_integer(json_object_get(m, "read_at"));
		kf_html_raw(h, read ? "<li class=\"card\">" : "<li class=\"card unread\">");
		kf_html_raw(h, "<h2>");
		kf_html_text(h, kf_con_str(&c, m, "title"));
		kf_html_raw(h, "</h2><p class=\"muted small\">");
		time_of(&c, m, "created_at");
		kf_html_raw(h, " ");
		kf_page_badge(h, c.lang, read ? "read" : "unread");
		kf_html_raw(h, "</p><div class=\"doc\">");
		kf_html_text(h, kf_con_str(&c, m, "body"));
		kf_html_raw(h, "</div>");
		if (!read) {
			kf_con_form(&c, "/console/inbox", false);
			kf_page_hidden(h, "id", kf_con_str(&c, m, "id"));
			if (after)
				kf_page_hidden(h, "after", after);
			kf_html_raw(h, "<div class=\"actions\">");
			kf_page_button(h, "secondary", CL(&c, "Mark read", "标为已读"), NULL, NULL);
			kf_html_raw(h, "</div>");
			kf_page_form_close(h);
		}
		kf_html_raw(h, "</li>");
	}
	kf_html_raw(h, "</ol><nav class=\"actions\"");
	kf_html_attr(h, "aria-label", CL(&c, "Pages", "分页"));
	kf_html_raw(h, ">");
	if (after)
		kf_con_link(&c, NULL, "/console/inbox", CL(&c, "Newest messages", "最新消息"));
	const char *next = kf_con_str(&c, page, "next_after");
	if (next) {
		kf_html_raw(h, " ");
		kf_con_link(&c, NULL, kf_con_fmt(&c, "/console/inbox?after=%s", next), CL(&c, "Older messages", "更早的消息"));
	}
	kf_html_raw(h, "</nav>");
	kf_con_finish(&c);
}

/* --------------------------------------------------- my data (DATA-2) */

static const char *blocker_text(struct kf_con *c, const char *code)
{
	if (!strcmp(code, "provider_owner"))
		return CL(c, "You own a provider. Cancel it first (ONB-10), or make another member its owner.",
			  "你是某个服务商的所有者。请先注销该服务商（ONB-10），或将所有者转给其他成员。");
	if (!strcmp(code, "host_account_owner"))
		return CL(c, "You own a host account. It must be deleted by its host product first.",
			  "你拥有授权账号。需要先由其所属产品删除该授权账号。");
	if (!strcmp(code, "operator_staff"))
		return CL(c, "You are operator staff: the platform's administrators remove staff accounts.",
			  "你是平台运营人员：运营人员账号由平台管理员移除。");
	if (!strcmp(code, "not_active"))
		return CL(c, "Your account is not in normal standing.", "你的账号状态异常。");
	return code;
}

/* What deletion does, before it is done: the same words on the data page
 * and on the confirmation. */
static void deletion_explained(struct kf_con *c, json_t *pre)
{
	struct kf_html *h = &c->h;
	long long days = (long long)(json_integer_value(json_object_get(pre, "retention_seconds")) / 86400);
	kf_html_raw(h, "<h3>");
	kf_html_text(h, CL(c, "At once", "立即"));
	kf_html_raw(h, "</h3><ul><li>");
	kf_html_text(h, CL(c, "Nobody can sign in to the account any more; every session and API token ends.",
			   "任何人都无法再登录此账号；所有会话和 API 令牌立即失效。"));
	kf_html_raw(h, "</li><li>");
	kf_html_text(h, CL(c, "You leave the providers you are a member of.", "你将退出所在的所有服务商。"));
	kf_html_raw(h, "</li><li>");
	kf_html_text(h, CL(c, "Your email and mobile number stay reserved until the data is deleted.",
			   "在数据删除之前，你的邮箱和手机号仍被保留，不能用于注册新账号。"));
	kf_html_raw(h, "</li></ul><h3>");
	kf_html_text(h, kf_con_fmt(c, CL(c, "After the retention window of %lld days (on ", "保留期 %lld 天后（"), days));
	time_of(c, pre, "purge_at");
	kf_html_text(h, CL(c, ")", "）"));
	kf_html_raw(h, "</h3><ul><li>");
	kf_html_text(h, CL(c, "Deleted for good: your name, email, mobile number, password, sessions, API tokens, "
			      "verification codes, password-reset links, inbox and the mails sent to you. This cannot be undone.",
			   "永久删除：你的姓名、邮箱、手机号、密码、会话、API 令牌、验证码、重设密码链接、站内信以及发给你的邮件。"
			   "删除后无法恢复。"));
	kf_html_raw(h, "</li><li>");
	kf_html_text(h, CL(c, "Kept, under an anonymous account number: the audit log (who did what and when, which the "
			      "platform must keep unchanged), your acceptance of agreements (proof of what was agreed), "
			      "and documents you uploaded for a provider (they belong to that provider's records).",
			   "以匿名账号编号保留：审计日志（平台必须原样保存的操作记录）、你对协议的同意记录（约定内容的证明），"
			   "以及你为服务商上传的材料（属于该服务商的档案）。"));
	kf_html_raw(h, "</li></ul>");
	kf_html_raw(h, "<p class=\"muted small\">");
	kf_html_text(h, CL(c, "The retention window lets disputes and legal requests about the account be settled (",
			   "保留期用于处理与账号有关的争议和依法提出的请求（"));
	kf_page_rule(h, "ONB-10");
	kf_html_text(h, CL(c, ", ", "、"));
	kf_page_rule(h, "DATA-2");
	kf_html_text(h, CL(c, ").", "）。"));
	kf_html_raw(h, "</p>");
}

static void data_page(struct kf_req *r)
{
	struct kf_con c;
	if (!kf_con_start(r, &c, true))
		return;
	json_t *pre = kf_con_get(&c, "/v1/me/deletion");
	crumbs_account(&c, CL(&c, "My data", "我的数据"));
	struct kf_html *h = &c.h;
	kf_html_raw(h, "<section class=\"card\">");
	kf_con_h2(&c, CL(&c, "Export my data", "导出我的数据"));
	kf_con_para(&c, NULL, CL(&c, "One JSON file with everything the platform holds about you: profile, memberships, "
			      "agreements you accepted, sessions, API tokens (never their secrets), inbox, files you "
			      "uploaded and the activity recorded for your account.",
			  "一个 JSON 文件，包含平台保存的关于你的全部数据：个人资料、成员身份、你同意的协议、会话、"
			  "API 令牌（不含密钥）、站内信、你上传的文件以及账号的操作记录。"));
	kf_html_raw(h, "<p><a class=\"button primary\" href=\"/console/account/data/export\" download>");
	kf_html_text(h, CL(&c, "Download my data (JSON)", "下载我的数据（JSON）"));
	kf_html_raw(h, "</a></p></section><section class=\"card\">");
	kf_con_h2(&c, CL(&c, "Delete my account", "注销我的账号"));
	if (pre) {
		deletion_explained(&c, pre);
		json_t *unmet = json_object_get(pre, "unmet"), *v;
		size_t i;
		if (json_array_size(unmet)) {
			kf_page_notice_rule(h, "warn", CL(&c, "You cannot delete your account yet:", "你暂时无法注销账号："),
					    "ONB-10");
			kf_html_raw(h, "<ul>");
			json_array_foreach(unmet, i, v) {
				kf_html_raw(h, "<li>");
				kf_html_text(h, blocker_text(&c, json_string_value(v)));
				kf_html_raw(h, "</li>");
			}
			kf_html_raw(h, "</ul>");
		} else {
			kf_html_raw(h, "<p><a class=\"button danger\" href=\"/console/account/delete\">");
			kf_html_text(h, CL(&c, "Delete my account…", "注销我的账号…"));
			kf_html_raw(h, "</a></p>");
		}
	}
	kf_html_raw(h, "</section>");
	kf_con_finish(&c);
}

/* The file: the API's answer as it is, as a download. */
static void data_export(struct kf_req *r)
{
	struct kf_con c;
	if (!kf_con_start(r, &c, true))
		return;
	struct kf_call call;
	kf_con_call(&c, "GET", "/v1/me/export", NULL, NULL, NULL, 0, &call);
	if (call.status != 200 || !call.raw) {
		kf_con_take_err(&c, &call);
		c.status = call.status ? call.status : 500;
		crumbs_account(&c, CL(&c, "My data", "我的数据"));
		kf_con_finish(&c);
		return;
	}
	kf_reply_raw(r, 200, "application/json; charset=utf-8", call.raw, call.raw_len);
	kf_reply_header(r, "Content-Disposition",
			kf_arena_printf(r->arena, "attachment; filename=\"kaifang-my-data-%lld.json\"", (long long)r->user_id));
	kf_reply_header(r, "X-Content-Type-Options", "nosniff");
}

static void delete_page(struct kf_req *r)
{
	struct kf_con c;
	if (!kf_con_start(r, &c, true))
		return;
	if (c.post && kf_con_val(&c, "confirm")) {
		json_t *body = json_pack("{s:s}", "password", val(&c, "password"));
		json_t *ok = kf_con_send(&c, "POST", body, "/v1/me/deletion");
		json_decref(body);
		if (ok) {
			kf_reply_header(r, "Set-Cookie",
					kf_arena_printf(r->arena, "kf_session=; %s; Max-Age=0", kf_api_cookie_attrs(r)));
			kf_con_redirect(&c, "/console/signin?ok=account_deleted");
			return;
		}
		c.status = c.err.status;
	}
	json_t *pre = kf_con_get(&c, "/v1/me/deletion");
	if (!pre) {
		crumbs_account(&c, CL(&c, "Delete my account", "注销我的账号"));
		kf_con_finish(&c);
		return;
	}
	if (json_array_size(json_object_get(pre, "unmet"))) {
		kf_con_redirect(&c, "/console/account/data");
		return;
	}
	crumbs_account(&c, CL(&c, "Delete your account?", "确定注销账号？"));
	EARLY_NOTICE(&c, "password");
	struct kf_html *h = &c.h;
	kf_page_notice(h, "warn",
		       CL(&c, "Your account closes at once and its data is deleted for good after the retention window.",
			  "你的账号将立即关闭，保留期结束后其数据将被永久删除。"));
	deletion_explained(&c, pre);
	kf_con_para(&c, NULL, CL(&c, "Download your data first if you want to keep a copy: ", "如需保留副本，请先下载你的数据："));
	kf_html_raw(h, "<p>");
	kf_con_link(&c, NULL, "/console/account/data/export", CL(&c, "Download my data (JSON)", "下载我的数据（JSON）"));
	kf_html_raw(h, "</p>");
	kf_con_form(&c, "/console/account/delete", false);
	kf_page_hidden(h, "confirm", "1");
	password_field(&c, "password", CL(&c, "Your password, to confirm", "输入密码以确认"), "current-password", NULL);
	kf_html_raw(h, "<div class=\"actions\">");
	kf_page_button(h, "danger", CL(&c, "Delete my account", "注销我的账号"), NULL, NULL);
	kf_con_link(&c, NULL, "/console/account/data", CL(&c, "Cancel", "取消"));
	kf_html_raw(h, "</div>");
	kf_page_form_close(h);
	kf_con_finish(&c);
}

#define PAGE_POST (KF_RF_PAGE | KF_RF_FORM_CSRF | KF_RF_OWN_TX)

const struct kf_route kf_console_account_routes[] = {
	{"GET", "/console/account", account_page, KF_AUTH_USER, KF_RF_PAGE, "My account: profile and language (HTML)"},
	{"POST", "/console/account", account_page, KF_AUTH_USER, PAGE_POST, "Save the account's language (HTML form)"},
	{"GET", "/console/account/verify", verify_page, KF_AUTH_USER, KF_RF_PAGE, "Confirm the email by code (HTML)"},
	{"POST", "/console/account/verify", verify_page, KF_AUTH_USER, PAGE_POST, "Confirm the email, or resend (HTML form)"},
	{"GET", "/console/verify", verify_link, KF_AUTH_NONE, KF_RF_PAGE, "The verification mail's link (HTML)"},
	{"GET", "/console/forgot", forgot_page, KF_AUTH_NONE, KF_RF_PAGE, "Forgotten password (HTML)"},
	{"POST", "/console/forgot", forgot_page, KF_AUTH_NONE, PAGE_POST, "Ask for a password-reset mail (HTML form)"},
	{"GET", "/console/reset", reset_page, KF_AUTH_NONE, KF_RF_PAGE, "The password-reset mail's link (HTML)"},
	{"POST", "/console/reset", reset_page, KF_AUTH_NONE, PAGE_POST, "Set a new password by the mailed link (HTML form)"},
	{"GET", "/console/account/password", password_page, KF_AUTH_USER, KF_RF_PAGE, "Change password (HTML)"},
	{"POST", "/console/account/password", password_page, KF_AUTH_USER, PAGE_POST, "Change password (HTML form)"},
	{"GET", "/console/account/sessions", sessions_page, KF_AUTH_USER, KF_RF_PAGE, "Sessions and API tokens (HTML)"},
	{"POST", "/console/account/sessions/end", session_end, KF_AUTH_USER, PAGE_POST, "End a session (HTML form)"},
	{"POST", "/console/account/tokens", token_create, KF_AUTH_USER, PAGE_POST, "Create an API token (HTML form)"},
	{"POST", "/console/account/tokens/revoke", token_revoke, KF_AUTH_USER, PAGE_POST, "Revoke an API token (HTML form)"},
	{"GET", "/console/account/agreements", agreements_page, KF_AUTH_USER, KF_RF_PAGE, "Agreements to read and accept (HTML)"},
	{"POST", "/console/account/agreements", agreements_page, KF_AUTH_USER, PAGE_POST, "Accept an agreement (HTML form)"},
	{"GET", "/console/inbox", inbox_page, KF_AUTH_USER, KF_RF_PAGE, "Inbox (HTML)"},
	{"POST", "/console/inbox", inbox_page, KF_AUTH_USER, PAGE_POST, "Mark a message read (HTML form)"},
	{"GET", "/console/account/data", data_page, KF_AUTH_USER, KF_RF_PAGE, "Export my data, delete my account (HTML)"},
	{"GET", "/console/account/data/export", data_export, KF_AUTH_USER, KF_RF_PAGE, "My data as a JSON file (download)"},
	{"GET", "/console/account/delete", delete_page, KF_AUTH_USER, KF_RF_PAGE, "Confirm deleting my account (HTML)"},
	{"POST", "/console/account/delete", delete_page, KF_AUTH_USER, PAGE_POST, "Delete my account (HTML form)"},
};
const size_t kf_console_account_nroutes = sizeof(kf_console_account_routes) / sizeof(kf_console_account_routes[0]);
