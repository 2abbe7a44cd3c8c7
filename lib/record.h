// Records and stages: what flows between karta's tools.
//
// A Header names the columns; a Record holds one row of fields plus where it
// came from (for messages). A RecordSink receives a stream: Begin(header) once,
// Push(record) per record, End() once. A Stage is a sink that forwards its
// output to the next sink. Every tool is a Stage, so `karta run` can chain
// tools in one process without re-serialising CSV, and the CLI wraps a stage
// between a CSV reader and a CSV writer.
//
// Contract for stages (the CSV data contract): keep every input column in
// order, append your own columns; if a column of yours already exists (a tool
// run twice), overwrite it in place.
//
// Thread-safety: a stage chain is driven from one thread.
#ifndef KARTA_LIB_RECORD_H_
#define KARTA_LIB_RECORD_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "lib/status.h"

namespace karta {

class Header {
 public:
  Header() = default;
  explicit Header(std::vector<std::string> names);

  const std::vector<std::string>& names() const { return names_; }
  size_t size() const { return names_.size(); }
  bool empty() const { return names_.empty(); }
  const std::string& operator[](size_t i) const { return names_[i]; }

  // Index of the first column called `name`, if any.
  std::optional<size_t> Find(std::string_view name) const;
  // Appends `name`, or returns the index of the existing column of that name.
  size_t AddOrGet(std::string name);

  bool operator==(const Header& o) const { return names_ == o.names_; }

 private:
  std::vector<std::string> names_;
  std::unordered_map<std::string, size_t> index_;
};

struct Record {
  std::vector<std::string> fields;
  // Where the record came from: file name and the line it starts on (1-based;
  // 0 when unknown). `source` points at a string owned by the reader and
  // valid for the whole run.
  std::string_view source;
  int64_t line = 0;

  // "FILE:LINE" for messages.
  std::string Where() const;
};

class RecordSink {
 public:
  virtual ~RecordSink() = default;
  virtual Status Begin(const Header& header) = 0;
  virtual Status Push(Record& record) = 0;  // may modify or move from `record`
  virtual Status End() = 0;
};

class Stage : public RecordSink {
 public:
  void SetNext(RecordSink* next) { next_ = next; }

 protected:
  RecordSink* next_ = nullptr;
};

// A stage that passes everything through unchanged; useful as a base.
class PassStage : public Stage {
 public:
  Status Begin(const Header& header) override { return next_->Begin(header); }
  Status Push(Record& record) override { return next_->Push(record); }
  Status End() override { return next_->End(); }
};

// Collects a stream in memory (tests and small tools).
class CollectSink : public RecordSink {
 public:
  Status Begin(const Header& header) override {
    header_ = header;
    return Status::Ok();
  }
  Status Push(Record& record) override {
    records_.push_back(record);
    return Status::Ok();
  }
  Status End() override {
    ended_ = true;
    return Status::Ok();
  }
  const Header& header() const { return header_; }
  const std::vector<Record>& records() const { return records_; }
  bool ended() const { return ended_; }

 private:
  Header header_;
  std::vector<Record> records_;
  bool ended_ = false;
};

// Returns the index of column `name`, or a usage error that lists the columns
// (and says `why` the column is needed).
Result<size_t> RequireColumn(const Header& header, std::string_view name,
                             std::string_view why = "");

// Splits "a,b,c" into names, trimming spaces and dropping empty items.
std::vector<std::string> SplitList(std::string_view s, char sep = ',');

}  // namespace karta

#endif  // KARTA_LIB_RECORD_H_
