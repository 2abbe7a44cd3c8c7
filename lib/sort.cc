#include "lib/sort.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <queue>

#include "lib/civil.h"
#include "lib/collate.h"
#include "lib/io.h"
#include "lib/record.h"
#include "lib/table.h"

namespace karta {

// ---- Parsing ---------------------------------------------------------------------

Result<std::vector<SortKey>> ParseSortKeys(std::string_view spec, SortType default_type,
                                           bool default_desc) {
  std::vector<SortKey> keys;
  for (const std::string& item : SplitList(spec)) {
    std::vector<std::string> parts = SplitList(item, ':');
    if (parts.empty() || item.front() == ':') {
      return Status::Usage(fmt::format("-k '{}': a column name must come first", item));
    }
    SortKey k;
    k.column = parts[0];
    k.type = default_type;
    k.desc = default_desc;
    for (size_t i = 1; i < parts.size(); ++i) {
      const std::string& m = parts[i];
      if (m == "asc") {
        k.desc = false;
      } else if (m == "desc") {
        k.desc = true;
      } else if (m == "text") {
        k.type = SortType::kText;
      } else if (m == "bytes") {
        k.type = SortType::kBytes;
      } else if (m == "n" || m == "num" || m == "number") {
        k.type = SortType::kNumber;
      } else if (m == "natural") {
        k.type = SortType::kNatural;
      } else if (m == "time") {
        k.type = SortType::kTime;
      } else {
        return Status::Usage(fmt::format(
            "-k '{}': unknown key option '{}' (use asc, desc, text, bytes, n, natural, time)", item,
            m));
      }
    }
    keys.push_back(std::move(k));
  }
  if (keys.empty()) return Status::Usage("-k: no key columns given (e.g. -k posted_at:desc)");
  return keys;
}

Result<size_t> ParseMemorySize(std::string_view s) {
  std::string_view num = s;
  size_t end = 0;
  while (end < num.size() && num[end] >= '0' && num[end] <= '9') ++end;
  std::string_view unit = num.substr(end);
  num = num.substr(0, end);
  uint64_t v = 0;
  auto [p, ec] = std::from_chars(num.data(), num.data() + num.size(), v);
  int shift = -1;
  if (unit.empty() || unit == "B")
    shift = 0;
  else if (unit == "K" || unit == "KB" || unit == "KiB" || unit == "k")
    shift = 10;
  else if (unit == "M" || unit == "MB" || unit == "MiB" || unit == "m")
    shift = 20;
  else if (unit == "G" || unit == "GB" || unit == "GiB" || unit == "g")
    shift = 30;
  if (num.empty() || ec != std::errc() || p != num.data() + num.size() || shift < 0 ||
      v > (uint64_t{1} << (62 - shift))) {
    return Status::Usage(
        fmt::format("--buffer-size '{}': not a memory size (e.g. 64K, 256M, 2G)", s));
  }
  uint64_t bytes = v << shift;
  if (bytes < (uint64_t{64} << 10)) {
    return Status::Usage(fmt::format("--buffer-size '{}': too small (at least 64K)", s));
  }
  return static_cast<size_t>(bytes);
}

// ---- The sorter ----------------------------------------------------------------------

namespace {

// An entry, in memory and in run files: u32 key length, key, u32 record
// length, record. A record: varint line, varint source, varint field count,
// then per field varint length and bytes.

void PutVarint(uint64_t v, char** p) {
  while (v >= 0x80) {
    *(*p)++ = static_cast<char>((v & 0x7F) | 0x80);
    v >>= 7;
  }
  *(*p)++ = static_cast<char>(v);
}

size_t VarintSize(uint64_t v) {
  size_t n = 1;
  while (v >= 0x80) {
    v >>= 7;
    ++n;
  }
  return n;
}

bool GetVarint(const char** p, const char* end, uint64_t* v) {
  uint64_t r = 0;
  for (int shift = 0; shift < 64 && *p < end; shift += 7) {
    auto b = static_cast<unsigned char>(*(*p)++);
    r |= uint64_t{b & 0x7Fu} << shift;
    if (!(b & 0x80)) {
      *v = r;
      return true;
    }
  }
  return false;
}

uint32_t LoadU32(const char* p) {
  uint32_t v;
  std::memcpy(&v, p, 4);
  return v;
}

// The first 8 bytes at `p` (zero-padded) as a big-endian number, so that
// numbers compare as the bytes do.
uint64_t Prefix(const char* p, size_t n) {
  unsigned char b[8] = {0, 0, 0, 0, 0, 0, 0, 0};
  std::memcpy(b, p, std::min<size_t>(n, 8));
  uint64_t v = 0;
  for (unsigned char c : b) v = (v << 8) | c;
  return v;
}

// One entry in memory: where it starts and its key. The key's first 16
// bytes are kept here too, so most comparisons do not touch the arena (a
// cache miss each): keys are prefix-free, so two keys of at most 16 bytes
// with equal prefixes are equal.
struct Entry {
  const char* p;  // the entry (u32 key length first)
  uint32_t key_len;
  uint64_t pre0, pre1;
  std::string_view key() const { return {p + 4, key_len}; }
  void SetPrefix() {
    pre0 = Prefix(p + 4, key_len);
    pre1 = key_len > 8 ? Prefix(p + 12, key_len - 8) : 0;
  }
  bool operator<(const Entry& o) const {
    if (pre0 != o.pre0) return pre0 < o.pre0;
    if (pre1 != o.pre1) return pre1 < o.pre1;
    if (key_len <= 16 && o.key_len <= 16) return false;
    return key().substr(std::min<size_t>(16, key_len)) <
           o.key().substr(std::min<size_t>(16, o.key_len));
  }
  std::string_view whole() const {
    uint32_t rec_len = LoadU32(p + 4 + key_len);
    return {p, 4 + size_t{key_len} + 4 + rec_len};
  }
  std::string_view rec() const {
    uint32_t rec_len = LoadU32(p + 4 + key_len);
    return {p + 8 + key_len, rec_len};
  }
};

// A temporary file, unlinked at once: it goes away with its descriptor.
class RunFile {
 public:
  static Result<std::unique_ptr<RunFile>> Create(const std::string& dir) {
    auto made = CreateTempFile(dir, "karta-sort", "sort file", nullptr);
    if (!made.ok()) {
      return Status::Io(
          fmt::format("{} (use -T DIR for a folder with space, or a larger --buffer-size)",
                      made.status().message()));
    }
    int fd = *made;
    FILE* f = ::fdopen(fd, "w+b");
    if (!f) {
      ::close(fd);
      return Status::Io(
          fmt::format("cannot open a temporary sort file in {}: {}", dir, std::strerror(errno)));
    }
    auto r = std::unique_ptr<RunFile>(new RunFile(f, dir));
    std::setvbuf(f, nullptr, _IOFBF, 1 << 16);
    return r;
  }
  ~RunFile() { std::fclose(f_); }

  Status Write(std::string_view bytes) {
    if (bytes.empty()) return Status::Ok();
    if (std::fwrite(bytes.data(), 1, bytes.size(), f_) != bytes.size()) return WriteError();
    return Status::Ok();
  }
  // Ends writing; reading starts at the beginning.
  Status Rewind() {
    if (std::fflush(f_) != 0) return WriteError();
    if (std::fseek(f_, 0, SEEK_SET) != 0) return WriteError();
    return Status::Ok();
  }
  // Reads the next entry into `buf`; false at the end of the file.
  Result<bool> Next(std::string* buf, uint32_t* key_len) {
    char len[4];
    size_t n = std::fread(len, 1, 4, f_);
    if (n == 0 && std::feof(f_)) return false;
    if (n != 4) return ReadError();
    uint32_t kl = LoadU32(len);
    buf->resize(size_t{kl} + 8);
    std::memcpy(buf->data(), len, 4);
    if (std::fread(buf->data() + 4, 1, size_t{kl} + 4, f_) != size_t{kl} + 4) return ReadError();
    uint32_t rl = LoadU32(buf->data() + 4 + kl);
    buf->resize(size_t{kl} + 8 + rl);
    if (rl && std::fread(buf->data() + 8 + kl, 1, rl, f_) != rl) return ReadError();
    *key_len = kl;
    return true;
  }

 private:
  RunFile(FILE* f, std::string dir) : f_(f), dir_(std::move(dir)) {}
  Status WriteError() const {
    return Status::Io(
        fmt::format("cannot write a temporary sort file in {}: {} (use -T DIR for "
                    "a folder with more space, or a larger --buffer-size)",
                    dir_, std::strerror(errno)));
  }
  Status ReadError() const {
    return Status::Io(fmt::format("cannot read back a temporary sort file in {}: {}", dir_,
                                  std::strerror(errno ? errno : EIO)));
  }
  FILE* f_;
  std::string dir_;
};

// Where the merge takes entries from: a run file, or the sorted entries
// still in memory.
struct Source {
  RunFile* file = nullptr;
  const std::vector<Entry>* mem = nullptr;
  size_t pos = 0;
  std::string buf;
  std::string_view entry;  // the current entry
  uint32_t key_len = 0;
  std::string_view key() const { return entry.substr(4, key_len); }

  Result<bool> Next() {
    if (mem) {
      if (pos >= mem->size()) return false;
      const Entry& e = (*mem)[pos++];
      entry = e.whole();
      key_len = e.key_len;
      return true;
    }
    auto more = file->Next(&buf, &key_len);
    if (!more.ok() || !*more) return more;
    entry = buf;
    return true;
  }
};

}  // namespace

struct Sorter::Impl {
  SorterOptions opts;
  bool pass = false;          // empty input: nothing to sort
  std::vector<size_t> cols;   // input column of each key
  std::vector<SortKey> keys;  // resolved keys
  std::unique_ptr<Collator> sv, natural;
  std::string key;                        // scratch: the key of one record
  std::vector<std::string_view> sources;  // distinct Record::source values

  // The arena: blocks of entries (1 MiB, smaller for a small budget).
  size_t block_size = size_t{1} << 20;
  std::vector<std::unique_ptr<char[]>> blocks;
  size_t block_cap = 0, block_used = 0;
  size_t arena_bytes = 0;
  std::vector<Entry> entries;

  // Runs in input order, each with its level: a run of level L+1 is a merge
  // of `fan_in` runs of level L. At most fan_in - 1 runs of each level are
  // kept, so few files are open however much is spilled.
  std::vector<std::unique_ptr<RunFile>> runs;
  std::vector<int> levels;
  size_t spilled = 0;
  Record out;

  size_t Used() const { return arena_bytes + entries.capacity() * sizeof(Entry); }

  char* Alloc(size_t n) {
    if (block_used + n > block_cap) {
      size_t cap = std::max(block_size, n);
      blocks.push_back(std::make_unique<char[]>(cap));
      block_cap = cap;
      block_used = 0;
      arena_bytes += cap;
    }
    char* p = blocks.back().get() + block_used;
    block_used += n;
    return p;
  }

  void ClearArena() {
    blocks.clear();
    block_cap = block_used = 0;
    arena_bytes = 0;
    entries.clear();
    entries.shrink_to_fit();
  }

  uint64_t SourceId(std::string_view s) {
    for (size_t i = sources.size(); i-- > 0;) {
      if (sources[i].data() == s.data() && sources[i].size() == s.size()) return i;
    }
    sources.push_back(s);
    return sources.size() - 1;
  }

  void SortEntries() { std::stable_sort(entries.begin(), entries.end()); }

  std::string TempDir() const { return TempDirectory(opts.temp_dir); }

  // Sorts the entries in memory and writes them as a run.
  Status Spill() {
    SortEntries();
    KARTA_ASSIGN_OR_RETURN(auto f, RunFile::Create(TempDir()));
    std::string_view last;
    bool have_last = false;
    for (const Entry& e : entries) {
      if (opts.unique && have_last && e.key() == last) continue;
      KARTA_RETURN_IF_ERROR(f->Write(e.whole()));
      last = e.key();
      have_last = true;
    }
    KARTA_RETURN_IF_ERROR(f->Rewind());
    runs.push_back(std::move(f));
    levels.push_back(0);
    ++spilled;
    ClearArena();
    // Merge the last fan_in runs while they are of one level (they are
    // consecutive, so the order stays stable).
    for (;;) {
      size_t n = runs.size();
      if (n < opts.fan_in) break;
      int level = levels.back();
      bool same = true;
      for (size_t i = n - opts.fan_in; i < n; ++i) same = same && levels[i] == level;
      if (!same) break;
      KARTA_RETURN_IF_ERROR(MergeRuns(n - opts.fan_in, n));
      levels.resize(n - opts.fan_in + 1);
      levels.back() = level + 1;
    }
    return Status::Ok();
  }

  // Merges runs [at, end) into one run that takes their place.
  Status MergeRuns(size_t at, size_t end) {
    std::vector<Source> srcs(end - at);
    for (size_t i = at; i < end; ++i) srcs[i - at].file = runs[i].get();
    KARTA_ASSIGN_OR_RETURN(auto f, RunFile::Create(TempDir()));
    RunFile* out = f.get();
    KARTA_RETURN_IF_ERROR(
        Merge(srcs, [&](std::string_view entry, uint32_t) { return out->Write(entry); }));
    KARTA_RETURN_IF_ERROR(out->Rewind());
    runs[at] = std::move(f);  // closing a run frees its disk space
    runs.erase(runs.begin() + static_cast<std::ptrdiff_t>(at) + 1,
               runs.begin() + static_cast<std::ptrdiff_t>(end));
    return Status::Ok();
  }

  // Decodes an entry's record into `out`.
  Status Decode(std::string_view rec) {
    const char* p = rec.data();
    const char* end = p + rec.size();
    uint64_t line = 0, src = 0, nf = 0;
    if (!GetVarint(&p, end, &line) || !GetVarint(&p, end, &src) || !GetVarint(&p, end, &nf) ||
        src >= sources.size()) {
      return Status::Io("a temporary sort file is corrupt (was it changed while sorting?)");
    }
    out.line = static_cast<int64_t>(line);
    out.source = sources[src];
    out.fields.resize(nf);
    for (uint64_t i = 0; i < nf; ++i) {
      uint64_t len = 0;
      if (!GetVarint(&p, end, &len) || len > static_cast<uint64_t>(end - p)) {
        return Status::Io("a temporary sort file is corrupt (was it changed while sorting?)");
      }
      out.fields[i].assign(p, len);
      p += len;
    }
    return Status::Ok();
  }

  // Merges `srcs` (in input order) into `sink`: a run file, or the next stage.
  template <typename Emit>
  Status Merge(std::vector<Source>& srcs, Emit emit) {
    auto later = [&](size_t a, size_t b) {  // the heap's "less": a comes out after b
      int c = srcs[a].key().compare(srcs[b].key());
      return c != 0 ? c > 0 : a > b;
    };
    std::priority_queue<size_t, std::vector<size_t>, decltype(later)> heap(later);
    for (size_t i = 0; i < srcs.size(); ++i) {
      KARTA_ASSIGN_OR_RETURN(auto more, srcs[i].Next());
      if (more) heap.push(i);
    }
    std::string last;
    bool have_last = false;
    uint64_t n = 0;
    while (!heap.empty()) {
      size_t i = heap.top();
      heap.pop();
      Source& s = srcs[i];
      if (!(opts.unique && have_last && s.key() == last)) {
        if (opts.unique) {
          last.assign(s.key());
          have_last = true;
        }
        KARTA_RETURN_IF_ERROR(emit(s.entry, s.key_len));
      }
      if ((++n & 0xFFF) == 0 && opts.cancel && opts.cancel->load()) {
        return Status::Interrupted("interrupted while merging sorted runs");
      }
      KARTA_ASSIGN_OR_RETURN(auto more, s.Next());
      if (more) heap.push(i);
    }
    return Status::Ok();
  }
};

Sorter::Sorter(SorterOptions opts) : impl_(std::make_unique<Impl>()) {
  impl_->opts = std::move(opts);
  if (impl_->opts.fan_in < 2) impl_->opts.fan_in = 2;
  impl_->block_size = std::clamp(impl_->opts.buffer_bytes / 16, size_t{4} << 10, size_t{1} << 20);
}

Sorter::~Sorter() = default;

size_t Sorter::runs_spilled() const { return impl_->spilled; }

Status Sorter::Begin(const Header& header) {
  Impl& m = *impl_;
  if (header.empty()) {
    m.pass = true;
    return next_->Begin(header);
  }
  m.keys = m.opts.keys;
  if (m.keys.empty()) {
    for (const std::string& name : header.names()) {
      m.keys.push_back({name, m.opts.default_type, m.opts.default_desc});
    }
  }
  m.cols.clear();
  for (const SortKey& k : m.keys) {
    KARTA_ASSIGN_OR_RETURN(auto i, RequireColumn(header, k.column, "check the -k list"));
    m.cols.push_back(i);
    if (k.type == SortType::kText && !m.sv) {
      KARTA_ASSIGN_OR_RETURN(auto c, Collator::Swedish(false));
      m.sv = std::move(c);
    }
    if (k.type == SortType::kNatural && !m.natural) {
      KARTA_ASSIGN_OR_RETURN(auto c, Collator::Swedish(true));
      m.natural = std::move(c);
    }
  }
  return next_->Begin(header);
}

Status Sorter::Push(Record& rec) {
  Impl& m = *impl_;
  if (m.pass) return next_->Push(rec);
  // The key.
  std::string& key = m.key;
  key.clear();
  static const std::string kNone;
  for (size_t k = 0; k < m.keys.size(); ++k) {
    const SortKey& sk = m.keys[k];
    const std::string& cell = m.cols[k] < rec.fields.size() ? rec.fields[m.cols[k]] : kNone;
    size_t from = key.size();
    if (cell.empty()) {
      AppendEmptySegment(&key);
      continue;
    }
    switch (sk.type) {
      case SortType::kText:
        AppendTextSegment(cell, m.sv.get(), &key);
        break;
      case SortType::kBytes:
        AppendTextSegment(cell, nullptr, &key);
        break;
      case SortType::kNatural:
        AppendTextSegment(cell, m.natural.get(), &key);
        break;
      case SortType::kNumber: {
        auto v = ParseNumber(cell);
        if (!v) {
          return Status::Data(fmt::format(
              "{}: {}: '{}' is not a number (the key is numeric, :n or -n; an empty cell is "
              "fine and sorts last)",
              rec.Where(), sk.column, cell.substr(0, 40)));
        }
        AppendNumberSegment(*v, &key);
        break;
      }
      case SortType::kTime: {
        auto v = ReadTime(cell, m.opts.tz);
        if (!v) {
          return Status::Data(fmt::format(
              "{}: {}: '{}' is not a time (the key is :time; e.g. 2026-03-02T10:00:00Z or "
              "2026-03-02 11:00; an empty cell is fine and sorts last)",
              rec.Where(), sk.column, cell.substr(0, 40)));
        }
        AppendNumberSegment(static_cast<double>(*v), &key);
        break;
      }
    }
    if (sk.desc) InvertSegment(&key, from);
  }
  // The entry.
  uint64_t src = m.SourceId(rec.source);
  auto line = static_cast<uint64_t>(rec.line < 0 ? 0 : rec.line);
  size_t rec_len = VarintSize(line) + VarintSize(src) + VarintSize(rec.fields.size());
  for (const std::string& f : rec.fields) rec_len += VarintSize(f.size()) + f.size();
  if (key.size() > UINT32_MAX - 8 || rec_len > UINT32_MAX - 8) {
    return Status::Data(
        fmt::format("{}: a record of {} bytes is too big to sort", rec.Where(), rec_len));
  }
  size_t total = 8 + key.size() + rec_len;
  // Spill first if this entry would go over the budget.
  if (!m.entries.empty() && m.Used() + total + sizeof(Entry) > m.opts.buffer_bytes) {
    KARTA_RETURN_IF_ERROR(m.Spill());
  }
  char* p = m.Alloc(total);
  auto kl = static_cast<uint32_t>(key.size());
  auto rl = static_cast<uint32_t>(rec_len);
  m.entries.push_back({p, kl, 0, 0});
  std::memcpy(p, &kl, 4);
  std::memcpy(p + 4, key.data(), key.size());
  m.entries.back().SetPrefix();
  p += 4 + key.size();
  std::memcpy(p, &rl, 4);
  p += 4;
  PutVarint(line, &p);
  PutVarint(src, &p);
  PutVarint(rec.fields.size(), &p);
  for (const std::string& f : rec.fields) {
    PutVarint(f.size(), &p);
    std::memcpy(p, f.data(), f.size());
    p += f.size();
  }
  return Status::Ok();
}

Status Sorter::End() {
  Impl& m = *impl_;
  if (m.pass) return next_->End();
  auto to_next = [&](std::string_view entry, uint32_t key_len) -> Status {
    uint32_t rl = LoadU32(entry.data() + 4 + key_len);
    KARTA_RETURN_IF_ERROR(m.Decode(entry.substr(8 + key_len, rl)));
    return next_->Push(m.out);
  };
  if (m.runs.empty()) {
    // All in memory: sort and send.
    m.SortEntries();
    std::string_view last;
    bool have_last = false;
    for (const Entry& e : m.entries) {
      if (m.opts.unique && have_last && e.key() == last) continue;
      KARTA_RETURN_IF_ERROR(to_next(e.whole(), e.key_len));
      last = e.key();
      have_last = true;
    }
    m.ClearArena();
    return next_->End();
  }
  // Too many runs for one merge: merge groups of consecutive runs (input
  // order is kept, so the sort stays stable) until few enough are left.
  while (m.runs.size() + 1 > m.opts.fan_in) {
    for (size_t at = 0; at < m.runs.size(); ++at) {
      size_t end = std::min(m.runs.size(), at + m.opts.fan_in);
      if (end - at > 1) KARTA_RETURN_IF_ERROR(m.MergeRuns(at, end));
    }
  }
  // The final merge: the runs, then what is still in memory (the last input).
  m.SortEntries();
  std::vector<Source> srcs(m.runs.size() + 1);
  for (size_t i = 0; i < m.runs.size(); ++i) srcs[i].file = m.runs[i].get();
  srcs.back().mem = &m.entries;
  KARTA_RETURN_IF_ERROR(m.Merge(srcs, to_next));
  m.runs.clear();
  m.ClearArena();
  return next_->End();
}

}  // namespace karta
