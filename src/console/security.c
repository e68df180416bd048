/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Staff security pages: the second factor (/console/account/security: set
 * up with a QR code, confirm with a first code, recovery codes shown once,
 * remove) and step-up (/console/account/reauth: the password or a code
 * again before a sensitive action, then back to the page that asked).
 * Thin clients of /v1/me/second-factor and /v1/sessions/current/reauth.
 */
#include <stdlib.h>
#include <string.h>

#include "console/console.h"
#include "core/totp.h"
#include "ctx.h"
#include "web/qr.h"

#define PAGE_POST (KF_RF_PAGE | KF_RF_FORM_CSRF | KF_RF_OWN_TX)



static void open_page(struct kf_con *c, const char *title)
{
	struct kf_page_link cr[] = {{"/console/account", CL(c, "My account", "我的账号"), false}};
	c->section = "account";
	kf_con_open(c, title, cr, 1);
}

/* The QR step: the QR code (its text alternative names the secret, for
 * people who cannot scan it), the secret to type in, and the confirm form. */
static void enrol_step(struct kf_con *c, const char *secret)
{
	const char *email = kf_con_str(c, json_object_get(c->me, "user"), "email");
	char *uri = kf_totp_uri(c->r->ctx->cfg.platform_name, email ? email : "", secret);
	open_page(c, CL(c, "Set up a second factor", "设置第二重验证"));
	kf_html_raw(&c->h, "<section class=\"card\">");
	kf_con_h2(c, CL(c, "1. Scan the code", "1. 扫描二维码"));
	kf_con_para(c, NULL,
		    CL(c, "Open an authenticator app on your phone (any app for TOTP codes) and scan this code.",
		       "在手机上打开身份验证器应用（任何支持 TOTP 验证码的应用），扫描此二维码。"));
	(void)kf_qr_html(&c->h, uri,
			 kf_con_fmt(c, "%s %s", CL(c, "QR code for your authenticator app. Secret key:", "身份验证器二维码。密钥："),
				    secret));
	kf_con_para(c, "muted small", CL(c, "Cannot scan it? Type this key into the app instead:", "无法扫描？请在应用中手动输入此密钥："));
	kf_html_raw(&c->h, "<p><code class=\"id\" id=\"totp-secret\">");
	kf_html_text(&c->h, secret);
	kf_html_raw(&c->h, "</code></p></section>");
	free(uri);

	kf_html_raw(&c->h, "<section class=\"card\">");
	kf_con_h2(c, CL(c, "2. Type the code the app shows", "2. 输入应用显示的验证码"));
	kf_con_form(c, "/console/account/security", false);
	kf_page_hidden(&c->h, "action", "confirm");
	kf_page_hidden(&c->h, "secret", secret);
	struct kf_page_field code = {.name = "code", .label = CL(c, "Code", "验证码"), .type = "text", .required = true,
				     .autocomplete = "one-time-code",
				     .hint = CL(c, "6 digits; it changes every 30 seconds.", "6 位数字，每 30 秒更新一次。")};
	c->post = false; /* a fresh field, not the code typed for another secret */
	kf_con_field(c, &code);
	kf_html_raw(&c->h, "<div class=\"actions\">");
	kf_page_button(&c->h, "primary", CL(c, "Turn on", "开启"), NULL, NULL);
	kf_html_raw(&c->h, "</div>");
	kf_page_form_close(&c->h);
	kf_html_raw(&c->h, "</section>");
	kf_con_finish(c);
}

/* The recovery codes, once: this answer is the only place they appear. */
static void recovery_codes(struct kf_con *c, json_t *codes)
{
	open_page(c, CL(c, "Second factor is on", "第二重验证已开启"));
	kf_page_notice(&c->h, "ok", CL(c, "Your second factor is on. From now on you sign in with your password and a code.",
				       "第二重验证已开启。今后登录需要密码和验证码。"));
	kf_html_raw(&c->h, "<section class=\"card\">");
	kf_con_h2(c, CL(c, "Recovery codes", "恢复码"));
	kf_page_notice(&c->h, "warn",
		       CL(c, "Save these codes now, somewhere other than your phone: they are shown only this once. "
			     "Each one signs you in once if you lose your phone.",
			  "请立即把这些恢复码保存在手机以外的地方：它们只显示这一次。手机丢失时，每个恢复码可用于登录一次。"));
	kf_html_raw(&c->h, "<ul class=\"codes\" id=\"recovery-codes\">");
	size_t i;
	json_t *v;
	json_array_foreach(codes, i, v) {
		kf_html_raw(&c->h, "<li><code>");
		kf_html_text(&c->h, json_string_value(v));
		kf_html_raw(&c->h, "</code></li>");
	}
	kf_html_raw(&c->h, "</ul>");
	kf_con_link(c, "button primary", "/console/", CL(c, "I have saved them: go to the console", "已保存，进入控制台"));
	kf_html_raw(&c->h, "</section>");
	kf_con_finish(c);
}

static void security_page(struct kf_req *r)
{
	struct kf_con c;
	if (!kf_con_start(r, &c, true))
		return;
	const char *action = kf_con_val(&c, "action");
	if (c.post && action && !strcmp(action, "start")) {
		json_t *ok = kf_con_send(&c, "POST", NULL, "/v1/me/second-factor");
		if (ok) {
			enrol_step(&c, json_string_value(json_object_get(ok, "secret")));
			return;
		}
		c.status = c.err.status;
	} else if (c.post && action && !strcmp(action, "confirm")) {
		const char *secret = kf_con_val(&c, "secret");
		json_t *body = json_pack("{s:s}", "code", kf_con_val(&c, "code") ? kf_con_val(&c, "code") : "");
		json_t *ok = kf_con_send(&c, "POST", body, "/v1/me/second-factor/confirm");
		json_decref(body);
		if (ok) {
			recovery_codes(&c, json_object_get(ok, "recovery_codes"));
			return;
		}
		c.status = c.err.status;
		unsigned char chk[64];
		if (secret && strlen(secret) == KF_TOTP_B32_LEN && kf_base32_decode(secret, chk, sizeof(chk)) > 0 &&
		    c.err.field && !strcmp(c.err.field, "code")) {
			enrol_step(&c, secret);
			return;
		}
	} else if (c.post && action && !strcmp(action, "remove")) {
		if (!kf_con_val(&c, "confirm")) {
			static const char *const hidden[] = {"action", "remove"};
			kf_con_confirm(&c, CL(&c, "Remove the second factor?", "移除第二重验证？"),
				       CL(&c, "Signing in then needs only your password, and your recovery codes stop working; "
					      "if your role needs a second factor you must set up a new one before anything else.",
					  "移除后登录只需密码，恢复码随即失效；如你的角色要求第二重验证，你必须先设置新的才能继续使用。"),
				       "/console/account/security", CL(&c, "Remove", "移除"), "/console/account/security",
				       hidden, 2);
			return;
		}
		if (kf_con_send(&c, "DELETE", NULL, "/v1/me/second-factor")) {
			kf_con_redirect(&c, "/console/account/security?ok=second_factor_off");
			return;
		}
		c.status = c.err.status;
	}
	/* what is set up now */
	bool had_err = c.has_err;
	struct kf_con_err saved = c.err;
	json_t *sf = kf_con_get(&c, "/v1/me/second-factor");
	c.has_err = had_err;
	c.err = saved;
	open_page(&c, CL(&c, "Second factor", "第二重验证"));
	if (!sf) {
		kf_con_finish(&c);
		return;
	}
	const char *state = kf_con_str(&c, sf, "state");
	bool required = json_is_true(json_object_get(sf, "required")), staff = json_is_true(json_object_get(sf, "staff"));
	if (r->enrol_only)
		kf_page_notice(&c.h, "warn",
			       CL(&c, "Your role needs a second factor: set it up now to go on using the console.",
				  "你的角色要求第二重验证：请先完成设置，才能继续使用控制台。"));
	kf_html_raw(&c.h, "<section class=\"card\">");
	kf_html_raw(&c.h, "<dl class=\"props\">");
	bool on = state && !strcmp(state, "enabled");
	kf_page_dl_row(&c.h, CL(&c, "State", "状态"), on ? CL(&c, "On", "已开启") : CL(&c, "Off", "未开启"));
	kf_page_dl_row(&c.h, CL(&c, "Required for your role", "你的角色是否必须开启"),
		       required ? CL(&c, "Yes", "是") : CL(&c, "No", "否"));
	if (on) {
		kf_html_raw(&c.h, "<dt>");
		kf_html_text(&c.h, CL(&c, "On since", "开启时间"));
		kf_html_raw(&c.h, "</dt><dd>");
		kf_con_time(&c, json_integer_value(json_object_get(sf, "enabled_at")));
		kf_html_raw(&c.h, "</dd>");
		kf_page_dl_row(&c.h, CL(&c, "Recovery codes left", "剩余恢复码"), kf_con_str(&c, sf, "recovery_codes_left"));
	}
	kf_html_raw(&c.h, "</dl>");
	if (!staff) {
		kf_con_para(&c, "muted",
			    CL(&c, "A second factor is for the platform's operator staff; your account signs in with its password.",
			       "第二重验证适用于平台运营人员；你的账号使用密码登录。"));
	} else if (!on) {
		kf_con_para(&c, NULL,
			    CL(&c, "With a second factor, signing in needs your password and a 6-digit code from an authenticator app on your phone.",
			       "开启第二重验证后，登录需要密码以及手机上身份验证器应用生成的 6 位验证码。"));
		kf_con_form(&c, "/console/account/security", false);
		kf_page_hidden(&c.h, "action", "start");
		kf_html_raw(&c.h, "<div class=\"actions\">");
		kf_page_button(&c.h, "primary", CL(&c, "Set up a second factor", "设置第二重验证"), NULL, NULL);
		kf_html_raw(&c.h, "</div>");
		kf_page_form_close(&c.h);
	} else {
		kf_con_form(&c, "/console/account/security", false);
		kf_page_hidden(&c.h, "action", "remove");
		kf_html_raw(&c.h, "<div class=\"actions\">");
		kf_page_button(&c.h, "danger", CL(&c, "Remove the second factor", "移除第二重验证"), NULL, NULL);
		kf_html_raw(&c.h, "</div>");
		kf_page_form_close(&c.h);
	}
	kf_html_raw(&c.h, "</section>");
	kf_con_finish(&c);
}

/* Where to go back to: a console path only (no other site). */
static const char *back_to(struct kf_con *c)
{
	const char *n = kf_con_val(c, "next");
	if (!n)
		n = kf_con_q(c, "next");
	return n && !strncmp(n, "/console/", 9) && strlen(n) < 512 && !strpbrk(n, "\r\n\t\\") && !strstr(n, "//") ? n
														 : "/console/";
}

static void reauth_page(struct kf_req *r)
{
	struct kf_con c;
	if (!kf_con_start(r, &c, true))
		return;
	const char *next = back_to(&c);
	if (c.post) {
		const char *code = kf_con_val(&c, "code"), *pw = kf_con_val(&c, "password");
		json_t *body = code && *code ? json_pack("{s:s}", "code", code)
					     : json_pack("{s:s}", "password", pw ? pw : "");
		json_t *ok = kf_con_send(&c, "POST", body, "/v1/sessions/current/reauth");
		json_decref(body);
		if (ok) {
			kf_con_redirect(&c, kf_con_fmt(&c, "%s%sok=reauthed", next, strchr(next, '?') ? "&" : "?"));
			return;
		}
		/* a wrong password is the form's error (shown at its field), not a
		 * refusal of the page: the person may use it */
		c.status = c.err.status == 403 ? 400 : c.err.status;
	}
	bool has_factor = false;
	{
		bool had_err = c.has_err;
		struct kf_con_err saved = c.err;
		json_t *sf = kf_con_get(&c, "/v1/me/second-factor");
		const char *st = sf ? kf_con_str(&c, sf, "state") : NULL;
		has_factor = st && !strcmp(st, "enabled");
		c.has_err = had_err;
		c.err = saved;
	}
	open_page(&c, CL(&c, "Confirm it is you", "验证身份"));
	kf_con_para(&c, NULL,
		    CL(&c, "This action is sensitive: enter your password again (or a code from your authenticator app) to go on.",
		       "这是敏感操作：请再次输入密码（或身份验证器应用中的验证码）后继续。"));
	kf_con_form(&c, "/console/account/reauth", false);
	kf_page_hidden(&c.h, "next", next);
	struct kf_page_field pw = {.name = "password", .label = CL(&c, "Password", "密码"), .type = "password",
				   .autocomplete = "current-password"};
	kf_con_field(&c, &pw);
	if (has_factor) {
		struct kf_page_field code = {.name = "code", .label = CL(&c, "Or a code", "或输入验证码"), .type = "text",
					     .autocomplete = "one-time-code"};
		kf_con_field(&c, &code);
	}
	kf_html_raw(&c.h, "<div class=\"actions\">");
	kf_page_button(&c.h, "primary", CL(&c, "Confirm", "确认"), NULL, NULL);
	kf_html_raw(&c.h, "<a");
	kf_html_url_attr(&c.h, "href", next);
	kf_html_raw(&c.h, ">");
	kf_html_text(&c.h, CL(&c, "Cancel", "取消"));
	kf_html_raw(&c.h, "</a></div>");
	kf_page_form_close(&c.h);
	kf_con_finish(&c);
}

const struct kf_route kf_console_security_routes[] = {
	{"GET", "/console/account/security", security_page, KF_AUTH_USER, KF_RF_PAGE | KF_RF_ENROL_OK,
	 "Second factor: state, set up, recovery codes, remove (HTML)"},
	{"POST", "/console/account/security", security_page, KF_AUTH_USER, PAGE_POST | KF_RF_ENROL_OK,
	 "Set up, confirm or remove the second factor (HTML form)"},
	{"GET", "/console/account/reauth", reauth_page, KF_AUTH_USER, KF_RF_PAGE,
	 "Enter the password or a code again before a sensitive action (HTML)"},
	{"POST", "/console/account/reauth", reauth_page, KF_AUTH_USER, PAGE_POST,
	 "Step-up check (HTML form)"},
};
const size_t kf_console_security_nroutes = sizeof(kf_console_security_routes) / sizeof(kf_console_security_routes[0]);
