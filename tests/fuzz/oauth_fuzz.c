/* SPDX-License-Identifier: Apache-2.0 */
/* libFuzzer harness: OAuth request parsing of core/oauth.c. Input lines:
 * Authorization header, body client_id, body client_secret, scope, PKCE
 * verifier (missing lines are absent parameters).
 *   client authentication: accepted credentials are short, control-free,
 *     with the method the inputs imply; Basic credentials encoded again
 *     (RFC 6749 §2.3.1) parse to the same id and secret; refusals zero out;
 *   scope: accepted sets are offered ones without duplicates, and the scope
 *     string formatted from them parses to the same sets;
 *   PKCE: a verifier is valid exactly when it is 43..128 unreserved
 *     characters; its S256 challenge is 43 base64url characters that it
 *     verifies against, and a verifier differing in one character does not. */
#include <curl/curl.h>
#include <openssl/evp.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/oauth.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char B64URL[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

static void check_client(const char *authz, const char *id, const char *secret)
{
	struct kf_oauth_client_auth a;
	struct kf_error err;
	if (kf_oauth_client_auth_parse(authz, id, secret, &a, &err) != KF_OK) {
		static const struct kf_oauth_client_auth zero;
		if (memcmp(&a, &zero, sizeof(a)))
			abort();
		return;
	}
	size_t il = strlen(a.client_id), sl = strlen(a.client_secret);
	if (!il || il > KF_OAUTH_CLIENT_ID_MAX || sl > KF_OAUTH_CLIENT_SECRET_MAX)
		abort();
	for (size_t i = 0; i < il; i++)
		if ((unsigned char)a.client_id[i] < 0x20 || a.client_id[i] == 0x7f)
			abort();
	if (a.method == KF_OAUTH_AUTH_SECRET_POST && (authz || strcmp(a.client_secret, secret)))
		abort();
	/* "Basic id:" (empty password) is a public client naming itself */
	if (a.method == KF_OAUTH_AUTH_NONE && sl)
		abort();
	if (a.method != KF_OAUTH_AUTH_SECRET_BASIC) {
		kf_oauth_client_auth_clear(&a);
		return;
	}
	if (!authz)
		abort();
	/* encode the credentials again and read them back */
	char *ie = curl_easy_escape(NULL, a.client_id, (int)il);
	char *se = curl_easy_escape(NULL, a.client_secret, (int)sl);
	char pair[3 * (KF_OAUTH_CLIENT_ID_MAX + KF_OAUTH_CLIENT_SECRET_MAX) + 2];
	snprintf(pair, sizeof(pair), "%s:%s", ie, se);
	curl_free(ie);
	curl_free(se);
	unsigned char b64[4 * sizeof(pair) / 3 + 8];
	EVP_EncodeBlock(b64, (const unsigned char *)pair, (int)strlen(pair));
	char header[sizeof(b64) + 8];
	snprintf(header, sizeof(header), "Basic %s", (const char *)b64);
	struct kf_oauth_client_auth again;
	if (strlen(header) <= KF_OAUTH_AUTHORIZATION_MAX) {
		if (kf_oauth_client_auth_parse(header, NULL, NULL, &again, &err) != KF_OK ||
		    again.method != KF_OAUTH_AUTH_SECRET_BASIC || strcmp(again.client_id, a.client_id) ||
		    strcmp(again.client_secret, a.client_secret))
			abort();
		kf_oauth_client_auth_clear(&again);
	}
	kf_oauth_client_auth_clear(&a);
}

static void check_scope(const char *scope)
{
	static const struct kf_auth_set offered[] = {
		{1, "messages", true}, {2, "contacts", false}, {3, "calendar", false}, {4, NULL, false},
	};
	struct kf_auth_set out[KF_AUTH_SETS_MAX];
	size_t n = 99;
	struct kf_error err;
	if (kf_oauth_scope_parse(scope, offered, 4, out, &n, &err) != KF_OK) {
		if (n != 0)
			abort();
		return;
	}
	if (n > 3)
		abort();
	struct kf_auth_sets sets = {.n = n};
	bool dflt = !scope || strspn(scope, " ") == strlen(scope);
	for (size_t i = 0; i < n; i++) {
		if (!out[i].key || (!dflt && !strstr(scope, out[i].key)))
			abort();
		for (size_t j = 0; j < i; j++)
			if (out[j].id == out[i].id)
				abort();
		sets.ids[i] = out[i].id;
	}
	char text[KF_OAUTH_SCOPE_MAX + 1];
	if (!kf_oauth_scope_format(&sets, offered, 4, text, sizeof(text)))
		abort();
	size_t n2;
	struct kf_auth_set out2[KF_AUTH_SETS_MAX];
	if (kf_oauth_scope_parse(text, offered, 4, out2, &n2, &err) != KF_OK || n2 != n)
		abort();
	for (size_t i = 0; i < n; i++)
		if (out2[i].id != out[i].id)
			abort();
}

static bool unreserved(const char *v)
{
	size_t n = strlen(v);
	return n >= 43 && n <= 128 &&
	       strspn(v, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~") == n;
}

static void check_pkce(const char *v)
{
	struct kf_error err;
	char ch[KF_OAUTH_CHALLENGE_LEN + 1];
	if (kf_oauth_pkce_verifier_valid(v) != unreserved(v))
		abort();
	if (kf_oauth_pkce_check_request(v, "S256", true, &err) == KF_OK &&
	    (strlen(v) != KF_OAUTH_CHALLENGE_LEN || strspn(v, B64URL) != KF_OAUTH_CHALLENGE_LEN))
		abort();
	if (kf_oauth_pkce_challenge(v, ch, &err) != KF_OK) {
		if (unreserved(v) || ch[0])
			abort();
		if (kf_oauth_pkce_verify(v, "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM", &err) == KF_OK)
			abort();
		return;
	}
	if (strlen(ch) != KF_OAUTH_CHALLENGE_LEN || strspn(ch, B64URL) != KF_OAUTH_CHALLENGE_LEN)
		abort();
	if (kf_oauth_pkce_verify(v, ch, &err) != KF_OK || kf_oauth_pkce_check_request(ch, "S256", true, &err) != KF_OK)
		abort();
	char other[KF_OAUTH_VERIFIER_MAX + 1];
	snprintf(other, sizeof(other), "%s", v);
	other[0] = other[0] == 'a' ? 'b' : 'a';
	if (kf_oauth_pkce_verify(other, ch, &err) == KF_OK)
		abort();
	if (kf_oauth_pkce_verify(NULL, ch, &err) == KF_OK || kf_oauth_pkce_verify(v, NULL, &err) == KF_OK)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);
	memcpy(s, data, size);
	s[size] = '\0';
	const char *line[5] = {NULL, NULL, NULL, NULL, NULL};
	char *p = s;
	for (int i = 0; i < 5 && p; i++) {
		char *nl = strchr(p, '\n');
		if (nl)
			*nl = '\0';
		line[i] = p;
		p = nl ? nl + 1 : NULL;
	}
	check_client(line[0] && *line[0] ? line[0] : NULL, line[1], line[2]);
	check_scope(line[3]);
	check_pkce(line[4] ? line[4] : s);
	free(s);
	return 0;
}
