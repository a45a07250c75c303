#include "db/migrations/revision_writer.hpp"

#include "db/migrations/revision_file.hpp"
#include "db/migrations/text.hpp"

#include <array>
#include <cctype>
#include <chrono>
#include <ctime>
#include <fstream>
#include <random>

namespace coffeehouse::db::migrations {
namespace {

constexpr std::size_t slug_limit = 40;

// UTC, so files written on machines in different time zones compare sensibly.
std::string create_date_now() {
  const auto now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm utc{};
  gmtime_r(&now, &utc);
  std::array<char, 32> text{};
  const auto length = std::strftime(text.data(), text.size(), "%Y-%m-%d %H:%M:%S", &utc);
  return std::string(text.data(), length);
}

}  // namespace

std::string fresh_revision_id(const RevisionGraph& graph) {
  std::random_device entropy;
  std::uniform_int_distribution<unsigned> hex_digit(0, 15);
  constexpr std::string_view digits = "0123456789abcdef";
  while (true) {
    std::string id;
    for (int index = 0; index < 12; ++index) id += digits[hex_digit(entropy)];
    if (!graph.contains(id)) return id;
  }
}

std::string revision_file_name(std::string_view id, std::string_view message) {
  std::string slug;
  bool pending_separator = false;
  for (const char c : message) {
    const auto byte = static_cast<unsigned char>(c);
    if (std::isalnum(byte) == 0) {
      pending_separator = !slug.empty();
      continue;
    }
    if (pending_separator) slug += '_';
    pending_separator = false;
    slug += static_cast<char>(std::tolower(byte));
  }
  if (slug.size() > slug_limit) slug.resize(slug_limit);
  while (!slug.empty() && slug.back() == '_') slug.pop_back();
  return std::string(id) + (slug.empty() ? "" : "_" + slug) + ".sql";
}

Outcome<std::filesystem::path> write_new_revision(const std::filesystem::path& versions_dir, const RevisionGraph& graph,
                                                  std::vector<std::string> down_revisions, const std::string& message) {
  if (trim(message).empty()) return fail("the message (-m) is empty: history shows it for every revision");
  if (message.find_first_of("\r\n") != std::string::npos) return fail("the message (-m) must be one line");

  Revision revision;
  revision.id = fresh_revision_id(graph);
  revision.down_revisions = std::move(down_revisions);
  revision.message = std::string(trim(message));
  revision.create_date = create_date_now();
  const auto path = versions_dir / revision_file_name(revision.id, revision.message);

  std::error_code error;
  if (std::filesystem::exists(path, error)) return fail(path.string() + " already exists");
  std::ofstream file(path, std::ios::binary);
  file << render_revision_file(revision);
  file.close();
  if (!file) return fail("cannot write " + path.string());
  return path;
}

}  // namespace coffeehouse::db::migrations
