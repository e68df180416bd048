/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests for configuration: units, precedence and refusals. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "config.h"

static void test_units(void **state)
{
	(void)state;
	assert_int_equal(kf_parse_duration("15m"), 900);
	assert_int_equal(kf_parse_duration("30d"), 30 * 86400);
	assert_int_equal(kf_parse_duration("45"), 45);
	assert_int_equal(kf_parse_duration("2h"), 7200);
	assert_int_equal(kf_parse_duration("2w"), -1);
	assert_int_equal(kf_parse_duration("-1s"), -1);
	assert_int_equal(kf_parse_size("1MiB"), 1 << 20);
	assert_int_equal(kf_parse_size("512k"), 512 * 1024);
	assert_int_equal(kf_parse_size("12GB"), -1);
}

static char *write_tmp(const char *text)
{
	static char path[64];
	snprintf(path, sizeof(path), "/tmp/kf-config-XXXXXX");
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	return path;
}

static void test_precedence(void **state)
{
	(void)state;
	char *path = write_tmp("# comment\n[server]\nlisten = 127.0.0.1:9000\nthreads = 3\nsession_ttl = 1d\n");
	setenv("KAIFANG_THREADS", "5", 1);
	char *argv[] = {"kaifangd", "--config", path, "--listen", "127.0.0.1:9100", NULL};
	struct kf_config cfg;
	assert_int_equal(kf_config_load(&cfg, 5, argv), 0);
	assert_string_equal(cfg.listen, "127.0.0.1:9100"); /* flag beats file */
	assert_int_equal(cfg.threads, 5);                    /* env beats file */
	assert_int_equal(cfg.session_ttl, 86400);            /* file beats default */
	assert_int_equal(cfg.max_body, 1 << 20);             /* default */
	assert_int_equal(cfg.utc_offset_seconds, 8 * 3600);
	kf_config_clear(&cfg);
	unsetenv("KAIFANG_THREADS");
	unlink(path);
}

/* issue 9: the attempt limits and request size limits are options with
 * units and the documented defaults. */
static void test_limit_options(void **state)
{
	(void)state;
	char *path = write_tmp("[limits]\nclient_auth_window = 30m\nmax_url = 16KiB\n");
	char *argv[] = {"kaifangd", "--config", path, "--pre-auth-codes-per-app", "7", NULL};
	struct kf_config cfg;
	assert_int_equal(kf_config_load(&cfg, 5, argv), 0);
	assert_int_equal(cfg.client_auth_window, 1800);
	assert_int_equal(cfg.max_url, 16 * 1024);
	assert_int_equal(cfg.pre_auth_codes_per_app, 7);
	assert_int_equal(cfg.client_auth_max_failures, 10);
	assert_int_equal(cfg.client_auth_max_failures_address, 30);
	assert_int_equal(cfg.registrations_per_address, 10);
	assert_int_equal(cfg.registration_window, 3600);
	assert_int_equal(cfg.verification_mails_per_account, 5);
	assert_int_equal(cfg.verification_mails_per_address, 5);
	assert_int_equal(cfg.pre_auth_code_window, 60);
	assert_int_equal(cfg.max_headers, 32 * 1024);
	kf_config_clear(&cfg);
	unlink(path);
}

static void test_refusals(void **state)
{
	(void)state;
	struct kf_config cfg;
	char *bad_flag[] = {"kaifangd", "--no-such-option", "1", NULL};
	assert_int_equal(kf_config_load(&cfg, 3, bad_flag), -1);
	kf_config_clear(&cfg);
	char *bad_value[] = {"kaifangd", "--threads", "zero", NULL};
	assert_int_equal(kf_config_load(&cfg, 3, bad_value), -1);
	kf_config_clear(&cfg);
	char *bad_listen[] = {"kaifangd", "--listen", "localhost", NULL};
	assert_int_equal(kf_config_load(&cfg, 3, bad_listen), -1);
	kf_config_clear(&cfg);
	char *path = write_tmp("listen = 127.0.0.1:1\ntypo_key = 3\n");
	char *bad_key[] = {"kaifangd", "--config", path, NULL};
	assert_int_equal(kf_config_load(&cfg, 3, bad_key), -1);
	kf_config_clear(&cfg);
	unlink(path);
}

/* Issue 9 defect 10: the issuer is configuration, never a request's Host. */
static void test_issuer(void **state)
{
	(void)state;
	struct kf_config cfg;
	char *plain[] = {"kaifangd", "--listen", "127.0.0.1:9100", NULL};
	assert_int_equal(kf_config_load(&cfg, 3, plain), 0);
	assert_string_equal(cfg.issuer, "http://127.0.0.1:9100");
	kf_config_clear(&cfg);
	char *pub[] = {"kaifangd", "--public-url", "https://open.example.com//", NULL};
	assert_int_equal(kf_config_load(&cfg, 3, pub), 0);
	assert_string_equal(cfg.issuer, "https://open.example.com");
	assert_string_equal(cfg.public_url, "https://open.example.com//");
	kf_config_clear(&cfg);
	char *lan[] = {"kaifangd", "--public-url", "http://open.lan.example:8080/kaifang", NULL};
	assert_int_equal(kf_config_load(&cfg, 3, lan), 0);
	assert_string_equal(cfg.issuer, "http://open.lan.example:8080/kaifang");
	kf_config_clear(&cfg);
	static char bad[][48] = {
		"https://evil.com\\@open.example.com", "https://user@open.example.com", "open.example.com",
		"https://open.example.com/?x=1", "https://open.example.com/#f", "ftp://open.example.com",
		"https://open.example.com/%00", "/",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char *argv[] = {"kaifangd", "--public-url", bad[i], NULL};
		if (kf_config_load(&cfg, 3, argv) != -1)
			fail_msg("accepted public-url %s", bad[i]);
		kf_config_clear(&cfg);
	}
}

/* The INI reader on text: values with units, quotes, sections, a bad line
 * named with its number, and a dump that reads back to the same values
 * (the config fuzz harness's round trip). */
static void test_parse_ini_and_dump_round_trip(void **state)
{
	(void)state;
	struct kf_config cfg, again;
	assert_int_equal(kf_config_defaults(&cfg), 0);
	const char *ini = "[server]\nthreads = 7\r\nmax_body = 2MiB\nsession-ttl = 2h\n"
			  "data-dir = \"  spaced dir  \"\n; comment\nsmtp-password = hunter2";
	assert_int_equal(kf_config_parse_ini(&cfg, ini, strlen(ini), "t.ini", NULL), 0);
	assert_int_equal(cfg.threads, 7);
	assert_int_equal(cfg.max_body, 2 << 20);
	assert_int_equal(cfg.session_ttl, 7200);
	assert_string_equal(cfg.data_dir, "  spaced dir  ");

	char *d1 = NULL, *d2 = NULL;
	size_t n1, n2;
	FILE *f = open_memstream(&d1, &n1);
	kf_config_dump(&cfg, f);
	fclose(f);
	assert_null(strstr(d1, "hunter2"));
	assert_int_equal(kf_config_defaults(&again), 0);
	assert_int_equal(kf_config_parse_ini(&again, d1, n1, "dump", NULL), 0);
	assert_string_equal(again.data_dir, "  spaced dir  ");
	f = open_memstream(&d2, &n2);
	kf_config_dump(&again, f);
	fclose(f);
	assert_string_equal(d1, d2);
	free(d1);
	free(d2);
	kf_config_clear(&again);

	/* the first bad line stops the reading; a NUL byte is one */
	static const char bad[] = "threads = 3\nthreads = 9\0\n";
	assert_int_equal(kf_config_parse_ini(&cfg, bad, sizeof(bad) - 1, "t.ini", NULL), -1);
	assert_int_equal(cfg.threads, 3);
	assert_int_equal(kf_config_parse_ini(&cfg, "colour = red", 12, "t.ini", NULL), -1);
	kf_config_clear(&cfg);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_units),
		cmocka_unit_test(test_precedence),
		cmocka_unit_test(test_refusals),
		cmocka_unit_test(test_issuer),
		cmocka_unit_test(test_limit_options),
		cmocka_unit_test(test_parse_ini_and_dump_round_trip),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
