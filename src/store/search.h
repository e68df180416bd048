/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The marketplace's search index and lists (docs/architecture.md
 * "Search"): search_docs and search_postings of migration 022, kept in
 * step inside the caller's transaction, and the queries over them.
 */
#ifndef KF_STORE_SEARCH_H
#define KF_STORE_SEARCH_H

#include <stdbool.h>
#include <stdint.h>

#include "core/err.h"

struct kf_db;
struct json_t;

/* Rewrite the app's searchable text and postings from its live listing
 * (name, keywords, introduction, category; developer: the listing's
 * company name, else the provider's legal name). An app without a live
 * listing, or deleted, is taken out of the index. */
enum kf_err kf_store_search_index(struct kf_db *db, int64_t app) KF_MUST_CHECK;
/* Index every app with a live listing and no search_docs row yet (an
 * upgraded database); *n how many. */
enum kf_err kf_store_search_backfill(struct kf_db *db, int *n) KF_MUST_CHECK;
/* The app's active authorizations changed by delta (+1, -1) with host
 * account host; delta 0 (host 0) counts them again. Installs are those of
 * real host accounts: the platform's own test accounts (the release
 * checks') do not count. Keeps apps.installs, apps.install_points and the
 * postings' install points in step. */
enum kf_err kf_store_search_installs(struct kf_db *db, int64_t app, int64_t host, int delta) KF_MUST_CHECK;

/* Which apps a list may show (besides released, public, not deleted, not
 * recommended = 0). */
struct kf_market_filter {
	const char *category; /* NULL: any */
	bool featured;        /* only display-listed ones */
};

/* A search for a normalised query nq (core/search.h): the ids of the
 * matches ranked from skip to skip + want (at most want; ids has room for
 * want), best first: relevance plus install points minus rank_penalty,
 * ties newest app first. Only search-listed apps without a search ban. */
enum kf_err kf_store_search_query(struct kf_db *db, const char *nq, const struct kf_market_filter *f, int skip,
				  int want, int64_t *ids, int *n) KF_MUST_CHECK;
/* The browse order: install points minus rank_penalty, installs, release
 * time, id, all descending. */
enum kf_err kf_store_market_browse(struct kf_db *db, const struct kf_market_filter *f, int skip, int want,
				   int64_t *ids, int *n) KF_MUST_CHECK;
/* The rows of the lists for ids (in any order): a JSON array (new
 * reference) of {id, app_id, body (listing JSON text), released_version,
 * released_at, display_listed, installs, entity_name, verified_at}, or NULL. */
struct json_t *kf_store_market_rows(struct kf_db *db, const int64_t *ids, int n);

#endif
