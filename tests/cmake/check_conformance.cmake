# Runs `xenc conformance` on the ONNX backend node tests and checks its last
# line: 0 failed and at least MIN_PASSED passed.
#   cmake -DXENC=... -DMIN_PASSED=340 -P check_conformance.cmake
execute_process(COMMAND ${XENC} conformance RESULT_VARIABLE code OUTPUT_VARIABLE out ERROR_VARIABLE err TIMEOUT 600)
message("${out}${err}")
if(NOT out MATCHES "([0-9]+) passed, ([0-9]+) failed, ([0-9]+) skipped\n$")
  message(FATAL_ERROR "no summary line")
endif()
set(passed ${CMAKE_MATCH_1})
set(failed ${CMAKE_MATCH_2})
if(NOT failed EQUAL 0 OR passed LESS MIN_PASSED OR NOT code EQUAL 0)
  message(FATAL_ERROR "${passed} passed, ${failed} failed; need 0 failed and at least ${MIN_PASSED} passed")
endif()
