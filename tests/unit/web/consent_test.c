/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Unit tests for src/web/consent.c (the pages of the authorization flow) and
 * src/web/i18n.c (language choice and the message table). Every page is
 * parsed with libxml2's HTML parser, which must report no error, and then
 * inspected with XPath: what a browser would see, not what a grep finds.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <libxml/HTMLparser.h>
#include <libxml/xmlerror.h>
#include <libxml/xpath.h>
#include <sodium.h>

#include "util/mem.h"
#include "web/consent.h"
#include "web/html.h"
#include "web/i18n.h"

#define FFFD "\xef\xbf\xbd"
#define HOSTILE_APP "<script>alert(1)</script>"
#define HOSTILE_DEV "\"><img src=x onerror=alert(1)>"

/* ------------------------------------------------------------ helpers */

static int parse_messages;

/* Everything libxml2 reported while parsing one page. */
static char reported[65536];
static size_t reported_len;

/* libxml2's generic error channel (stable across versions) delivers each
 * parser error and warning in pieces ("page.html:3: ", "HTML parser error
 * : ", the message, the source line, a caret); collect them all. */
static void on_parse_message(void *ctx, const char *msg, ...)
{
	(void)ctx;
	va_list ap;
	va_start(ap, msg);
	int n = vsnprintf(reported + reported_len, sizeof(reported) - reported_len, msg, ap);
	va_end(ap);
	if (n > 0)
		reported_len += (size_t)n < sizeof(reported) - reported_len ? (size_t)n : sizeof(reported) - reported_len - 1;
}

/* HTML5 elements libxml2's HTML 4 parser does not know: it reports "Tag
 * main invalid" for each (and marks the document not well formed), though
 * every browser knows them. Only these are tolerated, by exact name. */
static bool html5_tag_message(const char *m)
{
	static const char *const known[] = {": Tag main invalid\n", ": Tag header invalid\n", ": Tag nav invalid\n",
					    ": Tag footer invalid\n", ": Tag section invalid\n"};
	for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++)
		if (strstr(m, known[i]))
			return true;
	return false;
}

/* Count the reported messages (each starts with "page.html:<line>: ")
 * that are not about an HTML5 tag; *html5 how many were. */
static int real_messages(int *html5)
{
	int n = 0;
	*html5 = 0;
	reported[reported_len] = '\0';
	char *p = reported;
	while ((p = strstr(p, "page.html:"))) {
		char *next = strstr(p + 1, "page.html:");
		char save = 0;
		if (next) {
			save = *next;
			*next = '\0';
		}
		if (html5_tag_message(p))
			(*html5)++;
		else {
			fputs(p, stderr);
			n++;
		}
		if (!next)
			break;
		*next = save;
		p = next;
	}
	if (!n && !*html5 && reported_len) {
		fputs(reported, stderr);
		n = 1;
	}
	return n;
}

/* Parse a page; any parser error or warning fails the test. */
static htmlDocPtr parse_clean(const char *html)
{
	assert_non_null(html);
	reported_len = 0;
	xmlSetGenericErrorFunc(NULL, on_parse_message);
	htmlParserCtxtPtr ctxt = htmlNewParserCtxt();
	assert_non_null(ctxt);
	htmlDocPtr d = htmlCtxtReadMemory(ctxt, html, (int)strlen(html), "page.html", "UTF-8", HTML_PARSE_NONET);
	int well_formed = ctxt->wellFormed;
	htmlFreeParserCtxt(ctxt);
	xmlSetGenericErrorFunc(NULL, NULL);
	assert_non_null(d);
	int html5 = 0;
	parse_messages = real_messages(&html5);
	assert_int_equal(parse_messages, 0);
	/* not well formed only because of the HTML5 tags it does not know */
	assert_true(well_formed == 1 || html5 > 0);
	return d;
}

/* string(expr) over d, in a (copied out of libxml2's allocation). */
static const char *xs(struct kf_arena *a, htmlDocPtr d, const char *expr)
{
	xmlXPathContextPtr ctx = xmlXPathNewContext(d);
	const char *full = kf_arena_printf(a, "string(%s)", expr);
	xmlXPathObjectPtr o = xmlXPathEvalExpression((const xmlChar *)full, ctx);
	assert_non_null(o);
	xmlChar *s = xmlXPathCastToString(o);
	const char *out = kf_arena_strdup(a, (const char *)s);
	xmlFree(s);
	xmlXPathFreeObject(o);
	xmlXPathFreeContext(ctx);
	return out;
}

/* count(expr) over d. */
static int xcount(struct kf_arena *a, htmlDocPtr d, const char *expr)
{
	return atoi(xs(a, d, kf_arena_printf(a, "count(%s)", expr)));
}

/* Checks every page must pass: clean parse, lang, viewport, title, no
 * script, no event handler or style attribute, a CSRF field in every form. */
static htmlDocPtr check_page(struct kf_arena *a, const char *html, enum kf_lang lang)
{
	assert_true(strncmp(html, "<!DOCTYPE html>\n", 16) == 0);
	htmlDocPtr d = parse_clean(html);
	assert_string_equal(xs(a, d, "/html/@lang"), lang == KF_LANG_ZH ? "zh-CN" : "en");
	assert_int_equal(xcount(a, d, "//meta[@charset='utf-8']"), 1);
	assert_int_equal(xcount(a, d, "//meta[@name='viewport'][contains(@content,'width=device-width')]"), 1);
	assert_int_equal(xcount(a, d, "/html/head/title"), 1);
	assert_int_equal(xcount(a, d, "/html/head/style"), 1);
	assert_int_equal(xcount(a, d, "//script"), 0);
	assert_int_equal(xcount(a, d, "//@style"), 0);
	assert_int_equal(xcount(a, d, "//@*[starts-with(name(),'on')]"), 0);
	assert_int_equal(xcount(a, d, "//iframe|//object|//embed|//base"), 0);
	/* CSRF token in every form, posted back to a safe action. */
	int forms = xcount(a, d, "//form");
	assert_int_equal(xcount(a, d, "//form[count(.//input[@type='hidden'][@name='csrf_token'][@value!=''])=1]"),
			 forms);
	assert_int_equal(xcount(a, d, "//form[@method='post']"), forms);
	/* Every URL attribute is http(s) or relative. */
	for (int i = 1; i <= xcount(a, d, "//@href|//@src|//@action"); i++) {
		const char *u = xs(a, d, kf_arena_printf(a, "(//@href|//@src|//@action)[%d]", i));
		assert_true(kf_html_url_safe(u));
	}
	return d;
}

static const struct kf_hidden FLOW[] = {
	{"component_appid", "wx0123456789abcdef"},
	{"pre_auth_code", "preauthcode@@@abc"},
	{"redirect_uri", "https://app.example.com/cb?x=1&y=\"2\""},
	{"auth_type", "3"},
	{"biz_appid", NULL}, /* absent: left out */
};
#define N_FLOW (sizeof(FLOW) / sizeof(FLOW[0]))

static const struct kf_consent_account ACCOUNTS[] = {
	{"ha_1", "Acme Shop", "shop", NULL, false, KF_ACCOUNT_AVAILABLE},
	{"ha_2", "Acme 'HR' <team>", "enterprise", NULL, true, KF_ACCOUNT_AVAILABLE},
	{"ha_3", "Lab", "school", NULL, false, KF_ACCOUNT_AVAILABLE},
	{"ha_4", "Labelled", "x", "Custom kind", false, KF_ACCOUNT_AVAILABLE},
};

static const struct kf_consent_set SETS[] = {
	{1, "Messages", "Receive and reply to messages", "Messages users send", true, false, false},
	{2, "Members", "Read the member directory", "Names & departments of <visible> members", false, false,
	 false},
	{4, "Calendar", NULL, NULL, false, true, true},
	{6, "Orders", "Read orders", "Orders and buyer contact details", true, false, true},
};

static struct kf_consent_view consent_view(enum kf_lang lang)
{
	return (struct kf_consent_view){
		.lang = lang,
		.site_name = "Kaifang",
		.action_url = "/cgi-bin/componentloginpage",
		.csrf = "1.1700000000.tok",
		.hidden = FLOW,
		.n_hidden = N_FLOW,
		.app_name = "Weather Helper",
		.app_icon_url = "/v1/files/icon-1.png",
		.app_intro = "Daily forecasts for your members.",
		.app_website = "https://weather.example.com/",
		.developer = "Example Technology Co., Ltd.",
		.user_label = "owner@example.com",
		.accounts = ACCOUNTS,
		.n_accounts = sizeof(ACCOUNTS) / sizeof(ACCOUNTS[0]),
		.sets = SETS,
		.n_sets = sizeof(SETS) / sizeof(SETS[0]),
		.scope = {.show = true},
	};
}

static struct kf_signin_view signin_view(enum kf_lang lang)
{
	return (struct kf_signin_view){
		.lang = lang,
		.action_url = "/safe/bindcomponent",
		.csrf = "1.1700000000.signin",
		.hidden = FLOW,
		.n_hidden = N_FLOW,
		.app_name = "Weather Helper",
	};
}

static void check_flow_fields(struct kf_arena *a, htmlDocPtr d)
{
	for (size_t i = 0; i < N_FLOW; i++) {
		const char *q = kf_arena_printf(a, "//form[not(input[@name='step'][@value='switch'])]//input[@type='hidden'][@name='%s']",
						FLOW[i].name);
		if (!FLOW[i].value) {
			assert_int_equal(xcount(a, d, q), 0);
			continue;
		}
		assert_int_equal(xcount(a, d, q), 1);
		assert_string_equal(xs(a, d, kf_arena_printf(a, "%s/@value", q)), FLOW[i].value);
	}
}

/* ---------------------------------------------------------------- i18n */

static void test_lang_from_accept_language_variants(void **state)
{
	(void)state;
	assert_int_equal(kf_lang_from_accept("zh-CN,zh;q=0.9,en;q=0.8"), KF_LANG_ZH);
	assert_int_equal(kf_lang_from_accept("en-US"), KF_LANG_EN);
	assert_int_equal(kf_lang_from_accept("en-US,en;q=0.9"), KF_LANG_EN);
	assert_int_equal(kf_lang_from_accept("fr"), KF_LANG_EN);
	assert_int_equal(kf_lang_from_accept(""), KF_LANG_EN);
	assert_int_equal(kf_lang_from_accept(NULL), KF_LANG_EN);
	assert_int_equal(kf_lang_from_accept("zh"), KF_LANG_ZH);
	assert_int_equal(kf_lang_from_accept("zh-TW"), KF_LANG_ZH);
	assert_int_equal(kf_lang_from_accept("zh-Hans-CN;q=0.8,en;q=0.7"), KF_LANG_ZH);
	assert_int_equal(kf_lang_from_accept("ZH-cn"), KF_LANG_ZH);
	assert_int_equal(kf_lang_from_accept("zha"), KF_LANG_EN); /* Zhuang, not Chinese */
	assert_int_equal(kf_lang_from_accept("fr-FR, fr;q=0.9, zh;q=0.5"), KF_LANG_ZH);
	assert_int_equal(kf_lang_from_accept("en;q=0.5, zh;q=0.8"), KF_LANG_ZH);
	assert_int_equal(kf_lang_from_accept("en;q=0.9,zh-CN"), KF_LANG_ZH);
	assert_int_equal(kf_lang_from_accept("zh; q=0.9 , en ; q=0.3"), KF_LANG_ZH);
	/* Equal q: the one named first. */
	assert_int_equal(kf_lang_from_accept("en, zh"), KF_LANG_EN);
	assert_int_equal(kf_lang_from_accept("zh, en"), KF_LANG_ZH);
	assert_int_equal(kf_lang_from_accept("en;q=0.5, zh;q=0.500"), KF_LANG_EN);
}

static void test_lang_q_zero_and_malformed(void **state)
{
	(void)state;
	assert_int_equal(kf_lang_from_accept("zh;q=0"), KF_LANG_EN);
	assert_int_equal(kf_lang_from_accept("zh-CN;q=0.000, en;q=0.1"), KF_LANG_EN);
	assert_int_equal(kf_lang_from_accept("zh;q=0, zh-CN;q=0.2"), KF_LANG_ZH); /* best zh range counts */
	assert_int_equal(kf_lang_from_accept("en;q=0, zh;q=0.001"), KF_LANG_ZH);
	assert_int_equal(kf_lang_from_accept("zh;q=abc"), KF_LANG_EN);
	assert_int_equal(kf_lang_from_accept("zh;q=1.5"), KF_LANG_EN);
	assert_int_equal(kf_lang_from_accept("zh;q=0.1234"), KF_LANG_EN);
	assert_int_equal(kf_lang_from_accept("zh;q="), KF_LANG_EN);
	assert_int_equal(kf_lang_from_accept("zh junk"), KF_LANG_EN);
	assert_int_equal(kf_lang_from_accept(",,, ;q=1, zh-CN"), KF_LANG_ZH);
	/* Wildcard: counts for the languages not named. */
	assert_int_equal(kf_lang_from_accept("*"), KF_LANG_EN);
	assert_int_equal(kf_lang_from_accept("zh;q=0.5, *;q=0.9"), KF_LANG_EN);
	assert_int_equal(kf_lang_from_accept("*;q=0.5, en;q=0"), KF_LANG_ZH);
	assert_int_equal(kf_lang_from_accept("zh;q=0, *"), KF_LANG_EN);
	/* Only the first 4096 bytes are read. */
	char *big = malloc(10000);
	memset(big, ' ', 9990);
	strcpy(big + 9990, ",zh-CN");
	assert_int_equal(kf_lang_from_accept(big), KF_LANG_EN);
	free(big);
}

static void test_message_table_complete(void **state)
{
	(void)state;
	for (int m = 0; m < KF_MSG__COUNT; m++) {
		const char *en = kf_t(KF_LANG_EN, (enum kf_msg)m), *zh = kf_t(KF_LANG_ZH, (enum kf_msg)m);
		if (!*en || !*zh)
			fail_msg("message %d has an empty text", m);
		if (!strcmp(en, zh))
			fail_msg("message %d is not translated: %s", m, en);
		if (strpbrk(en, "%<>&") || strpbrk(zh, "%<>&"))
			fail_msg("message %d has a placeholder or markup", m);
	}
	assert_string_equal(kf_t(KF_LANG_EN, KF_MSG__COUNT), "");
	assert_string_equal(kf_t((enum kf_lang)7, KF_MSG_CONFIRM), "Authorize");
	assert_string_equal(kf_lang_tag(KF_LANG_ZH), "zh-CN");
	assert_string_equal(kf_lang_tag(KF_LANG_EN), "en");
	assert_string_equal(kf_i18n_kind_label(KF_LANG_ZH, "enterprise"), "企业");
	assert_string_equal(kf_i18n_kind_label(KF_LANG_EN, "mini_program"), "Mini program");
	assert_null(kf_i18n_kind_label(KF_LANG_EN, "school"));
	assert_null(kf_i18n_kind_label(KF_LANG_EN, NULL));
}

/* ------------------------------------------------------------- sign-in */

static void test_signin_form(void **state)
{
	(void)state;
	struct kf_arena *a = kf_arena_new();
	struct kf_signin_view v = signin_view(KF_LANG_EN);
	htmlDocPtr d = check_page(a, kf_consent_render_signin(a, &v), KF_LANG_EN);
	assert_int_equal(xcount(a, d, "//form"), 1);
	assert_string_equal(xs(a, d, "//form/@action"), "/safe/bindcomponent");
	assert_string_equal(xs(a, d, "//input[@name='csrf_token']/@value"), "1.1700000000.signin");
	assert_string_equal(xs(a, d, "//input[@name='step']/@value"), "signin");
	check_flow_fields(a, d);
	assert_int_equal(xcount(a, d, "//input[@type='text'][@name='login'][@autocomplete='username']"), 1);
	assert_int_equal(xcount(a, d, "//input[@type='password'][@name='password'][not(@value)]"), 1);
	assert_int_equal(xcount(a, d, "//*[@role='alert']"), 0);
	assert_string_equal(xs(a, d, "//p[@class='lead']/strong"), "Weather Helper");
	assert_int_equal(xcount(a, d, "//form//button[@type='submit']"), 1);
	xmlFreeDoc(d);
	kf_arena_free(a);
}

static void test_signin_error_and_prefill_escaped(void **state)
{
	(void)state;
	struct kf_arena *a = kf_arena_new();
	struct kf_signin_view v = signin_view(KF_LANG_ZH);
	v.error = KF_SIGNIN_ERR_CREDENTIALS;
	v.login = "\"><script>alert(1)</script>";
	v.app_name = NULL;
	const char *html = kf_consent_render_signin(a, &v);
	assert_null(strstr(html, "<script"));
	htmlDocPtr d = check_page(a, html, KF_LANG_ZH);
	assert_string_equal(xs(a, d, "//*[@role='alert']"), kf_t(KF_LANG_ZH, KF_MSG_SIGNIN_ERR_CREDENTIALS));
	assert_string_equal(xs(a, d, "//input[@name='login']/@value"), v.login);
	assert_string_equal(xs(a, d, "//p[@class='lead']"), kf_t(KF_LANG_ZH, KF_MSG_SIGNIN_LEAD_NOAPP));
	assert_string_equal(xs(a, d, "//button"), "登录");
	xmlFreeDoc(d);
	kf_arena_free(a);
}

static void test_signin_refuses_bad_views(void **state)
{
	(void)state;
	struct kf_arena *a = kf_arena_new();
	struct kf_signin_view v = signin_view(KF_LANG_EN);
	v.action_url = "javascript:alert(1)";
	assert_null(kf_consent_render_signin(a, &v));
	v = signin_view(KF_LANG_EN);
	v.csrf = "";
	assert_null(kf_consent_render_signin(a, &v));
	v = signin_view(KF_LANG_EN);
	v.csrf = NULL;
	assert_null(kf_consent_render_signin(a, &v));
	assert_null(kf_consent_render_signin(a, NULL));
	struct kf_hidden clash[] = {{"password", "x"}};
	v = signin_view(KF_LANG_EN);
	v.hidden = clash;
	v.n_hidden = 1;
	assert_null(kf_consent_render_signin(a, &v));
	v.n_hidden = KF_CONSENT_MAX_HIDDEN + 1;
	assert_null(kf_consent_render_signin(a, &v));
	kf_arena_free(a);
}

/* ------------------------------------------------------------- consent */

static void test_consent_shows_app_and_developer_AUTH_1(void **state)
{
	(void)state;
	struct kf_arena *a = kf_arena_new();
	struct kf_consent_view v = consent_view(KF_LANG_EN);
	htmlDocPtr d = check_page(a, kf_consent_render(a, &v), KF_LANG_EN);
	assert_string_equal(xs(a, d, "//h1"), "Weather Helper");
	assert_string_equal(xs(a, d, "//img[@class='icon']/@src"), "/v1/files/icon-1.png");
	assert_string_equal(xs(a, d, "//img[@class='icon']/@alt"), "");
	assert_string_equal(xs(a, d, "//div[@class='app']//p[@class='muted']/span"), "Example Technology Co., Ltd.");
	assert_int_equal(xcount(a, d, "//p[.='Daily forecasts for your members.']"), 1);
	assert_string_equal(xs(a, d, "//a[@rel='noopener noreferrer nofollow']/@href"), "https://weather.example.com/");
	assert_int_equal(xcount(a, d, "//p[@class='notice']"), 0);
	assert_int_equal(xcount(a, d, "//span[.='owner@example.com']"), 1);
	assert_string_equal(xs(a, d, "//form/@action"), "/cgi-bin/componentloginpage");
	assert_string_equal(xs(a, d, "//input[@name='step']/@value"), "consent");
	check_flow_fields(a, d);
	xmlFreeDoc(d);

	v.in_testing = true;
	v.app_icon_url = NULL;
	v.app_website = NULL;
	v.app_intro = NULL;
	d = check_page(a, kf_consent_render(a, &v), KF_LANG_EN);
	assert_string_equal(xs(a, d, "//p[@class='notice']"), kf_t(KF_LANG_EN, KF_MSG_IN_TESTING));
	assert_int_equal(xcount(a, d, "//img|//a[not(@href='/console/hosts')]"), 0);
	/* revocation is promised where it is: the host accounts in the console */
	assert_int_equal(xcount(a, d, "//a[@href='/console/hosts']"), 1);
	xmlFreeDoc(d);
	kf_arena_free(a);
}

static void test_consent_hostile_values_escaped(void **state)
{
	(void)state;
	struct kf_arena *a = kf_arena_new();
	struct kf_consent_account acc[] = {{"\"><b>x", "<img src=x onerror=alert(2)>", "<i>k", NULL, false, KF_ACCOUNT_AVAILABLE}};
	struct kf_consent_set sets[] = {{9, "<svg onload=alert(3)>", "' onmouseover='x", "&lt;not an entity", false,
					false, false}};
	struct kf_hidden flow[] = {{"state", "\"><script>alert(4)</script>"}, {"x\"y", "1"}};
	struct kf_consent_view v = consent_view(KF_LANG_EN);
	v.app_name = HOSTILE_APP;
	v.developer = HOSTILE_DEV;
	v.app_intro = "</p></div></form><form action=//evil.example>";
	v.user_label = "<u>me</u>";
	v.accounts = acc;
	v.n_accounts = 1;
	v.sets = sets;
	v.n_sets = 1;
	v.hidden = flow;
	v.n_hidden = 2;
	v.scope.members = "\" autofocus onfocus=\"alert(5)";
	const char *html = kf_consent_render(a, &v);
	assert_null(strstr(html, "<script"));
	assert_null(strstr(html, "<img src=x"));
	assert_null(strstr(html, "<svg"));
	assert_null(strstr(html, "<b>"));
	htmlDocPtr d = check_page(a, html, KF_LANG_EN);
	assert_string_equal(xs(a, d, "//h1"), HOSTILE_APP);
	assert_string_equal(xs(a, d, "//p[@class='lead']/strong"), HOSTILE_APP);
	assert_string_equal(xs(a, d, "//div[@class='app']//p[@class='muted']/span"), HOSTILE_DEV);
	assert_int_equal(xcount(a, d, "//form[input[@name='step'][@value='consent']]"), 1);
	assert_int_equal(xcount(a, d, "//form[not(input[@name='step'][@value='consent' or @value='switch'])]"), 0);
	assert_int_equal(xcount(a, d, "//img"), 1); /* the icon only */
	assert_int_equal(xcount(a, d, "//svg|//b|//u|//i"), 0);
	assert_string_equal(xs(a, d, "//input[@name='account']/@value"), "\"><b>x");
	assert_string_equal(xs(a, d, "//input[@name='state']/@value"), "\"><script>alert(4)</script>");
	assert_string_equal(xs(a, d, "//input[@name='x\"y']/@value"), "1");
	assert_string_equal(xs(a, d, "//div[@class='set']//strong"), "<svg onload=alert(3)>");
	assert_string_equal(xs(a, d, "//div[@class='set']/p[1]"), "' onmouseover='x");
	assert_string_equal(xs(a, d, "//div[@class='set']/p[2]/span[2]"), "&lt;not an entity");
	assert_string_equal(xs(a, d, "//input[@name='data_scope_members']/@value"), v.scope.members);
	xmlFreeDoc(d);
	kf_arena_free(a);
}

static void test_consent_javascript_urls_refused(void **state)
{
	(void)state;
	struct kf_arena *a = kf_arena_new();
	struct kf_consent_view v = consent_view(KF_LANG_EN);
	v.app_icon_url = "javascript:alert(1)";
	v.app_website = "JaVaScRiPt:alert(1)";
	htmlDocPtr d = check_page(a, kf_consent_render(a, &v), KF_LANG_EN);
	assert_int_equal(xcount(a, d, "//img|//a[not(@href='/console/hosts')]"), 0);
	xmlFreeDoc(d);
	v.app_icon_url = "data:image/svg+xml,<svg onload=alert(1)>";
	v.app_website = "java\tscript:alert(1)";
	d = check_page(a, kf_consent_render(a, &v), KF_LANG_EN);
	assert_int_equal(xcount(a, d, "//img|//a[not(@href='/console/hosts')]"), 0);
	xmlFreeDoc(d);
	v.action_url = "javascript:alert(1)";
	assert_null(kf_consent_render(a, &v));
	v.action_url = "data:text/html,x";
	assert_null(kf_consent_render(a, &v));
	kf_arena_free(a);
}

static void test_consent_required_sets_hidden_optional_checkboxes_APP_3(void **state)
{
	(void)state;
	struct kf_arena *a = kf_arena_new();
	struct kf_consent_view v = consent_view(KF_LANG_EN);
	htmlDocPtr d = check_page(a, kf_consent_render(a, &v), KF_LANG_EN);
	/* Required: a hidden input carries the id, the box is ticked, disabled, unnamed. */
	assert_int_equal(xcount(a, d, "//input[@type='hidden'][@name='set']"), 2);
	assert_string_equal(xs(a, d, "(//input[@type='hidden'][@name='set'])[1]/@value"), "1");
	assert_string_equal(xs(a, d, "(//input[@type='hidden'][@name='set'])[2]/@value"), "6");
	assert_int_equal(xcount(a, d, "//input[@type='checkbox'][@disabled][@checked][not(@name)]"), 2);
	/* Optional: named checkboxes, ticked unless deselected. */
	assert_int_equal(xcount(a, d, "//input[@type='checkbox'][@name='set']"), 2);
	assert_int_equal(xcount(a, d, "//input[@type='checkbox'][@name='set'][@value='2'][@checked][not(@disabled)]"), 1);
	assert_int_equal(xcount(a, d, "//input[@type='checkbox'][@name='set'][@value='4'][not(@checked)]"), 1);
	/* Each set with its name, description and the data it entrusts. */
	assert_int_equal(xcount(a, d, "//div[@class='set']"), 4);
	assert_string_equal(xs(a, d, "(//div[@class='set'])[2]//strong"), "Members");
	assert_string_equal(xs(a, d, "(//div[@class='set'])[2]/p[1]"), "Read the member directory");
	assert_string_equal(xs(a, d, "(//div[@class='set'])[2]/p[2]/span[1]"), "Data entrusted:");
	assert_string_equal(xs(a, d, "(//div[@class='set'])[2]/p[2]/span[2]"), "Names & departments of <visible> members");
	assert_int_equal(xcount(a, d, "(//div[@class='set'])[3]/p"), 0);
	assert_string_equal(xs(a, d, "(//div[@class='set'])[1]//span[contains(@class,'req')]"), "Required");
	assert_string_equal(xs(a, d, "(//div[@class='set'])[2]//span[@class='tag']"), "Optional");
	assert_int_equal(xcount(a, d, "//span[contains(@class,'new')]"), 2);
	assert_int_equal(xcount(a, d, "//p[.='Untick any optional permission you do not want to grant.']"), 1);
	xmlFreeDoc(d);

	/* Only required sets: no hint about unticking. */
	v.sets = SETS;
	v.n_sets = 1;
	d = check_page(a, kf_consent_render(a, &v), KF_LANG_EN);
	assert_int_equal(xcount(a, d, "//input[@type='checkbox'][@name='set']"), 0);
	assert_int_equal(xcount(a, d, "//p[.='Untick any optional permission you do not want to grant.']"), 0);
	xmlFreeDoc(d);
	kf_arena_free(a);
}

static void test_consent_account_picker(void **state)
{
	(void)state;
	struct kf_arena *a = kf_arena_new();
	struct kf_consent_view v = consent_view(KF_LANG_ZH);
	htmlDocPtr d = check_page(a, kf_consent_render(a, &v), KF_LANG_ZH);
	assert_int_equal(xcount(a, d, "//input[@type='radio'][@name='account']"), 4);
	/* Nothing preselected: the browser asks for a choice. */
	assert_int_equal(xcount(a, d, "//input[@name='account'][@checked]"), 0);
	assert_int_equal(xcount(a, d, "//input[@name='account'][@required]"), 4);
	assert_string_equal(xs(a, d, "(//label[input[@name='account']])[1]//strong"), "Acme Shop");
	assert_string_equal(xs(a, d, "(//label[input[@name='account']])[1]//span[@class='u tag']"), "店铺");
	assert_string_equal(xs(a, d, "(//label[input[@name='account']])[2]//strong"), "Acme 'HR' <team>");
	assert_string_equal(xs(a, d, "(//label[input[@name='account']])[2]//span[@class='u tag']"), "企业");
	assert_string_equal(xs(a, d, "(//label[input[@name='account']])[2]//span[@class='muted']"),
			    kf_t(KF_LANG_ZH, KF_MSG_ACCOUNT_AUTHORIZED));
	assert_string_equal(xs(a, d, "(//label[input[@name='account']])[3]//span[@class='u tag']"), "school");
	assert_string_equal(xs(a, d, "(//label[input[@name='account']])[4]//span[@class='u tag']"), "Custom kind");
	xmlFreeDoc(d);

	v.selected_id = "ha_3";
	d = check_page(a, kf_consent_render(a, &v), KF_LANG_ZH);
	assert_int_equal(xcount(a, d, "//input[@name='account'][@checked]"), 1);
	assert_string_equal(xs(a, d, "//input[@name='account'][@checked]/@value"), "ha_3");
	assert_int_equal(xcount(a, d, "//input[@name='account'][@required]"), 0);
	xmlFreeDoc(d);

	v.selected_id = NULL;
	v.n_accounts = 1;
	d = check_page(a, kf_consent_render(a, &v), KF_LANG_ZH);
	assert_int_equal(xcount(a, d, "//input[@type='radio'][@name='account'][@checked]"), 1);
	xmlFreeDoc(d);

	/* biz_appid pins one account: text plus a hidden input, no choice. */
	v.pinned = true;
	d = check_page(a, kf_consent_render(a, &v), KF_LANG_ZH);
	assert_int_equal(xcount(a, d, "//input[@type='radio'][@name='account']"), 0);
	assert_string_equal(xs(a, d, "//input[@type='hidden'][@name='account']/@value"), "ha_1");
	assert_int_equal(xcount(a, d, "//p[.='应用指定授权以下帐号：']"), 1);
	assert_string_equal(xs(a, d, "//div[@class='opt']//strong"), "Acme Shop");
	xmlFreeDoc(d);

	v.n_accounts = 2;
	assert_null(kf_consent_render(a, &v)); /* pinned needs exactly one */
	v.pinned = false;
	v.n_accounts = 0;
	assert_null(kf_consent_render(a, &v));
	v.n_accounts = KF_CONSENT_MAX_ACCOUNTS + 1;
	assert_null(kf_consent_render(a, &v));
	kf_arena_free(a);
}

static void test_consent_data_scope_control_AUTH_1(void **state)
{
	(void)state;
	struct kf_arena *a = kf_arena_new();
	struct kf_consent_view v = consent_view(KF_LANG_EN);
	htmlDocPtr d = check_page(a, kf_consent_render(a, &v), KF_LANG_EN);
	assert_int_equal(xcount(a, d, "//input[@type='radio'][@name='data_scope']"), 2);
	assert_string_equal(xs(a, d, "//input[@name='data_scope'][@checked]/@value"), "all");
	assert_int_equal(xcount(a, d, "//input[@name='data_scope'][@value='some'][not(@checked)]"), 1);
	assert_int_equal(xcount(a, d, "//input[@type='text'][@name='data_scope_members'][@maxlength='4000']"), 1);
	xmlFreeDoc(d);

	v.scope.some = true;
	v.scope.members = "m1, m2";
	d = check_page(a, kf_consent_render(a, &v), KF_LANG_EN);
	assert_string_equal(xs(a, d, "//input[@name='data_scope'][@checked]/@value"), "some");
	assert_string_equal(xs(a, d, "//input[@name='data_scope_members']/@value"), "m1, m2");
	xmlFreeDoc(d);

	v.scope.show = false;
	d = check_page(a, kf_consent_render(a, &v), KF_LANG_EN);
	assert_int_equal(xcount(a, d, "//input[@name='data_scope' or @name='data_scope_members']"), 0);
	xmlFreeDoc(d);
	kf_arena_free(a);
}

static void test_consent_confirm_and_cancel_buttons(void **state)
{
	(void)state;
	struct kf_arena *a = kf_arena_new();
	for (int l = KF_LANG_EN; l <= KF_LANG_ZH; l++) {
		struct kf_consent_view v = consent_view((enum kf_lang)l);
		htmlDocPtr d = check_page(a, kf_consent_render(a, &v), (enum kf_lang)l);
		assert_int_equal(xcount(a, d, "//form//button[@type='submit'][@name='decision']"), 2);
		assert_string_equal(xs(a, d, "(//button)[1]/@value"), "confirm");
		assert_string_equal(xs(a, d, "(//button)[2]/@value"), "cancel");
		assert_int_equal(xcount(a, d, "(//button)[2][@formnovalidate]"), 1);
		assert_string_equal(xs(a, d, "(//button)[1]"), kf_t((enum kf_lang)l, KF_MSG_CONFIRM));
		assert_string_equal(xs(a, d, "(//button)[2]"), kf_t((enum kf_lang)l, KF_MSG_CANCEL));
		assert_string_equal(xs(a, d, "//legend[1]"), kf_t((enum kf_lang)l, KF_MSG_ACCOUNT_LEGEND));
		xmlFreeDoc(d);
	}
	kf_arena_free(a);
}

static void test_consent_invalid_utf8_and_bad_views(void **state)
{
	(void)state;
	struct kf_arena *a = kf_arena_new();
	struct kf_consent_view v = consent_view(KF_LANG_EN);
	v.app_name = "Bad\xff\xfe" "App\x01";
	v.developer = "\xed\xa0\x80";
	htmlDocPtr d = check_page(a, kf_consent_render(a, &v), KF_LANG_EN);
	assert_string_equal(xs(a, d, "//h1"), "Bad" FFFD FFFD "App" FFFD);
	xmlFreeDoc(d);

	v = consent_view(KF_LANG_EN);
	v.app_name = NULL;
	assert_null(kf_consent_render(a, &v));
	v = consent_view(KF_LANG_EN);
	v.developer = NULL;
	assert_null(kf_consent_render(a, &v));
	v = consent_view(KF_LANG_EN);
	v.n_sets = KF_CONSENT_MAX_SETS + 1;
	assert_null(kf_consent_render(a, &v));
	struct kf_hidden clash[] = {{"decision", "confirm"}};
	v = consent_view(KF_LANG_EN);
	v.hidden = clash;
	v.n_hidden = 1;
	assert_null(kf_consent_render(a, &v));
	/* No sets at all is allowed: the fieldset is left out. */
	v = consent_view(KF_LANG_EN);
	v.n_sets = 0;
	d = check_page(a, kf_consent_render(a, &v), KF_LANG_EN);
	assert_int_equal(xcount(a, d, "//div[@class='set']"), 0);
	xmlFreeDoc(d);
	/* A page past KF_HTML_MAX is refused, not truncated. */
	char *big = malloc(KF_HTML_MAX + 2);
	memset(big, 'x', KF_HTML_MAX + 1);
	big[KF_HTML_MAX + 1] = '\0';
	v.app_intro = big;
	assert_null(kf_consent_render(a, &v));
	free(big);
	kf_arena_free(a);
}

/* ------------------------------------------------------------- refusal */

static void check_refusal(enum kf_refusal reason, const char *rule, const char *code, int status,
			  enum kf_msg why)
{
	struct kf_arena *a = kf_arena_new();
	assert_string_equal(kf_consent_refusal_rule(reason), rule);
	assert_string_equal(kf_consent_refusal_code(reason), code);
	assert_int_equal(kf_consent_refusal_status(reason), status);
	for (int l = KF_LANG_EN; l <= KF_LANG_ZH; l++) {
		struct kf_refusal_view v = {
			.lang = (enum kf_lang)l,
			.reason = reason,
			.app_name = HOSTILE_APP,
			.back_url = "https://app.example.com/start",
			.request_id = "r-0123456789abcdef",
		};
		const char *html = kf_consent_render_refusal(a, &v);
		assert_null(strstr(html, "<script"));
		htmlDocPtr d = check_page(a, html, (enum kf_lang)l);
		assert_int_equal(xcount(a, d, "//form"), 0);
		assert_string_equal(xs(a, d, "//h1"), kf_t((enum kf_lang)l, KF_MSG_REFUSED_TITLE));
		assert_string_equal(xs(a, d, "//*[@role='alert']"), kf_t((enum kf_lang)l, why));
		assert_string_equal(xs(a, d, "//p[@class='muted']/span"), HOSTILE_APP);
		/* The rule id and reason code in the small print. */
		assert_string_equal(xs(a, d, "//p[@class='small']/span[@class='rule']"), rule);
		assert_string_equal(xs(a, d, "//p[@class='small']/span[@class='code']"), code);
		assert_int_equal(xcount(a, d, "//p[@class='small']/span[.='r-0123456789abcdef']"), 1);
		assert_string_equal(xs(a, d, "//a[@class='button secondary']/@href"), "https://app.example.com/start");
		xmlFreeDoc(d);
	}
	kf_arena_free(a);
}

static void test_refusal_not_on_test_allowlist_AUTH_4(void **state)
{
	(void)state;
	check_refusal(KF_REFUSAL_NOT_ON_ALLOWLIST, "AUTH-4", "not_on_test_allowlist", 403,
		      KF_MSG_WHY_NOT_ON_ALLOWLIST);
}

static void test_refusal_self_use_app_APP_10(void **state)
{
	(void)state;
	check_refusal(KF_REFUSAL_SELF_USE, "APP-10", "self_use_app", 403, KF_MSG_WHY_SELF_USE);
}

static void test_refusal_suspended_or_delisted_AUTH_5(void **state)
{
	(void)state;
	check_refusal(KF_REFUSAL_APP_UNAVAILABLE, "AUTH-5", "app_unavailable", 403, KF_MSG_WHY_APP_UNAVAILABLE);
}

static void test_refusal_wrong_referer_APP_4(void **state)
{
	(void)state;
	check_refusal(KF_REFUSAL_WRONG_REFERER, "APP-4", "wrong_initiation_domain", 403, KF_MSG_WHY_WRONG_REFERER);
}

static void test_refusal_expired_or_used_code_AUTH_3(void **state)
{
	(void)state;
	check_refusal(KF_REFUSAL_CODE_INVALID, "AUTH-3", "pre_auth_code_invalid", 403, KF_MSG_WHY_CODE_INVALID);
}

static void test_refusal_unknown_app_APP_10(void **state)
{
	(void)state;
	check_refusal(KF_REFUSAL_UNKNOWN_APP, "APP-10", "unknown_app", 404, KF_MSG_WHY_UNKNOWN_APP);
}

static void test_refusal_tampered_state_AUTH_1(void **state)
{
	(void)state;
	check_refusal(KF_REFUSAL_BAD_STATE, "AUTH-1", "form_state_invalid", 400, KF_MSG_WHY_BAD_STATE);
}

static void test_refusal_kind_not_accepted_AUTH_1(void **state)
{
	(void)state;
	check_refusal(KF_REFUSAL_KIND_NOT_ACCEPTED, "AUTH-1", "account_kind_not_accepted", 403,
		      KF_MSG_WHY_KIND_NOT_ACCEPTED);
}

static void test_refusal_bad_redirect_and_not_admin(void **state)
{
	(void)state;
	check_refusal(KF_REFUSAL_BAD_REDIRECT, "APP-4", "redirect_uri_invalid", 400, KF_MSG_WHY_BAD_REDIRECT);
	check_refusal(KF_REFUSAL_NOT_ACCOUNT_ADMIN, "AUTH-1", "not_account_admin", 403,
		      KF_MSG_WHY_NOT_ACCOUNT_ADMIN);
	/* issue 9 defect 9: a form without an explicit confirm */
	check_refusal(KF_REFUSAL_BAD_DECISION, "AUTH-1", "decision_invalid", 400, KF_MSG_WHY_BAD_DECISION);
}

/* Installing from the marketplace (issue 13): each refusal names its rule. */
static void test_refusal_market_install(void **state)
{
	(void)state;
	check_refusal(KF_REFUSAL_WITHDRAWN, "GOV-2", "app_withdrawn", 403, KF_MSG_WHY_WITHDRAWN);
	check_refusal(KF_REFUSAL_NEW_AUTH_CLOSED, "GOV-7", "new_authorizations_closed", 403,
		      KF_MSG_WHY_NEW_AUTH_CLOSED);
	check_refusal(KF_REFUSAL_NOT_IN_MARKET, "APP-6", "not_in_marketplace", 404, KF_MSG_WHY_NOT_IN_MARKET);
}

static void test_refusal_minimal_and_out_of_range(void **state)
{
	(void)state;
	struct kf_arena *a = kf_arena_new();
	/* Every reason renders, each with its own text and a rule id. */
	for (int r = 0; r < KF_REFUSAL__COUNT; r++) {
		struct kf_refusal_view v = {.lang = KF_LANG_ZH, .reason = (enum kf_refusal)r,
					    .back_url = "javascript:history.back()"};
		htmlDocPtr d = check_page(a, kf_consent_render_refusal(a, &v), KF_LANG_ZH);
		assert_int_equal(xcount(a, d, "//a"), 0); /* unsafe back link left out */
		assert_int_equal(xcount(a, d, "//p[@class='muted']"), 0);
		assert_true(strlen(xs(a, d, "//span[@class='rule']")) > 0);
		xmlFreeDoc(d);
	}
	struct kf_refusal_view v = {.reason = KF_REFUSAL__COUNT};
	assert_null(kf_consent_render_refusal(a, &v));
	assert_null(kf_consent_render_refusal(a, NULL));
	assert_null(kf_consent_refusal_rule(KF_REFUSAL__COUNT));
	assert_null(kf_consent_refusal_code((enum kf_refusal)-1));
	assert_int_equal(kf_consent_refusal_status(KF_REFUSAL__COUNT), 500);
	kf_arena_free(a);
}

/* -------------------------------------------------------------- result */

static void test_result_pages(void **state)
{
	(void)state;
	struct kf_arena *a = kf_arena_new();
	struct kf_result_view v = {
		.lang = KF_LANG_ZH,
		.outcome = KF_RESULT_AUTHORIZED,
		.app_name = "Weather <Helper>",
		.account_name = "Acme & Co",
		.continue_url = "https://app.example.com/done",
	};
	htmlDocPtr d = check_page(a, kf_consent_render_result(a, &v), KF_LANG_ZH);
	assert_string_equal(xs(a, d, "//h1"), "授权成功");
	assert_string_equal(xs(a, d, "(//p[@class='muted'])[1]/span"), "Weather <Helper>");
	assert_string_equal(xs(a, d, "(//p[@class='muted'])[2]/span"), "Acme & Co");
	assert_string_equal(xs(a, d, "//a[@class='button primary']/@href"), "https://app.example.com/done");
	assert_int_equal(xcount(a, d, "//form"), 0);
	xmlFreeDoc(d);

	v.lang = KF_LANG_EN;
	v.outcome = KF_RESULT_CANCELLED;
	v.continue_url = "vbscript:x";
	d = check_page(a, kf_consent_render_result(a, &v), KF_LANG_EN);
	assert_string_equal(xs(a, d, "//h1"), "Authorization cancelled");
	assert_int_equal(xcount(a, d, "//p[@class='muted']"), 1); /* no account when cancelled */
	assert_int_equal(xcount(a, d, "//a"), 0);
	xmlFreeDoc(d);

	v.outcome = (enum kf_result)5;
	assert_null(kf_consent_render_result(a, &v));
	kf_arena_free(a);
}

/* ------------------------------------------------------------------ CSP */

static void test_csp_allows_exactly_the_stylesheet(void **state)
{
	(void)state;
	struct kf_arena *a = kf_arena_new();
	struct kf_refusal_view v = {.reason = KF_REFUSAL_UNKNOWN_APP};
	const char *html = kf_consent_render_refusal(a, &v);
	const char *start = strstr(html, "<style>") + 7, *end = strstr(html, "</style>");
	unsigned char digest[crypto_hash_sha256_BYTES];
	char b64[sodium_base64_ENCODED_LEN(crypto_hash_sha256_BYTES, sodium_base64_VARIANT_ORIGINAL)];
	crypto_hash_sha256(digest, (const unsigned char *)start, (unsigned long long)(end - start));
	sodium_bin2base64(b64, sizeof(b64), digest, sizeof(digest), sodium_base64_VARIANT_ORIGINAL);
	const char *csp = kf_consent_csp(a);
	assert_non_null(strstr(csp, kf_arena_printf(a, "style-src 'sha256-%s'", b64)));
	assert_non_null(strstr(csp, "default-src 'none'"));
	assert_non_null(strstr(csp, "frame-ancestors 'none'"));
	assert_non_null(strstr(csp, "base-uri 'none'"));
	assert_null(strstr(csp, "unsafe"));
	assert_null(strstr(csp, "script-src"));
	/* The same stylesheet on every page. */
	struct kf_consent_view cv = consent_view(KF_LANG_ZH);
	assert_non_null(strstr(kf_consent_render(a, &cv), kf_arena_strndup(a, start - 7, (size_t)(end - start) + 15)));
	kf_arena_free(a);
}

/* ----------------------------------------------------------------- CSRF */

static const unsigned char KEY[KF_CONSENT_CSRF_KEY_BYTES] = "0123456789abcdef0123456789abcde";

static void test_csrf_roundtrip(void **state)
{
	(void)state;
	struct kf_arena *a = kf_arena_new();
	int64_t now = 1700000000;
	char *t = kf_consent_csrf_new(a, KEY, KF_CONSENT_STEP_CONSENT, "session-secret", FLOW, N_FLOW, now);
	assert_non_null(t);
	assert_true(strncmp(t, "1.1700000000.", 13) == 0);
	assert_int_equal(strlen(t), 13 + 43);
	for (const char *p = t; *p; p++)
		assert_non_null(strchr("0123456789.abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-_", *p));
	assert_int_equal(kf_consent_csrf_verify(KEY, "consent", "session-secret", FLOW, N_FLOW, t, now, 3600), KF_OK);
	assert_int_equal(kf_consent_csrf_verify(KEY, "consent", "session-secret", FLOW, N_FLOW, t, now + 3600, 3600),
			 KF_OK);
	assert_int_equal(kf_consent_csrf_verify(KEY, "consent", "session-secret", FLOW, N_FLOW, t, now - 60, 3600),
			 KF_OK);
	/* Deterministic for the same inputs, different for another time. */
	assert_string_equal(t, kf_consent_csrf_new(a, KEY, "consent", "session-secret", FLOW, N_FLOW, now));
	assert_string_not_equal(t, kf_consent_csrf_new(a, KEY, "consent", "session-secret", FLOW, N_FLOW, now + 1));
	kf_arena_free(a);
}

static void test_csrf_rejects_tampering_AUTH_1(void **state)
{
	(void)state;
	struct kf_arena *a = kf_arena_new();
	int64_t now = 1700000000;
	char *t = kf_consent_csrf_new(a, KEY, "consent", "sess", FLOW, N_FLOW, now);
	/* Another browser, another purpose, another key. */
	assert_int_equal(kf_consent_csrf_verify(KEY, "consent", "sess2", FLOW, N_FLOW, t, now, 600), KF_EAUTH);
	assert_int_equal(kf_consent_csrf_verify(KEY, "signin", "sess", FLOW, N_FLOW, t, now, 600), KF_EAUTH);
	unsigned char key2[KF_CONSENT_CSRF_KEY_BYTES];
	memcpy(key2, KEY, sizeof(key2));
	key2[0] ^= 1;
	assert_int_equal(kf_consent_csrf_verify(key2, "consent", "sess", FLOW, N_FLOW, t, now, 600), KF_EAUTH);
	/* Flow state changed: a value, a name, an absent vs empty field, a dropped field. */
	struct kf_hidden f[N_FLOW];
	memcpy(f, FLOW, sizeof(f));
	f[2].value = "https://evil.example/cb";
	assert_int_equal(kf_consent_csrf_verify(KEY, "consent", "sess", f, N_FLOW, t, now, 600), KF_EAUTH);
	memcpy(f, FLOW, sizeof(f));
	f[4].value = "";
	assert_int_equal(kf_consent_csrf_verify(KEY, "consent", "sess", f, N_FLOW, t, now, 600), KF_EAUTH);
	memcpy(f, FLOW, sizeof(f));
	f[0].name = "component_appid2";
	assert_int_equal(kf_consent_csrf_verify(KEY, "consent", "sess", f, N_FLOW, t, now, 600), KF_EAUTH);
	assert_int_equal(kf_consent_csrf_verify(KEY, "consent", "sess", FLOW, N_FLOW - 1, t, now, 600), KF_EAUTH);
	/* Field boundaries are unambiguous: "ab"+"c" is not "a"+"bc". */
	struct kf_hidden x1[] = {{"ab", "c"}}, x2[] = {{"a", "bc"}};
	char *tx = kf_consent_csrf_new(a, KEY, "consent", "sess", x1, 1, now);
	assert_int_equal(kf_consent_csrf_verify(KEY, "consent", "sess", x2, 1, tx, now, 600), KF_EAUTH);
	/* Expired, or from the future. */
	assert_int_equal(kf_consent_csrf_verify(KEY, "consent", "sess", FLOW, N_FLOW, t, now + 601, 600), KF_EAUTH);
	assert_int_equal(kf_consent_csrf_verify(KEY, "consent", "sess", FLOW, N_FLOW, t, now - 61, 600), KF_EAUTH);
	/* Malformed or altered tokens. */
	const char *bad[] = {"", "1.", "1.1700000000.", "2.1700000000.AAAA", "1.01700000000.x",
			     "1.-1.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
			     "1.99999999999999999999.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(kf_consent_csrf_verify(KEY, "consent", "sess", FLOW, N_FLOW, bad[i], now, 600),
				 KF_EAUTH);
	char *t2 = kf_arena_strdup(a, t);
	t2[20] = t2[20] == 'A' ? 'B' : 'A';
	assert_int_equal(kf_consent_csrf_verify(KEY, "consent", "sess", FLOW, N_FLOW, t2, now, 600), KF_EAUTH);
	t2 = kf_arena_printf(a, "%s=", t);
	assert_int_equal(kf_consent_csrf_verify(KEY, "consent", "sess", FLOW, N_FLOW, t2, now, 600), KF_EAUTH);
	t2 = kf_arena_strdup(a, t);
	t2[strlen(t2) - 1] = '\0';
	assert_int_equal(kf_consent_csrf_verify(KEY, "consent", "sess", FLOW, N_FLOW, t2, now, 600), KF_EAUTH);
	/* Missing pieces. */
	assert_int_equal(kf_consent_csrf_verify(KEY, "consent", "sess", FLOW, N_FLOW, NULL, now, 600), KF_EAUTH);
	assert_int_equal(kf_consent_csrf_verify(KEY, "consent", "", FLOW, N_FLOW, t, now, 600), KF_EAUTH);
	assert_null(kf_consent_csrf_new(a, KEY, "consent", "", FLOW, N_FLOW, now));
	assert_null(kf_consent_csrf_new(a, KEY, "consent", NULL, FLOW, N_FLOW, now));
	assert_null(kf_consent_csrf_new(a, KEY, NULL, "sess", FLOW, N_FLOW, now));
	kf_arena_free(a);
}

/* The token a handler makes goes into the form and comes back unchanged. */
static void test_csrf_token_survives_the_form(void **state)
{
	(void)state;
	struct kf_arena *a = kf_arena_new();
	struct kf_consent_view v = consent_view(KF_LANG_EN);
	v.csrf = kf_consent_csrf_new(a, KEY, "consent", "sess", FLOW, N_FLOW, 1700000000);
	htmlDocPtr d = check_page(a, kf_consent_render(a, &v), KF_LANG_EN);
	const char *posted = xs(a, d, "//input[@name='csrf_token']/@value");
	struct kf_hidden back[N_FLOW];
	for (size_t i = 0; i < N_FLOW; i++) {
		const char *q = kf_arena_printf(a, "//input[@name='%s']", FLOW[i].name);
		back[i].name = FLOW[i].name;
		back[i].value = xcount(a, d, q) ? xs(a, d, kf_arena_printf(a, "%s/@value", q)) : NULL;
	}
	assert_int_equal(kf_consent_csrf_verify(KEY, "consent", "sess", back, N_FLOW, posted, 1700000100, 600), KF_OK);
	xmlFreeDoc(d);
	kf_arena_free(a);
}

/* ---------------------------------------------------------- data scope */

static void test_parse_members(void **state)
{
	(void)state;
	struct kf_arena *a = kf_arena_new();
	struct kf_error err = {0};
	const char **ids;
	size_t n;
	assert_int_equal(kf_consent_parse_members(a, " m1, m2，m3、m4；m5\u3000m6\nm7;m1 ,, ", 10, &ids, &n, &err),
			 KF_OK);
	assert_int_equal(n, 7);
	const char *want[] = {"m1", "m2", "m3", "m4", "m5", "m6", "m7"};
	for (size_t i = 0; i < n; i++)
		assert_string_equal(ids[i], want[i]);
	assert_int_equal(kf_consent_parse_members(a, "user.name@corp+1_x-y", 10, &ids, &n, &err), KF_OK);
	assert_int_equal(n, 1);
	assert_int_equal(kf_consent_parse_members(a, "  ", 10, &ids, &n, &err), KF_OK);
	assert_int_equal(n, 0);
	assert_null(ids);
	assert_int_equal(kf_consent_parse_members(a, NULL, 10, &ids, &n, &err), KF_OK);
	assert_int_equal(n, 0);

	assert_int_equal(kf_consent_parse_members(a, "m1, <m2>", 10, &ids, &n, &err), KF_EINVAL);
	assert_string_equal(err.name, "invalid_member_id");
	assert_string_equal(err.rule, "AUTH-1");
	assert_string_equal(err.field, "data_scope_members");
	assert_int_equal(n, 0);
	assert_int_equal(kf_consent_parse_members(a, "成员", 10, &ids, &n, &err), KF_EINVAL);
	char long_id[70];
	memset(long_id, 'a', 65);
	long_id[65] = '\0';
	assert_int_equal(kf_consent_parse_members(a, long_id, 10, &ids, &n, &err), KF_EINVAL);
	long_id[64] = '\0';
	assert_int_equal(kf_consent_parse_members(a, long_id, 10, &ids, &n, &err), KF_OK);
	assert_int_equal(kf_consent_parse_members(a, "a b c", 2, &ids, &n, &err), KF_ELIMIT);
	assert_string_equal(err.name, "too_many_members");
	assert_int_equal(kf_consent_parse_members(a, "a b a b", 2, &ids, &n, &err), KF_OK); /* duplicates free */
	char *huge = malloc(4 * KF_CONSENT_MEMBERS_TEXT_MAX + 2);
	memset(huge, ',', 4 * KF_CONSENT_MEMBERS_TEXT_MAX + 1);
	huge[4 * KF_CONSENT_MEMBERS_TEXT_MAX + 1] = '\0';
	assert_int_equal(kf_consent_parse_members(a, huge, 10, &ids, &n, &err), KF_EINVAL);
	free(huge);
	kf_arena_free(a);
}

static int setup_group(void **state)
{
	(void)state;
	return sodium_init() < 0 ? -1 : 0;
}

static int teardown_group(void **state)
{
	(void)state;
	xmlCleanupParser();
	return 0;
}


/* ------------------------------------------------- issue 11: frictions */

/* The page names the platform, in a <main> landmark, on every page. */
static void test_pages_name_platform_in_main_issue11(void **state)
{
	(void)state;
	struct kf_arena *a = kf_arena_new();
	struct kf_consent_view v = consent_view(KF_LANG_ZH);
	htmlDocPtr d = check_page(a, kf_consent_render(a, &v), KF_LANG_ZH);
	assert_int_equal(xcount(a, d, "/html/body/main"), 1);
	assert_string_equal(xs(a, d, "//main//p[@class='brand']"), "Kaifang");
	assert_non_null(strstr(xs(a, d, "/html/head/title"), "Kaifang"));
	xmlFreeDoc(d);
	struct kf_signin_view s = signin_view(KF_LANG_EN);
	s.site_name = "Acme Open";
	d = check_page(a, kf_consent_render_signin(a, &s), KF_LANG_EN);
	assert_string_equal(xs(a, d, "//main//p[@class='brand']"), "Acme Open");
	xmlFreeDoc(d);
	struct kf_refusal_view r = {.lang = KF_LANG_EN, .site_name = "Kaifang", .reason = KF_REFUSAL_CODE_INVALID};
	d = check_page(a, kf_consent_render_refusal(a, &r), KF_LANG_EN);
	assert_int_equal(xcount(a, d, "/html/body/main"), 1);
	assert_string_equal(xs(a, d, "//p[@class='brand']"), "Kaifang");
	xmlFreeDoc(d);
	kf_arena_free(a);
}

/* "Forgot password?" on the sign-in form, in the page's language. */
static void test_signin_forgot_password_link_issue11(void **state)
{
	(void)state;
	struct kf_arena *a = kf_arena_new();
	struct kf_signin_view s = signin_view(KF_LANG_ZH);
	s.forgot_url = "/console/forgot";
	htmlDocPtr d = check_page(a, kf_consent_render_signin(a, &s), KF_LANG_ZH);
	assert_string_equal(xs(a, d, "//a[@href='/console/forgot']"), "忘记密码？");
	xmlFreeDoc(d);
	s.lang = KF_LANG_EN;
	d = check_page(a, kf_consent_render_signin(a, &s), KF_LANG_EN);
	assert_string_equal(xs(a, d, "//a[@href='/console/forgot']"), "Forgot password?");
	xmlFreeDoc(d);
	s.forgot_url = "javascript:alert(1)"; /* unsafe: left out */
	d = check_page(a, kf_consent_render_signin(a, &s), KF_LANG_EN);
	assert_int_equal(xcount(a, d, "//a"), 0);
	xmlFreeDoc(d);
	kf_arena_free(a);
}

/* "Not you? Switch account": its own form with the flow and the token. */
static void test_consent_switch_account_form_issue11(void **state)
{
	(void)state;
	struct kf_arena *a = kf_arena_new();
	struct kf_consent_view v = consent_view(KF_LANG_EN);
	htmlDocPtr d = check_page(a, kf_consent_render(a, &v), KF_LANG_EN);
	const char *f = "//form[input[@name='step'][@value='switch']]";
	assert_int_equal(xcount(a, d, f), 1);
	assert_string_equal(xs(a, d, kf_arena_printf(a, "%s/@action", f)), "/cgi-bin/componentloginpage");
	assert_string_equal(xs(a, d, kf_arena_printf(a, "%s//input[@name='csrf_token']/@value", f)), v.csrf);
	assert_string_equal(xs(a, d, kf_arena_printf(a, "%s//input[@name='pre_auth_code']/@value", f)),
			    "preauthcode@@@abc");
	assert_string_equal(xs(a, d, kf_arena_printf(a, "%s//button", f)), "Switch account");
	assert_non_null(strstr(xs(a, d, kf_arena_printf(a, "%s/p", f)), "Not you?"));
	assert_non_null(strstr(xs(a, d, kf_arena_printf(a, "%s/p", f)), "owner@example.com"));
	xmlFreeDoc(d);
	v.lang = KF_LANG_ZH;
	d = check_page(a, kf_consent_render(a, &v), KF_LANG_ZH);
	assert_string_equal(xs(a, d, kf_arena_printf(a, "%s//button", f)), "切换帐号");
	xmlFreeDoc(d);
	v.user_label = NULL; /* nobody to switch from */
	d = check_page(a, kf_consent_render(a, &v), KF_LANG_ZH);
	assert_int_equal(xcount(a, d, f), 0);
	xmlFreeDoc(d);
	kf_arena_free(a);
}

/* Accounts the app would refuse are disabled with the reason and rule;
 * the only account that fits is preselected (AUTH-4, APP-10). */
static void test_consent_unavailable_accounts_AUTH_4(void **state)
{
	(void)state;
	struct kf_arena *a = kf_arena_new();
	struct kf_consent_account acc[] = {
		{"1", "Test shop", "shop", NULL, false, KF_ACCOUNT_AVAILABLE},
		{"2", "Other shop", "shop", NULL, false, KF_ACCOUNT_NOT_ON_TEST_LIST},
		{"3", "Partner", "shop", NULL, false, KF_ACCOUNT_SELF_USE},
	};
	struct kf_consent_view v = consent_view(KF_LANG_EN);
	v.accounts = acc;
	v.n_accounts = 3;
	htmlDocPtr d = check_page(a, kf_consent_render(a, &v), KF_LANG_EN);
	assert_int_equal(xcount(a, d, "//input[@name='account'][@disabled]"), 2);
	assert_string_equal(xs(a, d, "//input[@name='account'][@checked]/@value"), "1");
	assert_int_equal(xcount(a, d, "//input[@name='account'][@checked]"), 1);
	assert_int_equal(xcount(a, d, "//input[@name='account'][@required]"), 0);
	const char *why2 = xs(a, d, "//label[input[@value='2']]//span[@class='why']");
	assert_non_null(strstr(why2, "test list"));
	assert_non_null(strstr(why2, "AUTH-4"));
	assert_non_null(strstr(xs(a, d, "//label[input[@value='3']]//span[@class='why']"), "APP-10"));
	assert_int_equal(xcount(a, d, "//button[@value='confirm'][@disabled]"), 0);
	xmlFreeDoc(d);
	/* two that fit: none preselected, the browser asks */
	acc[2].unavailable = KF_ACCOUNT_AVAILABLE;
	d = check_page(a, kf_consent_render(a, &v), KF_LANG_EN);
	assert_int_equal(xcount(a, d, "//input[@name='account'][@checked]"), 0);
	assert_int_equal(xcount(a, d, "//input[@name='account'][@required]"), 2);
	xmlFreeDoc(d);
	/* none fits: said once, confirm disabled, in Chinese too */
	acc[0].unavailable = acc[2].unavailable = KF_ACCOUNT_NOT_ON_TEST_LIST;
	v.lang = KF_LANG_ZH;
	d = check_page(a, kf_consent_render(a, &v), KF_LANG_ZH);
	assert_int_equal(xcount(a, d, "//input[@name='account'][@disabled]"), 3);
	assert_int_equal(xcount(a, d, "//input[@name='account'][@checked]"), 0);
	assert_int_equal(xcount(a, d, "//button[@value='confirm'][@disabled]"), 1);
	assert_int_equal(xcount(a, d, "//fieldset/p[@class='notice']"), 1);
	assert_non_null(strstr(xs(a, d, "//label[input[@value='1']]//span[@class='why']"), "测试名单"));
	xmlFreeDoc(d);
	/* out of range: a programming error */
	acc[0].unavailable = KF_ACCOUNT__COUNT;
	assert_null(kf_consent_render(a, &v));
	kf_arena_free(a);
}

/* The released listing's name and logo, as the marketplace shows them. */
static void test_consent_listing_name_and_icon_issue11(void **state)
{
	(void)state;
	struct kf_arena *a = kf_arena_new();
	struct kf_consent_view v = consent_view(KF_LANG_ZH);
	v.listing_name = "天气助手";
	v.listing_icon_url = "/v1/directory/kf0123/logo";
	htmlDocPtr d = check_page(a, kf_consent_render(a, &v), KF_LANG_ZH);
	assert_string_equal(xs(a, d, "//div[@class='app']/img/@src"), "/v1/directory/kf0123/logo");
	assert_non_null(strstr(xs(a, d, "//div[@class='app']//p[@class='muted'][1]"), "应用市场名称"));
	assert_string_equal(xs(a, d, "//div[@class='app']//p[@class='muted'][1]/span"), "天气助手");
	xmlFreeDoc(d);
	/* the same name as the app's is not repeated; no listing: the app icon */
	v.listing_name = v.app_name;
	v.listing_icon_url = NULL;
	d = check_page(a, kf_consent_render(a, &v), KF_LANG_ZH);
	assert_string_equal(xs(a, d, "//div[@class='app']/img/@src"), "/v1/files/icon-1.png");
	assert_int_equal(xcount(a, d, "//div[@class='app']//p[@class='muted']"), 1); /* the developer */
	xmlFreeDoc(d);
	kf_arena_free(a);
}

/* The member-scope box only when the handler asks for it (a set with
 * member data, DATA-1). */
static void test_consent_scope_box_only_when_asked_DATA_1(void **state)
{
	(void)state;
	struct kf_arena *a = kf_arena_new();
	struct kf_consent_view v = consent_view(KF_LANG_EN);
	v.scope.show = false;
	htmlDocPtr d = check_page(a, kf_consent_render(a, &v), KF_LANG_EN);
	assert_int_equal(xcount(a, d, "//input[@name='data_scope']"), 0);
	assert_int_equal(xcount(a, d, "//input[@name='data_scope_members']"), 0);
	xmlFreeDoc(d);
	v.scope.show = true;
	d = check_page(a, kf_consent_render(a, &v), KF_LANG_EN);
	assert_int_equal(xcount(a, d, "//input[@name='data_scope']"), 2);
	xmlFreeDoc(d);
	kf_arena_free(a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lang_from_accept_language_variants),
		cmocka_unit_test(test_lang_q_zero_and_malformed),
		cmocka_unit_test(test_message_table_complete),
		cmocka_unit_test(test_signin_form),
		cmocka_unit_test(test_signin_error_and_prefill_escaped),
		cmocka_unit_test(test_signin_refuses_bad_views),
		cmocka_unit_test(test_consent_shows_app_and_developer_AUTH_1),
		cmocka_unit_test(test_consent_hostile_values_escaped),
		cmocka_unit_test(test_pages_name_platform_in_main_issue11),
		cmocka_unit_test(test_signin_forgot_password_link_issue11),
		cmocka_unit_test(test_consent_switch_account_form_issue11),
		cmocka_unit_test(test_consent_unavailable_accounts_AUTH_4),
		cmocka_unit_test(test_consent_listing_name_and_icon_issue11),
		cmocka_unit_test(test_consent_scope_box_only_when_asked_DATA_1),
		cmocka_unit_test(test_consent_javascript_urls_refused),
		cmocka_unit_test(test_consent_required_sets_hidden_optional_checkboxes_APP_3),
		cmocka_unit_test(test_consent_account_picker),
		cmocka_unit_test(test_consent_data_scope_control_AUTH_1),
		cmocka_unit_test(test_consent_confirm_and_cancel_buttons),
		cmocka_unit_test(test_consent_invalid_utf8_and_bad_views),
		cmocka_unit_test(test_refusal_not_on_test_allowlist_AUTH_4),
		cmocka_unit_test(test_refusal_self_use_app_APP_10),
		cmocka_unit_test(test_refusal_suspended_or_delisted_AUTH_5),
		cmocka_unit_test(test_refusal_wrong_referer_APP_4),
		cmocka_unit_test(test_refusal_expired_or_used_code_AUTH_3),
		cmocka_unit_test(test_refusal_unknown_app_APP_10),
		cmocka_unit_test(test_refusal_tampered_state_AUTH_1),
		cmocka_unit_test(test_refusal_kind_not_accepted_AUTH_1),
		cmocka_unit_test(test_refusal_bad_redirect_and_not_admin),
		cmocka_unit_test(test_refusal_market_install),
		cmocka_unit_test(test_refusal_minimal_and_out_of_range),
		cmocka_unit_test(test_result_pages),
		cmocka_unit_test(test_csp_allows_exactly_the_stylesheet),
		cmocka_unit_test(test_csrf_roundtrip),
		cmocka_unit_test(test_csrf_rejects_tampering_AUTH_1),
		cmocka_unit_test(test_csrf_token_survives_the_form),
		cmocka_unit_test(test_parse_members),
	};
	return cmocka_run_group_tests(tests, setup_group, teardown_group);
}
