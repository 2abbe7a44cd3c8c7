#include "lib/crawl.h"

#include <fmt/format.h>
#include <sqlite3.h>
#include <sys/stat.h>

#include <charconv>
#include <ctime>
#include <utility>

namespace karta {
namespace {

sqlite3* Db(void* p) { return static_cast<sqlite3*>(p); }
sqlite3_stmt* St(void* p) { return static_cast<sqlite3_stmt*>(p); }

void Bind(sqlite3_stmt* s, int i, std::string_view v) {
  sqlite3_bind_text(s, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
}

std::string Col(sqlite3_stmt* s, int i) {
  const unsigned char* t = sqlite3_column_text(s, i);
  return t ? std::string(reinterpret_cast<const char*>(t)) : std::string();
}

constexpr const char* kSchema = R"(
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS pages (
  url TEXT PRIMARY KEY,
  seq INTEGER NOT NULL DEFAULT 0,
  queued_run INTEGER NOT NULL DEFAULT 0,
  done_run INTEGER NOT NULL DEFAULT 0,
  depth INTEGER NOT NULL DEFAULT 0,
  kind TEXT NOT NULL DEFAULT '',
  etag TEXT NOT NULL DEFAULT '',
  last_modified TEXT NOT NULL DEFAULT '',
  sha256 TEXT NOT NULL DEFAULT '',
  status INTEGER NOT NULL DEFAULT 0,
  row BLOB,
  done_at INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS pages_frontier ON pages (queued_run, done_run, seq);
)";

// A row as stored: each field as its length in decimal, ':', its bytes.
std::string EncodeRow(const std::vector<std::string>& row) {
  std::string out;
  for (const std::string& f : row) {
    out += std::to_string(f.size());
    out.push_back(':');
    out += f;
  }
  return out;
}

std::vector<std::string> DecodeRow(const void* data, int n) {
  std::vector<std::string> out;
  std::string_view s(static_cast<const char*>(data), n > 0 ? static_cast<size_t>(n) : 0);
  while (!s.empty()) {
    size_t colon = s.find(':');
    if (colon == std::string_view::npos || colon == 0 || colon > 12) return {};
    size_t len = 0;
    for (size_t i = 0; i < colon; ++i) {
      if (s[i] < '0' || s[i] > '9') return {};
      len = len * 10 + static_cast<size_t>(s[i] - '0');
    }
    if (len > s.size() - colon - 1) return {};
    out.emplace_back(s.substr(colon + 1, len));
    s.remove_prefix(colon + 1 + len);
  }
  return out;
}

// States from before a column existed get it (rows kept for 304s; the time
// a page was last written, for purge).
Status AddMissingColumns(sqlite3* db, const std::string& path) {
  static constexpr std::pair<const char*, const char*> kColumns[] = {
      {"row", "ALTER TABLE pages ADD COLUMN row BLOB"},
      {"done_at", "ALTER TABLE pages ADD COLUMN done_at INTEGER NOT NULL DEFAULT 0"}};
  for (const auto& [name, alter] : kColumns) {
    sqlite3_stmt* probe = nullptr;
    std::string sql = fmt::format("SELECT {} FROM pages LIMIT 0", name);
    bool missing = sqlite3_prepare_v2(db, sql.c_str(), -1, &probe, nullptr) != SQLITE_OK;
    sqlite3_finalize(probe);
    if (missing && sqlite3_exec(db, alter, nullptr, nullptr, nullptr) != SQLITE_OK) {
      return Status::Io(fmt::format("{}: crawl state: {}", path, sqlite3_errmsg(db)));
    }
  }
  return Status::Ok();
}

}  // namespace

Result<int64_t> CrawlState::Purge(const std::string& path, int64_t cutoff) {
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE, nullptr) != SQLITE_OK) {
    std::string msg = db ? sqlite3_errmsg(db) : "out of memory";
    sqlite3_close(db);
    return Status::Io(fmt::format("{}: cannot open the crawl state: {}", path, msg));
  }
  sqlite3_busy_timeout(db, 5000);
  auto exec = [&](const std::string& sql) -> Status {
    char* err = nullptr;
    if (sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
      std::string msg = err ? err : "unknown error";
      sqlite3_free(err);
      return Status::Io(
          fmt::format("{}: crawl state: {} (is it a fetch --state file?)", path, msg));
    }
    return Status::Ok();
  };
  Status st = exec("PRAGMA secure_delete=ON; BEGIN IMMEDIATE;");
  if (st.ok()) st = AddMissingColumns(db, path);
  int64_t removed = 0;
  if (st.ok()) {
    // Pages written before the cutoff, and pages with no time (from states
    // older than the column: their age is unknown, so they count as old);
    // the frontier of an interrupted run stays, so that --resume finds it.
    st = exec(fmt::format(
        "DELETE FROM pages WHERE done_at < {} AND NOT (done_run < queued_run AND queued_run = "
        "(SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'run'));",
        cutoff));
    removed = sqlite3_changes64(db);
  }
  if (st.ok()) st = exec("COMMIT; PRAGMA wal_checkpoint(TRUNCATE); VACUUM;");
  if (!st.ok()) exec("ROLLBACK");
  sqlite3_close(db);
  if (!st.ok()) return st;
  return removed;
}

Status CrawlState::Exec(const char* sql) {
  char* err = nullptr;
  if (sqlite3_exec(Db(db_), sql, nullptr, nullptr, &err) != SQLITE_OK) {
    std::string msg = err ? err : "unknown error";
    sqlite3_free(err);
    return Status::Io(fmt::format("{}: crawl state: {}", path_, msg));
  }
  return Status::Ok();
}

Result<std::unique_ptr<CrawlState>> CrawlState::Open(const std::string& path, bool resume) {
  std::unique_ptr<CrawlState> s(new CrawlState());
  s->path_ = path;
  struct stat st;
  bool existed = ::stat(path.c_str(), &st) == 0;
  if (resume && !existed) {
    return Status::Usage(
        fmt::format("{}: no crawl state to resume (run once with --state {} and without --resume)",
                    path, path));
  }
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr) !=
      SQLITE_OK) {
    std::string msg = db ? sqlite3_errmsg(db) : "cannot open";
    if (db) sqlite3_close(db);
    return Status::Io(fmt::format("{}: cannot open the crawl state ({})", path, msg));
  }
  s->db_ = db;
  if (!existed) ::chmod(path.c_str(), 0600);
  sqlite3_busy_timeout(db, 5000);
  KARTA_RETURN_IF_ERROR(s->Exec("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"));
  Status schema = s->Exec(kSchema);
  if (!schema.ok()) {
    return Status::Data(fmt::format("{}: not a karta crawl state ({})", path, schema.message()));
  }
  KARTA_RETURN_IF_ERROR(AddMissingColumns(db, path));
  KARTA_ASSIGN_OR_RETURN(auto run, s->GetMeta("run"));
  // Values read from disk may be damaged: parse without throwing (std::stoll
  // aborted the tool on a corrupt state).
  auto number = [&](const std::string& v, const char* key) -> Result<int64_t> {
    int64_t n = 0;
    if (v.empty()) return n;
    auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
    if (ec != std::errc() || end != v.data() + v.size() || n < 0) {
      return Status::Data(
          fmt::format("{}: the crawl state is damaged ({} is '{}', not a count); "
                      "start a new state file",
                      path, key, v.substr(0, 40)));
    }
    return n;
  };
  KARTA_ASSIGN_OR_RETURN(auto last_run, number(run, "run"));
  int64_t last = last_run;
  if (resume) {
    if (last == 0) {
      return Status::Usage(fmt::format("{}: the crawl state holds no run to resume", path));
    }
    s->run_ = last;
    KARTA_ASSIGN_OR_RETURN(auto ob, s->GetMeta("out_bytes"));
    KARTA_ASSIGN_OR_RETURN(auto bytes, number(ob, "out_bytes"));
    s->out_bytes_ = bytes;
  } else {
    s->run_ = last + 1;
    KARTA_RETURN_IF_ERROR(s->SetMeta("run", std::to_string(s->run_)));
    KARTA_RETURN_IF_ERROR(s->SetMeta("out_bytes", "0"));
  }
  auto prep = [&](const char* sql, void** out) -> Status {
    sqlite3_stmt* stmt = nullptr;
    if (sqlite3_prepare_v2(db, sql, -1, &stmt, nullptr) != SQLITE_OK) {
      return Status::Io(fmt::format("{}: crawl state: {}", path, sqlite3_errmsg(db)));
    }
    *out = stmt;
    return Status::Ok();
  };
  KARTA_RETURN_IF_ERROR(
      prep("INSERT INTO pages (url, seq, queued_run, depth, kind) VALUES (?1, ?5, ?2, ?3, ?4) "
           "ON CONFLICT(url) DO UPDATE SET queued_run = ?2, depth = ?3, kind = ?4, seq = ?5 "
           "WHERE queued_run != ?2",
           &s->queue_stmt_));
  KARTA_RETURN_IF_ERROR(prep(
      "INSERT INTO pages (url, queued_run, done_run, depth, kind, etag, last_modified, sha256, "
      "status, row, done_at) VALUES (?1, ?2, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10) "
      "ON CONFLICT(url) DO UPDATE SET queued_run = ?2, done_run = ?2, etag = ?5, "
      "last_modified = ?6, sha256 = ?7, status = ?8, row = COALESCE(?9, row), done_at = ?10",
      &s->done_stmt_));
  KARTA_RETURN_IF_ERROR(prep(
      "SELECT url, depth, kind, queued_run, done_run, etag, last_modified, sha256, status, row "
      "FROM pages WHERE url = ?1",
      &s->lookup_stmt_));
  KARTA_RETURN_IF_ERROR(prep(
      "INSERT INTO meta (key, value) VALUES (?1, ?2) ON CONFLICT(key) DO UPDATE SET value = ?2",
      &s->meta_stmt_));
  sqlite3_stmt* cnt = nullptr;
  sqlite3_prepare_v2(db, "SELECT COALESCE(MAX(seq), 0) FROM pages", -1, &cnt, nullptr);
  if (sqlite3_step(cnt) == SQLITE_ROW) s->seq_ = sqlite3_column_int64(cnt, 0);
  sqlite3_finalize(cnt);
  cnt = nullptr;
  sqlite3_prepare_v2(db, "SELECT COUNT(*) FROM pages WHERE done_run = ?1", -1, &cnt, nullptr);
  sqlite3_bind_int64(cnt, 1, s->run_);
  if (sqlite3_step(cnt) == SQLITE_ROW) s->done_count_ = sqlite3_column_int64(cnt, 0);
  sqlite3_finalize(cnt);
  return s;
}

CrawlState::~CrawlState() {
  for (void* s : {queue_stmt_, done_stmt_, lookup_stmt_, meta_stmt_}) {
    if (s) sqlite3_finalize(St(s));
  }
  if (db_) sqlite3_close(Db(db_));
}

Result<std::optional<CrawlState::Page>> CrawlState::Lookup(std::string_view url) {
  sqlite3_stmt* s = St(lookup_stmt_);
  sqlite3_reset(s);
  Bind(s, 1, url);
  int rc = sqlite3_step(s);
  if (rc == SQLITE_DONE) return std::optional<Page>();
  if (rc != SQLITE_ROW)
    return Status::Io(fmt::format("{}: crawl state: {}", path_, sqlite3_errmsg(Db(db_))));
  Page p;
  p.url = Col(s, 0);
  p.depth = sqlite3_column_int(s, 1);
  p.kind = Col(s, 2);
  p.queued = sqlite3_column_int64(s, 3) == run_;
  p.done = sqlite3_column_int64(s, 4) == run_;
  p.etag = Col(s, 5);
  p.last_modified = Col(s, 6);
  p.sha256 = Col(s, 7);
  p.status = sqlite3_column_int(s, 8);
  if (sqlite3_column_type(s, 9) != SQLITE_NULL) {
    p.row = DecodeRow(sqlite3_column_blob(s, 9), sqlite3_column_bytes(s, 9));
  }
  sqlite3_reset(s);
  return std::optional<Page>(std::move(p));
}

Result<bool> CrawlState::Queue(std::string_view url, int depth, std::string_view kind) {
  sqlite3_stmt* s = St(queue_stmt_);
  sqlite3_reset(s);
  Bind(s, 1, url);
  sqlite3_bind_int64(s, 2, run_);
  sqlite3_bind_int(s, 3, depth);
  Bind(s, 4, kind);
  sqlite3_bind_int64(s, 5, ++seq_);
  if (sqlite3_step(s) != SQLITE_DONE) {
    return Status::Io(fmt::format("{}: crawl state: {}", path_, sqlite3_errmsg(Db(db_))));
  }
  bool changed = sqlite3_changes(Db(db_)) > 0;
  sqlite3_reset(s);
  return changed;
}

Status CrawlState::MarkDone(const Page& p, int64_t out_bytes) {
  KARTA_RETURN_IF_ERROR(Exec("BEGIN"));
  sqlite3_stmt* s = St(done_stmt_);
  sqlite3_reset(s);
  Bind(s, 1, p.url);
  sqlite3_bind_int64(s, 2, run_);
  sqlite3_bind_int(s, 3, p.depth);
  Bind(s, 4, p.kind);
  Bind(s, 5, p.etag);
  Bind(s, 6, p.last_modified);
  Bind(s, 7, p.sha256);
  sqlite3_bind_int64(s, 8, p.status);
  std::string row;
  if (p.row.empty()) {
    sqlite3_bind_null(s, 9);
  } else {
    row = EncodeRow(p.row);
    sqlite3_bind_blob(s, 9, row.data(), static_cast<int>(row.size()), SQLITE_STATIC);
  }
  sqlite3_bind_int64(s, 10, static_cast<int64_t>(std::time(nullptr)));
  if (sqlite3_step(s) != SQLITE_DONE) {
    std::string msg = sqlite3_errmsg(Db(db_));
    Exec("ROLLBACK");
    return Status::Io(fmt::format("{}: crawl state: {}", path_, msg));
  }
  sqlite3_reset(s);
  if (out_bytes >= 0) {
    KARTA_RETURN_IF_ERROR(SetMeta("out_bytes", std::to_string(out_bytes)));
    out_bytes_ = out_bytes;
  }
  ++done_count_;
  return Exec("COMMIT");
}

Result<std::vector<CrawlState::Page>> CrawlState::Frontier() {
  sqlite3_stmt* s = nullptr;
  sqlite3_prepare_v2(Db(db_),
                     "SELECT url, depth, kind, etag, last_modified, sha256 FROM pages "
                     "WHERE queued_run = ?1 AND done_run != ?1 ORDER BY seq",
                     -1, &s, nullptr);
  sqlite3_bind_int64(s, 1, run_);
  std::vector<Page> out;
  while (sqlite3_step(s) == SQLITE_ROW) {
    Page p;
    p.url = Col(s, 0);
    p.depth = sqlite3_column_int(s, 1);
    p.kind = Col(s, 2);
    p.etag = Col(s, 3);
    p.last_modified = Col(s, 4);
    p.sha256 = Col(s, 5);
    p.queued = true;
    out.push_back(std::move(p));
  }
  sqlite3_finalize(s);
  return out;
}

Result<std::string> CrawlState::GetMeta(std::string_view key) {
  sqlite3_stmt* s = nullptr;
  if (sqlite3_prepare_v2(Db(db_), "SELECT value FROM meta WHERE key = ?1", -1, &s, nullptr) !=
      SQLITE_OK) {
    return Status::Io(fmt::format("{}: crawl state: {}", path_, sqlite3_errmsg(Db(db_))));
  }
  Bind(s, 1, key);
  std::string v;
  if (sqlite3_step(s) == SQLITE_ROW) v = Col(s, 0);
  sqlite3_finalize(s);
  return v;
}

Status CrawlState::SetMeta(std::string_view key, std::string_view value) {
  sqlite3_stmt* s = nullptr;
  if (meta_stmt_) {
    s = St(meta_stmt_);
    sqlite3_reset(s);
  } else if (sqlite3_prepare_v2(Db(db_),
                                "INSERT INTO meta (key, value) VALUES (?1, ?2) ON CONFLICT(key) "
                                "DO UPDATE SET value = ?2",
                                -1, &s, nullptr) != SQLITE_OK) {
    return Status::Io(fmt::format("{}: crawl state: {}", path_, sqlite3_errmsg(Db(db_))));
  }
  Bind(s, 1, key);
  Bind(s, 2, value);
  int rc = sqlite3_step(s);
  if (meta_stmt_) {
    sqlite3_reset(s);
  } else {
    sqlite3_finalize(s);
  }
  if (rc != SQLITE_DONE) {
    return Status::Io(fmt::format("{}: crawl state: {}", path_, sqlite3_errmsg(Db(db_))));
  }
  return Status::Ok();
}

}  // namespace karta
