/*
 * The allocator hook: every allocation of a handle goes through its table,
 * so tests can count allocations and fail the Nth one.
 * SPDX-License-Identifier: MIT
 */
#include "pws-int.h"

#include <stdlib.h>
#include <string.h>

static void *default_malloc(void *ctx, size_t size)
{
	(void)ctx;
	return malloc(size);
}

static void *default_realloc(void *ctx, void *ptr, size_t size)
{
	(void)ctx;
	return realloc(ptr, size);
}

static void default_free(void *ctx, void *ptr)
{
	(void)ctx;
	free(ptr);
}

void pws__mem_default(pws__mem *m)
{
	m->a.version = PWS_ALLOCATOR_VERSION;
	m->a.ctx = NULL;
	m->a.malloc_fn = default_malloc;
	m->a.realloc_fn = default_realloc;
	m->a.free_fn = default_free;
}

void *pws__malloc(const pws__mem *m, size_t size)
{
	return m->a.malloc_fn(m->a.ctx, size ? size : 1);
}

void *pws__calloc(const pws__mem *m, size_t n, size_t size)
{
	void *p;

	if (size && n > SIZE_MAX / size)
		return NULL;
	p = pws__malloc(m, n * size);
	if (p)
		memset(p, 0, n * size);
	return p;
}

void *pws__realloc(const pws__mem *m, void *ptr, size_t size)
{
	if (!ptr)
		return pws__malloc(m, size);
	return m->a.realloc_fn(m->a.ctx, ptr, size ? size : 1);
}

void pws__free(const pws__mem *m, void *ptr)
{
	if (ptr)
		m->a.free_fn(m->a.ctx, ptr);
}

char *pws__strdup(const pws__mem *m, const char *s)
{
	size_t n = strlen(s) + 1;
	char *d = pws__malloc(m, n);

	if (d)
		memcpy(d, s, n);
	return d;
}

size_t pws__allocator_size(unsigned int version)
{
	return version == 1 ? sizeof(pws_allocator) : 0;
}

PWS_EXTERN int pws_allocator_init(pws_allocator *alloc, unsigned int version)
{
	if (!alloc || pws__allocator_size(version) == 0)
		return PWS_EINVALID;
	memset(alloc, 0, pws__allocator_size(version));
	alloc->version = version;
	return PWS_OK;
}
