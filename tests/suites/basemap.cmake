# The report's offline map (issue 20): land and water in headless Chromium with
# tiles off (screenshot pixels at a known water and a known land point), and
# labels that do not overlap. Screenshot: <build>/artifacts/basemap/basemap.png
add_test(NAME basemap_browser
  COMMAND ${Python3_EXECUTABLE} ${CMAKE_SOURCE_DIR}/tests/suites/basemap_browser.py
          --karta $<TARGET_FILE:karta> --out ${CMAKE_BINARY_DIR}/artifacts/basemap)
set_tests_properties(basemap_browser PROPERTIES LABELS "browser" TIMEOUT 600 SKIP_RETURN_CODE 77)
