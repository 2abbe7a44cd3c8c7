#include "lib/where.h"

#include <fmt/format.h>

#include <algorithm>
#include <unordered_map>

#include "lib/hints.h"
#include "lib/text.h"

namespace karta {

namespace {

struct Token {
  enum Kind { kName, kAnd, kOr, kNot, kOpen, kClose, kEnd } kind;
  std::string text;
  size_t pos;  // 1-based character position
};

bool NameChar(char c) {
  return ((c | 0x20) >= 'a' && (c | 0x20) <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
}

}  // namespace

class WhereParser {
 public:
  WhereParser(std::string_view expr, const std::vector<std::string>& names)
      : expr_(expr), names_(names) {}

  Result<WhereExpr> Run() {
    KARTA_RETURN_IF_ERROR(Tokenize());
    if (tokens_.size() > kMaxWhereTerms + 1) {
      return Status::Usage(fmt::format(
          "--where has {} rule names and operators, more than the limit of {} (name one rule "
          "that lists the words instead)",
          tokens_.size() - 1, kMaxWhereTerms));
    }
    for (size_t r = 0; r < names_.size(); ++r) index_.emplace(Fold(names_[r]), r);
    if (tokens_.size() == 1)
      return Fail(1, "the expression is empty (name a rule, e.g. --where ad)");
    KARTA_ASSIGN_OR_RETURN(auto root, Or());
    const Token& t = tokens_[at_];
    if (t.kind == Token::kClose) return Fail(t.pos, "')' without a matching '('");
    if (t.kind != Token::kEnd) {
      return Fail(t.pos,
                  fmt::format("unexpected '{}' (join rules with 'and' or 'or')", Cut(t.text)));
    }
    out_.root_ = root;
    return std::move(out_);
  }

 private:
  Status Fail(size_t pos, const std::string& what) const {
    // A long expression is not echoed whole (one was 400 KB).
    if (expr_.size() > 120) {
      return Status::Usage(fmt::format("--where (an expression of {} bytes): at position {}: {}",
                                       expr_.size(), pos, what));
    }
    return Status::Usage(fmt::format("--where '{}': at position {}: {}", expr_, pos, what));
  }

  static std::string Cut(std::string_view s) {
    if (s.size() <= 60) return std::string(s);
    size_t cut = 60;
    while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80) --cut;
    return std::string(s.substr(0, cut)) + "...";
  }

  Status Tokenize() {
    size_t i = 0;
    size_t chars = 0;  // characters before i
    while (i < expr_.size()) {
      char c = expr_[i];
      size_t pos = chars + 1;
      if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
        ++i;
        ++chars;
        continue;
      }
      if (c == '(' || c == ')') {
        tokens_.push_back({c == '(' ? Token::kOpen : Token::kClose, std::string(1, c), pos});
        ++i;
        ++chars;
        continue;
      }
      if (NameChar(c)) {
        size_t j = i;
        while (j < expr_.size() && NameChar(expr_[j])) ++j;
        std::string word(expr_.substr(i, j - i));
        std::string low = Fold(word);
        Token::Kind k = low == "and"   ? Token::kAnd
                        : low == "or"  ? Token::kOr
                        : low == "not" ? Token::kNot
                                       : Token::kName;
        tokens_.push_back({k, word, pos});
        chars += j - i;
        i = j;
        continue;
      }
      size_t j = i;
      DecodeUtf8(expr_, &j);
      std::string ch(expr_.substr(i, j - i));
      std::string hint = c == '&'               ? " (write 'and')"
                         : c == '|'             ? " (write 'or')"
                         : c == '!' || c == '-' ? " (write 'not')"
                                                : " (rule names are letters, digits, _ and -)";
      return Fail(pos, fmt::format("unexpected '{}'{}", ch, hint));
    }
    tokens_.push_back({Token::kEnd, "", chars + 1});
    return Status::Ok();
  }

  int Add(WhereExpr::Node n) {
    out_.nodes_.push_back(n);
    return static_cast<int>(out_.nodes_.size() - 1);
  }

  Result<int> Or() {
    auto a = And();
    if (!a.ok()) return a;
    int left = *a;
    while (tokens_[at_].kind == Token::kOr) {
      ++at_;
      auto b = And();
      if (!b.ok()) return b;
      left = Add({WhereExpr::Op::kOr, 0, left, *b});
    }
    return left;
  }

  Result<int> And() {
    auto a = Not();
    if (!a.ok()) return a;
    int left = *a;
    while (tokens_[at_].kind == Token::kAnd) {
      ++at_;
      auto b = Not();
      if (!b.ok()) return b;
      left = Add({WhereExpr::Op::kAnd, 0, left, *b});
    }
    return left;
  }

  Result<int> Not() {
    if (tokens_[at_].kind == Token::kNot) {
      ++at_;
      if (++depth_ > 200) return Fail(tokens_[at_].pos, "too deeply nested");
      auto a = Not();
      --depth_;
      if (!a.ok()) return a;
      return Add({WhereExpr::Op::kNot, 0, *a, -1});
    }
    return Primary();
  }

  Result<int> Primary() {
    const Token& t = tokens_[at_];
    switch (t.kind) {
      case Token::kName: {
        if (auto it = index_.find(Fold(t.text)); it != index_.end()) {
          ++at_;
          return Add({WhereExpr::Op::kRule, it->second, -1, -1});
        }
        std::string list;
        for (size_t r = 0; r < names_.size() && r < 20; ++r) {
          if (!list.empty()) list += ", ";
          list += names_[r];
        }
        if (names_.size() > 20) list += fmt::format(" and {} more", names_.size() - 20);
        return Fail(t.pos, fmt::format("unknown rule '{}' (the rules are: {}){}", Cut(t.text), list,
                                       DidYouMean(t.text, names_)));
      }
      case Token::kOpen: {
        ++at_;
        if (++depth_ > 200) return Fail(t.pos, "too deeply nested");
        auto e = Or();
        --depth_;
        if (!e.ok()) return e;
        if (tokens_[at_].kind != Token::kClose) {
          const Token& u = tokens_[at_];
          return Fail(u.pos,
                      u.kind == Token::kEnd
                          ? fmt::format("missing ')' for the '(' at position {}", t.pos)
                          : fmt::format("expected 'and', 'or' or ')', got '{}'", Cut(u.text)));
        }
        ++at_;
        return *e;
      }
      case Token::kEnd:
        return Fail(t.pos, "the expression ends too early (a rule name should follow)");
      default:
        return Fail(t.pos, fmt::format("expected a rule name or '(', got '{}'", Cut(t.text)));
    }
  }

  std::string_view expr_;
  const std::vector<std::string>& names_;
  std::vector<Token> tokens_;
  size_t at_ = 0;
  int depth_ = 0;
  std::unordered_map<std::string, size_t> index_;  // folded rule name -> rule
  WhereExpr out_;
};

Result<WhereExpr> WhereExpr::Parse(std::string_view expr, const std::vector<std::string>& names) {
  return WhereParser(expr, names).Run();
}

std::vector<size_t> WhereExpr::Rules() const {
  std::vector<size_t> r;
  for (const Node& n : nodes_) {
    if (n.op == Op::kRule) r.push_back(n.rule);
  }
  std::sort(r.begin(), r.end());
  r.erase(std::unique(r.begin(), r.end()), r.end());
  return r;
}

std::string WhereExpr::Str(int n, const std::vector<std::string>& names) const {
  const Node& node = nodes_[static_cast<size_t>(n)];
  if (node.op == Op::kRule) return names[node.rule];
  std::string out = "(";
  if (node.op == Op::kNot) {
    out.append("not ");
    out.append(Str(node.a, names));
  } else {
    out.append(Str(node.a, names));
    out.append(node.op == Op::kAnd ? " and " : " or ");
    out.append(Str(node.b, names));
  }
  out.push_back(')');
  return out;
}

std::string WhereExpr::ToString(const std::vector<std::string>& names) const {
  return Str(root_, names);
}

}  // namespace karta
