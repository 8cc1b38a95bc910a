/*
 * CRC-32C of storage records (doc/STORAGE.md, format 2).
 * SPDX-License-Identifier: MIT
 */
#ifndef PWS_CRC32C_H
#define PWS_CRC32C_H

#include <stddef.h>
#include <stdint.h>

/* Extends crc (0 to start) over len bytes of data: pws__crc32c(0,
 * "123456789", 9) == 0xe3069283. */
uint32_t pws__crc32c(uint32_t crc, const void *data, size_t len);

/* The same by table look-up, a byte at a time (what pws__crc32c falls back
 * to without the SSE 4.2 instruction; tested on its own). */
uint32_t pws__crc32c_soft(uint32_t crc, const void *data, size_t len);

#endif
