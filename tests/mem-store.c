/*
 * The tests' in-memory store (tests/mem-store.h).
 * SPDX-License-Identifier: MIT
 */
#include "mem-store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A broken promise of the library: say so and abort. */
static void broken(const char *what)
{
	fprintf(stderr, "mem-store: %s\n", what);
	abort();
}

static void *dup_bytes(const void *p, size_t n)
{
	void *q = malloc(n ? n : 1);

	if (!q)
		abort();
	if (n)
		memcpy(q, p, n);
	return q;
}

/* A key: its bytes and a NUL. */
static char *dup_key(const char *k, size_t n)
{
	char *q = malloc(n + 1);

	if (!q)
		abort();
	if (n)
		memcpy(q, k, n);
	q[n] = '\0';
	return q;
}

static void *grow(void *v, size_t *cap, size_t first, size_t size)
{
	*cap = *cap ? 2 * *cap : first;
	v = realloc(v, *cap * size);
	if (!v)
		abort();
	return v;
}

static void rec_free(mem_rec *r)
{
	free(r->key);
	free(r->data);
}

/* Counts a call; 1 if it is to fail. */
static int fails(mem_store *s)
{
	int f;

	s->calls++;
	f = s->fail_at && s->calls == s->fail_at;
	if (s->fail_every && !s->paused && ++s->every_calls % s->fail_every == 0)
		f = 1;
	s->failures += (size_t)f;
	return f;
}

/* A scripted answer, given once. */
static int once(int *rc)
{
	int r = *rc;

	*rc = 0;
	return r;
}

static int fail_code(const mem_store *s)
{
	return s->fail_code ? s->fail_code : PWS_ESTORAGE;
}

static mem_rec *stage(mem_store *s, uint32_t kind, const char *key, size_t key_len, int del)
{
	mem_rec *r;

	if (!s->open && !s->direct)
		broken(del ? "del outside a change set" : "put outside a change set");
	if (s->sn == s->scap)
		s->stage = grow(s->stage, &s->scap, 8, sizeof(mem_rec));
	r = &s->stage[s->sn++];
	memset(r, 0, sizeof(*r));
	r->del = del;
	r->kind = kind;
	r->key = dup_key(key, key_len);
	r->key_len = key_len;
	return r;
}

static void apply_del(mem_store *s, const mem_rec *d);
static int apply(mem_store *s);

/* Outside a change set of a direct store: what was staged applies now. */
static void direct(mem_store *s)
{
	if (!s->open)
		(void)apply(s);
}

/* The open change set is dropped. */
static void drop(mem_store *s)
{
	size_t i;

	for (i = 0; i < s->sn; i++)
		rec_free(&s->stage[i]);
	s->sn = 0;
	s->open = 0;
}

int mem_store_begin(void *ctx)
{
	mem_store *s = ctx;

	if (fails(s))
		return fail_code(s);
	if (s->open && !s->no_rollback)
		broken("begin while a change set is open");
	drop(s);
	s->open = 1;
	return PWS_OK;
}

int mem_store_put(void *ctx, uint32_t kind, const char *key, size_t key_len, const void *data,
                  size_t len)
{
	mem_store *s = ctx;
	mem_rec *r;

	if (s->on_put)
		s->on_put(s);
	if (s->put_rc)
		return once(&s->put_rc);
	if (fails(s))
		return fail_code(s);
	r = stage(s, kind, key, key_len, 0);
	r->data = dup_bytes(data, len);
	r->len = len;
	s->puts++;
	direct(s);
	return PWS_OK;
}

int mem_store_del(void *ctx, uint32_t kind, const char *key, size_t key_len)
{
	mem_store *s = ctx;

	if (fails(s))
		return fail_code(s);
	stage(s, kind, key, key_len, 1);
	direct(s);
	return PWS_OK;
}

static void apply_del(mem_store *s, const mem_rec *d)
{
	size_t i;

	if (s->del_noop || (s->keep && s->keep(s, d->kind, d->key, d->key_len)))
		return;
	for (i = 0; i < s->n; i++)
		if (s->v[i].kind == d->kind && s->v[i].key_len == d->key_len &&
		    memcmp(s->v[i].key, d->key, d->key_len) == 0) {
			rec_free(&s->v[i]);
			memmove(&s->v[i], &s->v[i + 1], (s->n - i - 1) * sizeof(mem_rec));
			s->n--;
			return;
		}
	broken("del of a key that is not stored");
}

/* The change set applies, in the order written. */
static int apply(mem_store *s)
{
	size_t i;

	for (i = 0; i < s->sn; i++) {
		if (s->stage[i].del) {
			apply_del(s, &s->stage[i]);
			rec_free(&s->stage[i]);
			continue;
		}
		if (s->n == s->cap)
			s->v = grow(s->v, &s->cap, 64, sizeof(mem_rec));
		s->v[s->n++] = s->stage[i];
	}
	s->sn = 0;
	s->open = 0;
	return PWS_OK;
}

int mem_store_commit(void *ctx)
{
	mem_store *s = ctx;

	if (s->commit_rc)
		return once(&s->commit_rc);
	if (fails(s))
		return fail_code(s);
	return apply(s);
}

int mem_store_rollback(void *ctx)
{
	mem_store *s = ctx;

	s->rollbacks++;
	drop(s);
	return PWS_OK;
}

/* -1, 0, 1 as key a sorts before, with, after key b (bytewise, a prefix first). */
static int key_cmp(const char *a, size_t an, const char *b, size_t bn)
{
	int c = memcmp(a, b, an < bn ? an : bn);

	return c ? c : (an > bn) - (an < bn);
}

/* Hands the records whose key sorts after `after` (all when NULL) to sink. */
static int feed(mem_store *s, const char *after, size_t after_len, pws_storage_sink sink,
                void *sink_ctx)
{
	size_t i;

	for (i = 0; i < s->n; i++) {
		int rc;

		if (after && key_cmp(s->v[i].key, s->v[i].key_len, after, after_len) <= 0)
			continue;
		rc = sink(sink_ctx, s->v[i].kind, s->v[i].key, s->v[i].key_len, s->v[i].data,
		          s->v[i].len);
		if (rc && !s->ignore_sink)
			return rc;
	}
	return PWS_OK;
}

int mem_store_load(void *ctx, pws_storage_sink sink, void *sink_ctx)
{
	return feed(ctx, NULL, 0, sink, sink_ctx);
}

int mem_store_load_after(void *ctx, const char *key, size_t key_len, pws_storage_sink sink,
                         void *sink_ctx)
{
	mem_store *s = ctx;

	s->load_afters++;
	if (s->after_rc)
		return once(&s->after_rc);
	return feed(s, key ? key : "", key_len, sink, sink_ctx);
}

int mem_store_append(void *ctx, uint32_t kind, const char *key, size_t key_len, const void *data,
                     size_t len)
{
	mem_store *s = ctx;
	size_t i;

	s->appends++;
	if (s->conflicts > 0) {
		s->conflicts--;
		return PWS_ECONFLICT;
	}
	for (i = 0; i < s->n; i++)
		if (s->v[i].kind == kind && key_cmp(s->v[i].key, s->v[i].key_len, key, key_len) == 0)
			return PWS_ECONFLICT;
	return mem_store_put(s, kind, key, key_len, data, len);
}

int mem_store_wait(void *ctx, int timeout_ms)
{
	(void)timeout_ms;
	return ((mem_store *)ctx)->wait_rc;
}

void mem_store_close(void *ctx)
{
	((mem_store *)ctx)->closed++;
}

pws_storage_ops mem_store_ops(mem_store *s)
{
	pws_storage_ops ops = PWS_STORAGE_OPS_INIT;

	ops.ctx = s;
	ops.load = mem_store_load;
	ops.begin = mem_store_begin;
	ops.put = mem_store_put;
	ops.del = mem_store_del;
	ops.commit = mem_store_commit;
	ops.rollback = mem_store_rollback;
	ops.close = mem_store_close;
	return ops;
}

pws_storage_ops mem_store_ops_v2(mem_store *s)
{
	pws_storage_ops ops = mem_store_ops(s);

	ops.append = mem_store_append;
	ops.load_after = mem_store_load_after;
	ops.wait = mem_store_wait;
	return ops;
}

int mem_store_open(mem_store *s, const pws_allocator *a, pws_policy **p)
{
	pws_policy_options o = PWS_POLICY_OPTIONS_INIT;
	pws_storage_ops ops = mem_store_ops(s);

	o.storage = &ops;
	o.allocator = a;
	return pws_policy_new(p, &o);
}

void mem_store_arm(mem_store *s, size_t n)
{
	s->fail_at = n ? s->calls + n : 0;
}

void mem_store_add(mem_store *s, uint32_t kind, const void *key, size_t key_len, const void *data,
                   size_t len)
{
	mem_rec *r;

	if (s->n == s->cap)
		s->v = grow(s->v, &s->cap, 64, sizeof(mem_rec));
	r = &s->v[s->n++];
	memset(r, 0, sizeof(*r));
	r->kind = kind;
	r->key = dup_key(key, key_len);
	r->key_len = key_len;
	r->data = dup_bytes(data, len);
	r->len = len;
}

void mem_store_truncate(mem_store *s, size_t n)
{
	while (s->n > n)
		rec_free(&s->v[--s->n]);
}

uint64_t mem_store_hash(const mem_store *s)
{
	uint64_t h = 1469598103934665603ULL;
	size_t i, k;

	for (i = 0; i < s->n; i++) {
		const mem_rec *r = &s->v[i];

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

void mem_store_clear(mem_store *s)
{
	size_t i;

	mem_store_rollback(s);
	for (i = 0; i < s->n; i++)
		rec_free(&s->v[i]);
	free(s->v);
	free(s->stage);
	memset(s, 0, sizeof(*s));
}
