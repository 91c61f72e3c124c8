// Python lockfiles. requirements files: the oracle is pip's own requirements
// parser (pip._internal.req.req_file, following -r includes) with
// python3-packaging deciding which requirements are exact pins; the files are
// `pip freeze` of Debian's Python and a file exercising includes, hashes,
// markers, extras and the forms we refuse. Pipfile.lock and poetry.lock are
// real published lockfiles (tests/data/lockfiles/README.md) with Python's json
// and tomllib as the oracle.
#include <cstring>

#include "unit/lockfile/support.hpp"

namespace dagda::locktest {
namespace {

// Every exact pin pip reads from FILE (with its includes), PEP 503-normalised.
std::set<NV> pip_oracle(const std::string& file) {
  std::string script = test::test_scratch("pip-oracle") + "/oracle.py";
  write_file(script, R"(import sys, re
from pip._internal.req.req_file import parse_requirements
from pip._internal.network.session import PipSession
from packaging.requirements import Requirement
for r in parse_requirements(sys.argv[1], session=PipSession()):
    if r.is_editable:
        continue
    try:
        req = Requirement(r.requirement)
    except Exception:
        continue
    if req.url:
        continue
    specs = list(req.specifier)
    if len(specs) == 1 and specs[0].operator in ("==", "===") and "*" not in specs[0].version:
        print(re.sub(r"[-_.]+", "-", req.name).lower() + "\t" + specs[0].version)
)");
  int status = 0;
  std::string out = test::run_command("/usr/bin/python3 '" + script + "' '" + file + "' 2>&1", &status);
  EXPECT_EQ(status, 0) << out;
  return parse_tsv(out);
}

TEST(Requirements, PipFreezeOfDebianPython) {
  std::string dir = test::test_scratch("freeze");
  int status = 0;
  std::string freeze = test::run_command("/usr/bin/python3 -m pip freeze --all 2>/dev/null", &status);
  ASSERT_EQ(status, 0);
  write_file(dir + "/requirements.txt", freeze);
  Scan s = scan_tree(dir);
  auto expected = pip_oracle(dir + "/requirements.txt");
  ASSERT_GE(expected.size(), 3u) << freeze;
  EXPECT_EQ(s.all(), expected);
  for (const Package& p : s.out.packages) EXPECT_EQ(p.ecosystem, "pypi");
}

TEST(Requirements, IncludesHashesMarkersExtrasAndRefusals) {
  std::string dir = test::test_scratch("req");
  write_file(dir + "/app/requirements.txt",
             "# application\n"
             "-r requirements/base.txt\n"
             "--requirement=../shared/requirements-extra.txt\n"
             "-r ../../outside.txt\n"
             "-r requirements/missing.txt\n"
             "Django[argon2,bcrypt]==4.2.7 ; python_version >= \"3.8\" \\\n"
             "    --hash=sha256:8e0f1c2c2786b5c0e39fe1afce24c926040fad47c8ea8ad30aaf1188df29fc41\n"
             "zope.interface===6.1\n"
             "requests>=2.0\n"
             "Flask\n"
             "urllib3==1.*\n"
             "-e git+https://example.org/repo.git#egg=thing\n"
             "pkg @ https://example.org/pkg-1.0.tar.gz\n"
             "--index-url https://pypi.org/simple\n"
             "Typing_Extensions==4.8.0  # pinned\n");
  write_file(dir + "/app/requirements/base.txt", "ruamel.yaml==0.17.21\n");
  write_file(dir + "/shared/requirements-extra.txt", "attrs==23.1.0\n");
  Scan s = scan_tree(dir);
  // pip itself errors on the missing include and reads the one outside the tree: it gets the file without
  // them.
  std::string main = test::slurp(dir + "/app/requirements.txt");
  for (const char* drop : {"-r ../../outside.txt\n", "-r requirements/missing.txt\n"})
    main.erase(main.find(drop), std::strlen(drop));
  write_file(dir + "/app/oracle.in", main);
  auto expected = pip_oracle(dir + "/app/oracle.in");
  // pip reads the ones outside the tree and errors on missing files; we do neither.
  std::set<NV> ours = s.all();
  EXPECT_EQ(ours, (std::set<NV>{{"django", "4.2.7"},
                                {"zope-interface", "6.1"},
                                {"typing-extensions", "4.8.0"},
                                {"ruamel-yaml", "0.17.21"},
                                {"attrs", "23.1.0"}}));
  for (const NV& nv : ours)
    EXPECT_TRUE(expected.count(nv)) << nv.first << " " << nv.second << " not pinned for pip";
  EXPECT_TRUE(s.has_warning("lockfile.include-outside", "../../outside.txt"));
  EXPECT_TRUE(s.has_warning("lockfile.include-missing", "missing.txt"));
  EXPECT_TRUE(s.has_warning("lockfile.skipped", "requests>=2.0"));
  EXPECT_TRUE(s.has_warning("lockfile.skipped", "Flask"));
  EXPECT_TRUE(s.has_warning("lockfile.skipped", "urllib3==1.*"));
  EXPECT_TRUE(s.has_warning("lockfile.skipped", "editable"));
  EXPECT_TRUE(s.has_warning("lockfile.skipped", "pkg @ https"));
  for (const Package& p : s.out.packages) {
    if (p.name == "ruamel-yaml") {
      EXPECT_EQ(p.path, "app/requirements/base.txt");
    }
  }
}

TEST(PipfileLock, PublishedLockfileMatchesJson) {
  std::string dir = test::test_scratch("pipfile");
  fs::copy_file(repo_data("pipfile/Pipfile.lock"), dir + "/Pipfile.lock");
  int status = 0;
  std::string out = test::run_command(
      "/usr/bin/python3 -c 'import json,re,sys\n"
      "d=json.load(open(sys.argv[1]))\n"
      "for sec,scope in ((\"default\",\"\"),(\"develop\",\"dev\")):\n"
      "  for n,e in d.get(sec,{}).items():\n"
      "    v=e.get(\"version\",\"\")\n"
      "    if v.startswith(\"==\"): print(re.sub(r\"[-_.]+\",\"-\",n).lower()+\"\\t\"+v[2:]+\"/\"+scope)' '" +
          dir + "/Pipfile.lock'",
      &status);
  ASSERT_EQ(status, 0) << out;
  auto expected = parse_tsv(out);
  ASSERT_GE(expected.size(), 5u);
  Scan s = scan_tree(dir);
  std::set<NV> ours;
  for (const Package& p : s.out.packages) ours.emplace(p.name, p.version + "/" + p.scope);
  EXPECT_EQ(ours, expected);
}

TEST(PoetryLock, PublishedLockfileMatchesTomllib) {
  std::string dir = test::test_scratch("poetry");
  fs::copy_file(repo_data("poetry/poetry.lock"), dir + "/poetry.lock");
  int status = 0;
  std::string out = test::run_command(
      "/usr/bin/python3 -c 'import tomllib,re,sys\n"
      "d=tomllib.load(open(sys.argv[1],\"rb\"))\n"
      "for p in d[\"package\"]:\n"
      "  print(re.sub(r\"[-_.]+\",\"-\",p[\"name\"]).lower()+\"\\t\"+p[\"version\"])' '" +
          dir + "/poetry.lock' 2>&1",
      &status);
  ASSERT_EQ(status, 0) << out;
  auto expected = parse_tsv(out);
  ASSERT_GE(expected.size(), 5u);
  Scan s = scan_tree(dir);
  EXPECT_EQ(s.all(), expected);
}

TEST(Pep503, Names) {
  Diagnostics diag;
  auto r = parse_one("requirements-txt", "requirements.txt", "Foo.Bar_baz--Qux==1.0\n", diag);
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->packages.size(), 1u);
  EXPECT_EQ(r->packages[0].name, "foo-bar-baz-qux");
}

}  // namespace
}  // namespace dagda::locktest
