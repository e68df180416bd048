/* SPDX-License-Identifier: Apache-2.0 */
/* libFuzzer harness: account input validation and legal-name
 * normalisation, which see raw user text. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/names.h"
#include "core/validate.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);
	memcpy(s, data, size);
	s[size] = '\0';
	char out[32];
	struct kf_error err;
	(void)kf_validate_email(s);
	if (kf_validate_mobile(s, out, sizeof(out), &err) == KF_OK && out[0] != '+')
		abort();
	(void)kf_validate_password(s, "a@b.com", "+8613800000000", &err);
	if (kf_validate_utf8(s, strlen(s))) {
		char *n = kf_name_normalize(s);
		if (n) {
			/* normalising is idempotent */
			char *n2 = kf_name_normalize(n);
			if (!n2 || strcmp(n, n2))
				abort();
			free(n2);
			free(n);
		}
	}
	free(s);
	return 0;
}
