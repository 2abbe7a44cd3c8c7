#include "lib/xlsx.h"

#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xlsxwriter.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <optional>

namespace karta {
namespace {

// A private temporary folder, removed with what is in it.
class TempDir {
 public:
  explicit TempDir(const std::string& base) {
    std::string t = base + "/karta-xlsx-XXXXXX";
    if (::mkdtemp(t.data())) path_ = t;
  }
  ~TempDir() {
    if (path_.empty()) return;
    ::unlink((path_ + "/out.xlsx").c_str());
    ::rmdir(path_.c_str());
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

struct Formats {
  lxw_format* head = nullptr;       // the header row
  lxw_format* text = nullptr;       // text cells ("@"), so codes keep their zeros
  lxw_format* bold_text = nullptr;  // the totals row
  lxw_format* bold_num = nullptr;
};

// Writes `t` into `ws`: a bold header row, typed cells, the totals row bold.
lxw_error WriteSheet(lxw_worksheet* ws, const Table& t, const Formats& fm) {
  lxw_error err = LXW_NO_ERROR;
  for (size_t c = 0; c < t.columns.size() && err == LXW_NO_ERROR; ++c) {
    err = worksheet_write_string(ws, 0, static_cast<lxw_col_t>(c), t.columns[c].c_str(), fm.head);
    size_t width = DisplayWidth(t.columns[c]);
    for (const auto& row : t.rows) {
      if (c < row.size()) width = std::max(width, DisplayWidth(row[c]));
    }
    worksheet_set_column(ws, static_cast<lxw_col_t>(c), static_cast<lxw_col_t>(c),
                         static_cast<double>(std::min<size_t>(width + 2, 60)),
                         c < t.numeric.size() && t.numeric[c] ? nullptr : fm.text);
  }
  for (size_t r = 0; r < t.rows.size() && err == LXW_NO_ERROR; ++r) {
    bool totals = t.totals && r + 1 == t.rows.size();
    auto row = static_cast<lxw_row_t>(r + 1);
    for (size_t c = 0; c < t.rows[r].size() && err == LXW_NO_ERROR; ++c) {
      const std::string& cell = t.rows[r][c];
      auto col = static_cast<lxw_col_t>(c);
      bool numeric = c < t.numeric.size() && t.numeric[c];
      std::optional<double> v = numeric ? ParseNumber(cell) : std::nullopt;
      if (cell.empty()) {
        continue;
      } else if (v) {
        err = worksheet_write_number(ws, row, col, *v, totals ? fm.bold_num : nullptr);
      } else {
        err = worksheet_write_string(ws, row, col, cell.c_str(), totals ? fm.bold_text : fm.text);
      }
    }
  }
  worksheet_freeze_panes(ws, 1, 0);
  return err;
}

}  // namespace

bool IsXlsxPath(std::string_view path) {
  if (path.size() < 5) return false;
  std::string_view ext = path.substr(path.size() - 5);
  for (size_t i = 0; i < 5; ++i) {
    char c = ext[i] >= 'A' && ext[i] <= 'Z' ? static_cast<char>(ext[i] - 'A' + 'a') : ext[i];
    if (c != ".xlsx"[i]) return false;
  }
  return true;
}

std::string SwedishHeading(std::string_view column) {
  static const std::pair<std::string_view, std::string_view> kWhole[] = {
      {"count", "antal"}, {"total", "totalt"}, {"week", "vecka"},  {"day", "dag"},
      {"month", "månad"}, {"bar", "stapel"},   {"trend", "trend"}, {"key", "nyckel"},
  };
  for (const auto& [en, sv] : kWhole) {
    if (column == en) return std::string(sv);
  }
  static const std::pair<std::string_view, std::string_view> kSuffix[] = {
      {"_distinct", "olika"}, {"_sum", "summa"},  {"_min", "min"},
      {"_max", "max"},        {"_mean", "medel"},
  };
  for (const auto& [suffix, sv] : kSuffix) {
    if (column.size() > suffix.size() && column.substr(column.size() - suffix.size()) == suffix) {
      return fmt::format("{} ({})", column.substr(0, column.size() - suffix.size()), sv);
    }
  }
  return std::string(column);
}

Result<std::string> XlsxBytes(const Table& t, const XlsxOptions& opts) {
  return XlsxWorkbookBytes({{opts.sheet.substr(0, 31), t}}, opts);
}

Result<std::string> XlsxWorkbookBytes(const std::vector<XlsxSheet>& sheets,
                                      const XlsxOptions& opts) {
  for (const XlsxSheet& sheet : sheets) {
    if (sheet.name.empty() || sheet.name.size() > 31 ||
        sheet.name.find_first_of("[]:*?/\\") != std::string::npos) {
      return Status::Usage(fmt::format(
          "'{}' cannot name an Excel sheet (1 to 31 characters, none of []:*?/\\)", sheet.name));
    }
  }
  std::string base = opts.tmpdir;
  if (base.empty()) {
    const char* env = std::getenv("TMPDIR");
    base = env && *env ? env : "/tmp";
  }
  TempDir dir(base);
  if (dir.path().empty()) {
    return Status::Io(fmt::format("{}: cannot make a temporary folder for the .xlsx writer", base));
  }
  std::string file = dir.path() + "/out.xlsx";
  lxw_workbook_options wopts = {};
  wopts.tmpdir = const_cast<char*>(dir.path().c_str());
  lxw_workbook* wb = workbook_new_opt(file.c_str(), &wopts);
  if (!wb) return Status::Io("the .xlsx writer could not start (out of memory?)");
  if (opts.created > 0) {
    lxw_doc_properties props = {};
    props.created = static_cast<time_t>(opts.created);
    workbook_set_properties(wb, &props);
  }
  Formats fm;
  fm.head = workbook_add_format(wb);
  format_set_bold(fm.head);
  fm.text = workbook_add_format(wb);
  format_set_num_format(fm.text, "@");
  fm.bold_text = workbook_add_format(wb);
  format_set_num_format(fm.bold_text, "@");
  format_set_bold(fm.bold_text);
  fm.bold_num = workbook_add_format(wb);
  format_set_bold(fm.bold_num);
  lxw_error err = LXW_NO_ERROR;
  for (const XlsxSheet& sheet : sheets) {
    if (err != LXW_NO_ERROR) break;
    lxw_worksheet* ws = workbook_add_worksheet(wb, sheet.name.c_str());
    if (!ws) {
      workbook_close(wb);
      return Status::Io(fmt::format("the .xlsx writer refused the sheet name '{}'", sheet.name));
    }
    err = WriteSheet(ws, sheet.table, fm);
  }
  lxw_error closed = workbook_close(wb);
  if (err != LXW_NO_ERROR || closed != LXW_NO_ERROR) {
    return Status::Io(fmt::format("the .xlsx writer failed: {}",
                                  lxw_strerror(err != LXW_NO_ERROR ? err : closed)));
  }
  std::ifstream in(file, std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (!in.good() && !in.eof()) return Status::Io(fmt::format("{}: cannot read back", file));
  return bytes;
}

}  // namespace karta
