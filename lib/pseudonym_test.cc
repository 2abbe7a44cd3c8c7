#include "lib/pseudonym.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <string>

#include <doctest/doctest.h>

namespace karta {
namespace {

std::string TempDir() {
  char tmpl[] = "/tmp/karta-pseudonym-XXXXXX";
  const char* d = ::mkdtemp(tmpl);
  REQUIRE(d != nullptr);
  return d;
}

TEST_CASE("pseudonyms: same key same token, other key other token") {
  Pseudonymizer a(std::string(32, 'a'));
  Pseudonymizer a2(std::string(32, 'a'));
  Pseudonymizer b(std::string(32, 'b'));
  std::string t = a.Token("tel", "+46701234567");
  CHECK(t.rfind("tel:", 0) == 0);
  CHECK(t.size() == 4 + 16);
  CHECK(t == a2.Token("tel", "+46701234567"));
  CHECK(t != b.Token("tel", "+46701234567"));
  CHECK(t != a.Token("tel", "+46701234568"));
  // The kind is part of what is keyed: a name on two platforms differs.
  CHECK(a.Token("snapchat", "anna").substr(9) != a.Token("kik", "anna").substr(4));
  // A known answer, so tokens stay stable across versions and machines.
  // (Python: hmac.new(key, b"tel:+46701234567", sha256).hexdigest()[:16])
  CHECK(Pseudonymizer("0123456789abcdef0123456789abcdef").Token("tel", "+46701234567") ==
        "tel:4e9ca24d64d517d4");
}

TEST_CASE("key files: created 0600, read back, never overwritten") {
  std::string dir = TempDir();
  std::string path = dir + "/k.key";
  REQUIRE(Pseudonymizer::CreateKeyFile(path).ok());
  struct stat st;
  REQUIRE(::stat(path.c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
  auto p = Pseudonymizer::FromKeyFile(path);
  REQUIRE(p.ok());
  auto q = Pseudonymizer::FromKeyFile(path);
  REQUIRE(q.ok());
  CHECK(p->Token("tel", "+46701234567") == q->Token("tel", "+46701234567"));
  Status again = Pseudonymizer::CreateKeyFile(path);
  CHECK(again.code() == Status::Code::kUsage);
  CHECK(again.message().find("never overwritten") != std::string::npos);
  // A second key gives other tokens.
  std::string path2 = dir + "/k2.key";
  REQUIRE(Pseudonymizer::CreateKeyFile(path2).ok());
  auto r = Pseudonymizer::FromKeyFile(path2);
  REQUIRE(r.ok());
  CHECK(p->Token("tel", "+46701234567") != r->Token("tel", "+46701234567"));
  ::unlink(path2.c_str());
  // Readable by others: refused, with the fix in the message.
  REQUIRE(::chmod(path.c_str(), 0644) == 0);
  auto bad = Pseudonymizer::FromKeyFile(path);
  CHECK(!bad.ok());
  CHECK(bad.status().code() == Status::Code::kUsage);
  CHECK(bad.status().message().find("chmod 600") != std::string::npos);
  REQUIRE(::chmod(path.c_str(), 0640) == 0);
  CHECK(!Pseudonymizer::FromKeyFile(path).ok());
  REQUIRE(::chmod(path.c_str(), 0400) == 0);
  CHECK(Pseudonymizer::FromKeyFile(path).ok());
  ::unlink(path.c_str());
  CHECK(Pseudonymizer::FromKeyFile(path).status().code() == Status::Code::kIo);
  ::rmdir(dir.c_str());
}

}  // namespace
}  // namespace karta
