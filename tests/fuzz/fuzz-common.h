/*
 * Shared pieces of the fuzz targets (tests/fuzz/): the in-memory store of
 * the Check suites (tests/mem-store.h), an allocator with allocation failure
 * injection, and a reader of the fuzzer's bytes. Header-only but for the
 * store: every target is one translation unit plus tests/mem-store.c and
 * the library's sources.
 * SPDX-License-Identifier: MIT
 */
#ifndef PWS_FUZZ_COMMON_H
#define PWS_FUZZ_COMMON_H

#include "partnerws.h"
#include "../mem-store.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* helpers a target may leave unused */
#define FZ_UNUSED __attribute__((unused))

/* A finding: print it and abort, so libFuzzer saves the reproducer. */
#define FZ_ASSERT(cond, ...) do { if (!(cond)) { \
	fprintf(stderr, "fuzz: promise broken at %s:%d: %s\n  ", __FILE__, __LINE__, #cond); \
	fprintf(stderr, __VA_ARGS__); fputc('\n', stderr); abort(); } } while (0)

/* --- the bytes ----------------------------------------------------------- */

typedef struct fz_in {
	const uint8_t *p;
	size_t n;
} fz_in;

static inline unsigned fz_u8(fz_in *in)
{
	if (!in->n)
		return 0;
	in->n--;
	return *in->p++;
}

static inline unsigned fz_pick(fz_in *in, unsigned n)
{
	return n ? fz_u8(in) % n : 0;
}

/* --- an allocator that fails the Nth allocation from when it is armed ---- */

static size_t fz_alloc_calls, fz_alloc_fail_at, fz_alloc_failed;

static FZ_UNUSED void fz_alloc_arm(size_t n) /* 0 disarms */
{
	fz_alloc_fail_at = n ? fz_alloc_calls + n : 0;
	fz_alloc_failed = 0;
}

static FZ_UNUSED int fz_alloc_fail(void)
{
	fz_alloc_calls++;
	if (fz_alloc_fail_at && fz_alloc_calls == fz_alloc_fail_at) {
		fz_alloc_failed++;
		return 1;
	}
	return 0;
}

static FZ_UNUSED void *fz_malloc(void *ctx, size_t size)
{
	(void)ctx;
	return fz_alloc_fail() ? NULL : malloc(size);
}

static FZ_UNUSED void *fz_realloc(void *ctx, void *ptr, size_t size)
{
	(void)ctx;
	return fz_alloc_fail() ? NULL : realloc(ptr, size);
}

static FZ_UNUSED void fz_free(void *ctx, void *ptr)
{
	(void)ctx;
	free(ptr);
}

static FZ_UNUSED const pws_allocator fz_allocator = {PWS_ALLOCATOR_VERSION, NULL, fz_malloc, fz_realloc,
                                           fz_free};

/* --- the in-memory store (tests/mem-store.h; build.sh links mem-store.c) --- */

/* The targets exercise a version-1 table (no append, no load_after). */
static FZ_UNUSED pws_storage_ops fz_store_ops(mem_store *s)
{
	pws_storage_ops ops = mem_store_ops(s);

	ops.version = 1;
	return ops;
}

static FZ_UNUSED uint64_t fz_digest(const pws_policy *p)
{
	uint64_t d = 0;
	int rc = pws_policy_digest(p, &d);

	FZ_ASSERT(rc == PWS_OK, "pws_policy_digest -> %d", rc);
	return d;
}

/* The snapshot of p re-imports into a fresh handle to the same digest. */
static FZ_UNUSED void fz_check_reimport(const pws_policy *p)
{
	char *json = NULL;
	size_t len = 0;
	pws_policy *q = NULL;
	pws_result r = PWS_RESULT_INIT;
	int rc = pws_snapshot_export(p, &json, &len);

	FZ_ASSERT(rc == PWS_OK, "pws_snapshot_export -> %d", rc);
	FZ_ASSERT(pws_policy_new(&q, NULL) == PWS_OK, "pws_policy_new");
	rc = pws_snapshot_import(q, json, len, &r);
	FZ_ASSERT(rc == PWS_OK, "re-importing an exported snapshot -> %d (%s) [%s]\n%.*s", rc,
	          pws_strerror(rc), r.message, (int)(len > 4000 ? 4000 : len), json);
	FZ_ASSERT(fz_digest(q) == fz_digest(p), "the snapshot re-imports to another digest");
	pws_policy_free(q);
	pws_snapshot_free(p, json);
}

#endif
