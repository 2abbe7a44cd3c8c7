// Dates as people and sites write them, to instants: the one time reader of
// karta. fetch reads a page's date text with it ("igår 14:05" against the
// page's fetched_at), and every tool that reads a time column (tabulate,
// sort, report, dedupe, history) reads it the same lenient way.
//
//   DateOptions o;
//   o.ref = fetched_at;                        // seconds since 1970, UTC
//   auto t = ReadDate("igår 14:05", o);        // yesterday 14:05 in Stockholm
//   if (t) row.posted_at = FormatRfc3339(*t);  // "2026-11-21T13:05:00Z"
//
// Forms read (Swedish and English, any case, with noise around them such as
// "Inlagd igår 14:05 · nr 123"; the first date in the text wins):
//  - ISO 8601 / RFC 3339: "2026-11-22T14:05:00Z", "2026-11-22T14:05+01:00",
//    "2026-11-22 14:05", "2026-11-22T14:05:30.25", "2026-11-22";
//  - day month [year]: "22 nov 2026 14:05", "22 november kl. 14.05",
//    "den 22 nov.", "söndag 22 nov 2026", "Sunday, 22nd November 2026 at 2:05 pm";
//    month day: "Nov 22, 2026 2:05 PM";
//  - numeric, day first: "22/11 kl. 14.05", "22/11/2026", "22/11/26", "22.11.2026";
//  - relative days: "idag", "i dag", "igår", "i går", "i förrgår", "today",
//    "yesterday", "the day before yesterday", each with an optional time;
//  - ago: "för 3 timmar sedan", "3 dagar sedan", "för en vecka sedan",
//    "3 hours ago", "an hour ago", "just nu", "nyss", "just now";
//  - weekdays: "måndag 14:05", "mån 14:05", "i måndags", "Monday",
//    "last Monday at 2 pm".
// Months: januari..december and January..December with their usual
// abbreviations ("jan", "mars", "okt", "Sept."). Times: "14:05", "14.05",
// "14:05:30", "2:05 pm", "kl 14"; "kl", "kl.", "klockan", "at" and commas
// may stand before a time.
//
// How forms resolve:
//  - A time without a zone is local time in the time zone (Europe/Stockholm
//    unless --tz says otherwise), daylight saving included, from ICU's
//    time-zone database. A local time that does not exist (02:30 on the last
//    Sunday of March) reads with the offset before the change (as 03:30
//    summer time); one that happens twice (02:30 on the last Sunday of
//    October) reads as the first (summer time).
//  - A date without a time is its local midnight.
//  - Relative forms, weekday names and dates without a year need a reference
//    time (DateOptions::ref; fetch uses the page's fetched_at); without one
//    they are not read. "igår", "3 dagar sedan" and "i måndags" count local
//    calendar days and keep the clock time across a daylight-saving change;
//    "för 24 timmar sedan" counts hours. A weekday name ("måndag") is the
//    latest such day not after the reference ("i måndags", "last Monday":
//    before today). A date without a year takes the latest year that puts it
//    at most one day after the reference ("2 jan" read on 28 December is the
//    2 January just past; "28 dec" read on 2 January is last December).
//  - Anything else ("nr 123", "32 nov", "igår 25:00") is not a date:
//    nullopt, never a guess.
//
// Thread-safety: TimeZone objects are immutable after Load and may be shared
// between threads; the functions are pure.
#ifndef KARTA_LIB_DATES_H_
#define KARTA_LIB_DATES_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "lib/status.h"

namespace karta {

// The help text of the --tz option of every tool that reads times.
inline constexpr const char* kTzHelp =
    "Time zone of times written without one, e.g. UTC (IANA name; default Europe/Stockholm)";

// An IANA time zone from ICU's database.
class TimeZone {
 public:
  // Loads "Europe/Stockholm", "UTC", "America/New_York", ...; a usage error
  // naming the zone if ICU does not know it. "" is Default() (a tool's --tz
  // not given).
  static Result<TimeZone> Load(std::string_view name);
  // Europe/Stockholm, every tool's default.
  static const TimeZone& Default();

  const std::string& name() const;
  // Offset from UTC in seconds at the instant `t` (seconds since 1970, UTC).
  int64_t OffsetAt(int64_t t) const;
  // The instant of a local wall-clock time, given as seconds since
  // 1970-01-01T00:00 on the local clock (see above for gaps and overlaps).
  int64_t FromLocal(int64_t local) const;

 private:
  struct Impl;
  explicit TimeZone(std::shared_ptr<const Impl> impl) : impl_(std::move(impl)) {}
  std::shared_ptr<const Impl> impl_;
};

struct DateOptions {
  const TimeZone* tz = nullptr;  // null: TimeZone::Default()
  // The reference time for relative forms, weekdays and dates without a
  // year (fetch: the page's fetched_at). Without it those are not read.
  std::optional<int64_t> ref;
};

// The first date in `text` as seconds since 1970 (UTC), or nullopt.
std::optional<int64_t> ReadDate(std::string_view text, const DateOptions& opts);

// A time cell of a CSV file: ReadDate without a reference time (ISO 8601
// leniently, and the absolute forms), local times in `tz`.
std::optional<int64_t> ReadTime(std::string_view text, const TimeZone& tz);

// The local calendar day (days since 1970-01-01) of the instant `t`.
int64_t LocalDay(int64_t t, const TimeZone& tz);

// `t` as an RFC 3339 local time with its offset, "2026-11-23T00:30:00+01:00".
std::string FormatLocal(int64_t t, const TimeZone& tz);

}  // namespace karta

#endif  // KARTA_LIB_DATES_H_
