/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Unit tests for src/web/qr.c: the QR code of a second-factor enrolment as
 * inline SVG. The markup is numbers only (nothing of the encoded text gets
 * in), the text alternative is escaped, and what cannot be encoded writes
 * nothing.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "util/mem.h"
#include "web/html.h"
#include "web/qr.h"

#define URI "otpauth://totp/Kaifang:a%40b.cn?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=Kaifang"

static void test_svg_is_numbers_only(void **state)
{
	(void)state;
	char *svg = kf_qr_svg(URI);
	assert_non_null(svg);
	assert_true(!strncmp(svg, "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 ", 52));
	assert_non_null(strstr(svg, "<path fill=\"#000\" d=\"M"));
	assert_string_equal(svg + strlen(svg) - 9, "\"/></svg>");
	assert_null(strstr(svg, "secret"));
	assert_null(strstr(svg, "GEZDG"));
	/* the path data: M x y h1 v1 h-1 z only */
	const char *d = strstr(svg, " d=\"") + 4;
	for (; *d != '"'; d++)
		assert_non_null(strchr("Mhvz0123456789 -", *d));
	/* a version large enough for the URI: more than 21 modules a side */
	int side = atoi(strstr(svg, "viewBox=\"0 0 ") + 13);
	assert_true(side > 21 + 8);
	free(svg);
}

static void test_html_escapes_the_label(void **state)
{
	(void)state;
	struct kf_arena *a = kf_arena_new();
	struct kf_html h;
	kf_html_init(&h, a);
	assert_true(kf_qr_html(&h, URI, "Secret \"<b>\" & key"));
	size_t n;
	const char *out = kf_html_finish(&h, &n);
	assert_non_null(strstr(out, "role=\"img\""));
	assert_non_null(strstr(out, "aria-label=\"Secret &quot;&lt;b&gt;&quot; &amp; key\""));
	assert_null(strstr(out, "<b>"));
	assert_non_null(strstr(out, "aria-hidden=\"true\""));
	kf_arena_free(a);
}

static void test_too_long_writes_nothing(void **state)
{
	(void)state;
	size_t len = 8000;
	char *big = malloc(len + 1);
	memset(big, 'x', len);
	big[len] = '\0';
	assert_null(kf_qr_svg(big));
	struct kf_arena *a = kf_arena_new();
	struct kf_html h;
	kf_html_init(&h, a);
	assert_false(kf_qr_html(&h, big, "label"));
	size_t n;
	(void)kf_html_finish(&h, &n);
	assert_int_equal(n, 0);
	kf_arena_free(a);
	free(big);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_svg_is_numbers_only),
		cmocka_unit_test(test_html_escapes_the_label),
		cmocka_unit_test(test_too_long_writes_nothing),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
