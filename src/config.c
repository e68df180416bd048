/* SPDX-License-Identifier: Apache-2.0 */
/* The option table and its four readers (defaults, INI, environment, flags). */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "core/redirect.h"
#include "store/db.h"
#include "util/mem.h"

enum otype { O_STR, O_INT, O_DURATION, O_SIZE, O_BOOL };
enum { O_SECRET = 1 };

struct option {
	const char *key; /* INI key and flag name; env is KAIFANG_ + upper(key) */
	const char *alias; /* another INI key accepted for it, or NULL */
	enum otype type;
	size_t off;
	const char *def;
	int flags;
	int64_t min, max;
	const char *help;
};

#define OFF(f) offsetof(struct kf_config, f)
static const struct option options[] = {
	{"listen", NULL, O_STR, OFF(listen), "127.0.0.1:8080", 0, 0, 0, "address and port to listen on (ADDR:PORT)"},
	{"data-dir", NULL, O_STR, OFF(data_dir), "./var", 0, 0, 0, "data directory: database, uploaded files, mail folder"},
	{"database", NULL, O_STR, OFF(database), "", 0, 0, 0,
	 "empty: SQLite in the data directory; postgresql://… (or postgres://…, a libpq connection URI): PostgreSQL, which several kaifangd can share"},
	{"config", NULL, O_STR, OFF(config_file), "", 0, 0, 0, "INI configuration file"},
	{"role", NULL, O_STR, OFF(role), "all", 0, 0, 0, "all | api | worker: which parts this process runs"},
	{"threads", NULL, O_INT, OFF(threads), "4", 0, 1, 64, "HTTP worker threads"},
	{"max-body", NULL, O_SIZE, OFF(max_body), "1MiB", 0, 1024, 64 << 20, "largest JSON request body"},
	{"max-upload", NULL, O_SIZE, OFF(max_upload), "10MiB", 0, 1024, 256 << 20, "largest uploaded file"},
	{"max-connections", NULL, O_INT, OFF(max_connections), "1024", 0, 4, 65536, "simultaneous connections"},
	{"per-ip-connections", NULL, O_INT, OFF(per_ip_connections), "256", 0, 1, 65536, "simultaneous connections from one address"},
	{"connection-timeout", NULL, O_DURATION, OFF(conn_timeout), "30s", 0, 1, 3600, "idle connection timeout"},
	{"db-pool", NULL, O_INT, OFF(db_pool), "8", 0, 1, 128, "database connections"},
	{"session-ttl", NULL, O_DURATION, OFF(session_ttl), "7d", 0, 60, 366LL * 86400, "console session lifetime"},
	{"email-code-ttl", NULL, O_DURATION, OFF(email_code_ttl), "30m", 0, 60, 86400, "email verification code lifetime"},
	{"password-reset-ttl", NULL, O_DURATION, OFF(password_reset_ttl), "1h", 0, 300, 86400,
	 "lifetime of a mailed password-reset link"},
	{"login-max-failures", NULL, O_INT, OFF(login_max_failures), "5", 0, 1, 1000, "failed logins before a lock (per account and per address)"},
	{"login-max-failures-per-address", NULL, O_INT, OFF(login_max_failures_address), "50", 0, 1, 100000,
	 "failed logins from one address (across accounts) before it is locked; wider than per account, as an office or a proxy shares one address"},
	{"login-window", NULL, O_DURATION, OFF(login_window), "15m", 0, 1, 86400, "window in which failed logins are counted"},
	{"operator-second-factor", NULL, O_STR, OFF(operator_second_factor), "admins", 0, 0, 0,
	 "admins | all | off: who of the operator staff must sign in with a second factor (TOTP); off is for test set-ups only"},
	{"operator-idle-timeout", NULL, O_DURATION, OFF(operator_idle_timeout), "30m", 0, 60, 366LL * 86400,
	 "an operator staff session unused this long ends"},
	{"operator-step-up", NULL, O_DURATION, OFF(operator_step_up), "10m", 0, 60, 366LL * 86400,
	 "sensitive staff actions (ban, publish an agreement, …) ask for the password or code again when the last check is older"},
	{"login-lock", NULL, O_DURATION, OFF(login_lock), "15m", 0, 1, 86400, "how long a lock lasts"},
	{"client-auth-max-failures", NULL, O_INT, OFF(client_auth_max_failures), "10", 0, 1, 100000,
	 "failed client authentications (wrong client secret) per client in the window before it is refused (/oauth/token, /oauth/introspect, /oauth/revoke, api_component_token)"},
	{"client-auth-max-failures-per-address", NULL, O_INT, OFF(client_auth_max_failures_address), "30", 0, 1, 100000,
	 "failed client authentications from one address in the window before it is refused"},
	{"client-auth-window", NULL, O_DURATION, OFF(client_auth_window), "15m", 0, 1, 86400,
	 "window in which failed client authentications are counted; a refusal lasts until it ends"},
	{"registrations-per-address", NULL, O_INT, OFF(registrations_per_address), "10", 0, 1, 100000,
	 "account registrations from one address in the registration window"},
	{"registration-window", NULL, O_DURATION, OFF(registration_window), "1h", 0, 1, 86400, "window of registrations-per-address"},
	{"verification-mails-per-account", NULL, O_INT, OFF(verification_mails_per_account), "5", 0, 1, 100000,
	 "verification mails to one account in the mail window, the one sent at registration included"},
	{"verification-mails-per-address", NULL, O_INT, OFF(verification_mails_per_address), "5", 0, 1, 100000,
	 "verification mails requested (resent) from one address in the mail window"},
	{"verification-mail-window", NULL, O_DURATION, OFF(verification_mail_window), "1h", 0, 1, 86400,
	 "window of the verification mail limits"},
	{"pre-auth-codes-per-app", NULL, O_INT, OFF(pre_auth_codes_per_app), "100", 0, 1, 1000000,
	 "pre-authorization codes one app may create in the pre-auth code window (api_create_preauthcode)"},
	{"pre-auth-code-window", NULL, O_DURATION, OFF(pre_auth_code_window), "1m", 0, 1, 86400, "window of pre-auth-codes-per-app"},
	{"max-url", NULL, O_SIZE, OFF(max_url), "8KiB", 0, 1024, 64 << 10, "longest request target (path and query, percent-decoded); longer: 414"},
	{"max-headers", NULL, O_SIZE, OFF(max_headers), "32KiB", 0, 4096, 256 << 10, "largest request header section; larger: 431"},
	{"review-workdays", NULL, O_INT, OFF(review_workdays), "5", 0, 1, 60, "review deadline in working days (REV-1)"},
	{"release-submissions-per-day", NULL, O_INT, OFF(release_submissions_per_day), "5", 0, 1, 1000,
	 "release or change submissions per app in any 24 hours (REV-4)"},
	{"authenticity-valid-days", NULL, O_INT, OFF(authenticity_valid_days), "365", 0, 1, 3650,
	 "days an approved authenticity certification stays valid (APP-9)"},
	{"lock-period", NULL, O_DURATION, OFF(lock_period), "180d", 0, 0, 3650LL * 86400, "entity binding lock period (ONB-5)"},
	{"retention", NULL, O_DURATION, OFF(retention), "30d", 0, 0, 3650LL * 86400, "retention window before a cancelled account is purged (ONB-10)"},
	{"platform-name", NULL, O_STR, OFF(platform_name), "Kaifang", 0, 0, 0,
	 "the platform's name as people see it: on the console, the consent page and in mails"},
	{"utc-offset", NULL, O_STR, OFF(utc_offset), "+08:00", 0, 0, 0, "time zone of the operator calendar"},
	{"excluded-kinds", NULL, O_STR, OFF(excluded_kinds), "", 0, 0, 0, "entity kinds that may not apply, comma separated (ONB-2)"},
	{"host-kinds", NULL, O_STR, OFF(host_kinds), "mini_program,enterprise,shop", 0, 0, 0, "kinds of host account the host product provisions, comma separated"},
	{"auth-type-kinds", NULL, O_STR, OFF(auth_type_kinds), "1:mini_program 2:enterprise,shop 3:*", 0, 0, 0,
	 "consent page: host account kinds offered for each auth_type"},
	{"individuals-allowed", NULL, O_BOOL, OFF(individuals_allowed), "true", 0, 0, 0, "whether individuals may become providers (ONB-2)"},
	{"smtp-url", NULL, O_STR, OFF(smtp_url), "", 0, 0, 0, "SMTP server (smtp://host:25 or smtps://host:465); empty: write mails to DATA_DIR/mail"},
	{"smtp-from", NULL, O_STR, OFF(smtp_from), "kaifang@localhost", 0, 0, 0, "sender address of platform mail"},
	{"smtp-user", NULL, O_STR, OFF(smtp_user), "", 0, 0, 0, "SMTP user name"},
	{"smtp-password", NULL, O_STR, OFF(smtp_password), "", O_SECRET, 0, 0, "SMTP password"},
	{"worker-interval", NULL, O_DURATION, OFF(worker_interval), "1s", 0, 1, 3600, "pause between background worker passes"},
	{"public-url", NULL, O_STR, OFF(public_url), "", 0, 0, 0,
	 "external base URL, e.g. https://open.example.com, when a proxy terminates TLS (the OAuth issuer); empty: http:// and the listen address"},
	{"trusted-proxies", NULL, O_STR, OFF(trusted_proxies), "", 0, 0, 0,
	 "reverse proxies whose X-Forwarded-For is believed, comma-separated CIDRs; empty: the connection's address is the client"},
	{"metrics-token", NULL, O_STR, OFF(metrics_token), "", O_SECRET, 0, 0,
	 "bearer token GET /metrics requires; empty: /metrics answers anyone who reaches it"},
	{"access-log", NULL, O_BOOL, OFF(access_log), "true", 0, 0, 0, "write one JSON line per request to stderr"},
	{"callback-allow", "allow-networks", O_STR, OFF(callback_allow), "", 0, 0, 0,
	 "networks (CIDR list) app callbacks may reach besides public addresses, e.g. 127.0.0.0/8,::1 ([push] allow_networks)"},
	{"ticket-interval", NULL, O_DURATION, OFF(ticket_interval), "10m", 0, 10, 86400, "how often each app gets a fresh verify ticket"},
	{"push-timeout", NULL, O_DURATION, OFF(push_timeout), "5s", 0, 1, 60, "how long an app has to answer a push"},
	{"url-check-timeout", NULL, O_DURATION, OFF(url_check_timeout), "10s", 0, 1, 60,
	 "how long a listing's privacy, terms or website URL has to open, redirects included (LST-14, LST-16)"},
	{"push-max-age", NULL, O_DURATION, OFF(push_max_age), "24h", 0, 60, 30LL * 86400, "how long a failing event is retried before it is dead"},
	{"push-concurrency", NULL, O_INT, OFF(push_concurrency), "16", 0, 1, 1024, "deliveries in flight at once"},
	{"check-reply-timeout", NULL, O_DURATION, OFF(check_reply_timeout), "5s", 0, 1, 60,
	 "capability check (APP-9): how long an app has to answer a test message, passive reply included"},
	{"check-api-timeout", NULL, O_DURATION, OFF(check_api_timeout), "60s", 0, 1, 600,
	 "capability check (APP-9): how long an app has to exchange the code and call custom/send"},
	{"app-token-ttl", NULL, O_DURATION, OFF(app_token_ttl), "7200s", 0, 60, 86400, "component access token lifetime"},
	{"pre-auth-code-ttl", NULL, O_DURATION, OFF(pre_auth_code_ttl), "600s", 0, 10, 3600, "pre-authorization code lifetime (AUTH-3)"},
	{"auth-code-ttl", NULL, O_DURATION, OFF(auth_code_ttl), "600s", 0, 10, 3600, "authorization code lifetime on the redirect and for OAuth (AUTH-3)"},
	{"auth-code-event-ttl", NULL, O_DURATION, OFF(auth_code_event_ttl), "3600s", 0, 10, 3600, "authorization code lifetime announced in the authorized event"},
	{"authorizer-token-ttl", NULL, O_DURATION, OFF(authorizer_token_ttl), "7200s", 0, 60, 86400, "authorizer access token lifetime"},
	{"oauth-access-ttl", NULL, O_DURATION, OFF(oauth_access_ttl), "3600s", 0, 60, 86400, "OAuth access token lifetime"},
	{"oauth-refresh-ttl", NULL, O_DURATION, OFF(oauth_refresh_ttl), "30d", 0, 3600, 3650LL * 86400, "OAuth refresh token lifetime, counted from each rotation"},
	{"max-apps", NULL, O_INT, OFF(max_apps), "5", 0, 1, 1000, "apps one provider may own (APP-1)"},
	{"max-test-accounts", NULL, O_INT, OFF(max_test_accounts), "10", 0, 1, 100, "host accounts on an app's test allowlist (APP-5)"},
};
#define N_OPTIONS (sizeof(options) / sizeof(options[0]))

int64_t kf_parse_duration(const char *s)
{
	char *end;
	errno = 0;
	long long v = strtoll(s, &end, 10);
	if (errno || end == s || v < 0)
		return -1;
	int64_t mul = 1;
	if (!strcmp(end, "") || !strcmp(end, "s"))
		mul = 1;
	else if (!strcmp(end, "m"))
		mul = 60;
	else if (!strcmp(end, "h"))
		mul = 3600;
	else if (!strcmp(end, "d"))
		mul = 86400;
	else
		return -1;
	if (v > INT64_MAX / mul)
		return -1;
	return v * mul;
}

int64_t kf_parse_size(const char *s)
{
	char *end;
	errno = 0;
	long long v = strtoll(s, &end, 10);
	if (errno || end == s || v < 0)
		return -1;
	int64_t mul = 1;
	if (!strcmp(end, "") || !strcmp(end, "B"))
		mul = 1;
	else if (!strcasecmp(end, "k") || !strcmp(end, "KiB"))
		mul = 1024;
	else if (!strcasecmp(end, "m") || !strcmp(end, "MiB"))
		mul = 1024 * 1024;
	else
		return -1;
	if (v > INT64_MAX / mul)
		return -1;
	return v * mul;
}

static int parse_offset(const char *s, int32_t *out)
{
	int h, m;
	char sign;
	char extra;
	if (sscanf(s, "%c%2d:%2d%c", &sign, &h, &m, &extra) != 3 || (sign != '+' && sign != '-') ||
	    h > 14 || m > 59)
		return -1;
	*out = (sign == '-' ? -1 : 1) * (h * 3600 + m * 60);
	return 0;
}

static int set_option(struct kf_config *cfg, const struct option *o, const char *val, const char *where, FILE *errs)
{
	char *base = (char *)cfg;
	int64_t v = 0;
	switch (o->type) {
	case O_STR: {
		char **p = (char **)(void *)(base + o->off);
		free(*p);
		*p = kf_xstrdup(val);
		return 0;
	}
	case O_BOOL: {
		bool *p = (bool *)(void *)(base + o->off);
		if (!strcmp(val, "true") || !strcmp(val, "1") || !strcmp(val, "yes"))
			*p = true;
		else if (!strcmp(val, "false") || !strcmp(val, "0") || !strcmp(val, "no"))
			*p = false;
		else
			goto bad;
		return 0;
	}
	case O_INT: {
		char *end;
		errno = 0;
		long long x = strtoll(val, &end, 10);
		if (errno || end == val || *end)
			goto bad;
		v = x;
		break;
	}
	case O_DURATION:
		v = kf_parse_duration(val);
		break;
	case O_SIZE:
		v = kf_parse_size(val);
		break;
	}
	if (v < 0 || v < o->min || v > o->max)
		goto bad;
	*(int64_t *)(void *)(base + o->off) = v;
	return 0;
bad:
	if (errs)
		fprintf(errs, "kaifangd: %s: invalid value '%s' for %s (%s)\n", where, val, o->key, o->help);
	return -1;
}

static const struct option *find_option(const char *key)
{
	for (size_t i = 0; i < N_OPTIONS; i++)
		if (!strcmp(options[i].key, key))
			return &options[i];
	return NULL;
}

static const struct option *find_ini_option(const char *key)
{
	const struct option *o = find_option(key);
	for (size_t i = 0; !o && i < N_OPTIONS; i++)
		if (options[i].alias && !strcmp(options[i].alias, key))
			o = &options[i];
	return o;
}

static char *trim(char *s)
{
	while (isspace((unsigned char)*s))
		s++;
	char *e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
	return s;
}

/* INI: `key = value` lines, `#`/`;` comments; [sections] are accepted and
 * ignored for grouping (keys are unique across the file). Underscores in keys
 * are read as dashes. The text is split in a copy of its own. */
int kf_config_parse_ini(struct kf_config *cfg, const char *text, size_t len, const char *name, FILE *errs)
{
	char *copy = kf_xmalloc(len + 1);
	memcpy(copy, text, len);
	copy[len] = '\0';
	int lineno = 0, rc = 0;
	char where[512];
	for (char *line = copy, *next; line && rc == 0; line = next) {
		lineno++;
		char *nl = memchr(line, '\n', (size_t)(copy + len - line));
		next = nl ? nl + 1 : NULL;
		if (nl)
			*nl = '\0';
		snprintf(where, sizeof(where), "%s:%d", name, lineno);
		if (strlen(line) != (size_t)((nl ? nl : copy + len) - line)) {
			if (errs)
				fprintf(errs, "kaifangd: %s: NUL byte in the line\n", where);
			rc = -1;
			break;
		}
		char *s = trim(line);
		if (!*s || *s == '#' || *s == ';' || *s == '[')
			continue;
		char *eq = strchr(s, '=');
		if (!eq) {
			if (errs)
				fprintf(errs, "kaifangd: %s: expected key = value\n", where);
			rc = -1;
			break;
		}
		*eq = '\0';
		char *key = trim(s), *val = trim(eq + 1);
		for (char *p = key; *p; p++)
			if (*p == '_')
				*p = '-';
		size_t vl = strlen(val);
		if (vl >= 2 && val[0] == '"' && val[vl - 1] == '"') {
			val[vl - 1] = '\0';
			val++;
		}
		const struct option *o = find_ini_option(key);
		if (!o || !strcmp(key, "config")) {
			if (errs)
				fprintf(errs, "kaifangd: %s: unknown option '%.100s'\n", where, key);
			rc = -1;
			break;
		}
		rc = set_option(cfg, o, val, where, errs);
	}
	free(copy);
	return rc;
}

/* The configuration file: read whole (at most KF_CONFIG_FILE_MAX bytes),
 * then parsed as above. */
static int load_file(struct kf_config *cfg, const char *path)
{
	FILE *f = fopen(path, "r");
	if (!f) {
		fprintf(stderr, "kaifangd: cannot open config file %s: %s\n", path, strerror(errno));
		return -1;
	}
	char *text = kf_xmalloc(KF_CONFIG_FILE_MAX + 1);
	size_t n = fread(text, 1, KF_CONFIG_FILE_MAX + 1, f);
	int rc = -1;
	if (ferror(f))
		fprintf(stderr, "kaifangd: cannot read config file %s: %s\n", path, strerror(errno));
	else if (n > KF_CONFIG_FILE_MAX)
		fprintf(stderr, "kaifangd: config file %s is larger than %d bytes\n", path, KF_CONFIG_FILE_MAX);
	else
		rc = kf_config_parse_ini(cfg, text, n, path, stderr);
	free(text);
	fclose(f);
	return rc;
}

static void env_name(const char *key, char *out, size_t n)
{
	size_t j = snprintf(out, n, "KAIFANG_");
	for (size_t i = 0; key[i] && j + 1 < n; i++)
		out[j++] = key[i] == '-' ? '_' : (char)toupper((unsigned char)key[i]);
	out[j] = '\0';
}

void kf_config_usage(FILE *f)
{
	fprintf(f, "usage: kaifangd [--listen ADDR:PORT] [--data-dir DIR] [--config FILE] [options]\n\n"
		   "Every option may also be set in the INI file (key = value) or in the\n"
		   "environment as KAIFANG_<KEY>; flags override the environment, which\n"
		   "overrides the file. Durations take s, m, h, d; sizes k or KiB, m or MiB.\n\n");
	for (size_t i = 0; i < N_OPTIONS; i++) {
		char env[64];
		env_name(options[i].key, env, sizeof(env));
		fprintf(f, "  --%-22s %s\n  %-24s env %s, default \"%s\"\n", options[i].key, options[i].help, "",
			env, options[i].def);
	}
	fprintf(f, "\nOther environment:\n"
		   "  KAIFANG_ADMIN_EMAIL, KAIFANG_ADMIN_PASSWORD  create the first operator admin when none exists\n"
		   "  KAIFANG_ADMIN_MOBILE  optional mobile number of that admin\n"
		   "  KAIFANG_TEST_CLOCK=1  enable POST /v1/_test/clock (refused unless listening on loopback)\n"
		   "  --print-routes        print every route (method, path, who may call it) as JSON and exit\n"
		   "  --help                this text\n");
}

/* The issuer and public base URL (issue 9 defect 10): from configuration
 * only, never from a request's Host header. public-url must be a plain
 * http(s) base URL the redirect rule accepts (no user info, backslash,
 * query or fragment); http is allowed here, it is the operator's choice. */
static int set_issuer(struct kf_config *cfg)
{
	const char *u = cfg->public_url;
	if (!*u) {
		snprintf(cfg->issuer, sizeof(cfg->issuer), "http://%s", cfg->listen);
		return 0;
	}
	size_t n = strlen(u);
	while (n > 0 && u[n - 1] == '/')
		n--;
	struct kf_error err = {0};
	char base[KF_CONFIG_URL_MAX + 1];
	bool ok = n > 0 && n <= KF_CONFIG_URL_MAX && !memchr(u, '?', n);
	if (ok) {
		memcpy(base, u, n);
		base[n] = '\0';
		enum kf_err rc = kf_redirect_check(base, NULL, 0, &err);
		ok = rc == KF_OK || !strcmp(err.name, "redirect_uri_https_required");
	}
	if (!ok) {
		fprintf(stderr, "kaifangd: invalid public-url '%s' (expected a base URL such as https://open.example.com, "
				"without user info, query or fragment, at most %d bytes)%s%s\n",
			u, KF_CONFIG_URL_MAX, err.msg[0] ? ": " : "", err.msg);
		return -1;
	}
	memcpy(cfg->issuer, base, n + 1);
	return 0;
}

static int finish(struct kf_config *cfg)
{
	if (parse_offset(cfg->utc_offset, &cfg->utc_offset_seconds) < 0) {
		fprintf(stderr, "kaifangd: invalid utc-offset '%s' (expected +HH:MM)\n", cfg->utc_offset);
		return -1;
	}
	if (strcmp(cfg->role, "all") && strcmp(cfg->role, "api") && strcmp(cfg->role, "worker")) {
		fprintf(stderr, "kaifangd: invalid role '%s' (all, api or worker)\n", cfg->role);
		return -1;
	}
	if (strcmp(cfg->operator_second_factor, "admins") && strcmp(cfg->operator_second_factor, "all") &&
	    strcmp(cfg->operator_second_factor, "off")) {
		fprintf(stderr, "kaifangd: invalid operator-second-factor '%s' (admins, all or off)\n",
			cfg->operator_second_factor);
		return -1;
	}
	const char *colon = strrchr(cfg->listen, ':');
	if (!colon || !colon[1] || strspn(colon + 1, "0123456789") != strlen(colon + 1) ||
	    atoi(colon + 1) > 65535) {
		fprintf(stderr, "kaifangd: invalid listen address '%s' (expected ADDR:PORT)\n", cfg->listen);
		return -1;
	}
	if (set_issuer(cfg) < 0)
		return -1;
	if (!*cfg->data_dir) {
		fprintf(stderr, "kaifangd: data-dir must not be empty\n");
		return -1;
	}
	if (*cfg->database && !kf_db_target_is_pg(cfg->database)) {
		fprintf(stderr, "kaifangd: database must be empty (SQLite in data-dir) or a postgresql:// URI\n");
		return -1;
	}
	return 0;
}

int kf_config_defaults(struct kf_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	for (size_t i = 0; i < N_OPTIONS; i++)
		if (set_option(cfg, &options[i], options[i].def, "default", stderr) < 0)
			return -1;
	return 0;
}

int kf_config_load(struct kf_config *cfg, int argc, char **argv)
{
	if (kf_config_defaults(cfg) < 0)
		return -1;
	/* The config file named on the command line or in the environment. */
	const char *file = getenv("KAIFANG_CONFIG");
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			kf_config_usage(stdout);
			return 1;
		}
		if (!strcmp(argv[i], "--config") && i + 1 < argc)
			file = argv[i + 1];
		else if (!strncmp(argv[i], "--config=", 9))
			file = argv[i] + 9;
	}
	if (file && *file) {
		if (load_file(cfg, file) < 0)
			return -1;
		set_option(cfg, find_option("config"), file, "flag", stderr);
	}
	for (size_t i = 0; i < N_OPTIONS; i++) {
		char env[64];
		env_name(options[i].key, env, sizeof(env));
		const char *v = getenv(env);
		if (v && strcmp(options[i].key, "config") && set_option(cfg, &options[i], v, env, stderr) < 0)
			return -1;
	}
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (strncmp(a, "--", 2)) {
			fprintf(stderr, "kaifangd: unexpected argument '%s' (see --help)\n", a);
			return -1;
		}
		char key[64];
		const char *val = NULL;
		const char *eq = strchr(a, '=');
		if (eq) {
			snprintf(key, sizeof(key), "%.*s", (int)(eq - a - 2), a + 2);
			val = eq + 1;
		} else {
			snprintf(key, sizeof(key), "%s", a + 2);
		}
		const struct option *o = find_option(key);
		if (!o) {
			fprintf(stderr, "kaifangd: unknown option '--%s' (see --help)\n", key);
			return -1;
		}
		if (!val) {
			if (o->type == O_BOOL && (i + 1 >= argc || !strncmp(argv[i + 1], "--", 2))) {
				val = "true";
			} else if (i + 1 < argc) {
				val = argv[++i];
			} else {
				fprintf(stderr, "kaifangd: option '--%s' needs a value\n", key);
				return -1;
			}
		}
		if (!strcmp(key, "config"))
			continue;
		if (set_option(cfg, o, val, "command line", stderr) < 0)
			return -1;
	}
	return finish(cfg);
}

void kf_config_clear(struct kf_config *cfg)
{
	for (size_t i = 0; i < N_OPTIONS; i++)
		if (options[i].type == O_STR) {
			char **p = (char **)(void *)((char *)cfg + options[i].off);
			free(*p);
			*p = NULL;
		}
}

void kf_config_dump(const struct kf_config *cfg, FILE *f)
{
	const char *base = (const char *)cfg;
	for (size_t i = 0; i < N_OPTIONS; i++) {
		const struct option *o = &options[i];
		const void *p = base + o->off;
		/* the file cannot name another file: a comment */
		fprintf(f, "%s%s = ", !strcmp(o->key, "config") ? "; " : "", o->key);
		if (o->flags & O_SECRET)
			fprintf(f, "\"%s\"\n", **(char *const *)p ? "(set)" : "");
		else if (o->type == O_STR)
			fprintf(f, "\"%s\"\n", *(char *const *)p);
		else if (o->type == O_BOOL)
			fprintf(f, "%s\n", *(const bool *)p ? "true" : "false");
		else
			fprintf(f, "%lld\n", (long long)*(const int64_t *)p);
	}
}
