// update/repomd.hpp: where a yum/dnf repository keeps its updateinfo.xml
// (Amazon Linux ALAS, Rocky RLSA): the repository's repodata/repomd.xml names
// the file and its sha256. Amazon's repositories are found through a
// mirror.list whose first line is the repository's base URL.
#pragma once

#include <string>
#include <string_view>

#include "common/result.hpp"

namespace dagda::update {

struct RepomdData {
  std::string href;    // "repodata/<hash>-updateinfo.xml.gz", relative to the repository's base URL
  std::string sha256;  // hex of the file as downloaded ("" when repomd gives no sha256)
};

// The `<data type="updateinfo">` entry of a repomd.xml document. `where` names
// the document in errors (its URL). Not XML, no updateinfo entry, a location
// that leaves the repository ("../", an absolute URL): an Error.
Result<RepomdData> repomd_updateinfo(std::string_view repomd_xml, const std::string& where);

}  // namespace dagda::update
