// The SQL connection under the history store: one interface, two backends.
//
// The store (lib/store.h) writes its SQL once, with PostgreSQL-style
// parameters ($1, $2, ...), and runs it through an SqlDb:
//   - SQLite (OpenSqliteDb): one file on one PC, the default;
//   - PostgreSQL (OpenPgDb in lib/pg.h, over libpq): one server for a team.
// SQL the store writes keeps to what both understand: standard types (TEXT,
// INTEGER, BIGINT), INSERT ... ON CONFLICT ... DO UPDATE, RETURNING, CASE
// (not two-argument min/max), CAST($n AS BIGINT) where a parameter's type
// would otherwise be unknown. Schema migrations are written for SQLite and
// translated once by PgSchemaSql (INTEGER PRIMARY KEY -> BIGSERIAL, INTEGER
// -> BIGINT, no WITHOUT ROWID).
//
//   auto db = OpenSqliteDb("h.sqlite", false);
//   KARTA_RETURN_IF_ERROR((*db)->Query("SELECT key FROM ads WHERE cluster = $1", {"c1"},
//       [&](const SqlRow& r) { keys.emplace_back(r.Text(0)); return Status::Ok(); }));
//
// Parameters are text; NULL is never bound. Cells read back as text (Int()
// parses them). Errors name the store (file or URL without its password).
//
// Thread-safety: one SqlDb per thread.
#ifndef KARTA_LIB_STORE_DB_H_
#define KARTA_LIB_STORE_DB_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "lib/status.h"

namespace karta {

class SqlRow {
 public:
  virtual ~SqlRow() = default;
  virtual bool IsNull(int i) const = 0;
  // The cell as text ("" for NULL); valid until the callback returns.
  virtual std::string_view Text(int i) const = 0;
  // The cell as an integer (0 for NULL or text that is not one).
  int64_t Int(int i) const;
  std::string Str(int i) const { return std::string(Text(i)); }
};

using SqlParams = std::vector<std::string>;
using SqlEach = std::function<Status(const SqlRow&)>;

class SqlDb {
 public:
  enum class Kind { kSqlite, kPostgres };
  virtual ~SqlDb() = default;
  virtual Kind kind() const = 0;
  // The store as shown in messages: the file, or the URL without password.
  virtual const std::string& name() const = 0;

  // Runs statements without parameters (several may be separated by ';').
  virtual Status Exec(std::string_view sql) = 0;
  // Runs one statement with parameters $1.. and calls `each` per result row
  // (rows are streamed, not held). A non-ok Status from `each` stops the
  // query and is returned.
  virtual Status Query(std::string_view sql, const SqlParams& params,
                       const SqlEach& each = nullptr) = 0;
  // Rows inserted, updated or deleted by the last Query.
  virtual int64_t Changes() = 0;
  // Starts a write transaction (SQLite takes the write lock at once).
  virtual Status Begin() = 0;

  // Bulk loading into one table: BeginCopy, CopyRow per row, EndCopy.
  // PostgreSQL uses COPY; SQLite a prepared INSERT. Fields are text.
  virtual Status BeginCopy(std::string_view table, const std::vector<std::string>& columns) = 0;
  virtual Status CopyRow(const std::vector<std::string_view>& fields) = 0;
  virtual Status EndCopy() = 0;

  // Ends a write transaction: Exec("COMMIT") / Exec("ROLLBACK").
  Status Commit() { return Exec("COMMIT"); }
  void Rollback() { (void)Exec("ROLLBACK"); }
};

// Opens (creating with mode 0600 unless `must_exist`) an SQLite store file
// with WAL, synchronous=FULL, secure_delete and a 30 s busy timeout.
Result<std::unique_ptr<SqlDb>> OpenSqliteDb(const std::string& path, bool must_exist);

// True for "postgresql://..." and "postgres://..." (a team store on a server).
bool IsPostgresUrl(std::string_view s);

// A schema statement written for SQLite, as PostgreSQL needs it.
std::string PgSchemaSql(std::string_view sqlite_sql);

}  // namespace karta

#endif  // KARTA_LIB_STORE_DB_H_
