// Purge: one retention cutoff applied to every store karta writes.
//
//   history store      Store::Purge (ads last seen before the cutoff, their
//                      sightings and runs; VACUUM)
//   dedupe state       records whose time (dedupe --time-field) is before the
//                      cutoff, and records without a time (their age is
//                      unknown, so they are treated as old); the contact
//                      hashes (idents) of removed records; then VACUUM with
//                      secure_delete, so no free page keeps them
//   crawl state        HOOK: the crawl state holds no per-page time yet (the
//                      crawl engine is being moved into lib/crawl); a state
//                      file last written before the cutoff is removed whole
//   outreach records   HOOK: the outreach tables are not in this branch; when
//                      they land, their purge goes in PurgeAll beside the
//                      history store's
//   WARC files         *.warc and *.warc.gz files in the directory last
//                      modified before the cutoff are removed
//   audit log          PurgeAuditLog (lines older than the cutoff)
//
// Thread-safety: call from one thread; stores must not be written by another
// process during a purge (SQLite locks make a writer wait or fail cleanly).
#ifndef KARTA_LIB_PURGE_H_
#define KARTA_LIB_PURGE_H_

#include <cstdint>
#include <string>
#include <vector>

#include "lib/status.h"

namespace karta {

struct PurgeTargets {
  std::string history;       // history store (SQLite)
  std::string dedupe_state;  // dedupe --state file
  std::string crawl_state;   // fetch's crawl state file
  std::string warc_dir;      // a directory of WARC files
  std::string audit_log;     // the audit log
};

// One line of the purge's summary: store, path, what was removed.
struct PurgeLine {
  std::string store, path;
  int64_t removed = 0;
  std::string what;  // "ads", "records", "files", "lines"
};

// Removes what is older than `cutoff` (seconds since 1970, UTC) from every
// target given. Stops at the first error.
Result<std::vector<PurgeLine>> PurgeAll(const PurgeTargets& t, int64_t cutoff);

// The dedupe state's part (exposed for tests).
Result<int64_t> PurgeDedupeState(const std::string& path, int64_t cutoff);

}  // namespace karta

#endif  // KARTA_LIB_PURGE_H_
