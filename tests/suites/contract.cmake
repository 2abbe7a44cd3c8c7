# The tool contract (issue 17): every tool run both ways, on the command line
# and as a one-line routine, gives the same output and side files.
add_test(NAME contract_both_ways
  COMMAND ${Python3_EXECUTABLE} ${CMAKE_SOURCE_DIR}/tests/contract/both_ways.py
          $<TARGET_FILE:karta> ${CMAKE_SOURCE_DIR})
set_tests_properties(contract_both_ways PROPERTIES LABELS cli TIMEOUT 300)

# lib/ never includes the CLI harness (lib/cli.h, CLI11) nor tools/.
add_test(NAME contract_layering
  COMMAND ${Python3_EXECUTABLE} ${CMAKE_SOURCE_DIR}/tests/contract/layering.py ${CMAKE_SOURCE_DIR})
set_tests_properties(contract_layering PROPERTIES LABELS cli TIMEOUT 60)
