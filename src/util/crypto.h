/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The narrow secrets API: random tokens, SHA-256 digests for storing them,
 * argon2id password hashes and constant-time comparison. Everything that
 * hashes a secret goes through here so every backend stores the same digest.
 */
#ifndef KF_UTIL_CRYPTO_H
#define KF_UTIL_CRYPTO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"

#define KF_TOKEN_HEXLEN 64  /* 256-bit random value as hex */
#define KF_SHA256_HEXLEN 64

/* Must be called once before any other function here. */
enum kf_err kf_crypto_init(void) KF_MUST_CHECK;

void kf_random_bytes(void *buf, size_t n);
/* Random 256-bit token, with an optional prefix, written to out
 * (needs strlen(prefix) + 65 bytes). */
void kf_token_new(const char *prefix, char *out, size_t outlen);
/* Random decimal code of n digits (n < 16). */
void kf_random_digits(char *out, int n);
/* Random hex id of n hex chars. */
void kf_random_hex(char *out, size_t nhex);

void kf_hex_encode(const unsigned char *in, size_t n, char *out);
/* out: 65 bytes, lowercase hex of SHA-256(data). */
void kf_sha256_hex(const void *data, size_t n, char *out);

/* argon2id, libsodium's interactive limits; out needs 128 bytes. */
enum kf_err kf_password_hash(const char *pw, char *out, size_t outlen) KF_MUST_CHECK;
bool kf_password_verify(const char *hash, const char *pw);

/* Constant-time equality of two NUL-terminated strings. */
bool kf_str_ct_equal(const char *a, const char *b);

#endif
