// Fuzzes purl building, SPDX license classification and every SBOM format with
// packages whose fields are arbitrary bytes (what a hostile image can put in a
// package database). Checks that a purl holds only the characters the purl
// specification permits and that every JSON format parses back.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "inventory/purl.hpp"
#include "report/spdx_license.hpp"
#include "report/writer.hpp"

namespace {

// Splits the input on NUL bytes into fields, in order.
class Fields {
 public:
  Fields(const uint8_t* data, size_t size) : s_(reinterpret_cast<const char*>(data), size) {}
  std::string next() {
    if (pos_ >= s_.size()) return {};
    size_t end = s_.find('\0', pos_);
    if (end == std::string_view::npos) end = s_.size();
    std::string out(s_.substr(pos_, end - pos_));
    pos_ = end + 1;
    return out;
  }

 private:
  std::string_view s_;
  size_t pos_ = 0;
};

bool purl_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
         std::string_view(".-_~:/@?=&#%").find(c) != std::string_view::npos;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  Fields f(data, size);
  dagda::OsInfo os;
  os.family = f.next();
  os.version_id = f.next();
  os.codename = f.next();
  os.pretty_name = f.next();

  dagda::Inventory inv;
  inv.source.input = f.next();
  inv.source.kind = f.next();
  inv.source.image_id = f.next();
  inv.source.tags.push_back(f.next());
  inv.os = os;
  static const char* kEcosystems[] = {"deb", "apk", "rpm", "npm"};
  for (int i = 0; i < 3; ++i) {
    dagda::Package p;
    p.ecosystem = kEcosystems[(size + i) % 4];
    p.name = f.next();
    p.version = f.next();
    p.arch = f.next();
    p.source_name = f.next();
    p.source_version = f.next();
    p.license = f.next();
    p.layer = f.next();
    if (p.ecosystem == "rpm" && i % 2 == 0) {
      dagda::RpmFields r;
      r.version = f.next();
      r.release = f.next();
      if (!r.version.empty() && r.version[0] & 1) r.epoch = static_cast<int64_t>(r.version.size());
      p.rpm = r;
    }
    std::string purl = dagda::purl_for(p, &os);
    for (char c : purl) {
      if (!purl_char(c)) abort();
    }
    (void)dagda::report::classify_license(p.license);
    inv.packages.push_back(std::move(p));
  }
  inv.warnings.push_back(dagda::Warning{f.next(), f.next(), {f.next()}});
  inv.partial = size % 2;

  dagda::ReportOptions opts;
  opts.deterministic = true;
  opts.width = 40 + static_cast<int>(size % 120);
  // One writer per input (instrumented JSON serialisation is slow), chosen by the size.
  const auto formats = dagda::sbom_formats();
  const auto& format = formats[size % formats.size()];
  auto out = format.write(inv, opts);
  if (!out.ok()) abort();  // a writer only fails on a bug
  if (format.name != "table" && !nlohmann::json::accept(*out)) abort();
  return 0;
}
