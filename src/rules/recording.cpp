// rules/recording.cpp: the dagda.events/v1 writer and reader.
#include "rules/recording.hpp"

#include <cerrno>
#include <cstring>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "rules/event_types.hpp"

namespace dagda::rules {
namespace {

using nlohmann::json;

constexpr size_t kMaxChain = 16;
constexpr size_t kMaxDepth = 8;  // nesting of arrays and objects in one line


json proc_json(const Process& p) {
  json j = {{"pid", p.pid},         {"vpid", p.vpid},     {"ppid", p.ppid},       {"sid", p.sid},
            {"name", p.name},       {"exe", p.exe},       {"exepath", p.exepath}, {"args", p.args},
            {"cwd", p.cwd},         {"tty", p.tty},       {"uid", p.uid},         {"gid", p.gid},
            {"loginuid", p.loginuid}, {"user", p.user_name}, {"group", p.group_name}, {"start", p.start_ts},
            {"caps", {p.cap_effective, p.cap_permitted, p.cap_inheritable}}};
  unsigned flags = (p.exe_writable ? 1u : 0u) | (p.exe_upper_layer ? 2u : 0u) | (p.exe_from_memfd ? 4u : 0u) |
                   (p.exe_lower_layer ? 8u : 0u);
  if (flags) j["exe_flags"] = flags;
  return j;
}

json container_json(const Container& c) {
  json j = {{"id", c.id},        {"name", c.name}, {"image", c.image}, {"image_id", c.image_id},
            {"repository", c.image_repository}, {"tag", c.image_tag}, {"type", c.type}, {"start", c.start_ts}};
  if (c.privileged) j["privileged"] = *c.privileged;
  if (c.host_pid) j["host_pid"] = true;
  if (c.host_network) j["host_network"] = true;
  if (c.host_ipc) j["host_ipc"] = true;
  return j;
}

json fd_json(const Fd& f) {
  json j = {{"num", f.num}, {"type", fd_type_name(f.type)}, {"name", f.name}};
  if (!f.nameraw.empty()) j["nameraw"] = f.nameraw;
  if (f.l4proto != L4Proto::none) j["l4proto"] = l4proto_name(f.l4proto);
  if (f.role != FdRole::none) j["role"] = f.role == FdRole::client ? "client" : "server";
  if (f.listening) j["listening"] = true;
  if (f.connected) j["connected"] = true;
  if (f.cip.set()) j["cip"] = f.cip.str();
  if (f.sip.set()) j["sip"] = f.sip.str();
  if (f.cport) j["cport"] = f.cport;
  if (f.sport) j["sport"] = f.sport;
  return j;
}

// Reading: each getter fails with what is wrong, naming the member.
struct Bad {
  std::string what;
};

const json* member(const json& o, const char* k) {
  auto it = o.find(k);
  return it == o.end() || it->is_null() ? nullptr : &*it;
}
std::string str(const json& o, const char* k) {
  const json* v = member(o, k);
  if (!v) return {};
  if (!v->is_string()) throw Bad{fmt::format("\"{}\" is not a string", k)};
  return v->get<std::string>();
}
int64_t i64(const json& o, const char* k) {
  const json* v = member(o, k);
  if (!v) return 0;
  if (!v->is_number_integer()) throw Bad{fmt::format("\"{}\" is not an integer", k)};
  return v->get<int64_t>();
}
uint64_t u64(const json& o, const char* k) {
  const json* v = member(o, k);
  if (!v) return 0;
  if (!v->is_number_unsigned() && !(v->is_number_integer() && v->get<int64_t>() >= 0))
    throw Bad{fmt::format("\"{}\" is not a non-negative integer", k)};
  return v->get<uint64_t>();
}
uint32_t u32(const json& o, const char* k) {
  uint64_t v = u64(o, k);
  if (v > UINT32_MAX) throw Bad{fmt::format("\"{}\" is out of range", k)};
  return static_cast<uint32_t>(v);
}
bool boolean(const json& o, const char* k) {
  const json* v = member(o, k);
  if (!v) return false;
  if (!v->is_boolean()) throw Bad{fmt::format("\"{}\" is not a boolean", k)};
  return v->get<bool>();
}
const json& object(const json& v, const char* what) {
  if (!v.is_object()) throw Bad{fmt::format("{} is not an object", what)};
  return v;
}

Process read_proc(const json& o) {
  object(o, "a process");
  Process p;
  p.pid = i64(o, "pid");
  p.vpid = i64(o, "vpid");
  p.ppid = i64(o, "ppid");
  p.sid = i64(o, "sid");
  p.name = str(o, "name");
  p.exe = str(o, "exe");
  p.exepath = str(o, "exepath");
  if (const json* a = member(o, "args")) {
    if (!a->is_array()) throw Bad{"\"args\" of a process is not an array"};
    for (const auto& s : *a) {
      if (!s.is_string()) throw Bad{"an argument of a process is not a string"};
      p.args.push_back(s.get<std::string>());
    }
  }
  p.cwd = str(o, "cwd");
  p.tty = u32(o, "tty");
  p.uid = u32(o, "uid");
  p.gid = u32(o, "gid");
  p.loginuid = member(o, "loginuid") ? i64(o, "loginuid") : -1;
  p.user_name = str(o, "user");
  p.group_name = str(o, "group");
  p.start_ts = u64(o, "start");
  if (const json* c = member(o, "caps")) {
    if (!c->is_array() || c->size() != 3) throw Bad{"\"caps\" is not an array of 3 integers"};
    for (const auto& v : *c)
      if (!v.is_number_unsigned() && !v.is_number_integer()) throw Bad{"\"caps\" is not an array of 3 integers"};
    p.cap_effective = (*c)[0].get<uint64_t>();
    p.cap_permitted = (*c)[1].get<uint64_t>();
    p.cap_inheritable = (*c)[2].get<uint64_t>();
  }
  uint64_t flags = u64(o, "exe_flags");
  p.exe_writable = flags & 1;
  p.exe_upper_layer = flags & 2;
  p.exe_from_memfd = flags & 4;
  p.exe_lower_layer = flags & 8;
  return p;
}

Container read_container(const json& o) {
  object(o, "\"container\"");
  Container c;
  c.id = str(o, "id");
  c.name = str(o, "name");
  c.image = str(o, "image");
  c.image_id = str(o, "image_id");
  c.image_repository = str(o, "repository");
  c.image_tag = str(o, "tag");
  c.type = str(o, "type");
  c.start_ts = u64(o, "start");
  if (member(o, "privileged")) c.privileged = boolean(o, "privileged");
  c.host_pid = boolean(o, "host_pid");
  c.host_network = boolean(o, "host_network");
  c.host_ipc = boolean(o, "host_ipc");
  return c;
}

IpAddr ip(const json& o, const char* k) {
  std::string s = str(o, k);
  if (s.empty()) return {};
  auto a = IpAddr::parse(s);
  if (!a) throw Bad{fmt::format("\"{}\" is not an IP address", k)};
  return *a;
}

Fd read_fd(const json& o) {
  object(o, "\"fd\"");
  Fd f;
  f.num = member(o, "num") ? i64(o, "num") : -1;
  std::string type = str(o, "type");
  bool known = false;
  for (int t = 0; t <= static_cast<int>(FdType::unknown); ++t)
    if (fd_type_name(static_cast<FdType>(t)) == type) f.type = static_cast<FdType>(t), known = true;
  if (!known) throw Bad{fmt::format("unknown fd type \"{}\"", type)};
  f.name = str(o, "name");
  f.nameraw = str(o, "nameraw");
  std::string l4 = str(o, "l4proto");
  if (!l4.empty()) {
    known = false;
    for (int t = 1; t <= static_cast<int>(L4Proto::raw); ++t)
      if (l4proto_name(static_cast<L4Proto>(t)) == l4) f.l4proto = static_cast<L4Proto>(t), known = true;
    if (!known) throw Bad{fmt::format("unknown l4proto \"{}\"", l4)};
  }
  std::string role = str(o, "role");
  if (role == "client") f.role = FdRole::client;
  else if (role == "server") f.role = FdRole::server;
  else if (!role.empty()) throw Bad{fmt::format("unknown fd role \"{}\"", role)};
  f.listening = boolean(o, "listening");
  f.connected = boolean(o, "connected");
  f.cip = ip(o, "cip");
  f.sip = ip(o, "sip");
  uint64_t cport = u64(o, "cport"), sport = u64(o, "sport");
  if (cport > 65535 || sport > 65535) throw Bad{"a port is out of range"};
  f.cport = static_cast<uint16_t>(cport);
  f.sport = static_cast<uint16_t>(sport);
  return f;
}

// Deepest nesting of arrays and objects in a JSON text (strings skipped); stops counting past the limit.
size_t nesting(std::string_view s) {
  size_t depth = 0, most = 0;
  bool in_str = false;
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (in_str) {
      if (c == '\\') ++i;
      else if (c == '"') in_str = false;
    } else if (c == '"') {
      in_str = true;
    } else if (c == '[' || c == '{') {
      if (++depth > most) most = depth;
      if (most > kMaxDepth) return most;
    } else if ((c == ']' || c == '}') && depth) {
      --depth;
    }
  }
  return most;
}

}  // namespace

std::string recording_line(const Event& e) {
  json j = {{"type", event_type_name(e.type)}, {"dir", std::string(1, e.dir)}, {"time", e.time_ns}};
  if (e.res) j["res"] = *e.res;
  if (e.tid) j["tid"] = e.tid;
  if (e.vtid) j["vtid"] = e.vtid;
  if (e.open_flags) {
    j["open_flags"] = *e.open_flags;
    j["open_mode"] = e.open_mode;
  }
  json args = json::array();
  for (const auto& a : e.args) {
    json one = {a.name, a.value};
    if (a.raw) one.push_back(*a.raw);
    args.push_back(std::move(one));
  }
  j["args"] = std::move(args);
  json chain = json::array();
  for (const Process* p = e.proc; p && chain.size() < kMaxChain; p = p->parent) chain.push_back(proc_json(*p));
  j["proc"] = std::move(chain);
  if (e.fd) j["fd"] = fd_json(*e.fd);
  if (e.container) j["container"] = container_json(*e.container);
  return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

RecordingWriter::~RecordingWriter() {
  if (f_) std::fclose(f_);
}

Result<std::unique_ptr<RecordingWriter>> RecordingWriter::open(const std::string& path) {
  std::FILE* f = std::fopen(path.c_str(), "w");
  if (!f)
    return Error(ErrorCode::io, fmt::format("cannot create the recording: {}", std::strerror(errno)),
                 Location{.file = path});
  auto w = std::unique_ptr<RecordingWriter>(new RecordingWriter());
  w->f_ = f;
  w->path_ = path;
  if (std::fprintf(f, "{\"schema\":\"%s\"}\n", kRecordingSchema) < 0)
    return Error(ErrorCode::io, "cannot write the recording", Location{.file = path});
  return w;
}

Status RecordingWriter::write(const Event& e) {
  std::string line = recording_line(e);
  line += '\n';
  if (std::fwrite(line.data(), 1, line.size(), f_) != line.size())
    return Error(ErrorCode::io, fmt::format("cannot write the recording: {}", std::strerror(errno)),
                 Location{.file = path_});
  ++written_;
  return ok_status();
}

Status RecordingWriter::close() {
  if (!f_) return ok_status();
  int rc = std::fclose(f_);
  f_ = nullptr;
  if (rc != 0) return Error(ErrorCode::io, "cannot finish the recording", Location{.file = path_});
  return ok_status();
}

Status Recording::add_line(std::string_view line, uint64_t lineno) {
  if (nesting(line) > kMaxDepth) return Error(ErrorCode::corrupt, "nested deeper than a recorded event can be");
  json j = json::parse(line, nullptr, false);
  if (j.is_discarded()) return Error(ErrorCode::corrupt, "not a JSON value (truncated or damaged line)");
  if (!j.is_object()) return Error(ErrorCode::corrupt, "not a JSON object");
  try {
    if (lineno == 1) {
      std::string schema = str(j, "schema");
      if (schema != kRecordingSchema)
        return Error(ErrorCode::unsupported,
                     fmt::format("not a {} recording (schema \"{}\")", kRecordingSchema, schema));
      return ok_status();
    }
    Event e;
    std::string type = str(j, "type");
    auto id = event_type_id(type);
    if (!id) throw Bad{fmt::format("unknown event type \"{}\"", type)};
    e.type = *id;
    std::string dir = str(j, "dir");
    if (dir != "<" && dir != ">") throw Bad{"\"dir\" is neither \"<\" nor \">\""};
    e.dir = dir[0];
    e.time_ns = u64(j, "time");
    if (member(j, "res")) e.res = i64(j, "res");
    e.tid = i64(j, "tid");
    e.vtid = i64(j, "vtid");
    if (member(j, "open_flags")) {
      e.open_flags = u32(j, "open_flags");
      e.open_mode = u32(j, "open_mode");
    }
    if (const json* args = member(j, "args")) {
      if (!args->is_array()) throw Bad{"\"args\" is not an array"};
      for (const auto& a : *args) {
        if (!a.is_array() || a.size() < 2 || a.size() > 3 || !a[0].is_string() || !a[1].is_string() ||
            (a.size() == 3 && !a[2].is_number_integer()))
          throw Bad{"an argument is not [name, value] or [name, value, integer]"};
        EventArg ea{a[0].get<std::string>(), a[1].get<std::string>(), {}};
        if (a.size() == 3) ea.raw = a[2].get<int64_t>();
        e.args.push_back(std::move(ea));
      }
    }
    const json* chain = member(j, "proc");
    if (!chain || !chain->is_array() || chain->empty()) throw Bad{"\"proc\" is not a non-empty array"};
    if (chain->size() > kMaxChain) throw Bad{fmt::format("more than {} processes in \"proc\"", kMaxChain)};
    // Oldest ancestor first, so that each process's parent is already shared.
    std::string key;
    const Process* parent = nullptr;
    for (size_t i = chain->size(); i-- > 0;) {
      const json& pj = (*chain)[i];
      object(pj, "a process");
      key = pj.dump(-1, ' ', false, json::error_handler_t::replace) + '\x1f' + key;
      auto it = proc_by_key_.find(key);
      if (it == proc_by_key_.end()) {
        Process& p = procs_.emplace_back(read_proc(pj));
        p.parent = parent;
        it = proc_by_key_.emplace(key, &p).first;
      }
      parent = it->second;
    }
    e.proc = parent;
    if (const json* c = member(j, "container")) {
      std::string ck = object(*c, "\"container\"").dump(-1, ' ', false, json::error_handler_t::replace);
      auto it = container_by_key_.find(ck);
      if (it == container_by_key_.end()) {
        containers_.push_back(read_container(*c));
        it = container_by_key_.emplace(ck, &containers_.back()).first;
      }
      e.container = it->second;
    }
    if (const json* f = member(j, "fd")) e.fd = &fds_.emplace_back(read_fd(*f));
    events.push_back(std::move(e));
  } catch (const Bad& b) {
    return Error(ErrorCode::corrupt, b.what);
  } catch (const json::exception& x) {
    return Error(ErrorCode::corrupt, fmt::format("unexpected JSON: {}", x.what()));
  }
  return ok_status();
}

namespace {
Error at(const Error& e, const std::string& name, uint64_t lineno) {
  return Error(e.code(), e.message(), Location{.file = name, .line = lineno});
}
}  // namespace

Result<Recording> read_recording(std::string_view text, const std::string& name, const RecordingLimits& lim) {
  Recording r;
  uint64_t lineno = 0;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t nl = text.find('\n', pos);
    std::string_view line = text.substr(pos, nl == std::string_view::npos ? std::string_view::npos : nl - pos);
    pos = nl == std::string_view::npos ? text.size() : nl + 1;
    ++lineno;
    if (line.size() > lim.max_line)
      return Error(ErrorCode::corrupt, fmt::format("line longer than {} bytes", lim.max_line),
                   Location{.file = name, .line = lineno});
    if (lineno > 1 && r.events.size() >= lim.max_events)
      return Error(ErrorCode::corrupt, fmt::format("more than {} events", lim.max_events),
                   Location{.file = name, .line = lineno});
    if (auto st = r.add_line(line, lineno); !st.ok()) return at(st.error(), name, lineno);
  }
  if (lineno == 0) return Error(ErrorCode::corrupt, "empty recording (no schema line)", Location{.file = name});
  return r;
}

Result<Recording> read_recording_file(const std::string& path, const RecordingLimits& lim) {
  std::FILE* f = std::fopen(path.c_str(), "r");
  if (!f)
    return Error(errno == ENOENT ? ErrorCode::not_found : ErrorCode::io,
                 fmt::format("cannot open the recording: {}", std::strerror(errno)), Location{.file = path});
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> guard(f, std::fclose);
  Recording r;
  std::string line;
  uint64_t lineno = 0;
  std::vector<char> buf(1 << 16);
  bool too_long = false;
  auto finish_line = [&]() -> Status {
    ++lineno;
    if (too_long)
      return Error(ErrorCode::corrupt, fmt::format("line longer than {} bytes", lim.max_line),
                   Location{.file = path, .line = lineno});
    if (lineno > 1 && r.events.size() >= lim.max_events)
      return Error(ErrorCode::corrupt, fmt::format("more than {} events", lim.max_events),
                   Location{.file = path, .line = lineno});
    if (auto st = r.add_line(line, lineno); !st.ok()) return at(st.error(), path, lineno);
    line.clear();
    return ok_status();
  };
  size_t n;
  while ((n = std::fread(buf.data(), 1, buf.size(), f)) > 0) {
    size_t i = 0;
    while (i < n) {
      const char* nl = static_cast<const char*>(std::memchr(buf.data() + i, '\n', n - i));
      size_t end = nl ? static_cast<size_t>(nl - buf.data()) : n;
      if (!too_long) {
        if (line.size() + (end - i) > lim.max_line) too_long = true, line.clear();
        else line.append(buf.data() + i, end - i);
      }
      i = end;
      if (nl) {
        DAGDA_TRY(finish_line());
        too_long = false;
        ++i;
      }
    }
  }
  if (std::ferror(f)) return Error(ErrorCode::io, "cannot read the recording", Location{.file = path});
  if (!line.empty() || too_long) DAGDA_TRY(finish_line());
  if (lineno == 0) return Error(ErrorCode::corrupt, "empty recording (no schema line)", Location{.file = path});
  return r;
}

}  // namespace dagda::rules
