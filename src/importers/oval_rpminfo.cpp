#include "importers/oval_rpminfo.hpp"

#include <map>

#include "importers/xml_util.hpp"

namespace dagda::importers::feeds::oval {
namespace {

struct Test {
  std::string object, state;
};

struct State {
  std::string evr, operation;
};

struct Ref {
  std::string test, platform, arch;
};

bool is_platform(std::string_view comment) {
  return comment.ends_with(" is installed") && comment.find(" is earlier than ") == std::string_view::npos &&
         !comment.starts_with("Package ");
}

// "Oracle Linux arch is x86_64" -> "x86_64"; "" for any other comment.
std::string arch_of(std::string_view comment) {
  static constexpr std::string_view kArch = " arch is ";
  auto at = comment.find(kArch);
  if (at == std::string_view::npos || comment.find(" is earlier than ") != std::string_view::npos) return "";
  std::string_view a = comment.substr(at + kArch.size());
  return a.find(' ') == std::string_view::npos ? std::string(a) : "";
}

void collect(xmlNodePtr criteria, Definition& d, std::vector<Ref>& refs, std::string platform, std::string arch,
             int depth) {
  if (depth > 64) return;
  for (xmlNodePtr c = criteria->children; c; c = c->next)
    if (xml::named(c, "criterion")) {
      auto cm = xml::attr(c, "comment");
      if (is_platform(cm)) platform = cm;
      if (auto a = arch_of(cm); !a.empty()) arch = a;
    }
  for (xmlNodePtr c = criteria->children; c; c = c->next) {
    if (xml::named(c, "criteria")) {
      collect(c, d, refs, platform, arch, depth + 1);
    } else if (xml::named(c, "criterion")) {
      if (auto r = xml::attr(c, "test_ref"); !r.empty()) refs.push_back(Ref{r, platform, arch});
      if (auto cm = xml::attr(c, "comment"); !cm.empty()) d.criteria.push_back({cm, platform, arch});
    }
  }
}

}  // namespace

Result<std::vector<Definition>> read(const Entry& entry, std::string_view what) {
  std::vector<Definition> defs;
  std::vector<std::vector<Ref>> test_refs;
  std::map<std::string, Test> tests;
  std::map<std::string, std::string> objects;
  std::map<std::string, State> states;
  auto on = [&](xmlNodePtr n) {
    if (xml::named(n, "definition")) {
      Definition d;
      d.id = xml::attr(n, "id");
      d.cls = xml::attr(n, "class");
      d.line = xml::line(n);
      xmlNodePtr meta = xml::child(n, "metadata");
      d.title = xml::child_text(meta, "title");
      d.description = xml::child_text(meta, "description");
      d.severity = xml::child_text(meta, "severity");
      d.advisory_id = xml::child_text(meta, "advisory_id");
      if (xmlNodePtr aff = xml::child(meta, "affected"))
        for (xmlNodePtr p = aff->children; p; p = p->next)
          if (xml::named(p, "platform")) d.platforms.push_back(xml::text(p));
      for (xmlNodePtr c = meta ? meta->children : nullptr; c; c = c->next) {
        if (xml::named(c, "reference")) {
          Reference r{xml::attr(c, "source"), xml::attr(c, "ref_id"), xml::attr(c, "ref_url")};
          if (r.source == "CVE" && is_cve(r.id)) add_id(d.cves, r.id);
          d.references.push_back(std::move(r));
        } else if (xml::named(c, "advisory")) {
          if (d.severity.empty()) d.severity = xml::child_text(c, "severity");
          d.issued = xml::attr(xml::child(c, "issued"), "date");
          for (xmlNodePtr a = c->children; a; a = a->next)
            if (xml::named(a, "cve") && is_cve(xml::text(a))) add_id(d.cves, xml::text(a));
        } else if (xml::named(c, "advisory_date")) {
          d.issued = xml::text(c);
        }
      }
      std::vector<Ref> refs;
      if (xmlNodePtr crit = xml::child(n, "criteria")) collect(crit, d, refs, "", "", 0);
      defs.push_back(std::move(d));
      test_refs.push_back(std::move(refs));
    } else if (xml::named(n, "rpminfo_test")) {
      Test t;
      if (xmlNodePtr o = xml::child(n, "object")) t.object = xml::attr(o, "object_ref");
      if (xmlNodePtr s = xml::child(n, "state")) t.state = xml::attr(s, "state_ref");
      tests[xml::attr(n, "id")] = std::move(t);
    } else if (xml::named(n, "rpminfo_object")) {
      objects[xml::attr(n, "id")] = xml::child_text(n, "name");
    } else {
      State s;
      if (xmlNodePtr evr = xml::child(n, "evr")) {
        s.evr = xml::text(evr);
        s.operation = xml::attr(evr, "operation");
      }
      states[xml::attr(n, "id")] = std::move(s);
    }
  };
  DAGDA_TRY(xml::for_each(entry, std::string(what) + " OVAL", "oval_definitions",
                          {"definition", "rpminfo_test", "rpminfo_object", "rpminfo_state"}, on));
  for (size_t i = 0; i < defs.size(); ++i) {
    for (auto& ref : test_refs[i]) {
      auto t = tests.find(ref.test);
      if (t == tests.end()) continue;
      auto o = objects.find(t->second.object);
      if (o == objects.end() || o->second.empty()) continue;
      auto s = states.find(t->second.state);
      if (s == states.end() || s->second.evr.empty()) continue;  // "is signed with", "is installed" (no EVR)
      bool inclusive = s->second.operation == "less than or equal";
      if (s->second.operation != "less than" && !inclusive) continue;  // "greater than 0:0": a lower bound
      bool dup = false;
      for (auto& f : defs[i].fixes)
        dup = dup || (f.package == o->second && f.evr == s->second.evr && f.platform == ref.platform &&
                      f.arch == ref.arch);
      if (!dup) defs[i].fixes.push_back(PackageFix{o->second, s->second.evr, inclusive, ref.platform, ref.arch});
    }
  }
  return defs;
}

}  // namespace dagda::importers::feeds::oval
