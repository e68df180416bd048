/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Authorizer token checks, the hot path of every call an app makes for an
 * authorizer. A per-process cache answers most checks without touching the
 * database. A revocation in this process empties it at once; one in
 * another process sharing the database is seen within a second, when the
 * cache notices that the revocation log moved.
 */
#ifndef KF_API_TOKENS_H
#define KF_API_TOKENS_H

#include <stdbool.h>
#include <stdint.h>

#include "core/auth.h"

struct kf_req;

struct kf_authorizer_view {
	char app_id[24];
	char authorizer[128];         /* host account external id */
	struct kf_auth_sets granted;  /* granted sets the app still asks for (DATA-1) */
	struct kf_auth_sets pending;  /* sets the app added, awaiting re-consent (APP-7) */
	int64_t expires_at;
};

enum kf_token_check { KF_TOKEN_VALID, KF_TOKEN_INVALID, KF_TOKEN_EXPIRED, KF_TOKEN_ERROR };

/* A new token or code of this kind (core/auth.h format: a prefix naming
 * the kind + 256 random bits) into out (KF_AUTH_TOKEN_SIZE bytes), with its
 * SHA-256 for storage in hash. */
void kf_api_mint(enum kf_auth_kind kind, char out[KF_AUTH_TOKEN_SIZE], char hash[65]);

/* Is secret (NULL: none given) a valid secret of the app row at r->now
 * (APP-10, kf_app_secret_valid_at)? KF_OK with *valid, or KF_EDB. */
enum kf_err kf_api_secret_valid(struct kf_req *r, int64_t app, const char *secret, bool *valid) KF_MUST_CHECK;

/* Check an authorizer access token at r->now (kf_auth_check_token). */
enum kf_token_check kf_api_authorizer_check(struct kf_req *r, const char *token, struct kf_authorizer_view *out);
/* Drop every cached check (call after a committed revocation). */
void kf_api_tokens_changed(struct kf_req *r);

/* The front-door check of core (kf_auth_front_door: AUTH-5, APP-4) for an
 * app in state st with its live configuration live_cfg
 * (borrowed), called by the component API and /oauth/token alike. KF_OK,
 * or the core error in err. */
struct json_t;
enum kf_err kf_api_front_door(struct kf_req *r, enum kf_app_state st, struct json_t *live_cfg,
			      struct kf_error *err) KF_MUST_CHECK;

/* The component API's errcode and errmsg (before " rid: …") for a core
 * refusal named err_name (kf_auth_errcode). 61004 names the client address
 * that was refused ("access clientip is not registered requestIP: 10.0.0.7",
 * the wording of the platform the protocol follows). *errmsg is static or in
 * the request's arena. */
void kf_api_cgi_errcode(struct kf_req *r, const char *err_name, int *errcode, const char **errmsg);

#endif
