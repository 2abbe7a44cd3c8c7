// libFuzzer target: the CSV reader (both parse paths, with and without
// --text and --skip-bad) on arbitrary bytes. See fuzz/README.md.
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "lib/csv.h"

namespace {

std::string TempPath() {
  static std::string path = [] {
    char p[] = "/tmp/karta-fuzz-csv-XXXXXX";
    int fd = mkstemp(p);
    if (fd < 0) std::abort();
    close(fd);
    return std::string(p);
  }();
  return path;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  // The first byte picks the options; the rest is the file.
  uint8_t mode = data[0];
  std::string path = TempPath();
  FILE* f = std::fopen(path.c_str(), "wb");
  if (!f) std::abort();
  std::fwrite(data + 1, 1, size - 1, f);
  std::fclose(f);
  karta::CsvOptions o;
  o.text = mode & 1;
  o.skip_bad = mode & 2;
  o.background = mode & 4;
  o.delimiter = (mode & 8) ? ';' : ',';
  if (mode & 16) o.max_field_bytes = 100;  // the slow path and the limit
  auto r = karta::CsvReader::Open({path}, o);
  if (!r.ok()) return 0;
  karta::Record rec;
  size_t width = (*r)->header().size();
  for (int n = 0; n < 100000; ++n) {
    auto more = (*r)->Next(&rec);
    if (!more.ok() || !*more) break;
    if (!o.text && rec.fields.size() != width) std::abort();  // the contract
  }
  return 0;
}
