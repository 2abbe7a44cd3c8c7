// Where karta finds the data it ships: the gazetteer, the shared rules and
// routines (queries/), the practice corpus. Nothing is found through a path
// compiled into the binary, so an installed karta and one in a build tree
// behave the same:
//
//   1. $KARTA_DATA_DIR, when set (a partner city's own data, a test);
//   2. PREFIX/share/karta beside an installed PREFIX/bin/karta;
//   3. the source tree, for a karta run from its build directory
//      (SRC/build/karta, SRC/build-asan/karta: the parent of the binary's
//      folder, recognised by its data/gazetteer/ folder).
//
// The layout under each root is the source tree's: data/gazetteer/...,
// queries/..., examples/practice-site/small/...
//
// Thread-safety: the functions read the environment and /proc/self/exe and
// keep no state; call them from one thread at a time with setenv.
#ifndef KARTA_LIB_DATADIR_H_
#define KARTA_LIB_DATADIR_H_

#include <string>
#include <string_view>
#include <vector>

namespace karta {

// The roots tried, in order (those that exist; may be empty).
std::vector<std::string> DataRoots();

// The first ROOT/rel that exists, or "" if none does.
std::string FindData(std::string_view rel);

// The folder of the running binary ("" if unknown).
std::string ExecutableDir();

}  // namespace karta

#endif  // KARTA_LIB_DATADIR_H_
