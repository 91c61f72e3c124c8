// The server's own parsing of a request, without a database: the path split
// into percent-decoded segments and routed, the check options and the report
// diff over the body, and the webhook settings a re-match job's request carries.
// The first line of the input is the target, the rest the body.
#include <cstddef>
#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

#include "server/api.hpp"
#include "server/rematch.hpp"
#include "server/worker.hpp"
#include "state/history.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string in(reinterpret_cast<const char*>(data), size);
  size_t nl = in.find('\n');
  std::string target = in.substr(0, nl);
  std::string body = nl == std::string::npos ? std::string() : in.substr(nl + 1);
  std::vector<std::string> segments;
  if (dagda::server::split_path(target, segments)) {
    std::map<std::string, std::string> params;
    bool known = false;
    for (const char* m : {"GET", "POST", "PATCH", "DELETE"}) (void)dagda::server::find_route(m, segments, params, known);
    for (auto& s : segments) (void)dagda::server::valid_image_name(s);
  }
  auto j = nlohmann::json::parse(body, nullptr, false);
  if (!j.is_discarded()) {
    (void)dagda::server::scan_options(j);
    (void)dagda::server::notify_from_json(j);
  }
  (void)dagda::state::diff_reports(body, body);
  (void)dagda::state::diff_reports("{\"findings\":[]}", body);
  return 0;
}
