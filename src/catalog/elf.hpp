// catalog/elf.hpp: just enough of an ELF reader for the binary catalogers:
// section and segment tables, every offset checked against the file's size.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace dagda {

class ElfFile {
 public:
  struct Section {
    std::string name;
    uint64_t offset = 0, size = 0;
    uint32_t type = 0;
  };
  struct Segment {
    uint32_t type = 0;
    uint64_t offset = 0, vaddr = 0, filesz = 0;
  };

  // nullopt when `data` is not a well-formed ELF header (tables that point outside the file are dropped).
  static std::optional<ElfFile> parse(std::string_view data);

  bool is64() const { return is64_; }
  bool big_endian() const { return big_; }
  const std::vector<Section>& sections() const { return sections_; }
  const std::vector<Segment>& segments() const { return segments_; }
  // The bytes of the named section (not for SHT_NOBITS); nullopt when absent.
  std::optional<std::string_view> section(std::string_view name) const;
  // `size` bytes at virtual address `addr`, from a loaded segment's file bytes; nullopt if outside.
  std::optional<std::string_view> at_vaddr(uint64_t addr, uint64_t size) const;

 private:
  std::string_view data_;
  bool is64_ = false, big_ = false;
  std::vector<Section> sections_;
  std::vector<Segment> segments_;
};

inline bool is_elf(std::string_view head) {
  return head.size() >= 4 && head.substr(0, 4) ==
                                 "\x7f"
                                 "ELF";
}

}  // namespace dagda
