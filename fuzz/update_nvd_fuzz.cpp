// The parsers of `dagda db update`: NVD .meta and sha256 files, the head of an
// NVD API page, NVD page compaction (simdjson over a page on disk), and a
// repository's repomd.xml (where its updateinfo is).
#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>

#include "update/fetch.hpp"
#include "update/repomd.hpp"
#include "update/update.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  (void)dagda::update::parse_nvd_meta_sha256(in);
  (void)dagda::update::parse_sha256_file(in);
  (void)dagda::update::nvd_total_results(in.substr(0, 4096));
  (void)dagda::update::header_value(in, "etag");
  (void)dagda::update::parse_retry_after(in);
  (void)dagda::update::file_name_for_url(in, "f");
  if (auto r = dagda::update::repomd_updateinfo(in, "fuzz/repomd.xml"); r.ok()) {
    if (r->href.empty() || r->href.find("..") != std::string::npos || r->href.front() == '/') abort();
  } else if (r.error().where().file != "fuzz/repomd.xml") {
    abort();
  }
  static const std::string dir = [] {
    std::string d = std::filesystem::temp_directory_path().string() + "/update_nvd_fuzz." + std::to_string(getpid());
    std::filesystem::create_directories(d);
    return d;
  }();
  // The input as an older page beside a newer page holding one of its CVEs.
  std::ofstream(dir + "/full-00000000.json", std::ios::binary | std::ios::trunc).write(in.data(), std::streamsize(size));
  std::ofstream(dir + "/delta-20260101T000000-000-00000000.json", std::ios::trunc)
      << R"({"format":"NVD_CVE","vulnerabilities":[{"cve":{"id":"CVE-2020-0001"}}]})";
  (void)dagda::update::nvd_compact(dir);
  return 0;
}
