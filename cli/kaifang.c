/* SPDX-License-Identifier: Apache-2.0 */
/*
 * kaifang: the operator command line. Works on the data directory directly
 * (the same database kaifangd uses; SQLite's locking lets both run).
 *
 *   kaifang --data-dir DIR user create-operator --email E --password P [--name N] [--role admin|reviewer|ops] [--mobile M]
 *   kaifang --data-dir DIR db migrate
 *   kaifang --data-dir DIR audit verify
 *   kaifang --data-dir DIR calendar load FILE
 *   kaifang --data-dir DIR calendar show
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "core/calendar.h"
#include "ops.h"
#include "store/audit.h"
#include "store/db.h"
#include "store/migrate.h"
#include "store/reviews.h"
#include "util/crypto.h"
#include "util/mem.h"

static void usage(FILE *f)
{
	fprintf(f, "usage: kaifang [--data-dir DIR] COMMAND ...\n\n"
		   "commands:\n"
		   "  user create-operator --email E --password P [--name N] [--mobile M] [--role admin|reviewer|ops]\n"
		   "  db migrate                 apply pending schema migrations\n"
		   "  db version                 print the schema version\n"
		   "  audit verify               check the audit log hash chain (exit 0 when intact)\n"
		   "  calendar load FILE         load holidays and make-up working days (lines: YYYY-MM-DD holiday|workday)\n"
		   "  calendar show              print the loaded calendar days\n\n"
		   "The data directory defaults to $KAIFANG_DATA_DIR or ./var.\n");
}

static const char *opt(int argc, char **argv, const char *name)
{
	for (int i = 0; i + 1 < argc; i++)
		if (!strcmp(argv[i], name))
			return argv[i + 1];
	return NULL;
}

static char *read_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	size_t cap = 4096, n = 0;
	char *buf = kf_xmalloc(cap);
	size_t k;
	while ((k = fread(buf + n, 1, cap - n - 1, f)) > 0) {
		n += k;
		if (cap - n - 1 == 0)
			buf = kf_xrealloc(buf, cap *= 2);
		if (n > (16u << 20))
			break;
	}
	fclose(f);
	buf[n] = '\0';
	return buf;
}

static int cmd_calendar_load(struct kf_db *db, const char *path)
{
	char *text = read_file(path);
	if (!text) {
		fprintf(stderr, "kaifang: cannot read %s: %s\n", path, strerror(errno));
		return 1;
	}
	struct kf_calendar cal;
	kf_calendar_init(&cal);
	struct kf_error err = {0};
	if (kf_calendar_parse(&cal, text, &err) != KF_OK) {
		fprintf(stderr, "kaifang: %s: %s\n", path, err.msg);
		free(text);
		return 1;
	}
	free(text);
	int rc = 1;
	if (kf_db_begin(db) == KF_OK) {
		if (kf_store_calendar_replace(db, &cal) == KF_OK &&
		    kf_audit_append(db, (int64_t)time(NULL), "cli", "calendar.load", path, NULL) == KF_OK &&
		    kf_db_commit(db) == KF_OK) {
			printf("loaded %zu holidays and %zu make-up working days\n", cal.n_holidays, cal.n_workdays);
			rc = 0;
		} else {
			kf_db_rollback(db);
			fprintf(stderr, "kaifang: cannot store the calendar\n");
		}
	}
	kf_calendar_clear(&cal);
	return rc;
}

static int cmd_calendar_show(struct kf_db *db)
{
	struct kf_stmt *st = kf_db_prepare(db, "SELECT day, kind FROM calendar_days ORDER BY day");
	if (!st)
		return 1;
	while (kf_stmt_step(st) == KF_STEP_ROW)
		printf("%s %s\n", kf_stmt_text(st, 0), kf_stmt_text(st, 1));
	kf_stmt_done(st);
	return 0;
}

int main(int argc, char **argv)
{
	const char *dir = getenv("KAIFANG_DATA_DIR");
	if (!dir || !*dir)
		dir = "./var";
	int i = 1;
	for (; i < argc && !strncmp(argv[i], "--", 2); i++) {
		if (!strcmp(argv[i], "--help")) {
			usage(stdout);
			return 0;
		}
		if (!strcmp(argv[i], "--data-dir") && i + 1 < argc) {
			dir = argv[++i];
		} else {
			fprintf(stderr, "kaifang: unknown option %s\n", argv[i]);
			usage(stderr);
			return 2;
		}
	}
	if (i + 1 >= argc) {
		usage(stderr);
		return 2;
	}
	const char *group = argv[i], *cmd = argv[i + 1];
	int sub_argc = argc - i - 2;
	char **sub = argv + i + 2;
	if (kf_crypto_init() != KF_OK)
		return 1;
	if (mkdir(dir, 0750) < 0 && errno != EEXIST) {
		fprintf(stderr, "kaifang: cannot create %s: %s\n", dir, strerror(errno));
		return 1;
	}
	char *path = kf_xasprintf("%s/kaifang.db", dir);
	struct kf_db *db = NULL;
	struct kf_error err = {0};
	if (kf_db_open(path, &db, &err) != KF_OK) {
		fprintf(stderr, "kaifang: %s\n", err.msg);
		free(path);
		return 1;
	}
	free(path);
	int rc = 2;
	int64_t now = (int64_t)time(NULL);
	int applied = 0;
	/* Every command works on a current schema. */
	if (kf_migrate(db, now, &applied, &err) != KF_OK) {
		fprintf(stderr, "kaifang: %s\n", err.msg);
		kf_db_close(db);
		return 1;
	}
	if (!strcmp(group, "db") && !strcmp(cmd, "migrate")) {
		printf("schema version %d (%d migrations applied)\n", kf_schema_version(db), applied);
		rc = 0;
	} else if (!strcmp(group, "db") && !strcmp(cmd, "version")) {
		printf("%d\n", kf_schema_version(db));
		rc = 0;
	} else if (!strcmp(group, "audit") && !strcmp(cmd, "verify")) {
		int64_t rows = 0, broken = 0;
		enum kf_err e = kf_audit_verify(db, &rows, &broken);
		if (e == KF_OK) {
			printf("audit log intact: %lld rows\n", (long long)rows);
			rc = 0;
		} else if (e == KF_ECONFLICT) {
			printf("audit log broken at row %lld (%lld rows before it are intact)\n", (long long)broken,
			       (long long)rows);
			rc = 1;
		} else {
			fprintf(stderr, "kaifang: cannot read the audit log\n");
			rc = 1;
		}
	} else if (!strcmp(group, "user") && !strcmp(cmd, "create-operator")) {
		const char *email = opt(sub_argc, sub, "--email"), *pw = opt(sub_argc, sub, "--password");
		const char *name = opt(sub_argc, sub, "--name"), *role = opt(sub_argc, sub, "--role");
		if (!email || !pw) {
			fprintf(stderr, "kaifang: user create-operator needs --email and --password\n");
		} else if (kf_ops_create_operator(db, now, email, opt(sub_argc, sub, "--mobile"), name ? name : email, pw,
						  role ? role : "admin", &err) != KF_OK) {
			fprintf(stderr, "kaifang: %s\n", err.msg);
			rc = 1;
		} else {
			printf("operator %s created with role %s\n", email, role ? role : "admin");
			rc = 0;
		}
	} else if (!strcmp(group, "calendar") && !strcmp(cmd, "load") && sub_argc >= 1) {
		rc = cmd_calendar_load(db, sub[0]);
	} else if (!strcmp(group, "calendar") && !strcmp(cmd, "show")) {
		rc = cmd_calendar_show(db);
	} else {
		fprintf(stderr, "kaifang: unknown command '%s %s'\n", group, cmd);
		usage(stderr);
	}
	kf_db_close(db);
	return rc;
}
