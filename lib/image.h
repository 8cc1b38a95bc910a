/*
 * State images: the whole state as one storage record, written by
 * pws_compact() and read back by the replay (doc/STORAGE.md, opcode 44).
 *
 * An image is the JSON snapshot of everything but the memberships, plus
 * the memberships in a compact binary section, because a million of them
 * parse far faster from fixed-size rows than from JSON objects.
 * SPDX-License-Identifier: MIT
 */
#ifndef PWS_IMAGE_H
#define PWS_IMAGE_H

#include "core.h"

/* The binary membership section, version 1 (all integers little-endian):
 *   "PWSM", u32 version (1)
 *   u32 n, then n strings (u32 length, bytes): workspace ids
 *   u32 n, then n strings: user ids
 *   u32 n, then n strings: organizations (a team id, "" for a removed
 *          team, or a domain in a legacy workspace)
 *   u32 n, then n rows of 20 bytes: u32 workspace, u32 user (positions in
 *          the tables above), u32 organization (position, or 0xffffffff for
 *          a member of the owning team), u32 seen (updates seen at the
 *          last visit), u8 role (1 viewer, 2 editor, 3 admin), u8 lead
 *          (0/1), u16 zero.
 * Rows come workspace by workspace, group by group, as the JSON snapshot
 * orders its memberships; every rule of that section applies. */
#define PWS__IMAGE_MAGIC "PWSM"
#define PWS__IMAGE_VERSION 1u
#define PWS__IMAGE_ROW 20u

/* Encodes the model's memberships (allocates *out; PWS_ENOMEM). */
int pws__image_members_encode(const pws__mem *mem, const pws__model *m, unsigned char **out,
                              size_t *len);

/* The JSON snapshot of a model, without its memberships when
 * with_members is 0 (allocates *json with mem; PWS_ENOMEM or PWS_EINVALID). */
int pws__snapshot_json(const pws__mem *mem, const pws__model *m, int with_members, char **json,
                       size_t *len);

/* Replaces the state with an image (replay only: nothing is written). */
int pws__image_import(pws_policy *p, const char *json, size_t jlen, const unsigned char *bin,
                      size_t blen, pws_result *res);

#endif
