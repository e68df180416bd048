/* SPDX-License-Identifier: Apache-2.0 */
/*
 * QR code → SVG. One path of unit squares, so the markup is numbers only:
 * nothing from the encoded text reaches the SVG.
 */
#include "web/qr.h"

#include <qrencode.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/mem.h"
#include "web/html.h"

#define QUIET 4

/* "<svg …><path d=…/></svg>" with extra attributes attrs (trusted markup). */
static char *render(const char *text, const char *attrs)
{
	QRcode *q = QRcode_encodeString(text, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
	if (!q)
		return NULL;
	int w = q->width, size = w + 2 * QUIET;
	size_t cap = (size_t)w * (size_t)w * 24 + 512, n = 0;
	char *out = kf_xmalloc(cap);
	n += (size_t)snprintf(out + n, cap - n,
			      "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %d %d\" width=\"%d\" height=\"%d\""
			      " shape-rendering=\"crispEdges\"%s><rect width=\"%d\" height=\"%d\" fill=\"#fff\"/>"
			      "<path fill=\"#000\" d=\"",
			      size, size, size * 5, size * 5, attrs, size, size);
	for (int y = 0; y < w; y++)
		for (int x = 0; x < w; x++)
			if (q->data[y * w + x] & 1)
				n += (size_t)snprintf(out + n, cap - n, "M%d %dh1v1h-1z", x + QUIET, y + QUIET);
	snprintf(out + n, cap - n, "\"/></svg>");
	QRcode_free(q);
	return out;
}

char *kf_qr_svg(const char *text)
{
	return render(text, "");
}

bool kf_qr_html(struct kf_html *h, const char *text, const char *label)
{
	char *svg = render(text, " aria-hidden=\"true\" focusable=\"false\"");
	if (!svg)
		return false;
	/* the label goes in as an escaped attribute; the SVG itself is numbers */
	kf_html_raw(h, "<figure class=\"qr\"><span");
	kf_html_attr(h, "role", "img");
	kf_html_attr(h, "aria-label", label);
	kf_html_raw(h, ">");
	kf_html_raw(h, svg);
	kf_html_raw(h, "</span></figure>");
	free(svg);
	return true;
}
