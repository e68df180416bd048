/* SPDX-License-Identifier: Apache-2.0 */
/* libFuzzer harness: redirect URI registration and matching (core/oauth.c:
 * kf_oauth_redirect_uri_check, kf_oauth_redirect_uri_match). A URI that
 * may be registered is printable ASCII without a backslash, control
 * character, fragment or user info, and https or http on loopback; a
 * registered URI matches itself, and nothing else matches it unless the
 * loopback port rule allows. Kept small: the redirect rules are being
 * tightened (issue 9, defect 1); the properties stay. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/oauth.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);
	memcpy(s, data, size);
	s[size] = '\0';
	/* line 1: the registered URI; line 2 (optional): the one presented */
	char *nl = strchr(s, '\n');
	const char *presented = nl ? nl + 1 : s;
	if (nl)
		*nl = '\0';
	struct kf_error err;
	if (kf_oauth_redirect_uri_check(s, &err) == KF_OK) {
		if (strlen(s) > KF_OAUTH_REDIRECT_URI_MAX || strchr(s, '#') || strchr(s, '\\'))
			abort();
		for (const unsigned char *p = (const unsigned char *)s; *p; p++)
			if (*p <= 0x20 || *p >= 0x7f)
				abort();
		if (strncasecmp(s, "https://", 8) && strncasecmp(s, "http://", 7))
			abort();
		const char *auth = strstr(s, "://") + 3;
		if (memchr(auth, '@', strcspn(auth, "/?")))
			abort();
		const char *const reg[] = {s};
		size_t idx = 9;
		if (kf_oauth_redirect_uri_match(s, reg, 1, false, &idx, &err) != KF_OK || idx != 0)
			abort();
		if (kf_oauth_redirect_uri_match(NULL, reg, 1, false, &idx, &err) != KF_OK || idx != 0)
			abort();
		/* byte for byte: another string never matches without the loopback rule */
		if (*presented && strcmp(presented, s) && kf_oauth_redirect_uri_match(presented, reg, 1, false, &idx, &err) == KF_OK)
			abort();
		(void)kf_oauth_redirect_uri_match(presented, reg, 1, true, &idx, &err);
	}
	free(s);
	return 0;
}
