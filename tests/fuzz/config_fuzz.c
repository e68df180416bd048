/* SPDX-License-Identifier: Apache-2.0 */
/* libFuzzer harness: the INI configuration (config.c) with its durations
 * and sizes. Accepted text dumps (kf_config_dump) to INI that reads back to
 * the same values; a value parsed as a duration or size is the number times
 * its unit, and printing a parsed duration in seconds reads back the same. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char *dump(const struct kf_config *cfg, size_t *len)
{
	char *buf = NULL;
	FILE *f = open_memstream(&buf, len);
	if (!f)
		abort();
	kf_config_dump(cfg, f);
	fclose(f);
	return buf;
}

static void check_units(const char *s)
{
	int64_t d = kf_parse_duration(s), z = kf_parse_size(s);
	char buf[32];
	if (d >= 0) {
		snprintf(buf, sizeof(buf), "%lld", (long long)d);
		if (kf_parse_duration(buf) != d)
			abort();
		if (d % 60 == 0) {
			snprintf(buf, sizeof(buf), "%lldm", (long long)(d / 60));
			if (kf_parse_duration(buf) != d)
				abort();
		}
	}
	if (z >= 0) {
		snprintf(buf, sizeof(buf), "%lldB", (long long)z);
		if (kf_parse_size(buf) != z)
			abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct kf_config base;
	static bool ready;
	if (!ready) {
		if (kf_config_defaults(&base) < 0)
			abort();
		ready = true;
	}
	struct kf_config cfg, again;
	if (kf_config_defaults(&cfg) < 0)
		abort();
	if (kf_config_parse_ini(&cfg, (const char *)data, size, "fuzz.ini", NULL) == 0) {
		size_t n1, n2;
		char *d1 = dump(&cfg, &n1);
		if (kf_config_defaults(&again) < 0 || kf_config_parse_ini(&again, d1, n1, "dump", NULL) != 0)
			abort();
		char *d2 = dump(&again, &n2);
		if (n1 != n2 || memcmp(d1, d2, n1))
			abort();
		free(d1);
		free(d2);
		kf_config_clear(&again);
	}
	kf_config_clear(&cfg);

	/* each line as a lone value */
	char *s = malloc(size + 1);
	memcpy(s, data, size);
	s[size] = '\0';
	for (char *p = s, *nl; p; p = nl ? nl + 1 : NULL) {
		nl = strchr(p, '\n');
		if (nl)
			*nl = '\0';
		check_units(p);
	}
	free(s);
	return 0;
}
