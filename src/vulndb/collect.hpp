// vulndb/collect.hpp: a Sink that keeps everything in memory, for tests,
// fuzzers and `dagda db import --dry-run`.
#pragma once

#include <string>
#include <vector>

#include "vulndb/sink.hpp"

namespace dagda::vulndb {

struct Collected {
  std::vector<Vulnerability> vulns;
  std::vector<Affected> affected;
  std::vector<Exploit> exploits;
  std::vector<KevEntry> kev;
  std::vector<EpssScore> epss;
  std::vector<BugtraqEntry> bugtraq;
  std::vector<Signature> signatures;
  std::vector<std::string> sources;  // every name passed to source()
};

class CollectSink final : public Sink {
 public:
  Collected out;
  void source(std::string_view name) override { out.sources.emplace_back(name); }
  void add(Vulnerability&& v) override { out.vulns.push_back(std::move(v)); }
  void add(Affected&& a) override { out.affected.push_back(std::move(a)); }
  void add(Exploit&& e) override { out.exploits.push_back(std::move(e)); }
  void add(KevEntry&& k) override { out.kev.push_back(std::move(k)); }
  void add(EpssScore&& s) override { out.epss.push_back(std::move(s)); }
  void add(BugtraqEntry&& b) override { out.bugtraq.push_back(std::move(b)); }
  void add(Signature&& s) override { out.signatures.push_back(std::move(s)); }
};

}  // namespace dagda::vulndb
