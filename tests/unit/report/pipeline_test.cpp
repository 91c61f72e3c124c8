// The reports of inventories built by Dagda's own pipeline (source -> layers ->
// catalogers) on real images: they agree with the inventories read with the
// real tools (real_inventories.hpp) and validate against the official schemas.
#include <gtest/gtest.h>

#include <cstdlib>
#include <nlohmann/json.hpp>
#include <set>
#include <tuple>

#include "catalog/driver.hpp"
#include "unit/report/report_test_util.hpp"

namespace dagda {
namespace {

using nlohmann::json;
using Row = std::tuple<std::string, std::string, std::string, std::string, std::string, std::string>;

// What both inventories must say of each package: name, version, arch, purl, layer, path.
std::set<Row> rows(const std::string& json_text) {
  std::set<Row> out;
  const json doc = json::parse(json_text);  // kept alive: a range-for over a temporary's member would dangle
  for (const json& p : doc["packages"]) {
    out.emplace(p["name"], p["version"], p.value("arch", ""), p["purl"], p.value("layer", ""),
                p.value("path", ""));
  }
  return out;
}

Inventory pipeline(const std::string& source) {
  const test::report_fixtures::Scratch cache("report-pipeline-cache");
  setenv("DAGDA_CACHE_DIR", cache.path().c_str(), 1);
  auto inv = build_inventory(source, InventoryOptions{});
  unsetenv("DAGDA_CACHE_DIR");
  EXPECT_TRUE(inv.ok()) << (inv.ok() ? "" : inv.error().render());
  return inv.ok() ? std::move(*inv) : Inventory{};
}

TEST(Pipeline, DockerArchiveAgreesWithTheRealTools) {
  Inventory inv = pipeline("docker-archive:" + test::testdata("images/trivy-docker-save/alpine-310.tar.gz"));
  const Inventory& ref = test::real_inventory("alpine-3.10-image");
  EXPECT_EQ(rows(test::render(inv, "json")), rows(test::render(ref, "json")));
  EXPECT_EQ(inv.source.image_id, ref.source.image_id);
  ASSERT_EQ(inv.source.layers.size(), ref.source.layers.size());
  EXPECT_EQ(inv.source.layers[0].diff_id, ref.source.layers[0].diff_id);
  EXPECT_EQ(inv.source.layers[0].created_by, ref.source.layers[0].created_by);
  // The table of the real run is the golden table, but for the input path.
  std::string table = test::render(inv, "table");
  std::string golden = test::render(ref, "table");
  EXPECT_EQ(table.substr(table.find('\n')), golden.substr(golden.find('\n')));

  test::Validation v =
      test::validate(test::render(inv, "cyclonedx"), "cyclonedx-1.6", "pipeline-alpine310-cdx");
  EXPECT_EQ(v.status, 0) << v.output;
  v = test::validate(test::render(inv, "spdx"), "spdx-2.3", "pipeline-alpine310-spdx");
  EXPECT_EQ(v.status, 0) << v.output;
}

TEST(Pipeline, RootfsArchiveAgreesWithTheRealTools) {
  Inventory inv = pipeline("rootfs-archive:" +
                           test::testdata("pkgdb/alpine-minirootfs/alpine-minirootfs-3.19.4-x86_64.tar.gz"));
  const Inventory& ref = test::real_inventory("alpine-3.19.4-rootfs");
  // A rootfs archive is one layer without a diff id for the pipeline; the reference has none.
  auto strip_layer = [](std::set<Row> in) {
    std::set<Row> out;
    for (auto r : in) {
      std::get<4>(r).clear();
      out.insert(r);
    }
    return out;
  };
  EXPECT_EQ(strip_layer(rows(test::render(inv, "json"))), strip_layer(rows(test::render(ref, "json"))));
  test::Validation v = test::validate(test::render(inv, "cyclonedx"), "cyclonedx-1.6", "pipeline-rootfs-cdx");
  EXPECT_EQ(v.status, 0) << v.output;
  v = test::validate(test::render(inv, "spdx"), "spdx-2.3", "pipeline-rootfs-spdx");
  EXPECT_EQ(v.status, 0) << v.output;
}

}  // namespace
}  // namespace dagda
