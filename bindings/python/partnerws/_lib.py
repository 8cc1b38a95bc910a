# SPDX-License-Identifier: MIT
"""Finds and loads the shared library and declares its functions from the
generated prototypes table (nothing here is typed by hand)."""
import ctypes
import ctypes.util
import glob
import os
import subprocess
import threading
from typing import List, Optional

from . import _generated as g

_lock = threading.Lock()
_lib: Optional[ctypes.CDLL] = None


def candidates() -> List[str]:
    """Where the library is looked for, in order: $PARTNERWS_LIBRARY (a path),
    the libdir pkg-config gives for partnerws, then ctypes.util.find_library."""
    out: List[str] = []
    env = os.environ.get("PARTNERWS_LIBRARY")
    if env:
        return [env]
    try:
        libdir = subprocess.run(["pkg-config", "--variable=libdir", "partnerws"],
                                capture_output=True, text=True, check=True).stdout.strip()
        if libdir:
            out += sorted(glob.glob(os.path.join(libdir, "libpartnerws.so*")))[:1]
            out += glob.glob(os.path.join(libdir, "libpartnerws.dylib"))
    except (OSError, subprocess.CalledProcessError):
        pass
    found = ctypes.util.find_library("partnerws")
    if found:
        out.append(found)
    return out


def declare(lib: ctypes.CDLL, library: str = "partnerws") -> ctypes.CDLL:
    """Sets restype and argtypes of every function of @library the headers
    declare and the loaded library exports."""
    for name, (restype, params) in g.PROTOTYPES[library].items():
        fn = getattr(lib, name, None)
        if fn is None:
            continue            # a newer header than the library: left unbound
        fn.restype = restype
        fn.argtypes = [t for _, t in params]
    return lib


def load(path: Optional[str] = None) -> ctypes.CDLL:
    """The process-wide library handle (loaded once)."""
    global _lib
    with _lock:
        if _lib is not None and path is None:
            return _lib
        tried = [path] if path else candidates()
        errors = []
        for p in tried:
            try:
                lib = declare(ctypes.CDLL(p))
            except OSError as e:
                errors.append("%s: %s" % (p, e))
                continue
            if path is None:
                _lib = lib
            return lib
        raise OSError("libpartnerws not found (set PARTNERWS_LIBRARY to its path, or install "
                      "it where pkg-config or the dynamic loader finds it)"
                      + ("; tried " + "; ".join(errors) if errors else ""))
