# Shared helpers for the bench scripts (sourced).
# measure NAME OUTFILE CMD...: runs CMD with GNU time, stdout to OUTFILE, sets
# M_SECS (wall), M_CPU (user + system: a busy shared machine disturbs it less
# than wall time) and M_KB (peak RSS), and prints one line.
measure() {
  local name=$1 out=$2
  shift 2
  local tf usr sys
  tf=$(mktemp)
  /usr/bin/time -f '%e %M %U %S' -o "$tf" "$@" > "$out"
  read -r M_SECS M_KB usr sys < "$tf"
  rm -f "$tf"
  M_CPU=$(echo "$usr + $sys" | bc -l)
  printf '  %-32s %7.2f s wall %7.2f s CPU %8.1f MiB peak\n' "$name" "$M_SECS" "$M_CPU" \
    "$(echo "$M_KB / 1024" | bc -l)"
}
# ratio A B: prints A/B with two decimals (n/a when B is 0, as a smoke run's
# CPU time can be).
ratio() {
  if [ "$(echo "$2 == 0" | bc)" = 1 ]; then printf "n/a"; else printf "%.2f" "$(echo "$1 / $2" | bc -l)"; fi
}
# instructions CMD...: instructions CMD executes (valgrind cachegrind, Ir);
# unlike time, the count does not depend on the load of a shared machine.
# Prints 0 when valgrind is missing or CMD fails under it.
instructions() {
  local n
  n=$(valgrind --tool=cachegrind --cache-sim=no --cachegrind-out-file=/dev/null "$@" 2>&1 \
      >/dev/null | sed -n 's/.*I *refs: *//p' | tr -d ,)
  echo "${n:-0}"
}
# cpu_seconds CMD...: user + system seconds of one run of CMD (stdout dropped).
cpu_seconds() {
  local tf
  tf=$(mktemp)
  /usr/bin/time -f '%U %S' -o "$tf" "$@" >/dev/null
  awk '{printf "%.3f\n", $1 + $2}' "$tf"
  rm -f "$tf"
}
# median_of: the median of the numbers on standard input, one per line.
median_of() { sort -g | awk '{a[NR]=$1} END {m=(NR%2)?a[(NR+1)/2]:(a[NR/2]+a[NR/2+1])/2; printf "%.3f", m}'; }
# base_args USAGE ARGS...: the arguments of a script that compares $KARTA
# with a baseline binary (BASE_KARTA [--smoke], in either order); sets BASE
# and SMOKE (0 or 1). A smoke run without BASE (bench/run-all.sh --smoke, as
# CI runs it) compares $KARTA with itself, so that the script runs end to end.
base_args() {
  local usage=$1 a
  shift
  BASE="" SMOKE=0
  for a in "$@"; do
    case $a in
      --smoke) SMOKE=1 ;;
      *) BASE=$a ;;
    esac
  done
  if [ -z "$BASE" ]; then
    [ "$SMOKE" = 1 ] || { echo "usage: $usage" >&2; exit 2; }
    BASE=$KARTA
    echo "(smoke run without a baseline: $KARTA against itself)"
  fi
}
