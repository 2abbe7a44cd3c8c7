#include "lib/datadir.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>

namespace karta {
namespace {

bool Exists(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0;
}

std::string Parent(const std::string& dir) {
  auto slash = dir.find_last_of('/');
  if (slash == std::string::npos) return "";
  return slash == 0 ? "/" : dir.substr(0, slash);
}

}  // namespace

std::string ExecutableDir() {
  std::string buf(4096, '\0');
  ssize_t n = ::readlink("/proc/self/exe", buf.data(), buf.size() - 1);
  if (n <= 0) return "";
  buf.resize(static_cast<size_t>(n));
  return Parent(buf);
}

std::vector<std::string> DataRoots() {
  std::vector<std::string> roots;
  if (const char* env = std::getenv("KARTA_DATA_DIR"); env && *env) roots.emplace_back(env);
  std::string bin = ExecutableDir();
  if (!bin.empty()) {
    std::string prefix = Parent(bin);
    if (Exists(prefix + "/share/karta")) roots.push_back(prefix + "/share/karta");
    if (Exists(prefix + "/data/gazetteer")) roots.push_back(prefix);
  }
  return roots;
}

std::string FindData(std::string_view rel) {
  for (const std::string& root : DataRoots()) {
    std::string path = root + "/" + std::string(rel);
    if (Exists(path)) return path;
  }
  return "";
}

}  // namespace karta
