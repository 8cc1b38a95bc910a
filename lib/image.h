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
 * read, no longer written: images are written as version 2, which packs
 * it (image-pack.h) and is read by unpacking it into this;
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
#define PWS__IMAGE_VERSION 1u /* the layout the importer reads */
#define PWS__IMAGE_ROW 20u

/* Encodes the model's users, workspaces and memberships, version 2
 * (allocates *out; PWS_ENOMEM). */
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

/* A bulk load's host arrays (pws_load_state), read in place by the
 * import: the memberships' organizations by position in orgs (load.c's
 * table of distinct strings), and the bytes the users' ids and addresses
 * take as C strings. */
typedef struct pws__load_src {
	const pws_load *l;
	const char *const *orgs;
	uint32_t n_orgs;
	const uint32_t *org_of; /* [n_memberships]: a position in orgs, or UINT32_MAX */
	size_t str_bytes;
} pws__load_src;

/* Replaces the state with a bulk load's arrays, checked as the image of
 * them would be. Written through as rec when rec is not NULL: a record of
 * PWS__OP_STATE_IMAGE holding json and the image of the arrays as its two
 * arguments, not sealed (then rec is left empty; the caller frees it
 * either way); else nothing is written. */
int pws__arrays_load(pws_policy *p, const char *json, size_t jlen, const pws__load_src *src,
                     pws__rec *rec, pws_result *res);

/* pws_load_state by way of the arrays' image, encoded then imported (what
 * it did before it read the arrays in place; lib/load.c): for the tests
 * that compare the two. */
int pws__load_state_via_image(pws_policy *p, const pws_load *l, pws_result *res);

#endif
