# Installs the build into a fresh prefix, builds tests/install_example against
# it with find_package(xenc), and runs it on a model directory.
#   cmake -DBUILD_DIR=... -DEXAMPLE_DIR=... -DWORK_DIR=... -DMODEL_DIR=... [-DEXTRA_FLAGS=...] -P install_and_use.cmake
function(run)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE code OUTPUT_VARIABLE out ERROR_VARIABLE err TIMEOUT 600)
  if(NOT code EQUAL 0)
    message(FATAL_ERROR "failed (${code}): ${ARGN}\n${out}${err}")
  endif()
  set(output "${out}" PARENT_SCOPE)
endfunction()

file(REMOVE_RECURSE ${WORK_DIR})
set(prefix ${WORK_DIR}/prefix)
run(${CMAKE_COMMAND} --install ${BUILD_DIR} --prefix ${prefix})
foreach(installed include/xenc/cross_encoder.h bin/xenc)
  if(NOT EXISTS ${prefix}/${installed})
    message(FATAL_ERROR "cmake --install did not install ${installed}")
  endif()
endforeach()

run(${CMAKE_COMMAND} -S ${EXAMPLE_DIR} -B ${WORK_DIR}/build -DCMAKE_PREFIX_PATH=${prefix}
    "-DCMAKE_CXX_FLAGS=${EXTRA_FLAGS}" "-DCMAKE_EXE_LINKER_FLAGS=${EXTRA_FLAGS}")
run(${CMAKE_COMMAND} --build ${WORK_DIR}/build)
run(${WORK_DIR}/build/rerank ${MODEL_DIR})
message(STATUS "rerank output:\n${output}")
if(NOT output MATCHES "^score [0-9.e-]+\t[^\n]+\nscore [0-9.e-]+\t[^\n]+\nrank [0-9.e-]+\t[^\n]+\nrank [0-9.e-]+\t[^\n]+\n$")
  message(FATAL_ERROR "unexpected output")
endif()
run(${prefix}/bin/xenc --version)
file(REMOVE_RECURSE ${WORK_DIR})
