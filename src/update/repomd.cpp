#include "update/repomd.hpp"

#include "importers/xml_util.hpp"

namespace dagda::update {

namespace xml = importers::feeds::xml;

Result<RepomdData> repomd_updateinfo(std::string_view repomd_xml, const std::string& where) {
  RepomdData out;
  bool found = false;
  importers::Entry entry{where, repomd_xml};
  DAGDA_TRY(xml::for_each(entry, "repomd.xml", "repomd", {"data"}, [&](xmlNodePtr d) {
    if (found || xml::attr(d, "type") != "updateinfo") return;
    found = true;
    out.href = xml::attr(xml::child(d, "location"), "href");
    xmlNodePtr sum = xml::child(d, "checksum");
    if (sum && xml::attr(sum, "type") == "sha256") out.sha256 = xml::text(sum);
  }));
  if (!found) return Error(ErrorCode::not_found, "the repository has no updateinfo (repomd.xml lists none)", {.file = where});
  const std::string& h = out.href;
  bool escapes = h.empty() || h.front() == '/' || h.find("://") != std::string::npos || h.find("..") != std::string::npos ||
                 h.find_first_of("?#\\") != std::string::npos;
  if (escapes)
    return Error(ErrorCode::corrupt, "repomd.xml names the updateinfo at '" + h.substr(0, 80) + "', not a path in the repository",
                 {.file = where});
  bool hex = out.sha256.size() == 64;
  for (char c : out.sha256) hex = hex && ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'));
  if (!out.sha256.empty() && !hex)
    return Error(ErrorCode::corrupt, "repomd.xml gives the updateinfo a sha256 that is not 64 hex digits", {.file = where});
  return out;
}

}  // namespace dagda::update
