// scanners/secret.hpp: the secret scanner. Our own rules (cloud keys, service tokens,
// private keys, JWTs, passwords in config files, .npmrc/.pypirc/docker config.json
// credentials), run only where their keywords occur (one pass of Hyperscan over the text), with
// entropy checks on the generic ones. Files are scanned as they stream past, a bounded window
// at a time; binaries (a NUL in the first bytes) are skipped. Every secret is masked before it
// leaves this file.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.hpp"
#include "layers/layer_index.hpp"

namespace dagda::scanners {

struct SecretRule {
  std::string id;
  std::string title;
  std::string severity;               // critical/high/medium/low
  std::vector<std::string> keywords;  // the rule runs only where one occurs (any case, unless exact_keywords)
  std::string regex;                  // RE2; capture group 1, when there is one, is the secret
  double min_entropy = 0;             // Shannon bits per character the secret must reach
  std::string path;                   // RE2 a file's path must contain a match of (empty: any file)
  bool placeholders = false;          // drop values that look like placeholders (changeme, ${VAR}, xxxx)
  bool exact_keywords = false;        // the keywords occur in the case given (built-in rules that mind case)
};

// The rules Dagda ships.
const std::vector<SecretRule>& builtin_secret_rules();

// Custom rules and allow-lists (a YAML file, docs/secrets.md).
struct SecretConfig {
  std::vector<SecretRule> rules;          // added to the built-in ones
  std::vector<std::string> disable;       // rule ids turned off
  std::vector<std::string> allow_paths;   // RE2: files whose path matches are not scanned
  std::vector<std::string> allow_values;  // RE2: secrets that match are not reported
};
Result<SecretConfig> load_secret_config(const std::string& file);
// The same from text; `file` names it in errors.
Result<SecretConfig> parse_secret_config(std::string_view text, const std::string& file);

struct SecretHit {
  std::string rule;
  std::string title;
  std::string severity;
  uint64_t line = 0;     // 1-based, 0 when the text has no lines (an Env entry)
  std::string evidence;  // the line around the secret, the secret masked
  std::string secret_digest;  // SHA-256 of the secret, to recognise the same one twice
};

struct SecretLimits {
  uint64_t max_file_bytes = 32ull << 20;  // a file is scanned in its first bytes only past this
  size_t window = 1u << 20;               // bytes held per file at a time
  size_t overlap = 16u << 10;             // kept between windows, so a secret cut by one is whole in the next
};

class SecretScanner {
 public:
  static Result<std::unique_ptr<SecretScanner>> create(const SecretConfig& config, SecretLimits limits = {});
  ~SecretScanner();

  // False for paths never scanned (documentation, test folders, the allow-list).
  bool scans_path(std::string_view path) const;
  // Scans a whole text (the hits' lines count from first_line); `path` selects path-bound rules.
  void scan(std::string_view text, std::string_view path, uint64_t first_line, std::vector<SecretHit>& out) const;
  // An image config Env entry "KEY=value": the rules, then the key's name (a password, a token).
  void scan_env(std::string_view entry, std::vector<SecretHit>& out) const;
  // A sink for one file of a layer, `size` bytes long (0: unknown); `done` receives its hits (none:
  // not called); `truncated` is called when the file is cut at max_file_bytes.
  std::unique_ptr<ContentSink> sink(std::string path, uint64_t size, std::function<void(std::vector<SecretHit>)> done,
                                    std::function<void()> truncated = {}) const;

  // Files cut at max_file_bytes so far (a warning counts them).
  uint64_t truncated_files() const { return truncated_.load(); }

 private:
  struct Impl;
  explicit SecretScanner(std::unique_ptr<Impl> impl, SecretLimits limits);
  std::unique_ptr<Impl> impl_;
  SecretLimits limits_;
  mutable std::atomic<uint64_t> truncated_{0};
  friend class SecretSink;
};

// What the findings of a scanner made from `config` with `limits` depend on: the built-in rules'
// version and definitions, the custom rules, the disabled ids and the allow-lists (a digest).
std::string secret_rules_digest(const SecretConfig& config, const SecretLimits& limits = {});

// The secret as it may be shown: its first characters when it is long, then stars.
std::string mask_secret(std::string_view secret);

// Shannon entropy, in bits per character.
double shannon_entropy(std::string_view s);

}  // namespace dagda::scanners
