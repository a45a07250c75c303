#pragma once
// Base for tests that run once per database mode against a real service and database.
#include "support/service_fixture.hpp"
#include "support/test_env.hpp"

#include <gtest/gtest.h>

namespace coffeehouse::testing {

class ApiTest : public ::testing::TestWithParam<db::DbMode> {
 protected:
  void SetUp() override { service_ = std::make_unique<RunningService>(GetParam()); }
  void TearDown() override { service_.reset(); }

  HttpClient client() const { return service_->client(); }
  RunningService& service() { return *service_; }

 private:
  std::unique_ptr<RunningService> service_;
};

inline std::string mode_name(const ::testing::TestParamInfo<db::DbMode>& info) {
  return info.param == db::DbMode::async ? "Async" : "Sync";
}

}  // namespace coffeehouse::testing

#define COFFEEHOUSE_BOTH_MODES(suite)                                                                     \
  INSTANTIATE_TEST_SUITE_P(BothModes, suite,                                                              \
                           ::testing::Values(coffeehouse::db::DbMode::async, coffeehouse::db::DbMode::sync), \
                           coffeehouse::testing::mode_name)
