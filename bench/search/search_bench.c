/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Marketplace search benchmark (not a test): N generated listings (Chinese
 * and Latin names, keywords, introductions, developers) loaded straight
 * into a fresh database (the schema of the migrations; the posting rows
 * computed by core/search.c, as store/search.c writes them), then p50 and
 * p99 of queries of five classes through kf_store_search_query, against a
 * LIKE scan of the same text and (SQLite) a plain FTS5 trigram table, in
 * the same run. One line per class and method: class=… method=… p50_ms=…
 * p99_ms=… hits_avg=….
 *
 * usage: search_bench <database: a file path or a postgres:// URI> [listings]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/search.h"
#include "store/db.h"
#include "store/migrate.h"
#include "store/search.h"

#define BATCH 100
#define QUERIES 1000
#define LIMIT 20

static const char *const WORDS[] = {
	"天气", "日历", "会议", "文档", "审批", "考勤", "报销", "客户", "销售", "财务", "招聘", "培训", "项目",
	"任务", "笔记", "相册", "地图", "翻译", "邮件", "通讯", "直播", "投票", "问卷", "打卡", "排班", "合同",
	"发票", "采购", "库存", "物流", "门店", "会员", "积分", "营销", "数据", "报表", "云盘", "白板", "日志",
	"健康"};
#define NWORDS (sizeof(WORDS) / sizeof(WORDS[0]))
static const char *const SUFFIX[] = {"管家", "宝", "通", "云", "大师", "专家", "精灵", "中心", "平台"};
#define NSUFFIX (sizeof(SUFFIX) / sizeof(SUFFIX[0]))
static const char *const LATIN[] = {"Cloud", "Smart", "Flow", "Desk", "Hub", "Sync", "Team", "Note", "Plan", "Task",
				    "Mail", "Data", "Form", "Chat", "Meet", "Sign", "Time", "Docs", "Pay", "Map"};
#define NLATIN (sizeof(LATIN) / sizeof(LATIN[0]))
/* 100 common characters: three of them make a listing's own rare code */
static const char RARE_CHARS[] = "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使点从业本去把性好应开它合还因由其些然前外天政四日那社义事平形相全表间样与关各重新线内数正心反你明看原又么利比或但质气第向道命此变条只没结解问意建月公无系军很情者最立代想已通并提直题党程展五果料象员革位入常文总次品式活设及管特件长求老头基资边流路级少图山统接知较将组见计别她手角期根论运农指几九区强放决西被干做必战先回则任取据处队南给色光门即保治北造百规热领七海口东导器压志世金增争济阶油思术极交受联什认六共权收证改清己美再采转更单风切打白教速花带安场身车例真务具万每目至达走积示议声报斗完类八离华名确才科张信马节话米整空元况今集温传土许步群广石记需段研界拉林律叫且究观越织装影算低持音众书布复容儿须际商非验连断深难近矿千周委素技备半办青省列习响约支般史感劳便团往酸历市克何除消构府称太准精值号率族维划选标写存候毛亲快效斯院查江型眼王按格养易置派层片始却专状育厂京识适属圆包火住调满县局照参红细引听该铁价严龙飞";

static unsigned rng_state = 12345;
static unsigned rnd(void)
{
	rng_state = rng_state * 1103515245u + 12345u;
	return (rng_state >> 8) & 0xffffff;
}

/* The k-th CJK character (3 bytes) of RARE_CHARS into out. */
static void rare_char(unsigned k, char *out)
{
	size_t n = (sizeof(RARE_CHARS) - 1) / 3;
	memcpy(out, RARE_CHARS + (k % n) * 3, 3);
}

struct listing {
	char name[64], keywords[96], intro[160], dev[64], rare[16];
};

/* Listing i: 10% carry the hot word 助手 in the name; every one a rare
 * code of three characters in its introduction; a fifth are Latin. */
static void gen(unsigned i, struct listing *l)
{
	unsigned a = rnd() % NWORDS, b = rnd() % NWORDS, s = rnd() % NSUFFIX;
	char code[10] = {0};
	rare_char(i * 7919u + 13u, code);
	rare_char(i / 211u + 5u, code + 3);
	rare_char(i % 211u, code + 6);
	snprintf(l->rare, sizeof(l->rare), "%s", code);
	if (i % 5 == 4)
		snprintf(l->name, sizeof(l->name), "%s%s%u", LATIN[rnd() % NLATIN], LATIN[rnd() % NLATIN], i % 1000);
	else
		snprintf(l->name, sizeof(l->name), "%s%s%s", WORDS[a], i % 10 == 0 ? "助手" : SUFFIX[s],
			 b % 3 ? "" : WORDS[b]);
	snprintf(l->keywords, sizeof(l->keywords), "%s" KF_SEARCH_SEP "%s", WORDS[b], LATIN[a % NLATIN]);
	snprintf(l->intro, sizeof(l->intro), "%s和%s一站式办理%s", WORDS[(a + 1) % NWORDS], WORDS[(b + 3) % NWORDS], code);
	snprintf(l->dev, sizeof(l->dev), "%s%s科技有限公司", WORDS[(a * 7) % NWORDS], SUFFIX[(b * 3) % NSUFFIX]);
}

static double now_ms(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

static double cpu_ms(void)
{
	struct timespec t;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
	return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

static int dcmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static void die(const char *what, struct kf_db *db)
{
	fprintf(stderr, "search_bench: %s: %s\n", what, db ? kf_db_errmsg(db) : "");
	exit(1);
}

static void exec(struct kf_db *db, const char *sql)
{
	struct kf_error err = {0};
	if (kf_db_exec_script(db, sql, &err) != KF_OK)
		die(sql, db);
}

/* Multi-row INSERT texts, built once (statements are cached by address). */
static char *posting_sql, *doc_sql, *app_sql;

static char *rows_sql(const char *head, int cols, int rows)
{
	size_t cap = strlen(head) + (size_t)rows * (size_t)(cols * 2 + 4) + 16;
	char *s = malloc(cap), *p = s;
	p += sprintf(p, "%s", head);
	for (int r = 0; r < rows; r++) {
		*p++ = r ? ',' : ' ';
		*p++ = '(';
		for (int c = 0; c < cols; c++) {
			if (c)
				*p++ = ',';
			*p++ = '?';
		}
		*p++ = ')';
	}
	*p = '\0';
	return s;
}

struct pbuf {
	char gram[BATCH][KF_SEARCH_GRAM_MAX];
	int score[BATCH];
	int64_t app[BATCH];
	int n;
};

static void flush_postings(struct kf_db *db, struct pbuf *b, bool final)
{
	if (b->n == 0)
		return;
	if (b->n < BATCH && !final)
		return;
	if (b->n == BATCH) {
		struct kf_stmt *st = kf_db_prepare(db, posting_sql);
		if (!st)
			die("prepare postings", db);
		for (int i = 0; i < b->n; i++) {
			kf_stmt_bind_text(st, i * 3 + 1, b->gram[i]);
			kf_stmt_bind_int(st, i * 3 + 2, b->score[i]);
			kf_stmt_bind_int(st, i * 3 + 3, b->app[i]);
		}
		if (kf_stmt_exec(st) != KF_OK)
			die("insert postings", db);
	} else {
		for (int i = 0; i < b->n; i++) {
			struct kf_stmt *st = kf_db_prepare(db, "INSERT INTO search_postings (gram, score, app) VALUES (?, ?, ?)");
			kf_stmt_bind_text(st, 1, b->gram[i]);
			kf_stmt_bind_int(st, 2, b->score[i]);
			kf_stmt_bind_int(st, 3, b->app[i]);
			if (kf_stmt_exec(st) != KF_OK)
				die("insert posting", db);
		}
	}
	b->n = 0;
}

static void load(struct kf_db *db, unsigned n, bool sqlite, struct listing *ls)
{
	posting_sql = rows_sql("INSERT INTO search_postings (gram, score, app) VALUES", 3, BATCH);
	exec(db, "INSERT INTO entities (id, kind, legal_name, legal_name_norm, licence_no, created_at)"
		 " VALUES (1, 'company', 'Bench', 'bench', 'x', 0);"
		 "INSERT INTO orgs (id, kind, name, state, entity_id, created_at, updated_at)"
		 " VALUES (1, 'provider', 'Bench', 'certified', 1, 0, 0)");
	if (kf_db_begin(db) != KF_OK)
		die("begin", db);
	struct pbuf *pb = calloc(1, sizeof(*pb));
	(void)doc_sql;
	(void)app_sql;
	size_t rows = 0;
	for (unsigned i = 0; i < n; i++) {
		struct listing *l = &ls[i];
		gen(i, l);
		int64_t id = i + 1;
		char appid[24];
		snprintf(appid, sizeof(appid), "kf%016x", i + 1);
		struct kf_stmt *st = kf_db_prepare(
			db, "INSERT INTO apps (id, app_id, provider_id, state, audience, created_at, updated_at, search_listed,"
			    " released_at, installs, install_points) VALUES (?, ?, 1, 'released', 'public', 0, 0, 1, ?, ?, ?)");
		int64_t installs = rnd() % 2000;
		kf_stmt_bind_int(st, 1, id);
		kf_stmt_bind_text(st, 2, appid);
		kf_stmt_bind_int(st, 3, i);
		kf_stmt_bind_int(st, 4, installs);
		kf_stmt_bind_int(st, 5, kf_search_pop(installs));
		if (kf_stmt_exec(st) != KF_OK)
			die("insert app", db);
		char *name = kf_search_normalize(l->name), *kw = kf_search_normalize(l->keywords),
		     *intro = kf_search_normalize(l->intro), *dev = kf_search_normalize(l->dev), *py, *ini;
		/* normalisation keeps the separator out: join the keywords again */
		free(kw);
		kw = strdup(l->keywords);
		kf_search_pinyin(name, &py, &ini);
		struct kf_search_doc d = {name, py, ini, kw, intro, dev};
		st = kf_db_prepare(db, "INSERT INTO search_docs (app, category, name, pinyin, initials, keywords, intro,"
				       " developer) VALUES (?, 'tools', ?, ?, ?, ?, ?, ?)");
		kf_stmt_bind_int(st, 1, id);
		kf_stmt_bind_text(st, 2, name);
		kf_stmt_bind_text(st, 3, py ? py : "");
		kf_stmt_bind_text(st, 4, ini ? ini : "");
		kf_stmt_bind_text(st, 5, kw);
		kf_stmt_bind_text(st, 6, intro);
		kf_stmt_bind_text(st, 7, dev);
		if (kf_stmt_exec(st) != KF_OK)
			die("insert doc", db);
		if (sqlite) {
			st = kf_db_prepare(db, "INSERT INTO bench_fts (rowid, name, keywords, intro, developer) VALUES (?, ?, ?, ?, ?)");
			kf_stmt_bind_int(st, 1, id);
			kf_stmt_bind_text(st, 2, name);
			kf_stmt_bind_text(st, 3, kw);
			kf_stmt_bind_text(st, 4, intro);
			kf_stmt_bind_text(st, 5, dev);
			if (kf_stmt_exec(st) != KF_OK)
				die("insert fts", db);
		}
		struct kf_search_gram *g;
		size_t ng;
		kf_search_grams(&d, &g, &ng);
		for (size_t k = 0; k < ng; k++) {
			snprintf(pb->gram[pb->n], KF_SEARCH_GRAM_MAX, "%s", g[k].gram);
			pb->score[pb->n] = g[k].score + kf_search_pop(installs);
			pb->app[pb->n] = id;
			pb->n++;
			flush_postings(db, pb, false);
		}
		rows += ng;
		free(g);
		free(name);
		free(kw);
		free(intro);
		free(dev);
		free(py);
		free(ini);
		if ((i + 1) % 20000 == 0) {
			flush_postings(db, pb, true);
			if (kf_db_commit(db) != KF_OK || kf_db_begin(db) != KF_OK)
				die("commit", db);
			fprintf(stderr, "loaded %u listings, %zu postings\n", i + 1, rows);
		}
	}
	flush_postings(db, pb, true);
	if (kf_db_commit(db) != KF_OK)
		die("commit", db);
	free(pb);
	printf("listings=%u postings=%zu\n", n, rows);
}

typedef int (*method_fn)(struct kf_db *db, const char *q);

static int by_store(struct kf_db *db, const char *q)
{
	char *nq = kf_search_normalize(q);
	int64_t ids[LIMIT + 1];
	int n = 0;
	struct kf_market_filter f = {NULL, false};
	if (kf_store_search_query(db, nq, &f, 0, LIMIT + 1, ids, &n) != KF_OK)
		die("search", db);
	free(nq);
	return n;
}

static int rows_of(struct kf_db *db, struct kf_stmt *st)
{
	if (!st)
		die("prepare", db);
	int n = 0;
	enum kf_step s;
	while ((s = kf_stmt_step(st)) == KF_STEP_ROW)
		n++;
	kf_stmt_done(st);
	if (s == KF_STEP_ERROR)
		die("step", db);
	return n;
}

/* The same text, the same filters, no index: LIKE over every field. */
static int by_like(struct kf_db *db, const char *q)
{
	char *nq = kf_search_normalize(q);
	char *pat = malloc(strlen(nq) + 3);
	sprintf(pat, "%%%s%%", nq);
	struct kf_stmt *st = kf_db_prepare(
		db, "SELECT d.app FROM search_docs d JOIN apps a ON a.id = d.app WHERE a.state = 'released'"
		    " AND a.search_listed = 1 AND a.not_recommended = 0 AND a.search_banned = 0 AND (d.name LIKE ?1"
		    " OR d.pinyin LIKE ?1 OR d.initials LIKE ?1 OR d.keywords LIKE ?1 OR d.intro LIKE ?1"
		    " OR d.developer LIKE ?1) ORDER BY a.installs DESC LIMIT 21");
	kf_stmt_bind_text(st, 1, pat);
	int n = rows_of(db, st);
	free(pat);
	free(nq);
	return n;
}

/* Plain FTS5 with the trigram tokenizer, ranked by bm25. */
static int by_fts(struct kf_db *db, const char *q)
{
	char *nq = kf_search_normalize(q);
	char *m = malloc(strlen(nq) + 3);
	sprintf(m, "\"%s\"", nq);
	struct kf_stmt *st =
		kf_db_prepare(db, "SELECT rowid FROM bench_fts WHERE bench_fts MATCH ? ORDER BY rank LIMIT 21");
	kf_stmt_bind_text(st, 1, m);
	int n = rows_of(db, st);
	free(m);
	free(nq);
	return n;
}

static void run(struct kf_db *db, const char *cls, const char *method, method_fn fn, char **qs, int nq)
{
	double *t = malloc(sizeof(double) * (size_t)nq), *c = malloc(sizeof(double) * (size_t)nq);
	long hits = 0;
	for (int i = 0; i < nq; i++) {
		double a = now_ms(), ac = cpu_ms();
		hits += fn(db, qs[i]);
		t[i] = now_ms() - a;
		c[i] = cpu_ms() - ac;
	}
	qsort(t, (size_t)nq, sizeof(double), dcmp);
	qsort(c, (size_t)nq, sizeof(double), dcmp);
	int p99 = (nq * 99) / 100 < nq ? (nq * 99) / 100 : nq - 1;
	/* wall time, and the CPU time of this process (on PostgreSQL the
	 * server's work is in the wall time only) */
	printf("class=%-6s method=%-6s p50_ms=%.3f p99_ms=%.3f cpu_p50_ms=%.3f cpu_p99_ms=%.3f hits_avg=%.1f\n", cls,
	       method, t[nq / 2], t[p99], c[nq / 2], c[p99], (double)hits / nq);
	free(c);
	fflush(stdout);
	free(t);
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: search_bench <database> [listings]\n");
		return 2;
	}
	unsigned n = argc > 2 ? (unsigned)atoi(argv[2]) : 100000;
	struct kf_db *db;
	struct kf_error err = {0};
	if (kf_db_open(argv[1], &db, &err) != KF_OK) {
		fprintf(stderr, "search_bench: %s\n", err.msg);
		return 1;
	}
	bool sqlite = !kf_db_target_is_pg(argv[1]);
	int applied;
	if (kf_migrate(db, 0, &applied, &err) != KF_OK) {
		fprintf(stderr, "search_bench: %s\n", err.msg);
		return 1;
	}
	if (sqlite)
		exec(db, "PRAGMA synchronous=OFF; PRAGMA foreign_keys=OFF; PRAGMA cache_size=-262144;"
			 "CREATE VIRTUAL TABLE bench_fts USING fts5(name, keywords, intro, developer, tokenize='trigram')");
	struct listing *ls = calloc(n, sizeof(*ls));
	double t0 = now_ms();
	load(db, n, sqlite, ls);
	printf("engine=%s load_s=%.1f\n", kf_db_engine_name(db), (now_ms() - t0) / 1000);
	if (!sqlite)
		exec(db, "ANALYZE");
	else
		exec(db, "ANALYZE");

	/* the query classes, QUERIES each */
	char *rare[QUERIES], *hot[QUERIES], *one[QUERIES], *two[QUERIES], *pin[QUERIES];
	static const char *const HOT[] = {"助手"};
	static const char *const PIN[] = {"tianqi", "tq", "huiyi", "wendang", "kaoqin", "hy", "rili", "sp"};
	for (int i = 0; i < QUERIES; i++) {
		rare[i] = strdup(ls[(rnd() % n)].rare);
		hot[i] = strdup(HOT[0]);
		char c[4] = {0};
		rare_char(rnd(), c);
		one[i] = strdup(c);
		two[i] = strdup(WORDS[rnd() % NWORDS]);
		pin[i] = strdup(PIN[rnd() % (sizeof(PIN) / sizeof(PIN[0]))]);
	}
	struct {
		const char *name;
		char **qs;
	} classes[] = {{"rare", rare}, {"hot", hot}, {"1char", one}, {"2char", two}, {"pinyin", pin}};
	/* warm the caches once */
	for (size_t c = 0; c < 5; c++)
		for (int i = 0; i < 10; i++)
			by_store(db, classes[c].qs[i]);
	for (size_t c = 0; c < 5; c++) {
		run(db, classes[c].name, "store", by_store, classes[c].qs, QUERIES);
		run(db, classes[c].name, "like", by_like, classes[c].qs, c == 0 ? 20 : QUERIES / 10);
		if (sqlite)
			run(db, classes[c].name, "fts5", by_fts, classes[c].qs, QUERIES);
	}
	if (!sqlite) {
		/* the same through plans made for each gram rather than PostgreSQL's
		 * generic plan of a prepared statement */
		exec(db, "SET plan_cache_mode = force_custom_plan");
		for (size_t c = 0; c < 5; c++)
			run(db, classes[c].name, "store-custom-plan", by_store, classes[c].qs, QUERIES);
	}
	for (int i = 0; i < QUERIES; i++) {
		free(rare[i]);
		free(hot[i]);
		free(one[i]);
		free(two[i]);
		free(pin[i]);
	}
	free(ls);
	kf_db_close(db);
	return 0;
}
