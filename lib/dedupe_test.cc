#include "lib/dedupe.h"

#include <doctest/doctest.h>
#include <unistd.h>

#include <cstdlib>
#include <string>
#include <vector>

namespace karta {
namespace {

using Ids = std::vector<std::vector<std::string_view>>;

const char* kAnna =
    "Hej! Jag heter Anna och är ny i Stockholm. Ring mig så bestämmer vi tid, jag svarar "
    "snabbt på kvällar och helger. Pris 1500 kr.";
const char* kAnnaEdited =
    "Hej! Jag heter Anna och är ny i Stockholm. Ring mig så bestämmer vi tid, jag svarar "
    "snabbt på kvällar och helger. Pris 1800 kr. Välkommen till Södermalm!";
const char* kBella =
    "Bella här, diskret lägenhet nära Fridhemsplan. Endast sms, inga dolda nummer.";
const char* kSofa = "Grå tresitssoffa i fint skick, hämtas i Bromma.";

std::string TempPath(const char* name) {
  const char* dir = std::getenv("TMPDIR");
  return std::string(dir ? dir : "/tmp") + "/karta-dedupe-test-" + std::to_string(::getpid()) +
         "-" + name;
}

}  // namespace

TEST_CASE("cluster ids come from the key and are stable") {
  CHECK(ClusterIdForKey("a1") == ClusterIdForKey("a1"));
  CHECK(ClusterIdForKey("a1") != ClusterIdForKey("a2"));
  CHECK(ClusterIdForKey("a1").size() == 15);
  CHECK(ClusterIdForKey("a1")[0] == 'c');
}

TEST_CASE("Deduper: exact, near, shared identifiers") {
  Deduper d(DedupeOptions{}, {"phone"}, /*explain=*/true);
  d.Add("a1", true, kAnna, 0, Ids{{"+46701"}});
  d.Add("a2", true,
        "HEJ!! jag heter anna och är ny i stockholm 😘 ring mig så bestämmer vi tid, "
        "jag svarar snabbt på kvällar och helger. pris 2 000 kr",
        0, Ids{{}});
  d.Add("a3", true, kAnnaEdited, 0, Ids{{}});
  d.Add("a4", true, kBella, 0, Ids{{"+46709"}});
  d.Add("a5", true, "Helt annan text om Solna.", 0, Ids{{"+46709"}});
  d.Add("a6", true, kSofa, 0, Ids{{}});
  d.Add("a7", true, "", 0, Ids{{}});
  d.Add("a8", true, "", 0, Ids{{}});
  REQUIRE(d.Cluster().ok());
  CHECK(d.ClusterId(0) == d.ClusterId(1));
  CHECK(d.ClusterId(0) == d.ClusterId(2));
  CHECK(d.ClusterSize(0) == 3);
  CHECK(d.ClusterId(3) == d.ClusterId(4));
  CHECK(d.ClusterId(3) != d.ClusterId(0));
  CHECK(d.ClusterSize(5) == 1);
  // Empty texts are not duplicates of each other.
  CHECK(d.ClusterId(6) != d.ClusterId(7));
  CHECK(d.clusters() == 5);
  CHECK(d.FirstSeen(0));
  CHECK_FALSE(d.FirstSeen(1));
  CHECK(d.ClusterId(0) == ClusterIdForKey("a1"));
  // Links: same text, similar, shared phone.
  int same = 0, similar = 0, shared = 0;
  for (const Link& l : d.links()) {
    same += l.reason == LinkReason::kSameText;
    similar += l.reason == LinkReason::kSimilar;
    shared += l.reason == LinkReason::kShared;
  }
  CHECK(same == 1);
  CHECK(similar == 1);
  CHECK(shared == 1);
}

TEST_CASE("Deduper: first_seen follows time, then input order") {
  Deduper d(DedupeOptions{}, {});
  d.Add("late", true, kAnna, 200, Ids{});
  d.Add("early", true, kAnna, 100, Ids{});
  REQUIRE(d.Cluster().ok());
  CHECK_FALSE(d.FirstSeen(0));
  CHECK(d.FirstSeen(1));
  CHECK(d.ClusterId(0) == ClusterIdForKey("early"));
}

TEST_CASE("Deduper: conflicting phones keep similar texts apart") {
  Deduper d(DedupeOptions{}, {"phone", "handle"});
  d.Add("a", true, kAnna, 0, Ids{{"+46701"}, {"snap:anna"}});
  d.Add("b", true, kAnna, 0, Ids{{"+46702"}, {"snap:anna"}});  // same text and handle
  d.Add("c", true, kAnna, 0, Ids{{}, {}});                     // no ids: joins one of them
  REQUIRE(d.Cluster().ok());
  CHECK(d.ClusterId(0) != d.ClusterId(1));
  CHECK(d.refused() >= 2);
  // Without the check they are one cluster.
  DedupeOptions loose;
  loose.conflicts = false;
  Deduper e(loose, {"phone", "handle"});
  e.Add("a", true, kAnna, 0, Ids{{"+46701"}, {"snap:anna"}});
  e.Add("b", true, kAnna, 0, Ids{{"+46702"}, {"snap:anna"}});
  REQUIRE(e.Cluster().ok());
  CHECK(e.ClusterId(0) == e.ClusterId(1));
}

TEST_CASE("Deduper: the same key is the same ad") {
  Deduper d(DedupeOptions{}, {});
  d.Add("a1", true, kAnna, 0, Ids{});
  d.Add("a1", true, kSofa, 0, Ids{});
  d.Add("row 3", false, kBella, 0, Ids{});
  REQUIRE(d.Cluster().ok());
  CHECK(d.ClusterId(0) == d.ClusterId(1));
  CHECK(d.ClusterId(2) != d.ClusterId(0));
}

TEST_CASE("Deduper: exact mode does no MinHash") {
  DedupeOptions o;
  o.near = false;
  Deduper d(o, {});
  d.Add("a1", true, kAnna, 0, Ids{});
  d.Add("a2", true, kAnnaEdited, 0, Ids{});
  d.Add("a3", true,
        "hej jag heter anna och ar ny i stockholm ring mig sa bestammer vi tid jag "
        "svarar snabbt pa kvallar och helger pris 99 kr",
        0, Ids{});
  REQUIRE(d.Cluster().ok());
  CHECK(d.ClusterId(0) != d.ClusterId(1));
  CHECK(d.ClusterId(0) == d.ClusterId(2));
}

TEST_CASE("Deduper: state keeps old ids and adds new records") {
  std::string path = TempPath("state.db");
  ::unlink(path.c_str());
  std::string id_anna, id_bella;
  {
    Deduper d(DedupeOptions{}, {"phone"});
    REQUIRE(d.LoadState(path).ok());
    d.Add("a1", true, kAnna, 10, Ids{{"+46701"}});
    d.Add("a4", true, kBella, 20, Ids{{"+46709"}});
    REQUIRE(d.Cluster().ok());
    REQUIRE(d.SaveState().ok());
    id_anna = d.ClusterId(0);
    id_bella = d.ClusterId(1);
  }
  {
    Deduper d(DedupeOptions{}, {"phone"});
    REQUIRE(d.LoadState(path).ok());
    CHECK(d.known() == 2);
    uint32_t b1 = d.Add("b1", true, kAnnaEdited, 5, Ids{{}});         // near copy, earlier time
    uint32_t b2 = d.Add("b2", true, "Ny text", 30, Ids{{"+46709"}});  // shares Bella's phone
    uint32_t b3 = d.Add("b3", true, kSofa, 40, Ids{{}});
    uint32_t a1 = d.Add("a1", true, kAnna, 10, Ids{{"+46701"}});  // an old ad again
    REQUIRE(d.Cluster().ok());
    CHECK(d.ClusterId(b1) == id_anna);
    CHECK_FALSE(d.FirstSeen(b1));  // the old cluster's first stays first
    CHECK(d.ClusterId(b2) == id_bella);
    CHECK(d.ClusterSize(b2) == 2);
    CHECK(d.ClusterId(b3) == ClusterIdForKey("b3"));
    CHECK(d.ClusterId(a1) == id_anna);
    CHECK(d.FirstSeen(a1));
    CHECK(d.ClusterSize(a1) == 2);  // a1 counted once, b1
    REQUIRE(d.SaveState().ok());
  }
  {
    // A different shingle is refused.
    DedupeOptions o;
    o.shingle = ShingleSpec{ShingleKind::kChar, 5};
    Deduper d(o, {"phone"});
    Status st = d.LoadState(path);
    CHECK(st.code() == Status::Code::kUsage);
  }
  ::unlink(path.c_str());
}

}  // namespace karta
