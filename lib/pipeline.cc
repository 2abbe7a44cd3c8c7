#include "lib/pipeline.h"

#include <fmt/format.h>

#include <chrono>
#include <cstdlib>
#include <utility>

#include "lib/io.h"
#include "lib/text.h"

namespace karta {
namespace {

bool IsNameStart(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
bool IsNameChar(char c) { return IsNameStart(c) || (c >= '0' && c <= '9'); }
bool IsValidName(std::string_view s) {
  if (s.empty() || !IsNameStart(s[0])) return false;
  for (char c : s) {
    if (!IsNameChar(c)) return false;
  }
  return true;
}

// The tokenizer: one pass over the text, building stages of words.
class Parser {
 public:
  Parser(std::string_view text, const std::string& path,
         const std::map<std::string, std::string>& vars)
      : s_(text), path_(path), vars_(vars) {
    routine_.path = path;
  }

  Result<Routine> Parse() {
    while (i_ < s_.size()) {
      char c = s_[i_];
      if (c == '\n') {
        KARTA_RETURN_IF_ERROR(EndWord());
        KARTA_RETURN_IF_ERROR(EndLine());
        ++line_;
        ++i_;
      } else if (c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v') {
        KARTA_RETURN_IF_ERROR(EndWord());
        ++i_;
      } else if (c == '#' && !in_word_) {
        while (i_ < s_.size() && s_[i_] != '\n') ++i_;
      } else if (c == '|') {
        KARTA_RETURN_IF_ERROR(EndWord());
        KARTA_RETURN_IF_ERROR(Pipe());
        ++i_;
      } else if (c == '\\') {
        if (i_ + 1 >= s_.size())
          return Error(line_, "the routine ends with '\\' (nothing to continue)");
        if (s_[i_ + 1] == '\n') {
          ++line_;  // a continued line: the backslash and line end vanish
        } else if (s_[i_ + 1] == '\r' && i_ + 2 < s_.size() && s_[i_ + 2] == '\n') {
          ++line_;
          ++i_;
        } else {
          StartWord();
          word_ += s_[i_ + 1];
        }
        i_ += 2;
      } else if (c == '\'') {
        StartWord();
        int start = line_;
        size_t j = s_.find('\'', i_ + 1);
        if (j == std::string_view::npos)
          return Error(start, "unterminated single quote (add the closing ')");
        for (size_t k = i_ + 1; k < j; ++k) {
          if (s_[k] == '\n') ++line_;
        }
        word_.append(s_.substr(i_ + 1, j - i_ - 1));
        i_ = j + 1;
      } else if (c == '"') {
        StartWord();
        KARTA_RETURN_IF_ERROR(DoubleQuoted());
      } else if (c == '$') {
        StartWord();
        KARTA_RETURN_IF_ERROR(Dollar());
      } else if (c == '<' || c == '>' || c == ';' || c == '&' || c == '`') {
        return Error(
            line_,
            fmt::format("'{}' needs a shell, and a routine runs without one ({}; quote it if it is "
                        "part of an argument)",
                        c,
                        c == '>'   ? "karta run -o FILE writes the output to a file"
                        : c == '<' ? "give input files to karta run: karta run ROUTINE FILE"
                                   : "a routine is one pipeline"));
      } else {
        StartWord();
        word_ += c;
        ++i_;
      }
    }
    KARTA_RETURN_IF_ERROR(EndWord());
    KARTA_RETURN_IF_ERROR(EndLine());
    if (pending_pipe_) {
      return Error(pipe_line_, "the routine ends with '|' (a stage is missing after it)");
    }
    if (routine_.stages.empty()) {
      return Error(line_,
                   "the routine has no stages (write one karta tool per line, joined by '|')");
    }
    return std::move(routine_);
  }

 private:
  Status Error(int line, std::string_view what) const {
    return Status::Usage(fmt::format("{}:{}: {}", path_, line, what));
  }

  void StartWord() {
    if (!in_word_) {
      in_word_ = true;
      word_.clear();
      if (words_.empty()) stage_line_ = line_;
    }
  }

  Status EndWord() {
    if (in_word_) {
      words_.push_back(std::move(word_));
      word_.clear();
      in_word_ = false;
    }
    return Status::Ok();
  }

  // A '|' outside quotes: ends the current stage.
  Status Pipe() {
    if (words_.empty()) {
      if (pending_pipe_) return Error(line_, "empty stage between two '|'");
      if (routine_.stages.empty())
        return Error(line_, "the routine starts with '|' (a stage is missing before it)");
    } else {
      KARTA_RETURN_IF_ERROR(EndStage());
    }
    pending_pipe_ = true;
    pipe_line_ = line_;
    return Status::Ok();
  }

  // The end of a line (not continued with '\').
  Status EndLine() {
    if (words_.empty()) return Status::Ok();
    if (words_[0] == "set" && !pending_pipe_) return SetLine();
    return EndStage();
  }

  Status EndStage() {
    RoutineStage st;
    st.line = stage_line_;
    st.args = std::move(words_);
    words_.clear();
    if (st.args[0] == "karta") st.args.erase(st.args.begin());
    if (st.args.empty()) return Error(st.line, "a stage names no tool after 'karta'");
    routine_.stages.push_back(std::move(st));
    pending_pipe_ = false;
    return Status::Ok();
  }

  // `set NAME = VALUE` or `set NAME=VALUE`.
  Status SetLine() {
    std::vector<std::string> w = std::move(words_);
    words_.clear();
    std::string name, value;
    if (w.size() == 4 && w[2] == "=") {
      name = w[1];
      value = w[3];
    } else if (w.size() == 2 && w[1].find('=') != std::string::npos) {
      auto a = ParseAssignment(w[1]);
      if (!a.ok()) return Error(stage_line_, a.status().message());
      name = a->first;
      value = a->second;
    } else {
      return Error(stage_line_,
                   "a 'set' line must read: set NAME = VALUE (quote a VALUE with blanks)");
    }
    if (!IsValidName(name)) {
      return Error(stage_line_,
                   fmt::format("'{}' is not a variable name (letters, digits, _)", name));
    }
    if (routine_.defaults.count(name)) {
      return Error(stage_line_, fmt::format("variable '{}' is set twice", name));
    }
    routine_.defaults[name] = value;
    routine_.used.insert(name);
    return Status::Ok();
  }

  Status DoubleQuoted() {
    int start = line_;
    ++i_;  // opening quote
    while (true) {
      if (i_ >= s_.size()) return Error(start, "unterminated double quote (add the closing \")");
      char c = s_[i_];
      if (c == '"') {
        ++i_;
        return Status::Ok();
      }
      if (c == '\\' && i_ + 1 < s_.size()) {
        char n = s_[i_ + 1];
        if (n == '"' || n == '\\' || n == '$' || n == '`') {
          word_ += n;
        } else if (n == '\n') {
          ++line_;
        } else {
          word_ += c;
          word_ += n;
        }
        i_ += 2;
        continue;
      }
      if (c == '$') {
        KARTA_RETURN_IF_ERROR(Dollar());
        continue;
      }
      if (c == '`')
        return Error(
            line_,
            "'`' needs a shell, and a routine runs without one (write \\` for a literal one)");
      if (c == '\n') ++line_;
      word_ += c;
      ++i_;
    }
  }

  // At a '$': `${name}` expands; `$(` is an error; anything else is literal.
  Status Dollar() {
    if (i_ + 1 < s_.size() && s_[i_ + 1] == '(') {
      return Error(line_, "'$(' needs a shell, and a routine runs without one");
    }
    if (i_ + 1 >= s_.size() || s_[i_ + 1] != '{') {
      word_ += '$';
      ++i_;
      return Status::Ok();
    }
    size_t close = s_.find('}', i_ + 2);
    size_t nl = s_.find('\n', i_ + 2);
    if (close == std::string_view::npos || (nl != std::string_view::npos && nl < close)) {
      return Error(line_, "'${' without a closing '}'");
    }
    std::string name(s_.substr(i_ + 2, close - i_ - 2));
    if (!IsValidName(name)) {
      return Error(line_, fmt::format("'${{{}}}': not a variable name (letters, digits, _)", name));
    }
    routine_.used.insert(name);
    const char* env = name.rfind("KARTA_", 0) == 0 ? std::getenv(name.c_str()) : nullptr;
    if (auto v = vars_.find(name); v != vars_.end()) {
      word_ += v->second;
    } else if (env && *env) {
      word_ += env;  // KARTA_* variables come from the environment before 'set' defaults
    } else if (auto d = routine_.defaults.find(name); d != routine_.defaults.end()) {
      word_ += d->second;
    } else {
      return Error(
          line_, fmt::format("variable '{}' is not set (give it with --set {}=VALUE, or add a line "
                             "'set {} = VALUE' before its first use)",
                             name, name, name));
    }
    i_ = close + 1;
    return Status::Ok();
  }

  std::string_view s_;
  const std::string& path_;
  const std::map<std::string, std::string>& vars_;
  Routine routine_;
  size_t i_ = 0;
  int line_ = 1;
  std::vector<std::string> words_;
  std::string word_;
  bool in_word_ = false;
  int stage_line_ = 1;
  bool pending_pipe_ = false;
  int pipe_line_ = 0;
};

}  // namespace

Result<Routine> ParseRoutine(std::string_view text, const std::string& path,
                             const std::map<std::string, std::string>& vars) {
  size_t bad = 0;
  if (!Utf8Valid(text, &bad)) {
    int line = 1;
    for (size_t k = 0; k < bad && k < text.size(); ++k) {
      if (text[k] == '\n') ++line;
    }
    return Status::Usage(
        fmt::format("{}:{}: not valid UTF-8 (save the routine as UTF-8)", path, line));
  }
  if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
  return Parser(text, path, vars).Parse();
}

Result<Routine> LoadRoutine(const std::string& path,
                            const std::map<std::string, std::string>& vars) {
  constexpr size_t kMaxRoutine = size_t{1} << 20;
  KARTA_ASSIGN_OR_RETURN(std::string text, ReadFileToString(path, kMaxRoutine));
  if (text.size() > kMaxRoutine) {
    return Status::Usage(fmt::format("{}: larger than 1 MiB; is this really a routine?", path));
  }
  return ParseRoutine(text, path, vars);
}

Result<std::pair<std::string, std::string>> ParseAssignment(std::string_view s) {
  size_t eq = s.find('=');
  if (eq == std::string_view::npos) {
    return Status::Usage(fmt::format("'{}': expected NAME=VALUE, e.g. since=7d", s));
  }
  std::string name(s.substr(0, eq));
  if (!IsValidName(name)) {
    return Status::Usage(fmt::format("'{}' is not a variable name (letters, digits, _)", name));
  }
  return std::make_pair(name, std::string(s.substr(eq + 1)));
}

std::string RoutineDescription(std::string_view text) {
  std::string out;
  size_t i = 0;
  while (i < text.size()) {
    size_t j = text.find('\n', i);
    if (j == std::string_view::npos) j = text.size();
    std::string_view line = text.substr(i, j - i);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty() || line[0] != '#') break;
    line.remove_prefix(1);
    if (!line.empty() && line[0] == '!') {  // a #! line
      i = j + 1;
      continue;
    }
    if (!line.empty() && line[0] == ' ') line.remove_prefix(1);
    out.append(line);
    out += '\n';
    i = j + 1;
  }
  return out;
}

// A meter sits in front of a stage (or of the output): it counts what goes in,
// times the call, and notes the first failure.
class Chain::Meter : public RecordSink {
 public:
  Meter(RecordSink* target, int index, int* fault, bool timed)
      : target_(target), index_(index), fault_(fault), timed_(timed) {}

  Status Begin(const Header& header) override {
    return Call([&] { return target_->Begin(header); });
  }
  Status Push(Record& record) override {
    ++records_;
    return Call([&] { return target_->Push(record); });
  }
  Status End() override {
    return Call([&] { return target_->End(); });
  }

  int64_t records() const { return records_; }
  double inclusive() const { return seconds_; }

 private:
  template <typename F>
  Status Call(F f) {
    Status st;
    if (timed_) {
      auto t0 = std::chrono::steady_clock::now();
      st = f();
      seconds_ += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    } else {
      st = f();
    }
    // The deepest meter sees a failure first; those above leave it be.
    if (!st.ok() && *fault_ < 0) *fault_ = index_;
    return st;
  }

  RecordSink* target_;
  int index_;
  int* fault_;
  bool timed_;
  int64_t records_ = 0;
  double seconds_ = 0;
};

Chain::Chain(std::vector<std::unique_ptr<Stage>> stages, RecordSink* out, bool timed)
    : stages_(std::move(stages)) {
  int n = static_cast<int>(stages_.size());
  meters_.resize(n + 1);
  meters_[n] = std::make_unique<Meter>(out, n, &fault_, timed);
  for (int k = n - 1; k >= 0; --k) {
    stages_[k]->SetNext(meters_[k + 1].get());
    meters_[k] = std::make_unique<Meter>(stages_[k].get(), k, &fault_, timed);
  }
}

Chain::~Chain() = default;

RecordSink* Chain::head() { return meters_[0].get(); }

std::vector<StageStats> Chain::Stats() const {
  std::vector<StageStats> out(stages_.size());
  for (size_t k = 0; k < stages_.size(); ++k) {
    out[k].records_in = meters_[k]->records();
    out[k].records_out = meters_[k + 1]->records();
    double s = meters_[k]->inclusive() - meters_[k + 1]->inclusive();
    out[k].seconds = s < 0 ? 0 : s;
  }
  return out;
}

int64_t Chain::records_out() const { return meters_.back()->records(); }
double Chain::output_seconds() const { return meters_.back()->inclusive(); }

}  // namespace karta
