# Hostile inputs (issue #23): each case asserts the outcome and that peak
# memory stays under 600 MiB with default limits. Label "hostile": the test
# command (scripts/test.sh) runs it on the normal and on the ASan+UBSan build,
# with the same bound: under ASan (quarantine capped at 32 MiB by run.py) the
# highest peak measured was 336 MiB (rules_one_rule_300000_words; 134 MiB on
# the normal build), and a crash or sanitizer report fails the case.
add_test(NAME hostile
  COMMAND ${Python3_EXECUTABLE} ${CMAKE_SOURCE_DIR}/tests/hostile/run.py
          --karta $<TARGET_FILE:karta>)
set_tests_properties(hostile PROPERTIES LABELS "hostile" TIMEOUT 1200)
