// A table for people: one line per package (name, version, type, layer), a
// header line naming the source and its OS, a footer with the counts. Fits in
// opts.width columns; ANSI colour only when opts.color. The warnings themselves
// are not repeated here (the CLI prints them on stderr; JSON carries them).
#include <fmt/format.h>

#include <algorithm>
#include <map>

#include "report/common.hpp"
#include "report/text.hpp"
#include "report/writer.hpp"

namespace dagda {
namespace report {
namespace {

Result<std::string> write_table(const Inventory& inv, const ReportOptions& opts) {
  return guarded("table", [&]() -> Result<std::string> {
    const size_t width = static_cast<size_t>(std::max(opts.width, 40));
    const auto pkgs = sorted_packages(inv);

    struct Row {
      std::string name, version, type, scope, layer;
    };
    std::vector<Row> rows;
    rows.reserve(pkgs.size());
    size_t name_max = 4, version_max = 7, type_max = 4, scope_max = 0, layer_max = 5;
    for (const Package* p : pkgs) {
      Row r{printable(p->name), printable(p->version), printable(p->ecosystem), printable(p->scope),
            p->layer.empty() ? (p->layer_index >= 0 ? std::to_string(p->layer_index) : "-")
                             : printable(short_digest(p->layer))};
      name_max = std::max(name_max, width_of(r.name));
      version_max = std::max(version_max, width_of(r.version));
      type_max = std::max(type_max, width_of(r.type));
      if (!r.scope.empty()) scope_max = std::max<size_t>({scope_max, 5, width_of(r.scope)});
      layer_max = std::max(layer_max, width_of(r.layer));
      rows.push_back(std::move(r));
    }
    type_max = std::min<size_t>(type_max, 10);
    scope_max = std::min<size_t>(scope_max, 12);
    layer_max = std::min<size_t>(layer_max, 12);
    // A SCOPE column (dev, optional, ...) only when some package has a scope.
    const size_t scope_col = scope_max ? scope_max + 2 : 0;

    // Name and version share what the type, scope and layer columns and the gaps leave.
    const size_t gaps = 3 * 2;
    const size_t fixed = gaps + type_max + scope_col + layer_max;
    const size_t room = width > fixed + 16 ? width - fixed : 16;
    size_t name_w = name_max, version_w = version_max;
    if (name_w + version_w > room) {
      name_w = std::min(name_max, std::max(room / 2, room > version_max ? room - version_max : 0));
      version_w = room - name_w;
    }

    std::string out;
    out += paint(opts, kBold, header_line(inv, width)) + "\n\n";
    out += paint(opts, kBold,
                 pad("NAME", name_w) + "  " + pad("VERSION", version_w) + "  " + pad("TYPE", type_max) +
                     "  " + (scope_col ? pad("SCOPE", scope_max) + "  " : "") + "LAYER") +
           "\n";
    for (const Row& r : rows) {
      out += pad(fit(r.name, name_w), name_w) + "  " + pad(fit(r.version, version_w), version_w) + "  " +
             pad(fit(r.type, type_max), type_max) + "  " +
             (scope_col ? pad(fit(r.scope, scope_max), scope_max) + "  " : "") + fit(r.layer, layer_max) + "\n";
    }

    std::map<std::string, size_t> per_type;
    for (const Package* p : pkgs) ++per_type[p->ecosystem];
    std::vector<std::string> counts;
    for (const auto& [type, n] : per_type) counts.push_back(fmt::format("{} {}", type, n));
    std::string footer = fmt::format("{} package{}", pkgs.size(), pkgs.size() == 1 ? "" : "s");
    if (!counts.empty()) footer += fmt::format(" ({})", fmt::join(counts, ", "));
    const size_t layers = inv.source.layers.size();
    if (layers) footer += fmt::format(", {} layer{}", layers, layers == 1 ? "" : "s");
    footer += fmt::format(", {} warning{}", inv.warnings.size(), inv.warnings.size() == 1 ? "" : "s");
    out += "\n" + paint(opts, kDim, fit(footer, width)) + "\n";
    if (inv.partial) {
      out += paint(opts, kYellow,
                   fit("PARTIAL: part of the input could not be read; packages may be missing", width)) +
             "\n";
    }
    return out;
  });
}

}  // namespace
}  // namespace report

namespace formats {
extern const SbomFormat table;
const SbomFormat table = {"table", "A table for people", report::write_table};
}  // namespace formats

}  // namespace dagda
