#include "lib/purge.h"

#include <dirent.h>
#include <fmt/format.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "lib/audit.h"
#include "lib/crawl.h"
#include "lib/store.h"

namespace karta {

Result<int64_t> PurgeDedupeState(const std::string& path, int64_t cutoff) {
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE, nullptr) != SQLITE_OK) {
    std::string msg = db ? sqlite3_errmsg(db) : "out of memory";
    sqlite3_close(db);
    return Status::Io(fmt::format("{}: cannot open the dedupe state: {}", path, msg));
  }
  auto exec = [&](const std::string& sql) -> Status {
    char* err = nullptr;
    if (sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
      std::string msg = err ? err : "unknown error";
      sqlite3_free(err);
      return Status::Io(
          fmt::format("{}: dedupe state: {} (is it a dedupe --state file?)", path, msg));
    }
    return Status::Ok();
  };
  Status st = exec("PRAGMA secure_delete=ON; BEGIN IMMEDIATE;");
  int64_t removed = 0;
  if (st.ok()) {
    st = exec(fmt::format("DELETE FROM records WHERE time < {} OR time = 0;", cutoff));
    removed = sqlite3_changes64(db);
  }
  if (st.ok()) st = exec("DELETE FROM idents WHERE seq NOT IN (SELECT seq FROM records); COMMIT;");
  if (st.ok()) st = exec("PRAGMA wal_checkpoint(TRUNCATE); VACUUM;");
  sqlite3_close(db);
  if (!st.ok()) return st;
  return removed;
}

namespace {

Result<int64_t> PurgeWarcDir(const std::string& dir, int64_t cutoff) {
  DIR* d = ::opendir(dir.c_str());
  if (!d) {
    return Status::Io(
        fmt::format("{}: cannot read the WARC directory: {}", dir, std::strerror(errno)));
  }
  int64_t removed = 0;
  Status st;
  while (struct dirent* e = ::readdir(d)) {
    std::string name = e->d_name;
    if (!(name.ends_with(".warc") || name.ends_with(".warc.gz"))) continue;
    std::string path = dir + "/" + name;
    struct stat sb;
    if (::lstat(path.c_str(), &sb) != 0 || !S_ISREG(sb.st_mode)) continue;
    if (sb.st_mtime >= cutoff) continue;
    if (::unlink(path.c_str()) != 0) {
      st = Status::Io(fmt::format("{}: cannot remove: {}", path, std::strerror(errno)));
      break;
    }
    ++removed;
  }
  ::closedir(d);
  if (!st.ok()) return st;
  return removed;
}

}  // namespace

Result<std::vector<PurgeLine>> PurgeAll(const PurgeTargets& t, int64_t cutoff) {
  std::vector<PurgeLine> out;
  std::string cut = FormatTime(cutoff);
  if (!t.history.empty()) {
    KARTA_ASSIGN_OR_RETURN(auto store, Store::Open(t.history, true));
    KARTA_ASSIGN_OR_RETURN(auto r, store->Purge(cut));
    out.push_back({"history", t.history, r.ads, "ads"});
    // HOOK (outreach): purge the outreach tables of the same store here.
  }
  if (!t.dedupe_state.empty()) {
    KARTA_ASSIGN_OR_RETURN(auto r, PurgeDedupeState(t.dedupe_state, cutoff));
    out.push_back({"dedupe state", t.dedupe_state, r, "records"});
  }
  if (!t.crawl_state.empty()) {
    KARTA_ASSIGN_OR_RETURN(auto r, CrawlState::Purge(t.crawl_state, cutoff));
    out.push_back({"crawl state", t.crawl_state, r, "pages"});
  }
  if (!t.warc_dir.empty()) {
    KARTA_ASSIGN_OR_RETURN(auto r, PurgeWarcDir(t.warc_dir, cutoff));
    out.push_back({"warc", t.warc_dir, r, "files"});
  }
  if (!t.audit_log.empty()) {
    KARTA_ASSIGN_OR_RETURN(auto r, PurgeAuditLog(t.audit_log, cut));
    out.push_back({"audit log", t.audit_log, r, "lines"});
  }
  return out;
}

}  // namespace karta
