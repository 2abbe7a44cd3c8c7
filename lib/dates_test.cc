#include "lib/dates.h"

#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "lib/civil.h"

namespace karta {
namespace {

// Reads `text` against `ref` in Europe/Stockholm; "" when nothing is read.
std::string At(std::string_view text, std::string_view ref) {
  DateOptions o;
  o.ref = ParseTimeSeconds(ref);
  REQUIRE(o.ref.has_value());
  auto t = ReadDate(text, o);
  return t ? FormatRfc3339(*t) : std::string();
}

std::string NoRef(std::string_view text) {
  auto t = ReadDate(text, DateOptions{});
  return t ? FormatRfc3339(*t) : std::string();
}

// Sunday 22 November 2026, 14:30 in Stockholm (CET, +01:00).
constexpr const char* kSunday = "2026-11-22T13:30:00Z";

struct Case {
  const char* text;
  const char* want;  // "" = not a date
};

TEST_CASE("dates: every form the sites show, Swedish and English") {
  const std::vector<Case> cases = {
      // Absolute, day month year time.
      {"22 nov 2026 14:05", "2026-11-22T13:05:00Z"},
      {"22 november 2026 kl. 14.05", "2026-11-22T13:05:00Z"},
      {"22 Nov 2026 14:05", "2026-11-22T13:05:00Z"},
      {"22 nov. 2026 kl 14:05", "2026-11-22T13:05:00Z"},
      {"den 22 november 2026 klockan 14.05", "2026-11-22T13:05:00Z"},
      {"söndag 22 november 2026 14:05", "2026-11-22T13:05:00Z"},
      {"Sunday, 22nd November 2026 at 2:05 pm", "2026-11-22T13:05:00Z"},
      {"Nov 22, 2026 2:05 PM", "2026-11-22T13:05:00Z"},
      {"November 22 2026, 14:05", "2026-11-22T13:05:00Z"},
      {"22 nov 2026", "2026-11-21T23:00:00Z"},  // a date alone is local midnight
      // Day and month, the year from the reference.
      {"22 nov 14:05", "2026-11-22T13:05:00Z"},
      {"12 nov", "2026-11-11T23:00:00Z"},
      {"22/11 kl. 14.05", "2026-11-22T13:05:00Z"},
      {"22/11 14:05", "2026-11-22T13:05:00Z"},
      {"22/11", "2026-11-21T23:00:00Z"},
      {"22/11/2026 14:05", "2026-11-22T13:05:00Z"},
      {"22/11/26 14:05", "2026-11-22T13:05:00Z"},
      {"22.11.2026 14:05", "2026-11-22T13:05:00Z"},
      {"22.11.2026 kl. 14.05", "2026-11-22T13:05:00Z"},
      // ISO 8601, with and without seconds and zone.
      {"2026-11-22 14:05", "2026-11-22T13:05:00Z"},
      {"2026-11-22T14:05", "2026-11-22T13:05:00Z"},
      {"2026-11-22T14:05:30", "2026-11-22T13:05:30Z"},
      {"2026-11-22T14:05:30.250", "2026-11-22T13:05:30Z"},
      {"2026-11-22T13:05:00Z", "2026-11-22T13:05:00Z"},
      {"2026-11-22T14:05:00+01:00", "2026-11-22T13:05:00Z"},
      {"2026-11-22T14:05+0100", "2026-11-22T13:05:00Z"},
      {"2026-11-22T08:05-05:00", "2026-11-22T13:05:00Z"},
      {"2026-11-22", "2026-11-21T23:00:00Z"},
      {"2026-09-11T20:51", "2026-09-11T18:51:00Z"},  // summer time: +02:00
      // Relative days.
      {"idag 09:12", "2026-11-22T08:12:00Z"},
      {"i dag 09:12", "2026-11-22T08:12:00Z"},
      {"Idag kl. 09.12", "2026-11-22T08:12:00Z"},
      {"idag", "2026-11-21T23:00:00Z"},
      {"today 9:12 am", "2026-11-22T08:12:00Z"},
      {"Today at 09:12", "2026-11-22T08:12:00Z"},
      {"igår 14:05", "2026-11-21T13:05:00Z"},
      {"IGÅR kl 14:05", "2026-11-21T13:05:00Z"},
      {"i går 14.05", "2026-11-21T13:05:00Z"},
      {"yesterday at 2:05 pm", "2026-11-21T13:05:00Z"},
      {"i förrgår", "2026-11-19T23:00:00Z"},
      {"förrgår 20:30", "2026-11-20T19:30:00Z"},
      {"I förrgår kl 20:30", "2026-11-20T19:30:00Z"},
      {"the day before yesterday 20:30", "2026-11-20T19:30:00Z"},
      // Ago.
      {"för 3 timmar sedan", "2026-11-22T10:30:00Z"},
      {"3 timmar sedan", "2026-11-22T10:30:00Z"},
      {"för en timme sedan", "2026-11-22T12:30:00Z"},
      {"för 1 timme sedan", "2026-11-22T12:30:00Z"},
      {"3 hours ago", "2026-11-22T10:30:00Z"},
      {"an hour ago", "2026-11-22T12:30:00Z"},
      {"för 5 minuter sedan", "2026-11-22T13:25:00Z"},
      {"5 min sedan", "2026-11-22T13:25:00Z"},
      {"5 mins ago", "2026-11-22T13:25:00Z"},
      {"för 30 sekunder sedan", "2026-11-22T13:29:30Z"},
      {"3 dagar sedan", "2026-11-19T13:30:00Z"},
      {"för en dag sedan", "2026-11-21T13:30:00Z"},
      {"2 days ago", "2026-11-20T13:30:00Z"},
      {"för 2 veckor sedan", "2026-11-08T13:30:00Z"},
      {"1 week ago", "2026-11-15T13:30:00Z"},
      {"för en månad sedan", "2026-10-22T12:30:00Z"},  // same clock time, summer time then
      {"just nu", "2026-11-22T13:30:00Z"},
      {"nyss", "2026-11-22T13:30:00Z"},
      {"just now", "2026-11-22T13:30:00Z"},
      // Weekdays: the latest such day, not after the reference.
      {"måndag 14:05", "2026-11-16T13:05:00Z"},
      {"i måndags 14:05", "2026-11-16T13:05:00Z"},
      {"mån 14:05", "2026-11-16T13:05:00Z"},
      {"Monday 14:05", "2026-11-16T13:05:00Z"},
      {"last monday at 2:05 pm", "2026-11-16T13:05:00Z"},
      {"i tisdags 20:30", "2026-11-17T19:30:00Z"},
      {"i lördags", "2026-11-20T23:00:00Z"},
      {"söndag 10:00", "2026-11-22T09:00:00Z"},     // today, earlier
      {"söndag 20:00", "2026-11-15T19:00:00Z"},     // today would be later: last week
      {"i söndags 10:00", "2026-11-15T09:00:00Z"},  // "i söndags" is never today
      // Noise around the date (the text of a whole element).
      {"Inlagd igår 14:05 · nr 123", "2026-11-21T13:05:00Z"},
      {"Publicerad: 22 nov 2026 14:05", "2026-11-22T13:05:00Z"},
      {"Posted 3 hours ago by mira", "2026-11-22T10:30:00Z"},
      {"  22\xC2\xA0nov\xC2\xA0"
       "2026 14:05 ",
       "2026-11-22T13:05:00Z"},  // no-break spaces
      // AM and PM.
      {"22 nov 2026 12:30 am", "2026-11-21T23:30:00Z"},
      {"22 nov 2026 12:05 pm", "2026-11-22T11:05:00Z"},
      {"22 nov 2026 9 pm", "2026-11-22T20:00:00Z"},
  };
  for (const Case& c : cases) {
    CAPTURE(c.text);
    CHECK(At(c.text, kSunday) == c.want);
  }
}

TEST_CASE("dates: month names in both languages") {
  const char* const sv[] = {"januari", "februari", "mars",      "april",   "maj",      "juni",
                            "juli",    "augusti",  "september", "oktober", "november", "december"};
  const char* const sv_short[] = {"jan", "feb", "mar", "apr", "maj", "jun",
                                  "jul", "aug", "sep", "okt", "nov", "dec"};
  const char* const en[] = {"January", "February", "March",     "April",   "May",      "June",
                            "July",    "August",   "September", "October", "November", "December"};
  const char* const en_short[] = {"Jan", "Feb", "Mar",  "Apr", "May", "Jun",
                                  "Jul", "Aug", "Sept", "Oct", "Nov", "Dec"};
  for (unsigned m = 1; m <= 12; ++m) {
    // Noon on the 3rd, local time: CET in Nov-Mar, CEST in Apr-Oct.
    int64_t offset = (m >= 4 && m <= 10) ? 7200 : 3600;
    std::string want = FormatRfc3339(DaysFromCivil(2026, m, 3) * 86400 + 12 * 3600 - offset);
    for (const char* name : {sv[m - 1], sv_short[m - 1], en[m - 1], en_short[m - 1]}) {
      std::string text = std::string("3 ") + name + " 2026 12:00";
      CAPTURE(text);
      CHECK(At(text, kSunday) == want);
      CHECK(NoRef(text) == want);
      std::string dotted = std::string("3 ") + name + ". 2026 12:00";
      CAPTURE(dotted);
      CHECK(At(dotted, kSunday) == want);
    }
    std::string english = std::string(en[m - 1]) + " 3, 2026 12:00";
    CAPTURE(english);
    CHECK(At(english, kSunday) == want);
  }
  CHECK(At("3 sept. 2026 12:00", kSunday) == "2026-09-03T10:00:00Z");
}

TEST_CASE("dates: daylight saving on the last Sundays of March and October") {
  // 29 March 2026: 02:00 CET becomes 03:00 CEST (01:00 UTC).
  CHECK(At("29 mars 2026 01:30", kSunday) == "2026-03-29T00:30:00Z");
  CHECK(At("29 mars 2026 03:30", kSunday) == "2026-03-29T01:30:00Z");
  // 02:30 does not exist that night; read with the offset before the change.
  CHECK(At("29 mars 2026 02:30", kSunday) == "2026-03-29T01:30:00Z");
  CHECK(At("2026-03-28T12:00", kSunday) == "2026-03-28T11:00:00Z");
  CHECK(At("2026-03-30T12:00", kSunday) == "2026-03-30T10:00:00Z");
  // 25 October 2026: 03:00 CEST becomes 02:00 CET (01:00 UTC).
  CHECK(At("25 okt 2026 01:30", kSunday) == "2026-10-24T23:30:00Z");
  CHECK(At("25 okt 2026 03:30", kSunday) == "2026-10-25T02:30:00Z");
  // 02:30 happens twice; the first (summer time) is taken.
  CHECK(At("25 oct 2026 02:30", kSunday) == "2026-10-25T00:30:00Z");
  // Relative days keep the clock time across the change; hours do not.
  const char* monday = "2026-03-30T10:00:00Z";  // Monday 12:00 CEST
  CHECK(At("igår 12:00", monday) == "2026-03-29T10:00:00Z");
  CHECK(At("2 dagar sedan", monday) == "2026-03-28T11:00:00Z");
  CHECK(At("för 24 timmar sedan", monday) == "2026-03-29T10:00:00Z");
  CHECK(At("i förrgår 12:00", monday) == "2026-03-28T11:00:00Z");
  const char* autumn = "2026-10-26T11:00:00Z";  // Monday 12:00 CET
  CHECK(At("igår 12:00", autumn) == "2026-10-25T11:00:00Z");
  CHECK(At("i lördags 12:00", autumn) == "2026-10-24T10:00:00Z");
  // The offset itself, from ICU's database.
  const TimeZone& se = TimeZone::Default();
  CHECK(se.name() == "Europe/Stockholm");
  CHECK(se.OffsetAt(*ParseTimeSeconds("2026-03-29T00:59:59Z")) == 3600);
  CHECK(se.OffsetAt(*ParseTimeSeconds("2026-03-29T01:00:00Z")) == 7200);
  CHECK(se.OffsetAt(*ParseTimeSeconds("2026-10-25T00:59:59Z")) == 7200);
  CHECK(se.OffsetAt(*ParseTimeSeconds("2026-10-25T01:00:00Z")) == 3600);
}

TEST_CASE("dates: a date without a year is the latest one not after the reference") {
  // Read in late December: "2 jan" was this January, not next.
  CHECK(At("2 jan", "2026-12-28T12:00:00Z") == "2026-01-01T23:00:00Z");
  CHECK(At("27 dec 14:05", "2026-12-28T12:00:00Z") == "2026-12-27T13:05:00Z");
  CHECK(At("2/1 14:05", "2026-12-28T12:00:00Z") == "2026-01-02T13:05:00Z");
  // Read in early January: "28 dec" was last December.
  CHECK(At("28 dec 14:05", "2027-01-02T10:00:00Z") == "2026-12-28T13:05:00Z");
  CHECK(At("2 jan 09:00", "2027-01-02T10:00:00Z") == "2027-01-02T08:00:00Z");
  CHECK(At("31/12", "2027-01-02T10:00:00Z") == "2026-12-30T23:00:00Z");
  // The local year decides: 23:30 UTC on 31 December is already 2027 in Stockholm.
  CHECK(At("1 jan 00:10", "2026-12-31T23:30:00Z") == "2026-12-31T23:10:00Z");
  CHECK(At("31 dec 23:50", "2026-12-31T23:30:00Z") == "2026-12-31T22:50:00Z");
  // Weekday names and "igår" across the new year.
  CHECK(At("igår 22:00", "2027-01-01T10:00:00Z") == "2026-12-31T21:00:00Z");
  CHECK(At("i torsdags", "2027-01-04T10:00:00Z") == "2026-12-30T23:00:00Z");
  // 29 February: only in a leap year.
  CHECK(At("29 feb", "2028-03-05T10:00:00Z") == "2028-02-28T23:00:00Z");
  CHECK(At("29 feb", "2027-03-05T10:00:00Z") == "2024-02-28T23:00:00Z");
}

TEST_CASE("dates: garbage is not a date") {
  const char* const garbage[] = {
      "",
      "   ",
      "hello world",
      "nr 123",
      "Annons nr 43774",
      "sedan 2019",
      "2026",
      "nov",
      "november 2026",
      "10–22",
      "24 timmar",
      "för sedan",
      "timmar sedan",
      "måndagar",
      "32 nov 2026",
      "31 nov 2026",
      "0 nov 2026",
      "29 feb 2026",
      "2026-13-01",
      "2026-02-30",
      "2026-11-22T24:00",
      "2026-11-22T14:05Zjunk",
      "22/13",
      "0/11",
      "igår 25:00",
      "idag 14:61",
      "22 nov 2026 14:61",
      "22 nov 2026 13 pm",
      "22.11",
      "ååå",
      "\xff\xfe",
      "99999999999999999999 dagar sedan",
      "för -3 timmar sedan",
      "in 3 hours",
  };
  for (const char* g : garbage) {
    CAPTURE(g);
    CHECK(At(g, kSunday) == "");
  }
}

TEST_CASE("dates: without a reference only absolute forms are read") {
  CHECK(NoRef("22 nov 2026 14:05") == "2026-11-22T13:05:00Z");
  CHECK(NoRef("2026-09-11T20:51") == "2026-09-11T18:51:00Z");
  CHECK(NoRef("22/11/2026") == "2026-11-21T23:00:00Z");
  CHECK(NoRef("igår 14:05") == "");
  CHECK(NoRef("3 dagar sedan") == "");
  CHECK(NoRef("måndag 14:05") == "");
  CHECK(NoRef("22 nov 14:05") == "");
  CHECK(NoRef("22/11") == "");
  // ReadTime is the same reader, for the time columns of CSV files.
  CHECK(ReadTime("2026-09-11T20:51", TimeZone::Default()) ==
        ParseTimeSeconds("2026-09-11T18:51:00Z"));
  CHECK(ReadTime("2026-09-11T20:51:00Z", TimeZone::Default()) ==
        ParseTimeSeconds("2026-09-11T20:51:00Z"));
  CHECK_FALSE(ReadTime("yesterday", TimeZone::Default()));
}

TEST_CASE("dates: other time zones (--tz)") {
  auto utc = TimeZone::Load("UTC");
  REQUIRE(utc.ok());
  auto ny = TimeZone::Load("America/New_York");
  REQUIRE(ny.ok());
  DateOptions o;
  o.tz = &*utc;
  CHECK(FormatRfc3339(*ReadDate("2026-11-22 14:05", o)) == "2026-11-22T14:05:00Z");
  o.tz = &*ny;
  CHECK(FormatRfc3339(*ReadDate("Nov 22, 2026 9:05 AM", o)) == "2026-11-22T14:05:00Z");
  CHECK(FormatRfc3339(*ReadDate("2026-07-01 09:05", o)) == "2026-07-01T13:05:00Z");
  // A zone written in the text wins over --tz.
  CHECK(FormatRfc3339(*ReadDate("2026-11-22T14:05:00Z", o)) == "2026-11-22T14:05:00Z");
  auto bad = TimeZone::Load("Nowhere/City");
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.status().code() == Status::Code::kUsage);
  CHECK(bad.status().message().find("Nowhere/City") != std::string::npos);
}

TEST_CASE("dates: LocalDay buckets by the local calendar") {
  const TimeZone& se = TimeZone::Default();
  // 23:30 UTC on Sunday is already Monday in Stockholm.
  int64_t t = *ParseTimeSeconds("2026-11-22T23:30:00Z");
  CHECK(LocalDay(t, se) == DaysFromCivil(2026, 11, 23));
  CHECK(LocalDay(*ParseTimeSeconds("2026-11-22T22:59:59Z"), se) == DaysFromCivil(2026, 11, 22));
  CHECK(FormatLocal(t, se) == "2026-11-23T00:30:00+01:00");
  CHECK(FormatLocal(*ParseTimeSeconds("2026-07-01T10:00:00Z"), se) == "2026-07-01T12:00:00+02:00");
}

}  // namespace
}  // namespace karta
