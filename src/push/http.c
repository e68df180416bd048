/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Common libcurl setup for callback requests (see http.h). The SSRF guard
 * sits in CURLOPT_OPENSOCKETFUNCTION, i.e. after name resolution and before
 * the socket exists, so it sees every address libcurl is about to try
 * (each one of a multi-address name, on every new connection) and a name
 * that resolves differently later is checked again. Proxies are switched off
 * because the guard would otherwise check the proxy instead of the target.
 */
#include "push/http.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "util/mem.h"

const char *kf_push_http_failure_name(enum kf_push_failure f)
{
	switch (f) {
	case KF_PUSH_FAIL_NONE:
		return NULL;
	case KF_PUSH_FAIL_REFUSED_ADDRESS:
		return "refused_address";
	case KF_PUSH_FAIL_DNS:
		return "dns_failure";
	case KF_PUSH_FAIL_CONNECT:
		return "connect_failed";
	case KF_PUSH_FAIL_TIMEOUT:
		return "timeout";
	case KF_PUSH_FAIL_TLS:
		return "tls_error";
	case KF_PUSH_FAIL_TOO_LARGE:
		return "response_too_large";
	case KF_PUSH_FAIL_INVALID_URL:
		return "invalid_url";
	case KF_PUSH_FAIL_NETWORK:
		return "network_error";
	case KF_PUSH_FAIL_HTTP_STATUS:
		return "http_status";
	case KF_PUSH_FAIL_BODY:
		return "body_mismatch";
	case KF_PUSH_FAIL_CONFIG:
		return "invalid_config";
	}
	return NULL;
}

void kf_push_http_init(struct kf_push_http *h, const struct kf_cidr_list *allow)
{
	memset(h, 0, sizeof(*h));
	h->allow = allow;
}

void kf_push_http_clear(struct kf_push_http *h)
{
	free(h->body);
	h->body = NULL;
	h->len = h->cap = 0;
}

static curl_socket_t open_socket(void *clientp, curlsocktype purpose, struct curl_sockaddr *a)
{
	struct kf_push_http *h = clientp;
	const unsigned char *raw = NULL;
	if (a->family == AF_INET && a->addrlen >= sizeof(struct sockaddr_in))
		raw = (const unsigned char *)&((const struct sockaddr_in *)(const void *)&a->addr)->sin_addr;
	else if (a->family == AF_INET6 && a->addrlen >= sizeof(struct sockaddr_in6))
		raw = (const unsigned char *)&((const struct sockaddr_in6 *)(const void *)&a->addr)->sin6_addr;
	if (purpose == CURLSOCKTYPE_IPCXN && raw && kf_addr_allowed(a->family, raw, h->allow))
		return socket(a->family, a->socktype | SOCK_CLOEXEC, a->protocol);
	if (!h->refused[0]) {
		char text[INET6_ADDRSTRLEN] = "?";
		if (raw)
			inet_ntop(a->family, raw, text, sizeof(text));
		const char *cls = raw ? kf_addr_class_name(kf_addr_classify(a->family, raw)) : "unknown family";
		snprintf(h->refused, sizeof(h->refused), "refused address %s (%s): not in push.allow_networks", text,
			 cls ? cls : "reserved");
	}
	return CURL_SOCKET_BAD;
}

static size_t on_body(char *p, size_t size, size_t n, void *arg)
{
	struct kf_push_http *h = arg;
	size_t len = size * n;
	size_t room = KF_PUSH_BODY_MAX - h->len;
	size_t take = len < room ? len : room;
	if (take > 0) {
		if (h->len + take + 1 > h->cap) {
			size_t cap = h->cap ? h->cap : 1024;
			while (cap < h->len + take + 1)
				cap *= 2;
			h->body = kf_xrealloc(h->body, cap);
			h->cap = cap;
		}
		memcpy(h->body + h->len, p, take);
		h->len += take;
		h->body[h->len] = '\0';
	}
	if (take < len) {
		h->too_large = true;
		return 0; /* CURLE_WRITE_ERROR: stop reading */
	}
	return len;
}

void kf_push_http_setopt(CURL *c, struct kf_push_http *h, long timeout_ms)
{
	curl_easy_setopt(c, CURLOPT_OPENSOCKETFUNCTION, open_socket);
	curl_easy_setopt(c, CURLOPT_OPENSOCKETDATA, h);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(c, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(c, CURLOPT_PROXY, "");
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, timeout_ms);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, timeout_ms);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, h);
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, h->errbuf);
	curl_easy_setopt(c, CURLOPT_USERAGENT, "kaifang-push/1");
	h->errbuf[0] = '\0';
}

enum kf_push_failure kf_push_http_classify(CURLcode rc, const struct kf_push_http *h, long timeout_ms, char *msg,
					   size_t msglen)
{
	char scratch[8];
	if (!msg) {
		msg = scratch;
		msglen = sizeof(scratch);
	}
	msg[0] = '\0';
	const char *detail = h->errbuf[0] ? h->errbuf : curl_easy_strerror(rc);
	switch (rc) {
	case CURLE_OK:
		return KF_PUSH_FAIL_NONE;
	case CURLE_COULDNT_CONNECT:
		if (h->refused[0]) {
			snprintf(msg, msglen, "%s", h->refused);
			return KF_PUSH_FAIL_REFUSED_ADDRESS;
		}
		snprintf(msg, msglen, "connection failed: %s", detail);
		return KF_PUSH_FAIL_CONNECT;
	case CURLE_COULDNT_RESOLVE_HOST:
		snprintf(msg, msglen, "DNS lookup failed: %s", detail);
		return KF_PUSH_FAIL_DNS;
	case CURLE_OPERATION_TIMEDOUT:
		snprintf(msg, msglen, "no answer within %ld ms (%s)", timeout_ms, detail);
		return KF_PUSH_FAIL_TIMEOUT;
	case CURLE_WRITE_ERROR:
		if (h->too_large) {
			snprintf(msg, msglen, "response body over %u bytes", KF_PUSH_BODY_MAX);
			return KF_PUSH_FAIL_TOO_LARGE;
		}
		break;
	case CURLE_UNSUPPORTED_PROTOCOL:
	case CURLE_URL_MALFORMAT:
		snprintf(msg, msglen, "invalid callback URL: %s", detail);
		return KF_PUSH_FAIL_INVALID_URL;
	case CURLE_SSL_CONNECT_ERROR:
	case CURLE_PEER_FAILED_VERIFICATION:
	case CURLE_SSL_CERTPROBLEM:
	case CURLE_SSL_CIPHER:
	case CURLE_SSL_CACERT_BADFILE:
	case CURLE_SSL_ISSUER_ERROR:
	case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
	case CURLE_SSL_INVALIDCERTSTATUS:
		snprintf(msg, msglen, "TLS failed: %s", detail);
		return KF_PUSH_FAIL_TLS;
	default:
		break;
	}
	snprintf(msg, msglen, "network error: %s", detail);
	return KF_PUSH_FAIL_NETWORK;
}

/* Length of the valid UTF-8 sequence at s[0..n), or 0. */
static size_t utf8_seq(const unsigned char *s, size_t n)
{
	unsigned char c = s[0];
	size_t len;
	unsigned int cp;
	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf) {
		len = 2;
		cp = c & 0x1f;
	} else if (c >= 0xe0 && c <= 0xef) {
		len = 3;
		cp = c & 0x0f;
	} else if (c >= 0xf0 && c <= 0xf4) {
		len = 4;
		cp = c & 0x07;
	} else {
		return 0;
	}
	if (n < len)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	if ((len == 3 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) || (len == 4 && (cp < 0x10000 || cp > 0x10ffff)))
		return 0;
	return len;
}

void kf_push_http_excerpt(const struct kf_push_http *h, char out[KF_PUSH_EXCERPT_MAX + 1])
{
	size_t n = h->len < KF_PUSH_EXCERPT_MAX ? h->len : KF_PUSH_EXCERPT_MAX;
	const unsigned char *s = (const unsigned char *)h->body;
	size_t o = 0;
	for (size_t i = 0; i < n;) {
		size_t k = utf8_seq(s + i, h->len - i);
		if (i + k > n) /* a character cut by the excerpt limit */
			break;
		if (k == 0 || (k == 1 && ((s[i] < 0x20 && s[i] != '\t' && s[i] != '\n' && s[i] != '\r') || s[i] == 0x7f))) {
			out[o++] = '?';
			i++;
			continue;
		}
		memcpy(out + o, s + i, k);
		o += k;
		i += k;
	}
	out[o] = '\0';
}

void kf_push_json_escape(const char *src, char *out, size_t outlen)
{
	size_t o = 0;
	if (outlen == 0)
		return;
	for (const unsigned char *p = (const unsigned char *)(src ? src : ""); *p; p++) {
		char tmp[8];
		size_t k;
		if (*p == '"' || *p == '\\') {
			tmp[0] = '\\';
			tmp[1] = (char)*p;
			k = 2;
		} else if (*p < 0x20 || *p == 0x7f) {
			k = (size_t)snprintf(tmp, sizeof(tmp), "\\u%04x", *p);
		} else {
			tmp[0] = (char)*p;
			k = 1;
		}
		if (o + k >= outlen)
			break;
		memcpy(out + o, tmp, k);
		o += k;
	}
	out[o] = '\0';
}
