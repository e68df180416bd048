/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Unit tests for src/push/tickets.c against a temporary SQLite database:
 * which apps get a ticket in a pass, the interval, the payload pushed
 * through the outbox, only digests stored, the current and the previous
 * ticket valid for 12 hours, and the transaction rules of
 * kf_push_ticket_now.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/push.h"
#include "ctx.h"
#include "proto/envelope.h"
#include "push/push.h"
#include "store/db.h"
#include "store/migrate.h"
#include "store/outbox.h"
#include "util/crypto.h"

#define NOW 1800000000
#define INTERVAL 600
#define FULL_DEV "{\"auth_receive_url\":\"https://a.example.com/auth\",\"message_token\":\"tok123\",\"aes_key\":\"kWxPEV2UEDyxWpmPdKC3F4dgPDmOvfKX1HGnEUDS1aR\"}"

struct fx {
	char dir[64], path[96];
	struct kf_ctx ctx;
	struct kf_db *db;
};

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));
	snprintf(f->dir, sizeof(f->dir), "/tmp/kf-tickets-test-XXXXXX");
	if (!mkdtemp(f->dir))
		return -1;
	snprintf(f->path, sizeof(f->path), "%s/t.db", f->dir);
	struct kf_error err = {0};
	if (kf_crypto_init() != KF_OK || kf_db_open(f->path, &f->db, &err) != KF_OK ||
	    kf_migrate(f->db, 1700000000, NULL, &err) != KF_OK)
		return -1;
	f->ctx.cfg.ticket_interval = INTERVAL;
	if (kf_db_exec_script(f->db,
			      "INSERT INTO orgs (id, kind, name, state, created_at, updated_at) VALUES (1, 'provider', 'P',"
			      " 'certified', 0, 0);",
			      &err) != KF_OK)
		return -1;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	kf_db_close(f->db);
	char cmd[160];
	snprintf(cmd, sizeof(cmd), "rm -rf %s", f->dir);
	if (system(cmd) != 0)
		return -1;
	free(f);
	return 0;
}

static int64_t q_int(struct kf_db *db, const char *sql, int64_t arg)
{
	struct kf_stmt *st = kf_db_prepare(db, sql);
	assert_non_null(st);
	kf_stmt_bind_int(st, 1, arg);
	assert_int_equal(kf_stmt_step(st), KF_STEP_ROW);
	int64_t v = kf_stmt_int(st, 0);
	kf_stmt_done(st);
	return v;
}

static int64_t q_all(struct kf_db *db, const char *sql)
{
	struct kf_stmt *st = kf_db_prepare(db, sql);
	assert_non_null(st);
	assert_int_equal(kf_stmt_step(st), KF_STEP_ROW);
	int64_t v = kf_stmt_int(st, 0);
	kf_stmt_done(st);
	return v;
}

/* App row id; dev NULL = no live config; deleted sets deleted_at. */
static int64_t add_app(struct fx *f, int64_t id, const char *state, const char *dev, bool deleted)
{
	char app_id[24];
	snprintf(app_id, sizeof(app_id), "kf%016llx", (unsigned long long)id);
	struct kf_stmt *st = kf_db_prepare(f->db, "INSERT INTO apps (id, app_id, provider_id, state, audience, created_at,"
						  " updated_at, deleted_at) VALUES (?, ?, 1, ?, 'public', 0, 0, ?)");
	kf_stmt_bind_int(st, 1, id);
	kf_stmt_bind_text(st, 2, app_id);
	kf_stmt_bind_text(st, 3, state);
	if (deleted)
		kf_stmt_bind_int(st, 4, 5);
	else
		kf_stmt_bind_null(st, 4);
	assert_int_equal(kf_stmt_exec(st), KF_OK);
	if (!dev)
		return id;
	char cfg[1024];
	snprintf(cfg, sizeof(cfg), "{\"name\":\"App %lld\",\"dev\":%s}", (long long)id, dev);
	st = kf_db_prepare(f->db, "INSERT INTO app_configs (id, app, version, config, created_at) VALUES (?, ?, 1, ?, 0)");
	kf_stmt_bind_int(st, 1, id);
	kf_stmt_bind_int(st, 2, id);
	kf_stmt_bind_text(st, 3, cfg);
	assert_int_equal(kf_stmt_exec(st), KF_OK);
	st = kf_db_prepare(f->db, "UPDATE apps SET live_config_id = ? WHERE id = ?");
	kf_stmt_bind_int(st, 1, id);
	kf_stmt_bind_int(st, 2, id);
	assert_int_equal(kf_stmt_exec(st), KF_OK);
	return id;
}

/* The ticket of the n-th (0-based) ticket event of app, from its payload,
 * after checking the payload (§6). */
static void ticket_of(struct fx *f, int64_t app, int n, int64_t created, char out[KF_PUSH_TICKET_LEN + 1])
{
	struct kf_stmt *st = kf_db_prepare(f->db, "SELECT payload, kind, target, state, created_at FROM outbox"
						  " WHERE app = ? ORDER BY id LIMIT 1 OFFSET ?");
	kf_stmt_bind_int(st, 1, app);
	kf_stmt_bind_int(st, 2, n);
	assert_int_equal(kf_stmt_step(st), KF_STEP_ROW);
	assert_string_equal(kf_stmt_text(st, 1), "component_verify_ticket");
	assert_string_equal(kf_stmt_text(st, 2), "auth_receive");
	assert_string_equal(kf_stmt_text(st, 3), "pending");
	assert_int_equal(kf_stmt_int(st, 4), created);
	struct kf_envelope env;
	struct kf_error err = {0};
	const char *payload = kf_stmt_text(st, 0);
	assert_int_equal(kf_envelope_parse(payload, strlen(payload), &env, &err), KF_OK);
	kf_stmt_done(st);
	char app_id[24], ts[24];
	snprintf(app_id, sizeof(app_id), "kf%016llx", (unsigned long long)app);
	snprintf(ts, sizeof(ts), "%lld", (long long)created);
	assert_int_equal(env.n, 4);
	assert_string_equal(env.fields[0].name, "AppId");
	assert_string_equal(env.fields[0].value, app_id);
	assert_true(env.fields[0].cdata);
	assert_string_equal(env.fields[1].name, "CreateTime");
	assert_string_equal(env.fields[1].value, ts);
	assert_string_equal(env.fields[2].name, "InfoType");
	assert_string_equal(env.fields[2].value, "component_verify_ticket");
	assert_string_equal(env.fields[3].name, "ComponentVerifyTicket");
	assert_true(kf_push_ticket_well_formed(env.fields[3].value));
	snprintf(out, KF_PUSH_TICKET_LEN + 1, "%s", env.fields[3].value);
	kf_envelope_clear(&env);
}

static bool valid(struct fx *f, int64_t app, const char *ticket, int64_t now)
{
	bool v = true;
	assert_int_equal(kf_push_ticket_check(f->db, app, ticket, now, &v, NULL), KF_OK);
	return v;
}

static void test_ticket_pass_chooses_apps(void **state)
{
	struct fx *f = *state;
	add_app(f, 1, "developing", FULL_DEV, false);
	add_app(f, 2, "draft", FULL_DEV, false);
	add_app(f, 3, "creation_review", FULL_DEV, false);
	add_app(f, 4, "release_review", FULL_DEV, false);
	add_app(f, 5, "released", FULL_DEV, false);
	add_app(f, 6, "suspended", FULL_DEV, false);
	add_app(f, 7, "withdrawn", FULL_DEV, false);
	add_app(f, 8, "delisted", FULL_DEV, false);
	add_app(f, 9, "released", FULL_DEV, true); /* deleted */
	add_app(f, 10, "released", NULL, false);   /* no live config */
	add_app(f, 11, "released", "{\"auth_receive_url\":null,\"message_token\":\"tok123\",\"aes_key\":\"x\"}", false);
	add_app(f, 12, "released", "{\"auth_receive_url\":\"https://a.example.com/a\",\"message_token\":\"tok123\"}",
		false); /* cannot encrypt: the ticket could only die */
	add_app(f, 13, "deleted", FULL_DEV, false);

	/* a suspended app gets no ticket: AUTH-5 stops its pushes (issue 9 defect 5) */
	assert_int_equal(kf_push_ticket_pass(&f->ctx, f->db, NOW), 4);
	assert_int_equal(q_all(f->db, "SELECT COUNT(*) FROM outbox WHERE kind = 'component_verify_ticket'"),
			 4);
	assert_int_equal(q_int(f->db, "SELECT COUNT(*) FROM outbox WHERE app = ?", 6), 0);
	static const int64_t got[] = {1, 4, 5, 7};
	for (size_t i = 0; i < 4; i++) {
		assert_int_equal(q_int(f->db, "SELECT COUNT(*) FROM outbox WHERE app = ?", got[i]), 1);
		assert_int_equal(q_int(f->db, "SELECT COUNT(*) FROM verify_tickets WHERE app = ?", got[i]), 1);
		char t[KF_PUSH_TICKET_LEN + 1];
		ticket_of(f, got[i], 0, NOW, t);
		assert_true(valid(f, got[i], t, NOW));
		/* only the digest is stored */
		char hash[65];
		kf_sha256_hex(t, strlen(t), hash);
		struct kf_stmt *st = kf_db_prepare(f->db, "SELECT ticket_hash FROM verify_tickets WHERE app = ?");
		kf_stmt_bind_int(st, 1, got[i]);
		assert_int_equal(kf_stmt_step(st), KF_STEP_ROW);
		assert_string_equal(kf_stmt_text(st, 0), hash);
		kf_stmt_done(st);
	}
}

static void test_ticket_pass_interval(void **state)
{
	struct fx *f = *state;
	add_app(f, 1, "developing", FULL_DEV, false);
	assert_int_equal(kf_push_ticket_pass(&f->ctx, f->db, NOW), 1);
	assert_int_equal(kf_push_ticket_pass(&f->ctx, f->db, NOW), 0);
	assert_int_equal(kf_push_ticket_pass(&f->ctx, f->db, NOW + INTERVAL - 1), 0);
	assert_int_equal(kf_push_ticket_pass(&f->ctx, f->db, NOW + INTERVAL), 1);
	assert_int_equal(kf_push_ticket_pass(&f->ctx, f->db, NOW + INTERVAL + 10), 0);
	f->ctx.cfg.ticket_interval = 60; /* configurable */
	assert_int_equal(kf_push_ticket_pass(&f->ctx, f->db, NOW + INTERVAL + 60), 1);
	assert_int_equal(q_int(f->db, "SELECT COUNT(*) FROM outbox WHERE app = ?", 1), 3);
	assert_int_equal(q_int(f->db, "SELECT COUNT(*) FROM verify_tickets WHERE app = ?", 1), 2);
}

static void test_ticket_current_and_previous_valid(void **state)
{
	struct fx *f = *state;
	add_app(f, 1, "released", FULL_DEV, false);
	add_app(f, 2, "released", FULL_DEV, false);
	char t1[KF_PUSH_TICKET_LEN + 1], t2[KF_PUSH_TICKET_LEN + 1], t3[KF_PUSH_TICKET_LEN + 1],
		other[KF_PUSH_TICKET_LEN + 1];
	assert_int_equal(kf_push_ticket_pass(&f->ctx, f->db, NOW), 2);
	ticket_of(f, 1, 0, NOW, t1);
	ticket_of(f, 2, 0, NOW, other);
	assert_true(valid(f, 1, t1, NOW + 1));
	assert_false(valid(f, 1, other, NOW + 1)); /* another app's ticket */
	assert_int_equal(kf_push_ticket_pass(&f->ctx, f->db, NOW + INTERVAL), 2);
	ticket_of(f, 1, 1, NOW + INTERVAL, t2);
	assert_string_not_equal(t1, t2);
	assert_true(valid(f, 1, t1, NOW + INTERVAL)); /* the previous one */
	assert_true(valid(f, 1, t2, NOW + INTERVAL)); /* the current one */
	assert_int_equal(kf_push_ticket_pass(&f->ctx, f->db, NOW + 2 * INTERVAL), 2);
	ticket_of(f, 1, 2, NOW + 2 * INTERVAL, t3);
	assert_false(valid(f, 1, t1, NOW + 2 * INTERVAL)); /* two newer ones exist */
	assert_true(valid(f, 1, t2, NOW + 2 * INTERVAL));
	assert_true(valid(f, 1, t3, NOW + 2 * INTERVAL));
	assert_int_equal(q_int(f->db, "SELECT COUNT(*) FROM verify_tickets WHERE app = ?", 1), 2);
	/* 12 hours */
	int64_t born = NOW + 2 * INTERVAL;
	assert_true(valid(f, 1, t3, born + KF_PUSH_TICKET_TTL - 1));
	assert_false(valid(f, 1, t3, born + KF_PUSH_TICKET_TTL));
	assert_false(valid(f, 1, t2, NOW + INTERVAL + KF_PUSH_TICKET_TTL));
	/* not before it was issued */
	assert_false(valid(f, 1, t3, born - 1));
	/* malformed or absent */
	assert_false(valid(f, 1, NULL, NOW));
	assert_false(valid(f, 1, "", NOW));
	assert_false(valid(f, 1, "ticket@@@abc", NOW));
	char bad[KF_PUSH_TICKET_LEN + 1];
	memcpy(bad, t3, sizeof(bad));
	bad[20] = bad[20] == 'A' ? 'B' : 'A';
	assert_false(valid(f, 1, bad, born));
	assert_false(valid(f, 99, t3, born)); /* no such app */
}

static void test_ticket_now_transactions(void **state)
{
	struct fx *f = *state;
	add_app(f, 1, "developing", FULL_DEV, false);
	/* on its own: one transaction, committed */
	assert_int_equal(kf_push_ticket_now(f->db, 1, "kf0000000000000001", NOW), KF_OK);
	assert_false(kf_db_in_tx(f->db));
	assert_int_equal(q_int(f->db, "SELECT COUNT(*) FROM outbox WHERE app = ?", 1), 1);
	/* inside the caller's transaction: rolled back with it */
	assert_int_equal(kf_db_begin(f->db), KF_OK);
	assert_int_equal(kf_push_ticket_now(f->db, 1, "kf0000000000000001", NOW + 1), KF_OK);
	assert_true(kf_db_in_tx(f->db));
	kf_db_rollback(f->db);
	assert_int_equal(q_int(f->db, "SELECT COUNT(*) FROM outbox WHERE app = ?", 1), 1);
	assert_int_equal(q_int(f->db, "SELECT COUNT(*) FROM verify_tickets WHERE app = ?", 1), 1);
	/* a ticket issued on request restarts the interval of the schedule */
	assert_int_equal(kf_push_ticket_pass(&f->ctx, f->db, NOW + INTERVAL - 1), 0);
	/* a failure at any statement leaves nothing behind */
	int failures = 0;
	for (int k = 1; k < 10; k++) {
		kf_db_fail_after(f->db, k);
		enum kf_err rc = kf_push_ticket_now(f->db, 1, "kf0000000000000001", NOW + 2);
		kf_db_fail_after(f->db, 0);
		if (rc == KF_OK)
			break;
		failures++;
		assert_false(kf_db_in_tx(f->db));
		assert_int_equal(q_int(f->db, "SELECT COUNT(*) FROM outbox WHERE app = ?", 1), 1);
		assert_int_equal(q_int(f->db, "SELECT COUNT(*) FROM verify_tickets WHERE app = ?", 1), 1);
	}
	assert_int_equal(failures, 4); /* insert ticket, prune, supersede older events, insert event */
	assert_int_equal(q_int(f->db, "SELECT COUNT(*) FROM outbox WHERE app = ?", 1), 2);
}

static void test_ticket_pass_many_apps(void **state)
{
	struct fx *f = *state;
	assert_int_equal(kf_db_begin(f->db), KF_OK);
	for (int64_t i = 1; i <= 150; i++)
		add_app(f, i, i % 10 == 0 ? "draft" : "released", FULL_DEV, false);
	assert_int_equal(kf_db_commit(f->db), KF_OK);
	assert_int_equal(kf_push_ticket_pass(&f->ctx, f->db, NOW), 135);
	assert_int_equal(kf_push_ticket_pass(&f->ctx, f->db, NOW + 1), 0);
	assert_int_equal(q_all(f->db, "SELECT COUNT(DISTINCT app) FROM verify_tickets"), 135);
}

/* issue 9 defect 5: the push worker leases nothing of a suspended app; its
 * events stay pending with no attempt counted, and go out once lifted. */
static void test_outbox_holds_suspended_app_AUTH_5(void **state)
{
	struct fx *f = *state;
	add_app(f, 1, "released", FULL_DEV, false);
	add_app(f, 2, "suspended", FULL_DEV, false);
	char id[33];
	assert_int_equal(kf_store_outbox_insert(f->db, 1, "unauthorized", "auth_receive", NULL, "<xml/>", NOW, id), KF_OK);
	assert_int_equal(kf_store_outbox_insert(f->db, 2, "unauthorized", "auth_receive", NULL, "<xml/>", NOW, id), KF_OK);
	struct kf_outbox_item items[4];
	int n = kf_store_outbox_lease(f->db, NOW, 30, items, 4);
	assert_int_equal(n, 1);
	assert_int_equal(items[0].app, 1);
	for (int i = 0; i < n; i++)
		kf_outbox_item_clear(&items[i]);
	assert_int_equal(q_int(f->db, "SELECT COUNT(*) FROM outbox WHERE app = ? AND state = 'pending' AND attempts = 0"
				       " AND lease_until = 0", 2), 1);
	struct kf_stmt *st = kf_db_prepare(f->db, "UPDATE apps SET state = 'released' WHERE id = 2");
	assert_int_equal(kf_stmt_exec(st), KF_OK);
	n = kf_store_outbox_lease(f->db, NOW + 1, 30, items, 4);
	assert_int_equal(n, 1);
	assert_int_equal(items[0].app, 2);
	kf_outbox_item_clear(&items[0]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_ticket_pass_chooses_apps, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ticket_pass_interval, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ticket_current_and_previous_valid, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ticket_now_transactions, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ticket_pass_many_apps, setup, teardown),
		cmocka_unit_test_setup_teardown(test_outbox_holds_suspended_app_AUTH_5, setup, teardown),
	};
	return cmocka_run_group_tests_name("push/tickets", tests, NULL, NULL);
}
