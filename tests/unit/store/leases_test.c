/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Unit tests for src/store/leases.c: the scheduled-work leases as several
 * kaifangd see them, each process played by its own connection to one
 * database file. The race test lets many connections claim an expired
 * lease at the same moment: exactly one may get it.
 */
#include <pthread.h>
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
#include "store/leases.h"
#include "store/migrate.h"
#include "util/crypto.h"

#define T0 INT64_C(1772416800)
#define A "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
#define B "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"
#define RACERS 8

struct fixture {
	char dir[64];
	char path[96];
	struct kf_db *a, *b; /* two processes */
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	snprintf(f->dir, sizeof(f->dir), "/tmp/kf-lease-test-XXXXXX");
	if (!mkdtemp(f->dir))
		return -1;
	snprintf(f->path, sizeof(f->path), "%s/t.db", f->dir);
	struct kf_error err = {0};
	if (kf_crypto_init() != KF_OK || kf_db_open(f->path, &f->a, &err) != KF_OK ||
	    kf_migrate(f->a, T0, NULL, &err) != KF_OK || kf_db_open(f->path, &f->b, &err) != KF_OK)
		return -1;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	kf_db_close(f->a);
	kf_db_close(f->b);
	char cmd[160];
	snprintf(cmd, sizeof(cmd), "rm -rf %s", f->dir);
	if (system(cmd) != 0)
		return -1;
	free(f);
	return 0;
}

static void test_first_claim_takes_the_lease(void **state)
{
	struct fixture *f = *state;
	struct kf_lease l;
	assert_int_equal(kf_store_lease_get(f->a, "tickets", &l), KF_OK);
	assert_string_equal(l.holder, "");
	assert_int_equal(l.until, 0);
	assert_int_equal(kf_store_lease_acquire(f->a, "tickets", A, T0, 30, &l), KF_OK);
	assert_string_equal(l.holder, A);
	assert_int_equal(l.until, T0 + 30);
	assert_true(kf_lease_held(&l, A, T0));
	/* the other process reads the same */
	assert_int_equal(kf_store_lease_get(f->b, "tickets", &l), KF_OK);
	assert_string_equal(l.holder, A);
}

static void test_held_lease_is_refused_to_another(void **state)
{
	struct fixture *f = *state;
	struct kf_lease l;
	assert_int_equal(kf_store_lease_acquire(f->a, "tickets", A, T0, 30, &l), KF_OK);
	assert_int_equal(kf_store_lease_acquire(f->b, "tickets", B, T0 + 29, 30, &l), KF_OK);
	assert_string_equal(l.holder, A);
	assert_int_equal(l.until, T0 + 30);
	assert_false(kf_lease_held(&l, B, T0 + 29));
	/* other names are other leases */
	assert_int_equal(kf_store_lease_acquire(f->b, "mail", B, T0 + 29, 30, &l), KF_OK);
	assert_string_equal(l.holder, B);
}

static void test_renewal_moves_until(void **state)
{
	struct fixture *f = *state;
	struct kf_lease l;
	assert_int_equal(kf_store_lease_acquire(f->a, "tickets", A, T0, 30, &l), KF_OK);
	assert_int_equal(kf_store_lease_acquire(f->a, "tickets", A, T0 + 20, 30, &l), KF_OK);
	assert_string_equal(l.holder, A);
	assert_int_equal(l.until, T0 + 50);
	assert_int_equal(kf_store_lease_acquire(f->b, "tickets", B, T0 + 40, 30, &l), KF_OK);
	assert_string_equal(l.holder, A);
}

static void test_expired_lease_is_taken_over(void **state)
{
	struct fixture *f = *state;
	struct kf_lease l;
	assert_int_equal(kf_store_lease_acquire(f->a, "tickets", A, T0, 30, &l), KF_OK);
	/* A died: nothing renews; at until the lease is free */
	assert_int_equal(kf_store_lease_acquire(f->b, "tickets", B, T0 + 30, 30, &l), KF_OK);
	assert_string_equal(l.holder, B);
	assert_int_equal(l.until, T0 + 60);
	/* A, were it only slow, finds it lost and cannot take it back */
	assert_int_equal(kf_store_lease_acquire(f->a, "tickets", A, T0 + 31, 30, &l), KF_OK);
	assert_string_equal(l.holder, B);
	assert_false(kf_lease_held(&l, A, T0 + 31));
}

static void test_release_frees_at_once_only_for_the_holder(void **state)
{
	struct fixture *f = *state;
	struct kf_lease l;
	assert_int_equal(kf_store_lease_acquire(f->a, "retention", A, T0, 30, &l), KF_OK);
	assert_int_equal(kf_store_lease_release(f->b, "retention", B), KF_OK);
	assert_int_equal(kf_store_lease_get(f->b, "retention", &l), KF_OK);
	assert_int_equal(l.until, T0 + 30);
	assert_int_equal(kf_store_lease_release(f->a, "retention", A), KF_OK);
	assert_int_equal(kf_store_lease_acquire(f->b, "retention", B, T0 + 1, 30, &l), KF_OK);
	assert_string_equal(l.holder, B);
}

static void test_malformed_holder_refused(void **state)
{
	struct fixture *f = *state;
	struct kf_lease l;
	assert_int_equal(kf_store_lease_acquire(f->a, "tickets", "", T0, 30, &l), KF_EINVAL);
	assert_int_equal(kf_store_lease_acquire(f->a, "tickets", "short", T0, 30, &l), KF_EINVAL);
	assert_int_equal(kf_store_lease_get(f->a, "tickets", &l), KF_OK);
	assert_string_equal(l.holder, "");
}

struct racer {
	const char *path;
	char holder[KF_LEASE_HOLDER_LEN + 1];
	pthread_barrier_t *go;
	bool held;
	enum kf_err rc;
};

static void *race(void *arg)
{
	struct racer *r = arg;
	struct kf_db *db = NULL;
	struct kf_error err = {0};
	r->rc = kf_db_open(r->path, &db, &err);
	pthread_barrier_wait(r->go);
	if (r->rc != KF_OK)
		return NULL;
	struct kf_lease l;
	r->rc = kf_store_lease_acquire(db, "tickets", r->holder, T0 + 100, 30, &l);
	r->held = r->rc == KF_OK && kf_lease_held(&l, r->holder, T0 + 100);
	kf_db_close(db);
	return NULL;
}

/* Many processes see the same expired lease at the same moment: exactly
 * one of them gets it. */
static void test_concurrent_claims_one_winner(void **state)
{
	struct fixture *f = *state;
	struct kf_lease l;
	assert_int_equal(kf_store_lease_acquire(f->a, "tickets", A, T0, 30, &l), KF_OK); /* expired by T0 + 100 */
	pthread_barrier_t go;
	pthread_barrier_init(&go, NULL, RACERS);
	struct racer r[RACERS];
	pthread_t t[RACERS];
	for (int i = 0; i < RACERS; i++) {
		r[i] = (struct racer){.path = f->path, .go = &go};
		memset(r[i].holder, '0' + i, KF_LEASE_HOLDER_LEN);
		r[i].holder[KF_LEASE_HOLDER_LEN] = '\0';
		assert_int_equal(pthread_create(&t[i], NULL, race, &r[i]), 0);
	}
	int winners = 0;
	for (int i = 0; i < RACERS; i++) {
		pthread_join(t[i], NULL);
		assert_int_equal(r[i].rc, KF_OK);
		winners += r[i].held;
	}
	pthread_barrier_destroy(&go);
	assert_int_equal(winners, 1);
	assert_int_equal(kf_store_lease_get(f->a, "tickets", &l), KF_OK);
	assert_int_equal(l.until, T0 + 130);
	for (int i = 0; i < RACERS; i++)
		if (r[i].held)
			assert_string_equal(l.holder, r[i].holder);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_first_claim_takes_the_lease, setup, teardown),
		cmocka_unit_test_setup_teardown(test_held_lease_is_refused_to_another, setup, teardown),
		cmocka_unit_test_setup_teardown(test_renewal_moves_until, setup, teardown),
		cmocka_unit_test_setup_teardown(test_expired_lease_is_taken_over, setup, teardown),
		cmocka_unit_test_setup_teardown(test_release_frees_at_once_only_for_the_holder, setup, teardown),
		cmocka_unit_test_setup_teardown(test_malformed_holder_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_concurrent_claims_one_winner, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
