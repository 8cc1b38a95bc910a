// SPDX-License-Identifier: MIT
// A store written in JavaScript (MapStore behind pws_storage_ops v2).
'use strict';

const test = require('node:test');
const assert = require('node:assert/strict');
const pw = require('..');
const { world } = require('./world');

test('Map store round trip: reopen, same digest and revision', () => {
  const store = new pw.MapStore();
  let digest;
  let revision;
  {
    const p = new pw.Policy({ storage: store });
    world(p);
    digest = p.digest();
    revision = p.revision();
    p.close();
  }
  assert.equal(store.closes, 1);
  assert.ok(revision > 10);
  assert.equal(store.records.size, revision);
  for (const k of store.records.keys()) assert.match(k, /^[0-9a-f]{16}$/);
  const q = new pw.Policy({ storage: store });
  try {
    assert.equal(q.digest(), digest);
    assert.equal(q.revision(), revision);
    assert.deepEqual(q.check('ann', pw.Action.EDIT, 'ws', 'c1'), { allowed: false, rule: 'ED1' });
  } finally {
    q.close();
  }
});

test('a refusal and an ask write nothing', () => {
  const store = new pw.MapStore();
  const p = new pw.Policy({ storage: store });
  try {
    world(p);
    const n = store.records.size;
    assert.throws(() => p.memberSetRole('alice', 'ws', 'gus', pw.WsRole.EDITOR), pw.DeniedError);
    p.elementAdd('bob', 'ws', 'c9', { ask: true });
    assert.equal(store.records.size, n);
  } finally {
    p.close();
  }
});

test('a failing store: StorageError with the cause, memory unchanged', () => {
  class Broken extends pw.MapStore {
    commit() {
      if (this.fail) throw new Error('disk full');
      super.commit();
    }
  }
  const store = new Broken();
  const p = new pw.Policy({ storage: store });
  try {
    p.teamAdd('t', 'T');
    const digest = p.digest();
    store.fail = true;
    assert.throws(() => p.teamAdd('u', 'U'), (e) => {
      assert.ok(e instanceof pw.StorageError);
      assert.equal(e.code, 'ESTORAGE');
      assert.equal(e.cause && e.cause.message, 'disk full');
      return true;
    });
    assert.equal(p.digest(), digest);
    store.fail = false;
    p.teamAdd('u', 'U');
  } finally {
    p.close();
  }
});

test('two writers on one store: append conflicts, sync, wait, onChange', () => {
  const store = new pw.MapStore();
  const changes = [];
  const a = new pw.Policy({ storage: store });
  const b = new pw.Policy({ storage: store, onChange: (r) => changes.push(r) });
  try {
    a.teamAdd('t', 'T');
    assert.equal(b.revision(), 0);
    assert.equal(b.sync(), a.revision());
    assert.deepEqual(changes, [a.revision()]);
    a.teamAdd('x', 'X');
    b.teamAdd('u', 'U'); // b's append of revision 2 conflicts: it catches up and retries
    assert.equal(b.revision(), 3);
    assert.equal(a.wait(b.revision(), 1000), b.revision());
    assert.equal(a.digest(), b.digest());
    assert.throws(() => a.wait(b.revision() + 5, 5), pw.TimeoutError);
  } finally {
    a.close();
    b.close();
  }
  assert.equal(store.closes, 2);
});

test('a store without load (only put and close) starts empty', () => {
  const written = [];
  const p = new pw.Policy({ storage: { put: (kind, key, data) => written.push([kind, key, data.length]), close() {} } });
  try {
    p.teamAdd('t', 'T');
    assert.equal(written.length, 1);
    assert.equal(written[0][0], pw.RecordKind.OP);
    assert.equal(written[0][1], '0000000000000001');
  } finally {
    p.close();
  }
});
