// Knowledge-base lookups and matching, against a database of the real feeds.
// DAGDA_BENCH_DB names it (bench/scan_bench.sh makes one with every feed of
// ../shared/data/vulndb); without it the benchmarks say so and skip.
//   lookup/(ns,package):   Store::affected for keys that exist, round robin
//   match/10000 packages:  match_inventory on 10,000 application packages whose names
//                          are taken from the database (every ecosystem)
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <memory>

#include "match/matcher.hpp"
#include "vulndb/namespace.hpp"
#include "vulndb/store.hpp"

namespace {

using namespace dagda;

vulndb::Store* store() {
  static std::unique_ptr<vulndb::Store> s = [] {
    const char* db = std::getenv("DAGDA_BENCH_DB");
    if (!db) return std::unique_ptr<vulndb::Store>();
    auto r = vulndb::Store::open(db, true);
    return r.ok() ? std::move(*r) : std::unique_ptr<vulndb::Store>();
  }();
  return s.get();
}

struct Key {
  std::string ns, package, version;
};

std::vector<Key> sample_keys(size_t n) {
  std::vector<Key> out;
  auto rows = store()->connection().query(
      "SELECT ns, package, COALESCE(fixed_version, '0') FROM affected GROUP BY ns, package ORDER BY random() LIMIT ?",
      std::vector<vulndb::sql::Value>{int64_t(n)});
  if (!rows.ok()) return out;
  for (auto& r : *rows)
    out.push_back({vulndb::sql::as_text(r[0]), vulndb::sql::as_text(r[1]), vulndb::sql::as_text(r[2])});
  return out;
}

void BM_Lookup(benchmark::State& state) {
  if (!store()) return state.SkipWithError("set DAGDA_BENCH_DB to an imported database");
  auto keys = sample_keys(5000);
  size_t i = 0, rows = 0;
  for (auto _ : state) {
    const Key& k = keys[i++ % keys.size()];
    auto r = store()->affected(k.ns, k.package);
    rows += r.ok() ? r->size() : 0;
    benchmark::DoNotOptimize(rows);
  }
  state.counters["lookups/s"] = benchmark::Counter(double(state.iterations()), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_Lookup)->Unit(benchmark::kMicrosecond);

// Application packages only: distro packages need one OS per inventory.
void BM_Match10k(benchmark::State& state) {
  if (!store()) return state.SkipWithError("set DAGDA_BENCH_DB to an imported database");
  std::vector<Key> keys;
  for (auto& k : sample_keys(40000))
    if (k.ns.find(':') == std::string::npos && keys.size() < 10000) keys.push_back(k);
  // The database holds fewer distinct application packages than 10,000: the
  // rest are the same names at an early version ("0.0.1"), as a second copy would be.
  for (size_t i = 0, n = keys.size(); keys.size() < 10000 && n > 0; ++i) {
    Key k = keys[i % n];
    k.version = "0.0.1";
    keys.push_back(std::move(k));
  }
  Inventory inv;
  for (auto& k : keys) {
    Package p;
    p.ecosystem = k.ns;
    p.name = k.package;
    p.version = k.version;
    inv.packages.push_back(std::move(p));
  }
  size_t findings = 0;
  for (auto _ : state) {
    ScanResult r;
    r.inventory = inv;
    auto st = match_inventory(*store(), r);
    findings = r.findings.size();
    benchmark::DoNotOptimize(st);
  }
  state.counters["packages"] = double(inv.packages.size());
  state.counters["findings"] = double(findings);
}
BENCHMARK(BM_Match10k)->Unit(benchmark::kMillisecond)->Iterations(3);

}  // namespace
