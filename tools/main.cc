// karta: one binary, one subcommand per tool. See lib/cli.h for the harness.
#include "lib/cli.h"
#include "tools/tools.h"

int main(int argc, char** argv) { return karta::Main(argc, argv, karta::AllTools()); }
