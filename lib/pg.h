// The history store on a PostgreSQL server (the team store), over libpq.
//
// OpenPgDb("postgresql://karta@db.unit.local/karta?sslmode=verify-full")
// connects and returns an SqlDb (lib/store_db.h) that runs the store's SQL
// on the server. The URL is libpq's connection URI: user, host, port,
// database, and options such as sslmode, sslrootcert; the password comes
// from ~/.pgpass or PGPASSWORD, never from the command line (it would show
// in the process list and the audit log). Messages show the URL without a
// password.
//
// Queries stream their rows (libpq single-row mode); bulk loading uses COPY.
// Statements are sent with parameters, never spliced into the SQL text.
//
// Thread-safety: one connection per thread.
#ifndef KARTA_LIB_PG_H_
#define KARTA_LIB_PG_H_

#include <memory>
#include <string>
#include <string_view>

#include "lib/status.h"
#include "lib/store_db.h"

namespace karta {

// Connects to the server named by `url` (postgresql://...).
Result<std::unique_ptr<SqlDb>> OpenPgDb(const std::string& url);

// `url` with any password replaced by "***", for messages.
std::string PgRedactUrl(std::string_view url);

}  // namespace karta

#endif  // KARTA_LIB_PG_H_
