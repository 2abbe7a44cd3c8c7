// libFuzzer target: the WARC reader (gzip members or plain) and the HTTP
// response parser of replay, with a small block limit.
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "lib/warc.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static std::string path = [] {
    char p[] = "/tmp/karta-fuzz-warc-XXXXXX";
    int fd = mkstemp(p);
    if (fd < 0) std::abort();
    close(fd);
    return std::string(p);
  }();
  FILE* f = std::fopen(path.c_str(), "wb");
  if (!f) std::abort();
  std::fwrite(data, 1, size, f);
  std::fclose(f);
  auto r = karta::WarcReader::Open(path, 1 << 16);
  if (!r.ok()) return 0;
  karta::WarcRecord rec;
  for (int n = 0; n < 10000; ++n) {
    auto more = (*r)->Next(&rec);
    if (!more.ok() || !*more) break;
    rec.Get("WARC-Type");
    karta::HttpMessage m = karta::ParseHttpResponse(rec.block, 1 << 20);
    if (m.body.size() > (1u << 20)) std::abort();  // the limit holds
    karta::ParseWarcFields(rec.block);
  }
  std::string_view s(reinterpret_cast<const char*>(data), size);
  if (karta::UnescapeField(karta::EscapeField(s)) != s) std::abort();
  return 0;
}
