#include "lib/hints.h"

#include <doctest/doctest.h>

namespace karta {

TEST_CASE("hints: edit distance") {
  CHECK(EditDistance("", "") == 0);
  CHECK(EditDistance("fetch", "fecth") == 2);
  CHECK(EditDistance("kommun", "Kommun") == 0);
  CHECK(EditDistance("abc", "") == 3);
  CHECK(EditDistance("field", "fields") == 1);
}

TEST_CASE("hints: the closest name, only when it is a likely typo") {
  std::vector<std::string> tools = {"fetch", "filter", "extract", "geotag", "dedupe", "tabulate"};
  CHECK(Closest("fecth", tools) == "fetch");
  CHECK(Closest("filtr", tools) == "filter");
  CHECK(Closest("geotga", tools) == "geotag");
  CHECK(Closest("tabluate", tools) == "tabulate");
  CHECK(Closest("xyz", tools).empty());
  CHECK(Closest("report", tools).empty());
  CHECK(Closest("a", {"b"}).empty());  // one letter is never a typo of another
  CHECK(DidYouMean("komun", {"title", "kommun"}) == " (did you mean 'kommun'?)");
  CHECK(DidYouMean("zzzz", {"title", "kommun"}).empty());
}

TEST_CASE("hints: a header read with the wrong delimiter") {
  CHECK(DelimiterHint({"a;b;c"}, ',') == "the header looks semicolon-separated: give -d ';'");
  CHECK(DelimiterHint({"a\tb"}, ',') == "the header looks tab-separated: give -d '\\t'");
  CHECK(DelimiterHint({"a", "b"}, ',').empty());
  CHECK(DelimiterHint({"a;b"}, ';').empty());
  CHECK(DelimiterHint({"text"}, ',').empty());
}

}  // namespace karta
