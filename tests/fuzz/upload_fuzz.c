/* SPDX-License-Identifier: Apache-2.0 */
/* libFuzzer harness: upload content sniffing (core/upload.c, POST
 * /v1/files) and, for accepted images, the image probe (core/image.c). The
 * first line is the Content-Type header, the rest the file. An accepted
 * upload has one of the four canonical types and starts with that type's
 * magic number, and the image probe agrees on the format; a refusal
 * names a code and the field. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/image.h"
#include "core/upload.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const struct {
	const char *mime;
	const char *magic;
	size_t n;
} known[] = {
	{"image/png", "\x89PNG\r\n\x1a\n", 8},
	{"image/jpeg", "\xff\xd8\xff", 3},
	{"image/gif", "GIF8", 4},
	{"application/pdf", "%PDF-", 5},
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *nl = memchr(data, '\n', size);
	size_t hl = nl ? (size_t)(nl - data) : 0;
	char *ct = malloc(hl + 1);
	memcpy(ct, data, hl);
	ct[hl] = '\0';
	const unsigned char *body = nl ? nl + 1 : data;
	size_t len = nl ? size - hl - 1 : size;

	const char *mime = (const char *)1;
	struct kf_error err = {0};
	if (kf_upload_sniff(nl ? ct : NULL, body, len, &mime, &err) == KF_OK) {
		size_t i;
		for (i = 0; i < 4; i++)
			if (mime == known[i].mime || (mime && !strcmp(mime, known[i].mime)))
				break;
		if (i == 4 || len < known[i].n || memcmp(body, known[i].magic, known[i].n) ||
		    strncasecmp(ct, known[i].mime, strlen(known[i].mime)))
			abort();
		if (i < 3) {
			struct kf_image_info info;
			struct kf_error ierr;
			static const enum kf_image_format fmt[] = {KF_IMAGE_FORMAT_PNG, KF_IMAGE_FORMAT_JPEG,
								    KF_IMAGE_FORMAT_GIF};
			/* the probe reads the same magic number as the sniffer */
			if (kf_image_probe(body, len, &info, &ierr) == KF_OK && (info.fmt != fmt[i] || info.bytes != len))
				abort();
		}
	} else if (mime || !err.name || !err.field) {
		abort();
	}
	free(ct);
	return 0;
}
