/*
 * The organization strings of a bulk load (orgtab.h).
 * SPDX-License-Identifier: MIT
 */
#include "orgtab.h"

#include <string.h>

void pws__orgtab_init(pws__orgtab *t, const pws__mem *mem, uint64_t seed)
{
	memset(t, 0, sizeof *t);
	t->mem = mem;
	pws__smap_seed(&t->map, seed);
}

uint32_t pws__orgtab_pos(pws__orgtab *t, const char *s)
{
	/* one pass over the string: its hash serves the lookup and the insertion */
	pws__skey k = pws__skey_of(&t->map, s);
	uint32_t j = pws__smap_find(&t->map, s, &k);

	if (j != PWS__NONE)
		return pws__smap_at(&t->map, j)->val;
	/* room in both first, so that a failure changes nothing */
	if (t->n == t->cap) {
		uint32_t cap = t->cap ? t->cap * 2u : 16u;
		const char **v;

		if (cap < t->cap) /* GCOVR_EXCL_BR_LINE: 2^31 strings, not reachable in memory */
			return UINT32_MAX; /* GCOVR_EXCL_LINE */
		v = pws__realloc(t->mem, t->str, (size_t)cap * sizeof *v);
		if (!v)
			return UINT32_MAX;
		t->str = v;
		t->cap = cap;
	}
	if (pws__smap_reserve(t->mem, &t->map, 1) != PWS_OK)
		return UINT32_MAX;
	(void)pws__smap_put_k(&t->map, s, &k, t->n);
	t->str[t->n] = s;
	t->bytes += 4 + strlen(s);
	return t->n++;
}

void pws__orgtab_free(pws__orgtab *t)
{
	pws__smap_free(t->mem, &t->map);
	pws__free(t->mem, t->str);
	t->str = NULL;
	t->n = t->cap = 0;
}
