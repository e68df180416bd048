/* SPDX-License-Identifier: Apache-2.0 */
/*
 * URL checks over one curl multi handle (see urlcheck.h). The common
 * options, the SSRF guard included, come from kf_push_http_setopt; this
 * file then turns redirects on (libcurl follows them itself, each new
 * connection opened through the same guard) and replaces the body writer
 * with one that keeps the first megabyte, for the page text.
 */
#include "push/urlcheck.h"

#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/listing.h"
#include "push/http.h"
#include "push/pagetext.h"
#include "util/mem.h"

/* Only the start of the body is read: a page that keeps on streaming is
 * stopped (a 200 is a 200 after the first megabyte too), and its text is
 * judged on that part. */
#define BODY_READ_MAX ((size_t)1024 * 1024)

struct job {
	CURL *c;
	struct kf_push_http h;
	char *body;     /* the body read so far (libcurl passes on only the final answer's) */
	size_t len, cap;
	bool enough;    /* stopped reading on purpose */
	bool done;
	CURLcode rc;
};

static size_t collect(char *p, size_t size, size_t n, void *arg)
{
	struct job *j = arg;
	size_t len = size * n;
	if (len > BODY_READ_MAX - j->len) {
		j->enough = true;
		return 0; /* CURLE_WRITE_ERROR, judged as a finished answer */
	}
	if (j->len + len > j->cap) {
		size_t cap = j->cap ? j->cap : 16384;
		while (cap < j->len + len)
			cap *= 2;
		j->body = kf_xrealloc(j->body, cap);
		j->cap = cap;
	}
	memcpy(j->body + j->len, p, len);
	j->len += len;
	return len;
}

void kf_urlcheck_clear(struct kf_urlcheck *c)
{
	free(c->page_text);
	c->page_text = NULL;
}

static long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void judge(struct job *j, long timeout_ms, bool finished, struct kf_urlcheck *out)
{
	long status = 0, redirects = 0;
	curl_off_t total_us = 0;
	char *eff = NULL;
	curl_easy_getinfo(j->c, CURLINFO_RESPONSE_CODE, &status);
	curl_easy_getinfo(j->c, CURLINFO_REDIRECT_COUNT, &redirects);
	curl_easy_getinfo(j->c, CURLINFO_TOTAL_TIME_T, &total_us);
	curl_easy_getinfo(j->c, CURLINFO_EFFECTIVE_URL, &eff);
	out->status = (int)status;
	out->redirects = (int)redirects;
	out->ms = (long)(total_us / 1000);
	snprintf(out->final_url, sizeof(out->final_url), "%s", eff ? eff : "");
	out->error[0] = '\0';
	if (!finished) {
		snprintf(out->error, sizeof(out->error), "no answer within %ld ms", timeout_ms);
		return;
	}
	CURLcode rc = j->rc;
	if (rc == CURLE_WRITE_ERROR && j->enough)
		rc = CURLE_OK;
	if (rc == CURLE_TOO_MANY_REDIRECTS) {
		/* LST-14: at most 5; the sixth was not followed */
		out->redirects = KF_LISTING_URL_MAX_REDIRECTS + 1;
		snprintf(out->error, sizeof(out->error), "more than %d redirects", KF_LISTING_URL_MAX_REDIRECTS);
		return;
	}
	if (rc != CURLE_OK) {
		kf_push_http_classify(rc, &j->h, timeout_ms, out->error, sizeof(out->error));
		return;
	}
	out->ok = status == 200;
	if (out->ok) {
		char *type = NULL;
		curl_easy_getinfo(j->c, CURLINFO_CONTENT_TYPE, &type);
		out->page_text = kf_page_text(j->body, j->len, type);
	}
}

void kf_urlcheck_run(const struct kf_cidr_list *allow, const char *const *urls, size_t n, long timeout_ms,
		     long total_ms, const atomic_bool *cancel, struct kf_urlcheck *out)
{
	if (n == 0)
		return;
	if (timeout_ms > total_ms)
		timeout_ms = total_ms;
	struct job *jobs = kf_xcalloc(n, sizeof(*jobs));
	CURLM *m = curl_multi_init();
	for (size_t i = 0; i < n; i++) {
		memset(&out[i], 0, sizeof(out[i]));
		struct job *j = &jobs[i];
		kf_push_http_init(&j->h, allow);
		j->c = curl_easy_init();
		if (!m || !j->c) {
			j->done = true;
			j->rc = CURLE_OUT_OF_MEMORY;
			continue;
		}
		kf_push_http_setopt(j->c, &j->h, timeout_ms);
		curl_easy_setopt(j->c, CURLOPT_URL, urls[i]);
		curl_easy_setopt(j->c, CURLOPT_HTTPGET, 1L);
		curl_easy_setopt(j->c, CURLOPT_FOLLOWLOCATION, 1L);
		curl_easy_setopt(j->c, CURLOPT_MAXREDIRS, (long)KF_LISTING_URL_MAX_REDIRECTS);
		curl_easy_setopt(j->c, CURLOPT_WRITEFUNCTION, collect);
		curl_easy_setopt(j->c, CURLOPT_WRITEDATA, j);
		curl_easy_setopt(j->c, CURLOPT_USERAGENT, "kaifang-urlcheck/1");
		curl_easy_setopt(j->c, CURLOPT_PRIVATE, j);
		if (curl_multi_add_handle(m, j->c) != CURLM_OK) {
			j->done = true;
			j->rc = CURLE_FAILED_INIT;
		}
	}
	long deadline = now_ms() + total_ms;
	int running = 1;
	while (m && running) {
		if (curl_multi_perform(m, &running) != CURLM_OK)
			break;
		CURLMsg *msg;
		int left;
		while ((msg = curl_multi_info_read(m, &left))) {
			char *priv = NULL;
			if (msg->msg != CURLMSG_DONE)
				continue;
			curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, &priv);
			struct job *j = (struct job *)(void *)priv;
			if (j) {
				j->done = true;
				j->rc = msg->data.result;
			}
		}
		long left_ms = deadline - now_ms();
		if (!running || left_ms <= 0 || (cancel && atomic_load(cancel)))
			break;
		curl_multi_poll(m, NULL, 0, left_ms < 100 ? (int)left_ms : 100, NULL);
	}
	for (size_t i = 0; i < n; i++) {
		struct job *j = &jobs[i];
		if (j->c)
			judge(j, timeout_ms, j->done, &out[i]);
		else
			snprintf(out[i].error, sizeof(out[i].error), "cannot start a request");
		if (m && j->c)
			curl_multi_remove_handle(m, j->c);
		if (j->c)
			curl_easy_cleanup(j->c);
		kf_push_http_clear(&j->h);
		free(j->body);
	}
	if (m)
		curl_multi_cleanup(m);
	free(jobs);
}
