/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests for route matching: parameters, ":verb" suffixes, 404 vs 405. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "http/request.h"
#include "http/router.h"
#include "util/mem.h"

static void h(struct kf_req *r)
{
	(void)r;
}

static const struct kf_route routes[] = {
	{"GET", "/v1/providers", h, KF_AUTH_USER, 0, "list"},
	{"POST", "/v1/providers", h, KF_AUTH_USER, 0, "create"},
	{"GET", "/v1/providers/{id}", h, KF_AUTH_USER, 0, "get"},
	{"DELETE", "/v1/providers/{id}/members/{user_id}", h, KF_AUTH_USER, 0, "remove"},
	{"POST", "/v1/apps/{id}/secret:rotate", h, KF_AUTH_USER, 0, "rotate"},
	{"POST", "/v1/apps/{id}/deliveries/{event}:replay", h, KF_AUTH_USER, 0, "replay"},
	{"POST", "/v1/me/email-verification", h, KF_AUTH_USER, 0, "verify"},
	{"POST", "/v1/me/email-verification:resend", h, KF_AUTH_USER, 0, "resend"},
	{"DELETE", "/v1/sessions/current", h, KF_AUTH_USER, 0, "sign out"},
	{"GET", "/v1/sessions", h, KF_AUTH_USER, 0, "sessions"},
	{"DELETE", "/v1/sessions/{id}", h, KF_AUTH_USER, 0, "end session"},
};
#define N (sizeof(routes) / sizeof(routes[0]))

static void test_params(void **state)
{
	(void)state;
	struct kf_req r = {.arena = kf_arena_new()};
	const struct kf_route *out = NULL;
	assert_int_equal(kf_route_match(routes, N, "DELETE", "/v1/providers/12/members/34", &r, &out), KF_MATCH_OK);
	assert_string_equal(out->summary, "remove");
	assert_string_equal(kf_req_param(&r, "id"), "12");
	assert_string_equal(kf_req_param(&r, "user_id"), "34");
	assert_int_equal(kf_req_param_id(&r, "user_id"), 34);
	assert_null(kf_req_param(&r, "nope"));
	kf_arena_free(r.arena);
}

static void test_verb_suffix(void **state)
{
	(void)state;
	struct kf_req r = {.arena = kf_arena_new()};
	const struct kf_route *out = NULL;
	assert_int_equal(kf_route_match(routes, N, "POST", "/v1/apps/kf0011/secret:rotate", &r, &out), KF_MATCH_OK);
	assert_string_equal(out->summary, "rotate");
	assert_int_equal(kf_route_match(routes, N, "POST", "/v1/apps/kf1/deliveries/ev9:replay", &r, &out), KF_MATCH_OK);
	assert_string_equal(kf_req_param(&r, "event"), "ev9");
	assert_int_equal(kf_route_match(routes, N, "POST", "/v1/me/email-verification:resend", &r, &out), KF_MATCH_OK);
	assert_string_equal(out->summary, "resend");
	assert_int_equal(kf_route_match(routes, N, "POST", "/v1/me/email-verification", &r, &out), KF_MATCH_OK);
	assert_string_equal(out->summary, "verify");
	/* a parameter never swallows the verb alone */
	assert_int_equal(kf_route_match(routes, N, "POST", "/v1/apps/kf1/deliveries/:replay", &r, &out), KF_MATCH_NO_PATH);
	kf_arena_free(r.arena);
}

static void test_404_vs_405(void **state)
{
	(void)state;
	const struct kf_route *out = NULL;
	assert_int_equal(kf_route_match(routes, N, "PUT", "/v1/providers", NULL, &out), KF_MATCH_NO_METHOD);
	assert_int_equal(kf_route_match(routes, N, "GET", "/v1/provider", NULL, &out), KF_MATCH_NO_PATH);
	assert_int_equal(kf_route_match(routes, N, "GET", "/v1/providers/", NULL, &out), KF_MATCH_NO_PATH);
	assert_int_equal(kf_route_match(routes, N, "GET", "/v1/providers/1/x", NULL, &out), KF_MATCH_NO_PATH);
	assert_int_equal(kf_route_match(routes, N, "GET", "/v1/providers/7", NULL, &out), KF_MATCH_OK);
}

/* A literal segment beside a parameter: the literal route wins, and Allow
 * names the method once. */
static void test_literal_beside_param(void **state)
{
	(void)state;
	struct kf_req r = {.arena = kf_arena_new()};
	const struct kf_route *out = NULL;
	assert_int_equal(kf_route_match(routes, N, "DELETE", "/v1/sessions/current", &r, &out), KF_MATCH_OK);
	assert_string_equal(out->summary, "sign out");
	assert_int_equal(kf_route_match(routes, N, "DELETE", "/v1/sessions/9", &r, &out), KF_MATCH_OK);
	assert_string_equal(out->summary, "end session");
	char allow[128];
	kf_route_allow(routes, N, "/v1/sessions/current", allow, sizeof(allow));
	assert_string_equal(allow, "DELETE");
	kf_route_allow(routes, N, "/v1/sessions", allow, sizeof(allow));
	assert_string_equal(allow, "GET, HEAD");
	kf_arena_free(r.arena);
}

static void test_param_id_rejects_junk(void **state)
{
	(void)state;
	struct kf_req r = {.arena = kf_arena_new()};
	const struct kf_route *out = NULL;
	assert_int_equal(kf_route_match(routes, N, "GET", "/v1/providers/1x", &r, &out), KF_MATCH_OK);
	assert_int_equal(kf_req_param_id(&r, "id"), 0);
	assert_int_equal(kf_route_match(routes, N, "GET", "/v1/providers/99999999999999999999", &r, &out), KF_MATCH_OK);
	assert_int_equal(kf_req_param_id(&r, "id"), 0);
	kf_arena_free(r.arena);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_params),
		cmocka_unit_test(test_verb_suffix),
		cmocka_unit_test(test_404_vs_405),
		cmocka_unit_test(test_param_id_rejects_junk),
		cmocka_unit_test(test_literal_beside_param),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
