# XENC_FUZZ=ON builds the libFuzzer targets of tests/fuzz/. libFuzzer comes
# with clang; a fuzzer finds memory errors and undefined behaviour only when
# they are reported; and the targets are built with the tests, whose helpers
# they use.
if(XENC_FUZZ)
  if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    message(FATAL_ERROR "XENC_FUZZ=ON needs clang (libFuzzer is part of it), not ${CMAKE_CXX_COMPILER_ID}: "
                        "configure a fresh build directory with -DCMAKE_CXX_COMPILER=clang++")
  endif()
  if(NOT XENC_SANITIZE)
    message(FATAL_ERROR "XENC_FUZZ=ON needs XENC_SANITIZE=ON (ASan and UBSan report what the fuzzers find)")
  endif()
  if(NOT XENC_BUILD_TESTS)
    message(FATAL_ERROR "XENC_FUZZ=ON needs XENC_BUILD_TESTS=ON")
  endif()
endif()
