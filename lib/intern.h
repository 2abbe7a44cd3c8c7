// Interning strings to dense ids, and counting distinct pairs of ids: the two
// hash-heavy steps of grouping a million rows.
//
// StringIndex maps each distinct string to an id 0, 1, 2, ... in order of
// first appearance. The strings live back to back in one buffer, each with
// its id, and the table is open addressing with 8-byte slots (part of the
// hash, and where the string is), so a lookup touches one slot and one entry
// instead of chasing list nodes: at a few hundred thousand distinct values
// this is what keeps grouping fast.
//
// PairSet collects (a, b) pairs of 32-bit ids and counts, per a, how many
// distinct b it saw. Pairs are appended to a buffer and deduplicated by
// sorting whenever the buffer doubles, so adding costs a sequential write,
// not a cache miss into a large hash table; memory stays within about twice
// the number of distinct pairs.
//
// Example:
//   StringIndex clusters;
//   PairSet per_place;
//   per_place.Add(place_id, clusters.Intern(row.cluster));
//   std::vector<int64_t> distinct = per_place.CountPerFirst(places.size());
//
// Thread-safety: one object per thread.
#ifndef KARTA_LIB_INTERN_H_
#define KARTA_LIB_INTERN_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace karta {

// A fast 64-bit hash of a short string (not for security).
uint64_t HashBytes(std::string_view s);

class StringIndex {
 public:
  // The id of `s`, added as the next id if it is new (*added says which).
  uint32_t Intern(std::string_view s, bool* added = nullptr);
  // The id of `s`, if it was interned.
  std::optional<uint32_t> Find(std::string_view s) const;
  // The string of `id` (valid until the next Intern).
  std::string_view Get(uint32_t id) const;
  size_t size() const { return offsets_.size(); }

 private:
  size_t Probe(std::string_view s, uint64_t h) const;  // slot of s, or of the empty slot for it
  std::string_view EntryString(size_t offset, uint32_t* id) const;
  void Grow();
  // 0 is empty; else the hash's top 24 bits and 1 + the offset of the entry
  // in bytes_ (40 bits): a probe reads one slot and one entry.
  std::vector<uint64_t> slots_;
  std::string bytes_;            // entries: id (4 bytes), length (4 bytes), the string
  std::vector<size_t> offsets_;  // entry offset of each id
};

class PairSet {
 public:
  // `limit`: pairs buffered before the first sort.
  explicit PairSet(size_t limit = size_t{1} << 20) : limit_(limit) {}
  void Add(uint32_t a, uint32_t b) {
    pairs_.push_back(uint64_t{a} << 32 | b);
    if (pairs_.size() >= limit_) Compact();
  }
  // For each a in [0, n): how many distinct b were added with it.
  std::vector<int64_t> CountPerFirst(size_t n);

 private:
  void Compact();  // sorts and deduplicates; raises the limit if still large
  std::vector<uint64_t> pairs_;
  size_t limit_;
};

}  // namespace karta

#endif  // KARTA_LIB_INTERN_H_
