#include "app/commands.hpp"
#include "db/migrations/commands.hpp"

#include <iostream>
#include <memory>

namespace coffeehouse::app {
namespace {

namespace migrations = db::migrations;

// Everything the migrate subcommands parse into. Heap-allocated and shared by their callbacks,
// because CLI11 writes into it during parse(), after add_migrate_command has returned.
struct MigrateOptions {
  migrations::DatabaseSettings settings{{}, "schema/versions"};
  std::string target;
  bool sql_only = false;
  std::string message;
  std::optional<std::string> head;
  std::vector<std::string> merge_revisions;
};

int report(const migrations::Outcome<void>& outcome) {
  if (outcome) return 0;
  std::cerr << "coffeehouse: error: " << outcome.error().message << '\n';
  return 1;
}

void add_versions_dir_option(CLI::App& command, MigrateOptions& options) {
  // The same variable as `serve`, so one environment configures both (the container sets it once).
  command.add_option("--versions-dir", options.settings.versions_dir, "Directory of revision files (*.sql)")
      ->envname("COFFEEHOUSE_VERSIONS_DIR")
      ->capture_default_str();
}

void add_database_options(CLI::App& command, MigrateOptions& options) {
  command.add_option("--database-url", options.settings.database_url, "libpq URL or key=value string")
      ->envname("DATABASE_URL")
      ->required();
  add_versions_dir_option(command, options);
}

migrations::SqlMode sql_mode(const MigrateOptions& options) {
  return options.sql_only ? migrations::SqlMode::print_only : migrations::SqlMode::run;
}

void add_upgrade(CLI::App& migrate, const std::shared_ptr<MigrateOptions>& options, int& exit_code) {
  auto* command = migrate.add_subcommand(
      "upgrade", "Apply revisions up to TARGET, each in its own transaction with its alembic_version change");
  command
      ->add_option("TARGET", options->target,
                   "head (the single head), heads (all of them), +N, or a revision id or unique prefix")
      ->required();
  command->add_flag("--sql", options->sql_only,
                    "Print the SQL that would run, alembic_version changes included; change nothing");
  add_database_options(*command, *options);
  command->callback([options, &exit_code] {
    exit_code = report(migrations::upgrade(options->settings, options->target, sql_mode(*options), std::cout));
  });
}

void add_downgrade(CLI::App& migrate, const std::shared_ptr<MigrateOptions>& options, int& exit_code) {
  auto* command = migrate.add_subcommand("downgrade", "Unapply revisions down to TARGET, newest first");
  command->add_option("TARGET", options->target, "-N, base, or a revision id or unique prefix (it stays applied)")
      ->required();
  command->add_flag("--sql", options->sql_only,
                    "Print the SQL that would run, alembic_version changes included; change nothing");
  add_database_options(*command, *options);
  command->callback([options, &exit_code] {
    exit_code = report(migrations::downgrade(options->settings, options->target, sql_mode(*options), std::cout));
  });
}

void add_current(CLI::App& migrate, const std::shared_ptr<MigrateOptions>& options, int& exit_code) {
  auto* command = migrate.add_subcommand("current", "Print the revisions alembic_version holds (one per applied head)");
  add_database_options(*command, *options);
  command->callback([options, &exit_code] { exit_code = report(migrations::current(options->settings, std::cout)); });
}

void add_check(CLI::App& migrate, const std::shared_ptr<MigrateOptions>& options, int& exit_code) {
  auto* command = migrate.add_subcommand("check", "Exit 0 if the database is at the heads, 1 otherwise");
  add_database_options(*command, *options);
  command->callback([options, &exit_code] { exit_code = report(migrations::check(options->settings, std::cout)); });
}

void add_history(CLI::App& migrate, const std::shared_ptr<MigrateOptions>& options, int& exit_code) {
  auto* command =
      migrate.add_subcommand("history", "List revisions newest first, with (head), (branchpoint), (mergepoint)");
  add_versions_dir_option(*command, *options);
  command->callback(
      [options, &exit_code] { exit_code = report(migrations::history(options->settings.versions_dir, std::cout)); });
}

void add_heads(CLI::App& migrate, const std::shared_ptr<MigrateOptions>& options, int& exit_code) {
  auto* command = migrate.add_subcommand("heads", "List the head revisions (those nothing revises)");
  add_versions_dir_option(*command, *options);
  command->callback(
      [options, &exit_code] { exit_code = report(migrations::heads(options->settings.versions_dir, std::cout)); });
}

void add_branches(CLI::App& migrate, const std::shared_ptr<MigrateOptions>& options, int& exit_code) {
  auto* command = migrate.add_subcommand("branches", "List branch points and the revisions they branch into");
  add_versions_dir_option(*command, *options);
  command->callback(
      [options, &exit_code] { exit_code = report(migrations::branches(options->settings.versions_dir, std::cout)); });
}

void add_revision(CLI::App& migrate, const std::shared_ptr<MigrateOptions>& options, int& exit_code) {
  auto* command = migrate.add_subcommand("revision", "Write a new, empty revision file on top of the single head");
  command->add_option("-m,--message", options->message, "One line describing the revision")->required();
  command->add_option(
      "--head", options->head,
      "Revise this revision instead of the single head (a revision id or prefix, or base for a new root); "
      "required when there are several heads");
  add_versions_dir_option(*command, *options);
  command->callback([options, &exit_code] {
    exit_code =
        report(migrations::revision(options->settings.versions_dir, options->message, options->head, std::cout));
  });
}

void add_merge(CLI::App& migrate, const std::shared_ptr<MigrateOptions>& options, int& exit_code) {
  auto* command = migrate.add_subcommand("merge", "Write a merge revision whose down_revision is the given revisions");
  command
      ->add_option("REVISIONS", options->merge_revisions, "heads (all heads), or two or more revision ids or prefixes")
      ->required();
  command->add_option("-m,--message", options->message, "One line describing the merge")->required();
  add_versions_dir_option(*command, *options);
  command->callback([options, &exit_code] {
    exit_code = report(
        migrations::merge(options->settings.versions_dir, options->message, options->merge_revisions, std::cout));
  });
}

}  // namespace

void add_migrate_command(CLI::App& root, int& exit_code) {
  auto* migrate =
      root.add_subcommand("migrate", "Apply and write schema migrations (Alembic's model and alembic_version table)");
  migrate->require_subcommand(1);
  // Options of its own for each subcommand: CLI11 also applies the environment variables of the
  // subcommands that were not chosen, which would overwrite a flag given to the chosen one.
  const auto fresh = [] { return std::make_shared<MigrateOptions>(); };
  add_upgrade(*migrate, fresh(), exit_code);
  add_downgrade(*migrate, fresh(), exit_code);
  add_current(*migrate, fresh(), exit_code);
  add_check(*migrate, fresh(), exit_code);
  add_history(*migrate, fresh(), exit_code);
  add_heads(*migrate, fresh(), exit_code);
  add_branches(*migrate, fresh(), exit_code);
  add_revision(*migrate, fresh(), exit_code);
  add_merge(*migrate, fresh(), exit_code);
}

}  // namespace coffeehouse::app
