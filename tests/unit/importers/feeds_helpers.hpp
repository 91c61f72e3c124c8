// Helpers for the feed importer tests: run one importer over a real input
// (file, folder or archive) the way `db import` does, and ask python3 for
// independent figures.
#pragma once

#include <gtest/gtest.h>

#include <map>
#include <string>

#include "importers/importer.hpp"
#include "importers/input.hpp"
#include "support/testdata.hpp"
#include "vulndb/collect.hpp"

namespace dagda::test::feeds {

// A CollectSink that also counts records per source name: the source named last
// before a record owns it.
class SourceSink final : public vulndb::Sink {
 public:
  vulndb::Collected out;
  std::map<std::string, std::pair<long, long>> per_source;  // vulnerabilities, affected
  std::string current;
  void source(std::string_view name) override {
    current = std::string(name);
    out.sources.emplace_back(name);
  }
  void add(vulndb::Vulnerability&& v) override {
    ++per_source[current].first;
    out.vulns.push_back(std::move(v));
  }
  void add(vulndb::Affected&& a) override {
    ++per_source[current].second;
    out.affected.push_back(std::move(a));
  }
  void add(vulndb::Exploit&& e) override { out.exploits.push_back(std::move(e)); }
  void add(vulndb::KevEntry&& k) override { out.kev.push_back(std::move(k)); }
  void add(vulndb::EpssScore&& s) override { out.epss.push_back(std::move(s)); }
  void add(vulndb::BugtraqEntry&& b) override { out.bugtraq.push_back(std::move(b)); }
  void add(vulndb::Signature&& s) override { out.signatures.push_back(std::move(s)); }
};

struct FeedRun {
  SourceSink sink;
  Diagnostics diag;
  size_t entries = 0;   // files offered
  size_t detected = 0;  // files the importer claimed (detect >= 2 and the most confident)
  std::vector<std::string> errors;
};

// Offers every entry of `path` to detection; the entries `name` wins are parsed by it.
inline void run_importer(const std::string& name, const std::string& path, FeedRun& run) {
  const importers::ImporterInfo* imp = importers::find_importer(name);
  ASSERT_NE(imp, nullptr) << name;
  auto st = importers::for_each_entry(path, [&](const importers::Entry& e) -> Status {
    ++run.entries;
    const importers::ImporterInfo* best = importers::detect_importer(e.path, e.data.substr(0, 4096));
    if (best != imp) return ok_status();
    ++run.detected;
    auto s = imp->parse(e, run.sink, run.diag);
    if (!s.ok()) run.errors.push_back(s.error().render());
    return ok_status();
  });
  ASSERT_TRUE(st.ok()) << st.error().render();
}

// Parses one in-memory entry with the named importer.
inline Status parse_one(const std::string& name, const std::string& path, std::string_view data,
                        vulndb::Sink& sink, Diagnostics& diag) {
  const importers::ImporterInfo* imp = importers::find_importer(name);
  if (!imp) return Error(ErrorCode::internal, "no importer " + name);
  importers::Entry e{path, data};
  return imp->parse(e, sink, diag);
}

// Runs tests/integration/counts/<script>.py on the inputs and returns
// source -> {vulnerabilities, affected}.
inline std::map<std::string, std::pair<long, long>> python_counts(const std::string& script,
                                                                  const std::string& args) {
  int status = 0;
  std::string out =
      run_command("python3 " + source_dir() + "/tests/integration/counts/" + script + ".py " + args, &status);
  EXPECT_EQ(status, 0) << out;
  std::map<std::string, std::pair<long, long>> m;
  size_t pos = 0;
  while (pos < out.size()) {
    size_t nl = out.find('\n', pos);
    std::string line = out.substr(pos, nl == std::string::npos ? std::string::npos : nl - pos);
    pos = nl == std::string::npos ? out.size() : nl + 1;
    auto field = [&](const std::string& key) -> std::string {
      auto k = line.find("\"" + key + "\": ");
      if (k == std::string::npos) return "";
      k += key.size() + 4;
      auto end = line.find_first_of(",}", k);
      std::string v = line.substr(k, end - k);
      if (!v.empty() && v[0] == '"') v = v.substr(1, v.size() - 2);
      return v;
    };
    if (line.empty()) continue;
    m[field("source")] = {std::stol(field("vulnerabilities")), std::stol(field("affected"))};
  }
  return m;
}

}  // namespace dagda::test::feeds
