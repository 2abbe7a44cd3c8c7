// karta select: choose, reorder and rename columns; turn plain text into CSV.
//
// Reads CSV (or plain lines with --text) and writes CSV with the chosen
// columns, in the order given. It is the simplest tool and shows the shape of
// all of them: usage text with examples, a thin Tool, a Stage that does the
// work.
#include <fmt/format.h>
#include <sys/stat.h>

#include <charconv>

#include "tools/tools.h"

namespace karta {
namespace {

constexpr const char* kHelp = R"(
The selection is a comma-separated list of items:
  NAME          a column by name               url,text
  N             a column by position (1-based) 1,3
  N-M           a range of positions           2-4
  *             every column                   '*'
  ITEM as NEW   rename in the output           'text as body'
  !ITEM         leave out (alone: all others)  '!text'
Columns come out in the order given; a column may be chosen twice.

With --text the input is plain lines, one record each, in a column named
'text', and the selection may be left out.

Examples:
  karta select url,text pages.csv              keep two columns
  karta select 'text as body,url' pages.csv    rename and reorder
  karta select '!text' pages.csv               everything but the text
  karta select --text notes.txt                plain lines to CSV
  karta select --text 'text as url' urls.txt   a URL list for karta fetch
  karta select -d ';' '*' export.csv           semicolon CSV to comma CSV
)";

struct Item {
  std::string name;  // column name, or "" for positions
  size_t first = 0;  // 1-based range for positions; 0 for names
  size_t last = 0;
  bool all = false;
  bool drop = false;
  std::string rename;
};

Result<size_t> ParsePosition(std::string_view s) {
  size_t v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size() || v == 0) {
    return Status::Usage(fmt::format("'{}' is not a column position (positions start at 1)", s));
  }
  return v;
}

bool AllDigits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

Result<std::vector<Item>> ParseSelection(std::string_view spec) {
  std::vector<Item> items;
  for (const std::string& raw : SplitList(spec)) {
    Item it;
    std::string_view s = raw;
    if (auto as = s.find(" as "); as != std::string_view::npos) {
      std::string_view to = s.substr(as + 4);
      while (!to.empty() && to.front() == ' ') to.remove_prefix(1);
      it.rename = std::string(to);
      s = s.substr(0, as);
      while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
      if (it.rename.empty()) {
        return Status::Usage(fmt::format("'{}': a new name must follow 'as'", raw));
      }
    }
    if (!s.empty() && s.front() == '!') {
      it.drop = true;
      s.remove_prefix(1);
      if (!it.rename.empty()) {
        return Status::Usage(fmt::format("'{}': a column left out cannot be renamed", raw));
      }
    }
    if (s.empty()) return Status::Usage(fmt::format("'{}': empty column name", raw));
    if (s == "*") {
      it.all = true;
    } else if (auto dash = s.find('-'); dash != std::string_view::npos &&
                                        AllDigits(s.substr(0, dash)) &&
                                        AllDigits(s.substr(dash + 1))) {
      KARTA_ASSIGN_OR_RETURN(auto a, ParsePosition(s.substr(0, dash)));
      KARTA_ASSIGN_OR_RETURN(auto b, ParsePosition(s.substr(dash + 1)));
      if (b < a) return Status::Usage(fmt::format("'{}': a range must go upwards", s));
      it.first = a;
      it.last = b;
    } else if (AllDigits(s)) {
      KARTA_ASSIGN_OR_RETURN(auto a, ParsePosition(s));
      it.first = it.last = a;
    } else {
      it.name = std::string(s);
    }
    if (!it.rename.empty() && (it.all || it.first != it.last)) {
      return Status::Usage(fmt::format("'{}': only one column can be renamed at a time", raw));
    }
    items.push_back(std::move(it));
  }
  if (items.empty()) return Status::Usage("the selection is empty (name at least one column)");
  return items;
}

class SelectStage : public Stage {
 public:
  explicit SelectStage(std::vector<Item> items) : items_(std::move(items)) {}

  Status Begin(const Header& in) override {
    std::vector<std::string> names;
    auto resolve = [&](const Item& it, std::vector<size_t>* out) -> Status {
      if (it.all) {
        for (size_t i = 0; i < in.size(); ++i) out->push_back(i);
        return Status::Ok();
      }
      if (!it.name.empty()) {
        KARTA_ASSIGN_OR_RETURN(auto i, RequireColumn(in, it.name));
        out->push_back(i);
        return Status::Ok();
      }
      if (it.last > in.size()) {
        return Status::Usage(
            fmt::format("column position {} is past the last column ({})", it.last, in.size()));
      }
      for (size_t i = it.first; i <= it.last; ++i) out->push_back(i - 1);
      return Status::Ok();
    };
    if (in.empty()) return next_->Begin(in);  // empty input: nothing to select from
    bool only_drops = true;
    std::vector<bool> dropped(in.size(), false);
    for (const Item& it : items_) {
      if (!it.drop) {
        only_drops = false;
        continue;
      }
      std::vector<size_t> idx;
      KARTA_RETURN_IF_ERROR(resolve(it, &idx));
      for (size_t i : idx) dropped[i] = true;
    }
    if (only_drops) {
      for (size_t i = 0; i < in.size(); ++i) {
        if (!dropped[i]) {
          map_.push_back(i);
          names.push_back(in[i]);
        }
      }
    } else {
      for (const Item& it : items_) {
        if (it.drop) continue;
        std::vector<size_t> idx;
        KARTA_RETURN_IF_ERROR(resolve(it, &idx));
        for (size_t i : idx) {
          if (dropped[i]) continue;
          map_.push_back(i);
          names.push_back(it.rename.empty() ? in[i] : it.rename);
        }
      }
    }
    uses_.assign(in.size(), 0);
    for (size_t i : map_) ++uses_[i];
    out_.fields.resize(map_.size());
    return next_->Begin(Header(std::move(names)));
  }

  Status Push(Record& rec) override {
    for (size_t k = 0; k < map_.size(); ++k) {
      size_t i = map_[k];
      // A column used once is moved, not copied: pass-through costs no copy.
      if (uses_[i] == 1) {
        out_.fields[k].swap(rec.fields[i]);
      } else {
        out_.fields[k] = rec.fields[i];
      }
    }
    out_.source = rec.source;
    out_.line = rec.line;
    return next_->Push(out_);
  }

  Status End() override { return next_->End(); }

 private:
  std::vector<Item> items_;
  std::vector<size_t> map_;
  std::vector<int> uses_;
  Record out_;
};

class Select : public Tool {
 public:
  void AddOptions(CLI::App* app) override {
    app->add_option("SELECTION", args_,
                    "Columns to keep (see below), then input files (CSV; '-' or none: stdin)");
  }

  // SELECTION, then input files; with --text the selection is optional:
  // an existing file or '-' first is an input.
  Status TakeInputs(CommonOptions* common) override {
    std::vector<std::string> args = args_;
    if (!args.empty()) {
      bool first_is_input = common->text && (args.front() == "-" || IsFile(args.front()));
      if (!first_is_input) {
        spec_ = args.front();
        args.erase(args.begin());
      }
    }
    common->inputs = std::move(args);
    return Status::Ok();
  }

  Result<std::unique_ptr<Stage>> MakeStage(const ToolEnv& env) override {
    return Build(env, spec_);
  }

 private:
  static bool IsFile(const std::string& path) {
    struct stat st;
    return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode);
  }

  Result<std::unique_ptr<Stage>> Build(const ToolEnv& env, const std::string& spec) {
    if (spec.empty()) {
      if (!env.common.text) {
        return Status::Usage(
            "no columns selected (e.g. karta select url,text FILE; see karta select --help)");
      }
      return std::unique_ptr<Stage>(new PassStage());
    }
    KARTA_ASSIGN_OR_RETURN(auto items, ParseSelection(spec));
    return std::unique_ptr<Stage>(new SelectStage(std::move(items)));
  }

  std::vector<std::string> args_;
  std::string spec_;
};

}  // namespace

ToolInfo SelectTool() {
  return {"select", "Choose, reorder and rename columns; turn plain lines into CSV", kHelp,
          kInputFlags | kOutput, [] { return std::unique_ptr<Tool>(new Select()); }};
}

}  // namespace karta
