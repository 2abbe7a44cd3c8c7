// The synthetic practice world: tables and the ad generator (see world.h).
#include "examples/practice-site/gen/world.h"

#include <cctype>
#include <climits>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace practice {

// ---- calendar ---------------------------------------------------------------

// Howard Hinnant's days_from_civil / civil_from_days.
int64_t DaysFromCivil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

void CivilFromDays(int64_t z, int64_t* y, unsigned* m, unsigned* d) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t yy = static_cast<int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  *d = doy - (153 * mp + 2) / 5 + 1;
  *m = mp < 10 ? mp + 3 : mp - 9;
  *y = yy + (*m <= 2);
}

static int64_t FloorDiv(int64_t a, int64_t b) {
  return a / b - ((a % b != 0) && ((a < 0) != (b < 0)));
}

std::string Rfc3339(int64_t t) {
  const int64_t days = FloorDiv(t, 86400);
  const int64_t secs = t - days * 86400;
  int64_t y;
  unsigned m, d;
  CivilFromDays(days, &y, &m, &d);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04lld-%02u-%02uT%02lld:%02lld:%02lldZ",
                static_cast<long long>(y), m, d, static_cast<long long>(secs / 3600),
                static_cast<long long>(secs / 60 % 60), static_cast<long long>(secs % 60));
  return buf;
}

// Last Sunday of month m in year y, as a day number.
static int64_t LastSunday(int64_t y, unsigned m) {
  const int64_t first_next = m == 12 ? DaysFromCivil(y + 1, 1, 1) : DaysFromCivil(y, m + 1, 1);
  const int64_t last = first_next - 1;
  // 1970-01-01 was a Thursday; weekday 0 = Sunday.
  const int64_t wd = ((last + 4) % 7 + 7) % 7;
  return last - wd;
}

int64_t StockholmOffset(int64_t t) {
  int64_t y;
  unsigned m, d;
  CivilFromDays(FloorDiv(t, 86400), &y, &m, &d);
  const int64_t dst_start = LastSunday(y, 3) * 86400 + 3600;  // 01:00 UTC
  const int64_t dst_end = LastSunday(y, 10) * 86400 + 3600;
  return (t >= dst_start && t < dst_end) ? 7200 : 3600;
}

bool ParseDate(std::string_view s, int64_t* days) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return false;
  for (size_t i : {0, 1, 2, 3, 5, 6, 8, 9})
    if (s[i] < '0' || s[i] > '9') return false;
  const int y = std::atoi(std::string(s.substr(0, 4)).c_str());
  const int m = std::atoi(std::string(s.substr(5, 2)).c_str());
  const int d = std::atoi(std::string(s.substr(8, 2)).c_str());
  if (m < 1 || m > 12 || d < 1 || d > 31) return false;
  int64_t yy;
  unsigned mm, dd;
  *days = DaysFromCivil(y, m, d);
  CivilFromDays(*days, &yy, &mm, &dd);
  return yy == y && static_cast<int>(mm) == m && static_cast<int>(dd) == d;
}

// ---- places -------------------------------------------------------------------

const std::vector<Place>& Places() {
  static const std::vector<Place> places = {
      // Stockholm county (kommunkod 01xx). Kommun-level entries carry the kommun name.
      {"Stockholm",
       "Stockholm",
       "0180",
       {{"i", "Stockholm"},
        {"i", "Sthlm"},
        {"i", "Sthlm city"},
        {"i", "Stockholm city"},
        {"i", "centrala Stockholm"}}},
      {"Södermalm", "Stockholm", "0180", {{"på", "Söder"}, {"på", "Södermalm"}}},
      {"Kungsholmen", "Stockholm", "0180", {{"på", "Kungsholmen"}}},
      {"Östermalm", "Stockholm", "0180", {{"på", "Östermalm"}}},
      {"Vasastan", "Stockholm", "0180", {{"i", "Vasastan"}, {"i", "Vasastaden"}}},
      {"T-Centralen", "Stockholm", "0180", {{"nära", "T-Centralen"}, {"vid", "T-centralen"}}},
      {"Odenplan", "Stockholm", "0180", {{"vid", "Odenplan"}, {"nära", "Odenplan"}}},
      {"Fridhemsplan", "Stockholm", "0180", {{"nära", "Fridhemsplan"}}},
      {"Slussen", "Stockholm", "0180", {{"vid", "Slussen"}}},
      {"Hornstull", "Stockholm", "0180", {{"i", "Hornstull"}}},
      {"Liljeholmen", "Stockholm", "0180", {{"i", "Liljeholmen"}}},
      {"Farsta", "Stockholm", "0180", {{"i", "Farsta"}, {"i", "Farsta-området"}}},
      {"Skärholmen", "Stockholm", "0180", {{"i", "Skärholmen"}}},
      {"Vällingby", "Stockholm", "0180", {{"i", "Vällingby"}}},
      {"Kista", "Stockholm", "0180", {{"i", "Kista"}}},
      {"Bromma", "Stockholm", "0180", {{"i", "Bromma"}}},
      {"Hägersten", "Stockholm", "0180", {{"i", "Hägersten"}}},
      {"Gullmarsplan", "Stockholm", "0180", {{"vid", "Gullmarsplan"}}},
      {"Hammarby sjöstad", "Stockholm", "0180", {{"i", "Hammarby sjöstad"}}},
      {"Solna", "Solna", "0184", {{"i", "Solna"}, {"i", "Solna centrum"}}},
      {"Råsunda", "Solna", "0184", {{"i", "Råsunda"}}},
      {"Sundbyberg", "Sundbyberg", "0183", {{"i", "Sundbyberg"}, {"i", "Sumpan"}}},
      {"Hallonbergen", "Sundbyberg", "0183", {{"i", "Hallonbergen"}}},
      {"Upplands Väsby", "Upplands Väsby", "0114", {{"i", "Upplands Väsby"}, {"i", "Väsby"}}},
      {"Sollentuna", "Sollentuna", "0163", {{"i", "Sollentuna"}}},
      {"Huddinge", "Huddinge", "0126", {{"i", "Huddinge"}}},
      {"Flemingsberg", "Huddinge", "0126", {{"i", "Flemingsberg"}}},
      {"Nacka", "Nacka", "0182", {{"i", "Nacka"}}},
      {"Sickla", "Nacka", "0182", {{"i", "Sickla"}}},
      {"Täby", "Täby", "0160", {{"i", "Täby"}, {"i", "Täby centrum"}}},
      {"Järfälla", "Järfälla", "0123", {{"i", "Järfälla"}}},
      {"Jakobsberg", "Järfälla", "0123", {{"i", "Jakobsberg"}}},
      {"Barkarby", "Järfälla", "0123", {{"i", "Barkarby"}}},
      {"Botkyrka", "Botkyrka", "0127", {{"i", "Botkyrka"}}},
      {"Tumba", "Botkyrka", "0127", {{"i", "Tumba"}}},
      {"Södertälje", "Södertälje", "0181", {{"i", "Södertälje"}, {"i", "Tälje"}}},
      {"Haninge", "Haninge", "0136", {{"i", "Haninge"}}},
      {"Handen", "Haninge", "0136", {{"i", "Handen"}}},
      {"Lidingö", "Lidingö", "0186", {{"på", "Lidingö"}}},
      {"Danderyd", "Danderyd", "0162", {{"i", "Danderyd"}}},
      {"Tyresö", "Tyresö", "0138", {{"i", "Tyresö"}}},
      {"Märsta", "Sigtuna", "0191", {{"i", "Märsta"}}},
      {"Åkersberga", "Österåker", "0117", {{"i", "Åkersberga"}}},
      {"Gustavsberg", "Värmdö", "0120", {{"i", "Gustavsberg"}}},
      {"Norrtälje", "Norrtälje", "0188", {{"i", "Norrtälje"}}},
      {"Nynäshamn", "Nynäshamn", "0192", {{"i", "Nynäshamn"}}},
      // Outside the region.
      {"Göteborg", "Göteborg", "1480", {{"i", "Göteborg"}, {"i", "Gbg"}}},
      {"Malmö", "Malmö", "1280", {{"i", "Malmö"}}},
      {"Uppsala", "Uppsala", "0380", {{"i", "Uppsala"}}},
      {"Västerås", "Västerås", "1980", {{"i", "Västerås"}}},
      {"Örebro", "Örebro", "1880", {{"i", "Örebro"}}},
      {"Linköping", "Linköping", "0580", {{"i", "Linköping"}}},
      {"Norrköping", "Norrköping", "0581", {{"i", "Norrköping"}}},
      {"Gävle", "Gävle", "2180", {{"i", "Gävle"}}},
      // Kommun-level entries for the kommuner above whose places are all towns
      // (Märsta is in Sigtuna, Åkersberga in Österåker, Gustavsberg in Värmdö).
      // Never picked for an advertiser: they exist because annonsera's region
      // field names the kommun, and an ad that names its place only there has
      // the kommun itself as its truth place. CheckTables() requires one for
      // every kommun.
      {"Sigtuna", "Sigtuna", "0191", {{"i", "Sigtuna"}}},
      {"Österåker", "Österåker", "0117", {{"i", "Österåker"}}},
      {"Värmdö", "Värmdö", "0120", {{"på", "Värmdö"}}},
  };
  return places;
}

int KommunPlace(const char* kommun) {
  const auto& p = Places();
  for (size_t i = 0; i < p.size(); ++i)
    if (std::strcmp(p[i].canon, kommun) == 0) return static_cast<int>(i);
  return -1;
}

// Index of the place named `canon` in `places`, or -1.
static int IndexOf(const std::vector<Place>& places, const char* canon) {
  for (size_t i = 0; i < places.size(); ++i)
    if (std::strcmp(places[i].canon, canon) == 0) return static_cast<int>(i);
  return -1;
}

static int FirstOutside() {
  static const int first = KommunPlace("Göteborg");
  return first;
}

// One past the last place an advertiser can pick (the kommun-only entries follow).
static int PickableEnd() {
  static const int end = KommunPlace("Sigtuna");
  return end;
}

// The first kStockholmDistricts places are Stockholm kommun's (PickPlace draws them apart).
constexpr int kStockholmDistricts = 19;

std::vector<std::string> CheckTables() { return CheckPlaceTable(Places()); }

std::vector<std::string> CheckPlaceTable(const std::vector<Place>& places) {
  std::vector<std::string> problems;
  const int outside = IndexOf(places, "Göteborg"), end = IndexOf(places, "Sigtuna");
  if (outside < 0 || end < 0 || outside <= kStockholmDistricts || end <= outside)
    problems.push_back(
        "place table: Göteborg (first outside the region) or Sigtuna (first kommun-only entry) "
        "misplaced");
  for (size_t i = 0; i < places.size(); ++i) {
    const Place& p = places[i];
    const std::string where = std::string("place '") + p.canon + "'";
    const std::string kod = p.kommunkod;
    bool digits = kod.size() == 4;
    for (char c : kod) digits &= c >= '0' && c <= '9';
    if (!digits) problems.push_back(where + ": kommunkod '" + kod + "' is not 4 digits");
    const bool in_region = kod.rfind("01", 0) == 0;
    const bool pickable_inside = static_cast<int>(i) < outside;
    const bool pickable_outside = static_cast<int>(i) >= outside && static_cast<int>(i) < end;
    if ((pickable_inside && !in_region) || (pickable_outside && in_region))
      problems.push_back(where + ": kommunkod " + kod +
                         " is on the wrong side of the region boundary in the table");
    if (static_cast<int>(i) < kStockholmDistricts && std::strcmp(p.kommun, "Stockholm") != 0)
      problems.push_back(where + ": the first " + std::to_string(kStockholmDistricts) +
                         " places must be Stockholm kommun's");
    // The annonsera region field writes the kommun; truth then needs a place named after it.
    const int k = IndexOf(places, p.kommun);
    if (k < 0)
      problems.push_back(where + ": its kommun '" + p.kommun + "' has no kommun-level entry");
    else if (std::strcmp(places[k].kommunkod, p.kommunkod) != 0 ||
             std::strcmp(places[k].kommun, p.kommun) != 0)
      problems.push_back(where + ": kommunkod differs from its kommun's entry");
    if (p.forms.empty()) problems.push_back(where + ": no written forms");
    // Every written form (text, title, kontaktbladet's Plats field) must name
    // this place only, so truth is unambiguous.
    for (const PlaceForm& f : p.forms)
      for (size_t j = 0; j < places.size(); ++j) {
        if (j == i) continue;
        for (const PlaceForm& g : places[j].forms)
          if (std::strcmp(f.word, g.word) == 0)
            problems.push_back(where + ": form '" + f.word + "' also names '" + places[j].canon +
                               "'");
        if (std::strcmp(f.word, places[j].canon) == 0)
          problems.push_back(where + ": form '" + f.word + "' is another place's name");
      }
    for (size_t j = i + 1; j < places.size(); ++j)
      if (std::strcmp(p.canon, places[j].canon) == 0) problems.push_back(where + ": listed twice");
  }
  return problems;
}

// ---- sites ------------------------------------------------------------------

static const SiteInfo kSiteInfo[kSites] = {
    {"annonsera.example", "utf-8", 20},
    {"traffpunkten.example", "iso-8859-1", 15},
    {"kontaktbladet.example", "utf-8", 25},
};

const SiteInfo& Site(int s) { return kSiteInfo[s]; }

std::string AdPath(int s, uint64_t id) {
  switch (s) {
    case 0:
      return "/annons/" + std::to_string(id);
    case 1:
      return "/visa/" + std::to_string(id) + ".html";
    default:
      return "/ad/" + std::to_string(id) + ".html";
  }
}

std::string AdFile(int s, uint64_t id) {
  switch (s) {
    case 0:
      return "annons/" + std::to_string(id) + ".html";
    case 1:
      return "visa/" + std::to_string(id) + ".html";
    default:
      return "ad/" + std::to_string(id) + ".html";
  }
}

std::string ListPath(int s, int64_t page) {
  if (page == 1) return "/";
  switch (s) {
    case 0:
      return "/sida/" + std::to_string(page);
    case 1:
      return "/lista/" + std::to_string(page) + ".html";
    default:
      return "/page/" + std::to_string(page) + "/";
  }
}

std::string ListFile(int s, int64_t page) {
  if (page == 1) return "index.html";
  switch (s) {
    case 0:
      return "sida/" + std::to_string(page) + ".html";
    case 1:
      return "lista/" + std::to_string(page) + ".html";
    default:
      return "page/" + std::to_string(page) + "/index.html";
  }
}

const char* KindName(int kind) {
  switch (kind) {
    case kAd:
      return "ad";
    case kClinic:
      return "clinic";
    default:
      return "other";
  }
}

// ---- phones -------------------------------------------------------------------
//
// Slot k names one phone number. Slots 0..94: PTS's fiction series for mobiles,
// 070-174 06 05 .. 070-174 06 99. Slots 95..494: PTS's fiction series for fixed
// lines, 08-465 004 00..99, 031-390 06 00..99, 040-628 04 00..99,
// 0980-319 200..299. From slot 495 on: 08-0xx xxx xx, Stockholm numbers whose
// subscriber part begins with 0, which the Swedish plan cannot assign (a
// leading 0 is the trunk prefix) but libphonenumber accepts as valid. See README.

std::string PhoneNational(uint64_t slot, int* area_len) {
  char buf[32];
  if (slot < 95) {
    std::snprintf(buf, sizeof buf, "07017406%02u", static_cast<unsigned>(slot + 5));
    *area_len = 3;
    return buf;
  }
  slot -= 95;
  if (slot < 400) {
    const unsigned k = static_cast<unsigned>(slot % 100);
    switch (slot / 100) {
      case 0:
        std::snprintf(buf, sizeof buf, "08465004%02u", k);
        *area_len = 2;
        break;
      case 1:
        std::snprintf(buf, sizeof buf, "03139006%02u", k);
        *area_len = 3;
        break;
      case 2:
        std::snprintf(buf, sizeof buf, "04062804%02u", k);
        *area_len = 3;
        break;
      default:
        std::snprintf(buf, sizeof buf, "09803192%02u", k);
        *area_len = 4;
        break;
    }
    return buf;
  }
  slot -= 400;
  // A bijection on 0..9,999,999 so neighbouring slots do not look sequential.
  const uint64_t x = (slot % 10000000ULL * 7919ULL + 1234567ULL) % 10000000ULL;
  std::snprintf(buf, sizeof buf, "080%07llu", static_cast<unsigned long long>(x));
  *area_len = 2;
  return buf;
}

std::string E164(const std::string& national) { return "+46" + national.substr(1); }

// Groups the subscriber part the Swedish way: 8 -> 3 3 2, 7 -> 3 2 2, 6 -> 2 2 2.
static std::string GroupSubscriber(const std::string& s, const char* sep) {
  std::vector<size_t> sizes;
  if (s.size() == 8)
    sizes = {3, 3, 2};
  else if (s.size() == 7)
    sizes = {3, 2, 2};
  else if (s.size() == 6)
    sizes = {2, 2, 2};
  else
    sizes = {s.size()};
  std::string out;
  size_t pos = 0;
  for (size_t i = 0; i < sizes.size(); ++i) {
    if (i) out += sep;
    out += s.substr(pos, sizes[i]);
    pos += sizes[i];
  }
  return out;
}

static const char* const kSplitEmoji[] = {"📞", "💋", "✨", "🌹", "☎️"};

// One written form of a phone number; form in [0, kPhoneForms).
constexpr int kPhoneForms = 12;
static std::string FormatPhone(const std::string& nat, int area_len, int form, Rng& rng) {
  const std::string area = nat.substr(0, area_len);
  const std::string sub = nat.substr(area_len);
  const std::string intl_area = area.substr(1);
  switch (form) {
    case 0:
      return area + "-" + GroupSubscriber(sub, " ");
    case 1:
      return nat;
    case 2:
      return "+46" + nat.substr(1);
    case 3:
      return "+46 " + intl_area + " " + GroupSubscriber(sub, " ");
    case 4:
      return "0046" + nat.substr(1);
    case 5:
      return area + " " + GroupSubscriber(sub, " ");
    case 6: {  // spaced digits
      std::string out;
      for (size_t i = 0; i < nat.size(); ++i) {
        if (i) out += ' ';
        out += nat[i];
      }
      return out;
    }
    case 7:
      return area + "." + GroupSubscriber(sub, ".");
    case 8: {  // letter O for zero
      std::string out = area + "-" + GroupSubscriber(sub, " ");
      for (auto& c : out)
        if (c == '0') c = 'O';
      return out;
    }
    case 9: {  // split by an emoji
      const std::string g = GroupSubscriber(sub, " ");
      const size_t sp = g.find(' ');
      const char* e = rng.Pick(kSplitEmoji);
      return area + " " + e + " " + g.substr(0, sp) + " " + e + g.substr(sp);
    }
    case 10:
      return area + "/" + sub;
    default:
      return area + "-" + sub;
  }
}

// ---- numbers in words -----------------------------------------------------------

std::string SwedishNumber(int n) {
  static const char* const ones[] = {"",    "ett", "två", "tre",  "fyra",
                                     "fem", "sex", "sju", "åtta", "nio"};
  if (n == 18) return "arton";
  if (n == 19) return "nitton";
  static const char* const tens[] = {"", "", "tjugo", "trettio", "fyrtio"};
  if (n >= 20 && n < 50) return std::string(tens[n / 10]) + ones[n % 10];
  return std::to_string(n);
}

// ---- vocabulary -------------------------------------------------------------------

static const char* const kNames[] = {
    "Sara", "Lina",   "Emma", "Nova",  "Mira",  "Ella",   "Tindra",  "Bella",  "Kim",
    "Alex", "Jasmin", "Lexi", "Nadia", "Mila",  "Elsa",   "Vera",    "Sofi",   "Ronja",
    "Lova", "Saga",   "Alva", "Maja",  "Leia",  "Noor",   "Ines",    "Vilja",  "Yara",
    "Dina", "Tess",   "Luna", "Kiki",  "Amira", "Joline", "Felicia", "Nellie", "Zara",
};
static const char* const kHandleTails[] = {"_sthlm", ".k",  "2k",   "_love", "x",
                                           "_se",    ".88", "_mys", "99",    "_ny"};
static const char* const kMailDomains[] = {"mejl.example", "postlada.example", "brevlada.example",
                                           "inbox.example"};
static const char* const kEmoji[] = {"🌹", "💋", "✨", "💕", "😘", "🔥", "🌸", "😊"};

static const char* const kGreetSv[] = {"Hej!",     "Hej där 😊",   "Hallå hallå!",
                                       "Hejsan 💋", "Hej gubbar!", "Välkommen!"};
static const char* const kGreetEn[] = {"Hi!", "Hello gentlemen", "Hey there 😊", "Welcome!"};
static const char* const kIntroSv[] = {"Jag heter {NA}.", "{NA} här!", "Mitt namn är {NA}.",
                                       "Ny i stan: {NA}."};
static const char* const kIntroEn[] = {"My name is {NA}.", "{NA} here!", "I am {NA}.",
                                       "New in town: {NA}."};
static const char* const kPlaceSv[] = {"Finns {P}.", "Tar emot {P} eller kommer till dig.",
                                       "Jag bor {P}.", "Kan ses {P}.", "Håller till {P}."};
static const char* const kPlaceEn[] = {"Based {P}.", "Incall {P}, outcall possible.", "I live {P}.",
                                       "We can meet {P}."};
static const char* const kOfferSv[] = {"Erbjuder avslappnande massage och trevligt sällskap.",
                                       "Söker trevliga träffar med generösa herrar.",
                                       "Mysiga stunder i lugn och diskret miljö.",
                                       "Sällskap till middag, bio eller bara mys.",
                                       "Vill du träffas? Jag är social, glad och diskret.",
                                       "Ny på sidan och vill träffa trevliga män.",
                                       "Massage och närhet, alltid diskret.",
                                       "Söker en snäll sugardaddy för regelbundna träffar."};
static const char* const kOfferEn[] = {
    "Offering relaxing massage and good company.", "Looking for nice gentlemen to meet.",
    "Discreet and friendly, incall and outcall.", "Company for dinner or a cosy evening.",
    "Sweet and social, let's meet for a drink."};
static const char* const kAvailSv[] = {"Tillgänglig dygnet runt.", "Öppet 24/7.",
                                       "Tider: 10–22 alla dagar.", "Bara kvällar och helger.",
                                       "Ring mellan 12 och 20.",   "Finns här t.o.m. söndag."};
static const char* const kAvailEn[] = {"Available 24/7.", "Open 10-22 every day.",
                                       "Evenings and weekends only.", "Call between 12 and 20."};
static const char* const kContactSv[] = {"Ring eller sms:a {T}.", "Tel: {T}", "📞 {T}",
                                         "Endast sms {T}, inga dolda nummer.",
                                         "Nås på {T} (även WhatsApp)."};
static const char* const kContactEn[] = {"Call or text {T}.", "Phone: {T}", "Text only {T}",
                                         "WhatsApp {T}"};
static const char* const kCloseSv[] = {"Puss!", "Kram 💕", "Hörs!", "Vi ses 😘", "Varmt välkommen!"};
static const char* const kCloseEn[] = {"Kisses!", "See you soon 😘", "xoxo", "Don't be shy!"};
static const char* const kPostal[] = {"113 51", "118 26", "171 45", "169 70",
                                      "112 21", "116 46", "120 30"};
static const char* const kStreets[] = {"Götgatan",  "Sveavägen", "Hornsgatan",     "Fleminggatan",
                                       "Odengatan", "Storgatan", "Drottninggatan", "Kungsgatan"};
static const char* const kClinics[] = {
    "Balans Massage",    "Kroppsverkstan",  "Naprapatkliniken Norr", "Spa Lugnet",
    "Thaimassage Lotus", "Friskvårdshuset", "Rygg & Nacke",          "Massagestudion Vasa"};
static const char* const kItems[] = {
    "soffa, 3-sits", "ekbord med 4 stolar",    "barnvagn", "byrå i björk",
    "cykel 28 tum",  "massagestol, nästan ny", "bokhylla", "skrivbord"};
static const char* const kRoles[] = {"servitör", "barista", "lagerarbetare", "städare", "kock"};
static const int kPrices[] = {1000, 1200, 1500, 1800, 2000, 2500, 3000};

// ---- advertisers --------------------------------------------------------------

namespace {

struct Advertiser {
  int kind = kAd;
  int lang = 0;
  const char* name = "";
  int age = 0;
  int age_form = 0;
  int place = -1;
  int place2 = -1;
  int64_t move_week = INT64_MAX;
  int place_form = 0;
  bool has_phone = true;
  uint64_t phone_slot = 0;
  bool has_phone2 = false;
  uint64_t phone2_slot = 0;
  int phone_form = 0;
  bool has_email = false;
  std::string email_local;
  const char* email_domain = "";
  int email_form = 0;
  int handle_kind = -1;  // 0 snap 1 telegram 2 kik 3 instagram
  std::string handle;
  int handle_form = 0;
  int price = 0;
  int greet = 0, intro = 0, place_sent = 0, offer = 0, avail = 0, contact = 0, close = 0, title = 0;
  int pref_site = 0;
  const char* emoji = "";
  int sub = 0;  // decoy subtype / clinic index
};

int PickPlace(Rng& rng, bool allow_outside) {
  const int outside = FirstOutside();
  const int end = PickableEnd();
  if (allow_outside && rng.Pct(14)) return outside + static_cast<int>(rng.Below(end - outside));
  // Stockholm kommun districts are the bulk; suburbs the rest.
  if (rng.Pct(55)) return static_cast<int>(rng.Below(kStockholmDistricts));
  return kStockholmDistricts + static_cast<int>(rng.Below(outside - kStockholmDistricts));
}

// Kind by residue, not by chance, so every corpus size has about 13% decoys.
int AdvertiserKind(uint64_t a) { return a % 15 == 4 ? kClinic : (a % 15 == 11 ? kOther : kAd); }

// A number for advertiser a's e-mail (salt 0) or handle (salt 1): a bijection
// on 0..M-1, M the smallest power of ten >= 10 * count, so it is unique per
// advertiser, has few digits in a small world and does not count up.
uint64_t Unique(uint64_t a, uint64_t count, uint64_t salt) {
  uint64_t m = 10;
  while (m < 10 * count) m *= 10;
  // Both multipliers are coprime with 10, so x -> k x + c (mod 10^n) is a bijection.
  const uint64_t k = salt ? 23757 : 7919, c = salt ? 4711 : 1234;
  return (a * k + c) % m;
}

}  // namespace

bool SharesPhone(const Params& p, uint64_t a, uint64_t count) {
  const uint64_t even = a & ~uint64_t{1};
  if (even + 1 >= count || AdvertiserKind(even) != kAd || AdvertiserKind(even + 1) != kAd)
    return false;
  Rng pair(p.seed, even, 0x5A);
  return pair.Below(1000) < 20;  // 2% of the pairs of two ads' advertisers
}

namespace {

Advertiser MakeAdvertiser(const Params& p, uint64_t a, uint64_t count) {
  Rng rng(p.seed, a, 0xAD);
  Advertiser v;
  v.kind = AdvertiserKind(a);
  v.lang = (v.kind == kAd && rng.Pct(25)) ? 1 : 0;
  v.name = rng.Pick(kNames);
  v.age = static_cast<int>(rng.Range(18, 45));
  v.age_form = static_cast<int>(rng.Below(v.lang ? 5 : 8));
  if (v.kind == kAd && rng.Pct(12)) v.age = 0;
  if (v.kind != kAd) v.age = 0;
  const bool no_place = rng.Pct(v.kind == kAd ? 10 : 3);
  v.place = no_place ? -1 : PickPlace(rng, true);
  if (v.place >= 0 && v.kind == kAd && rng.Pct(15) && p.weeks > 1) {
    v.place2 = PickPlace(rng, false);
    v.move_week = rng.Range(1, p.weeks - 1);
  }
  v.place_form = static_cast<int>(rng.Below(8));
  v.has_phone = v.kind == kClinic || rng.Pct(v.kind == kAd ? 92 : 80);
  // A few advertisers share a phone: one manager or friend answering for two
  // (SharesPhone: about 1.5% of advertisers, always in pairs, so a shared
  // number joins two advertisers, never a chain). The pair's odd member uses
  // the even member's number; both always give one. Truth keeps them apart.
  if (a > 0 && v.kind == kAd)
    (void)rng.Pct(4);  // the old draw, kept so the other draws stay as they were
  v.phone_slot = a;
  if (SharesPhone(p, a, count)) {
    v.has_phone = true;
    v.phone_slot = a & ~uint64_t{1};
  }
  v.has_phone2 = v.kind == kAd && rng.Pct(7);
  v.phone2_slot = count + a;
  v.phone_form = static_cast<int>(rng.Below(kPhoneForms));
  std::string base = v.name;
  for (auto& c : base) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  v.has_email = v.kind == kAd ? rng.Pct(30) : (v.kind == kClinic ? true : rng.Pct(30));
  // E-mail addresses and handles are personal accounts: no two advertisers
  // share one. The number is a bijection of the advertiser id (Unique).
  (void)rng.Range(1, 99);  // the old number's draw, kept so the other draws stay as they were
  v.email_local = base + std::to_string(Unique(a, count, 0));
  v.email_domain = rng.Pick(kMailDomains);
  v.email_form = static_cast<int>(rng.Below(5));
  if (v.kind == kAd && rng.Pct(45)) {
    v.handle_kind = static_cast<int>(rng.Below(4));
    v.handle = base + rng.Pick(kHandleTails) + std::to_string(Unique(a, count, 1));
    v.handle_form = static_cast<int>(rng.Below(2));
  }
  v.price = rng.Pick(kPrices);
  v.greet = static_cast<int>(rng.Below(8));
  v.intro = static_cast<int>(rng.Below(4));
  v.place_sent = static_cast<int>(rng.Below(5));
  v.offer = static_cast<int>(rng.Below(8));
  v.avail = static_cast<int>(rng.Below(6));
  v.contact = static_cast<int>(rng.Below(5));
  v.close = static_cast<int>(rng.Below(5));
  v.title = static_cast<int>(rng.Below(5));
  v.pref_site = static_cast<int>(rng.Below(kSites));
  v.emoji = rng.Pick(kEmoji);
  v.sub = static_cast<int>(rng.Below(1000));
  return v;
}

// Fills `tmpl` placeholders: {X} -> value.
std::string Fill(std::string tmpl, const char* key, const std::string& value) {
  const size_t pos = tmpl.find(key);
  if (pos != std::string::npos) tmpl.replace(pos, std::strlen(key), value);
  return tmpl;
}

std::string Thousands(int n) {
  if (n < 1000) return std::to_string(n);
  char buf[32];
  std::snprintf(buf, sizeof buf, "%d %03d", n / 1000, n % 1000);
  return buf;
}

std::string PriceText(Rng& rng, int price, int lang) {
  const int eur = price / 10;  // rough and round
  if (lang == 1) {
    switch (rng.Below(4)) {
      case 0:
        return std::to_string(price) + " SEK/h.";
      case 1:
        return std::to_string(eur) + " EUR per hour.";
      case 2:
        return "€" + std::to_string(eur) + "/h.";
      default:
        return "1h " + Thousands(price) + " SEK.";
    }
  }
  switch (rng.Below(6)) {
    case 0:
      return "Pris: " + std::to_string(price) + " kr/h.";
    case 1:
      return std::to_string(price) + ":- per timme.";
    case 2:
      return Thousands(price) + " SEK/h.";
    case 3:
      return "30 min " + std::to_string(price * 6 / 10) + " kr, 1 h " + std::to_string(price) +
             "kr.";
    case 4:
      return std::to_string(eur) + " €/h.";
    default:
      return "1 h " + Thousands(price) + " kr.";
  }
}

std::string AgeSnippet(const Advertiser& v, int form, int64_t year) {
  const std::string n = std::to_string(v.age);
  const std::string name = v.name;
  if (v.lang == 1) {
    switch (form) {
      case 0:
        return name + " " + n + "yo";
      case 1:
        return name + " (" + n + ")";
      case 2:
        return name + ", age " + n;
      case 3:
        return name + ", " + n + " years old";
      default:
        return name + ", " + n + " y/o";
    }
  }
  switch (form) {
    case 0:
      return name + ", " + n + " år";
    case 1:
      return name + " " + n + "år";
    case 2:
      return name + " (" + n + ")";
    case 3:
      return name;  // the age follows as its own sentence, "Ålder: 21."
    case 4:
      return name + ", född " + std::to_string(year - v.age);
    case 5:
      return name + ", " + SwedishNumber(v.age) + " år";
    case 6:
      return name + " " + n + "yo";
    default:
      return name + ", ålder " + n;
  }
}

std::string PlacePhrase(const PlaceForm& f, int lang) {
  if (lang == 0) return std::string(f.prep) + " " + f.word;
  const bool near = std::strcmp(f.prep, "nära") == 0 || std::strcmp(f.prep, "vid") == 0;
  return std::string(near ? "near " : "in ") + f.word;
}

std::string EmailText(const Advertiser& v, int form) {
  const std::string dom = v.email_domain;
  const size_t dot = dom.find('.');
  const std::string d1 = dom.substr(0, dot), d2 = dom.substr(dot + 1);
  switch (form) {
    case 0:
      return v.email_local + "@" + dom;
    case 1:
      return v.email_local + " at " + d1 + " dot " + d2;
    case 2:
      return v.email_local + "(at)" + dom;
    case 3:
      return v.email_local + "@" + d1 + "[dot]" + d2;
    default:
      return v.email_local + " [at] " + d1 + " [dot] " + d2;
  }
}

std::string HandleText(const Advertiser& v, int lang) {
  static const char* const kinds[] = {"snap", "telegram", "kik", "instagram"};
  (void)kinds;
  switch (v.handle_kind) {
    case 0:
      return v.handle_form ? "Snapchat: " + v.handle : "snap: " + v.handle;
    case 1:
      return v.handle_form ? "t.me/" + v.handle : "Telegram @" + v.handle;
    case 2:
      return v.handle_form ? "Kik: " + v.handle : "kik " + v.handle;
    default:
      return v.handle_form ? "Insta @" + v.handle
                           : (lang ? "Instagram: @" : "Följ mig på insta @") + v.handle;
  }
}

std::string HandleTruth(const Advertiser& v) {
  static const char* const kinds[] = {"snap", "telegram", "kik", "instagram"};
  return std::string(kinds[v.handle_kind]) + ":" + v.handle;
}

}  // namespace

// ---- the world --------------------------------------------------------------------

World::World(Params p) : p_(p) {
  start_ = p_.end - p_.weeks * 7 * 86400;
  advertisers_ = p_.ads / 4 < 8 ? 8 : p_.ads / 4;
}

Ad World::Generate(uint64_t i) const {
  Rng rng(p_.seed, i, 0xA0);
  Ad ad;
  ad.id = i + 1;
  const int64_t span = p_.end - start_;
  const int64_t slot = span / static_cast<int64_t>(p_.ads);
  ad.posted = start_ + static_cast<int64_t>(i) * span / static_cast<int64_t>(p_.ads) +
              static_cast<int64_t>(rng.Below(slot > 1 ? slot : 1));
  ad.posted -= ad.posted % 60;  // whole minutes, as sites show them
  ad.removed = rng.Pct(12)
                   ? INT64_MAX
                   : ad.posted + rng.Range(2, 30) * 86400 + static_cast<int64_t>(rng.Below(86400));

  // Low advertiser ids post more: min of two uniforms.
  const uint64_t r1 = rng.Below(advertisers_), r2 = rng.Below(advertisers_);
  const uint64_t a = r1 < r2 ? r1 : r2;
  ad.advertiser = a + 1;
  const Advertiser v = MakeAdvertiser(p_, a, advertisers_);
  ad.kind = v.kind;
  ad.lang = v.lang;
  ad.site = rng.Pct(65) ? v.pref_site : static_cast<int>(rng.Below(kSites));

  int64_t year;
  unsigned mo, da;
  CivilFromDays(FloorDiv(ad.posted, 86400), &year, &mo, &da);

  // Place: movers move after their move week.
  const int64_t week = (ad.posted - start_) / (7 * 86400);
  int place = (v.place2 >= 0 && week >= v.move_week) ? v.place2 : v.place;
  const Place* pl = place >= 0 ? &Places()[place] : nullptr;
  const PlaceForm* form = nullptr;
  if (pl) {
    int fi = v.place_form % static_cast<int>(pl->forms.size());
    if (rng.Pct(30)) fi = static_cast<int>(rng.Below(pl->forms.size()));
    form = &pl->forms[fi];
  }
  // Does the text name the place? Sites with a location field often leave it out.
  bool place_in_text = pl != nullptr;
  if (pl && ad.site == 0) {
    ad.location_field = pl->kommun;
    if (rng.Pct(40)) {
      place_in_text = false;
      place = KommunPlace(pl->kommun);  // the field alone names only the kommun
    }
  } else if (pl && ad.site == 2) {
    ad.location_field = form->word;
    if (rng.Pct(50)) place_in_text = false;
  }
  ad.place = place;
  const std::string phrase = form ? PlacePhrase(*form, ad.lang) : "";

  // Phones.
  std::vector<std::string> phone_texts;
  if (v.has_phone) {
    int area_len;
    const std::string nat = PhoneNational(v.phone_slot, &area_len);
    const int pf = rng.Pct(70) ? v.phone_form : static_cast<int>(rng.Below(kPhoneForms));
    phone_texts.push_back(FormatPhone(nat, area_len, pf, rng));
    ad.phones.push_back(E164(nat));
    if (v.has_phone2 && rng.Pct(60)) {
      const std::string nat2 = PhoneNational(v.phone2_slot, &area_len);
      phone_texts.push_back(
          FormatPhone(nat2, area_len, static_cast<int>(rng.Below(kPhoneForms)), rng));
      ad.phones.push_back(E164(nat2));
    }
  }
  std::string phone_all;
  for (size_t k = 0; k < phone_texts.size(); ++k)
    phone_all += (k ? (ad.lang ? " or " : " eller ") : "") + phone_texts[k];

  std::vector<std::string> paras;
  auto pick = [&](int fav, size_t n, int change_pct) {
    return rng.Pct(change_pct) ? static_cast<int>(rng.Below(n)) : fav % static_cast<int>(n);
  };

  if (v.kind == kAd) {
    const bool sv = ad.lang == 0;
    ad.age = v.age;
    const int af = rng.Pct(75) ? v.age_form : static_cast<int>(rng.Below(sv ? 8 : 5));
    const std::string na = v.age ? AgeSnippet(v, af, year) : std::string(v.name);
    std::string first;
    const int g = pick(v.greet, 8, 30);
    if (g < (sv ? 6 : 4)) first = std::string(sv ? kGreetSv[g] : kGreetEn[g]) + " ";
    first += Fill(sv ? kIntroSv[pick(v.intro, 4, 15)] : kIntroEn[pick(v.intro, 4, 15)], "{NA}", na);
    if (v.age && sv && af == 3) first += " Ålder: " + std::to_string(v.age) + ".";
    if (place_in_text)
      first +=
          " " + Fill(sv ? kPlaceSv[pick(v.place_sent, 5, 15)] : kPlaceEn[pick(v.place_sent, 4, 15)],
                     "{P}", phrase);
    paras.push_back(first);
    std::string offer = sv ? kOfferSv[pick(v.offer, 8, 10)] : kOfferEn[pick(v.offer, 5, 10)];
    if (rng.Pct(50)) offer += std::string(" ") + v.emoji;
    paras.push_back(offer);
    std::string avail = sv ? kAvailSv[pick(v.avail, 6, 20)] : kAvailEn[pick(v.avail, 4, 20)];
    std::string price = PriceText(rng, v.price, ad.lang);
    paras.push_back(rng.Pct(20) ? price + " " + avail : avail + " " + price);
    std::string contact;
    if (!phone_all.empty())
      contact = Fill(sv ? kContactSv[pick(v.contact, 5, 20)] : kContactEn[pick(v.contact, 4, 20)],
                     "{T}", phone_all);
    if (v.has_email) {
      ad.emails.push_back(v.email_local + "@" + v.email_domain);
      const int ef = rng.Pct(70) ? v.email_form : static_cast<int>(rng.Below(5));
      contact +=
          std::string(contact.empty() ? "" : " ") + (sv ? "Mejla " : "Email ") + EmailText(v, ef);
    }
    if (v.handle_kind >= 0) {
      ad.handles.push_back(HandleTruth(v));
      contact += std::string(contact.empty() ? "" : " ") + HandleText(v, ad.lang);
    }
    if (!contact.empty()) paras.push_back(contact);
    // Distractor numbers: postal codes, refs, years, distances.
    switch (rng.Below(6)) {
      case 0:
        paras.push_back(sv ? std::string("Lugnt läge nära ") + rng.Pick(kPostal) + "."
                           : std::string("Quiet place, postcode ") + rng.Pick(kPostal) + ".");
        break;
      case 1:
        paras.push_back(sv ? "5 min från T-bana, parkering finns." : "5 min from the metro.");
        break;
      case 2:
        paras.push_back(sv ? "Annons nr " + std::to_string(40000 + (i * 37) % 60000) + "."
                           : "Ad no. " + std::to_string(40000 + (i * 37) % 60000) + ".");
        break;
      case 3:
        paras.push_back(sv ? "Har annonserat sedan 2019, inga fejk." : "Real photos, since 2019.");
        break;
      default:
        break;
    }
    paras.push_back(sv ? kCloseSv[pick(v.close, 5, 30)] : kCloseEn[pick(v.close, 4, 30)]);
    // Title.
    const std::string bare = form ? form->word : std::string();
    // The title names the place only when the text does.
    const std::string title_place = form && place_in_text ? bare : std::string();
    switch (pick(v.title, 5, 20)) {
      case 0:
        ad.title =
            sv ? std::string("Ny i stan – ") + v.name : std::string("New in town – ") + v.name;
        break;
      case 1:
        ad.title =
            std::string(v.name) + " " + v.emoji + (title_place.empty() ? "" : " " + title_place);
        break;
      case 2:
        ad.title = (sv ? std::string("Massage & sällskap") : std::string("Massage & company")) +
                   (title_place.empty() ? "" : " " + title_place);
        break;
      case 3:
        ad.title =
            sv ? std::string("Mysig tjej söker träffar") : std::string("Sweet girl wants to meet");
        break;
      default:
        ad.title =
            std::string(v.name) + (sv ? " – diskret och trevlig" : " – discreet and friendly");
        break;
    }
    if (!place_in_text && ad.site == 2 && (ad.title.find(bare) != std::string::npos))
      ad.title = v.name;
  } else if (v.kind == kClinic) {
    const char* clinic = kClinics[v.sub % 8];
    const std::string where = place_in_text ? " " + phrase : "";
    ad.title =
        (v.sub % 2 ? std::string("Massage ") : std::string("Naprapat & massage ")) + "– " + clinic;
    paras.push_back(std::string(clinic) +
                    " erbjuder klassisk massage, idrottsmassage och naprapati" + where + ".");
    paras.push_back("60 min 695 kr, 90 min 950 kr. Friskvårdsbidrag gäller. Legitimerad personal.");
    std::string slug;
    for (const char* c = clinic; *c; ++c)
      if (std::isalpha(static_cast<unsigned char>(*c)))
        slug += static_cast<char>(std::tolower(static_cast<unsigned char>(*c)));
    ad.emails.push_back("bokning@" + slug + ".example");
    paras.push_back("Boka på " + phone_all + " eller bokning@" + slug + ".example.");
    // The address names the clinic's own kommun (a Stockholm postal code only in Stockholm).
    std::string city;
    if (pl && std::strcmp(pl->kommun, "Stockholm") == 0)
      city = std::string(", ") + kPostal[v.sub % 7] + " Stockholm";
    else if (pl && place_in_text)
      city = std::string(", ") + pl->kommun;
    paras.push_back(std::string("Adress: ") + kStreets[v.sub % 8] + " " +
                    std::to_string(v.sub % 90 + 1) + city + ". Öppet mån–fre 9–18.");
    if (!place_in_text && pl && ad.site != 0 && ad.site != 2) ad.place = -1;
  } else {
    const std::string where = place_in_text ? " " + phrase : "";
    switch (v.sub % 4) {
      case 0:
        ad.title = std::string("Säljes: ") + kItems[v.sub % 8];
        paras.push_back(std::string("Säljer ") + kItems[v.sub % 8] + ". " +
                        Thousands(200 + v.sub % 20 * 100) + " kr. Kan träffas och visa" + where +
                        ".");
        break;
      case 1:
        ad.title = std::string("Vi söker ") + kRoles[v.sub % 5];
        paras.push_back(
            std::string("Vi söker ") + kRoles[v.sub % 5] + " till vårt kafé" + where +
            ". Du är minst 18 år och gillar att träffa människor. Lön enligt avtal, start 2027.");
        break;
      case 2:
        ad.title = "Rum uthyres";
        paras.push_back("Möblerat rum uthyres" + where +
                        ", 4 500 kr/mån. Nära T-bana, 12 kvm. Ej rökare.");
        break;
      default:
        ad.title = "Gammal byrå, 19 år";
        paras.push_back("Byrån är 19 år gammal men fin, köpt 2007. 750:-. Hämtas" + where + ".");
        break;
    }
    if (!phone_all.empty()) paras.push_back("Ring " + phone_all + ".");
    if (v.has_email) {
      ad.emails.push_back(v.email_local + "@" + v.email_domain);
      paras.push_back("Mejl: " + v.email_local + "@" + v.email_domain);
    }
    if (!place_in_text && pl && ad.site != 0 && ad.site != 2) ad.place = -1;
  }
  // A place only in a site-3 free-text field still counts (it is on the page).
  for (size_t k = 0; k < paras.size(); ++k) ad.text += (k ? "\n" : "") + paras[k];
  // About one ad in five that stays up a week or more is edited once, at
  // least three days after posting. A stream of its own, so that adding
  // edits changed no other byte of the world.
  Rng edit(p_.seed, i, 0xED);
  const int64_t life_days = ad.removed == INT64_MAX ? 60 : (ad.removed - ad.posted) / 86400;
  ad.edited = INT64_MAX;
  if (life_days >= 7 && edit.Pct(20)) {
    ad.edited =
        ad.posted + edit.Range(3, life_days - 2) * 86400 + static_cast<int64_t>(edit.Below(86400));
    ad.edited -= ad.edited % 60;
  }
  return ad;
}

std::string EditNote(const Ad& ad) {
  return ad.lang == 1 ? "Updated: new times this week, welcome!"
                      : "Uppdaterad: nya tider den här veckan, välkommen!";
}

}  // namespace practice
