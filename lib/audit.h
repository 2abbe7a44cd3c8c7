// Audit: one JSON line per tool run, so that a unit can answer "who ran
// what, when, on which data".
//
// The log is on when KARTA_AUDIT_LOG names a file, or when the config file
// (KARTA_CONFIG, else $XDG_CONFIG_HOME/karta/config.toml, else
// ~/.config/karta/config.toml) has a top-level `audit_log = "PATH"`. Each
// run of a tool then appends one line:
//
//   {"time":"2026-12-03T12:00:00Z","user":"anna","host":"pc1","tool":"extract",
//    "args":["--pseudonymize","***","ads.csv"],"inputs":[{"path":"ads.csv",
//    "sha256":"…"}],"outputs":["safe.csv"],"records_in":500,"exit":0}
//
// Arguments that are secrets or key paths (the value of --pseudonymize,
// --new-key, --key…, --password…, --token…, --secret…, and any
// "--name=value" form of them, and URLs' user:password@) are written as
// "***". Inputs are the arguments that name regular files (with their
// SHA-256); outputs the value of -o/--output.
//
// Appends are atomic: the file is opened O_APPEND (created 0600, never
// through a symlink) and each line is one write(2), under a shared flock so
// that a purge (PurgeAuditLog, exclusive lock) never loses a line written at
// the same moment. Concurrent runs, on one machine, are safe.
//
// Thread-safety: NoteRecords may be called from any thread; the rest from
// one thread at a time.
#ifndef KARTA_LIB_AUDIT_H_
#define KARTA_LIB_AUDIT_H_

#include <cstdint>
#include <ctime>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "lib/status.h"

namespace karta {

// The audit log's path, or "" when auditing is off. Errors: an unreadable
// or malformed config file.
Result<std::string> AuditLogPath();

// Records counted by the harness for the current run (-1: unknown).
void AuditNoteRecords(int64_t in, int64_t out);

// `args` with secrets and key paths written as "***".
std::vector<std::string> MaskArguments(const std::vector<std::string>& args);

// The SHA-256 of a file, as 64 hex digits.
Result<std::string> Sha256File(const std::string& path);

// One run, as it is logged.
struct AuditEntry {
  std::time_t time = 0;
  std::string user, host, tool;
  std::vector<std::string> args;                            // masked
  std::vector<std::pair<std::string, std::string>> inputs;  // path, sha256
  std::vector<std::string> outputs;
  int64_t records_in = -1, records_out = -1;
  int exit = 0;
};

// The JSON line for `e`, ending in '\n'.
std::string AuditLine(const AuditEntry& e);

// Builds the entry for a run of `tool` with arguments `args` (argv after the
// tool name), time now, this user and host.
AuditEntry MakeAuditEntry(std::string_view tool, const std::vector<std::string>& args,
                          int exit_code);

// Appends `line` to the log at `path` in one write (see above).
Status AppendAuditLine(const std::string& path, std::string_view line);

// The harness's hook: if auditing is on, logs this run. Returns an error only
// when the log is configured but cannot be written.
Status AuditRun(std::string_view tool, const std::vector<std::string>& args, int exit_code);

// ---- reading
// A top-level field of one audit line: a string's text, or a number or other
// value as written; nullopt if absent.
std::optional<std::string> AuditField(std::string_view line, std::string_view key);

// Keeps only lines whose "time" is at or after `cutoff` (RFC 3339 strings
// compare in time order when all are UTC, as karta writes them). The file
// is rewritten (0600) and renamed into place under an exclusive lock.
// Returns the number of lines removed.
Result<int64_t> PurgeAuditLog(const std::string& path, std::string_view cutoff);

// "2026-12-03T12:00:00Z" for t.
std::string Rfc3339Utc(std::time_t t);

}  // namespace karta

#endif  // KARTA_LIB_AUDIT_H_
