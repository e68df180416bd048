/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Unit tests for src/proto/wxcrypt.c: the known-answer vectors of
 * /work/shared/vectors/wxcrypt.json (PROTOCOL.md §7; values copied below,
 * each named after its vector), the 32-byte padding edge cases, every
 * refusal of a corrupt, truncated or tampered ciphertext, signatures, and
 * random round trips. Tampered plaintexts are sealed with OpenSSL directly
 * (seal_raw) so each check is reached on purpose, not by chance.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include "proto/wxcrypt.h"

/* ---- vectors (wxcrypt.json) ---- */

/* V1-encrypt, V2-decrypt (source: wechatpy test suite) */
#define V1_TOKEN "123456"
#define V1_AES_KEY "kWxPEV2UEDyxWpmPdKC3F4dgPDmOvfKX1HGnEUDS1aR"
#define V1_KEY_HEX "916c4f115d94103cb15a998f74a0b71787603c398ebdf297d471a71140d2d5a4"
#define V1_ID "wx49f0ab532d5d035a"
#define V1_RANDOM "1234567890123456"
#define V1_TIMESTAMP "1411525903"
#define V1_NONCE "461056294"
#define V1_MESSAGE                                                                                                 \
	"<xml>\n<MsgType><![CDATA[text]]></MsgType>\n<Content><![CDATA[test]]></Content>\n<FromUserName><![CDATA[" \
	"wx49f0ab532d5d035a]]></FromUserName>\n<ToUserName><![CDATA[messense]]></ToUserName>\n<AgentID>1</"       \
	"AgentID>\n<CreateTime>1411525903</CreateTime>\n</xml>"
#define V1_ENCRYPT                                                                                                 \
	"9s4gMv99m88kKTh/H8IdkOiMg6bisoy3ypwy9H4hvSPe9nsGaqyw5hhSjdYbcrKk+j3nba4HMOTzHrluLBYqxgNcBqGsL8GqxlhZgURnAtOb" \
	"vesEl5nZ+uBE8bviY0LWke8Zy9V/QYKxNV2FqllNXcfmstttyIkMKCCmVbCFM2JTF5wY0nFhHZSjPUL2Q1qvSUCUld+/WIXrx0oyKQmpB6o8" \
	"NRrrNrsDf03oxI1p9FxUgMnwKKZeOA/uu+2IEvEBtb7muXsVbwbgX05UPPJvFurDXafG0RQyPR+mf1nDnAtQmmNOuiR5MIkdQ39xn1vWwi1O" \
	"5oazPoQJz0nTYjxxEE8kv3kFxtAGVRe3ypD3WeK2XeFYFMNMpatF9XiKzHo3"
#define V1_MSG_SIGNATURE "407518b7649e86ef23978113f92d27afa9296533"

#define V2_MSG_SIGNATURE "74d92dfeb87ba7c714f89d98870ae5eb62dff26d"
#define V2_ENCRYPT                                                                                                 \
	"RgqEoJj5A4EMYlLvWO1F86ioRjZfaex/gePD0gOXTxpsq5Yj4GNglrBb8I2BAJVODGajiFnXBu7mCPatfjsu6IHCrsTyeDXzF6Bv283dGymz" \
	"xh6ydJRvZsryDyZbLTE7rhnus50qGPMfp2wASFlzEgMW9z1ef/RD8XzaFYgm7iTdaXpXaG4+BiYyolBug/gYNx410cvkKR2/nPwBiT+P4hIi" \
	"OAQqGp/TywZBtDh1yCF2KOd0gpiMZ5jSw3e29mTvmUHzkVQiMS6td7vXUaWOMZnYZlF3So2SjHnwh4jYFxdgpkHHqIrH/54SNdshoQgWYEvc" \
	"cTKe7FS709/5t6NMxuGhcUGAPOQipvWTT4dShyqio7mlsl5noTrb++x6En749zCpQVhDpbV6GDnTbcX2e8K9QaNWHp91eBdCRxthuL0="
#define V2_RANDOM "ec90b1530358d4d3"
#define V2_MESSAGE                                                                                                 \
	"<xml><ToUserName><![CDATA[wx49f0ab532d5d035a]]></ToUserName>\n<FromUserName><![CDATA[messense]]></"         \
	"FromUserName>\n<CreateTime>1411525903</CreateTime>\n<MsgType><![CDATA[text]]></MsgType>\n<Content><![CDATA[" \
	"test]]></Content>\n<MsgId>4363689963896700987</MsgId>\n<AgentID>1</AgentID>\n</xml>"

/* V3-ticket-push-decrypt (source: a real component_verify_ticket push) */
#define V3_TOKEN "wxPlatformZjj20180424"
#define V3_AES_KEY "qPcxoOmy62xVVzwSvp2OSVqg6UAzcHO1ORqg8PHVi8q"
#define V3_ID "wx805ef435fca595d2"
#define V3_TIMESTAMP "1524734617"
#define V3_NONCE "49717202"
#define V3_MSG_SIGNATURE "2b36b2a70b4c59773d95b5a273a1a934a7eece8c"
#define V3_ENCRYPT                                                                                                 \
	"oRoRDn1RFBlfwyYs33O4zkuMRjdhTZfrGj9H9tOYO3pIavNSeiJNQ1rE3vNKSVi0UsMaDynAenbfqLQoLIvYnbnTnmRcgnB3T2rs9PcFFyRP" \
	"6RBgxce70xwDaeGNEdu+R+rQ7udMYiq727zYMOpjdW8ad1i76/NPv1Bh2en2+ifcBUe/zyh0SdHdC9NWX7cvjHsTYTuFQdQipkO+D6POEiB0" \
	"OWMy+13Fue8KZtkabVRq2yEhcQnWf60cLtdEP+RgKP2mxi+ewPiblAC69+db04jRFpRYwLDgOJo/+sefoZVvdx7LQuAxsCrvi0cMuqsLxyt1" \
	"I8/WLSxQH/zH0zfm1cdiETwczu52QLYu3ddXBasW8EeC09eIf5golfdvEvLRxOD5w/1s4oamzRzb3v9KQhpKPttGvizM1A44BWP5OODaJcoi" \
	"qmNHI3iZFpI2gs2x2hOHpwimT4XKT4ANMpbgXg=="
#define V3_MESSAGE                                                                                                 \
	"<xml><AppId><![CDATA[wx805ef435fca595d2]]></AppId>\n<CreateTime>1524734617</CreateTime>\n<InfoType><![CDATA[" \
	"component_verify_ticket]]></InfoType>\n<ComponentVerifyTicket><![CDATA[ticket@@@t_KixLUyGjV-"               \
	"ZnUYrUP58mbI5maqS_AcRWkJY9kNQ4tPj360c1kD5HWqQt7AiFowdBZQWBYeQwr-hvk2ja-oTQ]]></ComponentVerifyTicket>\n</xml>"

/* V4-signature */
#define V4_TOKEN "test"
#define V4_TIMESTAMP "123456"
#define V4_NONCE "test"
#define V4_ENCRYPT "rust"
#define V4_MSG_SIGNATURE "d6056f2bb3ad3e30f4afa5ef90cc9ddcdc7b7b27"

/* 中文 + U+1F600 (4-byte UTF-8) */
#define UTF8_TEXT "\xe4\xb8\xad\xe6\x96\x87 \xf0\x9f\x98\x80"

/* ---- helpers ---- */

static void init_v1(struct kf_wxcrypt *c)
{
	struct kf_error err = {0};
	assert_int_equal(kf_wxcrypt_init(c, V1_TOKEN, V1_AES_KEY, V1_ID, &err), KF_OK);
}

static unsigned char *b64_decode(const char *s, size_t *n)
{
	size_t len = strlen(s);
	unsigned char *out = malloc(len / 4 * 3 + 1);
	int got = EVP_DecodeBlock(out, (const unsigned char *)s, (int)len);
	assert_true(got >= 0);
	size_t pad = len && s[len - 1] == '=' ? (len > 1 && s[len - 2] == '=' ? 2 : 1) : 0;
	*n = (size_t)got - pad;
	return out;
}

static char *b64_encode(const unsigned char *p, size_t n)
{
	char *out = malloc((n + 2) / 3 * 4 + 1);
	assert_true(EVP_EncodeBlock((unsigned char *)out, p, (int)n) >= 0);
	return out;
}

/* AES-256-CBC with the key of c, IV = key[0:16], no padding at all. */
static void aes_raw(const struct kf_wxcrypt *c, int enc, const unsigned char *in, size_t n, unsigned char *out)
{
	EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
	int l1 = 0, l2 = 0;
	assert_non_null(ctx);
	assert_int_equal(EVP_CipherInit_ex(ctx, EVP_aes_256_cbc(), NULL, c->key, c->key, enc), 1);
	EVP_CIPHER_CTX_set_padding(ctx, 0);
	assert_int_equal(EVP_CipherUpdate(ctx, out, &l1, in, (int)n), 1);
	assert_int_equal(EVP_CipherFinal_ex(ctx, out + l1, &l2), 1);
	assert_int_equal(l1 + l2, (int)n);
	EVP_CIPHER_CTX_free(ctx);
}

/* Encrypt an arbitrary plaintext (n a multiple of 16) and return base64. */
static char *seal_raw(const struct kf_wxcrypt *c, const unsigned char *pt, size_t n)
{
	unsigned char *ct = malloc(n ? n : 1);
	aes_raw(c, 1, pt, n, ct);
	char *b = b64_encode(ct, n);
	free(ct);
	return b;
}

/* Decrypt base64 with our key to the raw padded plaintext. */
static unsigned char *unseal_raw(const struct kf_wxcrypt *c, const char *b64, size_t *n)
{
	unsigned char *ct = b64_decode(b64, n);
	unsigned char *pt = malloc(*n ? *n : 1);
	aes_raw(c, 0, ct, *n, pt);
	free(ct);
	return pt;
}

/* A well-formed plaintext (random16 || len || msg || id), padded with
 * `pad` bytes of value `padval` (no check that it is valid). */
static unsigned char *plain(const char *msg, uint32_t len_field, const char *id, size_t pad, unsigned padval,
			    size_t *n)
{
	size_t mlen = strlen(msg), idlen = strlen(id);
	*n = 20 + mlen + idlen + pad;
	unsigned char *p = malloc(*n);
	memset(p, 'r', 16);
	p[16] = (unsigned char)(len_field >> 24);
	p[17] = (unsigned char)(len_field >> 16);
	p[18] = (unsigned char)(len_field >> 8);
	p[19] = (unsigned char)len_field;
	memcpy(p + 20, msg, mlen);
	memcpy(p + 20 + mlen, id, idlen);
	memset(p + 20 + mlen + idlen, (int)padval, pad);
	return p;
}

static void expect_decrypt_error(const struct kf_wxcrypt *c, const char *b64, enum kf_err code, const char *name)
{
	struct kf_error err = {0};
	char *msg = (char *)1;
	size_t len = 99;
	assert_int_equal(kf_wxcrypt_decrypt(c, b64, NULL, &msg, &len, &err), code);
	assert_string_equal(err.name, name);
	assert_null(msg);
	assert_int_equal(len, 0);
}

static void round_trip(const struct kf_wxcrypt *c, const char *msg, size_t len)
{
	struct kf_error err = {0};
	char *b64 = NULL, *out = NULL;
	size_t outlen = 0;
	assert_int_equal(kf_wxcrypt_encrypt(c, msg, len, NULL, &b64, &err), KF_OK);
	assert_int_equal(kf_wxcrypt_decrypt(c, b64, NULL, &out, &outlen, &err), KF_OK);
	assert_int_equal(outlen, len);
	assert_memory_equal(out, msg, len);
	assert_int_equal(out[len], '\0');
	free(out);
	free(b64);
}

/* ---- vectors ---- */

static void test_vector_V1_key_derivation(void **state)
{
	(void)state;
	struct kf_wxcrypt c;
	init_v1(&c);
	unsigned char want[32];
	for (int i = 0; i < 32; i++) {
		unsigned v;
		assert_int_equal(sscanf(V1_KEY_HEX + 2 * i, "%2x", &v), 1);
		want[i] = (unsigned char)v;
	}
	assert_memory_equal(c.key, want, 32);
	assert_string_equal(c.token, V1_TOKEN);
	assert_string_equal(c.appid, V1_ID);
	kf_wxcrypt_clear(&c);
	static const unsigned char zero[sizeof(c)];
	assert_memory_equal(&c, zero, sizeof(c));
}

static void test_vector_V1_encrypt(void **state)
{
	(void)state;
	struct kf_wxcrypt c;
	init_v1(&c);
	struct kf_error err = {0};
	char *b64 = NULL;
	assert_int_equal(kf_wxcrypt_encrypt(&c, V1_MESSAGE, strlen(V1_MESSAGE), (const unsigned char *)V1_RANDOM, &b64,
					    &err),
			 KF_OK);
	assert_string_equal(b64, V1_ENCRYPT);
	char sig[41];
	assert_int_equal(kf_wxcrypt_sign(V1_TOKEN, V1_TIMESTAMP, V1_NONCE, b64, sig), KF_OK);
	assert_string_equal(sig, V1_MSG_SIGNATURE);
	free(b64);
}

static void test_vector_V1_decrypts_back(void **state)
{
	(void)state;
	struct kf_wxcrypt c;
	init_v1(&c);
	struct kf_error err = {0};
	char *msg = NULL;
	size_t len = 0;
	assert_int_equal(kf_wxcrypt_open(&c, V1_TIMESTAMP, V1_NONCE, V1_MSG_SIGNATURE, V1_ENCRYPT, &msg, &len, &err),
			 KF_OK);
	assert_int_equal(len, strlen(V1_MESSAGE));
	assert_string_equal(msg, V1_MESSAGE);
	free(msg);
	/* The random prefix is the vector's. */
	size_t n;
	unsigned char *pt = unseal_raw(&c, V1_ENCRYPT, &n);
	assert_memory_equal(pt, V1_RANDOM, 16);
	free(pt);
}

static void test_vector_V2_decrypt(void **state)
{
	(void)state;
	struct kf_wxcrypt c;
	init_v1(&c); /* V2 uses V1's key and token */
	assert_true(kf_wxcrypt_verify(V1_TOKEN, V1_TIMESTAMP, V1_NONCE, V2_ENCRYPT, V2_MSG_SIGNATURE));
	struct kf_error err = {0};
	char *msg = NULL, *id = NULL;
	size_t len = 0;
	assert_int_equal(kf_wxcrypt_open(&c, V1_TIMESTAMP, V1_NONCE, V2_MSG_SIGNATURE, V2_ENCRYPT, &msg, &len, &err),
			 KF_OK);
	assert_string_equal(msg, V2_MESSAGE);
	assert_int_equal(len, strlen(V2_MESSAGE));
	free(msg);
	assert_int_equal(kf_wxcrypt_decrypt_any(&c, V2_ENCRYPT, &msg, &len, &id, &err), KF_OK);
	assert_string_equal(id, V1_ID);
	assert_string_equal(msg, V2_MESSAGE);
	free(msg);
	free(id);
	size_t n;
	unsigned char *pt = unseal_raw(&c, V2_ENCRYPT, &n);
	assert_memory_equal(pt, V2_RANDOM, 16);
	free(pt);
}

static void test_vector_V3_ticket_push_decrypt(void **state)
{
	(void)state;
	struct kf_wxcrypt c;
	struct kf_error err = {0};
	/* The key's last character 'q' has non-zero unused bits: accepted. */
	assert_int_equal(kf_wxcrypt_init(&c, V3_TOKEN, V3_AES_KEY, V3_ID, &err), KF_OK);
	char *msg = NULL;
	size_t len = 0;
	assert_int_equal(kf_wxcrypt_open(&c, V3_TIMESTAMP, V3_NONCE, V3_MSG_SIGNATURE, V3_ENCRYPT, &msg, &len, &err),
			 KF_OK);
	assert_string_equal(msg, V3_MESSAGE);
	assert_int_equal(len, strlen(V3_MESSAGE));
	free(msg);
	kf_wxcrypt_clear(&c);
}

static void test_vector_V4_signature(void **state)
{
	(void)state;
	char sig[41];
	assert_int_equal(kf_wxcrypt_sign(V4_TOKEN, V4_TIMESTAMP, V4_NONCE, V4_ENCRYPT, sig), KF_OK);
	assert_string_equal(sig, V4_MSG_SIGNATURE);
	assert_true(kf_wxcrypt_verify(V4_TOKEN, V4_TIMESTAMP, V4_NONCE, V4_ENCRYPT, V4_MSG_SIGNATURE));
}

/* ---- signatures ---- */

static void test_signature_three_items_for_url_verification(void **state)
{
	(void)state;
	char sig[41];
	/* sha1("1234561411525903461056294") */
	assert_int_equal(kf_wxcrypt_sign(V1_TOKEN, V1_TIMESTAMP, V1_NONCE, NULL, sig), KF_OK);
	assert_string_equal(sig, "6c729cc5480fab0c2e594b7e25a93d2dbef6ab97");
	assert_true(kf_wxcrypt_verify(V1_TOKEN, V1_TIMESTAMP, V1_NONCE, NULL, sig));
	/* an empty fourth item adds nothing to the concatenation */
	assert_true(kf_wxcrypt_verify(V1_TOKEN, V1_TIMESTAMP, V1_NONCE, "", sig));
	assert_false(kf_wxcrypt_verify(V1_TOKEN, V1_TIMESTAMP, V1_NONCE, "x", sig));
}

static void test_signature_sorts_bytewise(void **state)
{
	(void)state;
	char sig[41];
	/* sorted: "0123" < "Zeta" < "alpha" < "été" (0xC3 > 'a') */
	assert_int_equal(kf_wxcrypt_sign("alpha", "\xc3\xa9t\xc3\xa9", "Zeta", "0123", sig), KF_OK);
	assert_string_equal(sig, "82f864d0526d71537f11922b9081cceb164bb1a0");
	assert_int_equal(kf_wxcrypt_sign("0123", "Zeta", "\xc3\xa9t\xc3\xa9", "alpha", sig), KF_OK);
	assert_string_equal(sig, "82f864d0526d71537f11922b9081cceb164bb1a0");
	assert_int_equal(kf_wxcrypt_sign(NULL, "1", "2", "3", sig), KF_EINVAL);
	assert_string_equal(sig, "");
}

static void test_bad_signature(void **state)
{
	(void)state;
	/* one digit changed */
	assert_false(kf_wxcrypt_verify(V4_TOKEN, V4_TIMESTAMP, V4_NONCE, V4_ENCRYPT,
				       "d6056f2bb3ad3e30f4afa5ef90cc9ddcdc7b7b28"));
	/* upper-case hex is the same signature */
	assert_true(kf_wxcrypt_verify(V4_TOKEN, V4_TIMESTAMP, V4_NONCE, V4_ENCRYPT,
				      "D6056F2BB3AD3E30F4AFA5EF90CC9DDCDC7B7B27"));
	assert_false(kf_wxcrypt_verify(V4_TOKEN, V4_TIMESTAMP, V4_NONCE, V4_ENCRYPT,
				       "d6056f2bb3ad3e30f4afa5ef90cc9ddcdc7b7b2"));
	assert_false(kf_wxcrypt_verify(V4_TOKEN, V4_TIMESTAMP, V4_NONCE, V4_ENCRYPT,
				       "d6056f2bb3ad3e30f4afa5ef90cc9ddcdc7b7b277"));
	assert_false(kf_wxcrypt_verify(V4_TOKEN, V4_TIMESTAMP, V4_NONCE, V4_ENCRYPT, ""));
	assert_false(kf_wxcrypt_verify(V4_TOKEN, V4_TIMESTAMP, V4_NONCE, V4_ENCRYPT, NULL));
	assert_false(kf_wxcrypt_verify("other", V4_TIMESTAMP, V4_NONCE, V4_ENCRYPT, V4_MSG_SIGNATURE));
	assert_false(kf_wxcrypt_verify(V4_TOKEN, "123457", V4_NONCE, V4_ENCRYPT, V4_MSG_SIGNATURE));

	/* open refuses before decrypting: output untouched, error named */
	struct kf_wxcrypt c;
	init_v1(&c);
	struct kf_error err = {0};
	char *msg = NULL;
	size_t len = 0;
	assert_int_equal(kf_wxcrypt_open(&c, V1_TIMESTAMP, V1_NONCE, V1_MSG_SIGNATURE, V2_ENCRYPT, &msg, &len, &err),
			 KF_EINVAL);
	assert_string_equal(err.name, "bad_signature");
	assert_null(msg);
	assert_int_equal(kf_wxcrypt_open(&c, "1411525904", V1_NONCE, V2_MSG_SIGNATURE, V2_ENCRYPT, &msg, &len, &err),
			 KF_EINVAL);
	assert_string_equal(err.name, "bad_signature");
	assert_int_equal(kf_wxcrypt_open(&c, V1_TIMESTAMP, V1_NONCE, NULL, V2_ENCRYPT, &msg, &len, &err), KF_EINVAL);
	assert_string_equal(err.name, "bad_signature");
}

/* ---- padding edge cases ---- */

static void check_padding(size_t msglen, size_t want_total, unsigned want_pad)
{
	struct kf_wxcrypt c;
	init_v1(&c);
	char *msg = malloc(msglen + 1);
	memset(msg, 'm', msglen);
	struct kf_error err = {0};
	char *b64 = NULL;
	assert_int_equal(kf_wxcrypt_encrypt(&c, msg, msglen, NULL, &b64, &err), KF_OK);
	size_t n;
	unsigned char *pt = unseal_raw(&c, b64, &n);
	assert_int_equal(n, want_total);
	for (size_t i = n - want_pad; i < n; i++)
		assert_int_equal(pt[i], want_pad);
	free(pt);
	char *out = NULL;
	size_t outlen;
	assert_int_equal(kf_wxcrypt_decrypt(&c, b64, NULL, &out, &outlen, &err), KF_OK);
	assert_int_equal(outlen, msglen);
	assert_memory_equal(out, msg, msglen);
	free(out);
	free(b64);
	free(msg);
}

static void test_padding_full_block_when_aligned(void **state)
{
	(void)state;
	/* 20 + 26 + 18 (V1_ID) = 64: a whole extra block of 32 × 0x20 */
	check_padding(26, 96, 32);
	/* 20 + 58 + 18 = 96 */
	check_padding(58, 128, 32);
}

static void test_padding_one_byte(void **state)
{
	(void)state;
	/* 20 + 25 + 18 = 63: one byte of 0x01 */
	check_padding(25, 64, 1);
	/* 20 + 27 + 18 = 65: 31 bytes of 0x1f */
	check_padding(27, 96, 31);
}

static void test_empty_message(void **state)
{
	(void)state;
	/* 20 + 0 + 18 = 38 → 64 */
	check_padding(0, 64, 26);
	struct kf_wxcrypt c;
	init_v1(&c);
	round_trip(&c, "", 0);
	struct kf_error err = {0};
	char *b64 = NULL;
	assert_int_equal(kf_wxcrypt_encrypt(&c, NULL, 0, NULL, &b64, &err), KF_OK);
	free(b64);
}

static void test_one_byte_message(void **state)
{
	(void)state;
	check_padding(1, 64, 25);
	struct kf_wxcrypt c;
	init_v1(&c);
	round_trip(&c, "x", 1);
	round_trip(&c, "\0", 1);
}

static void test_multibyte_utf8_message(void **state)
{
	(void)state;
	struct kf_wxcrypt c;
	init_v1(&c);
	round_trip(&c, UTF8_TEXT, strlen(UTF8_TEXT));
	/* the length field counts bytes, not characters */
	struct kf_error err = {0};
	char *b64 = NULL;
	assert_int_equal(kf_wxcrypt_encrypt(&c, UTF8_TEXT, strlen(UTF8_TEXT), NULL, &b64, &err), KF_OK);
	size_t n;
	unsigned char *pt = unseal_raw(&c, b64, &n);
	assert_int_equal(pt[19], strlen(UTF8_TEXT)); /* 11 bytes, 4 characters */
	assert_int_equal(pt[16] | pt[17] | pt[18], 0);
	free(pt);
	free(b64);
}

static void test_random_round_trips(void **state)
{
	(void)state;
	struct kf_wxcrypt c;
	init_v1(&c);
	size_t cap = 64 * 1024;
	unsigned char *buf = malloc(cap);
	assert_int_equal(RAND_bytes(buf, (int)cap), 1);
	for (size_t len = 0; len <= 70; len++) /* every length across two pad blocks */
		round_trip(&c, (const char *)buf, len);
	for (int i = 0; i < 60; i++) {
		uint32_t r;
		assert_int_equal(RAND_bytes((unsigned char *)&r, sizeof(r)), 1);
		round_trip(&c, (const char *)buf, r % (cap + 1));
	}
	round_trip(&c, (const char *)buf, cap);
	free(buf);
}

static void test_largest_message_and_too_large(void **state)
{
	(void)state;
	struct kf_wxcrypt c;
	init_v1(&c);
	char *big = calloc(KF_WXCRYPT_MAX_MSG + 1, 1);
	round_trip(&c, big, KF_WXCRYPT_MAX_MSG);
	struct kf_error err = {0};
	char *b64 = (char *)1;
	assert_int_equal(kf_wxcrypt_encrypt(&c, big, KF_WXCRYPT_MAX_MSG + 1, NULL, &b64, &err), KF_ELIMIT);
	assert_string_equal(err.name, "message_too_large");
	assert_int_equal(err.status, 413);
	assert_null(b64);
	free(big);
	/* base64 text longer than any permitted ciphertext is refused unread */
	size_t n = (size_t)KF_WXCRYPT_MAX_MSG / 3 * 4 + 4096;
	char *text = malloc(n + 1);
	memset(text, 'A', n);
	text[n] = '\0';
	expect_decrypt_error(&c, text, KF_ELIMIT, "message_too_large");
	free(text);
}

/* ---- refusals ---- */

static void test_wrong_key(void **state)
{
	(void)state;
	struct kf_wxcrypt c;
	struct kf_error err = {0};
	assert_int_equal(kf_wxcrypt_init(&c, V1_TOKEN, V3_AES_KEY, V1_ID, &err), KF_OK);
	/* Garbage after decryption: the last byte of this vector's garbage is
	 * not a valid pad. */
	expect_decrypt_error(&c, V2_ENCRYPT, KF_EINVAL, "bad_padding");
	/* A sender with another key whose garbage happens to pad validly is
	 * still caught by the length field or the app id. */
	for (int i = 0; i < 200; i++) {
		char key[44];
		assert_int_equal(kf_wxcrypt_generate_key(key), KF_OK);
		struct kf_wxcrypt other;
		assert_int_equal(kf_wxcrypt_init(&other, V1_TOKEN, key, V1_ID, &err), KF_OK);
		char *msg = NULL;
		size_t len = 0;
		assert_int_not_equal(kf_wxcrypt_decrypt(&other, V2_ENCRYPT, NULL, &msg, &len, &err), KF_OK);
		assert_null(msg);
	}
}

static void test_truncated_ciphertext(void **state)
{
	(void)state;
	struct kf_wxcrypt c;
	init_v1(&c);
	size_t n;
	unsigned char *ct = b64_decode(V2_ENCRYPT, &n);
	assert_int_equal(n % 32, 0);
	/* one AES block short: still whole blocks, the pad is now garbage */
	char *b = b64_encode(ct, n - 16);
	expect_decrypt_error(&c, b, KF_EINVAL, "bad_padding");
	free(b);
	/* only the first block: shorter than the smallest message */
	b = b64_encode(ct, 16);
	expect_decrypt_error(&c, b, KF_EINVAL, "bad_ciphertext");
	free(b);
	/* base64 text cut in the middle of a group */
	char *t = strdup(V2_ENCRYPT);
	t[strlen(t) - 3] = '\0';
	expect_decrypt_error(&c, t, KF_EINVAL, "invalid_base64");
	free(t);
	free(ct);
}

static void test_ciphertext_not_whole_blocks(void **state)
{
	(void)state;
	struct kf_wxcrypt c;
	init_v1(&c);
	size_t n;
	unsigned char *ct = b64_decode(V2_ENCRYPT, &n);
	size_t bad[] = {n - 1, n - 15, 33, 47, n + 1};
	unsigned char *ext = malloc(n + 1);
	memcpy(ext, ct, n);
	ext[n] = 0;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char *b = b64_encode(ext, bad[i]);
		expect_decrypt_error(&c, b, KF_EINVAL, "bad_ciphertext");
		free(b);
	}
	free(ext);
	free(ct);
}

static void test_tampered_last_block(void **state)
{
	(void)state;
	struct kf_wxcrypt c;
	init_v1(&c);
	size_t n;
	unsigned char *ct = b64_decode(V2_ENCRYPT, &n);
	ct[n - 1] ^= 0x01; /* the last plaintext block becomes garbage */
	char *b = b64_encode(ct, n);
	expect_decrypt_error(&c, b, KF_EINVAL, "bad_padding");
	free(b);
	free(ct);
}

static void test_bad_padding_values(void **state)
{
	(void)state;
	struct kf_wxcrypt c;
	init_v1(&c);
	struct {
		size_t pad;
		unsigned value;
	} cases[] = {
		{26, 0},  /* pad value 0 */
		{26, 33}, /* above the 32-byte block */
		{26, 255},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		size_t n;
		unsigned char *p = plain("", 0, V1_ID, cases[i].pad, cases[i].value, &n);
		char *b = seal_raw(&c, p, n);
		expect_decrypt_error(&c, b, KF_EINVAL, "bad_padding");
		free(b);
		free(p);
	}
	/* pad bytes that disagree: 26 bytes, one of them 25 */
	size_t n;
	unsigned char *p = plain("", 0, V1_ID, 26, 26, &n);
	p[n - 10] = 25;
	char *b = seal_raw(&c, p, n);
	expect_decrypt_error(&c, b, KF_EINVAL, "bad_padding");
	free(b);
	/* a pad of 26 where the 26 bytes are right is accepted (control) */
	p[n - 10] = 26;
	b = seal_raw(&c, p, n);
	char *msg = NULL;
	size_t len;
	struct kf_error err = {0};
	assert_int_equal(kf_wxcrypt_decrypt(&c, b, NULL, &msg, &len, &err), KF_OK);
	assert_int_equal(len, 0);
	free(msg);
	free(b);
	free(p);
	/* 16-byte padding from a sender padding to AES blocks is still valid
	 * PKCS#7 within 1..32: accepted */
	p = plain("abcdefghij", 10, V1_ID, 16, 16, &n); /* 20 + 10 + 18 + 16 = 64 */
	b = seal_raw(&c, p, n);
	assert_int_equal(kf_wxcrypt_decrypt(&c, b, NULL, &msg, &len, &err), KF_OK);
	assert_string_equal(msg, "abcdefghij");
	free(msg);
	free(b);
	free(p);
}

static void test_tampered_length_field(void **state)
{
	(void)state;
	struct kf_wxcrypt c;
	init_v1(&c);
	/* 20 + 8 + 18 = 46, pad 18 → 64 */
	uint32_t bad[] = {8 + 18 + 1, 0xffffffffu, 0x80000000u, 1u << 24};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		size_t n;
		unsigned char *p = plain("8 bytes!", bad[i], V1_ID, 18, 18, &n);
		char *b = seal_raw(&c, p, n);
		expect_decrypt_error(&c, b, KF_EINVAL, "bad_length");
		free(b);
		free(p);
	}
	/* a length that leaves part of the message in the id: the id check
	 * catches it */
	size_t n;
	unsigned char *p = plain("8 bytes!", 7, V1_ID, 18, 18, &n);
	char *b = seal_raw(&c, p, n);
	expect_decrypt_error(&c, b, KF_EINVAL, "appid_mismatch");
	free(b);
	free(p);
	/* length field eating the whole id: decrypt_any reports an empty id */
	p = plain("8 bytes!", 8 + 18, V1_ID, 18, 18, &n);
	b = seal_raw(&c, p, n);
	expect_decrypt_error(&c, b, KF_EINVAL, "appid_mismatch");
	char *msg = NULL, *id = NULL;
	size_t len;
	struct kf_error err = {0};
	assert_int_equal(kf_wxcrypt_decrypt_any(&c, b, &msg, &len, &id, &err), KF_OK);
	assert_string_equal(id, "");
	assert_int_equal(len, 8 + 18);
	free(msg);
	free(id);
	free(b);
	free(p);
	/* plaintext too short for the length field: 16 random + 3 bytes + 13 pad */
	unsigned char shortp[32];
	memset(shortp, 'r', 19);
	memset(shortp + 19, 13, 13);
	b = seal_raw(&c, shortp, 32);
	expect_decrypt_error(&c, b, KF_EINVAL, "bad_length");
	free(b);
}

static void test_wrong_appid(void **state)
{
	(void)state;
	struct kf_wxcrypt c;
	struct kf_error err = {0};
	assert_int_equal(kf_wxcrypt_init(&c, V1_TOKEN, V1_AES_KEY, "wx0000000000000000", &err), KF_OK);
	expect_decrypt_error(&c, V2_ENCRYPT, KF_EINVAL, "appid_mismatch");
	char *msg = NULL, *id = NULL;
	size_t len;
	/* explicit expectation overrides c.appid */
	assert_int_equal(kf_wxcrypt_decrypt(&c, V2_ENCRYPT, V1_ID, &msg, &len, &err), KF_OK);
	free(msg);
	assert_int_equal(kf_wxcrypt_decrypt(&c, V2_ENCRYPT, "wx49f0ab532d5d035", &msg, &len, &err), KF_EINVAL);
	assert_string_equal(err.name, "appid_mismatch");
	assert_int_equal(kf_wxcrypt_decrypt(&c, V2_ENCRYPT, "wx49f0ab532d5d035ab", &msg, &len, &err), KF_EINVAL);
	assert_string_equal(err.name, "appid_mismatch");
	/* the caller can read the id and compare it itself */
	assert_int_equal(kf_wxcrypt_decrypt_any(&c, V2_ENCRYPT, &msg, &len, &id, &err), KF_OK);
	assert_string_equal(id, V1_ID);
	free(msg);
	free(id);
}

static void test_base64_garbage(void **state)
{
	(void)state;
	struct kf_wxcrypt c;
	init_v1(&c);
	const char *bad[] = {
		"", "!!!!", "abc", "====", "ab=c", "a===", "=abc",
		"RgqE oJj5", "RgqEoJj5\n", " RgqEoJj5", "Rgq-oJj5", "Rgq_oJj5",
		"\xe4\xb8\xad\xe6\x96\x87\xe4\xb8",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		expect_decrypt_error(&c, bad[i], KF_EINVAL, "invalid_base64");
	expect_decrypt_error(&c, NULL, KF_EINVAL, "invalid_base64");
	/* valid base64 of something too short */
	expect_decrypt_error(&c, "AAAA", KF_EINVAL, "bad_ciphertext");
}

static void test_init_rejects_bad_keys_and_ids(void **state)
{
	(void)state;
	struct kf_wxcrypt c;
	struct kf_error err = {0};
	const char *bad_keys[] = {
		"kWxPEV2UEDyxWpmPdKC3F4dgPDmOvfKX1HGnEUDS1a",   /* 42 */
		"kWxPEV2UEDyxWpmPdKC3F4dgPDmOvfKX1HGnEUDS1aRR", /* 44 */
		"kWxPEV2UEDyxWpmPdKC3F4dgPDmOvfKX1HGnEUDS1a=",  /* padding inside */
		"kWxPEV2UEDyxWpmPdKC3F4dgPDmOvfKX1HGnEUDS1a-",  /* base64url */
		"kWxPEV2UEDyxWpmPdKC3F4dgPDmOvfKX1HGnEUDS1a_",
		"kWxPEV2UEDyxWpmPdKC3F4dgPDmOvfKX1HGnEUDS1a ",
		"",
		NULL,
	};
	for (size_t i = 0; i < sizeof(bad_keys) / sizeof(bad_keys[0]); i++) {
		assert_int_equal(kf_wxcrypt_init(&c, V1_TOKEN, bad_keys[i], V1_ID, &err), KF_EINVAL);
		assert_string_equal(err.name, "invalid_aes_key");
		assert_string_equal(err.field, "aes_key");
	}
	/* '+' and '/' are base64 characters */
	assert_int_equal(kf_wxcrypt_init(&c, V1_TOKEN, "kWxPEV2UEDyxWpmPdKC3F4dgPDmOvfKX1HGnEUDS1+/", V1_ID, &err),
			 KF_OK);
	assert_int_equal(kf_wxcrypt_init(&c, "", V1_AES_KEY, V1_ID, &err), KF_EINVAL);
	assert_string_equal(err.name, "invalid_token");
	assert_int_equal(kf_wxcrypt_init(&c, "0123456789012345678901234567890123456789012345678901234567890123",
					 V1_AES_KEY, V1_ID, &err),
			 KF_EINVAL);
	assert_string_equal(err.name, "invalid_token");
	assert_int_equal(kf_wxcrypt_init(&c, "to\nken", V1_AES_KEY, V1_ID, &err), KF_EINVAL);
	assert_string_equal(err.name, "invalid_token");
	assert_int_equal(kf_wxcrypt_init(&c, V1_TOKEN, V1_AES_KEY, "", &err), KF_EINVAL);
	assert_string_equal(err.name, "invalid_appid");
	assert_int_equal(kf_wxcrypt_init(&c, V1_TOKEN, V1_AES_KEY, NULL, &err), KF_EINVAL);
	assert_string_equal(err.name, "invalid_appid");
}

static void test_key_unused_bits_ignored(void **state)
{
	(void)state;
	/* The last character carries 2 unused bits: 'Q' (…00), 'R' (…01),
	 * 'S' (…10) and 'T' (…11) all give the same key. */
	struct kf_wxcrypt a, b;
	struct kf_error err = {0};
	assert_int_equal(kf_wxcrypt_init(&a, V1_TOKEN, "kWxPEV2UEDyxWpmPdKC3F4dgPDmOvfKX1HGnEUDS1aQ", V1_ID, &err), KF_OK);
	const char *same[] = {V1_AES_KEY, "kWxPEV2UEDyxWpmPdKC3F4dgPDmOvfKX1HGnEUDS1aS",
			      "kWxPEV2UEDyxWpmPdKC3F4dgPDmOvfKX1HGnEUDS1aT"};
	for (size_t i = 0; i < 3; i++) {
		assert_int_equal(kf_wxcrypt_init(&b, V1_TOKEN, same[i], V1_ID, &err), KF_OK);
		assert_memory_equal(a.key, b.key, 32);
	}
	assert_int_equal(kf_wxcrypt_init(&b, V1_TOKEN, "kWxPEV2UEDyxWpmPdKC3F4dgPDmOvfKX1HGnEUDS1aU", V1_ID, &err), KF_OK);
	assert_memory_not_equal(a.key, b.key, 32);
}

static void test_generate_key(void **state)
{
	(void)state;
	for (int i = 0; i < 200; i++) {
		char key[KF_WXCRYPT_KEY_LEN + 1];
		assert_int_equal(kf_wxcrypt_generate_key(key), KF_OK);
		assert_int_equal(strlen(key), 43);
		for (size_t k = 0; k < 43; k++)
			assert_true((key[k] >= 'A' && key[k] <= 'Z') || (key[k] >= 'a' && key[k] <= 'z') ||
				    (key[k] >= '0' && key[k] <= '9'));
		struct kf_wxcrypt c;
		struct kf_error err = {0};
		assert_int_equal(kf_wxcrypt_init(&c, "t", key, "a", &err), KF_OK);
		/* canonical: re-encoding the 32 bytes gives the key back */
		char *enc = b64_encode(c.key, 32);
		assert_int_equal(strlen(enc), 44);
		assert_int_equal(enc[43], '=');
		assert_memory_equal(enc, key, 43);
		free(enc);
	}
}

static void test_nonce(void **state)
{
	(void)state;
	for (int i = 0; i < 100; i++) {
		char n[KF_WXCRYPT_NONCE_LEN + 1];
		assert_int_equal(kf_wxcrypt_nonce(n), KF_OK);
		assert_int_equal(strlen(n), KF_WXCRYPT_NONCE_LEN);
		assert_true(n[0] >= '1' && n[0] <= '9');
		for (size_t k = 1; k < KF_WXCRYPT_NONCE_LEN; k++)
			assert_true(n[k] >= '0' && n[k] <= '9');
	}
}

static void test_random_prefix_differs(void **state)
{
	(void)state;
	struct kf_wxcrypt c;
	init_v1(&c);
	struct kf_error err = {0};
	char *a = NULL, *b = NULL;
	assert_int_equal(kf_wxcrypt_encrypt(&c, "same", 4, NULL, &a, &err), KF_OK);
	assert_int_equal(kf_wxcrypt_encrypt(&c, "same", 4, NULL, &b, &err), KF_OK);
	assert_string_not_equal(a, b);
	free(a);
	free(b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_vector_V1_key_derivation),
		cmocka_unit_test(test_vector_V1_encrypt),
		cmocka_unit_test(test_vector_V1_decrypts_back),
		cmocka_unit_test(test_vector_V2_decrypt),
		cmocka_unit_test(test_vector_V3_ticket_push_decrypt),
		cmocka_unit_test(test_vector_V4_signature),
		cmocka_unit_test(test_signature_three_items_for_url_verification),
		cmocka_unit_test(test_signature_sorts_bytewise),
		cmocka_unit_test(test_bad_signature),
		cmocka_unit_test(test_padding_full_block_when_aligned),
		cmocka_unit_test(test_padding_one_byte),
		cmocka_unit_test(test_empty_message),
		cmocka_unit_test(test_one_byte_message),
		cmocka_unit_test(test_multibyte_utf8_message),
		cmocka_unit_test(test_random_round_trips),
		cmocka_unit_test(test_largest_message_and_too_large),
		cmocka_unit_test(test_wrong_key),
		cmocka_unit_test(test_truncated_ciphertext),
		cmocka_unit_test(test_ciphertext_not_whole_blocks),
		cmocka_unit_test(test_tampered_last_block),
		cmocka_unit_test(test_bad_padding_values),
		cmocka_unit_test(test_tampered_length_field),
		cmocka_unit_test(test_wrong_appid),
		cmocka_unit_test(test_base64_garbage),
		cmocka_unit_test(test_init_rejects_bad_keys_and_ids),
		cmocka_unit_test(test_key_unused_bits_ignored),
		cmocka_unit_test(test_generate_key),
		cmocka_unit_test(test_nonce),
		cmocka_unit_test(test_random_prefix_differs),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
