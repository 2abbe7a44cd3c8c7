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
