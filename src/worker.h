/* SPDX-License-Identifier: Apache-2.0 */
/* Background workers of kaifangd: the mail outbox and the retention purge
 * (ONB-10), one thread with one database connection and a pass every
 * interval; and the listing URL checks (LST-14, LST-16) on a thread of their
 * own, so a slow website never holds up mail. */
#ifndef KF_WORKER_H
#define KF_WORKER_H

struct kf_ctx;
struct kf_worker;

struct kf_worker *kf_worker_start(struct kf_ctx *ctx);
/* Finish the current pass and stop (a URL check in flight is cut short;
 * its claim lapses and the next start takes it again). */
void kf_worker_stop(struct kf_worker *w);
/* Run the URL checks now instead of at the next interval (a listing was
 * saved with URLs to open). w may be NULL: then nothing happens, and a
 * worker in another process finds them within its interval. */
void kf_worker_wake(struct kf_worker *w);

#endif
