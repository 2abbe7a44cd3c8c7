// Pseudonym: stable keyed tokens for phone numbers, emails and handles.
//
// A token is HMAC-SHA-256(key, "KIND:VALUE"), truncated to 16 hex digits (64
// bits) and prefixed by the kind: "tel:3f9a07c1d2e4b5a6". The same value
// gives the same token with the same key, on any machine, so staff can count
// and link ads without seeing raw numbers; without the key a token cannot be
// turned back into the number (a phone number has few enough possibilities
// that an unkeyed hash could be reversed by trying them all, hence the key).
//
// The key is a file of 32 random bytes written as 64 hex digits. It must be
// readable by its owner only (mode 0600 or stricter): LoadKey refuses a key
// file that the group or others can read or write. Anyone with the key can
// test whether a given number is behind a token, so keep it like a password
// and use one key for one body of work: a new key gives unlinkable tokens.
//
// Thread-safety: a Pseudonymizer is immutable after construction.
#ifndef KARTA_LIB_PSEUDONYM_H_
#define KARTA_LIB_PSEUDONYM_H_

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "lib/extract.h"
#include "lib/status.h"

namespace karta {

class Pseudonymizer {
 public:
  // `key` is the secret (any bytes; at least 16).
  explicit Pseudonymizer(std::string key) : key_(std::move(key)) {}

  // Reads a key file written by CreateKeyFile. Errors: missing or unreadable
  // file (Io), a file others may read (Usage, with the chmod to run), a file
  // that does not hold a key (Usage).
  static Result<Pseudonymizer> FromKeyFile(const std::string& path);

  // Creates `path` (mode 0600, never overwriting) holding a new random key.
  static Status CreateKeyFile(const std::string& path);

  // "KIND:" + 16 hex digits of HMAC-SHA-256(key, "KIND:VALUE").
  std::string Token(std::string_view kind, std::string_view value) const;

 private:
  std::string key_;
};

// ---- Pseudonymising free text -------------------------------------------
//
// Replacing the `phones` column is not enough: the number is still written
// in the ad's text, title, URL or a profile field. LocateIdentifiers finds
// where in a text each identifier is written, using the extractor itself as
// the judge, so every written form the extractor reads (spaced digits, a
// letter O for zero, digit words, "(at)" e-mails, "snap: name") is found
// without a second copy of its rules, and a form it learns later is found
// too:
//
//   1. `find` over the whole text gives the identifiers it holds (the
//      reference: a shorter number that is a valid prefix of a longer one
//      is not taken for it).
//   2. From a position p, the shortest prefix text[p, e) in which `find`
//      sees one of them gives the end e (galloping then bisection), the
//      latest start b with `find` still seeing it in text[b, e) the start.
//   3. [b, e) is recorded and the search goes on from e.
//
// Each identifier costs O(log n) calls of `find` on at most a few hundred
// bytes (written forms are short), so a text is searched in time close to
// linear in its length.

// An identifier: `kind` is the token prefix ("tel", "mail", or a handle's
// platform such as "snap"), `value` what is keyed (E.164, lower-case e-mail,
// the handle's name).
struct Identifier {
  std::string kind;
  std::string value;
  bool operator==(const Identifier&) const = default;
};

// Appends the identifiers written in `text` to *out.
using IdentifierFinder = std::function<void(std::string_view text, std::vector<Identifier>* out)>;

struct IdentifierSpan {
  size_t begin = 0;  // byte offsets into the text, [begin, end)
  size_t end = 0;
  Identifier id;
};

// The places in `text` where an identifier `find` reports is written, in
// order, not overlapping.
std::vector<IdentifierSpan> LocateIdentifiers(std::string_view text, const IdentifierFinder& find);

// Rewrites *text with every located identifier replaced by its token, and
// every literal occurrence of a `known` identifier (one found in another
// column of the record: E.164 "+4670…" and its national form "070…", the
// e-mail, a handle's name standing alone) as well. Returns the number of
// replacements.
size_t PseudonymizeText(const Pseudonymizer& p, const IdentifierFinder& find,
                        const std::vector<Identifier>& known, std::string* text);

// A finder over `ex` (which should run phones, emails and handles; it must
// outlive the finder). Handles "snap:name" become {"snap", "name"}.
IdentifierFinder IdentifierFinderFor(Extractor* ex);

// Appends the phones, emails and handles of `x` as identifiers.
void AppendIdentifiers(const Extraction& x, std::vector<Identifier>* out);

// True for the fetch columns that hold no free text (sha256, status,
// fetched_at, posted_at, content_type): left as they are.
bool IsMachineColumn(std::string_view name);

}  // namespace karta

#endif  // KARTA_LIB_PSEUDONYM_H_
