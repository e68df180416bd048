/* SPDX-License-Identifier: Apache-2.0 */
/* libFuzzer harness: decrypting an app's reply (proto/wxcrypt.c).
 *   the input as the Encrypt field: decryption either fails or gives a
 *     message shorter than the text, for the app id it was checked against;
 *   the input as a message: it encrypts, decrypts with the same key to the
 *     same bytes, and never decrypts under another app's key or app id;
 *   signatures over the input verify, and not once a byte changes. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "proto/wxcrypt.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct kf_wxcrypt a, b;
	static bool ready;
	struct kf_error err;
	if (!ready) {
		if (kf_wxcrypt_init(&a, "tokenA", "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG", "wx1234567890abcdef", &err) ||
		    kf_wxcrypt_init(&b, "tokenB", "ZYXWVUTSRQPONMLKJIHGFEDCBAzyxwvutsrqponmlkj", "wxfedcba0987654321", &err))
			abort();
		ready = true;
	}
	char *s = malloc(size + 1);
	memcpy(s, data, size);
	s[size] = '\0';

	char *msg = NULL, *appid = NULL;
	size_t len = 0;
	if (kf_wxcrypt_decrypt(&a, s, NULL, &msg, &len, &err) == KF_OK) {
		if (!msg || len >= strlen(s) || msg[len] != '\0')
			abort();
	} else if (msg || len) {
		abort();
	}
	free(msg);
	msg = NULL;
	if (kf_wxcrypt_decrypt_any(&a, s, &msg, &len, &appid, &err) == KF_OK) {
		if (!msg || !appid || len >= strlen(s))
			abort();
	}
	free(msg);
	free(appid);
	msg = NULL;

	if (size <= 4096) {
		unsigned char random16[16] = {0};
		memcpy(random16, data, size < 16 ? size : 16);
		char *b64 = NULL;
		if (kf_wxcrypt_encrypt(&a, (const char *)data, size, random16, &b64, &err) != KF_OK)
			abort();
		if (kf_wxcrypt_decrypt(&a, b64, NULL, &msg, &len, &err) != KF_OK || len != size ||
		    memcmp(msg, data, size))
			abort();
		free(msg);
		msg = NULL;
		/* another app's key, or the right key for another app id */
		if (kf_wxcrypt_decrypt(&b, b64, NULL, &msg, &len, &err) == KF_OK || msg)
			abort();
		if (kf_wxcrypt_decrypt(&a, b64, "wxfedcba0987654321", &msg, &len, &err) == KF_OK || msg)
			abort();
		char sig[KF_WXCRYPT_SIG_LEN + 1];
		if (kf_wxcrypt_sign("tokenA", "1750000000", "1234567890", b64, sig) != KF_OK ||
		    !kf_wxcrypt_verify("tokenA", "1750000000", "1234567890", b64, sig) ||
		    kf_wxcrypt_verify("tokenB", "1750000000", "1234567890", b64, sig))
			abort();
		if (kf_wxcrypt_open(&a, "1750000000", "1234567890", sig, b64, &msg, &len, &err) != KF_OK ||
		    len != size)
			abort();
		free(msg);
		msg = NULL;
		if (kf_wxcrypt_open(&b, "1750000000", "1234567890", sig, b64, &msg, &len, &err) == KF_OK)
			abort();
		free(b64);
	}
	char sig[KF_WXCRYPT_SIG_LEN + 1];
	if (kf_wxcrypt_sign("tokenA", s, "nonce", NULL, sig) != KF_OK || !kf_wxcrypt_verify("tokenA", s, "nonce", NULL, sig))
		abort();
	sig[0] = sig[0] == '0' ? '1' : '0';
	if (kf_wxcrypt_verify("tokenA", s, "nonce", NULL, sig))
		abort();
	free(s);
	return 0;
}
