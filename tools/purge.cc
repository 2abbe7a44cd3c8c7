// karta purge: applies the unit's retention period to every store karta
// writes, in one command (lib/purge.h): the history store, the dedupe
// state, the crawl state, WARC files and the audit log.
//
// Writes CSV: store, path, removed, what.
#include "lib/purge.h"

#include <fmt/format.h>

#include <ctime>

#include "lib/audit.h"
#include "lib/csv.h"
#include "lib/io.h"
#include "lib/store.h"
#include "tools/tools.h"

namespace karta {
namespace {

constexpr const char* kHelp = R"(
Removes everything older than --older-than (7d, 2w, 12m, 1y) from each store
named, and rewrites SQLite files (secure_delete, VACUUM) so that removed data
is not left in free pages:
  --store FILE         history store: ads last seen before the cutoff
  --dedupe-state FILE  dedupe state: records dated before the cutoff (and
                       undated ones), with their contact hashes
  --crawl-state FILE   crawl state: pages last fetched before the cutoff (URL,
                       validators and the row kept for 304s; an interrupted
                       run's frontier stays for --resume)
  --warc-dir DIR       WARC files (*.warc, *.warc.gz) last modified before it
  --audit              the audit log's lines before it (KARTA_AUDIT_LOG or
                       the config file; or --audit-log FILE)
Files saved by hand, reports, export packages and backups are not reached:
they need the same policy.

Examples:
  karta purge --older-than 12m --store history.sqlite --dedupe-state clusters.db \
    --warc-dir warc --audit
)";

class Purge : public Tool {
 public:
  void AddOptions(CLI::App* app) override {
    app->add_option("--older-than", older_than_, "Remove what is older than this")
        ->type_name("PERIOD");
    app->add_option("--as-of", as_of_,
                    "Count back from this time: now (default), a date or an RFC 3339 time")
        ->type_name("TIME");
    app->add_option("--store", t_.history, "The history store")->type_name("FILE");
    app->add_option("--dedupe-state", t_.dedupe_state, "The dedupe state")->type_name("FILE");
    app->add_option("--crawl-state", t_.crawl_state, "The crawl state")->type_name("FILE");
    app->add_option("--warc-dir", t_.warc_dir, "A directory of WARC files")->type_name("DIR");
    app->add_flag("--audit", audit_, "Also the audit log (as configured)");
    app->add_option("--audit-log", t_.audit_log, "The audit log file")->type_name("FILE");
  }

  Result<std::unique_ptr<Stage>> MakeStage(const ToolEnv&) override {
    return Status::Usage("purge changes stores; it is not a pipeline stage");
  }

  Status RunCommand(const ToolEnv& env) override {
    if (older_than_.empty()) return Status::Usage("give --older-than PERIOD, e.g. 12m");
    auto p = ParsePeriod(older_than_);
    if (!p.ok()) return p.status().WithPrefix("--older-than");
    int64_t now = static_cast<int64_t>(std::time(nullptr));
    if (!as_of_.empty()) {
      auto t = ParseAsOf(as_of_);
      if (!t.ok()) return t.status().WithPrefix("--as-of");
      now = *t;
    }
    if (audit_ && t_.audit_log.empty()) {
      KARTA_ASSIGN_OR_RETURN(auto a, AuditLogPath());
      if (a.empty()) return Status::Usage("--audit: no audit log is configured (KARTA_AUDIT_LOG)");
      t_.audit_log = a;
    }
    if (t_.history.empty() && t_.dedupe_state.empty() && t_.crawl_state.empty() &&
        t_.warc_dir.empty() && t_.audit_log.empty()) {
      return Status::Usage(
          "name at least one store (--store, --dedupe-state, --crawl-state, "
          "--warc-dir, --audit)");
    }
    int64_t cutoff = Before(now, *p);
    KARTA_ASSIGN_OR_RETURN(auto r, PurgeAll(t_, cutoff));
    KARTA_ASSIGN_OR_RETURN(auto out, OutputFile::Open(env.common.output));
    CsvWriter w(out.get());
    KARTA_RETURN_IF_ERROR(w.WriteRow({"cutoff", "store", "path", "removed", "what"}));
    for (const PurgeLine& l : r) {
      KARTA_RETURN_IF_ERROR(
          w.WriteRow({FormatTime(cutoff), l.store, l.path, std::to_string(l.removed), l.what}));
      env.Warn(fmt::format("{} {}: removed {} {} older than {}", l.store, l.path, l.removed, l.what,
                           FormatTime(cutoff)));
    }
    KARTA_RETURN_IF_ERROR(w.End());
    return out->Commit();
  }

 private:
  std::string older_than_, as_of_;
  PurgeTargets t_;
  bool audit_ = false;
};

}  // namespace

ToolInfo PurgeTool() {
  return {"purge", "Apply the retention period to every store karta writes", kHelp,
          kOutput, [] { return std::unique_ptr<Tool>(new Purge()); },        ToolRole::kCommand};
}

}  // namespace karta
