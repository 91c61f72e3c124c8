// Comparisons per second for each comparator, on real versions; deb and rpm
// side by side with the reference C implementations (libdpkg's
// dpkg_version_compare, librpm's rpmvercmp) in the same run.
#define LIBDPKG_VOLATILE_API 1
#include <dpkg/dpkg.h>
#include <dpkg/dpkg-db.h>
#include <dpkg/error.h>
#include <dpkg/version.h>
#include <rpm/rpmver.h>

#include <benchmark/benchmark.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "version/comparator.hpp"
#include "version/ecosystems.hpp"

namespace {

std::string data(const std::string& rel) {
  const char* env = std::getenv("DAGDA_TESTDATA");
  return std::string(env && *env ? env : DAGDA_TESTDATA_DEFAULT) + "/" + rel;
}

// "Version: x" lines of the dpkg status databases.
const std::vector<std::string>& deb_versions() {
  static std::vector<std::string> v = [] {
    std::vector<std::string> out;
    for (const char* f : {"debian-12.15-bookworm-minbase.status", "debian-trixie-minbase.status",
                          "debian-bullseye-minbase.status", "claircore-texlive.status"}) {
      std::ifstream in(data(std::string("pkgdb/dpkg-status/") + f));
      std::string line;
      while (std::getline(in, line))
        if (line.rfind("Version: ", 0) == 0) out.push_back(line.substr(9));
    }
    return out;
  }();
  return v;
}

struct Evr {
  std::string evr, version, release;
};

// VERSION and RELEASE of the rpm -qa ground truth.
const std::vector<Evr>& rpm_versions() {
  static std::vector<Evr> v = [] {
    std::vector<Evr> out;
    for (const char* f : {"centos7-many.tsv", "centos6-many.tsv", "centos8-modularitylabel.tsv", "cbl-mariner-2.0.tsv"}) {
      std::ifstream in(data(std::string("groundtruth/rpm-qa/") + f));
      std::string line;
      while (std::getline(in, line)) {
        std::vector<std::string> col;
        std::stringstream s(line);
        std::string c;
        while (std::getline(s, c, '\t')) col.push_back(c);
        if (col.size() < 4) continue;
        std::string e = col[1] == "0" || col[1] == "(none)" ? "" : col[1] + ":";
        out.push_back(Evr{e + col[2] + "-" + col[3], col[2], col[3]});
      }
    }
    return out;
  }();
  return v;
}

// Versions of a vector file ("a op b" lines).
std::vector<std::string> vector_versions(const std::string& file) {
  std::vector<std::string> out;
  std::ifstream in(data("versions/osv-scalibr-semantic/" + file));
  std::string a, op, b, line;
  while (std::getline(in, line)) {
    std::stringstream s(line);
    if (!(s >> a >> op >> b) || a[0] == '#' || a[0] == '/') continue;
    out.push_back(a);
    out.push_back(b);
  }
  return out;
}

void BM_deb_dagda(benchmark::State& state) {
  const auto& v = deb_versions();
  size_t i = 0;
  for (auto _ : state) {
    const std::string& a = v[i % v.size()];
    const std::string& b = v[(i * 7 + 3) % v.size()];
    benchmark::DoNotOptimize(dagda::version::deb::compare(a, b));
    ++i;
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
}
BENCHMARK(BM_deb_dagda);

// libdpkg from strings: parseversion() both, then dpkg_version_compare().
void BM_deb_libdpkg_parse_compare(benchmark::State& state) {
  const auto& v = deb_versions();
  size_t i = 0;
  for (auto _ : state) {
    const std::string& a = v[i % v.size()];
    const std::string& b = v[(i * 7 + 3) % v.size()];
    struct dpkg_version x, y;
    struct dpkg_error err;
    parseversion(&x, a.c_str(), &err);
    parseversion(&y, b.c_str(), &err);
    benchmark::DoNotOptimize(dpkg_version_compare(&x, &y));
    ++i;
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
}
BENCHMARK(BM_deb_libdpkg_parse_compare);

// libdpkg's best case: versions parsed beforehand, only dpkg_version_compare() timed.
void BM_deb_libdpkg_compare_preparsed(benchmark::State& state) {
  const auto& v = deb_versions();
  std::vector<dpkg_version> parsed(v.size());
  for (size_t k = 0; k < v.size(); ++k) {
    struct dpkg_error err;
    parseversion(&parsed[k], v[k].c_str(), &err);
  }
  size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(dpkg_version_compare(&parsed[i % v.size()], &parsed[(i * 7 + 3) % v.size()]));
    ++i;
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
}
BENCHMARK(BM_deb_libdpkg_compare_preparsed);

void BM_rpm_dagda_vercmp(benchmark::State& state) {
  const auto& v = rpm_versions();
  size_t i = 0;
  for (auto _ : state) {
    const Evr& a = v[i % v.size()];
    const Evr& b = v[(i * 7 + 3) % v.size()];
    benchmark::DoNotOptimize(dagda::version::rpm::vercmp(a.version, b.version));
    benchmark::DoNotOptimize(dagda::version::rpm::vercmp(a.release, b.release));
    ++i;
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
}
BENCHMARK(BM_rpm_dagda_vercmp);

void BM_rpm_librpm_rpmvercmp(benchmark::State& state) {
  const auto& v = rpm_versions();
  size_t i = 0;
  for (auto _ : state) {
    const Evr& a = v[i % v.size()];
    const Evr& b = v[(i * 7 + 3) % v.size()];
    benchmark::DoNotOptimize(rpmvercmp(a.version.c_str(), b.version.c_str()));
    benchmark::DoNotOptimize(rpmvercmp(a.release.c_str(), b.release.c_str()));
    ++i;
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
}
BENCHMARK(BM_rpm_librpm_rpmvercmp);

// Whole EVR strings: split, validate, compare epoch, version, release.
void BM_rpm_dagda_evr(benchmark::State& state) {
  const auto& v = rpm_versions();
  size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(dagda::version::rpm::compare(v[i % v.size()].evr, v[(i * 7 + 3) % v.size()].evr));
    ++i;
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
}
BENCHMARK(BM_rpm_dagda_evr);

// Every comparator through the registry, on the versions of its vector file.
void BM_registry(benchmark::State& state, const char* eco, const char* file) {
  const dagda::version::Comparator* c = dagda::version::find_comparator(eco);
  std::vector<std::string> v = vector_versions(file);
  size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(c->compare(v[i % v.size()], v[(i * 7 + 3) % v.size()]));
    ++i;
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
}
BENCHMARK_CAPTURE(BM_registry, deb, "deb", "debian-versions-generated.txt");
BENCHMARK_CAPTURE(BM_registry, rpm, "rpm", "redhat-versions.txt");
BENCHMARK_CAPTURE(BM_registry, apk, "apk", "alpine-versions-generated.txt");
BENCHMARK_CAPTURE(BM_registry, semver, "semver", "semver-versions.txt");
BENCHMARK_CAPTURE(BM_registry, npm, "npm", "semver-versions.txt");
BENCHMARK_CAPTURE(BM_registry, pypi, "pypi", "pypi-versions-generated.txt");
BENCHMARK_CAPTURE(BM_registry, maven, "maven", "maven-versions-generated.txt");
BENCHMARK_CAPTURE(BM_registry, gem, "gem", "rubygems-versions-generated.txt");
BENCHMARK_CAPTURE(BM_registry, composer, "composer", "packagist-versions-generated.txt");
BENCHMARK_CAPTURE(BM_registry, golang, "golang", "semver-versions.txt");
BENCHMARK_CAPTURE(BM_registry, cargo, "cargo", "semver-versions.txt");
BENCHMARK_CAPTURE(BM_registry, nuget, "nuget", "nuget-versions.txt");

}  // namespace
