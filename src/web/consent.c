/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The pages of the authorization flow, rendered from view structs into an
 * arena, plus the pure helpers their handlers need (CSP header value, CSRF
 * tokens, the member-list parser).
 *
 * Invariants: every value from a view reaches the page through kf_html_text,
 * kf_html_attr or kf_html_url_attr (only literal markup goes through
 * kf_html_raw); the pages contain no script and no style attribute, so the
 * CSP of kf_consent_csp (one hashed stylesheet, no script) covers them. The
 * page body is a <main> landmark; apart from it only HTML 4 elements are
 * used (the unit tests parse with libxml2's HTML 4 parser, which accepts
 * the HTML5 sectioning elements only by name).
 */
#include "web/consent.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "util/mem.h"
#include "web/html.h"

/* The one stylesheet. Constant: its hash is in the CSP. System fonts, one
 * column that widens on a desktop, no images. */
static const char STYLE[] =
	"*{box-sizing:border-box}"
	"html{-webkit-text-size-adjust:100%;text-size-adjust:100%}"
	"body{margin:0;background:#f2f3f5;color:#1f2328;"
	"font:16px/1.55 -apple-system,BlinkMacSystemFont,\"Segoe UI\",Roboto,\"Helvetica Neue\",Arial,"
	"\"PingFang SC\",\"Hiragino Sans GB\",\"Microsoft YaHei\",\"Noto Sans CJK SC\",sans-serif}"
	".page{max-width:36rem;margin:0 auto;padding:.75rem}"
	".card{background:#fff;border-radius:12px;padding:1.25rem 1rem;box-shadow:0 1px 3px rgba(0,0,0,.08)}"
	"h1{font-size:1.35rem;line-height:1.3;margin:0 0 .35rem}"
	"p{margin:.5rem 0}"
	"a{color:#0b57d0}"
	".u{unicode-bidi:isolate;overflow-wrap:anywhere}"
	".app{display:flex;gap:.875rem;align-items:center;margin-bottom:.5rem}"
	".app h1{margin:0}"
	".icon{width:56px;height:56px;flex:none;border-radius:12px;object-fit:cover;background:#e8eaed}"
	".muted{color:#57606a;font-size:.9rem}"
	".lead{margin:1rem 0}"
	"fieldset{border:1px solid #d8dee4;border-radius:10px;margin:1rem 0;padding:.5rem 1rem .75rem;min-width:0}"
	"legend{font-weight:600;padding:0 .35rem}"
	".opt{display:flex;gap:.625rem;align-items:flex-start;padding:.45rem 0;cursor:pointer}"
	".opt input{flex:none;width:1.1rem;height:1.1rem;margin:.2rem 0 0}"
	".opt span{min-width:0}"
	".set{padding:.35rem 0;border-top:1px solid #eaeef2}"
	".set:first-of-type{border-top:0}"
	".set p,.indent{margin:.1rem 0 .25rem 1.725rem;font-size:.9rem;color:#424a53}"
	".k{color:#57606a}"
	".tag{display:inline-block;font-size:.75rem;line-height:1.5;padding:0 .4rem;margin-left:.35rem;"
	"border-radius:4px;background:#ddf4ff;color:#0550ae;vertical-align:.1em}"
	".req{background:#eaeef2;color:#424a53}"
	".new{background:#fff8c5;color:#7d4e00}"
	".field{display:block;margin:.75rem 0}"
	".field span{display:block;font-weight:600;margin-bottom:.25rem}"
	".indent.field span{font-weight:400}"
	"input[type=text],input[type=password]{display:block;width:100%;font:inherit;padding:.6rem .7rem;"
	"border:1px solid #afb8c1;border-radius:8px;background:#fff;color:inherit}"
	".actions{display:flex;flex-direction:column;gap:.6rem;margin-top:1.25rem}"
	"button,.button{display:inline-block;font:inherit;font-weight:600;padding:.7rem 1.25rem;border-radius:8px;"
	"border:1px solid transparent;cursor:pointer;text-align:center;text-decoration:none}"
	".primary{background:#1f6feb;color:#fff}"
	".secondary{background:#fff;color:#1f2328;border-color:#afb8c1}"
	".error{background:#ffebe9;color:#82071e;border:1px solid #ffcecb;border-radius:8px;padding:.6rem .8rem}"
	".notice{background:#fff8c5;color:#6c4400;border:1px solid #eac54f;border-radius:8px;padding:.6rem .8rem;"
	"font-size:.9rem}"
	".small{font-size:.8rem;color:#6e7781;margin-top:1.25rem}"
	".brand{font-weight:600;color:#57606a;margin:0 0 .75rem;font-size:.95rem}"
	".off{cursor:default;color:#6e7781}"
	".why{display:block;font-size:.85rem;color:#82071e}"
	".link{background:none;border:0;padding:0;color:#0b57d0;text-decoration:underline;font-weight:400;font-size:inherit}"
	".inline{display:inline}"
	"button:disabled{opacity:.5;cursor:not-allowed}"
	"@media (min-width:40rem){.page{padding:2.5rem 1rem}.card{padding:2rem}"
	".actions{flex-direction:row-reverse;justify-content:flex-start}}";

/* ------------------------------------------------------------ building */

static void page_open(struct kf_html *h, enum kf_lang lang, const char *title, const char *site_name)
{
	kf_html_raw(h, "<!DOCTYPE html>\n<html");
	kf_html_attr(h, "lang", kf_lang_tag(lang));
	kf_html_raw(h, ">\n<head>\n<meta charset=\"utf-8\">\n"
		       "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
		       "<meta name=\"referrer\" content=\"same-origin\">\n"
		       "<meta name=\"robots\" content=\"noindex, nofollow\">\n<title>");
	kf_html_text(h, title);
	if (site_name && *site_name) {
		kf_html_raw(h, " - ");
		kf_html_text(h, site_name);
	}
	kf_html_raw(h, "</title>\n<style>");
	kf_html_raw(h, STYLE);
	kf_html_raw(h, "</style>\n</head>\n<body>\n<main class=\"page\"><div class=\"card\">\n");
	/* name the platform: the owner sees whose page asks for the password */
	if (site_name && *site_name) {
		kf_html_raw(h, "<p class=\"brand\">");
		kf_html_text(h, site_name);
		kf_html_raw(h, "</p>\n");
	}
}

static const char *page_close(struct kf_html *h)
{
	kf_html_raw(h, "</div></main>\n</body>\n</html>\n");
	return kf_html_finish(h, NULL);
}

/* A value from a user, isolated for bidi so an override character in an app
 * name cannot reorder the text around it. tag is a literal element name. */
static void user_text(struct kf_html *h, const char *tag, const char *cls, const char *text)
{
	kf_html_raw(h, "<");
	kf_html_raw(h, tag);
	kf_html_raw(h, " class=\"u");
	if (cls) {
		kf_html_raw(h, " ");
		kf_html_raw(h, cls);
	}
	kf_html_raw(h, "\" dir=\"auto\">");
	kf_html_text(h, text);
	kf_html_raw(h, "</");
	kf_html_raw(h, tag);
	kf_html_raw(h, ">");
}

/* <p class="cls">msg</p> for a message of the table. */
static void para(struct kf_html *h, const char *cls, enum kf_lang lang, enum kf_msg msg)
{
	kf_html_raw(h, "<p");
	kf_html_attr(h, "class", cls);
	kf_html_raw(h, ">");
	kf_html_text(h, kf_t(lang, msg));
	kf_html_raw(h, "</p>\n");
}

/* <p class="muted">Label: value</p> */
static void labelled(struct kf_html *h, enum kf_lang lang, enum kf_msg label, const char *value)
{
	kf_html_raw(h, "<p class=\"muted\">");
	kf_html_text(h, kf_t(lang, label));
	kf_html_text(h, lang == KF_LANG_ZH ? "：" : ": ");
	user_text(h, "span", NULL, value);
	kf_html_raw(h, "</p>\n");
}

static void hidden_input(struct kf_html *h, const char *name, const char *value)
{
	if (!value)
		return;
	kf_html_raw(h, "<input type=\"hidden\"");
	kf_html_attr(h, "name", name);
	kf_html_attr(h, "value", value);
	kf_html_raw(h, ">\n");
}

static bool reserved_name(const char *name)
{
	static const char *const names[] = {
		KF_CONSENT_F_STEP,  KF_CONSENT_F_CSRF,  KF_CONSENT_F_LOGIN,	     KF_CONSENT_F_PASSWORD,
		KF_CONSENT_F_ACCOUNT, KF_CONSENT_F_SET, KF_CONSENT_F_SCOPE, KF_CONSENT_F_SCOPE_MEMBERS,
		KF_CONSENT_F_DECISION,
	};
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (!strcmp(name, names[i]))
			return true;
	return false;
}

/* What every form needs: a safe action, a token, well-formed hidden fields. */
static bool form_valid(const char *action, const char *csrf, const struct kf_hidden *hidden, size_t n)
{
	if (!kf_html_url_safe(action) || !csrf || !*csrf)
		return false;
	if (n > KF_CONSENT_MAX_HIDDEN || (n && !hidden))
		return false;
	for (size_t i = 0; i < n; i++)
		if (!hidden[i].name || !*hidden[i].name || reserved_name(hidden[i].name))
			return false;
	return true;
}

static void form_open(struct kf_html *h, const char *action, const char *step, const char *csrf,
		      const struct kf_hidden *hidden, size_t n)
{
	kf_html_raw(h, "<form method=\"post\" accept-charset=\"utf-8\"");
	kf_html_url_attr(h, "action", action);
	kf_html_raw(h, ">\n");
	hidden_input(h, KF_CONSENT_F_STEP, step);
	hidden_input(h, KF_CONSENT_F_CSRF, csrf);
	for (size_t i = 0; i < n; i++)
		hidden_input(h, hidden[i].name, hidden[i].value);
}

/* ------------------------------------------------------------- sign-in */

static enum kf_msg signin_error_msg(enum kf_signin_error e)
{
	switch (e) {
	case KF_SIGNIN_ERR_CREDENTIALS:
		return KF_MSG_SIGNIN_ERR_CREDENTIALS;
	case KF_SIGNIN_ERR_MISSING:
		return KF_MSG_SIGNIN_ERR_MISSING;
	case KF_SIGNIN_ERR_LOCKED:
		return KF_MSG_SIGNIN_ERR_LOCKED;
	case KF_SIGNIN_ERR_EXPIRED:
		return KF_MSG_SIGNIN_ERR_EXPIRED;
	case KF_SIGNIN_ERR_SECOND_FACTOR:
		return KF_MSG_SIGNIN_ERR_SECOND_FACTOR;
	case KF_SIGNIN_OK:
	default:
		return KF_MSG__COUNT;
	}
}

const char *kf_consent_render_signin(struct kf_arena *a, const struct kf_signin_view *v)
{
	if (!v || !form_valid(v->action_url, v->csrf, v->hidden, v->n_hidden))
		return NULL;
	enum kf_lang l = v->lang;
	struct kf_html h;
	kf_html_init(&h, a);
	page_open(&h, l, kf_t(l, KF_MSG_SIGNIN_TITLE), v->site_name);
	kf_html_raw(&h, "<h1>");
	kf_html_text(&h, kf_t(l, KF_MSG_SIGNIN_TITLE));
	kf_html_raw(&h, "</h1>\n");
	if (v->app_name && *v->app_name) {
		kf_html_raw(&h, "<p class=\"lead\">");
		user_text(&h, "strong", NULL, v->app_name);
		kf_html_raw(&h, " ");
		kf_html_text(&h, kf_t(l, KF_MSG_SIGNIN_LEAD));
		kf_html_raw(&h, "</p>\n");
	} else {
		para(&h, "lead", l, KF_MSG_SIGNIN_LEAD_NOAPP);
	}
	enum kf_msg err = signin_error_msg(v->error);
	if (err != KF_MSG__COUNT) {
		kf_html_raw(&h, "<p class=\"error\" role=\"alert\">");
		kf_html_text(&h, kf_t(l, err));
		kf_html_raw(&h, "</p>\n");
	}
	form_open(&h, v->action_url, KF_CONSENT_STEP_SIGNIN, v->csrf, v->hidden, v->n_hidden);
	kf_html_raw(&h, "<label class=\"field\"><span>");
	kf_html_text(&h, kf_t(l, KF_MSG_SIGNIN_LOGIN));
	kf_html_raw(&h, "</span><input type=\"text\" name=\"" KF_CONSENT_F_LOGIN "\" autocomplete=\"username\""
			" autocapitalize=\"none\" spellcheck=\"false\" maxlength=\"254\" required");
	kf_html_attr(&h, "value", v->login);
	kf_html_raw(&h, "></label>\n<label class=\"field\"><span>");
	kf_html_text(&h, kf_t(l, KF_MSG_SIGNIN_PASSWORD));
	kf_html_raw(&h, "</span><input type=\"password\" name=\"" KF_CONSENT_F_PASSWORD "\""
			" autocomplete=\"current-password\" maxlength=\"1024\" required></label>\n"
			"<div class=\"actions\"><button type=\"submit\" class=\"primary\">");
	kf_html_text(&h, kf_t(l, KF_MSG_SIGNIN_SUBMIT));
	kf_html_raw(&h, "</button></div>\n</form>\n");
	if (kf_html_url_safe(v->forgot_url)) {
		kf_html_raw(&h, "<p class=\"small\"><a");
		kf_html_url_attr(&h, "href", v->forgot_url);
		kf_html_raw(&h, ">");
		kf_html_text(&h, kf_t(l, KF_MSG_FORGOT_PASSWORD));
		kf_html_raw(&h, "</a></p>\n");
	}
	return page_close(&h);
}

/* ------------------------------------------------------------- consent */

static bool accounts_valid(const struct kf_consent_view *v)
{
	if (v->n_accounts == 0 || v->n_accounts > KF_CONSENT_MAX_ACCOUNTS || !v->accounts)
		return false;
	if (v->pinned && v->n_accounts != 1)
		return false;
	for (size_t i = 0; i < v->n_accounts; i++)
		if (!v->accounts[i].id || !*v->accounts[i].id || !v->accounts[i].name ||
		    (unsigned)v->accounts[i].unavailable >= KF_ACCOUNT__COUNT)
			return false;
	return true;
}

static size_t available_accounts(const struct kf_consent_view *v)
{
	size_t n = 0;
	for (size_t i = 0; i < v->n_accounts; i++)
		n += v->accounts[i].unavailable == KF_ACCOUNT_AVAILABLE;
	return n;
}

static const enum kf_msg unavailable_msg[KF_ACCOUNT__COUNT] = {
	[KF_ACCOUNT_AVAILABLE] = KF_MSG__COUNT,
	[KF_ACCOUNT_NOT_ON_TEST_LIST] = KF_MSG_ACCOUNT_NOT_ON_TEST_LIST,
	[KF_ACCOUNT_SELF_USE] = KF_MSG_ACCOUNT_SELF_USE,
	[KF_ACCOUNT_APP_UNAVAILABLE] = KF_MSG_ACCOUNT_APP_UNAVAILABLE,
};
static const char *const unavailable_rule[KF_ACCOUNT__COUNT] = {
	[KF_ACCOUNT_NOT_ON_TEST_LIST] = "AUTH-4",
	[KF_ACCOUNT_SELF_USE] = "APP-10",
	[KF_ACCOUNT_APP_UNAVAILABLE] = "AUTH-5",
};

static bool sets_valid(const struct kf_consent_view *v)
{
	if (v->n_sets > KF_CONSENT_MAX_SETS || (v->n_sets && !v->sets))
		return false;
	for (size_t i = 0; i < v->n_sets; i++)
		if (!v->sets[i].name)
			return false;
	return true;
}

/* Name, kind label and "already authorized" of one account. */
static void account_body(struct kf_html *h, enum kf_lang l, const struct kf_consent_account *acc)
{
	kf_html_raw(h, "<span>");
	user_text(h, "strong", NULL, acc->name);
	const char *kind = acc->kind_label;
	if (!kind || !*kind)
		kind = kf_i18n_kind_label(l, acc->kind);
	if (!kind || !*kind)
		kind = acc->kind;
	if (kind && *kind)
		user_text(h, "span", "tag", kind);
	if (acc->already_authorized) {
		kf_html_raw(h, "<br><span class=\"muted\">");
		kf_html_text(h, kf_t(l, KF_MSG_ACCOUNT_AUTHORIZED));
		kf_html_raw(h, "</span>");
	}
	if (acc->unavailable != KF_ACCOUNT_AVAILABLE) {
		kf_html_raw(h, "<span class=\"why\">");
		kf_html_text(h, kf_t(l, unavailable_msg[acc->unavailable]));
		kf_html_raw(h, " (");
		kf_html_text(h, unavailable_rule[acc->unavailable]);
		kf_html_raw(h, ")</span>");
	}
	kf_html_raw(h, "</span>");
}

static void render_accounts(struct kf_html *h, const struct kf_consent_view *v)
{
	enum kf_lang l = v->lang;
	kf_html_raw(h, "<fieldset>\n<legend>");
	kf_html_text(h, kf_t(l, KF_MSG_ACCOUNT_LEGEND));
	kf_html_raw(h, "</legend>\n");
	if (v->pinned) {
		para(h, "muted", l, KF_MSG_ACCOUNT_PINNED);
		hidden_input(h, KF_CONSENT_F_ACCOUNT, v->accounts[0].id);
		kf_html_raw(h, "<div class=\"opt\">");
		account_body(h, l, &v->accounts[0]);
		kf_html_raw(h, "</div>\n</fieldset>\n");
		return;
	}
	/* only an available account can be picked; the only one is picked
	 * already (issue 11: preselect when one fits) */
	size_t n_avail = available_accounts(v);
	if (n_avail == 0)
		para(h, "notice", l, KF_MSG_NO_ACCOUNT_AVAILABLE);
	bool any_selected = false;
	for (size_t i = 0; i < v->n_accounts; i++)
		if (v->accounts[i].unavailable == KF_ACCOUNT_AVAILABLE && v->selected_id &&
		    !strcmp(v->selected_id, v->accounts[i].id))
			any_selected = true;
	for (size_t i = 0; i < v->n_accounts; i++) {
		const struct kf_consent_account *acc = &v->accounts[i];
		bool off = acc->unavailable != KF_ACCOUNT_AVAILABLE;
		bool checked = !off && (n_avail == 1 || (v->selected_id && !strcmp(v->selected_id, acc->id)));
		kf_html_raw(h, off ? "<label class=\"opt off\">" : "<label class=\"opt\">");
		kf_html_raw(h, "<input type=\"radio\" name=\"" KF_CONSENT_F_ACCOUNT "\"");
		kf_html_attr(h, "value", acc->id);
		if (off)
			kf_html_raw(h, " disabled");
		if (checked)
			kf_html_raw(h, " checked");
		if (!off && !any_selected && n_avail > 1)
			kf_html_raw(h, " required");
		kf_html_raw(h, ">");
		account_body(h, l, acc);
		kf_html_raw(h, "</label>\n");
	}
	kf_html_raw(h, "</fieldset>\n");
}

static void tag(struct kf_html *h, const char *cls, enum kf_lang l, enum kf_msg msg)
{
	kf_html_raw(h, "<span class=\"tag");
	if (cls) {
		kf_html_raw(h, " ");
		kf_html_raw(h, cls);
	}
	kf_html_raw(h, "\">");
	kf_html_text(h, kf_t(l, msg));
	kf_html_raw(h, "</span>");
}

static void render_set(struct kf_html *h, enum kf_lang l, const struct kf_consent_set *s, struct kf_arena *a)
{
	const char *id = kf_arena_printf(a, "%lld", (long long)s->id);
	kf_html_raw(h, "<div class=\"set\">\n");
	if (s->required) {
		/* A disabled box is not submitted: the hidden input carries it. */
		hidden_input(h, KF_CONSENT_F_SET, id);
		kf_html_raw(h, "<label class=\"opt\"><input type=\"checkbox\" checked disabled>");
	} else {
		kf_html_raw(h, "<label class=\"opt\"><input type=\"checkbox\" name=\"" KF_CONSENT_F_SET "\"");
		kf_html_attr(h, "value", id);
		if (!s->deselected)
			kf_html_raw(h, " checked");
		kf_html_raw(h, ">");
	}
	kf_html_raw(h, "<span>");
	user_text(h, "strong", NULL, s->name);
	tag(h, s->required ? "req" : NULL, l, s->required ? KF_MSG_SET_REQUIRED : KF_MSG_SET_OPTIONAL);
	if (s->is_new)
		tag(h, "new", l, KF_MSG_SET_NEW);
	kf_html_raw(h, "</span></label>\n");
	if (s->description && *s->description) {
		user_text(h, "p", NULL, s->description);
		kf_html_raw(h, "\n");
	}
	if (s->data_entrusted && *s->data_entrusted) {
		kf_html_raw(h, "<p><span class=\"k\">");
		kf_html_text(h, kf_t(l, KF_MSG_SET_DATA));
		kf_html_raw(h, "</span> ");
		user_text(h, "span", NULL, s->data_entrusted);
		kf_html_raw(h, "</p>\n");
	}
	kf_html_raw(h, "</div>\n");
}

static void render_sets(struct kf_html *h, const struct kf_consent_view *v, struct kf_arena *a)
{
	if (!v->n_sets)
		return;
	enum kf_lang l = v->lang;
	kf_html_raw(h, "<fieldset>\n<legend>");
	kf_html_text(h, kf_t(l, KF_MSG_SETS_LEGEND));
	kf_html_raw(h, "</legend>\n");
	bool any_optional = false;
	for (size_t i = 0; i < v->n_sets; i++)
		any_optional |= !v->sets[i].required;
	if (any_optional)
		para(h, "muted", l, KF_MSG_SETS_HINT);
	for (size_t i = 0; i < v->n_sets; i++)
		render_set(h, l, &v->sets[i], a);
	kf_html_raw(h, "</fieldset>\n");
}

static void scope_radio(struct kf_html *h, const char *value, bool checked, const char *label)
{
	kf_html_raw(h, "<label class=\"opt\"><input type=\"radio\" name=\"" KF_CONSENT_F_SCOPE "\"");
	kf_html_attr(h, "value", value);
	if (checked)
		kf_html_raw(h, " checked");
	kf_html_raw(h, "><span>");
	kf_html_text(h, label);
	kf_html_raw(h, "</span></label>\n");
}

static void render_scope(struct kf_html *h, const struct kf_consent_view *v)
{
	if (!v->scope.show)
		return;
	enum kf_lang l = v->lang;
	kf_html_raw(h, "<fieldset>\n<legend>");
	kf_html_text(h, kf_t(l, KF_MSG_SCOPE_LEGEND));
	kf_html_raw(h, "</legend>\n");
	para(h, "muted", l, KF_MSG_SCOPE_HINT);
	scope_radio(h, KF_CONSENT_SCOPE_ALL, !v->scope.some, kf_t(l, KF_MSG_SCOPE_ALL));
	scope_radio(h, KF_CONSENT_SCOPE_SOME, v->scope.some, kf_t(l, KF_MSG_SCOPE_SOME));
	kf_html_raw(h, "<label class=\"field indent\"><span>");
	kf_html_text(h, kf_t(l, KF_MSG_SCOPE_MEMBERS));
	kf_html_raw(h, "</span><input type=\"text\" name=\"" KF_CONSENT_F_SCOPE_MEMBERS "\" autocomplete=\"off\"");
	char max[24];
	snprintf(max, sizeof(max), "%d", KF_CONSENT_MEMBERS_TEXT_MAX);
	kf_html_attr(h, "maxlength", max);
	kf_html_attr(h, "value", v->scope.members);
	kf_html_raw(h, "></label>\n");
	para(h, "indent muted", l, KF_MSG_SCOPE_MEMBERS_HINT);
	kf_html_raw(h, "</fieldset>\n");
}

const char *kf_consent_render(struct kf_arena *a, const struct kf_consent_view *v)
{
	if (!v || !form_valid(v->action_url, v->csrf, v->hidden, v->n_hidden))
		return NULL;
	if (!v->app_name || !v->developer || !accounts_valid(v) || !sets_valid(v))
		return NULL;
	enum kf_lang l = v->lang;
	struct kf_html h;
	kf_html_init(&h, a);
	page_open(&h, l, kf_t(l, KF_MSG_CONSENT_TITLE), v->site_name);

	kf_html_raw(&h, "<div class=\"app\">");
	/* the released listing's logo is what the owner saw in the marketplace */
	const char *icon = kf_html_url_safe(v->listing_icon_url) ? v->listing_icon_url : v->app_icon_url;
	if (kf_html_url_safe(icon)) {
		kf_html_raw(&h, "<img class=\"icon\"");
		kf_html_url_attr(&h, "src", icon);
		kf_html_raw(&h, " alt=\"\" width=\"56\" height=\"56\">");
	}
	kf_html_raw(&h, "<div>");
	user_text(&h, "h1", NULL, v->app_name);
	kf_html_raw(&h, "\n");
	if (v->listing_name && *v->listing_name && strcmp(v->listing_name, v->app_name))
		labelled(&h, l, KF_MSG_LISTED_AS, v->listing_name);
	labelled(&h, l, KF_MSG_DEVELOPER, v->developer);
	kf_html_raw(&h, "</div></div>\n");
	if (v->app_intro && *v->app_intro) {
		user_text(&h, "p", NULL, v->app_intro);
		kf_html_raw(&h, "\n");
	}
	if (kf_html_url_safe(v->app_website)) {
		kf_html_raw(&h, "<p class=\"muted\">");
		kf_html_text(&h, kf_t(l, KF_MSG_WEBSITE));
		kf_html_text(&h, l == KF_LANG_ZH ? "：" : ": ");
		kf_html_raw(&h, "<a class=\"u\" rel=\"noopener noreferrer nofollow\"");
		kf_html_url_attr(&h, "href", v->app_website);
		kf_html_raw(&h, ">");
		kf_html_text(&h, v->app_website);
		kf_html_raw(&h, "</a></p>\n");
	}
	if (v->in_testing)
		para(&h, "notice", l, KF_MSG_IN_TESTING);
	kf_html_raw(&h, "<p class=\"lead\">");
	user_text(&h, "strong", NULL, v->app_name);
	kf_html_raw(&h, " ");
	kf_html_text(&h, kf_t(l, KF_MSG_CONSENT_LEAD));
	kf_html_raw(&h, "</p>\n");

	form_open(&h, v->action_url, KF_CONSENT_STEP_CONSENT, v->csrf, v->hidden, v->n_hidden);
	render_accounts(&h, v);
	render_sets(&h, v, a);
	render_scope(&h, v);
	/* Confirm first: it is what Enter in the member field submits. Cancel
	 * skips validation so an unpicked account does not block it. */
	kf_html_raw(&h, "<div class=\"actions\">"
			"<button type=\"submit\" name=\"" KF_CONSENT_F_DECISION "\" value=\""
			KF_CONSENT_DECISION_CONFIRM "\" class=\"primary\"");
	if (available_accounts(v) == 0)
		kf_html_raw(&h, " disabled");
	kf_html_raw(&h, ">");
	kf_html_text(&h, kf_t(l, KF_MSG_CONFIRM));
	kf_html_raw(&h, "</button><button type=\"submit\" name=\"" KF_CONSENT_F_DECISION "\" value=\""
			KF_CONSENT_DECISION_CANCEL "\" class=\"secondary\" formnovalidate>");
	kf_html_text(&h, kf_t(l, KF_MSG_CANCEL));
	kf_html_raw(&h, "</button></div>\n</form>\n");
	kf_html_raw(&h, "<p class=\"small\">");
	kf_html_text(&h, kf_t(l, KF_MSG_REVOKE_NOTE));
	kf_html_raw(&h, " <a href=\"/console/hosts\">");
	kf_html_text(&h, kf_t(l, KF_MSG_REVOKE_LINK));
	kf_html_raw(&h, "</a></p>\n");
	if (v->user_label && *v->user_label) {
		/* "not you?": a form of its own, so it needs no script; the
		 * handler signs the browser out and shows the sign-in form with
		 * the same flow */
		form_open(&h, v->action_url, KF_CONSENT_STEP_SWITCH, v->csrf, v->hidden, v->n_hidden);
		kf_html_raw(&h, "<p class=\"small\">");
		kf_html_text(&h, kf_t(l, KF_MSG_SIGNED_IN_AS));
		kf_html_text(&h, l == KF_LANG_ZH ? "：" : " ");
		user_text(&h, "span", NULL, v->user_label);
		kf_html_raw(&h, " \xc2\xb7 ");
		kf_html_text(&h, kf_t(l, KF_MSG_NOT_YOU));
		kf_html_raw(&h, " <button type=\"submit\" class=\"link\">");
		kf_html_text(&h, kf_t(l, KF_MSG_SWITCH_ACCOUNT));
		kf_html_raw(&h, "</button></p>\n</form>\n");
	}
	return page_close(&h);
}

/* ------------------------------------------------------------- refusal */

static const struct {
	const char *rule, *code;
	int status;
	enum kf_msg why, next_step;
} refusals[KF_REFUSAL__COUNT] = {
	[KF_REFUSAL_NOT_ON_ALLOWLIST] = {"AUTH-4", "not_on_test_allowlist", 403, KF_MSG_WHY_NOT_ON_ALLOWLIST,
					 KF_MSG_NEXT_NOT_ON_ALLOWLIST},
	[KF_REFUSAL_SELF_USE] = {"APP-10", "self_use_app", 403, KF_MSG_WHY_SELF_USE, KF_MSG_NEXT_SELF_USE},
	[KF_REFUSAL_APP_UNAVAILABLE] = {"AUTH-5", "app_unavailable", 403, KF_MSG_WHY_APP_UNAVAILABLE,
					KF_MSG_NEXT_APP_UNAVAILABLE},
	[KF_REFUSAL_WRONG_REFERER] = {"APP-4", "wrong_initiation_domain", 403, KF_MSG_WHY_WRONG_REFERER,
				      KF_MSG_NEXT_WRONG_REFERER},
	[KF_REFUSAL_CODE_INVALID] = {"AUTH-3", "pre_auth_code_invalid", 403, KF_MSG_WHY_CODE_INVALID,
				     KF_MSG_NEXT_CODE_INVALID},
	[KF_REFUSAL_UNKNOWN_APP] = {"APP-10", "unknown_app", 404, KF_MSG_WHY_UNKNOWN_APP, KF_MSG_NEXT_UNKNOWN_APP},
	[KF_REFUSAL_BAD_STATE] = {"AUTH-1", "form_state_invalid", 400, KF_MSG_WHY_BAD_STATE, KF_MSG_NEXT_BAD_STATE},
	[KF_REFUSAL_KIND_NOT_ACCEPTED] = {"AUTH-1", "account_kind_not_accepted", 403, KF_MSG_WHY_KIND_NOT_ACCEPTED,
					  KF_MSG_NEXT_KIND_NOT_ACCEPTED},
	[KF_REFUSAL_BAD_REDIRECT] = {"APP-4", "redirect_uri_invalid", 400, KF_MSG_WHY_BAD_REDIRECT,
				     KF_MSG_NEXT_BAD_REDIRECT},
	[KF_REFUSAL_NOT_ACCOUNT_ADMIN] = {"AUTH-1", "not_account_admin", 403, KF_MSG_WHY_NOT_ACCOUNT_ADMIN,
					  KF_MSG_NEXT_NOT_ACCOUNT_ADMIN},
	[KF_REFUSAL_BAD_DECISION] = {"AUTH-1", "decision_invalid", 400, KF_MSG_WHY_BAD_DECISION,
				     KF_MSG_NEXT_BAD_DECISION},
	[KF_REFUSAL_WITHDRAWN] = {"GOV-2", "app_withdrawn", 403, KF_MSG_WHY_WITHDRAWN, KF_MSG_NEXT_WITHDRAWN},
	[KF_REFUSAL_NEW_AUTH_CLOSED] = {"GOV-7", "new_authorizations_closed", 403, KF_MSG_WHY_NEW_AUTH_CLOSED,
					KF_MSG_NEXT_NEW_AUTH_CLOSED},
	[KF_REFUSAL_NOT_IN_MARKET] = {"APP-6", "not_in_marketplace", 404, KF_MSG_WHY_NOT_IN_MARKET,
				      KF_MSG_NEXT_NOT_IN_MARKET},
};

static bool reason_valid(enum kf_refusal r)
{
	return (unsigned)r < KF_REFUSAL__COUNT;
}

const char *kf_consent_refusal_rule(enum kf_refusal reason)
{
	return reason_valid(reason) ? refusals[reason].rule : NULL;
}

const char *kf_consent_refusal_code(enum kf_refusal reason)
{
	return reason_valid(reason) ? refusals[reason].code : NULL;
}

int kf_consent_refusal_status(enum kf_refusal reason)
{
	return reason_valid(reason) ? refusals[reason].status : 500;
}

const char *kf_consent_render_refusal(struct kf_arena *a, const struct kf_refusal_view *v)
{
	if (!v || !reason_valid(v->reason))
		return NULL;
	enum kf_lang l = v->lang;
	struct kf_html h;
	kf_html_init(&h, a);
	page_open(&h, l, kf_t(l, KF_MSG_REFUSED_TITLE), v->site_name);
	kf_html_raw(&h, "<h1>");
	kf_html_text(&h, kf_t(l, KF_MSG_REFUSED_TITLE));
	kf_html_raw(&h, "</h1>\n");
	if (v->app_name && *v->app_name)
		labelled(&h, l, KF_MSG_APP, v->app_name);
	kf_html_raw(&h, "<p class=\"error\" role=\"alert\">");
	kf_html_text(&h, kf_t(l, refusals[v->reason].why));
	kf_html_raw(&h, "</p>\n");
	para(&h, NULL, l, refusals[v->reason].next_step);
	if (kf_html_url_safe(v->back_url)) {
		kf_html_raw(&h, "<div class=\"actions\"><a class=\"button secondary\"");
		kf_html_url_attr(&h, "href", v->back_url);
		kf_html_raw(&h, ">");
		kf_html_text(&h, kf_t(l, KF_MSG_BACK));
		kf_html_raw(&h, "</a></div>\n");
	}
	kf_html_raw(&h, "<p class=\"small\">");
	kf_html_text(&h, kf_t(l, KF_MSG_RULE));
	kf_html_raw(&h, " <span class=\"rule\">");
	kf_html_text(&h, refusals[v->reason].rule);
	kf_html_raw(&h, "</span> \xc2\xb7 ");
	kf_html_text(&h, kf_t(l, KF_MSG_REASON_CODE));
	kf_html_raw(&h, " <span class=\"code\">");
	kf_html_text(&h, refusals[v->reason].code);
	kf_html_raw(&h, "</span>");
	if (v->request_id && *v->request_id) {
		kf_html_raw(&h, " \xc2\xb7 ");
		kf_html_text(&h, kf_t(l, KF_MSG_REQUEST_ID));
		kf_html_raw(&h, " ");
		user_text(&h, "span", NULL, v->request_id);
	}
	kf_html_raw(&h, "</p>\n");
	return page_close(&h);
}

/* -------------------------------------------------------------- result */

const char *kf_consent_render_result(struct kf_arena *a, const struct kf_result_view *v)
{
	if (!v || (v->outcome != KF_RESULT_AUTHORIZED && v->outcome != KF_RESULT_CANCELLED))
		return NULL;
	enum kf_lang l = v->lang;
	bool done = v->outcome == KF_RESULT_AUTHORIZED;
	enum kf_msg title = done ? KF_MSG_DONE_TITLE : KF_MSG_CANCELLED_TITLE;
	struct kf_html h;
	kf_html_init(&h, a);
	page_open(&h, l, kf_t(l, title), v->site_name);
	kf_html_raw(&h, "<h1>");
	kf_html_text(&h, kf_t(l, title));
	kf_html_raw(&h, "</h1>\n");
	if (v->app_name && *v->app_name)
		labelled(&h, l, KF_MSG_APP, v->app_name);
	if (done && v->account_name && *v->account_name)
		labelled(&h, l, KF_MSG_ACCOUNT, v->account_name);
	para(&h, "lead", l, done ? KF_MSG_DONE_BODY : KF_MSG_CANCELLED_BODY);
	para(&h, NULL, l, KF_MSG_CLOSE_WINDOW);
	if (kf_html_url_safe(v->continue_url)) {
		kf_html_raw(&h, "<div class=\"actions\"><a class=\"button primary\"");
		kf_html_url_attr(&h, "href", v->continue_url);
		kf_html_raw(&h, ">");
		kf_html_text(&h, kf_t(l, KF_MSG_CONTINUE));
		kf_html_raw(&h, "</a></div>\n");
	}
	return page_close(&h);
}

/* ------------------------------------------------------------------ CSP */

const char *kf_consent_csp(struct kf_arena *a)
{
	unsigned char digest[crypto_hash_sha256_BYTES];
	char b64[sodium_base64_ENCODED_LEN(crypto_hash_sha256_BYTES, sodium_base64_VARIANT_ORIGINAL)];
	crypto_hash_sha256(digest, (const unsigned char *)STYLE, sizeof(STYLE) - 1);
	sodium_bin2base64(b64, sizeof(b64), digest, sizeof(digest), sodium_base64_VARIANT_ORIGINAL);
	return kf_arena_printf(a,
			       "default-src 'none'; style-src 'sha256-%s'; img-src 'self' https:; "
			       "frame-ancestors 'none'; base-uri 'none'",
			       b64);
}

/* ----------------------------------------------------------------- CSRF */

#define CSRF_VERSION "1."
#define CSRF_TAG_LEN 43 /* base64url of 32 bytes, no padding */
#define CSRF_SKEW 60

static void mac_bytes(crypto_auth_hmacsha256_state *st, const char *s)
{
	/* Presence byte, 8-byte big-endian length, bytes: no two field lists
	 * encode alike, and NULL differs from "". */
	unsigned char hdr[9] = {0};
	size_t n = s ? strlen(s) : 0;
	hdr[0] = s != NULL;
	for (int i = 0; i < 8; i++)
		hdr[8 - i] = (unsigned char)((uint64_t)n >> (8 * i));
	crypto_auth_hmacsha256_update(st, hdr, sizeof(hdr));
	if (n)
		crypto_auth_hmacsha256_update(st, (const unsigned char *)s, n);
}

/* base64url tag of the token for these inputs, into out (CSRF_TAG_LEN + 1). */
static void csrf_tag(const unsigned char key[KF_CONSENT_CSRF_KEY_BYTES], const char *purpose, const char *binding,
		     const struct kf_hidden *flow, size_t n_flow, const char *issued, char *out)
{
	crypto_auth_hmacsha256_state st;
	unsigned char mac[crypto_auth_hmacsha256_BYTES];
	char count[24];
	crypto_auth_hmacsha256_init(&st, key, KF_CONSENT_CSRF_KEY_BYTES);
	mac_bytes(&st, "kf-consent-csrf/1");
	mac_bytes(&st, purpose);
	mac_bytes(&st, binding);
	mac_bytes(&st, issued);
	snprintf(count, sizeof(count), "%zu", n_flow);
	mac_bytes(&st, count);
	for (size_t i = 0; i < n_flow; i++) {
		mac_bytes(&st, flow[i].name);
		mac_bytes(&st, flow[i].value);
	}
	crypto_auth_hmacsha256_final(&st, mac);
	sodium_bin2base64(out, CSRF_TAG_LEN + 1, mac, sizeof(mac), sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	sodium_memzero(&st, sizeof(st));
	sodium_memzero(mac, sizeof(mac));
}

char *kf_consent_csrf_new(struct kf_arena *a, const unsigned char key[KF_CONSENT_CSRF_KEY_BYTES],
			  const char *purpose, const char *binding, const struct kf_hidden *flow,
			  size_t n_flow, int64_t now)
{
	if (!key || !purpose || !*purpose || !binding || !*binding || now < 0 || (n_flow && !flow))
		return NULL;
	char issued[24], tag_b64[CSRF_TAG_LEN + 1];
	snprintf(issued, sizeof(issued), "%lld", (long long)now);
	csrf_tag(key, purpose, binding, flow, n_flow, issued, tag_b64);
	return kf_arena_printf(a, CSRF_VERSION "%s.%s", issued, tag_b64);
}

static bool is_b64url(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
}

enum kf_err kf_consent_csrf_verify(const unsigned char key[KF_CONSENT_CSRF_KEY_BYTES], const char *purpose,
				   const char *binding, const struct kf_hidden *flow, size_t n_flow,
				   const char *token, int64_t now, int64_t max_age)
{
	if (!key || !purpose || !*purpose || !binding || !*binding || !token || (n_flow && !flow))
		return KF_EAUTH;
	if (now < 0 || max_age < 0)
		return KF_EAUTH;
	size_t vlen = strlen(CSRF_VERSION);
	if (strncmp(token, CSRF_VERSION, vlen))
		return KF_EAUTH;
	const char *p = token + vlen;
	/* issued: 1..18 digits, no leading zero except "0" itself. */
	size_t nd = 0;
	int64_t issued = 0;
	for (; p[nd] >= '0' && p[nd] <= '9'; nd++) {
		if (nd == 18)
			return KF_EAUTH;
		issued = issued * 10 + (p[nd] - '0');
	}
	if (nd == 0 || (nd > 1 && p[0] == '0') || p[nd] != '.')
		return KF_EAUTH;
	const char *tag_given = p + nd + 1;
	for (size_t i = 0; i < CSRF_TAG_LEN; i++)
		if (!is_b64url(tag_given[i]))
			return KF_EAUTH;
	if (tag_given[CSRF_TAG_LEN] != '\0')
		return KF_EAUTH;
	if (issued - now > CSRF_SKEW || now - issued > max_age)
		return KF_EAUTH;
	char issued_s[24], want[CSRF_TAG_LEN + 1];
	memcpy(issued_s, p, nd);
	issued_s[nd] = '\0';
	csrf_tag(key, purpose, binding, flow, n_flow, issued_s, want);
	int diff = sodium_memcmp(want, tag_given, CSRF_TAG_LEN);
	sodium_memzero(want, sizeof(want));
	return diff == 0 ? KF_OK : KF_EAUTH;
}

/* ---------------------------------------------------------- data scope */

#define MEMBER_ID_MAX 64
#define MEMBERS_BYTES_MAX (4 * (size_t)KF_CONSENT_MEMBERS_TEXT_MAX)

/* Length of the separator at s, or 0. */
static size_t separator_len(const char *s)
{
	static const char *const wide[] = {"\xef\xbc\x8c", /* ， */
					   "\xef\xbc\x9b", /* ； */
					   "\xe3\x80\x81", /* 、 */
					   "\xe3\x80\x80"}; /* ideographic space */
	if (*s == ',' || *s == ';' || *s == ' ' || *s == '\t' || *s == '\r' || *s == '\n' || *s == '\f' ||
	    *s == '\v')
		return 1;
	for (size_t i = 0; i < sizeof(wide) / sizeof(wide[0]); i++)
		if (!strncmp(s, wide[i], 3))
			return 3;
	return 0;
}

static bool member_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
	       c == '@' || c == '+' || c == '-';
}

enum kf_err kf_consent_parse_members(struct kf_arena *a, const char *text, size_t max, const char ***out, size_t *n,
				     struct kf_error *err)
{
	*out = NULL;
	*n = 0;
	if (!text)
		text = "";
	if (strnlen(text, MEMBERS_BYTES_MAX + 1) > MEMBERS_BYTES_MAX)
		return kf_error_set(err, KF_EINVAL, "invalid_member_id", "AUTH-1", KF_CONSENT_F_SCOPE_MEMBERS,
				    "the member list is longer than %zu bytes", MEMBERS_BYTES_MAX);
	/* Items are at least one byte plus a separator: this bounds the array. */
	size_t cap = strlen(text) / 2 + 1;
	const char **ids = kf_arena_alloc(a, cap * sizeof(*ids));
	size_t count = 0;
	const char *s = text;
	while (*s) {
		size_t sep = separator_len(s);
		if (sep) {
			s += sep;
			continue;
		}
		const char *start = s;
		while (*s && !separator_len(s)) {
			if (!member_char(*s))
				return kf_error_set(err, KF_EINVAL, "invalid_member_id", "AUTH-1",
						    KF_CONSENT_F_SCOPE_MEMBERS,
						    "member ids may contain only letters, digits and . _ @ + -");
			s++;
		}
		size_t len = (size_t)(s - start);
		if (len > MEMBER_ID_MAX)
			return kf_error_set(err, KF_EINVAL, "invalid_member_id", "AUTH-1", KF_CONSENT_F_SCOPE_MEMBERS,
					    "a member id is longer than %d characters", MEMBER_ID_MAX);
		bool dup = false;
		for (size_t i = 0; i < count && !dup; i++)
			dup = strlen(ids[i]) == len && !memcmp(ids[i], start, len);
		if (dup)
			continue;
		if (count >= max)
			return kf_error_set(err, KF_ELIMIT, "too_many_members", "AUTH-1", KF_CONSENT_F_SCOPE_MEMBERS,
					    "at most %zu members may be listed", max);
		ids[count++] = kf_arena_strndup(a, start, len);
	}
	*out = count ? ids : NULL;
	*n = count;
	return KF_OK;
}
