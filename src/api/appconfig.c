/* SPDX-License-Identifier: Apache-2.0 */
/* App configuration JSON <-> struct (see appconfig.h). */
#include "api/appconfig.h"

#include <string.h>

#include "http/request.h"

static const struct kf_field top_fields[] = {
	{"name", KF_F_STRING, false, 256, "APP-2"},
	{"icon_file", KF_F_INT, false, 0, "APP-2"},
	{"intro", KF_F_STRING, false, 2048, "APP-2"},
	{"website", KF_F_STRING, false, 2048, "APP-2"},
	{"icp_no", KF_F_STRING, false, 128, "APP-2"},
	{"audience", KF_F_STRING, false, 32, "APP-10"},
	{"permission_sets", KF_F_ARRAY, false, 64, "APP-3"},
	{"dev", KF_F_OBJECT, false, 0, "APP-4"},
};

static const struct kf_field dev_fields[] = {
	{"auth_domain", KF_F_STRING, false, 512, "APP-4"},
	{"test_allowlist", KF_F_ARRAY, false, 200, "APP-5"},
	{"auth_receive_url", KF_F_STRING, false, 2048, "APP-4"},
	{"message_token", KF_F_STRING, false, 128, "APP-4"},
	{"aes_key", KF_F_STRING, false, 128, "APP-4"},
	{"message_url", KF_F_STRING, false, 2048, "APP-4"},
	{"server_domains", KF_F_ARRAY, false, 64, "APP-4"},
	{"business_domains", KF_F_ARRAY, false, 64, "APP-4"},
	{"ip_allowlist", KF_F_ARRAY, false, 128, "APP-4"},
	{"redirect_uris", KF_F_ARRAY, false, 20, "APP-4"},
	{"public_client", KF_F_BOOL, false, 0, "APP-4"},
};

static bool ints(json_t *arr, int64_t *out, size_t cap, size_t *n)
{
	size_t i;
	json_t *v;
	*n = json_array_size(arr);
	json_array_foreach(arr, i, v) {
		if (!json_is_integer(v))
			return false;
		if (i < cap)
			out[i] = json_integer_value(v);
	}
	return true;
}

static bool strs(json_t *arr, char (*out)[KF_APP_HOST_MAX + 2], size_t cap, size_t *n)
{
	size_t i;
	json_t *v;
	*n = json_array_size(arr);
	json_array_foreach(arr, i, v) {
		if (!json_is_string(v))
			return false;
		if (i < cap)
			kf_app_copy_str(out[i], sizeof(out[i]), json_string_value(v));
	}
	return true;
}

static bool cidrs(json_t *arr, char (*out)[KF_APP_CIDR_MAX + 2], size_t cap, size_t *n)
{
	size_t i;
	json_t *v;
	*n = json_array_size(arr);
	json_array_foreach(arr, i, v) {
		if (!json_is_string(v))
			return false;
		if (i < cap)
			kf_app_copy_str(out[i], sizeof(out[i]), json_string_value(v));
	}
	return true;
}

/* Fill c from j, whose shape was checked; returns the field of a wrongly
 * typed array element, or NULL. */
static const char *fill(json_t *j, struct kf_app_config *c)
{
	memset(c, 0, sizeof(*c));
	KF_APP_SET(c->name, json_string_value(json_object_get(j, "name")));
	c->icon_file = json_integer_value(json_object_get(j, "icon_file"));
	KF_APP_SET(c->intro, json_string_value(json_object_get(j, "intro")));
	KF_APP_SET(c->website, json_string_value(json_object_get(j, "website")));
	KF_APP_SET(c->icp_no, json_string_value(json_object_get(j, "icp_no")));
	KF_APP_SET(c->audience, json_string_value(json_object_get(j, "audience")));
	json_t *ps = json_object_get(j, "permission_sets");
	if (ps && !ints(ps, c->permission_sets, KF_APP_PERMISSION_SETS_MAX, &c->n_permission_sets))
		return "permission_sets";
	json_t *d = json_object_get(j, "dev");
	if (!d)
		return NULL;
	struct kf_app_dev *dev = &c->dev;
	KF_APP_SET(dev->auth_domain, json_string_value(json_object_get(d, "auth_domain")));
	KF_APP_SET(dev->auth_receive_url, json_string_value(json_object_get(d, "auth_receive_url")));
	KF_APP_SET(dev->message_token, json_string_value(json_object_get(d, "message_token")));
	KF_APP_SET(dev->aes_key, json_string_value(json_object_get(d, "aes_key")));
	KF_APP_SET(dev->message_url, json_string_value(json_object_get(d, "message_url")));
	json_t *a;
	if ((a = json_object_get(d, "test_allowlist")) &&
	    !ints(a, dev->test_allowlist, KF_APP_TEST_ALLOWLIST_CAP, &dev->n_test_allowlist))
		return "dev.test_allowlist";
	if ((a = json_object_get(d, "server_domains")) &&
	    !strs(a, dev->server_domains, KF_APP_DOMAINS_MAX, &dev->n_server_domains))
		return "dev.server_domains";
	if ((a = json_object_get(d, "business_domains")) &&
	    !strs(a, dev->business_domains, KF_APP_DOMAINS_MAX, &dev->n_business_domains))
		return "dev.business_domains";
	if ((a = json_object_get(d, "ip_allowlist")) &&
	    !cidrs(a, dev->ip_allowlist, KF_APP_IP_ALLOWLIST_MAX, &dev->n_ip_allowlist))
		return "dev.ip_allowlist";
	if ((a = json_object_get(d, "redirect_uris"))) {
		size_t i;
		json_t *v;
		dev->n_redirect_uris = json_array_size(a);
		json_array_foreach(a, i, v) {
			if (!json_is_string(v))
				return "dev.redirect_uris";
			if (i < KF_APP_REDIRECT_URIS_MAX)
				kf_app_copy_str(dev->redirect_uris[i], sizeof(dev->redirect_uris[i]), json_string_value(v));
		}
	}
	dev->public_client = json_is_true(json_object_get(d, "public_client"));
	return NULL;
}

bool kf_appconfig_decode(struct kf_req *r, json_t *j, struct kf_app_config *c)
{
	if (!kf_req_check(r, j, top_fields, KF_NFIELDS(top_fields)))
		return false;
	json_t *d = json_object_get(j, "dev");
	if (d && !kf_req_check_in(r, d, "dev", dev_fields, KF_NFIELDS(dev_fields)))
		return false;
	const char *bad = fill(j, c);
	if (bad) {
		struct kf_error err;
		kf_error_set(&err, KF_EINVAL, "invalid_type", "APP-4", NULL, "every entry of %s must be of the same type "
			     "(ids are integers, domains and addresses strings)", bad);
		err.field = bad; /* static strings from fill() */
		kf_reply_error(r, &err);
		return false;
	}
	return true;
}

bool kf_appconfig_load(json_t *j, struct kf_app_config *c)
{
	return json_is_object(j) && fill(j, c) == NULL;
}

static json_t *str_or_null(const char *s)
{
	return s[0] ? json_string(s) : json_null();
}

json_t *kf_appconfig_encode(const struct kf_app_config *c)
{
	json_t *ps = json_array();
	for (size_t i = 0; i < c->n_permission_sets && i < KF_APP_PERMISSION_SETS_MAX; i++)
		json_array_append_new(ps, json_integer(c->permission_sets[i]));
	const struct kf_app_dev *d = &c->dev;
	json_t *tl = json_array(), *sd = json_array(), *bd = json_array(), *ip = json_array();
	for (size_t i = 0; i < d->n_test_allowlist && i < KF_APP_TEST_ALLOWLIST_CAP; i++)
		json_array_append_new(tl, json_integer(d->test_allowlist[i]));
	for (size_t i = 0; i < d->n_server_domains && i < KF_APP_DOMAINS_MAX; i++)
		json_array_append_new(sd, json_string(d->server_domains[i]));
	for (size_t i = 0; i < d->n_business_domains && i < KF_APP_DOMAINS_MAX; i++)
		json_array_append_new(bd, json_string(d->business_domains[i]));
	for (size_t i = 0; i < d->n_ip_allowlist && i < KF_APP_IP_ALLOWLIST_MAX; i++)
		json_array_append_new(ip, json_string(d->ip_allowlist[i]));
	json_t *ru = json_array();
	for (size_t i = 0; i < d->n_redirect_uris && i < KF_APP_REDIRECT_URIS_MAX; i++)
		json_array_append_new(ru, json_string(d->redirect_uris[i]));
	json_t *dev = json_pack("{s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o}", "auth_domain",
				str_or_null(d->auth_domain), "test_allowlist", tl, "auth_receive_url",
				str_or_null(d->auth_receive_url), "message_token", str_or_null(d->message_token),
				"aes_key", str_or_null(d->aes_key), "message_url", str_or_null(d->message_url),
				"server_domains", sd, "business_domains", bd, "ip_allowlist", ip);
	json_object_set_new(dev, "redirect_uris", ru);
	json_object_set_new(dev, "public_client", json_boolean(d->public_client));
	return json_pack("{s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o}", "name", str_or_null(c->name), "icon_file",
			 c->icon_file ? json_integer(c->icon_file) : json_null(), "intro", str_or_null(c->intro),
			 "website", str_or_null(c->website), "icp_no", str_or_null(c->icp_no), "audience",
			 str_or_null(c->audience), "permission_sets", ps, "dev", dev);
}

void kf_json_merge_patch(json_t *target, json_t *patch)
{
	const char *key;
	json_t *v;
	json_object_foreach(patch, key, v) {
		json_t *cur = json_object_get(target, key);
		if (json_is_null(v))
			json_object_del(target, key);
		else if (json_is_object(v) && json_is_object(cur))
			kf_json_merge_patch(cur, v);
		else
			json_object_set(target, key, v);
	}
}
