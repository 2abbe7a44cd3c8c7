#!/usr/bin/env bash
# bench/filter.sh: karta filter vs GNU grep and ripgrep on the same ads.
#
# Input: a corpus CSV of ads (ad_id,site,url,posted_at,title,text,location_field),
# made by build/karta-practice when it is built, else by a synthetic generator
# below (Swedish-like ad, clinic and classified texts, one record per line).
# Rules: six mixed word/regex rules (bench/work/bench.rules); the peers get the
# equivalent patterns, one per line, case-insensitive, in a UTF-8 locale:
#   grep -E -i -c -f PATTERNS corpus.csv        (GNU grep)
#   rg -i -c -f PATTERNS corpus.csv             (ripgrep; its \b is Unicode-aware)
#   karta filter --rules bench.rules --count corpus.csv
# karta does more work than the peers: it parses the CSV, folds case, checks
# Unicode word boundaries, and counts every rule separately (the peers count
# lines where any pattern matches).
#
# Prints wall time and peak RSS (GNU time '%e %M') of each, the ratios, and
# karta's RSS at two input sizes (memory must stay flat as input grows).
#
# Usage: bench/filter.sh [--smoke] [--ads N]   (default N = 1000000; --smoke: 2000)
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
ads=1000000
while [ $# -gt 0 ]; do
  case "$1" in
    --smoke) ads=2000 ;;
    --ads) ads=$2; shift ;;
    *) echo "usage: bench/filter.sh [--smoke] [--ads N]" >&2; exit 2 ;;
  esac
  shift
done
KARTA=${KARTA:-$ROOT/build/karta}
[ -x "$KARTA" ] || { echo "bench/filter.sh: build karta first ($KARTA missing)" >&2; exit 2; }
TIME=/usr/bin/time
[ -x "$TIME" ] || { echo "bench/filter.sh: GNU time (/usr/bin/time) is needed" >&2; exit 2; }
export LC_ALL=C.UTF-8
work=$ROOT/bench/work/filter
mkdir -p "$work"
small=$((ads / 4))

make_corpus() {  # N OUT
  local n=$1 out=$2
  [ -s "$out" ] && return 0
  if [ -x "$ROOT/build/karta-practice" ]; then
    local d="$work/practice-$n"
    "$ROOT/build/karta-practice" --seed 7 --ads "$n" --out "$d" >/dev/null
    cp "$d/corpus.csv" "$out"
    rm -rf "$d/sites"
  else
    python3 - "$n" "$out" <<'PY'
import random, sys
n, out = int(sys.argv[1]), sys.argv[2]
r = random.Random(7)
names = ["Anna", "Sara", "Emma", "Lina", "Moa", "Elin", "Julia", "Nora", "Ida", "Alva", "Maja", "Ebba"]
places = ["Östermalm", "Södermalm", "Älta", "Åkersberga", "Kungsholmen", "Solna", "Kista", "Farsta",
          "Vällingby", "Hägersten", "Göteborg", "Malmö", "Uppsala", "Täby", "Nacka", "Märsta"]
ad = ["Hej! Jag heter {n}, {a} år, och finns i {p}. Diskret sällskap för trevliga herrar.",
      "Ny i stan: {n} ({a}). Träffas gärna på hotell nära {p}. Ring {ph}.",
      "Söt tjej {a} yo erbjuder avslappnande massage och sällskap i {p}. Kontakt via WhatsApp.",
      "{n} här, {a} år. Diskret och trevlig, hembesök i {p} eller nära T-centralen. Mejla {e}.",
      "Mysig kväll? {n}, {a}, {p}. Endast seriösa. Telegram: @{h}."]
clinic = ["Legitimerad naprapat i {p}. Boka tid för behandling, friskvårdsbidrag gäller. Tel {ph}.",
          "Klassisk massage och idrottsmassage hos kiropraktor {n} i {p}. Kvitto ges.",
          "Friskvård i {p}: massage, fotvård och ansiktsbehandling. Boka på vår hemsida."]
other = ["Säljes: soffa i gott skick, hämtas i {p}. Pris 1500 kr. Ring {ph}.",
         "Vi söker säljare till vårt kontor i {p}. Heltid, fast lön. Ansök senast fredag.",
         "Cykel säljes, 3 växlar, {p}. Svara via mejl {e}.",
         "Barnvakt sökes i {p} två kvällar i veckan, {n} {a} år söker jobb."]
def phone():
    return "07%d-%03d %02d %02d" % (r.randint(0, 9), r.randint(0, 999), r.randint(0, 99), r.randint(0, 99))
def q(s):
    return '"' + s.replace('"', '""') + '"' if any(c in s for c in ',"\n') else s
with open(out, "w", encoding="utf-8") as f:
    f.write("ad_id,site,url,posted_at,title,text,location_field\n")
    for i in range(n):
        k = r.random()
        tpl = r.choice(ad if k < 0.6 else clinic if k < 0.8 else other)
        nm, pl = r.choice(names), r.choice(places)
        v = dict(n=nm, a=r.randint(18, 45), p=pl, ph=phone(), e="%s%d@example.se" % (nm.lower(), i % 97),
                 h="%s_%d" % (nm.lower(), i % 89))
        body = " ".join(t.format(**v) for t in r.sample([tpl] + r.sample(ad + clinic + other, 2), 1 + (i % 2)))
        body += " " + " ".join(r.choice(["Välkommen", "hör av dig", "bilder finns", "svarar snabbt",
                                       "endast sms", "ingen reklam", "hälsningar", "god jul"]) for _ in range(6))
        title = "%s i %s" % (nm, pl) if k < 0.6 else "Annons %d" % i
        site = "site%d.example" % (i % 3)
        f.write("%s,%s,%s,%s,%s,%s,%s\n" % ("a%07d" % i, site, "https://%s/ad/%d" % (site, i),
                "2026-11-%02dT%02d:00:00Z" % (1 + i % 28, i % 24), q(title), q(body), q(pl if i % 2 else "")))
PY
  fi
}

cat > "$work/bench.rules" <<'RULES'
# Six mixed word/regex rules for the bench.
rule ad
  words: diskret, träffas, sällskap, massage*
rule clinic
  words: naprapat, legitimerad, kiropraktor, friskvård*
rule age
  regex: \b(1[89]|20)\s*(år|yo)\b
rule phone
  regex: \b07\d[\s-]*\d{3}[\s-]*\d{2}[\s-]*\d{2}\b
rule place
  words: östermalm, södermalm, älta, åkersberga, kungsholmen, solna
rule contact
  words: whatsapp, telegram, snapchat
  regex: [a-z0-9._]+@[a-z0-9-]+\.[a-z]{2,}
RULES
cat > "$work/patterns.txt" <<'PATS'
\b(diskret|träffas|sällskap)\b|\bmassage
\b(naprapat|legitimerad|kiropraktor)\b|\bfriskvård
\b(1[89]|20)\s*(år|yo)\b
\b07[0-9][[:space:]-]*[0-9]{3}[[:space:]-]*[0-9]{2}[[:space:]-]*[0-9]{2}\b
\b(östermalm|södermalm|älta|åkersberga|kungsholmen|solna)\b
\b(whatsapp|telegram|snapchat)\b|[a-z0-9._]+@[a-z0-9-]+\.[a-z]{2,}
PATS

big=$work/corpus-$ads.csv
little=$work/corpus-$small.csv
echo "generating $ads and $small ads ..." >&2
make_corpus "$ads" "$big"
make_corpus "$small" "$little"

run() {  # LABEL OUTFILE CMD... ; prints "wall_secs rss_kb cpu_secs"
  local label=$1 out=$2; shift 2
  "$TIME" -f '%e %M %U %S' -o "$work/time.txt" "$@" >"$out" 2>"$work/err.txt" || {
    local rc=$?
    # grep exits 1 when nothing matched; anything else is a failure.
    if [ $rc -ne 1 ]; then echo "$label failed ($rc):" >&2; cat "$work/err.txt" >&2; exit 1; fi
  }
  tail -1 "$work/time.txt" | awk '{ printf "%s %s %.2f\n", $1, $2, $3 + $4 }'
}

bytes=$(stat -c %s "$big")
lines=$(wc -l <"$big")
echo "corpus: $ads ads, $lines lines, $((bytes / 1000000)) MB ($big)"
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores (wall times suffer under load; CPU = user+sys)"
read -r kt km kc < <(run karta "$work/karta.out" "$KARTA" filter --rules "$work/bench.rules" --count "$big")
read -r gt gm gc < <(run grep "$work/grep.out" grep -E -i -c -f "$work/patterns.txt" "$big")
read -r rt rm rc < <(run rg "$work/rg.out" rg -i -c -f "$work/patterns.txt" "$big")
# Not equivalent, for reference: ASCII-only word boundaries and case folding
# (wrong on Å, Ä, Ö: 'älta' also finds 'bältan', 'ÄLTA' is missed).
sed 's/\\b/(?-u:\\b)/g' "$work/patterns.txt" >"$work/patterns-ascii.txt"
read -r gat gam gac < <(run grep-c "$work/grep-c.out" env LC_ALL=C grep -E -i -c -f "$work/patterns.txt" "$big")
read -r rat ram rac < <(run rg-ascii "$work/rg-ascii.out" rg -i -c -f "$work/patterns-ascii.txt" "$big")
read -r st sm sc < <(run karta-small "$work/karta-small.out" "$KARTA" filter --rules "$work/bench.rules" --count "$little")
kept=$(grep '^(kept),' "$work/karta.out" | cut -d, -f2)
ratio() { python3 -c "import sys; a,b=float(sys.argv[1]),float(sys.argv[2]); print('%.2f' % (a/b) if b > 0 else 'inf')" "$1" "$2"; }
printf '%-44s %8s %8s %11s %9s\n' tool wall_s cpu_s peak_rss_kb matching
printf '%-44s %8s %8s %11s %9s\n' "karta filter --count (records)" "$kt" "$kc" "$km" "$kept"
printf '%-44s %8s %8s %11s %9s\n' "grep -E -i -c -f (lines)" "$gt" "$gc" "$gm" "$(cat "$work/grep.out")"
printf '%-44s %8s %8s %11s %9s\n' "rg -i -c -f (lines)" "$rt" "$rc" "$rm" "$(cat "$work/rg.out")"
printf '%-44s %8s %8s %11s %9s\n' "not equivalent: LC_ALL=C grep -E -i -c -f" "$gat" "$gac" "$gam" "$(cat "$work/grep-c.out")"
printf '%-44s %8s %8s %11s %9s\n' "not equivalent: rg -i -c, ASCII \\b" "$rat" "$rac" "$ram" "$(cat "$work/rg-ascii.out")"
echo "grep/karta: wall $(ratio "$gt" "$kt"), cpu $(ratio "$gc" "$kc") (target >= 2)"
echo "rg/karta:   wall $(ratio "$rt" "$kt"), cpu $(ratio "$rc" "$kc") (target > 1)"
echo "karta peak RSS: $sm KB at $small ads, $km KB at $ads ads (should be flat)"
echo "karta per-rule counts:"
sed 's/^/  /' "$work/karta.out"
