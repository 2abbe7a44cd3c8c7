#include "lib/basemap.h"

#include <doctest/doctest.h>

namespace karta {

TEST_CASE("basemap: the embedded script defines the layers and the label placer") {
  std::string s = BasemapScript();
  CHECK(s.rfind("<script>\n", 0) == 0);
  CHECK(s.find("var KARTA_BASEMAP_LAYERS") != std::string::npos);
  CHECK(s.find("var KARTA_MAP") != std::string::npos);
  // Three layers, each an inlined PNG: nothing is fetched.
  size_t pngs = 0;
  for (size_t p = s.find("data:image/png;base64,"); p != std::string::npos;
       p = s.find("data:image/png;base64,", p + 1)) {
    ++pngs;
  }
  CHECK(pngs == 3);
  CHECK(s.find("http://") == std::string::npos);
  CHECK(s.find("https://") == std::string::npos);
  CHECK(s.find("</script>", 9) == s.size() - 10);
}

}  // namespace karta
