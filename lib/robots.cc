#include "lib/robots.h"

#include <algorithm>
#include <cstdlib>

#include "lib/text.h"

namespace karta {
namespace {

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool Unreserved(unsigned char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '.' || c == '_' || c == '~';
}

// Percent-encoding normalisation (RFC 3986 6.2.2): escapes of unreserved
// characters are decoded, other escapes upper-cased, and octets outside
// US-ASCII percent-encoded, so that "/%7euser", "/~user" match and UTF-8
// paths match their escaped form.
//
// RFC 9309 2.2.3: in a rule, '*' and a final '$' are special, and "%2A" and
// "%24" stand for a literal '*' and '$'. So a URL path (`url_path`) has its
// literal '*' and '$' escaped, and a rule keeps its special ones as they are
// (a '$' that does not end the rule is literal, so it is escaped too): then
// "/a-%2A.html" in a rule matches the URL "/a-*.html" and "/a-%2A.html".
std::string Normalize(std::string_view s, bool url_path) {
  static const char* kHex = "0123456789ABCDEF";
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c == '%' && i + 2 < s.size() + 0 && HexValue(s[i + 1]) >= 0 && HexValue(s[i + 2]) >= 0) {
      int v = HexValue(s[i + 1]) * 16 + HexValue(s[i + 2]);
      if (Unreserved(static_cast<unsigned char>(v))) {
        out.push_back(static_cast<char>(v));
      } else {
        out.push_back('%');
        out.push_back(kHex[v >> 4]);
        out.push_back(kHex[v & 15]);
      }
      i += 2;
    } else if (c >= 0x80 || c <= 0x20 || (url_path && (c == '*' || c == '$')) ||
               (!url_path && c == '$' && i + 1 < s.size())) {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    } else {
      out.push_back(static_cast<char>(c));
    }
  }
  return out;
}

// True iff `pattern` (with * and a final $) matches a prefix of `path`.
bool Matches(std::string_view path, std::string_view pattern) {
  // The set of positions in `path` reachable after the pattern so far.
  std::vector<size_t> pos = {0};
  std::vector<size_t> next;
  for (size_t k = 0; k < pattern.size(); ++k) {
    char c = pattern[k];
    if (c == '$' && k + 1 == pattern.size()) {
      return std::find(pos.begin(), pos.end(), path.size()) != pos.end();
    }
    next.clear();
    if (c == '*') {
      for (size_t p = pos.front(); p <= path.size(); ++p) next.push_back(p);
    } else {
      for (size_t p : pos) {
        if (p < path.size() && path[p] == c) next.push_back(p + 1);
      }
    }
    if (next.empty()) return false;
    pos.swap(next);
  }
  return true;
}

// The product token of a user-agent line's value: its leading run of
// letters, '_' and '-' ("Googlebot/2.1" -> "Googlebot").
std::string_view ProductToken(std::string_view v) {
  size_t n = 0;
  while (n < v.size() && ((v[n] >= 'a' && v[n] <= 'z') || (v[n] >= 'A' && v[n] <= 'Z') ||
                          v[n] == '_' || v[n] == '-' || v[n] == '*')) {
    ++n;
  }
  return v.substr(0, n);
}

}  // namespace

Robots Robots::AllowAll() { return Robots(); }

Robots Robots::DisallowAll() {
  Robots r;
  r.rules_.push_back({"/", false});
  r.kind_ = "disallow-all";
  return r;
}

Robots Robots::ForStatus(long status, std::string_view body, std::string_view token) {
  if (status >= 200 && status < 300) return Parse(body, token);
  if (status >= 400 && status < 500) return AllowAll();
  // 3xx left after the redirect limit: treat as unavailable (RFC 2.3.1.2).
  if (status >= 300 && status < 400) return AllowAll();
  return DisallowAll();
}

Robots Robots::Parse(std::string_view body, std::string_view token) {
  body = body.substr(0, 500 * 1024);
  if (body.substr(0, 3) == "\xEF\xBB\xBF") body.remove_prefix(3);
  struct Group {
    std::vector<std::string> agents;
    std::vector<Rule> rules;
    std::optional<double> delay;
  };
  std::vector<Group> groups;
  std::vector<std::string> sitemaps;
  bool in_agents = false;  // the previous line was a user-agent line
  size_t i = 0;
  while (i < body.size()) {
    size_t j = body.find_first_of("\r\n", i);
    if (j == std::string_view::npos) j = body.size();
    std::string_view line = body.substr(i, j - i);
    i = j + 1;
    if (size_t hash = line.find('#'); hash != std::string_view::npos) line = line.substr(0, hash);
    size_t colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    std::string_view key = TrimAsciiSpace(line.substr(0, colon));
    std::string_view value = TrimAsciiSpace(line.substr(colon + 1));
    if (EqualsNoCaseAscii(key, "user-agent")) {
      if (!in_agents) groups.emplace_back();
      groups.back().agents.emplace_back(ProductToken(value));
      in_agents = true;
      continue;
    }
    if (EqualsNoCaseAscii(key, "sitemap")) {
      if (!value.empty()) sitemaps.emplace_back(value);
      continue;  // not part of a group
    }
    in_agents = false;
    if (groups.empty()) continue;  // rules before any user-agent line
    if (EqualsNoCaseAscii(key, "allow") || EqualsNoCaseAscii(key, "disallow")) {
      // An empty Disallow allows everything: it is no rule at all.
      if (value.empty()) continue;
      groups.back().rules.push_back({Normalize(value, false), EqualsNoCaseAscii(key, "allow")});
    } else if (EqualsNoCaseAscii(key, "crawl-delay")) {
      std::string v(value);
      char* end = nullptr;
      double d = std::strtod(v.c_str(), &end);
      if (end != v.c_str() && d >= 0 && d < 86400) groups.back().delay = d;
    }
  }
  Robots r;
  r.kind_ = "parsed";
  r.sitemaps_ = std::move(sitemaps);
  auto take = [&](bool star) {
    bool any = false;
    for (const Group& g : groups) {
      bool match = false;
      for (const std::string& a : g.agents) {
        if (star ? a == "*" : EqualsNoCaseAscii(a, token)) match = true;
      }
      if (!match) continue;
      any = true;
      r.rules_.insert(r.rules_.end(), g.rules.begin(), g.rules.end());
      if (g.delay && (!r.crawl_delay_ || *g.delay > *r.crawl_delay_)) r.crawl_delay_ = g.delay;
    }
    return any;
  };
  if (!take(false)) take(true);
  return r;
}

bool Robots::Allowed(std::string_view path) const {
  std::string p = path.empty() ? std::string("/") : Normalize(path, true);
  if (p == "/robots.txt") return true;
  size_t best = 0;
  bool allowed = true;
  bool found = false;
  for (const Rule& rule : rules_) {
    if (!Matches(p, rule.pattern)) continue;
    size_t len = rule.pattern.size();
    if (!found || len > best || (len == best && rule.allow && !allowed)) {
      best = len;
      allowed = rule.allow;
      found = true;
    }
  }
  return allowed;
}

std::string UrlPathAndQuery(std::string_view url) {
  size_t scheme = url.find("://");
  std::string_view rest = scheme == std::string_view::npos ? url : url.substr(scheme + 3);
  size_t slash = rest.find_first_of("/?#");
  if (slash == std::string_view::npos) return "/";
  std::string_view pq = rest.substr(slash);
  if (size_t hash = pq.find('#'); hash != std::string_view::npos) pq = pq.substr(0, hash);
  std::string out(pq);
  if (out.empty() || out[0] != '/') out.insert(out.begin(), '/');
  return out;
}

}  // namespace karta
