// SPDX-License-Identifier: MIT
// The Node binding of libpartnerws (koffi FFI). See README.md.
'use strict';

const gen = require('./generated');
const { native } = require('./native');
const { MapStore } = require('./store');

const { StatusCode, Rule, ResultFlag, RequestFlag, Action } = gen;
const STATUS_NAME = Object.fromEntries(Object.entries(StatusCode).map(([k, v]) => [v, k]));
const ACTION_NAME = Object.fromEntries(Object.entries(Action).map(([k, v]) => [v, k]));

// --- errors ------------------------------------------------------------------

/** Any failure of the library: `code` is the status name ('EDENIED'),
 *  `status` its number (-7), `rule` the deciding rule id ('RO6') or null. */
class PartnerwsError extends Error {
  constructor(status, rule, message, flags) {
    super(message || ruleMessage(status, rule));
    this.name = this.constructor.name;
    this.status = status;
    this.code = STATUS_NAME[status] || 'ERROR';
    this.rule = rule || null;
    this.flags = flags || 0;
  }
}
class DeniedError extends PartnerwsError {}
class NotFoundError extends PartnerwsError {}
class InvalidError extends PartnerwsError {}
class ExistsError extends PartnerwsError {}
class StateError extends PartnerwsError {}
class StorageError extends PartnerwsError {}
class ConflictError extends PartnerwsError {}
class TimeoutError extends PartnerwsError {}
class MisuseError extends PartnerwsError {}
class NoMemoryError extends PartnerwsError {}
class UserError extends PartnerwsError {}

const ERROR_CLASS = {
  [StatusCode.EDENIED]: DeniedError,
  [StatusCode.ENOTFOUND]: NotFoundError,
  [StatusCode.EINVALID]: InvalidError,
  [StatusCode.EEXISTS]: ExistsError,
  [StatusCode.ESTATE]: StateError,
  [StatusCode.ESTORAGE]: StorageError,
  [StatusCode.ECONFLICT]: ConflictError,
  [StatusCode.ETIMEOUT]: TimeoutError,
  [StatusCode.EMISUSE]: MisuseError,
  [StatusCode.ENOMEM]: NoMemoryError,
  [StatusCode.EUSER]: UserError,
};

let RULE_IDS = null; // rule number -> id, asked of the library once
function ruleId(rule) {
  if (!rule) return null;
  if (!RULE_IDS) {
    RULE_IDS = [];
    for (const v of Object.values(Rule)) RULE_IDS[v] = native().fns.pws_rule_id(v) || null;
  }
  const id = RULE_IDS[rule];
  if (id !== undefined) return id;
  return native().fns.pws_rule_id(rule) || null; // a rule newer than generated.js
}

function ruleMessage(status, rule) {
  const text = native().fns.pws_strerror(status);
  const id = typeof rule === 'string' ? rule : ruleId(rule);
  return id ? `${text} (${id})` : text;
}

function makeError(status, ruleNum, message, flags) {
  const Cls = ERROR_CLASS[status] || PartnerwsError;
  const id = ruleId(ruleNum);
  return new Cls(status, id, message || ruleMessage(status, id), flags);
}

/** Throws for a status that is not PWS_OK (calls without a pws_result). */
function check(status, rule) {
  if (status !== StatusCode.OK) throw makeError(status, rule || 0, null, 0);
}

// --- small helpers -----------------------------------------------------------

function str(v, what) {
  if (v === undefined || v === null) return null;
  if (typeof v !== 'string') throw new TypeError(`partnerws: ${what} must be a string`);
  return v;
}

function bool(v) { return v ? 1 : 0; }

function toNumber(v) { return typeof v === 'bigint' ? Number(v) : v; }

function actionsOf(mask) {
  const m = BigInt(mask);
  const out = [];
  for (let a = 1; a < Action.COUNT; a++) if (m & (1n << BigInt(a))) out.push(a);
  return out;
}

// --- the policy handle -------------------------------------------------------

const COLUMNS = gen.Column;
const SCRATCH_A = new Int32Array(1);
const SCRATCH_B = new Int32Array(1);

/** Reads every row of an iterator into objects, freeing it at the end
 *  (also when the consumer stops early: the generator's finally). */
function* rows(n, it, cols) {
  try {
    for (;;) {
      const rc = n.fns.pws_iter_next(it);
      if (rc === StatusCode.ITEROVER) return;
      check(rc);
      const row = {};
      for (const [key, col, kind] of cols) {
        if (kind === 's') row[key] = n.fns.pws_iter_str(it, col);
        else if (kind === 'b') row[key] = toNumber(n.fns.pws_iter_int(it, col)) !== 0;
        else row[key] = toNumber(n.fns.pws_iter_int(it, col));
      }
      yield Object.freeze(row);
    }
  } finally {
    n.fns.pws_iter_free(it);
  }
}

const MEMBER_COLS = [['id', COLUMNS.ID, 's'], ['email', COLUMNS.EMAIL, 's'], ['role', COLUMNS.ROLE, 'i'],
  ['lead', COLUMNS.LEAD, 'b'], ['external', COLUMNS.EXTERNAL, 'b'], ['org', COLUMNS.ORG, 's'],
  ['suspended', COLUMNS.SUSPENDED, 'b']];
const WORKSPACE_COLS = [['id', COLUMNS.ID, 's'], ['team', COLUMNS.TEAM, 's'], ['role', COLUMNS.ROLE, 'i'],
  ['external', COLUMNS.EXTERNAL, 'b'], ['visibility', COLUMNS.VISIBILITY, 'i'], ['mode', COLUMNS.MODE, 'i'],
  ['unread', COLUMNS.UNREAD, 'i']];
const ELEMENT_COLS = [['id', COLUMNS.ID, 's'], ['kind', COLUMNS.KIND, 'i'], ['actionMask', COLUMNS.ACTIONS, 'i'],
  ['parent', COLUMNS.PARENT, 's']];

/** Copies a borrowed pws_event into a plain frozen object. */
function readEvent(n, ev) {
  const f = n.fns;
  const ws = [];
  for (let i = 0, c = toNumber(f.pws_event_workspace_count(ev)); i < c; i++) ws.push(f.pws_event_workspace(ev, i));
  const rcpt = [];
  for (let i = 0, c = toNumber(f.pws_event_recipient_count(ev)); i < c; i++) rcpt.push(f.pws_event_recipient(ev, i));
  const kind = f.pws_event_kind_of(ev);
  return Object.freeze({
    kind,
    kindName: f.pws_event_kind_name(kind),
    rule: ruleId(f.pws_event_rule(ev)),
    channels: f.pws_event_channels(ev),
    team: f.pws_event_team(ev) || null,
    actor: f.pws_event_actor(ev) || null,
    subject: f.pws_event_subject(ev) || null,
    workspaces: Object.freeze(ws),
    recipients: Object.freeze(rcpt),
    revision: toNumber(f.pws_event_revision(ev)),
  });
}

class Policy {
  /**
   * @param {object} [options]
   * @param {object} [options.storage] a store object (see MapStore)
   * @param {function} [options.onEvent] receives each event (a plain object)
   * @param {function} [options.onChange] receives the revision after sync
   * @param {number} [options.maxNameBytes]
   * @param {number} [options.maxTextBytes]
   */
  constructor(options = {}) {
    const n = native();
    this._n = n;
    this._cbs = [];
    this._pending = null; // an exception thrown by a JS callback during a C call
    this._handle = null;
    const opts = { version: gen.PWS_POLICY_OPTIONS_VERSION, allocator: null, storage: null,
      on_event: null, event_payload: null, max_name_bytes: options.maxNameBytes || 0,
      max_text_bytes: options.maxTextBytes || 0, on_change: null, change_payload: null };
    try {
      if (options.onEvent) {
        const fn = options.onEvent;
        // Called synchronously on this thread after the commit; the event
        // is borrowed, so its fields are copied before fn sees it.
        opts.on_event = this._register((ev) => {
          try { fn(readEvent(n, ev)); } catch (e) { this._keep(e); }
        }, n.eventCb);
      }
      if (options.onChange) {
        const fn = options.onChange;
        opts.on_change = this._register((rev) => {
          try { fn(toNumber(rev)); } catch (e) { this._keep(e); }
        }, n.changeCb);
      }
      let table = null;
      if (options.storage) {
        // The library copies the table at creation: a temporary native copy.
        table = n.koffi.alloc(n.structs.pws_storage_ops, 1);
        n.koffi.encode(table, n.structs.pws_storage_ops, this._storageTable(options.storage));
        opts.storage = table;
      }
      const out = [null];
      let rc;
      try {
        rc = n.fns.pws_policy_new(out, opts);
      } finally {
        if (table) n.koffi.free(table);
      }
      this._failIf(rc);
      this._handle = out[0];
      this._storage = options.storage || null;
    } catch (e) {
      this._unregister(); // pws_policy_new failed: close was not called, nothing refers to them
      throw e;
    }
  }

  _register(fn, type) {
    const ptr = this._n.koffi.register(fn, type);
    this._cbs.push(ptr);
    return ptr;
  }

  _unregister() {
    for (const ptr of this._cbs) this._n.koffi.unregister(ptr);
    this._cbs = [];
  }

  _keep(e) { if (!this._pending) this._pending = e; }

  /** After a C call without a pws_result: throws for a failing status,
   *  with what a JS callback threw as its cause. */
  _failIf(rc) {
    const cause = this._pending;
    this._pending = null;
    if (rc !== StatusCode.OK) {
      const err = makeError(rc, 0, null, 0);
      if (cause) err.cause = cause;
      throw err;
    }
    if (cause) throw cause;
  }

  _rethrow() {
    const e = this._pending;
    if (e) { this._pending = null; throw e; }
  }

  /** The pws_storage_ops vtable over a JS store object: each method the
   *  object has becomes a registered koffi callback; what it throws is kept
   *  and rethrown after the C call returns (as the cause of the
   *  StorageError the library then reports). */
  _storageTable(store) {
    const n = this._n;
    const koffi = n.koffi;
    const bytes = (ptr, len) => (len ? Buffer.from(koffi.view(ptr, Number(len))) : Buffer.alloc(0));
    const keyOf = (ptr, len) => bytes(ptr, len).toString('latin1');
    const guard = (fn) => (...args) => {
      try {
        const rc = fn(...args);
        // A negative number is a status (StatusCode.ECONFLICT from append);
        // anything else returned means success.
        return typeof rc === 'number' && rc < 0 ? rc : StatusCode.OK;
      } catch (e) {
        if (e instanceof PartnerwsError) return e.status; // e.g. ConflictError from append
        this._keep(e);
        return StatusCode.ESTORAGE;
      }
    };
    const emitter = (sinkPtr, sinkCtx) => {
      const sink = koffi.decode(sinkPtr, n.sinkProto);
      return (kind, key, data) => {
        const k = Buffer.from(key, 'latin1');
        const rc = sink(sinkCtx, kind, k, k.length, data, data.length);
        if (rc !== StatusCode.OK) throw makeError(rc, 0, 'partnerws: a stored record was refused', 0);
      };
    };
    const table = { version: gen.PWS_STORAGE_OPS_VERSION, ctx: null };
    const impl = {
      load: (ctx, sinkPtr, sinkCtx) => store.load(emitter(sinkPtr, sinkCtx)),
      begin: () => store.begin(),
      put: (ctx, kind, key, klen, data, dlen) => store.put(kind, keyOf(key, klen), bytes(data, dlen)),
      append: (ctx, kind, key, klen, data, dlen) => store.append(kind, keyOf(key, klen), bytes(data, dlen)),
      del: (ctx, kind, key, klen) => store.del(kind, keyOf(key, klen)),
      commit: () => store.commit(),
      rollback: () => store.rollback(),
      close: () => { if (store.close) store.close(); },
      load_after: (ctx, key, klen, sinkPtr, sinkCtx) =>
        store.loadAfter(keyOf(key, klen), emitter(sinkPtr, sinkCtx)),
      wait: (ctx, ms) => (store.wait(ms) ? StatusCode.OK : StatusCode.ETIMEOUT),
    };
    const method = { load_after: 'loadAfter' };
    for (const [field] of gen.structs.pws_storage_ops) {
      if (field === 'version' || field === 'ctx') continue;
      const jsName = method[field] || field;
      if (field !== 'close' && typeof store[jsName] !== 'function') { table[field] = null; continue; }
      const f = impl[field];
      const cb = field === 'close' ? (...a) => { try { f(...a); } catch (e) { this._keep(e); } } : guard(f);
      table[field] = this._register(cb, n.koffi.pointer(n.storageProtos[field]));
    }
    return table;
  }

  /** The native handle's address (a BigInt), for Policy.borrow() in a
   *  worker thread. */
  get address() { return BigInt(this.handle); }

  /**
   * A view of a handle another thread owns (its `address`): every call
   * works, close() only forgets the address. The owner must not close the
   * handle while a borrower uses it. The library locks the handle, so
   * concurrent calls from several workers are safe. A borrowed handle only
   * reads (check, allowedActions, listings, digest, revision): mutating
   * calls throw MisuseError, because the owner's storage and event
   * callbacks are JS functions of the owner's thread.
   */
  static borrow(address) {
    const p = Object.create(Policy.prototype);
    p._n = native();
    p._cbs = [];
    p._pending = null;
    p._handle = BigInt(address);
    p._borrowed = true;
    return p;
  }

  get handle() {
    if (this._handle === null) throw new MisuseError(StatusCode.EMISUSE, null, 'partnerws: the policy is closed');
    return this._handle;
  }

  /** Frees the handle (calling the store's close) and unregisters every
   *  callback this handle registered. Idempotent. */
  close() {
    if (this._handle !== null) {
      const h = this._handle;
      this._handle = null;
      if (!this._borrowed) this._n.fns.pws_policy_free(h);
    }
    this._unregister();
    this._rethrow();
  }

  [Symbol.dispose]() { this.close(); }

  /** Runs a mutating call with a pws_result; `ask` sets PWS_REQUEST_ASK
   *  and returns the answer instead of throwing. */
  _call(name, args, opts) {
    const ask = !!(opts && opts.ask);
    const res = { version: gen.PWS_RESULT_VERSION, code: 0, rule: 0, flags: 0, message: '',
      request: ask ? RequestFlag.ASK : 0 };
    if (this._borrowed) {
      // The owner's JS callbacks (events, store) live in the owner's thread.
      throw new MisuseError(StatusCode.EMISUSE, null, 'partnerws: a borrowed handle only reads; mutate it from its owner');
    }
    const fn = this._n.fns[name];
    if (!fn) throw new Error(`partnerws: ${name} is not in the loaded library`);
    const rc = fn(this.handle, ...args, res);
    const cause = this._pending;
    this._pending = null;
    const answer = Object.freeze({
      allowed: rc === StatusCode.OK,
      status: rc,
      code: STATUS_NAME[rc] || 'ERROR',
      rule: ruleId(res.rule),
      flags: res.flags,
      message: res.message,
      asked: (res.flags & ResultFlag.ASKED) !== 0,
      pending: (res.flags & ResultFlag.PENDING) !== 0,
      downgraded: (res.flags & ResultFlag.DOWNGRADED) !== 0,
    });
    if (rc !== StatusCode.OK && !ask) {
      const err = makeError(rc, res.rule, res.message, res.flags);
      if (cause) err.cause = cause; // what the store threw: the call changed nothing
      throw err;
    }
    if (cause) throw cause; // an onEvent callback threw: the change is committed
    return answer;
  }

  // --- directory ---
  teamAdd(teamId, name, plan = gen.Plan.ENTERPRISE, { sso = false, ...o } = {}) {
    return this._call('pws_team_add', [str(teamId, 'teamId'), str(name, 'name'), plan, bool(sso)], o);
  }
  teamSetPlan(teamId, plan, o) { return this._call('pws_team_set_plan', [teamId, plan], o); }
  teamAddDomain(teamId, domain, o) { return this._call('pws_team_add_domain', [teamId, domain], o); }
  teamRemove(teamId, o) { return this._call('pws_team_remove', [teamId], o); }
  userAdd(userId, email, teamId = null, teamRole = gen.TeamRole.MEMBER, { partnerManager = false, ...o } = {}) {
    return this._call('pws_user_add', [str(userId, 'userId'), str(email, 'email'), str(teamId, 'teamId'),
      teamRole, bool(partnerManager)], o);
  }
  userSetTeam(userId, teamId, teamRole, o) { return this._call('pws_user_set_team', [userId, teamId, teamRole], o); }
  userSetPartnerManager(userId, on, o) { return this._call('pws_user_set_partner_manager', [userId, bool(on)], o); }
  userRemove(userId, o) { return this._call('pws_user_remove', [userId], o); }

  // --- workspaces ---
  workspaceCreate(actor, workspaceId, name, { visibility = gen.Visibility.PARTNER, note = null, ...o } = {}) {
    return this._call('pws_workspace_create', [actor, workspaceId, name || workspaceId, visibility, note], o);
  }
  workspaceDelete(actor, workspaceId, o) { return this._call('pws_workspace_delete', [actor, workspaceId], o); }
  enableMultiPartner(actor, workspaceId, o) {
    return this._call('pws_workspace_enable_multi_partner', [actor, workspaceId], o);
  }
  invite(actor, workspaceId, email, kind, role, { partnerLead = false, ...o } = {}) {
    return this._call('pws_invite', [actor, workspaceId, email, kind, role, bool(partnerLead)], o);
  }
  inviteAccept(userId, workspaceId, teamId = null, o) {
    return this._call('pws_invite_accept', [userId, workspaceId, teamId], o);
  }
  inviteWithdraw(actor, workspaceId, email, o) {
    return this._call('pws_invite_withdraw', [actor, workspaceId, email], o);
  }
  inviteDecline(userId, workspaceId, o) { return this._call('pws_invite_decline', [userId, workspaceId], o); }
  memberSetRole(actor, workspaceId, userId, role, o) {
    return this._call('pws_member_set_role', [actor, workspaceId, userId, role], o);
  }
  memberSetLead(actor, workspaceId, userId, lead, o) {
    return this._call('pws_member_set_lead', [actor, workspaceId, userId, bool(lead)], o);
  }
  memberRemove(actor, workspaceId, userId, o) {
    return this._call('pws_member_remove', [actor, workspaceId, userId], o);
  }

  // --- elements ---
  elementAdd(actor, workspaceId, elementId, { kind = gen.ElementKind.COLLECTION, size = 0, parent = null, ...o } = {}) {
    return this._call('pws_element_add', [actor, workspaceId, elementId, kind, size, parent], o);
  }
  elementMove(actor, elementId, target, o) { return this._call('pws_element_move', [actor, elementId, target], o); }
  elementFork(actor, elementId, newId, target, o) {
    return this._call('pws_element_fork', [actor, elementId, newId, target], o);
  }
  elementDelete(actor, elementId, now, o) { return this._call('pws_element_delete', [actor, elementId, now], o); }
  updatePost(actor, workspaceId, updateId, text, now, o) {
    return this._call('pws_update_post', [actor, workspaceId, updateId, text, now], o);
  }

  // --- decisions ---
  /** @returns {{allowed: boolean, rule: string|null}} */
  check(actor, action, workspaceId = null, elementId = null) {
    // Typed arrays as out-parameters: koffi fills them in place, ~1 us
    // cheaper per call than one-element JS arrays. pws_check calls no JS
    // callback, so one scratch pair per thread is enough.
    const allowed = SCRATCH_A;
    const rule = SCRATCH_B;
    const rc = this._n.fns.pws_check(this.handle, allowed, rule, actor, action, workspaceId, elementId);
    check(rc, rule[0]);
    return { allowed: allowed[0] !== 0, rule: ruleId(rule[0]) };
  }
  /** The actions `actor` may take, as an array of Action values. */
  allowedActions(actor, workspaceId = null, elementId = null) {
    const mask = [0];
    const rc = this._n.fns.pws_allowed_actions(this.handle, mask, actor, workspaceId, elementId);
    check(rc);
    return actionsOf(mask[0]);
  }
  canSeeMember(viewer, workspaceId, member) {
    const visible = [0];
    const rule = [0];
    check(this._n.fns.pws_can_see_member(this.handle, visible, rule, viewer, workspaceId, member));
    return { visible: visible[0] !== 0, rule: ruleId(rule[0]) };
  }

  // --- listings (generators over pws_iter) ---
  _list(name, args, cols) {
    const out = [null];
    check(this._n.fns[name](out, this.handle, ...args));
    return rows(this._n, out[0], cols);
  }
  members(viewer, workspaceId) { return this._list('pws_list_members', [viewer, workspaceId], MEMBER_COLS); }
  membersAsOrg(org, workspaceId) {
    return this._list('pws_list_members_as_org', [org, workspaceId], MEMBER_COLS);
  }
  workspaces(userId) { return this._list('pws_list_workspaces', [userId], WORKSPACE_COLS); }
  elements(viewer, workspaceId) {
    const it = this._list('pws_list_elements', [viewer, workspaceId], ELEMENT_COLS);
    return (function* withActions() {
      for (const r of it) yield Object.freeze({ ...r, actions: actionsOf(r.actionMask) });
    }());
  }

  // --- state ---
  /** A 64-bit digest of the whole state (BigInt). */
  digest() {
    const d = [0];
    check(this._n.fns.pws_policy_digest(this.handle, d));
    return BigInt(d[0]);
  }
  revision() {
    const r = [0];
    check(this._n.fns.pws_policy_revision(this.handle, r));
    return toNumber(r[0]);
  }
  /** Catches up with other writers of a shared store; returns the revision. */
  sync() {
    if (this._borrowed) throw new MisuseError(StatusCode.EMISUSE, null, 'partnerws: a borrowed handle only reads');
    const r = [0];
    this._failIf(this._n.fns.pws_policy_sync(this.handle, r));
    return toNumber(r[0]);
  }
  /** Blocks until the revision reaches minRevision (TimeoutError after timeoutMs). */
  wait(minRevision, timeoutMs) {
    if (this._borrowed) throw new MisuseError(StatusCode.EMISUSE, null, 'partnerws: a borrowed handle only reads');
    const r = [0];
    this._failIf(this._n.fns.pws_policy_wait(this.handle, minRevision, timeoutMs, r));
    return toNumber(r[0]);
  }
}

function version() { return native().fns.pws_version_string(); }
function ruleText(id) {
  const f = native().fns;
  return f.pws_rule_text(typeof id === 'string' ? f.pws_rule_from_id(id) : id);
}
function actionName(action) { return ACTION_NAME[action] || null; }

module.exports = {
  ...gen,
  Policy,
  MapStore,
  PartnerwsError,
  DeniedError,
  NotFoundError,
  InvalidError,
  ExistsError,
  StateError,
  StorageError,
  ConflictError,
  TimeoutError,
  MisuseError,
  NoMemoryError,
  UserError,
  ruleId,
  ruleText,
  actionName,
  version,
  native,
};
