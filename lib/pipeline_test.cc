#include "lib/pipeline.h"

#include <doctest/doctest.h>

#include <string>

namespace karta {
namespace {

using Args = std::vector<std::string>;

Routine MustParse(std::string_view text, const std::map<std::string, std::string>& vars = {}) {
  auto r = ParseRoutine(text, "r.karta", vars);
  INFO(r.status().message());
  REQUIRE(r.ok());
  return std::move(r.value());
}

std::string ErrorOf(std::string_view text, const std::map<std::string, std::string>& vars = {}) {
  auto r = ParseRoutine(text, "r.karta", vars);
  REQUIRE(!r.ok());
  CHECK(r.status().code() == Status::Code::kUsage);
  return r.status().message();
}

TEST_CASE("routine: one stage per line, joined by |") {
  Routine r = MustParse("select a,b |\nfilter --where x\n| tabulate --by k\n");
  REQUIRE(r.stages.size() == 3);
  CHECK(r.stages[0].args == Args{"select", "a,b"});
  CHECK(r.stages[0].line == 1);
  CHECK(r.stages[1].args == Args{"filter", "--where", "x"});
  CHECK(r.stages[1].line == 2);
  CHECK(r.stages[2].args == Args{"tabulate", "--by", "k"});
  CHECK(r.stages[2].line == 3);
}

TEST_CASE("routine: several stages on one line, and a leading 'karta'") {
  Routine r = MustParse("karta select a | karta dedupe");
  REQUIRE(r.stages.size() == 2);
  CHECK(r.stages[0].args == Args{"select", "a"});
  CHECK(r.stages[1].args == Args{"dedupe"});
}

TEST_CASE("routine: comments, blank lines and continued lines") {
  Routine r = MustParse(
      "# what it does\n"
      "\n"
      "filter --rules r.rules \\\n"
      "       --where 'ad and not clinic'   # keep ads\n"
      "|\n"
      "dedupe#not-a-comment\n");
  REQUIRE(r.stages.size() == 2);
  CHECK(r.stages[0].args == Args{"filter", "--rules", "r.rules", "--where", "ad and not clinic"});
  CHECK(r.stages[0].line == 3);
  CHECK(r.stages[1].args == Args{"dedupe#not-a-comment"});
  CHECK(r.stages[1].line == 6);
}

TEST_CASE("routine: shell quoting") {
  Routine r = MustParse(R"(select 'a b' "c \"d\" \$e" f\ g '' "it's" x'y'"z")");
  REQUIRE(r.stages.size() == 1);
  CHECK(r.stages[0].args == Args{"select", "a b", "c \"d\" $e", "f g", "", "it's", "xyz"});
}

TEST_CASE("routine: quoted | and # are arguments") {
  Routine r = MustParse("filter --where 'a | b' \"#x\"");
  REQUIRE(r.stages.size() == 1);
  CHECK(r.stages[0].args == Args{"filter", "--where", "a | b", "#x"});
}

TEST_CASE("routine: variables, defaults and overrides") {
  Routine r = MustParse(
      "set since = 7d\n"
      "set store=h.sqlite\n"
      "history new --store ${store} --since \"${since}\" --x '${since}' --y a${since}b\n",
      {{"since", "14d"}});
  REQUIRE(r.stages.size() == 1);
  CHECK(r.stages[0].args == Args{"history", "new", "--store", "h.sqlite", "--since", "14d", "--x",
                                 "${since}", "--y", "a14db"});
  CHECK(r.defaults.at("since") == "7d");
  CHECK(r.used.count("since") == 1);
  CHECK(r.used.count("store") == 1);
}

TEST_CASE("routine: a variable never splits into words; a lone $ is literal") {
  Routine r = MustParse("select ${cols} $x", {{"cols", "a b"}});
  CHECK(r.stages[0].args == Args{"select", "a b", "$x"});
}

TEST_CASE("routine: errors name the file and line") {
  CHECK(ErrorOf("select a |\n\nselect ${nope}\n").find("r.karta:3: variable 'nope' is not set") ==
        0);
  CHECK(ErrorOf("select a |\n").find("r.karta:1: the routine ends with '|'") == 0);
  CHECK(ErrorOf("select a | | b").find("r.karta:1: empty stage") == 0);
  CHECK(ErrorOf("| b").find("r.karta:1: the routine starts with '|'") == 0);
  CHECK(ErrorOf("select a\nselect 'b\n\n").find("r.karta:2: unterminated single quote") == 0);
  CHECK(ErrorOf("select \"b").find("r.karta:1: unterminated double quote") == 0);
  CHECK(ErrorOf("select a > out.csv").find("r.karta:1: '>' needs a shell") == 0);
  CHECK(ErrorOf("\nselect a; select b").find("r.karta:2: ';' needs a shell") == 0);
  CHECK(ErrorOf("select $(ls)").find("r.karta:1: '$(' needs a shell") == 0);
  CHECK(ErrorOf("# only a comment\n").find("r.karta:2: the routine has no stages") == 0);
  CHECK(ErrorOf("set x = 1\nset x = 2\nselect a").find("r.karta:2: variable 'x' is set twice") ==
        0);
  CHECK(ErrorOf("set x 1\nselect a").find("r.karta:1: a 'set' line must read") == 0);
  CHECK(ErrorOf("select ${a-b}").find("r.karta:1: '${a-b}': not a variable name") == 0);
  CHECK(ErrorOf("select \xff").find("r.karta:1: not valid UTF-8") == 0);
}

TEST_CASE("routine: lines are counted inside quotes and continuations") {
  Routine r = MustParse("select 'a\nb' \\\n  c |\nfilter");
  REQUIRE(r.stages.size() == 2);
  CHECK(r.stages[0].args == Args{"select", "a\nb", "c"});
  CHECK(r.stages[1].line == 4);
}

TEST_CASE("routine: CRLF line ends") {
  Routine r = MustParse("select a |\r\nfilter \\\r\n --x\r\n");
  REQUIRE(r.stages.size() == 2);
  CHECK(r.stages[1].args == Args{"filter", "--x"});
}

TEST_CASE("ParseAssignment") {
  auto a = ParseAssignment("since=7d");
  REQUIRE(a.ok());
  CHECK(a->first == "since");
  CHECK(a->second == "7d");
  auto b = ParseAssignment("x=a=b");
  REQUIRE(b.ok());
  CHECK(b->second == "a=b");
  CHECK(!ParseAssignment("since").ok());
  CHECK(!ParseAssignment("1x=2").ok());
}

TEST_CASE("RoutineDescription takes the opening comment") {
  CHECK(RoutineDescription("#!/usr/bin/env karta\n# One.\n#  Two.\n#\nselect a # no\n# no\n") ==
        "One.\n Two.\n\n");
}

// A test stage that keeps every other record.
class Halve : public Stage {
 public:
  Status Begin(const Header& h) override { return next_->Begin(h); }
  Status Push(Record& r) override { return (n_++ % 2 == 0) ? next_->Push(r) : Status::Ok(); }
  Status End() override { return next_->End(); }

 private:
  int n_ = 0;
};

class FailAt : public Stage {
 public:
  explicit FailAt(int at) : at_(at) {}
  Status Begin(const Header& h) override { return next_->Begin(h); }
  Status Push(Record& r) override {
    if (++n_ == at_) return Status::Data("boom");
    return next_->Push(r);
  }
  Status End() override { return next_->End(); }

 private:
  int at_;
  int n_ = 0;
};

TEST_CASE("Chain counts records in and out of each stage") {
  std::vector<std::unique_ptr<Stage>> stages;
  stages.push_back(std::make_unique<PassStage>());
  stages.push_back(std::make_unique<Halve>());
  stages.push_back(std::make_unique<Halve>());
  CollectSink out;
  Chain chain(std::move(stages), &out, true);
  REQUIRE(chain.head()->Begin(Header({"a"})).ok());
  for (int i = 0; i < 10; ++i) {
    Record r;
    r.fields = {std::to_string(i)};
    REQUIRE(chain.head()->Push(r).ok());
  }
  REQUIRE(chain.head()->End().ok());
  auto s = chain.Stats();
  REQUIRE(s.size() == 3);
  CHECK(s[0].records_in == 10);
  CHECK(s[0].records_out == 10);
  CHECK(s[1].records_in == 10);
  CHECK(s[1].records_out == 5);
  CHECK(s[2].records_in == 5);
  CHECK(s[2].records_out == 3);
  CHECK(chain.records_out() == 3);
  CHECK(out.records().size() == 3);
  CHECK(out.ended());
  CHECK(chain.fault() == -1);
  for (const auto& st : s) CHECK(st.seconds >= 0);
}

TEST_CASE("Chain names the stage that failed") {
  std::vector<std::unique_ptr<Stage>> stages;
  stages.push_back(std::make_unique<PassStage>());
  stages.push_back(std::make_unique<PassStage>());
  stages.push_back(std::make_unique<FailAt>(2));
  stages.push_back(std::make_unique<PassStage>());
  CollectSink out;
  Chain chain(std::move(stages), &out, false);
  REQUIRE(chain.head()->Begin(Header({"a"})).ok());
  Record r;
  r.fields = {"x"};
  CHECK(chain.head()->Push(r).ok());
  Status st = chain.head()->Push(r);
  CHECK(st.message() == "boom");
  CHECK(chain.fault() == 2);
}

}  // namespace
}  // namespace karta
