// Shared by the feed importer tests (nvd, exploitdb, kev, epss, bugtraq,
// rubysec, friendsofphp, rustsec, nodejs, retirejs, gitlab): import real inputs
// as `db import` does (input walker, detection on the first 4 KiB, the most
// confident importer), collect the records, and read the independent counts
// printed by tests/integration/counts/NAME.py.
#pragma once

#include <gtest/gtest.h>

#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "importers/importer.hpp"
#include "importers/input.hpp"
#include "support/testdata.hpp"
#include "vulndb/collect.hpp"

namespace dagda::importers::feedtest {

struct Run {
  vulndb::CollectSink sink;
  Diagnostics diag;
  std::map<std::string, size_t> detected;  // importer name ("" = none) -> files
  std::vector<std::string> errors;
};

// Imports every entry of `paths` that detection gives to `importer`.
inline void import_into(Run& run, const std::vector<std::string>& paths, std::string_view importer) {
  for (const auto& p : paths) {
    Status s = for_each_entry(p, [&](const Entry& e) -> Status {
      const ImporterInfo* imp = detect_importer(e.path, e.data.substr(0, 4096));
      run.detected[imp ? std::string(imp->name) : ""]++;
      if (imp && imp->name == importer) {
        Status r = imp->parse(e, run.sink, run.diag);
        if (!r.ok()) run.errors.push_back(r.error().render());
      }
      return ok_status();
    });
    if (!s.ok()) run.errors.push_back(s.error().render());
  }
}

// The JSON line printed by tests/integration/counts/SCRIPT.py for `args` (paths under the test data).
inline nlohmann::json expected(const std::string& script, const std::vector<std::string>& args) {
  std::string cmd = "python3 " + test::source_dir() + "/tests/integration/counts/" + script + ".py";
  for (const auto& a : args) cmd += " '" + a + "'";
  int status = 0;
  std::string out = test::run_command(cmd, &status);
  EXPECT_EQ(status, 0) << cmd;
  return nlohmann::json::parse(out.substr(0, out.find('\n')), nullptr, false);
}

// Parses `data` as one entry named `path` with the importer `name`.
inline Status parse_text(std::string_view name, const std::string& path, std::string_view data,
                         vulndb::CollectSink& sink) {
  Diagnostics diag;
  const ImporterInfo* imp = find_importer(name);
  if (!imp) return Error(ErrorCode::internal, "no importer " + std::string(name));
  return imp->parse(Entry{path, data}, sink, diag);
}

// The error of parsing `data` with importer `name`; it must name the path.
inline std::string error_of(std::string_view name, std::string_view data,
                            const std::string& path = "feeds/bad-input") {
  vulndb::CollectSink sink;
  Status s = parse_text(name, path, data, sink);
  EXPECT_FALSE(s.ok()) << name << " accepted: " << std::string(data.substr(0, 80));
  if (s.ok()) return "";
  std::string r = s.error().render();
  EXPECT_NE(r.find(path), std::string::npos) << r;
  return r;
}

// Every prefix of `data` cut at `cuts` points: parse must not crash; an error names the path.
inline void truncations(std::string_view name, std::string_view data, int cuts = 40) {
  for (int i = 1; i < cuts; ++i) {
    size_t n = data.size() * size_t(i) / size_t(cuts);
    vulndb::CollectSink sink;
    Status s = parse_text(name, "feeds/cut", data.substr(0, n), sink);
    if (!s.ok()) {
      EXPECT_NE(s.error().render().find("feeds/cut"), std::string::npos);
    }
  }
}

}  // namespace dagda::importers::feedtest
