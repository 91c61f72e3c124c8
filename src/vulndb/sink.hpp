// vulndb/sink.hpp: where importers put what they read. The store implements
// it inside one transaction; tests collect into memory.
#pragma once

#include <string_view>

#include "vulndb/record.hpp"

namespace dagda::vulndb {

class Sink {
 public:
  virtual ~Sink() = default;
  // Names the source of the records that follow, for this input entry
  // (default: the importer's name). OSV uses it to tell "osv:PyPI" from "osv:Go".
  virtual void source(std::string_view name) = 0;
  virtual void add(Vulnerability&& v) = 0;
  virtual void add(Affected&& a) = 0;
  virtual void add(Exploit&& e) = 0;
  virtual void add(KevEntry&& k) = 0;
  virtual void add(EpssScore&& s) = 0;
  virtual void add(BugtraqEntry&& b) = 0;
  virtual void add(Signature&& s) = 0;
};

}  // namespace dagda::vulndb
