/* SPDX-License-Identifier: Apache-2.0 */
/* The HTTP server adapter over libmicrohttpd: accepts requests, collects the
 * body within the route's limit, and hands a struct kf_req to the dispatcher. */
#ifndef KF_HTTP_SERVER_H
#define KF_HTTP_SERVER_H

#include <stddef.h>

#include "core/err.h"

struct kf_ctx;
struct kf_req;
struct kf_server;

struct kf_dispatch {
	/* Largest body the route for (method, path) accepts. */
	size_t (*body_limit)(struct kf_ctx *ctx, const char *method, const char *path);
	/* Handle a complete request; must set a reply. */
	void (*handle)(struct kf_req *r);
	/* A request the handler deferred (kf_req_defer) has its reply now, or
	 * could not be deferred (the busy reply); runs on the request's thread
	 * before the answer is sent. May be NULL. */
	void (*deferred_done)(struct kf_req *r);
	/* Give back what the dispatcher holds for the request (r->store):
	 * called before deferred work starts and when the request ends, on
	 * every path. May be NULL. */
	void (*release)(struct kf_req *r);
};

enum kf_err kf_server_start(struct kf_ctx *ctx, const struct kf_dispatch *d, struct kf_server **out,
			    struct kf_error *err) KF_MUST_CHECK;
/* Stop accepting, let in-flight requests finish, then free. */
void kf_server_stop(struct kf_server *s);

#endif
