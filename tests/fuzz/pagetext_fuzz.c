/* SPDX-License-Identifier: Apache-2.0 */
/* libFuzzer harness: the readable text of a privacy policy page
 * (push/pagetext.c). The first byte picks the Content-Type, the rest is the
 * body. The result is NULL exactly for types that are not read, otherwise
 * valid UTF-8 of at most KF_PAGE_TEXT_MAX bytes whose ASCII is only [a-z0-9]
 * (a skeleton has no space, punctuation or upper case); a page declared and
 * given as UTF-8 is always read; a UTF-8 text/plain page gives the skeleton
 * of its text (NUL read as a space). */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/terms.h"
#include "core/validate.h"
#include "push/pagetext.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const types[] = {
	"text/html", "text/html; charset=utf-8", "text/html; charset=gbk", "TEXT/HTML;charset=GB2312",
	"application/xhtml+xml", "text/plain", "text/plain; charset=utf-8", "text/plain; charset=iso-8859-1",
	"image/png", NULL, "text/html; charset=no-such-charset", "text/htmlx",
};
#define N_TYPES (sizeof(types) / sizeof(types[0]))

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	const char *ct = types[data[0] % N_TYPES];
	const char *body = (const char *)data + 1;
	size_t len = size - 1;
	char *t = kf_page_text(body, len, ct);
	bool html = ct && (!strncasecmp(ct, "text/html", 9) || !strncmp(ct, "application/xhtml+xml", 21)) &&
		    (ct[ct[0] == 'a' ? 21 : 9] == '\0' || ct[ct[0] == 'a' ? 21 : 9] == ';');
	bool plain = ct && !strncmp(ct, "text/plain", 10);
	if (t) {
		if (!len || !(html || plain))
			abort();
		size_t n = strlen(t);
		if (n > KF_PAGE_TEXT_MAX || !kf_validate_utf8(t, n))
			abort();
		for (size_t i = 0; i < n; i++) {
			unsigned char c = (unsigned char)t[i];
			if (c < 0x80 && !((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')))
				abort();
		}
	} else if (len && !memchr(body, '\0', len) && kf_validate_utf8(body, len) &&
		   ((html && strstr(ct, "utf-8")) || (plain && !strstr(ct, "iso-8859-1")))) {
		/* UTF-8 declared and given is always read (libxml2 gives no
		 * document for some other bytes, e.g. broken UTF-16) */
		abort();
	}
	if (t && plain && len < 4096) {
		char *text = malloc(len + 1);
		for (size_t i = 0; i < len; i++)
			text[i] = body[i] ? body[i] : ' ';
		text[len] = '\0';
		char *sk = kf_terms_skeleton(text);
		if (!sk || strcmp(sk, t))
			abort();
		free(sk);
		free(text);
	}
	free(t);
	return 0;
}
