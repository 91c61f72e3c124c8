#include "ecosystem/names.hpp"

#include <array>
#include <utility>

#include "ecosystem/ecosystem.hpp"

namespace dagda::eco {
namespace {

using Pair = std::pair<std::string_view, std::string_view>;

constexpr std::array<Pair, 20> kDebian = {{
    {"buzz", "1.1"},     {"rex", "1.2"},       {"bo", "1.3"},       {"hamm", "2.0"},     {"slink", "2.1"},
    {"potato", "2.2"},   {"woody", "3.0"},     {"sarge", "3.1"},    {"etch", "4"},       {"lenny", "5"},
    {"squeeze", "6"},    {"wheezy", "7"},      {"jessie", "8"},     {"stretch", "9"},    {"buster", "10"},
    {"bullseye", "11"},  {"bookworm", "12"},   {"trixie", "13"},    {"forky", "14"},     {"duke", "15"},
}};

constexpr std::array<Pair, 44> kUbuntu = {{
    {"warty", "4.10"},    {"hoary", "5.04"},    {"breezy", "5.10"},   {"dapper", "6.06"},   {"edgy", "6.10"},
    {"feisty", "7.04"},   {"gutsy", "7.10"},    {"hardy", "8.04"},    {"intrepid", "8.10"}, {"jaunty", "9.04"},
    {"karmic", "9.10"},   {"lucid", "10.04"},   {"maverick", "10.10"},{"natty", "11.04"},   {"oneiric", "11.10"},
    {"precise", "12.04"}, {"quantal", "12.10"}, {"raring", "13.04"},  {"saucy", "13.10"},   {"trusty", "14.04"},
    {"utopic", "14.10"},  {"vivid", "15.04"},   {"wily", "15.10"},    {"xenial", "16.04"},  {"yakkety", "16.10"},
    {"zesty", "17.04"},   {"artful", "17.10"},  {"bionic", "18.04"},  {"cosmic", "18.10"},  {"disco", "19.04"},
    {"eoan", "19.10"},    {"focal", "20.04"},   {"groovy", "20.10"},  {"hirsute", "21.04"}, {"impish", "21.10"},
    {"jammy", "22.04"},   {"kinetic", "22.10"}, {"lunar", "23.04"},   {"mantic", "23.10"},  {"noble", "24.04"},
    {"oracular", "24.10"},{"plucky", "25.04"},  {"questing", "25.10"},{"resolute", "26.04"},
}};

char lower_char(char c) { return c >= 'A' && c <= 'Z' ? char(c - 'A' + 'a') : c; }

std::string lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = lower_char(c);
  return out;
}

template <size_t N>
std::string lookup(const std::array<Pair, N>& table, std::string_view codename) {
  std::string l = lower(codename);
  for (auto& [k, v] : table)
    if (k == l) return std::string(v);
  return "";
}

bool all_digits_dots(std::string_view s) {
  if (s.empty() || s.front() == '.') return false;
  for (char c : s)
    if (!(c >= '0' && c <= '9') && c != '.') return false;
  return true;
}

// "3.10.4" -> "3.10"; "v3.10" -> "3.10".
std::string major_minor(std::string_view v) {
  if (!v.empty() && (v[0] == 'v' || v[0] == 'V')) v.remove_prefix(1);
  auto dot = v.find('.');
  if (dot == std::string_view::npos) return std::string(v);
  auto dot2 = v.find('.', dot + 1);
  return std::string(v.substr(0, dot2));
}

std::string major(std::string_view v) { return std::string(v.substr(0, v.find('.'))); }

}  // namespace

std::string lower_name(std::string_view name) { return lower(name); }

std::string pep503_name(std::string_view name) {
  std::string out;
  for (char c : name) {
    char l = lower_char(c);
    if (l == '-' || l == '_' || l == '.') {
      if (out.empty() || out.back() != '-') out += '-';
    } else {
      out += l;
    }
  }
  return out;
}

std::string maven_name(std::string_view name) {
  std::string out(name);
  for (auto& c : out)
    if (c == '/') c = ':';
  return out;
}

std::string debian_release_number(std::string_view codename) { return lookup(kDebian, codename); }
std::string ubuntu_release_number(std::string_view codename) { return lookup(kUbuntu, codename); }

std::string debian_release(std::string_view release) {
  std::string r = lower(release);
  if (r == "sid" || r == "unstable") return "sid";
  if (all_digits_dots(r)) return major(r);
  std::string n = debian_release_number(r);
  return n.empty() ? "" : major(n);
}

std::string ubuntu_release(std::string_view release) {
  std::string r = lower(release);
  if (all_digits_dots(r)) return major_minor(r);
  return ubuntu_release_number(r);
}

std::string alpine_release(std::string_view release) {
  std::string r = lower(release);
  if (r == "edge") return "edge";
  std::string mm = major_minor(r);
  return all_digits_dots(mm) ? mm : "";
}

std::string major_release(std::string_view release) {
  std::string r = lower(release);
  std::string m = major(r.starts_with("el") ? std::string_view(r).substr(2) : std::string_view(r));
  return all_digits_dots(m) ? m : "";
}

std::string major_minor_release(std::string_view release) {
  std::string r = lower(release);
  // "15-sp5", "15 sp5", "15sp5" -> "15.5"
  if (auto sp = r.find("sp"); sp != std::string::npos) {
    std::string_view head = std::string_view(r).substr(0, sp);
    while (!head.empty() && (head.back() == '-' || head.back() == ' ' || head.back() == '_')) head.remove_suffix(1);
    std::string_view pack = std::string_view(r).substr(sp + 2);
    if (!all_digits_dots(head) || head.find('.') != std::string_view::npos || pack.empty() ||
        pack.find('.') != std::string_view::npos || !all_digits_dots(pack))
      return "";
    return std::string(head) + "." + std::string(pack);
  }
  std::string mm = major_minor(r);
  return all_digits_dots(mm) ? mm : "";
}

std::string amazon_release(std::string_view release) {
  std::string r = lower(release);
  std::string m = major(r);
  if (!all_digits_dots(m)) return "";
  // Amazon Linux 1 releases are named by date (2016.09, 2017.03, 2018.03); 2022 and 2023 are releases.
  if (m.size() == 4 && m != "2022" && m != "2023" && m < "2022") return "1";
  return m;
}

std::string rolling_release(std::string_view release) {
  (void)release;
  return "rolling";
}

}  // namespace dagda::eco
