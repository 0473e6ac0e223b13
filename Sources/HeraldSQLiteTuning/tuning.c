#include <sqlite3.h>
#include "HeraldSQLiteTuning.h"

int herald_sqlite_configure(void) {
    // Must come before SQLite initialises (the first connection opened in the process).
    return sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}
