# Copyright 2026 The ishowtts_ros Authors
# SPDX-License-Identifier: MIT
#
# Included after project() (CMAKE_PROJECT_INCLUDE) when interface packages are built
# against PyPI's ROS wheels: their exported Python targets name the include folders of
# the machine that built the wheels (/opt/python/...). Once the CMakeLists is processed,
# point those names at this interpreter's and numpy's include folders.
function(ishowtts_use_local_python_includes)
  get_property(targets DIRECTORY "${CMAKE_SOURCE_DIR}" PROPERTY IMPORTED_TARGETS)
  foreach(target IN LISTS targets)
    get_target_property(folders ${target} INTERFACE_INCLUDE_DIRECTORIES)
    if(folders AND folders MATCHES "/opt/python/")
      list(TRANSFORM folders REPLACE "^/opt/python/.*/numpy/_core/include$"
        "${ISHOWTTS_NUMPY_INCLUDE}")
      list(TRANSFORM folders REPLACE "^/opt/python/[^/]+/include/python[0-9.]+$"
        "${ISHOWTTS_PYTHON_INCLUDE}")
      set_target_properties(${target} PROPERTIES INTERFACE_INCLUDE_DIRECTORIES "${folders}")
    endif()
  endforeach()
endfunction()
cmake_language(DEFER DIRECTORY "${CMAKE_SOURCE_DIR}" CALL ishowtts_use_local_python_includes)
