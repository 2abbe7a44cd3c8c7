// Geotag: find place mentions in text and resolve them to one place, kommun
// and coordinates, using a Gazetteer (lib/gazetteer.h).
//
// Matching is one pass over the text. Each word is folded (case and
// diacritics: "SÖDERMALM" and "sodermalm" are the same word), words are split
// at Unicode word boundaries, and a hash lookup of the folded word (and of the
// word runs that can start there, for names of several words) finds names.
// Names match across hyphens and spaces ("Rinkeby-Kista", "Rinkeby Kista"),
// and with a genitive -s or a compound ending ("Solnas", "Kistaområdet",
// "Södertäljetrakten").
//
// Context. A name the gazetteer marks `evidence` (Kista, Alby, Söder, City...)
// counts only after a preposition of place (i, på, nära, vid, utanför, in,
// near, at, ...), before or after a station word (station, T-bana,
// tunnelbana, pendeltåg, centrum, C), or written with a capital letter inside
// a sentence. A name marked `strict` (Bro, Handen: "bridge", "the hand")
// needs both a capital letter and a preposition or station word. "söder om"
// (south of) is never a place. In the structured location field every name
// counts.
//
// Near misses. A one-word name of 8+ folded bytes with context `any` also
// matches a capitalised word one edit away ("Kungsholmn": a letter left
// out, added, changed, or two neighbours swapped) whose first letter is
// right, after a preposition or beside a station word or inside a sentence,
// at 0.9 of the weight. Every one-letter deletion of such names is hashed
// (symmetric delete), so a capitalised long word that matched nothing costs
// one hash per letter; a word one edit from two names is left alone.
//
// Resolution. Each mention has a weight: 1, 2 with evidence, 3 from the
// location field, less after "från"/"from". The kommun with the largest total
// weight wins; within it the most specific place (station > district > town
// > area > kommun) is the answer. A bare mention of a county's largest kommun
// ("Stockholm") or a county-level area ("Norrort") counts for less when a
// place in another kommun of the same county is also named ("Solna,
// Stockholm" is Solna), and a name every town has ("centralen", "city")
// when a place in any other kommun is named. A street never weighs more
// than 1, so "Kungsgatan i Göteborg" is Göteborg. geo_score in [0,1] is
// the winner's share of the weight, lowered for a single weak mention, so
// conflicting mentions lower it.
//
// Speed (issue 7: >= 50 MB/s per core, within 3x of grep -F -w over every
// name; bench/geotag.sh). Words are found and folded 16 bytes at a time
// (lib/wordscan.h); a short ASCII word is folded and hashed in registers
// (its first 16 bytes and length, two multiplications); the bytes between
// words are classified by one table and a word's flags come from another;
// å, ä, ö and é fold by a table, other characters through utf8proc. Each
// word's hash goes through a Bloom filter of first words while folding,
// without a branch, so only the few words that may start a name are looked
// up, in tables of 8-byte slots that stay in the cache; the context words
// (i, på, station ...) are found by the same hash. Scratch space lives in
// GeoScan and is reused from record to record. The fast folding is tested
// against a plain character-by-character version on random text.
//
// Example:
//   auto gaz = Gazetteer::Load(DefaultGazetteerPath());
//   Geotagger tagger(&*gaz);
//   GeoScan scan;
//   tagger.Scan("Ny tjej på Söder, nära T-bana Medborgarplatsen", false, &scan);
//   GeoResult r = tagger.Resolve(scan);   // Medborgarplatsen, Stockholm, 0180
//
// Thread-safety: a Geotagger is immutable after construction and may be
// shared; a GeoScan is per thread.
#ifndef KARTA_LIB_GEOTAG_H_
#define KARTA_LIB_GEOTAG_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "lib/gazetteer.h"
#include "lib/status.h"
#include "lib/wordscan.h"

namespace karta {

// One name found in the text.
struct GeoMention {
  uint32_t group = 0;  // which name (index into the tagger's name groups)
  double weight = 0;   // evidence weight (see above)
  uint32_t order = 0;  // order of appearance in the record
  size_t begin = 0;    // byte span in the scanned text
  size_t end = 0;
  uint32_t exact = UINT32_MAX;  // the entry spelled exactly so (diacritics), if several
};

// Scratch space and the mentions found so far for one record.
class GeoScan {
 public:
  void Clear() {
    mentions.clear();
    next_order = 0;
  }
  std::vector<GeoMention> mentions;

  // What the gaps around a word say (internal: the base of a word, so that
  // Geotagger's Fold sets all four from the gap's bits with one copy).
  struct GapFlags {
    bool initial;  // first word of a sentence
    bool joined;   // only spaces, hyphens or ':' since the previous word
    bool comma;    // a comma follows
    bool glued;    // part of a handle, e-mail or URL: "@mira_sthlm", "solna.example"
  };

 private:
  friend class Geotagger;
  struct Token : GapFlags {
    uint32_t fb, fe;  // span in folded_
    uint32_t ob, oe;  // span in the original text
    uint64_t hash;    // hash of the folded word
    bool cap;         // starts with a capital letter
  };
  std::string folded_;  // folded words at the tokens' offsets (longer than used)
  PodVec<Token> toks_;
  PodVec<uint32_t> cands_;                            // tokens that may start a name (Bloom filter)
  std::vector<std::pair<uint32_t, uint32_t>> spans_;  // tokens [first, second) matched a name
  uint32_t next_order = 0;
};

struct GeoResult {
  const GazEntry* entry = nullptr;  // nullptr: no place found
  double score = 0;
  // Distinct canonical places, in order: views of the gazetteer's entries,
  // valid as long as the Gazetteer.
  std::vector<std::string_view> mentions;
};

class Geotagger {
 public:
  explicit Geotagger(const Gazetteer* gazetteer);

  // Finds names in `text` and adds them to `scan`. `location` marks the
  // structured location field of a site (every name counts, weight 3).
  void Scan(std::string_view text, bool location, GeoScan* scan) const;

  // Resolves the mentions of one record to one place. The second form
  // reuses *result's storage from record to record.
  GeoResult Resolve(const GeoScan& scan) const;
  void Resolve(const GeoScan& scan, GeoResult* result) const;

  // Scan + Resolve of one text (tests and small uses).
  GeoResult Tag(std::string_view text) const;

  // The folded form of a name as the matcher sees it ("S:t Eriksplan" ->
  // "s t eriksplan").
  static std::string FoldName(std::string_view name);

  // For tests: the words of `text` as Fold (or FoldReference) finds them,
  // one per line (spans, folded form, hash, flags), then the candidates.
  std::string DebugTokens(std::string_view text, bool reference) const;

 private:
  struct Group {                    // every entry with one folded name
    std::string key;                // folded name, words joined by ' '
    std::vector<uint32_t> entries;  // best first (kind, population)
    PlaceContext context;           // the strictest of its entries
    bool direction;                 // "söder": never a place before "om"
    bool street;                    // every entry is a street or square
  };
  // Near-miss spelling ("Kungsholmn") is tried for names of this many
  // folded bytes or more (one word, context any).
  static constexpr size_t kNearMissMinLength = 8;
  bool FuzzyTarget(uint32_t group) const;
  static bool IsWord(const GeoScan& s, size_t i, std::string_view w);
  // The group one edit away from the folded word w with the same first
  // letter, or -1 (none, or several).
  int NearMiss(std::string_view w) const;
  void ScanNearMisses(bool location, GeoScan* scan) const;
  // A hash table slot: 8 bytes, so that the tables stay in the cache. The
  // slot is chosen by the hash's low bits; `tag` is its high 32 bits (| 1:
  // 0 marks an empty slot). A hit is checked against the words themselves.
  struct Slot {
    uint32_t tag = 0;
    uint32_t value = 0;  // group + 1, or max word count for the first-word table
  };
  static uint32_t Tag(uint64_t hash) { return static_cast<uint32_t>(hash >> 32) | 1; }

  // Splits the text into words, folds and hashes them (GeoScan's tokens)
  // and notes the candidates. FoldReference is the plain version Fold is
  // tested against.
  void Fold(std::string_view text, GeoScan* scan) const;
  void FoldReference(std::string_view text, GeoScan* scan) const;
  void Candidate(uint64_t hash, GeoScan* scan) const;
  void Insert(std::vector<Slot>* table, uint64_t hash, uint32_t value, bool keep_max);
  uint32_t Find(const std::vector<Slot>& table, uint64_t hash) const;
  int MatchAt(const GeoScan& s, size_t i, uint32_t* group, int* suffix) const;
  bool HasEvidenceBefore(const GeoScan& s, size_t i, double* weight) const;
  // A small hash set of words (power-of-two size) by HashWord: index or -1.
  static void InsertSmall(std::vector<Slot>* table, std::string_view word, uint32_t index);
  static int FindSmall(const std::vector<Slot>& table, uint64_t hash);
  bool HasStationAfter(const GeoScan& s, size_t j) const;

  const Gazetteer* gaz_;
  std::vector<Group> groups_;
  std::vector<Slot> names_;     // name hash -> group + 1 (| suffix kind << 28)
  std::vector<Slot> first_;     // hash of the first word -> max words of names starting so
  std::vector<Slot> evidence_;  // kEvidence by word hash
  std::vector<Slot> station_;   // kStationAfter by word hash
  std::unordered_map<uint64_t, uint32_t> near_;  // one-letter deletions of long names -> group
  std::vector<uint64_t> bloom_;                  // 65536 bits: top 16 bits of first-word hashes
  uint64_t mask_ = 0;
  // per entry: 1 = yields to a place in another kommun of its county (a
  // county's largest kommun, a county-level area), 2 = yields to a place in
  // any other kommun (a generic name: centralen, city)
  std::vector<uint8_t> main_city_;
  std::vector<uint16_t> code_;            // per entry: kommunkod as a number (0180 -> 180)
  std::vector<std::string> case_folded_;  // per entry: name folded for case only  // per entry: a
                                          // kommun row of its county's largest kommun
};

// Parses a --region value: "stockholm" (or another county's name), or a list
// of kommunkod prefixes such as "01,0380". Returns the prefixes.
Result<std::vector<std::string>> ParseRegion(std::string_view spec);

// True iff `kommunkod` starts with one of `prefixes`.
bool InRegion(std::string_view kommunkod, const std::vector<std::string>& prefixes);

}  // namespace karta

#endif  // KARTA_LIB_GEOTAG_H_
