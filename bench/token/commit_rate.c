/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The single-row durable commit rate of this disk: the second baseline of
 * bench/token. One connection to a fresh SQLite file in DIR, WAL with
 * synchronous=FULL (kaifangd's settings before group commit), N rounds of
 * BEGIN IMMEDIATE; INSERT one row; COMMIT, for SECONDS seconds. Prints the
 * commits per second. Not a test: a measurement, like the rest of bench/.
 * usage: commit_rate DIR [seconds]
 */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double now_s(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static int run(sqlite3 *h, const char *sql)
{
	char *msg = NULL;
	if (sqlite3_exec(h, sql, NULL, NULL, &msg) != SQLITE_OK) {
		fprintf(stderr, "commit_rate: %s: %s\n", sql, msg ? msg : "?");
		sqlite3_free(msg);
		return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: commit_rate DIR [seconds]\n");
		return 2;
	}
	double secs = argc > 2 ? atof(argv[2]) : 5;
	char path[4096];
	snprintf(path, sizeof(path), "%s/commit-rate.db", argv[1]);
	sqlite3 *h = NULL;
	int rc = 1;
	sqlite3_stmt *ins = NULL;
	if (sqlite3_open(path, &h) != SQLITE_OK) {
		fprintf(stderr, "commit_rate: cannot open %s\n", path);
		goto out;
	}
	if (run(h, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;"
		   "CREATE TABLE IF NOT EXISTS t (id INTEGER PRIMARY KEY, v TEXT NOT NULL, at INTEGER NOT NULL)"))
		goto out;
	if (sqlite3_prepare_v2(h, "INSERT INTO t (v, at) VALUES (?, ?)", -1, &ins, NULL) != SQLITE_OK)
		goto out;
	/* a row the size of a token row: a 64-character hash and an integer */
	const char *v = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
	long n = 0;
	double t0 = now_s(), t;
	do {
		if (run(h, "BEGIN IMMEDIATE"))
			goto out;
		sqlite3_bind_text(ins, 1, v, -1, SQLITE_STATIC);
		sqlite3_bind_int64(ins, 2, (sqlite3_int64)n);
		if (sqlite3_step(ins) != SQLITE_DONE) {
			fprintf(stderr, "commit_rate: insert: %s\n", sqlite3_errmsg(h));
			goto out;
		}
		sqlite3_reset(ins);
		if (run(h, "COMMIT"))
			goto out;
		n++;
		t = now_s();
	} while (t - t0 < secs);
	printf("%.0f\n", (double)n / (t - t0));
	rc = 0;
out:
	sqlite3_finalize(ins);
	sqlite3_close(h);
	return rc;
}
