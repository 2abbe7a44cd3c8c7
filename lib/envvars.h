// Environment variables in site profiles: "${NAME}" and "${NAME:-default}"
// in a profile's text are replaced by the variable's value (or the default
// when it is unset or empty), so that one setting, such as the practice
// site's port (KARTA_PRACTICE_PORT), reaches every profile. NAME is upper
// case letters, digits and _; other "$" are left alone.
//
// Thread-safety: reads the environment; do not call while another thread
// changes it.
#ifndef KARTA_LIB_ENVVARS_H_
#define KARTA_LIB_ENVVARS_H_

#include <string>
#include <string_view>

#include "lib/status.h"

namespace karta {

// `text` with its variables expanded; a usage error naming `path` and the
// line when a variable without a default is unset.
Result<std::string> ExpandEnvVars(std::string_view text, std::string_view path);

}  // namespace karta

#endif  // KARTA_LIB_ENVVARS_H_
