// Pieces: cuts a very large text into pieces of bounded size, so that tools
// whose working memory is a multiple of the text (geotag's folded words,
// extract's tokens) stay bounded on a huge field (issue #23.8: one 100 MB
// field took geotag to 2.85 GiB).
//
// A piece ends at a line end if there is one in its last quarter, else at a
// sentence end (". ", "! ", "? "), else at a space, else at a UTF-8
// character boundary; so a phone number or a place name is cut only when
// the text has no space for max/4 bytes. Texts up to `max` bytes are one piece.
//
// Example:
//   for (std::string_view rest = text, p; !(p = NextPiece(&rest, kPiece)).empty();)
//     tagger.Scan(p, false, &scan);
//
// Thread-safety: pure functions.
#ifndef KARTA_LIB_PIECES_H_
#define KARTA_LIB_PIECES_H_

#include <cstddef>
#include <string_view>

namespace karta {

// The size tools cut large fields into.
inline constexpr size_t kPieceBytes = size_t{1} << 20;

// Returns the next piece of *rest (at most `max` bytes, REQUIRES max >= 8)
// and removes it from *rest; empty when *rest is empty.
inline std::string_view NextPiece(std::string_view* rest, size_t max) {
  std::string_view s = *rest;
  if (s.size() <= max) {
    *rest = std::string_view();
    return s;
  }
  const size_t floor = max - max / 4;
  size_t cut = std::string_view::npos;
  size_t nl = s.rfind('\n', max - 1);
  if (nl != std::string_view::npos && nl >= floor) cut = nl + 1;
  if (cut == std::string_view::npos) {
    for (size_t i = max - 1; i > floor; --i) {
      if (s[i] == ' ' && (s[i - 1] == '.' || s[i - 1] == '!' || s[i - 1] == '?')) {
        cut = i + 1;
        break;
      }
    }
  }
  if (cut == std::string_view::npos) {
    size_t sp = s.rfind(' ', max - 1);
    if (sp != std::string_view::npos && sp >= floor) cut = sp + 1;
  }
  if (cut == std::string_view::npos) {
    cut = max;
    while (cut > 1 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80) --cut;
  }
  *rest = s.substr(cut);
  return s.substr(0, cut);
}

}  // namespace karta

#endif  // KARTA_LIB_PIECES_H_
