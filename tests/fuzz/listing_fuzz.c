/* SPDX-License-Identifier: Apache-2.0 */
/* libFuzzer harness: the listing's URL, version and phone validators
 * (core/listing.c, LST-12/14/16/17/20). Input: up to three lines a, b, c.
 * An accepted URL is http(s), printable ASCII, without user info or a
 * backslash in its authority; "same document" is reflexive and symmetric;
 * version comparison is reflexive and antisymmetric and ignores a trailing
 * ".0"; an accepted phone number has only digits and + ( ) - space. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/finding.h"
#include "core/listing.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int sign(int x)
{
	return (x > 0) - (x < 0);
}

static void check_url(const char *u)
{
	if (!kf_listing_url_valid(u))
		return;
	if (strlen(u) > KF_LISTING_URL_MAX || (strncasecmp(u, "http://", 7) && strncasecmp(u, "https://", 8)))
		abort();
	for (const unsigned char *p = (const unsigned char *)u; *p; p++)
		if (*p <= 0x20 || *p >= 0x7f)
			abort();
	const char *auth = strstr(u, "://") + 3;
	size_t alen = strcspn(auth, "/?#");
	if (memchr(auth, '@', alen) || memchr(auth, '\\', alen) || alen == 0)
		abort();
	if (!kf_listing_same_document(u, u))
		abort();
}

static void check_version(const char *a, const char *b)
{
	if (sign(kf_listing_version_cmp(a, b)) != -sign(kf_listing_version_cmp(b, a)))
		abort();
	if (!kf_listing_version_valid(a))
		return;
	if (kf_listing_version_cmp(a, a) != 0)
		abort();
	char longer[64];
	if (strlen(a) < 40) {
		snprintf(longer, sizeof(longer), "%s.0", a);
		if (kf_listing_version_cmp(a, longer) != 0)
			abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);
	memcpy(s, data, size);
	s[size] = '\0';
	char *line[3] = {s, "", ""};
	for (int i = 1; i < 3; i++) {
		char *nl = strchr(line[i - 1], '\n');
		if (!nl)
			break;
		*nl = '\0';
		line[i] = nl + 1;
	}
	for (int i = 0; i < 3; i++) {
		check_url(line[i]);
		check_version(line[i], line[(i + 1) % 3]);
		if (kf_listing_phone_valid(line[i]) &&
		    (strlen(line[i]) > KF_LISTING_PHONE_MAX || strspn(line[i], "0123456789+()- ") != strlen(line[i])))
			abort();
		size_t cjk = kf_listing_cjk_len(line[i]);
		if (cjk != SIZE_MAX && cjk > 2 * strlen(line[i]))
			abort();
	}
	if (kf_listing_url_valid(line[0]) && kf_listing_url_valid(line[1]) &&
	    kf_listing_same_document(line[0], line[1]) != kf_listing_same_document(line[1], line[0]))
		abort();

	struct kf_listing_text l = {0};
	l.privacy_url = line[0];
	l.terms_url = line[1];
	l.website = line[2];
	struct kf_findings *f = calloc(1, sizeof(*f));
	kf_listing_check_urls(&l, NULL, f);
	free(f);
	free(s);
	return 0;
}
