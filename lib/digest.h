// Message digests (OpenSSL libcrypto): the one SHA-256 helper of karta.
//
// Thread-safety: the functions are thread-safe.
#ifndef KARTA_LIB_DIGEST_H_
#define KARTA_LIB_DIGEST_H_

#include <string>
#include <string_view>

namespace karta {

// The SHA-256 of `data` as 64 lowercase hex digits.
std::string Sha256Hex(std::string_view data);

}  // namespace karta

#endif  // KARTA_LIB_DIGEST_H_
