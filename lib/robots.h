// robots.txt per RFC 9309 (the Robots Exclusion Protocol).
//
// Parse() reads a robots.txt body for one crawler product token ("karta"):
// the groups whose user-agent lines match the token (case-insensitively; the
// line's value is compared up to its first character outside [A-Za-z_-]) are
// merged; if none matches, the `*` groups are merged; if neither, everything
// is allowed. Allowed(path) applies the rule with the longest matching
// pattern (in octets, after percent-encoding normalisation); on a tie Allow
// wins; `*` matches any run of characters and a final `$` anchors the end;
// /robots.txt itself is always allowed. Crawl-delay (not in the RFC, but
// widely used) of the chosen groups is kept; Sitemap lines are collected.
//
// What a fetch of robots.txt means (RFC 9309 section 2.3.1):
//   2xx             parse the body (at most the first 500 KiB)
//   3xx             the fetcher follows up to five redirects; then as 4xx
//   4xx             "unavailable": allow everything
//   5xx or no reply "unreachable": disallow everything
// ForStatus() applies this table.
//
// Thread-safety: a Robots is an immutable value after Parse.
#ifndef KARTA_LIB_ROBOTS_H_
#define KARTA_LIB_ROBOTS_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace karta {

class Robots {
 public:
  // Everything allowed (no robots.txt, or a 4xx).
  static Robots AllowAll();
  // Everything disallowed (robots.txt unreachable: 5xx, timeout, no connection).
  static Robots DisallowAll();
  static Robots Parse(std::string_view body, std::string_view product_token);
  // Applies the RFC's table: `status` is the HTTP status of the robots.txt
  // fetch after redirects, 0 when there was no reply at all.
  static Robots ForStatus(long status, std::string_view body, std::string_view product_token);

  // True iff the crawler may fetch `path` (path and query of a URL, starting
  // with '/'; an empty path means "/").
  bool Allowed(std::string_view path) const;
  // The Crawl-delay of the matching group, in seconds, if any.
  std::optional<double> crawl_delay() const { return crawl_delay_; }
  const std::vector<std::string>& sitemaps() const { return sitemaps_; }
  // "allow-all", "disallow-all" or "parsed"; for messages.
  std::string_view kind() const { return kind_; }

 private:
  struct Rule {
    std::string pattern;  // normalised
    bool allow;
  };
  std::vector<Rule> rules_;
  std::optional<double> crawl_delay_;
  std::vector<std::string> sitemaps_;
  std::string_view kind_ = "allow-all";
};

// The path and query of an absolute URL ("http://h/a/b?q#f" -> "/a/b?q").
std::string UrlPathAndQuery(std::string_view url);

}  // namespace karta

#endif  // KARTA_LIB_ROBOTS_H_
