/* SPDX-License-Identifier: Apache-2.0 */
/* Allocation helpers and the request arena (a list of blocks + deferred frees). */
#include "util/mem.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void oom(size_t n)
{
	fprintf(stderr, "kaifang: out of memory allocating %zu bytes\n", n);
	abort();
}

void *kf_xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	if (!p)
		oom(n);
	return p;
}

void *kf_xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);
	if (!p)
		oom(n * size);
	return p;
}

void *kf_xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);
	if (!q)
		oom(n);
	return q;
}

char *kf_xstrdup(const char *s)
{
	return kf_xstrndup(s, strlen(s));
}

char *kf_xstrndup(const char *s, size_t n)
{
	char *p = kf_xmalloc(n + 1);
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *kf_xasprintf(const char *fmt, ...)
{
	va_list ap, ap2;
	va_start(ap, fmt);
	va_copy(ap2, ap);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	char *p = kf_xmalloc((size_t)n + 1);
	vsnprintf(p, (size_t)n + 1, fmt, ap2);
	va_end(ap2);
	return p;
}

struct block {
	struct block *next;
	size_t used, cap;
	_Alignas(max_align_t) unsigned char data[];
};

struct deferred {
	struct deferred *next;
	void (*fn)(void *);
	void *arg;
};

struct kf_arena {
	struct block *head;
	struct deferred *defers;
};

#define BLOCK_SIZE 8192

struct kf_arena *kf_arena_new(void)
{
	return kf_xcalloc(1, sizeof(struct kf_arena));
}

void kf_arena_free(struct kf_arena *a)
{
	if (!a)
		return;
	for (struct deferred *d = a->defers; d;) {
		struct deferred *next = d->next;
		d->fn(d->arg);
		d = next;
	}
	for (struct block *b = a->head; b;) {
		struct block *next = b->next;
		free(b);
		b = next;
	}
	free(a);
}

void *kf_arena_alloc(struct kf_arena *a, size_t n)
{
	size_t align = _Alignof(max_align_t);
	n = (n + align - 1) & ~(align - 1);
	if (!a->head || a->head->cap - a->head->used < n) {
		size_t cap = n > BLOCK_SIZE ? n : BLOCK_SIZE;
		struct block *b = kf_xmalloc(sizeof(*b) + cap);
		b->used = 0;
		b->cap = cap;
		b->next = a->head;
		a->head = b;
	}
	void *p = a->head->data + a->head->used;
	a->head->used += n;
	return p;
}

char *kf_arena_strndup(struct kf_arena *a, const char *s, size_t n)
{
	char *p = kf_arena_alloc(a, n + 1);
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *kf_arena_strdup(struct kf_arena *a, const char *s)
{
	return s ? kf_arena_strndup(a, s, strlen(s)) : NULL;
}

char *kf_arena_printf(struct kf_arena *a, const char *fmt, ...)
{
	va_list ap, ap2;
	va_start(ap, fmt);
	va_copy(ap2, ap);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	char *p = kf_arena_alloc(a, (size_t)n + 1);
	vsnprintf(p, (size_t)n + 1, fmt, ap2);
	va_end(ap2);
	return p;
}

void kf_arena_defer(struct kf_arena *a, void (*fn)(void *), void *arg)
{
	struct deferred *d = kf_arena_alloc(a, sizeof(*d));
	d->fn = fn;
	d->arg = arg;
	d->next = a->defers;
	a->defers = d;
}
