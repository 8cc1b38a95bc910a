/*
 * libpartnerws - access policy for Partner Workspaces
 * SPDX-License-Identifier: MIT
 */
/**
 * @file partnerws/storage.h
 * @brief The host's storage callbacks (a versioned vtable).
 * @defgroup storage Storage callbacks
 *
 * The host persists every accepted change; the library keeps the working
 * state in memory. The table is copied when a policy handle is created
 * (bounded by the size its @c version implies), so the caller may discard
 * its copy afterwards. @c ctx stays owned by the caller until the library
 * calls @c close.
 *
 * Methods are only ever appended, each addition bumping
 * ::PWS_STORAGE_OPS_VERSION. Every method may be NULL except @c close;
 * the core checks the version and the slot before each call.
 *
 * @note In this release the table is validated, kept and closed with the
 * handle; write-through of change sets is delivered with the persistence
 * work and documented in partnerws(7) when it lands.
 * @{
 */
#ifndef PARTNERWS_STORAGE_H
#define PARTNERWS_STORAGE_H

#include "common.h"

PWS_BEGIN_DECL

/** Current version of ::pws_storage_ops. */
#define PWS_STORAGE_OPS_VERSION 1

/**
 * @brief Storage callbacks supplied by the host.
 *
 * Every method returns ::PWS_OK or a negative code; any other value is
 * treated as ::PWS_ESTORAGE.
 */
typedef struct pws_storage_ops {
	/** Must be set to ::PWS_STORAGE_OPS_VERSION (or an older version). */
	unsigned int version;
	/** Host context passed to every method; owned by the host. */
	void *ctx;
	/** Opens a change set (may be NULL). */
	int (*begin)(void *ctx);
	/** Writes one record of @p kind under @p key (may be NULL). */
	int (*put)(void *ctx, uint32_t kind, const char *key, size_t key_len,
	           const void *data, size_t data_len);
	/** Deletes the record of @p kind under @p key (may be NULL). */
	int (*del)(void *ctx, uint32_t kind, const char *key, size_t key_len);
	/** Makes the open change set durable (may be NULL). */
	int (*commit)(void *ctx);
	/** Discards the open change set (may be NULL). */
	int (*rollback)(void *ctx);
	/** Releases @c ctx; called once when the handle is freed. Mandatory. */
	void (*close)(void *ctx);
	/* v2 and later: methods are appended here. */
} pws_storage_ops;

/** Static initializer for ::pws_storage_ops. */
#define PWS_STORAGE_OPS_INIT {PWS_STORAGE_OPS_VERSION, NULL, NULL, NULL, NULL, NULL, NULL, NULL}

/**
 * @brief Initializes a storage table to its defaults (all slots NULL).
 *
 * The function twin of ::PWS_STORAGE_OPS_INIT, for FFI callers.
 * @param ops the table to initialize.
 * @param version the version the caller was built against.
 * @return ::PWS_OK, or ::PWS_EINVALID if @p ops is NULL or @p version is
 *         0 or newer than this library.
 * @since 0.1
 */
PWS_EXTERN int pws_storage_ops_init(pws_storage_ops *ops, unsigned int version);

PWS_END_DECL

/** @} */
#endif /* PARTNERWS_STORAGE_H */
