#!/usr/bin/env bash
# Fails when a C++ file in the repository is not formatted as .clang-format
# says (clang-format from Debian's clang-format package). To fix:
#   scripts/check-format.sh --fix
set -euo pipefail
cd "$(dirname "$0")/.."
fix=0
[ "${1:-}" = "--fix" ] && fix=1
mapfile -t files < <(git ls-files '*.cc' '*.h' | grep -v '^third_party/')
[ ${#files[@]} -gt 0 ] || exit 0
if [ $fix = 1 ]; then
  clang-format -i "${files[@]}"
  exit 0
fi
log=$(mktemp)
trap 'rm -f "$log"' EXIT
if ! clang-format --dry-run --Werror "${files[@]}" 2> "$log"; then
  grep -E '^[^ ].*: (error|warning):' "$log" | cut -d: -f1 | sort -u | sed 's/^/not formatted: /' >&2
  echo "check-format: run scripts/check-format.sh --fix (clang-format $(clang-format --version | grep -o '[0-9][0-9.]*' | head -1))" >&2
  exit 1
fi
echo "check-format: ${#files[@]} files formatted as .clang-format says"
