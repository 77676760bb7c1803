# CPack settings for the two Debian packages (`cpack -G DEB` in the build
# tree), included by packaging/CMakeLists.txt:
#
#   wisepay-plugin      component "runtime": the module and its docs; its
#                       Depends come from the libraries the module links
#                       (dpkg-shlibdeps)
#   wisepay-plugin-dev  component "dev": header, CMake package, .pc file;
#                       depends on wisepay-plugin of the same version, whose
#                       module the CMake package and the .pc file point at
#
# The version is a native one (no Debian revision): the packages are built
# from this tree, not from an upstream tarball. packaging/debian/changelog
# is the Debian changelog; its newest entry names the maintainer (an
# example.com address until the packages are published by someone who
# answers mail).

file(STRINGS "${CMAKE_CURRENT_SOURCE_DIR}/debian/changelog" changelog_trailer
  REGEX "^ -- .+ <.+>  " LIMIT_COUNT 1)
string(REGEX REPLACE "^ -- (.+ <[^>]+>)  .*$" "\\1" WISEPAY_DEB_MAINTAINER "${changelog_trailer}")
if(NOT WISEPAY_DEB_MAINTAINER MATCHES "<.+@.+>$")
  message(FATAL_ERROR "packaging/debian/changelog: no maintainer line (' -- Name <address>  date')")
endif()

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME ${WISEPAY_PACKAGE})
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_VENDOR "${WISEPAY_COPYRIGHT_HOLDER}")
set(CPACK_PACKAGE_CONTACT "${WISEPAY_DEB_MAINTAINER}")
# Installs run with DESTDIR and CMAKE_INSTALL_PREFIX=/usr (rather than a
# scratch prefix, which would end up in the .pc file written at install
# time). With DESTDIR, CPack installs to CPACK_INSTALL_PREFIX.
set(CPACK_SET_DESTDIR ON)
set(CPACK_INSTALL_PREFIX /usr)
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
# Debian ships binaries stripped (lintian: unstripped-binary-or-object);
# the build tree keeps the debug information abidiff reads.
set(CPACK_STRIP_FILES ON)
set(CPACK_INSTALL_DEFAULT_DIRECTORY_PERMISSIONS
  OWNER_READ OWNER_WRITE OWNER_EXECUTE GROUP_READ GROUP_EXECUTE WORLD_READ WORLD_EXECUTE)

set(CPACK_DEB_COMPONENT_INSTALL ON)
set(CPACK_COMPONENTS_ALL runtime dev)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_ENABLE_COMPONENT_DEPENDS ON)
set(CPACK_COMPONENT_DEV_DEPENDS runtime)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)

set(CPACK_DEBIAN_RUNTIME_PACKAGE_NAME ${WISEPAY_PACKAGE})
set(CPACK_DEBIAN_RUNTIME_PACKAGE_SECTION libs)
set(CPACK_DEBIAN_RUNTIME_DESCRIPTION
"Wise-Pay integration plugin for portal admin consoles
A module that a customer-portal admin console loads with dlopen to offer
a Wise-Pay integration: an Integrations > Wise-Pay settings page whose API
key is kept sealed (AES-256-GCM) in SQLite or PostgreSQL, and invoice links
that sign portal users in to their Wise-Pay dashboard.

The module is /usr/lib/<multiarch>/wisepay/libwisepay_plugin.so; hosts reach
it through one C entry point (see wisepay-plugin-dev).")

set(CPACK_DEBIAN_DEV_PACKAGE_NAME ${WISEPAY_PACKAGE}-dev)
set(CPACK_DEBIAN_DEV_PACKAGE_SECTION libdevel)
set(CPACK_DEBIAN_DEV_DESCRIPTION
"Wise-Pay integration plugin for portal admin consoles - development files
What a host needs to load the Wise-Pay integration plugin: the C header
<wisepay/wisepay_plugin.h>, the CMake package (find_package(WisePayPlugin))
and the pkg-config file (wisepay-plugin), both of which give the full path
of the module to dlopen.")

include(CPack)
