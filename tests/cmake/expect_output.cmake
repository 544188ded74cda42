# Runs CMD (a ;-list) and checks its exit code is EXIT_CODE and its combined
# output matches REGEX. Used for CLI error-path tests.
#   cmake -DCMD=... -DEXIT_CODE=1 -DREGEX=... -P expect_output.cmake
execute_process(COMMAND ${CMD} RESULT_VARIABLE code OUTPUT_VARIABLE out ERROR_VARIABLE err TIMEOUT 60)
set(all "${out}${err}")
if(NOT code STREQUAL "${EXIT_CODE}")
  message(FATAL_ERROR "exit code ${code}, expected ${EXIT_CODE}\n${all}")
endif()
if(NOT all MATCHES "${REGEX}")
  message(FATAL_ERROR "output does not match '${REGEX}':\n${all}")
endif()
message(STATUS "ok: exit ${code}, output matches '${REGEX}'")
