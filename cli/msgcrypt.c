/* SPDX-License-Identifier: Apache-2.0 */
/*
 * `kaifang msg encrypt|decrypt|genkey`: a thin shell over proto/wxcrypt.
 * Input is read whole from stdin with a cap (a message of at most
 * KF_WXCRYPT_MAX_MSG bytes, or its base64 ciphertext), so the command
 * refuses oversized input instead of growing without bound. stdout carries
 * only the result; every failure goes to stderr with exit status 1.
 */
#include "msgcrypt.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "proto/wxcrypt.h"
#include "util/mem.h"

enum opt_id { OPT_TOKEN, OPT_KEY, OPT_APPID, OPT_TIMESTAMP, OPT_NONCE, OPT_SIGNATURE, OPT_COUNT };

static const char *const opt_names[OPT_COUNT] = {
	"--token", "--key", "--appid", "--timestamp", "--nonce", "--signature",
};

static void usage(FILE *f)
{
	fprintf(f, "usage:\n"
		   "  kaifang msg encrypt --token T --key K --appid A [--timestamp TS] [--nonce N]  < message\n"
		   "      prints {\"encrypt\",\"msg_signature\",\"timestamp\",\"nonce\"} as JSON\n"
		   "  kaifang msg decrypt --token T --key K --appid A --timestamp TS --nonce N --signature S  < base64\n"
		   "      checks the signature and the app id, prints the message bytes\n"
		   "  kaifang msg genkey\n"
		   "      prints a new 43-character EncodingAESKey\n");
}

/* Options of argv[2..]; `allowed` is a bit set of enum opt_id. Returns false
 * (after a message) on an unknown, repeated, disallowed or valueless
 * option. */
static bool parse_opts(int argc, char **argv, unsigned allowed, const char *vals[OPT_COUNT])
{
	for (int k = 0; k < OPT_COUNT; k++)
		vals[k] = NULL;
	for (int i = 2; i < argc; i += 2) {
		int k = 0;
		while (k < OPT_COUNT && strcmp(argv[i], opt_names[k]))
			k++;
		if (k == OPT_COUNT || !(allowed & 1u << k)) {
			fprintf(stderr, "kaifang msg %s: unknown option %s\n", argv[1], argv[i]);
			return false;
		}
		if (i + 1 >= argc) {
			fprintf(stderr, "kaifang msg %s: %s needs a value\n", argv[1], argv[i]);
			return false;
		}
		if (vals[k]) {
			fprintf(stderr, "kaifang msg %s: %s given twice\n", argv[1], argv[i]);
			return false;
		}
		vals[k] = argv[i + 1];
	}
	return true;
}

static bool require(const char *sub, const char *vals[OPT_COUNT], unsigned needed)
{
	for (int k = 0; k < OPT_COUNT; k++)
		if ((needed & 1u << k) && !vals[k]) {
			fprintf(stderr, "kaifang msg %s: %s is required\n", sub, opt_names[k]);
			return false;
		}
	return true;
}

/* All of stdin, at most max bytes (one more is an error). Caller frees. */
static char *read_stdin(size_t max, size_t *len)
{
	size_t cap = 64 * 1024, n = 0;
	char *buf = kf_xmalloc(cap + 1);
	for (;;) {
		if (n == cap) {
			if (cap > max)
				break; /* max + 1 bytes read: too much */
			cap = cap > max / 2 ? max + 1 : cap * 2;
			buf = kf_xrealloc(buf, cap + 1);
		}
		size_t k = fread(buf + n, 1, cap - n, stdin);
		n += k;
		if (k == 0)
			break;
	}
	if (ferror(stdin)) {
		fprintf(stderr, "kaifang msg: cannot read stdin\n");
		free(buf);
		return NULL;
	}
	if (n > max) {
		fprintf(stderr, "kaifang msg: input larger than %zu bytes\n", max);
		free(buf);
		return NULL;
	}
	buf[n] = '\0';
	*len = n;
	return buf;
}

static bool init_crypto(const char *sub, struct kf_wxcrypt *c, const char *vals[OPT_COUNT])
{
	struct kf_error err = {0};
	if (kf_wxcrypt_init(c, vals[OPT_TOKEN], vals[OPT_KEY], vals[OPT_APPID], &err) != KF_OK) {
		fprintf(stderr, "kaifang msg %s: %s: %s\n", sub, err.name, err.msg);
		return false;
	}
	return true;
}

static int cmd_encrypt(int argc, char **argv)
{
	const char *vals[OPT_COUNT];
	unsigned base = 1u << OPT_TOKEN | 1u << OPT_KEY | 1u << OPT_APPID;
	if (!parse_opts(argc, argv, base | 1u << OPT_TIMESTAMP | 1u << OPT_NONCE, vals) ||
	    !require("encrypt", vals, base)) {
		usage(stderr);
		return 2;
	}
	struct kf_wxcrypt c;
	if (!init_crypto("encrypt", &c, vals))
		return 1;
	int rc = 1;
	char ts[24], nonce[KF_WXCRYPT_NONCE_LEN + 1], sig[KF_WXCRYPT_SIG_LEN + 1];
	char *msg = NULL, *b64 = NULL, *json = NULL;
	json_t *out = NULL;
	size_t len = 0;
	struct kf_error err = {0};
	if (vals[OPT_TIMESTAMP]) {
		snprintf(ts, sizeof(ts), "%s", vals[OPT_TIMESTAMP]);
		if (strcmp(ts, vals[OPT_TIMESTAMP])) {
			fprintf(stderr, "kaifang msg encrypt: --timestamp is too long\n");
			goto out;
		}
	} else {
		snprintf(ts, sizeof(ts), "%lld", (long long)time(NULL));
	}
	if (vals[OPT_NONCE]) {
		/* any length: the nonce only enters the signature */
	} else if (kf_wxcrypt_nonce(nonce) != KF_OK) {
		fprintf(stderr, "kaifang msg encrypt: no randomness for the nonce\n");
		goto out;
	}
	const char *nonce_s = vals[OPT_NONCE] ? vals[OPT_NONCE] : nonce;
	if (!(msg = read_stdin(KF_WXCRYPT_MAX_MSG, &len)))
		goto out;
	if (kf_wxcrypt_encrypt(&c, msg, len, NULL, &b64, &err) != KF_OK) {
		fprintf(stderr, "kaifang msg encrypt: %s: %s\n", err.name, err.msg);
		goto out;
	}
	if (kf_wxcrypt_sign(c.token, ts, nonce_s, b64, sig) != KF_OK) {
		fprintf(stderr, "kaifang msg encrypt: cannot compute the signature\n");
		goto out;
	}
	out = json_pack("{s:s, s:s, s:s, s:s}", "encrypt", b64, "msg_signature", sig, "timestamp", ts, "nonce",
			nonce_s);
	json = out ? json_dumps(out, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
	if (!json) {
		fprintf(stderr, "kaifang msg encrypt: cannot write JSON (is --nonce valid UTF-8?)\n");
		goto out;
	}
	if (printf("%s\n", json) < 0 || fflush(stdout) != 0) {
		fprintf(stderr, "kaifang msg encrypt: cannot write stdout\n");
		goto out;
	}
	rc = 0;
out:
	kf_wxcrypt_clear(&c);
	free(json);
	json_decref(out);
	free(b64);
	free(msg);
	return rc;
}

static int cmd_decrypt(int argc, char **argv)
{
	const char *vals[OPT_COUNT];
	unsigned all = (1u << OPT_COUNT) - 1;
	if (!parse_opts(argc, argv, all, vals) || !require("decrypt", vals, all)) {
		usage(stderr);
		return 2;
	}
	struct kf_wxcrypt c;
	if (!init_crypto("decrypt", &c, vals))
		return 1;
	int rc = 1;
	size_t len = 0, mlen = 0;
	char *in = NULL, *msg = NULL;
	struct kf_error err = {0};
	/* the base64 of the largest ciphertext, plus room for white space */
	if (!(in = read_stdin((size_t)KF_WXCRYPT_MAX_MSG / 3 * 4 + 4096, &len)))
		goto out;
	char *s = in;
	while (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n')
		s++;
	while (len > (size_t)(s - in) && strchr(" \t\r\n", in[len - 1]))
		in[--len] = '\0';
	if (strlen(s) != len - (size_t)(s - in)) {
		fprintf(stderr, "kaifang msg decrypt: invalid_base64: NUL byte in the input\n");
		goto out;
	}
	if (kf_wxcrypt_open(&c, vals[OPT_TIMESTAMP], vals[OPT_NONCE], vals[OPT_SIGNATURE], s, &msg, &mlen, &err) !=
	    KF_OK) {
		fprintf(stderr, "kaifang msg decrypt: %s: %s\n", err.name, err.msg);
		goto out;
	}
	if ((mlen && fwrite(msg, 1, mlen, stdout) != mlen) || fflush(stdout) != 0) {
		fprintf(stderr, "kaifang msg decrypt: cannot write stdout\n");
		goto out;
	}
	rc = 0;
out:
	kf_wxcrypt_clear(&c);
	free(msg);
	free(in);
	return rc;
}

static int cmd_genkey(int argc)
{
	if (argc > 2) {
		usage(stderr);
		return 2;
	}
	char key[KF_WXCRYPT_KEY_LEN + 1];
	if (kf_wxcrypt_generate_key(key) != KF_OK) {
		fprintf(stderr, "kaifang msg genkey: no randomness\n");
		return 1;
	}
	printf("%s\n", key);
	return fflush(stdout) == 0 ? 0 : 1;
}

int kf_cli_msgcrypt(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	if (!strcmp(argv[1], "encrypt"))
		return cmd_encrypt(argc, argv);
	if (!strcmp(argv[1], "decrypt"))
		return cmd_decrypt(argc, argv);
	if (!strcmp(argv[1], "genkey"))
		return cmd_genkey(argc);
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "help")) {
		usage(stdout);
		return 0;
	}
	fprintf(stderr, "kaifang: unknown command 'msg %s'\n", argv[1]);
	usage(stderr);
	return 2;
}
