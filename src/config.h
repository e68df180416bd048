/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Configuration as data: one table of options drives the INI file, the
 * environment (KAIFANG_<KEY>), the command-line flags (--key), --help and
 * the redacted dump. Later sources override earlier ones:
 * defaults < config file < environment < flags.
 */
#ifndef KF_CONFIG_H
#define KF_CONFIG_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#define KF_CONFIG_URL_MAX 512 /* public-url, bytes */

struct kf_config {
	char *listen;            /* ADDR:PORT */
	char *data_dir;
	char *database;           /* empty: SQLite in data_dir; else a PostgreSQL URI */
	char *config_file;
	char *role;              /* all | api | worker */
	int64_t threads;
	int64_t max_body;        /* bytes */
	int64_t max_upload;      /* bytes, for /v1/files */
	int64_t max_connections;
	int64_t per_ip_connections;
	int64_t conn_timeout;    /* seconds */
	int64_t db_pool;
	int64_t session_ttl;     /* seconds */
	int64_t email_code_ttl;  /* seconds */
	int64_t password_reset_ttl; /* seconds */
	int64_t login_max_failures;
	int64_t login_max_failures_address;
	int64_t login_window;    /* seconds */
	int64_t login_lock;      /* seconds */
	char *operator_second_factor; /* admins | all | off: who of the staff must have a second factor */
	int64_t operator_idle_timeout; /* seconds a staff session may go unused */
	int64_t operator_step_up;      /* seconds a password or code check counts for sensitive actions */
	int64_t review_workdays; /* REV-1 */
	int64_t release_submissions_per_day; /* REV-4 */
	int64_t authenticity_valid_days; /* APP-9 */
	int64_t lock_period;     /* ONB-5, seconds */
	int64_t retention;       /* ONB-10, seconds */
	char *utc_offset;        /* operator calendar, e.g. +08:00 */
	char *platform_name;     /* shown on every page and in mails */
	char *excluded_kinds;    /* ONB-2, comma separated */
	char *host_kinds;        /* kinds of host account, comma separated */
	char *auth_type_kinds;   /* consent page: auth_type -> kinds ("1:mini_program 2:enterprise,shop 3:*") */
	bool individuals_allowed;
	char *smtp_url;
	char *smtp_from;
	char *smtp_user;
	char *smtp_password;
	char *metrics_token;     /* bearer token of GET /metrics; "" = open */
	char *trusted_proxies;   /* CIDRs whose X-Forwarded-For is believed; "" = none */
	int64_t worker_interval; /* seconds between worker passes */
	bool access_log;         /* one JSON line per request on stderr */
	char *public_url;        /* external base URL (behind a TLS proxy); "" = http://<listen> */
	char issuer[KF_CONFIG_URL_MAX + 16]; /* derived: public_url without trailing '/', or http://<listen>; never from a request */
	char *callback_allow;    /* push.allow_networks: CIDRs callbacks may reach besides public addresses */
	int64_t ticket_interval; /* seconds between verify tickets */
	int64_t push_timeout;    /* seconds an app has to answer */
	int64_t url_check_timeout; /* LST-14/16: seconds a listing URL has to open */
	int64_t push_max_age;    /* seconds of retrying before an event is dead */
	int64_t push_concurrency;/* deliveries in flight */
	int64_t check_reply_timeout; /* APP-9: seconds an app has to reply passively in a capability check */
	int64_t check_api_timeout;   /* APP-9: seconds it has for the API round trip (PROTOCOL.md §8.4) */
	int64_t max_apps;        /* APP-1 */
	/* token and code lifetimes (PROTOCOL.md §1; core/auth.h) */
	int64_t app_token_ttl, pre_auth_code_ttl, auth_code_ttl, auth_code_event_ttl, authorizer_token_ttl;
	int64_t oauth_access_ttl, oauth_refresh_ttl;
	int64_t max_test_accounts; /* APP-5 */
	/* attempt limits (core/ratelimit.h): counts, and windows in seconds */
	int64_t client_auth_max_failures, client_auth_max_failures_address, client_auth_window;
	int64_t registrations_per_address, registration_window;
	int64_t verification_mails_per_account, verification_mails_per_address, verification_mail_window;
	int64_t pre_auth_codes_per_app, pre_auth_code_window;
	/* request line and header limits of the HTTP layer (414, 431) */
	int64_t max_url, max_headers;
	/* derived */
	int32_t utc_offset_seconds;
};

/* Fill cfg from defaults, the file named by --config / KAIFANG_CONFIG, the
 * environment and argv. Returns 0 on success; 1 when --help was printed;
 * -1 on error (message already printed to stderr). */
int kf_config_load(struct kf_config *cfg, int argc, char **argv);
void kf_config_clear(struct kf_config *cfg);
/* Every option at its default (what kf_config_load starts from). 0, or -1
 * when a default is invalid (a bug; printed to stderr). Free with
 * kf_config_clear. */
int kf_config_defaults(struct kf_config *cfg);

/* Largest configuration file read, in bytes. */
#define KF_CONFIG_FILE_MAX (1 << 20)
/*
 * Apply INI text (len bytes, need not be NUL-terminated) to cfg, whose
 * options already hold values (kf_config_defaults): `key = value` lines,
 * `#`/`;` comments, [sections] ignored, '_' in keys read as '-', one pair of
 * surrounding double quotes stripped from a value. Durations take s/m/h/d,
 * sizes B/k/KiB/m/MiB (kf_parse_duration, kf_parse_size); every value is
 * checked against its option's range. Stops at the first bad line: an
 * unknown key (or "config"), a line without '=', a NUL byte or an invalid
 * value; returns -1 after printing "<name>:<line>: ..." to errs (NULL =
 * silent); 0 on success. Options set before the bad line keep their new
 * values. No checks across options (those are kf_config_load's).
 */
int kf_config_parse_ini(struct kf_config *cfg, const char *text, size_t len, const char *name, FILE *errs);
void kf_config_usage(FILE *f);
/* Print every option with its value, secrets redacted, as INI text that
 * kf_config_parse_ini reads back to the same values (strings quoted; the
 * config option, which a file cannot set, as a comment). */
void kf_config_dump(const struct kf_config *cfg, FILE *f);
/* Parse "15m", "30d", "3600" (seconds), "2h", "45s". -1 on error. */
int64_t kf_parse_duration(const char *s);
/* Parse "1MiB", "512k", "1048576". -1 on error. */
int64_t kf_parse_size(const char *s);

#endif
