# karta extract: accuracy against the practice corpus's ground truth (phones
# recall/precision >= 0.99, ages recall >= 0.97 and precision >= 0.98). Runs on
# the committed small corpus and on a larger one made with karta-practice when
# that program is built.
add_test(NAME accuracy_extract
  COMMAND ${Python3_EXECUTABLE} ${CMAKE_SOURCE_DIR}/tests/data/extract/accuracy.py
          --karta $<TARGET_FILE:karta>
          --generate ${CMAKE_BINARY_DIR}/karta-practice --seed 7 --ads 3000
          --work ${CMAKE_BINARY_DIR}/extract-accuracy
          ${CMAKE_SOURCE_DIR}/examples/practice-site/small)
set_tests_properties(accuracy_extract PROPERTIES LABELS "accuracy" TIMEOUT 600)
