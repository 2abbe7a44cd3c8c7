// karta-practice: writes the synthetic practice world (corpus, ground truth,
// static sites) for workshops, tests and benchmarks.
//
//   karta-practice --seed S --ads N [--weeks W] [--as-of YYYY-MM-DD] [--no-sites] --out DIR
//
// Writes DIR/corpus.csv, DIR/truth.csv and DIR/sites/<host>/... (see
// examples/practice-site/README.md). Output is streamed: ads are generated
// in time order and written as they are made; listing pages regenerate the
// few ads they show, so memory stays at a few bytes per ad. What the world
// holds and why (identifiers are personal; about 1.5% of advertisers share a
// phone, always in pairs) is documented in world.h. A broken place table (a
// place truth could not name) stops the run: see practice::CheckTables.
#include <cerrno>
#include <climits>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "examples/practice-site/gen/world.h"
#include "lib/csv.h"

namespace fs = std::filesystem;
using practice::Ad;
using practice::Place;
using practice::Places;
using practice::Site;
using practice::World;

namespace {

const char kUsage[] =
    "usage: karta-practice --seed S --ads N [--weeks W] [--as-of DATE|TIME | --week K]\n"
    "                      [--down HOST] [--no-sites] --out DIR\n"
    "\n"
    "Writes a synthetic practice world of N ads (1..1000000) posted over the W weeks\n"
    "(default 8, at most 104) ending Sunday 2026-11-22: DIR/corpus.csv, DIR/truth.csv\n"
    "and the static sites DIR/sites/<host>/. Same seed, same bytes.\n"
    "\n"
    "  --as-of DATE  the sites and corpus as they stood at the end of DATE (UTC):\n"
    "                only ads posted by then and not yet removed, edits made by then;\n"
    "                also DIR/changes.csv: what changed since a week before\n"
    "  --as-of TIME  the same at an instant, e.g. 2026-11-15T20:00:00Z\n"
    "  --week K      the same on the Sunday of week K of the window, 20:00 UTC\n"
    "                (weekly snapshots for a follow-up exercise: --week 1, 2, ...)\n"
    "  --down HOST   the site HOST is down: nginx (serve.sh) answers 503 to\n"
    "                everything on it (repeatable)\n"
    "  --no-sites    write only corpus.csv and truth.csv (for big benchmarks)\n"
    "\n"
    "examples:\n"
    "  $ karta-practice --seed 1 --ads 500 --out /tmp/practice\n"
    "  $ karta-practice --seed 1 --ads 500 --week 5 --down traffpunkten.example --out "
    "/tmp/practice\n";

int Usage(const std::string& msg) {
  std::fprintf(stderr, "karta-practice: %s (see --help)\n", msg.c_str());
  return 2;
}

bool ParseU64(const char* s, uint64_t* out) {
  if (!*s) return false;
  char* end = nullptr;
  errno = 0;
  unsigned long long v = std::strtoull(s, &end, 10);
  if (errno || *end || s[0] == '-') return false;
  *out = v;
  return true;
}

// A FILE* that closes itself; writes are checked at close.
struct File {
  FILE* f = nullptr;
  std::string path;
  explicit File(const fs::path& p) : path(p.string()) {
    f = std::fopen(path.c_str(), "wb");
    if (!f) {
      std::fprintf(stderr, "karta-practice: %s: cannot write (%s)\n", path.c_str(),
                   std::strerror(errno));
      std::exit(1);
    }
  }
  void Put(const std::string& s) { std::fwrite(s.data(), 1, s.size(), f); }
  ~File() {
    if (f && (std::ferror(f) || std::fclose(f) != 0)) {
      std::fprintf(stderr, "karta-practice: %s: write failed (disk full?)\n", path.c_str());
      std::exit(1);
    }
  }
};

// The previous generation of a sites/ directory, while a new one is written:
// a file whose bytes did not change keeps its modification time, so a web
// server keeps its ETag and Last-Modified and answers 304, as a real site
// does for a page nobody touched.
fs::path g_sites, g_prev;

void WriteFile(const fs::path& p, const std::string& s) {
  {
    File f(p);
    f.Put(s);
  }
  if (g_prev.empty()) return;
  const std::string ps = p.string(), root = g_sites.string();
  if (ps.compare(0, root.size(), root) != 0) return;
  const fs::path old = g_prev / ps.substr(root.size() + 1);
  std::error_code ec;
  if (fs::file_size(old, ec) != s.size() || ec) return;
  FILE* f = std::fopen(old.c_str(), "rb");
  if (!f) return;
  std::string buf(s.size(), '\0');
  const bool same = std::fread(buf.data(), 1, buf.size(), f) == buf.size() && buf == s;
  std::fclose(f);
  if (same) fs::last_write_time(p, fs::last_write_time(old, ec), ec);
}

// UTF-8 -> ISO-8859-1; characters above U+00FF become numeric character references.
std::string ToLatin1(const std::string& s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size();) {
    const unsigned char c = s[i];
    uint32_t cp;
    int len;
    if (c < 0x80) {
      cp = c;
      len = 1;
    } else if ((c & 0xE0) == 0xC0) {
      cp = c & 0x1F;
      len = 2;
    } else if ((c & 0xF0) == 0xE0) {
      cp = c & 0x0F;
      len = 3;
    } else {
      cp = c & 0x07;
      len = 4;
    }
    for (int k = 1; k < len && i + k < s.size(); ++k) cp = (cp << 6) | (s[i + k] & 0x3F);
    i += len;
    if (cp < 0x100)
      out += static_cast<char>(cp);
    else {
      char buf[16];
      std::snprintf(buf, sizeof buf, "&#x%X;", cp);
      out += buf;
    }
  }
  return out;
}

std::string Esc(const std::string& s) {
  std::string out;
  out.reserve(s.size() + 8);
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
      default:
        out += c;
    }
  }
  return out;
}

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> out;
  size_t pos = 0;
  while (true) {
    const size_t nl = text.find('\n', pos);
    out.push_back(text.substr(pos, nl == std::string::npos ? std::string::npos : nl - pos));
    if (nl == std::string::npos) break;
    pos = nl + 1;
  }
  return out;
}

// ---- how each site shows a date ---------------------------------------------------

struct Local {
  int64_t y;
  unsigned m, d;
  int64_t day;  // local day number
  int hh, mm;
  int wday;  // 0 = Sunday
};

Local ToLocal(int64_t t) {
  const int64_t lt = t + practice::StockholmOffset(t);
  Local l;
  l.day = lt >= 0 ? lt / 86400 : (lt - 86399) / 86400;
  const int64_t secs = lt - l.day * 86400;
  practice::CivilFromDays(l.day, &l.y, &l.m, &l.d);
  l.hh = static_cast<int>(secs / 3600);
  l.mm = static_cast<int>(secs / 60 % 60);
  l.wday = static_cast<int>(((l.day + 4) % 7 + 7) % 7);
  return l;
}

const char* const kMonths[] = {"jan",  "feb", "mars", "apr", "maj", "juni",
                               "juli", "aug", "sep",  "okt", "nov", "dec"};
const char* const kWeekdays[] = {"söndags",  "måndags", "tisdags", "onsdags",
                                 "torsdags", "fredags", "lördags"};

std::string Hm(const Local& l) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "%02d:%02d", l.hh, l.mm);
  return buf;
}

std::string Hm12(const Local& l) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%d:%02d %s", l.hh % 12 == 0 ? 12 : l.hh % 12, l.mm,
                l.hh < 12 ? "AM" : "PM");
  return buf;
}

const char* const kWeekdayNames[] = {"söndag",  "måndag", "tisdag", "onsdag",
                                     "torsdag", "fredag", "lördag"};
const char* const kMonthsEn[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                 "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

// How each site shows when an ad was posted, in local time (Europe/Stockholm),
// relative to `now` (the snapshot) where the site does so:
//  - annonsera: "idag 14:05", "igår 14:05", else ISO "2026-11-20 14:05";
//  - traffpunkten: "för 12 minuter sedan", "för 3 timmar sedan", "igår 14:05",
//    "i förrgår 14:05", "i tisdags 20:30" or "tisdag 20:30", else "12/11 kl. 14.05";
//  - kontaktbladet: "22 nov 2026 14:05", English ads "Nov 22, 2026 2:05 PM".
// karta's date reader reads every one of them (lib/dates.h).
std::string ShowDate(const Ad& ad, int64_t now) {
  const int64_t t = ad.posted;
  const Local l = ToLocal(t);
  const Local n = ToLocal(now);
  const int64_t days = n.day - l.day;
  char buf[64];
  if (ad.site == 0) {
    if (days == 0) return "idag " + Hm(l);
    if (days == 1) return "igår " + Hm(l);
    std::snprintf(buf, sizeof buf, "%04lld-%02u-%02u %s", static_cast<long long>(l.y), l.m, l.d,
                  Hm(l).c_str());
    return buf;
  }
  if (ad.site == 2) {
    if (ad.lang == 1) {
      std::snprintf(buf, sizeof buf, "%s %u, %lld %s", kMonthsEn[l.m - 1], l.d,
                    static_cast<long long>(l.y), Hm12(l).c_str());
    } else {
      std::snprintf(buf, sizeof buf, "%u %s %lld %s", l.d, kMonths[l.m - 1],
                    static_cast<long long>(l.y), Hm(l).c_str());
    }
    return buf;
  }
  const int64_t age = now - t;
  if (age >= 0 && age < 3600) {
    const int64_t m = age / 60;
    return m < 1 ? std::string("just nu")
                 : "för " + std::to_string(m) + (m == 1 ? " minut sedan" : " minuter sedan");
  }
  if (age >= 0 && age < 24 * 3600) {
    const int64_t h = age / 3600;
    return "för " + std::to_string(h) + (h == 1 ? " timme sedan" : " timmar sedan");
  }
  if (days == 1) return "igår " + Hm(l);
  if (days == 2) return "i förrgår " + Hm(l);
  if (days > 2 && days < 7) {
    return (ad.id % 2 ? std::string("i ") + kWeekdays[l.wday]
                      : std::string(kWeekdayNames[l.wday])) +
           " " + Hm(l);
  }
  std::snprintf(buf, sizeof buf, "%u/%u kl. %02d.%02d", l.d, l.m, l.hh, l.mm);
  return buf;
}

// ---- page templates -----------------------------------------------------------------

std::string RegionSelect(const std::string& selected) {
  std::string out =
      "<select id=\"region\" name=\"region\">\n<option value=\"\">Alla regioner</option>\n";
  std::vector<std::string> seen;
  for (const Place& p : Places()) {
    const std::string k = p.kommun;
    bool dup = false;
    for (const auto& s : seen) dup |= s == k;
    if (dup) continue;
    seen.push_back(k);
    out += "<option value=\"" + Esc(p.kommunkod) + "\"" + (k == selected ? " selected" : "") + ">" +
           Esc(k) + "</option>\n";
  }
  return out + "</select>\n";
}

std::string Head(int s, const std::string& title, const std::string& canonical) {
  const std::string host = Site(s).host;
  switch (s) {
    case 0:
      return "<!DOCTYPE html>\n<html lang=\"sv\">\n<head>\n<meta charset=\"utf-8\">\n<title>" +
             Esc(title) + " – Annonsera</title>\n<link rel=\"canonical\" href=\"http://" + host +
             canonical +
             "\">\n</head>\n<body>\n<header><a href=\"/\">Annonsera</a> <nav><a "
             "href=\"/kontakt/\">Kontakt</a> "
             "<a href=\"/sok?q=\">Sök</a> <a href=\"/om.html\">Om</a></nav></header>\n";
    case 1:
      return "<!DOCTYPE HTML PUBLIC \"-//W3C//DTD HTML 4.01 Transitional//EN\">\n<html>\n<head>\n"
             "<meta http-equiv=\"Content-Type\" content=\"text/html; "
             "charset=iso-8859-1\">\n<title>" +
             Esc(title) +
             " | Träffpunkten</title>\n</head>\n<body>\n<div id=\"top\"><a "
             "href=\"/\">Träffpunkten</a> | "
             "<a href=\"/kontakt/\">Kontakt</a> | <a href=\"/om.html\">Om oss</a></div>\n";
    default:
      return "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"UTF-8\">\n<title>" +
             Esc(title) +
             " · Kontaktbladet</title>\n</head>\n<body>\n<nav class=\"top\"><a "
             "href=\"/\">Kontaktbladet</a> "
             "<a href=\"/search\">Search</a> <a href=\"/admin/\">Admin</a></nav>\n";
  }
}

std::string Foot(int s) {
  switch (s) {
    case 0:
      return "<footer>Annonsera är en påhittad övningssajt för karta. Inga riktiga "
             "annonser.</footer>\n</body>\n</html>\n";
    case 1:
      return "<div id=\"fot\">Träffpunkten är påhittad och finns bara för "
             "övning.</div>\n</body>\n</html>\n";
    default:
      return "<footer>Kontaktbladet is a made-up practice site. No real "
             "ads.</footer>\n</body>\n</html>\n";
  }
}

std::string AdPage(const Ad& ad, int64_t now) {
  const int s = ad.site;
  std::string h = Head(s, ad.title, practice::AdPath(s, ad.id));
  const auto paras = Lines(ad.text);
  if (s == 0) {
    h += "<main>\n<article class=\"ad\" id=\"ad-" + std::to_string(ad.id) +
         "\">\n<h1 class=\"ad-title\">" + Esc(ad.title) +
         "</h1>\n<dl class=\"fields\">\n<dt>Publicerad</dt><dd class=\"posted\"><time datetime=\"" +
         practice::Rfc3339(ad.posted) + "\">" + ShowDate(ad, now) + "</time></dd>\n";
    if (!ad.location_field.empty())
      h += "<dt>Region</dt><dd class=\"region\">" + Esc(ad.location_field) + "</dd>\n";
    h += "<dt>Annons-id</dt><dd class=\"ref\">" + std::to_string(ad.id) +
         "</dd>\n</dl>\n<div class=\"ad-body\">\n";
    for (const auto& p : paras) h += "<p>" + Esc(p) + "</p>\n";
    h += "</div>\n</article>\n</main>\n";
  } else if (s == 1) {
    h += "<div class=\"annons\">\n<h2>" + Esc(ad.title) + "</h2>\n<div class=\"meta\">Inlagd " +
         ShowDate(ad, now) + " &middot; nr " + std::to_string(ad.id) +
         "</div>\n<div class=\"brodtext\">\n";
    for (size_t k = 0; k < paras.size(); ++k)
      h += Esc(paras[k]) + (k + 1 < paras.size() ? "<br>\n" : "\n");
    h += "</div>\n<p><a href=\"/\">Tillbaka till listan</a></p>\n</div>\n";
  } else {
    h += "<section class=\"listing-detail\">\n<h1>" + Esc(ad.title) +
         "</h1>\n<p class=\"info\"><span class=\"date\">" + ShowDate(ad, now) + "</span>";
    if (!ad.location_field.empty())
      h += " · <span class=\"place\">Plats: " + Esc(ad.location_field) + "</span>";
    h += "</p>\n<div class=\"description\">\n";
    for (const auto& p : paras) h += "<p>" + Esc(p) + "</p>\n";
    h += "</div>\n<p class=\"ref\">Ad ID: " + std::to_string(ad.id) + "</p>\n</section>\n";
  }
  h += Foot(s);
  return s == 1 ? ToLatin1(h) : h;
}

std::string ListPage(int s, const World& world, const std::vector<uint32_t>& ids, int64_t page,
                     int64_t pages, int64_t now) {
  const int pp = Site(s).per_page;
  const int64_t total = static_cast<int64_t>(ids.size());
  std::string h =
      Head(s, page == 1 ? std::string("Senaste annonserna") : "Sida " + std::to_string(page),
           practice::ListPath(s, page));
  if (s == 0)
    h += "<form class=\"search\" action=\"/sok\" method=\"get\">\n<label "
         "for=\"region\">Region</label>\n" +
         RegionSelect("") + "<input name=\"q\" type=\"search\"> <button>Sök</button>\n</form>\n";
  h += s == 2 ? "<ul class=\"results\">\n"
              : (s == 1 ? "<table class=\"lista\">\n" : "<ol class=\"ads\">\n");
  for (int64_t k = (page - 1) * pp; k < page * pp && k < total; ++k) {
    const Ad ad = world.Generate(ids[total - 1 - k]);
    const std::string href = practice::AdPath(s, ad.id);
    if (s == 0) {
      h += "<li class=\"ad-item\"><a href=\"" + href + "\">" + Esc(ad.title) +
           "</a> <time datetime=\"" + practice::Rfc3339(ad.posted) + "\">" + ShowDate(ad, now) +
           "</time>";
      if (!ad.location_field.empty())
        h += " <span class=\"region\">" + Esc(ad.location_field) + "</span>";
      h += "</li>\n";
    } else if (s == 1) {
      h += "<tr><td>" + ShowDate(ad, now) + "</td><td><a href=\"" + href + "\">" + Esc(ad.title) +
           "</a></td></tr>\n";
    } else {
      h += "<li><a class=\"title\" href=\"" + href + "\">" + Esc(ad.title) +
           "</a> <span class=\"date\">" + ShowDate(ad, now) + "</span>";
      if (!ad.location_field.empty())
        h += " <span class=\"place\">" + Esc(ad.location_field) + "</span>";
      h += "</li>\n";
    }
  }
  if (total == 0)
    h +=
        s == 1 ? "<tr><td>Inga annonser just nu.</td></tr>\n" : "<li>Inga annonser just nu.</li>\n";
  h += s == 2 ? "</ul>\n" : (s == 1 ? "</table>\n" : "</ol>\n");
  h += "<nav class=\"pages\">";
  if (page > 1)
    h += "<a rel=\"prev\" href=\"" + practice::ListPath(s, page - 1) + "\">" +
         (s == 2 ? "Newer" : "Föregående") + "</a> ";
  h += (s == 2 ? "Page " : "Sida ") + std::to_string(page) + (s == 2 ? " of " : " av ") +
       std::to_string(pages);
  if (page < pages)
    h += " <a rel=\"next\" href=\"" + practice::ListPath(s, page + 1) + "\">" +
         (s == 2 ? "Older" : "Nästa") + "</a>";
  h += "</nav>\n" + Foot(s);
  return s == 1 ? ToLatin1(h) : h;
}

std::string Robots(int s) {
  const std::string host = Site(s).host;
  switch (s) {
    case 0:
      return "User-agent: *\nDisallow: /admin/\nDisallow: /sok?\nDisallow: /kontakt/\nCrawl-delay: "
             "1\n\nSitemap: http://" +
             host + "/sitemap.xml\n";
    case 1:
      return "# Träffpunkten\nUser-agent: *\nDisallow: /admin/\nDisallow: /kontakt/\nDisallow: "
             "/sok\n\nSitemap: http://" +
             host + "/sitemap.xml\n";
    default:
      return "User-agent: BadBot\nDisallow: /\n\nUser-agent: *\nAllow: /ad/\nDisallow: "
             "/admin/\nDisallow: /search\n"
             "Disallow: /kontakt/\n\nSitemap: http://" +
             host + "/sitemap.xml\n";
  }
}

std::string StaticPage(int s, const std::string& title, const std::string& body) {
  std::string h = Head(s, title, "/") + "<main>\n<h1>" + Esc(title) + "</h1>\n<p>" + Esc(body) +
                  "</p>\n</main>\n" + Foot(s);
  return s == 1 ? ToLatin1(h) : h;
}

// Sitemaps of at most 50,000 URLs; more become sitemap-N.xml under an index.
class Sitemap {
 public:
  Sitemap(fs::path dir, std::string host) : dir_(std::move(dir)), host_(std::move(host)) {}
  void Add(const std::string& path, int64_t t) {
    chunk_ += "<url><loc>http://" + host_ + path + "</loc><lastmod>" + practice::Rfc3339(t) +
              "</lastmod></url>\n";
    if (++in_chunk_ == 50000) Flush();
  }
  void Finish() {
    if (chunks_ == 0) {
      WriteFile(dir_ / "sitemap.xml", Urlset());
      return;
    }
    if (in_chunk_ > 0) Flush();
    std::string idx =
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        "<sitemapindex xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n";
    for (int k = 1; k <= chunks_; ++k)
      idx += "<sitemap><loc>http://" + host_ + "/sitemap-" + std::to_string(k) +
             ".xml</loc></sitemap>\n";
    WriteFile(dir_ / "sitemap.xml", idx + "</sitemapindex>\n");
  }

 private:
  std::string Urlset() {
    return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset "
           "xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n"
           "<url><loc>http://" +
           host_ + "/</loc></url>\n" + chunk_ + "</urlset>\n";
  }
  void Flush() {
    ++chunks_;
    WriteFile(dir_ / ("sitemap-" + std::to_string(chunks_) + ".xml"), Urlset());
    chunk_.clear();
    in_chunk_ = 0;
  }
  fs::path dir_;
  std::string host_;
  std::string chunk_;
  int in_chunk_ = 0;
  int chunks_ = 0;
};

std::string Join(const std::vector<std::string>& v) {
  std::string out;
  for (size_t i = 0; i < v.size(); ++i) out += (i ? ";" : "") + v[i];
  return out;
}

void Row(std::string* line, std::initializer_list<std::string_view> fields) {
  line->clear();
  bool first = true;
  for (auto f : fields) {
    if (!first) line->push_back(',');
    first = false;
    karta::CsvWriter::AppendField(line, f);
  }
  line->push_back('\n');
}

}  // namespace

int main(int argc, char** argv) {
  practice::Params p;
  bool have_seed = false, have_ads = false, sites = true;
  std::string out, as_of;
  int64_t week = 0;
  std::vector<std::string> down;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto value = [&](const char* name) -> const char* {
      if (i + 1 >= argc) {
        Usage(std::string(name) + " needs a value");
        std::exit(2);
      }
      return argv[++i];
    };
    uint64_t v;
    if (a == "-h" || a == "--help") {
      std::fputs(kUsage, stdout);
      return 0;
    } else if (a == "--seed") {
      if (!ParseU64(value("--seed"), &v)) return Usage("--seed must be a non-negative integer");
      p.seed = v;
      have_seed = true;
    } else if (a == "--ads") {
      if (!ParseU64(value("--ads"), &v) || v < 1 || v > 1000000)
        return Usage("--ads must be an integer from 1 to 1000000");
      p.ads = v;
      have_ads = true;
    } else if (a == "--weeks") {
      if (!ParseU64(value("--weeks"), &v) || v < 1 || v > 104)
        return Usage("--weeks must be an integer from 1 to 104");
      p.weeks = static_cast<int64_t>(v);
    } else if (a == "--as-of") {
      as_of = value("--as-of");
    } else if (a == "--week") {
      if (!ParseU64(value("--week"), &v) || v < 1 || v > 104)
        return Usage("--week must be an integer from 1 to 104");
      week = static_cast<int64_t>(v);
    } else if (a == "--down") {
      const std::string h = value("--down");
      bool known = false;
      for (int s = 0; s < practice::kSites; ++s) known |= h == Site(s).host;
      if (!known)
        return Usage("--down '" + h +
                     "': not a practice site (annonsera.example, traffpunkten.example, "
                     "kontaktbladet.example)");
      down.push_back(h);
    } else if (a == "--out") {
      out = value("--out");
    } else if (a == "--no-sites") {
      sites = false;
    } else {
      return Usage("unknown option '" + a + "'");
    }
  }
  if (!have_seed || !have_ads || out.empty()) return Usage("--seed, --ads and --out are required");
  // The window ends at the close of Sunday 2026-11-22 (UTC).
  p.end = practice::DaysFromCivil(2026, 11, 23) * 86400;
  int64_t now = p.end - 1;
  int64_t cutoff = INT64_MAX;  // ads posted before and removed after `cutoff` are live
  if (!as_of.empty() && week) return Usage("give --as-of or --week, not both");
  if (week > p.weeks)
    return Usage("--week " + std::to_string(week) + ": the window has only " +
                 std::to_string(p.weeks) + " weeks (--weeks)");
  if (!as_of.empty()) {
    int64_t day;
    int hh, mm, ss;
    char z;
    if (practice::ParseDate(as_of, &day)) {
      now = (day + 1) * 86400 - 1;
    } else if (as_of.size() == 20 && practice::ParseDate(as_of.substr(0, 10), &day) &&
               as_of[10] == 'T' &&
               std::sscanf(as_of.c_str() + 11, "%2d:%2d:%2d%c", &hh, &mm, &ss, &z) == 4 &&
               z == 'Z' && hh < 24 && mm < 60 && ss < 60) {
      now = day * 86400 + hh * 3600 + mm * 60 + ss;
    } else {
      return Usage("--as-of must be a date YYYY-MM-DD or a UTC time YYYY-MM-DDTHH:MM:SSZ, got '" +
                   as_of + "'");
    }
    cutoff = now + 1;
  } else if (week) {
    // The window starts on a Monday; week K's Sunday evening, 20:00 UTC.
    now = p.end - (p.weeks - week) * 7 * 86400 - 4 * 3600;
    cutoff = now + 1;
  }
  const bool snapshot = cutoff != INT64_MAX;
  if (!down.empty() && !sites) return Usage("--down needs the sites (drop --no-sites)");

  // A broken place table would write truth that disagrees with the pages.
  const std::vector<std::string> problems = practice::CheckTables();
  for (const auto& m : problems)
    std::fprintf(stderr, "karta-practice: internal error: %s\n", m.c_str());
  if (!problems.empty()) return 1;
  const World world(p);
  const fs::path dir(out);
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) {
    std::fprintf(stderr, "karta-practice: %s: cannot create directory (%s)\n", out.c_str(),
                 ec.message().c_str());
    return 1;
  }
  // A snapshot replaces what was there: stale ad pages must not survive.
  // The old sites stay aside until the new ones are written, so that an
  // unchanged file keeps its modification time (WriteFile).
  g_sites = dir / "sites";
  g_prev = dir / "sites.prev";
  fs::remove_all(g_prev, ec);
  if (fs::exists(g_sites, ec)) {
    fs::rename(g_sites, g_prev, ec);
    if (ec) {
      std::fprintf(stderr, "karta-practice: %s: cannot move aside (%s)\n", g_sites.c_str(),
                   ec.message().c_str());
      return 1;
    }
  } else {
    g_prev.clear();
  }

  std::vector<std::vector<uint32_t>> live(practice::kSites);
  std::vector<std::unique_ptr<Sitemap>> maps;
  if (sites) {
    for (int s = 0; s < practice::kSites; ++s) {
      const fs::path sd = dir / "sites" / Site(s).host;
      fs::create_directories(sd, ec);
      for (const char* sub :
           {"annons", "sida", "visa", "lista", "ad", "page", "admin", "kontakt"}) {
        const bool wanted =
            (s == 0 && (!std::strcmp(sub, "annons") || !std::strcmp(sub, "sida"))) ||
            (s == 1 && (!std::strcmp(sub, "visa") || !std::strcmp(sub, "lista"))) ||
            (s == 2 && (!std::strcmp(sub, "ad") || !std::strcmp(sub, "page"))) ||
            !std::strcmp(sub, "admin") || !std::strcmp(sub, "kontakt");
        if (wanted) fs::create_directories(sd / sub, ec);
      }
      if (ec) {
        std::fprintf(stderr, "karta-practice: %s: cannot create directory (%s)\n", sd.c_str(),
                     ec.message().c_str());
        return 1;
      }
      maps.push_back(std::make_unique<Sitemap>(sd, Site(s).host));
    }
  }

  File corpus(dir / "corpus.csv");
  File truth(dir / "truth.csv");
  // changes.csv: a snapshot's ground truth for a weekly follow-up, against
  // the snapshot a week before: new, gone, edited or unchanged.
  std::unique_ptr<File> changes;
  const int64_t prev_cutoff = cutoff == INT64_MAX ? INT64_MAX : cutoff - 7 * 86400;
  if (snapshot) {
    fs::remove(dir / "changes.csv", ec);
    changes = std::make_unique<File>(dir / "changes.csv");
    changes->Put("ad_id,site,url,kind,kommun,in_region,change\n");
  } else {
    fs::remove(dir / "changes.csv", ec);
  }
  corpus.Put("ad_id,site,url,posted_at,title,text,location_field\n");
  truth.Put(
      "ad_id,advertiser_id,kind,place,kommun,kommunkod,in_region,age,phones,emails,handles\n");
  std::string line;
  uint64_t written = 0;
  for (uint64_t i = 0; i < p.ads; ++i) {
    Ad ad = world.Generate(i);
    if (ad.posted >= cutoff) break;  // ads come in time order
    const bool is_live = cutoff == INT64_MAX || ad.removed > cutoff;
    const bool was_live = snapshot && ad.posted < prev_cutoff && ad.removed > prev_cutoff;
    if (changes && (is_live || was_live)) {
      const Place* pl = ad.place >= 0 ? &Places()[ad.place] : nullptr;
      const bool in_region = pl && pl->kommunkod[0] == '0' && pl->kommunkod[1] == '1';
      const char* change = !was_live                                          ? "new"
                           : !is_live                                         ? "gone"
                           : (ad.edited >= prev_cutoff && ad.edited < cutoff) ? "edited"
                                                                              : "unchanged";
      const std::string host = Site(ad.site).host;
      Row(&line, {std::to_string(ad.id), host, "http://" + host + practice::AdPath(ad.site, ad.id),
                  practice::KindName(ad.kind), pl ? pl->kommun : "",
                  pl ? (in_region ? "1" : "0") : "", change});
      changes->Put(line);
    }
    if (!is_live) continue;
    if (snapshot && ad.edited < cutoff) ad.text += "\n" + practice::EditNote(ad);
    const std::string host = Site(ad.site).host;
    const std::string id = std::to_string(ad.id);
    Row(&line, {id, host, "http://" + host + practice::AdPath(ad.site, ad.id),
                practice::Rfc3339(ad.posted), ad.title, ad.text, ad.location_field});
    corpus.Put(line);
    const Place* pl = ad.place >= 0 ? &Places()[ad.place] : nullptr;
    const bool in_region = pl && pl->kommunkod[0] == '0' && pl->kommunkod[1] == '1';
    Row(&line,
        {id, std::to_string(ad.advertiser), practice::KindName(ad.kind), pl ? pl->canon : "",
         pl ? pl->kommun : "", pl ? pl->kommunkod : "", pl ? (in_region ? "1" : "0") : "",
         ad.age ? std::to_string(ad.age) : "", Join(ad.phones), Join(ad.emails), Join(ad.handles)});
    truth.Put(line);
    ++written;
    if (sites) {
      WriteFile(dir / "sites" / host / practice::AdFile(ad.site, ad.id), AdPage(ad, now));
      live[ad.site].push_back(static_cast<uint32_t>(i));
      maps[ad.site]->Add(practice::AdPath(ad.site, ad.id), ad.posted);
    }
  }

  if (sites) {
    for (int s = 0; s < practice::kSites; ++s) {
      const fs::path sd = dir / "sites" / Site(s).host;
      maps[s]->Finish();
      WriteFile(sd / "robots.txt", Robots(s));
      const int64_t pp = Site(s).per_page;
      const int64_t total = static_cast<int64_t>(live[s].size());
      const int64_t pages = total == 0 ? 1 : (total + pp - 1) / pp;
      for (int64_t pg = 1; pg <= pages; ++pg) {
        const fs::path f = sd / practice::ListFile(s, pg);
        if (s == 2 && pg > 1) fs::create_directories(f.parent_path(), ec);
        WriteFile(f, ListPage(s, world, live[s], pg, pages, now));
      }
      WriteFile(sd / "om.html",
                StaticPage(s, s == 2 ? "About" : "Om sajten",
                           "En påhittad annonssajt för övning med karta. Alla annonser, namn och "
                           "nummer är påhittade."));
      WriteFile(
          sd / "kontakt" / "index.html",
          StaticPage(s, "Kontakt", "Kontakta redaktionen: redaktion@" + std::string(Site(s).host)));
      WriteFile(sd / "admin" / "index.html", StaticPage(s, "Admin", "Inloggning krävs."));
      for (const auto& h : down) {
        if (h == Site(s).host)
          WriteFile(sd / ".down", "This site is down this week (karta-practice --down).\n");
      }
    }
  }
  if (!g_prev.empty()) fs::remove_all(g_prev, ec);
  if (snapshot) {
    std::fprintf(stderr, "karta-practice: wrote %llu ads to %s as of %s%s%s\n",
                 static_cast<unsigned long long>(written), out.c_str(),
                 practice::Rfc3339(now).c_str(),
                 down.empty() ? "" : ", down: ", down.empty() ? "" : Join(down).c_str());
  } else {
    std::fprintf(stderr, "karta-practice: wrote %llu ads to %s\n",
                 static_cast<unsigned long long>(written), out.c_str());
  }
  return 0;
}
