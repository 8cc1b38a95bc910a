#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""What a check costs through the Python binding, next to the C figure.

One small world (the tests' scenario: a multi-partner workspace, two
partner organizations), one check (a partner asking to EDIT a collection:
denied by ED1). Measured, p50 over many single calls timed with
perf_counter_ns (timer overhead not subtracted):

  Policy.check()        the binding as an application uses it: encode ids,
                        call, build the Decision, map the rule to its id
  raw ctypes pws_check  the same C call through ctypes, ids pre-encoded
  C (pws_check_batch)   the same check repeated N times inside one C call,
                        divided by N: what the library itself costs

    PARTNERWS_LIBRARY=lib/.libs/libpartnerws.so.0 python3 bindings/python/bench.py [N]
"""
import ctypes
import os
import statistics
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import partnerws as pw  # noqa: E402
from tests.test_partnerws import world  # noqa: E402


def p50(samples):
    return statistics.median(samples)


def main() -> int:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 20000
    with pw.Policy() as p:
        world(p)
        lib = p._lib
        act = pw.Action.EDIT
        for _ in range(1000):
            p.check("ann", act, "ws", "c1")
        t = time.perf_counter_ns
        binding = []
        for _ in range(n):
            a = t()
            p.check("ann", act, "ws", "c1")
            binding.append(t() - a)
        allowed, rule = ctypes.c_int(), ctypes.c_int()
        h, ar, rr = p.handle, ctypes.byref(allowed), ctypes.byref(rule)
        raw = []
        for _ in range(n):
            a = t()
            lib.pws_check(h, ar, rr, b"ann", act, b"ws", b"c1")
            raw.append(t() - a)
        batch = 10000
        al = (ctypes.c_int * batch)()
        rl = (ctypes.c_int * batch)()
        cl = (ctypes.c_int * batch)()
        actors = (ctypes.c_char_p * batch)(*([b"ann"] * batch))
        actions = (ctypes.c_int * batch)(*([int(act)] * batch))
        wss = (ctypes.c_char_p * batch)(*([b"ws"] * batch))
        els = (ctypes.c_char_p * batch)(*([b"c1"] * batch))
        per = []
        for _ in range(21):
            a = t()
            rc = lib.pws_check_batch(h, al, rl, cl, batch, actors, actions, wss, els)
            per.append((t() - a) / batch)
            assert rc == 0 and al[0] == 0 and pw.rule_id(rl[0]) == "ED1"
    print("check (partner EDIT on a collection, denied by ED1), p50 over %d calls:" % n)
    print("  Policy.check()        %7.0f ns" % p50(binding))
    print("  raw ctypes pws_check  %7.0f ns" % p50(raw))
    print("  C (pws_check_batch)   %7.0f ns per check" % p50(per))
    return 0


if __name__ == "__main__":
    sys.exit(main())
