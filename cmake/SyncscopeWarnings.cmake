# Warnings for Syncscope's own targets only: third-party code (QCustomPlot) keeps its own flags.
# Pass QT_KEYWORDS for targets that include qcustomplot.h, whose inline code uses the
# `signals` and `foreach` keywords.
function(syncscope_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor
                                           -Wold-style-cast -Wcast-align -Woverloaded-virtual
                                           -Wconversion -Wno-sign-conversion)
  if(SYNCSCOPE_WERROR)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
  # Typed connect() only: string-based SIGNAL()/SLOT() and implicit QString casts are refused.
  target_compile_definitions(${target} PRIVATE QT_NO_CAST_FROM_ASCII QT_NO_CAST_TO_ASCII
                                               QT_NO_CAST_FROM_BYTEARRAY)
  if(NOT "QT_KEYWORDS" IN_LIST ARGN)
    target_compile_definitions(${target} PRIVATE QT_NO_KEYWORDS QT_NO_FOREACH)
  endif()
endfunction()
