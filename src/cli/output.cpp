#include "cli/output.hpp"

#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include <fmt/format.h>

#include "cli/command.hpp"
#include "common/fs.hpp"

namespace dagda::cli {
namespace {

// Set once an error line has been printed (report_error), so that main() adds none.
bool g_error_reported = false;

Error stdout_error(int err) {
  return Error(ErrorCode::io, fmt::format("cannot write to standard output: {}", std::strerror(err)));
}

}  // namespace

void print_stderr_line(std::string_view text) {
  std::string line = "dagda: " + terminal_safe(text) + "\n";
  std::fflush(stdout);  // keep stdout and stderr in order on a shared terminal
  std::fwrite(line.data(), 1, line.size(), stderr);
  std::fflush(stderr);
}

void print_warnings(const std::vector<Warning>& warnings, bool quiet) {
  if (quiet) return;
  for (const Warning& w : warnings) print_stderr_line("warning: " + w.render());
}

Status write_stdout(std::string_view text) {
  // Whatever stdio still buffers goes first, then the text straight to the descriptor.
  errno = 0;
  if (std::fflush(stdout) != 0 || std::ferror(stdout)) return stdout_error(errno ? errno : EIO);
  while (!text.empty()) {
    ssize_t n = ::write(STDOUT_FILENO, text.data(), text.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return stdout_error(errno);
    if (n == 0) return stdout_error(EIO);
    text.remove_prefix(static_cast<size_t>(n));
  }
  return ok_status();
}

int write_report(const std::string& output, std::string_view text) {
  if (output.empty()) {
    auto st = write_stdout(text);
    if (!st.ok()) return report_error(st.error());
    return kExitOk;
  }
  auto st = write_output_file(output, text);
  if (!st.ok()) return report_error(st.error());
  return kExitOk;
}

int finish_output(int exit_code) {
  errno = 0;
  bool failed = std::fflush(stdout) != 0 || std::ferror(stdout);
  int err = errno;
  // Closing reports what a flush cannot (NFS, some pipes); the descriptor is not used after.
  if (std::fclose(stdout) != 0 && !failed) {
    failed = true;
    err = errno;
  }
  if (!failed) return exit_code;
  // A command that already printed its error keeps its status; otherwise this is the error.
  if (g_error_reported && exit_code != kExitOk) return exit_code;
  print_stderr_line(stdout_error(err ? err : EIO).render());
  return kExitFailure;
}

void note_error_reported() { g_error_reported = true; }

}  // namespace dagda::cli
