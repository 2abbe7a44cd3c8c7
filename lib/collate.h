// Collate: Swedish alphabetical order for text, and byte keys that sort the
// way people expect (numbers by value, times in time order).
//
// Swedish staff expect Swedish dictionary order: A-Z, then Å, Ä, Ö; case
// never matters ("Apa" and "apa" are equal: a stable sort keeps their input
// order), accents only break ties (e before é before f), and v/w are
// separate letters. This is ICU's collator for locale "sv" (CLDR) at
// secondary strength; with `numeric` set, runs of digits compare by value
// ("ad 9" before "ad 10": natural order).
//
// A sort key is a byte string: comparing two keys with memcmp (std::string's
// operator<) gives the collation order, so a sort computes one key per row
// and then only compares bytes (what ICU recommends for sorting many rows).
// The Key* functions append a key *segment* for one field; segments are
// prefix-free, so a composite key (several columns, each ascending or
// descending) is the concatenation of its segments, and InvertSegment() turns
// an ascending segment into a descending one.
//
// Example:
//   auto sv = Collator::Swedish();
//   std::string ka, kb;
//   (*sv)->AppendKey("Östermalm", &ka);
//   (*sv)->AppendKey("Zinkensdamm", &kb);
//   assert(kb < ka);                        // Z before Ö
//   assert((*sv)->Compare("apa", "Apa") == 0);
//
// Thread-safety: a Collator is used from one thread (it keeps scratch
// buffers); CompareSwedish() keeps one collator per thread.
#ifndef KARTA_LIB_COLLATE_H_
#define KARTA_LIB_COLLATE_H_

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "lib/status.h"

namespace karta {

class Collator {
 public:
  // The Swedish collator ("sv"); `numeric`: digits compare by value. Fails
  // only when ICU's data lacks the locale (an install problem).
  static Result<std::unique_ptr<Collator>> Swedish(bool numeric = false);
  ~Collator();
  Collator(const Collator&) = delete;
  Collator& operator=(const Collator&) = delete;

  // Appends the ICU sort key of UTF-8 `text` to `out`: no zero bytes inside,
  // ending in one zero byte (so it is prefix-free). Invalid UTF-8 counts as
  // U+FFFD.
  void AppendKey(std::string_view text, std::string* out);
  // <0, 0, >0 as `a` sorts before, with or after `b`.
  int Compare(std::string_view a, std::string_view b);

 private:
  struct Impl;
  explicit Collator(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// Compares UTF-8 text in Swedish order, then (text equal but for case) by
// bytes, so the order is total (a per-thread Collator; byte order only if
// ICU cannot make one).
int CompareSwedish(std::string_view a, std::string_view b);

// ---- Key segments --------------------------------------------------------------
//
// Every segment starts with a class byte: a value (0x01) sorts before an
// empty cell (0x02), so empty cells come last, also in descending order
// (InvertSegment leaves the class byte alone).

// An empty cell.
void AppendEmptySegment(std::string* out);
// Text in collation order (`c` may be null: then byte order).
void AppendTextSegment(std::string_view text, Collator* c, std::string* out);
// A number in numeric order (-0 == 0; REQUIRES: not NaN).
void AppendNumberSegment(double v, std::string* out);
// Inverts the segment that starts at out[from] (descending order).
void InvertSegment(std::string* out, size_t from);

}  // namespace karta

#endif  // KARTA_LIB_COLLATE_H_
