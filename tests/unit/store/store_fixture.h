/* SPDX-License-Identifier: Apache-2.0 */
/* A fresh migrated database in a temporary directory for the store tests
 * (each test gets its own), and a one-integer query helper. */
#ifndef KF_TESTS_STORE_FIXTURE_H
#define KF_TESTS_STORE_FIXTURE_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "store/db.h"
#include "store/migrate.h"
#include "util/crypto.h"
#include "util/mem.h"

struct store_fixture {
	char dir[64];
	char path[96];
	struct kf_db *db;
	struct kf_arena *arena;
};

static inline int store_setup(void **state)
{
	struct store_fixture *f = calloc(1, sizeof(*f));
	snprintf(f->dir, sizeof(f->dir), "/tmp/kf-store-test-XXXXXX");
	if (!mkdtemp(f->dir))
		return -1;
	snprintf(f->path, sizeof(f->path), "%s/t.db", f->dir);
	struct kf_error err = {0};
	if (kf_crypto_init() != KF_OK || kf_db_open(f->path, &f->db, &err) != KF_OK ||
	    kf_migrate(f->db, 1700000000, NULL, &err) != KF_OK)
		return -1;
	f->arena = kf_arena_new();
	*state = f;
	return 0;
}

static inline int store_teardown(void **state)
{
	struct store_fixture *f = *state;
	kf_db_close(f->db);
	kf_arena_free(f->arena);
	char cmd[160];
	snprintf(cmd, sizeof(cmd), "rm -rf %s", f->dir);
	if (system(cmd) != 0)
		return -1;
	free(f);
	return 0;
}

/* The first column of the first row of sql, whose one parameter (if any)
 * is bound to arg. */
static inline int64_t store_q(struct kf_db *db, const char *sql, int64_t arg)
{
	struct kf_stmt *st = kf_db_prepare(db, sql);
	assert_non_null(st);
	if (strchr(sql, '?'))
		kf_stmt_bind_int(st, 1, arg);
	assert_int_equal(kf_stmt_step(st), KF_STEP_ROW);
	int64_t v = kf_stmt_int(st, 0);
	kf_stmt_done(st);
	return v;
}

#endif
