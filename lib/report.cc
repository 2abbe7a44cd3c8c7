#include "lib/report.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <optional>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "lib/basemap.h"
#include "lib/civil.h"
#include "lib/suppress.h"
#include "lib/table.h"
#include "lib/text.h"
#include "lib/xlsx.h"

namespace karta {
namespace {

struct Counts {
  int64_t ads = 0;
  int64_t young = 0;
  int64_t under18 = 0;
  int64_t in_region = 0;
  std::unordered_set<std::string> clusters;
};

struct Place {
  std::string place, kommun, kommunkod;
  std::optional<double> lat, lon;
  Counts c;
  size_t first = 0;  // order of first appearance
};

bool Truthy(std::string_view s) {
  std::string l;
  for (char ch : s) l.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(ch))));
  return l == "1" || l == "true" || l == "yes" || l == "y" || l == "ja" || l == "x";
}

void Count(Counts* c, const std::string* cluster, bool young, bool under18, bool in_region) {
  ++c->ads;
  if (young) ++c->young;
  if (under18) ++c->under18;
  if (in_region) ++c->in_region;
  if (cluster && !cluster->empty()) c->clusters.insert(*cluster);
}

std::string Percent(int64_t part, int64_t whole) {
  if (whole <= 0) return "–";
  double p = 100.0 * static_cast<double>(part) / static_cast<double>(whole);
  // Swedish style: decimal comma, a space before the per cent sign.
  std::string n = FormatNumber(std::round(p * 10) / 10, 1);
  std::replace(n.begin(), n.end(), '.', ',');
  return n + "\u00a0%";
}

// The shown texts of one row of counts, after suppression.
struct Shown {
  std::string ads, adv, young, under18;
  bool ads_hidden = false, adv_hidden = false, young_hidden = false, under18_hidden = false;
};

// Suppresses rows of counts (ads, advertisers, young, under18) with the one
// suppression module (lib/suppress.h): small counts, the rest of a small row,
// and what totals would reveal. `total` is the total the page also shows
// (the headline), taken as the rows' sum for ads, young and under18. A count
// from 1 to min_count-1 is shown "<min_count", any other hidden count "..".
std::vector<Shown> SuppressCounts(const std::vector<const Counts*>& rows, const Counts* total,
                                  int mc) {
  CountGrid g;
  g.additive = {true, false, true, true};
  g.population = {true, true, false, false};  // young, under18: attributes
  auto add = [&](const Counts* c) {
    g.cells.push_back({c->ads, static_cast<int64_t>(c->clusters.size()), c->young, c->under18});
  };
  for (const Counts* c : rows) add(c);
  if (total) {
    add(total);
    g.total_row = true;
  }
  auto mask = SuppressionMask(g, mc);
  std::vector<Shown> out;
  for (size_t r = 0; r < rows.size(); ++r) {
    auto text = [&](size_t c, bool* hidden) {
      int64_t v = g.cells[r][c];
      *hidden = mask[r][c];
      if (!mask[r][c]) return std::to_string(v);
      return v > 0 && v < mc ? fmt::format("<{}", mc) : std::string(kHidden);
    };
    Shown s;
    s.ads = text(0, &s.ads_hidden);
    s.adv = text(1, &s.adv_hidden);
    s.young = text(2, &s.young_hidden);
    s.under18 = text(3, &s.under18_hidden);
    out.push_back(std::move(s));
  }
  return out;
}

}  // namespace

std::string Suppressed(int64_t n, int min_count) {
  if (n > 0 && n < min_count) return fmt::format("<{}", min_count);
  return std::to_string(n);
}

std::string HtmlEscape(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out.push_back(c);
    }
  }
  return out;
}

static std::string ScriptJson(std::string_view s) { return JsonString(s, /*for_script=*/true); }

namespace {

// The rows of the report's tables in the order the page shows them, with
// their suppressed texts: one computation for the HTML and the workbook.
struct Views {
  std::vector<int64_t> weeks;  // every ISO week from the first to the last
  std::vector<const Counts*> week_counts;
  std::vector<Shown> week_shown;
  std::vector<std::pair<std::string, const Counts*>> kommuns;  // most ads first
  std::vector<Shown> kommun_shown;
  std::vector<const Place*> places;  // most ads first
  std::vector<Shown> place_shown;
  std::string period = "–";         // "2026-W10 – 2026-W12"
  bool filtered_to_region = false;  // every ad is in the region: no share figure
};

}  // namespace

struct ReportBuilder::Impl {
  std::optional<size_t> kommun, kommunkod, place, lat, lon, cluster, posted_at, young, under18;
  std::vector<std::string> missing;
  std::string region_prefix = "01";
  TimeZone tz = TimeZone::Default();
  Counts total;
  int64_t with_kommunkod = 0;
  std::map<std::string, Counts> by_kommun;
  std::map<std::string, std::string> kommunkod_of;
  std::unordered_map<std::string, Place> places;
  std::map<int64_t, Counts> by_week;  // Monday of the ISO week, days since epoch
  int64_t no_time = 0;
  int64_t no_coords = 0;  // ads at a place without coordinates
  std::optional<size_t> site;
  std::map<std::string, int64_t> sites;  // site names (the data source)

  Views MakeViews(int mc) const;
  // The data source: opts.source and the sites seen.
  std::string SourceText(const ReportOptions& opts) const {
    std::string s = opts.source.empty() ? "–" : opts.source;
    std::string names;
    for (const auto& [name, n] : sites) names += (names.empty() ? "" : ", ") + name;
    return names.empty() ? s : s + ". Sajter: " + names;
  }
  // The terms and texts of "Underlag och definitioner" after the creation
  // time and the data source (plain text; the HTML escapes them).
  std::vector<std::pair<std::string, std::string>> Definitions(const ReportOptions& opts,
                                                               const Views& v) const;
};

Views ReportBuilder::Impl::MakeViews(int mc) const {
  Views v;
  if (!by_week.empty()) {
    v.period = BucketLabel(by_week.begin()->first, TimeUnit::kWeek) + " – " +
               BucketLabel(by_week.rbegin()->first, TimeUnit::kWeek);
    static const Counts kNone;
    for (int64_t b = by_week.begin()->first; b <= by_week.rbegin()->first; b += 7) {
      v.weeks.push_back(b);
      auto it = by_week.find(b);
      v.week_counts.push_back(it == by_week.end() ? &kNone : &it->second);
    }
    v.week_shown = SuppressCounts(v.week_counts, &total, mc);
  }
  for (const auto& [k, c] : by_kommun) v.kommuns.emplace_back(k, &c);
  std::stable_sort(v.kommuns.begin(), v.kommuns.end(),
                   [](const auto& a, const auto& b) { return a.second->ads > b.second->ads; });
  std::vector<const Counts*> kc;
  for (const auto& [k, c] : v.kommuns) kc.push_back(c);
  v.kommun_shown = SuppressCounts(kc, &total, mc);
  for (const auto& [k, p] : places) v.places.push_back(&p);
  std::sort(v.places.begin(), v.places.end(), [](const Place* a, const Place* b) {
    if (a->c.ads != b->c.ads) return a->c.ads > b->c.ads;
    if (a->place != b->place) return a->place < b->place;
    return a->kommun < b->kommun;
  });
  std::vector<const Counts*> pc;
  for (const Place* p : v.places) pc.push_back(&p->c);
  v.place_shown = SuppressCounts(pc, &total, mc);
  // The share in the region says nothing when the input was already kept to
  // the region (geotag --region): it would always be 100 %.
  v.filtered_to_region = kommunkod && total.in_region == total.ads;
  return v;
}

std::vector<std::pair<std::string, std::string>> ReportBuilder::Impl::Definitions(
    const ReportOptions& opts, const Views& v) const {
  std::vector<std::pair<std::string, std::string>> d;
  d.emplace_back("Period",
                 fmt::format("ISO-veckorna {} (annonsernas publiceringstid, posted_at)", v.period));
  d.emplace_back("Annonser",
                 "Annonser (poster) som rutinen behöll efter sina filter; en annons som lagts "
                 "upp igen räknas varje gång den setts.");
  if (cluster) {
    d.emplace_back("Annonsörer (kluster)",
                   "Antal olika kluster från karta dedupe: annonser med nästan samma text eller "
                   "samma kontaktuppgift (telefon, e-post, användarnamn) räknas som en "
                   "annonsör.");
  }
  if (young) {
    d.emplace_back("Unga",
                   "Annonser där en angiven ålder är 20 år eller lägre (karta extract, "
                   "kolumnen young).");
  }
  if (under18) {
    d.emplace_back("Under 18",
                   "Annonser där en angiven ålder är under 18 år (kolumnen "
                   "under18). Sådana annonser ska alltid följas upp.");
  }
  if (kommunkod && !v.filtered_to_region) {
    d.emplace_back(fmt::format("Andel i {}", opts.region_name),
                   fmt::format("Andelen annonser vars plats ligger i {} (kommunkod som börjar "
                               "på {}).",
                               opts.region_name, region_prefix));
  }
  d.emplace_back("Kommun, plats",
                 "Platsnamn i annonsen, kopplade till kommun med "
                 "ortnamnsregistret (karta geotag).");
  const int mc = opts.min_count;
  d.emplace_back(fmt::format("<{}, ..", mc),
                 fmt::format("Antal från 1 till {} visas som <{}. Övriga tal i samma rad, och "
                             "tal som annars skulle låta en läsare räkna ut ett dolt tal ur "
                             "summorna, visas som \"..\".",
                             mc - 1, mc));
  return d;
}

ReportBuilder::ReportBuilder(std::string region_prefix, TimeZone tz)
    : impl_(std::make_unique<Impl>()) {
  impl_->region_prefix = std::move(region_prefix);
  impl_->tz = std::move(tz);
}
ReportBuilder::~ReportBuilder() = default;

Status ReportBuilder::Begin(const Header& header) {
  Impl& m = *impl_;
  auto find = [&](const char* name, std::optional<size_t>* idx) {
    *idx = header.Find(name);
    if (!*idx) m.missing.push_back(name);
  };
  find("kommun", &m.kommun);
  find("kommunkod", &m.kommunkod);
  find("place", &m.place);
  find("lat", &m.lat);
  find("lon", &m.lon);
  find("cluster", &m.cluster);
  find("posted_at", &m.posted_at);
  find("young", &m.young);
  find("under18", &m.under18);
  m.site = header.Find("site");
  if (!m.kommun && !m.place && !m.posted_at && !m.cluster) {
    return Status::Usage(
        "the input has none of the columns a report is made from (kommun, place, lat, lon, "
        "cluster, posted_at, young, under18); run it on the output of geotag and dedupe");
  }
  return Status::Ok();
}

std::string ReportBuilder::MissingColumns() const {
  std::string s;
  for (const auto& c : impl_->missing) s += (s.empty() ? "" : ", ") + c;
  return s;
}

Status ReportBuilder::Push(Record& rec) {
  Impl& m = *impl_;
  auto cell = [&](const std::optional<size_t>& i) -> const std::string* {
    return i ? &rec.fields[*i] : nullptr;
  };
  static const std::string kEmpty;
  const std::string* cluster = cell(m.cluster);
  if (m.site && *m.site < rec.fields.size() && m.sites.size() < 200) ++m.sites[rec.fields[*m.site]];
  bool young = m.young && Truthy(rec.fields[*m.young]);
  bool under18 = m.under18 && Truthy(rec.fields[*m.under18]);
  const std::string& code = m.kommunkod ? rec.fields[*m.kommunkod] : kEmpty;
  bool in_region = !code.empty() && code.rfind(m.region_prefix, 0) == 0;
  if (!code.empty()) ++m.with_kommunkod;
  Count(&m.total, cluster, young, under18, in_region);
  const std::string& kommun = m.kommun ? rec.fields[*m.kommun] : kEmpty;
  if (m.kommun) {
    Count(&m.by_kommun[kommun], cluster, young, under18, in_region);
    if (!code.empty() && !kommun.empty()) m.kommunkod_of.emplace(kommun, code);
  }
  if (m.place) {
    const std::string& place = rec.fields[*m.place];
    if (!place.empty()) {
      std::string key = place + '\x1f' + kommun;
      auto [it, fresh] = m.places.try_emplace(key);
      Place& p = it->second;
      if (fresh) {
        p.place = place;
        p.kommun = kommun;
        p.kommunkod = code;
        p.first = m.places.size();
      }
      if (!p.lat && m.lat && m.lon && !rec.fields[*m.lat].empty()) {
        auto la = ParseNumber(rec.fields[*m.lat]);
        auto lo = ParseNumber(rec.fields[*m.lon]);
        if (!la || !lo || std::fabs(*la) > 90 || std::fabs(*lo) > 180) {
          return Status::Data(fmt::format(
              "{}: lat/lon '{}','{}' are not coordinates (decimal degrees, WGS 84)", rec.Where(),
              rec.fields[*m.lat].substr(0, 20), rec.fields[*m.lon].substr(0, 20)));
        }
        p.lat = la;
        p.lon = lo;
      }
      Count(&p.c, cluster, young, under18, in_region);
    }
  }
  if (m.posted_at) {
    const std::string& t = rec.fields[*m.posted_at];
    if (t.empty()) {
      ++m.no_time;
    } else {
      auto day = ParseLocalDay(t, m.tz);
      if (!day) {
        return Status::Data(fmt::format(
            "{}: posted_at: '{}' is not a time (e.g. 2026-03-02T10:00:00Z or 2026-03-02 11:00)",
            rec.Where(), t.substr(0, 40)));
      }
      Count(&m.by_week[BucketOf(*day, TimeUnit::kWeek)], cluster, young, under18, in_region);
    }
  }
  return Status::Ok();
}

namespace {

// A horizontal bar chart as inline SVG: one bar per item, the label on the
// left and the (suppressed) value on the right.
struct BarItem {
  std::string label;
  int64_t value;
  std::string shown;  // the suppressed text (SuppressCounts); "": the number
  bool hidden = false;
};

std::string BarChart(const std::vector<BarItem>& items, int min_count, const std::string& id,
                     const std::string& title) {
  const int row = 22, label_w = 190, bar_w = 700, value_w = 60, top = 4;
  const int height = top * 2 + row * static_cast<int>(items.size());
  int64_t max = 1;
  for (const auto& it : items) max = std::max(max, it.value);
  std::string s = fmt::format(
      "<svg class=\"chart bars\" id=\"{}\" role=\"img\" aria-label=\"{}\" "
      "viewBox=\"0 0 {} {}\" width=\"{}\" height=\"{}\">\n",
      id, HtmlEscape(title), label_w + bar_w + value_w, height, label_w + bar_w + value_w, height);
  for (size_t i = 0; i < items.size(); ++i) {
    const BarItem& it = items[i];
    int y = top + static_cast<int>(i) * row;
    bool hidden = it.hidden;
    double v = hidden ? min_count - 1 : static_cast<double>(it.value);
    double w = std::max(1.0, v / static_cast<double>(max) * bar_w);
    s += fmt::format(
        "<text x=\"{}\" y=\"{}\" text-anchor=\"end\" class=\"lbl\">{}</text>"
        "<rect x=\"{}\" y=\"{}\" width=\"{:.1f}\" height=\"{}\" class=\"{}\"/>"
        "<text x=\"{:.1f}\" y=\"{}\" class=\"val\">{}</text>\n",
        label_w - 8, y + 15, HtmlEscape(it.label.empty() ? "(ingen plats)" : it.label), label_w,
        y + 3, w, row - 6, hidden ? "bar hidden" : "bar", label_w + w + 6, y + 15,
        HtmlEscape(it.shown.empty() ? std::to_string(it.value) : it.shown));
  }
  return s + "</svg>\n";
}

}  // namespace

std::string ReportBuilder::Html(const ReportOptions& opts) const {
  const Impl& m = *impl_;
  const int mc = opts.min_count;
  // Counts as HTML text: "<3" must be escaped.
  auto S = [&](int64_t n) { return HtmlEscape(Suppressed(n, mc)); };
  std::string h;
  h.reserve(opts.leaflet_js.size() + opts.leaflet_css.size() + 65536);

  // Only the tile host may be reached, and only when tiles are on.
  std::string img_src = "data:";
  if (!opts.tiles.empty()) {
    std::string origin = opts.tiles;
    size_t scheme = origin.find("://");
    size_t slash = origin.find('/', scheme == std::string::npos ? 0 : scheme + 3);
    if (slash != std::string::npos) origin.resize(slash);
    size_t sub = origin.find("{s}");
    if (sub != std::string::npos) origin.replace(sub, 3, "*");
    img_src += " " + origin;
  }

  h += "<!DOCTYPE html>\n<html lang=\"sv\">\n<head>\n<meta charset=\"utf-8\">\n";
  h += fmt::format(
      "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
      "script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src {}\">\n",
      HtmlEscape(img_src));
  h += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n";
  h += "<meta name=\"referrer\" content=\"no-referrer\">\n";
  h += fmt::format("<title>{}</title>\n", HtmlEscape(opts.title));
  // Errors from here on are shown on the page and seen by the browser test.
  h += R"(<script>
window.onerror = function (msg, src, line, col) {
  var d = document.getElementById('render-error');
  if (!d) { d = document.createElement('pre'); d.id = 'render-error'; (document.body || document.documentElement).appendChild(d); }
  d.textContent += 'Script error: ' + msg + ' (line ' + line + ':' + col + ')\n';
  if (document.body) document.body.setAttribute('data-render', 'error');
};
</script>
)";
  h += "<style>\n";
  h += opts.leaflet_css;
  h += R"(
</style>
<style>
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; margin: 0; color: #222; background: #fafafa; }
main { max-width: 1160px; margin: 0 auto; padding: 16px 24px 40px; }
h1 { font-size: 1.6em; margin: 8px 0 4px; }
h2 { font-size: 1.2em; margin: 28px 0 8px; border-bottom: 1px solid #ddd; padding-bottom: 4px; }
.meta { color: #666; margin: 0 0 12px; }
.cards { display: grid; grid-template-columns: repeat(auto-fit, minmax(160px, 1fr)); gap: 12px; }
.card { background: #fff; border: 1px solid #e2e2e2; border-radius: 8px; padding: 10px 14px; }
.card .n { font-size: 1.8em; font-weight: 600; color: #7a1f5c; }
.card .t { color: #555; font-size: 0.9em; }
#map { height: 460px; border: 1px solid #ccc; border-radius: 8px; background: #e8eef2; }
table { border-collapse: collapse; background: #fff; margin-top: 8px; }
th, td { padding: 3px 10px; border-bottom: 1px solid #eee; text-align: left; }
td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; }
svg.chart { max-width: 100%; height: auto; background: #fff; border: 1px solid #eee; border-radius: 6px; }
svg .bar { fill: #b8377f; } svg .bar.hidden { fill: #e9c3d8; }
svg .lbl, svg .val, svg .axis { font-size: 12px; fill: #333; }
svg .grid { stroke: #eee; } svg .line { fill: none; stroke: #2a6f97; stroke-width: 2; }
svg .dot { fill: #2a6f97; }
.legend span { display: inline-block; margin-right: 16px; color: #555; }
.sw { display: inline-block; width: 12px; height: 12px; vertical-align: middle; margin-right: 4px; }
footer { color: #777; font-size: 0.85em; margin-top: 32px; }
#render-error { color: #a00; background: #fee; padding: 8px; }
</style>
<script>
)";
  h += opts.leaflet_js;
  h += "\n</script>\n</head>\n<body data-render=\"pending\">\n<main>\n";

  // Headline.
  const Views v = m.MakeViews(mc);
  const std::string& period = v.period;
  h += fmt::format(
      "<h1>{}</h1>\n<p class=\"meta\">Period {}. Antal under {} visas som "
      "\"&lt;{}\" så att ingen enskild kan pekas ut. Rapporten visar bara "
      "antal, aldrig telefonnummer, adresser eller annonstexter.</p>\n",
      HtmlEscape(opts.title), HtmlEscape(period), mc, mc);
  auto card = [&](const std::string& n, const std::string& t, const std::string& id) {
    h += fmt::format(
        "<div class=\"card\" id=\"{}\"><div class=\"n\">{}</div><div class=\"t\">{}"
        "</div></div>\n",
        id, n, HtmlEscape(t));
  };
  h += "<section class=\"cards\" id=\"headline\">\n";
  card(S(m.total.ads), "annonser", "h-ads");
  card(m.cluster ? S(static_cast<int64_t>(m.total.clusters.size())) : "–", "annonsörer (kluster)",
       "h-advertisers");
  if (!v.filtered_to_region) {
    card(m.kommunkod && m.total.in_region >= mc ? Percent(m.total.in_region, m.total.ads) : "–",
         "andel i " + opts.region_name, "h-region");
  }
  card(m.young ? S(m.total.young) : "–", "flaggade som unga", "h-young");
  card(m.under18 ? S(m.total.under18) : "–", "flaggade under 18", "h-under18");
  card(m.place ? std::to_string(m.places.size()) : "–", "platser", "h-places");
  h += "</section>\n";

  // Weekly trend.
  h += "<h2>Per vecka</h2>\n";
  if (m.by_week.empty()) {
    h += "<p>Ingen tidskolumn (posted_at) i indata.</p>\n";
  } else {
    const std::vector<int64_t>& weeks = v.weeks;
    const int W = 1100, H = 260, left = 48, right = 12, top = 12, bottom = 40;
    const double plot_w = W - left - right, plot_h = H - top - bottom;
    int64_t max = 1;
    for (const auto& [b, c] : m.by_week) max = std::max(max, c.ads);
    // Four grid steps of a round whole number (1, 2 or 5 times a power of ten).
    double raw = static_cast<double>(max) / 4;
    double mag = std::pow(10, std::floor(std::log10(raw)));
    double step = mag;
    for (double f : {1.0, 2.0, 5.0, 10.0}) {
      step = f * mag;
      if (step >= raw) break;
    }
    step = std::max(1.0, std::ceil(step));
    double ymax = 4 * step;
    double slot = plot_w / static_cast<double>(weeks.size());
    auto y_of = [&](double val) { return top + plot_h - val / ymax * plot_h; };
    h += fmt::format(
        "<svg class=\"chart trend\" id=\"trend-chart\" role=\"img\" "
        "aria-label=\"Annonser och annonsörer per vecka\" viewBox=\"0 0 {} {}\" "
        "width=\"{}\" height=\"{}\">\n",
        W, H, W, H);
    for (int g = 0; g <= 4; ++g) {
      double gv = ymax * g / 4;
      h += fmt::format(
          "<line class=\"grid\" x1=\"{}\" x2=\"{}\" y1=\"{:.1f}\" y2=\"{:.1f}\"/>"
          "<text class=\"axis\" x=\"{}\" y=\"{:.1f}\" text-anchor=\"end\">{}</text>\n",
          left, W - right, y_of(gv), y_of(gv), left - 6, y_of(gv) + 4, FormatNumber(gv, 1));
    }
    size_t label_every = std::max<size_t>(1, (weeks.size() + 11) / 12);
    std::string line;
    for (size_t i = 0; i < weeks.size(); ++i) {
      int64_t ads = v.week_counts[i]->ads;
      int64_t adv = static_cast<int64_t>(v.week_counts[i]->clusters.size());
      const Shown& sh = v.week_shown[i];
      bool hidden = sh.ads_hidden;
      double y = hidden ? mc - 1 : static_cast<double>(ads);
      double x = left + slot * static_cast<double>(i);
      std::string label = BucketLabel(weeks[i], TimeUnit::kWeek);
      h += fmt::format(
          "<rect class=\"{}\" x=\"{:.1f}\" y=\"{:.1f}\" width=\"{:.1f}\" "
          "height=\"{:.1f}\"><title>{}: {} annonser</title></rect>\n",
          hidden ? "bar hidden" : "bar", x + slot * 0.15, y_of(y), slot * 0.7,
          top + plot_h - y_of(y), label, HtmlEscape(sh.ads));
      if (m.cluster) {
        double av = sh.adv_hidden ? mc - 1 : static_cast<double>(adv);
        line += fmt::format("{:.1f},{:.1f} ", x + slot / 2, y_of(av));
        h += fmt::format(
            "<circle class=\"dot\" cx=\"{:.1f}\" cy=\"{:.1f}\" r=\"3\"><title>{}: {} "
            "annonsörer</title></circle>\n",
            x + slot / 2, y_of(av), label, HtmlEscape(sh.adv));
      }
      if (i % label_every == 0) {
        h += fmt::format(
            "<text class=\"axis\" x=\"{:.1f}\" y=\"{}\" text-anchor=\"middle\">{}"
            "</text>\n",
            x + slot / 2, H - bottom + 16, label.substr(5));
      }
    }
    if (!line.empty()) {
      line.pop_back();
      h += fmt::format("<polyline class=\"line\" points=\"{}\"/>\n", line);
    }
    h += "</svg>\n<div class=\"legend\"><span><i class=\"sw\" style=\"background:#b8377f\"></i>"
         "annonser</span>";
    if (m.cluster) {
      h += "<span><i class=\"sw\" style=\"background:#2a6f97\"></i>annonsörer (kluster)</span>";
    }
    h += fmt::format(
        "<span><i class=\"sw\" style=\"background:#e9c3d8\"></i>färre än {}</span>"
        "</div>\n",
        mc);
    if (m.no_time > 0) {
      h += fmt::format("<p class=\"meta\">{} annonser utan tid ingår inte.</p>\n", S(m.no_time));
    }
  }

  // Map.
  const std::vector<const Place*>& places = v.places;
  const std::vector<Shown>& place_shown = v.place_shown;
  h += "<h2>Karta</h2>\n<div id=\"map\"></div>\n";
  int64_t max_ads = 1;
  std::string pts;
  int64_t unmapped = 0;
  for (size_t i = 0; i < places.size(); ++i) {
    const Place* p = places[i];
    const Shown& sh = place_shown[i];
    if (!p->lat) {
      unmapped += p->c.ads;
      continue;
    }
    max_ads = std::max(max_ads, p->c.ads);
    auto num = [&](int64_t n, bool hidden) {
      return hidden ? std::string("null") : std::to_string(n);
    };
    if (!pts.empty()) pts += ",\n";
    pts += fmt::format(
        "{{\"name\":{},\"kommun\":{},\"lat\":{},\"lon\":{},\"ads\":{},\"adsText\":{},"
        "\"adv\":{},\"advText\":{},\"young\":{}}}",
        ScriptJson(p->place), ScriptJson(p->kommun), FormatNumber(*p->lat), FormatNumber(*p->lon),
        num(p->c.ads, sh.ads_hidden), ScriptJson(sh.ads),
        m.cluster ? num(static_cast<int64_t>(p->c.clusters.size()), sh.adv_hidden) : "null",
        ScriptJson(m.cluster ? sh.adv : "–"), ScriptJson(m.young ? sh.young : "–"));
  }
  if (unmapped > 0) {
    h += fmt::format(
        "<p class=\"meta\">{} annonser på platser utan koordinater syns inte på "
        "kartan.</p>\n",
        S(unmapped));
  }
  if (opts.tiles.empty()) {
    h += "<p class=\"meta\">Bakgrunden visar land och vatten och ingår i rapporten. En detaljerad "
         "karta hämtas från en extern server, som då skulle se vilket område rapporten gäller "
         "(slå på med --tiles).</p>\n";
  }

  // Per kommun.
  h += "<h2>Per kommun</h2>\n";
  if (m.by_kommun.empty()) {
    h += "<p>Ingen kolumn kommun i indata (kör karta geotag).</p>\n";
  } else {
    const auto& ks = v.kommuns;
    const std::vector<Shown>& shown = v.kommun_shown;
    std::vector<BarItem> bars;
    for (size_t i = 0; i < ks.size(); ++i) {
      bars.push_back({ks[i].first, ks[i].second->ads, shown[i].ads, shown[i].ads_hidden});
    }
    h += BarChart(bars, mc, "kommun-chart", "Annonser per kommun");
    h += "<table id=\"kommun-table\"><thead><tr><th>Kommun</th><th>Kod</th>"
         "<th class=\"n\">Annonser</th><th class=\"n\">Andel</th>"
         "<th class=\"n\">Annonsörer</th><th class=\"n\">Unga</th><th class=\"n\">Under 18</th>"
         "</tr></thead><tbody>\n";
    for (size_t i = 0; i < ks.size(); ++i) {
      const auto& [k, c] = ks[i];
      const Shown& sh = shown[i];
      auto code = m.kommunkod_of.find(k);
      h += fmt::format(
          "<tr><td>{}</td><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td>"
          "<td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td></tr>\n",
          HtmlEscape(k.empty() ? "(ingen plats)" : k),
          HtmlEscape(code == m.kommunkod_of.end() ? "" : code->second), HtmlEscape(sh.ads),
          sh.ads_hidden ? "–" : Percent(c->ads, m.total.ads), m.cluster ? HtmlEscape(sh.adv) : "–",
          m.young ? HtmlEscape(sh.young) : "–", m.under18 ? HtmlEscape(sh.under18) : "–");
    }
    h += "</tbody></table>\n";
  }

  // Per place.
  h += "<h2>Per plats</h2>\n";
  if (places.empty()) {
    h += "<p>Ingen kolumn place i indata (kör karta geotag).</p>\n";
  } else {
    std::vector<BarItem> bars;
    for (size_t i = 0; i < places.size() && i < 25; ++i) {
      const Place* p = places[i];
      bars.push_back(
          {p->place + (p->kommun.empty() || p->kommun == p->place ? "" : " (" + p->kommun + ")"),
           p->c.ads, place_shown[i].ads, place_shown[i].ads_hidden});
    }
    h += BarChart(bars, mc, "place-chart", "Annonser per plats");
    if (places.size() > 25) {
      h += fmt::format(
          "<p class=\"meta\">Diagrammet visar de 25 största av {} platser; "
          "tabellen visar alla.</p>\n",
          places.size());
    }
    h += "<table id=\"place-table\"><thead><tr><th>Plats</th><th>Kommun</th>"
         "<th class=\"n\">Annonser</th><th class=\"n\">Annonsörer</th><th class=\"n\">Unga</th>"
         "<th class=\"n\">Under 18</th></tr></thead><tbody>\n";
    for (size_t i = 0; i < places.size(); ++i) {
      const Place* p = places[i];
      const Shown& sh = place_shown[i];
      h += fmt::format(
          "<tr><td>{}</td><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td>"
          "<td class=\"n\">{}</td><td class=\"n\">{}</td></tr>\n",
          HtmlEscape(p->place), HtmlEscape(p->kommun), HtmlEscape(sh.ads),
          m.cluster ? HtmlEscape(sh.adv) : "–", m.young ? HtmlEscape(sh.young) : "–",
          m.under18 ? HtmlEscape(sh.under18) : "–");
    }
    h += "</tbody></table>\n";
  }

  // For a committee: where the figures come from and what each one means.
  h += "<h2>Underlag och definitioner</h2>\n<dl id=\"definitions\">\n";
  h += fmt::format("<dt>Skapad</dt><dd id=\"created\">{}</dd>\n",
                   HtmlEscape(opts.created.empty() ? "–" : opts.created));
  h += fmt::format("<dt>Datakälla</dt><dd id=\"source\">{}</dd>\n", HtmlEscape(m.SourceText(opts)));
  for (const auto& [term, text] : m.Definitions(opts, v)) {
    h += fmt::format("<dt>{}</dt><dd>{}</dd>\n", HtmlEscape(term), HtmlEscape(text));
  }
  h += "</dl>\n\n";
  h += fmt::format("<footer>Gjord med karta{}{}. Karta: {} (BSD-2-Clause){}.</footer>\n</main>\n",
                   opts.generated.empty() ? "" : " ", HtmlEscape(opts.generated),
                   HtmlEscape(opts.leaflet_version.empty() ? "Leaflet" : opts.leaflet_version),
                   opts.tiles.empty() ? ", land och vatten från GSHHG (LGPL)" : "");

  // The map, drawn by the page's own script; it then checks what was drawn
  // and marks the page as rendered.
  h += BasemapScript();  // land and water, label placement (lib/basemap.h)
  h += "<script>\nvar KARTA = {\"places\": [\n" + pts +
       "\n], \"maxAds\": " + std::to_string(max_ads) + ", \"tiles\": " + ScriptJson(opts.tiles) +
       ", \"tilesAttribution\": " + ScriptJson(opts.tiles_attribution) + "};\n";
  h += R"((function () {
  var D = KARTA;
  if (typeof L === 'undefined') throw new Error('Leaflet is missing from the report');
  var map = L.map('map', { zoomSnap: 0.25, attributionControl: true });
  if (D.tiles) {
    L.tileLayer(D.tiles, { attribution: D.tilesAttribution, maxZoom: 18, referrerPolicy: 'no-referrer' }).addTo(map);
  } else {
    KARTA_MAP.drawBase(map);
  }
  function radius(p) { return p.ads === null ? 4 : 4 + 22 * Math.sqrt(p.ads / D.maxAds); }
  var ll = [];
  function line(parent, label, value) {
    var div = document.createElement('div');
    div.textContent = label + ': ' + value;
    parent.appendChild(div);
  }
  D.places.forEach(function (p) {
    var c = L.circleMarker([p.lat, p.lon], {
      radius: radius(p), color: '#7a1f5c', weight: 1, fillColor: p.ads === null ? '#e9c3d8' : '#b8377f', fillOpacity: 0.6
    }).addTo(map);
    var box = document.createElement('div');
    var b = document.createElement('b');
    b.textContent = p.name + (p.kommun && p.kommun !== p.name ? ' (' + p.kommun + ')' : '');
    box.appendChild(b);
    line(box, 'Annonser', p.adsText);
    line(box, 'Annonsörer', p.advText);
    line(box, 'Unga', p.young);
    c.bindPopup(box);
    c.bindTooltip(p.name + ': ' + p.adsText, { direction: 'right', className: 'lbl' });
    if (p.ads !== null) ll.push([p.lat, p.lon]);
  });
  // Frame the places with counts shown; a lone small place far away would
  // otherwise shrink the map.
  if (ll.length === 0) D.places.forEach(function (p) { ll.push([p.lat, p.lon]); });
  L.control.scale({ imperial: false }).addTo(map);
  if (ll.length > 0) {
    map.fitBounds(ll, { padding: [40, 40], maxZoom: 12 });
  } else {
    map.setView([59.33, 18.07], 9);
    document.getElementById('map').insertAdjacentHTML('afterend', '<p class="meta">Inga platser med koordinater.</p>');
  }
  KARTA_MAP.labels(map, D.places.map(function (p) {
    return { lat: p.lat, lon: p.lon, ads: p.ads, label: p.name + ': ' + p.adsText };
  }), radius);
  var drawn = document.querySelectorAll('#map path.leaflet-interactive').length;
  if (drawn !== D.places.length) throw new Error('the map drew ' + drawn + ' of ' + D.places.length + ' places');
  var charts = document.querySelectorAll('svg.chart').length;
  document.body.setAttribute('data-circles', String(drawn));
  document.body.setAttribute('data-charts', String(charts));
  if (!document.getElementById('render-error')) document.body.setAttribute('data-render', 'ok');
})();
</script>
</body>
</html>
)";
  return h;
}

std::string ReportBuilder::GeoJson(const ReportOptions& opts) const {
  const Impl& m = *impl_;
  const int mc = opts.min_count;
  std::vector<const Place*> places;
  for (const auto& [k, p] : m.places) {
    if (p.lat) places.push_back(&p);
  }
  std::sort(places.begin(), places.end(), [](const Place* a, const Place* b) {
    if (a->c.ads != b->c.ads) return a->c.ads > b->c.ads;
    if (a->place != b->place) return a->place < b->place;
    return a->kommun < b->kommun;
  });
  std::string out = "{\"type\": \"FeatureCollection\", \"features\": [";
  bool first = true;
  auto num = [&](int64_t n, bool hidden) {
    return hidden ? std::string("null") : std::to_string(n);
  };
  std::vector<const Counts*> pc;
  for (const Place* p : places) pc.push_back(&p->c);
  const std::vector<Shown> shown = SuppressCounts(pc, &m.total, mc);
  for (size_t i = 0; i < places.size(); ++i) {
    const Place* p = places[i];
    const Shown& sh = shown[i];
    out += first ? "\n" : ",\n";
    first = false;
    int64_t adv = static_cast<int64_t>(p->c.clusters.size());
    out += fmt::format(
        "{{\"type\": \"Feature\", \"geometry\": {{\"type\": \"Point\", \"coordinates\": [{}, "
        "{}]}}, "
        "\"properties\": {{\"place\": {}, \"kommun\": {}, \"kommunkod\": {}, \"ads\": {}, "
        "\"ads_shown\": {}, \"advertisers\": {}, \"advertisers_shown\": {}, \"young\": {}, "
        "\"young_shown\": {}, \"under18\": {}, \"under18_shown\": {}}}}}",
        FormatNumber(*p->lon), FormatNumber(*p->lat), ScriptJson(p->place), ScriptJson(p->kommun),
        ScriptJson(p->kommunkod), num(p->c.ads, sh.ads_hidden), ScriptJson(sh.ads),
        m.cluster ? num(adv, sh.adv_hidden) : "null", m.cluster ? ScriptJson(sh.adv) : "null",
        m.young ? num(p->c.young, sh.young_hidden) : "null",
        m.young ? ScriptJson(sh.young) : "null",
        m.under18 ? num(p->c.under18, sh.under18_hidden) : "null",
        m.under18 ? ScriptJson(sh.under18) : "null");
  }
  out += first ? "]}\n" : "\n]}\n";
  return out;
}

std::vector<XlsxSheet> ReportBuilder::Tables(const ReportOptions& opts) const {
  const Impl& m = *impl_;
  const int mc = opts.min_count;
  const Views v = m.MakeViews(mc);
  std::vector<XlsxSheet> sheets;
  // The count columns every table has, as far as the input has them.
  auto count_heads = [&](Table* t) {
    t->columns.push_back("Annonser");
    if (m.cluster) t->columns.push_back("Annonsörer");
    if (m.young) t->columns.push_back("Unga");
    if (m.under18) t->columns.push_back("Under 18");
  };
  auto count_cells = [&](std::vector<std::string>* row, const Shown& sh) {
    row->push_back(sh.ads);
    if (m.cluster) row->push_back(sh.adv);
    if (m.young) row->push_back(sh.young);
    if (m.under18) row->push_back(sh.under18);
  };
  auto finish = [](Table* t, size_t text_columns) {
    t->numeric.assign(t->columns.size(), true);
    for (size_t i = 0; i < text_columns; ++i) t->numeric[i] = false;
  };
  auto share = [&](int64_t part, bool hidden) {
    if (hidden) return std::string(kHidden);
    if (m.total.ads <= 0) return std::string();
    double p = 100.0 * static_cast<double>(part) / static_cast<double>(m.total.ads);
    return FormatNumber(std::round(p * 10) / 10, 1);
  };

  // The headline figures.
  Table head;
  head.columns = {"Uppgift", "Antal"};
  head.rows.push_back({"Annonser", Suppressed(m.total.ads, mc)});
  if (m.cluster) {
    head.rows.push_back(
        {"Annonsörer (kluster)", Suppressed(static_cast<int64_t>(m.total.clusters.size()), mc)});
  }
  if (m.kommunkod && !v.filtered_to_region) {
    head.rows.push_back({"Andel i " + opts.region_name + " (%)",
                         m.total.in_region >= mc ? share(m.total.in_region, false) : "–"});
  }
  if (m.young) head.rows.push_back({"Flaggade som unga", Suppressed(m.total.young, mc)});
  if (m.under18) head.rows.push_back({"Flaggade under 18", Suppressed(m.total.under18, mc)});
  if (m.place) head.rows.push_back({"Platser", std::to_string(m.places.size())});
  finish(&head, 1);
  sheets.push_back({"Översikt", std::move(head)});

  if (!v.weeks.empty()) {
    Table t;
    t.columns = {"Vecka"};
    count_heads(&t);
    for (size_t i = 0; i < v.weeks.size(); ++i) {
      std::vector<std::string> row = {BucketLabel(v.weeks[i], TimeUnit::kWeek)};
      count_cells(&row, v.week_shown[i]);
      t.rows.push_back(std::move(row));
    }
    finish(&t, 1);
    sheets.push_back({"Per vecka", std::move(t)});
  }
  if (!v.kommuns.empty()) {
    Table t;
    t.columns = {"Kommun", "Kod", "Annonser", "Andel (%)"};
    if (m.cluster) t.columns.push_back("Annonsörer");
    if (m.young) t.columns.push_back("Unga");
    if (m.under18) t.columns.push_back("Under 18");
    for (size_t i = 0; i < v.kommuns.size(); ++i) {
      const auto& [k, c] = v.kommuns[i];
      const Shown& sh = v.kommun_shown[i];
      auto code = m.kommunkod_of.find(k);
      std::vector<std::string> row = {k.empty() ? "(ingen plats)" : k,
                                      code == m.kommunkod_of.end() ? "" : code->second, sh.ads,
                                      share(c->ads, sh.ads_hidden)};
      if (m.cluster) row.push_back(sh.adv);
      if (m.young) row.push_back(sh.young);
      if (m.under18) row.push_back(sh.under18);
      t.rows.push_back(std::move(row));
    }
    finish(&t, 2);
    sheets.push_back({"Per kommun", std::move(t)});
  }
  if (!v.places.empty()) {
    Table t;
    t.columns = {"Plats", "Kommun", "Kommunkod"};
    count_heads(&t);
    for (size_t i = 0; i < v.places.size(); ++i) {
      const Place* p = v.places[i];
      std::vector<std::string> row = {p->place, p->kommun, p->kommunkod};
      count_cells(&row, v.place_shown[i]);
      t.rows.push_back(std::move(row));
    }
    finish(&t, 3);
    sheets.push_back({"Per plats", std::move(t)});
  }

  // Where the figures come from and what they mean, as on the page.
  Table defs;
  defs.columns = {"Uppgift", "Förklaring"};
  defs.rows.push_back({"Skapad", opts.created.empty() ? "–" : opts.created});
  defs.rows.push_back({"Datakälla", m.SourceText(opts)});
  for (auto& [term, text] : m.Definitions(opts, v)) defs.rows.push_back({term, text});
  finish(&defs, 2);
  sheets.push_back({"Underlag och definitioner", std::move(defs)});
  return sheets;
}

Result<std::string> ReportBuilder::Xlsx(const ReportOptions& opts) const {
  // The workbook carries the page's creation time, as the page does.
  XlsxOptions xo;
  xo.created = ParseTimeSeconds(opts.created).value_or(0);
  return XlsxWorkbookBytes(Tables(opts), xo);
}

}  // namespace karta
