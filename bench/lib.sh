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
# ratio A B: prints A/B with two decimals.
ratio() { printf "%.2f" "$(echo "$1 / $2" | bc -l)"; }
