// The Wolfi/Chainguard secdb importer. No real Wolfi or Chainguard file is in
// the test data; their format is Alpine's secdb JSON, so the parser is tested
// on Alpine's real secdb files: the JSON samples of vulnerablecode, and the real
// secdb YAML of v3.10 and v3.11 written out as JSON by python3 (yaml, json).
// Each row is checked against tests/integration/counts/secdb-rows.py, which
// reads the JSON with python3's json.
#include <gtest/gtest.h>

#include <map>
#include <set>
#include <sstream>
#include <tuple>

#include "feeds_helpers.hpp"

namespace dagda {
namespace {

using Row = std::tuple<std::string, std::string, std::string>;  // package, version ("0" = not affected), id

std::string sample(const std::string& rel) {
  return test::testdata("vulndb/samples/distro/vulnerablecode/alpine/" + rel);
}

std::set<Row> python_rows(const std::string& file) {
  static std::map<std::string, std::set<Row>> cache;
  if (auto it = cache.find(file); it != cache.end()) return it->second;
  int status = 0;
  std::string out =
      test::run_command("python3 " + test::source_dir() + "/tests/integration/counts/secdb-rows.py '" + file + "'",
                        &status);
  EXPECT_EQ(status, 0) << out;
  std::set<Row> rows;
  std::istringstream in(out);
  for (std::string line; std::getline(in, line);) {
    auto t1 = line.find('\t'), t2 = line.find('\t', t1 + 1);
    rows.insert({line.substr(0, t1), line.substr(t1 + 1, t2 - t1 - 1), line.substr(t2 + 1)});
  }
  return cache[file] = rows;
}

std::set<Row> rows_of(const vulndb::Collected& c, std::string_view ns) {
  std::set<Row> out;
  for (auto& a : c.affected) {
    EXPECT_EQ(a.ns, ns) << a.package;
    bool na = a.status == vulndb::AffectedStatus::not_affected;
    EXPECT_EQ(na, a.fixed_version.empty()) << a.package;
    out.insert({a.package, na ? "0" : a.fixed_version, a.vuln_id});
  }
  return out;
}

// The real secdb YAML of one release as JSON (python3 yaml -> json), in this test's scratch folder.
std::string json_of_yaml(const std::string& rel) {
  std::string name = rel.substr(0, rel.find('.', rel.find('/')));
  for (auto& c : name)
    if (c == '/') c = '-';
  std::string out = test::test_scratch(name) + "/" + name + ".json";
  int status = 0;
  std::string err = test::run_command(
      "python3 -c 'import json,sys,yaml; json.dump(yaml.safe_load(open(sys.argv[1])), open(sys.argv[2], \"w\"))' '" +
          test::testdata("vulndb/alpine-secdb-yaml/" + rel) + "' '" + out + "' 2>&1",
      &status);
  EXPECT_EQ(status, 0) << err;
  return out;
}

std::vector<std::string> real_json_files() {
  return {sample("v3.11/main.json"), sample("v3.3/community.json"), json_of_yaml("v3.10/main.yaml"),
          json_of_yaml("v3.11/community.yaml")};
}

Status parse(const std::string& path, std::string_view data, const std::string& release,
             test::feeds::SourceSink& sink, Diagnostics& diag) {
  const auto* imp = importers::find_importer("secdb");
  if (!imp) return Error(ErrorCode::internal, "no secdb importer");
  importers::Entry e{path, data, release};
  return imp->parse(e, sink, diag);
}

TEST(SecdbImporter, ExplicitReleaseReadsRealSecdbJsonRowForRow) {
  size_t total = 0;
  for (const std::string& file : real_json_files()) {
    for (std::string release : {"wolfi:rolling", "chainguard:rolling"}) {
      SCOPED_TRACE(file + " as " + release);
      std::string data = test::slurp(file);
      test::feeds::SourceSink sink;
      Diagnostics diag;
      auto st = parse(file, data, release, sink, diag);
      ASSERT_TRUE(st.ok()) << st.error().render();
      std::set<Row> want = python_rows(file);
      total += want.size();
      EXPECT_EQ(rows_of(sink.out, release), want);
      std::string distro = release.substr(0, release.find(':'));
      EXPECT_EQ(sink.per_source.size(), want.empty() ? 0u : 1u);
      EXPECT_EQ(sink.per_source.count(distro), want.empty() ? 0u : 1u);
      EXPECT_TRUE(sink.out.vulns.empty());
    }
  }
  EXPECT_GT(total, 1000u);  // the YAML releases hold hundreds of fixes each
}

TEST(SecdbImporter, AlpineFilesAreDetectedAsAlpineNeverWolfi) {
  std::vector<std::string> files = real_json_files();
  std::string releases[] = {"alpine:3.11", "alpine:3.3", "alpine:3.10", "alpine:3.11"};
  for (size_t i = 0; i < files.size(); ++i) {
    const std::string& file = files[i];
    SCOPED_TRACE(file);
    test::feeds::FeedRun run;
    test::feeds::run_importer("alpine-secdb", file, run);
    ASSERT_TRUE(run.errors.empty()) << run.errors.front();
    EXPECT_EQ(run.detected, 1u);
    EXPECT_EQ(rows_of(run.sink.out, releases[i]), python_rows(file));
    const auto* secdb = importers::find_importer("secdb");
    ASSERT_NE(secdb, nullptr);
    EXPECT_EQ(secdb->detect(file, test::slurp(file).substr(0, 4096)), 0);
    // Read with --format secdb and no release, an Alpine file is still its Alpine release.
    test::feeds::SourceSink sink;
    Diagnostics diag;
    ASSERT_TRUE(parse(file, test::slurp(file), "", sink, diag).ok());
    EXPECT_EQ(rows_of(sink.out, releases[i]), python_rows(file));
    EXPECT_EQ(sink.per_source.count("wolfi") + sink.per_source.count("chainguard"), 0u);
  }
}

// The real Alpine file with only its urlprefix (and apkurl) changed to each publisher's host:
// the content names the distro.
TEST(SecdbImporter, ContentDetectionByUrlprefixHost) {
  std::string file = json_of_yaml("v3.10/main.yaml");
  std::string real = test::slurp(file);
  auto cut = [](std::string s, std::string_view what) {
    auto at = s.find(what);
    if (at != std::string::npos) s.erase(at, what.size());
    return s;
  };
  // Without distroversion, as Wolfi publishes it.
  std::string rolling = cut(real, "\"distroversion\": \"v3.10\", ");
  ASSERT_EQ(rolling.find("\"distroversion\""), std::string::npos);
  struct Case {
    std::string host, distro;
  };
  for (const Case& c : {Case{"https://packages.wolfi.dev", "wolfi"}, Case{"https://packages.cgr.dev", "chainguard"}}) {
    SCOPED_TRACE(c.host);
    std::string data = rolling;
    auto at = data.find("http://dl-cdn.alpinelinux.org/alpine");
    ASSERT_NE(at, std::string::npos);
    data.replace(at, std::string_view("http://dl-cdn.alpinelinux.org/alpine").size(), c.host);
    const auto* best = importers::detect_importer("security.json", data.substr(0, 4096));
    ASSERT_NE(best, nullptr);
    EXPECT_EQ(best->name, "secdb");
    test::feeds::SourceSink sink;
    Diagnostics diag;
    ASSERT_TRUE(parse("security.json", data, "", sink, diag).ok());
    std::set<Row> want = python_rows(file);
    EXPECT_GT(want.size(), 500u);
    EXPECT_EQ(rows_of(sink.out, c.distro + ":rolling"), want);
    EXPECT_EQ(sink.per_source.count(c.distro), 1u);
    // --release naming the other distro wins, with a warning.
    test::feeds::SourceSink other;
    Diagnostics d2;
    std::string release = c.distro == "wolfi" ? "chainguard:rolling" : "wolfi:rolling";
    ASSERT_TRUE(parse("security.json", data, release, other, d2).ok());
    EXPECT_EQ(rows_of(other.out, release).size(), python_rows(file).size());
    auto w = d2.take_all();
    ASSERT_EQ(w.size(), 1u);
    EXPECT_EQ(w[0].code, "secdb.release-mismatch");
  }
  // No distroversion and an unknown host: a clear error asking for --release.
  test::feeds::SourceSink sink;
  Diagnostics diag;
  auto st = parse("feeds/unknown.json", rolling, "", sink, diag);
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.error().render().find("feeds/unknown.json"), std::string::npos);
  EXPECT_NE(st.error().render().find("--release wolfi:rolling"), std::string::npos);
}

TEST(SecdbImporter, BadInputIsAnErrorNamingTheFile) {
  std::string real = test::slurp(sample("v3.11/main.json"));
  struct Case {
    std::string name, data, release;
  } cases[] = {
      {"feeds/cut.json", real.substr(0, real.size() / 2), "wolfi:rolling"},
      {"feeds/array.json", "[]", "wolfi:rolling"},
      {"feeds/packages-map.json", R"({"urlprefix": "https://packages.wolfi.dev", "packages": {"a": 1}})", ""},
      {"feeds/deep.json", std::string(100000, '[') + std::string(100000, ']'), "wolfi:rolling"},
      {"feeds/not-apk.json", real, "amazon:2023"},
      {"feeds/no-release.json", real, "wolfi"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    test::feeds::SourceSink sink;
    Diagnostics diag;
    auto st = parse(c.name, c.data, c.release, sink, diag);
    ASSERT_FALSE(st.ok());
    EXPECT_NE(st.error().render().find(c.name), std::string::npos) << st.error().render();
  }
  test::feeds::SourceSink sink;
  Diagnostics diag;
  ASSERT_TRUE(parse("feeds/odd.json",
                    R"({"urlprefix": "https://packages.wolfi.dev", "packages": [{"pkg": {}},
                        {"pkg": {"name": "x", "secfixes": {"1.0-r0": ["not an id"]}}}]})",
                    "", sink, diag)
                  .ok());
  EXPECT_TRUE(sink.out.affected.empty());
  std::set<std::string> codes;
  for (auto& w : diag.take_all()) codes.insert(w.code);
  EXPECT_EQ(codes, (std::set<std::string>{"secdb.bad-package", "secdb.no-id"}));
}

}  // namespace
}  // namespace dagda
