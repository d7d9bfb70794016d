"""``id`` and ``whoami``: ``adb shell`` runs as the ``shell`` user (uid 2000), not as root.

The host's own applets would report whoever runs the simulator (often root), which no phone
without root access ever shows.
"""

from __future__ import annotations

from .context import Context

GROUPS = (
    "2000(shell),1004(input),1007(log),1011(adb),1015(sdcard_rw),1028(sdcard_r),3001(net_bt_admin),"
    "3002(net_bt),3003(inet),3006(net_bw_stats),3009(readproc),3011(uhid)"
)


def run(ctx: Context, args: list[str]) -> int:
    if ctx.command == "whoami" or args in (["-un"], ["-u", "-n"], ["-nu"]):
        ctx.out("shell")
        return 0
    if args in (["-u"], ["-g"]):
        ctx.out("2000")
        return 0
    if args in (["-gn"], ["-g", "-n"], ["-ng"]):
        ctx.out("shell")
        return 0
    if args:
        ctx.err(f"id: unknown user {args[-1]}")
        return 1
    context = " context=u:r:shell:s0" if ctx.sdk >= 23 else ""
    ctx.out(f"uid=2000(shell) gid=2000(shell) groups={GROUPS}{context}")
    return 0
