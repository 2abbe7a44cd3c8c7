#include "lib/export.h"

#include <fmt/format.h>

#include <algorithm>

#include "lib/suppress.h"

namespace karta {

Status ExportAggregator::Begin(const Header& h) {
  kommun_ = h.Find("kommun");
  if (!kommun_ && !h.empty()) {
    return Status::Usage("export needs a 'kommun' column (run karta geotag first)");
  }
  kommunkod_ = h.Find("kommunkod");
  cluster_ = h.Find("cluster");
  young_ = h.Find("young");
  under18_ = h.Find("under18");
  posted_ = h.Find("posted_at");
  lat_ = h.Find("lat");
  lon_ = h.Find("lon");
  return Status::Ok();
}

Status ExportAggregator::Push(Record& r) {
  ++records_;
  auto cell = [&](const std::optional<size_t>& c) -> std::string_view {
    return c && *c < r.fields.size() ? std::string_view(r.fields[*c]) : std::string_view();
  };
  std::string kommun(cell(kommun_));
  if (kommun.empty()) kommun = "(no kommun)";
  std::string week;
  std::string_view posted = cell(posted_);
  if (!posted.empty()) {
    if (first_.empty() || posted < first_) first_ = std::string(posted);
    if (last_.empty() || posted > last_) last_ = std::string(posted);
    if (auto d = ParseLocalDay(posted, TimeZone::Default()))
      week = BucketLabel(BucketOf(*d, TimeUnit::kWeek), TimeUnit::kWeek);
  }
  if (week.empty()) week = "(no date)";
  for (Counts* c : {&kommuner_[kommun], &weeks_[week], &all_}) {
    ++c->ads;
    if (cell(young_) == "1") ++c->young;
    if (cell(under18_) == "1") ++c->under18;
    if (!cell(cluster_).empty()) c->clusters.insert(std::string(cell(cluster_)));
    if (c->code.empty()) c->code = std::string(cell(kommunkod_));
    auto la = ParseNumber(cell(lat_)), lo = ParseNumber(cell(lon_));
    if (la && lo) {
      c->lat += *la;
      c->lon += *lo;
      ++c->located;
    }
  }
  return Status::Ok();
}

Table ExportAggregator::Make(const std::map<std::string, Counts>& groups, const std::string& key,
                             bool by_count) const {
  Table t;
  bool code = key == "kommun" && kommunkod_.has_value();
  t.columns.push_back(key);
  if (code) t.columns.push_back("kommunkod");
  t.columns.push_back("ads");
  if (cluster_) t.columns.push_back("advertisers_distinct");
  if (young_) t.columns.push_back("young");
  if (under18_) t.columns.push_back("under18");
  for (const std::string& c : t.columns) t.numeric.push_back(c != key && c != "kommunkod");
  std::vector<const std::pair<const std::string, Counts>*> order;
  for (const auto& g : groups) order.push_back(&g);
  if (by_count) {
    std::stable_sort(order.begin(), order.end(),
                     [](auto* a, auto* b) { return a->second.ads > b->second.ads; });
  }
  auto row = [&](const std::string& label, const Counts& c) {
    std::vector<std::string> r = {label};
    if (code) r.push_back(label == "total" ? "" : c.code);
    r.push_back(std::to_string(c.ads));
    if (cluster_) r.push_back(std::to_string(c.clusters.size()));
    if (young_) r.push_back(std::to_string(c.young));
    if (under18_) r.push_back(std::to_string(c.under18));
    t.rows.push_back(std::move(r));
  };
  for (auto* g : order) row(g->first, g->second);
  row("total", all_);
  t.totals = true;
  return t;
}

Table ExportAggregator::ByKommun() const { return Make(kommuner_, "kommun", true); }
Table ExportAggregator::ByWeek() const { return Make(weeks_, "week", false); }

std::string ExportAggregator::GeoJson(const Table& by_kommun) const {
  std::string out = "{\"type\":\"FeatureCollection\",\"features\":[";
  bool first = true;
  for (const auto& row : by_kommun.rows) {
    auto it = kommuner_.find(row[0]);
    if (it == kommuner_.end() || it->second.located == 0) continue;
    // A kommun whose ad count is hidden gets no point: its mean position
    // could be one ad's place.
    if (by_kommun.columns.size() > 2 && std::find(row.begin(), row.end(), kHidden) != row.end() &&
        row[by_kommun.columns[1] == "kommunkod" ? 2 : 1] == kHidden) {
      continue;
    }
    const Counts& c = it->second;
    double lat = c.lat / static_cast<double>(c.located),
           lon = c.lon / static_cast<double>(c.located);
    out += first ? "\n" : ",\n";
    first = false;
    out += fmt::format(
        "{{\"type\":\"Feature\",\"geometry\":{{\"type\":\"Point\",\"coordinates\":[{},{}]}},"
        "\"properties\":{{",
        FormatNumber(lon, 4), FormatNumber(lat, 4));
    for (size_t k = 0; k < by_kommun.columns.size() && k < row.size(); ++k) {
      if (k) out += ",";
      out += "\"" + by_kommun.columns[k] + "\":";
      bool num = by_kommun.numeric[k];
      if (row[k] == kHidden) {
        out += "null";
      } else if (num) {
        out += row[k];
      } else {
        std::string s = "\"";
        for (char ch : row[k]) {
          if (ch == '"' || ch == '\\') s.push_back('\\');
          s.push_back(ch);
        }
        out += s + "\"";
      }
    }
    out += "}}";
  }
  out += "\n]}\n";
  return out;
}

const std::vector<std::string>& RecordExportColumns() {
  static const std::vector<std::string> cols = {
      "site",  "posted_at", "kommun", "kommunkod", "cluster", "cluster_size", "ages",
      "young", "under18",   "prices", "phones",    "emails",  "handles"};
  return cols;
}

}  // namespace karta
