/* SPDX-License-Identifier: Apache-2.0 */
/* What the platform's settings pages share (ops_settings.c, ops_agreements.c). */
#ifndef KF_CONSOLE_OPS_SETTINGS_H
#define KF_CONSOLE_OPS_SETTINGS_H

#include <stdbool.h>

#include "console/console.h"

/* True when the person is an administrator of the platform. */
bool kf_ops_is_admin(struct kf_con *c);
/* Open a platform page (section "ops"): crumbs Platform, then the parent
 * (href NULL for none), then the title. */
void kf_ops_open(struct kf_con *c, const char *title, const char *parent_href, const char *parent_label);
/* For staff who are not administrators: a note that the page is read-only. */
void kf_ops_read_only_note(struct kf_con *c);

/* Open a table's scrolling box (<div class="table">, focusable, labelled):
 * the caller writes <table>… and closes the div. */
void kf_ops_table_open(struct kf_con *c, const char *label);

/* The agreements pages (ops_agreements.c). */
void kf_ops_agreements_page(struct kf_req *r);
void kf_ops_agreement_new(struct kf_req *r);

#endif
