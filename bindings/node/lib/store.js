// SPDX-License-Identifier: MIT
// A storage in JavaScript: the pws_storage_ops methods over a Map.
'use strict';

const { StatusCode } = require('./generated');

/**
 * A Map-backed store implementing the JS side of pws_storage_ops (version
 * 2: append and loadAfter, so several Policy handles of one process may
 * share it as writers). Keys are the library's 16-hex-digit revision keys,
 * values Buffers. A change set is staged between begin() and commit().
 * Any object with the same methods can be passed as `storage`; only put
 * (or append) is required, and close is called once when the handle closes.
 */
class MapStore {
  constructor() {
    /** @type {Map<string, Buffer>} committed records (kind 1 only) */
    this.records = new Map();
    this._staged = null;
    this.closes = 0;
  }

  _sorted(after) {
    return [...this.records.keys()].filter((k) => after === undefined || k > after).sort();
  }

  /** Hands every record to emit(kind, key, data) in ascending key order. */
  load(emit) {
    for (const k of this._sorted()) emit(1, k, this.records.get(k));
  }

  loadAfter(key, emit) {
    for (const k of this._sorted(key === '' ? undefined : key)) emit(1, k, this.records.get(k));
  }

  begin() { this._staged = []; }

  put(kind, key, data) { this._stage(['put', key, Buffer.from(data)]); }

  /** Writes only if nobody holds the key; else PWS_ECONFLICT (the library
   *  then catches up and retries). */
  append(kind, key, data) {
    if (this.records.has(key) || (this._staged || []).some(([op, k]) => op === 'put' && k === key)) {
      return StatusCode.ECONFLICT;
    }
    this._stage(['put', key, Buffer.from(data)]);
    return StatusCode.OK;
  }

  del(kind, key) { this._stage(['del', key]); }

  _stage(op) {
    if (this._staged) this._staged.push(op);
    else this._apply([op]); // no begin: write through
  }

  _apply(ops) {
    for (const [op, key, data] of ops) {
      if (op === 'put') this.records.set(key, data);
      else this.records.delete(key);
    }
  }

  commit() {
    const ops = this._staged || [];
    this._staged = null;
    this._apply(ops);
  }

  rollback() { this._staged = null; }

  close() { this.closes++; }
}

module.exports = { MapStore };
