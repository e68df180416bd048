/* SPDX-License-Identifier: Apache-2.0 */
/* libFuzzer harness: route matching (http/router.c) against the real route
 * table (kf_api_routes). Input: the method, a space, the path. A match has
 * the request's method, and its parameters put back into the pattern give
 * the path again; 405 comes with an Allow list that names methods of the
 * path but not the one asked for; 404 with none. Path parameters read as
 * ids only when they are digits. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "http/request.h"
#include "http/router.h"
#include "util/mem.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* pattern with every {name} replaced by r's value of name */
static char *fill(struct kf_req *r, const char *pat)
{
	char *out = kf_arena_strdup(r->arena, "");
	while (*pat) {
		if (*pat == '{') {
			const char *close = strchr(pat, '}');
			if (!close)
				abort();
			char *name = kf_arena_strndup(r->arena, pat + 1, (size_t)(close - pat - 1));
			const char *v = kf_req_param(r, name);
			if (!v || !*v || strchr(v, '/'))
				abort();
			int64_t id = kf_req_param_id(r, name);
			if (id < 0 || (id > 0 && strspn(v, "0123456789") != strlen(v)))
				abort();
			out = kf_arena_printf(r->arena, "%s%s", out, v);
			pat = close + 1;
			continue;
		}
		out = kf_arena_printf(r->arena, "%s%c", out, *pat++);
	}
	return out;
}

static bool allow_names(const char *allow, const char *method)
{
	size_t n = strlen(method);
	if (!n)
		return false;
	for (const char *p = allow; (p = strstr(p, method)) != NULL; p += n)
		if ((p == allow || p[-1] == ' ') && (p[n] == ',' || p[n] == '\0'))
			return true;
	return false;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct kf_route *routes;
	static size_t n;
	if (!routes)
		routes = kf_api_routes(&n);
	char *s = malloc(size + 1);
	memcpy(s, data, size);
	s[size] = '\0';
	char *sp = strchr(s, ' ');
	const char *method = sp ? s : "GET";
	const char *path = sp ? sp + 1 : s;
	if (sp)
		*sp = '\0';

	struct kf_req r = {0};
	r.arena = kf_arena_new();
	const struct kf_route *route = NULL;
	char allow[512];
	switch (kf_route_match(routes, n, method, path, &r, &route)) {
	case KF_MATCH_OK:
		if (!route || strcmp(route->method, method) || r.n_params > KF_MAX_PARAMS)
			abort();
		if (strcmp(fill(&r, route->pattern), path))
			abort();
		kf_route_allow(routes, n, path, allow, sizeof(allow));
		if (!allow_names(allow, method))
			abort();
		break;
	case KF_MATCH_NO_METHOD:
		kf_route_allow(routes, n, path, allow, sizeof(allow));
		if (!allow[0] || (strcmp(method, "HEAD") && allow_names(allow, method)))
			abort();
		break;
	case KF_MATCH_NO_PATH:
		kf_route_allow(routes, n, path, allow, sizeof(allow));
		if (allow[0])
			abort();
		break;
	}
	kf_arena_free(r.arena);
	free(s);
	return 0;
}
