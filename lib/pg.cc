#include "lib/pg.h"

#include <fmt/format.h>
#include <libpq-fe.h>

namespace karta {

std::string PgRedactUrl(std::string_view url) {
  // scheme://user:password@host... -> scheme://user:***@host...
  size_t scheme = url.find("://");
  if (scheme == std::string_view::npos) return std::string(url);
  size_t start = scheme + 3;
  size_t at = url.find('@', start);
  size_t slash = url.find('/', start);
  if (at == std::string_view::npos || (slash != std::string_view::npos && slash < at)) {
    // No user info; a password may still be given as ?password=...
    std::string s(url);
    size_t p = s.find("password=");
    if (p != std::string::npos) {
      size_t e = s.find('&', p);
      s.replace(p + 9, (e == std::string::npos ? s.size() : e) - (p + 9), "***");
    }
    return s;
  }
  size_t colon = url.find(':', start);
  if (colon == std::string_view::npos || colon > at) return std::string(url);
  return fmt::format("{}***{}", url.substr(0, colon + 1), url.substr(at));
}

namespace {

class PgRow : public SqlRow {
 public:
  explicit PgRow(PGresult* r) : r_(r) {}
  bool IsNull(int i) const override { return PQgetisnull(r_, 0, i) != 0; }
  std::string_view Text(int i) const override {
    return {PQgetvalue(r_, 0, i), static_cast<size_t>(PQgetlength(r_, 0, i))};
  }

 private:
  PGresult* r_;
};

struct ResultFree {
  void operator()(PGresult* r) const { PQclear(r); }
};
using PgResult = std::unique_ptr<PGresult, ResultFree>;

class PgDb : public SqlDb {
 public:
  PgDb(PGconn* c, std::string name) : c_(c), name_(std::move(name)) {}
  ~PgDb() override { PQfinish(c_); }
  Kind kind() const override { return Kind::kPostgres; }
  const std::string& name() const override { return name_; }

  Status Error(std::string_view what, const PGresult* r = nullptr) const {
    std::string msg = r ? PQresultErrorMessage(r) : PQerrorMessage(c_);
    while (!msg.empty() && (msg.back() == '\n' || msg.back() == ' ')) msg.pop_back();
    return Status::Io(fmt::format("{}: {}: {}", name_, what, msg));
  }

  // Reads results until libpq has none left; the first error wins.
  Status Drain(Status st) {
    while (PGresult* r = PQgetResult(c_)) {
      ExecStatusType t = PQresultStatus(r);
      if (st.ok() && t != PGRES_COMMAND_OK && t != PGRES_TUPLES_OK && t != PGRES_SINGLE_TUPLE) {
        st = Error("database error", r);
      }
      PQclear(r);
    }
    return st;
  }

  Status Exec(std::string_view sql) override {
    std::string s(sql);
    if (!PQsendQuery(c_, s.c_str())) return Error("database error");
    return Drain(Status::Ok());
  }

  Status Query(std::string_view sql, const SqlParams& params, const SqlEach& each) override {
    std::string s(sql);
    std::vector<const char*> values;
    std::vector<int> lengths;
    values.reserve(params.size());
    for (const auto& p : params) {
      values.push_back(p.c_str());
      lengths.push_back(static_cast<int>(p.size()));
    }
    if (!PQsendQueryParams(c_, s.c_str(), static_cast<int>(params.size()), nullptr, values.data(),
                           lengths.data(), nullptr, 0)) {
      return Error("database error");
    }
    PQsetSingleRowMode(c_);
    Status st;
    changes_ = 0;
    while (PGresult* raw = PQgetResult(c_)) {
      PgResult r(raw);
      ExecStatusType t = PQresultStatus(raw);
      if (t == PGRES_SINGLE_TUPLE) {
        if (st.ok() && each) st = each(PgRow(raw));
      } else if (t == PGRES_TUPLES_OK || t == PGRES_COMMAND_OK) {
        const char* n = PQcmdTuples(raw);
        if (n && *n) changes_ = std::stoll(n);
      } else if (st.ok()) {
        st = Error("database error", raw);
      }
    }
    return st;
  }

  int64_t Changes() override { return changes_; }
  Status Begin() override { return Exec("BEGIN"); }

  Status BeginCopy(std::string_view table, const std::vector<std::string>& columns) override {
    std::string sql = fmt::format("COPY {}({}) FROM STDIN", table, fmt::join(columns, ","));
    PgResult r(PQexec(c_, sql.c_str()));
    if (PQresultStatus(r.get()) != PGRES_COPY_IN) return Error("starting to record", r.get());
    buf_.clear();
    return Status::Ok();
  }
  Status CopyRow(const std::vector<std::string_view>& fields) override {
    for (size_t i = 0; i < fields.size(); ++i) {
      if (i) buf_ += '\t';
      for (char ch : fields[i]) {
        switch (ch) {
          case '\\':
            buf_ += "\\\\";
            break;
          case '\t':
            buf_ += "\\t";
            break;
          case '\n':
            buf_ += "\\n";
            break;
          case '\r':
            buf_ += "\\r";
            break;
          default:
            buf_ += ch;
        }
      }
    }
    buf_ += '\n';
    if (buf_.size() >= (1 << 16)) return Flush();
    return Status::Ok();
  }
  Status EndCopy() override {
    KARTA_RETURN_IF_ERROR(Flush());
    if (PQputCopyEnd(c_, nullptr) != 1) return Error("recording");
    return Drain(Status::Ok());
  }

 private:
  Status Flush() {
    if (!buf_.empty() && PQputCopyData(c_, buf_.data(), static_cast<int>(buf_.size())) != 1) {
      return Error("recording");
    }
    buf_.clear();
    return Status::Ok();
  }

  PGconn* c_;
  std::string name_;
  std::string buf_;
  int64_t changes_ = 0;
};

void IgnoreNotice(void*, const PGresult*) {}

}  // namespace

Result<std::unique_ptr<SqlDb>> OpenPgDb(const std::string& url) {
  std::string name = PgRedactUrl(url);
  PGconn* c = PQconnectdb(url.c_str());
  if (!c) return Status::Io(fmt::format("{}: cannot connect: out of memory", name));
  auto db = std::make_unique<PgDb>(c, name);
  if (PQstatus(c) != CONNECTION_OK) {
    std::string msg = PQerrorMessage(c);
    while (!msg.empty() && (msg.back() == '\n' || msg.back() == ' ')) msg.pop_back();
    return Status::Io(fmt::format(
        "{}: cannot connect to the team store: {} (check the URL, that the server runs, and "
        "~/.pgpass for the password)",
        name, msg));
  }
  // "relation already exists, skipping" and the like are not for users.
  PQsetNoticeReceiver(c, IgnoreNotice, nullptr);
  KARTA_RETURN_IF_ERROR(db->Exec("SET client_encoding = 'UTF8'"));
  return std::unique_ptr<SqlDb>(std::move(db));
}

}  // namespace karta
