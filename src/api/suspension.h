/* SPDX-License-Identifier: Apache-2.0 */
/* The operator's emergency stop on an app (AUTH-5, GOV-7), shared by the
 * suspend route and a provider ban with "suspend_apps". */
#ifndef KF_API_SUSPENSION_H
#define KF_API_SUSPENSION_H

#include "core/err.h"

struct kf_req;
struct kf_app_row;

/*
 * Suspend app a inside the caller's open transaction: core kf_app_suspend
 * decides (its KF_EINVAL / KF_ECONFLICT errors are returned in err, nothing
 * written), then the app becomes suspended remembering its state, every
 * token and unused code of it is revoked (its authorizations stay), the
 * provider is notified (inbox and email) and an audit row is written.
 * KF_ECONFLICT "state_changed" when the app's state moved since a was
 * read; KF_EDB on a storage error (the caller rolls back and answers 500).
 * The caller calls kf_api_tokens_changed after committing.
 */
enum kf_err kf_api_app_suspend(struct kf_req *r, const struct kf_app_row *a, const char *reason, const char *rule,
			       struct kf_error *err) KF_MUST_CHECK;

/*
 * Lift the suspension of app a inside the caller's open transaction (GOV-6):
 * core kf_app_unsuspend decides (KF_ECONFLICT "not_suspended" in err when
 * the app is not suspended, nothing written); the app goes back to the
 * state it was suspended in, gets a fresh verify ticket, each kept
 * authorization a fresh code pushed in an updateauthorized event, the
 * provider a notice and the log an audit row. reason may be NULL.
 * KF_EDB on a storage error. The caller wakes the pusher after commit.
 */
enum kf_err kf_api_app_unsuspend(struct kf_req *r, const struct kf_app_row *a, const char *reason,
				 struct kf_error *err) KF_MUST_CHECK;

#endif
