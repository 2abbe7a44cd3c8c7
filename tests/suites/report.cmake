# Suites of tabulate and report (issue 9):
#  report_browser     the HTML report renders in headless Chromium, offline, without a
#                     script error; screenshot saved to <build>/artifacts/report/report.png
#  tabulate_accuracy  karta tabulate's counts, distinct counts, sums, minima, maxima and
#                     means equal Miller's (mlr) on a generated table
add_test(NAME report_browser
  COMMAND ${Python3_EXECUTABLE} ${CMAKE_SOURCE_DIR}/tests/suites/report_browser.py
          --karta $<TARGET_FILE:karta> --out ${CMAKE_BINARY_DIR}/artifacts/report)
set_tests_properties(report_browser PROPERTIES LABELS "browser" TIMEOUT 600 SKIP_RETURN_CODE 77)
add_test(NAME tabulate_accuracy
  COMMAND ${Python3_EXECUTABLE} ${CMAKE_SOURCE_DIR}/tests/suites/tabulate_accuracy.py
          --karta $<TARGET_FILE:karta>)
set_tests_properties(tabulate_accuracy PROPERTIES LABELS "accuracy" TIMEOUT 600 SKIP_RETURN_CODE 77)
