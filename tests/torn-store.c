/*
 * A storage adapter for power-loss tests (see torn-store.h).
 * SPDX-License-Identifier: MIT
 */
#include "torn-store.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

static uint32_t crc32_of(uint32_t crc, const void *p, size_t n)
{
	const unsigned char *b = p;
	size_t i;
	int k;

	crc = ~crc;
	for (i = 0; i < n; i++) {
		crc ^= b[i];
		for (k = 0; k < 8; k++)
			crc = (crc >> 1) ^ (0xedb88320u & (0u - (crc & 1u)));
	}
	return ~crc;
}

static uint32_t rec_crc(const torn_rec *r)
{
	unsigned char k[4] = { (unsigned char)r->kind, (unsigned char)(r->kind >> 8),
	                       (unsigned char)(r->kind >> 16), (unsigned char)(r->kind >> 24) };
	uint32_t c = crc32_of(0, k, 4);

	c = crc32_of(c, r->key, r->key_len);
	return crc32_of(c, r->data, r->len);
}

static void rec_free(torn_rec *r)
{
	free(r->key);
	free(r->data);
	memset(r, 0, sizeof(*r));
}

static void rec_copy(torn_rec *to, const torn_rec *from)
{
	*to = *from;
	to->key = malloc(from->key_len ? from->key_len : 1);
	to->data = malloc(from->len ? from->len : 1);
	ck_assert(to->key && to->data);
	memcpy(to->key, from->key, from->key_len);
	if (from->len)
		memcpy(to->data, from->data, from->len);
}

static void push(torn_rec **v, size_t *n, size_t *cap, const torn_rec *r)
{
	if (*n == *cap) {
		*cap = *cap ? 2 * *cap : 16;
		*v = realloc(*v, *cap * sizeof(**v));
		ck_assert_ptr_nonnull(*v);
	}
	(*v)[(*n)++] = *r;
}

static int key_cmp(const char *a, size_t al, const char *b, size_t bl)
{
	int c = memcmp(a, b, al < bl ? al : bl);

	return c ? c : (al > bl) - (al < bl);
}

static long find(const torn_rec *v, size_t n, uint32_t kind, const char *key, size_t key_len)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!v[i].del && v[i].kind == kind && v[i].key_len == key_len &&
		    memcmp(v[i].key, key, key_len) == 0)
			return (long)i;
	return -1;
}

/* Applies one write to the disk: a record is added (in key order), a
 * deletion removes its key. */
static void disk_apply(torn_store *s, const torn_rec *w)
{
	long at = find(s->disk, s->n, w->kind, w->key, w->key_len);
	size_t i;

	if (w->del) {
		if (at >= 0) {
			rec_free(&s->disk[at]);
			memmove(&s->disk[at], &s->disk[at + 1], (s->n - (size_t)at - 1) * sizeof(torn_rec));
			s->n--;
		}
		return;
	}
	{
		torn_rec c;

		rec_copy(&c, w);
		push(&s->disk, &s->n, &s->cap, &c);
	}
	/* keep key order (a write is almost always the last key) */
	for (i = s->n - 1; i > 0 && key_cmp(s->disk[i - 1].key, s->disk[i - 1].key_len,
	                                    s->disk[i].key, s->disk[i].key_len) > 0; i--) {
		torn_rec t = s->disk[i];

		s->disk[i] = s->disk[i - 1];
		s->disk[i - 1] = t;
	}
}

static void flight_clear(torn_store *s)
{
	size_t i;

	for (i = 0; i < s->nf; i++)
		rec_free(&s->flight[i]);
	s->nf = 0;
}

static int t_begin(void *ctx)
{
	torn_store *s = ctx;

	ck_assert_msg(!s->open, "begin while a change set is open");
	s->open = 1;
	return PWS_OK;
}

static int stage(torn_store *s, int del, uint32_t kind, const char *key, size_t key_len,
                 const void *data, size_t len)
{
	torn_rec r;

	ck_assert_msg(s->open, "a write outside a change set");
	memset(&r, 0, sizeof r);
	r.del = del;
	r.kind = kind;
	r.key = malloc(key_len ? key_len : 1);
	r.data = malloc(len ? len : 1);
	ck_assert(r.key && r.data);
	memcpy(r.key, key, key_len);
	r.key_len = key_len;
	if (len)
		memcpy(r.data, data, len);
	r.len = len;
	r.crc = rec_crc(&r);
	push(&s->flight, &s->nf, &s->fcap, &r);
	return PWS_OK;
}

static int t_put(void *ctx, uint32_t kind, const char *key, size_t key_len, const void *data,
                 size_t len)
{
	return stage(ctx, 0, kind, key, key_len, data, len);
}

static int t_append(void *ctx, uint32_t kind, const char *key, size_t key_len,
                    const void *data, size_t len)
{
	torn_store *s = ctx;

	if (find(s->disk, s->n, kind, key, key_len) >= 0 ||
	    find(s->flight, s->nf, kind, key, key_len) >= 0)
		return PWS_ECONFLICT;
	return stage(s, 0, kind, key, key_len, data, len);
}

static int t_del(void *ctx, uint32_t kind, const char *key, size_t key_len)
{
	return stage(ctx, 1, kind, key, key_len, NULL, 0);
}

static int t_commit(void *ctx)
{
	torn_store *s = ctx;
	size_t i;

	ck_assert_msg(s->open, "commit outside a change set");
	if (s->cut) {
		/* the power goes: nothing is committed, the process is gone */
		s->cut = 0;
		for (i = 0; i < s->n_lost; i++)
			rec_free(&s->lost[i]);
		free(s->lost);
		s->lost = s->flight;
		s->n_lost = s->nf;
		s->flight = NULL;
		s->nf = s->fcap = 0;
		return PWS_ESTORAGE;
	}
	for (i = 0; i < s->nf; i++)
		disk_apply(s, &s->flight[i]);
	flight_clear(s);
	s->open = 0;
	return PWS_OK;
}

static int t_rollback(void *ctx)
{
	torn_store *s = ctx;

	flight_clear(s);
	s->open = 0;
	return PWS_OK;
}

static int by_key(const void *a, const void *b)
{
	const torn_rec *x = *(const torn_rec *const *)a, *y = *(const torn_rec *const *)b;

	return key_cmp(x->key, x->key_len, y->key, y->key_len);
}

/* Hands the records after key (all when key_len is 0) to the sink, in key
 * order: the disk as the open change set (if any) leaves it. */
static int hand_over(torn_store *s, const char *key, size_t key_len, pws_storage_sink sink,
                     void *sink_ctx)
{
	const torn_rec **v = malloc((s->n + s->nf + 1) * sizeof(*v));
	size_t i, n = 0;
	int rc = PWS_OK;

	ck_assert_ptr_nonnull(v);
	for (i = 0; i < s->n; i++)
	{
		size_t j;
		int deleted = 0;

		for (j = 0; j < s->nf; j++)
			deleted |= s->flight[j].del && s->flight[j].kind == s->disk[i].kind &&
			           s->flight[j].key_len == s->disk[i].key_len &&
			           memcmp(s->flight[j].key, s->disk[i].key, s->disk[i].key_len) == 0;
		if (!deleted)
			v[n++] = &s->disk[i];
	}
	for (i = 0; i < s->nf; i++)
		if (!s->flight[i].del)
			v[n++] = &s->flight[i];
	qsort(v, n, sizeof(*v), by_key);
	for (i = 0; i < n && rc == PWS_OK; i++) {
		if (v[i]->kind != PWS_RECORD_OP)
			continue;
		if (key_len && key_cmp(v[i]->key, v[i]->key_len, key, key_len) <= 0)
			continue;
		if (s->framed && rec_crc(v[i]) != v[i]->crc) {
			if (i + 1 == n) {
				s->torn_dropped++; /* a torn tail: never committed */
				break;
			}
			rc = PWS_ESTORAGE;
			break;
		}
		rc = sink(sink_ctx, v[i]->kind, v[i]->key, v[i]->key_len, v[i]->data, v[i]->len);
	}
	free(v);
	return rc;
}

static int t_load(void *ctx, pws_storage_sink sink, void *sink_ctx)
{
	return hand_over(ctx, NULL, 0, sink, sink_ctx);
}

static int t_load_after(void *ctx, const char *key, size_t key_len, pws_storage_sink sink,
                        void *sink_ctx)
{
	return hand_over(ctx, key, key_len, sink, sink_ctx);
}

static void t_close(void *ctx)
{
	((torn_store *)ctx)->closes++;
}

void torn_store_init(torn_store *s, int framed)
{
	memset(s, 0, sizeof(*s));
	s->framed = framed;
}

void torn_store_free(torn_store *s)
{
	size_t i;

	flight_clear(s);
	for (i = 0; i < s->n; i++)
		rec_free(&s->disk[i]);
	for (i = 0; i < s->n_lost; i++)
		rec_free(&s->lost[i]);
	free(s->disk);
	free(s->flight);
	free(s->lost);
	memset(s, 0, sizeof(*s));
}

void torn_store_ops(torn_store *s, pws_storage_ops *ops, int v2)
{
	pws_storage_ops o = PWS_STORAGE_OPS_INIT;

	o.ctx = s;
	o.load = t_load;
	o.begin = t_begin;
	o.put = t_put;
	o.del = t_del;
	o.commit = t_commit;
	o.rollback = t_rollback;
	o.close = t_close;
	if (v2) {
		o.append = t_append;
		o.load_after = t_load_after;
	} else {
		o.version = 1;
	}
	*ops = o;
}

int torn_store_open(torn_store *s, int v2, pws_policy **out)
{
	pws_policy_options o = PWS_POLICY_OPTIONS_INIT;
	pws_storage_ops ops;
	int rc;

	torn_store_ops(s, &ops, v2);
	o.storage = &ops;
	*out = NULL;
	rc = pws_policy_new(out, &o);
	if (rc != PWS_OK)
		ck_assert_ptr_null(*out);
	return rc;
}

void torn_store_cut(torn_store *s)
{
	s->cut = 1;
}

int torn_store_reboot(const torn_store *s, torn_store *out, size_t k, int damage, size_t at)
{
	size_t i;

	if (k > s->n_lost)
		return -1;
	if (damage != TORN_NONE &&
	    (k == 0 || s->lost[k - 1].del || at >= s->lost[k - 1].len))
		return -1;
	torn_store_init(out, s->framed);
	for (i = 0; i < s->n; i++) {
		torn_rec c;

		rec_copy(&c, &s->disk[i]);
		push(&out->disk, &out->n, &out->cap, &c);
	}
	for (i = 0; i < k; i++) {
		torn_rec w = s->lost[i];
		unsigned char *copy = NULL;

		if (i + 1 == k && damage != TORN_NONE) {
			copy = malloc(w.len ? w.len : 1);
			ck_assert_ptr_nonnull(copy);
			memcpy(copy, w.data, w.len);
			if (damage == TORN_TRUNCATE)
				w.len = at;
			else if (damage == TORN_ZERO_TAIL)
				memset(copy + at, 0, w.len - at);
			else
				copy[at] ^= 0x01;
			w.data = copy;
		}
		disk_apply(out, &w); /* the checksum stays the one written */
		free(copy);
	}
	return 0;
}

void torn_reseal(unsigned char *data, size_t len)
{
	uint32_t c;

	if (len < 10 || data[0] != 2)
		return;
	c = pws__crc32c(0, data, len - 4);
	data[len - 4] = (unsigned char)c;
	data[len - 3] = (unsigned char)(c >> 8);
	data[len - 2] = (unsigned char)(c >> 16);
	data[len - 1] = (unsigned char)(c >> 24);
}
