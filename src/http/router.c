/* SPDX-License-Identifier: Apache-2.0 */
/* Segment-by-segment matching of request paths against route patterns. */
#include "http/router.h"

#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "http/request.h"
#include "util/mem.h"

/* Match one pattern; on success record parameters in r (if any). */
static bool match_one(const char *pat, const char *path, struct kf_req *r)
{
	int np = 0;
	const char *names[KF_MAX_PARAMS], *vals[KF_MAX_PARAMS];
	size_t nlen[KF_MAX_PARAMS], vlen[KF_MAX_PARAMS];
	while (*pat && *path) {
		if (*pat == '{') {
			const char *close = strchr(pat, '}');
			if (!close || np == KF_MAX_PARAMS)
				return false;
			const char *end = path;
			while (*end && *end != '/')
				end++;
			/* a parameter may carry a ":verb" suffix in the pattern */
			const char *after = close + 1;
			size_t suffix = 0;
			if (*after == ':') {
				const char *se = strchr(after, '/');
				suffix = se ? (size_t)(se - after) : strlen(after);
				if ((size_t)(end - path) <= suffix || strncmp(end - suffix, after, suffix))
					return false;
			}
			if (end - path - (ptrdiff_t)suffix <= 0)
				return false;
			/* "{event}" alone never takes "x:replay": that is the verb route's */
			if (!suffix && memchr(path, ':', (size_t)(end - path)))
				return false;
			names[np] = pat + 1;
			nlen[np] = (size_t)(close - pat - 1);
			vals[np] = path;
			vlen[np] = (size_t)(end - path) - suffix;
			np++;
			pat = after + suffix;
			path = end;
			continue;
		}
		if (*pat != *path)
			return false;
		pat++;
		path++;
	}
	if (*pat || *path)
		return false;
	if (r) {
		r->n_params = np;
		for (int i = 0; i < np; i++) {
			r->param_names[i] = kf_arena_strndup(r->arena, names[i], nlen[i]);
			r->param_values[i] = kf_arena_strndup(r->arena, vals[i], vlen[i]);
		}
	}
	return true;
}

/* Whether an earlier route of the same method matched the path too (a
 * literal segment beside a parameter: /v1/sessions/current and /{id}). */
static bool listed_before(const struct kf_route *routes, size_t i, const char *path)
{
	for (size_t j = 0; j < i; j++)
		if (!strcmp(routes[j].method, routes[i].method) && match_one(routes[j].pattern, path, NULL))
			return true;
	return false;
}

void kf_route_allow(const struct kf_route *routes, size_t n, const char *path, char *buf, size_t len)
{
	size_t used = 0;
	buf[0] = '\0';
	for (size_t i = 0; i < n; i++) {
		if (!match_one(routes[i].pattern, path, NULL) || listed_before(routes, i, path))
			continue;
		int w = snprintf(buf + used, len - used, "%s%s", used ? ", " : "", routes[i].method);
		if (w < 0 || (size_t)w >= len - used)
			break;
		used += (size_t)w;
		if (!strcmp(routes[i].method, "GET")) {
			w = snprintf(buf + used, len - used, ", HEAD");
			if (w < 0 || (size_t)w >= len - used)
				break;
			used += (size_t)w;
		}
	}
}

enum kf_match kf_route_match(const struct kf_route *routes, size_t n, const char *method, const char *path,
			     struct kf_req *r, const struct kf_route **out)
{
	bool path_seen = false;
	for (size_t i = 0; i < n; i++) {
		if (!match_one(routes[i].pattern, path, NULL))
			continue;
		path_seen = true;
		if (strcmp(routes[i].method, method))
			continue;
		match_one(routes[i].pattern, path, r);
		*out = &routes[i];
		return KF_MATCH_OK;
	}
	return path_seen ? KF_MATCH_NO_METHOD : KF_MATCH_NO_PATH;
}
