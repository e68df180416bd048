/* SPDX-License-Identifier: Apache-2.0 */
/* libFuzzer harness: the operator calendar parser and the deadline
 * arithmetic on whatever it accepts. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/calendar.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1);
	memcpy(text, data, size);
	text[size] = '\0';
	struct kf_calendar cal;
	kf_calendar_init(&cal);
	struct kf_error err;
	if (kf_calendar_parse(&cal, text, &err) == KF_OK) {
		int64_t from = 1790000000;
		int64_t due = kf_calendar_add_workdays(&cal, from, 5);
		if (due <= from)
			abort();
		kf_calendar_clear(&cal);
	}
	free(text);
	return 0;
}
