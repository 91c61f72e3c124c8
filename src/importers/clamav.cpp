// importers/clamav.cpp: ClamAV signature databases (.cvd .cld .hdb .hsb .ndb .ldb), kept whole
// for the malware scanner as Signature rows of kind "clamav" (malware/signatures.hpp). A file
// ClamAV does not load is an error naming it and what ClamAV said.
#include "common/fs.hpp"
#include "importers/feed_util.hpp"
#include "malware/signatures.hpp"

namespace dagda::importers::feeds {
namespace {

int detect(std::string_view path, std::string_view head) {
  if (!malware::is_clamav_name(path)) return 0;
  return head.starts_with("ClamAV-VDB:") ? 3 : 2;
}

Status parse(const Entry& e, vulndb::Sink& sink, Diagnostics&) {
  DAGDA_ASSIGN_OR_RETURN(malware::SignatureFile f, malware::check_clamav(e.path, e.data, cache_dir() + "/tmp"));
  sink.source(malware::kClamav);
  std::string name = f.name;
  sink.add(vulndb::Signature{std::string(malware::kClamav), std::move(name), malware::encode_row(f)});
  return Ok{};
}

}  // namespace

extern const ImporterInfo clamav{"clamav", "ClamAV signature databases (.cvd .cld .hdb .hsb .ndb .ldb), for --scanners malware",
                                 detect, parse};

}  // namespace dagda::importers::feeds
