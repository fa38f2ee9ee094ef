# SPDX-License-Identifier: BSL-1.0
# `cpack -G DEB`: one Debian package, reel_<version>_<arch>.deb, with what `cmake --install`
# puts: bin/reel, bin/reel-simulator, the headers, the CMake package config and reel.pc.
# Installs under /usr. The binaries' shared-library dependencies come from dpkg-shlibdeps when
# it is installed (Debian: dpkg-dev), else from the list below; the headers recommend Asio and
# OpenSSL's development packages (a program built with reel needs them).
set(CPACK_PACKAGE_NAME "reel")
set(CPACK_PACKAGE_VENDOR "reel")
set(CPACK_PACKAGE_VERSION "${PROJECT_VERSION}")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "${PROJECT_DESCRIPTION}")
set(CPACK_RESOURCE_FILE_LICENSE "${PROJECT_SOURCE_DIR}/LICENSE")
set(CPACK_GENERATOR "DEB" CACHE STRING "CPack's default generators")
set(CPACK_PACKAGING_INSTALL_PREFIX "/usr")
set(CPACK_STRIP_FILES ON)

set(REEL_PACKAGE_MAINTAINER "reel maintainers <reel@localhost>" CACHE STRING
    "The Maintainer field of the Debian package")
set(CPACK_DEBIAN_PACKAGE_MAINTAINER "${REEL_PACKAGE_MAINTAINER}")
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION "devel")
# The summary line is CPACK_PACKAGE_DESCRIPTION_SUMMARY; this is the text below it.
set(CPACK_DEBIAN_PACKAGE_DESCRIPTION "A header-only C++20 library (standalone Asio, OpenSSL) for asynchronous AI video
APIs (Venice, Lumenfall): submit, poll, download and clean up video jobs, with a durable job
journal. Also the reel command-line tool and reel-simulator, a local stand-in for the
providers' APIs.")
find_program(REEL_DPKG_SHLIBDEPS dpkg-shlibdeps)
if(REEL_DPKG_SHLIBDEPS)
  set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
else()
  set(CPACK_DEBIAN_PACKAGE_DEPENDS "libc6, libgcc-s1, libstdc++6, libssl3")
endif()
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "libasio-dev (>= 1.22), libssl-dev, pkg-config")
include(CPack)
