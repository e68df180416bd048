/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The route table of docs/api.md is the one generated from the route tables
 * (src/api/routedoc.c): a route added, removed or renamed without
 * `make routes-doc` fails here. Also: the generated table has one
 * well-formed row per served route, and the splice between the markers
 * keeps the rest of the document and refuses a document without them.
 * Runs from the top of the tree (as `make unit` does).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "api/api.h"
#include "api/routedoc.h"

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	long n = ftell(f);
	fseek(f, 0, SEEK_SET);
	char *s = malloc((size_t)n + 1);
	if (s && fread(s, 1, (size_t)n, f) != (size_t)n) {
		free(s);
		s = NULL;
	}
	fclose(f);
	if (s)
		s[n] = '\0';
	return s;
}

/* The first line where a and b differ, for the failure message. */
static void print_first_difference(const char *a, const char *b)
{
	int line = 1;
	while (*a && *a == *b) {
		if (*a == '\n')
			line++;
		a++;
		b++;
	}
	while (*a && a[-1] != '\n')
		a--, b--;
	fprintf(stderr, "docs/api.md line %d differs from the route tables:\n  document:  %.*s\n  generated: %.*s\n", line,
		(int)strcspn(a, "\n"), a, (int)strcspn(b, "\n"), b);
}

static void test_api_md_route_table_is_generated(void **state)
{
	(void)state;
	char *doc = slurp("docs/api.md");
	if (!doc)
		fail_msg("cannot read docs/api.md (run from the top of the tree)");
	char *table = kf_routedoc_markdown();
	char *want = kf_routedoc_splice(doc, table);
	if (!want)
		fail_msg("docs/api.md lacks the lines <!-- routes:begin --> and <!-- routes:end -->");
	if (strcmp(doc, want)) {
		print_first_difference(doc, want);
		fail_msg("the route table of docs/api.md is stale: run `make routes-doc` and commit docs/api.md");
	}
	free(want);
	free(table);
	free(doc);
}

/* Cells split at '|' not preceded by a backslash. */
static int unescaped_pipes(const char *line, size_t len)
{
	int n = 0;
	for (size_t i = 0; i < len; i++)
		if (line[i] == '|' && (i == 0 || line[i - 1] != '\\'))
			n++;
	return n;
}

static void test_one_row_per_served_route(void **state)
{
	(void)state;
	char *table = kf_routedoc_markdown();
	size_t n, served = 0;
	const struct kf_route *routes = kf_api_routes(&n);
	for (size_t i = 0; i < n; i++) {
		char row[512];
		snprintf(row, sizeof(row), "| `%s` | `%s` | ", routes[i].method, routes[i].pattern);
		const char *at = strstr(table, row);
		if (routes[i].flags & (KF_RF_TEST_ONLY | KF_RF_PAGE)) {
			if (at)
				fail_msg("test-only route or page %s %s is in the table", routes[i].method, routes[i].pattern);
			continue;
		}
		served++;
		if (!at || strstr(at + 1, row))
			fail_msg("%s %s is not in the table exactly once", routes[i].method, routes[i].pattern);
	}
	/* header, separator, one row per served route; four cells each */
	size_t lines = 0;
	for (const char *p = table; *p;) {
		size_t len = strcspn(p, "\n");
		assert_int_equal(p[len], '\n');
		if (unescaped_pipes(p, len) != 5)
			fail_msg("not a row of four cells: %.*s", (int)len, p);
		lines++;
		p += len + 1;
	}
	assert_int_equal(lines, served + 2);
	free(table);
}

static void test_who_names_the_credential(void **state)
{
	(void)state;
	char *table = kf_routedoc_markdown();
	assert_non_null(strstr(table, "| `GET` | `/v1/reviews` | operator staff |"));
	assert_non_null(strstr(table, "| `POST` | `/v1/permission-sets` | operator admin |"));
	assert_non_null(strstr(table, "| `GET` | `/v1/me` | signed in |"));
	assert_non_null(strstr(table, "| `POST` | `/v1/host-accounts` | the host product (API key) |"));
	assert_non_null(strstr(table, "| `POST` | `/v1/users` | anyone |"));
	assert_non_null(strstr(table, "| `POST` | `/oauth/token` | an app (OAuth client authentication) |"));
	assert_non_null(
		strstr(table, "| `POST` | `/cgi-bin/component/api_query_auth` | an app, with its app access token |"));
	assert_non_null(strstr(table, "| `GET` | `/v1/authorizer` | an app, with an authorizer access token |"));
	free(table);
}

static void test_splice_replaces_between_markers_only(void **state)
{
	(void)state;
	const char *doc = "# T\n\nbefore\n" KF_ROUTEDOC_BEGIN "old row\nold row 2\n" KF_ROUTEDOC_END "after\n";
	char *out = kf_routedoc_splice(doc, "| new |\n");
	assert_non_null(out);
	assert_string_equal(out, "# T\n\nbefore\n" KF_ROUTEDOC_BEGIN "| new |\n" KF_ROUTEDOC_END "after\n");
	/* splicing again changes nothing */
	char *again = kf_routedoc_splice(out, "| new |\n");
	assert_string_equal(again, out);
	free(again);
	free(out);

	out = kf_routedoc_splice(KF_ROUTEDOC_BEGIN KF_ROUTEDOC_END, "x\n");
	assert_string_equal(out, KF_ROUTEDOC_BEGIN "x\n" KF_ROUTEDOC_END);
	free(out);
}

static void test_splice_refuses_documents_without_markers(void **state)
{
	(void)state;
	assert_null(kf_routedoc_splice("no markers\n", "x\n"));
	assert_null(kf_routedoc_splice(KF_ROUTEDOC_BEGIN "only the first\n", "x\n"));
	assert_null(kf_routedoc_splice("only the last\n" KF_ROUTEDOC_END, "x\n"));
	assert_null(kf_routedoc_splice(KF_ROUTEDOC_END KF_ROUTEDOC_BEGIN, "x\n"));
	assert_null(kf_routedoc_splice(KF_ROUTEDOC_BEGIN KF_ROUTEDOC_END KF_ROUTEDOC_BEGIN KF_ROUTEDOC_END, "x\n"));
	/* a marker inside a line is text, not a marker */
	assert_null(kf_routedoc_splice("see <!-- routes:begin -->\n" KF_ROUTEDOC_END, "x\n"));
}

/* kaifangd --print-routes: every route of the tables, in order, with its
 * level and flags by name (the authorization matrix test reads it). */
static void test_json_lists_every_route_with_auth_and_flags(void **state)
{
	(void)state;
	size_t n;
	const struct kf_route *routes = kf_api_routes(&n);
	char *s = kf_routedoc_json();
	json_error_t jerr;
	json_t *list = json_loads(s, 0, &jerr);
	assert_non_null(list);
	assert_int_equal(json_array_size(list), n);
	static const char *const auth[] = {"none", "user", "operator", "admin", "hostkey"};
	int pages = 0, test_only = 0;
	for (size_t i = 0; i < n; i++) {
		json_t *o = json_array_get(list, i);
		assert_string_equal(json_string_value(json_object_get(o, "method")), routes[i].method);
		assert_string_equal(json_string_value(json_object_get(o, "path")), routes[i].pattern);
		assert_string_equal(json_string_value(json_object_get(o, "auth")), auth[routes[i].auth]);
		json_t *flags = json_object_get(o, "flags");
		bool page = false, tonly = false;
		size_t k;
		json_t *f;
		json_array_foreach(flags, k, f) {
			assert_string_not_equal(json_string_value(f), "unnamed");
			page |= !strcmp(json_string_value(f), "page");
			tonly |= !strcmp(json_string_value(f), "test_only");
		}
		assert_int_equal(page, (routes[i].flags & KF_RF_PAGE) != 0);
		assert_int_equal(tonly, (routes[i].flags & KF_RF_TEST_ONLY) != 0);
		pages += page;
		test_only += tonly;
	}
	assert_true(pages > 0);
	assert_true(test_only > 0);
	json_decref(list);
	free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_api_md_route_table_is_generated),
		cmocka_unit_test(test_one_row_per_served_route),
		cmocka_unit_test(test_who_names_the_credential),
		cmocka_unit_test(test_splice_replaces_between_markers_only),
		cmocka_unit_test(test_splice_refuses_documents_without_markers),
		cmocka_unit_test(test_json_lists_every_route_with_auth_and_flags),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
