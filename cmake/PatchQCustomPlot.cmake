# The one change qcustomplot.h needs for Qt 6's moc: upstream hides namespace QCP from moc
# behind "#ifndef Q_MOC_RUN" and shows moc a fake "class QCP { Q_GADGET Q_ENUMS(...) }".
# Qt 6's moc rejects that; a real namespace with Q_NAMESPACE and Q_ENUM_NS/Q_FLAG_NS works.
# Debian's source package already carries an equivalent patch, in which case the header is
# copied unchanged.
function(syncscope_patch_qcustomplot_header input output)
  file(READ "${input}" header)
  string(FIND "${header}" "#ifndef Q_MOC_RUN\nnamespace QCP {" trick_at)
  if(trick_at EQUAL -1)
    file(WRITE "${output}.tmp" "${header}")
  else()
    string(REGEX MATCH "#ifndef Q_MOC_RUN\nnamespace QCP {\n#else\nclass QCP {[^\n]*\n(.*)public:\n#endif\n" block "${header}")
    set(gadget_lines "${CMAKE_MATCH_1}")
    string(REGEX MATCHALL "Q_(ENUMS|FLAGS)\\(([A-Za-z]+)\\)" decls "${gadget_lines}")
    set(ns_decls "")
    foreach(decl IN LISTS decls)
      string(REGEX REPLACE "Q_ENUMS\\(([A-Za-z]+)\\)" "  Q_ENUM_NS(\\1)" decl "${decl}")
      string(REGEX REPLACE "Q_FLAGS\\(([A-Za-z]+)\\)" "  Q_FLAG_NS(\\1)" decl "${decl}")
      string(APPEND ns_decls "${decl}\n")
    endforeach()
    string(REPLACE "${block}" "namespace QCP {\n  Q_NAMESPACE\n" header "${header}")
    string(REPLACE "} // end of namespace QCP" "${ns_decls}} // end of namespace QCP" header "${header}")
    file(WRITE "${output}.tmp" "${header}")
  endif()
  configure_file("${output}.tmp" "${output}" COPYONLY)
endfunction()
