#!/usr/bin/env bash
# The generated man pages and completion (packaging/gen_docs.py) cover every
# tool, say what --help says, and the bash and zsh completion complete tools and
# flags. Usage: KARTA_DOCS=build/docs tests/docs_test.sh build/karta
set -euo pipefail
karta=$1
docs=${KARTA_DOCS:?}
fail=0
tools=$("$karta" --help | awk 'tolower($0) ~ /^subcommands:/ {on=1; next} on && /^  [a-z]/ {print $1}')
[ -n "$tools" ] || { echo "FAIL no tools in karta --help"; exit 1; }
for t in $tools; do
  page=$docs/man1/karta-$t.1
  if [ ! -s "$page" ]; then echo "FAIL no man page for $t"; fail=1; continue; fi
  # Every long flag of the tool's help is in its man page.
  for f in $("$karta" "$t" --help | grep -oE '^  (-[a-zA-Z],)?--[a-z][a-z-]*' | grep -oE -- '--[a-z-]+'); do
    grep -qF -- "${f//-/\\-}" "$page" || { echo "FAIL karta-$t.1 lacks $f"; fail=1; }
  done
done
if command -v man >/dev/null 2>&1; then
  MANWIDTH=80 man -l "$docs/man1/karta-fetch.1" 2>/dev/null | grep -q "robots" \
    || { echo "FAIL man -l karta-fetch.1 does not render"; fail=1; }
fi
# bash completion: tools after 'karta', flags after 'karta TOOL -'.
out=$(bash -c "source '$docs/completion/karta.bash'; COMP_WORDS=(karta fe); COMP_CWORD=1; _karta; echo \${COMPREPLY[*]}")
[ "$out" = "fetch" ] || { echo "FAIL bash completion of 'karta fe': '$out'"; fail=1; }
out=$(bash -c "source '$docs/completion/karta.bash'; COMP_WORDS=(karta tabulate --cou); COMP_CWORD=2; _karta; echo \${COMPREPLY[*]}")
[ "$out" = "--count-distinct" ] || { echo "FAIL bash completion of 'karta tabulate --cou': '$out'"; fail=1; }
# Options whose type name carries a range ("N:INT in [1 - 1000]") complete too.
out=$(bash -c "source '$docs/completion/karta.bash'; COMP_WORDS=(karta tabulate --min-c); COMP_CWORD=2; _karta; echo \${COMPREPLY[*]}")
[ "$out" = "--min-count" ] || { echo "FAIL bash completion of 'karta tabulate --min-c': '$out'"; fail=1; }
# zsh completion in a real interactive zsh (scripts/install-deps.sh installs zsh).
if command -v zsh >/dev/null 2>&1; then
  zsh -n "$docs/completion/_karta" || { echo "FAIL zsh completion does not parse"; fail=1; }
  zsh -f "$(dirname "$0")/zsh_completion_test.zsh" "$docs/completion" || fail=1
else
  echo "FAIL zsh is not installed (scripts/install-deps.sh installs it): zsh completion untested"; fail=1
fi
grep -q "^#compdef karta" "$docs/completion/_karta" || { echo "FAIL _karta lacks #compdef"; fail=1; }
[ $fail = 0 ] && echo "docs: man pages and completion cover $(echo $tools | wc -w) tools"
exit $fail
