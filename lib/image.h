/*
 * State images: the whole state as one storage record, written by
 * pws_compact() and read back by the replay (doc/STORAGE.md, opcode 44).
 *
 * An image is the JSON snapshot of everything but the users, workspaces
 * and memberships, plus those in a compact binary section, because a
 * million of them load far faster from it than from JSON objects.
 * SPDX-License-Identifier: MIT
 */
#ifndef PWS_IMAGE_H
#define PWS_IMAGE_H

#include "core.h"

/* The binary section, version 1 (doc/STORAGE.md; integers little-endian,
 * a string is a u32 length and its bytes, an optional one has the length
 * 0xffffffff when absent):
 *   "PWSI", u32 version (1)
 *   users: u32 n, then each: id, email, optional team id ("" a removed
 *          team), u8 team role (0 none), u8 Partner Manager (0/1)
 *   workspaces: u32 n, then each: id, name, optional summary, description
 *          and note, team id ("" removed), optional requester ("" a removed
 *          user), u8 visibility, mode, model, lifecycle, was_partner,
 *          request, integration, zero, u32 n_updates
 *   organizations: u32 n, then n strings (a team id, "" for a removed
 *          team, or a domain in a legacy workspace)
 *   rows: u32 n, then 20 bytes each: u32 workspace, u32 user (positions in
 *          the parts above), u32 organization (position, or 0xffffffff for
 *          a member of the owning team), u32 seen, u8 role, u8 lead, u16 0.
 * Enum bytes are the library's C values (0 where absent). Every rule of
 * the JSON snapshot's sections applies. */
#define PWS__IMAGE_MAGIC "PWSI"
#define PWS__IMAGE_VERSION 1u
#define PWS__IMAGE_ROW 20u

/* Encodes the model's users, workspaces and memberships (allocates *out;
 * PWS_ENOMEM). */
int pws__image_encode(const pws__mem *mem, const pws__model *m, unsigned char **out,
                      size_t *len);

/* The JSON snapshot of a model, without its users, workspaces and
 * memberships when with_members is 0 (allocates *json with mem; PWS_ENOMEM or PWS_EINVALID). */
int pws__snapshot_json(const pws__mem *mem, const pws__model *m, int with_members, char **json,
                       size_t *len);

/* Replaces the state with an image (replay only: nothing is written). */
int pws__image_import(pws_policy *p, const char *json, size_t jlen, const unsigned char *bin,
                      size_t blen, pws_result *res);

/* Replaces the state with an image built by a bulk load (pws_load_state),
 * written through as one state image record (nothing when replaying). */
int pws__image_load(pws_policy *p, const char *json, size_t jlen, const unsigned char *bin,
                    size_t blen, pws_result *res);

/* The same, bin encoded in place in rec, a record of PWS__OP_STATE_IMAGE
 * holding json and bin as its two arguments, not sealed: written through
 * as it is (then rec is left empty). The caller frees rec either way. */
int pws__image_load_rec(pws_policy *p, const char *json, size_t jlen, const unsigned char *bin,
                        size_t blen, pws__rec *rec, pws_result *res);

#endif
