#include "lib/pseudonym.h"

#include <doctest/doctest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <memory>
#include <string>

#include "lib/extract.h"

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

// The real extractor as a finder (phones, emails, handles), as tools/extract uses it.
IdentifierFinder RealFinder() {
  static Extractor ex(ExtractWhat{true, true, false, false, true});
  return IdentifierFinderFor(&ex);
}

std::string Pseudo(std::string text, const std::vector<Identifier>& known = {}) {
  static const Pseudonymizer p(std::string(32, 'k'));
  static const IdentifierFinder f = RealFinder();
  PseudonymizeText(p, f, known, &text);
  return text;
}

TEST_CASE("locate: spans of every written form the extractor reads") {
  IdentifierFinder f = RealFinder();
  struct Case {
    std::string text, written;
  };
  const Case cases[] = {
      {"Ring 070-174 06 05 nu!", "070-174 06 05"},
      {"sms 0 7 0 1 7 4 0 6 0 6, inga dolda", "0 7 0 1 7 4 0 6 0 6"},
      {"Tel: O7O-174 O6 17\nPuss", "O7O-174 O6 17"},
      {"noll sju noll ett sju fyra noll sex noll fem tack",
       "noll sju noll ett sju fyra noll sex noll fem"},
      {"Mejl: anna.b12 (at) mejl [dot] example! Hej", "anna.b12 (at) mejl [dot] example"},
      {"Följ mig på snap: ines.k8468 puss", "snap: ines.k8468"},
      {"Ring 08 📞 465 📞004 05.", "08 📞 465 📞004 05"},
  };
  for (const Case& c : cases) {
    CAPTURE(c.text);
    auto spans = LocateIdentifiers(c.text, f);
    REQUIRE(spans.size() == 1);
    std::string got = c.text.substr(spans[0].begin, spans[0].end - spans[0].begin);
    // The span holds the written form (it may leave a separator or the
    // platform's name outside when the extractor does not need them).
    CHECK(c.written.find(got) != std::string::npos);
    CHECK(got.size() + 8 >= c.written.size());
  }
}

TEST_CASE("locate: several identifiers, repeats, and text without any") {
  IdentifierFinder f = RealFinder();
  std::string t = "A 0701740605, b anna@mejl.example, again 070 174 06 05 and snap: kim_99 end";
  auto spans = LocateIdentifiers(t, f);
  REQUIRE(spans.size() == 4);
  CHECK(spans[0].id == Identifier{"tel", "+46701740605"});
  CHECK(spans[1].id == Identifier{"mail", "anna@mejl.example"});
  CHECK(spans[2].id == Identifier{"tel", "+46701740605"});
  CHECK(spans[3].id.value == "kim_99");
  for (size_t i = 1; i < spans.size(); ++i) CHECK(spans[i].begin >= spans[i - 1].end);
  CHECK(LocateIdentifiers("Hej, 1500 kr/h, 24/7, född 2001.", f).empty());
  CHECK(LocateIdentifiers("", f).empty());
}

TEST_CASE("locate: a long text with identifiers far apart") {
  IdentifierFinder f = RealFinder();
  std::string filler;
  for (int i = 0; i < 300; ++i) filler += "Mysig kväll med trevligt sällskap. ";
  std::string t = filler + "Ring 070-174 06 07. " + filler + "kik: luna_se55 " + filler;
  auto spans = LocateIdentifiers(t, f);
  REQUIRE(spans.size() == 2);
  CHECK(t.substr(spans[0].begin, spans[0].end - spans[0].begin).find("174 06 07") !=
        std::string::npos);
}

TEST_CASE("pseudonymize text: replaced in place by the same token as the column") {
  Pseudonymizer p(std::string(32, 'k'));
  std::string out = Pseudo("Tel: O7O-174 O6 17 eller mejla nova@postlada.example. Puss");
  CHECK(out.find("O6 17") == std::string::npos);
  CHECK(out.find("nova") == std::string::npos);
  CHECK(out.find(p.Token("tel", "+46701740617")) != std::string::npos);
  CHECK(out.find(p.Token("mail", "nova@postlada.example")) != std::string::npos);
  CHECK(out.rfind("Tel: ", 0) == 0);
  CHECK(out.find(". Puss") != std::string::npos);
  // A text with nothing to replace is unchanged, byte for byte.
  CHECK(Pseudo("Hej! 1 200 SEK/h. 🌹") == "Hej! 1 200 SEK/h. 🌹");
}

TEST_CASE("pseudonymize text: known identifiers from other columns, literally, in URLs") {
  Pseudonymizer p(std::string(32, 'k'));
  std::vector<Identifier> known = {
      {"tel", "+46701740617"}, {"snap", "ines.k8468"}, {"mail", "nova@postlada.example"}};
  std::string url = Pseudo(
      "http://x.example/ads/0701740617/ines.k8468?c=+46701740617&m=NOVA@postlada.example", known);
  CHECK(url.find("0701740617") == std::string::npos);
  CHECK(url.find("701740617") == std::string::npos);
  CHECK(url.find("ines.k8468") == std::string::npos);
  CHECK(url.find("NOVA") == std::string::npos);
  CHECK(url.find(p.Token("snap", "ines.k8468")) != std::string::npos);
  // A name inside a longer word is not touched.
  CHECK(Pseudo("kimberly", {{"snap", "kim"}}) == "kimberly");
  CHECK(Pseudo("hej kim!", {{"snap", "kim"}}) == "hej " + p.Token("snap", "kim") + "!");
}

}  // namespace
}  // namespace karta
