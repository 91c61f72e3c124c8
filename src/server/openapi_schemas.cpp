// The components/schemas of the OpenAPI document: the error body, and the
// dagda.vuln/v1 documents the /v1/vuln/... routes answer (match/vuln_query.cpp
// builds them; a test validates real answers against these).
#include "server/api.hpp"

namespace dagda::server {
namespace {

using nlohmann::json;

json str() {
  return {{"type", "string"}};
}
json nullable_str() {
  return {{"type", "string"}, {"nullable", true}};
}
json strings() {
  return {{"type", "array"}, {"items", str()}};
}
json integer() {
  return {{"type", "integer"}};
}
json number() {
  return {{"type", "number"}};
}
json boolean() {
  return {{"type", "boolean"}};
}
json ref(std::string_view name) {
  return {{"$ref", "#/components/schemas/" + std::string(name)}};
}
json array_of(std::string_view name) {
  return {{"type", "array"}, {"items", ref(name)}};
}

json object(json properties, json required = nullptr) {
  json o = {{"type", "object"}, {"properties", std::move(properties)}};
  if (required.is_null()) {
    required = json::array();
    for (auto& [k, v] : o["properties"].items()) required.push_back(k);
  }
  if (!required.empty()) o["required"] = std::move(required);  // OpenAPI 3.0: a required list is never empty
  return o;
}

json schema_field() {
  return {{"type", "string"}, {"enum", json::array({"dagda.vuln/v1"})}};
}

}  // namespace

json openapi_schemas() {
  json s = json::object();
  s["Error"] = object({{"error", object({{"code", str()}, {"message", str()}})}});
  s["VulnCvss"] = object(
      {{"version", str()}, {"vector", str()}, {"score", number()}, {"severity", str()}, {"source", str()}});
  s["VulnRecord"] = object({{"source", str()},
                            {"id", str()},
                            {"aliases", strings()},
                            {"summary", str()},
                            {"description", str()},
                            {"published", str()},
                            {"modified", str()},
                            {"severity", str()},
                            {"cvss", array_of("VulnCvss")},
                            {"cwes", strings()},
                            {"references", strings()},
                            {"withdrawn", boolean()},
                            {"copies", integer()}});
  json affected = object(
      {{"source", str()},
       {"advisory", str()},
       {"vulnerability", str()},
       {"namespace", str()},
       {"package", str()},
       {"status", str()},
       {"fixed_version", nullable_str()},
       {"range", str()},
       {"constraint", str()},
       {"aliases", strings()},
       {"severity", str()},
       {"note", str()},
       {"match", object({{"affected", boolean()}, {"rule", str()}, {"comparator", str()}})}},
      {"source", "advisory", "vulnerability", "namespace", "package", "status", "fixed_version", "range"});
  s["VulnAffected"] = std::move(affected);
  s["VulnExploit"] = object({{"id", integer()},
                             {"url", str()},
                             {"title", str()},
                             {"date", str()},
                             {"author", str()},
                             {"type", str()},
                             {"platform", str()},
                             {"cves", strings()}});
  s["VulnBugtraq"] = object({{"bid", integer()},
                             {"title", str()},
                             {"class", str()},
                             {"published", str()},
                             {"updated", str()},
                             {"credit", str()},
                             {"url", str()},
                             {"remote", boolean()},
                             {"local", boolean()},
                             {"cves", strings()},
                             {"vulnerable", strings()}});
  s["VulnKev"] = object({{"cve", str()},
                         {"vendor", str()},
                         {"product", str()},
                         {"name", str()},
                         {"date_added", str()},
                         {"due_date", str()},
                         {"required_action", str()},
                         {"ransomware", str()}});
  s["VulnEpss"] = object({{"cve", str()}, {"score", number()}, {"percentile", number()}, {"date", str()}});
  s["VulnById"] = object({{"schema", schema_field()},
                          {"query", object({{"cve", str()}, {"advisory", str()}}, json::array())},
                          {"records", array_of("VulnRecord")},
                          {"exploits", array_of("VulnExploit")},
                          {"kev", array_of("VulnKev")},
                          {"epss", array_of("VulnEpss")},
                          {"bugtraq", array_of("VulnBugtraq")},
                          {"affected", array_of("VulnAffected")},
                          {"related_advisories", strings()}});
  s["VulnProduct"] =
      object({{"schema", schema_field()},
              {"query", object({{"product", str()}, {"version", str()}, {"ecosystem", str()}})},
              {"affected", array_of("VulnAffected")},
              {"errors", strings()}});
  s["VulnExploitEntry"] = object({{"schema", schema_field()}, {"exploit", ref("VulnExploit")}});
  s["VulnBugtraqEntry"] = object({{"schema", schema_field()}, {"bugtraq", ref("VulnBugtraq")}});
  return s;
}

}  // namespace dagda::server
