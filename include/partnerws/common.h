/*
 * libpartnerws - access policy for Partner Workspaces
 * SPDX-License-Identifier: MIT
 */
/**
 * @file partnerws/common.h
 * @brief Export and linkage macros shared by every public header.
 *
 * Public headers include only <stddef.h> and <stdint.h>, compile as C99 and
 * as C++, and depend on nothing that configure generates.
 */
#ifndef PARTNERWS_COMMON_H
#define PARTNERWS_COMMON_H

#include <stddef.h>
#include <stdint.h>

/**
 * @def PWS_EXTERN
 * @brief Marks a declaration as part of the exported ABI.
 *
 * The library is compiled with -fvisibility=hidden; only declarations
 * carrying this macro (and listed in lib/libpartnerws.sym) are exported.
 * Define PWS_STATIC when linking the static library on Windows.
 */
#if defined(_WIN32) && !defined(PWS_STATIC)
#  if defined(PWS_BUILDING_LIBRARY)
#    define PWS_EXTERN __declspec(dllexport)
#  else
#    define PWS_EXTERN __declspec(dllimport)
#  endif
#elif defined(__GNUC__) && __GNUC__ >= 4
#  define PWS_EXTERN __attribute__((visibility("default")))
#else
#  define PWS_EXTERN
#endif

/**
 * @def PWS_BEGIN_DECL
 * @brief Opens a block of C declarations (extern "C" under C++).
 * @def PWS_END_DECL
 * @brief Closes the block opened by PWS_BEGIN_DECL.
 */
#ifdef __cplusplus
#  define PWS_BEGIN_DECL extern "C" {
#  define PWS_END_DECL }
#else
#  define PWS_BEGIN_DECL
#  define PWS_END_DECL
#endif

#endif /* PARTNERWS_COMMON_H */
