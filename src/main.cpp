#include "app/commands.hpp"

int main(int argc, char** argv) { return coffeehouse::app::run_cli(argc, argv); }
