#pragma once
// Small string helpers shared by the revision-file parser and the printers.
#include <string>
#include <string_view>
#include <vector>

namespace coffeehouse::db::migrations {

std::string_view trim(std::string_view text) noexcept;

// "a, b, c"; empty for no items.
std::string join(const std::vector<std::string>& items, std::string_view separator = ", ");

// alembic_version's rows for a message: "a, b", or "<base>" when there are none.
std::string describe_rows(const std::vector<std::string>& rows);

}  // namespace coffeehouse::db::migrations
