// Tables as real Excel workbooks (.xlsx, Office Open XML) via libxlsxwriter,
// for tabulate, export and the report's tables. Cells are typed: numbers in
// a table's number columns are Excel numbers; everything else is a text cell
// (format "@"), so that codes and identifiers such as kommunkod 0180 or a
// phone number keep their leading zeros and are never turned into numbers.
//
// Thread-safety: XlsxBytes may run on several threads at once.
#ifndef KARTA_LIB_XLSX_H_
#define KARTA_LIB_XLSX_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "lib/status.h"
#include "lib/table.h"

namespace karta {

struct XlsxOptions {
  std::string sheet = "karta";  // the worksheet's name (at most 31 characters)
  // Temporary files of the writer go here (mode 0700 folder, removed after).
  std::string tmpdir;  // "": $TMPDIR or /tmp
  // The workbook's creation time (docProps/core.xml), seconds since 1970;
  // 0: when it is written. A fixed time makes the same tables the same bytes.
  int64_t created = 0;
};

// The .xlsx file's bytes for `t`: a bold header row, then the rows; the
// totals row bold too. Write them with OutputFile (mode 0600, atomic).
Result<std::string> XlsxBytes(const Table& t, const XlsxOptions& opts = {});

// One worksheet of a workbook: its name (at most 31 characters, none of
// []:*?/\) and its table.
struct XlsxSheet {
  std::string name;
  Table table;
};

// A workbook with one worksheet per table, each laid out as XlsxBytes lays
// out its one (opts.sheet is not used). REQUIRES: at least one sheet.
Result<std::string> XlsxWorkbookBytes(const std::vector<XlsxSheet>& sheets,
                                      const XlsxOptions& opts = {});

// The Swedish heading of an output column for --lang sv: count -> antal,
// COL_distinct -> "COL (olika)", COL_sum -> "COL (summa)", min, max, mean
// (medel), total -> totalt, week/day/month -> vecka/dag/månad, bar -> stapel.
// Other names are returned unchanged.
std::string SwedishHeading(std::string_view column);

// Whether `path` names an .xlsx file (case-insensitive suffix).
bool IsXlsxPath(std::string_view path);

}  // namespace karta

#endif  // KARTA_LIB_XLSX_H_
