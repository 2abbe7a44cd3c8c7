#!/usr/bin/env bash
# The weekly run, for a scheduler (karta-weekly.service or karta-weekly.cron):
# runs queries/stockholm-weekly.karta in the current folder (the unit's data
# folder), keeps the log of every run in logs/, applies the retention period
# after a good run, and exits with karta's exit code:
#   0  done: the week is recorded in history.sqlite, the report written
#   3  finished, but incomplete: a site yielded nothing or too many errors;
#      the week was NOT recorded (run again when the site is back, or record
#      the other sites with KARTA_KEEP_GOING=1)
#   1  an error (the last lines of the log say which stage, file and record)
#   2  a usage error (the routine or a flag is wrong)
#
# Environment: KARTA_ROOT (the karta checkout; default two folders up),
# KARTA_RETENTION (default 12m), KARTA_KEEP_GOING=1 (record what was reached).
set -uo pipefail
root=${KARTA_ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
karta=${KARTA:-$(command -v karta || echo "$root/build/karta")}
umask 077
mkdir -p logs
log=logs/weekly-$(date +%Y-%m-%d-%H%M).log
keep=()
[ "${KARTA_KEEP_GOING:-0}" = 1 ] && keep=(--keep-going)

echo "karta weekly run $(date -Is) in $PWD" >"$log"
"$karta" run "${keep[@]}" "$root/queries/stockholm-weekly.karta" 2>>"$log"
rc=$?
case $rc in
  0) echo "done: exit 0" >>"$log"
     "$karta" history purge --store history.sqlite --older-than "${KARTA_RETENTION:-12m}" \
       >/dev/null 2>>"$log" || rc=$? ;;
  3) echo "INCOMPLETE: exit 3 (a site failed; see the fetch summary above)" >>"$log" ;;
  *) echo "FAILED: exit $rc (see the messages above)" >>"$log" ;;
esac
# The scheduler's own log (journalctl -u karta-weekly, or cron's mail) gets
# the same lines.
cat "$log" >&2
exit $rc
