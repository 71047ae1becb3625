# QCustomPlot for Qt 6. Debian ships it built for Qt 5 only, so unless the system has a Qt 6
# build, compile Debian's source package (fetched by scripts/fetch-qcustomplot into .deps/)
# as a static library. Provides the target Syncscope::QCustomPlot.
set(SYNCSCOPE_QCUSTOMPLOT_SOURCE_DIR "${CMAKE_SOURCE_DIR}/.deps/qcustomplot"
    CACHE PATH "Folder holding qcustomplot.h and qcustomplot.cpp")

find_library(QCUSTOMPLOT_QT6_LIBRARY NAMES qcustomplot-qt6 qcustomplot6)
find_path(QCUSTOMPLOT_QT6_INCLUDE_DIR qcustomplot.h PATH_SUFFIXES qcustomplot-qt6 qt6)

add_library(syncscope_qcustomplot INTERFACE)
add_library(Syncscope::QCustomPlot ALIAS syncscope_qcustomplot)

if(QCUSTOMPLOT_QT6_LIBRARY AND QCUSTOMPLOT_QT6_INCLUDE_DIR)
  message(STATUS "QCustomPlot: system Qt 6 build ${QCUSTOMPLOT_QT6_LIBRARY}")
  target_link_libraries(syncscope_qcustomplot INTERFACE ${QCUSTOMPLOT_QT6_LIBRARY} Qt6::Widgets Qt6::PrintSupport)
  target_include_directories(syncscope_qcustomplot INTERFACE ${QCUSTOMPLOT_QT6_INCLUDE_DIR})
  return()
endif()

if(NOT EXISTS "${SYNCSCOPE_QCUSTOMPLOT_SOURCE_DIR}/qcustomplot.h")
  message(FATAL_ERROR "QCustomPlot source not found in ${SYNCSCOPE_QCUSTOMPLOT_SOURCE_DIR}. "
                      "Run scripts/setup (it fetches Debian's qcustomplot source package).")
endif()

set(_qcp_dir "${CMAKE_BINARY_DIR}/qcustomplot")
file(MAKE_DIRECTORY "${_qcp_dir}")
include(PatchQCustomPlot)
syncscope_patch_qcustomplot_header("${SYNCSCOPE_QCUSTOMPLOT_SOURCE_DIR}/qcustomplot.h" "${_qcp_dir}/qcustomplot.h")
configure_file("${SYNCSCOPE_QCUSTOMPLOT_SOURCE_DIR}/qcustomplot.cpp" "${_qcp_dir}/qcustomplot.cpp" COPYONLY)

add_library(qcustomplot_qt6 STATIC "${_qcp_dir}/qcustomplot.h" "${_qcp_dir}/qcustomplot.cpp")
set_target_properties(qcustomplot_qt6 PROPERTIES AUTOMOC ON POSITION_INDEPENDENT_CODE ON)
target_include_directories(qcustomplot_qt6 SYSTEM PUBLIC "${_qcp_dir}")
target_link_libraries(qcustomplot_qt6 PUBLIC Qt6::Widgets Qt6::PrintSupport)
target_compile_options(qcustomplot_qt6 PRIVATE -w)
target_link_libraries(syncscope_qcustomplot INTERFACE qcustomplot_qt6)
message(STATUS "QCustomPlot: building Debian's source against Qt 6 from ${SYNCSCOPE_QCUSTOMPLOT_SOURCE_DIR}")
