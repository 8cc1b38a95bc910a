// SPDX-License-Identifier: MIT
// Loading libpartnerws and declaring its types and functions for koffi.
// Every prototype comes from generated.js (tools/genbind.py reads the C
// headers); this file only says which pointer parameters are written by the
// library (koffi copies a struct or a number back only for _Out_/_Inout_).
'use strict';

const fs = require('node:fs');
const path = require('node:path');
const { execFileSync } = require('node:child_process');
const koffi = require('koffi');
const gen = require('./generated');

const SONAME = 'libpartnerws.so.' + gen.PWS_VERSION_MAJOR;

/** Where the library is looked up, in order: $PARTNERWS_LIBRARY (a path),
 *  pkg-config's libdir for partnerws, then the soname through the dynamic
 *  loader's search path. */
function libraryCandidates() {
  const out = [];
  if (process.env.PARTNERWS_LIBRARY) return [process.env.PARTNERWS_LIBRARY];
  try {
    const libdir = execFileSync('pkg-config', ['--variable=libdir', 'partnerws'], {
      encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
    if (libdir) {
      const p = path.join(libdir, SONAME);
      if (fs.existsSync(p)) out.push(p);
    }
  } catch (_) { /* no pkg-config or no partnerws.pc: fall through */ }
  out.push(SONAME);
  return out;
}

function loadLibrary() {
  let last;
  for (const p of libraryCandidates()) {
    try {
      return { lib: koffi.load(p), path: p };
    } catch (e) {
      last = e;
    }
  }
  const err = new Error('partnerws: cannot load ' + SONAME + ' (set PARTNERWS_LIBRARY to its path, ' +
    'or install libpartnerws so that pkg-config or the dynamic loader finds it): ' + (last && last.message));
  err.cause = last;
  throw err;
}

// --- types ------------------------------------------------------------------

const OPAQUE = ['pws_policy', 'pws_event', 'pws_iter', 'pws_bulk_report'];
for (const name of OPAQUE) koffi.opaque(name);
koffi.alias('pws_ref', 'uint64_t');

for (const [name, proto] of Object.entries(gen.callbacks)) {
  koffi.proto(proto);
  void name;
}

/** A struct field's C type as koffi reads it: function pointers become
 *  void * (callbacks are registered and passed as addresses), char[N]
 *  becomes a string array. */
function fieldType(ctype) {
  if (ctype.includes('(*)')) return 'void *';
  const arr = /^(.*)\[(\d+)\]$/.exec(ctype);
  if (arr) return koffi.array(arr[1].trim(), Number(arr[2]), 'String');
  if (/^(const )?pws_\w+ \*$/.test(ctype)) return 'void *'; // pointers to other tables: set by address
  if (ctype === 'pws_event_cb' || ctype === 'pws_change_cb' || ctype === 'pws_storage_sink') return 'void *';
  return ctype;
}

const structs = {};
for (const [name, fields] of Object.entries(gen.structs)) {
  const def = {};
  for (const [field, ctype] of fields) def[field] = fieldType(ctype);
  structs[name] = koffi.struct(name, def);
}

/** Storage callback prototypes derived from the pws_storage_ops fields:
 *  keys and data come as (pointer, length) so they are taken as void *
 *  and copied with the length (they are not NUL-terminated). */
const storageProtos = {};
for (const [field, ctype] of gen.structs.pws_storage_ops) {
  const m = /^(.*?)\s*\(\*\)\((.*)\)$/.exec(ctype);
  if (!m) continue;
  const args = m[2].split(',').map((a) => a.trim())
    .map((a) => (a === 'const char *' || a === 'const void *' || a === 'pws_storage_sink' ? 'void *' : a));
  storageProtos[field] = koffi.proto('pws_storage_' + field + '_fn', m[1], args);
}
const sinkProto = koffi.proto('pws_storage_sink_call', 'int',
  ['void *', 'uint32_t', 'void *', 'size_t', 'void *', 'size_t']);

// --- functions ---------------------------------------------------------------

const OUT_SCALAR = /^(int|unsigned int|uint32_t|uint64_t|int64_t|size_t|pws_ref) \*\w+$/;
const INOUT_STRUCT = /^(pws_result|pws_storage_ops|pws_policy_options|pws_allocator) \*\w+$/;

/** Marks the parameters the library writes: T ** and scalar T * are _Out_,
 *  a non-const struct pointer (pws_result above all) is _Inout_, so that
 *  koffi copies what the library wrote back into the JS value. Without it
 *  koffi passes a temporary copy and, for instance, every pws_result
 *  message would read back empty. */
function annotate(proto) {
  const open = proto.indexOf('(');
  const head = proto.slice(0, open);
  const params = proto.slice(open + 1, proto.lastIndexOf(')'));
  if (params.trim() === 'void' || params.trim() === '') return proto;
  const out = params.split(',').map((raw) => {
    const p = raw.trim();
    if (p.startsWith('const ')) return p;
    if (/\*\*\w+$/.test(p.replace(/\s+/g, ''))) return '_Out_ ' + p;
    if (OUT_SCALAR.test(p)) return '_Out_ ' + p;
    if (INOUT_STRUCT.test(p)) return '_Inout_ ' + p;
    return p;
  });
  return head + '(' + out.join(', ') + ')';
}

function bind(lib) {
  const fns = {};
  const missing = [];
  for (const [name, proto] of Object.entries(gen.functions.partnerws)) {
    try {
      fns[name] = lib.func(annotate(proto));
    } catch (e) {
      // A generated.js newer than the loaded library: that call is absent.
      missing.push(name);
    }
  }
  return { fns, missing };
}

let cached;
/** The loaded library, its functions and types (loaded once per thread). */
function native() {
  if (!cached) {
    const { lib, path: libPath } = loadLibrary();
    const { fns, missing } = bind(lib);
    cached = { koffi, lib, path: libPath, fns, missing, structs, storageProtos, sinkProto,
      eventCb: koffi.pointer(koffi.type('pws_event_cb')),
      changeCb: koffi.pointer(koffi.type('pws_change_cb')) };
  }
  return cached;
}

module.exports = { native, annotate, libraryCandidates };
