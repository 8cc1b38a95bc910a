/*
 * The byte format of a fuzzed store (fuzz_records, and gen-seeds which
 * writes seeds in it): records one after another, each
 *   u8 kind (0x80 and up: that kind as is; below: PWS_RECORD_OP),
 *   u8 key length, u16 data length (little-endian), key, data;
 * a key length 0 stands for the next key of the library's own form (16
 * lowercase hex digits, counting from 1), so most records are in sequence.
 * A record whose data starts with format byte 2 gets its checksum trailer
 * recomputed (so mutations reach the decoder behind the CRC-32C) unless
 * bit 0x40 of its kind byte asks for the bytes as they are (so a wrong
 * checksum is fuzzed too). A truncated last record is dropped. The harness hands them to the
 * library sorted by key (a store's contract), keeping their order on ties.
 * SPDX-License-Identifier: MIT
 */
#ifndef PWS_FUZZ_RECORDS_H
#define PWS_FUZZ_RECORDS_H

#include "fuzz-common.h"
#include "crc32c.h"

static FZ_UNUSED int fz_rec_cmp(const void *x, const void *y)
{
	const mem_rec *a = x, *b = y;
	size_t n = a->key_len < b->key_len ? a->key_len : b->key_len;
	int c = memcmp(a->key, b->key, n);

	if (c)
		return c;
	if (a->key_len != b->key_len)
		return a->key_len < b->key_len ? -1 : 1;
	return a->del < b->del ? -1 : a->del > b->del; /* del holds the input order */
}

/* Parses the bytes into st (empty), sorted by key. */
static FZ_UNUSED void fz_records_parse(mem_store *st, const uint8_t *d, size_t n)
{
	size_t i;
	unsigned long long seq = 0;

	while (n >= 4) {
		uint32_t kind = d[0] >= 0x80 ? d[0] : PWS_RECORD_OP;
		size_t kl = d[1], dl = (size_t)d[2] | (size_t)d[3] << 8;
		char key[17];

		if (n - 4 < kl + dl)
			break;
		const uint8_t *data = d + 4 + kl;
		uint8_t sealed[65536];

		if (d[0] < 0x80 && !(d[0] & 0x40) && dl >= 6 && data[0] == 2) {
			uint32_t c;

			memcpy(sealed, data, dl);
			c = pws__crc32c(0, sealed, dl - 4);
			sealed[dl - 4] = (uint8_t)c;
			sealed[dl - 3] = (uint8_t)(c >> 8);
			sealed[dl - 2] = (uint8_t)(c >> 16);
			sealed[dl - 1] = (uint8_t)(c >> 24);
			data = sealed;
		}
		if (kl) {
			mem_store_add(st, kind, d + 4, kl, data, dl);
		} else {
			snprintf(key, sizeof key, "%016llx", ++seq);
			mem_store_add(st, kind, key, 16, data, dl);
		}
		d += 4 + kl + dl;
		n -= 4 + kl + dl;
	}
	for (i = 0; i < st->n; i++)
		st->v[i].del = (int)i; /* the input order, for a stable sort */
	if (st->n)
		qsort(st->v, st->n, sizeof(mem_rec), fz_rec_cmp);
	for (i = 0; i < st->n; i++)
		st->v[i].del = 0;
}

/* Writes one record in the byte format (key NULL: the next key). */
static FZ_UNUSED void fz_records_write(FILE *f, uint32_t kind, const char *key, size_t kl,
                             const void *data, size_t dl)
{
	if (!key)
		kl = 0;
	unsigned char h[4];

	h[0] = kind == PWS_RECORD_OP ? 0 : (unsigned char)kind;
	h[1] = (unsigned char)kl;
	h[2] = (unsigned char)(dl & 0xff);
	h[3] = (unsigned char)(dl >> 8);
	fwrite(h, 1, 4, f);
	if (kl)
		fwrite(key, 1, kl, f);
	fwrite(data, 1, dl, f);
}

#endif
