// Hints for messages: "did you mean" suggestions by edit distance, and a
// guess at the delimiter when a header row was read with the wrong one.
// The tools' messages for unknown tools, flags, columns and rule names use
// them, so a typo is answered with the right name.
//
// Thread-safety: pure functions.
#ifndef KARTA_LIB_HINTS_H_
#define KARTA_LIB_HINTS_H_

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace karta {

// Levenshtein distance between a and b, in bytes, ASCII case folded.
size_t EditDistance(std::string_view a, std::string_view b);

// The candidate closest to `name`, if it is close enough to be a likely typo
// (distance at most 1 for names up to 4 bytes, 2 up to 8, else 3, and less
// than the name's length), or "" if none is. Ties go to the first candidate.
std::string Closest(std::string_view name, const std::vector<std::string>& candidates);

// " (did you mean 'X'?)" for Closest(name, candidates), or "".
std::string DidYouMean(std::string_view name, const std::vector<std::string>& candidates);

// When `header` (the cells of a header row read with `delimiter`) is one
// cell that holds ';' or a tab, a hint saying which -d to give, e.g.
// "the header looks semicolon-separated: give -d ';'"; else "".
std::string DelimiterHint(const std::vector<std::string>& header, char delimiter);

}  // namespace karta

#endif  // KARTA_LIB_HINTS_H_
