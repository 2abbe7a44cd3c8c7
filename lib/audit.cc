#include "lib/audit.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <openssl/evp.h>
#include <pwd.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>

#include "lib/text.h"

namespace karta {
namespace {

std::atomic<int64_t> g_records_in{-1};
std::atomic<int64_t> g_records_out{-1};

bool SecretOption(std::string_view name) {
  while (!name.empty() && name.front() == '-') name.remove_prefix(1);
  static const std::string_view kWords[] = {"pseudonymize", "new-key", "key",        "password",
                                            "token",        "secret",  "passphrase", "credentials"};
  for (std::string_view w : kWords) {
    if (name == w) return true;
    if (w.size() >= 3 && name.find(w) != std::string_view::npos &&
        (w == "key" || w == "password" || w == "token" || w == "secret")) {
      return true;
    }
  }
  return false;
}

// "https://user:pw@host/" -> "https://***@host/".
std::string MaskUrlPassword(const std::string& a) {
  size_t scheme = a.find("://");
  if (scheme == std::string::npos) return a;
  size_t at = a.find('@', scheme + 3);
  size_t slash = a.find('/', scheme + 3);
  if (at == std::string::npos || (slash != std::string::npos && slash < at)) return a;
  return a.substr(0, scheme + 3) + "***" + a.substr(at);
}

std::string ConfigPath() {
  if (const char* c = std::getenv("KARTA_CONFIG"); c && *c) return c;
  if (const char* x = std::getenv("XDG_CONFIG_HOME"); x && *x) {
    return std::string(x) + "/karta/config.toml";
  }
  if (const char* h = std::getenv("HOME"); h && *h)
    return std::string(h) + "/.config/karta/config.toml";
  return "";
}

}  // namespace

std::string Rfc3339Utc(std::time_t t) {
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

Result<std::string> AuditLogPath() {
  if (const char* e = std::getenv("KARTA_AUDIT_LOG"); e && *e) return std::string(e);
  std::string cfg = ConfigPath();
  if (cfg.empty()) return std::string();
  std::ifstream in(cfg);
  if (!in) return std::string();  // no config file: auditing is off
  std::string line;
  int n = 0;
  while (std::getline(in, line)) {
    ++n;
    std::string_view l = line;
    while (!l.empty() && (l.front() == ' ' || l.front() == '\t')) l.remove_prefix(1);
    if (l.empty() || l.front() == '#') continue;
    if (l.front() == '[') break;  // top-level keys only
    if (l.substr(0, 9) != "audit_log") continue;
    size_t q1 = l.find('"'), q2 = l.rfind('"');
    if (q1 == std::string_view::npos || q2 == q1) {
      return Status::Usage(
          fmt::format("{}:{}: audit_log must be a quoted path, e.g. audit_log = "
                      "\"/srv/karta/audit.jsonl\"",
                      cfg, n));
    }
    return std::string(l.substr(q1 + 1, q2 - q1 - 1));
  }
  return std::string();
}

void AuditNoteRecords(int64_t in, int64_t out) {
  g_records_in.store(in);
  g_records_out.store(out);
}

std::vector<std::string> MaskArguments(const std::vector<std::string>& args) {
  std::vector<std::string> out;
  bool mask_next = false;
  for (const std::string& a : args) {
    if (mask_next) {
      out.push_back("***");
      mask_next = false;
      continue;
    }
    if (a.size() > 1 && a[0] == '-') {
      size_t eq = a.find('=');
      std::string name = a.substr(0, eq);
      if (SecretOption(name)) {
        if (eq == std::string::npos) {
          mask_next = true;
          out.push_back(a);
        } else {
          out.push_back(name + "=***");
        }
        continue;
      }
    }
    out.push_back(MaskUrlPassword(a));
  }
  return out;
}

Result<std::string> Sha256File(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Status::Io(fmt::format("{}: cannot open: {}", path, std::strerror(errno)));
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  EVP_DigestInit_ex(ctx, EVP_sha256(), nullptr);
  std::vector<char> buf(1 << 16);
  for (;;) {
    ssize_t r = ::read(fd, buf.data(), buf.size());
    if (r < 0 && errno == EINTR) continue;
    if (r < 0) {
      int err = errno;
      ::close(fd);
      EVP_MD_CTX_free(ctx);
      return Status::Io(fmt::format("{}: cannot read: {}", path, std::strerror(err)));
    }
    if (r == 0) break;
    EVP_DigestUpdate(ctx, buf.data(), static_cast<size_t>(r));
  }
  ::close(fd);
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  EVP_DigestFinal_ex(ctx, md, &n);
  EVP_MD_CTX_free(ctx);
  std::string hex;
  for (unsigned int i = 0; i < n; ++i) hex += fmt::format("{:02x}", md[i]);
  return hex;
}

std::string AuditLine(const AuditEntry& e) {
  std::string s = "{\"time\":" + JsonString(Rfc3339Utc(e.time));
  s += ",\"user\":" + JsonString(e.user);
  s += ",\"host\":" + JsonString(e.host);
  s += ",\"tool\":" + JsonString(e.tool);
  s += ",\"args\":[";
  for (size_t i = 0; i < e.args.size(); ++i) s += (i ? "," : "") + JsonString(e.args[i]);
  s += "],\"inputs\":[";
  for (size_t i = 0; i < e.inputs.size(); ++i) {
    s += (i ? "," : "") + std::string("{\"path\":") + JsonString(e.inputs[i].first) +
         ",\"sha256\":" + JsonString(e.inputs[i].second) + "}";
  }
  s += "],\"outputs\":[";
  for (size_t i = 0; i < e.outputs.size(); ++i) s += (i ? "," : "") + JsonString(e.outputs[i]);
  s += "]";
  if (e.records_in >= 0) s += fmt::format(",\"records_in\":{}", e.records_in);
  if (e.records_out >= 0) s += fmt::format(",\"records_out\":{}", e.records_out);
  s += fmt::format(",\"exit\":{}}}\n", e.exit);
  return s;
}

AuditEntry MakeAuditEntry(std::string_view tool, const std::vector<std::string>& args,
                          int exit_code) {
  AuditEntry e;
  e.time = std::time(nullptr);
  if (struct passwd* pw = ::getpwuid(::geteuid()); pw && pw->pw_name) {
    e.user = pw->pw_name;
  } else {
    e.user = fmt::format("uid {}", ::geteuid());
  }
  char host[256] = {0};
  if (::gethostname(host, sizeof host - 1) == 0) e.host = host;
  e.tool = std::string(tool);
  e.args = MaskArguments(args);
  bool next_is_output = false;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (next_is_output) {
      e.outputs.push_back(a);
      next_is_output = false;
      continue;
    }
    if (a == "-o" || a == "--output") {
      next_is_output = true;
      continue;
    }
    if (a.rfind("--output=", 0) == 0) {
      e.outputs.push_back(a.substr(9));
      continue;
    }
    if (e.args[i] == "***" || a.empty() || a[0] == '-') continue;
    struct stat st;
    if (::stat(a.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) continue;
    auto h = Sha256File(a);
    e.inputs.emplace_back(a, h.ok() ? *h : std::string("unreadable"));
  }
  e.records_in = g_records_in.load();
  e.records_out = g_records_out.load();
  e.exit = exit_code;
  return e;
}

Status AppendAuditLine(const std::string& path, std::string_view line) {
  for (int attempt = 0; attempt < 5; ++attempt) {
    int fd = ::open(path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (fd < 0) {
      return Status::Io(
          fmt::format("audit log {}: cannot open for appending: {} (check "
                      "KARTA_AUDIT_LOG or audit_log in the config file)",
                      path, std::strerror(errno)));
    }
    while (::flock(fd, LOCK_SH) != 0 && errno == EINTR) {
    }
    // A purge may have renamed a new file into place while we waited.
    struct stat a, b;
    if (::fstat(fd, &a) == 0 && ::stat(path.c_str(), &b) == 0 &&
        (a.st_ino != b.st_ino || a.st_dev != b.st_dev)) {
      ::close(fd);
      continue;
    }
    ::fchmod(fd, 0600);
    ssize_t w;
    do {
      w = ::write(fd, line.data(), line.size());
    } while (w < 0 && errno == EINTR);
    int err = errno;
    ::close(fd);
    if (w != static_cast<ssize_t>(line.size())) {
      return Status::Io(fmt::format("audit log {}: cannot append: {}", path,
                                    w < 0 ? std::strerror(err) : "short write"));
    }
    return Status::Ok();
  }
  return Status::Io(fmt::format("audit log {}: it keeps being replaced; no line written", path));
}

Status AuditRun(std::string_view tool, const std::vector<std::string>& args, int exit_code) {
  KARTA_ASSIGN_OR_RETURN(auto path, AuditLogPath());
  if (path.empty()) return Status::Ok();
  return AppendAuditLine(path, AuditLine(MakeAuditEntry(tool, args, exit_code)));
}

namespace {

// The JSON string starting at line[i] == '"': its text, and the index just
// past its closing quote.
std::pair<std::string, size_t> ReadString(std::string_view line, size_t i) {
  std::string text;
  size_t j = i + 1;
  while (j < line.size() && line[j] != '"') {
    if (line[j] == '\\' && j + 1 < line.size()) {
      char n = line[++j];
      text.push_back(n == 'n' ? '\n' : n == 't' ? '\t' : n == 'r' ? '\r' : n);
    } else {
      text.push_back(line[j]);
    }
    ++j;
  }
  return {text, j + 1};
}

}  // namespace

std::optional<std::string> AuditField(std::string_view line, std::string_view key) {
  int depth = 0;
  for (size_t i = 0; i < line.size();) {
    char c = line[i];
    if (c == '"') {
      auto [text, next] = ReadString(line, i);
      bool is_key = depth == 1 && next < line.size() && line[next] == ':';
      if (is_key && text == key) {
        size_t v = next + 1;
        if (v < line.size() && line[v] == '"') return ReadString(line, v).first;
        int d = 0;
        size_t e = v;
        bool in_str = false;
        for (; e < line.size(); ++e) {
          char x = line[e];
          if (in_str) {
            if (x == '\\')
              ++e;
            else if (x == '"')
              in_str = false;
          } else if (x == '"') {
            in_str = true;
          } else if (x == '[' || x == '{') {
            ++d;
          } else if (x == ']' || x == '}') {
            if (d == 0) break;
            --d;
          } else if (x == ',' && d == 0) {
            break;
          }
        }
        return std::string(line.substr(v, e - v));
      }
      i = next;
      continue;
    }
    if (c == '{' || c == '[') ++depth;
    if (c == '}' || c == ']') --depth;
    ++i;
  }
  return std::nullopt;
}

Result<int64_t> PurgeAuditLog(const std::string& path, std::string_view cutoff) {
  int fd = ::open(path.c_str(), O_RDWR | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0) {
    if (errno == ENOENT) return int64_t{0};
    return Status::Io(fmt::format("audit log {}: cannot open: {}", path, std::strerror(errno)));
  }
  while (::flock(fd, LOCK_EX) != 0 && errno == EINTR) {
  }
  std::string data;
  char buf[65536];
  for (;;) {
    ssize_t r = ::read(fd, buf, sizeof buf);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) break;
    data.append(buf, static_cast<size_t>(r));
  }
  std::string kept;
  int64_t removed = 0;
  size_t pos = 0;
  while (pos < data.size()) {
    size_t nl = data.find('\n', pos);
    size_t end = nl == std::string::npos ? data.size() : nl + 1;
    std::string_view line(data.data() + pos, end - pos);
    auto t = AuditField(line, "time");
    if (t && *t < cutoff) {
      ++removed;
    } else {
      kept.append(line);
    }
    pos = end;
  }
  if (removed > 0) {
    std::string tmp = path + ".purge-tmp";
    int out = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (out < 0) {
      ::close(fd);
      return Status::Io(fmt::format("{}: cannot create: {}", tmp, std::strerror(errno)));
    }
    ::fchmod(out, 0600);
    bool ok = ::write(out, kept.data(), kept.size()) == static_cast<ssize_t>(kept.size()) &&
              ::fsync(out) == 0;
    ok = ::close(out) == 0 && ok;
    if (!ok || ::rename(tmp.c_str(), path.c_str()) != 0) {
      ::unlink(tmp.c_str());
      ::close(fd);
      return Status::Io(
          fmt::format("audit log {}: cannot rewrite it: {}", path, std::strerror(errno)));
    }
    // The old inode's blocks still hold the removed lines until freed; zero
    // them so that nothing is left for a reader holding it open.
    if (::ftruncate(fd, 0) != 0) {
    }
  }
  ::close(fd);
  return removed;
}

}  // namespace karta
