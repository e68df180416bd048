/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Time-based one-time passwords (RFC 6238 over RFC 4226): HMAC-SHA1 from
 * OpenSSL, 30-second steps, 6 digits, the step before and after accepted,
 * and each step usable once (the caller keeps the last step used). The
 * secret is 20 random bytes, shown to people and authenticator apps in
 * base32 (RFC 4648, no padding). Pure functions: time is an argument.
 */
#ifndef KF_CORE_TOTP_H
#define KF_CORE_TOTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define KF_TOTP_SECRET_LEN 20 /* bytes: SHA-1's block of entropy (RFC 4226 §4 R6) */
#define KF_TOTP_B32_LEN 32    /* base32 of 20 bytes, without NUL */
#define KF_TOTP_STEP 30       /* seconds */
#define KF_TOTP_DIGITS 6
#define KF_TOTP_WINDOW 1      /* steps accepted either side of now */

/* The step of time now (seconds since the epoch). */
int64_t kf_totp_step(int64_t now);

/* The HOTP value of key at counter, with digits (6..8) digits, written as
 * text of exactly that many digits into out (needs digits + 1 bytes).
 * False only when HMAC fails or digits is out of range. */
bool kf_hotp(const unsigned char *key, size_t key_len, uint64_t counter, int digits, char *out);

/* RFC 4648 base32 without padding: out needs (n * 8 + 4) / 5 + 1 bytes. */
void kf_base32_encode(const unsigned char *in, size_t n, char *out);
/* Decode base32 (upper or lower case, spaces and '=' ignored) into out
 * (cap bytes); the number of bytes, or -1 for a character outside the
 * alphabet or an output longer than cap. */
int kf_base32_decode(const char *in, unsigned char *out, size_t cap);

/*
 * Check a 6-digit code typed by a person against the base32 secret at
 * now. A code is accepted for the steps now-1 .. now+1 that are later than
 * last_step (the newest step already used: a code is good once); on
 * success *step is the step it matched, which the caller stores as the new
 * last_step. Spaces in the code are ignored. False for a code of the wrong
 * shape, a wrong code or a code already used.
 */
bool kf_totp_verify(const char *secret_b32, const char *code, int64_t now, int64_t last_step, int64_t *step);

/* The otpauth:// URI an authenticator app reads from the QR code
 * (issuer and account are percent-encoded). Answers a malloc'd string the
 * caller frees. */
char *kf_totp_uri(const char *issuer, const char *account, const char *secret_b32);

/* A recovery code as typed by a person, normalised for hashing: lower
 * case letters and digits only (spaces and dashes dropped) into out (cap
 * bytes). False when nothing is left or it does not fit. */
bool kf_recovery_code_normal(const char *in, char *out, size_t cap);

#endif
