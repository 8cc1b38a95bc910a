/*
 * A growable byte buffer for the tests that write state image sections
 * by hand, from their layout in lib/image.h and lib/image-pack.h (integers
 * little-endian, a string a u32 length and its bytes).
 * SPDX-License-Identifier: MIT
 */
#ifndef PWS_TEST_IMAGE_BYTES_H
#define PWS_TEST_IMAGE_BYTES_H

#include <check.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* A zeroed bbuf is empty; free(b) releases it. */
typedef struct bbuf {
	unsigned char *b;
	size_t n, cap;
} bbuf;

/* Room for k more bytes at b + n (n unchanged: the caller writes, then
 * moves n). */
static inline unsigned char *b_room(bbuf *w, size_t k)
{
	if (w->cap - w->n < k) {
		w->cap = (w->n + k) * 2;
		w->b = realloc(w->b, w->cap);
		ck_assert_ptr_nonnull(w->b);
	}
	return w->b + w->n;
}

static inline void b_raw(bbuf *w, const void *p, size_t k)
{
	unsigned char *q = b_room(w, k);

	if (k)
		memcpy(q, p, k);
	w->n += k;
}

static inline void b_u32(bbuf *w, uint32_t v)
{
	unsigned char p[4] = { (unsigned char)v, (unsigned char)(v >> 8), (unsigned char)(v >> 16),
	                       (unsigned char)(v >> 24) };

	b_raw(w, p, 4);
}

static inline void b_u8(bbuf *w, unsigned v)
{
	unsigned char c = (unsigned char)v;

	b_raw(w, &c, 1);
}

/* A string; NULL: the optional string absent (length 0xffffffff). */
static inline void b_str(bbuf *w, const char *s)
{
	if (!s) {
		b_u32(w, UINT32_MAX);
		return;
	}
	b_u32(w, (uint32_t)strlen(s));
	b_raw(w, s, strlen(s));
}

/* An empty bbuf with a version 1 section's header. */
static inline void b_head(bbuf *w)
{
	memset(w, 0, sizeof *w);
	b_raw(w, "PWSI", 4);
	b_u32(w, 1);
}

/* A version 1 user record (team NULL: none). */
static inline void b_user(bbuf *w, const char *id, const char *email, const char *team, int role,
                          int pm)
{
	b_str(w, id);
	b_str(w, email);
	b_str(w, team);
	b_u8(w, (unsigned)role);
	b_u8(w, (unsigned)pm);
}

/* A version 1 row (20 bytes, the padding zero). */
static inline void b_row(bbuf *w, uint32_t ws, uint32_t user, uint32_t org, uint32_t seen,
                         int role, int lead)
{
	b_u32(w, ws);
	b_u32(w, user);
	b_u32(w, org);
	b_u32(w, seen);
	b_u8(w, (unsigned)role);
	b_u8(w, (unsigned)lead);
	b_u8(w, 0);
	b_u8(w, 0);
}

#endif
