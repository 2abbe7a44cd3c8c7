// Dedupe: cluster ads into the advertisers behind them.
//
// A Deduper takes records one at a time (a key, a text, an optional time and
// identifiers such as phones) and, once it has seen them all, puts them in
// clusters:
//   1. same key     records with the same key (ad_id) are the same ad;
//   2. shared id    records that share an identifier value (a phone, email or
//                   handle, raw or pseudonymised) are joined as they arrive;
//   3. same text    records whose normalised text (NormalizeForDedupe) is the
//                   same are exact duplicates;
//   4. similar      one record per distinct text is MinHash-signed; LSH
//                   banding proposes candidate pairs, and a pair is joined if
//                   its estimated Jaccard similarity is >= the threshold.
// Joins go through a union-find, so clusters are the transitive closure.
//
// Memory: only a signature (K 32-bit values), a 64-bit text hash, the key and
// a few numbers per record are held, never the texts, which are signed on
// worker threads as they arrive. O(records) with a small constant: about
// 300 bytes per record for K = 64.
//
// Cluster ids are stable: a new cluster's id is "c" + 16 hex digits of the
// hash of its first record's key (first by time, then input order), so the
// same input gives the same ids on every run and machine. Records loaded from
// a DedupeState (an earlier run) keep their ids; a new record that joins an
// old cluster takes that cluster's id (if it bridges two old clusters, the
// older one's), so old ids never change.
//
// State (SQLite, see SaveState/LoadState) holds, per record seen: key,
// cluster id, first_seen, time, text hash, signature; and the first record of
// each identifier value and key (as 64-bit hashes, not the values).
//
// Thread-safety: a Deduper is used from one thread; it runs its own worker
// threads for signatures and joins them in Cluster() or its destructor.
#ifndef KARTA_LIB_DEDUPE_H_
#define KARTA_LIB_DEDUPE_H_

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <unordered_map>
#include <vector>

#include "lib/similarity.h"
#include "lib/status.h"

namespace karta {

struct DedupeOptions {
  ShingleSpec shingle{ShingleKind::kWord, 3};
  double threshold = 0.5;  // estimated Jaccard needed to join a candidate pair
  int hashes = 64;         // K, signature length
  int bands = 16;          // LSH bands; rows per band = hashes / bands
  bool near = true;        // false: exact duplicates and identifiers only
  int threads = 0;         // signing threads; 0 = hardware concurrency
  // Refuse a join (other than by key) between two clusters that both have
  // identifiers of some kind and share none of them: two different phone
  // numbers mean two advertisers, however alike their texts.
  bool conflicts = true;
};

// Why two records were joined.
enum class LinkReason : uint8_t { kSameKey, kSameText, kSimilar, kShared };

struct Link {
  uint32_t a;  // record indices (see Deduper::Index)
  uint32_t b;
  LinkReason reason;
  uint8_t kind;      // for kShared: index into the identifier kinds
  float similarity;  // for kSimilar
};

// The id of a new cluster whose first record has `key`: "c" + 14 hex digits.
std::string ClusterIdForKey(std::string_view key);

class Deduper {
 public:
  // `kinds` names the identifier kinds (e.g. "phone", "email", "handle");
  // Add() takes values per kind in this order. `explain` keeps the links.
  Deduper(DedupeOptions opts, std::vector<std::string> kinds, bool explain = false);
  ~Deduper();
  Deduper(const Deduper&) = delete;
  Deduper& operator=(const Deduper&) = delete;

  const DedupeOptions& options() const { return opts_; }

  // Adds a new record. `key` identifies it (ad_id); `key_is_id` says whether
  // equal keys mean the same ad (false when the key is a row number).
  // `ids[k]` are the values of identifier kind k (empty values are ignored).
  // Returns its index. REQUIRES: Cluster() not called yet.
  uint32_t Add(std::string_view key, bool key_is_id, std::string_view text, int64_t time,
               const std::vector<std::vector<std::string_view>>& ids);

  // Runs exact and near-duplicate matching and assigns cluster ids.
  Status Cluster();

  // Results, by the index Add() returned (valid after Cluster()).
  const std::string& ClusterId(uint32_t i) const { return cluster_[i]; }
  uint32_t ClusterSize(uint32_t i) const { return size_[i]; }
  bool FirstSeen(uint32_t i) const { return first_[i] != 0; }
  std::string_view Key(uint32_t i) const {
    return std::string_view(keys_).substr(key_off_[i], key_off_[i + 1] - key_off_[i]);
  }
  // Links that joined two clusters (a spanning forest), if `explain`.
  const std::vector<Link>& links() const { return links_; }
  const std::vector<std::string>& kinds() const { return kinds_; }
  // Number of records, old (from state) and new.
  uint32_t size() const { return static_cast<uint32_t>(key_off_.size() - 1); }
  uint32_t known() const { return known_; }
  uint32_t clusters() const { return clusters_; }
  // Joins refused because the two clusters had conflicting identifiers.
  uint64_t refused() const { return refused_; }

  // Loads an earlier run's records from SQLite `path` (created if missing).
  // REQUIRES: before the first Add(). A state made with another shingle or
  // signature length is a usage error.
  Status LoadState(const std::string& path);
  // Writes the new records to the state loaded by LoadState (after Cluster()).
  Status SaveState();

 private:
  static constexpr uint32_t kChunk = 4096;
  struct Chunk;
  struct Batch;

  uint32_t* Sig(uint32_t i);
  uint64_t& TextHash(uint32_t i);
  uint32_t NewRecord(std::string_view key, int64_t time);
  void Submit();
  void Work();
  void StartWorkers();
  void StopWorkers();
  bool Join(uint32_t a, uint32_t b, LinkReason reason, uint8_t kind, float sim);
  void Merge(uint32_t a, uint32_t b);
  bool Conflict(uint32_t ra, uint32_t rb, uint8_t except) const;
  void NearDuplicates(const std::vector<uint32_t>& reps);

  DedupeOptions opts_;
  std::vector<std::string> kinds_;
  bool explain_;
  MinHasher hasher_;

  // Per record.
  std::vector<std::unique_ptr<Chunk>> chunks_;
  std::string keys_;
  std::vector<uint64_t> key_off_{0};
  std::vector<int64_t> time_;
  std::vector<int32_t> stored_;  // index into stored_ids_, or -1
  std::vector<uint8_t> first_;
  std::vector<uint8_t> superseded_;  // an old record given again in the input
  std::vector<std::string> cluster_;
  UnionFind uf_;
  std::unordered_map<uint64_t, uint32_t> first_with_id_;  // id value -> first record
  std::vector<std::pair<uint64_t, uint32_t>> pending_;    // (id value, record) to join
  std::vector<std::vector<uint64_t>> idset_;  // per root: its id values (hash << 4 | kind)
  uint64_t refused_ = 0;
  std::vector<std::vector<uint64_t>> own_ids_;  // new records' ids, for the state
  std::vector<Link> links_;
  uint32_t known_ = 0;
  uint32_t clusters_ = 0;
  std::vector<std::string> stored_ids_;
  std::unordered_map<std::string, uint32_t> stored_size_;
  std::vector<uint32_t> new_size_;  // per root, for new clusters
  std::vector<uint32_t> size_;      // per record

  // Signing.
  std::unique_ptr<Batch> batch_;
  std::vector<std::thread> workers_;
  std::mutex mu_;
  std::condition_variable cv_work_;
  std::condition_variable cv_room_;
  std::deque<std::unique_ptr<Batch>> queue_;
  bool closing_ = false;

  // State.
  struct StateDb;
  std::unique_ptr<StateDb> state_;
};

}  // namespace karta

#endif  // KARTA_LIB_DEDUPE_H_
