#include "lib/site_profile.h"

#include <fmt/format.h>
#include <toml++/toml.h>

#include <algorithm>
#include <unordered_set>

#include "lib/envvars.h"
#include "lib/http.h"
#include "lib/io.h"

namespace karta {
namespace {

Status ParseError(const std::string& path, const toml::parse_error& e) {
  const auto& src = e.source();
  if (src.begin.line == 0) {
    return Status::Usage(fmt::format("{}: {} (check the path)", path, e.description()));
  }
  return Status::Usage(fmt::format("{}:{}: {} (see karta fetch --help for the profile format)",
                                   path, src.begin.line, e.description()));
}

Result<SiteProfile> FromTable(const toml::table& t, const std::string& path) {
  SiteProfile p;
  p.path = path;
  auto bad = [&](const toml::node* n, const std::string& what) {
    int line = n ? static_cast<int>(n->source().begin.line) : 0;
    return Status::Usage(line ? fmt::format("{}:{}: {}", path, line, what)
                              : fmt::format("{}: {}", path, what));
  };
  static const std::unordered_set<std::string> kKeys = {
      "name",      "start",  "follow",  "ads",    "max_depth", "max_pages", "delay",     "emit",
      "same_host", "fields", "headers", "cookie", "contact",   "resolve",   "date_field"};
  for (const auto& [k, v] : t) {
    if (!kKeys.count(std::string(k.str()))) {
      return bad(&v, fmt::format("unknown key '{}' (known: name, start, follow, ads, max_depth, "
                                 "max_pages, delay, emit, same_host, fields, headers, cookie, "
                                 "contact, resolve, date_field)",
                                 k.str()));
    }
  }
  auto strings = [&](const char* key, std::vector<std::string>* out) -> Status {
    const toml::node* n = t.get(key);
    if (!n) return Status::Ok();
    if (auto s = n->value<std::string>()) {
      out->push_back(*s);
      return Status::Ok();
    }
    const toml::array* a = n->as_array();
    if (!a) return bad(n, fmt::format("'{}' must be a string or a list of strings", key));
    for (const toml::node& e : *a) {
      auto s = e.value<std::string>();
      if (!s) return bad(&e, fmt::format("'{}' must be a list of strings", key));
      out->push_back(*s);
    }
    return Status::Ok();
  };
  p.name = t["name"].value_or(std::string());
  KARTA_RETURN_IF_ERROR(strings("start", &p.start));
  if (p.start.empty()) return bad(nullptr, "no start URLs (add start = [\"http://...\"])");
  for (const std::string& u : p.start) {
    if (HostKey(u).empty()) {
      return bad(t.get("start"), fmt::format("start URL '{}' is not an http(s) URL", u));
    }
  }
  for (auto [key, out] : {std::pair{"follow", &p.follow}, std::pair{"ads", &p.ads}}) {
    std::vector<std::string> pats;
    KARTA_RETURN_IF_ERROR(strings(key, &pats));
    for (const std::string& pat : pats) {
      auto re = std::make_unique<RE2>(pat, RE2::Quiet);
      if (!re->ok()) {
        return bad(t.get(key),
                   fmt::format("bad {} pattern '{}': {} (RE2 syntax)", key, pat, re->error()));
      }
      out->push_back(std::move(re));
    }
  }
  if (p.follow.empty() && p.ads.empty()) {
    return bad(nullptr, "neither 'follow' nor 'ads' patterns: nothing to crawl beyond the start");
  }
  if (auto v = t["max_depth"].value<int64_t>()) p.max_depth = static_cast<int>(*v);
  if (auto v = t["max_pages"].value<int64_t>()) p.max_pages = *v;
  if (auto v = t["delay"].value<double>()) p.delay = *v;
  std::string emit = t["emit"].value_or(std::string("ads"));
  if (emit != "ads" && emit != "all") return bad(t.get("emit"), "emit must be \"ads\" or \"all\"");
  p.emit_all = emit == "all" || p.ads.empty();
  p.same_host = t["same_host"].value_or(true);
  KARTA_RETURN_IF_ERROR(strings("headers", &p.headers));
  KARTA_RETURN_IF_ERROR(strings("resolve", &p.resolve));
  p.cookie = t["cookie"].value_or(std::string());
  p.contact = t["contact"].value_or(std::string());
  if (const toml::node* f = t.get("fields")) {
    const toml::table* ft = f->as_table();
    if (!ft) return bad(f, "[fields] must be a table of name = \"XPath\"");
    // Columns come in the order the file names them (toml++ sorts keys).
    std::vector<std::pair<std::string, const toml::node*>> ordered;
    for (const auto& [k, v] : *ft) ordered.emplace_back(std::string(k.str()), &v);
    std::stable_sort(ordered.begin(), ordered.end(), [](const auto& a, const auto& b) {
      const auto& sa = a.second->source().begin;
      const auto& sb = b.second->source().begin;
      return sa.line != sb.line ? sa.line < sb.line : sa.column < sb.column;
    });
    for (const auto& [k, vp] : ordered) {
      const toml::node& v = *vp;
      auto expr = v.value<std::string>();
      if (!expr) return bad(&v, fmt::format("field '{}' must be an XPath string", k));
      auto x = XPathField::Compile(*expr);
      if (!x.ok()) return bad(&v, fmt::format("field '{}': {}", k, x.status().message()));
      p.fields.emplace_back(k, std::move(*x));
    }
  }
  // The date field: named, or a field called posted_text.
  p.date_field = t["date_field"].value_or(std::string());
  bool has_posted_at = false, has_date = false;
  for (const auto& [name, x] : p.fields) {
    has_posted_at = has_posted_at || name == "posted_at";
    has_date = has_date || name == (p.date_field.empty() ? "posted_text" : p.date_field);
  }
  if (!p.date_field.empty() && !has_date) {
    return bad(
        t.get("date_field"),
        fmt::format("date_field names '{}', which is not a field in [fields]", p.date_field));
  }
  if (p.date_field.empty() && has_date) p.date_field = "posted_text";
  if (!p.date_field.empty() && has_posted_at) {
    return bad(nullptr,
               fmt::format("posted_at is filled from the date field '{}'; remove the field "
                           "posted_at from [fields]",
                           p.date_field));
  }
  return p;
}

}  // namespace

bool SiteProfile::IsAd(const std::string& url) const {
  for (const auto& re : ads) {
    if (RE2::PartialMatch(url, *re)) return true;
  }
  return false;
}

bool SiteProfile::IsListing(const std::string& url) const {
  for (const auto& re : follow) {
    if (RE2::PartialMatch(url, *re)) return true;
  }
  return false;
}

Result<SiteProfile> LoadSiteProfile(const std::string& path) {
  auto raw = ReadFileToString(path);
  if (!raw.ok()) {
    return Status::Usage(fmt::format("{}: cannot read the site profile (check the path)", path));
  }
  // ${KARTA_PRACTICE_PORT:-18080} and other environment variables.
  KARTA_ASSIGN_OR_RETURN(auto text, ExpandEnvVars(*raw, path));
  return ParseSiteProfile(text, path);
}

Result<SiteProfile> ParseSiteProfile(std::string_view text, const std::string& path) {
  toml::table t;
  try {
    t = toml::parse(text, path);
  } catch (const toml::parse_error& e) {
    return ParseError(path, e);
  }
  return FromTable(t, path);
}

}  // namespace karta
