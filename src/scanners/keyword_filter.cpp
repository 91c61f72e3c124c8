#include "scanners/keyword_filter.hpp"

#include <hs/hs.h>

#include <algorithm>

namespace dagda::scanners {

Result<std::unique_ptr<KeywordFilter>> KeywordFilter::create(const std::vector<Keyword>& keywords, size_t piece) {
  std::unique_ptr<KeywordFilter> f(new KeywordFilter());
  f->piece_ = std::clamp<size_t>(piece, 1, size_t{1} << 31);
  if (keywords.empty()) return f;
  if (hs_valid_platform() != HS_SUCCESS)
    return Error(ErrorCode::internal, "Hyperscan cannot run on this CPU (it needs SSSE3): the keyword prefilter is unavailable");
  std::vector<const char*> ptrs;
  std::vector<size_t> lens;
  std::vector<unsigned> flags, ids;
  for (const Keyword& k : keywords) {
    if (k.text.empty()) return Error(ErrorCode::invalid_input, "an empty keyword");
    ptrs.push_back(k.text.data());
    lens.push_back(k.text.size());
    flags.push_back(HS_FLAG_SINGLEMATCH | (k.caseless ? HS_FLAG_CASELESS : 0u));
    ids.push_back(k.id);
    f->longest_ = std::max(f->longest_, k.text.size());
  }
  if (f->longest_ > f->piece_) return Error(ErrorCode::invalid_input, "a keyword is longer than the scanning piece");
  hs_compile_error_t* err = nullptr;
  if (hs_compile_lit_multi(ptrs.data(), flags.data(), ids.data(), lens.data(), static_cast<unsigned>(ptrs.size()),
                           HS_MODE_BLOCK, nullptr, &f->db_, &err) != HS_SUCCESS) {
    std::string what = err && err->message ? err->message : "unknown error";
    hs_free_compile_error(err);
    return Error(ErrorCode::invalid_input, "the keywords do not compile: " + what);
  }
  hs_scratch_t* first = nullptr;
  if (hs_alloc_scratch(f->db_, &first) != HS_SUCCESS)
    return Error(ErrorCode::internal, "cannot allocate Hyperscan scratch space for the keywords");
  f->free_.push_back(first);
  return f;
}

KeywordFilter::~KeywordFilter() {
  for (hs_scratch_t* s : free_) hs_free_scratch(s);
  if (db_) hs_free_database(db_);
}

hs_scratch* KeywordFilter::acquire() const {
  std::lock_guard lock(mu_);
  if (free_.size() > 1) {
    hs_scratch_t* s = free_.back();
    free_.pop_back();
    return s;
  }
  hs_scratch_t* s = nullptr;
  return hs_clone_scratch(free_.front(), &s) == HS_SUCCESS ? s : nullptr;
}

void KeywordFilter::release(hs_scratch* s) const {
  std::lock_guard lock(mu_);
  free_.push_back(s);
}

bool KeywordFilter::match(std::string_view text, std::vector<unsigned>& ids) const {
  if (!db_ || text.empty()) return true;
  hs_scratch_t* scratch = acquire();
  if (!scratch) return false;  // no scratch space (out of memory): as if Hyperscan failed
  auto on_match = [](unsigned id, unsigned long long, unsigned long long, unsigned, void* ctx) -> int {
    static_cast<std::vector<unsigned>*>(ctx)->push_back(id);
    return 0;
  };
  bool ok = true;
  for (size_t at = 0;;) {
    const size_t n = std::min(text.size() - at, piece_);
    ok = hs_scan(db_, text.data() + at, static_cast<unsigned>(n), 0, scratch, on_match, &ids) == HS_SUCCESS;
    if (!ok || at + n >= text.size()) break;
    at += n - (longest_ - 1);
  }
  release(scratch);
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  return ok;
}

}  // namespace dagda::scanners
