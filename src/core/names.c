/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Name canonicalisation for ONB-6. utf8proc does the NFKC mapping (and
 * rejects malformed UTF-8 on the way); this file only trims and collapses
 * white space, which NFKC leaves alone. The result is never longer than the
 * NFKC output, so one allocation of that size suffices.
 */
#include "core/names.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <utf8proc.h>

static bool is_space(utf8proc_int32_t cp)
{
	if ((cp >= 0x09 && cp <= 0x0D) || cp == 0x20 || cp == 0x85)
		return true;
	switch (utf8proc_category(cp)) {
	case UTF8PROC_CATEGORY_ZS:
	case UTF8PROC_CATEGORY_ZL:
	case UTF8PROC_CATEGORY_ZP:
		return true;
	default:
		return false;
	}
}

static void out_of_memory(void)
{
	fputs("kaifang: out of memory in kf_name_normalize\n", stderr);
	abort();
}

char *kf_name_normalize(const char *s)
{
	utf8proc_uint8_t *nfkc = NULL;
	char *res = NULL;

	if (!s)
		return NULL;
	utf8proc_ssize_t n = utf8proc_map((const utf8proc_uint8_t *)s, 0, &nfkc,
					  UTF8PROC_NULLTERM | UTF8PROC_STABLE |
					  UTF8PROC_COMPAT | UTF8PROC_COMPOSE);
	if (n == UTF8PROC_ERROR_NOMEM)
		out_of_memory();
	if (n < 0)
		goto out; /* invalid UTF-8 (or an unassigned/overflow error) */
	res = malloc((size_t)n + 1);
	if (!res)
		out_of_memory();

	size_t len = 0;
	bool pending_space = false;
	const utf8proc_uint8_t *p = nfkc;
	const utf8proc_uint8_t *end = nfkc + n;
	while (p < end) {
		utf8proc_int32_t cp;
		utf8proc_ssize_t r = utf8proc_iterate(p, end - p, &cp);
		if (r <= 0) { /* cannot happen on utf8proc's own output */
			free(res);
			res = NULL;
			goto out;
		}
		if (is_space(cp)) {
			pending_space = len > 0; /* leading space is dropped */
		} else {
			if (pending_space)
				res[len++] = ' ';
			pending_space = false;
			memcpy(res + len, p, (size_t)r);
			len += (size_t)r;
		}
		p += r;
	}
	res[len] = '\0'; /* a trailing run leaves pending_space set, unused */
out:
	free(nfkc);
	return res;
}

bool kf_name_equal(const char *a, const char *b)
{
	char *na = kf_name_normalize(a);
	char *nb = kf_name_normalize(b);
	bool eq = na && nb && na[0] != '\0' && strcmp(na, nb) == 0;
	free(na);
	free(nb);
	return eq;
}
