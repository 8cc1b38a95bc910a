/*
 * The distinct organization strings of a bulk load (pws_load_state), in
 * order of first use: the image names each once and its rows by position.
 * The strings are the host's, so they are placed by a hash keyed with the
 * handle's random seed (a string map, util.h), like every other table
 * (issue 15 point 8: strings made to collide offline must not turn a
 * load quadratic).
 * SPDX-License-Identifier: MIT
 */
#ifndef PWS_ORGTAB_H
#define PWS_ORGTAB_H

#include "util.h"

typedef struct pws__orgtab {
	const pws__mem *mem;
	pws__smap map;     /* string -> position; the keys are the caller's */
	const char **str;  /* [n]: the first pointer seen for each string */
	uint32_t n, cap;   /* str's count and room */
	size_t bytes;      /* sum over the strings of 4 + length (the image's) */
} pws__orgtab;

/* An empty table whose placement is keyed with seed. */
void pws__orgtab_init(pws__orgtab *t, const pws__mem *mem, uint64_t seed);
/* The position of s, added at the end when new; UINT32_MAX on ENOMEM
 * (the table is then unchanged). s must outlive the table. */
uint32_t pws__orgtab_pos(pws__orgtab *t, const char *s);
void pws__orgtab_free(pws__orgtab *t);

#endif
