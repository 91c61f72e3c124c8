#include "scanners/secret.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <re2/re2.h>

#include <array>
#include <cmath>
#include <set>

#include <nlohmann/json.hpp>

#include "common/digest.hpp"
#include "common/fs.hpp"
#include "common/yaml.hpp"
#include "scanners/keyword_filter.hpp"

namespace dagda::scanners {
namespace {

// Raised by hand when the scanning code changes what a rule set finds (the rules' own text is in
// the digest already): cached per-layer results made by an older scanner are then not used.
constexpr std::string_view kSecretRulesVersion = "secret-rules-2";

// Where credentials live in config files (the generic "password = ..." rule runs only there).
constexpr std::string_view kConfigFiles =
    R"((?i)(\.(env|conf|cfg|cnf|ini|properties|ya?ml|toml|json|xml|netrc)$|(^|/)\.env(\.[a-z]+)?$|(^|/)\.netrc$))";

// Paths never scanned: documentation and the test data of packages (their keys are examples).
constexpr std::string_view kSkippedPaths =
    R"(^(usr/share/(doc|man|info|locale|i18n|zoneinfo|licenses|common-licenses)/|usr/include/)|)"
    R"((^|/)(tests?|testdata|testing|__tests__|test_data|fixtures|examples?)/|)"
    // The CI settings npm packages ship (debug's .coveralls.yml holds its authors' token, not the image's).
    R"((^|/)node_modules/(.*/)?\.[a-z-]+\.ya?ml$)";

std::vector<SecretRule> make_builtin() {
  std::vector<SecretRule> r;
  r.push_back({"aws-access-key-id", "AWS access key ID", "critical", {"AKIA", "ASIA", "ABIA", "ACCA"},
               R"(\b((?:AKIA|ASIA|ABIA|ACCA)[A-Z2-7]{16})\b)"});
  r.push_back({"aws-secret-access-key", "AWS secret access key", "critical",
               {"secret_access_key", "secretaccesskey", "secret-access-key"},
               R"((?i)aws.?secret.?access.?key["']?\s*[:=]\s*["']?([A-Za-z0-9/+=]{40})\b)", 3.5});
  r.push_back({"github-token", "GitHub token", "critical", {"ghp_", "gho_", "ghu_", "ghs_", "ghr_"},
               R"(\b((?:ghp|gho|ghu|ghs|ghr)_[A-Za-z0-9]{36})\b)", 3.0});
  r.push_back({"github-fine-grained-token", "GitHub fine-grained personal access token", "critical",
               {"github_pat_"}, R"(\b(github_pat_[A-Za-z0-9_]{82})\b)", 3.0});
  r.push_back({"gitlab-token", "GitLab personal access token", "critical", {"glpat-"},
               R"(\b(glpat-[A-Za-z0-9_-]{20})\b)", 3.0});
  r.push_back({"slack-token", "Slack token", "high", {"xoxb-", "xoxa-", "xoxp-", "xoxr-", "xoxs-"},
               R"(\b(xox[abprs]-[0-9]{10,13}-[A-Za-z0-9-]{10,})\b)", 3.0});
  r.push_back({"slack-webhook", "Slack incoming webhook", "medium", {"hooks.slack.com"},
               R"(https://hooks\.slack\.com/services/(T[A-Z0-9]{8,}/B[A-Z0-9]{8,}/[A-Za-z0-9]{20,}))"});
  r.push_back({"stripe-secret-key", "Stripe secret key", "critical", {"sk_live_", "rk_live_"},
               R"(\b((?:sk|rk)_live_[A-Za-z0-9]{24,99})\b)", 3.0});
  r.push_back({"google-api-key", "Google API key", "high", {"AIza"}, R"(\b(AIza[0-9A-Za-z_-]{35})\b)", 3.0});
  r.push_back({"npm-access-token", "npm access token", "critical", {"npm_"}, R"(\b(npm_[A-Za-z0-9]{36})\b)", 3.0});
  r.push_back({"pypi-upload-token", "PyPI upload token", "critical", {"pypi-AgEIcHlwaS5vcmc"},
               R"(\b(pypi-AgEIcHlwaS5vcmc[A-Za-z0-9_-]{50,})\b)"});
  r.push_back({"sendgrid-api-key", "SendGrid API key", "high", {"SG."},
               R"(\b(SG\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43})\b)", 3.0});
  r.push_back({"private-key", "PEM private key", "high", {"PRIVATE KEY-----"},
               R"(-----BEGIN[ A-Z0-9]*PRIVATE KEY-----\s*((?:[A-Za-z0-9-]+:[^\n]*\n\s*)*[A-Za-z0-9+/=\s]{64,}?)-----END)"});
  r.push_back({"jwt", "JSON Web Token", "medium", {"eyJ"},
               R"(\b(eyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{16,})\b)", 3.0});
  r.push_back({"npmrc-auth", ".npmrc registry credentials", "high", {"_auth", "_password"},
               R"((?m)(?:^|:)(?:_authToken|_auth|_password)\s*=\s*["']?([^\s"'$]{8,}))", 0, R"((^|/)\.npmrc$)",
               true});
  r.push_back({"pypirc-password", ".pypirc repository password", "high", {"password"},
               R"((?m)^\s*password\s*[:=]\s*([^\s]{6,}))", 0, R"((^|/)\.pypirc$)", true});
  r.push_back({"docker-config-auth", "Docker registry credentials (config.json)", "high", {"\"auth\""},
               R"re("auth"\s*:\s*"([A-Za-z0-9+/=]{8,})")re", 0, R"((^|/)\.docker/config\.json$|(^|/)config\.json$)"});
  r.push_back({"password-in-config", "Password or token in a configuration file", "high",
               {"password", "passwd", "secret", "token", "api_key", "apikey", "access_key"},
               R"((?i)\b[a-z0-9_.-]*(?:password|passwd|secret|token|api_?key|access_?key)["']?\s*[:=]\s*["']?([^\s"'<>;,]{8,}))",
               3.0, std::string(kConfigFiles), true});
  // Keywords are literal parts of every match of their rule's expression: a rule whose expression
  // minds case finds its keywords in their case (no pass of the rule for "msg." or "Asia/Tokyo").
  for (SecretRule& rule : r) rule.exact_keywords = !rule.regex.starts_with("(?i)");
  return r;
}

bool placeholder(std::string_view v) {
  std::string low;
  for (char c : v) low.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  for (std::string_view p : {"${", "{{", "%(", "<", "changeme", "change_me", "example", "placeholder", "xxxx",
                             "****", "dummy", "redacted", "your_", "your-", "insert", "replace", "password",
                             "secret", "token", "null", "none", "false", "true", "/dev/", "$(", "%s"})
    if (low.find(p) != std::string::npos) return true;
  if (low.front() == '$' || low.front() == '@') return true;  // a variable
  std::set<char> distinct(low.begin(), low.end());
  return distinct.size() < 4;
}

uint64_t count_lines(std::string_view s) { return static_cast<uint64_t>(std::count(s.begin(), s.end(), '\n')); }

// The line holding [begin, end) of text, at most ~120 characters around it, the secret masked.
std::string evidence_of(std::string_view text, size_t begin, size_t end) {
  size_t ls = text.rfind('\n', begin);
  ls = ls == std::string_view::npos ? 0 : ls + 1;
  size_t le = text.find('\n', end);
  if (le == std::string_view::npos) le = text.size();
  if (end > le) end = le;  // a secret over several lines: shown up to its first line's end
  size_t from = begin > ls + 48 ? begin - 48 : ls;
  size_t to = std::min(le, end + 48);
  std::string out;
  if (from > ls) out += "...";
  out += text.substr(from, begin - from);
  out += mask_secret(text.substr(begin, end - begin));
  out += text.substr(end, to - end);
  if (to < le) out += "...";
  for (char& c : out)
    if (static_cast<unsigned char>(c) < 0x20 && c != '\t') c = ' ';
  return out;
}

}  // namespace

const std::vector<SecretRule>& builtin_secret_rules() {
  static const std::vector<SecretRule> rules = make_builtin();
  return rules;
}

std::string mask_secret(std::string_view secret) {
  const size_t shown = secret.size() >= 16 ? 4 : 0;
  std::string out(secret.substr(0, shown));
  out.append(std::min<size_t>(secret.size() - shown, 32), '*');
  return out;
}

double shannon_entropy(std::string_view s) {
  if (s.empty()) return 0;
  std::array<size_t, 256> count{};
  for (unsigned char c : s) ++count[c];
  double h = 0;
  for (size_t n : count)
    if (n) {
      double p = static_cast<double>(n) / static_cast<double>(s.size());
      h -= p * std::log2(p);
    }
  return h;
}

struct CompiledRule {
  SecretRule rule;
  std::unique_ptr<RE2> re;
  std::unique_ptr<RE2> path;
};

struct SecretScanner::Impl {
  std::vector<CompiledRule> rules;
  std::unique_ptr<KeywordFilter> keywords;  // ids are rule indexes
  std::vector<size_t> with_keywords;    // the rules the filter can select
  std::vector<size_t> always;           // rules without keywords
  std::unique_ptr<RE2> skipped;
  std::vector<std::unique_ptr<RE2>> allow_paths, allow_values;
  std::unique_ptr<RE2> env_key;
};

SecretScanner::SecretScanner(std::unique_ptr<Impl> impl, SecretLimits limits)
    : impl_(std::move(impl)), limits_(limits) {}
SecretScanner::~SecretScanner() = default;

Result<std::unique_ptr<SecretScanner>> SecretScanner::create(const SecretConfig& config, SecretLimits limits) {
  auto impl = std::make_unique<Impl>();
  RE2::Options opts;
  opts.set_log_errors(false);
  opts.set_max_mem(64 << 20);
  auto compile = [&](const std::string& pattern, const std::string& what) -> Result<std::unique_ptr<RE2>> {
    auto re = std::make_unique<RE2>(pattern, opts);
    if (!re->ok()) return Error(ErrorCode::invalid_input, fmt::format("{}: bad regular expression: {}", what, re->error()));
    return re;
  };
  std::vector<SecretRule> all = builtin_secret_rules();
  all.insert(all.end(), config.rules.begin(), config.rules.end());
  std::vector<Keyword> words;
  for (SecretRule& r : all) {
    if (std::find(config.disable.begin(), config.disable.end(), r.id) != config.disable.end()) continue;
    CompiledRule c;
    DAGDA_ASSIGN_OR_RETURN(c.re, compile(r.regex, "secret rule " + r.id));
    if (c.re->NumberOfCapturingGroups() > 1)
      return Error(ErrorCode::invalid_input, fmt::format("secret rule {}: at most one capture group (the secret)", r.id));
    if (!r.path.empty()) {
      DAGDA_ASSIGN_OR_RETURN(c.path, compile(r.path, "secret rule " + r.id + " path"));
    }
    const size_t index = impl->rules.size();
    if (r.keywords.empty()) {
      impl->always.push_back(index);
    } else {
      for (const std::string& k : r.keywords) {
        if (k.empty()) return Error(ErrorCode::invalid_input, fmt::format("secret rule {}: an empty keyword", r.id));
        words.push_back({k, static_cast<unsigned>(index), !r.exact_keywords});
      }
      impl->with_keywords.push_back(index);
    }
    c.rule = std::move(r);
    impl->rules.push_back(std::move(c));
  }
  DAGDA_ASSIGN_OR_RETURN(impl->keywords, KeywordFilter::create(words));
  DAGDA_ASSIGN_OR_RETURN(impl->skipped, compile(std::string(kSkippedPaths), "skipped paths"));
  for (const auto& p : config.allow_paths) {
    DAGDA_ASSIGN_OR_RETURN(auto re, compile(p, "allow-listed path"));
    impl->allow_paths.push_back(std::move(re));
  }
  for (const auto& v : config.allow_values) {
    DAGDA_ASSIGN_OR_RETURN(auto re, compile(v, "allow-listed value"));
    impl->allow_values.push_back(std::move(re));
  }
  DAGDA_ASSIGN_OR_RETURN(
      impl->env_key,
      compile(R"((?i)(pass(word|wd)?|secret|token|api_?key|access_?key|private_?key|credentials?)$)", "env keys"));
  return std::unique_ptr<SecretScanner>(new SecretScanner(std::move(impl), limits));
}

bool SecretScanner::scans_path(std::string_view path) const {
  if (RE2::PartialMatch(path, *impl_->skipped)) return false;
  for (const auto& re : impl_->allow_paths)
    if (RE2::PartialMatch(path, *re)) return false;
  return true;
}

void SecretScanner::scan(std::string_view text, std::string_view path, uint64_t first_line,
                         std::vector<SecretHit>& out) const {
  std::vector<unsigned> matched;
  std::vector<size_t> run = impl_->always;
  if (impl_->keywords->match(text, matched))
    run.insert(run.end(), matched.begin(), matched.end());
  else  // the prefilter failed: every rule runs rather than none
    run.insert(run.end(), impl_->with_keywords.begin(), impl_->with_keywords.end());
  std::sort(run.begin(), run.end());
  // A secret two rules find (a GitHub token in a password line) is reported by the first, the most specific.
  std::set<std::pair<std::string, uint64_t>> taken;
  for (size_t ri : run) {
    const CompiledRule& c = impl_->rules[ri];
    if (c.path && !RE2::PartialMatch(path, *c.path)) continue;
    std::string_view rest = text;
    std::string_view whole, secret;
    const bool grouped = c.re->NumberOfCapturingGroups() == 1;
    int found = 0;
    while (found < 100) {
      std::array<re2::StringPiece, 2> groups;
      const size_t start = static_cast<size_t>(rest.data() - text.data());
      if (!c.re->Match(re2::StringPiece(text.data(), text.size()), start, text.size(), RE2::UNANCHORED,
                       groups.data(), grouped ? 2 : 1))
        break;
      whole = std::string_view(groups[0].data(), groups[0].size());
      secret = grouped && groups[1].data() ? std::string_view(groups[1].data(), groups[1].size()) : whole;
      size_t next = static_cast<size_t>(whole.data() - text.data()) + std::max<size_t>(whole.size(), 1);
      rest = text.substr(std::min(next, text.size()));
      if (c.rule.min_entropy > 0 && shannon_entropy(secret) < c.rule.min_entropy) continue;
      if (c.rule.placeholders && placeholder(secret)) continue;
      bool allowed = false;
      for (const auto& re : impl_->allow_values) allowed = allowed || RE2::PartialMatch(secret, *re);
      if (allowed) continue;
      const size_t b = static_cast<size_t>(secret.data() - text.data());
      SecretHit h;
      h.rule = c.rule.id;
      h.title = c.rule.title;
      h.severity = c.rule.severity;
      h.line = first_line ? first_line + count_lines(text.substr(0, b)) : 0;
      h.evidence = evidence_of(text, b, b + secret.size());
      h.secret_digest = sha256_hex(secret);
      if (!taken.emplace(h.secret_digest, b).second) continue;
      out.push_back(std::move(h));
      ++found;
    }
  }
}

void SecretScanner::scan_env(std::string_view entry, std::vector<SecretHit>& out) const {
  const size_t before = out.size();
  scan(entry, "", 0, out);
  if (out.size() > before) return;
  size_t eq = entry.find('=');
  if (eq == std::string_view::npos) return;
  std::string_view key = entry.substr(0, eq), value = entry.substr(eq + 1);
  if (!RE2::PartialMatch(key, *impl_->env_key) || value.size() < 8 || placeholder(value) ||
      shannon_entropy(value) < 3.0)
    return;
  for (const auto& re : impl_->allow_values)
    if (RE2::PartialMatch(value, *re)) return;
  SecretHit h;
  h.rule = "env-secret";
  h.title = "Secret in an environment variable";
  h.severity = "high";
  h.evidence = std::string(key) + "=" + mask_secret(value);
  h.secret_digest = sha256_hex(value);
  out.push_back(std::move(h));
}

// One file: windows of the stream, scanned as they fill, the overlap kept between them.
class SecretSink final : public ContentSink {
 public:
  SecretSink(const SecretScanner& s, std::string path, uint64_t size, std::function<void(std::vector<SecretHit>)> done,
             std::function<void()> truncated)
      : s_(s), path_(std::move(path)), size_(size), done_(std::move(done)), truncated_(std::move(truncated)) {}

  bool feed(std::string_view chunk) override {
    if (seen_ == 0) {
      // A NUL in the first bytes: a binary, whose text is not config.
      if (chunk.substr(0, 8192).find('\0') != std::string_view::npos) return false;
      // The whole file in one chunk (most are small): scanned where it lies, not copied.
      if (size_ != 0 && chunk.size() == size_ && size_ <= s_.limits_.window + s_.limits_.overlap &&
          size_ <= s_.limits_.max_file_bytes) {
        seen_ = size_;
        collect(chunk);
        return true;
      }
    }
    const uint64_t room = s_.limits_.max_file_bytes - seen_;
    if (chunk.size() > room) chunk = chunk.substr(0, static_cast<size_t>(room));
    seen_ += chunk.size();
    buf_.append(chunk);
    if (buf_.size() >= s_.limits_.window + s_.limits_.overlap) scan_window(false);
    if (seen_ >= s_.limits_.max_file_bytes) {
      s_.truncated_.fetch_add(1);
      if (truncated_) truncated_();
      return false;
    }
    return true;
  }

  void finish() override {
    if (!buf_.empty()) scan_window(true);
    if (!hits_.empty()) done_(std::move(hits_));
  }

 private:
  void collect(std::string_view text) {
    std::vector<SecretHit> found;
    s_.scan(text, path_, line_, found);
    for (SecretHit& h : found)
      if (seen_hits_.insert(h.rule + '\0' + h.secret_digest + '\0' + std::to_string(h.line)).second)
        hits_.push_back(std::move(h));
  }

  void scan_window(bool last) {
    collect(buf_);
    if (last) return;
    const size_t drop = buf_.size() - s_.limits_.overlap;
    line_ += count_lines(std::string_view(buf_).substr(0, drop));
    buf_.erase(0, drop);
  }

  const SecretScanner& s_;
  std::string path_;
  uint64_t size_;  // the file's size when known, else 0
  std::function<void(std::vector<SecretHit>)> done_;
  std::function<void()> truncated_;
  std::string buf_;
  uint64_t seen_ = 0, line_ = 1;
  std::vector<SecretHit> hits_;
  std::set<std::string> seen_hits_;
};

std::unique_ptr<ContentSink> SecretScanner::sink(std::string path, uint64_t size,
                                                 std::function<void(std::vector<SecretHit>)> done,
                                                 std::function<void()> truncated) const {
  if (!scans_path(path)) return nullptr;
  return std::make_unique<SecretSink>(*this, std::move(path), size, std::move(done), std::move(truncated));
}

std::string secret_rules_digest(const SecretConfig& config, const SecretLimits& limits) {
  std::string text = fmt::format("{}\nlimits {} {} {}\n", kSecretRulesVersion, limits.max_file_bytes, limits.window,
                                 limits.overlap);
  auto add_rule = [&](const SecretRule& r) {
    text += fmt::format("rule {}\x1f{}\x1f{}\x1f{}\x1f{}\x1f{}\x1f{}\x1f{}\x1f{}\n", r.id, r.title, r.severity,
                        fmt::join(r.keywords, "\x1e"), r.regex, r.min_entropy, r.path, r.placeholders,
                        r.exact_keywords);
  };
  for (const SecretRule& r : builtin_secret_rules()) add_rule(r);
  text += "custom\n";
  for (const SecretRule& r : config.rules) add_rule(r);
  text += fmt::format("disable {}\nallow_paths {}\nallow_values {}\n", fmt::join(config.disable, "\x1e"),
                      fmt::join(config.allow_paths, "\x1e"), fmt::join(config.allow_values, "\x1e"));
  return sha256_hex(text);
}

Result<SecretConfig> load_secret_config(const std::string& file) {
  DAGDA_ASSIGN_OR_RETURN(std::string text, read_file(file, 4u << 20));
  return parse_secret_config(text, file);
}

Result<SecretConfig> parse_secret_config(std::string_view text, const std::string& file) {
  DAGDA_ASSIGN_OR_RETURN(std::string json_text, yaml::to_json(text, file));
  auto j = nlohmann::json::parse(json_text, nullptr, false);
  SecretConfig c;
  if (j.is_null()) return c;
  auto bad = [&](std::string what) { return Error(ErrorCode::invalid_input, std::move(what), {.file = file}); };
  if (!j.is_object()) return bad("the secret configuration is not a mapping");
  auto strings = [&](const char* key, std::vector<std::string>& out) -> Status {
    if (!j.contains(key)) return ok_status();
    if (!j[key].is_array()) return bad(fmt::format("`{}` is not a list", key));
    for (auto& v : j[key]) {
      if (!v.is_string()) return bad(fmt::format("`{}` holds something that is not a string", key));
      out.push_back(v.get<std::string>());
    }
    return ok_status();
  };
  for (auto& [k, v] : j.items())
    if (k != "rules" && k != "disable" && k != "allow_paths" && k != "allow_values")
      return bad(fmt::format("unknown key `{}` (rules, disable, allow_paths, allow_values)", k));
  DAGDA_TRY(strings("disable", c.disable));
  DAGDA_TRY(strings("allow_paths", c.allow_paths));
  DAGDA_TRY(strings("allow_values", c.allow_values));
  if (j.contains("rules")) {
    if (!j["rules"].is_array()) return bad("`rules` is not a list");
    size_t i = 0;
    for (auto& r : j["rules"]) {
      ++i;
      if (!r.is_object()) return bad(fmt::format("rule {} is not a mapping", i));
      auto field = [&](const char* key) { return r.contains(key) && r[key].is_string() ? r[key].get<std::string>() : ""; };
      SecretRule rule;
      rule.id = field("id");
      rule.title = field("title");
      rule.severity = field("severity");
      rule.regex = field("regex");
      rule.path = field("path");
      if (rule.id.empty() || rule.regex.empty()) return bad(fmt::format("rule {} needs an `id` and a `regex`", i));
      if (rule.title.empty()) rule.title = rule.id;
      if (rule.severity.empty()) rule.severity = "high";
      if (rule.severity != "critical" && rule.severity != "high" && rule.severity != "medium" && rule.severity != "low")
        return bad(fmt::format("rule {}: severity `{}` is not critical, high, medium or low", rule.id, rule.severity));
      if (r.contains("keywords")) {
        if (!r["keywords"].is_array()) return bad(fmt::format("rule {}: `keywords` is not a list", rule.id));
        for (auto& k : r["keywords"]) {
          if (!k.is_string() || k.get<std::string>().empty())
            return bad(fmt::format("rule {}: a keyword is not a non-empty string", rule.id));
          std::string low = k.get<std::string>();
          for (char& ch : low) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
          rule.keywords.push_back(low);
        }
      }
      if (r.contains("entropy")) {
        const std::string e = r["entropy"].is_string() ? r["entropy"].get<std::string>() : "";
        char* end = nullptr;
        rule.min_entropy = std::strtod(e.c_str(), &end);
        if (e.empty() || *end != '\0' || rule.min_entropy < 0 || rule.min_entropy > 8)
          return bad(fmt::format("rule {}: `entropy` is not a number from 0 to 8", rule.id));
      }
      c.rules.push_back(std::move(rule));
    }
  }
  // Every expression must compile: a bad one is an error naming the file now, not at scan time.
  auto checked = SecretScanner::create(c);
  if (!checked.ok()) return checked.error().wrap("bad secret configuration", {.file = file});
  return c;
}

}  // namespace dagda::scanners
