#include "cli/progress.hpp"

#include <unistd.h>

#include <cstdio>

#include <fmt/format.h>

namespace dagda::cli {

Progress::Progress(const GlobalOptions& g, std::string source)
    : enabled_(!g.quiet && ::isatty(STDERR_FILENO)), source_(std::move(source)) {}

engine::Hooks Progress::hooks() {
  engine::Hooks h;
  if (enabled_) h.progress = [this](const engine::Progress& p) { show(p); };
  return h;
}

void Progress::show(const engine::Progress& p) {
  std::string msg;
  if (p.stage == "open" || (p.stage == "read" && p.total == 0)) msg = "reading " + source_;
  else if (p.stage == "read") msg = fmt::format("reading {}: {}/{} layers", source_, p.done, p.total);
  else if (p.stage == "match") msg = fmt::format("matching {} packages", p.total);
  else msg = std::string(p.stage);
  if (msg == last_) return;
  last_ = msg;
  std::fputs(fmt::format("\r\033[Kdagda: {}", msg).c_str(), stderr);
}

void Progress::done() {
  if (enabled_ && !last_.empty()) std::fputs("\r\033[K", stderr);
  last_.clear();
}

void print_warning(const Warning& w) { std::fputs(fmt::format("dagda: warning: {}\n", w.render()).c_str(), stderr); }

}  // namespace dagda::cli
