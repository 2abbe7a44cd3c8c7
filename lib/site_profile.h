// Site profiles: how karta fetch crawls one site (a TOML file).
//
//   name = "practice"                         # the 'site' column
//   start = ["http://ads.example/list/1.html"]
//   follow = ['/list/\d+\.html$']             # RE2: listing and pagination pages
//   ads = ['/ad/\d+\.html$']                  # RE2: pages that become rows
//   max_depth = 1000
//   max_pages = 20000
//   delay = 1.0
//   [fields]                                  # XPath; 'title' fills the title column
//   title = "//h1"
//
// LoadSiteProfile() reads and validates a profile: unknown keys, bad RE2
// patterns, bad XPath and start URLs that are not http(s) are usage errors
// naming FILE:LINE. The field columns keep the order the file names them.
//
// Thread-safety: a loaded profile is immutable and may be shared.
#ifndef KARTA_LIB_SITE_PROFILE_H_
#define KARTA_LIB_SITE_PROFILE_H_

#include <re2/re2.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "lib/html.h"
#include "lib/status.h"

namespace karta {

struct SiteProfile {
  std::string path;
  std::string name;
  std::vector<std::string> start;
  std::vector<std::unique_ptr<RE2>> follow;
  std::vector<std::unique_ptr<RE2>> ads;
  int max_depth = 1000;
  int64_t max_pages = 100000;
  std::optional<double> delay;
  bool emit_all = false;  // rows for listing pages too (else only ads and failures)
  bool same_host = true;
  std::vector<std::pair<std::string, XPathField>> fields;
  std::vector<std::string> headers;
  std::vector<std::string> resolve;  // HOST:PORT:ADDRESS, as --resolve
  std::string cookie;
  std::string contact;
  std::string date_field;  // the field whose text becomes posted_at ("" : none)

  // True when `url` matches an `ads` pattern.
  bool IsAd(const std::string& url) const;
  // True when `url` matches a `follow` pattern.
  bool IsListing(const std::string& url) const;
};

// Reads and checks the profile at `path`; errors are usage errors.
Result<SiteProfile> LoadSiteProfile(const std::string& path);

// Parses profile text; `path` names it in messages.
Result<SiteProfile> ParseSiteProfile(std::string_view text, const std::string& path);

}  // namespace karta

#endif  // KARTA_LIB_SITE_PROFILE_H_
