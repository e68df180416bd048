/* SPDX-License-Identifier: Apache-2.0 */
/* Upload types by declared media type and magic number (see upload.h). */
#include "core/upload.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

struct ftype {
	const char *mime;
	const unsigned char *magic;
	size_t magic_len;
};

static const unsigned char png_magic[] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
static const unsigned char jpg_magic[] = {0xff, 0xd8, 0xff};
static const unsigned char gif_magic[] = {'G', 'I', 'F', '8'};
static const unsigned char pdf_magic[] = {'%', 'P', 'D', 'F', '-'};

static const struct ftype types[] = {
	{"image/png", png_magic, sizeof(png_magic)},
	{"image/jpeg", jpg_magic, sizeof(jpg_magic)},
	{"image/gif", gif_magic, sizeof(gif_magic)},
	{"application/pdf", pdf_magic, sizeof(pdf_magic)},
};

enum kf_err kf_upload_sniff(const char *content_type, const void *body, size_t len, const char **mime,
			    struct kf_error *err)
{
	char declared[64] = "";
	*mime = NULL;
	if (content_type)
		snprintf(declared, sizeof(declared), "%.*s", (int)strcspn(content_type, "; "), content_type);
	const struct ftype *t = NULL;
	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++)
		if (!strcasecmp(declared, types[i].mime))
			t = &types[i];
	if (!t) {
		kf_error_set(err, KF_EINVAL, "unsupported_type", NULL, "Content-Type",
			     "upload PNG, JPEG, GIF or PDF files (got '%s')", declared[0] ? declared : "none");
		if (err)
			err->status = 415;
		return KF_EINVAL;
	}
	if (!len)
		return kf_error_set(err, KF_EINVAL, "empty_file", NULL, "body", "the file is empty");
	if (len < t->magic_len || memcmp(body, t->magic, t->magic_len))
		return kf_error_set(err, KF_EINVAL, "content_mismatch", NULL, "Content-Type",
				    "the content is not a %s file", t->mime);
	*mime = t->mime;
	return KF_OK;
}
