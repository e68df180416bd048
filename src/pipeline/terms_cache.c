/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The term matcher cache (see terms_cache.h). The lock covers only the
 * pointer swap and the rebuild; matching runs on a referenced set without
 * any lock.
 */
#include "pipeline/terms_cache.h"

#include <jansson.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#include "core/terms.h"
#include "store/listings.h"
#include "util/mem.h"

struct kf_terms_cache {
	pthread_mutex_t mu;
	struct kf_termset *cur; /* the cache's reference, or NULL before the first build */
	atomic_long rebuilds;
};

struct kf_terms_cache *kf_terms_cache_new(void)
{
	struct kf_terms_cache *c = kf_xcalloc(1, sizeof(*c));
	pthread_mutex_init(&c->mu, NULL);
	return c;
}

void kf_terms_cache_free(struct kf_terms_cache *c)
{
	if (!c)
		return;
	kf_termset_put(c->cur);
	pthread_mutex_destroy(&c->mu);
	free(c);
}

void kf_termset_put(struct kf_termset *s)
{
	if (!s || atomic_fetch_sub(&s->refs, 1) != 1)
		return;
	for (int i = 0; i < KF_TERMLIST_COUNT; i++)
		kf_terms_free(s->lists[i]);
	free(s);
}

/* Build every list from db, tagged with gen (read before the lists, so the
 * tag is never newer than the data: at worst one rebuild too many). */
static struct kf_termset *build(struct kf_db *db, int64_t gen)
{
	struct kf_termset *s = kf_xcalloc(1, sizeof(*s));
	s->generation = gen;
	atomic_init(&s->refs, 1);
	for (int i = 0; i < KF_TERMLIST_COUNT; i++) {
		json_t *terms = kf_store_term_list_json(db, kf_termlist_name((enum kf_termlist)i));
		if (!terms) {
			kf_termset_put(s);
			return NULL;
		}
		size_t n = json_array_size(terms);
		const char **v = kf_xcalloc(n ? n : 1, sizeof(*v));
		for (size_t k = 0; k < n; k++)
			v[k] = json_string_value(json_array_get(terms, k));
		s->lists[i] = kf_terms_build(v, n); /* copies the terms */
		free(v);
		json_decref(terms);
	}
	return s;
}

struct kf_termset *kf_terms_cache_get(struct kf_terms_cache *c, struct kf_db *db)
{
	int64_t gen = 0;
	if (kf_store_term_lists_generation(db, &gen) != KF_OK)
		return NULL;
	if (!c)
		return build(db, gen);
	struct kf_termset *old = NULL;
	pthread_mutex_lock(&c->mu);
	if (!c->cur || c->cur->generation != gen) {
		struct kf_termset *fresh = build(db, gen);
		if (!fresh) {
			pthread_mutex_unlock(&c->mu);
			return NULL;
		}
		old = c->cur; /* the cache's reference moves to the new set */
		c->cur = fresh;
		atomic_fetch_add(&c->rebuilds, 1);
	}
	struct kf_termset *s = c->cur;
	atomic_fetch_add(&s->refs, 1); /* under the lock: no rebuild can drop it first */
	pthread_mutex_unlock(&c->mu);
	kf_termset_put(old); /* freed here unless a caller still holds it */
	return s;
}

long kf_terms_cache_rebuilds(const struct kf_terms_cache *c)
{
	return c ? atomic_load(&c->rebuilds) : 0;
}
