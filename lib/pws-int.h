/*
 * libpartnerws - private declarations shared by the library's sources.
 * SPDX-License-Identifier: MIT
 *
 * Never installed. Internal non-static helpers use the pws__ prefix and are
 * hidden by -fvisibility=hidden and the version script.
 */
#ifndef PWS_INT_H
#define PWS_INT_H

#include "partnerws.h"

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The allocator every internal allocation goes through. */
typedef struct pws__mem {
	pws_allocator a;
} pws__mem;

void pws__mem_default(pws__mem *m);
void *pws__malloc(const pws__mem *m, size_t size);
void *pws__calloc(const pws__mem *m, size_t n, size_t size);
void *pws__realloc(const pws__mem *m, void *ptr, size_t size);
void pws__free(const pws__mem *m, void *ptr);
char *pws__strdup(const pws__mem *m, const char *s);

/* Size of each version of a versioned public struct; 0 for unknown ones. */
size_t pws__allocator_size(unsigned int version);
size_t pws__storage_ops_size(unsigned int version);
size_t pws__policy_options_size(unsigned int version);


#endif /* PWS_INT_H */
