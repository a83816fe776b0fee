# Installs the SDK: headers, library, an exported CMake package (find_package(zstack CONFIG)
# gives zstack::sdk) and a pkg-config file.
include(CMakePackageConfigHelpers)

install(TARGETS zstack_sdk EXPORT zstackTargets
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
  RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(DIRECTORY ${PROJECT_SOURCE_DIR}/include/zstack DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(EXPORT zstackTargets NAMESPACE zstack:: DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/zstack)

configure_package_config_file(${PROJECT_SOURCE_DIR}/cmake/zstackConfig.cmake.in
  ${PROJECT_BINARY_DIR}/zstackConfig.cmake
  INSTALL_DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/zstack)
write_basic_package_version_file(${PROJECT_BINARY_DIR}/zstackConfigVersion.cmake COMPATIBILITY SameMajorVersion)
install(FILES ${PROJECT_BINARY_DIR}/zstackConfig.cmake ${PROJECT_BINARY_DIR}/zstackConfigVersion.cmake
  DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/zstack)

configure_file(${PROJECT_SOURCE_DIR}/cmake/zstack.pc.in ${PROJECT_BINARY_DIR}/zstack.pc @ONLY)
install(FILES ${PROJECT_BINARY_DIR}/zstack.pc DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)
