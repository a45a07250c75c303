#include "db/migrations/revision_file.hpp"

#include "db/migrations/text.hpp"

#include <algorithm>
#include <array>
#include <map>
#include <optional>

namespace coffeehouse::db::migrations {
namespace {

constexpr std::string_view upgrade_marker = "-- upgrade";
constexpr std::string_view downgrade_marker = "-- downgrade";
constexpr std::array<std::string_view, 4> header_keys{"revision", "down_revision", "message", "create_date"};

struct HeaderLine {
  std::string_view key;
  std::string_view value;
};

std::vector<std::string_view> split_lines(std::string_view text) {
  std::vector<std::string_view> lines;
  while (!text.empty()) {
    const auto end = text.find('\n');
    auto line = text.substr(0, end);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    lines.push_back(line);
    if (end == std::string_view::npos) break;
    text.remove_prefix(end + 1);
  }
  return lines;
}

// "-- key: value" with a key of lowercase letters and '_'; anything else is not a header line.
std::optional<HeaderLine> header_line(std::string_view line) {
  if (!line.starts_with("-- ")) return std::nullopt;
  line.remove_prefix(3);
  const auto colon = line.find(':');
  if (colon == std::string_view::npos || colon == 0) return std::nullopt;
  const auto key = line.substr(0, colon);
  if (!std::all_of(key.begin(), key.end(), [](char c) { return (c >= 'a' && c <= 'z') || c == '_'; })) {
    return std::nullopt;
  }
  return HeaderLine{key, trim(line.substr(colon + 1))};
}

// "a, b" -> {"a", "b"}; an empty value is a base. Empty items stay in, so "a," is reported.
std::vector<std::string> split_parents(std::string_view value) {
  std::vector<std::string> parents;
  if (value.empty()) return parents;
  while (true) {
    const auto comma = value.find(',');
    parents.emplace_back(trim(value.substr(0, comma)));
    if (comma == std::string_view::npos) return parents;
    value.remove_prefix(comma + 1);
  }
}

std::string section_text(const std::vector<std::string_view>& lines, std::size_t begin, std::size_t end) {
  std::string text;
  for (auto index = begin; index < end; ++index) {
    text += lines[index];
    text += '\n';
  }
  return std::string(trim(text));
}

class FileParser {
 public:
  FileParser(std::string_view text, const std::filesystem::path& path) : lines_(split_lines(text)), path_(path) {}

  Outcome<Revision> parse() {
    Revision revision;
    revision.path = path_;
    auto header = read_header();
    if (!header) return header.error();
    auto filled = fill_header(revision, *header);
    if (!filled) return filled.error();
    auto sections = read_sections(revision);
    if (!sections) return sections.error();
    return revision;
  }

 private:
  MigrationError error_at(std::size_t line_index, const std::string& what) const {
    return fail(path_.string() + ":" + std::to_string(line_index + 1) + ": " + what);
  }
  MigrationError error(const std::string& what) const { return fail(path_.string() + ": " + what); }

  Outcome<std::map<std::string_view, std::string_view>> read_header() {
    std::map<std::string_view, std::string_view> values;
    for (; next_line_ < lines_.size(); ++next_line_) {
      const auto parsed = header_line(lines_[next_line_]);
      if (!parsed) break;
      if (std::find(header_keys.begin(), header_keys.end(), parsed->key) == header_keys.end()) {
        return error_at(next_line_, "unknown header '" + std::string(parsed->key) +
                                        "' (expected revision, down_revision, message, create_date)");
      }
      if (!values.emplace(parsed->key, parsed->value).second) {
        return error_at(next_line_, "header '" + std::string(parsed->key) + "' appears twice");
      }
    }
    return values;
  }

  Outcome<void> fill_header(Revision& revision, const std::map<std::string_view, std::string_view>& values) const {
    // down_revision is required even when empty: a forgotten header would otherwise create a
    // second base silently.
    for (const auto key :
         {std::string_view("revision"), std::string_view("down_revision"), std::string_view("message")}) {
      if (!values.contains(key)) return error("missing header line '-- " + std::string(key) + ": ...'");
    }
    revision.id = std::string(values.at("revision"));
    if (!is_valid_revision_id(revision.id)) {
      return error("revision id '" + revision.id +
                   "' is not 1-32 letters, digits or '_' (or is one of head, heads, base)");
    }
    for (const auto& parent : split_parents(values.at("down_revision"))) {
      if (!is_valid_revision_id(parent)) return error("down_revision '" + parent + "' is not a valid revision id");
      if (std::find(revision.down_revisions.begin(), revision.down_revisions.end(), parent) !=
          revision.down_revisions.end()) {
        return error("down_revision lists '" + parent + "' twice");
      }
      revision.down_revisions.push_back(parent);
    }
    revision.message = std::string(values.at("message"));
    if (const auto date = values.find("create_date"); date != values.end()) {
      revision.create_date = std::string(date->second);
    }
    return {};
  }

  Outcome<void> read_sections(Revision& revision) const {
    std::optional<std::size_t> upgrade_line;
    std::optional<std::size_t> downgrade_line;
    for (auto index = next_line_; index < lines_.size(); ++index) {
      const auto line = trim(lines_[index]);
      if (line == upgrade_marker || line == downgrade_marker) {
        auto& marker = line == upgrade_marker ? upgrade_line : downgrade_line;
        if (marker) return error_at(index, "second '" + std::string(line) + "' marker");
        marker = index;
      } else if (!upgrade_line && !line.empty()) {
        return error_at(index, "text before the '-- upgrade' marker (is a header line misspelt?)");
      }
    }
    if (!upgrade_line) return error("no '-- upgrade' marker line");
    if (!downgrade_line) return error("no '-- downgrade' marker line");
    if (*downgrade_line < *upgrade_line) return error_at(*downgrade_line, "'-- downgrade' comes before '-- upgrade'");
    revision.upgrade_sql = section_text(lines_, *upgrade_line + 1, *downgrade_line);
    revision.downgrade_sql = section_text(lines_, *downgrade_line + 1, lines_.size());
    return {};
  }

  std::vector<std::string_view> lines_;
  const std::filesystem::path& path_;
  std::size_t next_line_ = 0;
};

}  // namespace

bool is_valid_revision_id(std::string_view id) noexcept {
  if (id.empty() || id.size() > 32 || id == "head" || id == "heads" || id == "base") return false;
  return std::all_of(id.begin(), id.end(), [](char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
  });
}

Outcome<Revision> parse_revision_file(std::string_view text, const std::filesystem::path& path) {
  return FileParser(text, path).parse();
}

std::string render_revision_file(const Revision& revision) {
  std::string text;
  text += "-- revision: " + revision.id + "\n";
  text += revision.down_revisions.empty() ? "-- down_revision:\n"
                                          : "-- down_revision: " + join(revision.down_revisions) + "\n";
  text += "-- message: " + revision.message + "\n";
  if (!revision.create_date.empty()) text += "-- create_date: " + revision.create_date + "\n";
  text += "\n-- upgrade\n";
  if (!revision.upgrade_sql.empty()) text += revision.upgrade_sql + "\n";
  text += "\n-- downgrade\n";
  if (!revision.downgrade_sql.empty()) text += revision.downgrade_sql + "\n";
  return text;
}

}  // namespace coffeehouse::db::migrations
