/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A process-wide cache of the built term matchers (core/terms.h), one per
 * operator term list (core/termlist.h), so a listing check does not rebuild
 * six Aho-Corasick automata on every save.
 *
 * Freshness: every replacement of a list bumps a generation number stored
 * in the database (store/listings.h), also when another process (another
 * kaifangd, the CLI) made it. kf_terms_cache_get reads that number (one
 * primary-key lookup) and compares it with the generation its current set
 * was built from; on a difference it rebuilds all lists under the cache's
 * lock and swaps the new set in.
 *
 * Lifetime: a set is immutable and reference counted. The cache holds one
 * reference to its current set and every caller of kf_terms_cache_get one
 * more, released with kf_termset_put; a rebuild only drops the cache's
 * reference, so a set in use is freed by its last user, never under it.
 */
#ifndef KF_PIPELINE_TERMS_CACHE_H
#define KF_PIPELINE_TERMS_CACHE_H

#include <stdatomic.h>
#include <stdint.h>

#include "core/termlist.h"

struct kf_db;
struct kf_terms;
struct kf_terms_cache;

/* One immutable set of built lists. */
struct kf_termset {
	int64_t generation;                      /* the generation it was built from */
	struct kf_terms *lists[KF_TERMLIST_COUNT]; /* indexed by enum kf_termlist */
	atomic_long refs;
};

/* A new, empty cache (its first get builds). Never NULL. */
struct kf_terms_cache *kf_terms_cache_new(void);
/* Free the cache and drop its reference to the current set; sets still
 * held by callers stay valid until they are put. NULL is allowed. */
void kf_terms_cache_free(struct kf_terms_cache *c);

/*
 * The current set for db's term lists, rebuilt first when the stored
 * generation differs. Returns a new reference the caller releases with
 * kf_termset_put (any thread, any time later), or NULL on a storage error.
 * c may be NULL: then a set is built for this call alone (the CLI and
 * tests). Thread-safe; db is the caller's connection (inside or outside a
 * transaction).
 */
struct kf_termset *kf_terms_cache_get(struct kf_terms_cache *c, struct kf_db *db);

/* Release a reference; the set is freed with its last one. NULL is allowed. */
void kf_termset_put(struct kf_termset *s);

/* Number of rebuilds so far (for tests and metrics). */
long kf_terms_cache_rebuilds(const struct kf_terms_cache *c);

#endif
