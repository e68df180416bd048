/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The capability check of an app on demand (APP-9, PROTOCOL.md §8): a
 * member of the provider runs it against the configuration that will be
 * reviewed next and reads the latest result. The run waits on the app,
 * which calls back into this server, so it is deferred off the server's
 * threads (kf_req_defer) and takes its own database connections; one run
 * per app at a time in this process.
 */
#include <jansson.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "api/api.h"
#include "api/common.h"
#include "api/apps.h"
#include "core/app.h"
#include "core/checks.h"
#include "ctx.h"
#include "http/request.h"
#include "push/checks.h"
#include "store/apps.h"
#include "store/checks.h"
#include "store/db.h"
#include "util/mem.h"

/* Apps whose check runs in this process: a run holds a thread for up to
 * a minute or more, so one provider cannot pile them up. */
#define RUNNING_MAX 64
static pthread_mutex_t running_mu = PTHREAD_MUTEX_INITIALIZER;
static int64_t running[RUNNING_MAX];

static bool claim(int64_t app)
{
	pthread_mutex_lock(&running_mu);
	int free_slot = -1;
	bool busy = false;
	for (int i = 0; i < RUNNING_MAX; i++) {
		if (running[i] == app)
			busy = true;
		else if (!running[i] && free_slot < 0)
			free_slot = i;
	}
	bool ok = !busy && free_slot >= 0;
	if (ok)
		running[free_slot] = app;
	pthread_mutex_unlock(&running_mu);
	return ok;
}

static void unclaim(int64_t app)
{
	pthread_mutex_lock(&running_mu);
	for (int i = 0; i < RUNNING_MAX; i++)
		if (running[i] == app)
			running[i] = 0;
	pthread_mutex_unlock(&running_mu);
}

struct job {
	int64_t app, config;
};

static void reply_run(struct kf_req *r, struct kf_db *db, int64_t app, int64_t id)
{
	json_t *o = NULL;
	enum kf_err rc = kf_store_check_run_json(db, app, id, &o);
	if (rc == KF_ENOTFOUND) {
		kf_reply_fail(r, KF_ENOTFOUND, "check_run_not_found", "APP-9", NULL,
			      "the capability check has not run for this app yet (POST /v1/apps/{id}/checks:run)");
		return;
	}
	if (rc != KF_OK) {
		kf_reply_db_error(r);
		return;
	}
	kf_reply_json(r, 200, o);
}

/* Deferred: the run itself, then the stored result. */
static void run_checks(struct kf_req *r, void *arg)
{
	struct job *job = arg;
	bool passed = false;
	int64_t id = 0;
	/* claimed here, not in the handler: a request the server cannot defer
	 * (too many running) never gets this far and leaves no claim behind */
	if (!claim(job->app)) {
		kf_reply_fail(r, KF_ECONFLICT, "check_running", "APP-9", NULL,
			      "a capability check of this app is running; wait for its result");
		kf_reply_header(r, "Retry-After", "5");
		return;
	}
	json_t *checks = kf_checks_run_ex(r->ctx, job->app, job->config, "manual", &passed, &id);
	unclaim(job->app);
	if (!checks) {
		kf_reply_db_error(r);
		return;
	}
	json_decref(checks);
	struct kf_db *db = kf_dbpool_get(r->ctx->pool);
	reply_run(r, db, job->app, id);
	kf_dbpool_put(r->ctx->pool, db);
}

static void api_checks_run(struct kf_req *r)
{
	struct kf_app_row a;
	enum kf_role role;
	if (!kf_api_load_app(r, &a, &role))
		return;
	if (!kf_api_require_member(r, role, "may run its capability check"))
		return;
	enum kf_app_state st = a.state;
	struct kf_error err = {0};
	if (kf_checks_may_run(st, &err) != KF_OK) {
		kf_reply_error(r, &err);
		return;
	}
	int64_t config = kf_checks_config_under_test(st, a.live_config_id, a.draft_config_id);
	if (!config) {
		kf_reply_fail(r, KF_ECONFLICT, "no_config", "APP-9", NULL, "the app has no configuration to check");
		return;
	}
	struct job *job = kf_arena_alloc(r->arena, sizeof(*job));
	job->app = a.id;
	job->config = config;
	/* the run waits on the app, which calls this server: not on an API thread */
	kf_req_defer(r, run_checks, job);
}

static void api_checks_latest(struct kf_req *r)
{
	struct kf_app_row a;
	enum kf_role role;
	if (kf_api_load_app(r, &a, &role))
		reply_run(r, kf_req_db(r), a.id, 0);
}

const struct kf_route kf_api_checks_routes[] = {
	{"POST", "/v1/apps/{id}/checks:run", api_checks_run, KF_AUTH_USER, KF_RF_OWN_TX,
	 "Run the automated capability check (APP-9)"},
	{"GET", "/v1/apps/{id}/checks", api_checks_latest, KF_AUTH_USER, 0,
	 "The latest capability check run (APP-9)"},
};
const size_t kf_api_checks_nroutes = sizeof(kf_api_checks_routes) / sizeof(kf_api_checks_routes[0]);
