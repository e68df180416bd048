/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Group commit: a durability barrier shared by the connections of this
 * process to one database file (store/sqlite.c). A commit writes its WAL
 * frames without a sync, takes a ticket, and waits until a sync that began
 * after its ticket was taken has finished; the first waiter to find no sync
 * running becomes the leader and syncs once for every ticket taken so far,
 * the others wait for it. So each commit still returns only once its own
 * write is on disk, and concurrent commits share one sync.
 *
 * The barrier also lets writers of this process hand the database's write
 * lock to each other without SQLite's sleeping busy handler
 * (kf_gc_writer_enter/leave, kf_gc_busy_wait).
 *
 * Engine-neutral on purpose (no sqlite3 here): the engine passes the sync
 * as a callback. docs/architecture.md, "Durable writes", explains the
 * design.
 */
#ifndef KF_STORE_GROUPCOMMIT_H
#define KF_STORE_GROUPCOMMIT_H

#include <stdbool.h>
#include <stdint.h>

#include "core/err.h"

struct kf_gc;

/* The barrier of the database file at path (an absolute path: connections
 * to one file share one barrier), created on first use; each call takes a
 * reference, released by kf_gc_put. Never NULL. */
struct kf_gc *kf_gc_get(const char *path);
void kf_gc_put(struct kf_gc *gc);

/* A commit's frames are written: its ticket, for kf_gc_wait. */
uint64_t kf_gc_ticket(struct kf_gc *gc);

/* Make ticket durable: return once a sync that began after the ticket was
 * taken has succeeded. When no sync is running the caller leads one:
 * sync(arg) syncs the log through the caller's own connection and returns
 * 0 on success. KF_OK, or KF_EDB when a sync failed: the failure is sticky
 * (after a failed fsync the kernel may have dropped the pages, so no later
 * sync can vouch for them) and every later wait fails too, until the
 * process restarts. */
enum kf_err kf_gc_wait(struct kf_gc *gc, uint64_t ticket, int (*sync)(void *arg), void *arg) KF_MUST_CHECK;

/* Writers of this process: enter after taking the write lock, leave after
 * giving it up (commit or rollback), so that kf_gc_busy_wait can wait for
 * the lock to come free instead of sleeping. */
void kf_gc_writer_enter(struct kf_gc *gc);
void kf_gc_writer_leave(struct kf_gc *gc);
/* The write lock is taken: wait until a writer of this process leaves, or,
 * when none holds it (another process does), a short sleep growing with
 * attempt (0, 1, 2, …). */
void kf_gc_busy_wait(struct kf_gc *gc, int attempt);

/* Test hooks. The engine's barrier of a connection (NULL when the
 * database is not in WAL mode) and the ticket of its last commit (sqlite.c). */
struct kf_db;
struct kf_gc *kf_db_gc(struct kf_db *db);
uint64_t kf_db_last_ticket(struct kf_db *db);
/* Test hooks. */
struct kf_gc_stats {
	uint64_t tickets; /* commits that took a ticket */
	uint64_t syncs;   /* syncs run (successful or not) */
	uint64_t durable; /* every ticket up to this one is durable */
	bool failed;      /* a sync failed (sticky) */
};
void kf_gc_stats(struct kf_gc *gc, struct kf_gc_stats *out);
/* Make the next n syncs fail as if fsync had (the sticky failure follows). */
void kf_gc_fail_syncs(struct kf_gc *gc, int n);
/* Forget a sticky failure (tests only: a real one needs a restart). */
void kf_gc_clear_failure(struct kf_gc *gc);

#endif
