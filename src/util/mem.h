/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Memory helpers: allocation that aborts on exhaustion (every size that comes
 * from input is capped before it gets here) and a request arena whose blocks
 * are all released together when the request ends.
 */
#ifndef KF_UTIL_MEM_H
#define KF_UTIL_MEM_H

#include <stdarg.h>
#include <stddef.h>

void *kf_xmalloc(size_t n);
void *kf_xcalloc(size_t n, size_t size);
void *kf_xrealloc(void *p, size_t n);
char *kf_xstrdup(const char *s);
char *kf_xstrndup(const char *s, size_t n);
/* malloc'd printf; caller frees. */
char *kf_xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

struct kf_arena;

struct kf_arena *kf_arena_new(void);
void kf_arena_free(struct kf_arena *a);
/* Memory valid until kf_arena_free; aligned for any type. */
void *kf_arena_alloc(struct kf_arena *a, size_t n);
char *kf_arena_strdup(struct kf_arena *a, const char *s);
char *kf_arena_strndup(struct kf_arena *a, const char *s, size_t n);
char *kf_arena_printf(struct kf_arena *a, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Register a destructor run at kf_arena_free (for library-owned objects). */
void kf_arena_defer(struct kf_arena *a, void (*fn)(void *), void *arg);

#endif
