/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Input validation for accounts (ONB-8): email addresses, mobile numbers
 * (normalised to E.164), password strength, and UTF-8 helpers. Pure
 * functions: no I/O, no allocation, every result written to caller storage.
 */
#ifndef KF_CORE_VALIDATE_H
#define KF_CORE_VALIDATE_H

#include <stdbool.h>
#include <stddef.h>

#include "core/err.h"

#define KF_EMAIL_MAX 254        /* bytes, RFC 5321 path limit */
#define KF_EMAIL_LOCAL_MAX 64   /* bytes before the '@' */
#define KF_MOBILE_E164_SIZE 17  /* '+', at most 15 digits, NUL */
#define KF_MOBILE_INPUT_MAX 64  /* longer raw input is rejected unread */
#define KF_PASSWORD_MIN_CHARS 10
#define KF_PASSWORD_MAX_BYTES 256

/*
 * Practical email check: "local@domain.tld", at most KF_EMAIL_MAX bytes,
 * exactly one '@'. The local part is 1..64 bytes of printable ASCII other than
 * space and '@'. The domain has at least two dot-separated labels, each 1..63
 * bytes of [A-Za-z0-9-] not starting or ending with '-', and the last label
 * is not all digits (so a bare IPv4 address is refused). NULL is invalid.
 */
bool kf_validate_email(const char *s);

/*
 * Validate a mobile number and write its E.164 form into out (size outlen,
 * KF_MOBILE_E164_SIZE is always enough). Spaces and hyphens anywhere are
 * ignored. Accepted:
 *   - mainland China mobile "1[3-9]" + 9 digits, bare or prefixed with "86"
 *     or "+86"; written as "+86" + 11 digits;
 *   - other E.164 numbers "+[1-9]" with 7..15 digits in total. A "+86"
 *     number must be a mainland mobile number as above.
 * Returns KF_OK; KF_EINVAL "invalid_mobile" (rule ONB-8, field "mobile");
 * KF_EINTERNAL "buffer_too_small" when outlen cannot hold the result.
 * On failure out (if outlen > 0) holds the empty string.
 */
KF_MUST_CHECK enum kf_err kf_validate_mobile(const char *in, char *out, size_t outlen,
					     struct kf_error *err);

/*
 * Password policy (ONB-8): at least KF_PASSWORD_MIN_CHARS code points, at
 * most KF_PASSWORD_MAX_BYTES bytes, valid UTF-8, and not equal to the
 * account's email (ASCII case-insensitive) or mobile number. The mobile check
 * refuses the E.164 form, the digits without '+', and anything that
 * kf_validate_mobile normalises to mobile_e164 (so "138 1234 5678" and
 * "13812345678" are refused for "+8613812345678"). National forms of
 * non-Chinese numbers other than those are not known and not checked.
 * email and mobile_e164 may be NULL (check skipped).
 * Returns KF_OK or KF_EINVAL "weak_password" (rule ONB-8, field "password")
 * with a message saying which requirement failed.
 */
KF_MUST_CHECK enum kf_err kf_validate_password(const char *pw, const char *email,
					       const char *mobile_e164, struct kf_error *err);

/*
 * True when s[0..len) is well-formed UTF-8 (no overlong forms, surrogates or
 * code points above U+10FFFF) and contains no NUL byte, since every consumer
 * treats text as C strings. s may be NULL only when len is 0.
 */
bool kf_validate_utf8(const char *s, size_t len);

/* Number of code points in the NUL-terminated s; SIZE_MAX when s is NULL or
 * not valid UTF-8. */
size_t kf_utf8_len(const char *s);

/* Replace, in place, every byte of s that does not start a well-formed UTF-8
 * sequence (including a sequence cut short at the end, as snprintf may leave
 * it) with '?', so the text can go into JSON. Returns the number replaced. */
size_t kf_utf8_scrub(char *s);

/* One DNS label s[0..len): 1..63 bytes of [A-Za-z0-9-], not starting or
 * ending with '-'. Shared by email domains, app domains and redirect hosts. */
bool kf_validate_dns_label(const char *s, size_t len);

/* A last label that makes a browser read the whole host as an IPv4 address
 * (WHATWG URL "ends in a number"): digits only, or "0x"/"0X" and hex
 * digits. */
bool kf_validate_numeric_label(const char *s, size_t len);

/* The value of the hex digit c (either case), or -1. */
int kf_hex_digit(int c);

#endif
