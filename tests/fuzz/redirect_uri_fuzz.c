/* SPDX-License-Identifier: Apache-2.0 */
/* libFuzzer harness: where a browser may be sent with a code.
 * Registration (core/redirect.c: kf_redirect_register_check) and matching
 * (core/oauth.c: kf_oauth_redirect_uri_match): a URI that may be registered is printable
 * ASCII without a backslash, control character, fragment or user info, and
 * https or http on loopback; a registered URI matches itself, and nothing
 * else matches it unless the loopback port rule allows. The consent page's
 * domain rule (core/redirect.c: kf_redirect_check, issue 9 defect 1): a URI
 * accepted for a list of domains has a host, read the simple way a browser
 * reads it (up to the first '/', '?' or ':'), that is one of the domains or
 * lies under one. */
#include <arpa/inet.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/oauth.h"
#include "core/redirect.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The address in text (brackets allowed) as bytes; 0 when not an IP. */
static int ip_bytes(const char *t, size_t len, unsigned char out[16])
{
	char buf[64];
	if (len >= 2 && t[0] == '[' && t[len - 1] == ']') {
		t++;
		len -= 2;
	}
	if (len >= sizeof(buf))
		return 0;
	memcpy(buf, t, len);
	buf[len] = '\0';
	memset(out, 0, 16);
	if (inet_pton(AF_INET6, buf, out) == 1)
		return 6;
	return inet_pton(AF_INET, buf, out) == 1 ? 4 : 0;
}

/* Is the authority of an accepted uri on one of the domains? Names equal
 * (case-insensitive) or under a domain; IP addresses equal by value. */
static int host_on_domains(const char *uri, char *const *domains, size_t n)
{
	const char *h = strstr(uri, "://");
	if (!h)
		return 0;
	h += 3;
	size_t hl = h[0] == '[' ? strcspn(h, "]") + 1 : strcspn(h, "/?:");
	unsigned char hip[16], dip[16];
	int hv = ip_bytes(h, hl, hip);
	for (size_t i = 0; i < n; i++) {
		size_t dl = strlen(domains[i]);
		if (hv) {
			if (ip_bytes(domains[i], dl, dip) == hv && !memcmp(hip, dip, 16))
				return 1;
			continue;
		}
		if (dl == hl && !strncasecmp(h, domains[i], hl))
			return 1;
		if (hl > dl + 1 && h[hl - dl - 1] == '.' && !strncasecmp(h + hl - dl, domains[i], dl))
			return 1;
	}
	return 0;
}

/* line 2 read as a comma-separated list of at most 4 domains */
static void domain_rule(const char *uri, const char *line)
{
	char *copy = strdup(line), *save = NULL, *domains[4];
	size_t n = 0;
	for (char *d = strtok_r(copy, ",", &save); d && n < 4; d = strtok_r(NULL, ",", &save))
		domains[n++] = d;
	struct kf_error err;
	if (kf_redirect_check(uri, (const char *const *)domains, n, &err) == KF_OK) {
		if (!n || strchr(uri, '\\') || !host_on_domains(uri, domains, n))
			abort();
		const char *auth = strstr(uri, "://") + 3;
		if (memchr(auth, '@', strcspn(auth, "/?")))
			abort();
	}
	free(copy);
}

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
	domain_rule(s, presented);
	struct kf_error err;
	if (kf_redirect_register_check(s, &err) == KF_OK) {
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
