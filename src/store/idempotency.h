/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Storage of Idempotency-Key claims: a POST that creates something may
 * carry a key; the first request with it claims the key before it runs and
 * keeps its answer when it succeeds, so a repeat gets that answer instead of
 * a second resource. Keys are scoped to the caller (a user id, or the
 * negated id of an operator API key).
 */
#ifndef KF_STORE_IDEMPOTENCY_H
#define KF_STORE_IDEMPOTENCY_H

#include <stdint.h>

#include "core/err.h"

struct kf_db;

/* The request that uses a key. request_hash is the SHA-256 (hex) of its
 * body. All strings are borrowed for the call. */
struct kf_idem_request {
	int64_t caller;
	const char *key;
	const char *method;
	const char *path;
	const char *request_hash;
};

enum kf_idem_claim {
	KF_IDEM_CLAIMED,  /* the key is this request's now: run it */
	KF_IDEM_MISMATCH, /* the key was used for another method, path or body */
	KF_IDEM_RUNNING,  /* the first request with the key has not finished */
	KF_IDEM_ANSWERED, /* the first request succeeded: *status and *body hold its answer */
};

/*
 * Claim req->key for req: a new claim, or one older than stale_before (its
 * request crashed) made for the same request is taken over. The claim is
 * one statement, so two simultaneous requests cannot both get
 * KF_IDEM_CLAIMED. On KF_IDEM_ANSWERED *body is a malloc'd copy of the
 * stored answer (the caller frees it); otherwise *body is NULL. Returns
 * KF_OK, or KF_EDB with nothing claimed.
 */
enum kf_err kf_store_idempotency_claim(struct kf_db *db, const struct kf_idem_request *req, int64_t now,
				       int64_t stale_before, enum kf_idem_claim *out, int *status,
				       char **body) KF_MUST_CHECK;

/*
 * Finish the claim of key by caller: keep the answer (status, body) for
 * replay when body is not NULL, or release the claim when it is NULL, so
 * the caller may retry with the same key.
 */
enum kf_err kf_store_idempotency_finish(struct kf_db *db, int64_t caller, const char *key, int status,
					const char *body) KF_MUST_CHECK;

#endif
