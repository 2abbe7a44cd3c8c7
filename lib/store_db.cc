#include "lib/store_db.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstdio>
#include <cstring>
#include <unordered_map>

namespace karta {

int64_t SqlRow::Int(int i) const {
  std::string_view t = Text(i);
  int64_t v = 0;
  std::from_chars(t.data(), t.data() + t.size(), v);
  return v;
}

bool IsPostgresUrl(std::string_view s) {
  return s.starts_with("postgresql://") || s.starts_with("postgres://");
}

std::string PgSchemaSql(std::string_view in) {
  std::string s(in);
  auto replace_all = [&](std::string_view from, std::string_view to) {
    for (size_t p = 0; (p = s.find(from, p)) != std::string::npos; p += to.size()) {
      s.replace(p, from.size(), to);
    }
  };
  replace_all("INTEGER PRIMARY KEY", "BIGSERIAL PRIMARY KEY");
  replace_all("INTEGER", "BIGINT");
  replace_all(" WITHOUT ROWID", "");
  return s;
}

namespace {

class SqliteRow : public SqlRow {
 public:
  explicit SqliteRow(sqlite3_stmt* s) : s_(s) {}
  bool IsNull(int i) const override { return sqlite3_column_type(s_, i) == SQLITE_NULL; }
  std::string_view Text(int i) const override {
    const unsigned char* t = sqlite3_column_text(s_, i);
    if (!t) return {};
    return {reinterpret_cast<const char*>(t), static_cast<size_t>(sqlite3_column_bytes(s_, i))};
  }

 private:
  sqlite3_stmt* s_;
};

class SqliteDb : public SqlDb {
 public:
  SqliteDb(sqlite3* db, std::string path) : db_(db), path_(std::move(path)) {}
  ~SqliteDb() override {
    for (auto& [sql, s] : cache_) sqlite3_finalize(s);
    sqlite3_finalize(copy_);
    sqlite3_close_v2(db_);
  }
  Kind kind() const override { return Kind::kSqlite; }
  const std::string& name() const override { return path_; }

  Status Error(std::string_view what) const {
    const char* msg = db_ ? sqlite3_errmsg(db_) : "out of memory";
    int code = db_ ? sqlite3_errcode(db_) : SQLITE_NOMEM;
    if ((code & 0xff) == SQLITE_NOTADB) {
      return Status::Usage(fmt::format("{}: not a karta history store ({})", path_, msg));
    }
    if ((code & 0xff) == SQLITE_CORRUPT) {
      return Status::Data(fmt::format(
          "{}: {}: the history store is damaged ({}); restore it from a backup", path_, what, msg));
    }
    if ((code & 0xff) == SQLITE_BUSY) {
      return Status::Io(fmt::format(
          "{}: {}: the store is busy (another karta is recording into it; try again when it is "
          "done)",
          path_, what));
    }
    return Status::Io(fmt::format("{}: {}: {}", path_, what, msg));
  }

  Status Exec(std::string_view sql) override {
    std::string s(sql);
    char* err = nullptr;
    int rc = sqlite3_exec(db_, s.c_str(), nullptr, nullptr, &err);
    sqlite3_free(err);
    if (rc != SQLITE_OK) return Error("database error");
    return Status::Ok();
  }

  Status Query(std::string_view sql, const SqlParams& params, const SqlEach& each) override {
    auto it = cache_.find(std::string(sql));
    sqlite3_stmt* s = nullptr;
    if (it != cache_.end()) {
      s = it->second;
    } else {
      if (sqlite3_prepare_v2(db_, sql.data(), static_cast<int>(sql.size()), &s, nullptr) !=
          SQLITE_OK) {
        return Error("database error");
      }
      cache_.emplace(std::string(sql), s);
    }
    sqlite3_reset(s);
    sqlite3_clear_bindings(s);
    for (size_t i = 0; i < params.size(); ++i) {
      std::string name = fmt::format("${}", i + 1);
      int idx = sqlite3_bind_parameter_index(s, name.c_str());
      if (idx == 0) continue;  // the statement does not use it
      sqlite3_bind_text(s, idx, params[i].data(), static_cast<int>(params[i].size()),
                        SQLITE_STATIC);
    }
    SqliteRow row(s);
    int rc;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
      if (each) {
        Status st = each(row);
        if (!st.ok()) {
          sqlite3_reset(s);
          return st;
        }
      }
    }
    if (rc != SQLITE_DONE) {
      Status st = Error("database error");
      sqlite3_reset(s);
      return st;
    }
    changes_ = sqlite3_changes(db_);
    sqlite3_reset(s);
    return Status::Ok();
  }

  int64_t Changes() override { return changes_; }
  Status Begin() override { return Exec("BEGIN IMMEDIATE"); }

  Status BeginCopy(std::string_view table, const std::vector<std::string>& columns) override {
    std::string sql = fmt::format("INSERT INTO {}({}) VALUES(", table, fmt::join(columns, ","));
    for (size_t i = 0; i < columns.size(); ++i) sql += i ? ",?" : "?";
    sql += ")";
    if (copy_sql_ != sql) {
      sqlite3_finalize(copy_);
      copy_ = nullptr;
      if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &copy_, nullptr) != SQLITE_OK) {
        return Error("preparing the store");
      }
      copy_sql_ = sql;
    }
    return Status::Ok();
  }
  Status CopyRow(const std::vector<std::string_view>& fields) override {
    sqlite3_reset(copy_);
    for (size_t i = 0; i < fields.size(); ++i) {
      sqlite3_bind_text(copy_, static_cast<int>(i + 1), fields[i].data(),
                        static_cast<int>(fields[i].size()), SQLITE_STATIC);
    }
    if (sqlite3_step(copy_) != SQLITE_DONE) return Error("recording");
    return Status::Ok();
  }
  Status EndCopy() override {
    sqlite3_reset(copy_);
    return Status::Ok();
  }

 private:
  sqlite3* db_;
  std::string path_;
  std::unordered_map<std::string, sqlite3_stmt*> cache_;
  sqlite3_stmt* copy_ = nullptr;
  std::string copy_sql_;
  int64_t changes_ = 0;
};

}  // namespace

Result<std::unique_ptr<SqlDb>> OpenSqliteDb(const std::string& path, bool must_exist, bool check) {
  struct stat st;
  bool exists = ::stat(path.c_str(), &st) == 0;
  if (!exists) {
    if (must_exist) {
      return Status::Usage(fmt::format(
          "{}: no such history store (record a run first: ... | karta history record --store {})",
          path, path));
    }
    // Create it 0600 ourselves: SQLite would use the umask, and gives its
    // -wal and -shm files the mode of the database file.
    int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0 && errno != EEXIST) {
      return Status::Io(
          fmt::format("{}: cannot create the history store: {}", path, std::strerror(errno)));
    }
    if (fd >= 0) ::close(fd);
  } else if (S_ISDIR(st.st_mode)) {
    return Status::Usage(fmt::format("{}: is a directory, not a history store file", path));
  }
  sqlite3* raw = nullptr;
  int rc =
      sqlite3_open_v2(path.c_str(), &raw, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, nullptr);
  auto db = std::make_unique<SqliteDb>(raw, path);
  if (rc != SQLITE_OK) return db->Error("cannot open the history store");
  sqlite3_busy_timeout(raw, 30000);
  sqlite3_extended_result_codes(raw, 1);
  // Check that this is a SQLite file, and an undamaged one, before changing
  // anything: a damaged store is bad data (exit 1), another kind of file a
  // usage error (exit 2).
  if (Status s = db->Exec("SELECT count(*) FROM sqlite_master"); !s.ok()) {
    char magic[16] = {};
    FILE* f = std::fopen(path.c_str(), "rb");
    bool sqlite = f != nullptr && std::fread(magic, 1, 16, f) == 16 &&
                  std::memcmp(magic, "SQLite format 3", 16) == 0;
    if (f) std::fclose(f);
    if (sqlite) {
      return Status::Data(
          fmt::format("{}: the history store is damaged ({}); restore it from a backup", path,
                      sqlite3_errmsg(raw)));
    }
    return Status::Usage(
        fmt::format("{}: not a karta history store ({})", path, sqlite3_errmsg(raw)));
  }
  if (check) {
    std::string verdict;
    Status q = db->Query("PRAGMA quick_check", {}, [&](const SqlRow& r) {
      if (verdict.empty()) verdict = r.Str(0);
      return Status::Ok();
    });
    if (!q.ok() || verdict != "ok") {
      return Status::Data(fmt::format(
          "{}: the history store is damaged (SQLite quick_check: {}); restore it from a backup",
          path, q.ok() ? verdict.substr(0, 200) : q.message()));
    }
  }
  KARTA_RETURN_IF_ERROR(db->Exec("PRAGMA journal_mode=WAL"));
  KARTA_RETURN_IF_ERROR(db->Exec("PRAGMA synchronous=FULL"));
  KARTA_RETURN_IF_ERROR(db->Exec("PRAGMA secure_delete=ON"));
  KARTA_RETURN_IF_ERROR(db->Exec("PRAGMA foreign_keys=ON"));
  return std::unique_ptr<SqlDb>(std::move(db));
}

}  // namespace karta
