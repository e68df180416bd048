/* SPDX-License-Identifier: Apache-2.0 */
/* libFuzzer harness: image probing, hashing and the logo and preview
 * checks (LST-6, LST-10, LST-11, LST-21) on arbitrary bytes; also the QR
 * scan on the bytes taken as a grayscale picture. */
#include <stddef.h>
#include <stdint.h>

#include "core/image.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct kf_image_info info;
	struct kf_error err;
	(void)kf_image_probe(data, size, &info, &err);
	uint64_t h;
	(void)kf_image_phash_of(data, size, &h, &err);
	static struct kf_findings f;
	f.n = f.dropped = 0;
	struct kf_image_blob b = {data, size, 0};
	kf_image_check_logo(&b, "LST-6", "logo_file", &f);
	kf_image_check_icon_codes(&b, "logo_file", &f);
	if (size >= 64 * 64) {
		char text[32];
		(void)kf_image_find_qr(data, 64, (int)(size / 64 > 256 ? 256 : size / 64), text, sizeof(text));
	}
	kf_image_check_previews(&b, 1, &b, 1, &f);
	/* the same bytes as the prefix of a larger file: probed, not decoded */
	struct kf_image_blob p = {data, size, size + 1};
	kf_image_check_logo(&p, "LST-15", "company_logo_file", &f);
	kf_image_check_previews(&p, 1, NULL, 0, &f);
	return 0;
}
