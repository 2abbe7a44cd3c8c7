# karta extract on phrasings written independently of it (issue 20): young
# signals and ages (with the under18 flag), and contacts (phones and
# handles), each with negatives. Prints precision, recall and every miss;
# fails below 0.98 on any score.
add_test(NAME extract_eval
  COMMAND ${Python3_EXECUTABLE} ${CMAKE_SOURCE_DIR}/tests/data/extract/eval/score.py
          --karta $<TARGET_FILE:karta>)
set_tests_properties(extract_eval PROPERTIES LABELS "accuracy" TIMEOUT 120)
