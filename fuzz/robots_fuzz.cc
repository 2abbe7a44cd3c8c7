// libFuzzer target: robots.txt parsing and matching. The first line is a
// URL path, the rest the robots.txt body.
#include <cstdint>
#include <string_view>

#include "lib/robots.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  size_t nl = in.find('\n');
  std::string_view path = nl == std::string_view::npos ? "/" : in.substr(0, nl);
  std::string_view body = nl == std::string_view::npos ? in : in.substr(nl + 1);
  auto r = karta::Robots::Parse(body, "karta");
  r.Allowed(path);
  r.Allowed(karta::UrlPathAndQuery(path));
  r.Allowed("/");
  karta::Robots::ForStatus(200, body, "karta").Allowed(path);
  return 0;
}
