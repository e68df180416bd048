/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A tiny HTML builder whose only way to emit text is escaped.
 *
 * Markup written in the C source goes through kf_html_raw; every other value
 * (names, descriptions, ids, URLs) goes through kf_html_text, kf_html_attr or
 * kf_html_url_attr, which escape & < > " ' and replace what is not clean
 * UTF-8 text with U+FFFD. Attribute values are always double-quoted, so one
 * escaping serves both text and attribute contexts. Nothing here is allowed
 * in a <script> or <style> element: the pages have no inline script at all
 * and their only stylesheet is a constant.
 *
 * Memory comes from a request arena (util/mem.h): nothing is freed by hand,
 * every returned pointer stays valid until kf_arena_free.
 */
#ifndef KF_WEB_HTML_H
#define KF_WEB_HTML_H

#include <stdbool.h>
#include <stddef.h>

struct kf_arena;

/* Largest document a builder produces (bytes, without the NUL). Appends past
 * it are dropped and the builder is marked overflowed, so a huge input can
 * never make a page grow without bound. */
#define KF_HTML_MAX ((size_t)1 << 20)

/* A growable output buffer in an arena. Plain value type: initialise with
 * kf_html_init, fill with the append functions, take the result with
 * kf_html_finish. Fields are private to html.c. */
struct kf_html {
	struct kf_arena *arena;
	char *buf;
	size_t len, cap;
	bool overflow;
};

/* Start an empty document whose buffers come from a (borrowed; must outlive
 * the builder and the result). */
void kf_html_init(struct kf_html *h, struct kf_arena *a);

/* Append literal markup verbatim. markup must be a constant written in the C
 * source (tags, attribute names, CSS): never pass data through it. NULL
 * appends nothing. */
void kf_html_raw(struct kf_html *h, const char *markup);

/* Append text, escaped for element content and attribute values (see
 * kf_html_escape). NULL appends nothing. */
void kf_html_text(struct kf_html *h, const char *text);

/* Append ` name="value"` with value escaped. name must be a literal attribute
 * name from the C source. value NULL appends nothing at all (the attribute is
 * left out); "" appends name="". */
void kf_html_attr(struct kf_html *h, const char *name, const char *value);

/* Append ` name="url"` (escaped) if kf_html_url_safe(url); otherwise append
 * nothing and return false. For every href, src and action. */
bool kf_html_url_attr(struct kf_html *h, const char *name, const char *url);

/* The document built so far, NUL-terminated, in the arena (valid until
 * kf_arena_free); *len (may be NULL) receives its length. Returns NULL if
 * the builder overflowed KF_HTML_MAX. Appending after finishing may reuse
 * the same buffer: take the result only when the document is complete. */
const char *kf_html_finish(struct kf_html *h, size_t *len);

/* Escaped copy of text in a: & < > " ' become &amp; &lt; &gt; &quot; &#39;;
 * invalid UTF-8 (bad bytes, overlong forms, surrogates, values past
 * U+10FFFF), control characters other than tab, LF and CR, and Unicode
 * noncharacters each become U+FFFD, so the result is always clean UTF-8
 * that an HTML parser accepts without error. text NULL gives "". */
char *kf_html_escape(struct kf_arena *a, const char *text);

/* Whether url may be placed in an href, src or action attribute: an http or
 * https URL with a host (scheme compared case-insensitively), or a relative
 * reference (path, query or fragment; "//host/…" counts as it keeps the
 * page's scheme). Refused: NULL, "", any other scheme (javascript:, data:,
 * vbscript:, file:, …), bytes below 0x21 and 0x7f anywhere (browsers strip
 * tabs and newlines inside URLs, which hides schemes such as "java\tscript:"),
 * backslashes (browsers read them as "/"), invalid UTF-8, and more than
 * 4096 bytes. */
bool kf_html_url_safe(const char *url);

#endif
