// Text: UTF-8 validation and decoding, Swedish-aware case and diacritic
// folding, and Unicode word boundaries.
//
// Why not RE2's \b: it is ASCII-only, so "Östermalm" would not be a word. Here
// a word character is a Unicode letter, mark or digit (utf8proc categories),
// so Ö, Å and Ä are word characters like any other letter.
//
// Folding: FoldCase lowercases by Unicode case folding (Ö -> ö). With
// `diacritics` also folded, letters lose their marks (ö -> o, å -> a, é -> e),
// so that "ostermalm" finds "Östermalm". Swedish treats å, ä, ö as letters of
// their own, so diacritic folding is an option, never the default.
//
// Thread-safety: all functions are pure.
#ifndef KARTA_LIB_TEXT_H_
#define KARTA_LIB_TEXT_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace karta {

// Returns true iff `s` is valid UTF-8 (no overlongs, no surrogates, <= U+10FFFF).
// On false, *bad_offset (if given) is the byte offset of the first bad sequence.
bool Utf8Valid(std::string_view s, size_t* bad_offset = nullptr);

// Length of the longest prefix of `s` that is valid UTF-8 without NUL bytes
// (s.size() when all of it is). A multi-byte sequence cut off at the end of
// `s` ends the prefix, so a caller validating a stream in chunks carries
// those bytes over.
size_t Utf8TextPrefix(std::string_view s);

// ASCII-only helpers for protocol text (HTTP and WARC headers, robots.txt):
// there case and space are ASCII by definition, so no Unicode tables.
inline char AsciiLower(char c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}
bool EqualsNoCaseAscii(std::string_view a, std::string_view b);
bool StartsWithNoCaseAscii(std::string_view s, std::string_view prefix);
// `s` without leading and trailing spaces, tabs, CRs and LFs.
std::string_view TrimAsciiSpace(std::string_view s);

// True when the CPU (and the OS) support AVX2, for the byte scanners that
// have an AVX2 loop beside their SSE2 one (lib/text, lib/csv). KARTA_NO_AVX2
// set in the environment says no, to test the SSE2 paths on any machine.
bool CpuHasAvx2();

// Decodes the code point at s[*i] and advances *i. Invalid bytes decode as
// U+FFFD and advance by one byte.
char32_t DecodeUtf8(std::string_view s, size_t* i);

// Appends the UTF-8 encoding of `c` to `out`.
void AppendUtf8(std::string* out, char32_t c);

// True for Unicode letters, marks and decimal digits.
bool IsWordChar(char32_t c);
bool IsLetter(char32_t c);

struct FoldOptions {
  bool case_fold = true;
  bool diacritics = false;  // also strip marks: ö -> o, å -> a
};

// Returns the folded form of `s` (invalid UTF-8 bytes become U+FFFD).
std::string Fold(std::string_view s, FoldOptions opts = {});

// Folded text with, for each byte of `text`, the byte offset in the original
// string of the code point it came from (plus a final entry for the end), so
// that a match in folded text maps back to a span of the original.
struct FoldedText {
  std::string text;
  std::vector<uint32_t> origin;
};
FoldedText FoldWithOffsets(std::string_view s, FoldOptions opts = {});

// A word: a maximal run of word characters. `begin`/`end` are byte offsets.
struct WordSpan {
  size_t begin;
  size_t end;
};
// Splits `s` into words by Unicode word characters.
std::vector<WordSpan> Words(std::string_view s);

// True iff the byte range [begin, end) of `s` starts and ends at word
// boundaries (the characters just outside are not word characters).
bool AtWordBoundaries(std::string_view s, size_t begin, size_t end);

// Collapses runs of Unicode white space to one ASCII space and trims the ends.
std::string NormalizeSpace(std::string_view s);

// Appends `s` as a JSON string literal, quotes included (", \ and control
// characters escaped). With `for_script`, also <, >, & and U+2028/U+2029, so
// that the literal is safe inside an HTML <script> element.
void AppendJsonString(std::string* out, std::string_view s, bool for_script = false);
std::string JsonString(std::string_view s, bool for_script = false);

}  // namespace karta

#endif  // KARTA_LIB_TEXT_H_
