#include "lib/gazetteer.h"

#include <fmt/format.h>

#include <charconv>
#include <cstdlib>
#include <unordered_map>

#include "lib/datadir.h"
#include "lib/io.h"
#include "lib/text.h"

namespace karta {
namespace {

// Splits CSV text into rows of fields (RFC 4180: quoted fields may hold
// commas, doubled quotes and newlines). Records the line each row starts on.
Status SplitCsv(std::string_view s, std::string_view name,
                std::vector<std::pair<int64_t, std::vector<std::string>>>* rows) {
  size_t i = 0;
  int64_t line = 1;
  if (s.substr(0, 3) == "\xEF\xBB\xBF") i = 3;
  while (i < s.size()) {
    if (s[i] == '\n' || s[i] == '\r') {  // empty line
      if (s[i] == '\n') ++line;
      ++i;
      continue;
    }
    int64_t start = line;
    std::vector<std::string> fields(1);
    while (i < s.size()) {
      char c = s[i];
      if (c == '"' && fields.back().empty()) {
        ++i;
        while (true) {
          if (i >= s.size()) {
            return Status::Usage(fmt::format("{}:{}: unterminated quoted field", name, start));
          }
          if (s[i] == '"') {
            if (i + 1 < s.size() && s[i + 1] == '"') {
              fields.back() += '"';
              i += 2;
              continue;
            }
            ++i;
            break;
          }
          if (s[i] == '\n') ++line;
          fields.back() += s[i++];
        }
        continue;
      }
      if (c == ',') {
        fields.emplace_back();
        ++i;
      } else if (c == '\r' || c == '\n') {
        if (c == '\r' && i + 1 < s.size() && s[i + 1] == '\n') ++i;
        ++i;
        ++line;
        break;
      } else {
        fields.back() += c;
        ++i;
      }
    }
    rows->emplace_back(start, std::move(fields));
  }
  return Status::Ok();
}

bool ParseCoord(const std::string& s, double lo, double hi) {
  if (s.empty()) return false;
  char* end = nullptr;
  double v = std::strtod(s.c_str(), &end);
  return end == s.c_str() + s.size() && v >= lo && v <= hi;
}

}  // namespace

bool ParsePlaceKind(std::string_view s, PlaceKind* kind) {
  static const std::pair<std::string_view, PlaceKind> kKinds[] = {
      {"kommun", PlaceKind::kKommun},   {"area", PlaceKind::kArea},
      {"town", PlaceKind::kTown},       {"district", PlaceKind::kDistrict},
      {"station", PlaceKind::kStation}, {"street", PlaceKind::kStreet}};
  for (const auto& [n, k] : kKinds) {
    if (s == n) {
      *kind = k;
      return true;
    }
  }
  return false;
}

bool ParsePlaceContext(std::string_view s, PlaceContext* context) {
  if (s == "any" || s.empty()) {
    *context = PlaceContext::kAny;
  } else if (s == "evidence") {
    *context = PlaceContext::kEvidence;
  } else if (s == "strict") {
    *context = PlaceContext::kStrict;
  } else {
    return false;
  }
  return true;
}

Result<Gazetteer> Gazetteer::Load(const std::string& path) {
  auto text = ReadFileToString(path);
  if (!text.ok()) {
    return Status::Usage(
        fmt::format("{} (give a gazetteer with --gazetteer FILE; format: "
                    "data/gazetteer/README.md)",
                    text.status().message()));
  }
  return Parse(*text, path);
}

Result<Gazetteer> Gazetteer::Parse(std::string_view csv, std::string_view name) {
  size_t bad = 0;
  if (!Utf8Valid(csv, &bad)) {
    return Status::Usage(
        fmt::format("{}: invalid UTF-8 at byte {} (save the gazetteer as UTF-8)", name, bad));
  }
  std::vector<std::pair<int64_t, std::vector<std::string>>> rows;
  KARTA_RETURN_IF_ERROR(SplitCsv(csv, name, &rows));
  if (rows.empty()) {
    return Status::Usage(
        fmt::format("{}: empty gazetteer (a header and rows are needed; "
                    "see data/gazetteer/README.md)",
                    name));
  }
  const auto& header = rows.front().second;
  std::unordered_map<std::string, size_t> col;
  for (size_t i = 0; i < header.size(); ++i) col.emplace(header[i], i);
  static const char* kRequired[] = {"name",      "kind", "place", "kommun",
                                    "kommunkod", "lat",  "lon",   "context"};
  for (const char* r : kRequired) {
    if (!col.count(r)) {
      return Status::Usage(fmt::format(
          "{}:1: no column '{}' (a gazetteer needs name,kind,place,kommun,kommunkod,lat,lon,"
          "context; see data/gazetteer/README.md)",
          name, r));
    }
  }
  auto get = [&](const std::vector<std::string>& f, const char* c) -> const std::string& {
    static const std::string kEmpty;
    auto it = col.find(c);
    if (it == col.end() || it->second >= f.size()) return kEmpty;
    return f[it->second];
  };
  Gazetteer g;
  for (size_t r = 1; r < rows.size(); ++r) {
    const auto& [line, f] = rows[r];
    auto bad_row = [&, line = line](std::string what) {
      return Status::Usage(fmt::format("{}:{}: {}", name, line, what));
    };
    if (f.size() != header.size()) {
      return bad_row(fmt::format("{} fields, the header has {}", f.size(), header.size()));
    }
    GazEntry e;
    e.name = get(f, "name");
    e.place = get(f, "place");
    e.kommun = get(f, "kommun");
    e.kommunkod = get(f, "kommunkod");
    e.lat = get(f, "lat");
    e.lon = get(f, "lon");
    e.source = get(f, "source");
    if (e.name.empty()) return bad_row("empty name");
    if (e.place.empty()) return bad_row(fmt::format("'{}': empty place", e.name));
    if (!ParsePlaceKind(get(f, "kind"), &e.kind)) {
      return bad_row(
          fmt::format("'{}': unknown kind '{}' (kommun, area, town, district, station or street)",
                      e.name, get(f, "kind")));
    }
    if (!ParsePlaceContext(get(f, "context"), &e.context)) {
      return bad_row(fmt::format("'{}': unknown context '{}' (any, evidence or strict)", e.name,
                                 get(f, "context")));
    }
    // A county-level area (Norrort) carries the county's 2-digit code.
    bool county = e.kind == PlaceKind::kArea && e.kommunkod.size() == 2;
    bool code_ok = e.kommunkod.size() == 4 || county;
    for (char c : e.kommunkod) code_ok = code_ok && c >= '0' && c <= '9';
    if (!code_ok) {
      return bad_row(fmt::format(
          "'{}': kommunkod '{}' is not a 4-digit SCB code (or, for a county-wide area, the "
          "county's 2 digits)",
          e.name, e.kommunkod));
    }
    if (!ParseCoord(e.lat, -90, 90) || !ParseCoord(e.lon, -180, 180)) {
      return bad_row(fmt::format("'{}': bad coordinates '{}','{}' (decimal degrees, WGS84)", e.name,
                                 e.lat, e.lon));
    }
    const std::string& pop = get(f, "population");
    if (!pop.empty()) {
      auto [p, ec] = std::from_chars(pop.data(), pop.data() + pop.size(), e.population);
      if (ec != std::errc() || p != pop.data() + pop.size() || e.population < 0) {
        return bad_row(fmt::format("'{}': population '{}' is not a whole number", e.name, pop));
      }
    }
    g.entries_.push_back(std::move(e));
  }
  if (g.entries_.empty()) {
    return Status::Usage(fmt::format("{}: the gazetteer has no rows", name));
  }
  return g;
}

std::string DefaultGazetteerPath() {
  if (const char* env = std::getenv("KARTA_GAZETTEER"); env && *env) return env;
  std::string found = FindData("data/gazetteer/gazetteer.csv");
  // Not found: the name still says what was looked for in the message.
  return found.empty() ? "share/karta/data/gazetteer/gazetteer.csv (not found beside karta; "
                         "set KARTA_DATA_DIR or give --gazetteer)"
                       : found;
}

}  // namespace karta
