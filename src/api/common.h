/* SPDX-License-Identifier: Apache-2.0 */
/* Helpers shared by the handlers: transactions that answer errors, the
 * audit row, cursor pagination and the operator calendar. */
#ifndef KF_API_COMMON_H
#define KF_API_COMMON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>


struct kf_req;
struct kf_calendar;
struct kf_db;

/* The request's database connection: taken from the pool on the first
 * call, given back by kf_api_release (the dispatcher's release hook, run
 * by http/ before deferred work and when the request ends). */
struct kf_db *kf_req_db(struct kf_req *r);
/* The release hook: roll back what is still open and give the connection
 * back to the pool; a later kf_req_db takes a fresh one. */
void kf_api_release(struct kf_req *r);
/* 500 for a storage failure. */
void kf_reply_db_error(struct kf_req *r);

struct kf_file_row;
/* Answer 200 with the stored content of file f under its content type, or
 * 500 storage_error when its blob is missing (false). */
bool kf_api_reply_file(struct kf_req *r, const struct kf_file_row *f);

/* BEGIN on the request's connection; replies 500 and returns false on failure. */
bool kf_api_begin(struct kf_req *r);
/* COMMIT; replies 500 and returns false on failure (the transaction is
 * rolled back). For a request with an Idempotency-Key inside the
 * dispatcher's transaction the commit is the dispatcher's, made once the
 * answer is rendered and stored with it: the handler goes on inside the
 * open transaction, and whatever it does "after the commit" (waking the
 * push thread, flushing the token cache) the dispatcher repeats. */
bool kf_api_commit(struct kf_req *r);
/* ROLLBACK and reply the storage error. */
void kf_api_abort_db(struct kf_req *r);
/* ROLLBACK, keeping whatever reply the handler already set. */
void kf_api_rollback(struct kf_req *r);

/* Audit row for the caller inside the open transaction. */
bool kf_api_audit(struct kf_req *r, const char *action, const char *subject, const char *detail);

/* The attributes of the platform's cookies: "Path=/; HttpOnly;
 * SameSite=Lax", and "; Secure" when the public URL is https (the browser
 * then never sends them over plain http). A static string. */
const char *kf_api_cookie_attrs(struct kf_req *r);

/* Cursor pagination: ?after=<id>&limit=<1..200> (default 50). Replies 400
 * and returns false on a malformed value. */
bool kf_api_page(struct kf_req *r, int64_t *after, int *limit);

/* Keyset pagination for lists ordered by (key, id): ?after=<cursor> takes
 * the next_after of the previous page, an opaque text ("<key>.<id>" of two
 * non-negative integers), and ?limit=<1..max_limit> (default def_limit).
 * Replies 400 invalid_value naming the parameter and returns false on a
 * malformed value. */
struct kf_page_key {
	bool set; /* an after cursor was given */
	int64_t key, id;
};
bool kf_api_page_keyset(struct kf_req *r, int def_limit, int max_limit, struct kf_page_key *after, int *limit);
/* The cursor text for (key, id), in the request arena. */
const char *kf_api_cursor(struct kf_req *r, int64_t key, int64_t id);

/* The parsers behind the two functions above, pure (fuzzed by
 * tests/fuzz/cursor_fuzz.c). */
/* A count or id of the query: 1..18 ASCII digits, nothing else (no sign,
 * no space). True with *out set; false (out untouched) otherwise. s may be
 * NULL. */
bool kf_api_uint_parse(const char *s, int64_t *out);
/* A keyset cursor "<key>.<id>", each part as kf_api_uint_parse. True with
 * *out filled and out->set true; false with *out zeroed. s may be NULL. */
bool kf_api_cursor_parse(const char *s, struct kf_page_key *out);
/* Room for any cursor kf_api_cursor_format writes, NUL included. */
#define KF_API_CURSOR_SIZE 42
/* "<key>.<id>" into buf; false when it does not fit in size (buf is then
 * truncated). Non-negative key and id give a text kf_api_cursor_parse
 * reads back as (key, id). */
bool kf_api_cursor_format(int64_t key, int64_t id, char *buf, size_t size);

/* Review deadline for a submission at r->now (REV-1, operator calendar). */
bool kf_api_review_due(struct kf_req *r, int64_t *due_at);

/* The onboarding policy from the configuration. */
struct kf_onb_policy;
void kf_api_onb_policy(struct kf_req *r, struct kf_onb_policy *out);

#endif
