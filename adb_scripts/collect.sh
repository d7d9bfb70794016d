# contact-audit device-side collector (format 1). See docs/collect-format.md.
#
# Runs on the phone under Android's mksh with toybox/toolbox applets, Android 6 (API 23) and
# later: POSIX sh only, no awk, no bash-isms, no arrays, no `local`.
# Usage: sh collect.sh NONCE PACKAGE...
#   NONCE    hex token chosen by the host; it prefixes every marker line so that nothing a
#            phone prints (a contact named "@@end") can forge a section boundary.
#   PACKAGE  the packages to audit; the host checked each whole name (dotted Java identifiers, no
#            whitespace or line break: audit.apps.PACKAGE_RE with fullmatch), so none can split a word.
# Output: tagged sections, each with the exit status of its command, and a terminator line
# carrying the section count, so that a truncated run is never mistaken for a complete one.

rm -f "$0" 2>/dev/null  # leave nothing behind on the phone (the shell keeps the open file)

N=$1
shift
PKGS=$*
count=0

begin() {
  count=$((count + 1))
  printf '@@%s begin %s\n' "$N" "$*"
}

end() {
  # The leading newline guarantees the marker starts a line even when the command's output
  # did not end with one; the host strips exactly that newline again.
  printf '\n@@%s end rc=%s\n' "$N" "$1"
}

printf '@@%s collect format=1\n' "$N"

begin getprop
getprop 2>&1
end $?

USERS=$(pm list users 2>&1)
rc=$?
begin users
printf '%s\n' "$USERS"
end $rc

# Android 11+ names each user's type (profile.CLONE, profile.PRIVATE, profile.MANAGED, ...),
# which `pm list users` flags cannot tell apart. Older releases fail here; that is fine.
begin user-types
cmd user list -v 2>&1
end $?

IDS=$(printf '%s\n' "$USERS" | sed -n 's/^[[:space:]]*UserInfo{\([0-9][0-9]*\):.*/\1/p')
[ -n "$IDS" ] || IDS=0

PRESENT=""
INSTALLED=""  # "user:package" pairs
for u in $IDS; do
  LIST=$(pm list packages --user "$u" 2>&1)
  rc=$?
  begin packages "user=$u"
  printf '%s\n' "$LIST"
  end $rc
  for p in $PKGS; do
    if printf '%s\n' "$LIST" | grep -q -F -x "package:$p"; then
      INSTALLED="$INSTALLED $u:$p"
      case " $PRESENT " in
        *" $p "*) ;;
        *) PRESENT="$PRESENT $p" ;;
      esac
    fi
  done
done

for p in $PRESENT; do
  begin dumpsys-package "pkg=$p"
  dumpsys package "$p" 2>&1
  end $?
done

# The phone's clock (UTC seconds), read right before the app-ops: their access times are
# durations back from this clock (`time=+3h0m4s5ms ago`); the host turns them into UTC times.
begin clock
date -u +%s 2>&1
end $?

for up in $INSTALLED; do
  u=${up%%:*}
  p=${up#*:}
  begin appops "user=$u" "pkg=$p"
  appops get --user "$u" "$p" 2>&1
  end $?
done

for u in $IDS; do
  begin contacts "user=$u"
  content query --user "$u" --uri content://com.android.contacts/data \
    --projection raw_contact_id:mimetype:account_type:data1 \
    --where "deleted=0 AND mimetype IN ('vnd.android.cursor.item/phone_v2','vnd.android.cursor.item/email_v2','vnd.android.cursor.item/organization')" 2>&1
  end $?

  begin raw-contacts "user=$u"
  content query --user "$u" --uri content://com.android.contacts/raw_contacts \
    --projection account_type --where "deleted=0" 2>&1
  end $?

  if [ "$u" != 0 ]; then
    begin cross-profile "user=$u"
    settings --user "$u" get secure managed_profile_contact_remote_search 2>&1
    end $?
  fi
done

# Who manages the phone and each profile (device owner, profile owners): the MDM's app, which
# can lock a denial with POLICY_FIXED. Bounded in time (toybox timeout, where the phone has it)
# and in size (the owners come first; the rest of the dump can be long). The exit status of
# dumpsys (124 = timed out) is passed out of the pipe on fd 3, as POSIX sh has no pipefail.
begin device-policy
T=""
command -v timeout >/dev/null 2>&1 && T="timeout 20"
if printf 'xy' | head -c 1 >/dev/null 2>&1; then CUT="head -c 262144"; else CUT="head -n 4000"; fi
exec 4>&1
rc=$( { { $T dumpsys device_policy 2>&1 3>&- 4>&-; echo $? >&3; } | $CUT >&4 3>&-; } 3>&1 )
exec 4>&-
end "${rc:-1}"

printf '@@%s done sections=%s\n' "$N" "$count"
