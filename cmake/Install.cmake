# cmake --install puts the xenc CLI, libxenc, its public header
# <xenc/cross_encoder.h> and a package config for find_package(xenc) in place.
include(CMakePackageConfigHelpers)

install(TARGETS xenc RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(TARGETS xenc_shared EXPORT xencTargets
        LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR})
install(FILES runtime/cross_encoder.h DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/xenc)

set(XENC_CMAKE_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/xenc)
install(EXPORT xencTargets NAMESPACE xenc:: DESTINATION ${XENC_CMAKE_DIR})
configure_package_config_file(${CMAKE_CURRENT_LIST_DIR}/xencConfig.cmake.in
                              ${CMAKE_CURRENT_BINARY_DIR}/xencConfig.cmake INSTALL_DESTINATION ${XENC_CMAKE_DIR})
write_basic_package_version_file(${CMAKE_CURRENT_BINARY_DIR}/xencConfigVersion.cmake
                                 COMPATIBILITY SameMinorVersion)
install(FILES ${CMAKE_CURRENT_BINARY_DIR}/xencConfig.cmake ${CMAKE_CURRENT_BINARY_DIR}/xencConfigVersion.cmake
        DESTINATION ${XENC_CMAKE_DIR})
