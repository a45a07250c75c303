#pragma once
// Base for tests that run against a real service and database once per setup: each database
// mode directly, and each through PgBouncer in transaction pooling.
#include "support/service_fixture.hpp"
#include "support/test_env.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace coffeehouse::testing {

class ApiTest : public ::testing::TestWithParam<ServiceSetup> {
 protected:
  void SetUp() override { service_ = std::make_unique<RunningService>(test_config(GetParam())); }
  void TearDown() override { service_.reset(); }

  HttpClient client() const { return service_->client(); }
  RunningService& service() { return *service_; }

 private:
  std::unique_ptr<RunningService> service_;
};

inline std::string mode_name(const ::testing::TestParamInfo<db::DbMode>& info) {
  return info.param == db::DbMode::async ? "Async" : "Sync";
}

// Async, Sync, and through PgBouncer: AsyncPgBouncer, SyncPgBouncer, PipelinedPgBouncer.
std::vector<ServiceSetup> every_setup();
std::string setup_name(const ::testing::TestParamInfo<ServiceSetup>& info);

}  // namespace coffeehouse::testing

#define COFFEEHOUSE_EVERY_SETUP(suite)                                                              \
  INSTANTIATE_TEST_SUITE_P(Setups, suite, ::testing::ValuesIn(coffeehouse::testing::every_setup()), \
                           coffeehouse::testing::setup_name)
