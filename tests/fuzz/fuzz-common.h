/*
 * Shared pieces of the fuzz targets (tests/fuzz/): an in-memory store with
 * storage failure injection, an allocator with allocation failure
 * injection, and a reader of the fuzzer's bytes. Header-only: every target
 * is one translation unit plus the library's sources.
 * SPDX-License-Identifier: MIT
 */
#ifndef PWS_FUZZ_COMMON_H
#define PWS_FUZZ_COMMON_H

#include "partnerws.h"

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

/* --- an in-memory store ---------------------------------------------------- */

typedef struct fz_rec {
	uint32_t kind;
	char *key;
	size_t key_len;
	unsigned char *data;
	size_t len;
	int del;
} fz_rec;

typedef struct fz_store {
	fz_rec *v; /* committed, in key order as the library wrote them */
	size_t n, cap;
	fz_rec *stage;
	size_t sn, scap;
	int open;
	size_t calls;   /* begin, put, del, commit calls */
	size_t fail_at; /* fail that call (absolute count), 0 never */
	int closed;
} fz_store;

static FZ_UNUSED void fz_rec_free(fz_rec *r)
{
	free(r->key);
	free(r->data);
}

static FZ_UNUSED int fz_st_fail(fz_store *s)
{
	s->calls++;
	return s->fail_at && s->calls == s->fail_at;
}

static FZ_UNUSED void fz_store_arm(fz_store *s, size_t n) /* fail the Nth call from now; 0 disarms */
{
	s->fail_at = n ? s->calls + n : 0;
}

static FZ_UNUSED int fz_begin(void *ctx)
{
	fz_store *s = ctx;

	if (fz_st_fail(s))
		return PWS_ESTORAGE;
	FZ_ASSERT(!s->open, "begin while a change set is open");
	s->open = 1;
	return PWS_OK;
}

static FZ_UNUSED fz_rec *fz_stage(fz_store *s)
{
	if (s->sn == s->scap) {
		s->scap = s->scap ? 2 * s->scap : 8;
		s->stage = realloc(s->stage, s->scap * sizeof(fz_rec));
		if (!s->stage)
			abort();
	}
	memset(&s->stage[s->sn], 0, sizeof(fz_rec));
	return &s->stage[s->sn++];
}

static FZ_UNUSED void *fz_dup(const void *p, size_t n)
{
	void *q = malloc(n ? n : 1);

	if (!q)
		abort();
	if (n)
		memcpy(q, p, n);
	return q;
}

static FZ_UNUSED int fz_put(void *ctx, uint32_t kind, const char *key, size_t key_len, const void *data,
                  size_t len)
{
	fz_store *s = ctx;
	fz_rec *r;

	if (fz_st_fail(s))
		return PWS_ESTORAGE;
	FZ_ASSERT(s->open, "put outside a change set");
	r = fz_stage(s);
	r->kind = kind;
	r->key = fz_dup(key, key_len);
	r->key_len = key_len;
	r->data = fz_dup(data, len);
	r->len = len;
	return PWS_OK;
}

static FZ_UNUSED int fz_del(void *ctx, uint32_t kind, const char *key, size_t key_len)
{
	fz_store *s = ctx;
	fz_rec *r;

	if (fz_st_fail(s))
		return PWS_ESTORAGE;
	FZ_ASSERT(s->open, "del outside a change set");
	r = fz_stage(s);
	r->del = 1;
	r->kind = kind;
	r->key = fz_dup(key, key_len);
	r->key_len = key_len;
	return PWS_OK;
}

static FZ_UNUSED int fz_rollback(void *ctx)
{
	fz_store *s = ctx;
	size_t i;

	for (i = 0; i < s->sn; i++)
		fz_rec_free(&s->stage[i]);
	s->sn = 0;
	s->open = 0;
	return PWS_OK;
}

static FZ_UNUSED int fz_commit(void *ctx)
{
	fz_store *s = ctx;
	size_t i, j;

	if (fz_st_fail(s))
		return PWS_ESTORAGE;
	for (i = 0; i < s->sn; i++) {
		fz_rec *r = &s->stage[i];

		if (r->del) {
			for (j = 0; j < s->n; j++)
				if (s->v[j].kind == r->kind && s->v[j].key_len == r->key_len &&
				    memcmp(s->v[j].key, r->key, r->key_len) == 0)
					break;
			FZ_ASSERT(j < s->n, "del of a key that is not stored");
			fz_rec_free(&s->v[j]);
			memmove(&s->v[j], &s->v[j + 1], (s->n - j - 1) * sizeof(fz_rec));
			s->n--;
			fz_rec_free(r);
			continue;
		}
		if (s->n == s->cap) {
			s->cap = s->cap ? 2 * s->cap : 64;
			s->v = realloc(s->v, s->cap * sizeof(fz_rec));
			if (!s->v)
				abort();
		}
		s->v[s->n++] = *r;
	}
	s->sn = 0;
	s->open = 0;
	return PWS_OK;
}

static FZ_UNUSED int fz_load(void *ctx, pws_storage_sink sink, void *sink_ctx)
{
	fz_store *s = ctx;
	size_t i;

	for (i = 0; i < s->n; i++) {
		int rc = sink(sink_ctx, s->v[i].kind, s->v[i].key, s->v[i].key_len, s->v[i].data,
		              s->v[i].len);

		if (rc)
			return rc;
	}
	return PWS_OK;
}

static FZ_UNUSED void fz_close(void *ctx)
{
	((fz_store *)ctx)->closed++;
}

static FZ_UNUSED void fz_store_clear(fz_store *s)
{
	size_t i;

	fz_rollback(s);
	for (i = 0; i < s->n; i++)
		fz_rec_free(&s->v[i]);
	free(s->v);
	free(s->stage);
	memset(s, 0, sizeof *s);
}

/* Appends a committed record (a store built by hand). */
static FZ_UNUSED void fz_store_add(fz_store *s, uint32_t kind, const void *key, size_t key_len,
                         const void *data, size_t len)
{
	if (s->n == s->cap) {
		s->cap = s->cap ? 2 * s->cap : 64;
		s->v = realloc(s->v, s->cap * sizeof(fz_rec));
		if (!s->v)
			abort();
	}
	s->v[s->n].kind = kind;
	s->v[s->n].key = fz_dup(key, key_len);
	s->v[s->n].key_len = key_len;
	s->v[s->n].data = fz_dup(data, len);
	s->v[s->n].len = len;
	s->v[s->n].del = 0;
	s->n++;
}

/* FNV-1a over the committed records: "the store did not change". */
static FZ_UNUSED uint64_t fz_store_hash(const fz_store *s)
{
	uint64_t h = 1469598103934665603ULL;
	size_t i, k;

	for (i = 0; i < s->n; i++) {
		const fz_rec *r = &s->v[i];

		h = (h ^ r->kind) * 1099511628211ULL;
		for (k = 0; k < r->key_len; k++)
			h = (h ^ (unsigned char)r->key[k]) * 1099511628211ULL;
		h = (h ^ 0x100) * 1099511628211ULL;
		for (k = 0; k < r->len; k++)
			h = (h ^ r->data[k]) * 1099511628211ULL;
		h = (h ^ 0x200) * 1099511628211ULL;
	}
	return h ^ s->n;
}

static FZ_UNUSED pws_storage_ops fz_store_ops(fz_store *s)
{
	pws_storage_ops ops = PWS_STORAGE_OPS_INIT;

	ops.version = 1;
	ops.ctx = s;
	ops.load = fz_load;
	ops.begin = fz_begin;
	ops.put = fz_put;
	ops.del = fz_del;
	ops.commit = fz_commit;
	ops.rollback = fz_rollback;
	ops.close = fz_close;
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
