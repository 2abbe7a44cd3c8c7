# Hostile inputs (issue #23): each case asserts the outcome and that peak
# memory stays under 600 MiB with default limits. Label "hostile": the test
# command runs it on the normal and on the ASan+UBSan build.
add_test(NAME hostile
  COMMAND ${Python3_EXECUTABLE} ${CMAKE_SOURCE_DIR}/tests/hostile/run.py
          --karta $<TARGET_FILE:karta>)
set_tests_properties(hostile PROPERTIES LABELS "hostile" TIMEOUT 1200)
