/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Account input validation (ONB-8). Everything here works on caller buffers
 * and never allocates; input lengths are bounded before any scan that could
 * be long, so a hostile string costs at most a few hundred bytes of work.
 */
#include "core/validate.h"

#include <stdint.h>
#include <string.h>

#include <utf8proc.h>

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static bool is_alnum(char c)
{
	return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static char ascii_lower(char c)
{
	return (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
}

static bool ascii_equal_nocase(const char *a, const char *b)
{
	for (; *a && *b; a++, b++) {
		if (ascii_lower(*a) != ascii_lower(*b))
			return false;
	}
	return *a == *b;
}

bool kf_validate_dns_label(const char *s, size_t len)
{
	if (len == 0 || len > 63 || s[0] == '-' || s[len - 1] == '-')
		return false;
	for (size_t i = 0; i < len; i++) {
		if (!is_alnum(s[i]) && s[i] != '-')
			return false;
	}
	return true;
}

int kf_hex_digit(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

bool kf_validate_numeric_label(const char *s, size_t len)
{
	if (len >= 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		for (size_t i = 2; i < len; i++)
			if (kf_hex_digit((unsigned char)s[i]) < 0)
				return false;
		return true;
	}
	for (size_t i = 0; i < len; i++)
		if (!is_digit(s[i]))
			return false;
	return len > 0;
}

bool kf_validate_email(const char *s)
{
	if (!s)
		return false;
	size_t len = strnlen(s, KF_EMAIL_MAX + 1);
	if (len > KF_EMAIL_MAX)
		return false;
	const char *at = memchr(s, '@', len);
	if (!at)
		return false;
	size_t local_len = (size_t)(at - s);
	if (local_len == 0 || local_len > KF_EMAIL_LOCAL_MAX)
		return false;
	for (size_t i = 0; i < local_len; i++) {
		/* printable ASCII without space; '@' cannot occur before `at` */
		if (s[i] <= ' ' || s[i] > '~')
			return false;
	}
	const char *dom = at + 1;
	size_t dom_len = len - local_len - 1;
	size_t labels = 0;
	bool last_all_digits = false;
	size_t start = 0;
	for (size_t i = 0; i <= dom_len; i++) {
		if (i < dom_len && dom[i] != '.')
			continue; /* also rejects a second '@' via the label rule */
		if (!kf_validate_dns_label(dom + start, i - start))
			return false;
		last_all_digits = strspn(dom + start, "0123456789") >= i - start;
		labels++;
		start = i + 1;
	}
	return labels >= 2 && !last_all_digits;
}

static bool mainland_mobile(const char *d, size_t n)
{
	/* the caller guarantees d holds digits only */
	return n == 11 && d[0] == '1' && d[1] >= '3' && d[1] <= '9';
}

static KF_MUST_CHECK enum kf_err mobile_error(char *out, size_t outlen, struct kf_error *err,
					      const char *why)
{
	if (outlen > 0)
		out[0] = '\0';
	return kf_error_set(err, KF_EINVAL, "invalid_mobile", "ONB-8", "mobile",
			    "mobile number %s", why);
}

enum kf_err kf_validate_mobile(const char *in, char *out, size_t outlen, struct kf_error *err)
{
	char digits[KF_MOBILE_INPUT_MAX + 1];
	size_t n = 0;
	bool plus = false;

	if (!in)
		return mobile_error(out, outlen, err, "is required");
	size_t len = strnlen(in, KF_MOBILE_INPUT_MAX + 1);
	if (len > KF_MOBILE_INPUT_MAX)
		return mobile_error(out, outlen, err, "is too long");
	for (size_t i = 0; i < len; i++) {
		char c = in[i];
		if (c == ' ' || c == '-')
			continue;
		if (c == '+' && n == 0 && !plus) {
			plus = true;
			continue;
		}
		if (!is_digit(c))
			return mobile_error(out, outlen, err,
					    "may contain only digits, spaces, hyphens and a leading '+'");
		digits[n++] = c;
	}
	if (n == 0)
		return mobile_error(out, outlen, err, "is required");

	const char *national = NULL; /* set for a mainland China number */
	if (n >= 2 && digits[0] == '8' && digits[1] == '6' && (plus || n == 13)) {
		if (n != 13 || !mainland_mobile(digits + 2, n - 2))
			return mobile_error(out, outlen, err,
					    "is not a valid mainland China mobile number");
		national = digits + 2;
	} else if (!plus) {
		if (!mainland_mobile(digits, n))
			return mobile_error(out, outlen, err,
					    "must be a mainland China mobile number or start with '+' and a country code");
		national = digits;
	} else if (digits[0] == '0' || n < 7 || n > 15) {
		return mobile_error(out, outlen, err,
				    "must be '+', a country code not starting with 0, and 7 to 15 digits in total");
	}

	size_t need = national ? 3 + 11 + 1 : 1 + n + 1;
	if (outlen < need) {
		if (outlen > 0)
			out[0] = '\0';
		return kf_error_set(err, KF_EINTERNAL, "buffer_too_small", NULL, "mobile",
				    "output buffer holds %zu bytes, %zu needed", outlen, need);
	}
	if (national) {
		memcpy(out, "+86", 3);
		memcpy(out + 3, national, 11);
		out[14] = '\0';
	} else {
		out[0] = '+';
		memcpy(out + 1, digits, n);
		out[n + 1] = '\0';
	}
	return KF_OK;
}

bool kf_validate_utf8(const char *s, size_t len)
{
	if (!s)
		return len == 0;
	const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)s;
	size_t i = 0;
	while (i < len) {
		utf8proc_int32_t cp;
		size_t left = len - i;
		if (left > 4)
			left = 4; /* one code point is at most 4 bytes */
		utf8proc_ssize_t r = utf8proc_iterate(p + i, (utf8proc_ssize_t)left, &cp);
		if (r <= 0 || cp == 0)
			return false;
		i += (size_t)r;
	}
	return true;
}

size_t kf_utf8_len(const char *s)
{
	if (!s)
		return SIZE_MAX;
	const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)s;
	size_t count = 0;
	while (*p) {
		utf8proc_int32_t cp;
		utf8proc_ssize_t r = utf8proc_iterate(p, -1, &cp);
		if (r <= 0)
			return SIZE_MAX;
		p += r;
		count++;
	}
	return count;
}

size_t kf_utf8_scrub(char *s)
{
	size_t n = 0;
	utf8proc_uint8_t *p = (utf8proc_uint8_t *)s;
	while (p && *p) {
		utf8proc_int32_t cp;
		utf8proc_ssize_t r = utf8proc_iterate(p, -1, &cp);
		if (r <= 0) {
			*p++ = '?';
			n++;
		} else {
			p += r;
		}
	}
	return n;
}

/* Does pw spell the mobile number mobile_e164 in any form we can recognise? */
static bool password_is_mobile(const char *pw, const char *mobile_e164)
{
	if (strcmp(pw, mobile_e164) == 0)
		return true;
	if (mobile_e164[0] == '+' && strcmp(pw, mobile_e164 + 1) == 0)
		return true;
	char norm[KF_MOBILE_E164_SIZE];
	if (kf_validate_mobile(pw, norm, sizeof(norm), NULL) == KF_OK &&
	    strcmp(norm, mobile_e164) == 0)
		return true;
	return false;
}

enum kf_err kf_validate_password(const char *pw, const char *email, const char *mobile_e164,
				 struct kf_error *err)
{
	if (!pw || !*pw)
		return kf_error_set(err, KF_EINVAL, "weak_password", "ONB-8", "password",
				    "password is required");
	size_t bytes = strnlen(pw, KF_PASSWORD_MAX_BYTES + 1);
	if (bytes > KF_PASSWORD_MAX_BYTES)
		return kf_error_set(err, KF_EINVAL, "weak_password", "ONB-8", "password",
				    "password must be at most %d bytes", KF_PASSWORD_MAX_BYTES);
	size_t chars = kf_utf8_len(pw);
	if (chars == SIZE_MAX)
		return kf_error_set(err, KF_EINVAL, "weak_password", "ONB-8", "password",
				    "password is not valid UTF-8");
	if (chars < KF_PASSWORD_MIN_CHARS)
		return kf_error_set(err, KF_EINVAL, "weak_password", "ONB-8", "password",
				    "password must be at least %d characters long, it has %zu",
				    KF_PASSWORD_MIN_CHARS, chars);
	if (email && *email && ascii_equal_nocase(pw, email))
		return kf_error_set(err, KF_EINVAL, "weak_password", "ONB-8", "password",
				    "password must not be the account's email address");
	if (mobile_e164 && *mobile_e164 && password_is_mobile(pw, mobile_e164))
		return kf_error_set(err, KF_EINVAL, "weak_password", "ONB-8", "password",
				    "password must not be the account's mobile number");
	return KF_OK;
}
