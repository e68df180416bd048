/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Message crypto of the third-party-platform protocol (PROTOCOL.md §7).
 *
 * Invariants: AES-256-CBC and SHA-1 come from OpenSSL 3 EVP only; OpenSSL's
 * block padding is always off because the protocol pads to 32-byte blocks,
 * which is done (and checked strictly) here. Every size taken from input is
 * bounded before anything is allocated: base64 text by the largest ciphertext
 * a KF_WXCRYPT_MAX_MSG message can produce, the length field by the plaintext
 * it sits in. Plaintext buffers are wiped before they are freed.
 */
#include "proto/wxcrypt.h"

#include <pthread.h>
#include <stdint.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include "util/mem.h"

#define BLOCK 32 /* the protocol's PKCS#7 block size (not AES's 16) */
#define PREFIX 20 /* 16 random bytes + 4-byte length */
/* Largest ciphertext we accept: a maximal message, an id of the largest size
 * we hold, a full pad block. */
#define MAX_CT (((PREFIX + (size_t)KF_WXCRYPT_MAX_MSG + KF_WXCRYPT_MAX_APPID) / BLOCK + 1) * BLOCK)
#define MAX_B64 ((MAX_CT + 2) / 3 * 4)

static pthread_once_t algo_once = PTHREAD_ONCE_INIT;
static EVP_CIPHER *aes_fetched;
static EVP_MD *sha1_fetched;

/* Explicit fetches once, instead of an implicit fetch on every call; they
 * live as long as the process (OpenSSL frees them at exit). */
static void algo_fetch(void)
{
	aes_fetched = EVP_CIPHER_fetch(NULL, "AES-256-CBC", NULL);
	sha1_fetched = EVP_MD_fetch(NULL, "SHA1", NULL);
}

static const EVP_CIPHER *aes256cbc(void)
{
	pthread_once(&algo_once, algo_fetch);
	return aes_fetched ? aes_fetched : EVP_aes_256_cbc();
}

static const EVP_MD *sha1(void)
{
	pthread_once(&algo_once, algo_fetch);
	return sha1_fetched ? sha1_fetched : EVP_sha1();
}

static enum kf_err too_large(struct kf_error *err, const char *what)
{
	kf_error_set(err, KF_ELIMIT, "message_too_large", NULL, NULL, "%s is larger than the %u-byte limit", what,
		     KF_WXCRYPT_MAX_MSG);
	if (err)
		err->status = 413;
	return KF_ELIMIT;
}

static enum kf_err crypto_error(struct kf_error *err, const char *what)
{
	return kf_error_set(err, KF_EINTERNAL, "crypto_error", NULL, NULL, "OpenSSL failed: %s", what);
}

/* Value of a base64 alphabet character, or -1. */
static int b64_value(unsigned char ch)
{
	if (ch >= 'A' && ch <= 'Z')
		return ch - 'A';
	if (ch >= 'a' && ch <= 'z')
		return ch - 'a' + 26;
	if (ch >= '0' && ch <= '9')
		return ch - '0' + 52;
	if (ch == '+')
		return 62;
	if (ch == '/')
		return 63;
	return -1;
}

/* Strict standard base64 with padding: a whole number of 4-character groups,
 * alphabet characters only, at most two '=' and only at the very end.
 * Unused bits of the last group are ignored, as every SDK does. *out is
 * malloc'd (at least 1 byte) on success. */
static enum kf_err b64_decode(const char *s, size_t n, unsigned char **out, size_t *outlen, struct kf_error *err)
{
	*out = NULL;
	*outlen = 0;
	if (n == 0 || n % 4)
		return kf_error_set(err, KF_EINVAL, "invalid_base64", NULL, "encrypt",
				    "ciphertext is not base64: length %zu is not a positive multiple of 4", n);
	size_t pad = 0;
	if (s[n - 1] == '=')
		pad = s[n - 2] == '=' ? 2 : 1;
	for (size_t i = 0; i < n - pad; i++)
		if (b64_value((unsigned char)s[i]) < 0)
			return kf_error_set(err, KF_EINVAL, "invalid_base64", NULL, "encrypt",
					    "ciphertext is not base64: bad character at offset %zu", i);
	unsigned char *buf = kf_xmalloc(n / 4 * 3 + 1);
	int got = EVP_DecodeBlock(buf, (const unsigned char *)s, (int)n);
	if (got < 0 || (size_t)got != n / 4 * 3) {
		free(buf);
		return kf_error_set(err, KF_EINVAL, "invalid_base64", NULL, "encrypt", "ciphertext is not base64");
	}
	*out = buf;
	*outlen = (size_t)got - pad; /* EVP_DecodeBlock counts the '=' as zero bytes */
	return KF_OK;
}

static bool printable(const char *s, size_t max)
{
	size_t n = strlen(s);
	if (n == 0 || n > max)
		return false;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return false;
	return true;
}

enum kf_err kf_wxcrypt_init(struct kf_wxcrypt *c, const char *token, const char *aes_key43, const char *appid,
			    struct kf_error *err)
{
	memset(c, 0, sizeof(*c));
	if (!aes_key43 || strlen(aes_key43) != KF_WXCRYPT_KEY_LEN)
		return kf_error_set(err, KF_EINVAL, "invalid_aes_key", NULL, "aes_key",
				    "the encryption key must be exactly 43 characters");
	for (size_t i = 0; i < KF_WXCRYPT_KEY_LEN; i++)
		if (b64_value((unsigned char)aes_key43[i]) < 0)
			return kf_error_set(err, KF_EINVAL, "invalid_aes_key", NULL, "aes_key",
					    "the encryption key must consist of base64 characters (A-Z, a-z, 0-9, +, /); "
					    "character %zu is not one",
					    i + 1);
	if (!token || !printable(token, KF_WXCRYPT_MAX_TOKEN))
		return kf_error_set(err, KF_EINVAL, "invalid_token", NULL, "token",
				    "the token must be 1 to %d printable characters", KF_WXCRYPT_MAX_TOKEN);
	if (!appid || !printable(appid, KF_WXCRYPT_MAX_APPID))
		return kf_error_set(err, KF_EINVAL, "invalid_appid", NULL, "appid",
				    "the app id must be 1 to %d printable characters", KF_WXCRYPT_MAX_APPID);
	char padded[KF_WXCRYPT_KEY_LEN + 2];
	memcpy(padded, aes_key43, KF_WXCRYPT_KEY_LEN);
	padded[KF_WXCRYPT_KEY_LEN] = '=';
	padded[KF_WXCRYPT_KEY_LEN + 1] = '\0';
	unsigned char raw[33];
	/* 44 characters decode to 33 bytes (the '=' counted as a zero byte);
	 * the first 32 are the key, the unused bits of the 43rd character are
	 * dropped with the 33rd byte. */
	int got = EVP_DecodeBlock(raw, (const unsigned char *)padded, KF_WXCRYPT_KEY_LEN + 1);
	if (got != 33) {
		OPENSSL_cleanse(raw, sizeof(raw));
		return kf_error_set(err, KF_EINVAL, "invalid_aes_key", NULL, "aes_key",
				    "the encryption key does not decode to 32 bytes");
	}
	memcpy(c->key, raw, 32);
	OPENSSL_cleanse(raw, sizeof(raw));
	OPENSSL_cleanse(padded, sizeof(padded));
	memcpy(c->token, token, strlen(token) + 1);
	memcpy(c->appid, appid, strlen(appid) + 1);
	return KF_OK;
}

void kf_wxcrypt_clear(struct kf_wxcrypt *c)
{
	if (c)
		OPENSSL_cleanse(c, sizeof(*c));
}

/* AES-256-CBC over n bytes (a multiple of 16), IV = key[0:16], no padding. */
static bool aes_cbc(const struct kf_wxcrypt *c, int enc, const unsigned char *in, size_t n, unsigned char *out)
{
	EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
	int l1 = 0, l2 = 0;
	bool ok = ctx && EVP_CipherInit_ex(ctx, aes256cbc(), NULL, c->key, c->key, enc) == 1 &&
		  EVP_CIPHER_CTX_set_padding(ctx, 0) == 1 && EVP_CipherUpdate(ctx, out, &l1, in, (int)n) == 1 &&
		  EVP_CipherFinal_ex(ctx, out + l1, &l2) == 1 && (size_t)(l1 + l2) == n;
	EVP_CIPHER_CTX_free(ctx);
	return ok;
}

enum kf_err kf_wxcrypt_encrypt(const struct kf_wxcrypt *c, const char *msg, size_t len,
			       const unsigned char *random16, char **out_b64, struct kf_error *err)
{
	*out_b64 = NULL;
	if (len > KF_WXCRYPT_MAX_MSG)
		return too_large(err, "the message");
	size_t idlen = strlen(c->appid);
	size_t body = PREFIX + len + idlen;
	size_t pad = BLOCK - body % BLOCK; /* 1..32: a whole block when body is aligned */
	size_t total = body + pad;
	unsigned char *pt = kf_xmalloc(total), *ct = kf_xmalloc(total);
	char *b64 = NULL;
	enum kf_err rc = KF_OK;
	if (random16)
		memcpy(pt, random16, 16);
	else if (RAND_bytes(pt, 16) != 1) {
		rc = crypto_error(err, "RAND_bytes");
		goto out;
	}
	pt[16] = (unsigned char)(len >> 24);
	pt[17] = (unsigned char)(len >> 16);
	pt[18] = (unsigned char)(len >> 8);
	pt[19] = (unsigned char)len;
	if (len)
		memcpy(pt + PREFIX, msg, len);
	memcpy(pt + PREFIX + len, c->appid, idlen);
	memset(pt + body, (int)pad, pad);
	if (!aes_cbc(c, 1, pt, total, ct)) {
		rc = crypto_error(err, "AES-256-CBC encryption");
		goto out;
	}
	b64 = kf_xmalloc((total + 2) / 3 * 4 + 1);
	if (EVP_EncodeBlock((unsigned char *)b64, ct, (int)total) < 0) {
		rc = crypto_error(err, "base64 encoding");
		goto out;
	}
	*out_b64 = b64;
	b64 = NULL;
out:
	OPENSSL_cleanse(pt, total);
	free(pt);
	free(ct);
	free(b64);
	return rc;
}

/* The common part of both decryptions: on success the message and the id
 * are slices of *plain (owned by the caller, wiped and freed by it). */
static enum kf_err open_box(const struct kf_wxcrypt *c, const char *b64, unsigned char **plain, size_t *plain_cap,
			    size_t *msg_len, size_t *id_len, struct kf_error *err)
{
	*plain = NULL;
	*plain_cap = 0;
	if (!b64)
		return kf_error_set(err, KF_EINVAL, "invalid_base64", NULL, "encrypt", "no ciphertext");
	size_t n = strlen(b64);
	if (n > MAX_B64)
		return too_large(err, "the ciphertext");
	unsigned char *ct = NULL, *pt = NULL;
	size_t ctlen = 0;
	enum kf_err rc = b64_decode(b64, n, &ct, &ctlen, err);
	if (rc != KF_OK)
		return rc;
	if (ctlen < BLOCK || ctlen % 16) {
		rc = kf_error_set(err, KF_EINVAL, "bad_ciphertext", NULL, "encrypt",
				  "the ciphertext is %zu bytes: not a whole number of AES blocks of at least %d bytes",
				  ctlen, BLOCK);
		goto out;
	}
	pt = kf_xmalloc(ctlen);
	if (!aes_cbc(c, 0, ct, ctlen, pt)) {
		rc = crypto_error(err, "AES-256-CBC decryption");
		goto out;
	}
	unsigned pad = pt[ctlen - 1];
	unsigned diff = 0;
	if (pad >= 1 && pad <= BLOCK)
		for (size_t i = ctlen - pad; i < ctlen; i++)
			diff |= pt[i] ^ pad;
	if (pad < 1 || pad > BLOCK || diff) {
		rc = kf_error_set(err, KF_EINVAL, "bad_padding", NULL, "encrypt",
				  "the decrypted message has invalid padding (wrong key or corrupt ciphertext)");
		goto out;
	}
	size_t plen = ctlen - pad;
	if (plen < PREFIX) {
		rc = kf_error_set(err, KF_EINVAL, "bad_length", NULL, "encrypt",
				  "the decrypted message is too short to hold its length field");
		goto out;
	}
	size_t mlen = (size_t)pt[16] << 24 | (size_t)pt[17] << 16 | (size_t)pt[18] << 8 | pt[19];
	if (mlen > plen - PREFIX) {
		rc = kf_error_set(err, KF_EINVAL, "bad_length", NULL, "encrypt",
				  "the length field (%zu) exceeds the decrypted message (%zu bytes)", mlen,
				  plen - PREFIX);
		goto out;
	}
	if (mlen > KF_WXCRYPT_MAX_MSG) {
		rc = too_large(err, "the message");
		goto out;
	}
	*plain = pt;
	*plain_cap = ctlen;
	*msg_len = mlen;
	*id_len = plen - PREFIX - mlen;
	pt = NULL;
out:
	if (pt) {
		OPENSSL_cleanse(pt, ctlen);
		free(pt);
	}
	free(ct);
	return rc;
}

static char *dup_bytes(const unsigned char *p, size_t n)
{
	char *s = kf_xmalloc(n + 1);
	if (n)
		memcpy(s, p, n);
	s[n] = '\0';
	return s;
}

enum kf_err kf_wxcrypt_decrypt_any(const struct kf_wxcrypt *c, const char *b64, char **msg, size_t *len,
				   char **appid, struct kf_error *err)
{
	*msg = NULL;
	*len = 0;
	*appid = NULL;
	unsigned char *pt;
	size_t cap, mlen, idlen;
	enum kf_err rc = open_box(c, b64, &pt, &cap, &mlen, &idlen, err);
	if (rc != KF_OK)
		return rc;
	*msg = dup_bytes(pt + PREFIX, mlen);
	*len = mlen;
	*appid = dup_bytes(pt + PREFIX + mlen, idlen);
	OPENSSL_cleanse(pt, cap);
	free(pt);
	return KF_OK;
}

enum kf_err kf_wxcrypt_decrypt(const struct kf_wxcrypt *c, const char *b64, const char *expect_appid, char **msg,
			       size_t *len, struct kf_error *err)
{
	*msg = NULL;
	*len = 0;
	if (!expect_appid)
		expect_appid = c->appid;
	unsigned char *pt;
	size_t cap, mlen, idlen;
	enum kf_err rc = open_box(c, b64, &pt, &cap, &mlen, &idlen, err);
	if (rc != KF_OK)
		return rc;
	const unsigned char *id = pt + PREFIX + mlen;
	if (idlen != strlen(expect_appid) || memcmp(id, expect_appid, idlen) != 0) {
		rc = kf_error_set(err, KF_EINVAL, "appid_mismatch", NULL, "appid",
				  "the message is for app id '%.*s', not '%s'", (int)(idlen > 64 ? 64 : idlen),
				  (const char *)id, expect_appid);
	} else {
		*msg = dup_bytes(pt + PREFIX, mlen);
		*len = mlen;
	}
	OPENSSL_cleanse(pt, cap);
	free(pt);
	return rc;
}

enum kf_err kf_wxcrypt_sign(const char *token, const char *timestamp, const char *nonce, const char *encrypt,
			    char out[KF_WXCRYPT_SIG_LEN + 1])
{
	out[0] = '\0';
	if (!token || !timestamp || !nonce)
		return KF_EINVAL;
	const char *v[4] = {token, timestamp, nonce, encrypt};
	size_t n = encrypt ? 4 : 3;
	/* Insertion sort; strcmp compares as unsigned char, i.e. bytewise. */
	for (size_t i = 1; i < n; i++)
		for (size_t j = i; j > 0 && strcmp(v[j - 1], v[j]) > 0; j--) {
			const char *t = v[j];
			v[j] = v[j - 1];
			v[j - 1] = t;
		}
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned mdlen = 0;
	bool ok = ctx && EVP_DigestInit_ex(ctx, sha1(), NULL) == 1;
	for (size_t i = 0; ok && i < n; i++)
		ok = EVP_DigestUpdate(ctx, v[i], strlen(v[i])) == 1;
	ok = ok && EVP_DigestFinal_ex(ctx, md, &mdlen) == 1 && mdlen == KF_WXCRYPT_SIG_LEN / 2;
	EVP_MD_CTX_free(ctx);
	if (!ok)
		return KF_EINTERNAL;
	static const char hex[] = "0123456789abcdef";
	for (unsigned i = 0; i < mdlen; i++) {
		out[2 * i] = hex[md[i] >> 4];
		out[2 * i + 1] = hex[md[i] & 15];
	}
	out[KF_WXCRYPT_SIG_LEN] = '\0';
	return KF_OK;
}

bool kf_wxcrypt_verify(const char *token, const char *timestamp, const char *nonce, const char *encrypt,
		       const char *signature)
{
	if (!signature || strlen(signature) != KF_WXCRYPT_SIG_LEN)
		return false;
	char want[KF_WXCRYPT_SIG_LEN + 1], got[KF_WXCRYPT_SIG_LEN];
	if (kf_wxcrypt_sign(token, timestamp, nonce, encrypt, want) != KF_OK)
		return false;
	for (size_t i = 0; i < KF_WXCRYPT_SIG_LEN; i++) {
		char ch = signature[i];
		got[i] = ch >= 'A' && ch <= 'F' ? (char)(ch - 'A' + 'a') : ch;
	}
	return CRYPTO_memcmp(want, got, KF_WXCRYPT_SIG_LEN) == 0;
}

enum kf_err kf_wxcrypt_open(const struct kf_wxcrypt *c, const char *timestamp, const char *nonce,
			    const char *msg_signature, const char *b64, char **msg, size_t *len,
			    struct kf_error *err)
{
	*msg = NULL;
	*len = 0;
	if (!b64 || !kf_wxcrypt_verify(c->token, timestamp, nonce, b64, msg_signature))
		return kf_error_set(err, KF_EINVAL, "bad_signature", NULL, "msg_signature",
				    "the message signature does not match");
	return kf_wxcrypt_decrypt(c, b64, NULL, msg, len, err);
}

/* n uniformly random indexes below `below` (which divides into 256 with the
 * remainder rejected) written as alphabet[index]. */
static bool random_chars(char *out, size_t n, const char *alphabet, unsigned below)
{
	unsigned char buf[64];
	unsigned limit = 256 - 256 % below;
	size_t i = 0;
	while (i < n) {
		if (RAND_bytes(buf, sizeof(buf)) != 1)
			return false;
		for (size_t k = 0; k < sizeof(buf) && i < n; k++)
			if (buf[k] < limit)
				out[i++] = alphabet[buf[k] % below];
	}
	OPENSSL_cleanse(buf, sizeof(buf));
	return true;
}

enum kf_err kf_wxcrypt_generate_key(char out[KF_WXCRYPT_KEY_LEN + 1])
{
	static const char alnum[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
	/* Base64 characters whose two low bits (unused in the 43rd position)
	 * are zero, and which are letters or digits: index 0, 4, …, 60. */
	static const char last[] = "AEIMQUYcgkosw048";
	out[0] = '\0';
	if (!random_chars(out, KF_WXCRYPT_KEY_LEN - 1, alnum, 62) ||
	    !random_chars(out + KF_WXCRYPT_KEY_LEN - 1, 1, last, 16)) {
		OPENSSL_cleanse(out, KF_WXCRYPT_KEY_LEN + 1);
		return KF_EINTERNAL;
	}
	out[KF_WXCRYPT_KEY_LEN] = '\0';
	return KF_OK;
}

enum kf_err kf_wxcrypt_nonce(char out[KF_WXCRYPT_NONCE_LEN + 1])
{
	out[0] = '\0';
	/* No leading zero: some SDKs take the nonce as a number. */
	if (!random_chars(out, 1, "123456789", 9) ||
	    !random_chars(out + 1, KF_WXCRYPT_NONCE_LEN - 1, "0123456789", 10))
		return KF_EINTERNAL;
	out[KF_WXCRYPT_NONCE_LEN] = '\0';
	return KF_OK;
}
