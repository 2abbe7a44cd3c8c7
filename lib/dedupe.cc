#include "lib/dedupe.h"

#include <fmt/format.h>
#include <sqlite3.h>
#include <sys/stat.h>

#include <algorithm>
#include <climits>
#include <cstring>

#include "lib/civil.h"

namespace karta {

namespace {

constexpr uint64_t kKeySeed = 0x6b6579ULL;  // "key"
constexpr int kStateFormat = 1;
constexpr size_t kBatch = 1024;
constexpr size_t kMaxQueued = 8;

}  // namespace

std::string ClusterIdForKey(std::string_view key) {
  // 14 hex digits keep the id within std::string's small buffer.
  return fmt::format("c{:014x}", Hash64(key, kKeySeed) >> 8);
}

struct Deduper::Chunk {
  // Exact mode without a state needs no signatures.
  Chunk(int k, bool sigs)
      : sig(sigs ? new uint32_t[static_cast<size_t>(k) * kChunk] : nullptr),
        hash(new uint64_t[kChunk]()) {}
  std::unique_ptr<uint32_t[]> sig;
  std::unique_ptr<uint64_t[]> hash;  // normalised-text hash; 0 = empty text
};

struct Deduper::Batch {
  struct Item {
    uint32_t index;
    Chunk* chunk;
    std::string text;
  };
  std::vector<Item> items;
};

struct Deduper::StateDb {
  sqlite3* db = nullptr;
  std::string path;
  bool fresh = true;          // no meta yet
  std::vector<int64_t> seqs;  // seq of known record i
  int64_t next_seq = 1;
  ~StateDb() {
    if (db) sqlite3_close(db);
  }
  Status Error(std::string_view what) const {
    return Status::Io(fmt::format("{}: {}: {} (is it a dedupe state file?)", path, what,
                                  db ? sqlite3_errmsg(db) : "cannot open"));
  }
  Status Exec(const char* sql) {
    char* err = nullptr;
    if (sqlite3_exec(db, sql, nullptr, nullptr, &err) != SQLITE_OK) {
      std::string m = err ? err : "error";
      sqlite3_free(err);
      return Status::Io(fmt::format("{}: {} (is it a dedupe state file?)", path, m));
    }
    return Status::Ok();
  }
};

Deduper::Deduper(DedupeOptions opts, std::vector<std::string> kinds, bool explain)
    : opts_(opts), kinds_(std::move(kinds)), explain_(explain), hasher_(opts.hashes) {}

Deduper::~Deduper() { StopWorkers(); }

uint32_t* Deduper::Sig(uint32_t i) {
  return chunks_[i / kChunk]->sig.get() + static_cast<size_t>(i % kChunk) * opts_.hashes;
}

uint64_t& Deduper::TextHash(uint32_t i) { return chunks_[i / kChunk]->hash[i % kChunk]; }

uint32_t Deduper::NewRecord(std::string_view key, int64_t time) {
  uint32_t i = size();
  if (i % kChunk == 0) {
    chunks_.push_back(std::make_unique<Chunk>(opts_.hashes, opts_.near || state_ != nullptr));
  }
  keys_.append(key);
  key_off_.push_back(keys_.size());
  time_.push_back(time);
  stored_.push_back(-1);
  first_.push_back(0);
  superseded_.push_back(0);
  idset_.emplace_back();
  uf_.Grow(i + 1);
  return i;
}

bool Deduper::Join(uint32_t a, uint32_t b, LinkReason reason, uint8_t kind, float sim) {
  uint32_t ra = uf_.Find(a), rb = uf_.Find(b);
  if (ra == rb) return false;
  if (opts_.conflicts && reason != LinkReason::kSameKey) {
    if (Conflict(ra, rb, reason == LinkReason::kShared ? kind : 0xFF)) {
      ++refused_;
      return false;
    }
  }
  Merge(ra, rb);
  if (explain_) links_.push_back(Link{a, b, reason, kind, sim});
  return true;
}

void Deduper::Merge(uint32_t a, uint32_t b) {
  uint32_t ra = uf_.Find(a), rb = uf_.Find(b);
  if (ra == rb) return;
  uf_.Union(ra, rb);
  uint32_t r = uf_.Find(ra);
  uint32_t other = r == ra ? rb : ra;
  auto& into = idset_[r];
  auto& from = idset_[other];
  if (!from.empty()) {
    into.insert(into.end(), from.begin(), from.end());
    std::sort(into.begin(), into.end());
    into.erase(std::unique(into.begin(), into.end()), into.end());
    std::vector<uint64_t>().swap(from);
  }
}

// Identifier values are stored as (hash << 4 | kind), so a set sorted by
// value is not grouped by kind; sets are small, so a nested scan will do.
bool Deduper::Conflict(uint32_t ra, uint32_t rb, uint8_t except) const {
  const auto& a = idset_[ra];
  const auto& b = idset_[rb];
  if (a.empty() || b.empty()) return false;
  uint32_t kinds_a = 0, kinds_b = 0, shared = 0;
  for (uint64_t x : a) kinds_a |= 1u << (x & 0xF);
  for (uint64_t y : b) kinds_b |= 1u << (y & 0xF);
  uint32_t both = kinds_a & kinds_b;
  if (except != 0xFF) both &= ~(1u << except);
  if (both == 0) return false;
  for (uint64_t x : a) {
    if (!(both & (1u << (x & 0xF)))) continue;
    if (std::binary_search(b.begin(), b.end(), x)) shared |= 1u << (x & 0xF);
  }
  return (both & ~shared) != 0;
}

uint32_t Deduper::Add(std::string_view key, bool key_is_id, std::string_view text, int64_t time,
                      const std::vector<std::vector<std::string_view>>& ids) {
  if (workers_.empty()) StartWorkers();
  uint32_t i = NewRecord(key, time);
  if (key_is_id) {
    uint64_t h = Hash64(key, kKeySeed);
    auto [it, inserted] = first_with_id_.try_emplace(h, i);
    if (!inserted) {
      uint32_t j = it->second;
      if (j < known_ && !superseded_[j]) {
        // An old record given again: it keeps what it had.
        superseded_[j] = 1;
        stored_[i] = stored_[j];
        first_[i] = first_[j];
        time_[i] = time_[j];
      }
      Join(j, i, LinkReason::kSameKey, 0, 0.0f);
    }
  }
  std::vector<uint64_t> mine;
  for (size_t k = 0; k < ids.size() && k < kinds_.size() && k < 15; ++k) {
    uint64_t seed = Hash64(kinds_[k]);
    for (std::string_view v : ids[k]) {
      if (v.empty()) continue;
      uint64_t h = (Hash64(v, seed) << 4) | k;
      mine.push_back(h);
      pending_.emplace_back(h, i);
    }
  }
  std::sort(mine.begin(), mine.end());
  mine.erase(std::unique(mine.begin(), mine.end()), mine.end());
  if (!mine.empty()) {
    auto& set = idset_[uf_.Find(i)];
    set.insert(set.end(), mine.begin(), mine.end());
    std::sort(set.begin(), set.end());
    set.erase(std::unique(set.begin(), set.end()), set.end());
  }
  if (state_) own_ids_.push_back(std::move(mine));
  if (!batch_) batch_ = std::make_unique<Batch>();
  batch_->items.push_back(Batch::Item{i, chunks_.back().get(), std::string(text)});
  if (batch_->items.size() >= kBatch) Submit();
  return i;
}

void Deduper::StartWorkers() {
  int n = opts_.threads > 0 ? opts_.threads : static_cast<int>(std::thread::hardware_concurrency());
  n = std::clamp(n, 1, 16);
  closing_ = false;
  for (int t = 0; t < n; ++t) workers_.emplace_back([this] { Work(); });
}

void Deduper::StopWorkers() {
  if (workers_.empty()) return;
  {
    std::lock_guard<std::mutex> lock(mu_);
    closing_ = true;
  }
  cv_work_.notify_all();
  for (auto& w : workers_) w.join();
  workers_.clear();
}

void Deduper::Submit() {
  if (!batch_ || batch_->items.empty()) return;
  std::unique_lock<std::mutex> lock(mu_);
  cv_room_.wait(lock, [this] { return queue_.size() < kMaxQueued; });
  queue_.push_back(std::move(batch_));
  lock.unlock();
  cv_work_.notify_one();
}

void Deduper::Work() {
  const int k = opts_.hashes;
  for (;;) {
    std::unique_ptr<Batch> b;
    {
      std::unique_lock<std::mutex> lock(mu_);
      cv_work_.wait(lock, [this] { return closing_ || !queue_.empty(); });
      if (queue_.empty()) return;  // closing and nothing left
      b = std::move(queue_.front());
      queue_.pop_front();
    }
    cv_room_.notify_one();
    for (auto& item : b->items) {
      std::string norm = NormalizeForDedupe(item.text);
      size_t slot = item.index % kChunk;
      uint32_t* sig =
          item.chunk->sig ? item.chunk->sig.get() + slot * static_cast<size_t>(k) : nullptr;
      uint64_t h = norm.empty() ? 0 : Hash64(norm);
      item.chunk->hash[slot] = norm.empty() ? 0 : (h == 0 ? 1 : h);
      if (!sig) continue;
      if (opts_.near && !norm.empty()) {
        hasher_.Sign(Shingles(norm, opts_.shingle), sig);
      } else {
        for (int j = 0; j < k; ++j) sig[j] = 0xFFFFFFFFu;
      }
    }
  }
}

void Deduper::NearDuplicates(const std::vector<uint32_t>& reps) {
  const int rows = opts_.hashes / opts_.bands;
  const size_t k = static_cast<size_t>(opts_.hashes);
  std::vector<std::pair<uint64_t, uint32_t>> bucket(reps.size());
  std::vector<uint32_t> group;
  for (int band = 0; band < opts_.bands; ++band) {
    for (size_t r = 0; r < reps.size(); ++r) {
      bucket[r] = {BandHash(Sig(reps[r]), band, rows), reps[r]};
    }
    std::sort(bucket.begin(), bucket.end());
    for (size_t s = 0; s < bucket.size();) {
      size_t e = s + 1;
      while (e < bucket.size() && bucket[e].first == bucket[s].first) ++e;
      if (e - s > 1) {
        group.clear();
        for (size_t x = s; x < e; ++x) group.push_back(bucket[x].second);
        // Each member is compared with the group's first and up to three
        // members just before it, until one joins it: enough to connect a
        // group of near-copies without comparing every pair of a large one.
        for (size_t j = 1; j < group.size(); ++j) {
          uint32_t m = group[j];
          uint32_t cands[4] = {group[0], group[j - 1], j >= 2 ? group[j - 2] : group[0],
                               j >= 3 ? group[j - 3] : group[0]};
          for (uint32_t c : cands) {
            if (uf_.Same(c, m)) break;
            double sim = EstimatedJaccard(std::span<const uint32_t>(Sig(c), k),
                                          std::span<const uint32_t>(Sig(m), k));
            if (sim >= opts_.threshold) {
              Join(c, m, LinkReason::kSimilar, 0, static_cast<float>(sim));
              break;
            }
          }
        }
      }
      s = e;
    }
  }
}

Status Deduper::Cluster() {
  Submit();
  StopWorkers();
  const uint32_t n = size();
  // Shared identifiers, kind by kind in the order given (phones first by
  // default), each value joining its records to the first record that had it.
  std::stable_sort(pending_.begin(), pending_.end(),
                   [](const auto& x, const auto& y) { return (x.first & 0xF) < (y.first & 0xF); });
  for (const auto& [h, i] : pending_) {
    auto [it, inserted] = first_with_id_.try_emplace(h, i);
    if (!inserted) Join(it->second, i, LinkReason::kShared, static_cast<uint8_t>(h & 0xF), 0.0f);
  }
  std::vector<std::pair<uint64_t, uint32_t>>().swap(pending_);
  // Exact duplicates: one representative per distinct normalised text.
  std::vector<std::pair<uint64_t, uint32_t>> exact;
  exact.reserve(n);
  for (uint32_t i = 0; i < n; ++i) {
    if (superseded_[i]) continue;
    uint64_t h = TextHash(i);
    if (h != 0) exact.emplace_back(h, i);
  }
  std::sort(exact.begin(), exact.end());
  std::vector<uint32_t> reps;
  for (size_t s = 0; s < exact.size();) {
    size_t e = s + 1;
    while (e < exact.size() && exact[e].first == exact[s].first) {
      Join(exact[s].second, exact[e].second, LinkReason::kSameText, 0, 1.0f);
      ++e;
    }
    reps.push_back(exact[s].second);
    s = e;
  }
  std::vector<std::pair<uint64_t, uint32_t>>().swap(exact);
  if (opts_.near && opts_.bands > 0 && reps.size() > 1) NearDuplicates(reps);
  std::vector<uint32_t>().swap(reps);

  // Cluster ids. `anchor`: the earliest member that has an id from an earlier
  // run; `head`: the earliest member. Indexed by root.
  auto before = [this](uint32_t a, uint32_t b) {
    return time_[a] != time_[b] ? time_[a] < time_[b] : a < b;
  };
  constexpr uint32_t kNone = UINT32_MAX;
  std::vector<uint32_t> anchor(n, kNone), head(n, kNone);
  for (uint32_t i = 0; i < n; ++i) {
    if (superseded_[i]) continue;
    uint32_t r = uf_.Find(i);
    if (stored_[i] >= 0 && (anchor[r] == kNone || before(i, anchor[r]))) anchor[r] = i;
    if (head[r] == kNone || before(i, head[r])) head[r] = i;
  }
  cluster_.assign(n, std::string());
  new_size_.assign(n, 0);
  clusters_ = 0;
  for (uint32_t i = 0; i < n; ++i) {
    uint32_t r = uf_.Find(i);
    if (head[r] == i) ++clusters_;
    if (stored_[i] >= 0) {
      cluster_[i] = stored_ids_[static_cast<size_t>(stored_[i])];
    } else if (anchor[r] != kNone) {
      cluster_[i] = stored_ids_[static_cast<size_t>(stored_[anchor[r]])];
      first_[i] = 0;
    } else {
      cluster_[i] = i == head[r] ? ClusterIdForKey(Key(i)) : std::string();
      first_[i] = i == head[r];
    }
  }
  // Members of new clusters copy the head's id (computed once per cluster).
  for (uint32_t i = 0; i < n; ++i) {
    if (cluster_[i].empty()) cluster_[i] = cluster_[head[uf_.Find(i)]];
  }
  // Sizes: by root for new clusters, by id where old clusters are involved.
  stored_size_.clear();
  for (uint32_t i = 0; i < n; ++i) {
    if (superseded_[i]) continue;
    uint32_t r = uf_.Find(i);
    if (anchor[r] == kNone) {
      ++new_size_[r];
    } else {
      ++stored_size_[cluster_[i]];
    }
  }
  size_.assign(n, 0);
  for (uint32_t i = 0; i < n; ++i) {
    uint32_t r = uf_.Find(i);
    size_[i] = anchor[r] == kNone ? new_size_[r] : stored_size_[cluster_[i]];
  }
  std::vector<uint32_t>().swap(new_size_);
  stored_size_.clear();
  return Status::Ok();
}

Status Deduper::LoadState(const std::string& path) {
  state_ = std::make_unique<StateDb>();
  StateDb& st = *state_;
  st.path = path;
  struct stat sb;
  bool existed = ::stat(path.c_str(), &sb) == 0;
  if (sqlite3_open_v2(path.c_str(), &st.db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr) !=
      SQLITE_OK) {
    return st.Error("cannot open");
  }
  if (!existed) ::chmod(path.c_str(), 0600);
  KARTA_RETURN_IF_ERROR(st.Exec(
      "CREATE TABLE IF NOT EXISTS meta(name TEXT PRIMARY KEY, value TEXT NOT NULL);"
      "CREATE TABLE IF NOT EXISTS records(seq INTEGER PRIMARY KEY, key TEXT NOT NULL,"
      " cluster TEXT NOT NULL, first_seen INTEGER NOT NULL, time INTEGER NOT NULL,"
      " text_hash INTEGER NOT NULL, sig BLOB NOT NULL, ids BLOB);"
      "CREATE TABLE IF NOT EXISTS idents(hash INTEGER PRIMARY KEY, seq INTEGER NOT NULL);"));
  // Meta: the state must have been made with the same signatures.
  std::unordered_map<std::string, std::string> meta;
  {
    sqlite3_stmt* q = nullptr;
    if (sqlite3_prepare_v2(st.db, "SELECT name, value FROM meta", -1, &q, nullptr) != SQLITE_OK) {
      return st.Error("cannot read");
    }
    while (sqlite3_step(q) == SQLITE_ROW) {
      meta[reinterpret_cast<const char*>(sqlite3_column_text(q, 0))] =
          reinterpret_cast<const char*>(sqlite3_column_text(q, 1));
    }
    sqlite3_finalize(q);
  }
  st.fresh = meta.empty();
  if (!st.fresh) {
    std::string want_shingle = FormatShingleSpec(opts_.shingle);
    if (meta["format"] != std::to_string(kStateFormat)) {
      return Status::Usage(fmt::format("{}: state format {} is not the one this karta writes ({})",
                                       path, meta["format"], kStateFormat));
    }
    if (meta["shingle"] != want_shingle || meta["hashes"] != std::to_string(opts_.hashes)) {
      return Status::Usage(fmt::format(
          "{}: the state was made with --shingle {} and {} hashes; this run uses --shingle {} and "
          "{} (use the same settings, or a new state file)",
          path, meta["shingle"], meta["hashes"], want_shingle, opts_.hashes));
    }
  }
  // Records, in the order they were first seen.
  std::unordered_map<std::string, int32_t> id_index;
  std::unordered_map<int32_t, uint32_t> first_of_id;
  sqlite3_stmt* q = nullptr;
  if (sqlite3_prepare_v2(
          st.db,
          "SELECT seq, key, cluster, first_seen, time, text_hash, sig, ids FROM records "
          "ORDER BY seq",
          -1, &q, nullptr) != SQLITE_OK) {
    return st.Error("cannot read");
  }
  const size_t sig_bytes = static_cast<size_t>(opts_.hashes) * sizeof(uint32_t);
  int rc;
  while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
    int64_t seq = sqlite3_column_int64(q, 0);
    std::string_view key(reinterpret_cast<const char*>(sqlite3_column_text(q, 1)),
                         static_cast<size_t>(sqlite3_column_bytes(q, 1)));
    std::string cluster(reinterpret_cast<const char*>(sqlite3_column_text(q, 2)),
                        static_cast<size_t>(sqlite3_column_bytes(q, 2)));
    const void* blob = sqlite3_column_blob(q, 6);
    if (static_cast<size_t>(sqlite3_column_bytes(q, 6)) != sig_bytes || blob == nullptr) {
      sqlite3_finalize(q);
      return Status::Data(
          fmt::format("{}: record {} has a signature of the wrong size", path, seq));
    }
    uint32_t i = NewRecord(key, sqlite3_column_int64(q, 4));
    auto [it, inserted] = id_index.try_emplace(cluster, static_cast<int32_t>(stored_ids_.size()));
    if (inserted) stored_ids_.push_back(cluster);
    stored_[i] = it->second;
    first_[i] = sqlite3_column_int(q, 3) != 0;
    TextHash(i) = static_cast<uint64_t>(sqlite3_column_int64(q, 5));
    std::memcpy(Sig(i), blob, sig_bytes);
    if (const void* ids = sqlite3_column_blob(q, 7)) {
      size_t count = static_cast<size_t>(sqlite3_column_bytes(q, 7)) / sizeof(uint64_t);
      idset_[i].resize(count);
      std::memcpy(idset_[i].data(), ids, count * sizeof(uint64_t));
    }
    // Records of one old cluster stay together.
    auto [f, fresh_id] = first_of_id.try_emplace(it->second, i);
    if (!fresh_id) Merge(f->second, i);
    st.seqs.push_back(seq);
    st.next_seq = seq + 1;
  }
  sqlite3_finalize(q);
  if (rc != SQLITE_DONE) return st.Error("cannot read");
  known_ = size();
  if (sqlite3_prepare_v2(st.db, "SELECT hash, seq FROM idents", -1, &q, nullptr) != SQLITE_OK) {
    return st.Error("cannot read");
  }
  while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
    uint64_t h = static_cast<uint64_t>(sqlite3_column_int64(q, 0));
    int64_t seq = sqlite3_column_int64(q, 1);
    auto pos = std::lower_bound(st.seqs.begin(), st.seqs.end(), seq);
    if (pos == st.seqs.end() || *pos != seq) continue;
    first_with_id_.emplace(h, static_cast<uint32_t>(pos - st.seqs.begin()));
  }
  sqlite3_finalize(q);
  if (rc != SQLITE_DONE) return st.Error("cannot read");
  return Status::Ok();
}

Status Deduper::SaveState() {
  if (!state_) return Status::Ok();
  StateDb& st = *state_;
  KARTA_RETURN_IF_ERROR(st.Exec("BEGIN IMMEDIATE"));
  auto fail = [&](std::string_view what) {
    Status s = st.Error(what);
    st.Exec("ROLLBACK");
    return s;
  };
  if (st.fresh) {
    std::string sql = fmt::format(
        "INSERT OR REPLACE INTO meta VALUES('format','{}'),('shingle','{}'),('hashes','{}'),"
        "('tool','karta dedupe')",
        kStateFormat, FormatShingleSpec(opts_.shingle), opts_.hashes);
    Status s = st.Exec(sql.c_str());
    if (!s.ok()) {
      st.Exec("ROLLBACK");
      return s;
    }
  }
  sqlite3_stmt* ins = nullptr;
  if (sqlite3_prepare_v2(st.db, "INSERT INTO records VALUES(?,?,?,?,?,?,?,?)", -1, &ins, nullptr) !=
      SQLITE_OK) {
    return fail("cannot write");
  }
  const int sig_bytes = opts_.hashes * static_cast<int>(sizeof(uint32_t));
  const uint32_t n = size();
  // seq of every record: old ones from the state; new ones numbered on.
  std::vector<int64_t> seq(n, 0);
  for (uint32_t i = 0; i < known_; ++i) seq[i] = st.seqs[i];
  std::unordered_map<uint64_t, uint32_t> old_by_key;
  for (uint32_t i = known_; i < n; ++i) {
    if (stored_[i] >= 0) {
      // An old record given again: find it by key (it is already stored).
      if (old_by_key.empty()) {
        for (uint32_t j = 0; j < known_; ++j) old_by_key.emplace(Hash64(Key(j), kKeySeed), j);
      }
      auto it = old_by_key.find(Hash64(Key(i), kKeySeed));
      seq[i] = it != old_by_key.end() ? seq[it->second] : 0;
      continue;
    }
    seq[i] = st.next_seq++;
    std::string_view key = Key(i);
    sqlite3_bind_int64(ins, 1, seq[i]);
    sqlite3_bind_text(ins, 2, key.data(), static_cast<int>(key.size()), SQLITE_STATIC);
    sqlite3_bind_text(ins, 3, cluster_[i].data(), static_cast<int>(cluster_[i].size()),
                      SQLITE_STATIC);
    sqlite3_bind_int(ins, 4, first_[i]);
    sqlite3_bind_int64(ins, 5, time_[i]);
    sqlite3_bind_int64(ins, 6, static_cast<int64_t>(TextHash(i)));
    sqlite3_bind_blob(ins, 7, Sig(i), sig_bytes, SQLITE_STATIC);
    if (own_ids_.empty() || own_ids_[i - known_].empty()) {
      sqlite3_bind_null(ins, 8);
    } else {
      const auto& v = own_ids_[i - known_];
      sqlite3_bind_blob(ins, 8, v.data(), static_cast<int>(v.size() * sizeof(uint64_t)),
                        SQLITE_STATIC);
    }
    if (sqlite3_step(ins) != SQLITE_DONE) {
      sqlite3_finalize(ins);
      return fail("cannot write");
    }
    sqlite3_reset(ins);
  }
  sqlite3_finalize(ins);
  if (sqlite3_prepare_v2(st.db, "INSERT OR IGNORE INTO idents VALUES(?,?)", -1, &ins, nullptr) !=
      SQLITE_OK) {
    return fail("cannot write");
  }
  for (const auto& [h, i] : first_with_id_) {
    if (i < known_ || seq[i] == 0) continue;
    sqlite3_bind_int64(ins, 1, static_cast<int64_t>(h));
    sqlite3_bind_int64(ins, 2, seq[i]);
    if (sqlite3_step(ins) != SQLITE_DONE) {
      sqlite3_finalize(ins);
      return fail("cannot write");
    }
    sqlite3_reset(ins);
  }
  sqlite3_finalize(ins);
  return st.Exec("COMMIT");
}

}  // namespace karta
