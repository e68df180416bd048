/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The redirect URI rule (APP-4, PROTOCOL.md §5, RFC 6749 §3.1.2): a strict
 * scanner accepts only URLs whose host a browser (WHATWG URL) and libcurl
 * (RFC 3986) read the same way, and libcurl's reading is then compared with
 * the scanner's as a second opinion. Everything the two standards treat
 * differently — backslashes, user info, white space and control characters
 * browsers strip, percent-escapes in the host, missing or extra slashes
 * after the scheme, IPv4 numbers in other spellings, trailing dots — is
 * refused rather than interpreted.
 */
#include "core/redirect.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <curl/curl.h>
#include <sys/socket.h>

#include "core/netpolicy.h"
#include "core/validate.h"

#define HOST_MAX 253

struct parsed {
	bool https;
	char host[HOST_MAX + 1]; /* lower case; an IPv6 address without brackets */
	bool is_ip;
	int family;
	unsigned char addr[16];
	long port; /* 0 = none given */
};

static enum kf_err bad(struct kf_error *err, const char *why)
{
	return kf_error_set(err, KF_EINVAL, "invalid_redirect_uri", "APP-4", "redirect_uri",
			    "redirect_uri is refused: %s", why);
}

/* LDH labels, no empty label (so no trailing dot), last label not a number. */
static bool host_name_ok(const char *s)
{
	size_t len = strlen(s);
	if (len == 0 || len > HOST_MAX)
		return false;
	const char *p = s;
	for (;;) {
		const char *dot = strchr(p, '.');
		size_t n = dot ? (size_t)(dot - p) : strlen(p);
		if (!kf_validate_dns_label(p, n))
			return false;
		if (!dot)
			return !kf_validate_numeric_label(p, n);
		p = dot + 1;
	}
}

/* The authority [host][:port] in s[0..n): no '@', no '%'. */
static enum kf_err parse_authority(const char *s, size_t n, struct parsed *out, struct kf_error *err)
{
	if (n == 0)
		return bad(err, "the host is missing (exactly two slashes must follow the scheme)");
	if (memchr(s, '@', n))
		return bad(err, "user info ('@' before the host) is not allowed");
	if (memchr(s, '%', n))
		return bad(err, "percent-escapes are not allowed in the host");
	const char *hend;
	const char *port = NULL;
	if (s[0] == '[') {
		const char *close = memchr(s, ']', n);
		if (!close)
			return bad(err, "an IPv6 address is not closed by ']'");
		hend = close + 1;
	} else {
		hend = memchr(s, ':', n);
		if (!hend)
			hend = s + n;
	}
	if (hend < s + n) {
		if (*hend != ':')
			return bad(err, "unexpected text after the host");
		port = hend + 1;
	}
	size_t hl = (size_t)(hend - s);
	if (hl == 0 || hl > HOST_MAX + 2)
		return bad(err, "the host is missing or too long");
	char raw[HOST_MAX + 3];
	memcpy(raw, s, hl);
	raw[hl] = '\0';
	if (raw[0] == '[') {
		if (!kf_addr_parse(raw, &out->family, out->addr))
			return bad(err, "the IPv6 address is not valid");
		memcpy(out->host, raw + 1, hl - 2);
		out->host[hl - 2] = '\0';
		out->is_ip = true;
	} else {
		for (size_t i = 0; i < hl; i++)
			raw[i] = (char)((raw[i] >= 'A' && raw[i] <= 'Z') ? raw[i] - 'A' + 'a' : raw[i]);
		memcpy(out->host, raw, hl + 1);
		/* dotted-quad only: inet_pton refuses octal, hex and short forms */
		if (kf_addr_parse(raw, &out->family, out->addr) && out->family != AF_INET6)
			out->is_ip = true;
		else if (!host_name_ok(raw))
			return bad(err, "the host is not a valid name or IP address (names in ASCII, "
					"internationalised ones in punycode; no trailing dot)");
	}
	out->port = 0;
	if (port) {
		size_t pl = (size_t)(s + n - port);
		if (pl == 0 || pl > 5 || strspn(port, "0123456789") < pl)
			return bad(err, "the port must be a number from 1 to 65535");
		long v = 0;
		for (size_t i = 0; i < pl; i++)
			v = v * 10 + (port[i] - '0');
		if (v < 1 || v > 65535)
			return bad(err, "the port must be a number from 1 to 65535");
		out->port = v;
	}
	return KF_OK;
}

/* libcurl's reading of the same text must give the same host and port. */
static bool curl_agrees(const char *uri, const struct parsed *p)
{
	CURLU *h = curl_url();
	char *host = NULL, *port = NULL, *user = NULL;
	bool ok = false;
	if (!h)
		abort(); /* out of memory: the project's policy */
	if (curl_url_set(h, CURLUPART_URL, uri, 0) != CURLUE_OK ||
	    curl_url_get(h, CURLUPART_HOST, &host, 0) != CURLUE_OK)
		goto out;
	if (curl_url_get(h, CURLUPART_USER, &user, 0) == CURLUE_OK)
		goto out;
	size_t hl = strlen(host);
	const char *hs = host;
	if (p->is_ip && p->family == AF_INET6) {
		if (hl < 2 || host[0] != '[' || host[hl - 1] != ']')
			goto out;
		int fam;
		unsigned char a[16];
		ok = kf_addr_parse(host, &fam, a) && fam == AF_INET6 && memcmp(a, p->addr, 16) == 0;
	} else {
		ok = strcasecmp(hs, p->host) == 0;
	}
	if (ok && p->port) {
		ok = curl_url_get(h, CURLUPART_PORT, &port, 0) == CURLUE_OK && strtol(port, NULL, 10) == p->port;
	}
out:
	curl_free(host);
	curl_free(port);
	curl_free(user);
	curl_url_cleanup(h);
	return ok;
}

static bool is_loopback(const struct parsed *p)
{
	if (!p->is_ip)
		return strcmp(p->host, "localhost") == 0;
	return kf_addr_classify(p->family, p->addr) == KF_ADDR_LOOPBACK;
}

/* host equals domain or, for names, is a subdomain of it. */
static bool on_domain(const struct parsed *p, const char *domain)
{
	if (!domain || !*domain)
		return false;
	int fam;
	unsigned char a[16];
	if (kf_addr_parse(domain, &fam, a))
		return p->is_ip && fam == p->family && memcmp(a, p->addr, 16) == 0;
	if (p->is_ip)
		return false;
	size_t hl = strlen(p->host), dl = strlen(domain);
	if (hl == dl)
		return strcasecmp(p->host, domain) == 0;
	return hl > dl + 1 && p->host[hl - dl - 1] == '.' && strcasecmp(p->host + hl - dl, domain) == 0;
}

enum kf_err kf_redirect_check(const char *uri, const char *const *domains, size_t n_domains, struct kf_error *err)
{
	if (!uri || !*uri)
		return bad(err, "it is missing");
	size_t len = strnlen(uri, KF_REDIRECT_URI_MAX + 1);
	if (len > KF_REDIRECT_URI_MAX)
		return bad(err, "it is longer than 1024 bytes");
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)uri[i];
		if (c <= 0x20 || c >= 0x7f)
			return bad(err, "it contains white space, a control character or a non-ASCII byte");
		if (c == '\\')
			return bad(err, "it contains a backslash");
		if (c == '#')
			return bad(err, "a fragment ('#') is not allowed");
		if (c == '%') {
			int hi = i + 2 < len ? kf_hex_digit(uri[i + 1]) : -1, lo = i + 2 < len ? kf_hex_digit(uri[i + 2]) : -1;
			if (hi < 0 || lo < 0)
				return bad(err, "a '%' is not followed by two hexadecimal digits");
			int v = hi * 16 + lo;
			if (v < 0x20 || v == 0x7f)
				return bad(err, "it contains a percent-encoded control character (such as %00 or %0A)");
		}
	}
	struct parsed p = {0};
	const char *rest;
	if (strncasecmp(uri, "https://", 8) == 0) {
		p.https = true;
		rest = uri + 8;
	} else if (strncasecmp(uri, "http://", 7) == 0) {
		rest = uri + 7;
	} else {
		return bad(err, "it must be an absolute URL starting with https://");
	}
	size_t an = strcspn(rest, "/?");
	enum kf_err rc = parse_authority(rest, an, &p, err);
	if (rc != KF_OK)
		return rc;
	if (!curl_agrees(uri, &p))
		return bad(err, "the host is ambiguous");
	if (!p.https && !is_loopback(&p))
		return kf_error_set(err, KF_EINVAL, "redirect_uri_https_required", "APP-4", "redirect_uri",
				    "redirect_uri must use https:// (http:// only on 127.0.0.0/8, [::1] or localhost)");
	if (!domains)
		return KF_OK;
	for (size_t i = 0; i < n_domains; i++)
		if (on_domain(&p, domains[i]))
			return KF_OK;
	return kf_error_set(err, KF_EINVAL, "redirect_uri_not_on_domain", "APP-4", "redirect_uri",
			    "redirect_uri's host %s is not the app's authorization-initiation domain or a "
			    "subdomain of it",
			    p.host);
}

/* ---- registration of OAuth redirect URIs (APP-4) ---- */

bool kf_redirect_loopback_literal(const char *host)
{
	int family;
	unsigned char addr[16];
	return kf_addr_parse(host, &family, addr) &&
	       kf_addr_classify(family, addr) == KF_ADDR_LOOPBACK;
}

/* Why the URI cannot be registered, as text into why[]; false when it can.
 * The shared redirect rule (core/redirect.h) plus RFC 8252 §8.3, which
 * wants a loopback IP literal rather than "localhost" for plain http. */
static bool redirect_uri_refused(const char *s, char *why, size_t whylen)
{
	struct kf_error e = {0};
	if (kf_redirect_check(s, NULL, 0, &e) != KF_OK) {
		snprintf(why, whylen, "%s", e.msg);
		return true;
	}
	if (strncasecmp(s, "http://", 7) != 0)
		return false;
	const char *h = s + 7;
	char host[64];
	size_t hl = h[0] == '[' ? strcspn(h, "]") + 1 : strcspn(h, ":/?");
	if (hl < sizeof(host)) {
		memcpy(host, h, hl);
		host[hl] = '\0';
		if (kf_redirect_loopback_literal(host))
			return false;
	}
	snprintf(why, whylen, "plain http only on a loopback IP address such as 127.0.0.1 or [::1] "
			      "(RFC 8252 §8.3: not localhost)");
	return true;
}

enum kf_err kf_redirect_register_check(const char *uri, struct kf_error *err)
{
	char why[sizeof(((struct kf_error *)0)->msg)];
	if (redirect_uri_refused(uri, why, sizeof(why)))
		return kf_error_set(err, KF_EINVAL, "invalid_redirect_uri", "APP-4", "dev.redirect_uris",
				    "a redirect URI must be an absolute https URL (or http on a loopback IP "
				    "address) without user info or fragment, at most %d bytes: %s",
				    KF_REDIRECT_URI_MAX, why);
	return KF_OK;
}

enum kf_err kf_redirect_register_list_check(const char *const *uris, size_t n, struct kf_error *err)
{
	static const char field[] = "dev.redirect_uris";
	if (n > KF_REDIRECT_URIS_MAX)
		return kf_error_set(err, KF_EINVAL, "too_many_items", "APP-4", field,
				    "at most %d redirect URIs", KF_REDIRECT_URIS_MAX);
	if (n > 0 && !uris)
		return kf_error_set(err, KF_EINVAL, "invalid_redirect_uri", "APP-4", field,
				    "%s[0]: missing", field);
	for (size_t i = 0; i < n; i++) {
		char why[sizeof(((struct kf_error *)0)->msg)];
		if (redirect_uri_refused(uris[i], why, sizeof(why)))
			return kf_error_set(err, KF_EINVAL, "invalid_redirect_uri", "APP-4", field,
					    "%s[%zu]: %s", field, i, why);
		for (size_t j = 0; j < i; j++) {
			if (strcmp(uris[i], uris[j]) == 0)
				return kf_error_set(err, KF_EINVAL, "duplicate_item", "APP-4", field,
						    "%s[%zu]: same as %s[%zu]", field, i, field, j);
		}
	}
	return KF_OK;
}
