// common/diagnostics.hpp: warnings that do not stop a scan. Each has a stable
// code (documented in docs/warnings.md) so that reports and scripts can rely on it.
#pragma once

#include <mutex>
#include <string>
#include <vector>

#include "common/error.hpp"

namespace dagda {

struct Warning {
  std::string code;     // e.g. "layer.path-escapes-root"
  std::string message;  // one line, for people
  Location where;
  std::string render() const;
};

// Thread-safe sink for warnings, shared by the stages of one run.
class Diagnostics {
 public:
  void warn(std::string code, std::string message, Location where = {});
  void add(Warning w);
  std::vector<Warning> take_all() const;
  size_t size() const;

 private:
  mutable std::mutex mu_;
  std::vector<Warning> items_;
};

}  // namespace dagda
