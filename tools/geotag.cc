// karta geotag: place mentions -> place, kommun, kommunkod, coordinates.
//
// Reads CSV (or plain lines with --text) and writes it back with seven
// columns appended (or overwritten in place on a second run):
//   place, kommun, kommunkod, lat, lon, geo_score, geo_mentions
// using a gazetteer (data/gazetteer/gazetteer.csv by default; --gazetteer
// FILE for another region's, format in data/gazetteer/README.md). With
// --region it keeps only records placed in the region. The matching and the
// rules that settle ambiguous names are in lib/geotag.h.
#include "lib/geotag.h"

#include <fmt/format.h>

#include <cmath>

#include "lib/gazetteer.h"
#include "lib/pieces.h"
#include "tools/tools.h"

namespace karta {
namespace {

constexpr const char* kHelp = R"(
Looks for place names in the text fields (default: title and text, those
that exist) and in a site's structured location field (--location-field),
and appends:
  place         the most specific place named ("Medborgarplatsen")
  kommun        its kommun ("Stockholm")
  kommunkod     the SCB code ("0180"; Stockholm county is 01xx)
  lat, lon      WGS84 coordinates of the place
  geo_score     0-1: how sure (lower when mentions conflict or are weak)
  geo_mentions  every place named, ';'-separated
All empty when no place is named.

Names match whatever the case and diacritics ("SODERMALM", "södermalm"),
across hyphens ("Rinkeby-Kista"), with genitive -s ("Solnas") and compound
endings ("Kistaområdet"). Words that are also ordinary words need context:
"Kista", "Alby", "Söder" count after i/på/nära/vid/in/near, next to
"station"/"T-bana"/"centrum", or capitalised inside a sentence; "Bro" and
"Handen" need both a capital and such a word ("i Handen", not "i handen").
"söder om" (south of) is never Södermalm. Long names also match one edit
away when the context says place ("på Kungsholmn"). The most specific
place wins over its kommun (street > station > district > town > area >
kommun); a bare "Stockholm" or "Norrort" yields to another place in the
county. Norrort is county-wide: kommunkod 01, kommun empty.

The default gazetteer has Stockholm county and Skåne in detail (streets,
every station, Malmö's districts) and the rest of Sweden coarsely;
data/gazetteer/sweden.csv has every locality in the country.

--region keeps only records placed in the region: a county name
(stockholm, uppsala, skane, ...) or kommunkod prefixes (01 = Stockholm
county, 0180 = Stockholm kommun), comma-separated.

Examples:
  karta geotag ads.csv                                  tag title and text
  karta geotag --location-field location_field ads.csv  use the site's field too
  karta geotag --region stockholm ads.csv               only Stockholm county
  karta geotag --region 0180,0184 ads.csv               Stockholm and Solna
  karta geotag --field text --text notes.txt            plain lines
  karta geotag --region skane ads.csv                   Skåne: Möllan, Hyllie...
  karta geotag --gazetteer data/gazetteer/sweden.csv ads.csv   all of Sweden
  karta geotag --gazetteer malmo.csv --region 1280 ads.csv   another city
  karta filter --where ad ads.csv | karta geotag --region stockholm \
    | karta tabulate --by kommun
)";

// geo_score with two decimals, as fmt's "{:.2f}" writes it: scores in
// [0, 1] away from a rounding tie are rounded here (fmt's float formatting
// is a visible share of the time); a tie or anything else goes to fmt.
std::string_view FormatScore(double v, char (&buf)[32]) {
  double x = v * 100;
  if (v >= 0 && v <= 1 && std::abs(x - std::floor(x) - 0.5) > 1e-6) {
    int c = static_cast<int>(std::floor(x + 0.5));  // 0..100
    buf[0] = static_cast<char>('0' + c / 100);
    buf[1] = '.';
    buf[2] = static_cast<char>('0' + c / 10 % 10);
    buf[3] = static_cast<char>('0' + c % 10);
    return std::string_view(buf, 4);
  }
  auto end = fmt::format_to_n(buf, sizeof buf, "{:.2f}", v).out;
  return std::string_view(buf, static_cast<size_t>(end - buf));
}

class GeotagStage : public Stage {
 public:
  GeotagStage(std::shared_ptr<Gazetteer> gaz, std::vector<std::string> fields, bool fields_given,
              std::string location_field, std::vector<std::string> region)
      : gaz_(std::move(gaz)),
        tagger_(gaz_.get()),
        fields_(std::move(fields)),
        fields_given_(fields_given),
        location_field_(std::move(location_field)),
        region_(std::move(region)) {}

  Status Begin(const Header& in) override {
    if (in.empty()) return next_->Begin(in);
    Header h = in;
    for (const std::string& f : fields_) {
      if (fields_given_) {
        KARTA_ASSIGN_OR_RETURN(auto i, RequireColumn(in, f, "name text columns with --field"));
        text_cols_.push_back(i);
      } else if (auto i = in.Find(f)) {
        text_cols_.push_back(*i);
      }
    }
    if (!location_field_.empty()) {
      KARTA_ASSIGN_OR_RETURN(
          auto i,
          RequireColumn(in, location_field_, "--location-field names the site's location column"));
      loc_col_ = static_cast<int>(i);
    }
    if (text_cols_.empty() && loc_col_ < 0) {
      return RequireColumn(in, "text",
                           "geotag reads title and text by default; name others with --field")
          .status();
    }
    for (const char* name :
         {"place", "kommun", "kommunkod", "lat", "lon", "geo_score", "geo_mentions"}) {
      out_cols_.push_back(h.AddOrGet(name));
    }
    width_ = h.size();
    return next_->Begin(h);
  }

  Status Push(Record& rec) override {
    scan_.Clear();
    // A large field is scanned piece by piece: the matcher's memory is a
    // multiple of what it scans (lib/pieces.h).
    auto scan = [&](std::string_view text, bool location) {
      for (std::string_view rest = text, p; !(p = NextPiece(&rest, kPieceBytes)).empty();) {
        tagger_.Scan(p, location, &scan_);
      }
    };
    if (loc_col_ >= 0) scan(rec.fields[static_cast<size_t>(loc_col_)], true);
    for (size_t c : text_cols_) scan(rec.fields[c], false);
    tagger_.Resolve(scan_, &result_);
    const GeoResult& r = result_;
    if (!region_.empty() && (!r.entry || !InRegion(r.entry->kommunkod, region_)))
      return Status::Ok();
    rec.fields.resize(width_);
    // Assigned in place: a cell keeps its buffer from record to record.
    auto set = [&](size_t k, std::string_view v) { rec.fields[out_cols_[k]].assign(v); };
    if (r.entry) {
      set(0, r.entry->place);
      set(1, r.entry->kommun);
      set(2, r.entry->kommunkod);
      set(3, r.entry->lat);
      set(4, r.entry->lon);
      char score[32];
      set(5, FormatScore(r.score, score));
      std::string& m = rec.fields[out_cols_[6]];
      m.clear();
      for (std::string_view p : r.mentions) {
        if (!m.empty()) m += ';';
        m += p;
      }
    } else {
      for (size_t k = 0; k < 7; ++k) set(k, "");
    }
    return next_->Push(rec);
  }

  Status End() override { return next_->End(); }

 private:
  std::shared_ptr<Gazetteer> gaz_;
  Geotagger tagger_;
  std::vector<std::string> fields_;
  bool fields_given_;
  std::string location_field_;
  std::vector<std::string> region_;
  std::vector<size_t> text_cols_;
  int loc_col_ = -1;
  std::vector<size_t> out_cols_;
  size_t width_ = 0;
  GeoScan scan_;
  GeoResult result_;  // reused from record to record
};

class Geotag : public Tool {
 public:
  void AddOptions(CLI::App* app) override {
    app->add_option("--field,-f", fields_,
                    "Text columns to search (repeat or comma-separate; default: title,text)")
        ->delimiter(',')
        ->allow_extra_args(false);
    app->add_option("--location-field,-l", location_field_,
                    "The site's structured location column, searched first and trusted most");
    app->add_option(
        "--region", region_,
        "Keep only records placed here: county name (stockholm) or kommunkod prefixes (01,0380)");
    app->add_option("--gazetteer,-g", gazetteer_,
                    "Gazetteer CSV (default: data/gazetteer/gazetteer.csv; format in its README)");
  }

  Result<std::unique_ptr<Stage>> MakeStage(const ToolEnv& env) override {
    std::vector<std::string> region;
    if (!region_.empty()) {
      KARTA_ASSIGN_OR_RETURN(auto r, ParseRegion(region_));
      region = std::move(r);
    }
    KARTA_ASSIGN_OR_RETURN(
        auto gaz, Gazetteer::Load(gazetteer_.empty() ? DefaultGazetteerPath() : gazetteer_));
    bool given = !fields_.empty();
    std::vector<std::string> fields = given ? fields_ : std::vector<std::string>{"title", "text"};
    return std::unique_ptr<Stage>(new GeotagStage(std::make_shared<Gazetteer>(std::move(gaz)),
                                                  std::move(fields), given, location_field_,
                                                  std::move(region)));
  }

 private:
  std::vector<std::string> fields_;
  std::string location_field_;
  std::string region_;
  std::string gazetteer_;
};

}  // namespace

ToolInfo GeotagTool() {
  return {"geotag", "Place mentions to place, kommun, kommunkod and coordinates; region filter",
          kHelp, kInputOutput, [] { return std::unique_ptr<Tool>(new Geotag()); }};
}

}  // namespace karta
