// Import throughput per feed importer on the real files of ../shared/data/vulndb
// ($DAGDA_TESTDATA overrides): the input is read and decompressed once, outside
// the timing; each iteration parses every entry into a Sink that only counts.
// Reported: records/s (every record kind counts one) and input MB/s.
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <map>
#include <string>
#include <vector>

#include "importers/importer.hpp"
#include "importers/input.hpp"
#include "vulndb/sink.hpp"

namespace {

using namespace dagda;

class CountingSink final : public vulndb::Sink {
 public:
  size_t records = 0;
  void source(std::string_view) override {}
  void add(vulndb::Vulnerability&&) override { ++records; }
  void add(vulndb::Affected&&) override { ++records; }
  void add(vulndb::Exploit&&) override { ++records; }
  void add(vulndb::KevEntry&&) override { ++records; }
  void add(vulndb::EpssScore&&) override { ++records; }
  void add(vulndb::BugtraqEntry&&) override { ++records; }
  void add(vulndb::Signature&&) override { ++records; }
};

std::string data_dir() {
  const char* env = std::getenv("DAGDA_TESTDATA");
  return std::string(env ? env : DAGDA_TESTDATA_DEFAULT) + "/vulndb/";
}

struct Loaded {
  std::vector<std::pair<std::string, std::string>>
      entries;  // path, content (only those detected as the importer's)
  size_t bytes = 0;
};

Loaded load(std::string_view importer, const std::vector<std::string>& inputs) {
  Loaded l;
  for (const auto& in : inputs) {
    auto s = importers::for_each_entry(data_dir() + in, [&](const importers::Entry& e) -> Status {
      const auto* imp = importers::detect_importer(e.path, e.data.substr(0, 4096));
      if (imp && imp->name == importer) {
        l.entries.emplace_back(e.path, std::string(e.data));
        l.bytes += e.data.size();
      }
      return ok_status();
    });
    (void)s;
  }
  return l;
}

void run(benchmark::State& state, std::string_view importer, const std::vector<std::string>& inputs) {
  static std::map<std::string, Loaded>* cache = new std::map<std::string, Loaded>();
  std::string key(importer);
  for (const auto& in : inputs) key += "|" + in;
  auto& l = (*cache)[key];
  if (l.entries.empty()) l = load(importer, inputs);
  const auto* imp = importers::find_importer(importer);
  if (!imp || l.entries.empty()) {
    state.SkipWithError("no input or no importer");
    return;
  }
  size_t records = 0;
  for (auto _ : state) {
    CountingSink sink;
    Diagnostics diag;
    for (const auto& [path, data] : l.entries) (void)imp->parse(importers::Entry{path, data}, sink, diag);
    records = sink.records;
    benchmark::DoNotOptimize(records);
  }
  state.counters["records"] = double(records);
  state.counters["records/s"] =
      benchmark::Counter(double(records), benchmark::Counter::kIsIterationInvariantRate);
  state.SetBytesProcessed(int64_t(state.iterations()) * int64_t(l.bytes));
}

#define IMPORT_BENCH(NAME, ...)                \
  void BM_import_##NAME(benchmark::State& s) { \
    run(s, #NAME, {__VA_ARGS__});              \
  }                                            \
  BENCHMARK(BM_import_##NAME)->Unit(benchmark::kMillisecond)->MinTime(2.0)
// One importer on inputs of one kind (OSV JSON and OSV YAML apart).
#define IMPORT_BENCH_AS(LABEL, IMPORTER, ...)   \
  void BM_import_##LABEL(benchmark::State& s) { \
    run(s, IMPORTER, {__VA_ARGS__});            \
  }                                             \
  BENCHMARK(BM_import_##LABEL)->Unit(benchmark::kMillisecond)->MinTime(2.0)

IMPORT_BENCH(nvd, "nvd-1.1-yearly");
IMPORT_BENCH(epss, "epss/emba-epss-by-year-2026-08-16.tar.xz");
IMPORT_BENCH(kev, "cisa-kev/known_exploited_vulnerabilities.json");
IMPORT_BENCH(exploitdb, "exploitdb-cve-mapping");
IMPORT_BENCH(bugtraq, "bugtraq/biddb-sample.jsonl");
IMPORT_BENCH(rubysec, "rubysec-ruby-advisory-db.tar.xz");
IMPORT_BENCH(friendsofphp, "friendsofphp-security-advisories.tar.xz");
IMPORT_BENCH(rustsec, "rustsec-advisory-db.tar.xz");
IMPORT_BENCH(nodejs, "nodejs-security-wg-vuln.tar.xz");
IMPORT_BENCH(retirejs, "retirejs");
IMPORT_BENCH(gitlab, "gitlab-advisories-community-2022-05-23.tar.xz");
IMPORT_BENCH_AS(osv_json, "osv", "osv-go-vulndb.tar.xz", "debian-elts-osv-advisories-2026-08-17.tar.xz");
IMPORT_BENCH_AS(osv_yaml, "osv", "osv-pypi-pypa-advisory-database.tar.xz");
IMPORT_BENCH_AS(alpine_secdb, "alpine-secdb", "alpine-secdb-yaml");
IMPORT_BENCH_AS(debian_lists, "debian-lists", "debian-dsa-dla");
IMPORT_BENCH_AS(debian_tracker, "debian-tracker", "samples/distro");
IMPORT_BENCH_AS(ubuntu_cve_tracker, "ubuntu-cve-tracker", "ubuntu-cve-tracker-2020-active-retired.tar.xz");
IMPORT_BENCH_AS(redhat_oval, "redhat-oval", "samples/distro");
IMPORT_BENCH_AS(redhat_csaf, "redhat-csaf", "samples/distro");

}  // namespace
