/*
 * The one normalizer of email addresses and domains (POLICY.md IN3).
 * SPDX-License-Identifier: MIT
 */
#ifndef PWS_EMAIL_H
#define PWS_EMAIL_H

#include <stddef.h>

/* Longest normalized address or domain, without the NUL. */
#define PWS__EMAIL_MAX 254

/* Normalizes in[0..len) into out (NUL-terminated): local part kept as is,
 * domain lowercased, one trailing dot dropped. Returns PWS_OK or
 * PWS_EINVALID; *why (may be NULL) receives a static reason on failure. */
int pws__email_norm(char out[PWS__EMAIL_MAX + 1], const char *in, size_t len,
                    const char **why);

/* The same for a bare domain. */
int pws__domain_norm(char out[PWS__EMAIL_MAX + 1], const char *in, size_t len,
                     const char **why);

/* The domain part of a normalized address (after the '@'). */
const char *pws__email_domain(const char *normalized);



/* The identity key of an address: the normalized address with the local
 * part ASCII-lowercased too. Addresses are compared, deduplicated and
 * stored by this key (RELIABILITY 3.2: compare on lowercased local part
 * and domain; never strip +tags or dots). Same returns as pws__email_norm. */
int pws__email_key(char out[PWS__EMAIL_MAX + 1], const char *in, size_t len,
                   const char **why);

/* Whether s[0..len) is an identity key (pws__email_key gives it back
 * unchanged) whose domain is dom[0..dom_len), the domain of an address
 * already found to be an identity key: then only the local part needs
 * checking. 0 says "not known to be": ask pws__email_key. A host's
 * directory holds runs of addresses of one domain. */
int pws__email_is_key_at(const char *s, size_t len, const char *dom, size_t dom_len);

#endif
