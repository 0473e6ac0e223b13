#ifndef HERALD_SQLITE_TUNING_H
#define HERALD_SQLITE_TUNING_H

/// Process-wide SQLite settings Swift cannot make itself (`sqlite3_config` is variadic):
/// multi-thread mode (no mutex around every call on a connection: GRDB already serialises each
/// connection on its own queue) and no memory statistics (a global mutex and counters around
/// every allocation). Returns SQLITE_OK, or SQLITE_MISUSE when SQLite was already initialised
/// in this process (then nothing changed and SQLite keeps its compiled-in defaults).
int herald_sqlite_configure(void);

#endif
