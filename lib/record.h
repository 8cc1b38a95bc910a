/*
 * Storage records: one committed mutation, encoded as its API call
 * (doc/STORAGE.md). Operation codes are ABI of the store: never renumber.
 * SPDX-License-Identifier: MIT
 */
#ifndef PWS_RECORD_H
#define PWS_RECORD_H

#include "pws-int.h"

/* The format written: 2, a CRC-32C trailer over every byte before it.
 * Format 1 (no trailer) is still read. */
#define PWS__REC_FORMAT 2
#define PWS__REC_FORMAT_1 1
#define PWS__REC_CRC_LEN 4

enum pws__opcode {
	PWS__OP_TEAM_ADD = 1,
	PWS__OP_TEAM_SET_PLAN = 2,
	PWS__OP_TEAM_SET_SSO = 3,
	PWS__OP_TEAM_ADD_DOMAIN = 4,
	PWS__OP_TEAM_REMOVE_DOMAIN = 5,
	PWS__OP_TEAM_SET_SEATS = 6,
	PWS__OP_TEAM_REMOVE = 7,
	PWS__OP_PLAN_SET_RETENTION = 8,
	PWS__OP_USER_ADD = 9,
	PWS__OP_USER_SET_TEAM = 10,
	PWS__OP_USER_SET_TEAM_ROLE = 11,
	PWS__OP_USER_SET_PM = 12,
	PWS__OP_USER_REMOVE = 13,
	PWS__OP_WS_CREATE = 14,
	PWS__OP_WS_ADD_LEGACY = 15,
	PWS__OP_WS_CONVERT = 16,
	PWS__OP_REQUEST_REVIEW = 17,
	PWS__OP_WS_SET_DETAILS = 18,
	PWS__OP_WS_SET_VISIBILITY = 19,
	PWS__OP_WS_DELETE = 20,
	PWS__OP_WS_ENABLE_MULTI = 21,
	PWS__OP_WS_MIGRATE = 22,
	PWS__OP_INVITE = 23,
	PWS__OP_INVITE_BULK = 24,
	PWS__OP_INVITE_ACCEPT = 25,
	PWS__OP_INVITE_DECLINE = 26,
	PWS__OP_MEMBER_SET_ROLE = 27,
	PWS__OP_MEMBER_SET_LEAD = 28,
	PWS__OP_MEMBER_REMOVE = 29,
	PWS__OP_PARTNER_END = 30,
	PWS__OP_ELEMENT_ADD = 31,
	PWS__OP_ELEMENT_ADD_EDITOR = 32,
	PWS__OP_ELEMENT_MOVE = 33,
	PWS__OP_ELEMENT_FORK = 34,
	PWS__OP_ELEMENT_DELETE = 35,
	PWS__OP_ELEMENT_RESTORE = 36,
	PWS__OP_UPDATE_POST = 37,
	PWS__OP_UPDATE_REPLY = 38,
	PWS__OP_WS_VISIT = 39,
	PWS__OP_HISTORY_ADD = 40,
	PWS__OP_COMMENT_ADD = 41,
	PWS__OP_INTEGRATION_ENABLE = 42,
	PWS__OP_SNAPSHOT_IMPORT = 43,
	PWS__OP_STATE_IMAGE = 44,      /* pws_compact(): the whole state (image.h) */
	PWS__OP_INVITE_WITHDRAW = 45,
	PWS__OP_INTEGRATION_DISABLE = 46,
	PWS__OP_WS_MIGRATE_MANY = 47,  /* the ids joined with '\n' (one string) */
	PWS__OP_MAX = 47
};

/* An encoded record under construction (handle's allocator). */
typedef struct pws__rec {
	unsigned char *buf;
	size_t len, cap;
	uint16_t argc;
	int oom;
	int table; /* buf is a table block (pws__rec_reserve), cap its size */
} pws__rec;

/* Starts a record of opcode; then add arguments in call order. */
void pws__rec_start(const pws__mem *m, pws__rec *r, int opcode);
void pws__rec_str(const pws__mem *m, pws__rec *r, const char *s);          /* NULL -> 'n' */
void pws__rec_bytes(const pws__mem *m, pws__rec *r, const char *s, size_t n);
void pws__rec_int(const pws__mem *m, pws__rec *r, int64_t v);
/* Ends a record: appends its checksum. No argument may follow. */
void pws__rec_seal(const pws__mem *m, pws__rec *r);

/* Sizes the buffer for total bytes of record at least (sets oom on
 * failure): a record whose size is known is allocated once. */
void pws__rec_reserve(const pws__mem *m, pws__rec *r, size_t total);

/* A bytes argument of n bytes the caller writes in place: their address
 * in the buffer (valid until the record grows), NULL when out of memory.
 * A state image is encoded into its record this way, not copied into it. */
unsigned char *pws__rec_bytes_room(const pws__mem *m, pws__rec *r, size_t n);
/* Shortens the bytes argument whose room pws__rec_bytes_room just handed
 * out (room) to its first used bytes: a record whose size is only bounded
 * in advance. Nothing may have followed it. */
void pws__rec_bytes_trim(pws__rec *r, unsigned char *room, size_t used);
void pws__rec_free(const pws__mem *m, pws__rec *r);

/* A decoded argument. */
typedef struct pws__arg {
	char type;        /* 's', 'n' or 'i' */
	const char *s;    /* 's': points into the record (not NUL-terminated) */
	uint32_t len;
	int64_t i;
} pws__arg;

#define PWS__REC_MAXARGS 16

/* Decodes a record (format 2, or 1); returns PWS_OK, PWS__REC_BADSUM for
 * a format-2 record whose checksum does not match, or PWS_EINVALID for a
 * malformed one. */
#define PWS__REC_BADSUM 1
int pws__rec_decode(const void *data, size_t len, int *opcode, pws__arg *args, int *argc);

#endif
