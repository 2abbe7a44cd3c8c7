// WARC replay: the rows of karta fetch, offline, from a WARC file.
//
// A WARC written by `karta fetch --warc` holds, besides every HTTP exchange,
// a warcinfo record with the input header and one metadata record per row
// (the input row, status, error, fetched_at, sha256, and a WARC-Refers-To to
// its response): replay gives back the same rows, in the same order, with
// the same input columns. Any other WARC gives one row per response record.
// Text, title and (given a site profile) the profile's fields come from
// parsing the stored body again. A record larger than `max_decoded` (plus
// 1 MiB for its HTTP head) is not read: its row carries an error saying so.
// A damaged WARC (cut short, corrupt gzip) is a Status::Data error from the
// reader, after the rows before it.
//
// WarcReplay is a source Stage: its input is ignored; End() reads the WARC.
//
// Thread-safety: one object per thread.
#ifndef KARTA_LIB_REPLAY_H_
#define KARTA_LIB_REPLAY_H_

#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "lib/crawler.h"
#include "lib/record.h"
#include "lib/status.h"
#include "lib/warc.h"

namespace karta {

class WarcReplay : public Stage {
 public:
  // `max_decoded`: the largest body after decoding; `profile` (may be null)
  // adds its field columns; `cancel` (may be null) stops the replay with
  // Status::Interrupted.
  WarcReplay(std::string path, int64_t max_decoded, std::shared_ptr<const SiteProfile> profile,
             const std::atomic<bool>* cancel)
      : path_(std::move(path)),
        max_decoded_(max_decoded),
        profile_(std::move(profile)),
        cancel_(cancel) {}

  // The zone of local times in the profile's date field (posted_at).
  void SetTimeZone(const TimeZone& tz) { tz_ = tz; }

  Status Begin(const Header& in) override;  // opens the WARC; `in` is ignored
  Status Push(Record&) override { return Status::Ok(); }
  Status End() override;

  // Responses waiting for their metadata record are bounded in number and
  // in bytes; the oldest is dropped first (its row then has no body).
  static constexpr size_t kMaxHeldRecords = 4096;
  static constexpr size_t kMaxHeldBytes = size_t{128} << 20;

 private:
  // The row error of a response record larger than the reader's limit.
  std::string OversizedError(int64_t bytes) const;
  std::string path_;
  int64_t max_decoded_;
  std::shared_ptr<const SiteProfile> profile_;
  const std::atomic<bool>* cancel_;
  std::unique_ptr<WarcReader> reader_;
  std::optional<WarcRecord> pending_;
  bool karta_warc_ = false;
  std::unique_ptr<PageColumns> cols_;
  TimeZone tz_ = TimeZone::Default();
};

}  // namespace karta

#endif  // KARTA_LIB_REPLAY_H_
