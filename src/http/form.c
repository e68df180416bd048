/* SPDX-License-Identifier: Apache-2.0 */
/* Form decoding: '+' is a space, %XX decoded by libcurl's unescaper. */
#include "http/form.h"

#include <curl/curl.h>
#include <string.h>

#include "util/mem.h"

static const char *decode(struct kf_arena *a, const char *s, size_t n)
{
	char *tmp = kf_arena_strndup(a, s, n);
	for (char *p = tmp; *p; p++)
		if (*p == '+')
			*p = ' ';
	int outlen = 0;
	char *d = curl_easy_unescape(NULL, tmp, (int)n, &outlen);
	if (!d)
		return NULL;
	const char *res = memchr(d, '\0', (size_t)outlen) ? NULL : kf_arena_strndup(a, d, (size_t)outlen);
	curl_free(d);
	return res;
}

int kf_form_parse(struct kf_arena *a, const char *body, size_t len, struct kf_form *out)
{
	out->n = 0;
	const char *p = body, *end = body + len;
	while (p < end) {
		const char *amp = memchr(p, '&', (size_t)(end - p));
		const char *stop = amp ? amp : end;
		if (stop > p) {
			if (out->n == KF_FORM_MAX_FIELDS)
				return -1;
			const char *eq = memchr(p, '=', (size_t)(stop - p));
			const char *name = decode(a, p, (size_t)((eq ? eq : stop) - p));
			const char *value = eq ? decode(a, eq + 1, (size_t)(stop - eq - 1)) : "";
			if (!name || !value)
				return -1;
			out->names[out->n] = name;
			out->values[out->n] = value;
			out->lens[out->n] = strlen(value);
			out->filenames[out->n] = NULL;
			out->types[out->n] = NULL;
			out->n++;
		}
		p = stop + 1;
	}
	return 0;
}

const char *kf_form_get(const struct kf_form *f, const char *name)
{
	for (size_t i = 0; i < f->n; i++)
		if (!strcmp(f->names[i], name))
			return f->values[i];
	return NULL;
}

size_t kf_form_all(const struct kf_form *f, const char *name, const char **out, size_t max)
{
	size_t k = 0;
	for (size_t i = 0; i < f->n && k < max; i++)
		if (!strcmp(f->names[i], name))
			out[k++] = f->values[i];
	return k;
}

void kf_form_set(struct kf_form *f, const char *name, const char *value)
{
	if (!value || f->n == KF_FORM_MAX_FIELDS)
		return;
	f->names[f->n] = name;
	f->values[f->n] = value;
	f->lens[f->n] = strlen(value);
	f->filenames[f->n] = NULL;
	f->types[f->n] = NULL;
	f->n++;
}

int kf_form_index(const struct kf_form *f, const char *name)
{
	for (size_t i = 0; i < f->n; i++)
		if (!strcmp(f->names[i], name))
			return (int)i;
	return -1;
}
