#ifndef HERALD_SQLITE_TUNING_H
#define HERALD_SQLITE_TUNING_H

/// A process-wide SQLite setting Swift cannot make itself (`sqlite3_config` is variadic): no
/// memory statistics, which otherwise take a global mutex and update counters around every
/// allocation SQLite makes. (Connections already run without a mutex of their own: GRDB opens
/// them in multi-thread mode and serialises each on its queue.) Returns SQLITE_OK, or
/// SQLITE_MISUSE when SQLite was already initialised in this process (then nothing changed).
int herald_sqlite_configure(void);

#endif
