/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Encrypt + sign throughput of the push crypto on one core: 1 KiB
 * messages, the work done per pushed event (AES-256-CBC with the 32-byte
 * PKCS#7 padding, base64, SHA-1 msg_signature). Prints messages/second.
 * usage: crypto_bench [seconds]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "proto/wxcrypt.h"
#include "util/crypto.h"

static double now_s(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	double secs = argc > 1 ? atof(argv[1]) : 2.0;
	if (kf_crypto_init() != KF_OK)
		return 1;
	struct kf_wxcrypt c;
	struct kf_error err = {0};
	if (kf_wxcrypt_init(&c, "benchToken", "kWxPEV2UEDyxWpmPdKC3F4dgPDmOvfKX1HGnEUDS1aR", "kf0123456789abcdef",
			    &err) != KF_OK) {
		fprintf(stderr, "%s\n", err.msg);
		return 1;
	}
	char msg[1024];
	for (size_t i = 0; i < sizeof(msg); i++)
		msg[i] = (char)('a' + i % 26);
	long n = 0;
	double t0 = now_s(), t = t0;
	while (t - t0 < secs) {
		for (int k = 0; k < 1000; k++) {
			char *b64 = NULL, sig[41];
			if (kf_wxcrypt_encrypt(&c, msg, sizeof(msg), NULL, &b64, &err) != KF_OK)
				return 1;
			if (kf_wxcrypt_sign("benchToken", "1700000000", "123456789", b64, sig) != KF_OK)
				return 1;
			free(b64);
		}
		n += 1000;
		t = now_s();
	}
	printf("%.0f\n", (double)n / (t - t0));
	return 0;
}
