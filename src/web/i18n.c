/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The message table of the server-rendered pages and the Accept-Language
 * negotiation. Invariant: every message has a non-empty text in both
 * languages (a unit test walks the table), and no text has a placeholder.
 */
#include "web/i18n.h"

#include <stdbool.h>
#include <stddef.h>
#include <string.h>
#include <strings.h>

#define ACCEPT_MAX 4096

struct text {
	const char *en, *zh;
};

static const struct text msgs[KF_MSG__COUNT] = {
	[KF_MSG_APP] = {"App", "应用"},
	[KF_MSG_ACCOUNT] = {"Account", "帐号"},
	[KF_MSG_DEVELOPER] = {"Developer", "开发者"},
	[KF_MSG_WEBSITE] = {"Website", "官方网站"},
	[KF_MSG_SIGNED_IN_AS] = {"Signed in as", "当前登录"},
	[KF_MSG_RULE] = {"Rule", "规则"},
	[KF_MSG_REASON_CODE] = {"Code", "代码"},
	[KF_MSG_REQUEST_ID] = {"Request ID", "请求 ID"},
	[KF_MSG_BACK] = {"Go back", "返回"},

	[KF_MSG_SIGNIN_TITLE] = {"Sign in", "登录"},
	[KF_MSG_SIGNIN_LEAD] = {"wants to connect to an account you manage. Sign in to continue.",
				"申请连接你管理的帐号，请先登录。"},
	[KF_MSG_SIGNIN_LEAD_NOAPP] = {"Sign in to continue the authorization.", "请登录后继续授权。"},
	[KF_MSG_SIGNIN_LOGIN] = {"Email or mobile number", "邮箱或手机号"},
	[KF_MSG_SIGNIN_PASSWORD] = {"Password", "密码"},
	[KF_MSG_SIGNIN_SUBMIT] = {"Sign in", "登录"},
	[KF_MSG_SIGNIN_ERR_CREDENTIALS] = {"The email, mobile number or password is incorrect.",
					   "邮箱、手机号或密码不正确。"},
	[KF_MSG_SIGNIN_ERR_MISSING] = {"Enter your email or mobile number and your password.",
				       "请输入邮箱或手机号以及密码。"},
	[KF_MSG_SIGNIN_ERR_LOCKED] = {"Too many attempts. Wait a few minutes, then try again.",
				      "尝试次数过多，请几分钟后再试。"},
	[KF_MSG_SIGNIN_ERR_SECOND_FACTOR] = {"This account signs in with a second factor: sign in on the console first, then open this page again.",
					     "此账号需要第二重验证：请先在控制台登录，再重新打开本页。"},
	[KF_MSG_SIGNIN_ERR_EXPIRED] = {"The form expired. Please sign in again.", "表单已过期，请重新登录。"},

	[KF_MSG_CONSENT_TITLE] = {"Authorize an app", "授权应用"},
	[KF_MSG_CONSENT_LEAD] = {"asks for access to an account you manage. Review what it may do, then confirm.",
				 "申请获得你管理的帐号的以下权限，请确认授权内容。"},
	[KF_MSG_IN_TESTING] = {"This app has not been released yet. Only accounts on its test list can authorize it.",
			       "该应用尚未发布，仅测试名单中的帐号可以授权。"},
	[KF_MSG_ACCOUNT_LEGEND] = {"Account to authorize", "选择授权的帐号"},
	[KF_MSG_ACCOUNT_PINNED] = {"The app asks for this account:", "应用指定授权以下帐号："},
	[KF_MSG_ACCOUNT_AUTHORIZED] = {"Already authorized; confirming updates it", "已授权，确认后将更新授权"},
	[KF_MSG_SETS_LEGEND] = {"Permissions", "授权权限"},
	[KF_MSG_SETS_HINT] = {"Untick any optional permission you do not want to grant.",
			      "可取消勾选你不想授予的可选权限。"},
	[KF_MSG_SET_REQUIRED] = {"Required", "必选"},
	[KF_MSG_SET_OPTIONAL] = {"Optional", "可选"},
	[KF_MSG_SET_NEW] = {"New", "新增"},
	[KF_MSG_SET_DATA] = {"Data entrusted:", "将提供的数据："},
	[KF_MSG_SCOPE_LEGEND] = {"Visible members", "可见成员范围"},
	[KF_MSG_SCOPE_HINT] = {"Choose whose data the app may see.", "选择应用可以查看哪些成员的数据。"},
	[KF_MSG_SCOPE_ALL] = {"All members", "全部成员"},
	[KF_MSG_SCOPE_SOME] = {"Only the members listed below", "仅限下列成员"},
	[KF_MSG_SCOPE_MEMBERS] = {"Member IDs", "成员 ID"},
	[KF_MSG_SCOPE_MEMBERS_HINT] = {"Separate IDs with commas or spaces.", "多个 ID 用逗号或空格分隔。"},
	[KF_MSG_CONFIRM] = {"Authorize", "确认授权"},
	[KF_MSG_CANCEL] = {"Cancel", "取消"},
	[KF_MSG_REVOKE_NOTE] = {"You can revoke this authorization at any time on the account's page in the console. "
				"The app is then notified and loses access at once.",
				"你可以随时在控制台的帐号页面中取消授权，取消后应用会收到通知并立即失去访问权限。"},
	[KF_MSG_REVOKE_LINK] = {"Host accounts in the console", "控制台中的授权帐号"},
	[KF_MSG_FORGOT_PASSWORD] = {"Forgot password?", "忘记密码？"},
	[KF_MSG_NOT_YOU] = {"Not you?", "不是你？"},
	[KF_MSG_SWITCH_ACCOUNT] = {"Switch account", "切换帐号"},
	[KF_MSG_LISTED_AS] = {"In the marketplace", "应用市场名称"},
	[KF_MSG_ACCOUNT_NOT_ON_TEST_LIST] = {"Cannot authorize: the app is not released yet and this account is not "
					     "on its test list.",
					     "无法授权：应用尚未发布，且该帐号不在其测试名单中。"},
	[KF_MSG_ACCOUNT_SELF_USE] = {"Cannot authorize: the app is only for its developer's own accounts.",
				     "无法授权：该应用仅供开发者自己的帐号使用。"},
	[KF_MSG_ACCOUNT_APP_UNAVAILABLE] = {"Cannot authorize: the app is suspended or delisted.",
					    "无法授权：该应用已被暂停或下架。"},
	[KF_MSG_NO_ACCOUNT_AVAILABLE] = {"None of your accounts can authorize this app; the reason is shown next to "
					 "each one.",
					 "你的帐号均无法授权该应用，原因见各帐号下方的说明。"},

	[KF_MSG_REFUSED_TITLE] = {"This app cannot be authorized", "无法授权该应用"},
	[KF_MSG_WHY_NOT_ON_ALLOWLIST] = {"The app has not been released yet, and the account is not on its test list.",
					 "该应用尚未发布，且该帐号不在其测试名单中。"},
	[KF_MSG_NEXT_NOT_ON_ALLOWLIST] = {"Ask the app's developer to add the account to the test list, "
					  "or try again once the app is released.",
					  "请联系应用开发者将该帐号加入测试名单，或在应用发布后再试。"},
	[KF_MSG_WHY_SELF_USE] = {"This app is for its developer's own use: only the developer's own accounts "
				 "can authorize it.",
				 "该应用为开发者自用应用，只有开发者自己的帐号可以授权。"},
	[KF_MSG_NEXT_SELF_USE] = {"Contact the developer if you think this is a mistake.",
				  "如有疑问，请联系应用开发者。"},
	[KF_MSG_WHY_APP_UNAVAILABLE] = {"The app has been suspended or delisted, so nobody can authorize it now.",
					"该应用已被暂停或下架，目前无法授权。"},
	[KF_MSG_NEXT_APP_UNAVAILABLE] = {"Contact the app's developer for details.", "详情请联系应用开发者。"},
	[KF_MSG_WHY_WRONG_REFERER] = {"This page must be opened from the app's own website, and this visit "
				      "did not come from there.",
				      "授权页面必须从应用自己的网站打开，本次访问并非来自该网站。"},
	[KF_MSG_NEXT_WRONG_REFERER] = {"Go back to the app's website and start the authorization there.",
				       "请返回应用网站重新发起授权。"},
	[KF_MSG_WHY_CODE_INVALID] = {"This authorization link has expired or has already been used.",
				     "该授权链接已过期或已被使用。"},
	[KF_MSG_NEXT_CODE_INVALID] = {"Go back to the app and start the authorization again.",
				      "请返回应用重新发起授权。"},
	[KF_MSG_WHY_UNKNOWN_APP] = {"No app matches this authorization link.", "找不到与该授权链接对应的应用。"},
	[KF_MSG_NEXT_UNKNOWN_APP] = {"Check the link, or contact the app's developer.",
				     "请检查链接，或联系应用开发者。"},
	[KF_MSG_WHY_BAD_STATE] = {"The form expired or was altered, so it was not accepted. Nothing has been "
				  "authorized.",
				  "表单已过期或被篡改，未被接受，没有进行任何授权。"},
	[KF_MSG_NEXT_BAD_STATE] = {"Go back to the app and start the authorization again.",
				   "请返回应用重新发起授权。"},
	[KF_MSG_WHY_KIND_NOT_ACCEPTED] = {"The app does not accept this kind of account, and you manage no "
					  "account of a kind it accepts.",
					  "该应用不接受此类帐号，你也没有管理该应用接受的帐号类型。"},
	[KF_MSG_NEXT_KIND_NOT_ACCEPTED] = {"Sign in as the owner of a suitable account, or contact the app's developer.",
					   "请使用合适帐号的所有者身份登录，或联系应用开发者。"},
	[KF_MSG_WHY_BAD_REDIRECT] = {"The return address in this link is not one the app registered, or it "
				     "could send your browser somewhere else, so you will not be sent there.",
				     "链接中的回调地址不是该应用登记的地址，或可能把浏览器带到别处，为安全起见不会跳转。"},
	[KF_MSG_NEXT_BAD_REDIRECT] = {"Contact the app's developer.", "请联系应用开发者。"},
	[KF_MSG_WHY_NOT_ACCOUNT_ADMIN] = {"You are neither the owner nor a delegated admin of this account, so you "
					  "cannot authorize apps for it.",
					  "你不是该帐号的所有者或受委托的管理员，无法为其授权应用。"},
	[KF_MSG_NEXT_NOT_ACCOUNT_ADMIN] = {"Ask the account's owner to authorize the app, or sign in as the owner.",
					   "请让帐号所有者授权该应用，或以所有者身份登录。"},
	[KF_MSG_WHY_BAD_DECISION] = {"The form did not say whether to authorize, so nothing has been authorized.",
				     "表单没有说明是否授权，因此没有进行任何授权。"},
	[KF_MSG_NEXT_BAD_DECISION] = {"Go back and press Authorize or Cancel.", "请返回并点击“确认授权”或“取消”。"},
	[KF_MSG_WHY_WITHDRAWN] = {"The developer has withdrawn this app from the marketplace, so it takes no new installs.",
				 "开发者已从应用市场撤回该应用，不再接受新的安装。"},
	[KF_MSG_NEXT_WITHDRAWN] = {"Accounts that installed it earlier keep it. Look for another app in the marketplace.",
				  "此前已安装的账号可继续使用。请在应用市场寻找其他应用。"},
	[KF_MSG_WHY_NEW_AUTH_CLOSED] = {"The platform has closed this app to new installs for now.",
				       "平台已暂时关闭该应用的新安装。"},
	[KF_MSG_NEXT_NEW_AUTH_CLOSED] = {"Accounts that installed it earlier keep it. Try again later or contact the app's developer.",
					"此前已安装的账号可继续使用。请稍后再试或联系应用开发者。"},
	[KF_MSG_WHY_NOT_IN_MARKET] = {"This app is not in the marketplace, so it cannot be installed from here.",
				     "该应用不在应用市场中，无法在此安装。"},
	[KF_MSG_NEXT_NOT_IN_MARKET] = {"Go back to the marketplace and pick an app from its lists.",
				      "请返回应用市场，从列表中选择应用。"},

	[KF_MSG_DONE_TITLE] = {"Authorization complete", "授权成功"},
	[KF_MSG_DONE_BODY] = {"The app can now act for the account within the permissions you granted.",
			      "应用现在可以在你授予的权限范围内代表该帐号操作。"},
	[KF_MSG_CANCELLED_TITLE] = {"Authorization cancelled", "已取消授权"},
	[KF_MSG_CANCELLED_BODY] = {"Nothing has been authorized.", "没有进行任何授权。"},
	[KF_MSG_CLOSE_WINDOW] = {"You can close this window and return to the app.", "你可以关闭此窗口并返回应用。"},
	[KF_MSG_CONTINUE] = {"Return to the app", "返回应用"},

	[KF_MSG_KIND_MINI_PROGRAM] = {"Mini program", "小程序"},
	[KF_MSG_KIND_ENTERPRISE] = {"Enterprise", "企业"},
	[KF_MSG_KIND_SHOP] = {"Shop", "店铺"},
};

const char *kf_t(enum kf_lang lang, enum kf_msg msg)
{
	if ((unsigned)msg >= KF_MSG__COUNT)
		return "";
	const struct text *t = &msgs[msg];
	const char *s = lang == KF_LANG_ZH ? t->zh : t->en;
	return s ? s : "";
}

const char *kf_lang_tag(enum kf_lang lang)
{
	return lang == KF_LANG_ZH ? "zh-CN" : "en";
}

const char *kf_i18n_kind_label(enum kf_lang lang, const char *kind)
{
	static const struct {
		const char *kind;
		enum kf_msg msg;
	} kinds[] = {
		{"mini_program", KF_MSG_KIND_MINI_PROGRAM},
		{"enterprise", KF_MSG_KIND_ENTERPRISE},
		{"shop", KF_MSG_KIND_SHOP},
	};
	if (!kind)
		return NULL;
	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (!strcmp(kind, kinds[i].kind))
			return kf_t(lang, kinds[i].msg);
	return NULL;
}

static bool is_ows(char c)
{
	return c == ' ' || c == '\t';
}

static bool is_range_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '*';
}

/* qvalue = ( "0" [ "." 0*3DIGIT ] ) / ( "1" [ "." 0*3("0") ] ), in
 * thousandths; -1 when malformed. */
static int parse_q(const char *s, size_t n)
{
	if (n == 0 || (s[0] != '0' && s[0] != '1'))
		return -1;
	int q = (s[0] - '0') * 1000;
	if (n == 1)
		return q;
	if (s[1] != '.' || n > 5)
		return -1;
	int scale = 100;
	for (size_t i = 2; i < n; i++, scale /= 10) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		q += (s[i] - '0') * scale;
	}
	return q > 1000 ? -1 : q;
}

/* The parameters after a range (";q=0.5;…"): its q, or -1 if malformed.
 * Parameters other than q are ignored. */
static int parse_params(const char *s, size_t n)
{
	int q = 1000;
	size_t i = 0;
	while (i < n) {
		if (s[i] != ';')
			return -1;
		i++;
		while (i < n && is_ows(s[i]))
			i++;
		size_t name = i;
		while (i < n && s[i] != '=' && s[i] != ';' && !is_ows(s[i]))
			i++;
		size_t name_len = i - name;
		while (i < n && is_ows(s[i]))
			i++;
		if (i >= n || s[i] != '=') {
			if (i < n && s[i] != ';')
				return -1;
			continue; /* a bare parameter */
		}
		i++;
		while (i < n && is_ows(s[i]))
			i++;
		size_t val = i;
		while (i < n && s[i] != ';' && !is_ows(s[i]))
			i++;
		size_t val_len = i - val;
		while (i < n && is_ows(s[i]))
			i++;
		if (name_len == 1 && (s[name] == 'q' || s[name] == 'Q')) {
			q = parse_q(s + val, val_len);
			if (q < 0)
				return -1;
		}
	}
	return q;
}

struct pref {
	int q;      /* thousandths; -1 = not named */
	size_t pos; /* index of the range that gave q */
};

static void consider(struct pref *p, int q, size_t pos)
{
	if (q > p->q)
		*p = (struct pref){q, pos};
}

/* Whether range's primary subtag is tag (2 letters), case-insensitively. */
static bool primary_is(const char *range, size_t n, const char *tag)
{
	return n >= 2 && !strncasecmp(range, tag, 2) && (n == 2 || range[2] == '-');
}

/* Resolve a language's preference: the explicit one, else the wildcard's. */
static struct pref resolve(struct pref explicit, struct pref star)
{
	if (explicit.q >= 0)
		return explicit;
	return star;
}

enum kf_lang kf_lang_from_accept(const char *header)
{
	if (!header)
		return KF_LANG_EN;
	struct pref zh = {-1, 0}, en = {-1, 0}, star = {-1, 0};
	size_t len = strnlen(header, ACCEPT_MAX);
	size_t i = 0, pos = 0;
	while (i < len) {
		/* One element: OWS range OWS *( ";" params ) OWS, then ",". */
		size_t end = i;
		while (end < len && header[end] != ',')
			end++;
		size_t a = i, b = end;
		while (a < b && is_ows(header[a]))
			a++;
		while (b > a && is_ows(header[b - 1]))
			b--;
		size_t r = a;
		while (r < b && is_range_char(header[r]))
			r++;
		size_t range_len = r - a;
		size_t p = r;
		while (p < b && is_ows(header[p]))
			p++;
		int q = range_len ? parse_params(header + p, b - p) : -1;
		if (q >= 0) {
			const char *range = header + a;
			if (range_len == 1 && range[0] == '*')
				consider(&star, q, pos);
			else if (primary_is(range, range_len, "zh"))
				consider(&zh, q, pos);
			else if (primary_is(range, range_len, "en"))
				consider(&en, q, pos);
		}
		pos++;
		i = end + 1;
	}
	struct pref z = resolve(zh, star), e = resolve(en, star);
	if (z.q <= 0)
		return KF_LANG_EN;
	if (z.q > e.q || (z.q == e.q && z.pos < e.pos))
		return KF_LANG_ZH;
	return KF_LANG_EN;
}
