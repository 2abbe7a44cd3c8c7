# The CSV and UTF-8 unit tests once more with the AVX2 paths switched off
# (KARTA_NO_AVX2), so that the SSE2 paths are tested on machines with AVX2.
add_test(NAME unit_sse2
  COMMAND karta_unit "--test-case=*UTF-8*,*writer*,*read*,*record*,*quoted*,*buffer*")
set_tests_properties(unit_sse2 PROPERTIES LABELS baseline ENVIRONMENT KARTA_NO_AVX2=1 TIMEOUT 300)
