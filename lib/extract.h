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
//   handles  "snap: name", "Snapchat @name", "kik - name", "t.me/name",
//            "instagram.com/name", "OF: name", as "kind:name" with kind one
//            of whatsapp, telegram, snap, kik, instagram, onlyfans; the
//            name lower case.
//   ages     "19 år", "19år", "19-åring", "19yo", "19 y/o", "19 years",
//            "ålder: 19", "age 19", "Anna (19)", "född 2006" / "born 2006"
//            (against the reference year), written-out numbers ("nitton år",
//            "tjugotvå år", "twenty two years"). Not ages: prices, times,
//            24/7, "dygnet runt", distances, "i 5 år" (a duration).
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
  std::vector<int> ages;             // stated ages in years
  std::vector<std::string> prices;   // "1500 SEK/h"
  std::vector<std::string> handles;  // "snap:name"

  void Clear();
};

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
  // `ref_year` is the year "född 2006" is counted from.
  void Extract(std::string_view text, int ref_year, Extraction* out);

 private:
  ExtractWhat what_;
  PhoneValidator phones_;
  std::unique_ptr<Tokens> tokens_;  // reused from text to text
};

// The single extractors (each appends new values to `out`, skipping ones
// already there).
void ExtractPhones(std::string_view text, PhoneValidator* v, std::vector<std::string>* out);
void ExtractEmails(std::string_view text, std::vector<std::string>* out);
void ExtractHandles(std::string_view text, std::vector<std::string>* out);
void ExtractAges(std::string_view text, int ref_year, std::vector<int>* out);
void ExtractPrices(std::string_view text, std::vector<std::string>* out);

// The year of an RFC 3339 date or timestamp ("2026-05-01T…"), or 0.
int YearOf(std::string_view date);

}  // namespace karta

#endif  // KARTA_LIB_EXTRACT_H_
