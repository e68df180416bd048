/* SPDX-License-Identifier: Apache-2.0 */
/* Secrets handling on libsodium (RNG, argon2id, compare) and OpenSSL (SHA-256). */
#include "util/crypto.h"

#include <openssl/evp.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

enum kf_err kf_crypto_init(void)
{
	return sodium_init() < 0 ? KF_EINTERNAL : KF_OK;
}

void kf_random_bytes(void *buf, size_t n)
{
	randombytes_buf(buf, n);
}

void kf_hex_encode(const unsigned char *in, size_t n, char *out)
{
	static const char hex[] = "0123456789abcdef";
	for (size_t i = 0; i < n; i++) {
		out[2 * i] = hex[in[i] >> 4];
		out[2 * i + 1] = hex[in[i] & 15];
	}
	out[2 * n] = '\0';
}

void kf_random_hex(char *out, size_t nhex)
{
	unsigned char buf[64];
	size_t nbytes = (nhex + 1) / 2;
	if (nbytes > sizeof(buf))
		nbytes = sizeof(buf);
	randombytes_buf(buf, nbytes);
	char tmp[129];
	kf_hex_encode(buf, nbytes, tmp);
	memcpy(out, tmp, nhex);
	out[nhex] = '\0';
	sodium_memzero(buf, sizeof(buf));
}

void kf_token_new(const char *prefix, char *out, size_t outlen)
{
	char hex[KF_TOKEN_HEXLEN + 1];
	kf_random_hex(hex, KF_TOKEN_HEXLEN);
	snprintf(out, outlen, "%s%s", prefix ? prefix : "", hex);
	sodium_memzero(hex, sizeof(hex));
}

void kf_random_digits(char *out, int n)
{
	for (int i = 0; i < n; i++)
		out[i] = (char)('0' + randombytes_uniform(10));
	out[n] = '\0';
}

void kf_sha256_hex(const void *data, size_t n, char *out)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int len = 0;
	EVP_Digest(data, n, md, &len, EVP_sha256(), NULL);
	kf_hex_encode(md, len, out);
}

enum kf_err kf_password_hash(const char *pw, char *out, size_t outlen)
{
	if (outlen < crypto_pwhash_STRBYTES)
		return KF_EINTERNAL;
	if (crypto_pwhash_str(out, pw, strlen(pw), crypto_pwhash_OPSLIMIT_INTERACTIVE,
			      crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
		return KF_EINTERNAL;
	return KF_OK;
}

bool kf_password_verify(const char *hash, const char *pw)
{
	return crypto_pwhash_str_verify(hash, pw, strlen(pw)) == 0;
}

bool kf_str_ct_equal(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	if (la != lb)
		return false;
	return sodium_memcmp(a, b, la) == 0;
}
