/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Unit tests for src/core/push.c: the retry schedule (first retries within
 * a minute, gaps that grow, the one-hour cap, jitter bounds, dead after
 * max_age), what counts as an accepted push (PROTOCOL.md §6–§7) and the
 * ticket format.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "core/push.h"

#define T0 1700000000
#define DAY 86400

static const uint32_t rands[] = {0, 1, 199, 200, 201, 399, 400, 401, 12345, 0x7fffffffu, 0xfffffffeu, 0xffffffffu};
#define N_RANDS (sizeof(rands) / sizeof(rands[0]))

static int64_t gap(int attempts, uint32_t r)
{
	int64_t next = kf_push_next_attempt(attempts, T0, T0, DAY, r);
	assert_true(next > 0);
	return next - T0;
}

static void test_push_retry_nominal_schedule(void **state)
{
	(void)state;
	assert_int_equal(kf_push_retry_delay(0), 5);
	assert_int_equal(kf_push_retry_delay(1), 5);
	assert_int_equal(kf_push_retry_delay(2), 15);
	assert_int_equal(kf_push_retry_delay(3), 45);
	assert_int_equal(kf_push_retry_delay(4), 135);
	assert_int_equal(kf_push_retry_delay(5), 405);
	assert_int_equal(kf_push_retry_delay(6), 1215);
	assert_int_equal(kf_push_retry_delay(7), 3600);
	assert_int_equal(kf_push_retry_delay(1000000), 3600);
	assert_int_equal(kf_push_retry_delay(-5), 5);
}

static void test_push_retry_first_retries_within_a_minute(void **state)
{
	(void)state;
	for (size_t i = 0; i < N_RANDS; i++)
		for (int a = 1; a <= 3; a++) {
			int64_t g = gap(a, rands[i]);
			assert_true(g >= 1);
			assert_true(g < 60);
		}
	/* the very first retry comes within seconds */
	for (size_t i = 0; i < N_RANDS; i++)
		assert_true(gap(1, rands[i]) <= 6);
}

static void test_push_retry_jitter_bounds(void **state)
{
	(void)state;
	for (int a = 1; a <= 12; a++) {
		int64_t nominal = kf_push_retry_delay(a), lo = INT64_MAX, hi = 0;
		for (uint32_t r = 0; r < 2000; r++) {
			int64_t g = gap(a, r * 2654435761u);
			assert_true(g * 1000 >= nominal * 800);
			assert_true(g * 1000 <= nominal * 1200);
			assert_true(g <= KF_PUSH_MAX_DELAY);
			lo = g < lo ? g : lo;
			hi = g > hi ? g : hi;
		}
		/* the jitter actually spreads the retries (except for 5 s ± 1) */
		if (nominal >= 45)
			assert_true(hi - lo >= nominal / 6);
	}
	/* extremes of rand hit the ends of the range */
	assert_int_equal(gap(4, 0), 108);   /* 135 × 0.8 */
	assert_int_equal(gap(4, 400), 162); /* 135 × 1.2 */
	assert_int_equal(gap(9, 0), 2880);  /* 3600 × 0.8 */
	assert_int_equal(gap(9, 400), 3600);
}

static void test_push_retry_monotone_growth(void **state)
{
	(void)state;
	/* whatever the jitter, a gap before the cap is longer than every
	 * earlier one */
	for (int a = 1; a < 7; a++) {
		int64_t max_prev = 0, min_next = INT64_MAX;
		for (size_t i = 0; i < N_RANDS; i++) {
			int64_t g0 = gap(a, rands[i]), g1 = gap(a + 1, rands[i]);
			max_prev = g0 > max_prev ? g0 : max_prev;
			min_next = g1 < min_next ? g1 : min_next;
		}
		assert_true(min_next > max_prev);
	}
}

static void test_push_retry_cap_one_hour(void **state)
{
	(void)state;
	for (int a = 7; a < 200; a += 7)
		for (size_t i = 0; i < N_RANDS; i++) {
			int64_t g = gap(a, rands[i]);
			assert_true(g <= 3600);
			assert_true(g >= 2880);
		}
	assert_true(gap(2147483647, 7) <= 3600);
}

static void test_push_retry_dead_after_max_age(void **state)
{
	(void)state;
	/* walk a failing event through its life: every step is due, and the
	 * last one is dead, never beyond created + max_age */
	for (size_t i = 0; i < N_RANDS; i++) {
		int64_t now = T0, prev_gap = 0;
		int attempts = 0;
		for (;;) {
			attempts++;
			int64_t next = kf_push_next_attempt(attempts, T0, now, DAY, rands[i]);
			if (next == 0)
				break;
			assert_true(next <= T0 + DAY);
			if (attempts <= 7)
				assert_true(next - now > prev_gap);
			prev_gap = next - now;
			now = next;
			assert_true(attempts < 100);
		}
		/* retried for most of the day, not given up early */
		assert_true(now > T0 + DAY - 3600);
		assert_true(attempts >= 20 && attempts <= 40);
	}
	/* configurable total: a ten-minute max age */
	assert_int_equal(kf_push_next_attempt(1, T0, T0 + 600, 600, 0), 0);
	assert_true(kf_push_next_attempt(1, T0, T0 + 590, 600, 0) > 0);
	assert_int_equal(kf_push_next_attempt(5, T0, T0, 60, 0), 0); /* 405 s does not fit in 60 */
	/* max_age <= 0 means the default day */
	assert_true(kf_push_next_attempt(1, T0, T0 + DAY - 10, 0, 0) > 0);
	assert_int_equal(kf_push_next_attempt(1, T0, T0 + DAY, 0, 0), 0);
	/* an event older than max_age is dead at once */
	assert_int_equal(kf_push_next_attempt(1, T0 - 2 * DAY, T0, DAY, 0), 0);
}

static void test_push_accepted_success(void **state)
{
	(void)state;
	for (int t = KF_PUSH_AUTH_RECEIVE; t <= KF_PUSH_MESSAGE; t++) {
		assert_true(kf_push_accepted(t, 200, "success", 7));
		assert_true(kf_push_accepted(t, 200, "success\n", 8));
		assert_true(kf_push_accepted(t, 200, " \t\r\nsuccess\r\n ", 14));
		assert_false(kf_push_accepted(t, 201, "success", 7));
		assert_false(kf_push_accepted(t, 500, "success", 7));
		assert_false(kf_push_accepted(t, 302, "success", 7));
		assert_false(kf_push_accepted(t, 0, "success", 7));
		assert_false(kf_push_accepted(t, 200, "Success", 7));
		assert_false(kf_push_accepted(t, 200, "SUCCESS", 7));
		assert_false(kf_push_accepted(t, 200, "success!", 8));
		assert_false(kf_push_accepted(t, 200, "succes", 6));
		assert_false(kf_push_accepted(t, 200, "\"success\"", 9));
		assert_false(kf_push_accepted(t, 200, "suc cess", 8));
		assert_false(kf_push_accepted(t, 200, "ok", 2));
		assert_false(kf_push_accepted(t, 200, "success\0x", 9)); /* NUL is not white space */
		/* len counts, not the NUL */
		assert_false(kf_push_accepted(t, 200, "successful", 10));
		assert_true(kf_push_accepted(t, 200, "successful", 7));
	}
	assert_false(kf_push_accepted(7, 200, "success", 7)); /* unknown target */
	assert_false(kf_push_accepted(-1, 200, "success", 7));
}

static void test_push_accepted_empty_only_for_messages(void **state)
{
	(void)state;
	assert_false(kf_push_accepted(KF_PUSH_AUTH_RECEIVE, 200, "", 0));
	assert_false(kf_push_accepted(KF_PUSH_AUTH_RECEIVE, 200, NULL, 0));
	assert_false(kf_push_accepted(KF_PUSH_AUTH_RECEIVE, 200, " \r\n", 3));
	assert_true(kf_push_accepted(KF_PUSH_MESSAGE, 200, "", 0));
	assert_true(kf_push_accepted(KF_PUSH_MESSAGE, 200, NULL, 0));
	assert_true(kf_push_accepted(KF_PUSH_MESSAGE, 200, " \r\n", 3));
	assert_false(kf_push_accepted(KF_PUSH_MESSAGE, 204, "", 0));
	assert_false(kf_push_accepted(KF_PUSH_MESSAGE, 500, "", 0));
}

static void test_push_accepted_passive_reply_for_messages(void **state)
{
	(void)state;
	static const char reply[] = "<xml>\n<Encrypt><![CDATA[abc]]></Encrypt>\n<MsgSignature><![CDATA[s]]></MsgSignature>"
				    "\n<TimeStamp>1</TimeStamp>\n<Nonce><![CDATA[n]]></Nonce>\n</xml>\n";
	assert_true(kf_push_accepted(KF_PUSH_MESSAGE, 200, reply, sizeof(reply) - 1));
	assert_false(kf_push_accepted(KF_PUSH_AUTH_RECEIVE, 200, reply, sizeof(reply) - 1));
	assert_false(kf_push_accepted(KF_PUSH_MESSAGE, 500, reply, sizeof(reply) - 1));
	assert_false(kf_push_accepted(KF_PUSH_MESSAGE, 200, "<xmlfoo></xml>", 14));
	assert_false(kf_push_accepted(KF_PUSH_MESSAGE, 200, "<html></html>", 13));
	assert_false(kf_push_accepted(KF_PUSH_MESSAGE, 200, "<xml>", 5));
	assert_false(kf_push_accepted(KF_PUSH_MESSAGE, 200, "error", 5));
}

static void test_push_target_names(void **state)
{
	(void)state;
	enum kf_push_target t;
	assert_string_equal(kf_push_target_name(KF_PUSH_AUTH_RECEIVE), "auth_receive");
	assert_string_equal(kf_push_target_name(KF_PUSH_MESSAGE), "message");
	assert_null(kf_push_target_name((enum kf_push_target)9));
	assert_true(kf_push_target_parse("message", &t));
	assert_int_equal(t, KF_PUSH_MESSAGE);
	assert_true(kf_push_target_parse("auth_receive", &t));
	assert_int_equal(t, KF_PUSH_AUTH_RECEIVE);
	assert_false(kf_push_target_parse("Message", &t));
	assert_false(kf_push_target_parse(NULL, &t));
}

static void test_push_ticket_format(void **state)
{
	(void)state;
	unsigned char r[KF_PUSH_TICKET_RANDOM];
	char out[KF_PUSH_TICKET_LEN + 1];
	memset(r, 0, sizeof(r));
	kf_push_ticket_format(r, out);
	assert_int_equal(strlen(out), KF_PUSH_TICKET_LEN);
	assert_int_equal(KF_PUSH_TICKET_LEN, 9 + 86);
	assert_memory_equal(out, "ticket@@@", 9);
	for (size_t i = 9; i < KF_PUSH_TICKET_LEN; i++)
		assert_int_equal(out[i], 'A');
	assert_true(kf_push_ticket_well_formed(out));

	memset(r, 0xff, sizeof(r));
	kf_push_ticket_format(r, out);
	/* 63 bytes of 0xff are 84 '_'; the last byte gives "_w" */
	for (size_t i = 9; i < 9 + 84; i++)
		assert_int_equal(out[i], '_');
	assert_string_equal(out + 9 + 84, "_w");
	assert_true(kf_push_ticket_well_formed(out));

	/* RFC 4648 test vector "foobar" (base64url of the first bytes) */
	memset(r, 0, sizeof(r));
	memcpy(r, "foobar", 6);
	r[6] = 0xfb;
	r[7] = 0xff;
	r[8] = 0xbf;
	kf_push_ticket_format(r, out);
	assert_memory_equal(out + 9, "Zm9vYmFy-_-_", 12);

	/* every character is URL-safe */
	for (int k = 0; k < 64; k++) {
		for (size_t i = 0; i < sizeof(r); i++)
			r[i] = (unsigned char)(i * 37 + (size_t)k * 101);
		kf_push_ticket_format(r, out);
		assert_true(kf_push_ticket_well_formed(out));
		assert_int_equal(strspn(out + 9, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"), 86);
	}
}

static void test_push_ticket_well_formed_refusals(void **state)
{
	(void)state;
	unsigned char r[KF_PUSH_TICKET_RANDOM] = {1, 2, 3};
	char out[KF_PUSH_TICKET_LEN + 1], bad[KF_PUSH_TICKET_LEN + 2];
	kf_push_ticket_format(r, out);
	assert_false(kf_push_ticket_well_formed(NULL));
	assert_false(kf_push_ticket_well_formed(""));
	assert_false(kf_push_ticket_well_formed("ticket@@@"));
	memcpy(bad, out, sizeof(out));
	bad[0] = 'T';
	assert_false(kf_push_ticket_well_formed(bad));
	memcpy(bad, out, sizeof(out));
	bad[20] = '+';
	assert_false(kf_push_ticket_well_formed(bad));
	memcpy(bad, out, sizeof(out));
	bad[KF_PUSH_TICKET_LEN - 1] = 'B'; /* unused bits set */
	assert_false(kf_push_ticket_well_formed(bad));
	memcpy(bad, out, sizeof(out));
	bad[KF_PUSH_TICKET_LEN] = 'A';
	bad[KF_PUSH_TICKET_LEN + 1] = '\0';
	assert_false(kf_push_ticket_well_formed(bad));
	/* the real ticket of PROTOCOL.md V3 has exactly our form */
	assert_true(kf_push_ticket_well_formed(
		"ticket@@@t_KixLUyGjV-ZnUYrUP58mbI5maqS_AcRWkJY9kNQ4tPj360c1kD5HWqQt7AiFowdBZQWBYeQwr-hvk2ja-oTQ"));
}

static void test_outbox_state_names(void **state)
{
	(void)state;
	static const char *const names[KF_OUTBOX_STATE_COUNT] = { "pending", "delivered", "dead", "superseded" };
	for (int i = 0; i < KF_OUTBOX_STATE_COUNT; i++) {
		enum kf_outbox_state s = KF_OUTBOX_DEAD;
		assert_string_equal(kf_outbox_state_name((enum kf_outbox_state)i), names[i]);
		assert_true(kf_outbox_state_parse(names[i], &s));
		assert_int_equal(s, i);
	}
	enum kf_outbox_state s = KF_OUTBOX_DEAD;
	assert_false(kf_outbox_state_parse("retry", &s));
	assert_false(kf_outbox_state_parse(NULL, &s));
	assert_int_equal(s, KF_OUTBOX_DEAD);
	assert_null(kf_outbox_state_name((enum kf_outbox_state)KF_OUTBOX_STATE_COUNT));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_outbox_state_names),
		cmocka_unit_test(test_push_retry_nominal_schedule),
		cmocka_unit_test(test_push_retry_first_retries_within_a_minute),
		cmocka_unit_test(test_push_retry_jitter_bounds),
		cmocka_unit_test(test_push_retry_monotone_growth),
		cmocka_unit_test(test_push_retry_cap_one_hour),
		cmocka_unit_test(test_push_retry_dead_after_max_age),
		cmocka_unit_test(test_push_accepted_success),
		cmocka_unit_test(test_push_accepted_empty_only_for_messages),
		cmocka_unit_test(test_push_accepted_passive_reply_for_messages),
		cmocka_unit_test(test_push_target_names),
		cmocka_unit_test(test_push_ticket_format),
		cmocka_unit_test(test_push_ticket_well_formed_refusals),
	};
	return cmocka_run_group_tests_name("core/push", tests, NULL, NULL);
}
