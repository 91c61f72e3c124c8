#include <algorithm>
#include <cstring>
#include <archive.h>
#include <archive_entry.h>
#include <fmt/format.h>

#include "common/spill_file.hpp"
#include "layers/layer_index.hpp"
#include "layers/path.hpp"
#include "layers/utf8_names.hpp"

namespace dagda {
namespace {

struct ReadContext {
  ByteStream* in;
  std::vector<char> buf = std::vector<char>(1 << 20);
  std::optional<Error> error;  // the stream's own error, reported instead of libarchive's wording
  const std::atomic<bool>* cancel;
  uint64_t bytes = 0;
};

la_ssize_t read_cb(struct archive* a, void* p, const void** out) {
  auto* ctx = static_cast<ReadContext*>(p);
  if (ctx->cancel && ctx->cancel->load(std::memory_order_relaxed)) {
    archive_set_error(a, ECANCELED, "cancelled");
    return -1;
  }
  auto got = ctx->in->read(ctx->buf.data(), ctx->buf.size());
  if (!got.ok()) {
    ctx->error = std::move(got).error();
    archive_set_error(a, EIO, "%s", ctx->error->message().c_str());
    return -1;
  }
  ctx->bytes += *got;
  *out = ctx->buf.data();
  return static_cast<la_ssize_t>(*got);
}

// Looks for the probe's markers in a file that arrives in pieces. Each piece is searched where
// it lies (memmem, no copy); only the last bytes of the previous piece are held, for a marker
// that straddles two pieces.
class MarkerScan {
 public:
  explicit MarkerScan(const std::vector<ProbeMarker>& markers) : markers_(markers) {
    for (const ProbeMarker& m : markers_) longest_ = std::max(longest_, m.bytes.size());
  }
  void feed(std::string_view piece) {
    if (found_ || longest_ == 0 || piece.empty()) return;
    const size_t keep = longest_ - 1;
    if (!tail_.empty()) {
      std::string seam = tail_;
      seam.append(piece.substr(0, keep));
      if (search(seam, offset_ - tail_.size())) return;
    }
    if (search(piece, offset_)) return;
    offset_ += piece.size();
    if (piece.size() >= keep) {
      tail_.assign(piece.substr(piece.size() - keep));
    } else {
      tail_.append(piece);
      if (tail_.size() > keep) tail_.erase(0, tail_.size() - keep);
    }
  }
  bool found() const { return found_; }

 private:
  // Sets found_ when a marker starts in `hay` at an offset (`at` + index) its alignment allows.
  bool search(std::string_view hay, uint64_t at) {
    for (const ProbeMarker& m : markers_) {
      for (size_t from = 0; from + m.bytes.size() <= hay.size();) {
        const void* hit = ::memmem(hay.data() + from, hay.size() - from, m.bytes.data(), m.bytes.size());
        if (!hit) break;
        const size_t i = static_cast<size_t>(static_cast<const char*>(hit) - hay.data());
        if ((at + i) % std::max(1u, m.align) == 0) return found_ = true;
        from = i + 1;
      }
    }
    return false;
  }

  const std::vector<ProbeMarker>& markers_;
  size_t longest_ = 0;
  std::string tail_;     // the last longest_ - 1 bytes seen
  uint64_t offset_ = 0;  // offset in the file of the next piece
  bool found_ = false;
};

std::string layer_name(const LayerInfo& info) {
  if (!info.diff_id.empty()) return info.diff_id;
  if (!info.digest.empty()) return info.digest;
  return fmt::format("#{}", info.index);
}

}  // namespace

Result<LayerIndex> walk_tar_layer(ByteStream& in, const LayerInfo& info, const WalkOptions& opts) {
  LayerIndex out;
  out.info = info;
  const std::string lname = layer_name(info);
  ReadContext ctx{&in};
  ctx.cancel = opts.cancel;

  Utf8NamesScope utf8_names;  // non-ASCII names are data: no "can't be converted" warnings
  struct archive* a = archive_read_new();
  archive_read_support_format_tar(a);
  archive_read_support_format_gnutar(a);
  std::unique_ptr<struct archive, int (*)(struct archive*)> guard(a, archive_read_free);
  auto fail = [&](std::string what) -> Error {
    if (ctx.error) return ctx.error->wrap(fmt::format("cannot read layer {}", info.index), {.layer = lname});
    return Error(ErrorCode::corrupt, fmt::format("layer {} is not a valid tar: {}", info.index, what),
                 {.layer = lname, .offset = ctx.bytes});
  };
  if (archive_read_open(a, &ctx, nullptr, read_cb, nullptr) != ARCHIVE_OK) {
    // An empty stream is an empty layer (some tools write zero-byte layers).
    if (!ctx.error && ctx.bytes == 0) return out;
    return fail(archive_error_string(a) ? archive_error_string(a) : "unreadable");
  }

  struct archive_entry* e = nullptr;
  std::string data_buf(1 << 16, '\0');
  std::string probe_buf;  // the marker probe's buffer, reused for each probed file
  // Captured files that go to the layer's spill file: their entry, offset and length there.
  SpillFile spill(opts.spill_dir);
  struct Spilled {
    size_t entry;
    uint64_t offset, length;
  };
  std::vector<Spilled> spilled;
  for (;;) {
    int r = archive_read_next_header(a, &e);
    if (r == ARCHIVE_EOF) break;
    if (r == ARCHIVE_RETRY) continue;
    if (r == ARCHIVE_FATAL) return fail(archive_error_string(a) ? archive_error_string(a) : "damaged header");
    if (r == ARCHIVE_WARN)
      out.warnings.push_back({"layer.tar-warning",
                              archive_error_string(a) ? archive_error_string(a) : "tar warning",
                              {.layer = lname}});
    const char* raw = archive_entry_pathname(e);
    if (!raw) continue;
    std::string_view raw_path(raw);
    if (raw_path.starts_with('/'))
      out.warnings.push_back(
          {"layer.absolute-path",
           fmt::format("entry '{}' has an absolute path; read as relative to the image root",
                       raw_path.substr(0, 200)),
           {.layer = lname}});
    std::optional<std::string> path = normalize_entry_path(raw_path);
    if (!path) {
      out.warnings.push_back(
          {"layer.path-escapes-root",
           fmt::format("entry '{}' climbs out of the image root; skipped", raw_path.substr(0, 200)),
           {.layer = lname}});
      continue;
    }
    if (path->empty()) continue;  // the root itself

    LayerEntry entry;
    std::string_view base = *path;
    if (size_t slash = base.rfind('/'); slash != std::string_view::npos) base.remove_prefix(slash + 1);
    if (base.starts_with(".wh.")) {
      std::string parent(parent_path(*path));
      if (base == ".wh..wh..opq") {
        entry.kind = LayerEntry::Kind::opaque;
        entry.path = parent;
      } else {
        entry.kind = LayerEntry::Kind::whiteout;
        std::string_view hidden = base.substr(4);
        if (hidden.empty() || hidden == "." || hidden == "..") continue;
        entry.path = parent.empty() ? std::string(hidden) : parent + "/" + std::string(hidden);
      }
      if (opts.observe) opts.observe(info, EntryMeta{entry.path, entry.kind, 0, 0});
      out.entries.push_back(std::move(entry));
      continue;
    }
    entry.path = std::move(*path);
    entry.size = archive_entry_size_is_set(e) ? static_cast<uint64_t>(archive_entry_size(e)) : 0;
    if (const char* hl = archive_entry_hardlink(e)) {
      std::optional<std::string> target = normalize_entry_path(hl);
      if (!target) {
        out.warnings.push_back(
            {"layer.path-escapes-root",
             fmt::format("hard link '{}' points out of the image root; skipped", entry.path),
             {.layer = lname}});
        continue;
      }
      entry.kind = LayerEntry::Kind::hardlink;
      entry.target = std::move(*target);
      out.entries.push_back(std::move(entry));
      continue;
    }
    switch (archive_entry_filetype(e)) {
      case AE_IFREG:
        entry.kind = LayerEntry::Kind::file;
        break;
      case AE_IFDIR:
        entry.kind = LayerEntry::Kind::dir;
        break;
      case AE_IFLNK:
        entry.kind = LayerEntry::Kind::symlink;
        entry.target = archive_entry_symlink(e) ? archive_entry_symlink(e) : "";
        break;
      default:
        entry.kind = LayerEntry::Kind::other;
        break;
    }
    // The observer's sink gets every byte the branches below read, then the rest (drain_sink).
    std::unique_ptr<ContentSink> sink;
    if (opts.observe) {
      sink = opts.observe(info, EntryMeta{entry.path, entry.kind, entry.size,
                                          static_cast<uint32_t>(archive_entry_mode(e) & 07777)});
      if (entry.kind != LayerEntry::Kind::file) sink.reset();
    }
    auto to_sink = [&sink](std::string_view chunk) {
      if (sink && !sink->feed(chunk)) {
        sink->finish();
        sink.reset();
      }
    };
    auto drain_sink = [&]() -> Status {
      while (sink) {
        la_ssize_t n = archive_read_data(a, data_buf.data(), data_buf.size());
        if (n < 0) return fail(archive_error_string(a) ? archive_error_string(a) : "damaged file data");
        if (n == 0) break;
        to_sink({data_buf.data(), static_cast<size_t>(n)});
      }
      if (sink) sink->finish();
      sink.reset();
      return ok_status();
    };
    const bool wanted = entry.kind == LayerEntry::Kind::file && opts.wants && opts.wants(entry.path);
    const bool probed = !wanted && entry.kind == LayerEntry::Kind::file && entry.size <= opts.probe_max &&
                        entry.size >= opts.probe_head_bytes &&
                        probe_wanted(opts, (archive_entry_perm(e) & 0111) != 0);
    if (probed && !opts.probe_markers.empty()) {
      // The content probe by markers: the head decides whether to read on, the markers whether to keep.
      // Most probed files are not kept: their bytes go to a buffer reused from file to file (no
      // fresh pages to fault in and zero for each), and to a spill file only past memory_per_file.
      probe_buf.clear();
      std::optional<BlobWriter> spilled_probe;
      MarkerScan scan(opts.probe_markers);
      std::string head;
      uint64_t total = 0;
      bool keep = true;
      for (;;) {
        la_ssize_t n = archive_read_data(a, data_buf.data(), data_buf.size());
        if (n < 0) return fail(archive_error_string(a) ? archive_error_string(a) : "damaged file data");
        if (n == 0) break;
        std::string_view chunk(data_buf.data(), static_cast<size_t>(n));
        to_sink(chunk);
        total += chunk.size();
        if (total > opts.probe_max) {
          keep = false;
          break;
        }
        if (head.size() < opts.probe_head_bytes) {
          head.append(chunk.substr(0, opts.probe_head_bytes - head.size()));
          if (head.size() == opts.probe_head_bytes && !opts.probe_head(head)) {
            keep = false;
            break;
          }
        }
        scan.feed(chunk);
        if (!spilled_probe && probe_buf.size() + chunk.size() <= opts.memory_per_file) {
          probe_buf.append(chunk);
        } else {
          if (!spilled_probe) {
            spilled_probe.emplace(opts.spill_dir, 0);
            DAGDA_TRY(spilled_probe->append(probe_buf));
            probe_buf.clear();
          }
          DAGDA_TRY(spilled_probe->append(chunk));
        }
      }
      if (keep && head.size() == opts.probe_head_bytes && scan.found()) {
        if (spilled_probe) {
          DAGDA_ASSIGN_OR_RETURN(entry.content, spilled_probe->finish());
        } else {
          entry.content = Blob::from_string(std::string(probe_buf));
        }
      }
    } else if (probed) {
      // The content probe: the first bytes decide whether the rest is worth reading.
      std::string content;
      bool keep = true;
      for (;;) {
        la_ssize_t n = archive_read_data(a, data_buf.data(), data_buf.size());
        if (n < 0) return fail(archive_error_string(a) ? archive_error_string(a) : "damaged file data");
        if (n == 0) break;
        content.append(data_buf.data(), static_cast<size_t>(n));
        if (content.size() > opts.probe_max) {
          keep = false;
          break;
        }
        if (content.size() >= opts.probe_head_bytes &&
            content.size() - static_cast<size_t>(n) < opts.probe_head_bytes &&
            !opts.probe_head(std::string_view(content).substr(0, opts.probe_head_bytes))) {
          keep = false;
          break;
        }
      }
      to_sink(content);
      if (keep && opts.probe_keep(content)) entry.content = Blob::from_string(std::move(content));
    }
    if (wanted) {
      if (entry.size > opts.max_captured_file) {
        out.warnings.push_back(
            {"layer.file-too-large",
             fmt::format("'{}' is {} bytes, over the {} byte limit for files Dagda reads; skipped",
                         entry.path, entry.size, opts.max_captured_file),
             {.file = entry.path, .layer = lname}});
      } else if (opts.spill_always && opts.spill_always(entry.path)) {
        const uint64_t start = spill.size();
        for (;;) {
          la_ssize_t n = archive_read_data(a, data_buf.data(), data_buf.size());
          if (n < 0) return fail(archive_error_string(a) ? archive_error_string(a) : "damaged file data");
          if (n == 0) break;
          if (spill.size() - start + static_cast<uint64_t>(n) > opts.max_captured_file)
            return fail(fmt::format("'{}' holds more data than its header says", entry.path));
          DAGDA_TRY(spill.append({data_buf.data(), static_cast<size_t>(n)}));
        }
        spilled.push_back({out.entries.size(), start, spill.size() - start});
      } else {
        BlobWriter w(opts.spill_dir, opts.memory_per_file);
        uint64_t total = 0;
        for (;;) {
          la_ssize_t n = archive_read_data(a, data_buf.data(), data_buf.size());
          if (n < 0) return fail(archive_error_string(a) ? archive_error_string(a) : "damaged file data");
          if (n == 0) break;
          total += static_cast<uint64_t>(n);
          if (total > opts.max_captured_file)
            return fail(fmt::format("'{}' holds more data than its header says", entry.path));
          DAGDA_TRY(w.append({data_buf.data(), static_cast<size_t>(n)}));
          to_sink({data_buf.data(), static_cast<size_t>(n)});
        }
        DAGDA_ASSIGN_OR_RETURN(entry.content, w.finish());
      }
    }
    DAGDA_TRY(drain_sink());
    out.entries.push_back(std::move(entry));
  }
  if (!spilled.empty()) {
    DAGDA_TRY(spill.map());
    for (const Spilled& f : spilled) out.entries.set_content(f.entry, spill.slice(f.offset, f.length));
  }
  // libarchive stops at the end-of-archive marker; read the rest so that the
  // digest checks below it see every byte.
  for (;;) {
    auto got = in.read(ctx.buf.data(), ctx.buf.size());
    if (!got.ok())
      return std::move(got).error().wrap(fmt::format("cannot read layer {}", info.index), {.layer = lname});
    if (*got == 0) break;
    ctx.bytes += *got;
  }
  out.bytes = ctx.bytes;
  return out;
}

}  // namespace dagda
