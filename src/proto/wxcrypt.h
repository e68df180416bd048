/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The message crypto of the third-party-platform protocol (PROTOCOL.md §7),
 * compatible with the WeChat/WeCom "WXBizMsgCrypt" SDKs:
 *
 *   key       = base64decode(EncodingAESKey + "=")[0:32], IV = key[0:16]
 *   plaintext = random(16) || uint32_be(len(msg)) || msg || app id
 *   cipher    = AES-256-CBC, library padding off, PKCS#7 padding to 32-byte
 *               blocks done here; sent as standard base64 with padding
 *   signature = lowercase hex SHA-1 of token, timestamp, nonce (and the
 *               ciphertext) sorted bytewise and concatenated
 *
 * All functions are thread-safe and keep no global state besides OpenSSL's
 * algorithm handles, fetched once. AES and SHA-1 are OpenSSL 3 EVP.
 *
 * Errors fill struct kf_error (name in quotes below):
 *   KF_EINVAL   "invalid_aes_key", "invalid_token", "invalid_appid",
 *               "invalid_base64", "bad_ciphertext" (not a whole number of
 *               AES blocks, or shorter than one 32-byte block), "bad_padding",
 *               "bad_length" (the length field points outside the plaintext),
 *               "appid_mismatch", "bad_signature"
 *   KF_ELIMIT   "message_too_large" (status 413): message over
 *               KF_WXCRYPT_MAX_MSG bytes, or ciphertext that could not hold
 *               less
 *   KF_EINTERNAL "crypto_error": OpenSSL failed (no randomness, …)
 *
 * Security note: the distinct decryption error names are for diagnostics and
 * logs. A receiver must check the msg_signature (kf_wxcrypt_open does) before
 * it decrypts, and must not report which decryption check failed to the
 * sender, or it offers a CBC padding oracle.
 */
#ifndef KF_PROTO_WXCRYPT_H
#define KF_PROTO_WXCRYPT_H

#include <stdbool.h>
#include <stddef.h>

#include "core/err.h"

#define KF_WXCRYPT_KEY_LEN 43           /* EncodingAESKey characters */
#define KF_WXCRYPT_SIG_LEN 40           /* hex SHA-1 */
#define KF_WXCRYPT_MAX_MSG (16u << 20)  /* 16 MiB */
#define KF_WXCRYPT_MAX_TOKEN 63
#define KF_WXCRYPT_MAX_APPID 63
#define KF_WXCRYPT_NONCE_LEN 10         /* digits written by kf_wxcrypt_nonce */

/* Caller's storage; wipe with kf_wxcrypt_clear when done. */
struct kf_wxcrypt {
	unsigned char key[32];
	char token[KF_WXCRYPT_MAX_TOKEN + 1];
	char appid[KF_WXCRYPT_MAX_APPID + 1];
};

/*
 * Derive the key from the 43-character EncodingAESKey and keep copies of the
 * token and the app id (all strings are copied; nothing is borrowed).
 * aes_key43 must be exactly 43 characters of the base64 alphabet
 * [A-Za-z0-9+/]; its last character may carry non-zero unused bits (real keys
 * do), which are ignored. token: 1..63 bytes; appid: 1..63 bytes, neither
 * with control characters.
 * Errors: KF_EINVAL "invalid_aes_key" (field "aes_key"), "invalid_token"
 * (field "token"), "invalid_appid" (field "appid"). On error *c is zeroed.
 */
enum kf_err kf_wxcrypt_init(struct kf_wxcrypt *c, const char *token, const char *aes_key43, const char *appid,
			    struct kf_error *err) KF_MUST_CHECK;

/* Wipe the key material in *c. */
void kf_wxcrypt_clear(struct kf_wxcrypt *c);

/*
 * Encrypt msg[0..len) (any bytes; the protocol carries UTF-8) for c->appid.
 * random16: the 16 random prefix bytes, or NULL to draw them from OpenSSL's
 * RAND_bytes (pass fixed bytes only in known-answer tests).
 * On success *out_b64 is a malloc'd NUL-terminated base64 string the caller
 * frees; on error it is NULL.
 * Errors: KF_ELIMIT "message_too_large" (len > KF_WXCRYPT_MAX_MSG),
 * KF_EINTERNAL "crypto_error".
 */
enum kf_err kf_wxcrypt_encrypt(const struct kf_wxcrypt *c, const char *msg, size_t len,
			       const unsigned char *random16, char **out_b64, struct kf_error *err) KF_MUST_CHECK;

/*
 * Decrypt b64 (NUL-terminated standard base64 with padding) and check that the
 * trailing app id equals expect_appid (NULL: c->appid).
 * On success *msg is a malloc'd buffer of *len bytes plus a terminating NUL
 * (the message may itself contain NUL bytes), which the caller frees; on
 * error *msg is NULL and *len 0.
 * Errors: KF_EINVAL "invalid_base64", "bad_ciphertext", "bad_padding",
 * "bad_length", "appid_mismatch"; KF_ELIMIT "message_too_large";
 * KF_EINTERNAL "crypto_error".
 */
enum kf_err kf_wxcrypt_decrypt(const struct kf_wxcrypt *c, const char *b64, const char *expect_appid, char **msg,
			       size_t *len, struct kf_error *err) KF_MUST_CHECK;

/*
 * As kf_wxcrypt_decrypt, without the app id check: the id found at the end
 * of the plaintext is returned in *appid (malloc'd, NUL-terminated, may be
 * empty; the caller frees it and compares it). Same errors except
 * "appid_mismatch".
 */
enum kf_err kf_wxcrypt_decrypt_any(const struct kf_wxcrypt *c, const char *b64, char **msg, size_t *len,
				   char **appid, struct kf_error *err) KF_MUST_CHECK;

/*
 * Signature over token, timestamp, nonce and encrypt, sorted bytewise and
 * concatenated, as 40 lowercase hex digits plus NUL in out. encrypt == NULL
 * gives the three-item signature (the `signature` query parameter and URL
 * verification). token, timestamp and nonce must not be NULL.
 * Returns KF_OK, KF_EINVAL (a NULL argument) or KF_EINTERNAL (OpenSSL
 * failed); out is "" on error. (No struct kf_error: nothing here is the
 * user's fault.)
 */
enum kf_err kf_wxcrypt_sign(const char *token, const char *timestamp, const char *nonce, const char *encrypt,
			    char out[KF_WXCRYPT_SIG_LEN + 1]) KF_MUST_CHECK;

/*
 * True when signature is the signature of the other arguments (encrypt may
 * be NULL as above). The comparison runs in constant time; hex digits are
 * accepted in either case. NULL signature → false.
 */
bool kf_wxcrypt_verify(const char *token, const char *timestamp, const char *nonce, const char *encrypt,
		       const char *signature);

/*
 * Receiving side in one step: verify msg_signature over c->token, timestamp,
 * nonce and b64, then kf_wxcrypt_decrypt(c, b64, NULL, …).
 * Errors: KF_EINVAL "bad_signature" (nothing is decrypted), then those of
 * kf_wxcrypt_decrypt.
 */
enum kf_err kf_wxcrypt_open(const struct kf_wxcrypt *c, const char *timestamp, const char *nonce,
			    const char *msg_signature, const char *b64, char **msg, size_t *len,
			    struct kf_error *err) KF_MUST_CHECK;

/*
 * A fresh EncodingAESKey: 43 characters of [A-Za-z0-9] (the alphabet the
 * WeChat platform itself uses, so every SDK accepts it) whose last character
 * leaves no unused bits set, i.e. the canonical encoding of 32 random bytes.
 * out receives 43 characters plus NUL.
 * Returns KF_OK or KF_EINTERNAL (no randomness; out is wiped).
 */
enum kf_err kf_wxcrypt_generate_key(char out[KF_WXCRYPT_KEY_LEN + 1]) KF_MUST_CHECK;

/*
 * A random decimal nonce of KF_WXCRYPT_NONCE_LEN digits plus NUL (the form
 * the WeChat platform sends; the first digit is not 0).
 * Returns KF_OK or KF_EINTERNAL (no randomness).
 */
enum kf_err kf_wxcrypt_nonce(char out[KF_WXCRYPT_NONCE_LEN + 1]) KF_MUST_CHECK;

#endif
