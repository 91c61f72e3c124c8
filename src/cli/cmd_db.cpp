// dagda db import PATH... | db status [--json] | db update (cmd_db_update.cpp)
#include <chrono>
#include <cstdio>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cli/command.hpp"
#include "cli/output.hpp"
#include "importers/import.hpp"
#include "importers/importer.hpp"
#include "malware/signatures.hpp"
#include "vulndb/store.hpp"

namespace dagda::cli {

void add_db_update(CLI::App& db, Cli& cli);



namespace {

struct ImportArgs {
  std::vector<std::string> paths;
  std::string format;
  std::string release;
  bool force = false;
  bool json = false;
};

void print_warnings(const std::vector<Warning>& ws, const GlobalOptions& g) { cli::print_warnings(ws, g.quiet); }

int run_import(const ImportArgs& args, const GlobalOptions& g) {
  auto store = vulndb::Store::open(g.db);
  if (!store.ok()) return report_error(store.error());
  auto t0 = std::chrono::steady_clock::now();
  importers::ImportOptions opts;
  opts.format = args.format;
  opts.release = args.release;
  opts.force = args.force;
  auto r = importers::import_into(**store, args.paths, opts);
  if (!r.ok()) return report_error(r.error().wrap("nothing was imported; the database is unchanged"));
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  print_warnings(r->warnings, g);
  if (args.json) {
    nlohmann::json out = {{"schema", "dagda.db-import/v1"}, {"database", (*store)->url()}, {"seconds", secs}};
    out["inputs"] = nlohmann::json::array();
    for (auto& in : r->inputs)
      out["inputs"].push_back({{"path", in.path},
                               {"sha256", in.sha256},
                               {"unchanged", in.unchanged},
                               {"files", in.files},
                               {"skipped_files", in.skipped_files},
                               {"records", in.records}});
    std::puts(out.dump(2, ' ', false, nlohmann::json::error_handler_t::replace).c_str());
    return kExitOk;
  }
  uint64_t total = 0;
  for (auto& in : r->inputs) {
    if (in.unchanged) {
      std::puts(fmt::format("{}: unchanged since the last import, skipped", in.path).c_str());
      continue;
    }
    uint64_t n = 0;
    std::string parts;
    for (auto& [src, c] : in.records) {
      n += c;
      parts += fmt::format("{}{} {}", parts.empty() ? "" : ", ", src, c);
    }
    total += n;
    std::puts(fmt::format("{}: {} records from {} file(s) ({})", in.path, n, in.files, parts).c_str());
  }
  if (!g.quiet)
    std::fputs(fmt::format("dagda: imported {} records in {:.1f} s into {}\n", total, secs, (*store)->url()).c_str(),
               stderr);
  return kExitOk;
}

// The imported malware signature files (ClamAV databases, YARA rule files): name, version, count.
Result<std::vector<malware::SignatureFile>> malware_files(vulndb::Store& store) {
  std::vector<malware::SignatureFile> out;
  for (std::string_view kind : {malware::kClamav, malware::kYara}) {
    DAGDA_ASSIGN_OR_RETURN(auto rows, store.signatures(kind));
    for (auto& row : rows) {
      DAGDA_ASSIGN_OR_RETURN(auto f, malware::decode_row(kind, row.name, row.body, /*with_data=*/false));
      out.push_back(std::move(f));
    }
  }
  return out;
}

int run_status(bool json, const GlobalOptions& g) {
  auto store = vulndb::Store::open(g.db, /*read_only=*/true);
  if (!store.ok()) return report_error(store.error());
  auto st = (*store)->status();
  if (!st.ok()) return report_error(st.error());
  auto sigs = malware_files(**store);
  if (!sigs.ok()) return report_error(sigs.error());
  if (json) {
    nlohmann::json out = {{"schema", "dagda.db-status/v1"}, {"database", (*store)->url()}};
    out["sources"] = nlohmann::json::array();
    for (auto& s : *st) {
      const auto& c = s.counts;
      out["sources"].push_back({{"source", s.source},
                                {"records", c.total()},
                                {"counts",
                                 {{"vulnerabilities", c.vulnerabilities},
                                  {"affected", c.affected},
                                  {"exploits", c.exploits},
                                  {"kev", c.kev},
                                  {"epss", c.epss},
                                  {"bugtraq", c.bugtraq},
                                  {"signatures", c.signatures}}},
                                {"last_update", s.last_update},
                                {"newest_record", s.newest_record},
                                {"inputs", s.inputs}});
    }
    out["malware"] = nlohmann::json::array();
    for (auto& f : *sigs)
      out["malware"].push_back({{"kind", f.kind}, {"name", f.name}, {"version", f.version}, {"signatures", f.count}});
    std::puts(out.dump(2, ' ', false, nlohmann::json::error_handler_t::replace).c_str());
    return kExitOk;
  }
  if (st->empty()) {
    std::puts(fmt::format("{}: empty; import feeds with `dagda db import PATH...` or `dagda db update`",
                          (*store)->url())
                  .c_str());
    return kExitOk;
  }
  std::puts(fmt::format("{:<22} {:>9} {:>10} {:>9} {:<20} {}", "SOURCE", "RECORDS", "VULNS", "AFFECTED",
                        "LAST UPDATE", "NEWEST RECORD")
                .c_str());
  for (auto& s : *st)
    std::puts(fmt::format("{:<22} {:>9} {:>10} {:>9} {:<20} {}", s.source, s.counts.total(),
                          s.counts.vulnerabilities, s.counts.affected, s.last_update,
                          s.newest_record.substr(0, 10))
                  .c_str());
  if (!sigs->empty()) {
    std::puts("");
    std::puts(fmt::format("{:<8} {:<30} {:<14} {:>10}", "MALWARE", "FILE", "VERSION", "SIGNATURES").c_str());
    for (auto& f : *sigs)
      std::puts(fmt::format("{:<8} {:<30} {:<14} {:>10}", f.kind, f.name, f.version, f.count).c_str());
  }
  return kExitOk;
}

}  // namespace

void add_db_update(CLI::App& db, Cli& cli);  // cmd_db_update.cpp

void add_db(CLI::App& app, Cli& cli) {
  CLI::App* db = app.add_subcommand("db", "Manage the vulnerability database");
  db->require_subcommand(1);

  auto ia = std::make_shared<ImportArgs>();
  std::string formats;
  for (auto& i : importers::all_importers()) formats += fmt::format("\n  {:<20} {}", i.name, i.description);
  CLI::App* imp = db->add_subcommand("import", "Import feed files, folders or archives (format detected by content)");
  imp->footer("Formats:" + formats);
  imp->add_option("paths", ia->paths, "Files, folders, .zip or .tar.* archives, or compressed files")->required();
  imp->add_option("--format", ia->format, "Read every file as this format instead of detecting it");
  imp->add_option("--release", ia->release,
                  "The distro release of files that do not name theirs (updateinfo.xml), e.g. amazon:2023 or rocky:9");
  imp->add_flag("--force", ia->force, "Re-import inputs whose content has not changed");
  imp->add_flag("--json", ia->json, "Print the result as JSON");
  imp->callback([ia, &cli] { cli.exit_code = run_import(*ia, cli.global); });

  auto json = std::make_shared<bool>(false);
  CLI::App* status = db->add_subcommand("status", "Per source: records, last update, newest record");
  status->add_flag("--json", *json, "Print as JSON (dagda.db-status/v1)");
  status->callback([json, &cli] { cli.exit_code = run_status(*json, cli.global); });

  add_db_update(*db, cli);
}

}  // namespace dagda::cli
