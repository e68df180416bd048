/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Building the push request of an outbox event (see request.h). Every
 * attempt is encrypted afresh with the app's live config at send time, so
 * a key the provider changes takes effect for events still in the queue
 * and the outbox never holds ciphertext.
 */
#include "push/request.h"

#include <curl/curl.h>
#include <inttypes.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/app.h"
#include "proto/envelope.h"
#include "store/outbox.h"
#include "util/mem.h"

static enum kf_err copy_field(json_t *dev, const char *name, char *dst, size_t dstsize, struct kf_error *err)
{
	json_t *v = json_object_get(dev, name);
	dst[0] = '\0';
	if (!v || json_is_null(v))
		return KF_OK;
	if (!json_is_string(v) || json_string_length(v) >= dstsize || strlen(json_string_value(v)) != json_string_length(v))
		return kf_error_set(err, KF_EINVAL, "invalid_config", NULL, NULL,
				    "live configuration: dev.%s is not a usable string", name);
	memcpy(dst, json_string_value(v), json_string_length(v) + 1);
	return KF_OK;
}

enum kf_err kf_push_settings_parse(const char *config_json, struct kf_push_settings *out, struct kf_error *err)
{
	memset(out, 0, sizeof(*out));
	if (!config_json)
		return kf_error_set(err, KF_ECONFLICT, "no_live_config", NULL, NULL,
				    "the app has no live configuration");
	json_t *j = json_loads(config_json, JSON_REJECT_DUPLICATES, NULL);
	json_t *dev = j ? json_object_get(j, "dev") : NULL;
	enum kf_err rc = KF_OK;
	if (!j)
		rc = kf_error_set(err, KF_EINVAL, "invalid_config", NULL, NULL, "live configuration is not valid JSON");
	else if (!json_is_object(dev))
		rc = kf_error_set(err, KF_EINVAL, "invalid_config", NULL, NULL,
				  "live configuration has no dev settings");
	if (rc == KF_OK)
		rc = copy_field(dev, "auth_receive_url", out->auth_receive_url, sizeof(out->auth_receive_url), err);
	if (rc == KF_OK)
		rc = copy_field(dev, "message_url", out->message_url, sizeof(out->message_url), err);
	if (rc == KF_OK)
		rc = copy_field(dev, "message_token", out->message_token, sizeof(out->message_token), err);
	if (rc == KF_OK)
		rc = copy_field(dev, "aes_key", out->aes_key, sizeof(out->aes_key), err);
	json_decref(j);
	if (rc != KF_OK)
		memset(out, 0, sizeof(*out));
	return rc;
}

char *kf_push_url_substitute(const char *url, const char *id)
{
	static const char ph[] = KF_APP_APPID_PLACEHOLDER;
	size_t phl = sizeof(ph) - 1, idl = strlen(id), n = 0;
	for (const char *p = url; (p = strstr(p, ph)); p += phl)
		n++;
	char *out = kf_xmalloc(strlen(url) + n * idl + 1), *o = out;
	for (const char *p = url;;) {
		const char *q = strstr(p, ph);
		size_t k = q ? (size_t)(q - p) : strlen(p);
		memcpy(o, p, k);
		o += k;
		if (!q)
			break;
		memcpy(o, id, idl);
		o += idl;
		p = q + phl;
	}
	*o = '\0';
	return out;
}

char *kf_push_url_with_query(const char *url, const char *const *names, const char *const *values, size_t n)
{
	CURLU *u = curl_url();
	char *scheme = NULL, *full = NULL, *out = NULL;
	if (!u || curl_url_set(u, CURLUPART_URL, url, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK)
		goto out;
	if (strcmp(scheme, "http") != 0 && strcmp(scheme, "https") != 0)
		goto out;
	for (size_t i = 0; i < n; i++) {
		char *kv = kf_xasprintf("%s=%s", names[i], values[i]);
		CURLUcode rc = curl_url_set(u, CURLUPART_QUERY, kv, CURLU_APPENDQUERY | CURLU_URLENCODE);
		free(kv);
		if (rc != CURLUE_OK)
			goto out;
	}
	if (curl_url_get(u, CURLUPART_URL, &full, 0) != CURLUE_OK)
		goto out;
	out = kf_xstrdup(full);
out:
	curl_free(scheme);
	curl_free(full);
	curl_url_cleanup(u);
	return out;
}

/*
 * The authorizer a message push is for. Until the outbox names it (an
 * `authorizer` column, see the push module notes), it is the app itself.
 * Its id ends up in a URL path, so only a plain id is accepted.
 */
static const char *authorizer_of(const struct kf_outbox_item *it)
{
	const char *id = it->authorizer[0] ? it->authorizer : it->app_id;
	size_t n = strspn(id, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-");
	return n > 0 && n <= 64 && id[n] == '\0' ? id : NULL;
}

static void copy_text(char *dst, size_t dstsize, const char *src)
{
	snprintf(dst, dstsize, "%s", src ? src : "");
}

void kf_push_request_clear(struct kf_push_request *r)
{
	free(r->url);
	free(r->body);
	memset(r, 0, sizeof(*r));
}

enum kf_err kf_push_request_build(const struct kf_outbox_item *it, int64_t now, const char *nonce,
				  const unsigned char *random16, struct kf_push_request *out, struct kf_error *err)
{
	struct kf_push_settings s;
	struct kf_wxcrypt wx;
	struct kf_envelope plain = {0};
	char *b64 = NULL, *url = NULL;
	char signature[KF_WXCRYPT_SIG_LEN + 1];
	enum kf_err rc;

	memset(out, 0, sizeof(*out));
	memset(&wx, 0, sizeof(wx));
	if (!kf_push_target_parse(it->target, &out->target)) {
		rc = kf_error_set(err, KF_EINVAL, "unknown_target", NULL, NULL, "unknown push target '%.20s'",
				  it->target);
		goto out;
	}
	if ((rc = kf_push_settings_parse(it->config_json, &s, err)) != KF_OK)
		goto out;
	bool msg = out->target == KF_PUSH_MESSAGE;
	const char *base = msg ? s.message_url : s.auth_receive_url;
	const char *url_field = msg ? "dev.message_url" : "dev.auth_receive_url";
	if (!base[0]) {
		rc = kf_error_set(err, KF_ECONFLICT, "no_callback_url", NULL, url_field,
				  "live configuration has no %s", url_field);
		goto out;
	}
	if (!s.message_token[0] || !s.aes_key[0]) {
		const char *f = !s.message_token[0] ? "dev.message_token" : "dev.aes_key";
		rc = kf_error_set(err, KF_ECONFLICT, "no_message_crypto", NULL, f, "live configuration has no %s", f);
		goto out;
	}
	struct kf_error cerr = {0};
	if (kf_wxcrypt_init(&wx, s.message_token, s.aes_key, it->app_id, &cerr) != KF_OK) {
		rc = kf_error_set(err, KF_ECONFLICT, "invalid_config", NULL, cerr.field,
				  "live configuration cannot encrypt: %s", cerr.msg);
		goto out;
	}

	/* Message payloads say whom they are for and from whom (§7). */
	const char *to_user = it->app_id, *openid = NULL;
	if (msg && kf_envelope_parse(it->payload, strlen(it->payload), &plain, NULL) == KF_OK) {
		const char *v = kf_envelope_get(&plain, "ToUserName");
		if (v && *v)
			to_user = v;
		v = kf_envelope_get(&plain, "FromUserName");
		if (v && *v)
			openid = v;
	}

	snprintf(out->timestamp, sizeof(out->timestamp), "%" PRId64, now);
	if (nonce)
		copy_text(out->nonce, sizeof(out->nonce), nonce);
	else if ((rc = kf_wxcrypt_nonce(out->nonce)) != KF_OK) {
		kf_error_set(err, rc, "crypto_error", NULL, NULL, "no randomness for the nonce");
		goto out;
	}
	if ((rc = kf_wxcrypt_encrypt(&wx, it->payload, strlen(it->payload), random16, &b64, err)) != KF_OK)
		goto out;
	if ((rc = kf_wxcrypt_sign(wx.token, out->timestamp, out->nonce, NULL, signature)) != KF_OK ||
	    (rc = kf_wxcrypt_sign(wx.token, out->timestamp, out->nonce, b64, out->msg_signature)) != KF_OK) {
		kf_error_set(err, rc, "crypto_error", NULL, NULL, "cannot sign the push");
		goto out;
	}
	if ((rc = kf_envelope_build_encrypted(msg ? "ToUserName" : "AppId", to_user, b64, &out->body, err)) != KF_OK)
		goto out;

	if (msg) {
		const char *authorizer = authorizer_of(it);
		if (!authorizer) {
			rc = kf_error_set(err, KF_ECONFLICT, "invalid_config", NULL, NULL,
					  "the authorizer id cannot be put into a URL");
			goto out;
		}
		url = kf_push_url_substitute(base, authorizer);
	} else {
		url = kf_xstrdup(base); /* §6: no $APPID$ substitution here */
	}
	const char *names[6], *values[6];
	size_t n = 0;
	names[n] = "signature", values[n++] = signature;
	names[n] = "timestamp", values[n++] = out->timestamp;
	names[n] = "nonce", values[n++] = out->nonce;
	if (openid)
		names[n] = "openid", values[n++] = openid;
	names[n] = "encrypt_type", values[n++] = "aes";
	names[n] = "msg_signature", values[n++] = out->msg_signature;
	out->url = kf_push_url_with_query(url, names, values, n);
	if (!out->url) {
		rc = kf_error_set(err, KF_ECONFLICT, "invalid_config", NULL, url_field,
				  "%s is not a usable http(s) URL", url_field);
		goto out;
	}
	rc = KF_OK;
out:
	kf_wxcrypt_clear(&wx);
	kf_envelope_clear(&plain);
	free(b64);
	free(url);
	if (rc != KF_OK) {
		enum kf_push_target t = out->target;
		kf_push_request_clear(out);
		out->target = t;
	}
	return rc;
}
