/* SPDX-License-Identifier: Apache-2.0 */
/* libFuzzer harness: Accept-Language (web/i18n.c, RFC 9110 §12.5.4). The
 * answer is a language with a tag; it is English when the header names no
 * "zh" range; only the first 4096 bytes count; putting an acceptable
 * "zh;q=1" range first makes it Chinese. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "web/i18n.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);
	memcpy(s, data, size);
	s[size] = '\0';
	enum kf_lang l = kf_lang_from_accept(s);
	if (l != KF_LANG_EN && l != KF_LANG_ZH)
		abort();
	if (!kf_lang_tag(l) || !*kf_t(l, (enum kf_msg)0))
		abort();
	bool names_zh = strcasestr(s, "zh") || strchr(s, '*');
	if (l == KF_LANG_ZH && !names_zh)
		abort();
	if (strlen(s) > 4096) {
		char c = s[4096];
		s[4096] = '\0';
		enum kf_lang first = kf_lang_from_accept(s);
		s[4096] = c;
		if (first != l)
			abort();
	}
	if (size < 4000) {
		char *h = malloc(size + 16);
		snprintf(h, size + 16, "zh;q=1, %s", s);
		if (kf_lang_from_accept(h) != KF_LANG_ZH)
			abort();
		free(h);
	}
	free(s);
	return 0;
}
