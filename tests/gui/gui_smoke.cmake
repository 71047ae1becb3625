# Starts syncscope on a fresh data folder, lets it open its stores, and checks that it quit
# cleanly and created one SQLite file per default store.
file(REMOVE_RECURSE "${DATA_DIR}")
set(ENV{SYNCSCOPE_DATA_DIR} "${DATA_DIR}")
execute_process(COMMAND "${PROGRAM}" --quit-after 1500 RESULT_VARIABLE rc TIMEOUT 60)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "syncscope exited with ${rc}")
endif()
foreach(store sql mongo hive redis sqlite)
  if(NOT EXISTS "${DATA_DIR}/${store}.db")
    message(FATAL_ERROR "syncscope did not create ${DATA_DIR}/${store}.db")
  endif()
endforeach()
