# karta run and karta history (issue 10).
#   run:  run == pipe for every routine in tests/data/run/equiv/ (tools not
#         built yet are skipped), the history store under kill -9 and Ctrl-C,
#         new/gone/trend on two generated weeks of the practice site.
add_test(NAME run_equivalence
  COMMAND ${Python3_EXECUTABLE} ${CMAKE_SOURCE_DIR}/tests/run/equivalence.py
          $<TARGET_FILE:karta> ${CMAKE_SOURCE_DIR})
set_tests_properties(run_equivalence PROPERTIES LABELS run TIMEOUT 600 SKIP_RETURN_CODE 77)

add_test(NAME run_store_kill
  COMMAND ${Python3_EXECUTABLE} ${CMAKE_SOURCE_DIR}/tests/run/store_kill.py $<TARGET_FILE:karta>)
set_tests_properties(run_store_kill PROPERTIES LABELS run TIMEOUT 600)

if(TARGET karta-practice)
  add_test(NAME run_practice_history
    COMMAND ${Python3_EXECUTABLE} ${CMAKE_SOURCE_DIR}/tests/run/practice_history.py
            $<TARGET_FILE:karta> $<TARGET_FILE:karta-practice>)
  set_tests_properties(run_practice_history PROPERTIES LABELS run TIMEOUT 600)
endif()

# Spills (karta run's stage-to-sink file, sort's runs, dedupe's rows) have no
# name in $TMPDIR: kill -9 leaves nothing there (issue 23).
add_test(NAME run_spill_kill
  COMMAND ${Python3_EXECUTABLE} ${CMAKE_SOURCE_DIR}/tests/run/spill_kill.py $<TARGET_FILE:karta>)
set_tests_properties(run_spill_kill PROPERTIES LABELS run TIMEOUT 300)
