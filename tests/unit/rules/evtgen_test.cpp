// Falco's own end-to-end expectations (../shared/data/falco/evtgen_suite, from
// falcosecurity/falco's event-generator suite) replayed against Falco's real
// rule files, with SYNTHETIC events: for each test case this test builds the
// Event a sensor would report for what the case does (the process chain, the
// container, the system call and its arguments) and checks that the expected
// rule fires with the expected priority and output fields. No real process or
// container runs here; the sensor and real processes are tested elsewhere.
//
// Assumptions a real run would settle, stated: a case with `container: {}` runs
// in a privileged container whose processes have every capability (event-
// generator's container builder); a process given an `exe` in a container runs a
// copy in the container's writable layer, except under /dev/shm (a tmpfs); a
// case with `before: "sleep 6"` runs processes that started 6 s before the event.
#include <yaml-cpp/yaml.h>

#include <gtest/gtest.h>

#include <fcntl.h>

#include <filesystem>
#include <map>
#include <regex>

#include <fmt/format.h>

#include "rules_test_util.hpp"

namespace dagda::rules::test {
namespace {

namespace fs = std::filesystem;

std::string data_dir() { return dagda::test::testdata("falco"); }

const LoadResult& falco_rules() {
  static const LoadResult r = [] {
    std::vector<RuleFile> files;
    for (const char* f : {"falco_rules.yaml", "falco-incubating_rules.yaml", "falco-sandbox_rules.yaml"}) {
      auto rf = read_rule_file(data_dir() + "/rules/" + f);
      if (rf.ok()) files.push_back(std::move(*rf));
    }
    return load_rules(files);
  }();
  return r;
}

using Item = std::map<std::string, YAML::Node>;

std::string item_text(const YAML::Node& n) {
  if (!n || n.IsNull()) return "";
  if (n.IsScalar()) return n.Scalar();
  YAML::Emitter e;
  e << YAML::Flow << n;
  return e.c_str();
}

// %{ item.K } in scalars: a whole scalar becomes the item's node, a part its text.
YAML::Node subst(const YAML::Node& n, const Item& item) {
  static const std::regex ref(R"(%\{\s*item\.(\w+)\s*\})");
  if (n.IsScalar()) {
    const std::string& s = n.Scalar();
    std::smatch m;
    if (std::regex_match(s, m, ref)) {
      auto it = item.find(m[1]);
      return it == item.end() ? YAML::Node() : YAML::Clone(it->second);
    }
    std::string out;
    std::string rest = s;
    while (std::regex_search(rest, m, ref)) {
      out += m.prefix();
      auto it = item.find(m[1]);
      out += it == item.end() ? "" : item_text(it->second);
      rest = m.suffix();
    }
    return YAML::Node(out + rest);
  }
  if (n.IsSequence()) {
    YAML::Node o(YAML::NodeType::Sequence);
    for (const auto& c : n) o.push_back(subst(c, item));
    return o;
  }
  if (n.IsMap()) {
    YAML::Node o(YAML::NodeType::Map);
    for (const auto& kv : n) o[kv.first.Scalar()] = subst(kv.second, item);
    return o;
  }
  return n;
}

std::vector<Item> expand_cases(const YAML::Node& cases) {
  std::vector<Item> out;
  if (!cases) return {Item{}};
  for (const auto& c : cases) {
    std::string strategy = c["strategy"].as<std::string>();
    const YAML::Node& values = c["values"];
    if (strategy == "vector") {
      Item it;
      for (const auto& kv : values) it[kv.first.Scalar()] = kv.second;
      out.push_back(it);
      continue;
    }
    std::vector<Item> acc{Item{}};
    for (const auto& kv : values) {
      std::vector<Item> next;
      std::vector<YAML::Node> vs;
      if (kv.second.IsSequence())
        for (const auto& v : kv.second) vs.push_back(v);
      else
        vs.push_back(kv.second);
      for (const auto& a : acc)
        for (const auto& v : vs) {
          Item b = a;
          b[kv.first.Scalar()] = v;
          next.push_back(b);
        }
      acc = std::move(next);
    }
    out.insert(out.end(), acc.begin(), acc.end());
  }
  return out;
}

uint32_t parse_flags(const std::string& s) {
  static const std::map<std::string, uint32_t> k{{"O_RDONLY", O_RDONLY}, {"O_WRONLY", O_WRONLY}, {"O_RDWR", O_RDWR},
                                                 {"O_CREAT", O_CREAT},   {"O_TRUNC", O_TRUNC},   {"O_APPEND", O_APPEND},
                                                 {"O_EXCL", O_EXCL}};
  uint32_t f = 0;
  size_t start = 0;
  while (start <= s.size()) {
    size_t bar = s.find('|', start);
    std::string tok = s.substr(start, bar == std::string::npos ? std::string::npos : bar - start);
    auto it = k.find(tok);
    EXPECT_TRUE(it != k.end()) << tok;
    if (it != k.end()) f |= it->second;
    if (bar == std::string::npos) break;
    start = bar + 1;
  }
  return f;
}

std::string normalize(const std::string& path) {
  return fs::path(path).lexically_normal().string();
}

std::vector<std::string> split_args(const std::string& s) {
  std::vector<std::string> out;
  size_t i = 0;
  while (i < s.size()) {
    size_t j = s.find(' ', i);
    if (j == std::string::npos) j = s.size();
    if (j > i) out.push_back(s.substr(i, j - i));
    i = j + 1;
  }
  return out;
}

uint32_t uid_of(const std::string& user) {
  static const std::map<std::string, uint32_t> ids{{"root", 0}, {"daemon", 1}, {"bin", 2},  {"sync", 4},
                                                   {"games", 5}, {"lp", 7},    {"mail", 8}, {"uucp", 10},
                                                   {"www-data", 33}, {"sshd", 106}, {"nobody", 65534}};
  auto it = ids.find(user);
  return it == ids.end() ? 1000 : it->second;
}

struct Case {
  std::string file, test, desc;
  std::string rule, priority;
  std::map<std::string, std::string> fields;
  World w;
  Event e;
};

constexpr uint64_t kNow = 1715108059341081180ull;
constexpr uint64_t kAllCaps = (uint64_t{1} << 41) - 1;

// Builds the event of one expanded test case.
void build(const YAML::Node& t, Case& c) {
  const YAML::Node ctx = t["context"];
  bool in_container = ctx && ctx["container"] && ctx["container"].IsMap();
  Container* cont = nullptr;
  if (in_container) {
    cont = &c.w.container("eg-container", "docker.io/falcosecurity/event-generator");
    cont->privileged = true;
  }
  bool old = t["before"] && t["before"].as<std::string>().find("sleep") != std::string::npos;
  uint64_t start = old ? kNow - 6'000'000'000ull : kNow - 1'000'000ull;
  Process* base = &c.w.proc(in_container ? "containerd-shim" : "systemd",
                            in_container ? "/usr/bin/containerd-shim" : "/lib/systemd/systemd");
  Process* leaf = &c.w.proc("event-generator", "/bin/event-generator", {"run"}, base);
  auto setup = [&](Process& p, const std::string& user) {
    p.user_name = user;
    p.uid = p.gid = uid_of(user);
    p.group_name = user;
    p.start_ts = start;
    p.loginuid = -1;
    if (in_container) p.cap_effective = p.cap_permitted = kAllCaps;
    else if (user == "root") p.cap_effective = p.cap_permitted = kAllCaps;
  };
  setup(*base, "root");
  setup(*leaf, "root");
  if (ctx && ctx["processes"]) {
    for (const auto& pn : ctx["processes"]) {
      std::string name = pn["name"].as<std::string>();
      std::string exe = pn["exe"] ? pn["exe"].as<std::string>() : "/usr/bin/" + name;
      Process& p = c.w.proc(name, exe, pn["args"] ? split_args(pn["args"].as<std::string>()) : std::vector<std::string>{},
                            leaf);
      setup(p, pn["user"] ? pn["user"].as<std::string>() : "root");
      if (in_container && pn["exe"] && exe.rfind("/dev/shm/", 0) != 0) p.exe_upper_layer = true;
      leaf = &p;
    }
  }
  Event& e = c.e;
  e.time_ns = kNow;
  e.container = cont;
  e.proc = leaf;
  e.res = 0;

  // The network peer of a clientServer resource.
  const Fd* sock = nullptr;
  if (t["resources"]) {
    for (const auto& r : t["resources"]) {
      std::string type = r["type"].as<std::string>();
      if (type == "clientServer") {
        std::string proto = r["l4Proto"].as<std::string>();
        std::string addr = r["address"].as<std::string>();
        size_t colon = addr.rfind(':');
        Fd& f = c.w.fds.emplace_back();
        f.num = 5;
        f.type = proto.back() == '6' ? FdType::ipv6 : FdType::ipv4;
        f.l4proto = proto.rfind("udp", 0) == 0 ? L4Proto::udp : L4Proto::tcp;
        f.role = FdRole::client;
        f.connected = true;
        f.sip = *IpAddr::parse(addr.substr(0, colon));
        f.sport = static_cast<uint16_t>(std::stoi(addr.substr(colon + 1)));
        f.cip = f.type == FdType::ipv6 ? *IpAddr::parse("::1") : IpAddr::v4(172, 17, 0, 2);
        f.cport = 41234;
        sock = &f;
      } else if (type == "process" && r["fileLess"] && r["fileLess"].as<bool>()) {
        Process& p = c.w.proc(r["name"].as<std::string>(), "memfd:" + r["name"].as<std::string>(), {}, leaf);
        setup(p, "root");
        p.exe_from_memfd = true;
        p.exe_writable = true;
        e.proc = leaf = &p;
        e.type = type_of("execve");
        e.args = {{"flags", "EXE_WRITABLE|EXE_FROM_MEMFD", {}}};
      }
    }
  }

  if (t["steps"]) {
    const YAML::Node step = t["steps"][t["steps"].size() - 1];
    std::string sc = step["syscall"].as<std::string>();
    const YAML::Node a = step["args"];
    e.type = type_of(sc);
    if (sc == "open" || sc == "openat" || sc == "openat2") {
      std::string raw = a["pathname"].as<std::string>();
      const YAML::Node how = sc == "openat2" ? a["how"] : a;
      uint32_t flags = parse_flags(how["flags"].as<std::string>());
      Fd& f = c.w.file(normalize(raw));
      f.nameraw = raw;
      e.fd = &f;
      e.open_flags = flags;
      e.open_mode = how["mode"] ? how["mode"].as<uint32_t>() : 0;
      e.res = f.num;
      e.args = {{"fd", std::to_string(f.num), f.num}, {"name", f.name, {}},
                {"flags", render_open_flags(flags), flags}, {"mode", fmt::format("0{:o}", e.open_mode), e.open_mode}};
    } else if (sc == "link" || sc == "linkat") {
      e.args = {{"oldpath", a["oldPath"].as<std::string>(), {}}, {"newpath", a["newPath"].as<std::string>(), {}}};
    } else if (sc == "symlink" || sc == "symlinkat") {
      e.args = {{"target", a["target"].as<std::string>(), {}}, {"linkpath", a["linkPath"].as<std::string>(), {}}};
    } else if (sc == "socket") {
      e.res = 3;
      e.args = {{"domain", a["domain"].as<std::string>(), {}}, {"type", a["type"].as<std::string>(), {}},
                {"proto", a["protocol"].as<std::string>(), {}}};
    } else if (sc == "dup2" || sc == "dup3") {
      int64_t newfd = a["newFd"].as<int64_t>();
      e.res = newfd;
      e.fd = sock;
      e.args = {{"res", std::to_string(newfd), newfd}, {"oldfd", "5", 5}, {"newfd", std::to_string(newfd), newfd}};
    } else {
      ADD_FAILURE() << "unknown syscall step " << sc;
    }
  } else if (sock) {
    e.type = type_of("connect");
    e.fd = sock;
    e.res = 0;
  } else if (!e.args.size()) {
    e.type = type_of("execve");
    e.args = {{"flags", leaf->exe_upper_layer ? "EXE_WRITABLE|EXE_UPPER_LAYER" : "EXE_WRITABLE", {}}};
  }
}

std::string as_text(const nlohmann::json& v) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_null()) return "<NA>";
  return v.dump();
}

std::vector<std::unique_ptr<Case>> load_cases() {
  std::vector<std::unique_ptr<Case>> out;
  std::vector<fs::path> files;
  for (const auto& ent : fs::directory_iterator(data_dir() + "/evtgen_suite")) files.push_back(ent.path());
  std::sort(files.begin(), files.end());
  for (const auto& path : files) {
    std::string text = dagda::test::slurp(path);
    // `runIf: %{ item.runIf }` is a template, not YAML: quote it.
    text = std::regex_replace(text, std::regex(R"(: (%\{[^}]*\})\s*$)", std::regex::multiline), ": \"$1\"");
    YAML::Node doc = YAML::Load(text);
    for (const auto& t : doc["tests"]) {
      for (const auto& item : expand_cases(t["cases"])) {
        YAML::Node s = subst(t, item);
        auto c = std::make_unique<Case>();
        c->file = path.filename().string();
        c->test = s["name"].as<std::string>();
        c->rule = s["rule"].as<std::string>();
        c->priority = s["expectedOutcome"]["priority"].as<std::string>();
        for (const auto& kv : s["expectedOutcome"]["outputFields"]) c->fields[kv.first.Scalar()] = item_text(kv.second);
        for (const auto& kv : item) c->desc += kv.first + "=" + item_text(kv.second) + " ";
        build(s, *c);
        out.push_back(std::move(c));
      }
    }
  }
  return out;
}

TEST(RulesEvtgen, FalcoRuleFilesLoad) {
  DAGDA_REQUIRE(fs::exists(data_dir() + "/evtgen_suite"), "falco test data");
  const LoadResult& r = falco_rules();
  EXPECT_TRUE(r.ok()) << problems_text(r);
}

TEST(RulesEvtgen, EveryCaseFiresItsRuleWithItsOutputFields) {
  DAGDA_REQUIRE(fs::exists(data_dir() + "/evtgen_suite"), "falco test data");
  const LoadResult& r = falco_rules();
  auto cases = load_cases();
  ASSERT_GT(cases.size(), 300u);
  std::map<std::string, size_t> per_file;
  for (const auto& c : cases) {
    SCOPED_TRACE(c->file + " / " + c->test + " / " + c->desc);
    const RuleStatus* st = status(r, c->rule);
    ASSERT_TRUE(st) << "no rule named " << c->rule;
    ASSERT_TRUE(st->active) << c->rule << " is not active: " << st->reason;
    Engine eng(r.ruleset, {.hostname = "evtgen", .all_matches = true});
    std::vector<Alert> alerts;
    eng.process(c->e, alerts);
    const Alert* hit = nullptr;
    for (const auto& a : alerts)
      if (a.rule == c->rule) hit = &a;
    std::string fired;
    for (const auto& a : alerts) fired += "'" + a.rule + "' ";
    ASSERT_TRUE(hit) << "expected '" << c->rule << "', fired: " << fired;
    std::string want = c->priority;
    auto p = parse_priority(want);
    ASSERT_TRUE(p) << want;
    EXPECT_EQ(hit->priority, *p);
    for (const auto& [k, v] : c->fields) {
      ASSERT_TRUE(hit->output_fields.contains(k)) << k << " not in output_fields of " << c->rule;
      EXPECT_EQ(as_text(hit->output_fields[k]), v) << k;
    }
    EXPECT_EQ(hit->output_fields["container.id"], c->e.container ? "9656db3bb358" : "host");
    ++per_file[c->file];
  }
  // Every file of the suite contributed cases that fired.
  size_t files = 0;
  for (const auto& f : fs::directory_iterator(data_dir() + "/evtgen_suite"))
    files += f.path().extension() == ".yaml";
  EXPECT_EQ(per_file.size(), files);
  EXPECT_GE(files, 20u);
}

TEST(RulesEvtgen, QuietEventsFireNothing) {
  DAGDA_REQUIRE(fs::exists(data_dir() + "/evtgen_suite"), "falco test data");
  const LoadResult& r = falco_rules();
  Engine eng(r.ruleset, {.hostname = "evtgen", .all_matches = true});
  World w;
  Container& c = w.container("quiet", "docker.io/library/nginx");
  Process& shim = w.proc("containerd-shim", "/usr/bin/containerd-shim");
  Process& nginx = w.proc("nginx", "/usr/sbin/nginx", {"-g", "daemon off;"}, &shim);
  nginx.start_ts = kNow - 3'600'000'000'000ull;
  Process& worker = w.proc("nginx", "/usr/sbin/nginx", {}, &nginx);
  worker.user_name = "www-data";
  worker.uid = 33;
  worker.start_ts = nginx.start_ts;

  std::vector<Event> events;
  Event exec;  // the server starts a worker
  exec.type = type_of("execve");
  exec.time_ns = kNow;
  exec.proc = &worker;
  exec.container = &c;
  exec.res = 0;
  exec.args = {{"flags", "EXE_WRITABLE", {}}};
  events.push_back(exec);
  Event open = exec;  // it reads its content
  Fd& page = w.file("/usr/share/nginx/html/index.html");
  open.type = type_of("openat");
  open.fd = &page;
  open.open_flags = O_RDONLY;
  open.res = 3;
  open.args = {{"fd", "3", 3}, {"name", page.name, {}}, {"flags", "O_RDONLY", 1}};
  events.push_back(open);
  Event accept = exec;  // and accepts a connection on port 80
  Fd& conn = w.fds.emplace_back();
  conn.num = 7;
  conn.type = FdType::ipv4;
  conn.l4proto = L4Proto::tcp;
  conn.role = FdRole::server;
  conn.sip = IpAddr::v4(10, 88, 0, 5);
  conn.sport = 80;
  conn.cip = IpAddr::v4(10, 88, 0, 1);
  conn.cport = 51000;
  accept.type = type_of("accept4");
  accept.fd = &conn;
  accept.res = 7;
  accept.args = {};
  events.push_back(accept);
  for (const auto& e : events) {
    std::vector<Alert> alerts;
    eng.process(e, alerts);
    std::string fired;
    for (const auto& a : alerts) fired += "'" + a.rule + "' ";
    EXPECT_TRUE(alerts.empty()) << event_type_name(e.type) << " fired: " << fired;
  }
}

}  // namespace
}  // namespace dagda::rules::test
