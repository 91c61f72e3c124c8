// CVSS calculators, written from FIRST's specification documents:
// v2.0 section 3.2.1, v3.0 and v3.1 sections 7.1 and 7.4 (v3.1 appendix A for
// Roundup), v4.0 section 8 with its MacroVector scores and the highest-severity
// vectors of each equivalence set.
#include "vulndb/cvss.hpp"

#include <array>
#include <cmath>
#include <map>
#include <vector>

#include <fmt/format.h>

namespace dagda::vulndb::cvss {
namespace {

// "AV:N/AC:L/..." to metric -> value, refusing repeats and malformed parts.
Result<std::map<std::string, std::string, std::less<>>> split_metrics(std::string_view v) {
  std::map<std::string, std::string, std::less<>> m;
  if (v.empty()) return Error(ErrorCode::invalid_input, "empty CVSS vector");
  while (!v.empty()) {
    size_t slash = v.find('/');
    std::string_view part = v.substr(0, slash);
    size_t colon = part.find(':');
    if (colon == std::string_view::npos || colon == 0 || colon + 1 == part.size())
      return Error(ErrorCode::invalid_input, fmt::format("CVSS vector part '{}' is not METRIC:VALUE", part));
    auto [it, fresh] = m.emplace(std::string(part.substr(0, colon)), std::string(part.substr(colon + 1)));
    if (!fresh) return Error(ErrorCode::invalid_input, fmt::format("CVSS metric {} is given twice", it->first));
    if (slash == std::string_view::npos) break;
    v.remove_prefix(slash + 1);
    if (v.empty()) return Error(ErrorCode::invalid_input, "CVSS vector ends with '/'");
  }
  return m;
}

struct Metric {
  std::string_view name;
  bool required;
  std::vector<std::pair<std::string_view, double>> values;  // value -> weight (or level)
};

// Checks every metric against the table; returns the weights of the table's
// metrics (missing optional ones absent).
Result<std::map<std::string, double, std::less<>>> weigh(const std::map<std::string, std::string, std::less<>>& m,
                                                        const std::vector<Metric>& table, std::string_view version) {
  std::map<std::string, double, std::less<>> out;
  for (auto& [k, v] : m) {
    const Metric* def = nullptr;
    for (auto& t : table)
      if (t.name == k) def = &t;
    if (!def) return Error(ErrorCode::invalid_input, fmt::format("CVSS {} has no metric '{}'", version, k));
    bool found = false;
    for (auto& [val, w] : def->values)
      if (val == v) {
        out[k] = w;
        found = true;
      }
    if (!found)
      return Error(ErrorCode::invalid_input, fmt::format("CVSS {} metric {} has no value '{}'", version, k, v));
  }
  for (auto& t : table)
    if (t.required && !m.count(t.name))
      return Error(ErrorCode::invalid_input, fmt::format("CVSS {} vector lacks the base metric {}", version, t.name));
  return out;
}

// ---- v2.0 ----

const std::vector<Metric>& v2_table() {
  static const std::vector<Metric> t = {
      {"AV", true, {{"L", 0.395}, {"A", 0.646}, {"N", 1.0}}},
      {"AC", true, {{"H", 0.35}, {"M", 0.61}, {"L", 0.71}}},
      {"Au", true, {{"M", 0.45}, {"S", 0.56}, {"N", 0.704}}},
      {"C", true, {{"N", 0.0}, {"P", 0.275}, {"C", 0.660}}},
      {"I", true, {{"N", 0.0}, {"P", 0.275}, {"C", 0.660}}},
      {"A", true, {{"N", 0.0}, {"P", 0.275}, {"C", 0.660}}},
      // Temporal and environmental: checked, not scored.
      {"E", false, {{"U", 0}, {"POC", 0}, {"F", 0}, {"H", 0}, {"ND", 0}}},
      {"RL", false, {{"OF", 0}, {"TF", 0}, {"W", 0}, {"U", 0}, {"ND", 0}}},
      {"RC", false, {{"UC", 0}, {"UR", 0}, {"C", 0}, {"ND", 0}}},
      {"CDP", false, {{"N", 0}, {"L", 0}, {"LM", 0}, {"MH", 0}, {"H", 0}, {"ND", 0}}},
      {"TD", false, {{"N", 0}, {"L", 0}, {"M", 0}, {"H", 0}, {"ND", 0}}},
      {"CR", false, {{"L", 0}, {"M", 0}, {"H", 0}, {"ND", 0}}},
      {"IR", false, {{"L", 0}, {"M", 0}, {"H", 0}, {"ND", 0}}},
      {"AR", false, {{"L", 0}, {"M", 0}, {"H", 0}, {"ND", 0}}},
  };
  return t;
}

// Round to one decimal, halves up; the tiny offset absorbs binary noise
// (x.x5 computed as x.x4999999).
double round1(double x) { return std::floor(x * 10.0 + 0.5 + 1e-9) / 10.0; }

Result<double> v2(std::string_view body) {
  DAGDA_ASSIGN_OR_RETURN(auto m, split_metrics(body));
  DAGDA_ASSIGN_OR_RETURN(auto w, weigh(m, v2_table(), "2.0"));
  double impact = 10.41 * (1 - (1 - w["C"]) * (1 - w["I"]) * (1 - w["A"]));
  double exploitability = 20 * w["AV"] * w["AC"] * w["Au"];
  double f = impact == 0 ? 0 : 1.176;
  double base = ((0.6 * impact) + (0.4 * exploitability) - 1.5) * f;
  return round1(std::max(base, 0.0));
}

// ---- v3.0 / v3.1 ----

std::vector<Metric> make_v3_table(bool changed) {
  std::vector<Metric> t = {
      {"AV", true, {{"N", 0.85}, {"A", 0.62}, {"L", 0.55}, {"P", 0.2}}},
      {"AC", true, {{"L", 0.77}, {"H", 0.44}}},
      {"PR", true, {{"N", 0.85}, {"L", changed ? 0.68 : 0.62}, {"H", changed ? 0.5 : 0.27}}},
      {"UI", true, {{"N", 0.85}, {"R", 0.62}}},
      {"S", true, {{"U", 0}, {"C", 1}}},
      {"C", true, {{"H", 0.56}, {"L", 0.22}, {"N", 0}}},
      {"I", true, {{"H", 0.56}, {"L", 0.22}, {"N", 0}}},
      {"A", true, {{"H", 0.56}, {"L", 0.22}, {"N", 0}}},
  };
  auto opt = [&](std::string_view name, std::vector<std::string_view> values) {
    Metric x{name, false, {}};
    for (auto v : values) x.values.push_back({v, 0});
    t.push_back(std::move(x));
  };
  opt("E", {"X", "U", "P", "F", "H"});
  opt("RL", {"X", "O", "T", "W", "U"});
  opt("RC", {"X", "U", "R", "C"});
  for (auto r : {"CR", "IR", "AR"}) opt(r, {"X", "L", "M", "H"});
  opt("MAV", {"X", "N", "A", "L", "P"});
  opt("MAC", {"X", "L", "H"});
  opt("MPR", {"X", "N", "L", "H"});
  opt("MUI", {"X", "N", "R"});
  opt("MS", {"X", "U", "C"});
  for (auto r : {"MC", "MI", "MA"}) opt(r, {"X", "N", "L", "H"});
  return t;
}

// PR weighs more when the scope changes: one table per scope.
const std::vector<Metric>& v3_table(bool changed) {
  static const std::vector<Metric> unchanged = make_v3_table(false), scope_changed = make_v3_table(true);
  return changed ? scope_changed : unchanged;
}

// v3.1's Roundup (appendix A): on integers, so 4.000000001 stays 4.0.
double roundup31(double x) {
  long long i = std::llround(x * 100000);
  if (i % 10000 == 0) return double(i) / 100000.0;
  return double(i / 10000 + 1) / 10.0;
}

// v3.0's Roundup: the smallest one-decimal number not below x, as its
// specification defines it (no integer step).
double roundup30(double x) { return std::ceil(x * 10) / 10; }

Result<double> v3(std::string_view body, bool v31) {
  DAGDA_ASSIGN_OR_RETURN(auto m, split_metrics(body));
  auto s = m.find("S");
  bool changed = s != m.end() && s->second == "C";
  std::string_view version = v31 ? "3.1" : "3.0";
  DAGDA_ASSIGN_OR_RETURN(auto w, weigh(m, v3_table(changed), version));
  double iss = 1 - (1 - w["C"]) * (1 - w["I"]) * (1 - w["A"]);
  double impact = changed ? 7.52 * (iss - 0.029) - 3.25 * std::pow(iss - 0.02, 15) : 6.42 * iss;
  double exploitability = 8.22 * w["AV"] * w["AC"] * w["PR"] * w["UI"];
  if (impact <= 0) return 0.0;
  double raw = changed ? std::min(1.08 * (impact + exploitability), 10.0) : std::min(impact + exploitability, 10.0);
  return v31 ? roundup31(raw) : roundup30(raw);
}

// ---- v4.0 ----

// The score of each MacroVector (EQ1..EQ6 levels), from the specification's
// data; indexed as eq1*108 + eq2*54 + eq3*18 + eq4*6 + eq5*2 + eq6. -1: no
// such MacroVector (EQ3 = 2 with EQ6 = 0 cannot happen).
constexpr std::array<double, 324> kMacroScores = {
#include "vulndb/cvss4_macrovectors.inc"
};

double macro_score(int e1, int e2, int e3, int e4, int e5, int e6) {
  if (e1 < 0 || e1 > 2 || e2 < 0 || e2 > 1 || e3 < 0 || e3 > 2 || e4 < 0 || e4 > 2 || e5 < 0 || e5 > 2 || e6 < 0 ||
      e6 > 1)
    return NAN;
  double s = kMacroScores[size_t(e1 * 108 + e2 * 54 + e3 * 18 + e4 * 6 + e5 * 2 + e6)];
  return s < 0 ? NAN : s;
}

const std::vector<Metric>& v4_table() {
  static const std::vector<Metric> t = [] {
    std::vector<Metric> t;
    auto add = [&](std::string_view name, bool required, std::vector<std::string_view> values) {
      Metric x{name, required, {}};
      for (auto v : values) x.values.push_back({v, 0});
      t.push_back(std::move(x));
    };
    add("AV", true, {"N", "A", "L", "P"});
    add("AC", true, {"L", "H"});
    add("AT", true, {"N", "P"});
    add("PR", true, {"N", "L", "H"});
    add("UI", true, {"N", "P", "A"});
    for (auto n : {"VC", "VI", "VA", "SC", "SI", "SA"}) add(n, true, {"H", "L", "N"});
    add("E", false, {"X", "A", "P", "U"});
    for (auto n : {"CR", "IR", "AR"}) add(n, false, {"X", "H", "M", "L"});
    add("MAV", false, {"X", "N", "A", "L", "P"});
    add("MAC", false, {"X", "L", "H"});
    add("MAT", false, {"X", "N", "P"});
    add("MPR", false, {"X", "N", "L", "H"});
    add("MUI", false, {"X", "N", "P", "A"});
    for (auto n : {"MVC", "MVI", "MVA", "MSC"}) add(n, false, {"X", "H", "L", "N"});
    for (auto n : {"MSI", "MSA"}) add(n, false, {"X", "S", "H", "L", "N"});
    add("S", false, {"X", "N", "P"});
    add("AU", false, {"X", "N", "Y"});
    add("R", false, {"X", "A", "U", "I"});
    add("V", false, {"X", "D", "C"});
    add("RE", false, {"X", "L", "M", "H"});
    add("U", false, {"X", "Clear", "Green", "Amber", "Red"});
    return t;
  }();
  return t;
}

// Severity levels of metric values, for the distance to the highest-severity
// vectors of a MacroVector (0 is the most severe).
double level(std::string_view metric, char v) {
  std::string_view m = metric;
  if (m == "AV") return v == 'N' ? 0.0 : v == 'A' ? 0.1 : v == 'L' ? 0.2 : 0.3;
  if (m == "PR") return v == 'N' ? 0.0 : v == 'L' ? 0.1 : 0.2;
  if (m == "UI") return v == 'N' ? 0.0 : v == 'P' ? 0.1 : 0.2;
  if (m == "AC") return v == 'L' ? 0.0 : 0.1;
  if (m == "AT") return v == 'N' ? 0.0 : 0.1;
  if (m == "VC" || m == "VI" || m == "VA") return v == 'H' ? 0.0 : v == 'L' ? 0.1 : 0.2;
  if (m == "SC") return v == 'H' ? 0.1 : v == 'L' ? 0.2 : 0.3;
  if (m == "SI" || m == "SA") return v == 'S' ? 0.0 : v == 'H' ? 0.1 : v == 'L' ? 0.2 : 0.3;
  if (m == "CR" || m == "IR" || m == "AR") return v == 'H' ? 0.0 : v == 'M' ? 0.1 : 0.2;
  return 0;
}

// The highest-severity vectors of each equivalence set's levels, as partial
// vectors (the specification's tables for EQ1, EQ2, EQ3 with EQ6, EQ4, EQ5).
const std::vector<std::string_view>& max_vectors_eq1(int l) {
  static const std::vector<std::string_view> t[3] = {
      {"AV:N/PR:N/UI:N"}, {"AV:A/PR:N/UI:N", "AV:N/PR:L/UI:N", "AV:N/PR:N/UI:P"}, {"AV:P/PR:N/UI:N", "AV:A/PR:L/UI:P"}};
  return t[l];
}
const std::vector<std::string_view>& max_vectors_eq2(int l) {
  static const std::vector<std::string_view> t[2] = {{"AC:L/AT:N"}, {"AC:H/AT:N", "AC:L/AT:P"}};
  return t[l];
}
const std::vector<std::string_view>& max_vectors_eq3eq6(int e3, int e6) {
  static const std::vector<std::string_view> none;
  static const std::vector<std::string_view> t00 = {"VC:H/VI:H/VA:H/CR:H/IR:H/AR:H"};
  static const std::vector<std::string_view> t01 = {"VC:H/VI:H/VA:L/CR:M/IR:M/AR:H", "VC:H/VI:H/VA:H/CR:M/IR:M/AR:M"};
  static const std::vector<std::string_view> t10 = {"VC:L/VI:H/VA:H/CR:H/IR:H/AR:H", "VC:H/VI:L/VA:H/CR:H/IR:H/AR:H"};
  static const std::vector<std::string_view> t11 = {"VC:L/VI:H/VA:L/CR:H/IR:M/AR:H", "VC:L/VI:H/VA:H/CR:H/IR:M/AR:M",
                                                    "VC:H/VI:L/VA:H/CR:M/IR:H/AR:M", "VC:H/VI:L/VA:L/CR:M/IR:H/AR:H",
                                                    "VC:L/VI:L/VA:H/CR:H/IR:H/AR:M"};
  static const std::vector<std::string_view> t21 = {"VC:L/VI:L/VA:L/CR:H/IR:H/AR:H"};
  if (e3 == 0) return e6 == 0 ? t00 : t01;
  if (e3 == 1) return e6 == 0 ? t10 : t11;
  return e6 == 1 ? t21 : none;
}
const std::vector<std::string_view>& max_vectors_eq4(int l) {
  static const std::vector<std::string_view> t[3] = {{"SC:H/SI:S/SA:S"}, {"SC:H/SI:H/SA:H"}, {"SC:L/SI:L/SA:L"}};
  return t[l];
}

// The depth (in severity steps, plus one) of each MacroVector level.
double max_depth_eq1(int l) { return std::array<double, 3>{1, 4, 5}[size_t(l)]; }
double max_depth_eq2(int l) { return std::array<double, 2>{1, 2}[size_t(l)]; }
double max_depth_eq3eq6(int e3, int e6) {
  if (e3 == 0) return e6 == 0 ? 7 : 6;
  if (e3 == 1) return 8;
  return 10;
}
double max_depth_eq4(int l) { return std::array<double, 3>{6, 5, 4}[size_t(l)]; }

Result<double> v4(std::string_view body) {
  DAGDA_ASSIGN_OR_RETURN(auto m, split_metrics(body));
  DAGDA_TRY(weigh(m, v4_table(), "4.0"));
  // The value in effect: a modified (environmental) metric overrides the base
  // one; E and CR/IR/AR not defined mean their most severe value.
  auto get = [&](std::string_view k) -> char {
    auto it = m.find(k);
    return it == m.end() ? 'X' : it->second[0];
  };
  auto eff = [&](std::string_view k) -> char {
    std::string mod = "M" + std::string(k);
    char v = get(mod);
    if (v != 'X') return v;
    v = get(k);
    if (v == 'X' && k == "E") return 'A';
    if (v == 'X' && (k == "CR" || k == "IR" || k == "AR")) return 'H';
    return v;
  };
  char AV = eff("AV"), PR = eff("PR"), UI = eff("UI"), AC = eff("AC"), AT = eff("AT");
  char VC = eff("VC"), VI = eff("VI"), VA = eff("VA"), SC = eff("SC"), SI = eff("SI"), SA = eff("SA");
  char E = eff("E"), CR = eff("CR"), IR = eff("IR"), AR = eff("AR");
  if (VC == 'N' && VI == 'N' && VA == 'N' && SC == 'N' && SI == 'N' && SA == 'N') return 0.0;

  int eq1 = (AV == 'N' && PR == 'N' && UI == 'N')                    ? 0
            : ((AV == 'N' || PR == 'N' || UI == 'N') && AV != 'P') ? 1
                                                                   : 2;
  int eq2 = (AC == 'L' && AT == 'N') ? 0 : 1;
  int eq3 = (VC == 'H' && VI == 'H') ? 0 : (VC == 'H' || VI == 'H' || VA == 'H') ? 1 : 2;
  int eq4 = (SI == 'S' || SA == 'S') ? 0 : (SC == 'H' || SI == 'H' || SA == 'H') ? 1 : 2;
  int eq5 = E == 'A' ? 0 : E == 'P' ? 1 : 2;
  int eq6 = ((CR == 'H' && VC == 'H') || (IR == 'H' && VI == 'H') || (AR == 'H' && VA == 'H')) ? 0 : 1;
  double value = macro_score(eq1, eq2, eq3, eq4, eq5, eq6);
  if (std::isnan(value)) return Error(ErrorCode::internal, "CVSS 4.0: no score for the MacroVector");

  // The next lower MacroVector in each equivalence set, and how much lower it scores.
  double lower1 = macro_score(eq1 + 1, eq2, eq3, eq4, eq5, eq6);
  double lower2 = macro_score(eq1, eq2 + 1, eq3, eq4, eq5, eq6);
  double lower36;
  if (eq3 == 0 && eq6 == 0) {
    double left = macro_score(eq1, eq2, eq3, eq4, eq5, eq6 + 1);
    double right = macro_score(eq1, eq2, eq3 + 1, eq4, eq5, eq6);
    lower36 = std::isnan(left) ? right : std::isnan(right) ? left : std::max(left, right);
  } else if (eq3 == 1 && eq6 == 0) {
    lower36 = macro_score(eq1, eq2, eq3, eq4, eq5, eq6 + 1);
  } else {
    lower36 = macro_score(eq1, eq2, eq3 + 1, eq4, eq5, eq6);
  }
  double lower4 = macro_score(eq1, eq2, eq3, eq4 + 1, eq5, eq6);
  double lower5 = macro_score(eq1, eq2, eq3, eq4, eq5 + 1, eq6);

  // The first highest-severity vector of this MacroVector that the vector
  // does not exceed in any metric; the distances to it.
  std::map<std::string, char, std::less<>> eff_values = {
      {"AV", AV}, {"PR", PR}, {"UI", UI}, {"AC", AC}, {"AT", AT}, {"VC", VC}, {"VI", VI},
      {"VA", VA}, {"SC", SC}, {"SI", SI}, {"SA", SA}, {"CR", CR}, {"IR", IR}, {"AR", AR}};
  std::map<std::string, double, std::less<>> dist;
  bool found = false;
  for (auto a : max_vectors_eq1(eq1))
    for (auto b : max_vectors_eq2(eq2))
      for (auto c : max_vectors_eq3eq6(eq3, eq6))
        for (auto d : max_vectors_eq4(eq4)) {
          if (found) break;
          std::string max = fmt::format("{}/{}/{}/{}", a, b, c, d);
          std::map<std::string, double, std::less<>> dd;
          bool ok = true;
          for (auto part : std::vector<std::string_view>{max}) {
            while (!part.empty()) {
              size_t slash = part.find('/');
              std::string_view kv = part.substr(0, slash);
              std::string_view key = kv.substr(0, kv.find(':'));
              char mv = kv[kv.find(':') + 1];
              double dv = level(key, eff_values[std::string(key)]) - level(key, mv);
              if (dv < -1e-9) ok = false;
              dd[std::string(key)] = dv;
              if (slash == std::string_view::npos) break;
              part.remove_prefix(slash + 1);
            }
          }
          if (ok) {
            dist = std::move(dd);
            found = true;
          }
        }
  if (!found) return Error(ErrorCode::internal, "CVSS 4.0: no highest-severity vector below the vector");

  const double step = 0.1;
  double d1 = dist["AV"] + dist["PR"] + dist["UI"];
  double d2 = dist["AC"] + dist["AT"];
  double d36 = dist["VC"] + dist["VI"] + dist["VA"] + dist["CR"] + dist["IR"] + dist["AR"];
  double d4 = dist["SC"] + dist["SI"] + dist["SA"];
  struct Part {
    double lower, distance, depth;
  };
  Part parts[] = {{lower1, d1, max_depth_eq1(eq1) * step},
                  {lower2, d2, max_depth_eq2(eq2) * step},
                  {lower36, d36, max_depth_eq3eq6(eq3, eq6) * step},
                  {lower4, d4, max_depth_eq4(eq4) * step},
                  {lower5, 0, 1 * step}};
  double sum = 0;
  int n = 0;
  for (auto& p : parts) {
    if (std::isnan(p.lower)) continue;
    double available = value - p.lower;
    sum += available * (p.distance / p.depth);
    ++n;
  }
  double mean = n ? sum / n : 0;
  value = std::clamp(value - mean, 0.0, 10.0);
  return std::round(value * 10.0 + 1e-6) / 10.0;
}

}  // namespace

std::string_view version_of(std::string_view vector) {
  if (vector.starts_with("CVSS:4.0/")) return "4.0";
  if (vector.starts_with("CVSS:3.1/")) return "3.1";
  if (vector.starts_with("CVSS:3.0/")) return "3.0";
  if (vector.starts_with("AV:") || vector.starts_with("(AV:")) return "2.0";
  return "";
}

Result<double> base_score(std::string_view vector) {
  std::string_view version = version_of(vector);
  Result<double> r = Error(ErrorCode::invalid_input, "");
  if (version == "4.0") {
    r = v4(vector.substr(9));
  } else if (version == "3.1" || version == "3.0") {
    r = v3(vector.substr(9), version == "3.1");
  } else if (version == "2.0") {
    std::string_view body = vector;
    if (body.starts_with("(")) {
      if (!body.ends_with(")")) return Error(ErrorCode::invalid_input, "CVSS 2.0 vector opens '(' without ')'");
      body = body.substr(1, body.size() - 2);
    }
    r = v2(body);
  } else {
    return Error(ErrorCode::invalid_input,
                 fmt::format("not a CVSS vector: '{}' (want CVSS:3.x/..., CVSS:4.0/... or AV:.../Au:...)",
                             vector.substr(0, 60)));
  }
  if (!r.ok()) return Error(r.error().code(), fmt::format("{}: {}", vector.substr(0, 120), r.error().message()));
  return r;
}

std::string severity(double score, std::string_view version) { return severity_from_score(score, version); }

}  // namespace dagda::vulndb::cvss

namespace dagda::vulndb {

std::optional<Cvss> cvss_from_vector(std::string_view vector, std::string_view source) {
  auto score = cvss::base_score(vector);
  if (!score.ok()) return std::nullopt;
  Cvss c;
  c.version = std::string(cvss::version_of(vector));
  c.vector = std::string(vector);
  c.score = *score;
  c.severity = severity_from_score(c.score, c.version);
  c.source = std::string(source);
  c.computed = true;
  return c;
}

}  // namespace dagda::vulndb
