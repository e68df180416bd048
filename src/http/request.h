/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The per-request context handed to handlers: method, path parameters,
 * query, body, the authenticated caller, a request arena and the reply.
 * Handlers never free what they take from the arena.
 */
#ifndef KF_HTTP_REQUEST_H
#define KF_HTTP_REQUEST_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "core/roles.h"

struct kf_arena;
struct kf_ctx;
struct MHD_Connection;
struct kf_form;

#define KF_MAX_PARAMS 6
#define KF_MAX_HEADERS 8

struct kf_req {
	struct kf_arena *arena;
	struct kf_ctx *ctx;          /* process-wide context (config, pool, clock) */
	struct MHD_Connection *conn;
	char id[17];                  /* request id, echoed as X-Request-Id */
	const char *method;
	const char *path;
	const char *client_ip;
	int64_t now;                  /* the clock when the request arrived */

	const char *param_names[KF_MAX_PARAMS];
	const char *param_values[KF_MAX_PARAMS];
	int n_params;

	const char *body;             /* NUL-terminated copy of the body, or NULL */
	size_t body_len;

	/* Authentication (filled by the dispatcher). */
	int64_t user_id;              /* 0 = anonymous */
	const char *user_email;
	const char *user_name;
	bool email_verified;
	enum kf_role operator_role;   /* KF_ROLE_ADMIN | REVIEWER | OPS | AUDITOR; NONE when not operator staff */
	int page_auth;                /* a console page's declared enum kf_auth: the page itself
				       * answers a caller who lacks it (sign-in redirect, 403 page) */
	int64_t session_id;           /* when authenticated by a session */
	int64_t api_token_id;         /* when authenticated by an API token */
	bool enrol_only;              /* a session that reaches second-factor enrolment only */
	bool page_enrol_ok;           /* the console page's route is open to such a session */
	int64_t verified_at;          /* the session's last password or code check (step-up) */
	int64_t api_key_id;           /* when authenticated by an operator API key */
	const char *api_key_scope;    /* its scope, e.g. "host" */

	/* What the dispatcher keeps for the request (api/: its database
	 * connection), opaque here; the dispatcher's release hook
	 * (struct kf_dispatch) gives it back. */
	void *store;

	/* Deferred work (kf_req_defer). */
	void (*defer_fn)(struct kf_req *r, void *arg);
	void (*defer_refused)(struct kf_req *r, void *arg); /* may be NULL */
	void *defer_arg;
	const char *idempotency_key; /* claimed, to be finished when a deferred reply is set */
	/* Idempotency-Key on a request in the dispatcher's transaction:
	 * kf_api_commit leaves the transaction open (commit_held) and the
	 * dispatcher commits the write together with its stored answer. */
	bool hold_commit;
	bool commit_held;

	/* An in-process call from a console page (kf_api_call): the query
	 * and the headers the call sets replace the browser's; the body is
	 * the call's. NULL/0 for a request from the network. */
	const struct kf_form *query_over;
	const char *over_names[4];
	const char *over_values[4];
	int n_over;
	bool inner; /* set while a console page's call runs */

	/* Reply. */
	int status;
	char *resp_body;
	size_t resp_len;
	const char *resp_type;
	const char *hdr_names[KF_MAX_HEADERS];
	const char *hdr_values[KF_MAX_HEADERS];
	int n_hdrs;
};

/* Path parameter by name, or NULL. */
const char *kf_req_param(struct kf_req *r, const char *name);
/* Path parameter parsed as a positive id; 0 if absent or malformed. */
int64_t kf_req_param_id(struct kf_req *r, const char *name);
/* Query-string argument, or NULL. A value with an encoded NUL ("%00") is
 * cut there; use kf_req_query_text where that matters. */
const char *kf_req_query(struct kf_req *r, const char *name);
/* Query-string argument as text: NULL when absent; *has_nul set when the
 * decoded value holds a NUL byte (the returned string then stops at it and
 * must not be used as the value). */
const char *kf_req_query_text(struct kf_req *r, const char *name, bool *has_nul);
/* Request header, or NULL. */
const char *kf_req_header(struct kf_req *r, const char *name);
/* Cookie value, or NULL. */
const char *kf_req_cookie(struct kf_req *r, const char *name);
/* Finish this request off the server's threads: after the handler returns,
 * the connection is suspended and fn runs on a thread of its own; it sets
 * the reply, then the answer is sent. For work that waits on someone else's
 * server, so it never holds up the API. The dispatcher's release hook runs
 * before fn (api/: the request's connection is given back; fn may take one
 * again once it has finished waiting, never while it waits: the pool is
 * small). */
void kf_req_defer(struct kf_req *r, void (*fn)(struct kf_req *r, void *arg), void *arg);
/* kf_req_defer, and when the server has too many deferred requests running
 * already (the answer is then 429 busy), refused(r, arg) runs on the
 * request's thread first to undo what the handler committed for fn. */
void kf_req_defer_or(struct kf_req *r, void (*fn)(struct kf_req *r, void *arg),
		     void (*refused)(struct kf_req *r, void *arg), void *arg);

/* Add a response header; name and value are copied into the arena. */
void kf_reply_header(struct kf_req *r, const char *name, const char *value);
/* Reply with a JSON value; steals the reference to j. */
void kf_reply_json(struct kf_req *r, int status, json_t *j);
void kf_reply_raw(struct kf_req *r, int status, const char *type, const void *body, size_t len);
/* Reply with the native error shape {"error":{code,message,rule,field}}. */
void kf_reply_error(struct kf_req *r, const struct kf_error *err);
/* kf_reply_error with more members beside "error" in the answer (such as
 * the findings that explain a refusal); steals the reference to extra (an
 * object, may be NULL). */
void kf_reply_error_with(struct kf_req *r, const struct kf_error *err, json_t *extra);
/* Shorthand for kf_error_set + kf_reply_error. */
void kf_reply_fail(struct kf_req *r, enum kf_err code, const char *name, const char *rule,
		   const char *field, const char *fmt, ...) __attribute__((format(printf, 6, 7)));

/* Parse the body as a JSON object. On failure replies 400 invalid_json
 * (with line and column) or 400 invalid_body and returns NULL. The result
 * is owned by the request (freed with the arena). */
json_t *kf_req_json(struct kf_req *r);

/* Declarative field check: types, required fields, unknown fields and
 * lengths. On failure replies 400/422 naming the field and returns false. */
enum kf_ftype { KF_F_STRING, KF_F_INT, KF_F_BOOL, KF_F_ARRAY, KF_F_OBJECT, KF_F_ANY };
struct kf_field {
	const char *name;
	enum kf_ftype type;
	bool required;
	size_t max;     /* strings: max bytes; arrays: max items; 0 = no limit */
	const char *rule;
};
bool kf_req_check(struct kf_req *r, json_t *obj, const struct kf_field *fields, size_t n);
/* The same for a nested object: errors name the field as "prefix.name". */
bool kf_req_check_in(struct kf_req *r, json_t *obj, const char *prefix, const struct kf_field *fields, size_t n);
#define KF_NFIELDS(a) (sizeof(a) / sizeof((a)[0]))

/* Parse a multipart/form-data body (a form with file inputs) into f, with
 * libmicrohttpd's post processor. Returns 0, or -1 for a body that does
 * not parse or has too many parts. */
int kf_req_multipart(struct kf_req *r, struct kf_form *f);

/* Borrowed string member, or NULL. */
const char *kf_json_str(json_t *obj, const char *name);

#endif
