// Helpers for the rule engine's tests: loading rules from text and building
// Events by hand. These Events are synthetic: the tests construct the process,
// file descriptor and container a sensor would report; no real process is
// observed here.
#pragma once

#include <gtest/gtest.h>

#include <deque>
#include <memory>
#include <string>
#include <vector>

#include "rules/engine.hpp"
#include "rules/event_types.hpp"
#include "support/testdata.hpp"

namespace dagda::rules::test {

inline LoadResult load_text(const std::string& yaml, const std::string& name = "test.yaml") {
  return load_rules({RuleFile{name, yaml}});
}

inline std::string problems_text(const LoadResult& r) {
  std::string s;
  for (const auto& p : r.problems) s += p.render() + "\n";
  return s;
}

inline const RuleStatus* status(const LoadResult& r, const std::string& name) {
  for (const auto& s : r.rules)
    if (s.name == name) return &s;
  return nullptr;
}

inline EventTypeId type_of(const std::string& name) {
  auto id = event_type_id(name);
  EXPECT_TRUE(id.has_value()) << name;
  return id.value_or(0);
}

// Owns the objects an Event points to.
struct World {
  std::deque<Process> procs;
  std::deque<Container> containers;
  std::deque<Fd> fds;

  Process& proc(const std::string& name, const std::string& exepath, std::vector<std::string> args = {},
                const Process* parent = nullptr) {
    Process& p = procs.emplace_back();
    p.name = name.substr(0, 15);
    p.exe = exepath;
    p.exepath = exepath;
    p.args = std::move(args);
    p.parent = parent;
    p.pid = 1000 + static_cast<int64_t>(procs.size());
    p.vpid = p.pid;
    p.ppid = parent ? parent->pid : 1;
    p.user_name = "root";
    p.group_name = "root";
    p.cwd = "/";
    return p;
  }
  Container& container(const std::string& name = "web", const std::string& repo = "docker.io/library/nginx") {
    Container& c = containers.emplace_back();
    c.id = "9656db3bb358f0e1d2c3b4a5968778695a4b3c2d1e0f9a8b7c6d5e4f3a2b1c0d";
    c.name = name;
    c.image_repository = repo;
    c.image_tag = "1.25";
    c.image = repo + ":1.25";
    c.privileged = false;
    c.type = "podman";
    return c;
  }
  Fd& file(const std::string& path) {
    Fd& f = fds.emplace_back();
    f.num = 3;
    f.type = FdType::file;
    f.name = path;
    return f;
  }
};

}  // namespace dagda::rules::test
