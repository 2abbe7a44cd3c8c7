// Status and Result: errors as values, as in LevelDB and RE2.
//
// The library never prints or exits; it returns a Status that says what went
// wrong and where. Tools turn a Status into a message and an exit code in one
// place (lib/cli.h). Messages are written to be shown to a user as they are:
// "FILE:LINE: what is wrong (hint)".
//
// Thread-safety: Status and Result are values; distinct objects may be used
// from distinct threads.
#ifndef KARTA_LIB_STATUS_H_
#define KARTA_LIB_STATUS_H_

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace karta {

class Status {
 public:
  enum class Code {
    kOk = 0,
    kUsage,        // the command line or a rule/config file is wrong: exit 2
    kData,         // bad input data: exit 1
    kIo,           // a file or network operation failed: exit 1
    kInterrupted,  // SIGINT/SIGTERM: the run stopped early, output kept
    kBrokenPipe,   // the reader went away (`| head`): exit 0, no message
    kIncomplete,   // finished, but saw less than it should (empty input, or a
                   // site yielded nothing): exit 3, everything written is kept
  };

  Status() = default;
  static Status Ok() { return Status(); }
  static Status Usage(std::string msg) { return Status(Code::kUsage, std::move(msg)); }
  static Status Data(std::string msg) { return Status(Code::kData, std::move(msg)); }
  static Status Io(std::string msg) { return Status(Code::kIo, std::move(msg)); }
  static Status Interrupted(std::string msg) { return Status(Code::kInterrupted, std::move(msg)); }
  static Status BrokenPipe() { return Status(Code::kBrokenPipe, "broken pipe"); }
  static Status Incomplete(std::string msg) { return Status(Code::kIncomplete, std::move(msg)); }

  bool ok() const { return code_ == Code::kOk; }
  Code code() const { return code_; }
  const std::string& message() const { return message_; }

  // Returns a copy whose message is "prefix: message"; used to add a file
  // name or stage as an error travels up.
  Status WithPrefix(std::string_view prefix) const;

 private:
  Status(Code code, std::string msg) : code_(code), message_(std::move(msg)) {}
  Code code_ = Code::kOk;
  std::string message_;
};

// Result<T> holds either a T or a non-ok Status.
template <typename T>
class Result {
 public:
  Result(T value) : v_(std::move(value)) {}         // NOLINT: implicit by design
  Result(Status status) : v_(std::move(status)) {}  // NOLINT: implicit by design
  bool ok() const { return std::holds_alternative<T>(v_); }
  const Status& status() const {
    static const Status kOk;
    return ok() ? kOk : std::get<Status>(v_);
  }
  T& value() & { return std::get<T>(v_); }
  const T& value() const& { return std::get<T>(v_); }
  T&& value() && { return std::get<T>(std::move(v_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T&& operator*() && { return std::move(*this).value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

 private:
  std::variant<T, Status> v_;
};

}  // namespace karta

// Returns early from the enclosing function if `expr` is a non-ok Status.
#define KARTA_RETURN_IF_ERROR(expr)                \
  do {                                             \
    ::karta::Status karta_status_ = (expr);        \
    if (!karta_status_.ok()) return karta_status_; \
  } while (0)

// Evaluates `expr` (a Result<T>); on error returns its Status from the
// enclosing function, else moves the value into `lhs`, which may declare a
// variable:  KARTA_ASSIGN_OR_RETURN(auto rows, ReadRows(path));
// Expands to more than one statement: not for an unbraced if/else branch.
#define KARTA_ASSIGN_OR_RETURN(lhs, expr) \
  KARTA_ASSIGN_OR_RETURN_IMPL_(KARTA_STATUS_CONCAT_(karta_result_, __LINE__), lhs, expr)
#define KARTA_ASSIGN_OR_RETURN_IMPL_(tmp, lhs, expr) \
  auto tmp = (expr);                                 \
  if (!tmp.ok()) return tmp.status();                \
  lhs = std::move(tmp).value()
#define KARTA_STATUS_CONCAT_(a, b) KARTA_STATUS_CONCAT_INNER_(a, b)
#define KARTA_STATUS_CONCAT_INNER_(a, b) a##b

#endif  // KARTA_LIB_STATUS_H_
