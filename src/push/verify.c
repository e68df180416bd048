/* SPDX-License-Identifier: Apache-2.0 */
/*
 * URL verification (PROTOCOL.md §7, last bullet): a signed GET carrying a
 * random echostr that the app must echo. It runs on the caller's thread
 * with one easy handle and the same guard and limits as a delivery, and
 * reports the first thing that went wrong in words a developer can act on.
 */
#include <curl/curl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctx.h"
#include "proto/wxcrypt.h"
#include "push/http.h"
#include "push/push.h"
#include "push/request.h"
#include "util/crypto.h"

#define ECHOSTR_HEX 32

static void fail(struct kf_verify_result *out, enum kf_push_failure f)
{
	out->ok = false;
	out->failure = kf_push_http_failure_name(f);
}

enum kf_err kf_push_verify_url(struct kf_ctx *ctx, const char *url, const char *token, struct kf_verify_result *out,
			       struct kf_error *err)
{
	memset(out, 0, sizeof(*out));
	if (!token || !*token || strlen(token) > KF_WXCRYPT_MAX_TOKEN)
		return kf_error_set(err, KF_EINVAL, "invalid_token", NULL, "token",
				    "the message token must be 1 to %d bytes", KF_WXCRYPT_MAX_TOKEN);

	char ts[24], nonce[KF_WXCRYPT_NONCE_LEN + 1], echostr[ECHOSTR_HEX + 1], sig[KF_WXCRYPT_SIG_LEN + 1];
	snprintf(ts, sizeof(ts), "%" PRId64, kf_ctx_now(ctx));
	kf_random_hex(echostr, ECHOSTR_HEX);
	echostr[ECHOSTR_HEX] = '\0';
	if (kf_wxcrypt_nonce(nonce) != KF_OK || kf_wxcrypt_sign(token, ts, nonce, NULL, sig) != KF_OK)
		return kf_error_set(err, KF_EINTERNAL, "crypto_error", NULL, NULL, "cannot sign the verification");
	const char *names[] = {"signature", "timestamp", "nonce", "echostr"};
	const char *values[] = {sig, ts, nonce, echostr};
	char *full = url ? kf_push_url_with_query(url, names, values, 4) : NULL;
	if (!full)
		return kf_error_set(err, KF_EINVAL, "invalid_url", NULL, "url", "not an http or https URL");

	long timeout_ms = (long)(ctx->cfg.push_timeout > 0 ? ctx->cfg.push_timeout : 5) * 1000;
	struct kf_push_http h;
	kf_push_http_init(&h, &ctx->callback_allow);
	CURL *c = curl_easy_init();
	if (!c) {
		free(full);
		return kf_error_set(err, KF_EINTERNAL, "curl_error", NULL, NULL, "cannot set up the request");
	}
	kf_push_http_setopt(c, &h, timeout_ms);
	curl_easy_setopt(c, CURLOPT_URL, full);
	curl_easy_setopt(c, CURLOPT_HTTPGET, 1L);
	CURLcode rc = curl_easy_perform(c);

	curl_off_t us = 0;
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &out->http_status);
	curl_easy_getinfo(c, CURLINFO_TOTAL_TIME_T, &us);
	out->latency_ms = (int64_t)us / 1000;
	kf_push_http_excerpt(&h, out->excerpt);
	enum kf_push_failure f = kf_push_http_classify(rc, &h, timeout_ms, out->message, sizeof(out->message));
	if (f != KF_PUSH_FAIL_NONE) {
		fail(out, f);
	} else if (out->http_status != 200) {
		fail(out, KF_PUSH_FAIL_HTTP_STATUS);
		snprintf(out->message, sizeof(out->message), "HTTP status %ld (expected 200 with the echostr)",
			 out->http_status);
	} else if (h.len != ECHOSTR_HEX || memcmp(h.body, echostr, ECHOSTR_HEX) != 0) {
		fail(out, KF_PUSH_FAIL_BODY);
		snprintf(out->message, sizeof(out->message),
			 "HTTP 200 but the body (%zu bytes) is not the echostr (%d bytes) sent in the query, "
			 "byte for byte",
			 h.len, ECHOSTR_HEX);
	} else {
		out->ok = true;
		snprintf(out->message, sizeof(out->message), "the URL echoed the echostr");
	}
	curl_easy_cleanup(c);
	kf_push_http_clear(&h);
	free(full);
	return KF_OK;
}
