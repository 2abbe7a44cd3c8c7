// The synthetic practice world: a pure function from (seed, ad index) to an ad.
//
// Everything here is deterministic and portable: the only randomness is a
// xoshiro256** generator seeded with splitmix64, and every range is drawn with
// our own integer helpers (std:: distributions are implementation-defined and
// would give different bytes on different standard libraries). No floating
// point is used, so the same seed gives the same bytes on every machine.
//
// An ad depends only on (seed, ads, weeks, index): generating ad i never needs
// ad i-1, which lets the writer stream a million ads and regenerate any ad on
// demand (listing pages do that instead of holding the corpus in memory).
//
// Identifiers follow people, as dedupe's ground truth needs: each advertiser
// has her own phone number, e-mail address and handle (personal accounts are
// never shared). The one exception is deliberate and rare: about 1.5% of
// advertisers share a number with exactly one other (SharesPhone: pairs, never
// chains, because a number shared along a chain would join many advertisers
// into one cluster, which is both unrealistic and quadratic in pairwise
// precision). Truth keeps them as different advertisers, and
// karta-practice-check counts them.
//
// Nothing in this world is real: names are invented first names, e-mail
// domains end in .example, phone numbers come from the series described in
// examples/practice-site/README.md (PTS's fiction series first).
#ifndef KARTA_PRACTICE_WORLD_H_
#define KARTA_PRACTICE_WORLD_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace practice {

// ---- randomness -----------------------------------------------------------

inline uint64_t SplitMix64(uint64_t* x) {
  uint64_t z = (*x += 0x9E3779B97F4A7C15ULL);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

class Rng {
 public:
  // A stream named by (seed, a, b): independent streams for ads, advertisers.
  Rng(uint64_t seed, uint64_t a, uint64_t b) {
    uint64_t x = seed ^ (a * 0xD1B54A32D192ED03ULL) ^ (b * 0xABC98388FB8FAC03ULL);
    for (auto& v : s_) v = SplitMix64(&x);
  }
  uint64_t Next() {
    const uint64_t result = Rotl(s_[1] * 5, 7) * 9;
    const uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = Rotl(s_[3], 45);
    return result;
  }
  // Uniform in [0, n), n > 0, without modulo bias (rejection sampling).
  uint64_t Below(uint64_t n) {
    const uint64_t limit = UINT64_MAX - UINT64_MAX % n;
    uint64_t r;
    do r = Next();
    while (r >= limit);
    return r % n;
  }
  // Uniform in [lo, hi].
  int64_t Range(int64_t lo, int64_t hi) { return lo + static_cast<int64_t>(Below(hi - lo + 1)); }
  // True with probability pct/100.
  bool Pct(int pct) { return Below(100) < static_cast<uint64_t>(pct); }
  template <class T, size_t N>
  const T& Pick(const T (&arr)[N]) {
    return arr[Below(N)];
  }
  template <class T>
  const T& Pick(const std::vector<T>& v) {
    return v[Below(v.size())];
  }

 private:
  static uint64_t Rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  uint64_t s_[4];
};

// ---- calendar (proleptic Gregorian, UTC seconds) --------------------------

int64_t DaysFromCivil(int64_t y, unsigned m, unsigned d);
void CivilFromDays(int64_t z, int64_t* y, unsigned* m, unsigned* d);
// "2026-11-22T13:05:00Z"
std::string Rfc3339(int64_t t);
// Europe/Stockholm offset in seconds at UTC time t (CET/CEST, EU rules).
int64_t StockholmOffset(int64_t t);
// Parses YYYY-MM-DD; false if malformed.
bool ParseDate(std::string_view s, int64_t* days);

// ---- places ---------------------------------------------------------------

struct PlaceForm {
  const char* prep;  // "på", "i", "nära", "vid" or "" (the word stands alone)
  const char* word;  // "Söder", "Solna", "T-Centralen", "Farsta-området"
};

struct Place {
  const char* canon;      // canonical place name written to truth.csv
  const char* kommun;     // municipality name
  const char* kommunkod;  // SCB code, 4 digits
  std::vector<PlaceForm> forms;
};

const std::vector<Place>& Places();
// Index of the place whose canon equals the kommun name (kommun-level place).
int KommunPlace(const char* kommun);
// Self-check of the place table: every kommun has a kommun-level entry with
// the same kommunkod (annonsera's region field writes the kommun, and truth
// must then name it), codes are 4 digits and on the right side of the region
// boundary, no written form names two places. Returns the problems found
// (empty if none); karta-practice and karta-practice-check refuse to run on a
// broken table.
std::vector<std::string> CheckTables();
// The same checks on any table (tests feed it broken ones).
std::vector<std::string> CheckPlaceTable(const std::vector<Place>& places);

// ---- the world -------------------------------------------------------------

enum Kind { kAd = 0, kClinic = 1, kOther = 2 };
const char* KindName(int kind);

struct SiteInfo {
  const char* host;
  const char* charset;  // "utf-8" or "iso-8859-1"
  int per_page;
};
constexpr int kSites = 3;
const SiteInfo& Site(int s);
// The URL path of ad `ad_id` on site s ("/annons/17"), and its file under
// sites/<host>/ ("annons/17.html").
std::string AdPath(int s, uint64_t ad_id);
std::string AdFile(int s, uint64_t ad_id);
// Listing page p (1-based) path and file.
std::string ListPath(int s, int64_t page);
std::string ListFile(int s, int64_t page);

struct Params {
  uint64_t seed = 1;
  uint64_t ads = 500;
  int64_t weeks = 8;
  int64_t end = 0;  // exclusive end of the window (UTC seconds)
};

struct Ad {
  uint64_t id = 0;          // 1-based ad id, also in the URL
  uint64_t advertiser = 0;  // advertiser id (dedupe truth)
  int kind = kAd;
  int site = 0;
  int lang = 0;  // 0 Swedish, 1 English
  int64_t posted = 0;
  int64_t removed = 0;  // INT64_MAX if never removed
  int64_t edited = 0;   // when the advertiser edited the text; INT64_MAX if never
  std::string title;
  std::string text;                  // paragraphs separated by "\n"
  std::string location_field;        // site's structured/free-text field, or empty
  int place = -1;                    // index in Places(), -1 if none
  int age = 0;                       // stated age, 0 if none
  std::vector<std::string> phones;   // E.164
  std::vector<std::string> emails;   // normalised user@domain
  std::vector<std::string> handles;  // kind:name
};

// The paragraph an edit adds to the end of an ad's text (snapshots taken
// after ad.edited show it; the whole archive shows ads as first posted). It
// names no place, number or contact, so the ad's truth is unchanged.
std::string EditNote(const Ad& ad);

// True if advertiser a (of `count`) shares its phone number with the other
// member of its pair (a and a^1): about 2% of the pairs in which both are
// sex-work advertisers, so about 1.5% of advertisers, never more than two per
// number. Truth keeps the two as different advertisers.
bool SharesPhone(const Params& p, uint64_t a, uint64_t count);

class World {
 public:
  explicit World(Params p);
  const Params& params() const { return p_; }
  int64_t start() const { return start_; }
  uint64_t advertisers() const { return advertisers_; }
  // Ad number i (0-based); a pure function of the parameters and i.
  Ad Generate(uint64_t i) const;

 private:
  Params p_;
  int64_t start_;
  uint64_t advertisers_;
};

// National significant phone number for phone slot k ("0701740605"), and
// its area-code length (digits including the leading 0).
std::string PhoneNational(uint64_t slot, int* area_len);
std::string E164(const std::string& national);

// Swedish number word for 18..45 ("nitton", "tjugotvå").
std::string SwedishNumber(int n);

}  // namespace practice

#endif  // KARTA_PRACTICE_WORLD_H_
