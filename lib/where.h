// Where: the boolean expressions of `karta filter --where` over rule names.
//
//   ad and not clinic
//   (young or UNDER_18) and contact
//
// Operators, from tightest to loosest: `not`, `and`, `or`; parentheses group.
// Keywords may be written in any case (AND, Not). Rule names are looked up
// without regard to case. An unknown name, a missing parenthesis or a dangling
// operator is a Status::Usage error that names the position (1-based
// character) in the expression and what was expected.
//
// Example:
//   auto where = WhereExpr::Parse("ad and not clinic", {"ad", "clinic"});
//   std::vector<char> hit = {1, 0};
//   where->Eval(hit);  // true
//
// Thread-safety: a WhereExpr is an immutable value after Parse.
#ifndef KARTA_LIB_WHERE_H_
#define KARTA_LIB_WHERE_H_

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "lib/status.h"

namespace karta {

// At most this many rule names and operators in one expression, so that
// evaluation (recursive) stays shallow; messages quote at most 120 bytes of
// an expression and 60 of a token.
inline constexpr size_t kMaxWhereTerms = 10000;

class WhereExpr {
 public:
  // Parses `expr`; names are resolved against `rule_names` (index = rule).
  static Result<WhereExpr> Parse(std::string_view expr, const std::vector<std::string>& rule_names);

  // The value of the expression when rule i matched iff hit[i] != 0.
  bool Eval(const std::vector<char>& hit) const { return EvalNode(root_, hit); }

  // The rules the expression names, in increasing order, once each.
  std::vector<size_t> Rules() const;

  // Fully parenthesised form, e.g. "(a or (b and (not c)))"; for tests.
  std::string ToString(const std::vector<std::string>& rule_names) const;

 private:
  enum class Op { kRule, kNot, kAnd, kOr };
  struct Node {
    Op op;
    size_t rule = 0;  // kRule
    int a = -1;       // operands (node indices)
    int b = -1;
  };
  bool EvalNode(int n, const std::vector<char>& hit) const {
    const Node& node = nodes_[static_cast<size_t>(n)];
    switch (node.op) {
      case Op::kRule:
        return hit[node.rule] != 0;
      case Op::kNot:
        return !EvalNode(node.a, hit);
      case Op::kAnd:
        return EvalNode(node.a, hit) && EvalNode(node.b, hit);
      case Op::kOr:
        return EvalNode(node.a, hit) || EvalNode(node.b, hit);
    }
    return false;
  }
  std::string Str(int n, const std::vector<std::string>& names) const;

  friend class WhereParser;
  std::vector<Node> nodes_;
  int root_ = -1;
};

}  // namespace karta

#endif  // KARTA_LIB_WHERE_H_
