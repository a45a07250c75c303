#pragma once
// A throw-away versions directory for one test, optionally seeded with the project's own
// revision files (schema/versions), removed when the test ends.
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace coffeehouse::testing {

// The project's history: init, then surname and patronomic each on init, then their merge (the
// diamond most migration tests are written against), then coffee_note on the merge, then
// coffee.title_tsv.
namespace project {
inline constexpr std::string_view init = "1a2b3c4d5e6f";
inline constexpr std::string_view surname = "2b3c4d5e6f7a";
inline constexpr std::string_view patronomic = "3c4d5e6f7a8b";
inline constexpr std::string_view merge = "4d5e6f7a8b9c";
inline constexpr std::string_view init_file = "1a2b3c4d5e6f_init.sql";
inline constexpr std::string_view surname_file = "2b3c4d5e6f7a_add_users_surname.sql";
inline constexpr std::string_view patronomic_file = "3c4d5e6f7a8b_add_users_patronomic.sql";
inline constexpr std::string_view merge_file = "4d5e6f7a8b9c_merge_surname_and_patronomic.sql";
inline constexpr std::string_view coffee_note = "5e7f9a1b3c5d";
inline constexpr std::string_view title_tsv = "6a8b0c2d4e6f";
}  // namespace project

std::filesystem::path project_versions_dir();
// The diamond alone (init, surname, patronomic, merge), copied once per test process: the tests of
// the commands' listings stay as they are when the project's history grows past the merge.
std::filesystem::path diamond_versions_dir();

class VersionsWorkspace {
 public:
  // An empty directory, plus copies of the named files from schema/versions.
  explicit VersionsWorkspace(const std::vector<std::string_view>& project_files = {});
  ~VersionsWorkspace();
  VersionsWorkspace(const VersionsWorkspace&) = delete;
  VersionsWorkspace& operator=(const VersionsWorkspace&) = delete;

  const std::filesystem::path& path() const noexcept { return path_; }
  std::string dir() const { return path_.string(); }

  void write(const std::string& file_name, const std::string& text) const;
  // Writes `<id>.sql` in the revision file format.
  void write_revision(const std::string& id, const std::string& down_revision, const std::string& upgrade_sql,
                      const std::string& downgrade_sql = "") const;
  void remove(const std::string& file_name) const;
  std::vector<std::string> file_names() const;  // sorted

 private:
  std::filesystem::path path_;
};

// The text of a file in the workspace, or of any path.
std::string read_text(const std::filesystem::path& path);

// The path in a `revision`/`merge` report ("Generating <path> ... done").
std::filesystem::path generated_path(const std::string& report);

// Puts SQL into the empty sections of a file `revision` wrote, as a developer would.
void fill_sections(const std::filesystem::path& revision_file, const std::string& upgrade_sql,
                   const std::string& downgrade_sql);

}  // namespace coffeehouse::testing
