# karta fetch against real servers on 127.0.0.1 (the fault server; each case
# starts and stops its own).
add_test(NAME server_fetch
  COMMAND ${Python3_EXECUTABLE} ${CMAKE_SOURCE_DIR}/tests/servers/fetch_test.py
          --karta $<TARGET_FILE:karta>)
set_tests_properties(server_fetch PROPERTIES LABELS server TIMEOUT 600)
