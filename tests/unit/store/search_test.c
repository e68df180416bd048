/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Unit tests for store/search.c: a live listing is indexed in the caller's
 * transaction and found by Chinese, pinyin and initials; installs follow
 * the authorizations (not the platform's test accounts) and move the
 * postings' points by a doubling; the filters are read from the app row
 * (REV-2, GOV-1, GOV-7).
 */
#include "store_fixture.h"

#include "core/auth.h"
#include "core/search.h"
#include "store/auth.h"
#include "store/authz.h"
#include "store/release.h"
#include "store/search.h"

#define NOW 1700000000

static void exec(struct store_fixture *f, const char *sql)
{
	struct kf_error err = {0};
	assert_int_equal(kf_db_exec_script(f->db, sql, &err), KF_OK);
}

static int64_t one_int(struct store_fixture *f, const char *sql)
{
	struct kf_stmt *st = kf_db_prepare(f->db, sql);
	assert_non_null(st);
	assert_int_equal(kf_stmt_first(st), KF_OK);
	int64_t v = kf_stmt_int(st, 0);
	kf_stmt_done(st);
	return v;
}

/* App 1, released and search listed, its listing 天气助手 live through the
 * store's own call (what a release approval does). */
static void released_app(struct store_fixture *f)
{
	exec(f, "PRAGMA foreign_keys=OFF;"
		"INSERT INTO orgs (id, kind, name, state, created_at, updated_at) VALUES (1, 'provider', 'P', 'certified', 0, 0);"
		"INSERT INTO apps (id, app_id, provider_id, state, audience, created_at, updated_at, search_listed)"
		" VALUES (1, 'kf00112233445566aa', 1, 'released', 'public', 0, 0, 1);"
		"INSERT INTO listings (id, app, body, created_at) VALUES (7, 1, "
		"'{\"name\":\"\xe5\xa4\xa9\xe6\xb0\x94\xe5\x8a\xa9\xe6\x89\x8b\",\"keywords\":[\"forecast\"],"
		"\"intro\":\"Hourly\",\"category\":\"tools\",\"company_name\":\"Acme\"}', 0);"
		"INSERT INTO host_accounts (id, org_id, external_id, kind, owner_user_id, created_at, updated_at, platform_test)"
		" VALUES (9, 1, 'platform-test', 'wecom', 1, 0, 0, 1);");
	assert_int_equal(kf_store_app_listing_live(f->db, 1, 7, "1.0.0", NOW), KF_OK);
}

static int found(struct store_fixture *f, const char *q)
{
	char *nq = kf_search_normalize(q);
	int64_t ids[5];
	int n = -1;
	struct kf_market_filter flt = {NULL, false};
	assert_int_equal(kf_store_search_query(f->db, nq, &flt, 0, 5, ids, &n), KF_OK);
	free(nq);
	return n;
}

static void test_live_listing_indexed_and_found(void **state)
{
	struct store_fixture *f = *state;
	released_app(f);
	assert_true(one_int(f, "SELECT COUNT(*) FROM search_postings WHERE app = 1") > 50);
	assert_int_equal(found(f, "\xe5\xa4\xa9"), 1);         /* 天 */
	assert_int_equal(found(f, "\xe5\xa4\xa9\xe6\xb0\x94"), 1); /* 天气 */
	assert_int_equal(found(f, "tianqi"), 1);
	assert_int_equal(found(f, "TQ"), 1);
	assert_int_equal(found(f, "\xef\xbc\xa1\xef\xbd\x83\xef\xbd\x8d\xef\xbd\x85"), 1); /* Ａｃｍｅ */
	assert_int_equal(found(f, "forecast"), 1);
	assert_int_equal(found(f, "tianqx"), 0);
	/* REV-2, GOV-1, GOV-7: read from the row, no reindexing */
	exec(f, "UPDATE apps SET search_listed = 0");
	assert_int_equal(found(f, "tq"), 0);
	exec(f, "UPDATE apps SET search_listed = 1, not_recommended = 1");
	assert_int_equal(found(f, "tq"), 0);
	exec(f, "UPDATE apps SET not_recommended = 0, search_banned = 1");
	assert_int_equal(found(f, "tq"), 0);
	exec(f, "UPDATE apps SET search_banned = 0");
	assert_int_equal(found(f, "tq"), 1);
	/* a deleted app leaves the index */
	exec(f, "UPDATE apps SET deleted_at = 1");
	assert_int_equal(kf_store_search_index(f->db, 1), KF_OK);
	assert_int_equal(one_int(f, "SELECT COUNT(*) FROM search_postings WHERE app = 1"), 0);
	assert_int_equal(one_int(f, "SELECT COUNT(*) FROM search_docs WHERE app = 1"), 0);
}

static void test_installs_follow_authorizations(void **state)
{
	struct store_fixture *f = *state;
	released_app(f);
	int64_t base = one_int(f, "SELECT score FROM search_postings WHERE app = 1 AND gram = 'tq'");
	struct kf_auth_sets sets = {.n = 1, .ids = {1}};
	int64_t a1, a2, a3;
	bool created;
	/* the release checks' platform test account is no install */
	assert_int_equal(kf_store_authz_put(f->db, 9, 1, &sets, &sets, "{}", NOW, &a3, &created), KF_OK);
	assert_int_equal(one_int(f, "SELECT installs FROM apps WHERE id = 1"), 0);
	assert_int_equal(kf_store_authz_put(f->db, 41, 1, &sets, &sets, "{}", NOW, &a1, &created), KF_OK);
	assert_int_equal(one_int(f, "SELECT installs FROM apps WHERE id = 1"), 1);
	assert_int_equal(one_int(f, "SELECT score FROM search_postings WHERE app = 1 AND gram = 'tq'"), base + 1);
	/* re-authorizing an active one is no new install */
	assert_int_equal(kf_store_authz_put(f->db, 41, 1, &sets, &sets, "{}", NOW, &a1, &created), KF_OK);
	assert_int_equal(one_int(f, "SELECT installs FROM apps WHERE id = 1"), 1);
	assert_int_equal(kf_store_authz_put(f->db, 42, 1, &sets, &sets, "{}", NOW, &a2, &created), KF_OK);
	assert_int_equal(one_int(f, "SELECT installs FROM apps WHERE id = 1"), 2);
	assert_int_equal(one_int(f, "SELECT install_points FROM apps WHERE id = 1"), 2);
	assert_int_equal(one_int(f, "SELECT score FROM search_postings WHERE app = 1 AND gram = 'tq'"), base + 2);
	assert_int_equal(kf_store_authz_revoke(f->db, a2, NOW), KF_OK);
	assert_int_equal(one_int(f, "SELECT installs FROM apps WHERE id = 1"), 1);
	assert_int_equal(one_int(f, "SELECT score FROM search_postings WHERE app = 1 AND gram = 'tq'"), base + 1);
	/* ending every grant of the app counts again */
	assert_int_equal(kf_store_app_end_grants(f->db, 1, NOW), KF_OK);
	assert_int_equal(one_int(f, "SELECT installs FROM apps WHERE id = 1"), 0);
	assert_int_equal(one_int(f, "SELECT score FROM search_postings WHERE app = 1 AND gram = 'tq'"), base);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_live_listing_indexed_and_found, store_setup, store_teardown),
		cmocka_unit_test_setup_teardown(test_installs_follow_authorizations, store_setup, store_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
