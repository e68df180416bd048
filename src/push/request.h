/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Turning an outbox event into the HTTP request of PROTOCOL.md §6–§7: the
 * callback URL of the target (with $APPID$ replaced for message pushes),
 * the query parameters, the encrypted envelope and the headers. No network;
 * the payload is encrypted with the app's live config.
 */
#ifndef KF_PUSH_REQUEST_H
#define KF_PUSH_REQUEST_H

#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "core/push.h"
#include "proto/wxcrypt.h"

struct kf_outbox_item;

/* The live config's push settings, copied out of its JSON. */
struct kf_push_settings {
	char auth_receive_url[1026];
	char message_url[1026];
	char message_token[KF_WXCRYPT_MAX_TOKEN + 1];
	char aes_key[KF_WXCRYPT_KEY_LEN + 2];
};

/*
 * Read dev.auth_receive_url, dev.message_url, dev.message_token and
 * dev.aes_key from a config JSON text (core/app.h names). Absent fields are
 * "". Errors: KF_ECONFLICT "no_live_config" (config_json NULL),
 * KF_EINVAL "invalid_config" (not a JSON object, a field is not a string
 * or too long).
 */
enum kf_err kf_push_settings_parse(const char *config_json, struct kf_push_settings *out,
				   struct kf_error *err) KF_MUST_CHECK;

struct kf_push_request {
	enum kf_push_target target;
	char *url;   /* malloc'd: the callback URL with the query */
	char *body;  /* malloc'd: the XML envelope */
	char timestamp[24];
	char nonce[KF_WXCRYPT_NONCE_LEN + 1];
	char msg_signature[KF_WXCRYPT_SIG_LEN + 1];
};

/*
 * Build the request for attempt number `attempt` (1-based; only for the
 * caller's headers) of event it at time now. nonce NULL draws a random one
 * and random16 NULL random prefix bytes (fixed values only in tests).
 * The authorizer whose id replaces $APPID$ in the message URL is, for now,
 * the app itself; message payloads name the receiving account in
 * ToUserName (copied to the envelope) and the sender in FromUserName (sent
 * as the openid parameter).
 * On success release *out with kf_push_request_clear; on error it is empty.
 * Errors (KF_ECONFLICT, rule NULL): "no_live_config", "no_callback_url"
 * (field "dev.auth_receive_url" or "dev.message_url"), "no_message_crypto"
 * (field "dev.message_token" / "dev.aes_key"), "invalid_config" (a bad
 * token, key or URL, or an unusable authorizer id); KF_EINVAL
 * "unknown_target"; those of kf_wxcrypt_encrypt and kf_envelope_build.
 */
enum kf_err kf_push_request_build(const struct kf_outbox_item *it, int64_t now, const char *nonce,
				  const unsigned char *random16, struct kf_push_request *out,
				  struct kf_error *err) KF_MUST_CHECK;
void kf_push_request_clear(struct kf_push_request *r);

/* Replace every "$APPID$" in url by id; malloc'd result. */
char *kf_push_url_substitute(const char *url, const char *id);

/*
 * url with the query parameters name[i]=value[i] appended (URL-encoded,
 * after any query the URL already has). Only http and https URLs.
 * Returns a malloc'd string, or NULL when url does not parse.
 */
char *kf_push_url_with_query(const char *url, const char *const *names, const char *const *values, size_t n);

#endif
