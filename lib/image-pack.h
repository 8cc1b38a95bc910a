/*
 * State images, version 2: version 1 (image.h) with its users and rows
 * packed, so that the record a compaction or a bulk load writes, and the
 * host stores, is about a third of the size (doc/STORAGE.md).
 *
 * Written: every image. Read: version 2 is unpacked into the version 1
 * section it packs, which the importer then reads and checks as before,
 * so both versions go through one reader and one set of checks.
 *
 * Version 2 (integers little-endian; a varint is LEB128, at most 5 bytes,
 * a u32 value):
 *   "PWSI", u32 version (2)
 *   users: u32 n, then each:
 *     id:    varint p, varint s, s bytes: the first p bytes (p <= 255) of
 *            the previous user's id, then these s
 *     email: split at its last '@'; the part before it (the whole address
 *            when it has none) as the id is, against the previous user's;
 *            then varint d: 0 the previous user's domain (it had one, of
 *            at most 255 bytes), 1 no '@', k + 2 '@' and a domain of the
 *            k bytes that follow
 *     team:  varint t: 0 none, 1 the previous user's team (it had one, of
 *            at most 255 bytes), k + 2 the k bytes that follow
 *     u8 team role, u8 Partner Manager
 *   u32 L, then L bytes: the workspaces and organizations parts exactly as
 *     in version 1
 *   rows: u32 n, then each: varint zigzag(workspace - previous row's),
 *     varint zigzag(user - previous row's) (differences modulo 2^32; the
 *     first row's previous ones are 0), varint organization + 1 (0 a
 *     member of the owning team), varint seen, u8 role, u8 lead
 * Every back-reference copies at most 255 bytes, so a section unpacks to
 * at most 130 times its size (a user packs into 8 bytes or more).
 * SPDX-License-Identifier: MIT
 */
#ifndef PWS_IMAGE_PACK_H
#define PWS_IMAGE_PACK_H

#include "util.h"

#define PWS__IMAGE_VERSION_PACKED 2u

/* The longest shared prefix or repeated part written (bytes). */
#define PWS__PACK_REF_MAX 255u

/* What the next user and row are packed against. */
typedef struct pws__packer {
	const char *id, *loc, *dom, *team;
	size_t idl, locl, doml, teaml;
	int has_dom, has_team;
	uint32_t ws, user;
} pws__packer;

/* The most bytes a user of these string lengths, and a row, pack into. */
#define PWS__PACK_USER_MAX(idl, eml, teaml) ((size_t)32 + (idl) + (eml) + (teaml))
#define PWS__PACK_ROW_MAX 22u

void pws__packer_init(pws__packer *k);

/* Packs a user at q (room for PWS__PACK_USER_MAX); returns the end. The
 * strings must stay where they are until the next user is packed. team
 * NULL: none. */
unsigned char *pws__pack_user(pws__packer *k, unsigned char *q, const char *id, size_t idl,
                              const char *email, size_t eml, const char *team, size_t teaml,
                              unsigned role, unsigned pm);

/* Packs a row at q (room for PWS__PACK_ROW_MAX); returns the end. */
unsigned char *pws__pack_row(pws__packer *k, unsigned char *q, uint32_t ws, uint32_t user,
                             uint32_t org, uint32_t seen, unsigned role, unsigned lead);

/* A version 1 section unpacked: its bytes and length, in a table of cap
 * bytes. */
typedef struct pws__unpacked {
	unsigned char *b;
	size_t len, cap;
} pws__unpacked;

/* The version 1 section a version 2 one packs, in a table that grows as
 * it fills (released with pws__image_unpacked_free). PWS_OK, PWS_ENOMEM,
 * or PWS_EINVALID with msg saying where it is malformed (then nothing is
 * held). */
int pws__image_unpack(const pws__mem *mem, const unsigned char *bin, size_t len,
                      pws__unpacked *out, char *msg, size_t msz);
void pws__image_unpacked_free(const pws__mem *mem, pws__unpacked *out);

#endif
