#!/usr/bin/env zsh
# The generated zsh completion (packaging/gen_docs.py) loaded by compinit in a
# real interactive zsh on a pseudo-terminal (zsh/zpty), the way a user meets
# it: TAB after 'karta ta' completes the tool, TAB after 'karta tabulate --min-c'
# completes the flag (and stops where --min and --min-count part). `karta` is a shell function here that prints its
# arguments, so Enter shows what the completed line was.
# Usage: zsh -f tests/zsh_completion_test.zsh DIR   (DIR holds _karta)
emulate -L zsh
dir=${1:?usage: zsh_completion_test.zsh DIR-WITH-_karta}
[[ -r $dir/_karta ]] || { print -u2 "FAIL no $dir/_karta"; exit 1 }
zmodload zsh/zpty || { print -u2 "zsh/zpty is missing: skipped"; exit 77 }
fail=0

# Types `keys` into a fresh zsh with the completion loaded and prints the
# arguments karta got when the line ran ("" if it never ran within 20 s).
complete_line() {
  local keys=$1 out= chunk= deadline=$(( SECONDS + 20 ))
  zpty -b comp 'zsh -f -i'
  zpty -w comp "PS1='> '; RPS1=''; unsetopt zle_bracketed_paste 2>/dev/null"
  # Only $dir may hold _karta: an installed package puts one in a directory
  # of zsh's default fpath (vendor-completions), which the control leaves out.
  zpty -w comp "keep=(); for d in \$fpath; do [[ -r \$d/_karta ]] || keep+=(\$d); done"
  zpty -w comp "fpath=(${(q)dir} \$keep); autoload -U compinit; compinit -u -D"
  # \${:-RAN} keeps the marker out of the echo of this line.
  zpty -w comp "karta() { print -r -- \"\${:-RAN}<\$*>\"; }"
  zpty -w -n comp "$keys"$'\n'
  while (( SECONDS < deadline )); do
    if zpty -r -t comp chunk; then
      out+=$chunk
      [[ $out == *RAN\<*\>* ]] && break
    else
      sleep 0.1
    fi
  done
  zpty -d comp
  [[ $out =~ 'RAN<([^>]*)>' ]] && print -r -- "${match[1]}"
}

got=$(complete_line $'karta ta\t')
[[ $got == tabulate ]] || { print "FAIL zsh: 'karta ta<TAB>' ran 'karta $got', not 'karta tabulate'"; fail=1 }
# --mi is the prefix of --min and --min-count: TAB goes as far as they agree.
got=$(complete_line $'karta tabulate --mi\t')
[[ $got == 'tabulate --min' ]] || { print "FAIL zsh: 'karta tabulate --mi<TAB>' ran 'karta $got'"; fail=1 }
got=$(complete_line $'karta tabulate --min-c\t')
[[ $got == 'tabulate --min-count' ]] || { print "FAIL zsh: 'karta tabulate --min-c<TAB>' ran 'karta $got'"; fail=1 }
got=$(complete_line $'karta tabulate --cou\t')
[[ $got == 'tabulate --count-distinct' ]] || { print "FAIL zsh: 'karta tabulate --cou<TAB>' ran 'karta $got'"; fail=1 }
got=$(complete_line $'karta pu\t')
[[ $got == purge ]] || { print "FAIL zsh: 'karta pu<TAB>' ran 'karta $got', not 'karta purge'"; fail=1 }
# A control: with no _karta on fpath, TAB does not make up 'tabulate'.
dir=/nonexistent
got=$(complete_line $'karta ta\t')
[[ $got != tabulate ]] || { print "FAIL zsh: the control completed without _karta"; fail=1 }
(( fail )) || print "zsh completion: tools and flags complete in a real zsh"
exit $fail
