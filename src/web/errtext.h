/* SPDX-License-Identifier: Apache-2.0 */
/* placeholder until the error text table lands */
#ifndef KF_WEB_ERRTEXT_H
#define KF_WEB_ERRTEXT_H
#include "web/i18n.h"
const char *kf_errtext(enum kf_lang lang, const char *code);
const char *kf_fieldname(enum kf_lang lang, const char *field);
#endif
