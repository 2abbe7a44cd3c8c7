// karta report: the numbers and the map that staff show to colleagues.
//
// Reads CSV (the output of geotag and dedupe: kommun, kommunkod, place, lat,
// lon, cluster, posted_at, young, under18; every column optional) and writes
// one self-contained HTML file (-o) with headline figures, a weekly trend,
// a table and bar chart per kommun and per place, and a Leaflet map with a
// circle per place; and/or GeoJSON points with counts (--geojson) for QGIS;
// and/or the report's tables as an Excel workbook (--xlsx).
// Only counts leave the tool; counts below --min-count are shown as "<3".
#include "lib/report.h"

#include <fmt/format.h>
#include <sys/stat.h>

#include <ctime>

#include "lib/audit.h"
#include "lib/dates.h"
#include "lib/io.h"
#include "tools/tools.h"

namespace karta {
namespace {

constexpr const char* kHelp = R"(
The report is one HTML file that opens offline in any browser: Leaflet (the
map library) is inlined, and no background map is fetched unless --tiles is
given, because tile requests would tell a map server which area the unit
looks at. It shows only counts: never phone numbers, e-mail addresses,
handles or ad texts. Counts from 1 to --min-count - 1 are shown as "<3"
(with the default 3) in tables, charts, the map and the GeoJSON, so that no
one can be singled out in a report that is passed around.

Columns used (all optional; what is missing is left out of the report):
  kommun, kommunkod, place, lat, lon (karta geotag), cluster (karta dedupe),
  posted_at (RFC 3339), young, under18 (karta extract; 1/true/yes/ja = set).

Examples:
  karta report -o report.html ads.csv
  karta geotag --region stockholm ads.csv | karta dedupe | karta report -o vecka10.html
  karta report --geojson places.geojson ads.csv        points for QGIS
  karta report --xlsx tabeller.xlsx -o report.html ads.csv   the tables for Excel
  karta report --min-count 5 -o report.html ads.csv    suppress counts below 5
  karta report --tiles 'https://tile.openstreetmap.org/{z}/{x}/{y}.png' \
    --tiles-attribution '© OpenStreetMap contributors' -o report.html ads.csv
)";

Result<std::string> ReadFile(const std::string& path) {
  auto text = ReadFileToString(path);
  if (!text.ok()) {
    return Status::Io(fmt::format("{}: cannot read (is it Leaflet's dist directory?)", path));
  }
  return text;
}

class Report : public Tool {
 public:
  void AddOptions(CLI::App* app) override {
    app->add_option("--geojson", geojson_, "Also write GeoJSON points with counts to FILE")
        ->type_name("FILE");
    app->add_option("--xlsx", xlsx_,
                    "Also write the report's tables as an Excel workbook (.xlsx) to FILE")
        ->type_name("FILE");
    app->add_option("--title", opts_.title, "Title of the report")->type_name("TEXT");
    app->add_option("--min-count", opts_.min_count,
                    "Show counts below N as \"<N\" (default 3; 1 shows every count)")
        ->type_name("N")
        ->check(CLI::Range(1, 1000));
    app->add_option("--tiles", opts_.tiles,
                    "Background map tiles from this URL template ({z}/{x}/{y}); off by default")
        ->type_name("URL");
    app->add_option("--tiles-attribution", opts_.tiles_attribution,
                    "Attribution the tile provider requires")
        ->type_name("TEXT");
    app->add_option("--region", region_prefix_,
                    "kommunkod prefix of the region for the share figure (default 01, "
                    "Stockholm county)")
        ->type_name("PREFIX");
    app->add_option("--region-name", opts_.region_name, "Name of that region")->type_name("TEXT");
    app->add_option("--source", opts_.source,
                    "The data source shown on the page (default: the routine and input files)")
        ->type_name("TEXT");
    app->add_option("--created", opts_.created,
                    "The creation time shown on the page (default: now, UTC)")
        ->type_name("TIME");
    app->add_option("--tz", tz_, kTzHelp)->type_name("ZONE");
    app->add_option("--assets", assets_,
                    "Read leaflet.js and leaflet.css from DIR instead of the built-in copy")
        ->type_name("DIR");
  }

  // Checks the options, then collects what it is given and writes the
  // report to -o (and --geojson) at the end (ReportStage).
  Result<std::unique_ptr<Stage>> MakeStage(const ToolEnv& env) override {
    if (!opts_.tiles.empty()) {
      const std::string& t = opts_.tiles;
      bool web = t.rfind("https://", 0) == 0 || t.rfind("http://", 0) == 0;
      if (!web || t.find("{z}") == std::string::npos || t.find("{x}") == std::string::npos ||
          t.find("{y}") == std::string::npos) {
        return Status::Usage(fmt::format(
            "--tiles {}: not a tile URL template (https://…/{{z}}/{{x}}/{{y}}.png)", t));
      }
    }
    if (opts_.created.empty()) opts_.created = Rfc3339Utc(std::time(nullptr));
    if (opts_.source.empty()) opts_.source = env.input_label;
    if (opts_.source.empty()) {
      for (const std::string& in : env.common.inputs) {
        opts_.source += (opts_.source.empty() ? "" : ", ") + in;
      }
      if (opts_.source.empty()) opts_.source = "standard input";
    }
    bool html = !(env.common.output == "-" && (!geojson_.empty() || !xlsx_.empty()));
    if (html) KARTA_RETURN_IF_ERROR(LoadLeaflet());
    auto tz = TimeZone::Load(tz_);
    if (!tz.ok()) return tz.status().WithPrefix("--tz");
    return std::unique_ptr<Stage>(new ReportStage(this, env, region_prefix_, *tz, html));
  }

 private:
  std::string tz_;
  Status LoadLeaflet() {
    std::string dir = assets_;
    if (dir.empty() && !kLeafletJs.empty()) {
      opts_.leaflet_js = std::string(kLeafletJs);
      opts_.leaflet_css = std::string(kLeafletCss);
      opts_.leaflet_version = std::string(kLeafletVersion);
      return Status::Ok();
    }
    if (dir.empty()) {
      // Configuring fails without Leaflet (cmake/parts/report.cmake), so
      // this is a karta built some other way.
      return Status::Usage(
          "Leaflet is not built into this karta: run 'npm ci' in the source tree and "
          "rebuild, or give --assets node_modules/leaflet/dist");
    }
    auto js = ReadFile(dir + "/leaflet.js");
    if (!js.ok()) return js.status();
    auto css = ReadFile(dir + "/leaflet.css");
    if (!css.ok()) return css.status();
    opts_.leaflet_js = std::move(*js);
    opts_.leaflet_css = std::move(*css);
    if (auto p = opts_.leaflet_js.find("\n//# sourceMappingURL="); p != std::string::npos) {
      opts_.leaflet_js.resize(p);
    }
    if (opts_.leaflet_js.find("</script") != std::string::npos ||
        opts_.leaflet_css.find("</style") != std::string::npos) {
      return Status::Usage(fmt::format("{}: these files cannot be inlined in HTML", dir));
    }
    opts_.leaflet_version = "Leaflet";
    return Status::Ok();
  }

  std::string geojson_;
  std::string xlsx_;
  std::string assets_;
  std::string region_prefix_ = "01";
  ReportOptions opts_;

  // Collects the records it is given; at the end writes the report to -o
  // and the GeoJSON to --geojson.
  class ReportStage : public OutputStage {
   public:
    ReportStage(const Report* r, ToolEnv env, const std::string& region, const TimeZone& tz,
                bool html)
        : r_(r), env_(std::move(env)), builder_(region, tz), html_(html) {}
    Status Begin(const Header& header) override {
      empty_input_ = header.empty();
      return empty_input_ ? Status::Ok() : builder_.Begin(header);
    }
    Status Push(Record& record) override { return builder_.Push(record); }
    Status End() override {
      if (empty_input_) return EmptyInputStatus();
      KARTA_RETURN_IF_ERROR(builder_.End());
      if (std::string missing = builder_.MissingColumns(); !missing.empty()) {
        env_.Warn(
            fmt::format("the input has no {}; those parts of the report are left out", missing));
      }
      if (!r_->geojson_.empty()) {
        KARTA_ASSIGN_OR_RETURN(auto out, OutputFile::Open(r_->geojson_));
        KARTA_RETURN_IF_ERROR(out->Write(builder_.GeoJson(r_->opts_)));
        KARTA_RETURN_IF_ERROR(out->Commit());
      }
      if (!r_->xlsx_.empty()) {
        auto bytes = builder_.Xlsx(r_->opts_);
        if (!bytes.ok()) return bytes.status().WithPrefix(r_->xlsx_);
        KARTA_ASSIGN_OR_RETURN(auto out, OutputFile::Open(r_->xlsx_));
        KARTA_RETURN_IF_ERROR(out->Write(*bytes));
        KARTA_RETURN_IF_ERROR(out->Commit());
      }
      if (html_) {
        KARTA_ASSIGN_OR_RETURN(auto out, OutputFile::Open(env_.common.output));
        KARTA_RETURN_IF_ERROR(out->Write(builder_.Html(r_->opts_)));
        KARTA_RETURN_IF_ERROR(out->Commit());
      }
      return Status::Ok();
    }
    Status Interrupted(int64_t records) override {
      return Status::Interrupted(
          fmt::format("interrupted after {} records; no report written", records));
    }

   private:
    const Report* r_;
    ToolEnv env_;
    ReportBuilder builder_;
    bool html_;
    bool empty_input_ = true;
  };
};

}  // namespace

ToolInfo ReportTool() {
  return {"report",
          "A self-contained HTML report (tables, charts, map) and GeoJSON for QGIS",
          kHelp,
          kInput | kOutput,
          [] { return std::unique_ptr<Tool>(new Report()); },
          ToolRole::kSink};
}

}  // namespace karta
