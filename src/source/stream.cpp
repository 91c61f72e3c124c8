#include "source/stream.hpp"

#include <fcntl.h>
#include <isa-l/igzip_lib.h>
#include <lzma.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zstd.h>

#include <cerrno>
#include <cstring>
#include <vector>

#include <fmt/format.h>

#include "common/digest.hpp"
#include "common/fs.hpp"

namespace dagda {

Result<std::shared_ptr<HostFile>> HostFile::open(const std::string& path, const std::string& display) {
  // Never blocks on a FIFO or device where an image file is expected: refused by type.
  struct stat st{};
  DAGDA_ASSIGN_OR_RETURN(int fd, open_regular_file(path, &st));
  return std::shared_ptr<HostFile>(new HostFile(fd, static_cast<uint64_t>(st.st_size), display.empty() ? path : display));
}

HostFile::~HostFile() { ::close(fd_); }

namespace {

class FileRangeStream final : public ByteStream {
 public:
  FileRangeStream(std::shared_ptr<HostFile> f, uint64_t off, uint64_t len, std::string name)
      : f_(std::move(f)), pos_(off), end_(off + len), name_(std::move(name)) {}

  Result<size_t> read(char* buf, size_t n) override {
    if (pos_ >= end_) return size_t{0};
    size_t want = static_cast<size_t>(std::min<uint64_t>(n, end_ - pos_));
    for (;;) {
      ssize_t got = ::pread(f_->fd(), buf, want, static_cast<off_t>(pos_));
      if (got < 0 && errno == EINTR) continue;
      if (got < 0)
        return Error(ErrorCode::io, fmt::format("read failed: {}", std::strerror(errno)), {.file = name_});
      if (got == 0)
        return Error(ErrorCode::corrupt, "unexpected end of file (truncated?)", {.file = name_, .offset = pos_});
      pos_ += static_cast<uint64_t>(got);
      return static_cast<size_t>(got);
    }
  }

 private:
  std::shared_ptr<HostFile> f_;
  uint64_t pos_, end_;
  std::string name_;
};

class VerifyStream final : public ByteStream {
 public:
  VerifyStream(std::unique_ptr<ByteStream> in, std::string expected, std::string name,
               std::shared_ptr<std::string> actual)
      : in_(std::move(in)), expected_(std::move(expected)), name_(std::move(name)), actual_(std::move(actual)) {}

  Result<size_t> read(char* buf, size_t n) override {
    if (done_) return size_t{0};
    auto got = in_->read(buf, n);
    if (!got.ok()) return got;
    if (*got > 0) {
      hasher_.update({buf, *got});
      return got;
    }
    done_ = true;
    std::string actual = hasher_.hex();
    if (actual_) *actual_ = actual;
    if (!expected_.empty() && actual != expected_)
      return Error(ErrorCode::corrupt,
                   fmt::format("digest mismatch: expected sha256:{}, content is sha256:{}", expected_, actual),
                   {.file = name_});
    return size_t{0};
  }

 private:
  std::unique_ptr<ByteStream> in_;
  std::string expected_, name_;
  std::shared_ptr<std::string> actual_;
  Hasher hasher_;
  bool done_ = false;
};

// Shared input buffering and output accounting for the decompressors.
class Decompressor : public ByteStream {
 public:
  Decompressor(std::unique_ptr<ByteStream> in, std::string name, uint64_t max_output, std::string_view kind)
      : in_(std::move(in)), name_(std::move(name)), max_output_(max_output), kind_(kind), buf_(1 << 18) {}

  Result<size_t> read(char* out, size_t n) override {
    if (finished_) return size_t{0};
    auto r = decode(out, n);
    if (!r.ok()) {
      // Damaged compressed data is often tampered data: when a digest check
      // below us fails once the rest is read, that is the error to report.
      finished_ = true;
      for (;;) {
        auto more = in_->read(buf_.data(), buf_.size());
        if (!more.ok()) return std::move(more).error();
        if (*more == 0) break;
      }
      return r;
    }
    produced_ += *r;
    if (produced_ > max_output_)
      return Error(ErrorCode::corrupt,
                   fmt::format("{} data expands past the {} byte limit (a decompression bomb?)", kind_, max_output_),
                   {.file = name_});
    if (*r == 0) {
      finished_ = true;
      // Drain what follows the compressed data so that digest checks below us see every byte.
      for (;;) {
        auto more = in_->read(buf_.data(), buf_.size());
        if (!more.ok()) return std::move(more).error();
        if (*more == 0) break;
      }
    }
    return r;
  }

 protected:
  // Produces output; 0 only at the true end of the compressed data.
  virtual Result<size_t> decode(char* out, size_t n) = 0;

  // Makes sure some input is buffered; false at end of input.
  Result<bool> fill() {
    if (pos_ < len_) return true;
    if (eof_) return false;
    auto got = in_->read(buf_.data(), buf_.size());
    if (!got.ok()) return std::move(got).error();
    pos_ = 0;
    len_ = *got;
    consumed_before_ += len_;
    if (len_ == 0) eof_ = true;
    return len_ > 0;
  }

  Error corrupt(std::string what) const {
    return Error(ErrorCode::corrupt, fmt::format("invalid {} data: {}", kind_, what), {.file = name_});
  }

  std::unique_ptr<ByteStream> in_;
  std::string name_;
  uint64_t max_output_;
  std::string_view kind_;
  std::vector<char> buf_;
  size_t pos_ = 0, len_ = 0;
  bool eof_ = false;
  bool finished_ = false;
  uint64_t produced_ = 0;
  uint64_t consumed_before_ = 0;
};

class GzipStream final : public Decompressor {
 public:
  GzipStream(std::unique_ptr<ByteStream> in, std::string name, uint64_t max)
      : Decompressor(std::move(in), std::move(name), max, "gzip") {
    isal_inflate_init(&st_);
    st_.crc_flag = ISAL_GZIP;
  }

 protected:
  Result<size_t> decode(char* out, size_t n) override {
    if (member_done_) return size_t{0};
    for (;;) {
      auto have = fill();
      if (!have.ok()) return std::move(have).error();
      if (st_.block_state == ISAL_BLOCK_FINISH) {
        // One gzip member ended; another may follow (multi-member files are valid gzip).
        if (!*have) {
          member_done_ = true;
          return size_t{0};
        }
        if (static_cast<unsigned char>(buf_[pos_]) != 0x1f) {
          // Trailing bytes that are not another member (padding): ignored, as gzip(1) does.
          member_done_ = true;
          return size_t{0};
        }
        isal_inflate_reset(&st_);
        st_.crc_flag = ISAL_GZIP;
      }
      if (!*have && st_.block_state != ISAL_BLOCK_FINISH)
        return corrupt("unexpected end of compressed data (truncated?)");
      st_.next_in = reinterpret_cast<uint8_t*>(buf_.data() + pos_);
      st_.avail_in = static_cast<uint32_t>(len_ - pos_);
      st_.next_out = reinterpret_cast<uint8_t*>(out);
      st_.avail_out = static_cast<uint32_t>(std::min<size_t>(n, 1u << 30));
      uint32_t out_before = st_.avail_out;
      int ret = isal_inflate(&st_);
      pos_ = len_ - st_.avail_in;
      if (ret < 0) {
        switch (ret) {
          case ISAL_INCORRECT_CHECKSUM: return corrupt("CRC mismatch");
          case ISAL_INVALID_WRAPPER: return corrupt("bad gzip header");
          case ISAL_UNSUPPORTED_METHOD: return corrupt("unsupported compression method");
          default: return corrupt(fmt::format("corrupt deflate stream (isa-l code {})", ret));
        }
      }
      size_t produced = out_before - st_.avail_out;
      if (produced > 0) return produced;
    }
  }

 private:
  inflate_state st_{};
  bool member_done_ = false;
};

class ZstdStream final : public Decompressor {
 public:
  ZstdStream(std::unique_ptr<ByteStream> in, std::string name, uint64_t max)
      : Decompressor(std::move(in), std::move(name), max, "zstd"), ctx_(ZSTD_createDCtx()) {
    // 2^27 = 128 MiB window at most: a hostile frame cannot ask for more memory.
    ZSTD_DCtx_setParameter(ctx_, ZSTD_d_windowLogMax, 27);
  }
  ~ZstdStream() override { ZSTD_freeDCtx(ctx_); }

 protected:
  Result<size_t> decode(char* out, size_t n) override {
    for (;;) {
      auto have = fill();
      if (!have.ok()) return std::move(have).error();
      if (!*have) {
        if (last_ != 0) return corrupt("unexpected end of compressed data (truncated?)");
        return size_t{0};
      }
      ZSTD_inBuffer ib{buf_.data() + pos_, len_ - pos_, 0};
      ZSTD_outBuffer ob{out, n, 0};
      size_t ret = ZSTD_decompressStream(ctx_, &ob, &ib);
      pos_ += ib.pos;
      if (ZSTD_isError(ret)) return corrupt(ZSTD_getErrorName(ret));
      last_ = ret;
      if (ob.pos > 0) return ob.pos;
    }
  }

 private:
  ZSTD_DCtx* ctx_;
  size_t last_ = 0;
};

class XzStream final : public Decompressor {
 public:
  XzStream(std::unique_ptr<ByteStream> in, std::string name, uint64_t max)
      : Decompressor(std::move(in), std::move(name), max, "xz") {
    init_ = lzma_stream_decoder(&st_, 512ull << 20, LZMA_CONCATENATED);
  }
  ~XzStream() override { lzma_end(&st_); }

 protected:
  Result<size_t> decode(char* out, size_t n) override {
    if (init_ != LZMA_OK) return corrupt("cannot initialise the xz decoder");
    if (ended_) return size_t{0};
    for (;;) {
      auto have = fill();
      if (!have.ok()) return std::move(have).error();
      st_.next_in = reinterpret_cast<const uint8_t*>(buf_.data() + pos_);
      st_.avail_in = len_ - pos_;
      st_.next_out = reinterpret_cast<uint8_t*>(out);
      st_.avail_out = n;
      lzma_ret ret = lzma_code(&st_, *have ? LZMA_RUN : LZMA_FINISH);
      pos_ = len_ - st_.avail_in;
      size_t produced = n - st_.avail_out;
      if (ret == LZMA_STREAM_END) {
        ended_ = true;
        return produced;
      }
      if (ret == LZMA_MEMLIMIT_ERROR) return corrupt("needs more than 512 MiB of memory to decode");
      if (ret != LZMA_OK) {
        if (!*have) return corrupt("unexpected end of compressed data (truncated?)");
        return corrupt(fmt::format("decoder error {}", static_cast<int>(ret)));
      }
      if (produced > 0) return produced;
      if (!*have) return corrupt("unexpected end of compressed data (truncated?)");
    }
  }

 private:
  lzma_stream st_ = LZMA_STREAM_INIT;
  lzma_ret init_;
  bool ended_ = false;
};

// Lets the first bytes be looked at and then read again.
class PeekedStream final : public ByteStream {
 public:
  PeekedStream(std::string head, std::unique_ptr<ByteStream> rest) : head_(std::move(head)), rest_(std::move(rest)) {}
  Result<size_t> read(char* buf, size_t n) override {
    if (off_ < head_.size()) {
      size_t k = std::min(n, head_.size() - off_);
      std::memcpy(buf, head_.data() + off_, k);
      off_ += k;
      return k;
    }
    return rest_->read(buf, n);
  }

 private:
  std::string head_;
  size_t off_ = 0;
  std::unique_ptr<ByteStream> rest_;
};

}  // namespace

std::unique_ptr<ByteStream> file_range_stream(std::shared_ptr<HostFile> file, uint64_t offset, uint64_t length,
                                              std::string name) {
  return std::make_unique<FileRangeStream>(std::move(file), offset, length, std::move(name));
}

std::unique_ptr<ByteStream> verify_sha256_stream(std::unique_ptr<ByteStream> in, std::string expected_hex,
                                                 std::string name, std::shared_ptr<std::string> actual_out) {
  return std::make_unique<VerifyStream>(std::move(in), std::move(expected_hex), std::move(name),
                                        std::move(actual_out));
}

std::string_view to_string(Compression c) {
  switch (c) {
    case Compression::none: return "none";
    case Compression::gzip: return "gzip";
    case Compression::zstd: return "zstd";
    case Compression::xz: return "xz";
    case Compression::bzip2: return "bzip2";
  }
  return "?";
}

Compression sniff_compression(std::string_view h) {
  auto starts = [&](std::string_view magic) { return h.substr(0, magic.size()) == magic; };
  if (starts("\x1f\x8b")) return Compression::gzip;
  if (starts("\x28\xb5\x2f\xfd")) return Compression::zstd;
  if (starts(std::string_view("\xfd" "7zXZ\x00", 6))) return Compression::xz;
  if (starts("BZh")) return Compression::bzip2;
  return Compression::none;
}

Result<std::unique_ptr<ByteStream>> decompress_stream(std::unique_ptr<ByteStream> in, std::string name,
                                                      uint64_t max_output) {
  std::string head(6, '\0');
  size_t got = 0;
  while (got < head.size()) {
    auto r = in->read(head.data() + got, head.size() - got);
    if (!r.ok()) return std::move(r).error();
    if (*r == 0) break;
    got += *r;
  }
  head.resize(got);
  Compression c = sniff_compression(head);
  auto peeked = std::make_unique<PeekedStream>(head, std::move(in));
  switch (c) {
    case Compression::none: return std::unique_ptr<ByteStream>(std::move(peeked));
    case Compression::gzip: return std::unique_ptr<ByteStream>(std::make_unique<GzipStream>(std::move(peeked), name, max_output));
    case Compression::zstd: return std::unique_ptr<ByteStream>(std::make_unique<ZstdStream>(std::move(peeked), name, max_output));
    case Compression::xz: return std::unique_ptr<ByteStream>(std::make_unique<XzStream>(std::move(peeked), name, max_output));
    case Compression::bzip2:
      return Error(ErrorCode::unsupported, "bzip2 compression is not supported", {.file = name});
  }
  return Error(ErrorCode::internal, "unknown compression", {.file = name});
}

}  // namespace dagda
