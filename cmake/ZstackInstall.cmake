# Installs the SDK: headers, library, an exported CMake package (find_package(zstack CONFIG)
# gives zstack::sdk; COMPONENTS sim adds zstack::sim, see sim/CMakeLists.txt) and a
# pkg-config file. Everything installed is relocatable: the CMake package and zstack.pc find
# the prefix from their own location, and a shared build's programs find libzstack through
# an $ORIGIN-relative RUNPATH (set in the top-level CMakeLists.txt).
include(CMakePackageConfigHelpers)

install(TARGETS zstack_sdk EXPORT zstackTargets
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
  RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(DIRECTORY ${PROJECT_SOURCE_DIR}/include/zstack DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(EXPORT zstackTargets NAMESPACE zstack:: DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/zstack)

get_target_property(_zstack_sdk_type zstack_sdk TYPE)
if(_zstack_sdk_type STREQUAL "STATIC_LIBRARY")
  set(ZSTACK_STATIC_SDK TRUE)
else()
  set(ZSTACK_STATIC_SDK FALSE)
endif()
configure_package_config_file(${PROJECT_SOURCE_DIR}/cmake/zstackConfig.cmake.in
  ${PROJECT_BINARY_DIR}/zstackConfig.cmake
  INSTALL_DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/zstack)
# Version policy (README "Versions and ABI"): 0.x minor releases may break the API and ABI, so
# find_package(zstack 0.1) accepts 0.1.y only; from 1.0 on, any 1.y >= the requested version.
if(PROJECT_VERSION_MAJOR EQUAL 0)
  set(_zstack_compat SameMinorVersion)
else()
  set(_zstack_compat SameMajorVersion)
endif()
write_basic_package_version_file(${PROJECT_BINARY_DIR}/zstackConfigVersion.cmake COMPATIBILITY ${_zstack_compat})
install(FILES ${PROJECT_BINARY_DIR}/zstackConfig.cmake ${PROJECT_BINARY_DIR}/zstackConfigVersion.cmake
  DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/zstack)

# zstack.pc: prefix relative to the .pc file (${pcfiledir}), for lib/ as for a multiarch
# lib/x86_64-linux-gnu/. Only absolute install dirs give an absolute (not relocatable) file.
if(IS_ABSOLUTE "${CMAKE_INSTALL_LIBDIR}" OR IS_ABSOLUTE "${CMAKE_INSTALL_INCLUDEDIR}")
  set(ZSTACK_PC_PREFIX "${CMAKE_INSTALL_PREFIX}")
  set(ZSTACK_PC_LIBDIR "${CMAKE_INSTALL_FULL_LIBDIR}")
  set(ZSTACK_PC_INCLUDEDIR "${CMAKE_INSTALL_FULL_INCLUDEDIR}")
else()
  file(RELATIVE_PATH _zstack_pc_up "/P/${CMAKE_INSTALL_LIBDIR}/pkgconfig" "/P")
  string(REGEX REPLACE "/$" "" _zstack_pc_up "${_zstack_pc_up}")  # "../.." for lib/pkgconfig
  set(ZSTACK_PC_PREFIX "\${pcfiledir}/${_zstack_pc_up}")
  set(ZSTACK_PC_LIBDIR "\${prefix}/${CMAKE_INSTALL_LIBDIR}")
  set(ZSTACK_PC_INCLUDEDIR "\${prefix}/${CMAKE_INSTALL_INCLUDEDIR}")
endif()
configure_file(${PROJECT_SOURCE_DIR}/cmake/zstack.pc.in ${PROJECT_BINARY_DIR}/zstack.pc @ONLY)
install(FILES ${PROJECT_BINARY_DIR}/zstack.pc DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)
