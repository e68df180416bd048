/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Event push rules as pure functions: the retry schedule of a failing
 * event, what counts as "delivered" (PROTOCOL.md §6–§7) and the form of a
 * component verify ticket. No I/O, no clock, no randomness of its own:
 * callers pass now and random values in.
 */
#ifndef KF_CORE_PUSH_H
#define KF_CORE_PUSH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The two callback URLs of an app. */
enum kf_push_target {
	KF_PUSH_AUTH_RECEIVE, /* dev.auth_receive_url, §6 */
	KF_PUSH_MESSAGE,      /* dev.message_url (may contain $APPID$), §7 */
};

/* Static name as stored in outbox.target ("auth_receive", "message");
 * NULL when out of range. */
const char *kf_push_target_name(enum kf_push_target t);
/* false (out untouched) for NULL or an unknown name. */
bool kf_push_target_parse(const char *s, enum kf_push_target *out);

/* Where an outbox event stands (outbox.state, the stored and API text). */
enum kf_outbox_state {
	KF_OUTBOX_PENDING,    /* "pending": waiting for its (next) attempt */
	KF_OUTBOX_DELIVERED,  /* "delivered" */
	KF_OUTBOX_DEAD,       /* "dead": retries exhausted or the app ended */
	KF_OUTBOX_SUPERSEDED, /* "superseded": a newer event replaced it */
};
#define KF_OUTBOX_STATE_COUNT 4

/* Static name; NULL when out of range. */
const char *kf_outbox_state_name(enum kf_outbox_state s);
/* false (out untouched) for NULL or an unknown name. */
bool kf_outbox_state_parse(const char *s, enum kf_outbox_state *out);

#define KF_PUSH_FIRST_DELAY 5          /* seconds before the first retry */
#define KF_PUSH_DELAY_FACTOR 3         /* growth per failed attempt */
#define KF_PUSH_MAX_DELAY 3600         /* at most an hour between attempts */
#define KF_PUSH_MAX_AGE_DEFAULT 86400  /* retry for a day, then dead */
#define KF_PUSH_JITTER_PERMILLE 200    /* ±20 % */

/*
 * Nominal gap (no jitter) after the attempts_done-th failed attempt:
 * 5 s, 15 s, 45 s, 135 s, 405 s, 1215 s, then 3600 s. attempts_done < 1
 * counts as 1.
 */
int64_t kf_push_retry_delay(int attempts_done);

/*
 * When to try a failed event again: now + kf_push_retry_delay(attempts_done)
 * scaled by a factor in [0.8, 1.2] drawn from rand (any 32-bit value, e.g.
 * from kf_random_bytes), never more than KF_PUSH_MAX_DELAY after now and
 * never less than 1 s. attempts_done is the number of attempts made so far,
 * including the one that just failed.
 * Returns 0 when the event is dead: that time would pass
 * created_at + max_age (max_age <= 0 means KF_PUSH_MAX_AGE_DEFAULT).
 * Whatever rand is, each gap is at least twice the previous one
 * (3 × 0.8 / 1.2) until the cap; at the cap gaps lie in [2880, 3600] s.
 */
int64_t kf_push_next_attempt(int attempts_done, int64_t created_at, int64_t now, int64_t max_age, uint32_t rand);

/*
 * Did the app accept the push? Only HTTP 200 counts, with a body that,
 * with surrounding white space (space, tab, CR, LF) removed, is:
 *   "success"                       for either target;
 *   empty                           for KF_PUSH_MESSAGE (§7);
 *   an XML document ("<xml" …)      for KF_PUSH_MESSAGE: the passive
 *                                   reply of §7, an answer too.
 * Everything else (another status, any other body, an unknown target) is a
 * failure. body may be NULL when len is 0.
 */
bool kf_push_accepted(int target, long http_status, const char *body, size_t len);

#define KF_PUSH_TICKET_PREFIX "ticket@@@"
#define KF_PUSH_TICKET_RANDOM 64 /* bytes of randomness in a ticket */
/* prefix + unpadded base64url of 64 bytes (86 characters), the length of
 * the tickets the WeChat platform sends. */
#define KF_PUSH_TICKET_LEN (sizeof(KF_PUSH_TICKET_PREFIX) - 1 + 86)

/* Write "ticket@@@" + unpadded base64url (RFC 4648 §5) of random and a NUL
 * to out. */
void kf_push_ticket_format(const unsigned char random[KF_PUSH_TICKET_RANDOM], char out[KF_PUSH_TICKET_LEN + 1]);
/* True for exactly the form kf_push_ticket_format writes. */
bool kf_push_ticket_well_formed(const char *s);

#define KF_PUSH_TICKET_TTL 43200 /* a ticket is valid for 12 h ... */
#define KF_PUSH_TICKETS_VALID 2  /* ... while it is one of the newest two */

#endif
