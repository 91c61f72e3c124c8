// cli/output.hpp: every byte Dagda prints goes through here or is checked here, so that
// lost output is never reported as success: a report on standard output or in -o FILE,
// lines on standard error made safe for a terminal, and the final flush and close of
// standard output in main() (finish_output).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/diagnostics.hpp"
#include "common/result.hpp"

namespace dagda::cli {

// Writes a finished report to `output` (-o FILE, see write_output_file) or, when it is
// empty, to standard output, checking every write. On failure: one line on stderr,
// returns kExitFailure; otherwise kExitOk.
int write_report(const std::string& output, std::string_view text);

// Writes to standard output now, unbuffered, checking the write; an io error otherwise.
Status write_stdout(std::string_view text);

// One line on standard error, "dagda: " + text, with control bytes escaped (terminal_safe).
void print_stderr_line(std::string_view text);
// "dagda: warning: ..." for each warning, unless quiet.
void print_warnings(const std::vector<Warning>& warnings, bool quiet);

// Called by main() before it returns: flushes and closes standard output and checks both.
// When that fails and nothing has said so yet, prints one line and returns kExitFailure;
// otherwise returns `exit_code`.
int finish_output(int exit_code);
// report_error() calls this: an error line is out.
void note_error_reported();

}  // namespace dagda::cli
