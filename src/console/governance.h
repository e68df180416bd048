/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Words and parts the governance pages share (GOV-1 … GOV-7): the
 * operator's pages (console/ops_governance.c) and the provider's
 * (console/app_governance.c) show a measure the same way.
 */
#ifndef KF_CONSOLE_GOVERNANCE_H
#define KF_CONSOLE_GOVERNANCE_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "console/console.h"

/* The measure kinds, as the API names them, in the order forms list them. */
extern const char *const kf_con_measure_kinds[];
extern const size_t kf_con_n_measure_kinds;
/* A measure kind's words (the kind itself when unknown). */
const char *kf_con_measure_kind(struct kf_con *c, const char *kind);
/* A link to the rule's page (/console/rules/{rule}). */
void kf_con_rule_link(struct kf_con *c, const char *rule);
/* When a measure ends: its date, "until rectified (confirmable from …)",
 * or "no fixed end" (into the page, with kf_con_time). */
void kf_con_measure_end(struct kf_con *c, json_t *m);
/* A file list of an objection or evidence (ids linking to their content). */
void kf_con_file_links(struct kf_con *c, json_t *ids);
/* One objection's history rows as a definition list. */
void kf_con_objection(struct kf_con *c, json_t *o);
/* Beside an app's state badge (its overview and governance tab): the
 * "not recommended" badge while such a measure is in force (GOV-1), and a
 * link to the governance tab while any measure is; nothing otherwise. */
void kf_con_app_market_badges(struct kf_con *c, json_t *app);
/* The console home's "measures against my apps" entries (list items);
 * answers how many. */
size_t kf_con_governance_todos(struct kf_con *c);

/* Staff who decide campaigns (GOV-8): one line on the console home when
 * registrations wait for a decision, linking to /console/ops/campaigns.
 * Returns the number of lines written (0 or 1). */
size_t kf_con_campaign_todos(struct kf_con *c);

#endif
