# The tool contract (issue 17): every tool run both ways, on the command line
# and as a one-line routine, gives the same output and side files.
add_test(NAME contract_both_ways
  COMMAND ${Python3_EXECUTABLE} ${CMAKE_SOURCE_DIR}/tests/contract/both_ways.py
          $<TARGET_FILE:karta> ${CMAKE_SOURCE_DIR})
set_tests_properties(contract_both_ways PROPERTIES LABELS cli TIMEOUT 300)
