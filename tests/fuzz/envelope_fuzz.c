/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libFuzzer harness: the envelope parser (raw bytes from the network) and
 * the builder. Invariants checked: parsing never crashes or leaks; a parsed
 * envelope whose names the builder accepts builds, and parses back to the
 * same fields; any input accepted as a field value (CDATA or text) comes
 * back byte for byte.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "proto/envelope.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void same_fields(const struct kf_envelope *a, const struct kf_envelope *b)
{
	if (a->n != b->n)
		abort();
	for (size_t i = 0; i < a->n; i++)
		if (strcmp(a->fields[i].name, b->fields[i].name) || strcmp(a->fields[i].value, b->fields[i].value))
			abort();
}

static void value_round_trip(const char *v, bool cdata)
{
	struct kf_envelope_field f[] = {{"Content", v, cdata}};
	struct kf_error err;
	char *x = NULL;
	if (kf_envelope_build(f, 1, &x, NULL, &err) != KF_OK)
		return;
	struct kf_envelope env;
	size_t len = strlen(x);
	if (len <= KF_ENVELOPE_MAX_SIZE) {
		if (kf_envelope_parse(x, len, &env, &err) != KF_OK)
			abort();
		if (env.n != 1 || strcmp(env.fields[0].value, v))
			abort();
		kf_envelope_clear(&env);
	}
	free(x);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct kf_envelope env;
	struct kf_error err;
	if (kf_envelope_parse((const char *)data, size, &env, &err) == KF_OK) {
		char *x = NULL;
		size_t xlen = 0;
		if (kf_envelope_build(env.fields, env.n, &x, &xlen, &err) == KF_OK) {
			struct kf_envelope again;
			if (kf_envelope_parse(x, xlen, &again, &err) != KF_OK)
				abort();
			same_fields(&env, &again);
			kf_envelope_clear(&again);
			free(x);
		} else if (strcmp(err.name, "invalid_field_name")) {
			abort(); /* parsed values are always valid XML text */
		}
		kf_envelope_clear(&env);
	}
	char *v = malloc(size + 1);
	memcpy(v, data, size);
	v[size] = '\0';
	value_round_trip(v, true);
	value_round_trip(v, false);
	free(v);
	return 0;
}
