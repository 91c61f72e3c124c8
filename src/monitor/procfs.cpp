// monitor/procfs.cpp: /proc/PID/{stat,status,cmdline,exe,cwd,cgroup,loginuid}.
#include "monitor/procfs.hpp"

#include <unistd.h>

#include <climits>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>

namespace dagda::monitor {
namespace {

std::optional<std::string> slurp(const std::string& path, size_t limit = 65536) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::string s(limit, '\0');
  in.read(s.data(), static_cast<std::streamsize>(limit));
  s.resize(static_cast<size_t>(in.gcount()));
  return s;
}

std::string link(const std::string& path) {
  char buf[PATH_MAX];
  ssize_t n = ::readlink(path.c_str(), buf, sizeof buf - 1);
  return n > 0 ? std::string(buf, static_cast<size_t>(n)) : std::string();
}

void split_cgroup(const std::string& path, ProcInfo& p) {
  std::string s = path;
  while (s.size() > 1 && s.back() == '/') s.pop_back();
  auto slash = s.rfind('/');
  p.cgroup = slash == std::string::npos ? s : s.substr(slash + 1);
  if (slash != std::string::npos && slash > 0) {
    std::string parent = s.substr(0, slash);
    auto ps = parent.rfind('/');
    p.cgroup_parent = ps == std::string::npos ? parent : parent.substr(ps + 1);
  }
}

}  // namespace

std::vector<std::string> split_nul(const char* data, size_t len) {
  std::vector<std::string> out;
  size_t start = 0;
  for (size_t i = 0; i < len; ++i) {
    if (data[i] == '\0') {
      out.emplace_back(data + start, i - start);
      start = i + 1;
    }
  }
  if (start < len) out.emplace_back(data + start, len - start);
  return out;
}

std::optional<ProcInfo> read_proc(int64_t pid, const std::string& root) {
  std::string dir = root + "/" + std::to_string(pid);
  auto stat = slurp(dir + "/stat", 4096);
  if (!stat) return std::nullopt;
  ProcInfo p;
  p.pid = pid;
  // pid (comm) state ppid pgrp session tty_nr ...: comm may hold spaces and parentheses.
  auto open = stat->find('('), close = stat->rfind(')');
  if (open == std::string::npos || close == std::string::npos || close < open) return std::nullopt;
  p.comm = stat->substr(open + 1, close - open - 1);
  std::istringstream rest(stat->substr(close + 1));
  std::string state;
  int64_t pgrp = 0, tty = 0;
  rest >> state >> p.ppid >> pgrp >> p.sid >> tty;
  p.tty = static_cast<uint32_t>(tty);

  if (auto status = slurp(dir + "/status")) {
    std::istringstream in(*status);
    std::string line;
    while (std::getline(in, line)) {
      auto field = [&](const char* name) { return line.rfind(name, 0) == 0 ? line.c_str() + std::strlen(name) : nullptr; };
      if (const char* v = field("Uid:")) p.uid = static_cast<uint32_t>(std::strtoul(v, nullptr, 10));
      else if (const char* v = field("Gid:")) p.gid = static_cast<uint32_t>(std::strtoul(v, nullptr, 10));
      else if (const char* v = field("NSpid:")) {
        std::istringstream ns(v);
        int64_t x = 0;
        while (ns >> x) p.vpid = x;
      } else if (const char* v = field("CapEff:")) p.cap_eff = std::strtoull(v, nullptr, 16);
      else if (const char* v = field("CapPrm:")) p.cap_prm = std::strtoull(v, nullptr, 16);
      else if (const char* v = field("CapInh:")) p.cap_inh = std::strtoull(v, nullptr, 16);
    }
  }
  if (auto cmd = slurp(dir + "/cmdline")) p.argv = split_nul(cmd->data(), cmd->size());
  p.exepath = link(dir + "/exe");
  p.cwd = link(dir + "/cwd");
  if (auto lu = slurp(dir + "/loginuid", 64)) {
    long long v = std::strtoll(lu->c_str(), nullptr, 10);
    p.loginuid = v == 4294967295LL ? -1 : v;
  }
  if (auto cg = slurp(dir + "/cgroup")) {
    std::istringstream in(*cg);
    std::string line, first;
    while (std::getline(in, line)) {
      auto c1 = line.find(':'), c2 = line.find(':', c1 == std::string::npos ? 0 : c1 + 1);
      if (c1 == std::string::npos || c2 == std::string::npos) continue;
      std::string path = line.substr(c2 + 1);
      if (line.rfind("0::", 0) == 0 && path != "/") {
        split_cgroup(path, p);
        break;
      }
      if (first.empty() && path != "/") first = path;
    }
    if (p.cgroup.empty() && !first.empty()) split_cgroup(first, p);
  }
  return p;
}

}  // namespace dagda::monitor
