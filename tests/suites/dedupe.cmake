# Dedupe accuracy and incremental runs on the practice corpus (label
# "accuracy"). Both need the practice generator, karta-practice (issue 3);
# without it they are not registered.
if(TARGET karta-practice)
  add_test(NAME dedupe_accuracy
    COMMAND bash ${CMAKE_SOURCE_DIR}/tests/dedupe_accuracy.sh $<TARGET_FILE:karta>
            $<TARGET_FILE:karta-practice> ${CMAKE_BINARY_DIR}/dedupe-accuracy)
  set_tests_properties(dedupe_accuracy PROPERTIES LABELS accuracy TIMEOUT 900)
  add_test(NAME dedupe_incremental
    COMMAND bash ${CMAKE_SOURCE_DIR}/tests/dedupe_incremental.sh $<TARGET_FILE:karta>
            $<TARGET_FILE:karta-practice> ${CMAKE_BINARY_DIR}/dedupe-incremental)
  set_tests_properties(dedupe_incremental PROPERTIES LABELS accuracy TIMEOUT 600)
endif()
