// Gazetteer: the place names karta geotag looks for, loaded from a CSV file.
//
// The file format (documented for partners in data/gazetteer/README.md) is
// CSV with a header holding at least these columns, in any order:
//
//   name       the form to look for in text ("Söder", "Sumpan", "Kista")
//   kind       kommun | area | town | district | station | street (least to
//              most specific; street covers streets, squares and parks)
//   place      the canonical place the name stands for ("Södermalm")
//   kommun     the kommun's name
//   kommunkod  the 4-digit SCB municipality code ("0180"); an area that
//              spans several kommuner of a county (Norrort) has the county's
//              2 digits ("01") and an empty kommun
//   lat, lon   WGS84 decimal degrees
//   context    any | evidence | strict: how much context a match needs
//              (evidence: a preposition such as "i", "på", "nära", a station
//              word, or a capital letter inside a sentence; strict: a capital
//              letter and a preposition or station word; see lib/geotag.h)
// and optionally `population` (for choosing between places of one name) and
// `source` (where the row comes from). Other columns are ignored.
//
// Load() checks every row and reports the first bad one as FILE:LINE, as a
// usage error (a bad gazetteer is a bad config file: exit 2).
//
// Thread-safety: a loaded Gazetteer is immutable and may be shared.
#ifndef KARTA_LIB_GAZETTEER_H_
#define KARTA_LIB_GAZETTEER_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "lib/status.h"

namespace karta {

enum class PlaceKind {
  kKommun = 1,
  kArea = 2,
  kTown = 3,
  kDistrict = 4,
  kStation = 5,
  kStreet = 6
};
enum class PlaceContext { kAny, kEvidence, kStrict };

struct GazEntry {
  std::string name;
  PlaceKind kind = PlaceKind::kTown;
  std::string place;
  std::string kommun;
  std::string kommunkod;
  std::string lat;  // as written in the file, so output keeps its precision
  std::string lon;
  int64_t population = 0;
  PlaceContext context = PlaceContext::kAny;
  std::string source;
};

class Gazetteer {
 public:
  // Reads and checks the gazetteer at `path`.
  static Result<Gazetteer> Load(const std::string& path);
  // Parses gazetteer CSV held in memory; `name` is used in messages.
  static Result<Gazetteer> Parse(std::string_view csv, std::string_view name);

  const std::vector<GazEntry>& entries() const { return entries_; }
  size_t size() const { return entries_.size(); }

 private:
  std::vector<GazEntry> entries_;
};

// The gazetteer used when --gazetteer is not given: $KARTA_GAZETTEER if set,
// else data/gazetteer/gazetteer.csv under karta's data roots (lib/datadir.h:
// share/karta beside an installed binary, or the tree of a build directory).
std::string DefaultGazetteerPath();

// Parses "kommun", "area", ... ; false if unknown.
bool ParsePlaceKind(std::string_view s, PlaceKind* kind);
bool ParsePlaceContext(std::string_view s, PlaceContext* context);

}  // namespace karta

#endif  // KARTA_LIB_GAZETTEER_H_
