/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The marketplace search's text rules (see core/search.h). utf8proc does
 * NFKC and case folding; the pinyin table is generated from Unihan.
 */
#include "core/search.h"

#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "util/mem.h"

const char *kf_pinyin_of(uint32_t cp)
{
	size_t lo = 0, hi = kf_pinyin_nchars;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (kf_pinyin_chars[mid].cp == cp)
			return kf_pinyin_syllables[kf_pinyin_chars[mid].syl];
		if (kf_pinyin_chars[mid].cp < cp)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

static bool is_space(utf8proc_int32_t cp)
{
	if (cp == '\t' || cp == '\n' || cp == '\v' || cp == '\f' || cp == '\r')
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

static void put_cp(char *buf, size_t *len, utf8proc_int32_t cp)
{
	*len += (size_t)utf8proc_encode_char(cp, (utf8proc_uint8_t *)buf + *len);
}

char *kf_search_normalize(const char *s)
{
	utf8proc_uint8_t *m = NULL;
	utf8proc_ssize_t n = utf8proc_map((const utf8proc_uint8_t *)s, 0, &m,
					  UTF8PROC_NULLTERM | UTF8PROC_STABLE | UTF8PROC_COMPOSE | UTF8PROC_COMPAT |
						  UTF8PROC_CASEFOLD);
	if (n < 0)
		return NULL;
	/* NFKC may leave letters that fold further (ﬀ → ff is done; Å is
	 * composed): one pass is enough for the texts of listings */
	char *out = kf_xmalloc((size_t)n + 1);
	size_t len = 0;
	bool space = false;
	const utf8proc_uint8_t *p = m, *end = m + n;
	while (p < end) {
		utf8proc_int32_t cp;
		utf8proc_ssize_t r = utf8proc_iterate(p, end - p, &cp);
		if (r <= 0)
			break;
		p += r;
		if (is_space(cp)) {
			space = len > 0;
			continue;
		}
		utf8proc_category_t c = utf8proc_category(cp);
		if (c == UTF8PROC_CATEGORY_CC || c == UTF8PROC_CATEGORY_CF)
			continue;
		if (space)
			out[len++] = ' ';
		space = false;
		put_cp(out, &len, cp);
	}
	out[len] = '\0';
	free(m);
	return out;
}

size_t kf_search_len(const char *s)
{
	size_t n = 0;
	for (; *s; s++)
		n += ((unsigned char)*s & 0xC0) != 0x80;
	return n;
}

/* Bytes of the code point starting at s (valid UTF-8). */
static size_t cp_len(const char *s)
{
	unsigned char c = (unsigned char)*s;
	return c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
}

bool kf_search_pinyin(const char *norm, char **full, char **initials)
{
	*full = *initials = NULL;
	size_t n = strlen(norm);
	char *f = kf_xmalloc(n * 6 + 1), *in = kf_xmalloc(n + 1);
	size_t fl = 0, il = 0;
	bool han = false;
	const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)norm, *end = p + n;
	while (p < end) {
		utf8proc_int32_t cp;
		utf8proc_ssize_t r = utf8proc_iterate(p, end - p, &cp);
		if (r <= 0)
			break;
		const char *syl = cp > 0x7f ? kf_pinyin_of((uint32_t)cp) : NULL;
		if (syl) {
			size_t sl = strlen(syl);
			memcpy(f + fl, syl, sl);
			fl += sl;
			in[il++] = syl[0];
			han = true;
		} else if (cp != ' ') {
			memcpy(f + fl, p, (size_t)r);
			fl += (size_t)r;
			memcpy(in + il, p, (size_t)r);
			il += (size_t)r;
		}
		p += r;
	}
	f[fl] = in[il] = '\0';
	if (!han) {
		free(f);
		free(in);
		return false;
	}
	*full = f;
	*initials = in;
	return true;
}

static bool has(const char *field, const char *nq)
{
	return field && *field && strstr(field, nq);
}

static bool starts(const char *field, const char *nq)
{
	return field && !strncmp(field, nq, strlen(nq));
}

int kf_search_match(const struct kf_search_doc *d, const char *nq)
{
	if (!nq || !*nq)
		return 0;
	if (has(d->name, nq))
		return 500 + (starts(d->name, nq) ? KF_SEARCH_PREFIX_BONUS : 0);
	if (has(d->pinyin, nq) || has(d->initials, nq))
		return 400 + (starts(d->pinyin, nq) || starts(d->initials, nq) ? KF_SEARCH_PREFIX_BONUS : 0);
	if (has(d->keywords, nq))
		return 300;
	if (has(d->intro, nq))
		return 200;
	if (has(d->developer, nq))
		return 100;
	return 0;
}

int kf_search_pop(int64_t installs)
{
	int bits = 0;
	while (installs > 0 && bits < 31) {
		bits++;
		installs >>= 1;
	}
	return bits;
}

struct grams {
	struct kf_search_gram *v;
	size_t n, cap;
};

static int gram_cmp(const void *a, const void *b)
{
	return strcmp(((const struct kf_search_gram *)a)->gram, ((const struct kf_search_gram *)b)->gram);
}

static void add_gram(struct grams *g, const char *s, size_t len)
{
	if (len >= KF_SEARCH_GRAM_MAX || strspn(s, " ") >= len)
		return;
	if (g->n == g->cap) {
		g->cap = g->cap ? g->cap * 2 : 64;
		g->v = kf_xrealloc(g->v, g->cap * sizeof(*g->v));
	}
	memcpy(g->v[g->n].gram, s, len);
	g->v[g->n].gram[len] = '\0';
	g->v[g->n].score = 0;
	g->n++;
}

/* Every 1-3 code point piece of text, not across KF_SEARCH_SEP. */
static void add_text(struct grams *g, const char *text, size_t maxlen)
{
	if (!text)
		return;
	for (const char *s = text; *s; s += cp_len(s)) {
		const char *e = s;
		for (size_t k = 0; k < maxlen && *e && *e != KF_SEARCH_SEP[0]; k++) {
			e += cp_len(e);
			add_gram(g, s, (size_t)(e - s));
		}
	}
}

static void unique(struct grams *g)
{
	if (!g->n)
		return;
	qsort(g->v, g->n, sizeof(*g->v), gram_cmp);
	size_t w = 1;
	for (size_t i = 1; i < g->n; i++)
		if (strcmp(g->v[i].gram, g->v[w - 1].gram))
			g->v[w++] = g->v[i];
	g->n = w;
}

bool kf_search_grams(const struct kf_search_doc *d, struct kf_search_gram **out, size_t *n)
{
	struct grams g = {0};
	const char *fields[] = {d->name, d->pinyin, d->initials, d->keywords, d->intro, d->developer};
	for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
		add_text(&g, fields[i], 3);
	unique(&g);
	for (size_t i = 0; i < g.n; i++)
		g.v[i].score = kf_search_match(d, g.v[i].gram);
	*out = g.v;
	*n = g.n;
	return true;
}

bool kf_search_query_grams(const char *nq, struct kf_search_gram **out, size_t *n)
{
	struct grams g = {0};
	if (kf_search_len(nq) <= 3) {
		add_gram(&g, nq, strlen(nq));
	} else {
		for (const char *s = nq; *s; s += cp_len(s)) {
			const char *e = s;
			size_t k = 0;
			while (k < 3 && *e) {
				e += cp_len(e);
				k++;
			}
			if (k == 3)
				add_gram(&g, s, (size_t)(e - s));
		}
		/* keep the first piece first, the rest without repeats */
		if (g.n > 1) {
			qsort(g.v + 1, g.n - 1, sizeof(*g.v), gram_cmp);
			size_t w = 1;
			for (size_t i = 1; i < g.n; i++)
				if (strcmp(g.v[i].gram, g.v[0].gram) && (w == 1 || strcmp(g.v[i].gram, g.v[w - 1].gram)))
					g.v[w++] = g.v[i];
			g.n = w;
		}
	}
	*out = g.v;
	*n = g.n;
	return true;
}
