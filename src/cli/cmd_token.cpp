// dagda token create NAME --scope read|scan|admin [--expires DURATION] | list [--json] | revoke ID|NAME
#include <cstdio>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cli/command.hpp"
#include "server/handles.hpp"
#include "state/tables.hpp"
#include "state/tokens.hpp"

namespace dagda::cli {
namespace {

// "90d", "12h", "30m", "45s" or plain seconds.
Result<int64_t> parse_duration(const std::string& s) {
  if (s.empty()) return int64_t{0};
  size_t digits = s.find_first_not_of("0123456789");
  if (digits == 0 || s.size() > 12 || (digits != std::string::npos && digits + 1 != s.size()))
    return Error(ErrorCode::invalid_input, fmt::format("--expires '{}': a number with s, m, h or d", s));
  int64_t n = std::stoll(s.substr(0, digits));
  char unit = digits == std::string::npos ? 's' : s.back();
  int64_t mult = unit == 's' ? 1 : unit == 'm' ? 60 : unit == 'h' ? 3600 : unit == 'd' ? 86400 : 0;
  if (!mult || n <= 0) return Error(ErrorCode::invalid_input, fmt::format("--expires '{}': a number with s, m, h or d", s));
  return n * mult;
}

Result<state::Store*> store_of(const Cli& cli) { return server::state_store(cli.global.db); }

}  // namespace

void add_token(CLI::App& app, Cli& cli) {
  CLI::App* tok = app.add_subcommand("token", "API tokens of `dagda serve` (stored hashed in the --db state)");
  tok->require_subcommand(1);

  struct CreateArgs {
    std::string name, scope = "read", expires;
  };
  auto ca = std::make_shared<CreateArgs>();
  CLI::App* create = tok->add_subcommand("create", "Create a token; its secret is printed once");
  create->add_option("name", ca->name, "A name for the token")->required();
  create->add_option("--scope", ca->scope, "read, scan (read + checks, fp, agent reports) or admin (all + /metrics)")
      ->check(CLI::IsMember({"read", "scan", "admin"}))
      ->capture_default_str();
  create->add_option("--expires", ca->expires, "Lifetime: 90d, 12h, 30m, 45s (default: never)");
  create->callback([ca, &cli] {
    auto ttl = parse_duration(ca->expires);
    if (!ttl.ok()) return void(cli.exit_code = report_error(ttl.error()));
    auto store = store_of(cli);
    if (!store.ok()) return void(cli.exit_code = report_error(store.error()));
    auto t = state::Tokens((*store)->db()).create(ca->name, ca->scope, *ttl);
    if (!t.ok()) return void(cli.exit_code = report_error(t.error()));
    std::puts(t->second.c_str());
  });

  auto as_json = std::make_shared<bool>(false);
  CLI::App* list = tok->add_subcommand("list", "List tokens (never their secrets)");
  list->add_flag("--json", *as_json, "JSON output");
  list->callback([as_json, &cli] {
    auto store = store_of(cli);
    if (!store.ok()) return void(cli.exit_code = report_error(store.error()));
    auto tokens = state::Tokens((*store)->db()).list();
    if (!tokens.ok()) return void(cli.exit_code = report_error(tokens.error()));
    auto when = [](int64_t t) { return t ? state::iso_time(t) : std::string(); };
    if (*as_json) {
      nlohmann::json out = nlohmann::json::array();
      for (auto& t : *tokens)
        out.push_back({{"id", t.id},
                       {"name", t.name},
                       {"scope", t.scope},
                       {"created_at", when(t.created_at)},
                       {"expires_at", t.expires_at ? nlohmann::json(when(t.expires_at)) : nlohmann::json(nullptr)},
                       {"revoked_at", t.revoked_at ? nlohmann::json(when(t.revoked_at)) : nlohmann::json(nullptr)}});
      std::puts(out.dump(2).c_str());
      return;
    }
    std::puts(fmt::format("{:<6} {:<24} {:<6} {:<21} {:<21} {}", "ID", "NAME", "SCOPE", "CREATED", "EXPIRES", "REVOKED")
                  .c_str());
    for (auto& t : *tokens)
      std::puts(fmt::format("{:<6} {:<24} {:<6} {:<21} {:<21} {}", t.id, t.name, t.scope, when(t.created_at),
                            t.expires_at ? when(t.expires_at) : "never", t.revoked_at ? when(t.revoked_at) : "-")
                    .c_str());
  });

  auto which = std::make_shared<std::string>();
  CLI::App* revoke = tok->add_subcommand("revoke", "Revoke a token by id or name");
  revoke->add_option("token", *which, "The token's id or name")->required();
  revoke->callback([which, &cli] {
    auto store = store_of(cli);
    if (!store.ok()) return void(cli.exit_code = report_error(store.error()));
    auto n = state::Tokens((*store)->db()).revoke(*which);
    if (!n.ok()) return void(cli.exit_code = report_error(n.error()));
    if (*n == 0)
      return void(cli.exit_code = report_error(Error(ErrorCode::not_found, fmt::format("no active token '{}'", *which))));
    std::puts(fmt::format("revoked {} token{}", *n, *n == 1 ? "" : "s").c_str());
  });
}

}  // namespace dagda::cli
