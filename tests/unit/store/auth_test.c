/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Unit tests for store/auth.c: the one mapping between the token and code
 * kinds stored as text and core's enum kf_auth_kind, and tokens read back
 * as core's struct kf_auth_token (kind, app state and authorization state
 * as enums) so that core's kf_auth_check_token decides on them.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/auth.h"
#include "store/apps.h"
#include "store/auth.h"
#include "store/db.h"
#include "store/migrate.h"
#include "util/crypto.h"

#define NOW 1700000000

struct fixture {
	char dir[64];
	char path[96];
	struct kf_db *db;
	int64_t app;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	snprintf(f->dir, sizeof(f->dir), "/tmp/kf-store-auth-test-XXXXXX");
	if (!mkdtemp(f->dir))
		return -1;
	snprintf(f->path, sizeof(f->path), "%s/t.db", f->dir);
	struct kf_error err = {0};
	if (kf_crypto_init() != KF_OK || kf_db_open(f->path, &f->db, &err) != KF_OK ||
	    kf_migrate(f->db, NOW, NULL, &err) != KF_OK)
		return -1;
	/* an app row without its provider: these tests are about tokens */
	if (kf_db_exec_script(f->db, "PRAGMA foreign_keys=OFF;", &err) != KF_OK ||
	    kf_store_app_insert(f->db, "kf00112233445566aa", 1, "public", NOW, &f->app) != KF_OK ||
	    kf_store_app_set_state(f->db, f->app, KF_APP_RELEASED, NOW) != KF_OK)
		return -1;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	kf_db_close(f->db);
	char cmd[160];
	snprintf(cmd, sizeof(cmd), "rm -rf %s", f->dir);
	if (system(cmd) != 0)
		return -1;
	free(f);
	return 0;
}

static void test_token_kind_text(void **state)
{
	(void)state;
	static const struct {
		enum kf_auth_kind kind;
		const char *text;
	} rows[] = {
		{KF_AUTH_KIND_APP_ACCESS, "component_access"},
		{KF_AUTH_KIND_AUTHORIZER_ACCESS, "authorizer_access"},
		{KF_AUTH_KIND_AUTHORIZER_REFRESH, "authorizer_refresh"},
		{KF_AUTH_KIND_OAUTH_ACCESS, "oauth_access"},
		{KF_AUTH_KIND_OAUTH_REFRESH, "oauth_refresh"},
	};
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		enum kf_auth_kind k = KF_AUTH_KIND_COUNT;
		assert_string_equal(kf_store_token_kind_text(rows[i].kind), rows[i].text);
		assert_true(kf_store_token_kind_parse(rows[i].text, &k));
		assert_int_equal(k, rows[i].kind);
	}
	/* codes are not tokens, and the other way round */
	enum kf_auth_kind k = KF_AUTH_KIND_APP_ACCESS;
	assert_null(kf_store_token_kind_text(KF_AUTH_KIND_AUTH_CODE));
	assert_null(kf_store_token_kind_text((enum kf_auth_kind)KF_AUTH_KIND_COUNT));
	assert_false(kf_store_token_kind_parse("auth", &k));
	assert_false(kf_store_token_kind_parse("app_access_token", &k));
	assert_false(kf_store_token_kind_parse(NULL, &k));
	assert_int_equal(k, KF_AUTH_KIND_APP_ACCESS);
}

static void test_code_kind_text(void **state)
{
	(void)state;
	enum kf_auth_kind k;
	bool oauth;
	assert_string_equal(kf_store_code_kind_text(KF_AUTH_KIND_PRE_AUTH_CODE, false), "pre_auth");
	assert_string_equal(kf_store_code_kind_text(KF_AUTH_KIND_AUTH_CODE, false), "auth");
	assert_string_equal(kf_store_code_kind_text(KF_AUTH_KIND_AUTH_CODE, true), "oauth");
	assert_null(kf_store_code_kind_text(KF_AUTH_KIND_PRE_AUTH_CODE, true));
	assert_null(kf_store_code_kind_text(KF_AUTH_KIND_APP_ACCESS, false));
	assert_true(kf_store_code_kind_parse("oauth", &k, &oauth));
	assert_int_equal(k, KF_AUTH_KIND_AUTH_CODE);
	assert_true(oauth);
	assert_true(kf_store_code_kind_parse("auth", &k, &oauth));
	assert_int_equal(k, KF_AUTH_KIND_AUTH_CODE);
	assert_false(oauth);
	assert_true(kf_store_code_kind_parse("pre_auth", &k, &oauth));
	assert_int_equal(k, KF_AUTH_KIND_PRE_AUTH_CODE);
	assert_false(kf_store_code_kind_parse("component_access", &k, &oauth));
}

/* A token goes in as an enum and comes back as core's type, and core
 * decides on it: the path every handler takes. */
static void test_token_round_trip(void **state)
{
	struct fixture *f = *state;
	int64_t id = 0;
	assert_int_equal(kf_store_token_insert(f->db, "h1", KF_AUTH_KIND_APP_ACCESS, f->app, 0, NULL, 0, NOW,
					       NOW + 7200, &id),
			 KF_OK);
	struct kf_auth_token t;
	assert_int_equal(kf_store_token_get(f->db, "h1", &t), KF_OK);
	assert_int_equal(t.id, id);
	assert_int_equal(t.kind, KF_AUTH_KIND_APP_ACCESS);
	assert_int_equal(t.app, f->app);
	assert_string_equal(t.app_id, "kf00112233445566aa");
	assert_int_equal(t.app_state, KF_APP_RELEASED);
	assert_int_equal(t.auth_state, KF_AUTH_STATE_NONE);
	assert_int_equal(t.expires_at, NOW + 7200);
	assert_false(t.revoked);
	struct kf_error err;
	struct kf_auth_token_want w = {.kind = KF_AUTH_KIND_APP_ACCESS, .app = f->app};
	assert_int_equal(kf_auth_check_token(&t, &w, NOW + 1, &err), KF_OK);
	assert_int_equal(kf_store_token_revoke(f->db, id, NOW + 2), KF_OK);
	assert_int_equal(kf_store_token_get(f->db, "h1", &t), KF_OK);
	assert_true(t.revoked);
	assert_int_equal(kf_auth_check_token(&t, &w, NOW + 3, &err), KF_EAUTH);
	assert_string_equal(err.name, "token_revoked");
	/* the app's state is read as core's enum */
	assert_int_equal(kf_store_app_set_state(f->db, f->app, KF_APP_SUSPENDED, NOW), KF_OK);
	assert_int_equal(kf_store_token_insert(f->db, "h2", KF_AUTH_KIND_APP_ACCESS, f->app, 0, NULL, 0, NOW,
					       NOW + 7200, NULL),
			 KF_OK);
	assert_int_equal(kf_store_token_get(f->db, "h2", &t), KF_OK);
	assert_int_equal(t.app_state, KF_APP_SUSPENDED);
	assert_int_equal(kf_auth_check_token(&t, &w, NOW + 1, &err), KF_EFORBIDDEN);
	assert_string_equal(err.name, "app_suspended");
	assert_int_equal(kf_store_token_get(f->db, "nope", &t), KF_ENOTFOUND);
	/* a code kind is not a token kind */
	assert_int_equal(kf_store_token_insert(f->db, "h3", KF_AUTH_KIND_AUTH_CODE, f->app, 0, NULL, 0, NOW,
					       NOW + 1, NULL),
			 KF_EINVAL);
}

static void test_code_round_trip(void **state)
{
	struct fixture *f = *state;
	assert_int_equal(kf_store_code_insert(f->db, "c1", KF_AUTH_KIND_AUTH_CODE, true, f->app, 0,
					      "https://a.example/cb", "x", "messages", NOW, NOW + 600, NULL),
			 KF_OK);
	struct kf_code_row c;
	assert_int_equal(kf_store_code_get(f->db, "c1", &c), KF_OK);
	assert_int_equal(c.kind, KF_AUTH_KIND_AUTH_CODE);
	assert_true(c.oauth);
	assert_string_equal(c.redirect_uri, "https://a.example/cb");
	assert_int_equal(kf_store_code_insert(f->db, "c2", KF_AUTH_KIND_PRE_AUTH_CODE, false, f->app, 0, NULL, NULL,
					      NULL, NOW, NOW + 600, NULL),
			 KF_OK);
	assert_int_equal(kf_store_code_get(f->db, "c2", &c), KF_OK);
	assert_int_equal(c.kind, KF_AUTH_KIND_PRE_AUTH_CODE);
	assert_false(c.oauth);
	assert_int_equal(kf_store_code_insert(f->db, "c3", KF_AUTH_KIND_OAUTH_ACCESS, false, f->app, 0, NULL, NULL,
					      NULL, NOW, NOW + 600, NULL),
			 KF_EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_token_kind_text),
		cmocka_unit_test(test_code_kind_text),
		cmocka_unit_test_setup_teardown(test_token_round_trip, setup, teardown),
		cmocka_unit_test_setup_teardown(test_code_round_trip, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
