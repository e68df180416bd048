/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The operator's term lists (APP-11, LST-3, LST-4, LST-5, LST-18, LST-19):
 * operators read them, admins replace one list at a time. A replacement
 * bumps the lists' generation, so every process's matcher cache
 * (pipeline/terms_cache.h) rebuilds on its next use, and the next listing save
 * is judged by the new terms.
 */
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "api/api.h"
#include "api/common.h"
#include "core/termlist.h"
#include "core/terms.h"
#include "core/validate.h"
#include "ctx.h"
#include "http/request.h"
#include "pipeline/terms_cache.h"
#include "store/db.h"
#include "store/listings.h"
#include "util/mem.h"

/* The list of the {list} path parameter; replies 404 otherwise. */
static bool load_list(struct kf_req *r, enum kf_termlist *l)
{
	const char *name = kf_req_param(r, "list");
	if (kf_termlist_parse(name, l))
		return true;
	kf_reply_fail(r, KF_ENOTFOUND, "term_list_not_found", NULL, "list",
		      "no such term list (protected_marks, generic_names, hot_words, gambling_names, superlatives, "
		      "banned_terms)");
	return false;
}

static void reply_list(struct kf_req *r, enum kf_termlist l, int64_t generation)
{
	json_t *terms = kf_store_term_list_json(kf_req_db(r), kf_termlist_name(l));
	if (!terms) {
		kf_reply_db_error(r);
		return;
	}
	kf_reply_json(r, 200, json_pack("{s:s, s:s, s:o, s:I}", "list", kf_termlist_name(l), "rule",
					kf_termlist_rule(l), "terms", terms, "generation", (json_int_t)generation));
}

static void api_termlists_list(struct kf_req *r)
{
	json_t *counts = kf_store_term_list_counts(kf_req_db(r));
	int64_t gen = 0;
	if (!counts || kf_store_term_lists_generation(kf_req_db(r), &gen) != KF_OK) {
		json_decref(counts);
		kf_reply_db_error(r);
		return;
	}
	json_t *items = json_array();
	for (int i = 0; i < KF_TERMLIST_COUNT; i++) {
		const char *name = kf_termlist_name((enum kf_termlist)i);
		json_array_append_new(items, json_pack("{s:s, s:s, s:I}", "list", name, "rule",
						       kf_termlist_rule((enum kf_termlist)i), "count",
						       json_integer_value(json_object_get(counts, name))));
	}
	json_decref(counts);
	kf_reply_json(r, 200, json_pack("{s:o, s:I}", "items", items, "generation", (json_int_t)gen));
}

static void api_termlists_get(struct kf_req *r)
{
	enum kf_termlist l;
	int64_t gen = 0;
	if (!load_list(r, &l))
		return;
	if (kf_store_term_lists_generation(kf_req_db(r), &gen) != KF_OK) {
		kf_reply_db_error(r);
		return;
	}
	reply_list(r, l, gen);
}

/* Replace a whole list: each term checked by core/termlist.c, at most
 * KF_TERMLIST_MAX_TERMS; audit-logged with the counts before and after. */
static void api_termlists_put(struct kf_req *r)
{
	static const struct kf_field f[] = {{"terms", KF_F_ARRAY, true, KF_TERMLIST_MAX_TERMS, NULL}};
	enum kf_termlist l;
	json_t *j = kf_req_json(r);
	if (!j || !kf_req_check(r, j, f, KF_NFIELDS(f)) || !load_list(r, &l))
		return;
	json_t *arr = json_object_get(j, "terms"), *v;
	size_t n = json_array_size(arr), i;
	const char **terms = kf_arena_alloc(r->arena, (n ? n : 1) * sizeof(*terms));
	json_array_foreach(arr, i, v) {
		struct kf_error err;
		if (!json_is_string(v)) {
			kf_error_set(&err, KF_EINVAL, "invalid_type", kf_termlist_rule(l), NULL, "terms[%zu] must be a string",
				     i);
		} else if (kf_termlist_check_term(l, json_string_value(v), json_string_length(v), &err) == KF_OK) {
			terms[i] = json_string_value(v);
			continue;
		} else {
			char msg[sizeof(err.msg)];
			memcpy(msg, err.msg, sizeof(msg)); /* ASCII: cutting it keeps it valid */
			snprintf(err.msg, sizeof(err.msg), "terms[%zu]: %.180s", i, msg);
		}
		err.field = kf_arena_printf(r->arena, "terms[%zu]", i);
		kf_reply_error(r, &err);
		return;
	}
	struct kf_db *db = kf_req_db(r);
	json_t *before = kf_store_term_list_json(db, kf_termlist_name(l));
	size_t n_before = json_array_size(before);
	json_decref(before);
	int64_t gen = 0;
	if (!before || !kf_api_begin(r))
		goto fail;
	if (kf_store_term_list_replace(db, kf_termlist_name(l), terms, n, &gen) != KF_OK ||
	    !kf_api_audit(r, "term_list.replace", kf_arena_printf(r->arena, "term_list:%s", kf_termlist_name(l)),
			  kf_arena_printf(r->arena, "%zu terms before, %zu sent; generation %lld", n_before, n,
					  (long long)gen)))
		goto fail;
	if (kf_api_commit(r))
		reply_list(r, l, gen);
	return;
fail:
	kf_api_abort_db(r);
}

#define TERM_TEST_TEXT_MAX 10000 /* bytes of sample text */
#define TERM_TEST_MATCHES_MAX 200 /* occurrences listed */

/* The test box (APP-11, LST-3/4/5/18/19): which terms of one list a sample
 * text matches, by the same matcher the listing checks use (the process's
 * cache of built lists, pipeline/terms_cache.h), with the skeleton of the
 * text (NFKC, case folding, spaces and punctuation dropped: core/terms.h)
 * and where each term lies in it. Reads only; any staff member may try. */
static void api_termlists_test(struct kf_req *r)
{
	static const struct kf_field f[] = {{"text", KF_F_STRING, true, TERM_TEST_TEXT_MAX, NULL}};
	enum kf_termlist l;
	json_t *j = kf_req_json(r);
	if (!j || !kf_req_check(r, j, f, KF_NFIELDS(f)) || !load_list(r, &l))
		return;
	const char *text = kf_json_str(j, "text");
	struct kf_termset *set = kf_terms_cache_get(r->ctx->terms_cache, kf_req_db(r));
	if (!set) {
		kf_reply_db_error(r);
		return;
	}
	struct kf_terms_match *m = kf_arena_alloc(r->arena, TERM_TEST_MATCHES_MAX * sizeof(*m));
	char *skeleton = NULL;
	bool whole = kf_termlist_whole_text(l);
	size_t n = kf_terms_find_all(set->lists[l], text, whole, m, TERM_TEST_MATCHES_MAX, &skeleton);
	json_t *items = json_array();
	for (size_t i = 0; i < n && i < TERM_TEST_MATCHES_MAX; i++) {
		char *sk = kf_terms_skeleton(m[i].term);
		json_array_append_new(items, json_pack("{s:s, s:s, s:I, s:I}", "term", m[i].term, "normalized_term",
						       sk ? sk : "", "start", (json_int_t)m[i].start, "end",
						       (json_int_t)m[i].end));
		free(sk);
	}
	json_t *o = json_pack("{s:s, s:s, s:s, s:s, s:o, s:I, s:b, s:I}", "list", kf_termlist_name(l), "rule",
			      kf_termlist_rule(l), "match", whole ? "whole_text" : "substring", "normalized",
			      skeleton ? skeleton : "", "matches", items, "count", (json_int_t)n, "truncated",
			      n > TERM_TEST_MATCHES_MAX, "generation", (json_int_t)set->generation);
	free(skeleton);
	kf_termset_put(set);
	kf_reply_json(r, 200, o);
}

const struct kf_route kf_api_termlists_routes[] = {
	{"GET", "/v1/term-lists", api_termlists_list, KF_AUTH_OPERATOR, 0,
	 "The term lists with their rules and sizes (APP-11, LST-3/4/5/18/19)"},
	{"GET", "/v1/term-lists/{list}", api_termlists_get, KF_AUTH_OPERATOR, 0, "The terms of one list"},
	{"PUT", "/v1/term-lists/{list}", api_termlists_put, KF_AUTH_ADMIN, KF_RF_STEP_UP, "Replace the terms of one list"},
	{"POST", "/v1/term-lists/{list}/test", api_termlists_test, KF_AUTH_OPERATOR, 0,
	 "Which terms of one list a sample text matches after normalisation (test box)"},
};
const size_t kf_api_termlists_nroutes = sizeof(kf_api_termlists_routes) / sizeof(kf_api_termlists_routes[0]);
