// The state store's history, jobs and tokens, on SQLite and on the test
// PostgreSQL (scripts/start-postgres.sh; each test in a schema of its own).
#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <map>
#include <set>
#include <thread>

#include <fmt/format.h>

#include "state/history.hpp"
#include "state/jobs.hpp"
#include "state/rematch.hpp"
#include "state/tables.hpp"
#include "state/tokens.hpp"
#include "support/postgres.hpp"
#include "vulndb/sql.hpp"

namespace dagda::state {
namespace {

namespace fs = std::filesystem;
using vulndb::sql::Connection;

class StateTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    std::string name = fmt::format("{}_{}", info->name(), ::getpid());
    for (char& c : name)
      if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
    if (GetParam() == "postgresql") {
      pg_url_ = ::dagda::test::postgres_url();
      if (pg_url_.empty()) {
        if (::dagda::test::ci_mode()) FAIL() << "DAGDA_TEST_PG_URL is unset (scripts/start-postgres.sh)";
        GTEST_SKIP() << "DAGDA_TEST_PG_URL is unset";
      }
      schema_ = "t_" + name;
      std::transform(schema_.begin(), schema_.end(), schema_.begin(), ::tolower);
      auto c = vulndb::sql::open_postgres(pg_url_);
      ASSERT_TRUE(c.ok()) << c.error().render();
      ASSERT_TRUE((*c)->exec(fmt::format("DROP SCHEMA IF EXISTS {0} CASCADE; CREATE SCHEMA {0}", schema_)).ok());
    } else {
      dir_ = fs::temp_directory_path() / ("dagda-state-" + name);
      fs::remove_all(dir_);
      fs::create_directories(dir_);
    }
    db_ = connect();
    ASSERT_TRUE(db_);
  }
  void TearDown() override {
    db_.reset();
    if (!schema_.empty()) {
      auto c = vulndb::sql::open_postgres(pg_url_);
      if (c.ok()) (void)(*c)->exec(fmt::format("DROP SCHEMA IF EXISTS {} CASCADE", schema_));
    }
    if (!dir_.empty()) fs::remove_all(dir_);
  }
  // Another connection to the same database, as another thread or process has.
  std::unique_ptr<Connection> connect() {
    if (!schema_.empty()) {
      auto c = vulndb::sql::open_postgres(pg_url_);
      EXPECT_TRUE(c.ok());
      if (!c.ok()) return nullptr;
      EXPECT_TRUE((*c)->exec(fmt::format("SET search_path TO {}", schema_)).ok());
      return std::move(c).value();
    }
    auto c = vulndb::sql::open_sqlite((dir_ / "state.db").string(), false);
    EXPECT_TRUE(c.ok());
    if (!c.ok()) return nullptr;
    EXPECT_TRUE((*c)->exec("PRAGMA journal_mode=WAL").ok());
    return std::move(c).value();
  }
  std::string pg_url_, schema_;
  fs::path dir_;
  std::unique_ptr<Connection> db_;
};

TEST_P(StateTest, TokensScopesExpiryAndRevocation) {
  Tokens tokens(*db_);
  ASSERT_TRUE(tokens.ensure_schema().ok());
  ASSERT_TRUE(tokens.ensure_schema().ok());  // twice is harmless
  auto reader = tokens.create("ci-reader", "read", 0);
  ASSERT_TRUE(reader.ok()) << reader.error().render();
  auto admin = tokens.create("ops", "admin", 3600);
  ASSERT_TRUE(admin.ok());
  EXPECT_NE(reader->second, admin->second);
  EXPECT_TRUE(reader->second.starts_with("dgd_"));
  EXPECT_FALSE(tokens.create("x", "root", 0).ok());
  EXPECT_FALSE(tokens.create("", "read", 0).ok());

  auto c = tokens.check(reader->second);
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->first, TokenCheck::ok);
  EXPECT_EQ(c->second.scope, "read");
  EXPECT_EQ(tokens.check("dgd_nope")->first, TokenCheck::unknown);
  // Only the hash is stored.
  auto stored = db_->query("SELECT hash FROM api_tokens");
  ASSERT_TRUE(stored.ok());
  for (auto& r : *stored) {
    EXPECT_NE(vulndb::sql::as_text(r[0]), reader->second);
    EXPECT_NE(vulndb::sql::as_text(r[0]), admin->second);
  }

  EXPECT_TRUE(scope_allows("admin", "scan"));
  EXPECT_TRUE(scope_allows("scan", "read"));
  EXPECT_FALSE(scope_allows("read", "scan"));
  EXPECT_FALSE(scope_allows("scan", "admin"));
  EXPECT_FALSE(scope_allows("", "read"));

  // Expiry: the clock moved past it.
  std::vector<vulndb::sql::Value> p{now_seconds() - 1, admin->first.id};
  ASSERT_TRUE(db_->query("UPDATE api_tokens SET expires_at = ? WHERE id = ?", p).ok());
  EXPECT_EQ(tokens.check(admin->second)->first, TokenCheck::expired);

  EXPECT_EQ(*tokens.revoke("ci-reader"), 1);
  EXPECT_EQ(*tokens.revoke("ci-reader"), 0);
  EXPECT_EQ(tokens.check(reader->second)->first, TokenCheck::revoked);
  EXPECT_EQ(*tokens.revoke(std::to_string(admin->first.id)), 1);
  auto all = tokens.list();
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), 2u);
  EXPECT_NE((*all)[0].revoked_at, 0);
}

TEST_P(StateTest, HistoryByDigestAndEveryName) {
  History h(*db_);
  ASSERT_TRUE(h.ensure_schema().ok());
  ScanRecord a;
  a.image = "registry.example/app:1.0";
  a.digest = "sha256:aaaa";
  a.names = {"registry.example/app:latest"};
  a.origin = "server";
  a.job_id = 7;
  a.report_json = R"({"schema":"dagda.scan/v1","findings":[]})";
  auto id1 = h.add(a);
  ASSERT_TRUE(id1.ok()) << id1.error().render();
  ScanRecord b = a;
  b.image = "app.tar";
  b.names = {};
  auto id2 = h.add(b);  // the same image under another name
  ScanRecord c;
  c.image = "other:1";
  c.digest = "sha256:cccc";
  auto id3 = h.add(c);
  ASSERT_TRUE(id2.ok() && id3.ok());

  for (std::string q : {"registry.example/app:latest", "registry.example/app:1.0", "app.tar", "sha256:aaaa"}) {
    auto l = h.list(q);
    ASSERT_TRUE(l.ok());
    ASSERT_EQ(l->size(), 2u) << q;
    EXPECT_EQ((*l)[0].id, *id2) << q;  // newest first
    EXPECT_EQ((*l)[1].id, *id1) << q;
  }
  EXPECT_EQ(h.list("nothing")->size(), 0u);
  EXPECT_EQ(h.list()->size(), 3u);
  auto got = h.get(*id1);
  ASSERT_TRUE(got.ok() && got->has_value());
  EXPECT_EQ((*got)->job_id, 7);
  EXPECT_EQ((*got)->report_json, a.report_json);
  EXPECT_EQ((*got)->names, (std::vector<std::string>{"registry.example/app:1.0", "registry.example/app:latest"}));
  EXPECT_FALSE(h.get(99999)->has_value());
  auto latest = h.latest_per_image();
  ASSERT_TRUE(latest.ok());
  ASSERT_EQ(latest->size(), 2u);
  EXPECT_EQ((*latest)[0].id, *id2);
  EXPECT_EQ((*latest)[1].id, *id3);

  ScanRecord many = c;
  for (size_t i = 0; i <= kMaxNames; ++i) many.names.push_back(fmt::format("n{}", i));
  EXPECT_FALSE(h.add(many).ok());
}

TEST(HistoryDiff, RefusesWhatIsNotAReport) {
  EXPECT_FALSE(diff_reports("{", "{}").ok());
  EXPECT_FALSE(diff_reports("[]", R"({"findings":[]})").ok());
  EXPECT_FALSE(diff_reports(R"({"findings":{}})", R"({"findings":[]})").ok());
  auto same = diff_reports(R"({"findings":[]})", R"({"findings":[1,"x",null]})");
  ASSERT_TRUE(same.ok());
  EXPECT_TRUE((*same)["added"].empty());
}

TEST_P(StateTest, JobLifecycleRetriesAndTakeOver) {
  Jobs jobs(*db_);
  History h(*db_);
  ASSERT_TRUE(jobs.ensure_schema().ok());
  ASSERT_TRUE(h.ensure_schema().ok());
  auto j1 = jobs.enqueue("check", R"({"source":"a"})", 2);
  auto j2 = jobs.enqueue("check", R"({"source":"b"})", 1);
  ASSERT_TRUE(j1.ok() && j2.ok());
  EXPECT_EQ(jobs.get(*j1)->value().state, "queued");

  // Worker w1 takes j1 with a lease that has already run out, as if it had died.
  auto c1 = jobs.claim("w1", -10);
  ASSERT_TRUE(c1.ok() && c1->has_value());
  EXPECT_EQ((*c1)->id, *j1);
  EXPECT_EQ((*c1)->attempts, 1);
  // w2 takes it over: the oldest ready job is j1 again.
  auto c2 = jobs.claim("w2", 60);
  ASSERT_TRUE(c2.ok() && c2->has_value());
  EXPECT_EQ((*c2)->id, *j1);
  EXPECT_EQ((*c2)->attempts, 2);
  // w1 wakes up: it holds nothing, stores nothing.
  EXPECT_FALSE(*jobs.renew(*j1, "w1", 60));
  bool stored = false;
  auto late = jobs.complete(*j1, "w1", [&]() -> Result<int64_t> {
    stored = true;
    return int64_t{0};
  });
  ASSERT_TRUE(late.ok());
  EXPECT_FALSE(*late);
  EXPECT_FALSE(stored);
  EXPECT_TRUE(*jobs.renew(*j1, "w2", 60));
  ScanRecord r;
  r.image = "a";
  r.job_id = *j1;
  auto done = jobs.complete(*j1, "w2", [&]() { return h.add(r); });
  ASSERT_TRUE(done.ok()) << done.error().render();
  EXPECT_TRUE(*done);
  auto j = jobs.get(*j1)->value();
  EXPECT_EQ(j.state, "done");
  ASSERT_NE(j.report_id, 0);
  EXPECT_EQ(h.get(j.report_id)->value().job_id, *j1);

  // j2 fails with one attempt allowed: failed, with the error.
  auto c3 = jobs.claim("w1", 60);
  ASSERT_TRUE(c3.ok() && c3->has_value());
  EXPECT_EQ((*c3)->id, *j2);
  EXPECT_TRUE(*jobs.fail(*j2, "w1", "no such image", true));
  j = jobs.get(*j2)->value();
  EXPECT_EQ(j.state, "failed");
  EXPECT_EQ(j.error, "no such image");
  EXPECT_FALSE(jobs.claim("w1", 60)->has_value());

  // A retried failure goes back to the queue; a released job does not count an attempt.
  auto j3 = jobs.enqueue("check", "{}", 3);
  ASSERT_TRUE(j3.ok());
  ASSERT_TRUE(jobs.claim("w1", 60)->has_value());
  EXPECT_TRUE(*jobs.fail(*j3, "w1", "registry timeout", true));
  EXPECT_EQ(jobs.get(*j3)->value().state, "queued");
  ASSERT_TRUE(jobs.claim("w1", 60)->has_value());
  EXPECT_TRUE(*jobs.release(*j3, "w1"));
  j = jobs.get(*j3)->value();
  EXPECT_EQ(j.state, "queued");
  EXPECT_EQ(j.attempts, 1);

  // A job whose every attempt died is failed, not retried for ever.
  auto j4 = jobs.enqueue("check", "{}", 1);
  ASSERT_TRUE(jobs.claim("w1", 60)->has_value());  // j3
  auto c4 = jobs.claim("w1", -10);
  ASSERT_TRUE(c4.ok() && c4->has_value());
  EXPECT_EQ((*c4)->id, *j4);
  EXPECT_FALSE(jobs.claim("w2", 60)->has_value());
  EXPECT_EQ(jobs.get(*j4)->value().state, "failed");
  auto counts = jobs.counts();
  ASSERT_TRUE(counts.ok());
  EXPECT_EQ(counts->at("done"), 1);
  EXPECT_EQ(counts->at("failed"), 2);
  EXPECT_EQ(counts->at("running"), 1);
}

// Workers on connections of their own drain the queue: every job done once, one report each.
TEST_P(StateTest, ParallelWorkersNoJobLostOrDoubled) {
  {
    Jobs jobs(*db_);
    History h(*db_);
    ASSERT_TRUE(jobs.ensure_schema().ok());
    ASSERT_TRUE(h.ensure_schema().ok());
    for (int i = 0; i < 60; ++i) ASSERT_TRUE(jobs.enqueue("check", fmt::format(R"({{"n":{}}})", i)).ok());
  }
  std::atomic<int> errors{0};
  std::vector<std::thread> threads;
  for (int w = 0; w < 4; ++w)
    threads.emplace_back([&, w] {
      auto db = connect();
      if (!db) return void(++errors);
      Jobs jobs(*db);
      History h(*db);
      std::string me = fmt::format("w{}", w);
      for (;;) {
        auto j = jobs.claim(me, 60);
        if (!j.ok()) return void(++errors);
        if (!j->has_value()) return;
        ScanRecord r;
        r.image = (*j)->request;
        r.job_id = (*j)->id;
        auto done = jobs.complete((*j)->id, me, [&]() { return h.add(r); });
        if (!done.ok() || !*done) ++errors;
      }
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(errors.load(), 0);
  History h(*db_);
  auto all = h.list({}, 1000);
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(all->size(), 60u);
  std::set<int64_t> job_ids;
  for (auto& r : *all) job_ids.insert(r.job_id);
  EXPECT_EQ(job_ids.size(), 60u);
  Jobs jobs(*db_);
  EXPECT_EQ(jobs.counts()->at("done"), 60);
}

// The re-match mark: set by the first look, moved forward once per generation
// (queuing one job in the same transaction), never backward.
TEST_P(StateTest, RematchMarkQueuesOncePerGeneration) {
  RematchMark mark(*db_);
  ASSERT_TRUE(mark.ensure_schema().ok());
  ASSERT_TRUE(Jobs(*db_).ensure_schema().ok());
  EXPECT_EQ(*mark.generation(), -1);
  EXPECT_EQ(*mark.advance(3, "{}"), 0);  // the first look only records
  EXPECT_EQ(*mark.generation(), 3);
  EXPECT_EQ(*mark.advance(3, "{}"), 0);
  EXPECT_EQ(*mark.advance(2, "{}"), 0);
  // Two servers (connections) see generation 4 at once: one job.
  auto other = connect();
  RematchMark mark2(*other);
  std::atomic<int64_t> a{0}, b{0};
  auto take = [](RematchMark& m, std::atomic<int64_t>& out) {
    auto r = m.advance(4, R"({"generation":4})");
    out = r.ok() ? *r : -1;
  };
  std::thread t1([&] { take(mark, a); });
  std::thread t2([&] { take(mark2, b); });
  t1.join();
  t2.join();
  EXPECT_TRUE((a > 0) != (b > 0)) << a << " " << b;
  auto job = Jobs(*db_).get(std::max(a.load(), b.load()));
  ASSERT_TRUE(job.ok() && job->has_value());
  EXPECT_EQ((*job)->kind, "rematch");
  EXPECT_EQ((*job)->request, R"({"generation":4})");
  EXPECT_EQ(*mark.generation(), 4);
  auto latest = Jobs(*db_).latest("rematch", true);
  ASSERT_TRUE(latest.ok() && latest->has_value());
  EXPECT_EQ((*latest)->id, (*job)->id);
  EXPECT_FALSE(Jobs(*db_).latest("vuln_update")->has_value());
}

TEST_P(StateTest, JobResultsAreKeptAndReplaced) {
  Jobs jobs(*db_);
  ASSERT_TRUE(jobs.ensure_schema().ok());
  auto id = jobs.enqueue("vuln_update", "{}", 1);
  ASSERT_TRUE(id.ok());
  EXPECT_EQ(*jobs.result(*id), "");
  ASSERT_TRUE(jobs.set_result(*id, R"({"started":"a"})").ok());
  ASSERT_TRUE(jobs.set_result(*id, R"({"started":"a","finished":"b"})").ok());
  EXPECT_EQ(*jobs.result(*id), R"({"started":"a","finished":"b"})");
}

INSTANTIATE_TEST_SUITE_P(Backends, StateTest, ::testing::Values("sqlite", "postgresql"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace dagda::state
