/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Push rules (see push.h): the retry schedule, the acceptance test of an
 * app's answer and the ticket format. Pure: time and randomness come in as
 * arguments, so the schedule is exactly testable.
 */
#include "core/push.h"

#include "core/auth.h"

#include <string.h>

const char *kf_push_target_name(enum kf_push_target t)
{
	switch (t) {
	case KF_PUSH_AUTH_RECEIVE:
		return "auth_receive";
	case KF_PUSH_MESSAGE:
		return "message";
	}
	return NULL;
}

static const char *const outbox_states[KF_OUTBOX_STATE_COUNT] = {
	[KF_OUTBOX_PENDING] = "pending",
	[KF_OUTBOX_DELIVERED] = "delivered",
	[KF_OUTBOX_DEAD] = "dead",
	[KF_OUTBOX_SUPERSEDED] = "superseded",
};

const char *kf_outbox_state_name(enum kf_outbox_state s)
{
	return (unsigned)s < KF_OUTBOX_STATE_COUNT ? outbox_states[s] : NULL;
}

bool kf_outbox_state_parse(const char *s, enum kf_outbox_state *out)
{
	for (int i = 0; s && i < KF_OUTBOX_STATE_COUNT; i++) {
		if (!strcmp(s, outbox_states[i])) {
			*out = (enum kf_outbox_state)i;
			return true;
		}
	}
	return false;
}

bool kf_push_target_parse(const char *s, enum kf_push_target *out)
{
	if (!s)
		return false;
	if (!strcmp(s, "auth_receive"))
		*out = KF_PUSH_AUTH_RECEIVE;
	else if (!strcmp(s, "message"))
		*out = KF_PUSH_MESSAGE;
	else
		return false;
	return true;
}

int64_t kf_push_retry_delay(int attempts_done)
{
	int64_t d = KF_PUSH_FIRST_DELAY;
	/* The loop stops at the cap, so a huge attempts_done cannot overflow. */
	for (int i = 1; i < attempts_done && d < KF_PUSH_MAX_DELAY; i++)
		d *= KF_PUSH_DELAY_FACTOR;
	return d < KF_PUSH_MAX_DELAY ? d : KF_PUSH_MAX_DELAY;
}

int64_t kf_push_next_attempt(int attempts_done, int64_t created_at, int64_t now, int64_t max_age, uint32_t rand)
{
	if (max_age <= 0)
		max_age = KF_PUSH_MAX_AGE_DEFAULT;
	int64_t base = kf_push_retry_delay(attempts_done);
	int64_t spread = (int64_t)(rand % (2 * KF_PUSH_JITTER_PERMILLE + 1)); /* 0..400 */
	int64_t delay;
	if (base >= KF_PUSH_MAX_DELAY) /* at the cap the jitter only shortens the gap */
		delay = KF_PUSH_MAX_DELAY * (1000 - KF_PUSH_JITTER_PERMILLE + spread / 2) / 1000;
	else
		delay = base * (1000 - KF_PUSH_JITTER_PERMILLE + spread) / 1000;
	if (delay < 1)
		delay = 1;
	if (delay > KF_PUSH_MAX_DELAY)
		delay = KF_PUSH_MAX_DELAY;
	int64_t next = now + delay;
	if (next > created_at + max_age)
		return 0;
	return next;
}

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

bool kf_push_accepted(int target, long http_status, const char *body, size_t len)
{
	if (http_status != 200 || (target != KF_PUSH_AUTH_RECEIVE && target != KF_PUSH_MESSAGE))
		return false;
	if (!body)
		len = 0;
	while (len > 0 && is_space(body[0])) {
		body++;
		len--;
	}
	while (len > 0 && is_space(body[len - 1]))
		len--;
	if (len == 7 && !memcmp(body, "success", 7))
		return true;
	if (target != KF_PUSH_MESSAGE)
		return false;
	if (len == 0)
		return true;
	/* A passive reply: "<xml>" or "<xml …>", closed by "</xml>". */
	return len >= 11 && !memcmp(body, "<xml", 4) && (body[4] == '>' || is_space(body[4])) &&
	       !memcmp(body + len - 6, "</xml>", 6);
}

void kf_push_ticket_format(const unsigned char random[KF_PUSH_TICKET_RANDOM], char out[KF_PUSH_TICKET_LEN + 1])
{
	size_t p = sizeof(KF_PUSH_TICKET_PREFIX) - 1;
	memcpy(out, KF_PUSH_TICKET_PREFIX, p);
	(void)kf_auth_base64url(random, KF_PUSH_TICKET_RANDOM, out + p, KF_PUSH_TICKET_LEN + 1 - p);
}

bool kf_push_ticket_well_formed(const char *s)
{
	size_t p = sizeof(KF_PUSH_TICKET_PREFIX) - 1;
	return s && strlen(s) == KF_PUSH_TICKET_LEN && memcmp(s, KF_PUSH_TICKET_PREFIX, p) == 0 &&
	       kf_auth_base64url_canonical(s + p, KF_PUSH_TICKET_LEN - p, KF_PUSH_TICKET_RANDOM);
}
