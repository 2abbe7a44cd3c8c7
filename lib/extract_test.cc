#include "lib/extract.h"

#include <doctest/doctest.h>
#include <phonenumbers/phonenumberutil.h>

#include <random>

namespace karta {
namespace {

using V = std::vector<std::string>;

V Phones(std::string_view s) {
  static PhoneValidator v("SE");
  V out;
  ExtractPhones(s, &v, &out);
  return out;
}
V Emails(std::string_view s) {
  V out;
  ExtractEmails(s, &out);
  return out;
}
V Handles(std::string_view s) {
  V out;
  ExtractHandles(s, &out);
  return out;
}
std::vector<int> Ages(std::string_view s, int year = 2026) {
  std::vector<int> out;
  ExtractAges(s, year, &out);
  return out;
}
V Prices(std::string_view s) {
  V out;
  ExtractPrices(s, &out);
  return out;
}

TEST_CASE("phones: the usual ways of writing a Swedish number") {
  const V mobile = {"+46701234567"};
  CHECK(Phones("ring 070-123 45 67") == mobile);
  CHECK(Phones("ring 070 123 45 67 nu") == mobile);
  CHECK(Phones("0701234567") == mobile);
  CHECK(Phones("+46701234567") == mobile);
  CHECK(Phones("+46 70 123 45 67") == mobile);
  CHECK(Phones("+46 (0)70-123 45 67") == mobile);
  CHECK(Phones("+46(0)701234567") == mobile);
  CHECK(Phones("0046 70 123 45 67") == mobile);
  CHECK(Phones("070.123.45.67") == mobile);
  CHECK(Phones("0 7 0 1 2 3 4 5 6 7") == mobile);
  CHECK(Phones("070/1234567") == mobile);
  CHECK(Phones("(070) 123 45 67") == mobile);
  CHECK(Phones("08-123 456 78") == V{"+46812345678"});
  CHECK(Phones("tel 08-31 22 44") == V{"+468312244"});
}

TEST_CASE("phones: obfuscations") {
  const V mobile = {"+46701234567"};
  CHECK(Phones("O7O-123 45 67") == mobile);
  CHECK(Phones("o7o 123 45 67") == mobile);
  CHECK(Phones("07O1234567") == mobile);
  CHECK(Phones("O8-O71 28O OO") == V{"+46807128000"});
  CHECK(Phones("O8-OOO 772 62") == V{"+46800077262"});
  CHECK(Phones("Ok, OO") == V{});
  CHECK(Phones("noll sju noll ett två tre fyra fem sex sju") == mobile);
  CHECK(Phones("Noll Sju Noll, Ett Två Tre, Fyra Fem, Sex Sju") == mobile);
  CHECK(Phones("zero seven zero one two three four five six seven") == mobile);
  CHECK(Phones("070 \xF0\x9F\x93\x9E 123 45 67") == mobile);  // 📞
  CHECK(Phones("070\xF0\x9F\x92\x8B"
               "123\xF0\x9F\x92\x8B"
               "4567") == mobile);  // 💋
  CHECK(Phones("070\xE2\x9D\xA4\xEF\xB8\x8F"
               "1234567") == mobile);  // ❤️
  CHECK(Phones("070\xC2\xA0"
               "123\xC2\xA0"
               "45\xC2\xA0"
               "67") == mobile);  // nbsp
  CHECK(Phones("noll sju noll 123 45 67") == mobile);
}

TEST_CASE("phones: several, in order, de-duplicated") {
  CHECK(Phones("070-123 45 67 eller 073-765 43 21, igen 0701234567") ==
        V{"+46701234567", "+46737654321"});
  CHECK(Phones("Sara 24 0701234567") == V{"+46701234567"});
  CHECK(Phones("070-123 45 67 500 kr") == V{"+46701234567"});
  CHECK(Phones("+44 7911 123456") == V{"+447911123456"});
}

TEST_CASE("phones: what is not a phone") {
  CHECK(Phones("1500 kr/h, 2500 kr 2 timmar") == V{});
  CHECK(Phones("1 500 000 kr") == V{});
  CHECK(Phones("Annons 48213977 publicerad") == V{});
  CHECK(Phones("annons-id 20240512001") == V{});
  CHECK(Phones("född 2002, 114 55 Stockholm") == V{});
  CHECK(Phones("datum 2024-05-12 kl 19") == V{});
  CHECK(Phones("datum 05.12.2024") == V{});
  CHECK(Phones("öppet 08.00-20.00") == V{});
  CHECK(Phones("24/7 dygnet runt") == V{});
  CHECK(Phones("ring mig på sex tre") == V{});
  CHECK(Phones("070-123") == V{});
  CHECK(Phones("postnr 11455, box 1234") == V{});
}

TEST_CASE("phones: the RE2 fast path agrees with libphonenumber") {
  using namespace i18n::phonenumbers;
  PhoneNumberUtil* u = PhoneNumberUtil::GetInstance();
  PhoneValidator v("SE");
  std::mt19937 rng(7);
  int valid = 0;
  for (int i = 0; i < 400; ++i) {
    std::string d = "0";
    int len = 6 + static_cast<int>(rng() % 6);
    for (int k = 0; k < len; ++k) d.push_back(static_cast<char>('0' + rng() % 10));
    if (i % 2 == 0) d[1] = '7';
    if (d[1] == '0') continue;
    PhoneNumber n;
    std::string want;
    if (u->Parse(d, "SE", &n) == PhoneNumberUtil::NO_PARSING_ERROR && u->IsValidNumber(n)) {
      u->Format(n, PhoneNumberUtil::E164, &want);
      ++valid;
    }
    CHECK_MESSAGE(v.ToE164(d) == want, d);
  }
  CHECK(valid > 50);
}

TEST_CASE("emails") {
  CHECK(Emails("maila anna.s@example.se nu") == V{"anna.s@example.se"});
  CHECK(Emails("Anna.S@Example.SE.") == V{"anna.s@example.se"});
  CHECK(Emails("anna (at) example (dot) se") == V{"anna@example.se"});
  CHECK(Emails("anna[at]example[dot]se") == V{"anna@example.se"});
  CHECK(Emails("anna at example dot se") == V{"anna@example.se"});
  CHECK(Emails("anna at example.com") == V{"anna@example.com"});
  CHECK(Emails("anna snabel-a example punkt se") == V{"anna@example.se"});
  CHECK(Emails("anna @ example.se") == V{"anna@example.se"});
  CHECK(Emails("a@b.se, a@b.se and c_d@mail.example.org") == V{"a@b.se", "c_d@mail.example.org"});
  // Not emails.
  CHECK(Emails("snap @anna") == V{});
  CHECK(Emails("we meet at the hotel") == V{});
  CHECK(Emails("at noon dot") == V{});
  CHECK(Emails("anna@localhost") == V{});
}

TEST_CASE("handles") {
  CHECK(Handles("snap: anna_92") == V{"snap:anna_92"});
  CHECK(Handles("Snapchat @Anna.S") == V{"snap:anna.s"});
  CHECK(Handles("kik - sara99") == V{"kik:sara99"});
  CHECK(Handles("t.me/lisa_sthlm") == V{"telegram:lisa_sthlm"});
  CHECK(Handles("https://instagram.com/lisa.x/") == V{"instagram:lisa.x"});
  CHECK(Handles("onlyfans.com/lisa") == V{"onlyfans:lisa"});
  CHECK(Handles("OF: lisa") == V{"onlyfans:lisa"});
  CHECK(Handles("insta lisa_x") == V{"instagram:lisa_x"});
  CHECK(Handles("Telegram: @lisa") == V{"telegram:lisa"});
  CHECK(Handles("finns på insta, @lisa_x") == V{"instagram:lisa_x"});
  CHECK(Handles("snap: anna, kik: anna") == V{"snap:anna", "kik:anna"});
  CHECK(Handles("Telegram: t.me/mia_sthlm") == V{"telegram:mia_sthlm"});
  // Not handles.
  CHECK(Handles("snap eller kik") == V{});
  CHECK(Handles("whatsapp: 070-123 45 67") == V{});
  CHECK(Handles("WhatsApp O7O-123 45 67") == V{});
  CHECK(Handles("sms or whatsapp") == V{});
  CHECK(Handles("some of the best") == V{});
  CHECK(Handles("mail anna@example.se") == V{});
  CHECK(Handles("@anna") == V{});
}

TEST_CASE("ages") {
  using A = std::vector<int>;
  CHECK(Ages("Sara, 24 år, nära T-Centralen") == A{24});
  CHECK(Ages("Sara 24år") == A{24});
  CHECK(Ages("en 19-åring från Solna") == A{19});
  CHECK(Ages("19yo") == A{19});
  CHECK(Ages("19 y/o") == A{19});
  CHECK(Ages("I am 22 years old") == A{22});
  CHECK(Ages("22 years") == A{22});
  CHECK(Ages("Ålder: 31") == A{31});
  CHECK(Ages("age 27") == A{27});
  CHECK(Ages("Anna (19) i Solna") == A{19});
  CHECK(Ages("Anna(19)") == A{19});
  CHECK(Ages("född 2006", 2026) == A{20});
  CHECK(Ages("born 1999", 2025) == A{26});
  CHECK(Ages("nitton år") == A{19});
  CHECK(Ages("tjugotvå år") == A{22});
  CHECK(Ages("tjugo två år ung") == A{22});
  CHECK(Ages("twenty-two years old") == A{22});
  CHECK(Ages("jag är 17 år") == A{17});
  CHECK(Ages("24 år, 24 år") == A{24});
}

TEST_CASE("ages: what is not an age") {
  using A = std::vector<int>;
  CHECK(Ages("1500 kr/h") == A{});
  CHECK(Ages("kl 19-22") == A{});
  CHECK(Ages("24/7, dygnet runt") == A{});
  CHECK(Ages("5 km från centrum, 10 min") == A{});
  CHECK(Ages("jobbat i 5 år") == A{});
  CHECK(Ages("i 12 år") == A{});
  CHECK(Ages("för 2 år sedan") == A{});
  CHECK(Ages("20 års erfarenhet") == A{});
  CHECK(Ages("ingen under 18 år") == A{});
  CHECK(Ages("minst 18 år") == A{});
  CHECK(Ages("ring 070-123 45 67") == A{});
  CHECK(Ages("(08) 123") == A{});
  CHECK(Ages("född 2006", 0) == A{});
  CHECK(Ages("1.5 år") == A{});
  CHECK(Ages("Gammal byrå, 19 år") == A{});
  CHECK(Ages("Byrån är 19 år gammal men fin") == A{});
  CHECK(Ages("ett 10 år gammalt bord") == A{});
  CHECK(Ages("Sara är 24 år gammal") == A{24});
  CHECK(Ages("Jag är 24 år") == A{24});
}

TEST_CASE("prices") {
  CHECK(Prices("1500 kr/h") == V{"1500 SEK/h"});
  CHECK(Prices("1500kr/tim") == V{"1500 SEK/h"});
  CHECK(Prices("2000:-") == V{"2000 SEK"});
  CHECK(Prices("1 500 SEK") == V{"1500 SEK"});
  CHECK(Prices("1.500 kr per timme") == V{"1500 SEK/h"});
  CHECK(Prices("200 €") == V{"200 EUR"});
  CHECK(Prices("€200") == V{"200 EUR"});
  CHECK(Prices("1000 kr/30 min, 3000 kr/2 tim, 8000 kr/natt") ==
        V{"1000 SEK/30min", "3000 SEK/2h", "8000 SEK/night"});
  CHECK(Prices("800 kr/halvtimme") == V{"800 SEK/30min"});
  CHECK(Prices("1500 kronor i timmen") == V{"1500 SEK/h"});
  // Not prices.
  CHECK(Prices("070-123 45 67") == V{});
  CHECK(Prices("24 år, 19-22") == V{});
  CHECK(Prices("0 kr") == V{});
}

TEST_CASE("handles: every platform of the table is found, by each of its words") {
  // The fast path's first letters and lengths are computed from the table:
  // a platform added there must be found here without another edit.
  for (const HandlePlatform& p : HandlePlatforms()) {
    std::string name = p.shape == 1   ? "abcd2345"
                       : p.shape == 2 ? "05" + std::string(64, 'a')
                                      : "anna_x";
    std::string text = "hej! " + std::string(p.word) + ": " + name + " puss";
    V got = Handles(text);
    if (p.kind == "viber") {
      // Viber's name is the phone number: read by the phone extractor.
      CHECK_MESSAGE(got == V{}, text);
      CHECK(Phones("viber: 070-174 06 05") == V{"+46701740605"});
      continue;
    }
    CHECK_MESSAGE(got == V{std::string(p.kind) + ":" + name}, text);
    // Upper case too.
    std::string upper(p.word);
    for (char& c : upper) c = static_cast<char>(c - 32);
    CHECK_MESSAGE(Handles(upper + ": " + name) == V{std::string(p.kind) + ":" + name}, upper);
  }
}

TEST_CASE("handles: the platforms users meet, and their negatives") {
  CHECK(Handles("Signal @lisa_sthlm") == V{"signal:lisa_sthlm"});
  CHECK(Handles("Wickr Me: maja_x") == V{"wickr:maja_x"});
  CHECK(Handles("Threema ID: 7XK2PQ9M") == V{"threema:7xk2pq9m"});
  CHECK(Handles("Snap 👻 lisa_22") == V{"snap:lisa_22"});
  CHECK(Handles("👻: ella_sthlm") == V{"snap:ella_sthlm"});
  CHECK(Handles("https://telegram.me/mia_k") == V{"telegram:mia_k"});
  CHECK(Handles("kik.me/moa_kik") == V{"kik:moa_kik"});
  CHECK(Handles("ring en signal innan du kommer") == V{});
  CHECK(Handles("1 session 60 min 1500 kr") == V{});
  CHECK(Handles("session: 1 timme") == V{});
  CHECK(Handles("threema: anna") == V{});  // not a Threema ID
  CHECK(Handles("WhatsApp: https://wa.me/+46701740603") == V{});
  CHECK(Handles("api.whatsapp.com/send?phone=46701740604") == V{});
}

TEST_CASE("phones: links, keycaps, fullwidth, glued, foreign") {
  const V m = {"+46701740605"};
  CHECK(Phones("wa.me/46701740605") == m);
  CHECK(Phones("api.whatsapp.com/send?phone=46701740605") == m);
  CHECK(Phones("viber://chat?number=%2B46701740605") == m);
  CHECK(Phones("<a href=\"tel:+46701740605\">") == m);
  CHECK(Phones("sms:0701740605?body=hej") == m);
  CHECK(Phones("０７０−１７４０６０５") == m);
  CHECK(Phones("0️⃣7️⃣0️⃣1️⃣7️⃣4️⃣0️⃣6️⃣0️⃣5️⃣") == m);
  CHECK(Phones("ring0701740605nu") == m);
  CHECK(Phones("nollsjunoll 1740605") == m);
  CHECK(Phones("nollsjunollettsjufyranollsexnollfem") == m);
  CHECK(Phones("zero 7 zero, 1 7 4, 0 6, 0 5") == m);
  CHECK(Phones("070\n174 06 05") == m);
  CHECK(Phones("+40 (0)712 174 066") == V{"+40712174066"});
  CHECK(Phones("+47 417 40 651") == V{"+4741740651"});
  // Not phones.
  CHECK(Phones("personnummer 070101-1234") == V{});
  CHECK(Phones("ID: 0701740679") == V{});
  CHECK(Phones("Ref 0701740680") == V{});
  CHECK(Phones("Swish 123 174 06 05") == V{});
  CHECK(Phones("nollan är bäst") == V{});
}

TEST_CASE("ages: implied and unit-less forms, counted from the ad's date") {
  using A = std::vector<int>;
  auto ages = [](std::string_view s, RefDate ref = {2026, 5}) {
    A out;
    bool minor = false;
    ExtractAges(s, ref, &out, &minor);
    if (minor) out.push_back(-1);  // -1: the signal without an age
    return out;
  };
  CHECK(ages("jag är 16 och behöver pengar") == A{16});
  CHECK(ages("I'm 19") == A{19});
  CHECK(ages("jag är typ 20") == A{20});
  CHECK(ages("jag är nitton") == A{19});
  CHECK(ages("snart 18!") == A{17});
  CHECK(ages("fyller 18 i mars") == A{17});
  CHECK(ages("nybliven 18") == A{18});
  CHECK(ages("nyss fyllt 18") == A{18});
  CHECK(ages("just turned 18") == A{18});
  CHECK(ages("född -07") == A{19});
  CHECK(ages("07:a") == A{19});
  CHECK(ages("07:a", {2027, 1}) == A{20});
  CHECK(ages("född i mars 2008", {2026, 2}) == A{17});
  CHECK(ages("född i mars 2008", {2026, 3}) == A{18});
  CHECK(ages("född -07", {0, 0}) == A{});
  CHECK(ages("jag är 1️⃣7️⃣") == A{17});
  CHECK(ages("inte 18 än") == A{-1});
  CHECK(ages("jag är under 18") == A{-1});
  // Not ages.
  CHECK(ages("jag är 60 kg") == A{});
  CHECK(ages("endast 18+") == A{});
  CHECK(ages("17 år i branschen") == A{});
  CHECK(ages("min dotter är 16") == A{});
  CHECK(ages("Min son är 17 år") == A{});
  CHECK(ages("du måste vara 18") == A{});
  CHECK(ages("du ska ha fyllt 18") == A{});
  CHECK(ages("18 år och äldre") == A{});
  CHECK(ages("07:30") == A{});
  CHECK(ages("sedan 2007") == A{});
  CHECK(ages("inga under 18") == A{});
}

TEST_CASE("dates and digits") {
  CHECK(RefDateOf("2026-05-01T10:00:00Z").year == 2026);
  CHECK(RefDateOf("2026-05-01T10:00:00Z").month == 5);
  CHECK(RefDateOf("2026-13-01").month == 0);
  CHECK(RefDateOf("2026").month == 0);
  CHECK(RefDateOf("igår").year == 0);
  std::string out;
  CHECK_FALSE(NormalizeDigits("070-123 45 67", &out));
  REQUIRE(NormalizeDigits("０７０ 1️⃣2⃣ %2B", &out));
  CHECK(out == "070 12 +");
}

TEST_CASE("extractors: one table drives names and switches") {
  std::vector<std::string_view> names;
  for (const ExtractorInfo& x : Extractors()) names.push_back(x.name);
  CHECK(names == std::vector<std::string_view>{"phones", "emails", "ages", "prices", "handles"});
  Extraction ex;
  ex.ages = {19, 17};
  ex.handles = {"snap:anna"};
  V values;
  for (const ExtractorInfo& x : Extractors()) {
    ExtractedValues(ex, x, &values);
    if (x.name == "ages") CHECK(values == V{"19", "17"});
    if (x.name == "handles") CHECK(values == V{"snap:anna"});
    if (x.name == "phones") CHECK(values.empty());
    // Each switch turns exactly its own extractor off.
    ExtractWhat what;
    what.*x.on = false;
    Extractor one(what);
    Extraction o;
    one.Extract("Sara 24 år, 070-123 45 67, sara@example.se, 1500 kr/h, snap: sara_x", 2026, &o);
    CHECK((o.phones.empty()) == (x.name == "phones"));
    CHECK((o.emails.empty()) == (x.name == "emails"));
    CHECK((o.ages.empty()) == (x.name == "ages"));
    CHECK((o.prices.empty()) == (x.name == "prices"));
    CHECK((o.handles.empty()) == (x.name == "handles"));
  }
}

TEST_CASE("year of a date") {
  CHECK(YearOf("2026-05-01T10:00:00Z") == 2026);
  CHECK(YearOf("2026") == 2026);
  CHECK(YearOf("20260501") == 0);
  CHECK(YearOf("") == 0);
  CHECK(YearOf("maj 2026") == 0);
}

TEST_CASE("extractor: fields added in turn keep order and uniqueness") {
  Extractor ex;
  Extraction out;
  ex.Extract("Sara 24 år, 070-123 45 67", 2026, &out);
  ex.Extract("ring 0701234567 eller snap: sara_x, 1500 kr/h", 2026, &out);
  CHECK(out.phones == V{"+46701234567"});
  CHECK(out.ages == std::vector<int>{24});
  CHECK(out.handles == V{"snap:sara_x"});
  CHECK(out.prices == V{"1500 SEK/h"});
  Extractor only_ages(ExtractWhat{false, false, true, false, false});
  Extraction o2;
  only_ages.Extract("Sara 24 år, 070-123 45 67", 2026, &o2);
  CHECK(o2.phones.empty());
  CHECK(o2.ages == std::vector<int>{24});
}

}  // namespace
}  // namespace karta
