/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Tests of src/pipeline/listing.c's functions that run off the request
 * threads and of src/pipeline/terms_cache.c, against a temporary SQLite database, a
 * files directory and a tiny HTTP server on 127.0.0.1 started here:
 * kf_listing_stage (the release pipeline's listing stage: APP-12, LST-*,
 * REV-6), kf_listing_url_pass (the worker's URL checks, LST-14, LST-16) and
 * the term matcher cache (rebuilt when another writer bumps the
 * generation; a set in use survives a rebuild). Pictures are generated
 * with stb_image_write.
 */
#include <arpa/inet.h>
#include <jansson.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>
#include <curl/curl.h>

#include "core/terms.h"
#include "ctx.h"
#include "pipeline/listing.h"
#include "pipeline/terms_cache.h"
#include "store/db.h"
#include "store/files.h"
#include "store/listings.h"
#include "store/migrate.h"
#include "util/crypto.h"

#define STB_IMAGE_WRITE_IMPLEMENTATION
#define STBI_WRITE_NO_STDIO
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-function"
#pragma GCC diagnostic ignored "-Wunused-parameter"
#pragma GCC diagnostic ignored "-Wsign-compare"
#pragma GCC diagnostic ignored "-Wshadow"
#pragma GCC diagnostic ignored "-Wcast-qual"
#pragma GCC diagnostic ignored "-Wmissing-prototypes"
#include <stb/stb_image_write.h>
#pragma GCC diagnostic pop

#define NOW 1700000000
#define ENTITY "示例科技有限公司"

/* ---- the HTTP server: /ok 200, /privacy 200 naming the entity (LST-20),
 * /privacy-other 200 naming another company, anything else 404 ---- */

static int srv_fd, srv_port;
static pthread_t srv_thread;
static atomic_bool srv_stop;
static atomic_int srv_requests;

static void *serve(void *arg)
{
	int fd = (int)(intptr_t)arg;
	char req[2048];
	size_t len = 0;
	while (len < sizeof(req) - 1) {
		ssize_t r = read(fd, req + len, sizeof(req) - 1 - len);
		if (r <= 0)
			break;
		len += (size_t)r;
		req[len] = '\0';
		if (strstr(req, "\r\n\r\n"))
			break;
	}
	req[len] = '\0';
	atomic_fetch_add(&srv_requests, 1);
	const char *ok = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok";
	const char *missing = "HTTP/1.1 404 Not Found\r\nContent-Length: 2\r\nConnection: close\r\n\r\nno";
	const char *privacy = "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nConnection: close\r\n\r\n"
			      "<html><body><h1>Privacy policy</h1><footer>\xC2\xA9 " ENTITY "</footer></body></html>";
	const char *other = "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nConnection: close\r\n\r\n"
			    "<html><body><h1>Privacy policy</h1><footer>another company</footer></body></html>";
	const char *a = !strncmp(req, "GET /ok", 7) && (req[7] == ' ' || req[7] == '?')	 ? ok
			: !strncmp(req, "GET /privacy ", 13)				 ? privacy
			: !strncmp(req, "GET /privacy-other ", 19)			 ? other
											 : missing;
	(void)!write(fd, a, strlen(a));
	close(fd);
	return NULL;
}

static void *accept_loop(void *arg)
{
	(void)arg;
	while (!atomic_load(&srv_stop)) {
		struct pollfd p = {srv_fd, POLLIN, 0};
		if (poll(&p, 1, 50) <= 0)
			continue;
		int c = accept(srv_fd, NULL, NULL);
		pthread_t t;
		if (c >= 0 && pthread_create(&t, NULL, serve, (void *)(intptr_t)c) == 0)
			pthread_detach(t);
		else if (c >= 0)
			close(c);
	}
	return NULL;
}

/* ---- fixture ---- */

static char dir[64], dbpath[96];
static struct kf_db *db;
static struct kf_ctx ctx;
static int64_t f_logo, f_company, f_d1, f_d2;

static void exec(const char *sql)
{
	struct kf_error err = {0};
	if (kf_db_exec_script(db, sql, &err) != KF_OK)
		fail_msg("%s: %s", sql, err.msg);
}

struct buf {
	unsigned char *p;
	size_t n, cap;
};

static void put(void *c, void *data, int size)
{
	struct buf *b = c;
	if (b->n + (size_t)size > b->cap) {
		b->cap = (b->n + (size_t)size) * 2;
		b->p = realloc(b->p, b->cap);
	}
	memcpy(b->p + b->n, data, (size_t)size);
	b->n += (size_t)size;
}

/* A w x h grey PNG: 0 = bright-to-dark, 1 = checkerboard, 2 = blocks. */
static int64_t add_png(int w, int h, int kind)
{
	unsigned char *px = malloc((size_t)w * (size_t)h);
	for (int y = 0; y < h; y++)
		for (int x = 0; x < w; x++)
			px[(size_t)y * w + x] = (unsigned char)(kind == 0   ? 255 - x * 255 / (w - 1)
								: kind == 1 ? (((x / (w / 8)) + (y / (h / 8))) % 2 ? 230 : 20)
									    : (x < w / 2 ? 40 : 200));
	struct buf b = {0};
	assert_true(stbi_write_png_to_func(put, &b, w, h, 1, px, w));
	free(px);
	char sha[65];
	kf_sha256_hex(b.p, b.n, sha);
	assert_int_equal(kf_files_write_blob(ctx.files_dir, sha, b.p, b.n), KF_OK);
	struct kf_file_row f = {.size = (int64_t)b.n, .owner_user_id = 1};
	memcpy(f.sha256, sha, sizeof(sha));
	strcpy(f.content_type, "image/png");
	strcpy(f.name, "p.png");
	int64_t id;
	assert_int_equal(kf_store_file_insert(db, &f, NOW, &id), KF_OK);
	free(b.p);
	return id;
}

static int setup(void **state)
{
	(void)state;
	curl_global_init(CURL_GLOBAL_DEFAULT);
	snprintf(dir, sizeof(dir), "/tmp/kf-stage-test-XXXXXX");
	if (!mkdtemp(dir))
		return -1;
	snprintf(dbpath, sizeof(dbpath), "%s/t.db", dir);
	struct kf_error err = {0};
	if (kf_db_open(dbpath, &db, &err) != KF_OK || kf_migrate(db, NOW, NULL, &err) != KF_OK ||
	    kf_dbpool_new(dbpath, 2, &ctx.pool, &err) != KF_OK ||
	    kf_cidr_list_parse("127.0.0.1/32", &ctx.callback_allow, &err) != KF_OK)
		return -1;
	ctx.files_dir = malloc(128);
	snprintf(ctx.files_dir, 128, "%s/files", dir);
	mkdir(ctx.files_dir, 0750);
	ctx.cfg.url_check_timeout = 2;
	ctx.terms_cache = kf_terms_cache_new();
	exec("INSERT INTO users (id, email, mobile, name, password_hash, created_at, updated_at)"
	     " VALUES (1, 'a@example.com', '+8613800000000', 'A', 'x', 1, 1);"
	     "INSERT INTO entities (id, kind, legal_name, legal_name_norm, licence_no, verified_at, certified_at, created_at)"
	     " VALUES (1, 'company', '" ENTITY "', '" ENTITY "', 'LIC-1', 1, 1, 1);"
	     "INSERT INTO orgs (id, kind, name, state, entity_id, created_at, updated_at)"
	     " VALUES (20, 'provider', 'P', 'certified', 1, 1, 1);"
	     "INSERT INTO memberships (org_id, user_id, role, created_at) VALUES (20, 1, 'owner', 1);"
	     "INSERT INTO apps (id, app_id, provider_id, state, audience, created_at, updated_at)"
	     " VALUES (1, 'kf0123456789abcdef', 20, 'developing', 'public', 1, 1),"
	     " (2, 'kf0123456789abcdee', 20, 'developing', 'public', 1, 1);");
	f_logo = add_png(128, 128, 2);
	f_company = add_png(128, 128, 1);
	f_d1 = add_png(1920, 1080, 0);
	f_d2 = add_png(1920, 1080, 1);

	srv_fd = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a = {.sin_family = AF_INET};
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(srv_fd, (struct sockaddr *)&a, sizeof(a)) || listen(srv_fd, 32))
		return -1;
	socklen_t l = sizeof(a);
	getsockname(srv_fd, (struct sockaddr *)&a, &l);
	srv_port = ntohs(a.sin_port);
	return pthread_create(&srv_thread, NULL, accept_loop, NULL);
}

static int teardown(void **state)
{
	(void)state;
	atomic_store(&srv_stop, true);
	pthread_join(srv_thread, NULL);
	close(srv_fd);
	usleep(50 * 1000);
	kf_terms_cache_free(ctx.terms_cache);
	kf_dbpool_free(ctx.pool);
	kf_db_close(db);
	kf_cidr_list_clear(&ctx.callback_allow);
	free(ctx.files_dir);
	curl_global_cleanup();
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	return system(cmd) == 0 ? 0 : -1;
}

/* ---- helpers ---- */

static char *url(const char *path)
{
	static char b[4][128];
	static int i;
	char *s = b[i++ % 4];
	snprintf(s, 128, "http://listing.localhost:%d%s", srv_port, path);
	return s;
}

/* A listing that passes everything; over (may be NULL) is merged in. */
static int64_t save(int64_t app, json_t *over)
{
	json_t *b = json_pack("{s:s, s:I, s:s, s:s, s:s, s:[I,I], s:[], s:s, s:s, s:s, s:s, s:I, s:s, s:s, s:[s,s]}",
			      "name", "天气助手", "logo_file", (json_int_t)f_logo, "category", "tools", "intro",
			      "查看所在城市的天气预报", "description", "为团队成员提供天气预报与降雨提醒。",
			      "previews_desktop", (json_int_t)f_d1, (json_int_t)f_d2, "previews_mobile", "version",
			      "1.0.0", "privacy_url", url("/privacy"), "terms_url", url("/ok"), "company_name", ENTITY,
			      "company_logo_file", (json_int_t)f_company, "website", url("/ok"), "support_phone",
			      "010-12345678", "keywords", "天气", "预报");
	assert_non_null(b);
	if (over) {
		json_object_update(b, over);
		json_decref(over);
	}
	char *s = json_dumps(b, JSON_COMPACT);
	int64_t id;
	assert_int_equal(kf_store_listing_insert(db, app, s, "[]", 1, NOW, &id), KF_OK);
	free(s);
	json_decref(b);
	return id;
}

static size_t count(json_t *findings, const char *rule, const char *field)
{
	size_t n = 0, i;
	json_t *v;
	json_array_foreach(findings, i, v) {
		if (!strcmp(json_string_value(json_object_get(v, "rule")), rule) &&
		    (!field || !strcmp(json_string_value(json_object_get(v, "field")), field)))
			n++;
	}
	return n;
}

static void print(json_t *f)
{
	char *s = json_dumps(f, JSON_INDENT(1));
	print_message("%s\n", s);
	free(s);
}

/* ---- tests ---- */

static void test_stage_missing_listing_APP_12(void **state)
{
	(void)state;
	json_t *f = kf_listing_stage(&ctx, 1, 0, NOW);
	assert_non_null(f);
	assert_int_equal(json_array_size(f), 1);
	assert_int_equal(count(f, "APP-12", "listing"), 1);
	json_decref(f);
	/* a listing of another app is not this app's listing */
	int64_t other = save(2, NULL);
	f = kf_listing_stage(&ctx, 1, other, NOW);
	assert_int_equal(count(f, "APP-12", "listing"), 1);
	json_decref(f);
	f = kf_listing_stage(&ctx, 1, 999999, NOW);
	assert_int_equal(count(f, "APP-12", "listing"), 1);
	json_decref(f);
	/* no such app row: a storage-level problem */
	assert_null(kf_listing_stage(&ctx, 999, other, NOW));
}

static void test_stage_clean_listing_passes_LST_14_LST_16(void **state)
{
	(void)state;
	int before = atomic_load(&srv_requests);
	json_t *f = kf_listing_stage(&ctx, 1, save(1, NULL), NOW);
	assert_non_null(f);
	if (json_array_size(f))
		print(f);
	assert_int_equal(json_array_size(f), 0);
	json_decref(f);
	/* terms and website share one URL: each URL opened once and recorded */
	assert_int_equal(atomic_load(&srv_requests), before + 2);
	struct kf_url_check_row row;
	assert_int_equal(kf_store_url_check_get(db, url("/ok"), &row), KF_OK);
	assert_string_equal(row.state, "ok");
	assert_int_equal(row.status, 200);
	assert_int_equal(row.checked_at, NOW);
	/* LST-20: the privacy page's text is kept (it names the entity, so
	 * no finding); /ok has no Content-Type, so no text */
	char *text = NULL;
	assert_int_equal(kf_store_url_check_page_text(db, url("/privacy"), &text), KF_OK);
	assert_non_null(text);
	assert_non_null(strstr(text, ENTITY));
	free(text);
	assert_int_equal(kf_store_url_check_page_text(db, url("/ok"), &text), KF_OK);
	assert_null(text);
	assert_int_equal(kf_store_url_check_page_text(db, url("/never"), &text), KF_ENOTFOUND);
}

/* LST-20: a privacy policy page that names another company, or whose text
 * cannot be read, passes with a warning for the reviewer. */
static void test_stage_privacy_entity_LST_20(void **state)
{
	(void)state;
	json_t *f = kf_listing_stage(&ctx, 1, save(1, json_pack("{s:s}", "privacy_url", url("/privacy-other"))), NOW);
	assert_int_equal(json_array_size(f), 1);
	assert_int_equal(count(f, "LST-20", "privacy_url"), 1);
	assert_string_equal(json_string_value(json_object_get(json_array_get(f, 0), "severity")), "warn");
	assert_non_null(strstr(json_string_value(json_object_get(json_array_get(f, 0), "message")), ENTITY));
	json_decref(f);
	f = kf_listing_stage(&ctx, 1, save(1, json_pack("{s:s}", "privacy_url", url("/ok?privacy"))), NOW);
	assert_int_equal(json_array_size(f), 1);
	assert_string_equal(json_string_value(json_object_get(json_array_get(f, 0), "severity")), "warn");
	assert_non_null(strstr(json_string_value(json_object_get(json_array_get(f, 0), "message")), "could not be read"));
	json_decref(f);
}

static void test_stage_reuses_fresh_results_LST_14(void **state)
{
	(void)state;
	int64_t id = save(1, json_pack("{s:s}", "terms_url", url("/missing")));
	int before = atomic_load(&srv_requests);
	json_t *f = kf_listing_stage(&ctx, 1, id, NOW + 60);
	/* /ok is fresh from the previous test; only /missing is fetched */
	assert_int_equal(atomic_load(&srv_requests), before + 1);
	assert_int_equal(json_array_size(f), 1);
	assert_int_equal(count(f, "LST-14", "terms_url"), 1);
	json_decref(f);
	/* a fresh failure is reported without a fetch */
	f = kf_listing_stage(&ctx, 1, id, NOW + 120);
	assert_int_equal(atomic_load(&srv_requests), before + 1);
	assert_int_equal(count(f, "LST-14", "terms_url"), 1);
	json_decref(f);
	/* an hour later all three are opened again */
	f = kf_listing_stage(&ctx, 1, id, NOW + 60 + 3600);
	assert_int_equal(atomic_load(&srv_requests), before + 4);
	assert_int_equal(count(f, "LST-14", "terms_url"), 1);
	json_decref(f);
	/* a queued (pending) URL has no usable result: fetched */
	assert_int_equal(kf_store_url_check_queue(db, url("/ok"), NOW + 3700), KF_OK);
	f = kf_listing_stage(&ctx, 1, save(1, NULL), NOW + 3700);
	assert_int_equal(atomic_load(&srv_requests), before + 5);
	assert_int_equal(json_array_size(f), 0);
	json_decref(f);
}

static void test_stage_rechecks_with_current_terms_APP_11(void **state)
{
	(void)state;
	int64_t id = save(1, NULL);
	long rebuilds = kf_terms_cache_rebuilds(ctx.terms_cache);
	json_t *f = kf_listing_stage(&ctx, 1, id, NOW + 3700);
	assert_int_equal(json_array_size(f), 0);
	json_decref(f);
	/* another writer changes a list: the stored generation moves on */
	const char *marks[] = {"kaifang", "天气"};
	assert_int_equal(kf_store_term_list_replace(db, "protected_marks", marks, 2, NULL), KF_OK);
	f = kf_listing_stage(&ctx, 1, id, NOW + 3700);
	assert_int_equal(count(f, "APP-11", "name"), 1);
	assert_int_equal(count(f, "APP-11", "intro"), 1);
	assert_int_equal(count(f, "APP-11", "keywords"), 1);
	json_decref(f);
	assert_true(kf_terms_cache_rebuilds(ctx.terms_cache) > rebuilds);
	const char *orig[] = {"kaifang", "开放平台"};
	assert_int_equal(kf_store_term_list_replace(db, "protected_marks", orig, 2, NULL), KF_OK);
}

static void test_stage_version_and_entity_LST_12_LST_15(void **state)
{
	(void)state;
	exec("UPDATE apps SET released_version = '1.2.0' WHERE id = 1");
	json_t *f = kf_listing_stage(&ctx, 1, save(1, NULL), NOW + 3700);
	assert_int_equal(count(f, "LST-12", "version"), 1);
	json_decref(f);
	f = kf_listing_stage(&ctx, 1, save(1, json_pack("{s:s}", "version", "1.2.1")), NOW + 3700);
	assert_int_equal(json_array_size(f), 0);
	json_decref(f);
	exec("UPDATE apps SET released_version = NULL WHERE id = 1");
	/* an entity that is no longer verified cannot be matched */
	exec("UPDATE entities SET verified_at = NULL WHERE id = 1");
	f = kf_listing_stage(&ctx, 1, save(1, NULL), NOW + 3700);
	assert_int_equal(count(f, "LST-15", "company_name"), 1);
	json_decref(f);
	exec("UPDATE entities SET verified_at = 1 WHERE id = 1");
}

static void test_stage_images_LST_6_LST_10_LST_11(void **state)
{
	(void)state;
	json_t *f = kf_listing_stage(&ctx, 1,
				     save(1, json_pack("{s:I, s:[I,I], s:n}", "logo_file", (json_int_t)f_d1,
						       "previews_desktop", (json_int_t)f_d1, (json_int_t)f_d1,
						       "company_logo_file")),
				     NOW + 3700);
	assert_true(count(f, "LST-6", "logo_file") >= 1);
	assert_int_equal(count(f, "LST-11", "previews_desktop"), 1);
	assert_int_equal(count(f, "LST-15", "company_logo_file"), 1);
	json_decref(f);
	f = kf_listing_stage(&ctx, 1, save(1, json_pack("{s:[], s:[]}", "previews_desktop", "previews_mobile")),
			     NOW + 3700);
	assert_int_equal(count(f, "LST-10", "previews"), 1);
	json_decref(f);
	/* a blob gone from disk reads as an empty file, not a crash */
	exec("INSERT INTO files (id, sha256, size, content_type, name, owner_user_id, created_at)"
	     " VALUES (9000, '00000000000000000000000000000000000000000000000000000000000000aa', 5000000,"
	     " 'image/png', 'gone.png', 1, 1)");
	f = kf_listing_stage(&ctx, 1, save(1, json_pack("{s:I}", "logo_file", (json_int_t)9000)), NOW + 3700);
	assert_int_equal(count(f, "LST-6", "logo_file"), 1);
	json_decref(f);
}

static void test_stage_qualifications_REV_6(void **state)
{
	(void)state;
	int64_t id = save(1, json_pack("{s:s}", "category", "finance"));
	json_t *f = kf_listing_stage(&ctx, 1, id, NOW + 3700);
	assert_int_equal(json_array_size(f), 1);
	assert_int_equal(count(f, "REV-6", "qualifications"), 1);
	json_decref(f);
	assert_int_equal(kf_store_qualification_submit(db, 1, "financial_licence", f_logo, 1, NOW), KF_OK);
	f = kf_listing_stage(&ctx, 1, id, NOW + 3700); /* uploaded, not accepted yet: still blocks */
	assert_int_equal(json_array_size(f), 1);
	assert_int_equal(count(f, "REV-6", "qualifications"), 1);
	json_decref(f);
	assert_int_equal(kf_store_qualification_decide(db, 1, "financial_licence", "rejected", "blurred", 1, NOW), KF_OK);
	assert_int_equal(kf_store_qualification_decide(db, 1, "financial_licence", "accepted", NULL, 1, NOW), KF_ECONFLICT);
	f = kf_listing_stage(&ctx, 1, id, NOW + 3700);
	assert_int_equal(count(f, "REV-6", "qualifications"), 1);
	json_decref(f);
	assert_int_equal(kf_store_qualification_submit(db, 1, "financial_licence", f_logo, 1, NOW), KF_OK);
	assert_int_equal(kf_store_qualification_decide(db, 1, "financial_licence", "accepted", NULL, 1, NOW), KF_OK);
	f = kf_listing_stage(&ctx, 1, id, NOW + 3700);
	assert_int_equal(json_array_size(f), 0);
	json_decref(f);
	/* an unknown category: LST-7, no REV-6 */
	f = kf_listing_stage(&ctx, 1, save(1, json_pack("{s:s}", "category", "casino")), NOW + 3700);
	assert_int_equal(count(f, "LST-7", "category"), 1);
	assert_int_equal(count(f, "REV-6", NULL), 0);
	json_decref(f);
}

static void test_url_pass_LST_14(void **state)
{
	(void)state;
	assert_int_equal(kf_store_url_check_queue(db, url("/ok?pass"), NOW), KF_OK);
	assert_int_equal(kf_store_url_check_queue(db, url("/missing?pass"), NOW), KF_OK);
	/* pending rows stay pending when queued again */
	assert_int_equal(kf_store_url_check_queue(db, url("/ok?pass"), NOW + 5), KF_OK);
	/* the clock of the test is far behind the wall clock: the pass claims
	 * with the time given, records with kf_ctx_now */
	assert_int_equal(kf_listing_url_pass(&ctx, NOW + 10, NULL), 2);
	struct kf_url_check_row row;
	assert_int_equal(kf_store_url_check_get(db, url("/ok?pass"), &row), KF_OK);
	assert_string_equal(row.state, "ok");
	assert_int_equal(kf_store_url_check_get(db, url("/missing?pass"), &row), KF_OK);
	assert_string_equal(row.state, "failed");
	assert_int_equal(row.status, 404);
	assert_int_equal(kf_listing_url_pass(&ctx, NOW + 10, NULL), 0); /* nothing left */
	/* a claim lapses: a row claimed by a worker that died is taken again */
	assert_int_equal(kf_store_url_check_queue(db, url("/ok?lapse"), NOW), KF_OK);
	json_t *c = kf_store_url_checks_claim(db, NOW, 16);
	assert_int_equal(json_array_size(c), 1);
	json_decref(c);
	assert_int_equal(kf_listing_url_pass(&ctx, NOW + 1, NULL), 0);
	assert_int_equal(kf_listing_url_pass(&ctx, NOW + KF_URL_CHECK_LEASE_SECONDS, NULL), 1);
}

/* issue 11: a claim no longer moves requested_at, so a finished check was
 * requested before it was checked. */
static void test_url_check_requested_before_checked_issue11(void **state)
{
	(void)state;
	const char *u = url("/ok?order");
	assert_int_equal(kf_store_url_check_queue(db, u, NOW), KF_OK);
	json_t *c = kf_store_url_checks_claim(db, NOW + 5, 16);
	assert_int_equal(json_array_size(c), 1);
	json_decref(c);
	/* claimed: another worker does not take it within the lease */
	c = kf_store_url_checks_claim(db, NOW + 6, 16);
	assert_int_equal(json_array_size(c), 0);
	json_decref(c);
	struct kf_url_check_result res = {.ok = true, .status = 200, .ms = 3};
	assert_int_equal(kf_store_url_check_record(db, u, &res, NOW + 7), KF_OK);
	struct kf_url_check_row row;
	assert_int_equal(kf_store_url_check_get(db, u, &row), KF_OK);
	assert_int_equal(row.requested_at, NOW);
	assert_int_equal(row.checked_at, NOW + 7);
	assert_true(row.requested_at <= row.checked_at);
	/* queued again after the check: pending and claimable at once */
	assert_int_equal(kf_store_url_check_queue(db, u, NOW + 8), KF_OK);
	c = kf_store_url_checks_claim(db, NOW + 8, 16);
	assert_int_equal(json_array_size(c), 1);
	json_decref(c);
}

/* ---- the term cache ---- */

static void test_cache_set_survives_rebuild_APP_11(void **state)
{
	(void)state;
	struct kf_terms_cache *c = kf_terms_cache_new();
	struct kf_termset *a = kf_terms_cache_get(c, db);
	assert_non_null(a);
	struct kf_termset *a2 = kf_terms_cache_get(c, db);
	assert_ptr_equal(a, a2); /* same generation: no rebuild */
	kf_termset_put(a2);
	assert_int_equal(kf_terms_cache_rebuilds(c), 1);
	const char *terms[] = {"彩票", "博彩", "赌博", "梭哈", "ＨＯＴ"};
	assert_int_equal(kf_store_term_list_replace(db, "banned_terms", terms, 5, NULL), KF_OK);
	struct kf_termset *b = kf_terms_cache_get(c, db);
	assert_ptr_not_equal(a, b);
	assert_int_equal(kf_terms_cache_rebuilds(c), 2);
	/* the old set still works for its holder */
	const char *m = NULL;
	assert_true(kf_terms_find(a->lists[KF_TERMLIST_BANNED_TERMS], "赌 博", &m));
	assert_false(kf_terms_find(a->lists[KF_TERMLIST_BANNED_TERMS], "hot", &m));
	assert_true(kf_terms_find(b->lists[KF_TERMLIST_BANNED_TERMS], "h-o-t", &m));
	kf_termset_put(a);
	kf_termset_put(b);
	kf_terms_cache_free(c);
	/* without a cache: built for one caller */
	struct kf_termset *u = kf_terms_cache_get(NULL, db);
	assert_true(kf_terms_find(u->lists[KF_TERMLIST_BANNED_TERMS], "ＨＯＴ", &m));
	kf_termset_put(u);
	const char *orig[] = {"彩票", "博彩", "赌博", "赌场", "六合彩", "梭哈"};
	assert_int_equal(kf_store_term_list_replace(db, "banned_terms", orig, 6, NULL), KF_OK);
}

struct hammer {
	struct kf_terms_cache *c;
	atomic_bool stop;
	atomic_long uses, failures; /* cmocka's asserts belong to the main thread */
};

static void *reader(void *arg)
{
	struct hammer *h = arg;
	struct kf_db *mine = kf_dbpool_get(ctx.pool);
	while (!atomic_load(&h->stop)) {
		struct kf_termset *s = kf_terms_cache_get(h->c, mine);
		if (!s) {
			atomic_fetch_add(&h->failures, 1);
			continue;
		}
		const char *m;
		(void)kf_terms_find(s->lists[KF_TERMLIST_HOT_WORDS], "免费领取红包", &m);
		kf_termset_put(s);
		atomic_fetch_add(&h->uses, 1);
	}
	kf_dbpool_put(ctx.pool, mine);
	return NULL;
}

/* Readers on two connections while the lists change under them: every set
 * is freed by its last user (ASan in unit-san proves no use after free). */
static void test_cache_concurrent_rebuilds(void **state)
{
	(void)state;
	struct hammer h = {.c = kf_terms_cache_new()};
	pthread_t t[2];
	for (int i = 0; i < 2; i++)
		assert_int_equal(pthread_create(&t[i], NULL, reader, &h), 0);
	for (int k = 0; k < 30; k++) {
		char term[32];
		snprintf(term, sizeof(term), "hot%d", k);
		const char *terms[] = {"红包", "免费领取", term};
		assert_int_equal(kf_store_term_list_replace(db, "hot_words", terms, 3, NULL), KF_OK);
		usleep(2000);
	}
	atomic_store(&h.stop, true);
	for (int i = 0; i < 2; i++)
		pthread_join(t[i], NULL);
	assert_true(atomic_load(&h.uses) > 0);
	assert_int_equal(atomic_load(&h.failures), 0);
	assert_true(kf_terms_cache_rebuilds(h.c) >= 2);
	kf_terms_cache_free(h.c);
	const char *orig[] = {"红包", "免费领取"};
	assert_int_equal(kf_store_term_list_replace(db, "hot_words", orig, 2, NULL), KF_OK);
}

static int64_t scalar(const char *sql)
{
	struct kf_stmt *st = kf_db_prepare(db, sql);
	assert_non_null(st);
	assert_int_equal(kf_stmt_step(st), KF_STEP_ROW);
	int64_t v = kf_stmt_int(st, 0);
	kf_stmt_done(st);
	return v;
}

/* Retention: a listing version or URL result older than 90 days goes only
 * when nothing points at it any more. */
static void test_retention_keeps_what_is_pointed_at(void **state)
{
	(void)state;
	const int64_t OLD = NOW - KF_LISTING_RETENTION_SECONDS - 86400;
	exec("DELETE FROM url_checks;");
	exec("UPDATE apps SET draft_listing_id = NULL, live_listing_id = NULL;");
	int64_t unref = save(1, NULL), draft = save(2, NULL), live = save(1, NULL), reviewed = save(1, NULL),
		recent = save(1, NULL);
	char sql[512];
	snprintf(sql, sizeof(sql),
		 "UPDATE listings SET created_at = %lld WHERE id IN (%lld, %lld, %lld, %lld);"
		 "UPDATE apps SET draft_listing_id = %lld WHERE id = 2;"
		 "UPDATE apps SET live_listing_id = %lld WHERE id = 1;"
		 "INSERT INTO reviews (kind, subject_type, subject_id, org_id, state, submitted_at, due_at, detail)"
		 " VALUES ('release', 'app', 1, 20, 'approved', 1, 2, '{\"listing_id\":%lld}');",
		 (long long)OLD, (long long)unref, (long long)draft, (long long)live, (long long)reviewed,
		 (long long)draft, (long long)live, (long long)reviewed);
	exec(sql);
	int64_t before = scalar("SELECT COUNT(*) FROM listings");
	assert_int_equal(kf_store_listings_expire(db, NOW - KF_LISTING_RETENTION_SECONDS), 1);
	assert_int_equal(scalar("SELECT COUNT(*) FROM listings"), before - 1);
	snprintf(sql, sizeof(sql), "SELECT COUNT(*) FROM listings WHERE id IN (%lld, %lld, %lld, %lld)",
		 (long long)draft, (long long)live, (long long)reviewed, (long long)recent);
	assert_int_equal(scalar(sql), 4);
	assert_int_equal(kf_store_listings_expire(db, NOW - KF_LISTING_RETENTION_SECONDS), 0);

	/* URL results: old ones of URLs no draft or live listing names go */
	struct kf_url_check_result ok = {.ok = true, .status = 200};
	assert_int_equal(kf_store_url_check_record(db, "https://gone.example/privacy", &ok, OLD), KF_OK);
	assert_int_equal(kf_store_url_check_record(db, url("/privacy"), &ok, OLD), KF_OK); /* named by the live listing */
	assert_int_equal(kf_store_url_check_record(db, "https://new.example/", &ok, NOW), KF_OK);
	assert_int_equal(kf_store_url_check_queue(db, "https://queued.example/", OLD), KF_OK);
	assert_int_equal(kf_store_url_checks_expire(db, NOW - KF_LISTING_RETENTION_SECONDS), 1);
	assert_int_equal(scalar("SELECT COUNT(*) FROM url_checks WHERE url = 'https://gone.example/privacy'"), 0);
	assert_int_equal(scalar("SELECT COUNT(*) FROM url_checks"), 3);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_stage_missing_listing_APP_12),
		cmocka_unit_test(test_stage_clean_listing_passes_LST_14_LST_16),
		cmocka_unit_test(test_stage_privacy_entity_LST_20),
		cmocka_unit_test(test_stage_reuses_fresh_results_LST_14),
		cmocka_unit_test(test_stage_rechecks_with_current_terms_APP_11),
		cmocka_unit_test(test_stage_version_and_entity_LST_12_LST_15),
		cmocka_unit_test(test_stage_images_LST_6_LST_10_LST_11),
		cmocka_unit_test(test_stage_qualifications_REV_6),
		cmocka_unit_test(test_url_pass_LST_14),
		cmocka_unit_test(test_url_check_requested_before_checked_issue11),
		cmocka_unit_test(test_cache_set_survives_rebuild_APP_11),
		cmocka_unit_test(test_cache_concurrent_rebuilds),
		cmocka_unit_test(test_retention_keeps_what_is_pointed_at),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
