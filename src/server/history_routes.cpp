// /v1/history...: the history of every analysis, agent reports, diffs and false-positive marks.
#include <chrono>

#include <fmt/format.h>

#include "server/handlers.hpp"
#include "server/handles.hpp"
#include "server/worker.hpp"
#include "source/sbom_document.hpp"
#include "state/history.hpp"
#include "state/tables.hpp"

namespace dagda::server {
namespace {

using nlohmann::json;

json entry_json(const state::ScanRecord& r) {
  json summary = json::parse(r.summary, nullptr, false);
  return {{"id", r.id},
          {"job_id", r.job_id ? json(r.job_id) : json(nullptr)},
          {"image", r.image},
          {"digest", r.digest.empty() ? json(nullptr) : json(r.digest)},
          {"names", r.names},
          {"origin", r.origin},
          {"created_at", state::iso_time(r.created_at)},
          {"duration_ms", r.duration_ms},
          {"summary", summary.is_discarded() ? json(nullptr) : summary}};
}

// The report format a request asks for: ?format= first, then Accept.
Result<std::string> wanted_format(const Call& call) {
  if (auto it = call.query.find("format"); it != call.query.end()) {
    if (it->second == "json" || it->second == "sarif" || it->second == "cyclonedx") return it->second;
    return Error(ErrorCode::invalid_input,
                 fmt::format("unknown format '{}': json, sarif or cyclonedx", it->second.substr(0, 40)));
  }
  if (call.accept.find("sarif") != std::string::npos) return std::string("sarif");
  if (call.accept.find("cyclonedx") != std::string::npos) return std::string("cyclonedx");
  return std::string("json");
}

Reply report_reply(const state::ScanRecord& r, const std::string& format, int status) {
  if (format == "sarif") return Reply{status, "application/sarif+json", r.report_sarif};
  if (format == "cyclonedx") return Reply{status, "application/vnd.cyclonedx+json", r.report_cyclonedx};
  return Reply{status, "application/json", r.report_json};
}

bool belongs_to(const state::ScanRecord& r, const std::string& image) {
  if (r.digest == image || r.image == image) return true;
  for (auto& n : r.names)
    if (n == image) return true;
  return false;
}

Result<int64_t> id_param(const Call& call, const std::string& name) {
  auto it = call.query.find(name);
  if (it == call.query.end()) return int64_t{0};
  const std::string& s = it->second;
  if (s.empty() || s.size() > 18 || s.find_first_not_of("0123456789") != std::string::npos)
    return Error(ErrorCode::invalid_input, fmt::format("?{}= must be a history entry id (a number)", name));
  return std::stoll(s);
}

// The image of the path, checked.
Result<std::string> image_param(const Call& call) {
  const std::string& image = call.params.at("image");
  DAGDA_TRY(valid_image_name(image));
  return image;
}

}  // namespace

Reply history_all(const Config& config, const Call& call) {
  int64_t limit = 100;
  if (auto it = call.query.find("limit"); it != call.query.end()) {
    auto n = id_param(call, "limit");
    if (!n.ok() || *n < 1 || *n > 1000) return error_reply(400, "invalid_input", "?limit= is a number from 1 to 1000");
    limit = *n;
  }
  auto store = state_store(config.db);
  if (!store.ok()) return error_reply(store.error());
  auto list = state::History((*store)->db()).list({}, limit);
  if (!list.ok()) return error_reply(list.error());
  json out = json::array();
  for (auto& r : *list) out.push_back(entry_json(r));
  return json_reply(200, {{"entries", out}});
}

Reply history_image(const Config& config, const Call& call) {
  auto image = image_param(call);
  if (!image.ok()) return error_reply(image.error());
  auto id = id_param(call, "id");
  if (!id.ok()) return error_reply(id.error());
  auto format = wanted_format(call);
  if (!format.ok()) return error_reply(format.error());
  auto store = state_store(config.db);
  if (!store.ok()) return error_reply(store.error());
  state::History history((*store)->db());
  if (*id) {
    auto r = history.get(*id);
    if (!r.ok()) return error_reply(r.error());
    if (!r->has_value() || !belongs_to(**r, *image))
      return error_reply(404, "not_found", fmt::format("no history entry {} for {}", *id, *image));
    return report_reply(**r, *format, 200);
  }
  auto list = history.list(*image, 1000);
  if (!list.ok()) return error_reply(list.error());
  if (list->empty()) return error_reply(404, "not_found", fmt::format("no history for {}", *image));
  json out = json::array();
  for (auto& r : *list) out.push_back(entry_json(r));
  return json_reply(200, {{"image", *image}, {"entries", out}});
}

Reply history_post(const Config& config, const Call& call) {
  auto image = image_param(call);
  if (!image.ok()) return error_reply(image.error());
  auto format = wanted_format(call);
  if (!format.ok()) return error_reply(format.error());
  auto inventory = read_sbom_document(call.body, "the request body");
  if (!inventory.ok()) return error_reply(400, "invalid_input", inventory.error().render());
  inventory->source.input = *image;
  auto eng = scan_engine(config.db);
  if (!eng.ok()) return error_reply(eng.error());
  auto started = std::chrono::steady_clock::now();
  auto result = (*eng)->match(std::move(*inventory), engine::ScanOptions{});
  if (!result.ok()) return error_reply(result.error());
  auto record = history_record(*result, *image, "{}", "agent");
  if (!record.ok()) return error_reply(record.error());
  record->duration_ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started).count();
  auto store = state_store(config.db);
  if (!store.ok()) return error_reply(store.error());
  auto id = state::History((*store)->db()).add(*record);
  if (!id.ok()) return error_reply(id.error());
  record->id = *id;
  Reply r = report_reply(*record, *format, 201);
  return r;
}

Reply history_diff(const Config& config, const Call& call) {
  auto image = image_param(call);
  if (!image.ok()) return error_reply(image.error());
  auto from = id_param(call, "from");
  auto to = id_param(call, "to");
  if (!from.ok()) return error_reply(from.error());
  if (!to.ok()) return error_reply(to.error());
  auto store = state_store(config.db);
  if (!store.ok()) return error_reply(store.error());
  state::History history((*store)->db());
  if (!*from || !*to) {
    auto list = history.list(*image, 2);
    if (!list.ok()) return error_reply(list.error());
    if (list->size() < 2 && (!*from || !*to))
      return error_reply(404, "not_found", fmt::format("{} has fewer than two history entries", *image));
    if (!*to) *to = (*list)[0].id;
    if (!*from) *from = (*list)[1].id;
  }
  std::optional<state::ScanRecord> a, b;
  for (auto [id, slot] : {std::pair{*from, &a}, std::pair{*to, &b}}) {
    auto r = history.get(id);
    if (!r.ok()) return error_reply(r.error());
    if (!r->has_value() || !belongs_to(**r, *image))
      return error_reply(404, "not_found", fmt::format("no history entry {} for {}", id, *image));
    *slot = std::move(**r);
  }
  auto diff = state::diff_reports(a->report_json, b->report_json);
  if (!diff.ok()) return error_reply(diff.error());
  (*diff)["image"] = *image;
  (*diff)["from"] = *from;
  (*diff)["to"] = *to;
  return json_reply(200, *diff);
}

namespace {

// A mark belongs to the image as its history names it: another name it was seen under (a path
// through a symlink, a tag) stands for the image of its latest entry, so that the next check
// and the re-match, which apply marks by that name, meet the mark.
Result<std::string> marked_image(const Config& config, const Call& call) {
  DAGDA_ASSIGN_OR_RETURN(auto image, image_param(call));
  if (auto store = state_store(config.db); store.ok()) {
    auto latest = state::History((*store)->db()).list(image, 1);
    if (latest.ok() && !latest->empty()) image = latest->front().image;
  }
  return image;
}

// The mark a request names: image, product, optional version, and `?vuln=` for one vulnerability only.
Result<state::FpMark> fp_mark(const Config& config, const Call& call) {
  state::FpMark m;
  DAGDA_ASSIGN_OR_RETURN(m.image, marked_image(config, call));
  m.package = call.params.at("product");
  if (auto it = call.params.find("version"); it != call.params.end()) m.version = it->second;
  if (auto it = call.query.find("vuln"); it != call.query.end()) {
    if (it->second.empty()) return Error(ErrorCode::invalid_input, "?vuln= names a vulnerability id");
    m.vuln_id = it->second;
  }
  if (m.package.size() > 512 || m.version.size() > 512 || m.vuln_id.size() > 512)
    return Error(ErrorCode::invalid_input, "a product, version or vulnerability id is at most 512 bytes");
  return m;
}

json mark_json(const state::FpMark& m) {
  return {{"image", m.image},
          {"product", m.package},
          {"version", m.version.empty() ? json(nullptr) : json(m.version)},
          {"vulnerability", m.vuln_id.empty() ? json(nullptr) : json(m.vuln_id)},
          {"created_at", m.created_at}};
}

}  // namespace

Reply fp_get(const Config& config, const Call& call) {
  auto m = fp_mark(config, call);
  if (!m.ok()) return error_reply(m.error());
  auto store = state_store(config.db);
  if (!store.ok()) return error_reply(store.error());
  auto marks = (*store)->list_fp(m->image);
  if (!marks.ok()) return error_reply(marks.error());
  json out = json::array();
  for (auto& x : *marks)
    if (x.package == m->package && (m->version.empty() || x.version == m->version) &&
        (m->vuln_id.empty() || x.vuln_id == m->vuln_id))
      out.push_back(mark_json(x));
  if (out.empty())
    return error_reply(404, "not_found", fmt::format("{} is not marked as a false positive in {}", m->package, m->image));
  return json_reply(200, {{"marks", out}});
}

// Every mark (GET /v1/fp), or an image's (GET /v1/history/<image>/fp), as `dagda fp list` lists them.
Reply fp_list(const Config& config, const Call& call) {
  std::string image;
  if (call.params.contains("image")) {
    auto named = marked_image(config, call);
    if (!named.ok()) return error_reply(named.error());
    image = std::move(*named);
  }
  auto store = state_store(config.db);
  if (!store.ok()) return error_reply(store.error());
  auto marks = (*store)->list_fp(image);
  if (!marks.ok()) return error_reply(marks.error());
  json out = json::array();
  for (auto& x : *marks) out.push_back(mark_json(x));
  return json_reply(200, {{"marks", out}});
}

Reply fp_patch(const Config& config, const Call& call) {
  auto m = fp_mark(config, call);
  if (!m.ok()) return error_reply(m.error());
  auto store = state_store(config.db);
  if (!store.ok()) return error_reply(store.error());
  if (auto st = (*store)->add_fp(*m); !st.ok()) return error_reply(st.error());
  return json_reply(200, {{"marked", mark_json(*m)}});
}

Reply fp_delete(const Config& config, const Call& call) {
  auto m = fp_mark(config, call);
  if (!m.ok()) return error_reply(m.error());
  auto store = state_store(config.db);
  if (!store.ok()) return error_reply(store.error());
  auto n = (*store)->remove_fp(*m);
  if (!n.ok()) return error_reply(n.error());
  if (*n == 0)
    return error_reply(404, "not_found", fmt::format("{} is not marked as a false positive in {}", m->package, m->image));
  return json_reply(200, {{"removed", *n}});
}

}  // namespace dagda::server
