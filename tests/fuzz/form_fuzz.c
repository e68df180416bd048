/* SPDX-License-Identifier: Apache-2.0 */
/* libFuzzer harness: application/x-www-form-urlencoded bodies (the consent
 * page's forms, http/form.c). Every decoded pair is NUL-free, and encoding
 * the pairs again (libcurl's escaper) and parsing that gives the same pairs. */
#include <curl/curl.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "http/form.h"
#include "util/mem.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char *encode(struct kf_arena *a, const struct kf_form *f, size_t *len)
{
	char *out = kf_arena_strdup(a, "");
	for (size_t i = 0; i < f->n; i++) {
		char *n = curl_easy_escape(NULL, f->names[i], (int)strlen(f->names[i]));
		char *v = curl_easy_escape(NULL, f->values[i], (int)strlen(f->values[i]));
		if (!n || !v)
			abort();
		out = kf_arena_printf(a, "%s%s%s=%s", out, i ? "&" : "", n, v);
		curl_free(n);
		curl_free(v);
	}
	*len = strlen(out);
	return out;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct kf_arena *a = kf_arena_new();
	static struct kf_form f, g;
	/* the body is not NUL-terminated: the parser must keep to len */
	char *body = malloc(size ? size : 1);
	memcpy(body, data, size);
	if (kf_form_parse(a, body, size, &f) == 0) {
		if (f.n > KF_FORM_MAX_FIELDS)
			abort();
		for (size_t i = 0; i < f.n; i++) {
			/* a name or value never comes out longer than its text */
			if (!f.names[i] || !f.values[i] || strlen(f.names[i]) > size || strlen(f.values[i]) > size)
				abort();
			if (kf_form_get(&f, f.names[i]) == NULL)
				abort();
		}
		size_t len;
		char *again = encode(a, &f, &len);
		if (kf_form_parse(a, again, len, &g) != 0 || g.n != f.n)
			abort();
		for (size_t i = 0; i < f.n; i++)
			if (strcmp(f.names[i], g.names[i]) || strcmp(f.values[i], g.values[i]))
				abort();
		const char *all[8];
		if (f.n && kf_form_all(&f, f.names[0], all, 8) == 0)
			abort();
	}
	free(body);
	kf_arena_free(a);
	return 0;
}
