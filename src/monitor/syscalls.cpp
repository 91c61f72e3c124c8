// monitor/syscalls.cpp: the system calls the eBPF sensor traces (x86_64 numbers).
#include <iterator>

#include "monitor/sensor.hpp"

namespace dagda::monitor {
namespace {
constexpr TracedCall kCalls[] = {
    {2, "open"},        {257, "openat"},     {437, "openat2"},    {85, "creat"},       {42, "connect"},
    {43, "accept"},     {288, "accept4"},    {49, "bind"},        {50, "listen"},      {41, "socket"},
    {105, "setuid"},    {106, "setgid"},     {113, "setreuid"},   {114, "setregid"},   {117, "setresuid"},
    {119, "setresgid"}, {122, "setfsuid"},   {123, "setfsgid"},   {101, "ptrace"},     {319, "memfd_create"},
    {87, "unlink"},     {263, "unlinkat"},   {82, "rename"},      {264, "renameat"},   {316, "renameat2"},
    {86, "link"},       {265, "linkat"},     {88, "symlink"},     {266, "symlinkat"},  {165, "mount"},
    {90, "chmod"},      {91, "fchmod"},      {268, "fchmodat"},   {452, "fchmodat2"},  {32, "dup"},
    {33, "dup2"},       {292, "dup3"},
};
}  // namespace

const TracedCall* traced_calls(size_t* count) {
  *count = std::size(kCalls);
  return kCalls;
}

const char* traced_call_name(unsigned nr) {
  for (const auto& c : kCalls)
    if (c.nr == nr) return c.name;
  return nullptr;
}

}  // namespace dagda::monitor
