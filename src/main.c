/* SPDX-License-Identifier: Apache-2.0 */
/*
 * kaifangd: read the configuration, open and migrate the database, create
 * the first operator when asked to, then run the HTTP server and the
 * workers until SIGTERM/SIGINT, which drains in-flight requests and closes
 * the database cleanly.
 */
#include <curl/curl.h>
#include <pthread.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "api/api.h"
#include "api/routedoc.h"
#include "config.h"
#include "ctx.h"
#include "notify/notify.h"
#include "http/server.h"
#include "ops.h"
#include "pipeline/terms_cache.h"
#include "proto/envelope.h"
#include "push/push.h"
#include "store/search.h"
#include "store/audit.h"
#include "store/checks.h"
#include "store/db.h"
#include "store/migrate.h"
#include "util/crypto.h"
#include "util/mem.h"
#include "worker.h"

static int make_dir(const char *path)
{
	if (mkdir(path, 0750) < 0 && errno != EEXIST) {
		fprintf(stderr, "kaifangd: cannot create %s: %s\n", path, strerror(errno));
		return -1;
	}
	return 0;
}

static bool loopback(const char *listen)
{
	return !strncmp(listen, "127.", 4) || !strncmp(listen, "[::1]:", 6);
}

static int bootstrap_admin(struct kf_ctx *ctx, struct kf_db *db)
{
	const char *email = getenv("KAIFANG_ADMIN_EMAIL"), *pw = getenv("KAIFANG_ADMIN_PASSWORD");
	if (!email || !*email || !pw || !*pw)
		return 0;
	int n = kf_ops_operator_count(db);
	if (n != 0)
		return n < 0 ? -1 : 0;
	struct kf_error err = {0};
	if (kf_ops_create_operator(db, kf_ctx_now(ctx), email, getenv("KAIFANG_ADMIN_MOBILE"), "Administrator", pw,
				   "admin", &err) != KF_OK) {
		/* another kaifangd started at the same moment on the same
		 * database may have created it between the count and here */
		if (err.code == KF_ECONFLICT && kf_ops_operator_count(db) > 0)
			return 0;
		fprintf(stderr, "kaifangd: cannot create the first operator %s: %s\n", email, err.msg);
		return -1;
	}
	fprintf(stderr, "{\"level\":\"info\",\"msg\":\"created operator admin\",\"email\":\"%s\"}\n", email);
	return 0;
}

/* The capability check's test account, of the first configured host kind. */
static enum kf_err ensure_test_accounts(struct kf_ctx *ctx, struct kf_db *db)
{
	char kind[32];
	snprintf(kind, sizeof(kind), "%.*s", (int)strcspn(ctx->cfg.host_kinds, ", "), ctx->cfg.host_kinds);
	return kf_store_test_accounts_ensure(db, kf_ctx_now(ctx), kind, NULL);
}

/* --print-routes: the route tables as JSON on stdout (who may call what),
 * for operators reviewing access and for the authorization matrix test. */
static bool print_routes(int argc, char **argv)
{
	for (int i = 1; i < argc; i++)
		if (!strcmp(argv[i], "--print-routes")) {
			char *s = kf_routedoc_json();
			puts(s);
			free(s);
			return true;
		}
	return false;
}

int main(int argc, char **argv)
{
	if (print_routes(argc, argv))
		return 0;
	struct kf_ctx ctx = {0};
	int rc = kf_config_load(&ctx.cfg, argc, argv);
	if (rc != 0) {
		kf_config_clear(&ctx.cfg);
		return rc > 0 ? 0 : 2;
	}
	const char *tc = getenv("KAIFANG_TEST_CLOCK");
	if (tc && !strcmp(tc, "1")) {
		if (!loopback(ctx.cfg.listen)) {
			fprintf(stderr, "kaifangd: KAIFANG_TEST_CLOCK is refused unless listening on a loopback address\n");
			kf_config_clear(&ctx.cfg);
			return 2;
		}
		ctx.test_clock = true;
	}
	struct kf_error cerr = {0};
	if (kf_cidr_list_parse(ctx.cfg.callback_allow, &ctx.callback_allow, &cerr) != KF_OK) {
		fprintf(stderr, "kaifangd: invalid callback-allow (push.allow_networks): %s\n", cerr.msg);
		kf_config_clear(&ctx.cfg);
		return 2;
	}
	if (kf_cidr_list_parse(ctx.cfg.trusted_proxies, &ctx.trusted_proxies, &cerr) != KF_OK) {
		fprintf(stderr, "kaifangd: invalid trusted-proxies: %s\n", cerr.msg);
		kf_cidr_list_clear(&ctx.callback_allow);
		kf_config_clear(&ctx.cfg);
		return 2;
	}
	ctx.auth_policy = kf_auth_policy_default();
	ctx.auth_policy.app_access_ttl = ctx.cfg.app_token_ttl;
	ctx.auth_policy.pre_auth_code_ttl = ctx.cfg.pre_auth_code_ttl;
	ctx.auth_policy.auth_code_ttl = ctx.cfg.auth_code_ttl;
	ctx.auth_policy.auth_code_event_ttl = ctx.cfg.auth_code_event_ttl;
	ctx.auth_policy.authorizer_access_ttl = ctx.cfg.authorizer_token_ttl;
	ctx.auth_policy.oauth_access_ttl = ctx.cfg.oauth_access_ttl;
	ctx.auth_policy.oauth_refresh_ttl = ctx.cfg.oauth_refresh_ttl;
	if (kf_auth_policy_check(&ctx.auth_policy, &cerr) != KF_OK) {
		fprintf(stderr, "kaifangd: token lifetimes: %s\n", cerr.msg);
		kf_cidr_list_clear(&ctx.callback_allow);
		kf_cidr_list_clear(&ctx.trusted_proxies);
		kf_config_clear(&ctx.cfg);
		return 2;
	}
	if (kf_crypto_init() != KF_OK || curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
		fprintf(stderr, "kaifangd: cannot initialise the crypto libraries\n");
		return 1;
	}
	kf_envelope_global_init();
	/* who this process is in the leases of scheduled work: new at every
	 * start, so a restarted process never mistakes a dead one's lease for
	 * its own */
	kf_random_hex(ctx.holder, KF_LEASE_HOLDER_LEN);
	ctx.db_path = *ctx.cfg.database ? kf_xstrdup(ctx.cfg.database)
					: kf_xasprintf("%s/kaifang.db", ctx.cfg.data_dir);
	ctx.files_dir = kf_xasprintf("%s/files", ctx.cfg.data_dir);
	ctx.mail_dir = kf_xasprintf("%s/mail", ctx.cfg.data_dir);
	kf_notify_set_console_base(ctx.cfg.issuer);
	if (make_dir(ctx.cfg.data_dir) < 0 || make_dir(ctx.files_dir) < 0 || make_dir(ctx.mail_dir) < 0)
		return 1;

	/* Block the stop signals in every thread; main waits for them. */
	sigset_t sigs;
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGTERM);
	sigaddset(&sigs, SIGINT);
	pthread_sigmask(SIG_BLOCK, &sigs, NULL);
	signal(SIGPIPE, SIG_IGN);

	struct kf_error err = {0};
	if (kf_dbpool_new(ctx.db_path, (int)ctx.cfg.db_pool + 2, &ctx.pool, &err) != KF_OK) {
		fprintf(stderr, "kaifangd: %s\n", err.msg);
		return 1;
	}
	struct kf_db *db = kf_dbpool_get(ctx.pool);
	int applied = 0;
	rc = kf_migrate(db, kf_ctx_now(&ctx), &applied, &err) == KF_OK ? 0 : -1;
	/* an upgraded database: the search index of the apps released before
	 * migration 022 (later ones are indexed as their listing goes live) */
	int indexed = 0;
	if (rc == 0 && applied > 0) {
		if (kf_db_begin(db) != KF_OK || kf_store_search_backfill(db, &indexed) != KF_OK ||
		    kf_db_commit(db) != KF_OK) {
			kf_db_rollback(db);
			fprintf(stderr, "kaifangd: cannot build the search index\n");
			rc = -1;
		}
	}
	/* the audit key and anchor, before anything appends an audit row */
	if (rc == 0 && kf_audit_start(db, ctx.cfg.data_dir, true, &err) != KF_OK)
		rc = -1;
	rc = rc == 0 ? bootstrap_admin(&ctx, db) : -1;
	if (rc == 0 && kf_ops_server_key(db, ctx.server_key) != KF_OK) {
		fprintf(stderr, "kaifangd: cannot read or create the server key\n");
		rc = -1;
	}
	/* APP-9: the platform's own test host account for capability checks */
	if (rc == 0 && ensure_test_accounts(&ctx, db) != KF_OK) {
		fprintf(stderr, "kaifangd: cannot create the platform test accounts\n");
		rc = -1;
	}
	if (err.msg[0])
		fprintf(stderr, "kaifangd: %s\n", err.msg);
	if (rc == 0)
		kf_audit_anchor_pass(db, "kaifangd"); /* the head in the log at every start */
	kf_dbpool_put(ctx.pool, db);
	if (rc < 0) {
		kf_dbpool_free(ctx.pool);
		kf_audit_stop();
		return 1;
	}
	struct kf_server *srv = NULL;
	struct kf_worker *worker = NULL;
	struct kf_pusher *pusher = NULL;
	bool api = strcmp(ctx.cfg.role, "worker") != 0, work = strcmp(ctx.cfg.role, "api") != 0;
	ctx.terms_cache = kf_terms_cache_new();
	if (api && kf_server_start(&ctx, &kf_api_dispatch, &srv, &err) != KF_OK) {
		fprintf(stderr, "kaifangd: %s\n", err.msg);
		kf_dbpool_free(ctx.pool);
		return 1;
	}
	if (work && (!(worker = kf_worker_start(&ctx)) || !(ctx.pusher = pusher = kf_push_start(&ctx)))) {
		fprintf(stderr, "kaifangd: cannot start the workers\n");
		kf_worker_stop(worker);
		kf_server_stop(srv);
		kf_dbpool_free(ctx.pool);
		return 1;
	}
	atomic_store(&ctx.worker, worker); /* handlers wake it for new URL checks */
	if (!strcmp(ctx.cfg.operator_second_factor, "off"))
		fprintf(stderr, "{\"level\":\"warn\",\"msg\":\"operator-second-factor is off: admins sign in with a "
				"password alone; use this for test set-ups only\"}\n");
	fprintf(stderr,
		"{\"level\":\"info\",\"msg\":\"kaifangd started\",\"listen\":\"%s\",\"role\":\"%s\","
		"\"data_dir\":\"%s\",\"database\":\"%s\",\"migrations_applied\":%d,\"holder\":\"%s\"%s}\n",
		ctx.cfg.listen, ctx.cfg.role, ctx.cfg.data_dir, *ctx.cfg.database ? "postgresql" : "sqlite", applied,
		ctx.holder, ctx.test_clock ? ",\"test_clock\":true" : "");
	int sig = 0;
	sigwait(&sigs, &sig);
	atomic_store(&ctx.stopping, true);
	fprintf(stderr, "{\"level\":\"info\",\"msg\":\"stopping\",\"signal\":%d}\n", sig);
	kf_server_stop(srv);
	ctx.pusher = NULL;
	atomic_store(&ctx.worker, NULL);
	kf_push_stop(pusher);
	kf_worker_stop(worker);
	kf_dbpool_free(ctx.pool);
	kf_audit_stop();
	curl_global_cleanup();
	free(ctx.db_path);
	free(ctx.files_dir);
	free(ctx.mail_dir);
	kf_cidr_list_clear(&ctx.callback_allow);
	kf_cidr_list_clear(&ctx.trusted_proxies);
	kf_terms_cache_free(ctx.terms_cache);
	kf_config_clear(&ctx.cfg);
	fprintf(stderr, "{\"level\":\"info\",\"msg\":\"stopped\"}\n");
	return 0;
}
