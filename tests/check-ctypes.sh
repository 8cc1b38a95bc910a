#!/bin/sh
# Placeholder: the Python ctypes binding test.
exit 77
