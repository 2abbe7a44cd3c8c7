#include "lib/csv.h"

#include <cstring>

#include <fmt/format.h>

#include "lib/text.h"

namespace karta {
namespace {
constexpr size_t kBufSize = size_t{1} << 20;

constexpr uint64_t kOnes = 0x0101010101010101ULL;
constexpr uint64_t kHighs = 0x8080808080808080ULL;

// Nonzero iff some byte of `v` equals `c` (the classic SWAR zero-byte test).
inline uint64_t HasByte(uint64_t v, unsigned char c) {
  uint64_t x = v ^ (kOnes * c);
  return (x - kOnes) & ~x & kHighs;
}

// Returns the first byte in [p, e) equal to a, b, c or d, or e. Eight bytes
// at a time: CSV fields are long runs of ordinary text.
inline const char* FindAny(const char* p, const char* e, char a, char b, char c, char d) {
  while (p + 8 <= e) {
    uint64_t v;
    std::memcpy(&v, p, 8);
    if (HasByte(v, static_cast<unsigned char>(a)) | HasByte(v, static_cast<unsigned char>(b)) |
        HasByte(v, static_cast<unsigned char>(c)) | HasByte(v, static_cast<unsigned char>(d))) {
      break;
    }
    p += 8;
  }
  while (p < e && *p != a && *p != b && *p != c && *p != d) ++p;
  return p;
}
}  // namespace

Result<char> ParseDelimiter(std::string_view spec) {
  if (spec == "\\t" || spec == "tab" || spec == "\t") return '\t';
  if (spec == "comma") return ',';
  if (spec == "semicolon") return ';';
  if (spec == "pipe") return '|';
  if (spec.size() == 1 && spec[0] != '"' && spec[0] != '\n' && spec[0] != '\r') return spec[0];
  return Status::Usage(fmt::format(
      "invalid delimiter '{}' (give one character such as ';', or \\t for tab)", spec));
}

CsvReader::~CsvReader() = default;

Result<std::unique_ptr<CsvReader>> CsvReader::Open(std::vector<std::string> paths,
                                                   CsvOptions opts) {
  if (paths.empty()) paths.push_back("-");
  std::unique_ptr<CsvReader> r(new CsvReader(opts));
  r->paths_ = std::move(paths);
  r->buf_.reset(new char[kBufSize]);
  // Open every file first so that a missing one fails before any output.
  for (const auto& p : r->paths_) {
    if (p == "-") continue;
    auto f = InputFile::Open(p);
    if (!f.ok()) return f.status();
  }
  KARTA_RETURN_IF_ERROR(r->OpenNext());
  return r;
}

Status CsvReader::OpenNext() {
  auto f = InputFile::Open(paths_[next_path_]);
  if (!f.ok()) return f.status();
  in_ = std::move(f.value());
  names_.push_back(std::make_unique<std::string>(in_->name()));
  name_ = *names_.back();
  ++next_path_;
  pos_ = end_ = 0;
  eof_ = false;
  line_ = 1;
  if (!Fill()) return read_error_;
  // Drop a UTF-8 byte order mark.
  if (end_ - pos_ >= 3 && std::memcmp(buf_.get() + pos_, "\xEF\xBB\xBF", 3) == 0) pos_ += 3;
  return ReadHeader();
}

bool CsvReader::Fill() {
  if (pos_ < end_) return true;
  if (eof_) return false;
  auto n = in_->Read(buf_.get(), kBufSize);
  pos_ = 0;
  if (!n.ok()) {
    read_error_ = n.status();
    eof_ = true;
    end_ = 0;
    return false;
  }
  end_ = *n;
  if (end_ == 0) eof_ = true;
  return end_ > 0;
}

Status CsvReader::Bad(int64_t line, std::string what) {
  return Status::Data(fmt::format("{}:{}: {}", name_, line, what));
}

Status CsvReader::ReadHeader() {
  Header h;
  if (opts_.text) {
    h = Header({"text"});
  } else {
    Record rec;
    bool got = false;
    Status st = ParseRecord(&rec, &got);
    if (!st.ok()) return st;
    if (!read_error_.ok()) return read_error_;
    if (got) {
      st = Validate(rec);
      if (!st.ok()) return st;
      h = Header(std::move(rec.fields));
    }
  }
  if (next_path_ == 1) {
    header_ = std::move(h);
  } else if (!(h == header_) && !(h.empty() && !opts_.text)) {
    return Status::Data(fmt::format(
        "{}:1: header differs from the first input's (inputs read together must have the "
        "same columns in the same order)",
        name_));
  }
  return Status::Ok();
}

void CsvReader::SkipRestOfLine() {
  while (Fill()) {
    const char* p = buf_.get() + pos_;
    const void* nl = std::memchr(p, '\n', end_ - pos_);
    if (nl) {
      pos_ = static_cast<size_t>(static_cast<const char*>(nl) - buf_.get()) + 1;
      ++line_;
      return;
    }
    pos_ = end_;
  }
}

Status CsvReader::ParseLine(Record* rec, bool* got) {
  *got = false;
  rec->fields.resize(1);
  std::string& f = rec->fields[0];
  for (;;) {
    if (!Fill()) {
      if (!read_error_.ok()) return read_error_;
      return Status::Ok();
    }
    // Skip empty lines.
    f.clear();
    rec->line = line_;
    bool ended = false;
    while (!ended) {
      if (!Fill()) break;
      const char* p = buf_.get() + pos_;
      size_t avail = end_ - pos_;
      const void* nl = std::memchr(p, '\n', avail);
      size_t take = nl ? static_cast<size_t>(static_cast<const char*>(nl) - p) : avail;
      f.append(p, take);
      pos_ += take;
      if (nl) {
        ++pos_;
        ++line_;
        ended = true;
      }
      if (f.size() > opts_.max_record_bytes) {
        SkipRestOfLine();
        return Bad(rec->line, fmt::format("line longer than {} MiB (is this a text file?)",
                                          opts_.max_record_bytes >> 20));
      }
    }
    if (!read_error_.ok()) return read_error_;
    if (!f.empty() && f.back() == '\r') f.pop_back();
    if (f.empty()) continue;
    *got = true;
    return Status::Ok();
  }
}

Status CsvReader::ParseRecord(Record* rec, bool* got) {
  *got = false;
  const char delim = opts_.delimiter;
  // Skip empty lines before the record.
  for (;;) {
    if (!Fill()) return read_error_;
    char c = buf_[pos_];
    if (c == '\n') {
      ++pos_;
      ++line_;
    } else if (c == '\r') {
      ++pos_;
    } else {
      break;
    }
  }
  rec->line = line_;
  rec->source = name_;
  size_t nf = 0;
  size_t total = 0;
  for (;;) {  // one field per iteration
    if (nf == rec->fields.size()) rec->fields.emplace_back();
    std::string& f = rec->fields[nf++];
    f.clear();
    if (Fill() && buf_[pos_] == '"') {
      int64_t quote_line = line_;
      ++pos_;
      for (;;) {
        if (!Fill()) {
          if (!read_error_.ok()) return read_error_;
          return Bad(quote_line,
                     "unterminated quoted field: a quote opened here is never closed "
                     "(look for a stray \" in this record)");
        }
        const char* p = buf_.get() + pos_;
        size_t avail = end_ - pos_;
        const char* q = static_cast<const char*>(std::memchr(p, '"', avail));
        size_t take = q ? static_cast<size_t>(q - p) : avail;
        for (const char* nl = p; (nl = static_cast<const char*>(
                                     std::memchr(nl, '\n', static_cast<size_t>(p + take - nl))));
             ++nl) {
          ++line_;
        }
        f.append(p, take);
        pos_ += take;
        total += take;
        if (total > opts_.max_record_bytes) {
          return Bad(quote_line, fmt::format("record larger than {} MiB: probably an "
                                             "unterminated quote",
                                             opts_.max_record_bytes >> 20));
        }
        if (!q) continue;
        ++pos_;  // the quote
        if (Fill() && buf_[pos_] == '"') {
          f.push_back('"');
          ++pos_;
          continue;
        }
        break;  // closing quote
      }
      // After a closing quote: delimiter, line end or end of input.
      if (Fill()) {
        char c = buf_[pos_];
        if (c != delim && c != '\n' && c != '\r') {
          int64_t at = line_;
          SkipRestOfLine();
          return Bad(at, fmt::format("unexpected '{}' after a closing quote (a quote inside a "
                                     "quoted field must be doubled: \"\")",
                                     c));
        }
      }
    } else {
      // Unquoted field: up to the delimiter or line end.
      for (;;) {
        if (!Fill()) break;
        const char* p = buf_.get() + pos_;
        const char* e = buf_.get() + end_;
        const char* s = FindAny(p, e, delim, '\n', '\r', '\n');
        f.append(p, static_cast<size_t>(s - p));
        total += static_cast<size_t>(s - p);
        pos_ += static_cast<size_t>(s - p);
        if (s < e) break;
        if (total > opts_.max_record_bytes) {
          int64_t at = rec->line;
          SkipRestOfLine();
          return Bad(at, fmt::format("record larger than {} MiB (is this a CSV file?)",
                                     opts_.max_record_bytes >> 20));
        }
      }
    }
    // Field terminator.
    if (!Fill()) break;  // end of input ends the record
    char c = buf_[pos_++];
    if (c == delim) continue;
    if (c == '\r') {
      if (Fill() && buf_[pos_] == '\n') ++pos_;
      ++line_;
      break;
    }
    ++line_;  // '\n'
    break;
  }
  if (!read_error_.ok()) return read_error_;
  rec->fields.resize(nf);
  *got = true;
  return Status::Ok();
}

Status CsvReader::Validate(const Record& rec) {
  for (size_t i = 0; i < rec.fields.size(); ++i) {
    const std::string& f = rec.fields[i];
    auto col = [&] {
      return i < header_.size() ? fmt::format("column '{}'", header_[i])
                                : fmt::format("field {}", i + 1);
    };
    if (std::memchr(f.data(), '\0', f.size())) {
      return Bad(rec.line, fmt::format("NUL byte in {} (binary data is not CSV text)", col()));
    }
    size_t bad = 0;
    if (!Utf8Valid(f, &bad)) {
      return Bad(rec.line, fmt::format("invalid UTF-8 in {} at byte {} (convert the file to "
                                       "UTF-8, e.g. iconv -f latin1 -t utf-8)",
                                       col(), bad + 1));
    }
  }
  return Status::Ok();
}

Result<bool> CsvReader::Next(Record* rec) {
  for (;;) {
    if (opts_.cancel && opts_.cancel->load(std::memory_order_relaxed)) {
      return Status::Interrupted(fmt::format("{}:{}: interrupted", name_, line_));
    }
    bool got = false;
    Status st = opts_.text ? ParseLine(rec, &got) : ParseRecord(rec, &got);
    rec->source = name_;
    if (st.ok() && !got) {
      if (!read_error_.ok()) return read_error_;
      // End of this file: go on with the next one, if any.
      if (next_path_ < paths_.size()) {
        st = OpenNext();
        if (!st.ok()) return st;
        continue;
      }
      return false;
    }
    if (st.ok()) st = Validate(*rec);
    if (st.ok() && !opts_.text && rec->fields.size() != header_.size()) {
      st = Bad(rec->line, fmt::format("record has {} field{}, the header has {} (check the "
                                      "quoting and the delimiter)",
                                      rec->fields.size(), rec->fields.size() == 1 ? "" : "s",
                                      header_.size()));
    }
    if (!st.ok()) {
      if (st.code() != Status::Code::kData || !opts_.skip_bad) return st;
      if (skipped_++ == 0) first_skip_ = st.message();
      continue;
    }
    ++records_;
    return true;
  }
}

void CsvWriter::AppendField(std::string* out, std::string_view field, char delimiter) {
  const char* e = field.data() + field.size();
  bool quote = FindAny(field.data(), e, delimiter, '"', '\n', '\r') != e;
  if (!quote) {
    out->append(field);
    return;
  }
  out->push_back('"');
  // Copy runs between quotes whole; double each quote.
  size_t i = 0;
  while (i < field.size()) {
    size_t q = field.find('"', i);
    if (q == std::string_view::npos) {
      out->append(field.substr(i));
      break;
    }
    out->append(field.substr(i, q + 1 - i));
    out->push_back('"');
    i = q + 1;
  }
  out->push_back('"');
}

Status CsvWriter::Begin(const Header& header) {
  if (header.empty()) return Status::Ok();
  return WriteRow(header.names());
}

Status CsvWriter::WriteRow(const std::vector<std::string>& fields) {
  line_.clear();
  for (size_t i = 0; i < fields.size(); ++i) {
    if (i) line_.push_back(',');
    AppendField(&line_, fields[i]);
  }
  line_.push_back('\n');
  return out_->Write(line_);
}

}  // namespace karta
