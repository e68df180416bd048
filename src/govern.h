/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The effects of marketplace governance, shared by the governance API
 * (api/governance.c) and the worker's "governance" pass: each function
 * works inside the caller's open transaction.
 */
#ifndef KF_GOVERN_H
#define KF_GOVERN_H

#include <stdbool.h>
#include <stdint.h>

#include "core/err.h"

struct kf_ctx;
struct kf_db;

/*
 * Bring an app in line with the measures in force at now (GOV-1, GOV-7):
 * its market columns; a released or withdrawn app to be delisted becomes
 * delisted, its tokens and unused codes end at once (for good, with its
 * authorizations, when the delisting is permanent: DATA-3) and the app is
 * pushed an app_delisted event; a delisted app no longer delisted is
 * restored (a fresh verify ticket and a fresh code for each kept
 * authorization, as after a suspension). Blocking users or refusing access
 * ends the tokens too. *tokens_ended (may be NULL) is set when tokens
 * ended. KF_EDB on a storage error.
 */
enum kf_err kf_gov_sync_app(struct kf_ctx *ctx, struct kf_db *db, int64_t now, int64_t app,
			    bool *tokens_ended) KF_MUST_CHECK;
/* The same for every app of a provider, and its new_apps_banned. */
enum kf_err kf_gov_sync_org(struct kf_ctx *ctx, struct kf_db *db, int64_t now, int64_t org,
			    bool *tokens_ended) KF_MUST_CHECK;
/* Both, for the target of measure id. */
enum kf_err kf_gov_sync_measure(struct kf_ctx *ctx, struct kf_db *db, int64_t now, int64_t id,
				bool *tokens_ended) KF_MUST_CHECK;

/* GOV-6: tell the provider in writing (inbox and email) that measure id
 * took effect (started true; scheduled: it starts later) or ended, with
 * its rule and end date. */
enum kf_err kf_gov_notify(struct kf_db *db, int64_t now, int64_t id, bool started) KF_MUST_CHECK;

/*
 * The worker's governance pass (leased: once across the cluster): starts
 * the measures whose start has come (GOV-5's delisting 15 days after the
 * warning) and ends those whose end has passed, each in its own
 * transaction with its effects, the provider's notice (GOV-6) and an audit
 * row. "Until rectified" measures have no end and wait for the operator.
 * Returns how many measures changed, -1 on a storage error.
 */
int kf_gov_pass(struct kf_ctx *ctx, struct kf_db *db, int64_t now);

#endif
