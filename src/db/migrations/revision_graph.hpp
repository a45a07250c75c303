#pragma once
// The revisions of a versions directory as a directed acyclic graph: each revision points at its
// down_revisions (parents). Building it checks everything that can be checked without a
// database: duplicate ids, parents that do not exist, cycles.
#include "db/migrations/migration_error.hpp"
#include "db/migrations/revision.hpp"

#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace coffeehouse::db::migrations {

using RevisionSet = std::set<std::string, std::less<>>;

class RevisionGraph {
 public:
  static Outcome<RevisionGraph> build(std::vector<Revision> revisions);

  bool empty() const noexcept { return revisions_.empty(); }
  bool contains(std::string_view id) const { return revisions_.find(id) != revisions_.end(); }
  // The revision with exactly this id; it must exist.
  const Revision& at(std::string_view id) const;

  // An exact id, or else a unique prefix of one.
  Outcome<std::string> resolve(std::string_view id_or_prefix) const;

  // Revisions nothing revises, sorted by id.
  const std::vector<std::string>& heads() const noexcept { return heads_; }
  const std::vector<std::string>& children(std::string_view id) const;
  bool is_head(std::string_view id) const { return children(id).empty(); }
  bool is_branch_point(std::string_view id) const { return children(id).size() > 1; }
  bool is_merge_point(std::string_view id) const { return at(id).down_revisions.size() > 1; }

  // The given revisions and everything they depend on.
  RevisionSet ancestors(const std::vector<std::string>& ids) const;
  // The given revision and everything that depends on it.
  RevisionSet descendants(std::string_view id) const;

  // `starts` and their ancestors, minus `excluded` and anything only reachable through it,
  // ordered parents before children. A depth-first walk from each start in turn (parents in
  // down_revision order), so each branch runs through before the next one begins.
  std::vector<std::string> parents_first(const std::vector<std::string>& starts, const RevisionSet& excluded) const;

  // Every revision, newest first (the order `history` prints).
  std::vector<std::string> newest_first() const;

 private:
  RevisionGraph() = default;
  Outcome<void> check_no_cycles() const;

  std::map<std::string, Revision, std::less<>> revisions_;
  std::map<std::string, std::vector<std::string>, std::less<>> children_;
  std::vector<std::string> heads_;
};

}  // namespace coffeehouse::db::migrations
