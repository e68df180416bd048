/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Readable text of a fetched page, as a skeleton (see pagetext.h).
 *
 * The Content-Type is read here, not by libxml2: only its media type and
 * charset parameter matter. An HTML document is built by htmlReadMemory in a
 * parser context private to the call (libxml2 is thread-safe that way once
 * xmlInitParser has run, which a pthread_once guarantees) with the network
 * off, then walked without recursion, so the depth of a hostile page costs
 * no stack. The walk appends every text and CDATA node outside <script>,
 * <style> and <template> to one growing buffer, a space between nodes, so
 * words of neighbouring elements never run into a different word before the
 * skeleton drops the spaces anyway. libxml2 hands out UTF-8 whatever the
 * page's encoding was, which kf_terms_skeleton needs.
 */
#include "push/pagetext.h"

#include <limits.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/HTMLparser.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <utf8proc.h>

#include "core/terms.h"
#include "util/mem.h"

#define PARSE_OPTIONS (HTML_PARSE_RECOVER | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING | HTML_PARSE_NONET)

/* Longer charset names are not real ones (IANA's longest is 45 bytes). */
#define CHARSET_MAX 64

enum kind { KIND_OTHER, KIND_HTML, KIND_TEXT };

struct buf {
	char *p;
	size_t len, cap;
};

static pthread_once_t xml_once = PTHREAD_ONCE_INIT;

static void xml_init(void)
{
	xmlInitParser();
}

static char lower(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

/* ASCII case-insensitive equality of s[0..n) and the lower-case word w
 * (locale-independent, unlike strncasecmp). */
static bool word_eq(const char *s, size_t n, const char *w)
{
	if (strlen(w) != n)
		return false;
	for (size_t i = 0; i < n; i++)
		if (lower(s[i]) != w[i])
			return false;
	return true;
}

static bool ows(char c)
{
	return c == ' ' || c == '\t';
}

/* s[*from..end) without the white space around it. */
static void trim(const char *s, size_t *from, size_t *end)
{
	while (*from < *end && ows(s[*from]))
		(*from)++;
	while (*end > *from && ows(s[*end - 1]))
		(*end)--;
}

/*
 * The kind of page a Content-Type names, and its charset parameter in
 * charset[0..CHARSET_MAX) ("" when absent, empty or too long to be real).
 */
static enum kind parse_content_type(const char *ct, char *charset)
{
	charset[0] = '\0';
	if (!ct)
		return KIND_OTHER;
	size_t end = strcspn(ct, ";"), from = 0;
	trim(ct, &from, &end);
	enum kind k = KIND_OTHER;
	if (word_eq(ct + from, end - from, "text/html") || word_eq(ct + from, end - from, "application/xhtml+xml"))
		k = KIND_HTML;
	else if (word_eq(ct + from, end - from, "text/plain"))
		k = KIND_TEXT;
	for (const char *p = strchr(ct, ';'); p; p = strchr(p + 1, ';')) {
		size_t pf = 1, pe = strcspn(p + 1, ";") + 1;
		trim(p, &pf, &pe);
		const char *eq = memchr(p + pf, '=', pe - pf);
		if (!eq)
			continue;
		size_t nf = pf, ne = (size_t)(eq - p), vf = ne + 1, ve = pe;
		trim(p, &nf, &ne);
		trim(p, &vf, &ve);
		if (!word_eq(p + nf, ne - nf, "charset"))
			continue;
		if (ve - vf >= 2 && p[vf] == '"' && p[ve - 1] == '"') {
			vf++;
			ve--;
		}
		if (ve - vf < CHARSET_MAX) {
			memcpy(charset, p + vf, ve - vf);
			charset[ve - vf] = '\0';
		}
		break; /* the first charset parameter counts */
	}
	return k;
}

static void buf_add(struct buf *b, const char *s, size_t n)
{
	if (n + 1 > b->cap - b->len) {
		size_t cap = b->cap ? b->cap : 4096;
		while (n + 1 > cap - b->len)
			cap *= 2;
		b->p = kf_xrealloc(b->p, cap);
		b->cap = cap;
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

static bool skipped(const xmlNode *n)
{
	return n->name && (!xmlStrcasecmp(n->name, (const xmlChar *)"script") ||
			   !xmlStrcasecmp(n->name, (const xmlChar *)"style") ||
			   !xmlStrcasecmp(n->name, (const xmlChar *)"template"));
}

/* Append the text under root, depth first in document order. */
static void collect(xmlNode *root, struct buf *b)
{
	xmlNode *n = root;
	while (n) {
		bool descend = false;
		switch (n->type) {
		case XML_TEXT_NODE:
		case XML_CDATA_SECTION_NODE:
			if (n->content && n->content[0]) {
				if (b->len)
					buf_add(b, " ", 1);
				buf_add(b, (const char *)n->content, strlen((const char *)n->content));
			}
			break;
		case XML_ELEMENT_NODE:
			descend = !skipped(n);
			break;
		case XML_DOCUMENT_NODE:
		case XML_HTML_DOCUMENT_NODE:
			descend = true;
			break;
		default: /* comments, DTDs, processing instructions */
			break;
		}
		if (descend && n->children) {
			n = n->children;
			continue;
		}
		while (n != root && !n->next)
			n = n->parent;
		if (n == root)
			break;
		n = n->next;
	}
}

/* libxml2 copies bytes that are not UTF-8 into the text of a page read
 * as UTF-8 (declared, or by default), and the skeleton of such a text is
 * NULL: one stray byte made the whole page unreadable for LST-20 (found by
 * tests/fuzz/pagetext_fuzz.c). Each byte that does not start a valid
 * sequence becomes a space. */
static void scrub_utf8(char *s)
{
	size_t len = strlen(s);
	for (size_t i = 0; i < len;) {
		utf8proc_int32_t cp;
		utf8proc_ssize_t n = utf8proc_iterate((const utf8proc_uint8_t *)s + i, (utf8proc_ssize_t)(len - i), &cp);
		if (n < 1) {
			s[i++] = ' ';
			continue;
		}
		i += (size_t)n;
	}
}

/* The collected UTF-8 text of an HTML page; NULL when libxml2 gives no
 * document. */
static char *html_text(const char *body, size_t len, const char *charset)
{
	pthread_once(&xml_once, xml_init);
	htmlDocPtr doc = htmlReadMemory(body, (int)len, NULL, charset[0] ? charset : NULL, PARSE_OPTIONS);
	if (!doc)
		return NULL;
	struct buf b = { 0 };
	buf_add(&b, "", 0);
	collect((xmlNode *)doc, &b);
	xmlFreeDoc(doc);
	scrub_utf8(b.p);
	return b.p;
}

/* text/plain as a C string: NUL bytes (control characters, which the
 * skeleton drops) become spaces so they do not end the text early. */
static char *plain_text(const char *body, size_t len, const char *charset)
{
	if (charset[0] && !word_eq(charset, strlen(charset), "utf-8") &&
	    !word_eq(charset, strlen(charset), "us-ascii"))
		return NULL;
	char *s = kf_xstrndup(body, len);
	for (size_t i = 0; i < len; i++)
		if (s[i] == '\0')
			s[i] = ' ';
	return s;
}

/* Keep the first and last KF_PAGE_TEXT_MAX/2 bytes of s (len bytes, valid
 * UTF-8), each cut back to whole code points. */
static void cut_middle(char *s, size_t len)
{
	size_t half = KF_PAGE_TEXT_MAX / 2;
	size_t head = half, tail = len - half;
	while (head > 0 && ((unsigned char)s[head] & 0xC0) == 0x80)
		head--;
	while (tail < len && ((unsigned char)s[tail] & 0xC0) == 0x80)
		tail++;
	memmove(s + head, s + tail, len - tail);
	s[head + len - tail] = '\0';
}

char *kf_page_text(const char *body, size_t len, const char *content_type)
{
	char charset[CHARSET_MAX];
	char *text = NULL, *skel = NULL;

	if (!body || len == 0 || len > INT_MAX)
		goto out;
	switch (parse_content_type(content_type, charset)) {
	case KIND_HTML:
		text = html_text(body, len, charset);
		break;
	case KIND_TEXT:
		text = plain_text(body, len, charset);
		break;
	case KIND_OTHER:
		break;
	}
	if (!text)
		goto out;
	skel = kf_terms_skeleton(text);
	if (!skel)
		goto out;
	size_t n = strlen(skel);
	if (n > KF_PAGE_TEXT_MAX) {
		cut_middle(skel, n);
		skel = kf_xrealloc(skel, strlen(skel) + 1);
	}
out:
	free(text);
	return skel;
}
