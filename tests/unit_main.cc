// The doctest main for karta_unit: every lib/*_test.cc links into this binary.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>
