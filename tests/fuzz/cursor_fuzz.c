/* SPDX-License-Identifier: Apache-2.0 */
/* libFuzzer harness: the pagination parameters (?after=<id> and the keyset
 * cursor "<key>.<id>", ?limit=) of api/common.c. An accepted cursor is two
 * runs of 1..18 digits; formatting what was read and reading it back gives
 * the same pair, and the text itself when it has no leading zeros. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "api/common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bool digits(const char *s, size_t n)
{
	return n >= 1 && n <= 18 && strspn(s, "0123456789") >= n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);
	memcpy(s, data, size);
	s[size] = '\0';

	int64_t v = -1;
	if (kf_api_uint_parse(s, &v)) {
		if (v < 0 || !digits(s, strlen(s)))
			abort();
	}
	struct kf_page_key k;
	if (kf_api_cursor_parse(s, &k)) {
		const char *dot = strchr(s, '.');
		if (!k.set || k.key < 0 || k.id < 0 || !dot ||
		    !digits(s, (size_t)(dot - s)) || !digits(dot + 1, strlen(dot + 1)))
			abort();
		char buf[KF_API_CURSOR_SIZE];
		struct kf_page_key again;
		if (!kf_api_cursor_format(k.key, k.id, buf, sizeof(buf)) || !kf_api_cursor_parse(buf, &again) ||
		    again.key != k.key || again.id != k.id)
			abort();
		bool canonical = (s[0] != '0' || dot == s + 1) && (dot[1] != '0' || !dot[2]);
		if (canonical && strcmp(buf, s))
			abort();
	} else if (k.set || k.key || k.id) {
		abort();
	}
	/* any pair of non-negative integers survives the round trip */
	if (size >= 16) {
		int64_t a, b;
		memcpy(&a, data, 8);
		memcpy(&b, data + 8, 8);
		a = a < 0 ? -(a + 1) : a;
		b = b < 0 ? -(b + 1) : b;
		char buf[KF_API_CURSOR_SIZE];
		if (!kf_api_cursor_format(a, b, buf, sizeof(buf)))
			abort();
		/* past 18 digits the reader refuses, as it must not overflow */
		if (kf_api_cursor_parse(buf, &k) != (a <= 999999999999999999LL && b <= 999999999999999999LL))
			abort();
		if (k.set && (k.key != a || k.id != b))
			abort();
	}
	free(s);
	return 0;
}
