# Runs at install time, included by the install(CODE) in
# packaging/CMakeLists.txt: writes wisepay-plugin.pc for the prefix this
# install really uses (`cmake --install --prefix`, CPack's /usr) and
# installs it. The WISEPAY_PC_* variables come from the configure step.

get_filename_component(WISEPAY_PC_PREFIX "${CMAKE_INSTALL_PREFIX}" ABSOLUTE)
foreach(dir INCLUDEDIR LIBDIR)
  if(IS_ABSOLUTE "${WISEPAY_PC_${dir}}")
    set(WISEPAY_PC_${dir}_VALUE "${WISEPAY_PC_${dir}}")
  else()
    set(WISEPAY_PC_${dir}_VALUE "\${prefix}/${WISEPAY_PC_${dir}}")
  endif()
endforeach()

# A scratch file of its own for each destination: installs into different
# prefixes may run at the same time (the packaging tests stage one while
# CPack makes the .deb).
string(MD5 scratch_id "$ENV{DESTDIR}|${WISEPAY_PC_PREFIX}")
set(pc_file "${WISEPAY_PC_SCRATCH}/${scratch_id}/wisepay-plugin.pc")
configure_file("${WISEPAY_PC_TEMPLATE}" "${pc_file}" @ONLY)
if(IS_ABSOLUTE "${WISEPAY_PC_INSTALL_DIR}")
  set(pc_destination "${WISEPAY_PC_INSTALL_DIR}")
else()
  set(pc_destination "${CMAKE_INSTALL_PREFIX}/${WISEPAY_PC_INSTALL_DIR}")
endif()
file(INSTALL DESTINATION "${pc_destination}" TYPE FILE
  PERMISSIONS OWNER_READ OWNER_WRITE GROUP_READ WORLD_READ
  FILES "${pc_file}")
