/* SPDX-License-Identifier: Apache-2.0 */
/* libFuzzer harness: an app configuration as a request body, the way
 * PUT/PATCH /v1/apps/{id} takes it: kf_req_json, kf_appconfig_decode
 * (api/appconfig.c, with http/request.c's field checks), kf_app_normalize
 * and kf_app_validate / kf_app_validate_draft (core/app.c: URLs, domains,
 * ICP number, CIDR allowlist). A refusal is a 400/422 JSON error naming a
 * code; an accepted draft encodes, decodes and encodes again to the same
 * JSON; a valid config has URLs without user info, backslash, white space
 * or control characters. */
#include <jansson.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "api/appconfig.h"
#include "core/app.h"
#include "http/request.h"
#include "util/mem.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bool loopback_only(const char *host, const void *arg)
{
	(void)arg;
	return !strcmp(host, "127.0.0.1") || !strcmp(host, "[::1]") || !strcmp(host, "localhost");
}

/* what a browser would not read as the URL's host part stays out of it */
static void check_url(const char *u, bool strict)
{
	if (!*u)
		return;
	for (const unsigned char *p = (const unsigned char *)u; strict && *p; p++)
		if (*p <= 0x20 || *p >= 0x7f || *p == '\\')
			abort();
	const char *auth = strstr(u, "://");
	if (!auth)
		abort();
	auth += 3;
	size_t alen = strcspn(auth, "/?#");
	for (size_t i = 0; i < alen; i++)
		if ((unsigned char)auth[i] <= 0x20 || auth[i] == '@' || auth[i] == '\\' || auth[i] == 0x7f)
			abort();
}

static void check_refusal(struct kf_req *r)
{
	if (r->status != 400 && r->status != 422)
		abort();
	json_t *j = json_loadb(r->resp_body, r->resp_len, 0, NULL);
	json_t *e = json_object_get(j, "error");
	if (!json_is_string(json_object_get(e, "code")) || !json_is_string(json_object_get(e, "request_id")))
		abort();
	json_decref(j);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const icp[] = {"example.com", "kaifang.test"};
	static const int64_t catalog[] = {1, 2, 3, 7};
	const struct kf_app_context ctx = {
		.icp_domains = icp, .n_icp_domains = 2, .catalog_ids = catalog, .n_catalog_ids = 4,
		.http_ok = loopback_only,
	};
	struct kf_req r = {0};
	r.arena = kf_arena_new();
	memcpy(r.id, "fuzz000000000000", 17);
	char *body = kf_arena_alloc(r.arena, size + 1);
	memcpy(body, data, size);
	body[size] = '\0';
	r.body = body;
	r.body_len = size;

	static struct kf_app_config c, again;
	json_t *j = kf_req_json(&r);
	if (!j) {
		check_refusal(&r);
		goto out;
	}
	if (!kf_appconfig_decode(&r, j, &c)) {
		check_refusal(&r);
		goto out;
	}
	kf_app_normalize(&c);
	struct kf_error err;
	if (kf_app_validate_draft(&c, NULL, &ctx, &err) == KF_OK) {
		json_t *e1 = kf_appconfig_encode(&c);
		if (!kf_appconfig_load(e1, &again))
			abort();
		json_t *e2 = kf_appconfig_encode(&again);
		if (!json_equal(e1, e2))
			abort();
		json_decref(e1);
		json_decref(e2);
	} else if (!err.name || err.code == KF_OK) {
		abort();
	}
	if (kf_app_validate(&c, NULL, &ctx, &err) == KF_OK) {
		if (kf_app_validate_draft(&c, NULL, &ctx, &err) != KF_OK)
			abort();
		check_url(c.website, false);
		check_url(c.dev.auth_receive_url, true);
		check_url(c.dev.message_url, true);
		for (size_t i = 0; i < c.dev.n_redirect_uris; i++)
			check_url(c.dev.redirect_uris[i], true);
	}
out:
	kf_arena_free(r.arena);
	return 0;
}
