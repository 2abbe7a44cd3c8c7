// karta-practice-check: verifies that a generated practice corpus's ground
// truth matches its pages.
//
//   karta-practice-check DIR
//
// For every ad: each truth phone is valid per libphonenumber (region SE),
// formats to the same E.164, and its digits appear in the ad (a letter O
// counts as a zero); the stated age appears as a number, a birth year or a
// Swedish number word; the place appears in one of its forms (text, title or
// location field); e-mails and handles appear; kind, kommunkod and in_region
// are well formed and consistent; ages are 18..45; the ad page exists on its
// site. A non-empty location field names the truth place or its kommun (so
// truth never misses a place the page shows). Across ads: no e-mail or handle
// belongs to two advertisers, and a shared phone joins exactly two
// advertisers, at most 3% of them. The place table passes its self-check
// (practice::CheckTables). Prints a summary on stdout; exit 0 if all hold, 1
// otherwise.
#include <phonenumbers/phonenumberutil.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>

#include "examples/practice-site/gen/world.h"
#include "lib/csv.h"

namespace fs = std::filesystem;
using i18n::phonenumbers::PhoneNumber;
using i18n::phonenumbers::PhoneNumberUtil;

namespace {

int failures = 0;

void Fail(const std::string& where, const std::string& what) {
  if (++failures <= 50)
    std::fprintf(stderr, "karta-practice-check: %s: %s\n", where.c_str(), what.c_str());
}

bool Contains(const std::string& hay, const std::string& needle) {
  return hay.find(needle) != std::string::npos;
}

// The digits of `s`, with a capital letter O read as a zero.
std::string DigitStream(const std::string& s) {
  std::string out;
  for (char c : s)
    if ((c >= '0' && c <= '9'))
      out += c;
    else if (c == 'O')
      out += '0';
  return out;
}

// True if `n` occurs in `s` not as part of a longer number.
bool HasNumber(const std::string& s, const std::string& n) {
  for (size_t pos = s.find(n); pos != std::string::npos; pos = s.find(n, pos + 1)) {
    const bool left = pos == 0 || !std::isdigit(static_cast<unsigned char>(s[pos - 1]));
    const size_t end = pos + n.size();
    const bool right = end >= s.size() || !std::isdigit(static_cast<unsigned char>(s[end]));
    if (left && right) return true;
  }
  return false;
}

std::vector<std::string> Split(const std::string& s) {
  std::vector<std::string> out;
  if (s.empty()) return out;
  size_t pos = 0;
  while (true) {
    const size_t semi = s.find(';', pos);
    out.push_back(s.substr(pos, semi == std::string::npos ? std::string::npos : semi - pos));
    if (semi == std::string::npos) break;
    pos = semi + 1;
  }
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: karta-practice-check DIR\n");
    return 2;
  }
  for (const auto& m : practice::CheckTables()) Fail("place table", m);
  const fs::path dir(argv[1]);
  karta::CsvOptions opts;
  auto corpus = karta::CsvReader::Open({(dir / "corpus.csv").string()}, opts);
  auto truth = karta::CsvReader::Open({(dir / "truth.csv").string()}, opts);
  if (!corpus.ok() || !truth.ok()) {
    std::fprintf(stderr, "karta-practice-check: %s: cannot read corpus.csv or truth.csv\n",
                 argv[1]);
    return 1;
  }
  const auto& ch = (*corpus)->header();
  const auto& th = (*truth)->header();
  auto col = [](const karta::Header& h, const char* name) {
    auto i = h.Find(name);
    if (!i) {
      std::fprintf(stderr, "karta-practice-check: missing column %s\n", name);
      std::exit(1);
    }
    return *i;
  };
  const size_t c_id = col(ch, "ad_id"), c_site = col(ch, "site"), c_url = col(ch, "url"),
               c_posted = col(ch, "posted_at"), c_title = col(ch, "title"),
               c_text = col(ch, "text"), c_field = col(ch, "location_field");
  const size_t t_adv = col(th, "advertiser_id");
  const size_t t_id = col(th, "ad_id"), t_kind = col(th, "kind"), t_place = col(th, "place"),
               t_kommun = col(th, "kommun"), t_kod = col(th, "kommunkod"),
               t_reg = col(th, "in_region"), t_age = col(th, "age"), t_phones = col(th, "phones"),
               t_emails = col(th, "emails"), t_handles = col(th, "handles");

  std::map<std::string, const practice::Place*> places;
  for (const auto& p : practice::Places()) places[p.canon] = &p;
  const bool have_sites = fs::exists(dir / "sites");
  auto* util = PhoneNumberUtil::GetInstance();
  std::map<std::string, int64_t> kinds;
  int64_t rows = 0, phones = 0, ages = 0, placed = 0;
  // Identifier value -> advertisers that give it.
  std::map<std::string, std::set<std::string>> owners;
  std::set<std::string> advertisers;

  karta::Record c, t;
  while (true) {
    auto mc = (*corpus)->Next(&c);
    auto mt = (*truth)->Next(&t);
    if (!mc.ok() || !mt.ok()) {
      Fail(argv[1], "unreadable CSV");
      break;
    }
    if (*mc != *mt) {
      Fail(argv[1], "corpus.csv and truth.csv have different numbers of rows");
      break;
    }
    if (!*mc) break;
    ++rows;
    const std::string id = c.fields[c_id];
    const std::string where = "ad " + id;
    if (t.fields[t_id] != id) Fail(where, "truth row has ad_id " + t.fields[t_id]);
    const std::string all = c.fields[c_title] + "\n" + c.fields[c_text] + "\n" + c.fields[c_field];
    const std::string digits = DigitStream(all);
    const std::string kind = t.fields[t_kind];
    ++kinds[kind];
    if (kind != "ad" && kind != "clinic" && kind != "other") Fail(where, "bad kind '" + kind + "'");

    for (const auto& e164 : Split(t.fields[t_phones])) {
      ++phones;
      PhoneNumber n;
      if (util->Parse(e164, "SE", &n) != PhoneNumberUtil::NO_PARSING_ERROR) {
        Fail(where, "phone " + e164 + " does not parse");
        continue;
      }
      if (!util->IsValidNumber(n))
        Fail(where, "phone " + e164 + " is not valid per libphonenumber");
      std::string f;
      util->Format(n, PhoneNumberUtil::E164, &f);
      if (f != e164) Fail(where, "phone " + e164 + " normalises to " + f);
      if (e164.rfind("+46", 0) != 0 || !Contains(digits, e164.substr(3)))
        Fail(where, "phone " + e164 + " does not appear in the ad");
    }

    const std::string age = t.fields[t_age];
    if (!age.empty()) {
      ++ages;
      const int a = std::atoi(age.c_str());
      if (a < 18 || a > 45) Fail(where, "age " + age + " outside 18..45");
      const int year = std::atoi(c.fields[c_posted].substr(0, 4).c_str());
      const bool found = HasNumber(all, age) || Contains(all, "född " + std::to_string(year - a)) ||
                         Contains(all, practice::SwedishNumber(a) + " år");
      if (!found) Fail(where, "age " + age + " does not appear in the ad");
    }

    const std::string adv = t.fields[t_adv];
    if (kind == "ad") advertisers.insert(adv);
    if (kind == "ad")
      for (size_t col_k : {t_phones, t_emails, t_handles})
        for (const auto& v : Split(t.fields[col_k])) owners[v].insert(adv);

    const std::string place = t.fields[t_place];
    const std::string field = c.fields[c_field];
    if (!field.empty()) {
      auto it = places.find(place);
      bool named = false;
      if (it != places.end()) {
        named = field == it->second->kommun;
        for (const auto& f : it->second->forms) named |= field == f.word;
      }
      if (!named) Fail(where, "location field '" + field + "' but truth place '" + place + "'");
    }
    if (!place.empty()) {
      ++placed;
      auto it = places.find(place);
      if (it == places.end()) {
        Fail(where, "unknown place '" + place + "'");
      } else {
        const practice::Place& p = *it->second;
        bool found = Contains(all, p.canon);
        for (const auto& f : p.forms) found |= Contains(all, f.word);
        if (!found) Fail(where, "place '" + place + "' does not appear in the ad");
        if (t.fields[t_kommun] != p.kommun || t.fields[t_kod] != p.kommunkod)
          Fail(where, "kommun does not match place");
        const bool reg = t.fields[t_kod].rfind("01", 0) == 0;
        if (t.fields[t_reg] != (reg ? "1" : "0"))
          Fail(where, "in_region inconsistent with kommunkod");
      }
    } else if (!t.fields[t_kod].empty() || !t.fields[t_reg].empty()) {
      Fail(where, "kommunkod or in_region without a place");
    }

    for (const auto& e : Split(t.fields[t_emails])) {
      const size_t at = e.find('@');
      const std::string local = e.substr(0, at), domain = e.substr(at + 1);
      if (!Contains(all, local) || !Contains(all, domain.substr(0, domain.find('.'))))
        Fail(where, "email " + e + " does not appear in the ad");
      if (domain.size() < 8 || domain.substr(domain.size() - 8) != ".example")
        Fail(where, "email domain not .example");
    }
    for (const auto& h : Split(t.fields[t_handles])) {
      const size_t colon = h.find(':');
      if (colon == std::string::npos || !Contains(all, h.substr(colon + 1)))
        Fail(where, "handle " + h + " does not appear");
    }

    if (have_sites) {
      const std::string url = c.fields[c_url];
      const std::string host = c.fields[c_site];
      const std::string prefix = "http://" + host;
      if (url.rfind(prefix, 0) != 0) {
        Fail(where, "url " + url + " is not on " + host);
      } else {
        std::string path = url.substr(prefix.size());
        fs::path file = dir / "sites" / host / path.substr(1);
        if (file.extension() != ".html") file += ".html";
        std::ifstream in(file, std::ios::binary);
        std::stringstream ss;
        ss << in.rdbuf();
        if (!in)
          Fail(where, "page " + file.string() + " is missing");
        else if (!Contains(ss.str(), id))
          Fail(where, "page " + file.string() + " does not show the ad id");
      }
    }
  }
  // Personal accounts are not shared; a shared phone joins a pair, rarely.
  std::set<std::string> sharing;
  int64_t shared_numbers = 0;
  for (const auto& [value, who] : owners) {
    if (who.size() < 2) continue;
    if (value.rfind("+", 0) != 0) {
      Fail("truth", "'" + value + "' is given by " + std::to_string(who.size()) +
                        " advertisers (e-mails and handles are personal)");
    } else if (who.size() > 2) {
      Fail("truth", "phone " + value + " is shared by " + std::to_string(who.size()) +
                        " advertisers (at most a pair)");
    } else {
      ++shared_numbers;
      sharing.insert(who.begin(), who.end());
    }
  }
  if (!advertisers.empty() && sharing.size() * 100 > advertisers.size() * 3)
    Fail("truth", std::to_string(sharing.size()) + " of " + std::to_string(advertisers.size()) +
                      " advertisers share a phone (more than 3%)");
  const int64_t decoys = kinds["clinic"] + kinds["other"];
  std::printf(
      "ads %lld: ad %lld, clinic %lld, other %lld (decoys %lld%%); phones %lld, ages %lld, places "
      "%lld\n",
      static_cast<long long>(rows), static_cast<long long>(kinds["ad"]),
      static_cast<long long>(kinds["clinic"]), static_cast<long long>(kinds["other"]),
      static_cast<long long>(rows ? decoys * 100 / rows : 0), static_cast<long long>(phones),
      static_cast<long long>(ages), static_cast<long long>(placed));
  std::printf(
      "advertisers of ads %zu; %zu of them share a phone (%lld numbers, each shared by a pair)\n",
      advertisers.size(), sharing.size(), static_cast<long long>(shared_numbers));
  if (failures) {
    std::printf("FAILED: %d problems\n", failures);
    return 1;
  }
  std::printf("ok: truth matches the pages\n");
  return 0;
}
