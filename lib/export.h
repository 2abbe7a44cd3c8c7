// Export: what may leave the unit, as a package directory for a partner.
//
// ExportAggregator reads records (after extract, geotag and dedupe) and
// counts, per kommun and per ISO week: ads, advertisers (distinct
// clusters), ads stating an age of 20 or less (young), and ads stating an
// age under 18 (under18). The tables are suppressed with lib/suppress before
// anything is written, and hold no free text, no URLs and no identifiers:
// only kommun names and codes, weeks and counts.
//
// Thread-safety: an ExportAggregator is used by one thread.
#ifndef KARTA_LIB_EXPORT_H_
#define KARTA_LIB_EXPORT_H_

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "lib/record.h"
#include "lib/table.h"

namespace karta {

class ExportAggregator : public RecordSink {
 public:
  Status Begin(const Header& header) override;
  Status Push(Record& record) override;
  Status End() override { return Status::Ok(); }

  // kommun, kommunkod, ads, advertisers, young, under18 (columns present in
  // the input only), biggest first, with a totals row. Unsuppressed.
  Table ByKommun() const;
  // week, ads, advertisers..., in time order, with a totals row.
  Table ByWeek() const;
  // GeoJSON points (the mean position of each kommun's ads) with the cells
  // of `by_kommun` (already suppressed: ".." becomes null plus a text).
  std::string GeoJson(const Table& by_kommun) const;

  int64_t records() const { return records_; }
  // The earliest and latest posted_at seen (RFC 3339 as written), or "".
  const std::string& first() const { return first_; }
  const std::string& last() const { return last_; }
  bool has_cluster() const { return cluster_.has_value(); }
  bool has_young() const { return young_.has_value(); }
  bool has_under18() const { return under18_.has_value(); }

 private:
  struct Counts {
    int64_t ads = 0, young = 0, under18 = 0;
    std::set<std::string> clusters;
    double lat = 0, lon = 0;
    int64_t located = 0;
    std::string code;
  };
  Table Make(const std::map<std::string, Counts>& groups, const std::string& key,
             bool by_count) const;

  std::optional<size_t> kommun_, kommunkod_, cluster_, young_, under18_, posted_, lat_, lon_;
  std::map<std::string, Counts> kommuner_, weeks_;
  Counts all_;
  int64_t records_ = 0;
  std::string first_, last_;
};

// The columns a record-level pseudonymised export keeps (everything else,
// free text, URLs and titles included, is left out).
const std::vector<std::string>& RecordExportColumns();

}  // namespace karta

#endif  // KARTA_LIB_EXPORT_H_
