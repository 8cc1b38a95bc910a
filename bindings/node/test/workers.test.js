// SPDX-License-Identifier: MIT
// Concurrent checks from two worker_threads on ONE native handle: the main
// thread owns the Policy and passes its address (a BigInt) to the workers,
// which Policy.borrow() it and call pws_check in a loop; the library locks
// the handle. Borrowed handles only read (mutations throw MisuseError).
'use strict';

const test = require('node:test');
const assert = require('node:assert/strict');
const { Worker, isMainThread, parentPort, workerData } = require('node:worker_threads');
const pw = require('..');

if (!isMainThread) {
  const p = pw.Policy.borrow(workerData.address);
  let wrong = 0;
  for (let i = 0; i < workerData.n; i++) {
    const r = p.check(workerData.actor, pw.Action.EDIT, 'ws', 'c1');
    if (r.allowed !== workerData.want) wrong++;
  }
  let misuse = false;
  try { p.teamAdd('z', 'Z'); } catch (e) { misuse = e instanceof pw.MisuseError; }
  p.close(); // forgets the address; the owner frees the handle
  parentPort.postMessage({ wrong, misuse });
} else {
  const { world } = require('./world');

  test('two workers check concurrently through one handle', async () => {
    const p = new pw.Policy({ onEvent: () => {} });
    try {
      world(p);
      const run = (actor, want) => new Promise((resolve, reject) => {
        const w = new Worker(__filename, { workerData: { address: p.address, actor, want, n: 3000 } });
        w.once('message', resolve);
        w.once('error', reject);
      });
      const results = await Promise.all([run('bob', true), run('gus', false)]);
      for (const r of results) assert.deepEqual(r, { wrong: 0, misuse: true });
      assert.deepEqual(p.check('gus', pw.Action.EDIT, 'ws', 'c1'), { allowed: false, rule: 'ED1' });
    } finally {
      p.close();
    }
  });
}
