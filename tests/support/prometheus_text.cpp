#include "support/prometheus_text.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <regex>
#include <sstream>

namespace coffeehouse::testing {

std::map<std::string, double> parse_exposition(const std::string& text) {
  static const std::regex type_line(R"(# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) (counter|gauge|histogram|summary|untyped))");
  static const std::regex help_line(R"(# HELP ([a-zA-Z_:][a-zA-Z0-9_:]*) .*)");
  static const std::regex sample_line(
      R"(([a-zA-Z_:][a-zA-Z0-9_:]*)(\{([a-zA-Z_][a-zA-Z0-9_]*="([^"\\]|\\.)*"(,[a-zA-Z_][a-zA-Z0-9_]*="([^"\\]|\\.)*")*)?\})? (-?[0-9.eE+-]+|\+Inf|NaN))");
  std::map<std::string, std::string> families;
  std::map<std::string, double> samples;
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);) {
    std::smatch match;
    if (std::regex_match(line, match, type_line)) {
      EXPECT_FALSE(families.contains(match[1])) << "family declared twice: " << line;
      families[match[1]] = match[2];
    } else if (std::regex_match(line, help_line)) {
      continue;
    } else if (std::regex_match(line, match, sample_line)) {
      std::string family = match[1];
      for (const char* suffix : {"_bucket", "_sum", "_count"}) {
        if (family.ends_with(suffix) && families.contains(family.substr(0, family.size() - std::strlen(suffix)))) {
          family = family.substr(0, family.size() - std::strlen(suffix));
        }
      }
      EXPECT_TRUE(families.contains(family)) << "sample before its # TYPE: " << line;
      const auto value = line.substr(line.rfind(' ') + 1);
      samples[line.substr(0, line.rfind(' '))] = value == "+Inf" ? HUGE_VAL : std::stod(value);
    } else {
      ADD_FAILURE() << "not exposition format: '" << line << "'";
    }
  }
  return samples;
}

double expect_cumulative_buckets(const std::map<std::string, double>& samples, const std::string& name,
                                 const std::string& labels) {
  const std::string bucket_prefix = name + "_bucket{" + labels + (labels.empty() ? "" : ",") + "le=\"";
  double last = -1;
  for (const char* bound : {"0.0001", "0.001", "0.01", "0.1", "1", "2.5", "+Inf"}) {
    const auto bucket = samples.find(bucket_prefix + bound + "\"}");
    if (bucket == samples.end()) {
      ADD_FAILURE() << "no bucket " << bucket_prefix << bound;
      return 0;
    }
    EXPECT_GE(bucket->second, last) << bucket->first;
    last = bucket->second;
  }
  const auto count = samples.find(name + "_count" + (labels.empty() ? "" : "{" + labels + "}"));
  if (count == samples.end()) {
    ADD_FAILURE() << "no " << name << "_count with " << labels;
    return last;
  }
  EXPECT_EQ(last, count->second) << name << "{" << labels << "}: +Inf must count every observation";
  return last;
}

}  // namespace coffeehouse::testing
