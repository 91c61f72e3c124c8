// tests/unit/report/report_test_util.hpp: running a format, golden files, and
// the schema validator (tests/unit/report/validate_sbom.py with Debian's python3-jsonschema).
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <string>

#include "report/writer.hpp"
#include "support/testdata.hpp"
#include "unit/report/real_inventories.hpp"

namespace dagda::test {

// Options every golden file is written with; the tool version is pinned so that
// a release does not rewrite the golden files.
inline ReportOptions golden_options() {
  ReportOptions o;
  o.tool_version = "0.0.0-test";
  o.deterministic = true;
  return o;
}

inline std::string render(const Inventory& inv, std::string_view format,
                          const ReportOptions& opts = golden_options()) {
  const SbomFormat* f = find_sbom_format(format);
  EXPECT_NE(f, nullptr) << "no format " << format;
  if (!f) return {};
  auto r = f->write(inv, opts);
  EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().render());
  return r.ok() ? *r : std::string();
}

// Each real inventory is built once per test run.
inline const Inventory& real_inventory(const std::string& name) {
  static std::map<std::string, Inventory> cache;
  auto it = cache.find(name);
  if (it != cache.end()) return it->second;
  for (const auto& f : report_fixtures::fixtures()) {
    if (f.name == name) return cache.emplace(name, f.build()).first->second;
  }
  ADD_FAILURE() << "no fixture " << name;
  static const Inventory kEmpty;
  return kEmpty;
}

inline std::string golden_path(const std::string& file) {
  return source_dir() + "/tests/golden/report/" + file;
}

// Compares `actual` with tests/golden/report/FILE; DAGDA_UPDATE_GOLDEN=1 rewrites it.
inline void expect_golden(const std::string& file, const std::string& actual) {
  const std::string path = golden_path(file);
  const char* update = std::getenv("DAGDA_UPDATE_GOLDEN");
  if (update && std::string(update) == "1") {
    std::filesystem::create_directories(std::filesystem::path(path).parent_path());
    std::ofstream(path, std::ios::binary) << actual;
    return;
  }
  std::ifstream in(path, std::ios::binary);
  ASSERT_TRUE(in.good()) << path << " is missing; run the test with DAGDA_UPDATE_GOLDEN=1 to write it";
  std::string expected((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (expected == actual) return;
  // Show the first differing line rather than two huge strings.
  size_t line = 1, i = 0;
  for (; i < expected.size() && i < actual.size() && expected[i] == actual[i]; ++i)
    line += expected[i] == '\n';
  auto line_at = [](const std::string& s, size_t pos) {
    size_t b = s.rfind('\n', pos == 0 ? 0 : pos - 1);
    b = b == std::string::npos ? 0 : b + 1;
    return s.substr(b, s.find('\n', b) - b);
  };
  ADD_FAILURE() << file << " differs from the golden file at line " << line
                << "\n  golden: " << line_at(expected, i) << "\n  actual: " << line_at(actual, i)
                << "\n(DAGDA_UPDATE_GOLDEN=1 rewrites it after a deliberate change)";
}

struct Validation {
  int status = -1;
  std::string output;
};

// Writes `doc` to a scratch file and validates it as `kind` ("cyclonedx-1.6", "spdx-2.3").
inline Validation validate(const std::string& doc, const std::string& kind, const std::string& name) {
  const report_fixtures::Scratch dir("report-validate-" + name);
  const std::string file = dir.path() + "/" + name + ".json";
  std::ofstream(file, std::ios::binary) << doc;
  // Debian's interpreter and its python3-jsonschema, not whatever python3 is first on PATH.
  const std::string cmd = "/usr/bin/python3 " +
                          report_fixtures::shell_quote(source_dir() + "/tests/unit/report/validate_sbom.py") +
                          " " + report_fixtures::shell_quote(testdata("schemas")) + " " + kind + " " +
                          report_fixtures::shell_quote(file) + " 2>&1";
  Validation v;
  v.output = run_command(cmd, &v.status);
  return v;
}

}  // namespace dagda::test
