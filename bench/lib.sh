# Shared helpers for the bench scripts (sourced).
# measure NAME OUTFILE CMD...: runs CMD with GNU time, stdout to OUTFILE, and
# sets M_SECS and M_KB (peak RSS) and prints one line.
measure() {
  local name=$1 out=$2
  shift 2
  local tf
  tf=$(mktemp)
  /usr/bin/time -f '%e %M' -o "$tf" "$@" > "$out"
  read -r M_SECS M_KB < "$tf"
  rm -f "$tf"
  printf '  %-28s %8.2f s  %8.1f MiB peak\n' "$name" "$M_SECS" "$(echo "$M_KB / 1024" | bc -l)"
}
# ratio A B: prints A/B with two decimals.
ratio() { echo "scale=2; $1 / $2" | bc -l; }
