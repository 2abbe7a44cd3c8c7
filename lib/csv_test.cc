#include "lib/csv.h"

#include <doctest/doctest.h>
#include <fmt/format.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <string>

namespace karta {
namespace {

// Writes `content` to a temporary file and returns its path.
std::string TempFile(const std::string& content) {
  char path[] = "/tmp/karta-csv-test-XXXXXX";
  int fd = mkstemp(path);
  REQUIRE(fd >= 0);
  REQUIRE(write(fd, content.data(), content.size()) == static_cast<ssize_t>(content.size()));
  close(fd);
  return path;
}

struct Parsed {
  Status status;
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;
  std::vector<int64_t> lines;
  int64_t skipped = 0;
};

Parsed ParseFile(const std::string& path, CsvOptions opts) {
  Parsed p;
  auto r = CsvReader::Open({path}, opts);
  if (!r.ok()) {
    p.status = r.status();
    return p;
  }
  p.header = (*r)->header().names();
  Record rec;
  for (;;) {
    auto more = (*r)->Next(&rec);
    if (!more.ok()) {
      p.status = more.status();
      break;
    }
    if (!*more) break;
    p.rows.push_back(rec.fields);
    p.lines.push_back(rec.line);
  }
  p.skipped = (*r)->skipped();
  return p;
}

// Parses `content` in the background thread and in the caller's thread; the
// two must agree record for record and error for error.
Parsed Parse(const std::string& content, CsvOptions opts = {}) {
  std::string path = TempFile(content);
  opts.background = true;
  Parsed p = ParseFile(path, opts);
  opts.background = false;
  Parsed q = ParseFile(path, opts);
  std::remove(path.c_str());
  CHECK(p.status.code() == q.status.code());
  CHECK(p.status.message() == q.status.message());
  CHECK(p.header == q.header);
  CHECK(p.rows == q.rows);
  CHECK(p.lines == q.lines);
  CHECK(p.skipped == q.skipped);
  return p;
}

TEST_CASE("quoted fields hold delimiters, quotes and newlines") {
  auto p = Parse("a,b\n\"x,y\",\"say \"\"hi\"\"\"\n\"two\nlines\",z\n");
  REQUIRE(p.status.ok());
  CHECK(p.header == std::vector<std::string>{"a", "b"});
  REQUIRE(p.rows.size() == 2);
  CHECK(p.rows[0] == std::vector<std::string>{"x,y", "say \"hi\""});
  CHECK(p.rows[1] == std::vector<std::string>{"two\nlines", "z"});
  CHECK(p.lines == std::vector<int64_t>{2, 3});
}

TEST_CASE("CRLF, a BOM and no final newline") {
  auto p = Parse("\xEF\xBB\xBFid,v\r\n1,a\r\n2,b");
  REQUIRE(p.status.ok());
  CHECK(p.header == std::vector<std::string>{"id", "v"});
  REQUIRE(p.rows.size() == 2);
  CHECK(p.rows[1] == std::vector<std::string>{"2", "b"});
}

TEST_CASE("empty fields and empty lines") {
  auto p = Parse("a,b,c\n,,\n\n1,,3\n");
  REQUIRE(p.status.ok());
  REQUIRE(p.rows.size() == 2);
  CHECK(p.rows[0] == std::vector<std::string>{"", "", ""});
  CHECK(p.rows[1] == std::vector<std::string>{"1", "", "3"});
  CHECK(p.lines[1] == 4);
}

TEST_CASE("other delimiters") {
  CsvOptions o;
  o.delimiter = ';';
  auto p = Parse("a;b\n1,5;\"x;y\"\n", o);
  REQUIRE(p.status.ok());
  CHECK(p.rows[0] == std::vector<std::string>{"1,5", "x;y"});
  CHECK(*ParseDelimiter("\\t") == '\t');
  CHECK(*ParseDelimiter("tab") == '\t');
  CHECK_FALSE(ParseDelimiter(";;").ok());
  CHECK_FALSE(ParseDelimiter("\"").ok());
}

TEST_CASE("a field larger than the read buffer") {
  std::string big(3 << 20, 'x');
  big[1 << 20] = '\n';
  auto p = Parse("a,b\n\"" + big + "\",end\n");
  REQUIRE(p.status.ok());
  REQUIRE(p.rows.size() == 1);
  CHECK(p.rows[0][0] == big);
  CHECK(p.rows[0][1] == "end");
}

TEST_CASE("malformed records name the file and line") {
  auto p = Parse("a,b\n1,2\n3\n");
  CHECK(p.status.code() == Status::Code::kData);
  CHECK(p.status.message().find(":3: record has 1 field, the header has 2") != std::string::npos);

  p = Parse("a,b\n1,\"open\n2,3\n");
  CHECK(p.status.message().find(":2: unterminated quoted field") != std::string::npos);

  p = Parse("a,b\n\"x\"y,2\n");
  CHECK(p.status.message().find(":2: unexpected 'y' after a closing quote") != std::string::npos);

  p = Parse(std::string("a,b\n1,x\0y\n", 11));
  CHECK(p.status.message().find(":2: NUL byte in column 'b'") != std::string::npos);

  p = Parse("a,b\n1,caf\xE9\n");
  CHECK(p.status.message().find(":2: invalid UTF-8 in column 'b' at byte 4") != std::string::npos);
}

// Regression (#23.8): one 100 MB field took geotag to 2.85 GiB; a field is
// now bounded (16 MiB by default, --max-field), quoted or not, and in --text.
TEST_CASE("field-size-limit names the limit and the flag") {
  CsvOptions o;
  o.max_field_bytes = size_t{1} << 20;
  std::string big((size_t{1} << 20) + 100, 'x');
  for (const std::string& doc :
       {"a,b\n1,2\n" + big + ",3\n4,5\n", "a,b\n1,2\n\"" + big + "\",3\n4,5\n",
        "a,b\n1,2\n3,\"x\n" + big + "\"\"y\"\n4,5\n"}) {
    auto p = Parse(doc, o);
    CHECK(p.status.code() == Status::Code::kData);
    CHECK_MESSAGE(p.status.message().find(":3: field larger than the limit of 1 MiB (raise it "
                                          "with --max-field") != std::string::npos,
                  p.status.message());
    CHECK(p.rows.size() == 1);
    // With skip_bad the big record is skipped, the next one read whole.
    CsvOptions s = o;
    s.skip_bad = true;
    p = Parse(doc, s);
    REQUIRE(p.status.ok());
    CHECK(p.skipped == 1);
    REQUIRE(p.rows.size() == 2);
    CHECK(p.rows[1] == std::vector<std::string>{"4", "5"});
  }
  CsvOptions t = o;
  t.text = true;
  auto p = Parse("short\n" + big + "\n", t);
  CHECK(p.status.message().find(":2: field larger than the limit of 1 MiB") != std::string::npos);
  // At the limit is fine.
  p = Parse("a\n" + std::string(size_t{1} << 20, 'y') + "\n", o);
  CHECK(p.status.ok());
  CHECK(CsvOptions{}.max_field_bytes == size_t{16} << 20);
}

// Regression (#23.11): a header naming a column twice was accepted, and a
// tool silently read only the first.
TEST_CASE("duplicate-header-names are an error") {
  auto p = Parse("text,id,text\n1,2,3\n");
  CHECK(p.status.code() == Status::Code::kData);
  CHECK(p.status.message().find(":1: the header names column 'text' twice (columns 1 and 3)") !=
        std::string::npos);
}

// Regression (#23.11): files joined with cat put a byte order mark in the
// middle, which became part of a value.
TEST_CASE("mid-file-bom is an error, the leading one is dropped") {
  auto p = Parse(
      "\xEF\xBB\xBF"
      "a,b\n1,2\n");
  REQUIRE(p.status.ok());
  CHECK(p.header == std::vector<std::string>{"a", "b"});
  p = Parse(
      "\xEF\xBB\xBF"
      "a,b\n1,2\n\xEF\xBB\xBF"
      "a,b\n3,4\n");
  CHECK(p.status.code() == Status::Code::kData);
  CHECK(p.status.message().find(":3: byte order mark (U+FEFF) inside column 'a'") !=
        std::string::npos);
  // Also far from the start, past the first read buffer.
  std::string many = "a,b\n";
  for (int i = 0; i < 20000; ++i) many += "1,2\n";
  p = Parse(many + "5,x\xEF\xBB\xBFy\n");
  CHECK(p.status.message().find(":20002: byte order mark (U+FEFF) inside column 'b'") !=
        std::string::npos);
}

TEST_CASE("skip_bad skips and counts malformed records") {
  CsvOptions o;
  o.skip_bad = true;
  auto p = Parse("a,b\n1,2\n3\n4,\xFF\n5,6\n", o);
  REQUIRE(p.status.ok());
  CHECK(p.rows.size() == 2);
  CHECK(p.skipped == 2);
  CHECK(p.rows[1] == std::vector<std::string>{"5", "6"});
}

TEST_CASE("text mode: one record per line, column text") {
  CsvOptions o;
  o.text = true;
  auto p = Parse("hej, du\r\n\n\"citat\"\n", o);
  REQUIRE(p.status.ok());
  CHECK(p.header == std::vector<std::string>{"text"});
  REQUIRE(p.rows.size() == 2);
  CHECK(p.rows[0][0] == "hej, du");
  CHECK(p.rows[1][0] == "\"citat\"");
  CHECK(p.lines == std::vector<int64_t>{1, 3});
}

TEST_CASE("several files with the same header read as one") {
  std::string a = TempFile("x\n1\n");
  std::string b = TempFile("x\n2\n");
  std::string c = TempFile("y\n3\n");
  auto r = CsvReader::Open({a, b}, {});
  REQUIRE(r.ok());
  Record rec;
  std::vector<std::string> got;
  while (*(*r)->Next(&rec)) got.push_back(rec.fields[0]);
  CHECK(got == std::vector<std::string>{"1", "2"});
  auto r2 = CsvReader::Open({a, c}, {});
  REQUIRE(r2.ok());
  (void)(*r2)->Next(&rec);
  auto bad = (*r2)->Next(&rec);
  CHECK_FALSE(bad.ok());
  CHECK(bad.status().message().find("header differs") != std::string::npos);
  for (auto& f : {a, b, c}) std::remove(f.c_str());
}

TEST_CASE("cancel stops at the next record") {
  std::atomic<bool> cancel{true};
  CsvOptions o;
  o.cancel = &cancel;
  auto p = Parse("a\n1\n", o);
  CHECK(p.status.code() == Status::Code::kInterrupted);
}

TEST_CASE("many records cross batch and buffer boundaries intact") {
  // 5,000 records of ~700 bytes: several read buffers and many batches;
  // Swedish letters everywhere, so characters are cut at buffer ends.
  std::string content = "id,text,n\n";
  std::vector<std::string> texts;
  for (int i = 0; i < 5000; ++i) {
    std::string t;
    for (int k = 0; k < 40 + i % 7; ++k) t += (k % 3 == 0) ? "Östermalm, " : "på Söder ";
    if (i % 100 == 0) t += "\"citat\" och\nny rad";
    texts.push_back(t);
    std::string quoted = "\"";
    for (char c : t) quoted += c == '"' ? std::string("\"\"") : std::string(1, c);
    content += std::to_string(i) + "," + quoted + "\"," + std::to_string(i % 13) + "\n";
  }
  auto p = Parse(content);
  REQUIRE(p.status.ok());
  REQUIRE(p.rows.size() == texts.size());
  for (size_t i = 0; i < texts.size(); ++i) {
    REQUIRE(p.rows[i][1] == texts[i]);
    REQUIRE(p.rows[i][0] == std::to_string(i));
  }
}

TEST_CASE("bad bytes are found wherever the read buffer ends") {
  // A two-byte letter and then a bad byte placed around the 1 MiB mark (a
  // read-buffer boundary: the buffer size divides it): the letter is fine,
  // the bad byte is reported on its own line.
  for (size_t shift = 0; shift < 4; ++shift) {
    std::string content = "a\n";
    std::string filler(100, 'x');
    while (content.size() + filler.size() + 1 < (size_t{1} << 20) - 2 + shift) {
      content += filler + "\n";
    }
    content += "ö\n";
    int64_t bad_line = 0;
    for (const char* c = content.data(); c < content.data() + content.size(); ++c) {
      bad_line += *c == '\n';
    }
    content += "ok\xC3(\n";
    content += "after\n";
    auto p = Parse(content);
    CHECK(p.status.code() == Status::Code::kData);
    CHECK(p.status.message().find(fmt::format(":{}: invalid UTF-8", bad_line + 1)) !=
          std::string::npos);
    CsvOptions o;
    o.skip_bad = true;
    p = Parse(content, o);
    REQUIRE(p.status.ok());
    CHECK(p.skipped == 1);
    CHECK(p.rows.back()[0] == "after");
    CHECK(p.rows[p.rows.size() - 2][0] == "ö");
  }
}

TEST_CASE("an error after many good records comes after them") {
  std::string content = "a,b\n";
  for (int i = 0; i < 3000; ++i) content += std::to_string(i) + ",x\n";
  content += "only-one\n";
  auto p = Parse(content);
  CHECK(p.rows.size() == 3000);
  CHECK(p.status.message().find(":3002: record has 1 field") != std::string::npos);
}

TEST_CASE("a reader given up early ends its thread") {
  std::string content = "a\n";
  for (int i = 0; i < 200000; ++i) content += "row\n";
  std::string path = TempFile(content);
  for (int round = 0; round < 20; ++round) {
    auto r = CsvReader::Open({path}, {});
    REQUIRE(r.ok());
    Record rec;
    REQUIRE(*(*r)->Next(&rec));
  }  // destroyed with the thread mid-file: must neither hang nor leak
  std::remove(path.c_str());
}

TEST_CASE("writer: rows larger than the output buffer and many small ones round-trip") {
  std::string big;
  for (int i = 0; i < 20000; ++i) big += "a \"q\", b\n";  // ~200 KB, quotes and newlines
  std::vector<std::vector<std::string>> rows;
  for (int i = 0; i < 30000; ++i) {
    rows.push_back({std::to_string(i), i % 1000 == 7 ? big : "Söder, \"citat\"", ""});
  }
  std::string out = TempFile("");
  {
    auto f = OutputFile::Open(out);
    REQUIRE(f.ok());
    CsvWriter w(f->get());
    REQUIRE(w.Begin(Header({"id", "text", "empty"})).ok());
    for (const auto& r : rows) REQUIRE(w.WriteRow(r).ok());
    REQUIRE(w.End().ok());
    REQUIRE((*f)->Commit().ok());
  }
  auto p = Parse(std::string(std::istreambuf_iterator<char>(std::ifstream(out).rdbuf()), {}));
  REQUIRE(p.status.ok());
  CHECK(p.rows == rows);
  std::remove(out.c_str());
}

TEST_CASE("writer quotes only when it must and round-trips") {
  std::string line;
  CsvWriter::AppendField(&line, "plain");
  CHECK(line == "plain");
  line.clear();
  CsvWriter::AppendField(&line, "a,b");
  CHECK(line == "\"a,b\"");
  line.clear();
  CsvWriter::AppendField(&line, "say \"hi\"\nbye");
  CHECK(line == "\"say \"\"hi\"\"\nbye\"");
  std::string out = TempFile("");
  {
    auto f = OutputFile::Open(out);
    REQUIRE(f.ok());
    CsvWriter w(f->get());
    REQUIRE(w.Begin(Header({"a", "b"})).ok());
    REQUIRE(w.WriteRow({"x,y", "\"q\"\r\n"}).ok());
    REQUIRE(w.End().ok());
    REQUIRE((*f)->Commit().ok());
  }
  auto p = Parse(std::string(std::istreambuf_iterator<char>(std::ifstream(out).rdbuf()), {}));
  REQUIRE(p.status.ok());
  CHECK(p.rows[0] == std::vector<std::string>{"x,y", "\"q\"\r\n"});
  std::remove(out.c_str());
}

// A byte-at-a-time reference for the writer's quoting.
std::string ReferenceField(std::string_view f, char delim) {
  bool quote = false;
  for (char c : f) quote = quote || c == delim || c == '"' || c == '\n' || c == '\r';
  if (!quote) return std::string(f);
  std::string out = "\"";
  for (char c : f) {
    out += c;
    if (c == '"') out += '"';
  }
  return out + "\"";
}

TEST_CASE("writer: a byte that forces quoting is found at every length and offset") {
  // The check goes 16 bytes at a time with an overlapping last block, and
  // reads short fields as overlapping words: every length from 0 to 80 and
  // every position of the special byte, in the middle of a larger buffer.
  for (char special : {',', '"', '\n', '\r', ';'}) {
    for (size_t n = 0; n <= 80; ++n) {
      std::string base(n, 'x');
      for (size_t k = 0; k < n; ++k) base[k] = static_cast<char>("aäb c"[k % 5]);
      for (size_t at = 0; at <= n; ++at) {  // at == n: no special byte
        std::string f = base;
        if (at < n) f[at] = special;
        for (char delim : {',', ';'}) {
          std::string line = "[";
          CsvWriter::AppendField(&line, f, delim);
          REQUIRE(line == fmt::format("[{}", ReferenceField(f, delim)));
        }
      }
    }
  }
  // Fields taken from inside a longer string: no byte outside is looked at.
  std::string wide = "\",\"" + std::string(40, 'y') + "\",\"";
  for (size_t from = 3; from <= 43; ++from) {
    for (size_t n = 0; from + n <= 43; ++n) {
      std::string line;
      CsvWriter::AppendField(&line, std::string_view(wide).substr(from, n));
      REQUIRE(line == std::string(n, 'y'));
    }
  }
}

TEST_CASE("a caller may change, move or grow the record between reads") {
  // Next() swaps its strings with the caller's: what the caller leaves in
  // the record (more fields, moved-out fields, long values) must not leak
  // into later records.
  std::string content = "a,b,c\n";
  std::vector<std::vector<std::string>> want;
  for (int i = 0; i < 5000; ++i) {
    std::vector<std::string> row = {
        std::to_string(i), std::string(static_cast<size_t>(i % 50), 'v'), i % 3 ? "" : "Söder"};
    content += row[0] + "," + row[1] + "," + row[2] + "\n";
    want.push_back(row);
  }
  std::string path = TempFile(content);
  for (bool background : {true, false}) {
    CsvOptions opts;
    opts.background = background;
    auto r = CsvReader::Open({path}, opts);
    REQUIRE(r.ok());
    Record rec;
    std::vector<std::vector<std::string>> kept;
    for (size_t i = 0;; ++i) {
      auto more = (*r)->Next(&rec);
      REQUIRE(more.ok());
      if (!*more) break;
      REQUIRE(i < want.size());
      REQUIRE(rec.fields == want[i]);
      switch (i % 4) {
        case 0:
          rec.fields.resize(7, std::string(100, 'z'));
          break;
        case 1:
          kept.push_back(std::move(rec.fields));
          break;
        case 2:
          rec.fields[1].assign(300, 'w');
          break;
        default:
          rec.fields.clear();
      }
    }
    REQUIRE(kept.size() == want.size() / 4);
    for (size_t k = 0; k < kept.size(); ++k) REQUIRE(kept[k] == want[4 * k + 1]);
  }
  std::remove(path.c_str());
}

TEST_CASE("a tricky record at every offset around a read-buffer end") {
  // Records that lie wholly in the read buffer take a fast path; one cut by
  // the buffer's end is parsed again by the general path. Put a record with
  // CRLF, doubled quotes, an embedded newline and an empty last field at
  // every offset around the 64 KiB mark.
  const std::string tricky = "\"a \"\"q\"\"\r\nb\",x,\r\n";
  for (size_t shift = 0; shift < 40; ++shift) {
    std::string content = "h1,h2,h3\n";
    while (content.size() < (size_t{1} << 16) - 20 + shift) content += "ab,c,d\n";
    size_t before = 0;
    for (char c : content) before += c == '\n';
    content += tricky + "e,f,\"g\"\n";
    auto p = Parse(content);
    REQUIRE(p.status.ok());
    REQUIRE(p.rows.size() == before + 1);
    CHECK(p.rows[before - 1] == std::vector<std::string>{"a \"q\"\r\nb", "x", ""});
    CHECK(p.lines[before - 1] == static_cast<int64_t>(before + 1));
    CHECK(p.rows[before] == std::vector<std::string>{"e", "f", "g"});
    CHECK(p.lines[before] == static_cast<int64_t>(before + 3));
    // The same with a stray quote after the closing one: an error on that line.
    std::string bad = content;
    bad.replace(bad.size() - tricky.size() - 8, 1, "\"\"\"\"x\"");
    auto q = Parse(bad);
    CHECK(q.status.code() == Status::Code::kData);
  }
}

}  // namespace
TEST_CASE("FormatRow and ParseCsvRow round-trip quotes, commas and line ends") {
  std::vector<std::string> row = {"a", "", "b,c", "say \"hi\"", "two\nlines", "å"};
  std::string line = CsvWriter::FormatRow(row);
  CHECK(line == "a,,\"b,c\",\"say \"\"hi\"\"\",\"two\nlines\",å");
  CHECK(ParseCsvRow(line) == row);
  CHECK(ParseCsvRow("").empty());
  CHECK(ParseCsvRow(",") == std::vector<std::string>{"", ""});
}

}  // namespace karta
