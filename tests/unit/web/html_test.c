/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Unit tests for src/web/html.c: escaping of every special character,
 * invalid UTF-8 and control characters, the growable builder and its cap,
 * and the URL check that keeps javascript: and friends out of href/action.
 * Escaped output is fed to libxml2's HTML parser, which must accept it
 * without a single error and give back the original text.
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

#include "util/mem.h"
#include "web/html.h"

#define FFFD "\xef\xbf\xbd"

static int parse_messages;

/* libxml2's generic error channel (stable across versions) prints each
 * parser error and warning; count them and pass them on to stderr. */
static void on_parse_message(void *ctx, const char *msg, ...)
{
	(void)ctx;
	va_list ap;
	va_start(ap, msg);
	parse_messages++;
	vfprintf(stderr, msg, ap);
	va_end(ap);
}

/* Parse a page; any parser error or warning fails the test. */
static htmlDocPtr parse_clean(const char *html)
{
	assert_non_null(html);
	parse_messages = 0;
	xmlSetGenericErrorFunc(NULL, on_parse_message);
	htmlParserCtxtPtr ctxt = htmlNewParserCtxt();
	assert_non_null(ctxt);
	htmlDocPtr d = htmlCtxtReadMemory(ctxt, html, (int)strlen(html), "page.html", "UTF-8", HTML_PARSE_NONET);
	int well_formed = ctxt->wellFormed;
	htmlFreeParserCtxt(ctxt);
	xmlSetGenericErrorFunc(NULL, NULL);
	assert_non_null(d);
	assert_int_equal(well_formed, 1);
	assert_int_equal(parse_messages, 0);
	return d;
}

/* string(xpath) of d; caller frees with xmlFree. */
static char *xstring(htmlDocPtr d, const char *xpath)
{
	xmlXPathContextPtr ctx = xmlXPathNewContext(d);
	char *expr = kf_xasprintf("string(%s)", xpath);
	xmlXPathObjectPtr o = xmlXPathEvalExpression((const xmlChar *)expr, ctx);
	free(expr);
	assert_non_null(o);
	char *s = (char *)xmlXPathCastToString(o);
	xmlXPathFreeObject(o);
	xmlXPathFreeContext(ctx);
	return s;
}

static void expect_escape(const char *in, const char *want)
{
	struct kf_arena *a = kf_arena_new();
	assert_string_equal(kf_html_escape(a, in), want);
	kf_arena_free(a);
}

static void test_escape_every_special_character(void **state)
{
	(void)state;
	expect_escape("&", "&amp;");
	expect_escape("<", "&lt;");
	expect_escape(">", "&gt;");
	expect_escape("\"", "&quot;");
	expect_escape("'", "&#39;");
	expect_escape("a&b<c>d\"e'f", "a&amp;b&lt;c&gt;d&quot;e&#39;f");
	expect_escape("&amp;", "&amp;amp;"); /* never "already escaped" */
	expect_escape("plain text / = ` ;", "plain text / = ` ;");
	expect_escape("", "");
	expect_escape(NULL, "");
}

static void test_escape_hostile_names(void **state)
{
	(void)state;
	expect_escape("<script>alert(1)</script>", "&lt;script&gt;alert(1)&lt;/script&gt;");
	expect_escape("\"><img src=x onerror=alert(1)>", "&quot;&gt;&lt;img src=x onerror=alert(1)&gt;");
	expect_escape("' onmouseover='x", "&#39; onmouseover=&#39;x");
	expect_escape("</title><script>", "&lt;/title&gt;&lt;script&gt;");
	expect_escape("<!-- -->", "&lt;!-- --&gt;");
}

static void test_escape_keeps_valid_utf8(void **state)
{
	(void)state;
	expect_escape("开放平台 \xf0\x9f\x98\x80 é", "开放平台 \xf0\x9f\x98\x80 é");
	expect_escape("\xef\xbf\xbd", FFFD); /* U+FFFD itself is fine */
	expect_escape("\xf4\x8f\xbf\xbd", "\xf4\x8f\xbf\xbd"); /* U+10FFFD */
	expect_escape("tab\tlf\ncr\r", "tab\tlf\ncr\r");
	/* Bidi controls are text; the pages isolate them with CSS. */
	expect_escape("\xe2\x80\xae" "abc", "\xe2\x80\xae" "abc");
}

static void test_escape_invalid_utf8(void **state)
{
	(void)state;
	expect_escape("a\xff" "b", "a" FFFD "b");
	expect_escape("\x80", FFFD);                          /* stray continuation */
	expect_escape("\xc0\xaf", FFFD FFFD);                 /* overlong "/" */
	expect_escape("\xe0\x80\xbc", FFFD FFFD FFFD);        /* overlong "<" */
	expect_escape("\xed\xa0\x80", FFFD FFFD FFFD);        /* UTF-16 surrogate */
	expect_escape("\xf4\x90\x80\x80", FFFD FFFD FFFD FFFD); /* past U+10FFFF */
	expect_escape("\xe4\xb8", FFFD FFFD);                 /* truncated at the end */
	expect_escape("\xe4\xb8<", FFFD FFFD "&lt;");          /* truncated before a special */
	expect_escape("\xc3", FFFD);
	expect_escape("\xf5\x80\x80\x80", FFFD FFFD FFFD FFFD);
}

static void test_escape_controls_and_noncharacters(void **state)
{
	(void)state;
	expect_escape("a\x01" "b", "a" FFFD "b");
	expect_escape("\x1b[31m", FFFD "[31m");
	expect_escape("\x7f", FFFD);
	expect_escape("\xc2\x85", FFFD);         /* C1 NEL */
	expect_escape("\xc2\x9f", FFFD);
	expect_escape("\xc2\xa0", "\xc2\xa0");   /* no-break space is text */
	expect_escape("\xef\xbf\xbe", FFFD);     /* U+FFFE */
	expect_escape("\xef\xbf\xbf", FFFD);     /* U+FFFF */
	expect_escape("\xef\xb7\x90", FFFD);     /* U+FDD0 */
	expect_escape("\xf0\x9f\xbf\xbf", FFFD); /* U+1FFFF */
	expect_escape("\x0b\x0c", FFFD FFFD);
}

static void test_builder_text_attr_raw(void **state)
{
	(void)state;
	struct kf_arena *a = kf_arena_new();
	struct kf_html h;
	kf_html_init(&h, a);
	kf_html_raw(&h, "<p");
	kf_html_attr(&h, "title", "a\"b");
	kf_html_attr(&h, "class", NULL); /* left out */
	kf_html_attr(&h, "data-x", "");
	kf_html_raw(&h, ">");
	kf_html_text(&h, "<b>");
	kf_html_text(&h, NULL);
	kf_html_raw(&h, NULL);
	kf_html_raw(&h, "</p>");
	size_t len;
	const char *out = kf_html_finish(&h, &len);
	assert_string_equal(out, "<p title=\"a&quot;b\" data-x=\"\">&lt;b&gt;</p>");
	assert_int_equal(len, strlen(out));
	kf_arena_free(a);
}

static void test_builder_empty_and_growth(void **state)
{
	(void)state;
	struct kf_arena *a = kf_arena_new();
	struct kf_html h;
	kf_html_init(&h, a);
	size_t len = 99;
	assert_string_equal(kf_html_finish(&h, &len), "");
	assert_int_equal(len, 0);
	for (int i = 0; i < 20000; i++)
		kf_html_text(&h, "<&>"); /* 13 bytes escaped */
	const char *out = kf_html_finish(&h, &len);
	assert_non_null(out);
	assert_int_equal(len, 20000 * 13);
	assert_int_equal(strlen(out), len);
	assert_memory_equal(out + len - 13, "&lt;&amp;&gt;", 13);
	kf_arena_free(a);
}

static void test_builder_cap(void **state)
{
	(void)state;
	struct kf_arena *a = kf_arena_new();
	char *big = malloc(KF_HTML_MAX / 4);
	memset(big, '<', KF_HTML_MAX / 4 - 1); /* escapes to 4x */
	big[KF_HTML_MAX / 4 - 1] = '\0';
	struct kf_html h;
	kf_html_init(&h, a);
	kf_html_text(&h, big); /* just under the cap */
	assert_non_null(kf_html_finish(&h, NULL));
	kf_html_text(&h, "<<"); /* 8 more bytes: past the cap */
	assert_null(kf_html_finish(&h, NULL));
	kf_html_raw(&h, "x"); /* stays overflowed */
	assert_null(kf_html_finish(&h, NULL));
	/* kf_html_escape has no cap: it is a plain copy. */
	char *e = kf_html_escape(a, big);
	assert_int_equal(strlen(e), 4 * (KF_HTML_MAX / 4 - 1));
	free(big);
	kf_arena_free(a);
}

static void test_url_safe_accepts_http_and_relative(void **state)
{
	(void)state;
	const char *ok[] = {
		"https://example.com/",
		"http://example.com",
		"HTTPS://EXAMPLE.COM/a?b=1&c=2#d",
		"https://user@example.com:8443/p",
		"https://\xe4\xbe\x8b\xe5\xad\x90.\xe6\xb5\x8b\xe8\xaf\x95/\xe5\x9b\xbe.png",
		"/cgi-bin/componentloginpage?component_appid=wx1&pre_auth_code=x",
		"?a=1",
		"#top",
		"relative/path.png",
		"./a",
		"../a",
		"//cdn.example.com/icon.png",
		"a_b:c", /* '_' ends the scheme: a relative path for browsers */
		"1abc:def",
	};
	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		if (!kf_html_url_safe(ok[i]))
			fail_msg("refused %s", ok[i]);
	}
}

static void test_url_safe_refuses_script_and_tricks(void **state)
{
	(void)state;
	const char *bad[] = {
		NULL,
		"",
		"javascript:alert(1)",
		"JaVaScRiPt:alert(1)",
		"javascript://%0aalert(1)",
		" javascript:alert(1)",
		"java\tscript:alert(1)",
		"java\nscript:alert(1)",
		"\x01javascript:alert(1)",
		"javascript\x7f:alert(1)",
		"data:text/html,<script>alert(1)</script>",
		"vbscript:msgbox",
		"file:///etc/passwd",
		"ftp://example.com/",
		"mailto:a@example.com",
		"blob:https://example.com/x",
		"http:",
		"http:/example.com",
		"http:example.com",
		"https://",
		"https:///path",
		"https://?q",
		"https://#f",
		"//",
		"///example.com",
		"/\\evil.example",
		"https:\\\\evil.example",
		"https://a b/",
		"https://example.com/\xff",
		"https://example.com/\xef\xbf\xbe",
		"https://example.com/\xc2\x85",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (kf_html_url_safe(bad[i]))
			fail_msg("accepted %s", bad[i] ? bad[i] : "(null)");
	}
	char *long_url = malloc(5000);
	memcpy(long_url, "https://e.com/", 14);
	memset(long_url + 14, 'a', 5000 - 15);
	long_url[4999] = '\0';
	assert_false(kf_html_url_safe(long_url));
	long_url[4000] = '\0';
	assert_true(kf_html_url_safe(long_url));
	free(long_url);
}

static void test_url_attr_writes_only_safe_urls(void **state)
{
	(void)state;
	struct kf_arena *a = kf_arena_new();
	struct kf_html h;
	kf_html_init(&h, a);
	kf_html_raw(&h, "<a");
	assert_false(kf_html_url_attr(&h, "href", "javascript:alert(1)"));
	assert_false(kf_html_url_attr(&h, "href", NULL));
	assert_true(kf_html_url_attr(&h, "href", "/x?a=1&b=\"2\""));
	kf_html_raw(&h, ">");
	assert_string_equal(kf_html_finish(&h, NULL), "<a href=\"/x?a=1&amp;b=&quot;2&quot;\">");
	kf_arena_free(a);
}

/* Escaped text and attributes parse back to exactly what went in. */
static void test_escaped_hostile_text_roundtrips_through_parser(void **state)
{
	(void)state;
	const char *hostile[] = {
		"<script>alert(1)</script>",
		"\"><img src=x onerror=alert(1)>",
		"' autofocus onfocus='alert(1)",
		"</p></body></html><p>",
		"&lt; &#x3c; &amp;",
		"]]><![CDATA[",
		"开放平台 & <测试>",
	};
	for (size_t i = 0; i < sizeof(hostile) / sizeof(hostile[0]); i++) {
		struct kf_arena *a = kf_arena_new();
		struct kf_html h;
		kf_html_init(&h, a);
		kf_html_raw(&h, "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>t</title></head>"
				"<body><p id=\"t\"");
		kf_html_attr(&h, "title", hostile[i]);
		kf_html_raw(&h, ">");
		kf_html_text(&h, hostile[i]);
		kf_html_raw(&h, "</p></body></html>\n");
		const char *doc = kf_html_finish(&h, NULL);
		htmlDocPtr d = parse_clean(doc);
		char *text = xstring(d, "//p[@id='t']");
		char *attr = xstring(d, "//p[@id='t']/@title");
		assert_string_equal(text, hostile[i]);
		assert_string_equal(attr, hostile[i]);
		char *n = xstring(d, "count(//script|//img|//@onerror|//@onfocus)");
		assert_string_equal(n, "0");
		xmlFree(n);
		xmlFree(text);
		xmlFree(attr);
		xmlFreeDoc(d);
		kf_arena_free(a);
	}
}

/* Whatever bytes come in, the escaped output parses without an error. */
static void test_random_bytes_always_parse(void **state)
{
	(void)state;
	uint32_t x = 2463534242u;
	for (int round = 0; round < 300; round++) {
		char in[64];
		size_t n = 1 + round % 63;
		for (size_t i = 0; i < n; i++) {
			x ^= x << 13;
			x ^= x >> 17;
			x ^= x << 5;
			in[i] = (char)(1 + x % 255);
		}
		in[n] = '\0';
		struct kf_arena *a = kf_arena_new();
		struct kf_html h;
		kf_html_init(&h, a);
		kf_html_raw(&h, "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>");
		kf_html_text(&h, in);
		kf_html_raw(&h, "</title></head><body><p");
		kf_html_attr(&h, "title", in);
		kf_html_raw(&h, ">");
		kf_html_text(&h, in);
		kf_html_raw(&h, "</p></body></html>\n");
		htmlDocPtr d = parse_clean(kf_html_finish(&h, NULL));
		char *n_el = xstring(d, "count(//body/*)");
		assert_string_equal(n_el, "1");
		xmlFree(n_el);
		xmlFreeDoc(d);
		kf_arena_free(a);
	}
}

static int teardown_group(void **state)
{
	(void)state;
	xmlCleanupParser();
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_escape_every_special_character),
		cmocka_unit_test(test_escape_hostile_names),
		cmocka_unit_test(test_escape_keeps_valid_utf8),
		cmocka_unit_test(test_escape_invalid_utf8),
		cmocka_unit_test(test_escape_controls_and_noncharacters),
		cmocka_unit_test(test_builder_text_attr_raw),
		cmocka_unit_test(test_builder_empty_and_growth),
		cmocka_unit_test(test_builder_cap),
		cmocka_unit_test(test_url_safe_accepts_http_and_relative),
		cmocka_unit_test(test_url_safe_refuses_script_and_tricks),
		cmocka_unit_test(test_url_attr_writes_only_safe_urls),
		cmocka_unit_test(test_escaped_hostile_text_roundtrips_through_parser),
		cmocka_unit_test(test_random_bytes_always_parse),
	};
	return cmocka_run_group_tests(tests, NULL, teardown_group);
}
