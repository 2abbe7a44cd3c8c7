#include "lib/http.h"

#include <doctest/doctest.h>

namespace karta {

TEST_CASE("http: host keys and schemes") {
  CHECK(HostKey("http://A.Example/x") == "http://a.example:80");
  CHECK(HostKey("https://a.example:8443/x?y") == "https://a.example:8443");
  CHECK(HostKey("http://127.0.0.1:9000") == "http://127.0.0.1:9000");
  CHECK(HostKey("file:///etc/passwd") == "");
  CHECK(HostKey("ftp://a.example/x") == "");
  CHECK(HostKey("not a url") == "");
  CHECK(UrlScheme("FILE:///x") == "file");
  CHECK(UrlScheme("gopher://h/") == "gopher");
  CHECK(UrlScheme("/relative") == "");
  CHECK(NowRfc3339().size() == 20);
}

TEST_CASE("http: jobs that cannot be fetched end with an error row") {
  FetchOptions o;
  o.robots = false;
  auto f = Fetcher::Create(o);
  REQUIRE(f.ok());
  (*f)->Add({1, "file:///etc/passwd", "", ""});
  (*f)->Add({2, "ftp://a.example/x", "", ""});
  (*f)->Add({3, "not a url", "", ""});
  std::vector<FetchResult> done;
  for (int i = 0; i < 10 && (*f)->pending() > 0; ++i) REQUIRE((*f)->Poll(10, &done).ok());
  REQUIRE(done.size() == 3);
  CHECK(done[0].error == "scheme 'file' not allowed: http and https only");
  CHECK(done[1].error == "scheme 'ftp' not allowed: http and https only");
  CHECK(done[2].error == "not a valid URL");
}

}  // namespace karta
