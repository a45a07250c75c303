#pragma once
// A strict reader of the Prometheus text exposition format (version 0.0.4), for the tests of
// what /metrics renders.
#include <map>
#include <string>

namespace coffeehouse::testing {

// Every sample belongs to a family declared by # TYPE before it, names and labels are
// well-formed, values are numbers; anything else fails the current test. Returns the samples as
// "name{labels}" -> value.
std::map<std::string, double> parse_exposition(const std::string& text);

// Fails the current test unless the buckets of histogram `name` with `labels` (`route="/x"`, or
// empty) never decrease and its +Inf bucket equals its _count. Returns that count.
double expect_cumulative_buckets(const std::map<std::string, double>& samples, const std::string& name,
                                 const std::string& labels = {});

}  // namespace coffeehouse::testing
