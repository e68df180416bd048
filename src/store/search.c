/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The marketplace's search index and lists (see store/search.h). The
 * listing body is parsed here with jansson, never with SQL JSON functions,
 * so one text serves both engines.
 */
#include "store/search.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "core/search.h"
#include "store/db.h"
#include "util/mem.h"

/* A string member of the listing, normalised, or "" (new string). */
static char *norm_member(json_t *body, const char *key, const char *fallback)
{
	json_t *v = json_object_get(body, key);
	const char *s = json_is_string(v) ? json_string_value(v) : fallback;
	char *n = s ? kf_search_normalize(s) : NULL;
	return n ? n : kf_xstrdup("");
}

/* The listing's keywords normalised and joined by KF_SEARCH_SEP. */
static char *norm_keywords(json_t *body)
{
	json_t *kw = json_object_get(body, "keywords"), *k;
	size_t i, cap = 1, len = 0;
	char *out = kf_xmalloc(1);
	out[0] = '\0';
	json_array_foreach(kw, i, k) {
		char *n = json_is_string(k) ? kf_search_normalize(json_string_value(k)) : NULL;
		if (n && *n) {
			size_t nl = strlen(n);
			cap = len + nl + 2;
			out = kf_xrealloc(out, cap);
			if (len)
				out[len++] = KF_SEARCH_SEP[0];
			memcpy(out + len, n, nl + 1);
			len += nl;
		}
		free(n);
	}
	return out;
}

static enum kf_err forget(struct kf_db *db, int64_t app)
{
	struct kf_stmt *st = kf_db_prepare(db, "DELETE FROM search_postings WHERE app = ?");
	if (!st)
		return KF_EDB;
	kf_stmt_bind_int(st, 1, app);
	if (kf_stmt_exec(st) != KF_OK)
		return KF_EDB;
	st = kf_db_prepare(db, "DELETE FROM search_docs WHERE app = ?");
	if (!st)
		return KF_EDB;
	kf_stmt_bind_int(st, 1, app);
	return kf_stmt_exec(st);
}

static enum kf_err put_doc(struct kf_db *db, int64_t app, const char *category, const struct kf_search_doc *d,
			   int pop)
{
	struct kf_stmt *st = kf_db_prepare(db, "INSERT INTO search_docs (app, category, name, pinyin, initials, keywords,"
					       " intro, developer) VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
	if (!st)
		return KF_EDB;
	kf_stmt_bind_int(st, 1, app);
	kf_stmt_bind_text(st, 2, category);
	kf_stmt_bind_text(st, 3, d->name);
	kf_stmt_bind_text(st, 4, d->pinyin ? d->pinyin : "");
	kf_stmt_bind_text(st, 5, d->initials ? d->initials : "");
	kf_stmt_bind_text(st, 6, d->keywords);
	kf_stmt_bind_text(st, 7, d->intro);
	kf_stmt_bind_text(st, 8, d->developer);
	if (kf_stmt_exec(st) != KF_OK)
		return KF_EDB;
	struct kf_search_gram *g = NULL;
	size_t n = 0;
	if (!kf_search_grams(d, &g, &n))
		return KF_EDB;
	enum kf_err rc = KF_OK;
	for (size_t i = 0; i < n && rc == KF_OK; i++) {
		st = kf_db_prepare(db, "INSERT INTO search_postings (gram, score, app) VALUES (?, ?, ?)");
		if (!st) {
			rc = KF_EDB;
			break;
		}
		kf_stmt_bind_text(st, 1, g[i].gram);
		kf_stmt_bind_int(st, 2, g[i].score + pop);
		kf_stmt_bind_int(st, 3, app);
		rc = kf_stmt_exec(st);
	}
	free(g);
	if (rc != KF_OK)
		return KF_EDB;
	st = kf_db_prepare(db, "UPDATE apps SET install_points = ? WHERE id = ?");
	if (!st)
		return KF_EDB;
	kf_stmt_bind_int(st, 1, pop);
	kf_stmt_bind_int(st, 2, app);
	return kf_stmt_exec(st);
}

enum kf_err kf_store_search_index(struct kf_db *db, int64_t app)
{
	if (forget(db, app) != KF_OK)
		return KF_EDB;
	struct kf_stmt *st = kf_db_prepare(
		db, "SELECT l.body, e.legal_name, a.installs FROM apps a JOIN listings l ON l.id = a.live_listing_id"
		    " AND l.app = a.id LEFT JOIN orgs o ON o.id = a.provider_id LEFT JOIN entities e ON e.id = o.entity_id"
		    " WHERE a.id = ? AND a.deleted_at IS NULL");
	if (!st)
		return KF_EDB;
	kf_stmt_bind_int(st, 1, app);
	enum kf_err rc = kf_stmt_first(st);
	if (rc == KF_ENOTFOUND)
		return KF_OK; /* no live listing, or deleted: out of the index */
	if (rc != KF_OK)
		return rc;
	json_t *body = json_loads(kf_stmt_text(st, 0) ? kf_stmt_text(st, 0) : "", 0, NULL);
	char *legal = kf_stmt_text(st, 1) ? kf_xstrdup(kf_stmt_text(st, 1)) : NULL;
	int64_t installs = kf_stmt_int(st, 2);
	kf_stmt_done(st);
	json_t *cat = json_object_get(body, "category");
	char *name = norm_member(body, "name", NULL), *py = NULL, *ini = NULL;
	kf_search_pinyin(name, &py, &ini);
	char *keywords = norm_keywords(body), *intro = norm_member(body, "intro", NULL),
	     *dev = norm_member(body, "company_name", legal);
	struct kf_search_doc d = {name, py, ini, keywords, intro, dev};
	rc = put_doc(db, app, json_is_string(cat) ? json_string_value(cat) : NULL, &d, kf_search_pop(installs));
	free(name);
	free(py);
	free(ini);
	free(keywords);
	free(intro);
	free(dev);
	free(legal);
	json_decref(body);
	return rc;
}

enum kf_err kf_store_search_backfill(struct kf_db *db, int *n)
{
	*n = 0;
	struct kf_stmt *st = kf_db_prepare(db, "SELECT a.id FROM apps a WHERE a.live_listing_id IS NOT NULL"
					       " AND a.deleted_at IS NULL AND NOT EXISTS (SELECT 1 FROM search_docs d"
					       " WHERE d.app = a.id) ORDER BY a.id");
	if (!st)
		return KF_EDB;
	int64_t *ids = NULL;
	size_t cnt = 0, cap = 0;
	enum kf_step s;
	while ((s = kf_stmt_step(st)) == KF_STEP_ROW) {
		if (cnt == cap) {
			cap = cap ? cap * 2 : 64;
			ids = kf_xrealloc(ids, cap * sizeof(*ids));
		}
		ids[cnt++] = kf_stmt_int(st, 0);
	}
	kf_stmt_done(st);
	enum kf_err rc = s == KF_STEP_ERROR ? KF_EDB : KF_OK;
	for (size_t i = 0; i < cnt && rc == KF_OK; i++)
		rc = kf_store_search_installs(db, ids[i], 0, 0) == KF_OK ? kf_store_search_index(db, ids[i]) : KF_EDB;
	free(ids);
	if (rc == KF_OK)
		*n = (int)cnt;
	return rc;
}

enum kf_err kf_store_search_installs(struct kf_db *db, int64_t app, int64_t host, int delta)
{
	struct kf_stmt *st;
	enum kf_err rc;
	if (delta) {
		st = kf_db_prepare(db, "SELECT 1 FROM host_accounts WHERE id = ? AND platform_test = 1");
		if (!st)
			return KF_EDB;
		kf_stmt_bind_int(st, 1, host);
		bool test_account = false;
		if ((rc = kf_stmt_exists(st, &test_account)) != KF_OK)
			return rc;
		if (test_account)
			return KF_OK;
	}
	st = kf_db_prepare(db, "SELECT installs, install_points, (SELECT COUNT(*) FROM authorizations z"
			       " JOIN host_accounts h ON h.id = z.host_account WHERE z.app = ?1 AND z.state = 'active'"
			       " AND h.platform_test = 0 AND ?2 = 0) FROM apps WHERE id = ?1");
	if (!st)
		return KF_EDB;
	kf_stmt_bind_int(st, 1, app);
	kf_stmt_bind_int(st, 2, delta);
	rc = kf_stmt_first(st);
	if (rc != KF_OK)
		return rc == KF_ENOTFOUND ? KF_OK : rc;
	int64_t installs = delta ? kf_stmt_int(st, 0) + delta : kf_stmt_int(st, 2);
	int old_pop = (int)kf_stmt_int(st, 1);
	kf_stmt_done(st);
	if (installs < 0)
		installs = 0;
	int pop = kf_search_pop(installs);
	st = kf_db_prepare(db, "UPDATE apps SET installs = ?, install_points = ? WHERE id = ?");
	if (!st)
		return KF_EDB;
	kf_stmt_bind_int(st, 1, installs);
	kf_stmt_bind_int(st, 2, pop);
	kf_stmt_bind_int(st, 3, app);
	if (kf_stmt_exec(st) != KF_OK)
		return KF_EDB;
	if (pop == old_pop)
		return KF_OK;
	/* a doubling: the app's postings carry its install points */
	st = kf_db_prepare(db, "UPDATE search_postings SET score = score + ? WHERE app = ?");
	if (!st)
		return KF_EDB;
	kf_stmt_bind_int(st, 1, pop - old_pop);
	kf_stmt_bind_int(st, 2, app);
	return kf_stmt_exec(st);
}

/* ---- queries ------------------------------------------------------------ */

struct hit {
	int64_t rank, app;
};

struct hits {
	struct hit *v;
	size_t n, cap;
};

/* Best first: rank, then the newer app. */
static int hit_cmp(const void *a, const void *b)
{
	const struct hit *x = a, *y = b;
	if (x->rank != y->rank)
		return x->rank < y->rank ? 1 : -1;
	return x->app < y->app ? 1 : x->app > y->app ? -1 : 0;
}

static void hits_add(struct hits *h, int64_t rank, int64_t app)
{
	if (h->n == h->cap) {
		h->cap = h->cap ? h->cap * 2 : 64;
		h->v = kf_xrealloc(h->v, h->cap * sizeof(*h->v));
	}
	h->v[h->n++] = (struct hit){rank, app};
}

/* Keep the best need hits. */
static void hits_trim(struct hits *h, size_t need)
{
	qsort(h->v, h->n, sizeof(*h->v), hit_cmp);
	if (h->n > need)
		h->n = need;
}

/* The postings of a gram, best first, joined with the app row (the
 * filters) and its text (to verify the whole query). */
#define WALK_SQL                                                                                            \
	"SELECT p.score, p.app, d.name, d.pinyin, d.initials, d.keywords, d.intro, d.developer,"                  \
	" a.install_points - a.rank_penalty"                                                                     \
	" FROM search_postings p CROSS JOIN apps a CROSS JOIN search_docs d"                                     \
	" WHERE p.gram = ?1 AND a.id = p.app AND d.app = p.app"                                                  \
	" AND (?2 = 0 OR p.score < ?3 OR (p.score = ?3 AND p.app < ?4))"                                         \
	" AND a.state = 'released' AND a.deleted_at IS NULL AND a.audience = 'public'"                            \
	" AND a.search_listed = 1 AND a.not_recommended = 0 AND a.search_banned = 0"                             \
	" AND (CAST(?5 AS TEXT) IS NULL OR d.category = ?5) AND (?6 = 0 OR a.display_listed = 1)"               \
	" ORDER BY p.score DESC, p.app DESC LIMIT ?7"

/* Walk gram's postings. bounded: a posting's score bounds the rank of the
 * query in that app from above (the gram is the query, or its first
 * piece), so the walk stops once need hits beat every posting left;
 * otherwise every posting is read. */
static enum kf_err walk(struct kf_db *db, const char *gram, const char *nq, const struct kf_market_filter *f,
			bool bounded, size_t need, struct hits *h)
{
	bool after = false;
	int64_t last_score = 0, last_app = 0;
	/* a piece of a longer query also brings postings the whole query
	 * does not match: a larger first batch saves round trips */
	size_t first = strcmp(gram, nq) ? need * 8 : need * 2;
	int64_t batch = bounded ? (int64_t)(first < 32 ? 32 : first) : 100000;
	for (;;) {
		struct kf_stmt *st = kf_db_prepare(db, WALK_SQL);
		if (!st)
			return KF_EDB;
		kf_stmt_bind_text(st, 1, gram);
		kf_stmt_bind_int(st, 2, after);
		kf_stmt_bind_int(st, 3, last_score);
		kf_stmt_bind_int(st, 4, last_app);
		kf_stmt_bind_text(st, 5, f->category);
		kf_stmt_bind_int(st, 6, f->featured);
		kf_stmt_bind_int(st, 7, batch);
		int64_t rows = 0;
		enum kf_step s;
		bool done = false;
		while (!done && (s = kf_stmt_step(st)) == KF_STEP_ROW) {
			rows++;
			last_score = kf_stmt_int(st, 0);
			last_app = kf_stmt_int(st, 1);
			after = true;
			struct kf_search_doc d = {kf_stmt_text(st, 2), kf_stmt_text(st, 3), kf_stmt_text(st, 4),
						  kf_stmt_text(st, 5), kf_stmt_text(st, 6), kf_stmt_text(st, 7)};
			int m = kf_search_match(&d, nq);
			if (m > 0)
				hits_add(h, m + kf_stmt_int(st, 8), last_app);
			if (bounded && h->n >= need) {
				hits_trim(h, need);
				struct hit w = h->v[need - 1];
				if (w.rank > last_score || (w.rank == last_score && w.app > last_app))
					done = true;
			}
		}
		kf_stmt_done(st);
		if (!done && s == KF_STEP_ERROR)
			return KF_EDB;
		if (done || rows < batch)
			return KF_OK;
		if (batch < 4096)
			batch *= 4;
	}
}

/* Walks a gram's postings in full when it has at most this many. */
#define SEARCH_FULL_WALK 300
/* How many pieces of a longer query are counted to find the rarest. */
#define SEARCH_PIECES 8
#define COUNT_ONE(n) "(SELECT COUNT(*) FROM (SELECT 1 FROM search_postings WHERE gram = CAST(?" #n " AS TEXT) LIMIT ?9) t" #n ")"
#define COUNT_SQL                                                                                                  \
	"SELECT " COUNT_ONE(1) ", " COUNT_ONE(2) ", " COUNT_ONE(3) ", " COUNT_ONE(4) ", " COUNT_ONE(5) ", " COUNT_ONE(6) \
	", " COUNT_ONE(7) ", " COUNT_ONE(8)

enum kf_err kf_store_search_query(struct kf_db *db, const char *nq, const struct kf_market_filter *f, int skip,
				  int want, int64_t *ids, int *n)
{
	*n = 0;
	struct kf_search_gram *g = NULL;
	size_t ng = 0;
	if (!kf_search_query_grams(nq, &g, &ng))
		return KF_EDB;
	if (ng == 0) {
		free(g);
		return KF_OK;
	}
	size_t need = (size_t)skip + (size_t)want;
	struct hits h = {0};
	enum kf_err rc = KF_OK;
	if (ng == 1 && !strcmp(g[0].gram, nq)) {
		rc = walk(db, nq, nq, f, true, need, &h);
	} else {
		/* the rarest of the first SEARCH_PIECES pieces, when rare enough
		 * to read in full: their counts (capped) in one statement, one
		 * round trip on PostgreSQL */
		struct kf_stmt *st = kf_db_prepare(db, COUNT_SQL);
		int64_t best = -1;
		size_t bi = 0;
		if (!st)
			rc = KF_EDB;
		else {
			for (int i = 0; i < SEARCH_PIECES; i++)
				kf_stmt_bind_text(st, i + 1, (size_t)i < ng ? g[i].gram : NULL);
			kf_stmt_bind_int(st, SEARCH_PIECES + 1, SEARCH_FULL_WALK + 1);
			rc = kf_stmt_first(st);
		}
		if (rc == KF_OK) {
			for (size_t i = 0; i < ng && i < SEARCH_PIECES; i++) {
				int64_t c = kf_stmt_int(st, (int)i);
				if (best < 0 || c < best) {
					best = c;
					bi = i;
				}
			}
			kf_stmt_done(st);
		}
		if (rc == KF_OK && best > 0)
			rc = best <= SEARCH_FULL_WALK ? walk(db, g[bi].gram, nq, f, false, need, &h)
						      : walk(db, g[0].gram, nq, f, true, need, &h);
	}
	free(g);
	if (rc == KF_OK && h.n) {
		hits_trim(&h, need);
		for (size_t i = (size_t)skip; i < h.n; i++)
			ids[(*n)++] = h.v[i].app;
	}
	free(h.v);
	return rc;
}

enum kf_err kf_store_market_browse(struct kf_db *db, const struct kf_market_filter *f, int skip, int want,
				   int64_t *ids, int *n)
{
	*n = 0;
	struct kf_stmt *st = kf_db_prepare(
		db, "SELECT a.id FROM apps a JOIN search_docs d ON d.app = a.id"
		    " WHERE a.state = 'released' AND a.deleted_at IS NULL AND a.audience = 'public'"
		    " AND a.not_recommended = 0 AND (CAST(?1 AS TEXT) IS NULL OR d.category = ?1)"
		    " AND (?2 = 0 OR a.display_listed = 1)"
		    " ORDER BY a.install_points - a.rank_penalty DESC, a.installs DESC, COALESCE(a.released_at, 0) DESC,"
		    " a.id DESC LIMIT ?3 OFFSET ?4");
	if (!st)
		return KF_EDB;
	kf_stmt_bind_text(st, 1, f->category);
	kf_stmt_bind_int(st, 2, f->featured);
	kf_stmt_bind_int(st, 3, want);
	kf_stmt_bind_int(st, 4, skip);
	enum kf_step s;
	while ((s = kf_stmt_step(st)) == KF_STEP_ROW && *n < want)
		ids[(*n)++] = kf_stmt_int(st, 0);
	kf_stmt_done(st);
	return s == KF_STEP_ERROR ? KF_EDB : KF_OK;
}

json_t *kf_store_market_rows(struct kf_db *db, const int64_t *ids, int n)
{
	json_t *out = json_array();
	for (int i = 0; i < n; i++) {
		struct kf_stmt *st = kf_db_prepare(
			db, "SELECT a.id, a.app_id, l.body, a.released_version, COALESCE(a.released_at, 0) AS released_at,"
			    " a.display_listed, a.installs, e.legal_name AS entity_name, e.verified_at FROM apps a"
			    " JOIN listings l ON l.id = a.live_listing_id JOIN orgs o ON o.id = a.provider_id"
			    " LEFT JOIN entities e ON e.id = o.entity_id WHERE a.id = ?");
		if (!st) {
			json_decref(out);
			return NULL;
		}
		kf_stmt_bind_int(st, 1, ids[i]);
		json_t *rows = kf_stmt_rows_json(st);
		if (!rows) {
			json_decref(out);
			return NULL;
		}
		json_array_extend(out, rows);
		json_decref(rows);
	}
	return out;
}
