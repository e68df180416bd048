/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Generates the route table of docs/api.md from kf_api_routes() and splices
 * it between the document's markers. Pure apart from reading the embedded
 * OpenAPI document; the caller does the file I/O.
 */
#include "api/routedoc.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "util/mem.h"

extern const char kf_openapi_json[];

struct buf {
	char *s;
	size_t len, cap;
};

static void put(struct buf *b, const char *s, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		b->cap = (b->len + n + 1) * 2;
		b->s = kf_xrealloc(b->s, b->cap);
	}
	memcpy(b->s + b->len, s, n);
	b->len += n;
	b->s[b->len] = '\0';
}

static void puts_(struct buf *b, const char *s)
{
	put(b, s, strlen(s));
}

/* Text in a table cell: a '|' would end the cell, '*', '_' and '<' would
 * be read as emphasis or HTML. */
static void put_cell(struct buf *b, const char *s)
{
	for (; *s; s++) {
		if (strchr("|*_<\\", *s))
			put(b, "\\", 1);
		put(b, s, 1);
	}
}

/* Public routes whose handler checks a credential that no OpenAPI security
 * scheme describes (in the body, or only when the operator set one). */
static const struct {
	const char *pattern, *who;
} handler_credential[] = {
	{"/metrics", "anyone, or with the metrics token when the operator set one"},
	{"/cgi-bin/component/api_component_token", "an app, with its secret and newest verify ticket"},
	{"/cgi-bin/component/api_start_push_ticket", "an app, with its secret"},
};

/* Who may call a route the dispatcher lets anyone reach, from the security
 * schemes its OpenAPI operation declares (the handler checks them). */
static const char *public_who(json_t *paths, const struct kf_route *rt)
{
	for (size_t j = 0; j < sizeof(handler_credential) / sizeof(handler_credential[0]); j++)
		if (!strcmp(rt->pattern, handler_credential[j].pattern))
			return handler_credential[j].who;
	char m[8];
	size_t i = 0;
	for (; rt->method[i] && i < sizeof(m) - 1; i++)
		m[i] = (char)(rt->method[i] | 0x20);
	m[i] = '\0';
	json_t *sec = json_object_get(json_object_get(json_object_get(paths, rt->pattern), m), "security");
	size_t k;
	json_t *alt;
	json_array_foreach(sec, k, alt) {
		const char *scheme;
		json_t *v;
		json_object_foreach(alt, scheme, v) {
			if (!strncmp(scheme, "componentToken", 14))
				return "an app, with its app access token";
			if (!strncmp(scheme, "oauthClient", 11))
				return "an app (OAuth client authentication)";
			if (!strncmp(scheme, "authorizerToken", 15))
				return "an app, with an authorizer access token";
		}
	}
	return "anyone";
}

static const char *who(json_t *paths, const struct kf_route *rt)
{
	switch (rt->auth) {
	case KF_AUTH_NONE:
		return public_who(paths, rt);
	case KF_AUTH_USER:
		return "signed in";
	case KF_AUTH_OPERATOR:
		return "operator staff";
	case KF_AUTH_ADMIN:
		return "operator admin";
	case KF_AUTH_HOSTKEY:
		return "the host product (API key)";
	}
	return "?";
}

char *kf_routedoc_markdown(void)
{
	json_t *doc = json_loads(kf_openapi_json, 0, NULL);
	json_t *paths = json_object_get(doc, "paths");
	struct buf b = {0};
	puts_(&b, "| method | path | who | summary |\n|---|---|---|---|\n");
	size_t n;
	const struct kf_route *routes = kf_api_routes(&n);
	for (size_t i = 0; i < n; i++) {
		const struct kf_route *rt = &routes[i];
		if (rt->flags & (KF_RF_TEST_ONLY | KF_RF_PAGE)) /* pages are HTML, not API */
			continue;
		puts_(&b, "| `");
		puts_(&b, rt->method);
		puts_(&b, "` | `");
		puts_(&b, rt->pattern);
		puts_(&b, "` | ");
		puts_(&b, who(paths, rt));
		puts_(&b, " | ");
		put_cell(&b, rt->summary ? rt->summary : "");
		puts_(&b, " |\n");
	}
	json_decref(doc);
	return b.s;
}

/* The start of the line equal to line (which ends in '\n') in doc, or
 * NULL; *count is the number of such lines. */
static const char *find_line(const char *doc, const char *line, int *count)
{
	const char *first = NULL;
	size_t n = strlen(line);
	*count = 0;
	for (const char *p = doc; *p;) {
		if (!strncmp(p, line, n)) {
			if (!first)
				first = p;
			(*count)++;
		}
		const char *nl = strchr(p, '\n');
		if (!nl)
			break;
		p = nl + 1;
	}
	return first;
}

char *kf_routedoc_splice(const char *doc, const char *table)
{
	int nb, ne;
	const char *begin = find_line(doc, KF_ROUTEDOC_BEGIN, &nb);
	const char *end = find_line(doc, KF_ROUTEDOC_END, &ne);
	if (nb != 1 || ne != 1 || end < begin)
		return NULL;
	const char *keep = begin + strlen(KF_ROUTEDOC_BEGIN);
	struct buf b = {0};
	put(&b, doc, (size_t)(keep - doc));
	puts_(&b, table);
	puts_(&b, end);
	return b.s;
}

static const char *auth_name(enum kf_auth a)
{
	switch (a) {
	case KF_AUTH_NONE:
		return "none";
	case KF_AUTH_USER:
		return "user";
	case KF_AUTH_OPERATOR:
		return "operator";
	case KF_AUTH_ADMIN:
		return "admin";
	case KF_AUTH_HOSTKEY:
		return "hostkey";
	}
	return "?";
}

static const struct {
	int flag;
	const char *name;
} flag_names[] = {
	{KF_RF_CONSENT_EXEMPT, "consent_exempt"}, {KF_RF_UPLOAD, "upload"}, {KF_RF_TEST_ONLY, "test_only"},
	{KF_RF_OWN_TX, "own_tx"},		  {KF_RF_FORM_CSRF, "form_csrf"}, {KF_RF_PAGE, "page"},
	{KF_RF_STEP_UP, "step_up"},		  {KF_RF_ENROL_OK, "enrol_ok"},	  {KF_RF_SELF, "self"},
};

char *kf_routedoc_json(void)
{
	json_t *list = json_array();
	size_t n;
	const struct kf_route *routes = kf_api_routes(&n);
	for (size_t i = 0; i < n; i++) {
		const struct kf_route *rt = &routes[i];
		json_t *flags = json_array();
		int rest = rt->flags;
		for (size_t j = 0; j < sizeof(flag_names) / sizeof(flag_names[0]); j++)
			if (rt->flags & flag_names[j].flag) {
				json_array_append_new(flags, json_string(flag_names[j].name));
				rest &= ~flag_names[j].flag;
			}
		if (rest) /* a flag added to router.h but not named here: visible, not dropped */
			json_array_append_new(flags, json_string("unnamed"));
		json_array_append_new(list, json_pack("{s:s, s:s, s:s, s:o, s:s}", "method", rt->method, "path",
						      rt->pattern, "auth", auth_name(rt->auth), "flags", flags,
						      "summary", rt->summary ? rt->summary : ""));
	}
	char *s = json_dumps(list, JSON_INDENT(1) | JSON_PRESERVE_ORDER);
	json_decref(list);
	return s;
}
