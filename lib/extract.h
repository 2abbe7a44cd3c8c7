// Extract: phone numbers, emails, messaging handles, stated ages and prices
// out of the free text of an ad.
//
// Ad writers obfuscate on purpose, so each extractor first undoes what ads do
// and then decides:
//
//   phones   digit runs with spaces, dots, dashes, brackets or emoji between
//            the groups; a letter O/o for zero inside a digit group ("O7O");
//            digits written as Swedish or English words ("noll sju noll",
//            "zero seven"); "+46 (0)70", "0046"; validated against
//            libphonenumber's metadata for the default region (SE) and
//            written as E.164 ("+46701234567"). A run must start with 0, +
//            or 00 to be a number, so prices, years, dates, ad ids and
//            postal codes are not taken; dates shaped DD.MM.YYYY or
//            YYYY-MM-DD are rejected outright.
//   emails   "name@host.se", and "name (at) host [dot] se", " at ", " dot ",
//            "snabel-a", "punkt"; written lower case.
//            Links and hrefs: "wa.me/46…", "api.whatsapp.com/send?phone=46…",
//            "t.me/+46…", "signal.me/#p/+46…", "tel:", "sms:", "viber://…
//            number=%2B46…". Fullwidth digits (０７０) and keycaps (0️⃣) are
//            read as digits; digits glued to words ("ring0701234567nu") and
//            digit words glued together ("nollsjunoll") are split. Not
//            phones: a personnummer's shape (YYMMDD-NNNN), a number right
//            after "id", "ref" or "annons-id".
//   handles  "snap: name", "Snapchat @name", "kik - name", "t.me/name",
//            "instagram.com/name", "OF: name", "👻 name", "Wickr Me: name",
//            "Threema ID: ABCD2345", as "kind:name" with kind one of the
//            platforms in HandlePlatforms() (whatsapp, telegram, snap, kik,
//            instagram, onlyfans, signal, wickr, threema, session, viber);
//            the name lower case.
//   ages     "19 år", "19år", "19-åring", "19yo", "19 y/o", "19 years",
//            "ålder: 19", "age 19", "Anna (19)", "jag är 19", "I'm 19",
//            written-out numbers ("nitton år", "tjugotvå år", "twenty two
//            years", "jag är nitton"), keycaps and fullwidth digits.
//            Implied: "snart 18", "fyller 18 i mars", "almost 18",
//            "turning 18" give 17; "nybliven 18", "nyss fyllt 18", "just
//            turned 18" give 18; birth years "född 2006", "född -07",
//            "07:a", "född i mars 2008" are counted from the reference
//            date (year, and month when the birth month is given). "inte
//            18 än", "not 18 yet", "jag är under 18" state no age but set
//            Extraction::minor. Not ages: prices, times, sizes, 24/7,
//            "18+", "i 5 år" (a duration), "17 år i branschen", "min
//            dotter är 16", "du måste vara 18", "18 år och äldre".
//   prices   "1500 kr/h", "2000:-", "1 500 SEK", "200 €", "€200", "1000kr
//            per timme" as "AMOUNT CURRENCY[/UNIT]": "1500 SEK/h", "2000
//            SEK", "200 EUR". Units: h, 30min, 15min, 2h, night.
//
// Every list is de-duplicated and in order of first appearance.
//
// Speed (issue 6: >= 50 MB/s per core, all extractors on). A text is split
// into words once (16 bytes at a time, lib/wordscan.h); the tokenizer also
// lists, per extractor, the words it can start at (digits for prices, a
// number word's first letter for ages, a platform's first letter for
// handles, ...), so each extractor visits only those. Validated national
// numbers are remembered in a table keyed by the digits as an integer.
//
// Thread-safety: an Extractor caches phone validations; use one per thread.
// The free functions are pure.
#ifndef KARTA_LIB_EXTRACT_H_
#define KARTA_LIB_EXTRACT_H_

#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace karta {

// Which extractors run.
struct ExtractWhat {
  bool phones = true;
  bool emails = true;
  bool ages = true;
  bool prices = true;
  bool handles = true;
};

struct Extraction {
  std::vector<std::string> phones;   // E.164
  std::vector<std::string> emails;   // lower case
  std::vector<int> ages;             // stated or implied ages in years
  std::vector<std::string> prices;   // "1500 SEK/h"
  std::vector<std::string> handles;  // "snap:name"
  bool minor = false;                // an under-18 signal that states no age ("inte 18 än")

  void Clear();
};

// The date ages are counted from: the ad's own date. month 0: unknown
// (birth years then count whole years). year 0: none (no birth years).
struct RefDate {
  int year = 0;
  int month = 0;
};

// The extractors, as one table: the name is the `--only` name and the
// output column; `on` is the ExtractWhat switch; `token_kind` is the
// pseudonym prefix of its values ("tel", "mail"; "*": each value's own
// "kind:" prefix; "": values are never pseudonymised); `help` one line
// for --help. Extractor::Extract runs them in this order.
struct ExtractorInfo {
  std::string_view name;
  bool ExtractWhat::*on;
  std::string_view token_kind;
  std::string_view help;
};
std::span<const ExtractorInfo> Extractors();

// The values extractor `x` (an entry of Extractors()) found, as text.
void ExtractedValues(const Extraction& ex, const ExtractorInfo& x, std::vector<std::string>* out);

// The messaging platforms handles are read for: the words that name one
// ("snapchat", "sc"), the kind written ("snap"), and how a name is checked.
// The fast path's first letters and word lengths are computed from this
// table (extract.cc), so adding a row is all a new platform needs.
struct HandlePlatform {
  std::string_view word;  // lower case, ASCII letters
  std::string_view kind;
  bool weak;  // needs ':' '@' or the like after it ("sc", "signal")
  // The shape of a name: 0 any (2..30 name characters), 1 Threema (8
  // letters or digits), 2 Session (66 hex digits starting "05").
  int shape = 0;
};
std::span<const HandlePlatform> HandlePlatforms();

// Validates phone numbers with libphonenumber's metadata. Numbers in the
// default region (national "0…" or "+46…") are checked against the region's
// number patterns compiled once with RE2 (libphonenumber's own ICU-regex
// parser is far too slow to call per candidate); other country codes go to
// libphonenumber's PhoneNumberUtil. Results are cached.
class PhoneValidator {
 public:
  // `region` is an ISO 3166 region code ("SE").
  explicit PhoneValidator(std::string region = "SE");
  ~PhoneValidator();
  PhoneValidator(const PhoneValidator&) = delete;
  PhoneValidator& operator=(const PhoneValidator&) = delete;

  // `candidate` is digits with an optional leading '+' (a leading "00" is an
  // international prefix). Returns the E.164 form, or "" if not a valid
  // number.
  std::string ToE164(std::string_view candidate);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

struct Tokens;

class Extractor {
 public:
  explicit Extractor(ExtractWhat what = {}, std::string region = "SE");
  ~Extractor();
  Extractor(const Extractor&) = delete;
  Extractor& operator=(const Extractor&) = delete;

  // Adds what `text` holds to `out` (de-duplicated against what is already
  // there, so several fields of one record can be added in turn).
  // `ref` is the date birth years ("född 2006") are counted from.
  void Extract(std::string_view text, RefDate ref, Extraction* out);
  void Extract(std::string_view text, int ref_year, Extraction* out) {
    Extract(text, RefDate{ref_year, 0}, out);
  }

 private:
  ExtractWhat what_;
  PhoneValidator phones_;
  std::unique_ptr<Tokens> tokens_;  // reused from text to text
  std::string norm_;                // scratch: text with digits normalised
};

// The single extractors (each appends new values to `out`, skipping ones
// already there).
void ExtractPhones(std::string_view text, PhoneValidator* v, std::vector<std::string>* out);
void ExtractEmails(std::string_view text, std::vector<std::string>* out);
void ExtractHandles(std::string_view text, std::vector<std::string>* out);
void ExtractAges(std::string_view text, int ref_year, std::vector<int>* out);
// As above, counted from `ref`; sets *minor on an under-18 signal without an
// age (minor may be null).
void ExtractAges(std::string_view text, RefDate ref, std::vector<int>* out, bool* minor);
void ExtractPrices(std::string_view text, std::vector<std::string>* out);

// The year of an RFC 3339 date or timestamp ("2026-05-01T…"), or 0.
int YearOf(std::string_view date);
// The year and month of an ISO 8601 / RFC 3339 date ("2026-05-01T…",
// "2026-05"); {0, 0} if it does not start with one, {year, 0} for a bare
// year. (A small local reader until lib/dates is in.)
RefDate RefDateOf(std::string_view date);

// `text` with fullwidth digits, '+' and '-' (０７０) and keycap digits (0️⃣)
// as ASCII and "%2B" as '+', written into *out; returns false (and leaves
// *out alone) when there is nothing to change.
bool NormalizeDigits(std::string_view text, std::string* out);

}  // namespace karta

#endif  // KARTA_LIB_EXTRACT_H_
