/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The HTTP side shared by deliveries and URL verification: one place that
 * sets the libcurl options every callback request must have (the SSRF guard
 * on every socket, http/https only, no proxy, no redirects, a timeout, a
 * capped response body) and that turns a libcurl result into a failure name
 * and a message an app developer can act on.
 */
#ifndef KF_PUSH_HTTP_H
#define KF_PUSH_HTTP_H

#include <curl/curl.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/netpolicy.h"

#define KF_PUSH_EXCERPT_MAX 512         /* bytes of a response kept in the attempt log */
#define KF_PUSH_BODY_MAX (64u * 1024)    /* a longer response is cut off: a failure */
#define KF_PUSH_REFUSED_MAX 160

/* Per-request state; caller's storage. Must stay at one address while its
 * easy handle is in use (libcurl keeps pointers to it). */
struct kf_push_http {
	const struct kf_cidr_list *allow; /* borrowed: ctx->callback_allow */
	char *body;                       /* response body so far, malloc'd; may be NULL */
	size_t len, cap;
	bool too_large;                   /* the body passed KF_PUSH_BODY_MAX */
	char refused[KF_PUSH_REFUSED_MAX]; /* the SSRF guard's first refusal, or "" */
	char errbuf[CURL_ERROR_SIZE];
};

/* Failure classes (static names via kf_push_http_failure_name). */
enum kf_push_failure {
	KF_PUSH_FAIL_NONE,
	KF_PUSH_FAIL_REFUSED_ADDRESS, /* SSRF guard: no connection was opened */
	KF_PUSH_FAIL_DNS,
	KF_PUSH_FAIL_CONNECT,
	KF_PUSH_FAIL_TIMEOUT,
	KF_PUSH_FAIL_TLS,
	KF_PUSH_FAIL_TOO_LARGE,
	KF_PUSH_FAIL_INVALID_URL,
	KF_PUSH_FAIL_NETWORK,         /* any other transport error */
	KF_PUSH_FAIL_HTTP_STATUS,     /* an answer, but not HTTP 200 */
	KF_PUSH_FAIL_BODY,            /* HTTP 200 with the wrong body */
	KF_PUSH_FAIL_CONFIG,          /* the app's live config cannot be used */
};

/* "refused_address", "dns_failure", "connect_failed", "timeout",
 * "tls_error", "response_too_large", "invalid_url", "network_error",
 * "http_status", "body_mismatch", "invalid_config"; NULL for NONE. */
const char *kf_push_http_failure_name(enum kf_push_failure f);

void kf_push_http_init(struct kf_push_http *h, const struct kf_cidr_list *allow);
/* Free the body; h may be reused after kf_push_http_init. */
void kf_push_http_clear(struct kf_push_http *h);

/*
 * Set the common options on c: CURLOPT_OPENSOCKETFUNCTION refusing every
 * address kf_addr_allowed(…, h->allow) refuses (the refusal is written to
 * h->refused and no socket is created), CURLOPT_PROTOCOLS_STR "http,https",
 * CURLOPT_PROXY "" (the environment's proxies would bypass the guard),
 * no redirects, CURLOPT_NOSIGNAL, CURLOPT_TIMEOUT_MS and
 * CURLOPT_CONNECTTIMEOUT_MS = timeout_ms, a write callback that keeps at
 * most KF_PUSH_BODY_MAX bytes in h and fails the transfer beyond, and the
 * error buffer h->errbuf.
 */
void kf_push_http_setopt(CURL *c, struct kf_push_http *h, long timeout_ms);

/*
 * Classify a finished transfer. rc != CURLE_OK gives the transport failure;
 * otherwise KF_PUSH_FAIL_NONE (the caller judges status and body). msg (may
 * be NULL) receives a message such as "refused address 127.0.0.1
 * (loopback): not in push.allow_networks", "timed out after 5000 ms",
 * "cannot resolve host: …".
 */
enum kf_push_failure kf_push_http_classify(CURLcode rc, const struct kf_push_http *h, long timeout_ms, char *msg,
					   size_t msglen);

/* The first KF_PUSH_EXCERPT_MAX bytes of the body as printable UTF-8:
 * invalid sequences and control characters other than TAB, LF and CR
 * become '?', and a character cut at the end is dropped. out is
 * NUL-terminated. */
void kf_push_http_excerpt(const struct kf_push_http *h, char out[KF_PUSH_EXCERPT_MAX + 1]);

/* Copy src into a JSON string body (without the quotes) in out, escaping
 * quotes, backslashes and control characters; cut to fit outlen. */
void kf_push_json_escape(const char *src, char *out, size_t outlen);

#endif
