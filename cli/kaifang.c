/* SPDX-License-Identifier: Apache-2.0 */
/*
 * kaifang: the operator command line. Works on the database directly (the
 * same one kaifangd uses: SQLite in the data directory, whose locking lets
 * both run, or PostgreSQL with --database / KAIFANG_DATABASE).
 *
 *   kaifang --data-dir DIR user create-operator --email E --password P [--name N] [--role admin|reviewer|ops|auditor] [--mobile M]
 *   kaifang --data-dir DIR db migrate
 *   kaifang --data-dir DIR audit verify
 *   kaifang --data-dir DIR audit anchor
 *   kaifang --data-dir DIR calendar load FILE
 *   kaifang --data-dir DIR calendar show
 *   kaifang --data-dir DIR demo load
 *   kaifang --data-dir DIR backup DEST
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "core/calendar.h"
#include "core/termlist.h"
#include "core/app.h"
#include "core/names.h"
#include "store/accounts.h"
#include "store/agreements.h"
#include "store/apps.h"
#include "store/listing_apps.h"
#include "store/listings.h"
#include "store/release.h"
#include "store/hosts.h"
#include <jansson.h>
#include "store/providers.h"
#include "ops.h"
#include "store/audit.h"
#include "store/backup.h"
#include "store/db.h"
#include "store/migrate.h"
#include "store/reviews.h"
#include "util/crypto.h"
#include "util/mem.h"
#include "msgcrypt.h"
#include "proto/wxcrypt.h"

static void usage(FILE *f)
{
	fprintf(f, "usage: kaifang [--data-dir DIR] [--database URI] COMMAND ...\n\n"
		   "  --data-dir DIR     data directory (env KAIFANG_DATA_DIR, default ./var): the SQLite\n"
		   "                     database, uploaded files, the audit key\n"
		   "  --database URI     a postgresql:// URI (env KAIFANG_DATABASE): the PostgreSQL database\n"
		   "                     instead of the data directory's SQLite file\n\n"
		   "commands:\n"
		   "  user create-operator --email E --password P [--name N] [--mobile M] [--role admin|reviewer|ops|auditor]\n"
		   "  db migrate                 apply pending schema migrations\n"
		   "  db version                 print the schema version\n"
		   "  audit verify               check the audit log's keyed chain and its anchor (exit 0 when intact)\n"
		   "  audit anchor               check the chain, then set the anchor to its head (after a restore)\n"
		   "  calendar load FILE         load holidays and make-up working days (lines: YYYY-MM-DD holiday|workday)\n"
		   "  calendar show              print the loaded calendar days\n"
		   "  terms load LIST FILE       replace a term list (APP-11, LST-3/4/5/18/19) with FILE's lines, one\n"
		   "                             term a line (# comments and blank lines skipped); running servers\n"
		   "                             pick it up on their next check\n"
		   "  terms show LIST            print a term list, one term a line\n"
		   "  msg encrypt --token T --key K --appid A [--timestamp TS] [--nonce N]   encrypt stdin, print JSON\n"
		   "  msg decrypt --token T --key K --appid A --timestamp TS --nonce N --signature S   verify, decrypt stdin\n"
		   "  msg genkey                 print a new 43-character message encryption key\n"
		   "  apikey create --scope host --name N   create an operator API key (printed once)\n"
		   "  apikey list                print the keys (never the secrets)\n"
		   "  apikey revoke ID           revoke a key at once\n"
		   "  backup DIR                 copy the database (SQLite's online backup: one consistent moment,\n"
		   "                             kaifangd may keep running), the audit key and anchor and the\n"
		   "                             uploaded files into DIR (new or empty); prints what it wrote\n"
		   "  demo load                  load demo data (admin, agreements, a certified sample provider\n"
		   "                             with a released app in the directory)\n\n"
		   "The data directory defaults to $KAIFANG_DATA_DIR or ./var.\n");
}

static const char *opt(int argc, char **argv, const char *name)
{
	for (int i = 0; i + 1 < argc; i++)
		if (!strcmp(argv[i], name))
			return argv[i + 1];
	return NULL;
}

/* The file's bytes and a NUL; *len (may be NULL) their count. */
static char *read_file(const char *path, size_t *len)
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
	if (len)
		*len = n;
	return buf;
}

static int cmd_calendar_load(struct kf_db *db, const char *path)
{
	char *text = read_file(path, NULL);
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

static void print_day(int32_t day, const char *kind)
{
	int y, m, d;
	kf_calendar_civil_from_days(day, &y, &m, &d);
	printf("%04d-%02d-%02d %s\n", y, m, d, kind);
}

/* The stored days in date order, holidays and make-up working days mixed. */
static int cmd_calendar_show(struct kf_db *db)
{
	struct kf_calendar cal;
	if (kf_store_calendar_load(db, 0, &cal) != KF_OK) {
		kf_calendar_clear(&cal);
		return 1;
	}
	size_t h = 0, w = 0;
	while (h < cal.n_holidays || w < cal.n_workdays) {
		if (w == cal.n_workdays || (h < cal.n_holidays && cal.holidays[h] < cal.workdays[w]))
			print_day(cal.holidays[h++], "holiday");
		else
			print_day(cal.workdays[w++], "workday");
	}
	kf_calendar_clear(&cal);
	return 0;
}

static bool term_list_of(const char *name, enum kf_termlist *l)
{
	if (kf_termlist_parse(name, l))
		return true;
	fprintf(stderr, "kaifang: no term list '%s' (protected_marks, generic_names, hot_words, gambling_names, "
			"superlatives, banned_terms)\n", name);
	return false;
}

/* Replace a term list from a file: every line is checked as the API checks
 * a term, and the first bad one stops the load with nothing stored. */
static int cmd_terms_load(struct kf_db *db, const char *name, const char *path, int64_t now)
{
	enum kf_termlist l;
	if (!term_list_of(name, &l))
		return 1;
	size_t len = 0;
	char *text = read_file(path, &len);
	if (!text) {
		fprintf(stderr, "kaifang: cannot read %s: %s\n", path, strerror(errno));
		return 1;
	}
	const char **terms = NULL;
	size_t n = 0;
	int rc = 1, line = 0;
	struct kf_error err = {0};
	if (kf_termlist_split(l, text, len, &terms, &n, &line, &err) != KF_OK) {
		fprintf(stderr, "kaifang: %s:%d: %s\n", path, line, err.msg);
		goto out;
	}
	int64_t gen = 0;
	char detail[64];
	snprintf(detail, sizeof(detail), "%zu terms from the command line", n);
	if (kf_db_begin(db) == KF_OK) {
		char subject[64];
		snprintf(subject, sizeof(subject), "term_list:%s", kf_termlist_name(l));
		if (kf_store_term_list_replace(db, kf_termlist_name(l), terms, n, &gen) == KF_OK &&
		    kf_audit_append(db, now, "cli", "term_list.replace", subject, detail) == KF_OK &&
		    kf_db_commit(db) == KF_OK) {
			printf("loaded %zu terms into %s (generation %lld)\n", n, kf_termlist_name(l), (long long)gen);
			rc = 0;
		} else {
			kf_db_rollback(db);
			fprintf(stderr, "kaifang: cannot store the term list\n");
		}
	}
out:
	free(terms);
	free(text);
	return rc;
}

static int cmd_terms_show(struct kf_db *db, const char *name)
{
	enum kf_termlist l;
	if (!term_list_of(name, &l))
		return 1;
	json_t *terms = kf_store_term_list_json(db, kf_termlist_name(l));
	if (!terms)
		return 1;
	size_t i;
	json_t *t;
	json_array_foreach(terms, i, t)
		printf("%s\n", json_string_value(t));
	json_decref(terms);
	return 0;
}

static void random_password(char *out)
{
	char hex[17];
	kf_random_hex(hex, 16);
	snprintf(out, 24, "kf-%s", hex);
}

/* What demo load tells the person who runs it about the demo app. */
struct demo_app {
	char app_id[KF_APP_ID_LEN + 1];
	char secret[80];
	char aes_key[KF_WXCRYPT_KEY_LEN + 1];
};

#define DEMO_RECEIVER "http://127.0.0.1:9000"
#define DEMO_MESSAGE_TOKEN "kaifangDemo"

/* A released demo app with a live listing, so the marketplace has an entry
 * (APP-6) that search finds and the home page features, and that works from this machine (issue 11): its IP allowlist is the
 * loopback addresses the person calls from, and its callbacks point at a
 * receiver on 127.0.0.1:9000 (tools/demo-receiver.py), which kaifangd
 * reaches only because `make run` allows loopback callbacks
 * (callback-allow); the default stays strict. */
static enum kf_err demo_released_app(struct kf_db *db, int64_t org, int64_t uid, int64_t now, struct demo_app *out)
{
	static const char listing[] =
		"{\"name\":\"天气助手\",\"category\":\"tools\",\"intro\":\"查看所在城市的天气预报\","
		"\"description\":\"为团队成员提供所在城市的天气预报、降雨提醒与灾害预警。\",\"version\":\"1.0.0\","
		"\"privacy_url\":\"https://www.example.com/privacy\",\"terms_url\":\"https://www.example.com/terms\","
		"\"company_name\":\"示例科技有限公司\",\"website\":\"https://www.example.com/weather\","
		"\"support_phone\":\"010-12345678\",\"keywords\":[\"天气\",\"预报\"],"
		"\"previews_desktop\":[],\"previews_mobile\":[]}";
	unsigned char rnd[8];
	kf_random_bytes(rnd, sizeof(rnd));
	kf_app_id_format(rnd, out->app_id);
	if (kf_wxcrypt_generate_key(out->aes_key) != KF_OK)
		return KF_EINTERNAL;
	json_t *cfg = json_pack(
		"{s:s, s:s, s:s, s:s, s:s, s:[i,i], s:{s:s, s:[], s:s, s:s, s:s, s:s, s:[s], s:[], s:[s,s], s:[s]}}",
		"name", "Weather Helper", "intro", "Forecasts for the places your members work in.", "website",
		"https://www.example.com/weather", "icp_no", "京ICP备12345678号", "audience", "public", "permission_sets", 1, 3,
		"dev", "auth_domain", "127.0.0.1", "test_allowlist", "auth_receive_url", DEMO_RECEIVER "/kaifang/auth",
		"message_token", DEMO_MESSAGE_TOKEN, "aes_key", out->aes_key, "message_url",
		DEMO_RECEIVER "/kaifang/msg/$APPID$", "server_domains", "127.0.0.1", "business_domains", "ip_allowlist",
		"127.0.0.1/32", "::1/128", "redirect_uris", DEMO_RECEIVER "/oauth/callback");
	char *config = json_dumps(cfg, JSON_COMPACT);
	json_decref(cfg);
	char hash[65];
	kf_token_new("", out->secret, sizeof(out->secret));
	kf_sha256_hex(out->secret, strlen(out->secret), hash);
	int64_t app, cfg_id, lst;
	int version;
	enum kf_err rc = kf_store_app_insert(db, out->app_id, org, "public", now, &app);
	rc = rc ? rc : kf_store_app_config_insert(db, app, config, uid, now, &cfg_id, &version);
	rc = rc ? rc : kf_store_app_set_configs(db, app, cfg_id, 0, "public", now);
	rc = rc ? rc : kf_store_app_secret_add(db, app, hash, now, now, now);
	rc = rc ? rc : kf_store_listing_insert(db, app, listing, "[]", uid, now, &lst);
	rc = rc ? rc : kf_store_app_listing_live(db, app, lst, "1.0.0", now);
	rc = rc ? rc : kf_store_app_set_state(db, app, KF_APP_RELEASED, now);
	/* its search and display listings approved (REV-2, REV-3), so the
	 * marketplace's search box and featured list have something to show */
	rc = rc ? rc : kf_store_app_set_listed(db, app, "search_listing", now);
	rc = rc ? rc : kf_store_app_set_listed(db, app, "display_listing", now);
	free(config);
	return rc;
}

/* Demo data for `make run`: never loaded into a data directory by kaifangd
 * itself. Skipped when an operator already exists. */
static int cmd_demo_load(struct kf_db *db, int64_t now)
{
	if (kf_ops_operator_count(db) > 0) {
		printf("demo data already loaded (an operator exists); the admin password was printed the first time\n");
		return 0;
	}
	char admin_pw[24], prov_pw[24];
	random_password(admin_pw);
	random_password(prov_pw);
	struct kf_error err = {0};
	static const char *const agreements[][3] = {
		{"terms", "Kaifang platform terms of service",
		 "These terms govern the use of the open platform by providers and host account owners. "
		 "Providers keep their data current (ONB-9), may not transfer accounts (ONB-11) and accept "
		 "the review standards of the platform."},
		{"privacy", "Kaifang privacy policy",
		 "The platform processes account data (email, mobile number, name) to run the service. "
		 "Account holders can view, export, correct and delete their data."},
	};
	if (kf_db_begin(db) != KF_OK)
		return 1;
	for (size_t i = 0; i < 2; i++) {
		int64_t id;
		if (kf_store_agreement_insert(db, agreements[i][0], 1, agreements[i][1], agreements[i][2], now, 0,
					      "[\"all\"]", "rules", 0, now, &id) != KF_OK)
			goto fail;
	}
	if (kf_db_commit(db) != KF_OK)
		goto fail;
	if (kf_ops_create_operator(db, now, "admin@kaifang.local", NULL, "Administrator", admin_pw, "admin", &err) != KF_OK)
		goto fail;
	char hash[160];
	if (kf_password_hash(prov_pw, hash, sizeof(hash)) != KF_OK || kf_db_begin(db) != KF_OK)
		goto fail;
	int64_t uid, org, eid;
	const char *conflict;
	const char *legal = "示例科技有限公司";
	char *norm = kf_name_normalize(legal);
	enum kf_err rc = kf_store_user_insert(db, "provider@kaifang.local", "+8613800000000", "Demo Provider", hash, now,
					      &uid, &conflict);
	rc = rc ? rc : kf_store_user_set_verified(db, uid, now);
	rc = rc ? rc : kf_store_consent_insert(db, uid, "terms", 1, now);
	rc = rc ? rc : kf_store_consent_insert(db, uid, "privacy", 1, now);
	rc = rc ? rc : kf_store_org_insert(db, KF_ORG_PROVIDER, "Demo Apps", KF_PROVIDER_CERTIFIED, now, &org);
	rc = rc ? rc : kf_store_member_add(db, org, uid, KF_ROLE_OWNER, now);
	rc = rc ? rc : kf_store_entity_upsert(db, "company", legal, norm, "91310000MA1FL0000X", now, &eid);
	rc = rc ? rc : kf_store_entity_mark(db, eid, true, true, now);
	rc = rc ? rc : kf_store_org_bind_entity(db, org, eid, now + 180 * 86400LL, now);
	struct demo_app demo;
	rc = rc ? rc : demo_released_app(db, org, uid, now, &demo);
	rc = rc ? rc : kf_audit_append(db, now, "cli", "demo.load", "demo", NULL);
	free(norm);
	if (rc != KF_OK || kf_db_commit(db) != KF_OK)
		goto fail;
	printf("demo data loaded\n"
	       "  operator admin:   admin@kaifang.local  password %s\n"
	       "  sample provider:  provider@kaifang.local  password %s  (certified provider \"Demo Apps\")\n"
	       "  agreements:       terms v1, privacy v1 (new users must consent before any write)\n"
	       "  demo app:         Weather Helper, released\n"
	       "    app id          %s\n"
	       "    app secret      %s\n"
	       "    message token   %s\n"
	       "    AES key         %s\n"
	       "    callbacks       " DEMO_RECEIVER "/kaifang/auth and " DEMO_RECEIVER "/kaifang/msg/$APPID$\n"
	       "                    (run: python3 tools/demo-receiver.py --appid %s --token %s --key %s)\n"
	       "    IP allowlist    127.0.0.1, ::1\n"
	       "These passwords and the app secret are shown only now.\n",
	       admin_pw, prov_pw, demo.app_id, demo.secret, DEMO_MESSAGE_TOKEN, demo.aes_key, demo.app_id,
	       DEMO_MESSAGE_TOKEN, demo.aes_key);
	return 0;
fail:
	kf_db_rollback(db);
	fprintf(stderr, "kaifang: cannot load demo data: %s\n", err.msg[0] ? err.msg : kf_db_errmsg(db));
	return 1;
}

/* kaifang backup DEST: see store/backup.h; the restore is in
 * docs/operator-guide.md. */
static int cmd_backup(struct kf_db *db, const char *dir, const char *dest)
{
	struct kf_backup_report rep;
	struct kf_error err = {0};
	enum kf_err e = kf_store_backup(db, dir, dest, &rep, &err);
	if (e != KF_OK) {
		fprintf(stderr, "kaifang: backup failed: %s\n", err.msg);
		return 1;
	}
	printf("%s/kaifang.db     %lld bytes, schema version %d (one consistent moment of %s/kaifang.db)\n", dest,
	       (long long)rep.db_bytes, kf_schema_version(db), dir);
	if (rep.anchor)
		printf("%s/audit.anchor   audit row %lld\n", dest, (long long)rep.anchor_id);
	if (rep.key)
		printf("%s/audit.key      mode 0600: keys the audit chain; keep the backup as private as the data directory\n",
		       dest);
	printf("%s/files/         %lld uploaded files, %lld bytes\n", dest, (long long)rep.files, (long long)rep.file_bytes);
	printf("backup complete; to restore: stop kaifangd, copy these into its data directory, start it\n");
	return 0;
}

int main(int argc, char **argv)
{
	const char *dir = getenv("KAIFANG_DATA_DIR");
	if (!dir || !*dir)
		dir = "./var";
	const char *database = getenv("KAIFANG_DATABASE");
	int i = 1;
	for (; i < argc && !strncmp(argv[i], "--", 2); i++) {
		if (!strcmp(argv[i], "--help")) {
			usage(stdout);
			return 0;
		}
		if (!strcmp(argv[i], "--data-dir") && i + 1 < argc) {
			dir = argv[++i];
		} else if (!strcmp(argv[i], "--database") && i + 1 < argc) {
			database = argv[++i];
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
	if (!strcmp(group, "msg"))
		return kf_cli_msgcrypt(argc - i, argv + i); /* needs no data directory */
	if (kf_crypto_init() != KF_OK)
		return 1;
	if (mkdir(dir, 0750) < 0 && errno != EEXIST) {
		fprintf(stderr, "kaifang: cannot create %s: %s\n", dir, strerror(errno));
		return 1;
	}
	if (database && *database && !kf_db_target_is_pg(database)) {
		fprintf(stderr, "kaifang: --database must be a postgresql:// URI (empty: SQLite in the data directory)\n");
		return 2;
	}
	char *path = database && *database ? kf_xstrdup(database) : kf_xasprintf("%s/kaifang.db", dir);
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
	/* The audit key (created on first use, like kaifangd does) before any
	 * command appends a row; checking never creates one. */
	bool checking = !strcmp(group, "audit") || !strcmp(group, "backup");
	if (kf_audit_start(db, dir, !checking, &err) != KF_OK) {
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
	} else if (!strcmp(group, "audit") && (!strcmp(cmd, "verify") || !strcmp(cmd, "anchor"))) {
		struct kf_audit_report rep;
		bool anchor = !strcmp(cmd, "anchor");
		enum kf_err e = anchor ? kf_audit_reanchor(db, &rep) : kf_audit_verify(db, &rep);
		if (e == KF_OK) {
			printf("audit log intact: %s\n", rep.msg);
			rc = 0;
		} else if (e == KF_ECONFLICT && rep.broken_id) {
			printf("audit log broken at row %lld (%lld rows before it are intact): %s\n",
			       (long long)rep.broken_id, (long long)rep.rows, rep.msg);
			rc = 1;
		} else if (e == KF_ECONFLICT) {
			printf("audit log broken: %s (%lld rows intact up to row %lld)\n", rep.msg, (long long)rep.rows,
			       (long long)rep.head_id);
			rc = 1;
		} else {
			fprintf(stderr, "kaifang: cannot %s\n", anchor ? "write the audit anchor" : "read the audit log");
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
	} else if (!strcmp(group, "backup")) {
		rc = cmd_backup(db, dir, cmd);
	} else if (!strcmp(group, "calendar") && !strcmp(cmd, "load") && sub_argc >= 1) {
		rc = cmd_calendar_load(db, sub[0]);
	} else if (!strcmp(group, "apikey") && !strcmp(cmd, "create")) {
		const char *scope = opt(sub_argc, sub, "--scope"), *name = opt(sub_argc, sub, "--name");
		if (!scope || strcmp(scope, "host")) {
			fprintf(stderr, "kaifang: apikey create needs --scope host\n");
		} else {
			char key[80], hash[65];
			int64_t id;
			kf_token_new("kfk_", key, sizeof(key));
			kf_sha256_hex(key, strlen(key), hash);
			rc = 1;
			if (kf_db_begin(db) == KF_OK) {
				if (kf_store_apikey_insert(db, name ? name : "host product", scope, hash, now, &id) == KF_OK &&
				    kf_audit_append(db, now, "cli", "apikey.create", scope, name) == KF_OK &&
				    kf_db_commit(db) == KF_OK) {
					printf("%s\n", key);
					fprintf(stderr, "API key %lld (scope %s) created; it is shown only now\n", (long long)id, scope);
					rc = 0;
				} else {
					kf_db_rollback(db);
				}
			}
		}
	} else if (!strcmp(group, "apikey") && !strcmp(cmd, "list")) {
		json_t *keys = kf_store_apikeys_json(db);
		char *s = keys ? json_dumps(keys, JSON_INDENT(1)) : NULL;
		if (s)
			printf("%s\n", s);
		free(s);
		json_decref(keys);
		rc = keys ? 0 : 1;
	} else if (!strcmp(group, "apikey") && !strcmp(cmd, "revoke") && sub_argc >= 1) {
		rc = 1;
		if (kf_db_begin(db) == KF_OK) {
			enum kf_err e = kf_store_apikey_revoke(db, strtoll(sub[0], NULL, 10), now);
			if (e == KF_OK && kf_audit_append(db, now, "cli", "apikey.revoke", sub[0], NULL) == KF_OK &&
			    kf_db_commit(db) == KF_OK) {
				printf("API key %s revoked\n", sub[0]);
				rc = 0;
			} else {
				kf_db_rollback(db);
				fprintf(stderr, "kaifang: %s\n", e == KF_ENOTFOUND ? "no such live key" : "cannot revoke");
			}
		}
	} else if (!strcmp(group, "demo") && !strcmp(cmd, "load")) {
		rc = cmd_demo_load(db, now);
	} else if (!strcmp(group, "calendar") && !strcmp(cmd, "show")) {
		rc = cmd_calendar_show(db);
	} else if (!strcmp(group, "terms") && !strcmp(cmd, "load") && sub_argc >= 2) {
		rc = cmd_terms_load(db, sub[0], sub[1], now);
	} else if (!strcmp(group, "terms") && !strcmp(cmd, "show") && sub_argc >= 1) {
		rc = cmd_terms_show(db, sub[0]);
	} else {
		fprintf(stderr, "kaifang: unknown command '%s %s'\n", group, cmd);
		usage(stderr);
	}
	kf_db_close(db);
	kf_audit_stop();
	return rc;
}
