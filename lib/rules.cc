#include "lib/rules.h"

#include <fmt/format.h>
#include <re2/re2.h>
#include <re2/set.h>

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <set>
#include <unordered_map>

#include "lib/io.h"
#include "lib/text.h"

namespace karta {

bool ValidRuleName(std::string_view name) {
  if (name.empty()) return false;
  char f = name.front();
  if (!((f | 0x20) >= 'a' && (f | 0x20) <= 'z')) return false;
  for (char c : name) {
    bool ok =
        ((c | 0x20) >= 'a' && (c | 0x20) <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
    if (!ok) return false;
  }
  std::string low = Fold(name);
  return low != "and" && low != "or" && low != "not";
}

namespace {

// "12-17" or "18" (years, 0..150) into *lo and *hi; false if not so.
bool ParseAgeRange(std::string_view s, int* lo, int* hi) {
  auto number = [](std::string_view t, int* v) {
    t = TrimAsciiSpace(t);
    if (t.empty() || t.size() > 3) return false;
    *v = 0;
    for (char c : t) {
      if (c < '0' || c > '9') return false;
      *v = *v * 10 + (c - '0');
    }
    return *v <= 150;
  };
  size_t dash = s.find('-');
  if (dash == std::string_view::npos) {
    if (!number(s, lo)) return false;
    *hi = *lo;
    return true;
  }
  return number(s.substr(0, dash), lo) && number(s.substr(dash + 1), hi) && *lo <= *hi;
}

// At most this many bytes of a line are quoted back in an error message.
std::string Excerpt(std::string_view s) {
  constexpr size_t kMax = 80;
  if (s.size() <= kMax) return std::string(s);
  size_t cut = kMax;
  while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80) --cut;
  return std::string(s.substr(0, cut)) + "...";
}

// The Unicode word characters of lib/text.h IsWordChar, as an RE2 class body.
constexpr const char* kWordClass = R"(\p{L}\p{Mn}\p{Mc}\p{Nd}_)";

bool StartsWithWordChar(std::string_view s) {
  if (s.empty()) return false;
  size_t i = 0;
  return IsWordChar(DecodeUtf8(s, &i));
}

bool EndsWithWordChar(std::string_view s) {
  if (s.empty()) return false;
  size_t b = s.size();
  do {
    --b;
  } while (b > 0 && (static_cast<unsigned char>(s[b]) & 0xC0) == 0x80);
  return IsWordChar(DecodeUtf8(s, &b));
}

// Folds the non-ASCII letters of a regex pattern; ASCII is left alone because
// escapes such as \D, \S and \pL are case-sensitive.
std::string FoldPattern(std::string_view pattern, FoldOptions opts) {
  std::string out;
  size_t i = 0;
  while (i < pattern.size()) {
    if (static_cast<unsigned char>(pattern[i]) < 0x80) {
      out.push_back(pattern[i++]);
      continue;
    }
    size_t start = i;
    DecodeUtf8(pattern, &i);
    out += Fold(pattern.substr(start, i - start), opts);
  }
  return out;
}

RE2::Options RegexOptions() {
  RE2::Options o;
  o.set_encoding(RE2::Options::EncodingUTF8);
  o.set_log_errors(false);
  o.set_case_sensitive(false);
  o.set_max_mem(int64_t{64} << 20);
  return o;
}

}  // namespace

Result<std::string> WordPattern(std::string_view entry, FoldOptions opts) {
  entry = TrimAsciiSpace(entry);
  if (entry.empty()) return Status::Usage("empty word (two commas in a row?)");
  // Split into the words of a phrase.
  std::vector<std::string_view> tokens;
  size_t i = 0;
  while (i < entry.size()) {
    while (i < entry.size() && (entry[i] == ' ' || entry[i] == '\t')) ++i;
    size_t j = i;
    while (j < entry.size() && entry[j] != ' ' && entry[j] != '\t') ++j;
    if (j > i) tokens.push_back(entry.substr(i, j - i));
    i = j;
  }
  const std::string word = fmt::format("[{}]", kWordClass);
  const std::string non_word = fmt::format("[^{}]", kWordClass);
  std::string body;
  bool last_stem = false;
  for (size_t t = 0; t < tokens.size(); ++t) {
    std::string_view tok = tokens[t];
    bool stem = false;
    if (tok.back() == '*') {
      stem = true;
      tok.remove_suffix(1);
    }
    if (tok.find('*') != std::string_view::npos || (stem && tok.empty())) {
      return Status::Usage(
          fmt::format("'{}': '*' may only end a word, as in ung* (it finds words that start so)",
                      std::string(entry)));
    }
    if (t > 0) body += non_word + "+";
    std::string folded = Fold(tok, opts);
    body += RE2::QuoteMeta(folded);
    if (stem && t + 1 < tokens.size()) body += word + "*";
    last_stem = stem;
  }
  std::string pattern;
  if (StartsWithWordChar(tokens.front())) pattern += fmt::format("(?:^|{})", non_word);
  pattern += body;
  std::string_view last = tokens.back();
  if (last_stem) last.remove_suffix(1);
  if (!last_stem && EndsWithWordChar(last)) pattern += fmt::format("(?:$|{})", non_word);
  return pattern;
}

// ---------------------------------------------------------------------------
// Parsing

class RuleParser {
 public:
  Status ParseFile(const std::string& path, const std::string& from, int from_line) {
    if (depth_ >= kMaxIncludeDepth) {
      return Status::Usage(fmt::format(
          "{}:{}: includes nested more than {} files deep (an include chain this long is "
          "almost certainly a mistake; flatten it)",
          from, from_line, kMaxIncludeDepth));
    }
    std::error_code ec;
    std::filesystem::path canon = std::filesystem::weakly_canonical(path, ec);
    std::string key = ec ? path : canon.string();
    if (!seen_.insert(key).second) return Status::Ok();  // read once
    auto in = InputFile::Open(path);
    if (!in.ok()) {
      std::string where = from.empty() ? "" : fmt::format("{}:{}: ", from, from_line);
      return Status::Usage(fmt::format("{}cannot read the rule file {} (check the path{})", where,
                                       in.status().message(),
                                       from.empty() ? "" : "; include is relative to this file"));
    }
    // The read buffer lives on the heap: an include chain recurses through
    // here, and a 64 KiB stack buffer per level overflowed the stack.
    std::string text;
    for (;;) {
      size_t old = text.size();
      text.resize(old + 65536);
      auto n = (*in)->Read(text.data() + old, 65536);
      if (!n.ok()) return Status::Usage(n.status().message());
      text.resize(old + *n);
      if (*n == 0) break;
      if (text.size() > kMaxRuleFileBytes) {
        return Status::Usage(
            fmt::format("{}: rule file larger than the limit of {} MiB (split "
                        "it into several files)",
                        path, kMaxRuleFileBytes >> 20));
      }
    }
    total_bytes_ += text.size();
    if (total_bytes_ > kMaxRuleBytesTotal) {
      return Status::Usage(
          fmt::format("{}: the rule files together are larger than the limit of "
                      "{} MiB (load fewer files)",
                      path, kMaxRuleBytesTotal >> 20));
    }
    ++depth_;
    Status st = ParseText(text, path);
    --depth_;
    return st;
  }

  Status ParseText(std::string_view text, const std::string& name) {
    size_t bad = 0;
    if (!Utf8Valid(text, &bad)) {
      int line = 1;
      for (size_t k = 0; k < bad; ++k) line += text[k] == '\n';
      return Status::Usage(
          fmt::format("{}:{}: not valid UTF-8 (save the file as UTF-8)", name, line));
    }
    if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
    std::vector<std::string_view> lines;
    size_t i = 0;
    while (i <= text.size()) {
      size_t j = text.find('\n', i);
      if (j == std::string_view::npos) j = text.size();
      lines.push_back(text.substr(i, j - i));
      i = j + 1;
    }
    Rule* rule = nullptr;
    // Until a file has shown a rule or include line, a line that cannot be
    // read is reported without echoing it: an include of some other file
    // (a password file, a key) must not print its contents.
    bool looks_like_rules = false;
    std::string dir = std::filesystem::path(name).parent_path().string();
    auto err = [&](size_t ln, const std::string& what) {
      return Status::Usage(fmt::format("{}:{}: {}", name, ln + 1, what));
    };
    for (size_t ln = 0; ln < lines.size(); ++ln) {
      std::string_view line = TrimAsciiSpace(lines[ln]);
      if (line.empty() || line.front() == '#') continue;
      std::string_view key = line;
      std::string_view rest;
      if (size_t colon = line.find(':'); colon != std::string_view::npos) {
        key = TrimAsciiSpace(line.substr(0, colon));
        rest = TrimAsciiSpace(line.substr(colon + 1));
      }
      auto word_end = line.find_first_of(" \t");
      std::string_view first = line.substr(0, word_end);
      std::string_view after = word_end == std::string_view::npos
                                   ? std::string_view()
                                   : TrimAsciiSpace(line.substr(word_end));
      if (first == "rule") {
        if (after.empty()) return err(ln, "'rule' needs a name, as in: rule ad");
        if (after.back() == ':') after.remove_suffix(1);
        if (!ValidRuleName(after)) {
          return err(ln, fmt::format("'{}' is not a rule name (use letters, digits, _ and -, "
                                     "starting with a letter; and, or, not are reserved)",
                                     Excerpt(after)));
        }
        looks_like_rules = true;
        if (auto old = Find(after)) {
          const Rule& o = set_.rules_[*old];
          return err(ln, fmt::format("rule '{}' is already defined at {}:{} (rename one)",
                                     std::string(after), o.file, o.line));
        }
        KARTA_RETURN_IF_ERROR(Close(&rule));
        names_.emplace(Fold(after), set_.rules_.size());
        set_.rules_.push_back(Rule{std::string(after), name, static_cast<int>(ln + 1), false, {}});
        rule = &set_.rules_.back();
        continue;
      }
      if (first == "include") {
        if (after.empty())
          return err(ln, "'include' needs a file name, as in: include contact.rules");
        looks_like_rules = true;
        std::filesystem::path p(after);
        if (p.is_relative() && !dir.empty()) p = std::filesystem::path(dir) / p;
        KARTA_RETURN_IF_ERROR(Close(&rule));
        KARTA_RETURN_IF_ERROR(ParseFile(p.string(), name, static_cast<int>(ln + 1)));
        continue;
      }
      if (key == "words" || key == "word" || key == "regex" || key == "diacritics" ||
          key == "age") {
        if (rule == nullptr) {
          return err(ln, fmt::format("'{}:' must come after a 'rule NAME' line", Excerpt(key)));
        }
        if (key == "diacritics") {
          if (rest == "ignore") {
            rule->ignore_diacritics = true;
          } else if (rest == "keep") {
            rule->ignore_diacritics = false;
          } else {
            return err(ln, fmt::format("diacritics: '{}' (write 'diacritics: ignore' or "
                                       "'diacritics: keep')",
                                       Excerpt(rest)));
          }
          continue;
        }
        if (key == "age") {
          int lo = 0, hi = 0;
          if (!ParseAgeRange(rest, &lo, &hi)) {
            return err(ln, fmt::format("age: '{}' (write an age or a range in years, as in "
                                       "'age: 12-17')",
                                       std::string(rest)));
          }
          rule->patterns.push_back(
              {RulePattern::Kind::kAge, std::string(rest), name, static_cast<int>(ln + 1)});
          continue;
        }
        if (key == "regex") {
          if (rest.empty()) return err(ln, "empty regex");
          rule->patterns.push_back(
              {RulePattern::Kind::kRegex, std::string(rest), name, static_cast<int>(ln + 1)});
          continue;
        }
        // words: a comma-separated list; a trailing comma continues it.
        std::string_view list = rest;
        size_t at = ln;
        for (;;) {
          bool more = !list.empty() && list.back() == ',';
          if (more) list.remove_suffix(1);
          for (size_t a = 0; a <= list.size();) {
            size_t b = list.find(',', a);
            if (b == std::string_view::npos) b = list.size();
            std::string_view w = TrimAsciiSpace(list.substr(a, b - a));
            if (w.empty()) {
              return err(at, TrimAsciiSpace(list).empty() ? "no words after 'words:'"
                                                          : "empty word (two commas in a row?)");
            }
            auto check = WordPattern(w, {});
            if (!check.ok()) return err(at, check.status().message());
            rule->patterns.push_back(
                {RulePattern::Kind::kWords, std::string(w), name, static_cast<int>(at + 1)});
            a = b + 1;
          }
          if (!more) break;
          // Continue on the next non-blank, non-comment line.
          do {
            ++at;
          } while (at < lines.size() &&
                   (TrimAsciiSpace(lines[at]).empty() || TrimAsciiSpace(lines[at]).front() == '#'));
          if (at >= lines.size()) return err(ln, "the word list ends with ',' but the file ends");
          list = TrimAsciiSpace(lines[at]);
        }
        ln = at;
        continue;
      }
      if (!looks_like_rules) {
        return err(ln,
                   "this is not a rule file (a rule file holds 'rule NAME', 'words: ...', "
                   "'regex: ...' and 'include FILE' lines; check the path)");
      }
      if (!rest.empty() || line.back() == ':') {
        if (key.find(' ') == std::string_view::npos) {
          return err(ln, fmt::format("unknown key '{}:' (a rule has words:, regex:, age: and "
                                     "diacritics: lines)",
                                     Excerpt(key)));
        }
      }
      return err(ln, fmt::format("cannot read '{}' (expected 'rule NAME', 'words: ...', "
                                 "'regex: ...', 'include FILE' or a # comment)",
                                 Excerpt(line)));
    }
    return Close(&rule);
  }

  Status Close(Rule** rule) {
    if (*rule != nullptr && (*rule)->patterns.empty()) {
      return Status::Usage(fmt::format("{}:{}: rule '{}' has no words or regex", (*rule)->file,
                                       (*rule)->line, (*rule)->name));
    }
    *rule = nullptr;
    return Status::Ok();
  }

  std::optional<size_t> Find(std::string_view name) const {
    auto it = names_.find(Fold(name));
    if (it == names_.end()) return std::nullopt;
    return it->second;
  }

  RuleSet Take() { return std::move(set_); }

 private:
  RuleSet set_;
  std::set<std::string> seen_;
  std::unordered_map<std::string, size_t> names_;  // folded name -> index (Find is O(1))
  int depth_ = 0;                                  // files being read (include nesting)
  size_t total_bytes_ = 0;                         // of all files read
};

Result<RuleSet> RuleSet::Load(const std::vector<std::string>& paths) {
  RuleParser p;
  for (const std::string& path : paths) KARTA_RETURN_IF_ERROR(p.ParseFile(path, "", 0));
  RuleSet set = p.Take();
  if (set.size() == 0) {
    return Status::Usage(fmt::format("{}: no rules (a rule starts with 'rule NAME')",
                                     paths.empty() ? "--rules" : paths.front()));
  }
  return set;
}

Result<RuleSet> RuleSet::Parse(std::string_view text, std::string_view name) {
  RuleParser p;
  KARTA_RETURN_IF_ERROR(p.ParseText(text, std::string(name)));
  RuleSet set = p.Take();
  if (set.size() == 0) {
    return Status::Usage(fmt::format("{}: no rules (a rule starts with 'rule NAME')", name));
  }
  return set;
}

std::optional<size_t> RuleSet::Find(std::string_view name) const {
  std::string want = Fold(name);
  for (size_t i = 0; i < rules_.size(); ++i) {
    if (Fold(rules_[i].name) == want) return i;
  }
  return std::nullopt;
}

std::string RuleSet::Names() const {
  std::string s;
  for (const Rule& r : rules_) {
    if (!s.empty()) s += ", ";
    s += r.name;
  }
  return s;
}

// ---------------------------------------------------------------------------
// Folding

FastFolder::FastFolder(FoldOptions opts)
    : opts_(opts), two_byte_(0x800 - 0x80), have_(0x800 - 0x80, false) {}

std::string_view FastFolder::Fold(std::string_view s, std::string* out) {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const size_t len = s.size();
  size_t n = 0;  // bytes written to *out
  size_t i = 0;  // bytes read from s
  const bool lower = opts_.case_fold;
  // Invariant at the top of the loop: *out has room for the rest of the input
  // written one to one, plus slack for one eight-byte store and one folded
  // character (folding may lengthen a character: İ -> i̇).
  auto reserve = [&](size_t extra) {
    size_t need = n + (len - i) + extra + 16;
    if (out->size() < need) out->resize(need + need / 2);
  };
  reserve(16);
  char* o = out->data();
  while (i < len) {
    // ASCII, eight bytes at a time: lowercase A-Z with bit tricks.
    while (i + 8 <= len) {
      uint64_t w;
      std::memcpy(&w, p + i, 8);
      if (w & 0x8080808080808080ULL) break;
      if (lower) {
        constexpr uint64_t kOnes = 0x0101010101010101ULL;
        uint64_t ge_a = w + kOnes * (0x80 - 'A');
        uint64_t gt_z = w + kOnes * (0x7F - 'Z');
        uint64_t upper = ge_a & ~gt_z & 0x8080808080808080ULL;
        w |= upper >> 2;
      }
      std::memcpy(o + n, &w, 8);
      n += 8;
      i += 8;
    }
    if (i >= len) break;
    unsigned char c = p[i];
    if (c < 0x80) {
      o[n++] = static_cast<char>(lower && c >= 'A' && c <= 'Z' ? c + 32 : c);
      ++i;
      continue;
    }
    const std::string* piece;
    std::string slow;
    if (c >= 0xC2 && c <= 0xDF && i + 1 < len && (p[i + 1] & 0xC0) == 0x80) {
      size_t k = (((c & 0x1Fu) << 6) | (p[i + 1] & 0x3Fu)) - 0x80;
      if (!have_[k]) {
        two_byte_[k] = karta::Fold(s.substr(i, 2), opts_);
        have_[k] = true;
      }
      piece = &two_byte_[k];
      i += 2;
    } else {
      size_t start = i;
      char32_t cp = DecodeUtf8(s, &i);
      if (cp == 0xFFFD && i == start + 1) {
        slow = karta::Fold("\xEF\xBF\xBD", opts_);  // an invalid byte
      } else {
        slow = karta::Fold(s.substr(start, i - start), opts_);
      }
      piece = &slow;
    }
    reserve(piece->size());
    o = out->data();
    std::memcpy(o + n, piece->data(), piece->size());
    n += piece->size();
  }
  return std::string_view(out->data(), n);
}

// ---------------------------------------------------------------------------
// Matching

// The word index: entries made only of word characters, looked up word by
// word instead of through RE2 (see the header).
struct WordIndex {
  struct Entry {
    std::vector<std::string> tokens;  // folded words of a phrase (one for a word)
    std::vector<char> stem;           // token i is a stem (`ung*`)
    size_t rule = 0;
  };
  std::vector<Entry> entries;
  // First token -> entries starting with it (exact words / stems).
  std::unordered_map<std::string, std::vector<uint32_t>> exact;
  std::unordered_map<std::string, std::vector<uint32_t>> stems;
  std::vector<size_t> stem_lengths;     // byte lengths of the stems in `stems`, ascending
  std::vector<std::string_view> words;  // scratch: the words of the current text
  std::string key;                      // scratch

  bool empty() const { return entries.empty(); }

  // Adds `entry` (as written in a rule) if it is made only of word
  // characters; returns false (and adds nothing) otherwise.
  bool Add(std::string_view entry, FoldOptions fo, size_t rule) {
    Entry e;
    e.rule = rule;
    size_t i = 0;
    entry = TrimAsciiSpace(entry);
    while (i < entry.size()) {
      while (i < entry.size() && (entry[i] == ' ' || entry[i] == '\t')) ++i;
      size_t j = i;
      while (j < entry.size() && entry[j] != ' ' && entry[j] != '\t') ++j;
      if (j == i) break;
      std::string_view tok = entry.substr(i, j - i);
      bool stem = tok.back() == '*';
      if (stem) tok.remove_suffix(1);
      std::string folded = karta::Fold(tok, fo);
      if (folded.empty()) return false;
      for (size_t k = 0; k < folded.size();) {
        if (!IsWordChar(DecodeUtf8(folded, &k))) return false;
      }
      e.tokens.push_back(std::move(folded));
      e.stem.push_back(stem ? 1 : 0);
      i = j;
    }
    if (e.tokens.empty()) return false;
    auto id = static_cast<uint32_t>(entries.size());
    if (e.stem[0]) {
      stems[e.tokens[0]].push_back(id);
      size_t len = e.tokens[0].size();
      auto at = std::lower_bound(stem_lengths.begin(), stem_lengths.end(), len);
      if (at == stem_lengths.end() || *at != len) stem_lengths.insert(at, len);
    } else {
      exact[e.tokens[0]].push_back(id);
    }
    entries.push_back(std::move(e));
    return true;
  }

  // True iff the phrase `e` matches the words starting at `w` (its first
  // token is known to match).
  bool Rest(const Entry& e, size_t w) const {
    if (w + e.tokens.size() > words.size()) return false;
    for (size_t t = 1; t < e.tokens.size(); ++t) {
      std::string_view word = words[w + t];
      const std::string& tok = e.tokens[t];
      if (e.stem[t] ? word.substr(0, tok.size()) != tok : word != tok) return false;
    }
    return true;
  }

  void Hit(const std::vector<uint32_t>& ids, size_t w, std::vector<char>* hit) const {
    for (uint32_t id : ids) {
      const Entry& e = entries[id];
      if ((*hit)[e.rule]) continue;
      if (e.tokens.size() == 1 || Rest(e, w)) (*hit)[e.rule] = 1;
    }
  }

  // Marks the rules whose entries occur in the folded text `text`.
  void Match(std::string_view text, std::vector<char>* hit) {
    words.clear();
    size_t i = 0;
    size_t start = std::string_view::npos;
    while (i < text.size()) {
      size_t at = i;
      bool word;
      auto c = static_cast<unsigned char>(text[i]);
      if (c < 0x80) {
        word = (c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z') || c == '_';
        ++i;
      } else {
        word = IsWordChar(DecodeUtf8(text, &i));
      }
      if (word) {
        if (start == std::string_view::npos) start = at;
      } else if (start != std::string_view::npos) {
        words.push_back(text.substr(start, at - start));
        start = std::string_view::npos;
      }
    }
    if (start != std::string_view::npos) words.push_back(text.substr(start));
    for (size_t w = 0; w < words.size(); ++w) {
      std::string_view word = words[w];
      if (!exact.empty()) {
        key.assign(word);
        if (auto it = exact.find(key); it != exact.end()) Hit(it->second, w, hit);
      }
      for (size_t len : stem_lengths) {
        if (len > word.size()) break;
        // A stem ends on a character boundary of the folded text.
        if (len < word.size() && (static_cast<unsigned char>(word[len]) & 0xC0) == 0x80) continue;
        key.assign(word.substr(0, len));
        if (auto it = stems.find(key); it != stems.end()) Hit(it->second, w, hit);
      }
    }
  }
};

struct Matcher::Pass {
  std::unique_ptr<RE2::Set> set;
  bool set_used = false;
  WordIndex index;
  std::vector<size_t> rule_of;  // Set index -> rule index
  std::unique_ptr<FastFolder> folder;
  std::string folded;
  std::vector<int> found;
};

Matcher::~Matcher() = default;

Result<std::unique_ptr<Matcher>> Matcher::Compile(const RuleSet& rules,
                                                  const std::vector<size_t>* only) {
  std::unique_ptr<Matcher> m(new Matcher());
  m->rule_count_ = rules.size();
  RE2::Options opts = RegexOptions();
  RE2::Options set_opts = opts;
  set_opts.set_max_mem(kMaxRegexMemory);
  auto make_pass = [&](bool diacritics) {
    auto p = std::make_unique<Pass>();
    p->set = std::make_unique<RE2::Set>(set_opts, RE2::UNANCHORED);
    p->folder = std::make_unique<FastFolder>(FoldOptions{true, diacritics});
    return p;
  };
  std::vector<char> wanted;
  if (only != nullptr) {
    wanted.assign(rules.size(), 0);
    for (size_t r : *only) {
      if (r < wanted.size()) wanted[r] = 1;
    }
  }
  std::unique_ptr<Pass> unused;
  for (size_t r = 0; r < rules.size(); ++r) {
    const Rule& rule = rules.rules()[r];
    FoldOptions fo{true, rule.ignore_diacritics};
    bool use = only == nullptr || wanted[r];
    std::unique_ptr<Pass>& pass = !use                     ? unused
                                  : rule.ignore_diacritics ? m->diacritics_
                                                           : m->plain_;
    if (!pass) pass = make_pass(rule.ignore_diacritics);
    std::string words;
    for (const RulePattern& pat : rule.patterns) {
      auto where = [&](const std::string& what) {
        return Status::Usage(fmt::format("{}:{}: {}", pat.file, pat.line, what));
      };
      if (pat.kind == RulePattern::Kind::kAge) {
        int lo = 0, hi = 0;
        ParseAgeRange(pat.text, &lo, &hi);  // checked when read
        if (use) m->age_tests_.push_back({r, lo, hi});
        continue;
      }
      if (pat.kind == RulePattern::Kind::kWords) {
        if (!use) continue;  // checked when parsed; never matched
        if (pass->index.Add(pat.text, fo, r)) continue;
        auto wp = WordPattern(pat.text, fo);
        if (!wp.ok()) return where(wp.status().message());
        if (!words.empty()) words += '|';
        words += *wp;
        continue;
      }
      std::string pattern = rule.ignore_diacritics ? FoldPattern(pat.text, fo) : pat.text;
      RE2 re(pattern, opts);
      if (!re.ok()) {
        return where(fmt::format("regex '{}' does not compile: {}", Excerpt(pat.text), re.error()));
      }
      if (RE2::PartialMatch("", re) && RE2::PartialMatch("\x01", re)) {
        return where(
            fmt::format("regex '{}' matches an empty text, so it would match every "
                        "record (did you mean + instead of * or ?)",
                        Excerpt(pat.text)));
      }
      std::string error;
      int idx = pass->set->Add("(?:" + pattern + ")", &error);
      if (idx < 0) {
        return where(fmt::format("regex '{}' does not compile: {}", Excerpt(pat.text), error));
      }
      pass->rule_of.push_back(r);
      pass->set_used = true;
    }
    if (!words.empty()) {
      std::string error;
      int idx = pass->set->Add(words, &error);
      if (idx < 0) {
        return Status::Usage(fmt::format("{}:{}: the words of rule '{}' do not compile: {}",
                                         rule.file, rule.line, rule.name, error));
      }
      pass->rule_of.push_back(r);
      pass->set_used = true;
    }
  }
  for (std::unique_ptr<Pass>* p : {&m->plain_, &m->diacritics_}) {
    if (*p && (*p)->set_used && !(*p)->set->Compile()) {
      return Status::Usage(fmt::format(
          "the regexes of the rules are too large to compile into one pass (limit {} MiB of "
          "RE2 program memory; split long regexes, or list words under 'words:', which have "
          "no such limit)",
          kMaxRegexMemory >> 20));
    }
  }
  return m;
}

bool Matcher::RunPass(Pass* pass, std::string_view text, std::vector<char>* hit) {
  std::string_view folded = pass->folder->Fold(text, &pass->folded);
  if (!pass->index.empty()) pass->index.Match(folded, hit);
  if (!pass->set_used) return true;
  pass->found.clear();
  RE2::Set::ErrorInfo info;
  if (!pass->set->Match(folded, &pass->found, &info)) {
    return info.kind == RE2::Set::kNoError;
  }
  for (int idx : pass->found) (*hit)[pass->rule_of[static_cast<size_t>(idx)]] = 1;
  return true;
}

bool Matcher::Match(std::string_view text, std::vector<char>* hit) {
  bool ok = true;
  if (!age_tests_.empty()) {
    ages_.clear();
    bool minor = false;
    ExtractAges(text, ref_, &ages_, &minor);
    for (const AgeTest& t : age_tests_) {
      bool in = minor && t.lo < 18;
      for (int a : ages_) in = in || (a >= t.lo && a <= t.hi);
      if (in) (*hit)[t.rule] = 1;
    }
  }
  if (plain_) ok &= RunPass(plain_.get(), text, hit);
  if (diacritics_) ok &= RunPass(diacritics_.get(), text, hit);
  return ok;
}

}  // namespace karta
