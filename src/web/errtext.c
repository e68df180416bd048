/* SPDX-License-Identifier: Apache-2.0 */
#include "web/errtext.h"
#include <stddef.h>
const char *kf_errtext(enum kf_lang lang, const char *code) { (void)lang; (void)code; return NULL; }
const char *kf_fieldname(enum kf_lang lang, const char *field) { (void)lang; (void)field; return NULL; }
