/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Unit tests for src/push/pagetext.c (LST-20): the skeleton of a page's
 * readable text, in which a privacy policy must name the operating entity.
 * HTML in UTF-8 and in GBK (declared by a meta charset or by the
 * Content-Type), script/style/template text and comments left out,
 * full-width and spaced names, text/plain, the media types refused, a page
 * longer than KF_PAGE_TEXT_MAX whose footer survives the cut, and malformed
 * HTML.
 */
#include <errno.h>
#include <iconv.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <libxml/parser.h>
#include <utf8proc.h>

#include "push/pagetext.h"
#include "util/mem.h"

#define ENTITY "杭州开放科技有限公司"
#define FOOTER "<p>© 2026 " ENTITY "</p>"

static char *page(const char *html, const char *ct)
{
	return kf_page_text(html, strlen(html), ct);
}

/* s in GBK, as a new buffer of *n bytes, deliberately not NUL-terminated
 * (kf_page_text must not read past len). */
static char *to_gbk(const char *s, size_t *n)
{
	iconv_t cd = iconv_open("GBK", "UTF-8");
	assert_true(cd != (iconv_t)-1);
	char *in = kf_xstrdup(s);
	size_t in_left = strlen(s), out_cap = in_left * 2 + 1, out_left = out_cap;
	char *out = kf_xmalloc(out_cap), *ip = in, *op = out;
	assert_true(iconv(cd, &ip, &in_left, &op, &out_left) != (size_t)-1);
	assert_int_equal(in_left, 0);
	iconv_close(cd);
	free(in);
	*n = out_cap - out_left;
	return out;
}

static bool valid_utf8(const char *s)
{
	size_t len = strlen(s);
	for (size_t i = 0; i < len;) {
		utf8proc_int32_t cp;
		utf8proc_ssize_t r = utf8proc_iterate((const utf8proc_uint8_t *)s + i, (utf8proc_ssize_t)(len - i), &cp);
		if (r <= 0)
			return false;
		i += (size_t)r;
	}
	return true;
}

static bool ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);
	return n >= m && !memcmp(s + n - m, suffix, m);
}

static void test_html_footer_entity_LST_20(void **state)
{
	(void)state;
	char *t = page("<!DOCTYPE html><html><head><title>Privacy</title>"
		       "<style>body { color: red } .secretstyle {}</style>"
		       "<script>var secretscript = 1; if (a < b) {}</script></head>"
		       "<body><h1>Privacy policy</h1><p>We keep little.</p>"
		       "<footer>" FOOTER "</footer></body></html>",
		       "text/html");
	assert_non_null(t);
	assert_non_null(strstr(t, ENTITY));
	assert_non_null(strstr(t, "2026" ENTITY));
	assert_non_null(strstr(t, "privacypolicy"));
	assert_non_null(strstr(t, "wekeeplittle"));
	assert_null(strstr(t, "secretscript"));
	assert_null(strstr(t, "secretstyle"));
	free(t);
}

/* Found by tests/fuzz/pagetext_fuzz.c: one byte that is not UTF-8 in a page
 * read as UTF-8 made the whole text NULL ("could not be read"), so the
 * entity named in its footer was never found. */
static void test_fuzz_html_stray_byte_keeps_the_page_readable_LST_20(void **state)
{
	(void)state;
	char *t = page("<html><body><p>We keep \x84little.</p><footer>" FOOTER "</footer></body></html>",
		       "text/html; charset=utf-8");
	assert_non_null(t);
	assert_non_null(strstr(t, ENTITY));
	assert_non_null(strstr(t, "little"));
	free(t);
}

static void test_template_and_comment_left_out_LST_20(void **state)
{
	(void)state;
	char *t = page("<html><body><!-- secretcomment --><p>shown</p>"
		       "<template><p>secrettemplate</p></template>"
		       "<SCRIPT type=\"text/javascript\">secretupper</SCRIPT></body></html>",
		       "text/html; charset=utf-8");
	assert_non_null(t);
	assert_string_equal(t, "shown");
	free(t);
}

static void test_html_gbk_meta_LST_20(void **state)
{
	(void)state;
	size_t n;
	char *gbk = to_gbk("<html><head><meta charset=\"gbk\"><title>隐私政策</title></head>"
			   "<body><p>运营者：" ENTITY "</p></body></html>",
			   &n);
	assert_null(memmem(gbk, n, ENTITY, strlen(ENTITY))); /* really not UTF-8 any more */
	char *t = kf_page_text(gbk, n, "text/html");
	assert_non_null(t);
	assert_string_equal(t, "隐私政策运营者" ENTITY);
	free(t);
	free(gbk);
}

static void test_html_gbk_content_type_LST_20(void **state)
{
	(void)state;
	size_t n;
	char *gbk = to_gbk("<html><body><p>运营者：" ENTITY "</p></body></html>", &n);
	char *t = kf_page_text(gbk, n, "text/html; charset=GBK");
	assert_non_null(t);
	assert_string_equal(t, "运营者" ENTITY);
	free(t);
	/* the same bytes without a charset are not read as GBK */
	t = kf_page_text(gbk, n, "text/html");
	if (t)
		assert_null(strstr(t, ENTITY));
	free(t);
	/* quoted, and the HTTP charset wins over a wrong meta */
	free(gbk);
	gbk = to_gbk("<html><head><meta charset=\"utf-8\"></head><body><p>" ENTITY "</p></body></html>", &n);
	t = kf_page_text(gbk, n, "text/html;charset=\"gbk\"");
	assert_non_null(t);
	assert_string_equal(t, ENTITY);
	free(t);
	free(gbk);
}

static void test_full_width_and_spaced_LST_20(void **state)
{
	(void)state;
	char *t = page("<p>Operated by <b>Ｋａｉ Ｆａｎｇ</b> Ltd.</p>", "text/html");
	assert_non_null(t);
	assert_non_null(strstr(t, "kaifangltd"));
	free(t);
	t = page("Operated by K a i-F a n g   L.T.D.", "text/plain");
	assert_non_null(t);
	assert_string_equal(t, "operatedbykaifangltd");
	free(t);
}

static void test_text_plain_LST_20(void **state)
{
	(void)state;
	char *t = page("© 2026 " ENTITY "\n", "text/plain; charset=utf-8");
	assert_non_null(t);
	assert_string_equal(t, "2026" ENTITY);
	free(t);
	t = page("Kaifang", "Text/Plain; Charset=US-ASCII");
	assert_non_null(t);
	assert_string_equal(t, "kaifang");
	free(t);
	/* NUL bytes do not end the text */
	t = kf_page_text("ab\0cd", 5, "text/plain");
	assert_non_null(t);
	assert_string_equal(t, "abcd");
	free(t);
	/* invalid UTF-8: a lone continuation byte, an overlong form, a surrogate */
	assert_null(page("ok \x80 ok", "text/plain"));
	assert_null(page("ok \xc0\xaf ok", "text/plain"));
	assert_null(page("ok \xed\xa0\x80 ok", "text/plain"));
	/* text/plain in another charset is refused, even when its bytes are ASCII */
	assert_null(page("Kaifang", "text/plain; charset=gbk"));
	size_t n;
	char *gbk = to_gbk(ENTITY, &n);
	assert_null(kf_page_text(gbk, n, "text/plain"));
	free(gbk);
}

static void test_refused_inputs_LST_20(void **state)
{
	(void)state;
	const char *html = "<p>" ENTITY "</p>";
	assert_null(page(html, "application/pdf"));
	assert_null(page(html, "text/htmlx"));
	assert_null(page(html, "image/svg+xml"));
	assert_null(page(html, ""));
	assert_null(page(html, NULL));
	assert_null(kf_page_text(html, 0, "text/html"));
	assert_null(kf_page_text(NULL, 10, "text/html"));
	assert_null(kf_page_text("", 0, "text/plain"));
}

static void test_content_type_case_LST_20(void **state)
{
	(void)state;
	const char *types[] = { "TEXT/HTML; charset=utf-8", " Text/Html ;Charset=UTF-8", "text/html;",
				"application/XHTML+xml; charset=utf-8" };
	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		char *t = page("<html><body><p>" ENTITY "</p></body></html>", types[i]);
		assert_non_null(t);
		assert_string_equal(t, ENTITY);
		free(t);
	}
}

static void test_xhtml_LST_20(void **state)
{
	(void)state;
	char *t = page("<?xml version=\"1.0\" encoding=\"utf-8\"?>"
		       "<html xmlns=\"http://www.w3.org/1999/xhtml\"><body>"
		       "<p><![CDATA[Kai]]>Fang</p><p>" ENTITY "</p></body></html>",
		       "application/xhtml+xml");
	assert_non_null(t);
	assert_non_null(strstr(t, ENTITY));
	free(t);
}

/* A heading "Head", n copies of unit, then the footer. */
static char *long_page(const char *unit, size_t n)
{
	static const char start[] = "<html><body><h1>Head</h1><p>";
	size_t u = strlen(unit), len = sizeof(start) - 1;
	char *html = kf_xmalloc(n * u + 256);
	memcpy(html, start, len);
	for (size_t i = 0; i < n; i++, len += u)
		memcpy(html + len, unit, u);
	strcpy(html + len, "</p>" FOOTER "</body></html>");
	return html;
}

static void test_long_page_keeps_footer_LST_20(void **state)
{
	(void)state;
	/* ASCII: the cut falls between letters */
	char *html = long_page("a", 300000);
	char *t = page(html, "text/html");
	assert_non_null(t);
	size_t len = strlen(t);
	assert_true(len <= KF_PAGE_TEXT_MAX);
	assert_int_equal(len, KF_PAGE_TEXT_MAX);
	assert_int_equal(strncmp(t, "head", 4), 0);
	assert_true(ends_with(t, "2026" ENTITY));
	assert_int_equal(strspn(t + 4, "a"), KF_PAGE_TEXT_MAX - 4 - strlen("2026" ENTITY));
	assert_true(valid_utf8(t));
	free(t);
	free(html);

	/* three-byte code points: both cuts fall inside one and move to its edge */
	html = long_page("中", 100000);
	t = page(html, "text/html");
	assert_non_null(t);
	len = strlen(t);
	assert_true(len <= KF_PAGE_TEXT_MAX);
	assert_true(len > KF_PAGE_TEXT_MAX - 6);
	assert_int_equal(strncmp(t, "head中", 7), 0);
	assert_true(ends_with(t, "2026" ENTITY));
	assert_true(valid_utf8(t));
	free(t);
	free(html);

	/* just at the limit nothing is cut; one letter more and one is */
	size_t fill = KF_PAGE_TEXT_MAX - 4 - strlen("2026" ENTITY);
	html = long_page("a", fill);
	t = page(html, "text/html");
	assert_non_null(t);
	assert_int_equal(strlen(t), KF_PAGE_TEXT_MAX);
	assert_int_equal(strspn(t + 4, "a"), fill);
	free(t);
	free(html);
	html = long_page("a", fill + 1);
	t = page(html, "text/html");
	assert_non_null(t);
	assert_int_equal(strlen(t), KF_PAGE_TEXT_MAX);
	assert_int_equal(strspn(t + 4, "a"), fill);
	assert_true(ends_with(t, "2026" ENTITY));
	free(t);
	free(html);
}

static void test_malformed_html_LST_20(void **state)
{
	(void)state;
	char *t = page("<html><body><div><p>Privacy <b>policy</div></div></span>"
		       "<p>operated by <i>" ENTITY "<td>x</tr></table>"
		       "<p class=\"unterminated>still</p> <div",
		       "text/html");
	assert_non_null(t);
	assert_non_null(strstr(t, "privacypolicy"));
	assert_non_null(strstr(t, "operatedby" ENTITY));
	free(t);
	/* no markup at all, and markup that is nothing but tags */
	t = page("just text " ENTITY, "text/html");
	assert_non_null(t);
	assert_string_equal(t, "justtext" ENTITY);
	free(t);
	t = page("<div></div><br><hr>", "text/html");
	assert_non_null(t);
	assert_string_equal(t, "");
	free(t);
}

/*
 * Deep nesting costs no stack: the walk is iterative. libxml2 (without
 * HTML_PARSE_HUGE) stops parsing at 256 levels; text before that is kept.
 */
static void test_deep_nesting_LST_20(void **state)
{
	(void)state;
	size_t depth = 200;
	char *html = kf_xmalloc(20000 * 5 + 64);
	size_t len = 0;
	for (size_t i = 0; i < depth; i++, len += 5)
		memcpy(html + len, "<div>", 5);
	strcpy(html + len, ENTITY);
	char *t = page(html, "text/html");
	assert_non_null(t);
	assert_string_equal(t, ENTITY);
	free(t);
	strcpy(html, ENTITY);
	len = strlen(ENTITY);
	for (size_t i = 0; i < 20000; i++, len += 5)
		memcpy(html + len, "<div>", 5);
	strcpy(html + len, "lost");
	t = page(html, "text/html");
	assert_non_null(t);
	assert_non_null(strstr(t, ENTITY));
	free(t);
	free(html);
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
		cmocka_unit_test(test_html_footer_entity_LST_20),
		cmocka_unit_test(test_fuzz_html_stray_byte_keeps_the_page_readable_LST_20),
		cmocka_unit_test(test_template_and_comment_left_out_LST_20),
		cmocka_unit_test(test_html_gbk_meta_LST_20),
		cmocka_unit_test(test_html_gbk_content_type_LST_20),
		cmocka_unit_test(test_full_width_and_spaced_LST_20),
		cmocka_unit_test(test_text_plain_LST_20),
		cmocka_unit_test(test_refused_inputs_LST_20),
		cmocka_unit_test(test_content_type_case_LST_20),
		cmocka_unit_test(test_xhtml_LST_20),
		cmocka_unit_test(test_long_page_keeps_footer_LST_20),
		cmocka_unit_test(test_malformed_html_LST_20),
		cmocka_unit_test(test_deep_nesting_LST_20),
	};
	return cmocka_run_group_tests(tests, NULL, teardown_group);
}
