/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Where may a browser be sent with an authorization code? One rule for the
 * consent page of the component flow (PROTOCOL.md §5), for /oauth/authorize
 * and for the registration of OAuth redirect URIs (APP-4).
 *
 * A redirect URI is only accepted in the small subset of URLs on which an
 * RFC 3986 parser (libcurl, what the server reads) and the WHATWG URL
 * standard (what the browser follows) agree on the host: "https://evil\@ok/"
 * is host "ok" to the first and "evil" to the second, so it is refused,
 * not interpreted.
 */
#ifndef KF_CORE_REDIRECT_H
#define KF_CORE_REDIRECT_H

#include <stdbool.h>
#include <stddef.h>

#include "core/err.h"

#define KF_REDIRECT_URI_MAX 1024 /* bytes */

/*
 * May the browser be sent to `uri` for an app whose allowed domains are
 * `domains[0..n_domains)`? Pure: no I/O, no allocation that outlives the
 * call. `uri` is the text exactly as it will be put in the Location header
 * (already percent-decoded once by the query or form parser).
 *
 * Accepted: "https://" (scheme case-insensitive) followed by a host and an
 * optional port, then an optional path and query, at most
 * KF_REDIRECT_URI_MAX bytes, where
 *   - every byte is printable ASCII (0x21..0x7e) other than '\' and '#':
 *     no white space, tab, CR/LF, control character, non-ASCII byte (an
 *     internationalised host must be written in punycode, "xn--…"),
 *     backslash or fragment;
 *   - every '%' starts a well-formed escape that is not a control
 *     character (%00..%1F, %7F);
 *   - the authority has no user info (no '@') and no '%' at all;
 *   - the host is a name of LDH labels (1..63 bytes, no leading or
 *     trailing '-', at most 253 bytes, no empty label, so no trailing
 *     dot) whose last label is not a number in any WHATWG IPv4 spelling
 *     (all digits or 0x…), or a dotted-quad IPv4 address, or a bracketed
 *     IPv6 address without zone id;
 *   - the port, when given, is 1..65535 in at most 5 digits.
 * "http://" is accepted only when the host is a loopback address
 * (127.0.0.0/8, [::1]) or "localhost".
 *
 * When `domains` is not NULL the host must also lie on one of them:
 * equal to it, or (for names) a subdomain of it; names are compared
 * ASCII case-insensitively (as the browser lowercases them), IP
 * addresses by value and only exactly. An empty list refuses every URI.
 * With `domains` NULL only the form is checked (a URI an OAuth client
 * registers, compared byte for byte later).
 *
 * Returns KF_OK, or KF_EINVAL with err (may be NULL) filled, rule APP-4,
 * field "redirect_uri", and a message naming what is wrong:
 *   invalid_redirect_uri         the form is not accepted (above)
 *   redirect_uri_https_required  http:// on a host that is not loopback
 *   redirect_uri_not_on_domain   the host does not lie on `domains`
 */
KF_MUST_CHECK enum kf_err kf_redirect_check(const char *uri, const char *const *domains, size_t n_domains,
					    struct kf_error *err);

/* Is host (no brackets for IPv4; "[::1]" bracketed for IPv6) a loopback
 * IP literal (127.0.0.0/8, ::1)? */
bool kf_redirect_loopback_literal(const char *host);

/* ---- registration of OAuth redirect URIs (APP-4) ---- */

#define KF_REDIRECT_URIS_MAX 10 /* registered per app */

/*
 * May this URI be registered (dev.redirect_uris)? An absolute URI without
 * fragment (RFC 6749 §3.1.2) and without user info, of printable ASCII (no
 * spaces, no backslash), at most 1024 bytes, either
 *   https://<host name or IP literal>[:port]/... or
 *   http://<loopback IP literal>[:port]/...  (127.0.0.0/8, [::1]; RFC 8252
 *   §7.3; "localhost" is not accepted, §8.3).
 * This is the rule of kf_redirect_check above without a domain, plus the
 * §8.3 refusal of "localhost".
 * KF_OK or KF_EINVAL "invalid_redirect_uri", rule APP-4, field
 * "dev.redirect_uris".
 */
KF_MUST_CHECK enum kf_err kf_redirect_register_check(const char *uri, struct kf_error *err);

/* The whole list: each entry as above (message names the 0-based index),
 * at most KF_REDIRECT_URIS_MAX ("too_many_items"), no entry twice
 * ("duplicate_item"). Rule APP-4, field "dev.redirect_uris". An empty list
 * is valid (the app does not use OAuth's authorization code flow). */
KF_MUST_CHECK enum kf_err kf_redirect_register_list_check(const char *const *uris, size_t n,
							  struct kf_error *err);

#endif
