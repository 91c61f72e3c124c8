// Lockfile parsers of the text family on arbitrary bytes. The first byte picks the
// parser; the rest is the file. A second copy of the input sits in the tree as a
// sibling file, so includes and parents (requirements -r, pom.xml ../pom.xml) are followed.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>

#include "catalog/lockfile/lockfile.hpp"
#include "layers/memory_view.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const std::pair<std::string_view, std::string> kTargets[] = {
      {"yarn-lock", "yarn.lock"},
      {"pnpm-lock", "pnpm-lock.yaml"},
      {"requirements-txt", "requirements.txt"},
      {"gemfile-lock", "Gemfile.lock"},
      {"go-mod", "go.mod"},
      {"go-mod", "go.sum"}};
  constexpr size_t n = sizeof(kTargets) / sizeof(kTargets[0]);
  if (size < 1) return 0;
  const auto& [name, file] = kTargets[data[0] % n];
  std::string content(reinterpret_cast<const char*>(data + 1), size - 1);
  dagda::MemoryFileView view;
  std::string path = "app/sub/" + file;
  view.add_file(path, content);
  view.add_file("app/" + file, content);
  view.add_file("app/sub/requirements/base.txt", content);
  dagda::Diagnostics diag;
  for (const dagda::LockfileCataloger& c : dagda::lockfile_catalogers()) {
    if (c.name != name) continue;
    dagda::LockfileContext ctx{view, diag};
    auto r = c.parse(ctx, path, content);
    (void)r;
  }
  return 0;
}
