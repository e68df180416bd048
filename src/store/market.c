/* SPDX-License-Identifier: Apache-2.0 */
/* SQL of the marketplace's one-app reads. */
#include "store/market.h"

#include <jansson.h>

#include "store/db.h"

enum kf_err kf_store_market_app(struct kf_db *db, const char *app_id, json_t **out)
{
	*out = NULL;
	/* installs: the app row's count of live authorizations of real host
	 * accounts, kept by store/authz.c (the same number the lists show) */
	struct kf_stmt *st = kf_db_prepare(
		db, "SELECT a.id, a.app_id, a.state, a.audience, a.live_config_id, a.live_listing_id,"
		    " a.released_version, a.released_at, a.not_recommended, a.new_auth_closed, a.withdrawn_at,"
		    " a.display_listed, o.name AS org_name, e.legal_name AS entity_name,"
		    " CASE WHEN e.certified_at IS NULL THEN 0 ELSE 1 END AS certified,"
		    " a.installs,"
		    " l.body FROM apps a"
		    " JOIN listings l ON l.id = a.live_listing_id AND l.app = a.id"
		    " JOIN orgs o ON o.id = a.provider_id LEFT JOIN entities e ON e.id = o.entity_id"
		    " WHERE a.app_id = ? AND a.deleted_at IS NULL");
	if (!st)
		return KF_EDB;
	kf_stmt_bind_text(st, 1, app_id);
	enum kf_step s = kf_stmt_step(st);
	if (s == KF_STEP_ROW)
		*out = kf_stmt_row_json(st);
	kf_stmt_done(st);
	if (s == KF_STEP_ERROR)
		return KF_EDB;
	return *out ? KF_OK : KF_ENOTFOUND;
}
