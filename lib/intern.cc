#include "lib/intern.h"

#include <algorithm>
#include <array>
#include <cstring>

namespace karta {
namespace {

constexpr uint64_t kMul = 0x9E3779B97F4A7C15ull;

inline uint64_t Mix(uint64_t x) {
  x ^= x >> 32;
  x *= 0xD6E8FEB86659FD93ull;
  x ^= x >> 32;
  return x;
}

// Sorts `v` by an LSD radix sort on bytes, skipping the byte positions where
// every value agrees (the high bytes of small ids): a few sequential passes
// instead of n log n comparisons.
void RadixSort(std::vector<uint64_t>& v) {
  if (v.size() < 256) {
    std::sort(v.begin(), v.end());
    return;
  }
  std::array<std::array<size_t, 256>, 8> count{};
  for (uint64_t x : v) {
    for (int b = 0; b < 8; ++b) ++count[b][(x >> (8 * b)) & 0xFF];
  }
  std::vector<uint64_t> tmp(v.size());
  for (int b = 0; b < 8; ++b) {
    auto& c = count[b];
    if (c[(v[0] >> (8 * b)) & 0xFF] == v.size()) continue;  // all the same here
    size_t sum = 0;
    for (size_t& n : c) {
      size_t k = n;
      n = sum;
      sum += k;
    }
    for (uint64_t x : v) tmp[c[(x >> (8 * b)) & 0xFF]++] = x;
    v.swap(tmp);
  }
}

}  // namespace

uint64_t HashBytes(std::string_view s) {
  uint64_t h = kMul ^ (s.size() * 0xFF51AFD7ED558CCDull);
  const char* p = s.data();
  size_t n = s.size();
  while (n >= 8) {
    uint64_t w;
    std::memcpy(&w, p, 8);
    h = (h ^ w) * kMul;
    h ^= h >> 29;
    p += 8;
    n -= 8;
  }
  if (n > 0) {
    uint64_t w = 0;
    std::memcpy(&w, p, n);
    h = (h ^ w) * kMul;
  }
  return Mix(h);
}

namespace {
constexpr int kOffsetBits = 40;
constexpr uint64_t kOffsetMask = (uint64_t{1} << kOffsetBits) - 1;
inline uint64_t Tag(uint64_t h) { return h >> kOffsetBits; }
}  // namespace

// An entry in bytes_: the id (4 bytes), the length (4 bytes), the string.
std::string_view StringIndex::EntryString(size_t offset, uint32_t* id) const {
  uint32_t len;
  std::memcpy(id, bytes_.data() + offset, 4);
  std::memcpy(&len, bytes_.data() + offset + 4, 4);
  return std::string_view(bytes_.data() + offset + 8, len);
}

size_t StringIndex::Probe(std::string_view s, uint64_t h) const {
  const size_t mask = slots_.size() - 1;
  const uint64_t tag = Tag(h);
  size_t i = h & mask;
  for (;;) {
    uint64_t slot = slots_[i];
    if (slot == 0) return i;
    if ((slot >> kOffsetBits) == tag) {
      uint32_t id;
      if (EntryString((slot & kOffsetMask) - 1, &id) == s) return i;
    }
    i = (i + 1) & mask;
  }
}

uint32_t StringIndex::Intern(std::string_view s, bool* added) {
  if ((offsets_.size() + 1) * 2 > slots_.size()) Grow();
  uint64_t h = HashBytes(s);
  size_t i = Probe(s, h);
  uint32_t id;
  if (slots_[i] != 0) {
    if (added) *added = false;
    EntryString((slots_[i] & kOffsetMask) - 1, &id);
    return id;
  }
  id = static_cast<uint32_t>(offsets_.size());
  size_t offset = bytes_.size();
  auto len = static_cast<uint32_t>(s.size());
  bytes_.append(reinterpret_cast<const char*>(&id), 4);
  bytes_.append(reinterpret_cast<const char*>(&len), 4);
  bytes_.append(s);
  offsets_.push_back(offset);
  slots_[i] = Tag(h) << kOffsetBits | (offset + 1);
  if (added) *added = true;
  return id;
}

std::optional<uint32_t> StringIndex::Find(std::string_view s) const {
  if (slots_.empty()) return std::nullopt;
  size_t i = Probe(s, HashBytes(s));
  if (slots_[i] == 0) return std::nullopt;
  uint32_t id;
  EntryString((slots_[i] & kOffsetMask) - 1, &id);
  return id;
}

std::string_view StringIndex::Get(uint32_t id) const {
  uint32_t same;
  return EntryString(offsets_[id], &same);
}

void StringIndex::Grow() {
  std::vector<uint64_t> old = std::move(slots_);
  slots_.assign(old.empty() ? 64 : old.size() * 2, 0);
  const size_t mask = slots_.size() - 1;
  for (uint64_t slot : old) {
    if (slot == 0) continue;
    uint32_t id;
    uint64_t h = HashBytes(EntryString((slot & kOffsetMask) - 1, &id));
    size_t i = h & mask;
    while (slots_[i] != 0) i = (i + 1) & mask;
    slots_[i] = slot;
  }
}

void PairSet::Compact() {
  RadixSort(pairs_);
  pairs_.erase(std::unique(pairs_.begin(), pairs_.end()), pairs_.end());
  // Mostly distinct pairs: let the buffer grow before the next sort, so that
  // sorting stays linear overall.
  if (pairs_.size() * 2 > limit_) limit_ = pairs_.size() * 2;
}

std::vector<int64_t> PairSet::CountPerFirst(size_t n) {
  Compact();
  std::vector<int64_t> counts(n, 0);
  for (uint64_t p : pairs_) {
    size_t a = p >> 32;
    if (a < n) ++counts[a];
  }
  return counts;
}

}  // namespace karta
