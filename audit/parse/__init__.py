"""Device output text -> frozen facts (audit.snapshot). Pure functions; none raises on device text.

One module per Android command (getprop, users, packages, dumpsys_package, appops, content,
settings); ``grants`` decides READ_CONTACTS from a parsed dumpsys block and ``assemble`` puts
one collector run together into a DeviceSnapshot.
"""

from audit.parse.assemble import build_snapshot

__all__ = ["build_snapshot"]
