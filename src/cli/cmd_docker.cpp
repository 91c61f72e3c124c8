// dagda docker images|containers|events [--since T] [--until T] [--json]: what the
// engine behind DOCKER_HOST has, as the original Dagda's `docker` commands
// offered. Read-only Engine API calls.
#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <ctime>
#include <optional>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cli/command.hpp"
#include "net/engine.hpp"

namespace dagda::cli {
namespace {

using ordered_json = nlohmann::ordered_json;

struct DockerArgs {
  bool json = false;
  bool all = false;
  std::string since, until;
};

Result<std::unique_ptr<net::EngineClient>> engine() {
  DAGDA_ASSIGN_OR_RETURN(net::EngineEndpoint ep, net::engine_from_env());
  auto c = std::make_unique<net::EngineClient>(std::move(ep));
  DAGDA_TRY(c->ping());
  return c;
}

std::string short_id(std::string id) {
  if (id.starts_with("sha256:")) id.erase(0, 7);
  return id.substr(0, 12);
}

std::string when(int64_t unix_seconds) {
  if (unix_seconds <= 0) return "-";
  std::time_t t = static_cast<std::time_t>(unix_seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::string human_size(int64_t bytes) {
  if (bytes < 0) return "-";
  const char* units[] = {"B", "kB", "MB", "GB", "TB"};
  double v = static_cast<double>(bytes);
  int u = 0;
  while (v >= 1000 && u < 4) v /= 1000, ++u;
  return u == 0 ? fmt::format("{} B", bytes) : fmt::format("{:.1f} {}", v, units[u]);
}

Status print(const std::string& text) {
  std::fwrite(text.data(), 1, text.size(), stdout);
  if (std::fflush(stdout) != 0) return Error(ErrorCode::io, "cannot write to standard output");
  return ok_status();
}

// "2024-05-01T10:00:00Z", "1714557600" or a duration back from now ("10m", "2h", "3d") -> unix seconds.
Result<int64_t> parse_time(const std::string& s) {
  if (s.empty()) return Error(ErrorCode::invalid_input, "empty time");
  if (std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; }) && s.size() <= 12)
    return static_cast<int64_t>(std::stoll(s));
  char unit = s.back();
  std::string num = s.substr(0, s.size() - 1);
  if (!num.empty() && num.size() <= 9 && std::all_of(num.begin(), num.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    int64_t n = std::stoll(num);
    int64_t mult = unit == 's' ? 1 : unit == 'm' ? 60 : unit == 'h' ? 3600 : unit == 'd' ? 86400 : 0;
    if (mult) return static_cast<int64_t>(std::time(nullptr)) - n * mult;
  }
  std::tm tm{};
  const char* end = strptime(s.c_str(), "%Y-%m-%dT%H:%M:%S", &tm);
  if (end && (*end == '\0' || std::string_view(end) == "Z")) return static_cast<int64_t>(timegm(&tm));
  return Error(ErrorCode::invalid_input,
               fmt::format("'{}' is not a time: use UNIX seconds, YYYY-MM-DDTHH:MM:SSZ or a duration like 10m, 2h, 3d", s));
}

Status run_images(const DockerArgs& a) {
  DAGDA_ASSIGN_OR_RETURN(auto e, engine());
  DAGDA_ASSIGN_OR_RETURN(net::Response r, e->get("/images/json"));
  DAGDA_ASSIGN_OR_RETURN(auto images, net::parse_image_list(r.body));
  if (!a.since.empty()) {
    DAGDA_ASSIGN_OR_RETURN(int64_t since, parse_time(a.since));
    std::erase_if(images, [&](const net::EngineImageSummary& i) { return i.created < since; });
  }
  if (a.json) {
    ordered_json out = ordered_json::array();
    for (const auto& i : images)
      out.push_back({{"id", i.id}, {"repo_tags", i.repo_tags}, {"repo_digests", i.repo_digests},
                     {"created", when(i.created)}, {"size", i.size}});
    return print(out.dump(2) + "\n");
  }
  std::string text = fmt::format("{:<14} {:<50} {:<21} {}\n", "IMAGE ID", "TAGS", "CREATED", "SIZE");
  for (const auto& i : images)
    text += fmt::format("{:<14} {:<50} {:<21} {}\n", short_id(i.id),
                        i.repo_tags.empty() ? std::string("<none>") : fmt::format("{}", fmt::join(i.repo_tags, ",")),
                        when(i.created), human_size(i.size));
  return print(text);
}

Status run_containers(const DockerArgs& a) {
  DAGDA_ASSIGN_OR_RETURN(auto e, engine());
  DAGDA_ASSIGN_OR_RETURN(net::Response r, e->get(a.all ? "/containers/json?all=1" : "/containers/json"));
  DAGDA_ASSIGN_OR_RETURN(auto list, net::parse_container_list(r.body));
  if (!a.since.empty()) {
    DAGDA_ASSIGN_OR_RETURN(int64_t since, parse_time(a.since));
    std::erase_if(list, [&](const net::EngineContainerSummary& c) { return c.created < since; });
  }
  if (a.json) {
    ordered_json out = ordered_json::array();
    for (const auto& c : list)
      out.push_back({{"id", c.id}, {"names", c.names}, {"image", c.image}, {"image_id", c.image_id},
                     {"command", c.command}, {"state", c.state}, {"status", c.status}, {"created", when(c.created)}});
    return print(out.dump(2) + "\n");
  }
  std::string text = fmt::format("{:<14} {:<24} {:<40} {:<10} {}\n", "CONTAINER ID", "NAME", "IMAGE", "STATE", "STATUS");
  for (const auto& c : list)
    text += fmt::format("{:<14} {:<24} {:<40} {:<10} {}\n", short_id(c.id),
                        c.names.empty() ? std::string("-") : c.names.front(), c.image, c.state, c.status);
  return print(text);
}

Status run_events(const DockerArgs& a) {
  // --until is applied here rather than sent: Podman 4.3's API stops after one event when given
  // `until`. The stream ends at the first event past it, or once it is past and the engine is quiet.
  std::string query;
  if (!a.since.empty()) {
    DAGDA_ASSIGN_OR_RETURN(int64_t t, parse_time(a.since));
    query += fmt::format("since={}", t);
  }
  std::optional<int64_t> until;
  if (!a.until.empty()) {
    DAGDA_ASSIGN_OR_RETURN(int64_t t, parse_time(a.until));
    until = t;
  }
  DAGDA_ASSIGN_OR_RETURN(auto e, engine());
  DAGDA_ASSIGN_OR_RETURN(net::Streamed s, e->stream("/events" + (query.empty() ? "" : "?" + query), /*stall=*/0));
  // The stream is a sequence of JSON objects, one per line; it ends at --until, or never.
  std::string pending;
  char buf[8192];
  bool past = false;
  auto emit = [&](std::string_view line) -> Status {
    if (line.find_first_not_of(" \r\n\t") == std::string_view::npos) return ok_status();
    auto ev = net::parse_event(line);
    if (!ev.ok()) return ev.error();
    if (until && ev->time > *until) {
      past = true;
      return ok_status();
    }
    if (a.json) {
      ordered_json j = {{"time", ev->time}, {"type", ev->type}, {"action", ev->action}, {"id", ev->id}};
      if (!ev->name.empty()) j["name"] = ev->name;
      if (!ev->image.empty()) j["image"] = ev->image;
      return print(j.dump() + "\n");
    }
    return print(fmt::format("{} {} {} {}{}{}\n", when(ev->time), ev->type, ev->action, short_id(ev->id),
                             ev->name.empty() ? "" : " name=" + ev->name, ev->image.empty() ? "" : " image=" + ev->image));
  };
  while (!past) {
    bool quiet = false;
    DAGDA_ASSIGN_OR_RETURN(size_t n, s.body->read_within(buf, sizeof buf, 1000, &quiet));
    if (quiet) {
      if (until && std::time(nullptr) > *until) break;
      continue;
    }
    if (n == 0) break;
    pending.append(buf, n);
    if (pending.size() > (4u << 20)) return Error(ErrorCode::corrupt, "an engine event is larger than 4 MiB");
    size_t nl;
    while (!past && (nl = pending.find('\n')) != std::string::npos) {
      DAGDA_TRY(emit(std::string_view(pending).substr(0, nl)));
      pending.erase(0, nl + 1);
    }
  }
  return past ? ok_status() : emit(pending);
}

}  // namespace

void add_docker(CLI::App& app, Cli& cli) {
  auto a = std::make_shared<DockerArgs>();
  CLI::App* sub = app.add_subcommand("docker", "What the container engine behind DOCKER_HOST has (Docker or Podman)");
  sub->require_subcommand(1);
  CLI::App* images = sub->add_subcommand("images", "List the engine's images");
  images->add_flag("--json", a->json, "JSON instead of a table");
  images->add_option("--since", a->since, "Only images created at or after this time (as for events)");
  images->callback([a, &cli] {
    if (Status s = run_images(*a); !s.ok()) cli.exit_code = report_error(s.error());
  });
  CLI::App* containers = sub->add_subcommand("containers", "List the engine's running containers");
  containers->add_flag("--json", a->json, "JSON instead of a table");
  containers->add_flag("-a,--all", a->all, "Also stopped containers");
  containers->add_option("--since", a->since, "Only containers created at or after this time (as for events)");
  containers->callback([a, &cli] {
    if (Status s = run_containers(*a); !s.ok()) cli.exit_code = report_error(s.error());
  });
  CLI::App* events = sub->add_subcommand("events", "Print the engine's events (follows until --until, or Ctrl-C)");
  events->add_flag("--json", a->json, "One JSON object per line instead of text");
  events->add_option("--since", a->since, "From this time: UNIX seconds, YYYY-MM-DDTHH:MM:SSZ, or back from now (10m, 2h)");
  events->add_option("--until", a->until, "Stop at this time (same forms); without it, follow");
  events->callback([a, &cli] {
    if (Status s = run_events(*a); !s.ok()) cli.exit_code = report_error(s.error());
  });
}

}  // namespace dagda::cli
