# SPDX-License-Identifier: BSL-1.0
# Install rules and the package config, so that find_package(reel) works after an install.
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)
set(REEL_CMAKE_INSTALL_DIR "${CMAKE_INSTALL_DATADIR}/reel/cmake" CACHE STRING "Where reel's CMake package files go")

install(TARGETS reel EXPORT reelTargets)
install(DIRECTORY "${PROJECT_SOURCE_DIR}/include/reel" DESTINATION "${CMAKE_INSTALL_INCLUDEDIR}")
install(EXPORT reelTargets NAMESPACE reel:: DESTINATION "${REEL_CMAKE_INSTALL_DIR}")
configure_package_config_file("${PROJECT_SOURCE_DIR}/cmake/reelConfig.cmake.in"
  "${PROJECT_BINARY_DIR}/reelConfig.cmake" INSTALL_DESTINATION "${REEL_CMAKE_INSTALL_DIR}")
# Header-only: the package fits any architecture.
write_basic_package_version_file("${PROJECT_BINARY_DIR}/reelConfigVersion.cmake"
  COMPATIBILITY SameMinorVersion ARCH_INDEPENDENT)
install(FILES
  "${PROJECT_BINARY_DIR}/reelConfig.cmake"
  "${PROJECT_BINARY_DIR}/reelConfigVersion.cmake"
  "${PROJECT_SOURCE_DIR}/cmake/FindAsio.cmake"
  DESTINATION "${REEL_CMAKE_INSTALL_DIR}")

# reel.pc for pkg-config users. Header-only and arch-independent, so it goes to the data
# directory (share/pkgconfig, which pkg-config searches), and its prefix is relative to itself.
set(REEL_PKGCONFIG_INSTALL_DIR "${CMAKE_INSTALL_DATADIR}/pkgconfig" CACHE STRING "Where reel.pc goes")
set(REEL_PC_REQUIRES "")
set(REEL_PC_CFLAGS "")
if(REEL_WITH_OPENSSL)
  set(REEL_PC_REQUIRES "openssl")
  set(REEL_PC_CFLAGS " -DREEL_HAS_OPENSSL=1")
endif()
configure_file("${PROJECT_SOURCE_DIR}/cmake/reel.pc.in" "${PROJECT_BINARY_DIR}/reel.pc" @ONLY)
install(FILES "${PROJECT_BINARY_DIR}/reel.pc" DESTINATION "${REEL_PKGCONFIG_INSTALL_DIR}")
