// importers/yara.cpp: YARA rule files (.yar .yara, source text), kept whole for the malware
// scanner as Signature rows of kind "yara" (malware/signatures.hpp). A file YARA does not
// compile is an error naming it, the line and YARA's message; `include` is refused.
#include "importers/feed_util.hpp"
#include "malware/signatures.hpp"

namespace dagda::importers::feeds {
namespace {

int detect(std::string_view path, std::string_view) { return malware::is_yara_name(path) ? 2 : 0; }

Status parse(const Entry& e, vulndb::Sink& sink, Diagnostics&) {
  DAGDA_ASSIGN_OR_RETURN(malware::SignatureFile f, malware::check_yara(e.path, e.data));
  sink.source(malware::kYara);
  std::string name = f.name;
  sink.add(vulndb::Signature{std::string(malware::kYara), std::move(name), malware::encode_row(f)});
  return Ok{};
}

}  // namespace

extern const ImporterInfo yara{"yara", "YARA rule files (.yar .yara), for --scanners malware", detect, parse};

}  // namespace dagda::importers::feeds
