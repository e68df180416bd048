/* SPDX-License-Identifier: Apache-2.0 */
/* libFuzzer harness: image probing, hashing and the logo and preview
 * checks (LST-6, LST-10, LST-11) on arbitrary bytes. */
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
	struct kf_image_finding items[16];
	struct kf_image_findings f;
	kf_image_findings_init(&f, items, 16);
	kf_image_check_logo(data, size, "LST-6", "logo_file", &f);
	struct kf_image_blob b = {data, size};
	kf_image_check_previews(&b, 1, &b, 1, &f);
	return 0;
}
