#include "lib/where.h"

#include <doctest/doctest.h>

namespace karta {
namespace {

const std::vector<std::string> kNames = {"ad", "clinic", "young", "UNDER_18"};

std::string Tree(std::string_view e) {
  auto w = WhereExpr::Parse(e, kNames);
  REQUIRE_MESSAGE(w.ok(), w.status().message());
  return w->ToString(kNames);
}

std::string Error(std::string_view e) {
  auto w = WhereExpr::Parse(e, kNames);
  REQUIRE_FALSE(w.ok());
  CHECK(w.status().code() == Status::Code::kUsage);
  return w.status().message();
}

TEST_CASE("precedence: not > and > or") {
  CHECK(Tree("ad") == "ad");
  CHECK(Tree("ad and not clinic") == "(ad and (not clinic))");
  CHECK(Tree("ad or young and clinic") == "(ad or (young and clinic))");
  CHECK(Tree("ad and young or clinic") == "((ad and young) or clinic)");
  CHECK(Tree("not ad or clinic") == "((not ad) or clinic)");
  CHECK(Tree("not not ad") == "(not (not ad))");
  CHECK(Tree("(ad or young) and clinic") == "((ad or young) and clinic)");
  CHECK(Tree("ad or young or clinic") == "((ad or young) or clinic)");
  CHECK(Tree("AD AND NOT Clinic") == "(ad and (not clinic))");
  CHECK(Tree("under_18") == "UNDER_18");
  CHECK(Tree("((ad))") == "ad");
}

TEST_CASE("evaluation") {
  auto w = WhereExpr::Parse("ad and not clinic or UNDER_18", kNames);
  REQUIRE(w.ok());
  CHECK(w->Eval({1, 0, 0, 0}));
  CHECK_FALSE(w->Eval({1, 1, 0, 0}));
  CHECK(w->Eval({1, 1, 0, 1}));
  CHECK_FALSE(w->Eval({0, 0, 1, 0}));
  CHECK(w->Rules() == std::vector<size_t>{0, 1, 3});
}

// Regression (#23.11): an error echoed a whole 400 KB --where expression.
TEST_CASE("where: long-expression-not-echoed, term limit") {
  std::string e = "ad";
  while (e.size() < 400000) e += " and ad";
  std::string msg = Error(e);
  CHECK(msg.size() < 300);
  CHECK(msg.find("more than the limit of 10000") != std::string::npos);
  std::string u = "ad or " + std::string(5000, 'x');
  msg = Error(u);
  CHECK(msg.size() < 400);
  CHECK(msg.find("--where (an expression of 5006 bytes): at position 7: unknown rule 'xxx") !=
        std::string::npos);
  // Just under the limit parses and evaluates.
  std::string ok = "ad";
  for (size_t i = 0; i < (kMaxWhereTerms - 1) / 2; ++i) ok += " and ad";
  auto w = WhereExpr::Parse(ok, kNames);
  REQUIRE_MESSAGE(w.ok(), w.status().message());
  CHECK(w->Eval({1, 0, 0, 0}));
  CHECK(!w->Eval({0, 0, 0, 0}));
}

TEST_CASE("errors point at the position") {
  CHECK(Error("ad and nott clinic") ==
        "--where 'ad and nott clinic': at position 8: unknown rule 'nott' (the rules are: ad, "
        "clinic, young, UNDER_18)");
  CHECK(Error("(ad or young") ==
        "--where '(ad or young': at position 13: missing ')' for the '(' at position 1");
  CHECK(Error("ad and") ==
        "--where 'ad and': at position 7: the expression ends too early (a rule name should "
        "follow)");
  CHECK(Error("ad)") == "--where 'ad)': at position 3: ')' without a matching '('");
  CHECK(Error("ad young") ==
        "--where 'ad young': at position 4: unexpected 'young' (join rules with 'and' or 'or')");
  CHECK(Error("ad && young") ==
        "--where 'ad && young': at position 4: unexpected '&' (write 'and')");
  CHECK(Error("ad | young") == "--where 'ad | young': at position 4: unexpected '|' (write 'or')");
  CHECK(Error("!ad") == "--where '!ad': at position 1: unexpected '!' (write 'not')");
  CHECK(Error("") ==
        "--where '': at position 1: the expression is empty (name a rule, e.g. --where ad)");
  CHECK(Error("   ") ==
        "--where '   ': at position 1: the expression is empty (name a rule, e.g. --where ad)");
  CHECK(Error("and ad") ==
        "--where 'and ad': at position 1: expected a rule name or '(', got 'and'");
  CHECK(Error("(ad clinic)") ==
        "--where '(ad clinic)': at position 5: expected 'and', 'or' or ')', got 'clinic'");
  CHECK(Error("Älta") ==
        "--where 'Älta': at position 1: unexpected 'Ä' (rule names are letters, digits, _ and -)");
  CHECK(Error("ad and ålder") ==
        "--where 'ad and ålder': at position 8: unexpected 'å' (rule names are letters, digits, _ "
        "and -)");
  std::string deep(500, '(');
  CHECK(Error(deep + "ad").find("too deeply nested") != std::string::npos);
}

}  // namespace
}  // namespace karta
