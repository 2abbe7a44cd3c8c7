#!/usr/bin/env bash
# Installs the karta .deb and uses it as a user would: the README's tour
# run by the installed /usr/bin/karta in a directory outside the source
# tree (its data from /usr/share/karta), `man karta-fetch`, and the shell
# completion. scripts/test.sh runs it on the CI machine (root, fresh).
#
#   tests/installed_tour.sh build-release/karta_VERSION_amd64.deb
#
# As root it installs with dpkg -i and removes the package again at the
# end (dpkg -r; also when a check fails); as another user it unpacks the package with dpkg -x into
# a temporary root instead, which checks the same files without installing.
set -euo pipefail
src=$(cd "$(dirname "$0")/.." && pwd)
deb=$(realpath "${1:?usage: installed_tour.sh KARTA.deb}")
work=$(mktemp -d /tmp/karta-installed-XXXXXX)
trap 'rm -rf "$work"' EXIT

if [ "$(id -u)" = 0 ]; then
  if ! command -v man >/dev/null 2>&1; then
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends man-db >/dev/null
  fi
  # --path-include: keep the man pages even where dpkg is told to drop them.
  ! dpkg -s karta >/dev/null 2>&1 || { echo "installed_tour: a karta package is already installed" >&2; exit 1; }
  trap 'dpkg -r karta >/dev/null; rm -rf "$work"' EXIT
  dpkg -i --path-include='/usr/share/man/*' "$deb" >/dev/null
  prefix=/usr
  [ "$(command -v karta)" = /usr/bin/karta ] || { echo "installed_tour: karta is not /usr/bin/karta on PATH" >&2; exit 1; }
else
  dpkg -x "$deb" "$work/root"
  prefix=$work/root/usr
  export PATH="$prefix/bin:$PATH" MANPATH="$prefix/share/man:"
fi
echo "installed: $(karta --version) at $(command -v karta)"
dpkg-deb -f "$deb" Depends | grep -q libxlsxwriter || { echo "installed_tour: Depends lacks libxlsxwriter" >&2; exit 1; }

# The tour, from a directory outside the source tree: the README's commands
# with their expected output, in a scratch directory made from the installed
# share/karta (queries/, examples/, data/).
cd "$work"
python3 "$src/tests/workshop_test.py" --karta "$prefix/bin/karta" --root "$prefix/share/karta" "$src/README.md"

# The man page of a tool, generated from its --help.
man karta-fetch 2>/dev/null | grep -q -- "--site" || { echo "installed_tour: man karta-fetch failed" >&2; exit 1; }
echo "man karta-fetch: ok"
# Completion, where bash-completion looks for it.
comp=$prefix/share/bash-completion/completions/karta
out=$(bash -c "source '$comp'; COMP_WORDS=(karta tab); COMP_CWORD=1; _karta; echo \${COMPREPLY[*]}")
[ "$out" = tabulate ] || { echo "installed_tour: bash completion of 'karta tab' gave '$out'" >&2; exit 1; }
echo "bash completion: ok"
zsh -f "$src/tests/zsh_completion_test.zsh" "$prefix/share/zsh/vendor-completions" \
  || { echo "installed_tour: zsh completion of the installed _karta failed" >&2; exit 1; }
echo "zsh completion: ok"
echo "installed tour: passed"
if [ "$(id -u)" = 0 ]; then
  dpkg -r karta >/dev/null
  trap 'rm -rf "$work"' EXIT
  [ ! -e /usr/bin/karta ] || { echo "installed_tour: /usr/bin/karta is left after dpkg -r" >&2; exit 1; }
  echo "package removed"
fi
