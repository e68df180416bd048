/* SPDX-License-Identifier: Apache-2.0 */
/* Background workers of kaifangd: the mail outbox and the retention purge
 * (ONB-10). One thread, one database connection, a pass every interval. */
#ifndef KF_WORKER_H
#define KF_WORKER_H

struct kf_ctx;
struct kf_worker;

struct kf_worker *kf_worker_start(struct kf_ctx *ctx);
/* Finish the current pass and stop. */
void kf_worker_stop(struct kf_worker *w);

#endif
