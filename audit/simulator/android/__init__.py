"""The Android side of a simulated phone: command stubs and the phone's state database.

Everything in this package is standard library only. The per-phone command stubs (``pm``,
``dumpsys``, ``content``, ...) start a fresh ``python -I -S`` for every call and load this package
by file path under a private name, so it must not import ``audit`` or any third-party module and
must stay cheap to import.
"""
