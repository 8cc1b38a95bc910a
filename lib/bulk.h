/*
 * Parsing of bulk invite files (POLICY.md IN5): CSV or TXT text into
 * normalized addresses, every bad line reported with its number.
 * SPDX-License-Identifier: MIT
 */
#ifndef PWS_BULK_H
#define PWS_BULK_H

#include "pws-int.h"

typedef struct pws__bulk_entry {
	uint32_t line;      /* 1-based line number in the text */
	int code;           /* PWS_OK, or PWS_EINVALID for a bad line */
	char *email;        /* identity key (pws__email_key, allocated) when code == PWS_OK */
	const char *error;  /* static reason when code != PWS_OK */
} pws__bulk_entry;

typedef struct pws__bulk_list {
	pws__bulk_entry *v;
	size_t n, cap;
} pws__bulk_list;

/* Parses text[0..len) (PWS_BULK_TXT or PWS_BULK_CSV). Skipped lines
 * (blank, comments, the CSV header) produce no entry; every other line
 * produces exactly one (per CSV record), good or bad, in order. A later duplicate of an
 * address is a bad line. Returns PWS_OK, PWS_EINVALID for a bad format
 * argument, or PWS_ENOMEM (then *out is left empty, nothing allocated). */
int pws__bulk_parse(const pws__mem *m, const char *text, size_t len, int format,
                    pws__bulk_list *out);

void pws__bulk_list_free(const pws__mem *m, pws__bulk_list *l);

#endif
