// tests/unit/version/oracle.hpp: batch calls to the real tools that define each
// ecosystem's ordering (one process per batch, not one per pair).
#pragma once

#include <unistd.h>

#include <fstream>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "support/testdata.hpp"

namespace dagda::version::test_oracle {

inline bool have(const std::string& tool) {
  if (!tool.empty() && tool[0] == '/') return access(tool.c_str(), X_OK) == 0 || access(tool.c_str(), R_OK) == 0;
  int status = 0;
  test::run_command("command -v " + tool + " >/dev/null 2>&1", &status);
  return status == 0;
}

inline std::string write_scratch(const std::string& name, const std::string& file, const std::string& text) {
  std::string dir = test::scratch_dir("oracle-" + name);
  std::string path = dir + "/" + file;
  std::ofstream(path, std::ios::binary) << text;
  return path;
}

inline std::vector<std::string> run(const std::string& name, const std::string& command, const std::string& input, bool* ok) {
  std::string dir = test::scratch_dir("oracle-run-" + name);
  std::string in = dir + "/input";
  std::ofstream(in, std::ios::binary) << input;
  int status = 0;
  std::string out = test::run_command(command + " < " + in + " 2>" + dir + "/stderr", &status);
  *ok = status == 0;
  std::vector<std::string> lines;
  std::istringstream s(out);
  std::string line;
  while (std::getline(s, line)) lines.push_back(line);
  return lines;
}

inline const char* maven_jar() { return "/usr/share/java/maven-artifact-3.x.jar"; }

inline std::vector<std::string> maven_compare(const std::vector<std::pair<std::string, std::string>>& pairs, bool* ok) {
  static const char* kSource = R"(import org.apache.maven.artifact.versioning.ComparableVersion;
import java.io.*;
public class MavenOracle {
  public static void main(String[] a) throws Exception {
    BufferedReader r = new BufferedReader(new InputStreamReader(System.in, "UTF-8"));
    String line;
    while ((line = r.readLine()) != null) {
      String[] f = line.split("\t", -1);
      int c = new ComparableVersion(f[0]).compareTo(new ComparableVersion(f[1]));
      System.out.println(c < 0 ? "<" : c > 0 ? ">" : "=");
    }
  }
}
)";
  std::string src = write_scratch("maven", "MavenOracle.java", kSource);
  std::string input;
  for (const auto& [a, b] : pairs) input += a + "\t" + b + "\n";
  return run("maven", std::string("java -cp ") + maven_jar() + " " + src, input, ok);
}

}  // namespace dagda::version::test_oracle
