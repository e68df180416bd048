/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The HTML builder: an arena buffer that grows by doubling, and the one
 * escaping routine every value goes through. Invariant: after any sequence
 * of appends other than kf_html_raw, the buffer holds clean UTF-8 in which no
 * value can open a tag, close an attribute or start an entity.
 */
#include "web/html.h"

#include <stdint.h>
#include <string.h>
#include <strings.h>

#include "util/mem.h"

#define URL_MAX 4096
#define REPLACEMENT "\xef\xbf\xbd" /* U+FFFD */

void kf_html_init(struct kf_html *h, struct kf_arena *a)
{
	h->arena = a;
	h->buf = NULL;
	h->len = 0;
	h->cap = 0;
	h->overflow = false;
}

/* Room for n more bytes plus the NUL; false (and overflow) past the cap. */
static bool reserve(struct kf_html *h, size_t n)
{
	if (h->overflow)
		return false;
	if (n > KF_HTML_MAX - h->len) {
		h->overflow = true;
		return false;
	}
	size_t need = h->len + n + 1;
	if (need <= h->cap)
		return true;
	size_t cap = h->cap ? h->cap : 4096;
	while (cap < need)
		cap *= 2;
	/* The arena cannot grow a block in place; the old buffer is left to the
	 * arena, so doubling wastes at most the final size once. */
	char *nb = kf_arena_alloc(h->arena, cap);
	if (h->len)
		memcpy(nb, h->buf, h->len);
	h->buf = nb;
	h->cap = cap;
	return true;
}

static void put(struct kf_html *h, const char *s, size_t n)
{
	if (!n || !reserve(h, n))
		return;
	memcpy(h->buf + h->len, s, n);
	h->len += n;
}

void kf_html_raw(struct kf_html *h, const char *markup)
{
	if (markup)
		put(h, markup, strlen(markup));
}

/*
 * Decode one UTF-8 sequence at s (which has at least one byte before its
 * NUL). Returns the number of bytes it spans and sets *cp, or returns 1 with
 * *cp = -1 for a byte that does not start a well-formed sequence (stray
 * continuation, overlong form, surrogate, past U+10FFFF, truncated).
 */
static size_t utf8_decode(const unsigned char *s, int32_t *cp)
{
	unsigned char c = s[0];
	*cp = -1;
	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	size_t n;
	int32_t v, min;
	if (c >= 0xc2 && c <= 0xdf) {
		n = 2, v = c & 0x1f, min = 0x80;
	} else if (c >= 0xe0 && c <= 0xef) {
		n = 3, v = c & 0x0f, min = 0x800;
	} else if (c >= 0xf0 && c <= 0xf4) {
		n = 4, v = c & 0x07, min = 0x10000;
	} else {
		return 1;
	}
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80) /* also stops at the NUL */
			return 1;
		v = (v << 6) | (s[i] & 0x3f);
	}
	if (v < min || v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff))
		return 1;
	*cp = v;
	return n;
}

/* Code points that are not clean HTML text: controls other than tab, LF and
 * CR (C0, DEL, C1) and the noncharacters. */
static bool unwanted(int32_t cp)
{
	if (cp < 0x20)
		return cp != '\t' && cp != '\n' && cp != '\r';
	if (cp >= 0x7f && cp <= 0x9f)
		return true;
	if (cp >= 0xfdd0 && cp <= 0xfdef)
		return true;
	return (cp & 0xfffe) == 0xfffe;
}

/* The escaped form of one character, or NULL to copy it as is. */
static const char *entity(int32_t cp)
{
	switch (cp) {
	case '&':
		return "&amp;";
	case '<':
		return "&lt;";
	case '>':
		return "&gt;";
	case '"':
		return "&quot;";
	case '\'':
		return "&#39;";
	default:
		return unwanted(cp) ? REPLACEMENT : NULL;
	}
}

/*
 * Escape text into out, or only measure it when out is NULL. Returns the
 * escaped length. Verbatim runs are copied whole, so clean text costs one
 * scan and one memcpy per run.
 */
static size_t escape(const char *text, char *out)
{
	const unsigned char *s = (const unsigned char *)text;
	const unsigned char *run = s; /* start of bytes copied verbatim */
	size_t n_out = 0;
	for (;;) {
		int32_t cp = 0;
		size_t n = *s ? utf8_decode(s, &cp) : 0;
		const char *rep = !*s ? "" : cp < 0 ? REPLACEMENT : entity(cp);
		if (rep) {
			size_t k = (size_t)(s - run), r = strlen(rep);
			if (out) {
				memcpy(out + n_out, run, k);
				memcpy(out + n_out + k, rep, r);
			}
			n_out += k + r;
			run = s + n;
		}
		if (!*s)
			return n_out;
		s += n;
	}
}

void kf_html_text(struct kf_html *h, const char *text)
{
	if (!text)
		return;
	size_t n = escape(text, NULL);
	if (!n || !reserve(h, n))
		return;
	escape(text, h->buf + h->len);
	h->len += n;
}

void kf_html_attr(struct kf_html *h, const char *name, const char *value)
{
	if (!value)
		return;
	kf_html_raw(h, " ");
	kf_html_raw(h, name);
	kf_html_raw(h, "=\"");
	kf_html_text(h, value);
	kf_html_raw(h, "\"");
}

bool kf_html_url_attr(struct kf_html *h, const char *name, const char *url)
{
	if (!kf_html_url_safe(url))
		return false;
	kf_html_attr(h, name, url);
	return true;
}

const char *kf_html_finish(struct kf_html *h, size_t *len)
{
	if (len)
		*len = 0;
	if (h->overflow || !reserve(h, 0))
		return NULL;
	h->buf[h->len] = '\0';
	if (len)
		*len = h->len;
	return h->buf;
}

char *kf_html_escape(struct kf_arena *a, const char *text)
{
	if (!text)
		text = "";
	size_t n = escape(text, NULL);
	char *out = kf_arena_alloc(a, n + 1);
	escape(text, out);
	out[n] = '\0';
	return out;
}

static bool is_alpha(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool is_scheme_char(unsigned char c)
{
	return is_alpha(c) || (c >= '0' && c <= '9') || c == '+' || c == '-' || c == '.';
}

bool kf_html_url_safe(const char *url)
{
	if (!url || !*url)
		return false;
	const unsigned char *s = (const unsigned char *)url;
	size_t len = 0;
	while (s[len]) {
		unsigned char c = s[len];
		if (c <= 0x20 || c == 0x7f || c == '\\')
			return false;
		int32_t cp;
		size_t n = utf8_decode(s + len, &cp);
		if (cp < 0 || unwanted(cp))
			return false;
		len += n;
		if (len > URL_MAX)
			return false;
	}
	/* A scheme is what the WHATWG URL parser takes for one: a letter, then
	 * letters, digits, + - . up to a colon. Anything else first means a
	 * relative reference. */
	size_t i = 0;
	if (is_alpha(s[0])) {
		while (is_scheme_char(s[i]))
			i++;
	}
	if (i == 0 || s[i] != ':') {
		/* Relative; a network-path reference must name a host. */
		if (s[0] == '/' && s[1] == '/')
			return s[2] && s[2] != '/' && s[2] != '?' && s[2] != '#';
		return true;
	}
	bool http = (i == 4 && !strncasecmp(url, "http", 4)) || (i == 5 && !strncasecmp(url, "https", 5));
	if (!http)
		return false;
	const unsigned char *rest = s + i + 1;
	if (rest[0] != '/' || rest[1] != '/')
		return false;
	unsigned char h0 = rest[2];
	return h0 && h0 != '/' && h0 != '?' && h0 != '#' && h0 != '@' && h0 != ':';
}
