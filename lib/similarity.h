// Similarity: the building blocks of near-duplicate detection.
//
//   NormalizeForDedupe  text -> tokens: case and diacritics folded, white
//                       space, punctuation and emoji dropped, prices folded
//                       ("1 500 kr", "1500:-", "1500kr" all become "#kr")
//   Shingles            word k-grams or character k-grams of the tokens,
//                       each hashed to 64 bits
//   MinHasher           K-value MinHash signatures; the hash family is drawn
//                       from a fixed seed, so signatures (and anything derived
//                       from them, such as cluster ids) are the same on every
//                       run and every machine
//   BandHash            the hash of one LSH band (r consecutive values)
//   UnionFind           disjoint sets with path compression and union by size
//   Hash64              a fixed 64-bit hash of bytes (never std::hash, whose
//                       values differ between library versions)
//
// Estimated Jaccard similarity of two sets = the fraction of positions at
// which their signatures agree; with K = 64 its standard error is at most
// 0.0625 (at J = 0.5).
//
// Example:
//   MinHasher mh(64);
//   auto a = mh.Sign(Shingles(NormalizeForDedupe(text_a), {ShingleKind::kWord, 3}));
//   auto b = mh.Sign(Shingles(NormalizeForDedupe(text_b), {ShingleKind::kWord, 3}));
//   double j = EstimatedJaccard(a, b);
//
// Thread-safety: the free functions are pure; a MinHasher is immutable after
// construction and may be shared between threads; a UnionFind is not
// thread-safe.
#ifndef KARTA_LIB_SIMILARITY_H_
#define KARTA_LIB_SIMILARITY_H_

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "lib/status.h"

namespace karta {

// A fixed 64-bit hash of `bytes` (MurmurHash64A-style, little-endian reads),
// identical on every platform for the same bytes and seed.
uint64_t Hash64(std::string_view bytes, uint64_t seed = 0x6b61727461ULL);

// A bijective 64-bit mixer (the splitmix64 finaliser).
uint64_t Mix64(uint64_t x);

// Normalised text for dedupe: the words of `text` (Unicode word characters)
// with case and diacritics folded, joined by single spaces. Everything that
// is not a word character (punctuation, emoji, symbols, white space) only
// separates words. A run of numbers written as a price (followed by kr, kronor,
// sek, spänn or ":-", or written "1500kr") becomes the one token "#kr", so
// that a new price does not make a new ad.
std::string NormalizeForDedupe(std::string_view text);

enum class ShingleKind { kWord, kChar };

struct ShingleSpec {
  ShingleKind kind = ShingleKind::kWord;
  int size = 3;  // k: words per word shingle, characters per char shingle
};

// Parses "word:3" or "char:5" (k from 1 to 16). Errors are usage errors.
Result<ShingleSpec> ParseShingleSpec(std::string_view spec);
std::string FormatShingleSpec(const ShingleSpec& spec);

// The 64-bit hashes of the shingles of `normalized` (from NormalizeForDedupe),
// sorted and without repeats. A text shorter than one shingle yields one
// shingle of the whole text; an empty text yields none.
std::vector<uint64_t> Shingles(std::string_view normalized, const ShingleSpec& spec);

// Jaccard similarity of two sorted, repeat-free hash sets (exact; for tests).
double Jaccard(std::span<const uint64_t> a, std::span<const uint64_t> b);

class MinHasher {
 public:
  // `k` hash functions h_i(x) = (a_i * x + b_i) >> 32 with a_i, b_i drawn
  // from splitmix64(seed). The seed is fixed by default: change it and every
  // stored signature becomes incomparable.
  explicit MinHasher(int k = 64, uint64_t seed = 0x5eed0fca47aULL);
  int k() const { return static_cast<int>(a_.size()); }

  // Writes the k-value signature of `shingles` to `out` (k values). For no
  // shingles every value is 0xFFFFFFFF (matches nothing by convention; see
  // EstimatedJaccard).
  void Sign(std::span<const uint64_t> shingles, uint32_t* out) const;
  std::vector<uint32_t> Sign(std::span<const uint64_t> shingles) const;

 private:
  std::vector<uint64_t> a_;
  std::vector<uint64_t> b_;
};

// Fraction of positions where `a` and `b` agree (same length). Two empty
// signatures (all 0xFFFFFFFF) have similarity 0.
double EstimatedJaccard(std::span<const uint32_t> a, std::span<const uint32_t> b);

// The hash of band `band` (values [band*rows, band*rows+rows)) of a signature,
// mixed with the band number so that equal values in different bands differ.
uint64_t BandHash(const uint32_t* sig, int band, int rows);

// Probability that a pair of similarity `j` shares at least one of `bands`
// bands of `rows` rows: 1 - (1 - j^rows)^bands.
double LshCandidateProbability(double j, int bands, int rows);

// Disjoint sets over 0..n-1 with path compression (halving) and union by size.
class UnionFind {
 public:
  explicit UnionFind(size_t n = 0) { Grow(n); }
  // Adds elements so that there are `n` (each alone).
  void Grow(size_t n);
  size_t size() const { return parent_.size(); }
  uint32_t Find(uint32_t x);
  // Joins the sets of a and b; returns true iff they were apart.
  bool Union(uint32_t a, uint32_t b);
  bool Same(uint32_t a, uint32_t b) { return Find(a) == Find(b); }
  // Number of elements in x's set.
  uint32_t SetSize(uint32_t x) { return size_[Find(x)]; }

 private:
  std::vector<uint32_t> parent_;
  std::vector<uint32_t> size_;
};

}  // namespace karta

#endif  // KARTA_LIB_SIMILARITY_H_
