// Report: the self-contained HTML report and the GeoJSON that staff show to
// colleagues and management: how much, where, and how it changes.
//
// A ReportBuilder is a RecordSink over the output of the pipeline (geotag
// and dedupe columns; every column is optional and its part of the report is
// left out when missing):
//   kommun, kommunkod, place, lat, lon   where (geotag)
//   cluster                              who: distinct clusters = advertisers (dedupe)
//   posted_at                            when (RFC 3339), for the weekly trend
//   young, under18                       flags (extract): 1/true/yes/ja count as set
// It keeps counts only, never a row: the report cannot show a phone number,
// an e-mail address, a handle or an ad text, because it never holds one.
//
// Small counts are suppressed with lib/suppress (one module for tabulate,
// export and the report): a count n with 0 < n < min_count is shown as
// "<min_count" in the HTML and as null in the GeoJSON (with a text field
// saying "<3"); the other counts of such a row, and counts that the totals
// would let a reader work a hidden one out from, are shown as "..". Charts
// draw a hidden count as a pale bar of a fixed height, so that no individual
// can be singled out in a shared report. The page says when it was made,
// from what (opts.source, the sites seen) and what each figure means; it
// leaves the share-in-region figure out when every ad is in the region.
// Tables() gives the same tables, suppressed the same way, for a workbook.
//
// Html() returns one HTML file with Leaflet's JS and CSS inlined (no network
// is needed to open it) and no background map tiles unless opts.tiles is set
// (tile requests would tell a third party which area the unit looks at).
// The page's script sets data-render="ok" on <body> once the map is drawn;
// any script error is written into an element with id "render-error".
//
// Thread-safety: one builder per thread; the functions are pure.
#ifndef KARTA_LIB_REPORT_H_
#define KARTA_LIB_REPORT_H_

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "lib/dates.h"
#include "lib/record.h"
#include "lib/status.h"
#include "lib/xlsx.h"

namespace karta {

// Leaflet embedded at build time (cmake/parts/report.cmake); empty when
// node_modules/leaflet was missing at build time.
extern const std::string_view kLeafletJs;
extern const std::string_view kLeafletCss;
extern const std::string_view kLeafletVersion;  // "Leaflet 1.9.4"

struct ReportOptions {
  std::string title = "Annonser: omfattning, platser och trend";
  int min_count = 3;
  std::string tiles;              // a tile URL template ({z}/{x}/{y}); empty: no tiles
  std::string tiles_attribution;  // shown on the map when tiles are on
  std::string region_name = "Stockholms län";
  std::string leaflet_js;  // Leaflet to inline
  std::string leaflet_css;
  std::string leaflet_version;
  std::string generated;  // shown in the footer, e.g. the date; may be empty
  std::string created;    // creation time, shown under "Underlag och definitioner"
  std::string source;     // the data source: routine, inputs (shown there too)
};

class ReportBuilder : public RecordSink {
 public:
  // `region_prefix`: kommunkod prefix of the region counted as "in region";
  // `tz`: of posted_at times without a zone, and of the weeks.
  explicit ReportBuilder(std::string region_prefix = "01", TimeZone tz = TimeZone::Default());
  ~ReportBuilder() override;

  Status Begin(const Header& header) override;
  Status Push(Record& record) override;
  Status End() override { return Status::Ok(); }

  // Columns the report uses that the input lacks (for a warning).
  std::string MissingColumns() const;

  std::string Html(const ReportOptions& opts) const;
  // RFC 7946 FeatureCollection: one Point per place with coordinates.
  std::string GeoJson(const ReportOptions& opts) const;

  // The page's tables as worksheets, in the page's order and suppressed the
  // same way ("<3" and ".." are text cells, counts are numbers, codes are
  // text): Översikt (the headline figures), Per vecka, Per kommun, Per plats
  // (those the input has columns for), and Underlag och definitioner (the
  // creation time, the data source and what each figure means).
  std::vector<XlsxSheet> Tables(const ReportOptions& opts) const;
  // Tables() as one .xlsx workbook's bytes (write them with OutputFile).
  Result<std::string> Xlsx(const ReportOptions& opts) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// "<3" for 0 < n < min_count, else the number.
std::string Suppressed(int64_t n, int min_count);

// Escapes text for HTML element content and attribute values.
std::string HtmlEscape(std::string_view s);

}  // namespace karta

#endif  // KARTA_LIB_REPORT_H_
