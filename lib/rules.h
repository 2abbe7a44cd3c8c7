// Rules: named, Swedish-aware search rules read from `.rules` files, and the
// one-pass matcher that finds which rules match a text.
//
// The rule file format (taught in queries/README.md):
//
//   # A comment: a line whose first non-blank character is '#'.
//   include contact.rules          another rule file, relative to this one
//   rule ad                        starts the rule called `ad`
//     words: träffas, sällskap, diskret, massage*
//     words: första gången         a phrase: these words in this order
//     regex: \d{2}\s*(år|yo)       an RE2 regular expression
//     diacritics: ignore           `ostermalm` also finds `Östermalm`
//     age: 12-17                   a stated or implied age in this range
//
// - A rule matches a text if any of its words, phrases or regexes does.
// - Words match whole words, ignoring case: `ung` finds "Ung" but not "ungdom"
//   or "kung". A word character is a Unicode letter, mark, digit or '_', so
//   Ö, Å and Ä are letters like any other (RE2's \b is ASCII-only and would
//   get "Östermalm" wrong; the word checks here do not). A trailing `*` makes
//   a stem: `ung*` finds "ung", "unga", "ungdom". A phrase's words may be
//   separated in the text by any run of spaces or punctuation.
// - `age: LO-HI` (or `age: N`) matches a text that states or implies an
//   age from LO to HI years, as `karta extract` reads ages (lib/extract.h:
//   "16 år", "jag är 16", "snart 18", "född -07", "07:a"...); a range that
//   reaches below 18 also matches an under-18 signal without an age ("inte
//   18 än"). Birth years are counted from the date given to the Matcher
//   (SetReferenceDate; `karta filter` gives each record's posted_at, else
//   fetched_at, else today).
// - A line that ends with ',' continues on the next line.
// - Regexes (RE2 syntax) are matched anywhere in the text, ignoring case.
//   Their \b and \w are RE2's own (ASCII-only); use `words:` for words.
// - `diacritics: ignore` makes the whole rule ignore marks on letters, in the
//   text and in its words and regexes (å, ä -> a, ö -> o, é -> e). Swedish
//   treats å, ä, ö as letters of their own, so this is never the default.
// - Rule names are letters, digits, '_' and '-', starting with a letter;
//   `and`, `or` and `not` are reserved for --where expressions. A name may be
//   defined once. A file included twice (directly or through others) is read
//   once, so includes may form diamonds and cycles harmlessly.
//
// Errors are Status::Usage with "FILE:LINE: what is wrong (hint)"; a regex
// that does not compile names the pattern and RE2's own error text. Until a
// file has shown a `rule` or `include` line, a line that cannot be read is not
// quoted back (an include of some other file must not print its contents),
// and a quoted line is cut to 80 bytes.
//
// Limits (a hostile or mistaken rule library fails with a message, never a
// crash): a rule file is at most kMaxRuleFileBytes (16 MiB), all the files of
// one Load together kMaxRuleBytesTotal (64 MiB); includes nest at
// most kMaxIncludeDepth (32) files deep; the regexes (and words that are not
// plain words) of one pass compile within kMaxRegexMemory (128 MiB of RE2
// program memory), and the message says to move words to `words:`.
//
// Matching: a text is case-folded first (lib/text.h Fold semantics) by a
// cached folder that is fast on ASCII and on Swedish letters, then scanned
// once. Words, stems and phrases made only of word characters (nearly all
// of them: names, places, numbers) go into a word index: the folded text is
// cut into its Unicode words and each word is looked up in a hash table
// (stems by each prefix length in use), so 100,000 words load in well under a
// second and cost one lookup per text word. Everything else (regexes, and
// words with punctuation such as `e-post` or `+46`) is compiled into one
// RE2::Set, so it too is one DFA pass whatever the number of rules. The
// Unicode word boundaries are written into those patterns as character
// classes (not as \b), so the Set answer is exact and needs no second pass.
// Both passes give the same answer as the one RE2 pattern per entry would
// (a unit test compares them on random text). There are two of each when
// some rules ignore diacritics.
//
// Example:
//   auto rules = RuleSet::Load({"queries/rules/ads.rules"});
//   if (!rules.ok()) return rules.status();
//   auto matcher = Matcher::Compile(*rules);
//   if (!matcher.ok()) return matcher.status();
//   std::vector<char> hit((*rules).size(), 0);
//   (*matcher)->Match("Diskret träff i Älta", &hit);   // hit[i] = 1 if rule i matched
//
// Thread-safety: a RuleSet is a value. A Matcher keeps scratch buffers: use
// one Matcher per thread.
#ifndef KARTA_LIB_RULES_H_
#define KARTA_LIB_RULES_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "lib/extract.h"
#include "lib/status.h"
#include "lib/text.h"

namespace karta {

struct RulePattern {
  enum class Kind { kWords, kRegex, kAge };
  Kind kind = Kind::kWords;
  // For kWords: one word, stem (`ung*`) or phrase (`första gången`), as
  // written. For kRegex: the RE2 pattern as written. For kAge: "LO-HI".
  std::string text;
  std::string file;  // where it was written, for messages
  int line = 0;
};

struct Rule {
  std::string name;
  std::string file;
  int line = 0;
  bool ignore_diacritics = false;
  std::vector<RulePattern> patterns;
};

class RuleSet {
 public:
  // Reads the rule files `paths` (and what they include), in order.
  // REQUIRES: at least one path.
  static Result<RuleSet> Load(const std::vector<std::string>& paths);

  // Parses rule text as if read from the file `name` (includes are resolved
  // relative to the directory of `name`). For tests and for rules given inline.
  static Result<RuleSet> Parse(std::string_view text, std::string_view name);

  const std::vector<Rule>& rules() const { return rules_; }
  size_t size() const { return rules_.size(); }
  // Index of the rule called `name`, if any.
  std::optional<size_t> Find(std::string_view name) const;
  // "ad, clinic, young" for messages.
  std::string Names() const;

 private:
  friend class RuleParser;
  std::vector<Rule> rules_;
};

// True iff `name` is a valid rule name (see the format above).
bool ValidRuleName(std::string_view name);

inline constexpr size_t kMaxRuleFileBytes = size_t{16} << 20;
inline constexpr size_t kMaxRuleBytesTotal = size_t{64} << 20;  // all files of one Load
inline constexpr int kMaxIncludeDepth = 32;
inline constexpr int64_t kMaxRegexMemory = int64_t{128} << 20;

// A case (and optionally diacritic) folder with the results of lib/text.h
// Fold(), cached per code point; much faster than Fold() on text with many
// non-ASCII letters. Not thread-safe (the cache fills as it goes).
class FastFolder {
 public:
  explicit FastFolder(FoldOptions opts);
  // Returns the folded form of `s` (the same as Fold(s, opts)), written into
  // `buf` (a scratch buffer that only grows; the view is valid until the next
  // call with the same buffer).
  std::string_view Fold(std::string_view s, std::string* buf);

 private:
  FoldOptions opts_;
  // Folded forms of U+0080..U+07FF (two-byte UTF-8), filled on first use.
  std::vector<std::string> two_byte_;
  std::vector<bool> have_;
};

class Matcher {
 public:
  // Compiles every rule of `rules` into one pass. Returns a Usage error
  // naming FILE:LINE for a pattern RE2 rejects. With `only`, every pattern is
  // still checked but only the rules listed (indices) are matched; the others
  // never hit (a --where that names two rules of a large library pays for two).
  static Result<std::unique_ptr<Matcher>> Compile(const RuleSet& rules,
                                                  const std::vector<size_t>* only = nullptr);
  ~Matcher();
  Matcher(const Matcher&) = delete;
  Matcher& operator=(const Matcher&) = delete;

  // Sets (*hit)[i] = 1 for every rule i that matches `text`; leaves the other
  // entries as they are, so that several fields can be matched into one
  // vector. REQUIRES: hit->size() == number of rules.
  // Returns false only if RE2 ran out of memory on this text (the entries
  // are then unreliable).
  bool Match(std::string_view text, std::vector<char>* hit);

  size_t rule_count() const { return rule_count_; }

  // The date `age:` patterns count birth years from (default none: birth
  // years are then not read). Applies to the following Match calls.
  void SetReferenceDate(RefDate ref) { ref_ = ref; }
  // True iff some rule in use has an `age:` pattern.
  bool HasAgeTests() const { return !age_tests_.empty(); }

 private:
  struct AgeTest {
    size_t rule;
    int lo, hi;
  };
  std::vector<AgeTest> age_tests_;
  RefDate ref_;
  std::vector<int> ages_;  // scratch
  Matcher() = default;
  struct Pass;  // one word index, one RE2::Set and their folder (rules.cc)
  bool RunPass(Pass* pass, std::string_view text, std::vector<char>* hit);
  size_t rule_count_ = 0;
  std::unique_ptr<Pass> plain_;       // rules that keep diacritics
  std::unique_ptr<Pass> diacritics_;  // rules that ignore them
};

// Builds the RE2 pattern (over folded text) for one `words:` entry: a word,
// stem or phrase. Exposed for tests.
Result<std::string> WordPattern(std::string_view entry, FoldOptions opts);

}  // namespace karta

#endif  // KARTA_LIB_RULES_H_
