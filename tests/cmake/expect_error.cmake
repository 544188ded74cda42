# Runs case number CASE of a hostile-input manifest (a JSON list of
# {"name", "args", "error"}) as `XENC args...` in the manifest's directory,
# and checks that it fails with exit code 1 within 5 s and that its output
# contains the case's error verbatim.
#   cmake -DXENC=... -DMANIFEST=.../cases.json -DCASE=3 -P expect_error.cmake
file(READ "${MANIFEST}" cases)
string(JSON error GET "${cases}" ${CASE} error)
string(JSON arg_count LENGTH "${cases}" ${CASE} args)
math(EXPR last_arg "${arg_count} - 1")
set(cmd "${XENC}")
foreach(a RANGE ${last_arg})
  string(JSON arg GET "${cases}" ${CASE} args ${a})
  list(APPEND cmd "${arg}")
endforeach()
get_filename_component(dir "${MANIFEST}" DIRECTORY)
execute_process(COMMAND ${cmd} WORKING_DIRECTORY "${dir}" RESULT_VARIABLE code
                OUTPUT_VARIABLE out ERROR_VARIABLE err TIMEOUT 5)
set(all "${out}${err}")
if(NOT code STREQUAL "1")
  message(FATAL_ERROR "exit code ${code}, expected 1\n${all}")
endif()
string(FIND "${all}" "${error}" at)
if(at EQUAL -1)
  message(FATAL_ERROR "the output does not contain\n  ${error}\nit is:\n${all}")
endif()
message(STATUS "ok: exit 1 with '${error}'")
