// cli/progress.hpp: the engine's progress on a terminal's stderr (nothing when
// stderr is not a terminal or with --quiet), and warnings as lines.
#pragma once

#include <string>

#include "cli/command.hpp"
#include "common/diagnostics.hpp"
#include "engine/engine.hpp"

namespace dagda::cli {

class Progress {
 public:
  Progress(const GlobalOptions& g, std::string source);
  engine::Hooks hooks();
  void done();  // clears the line

 private:
  void show(const engine::Progress& p);
  bool enabled_;
  std::string source_;
  std::string last_;
};

// "dagda: warning: ..." on stderr.
void print_warning(const Warning& w);

}  // namespace dagda::cli
