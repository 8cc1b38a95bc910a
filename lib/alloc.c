/*
 * The allocator hook: every allocation of a handle goes through its table,
 * so tests can count allocations and fail the Nth one.
 * SPDX-License-Identifier: MIT
 */
/* mmap's MAP_ANONYMOUS, madvise, mremap */
#define _GNU_SOURCE 1
#include "util.h"

#include <stdlib.h>
#include <string.h>
#if defined(__linux__)
#include <sys/mman.h>
#include <unistd.h>
#endif

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

/*
 * Large tables (hash tables of many slots) with the default allocator come
 * straight from the kernel: its pages are zero, so they need no clearing
 * pass, they are returned whole when freed (never left on the C heap, where
 * they would raise glibc's mmap threshold and make later tables heap
 * chunks that are cleared, copied and consolidated), and a table of some
 * megabytes is aligned to, and advised onto, 2 MiB pages (one TLB entry
 * per 2 MiB for the lookups of the check path). A host's own allocator
 * sees every table as one allocation of its own, as before (the tests'
 * failure injection counts them).
 */
#define BIG_TABLE ((size_t)256 << 10)
#define HUGE_PAGE ((size_t)2 << 20)

#if defined(__linux__) && defined(MAP_ANONYMOUS)
static int from_kernel(const pws__mem *m, size_t size)
{
	/* a host's allocator (pws_allocator) replaces the three functions
	 * together: its malloc tells them apart */
	return size >= BIG_TABLE && m->a.malloc_fn == default_malloc;
}

/* The length mapped for a table of size bytes: its pages. The last,
 * partial 2 MiB of a table stays on small pages (a huge page there would
 * be resident whole, up to 2 MiB of nothing per table). */
static size_t mapped_size(size_t size)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE);

	return (size + page - 1) & ~(page - 1);
}
#endif

/* Large tables are read at random: ask for transparent huge pages (before
 * the first touch) so that a lookup costs one cache miss, not also a TLB
 * walk. A hint only: it changes nothing where it is not supported. */
static void huge_hint_from(void *p, size_t n, size_t from)
{
#if defined(__linux__) && defined(MADV_HUGEPAGE)
	uintptr_t a = ((uintptr_t)p + HUGE_PAGE - 1) & ~(uintptr_t)(HUGE_PAGE - 1);
	uintptr_t b = ((uintptr_t)p + n) & ~(uintptr_t)(HUGE_PAGE - 1);

	/* 4 MiB hold at least one whole aligned 2 MiB page: b > a */
	if (n >= from)
		(void)madvise((void *)a, b - a, MADV_HUGEPAGE);
#else
	(void)p;
	(void)n;
	(void)from;
#endif
}

void pws__huge_hint(void *p, size_t n)
{
	huge_hint_from(p, n, 2 * HUGE_PAGE);
}

/* Tables ask for huge pages from 4 MiB (HUGE_FROM); a flat region
 * (pws__table_realloc_flat) never: NO_HUGE is above any size. */
#define HUGE_FROM (2 * HUGE_PAGE)
#define NO_HUGE SIZE_MAX

#if defined(__linux__) && defined(MAP_ANONYMOUS)
/* A fresh zeroed mapping of len bytes (mapped_size), 2 MiB-aligned and
 * advised onto huge pages (the whole mapping, so that it stays one area
 * that mremap can move) when it spans two of them or more. */
static void *map_fresh(size_t len, size_t huge_from)
{
	size_t extra = len >= huge_from ? HUGE_PAGE : 0;
	char *p = mmap(NULL, len + extra, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
	               -1, 0);

	if (p == MAP_FAILED) /* GCOVR_EXCL_BR_LINE: the kernel refused memory */
		return NULL;
	if (extra) {
		/* keep the aligned part: cut the head and the tail */
		char *a = (char *)(((uintptr_t)p + HUGE_PAGE - 1) & ~(uintptr_t)(HUGE_PAGE - 1));

		if (a != p) /* GCOVR_EXCL_BR_LINE: where the kernel places the mapping */
			(void)munmap(p, (size_t)(a - p));
		if (a + len != p + len + extra) /* GCOVR_EXCL_BR_LINE: as above */
			(void)munmap(a + len, (size_t)(p + len + extra - (a + len)));
		p = a;
#if defined(MADV_HUGEPAGE)
		(void)madvise(p, len, MADV_HUGEPAGE);
#endif
	}
	return p;
}
#endif

void *pws__table_alloc(const pws__mem *m, size_t size)
{
#if defined(__linux__) && defined(MAP_ANONYMOUS)
	if (from_kernel(m, size))
		return map_fresh(mapped_size(size), HUGE_FROM);
#endif
	{
		void *p = pws__calloc(m, 1, size);

		if (p)
			pws__huge_hint(p, size);
		return p;
	}
}

/* A temporary table's mapped length: whole huge pages from 2 MiB (the
 * kernel backs a huge page only where the mapping holds all of it) */
static size_t temp_mapped_size(size_t size)
{
	return size >= HUGE_PAGE ? (size + HUGE_PAGE - 1) & ~(HUGE_PAGE - 1) : size;
}

void *pws__temp_table_alloc(const pws__mem *m, size_t size)
{
#if defined(__linux__) && defined(MAP_ANONYMOUS)
	if (from_kernel(m, size))
		return map_fresh(mapped_size(temp_mapped_size(size)), HUGE_PAGE);
#endif
	{
		void *p = pws__calloc(m, 1, size);

		if (p)
			huge_hint_from(p, size, HUGE_PAGE);
		return p;
	}
}

void pws__temp_table_free(const pws__mem *m, void *p, size_t size)
{
	pws__table_free(m, p, temp_mapped_size(size));
}

void pws__table_free(const pws__mem *m, void *p, size_t size)
{
	if (!p)
		return;
#if defined(__linux__) && defined(MAP_ANONYMOUS)
	if (from_kernel(m, size)) {
		(void)munmap(p, mapped_size(size));
		return;
	}
#endif
	pws__free(m, p);
}

static void *table_realloc(const pws__mem *m, void *p, size_t old, size_t size,
                           size_t huge_from)
{
#if defined(__linux__) && defined(MAP_ANONYMOUS) && defined(MREMAP_MAYMOVE)
	if (from_kernel(m, size)) {
		size_t len = mapped_size(size);
		char *q;

		if (!p)
			return map_fresh(len, huge_from);
		if (!from_kernel(m, old)) {
			/* from the heap to the kernel: one copy */
			q = map_fresh(len, huge_from);
			if (q) { /* GCOVR_EXCL_BR_LINE: NULL only when the kernel refused memory */
				memcpy(q, p, old < size ? old : size);
				pws__free(m, p);
			}
			return q;
		}
		/* the pages move (page tables, not bytes); what lies past the
		 * old ones is zero. (Not onto a fresh aligned mapping with
		 * MREMAP_FIXED: valgrind then takes the new part for
		 * unaddressable.) */
		q = mremap(p, mapped_size(old), len, MREMAP_MAYMOVE);
		if (q == MAP_FAILED) /* GCOVR_EXCL_BR_LINE: the kernel refused memory */
			return NULL;
#if defined(MADV_HUGEPAGE)
		if (len >= huge_from) /* the whole area: it stays one */
			(void)madvise(q, len, MADV_HUGEPAGE);
#endif
		return q;
	}
	/* GCOVR_EXCL_START: no table shrinks (vectors only grow); kept so
	 * that a kernel block never reaches realloc() */
	if (p && from_kernel(m, old)) {
		/* shrinking below a kernel table: back to the heap */
		void *q = pws__malloc(m, size);

		if (q) {
			memcpy(q, p, size);
			(void)munmap(p, mapped_size(old));
		}
		return q;
	}
	/* GCOVR_EXCL_STOP */
#endif
	{
		char *q = pws__realloc(m, p, size);

		/* the part past the old contents is not touched yet */
		if (q && size > old)
			huge_hint_from(q + old, size - old, huge_from);
		return q;
	}
}

void *pws__table_realloc(const pws__mem *m, void *p, size_t old, size_t size)
{
	return table_realloc(m, p, old, size, HUGE_FROM);
}

/* The same on small pages only, for a region filled from its start (the
 * users' lists, model.c): a huge page past its filled part would be
 * resident whole, up to 2 MiB of nothing. */
void *pws__table_realloc_flat(const pws__mem *m, void *p, size_t old, size_t size);
/* (declared in model.h beside its one user) */
void *pws__table_realloc_flat(const pws__mem *m, void *p, size_t old, size_t size)
{
	return table_realloc(m, p, old, size, NO_HUGE);
}

/* A copy whose 16-byte granule is whole and zero past its end: a key is
 * read by its aligned 16-byte blocks (util.h pws__skey_blocks, as strlen
 * reads), and the bytes past the end of an allocation read that way are
 * undefined to memcheck, which then reports the test of the key's end
 * (its own byte is defined). At most one granule more a copy (ids,
 * names and texts of teams, workspaces and elements; users' ids are in
 * the model's string block, model.c). */
char *pws__strdup(const pws__mem *m, const char *s)
{
	size_t n = strlen(s) + 1, whole = (n + 15) & ~(size_t)15;
	char *d = pws__malloc(m, whole);

	if (d) {
		memcpy(d, s, n);
		memset(d + n, 0, whole - n);
	}
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
