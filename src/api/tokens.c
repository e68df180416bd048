/* SPDX-License-Identifier: Apache-2.0 */
/* The token check cache (see tokens.h): open addressing over SHA-256
 * digests, one mutex, flushed whenever the revocation log moves. */
#include "api/tokens.h"

#include <jansson.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "api/common.h"
#include "http/request.h"
#include "core/app.h"
#include "store/apps.h"
#include "store/auth.h"
#include "store/authz.h"
#include "store/db.h"
#include "util/crypto.h"
#include "util/mem.h"

#define SLOTS 8192 /* power of two */

struct entry {
	char hash[65];
	struct kf_authorizer_view v;
};

static struct entry cache[SLOTS];
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static int64_t mark = -1;       /* revocation log position the cache reflects */
static int64_t checked_at = -1; /* monotonic second of the last look at it */
static uint64_t generation;     /* bumped by every flush */

void kf_api_mint(enum kf_auth_kind kind, char out[KF_AUTH_TOKEN_SIZE], char hash[65])
{
	unsigned char rnd[KF_AUTH_RANDOM_LEN];
	kf_random_bytes(rnd, sizeof(rnd));
	if (!kf_auth_token_format(kind, rnd, out))
		abort(); /* a kind out of range is a programming error */
	kf_sha256_hex(out, strlen(out), hash);
}

static int64_t mono_s(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (int64_t)t.tv_sec;
}

static size_t slot(const char *hash)
{
	size_t h = 0;
	for (int i = 0; i < 16; i++)
		h = h * 16 + (size_t)(hash[i] <= '9' ? hash[i] - '0' : hash[i] - 'a' + 10);
	return h & (SLOTS - 1);
}

static void flush_locked(void)
{
	for (size_t i = 0; i < SLOTS; i++)
		cache[i].hash[0] = '\0';
	generation++;
}

void kf_api_tokens_changed(struct kf_req *r)
{
	(void)r;
	pthread_mutex_lock(&mu);
	flush_locked();
	checked_at = -1; /* read the new mark on the next check */
	pthread_mutex_unlock(&mu);
}

/* At most once a second, compare the revocation log with the cache's. */
static bool refresh_mark(struct kf_req *r)
{
	int64_t now = mono_s();
	pthread_mutex_lock(&mu);
	bool due = checked_at != now;
	pthread_mutex_unlock(&mu);
	if (!due)
		return true;
	int64_t m;
	if (kf_store_revocation_mark(kf_req_db(r), &m) != KF_OK)
		return false;
	pthread_mutex_lock(&mu);
	if (m != mark) {
		flush_locked();
		mark = m;
	}
	checked_at = now;
	pthread_mutex_unlock(&mu);
	return true;
}

/* DATA-1 and APP-7 against the app's live sets: the granted sets it still
 * asks for, and the sets it added since the owner's last consent. */
static bool effective_sets(struct kf_req *r, int64_t app_row, const struct kf_authz_row *z,
			   struct kf_authorizer_view *out)
{
	struct kf_app_row app;
	if (kf_store_app_get(kf_req_db(r), app_row, &app) != KF_OK)
		return false;
	json_t *cfg = kf_store_app_config_json(kf_req_db(r), app.live_config_id);
	json_t *ids = json_object_get(cfg, "permission_sets");
	struct kf_auth_set live[KF_AUTH_SETS_MAX];
	size_t nl = 0, i;
	json_t *v;
	json_array_foreach(ids, i, v)
		if (nl < KF_AUTH_SETS_MAX)
			live[nl++] = (struct kf_auth_set){.id = json_integer_value(v)};
	json_decref(cfg);
	kf_auth_effective_sets(&z->granted, live, nl, &out->granted);
	kf_auth_pending_sets(&z->offered, live, nl, &out->pending);
	return true;
}

enum kf_token_check kf_api_authorizer_check(struct kf_req *r, const char *token, struct kf_authorizer_view *out)
{
	if (!token || !*token || strlen(token) > 200)
		return KF_TOKEN_INVALID;
	char hash[65];
	kf_sha256_hex(token, strlen(token), hash);
	if (!refresh_mark(r))
		return KF_TOKEN_ERROR;
	size_t s = slot(hash);
	pthread_mutex_lock(&mu);
	bool hit = !strcmp(cache[s].hash, hash);
	if (hit)
		*out = cache[s].v;
	uint64_t gen = generation;
	pthread_mutex_unlock(&mu);
	if (hit) /* what core decided, but for the clock */
		return !out->expires_at || out->expires_at > r->now ? KF_TOKEN_VALID : KF_TOKEN_EXPIRED;

	struct kf_auth_token t;
	enum kf_err rc = kf_store_token_get(kf_req_db(r), hash, &t);
	if (rc == KF_EDB)
		return KF_TOKEN_ERROR;
	/* core decides: kind, revocation, the authorization, the app's state
	 * (GOV-1, DATA-3, AUTH-5) and expiry */
	struct kf_error err = {0};
	const struct kf_auth_token_want want = {.kind = KF_AUTH_KIND_AUTHORIZER_ACCESS};
	if (kf_auth_check_token(rc == KF_OK ? &t : NULL, &want, r->now, &err) != KF_OK)
		return !strcmp(err.name, "token_expired") ? KF_TOKEN_EXPIRED : KF_TOKEN_INVALID;
	struct kf_authz_row z;
	if (kf_store_authz_by_id(kf_req_db(r), t.authorization, &z) != KF_OK)
		return KF_TOKEN_ERROR;
	memset(out, 0, sizeof(*out));
	snprintf(out->app_id, sizeof(out->app_id), "%s", t.app_id);
	snprintf(out->authorizer, sizeof(out->authorizer), "%s", t.authorizer);
	if (!effective_sets(r, t.app, &z, out))
		return KF_TOKEN_ERROR;
	out->expires_at = t.expires_at;
	/* A flush since the read means a revocation may have raced it: answer
	 * from what was read, but do not keep it. */
	pthread_mutex_lock(&mu);
	if (gen == generation) {
		memcpy(cache[s].hash, hash, sizeof(hash));
		cache[s].v = *out;
	}
	pthread_mutex_unlock(&mu);
	return KF_TOKEN_VALID;
}

enum kf_err kf_api_secret_valid(struct kf_req *r, int64_t app, const char *secret, bool *valid)
{
	*valid = false;
	if (!secret)
		return KF_OK;
	char hash[65];
	kf_sha256_hex(secret, strlen(secret), hash);
	struct kf_app_secret_row s;
	enum kf_err rc = kf_store_app_secret_get(kf_req_db(r), app, hash, &s);
	if (rc == KF_ENOTFOUND)
		return KF_OK;
	if (rc != KF_OK)
		return rc;
	*valid = kf_app_secret_valid_at(s.created_at, s.revoked_at, s.valid_until, r->now);
	return KF_OK;
}

enum kf_err kf_api_front_door(struct kf_req *r, enum kf_app_state st, json_t *live_cfg, struct kf_error *err)
{
	json_t *list = json_object_get(json_object_get(live_cfg, "dev"), "ip_allowlist");
	size_t n = json_array_size(list);
	const char **allow = n ? kf_arena_alloc(r->arena, n * sizeof(*allow)) : NULL;
	for (size_t i = 0; i < n; i++)
		allow[i] = json_string_value(json_array_get(list, i));
	struct kf_auth_door d = {
		.state = st, .client_ip = r->client_ip, .ip_allowlist = allow, .n_ip_allowlist = n};
	return kf_auth_front_door(&d, err);
}

void kf_api_cgi_errcode(struct kf_req *r, const char *err_name, int *errcode, const char **errmsg)
{
	kf_auth_errcode(err_name, errcode, errmsg);
	if (*errcode == 61004)
		*errmsg = kf_arena_printf(r->arena, "%s requestIP: %s", *errmsg, r->client_ip ? r->client_ip : "unknown");
}
