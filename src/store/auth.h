/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Storage of authorizations, tokens and codes (hashes only), and the
 * revocation counter that lets every process drop cached token checks
 * within a second of a revocation anywhere.
 */
#ifndef KF_STORE_AUTH_H
#define KF_STORE_AUTH_H

#include <stdbool.h>
#include <stdint.h>

#include "core/err.h"

struct kf_db;

struct kf_token_row {
	int64_t id;
	char kind[24];
	int64_t app;            /* app row id */
	char app_id[24];        /* public app id */
	char app_state[24];
	int64_t authorization;  /* 0 for app tokens */
	char authorizer[128];   /* host account external id, "" for app tokens */
	char auth_state[16];    /* authorization state, "" for app tokens */
	int64_t expires_at;     /* 0 = no expiry */
	bool revoked;
	bool superseded;
	char family[40];
	int64_t code;
};

enum kf_err kf_store_token_insert(struct kf_db *db, const char *hash, const char *kind, int64_t app,
				  int64_t authorization, const char *family, int64_t code, int64_t now,
				  int64_t expires_at, int64_t *id) KF_MUST_CHECK;
/* KF_ENOTFOUND when no token has this hash. */
enum kf_err kf_store_token_get(struct kf_db *db, const char *hash, struct kf_token_row *out) KF_MUST_CHECK;
/* Revoke tokens: by id, every token of an authorization, or every token
 * issued from a code (AUTH-3 replay); each appends to revocations. */
enum kf_err kf_store_token_revoke(struct kf_db *db, int64_t id, int64_t now) KF_MUST_CHECK;
enum kf_err kf_store_tokens_revoke_authorization(struct kf_db *db, int64_t authorization, int64_t now) KF_MUST_CHECK;
enum kf_err kf_store_tokens_revoke_code(struct kf_db *db, int64_t code, int64_t now) KF_MUST_CHECK;
/* Unused codes bound to an authorization are used up (marked used at now),
 * so they can never be redeemed (AUTH-2: its grants end). */
enum kf_err kf_store_codes_revoke_authorization(struct kf_db *db, int64_t authorization, int64_t now) KF_MUST_CHECK;
/* AUTH-5 suspension: every live token of the app (app, authorizer and
 * OAuth, access and refresh) is revoked and every unused code (pre-auth,
 * authorization, OAuth) used up; the authorizations stay. */
enum kf_err kf_store_app_suspend_grants(struct kf_db *db, int64_t app, int64_t now) KF_MUST_CHECK;
/* DATA-3: an app that ends loses every authorization and token. */
enum kf_err kf_store_app_end_grants(struct kf_db *db, int64_t app, int64_t now) KF_MUST_CHECK;
/* Retention: delete tokens and codes that expired or were revoked or used
 * before `before`. Returns the rows deleted or -1. */
int kf_store_tokens_expire(struct kf_db *db, int64_t before);
/* Revoke the other live tokens of this kind for the authorization (a new
 * authorizer access token replaces the old one). */
enum kf_err kf_store_tokens_revoke_kind(struct kf_db *db, int64_t authorization, const char *kind, int64_t now) KF_MUST_CHECK;
/* OAuth refresh rotation: mark a refresh token rotated away; revoke every
 * token of a family (reuse detected, or the client revoked it). */
enum kf_err kf_store_token_supersede(struct kf_db *db, int64_t id, int64_t now) KF_MUST_CHECK;
enum kf_err kf_store_tokens_revoke_family(struct kf_db *db, const char *family, int64_t now) KF_MUST_CHECK;
/* Record that what tokens stand for changed (e.g. an app's live sets), so
 * every process drops its cached token checks. */
enum kf_err kf_store_revocation_note(struct kf_db *db, int64_t now, const char *what) KF_MUST_CHECK;
/* The highest revocation id (0 when none). */
enum kf_err kf_store_revocation_mark(struct kf_db *db, int64_t *mark) KF_MUST_CHECK;

struct kf_code_row {
	int64_t id;
	char kind[16];
	int64_t app;
	int64_t authorization;
	int64_t created_at, expires_at, used_at;
	char redirect_uri[1100];
	char code_challenge[130];
	char scope[512];
};

enum kf_err kf_store_code_insert(struct kf_db *db, const char *hash, const char *kind, int64_t app,
				 int64_t authorization, const char *redirect_uri, const char *challenge,
				 const char *scope, int64_t now, int64_t expires_at, int64_t *id) KF_MUST_CHECK;
enum kf_err kf_store_code_get(struct kf_db *db, const char *hash, struct kf_code_row *out) KF_MUST_CHECK;
/* Mark used; KF_ECONFLICT when it already was (a replay). */
enum kf_err kf_store_code_use(struct kf_db *db, int64_t id, int64_t now) KF_MUST_CHECK;
enum kf_err kf_store_code_bind(struct kf_db *db, int64_t id, int64_t authorization) KF_MUST_CHECK;

#endif
