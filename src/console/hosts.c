/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Host-account owners: accept the invitation from the mail's link, my host
 * accounts, and one account's connected apps with the permission sets and
 * data scope each was granted, with revocation (AUTH-2) confirmed on a page
 * that states the consequence first.
 */
#include <string.h>

#include "console/console.h"
#include "util/mem.h"

/* The permission-set catalog, for names and descriptions in the page's
 * language. */
static json_t *catalog(struct kf_con *c)
{
	json_t *j = kf_con_get(c, "/v1/permission-sets");
	c->has_err = false;
	return json_object_get(j, "items");
}

static json_t *set_of(json_t *cat, json_int_t id)
{
	size_t i;
	json_t *s;
	json_array_foreach(cat, i, s) {
		if (json_integer_value(json_object_get(s, "id")) == id)
			return s;
	}
	return NULL;
}

/* A text of a catalog entry in the page's language: name_zh/name_en, or
 * description_zh/description_en, falling back to the plain member. */
static const char *localized(struct kf_con *c, json_t *o, const char *base)
{
	const char *v = kf_con_str(c, o, kf_con_fmt(c, "%s_%s", base, c->lang == KF_LANG_ZH ? "zh" : "en"));
	return v && *v ? v : kf_con_str(c, o, base);
}

static void crumbs_hosts(struct kf_con *c, struct kf_page_link *out)
{
	out[0] = (struct kf_page_link){"/console/", CL(c, "Console", "控制台"), false};
	out[1] = (struct kf_page_link){"/console/hosts", CL(c, "Host accounts", "授权账号"), false};
}

static const char *kind_label(struct kf_con *c, const char *kind)
{
	const char *l = kind ? kf_i18n_kind_label(c->lang, kind) : NULL;
	return l ? l : kind;
}

/* ------------------------------------------------------------ my accounts */

static void hosts_list(struct kf_req *r)
{
	struct kf_con c;
	if (!kf_con_start(r, &c, true))
		return;
	c.section = "hosts";
	json_t *list = kf_con_get(&c, "/v1/me/host-accounts");
	struct kf_page_link cr[2];
	crumbs_hosts(&c, cr);
	kf_con_open(&c, CL(&c, "My host accounts", "我的授权账号"), cr, 1);
	struct kf_html *h = &c.h;
	json_t *items = json_object_get(list, "items");
	if (!json_array_size(items)) {
		kf_page_empty(h,
			      CL(&c, "You own no host account yet. The host product invites you by email when an account "
				     "is opened for you; open the link in that mail to start.",
				 "你还没有授权账号。宿主产品为你开通账号时会发送邀请邮件，打开邮件中的链接即可开始。"),
			      NULL, NULL);
		kf_con_finish(&c);
		return;
	}
	kf_html_raw(h, "<div class=\"table\"><table><thead><tr><th scope=\"col\">");
	kf_html_text(h, CL(&c, "Account", "账号"));
	kf_html_raw(h, "</th><th scope=\"col\">");
	kf_html_text(h, CL(&c, "Kind", "类型"));
	kf_html_raw(h, "</th><th scope=\"col\">");
	kf_html_text(h, CL(&c, "Account id", "账号 ID"));
	kf_html_raw(h, "</th></tr></thead><tbody>");
	size_t i;
	json_t *it;
	json_array_foreach(items, i, it) {
		const char *id = kf_con_str(&c, it, "id");
		kf_html_raw(h, "<tr><td><a");
		kf_html_url_attr(h, "href", kf_con_fmt(&c, "/console/hosts/%s", id ? id : "0"));
		kf_html_raw(h, ">");
		kf_html_text(h, kf_con_str(&c, it, "name"));
		kf_html_raw(h, "</a></td><td>");
		kf_html_text(h, kind_label(&c, kf_con_str(&c, it, "kind")));
		kf_html_raw(h, "</td><td>");
		kf_page_id(h, c.lang, kf_con_str(&c, it, "external_id"));
		kf_html_raw(h, "</td></tr>");
	}
	kf_html_raw(h, "</tbody></table></div>");
	kf_con_finish(&c);
}

/* The host account {id} among the caller's (the API's list is the
 * authority: an account that is not the caller's is not found). */
static json_t *my_host(struct kf_con *c, const char *id)
{
	json_t *list = kf_con_get(c, "/v1/me/host-accounts");
	size_t i;
	json_t *it;
	json_array_foreach(json_object_get(list, "items"), i, it) {
		const char *v = kf_con_str(c, it, "id");
		if (v && id && !strcmp(v, id))
			return it;
	}
	return NULL;
}

static void scope_text(struct kf_con *c, json_t *scope)
{
	struct kf_html *h = &c->h;
	/* {"members":"all"} or {"members":["id", …]} (AUTH-1) */
	json_t *members = json_object_get(scope, "members");
	if (!json_is_array(members)) {
		kf_html_text(h, CL(c, "All members", "全部成员"));
		return;
	}
	kf_html_text(h, CL(c, "Only these members: ", "仅以下成员："));
	size_t i;
	json_t *m;
	json_array_foreach(members, i, m) {
		if (i)
			kf_html_text(h, CL(c, ", ", "、"));
		kf_html_raw(h, "<code>");
		kf_html_text(h, json_is_string(m) ? json_string_value(m) : kf_con_fmt(c, "%lld", (long long)json_integer_value(m)));
		kf_html_raw(h, "</code>");
	}
}

static void sets_text(struct kf_con *c, json_t *cat, json_t *ids)
{
	struct kf_html *h = &c->h;
	if (!json_array_size(ids)) {
		kf_html_text(h, "—");
		return;
	}
	kf_html_raw(h, "<ul class=\"sets\">");
	size_t i;
	json_t *id;
	json_array_foreach(ids, i, id) {
		json_t *s = set_of(cat, json_integer_value(id));
		kf_html_raw(h, "<li><strong>");
		kf_html_text(h, s ? localized(c, s, "name") : kf_con_fmt(c, "#%lld", (long long)json_integer_value(id)));
		kf_html_raw(h, "</strong>");
		const char *d = s ? localized(c, s, "description") : NULL;
		if (d) {
			kf_html_raw(h, "<br><span class=\"muted small\">");
			kf_html_text(h, d);
			kf_html_raw(h, "</span>");
		}
		kf_html_raw(h, "</li>");
	}
	kf_html_raw(h, "</ul>");
}

/* The account's access log: who authorized, changed or revoked which app
 * and when, newest first, a page at a time. */
static void access_log(struct kf_con *c, const char *id, json_t *authz_items, json_t *cat)
{
	struct kf_html *h = &c->h;
	struct kf_form q = {0};
	kf_form_set(&q, "limit", "20");
	kf_form_set(&q, "before", kf_con_q(c, "before"));
	json_t *log = kf_con_getq(c, &q, "/v1/host-accounts/%s/access-log", id);
	c->has_err = false;
	kf_html_raw(h, "<h2 id=\"log\">");
	kf_html_text(h, CL(c, "Access log", "授权记录"));
	kf_html_raw(h, "</h2>");
	json_t *items = json_object_get(log, "items");
	if (!json_array_size(items)) {
		kf_html_raw(h, "<p class=\"muted\">");
		kf_html_text(h, CL(c, "Nothing has happened on this account yet.", "该账号暂无授权记录。"));
		kf_html_raw(h, "</p>");
		return;
	}
	kf_html_raw(h, "<div class=\"table\" tabindex=\"0\" role=\"region\"");
	kf_html_attr(h, "aria-label", CL(c, "Access log", "授权记录"));
	kf_html_raw(h, "><table><thead><tr><th scope=\"col\">");
	kf_html_text(h, CL(c, "When", "时间"));
	kf_html_raw(h, "</th><th scope=\"col\">");
	kf_html_text(h, CL(c, "App", "应用"));
	kf_html_raw(h, "</th><th scope=\"col\">");
	kf_html_text(h, CL(c, "What", "操作"));
	kf_html_raw(h, "</th><th scope=\"col\">");
	kf_html_text(h, CL(c, "Permission sets from then on", "此后的权限集"));
	kf_html_raw(h, "</th><th scope=\"col\">");
	kf_html_text(h, CL(c, "By", "操作人"));
	kf_html_raw(h, "</th></tr></thead><tbody>");
	size_t i;
	json_t *e;
	json_array_foreach(items, i, e) {
		const char *app_id = kf_con_str(c, e, "app_id"), *action = kf_con_str(c, e, "action");
		const char *by = kf_con_str(c, e, "by"), *name = NULL;
		size_t k;
		json_t *z;
		json_array_foreach(authz_items, k, z) {
			const char *a = kf_con_str(c, z, "app_id");
			if (a && app_id && !strcmp(a, app_id))
				name = kf_con_str(c, z, "app_name");
		}
		kf_html_raw(h, "<tr><td>");
		kf_con_time(c, json_integer_value(json_object_get(e, "at")));
		kf_html_raw(h, "</td><td>");
		kf_html_text(h, name ? name : app_id);
		kf_html_raw(h, "</td><td>");
		kf_html_text(h, !action ? "" : !strcmp(action, "authorized") ? CL(c, "Authorized", "授权")
				 : !strcmp(action, "updated")	 ? CL(c, "Changed the permissions", "更改权限")
				 : !strcmp(action, "revoked")	 ? CL(c, "Revoked", "撤销授权")
								 : action);
		kf_html_raw(h, "</td><td>");
		sets_text(c, cat, json_object_get(e, "granted"));
		kf_html_raw(h, "</td><td>");
		kf_html_text(h, !by ? "" : !strcmp(by, "you") ? CL(c, "You", "你")
				 : !strcmp(by, "person")	 ? CL(c, "Another person of the account", "该账号的其他人员")
				 : !strcmp(by, "host_product") ? CL(c, "The host product", "宿主产品")
							       : CL(c, "The platform", "平台"));
		kf_html_raw(h, "</td></tr>");
	}
	kf_html_raw(h, "</tbody></table></div>");
	const char *next = kf_con_str(c, log, "next_before");
	if (next) {
		kf_html_raw(h, "<p><a");
		kf_html_url_attr(h, "href", kf_con_fmt(c, "/console/hosts/%s?before=%s#log", id, next));
		kf_html_raw(h, ">");
		kf_html_text(h, CL(c, "Older entries", "更早的记录"));
		kf_html_raw(h, "</a></p>");
	}
}

static void host_page(struct kf_req *r)
{
	struct kf_con c;
	if (!kf_con_start(r, &c, true))
		return;
	c.section = "hosts";
	const char *id = kf_req_param(r, "id");
	json_t *host = my_host(&c, id);
	json_t *authz = host ? kf_con_get(&c, "/v1/host-accounts/%s/authorizations", id) : NULL;
	if (!host || !authz) {
		kf_con_not_found(&c);
		return;
	}
	json_t *cat = catalog(&c);
	struct kf_page_link cr[2];
	crumbs_hosts(&c, cr);
	kf_con_open(&c, kf_con_str(&c, host, "name"), cr, 2);
	struct kf_html *h = &c.h;
	kf_html_raw(h, "<section class=\"card\"><dl class=\"props\">");
	kf_page_dl_row(h, CL(&c, "Kind", "类型"), kind_label(&c, kf_con_str(&c, host, "kind")));
	kf_html_raw(h, "<dt>");
	kf_html_text(h, CL(&c, "Account id", "账号 ID"));
	kf_html_raw(h, "</dt><dd>");
	kf_page_id(h, c.lang, kf_con_str(&c, host, "external_id"));
	kf_html_raw(h, "</dd>");
	kf_page_dl_row(h, CL(&c, "Owner", "所有者"), kf_con_str(&c, host, "owner_email"));
	kf_html_raw(h, "</dl></section><h2>");
	kf_html_text(h, CL(&c, "Connected apps", "已授权的应用"));
	kf_html_raw(h, "</h2>");
	json_t *items = json_object_get(authz, "items");
	size_t live = 0, i;
	json_t *z;
	json_array_foreach(items, i, z) {
		const char *st = kf_con_str(&c, z, "state");
		if (st && strcmp(st, "revoked"))
			live++;
	}
	if (!live) {
		kf_page_empty(h,
			      CL(&c, "No app is connected to this account. Find one in the marketplace and install it, or "
				     "start from the app's own page; you confirm on ours.",
				 "该账号尚未授权任何应用。可在应用市场找到应用并安装，或从应用自己的页面发起授权，在本平台确认。"),
			      "/", CL(&c, "Browse the marketplace", "浏览应用市场"));
	} else {
		kf_html_raw(h, "<div class=\"table\"><table><thead><tr><th scope=\"col\">");
		kf_html_text(h, CL(&c, "App", "应用"));
		kf_html_raw(h, "</th><th scope=\"col\">");
		kf_html_text(h, CL(&c, "State", "状态"));
		kf_html_raw(h, "</th><th scope=\"col\">");
		kf_html_text(h, CL(&c, "Permission sets granted", "已授予的权限集"));
		kf_html_raw(h, "</th><th scope=\"col\">");
		kf_html_text(h, CL(&c, "Visible member scope", "可见范围"));
		kf_html_raw(h, "</th><th scope=\"col\">");
		kf_html_text(h, CL(&c, "Since", "授权时间"));
		kf_html_raw(h, "</th><th scope=\"col\"><span class=\"skip\">");
		kf_html_text(h, CL(&c, "Actions", "操作"));
		kf_html_raw(h, "</span></th></tr></thead><tbody>");
		json_array_foreach(items, i, z) {
			const char *st = kf_con_str(&c, z, "state");
			if (!st || !strcmp(st, "revoked"))
				continue;
			const char *app_id = kf_con_str(&c, z, "app_id");
			const char *name = kf_con_str(&c, z, "app_name");
			/* the app's page in the marketplace (404 there when it is not listed) */
			kf_html_raw(h, "<tr><td><strong><a");
			kf_html_url_attr(h, "href", kf_con_fmt(&c, "/apps/%s", app_id));
			kf_html_raw(h, ">");
			kf_html_text(h, name ? name : app_id);
			kf_html_raw(h, "</a></strong><br>");
			kf_page_id(h, c.lang, app_id);
			kf_html_raw(h, "</td><td>");
			kf_page_badge(h, c.lang, st);
			kf_html_raw(h, "</td><td>");
			sets_text(&c, cat, json_object_get(z, "granted"));
			kf_html_raw(h, "</td><td>");
			scope_text(&c, json_object_get(z, "data_scope"));
			kf_html_raw(h, "</td><td>");
			kf_con_time(&c, json_integer_value(json_object_get(z, "created_at")));
			kf_html_raw(h, "</td><td><a class=\"button danger\"");
			kf_html_url_attr(h, "href", kf_con_fmt(&c, "/console/hosts/%s/apps/%s/revoke", id, app_id));
			kf_html_raw(h, ">");
			kf_html_text(h, CL(&c, "Uninstall", "卸载"));
			kf_html_raw(h, "<span class=\"skip\"> ");
			kf_html_text(h, name ? name : app_id);
			kf_html_raw(h, "</span></a></td></tr>");
		}
		kf_html_raw(h, "</tbody></table></div>");
	}
	access_log(&c, id, items, cat);
	kf_con_finish(&c);
}

/* AUTH-2: the consequence first, then the revocation. */
static void revoke(struct kf_req *r)
{
	struct kf_con c;
	if (!kf_con_start(r, &c, true))
		return;
	c.section = "hosts";
	const char *id = kf_req_param(r, "id"), *app_id = kf_req_param(r, "app_id");
	json_t *host = my_host(&c, id);
	json_t *authz = host ? kf_con_get(&c, "/v1/host-accounts/%s/authorizations", id) : NULL;
	json_t *z = NULL, *it;
	size_t i;
	json_array_foreach(json_object_get(authz, "items"), i, it) {
		const char *a = kf_con_str(&c, it, "app_id"), *st = kf_con_str(&c, it, "state");
		if (a && app_id && !strcmp(a, app_id) && st && strcmp(st, "revoked"))
			z = it;
	}
	if (!z) {
		kf_con_not_found(&c);
		return;
	}
	const char *back = kf_con_fmt(&c, "/console/hosts/%s", id);
	if (c.post && kf_con_val(&c, "confirm")) {
		if (kf_con_send(&c, "DELETE", NULL, "/v1/host-accounts/%s/authorizations/%s", id, app_id)) {
			kf_con_redirect(&c, kf_con_fmt(&c, "%s?ok=uninstalled", back));
			return;
		}
		c.status = c.err.status;
	}
	const char *name = kf_con_str(&c, z, "app_name");
	const char *account = kf_con_str(&c, host, "name");
	const char *sentence =
		kf_con_fmt(&c,
			   CL(&c, "%s loses access to %s at once: its tokens stop working now, and it is told to delete the "
				  "data it received.",
			      "%s 将立即失去对 %s 的访问权限：其令牌立即失效，并会收到通知要求删除已获取的数据。"),
			   name ? name : app_id, account ? account : "");
	kf_con_confirm(&c, CL(&c, "Uninstall the app?", "卸载应用？"), sentence, NULL,
		       CL(&c, "Uninstall now", "立即卸载"), back, NULL, 0);
}

/* ------------------------------------------------------------ invitation */

static void accept_invitation(struct kf_req *r)
{
	struct kf_con c;
	if (!kf_con_start(r, &c, false))
		return;
	const char *token = c.post ? kf_con_val(&c, "token") : kf_con_q(&c, "token");
	if (c.post) {
		const char *pw = kf_con_val(&c, "password"), *pw2 = kf_con_val(&c, "password_again");
		if (!pw || !pw2 || strcmp(pw, pw2)) {
			c.has_err = true;
			c.err = (struct kf_con_err){.status = 400, .code = "password_mismatch", .field = "password_again",
						    .message = CL(&c, "The two passwords differ.", "两次输入的密码不一致。")};
		} else {
			json_t *body = json_pack("{s:s, s:s, s:s, s:s}", "token", token ? token : "", "password", pw, "mobile",
						 kf_con_val(&c, "mobile") ? kf_con_val(&c, "mobile") : "", "language",
						 c.lang == KF_LANG_ZH ? "zh" : "en");
			const char *name = kf_con_val(&c, "name");
			if (name && *name)
				json_object_set_new(body, "name", json_string(name));
			json_t *ok = kf_con_send(&c, "POST", body, "/v1/invitations:accept");
			json_decref(body);
			if (ok) {
				kf_con_redirect(&c, "/console/signin?ok=accepted&next=/console/hosts");
				return;
			}
		}
		c.status = c.err.status ? c.err.status : 400;
	}
	kf_con_open(&c, CL(&c, "Accept your invitation", "接受邀请"), NULL, 0);
	struct kf_html *h = &c.h;
	if (!token || !*token) {
		kf_page_notice(h, "error",
			       CL(&c, "This link has no invitation in it. Open the link from the invitation mail as it is.",
				  "该链接中没有邀请信息，请直接打开邀请邮件中的链接。"));
		kf_con_finish(&c);
		return;
	}
	kf_html_raw(h, "<p>");
	kf_html_text(h, CL(&c, "A host account was opened for you. Choose a password to manage it and the apps "
			       "connected to it.",
			   "已为你开通授权账号。设置密码后即可管理该账号及其授权的应用。"));
	kf_html_raw(h, "</p>");
	const char *terr_rule = NULL;
	const char *terr = kf_con_field_err(&c, "token", &terr_rule);
	if (terr)
		kf_page_notice_rule(h, "error",
				    CL(&c, "This invitation is unknown, already used or expired. Ask the host product to "
					   "send a new one.",
				       "该邀请无效、已被使用或已过期，请联系宿主产品重新发送邀请。"),
				    terr_rule);
	kf_con_form(&c, "/console/invitations/accept", false);
	kf_page_hidden(h, "token", token);
	struct kf_page_field f[] = {
		{.name = "name", .label = CL(&c, "Your name", "姓名"), .autocomplete = "name"},
		{.name = "mobile", .label = CL(&c, "Mobile number", "手机号"), .type = "tel", .required = true,
		 .autocomplete = "tel"},
		{.name = "password", .label = CL(&c, "Password", "密码"), .type = "password", .required = true,
		 .autocomplete = "new-password", .hint = CL(&c, "At least 10 characters.", "至少 10 个字符。")},
		{.name = "password_again", .label = CL(&c, "Password again", "再次输入密码"), .type = "password",
		 .required = true, .autocomplete = "new-password"},
	};
	for (size_t i = 0; i < sizeof(f) / sizeof(f[0]); i++)
		kf_con_field(&c, &f[i]);
	kf_html_raw(h, "<div class=\"actions\">");
	kf_page_button(h, "primary", CL(&c, "Accept and set password", "接受邀请并设置密码"), NULL, NULL);
	kf_html_raw(h, "</div>");
	kf_page_form_close(h);
	kf_con_finish(&c);
}

const struct kf_route kf_console_hosts_routes[] = {
	{"GET", "/console/hosts", hosts_list, KF_AUTH_USER, KF_RF_PAGE, "My host accounts (HTML)"},
	{"GET", "/console/hosts/{id}", host_page, KF_AUTH_USER, KF_RF_PAGE, "One host account's connected apps (HTML)"},
	{"GET", "/console/hosts/{id}/apps/{app_id}/revoke", revoke, KF_AUTH_USER, KF_RF_PAGE,
	 "Confirm revoking an app's authorization (HTML)"},
	{"POST", "/console/hosts/{id}/apps/{app_id}/revoke", revoke, KF_AUTH_USER,
	 KF_RF_PAGE | KF_RF_FORM_CSRF | KF_RF_OWN_TX, "Revoke an app's authorization (AUTH-2, HTML form)"},
	{"GET", "/console/invitations/accept", accept_invitation, KF_AUTH_NONE, KF_RF_PAGE,
	 "Accept a host-account invitation (HTML)"},
	{"POST", "/console/invitations/accept", accept_invitation, KF_AUTH_NONE,
	 KF_RF_PAGE | KF_RF_FORM_CSRF | KF_RF_OWN_TX, "Accept a host-account invitation (HTML form)"},
};
const size_t kf_console_hosts_nroutes = sizeof(kf_console_hosts_routes) / sizeof(kf_console_hosts_routes[0]);
