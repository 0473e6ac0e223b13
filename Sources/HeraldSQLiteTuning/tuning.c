#include <sqlite3.h>
#include "HeraldSQLiteTuning.h"

int herald_sqlite_configure(void) {
    // Both must come before SQLite initialises (the first connection opened in the process).
    int rc = sqlite3_config(SQLITE_CONFIG_MULTITHREAD);
    if (rc != SQLITE_OK) return rc;
    return sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}
