/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The readable text of a fetched web page, brought to the skeleton form of
 * core/terms.h, so that a later check can look for a name in it (LST-20: a
 * privacy policy page must name the provider's operating entity). HTML is
 * parsed with libxml2's HTML parser into a tree private to the call; plain
 * text is taken as it is. Pure: no I/O, no clock.
 *
 * Thread-safe: each call owns its parser context and document, and the
 * module never changes libxml2's global state beyond a one-time
 * xmlInitParser (never xmlCleanupParser).
 */
#ifndef KF_PUSH_PAGETEXT_H
#define KF_PUSH_PAGETEXT_H

#include <stddef.h>

/* The most bytes of skeleton kept for one page. */
#define KF_PAGE_TEXT_MAX (256 * 1024)

/*
 * The skeleton (kf_terms_skeleton, core/terms.h) of the readable text of a
 * page body[0..len) whose HTTP Content-Type is content_type (may be NULL;
 * parameters such as "; charset=gbk" allowed, case-insensitive media type).
 * text/html and application/xhtml+xml: parsed with libxml2's HTML parser
 * (htmlReadMemory, options HTML_PARSE_RECOVER | HTML_PARSE_NOERROR |
 * HTML_PARSE_NOWARNING | HTML_PARSE_NONET), encoding taken from the
 * Content-Type charset when given (and known to libxml2; it then wins over a
 * meta charset), else libxml2's own detection (meta charset; UTF-8 when
 * there is none); text of <script>, <style> and <template> elements and
 * comments is left out; text nodes are joined with a space between them.
 * Bytes of an HTML page's text that are not UTF-8 once decoded count as
 * spaces. text/plain: body must be valid UTF-8 (a charset other than utf-8/us-ascii
 * → NULL); NUL bytes count as white space.
 * Anything else, a NULL or empty body, a body longer than INT_MAX bytes,
 * or HTML that libxml2 makes no document of (such as broken UTF-16) →
 * NULL. The caller caps the body it reads; time and memory are linear in
 * len.
 * When the skeleton is longer than KF_PAGE_TEXT_MAX bytes, its first and
 * last KF_PAGE_TEXT_MAX/2 bytes (cut at UTF-8 code point boundaries) are
 * kept, joined directly (the footer, where an operating entity is often
 * named, survives).
 * Returns a new NUL-terminated string the caller frees with free(), or NULL.
 * A page without text gives "" (not NULL).
 */
char *kf_page_text(const char *body, size_t len, const char *content_type);

#endif
