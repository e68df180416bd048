/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Unit tests for src/push/urlcheck.c (LST-14, LST-16): opening listing URLs
 * against a tiny HTTP server started here on 127.0.0.1 (a thread per
 * connection). HTTP 200 after at most 5 redirects opens; 6 redirects, a
 * 404 and a timeout do not; and the SSRF guard applies to every hop: with
 * only 127.0.0.1/32 allowed, a redirect to 127.0.0.2 is refused before any
 * connection to it. Only loopback addresses are contacted.
 */
#include <arpa/inet.h>
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
#include <unistd.h>

#include <cmocka.h>
#include <curl/curl.h>

#include "core/listing.h"
#include "core/netpolicy.h"
#include "push/urlcheck.h"

struct server {
	int fd, port;
	pthread_t thread;
	atomic_bool stop;
	atomic_int requests;
	atomic_int other_host; /* requests that arrived with Host 127.0.0.2 */
};

static struct server srv;

static void respond_with(int fd, const char *status, const char *location, const char *type, const char *body)
{
	char buf[1024];
	int n = snprintf(buf, sizeof(buf), "HTTP/1.1 %s\r\nContent-Length: %zu\r\nConnection: close\r\n%s%s%s%s%s%s\r\n%s",
			 status, strlen(body), location ? "Location: " : "", location ? location : "",
			 location ? "\r\n" : "", type ? "Content-Type: " : "", type ? type : "", type ? "\r\n" : "", body);
	(void)!write(fd, buf, (size_t)n);
}

static void respond(int fd, const char *status, const char *location)
{
	respond_with(fd, status, location, NULL, "ok");
}

/*
 * Paths: /ok → 200; /r/N → 302 to /r/N-1, /r/0 → 200; /missing → 404;
 * /away → 302 to http://127.0.0.2:PORT/ok; /hang → no answer;
 * /page → 200 HTML naming an entity; /to-page → 302 to /page whose own
 * HTML body says "redirectbody".
 */
static void *serve(void *arg)
{
	int fd = (int)(intptr_t)arg;
	char req[4096];
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
	atomic_fetch_add(&srv.requests, 1);
	if (strstr(req, "Host: 127.0.0.2"))
		atomic_fetch_add(&srv.other_host, 1);
	char path[256] = "";
	sscanf(req, "GET %255s", path);
	char loc[256];
	int k;
	if (!strcmp(path, "/ok")) {
		respond(fd, "200 OK", NULL);
	} else if (sscanf(path, "/r/%d", &k) == 1) {
		if (k <= 0) {
			respond(fd, "200 OK", NULL);
		} else {
			snprintf(loc, sizeof(loc), "/r/%d", k - 1);
			respond(fd, "302 Found", loc);
		}
	} else if (!strcmp(path, "/page")) {
		respond_with(fd, "200 OK", NULL, "text/html; charset=utf-8",
			     "<html><body><script>var hidden = 1;</script><p>Privacy policy</p>"
			     "<footer>\xC2\xA9 2026 \xE6\x9D\xAD\xE5\xB7\x9E\xE5\xBC\x80\xE6\x94\xBE"
			     "\xE7\xA7\x91\xE6\x8A\x80\xE6\x9C\x89\xE9\x99\x90\xE5\x85\xAC\xE5\x8F\xB8</footer>"
			     "</body></html>");
	} else if (!strcmp(path, "/to-page")) {
		respond_with(fd, "302 Found", "/page", "text/html", "<p>moved: redirectbody</p>");
	} else if (!strcmp(path, "/away")) {
		snprintf(loc, sizeof(loc), "http://127.0.0.2:%d/ok", srv.port);
		respond(fd, "302 Found", loc);
	} else if (!strcmp(path, "/hang")) {
		struct pollfd p = {fd, POLLIN, 0};
		while (!atomic_load(&srv.stop) && poll(&p, 1, 50) == 0)
			;
	} else {
		respond(fd, "404 Not Found", NULL);
	}
	close(fd);
	return NULL;
}

static void *accept_loop(void *arg)
{
	(void)arg;
	while (!atomic_load(&srv.stop)) {
		struct pollfd p = {srv.fd, POLLIN, 0};
		if (poll(&p, 1, 50) <= 0)
			continue;
		int c = accept(srv.fd, NULL, NULL);
		if (c < 0)
			continue;
		pthread_t t;
		if (pthread_create(&t, NULL, serve, (void *)(intptr_t)c) == 0)
			pthread_detach(t);
		else
			close(c);
	}
	return NULL;
}

static int setup(void **state)
{
	(void)state;
	curl_global_init(CURL_GLOBAL_DEFAULT);
	srv.fd = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = 0};
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	int one = 1;
	setsockopt(srv.fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(srv.fd, (struct sockaddr *)&a, sizeof(a)) || listen(srv.fd, 64))
		return -1;
	socklen_t l = sizeof(a);
	getsockname(srv.fd, (struct sockaddr *)&a, &l);
	srv.port = ntohs(a.sin_port);
	return pthread_create(&srv.thread, NULL, accept_loop, NULL);
}

static int teardown(void **state)
{
	(void)state;
	atomic_store(&srv.stop, true);
	pthread_join(srv.thread, NULL);
	close(srv.fd);
	usleep(100 * 1000); /* let the connection threads see stop */
	curl_global_cleanup();
	return 0;
}

static struct kf_cidr_list allow_list(const char *spec)
{
	struct kf_cidr_list l;
	struct kf_error err;
	assert_int_equal(kf_cidr_list_parse(spec, &l, &err), KF_OK);
	return l;
}

static char *url(const char *host, const char *path)
{
	static char buf[8][256];
	static int next;
	char *b = buf[next++ % 8];
	snprintf(b, 256, "http://%s:%d%s", host, srv.port, path);
	return b;
}

static void check_one(const struct kf_cidr_list *allow, const char *u, long timeout_ms, struct kf_urlcheck *out)
{
	const char *urls[1] = {u};
	kf_urlcheck_run(allow, urls, 1, timeout_ms, 15000, NULL, out);
}

static void test_200_opens_LST_14(void **state)
{
	(void)state;
	struct kf_cidr_list allow = allow_list("127.0.0.1/32");
	struct kf_urlcheck r;
	check_one(&allow, url("127.0.0.1", "/ok"), 5000, &r);
	assert_true(r.ok);
	assert_int_equal(r.status, 200);
	assert_int_equal(r.redirects, 0);
	assert_string_equal(r.error, "");
	/* *.localhost names resolve to loopback inside libcurl */
	check_one(&allow, url("listing.localhost", "/ok"), 5000, &r);
	assert_true(r.ok);
	kf_cidr_list_clear(&allow);
}

static void test_redirects_up_to_5_LST_14(void **state)
{
	(void)state;
	struct kf_cidr_list allow = allow_list("127.0.0.1/32");
	struct kf_urlcheck r;
	check_one(&allow, url("127.0.0.1", "/r/2"), 5000, &r);
	assert_true(r.ok);
	assert_int_equal(r.redirects, 2);
	assert_non_null(strstr(r.final_url, "/r/0"));
	check_one(&allow, url("127.0.0.1", "/r/5"), 5000, &r); /* exactly the limit */
	assert_true(r.ok);
	assert_int_equal(r.redirects, 5);
	check_one(&allow, url("127.0.0.1", "/r/6"), 5000, &r); /* just over */
	assert_false(r.ok);
	assert_string_equal(r.error, "more than 5 redirects");
	assert_int_equal(r.redirects, 6);
	struct kf_listing_url_result lr = {true, r.status, r.redirects, r.error};
	assert_false(kf_listing_url_opened(&lr));
	kf_cidr_list_clear(&allow);
}

static void test_404_does_not_open_LST_16(void **state)
{
	(void)state;
	struct kf_cidr_list allow = allow_list("127.0.0.1/32");
	struct kf_urlcheck r;
	check_one(&allow, url("127.0.0.1", "/missing"), 5000, &r);
	assert_false(r.ok);
	assert_int_equal(r.status, 404);
	assert_string_equal(r.error, "");
	kf_cidr_list_clear(&allow);
}

static void test_timeout_LST_16(void **state)
{
	(void)state;
	struct kf_cidr_list allow = allow_list("127.0.0.1/32");
	struct kf_urlcheck r;
	check_one(&allow, url("127.0.0.1", "/hang"), 300, &r);
	assert_false(r.ok);
	assert_non_null(strstr(r.error, "300 ms"));
	/* the total limit ends a batch whose own timeouts are longer */
	const char *urls[2] = {url("127.0.0.1", "/hang"), url("127.0.0.1", "/ok")};
	struct kf_urlcheck rr[2];
	kf_urlcheck_run(&allow, urls, 2, 10000, 400, NULL, rr);
	assert_false(rr[0].ok);
	assert_true(rr[1].ok);
	kf_cidr_list_clear(&allow);
}

/* The guard refuses loopback unless allowed, and it is applied on every
 * hop: the redirect to 127.0.0.2 never reaches the server. */
static void test_ssrf_guard_on_every_hop_LST_14(void **state)
{
	(void)state;
	struct kf_cidr_list none = allow_list("");
	struct kf_cidr_list one = allow_list("127.0.0.1/32");
	struct kf_cidr_list wide = allow_list("127.0.0.0/8");
	struct kf_urlcheck r;
	int before = atomic_load(&srv.requests);
	check_one(&none, url("127.0.0.1", "/ok"), 5000, &r);
	assert_false(r.ok);
	assert_non_null(strstr(r.error, "refused address 127.0.0.1"));
	assert_int_equal(atomic_load(&srv.requests), before);

	check_one(&one, url("127.0.0.1", "/away"), 5000, &r);
	assert_false(r.ok);
	assert_non_null(strstr(r.error, "refused address 127.0.0.2"));
	assert_int_equal(r.redirects, 1);
	assert_int_equal(atomic_load(&srv.other_host), 0);
	assert_int_equal(atomic_load(&srv.requests), before + 1); /* only the first hop */

	/* with 127.0.0.0/8 allowed the same hop is taken (the server listens
	 * on 127.0.0.1 only, so it is a plain connection failure) */
	check_one(&wide, url("127.0.0.1", "/away"), 5000, &r);
	assert_false(r.ok);
	assert_null(strstr(r.error, "refused address"));
	kf_cidr_list_clear(&none);
	kf_cidr_list_clear(&one);
	kf_cidr_list_clear(&wide);
}

/* LST-20: the text of the page that opened is kept as its skeleton (the
 * footer's entity survives, script text does not), only the final answer's
 * body counts, and nothing is kept for a page that did not open. */
static void test_page_text_kept_LST_20(void **state)
{
	(void)state;
	struct kf_cidr_list allow = allow_list("127.0.0.1/32");
	struct kf_urlcheck r;
	check_one(&allow, url("127.0.0.1", "/page"), 5000, &r);
	assert_true(r.ok);
	assert_non_null(r.page_text);
	assert_non_null(strstr(r.page_text, "privacypolicy"));
	assert_non_null(strstr(r.page_text, "2026杭州开放科技有限公司"));
	assert_null(strstr(r.page_text, "hidden"));
	kf_urlcheck_clear(&r);
	assert_null(r.page_text);

	check_one(&allow, url("127.0.0.1", "/to-page"), 5000, &r);
	assert_true(r.ok);
	assert_int_equal(r.redirects, 1);
	assert_non_null(r.page_text);
	assert_null(strstr(r.page_text, "redirectbody"));
	assert_non_null(strstr(r.page_text, "杭州开放科技有限公司"));
	kf_urlcheck_clear(&r);

	check_one(&allow, url("127.0.0.1", "/ok"), 5000, &r); /* no Content-Type: no text */
	assert_true(r.ok);
	assert_null(r.page_text);
	check_one(&allow, url("127.0.0.1", "/missing"), 5000, &r);
	assert_false(r.ok);
	assert_null(r.page_text);
	kf_cidr_list_clear(&allow);
}

static void test_many_at_once_and_cancel(void **state)
{
	(void)state;
	struct kf_cidr_list allow = allow_list("127.0.0.1/32");
	const char *urls[4] = {url("127.0.0.1", "/ok"), url("127.0.0.1", "/r/1"), url("127.0.0.1", "/missing"),
			       url("127.0.0.1", "/r/7")};
	struct kf_urlcheck r[4];
	kf_urlcheck_run(&allow, urls, 4, 5000, 15000, NULL, r);
	assert_true(r[0].ok);
	assert_true(r[1].ok);
	assert_false(r[2].ok);
	assert_false(r[3].ok);
	atomic_bool cancel = true;
	const char *hang[1] = {url("127.0.0.1", "/hang")};
	kf_urlcheck_run(&allow, hang, 1, 10000, 10000, &cancel, r);
	assert_false(r[0].ok);
	kf_urlcheck_run(&allow, NULL, 0, 1000, 1000, NULL, r); /* nothing to do */
	kf_cidr_list_clear(&allow);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_200_opens_LST_14),
		cmocka_unit_test(test_redirects_up_to_5_LST_14),
		cmocka_unit_test(test_404_does_not_open_LST_16),
		cmocka_unit_test(test_timeout_LST_16),
		cmocka_unit_test(test_ssrf_guard_on_every_hop_LST_14),
		cmocka_unit_test(test_page_text_kept_LST_20),
		cmocka_unit_test(test_many_at_once_and_cancel),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
