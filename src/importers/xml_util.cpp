#include "importers/xml_util.hpp"

#include <libxml/xmlreader.h>

#include <algorithm>

namespace dagda::importers::feeds::xml {
namespace {

struct ErrorSink {
  std::string message;
  uint64_t line = 0;
};

void on_error(void* ctx, const xmlError* e) {
  auto* s = static_cast<ErrorSink*>(ctx);
  if (!e || e->level < XML_ERR_ERROR || !s->message.empty()) return;
  s->message = e->message ? e->message : "XML error";
  while (!s->message.empty() && s->message.back() == '\n') s->message.pop_back();
  s->line = uint64_t(e->line > 0 ? e->line : 0);
}

// A document that declares UTF-8 (or no encoding) but holds other bytes (SUSE CVRF has stray
// Latin-1 names): repaired as every importer repairs text, rather than refused.
bool declares_utf8(std::string_view data) {
  std::string_view head = data.substr(0, std::min<size_t>(data.size(), 200));
  if (!head.starts_with("<?xml")) return true;
  head = head.substr(0, head.find("?>"));
  auto at = head.find("encoding=");
  if (at == std::string_view::npos) return true;
  std::string_view enc = head.substr(at + 10, 5);
  return enc.size() == 5 && (enc[0] == 'U' || enc[0] == 'u') && (enc[1] == 'T' || enc[1] == 't') &&
         (enc[2] == 'F' || enc[2] == 'f') && enc[3] == '-' && enc[4] == '8';
}

}  // namespace

Status for_each(const Entry& entry, std::string_view what, std::string_view root,
                std::initializer_list<std::string_view> names, const std::function<void(xmlNodePtr)>& on) {
  if (entry.data.size() > size_t(INT32_MAX)) return entry_error(entry, std::string(what) + " document over 2 GiB");
  std::string repaired;
  std::string_view data = entry.data;
  if (declares_utf8(data) && !is_clean_utf8(data)) {
    repaired = repair_utf8(data);
    data = repaired;
  }
  xmlTextReaderPtr reader = xmlReaderForMemory(data.data(), int(data.size()), entry.path.c_str(), nullptr,
                                               XML_PARSE_NONET | XML_PARSE_NOWARNING | XML_PARSE_NOERROR);
  if (!reader) return entry_error(entry, "cannot start the XML reader");
  ErrorSink errors;
  xmlTextReaderSetStructuredErrorHandler(reader, reinterpret_cast<xmlStructuredErrorFunc>(on_error), &errors);
  bool root_seen = false;
  int ret = xmlTextReaderRead(reader);
  while (ret == 1) {
    int type = xmlTextReaderNodeType(reader);
    if (type == XML_READER_TYPE_DOCUMENT_TYPE) {
      uint64_t l = uint64_t(xmlTextReaderGetParserLineNumber(reader));
      xmlFreeTextReader(reader);
      return entry_error(entry, "XML with a document type declaration (DTD): entities are not expanded, the file is refused",
                         l ? std::optional<uint64_t>(l) : std::nullopt);
    }
    if (type != XML_READER_TYPE_ELEMENT) {
      ret = xmlTextReaderRead(reader);
      continue;
    }
    const char* name = reinterpret_cast<const char*>(xmlTextReaderConstLocalName(reader));
    std::string n = name ? name : "";
    if (!root_seen) {
      root_seen = true;
      if (n != root) {
        xmlFreeTextReader(reader);
        return entry_error(entry, "not a " + std::string(what) + " document (root element <" + n + ">, expected <" +
                                      std::string(root) + ">)");
      }
      ret = xmlTextReaderRead(reader);
      continue;
    }
    bool wanted = false;
    for (auto w : names) wanted = wanted || w == n;
    if (wanted) {
      xmlNodePtr node = xmlTextReaderExpand(reader);
      if (!node) break;
      on(node);
      ret = xmlTextReaderNext(reader);
      continue;
    }
    ret = xmlTextReaderRead(reader);
  }
  xmlFreeTextReader(reader);
  if (ret != 0 || !errors.message.empty()) {
    std::optional<uint64_t> l;
    if (errors.line) l = errors.line;
    return entry_error(entry, "invalid XML: " + (errors.message.empty() ? "read error" : errors.message), l);
  }
  if (!root_seen) return entry_error(entry, "empty XML document");
  return ok_status();
}

std::string attr(xmlNodePtr n, const char* name) {
  xmlChar* v = xmlGetProp(n, reinterpret_cast<const xmlChar*>(name));
  if (!v) return "";
  std::string s(reinterpret_cast<const char*>(v));
  xmlFree(v);
  return s;
}

std::string text(xmlNodePtr n) {
  if (!n) return "";
  xmlChar* v = xmlNodeGetContent(n);
  if (!v) return "";
  std::string s(trim(std::string_view(reinterpret_cast<const char*>(v))));
  xmlFree(v);
  return s;
}

bool named(xmlNodePtr n, const char* name) {
  return n && n->type == XML_ELEMENT_NODE && xmlStrcmp(n->name, reinterpret_cast<const xmlChar*>(name)) == 0;
}

xmlNodePtr child(xmlNodePtr n, const char* name) {
  for (xmlNodePtr c = n ? n->children : nullptr; c; c = c->next)
    if (named(c, name)) return c;
  return nullptr;
}

std::string child_text(xmlNodePtr n, const char* name) { return text(child(n, name)); }

uint64_t line(xmlNodePtr n) { return n ? uint64_t(xmlGetLineNo(n)) : 0; }

}  // namespace dagda::importers::feeds::xml
