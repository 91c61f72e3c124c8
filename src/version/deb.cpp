// Debian versions: [epoch:]upstream[-revision], compared as dpkg does
// (deb-version(7)): epochs numerically, then upstream and revision with
// verrevcmp, where '~' sorts before everything, even the end of the string.
#include "version/detail.hpp"
#include "version/ecosystems.hpp"

namespace dagda::version::deb {
namespace {

using namespace detail;
constexpr std::string_view kEco = "deb";

struct Parsed {
  std::string_view epoch;  // digits, or empty for 0
  std::string_view upstream;
  std::string_view revision;
};

// Mirrors dpkg's parseversion(): returns the reason the version is invalid, or nullptr.
const char* parse(std::string_view v, Parsed* out) {
  if (v.empty()) return "version string is empty";
  for (char c : v)
    if (is_space(c)) return "version string has embedded spaces";
  size_t colon = v.find(':');
  std::string_view rest = v;
  out->epoch = {};
  if (colon != std::string_view::npos) {
    std::string_view e = v.substr(0, colon);
    if (e.empty()) return "epoch in version is empty";
    if (!all_digits(e)) return "epoch in version is not number";
    if (compare_digits(e, uint64_t{2147483647}) > 0) return "epoch in version is too big";
    out->epoch = e;
    rest = v.substr(colon + 1);
    if (rest.empty()) return "nothing after colon in version number";
  }
  size_t dash = rest.rfind('-');
  if (dash != std::string_view::npos) {
    out->upstream = rest.substr(0, dash);
    out->revision = rest.substr(dash + 1);
    if (out->revision.empty()) return "revision number is empty";
  } else {
    out->upstream = rest;
    out->revision = {};
  }
  if (out->upstream.empty()) return "version number is empty";
  if (!is_digit(out->upstream[0])) return "version number does not start with digit";
  for (char c : out->upstream)
    if (!is_alnum(c) && c != '.' && c != '-' && c != '+' && c != '~' && c != ':')
      return "invalid character in version number";
  for (char c : out->revision)
    if (!is_alnum(c) && c != '.' && c != '+' && c != '~') return "invalid character in revision number";
  return nullptr;
}

// dpkg's character weight: letters first, then the other symbols; '~' lowest.
int order(char c) {
  if (is_digit(c)) return 0;
  if (is_alpha(c)) return static_cast<unsigned char>(c);
  if (c == '~') return -1;
  if (c) return static_cast<unsigned char>(c) + 256;
  return 0;
}

int verrevcmp(std::string_view a, std::string_view b) {
  size_t i = 0, j = 0;
  while (i < a.size() || j < b.size()) {
    int first_diff = 0;
    while ((i < a.size() && !is_digit(a[i])) || (j < b.size() && !is_digit(b[j]))) {
      int ac = i < a.size() ? order(a[i]) : 0;
      int bc = j < b.size() ? order(b[j]) : 0;
      if (ac != bc) return ac < bc ? -1 : 1;
      ++i;
      ++j;
    }
    while (i < a.size() && a[i] == '0') ++i;
    while (j < b.size() && b[j] == '0') ++j;
    while (i < a.size() && is_digit(a[i]) && j < b.size() && is_digit(b[j])) {
      if (!first_diff) first_diff = a[i] - b[j];
      ++i;
      ++j;
    }
    if (i < a.size() && is_digit(a[i])) return 1;
    if (j < b.size() && is_digit(b[j])) return -1;
    if (first_diff) return first_diff < 0 ? -1 : 1;
  }
  return 0;
}

}  // namespace

bool valid(std::string_view v) {
  Parsed p;
  return parse(v, &p) == nullptr;
}

Result<int> compare(std::string_view a, std::string_view b) {
  Parsed pa, pb;
  if (const char* why = parse(a, &pa)) return invalid_version(kEco, a, why);
  if (const char* why = parse(b, &pb)) return invalid_version(kEco, b, why);
  int c = compare_digits(pa.epoch, pb.epoch);
  if (c) return c;
  c = verrevcmp(pa.upstream, pb.upstream);
  if (c) return c;
  return verrevcmp(pa.revision, pb.revision);
}

// Terms as in Debian relationship fields and trackers: "<< 1.2-3", ">= 1.0", "= 2".
Result<bool> satisfies(std::string_view version, std::string_view range) {
  if (!valid(version)) return compare(version, version).error();
  return eval_terms(kEco, range, [&](const Term& t) -> Result<bool> {
    Op op;
    if (!parse_op(t.op, &op)) return invalid_range(kEco, range, "unknown operator");
    DAGDA_ASSIGN_OR_RETURN(int c, compare(version, t.version));
    return op_holds(op, c);
  });
}

}  // namespace dagda::version::deb
