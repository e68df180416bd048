/* SPDX-License-Identifier: Apache-2.0 */
/* libFuzzer harness: what the consent page reads back from its forms
 * (web/consent.c). Input: line 1 a CSRF token as posted, line 2 the member
 * list text, line 3 a hidden flow value.
 *   CSRF: a posted token verifies only when it is the token issued for the
 *     same purpose, binding and flow; the issued one verifies, and not for
 *     another purpose, binding, flow value, or once expired;
 *   members: every id is 1..64 of [A-Za-z0-9._@+-], no id twice, at most
 *     max of them, and each occurs in the text. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "web/consent.h"
#include "util/mem.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const unsigned char key[KF_CONSENT_CSRF_KEY_BYTES] = "0123456789abcdef0123456789abcdef";

static void check_csrf(struct kf_arena *a, const char *posted, const char *flow_value)
{
	const int64_t now = 1750000000;
	struct kf_hidden flow[2] = {{"pre_auth_code", flow_value}, {"redirect_uri", "https://app.example.com/cb"}};
	char *issued = kf_consent_csrf_new(a, key, "consent", "session-1", flow, 2, now);
	if (!issued || kf_consent_csrf_verify(key, "consent", "session-1", flow, 2, issued, now + 10, 3600) != KF_OK)
		abort();
	if (kf_consent_csrf_verify(key, "signin", "session-1", flow, 2, issued, now, 3600) == KF_OK ||
	    kf_consent_csrf_verify(key, "consent", "session-2", flow, 2, issued, now, 3600) == KF_OK ||
	    kf_consent_csrf_verify(key, "consent", "session-1", flow, 1, issued, now, 3600) == KF_OK ||
	    kf_consent_csrf_verify(key, "consent", "session-1", flow, 2, issued, now + 3601, 3600) == KF_OK)
		abort();
	struct kf_hidden other[2] = {flow[0], {"redirect_uri", flow_value}};
	if (strcmp(flow_value, flow[1].value) &&
	    kf_consent_csrf_verify(key, "consent", "session-1", other, 2, issued, now, 3600) == KF_OK)
		abort();
	/* the posted text passes only if it is the issued token */
	if (kf_consent_csrf_verify(key, "consent", "session-1", flow, 2, posted, now, 3600) == KF_OK &&
	    strcmp(posted, issued))
		abort();
}

static void check_members(struct kf_arena *a, const char *text)
{
	const char **ids = NULL;
	size_t n = 0;
	struct kf_error err;
	const size_t max = 20;
	if (kf_consent_parse_members(a, text, max, &ids, &n, &err) != KF_OK)
		return;
	if (n > max || (n == 0) != (ids == NULL))
		abort();
	for (size_t i = 0; i < n; i++) {
		size_t l = strlen(ids[i]);
		if (l < 1 || l > 64 ||
		    strspn(ids[i], "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._@+-") != l ||
		    !strstr(text, ids[i]))
			abort();
		for (size_t j = 0; j < i; j++)
			if (!strcmp(ids[i], ids[j]))
				abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);
	memcpy(s, data, size);
	s[size] = '\0';
	const char *line[3] = {s, "", "code-1"};
	char *p = s;
	for (int i = 1; i < 3; i++) {
		char *nl = strchr(p, '\n');
		if (!nl)
			break;
		*nl = '\0';
		line[i] = p = nl + 1;
	}
	struct kf_arena *a = kf_arena_new();
	check_csrf(a, line[0], line[2]);
	check_members(a, line[1]);
	kf_arena_free(a);
	free(s);
	return 0;
}
