// Fuzzes every comparator and range parser, and the OSV range evaluation:
// input = ecosystem index byte, then "a\nb\nrange". Checks antisymmetry too.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "version/comparator.hpp"
#include "version/osv_range.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  auto all = dagda::version::comparators();
  const dagda::version::Comparator& c = all[data[0] % all.size()];
  std::string_view in(reinterpret_cast<const char*>(data + 1), size - 1);
  size_t n1 = in.find('\n');
  std::string_view a = in.substr(0, n1);
  std::string_view rest = n1 == std::string_view::npos ? std::string_view{} : in.substr(n1 + 1);
  size_t n2 = rest.find('\n');
  std::string_view b = rest.substr(0, n2);
  std::string_view range = n2 == std::string_view::npos ? std::string_view{} : rest.substr(n2 + 1);

  auto ab = c.compare(a, b);
  auto ba = c.compare(b, a);
  if (ab.ok() != ba.ok()) std::abort();
  if (ab.ok() && ((*ab > 0) - (*ab < 0)) != -((*ba > 0) - (*ba < 0))) std::abort();
  if (ab.ok() && (!c.valid(a) || !c.valid(b))) std::abort();
  (void)c.satisfies(a, range);
  (void)c.satisfies(a, b);

  dagda::version::OsvAffected aff;
  aff.ecosystem = std::string(c.name);
  aff.ranges.push_back({"ECOSYSTEM", {{dagda::version::OsvEvent::introduced, std::string(b)},
                                      {dagda::version::OsvEvent::fixed, std::string(range)}}});
  (void)dagda::version::osv_affected(aff, a);
  return 0;
}
