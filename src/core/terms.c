/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Aho-Corasick over code points. The trie's edges live in one open-addressing
 * hash table keyed by (node, code point), so a step is O(1) whatever the
 * alphabet; failure links and output links are computed breadth first after
 * all terms are inserted. Node 0 is the root.
 */
#include "core/terms.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <utf8proc.h>

#define NO_TERM UINT32_MAX

struct node {
	uint32_t fail; /* longest proper suffix that is a trie node */
	uint32_t out;  /* nearest node on the fail chain ending a term; 0 = none */
	uint32_t term; /* index of the term ending here, or NO_TERM */
};

struct edge {
	uint64_t key;   /* node << 21 | code point */
	uint32_t child; /* 0 = empty slot (the root is never a child) */
};

struct kf_terms {
	struct node *nodes;
	size_t n_nodes, cap_nodes;
	struct edge *edges;
	size_t n_edges, cap_edges; /* cap_edges is a power of two */
	char **terms;
	size_t n_terms;
};

static void out_of_memory(void)
{
	fputs("kaifang: out of memory in kf_terms\n", stderr);
	abort();
}

static void *xrealloc(void *p, size_t n, size_t size)
{
	if (size && n > SIZE_MAX / size)
		out_of_memory();
	size_t bytes = n * size;
	void *q = realloc(p, bytes ? bytes : 1);
	if (!q)
		out_of_memory();
	return q;
}

static bool keep_cp(utf8proc_int32_t cp)
{
	switch (utf8proc_category(cp)) {
	case UTF8PROC_CATEGORY_LU: case UTF8PROC_CATEGORY_LL: case UTF8PROC_CATEGORY_LT:
	case UTF8PROC_CATEGORY_LM: case UTF8PROC_CATEGORY_LO:
	case UTF8PROC_CATEGORY_MN: case UTF8PROC_CATEGORY_MC: case UTF8PROC_CATEGORY_ME:
	case UTF8PROC_CATEGORY_ND: case UTF8PROC_CATEGORY_NL: case UTF8PROC_CATEGORY_NO:
		return true;
	default:
		return false;
	}
}

/* Skeleton of s as code points in a new array (*n of them); NULL when s is
 * NULL or invalid. The array has room for at least one element. */
static utf8proc_int32_t *skeleton_cps(const char *s, size_t *n)
{
	utf8proc_uint8_t *m = NULL;
	utf8proc_int32_t *cps = NULL;

	*n = 0;
	if (!s)
		return NULL;
	utf8proc_ssize_t len = utf8proc_map((const utf8proc_uint8_t *)s, 0, &m,
					    UTF8PROC_NULLTERM | UTF8PROC_STABLE |
					    UTF8PROC_COMPAT | UTF8PROC_COMPOSE |
					    UTF8PROC_CASEFOLD);
	if (len == UTF8PROC_ERROR_NOMEM)
		out_of_memory();
	if (len < 0)
		goto out;
	cps = xrealloc(NULL, (size_t)len + 1, sizeof(*cps));
	for (utf8proc_ssize_t i = 0; i < len;) {
		utf8proc_int32_t cp;
		utf8proc_ssize_t r = utf8proc_iterate(m + i, len - i, &cp);
		if (r <= 0) { /* cannot happen on utf8proc's own output */
			free(cps);
			cps = NULL;
			*n = 0;
			goto out;
		}
		if (keep_cp(cp))
			cps[(*n)++] = cp;
		i += r;
	}
out:
	free(m);
	return cps;
}

char *kf_terms_skeleton(const char *s)
{
	size_t n;
	utf8proc_int32_t *cps = skeleton_cps(s, &n);
	if (!cps)
		return NULL;
	char *res = xrealloc(NULL, n * 4 + 1, 1);
	size_t len = 0;
	for (size_t i = 0; i < n; i++)
		len += (size_t)utf8proc_encode_char(cps[i], (utf8proc_uint8_t *)res + len);
	res[len] = '\0';
	free(cps);
	return res;
}

static size_t slot_of(uint64_t key, size_t cap)
{
	return (size_t)((key * UINT64_C(0x9E3779B97F4A7C15)) >> 32) & (cap - 1);
}

static uint64_t edge_key(uint32_t node, utf8proc_int32_t cp)
{
	return ((uint64_t)node << 21) | (uint64_t)(uint32_t)cp;
}

/* Child of node along cp, or 0. */
static uint32_t child_get(const struct kf_terms *t, uint32_t node, utf8proc_int32_t cp)
{
	if (!t->cap_edges)
		return 0;
	uint64_t key = edge_key(node, cp);
	for (size_t i = slot_of(key, t->cap_edges);; i = (i + 1) & (t->cap_edges - 1)) {
		if (t->edges[i].child == 0)
			return 0;
		if (t->edges[i].key == key)
			return t->edges[i].child;
	}
}

static void edge_put(struct edge *tab, size_t cap, uint64_t key, uint32_t child)
{
	size_t i = slot_of(key, cap);
	while (tab[i].child != 0)
		i = (i + 1) & (cap - 1);
	tab[i].key = key;
	tab[i].child = child;
}

static uint32_t node_new(struct kf_terms *t)
{
	if (t->n_nodes == t->cap_nodes) {
		t->cap_nodes = t->cap_nodes ? t->cap_nodes * 2 : 16;
		if (t->cap_nodes > UINT32_MAX / 2)
			out_of_memory();
		t->nodes = xrealloc(t->nodes, t->cap_nodes, sizeof(*t->nodes));
	}
	t->nodes[t->n_nodes] = (struct node){ .fail = 0, .out = 0, .term = NO_TERM };
	return (uint32_t)t->n_nodes++;
}

static uint32_t child_add(struct kf_terms *t, uint32_t node, utf8proc_int32_t cp)
{
	uint32_t c = child_get(t, node, cp);
	if (c)
		return c;
	if ((t->n_edges + 1) * 2 > t->cap_edges) { /* keep load <= 1/2 */
		size_t cap = t->cap_edges ? t->cap_edges * 2 : 64;
		struct edge *tab = calloc(cap, sizeof(*tab));
		if (!tab)
			out_of_memory();
		for (size_t i = 0; i < t->cap_edges; i++)
			if (t->edges[i].child)
				edge_put(tab, cap, t->edges[i].key, t->edges[i].child);
		free(t->edges);
		t->edges = tab;
		t->cap_edges = cap;
	}
	c = node_new(t);
	edge_put(t->edges, t->cap_edges, edge_key(node, cp), c);
	t->n_edges++;
	return c;
}

/* Fail and output links in breadth-first order, so a node's links are set
 * after those of every shallower node. Parents and edge labels are read from
 * one scan of the edge table; the order comes from a counting sort by depth. */
static void link_nodes(struct kf_terms *t)
{
	/* parent and code point of every node, from the edge table */
	uint32_t *parent = xrealloc(NULL, t->n_nodes, sizeof(*parent));
	utf8proc_int32_t *via = xrealloc(NULL, t->n_nodes, sizeof(*via));
	uint32_t *order = xrealloc(NULL, t->n_nodes, sizeof(*order));
	uint32_t *depth = xrealloc(NULL, t->n_nodes, sizeof(*depth));
	size_t *count = NULL;

	parent[0] = 0;
	via[0] = 0;
	for (size_t i = 0; i < t->cap_edges; i++) {
		if (!t->edges[i].child)
			continue;
		parent[t->edges[i].child] = (uint32_t)(t->edges[i].key >> 21);
		via[t->edges[i].child] = (utf8proc_int32_t)(t->edges[i].key & 0x1FFFFF);
	}
	/* Node ids are assigned along each inserted term, so a parent always has
	 * a smaller id than its child: depth in one forward pass. */
	size_t max_depth = 0;
	depth[0] = 0;
	for (size_t i = 1; i < t->n_nodes; i++) {
		depth[i] = depth[parent[i]] + 1;
		if (depth[i] > max_depth)
			max_depth = depth[i];
	}
	/* counting sort by depth = breadth-first order */
	count = xrealloc(NULL, max_depth + 2, sizeof(*count));
	memset(count, 0, (max_depth + 2) * sizeof(*count));
	for (size_t i = 0; i < t->n_nodes; i++)
		count[depth[i] + 1]++;
	for (size_t d = 1; d <= max_depth + 1; d++)
		count[d] += count[d - 1];
	for (size_t i = 0; i < t->n_nodes; i++)
		order[count[depth[i]]++] = (uint32_t)i;

	for (size_t k = 1; k < t->n_nodes; k++) {
		uint32_t v = order[k];
		uint32_t p = parent[v];
		uint32_t f = 0;
		if (p != 0) {
			uint32_t s = t->nodes[p].fail;
			for (;;) {
				uint32_t c = child_get(t, s, via[v]);
				if (c) {
					f = c;
					break;
				}
				if (s == 0)
					break;
				s = t->nodes[s].fail;
			}
		}
		t->nodes[v].fail = f;
		t->nodes[v].out = t->nodes[f].term != NO_TERM ? f : t->nodes[f].out;
	}
	free(parent);
	free(via);
	free(order);
	free(depth);
	free(count);
}

struct kf_terms *kf_terms_build(const char *const *terms, size_t n)
{
	struct kf_terms *t = calloc(1, sizeof(*t));
	if (!t)
		out_of_memory();
	node_new(t); /* root */
	t->terms = xrealloc(NULL, n ? n : 1, sizeof(*t->terms));
	for (size_t i = 0; i < n; i++) {
		size_t len;
		utf8proc_int32_t *cps = skeleton_cps(terms[i], &len);
		if (!cps || len == 0) {
			free(cps);
			continue;
		}
		uint32_t v = 0;
		for (size_t k = 0; k < len; k++)
			v = child_add(t, v, cps[k]);
		free(cps);
		if (t->nodes[v].term != NO_TERM)
			continue; /* same skeleton as an earlier term */
		size_t tl = strlen(terms[i]);
		t->terms[t->n_terms] = xrealloc(NULL, tl + 1, 1);
		memcpy(t->terms[t->n_terms], terms[i], tl + 1);
		t->nodes[v].term = (uint32_t)t->n_terms++;
	}
	link_nodes(t);
	return t;
}

void kf_terms_free(struct kf_terms *t)
{
	if (!t)
		return;
	for (size_t i = 0; i < t->n_terms; i++)
		free(t->terms[i]);
	free(t->terms);
	free(t->nodes);
	free(t->edges);
	free(t);
}

size_t kf_terms_count(const struct kf_terms *t)
{
	return t ? t->n_terms : 0;
}

bool kf_terms_find(const struct kf_terms *t, const char *text, const char **matched_term)
{
	size_t n;
	utf8proc_int32_t *cps = NULL;
	bool found = false;

	if (matched_term)
		*matched_term = NULL;
	if (!t || !text || t->n_terms == 0)
		goto out;
	cps = skeleton_cps(text, &n);
	if (!cps)
		goto out;
	uint32_t s = 0;
	for (size_t i = 0; i < n && !found; i++) {
		uint32_t c;
		while ((c = child_get(t, s, cps[i])) == 0 && s != 0)
			s = t->nodes[s].fail;
		s = c; /* 0 when even the root has no edge */
		uint32_t hit = t->nodes[s].term != NO_TERM ? s : t->nodes[s].out;
		if (hit) {
			found = true;
			if (matched_term)
				*matched_term = t->terms[t->nodes[hit].term];
		}
	}
out:
	free(cps);
	return found;
}

bool kf_terms_find_exact(const struct kf_terms *t, const char *text,
			 const char **matched_term)
{
	size_t n;
	utf8proc_int32_t *cps = NULL;
	bool found = false;

	if (matched_term)
		*matched_term = NULL;
	if (!t || !text || t->n_terms == 0)
		goto out;
	cps = skeleton_cps(text, &n);
	if (!cps || n == 0)
		goto out;
	uint32_t s = 0;
	for (size_t i = 0; i < n && (i == 0 || s != 0); i++)
		s = child_get(t, s, cps[i]);
	if (s != 0 && t->nodes[s].term != NO_TERM) {
		found = true;
		if (matched_term)
			*matched_term = t->terms[t->nodes[s].term];
	}
out:
	free(cps);
	return found;
}

size_t kf_terms_find_all(const struct kf_terms *t, const char *text, bool exact, struct kf_terms_match *out,
			 size_t max, char **skeleton)
{
	size_t n = 0, count = 0;
	if (skeleton)
		*skeleton = NULL;
	utf8proc_int32_t *cps = skeleton_cps(text, &n);
	if (!cps)
		return 0;
	if (skeleton) {
		char *res = xrealloc(NULL, n * 4 + 1, 1);
		size_t len = 0;
		for (size_t i = 0; i < n; i++)
			len += (size_t)utf8proc_encode_char(cps[i], (utf8proc_uint8_t *)res + len);
		res[len] = '\0';
		*skeleton = res;
	}
	if (!t || t->n_terms == 0 || n == 0)
		goto out;
	if (exact) {
		const char *m = NULL;
		if (kf_terms_find_exact(t, text, &m)) {
			if (max > 0)
				out[0] = (struct kf_terms_match){.term = m, .start = 0, .end = n};
			count = 1;
		}
		goto out;
	}
	uint32_t s = 0;
	for (size_t i = 0; i < n; i++) {
		uint32_t c;
		while ((c = child_get(t, s, cps[i])) == 0 && s != 0)
			s = t->nodes[s].fail;
		s = c;
		/* the node itself when it ends a term, then every shorter term on
		 * its output chain: the longest first */
		for (uint32_t hit = t->nodes[s].term != NO_TERM ? s : t->nodes[s].out; hit; hit = t->nodes[hit].out) {
			if (count < max) {
				size_t len;
				utf8proc_int32_t *tc = skeleton_cps(t->terms[t->nodes[hit].term], &len);
				free(tc);
				out[count] = (struct kf_terms_match){
					.term = t->terms[t->nodes[hit].term], .start = i + 1 - len, .end = i + 1};
			}
			count++;
		}
	}
out:
	free(cps);
	return count;
}
