# The moc patch for upstream qcustomplot.h (Debian's source already carries an equivalent one,
# so the build never exercises it): run it on a header in upstream's shape and check the
# result is a real namespace with Q_NAMESPACE and Q_ENUM_NS/Q_FLAG_NS.
include("${MODULE_DIR}/PatchQCustomPlot.cmake")
set(dir "${WORK_DIR}/qcp-patch-test")
file(MAKE_DIRECTORY "${dir}")
file(WRITE "${dir}/upstream.h" [=[
#ifndef Q_MOC_RUN
namespace QCP {
#else
class QCP { // when in moc-run, make it look like a class, so we get Q_GADGET, Q_ENUMS/Q_FLAGS features in namespace
  Q_GADGET
  Q_ENUMS(ExportPen)
  Q_ENUMS(ResolutionUnit)
  Q_FLAGS(MarginSides)
public:
#endif
enum ExportPen { epNoCosmetic, epAllowCosmetic };
enum ResolutionUnit { ruDotsPerMeter, ruDotsPerInch };
enum MarginSide { msLeft = 0x01 };
Q_DECLARE_FLAGS(MarginSides, MarginSide)
} // end of namespace QCP
]=])
syncscope_patch_qcustomplot_header("${dir}/upstream.h" "${dir}/patched.h")
file(READ "${dir}/patched.h" patched)
foreach(expected "namespace QCP {\n  Q_NAMESPACE" "  Q_ENUM_NS(ExportPen)\n" "  Q_ENUM_NS(ResolutionUnit)\n"
                 "  Q_FLAG_NS(MarginSides)\n} // end of namespace QCP")
  string(FIND "${patched}" "${expected}" at)
  if(at EQUAL -1)
    message(FATAL_ERROR "patched header lacks '${expected}':\n${patched}")
  endif()
endforeach()
foreach(gone "Q_MOC_RUN" "Q_GADGET" "class QCP")
  string(FIND "${patched}" "${gone}" at)
  if(NOT at EQUAL -1)
    message(FATAL_ERROR "patched header still has '${gone}':\n${patched}")
  endif()
endforeach()
# A header that is already fine (Debian's) passes through unchanged.
file(WRITE "${dir}/debian.h" "namespace QCP {\n  Q_NAMESPACE\n}\n")
syncscope_patch_qcustomplot_header("${dir}/debian.h" "${dir}/debian-out.h")
file(READ "${dir}/debian-out.h" same)
if(NOT same STREQUAL "namespace QCP {\n  Q_NAMESPACE\n}\n")
  message(FATAL_ERROR "an already patched header was changed")
endif()
