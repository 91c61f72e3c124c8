// importers/xml_util.hpp: reading vendor XML feeds (CVRF, updateinfo, OVAL)
// with libxml2's streaming reader: one element subtree at a time, so memory
// follows what an importer keeps, not the document's size. No network, no
// DTD (a document declaring one is refused: its entities are never expanded),
// and any XML error is an Error naming the entry and the line.
#pragma once

#include <libxml/tree.h>

#include <functional>
#include <initializer_list>
#include <string>
#include <string_view>

#include "importers/feed_util.hpp"

namespace dagda::importers::feeds::xml {

// Reads `entry`: its root element's local name must be `root` (else an Error
// "not a WHAT document"); every element whose local name is in `names` is
// expanded and handed to `on` (its subtree is then skipped). `what` names the
// format in errors ("SUSE CVRF").
Status for_each(const Entry& entry, std::string_view what, std::string_view root,
                std::initializer_list<std::string_view> names, const std::function<void(xmlNodePtr)>& on);

std::string attr(xmlNodePtr n, const char* name);
std::string text(xmlNodePtr n);  // the element's text content, trimmed
bool named(xmlNodePtr n, const char* name);  // an element with this local name
xmlNodePtr child(xmlNodePtr n, const char* name);  // the first child element so named
std::string child_text(xmlNodePtr n, const char* name);
uint64_t line(xmlNodePtr n);

}  // namespace dagda::importers::feeds::xml
