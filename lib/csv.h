// CSV: a streaming RFC 4180 reader and writer.
//
// The reader takes one or more files (or stdin) and yields a Header and then
// Records, holding one record in memory at a time. It accepts quoted fields
// with delimiters, quotes ("") and newlines, CRLF and LF line ends, and drops
// a UTF-8 byte order mark. Empty lines are skipped. Every field must be valid
// UTF-8 without NUL bytes; every record must have as many fields as the
// header; a field is at most max_field_bytes (16 MiB by default, --max-field)
// and no two header names may be the same. A record that breaks a rule is an error naming
// FILE:LINE, unless `skip_bad` is set: then it is skipped and counted (skipped(), first_skip()).
//
// With `text` set, each line of input is a record with one column, `text`
// (the line without its line end; empty lines are skipped).
//
// Several files are read one after another; each must have the same header.
//
// The writer quotes a field only when it must (delimiter, quote, CR or LF) and
// ends rows with LF; it is a RecordSink.
//
// Example:
//   CsvOptions opts;
//   auto reader = CsvReader::Open({"ads.csv"}, opts);
//   if (!reader.ok()) return reader.status();
//   Record rec;
//   while (true) {
//     auto more = (*reader)->Next(&rec);
//     if (!more.ok()) return more.status();
//     if (!*more) break;
//     ... rec.fields[i] ...
//   }
//
// Thread-safety: one reader or writer per thread.
#ifndef KARTA_LIB_CSV_H_
#define KARTA_LIB_CSV_H_

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "lib/io.h"
#include "lib/record.h"
#include "lib/status.h"

namespace karta {

struct CsvOptions {
  char delimiter = ',';
  bool text = false;      // plain lines -> records with one column, `text`
  bool skip_bad = false;  // skip malformed records instead of failing
  // Limits that bound memory on hostile input: a field (or a --text line)
  // larger than max_field_bytes, or a record larger than max_record_bytes,
  // is a malformed record whose message names the limit and the flag that
  // raises it (--max-field). Tools hold a few copies of a field while they
  // work on it (folded text, matches), so the default 16 MiB keeps every
  // tool under a few hundred MiB on one huge field.
  size_t max_field_bytes = size_t{16} << 20;
  size_t max_record_bytes = size_t{64} << 20;
  // When set and true, Next() returns Status::Interrupted at the next record.
  const std::atomic<bool>* cancel = nullptr;
  // Parse in a background thread (see CsvReader); false parses in Next().
  bool background = true;
};

// Parses a delimiter given on the command line: a single character, "\t",
// "tab", "comma", "semicolon" or "pipe".
Result<char> ParseDelimiter(std::string_view spec);

class CsvParser;
struct CsvShared;

// Reading runs ahead in a background thread (when `opts.background`): one
// thread reads and parses the next records into batches while the caller's
// thread works on the previous ones, so a pipeline's own work overlaps with
// parsing. Memory stays bounded: at most a few batches of about a megabyte
// are in flight. Next() hands records over without copying their fields: it
// swaps the record's field vector with the parsed one, so the strings the
// caller leaves in `rec` are reused for later records (keep no pointers into
// a record's fields across Next()).
class CsvReader {
 public:
  // Opens `paths` ("-" is stdin; no paths means stdin) and reads the header.
  static Result<std::unique_ptr<CsvReader>> Open(std::vector<std::string> paths, CsvOptions opts);
  ~CsvReader();
  CsvReader(const CsvReader&) = delete;
  CsvReader& operator=(const CsvReader&) = delete;

  // The header of the input; empty for an empty input.
  const Header& header() const { return header_; }

  // Reads the next record into `rec`. Returns false at the end of all input.
  Result<bool> Next(Record* rec);

  // Number of malformed records skipped (skip_bad), and the first one's message.
  int64_t skipped() const { return skipped_; }
  const std::string& first_skip() const { return first_skip_; }
  // Records returned so far.
  int64_t records() const { return records_; }

 private:
  struct Batch;
  friend struct CsvShared;
  explicit CsvReader(CsvOptions opts) : opts_(opts) {}
  Result<bool> NextBatch();  // waits for the next batch; false when there is none
  static void FillBatch(CsvParser& parser, Batch* b);
  static void Produce(std::shared_ptr<CsvShared> shared);

  CsvOptions opts_;
  Header header_;
  std::shared_ptr<CsvShared> shared_;  // the parser, and the batches when in the background
  std::thread thread_;
  Batch* batch_ = nullptr;  // being handed out
  size_t at_ = 0;           // next record of batch_
  std::string_view last_source_;
  int64_t last_line_ = 0;
  int64_t skipped_ = 0;
  int64_t records_ = 0;
  std::string first_skip_;
};

// Writes records as CSV to an OutputFile.
class CsvWriter : public RecordSink {
 public:
  explicit CsvWriter(OutputFile* out) : out_(out) {}
  Status Begin(const Header& header) override;
  Status Push(Record& record) override { return WriteRow(record.fields); }
  Status End() override { return out_->Flush(); }

  Status WriteRow(const std::vector<std::string>& fields);

  // Appends `field`, quoted if it must be, to `out`.
  static void AppendField(std::string* out, std::string_view field, char delimiter = ',');
  // One row as WriteRow writes it, without the line end.
  static std::string FormatRow(const std::vector<std::string>& fields, char delimiter = ',');

 private:
  OutputFile* out_;
  std::string line_;
};

// Splits one row as CsvWriter::FormatRow wrote it (quotes, "" and embedded
// line ends allowed) back into fields; "" gives no fields. For a row kept
// inside another format (a WARC record); files are read with CsvReader.
std::vector<std::string> ParseCsvRow(std::string_view row, char delimiter = ',');

}  // namespace karta

#endif  // KARTA_LIB_CSV_H_
