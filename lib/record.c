/*
 * Encoding and decoding of storage records (doc/STORAGE.md, format 2):
 *   u8 format (2), u8 reserved (0), u16 opcode, u16 argc   (little-endian)
 *   then argc arguments: 's' u32 len + bytes | 'n' | 'i' i64
 *   then u32 CRC-32C of every byte before it
 * Format 1 is the same without the checksum; it is still read.
 * SPDX-License-Identifier: MIT
 */
#include "record.h"
#include "crc32c.h"
#include "util.h"

#include <string.h>

/* Room for n more bytes (0), or r->oom set (-1). */
static int room(const pws__mem *m, pws__rec *r, size_t n)
{
	if (r->oom)
		return -1;
	if (r->len + n > r->cap) {
		size_t cap = r->cap ? r->cap : 64;
		unsigned char *b;

		while (cap < r->len + n)
			cap *= 2;
		b = r->table ? pws__table_realloc(m, r->buf, r->cap, cap) : pws__realloc(m, r->buf, cap);
		if (!b) {
			r->oom = 1;
			return -1;
		}
		r->buf = b;
		r->cap = cap;
	}
	return 0;
}

static void put(const pws__mem *m, pws__rec *r, const void *p, size_t n)
{
	if (room(m, r, n))
		return;
	memcpy(r->buf + r->len, p, n);
	r->len += n;
}

void pws__rec_reserve(const pws__mem *m, pws__rec *r, size_t total)
{
	unsigned char *b;

	if (r->oom || total <= r->cap)
		return;
	/* a record sized once and large (a state image) is a table block:
	 * fresh zeroed pages, huge ones from 4 MiB, returned whole */
	b = r->table ? pws__table_realloc(m, r->buf, r->cap, total) : pws__table_alloc(m, total);
	if (!b) {
		r->oom = 1;
		return;
	}
	if (!r->table) {
		memcpy(b, r->buf, r->len);
		pws__free(m, r->buf);
		r->table = 1;
	}
	r->buf = b;
	r->cap = total;
}

static void le16(unsigned char *b, uint16_t v)
{
	b[0] = (unsigned char)(v & 0xff);
	b[1] = (unsigned char)(v >> 8);
}

static void put_u32(const pws__mem *m, pws__rec *r, uint32_t v)
{
	unsigned char b[4] = { (unsigned char)v, (unsigned char)(v >> 8),
	                       (unsigned char)(v >> 16), (unsigned char)(v >> 24) };

	put(m, r, b, 4);
}

void pws__rec_start(const pws__mem *m, pws__rec *r, int opcode)
{
	unsigned char h[6] = { PWS__REC_FORMAT, 0, 0, 0, 0, 0 };

	memset(r, 0, sizeof(*r));
	le16(h + 2, (uint16_t)opcode);
	put(m, r, h, sizeof h);
}

static void count_arg(pws__rec *r)
{
	r->argc++;
	if (!r->oom)
		le16(r->buf + 4, r->argc);
}

void pws__rec_bytes(const pws__mem *m, pws__rec *r, const char *s, size_t n)
{
	/* a 4 GiB argument: more than a test can allocate */
	if (n > UINT32_MAX) { /* GCOVR_EXCL_BR_LINE */
		r->oom = 1;
		return;
	}
	put(m, r, "s", 1);
	put_u32(m, r, (uint32_t)n);
	put(m, r, s, n);
	count_arg(r);
}

unsigned char *pws__rec_bytes_room(const pws__mem *m, pws__rec *r, size_t n)
{
	unsigned char *p;

	if (n > UINT32_MAX) { /* GCOVR_EXCL_BR_LINE: as pws__rec_bytes */
		r->oom = 1;
		return NULL;
	}
	put(m, r, "s", 1);
	put_u32(m, r, (uint32_t)n);
	if (room(m, r, n))
		return NULL;
	p = r->buf + r->len;
	r->len += n;
	count_arg(r);
	return p;
}

void pws__rec_bytes_trim(pws__rec *r, unsigned char *room, size_t used)
{
	uint32_t n = (uint32_t)used;

	if (r->oom) /* GCOVR_EXCL_BR_LINE: no room was handed out */
		return;
	room[-4] = (unsigned char)n;
	room[-3] = (unsigned char)(n >> 8);
	room[-2] = (unsigned char)(n >> 16);
	room[-1] = (unsigned char)(n >> 24);
	r->len = (size_t)(room - r->buf) + used;
}

void pws__rec_str(const pws__mem *m, pws__rec *r, const char *s)
{
	if (!s) {
		put(m, r, "n", 1);
		count_arg(r);
		return;
	}
	pws__rec_bytes(m, r, s, strlen(s));
}

void pws__rec_int(const pws__mem *m, pws__rec *r, int64_t v)
{
	unsigned char b[9];
	uint64_t u = (uint64_t)v;
	int i;

	b[0] = 'i';
	for (i = 0; i < 8; i++)
		b[1 + i] = (unsigned char)(u >> (8 * i));
	put(m, r, b, sizeof b);
	count_arg(r);
}

void pws__rec_seal(const pws__mem *m, pws__rec *r)
{
	if (r->oom || !r->buf)
		return;
	put_u32(m, r, pws__crc32c(0, r->buf, r->len));
}

void pws__rec_free(const pws__mem *m, pws__rec *r)
{
	if (r->table)
		pws__table_free(m, r->buf, r->cap);
	else
		pws__free(m, r->buf);
	memset(r, 0, sizeof(*r));
}

int pws__rec_decode(const void *data, size_t len, int *opcode, pws__arg *args, int *argc)
{
	const unsigned char *b = data;
	size_t off = 6;
	int n, i;

	/* the reserved byte is 0: anything else is damage (or a later format
	 * this version cannot read) */
	if (!b || len < 6 || (b[0] != PWS__REC_FORMAT && b[0] != PWS__REC_FORMAT_1) || b[1] != 0)
		return PWS_EINVALID;
	if (b[0] == PWS__REC_FORMAT) {
		/* checked before anything of the record is read: a byte changed
		 * anywhere is refused, not read as another call (the format byte
		 * changed to 1 leaves four bytes no argument accounts for) */
		const unsigned char *t;

		if (len < 6 + PWS__REC_CRC_LEN)
			return PWS_EINVALID;
		len -= PWS__REC_CRC_LEN;
		t = b + len;
		if (pws__crc32c(0, b, len) != ((uint32_t)t[0] | ((uint32_t)t[1] << 8) |
		                               ((uint32_t)t[2] << 16) | ((uint32_t)t[3] << 24)))
			return PWS__REC_BADSUM;
	}
	*opcode = b[2] | (b[3] << 8);
	n = b[4] | (b[5] << 8);
	if (n > PWS__REC_MAXARGS)
		return PWS_EINVALID;
	for (i = 0; i < n; i++) {
		if (off >= len)
			return PWS_EINVALID;
		args[i].type = (char)b[off++];
		args[i].s = NULL;
		args[i].len = 0;
		args[i].i = 0;
		if (args[i].type == 's') {
			uint32_t l;

			if (len - off < 4)
				return PWS_EINVALID;
			l = (uint32_t)b[off] | ((uint32_t)b[off + 1] << 8) |
			    ((uint32_t)b[off + 2] << 16) | ((uint32_t)b[off + 3] << 24);
			off += 4;
			if (len - off < l)
				return PWS_EINVALID;
			args[i].s = (const char *)b + off;
			args[i].len = l;
			off += l;
		} else if (args[i].type == 'i') {
			uint64_t u = 0;
			int k;

			if (len - off < 8)
				return PWS_EINVALID;
			for (k = 0; k < 8; k++)
				u |= (uint64_t)b[off + k] << (8 * k);
			args[i].i = (int64_t)u;
			off += 8;
		} else if (args[i].type != 'n') {
			return PWS_EINVALID;
		}
	}
	if (off != len)
		return PWS_EINVALID;
	*argc = n;
	return PWS_OK;
}
