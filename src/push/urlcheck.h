/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Opening the URLs a listing names (LST-14 privacy and terms URL, LST-16
 * website): an HTTP GET that follows at most KF_LISTING_URL_MAX_REDIRECTS
 * redirects and succeeds on a final HTTP 200. Every connection of every hop
 * goes through the SSRF guard of push/http.h (it sits in libcurl's
 * open-socket callback, which runs for each socket an easy handle opens,
 * redirects included), so a public URL that redirects to a private address
 * is refused before any connection to it exists. Of the body (read up to
 * 1 MiB) only the skeleton of its readable text is kept (push/pagetext.h),
 * for LST-20's look for the operating entity in a privacy policy.
 */
#ifndef KF_PUSH_URLCHECK_H
#define KF_PUSH_URLCHECK_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>

#include "core/netpolicy.h"

/* Result of opening one URL. */
struct kf_urlcheck {
	bool ok;              /* a final HTTP 200 within the redirect limit */
	int status;           /* HTTP status of the last answer; 0 = none */
	int redirects;        /* redirects followed */
	long ms;              /* time taken */
	char final_url[2049]; /* the last URL asked for (cut to 2048 bytes) */
	char error[256];      /* why it failed when that is not a status: "" otherwise */
	char *page_text;      /* ok only: kf_page_text of the body, or NULL (owned) */
};

/* Free what a result owns (page_text); the result may be used again. */
void kf_urlcheck_clear(struct kf_urlcheck *c);

/*
 * Open urls[0..n) at the same time and fill out[0..n). Each fetch may take
 * timeout_ms; the whole call returns after at most about total_ms (fetches
 * still running then fail with a timeout), or soon after *cancel (may be
 * NULL) becomes true. allow is the operator's allow list of non-public
 * networks (borrowed). Blocks the calling thread; never touches the
 * database. The caller clears each out[i] with kf_urlcheck_clear.
 */
void kf_urlcheck_run(const struct kf_cidr_list *allow, const char *const *urls, size_t n, long timeout_ms,
		     long total_ms, const atomic_bool *cancel, struct kf_urlcheck *out);

#endif
