/* SPDX-License-Identifier: Apache-2.0 */
/*
 * RFC 6238 time-based one-time passwords for the second factor of staff.
 * The primitive is OpenSSL's HMAC-SHA1; this file only does RFC 4226's
 * dynamic truncation, the time steps and base32. A step, once used, is
 * never accepted again (RFC 6238 §5.2), which the caller makes hold by
 * storing the step answered by kf_totp_verify.
 */
#include "core/totp.h"

#include <ctype.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <stdio.h>
#include <string.h>

#include "util/mem.h"

static const char B32[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

int64_t kf_totp_step(int64_t now)
{
	return now >= 0 ? now / KF_TOTP_STEP : (now - KF_TOTP_STEP + 1) / KF_TOTP_STEP;
}

bool kf_hotp(const unsigned char *key, size_t key_len, uint64_t counter, int digits, char *out)
{
	static const uint32_t pow10[] = {1, 10, 100, 1000, 10000, 100000, 1000000, 10000000, 100000000};
	if (digits < 6 || digits > 8)
		return false;
	unsigned char msg[8], mac[EVP_MAX_MD_SIZE];
	unsigned int mac_len = 0;
	for (int i = 7; i >= 0; i--) {
		msg[i] = (unsigned char)(counter & 0xff);
		counter >>= 8;
	}
	if (!HMAC(EVP_sha1(), key, (int)key_len, msg, sizeof(msg), mac, &mac_len) || mac_len != 20)
		return false;
	/* RFC 4226 §5.3: dynamic truncation */
	unsigned off = mac[19] & 0x0f;
	uint32_t bin = ((uint32_t)(mac[off] & 0x7f) << 24) | ((uint32_t)mac[off + 1] << 16) |
		       ((uint32_t)mac[off + 2] << 8) | (uint32_t)mac[off + 3];
	uint32_t v = bin % pow10[digits];
	for (int i = digits - 1; i >= 0; i--) {
		out[i] = (char)('0' + v % 10);
		v /= 10;
	}
	out[digits] = '\0';
	return true;
}

void kf_base32_encode(const unsigned char *in, size_t n, char *out)
{
	size_t o = 0;
	uint32_t buf = 0;
	int bits = 0;
	for (size_t i = 0; i < n; i++) {
		buf = (buf << 8) | in[i];
		bits += 8;
		while (bits >= 5) {
			out[o++] = B32[(buf >> (bits - 5)) & 31];
			bits -= 5;
		}
	}
	if (bits > 0)
		out[o++] = B32[(buf << (5 - bits)) & 31];
	out[o] = '\0';
}

int kf_base32_decode(const char *in, unsigned char *out, size_t cap)
{
	size_t o = 0;
	uint32_t buf = 0;
	int bits = 0;
	for (; *in; in++) {
		if (*in == ' ' || *in == '=')
			continue;
		const char *p = strchr(B32, toupper((unsigned char)*in));
		if (!p || !*p)
			return -1;
		buf = (buf << 5) | (uint32_t)(p - B32);
		bits += 5;
		if (bits >= 8) {
			if (o >= cap)
				return -1;
			out[o++] = (unsigned char)((buf >> (bits - 8)) & 0xff);
			bits -= 8;
		}
	}
	return (int)o;
}

bool kf_totp_verify(const char *secret_b32, const char *code, int64_t now, int64_t last_step, int64_t *step)
{
	char typed[KF_TOTP_DIGITS + 1];
	size_t n = 0;
	if (!secret_b32 || !code)
		return false;
	for (; *code; code++) {
		if (*code == ' ')
			continue;
		if (!isdigit((unsigned char)*code) || n >= KF_TOTP_DIGITS)
			return false;
		typed[n++] = *code;
	}
	if (n != KF_TOTP_DIGITS)
		return false;
	typed[n] = '\0';
	unsigned char key[64];
	int klen = kf_base32_decode(secret_b32, key, sizeof(key));
	if (klen <= 0)
		return false;
	bool ok = false;
	int64_t t = kf_totp_step(now);
	for (int64_t s = t - KF_TOTP_WINDOW; s <= t + KF_TOTP_WINDOW; s++) {
		char want[KF_TOTP_DIGITS + 1];
		if (s <= last_step || s < 0)
			continue;
		/* every candidate is computed and compared whole, so the time
		 * taken does not tell which step or digit was right */
		if (kf_hotp(key, (size_t)klen, (uint64_t)s, KF_TOTP_DIGITS, want) && !ok &&
		    CRYPTO_memcmp(want, typed, KF_TOTP_DIGITS) == 0) {
			ok = true;
			*step = s;
		}
	}
	OPENSSL_cleanse(key, sizeof(key));
	return ok;
}

/* Percent-encode everything but RFC 3986's unreserved characters. */
static size_t pct(char *out, const char *s)
{
	size_t o = 0;
	for (; *s; s++) {
		unsigned char ch = (unsigned char)*s;
		if (isalnum(ch) || ch == '-' || ch == '.' || ch == '_' || ch == '~') {
			if (out)
				out[o] = (char)ch;
			o++;
		} else {
			if (out)
				snprintf(out + o, 4, "%%%02X", ch);
			o += 3;
		}
	}
	return o;
}

char *kf_totp_uri(const char *issuer, const char *account, const char *secret_b32)
{
	size_t n = pct(NULL, issuer) * 2 + pct(NULL, account) + strlen(secret_b32) + 96;
	char *out = kf_xmalloc(n);
	size_t o = (size_t)snprintf(out, n, "otpauth://totp/");
	o += pct(out + o, issuer);
	out[o++] = ':';
	o += pct(out + o, account);
	o += (size_t)snprintf(out + o, n - o, "?secret=%s&issuer=", secret_b32);
	o += pct(out + o, issuer);
	snprintf(out + o, n - o, "&algorithm=SHA1&digits=%d&period=%d", KF_TOTP_DIGITS, KF_TOTP_STEP);
	return out;
}

bool kf_recovery_code_normal(const char *in, char *out, size_t cap)
{
	size_t o = 0;
	for (; in && *in; in++) {
		unsigned char ch = (unsigned char)*in;
		if (ch == ' ' || ch == '-')
			continue;
		if (!isalnum(ch) || o + 1 >= cap)
			return false;
		out[o++] = (char)tolower(ch);
	}
	out[o] = '\0';
	return o > 0;
}
