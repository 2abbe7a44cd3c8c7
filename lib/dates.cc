#include "lib/dates.h"

#include <fmt/format.h>
#include <unicode/basictz.h>
#include <unicode/timezone.h>
#include <unicode/unistr.h>

#include <array>
#include <vector>

#include "lib/civil.h"
#include "lib/text.h"

namespace karta {

// ---- Time zones ----------------------------------------------------------------

struct TimeZone::Impl {
  std::unique_ptr<icu::TimeZone> tz;
  const icu::BasicTimeZone* basic = nullptr;
  std::string name;
};

Result<TimeZone> TimeZone::Load(std::string_view name) {
  if (name.empty()) return Default();
  auto impl = std::make_shared<Impl>();
  impl->name = std::string(name);
  impl->tz.reset(icu::TimeZone::createTimeZone(icu::UnicodeString::fromUTF8(
      icu::StringPiece(name.data(), static_cast<int32_t>(name.size())))));
  if (!impl->tz || *impl->tz == icu::TimeZone::getUnknown()) {
    return Status::Usage(fmt::format(
        "'{}' is not a time zone (give an IANA name such as Europe/Stockholm or UTC)", name));
  }
  impl->basic = dynamic_cast<const icu::BasicTimeZone*>(impl->tz.get());
  return TimeZone(std::move(impl));
}

const TimeZone& TimeZone::Default() {
  static const TimeZone* const kDefault = [] {
    auto tz = Load("Europe/Stockholm");
    // ICU's data always holds the zone; UTC is only a last resort.
    return new TimeZone(tz.ok() ? std::move(*tz) : std::move(*Load("UTC")));
  }();
  return *kDefault;
}

const std::string& TimeZone::name() const { return impl_->name; }

int64_t TimeZone::OffsetAt(int64_t t) const {
  int32_t raw = 0, dst = 0;
  UErrorCode st = U_ZERO_ERROR;
  impl_->tz->getOffset(static_cast<UDate>(t) * 1000.0, false, raw, dst, st);
  return U_FAILURE(st) ? 0 : (raw + dst) / 1000;
}

int64_t TimeZone::FromLocal(int64_t local) const {
  int32_t raw = 0, dst = 0;
  UErrorCode st = U_ZERO_ERROR;
  const UDate d = static_cast<UDate>(local) * 1000.0;
  if (impl_->basic) {
    impl_->basic->getOffsetFromLocal(d, UCAL_TZ_LOCAL_FORMER, UCAL_TZ_LOCAL_FORMER, raw, dst, st);
  } else {
    impl_->tz->getOffset(d, true, raw, dst, st);
  }
  return U_FAILURE(st) ? local : local - (raw + dst) / 1000;
}

int64_t LocalDay(int64_t t, const TimeZone& tz) { return DayOfSeconds(t + tz.OffsetAt(t)); }

std::string FormatLocal(int64_t t, const TimeZone& tz) {
  int64_t off = tz.OffsetAt(t);
  std::string s = FormatRfc3339(t + off);
  s.pop_back();  // the Z
  int64_t a = off < 0 ? -off : off;
  return s + fmt::format("{}{:02}:{:02}", off < 0 ? '-' : '+', a / 3600, a / 60 % 60);
}

// ---- Reading ---------------------------------------------------------------------

namespace {

struct Tok {
  enum Kind { kNum, kWord, kPunct } kind;
  std::string_view s;
  size_t begin = 0;  // byte offset in the normalised text
  bool space_before = false;
  int64_t num = -1;  // kNum: the value (-1 if too long to be a date part)
};

// Lower case for ASCII and the Latin-1 capitals (Å Ä Ö É ...), so that the
// word tables can be written in lower case.
std::string Lower(std::string_view in) {
  std::string s = NormalizeSpace(in);
  for (size_t i = 0; i < s.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c >= 'A' && c <= 'Z') {
      s[i] = static_cast<char>(c + 32);
    } else if (c == 0xC3 && i + 1 < s.size()) {
      unsigned char d = static_cast<unsigned char>(s[i + 1]);
      if (d >= 0x80 && d <= 0x9E && d != 0x97) s[i + 1] = static_cast<char>(d + 0x20);
      ++i;
    }
  }
  return s;
}

std::vector<Tok> Lex(const std::string& s) {
  std::vector<Tok> out;
  size_t i = 0;
  bool space = false;
  while (i < s.size()) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c == ' ') {
      space = true;
      ++i;
      continue;
    }
    Tok t{Tok::kPunct, {}, i, space};
    space = false;
    size_t j = i;
    if (c >= '0' && c <= '9') {
      t.kind = Tok::kNum;
      int64_t v = 0;
      while (j < s.size() && s[j] >= '0' && s[j] <= '9') {
        if (v >= 0) v = j - i < 12 ? v * 10 + (s[j] - '0') : -1;
        ++j;
      }
      t.num = v;
    } else {
      size_t k = i;
      char32_t cp = DecodeUtf8(s, &k);
      if (cp < 0x80 ? ((cp >= 'a' && cp <= 'z')) : IsLetter(cp)) {
        t.kind = Tok::kWord;
        j = k;
        while (j < s.size()) {
          size_t n = j;
          char32_t d = DecodeUtf8(s, &n);
          if (d < 0x80 ? !(d >= 'a' && d <= 'z') : !IsLetter(d)) break;
          j = n;
        }
      } else {
        j = k;
      }
    }
    t.s = std::string_view(s).substr(i, j - i);
    out.push_back(t);
    i = j;
  }
  return out;
}

// 1-12 for a month name or abbreviation (Swedish or English), else 0.
int MonthOf(std::string_view w) {
  static constexpr std::pair<std::string_view, int> kMonths[] = {
      {"januari", 1},   {"january", 1},  {"jan", 1},       {"februari", 2},  {"february", 2},
      {"feb", 2},       {"febr", 2},     {"mars", 3},      {"march", 3},     {"mar", 3},
      {"april", 4},     {"apr", 4},      {"maj", 5},       {"may", 5},       {"juni", 6},
      {"june", 6},      {"jun", 6},      {"juli", 7},      {"july", 7},      {"jul", 7},
      {"augusti", 8},   {"august", 8},   {"aug", 8},       {"september", 9}, {"sept", 9},
      {"sep", 9},       {"oktober", 10}, {"october", 10},  {"okt", 10},      {"oct", 10},
      {"november", 11}, {"nov", 11},     {"december", 12}, {"dec", 12},
  };
  for (const auto& [name, m] : kMonths) {
    if (w == name) return m;
  }
  return 0;
}

// Weekday (0 Monday .. 6 Sunday) of a weekday word; *past is set for the
// forms that mean "last such day" ("måndags" as in "i måndags").
int WeekdayOf(std::string_view w, bool* past) {
  static const std::array<std::array<std::string_view, 7>, 7> kDays = {{
      {"måndag", "mån", "monday", "mon", "", "", "måndags"},
      {"tisdag", "tis", "tuesday", "tue", "tues", "", "tisdags"},
      {"onsdag", "ons", "wednesday", "wed", "", "", "onsdags"},
      {"torsdag", "tors", "thursday", "thu", "thur", "thurs", "torsdags"},
      {"fredag", "fre", "friday", "fri", "", "", "fredags"},
      {"lördag", "lör", "saturday", "sat", "", "", "lördags"},
      {"söndag", "sön", "sunday", "sun", "", "", "söndags"},
  }};
  for (int d = 0; d < 7; ++d) {
    for (size_t k = 0; k < 7; ++k) {
      if (!kDays[d][k].empty() && w == kDays[d][k]) {
        *past = k == 6;
        return d;
      }
    }
  }
  return -1;
}

enum class Unit { kNone, kSecond, kMinute, kHour, kDay, kWeek, kMonth, kYear };

Unit UnitOf(std::string_view w) {
  static constexpr std::pair<std::string_view, Unit> kUnits[] = {
      {"sekund", Unit::kSecond},  {"sekunder", Unit::kSecond}, {"sek", Unit::kSecond},
      {"s", Unit::kSecond},       {"second", Unit::kSecond},   {"seconds", Unit::kSecond},
      {"sec", Unit::kSecond},     {"secs", Unit::kSecond},     {"minut", Unit::kMinute},
      {"minuter", Unit::kMinute}, {"min", Unit::kMinute},      {"minute", Unit::kMinute},
      {"minutes", Unit::kMinute}, {"mins", Unit::kMinute},     {"timme", Unit::kHour},
      {"timmar", Unit::kHour},    {"tim", Unit::kHour},        {"h", Unit::kHour},
      {"hour", Unit::kHour},      {"hours", Unit::kHour},      {"hr", Unit::kHour},
      {"hrs", Unit::kHour},       {"dag", Unit::kDay},         {"dagar", Unit::kDay},
      {"day", Unit::kDay},        {"days", Unit::kDay},        {"vecka", Unit::kWeek},
      {"veckor", Unit::kWeek},    {"week", Unit::kWeek},       {"weeks", Unit::kWeek},
      {"månad", Unit::kMonth},    {"månader", Unit::kMonth},   {"month", Unit::kMonth},
      {"months", Unit::kMonth},   {"år", Unit::kYear},         {"year", Unit::kYear},
      {"years", Unit::kYear},     {"yr", Unit::kYear},         {"yrs", Unit::kYear},
      {"wk", Unit::kWeek},
  };
  for (const auto& [name, u] : kUnits) {
    if (w == name) return u;
  }
  return Unit::kNone;
}

bool ValidDate(int64_t y, int64_t m, int64_t d) {
  return y >= 1 && y <= 9999 && m >= 1 && m <= 12 && d >= 1 &&
         d <= static_cast<int64_t>(DaysInMonth(y, static_cast<unsigned>(m)));
}

class Reader {
 public:
  Reader(std::string text, const DateOptions& o)
      : s_(std::move(text)), toks_(Lex(s_)), tz_(o.tz ? *o.tz : TimeZone::Default()), ref_(o.ref) {
    if (ref_) {
      int64_t local = *ref_ + tz_.OffsetAt(*ref_);
      ref_day_ = DayOfSeconds(local);
      ref_secs_ = local - ref_day_ * 86400;
    }
  }

  std::optional<int64_t> Read() {
    for (size_t i = 0; i < toks_.size(); ++i) {
      // A date starts at the start, after a space or after an opening
      // punctuation mark; never inside "-3" or "nr123".
      if (i > 0 && !toks_[i].space_before) {
        std::string_view prev = toks_[i - 1].s;
        if (prev != ":" && prev != "(" && prev != "[" && prev != "|" && prev != "," &&
            prev != ";" && prev != "\xC2\xB7") {
          continue;
        }
      }
      bad_ = false;
      pos_ = i;
      if (auto t = Expression(); t && !bad_) return t;
    }
    return std::nullopt;
  }

 private:
  // ---- tokens
  const Tok* Peek(size_t k = 0) const {
    return pos_ + k < toks_.size() ? &toks_[pos_ + k] : nullptr;
  }
  bool IsWord(size_t k, std::string_view w) const {
    const Tok* t = Peek(k);
    return t && t->kind == Tok::kWord && t->s == w;
  }
  bool IsPunct(size_t k, std::string_view p) const {
    const Tok* t = Peek(k);
    return t && t->kind == Tok::kPunct && t->s == p;
  }
  bool Accept(std::string_view w) {
    const Tok* t = Peek();
    if (t && t->s == w) {
      ++pos_;
      return true;
    }
    return false;
  }
  // A number of at most `max_digits` digits, not glued to a letter after it
  // (unless `suffix_ok`).
  bool Number(int64_t* v, size_t max_digits, size_t min_digits = 1) {
    const Tok* t = Peek();
    if (!t || t->kind != Tok::kNum || t->num < 0 || t->s.size() > max_digits ||
        t->s.size() < min_digits) {
      return false;
    }
    *v = t->num;
    ++pos_;
    return true;
  }

  // ---- the forms
  std::optional<int64_t> Expression() {
    const Tok* t = Peek();
    if (t->kind == Tok::kNum && t->s.size() == 4 && IsPunct(1, "-")) return Iso();
    size_t start = pos_;
    for (auto form :
         {&Reader::RelativeDay, &Reader::Ago, &Reader::WeekdayAndDate, &Reader::DayMonth,
          &Reader::MonthDay, &Reader::NumericDate, &Reader::WeekdayOnly}) {
      pos_ = start;
      bad_ = false;
      if (auto r = (this->*form)(); r && !bad_) return r;
      if (bad_) return std::nullopt;
    }
    return std::nullopt;
  }

  // ISO 8601 on the characters themselves.
  std::optional<int64_t> Iso() {
    std::string_view s = std::string_view(s_).substr(Peek()->begin);
    int y, mo, d, h = 0, mi = 0, se = 0;
    if (!ReadDigits(s, 0, 4, &y) || s.size() < 10 || s[4] != '-' || !ReadDigits(s, 5, 2, &mo) ||
        s[7] != '-' || !ReadDigits(s, 8, 2, &d) || !ValidDate(y, mo, d)) {
      return std::nullopt;
    }
    size_t i = 10;
    bool has_time = false;
    if (i + 1 < s.size() && (s[i] == 't' || s[i] == ' ') && s[i + 1] >= '0' && s[i + 1] <= '9') {
      if (!ReadDigits(s, i + 1, 2, &h) || i + 3 >= s.size() || s[i + 3] != ':' ||
          !ReadDigits(s, i + 4, 2, &mi)) {
        return std::nullopt;
      }
      has_time = true;
      i += 6;
      if (i < s.size() && s[i] == ':') {
        if (!ReadDigits(s, i + 1, 2, &se)) return std::nullopt;
        i += 3;
        if (i < s.size() && (s[i] == '.' || s[i] == ',') && i + 1 < s.size() && s[i + 1] >= '0' &&
            s[i + 1] <= '9') {
          ++i;
          while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;
        }
      }
      if (h > 23 || mi > 59 || se > 60) return std::nullopt;
    }
    std::optional<int64_t> offset;
    if (has_time && i < s.size() && s[i] == 'z') {
      offset = 0;
      ++i;
    } else if (has_time && i < s.size() && (s[i] == '+' || s[i] == '-')) {
      int oh, om = 0;
      size_t j = i + 1;
      if (!ReadDigits(s, j, 2, &oh)) return std::nullopt;
      j += 2;
      if (j < s.size() && s[j] == ':') {
        if (!ReadDigits(s, j + 1, 2, &om)) return std::nullopt;
        j += 3;
      } else if (ReadDigits(s, j, 2, &om)) {
        j += 2;
      }
      if (oh > 23 || om > 59) return std::nullopt;
      offset = (oh * 3600 + om * 60) * (s[i] == '+' ? 1 : -1);
      i = j;
    }
    // The text goes on only after a break: "2026-11-22 14:05 ·", not "...05x".
    if (i < s.size() && s[i] != ' ' && s[i] != ',' && s[i] != ';' && s[i] != ')' && s[i] != ']' &&
        s[i] != '|' && s[i] != '.' && static_cast<unsigned char>(s[i]) < 0x80) {
      return std::nullopt;
    }
    int64_t local = DaysFromCivil(y, mo, d) * 86400 + h * 3600 + mi * 60 + se;
    if (offset) return local - *offset;
    return tz_.FromLocal(local);
  }

  // An optional time after a date: seconds of the day, or -1 if there is
  // none. Sets bad_ for something that looks like a time but is not one
  // ("25:00", "14:61", "13 pm").
  int64_t Time() {
    size_t save = pos_;
    bool kl = false;
    if (!Accept("kl") && !Accept("klockan")) {
      if (Accept("at") || Accept("@") || Accept(",") || Accept("-") || Accept("\xE2\x80\x93")) {
        kl = Accept("kl") || Accept("klockan");
      }
    } else {
      kl = true;
    }
    if (kl) Accept(".");
    int64_t h, mi = 0, se = 0;
    if (!Number(&h, 2)) {
      pos_ = save;
      return -1;
    }
    bool minutes = false;
    const Tok* t = Peek();
    if (t && t->kind == Tok::kPunct && (t->s == ":" || t->s == ".") && !t->space_before &&
        Peek(1) && Peek(1)->kind == Tok::kNum && !Peek(1)->space_before) {
      ++pos_;
      if (!Number(&mi, 2, 2)) {
        bad_ = true;
        return -1;
      }
      minutes = true;
      t = Peek();
      if (t && (t->s == ":" || t->s == ".") && !t->space_before && Peek(1) &&
          Peek(1)->kind == Tok::kNum && !Peek(1)->space_before) {
        ++pos_;
        if (!Number(&se, 2, 2)) {
          bad_ = true;
          return -1;
        }
      }
    }
    // am / pm / a.m. / p.m.
    int ampm = 0;
    if (Accept("am")) {
      ampm = 1;
    } else if (Accept("pm")) {
      ampm = 2;
    } else if ((IsWord(0, "a") || IsWord(0, "p")) && IsPunct(1, ".") && IsWord(2, "m")) {
      ampm = IsWord(0, "a") ? 1 : 2;
      pos_ += 3;
      Accept(".");
    }
    if (!minutes && !ampm && !kl) {
      pos_ = save;  // a lone number is not a time
      return -1;
    }
    if (ampm) {
      if (h < 1 || h > 12) {
        bad_ = true;
        return -1;
      }
      h = h % 12 + (ampm == 2 ? 12 : 0);
    }
    if (h > 23 || mi > 59 || se > 60) {
      bad_ = true;
      return -1;
    }
    return h * 3600 + mi * 60 + se;
  }

  // The instant of local day `day` at `secs` (-1: midnight).
  std::optional<int64_t> At(int64_t day, int64_t secs) {
    if (bad_) return std::nullopt;
    return tz_.FromLocal(day * 86400 + (secs < 0 ? 0 : secs));
  }

  // idag, i dag, today; igår, i går, yesterday; i förrgår, förrgår, the day
  // before yesterday.
  std::optional<int64_t> RelativeDay() {
    if (!ref_) return std::nullopt;
    int back = -1;
    if (Accept("i")) {
      if (Accept("dag"))
        back = 0;
      else if (Accept("går"))
        back = 1;
      else if (Accept("förrgår"))
        back = 2;
    } else if (Accept("idag") || Accept("today")) {
      back = 0;
    } else if (Accept("igår") || Accept("yesterday")) {
      back = 1;
    } else if (Accept("förrgår")) {
      back = 2;
    } else if (IsWord(0, "day") && IsWord(1, "before") && IsWord(2, "yesterday")) {
      pos_ += 3;
      back = 2;
    }
    if (back < 0) return std::nullopt;
    return At(ref_day_ - back, Time());
  }

  // [för] N unit sedan, N unit ago, just nu, nyss, just now.
  std::optional<int64_t> Ago() {
    if (!ref_) return std::nullopt;
    if ((IsWord(0, "just") && (IsWord(1, "nu") || IsWord(1, "now"))) || IsWord(0, "nyss")) {
      return ref_;
    }
    Accept("för");
    int64_t n;
    if (!Number(&n, 5)) {
      const Tok* t = Peek();
      if (!t || t->kind != Tok::kWord) return std::nullopt;
      if (t->s == "en" || t->s == "ett" || t->s == "an" || t->s == "a" || t->s == "one") {
        n = 1;
        ++pos_;
      } else {
        return std::nullopt;
      }
    }
    const Tok* u = Peek();
    if (!u || u->kind != Tok::kWord) return std::nullopt;
    Unit unit = UnitOf(u->s);
    if (unit == Unit::kNone) return std::nullopt;
    ++pos_;
    if (!Accept("sedan") && !Accept("ago")) return std::nullopt;
    int64_t ref = *ref_;
    switch (unit) {
      case Unit::kSecond:
        return ref - n;
      case Unit::kMinute:
        return ref - n * 60;
      case Unit::kHour:
        return ref - n * 3600;
      case Unit::kDay:
        return At(ref_day_ - n, ref_secs_);
      case Unit::kWeek:
        return At(ref_day_ - 7 * n, ref_secs_);
      case Unit::kMonth:
      case Unit::kYear: {
        int64_t y;
        unsigned m, d;
        CivilFromDays(ref_day_, &y, &m, &d);
        int64_t months = y * 12 + (m - 1) - (unit == Unit::kMonth ? n : 12 * n);
        int64_t ny = months >= 0 ? months / 12 : -((-months + 11) / 12);
        unsigned nm = static_cast<unsigned>(months - ny * 12) + 1;
        if (ny < 1) return std::nullopt;
        unsigned nd = std::min(d, DaysInMonth(ny, nm));
        return At(DaysFromCivil(ny, nm, nd), ref_secs_);
      }
      case Unit::kNone:
        break;
    }
    return std::nullopt;
  }

  // A date given as day and month, maybe year, then an optional time.
  std::optional<int64_t> Dated(int64_t y, int64_t m, int64_t d, bool has_year) {
    if (has_year) {
      if (!ValidDate(y, m, d)) return std::nullopt;
      return At(DaysFromCivil(y, static_cast<unsigned>(m), static_cast<unsigned>(d)), Time());
    }
    if (!ref_ || m < 1 || m > 12 || d < 1 || d > 31) return std::nullopt;
    int64_t secs = Time();
    if (bad_) return std::nullopt;
    int64_t ry;
    unsigned rm, rd;
    CivilFromDays(ref_day_, &ry, &rm, &rd);
    // The latest year that puts it at most a day after the reference.
    for (int64_t cy = ry + 1; cy >= ry - 4; --cy) {
      if (!ValidDate(cy, m, d)) continue;
      auto t = At(DaysFromCivil(cy, static_cast<unsigned>(m), static_cast<unsigned>(d)), secs);
      if (t && *t <= *ref_ + 86400) return t;
    }
    return std::nullopt;
  }

  // Day of month with an optional ordinal ending: "22", "22nd", "22.".
  bool DayNumber(int64_t* d) {
    if (!Number(d, 2)) return false;
    if (*d < 1 || *d > 31) return false;
    const Tok* t = Peek();
    if (t && !t->space_before && t->kind == Tok::kWord &&
        (t->s == "st" || t->s == "nd" || t->s == "rd" || t->s == "th")) {
      ++pos_;
    }
    return true;
  }

  bool MonthWord(int64_t* m) {
    const Tok* t = Peek();
    if (!t || t->kind != Tok::kWord) return false;
    int v = MonthOf(t->s);
    if (!v) return false;
    *m = v;
    ++pos_;
    if (IsPunct(0, ".") && !Peek()->space_before) ++pos_;
    return true;
  }

  bool Year(int64_t* y) {
    size_t save = pos_;
    Accept(",");
    const Tok* t = Peek();
    if (t && t->kind == Tok::kNum && t->s.size() == 4 && !IsPunct(1, ":") && !IsPunct(1, ".")) {
      *y = t->num;
      ++pos_;
      return true;
    }
    pos_ = save;
    return false;
  }

  // 22 nov [2026] [time]; "22. nov".
  std::optional<int64_t> DayMonth() {
    int64_t d, m, y = 0;
    if (!DayNumber(&d)) return std::nullopt;
    if (IsPunct(0, ".") && !Peek()->space_before) ++pos_;
    Accept("of");
    if (!MonthWord(&m)) return std::nullopt;
    bool has_year = Year(&y);
    return Dated(y, m, d, has_year);
  }

  // Nov 22[, 2026] [time].
  std::optional<int64_t> MonthDay() {
    int64_t d, m, y = 0;
    if (!MonthWord(&m)) return std::nullopt;
    if (!DayNumber(&d)) return std::nullopt;
    bool has_year = Year(&y);
    return Dated(y, m, d, has_year);
  }

  // 22/11, 22/11/2026, 22/11/26, 22.11.2026 (day first).
  std::optional<int64_t> NumericDate() {
    int64_t d, m, y = 0;
    if (!Number(&d, 2)) return std::nullopt;
    const Tok* sep = Peek();
    if (!sep || sep->kind != Tok::kPunct || (sep->s != "/" && sep->s != ".") || sep->space_before) {
      return std::nullopt;
    }
    std::string_view sv = sep->s;
    ++pos_;
    if (Peek() && Peek()->space_before) return std::nullopt;
    if (!Number(&m, 2)) return std::nullopt;
    bool has_year = false;
    if (IsPunct(0, sv) && !Peek()->space_before && Peek(1) && Peek(1)->kind == Tok::kNum &&
        !Peek(1)->space_before && (Peek(1)->s.size() == 4 || Peek(1)->s.size() == 2)) {
      ++pos_;
      Number(&y, 4);
      if (y < 100) y += 2000;
      has_year = true;
    }
    if (sv == "." && !has_year) return std::nullopt;  // "22.11" may be a time
    if (!ValidDate(has_year ? y : 2000, m, d)) return std::nullopt;
    return Dated(y, m, d, has_year);
  }

  // "söndag 22 november 2026", "Sunday, 22nd November": the weekday is
  // decoration when a date follows.
  std::optional<int64_t> WeekdayAndDate() {
    const Tok* t = Peek();
    bool past;
    if (!t || t->kind != Tok::kWord || WeekdayOf(t->s, &past) < 0 || past) return std::nullopt;
    ++pos_;
    Accept(",");
    Accept("den");
    Accept("the");
    size_t save = pos_;
    if (auto r = DayMonth(); r || bad_) return r;
    pos_ = save;
    return MonthDay();
  }

  // måndag, i måndags, last monday, on monday [time].
  std::optional<int64_t> WeekdayOnly() {
    if (!ref_) return std::nullopt;
    bool said_i = Accept("i");
    bool last = !said_i && (Accept("last") || Accept("förra"));
    if (!said_i && !last) Accept("on");
    const Tok* t = Peek();
    bool past = false;
    int wd = t && t->kind == Tok::kWord ? WeekdayOf(t->s, &past) : -1;
    if (wd < 0 || (said_i && !past)) return std::nullopt;  // "i måndags", not "i måndag"
    ++pos_;
    bool before_today = said_i || last || past;
    int64_t secs = Time();
    if (bad_) return std::nullopt;
    int64_t back = (Weekday(ref_day_) - wd + 7) % 7;
    if (back == 0 && (before_today || secs > ref_secs_)) back = 7;
    return At(ref_day_ - back, secs);
  }

  std::string s_;
  std::vector<Tok> toks_;
  const TimeZone& tz_;
  std::optional<int64_t> ref_;
  int64_t ref_day_ = 0, ref_secs_ = 0;
  size_t pos_ = 0;
  bool bad_ = false;
};

}  // namespace

std::optional<int64_t> ReadDate(std::string_view text, const DateOptions& opts) {
  // Most cells are RFC 3339 already: no tokenising for those.
  if (text.size() >= 20 && text.size() <= 25 && text[4] == '-' && text[10] == 'T') {
    if (auto t = ParseTimeSeconds(text, /*strict=*/true)) return t;
  }
  if (text.size() > 200) text = text.substr(0, 200);
  return Reader(Lower(text), opts).Read();
}

std::optional<int64_t> ReadTime(std::string_view text, const TimeZone& tz) {
  DateOptions o;
  o.tz = &tz;
  return ReadDate(text, o);
}

}  // namespace karta
