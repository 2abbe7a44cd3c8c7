// Pseudonym: stable keyed tokens for phone numbers, emails and handles.
//
// A token is HMAC-SHA-256(key, "KIND:VALUE"), truncated to 16 hex digits (64
// bits) and prefixed by the kind: "tel:3f9a07c1d2e4b5a6". The same value
// gives the same token with the same key, on any machine, so staff can count
// and link ads without seeing raw numbers; without the key a token cannot be
// turned back into the number (a phone number has few enough possibilities
// that an unkeyed hash could be reversed by trying them all, hence the key).
//
// The key is a file of 32 random bytes written as 64 hex digits. It must be
// readable by its owner only (mode 0600 or stricter): LoadKey refuses a key
// file that the group or others can read or write. Anyone with the key can
// test whether a given number is behind a token, so keep it like a password
// and use one key for one body of work: a new key gives unlinkable tokens.
//
// Thread-safety: a Pseudonymizer is immutable after construction.
#ifndef KARTA_LIB_PSEUDONYM_H_
#define KARTA_LIB_PSEUDONYM_H_

#include <string>
#include <string_view>

#include "lib/status.h"

namespace karta {

class Pseudonymizer {
 public:
  // `key` is the secret (any bytes; at least 16).
  explicit Pseudonymizer(std::string key) : key_(std::move(key)) {}

  // Reads a key file written by CreateKeyFile. Errors: missing or unreadable
  // file (Io), a file others may read (Usage, with the chmod to run), a file
  // that does not hold a key (Usage).
  static Result<Pseudonymizer> FromKeyFile(const std::string& path);

  // Creates `path` (mode 0600, never overwriting) holding a new random key.
  static Status CreateKeyFile(const std::string& path);

  // "KIND:" + 16 hex digits of HMAC-SHA-256(key, "KIND:VALUE").
  std::string Token(std::string_view kind, std::string_view value) const;

 private:
  std::string key_;
};

}  // namespace karta

#endif  // KARTA_LIB_PSEUDONYM_H_
