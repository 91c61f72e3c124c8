// Catalogers whose real inputs are made here by the real tools:
//  - Composer: `composer install` (Debian's composer) from a local path
//    repository, offline, writes a real vendor/composer/installed.json (v2);
//    the v1 form (a bare array) is the same packages taken out by jq.
//  - Go: binaries built with Debian's golang-go (a dependency replaced by a
//    local module, stripped and not), and Debian's own Go binaries (podman,
//    skopeo); the oracle is `go version -m`.
//  - Rust: no cargo-auditable binary exists on Debian 12, so a real ELF
//    (/bin/true) gets a .dep-v0 section added by objcopy holding the JSON
//    format cargo-auditable documents, zlib-compressed by Python.
//  - .NET: no dotnet on Debian 12; the deps.json below follows the format
//    the .NET SDK documents (runtime configuration docs), written by hand.
#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <sstream>

#include "catalog/app.hpp"
#include "catalog/cataloger.hpp"
#include "layers/layer_index.hpp"
#include "source/stream.hpp"
#include "support/testdata.hpp"

namespace dagda {
namespace {

namespace fs = std::filesystem;
using test::run_command;
using test::slurp;
using test::test_scratch;

std::map<std::string, std::string> by_name(const std::vector<Package>& ps) {
  std::map<std::string, std::string> m;
  for (const Package& p : ps) m[p.name] = p.version;
  return m;
}

TEST(ComposerCataloger, RealInstalledJsonBothForms) {
  std::string dir = test_scratch("composer");
  int st = 0;
  std::string out = run_command(
      "cd '" + dir +
          "' && mkdir -p pkg app home && "
          "echo '{\"name\":\"acme/widget\",\"version\":\"1.4.2\",\"license\":\"MIT\"}' > pkg/composer.json "
          "&& "
          "echo "
          "'{\"repositories\":[{\"packagist.org\":false},{\"type\":\"path\",\"url\":\"../"
          "pkg\",\"options\":{\"symlink\":false}}],"
          "\"require\":{\"acme/widget\":\"1.4.2\"}}' > app/composer.json && cd app && COMPOSER_HOME=../home "
          "composer install --no-interaction --quiet 2>&1",
      &st);
  ASSERT_EQ(st, 0) << out;
  std::string v2 = dir + "/app/vendor/composer/installed.json";
  Diagnostics diag;
  AppParse got = parse_composer_installed(slurp(v2), v2, diag);
  EXPECT_FALSE(got.partial);
  ASSERT_EQ(got.packages.size(), 1u);
  EXPECT_EQ(got.packages[0].name, "acme/widget");
  EXPECT_EQ(got.packages[0].version, run_command("jq -j '.packages[0].version' '" + v2 + "'"));
  EXPECT_EQ(got.packages[0].license, "MIT");
  std::string v1 = run_command("jq '.packages' '" + v2 + "'");
  AppParse got1 = parse_composer_installed(v1, "v1.json", diag);
  EXPECT_EQ(by_name(got1.packages), by_name(got.packages));
  EXPECT_TRUE(diag.take_all().empty());

  AppParse bad = parse_composer_installed("{\"packages\": 3}", "x.json", diag);
  EXPECT_TRUE(bad.partial);
  AppParse trunc = parse_composer_installed(slurp(v2).substr(0, 100), "x.json", diag);
  EXPECT_TRUE(trunc.partial);
  AppParse mixed = parse_composer_installed("[{\"name\":\"a/b\",\"version\":\"1\"}, 7, {\"name\":\"c/d\"}]",
                                            "x.json", diag);
  EXPECT_EQ(mixed.packages.size(), 1u);
  EXPECT_TRUE(mixed.partial);
  auto w = diag.take_all();
  ASSERT_EQ(w.size(), 3u);
  EXPECT_EQ(w[0].code, "composer.bad-installed-json");
  EXPECT_EQ(w[2].code, "composer.bad-package");
}

// `go version -m FILE` as name -> version, with "stdlib" for the toolchain.
std::map<std::string, std::string> go_version_m(const std::string& file) {
  std::map<std::string, std::string> out;
  std::istringstream in(run_command("go version -m '" + file + "'"));
  std::string line;
  std::string last;
  bool first = true;
  while (std::getline(in, line)) {
    if (first) {
      first = false;
      std::string v = line.substr(line.find(": ") + 2);
      out["stdlib"] = go_toolchain_version(v);
      continue;
    }
    std::vector<std::string> f;
    std::istringstream ls(line);
    std::string w;
    while (ls >> w) f.push_back(w);
    if (f.size() >= 3 && (f[0] == "mod" || f[0] == "dep")) {
      out[f[1]] = f[2];
      last = f[1];
    } else if (f.size() >= 3 && f[0] == "=>" && f[1][0] != '.' && f[1][0] != '/') {  // not a directory
      std::string v = out[last];
      out.erase(last);
      out[f[1]] = f[2];
    }
  }
  return out;
}

TEST(GoCataloger, BuiltHereWithReplacementStrippedOrNot) {
  std::string dir = test_scratch("go");
  int st = 0;
  std::string out =
      run_command("cd '" + dir +
                      "' && mkdir -p lib app && "
                      "printf 'module example.com/lib\\n\\ngo 1.19\\n' > lib/go.mod && "
                      "printf 'package lib\\n\\nfunc Hello() string { return \"hi\" }\\n' > lib/lib.go && "
                      "printf 'module example.com/app\\n\\ngo 1.19\\n\\nrequire example.com/lib "
                      "v1.2.3\\n\\nreplace example.com/lib => ../lib\\n' > app/go.mod && "
                      "printf 'package main\\n\\nimport (\"fmt\"; \"example.com/lib\")\\n\\nfunc main() { "
                      "fmt.Println(lib.Hello()) }\\n' > app/main.go && "
                      "cd app && export GOCACHE='" +
                      dir + "/cache' GOPATH='" + dir +
                      "/gopath' GOFLAGS=-mod=mod GOPROXY=off GOTOOLCHAIN=local && "
                      "go build -buildvcs=false -o ../plain . && go build -buildvcs=false -ldflags='-s -w' "
                      "-o ../stripped . 2>&1",
                  &st);
  ASSERT_EQ(st, 0) << out;
  for (const char* name : {"plain", "stripped"}) {
    std::string file = dir + "/" + name;
    Diagnostics diag;
    AppParse got = parse_go_binary(slurp(file), file, diag);
    EXPECT_FALSE(got.partial);
    EXPECT_TRUE(diag.take_all().empty());
    auto have = by_name(got.packages);
    auto want = go_version_m(file);
    EXPECT_EQ(have.at("example.com/app"), "(devel)");
    EXPECT_EQ(have.at("example.com/lib"), "v1.2.3");  // replaced by a directory: the required version stays
    EXPECT_EQ(have.at("stdlib"), want.at("stdlib"));
    EXPECT_EQ(have.size(), 3u) << name;
    for (const Package& p : got.packages) {
      EXPECT_EQ(p.ecosystem, "golang");
      if (p.name == "example.com/lib") {
        EXPECT_EQ(p.source_name, "../lib");
      }
    }
  }
}

TEST(GoCataloger, DebianGoBinariesMatchGoVersionM) {
  int n = 0;
  for (const char* file : {"/usr/bin/podman", "/usr/bin/skopeo", "/usr/sbin/runc"}) {
    if (!fs::exists(file)) continue;
    auto want = go_version_m(file);
    ASSERT_FALSE(want.empty()) << file;
    Diagnostics diag;
    AppParse got = parse_go_binary(slurp(file), file, diag);
    EXPECT_EQ(by_name(got.packages), want) << file;
    ++n;
  }
  EXPECT_GE(n, 1);
}

TEST(GoCataloger, ToolchainVersions) {
  EXPECT_EQ(go_toolchain_version("go1.21.3"), "1.21.3");
  EXPECT_EQ(go_toolchain_version("go1.21.3 X:boringcrypto"), "1.21.3");
  EXPECT_EQ(go_toolchain_version("go1.22.1 X:nocoverageredesign,loopvar"), "1.22.1");
  EXPECT_EQ(go_toolchain_version("go1.19"), "1.19.0");
  EXPECT_EQ(go_toolchain_version("go1.22rc1"), "1.22.0-rc.1");
  EXPECT_EQ(go_toolchain_version("devel +abc"), "");
  EXPECT_EQ(go_toolchain_version("go"), "");
}

TEST(GoCataloger, DamagedBuildInfo) {
  std::string bin = slurp("/usr/bin/podman");
  ASSERT_FALSE(bin.empty());
  size_t at = bin.find(std::string_view("\xff Go buildinf:", 14));
  ASSERT_NE(at, std::string::npos);
  // Cut right after the header: the strings are gone.
  Diagnostics diag;
  AppParse cut = parse_go_binary(std::string_view(bin).substr(0, at + 33), "podman", diag);
  EXPECT_TRUE(cut.partial);
  auto w = diag.take_all();
  ASSERT_EQ(w.size(), 1u);
  EXPECT_EQ(w[0].code, "golang.bad-buildinfo");
  // A huge varint length.
  std::string evil = bin.substr(0, at + 32) + std::string(10, '\xff') + "\x01";
  AppParse e = parse_go_binary(evil, "evil", diag);
  EXPECT_TRUE(e.partial);
  // Not a Go binary: nothing, silently.
  AppParse none = parse_go_binary(slurp("/bin/true"), "true", diag);
  EXPECT_TRUE(none.packages.empty());
  EXPECT_FALSE(none.partial);
}

TEST(CargoCataloger, DepV0SectionAddedByObjcopy) {
  std::string dir = test_scratch("cargo");
  int st = 0;
  std::string out = run_command(
      "cd '" + dir +
          "' && python3 -c \"import zlib,json,sys; sys.stdout.buffer.write(zlib.compress(json.dumps("
          "{'packages':[{'name':'hello','version':'0.1.0','source':'local','root':True,'dependencies':[1]},"
          "{'name':'serde','version':'1.0.188','source':'crates.io'}]}).encode()))\" > dep.z && "
          "objcopy --add-section .dep-v0=dep.z /bin/true audited && head -c 100 dep.z > short.z && "
          "objcopy --add-section .dep-v0=short.z /bin/true damaged 2>&1",
      &st);
  ASSERT_EQ(st, 0) << out;
  Diagnostics diag;
  AppParse got = parse_cargo_auditable(slurp(dir + "/audited"), "audited", diag);
  EXPECT_EQ(by_name(got.packages),
            (std::map<std::string, std::string>{{"hello", "0.1.0"}, {"serde", "1.0.188"}}));
  EXPECT_EQ(got.packages[0].ecosystem, "cargo");
  EXPECT_TRUE(diag.take_all().empty());
  AppParse bad = parse_cargo_auditable(slurp(dir + "/damaged"), "damaged", diag);
  EXPECT_TRUE(bad.partial);
  EXPECT_EQ(diag.take_all().at(0).code, "cargo.bad-dep-v0");
  AppParse none = parse_cargo_auditable(slurp("/bin/true"), "true", diag);
  EXPECT_TRUE(none.packages.empty());
  std::string bin = slurp(dir + "/audited");
  for (size_t cut : {size_t{10}, size_t{64}, bin.size() / 2, bin.size() - 1}) {
    AppParse c = parse_cargo_auditable(std::string_view(bin).substr(0, cut), "cut", diag);
    (void)c;  // no crash; section tables that point past the end are ignored
  }
}

TEST(DotnetCataloger, DepsJsonPackagesOnly) {
  const char* text = R"({
  "runtimeTarget": {"name": ".NETCoreApp,Version=v6.0", "signature": ""},
  "compilationOptions": {},
  "targets": {".NETCoreApp,Version=v6.0": {"app/1.0.0": {"dependencies": {"Newtonsoft.Json": "13.0.1"}}}},
  "libraries": {
    "app/1.0.0": {"type": "project", "serviceable": false, "sha512": ""},
    "Newtonsoft.Json/13.0.1": {"type": "package", "serviceable": true,
      "sha512": "sha512-ppPFpBcvxdsfUonNcvITKqLl3bqxWbDCZIzDWHzjpdAHRFfZe0Dw9HmA0+za13IdyrgJwpkDTDA9fHaxOrt20A==",
      "path": "newtonsoft.json/13.0.1", "hashPath": "newtonsoft.json.13.0.1.nupkg.sha512"}
  }
})";
  Diagnostics diag;
  AppParse got = parse_deps_json(text, "app/app.deps.json", diag);
  EXPECT_EQ(by_name(got.packages), (std::map<std::string, std::string>{{"Newtonsoft.Json", "13.0.1"}}));
  EXPECT_EQ(got.packages.at(0).ecosystem, "nuget");
  EXPECT_FALSE(parse_deps_json("{\"libraries\": []}", "x", diag).packages.size());
  EXPECT_TRUE(parse_deps_json("{", "x", diag).partial);
  EXPECT_TRUE(parse_deps_json("{\"libraries\": {\"NoSlash\": {\"type\": \"package\"}}}", "x", diag).partial);
  EXPECT_EQ(diag.take_all().size(), 3u);
}

}  // namespace
}  // namespace dagda

namespace dagda::catalogers {
extern const CatalogerInfo golang;
extern const CatalogerInfo cargo;
}

namespace dagda {
namespace {

// The walk's content probe: an executable ELF holding Go build information is captured; the same
// bytes without an executable bit, or an executable that is not Go, are not.
TEST(ContentProbe, DirWalkCapturesOnlyExecutableGoBinaries) {
  std::string dir = test_scratch("probe");
  int st = 0;
  run_command("cd '" + dir +
                  "' && cp /usr/bin/podman go-exec && cp /usr/bin/podman go-noexec && chmod -x go-noexec && "
                  "cp /bin/true c-exec && printf '#!/bin/sh\\n' > script && chmod +x script",
              &st);
  ASSERT_EQ(st, 0);
  WalkOptions wo;
  wo.wants = [](std::string_view) { return false; };
  wo.probe_head = catalogers::golang.probe_head;
  wo.probe_keep = catalogers::golang.probe_keep;
  auto idx = walk_dir_layer(dir, LayerInfo{}, wo);
  ASSERT_TRUE(idx.ok());
  std::map<std::string, bool> captured;
  for (const LayerEntryRef e : idx->entries) captured[std::string(e.path)] = e.content != nullptr;
  EXPECT_TRUE(captured.at("go-exec"));
  EXPECT_FALSE(captured.at("go-noexec"));
  EXPECT_FALSE(captured.at("c-exec"));
  EXPECT_FALSE(captured.at("script"));
}

// The tar walk's probe by markers (WalkOptions::probe_markers, as build_inventory sets them): the
// markers are searched while the file streams past in 64 KiB pieces, so a Go header deep in a
// 40 MB binary and a .dep-v0 section anywhere are found, a marker straddling two pieces too; a
// large executable holding neither is read through and not captured; captured content is whole.
TEST(ContentProbe, TarWalkKeepsByMarkersAsTheFileStreams) {
  std::string dir = test_scratch("probe-tar");
  int st = 0;
  std::string out = run_command(
      "cd '" + dir + "' && mkdir -p root && cp /usr/bin/podman root/go-exec && cp /bin/true root/c-exec && "
      "python3 -c \"import sys; sys.stdout.buffer.write(b'x' * 65530)\" > pad && "
      "printf 'ab.dep-v0\\000cd' > marker && cat /bin/true pad > root/big-c && "
      "objcopy --add-section .dep-v0=marker /bin/true root/rust-exec && "
      "python3 -c \"import sys; b=open('/bin/true','rb').read(); sys.stdout.buffer.write(b + b'y'*(65536-len(b)%65536-4) + b'.dep-v0\\0' + b'z'*100)\" > root/straddle && "
      "chmod +x root/* && tar -C root -cf layer.tar . 2>&1",
      &st);
  ASSERT_EQ(st, 0) << out;
  auto file = HostFile::open(dir + "/layer.tar");
  ASSERT_TRUE(file.ok());
  uint64_t size = (*file)->size();
  auto stream = file_range_stream(std::move(file).value(), 0, size, dir + "/layer.tar");
  WalkOptions wo;
  wo.wants = [](std::string_view) { return false; };
  wo.probe_head = [](std::string_view head) {
    return catalogers::golang.probe_head(head) || catalogers::cargo.probe_head(head);
  };
  wo.probe_keep = [](std::string_view c) { return catalogers::golang.probe_keep(c) || catalogers::cargo.probe_keep(c); };
  for (auto* c : {&catalogers::golang, &catalogers::cargo})
    wo.probe_markers.insert(wo.probe_markers.end(), c->probe_markers.begin(), c->probe_markers.end());
  ASSERT_EQ(wo.probe_markers.size(), 2u);
  wo.spill_dir = test_scratch("probe-tar-spill");
  wo.memory_per_file = 1 << 20;  // the Go binary is kept by spilling past this
  auto idx = walk_tar_layer(*stream, LayerInfo{}, wo);
  ASSERT_TRUE(idx.ok()) << idx.error().render();
  std::map<std::string, std::string> captured;
  for (const LayerEntryRef e : idx->entries)
    if (e.kind == LayerEntry::Kind::file) captured[std::string(e.path)] = e.content ? std::string(e.content->data()) : "";
  EXPECT_EQ(captured.at("go-exec"), slurp("/usr/bin/podman"));
  EXPECT_EQ(captured.at("rust-exec"), slurp(dir + "/root/rust-exec"));
  EXPECT_EQ(captured.at("straddle"), slurp(dir + "/root/straddle"));
  EXPECT_EQ(captured.at("c-exec"), "");
  EXPECT_EQ(captured.at("big-c"), "");
  // The whole-content test agrees with the markers on each file.
  for (const char* f : {"go-exec", "rust-exec", "straddle", "c-exec", "big-c"})
    EXPECT_EQ(wo.probe_keep(slurp(dir + "/root/" + f)), !captured.at(f).empty()) << f;
}

}  // namespace
}  // namespace dagda
